//! A narrow index over the columns that decide which sheets a caller sees (publication status, owner)
//! and how dashboards group them (supporting structure): a figure over the whole base reads it instead
//! of every sheet's row, text included.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000006_sheet_scope_index"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        manager
            .create_index(
                Index::create()
                    .name("idx_sheet_scope")
                    .table(a("sheet"))
                    .col(a("publication_status"))
                    .col(a("owner_organisation_id"))
                    .col(a("supporting_structure_id"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("idx_sheet_scope").table(Alias::new("sheet")).to_owned()).await
    }
}
