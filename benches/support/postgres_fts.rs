//! PostgreSQL full-text search, the baseline the issue defines: the `french` configuration behind
//! `unaccent`, a GIN index over a weighted `tsvector` (title A, summary B, body C),
//! `websearch_to_tsquery`, `ts_rank`, the top N and the exact number of matches, on the same
//! documents as the engine under test.
//!
//! `websearch_to_tsquery` reads the syntax of retex's search box: words (all required),
//! `"quoted phrases"`, `or` between alternatives and `-word` to exclude, so the same query strings
//! are sent to both. A text of stop words alone yields an empty query, which matches nothing (with a
//! NOTICE from the server).
//!
//! Everything lives in the schema `retex_bench_fts`, dropped and created afresh; `unaccent` is a
//! trusted extension (PostgreSQL 13+), which the owner of the database may install.
#![allow(dead_code)]

use std::time::Instant;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DbErr, Statement, Value,
};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// The text search configuration: a copy of `french` with `unaccent` before the stemmer.
const CONFIG: &str = "retex_bench_fts.french_unaccent";
/// Rows a multi-row INSERT (4 bound values each: far below PostgreSQL's 65,535 parameters).
const BATCH: usize = 500;

/// A connection pool on the database holding the baseline's schema.
pub struct PgFts {
    db: DatabaseConnection,
}

impl PgFts {
    /// Connects to `url` (e.g. `postgres://postgres@127.0.0.1:5432/test`) with a pool large enough
    /// for concurrent searches, then creates the schema, the configuration and the empty table.
    pub async fn create(url: &str) -> Result<Self, Error> {
        let mut options = ConnectOptions::new(url);
        options.max_connections(64).sqlx_logging(false);
        let db = Database::connect(options).await?;
        let setup = [
            "DROP SCHEMA IF EXISTS retex_bench_fts CASCADE".to_owned(),
            "CREATE SCHEMA retex_bench_fts".to_owned(),
            "CREATE EXTENSION IF NOT EXISTS unaccent".to_owned(),
            format!("CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.french)"),
            format!(
                "ALTER TEXT SEARCH CONFIGURATION {CONFIG} \
                 ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem"
            ),
            "CREATE TABLE retex_bench_fts.docs (id bigint PRIMARY KEY, title text NOT NULL, \
             summary text NOT NULL, body text NOT NULL, tsv tsvector NOT NULL)"
                .to_owned(),
        ];
        for statement in &setup {
            db.execute_unprepared(statement).await?;
        }
        Ok(Self { db })
    }

    /// Inserts `(id, title, summary, body)` rows in batches of [`BATCH`] (one multi-row INSERT with
    /// bound values each, the `tsvector` computed by the server), then builds the GIN index and
    /// ANALYZEs. Returns the seconds spent, index included.
    pub async fn load(&self, docs: &[(i64, String, String, String)]) -> Result<f64, Error> {
        let started = Instant::now();
        for batch in docs.chunks(BATCH) {
            let mut rows = Vec::with_capacity(batch.len());
            let mut values: Vec<Value> = Vec::with_capacity(batch.len() * 4);
            for (row, (id, title, summary, body)) in batch.iter().enumerate() {
                let n = row * 4;
                rows.push(format!("(${}::bigint, ${}::text, ${}::text, ${}::text)", n + 1, n + 2, n + 3, n + 4));
                values.extend([(*id).into(), title.as_str().into(), summary.as_str().into(), body.as_str().into()]);
            }
            let sql = format!(
                "INSERT INTO retex_bench_fts.docs (id, title, summary, body, tsv) \
                 SELECT id, title, summary, body, \
                 setweight(to_tsvector('{CONFIG}'::regconfig, title), 'A') \
                 || setweight(to_tsvector('{CONFIG}'::regconfig, summary), 'B') \
                 || setweight(to_tsvector('{CONFIG}'::regconfig, body), 'C') \
                 FROM (VALUES {}) AS v (id, title, summary, body)",
                rows.join(", ")
            );
            self.db.execute_raw(Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, values)).await?;
        }
        self.db.execute_unprepared("CREATE INDEX docs_tsv ON retex_bench_fts.docs USING gin (tsv)").await?;
        self.db.execute_unprepared("ANALYZE retex_bench_fts.docs").await?;
        Ok(started.elapsed().as_secs_f64())
    }

    /// Runs the user's `text` through `websearch_to_tsquery` and fetches the top `limit` documents
    /// by `ts_rank` together with the exact number of matches (`count(*) OVER ()`, computed before
    /// the LIMIT), in one round trip. Returns that number (0 when nothing matches).
    pub async fn search(&self, text: &str, limit: i64) -> Result<i64, Error> {
        let sql = format!(
            "SELECT d.id, ts_rank(d.tsv, query) AS rank, count(*) OVER () AS total \
             FROM retex_bench_fts.docs d, websearch_to_tsquery('{CONFIG}'::regconfig, $1) query \
             WHERE query @@ d.tsv ORDER BY rank DESC, d.id LIMIT $2"
        );
        let values = [Value::from(text), Value::from(limit)];
        let rows =
            self.db.query_all_raw(Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, values)).await?;
        Ok(match rows.first() {
            Some(row) => row.try_get::<i64>("", "total")?,
            None => 0,
        })
    }

    /// Drops the schema and everything in it (the `unaccent` extension stays).
    pub async fn drop_schema(&self) -> Result<(), Error> {
        self.db.execute_unprepared("DROP SCHEMA IF EXISTS retex_bench_fts CASCADE").await?;
        Ok(())
    }

    /// The table's size on disk with its indexes and TOAST, in MiB; 0.0 when it cannot be read.
    pub async fn size_mb(&self) -> f64 {
        let sql = "SELECT pg_total_relation_size('retex_bench_fts.docs'::regclass) AS bytes";
        let row = self.db.query_one_raw(Statement::from_string(DatabaseBackend::Postgres, sql)).await;
        let bytes: Result<i64, DbErr> = match row {
            Ok(Some(row)) => row.try_get("", "bytes"),
            _ => Ok(0),
        };
        bytes.map_or(0.0, |bytes| bytes as f64 / (1024.0 * 1024.0))
    }
}
