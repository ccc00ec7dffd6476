//! Funding: a sheet's total budget (in cents, so that sums are exact) and its funding plan, one row
//! per line (funder, amount in cents, year, kind), kept in order like the sheet's other owned rows.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000010_funding"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        manager
            .alter_table(Table::alter().table(a("sheet")).add_column(big_integer_null(a("budget_cents"))).to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("sheet_funding"))
                    .col(big_pk_auto(a("id")))
                    .col(big_integer(a("sheet_id")))
                    .col(integer(a("position")))
                    .col(string_len(a("funder"), 200))
                    .col(big_integer(a("amount_cents")))
                    .col(integer_null(a("year")))
                    .col(string_len(a("kind"), 32))
                    .foreign_key(
                        ForeignKey::create()
                            .from(a("sheet_funding"), a("sheet_id"))
                            .to(a("sheet"), a("id"))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_sheet_funding_sheet").table(a("sheet_funding")).col(a("sheet_id")).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        manager.drop_table(Table::drop().table(a("sheet_funding")).to_owned()).await?;
        manager.alter_table(Table::alter().table(a("sheet")).drop_column(a("budget_cents")).to_owned()).await
    }
}
