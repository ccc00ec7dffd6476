//! One visibility rule on every read path: a caller who may see published records only never meets a
//! draft, whether by id, in a list, in a count or through a relation.

use serde_json::{Value, json};

use crate::harness::*;
use retex::domain::Viewer;
use retex::graphql::transport;

/// Runs a query as the public (published records only), through the same transport as HTTP.
async fn as_public(app: &TestApp, query: &str, variables: Value) -> Value {
    let schema = retex::graphql::schema(app.app.clone());
    let body = json!({ "query": query, "variables": variables }).to_string();
    let request = transport::from_json_body(body.as_bytes()).expect("a valid request");
    let response = transport::run(&schema, &app.app, Viewer::Public, request).await;
    serde_json::from_slice(&response.body).expect("a JSON response")
}

#[tokio::test]
async fn the_public_never_meets_a_draft() {
    let app = spawn_demo().await;
    let draft_id =
        app.ok("{ sheet(slug: \"atelier-velo-solidaire-brest-metropole\") { id } }", json!({})).await["sheet"]["id"]
            .clone();

    let by_id = as_public(&app, "query($id: ID!) { node(id: $id) { id } }", json!({ "id": draft_id })).await;
    assert_eq!(by_id["errors"][0]["extensions"]["code"], "NOT_FOUND", "a draft by id is NOT_FOUND, not FORBIDDEN");
    let by_slug =
        as_public(&app, "{ sheet(slug: \"atelier-velo-solidaire-brest-metropole\") { id } }", json!({})).await;
    assert_eq!(by_slug["errors"][0]["extensions"]["code"], "NOT_FOUND");
    let nodes = as_public(&app, "query($id: ID!) { nodes(ids: [$id]) { id } }", json!({ "id": draft_id })).await;
    assert_eq!(nodes["data"]["nodes"], json!([null]));

    let editor_counts = app.ok("{ sheets { totalCount } lessons { totalCount } }", json!({})).await;
    let public_counts = as_public(&app, "{ sheets { totalCount } lessons { totalCount } }", json!({})).await;
    assert_eq!(editor_counts["sheets"]["totalCount"], 22);
    assert_eq!(public_counts["data"]["sheets"]["totalCount"], 21);
    assert_eq!(editor_counts["lessons"]["totalCount"], 30);
    assert_eq!(public_counts["data"]["lessons"]["totalCount"], 28);
    let asked_for_drafts = as_public(
        &app,
        "{ sheets(filter: { publicationStatuses: [DRAFT, SUBMITTED] }) { totalCount nodes { id } } }",
        json!({}),
    )
    .await;
    assert_eq!(asked_for_drafts["data"]["sheets"], json!({ "totalCount": 0, "nodes": [] }));

    let programme = "{ programme(slug: \"territoires-fragiles\") { sheets { slug } } }";
    let editor_sheets = app.ok(programme, json!({})).await["programme"]["sheets"].clone();
    let public_sheets = as_public(&app, programme, json!({})).await["data"]["programme"]["sheets"].clone();
    assert!(editor_sheets.to_string().contains("atelier-velo-solidaire-brest-metropole"));
    assert!(
        !public_sheets.to_string().contains("atelier-velo-solidaire-brest-metropole"),
        "nested relations hide drafts"
    );

    let friche = "{ sheet(slug: \"tiers-lieu-26fk\") { lessons { lesson { slug } } } }";
    let public_lessons = as_public(&app, friche, json!({})).await["data"]["sheet"]["lessons"].clone();
    assert!(
        !public_lessons.to_string().contains("utiliser-un-atelier-court"),
        "a submitted lesson stays hidden from the public"
    );

    let history = as_public(&app, "{ sheet(slug: \"tiers-lieu-26fk\") { revisions { version } } }", json!({})).await;
    assert_eq!(history["data"]["sheet"]["revisions"], json!([]), "past states are for editors");
}
