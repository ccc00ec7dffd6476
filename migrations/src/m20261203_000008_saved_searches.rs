//! Saved searches: a token holder's searches (the words and filters, as the parameters of their Atom
//! feed), with the time of their last visit, so that the records published since can be counted.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000008_saved_searches"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        manager
            .create_table(
                Table::create()
                    .table(a("saved_search"))
                    .col(big_pk_auto(a("id")))
                    .col(big_integer(a("token_id")))
                    .col(text(a("name")))
                    .col(text(a("parameters")))
                    .col(big_integer(a("created_at")))
                    .col(big_integer_null(a("last_visited_at")))
                    .foreign_key(
                        ForeignKey::create()
                            .from(a("saved_search"), a("token_id"))
                            .to(a("api_token"), a("id"))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_saved_search_token").table(a("saved_search")).col(a("token_id")).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Alias::new("saved_search")).to_owned()).await
    }
}
