//! Metrics for operators, in the Prometheus text format (`GET /metrics`): the only module that names
//! the `metrics` crate and its Prometheus exporter. Other layers call the plain functions below;
//! figures that are states rather than events (index lag, reconciliation, pool) are read when
//! `/metrics` is scraped and given to `render`.

use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// The process's recorder, installed once (several servers in one test process share it).
static RECORDER: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Latency buckets, in seconds: from a cached lookup to the request timeout.
const LATENCY_BUCKETS: [f64; 14] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

fn handle() -> Option<&'static PrometheusHandle> {
    RECORDER
        .get_or_init(|| {
            let built = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &LATENCY_BUCKETS)
                .and_then(|builder| builder.install_recorder());
            match built {
                Ok(handle) => {
                    describe();
                    Some(handle)
                }
                Err(error) => {
                    tracing::error!(%error, "cannot install the metrics recorder; /metrics stays empty");
                    None
                }
            }
        })
        .as_ref()
}

fn describe() {
    metrics::describe_counter!(
        "retex_graphql_requests_total",
        "GraphQL requests answered, by operation type and outcome (ok or the first error's code)"
    );
    metrics::describe_histogram!(
        "retex_graphql_request_duration_seconds",
        metrics::Unit::Seconds,
        "Time to answer a GraphQL request, by operation type"
    );
    metrics::describe_counter!("retex_rate_limited_total", "Requests refused by the rate limit (429)");
    metrics::describe_counter!("retex_unavailable_total", "Requests answered 503 because the database was unavailable");
}

/// Installs the recorder (once per process) and keeps its histograms compact. Call it from within a
/// tokio runtime when the server starts.
pub fn install() {
    if handle().is_some() {
        static UPKEEP: OnceLock<()> = OnceLock::new();
        UPKEEP.get_or_init(|| {
            tokio::spawn(async {
                let mut every = tokio::time::interval(Duration::from_secs(5));
                loop {
                    every.tick().await;
                    if let Some(handle) = handle() {
                        handle.run_upkeep();
                    }
                }
            });
        });
    }
}

/// Counts a GraphQL request and its latency. `operation` is `query`, `mutation`, `subscription` or
/// `invalid` (a request that did not parse); `outcome` is `ok` or an error code.
pub fn graphql_request(operation: &'static str, outcome: &'static str, elapsed: Duration) {
    metrics::counter!("retex_graphql_requests_total", "operation" => operation, "outcome" => outcome).increment(1);
    metrics::histogram!("retex_graphql_request_duration_seconds", "operation" => operation)
        .record(elapsed.as_secs_f64());
}

/// Counts a request refused by the rate limit.
pub fn rate_limited() {
    metrics::counter!("retex_rate_limited_total").increment(1);
}

/// Counts a request answered 503 because the database was unavailable.
pub fn unavailable() {
    metrics::counter!("retex_unavailable_total").increment(1);
}

/// The states read when `/metrics` is scraped.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Changes committed and not yet in the index, and the age of the oldest, in seconds.
    pub index_pending_changes: Option<i64>,
    pub index_lag_seconds: Option<f64>,
    /// The last applied change.
    pub index_applied_sequence: Option<i64>,
    pub reconciliation_runs: u64,
    pub reconciliation_checked: u64,
    pub reconciliation_repaired_total: u64,
    pub index_divergent: bool,
    /// Connections of the database pool: open, and idle among them; the pool's maximum.
    pub pool_connections: u32,
    pub pool_idle: u32,
    pub pool_max: u32,
    pub database_up: bool,
}

/// Renders every metric in the Prometheus text format, the snapshot's gauges included.
pub fn render(snapshot: &Snapshot) -> String {
    let Some(handle) = handle() else { return String::new() };
    let gauges: [(&str, &str, Option<f64>); 10] = [
        (
            "retex_database_up",
            "Whether the database answered the scrape's check (1) or not (0)",
            Some(f64::from(u8::from(snapshot.database_up))),
        ),
        (
            "retex_index_pending_changes",
            "Changes committed to the database and not yet in the search index",
            snapshot.index_pending_changes.map(|n| n as f64),
        ),
        ("retex_index_lag_seconds", "Age of the oldest change not yet in the search index", snapshot.index_lag_seconds),
        (
            "retex_index_applied_sequence",
            "The last change-log entry the search index holds",
            snapshot.index_applied_sequence.map(|n| n as f64),
        ),
        (
            "retex_index_reconciliations",
            "Reconciliations of the index with the database since the start",
            Some(snapshot.reconciliation_runs as f64),
        ),
        (
            "retex_index_reconciliation_checked_records",
            "Records the last reconciliation compared",
            Some(snapshot.reconciliation_checked as f64),
        ),
        (
            "retex_index_reconciliation_repaired_records",
            "Records reconciliations found different and repaired since the start",
            Some(snapshot.reconciliation_repaired_total as f64),
        ),
        (
            "retex_index_divergent",
            "Whether the last reconciliation found the index different from the database",
            Some(f64::from(u8::from(snapshot.index_divergent))),
        ),
        (
            "retex_db_pool_connections",
            "Open connections of the database pool",
            Some(f64::from(snapshot.pool_connections)),
        ),
        (
            "retex_db_pool_idle_connections",
            "Idle connections of the database pool",
            Some(f64::from(snapshot.pool_idle)),
        ),
    ];
    let mut text = handle.render();
    let mut gauge = |name: &str, help: &str, value: f64| {
        text.push_str(&format!("# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"));
    };
    for (name, help, value) in gauges {
        if let Some(value) = value {
            gauge(name, help, value);
        }
    }
    gauge(
        "retex_db_pool_max_connections",
        "The most connections the database pool opens",
        f64::from(snapshot.pool_max),
    );
    text
}
