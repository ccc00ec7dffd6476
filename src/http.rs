//! HTTP: the only module that imports axum. The router (`/graphql` for GraphQL over HTTP and
//! GraphiQL, `/healthz`), content negotiation, body-size limit, request timeout, tracing, and graceful
//! shutdown. GraphQL itself is `graphql::transport`'s; this module only moves bytes and headers.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use tower_http::trace::TraceLayer;

use crate::app::App;
use crate::dataset::{self, Format};
use crate::domain::{Progress, Viewer};
use crate::graphql::transport::{self, GraphqlRequest};
use crate::graphql::{self, RetexSchema};
use crate::telemetry;

/// Limits and access rules applied to every request.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_body_bytes: usize,
    /// The largest multipart request (file uploads to import), in bytes.
    pub max_upload_bytes: usize,
    /// The largest GraphQL response written, in bytes; a longer answer is one `LIMIT_EXCEEDED` error.
    pub max_response_bytes: usize,
    pub request_timeout: Duration,
    /// GraphQL requests per minute and client (a token, or an address without one); 0 for no limit.
    pub requests_per_minute: u32,
    /// Whether requests without a token are answered (as READER); when not, they get 401.
    pub anonymous_access: bool,
    /// Dataset exports that run at once (each holds a thread writing its body); more get 503.
    pub concurrent_exports: usize,
    /// How long the search index may be behind the database (or differ from it) before `/healthz`
    /// answers 503.
    pub index_max_lag: Duration,
    /// Subscription connections a client (a token, or an address without one) may hold open at once.
    pub max_sockets_per_client: usize,
    /// The time a subscription connection has to initialise, how often its caller's rights are
    /// checked again, and its keep-alive.
    pub subscriptions: graphql::subscription::ConnectionRules,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 2 * 1024 * 1024,
            max_upload_bytes: 64 * 1024 * 1024,
            max_response_bytes: transport::DEFAULT_MAX_RESPONSE_BYTES,
            request_timeout: Duration::from_secs(30),
            requests_per_minute: 600,
            anonymous_access: true,
            concurrent_exports: 2,
            index_max_lag: Duration::from_secs(60),
            max_sockets_per_client: 16,
            subscriptions: graphql::subscription::ConnectionRules::default(),
        }
    }
}

#[derive(Clone)]
struct AppState {
    app: App,
    schema: RetexSchema,
    limits: Limits,
    rate: Arc<RateLimiter>,
    /// Dataset exports running at once (each holds a thread that writes its body).
    exports: Arc<tokio::sync::Semaphore>,
    sockets: Sockets,
}

/// How long a dataset export waits for a client that reads nothing before it gives up.
const EXPORT_STALL: Duration = Duration::from_secs(60);

/// Whose budget a request spends: its token's, or its address's when it has no valid token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Client {
    Address(IpAddr),
    Token(i64),
}

/// A token bucket per client: `per_minute` requests in a burst, refilled continuously.
struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<Client, Bucket>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// What the limiter decided for one request.
struct RateDecision {
    allowed: bool,
    remaining: u32,
    /// Seconds until the bucket is full again (`RateLimit-Reset`).
    reset_secs: u64,
    /// Seconds until the next request is allowed, when refused (`Retry-After`).
    retry_secs: u64,
}

/// Clients remembered before full buckets are forgotten.
const MAX_TRACKED_CLIENTS: usize = 10_000;

impl RateLimiter {
    fn new(per_minute: u32) -> Self {
        Self { per_minute, buckets: Mutex::new(HashMap::new()) }
    }

    fn check(&self, client: Client, now: Instant) -> RateDecision {
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let refill = |bucket: &Bucket| {
            (bucket.tokens + now.saturating_duration_since(bucket.at).as_secs_f64() * per_second).min(capacity)
        };
        if buckets.len() >= MAX_TRACKED_CLIENTS {
            buckets.retain(|_, bucket| refill(bucket) < capacity);
        }
        let bucket = buckets.entry(client).or_insert(Bucket { tokens: capacity, at: now });
        let tokens = refill(bucket);
        let allowed = tokens >= 1.0;
        let left = if allowed { tokens - 1.0 } else { tokens };
        *bucket = Bucket { tokens: left, at: now };
        RateDecision {
            allowed,
            remaining: left.floor() as u32,
            reset_secs: ((capacity - left) / per_second).ceil() as u64,
            retry_secs: if allowed { 0 } else { ((1.0 - left) / per_second).ceil().max(1.0) as u64 },
        }
    }
}

/// What the `Authorization` header says.
enum Credentials {
    None,
    Bearer(String),
    Malformed(&'static str),
}

fn credentials(headers: &HeaderMap) -> Credentials {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Credentials::None };
    let Ok(value) = value.to_str() else {
        return Credentials::Malformed("the Authorization header is not ASCII text; send `Bearer <token>`");
    };
    match crate::domain::bearer_secret(value) {
        Ok(secret) => Credentials::Bearer(secret.to_owned()),
        Err(problem) => Credentials::Malformed(problem),
    }
}

/// Whether the request only asks for the GraphiQL page, which needs no identity.
fn is_graphiql_page(request: &axum::extract::Request) -> bool {
    let wants_html = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    let asks_query = request
        .uri()
        .query()
        .is_some_and(|query| query.split('&').any(|pair| pair.split('=').next().is_some_and(|key| key == "query")));
    request.method() == axum::http::Method::GET && wants_html && !asks_query
}

/// Admits a GraphQL request: finds who is calling (an API token, or anonymous when allowed), spends
/// one request of the caller's rate-limit budget (the token's, or the address's), says the budget
/// in the `RateLimit-*` headers, and hands the viewer to the handler. Unknown or revoked tokens get
/// 401, and spend their address's budget so that guessing tokens is throttled too.
async fn admit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut request: axum::extract::Request,
    next: Next,
) -> Response {
    if is_graphiql_page(&request) {
        return next.run(request).await;
    }
    let media = negotiate(request.headers()).unwrap_or(MediaType::Json);
    // Who is calling, or why the request is refused (and whether a credential was presented).
    let identity: Result<Viewer, (&str, bool)> = match credentials(request.headers()) {
        Credentials::None if state.limits.anonymous_access => Ok(Viewer::Anonymous),
        Credentials::None => Err((
            "this server does not answer anonymous requests: send an API token as `Authorization: Bearer <token>`",
            false,
        )),
        Credentials::Malformed(message) => Err((message, true)),
        Credentials::Bearer(secret) => match state.app.authenticate(&secret).await {
            Ok(Some(viewer)) => Ok(viewer),
            Ok(None) => Err(("the API token is unknown or revoked", true)),
            Err(err @ crate::error::Error::Unavailable(_)) => return unavailable(media, &err.to_string()),
            Err(err) => {
                tracing::error!(error = %err, cause = ?std::error::Error::source(&err), "authentication failed");
                return error(StatusCode::INTERNAL_SERVER_ERROR, media, "INTERNAL", "internal error");
            }
        },
    };
    let client = match &identity {
        Ok(Viewer::Account(account)) => Client::Token(account.token),
        _ => Client::Address(peer.ip()),
    };
    let per_minute = state.rate.per_minute;
    let decision = (per_minute > 0).then(|| state.rate.check(client, Instant::now()));
    let mut response = match (decision.as_ref(), identity) {
        (Some(decision), _) if !decision.allowed => {
            let message = format!(
                "too many requests: the limit is {per_minute} per minute (limit: rate); retry in {} s",
                decision.retry_secs
            );
            telemetry::rate_limited();
            let mut response = error(StatusCode::TOO_MANY_REQUESTS, media, "RATE_LIMITED", &message);
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(decision.retry_secs));
            response
        }
        (_, Err((message, presented))) => {
            let challenge =
                if presented { r#"Bearer realm="retex", error="invalid_token""# } else { r#"Bearer realm="retex""# };
            let mut response = error(StatusCode::UNAUTHORIZED, media, "UNAUTHENTICATED", message);
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
            response
        }
        (_, Ok(viewer)) => {
            request.extensions_mut().insert(viewer);
            next.run(request).await
        }
    };
    if let Some(decision) = decision {
        let headers = response.headers_mut();
        headers.insert("ratelimit-limit", HeaderValue::from(per_minute));
        headers.insert("ratelimit-remaining", HeaderValue::from(decision.remaining));
        headers.insert("ratelimit-reset", HeaderValue::from(decision.reset_secs));
    }
    response
}

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";
const MULTIPART: &str = "multipart/form-data";
/// How many files one upload may carry.
const MAX_UPLOAD_FILES: usize = 1_000;

/// Builds the router of the whole server.
pub fn router(app: App, limits: Limits) -> Router {
    telemetry::install();
    let schema = graphql::schema(app.clone());
    let rate = Arc::new(RateLimiter::new(limits.requests_per_minute));
    let exports = Arc::new(tokio::sync::Semaphore::new(limits.concurrent_exports));
    let state = AppState { app, schema, limits, rate, exports, sockets: Sockets::default() };
    let router = Router::new()
        .route(
            "/graphql",
            get(graphql_get).post(graphql_post).layer(axum::middleware::from_fn_with_state(state.clone(), admit)),
        )
        .route("/graphql/ws", get(graphql_ws).layer(axum::middleware::from_fn_with_state(state.clone(), admit)))
        .route("/export.csv", get(export_csv).layer(axum::middleware::from_fn_with_state(state.clone(), admit)))
        .route(
            "/export/dataset.json",
            get(export_json).layer(axum::middleware::from_fn_with_state(state.clone(), admit)),
        )
        .route(
            "/export/dataset.jsonl",
            get(export_jsonl).layer(axum::middleware::from_fn_with_state(state.clone(), admit)),
        )
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/", get(page))
        .route("/assets/{name}", get(asset));
    let router = crate::web::page_paths().iter().fold(router, |router, path| router.route(path, get(page)));
    router
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(limits.request_timeout, time_limit))
        .layer(TraceLayer::new_for_http())
}

/// Answers 408 with a GraphQL-shaped body (code `TIMEOUT`) when a request takes longer than the limit.
async fn time_limit(State(limit): State<Duration>, request: axum::extract::Request, next: Next) -> Response {
    let media = negotiate(request.headers()).unwrap_or(MediaType::Json);
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            let message = format!(
                "the request took longer than {} s (limit: request timeout): narrow it, or retry later",
                limit.as_secs()
            );
            error(StatusCode::REQUEST_TIMEOUT, media, "TIMEOUT", &message)
        }
    }
}

/// Serves the router on `listener` until `shutdown` completes, then lets requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

/// Completes on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}

/// The response media type a client accepts: GraphQL over HTTP's own, plain JSON, or neither.
#[derive(Clone, Copy, PartialEq, Eq)]
enum MediaType {
    GraphqlResponse,
    Json,
}

fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|value| value.to_str().ok()) else {
        return Some(MediaType::Json);
    };
    let types: Vec<&str> = accept.split(',').map(|part| part.split(';').next().unwrap_or_default().trim()).collect();
    if types.contains(&GRAPHQL_RESPONSE) {
        Some(MediaType::GraphqlResponse)
    } else if types.iter().any(|media| matches!(*media, JSON | "application/*" | "*/*" | "")) {
        Some(MediaType::Json)
    } else {
        None
    }
}

fn json_response(status: StatusCode, media: MediaType, body: Vec<u8>) -> Response {
    let content_type = match media {
        MediaType::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
        MediaType::Json => "application/json; charset=utf-8",
    };
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn error(status: StatusCode, media: MediaType, code: &str, message: &str) -> Response {
    json_response(status, media, transport::error_body(code, message))
}

/// How long a client is asked to wait before retrying while the database is unavailable.
const UNAVAILABLE_RETRY_SECS: u32 = 2;

/// A 503 `UNAVAILABLE` answer with `Retry-After`.
fn unavailable(media: MediaType, message: &str) -> Response {
    telemetry::unavailable();
    let mut response = error(StatusCode::SERVICE_UNAVAILABLE, media, "UNAVAILABLE", message);
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(UNAVAILABLE_RETRY_SECS));
    response
}

async fn run(state: &AppState, viewer: Viewer, media: MediaType, request: GraphqlRequest) -> Response {
    let started = Instant::now();
    let response = transport::run(&state.schema, &state.app, viewer, request, state.limits.max_response_bytes).await;
    telemetry::graphql_request(response.operation, response.outcome, started.elapsed());
    if response.unavailable {
        telemetry::unavailable();
    }
    let status = if response.unavailable {
        StatusCode::SERVICE_UNAVAILABLE
    } else if response.is_request_error && media == MediaType::GraphqlResponse {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut answer = json_response(status, media, response.body);
    if response.unavailable {
        answer.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(UNAVAILABLE_RETRY_SECS));
    }
    answer
}

async fn graphql_post(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return error(
            StatusCode::NOT_ACCEPTABLE,
            MediaType::Json,
            "NOT_ACCEPTABLE",
            "accept application/graphql-response+json or application/json",
        );
    };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if essence == MULTIPART {
        // File uploads (the import of dataset files): a larger limit than plain requests.
        let bytes = match to_bytes(body, state.limits.max_upload_bytes).await {
            Ok(bytes) => bytes,
            Err(_) => {
                let message = format!("the upload is larger than the limit of {} bytes", state.limits.max_upload_bytes);
                return error(StatusCode::PAYLOAD_TOO_LARGE, media, "PAYLOAD_TOO_LARGE", &message);
            }
        };
        return match transport::from_multipart(content_type, &bytes, MAX_UPLOAD_FILES).await {
            Ok(request) => run(&state, viewer, media, request).await,
            Err(message) => error(StatusCode::BAD_REQUEST, media, "INVALID_INPUT", &message),
        };
    }
    if essence != JSON {
        let message = if content_type.is_empty() {
            "the request has no Content-Type; send the GraphQL request as application/json (or multipart/form-data to upload files)".to_owned()
        } else {
            format!(
                "unsupported Content-Type `{}`; send the GraphQL request as application/json (or multipart/form-data to upload files)",
                content_type.chars().take(100).collect::<String>()
            )
        };
        return error(StatusCode::UNSUPPORTED_MEDIA_TYPE, media, "UNSUPPORTED_MEDIA_TYPE", &message);
    }
    let bytes = match to_bytes(body, state.limits.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let message = format!("the request body is larger than the limit of {} bytes", state.limits.max_body_bytes);
            return error(StatusCode::PAYLOAD_TOO_LARGE, media, "PAYLOAD_TOO_LARGE", &message);
        }
    };
    match transport::from_json_body(&bytes) {
        Ok(request) => run(&state, viewer, media, request).await,
        Err(message) => error(StatusCode::BAD_REQUEST, media, "INVALID_INPUT", &message),
    }
}

async fn graphql_get(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    headers: HeaderMap,
    Query(mut params): Query<HashMap<String, String>>,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_html && !params.contains_key("query") {
        return Html(transport::graphiql("/graphql")).into_response();
    }
    let Some(media) = negotiate(&headers) else {
        return error(
            StatusCode::NOT_ACCEPTABLE,
            MediaType::Json,
            "NOT_ACCEPTABLE",
            "accept application/graphql-response+json or application/json",
        );
    };
    let request = transport::from_get_params(
        params.remove("query"),
        params.remove("operationName"),
        params.remove("variables"),
        params.remove("extensions"),
    );
    let mut request = match request {
        Ok(request) => request,
        Err(message) => return error(StatusCode::BAD_REQUEST, media, "INVALID_INPUT", &message),
    };
    if request.is_mutation() {
        let mut response = error(
            StatusCode::METHOD_NOT_ALLOWED,
            media,
            "METHOD_NOT_ALLOWED",
            "mutations are not allowed over GET; use POST",
        );
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    // The GraphiQL page is let through without an identity; a query always has one.
    let Some(Extension(viewer)) = viewer else {
        return error(StatusCode::UNAUTHORIZED, media, "UNAUTHENTICATED", "authentication required");
    };
    run(&state, viewer, media, request).await
}

/// The web page (`web/index.html`), at `/` and at every address it shows.
async fn page() -> Response {
    let mut response = Html(crate::web::PAGE).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// The page's script and style sheet.
async fn asset(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    match crate::web::asset(&name) {
        Some(asset) => {
            let mut response = (StatusCode::OK, asset.body).into_response();
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            response
        }
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}

/// The whole dataset as one JSON document (`GET /export/dataset.json`), in the format `retex import`
/// reads: published records, each with its licence and source; `?includeDrafts=true` adds the
/// other statuses, for administrators only.
async fn export_json(
    state: State<AppState>,
    viewer: Extension<Viewer>,
    params: Query<HashMap<String, String>>,
) -> Response {
    export_dataset(state, viewer, params, Format::Json).await
}

/// The whole dataset as JSON Lines (`GET /export/dataset.jsonl`), as `/export/dataset.json`.
async fn export_jsonl(
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
async fn export_csv(
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
    let answer = transport::run(&state.schema, &state.app, viewer, request, state.limits.max_response_bytes).await;
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

/// Live subscriptions over WebSocket (graphql-ws, and the older subscriptions-transport-ws). The
/// connection acts as the caller of the upgrade request, or as the token its `connection_init`
/// payload names.
async fn graphql_ws(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    upgrade: axum::extract::WebSocketUpgrade,
) -> Response {
    let offered = headers.get(header::SEC_WEBSOCKET_PROTOCOL).and_then(|value| value.to_str().ok());
    let Some(protocol) = graphql::subscription::protocol_of(offered) else {
        let message = "subscriptions speak the graphql-transport-ws or graphql-ws subprotocol: offer one in Sec-WebSocket-Protocol";
        return error(StatusCode::BAD_REQUEST, MediaType::Json, "INVALID_INPUT", message);
    };
    let client = match &viewer {
        Viewer::Account(account) => Client::Token(account.token),
        _ => Client::Address(peer.ip()),
    };
    let Some(place) = SocketPlace::take(&state.sockets, client, state.limits.max_sockets_per_client) else {
        let message = format!(
            "too many open subscription connections: at most {} per client (limit: sockets); close one first",
            state.limits.max_sockets_per_client
        );
        return error(StatusCode::TOO_MANY_REQUESTS, MediaType::Json, "RATE_LIMITED", &message);
    };
    let (app, schema, rules) = (state.app.clone(), state.schema.clone(), state.limits.subscriptions);
    upgrade
        .protocols(graphql::subscription::PROTOCOLS)
        .on_upgrade(move |socket| async move {
            use axum::extract::ws::{CloseFrame, Message};
            use futures::{SinkExt, StreamExt};
            let _place = place;
            let (mut sink, stream) = socket.split();
            let incoming = stream
                .take_while(|message| futures::future::ready(message.is_ok()))
                .filter_map(|message| {
                    futures::future::ready(match message {
                        Ok(Message::Text(text)) => Some(text.as_bytes().to_vec()),
                        Ok(Message::Binary(bytes)) => Some(bytes.to_vec()),
                        _ => None,
                    })
                })
                .boxed();
            let outgoing = graphql::subscription::connection(schema, app, viewer, protocol, rules, incoming);
            futures::pin_mut!(outgoing);
            while let Some(frame) = outgoing.next().await {
                let message = match frame {
                    graphql::subscription::Outgoing::Text(text) => Message::Text(text.into()),
                    graphql::subscription::Outgoing::Close(code, reason) => {
                        Message::Close(Some(CloseFrame { code, reason: reason.into() }))
                    }
                };
                if sink.send(message).await.is_err() {
                    break;
                }
            }
            let _ = sink.close().await;
        })
        .into_response()
}

/// Open subscription connections per client.
type Sockets = Arc<Mutex<HashMap<Client, usize>>>;

/// A client's place among the open subscription connections, given back when dropped.
struct SocketPlace {
    sockets: Sockets,
    client: Client,
}

impl SocketPlace {
    /// Takes a place for `client` if it holds fewer than `most`.
    fn take(sockets: &Sockets, client: Client, most: usize) -> Option<Self> {
        let mut open = sockets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = open.entry(client).or_default();
        if *count >= most {
            return None;
        }
        *count += 1;
        Some(Self { sockets: Arc::clone(sockets), client })
    }
}

impl Drop for SocketPlace {
    fn drop(&mut self) {
        let mut open = self.sockets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = open.get_mut(&self.client) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.client);
            }
        }
    }
}

/// `GET /metrics`: the Prometheus text format (requests by operation type and outcome, latencies,
/// rate-limit refusals, index lag, reconciliations, database pool).
async fn metrics(State(state): State<AppState>) -> Response {
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
async fn healthz(State(state): State<AppState>) -> Response {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn client(last: u8) -> Client {
        Client::Address(IpAddr::from([10, 0, 0, last]))
    }

    #[test]
    fn the_bucket_refills_with_time_and_each_client_has_its_own() {
        let limiter = RateLimiter::new(3);
        let start = Instant::now();
        for remaining in (0..3).rev() {
            let decision = limiter.check(client(1), start);
            assert!(decision.allowed);
            assert_eq!(decision.remaining, remaining);
        }
        let refused = limiter.check(client(1), start);
        assert!(!refused.allowed);
        // Three a minute: one more every 20 s, full again after 60 s.
        assert_eq!(refused.retry_secs, 20);
        assert_eq!(refused.reset_secs, 60);
        assert!(limiter.check(client(2), start).allowed, "another client has its own budget");
        assert!(!limiter.check(client(1), start + Duration::from_secs(19)).allowed);
        assert!(limiter.check(client(1), start + Duration::from_secs(40)).allowed);
    }

    #[test]
    fn full_buckets_are_forgotten_past_the_tracked_clients() {
        let limiter = RateLimiter::new(60);
        let start = Instant::now();
        for i in 0..MAX_TRACKED_CLIENTS {
            limiter.check(Client::Token(i as i64), start);
        }
        // A minute later every bucket is full again: the next new client makes room.
        limiter.check(client(1), start + Duration::from_secs(61));
        let tracked = limiter.buckets.lock().map(|buckets| buckets.len()).unwrap_or_default();
        assert_eq!(tracked, 1);
    }
}
