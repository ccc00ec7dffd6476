//! External keys: the identifier a record has in the system it was imported from (a Kohesio project
//! id, a spreadsheet's row number, a CRM reference). An import matches records by them as well as by
//! slug, so re-importing a source's file updates its records, and files may refer to records by them.
//! A key names one record of one kind; a record may have several (one per source).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000005_external_keys"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        manager
            .create_table(
                Table::create()
                    .table(a("external_key"))
                    .col(text(a("kind")))
                    .col(text(a("value")))
                    .col(big_integer(a("record_id")))
                    .col(big_integer(a("created_at")))
                    .primary_key(Index::create().col(a("kind")).col(a("value")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_external_key_record")
                    .table(a("external_key"))
                    .col(a("kind"))
                    .col(a("record_id"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Alias::new("external_key")).to_owned()).await
    }
}
