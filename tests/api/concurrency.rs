//! Two editors, one record: no lost update.

use serde_json::json;

use crate::harness::*;

#[tokio::test]
async fn two_concurrent_updates_of_the_same_version_one_wins_one_conflicts() {
    let app = spawn_app().await;
    let created = sheet(&app, "Garage solidaire", json!({})).await;
    let update = "mutation($id: ID!, $title: String!) { updateSheet(id: $id, version: 1, patch: { title: $title }) { version title } }";

    let (first, second) = tokio::join!(
        app.post(update, json!({ "id": created["id"], "title": "Version d’Alice" })),
        app.post(update, json!({ "id": created["id"], "title": "Version de Bruno" })),
    );
    let outcomes = [&first, &second];
    let winners: Vec<_> = outcomes.iter().filter(|response| response.get("errors").is_none()).collect();
    let losers: Vec<_> = outcomes.iter().filter(|response| response.get("errors").is_some()).collect();
    assert_eq!(winners.len(), 1, "exactly one update wins: {first:#} {second:#}");
    assert_eq!(losers.len(), 1);
    assert_eq!(code(&losers[0]["errors"][0]), "CONFLICT");
    let winning_title = winners[0]["data"]["updateSheet"]["title"].clone();

    let history = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on ProjectSheet { title version revisions { version snapshot } } } }",
            json!({ "id": created["id"] }),
        )
        .await;
    let node = &history["node"];
    assert_eq!(node["version"], 2);
    assert_eq!(node["title"], winning_title);
    let revisions = node["revisions"].as_array().expect("revisions");
    assert_eq!(revisions.len(), 2, "the history holds both states");
    assert_eq!(revisions[0]["snapshot"]["title"], "Garage solidaire");
    assert_eq!(revisions[1]["snapshot"]["title"], winning_title);
}
