//! The command line and configuration: the only place that reads the environment. Every flag can also
//! be set by an environment variable (listed in the README, « Configuration »); defaults run the embedded SQLite database
//! in the current folder.

use std::net::SocketAddr;
use std::path::PathBuf;

use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::store::StoreSettings;

/// retex: the knowledge base of the Fabrique à initiatives network, over GraphQL.
#[derive(Debug, Parser)]
#[command(name = "retex", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs pending migrations and serves the GraphQL API.
    Serve(ServeArgs),
    /// Runs pending migrations and exits.
    Migrate(DatabaseArgs),
    /// Prints the GraphQL schema (SDL); `schema.graphql` is its output.
    Schema,
    /// Rebuilds the search index from the database into a new generation and makes it current; a
    /// server running on the same index folder keeps answering and switches to it.
    Reindex(IndexArgs),
    /// Creates, lists and revokes API tokens.
    Token(TokenArgs),
    /// Imports datasets (JSON, JSON Lines, CSV with one file per kind, Markdown with one record per
    /// file, or folders of them) in one transaction: every record of every file, or nothing; every
    /// problem is reported with its file, line and field.
    Import(ImportArgs),
    /// Exports the published records (every record with `--include-drafts`) as a dataset that
    /// re-imports into an empty database.
    Export(ExportArgs),
    /// Writes a consistent copy of an embedded (SQLite) base while servers keep running; on
    /// PostgreSQL, says how to use `pg_dump`.
    Backup(BackupArgs),
    /// Replaces an embedded (SQLite) base by a backup, after checking it, and rebuilds the search
    /// index; on PostgreSQL, says how to use `pg_restore`.
    Restore(RestoreArgs),
    /// Runs relevance suites (French queries judged from the records) on a fresh base holding the
    /// demo data, as an anonymous member searches, and prints recall@10, MRR and nDCG@10 per category.
    Relevance(RelevanceArgs),
    /// Writes a capitalisation guide in Markdown from the published sheets and lessons of a theme, an
    /// activity type or a programme: success factors and pitfalls by phase, with their evidence.
    Guide(GuideArgs),
}

#[derive(Debug, Args)]
pub struct GuideArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// A theme (`MOBILITY`, `AGEING_WELL`…).
    #[arg(long)]
    pub theme: Option<String>,
    /// An activity type (`SOLIDARITY_GARAGE`, `THIRD_PLACE`…).
    #[arg(long)]
    pub activity: Option<String>,
    /// A programme, by slug or id.
    #[arg(long)]
    pub programme: Option<String>,
    /// The file to write (standard output when absent).
    #[arg(long)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RelevanceArgs {
    /// The suites to run (`retex-relevance/1` files judged on the demo data).
    #[arg(default_value = "tests/relevance/demo.json")]
    pub suites: Vec<PathBuf>,
    /// Also lists every query that misses a relevant record in its first ten hits, with the misses.
    #[arg(long)]
    pub misses: bool,
    /// Searches the words only, as `search(literal: true)` does: measures what understanding the
    /// filters a query names brings.
    #[arg(long)]
    pub literal: bool,
    /// The number of sheets of the generated corpus, whose queries are judged by construction (0 to
    /// run the suite files only).
    #[arg(long, default_value_t = 300)]
    pub generated: usize,
    /// The number of sheets of the generated base the leave-one-out evaluation of advice runs on
    /// after the demo data (0 to run it on the demo data only).
    #[arg(long, default_value_t = 300)]
    pub advice_generated: usize,
    /// Runs the leave-one-out evaluation of advice only, not the search suites.
    #[arg(long)]
    pub advice_only: bool,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The backup file to write; it must not exist yet.
    #[arg(long)]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub storage: IndexArgs,
    /// The backup file to restore (written by `retex backup`).
    #[arg(long)]
    pub input: PathBuf,
    /// Replaces a base that holds records (stop the servers that use it first).
    #[arg(long)]
    pub replace: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub storage: IndexArgs,
    /// Validates everything and reports, without writing.
    #[arg(long)]
    pub dry_run: bool,
    /// Files and folders: `.json` (a whole dataset), `.jsonl` (one record per line), `.csv` (one file per
    /// kind, named after it: `fiches.csv`, `lecons.csv`…) and `.md` (one record per file, with a front
    /// matter); a folder brings every such file in it and its subfolders. See docs/FORMATS.md.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// `json` (one document), `jsonl` (one record per line), `csv` (one file per kind) or `markdown`
    /// (one file per record).
    #[arg(long, default_value = "json")]
    pub format: String,
    /// Where to write: a file (or a folder) for json and jsonl, standard output when absent; a folder
    /// for csv and markdown.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// The licence every exported record carries (a sheet keeps its own when it has one).
    #[arg(long, default_value = crate::dataset::DEFAULT_LICENCE)]
    pub licence: String,
    /// Where every exported record says it comes from (a sheet gives its own source address when it
    /// has one).
    #[arg(long, default_value = crate::dataset::DEFAULT_SOURCE)]
    pub source: String,
    /// Exports drafts, submitted and archived records too (the local database's owner only).
    #[arg(long)]
    pub include_drafts: bool,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(subcommand)]
    pub action: TokenAction,
}

/// The role and scope of a token or an invitation.
#[derive(Debug, Args)]
pub struct ScopeArgs {
    /// READER, CONTRIBUTOR (needs --organisation), REVIEWER (needs --programme) or ADMIN.
    #[arg(long)]
    pub role: String,
    /// The organisation a contributor writes for: its slug, database id or GraphQL id.
    #[arg(long)]
    pub organisation: Option<String>,
    /// The programme a reviewer reviews: its slug, database id or GraphQL id.
    #[arg(long)]
    pub programme: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Creates a token and prints its secret on standard output, this once: only its digest is stored.
    Create {
        #[command(flatten)]
        scope: ScopeArgs,
        /// Who holds the token; recorded as the author of its changes.
        #[arg(long)]
        name: Option<String>,
    },
    /// Invites a person: prints a one-time link (7 days) that creates their account with this role
    /// and scope, as `invitePerson` does; the way to the first administrator's account.
    Invite {
        /// The address the person will sign in with.
        #[arg(long)]
        email: String,
        #[command(flatten)]
        scope: ScopeArgs,
        /// The person's name, proposed when they choose their password.
        #[arg(long)]
        name: Option<String>,
        /// The server's public address, which the printed link starts with (`https://retex.example.org`).
        #[arg(long, env = "RETEX_PUBLIC_URL")]
        public_url: Option<String>,
    },
    /// Revokes a token: requests presenting it are refused at once.
    Revoke {
        /// The token's id, as `token list` shows it.
        id: String,
    },
    /// Lists the tokens (never their secrets).
    List,
}

/// Where the data lives: the database and the search index derived from it.
#[derive(Debug, Clone, Args)]
pub struct IndexArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The folder of the full-text search index (derived from the database).
    #[arg(long, global = true, env = "RETEX_INDEX_DIR", default_value = "./retex-index")]
    pub index_dir: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// The database: `sqlite://FILE?mode=rwc` (embedded) or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, global = true, env = "RETEX_DATABASE_URL", default_value = "sqlite://retex.db?mode=rwc")]
    pub database_url: String,
    /// The most connections this process opens to PostgreSQL (3 to 1000: one listens for the other
    /// servers' changes, one holds the start-up turn while the demo loads). Several servers share the
    /// database's `max_connections`.
    #[arg(long, global = true, env = "RETEX_DB_MAX_CONNECTIONS", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(3..=1000))]
    pub db_max_connections: u32,
    /// How long a request waits for a database connection before failing with UNAVAILABLE, in
    /// milliseconds (100 to 60000).
    #[arg(long, global = true, env = "RETEX_DB_ACQUIRE_TIMEOUT_MS", default_value_t = 2_000,
          value_parser = clap::value_parser!(u64).range(100..=60_000))]
    pub db_acquire_timeout_ms: u64,
    /// The longest one SQL statement may run on PostgreSQL, in seconds; 0 sets no limit.
    #[arg(long, global = true, env = "RETEX_DB_STATEMENT_TIMEOUT_SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(0..=86_400))]
    pub db_statement_timeout_secs: u64,
    /// Read-only connections to an embedded (SQLite) base beside its one writer (1 to 64).
    #[arg(long, global = true, env = "RETEX_DB_SQLITE_READERS", default_value_t = 4,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    pub db_sqlite_readers: u32,
}

impl DatabaseArgs {
    /// The store's settings.
    pub fn settings(&self) -> StoreSettings {
        StoreSettings {
            max_connections: self.db_max_connections,
            acquire_timeout: Duration::from_millis(self.db_acquire_timeout_ms),
            statement_timeout: (self.db_statement_timeout_secs > 0)
                .then(|| Duration::from_secs(self.db_statement_timeout_secs)),
            sqlite_readers: self.db_sqlite_readers,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub storage: IndexArgs,
    /// The address to listen on.
    #[arg(long, env = "RETEX_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Loads the demo dataset (programmes, sheets and lessons of the network) when the database is empty.
    #[arg(long, env = "RETEX_DEMO", default_value_t = false)]
    pub demo: bool,
    /// The largest request body accepted, in bytes.
    #[arg(long, env = "RETEX_MAX_BODY_BYTES", default_value_t = 2 * 1024 * 1024)]
    pub max_body_bytes: usize,
    /// The largest multipart request (dataset files uploaded to import), in bytes.
    #[arg(long, env = "RETEX_MAX_UPLOAD_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub max_upload_bytes: usize,
    /// The largest GraphQL response written, in bytes (1 KiB to 1 GiB): a query whose answer is
    /// longer gets one `LIMIT_EXCEEDED` error instead, that asks for fewer rows or fields.
    #[arg(long, env = "RETEX_MAX_RESPONSE_BYTES", default_value_t = 16 * 1024 * 1024,
          value_parser = clap::value_parser!(u64).range(1024..=1024 * 1024 * 1024))]
    pub max_response_bytes: u64,
    /// How long a request may take before it is answered 408, in seconds.
    #[arg(long, env = "RETEX_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,
    /// GraphQL requests a client (an API token, or an address for requests without one) may make per
    /// minute, in bursts of up to as many; 0 turns the limit off.
    #[arg(long, env = "RETEX_RATE_LIMIT_PER_MINUTE", default_value_t = 600)]
    pub rate_limit_per_minute: u32,
    /// Whether requests without an API token are answered (with published records only); `false`
    /// makes every request need a token.
    #[arg(long, env = "RETEX_ANONYMOUS_ACCESS", default_value_t = true, action = clap::ArgAction::Set)]
    pub anonymous_access: bool,
    /// How long the search index may stay behind the database, or differ from it, before `/healthz`
    /// answers 503, in seconds (1 to 86400).
    #[arg(long, env = "RETEX_INDEX_MAX_LAG_SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub index_max_lag_secs: u64,
    /// How often the search index is compared with the database and repaired where they differ, in
    /// seconds (10 to 86400).
    #[arg(long, env = "RETEX_RECONCILE_INTERVAL_SECS", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(10..=86_400))]
    pub reconcile_interval_secs: u64,
    /// Origins whose pages may call the API from a browser (CORS), comma-separated, each
    /// `https://host[:port]` (or `http://`); none by default, so browsers keep other origins out.
    #[arg(long, env = "RETEX_CORS_ALLOWED_ORIGINS", value_delimiter = ',', value_parser = parse_origin)]
    pub cors_allowed_origins: Vec<String>,
    /// The server's public address (`https://retex.example.org`), which the links sent by e-mail
    /// start with; without it, invitation links are given as paths for the page to complete.
    #[arg(long, env = "RETEX_PUBLIC_URL", value_parser = parse_origin)]
    pub public_url: Option<String>,
    /// The SMTP server that sends invitation and reset links (`smtp://relay:25`,
    /// `smtp://user:password@host:587?tls=required`, `smtps://…`); none by default: links are handed
    /// over by whoever issued them. Needs `--public-url` and `--mail-from`.
    #[arg(long, env = "RETEX_SMTP_URL", requires_all = ["public_url", "mail_from"])]
    pub smtp_url: Option<String>,
    /// The sender of those e-mails: `retex <retex@example.org>`.
    #[arg(long, env = "RETEX_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Sends the session cookies without `Secure`, for a server reached over plain HTTP on another
    /// host than localhost (browsers keep `Secure` cookies for HTTPS and localhost). Off by default.
    #[arg(long, env = "RETEX_INSECURE_COOKIES", default_value_t = false)]
    pub insecure_cookies: bool,
}

/// An origin of the CORS allow-list: a scheme, a host and an optional port, nothing else.
fn parse_origin(raw: &str) -> Result<String, String> {
    let origin = raw.trim();
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or_else(|| format!("`{origin}` is not an origin: it starts with https:// or http://"))?;
    let valid =
        !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if !valid {
        return Err(format!(
            "`{origin}` is not an origin: a scheme, a host and a port at most (no path, no `*`, no trailing /)"
        ));
    }
    Ok(origin.to_ascii_lowercase())
}
