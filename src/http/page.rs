//! The web page (`web/index.html`, served at `/` and at every address it shows) and its assets.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// The web page (`web/index.html`), at `/` and at every address it shows.
pub(super) async fn page() -> Response {
    let mut response = Html(crate::web::PAGE).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// The page's script and style sheet.
pub(super) async fn asset(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
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
