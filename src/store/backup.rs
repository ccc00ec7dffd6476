//! Backups of an embedded (SQLite) base: a consistent online copy with `VACUUM INTO` (it reads one
//! snapshot, so writers go on meanwhile), and the checks a file must pass before it replaces a base.
//! PostgreSQL bases are backed up with `pg_dump`, which the command explains.

use std::path::{Path, PathBuf};

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use super::{Store, StoreSettings, db_error};
use crate::error::{Error, Result};

/// What a backup file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    /// The migrations applied in it.
    pub migrations: usize,
    /// Records per table: organisations, territories, programmes, sheets, lessons.
    pub records: Vec<(&'static str, i64)>,
}

/// The tables a retex base has, whose rows a backup counts.
const RECORD_TABLES: [&str; 5] = ["organisation", "territory", "programme", "sheet", "lesson"];

/// Returns the file of a SQLite URL (`sqlite://FILE?…`, `sqlite:FILE`), `None` for another database.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

fn quoted(path: &Path) -> Result<String> {
    let text =
        path.to_str().ok_or_else(|| Error::invalid("output", format!("{} is not a UTF-8 path", path.display())))?;
    Ok(format!("'{}'", text.replace('\'', "''")))
}

impl Store {
    /// Writes a consistent copy of this SQLite base to `output` (which must not exist), while other
    /// connections and processes go on writing: `VACUUM INTO` reads one snapshot.
    pub async fn backup_into(&self, output: &Path) -> Result<()> {
        if self.db.get_database_backend() != DbBackend::Sqlite {
            return Err(Error::invalid("database", "only an embedded (SQLite) base is backed up by retex"));
        }
        let statement = format!("VACUUM INTO {}", quoted(output)?);
        self.db.execute_unprepared(&statement).await.map_err(|err| {
            tracing::debug!(error = %err, "VACUUM INTO failed");
            Error::invalid("output", format!("cannot write the backup to {}: {err}", output.display()))
        })?;
        Ok(())
    }

    /// Counts the records of each kind, and the migrations applied.
    pub async fn describe(&self) -> Result<BackupInfo> {
        let backend = self.db.get_database_backend();
        let migrations = Migrator::get_applied_migrations(&self.db).await.map_err(db_error)?.len();
        let mut records = Vec::new();
        for table in RECORD_TABLES {
            let row = self
                .db
                .query_one_raw(Statement::from_string(backend, format!("SELECT COUNT(*) AS n FROM {table}")))
                .await
                .map_err(db_error)?;
            let count = row.map(|row| row.try_get::<i64>("", "n")).transpose().map_err(db_error)?.unwrap_or(0);
            records.push((table, count));
        }
        Ok(BackupInfo { migrations, records })
    }
}

/// Checks that `file` is a sound retex backup that this version can restore: a SQLite database
/// (by its header), whole (`PRAGMA integrity_check`), with retex's tables, and no migration this
/// version does not know. Opens it read-only: the file is never changed.
pub async fn inspect(file: &Path) -> Result<BackupInfo> {
    let invalid = |problem: String| Error::invalid("input", problem);
    let mut header = [0u8; 16];
    {
        use std::io::Read;
        let mut opened =
            std::fs::File::open(file).map_err(|err| invalid(format!("cannot read {}: {err}", file.display())))?;
        opened
            .read_exact(&mut header)
            .map_err(|_| invalid(format!("{} is not a SQLite database, so not a retex backup", file.display())))?;
    }
    if &header != b"SQLite format 3\0" {
        return Err(invalid(format!("{} is not a SQLite database, so not a retex backup", file.display())));
    }
    let path = file.to_str().ok_or_else(|| invalid(format!("{} is not a UTF-8 path", file.display())))?;
    let settings = StoreSettings::default();
    let store = Store::open_sqlite_read_only(path, &settings)
        .await
        .map_err(|_| invalid(format!("{} is damaged: SQLite cannot open it", file.display())))?;
    let db = &store.db;
    let check = db
        .query_one_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA integrity_check"))
        .await
        .map_err(|_| invalid(format!("{} is damaged: SQLite cannot read it", file.display())))?;
    let verdict = check.and_then(|row| row.try_get_by_index::<String>(0).ok()).unwrap_or_default();
    if verdict != "ok" {
        return Err(invalid(format!("{} is damaged: {verdict}", file.display())));
    }
    let tables = db
        .query_all_raw(Statement::from_string(DbBackend::Sqlite, "SELECT name FROM sqlite_master WHERE type = 'table'"))
        .await
        .map_err(|_| invalid(format!("{} is damaged: SQLite cannot read it", file.display())))?;
    let names: Vec<String> = tables.iter().filter_map(|row| row.try_get::<String>("", "name").ok()).collect();
    let missing: Vec<&str> = ["seaql_migrations", "change", "revision"]
        .into_iter()
        .chain(RECORD_TABLES)
        .filter(|table| !names.iter().any(|name| name == table))
        .collect();
    if !missing.is_empty() {
        return Err(invalid(format!(
            "{} is a SQLite database but not a retex base (it has no {} table)",
            file.display(),
            missing.join(", ")
        )));
    }
    let known: Vec<String> = Migrator::migrations().iter().map(|migration| migration.name().to_owned()).collect();
    let applied = db
        .query_all_raw(Statement::from_string(DbBackend::Sqlite, "SELECT version FROM seaql_migrations"))
        .await
        .map_err(db_error)?;
    for row in applied {
        let version: String = row.try_get("", "version").map_err(db_error)?;
        if !known.contains(&version) {
            return Err(invalid(format!(
                "{} comes from a newer retex (migration {version} is unknown here): restore it with that version",
                file.display()
            )));
        }
    }
    store.describe().await
}
