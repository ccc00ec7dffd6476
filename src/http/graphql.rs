//! GraphQL over HTTP: `POST /graphql` (JSON bodies, and multipart file uploads) and `GET /graphql`
//! (queries in the URL, or the GraphiQL page for a browser), both answered by `run`.

use std::collections::HashMap;
use std::time::Instant;

use axum::Extension;
use axum::body::{Body, to_bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::{AppState, JSON, MediaType, UNAVAILABLE_RETRY_SECS, error, json_response, negotiate};
use crate::domain::Viewer;
use crate::graphql::transport::{self, GraphqlRequest};
use crate::telemetry;

const MULTIPART: &str = "multipart/form-data";
/// How many files one upload may carry.
const MAX_UPLOAD_FILES: usize = 1_000;

async fn run(state: &AppState, viewer: Viewer, media: MediaType, request: GraphqlRequest) -> Response {
    let started = Instant::now();
    let response =
        transport::run(&state.schema, &state.app, viewer, request, state.limits.max_response_bytes, super::language())
            .await;
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

/// The 406 for a client that accepts none of the media types retex answers in.
fn not_acceptable() -> Response {
    error(
        StatusCode::NOT_ACCEPTABLE,
        MediaType::Json,
        "NOT_ACCEPTABLE",
        "accept application/graphql-response+json or application/json",
    )
}

pub(super) async fn graphql_post(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(media) = negotiate(&headers) else { return not_acceptable() };
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

pub(super) async fn graphql_get(
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
        return Html(crate::web::GRAPHIQL).into_response();
    }
    let Some(media) = negotiate(&headers) else { return not_acceptable() };
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
