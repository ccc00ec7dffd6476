//! The web page: served at `/` and at the addresses it shows, with its embedded assets, and nothing
//! loaded from elsewhere (it works offline).

use crate::harness::*;

/// Fetches a path and returns its status, content type and body.
async fn get(app: &TestApp, path: &str) -> (u16, String, String) {
    let response = app.client.get(format!("{}{path}", app.address)).send().await.expect("send the request");
    let status = response.status().as_u16();
    let content_type =
        response.headers().get("content-type").and_then(|value| value.to_str().ok()).unwrap_or_default().to_owned();
    (status, content_type, response.text().await.expect("a body"))
}

#[tokio::test]
async fn the_page_is_served_at_the_root_and_at_every_address_it_shows() {
    let app = spawn_app().await;
    for path in
        ["/", "/?q=epicerie&theme=FOOD", "/lecons/x", "/fiches/une-fiche", "/recurrence", "/apercu", "/contribuer"]
    {
        let (status, content_type, body) = get(&app, path).await;
        assert_eq!(status, 200, "{path} answers {status}");
        assert!(content_type.starts_with("text/html"), "{path} is served as {content_type}");
        assert!(body.contains(r#"<html lang="fr">"#), "{path} is not the French page");
        assert!(
            body.contains("/assets/main.js") && body.contains("/assets/style.css"),
            "{path} does not load the assets"
        );
    }
    let (status, _, _) = get(&app, "/lecons/x/y").await;
    assert_eq!(status, 404, "a deeper path is not the page");
}

#[tokio::test]
async fn the_assets_are_served_with_their_content_types() {
    let app = spawn_app().await;
    for module in ["main", "dom", "api", "router", "search", "reading", "charts", "contribute"] {
        let (status, content_type, _) = get(&app, &format!("/assets/{module}.js")).await;
        assert_eq!(status, 200, "{module}.js answers {status}");
        assert!(content_type.starts_with("text/javascript"), "{module}.js is served as {content_type}");
    }
    let (_, _, body) = get(&app, "/assets/api.js").await;
    assert!(body.contains("/graphql"), "the page talks to the GraphQL API");
    let (status, content_type, body) = get(&app, "/assets/routes.json").await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("application/json"), "routes.json is served as {content_type}");
    assert!(body.contains("/fiches/{slug}"), "the routes the server answers are the page's: {body}");
    let (status, content_type, _) = get(&app, "/assets/style.css").await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/css"), "style.css is served as {content_type}");
    for missing in ["/assets/nothing.js", "/assets/..%2Fsrc%2Fmain.rs", "/assets/index.html"] {
        let (status, _, _) = get(&app, missing).await;
        assert_eq!(status, 404, "{missing} answers {status}");
    }
}

#[tokio::test]
async fn the_page_loads_nothing_from_elsewhere() {
    let app = spawn_app().await;
    let assets = ["main", "dom", "api", "router", "search", "reading", "charts", "contribute"]
        .map(|module| format!("/assets/{module}.js"));
    for path in ["/", "/assets/style.css", "/assets/routes.json"].into_iter().map(str::to_owned).chain(assets) {
        let path = path.as_str();
        let (_, _, body) = get(&app, path).await;
        if let Some(pattern) = loaded_from_elsewhere(&body) {
            panic!("{path} loads something from elsewhere ({pattern})");
        }
    }
}

/// The first sign that a page, script or style sheet loads something from another server.
fn loaded_from_elsewhere(body: &str) -> Option<&'static str> {
    let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
    [
        "src=\"http",
        "href=\"http",
        "src='http",
        "href='http",
        "url(http",
        "url(\"http",
        "url('http",
        "@import",
        "from\"http",
        "from'http",
        "import(\"http",
        "import('http",
        "//cdn",
        "unpkg.com",
        "cdn.jsdelivr",
    ]
    .into_iter()
    .find(|pattern| compact.contains(pattern))
}

#[tokio::test]
async fn graphiql_is_served_from_the_binary_and_loads_nothing_from_elsewhere() {
    let app = spawn_app().await;
    let response =
        app.client.get(app.graphql_url()).header("accept", "text/html").send().await.expect("send the request");
    assert_eq!(response.status(), 200);
    let content_type =
        response.headers().get("content-type").and_then(|value| value.to_str().ok()).unwrap_or_default().to_owned();
    assert!(content_type.starts_with("text/html"), "GraphiQL is served as {content_type}");
    let page = response.text().await.expect("a body");
    assert!(page.contains(r#"<html lang="fr">"#) && page.contains("<title>retex — GraphiQL</title>"), "{page}");
    assert!(
        page.contains("'retex_csrf'") && page.contains("X-CSRF-Token") && !page.contains("localStorage"),
        "GraphiQL sends the session's CSRF token, and keeps no token of its own"
    );
    assert_eq!(loaded_from_elsewhere(&page), None, "GraphiQL's page loads something from elsewhere");
    for (file, kind) in [
        ("react.production.min.js", "text/javascript"),
        ("react-dom.production.min.js", "text/javascript"),
        ("graphiql.min.js", "text/javascript"),
        ("graphiql.min.css", "text/css"),
    ] {
        let path = format!("/assets/{file}");
        assert!(page.contains(&format!("\"{path}\"")), "GraphiQL does not load {path}");
        let (status, content_type, body) = get(&app, &path).await;
        assert_eq!(status, 200, "{path} answers {status}");
        assert!(content_type.starts_with(kind), "{path} is served as {content_type}");
        assert_eq!(loaded_from_elsewhere(&body), None, "{path} loads something from elsewhere");
    }
}
