//! API tokens: rows keyed by the digest of their secret. The secret itself never reaches the store.

use sea_orm::{ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::entities::api_token;
use super::sql::{parse_code, time_of};
use super::{db_error, now_micros};
use crate::domain::{ApiToken, NewToken, OrganisationId, ProgrammeId, Vocabulary};
use crate::error::{Error, Result};

fn token_of(row: api_token::Model) -> Result<ApiToken> {
    Ok(ApiToken {
        id: row.id,
        name: row.name,
        role: parse_code(&row.role)?,
        organisation: row.organisation_id.map(OrganisationId),
        programme: row.programme_id.map(ProgrammeId),
        created_by: row.created_by,
        created_at: time_of(row.created_at)?,
        revoked_at: row.revoked_at.map(time_of).transpose()?,
    })
}

/// Stores a new token under the digest of its secret.
pub async fn insert_token<C: ConnectionTrait>(
    conn: &C,
    token: &NewToken,
    secret_digest: &str,
    created_by: &str,
) -> Result<ApiToken> {
    let row = api_token::ActiveModel {
        id: ActiveValue::NotSet,
        name: ActiveValue::Set(token.name.as_ref().map(|name| name.as_str().to_owned())),
        role: ActiveValue::Set(token.role.code().to_owned()),
        organisation_id: ActiveValue::Set(token.organisation.map(|id| id.0)),
        programme_id: ActiveValue::Set(token.programme.map(|id| id.0)),
        secret_digest: ActiveValue::Set(secret_digest.to_owned()),
        created_by: ActiveValue::Set(created_by.to_owned()),
        created_at: ActiveValue::Set(now_micros()),
        revoked_at: ActiveValue::Set(None),
    };
    token_of(row.insert(conn).await.map_err(db_error)?)
}

/// Returns the token whose secret has this digest, revoked or not.
pub async fn token_by_digest<C: ConnectionTrait>(conn: &C, secret_digest: &str) -> Result<Option<ApiToken>> {
    api_token::Entity::find()
        .filter(api_token::Column::SecretDigest.eq(secret_digest))
        .one(conn)
        .await
        .map_err(db_error)?
        .map(token_of)
        .transpose()
}

/// Returns the token with this id, revoked or not.
pub async fn token_by_id<C: ConnectionTrait>(conn: &C, id: i64) -> Result<Option<ApiToken>> {
    api_token::Entity::find_by_id(id).one(conn).await.map_err(db_error)?.map(token_of).transpose()
}

/// Returns every token, oldest first.
pub async fn tokens<C: ConnectionTrait>(conn: &C) -> Result<Vec<ApiToken>> {
    let rows = api_token::Entity::find().order_by_asc(api_token::Column::Id).all(conn).await.map_err(db_error)?;
    rows.into_iter().map(token_of).collect()
}

/// Revokes a token (a revoked token stays revoked, at its first revocation time) and returns it.
pub async fn revoke_token<C: ConnectionTrait>(conn: &C, id: i64) -> Result<ApiToken> {
    let row = api_token::Entity::find_by_id(id)
        .one(conn)
        .await
        .map_err(db_error)?
        .ok_or_else(|| Error::NotFound(format!("API token {id}")))?;
    if row.revoked_at.is_some() {
        return token_of(row);
    }
    let mut active: api_token::ActiveModel = row.into();
    active.revoked_at = ActiveValue::Set(Some(now_micros()));
    token_of(active.update(conn).await.map_err(db_error)?)
}

/// Returns every stored token row as written in the database, every column named (for audits and
/// for the test that no secret is stored in clear).
pub async fn raw_token_rows<C: ConnectionTrait>(conn: &C) -> Result<Vec<String>> {
    let rows = api_token::Entity::find().order_by_asc(api_token::Column::Id).all(conn).await.map_err(db_error)?;
    Ok(rows.iter().map(|row| format!("{row:?}")).collect())
}
