//! The web page for network members (`web/`): one HTML page, its script (ES modules), its routes and
//! its style sheet, embedded in the binary so that the server works offline and from any folder. The
//! page talks to the server through its public GraphQL API only; `http/page.rs` serves these files.

use serde::Deserialize;

/// One embedded file.
pub struct Asset {
    pub content_type: &'static str,
    pub body: &'static str,
}

/// The page itself, served at `/` and at every address the page shows (so that links are shareable
/// and a reload gives the same page).
pub const PAGE: &str = include_str!("../web/index.html");

/// The page's routes, one table for the server (which serves the page at each path) and for the page
/// (whose `router.js` draws the view each path names).
const ROUTES: &str = include_str!("../web/routes.json");

/// One route of `web/routes.json`; the view it names is the page's business.
#[derive(Deserialize)]
struct Route {
    path: String,
    view: String,
}

/// The paths the page answers, beside `/` (which `http/` serves on its own): those of
/// `web/routes.json`, in axum's path syntax (`{slug}` matches one non-empty segment, and the page
/// reads it the same way). The table is embedded, so it parses (a test says so).
pub fn page_paths() -> Vec<String> {
    let routes: Vec<Route> = serde_json::from_str(ROUTES).unwrap_or_default();
    routes.into_iter().map(|route| route.path).filter(|path| path != "/").collect()
}

/// The page's address of a record shown by `view` (`sheet`, `lesson`), from `web/routes.json`:
/// `/fiches/{slug}` with the slug percent-encoded as a path segment.
pub fn record_path(view: &str, slug: &str) -> Option<String> {
    let routes: Vec<Route> = serde_json::from_str(ROUTES).unwrap_or_default();
    let route = routes.into_iter().find(|route| route.view == view)?;
    let mut encoded = String::with_capacity(slug.len());
    for byte in slug.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    Some(route.path.replace("{slug}", &encoded))
}

const JS: &str = "text/javascript; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// The files served at `/assets/{name}`: the page's modules (`main.js` starts it), its routes, the
/// map's regions (`france-regions.json`, imported by `map.js`; see `web/README.md`) and its style
/// sheet, as (name, content type, body).
const ASSETS: [(&str, &str, &str); 18] = [
    ("main.js", JS, include_str!("../web/main.js")),
    ("dom.js", JS, include_str!("../web/dom.js")),
    ("api.js", JS, include_str!("../web/api.js")),
    ("router.js", JS, include_str!("../web/router.js")),
    ("search.js", JS, include_str!("../web/search.js")),
    ("reading.js", JS, include_str!("../web/reading.js")),
    ("profiles.js", JS, include_str!("../web/profiles.js")),
    ("map.js", JS, include_str!("../web/map.js")),
    ("france-regions.json", JSON, include_str!("../web/france-regions.json")),
    ("charts.js", JS, include_str!("../web/charts.js")),
    ("contribute.js", JS, include_str!("../web/contribute.js")),
    ("spreadsheets.js", JS, include_str!("../web/spreadsheets.js")),
    ("account.js", JS, include_str!("../web/account.js")),
    ("people.js", JS, include_str!("../web/people.js")),
    ("advice.js", JS, include_str!("../web/advice.js")),
    ("guide.js", JS, include_str!("../web/guide.js")),
    ("routes.json", JSON, ROUTES),
    ("style.css", CSS, include_str!("../web/style.css")),
];

/// GraphiQL's page (`web/graphiql/index.html`), served at `GET /graphql` to a browser: it loads
/// React, ReactDOM and GraphiQL from `GRAPHIQL_ASSETS` only, so that it works offline; a signed-in
/// person's queries go with their session cookie and its CSRF token (`X-CSRF-Token`).
pub const GRAPHIQL: &str = include_str!("../web/graphiql/index.html");

/// The files GraphiQL's page loads, also served at `/assets/{name}`: pinned builds from the npm
/// registry, unmodified (versions and licences in `web/graphiql/README.md`).
const GRAPHIQL_ASSETS: [(&str, &str, &str); 4] = [
    ("react.production.min.js", JS, include_str!("../web/graphiql/react.production.min.js")),
    ("react-dom.production.min.js", JS, include_str!("../web/graphiql/react-dom.production.min.js")),
    ("graphiql.min.js", JS, include_str!("../web/graphiql/graphiql.min.js")),
    ("graphiql.min.css", CSS, include_str!("../web/graphiql/graphiql.min.css")),
];

/// Returns the embedded file served at `/assets/{name}`.
pub fn asset(name: &str) -> Option<Asset> {
    ASSETS
        .iter()
        .chain(GRAPHIQL_ASSETS.iter())
        .find(|(file, ..)| *file == name)
        .map(|&(_, content_type, body)| Asset { content_type, body })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The files a module imports (`import … from './x.js'`, `import … from './routes.json' with …`).
    fn imports(module: &str) -> Vec<&str> {
        module
            .lines()
            .filter(|line| line.starts_with("import "))
            .filter_map(|line| line.split_once(" from './").and_then(|(_, rest)| rest.split_once('\'')))
            .map(|(target, _)| target)
            .collect()
    }

    #[test]
    fn the_page_answers_every_route_but_the_root_which_is_served_apart() {
        assert_eq!(
            page_paths(),
            [
                "/carte",
                "/fiches/{slug}",
                "/lecons/{slug}",
                "/organisations/{slug}",
                "/territoires/{slug}",
                "/preparer",
                "/guide",
                "/recurrence",
                "/apercu",
                "/contribuer",
                "/comptes",
                "/connexion",
                "/invitation"
            ]
        );
    }

    #[test]
    fn every_file_a_module_imports_is_served_with_its_content_type() {
        assert!(PAGE.contains(r#"<script type="module" src="/assets/main.js"></script>"#), "the page starts main.js");
        // From main.js, every module reached is served; every module served is reached.
        let mut reached = vec!["main.js"];
        let mut next = 0;
        while let Some(&name) = reached.get(next) {
            next += 1;
            let Some(file) = asset(name) else { panic!("{name} is imported but not served") };
            if name.ends_with(".json") {
                assert!(file.content_type.starts_with("application/json"), "{name} is served as {}", file.content_type);
                continue;
            }
            assert!(file.content_type.starts_with("text/javascript"), "{name} is served as {}", file.content_type);
            for target in imports(file.body) {
                if !reached.contains(&target) {
                    reached.push(target);
                }
            }
        }
        for (name, ..) in ASSETS {
            assert!(name.ends_with(".css") || reached.contains(&name), "{name} is served but imported by no module");
        }
        assert!(reached.contains(&"routes.json"), "the page reads its routes");
    }

    #[test]
    fn graphiql_loads_every_file_it_needs_from_the_server_and_nothing_else() {
        assert!(GRAPHIQL.contains(r#"<html lang="fr">"#), "GraphiQL's page is not in French");
        for (name, content_type, body) in GRAPHIQL_ASSETS {
            let tag = if name.ends_with(".css") {
                format!(r#"<link rel="stylesheet" href="/assets/{name}">"#)
            } else {
                format!(r#"<script src="/assets/{name}"></script>"#)
            };
            assert!(GRAPHIQL.contains(&tag), "GraphiQL's page does not load {name}");
            assert!(asset(name).is_some_and(|file| file.body == body && file.content_type == content_type));
            assert!(ASSETS.iter().all(|(page_file, ..)| *page_file != name), "{name} is served twice");
        }
        // Every address the page names is on this server (`data:,` is the empty icon).
        for attribute in ["src=\"", "href=\""] {
            for rest in GRAPHIQL.split(attribute).skip(1) {
                let address = rest.split('"').next().unwrap_or_default();
                assert!(
                    address == "data:," || (address.starts_with('/') && !address.starts_with("//")),
                    "GraphiQL's page loads {address}"
                );
            }
        }
    }
}
