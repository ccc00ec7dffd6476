//! Accounts and ownership: API tokens (stored only as the SHA-256 digest of their secret) and the
//! organisation that owns each record (the contributor's organisation that created it), which decides
//! who may edit it.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000003_accounts"
    }
}

const RECORD_TABLES: [&str; 5] = ["organisation", "territory", "programme", "sheet", "lesson"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        // One column per statement: SQLite alters a table one column at a time.
        for table in RECORD_TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(a(table))
                        .add_column(ColumnDef::new(a("owner_organisation_id")).big_integer().null())
                        .to_owned(),
                )
                .await?;
            manager
                .create_index(
                    Index::create()
                        .name(format!("idx_{table}_owner"))
                        .table(a(table))
                        .col(a("owner_organisation_id"))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(a("api_token"))
                    .col(big_pk_auto(a("id")))
                    .col(text_null(a("name")))
                    .col(string(a("role")))
                    .col(big_integer_null(a("organisation_id")))
                    .col(big_integer_null(a("programme_id")))
                    .col(string_uniq(a("secret_digest")))
                    .col(text(a("created_by")))
                    .col(big_integer(a("created_at")))
                    .col(big_integer_null(a("revoked_at")))
                    .foreign_key(
                        ForeignKey::create()
                            .from(a("api_token"), a("organisation_id"))
                            .to(a("organisation"), a("id"))
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(a("api_token"), a("programme_id"))
                            .to(a("programme"), a("id"))
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        manager.drop_table(Table::drop().table(a("api_token")).to_owned()).await?;
        for table in RECORD_TABLES {
            manager.drop_index(Index::drop().name(format!("idx_{table}_owner")).table(a(table)).to_owned()).await?;
            manager
                .alter_table(Table::alter().table(a(table)).drop_column(a("owner_organisation_id")).to_owned())
                .await?;
        }
        Ok(())
    }
}
