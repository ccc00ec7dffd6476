//! Persistence: the only module that imports sea-orm. Plain async functions that speak the domain,
//! taking `&impl ConnectionTrait` so that a use case can run several of them in one transaction.
//! Entities never leave this module; rows become domain records here.
//!
//! Layout: `records` holds what every kind of record shares (lookups, keyset-paginated lists, counts,
//! optimistic locking, publication status); one file per kind holds its columns, relations and filters;
//! `journal` holds the revision history and the change log (outbox).

mod analytics;
mod backup;
mod clusters;
mod entities;
mod external;
mod journal;
mod kinds;
mod people;
mod records;
mod relations;
mod saved;
mod sql;
mod tokens;

pub use analytics::{
    FundingRow, FunnelGrouping, FurthestRow, IndicatorRow, SpanRow, contradicting, funding_of, funnel_figures,
    indicators_of,
};
pub use backup::{BackupInfo, inspect as inspect_backup, sqlite_file};
pub use clusters::{ClusterRow, add_members, clusters_of, create_cluster, members, ranked_clusters, remove_member};
pub use external::{add_external_keys, external_keys_of, ids_by_external_keys, slugs_by_ids};
pub use journal::{
    Change, ChangeAction, GlossaryEntry, GlossaryText, PendingChange, Revision, append_changes, changes_after,
    cluster_changed, glossary, glossary_changed, latest_change, record as record_revision,
    record_many as record_revisions, remove_glossary_entry, revisions, save_glossary_entry,
};
pub use people::{
    Credentials, NewLink, SessionRow, insert_link, insert_person, insert_session, link_by_digest, people,
    person_by_email, person_by_id, person_by_token, person_tokens, record_failure, record_sign_in, revoke_session,
    revoke_sessions_of, session_by_digest, set_password, use_link,
};
pub use records::{
    Edit, Keys, StoredKind, count, get, get_many, id_by_slug, ids_after, ids_by_slugs, insert, insert_many, list,
    slugs, update, update_many, versions, visible_keys, within_scope,
};
pub use relations::{RelationIndex, Reverse, reverse};
pub use saved::{
    SavedSearchRow, count_saved_searches, delete_saved_search, insert_saved_search, saved_search, saved_searches,
    visit_saved_search,
};
pub use tokens::{insert_token, raw_token_rows, revoke_token, token_by_digest, token_by_id, tokens};

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbErr, SqlErr, TransactionTrait,
};

use crate::error::{Error, Result};

/// A transaction: the store's functions run on it like on a connection ([`Connection`]), and
/// [`commit`] ends it; dropped without a commit, it rolls back.
pub struct Transaction(DatabaseTransaction);

/// The transaction is a connection by delegating to the database library's own.
#[async_trait::async_trait]
impl ConnectionTrait for Transaction {
    fn get_database_backend(&self) -> sea_orm::DbBackend {
        self.0.get_database_backend()
    }
    async fn execute_raw(&self, stmt: sea_orm::Statement) -> std::result::Result<sea_orm::ExecResult, DbErr> {
        self.0.execute_raw(stmt).await
    }
    async fn execute_unprepared(&self, sql: &str) -> std::result::Result<sea_orm::ExecResult, DbErr> {
        self.0.execute_unprepared(sql).await
    }
    async fn query_one_raw(
        &self,
        stmt: sea_orm::Statement,
    ) -> std::result::Result<Option<sea_orm::QueryResult>, DbErr> {
        self.0.query_one_raw(stmt).await
    }
    async fn query_all_raw(&self, stmt: sea_orm::Statement) -> std::result::Result<Vec<sea_orm::QueryResult>, DbErr> {
        self.0.query_all_raw(stmt).await
    }
    fn support_returning(&self) -> bool {
        self.0.support_returning()
    }
    fn is_mock_connection(&self) -> bool {
        self.0.is_mock_connection()
    }
}

/// A connection the store's functions run on: the pool's, or a transaction's. Use cases name this
/// trait, never the database library's.
pub trait Connection: ConnectionTrait + Sync {}

impl<T: ConnectionTrait + Sync> Connection for T {}

/// How the store connects: the settings an operator tunes (`retex serve --db-…`).
#[derive(Debug, Clone)]
pub struct StoreSettings {
    /// The most connections to PostgreSQL this process opens (its pool). SQLite writes through one.
    pub max_connections: u32,
    /// How long a request waits for a connection before it fails with UNAVAILABLE: what makes a
    /// server fail fast while the database is unreachable.
    pub acquire_timeout: Duration,
    /// The longest a single SQL statement may run on PostgreSQL before it is cancelled (`None`: no
    /// limit).
    pub statement_timeout: Option<Duration>,
    /// The read-only connections to SQLite beside its one writer, so that reads never queue behind
    /// each other nor behind a write (WAL mode).
    pub sqlite_readers: u32,
}

impl Default for StoreSettings {
    fn default() -> Self {
        Self {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(2),
            statement_timeout: Some(Duration::from_secs(30)),
            sqlite_readers: 4,
        }
    }
}

/// How a connection pool is used: open connections, idle ones among them, and the most it opens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolUsage {
    pub open: u32,
    pub idle: u32,
    pub max: u32,
}

/// The database: a connection pool (on SQLite, one writer and a pool of readers) and a counter of
/// the SQL statements sent through it.
#[derive(Clone)]
pub struct Store {
    /// Where transactions run: PostgreSQL's pool, or SQLite's one writing connection.
    db: DatabaseConnection,
    /// Where reads outside transactions run: the same pool on PostgreSQL, SQLite's readers.
    reads: DatabaseConnection,
    statements: Arc<AtomicU64>,
}

/// The PostgreSQL advisory lock that one server at a time holds while it migrates the schema or loads
/// the demo (`startup_lock`); it is not the change log's lock.
const STARTUP_LOCK: i64 = 0x7265_7465_785f_7374; // "retex_st"

/// Held while a server migrates the schema or loads the demo dataset, so that servers started
/// together take turns (see `Store::startup_lock`). Release it with `release`: a dropped lock's
/// transaction is rolled back only when its connection is next used, and until then another
/// process's migration (`retex guide`, `retex import`… beside a server that has just loaded the
/// demo) would wait for it.
pub struct StartupLock {
    holder: Option<Transaction>,
}

impl StartupLock {
    /// Ends the lock's transaction now.
    pub async fn release(self) -> Result<()> {
        match self.holder {
            Some(tx) => tx.0.rollback().await.map_err(db_error),
            None => Ok(()),
        }
    }
}

impl Store {
    /// Connects to `url` (`sqlite://…` or `postgres://…`) with the default settings.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with(url, &StoreSettings::default()).await
    }

    /// Connects to `url` (`sqlite://…` or `postgres://…`).
    ///
    /// SQLite runs in WAL mode with foreign keys on and a busy timeout, through a single pooled
    /// connection: writes to SQLite are serialised anyway, and one connection makes that explicit
    /// (no `SQLITE_BUSY` between our own transactions). PostgreSQL gets a pool of
    /// `settings.max_connections`; every connection has the statement timeout.
    pub async fn connect_with(url: &str, settings: &StoreSettings) -> Result<Self> {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .sqlx_logging(false)
            .connect_timeout(settings.acquire_timeout)
            .acquire_timeout(settings.acquire_timeout)
            .test_before_acquire(true);
        if url.starts_with("sqlite:") {
            options.max_connections(1).min_connections(1).map_sqlx_sqlite_opts(|opts| {
                opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
            });
        } else {
            // One connection listens for changes and one may hold the start-up lock: at least three.
            options.max_connections(settings.max_connections.max(3)).min_connections(0);
            if let Some(timeout) = settings.statement_timeout {
                let millis = timeout.as_millis().to_string();
                options.map_sqlx_postgres_opts(move |opts| opts.options([("statement_timeout", millis.as_str())]));
            }
        }
        // Opening SQLite switches it to WAL mode, which needs a moment alone with the file: servers
        // started together wait for each other (as the busy timeout would) instead of failing.
        let mut attempts = 0;
        let mut db = loop {
            match Database::connect(options.clone()).await {
                Ok(db) => break db,
                Err(err) if url.starts_with("sqlite:") && is_busy(&err) && attempts < 50 => {
                    attempts += 1;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(err) => {
                    tracing::error!(error = %err, "cannot connect to the database");
                    return Err(db_error(err));
                }
            }
        };
        let statements = Arc::new(AtomicU64::new(0));
        let count = |db: &mut DatabaseConnection| {
            let counter = Arc::clone(&statements);
            db.set_metric_callback(move |_| {
                counter.fetch_add(1, Ordering::Relaxed);
            });
        };
        count(&mut db);
        let reads = if url.starts_with("sqlite:") {
            // Opened after the writer, which made the file and switched it to WAL mode.
            let mut options = ConnectOptions::new(url.to_owned());
            options
                .sqlx_logging(false)
                .acquire_timeout(settings.acquire_timeout)
                .max_connections(settings.sqlite_readers.max(1))
                .min_connections(1)
                .map_sqlx_sqlite_opts(|opts| {
                    opts.read_only(true).create_if_missing(false).busy_timeout(Duration::from_secs(10))
                });
            let mut reads = Database::connect(options).await.map_err(|err| {
                tracing::error!(error = %err, "cannot open the database's read connections");
                db_error(err)
            })?;
            count(&mut reads);
            reads
        } else {
            db.clone()
        };
        Ok(Self { db, reads, statements })
    }

    /// Opens a SQLite file read-only, as it is (no migration, no change of journal mode).
    pub(crate) async fn open_sqlite_read_only(path: &str, settings: &StoreSettings) -> Result<Self> {
        let mut options = ConnectOptions::new(format!("sqlite://{path}?mode=ro"));
        options.sqlx_logging(false).acquire_timeout(settings.acquire_timeout).max_connections(1).min_connections(1);
        let db = Database::connect(options).await.map_err(db_error)?;
        Ok(Self { reads: db.clone(), db, statements: Arc::new(AtomicU64::new(0)) })
    }

    /// Moves every page of SQLite's write-ahead log into the database file and empties the log; fails
    /// when another connection is using the file (a server still running on it).
    pub async fn checkpoint(&self) -> Result<()> {
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                "PRAGMA wal_checkpoint(TRUNCATE)",
            ))
            .await
            .map_err(db_error)?;
        let busy = row.and_then(|row| row.try_get_by_index::<i64>(0).ok()).unwrap_or(0);
        if busy != 0 {
            return Err(Error::Conflict(
                "the base is in use by another process: stop the servers that use it first".into(),
            ));
        }
        Ok(())
    }

    /// Closes the connections.
    pub async fn close(self) -> Result<()> {
        if self.db.get_database_backend() == sea_orm::DbBackend::Sqlite {
            self.reads.close().await.map_err(db_error)?;
        }
        self.db.close().await.map_err(db_error)
    }

    /// Applies the pending migrations, one server at a time: in one transaction that first takes the
    /// database's writer lock (PostgreSQL: an advisory lock; SQLite: `BEGIN IMMEDIATE`), so servers
    /// started together on an empty or outdated database wait for each other instead of failing,
    /// and find the work done.
    pub async fn migrate(&self) -> Result<()> {
        let tx = self.begin().await?;
        if tx.get_database_backend() == sea_orm::DbBackend::Postgres {
            // Another server's migration may take longer than a statement may.
            tx.execute_unprepared("SET LOCAL statement_timeout = 0").await.map_err(db_error)?;
            tx.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({STARTUP_LOCK})")).await.map_err(db_error)?;
        }
        Migrator::up(&tx.0, None).await.map_err(db_error)?;
        commit(tx).await
    }

    /// Takes the lock under which one server at a time loads the demo dataset into an empty database,
    /// held until the returned value is dropped. On PostgreSQL it is held by a transaction of its own
    /// (the load runs on other connections of the pool); on SQLite, whose one connection the load
    /// needs, there is none to take: the load's own transaction serialises, and a server that lost
    /// the race finds the records there (see `demo::load_if_empty`).
    pub async fn startup_lock(&self) -> Result<StartupLock> {
        if self.db.get_database_backend() != sea_orm::DbBackend::Postgres {
            return Ok(StartupLock { holder: None });
        }
        let tx = self.db.begin().await.map_err(db_error)?;
        tx.execute_unprepared("SET LOCAL statement_timeout = 0").await.map_err(db_error)?;
        tx.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({STARTUP_LOCK})")).await.map_err(db_error)?;
        Ok(StartupLock { holder: Some(Transaction(tx)) })
    }

    /// Returns the number of SQL statements sent since the store was opened.
    pub fn statement_count(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// The connection for reads outside a transaction (on SQLite, a pool of read-only connections:
    /// nothing written through it).
    pub fn connection(&self) -> &impl Connection {
        &self.reads
    }

    /// The connection for a write outside a transaction (a single statement that needs no journal).
    pub fn writer(&self) -> &impl Connection {
        &self.db
    }

    /// Starts a transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), waiting
    /// in the busy handler while another process writes: a transaction that read first and then
    /// wanted to write would be refused at once (its snapshot may be stale), not made to wait.
    pub async fn begin(&self) -> Result<Transaction> {
        if self.db.get_database_backend() == sea_orm::DbBackend::Sqlite {
            let options = sea_orm::TransactionOptions {
                sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
                ..Default::default()
            };
            return self.db.begin_with_options(options).await.map(Transaction).map_err(db_error);
        }
        self.db.begin().await.map(Transaction).map_err(db_error)
    }

    /// Runs a read that returns one integer (`SELECT COUNT(*) FROM sheet`), for checks from the
    /// outside of the use cases (an operator's sanity check, a test of a restored copy).
    pub async fn scalar(&self, sql: &str) -> Result<i64> {
        let statement = sea_orm::Statement::from_string(self.reads.get_database_backend(), sql);
        let row = self.reads.query_one_raw(statement).await.map_err(db_error)?;
        let row = row.ok_or_else(|| Error::internal(format!("`{sql}` returned no row")))?;
        row.try_get_by_index::<i64>(0).map_err(db_error)
    }

    /// Returns whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        self.db.ping().await.map_err(db_error)
    }

    /// On PostgreSQL, calls `wake` as soon as any process commits a change (the writers' `NOTIFY`,
    /// see `journal::order_by_commit`, heard with `LISTEN` on a connection of the pool), until
    /// `stop` is set. After a lost connection it listens again and calls `wake` once, for what it
    /// may have missed. On SQLite it does nothing: followers poll. Must be called within a tokio
    /// runtime.
    pub fn follow_commits(&self, wake: impl Fn() + Send + 'static, stop: Arc<std::sync::atomic::AtomicBool>) {
        if self.db.get_database_backend() != sea_orm::DbBackend::Postgres {
            return;
        }
        let pool = self.db.get_postgres_connection_pool().clone();
        tokio::spawn(async move {
            use sea_orm::sqlx::postgres::PgListener;
            let mut listener: Option<PgListener> = None;
            while !stop.load(Ordering::Relaxed) {
                let Some(active) = listener.as_mut() else {
                    match PgListener::connect_with(&pool).await {
                        Ok(mut fresh) => match fresh.listen(journal::CHANGES_CHANNEL).await {
                            Ok(()) => {
                                listener = Some(fresh);
                                wake();
                            }
                            Err(error) => {
                                tracing::debug!(%error, "cannot LISTEN for changes; polling meanwhile");
                                tokio::time::sleep(Duration::from_secs(1)).await;
                            }
                        },
                        Err(error) => {
                            tracing::debug!(%error, "cannot LISTEN for changes; polling meanwhile");
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    }
                    continue;
                };
                // Wakes up every second to see whether it should stop.
                match tokio::time::timeout(Duration::from_secs(1), active.try_recv()).await {
                    Ok(Ok(_)) => wake(),
                    Ok(Err(_)) => {
                        listener = None;
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                    Err(_) => {}
                }
            }
        });
    }

    /// Returns how the connection pool is used now.
    pub fn pool_usage(&self) -> PoolUsage {
        fn usage<DB: sea_orm::sqlx::Database>(pool: &sea_orm::sqlx::Pool<DB>) -> PoolUsage {
            PoolUsage { open: pool.size(), idle: pool.num_idle() as u32, max: pool.options().get_max_connections() }
        }
        match self.db.get_database_backend() {
            sea_orm::DbBackend::Postgres => usage(self.db.get_postgres_connection_pool()),
            sea_orm::DbBackend::Sqlite => {
                let (writer, readers) =
                    (usage(self.db.get_sqlite_connection_pool()), usage(self.reads.get_sqlite_connection_pool()));
                PoolUsage {
                    open: writer.open + readers.open,
                    idle: writer.idle + readers.idle,
                    max: writer.max + readers.max,
                }
            }
            _ => PoolUsage::default(),
        }
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
    tx.0.commit().await.map_err(db_error)
}

/// Maps a database error to the error policy: uniqueness violations are conflicts the client can act
/// on; everything else is internal and keeps its detail for the logs only.
pub(crate) fn db_error(err: DbErr) -> Error {
    if let Some(unavailable) = unavailability(&err) {
        tracing::warn!(error = %err, "the database is unavailable");
        return Error::Unavailable(unavailable.into());
    }
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

/// Returns whether SQLite answered that the database is locked by another connection.
fn is_busy(err: &DbErr) -> bool {
    unavailability(err) == Some(BUSY)
}

const BUSY: &str = "the database is busy";

/// Says why the database cannot answer now, when that is what the error means (no connection could
/// be had, the connection broke, the server is shutting down, a statement ran out of time): a
/// passing condition, answered UNAVAILABLE, that retrying later may cure.
fn unavailability(err: &DbErr) -> Option<&'static str> {
    use sea_orm::sqlx::Error as Sqlx;
    let runtime = match err {
        DbErr::ConnectionAcquire(_) => return Some("no connection to the database could be had in time"),
        DbErr::Conn(runtime) | DbErr::Exec(runtime) | DbErr::Query(runtime) => runtime,
        _ => return None,
    };
    let sea_orm::RuntimeErr::SqlxError(sqlx) = runtime else { return None };
    match sqlx.as_ref() {
        Sqlx::PoolTimedOut | Sqlx::PoolClosed => Some("no connection to the database could be had in time"),
        Sqlx::Io(_) | Sqlx::Tls(_) | Sqlx::WorkerCrashed => Some("the connection to the database failed"),
        Sqlx::Database(db) => match db.code().as_deref() {
            // query_canceled (statement timeout), admin_shutdown, crash_shutdown, cannot_connect_now
            Some("57014") => Some("the database did not answer in time"),
            Some("57P01" | "57P02" | "57P03") => Some("the database is shutting down or starting"),
            // SQLITE_BUSY (5) past the busy timeout
            Some("5") => Some(BUSY),
            _ => None,
        },
        _ => None,
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
