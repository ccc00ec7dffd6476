//! People's accounts, their one-time links (invitations, password resets) and their sessions. Secrets
//! reach the store only as digests; the password only as its argon2id hash.

use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::entities::{invitation, person, session};
use super::sql::{parse_code, time_of};
use super::tokens::token_by_id;
use super::{db_error, now_micros};
use crate::domain::{ApiToken, LinkPurpose, OneTimeLink, OrganisationId, Person, ProgrammeId, Role, Vocabulary};
use crate::error::{Error, Result};

fn micros(time: chrono::DateTime<chrono::Utc>) -> i64 {
    time.timestamp_micros()
}

fn link_of(row: invitation::Model) -> Result<OneTimeLink> {
    Ok(OneTimeLink {
        id: row.id,
        purpose: LinkPurpose::from_code(&row.purpose)
            .ok_or_else(|| Error::internal(format!("stored link purpose {:?} is unknown", row.purpose)))?,
        email: row.email,
        name: row.name,
        role: parse_code(&row.role)?,
        organisation: row.organisation_id.map(OrganisationId),
        programme: row.programme_id.map(ProgrammeId),
        person: row.person_id,
        created_by: row.created_by,
        created_at: time_of(row.created_at)?,
        expires_at: time_of(row.expires_at)?,
        used_at: row.used_at.map(time_of).transpose()?,
    })
}

/// What a new one-time link holds.
pub struct NewLink<'a> {
    pub purpose: LinkPurpose,
    pub email: &'a str,
    pub name: Option<&'a str>,
    pub role: Role,
    pub organisation: Option<OrganisationId>,
    pub programme: Option<ProgrammeId>,
    pub person: Option<i64>,
    pub created_by: &'a str,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// Stores a one-time link under the digest of its secret.
pub async fn insert_link<C: ConnectionTrait>(conn: &C, link: NewLink<'_>, secret_digest: &str) -> Result<OneTimeLink> {
    let row = invitation::ActiveModel {
        id: ActiveValue::NotSet,
        secret_digest: ActiveValue::Set(secret_digest.to_owned()),
        purpose: ActiveValue::Set(link.purpose.code().to_owned()),
        email: ActiveValue::Set(link.email.to_owned()),
        name: ActiveValue::Set(link.name.map(str::to_owned)),
        role: ActiveValue::Set(link.role.code().to_owned()),
        organisation_id: ActiveValue::Set(link.organisation.map(|id| id.0)),
        programme_id: ActiveValue::Set(link.programme.map(|id| id.0)),
        person_id: ActiveValue::Set(link.person),
        created_by: ActiveValue::Set(link.created_by.to_owned()),
        created_at: ActiveValue::Set(now_micros()),
        expires_at: ActiveValue::Set(micros(link.expires_at)),
        used_at: ActiveValue::Set(None),
    };
    link_of(row.insert(conn).await.map_err(db_error)?)
}

/// Returns the link whose secret has this digest, used or not.
pub async fn link_by_digest<C: ConnectionTrait>(conn: &C, secret_digest: &str) -> Result<Option<OneTimeLink>> {
    invitation::Entity::find()
        .filter(invitation::Column::SecretDigest.eq(secret_digest))
        .one(conn)
        .await
        .map_err(db_error)?
        .map(link_of)
        .transpose()
}

/// Marks a link used, if nobody did before: of two requests using one link, exactly one gets `true`
/// (the first statement of the transaction that acts on it).
pub async fn use_link<C: ConnectionTrait>(conn: &C, id: i64) -> Result<bool> {
    let result = invitation::Entity::update_many()
        .col_expr(invitation::Column::UsedAt, Expr::value(now_micros()))
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::UsedAt.is_null())
        .exec(conn)
        .await
        .map_err(db_error)?;
    Ok(result.rows_affected == 1)
}

/// A person's row with what sign-in needs (the hash and the record of failures).
#[derive(Debug, Clone)]
pub struct Credentials {
    pub person: Person,
    pub password_hash: String,
    pub failed_attempts: i32,
}

fn person_of(row: &person::Model, token: ApiToken) -> Result<Person> {
    Ok(Person {
        id: row.id,
        token,
        email: row.email.clone(),
        created_at: time_of(row.created_at)?,
        last_signed_in_at: row.last_signed_in_at.map(time_of).transpose()?,
        locked_until: row.locked_until.map(time_of).transpose()?,
    })
}

async fn credentials_of<C: ConnectionTrait>(conn: &C, row: person::Model) -> Result<Credentials> {
    let token = token_by_id(conn, row.token_id)
        .await?
        .ok_or_else(|| Error::internal(format!("person {} acts with a missing token", row.id)))?;
    Ok(Credentials {
        person: person_of(&row, token)?,
        password_hash: row.password_hash,
        failed_attempts: row.failed_attempts,
    })
}

/// Stores a new person, acting with `token`.
pub async fn insert_person<C: ConnectionTrait>(conn: &C, token: i64, email: &str, password_hash: &str) -> Result<i64> {
    let row = person::ActiveModel {
        id: ActiveValue::NotSet,
        token_id: ActiveValue::Set(token),
        email: ActiveValue::Set(email.to_owned()),
        password_hash: ActiveValue::Set(password_hash.to_owned()),
        failed_attempts: ActiveValue::Set(0),
        locked_until: ActiveValue::Set(None),
        created_at: ActiveValue::Set(now_micros()),
        last_signed_in_at: ActiveValue::Set(None),
    };
    Ok(row.insert(conn).await.map_err(db_error)?.id)
}

/// Returns the person signing in with this (lower-case) address.
pub async fn person_by_email<C: ConnectionTrait>(conn: &C, email: &str) -> Result<Option<Credentials>> {
    let row = person::Entity::find().filter(person::Column::Email.eq(email)).one(conn).await.map_err(db_error)?;
    match row {
        Some(row) => Ok(Some(credentials_of(conn, row).await?)),
        None => Ok(None),
    }
}

/// Returns the person with this id.
pub async fn person_by_id<C: ConnectionTrait>(conn: &C, id: i64) -> Result<Option<Credentials>> {
    let row = person::Entity::find_by_id(id).one(conn).await.map_err(db_error)?;
    match row {
        Some(row) => Ok(Some(credentials_of(conn, row).await?)),
        None => Ok(None),
    }
}

/// Returns the person acting with this token, if the token is a person's.
pub async fn person_by_token<C: ConnectionTrait>(conn: &C, token: i64) -> Result<Option<Person>> {
    let row = person::Entity::find().filter(person::Column::TokenId.eq(token)).one(conn).await.map_err(db_error)?;
    match row {
        Some(row) => Ok(Some(credentials_of(conn, row).await?.person)),
        None => Ok(None),
    }
}

/// Every person, oldest account first (two statements, whatever their number).
pub async fn people<C: ConnectionTrait>(conn: &C) -> Result<Vec<Person>> {
    let rows = person::Entity::find().order_by_asc(person::Column::Id).all(conn).await.map_err(db_error)?;
    let mut tokens: std::collections::HashMap<i64, ApiToken> =
        super::tokens::tokens(conn).await?.into_iter().map(|token| (token.id, token)).collect();
    rows.iter()
        .map(|row| {
            let token = tokens
                .remove(&row.token_id)
                .ok_or_else(|| Error::internal(format!("person {} acts with a missing token", row.id)))?;
            person_of(row, token)
        })
        .collect()
}

/// The ids of the tokens people act with (which the list of API tokens leaves out).
pub async fn person_tokens<C: ConnectionTrait>(conn: &C) -> Result<Vec<i64>> {
    let rows = person::Entity::find().all(conn).await.map_err(db_error)?;
    Ok(rows.into_iter().map(|row| row.token_id).collect())
}

/// Records a failed sign-in: the count of failures in a row, and the lock it earned.
pub async fn record_failure<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    failed_attempts: i32,
    locked_until: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<()> {
    person::Entity::update_many()
        .col_expr(person::Column::FailedAttempts, Expr::value(failed_attempts))
        .col_expr(person::Column::LockedUntil, Expr::value(locked_until.map(micros)))
        .filter(person::Column::Id.eq(id))
        .exec(conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Records a successful sign-in: failures forgotten, lock lifted.
pub async fn record_sign_in<C: ConnectionTrait>(conn: &C, id: i64) -> Result<()> {
    person::Entity::update_many()
        .col_expr(person::Column::FailedAttempts, Expr::value(0))
        .col_expr(person::Column::LockedUntil, Expr::value(Option::<i64>::None))
        .col_expr(person::Column::LastSignedInAt, Expr::value(now_micros()))
        .filter(person::Column::Id.eq(id))
        .exec(conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Replaces a person's password hash (failures forgotten, lock lifted).
pub async fn set_password<C: ConnectionTrait>(conn: &C, id: i64, password_hash: &str) -> Result<()> {
    person::Entity::update_many()
        .col_expr(person::Column::PasswordHash, Expr::value(password_hash))
        .col_expr(person::Column::FailedAttempts, Expr::value(0))
        .col_expr(person::Column::LockedUntil, Expr::value(Option::<i64>::None))
        .filter(person::Column::Id.eq(id))
        .exec(conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// A stored session (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub id: i64,
    pub person: i64,
    pub csrf_digest: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub revoked: bool,
}

/// Stores a new session of a person.
pub async fn insert_session<C: ConnectionTrait>(
    conn: &C,
    person: i64,
    secret_digest: &str,
    csrf_digest: &str,
    expires_at: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let row = session::ActiveModel {
        id: ActiveValue::NotSet,
        secret_digest: ActiveValue::Set(secret_digest.to_owned()),
        csrf_digest: ActiveValue::Set(csrf_digest.to_owned()),
        person_id: ActiveValue::Set(person),
        created_at: ActiveValue::Set(now_micros()),
        expires_at: ActiveValue::Set(micros(expires_at)),
        revoked_at: ActiveValue::Set(None),
    };
    row.insert(conn).await.map_err(db_error)?;
    Ok(())
}

/// Returns the session whose secret has this digest, revoked or expired ones included.
pub async fn session_by_digest<C: ConnectionTrait>(conn: &C, secret_digest: &str) -> Result<Option<SessionRow>> {
    let row = session::Entity::find()
        .filter(session::Column::SecretDigest.eq(secret_digest))
        .one(conn)
        .await
        .map_err(db_error)?;
    row.map(|row| {
        Ok(SessionRow {
            id: row.id,
            person: row.person_id,
            csrf_digest: row.csrf_digest,
            expires_at: time_of(row.expires_at)?,
            revoked: row.revoked_at.is_some(),
        })
    })
    .transpose()
}

/// Ends a session (signing out).
pub async fn revoke_session<C: ConnectionTrait>(conn: &C, secret_digest: &str) -> Result<()> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now_micros()))
        .filter(session::Column::SecretDigest.eq(secret_digest))
        .filter(session::Column::RevokedAt.is_null())
        .exec(conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Ends every session of a person (a new password, a disabled account).
pub async fn revoke_sessions_of<C: ConnectionTrait>(conn: &C, person: i64) -> Result<()> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now_micros()))
        .filter(session::Column::PersonId.eq(person))
        .filter(session::Column::RevokedAt.is_null())
        .exec(conn)
        .await
        .map_err(db_error)?;
    Ok(())
}
