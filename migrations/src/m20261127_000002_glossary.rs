//! The synonym glossary of the field's jargon, used by search to expand queries (« QPV » also finds
//! « quartier prioritaire »). Each entry is a group of equivalent terms. Seeded with the terms every
//! network member uses; admins edit it through GraphQL.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000002_glossary"
    }
}

pub(crate) const SEED: &[&[&str]] = &[
    &["QPV", "quartier prioritaire", "quartier prioritaire de la politique de la ville"],
    &["FAI", "Fabrique à initiatives"],
    &["ESS", "économie sociale et solidaire"],
    &["garage solidaire", "garage social", "garage associatif"],
    &["bien-vieillir", "vieillissement", "seniors"],
    &["tiers-lieu", "tiers lieu"],
    &["épicerie solidaire", "épicerie sociale"],
    &["circuits courts", "vente directe"],
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        manager
            .create_table(
                Table::create()
                    .table(a("glossary_entry"))
                    .col(big_pk_auto(a("id")))
                    .col(text(a("terms")))
                    .col(integer(a("version")))
                    .col(big_integer(a("updated_at")))
                    .to_owned(),
            )
            .await?;
        for terms in SEED {
            let quoted: Vec<String> = terms.iter().map(|term| format!("\"{term}\"")).collect();
            let insert = Query::insert()
                .into_table(a("glossary_entry"))
                .columns([a("terms"), a("version"), a("updated_at")])
                .values_panic([format!("[{}]", quoted.join(",")).into(), 1.into(), 0i64.into()])
                .to_owned();
            manager.exec_stmt(insert).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Alias::new("glossary_entry")).to_owned()).await
    }
}
