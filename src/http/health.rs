//! Health and metrics: `GET /healthz` (database reachable, search index in sync) for load balancers,
//! and `GET /metrics` in the Prometheus text format; both ask `database_state`.

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{AppState, MediaType, UNAVAILABLE_RETRY_SECS, json_response};
use crate::app::App;
use crate::telemetry;

/// `GET /metrics`: the Prometheus text format (requests by operation type and outcome, latencies,
/// rate-limit refusals, index lag, reconciliations, database pool).
pub(super) async fn metrics(State(state): State<AppState>) -> Response {
    let store = state.app.store();
    let lag = database_state(&state.app).await.ok();
    let reconciliation = state.app.reconciliation().unwrap_or_default();
    let pool = store.pool_usage();
    let snapshot = telemetry::Snapshot {
        database_up: lag.is_some(),
        index_pending_changes: lag.flatten().map(|lag| lag.pending),
        index_lag_seconds: lag.flatten().map(|lag| lag.oldest_ms as f64 / 1000.0),
        index_applied_sequence: state.app.index_applied(),
        reconciliation_runs: reconciliation.runs,
        reconciliation_checked: reconciliation.checked,
        reconciliation_repaired_total: reconciliation.total_repaired,
        index_divergent: reconciliation.divergent_since.is_some(),
        pool_connections: pool.open,
        pool_idle: pool.idle,
        pool_max: pool.max,
    };
    let body = telemetry::render(&snapshot);
    let mut response = (StatusCode::OK, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    response
}

/// Asks the database whether it answers (within `HEALTH_TIMEOUT`) and how far the index is behind
/// it (`None` when search is off), for `/healthz` and `/metrics`; the error says why it did not answer.
async fn database_state(app: &App) -> Result<Option<crate::app::IndexLag>, &'static str> {
    let checked = tokio::time::timeout(HEALTH_TIMEOUT, async {
        app.store().ping().await?;
        app.index_lag().await
    })
    .await;
    match checked {
        Ok(Ok(lag)) => Ok(lag),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "health check: the database does not answer");
            Err("the database does not answer")
        }
        Err(_) => {
            tracing::warn!("health check: the database did not answer within a second");
            Err("the database did not answer within a second")
        }
    }
}

/// How long the health check waits for the database before it calls it unreachable.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(1);

/// `GET /healthz`: 200 when the database answers within a second and the index is in sync (or
/// catching up within `Limits::index_max_lag`); 503 naming the cause otherwise, for load balancers.
pub(super) async fn healthz(State(state): State<AppState>) -> Response {
    let database = state.app.store().backend_name();
    let lag = match database_state(&state.app).await {
        Ok(lag) => lag,
        Err(cause) => return health_answer(database, Some(cause.into()), None),
    };
    let Some(lag) = lag else { return health_answer(database, None, None) };
    let reconciliation = state.app.reconciliation().unwrap_or_default();
    let bound = state.limits.index_max_lag;
    let behind = Duration::from_millis(lag.oldest_ms.max(0) as u64);
    let divergent = reconciliation.divergent_since.map(|since| since.elapsed());
    let cause = if behind > bound {
        Some(format!("the search index is {} s behind the database (bound: {} s)", behind.as_secs(), bound.as_secs()))
    } else {
        divergent.filter(|divergent| *divergent > bound).map(|divergent| {
            format!(
                "the search index has differed from the database for {} s (bound: {} s)",
                divergent.as_secs(),
                bound.as_secs()
            )
        })
    };
    let index = serde_json::json!({
        "inSync": lag.pending == 0 && divergent.is_none(),
        "pendingChanges": lag.pending,
        "oldestPendingMs": lag.oldest_ms,
        "maxLagMs": bound.as_millis() as u64,
        "reconciliation": {
            "runs": reconciliation.runs,
            "lastAt": reconciliation.last_at.map(|at| at.to_rfc3339()),
            "checked": reconciliation.checked,
            "repaired": reconciliation.repaired,
            "totalRepaired": reconciliation.total_repaired,
            "divergentForMs": divergent.map(|divergent| divergent.as_millis() as u64),
            "error": reconciliation.error,
        },
    });
    health_answer(database, cause, Some(index))
}

fn health_answer(database: &str, cause: Option<String>, index: Option<serde_json::Value>) -> Response {
    let status = if cause.is_some() { "unavailable" } else { "ok" };
    let mut body = serde_json::json!({ "status": status, "database": database, "index": index });
    if let Some(cause) = &cause {
        body["cause"] = serde_json::Value::from(cause.as_str());
    }
    let code = if cause.is_some() { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::OK };
    let mut response = json_response(code, MediaType::Json, body.to_string().into_bytes());
    if cause.is_some() {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(UNAVAILABLE_RETRY_SECS));
    }
    response
}
