//! People's accounts: a person signs in with an e-mail address and a password (an argon2id hash),
//! holds the role and scope of an `api_token` row whose secret is never issued (so that authorship,
//! saved searches and revocation work for people as for programs), and reaches the page through a
//! session. Invitations and password resets are one-time links, stored as digests like every secret.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000009_people"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        manager
            .create_table(
                Table::create()
                    .table(a("person"))
                    .col(big_pk_auto(a("id")))
                    .col(big_integer_uniq(a("token_id")))
                    .col(string_len_uniq(a("email"), 254))
                    .col(text(a("password_hash")))
                    .col(integer(a("failed_attempts")).default(0))
                    .col(big_integer_null(a("locked_until")))
                    .col(big_integer(a("created_at")))
                    .col(big_integer_null(a("last_signed_in_at")))
                    .foreign_key(ForeignKey::create().from(a("person"), a("token_id")).to(a("api_token"), a("id")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("invitation"))
                    .col(big_pk_auto(a("id")))
                    .col(string_len_uniq(a("secret_digest"), 64))
                    .col(string_len(a("purpose"), 16))
                    .col(string_len(a("email"), 254))
                    .col(text_null(a("name")))
                    .col(string_len(a("role"), 16))
                    .col(big_integer_null(a("organisation_id")))
                    .col(big_integer_null(a("programme_id")))
                    .col(big_integer_null(a("person_id")))
                    .col(text(a("created_by")))
                    .col(big_integer(a("created_at")))
                    .col(big_integer(a("expires_at")))
                    .col(big_integer_null(a("used_at")))
                    .foreign_key(ForeignKey::create().from(a("invitation"), a("person_id")).to(a("person"), a("id")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("session"))
                    .col(big_pk_auto(a("id")))
                    .col(string_len_uniq(a("secret_digest"), 64))
                    .col(string_len(a("csrf_digest"), 64))
                    .col(big_integer(a("person_id")))
                    .col(big_integer(a("created_at")))
                    .col(big_integer(a("expires_at")))
                    .col(big_integer_null(a("revoked_at")))
                    .foreign_key(ForeignKey::create().from(a("session"), a("person_id")).to(a("person"), a("id")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_session_person").table(a("session")).col(a("person_id")).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["session", "invitation", "person"] {
            manager.drop_table(Table::drop().table(Alias::new(table)).to_owned()).await?;
        }
        Ok(())
    }
}
