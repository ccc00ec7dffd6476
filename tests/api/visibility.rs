//! One visibility rule on every read path: a caller who may see published records only (anonymous,
//! or a READER token) never meets a draft, whether by id, in a list, in a count, through a relation,
//! in search hits, facets, suggestions or similar records; a contributor sees its organisation's
//! drafts besides; an administrator sees everything.

use serde_json::{Value, json};

use crate::harness::*;

#[tokio::test]
async fn anonymous_callers_and_readers_never_meet_a_draft() {
    let app = spawn_demo().await;
    let reader = app.token("READER", None, None).await;
    for token in [None, Some(reader.as_str())] {
        never_meets_a_draft(&app, token).await;
    }
}

async fn never_meets_a_draft(app: &TestApp, token: Option<&str>) {
    let as_public = |_: &TestApp, query: &'static str, variables: Value| app.post_as(token, query, variables);
    let draft_id =
        app.ok("{ sheet(slug: \"atelier-velo-solidaire-brest-metropole\") { id } }", json!({})).await["sheet"]["id"]
            .clone();

    let by_id = as_public(app, "query($id: ID!) { node(id: $id) { id } }", json!({ "id": draft_id })).await;
    assert_eq!(by_id["errors"][0]["extensions"]["code"], "NOT_FOUND", "a draft by id is NOT_FOUND, not FORBIDDEN");
    let by_slug = as_public(app, "{ sheet(slug: \"atelier-velo-solidaire-brest-metropole\") { id } }", json!({})).await;
    assert_eq!(by_slug["errors"][0]["extensions"]["code"], "NOT_FOUND");
    let nodes = as_public(app, "query($id: ID!) { nodes(ids: [$id]) { id } }", json!({ "id": draft_id })).await;
    assert_eq!(nodes["data"]["nodes"], json!([null]));

    let editor_counts = app.ok("{ sheets { totalCount } lessons { totalCount } }", json!({})).await;
    let public_counts = as_public(app, "{ sheets { totalCount } lessons { totalCount } }", json!({})).await;
    assert_eq!(editor_counts["sheets"]["totalCount"], 22);
    assert_eq!(public_counts["data"]["sheets"]["totalCount"], 21);
    assert_eq!(editor_counts["lessons"]["totalCount"], 30);
    assert_eq!(public_counts["data"]["lessons"]["totalCount"], 28);
    let asked_for_drafts = as_public(
        app,
        "{ sheets(filter: { publicationStatuses: [DRAFT, SUBMITTED] }) { totalCount nodes { id } } }",
        json!({}),
    )
    .await;
    assert_eq!(asked_for_drafts["data"]["sheets"], json!({ "totalCount": 0, "nodes": [] }));

    let programme = "{ programme(slug: \"territoires-fragiles\") { sheets { slug } } }";
    let editor_sheets = app.ok(programme, json!({})).await["programme"]["sheets"].clone();
    let public_sheets = as_public(app, programme, json!({})).await["data"]["programme"]["sheets"].clone();
    assert!(editor_sheets.to_string().contains("atelier-velo-solidaire-brest-metropole"));
    assert!(
        !public_sheets.to_string().contains("atelier-velo-solidaire-brest-metropole"),
        "nested relations hide drafts"
    );

    let friche = "{ sheet(slug: \"tiers-lieu-26fk\") { lessons { lesson { slug } } } }";
    let public_lessons = as_public(app, friche, json!({})).await["data"]["sheet"]["lessons"].clone();
    assert!(
        !public_lessons.to_string().contains("utiliser-un-atelier-court"),
        "a submitted lesson stays hidden from the public"
    );

    let history = as_public(app, "{ sheet(slug: \"tiers-lieu-26fk\") { revisions { version } } }", json!({})).await;
    assert_eq!(history["data"]["sheet"]["revisions"], json!([]), "past states are for editors");

    // Search: hits, counts, facets, suggestions and similar records hold published records only.
    let search = as_public(
        app,
        "{ search(query: \"atelier vélo solidaire Brest\", facets: [PROGRAMME]) { totalCount hits { node { ... on ProjectSheet { slug } } } facets { values { count } } } }",
        json!({}),
    )
    .await;
    assert!(search["errors"].is_null(), "{search:#}");
    assert!(!search.to_string().contains("atelier-velo-solidaire-brest-metropole"), "no draft among the hits");
    let suggest = as_public(app, "{ suggest(prefix: \"Atelier vélo solidaire dans\") { text } }", json!({})).await;
    assert!(
        !suggest.to_string().contains("quartiers prioritaires de Brest"),
        "no draft's title suggested: {suggest:#}"
    );
    let similar = as_public(
        app,
        "{ similar(id: \"UHJvamVjdFNoZWV0OjE\", first: 20) { node { ... on ProjectSheet { slug } ... on Lesson { slug } } } }",
        json!({}),
    )
    .await;
    assert!(!similar.to_string().contains("atelier-velo-solidaire-brest-metropole"), "{similar:#}");
    assert!(!similar.to_string().contains("recruter-l-encadrant-technique-avant-l-ouverture"), "{similar:#}");
    let similar_to_draft =
        as_public(app, "query($id: ID!) { similar(id: $id) { score } }", json!({ "id": draft_id })).await;
    assert_eq!(similar_to_draft["errors"][0]["extensions"]["code"], "NOT_FOUND", "{similar_to_draft:#}");
}

#[tokio::test]
async fn a_contributor_sees_its_organisations_drafts_besides_what_is_published() {
    let app = spawn_demo().await;
    let owner = organisation(&app, "Fabrique de Brest").await;
    let contributor = app.token("CONTRIBUTOR", Some(&owner), None).await;
    let before = app.ok_as(Some(&contributor), "{ sheets { totalCount } }", json!({})).await;
    assert_eq!(before["sheets"]["totalCount"], 21, "the demo's draft belongs to no organisation");
    let created = app
        .ok_as(
            Some(&contributor),
            "mutation { createSheet(input: { title: \"Vélo-école de Brest\", activityType: MOBILITY_SERVICE, summary: \"Apprendre le vélo.\" }) { id } }",
            json!({}),
        )
        .await;
    let id = created["createSheet"]["id"].clone();
    let after = app.ok_as(Some(&contributor), "{ sheets { totalCount } }", json!({})).await;
    assert_eq!(after["sheets"]["totalCount"], 22);
    let seen = app.ok_as(Some(&contributor), "query($id: ID!) { node(id: $id) { id } }", json!({ "id": id })).await;
    assert_eq!(seen["node"]["id"], id);
    let public = app.post_as(None, "query($id: ID!) { node(id: $id) { id } }", json!({ "id": id })).await;
    assert_eq!(public["errors"][0]["extensions"]["code"], "NOT_FOUND");
}
