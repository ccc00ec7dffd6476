//! The demo dataset loads once, and the documented example queries answer on it (those of the README
//! and every `docs/queries/*.graphql`, which `docs/API.md` shows).

use serde_json::json;

use crate::harness::*;

/// Returns the GraphQL blocks of the README (```graphql … ```).
fn readme_queries() -> Vec<String> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("read README.md");
    let mut queries = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match (&mut current, line.trim_start()) {
            (None, "```graphql") => current = Some(String::new()),
            (Some(query), "```") => {
                queries.push(std::mem::take(query));
                current = None;
            }
            (Some(query), _) => {
                query.push_str(line);
                query.push('\n');
            }
            (None, _) => {}
        }
    }
    queries
}

/// Returns the example queries of `docs/queries/`, with their file names.
fn documented_queries() -> Vec<(String, String)> {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/queries");
    let mut queries: Vec<(String, String)> = std::fs::read_dir(folder)
        .expect("read docs/queries")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "graphql"))
        .map(|path| (path.display().to_string(), std::fs::read_to_string(&path).expect("read a query")))
        .collect();
    queries.sort();
    queries
}

#[tokio::test]
async fn the_documented_examples_answer_on_the_demo_data() {
    let app = spawn_demo().await;
    let readme = readme_queries();
    assert!(!readme.is_empty(), "the README shows an example query");
    let documented = documented_queries();
    assert!(documented.len() >= 7, "docs/queries holds the API's examples");
    let api = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/API.md")).expect("read docs/API.md");
    for (path, _) in &documented {
        let name = path.rsplit('/').next().unwrap_or_default();
        assert!(api.contains(&format!("queries/{name}")), "docs/API.md shows {name}");
    }
    let named = documented.into_iter().chain(readme.into_iter().map(|query| ("README.md".to_owned(), query)));
    for (source, query) in named {
        let data = app.ok(&query, json!({})).await;
        let text = data.to_string();
        assert!(text.len() > 200, "the example of {source} returned too little: {query}\n{text}");
    }
}

#[tokio::test]
async fn the_demo_holds_the_programmes_of_the_source_page_and_cross_programme_lessons() {
    let app = spawn_demo().await;
    let data = app.ok("{ programmes(first: 20) { nodes { slug sheets { slug } } } }", json!({})).await;
    let slugs: Vec<&str> =
        data["programmes"]["nodes"].as_array().into_iter().flatten().filter_map(|p| p["slug"].as_str()).collect();
    for expected in ["territoires-fragiles", "garages-solidaires", "catalyseur", "silver-solidarites"] {
        assert!(slugs.contains(&expected), "{expected} is missing from {slugs:?}");
    }
    let lessons = app.ok("{ lessons(first: 100) { nodes { title programmeCount } } }", json!({})).await;
    let cross = lessons["lessons"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|l| l["programmeCount"].as_i64() >= Some(2))
        .count();
    assert!(cross >= 5, "only {cross} lessons recur across programmes");
}

#[tokio::test]
async fn the_demo_loads_only_into_an_empty_database() {
    let app = spawn_demo().await;
    let again = retex::demo::load_if_empty(&app.app).await.expect("check the database");
    assert!(again.is_none(), "a second start must not load the demo twice");
}

/// Words that name a vocabulary value or a place find what the filter they name finds, on the demo:
/// every Mobilité sheet for « mobilité », every sheet in a QPV for « QPV », the Breton sheets for
/// « Bretagne », the success-factor lessons for « facteurs de succès »; and the answer says what it
/// understood.
#[tokio::test]
async fn words_naming_a_filter_find_what_the_filter_finds_on_the_demo() {
    let app = spawn_demo().await;
    app.settle_index().await;
    let slugs = |answer: &serde_json::Value| -> std::collections::BTreeSet<String> {
        answer["search"]["hits"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|hit| hit["node"]["slug"].as_str().map(str::to_owned))
            .collect()
    };
    let query = "query($q: String, $filter: SearchFilter) { search(query: $q, filter: $filter, first: 100) {
        hits { node { ... on ProjectSheet { slug } ... on Lesson { slug } } }
        interpretation { dimension value label words } } }";
    for (words, kind, filter, dimension, value) in [
        ("mobilité", "SHEET", json!({ "themes": ["MOBILITY"] }), "THEME", "MOBILITY"),
        ("QPV", "SHEET", json!({ "territoryTypes": ["QPV"] }), "TERRITORY_TYPE", "QPV"),
        ("Bretagne", "SHEET", json!({ "regions": ["BRETAGNE"] }), "REGION", "BRETAGNE"),
        ("facteurs de succès", "LESSON", json!({ "polarities": ["SUCCESS_FACTOR"] }), "POLARITY", "SUCCESS_FACTOR"),
        ("écueils", "LESSON", json!({ "polarities": ["PITFALL"] }), "POLARITY", "PITFALL"),
        ("rural", "SHEET", json!({ "territoryTypes": ["RURAL"] }), "TERRITORY_TYPE", "RURAL"),
    ] {
        let mut strict = filter.clone();
        strict["kinds"] = json!([kind]);
        let expected = slugs(&app.ok(query, json!({ "filter": strict })).await);
        assert!(!expected.is_empty(), "the demo has records for {words}");
        let answer = app.ok(query, json!({ "q": words, "filter": { "kinds": [kind] } })).await;
        let found = slugs(&answer);
        let missing: Vec<&String> = expected.difference(&found).collect();
        assert!(missing.is_empty(), "« {words} » misses {missing:?}");
        let understood = answer["search"]["interpretation"].as_array().cloned().unwrap_or_default();
        assert!(
            understood.iter().any(|item| item["dimension"] == dimension && item["value"] == value),
            "« {words} » is understood as {dimension} {value}: {understood:?}"
        );
    }
    // With `literal: true`, nothing is understood.
    let literal =
        app.ok("{ search(query: \"mobilité rurale\", literal: true) { interpretation { value } } }", json!({})).await;
    assert_eq!(literal["search"]["interpretation"], json!([]));
}
