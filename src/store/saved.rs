//! Saved searches, each owned by one API token (deleted with it).

use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use super::entities::saved_search;
use super::sql::time_of;
use super::{db_error, now_micros};
use crate::error::Result;

/// A saved search as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedSearchRow {
    pub id: i64,
    pub token: i64,
    pub name: String,
    /// The query string of its feed.
    pub parameters: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_visited_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn row_of(model: saved_search::Model) -> Result<SavedSearchRow> {
    Ok(SavedSearchRow {
        id: model.id,
        token: model.token_id,
        name: model.name,
        parameters: model.parameters,
        created_at: time_of(model.created_at)?,
        last_visited_at: model.last_visited_at.map(time_of).transpose()?,
    })
}

/// Stores a new saved search of a token.
pub async fn insert_saved_search<C: ConnectionTrait>(
    conn: &C,
    token: i64,
    name: &str,
    parameters: &str,
) -> Result<SavedSearchRow> {
    let row = saved_search::ActiveModel {
        id: ActiveValue::NotSet,
        token_id: ActiveValue::Set(token),
        name: ActiveValue::Set(name.to_owned()),
        parameters: ActiveValue::Set(parameters.to_owned()),
        created_at: ActiveValue::Set(now_micros()),
        last_visited_at: ActiveValue::Set(None),
    };
    row_of(row.insert(conn).await.map_err(db_error)?)
}

/// Counts a token's saved searches.
pub async fn count_saved_searches<C: ConnectionTrait>(conn: &C, token: i64) -> Result<u64> {
    saved_search::Entity::find().filter(saved_search::Column::TokenId.eq(token)).count(conn).await.map_err(db_error)
}

/// A token's saved searches, oldest first.
pub async fn saved_searches<C: ConnectionTrait>(conn: &C, token: i64) -> Result<Vec<SavedSearchRow>> {
    saved_search::Entity::find()
        .filter(saved_search::Column::TokenId.eq(token))
        .order_by_asc(saved_search::Column::Id)
        .all(conn)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(row_of)
        .collect()
}

/// One saved search of a token (`None` for another token's, as for one that does not exist).
pub async fn saved_search<C: ConnectionTrait>(conn: &C, token: i64, id: i64) -> Result<Option<SavedSearchRow>> {
    saved_search::Entity::find_by_id(id)
        .filter(saved_search::Column::TokenId.eq(token))
        .one(conn)
        .await
        .map_err(db_error)?
        .map(row_of)
        .transpose()
}

/// Records a visit of a token's saved search now; returns whether it exists.
pub async fn visit_saved_search<C: ConnectionTrait>(conn: &C, token: i64, id: i64) -> Result<bool> {
    let done = saved_search::Entity::update_many()
        .col_expr(saved_search::Column::LastVisitedAt, sea_orm::sea_query::Expr::value(now_micros()))
        .filter(saved_search::Column::Id.eq(id))
        .filter(saved_search::Column::TokenId.eq(token))
        .exec(conn)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected > 0)
}

/// Deletes a token's saved search; returns whether it existed.
pub async fn delete_saved_search<C: ConnectionTrait>(conn: &C, token: i64, id: i64) -> Result<bool> {
    let done = saved_search::Entity::delete_many()
        .filter(saved_search::Column::Id.eq(id))
        .filter(saved_search::Column::TokenId.eq(token))
        .exec(conn)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected > 0)
}
