//! The thesaurus of the field: glossary entries gain narrower terms (one-way expansions: searching
//! « mobilité » also finds « garage solidaire », not the reverse) and a provenance line, and the
//! glossary is seeded with the thesaurus shipped in `data/thesaurus.json` (edition 1). The eight
//! entries the first glossary migration seeded are replaced when nobody edited them (still at version
//! 1 with the same terms); entries an administrator wrote stay, and a thesaurus group is skipped when
//! one of its terms is already in the glossary. A later edition of the thesaurus comes with its own
//! migration.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000007_thesaurus"
    }
}

/// The thesaurus as shipped when this migration was written.
const THESAURUS: &str = include_str!("../../data/thesaurus.json");

/// The groups the first glossary migration seeded, replaced by the thesaurus when left unedited.
use super::m20261127_000002_glossary::SEED as FIRST_SEED;

/// One group of the thesaurus file.
struct Group {
    terms: Vec<String>,
    narrower: Vec<String>,
    source: String,
}

fn groups() -> Result<Vec<Group>, DbErr> {
    let invalid = |problem: &str| DbErr::Migration(format!("data/thesaurus.json: {problem}"));
    let value: serde_json::Value = serde_json::from_str(THESAURUS).map_err(|err| invalid(&err.to_string()))?;
    let strings = |value: &serde_json::Value| -> Vec<String> {
        value.as_array().into_iter().flatten().filter_map(|term| term.as_str()).map(str::to_owned).collect()
    };
    let list = value["groups"].as_array().ok_or_else(|| invalid("no `groups` list"))?;
    Ok(list
        .iter()
        .map(|group| Group {
            terms: strings(&group["terms"]),
            narrower: strings(&group["narrower"]),
            source: group["source"].as_str().unwrap_or_default().to_owned(),
        })
        .filter(|group| !group.terms.is_empty())
        .collect())
}

/// Lower-cases a term for the comparisons of this migration (accents are kept: two spellings that
/// differ by an accent are both kept, which search folds anyway).
fn key(term: &str) -> String {
    term.trim().to_lowercase()
}

fn quoted(terms: &[String]) -> Result<String, DbErr> {
    let list: Vec<serde_json::Value> = terms.iter().map(|term| serde_json::Value::String(term.clone())).collect();
    serde_json::to_string(&list).map_err(|err| DbErr::Migration(err.to_string()))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        // One column per statement: SQLite adds one column per ALTER TABLE.
        for (column, default) in [("narrower", "[]"), ("source", "")] {
            manager
                .alter_table(
                    Table::alter()
                        .table(a("glossary_entry"))
                        .add_column(ColumnDef::new(a(column)).text().not_null().default(default))
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        let rows =
            db.query_all_raw(Statement::from_string(backend, "SELECT id, terms, version FROM glossary_entry")).await?;
        let mut kept_terms = std::collections::HashSet::new();
        for row in rows {
            let id: i64 = row.try_get("", "id")?;
            let version: i32 = row.try_get("", "version")?;
            let terms: String = row.try_get("", "terms")?;
            let terms: Vec<String> = serde_json::from_str(&terms).unwrap_or_default();
            let unedited = version == 1
                && FIRST_SEED
                    .iter()
                    .any(|seed| seed.len() == terms.len() && seed.iter().zip(&terms).all(|(a, b)| a == b));
            if unedited {
                manager
                    .exec_stmt(
                        Query::delete().from_table(a("glossary_entry")).and_where(Expr::col(a("id")).eq(id)).to_owned(),
                    )
                    .await?;
            } else {
                kept_terms.extend(terms.iter().map(|term| key(term)));
            }
        }
        for group in groups()? {
            if group.terms.iter().any(|term| kept_terms.contains(&key(term))) {
                continue;
            }
            let insert = Query::insert()
                .into_table(a("glossary_entry"))
                .columns([a("terms"), a("narrower"), a("source"), a("version"), a("updated_at")])
                .values([
                    quoted(&group.terms)?.into(),
                    quoted(&group.narrower)?.into(),
                    group.source.clone().into(),
                    1.into(),
                    0i64.into(),
                ])
                .map_err(|err| DbErr::Migration(err.to_string()))?
                .to_owned();
            manager.exec_stmt(insert).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        for column in ["narrower", "source"] {
            manager.alter_table(Table::alter().table(a("glossary_entry")).drop_column(a(column)).to_owned()).await?;
        }
        Ok(())
    }
}
