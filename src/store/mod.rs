//! Persistence: the only module that imports sea-orm. Plain async functions that speak the domain,
//! taking `&impl ConnectionTrait` so that a use case can run several of them in one transaction.
//! Entities never leave this module; rows become domain records here.
//!
//! Layout: `records` holds what every kind of record shares (lookups, keyset-paginated lists, counts,
//! optimistic locking, publication status); one file per kind holds its columns, relations and filters;
//! `journal` holds the revision history and the change log (outbox).

mod analytics;
mod clusters;
mod entities;
mod external;
mod journal;
mod kinds;
mod records;
mod relations;
mod tokens;

pub use analytics::{FunnelGrouping, IndicatorRow, PhaseRow, contradicting, indicators_of, sheet_phases};
pub use clusters::{ClusterRow, add_members, clusters_of, create_cluster, members, ranked_clusters, remove_member};
pub use external::{add_external_keys, external_keys_of, ids_by_external_keys, slugs_by_ids};
pub use journal::{
    Change, ChangeAction, GlossaryEntry, Revision, changes_after, cluster_changed, glossary, glossary_changed,
    latest_change, record as record_revision, record_many as record_revisions, remove_glossary_entry, revisions,
    save_glossary_entry,
};
pub use records::{
    Edit, StoredKind, count, get, get_many, id_by_slug, ids_after, ids_by_slugs, insert, insert_many, list, slugs,
    update, update_many, within_scope,
};
pub use relations::{RelationIndex, Reverse, reverse};
pub use tokens::{insert_token, raw_token_rows, revoke_token, token_by_digest, tokens};

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbErr, SqlErr, TransactionTrait,
};

use crate::error::{Error, Result};

pub use sea_orm::ConnectionTrait as Connection;
pub type Transaction = DatabaseTransaction;

/// The database: a connection pool and a counter of the SQL statements sent through it.
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    statements: Arc<AtomicU64>,
}

impl Store {
    /// Connects to `url` (`sqlite://…` or `postgres://…`).
    ///
    /// SQLite runs in WAL mode with foreign keys on and a busy timeout, through a single pooled
    /// connection: writes to SQLite are serialised anyway, and one connection makes that explicit
    /// (no `SQLITE_BUSY` between our own transactions).
    pub async fn connect(url: &str) -> Result<Self> {
        let mut options = ConnectOptions::new(url.to_owned());
        options.sqlx_logging(false).connect_timeout(Duration::from_secs(10)).acquire_timeout(Duration::from_secs(30));
        if url.starts_with("sqlite:") {
            options.max_connections(1).min_connections(1).map_sqlx_sqlite_opts(|opts| {
                opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
            });
        } else {
            options.max_connections(16);
        }
        let mut db = Database::connect(options).await.map_err(|err| {
            tracing::error!(error = %err, "cannot connect to the database");
            Error::internal(err)
        })?;
        let statements = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&statements);
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        Ok(Self { db, statements })
    }

    /// Applies the pending migrations.
    pub async fn migrate(&self) -> Result<()> {
        Migrator::up(&self.db, None).await.map_err(db_error)
    }

    /// Returns the number of SQL statements sent since the store was opened.
    pub fn statement_count(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Starts a transaction.
    pub async fn begin(&self) -> Result<Transaction> {
        self.db.begin().await.map_err(db_error)
    }

    /// Returns whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        self.db.ping().await.map_err(db_error)
    }

    /// Returns the name of the database engine, for logs and health checks.
    pub fn backend_name(&self) -> &'static str {
        match self.db.get_database_backend() {
            sea_orm::DbBackend::Postgres => "postgres",
            sea_orm::DbBackend::Sqlite => "sqlite",
            _ => "other",
        }
    }
}

/// Commits a transaction.
pub async fn commit(tx: Transaction) -> Result<()> {
    tx.commit().await.map_err(db_error)
}

/// Maps a database error to the error policy: uniqueness violations are conflicts the client can act
/// on; everything else is internal and keeps its detail for the logs only.
pub(crate) fn db_error(err: DbErr) -> Error {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => {
            Error::Conflict("a record with this slug already exists; choose another slug".into())
        }
        Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
            Error::Conflict("a referenced record does not exist or is still referenced".into())
        }
        _ => Error::internal(err),
    }
}

/// Returns the current time in microseconds since the Unix epoch, the unit of every stored timestamp.
pub(crate) fn now_micros() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

/// Creates an empty PostgreSQL database named `name` on the server of `server_url` and returns its
/// URL. For test harnesses and benchmarks that need one database each; `name` must be lower-case
/// ASCII letters, digits and underscores.
pub async fn create_database(server_url: &str, name: &str) -> Result<String> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        return Err(Error::invalid("name", "use lower-case letters, digits and underscores"));
    }
    let db = Database::connect(server_url).await.map_err(db_error)?;
    db.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.map_err(db_error)?;
    db.close().await.map_err(db_error)?;
    let (base, query) = match server_url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (server_url, String::new()),
    };
    let prefix = base.rsplit_once('/').map_or(base, |(prefix, _)| prefix);
    Ok(format!("{prefix}/{name}{query}"))
}

/// Drops the PostgreSQL databases whose name starts with `prefix` (left over by earlier test runs).
pub async fn drop_databases(server_url: &str, prefix: &str) -> Result<usize> {
    if !prefix.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        return Err(Error::invalid("prefix", "use lower-case letters, digits and underscores"));
    }
    let db = Database::connect(server_url).await.map_err(db_error)?;
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            format!("SELECT datname FROM pg_database WHERE datname LIKE '{prefix}%'"),
        ))
        .await
        .map_err(db_error)?;
    let mut dropped = 0;
    for row in rows {
        let name: String = row.try_get("", "datname").map_err(db_error)?;
        db.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await.map_err(db_error)?;
        dropped += 1;
    }
    db.close().await.map_err(db_error)?;
    Ok(dropped)
}
