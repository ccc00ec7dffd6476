//! Clusters of lessons: near-duplicate lessons written by different programmes (« mobiliser les élus
//! dès le diagnostic » / « impliquer la collectivité dès la détection des besoins »), grouped by a
//! reviewer so that their recurrence is counted together. A lesson belongs to one cluster at most.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000004_lesson_clusters"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        manager
            .create_table(
                Table::create()
                    .table(a("lesson_cluster"))
                    .col(big_pk_auto(a("id")))
                    .col(text(a("name")))
                    .col(text(a("created_by")))
                    .col(big_integer(a("created_at")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("lesson_cluster_member"))
                    .col(big_integer(a("lesson_id")).primary_key())
                    .col(big_integer(a("cluster_id")))
                    .foreign_key(
                        ForeignKey::create()
                            .from(a("lesson_cluster_member"), a("lesson_id"))
                            .to(a("lesson"), a("id"))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(a("lesson_cluster_member"), a("cluster_id"))
                            .to(a("lesson_cluster"), a("id"))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_lesson_cluster_member_cluster")
                    .table(a("lesson_cluster_member"))
                    .col(a("cluster_id"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        manager.drop_table(Table::drop().table(a("lesson_cluster_member")).to_owned()).await?;
        manager.drop_table(Table::drop().table(a("lesson_cluster")).to_owned()).await
    }
}
