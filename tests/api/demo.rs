//! The demo dataset loads once, and the README's example queries answer on it.

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

#[tokio::test]
async fn the_readme_examples_answer_on_the_demo_data() {
    let app = spawn_demo().await;
    let queries = readme_queries();
    assert!(queries.len() >= 3, "the README shows at least three example queries");
    for query in queries {
        let data = app.ok(&query, json!({})).await;
        let text = data.to_string();
        assert!(text.len() > 200, "the example returned too little: {query}\n{text}");
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
