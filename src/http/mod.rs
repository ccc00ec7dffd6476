//! HTTP: the only module that imports axum. The router (`/graphql` for GraphQL over HTTP and
//! GraphiQL, `/healthz`), content negotiation, body-size limit, request timeout, tracing, and graceful
//! shutdown. GraphQL itself is `graphql::transport`'s; this module only moves bytes and headers.

mod admission;
mod auth;
mod exports;
mod feeds;
mod graphql;
mod health;
mod page;
mod sockets;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::trace::TraceLayer;

use crate::app::App;
use crate::graphql::{RetexSchema, transport};
use crate::i18n::Language;
use crate::telemetry;
use admission::{RateLimiter, admit, time_limit};
use exports::{export_csv, export_json, export_jsonl, export_xlsx, template};
use graphql::{graphql_get, graphql_post};
use health::{healthz, metrics};
use page::{asset, page};
use sockets::{Sockets, graphql_ws};

/// Limits and access rules applied to every request.
#[derive(Debug, Clone)]
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
    pub subscriptions: crate::graphql::subscription::ConnectionRules,
    /// Origins whose pages may call the API from a browser (CORS); none by default.
    pub cors_allowed_origins: Vec<String>,
    /// Whether session cookies carry `Secure` (browsers then keep them for HTTPS and localhost).
    pub secure_cookies: bool,
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
            subscriptions: crate::graphql::subscription::ConnectionRules::default(),
            cors_allowed_origins: Vec::new(),
            secure_cookies: true,
        }
    }
}

#[derive(Clone)]
struct AppState {
    app: App,
    schema: RetexSchema,
    limits: Limits,
    rate: Arc<RateLimiter>,
    /// Sign-in attempts per address (`admission::SIGN_INS_PER_MINUTE`).
    sign_ins: Arc<RateLimiter>,
    /// Dataset exports running at once (each holds a thread that writes its body).
    exports: Arc<tokio::sync::Semaphore>,
    sockets: Sockets,
}

/// Whose budget a request spends: its token's, or its address's when it has no valid token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Client {
    Address(IpAddr),
    Token(i64),
}

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// Builds the router of the whole server.
pub fn router(app: App, limits: Limits) -> Router {
    telemetry::install();
    let schema = crate::graphql::schema(app.clone());
    let rate = Arc::new(RateLimiter::new(limits.requests_per_minute));
    let exports = Arc::new(tokio::sync::Semaphore::new(limits.concurrent_exports));
    let cors = cors(&limits.cors_allowed_origins);
    let timeout = limits.request_timeout;
    let sign_ins = Arc::new(RateLimiter::new(admission::SIGN_INS_PER_MINUTE));
    let state = AppState { app, schema, limits, rate, sign_ins, exports, sockets: Sockets::default() };
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
        .route(
            "/export/dataset.xlsx",
            get(export_xlsx).layer(axum::middleware::from_fn_with_state(state.clone(), admit)),
        )
        .route("/modeles/{name}", get(template))
        .route("/flux.atom", get(feeds::feed).layer(axum::middleware::from_fn_with_state(state.clone(), admit)))
        .route("/auth/sign-in", axum::routing::post(auth::sign_in))
        .route("/auth/sign-out", axum::routing::post(auth::sign_out))
        .route("/auth/link", axum::routing::post(auth::link))
        .route("/auth/accept", axum::routing::post(auth::accept))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/", get(page))
        .route("/assets/{name}", get(asset));
    let router = crate::web::page_paths().iter().fold(router, |router, path| router.route(path, get(page)));
    let router = router
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(timeout, time_limit))
        .layer(axum::middleware::from_fn(localised))
        .layer(TraceLayer::new_for_http());
    match cors {
        Some(cors) => router.layer(cors),
        None => router,
    }
}

/// The CORS layer of an allow-list (none when it is empty): pages of these origins may send queries
/// with a token (`Authorization`), and read the rate-limit headers. Outermost, so that a preflight is
/// answered before authentication and rate limits.
fn cors(origins: &[String]) -> Option<tower_http::cors::CorsLayer> {
    use axum::http::{HeaderName, Method, header};
    let origins: Vec<HeaderValue> = origins.iter().filter_map(|origin| HeaderValue::from_str(origin).ok()).collect();
    if origins.is_empty() {
        return None;
    }
    Some(
        tower_http::cors::CorsLayer::new()
            .allow_origin(tower_http::cors::AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT, header::ACCEPT_LANGUAGE])
            .expose_headers([
                header::RETRY_AFTER,
                HeaderName::from_static("ratelimit-limit"),
                HeaderName::from_static("ratelimit-remaining"),
                HeaderName::from_static("ratelimit-reset"),
            ])
            .max_age(Duration::from_secs(3600)),
    )
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

tokio::task_local! {
    /// The language the request's client reads (`Accept-Language`), for the messages of its answer.
    static LANGUAGE: Language;
}

/// The language of the request being answered (French outside of one).
fn language() -> Language {
    LANGUAGE.try_with(|language| *language).unwrap_or_default()
}

/// Answers each request in the language its client reads: French by default, English with
/// `Accept-Language: en`; says which in the `Content-Language` of JSON answers.
async fn localised(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let accept = request.headers().get(header::ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok());
    let language = Language::from_accept(accept);
    let mut response = LANGUAGE.scope(language, next.run(request)).await;
    let headers = response.headers_mut();
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|media| media.starts_with(JSON) || media.starts_with(GRAPHQL_RESPONSE));
    if is_json && !headers.contains_key(header::CONTENT_LANGUAGE) {
        let tag = match language {
            Language::French => "fr",
            Language::English => "en",
        };
        headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(tag));
    }
    headers.append(header::VARY, HeaderValue::from_static("accept-language"));
    response
}

/// An error of the use cases as the request's client reads it: invalid input problem by problem (field
/// names kept), the rest as a whole.
fn say(error: &crate::error::Error) -> String {
    let language = language();
    match error {
        crate::error::Error::InvalidInput(problems) => language.invalid_input(problems),
        other => language.say(&other.to_string()),
    }
}

fn error(status: StatusCode, media: MediaType, code: &str, message: &str) -> Response {
    json_response(status, media, transport::error_body(code, &language().say(message)))
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
