//! The database schema of retex, as sea-orm migrations written with the schema builder, so that one
//! migration serves SQLite and PostgreSQL alike. Migrations are append-only: a released migration is
//! never edited, a change is a new file.

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_knowledge_base;
mod m20261127_000002_glossary;
mod m20261128_000003_accounts;
mod m20261128_000004_lesson_clusters;
mod m20261128_000005_external_keys;
mod m20261202_000006_sheet_scope_index;
mod m20261202_000007_thesaurus;
mod m20261203_000008_saved_searches;
mod m20261203_000009_people;
mod m20261203_000010_funding;

/// Lists the migrations in the order they apply.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_knowledge_base::Migration),
            Box::new(m20261127_000002_glossary::Migration),
            Box::new(m20261128_000003_accounts::Migration),
            Box::new(m20261128_000004_lesson_clusters::Migration),
            Box::new(m20261128_000005_external_keys::Migration),
            Box::new(m20261202_000006_sheet_scope_index::Migration),
            Box::new(m20261202_000007_thesaurus::Migration),
            Box::new(m20261203_000008_saved_searches::Migration),
            Box::new(m20261203_000009_people::Migration),
            Box::new(m20261203_000010_funding::Migration),
        ]
    }
}
