//! The journal of every change: the revision history (each state a record has had, with who, when and
//! why) and the change log (outbox) that the search index and live subscriptions follow. Both are
//! written in the transaction of the change they describe, so neither can miss nor invent one.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::entities::{change, glossary_entry, revision};
use super::sql::{insert_all, set, time_of};
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
        [ChangeAction::Created, ChangeAction::Updated, ChangeAction::StatusChanged, ChangeAction::Archived]
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
    /// The kind of the changed record; `None` for a glossary edit.
    pub kind: Option<Kind>,
    pub record_id: i64,
    pub action: ChangeAction,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Records a new state of a record and the change that produced it; returns the change's sequence
/// number.
pub async fn record<C: ConnectionTrait>(conn: &C, revision: &Revision) -> Result<i64> {
    let now = now_micros();
    revision::Entity::insert(revision_row(revision, now)).exec_without_returning(conn).await.map_err(db_error)?;
    append_change(conn, revision.kind.as_str(), revision.record_id, revision.action.as_str()).await
}

/// Records new states of many records with multi-row inserts (a bounded number of statements, whatever
/// the number of revisions) and returns the changes that produced them, for `append_changes` to
/// write just before the transaction commits: the change log is ordered by commit (see
/// `order_by_commit`), and a long transaction that wrote its changes early would hold every other
/// writer until it commits.
pub async fn record_many<C: ConnectionTrait>(conn: &C, revisions: &[Revision]) -> Result<Vec<PendingChange>> {
    let now = now_micros();
    insert_all(conn, revisions.iter().map(|revision| revision_row(revision, now)).collect()).await?;
    Ok(revisions
        .iter()
        .map(|revision| PendingChange { kind: revision.kind, record_id: revision.record_id, action: revision.action })
        .collect())
}

/// A change not yet written to the log (see `record_many`).
#[derive(Debug, Clone, Copy)]
pub struct PendingChange {
    pub kind: Kind,
    pub record_id: i64,
    pub action: ChangeAction,
}

/// Writes changes to the log, in commit order, with multi-row inserts; returns the sequence number
/// of the last one (or of the latest change when there is none). Call it as the last write of the
/// transaction, right before committing.
pub async fn append_changes<C: ConnectionTrait>(conn: &C, changes: &[PendingChange]) -> Result<i64> {
    order_by_commit(conn).await?;
    let now = now_micros();
    let rows =
        changes.iter().map(|change| change_row(change.kind.as_str(), change.record_id, change.action.as_str(), now));
    insert_all(conn, rows.collect()).await?;
    Ok(latest_change(conn).await?.map_or(0, |change| change.sequence))
}

/// The PostgreSQL channel on which every commit of a change is announced (`NOTIFY`), so that every
/// server's followers read it at once rather than at their next poll.
pub(crate) const CHANGES_CHANNEL: &str = "retex_changes";

/// The PostgreSQL advisory lock (transaction-scoped) that orders change-log entries by commit.
const CHANGE_LOG_LOCK: i64 = 0x7265_7465_785f_6c67; // "retex_lg"

/// Makes the sequence numbers of the change log follow the order in which transactions commit, so that
/// a follower reading `sequence > last applied` can never skip a change committed late.
///
/// On PostgreSQL, sequence values are handed out when rows are inserted, and transactions commit in
/// another order: a follower that read 11 (committed) while 10 was still open would never read 10. So
/// every writer takes one transaction-scoped advisory lock right before it takes its first sequence
/// number, and holds it until it commits or rolls back. PostgreSQL makes a transaction visible before
/// it releases its locks, so when a writer is handed number `n`, every number below `n` belongs to a
/// transaction that is already visible or will never be: a snapshot that sees `n` sees all of them.
/// Writers only queue on the short tail between their change-log insert and their commit.
///
/// The same statement announces the change on `CHANGES_CHANNEL`: PostgreSQL delivers a `NOTIFY`
/// when (and only if) its transaction commits.
///
/// On SQLite there is one writer at a time (its database lock is held from the first write to the
/// commit), so numbers already follow commits.
async fn order_by_commit<C: ConnectionTrait>(conn: &C) -> Result<()> {
    if conn.get_database_backend() == sea_orm::DbBackend::Postgres {
        let statement = format!("SELECT pg_advisory_xact_lock({CHANGE_LOG_LOCK}), pg_notify('{CHANGES_CHANNEL}', '')");
        conn.execute_unprepared(&statement).await.map_err(db_error)?;
    }
    Ok(())
}

/// The row of a revision, written at `now`.
fn revision_row(revision: &Revision, now: i64) -> revision::ActiveModel {
    revision::ActiveModel {
        entity: set(revision.kind.as_str().to_owned()),
        record_id: set(revision.record_id),
        version: set(revision.version),
        action: set(revision.action.as_str().to_owned()),
        author: set(revision.author.clone()),
        reason: set(revision.reason.clone()),
        created_at: set(now),
        snapshot: set(revision.snapshot.clone()),
        ..Default::default()
    }
}

/// A change-log row, written at `now`.
fn change_row(entity: &str, record_id: i64, action: &str, now: i64) -> change::ActiveModel {
    change::ActiveModel {
        entity: set(entity.to_owned()),
        record_id: set(record_id),
        action: set(action.to_owned()),
        created_at: set(now),
        ..Default::default()
    }
}

/// Appends an entry to the change log and returns its sequence number. Like `append_changes`, the
/// last write of its transaction.
async fn append_change<C: ConnectionTrait>(conn: &C, entity: &str, record_id: i64, action: &str) -> Result<i64> {
    order_by_commit(conn).await?;
    let row = change::Entity::insert(change_row(entity, record_id, action, now_micros()))
        .exec_with_returning(conn)
        .await
        .map_err(db_error)?;
    Ok(row.id)
}

/// The change-log subject of glossary edits.
const GLOSSARY: &str = "glossary";

/// Records that the glossary changed (so that every server reloads it); returns the sequence number.
pub async fn glossary_changed<C: ConnectionTrait>(conn: &C, entry_id: i64) -> Result<i64> {
    append_change(conn, GLOSSARY, entry_id, ChangeAction::Updated.as_str()).await
}

/// Records that a cluster of lessons changed (its figures with it); returns the sequence number.
pub async fn cluster_changed<C: ConnectionTrait>(conn: &C, cluster_id: i64) -> Result<i64> {
    append_change(conn, "lesson_cluster", cluster_id, ChangeAction::Updated.as_str()).await
}

/// Returns the newest change, if any.
pub async fn latest_change<C: ConnectionTrait>(conn: &C) -> Result<Option<Change>> {
    let row = change::Entity::find().order_by_desc(change::Column::Id).one(conn).await.map_err(db_error)?;
    row.map(to_change).transpose()
}

fn to_change(row: change::Model) -> Result<Change> {
    Ok(Change {
        sequence: row.id,
        kind: Kind::parse(&row.entity),
        record_id: row.record_id,
        action: ChangeAction::parse(&row.action)?,
        created_at: time_of(row.created_at)?,
    })
}

/// Returns the revisions of records of one kind, oldest first, grouped by record id.
pub async fn revisions<C: ConnectionTrait>(conn: &C, kind: Kind, ids: &[i64]) -> Result<Vec<Revision>> {
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
pub async fn changes_after<C: ConnectionTrait>(conn: &C, after: i64, limit: u64) -> Result<Vec<Change>> {
    let rows = change::Entity::find()
        .filter(change::Column::Id.gt(after))
        .order_by_asc(change::Column::Id)
        .limit(limit)
        .all(conn)
        .await
        .map_err(db_error)?;
    rows.into_iter().map(to_change).collect()
}

/// One group of equivalent terms in the glossary, with the narrower terms they expand to one way and
/// where the group comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlossaryEntry {
    pub id: i64,
    pub terms: Vec<String>,
    pub narrower: Vec<String>,
    pub source: String,
    pub version: i32,
}

/// What a glossary entry says, as it is written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GlossaryText {
    pub terms: Vec<String>,
    pub narrower: Vec<String>,
    pub source: String,
}

fn json_list(id: i64, column: &str, text: &str) -> Result<Vec<String>> {
    serde_json::from_str(text)
        .map_err(|err| Error::internal(format!("stored glossary entry {id}: `{column}` is not a JSON list: {err}")))
}

/// Returns the glossary, oldest entries first.
pub async fn glossary<C: ConnectionTrait>(conn: &C) -> Result<Vec<GlossaryEntry>> {
    let rows =
        glossary_entry::Entity::find().order_by_asc(glossary_entry::Column::Id).all(conn).await.map_err(db_error)?;
    rows.into_iter()
        .map(|row| {
            Ok(GlossaryEntry {
                id: row.id,
                terms: json_list(row.id, "terms", &row.terms)?,
                narrower: json_list(row.id, "narrower", &row.narrower)?,
                source: row.source,
                version: row.version,
            })
        })
        .collect()
}

/// Creates a glossary entry (when `id` is `None`) or replaces what entry `id` says if it is still at
/// `expected_version`; returns the entry's id.
pub async fn save_glossary_entry<C: ConnectionTrait>(
    conn: &C,
    id: Option<i64>,
    expected_version: i32,
    text: &GlossaryText,
) -> Result<i64> {
    let terms = serde_json::to_string(&text.terms).map_err(Error::internal)?;
    let narrower = serde_json::to_string(&text.narrower).map_err(Error::internal)?;
    match id {
        None => {
            let row = glossary_entry::Entity::insert(glossary_entry::ActiveModel {
                terms: set(terms),
                narrower: set(narrower),
                source: set(text.source.clone()),
                version: set(1),
                updated_at: set(now_micros()),
                ..Default::default()
            })
            .exec_with_returning(conn)
            .await
            .map_err(db_error)?;
            Ok(row.id)
        }
        Some(id) => {
            let result = glossary_entry::Entity::update_many()
                .set(glossary_entry::ActiveModel {
                    terms: set(terms),
                    narrower: set(narrower),
                    source: set(text.source.clone()),
                    version: set(expected_version + 1),
                    updated_at: set(now_micros()),
                    ..Default::default()
                })
                .filter(glossary_entry::Column::Id.eq(id))
                .filter(glossary_entry::Column::Version.eq(expected_version))
                .exec(conn)
                .await
                .map_err(db_error)?;
            if result.rows_affected == 0 {
                return Err(glossary_conflict(conn, id, expected_version).await);
            }
            Ok(id)
        }
    }
}

/// Removes a glossary entry that is still at `expected_version`.
pub async fn remove_glossary_entry<C: ConnectionTrait>(conn: &C, id: i64, expected_version: i32) -> Result<()> {
    let result = glossary_entry::Entity::delete_many()
        .filter(glossary_entry::Column::Id.eq(id))
        .filter(glossary_entry::Column::Version.eq(expected_version))
        .exec(conn)
        .await
        .map_err(db_error)?;
    if result.rows_affected == 0 {
        return Err(glossary_conflict(conn, id, expected_version).await);
    }
    Ok(())
}

async fn glossary_conflict<C: ConnectionTrait>(conn: &C, id: i64, expected_version: i32) -> Error {
    match glossary_entry::Entity::find_by_id(id).one(conn).await {
        Ok(None) => Error::NotFound(format!("glossary entry {id}")),
        Ok(Some(row)) => Error::Conflict(format!(
            "glossary entry {id} is at version {}, not {expected_version}: reload it and apply your change again",
            row.version
        )),
        Err(err) => db_error(err),
    }
}
