//! The web page for network members (`web/`): one HTML page, its script and its style sheet, embedded
//! in the binary so that the server works offline and from any folder. The page talks to the server
//! through its public GraphQL API only; `http.rs` serves these files.

/// One embedded file.
pub struct Asset {
    pub content_type: &'static str,
    pub body: &'static str,
}

/// The page itself, served at `/` and at every address the page shows (so that links are shareable
/// and a reload gives the same page).
pub const PAGE: &str = include_str!("../web/index.html");

/// The paths the page answers, beside `/`: the page reads them itself.
pub const PAGE_PATHS: [&str; 5] = ["/fiches/{slug}", "/lecons/{slug}", "/recurrence", "/apercu", "/contribuer"];

/// Returns the embedded file served at `/assets/{name}`.
pub fn asset(name: &str) -> Option<Asset> {
    match name {
        "app.js" => Some(Asset { content_type: "text/javascript; charset=utf-8", body: include_str!("../web/app.js") }),
        "style.css" => Some(Asset { content_type: "text/css; charset=utf-8", body: include_str!("../web/style.css") }),
        _ => None,
    }
}
