//! Sign-in for people: `POST /auth/sign-in`, `/auth/sign-out`, `/auth/link` (what a one-time link is
//! for) and `/auth/accept` (use it: create the account, or choose a new password). A session is two
//! cookies: `retex_session` (HttpOnly, the credential) and `retex_csrf` (readable by the page, which
//! sends it back as `X-CSRF-Token` with every POST: a page of another site can do neither). Both are
//! `SameSite=Strict`, and `Secure` unless the server is configured for plain HTTP.

use std::net::SocketAddr;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{AppState, Client, MediaType, error, json_response};
use crate::app::{SessionSecrets, SignedIn};
use crate::domain::{Person, Vocabulary};
use crate::error::Error;

/// The cookie that carries a session's secret.
pub(super) const SESSION_COOKIE: &str = "retex_session";
/// The cookie that carries a session's CSRF token, for the page to send back.
pub(super) const CSRF_COOKIE: &str = "retex_csrf";
/// The header a page sends the CSRF token in.
pub(super) const CSRF_HEADER: &str = "x-csrf-token";

/// Reads a cookie of the request.
pub(super) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim_matches('"'))
}

fn set_cookies(response: &mut Response, secrets: Option<&SessionSecrets>, secure: bool) {
    let secure = if secure { "; Secure" } else { "" };
    let (session, csrf, max_age) = match secrets {
        Some(secrets) => {
            let seconds = (secrets.expires_at - chrono::Utc::now()).num_seconds().max(0);
            (secrets.session.as_str(), secrets.csrf.as_str(), seconds)
        }
        None => ("", "", 0),
    };
    for cookie in [
        format!("{SESSION_COOKIE}={session}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"),
        format!("{CSRF_COOKIE}={csrf}; Path=/; Max-Age={max_age}; SameSite=Strict{secure}"),
    ] {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// What the page learns of a signed-in person.
fn person_json(person: &Person) -> serde_json::Value {
    serde_json::json!({
        "email": person.email,
        "name": person.token.name,
        "role": person.token.role.code(),
    })
}

fn signed_in(state: &AppState, signed: &SignedIn) -> Response {
    let body = serde_json::json!({
        "person": person_json(&signed.person),
        "csrfToken": signed.secrets.csrf,
        "expiresAt": signed.secrets.expires_at.to_rfc3339(),
    });
    let mut response = json_response(StatusCode::OK, MediaType::Json, body.to_string().into_bytes());
    set_cookies(&mut response, Some(&signed.secrets), state.limits.secure_cookies);
    response
}

/// An error of these endpoints, with the status its code means (and 401 for a failed sign-in).
fn failure(err: &Error, sign_in: bool) -> Response {
    let status = match err {
        Error::InvalidInput(_) => StatusCode::BAD_REQUEST,
        Error::NotFound(_) => StatusCode::NOT_FOUND,
        Error::Conflict(_) => StatusCode::CONFLICT,
        Error::Forbidden(_) if sign_in => StatusCode::UNAUTHORIZED,
        Error::Forbidden(_) => StatusCode::FORBIDDEN,
        Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    if let Error::Internal(_) = err {
        tracing::error!(error = %err, cause = ?std::error::Error::source(err), "sign-in failed");
    }
    if sign_in && matches!(err, Error::Forbidden(_)) {
        let message = match err {
            Error::Forbidden(message) => message.as_str(),
            _ => "",
        };
        return error(status, MediaType::Json, "UNAUTHENTICATED", message);
    }
    json_response(status, MediaType::Json, crate::graphql::transport::error_of(err, super::language()))
}

/// Spends one attempt of the address's sign-in budget, then reads the JSON body: the request of a
/// sign-in endpoint, or the answer that refuses it (429, or 400 naming what is wrong with the body).
fn attempt<T: for<'de> Deserialize<'de>>(
    state: &AppState,
    peer: SocketAddr,
    bytes: &Bytes,
) -> Result<T, Box<Response>> {
    throttle(state, peer)?;
    serde_json::from_slice(bytes).map_err(|err| {
        let message = format!("the body must be a JSON object with the fields this endpoint reads: {err}");
        Box::new(error(StatusCode::BAD_REQUEST, MediaType::Json, "BAD_REQUEST", &message))
    })
}

/// Spends one attempt of the address's sign-in budget, or answers 429.
fn throttle(state: &AppState, peer: SocketAddr) -> Result<(), Box<Response>> {
    let decision = state.sign_ins.check(Client::Address(peer.ip()), Instant::now());
    if decision.allowed {
        return Ok(());
    }
    let message = format!(
        "too many sign-in attempts from this address (limit: sign-in, {} per minute); retry in {} s",
        super::admission::SIGN_INS_PER_MINUTE,
        decision.retry_secs
    );
    let mut response = error(StatusCode::TOO_MANY_REQUESTS, MediaType::Json, "RATE_LIMITED", &message);
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(decision.retry_secs));
    Err(Box::new(response))
}

#[derive(Deserialize)]
struct SignInBody {
    email: String,
    password: String,
}

/// `POST /auth/sign-in` `{ "email", "password" }`: opens a session.
pub(super) async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    bytes: Bytes,
) -> Response {
    let request: SignInBody = match attempt(&state, peer, &bytes) {
        Ok(request) => request,
        Err(response) => return *response,
    };
    match state.app.sign_in(&request.email, &request.password).await {
        Ok(signed) => signed_in(&state, &signed),
        Err(err) => failure(&err, true),
    }
}

/// `POST /auth/sign-out`: ends the session of the request's cookie and clears the cookies. Needs the
/// session's CSRF token, so that another site cannot sign a person out.
pub(super) async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(secret) = cookie(&headers, SESSION_COOKIE) {
        match state.app.authenticate_session(secret).await {
            Ok(Some(session)) => {
                let presented = headers.get(CSRF_HEADER).and_then(|value| value.to_str().ok()).unwrap_or_default();
                if !crate::app::App::csrf_matches(&session, presented) {
                    return error(StatusCode::FORBIDDEN, MediaType::Json, "FORBIDDEN", super::admission::CSRF_MISSING);
                }
                if let Err(err) = state.app.sign_out(secret).await {
                    return failure(&err, false);
                }
            }
            Ok(None) => {}
            Err(err) => return failure(&err, false),
        }
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    set_cookies(&mut response, None, state.limits.secure_cookies);
    response
}

#[derive(Deserialize)]
struct LinkBody {
    secret: String,
}

/// `POST /auth/link` `{ "secret" }`: what a one-time link is for (an invitation: to whom, with which
/// role; a reset), if it may still be used.
pub(super) async fn link(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    bytes: Bytes,
) -> Response {
    let request: LinkBody = match attempt(&state, peer, &bytes) {
        Ok(request) => request,
        Err(response) => return *response,
    };
    match state.app.one_time_link(request.secret.trim()).await {
        Ok(link) => {
            let body = serde_json::json!({
                "purpose": link.purpose.code(),
                "email": link.email,
                "name": link.name,
                "role": link.role.code(),
                "roleLabel": link.role.label(),
                "expiresAt": link.expires_at.to_rfc3339(),
            });
            json_response(StatusCode::OK, MediaType::Json, body.to_string().into_bytes())
        }
        Err(err) => failure(&err, false),
    }
}

#[derive(Deserialize)]
struct AcceptBody {
    secret: String,
    #[serde(default)]
    name: Option<String>,
    password: String,
}

/// `POST /auth/accept` `{ "secret", "name", "password" }`: uses a one-time link (creates the account,
/// or sets a new password) and opens a session.
pub(super) async fn accept(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    bytes: Bytes,
) -> Response {
    let request: AcceptBody = match attempt(&state, peer, &bytes) {
        Ok(request) => request,
        Err(response) => return *response,
    };
    match state.app.accept_link(request.secret.trim(), request.name.as_deref(), &request.password).await {
        Ok(signed) => signed_in(&state, &signed),
        Err(err) => failure(&err, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_by_name_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; retex_session=retex_abc; retex_csrf=x"));
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("retex_abc"));
        assert_eq!(cookie(&headers, CSRF_COOKIE), Some("x"));
        assert_eq!(cookie(&headers, "b"), None);
    }
}
