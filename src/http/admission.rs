//! Admission of requests: authentication (the `Authorization` bearer token, or anonymous access when
//! allowed), the per-client rate limit (a token bucket per token or address, told in the
//! `RateLimit-*` headers), and the request timeout middleware.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use super::{AppState, Client, MediaType, error, negotiate, unavailable};
use crate::domain::Viewer;
use crate::telemetry;

/// A token bucket per client: `per_minute` requests in a burst, refilled continuously.
pub(super) struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<Client, Bucket>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// What the limiter decided for one request.
pub(super) struct RateDecision {
    pub(super) allowed: bool,
    remaining: u32,
    /// Seconds until the bucket is full again (`RateLimit-Reset`).
    reset_secs: u64,
    /// Seconds until the next request is allowed, when refused (`Retry-After`).
    pub(super) retry_secs: u64,
}

/// Clients remembered before full buckets are forgotten.
const MAX_TRACKED_CLIENTS: usize = 10_000;

impl RateLimiter {
    pub(super) fn new(per_minute: u32) -> Self {
        Self { per_minute, buckets: Mutex::new(HashMap::new()) }
    }

    pub(super) fn check(&self, client: Client, now: Instant) -> RateDecision {
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

/// Sign-in attempts (and one-time link checks) an address may make per minute.
pub(super) const SIGN_INS_PER_MINUTE: u32 = 20;

/// The refusal of a write made with a session cookie but without its CSRF token.
pub(super) const CSRF_MISSING: &str =
    "this request comes with a session cookie but without its CSRF token (X-CSRF-Token header): reload the page";

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
pub(super) async fn admit(
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
    let anonymous: Result<Viewer, (&str, bool)> = if state.limits.anonymous_access {
        Ok(Viewer::Anonymous)
    } else {
        Err((
            "this server does not answer anonymous requests: send an API token as `Authorization: Bearer <token>`, or sign in",
            false,
        ))
    };
    let identity: Result<Viewer, (&str, bool)> = match credentials(request.headers()) {
        Credentials::None => match super::auth::cookie(request.headers(), super::auth::SESSION_COOKIE) {
            None => anonymous,
            Some(secret) => match state.app.authenticate_session(secret).await {
                Ok(Some(session)) => {
                    let reads_only = matches!(*request.method(), axum::http::Method::GET | axum::http::Method::HEAD);
                    let presented = request
                        .headers()
                        .get(super::auth::CSRF_HEADER)
                        .and_then(|value| value.to_str().ok())
                        .unwrap_or_default();
                    if !reads_only && !crate::app::App::csrf_matches(&session, presented) {
                        return error(StatusCode::FORBIDDEN, media, "FORBIDDEN", CSRF_MISSING);
                    }
                    Ok(session.viewer)
                }
                // An expired or ended session reads as no session at all.
                Ok(None) => anonymous,
                Err(err @ crate::error::Error::Unavailable(_)) => return unavailable(media, &err.to_string()),
                Err(err) => {
                    tracing::error!(error = %err, cause = ?std::error::Error::source(&err), "session check failed");
                    return error(StatusCode::INTERNAL_SERVER_ERROR, media, "INTERNAL", "internal error");
                }
            },
        },
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

/// Answers 408 with a GraphQL-shaped body (code `TIMEOUT`) when a request takes longer than the limit.
pub(super) async fn time_limit(State(limit): State<Duration>, request: axum::extract::Request, next: Next) -> Response {
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

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

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
