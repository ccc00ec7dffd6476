//! Exports: the whole dataset streamed as JSON or JSON Lines (`/export/dataset.json`,
//! `/export/dataset.jsonl`, written by a thread into the body as the client reads it), as an XLSX
//! workbook (`/export/dataset.xlsx`), the templates to fill in (`/modeles/retex.xlsx`,
//! `/modeles/{kind}.csv`, `/modeles/legende.csv`), and any query's answer as CSV (`/export.csv`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Extension;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{AppState, MediaType, error, json_response};
use crate::app::App;
use crate::dataset::{self, Format};
use crate::domain::{Progress, Viewer};
use crate::graphql::transport;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn attachment(status: StatusCode, content_type: &'static str, name: &str, body: Vec<u8>) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(disposition) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, disposition);
    }
    response
}

/// The whole dataset as an XLSX workbook (`GET /export/dataset.xlsx`): a worksheet per kind and the
/// legend, as `importDataset` reads it back; `?includeDrafts=true` as for the other exports.
pub(super) async fn export_xlsx(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let drafts = match include_drafts(&params) {
        Ok(drafts) => drafts,
        Err(message) => return error(StatusCode::BAD_REQUEST, MediaType::Json, "INVALID_INPUT", &message),
    };
    let statuses = match App::export_statuses(&viewer, drafts) {
        Ok(statuses) => statuses,
        Err(other) => {
            let message = match other {
                crate::error::Error::Forbidden(message) => message,
                other => other.to_string(),
            };
            return error(StatusCode::FORBIDDEN, MediaType::Json, "FORBIDDEN", &message);
        }
    };
    let Ok(_permit) = Arc::clone(&state.exports).try_acquire_owned() else {
        let mut response = error(
            StatusCode::SERVICE_UNAVAILABLE,
            MediaType::Json,
            "BUSY",
            "other dataset exports are running; try again in a minute",
        );
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        return response;
    };
    match state.app.export_workbook(&viewer, &statuses).await {
        Ok((bytes, _)) => attachment(StatusCode::OK, XLSX, "retex.xlsx", bytes),
        Err(failure) => {
            tracing::warn!(error = %failure, "the workbook export failed");
            error(StatusCode::INTERNAL_SERVER_ERROR, MediaType::Json, "INTERNAL", "the export failed")
        }
    }
}

/// The templates to fill in: `retex.xlsx` (a worksheet per kind with every column, and the legend),
/// `{kind}.csv` (the header row of a kind: `fiches.csv`, `lecons.csv`…) and `legende.csv` (the
/// values each coded column accepts). Public: they hold no record.
pub(super) async fn template(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    const CSV: &str = "text/csv; charset=utf-8";
    if name == "retex.xlsx" {
        let empty = dataset::Dataset { format: dataset::FORMAT.to_owned(), ..dataset::Dataset::default() };
        return match tokio::task::spawn_blocking(move || dataset::xlsx::write(&empty)).await {
            Ok(Ok(bytes)) => attachment(StatusCode::OK, XLSX, "modele-retex.xlsx", bytes),
            _ => {
                error(StatusCode::INTERNAL_SERVER_ERROR, MediaType::Json, "INTERNAL", "the template cannot be written")
            }
        };
    }
    if name == "legende.csv" {
        return attachment(StatusCode::OK, CSV, "legende.csv", dataset::xlsx::csv_legend().into_bytes());
    }
    let kind = name.strip_suffix(".csv").and_then(dataset::columns::kind_of_stem);
    match kind {
        Some(kind) => {
            let file = format!("modele-{}.csv", dataset::columns::plural_name(kind));
            attachment(StatusCode::OK, CSV, &file, dataset::xlsx::csv_template(kind).into_bytes())
        }
        None => error(
            StatusCode::NOT_FOUND,
            MediaType::Json,
            "NOT_FOUND",
            "no such template: retex.xlsx, legende.csv, or a kind's CSV (organisations.csv, territoires.csv, programmes.csv, fiches.csv, lecons.csv)",
        ),
    }
}

/// How long a dataset export waits for a client that reads nothing before it gives up.
const EXPORT_STALL: Duration = Duration::from_secs(60);

/// The whole dataset as one JSON document (`GET /export/dataset.json`), in the format `retex import`
/// reads: published records, each with its licence and source; `?includeDrafts=true` adds the
/// other statuses, for administrators only.
pub(super) async fn export_json(
    state: State<AppState>,
    viewer: Extension<Viewer>,
    params: Query<HashMap<String, String>>,
) -> Response {
    export_dataset(state, viewer, params, Format::Json).await
}

/// The whole dataset as JSON Lines (`GET /export/dataset.jsonl`), as `/export/dataset.json`.
pub(super) async fn export_jsonl(
    state: State<AppState>,
    viewer: Extension<Viewer>,
    params: Query<HashMap<String, String>>,
) -> Response {
    export_dataset(state, viewer, params, Format::Jsonl).await
}

/// Reads the one parameter of a dataset export, `includeDrafts` (`true` or `false`).
fn include_drafts(params: &HashMap<String, String>) -> Result<bool, String> {
    if let Some(unknown) = params.keys().find(|key| key.as_str() != "includeDrafts") {
        return Err(format!(
            "parameter `{}` is not known; the only one is includeDrafts",
            unknown.chars().take(40).collect::<String>()
        ));
    }
    match params.get("includeDrafts").map(String::as_str) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => {
            Err(format!("includeDrafts `{}` is not true or false", other.chars().take(40).collect::<String>()))
        }
    }
}

async fn export_dataset(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(params): Query<HashMap<String, String>>,
    format: Format,
) -> Response {
    let drafts = match include_drafts(&params) {
        Ok(drafts) => drafts,
        Err(message) => return error(StatusCode::BAD_REQUEST, MediaType::Json, "INVALID_INPUT", &message),
    };
    let statuses = match App::export_statuses(&viewer, drafts) {
        Ok(statuses) => statuses,
        Err(crate::error::Error::Forbidden(message)) => {
            return error(StatusCode::FORBIDDEN, MediaType::Json, "FORBIDDEN", &message);
        }
        Err(other) => return error(StatusCode::FORBIDDEN, MediaType::Json, "FORBIDDEN", &other.to_string()),
    };
    // A few at a time: each holds a thread writing its body for as long as the client reads.
    let Ok(permit) = Arc::clone(&state.exports).try_acquire_owned() else {
        let mut response = error(
            StatusCode::SERVICE_UNAVAILABLE,
            MediaType::Json,
            "BUSY",
            "other dataset exports are running; try again in a minute",
        );
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        return response;
    };
    // The body streams: the export reads a page of records at a time and writes it into the body
    // while the client reads it, so memory holds a page, whatever the size of the dataset.
    let (chunks, mut receiver) = tokio::sync::mpsc::channel::<std::io::Result<axum::body::Bytes>>(8);
    let body = BodyWriter { chunks: chunks.clone(), buffer: Vec::new(), runtime: tokio::runtime::Handle::current() };
    let writer = match dataset::Writer::new(format, dataset::Target::Stream(Box::new(body))) {
        Ok(writer) => writer.with_distribution(dataset::DEFAULT_LICENCE, dataset::DEFAULT_SOURCE),
        Err(problem) => {
            tracing::error!(%problem, "the dataset export could not start");
            return error(StatusCode::INTERNAL_SERVER_ERROR, MediaType::Json, "INTERNAL", "the export failed");
        }
    };
    let app = state.app.clone();
    tokio::spawn(async move {
        if let Err(failure) = app.export_to(&viewer, &statuses, &Progress::default(), writer).await {
            // The client may be gone; otherwise its body ends in an error, never as a shorter file
            // that looks whole (the writer was dropped unfinished, its last bytes unsent).
            tracing::warn!(error = %failure, "the dataset export stopped");
            let _ = chunks.send(Err(std::io::Error::other("the export failed"))).await;
        }
        drop(permit);
    });
    // A failure before the first bytes (the first 64 KiB, or the whole of a small export) is
    // still a proper error answer.
    let first = match receiver.recv().await {
        Some(Ok(first)) => first,
        Some(Err(_)) | None => {
            return error(StatusCode::INTERNAL_SERVER_ERROR, MediaType::Json, "INTERNAL", "the export failed");
        }
    };
    let rest = futures::stream::poll_fn(move |cx| receiver.poll_recv(cx));
    let stream = futures::StreamExt::chain(futures::stream::once(async move { Ok(first) }), rest);
    let content_type = match format {
        Format::Jsonl => "application/x-ndjson; charset=utf-8",
        _ => "application/json; charset=utf-8",
    };
    let name = if format == Format::Jsonl { "retex.jsonl" } else { "retex.json" };
    let mut response = (StatusCode::OK, Body::from_stream(stream)).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(disposition) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, disposition);
    }
    response
}

/// The writing end of a streamed body: bytes become chunks of 64 KiB, sent when full and by
/// `flush` (which the export's `finish` calls). Dropped without a flush, as after a failed export,
/// it sends nothing more. Used off the async executor; it waits for a client that reads slower than
/// the export writes, at most [`EXPORT_STALL`] per chunk.
struct BodyWriter {
    chunks: tokio::sync::mpsc::Sender<std::io::Result<axum::body::Bytes>>,
    buffer: Vec<u8>,
    runtime: tokio::runtime::Handle,
}

impl BodyWriter {
    const CHUNK: usize = 1 << 16;

    fn send(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = axum::body::Bytes::from(std::mem::replace(&mut self.buffer, Vec::with_capacity(Self::CHUNK)));
        let sent = self.runtime.block_on(tokio::time::timeout(EXPORT_STALL, self.chunks.send(Ok(chunk))));
        match sent {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client is gone")),
            Err(_) => Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "the client stopped reading")),
        }
    }
}

impl std::io::Write for BodyWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= Self::CHUNK {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// Any query's answer as CSV (`GET /export.csv?query=…&variables=…[&separator=semicolon]`): the
/// first list in its data becomes the rows. Same identity, visibility and limits as `/graphql`.
pub(super) async fn export_csv(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(mut params): Query<HashMap<String, String>>,
) -> Response {
    let separator = match params.remove("separator").as_deref() {
        None | Some("comma") => ',',
        Some("semicolon") => ';',
        Some(other) => {
            let message = format!(
                "separator `{}` is not known; use comma or semicolon",
                other.chars().take(40).collect::<String>()
            );
            return error(StatusCode::BAD_REQUEST, MediaType::Json, "INVALID_INPUT", &message);
        }
    };
    let request = transport::from_get_params(
        params.remove("query"),
        params.remove("operationName"),
        params.remove("variables"),
        None,
    );
    let mut request = match request {
        Ok(request) => request,
        Err(message) => return error(StatusCode::BAD_REQUEST, MediaType::Json, "INVALID_INPUT", &message),
    };
    if request.is_mutation() {
        let mut response =
            error(StatusCode::METHOD_NOT_ALLOWED, MediaType::Json, "METHOD_NOT_ALLOWED", "exports run queries only");
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET"));
        return response;
    }
    let answer =
        transport::run(&state.schema, &state.app, viewer, request, state.limits.max_response_bytes, super::language())
            .await;
    let body: serde_json::Value = serde_json::from_slice(&answer.body).unwrap_or_default();
    if body.get("errors").is_some() {
        return json_response(StatusCode::BAD_REQUEST, MediaType::Json, answer.body);
    }
    match transport::csv_of(&body["data"], separator) {
        Ok(csv) => {
            let mut response = (StatusCode::OK, csv).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
            headers.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"retex-export.csv\""),
            );
            response
        }
        Err(message) => error(StatusCode::BAD_REQUEST, MediaType::Json, "INVALID_INPUT", &message),
    }
}
