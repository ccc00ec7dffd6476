//! External keys: the identifiers records have in the systems they were imported from. A key names
//! one record of one kind; a record may have several.

use std::collections::HashMap;

use sea_orm::{ActiveValue, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::entities::external_key;
use super::{db_error, now_micros};
use crate::domain::Kind;
use crate::error::Result;

/// Returns the record each of these keys names, for the keys that name one.
pub async fn ids_by_external_keys<C: ConnectionTrait>(
    conn: &C,
    kind: Kind,
    keys: &[String],
) -> Result<HashMap<String, i64>> {
    let mut found = HashMap::new();
    for chunk in keys.chunks(500) {
        let rows = external_key::Entity::find()
            .filter(external_key::Column::Kind.eq(kind.as_str()))
            .filter(external_key::Column::Value.is_in(chunk.to_vec()))
            .all(conn)
            .await
            .map_err(db_error)?;
        found.extend(rows.into_iter().map(|row| (row.value, row.record_id)));
    }
    Ok(found)
}

/// Returns the first key (the oldest) of each of these records that has one.
pub async fn external_keys_of<C: ConnectionTrait>(conn: &C, kind: Kind, ids: &[i64]) -> Result<HashMap<i64, String>> {
    let mut found = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = external_key::Entity::find()
            .filter(external_key::Column::Kind.eq(kind.as_str()))
            .filter(external_key::Column::RecordId.is_in(chunk.to_vec()))
            .order_by_asc(external_key::Column::CreatedAt)
            .order_by_asc(external_key::Column::Value)
            .all(conn)
            .await
            .map_err(db_error)?;
        for row in rows {
            found.entry(row.record_id).or_insert(row.value);
        }
    }
    Ok(found)
}

/// Gives records these keys; keys that already exist are left as they are (the caller checked that
/// they name the same record).
pub async fn add_external_keys<C: ConnectionTrait>(conn: &C, kind: Kind, keys: &[(String, i64)]) -> Result<()> {
    let known = ids_by_external_keys(conn, kind, &keys.iter().map(|(key, _)| key.clone()).collect::<Vec<_>>()).await?;
    let now = now_micros();
    let fresh: Vec<external_key::ActiveModel> = keys
        .iter()
        .filter(|(key, _)| !known.contains_key(key))
        .map(|(key, id)| external_key::ActiveModel {
            kind: ActiveValue::Set(kind.as_str().to_owned()),
            value: ActiveValue::Set(key.clone()),
            record_id: ActiveValue::Set(*id),
            created_at: ActiveValue::Set(now),
        })
        .collect();
    for chunk in fresh.chunks(1_000) {
        external_key::Entity::insert_many(chunk.to_vec()).exec_without_returning(conn).await.map_err(db_error)?;
    }
    Ok(())
}

/// Returns the slug of each of these records of a kind, whatever their status.
pub async fn slugs_by_ids<C: ConnectionTrait>(conn: &C, kind: Kind, ids: &[i64]) -> Result<HashMap<i64, String>> {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
    let mut found = HashMap::new();
    for chunk in ids.chunks(500) {
        let query = Query::select()
            .columns([Alias::new("id"), Alias::new("slug")])
            .from(Alias::new(kind.as_str()))
            .and_where(Expr::col(Alias::new("id")).is_in(chunk.to_vec()))
            .to_owned();
        let rows = conn.query_all(&query).await.map_err(db_error)?;
        for row in rows {
            let id: i64 = row.try_get("", "id").map_err(db_error)?;
            let slug: String = row.try_get("", "slug").map_err(db_error)?;
            found.insert(id, slug);
        }
    }
    Ok(found)
}
