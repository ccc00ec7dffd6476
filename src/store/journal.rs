//! The journal of every change: the revision history (each state a record has had, with who, when and
//! why) and the change log (outbox) that the search index and live subscriptions follow. Both are
//! written in the transaction of the change they describe, so neither can miss nor invent one.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::entities::{change, revision};
use super::records::{set, time_of};
use super::{db_error, now_micros};
use crate::domain::Kind;
use crate::error::{Error, Result};

/// What a change did to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeAction {
    Created,
    Updated,
    StatusChanged,
    Archived,
}

impl ChangeAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeAction::Created => "CREATED",
            ChangeAction::Updated => "UPDATED",
            ChangeAction::StatusChanged => "STATUS_CHANGED",
            ChangeAction::Archived => "ARCHIVED",
        }
    }

    fn parse(raw: &str) -> Result<Self> {
        [
            ChangeAction::Created,
            ChangeAction::Updated,
            ChangeAction::StatusChanged,
            ChangeAction::Archived,
        ]
        .into_iter()
        .find(|action| action.as_str() == raw)
        .ok_or_else(|| Error::internal(format!("stored change action {raw:?} is unknown")))
    }
}

/// One state of a record.
#[derive(Debug, Clone)]
pub struct Revision {
    pub kind: Kind,
    pub record_id: i64,
    pub version: i32,
    pub action: ChangeAction,
    pub author: String,
    pub reason: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The record as it was at this version, in the dataset's JSON form.
    pub snapshot: String,
}

/// One entry of the change log.
#[derive(Debug, Clone)]
pub struct Change {
    pub sequence: i64,
    pub kind: Kind,
    pub record_id: i64,
    pub action: ChangeAction,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Records a new state of a record and the change that produced it.
pub async fn record<C: ConnectionTrait>(conn: &C, revision: &Revision) -> Result<()> {
    let now = now_micros();
    revision::Entity::insert(revision::ActiveModel {
        entity: set(revision.kind.as_str().to_owned()),
        record_id: set(revision.record_id),
        version: set(revision.version),
        action: set(revision.action.as_str().to_owned()),
        author: set(revision.author.clone()),
        reason: set(revision.reason.clone()),
        created_at: set(now),
        snapshot: set(revision.snapshot.clone()),
        ..Default::default()
    })
    .exec_without_returning(conn)
    .await
    .map_err(db_error)?;
    change::Entity::insert(change::ActiveModel {
        entity: set(revision.kind.as_str().to_owned()),
        record_id: set(revision.record_id),
        action: set(revision.action.as_str().to_owned()),
        created_at: set(now),
        ..Default::default()
    })
    .exec_without_returning(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Returns the revisions of records of one kind, oldest first, grouped by record id.
pub async fn revisions<C: ConnectionTrait>(
    conn: &C,
    kind: Kind,
    ids: &[i64],
) -> Result<Vec<Revision>> {
    let rows = revision::Entity::find()
        .filter(revision::Column::Entity.eq(kind.as_str()))
        .filter(revision::Column::RecordId.is_in(ids.to_vec()))
        .order_by_asc(revision::Column::RecordId)
        .order_by_asc(revision::Column::Version)
        .all(conn)
        .await
        .map_err(db_error)?;
    rows.into_iter()
        .map(|row| {
            Ok(Revision {
                kind,
                record_id: row.record_id,
                version: row.version,
                action: ChangeAction::parse(&row.action)?,
                author: row.author,
                reason: row.reason,
                created_at: time_of(row.created_at)?,
                snapshot: row.snapshot,
            })
        })
        .collect()
}

/// Returns up to `limit` changes after the sequence number `after`, in order.
pub async fn changes_after<C: ConnectionTrait>(
    conn: &C,
    after: i64,
    limit: u64,
) -> Result<Vec<Change>> {
    let rows = change::Entity::find()
        .filter(change::Column::Id.gt(after))
        .order_by_asc(change::Column::Id)
        .limit(limit)
        .all(conn)
        .await
        .map_err(db_error)?;
    rows.into_iter()
        .map(|row| {
            Ok(Change {
                sequence: row.id,
                kind: Kind::parse(&row.entity).ok_or_else(|| {
                    Error::internal(format!("stored change kind {:?} is unknown", row.entity))
                })?,
                record_id: row.record_id,
                action: ChangeAction::parse(&row.action)?,
                created_at: time_of(row.created_at)?,
            })
        })
        .collect()
}
