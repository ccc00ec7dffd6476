//! Lists: filters, sort orders, and cursors that walk a list without gaps or repeats in both directions.

use serde_json::{Value, json};

use crate::harness::*;

fn dataset(sheets: usize) -> Value {
    let sheets: Vec<Value> = (0..sheets)
        .map(|i| {
            json!({
                "slug": format!("fiche-{i:03}"), "title": format!("Fiche {i:03}"),
                "activityType": if i % 2 == 0 { "SOLIDARITY_GARAGE" } else { "THIRD_PLACE" },
                "status": if i % 3 == 0 { "LAUNCHED" } else { "IDEA" },
                "programmes": [if i % 2 == 0 { "garages" } else { "fragiles" }],
                "territories": [if i % 4 == 0 { "brest" } else { "marseille" }],
                "themes": if i % 5 == 0 { json!(["MOBILITY"]) } else { json!(["CULTURE"]) }
            })
        })
        .collect();
    json!({
        "format": "retex-dataset/1",
        "territories": [
            { "slug": "brest", "name": "Pays de Brest", "level": "BASIN", "region": "BRETAGNE", "types": ["RURAL", "URBAN"] },
            { "slug": "marseille", "name": "Belle de Mai", "level": "QPV", "region": "PROVENCE_ALPES_COTE_D_AZUR", "types": ["QPV"] }
        ],
        "programmes": [
            { "slug": "garages", "name": "Garages solidaires" },
            { "slug": "fragiles", "name": "Territoires fragiles" }
        ],
        "sheets": sheets
    })
}

fn titles(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|edge| edge["node"]["title"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn cursors_walk_a_list_forward_and_backward_without_gaps_or_repeats() {
    let app = spawn_app().await;
    app.load(dataset(25)).await;
    let query = "query($after: String, $before: String, $first: Int, $last: Int) {
        sheets(sort: { field: TITLE, direction: ASC }, first: $first, after: $after, last: $last, before: $before) {
            totalCount edges { cursor node { title } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";

    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app.ok(query, json!({ "first": 10, "after": after })).await;
        let connection = &data["sheets"];
        assert_eq!(connection["totalCount"], 25);
        seen.extend(titles(connection));
        if connection["pageInfo"]["hasNextPage"] == json!(false) {
            break;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
    let expected: Vec<String> = (0..25).map(|i| format!("Fiche {i:03}")).collect();
    assert_eq!(seen, expected);

    let last = app.ok(query, json!({ "last": 5 })).await;
    assert_eq!(titles(&last["sheets"]), (20..25).map(|i| format!("Fiche {i:03}")).collect::<Vec<_>>());
    assert_eq!(last["sheets"]["pageInfo"]["hasPreviousPage"], true);
    let before = last["sheets"]["pageInfo"]["startCursor"].clone();
    let previous = app.ok(query, json!({ "last": 5, "before": before })).await;
    assert_eq!(titles(&previous["sheets"]), (15..20).map(|i| format!("Fiche {i:03}")).collect::<Vec<_>>());
    assert_eq!(previous["sheets"]["pageInfo"]["hasNextPage"], true);
}

#[tokio::test]
async fn filters_combine_vocabularies_and_relations() {
    let app = spawn_app().await;
    app.load(dataset(20)).await;
    let garages = app.ok("{ programme(slug: \"garages\") { id } }", json!({})).await["programme"]["id"].clone();

    let count = |filter: Value| {
        let app = &app;
        async move {
            let data = app
                .ok(
                    "query($filter: SheetFilterInput) { sheets(filter: $filter) { totalCount } }",
                    json!({ "filter": filter }),
                )
                .await;
            data["sheets"]["totalCount"].as_i64().unwrap_or(-1)
        }
    };
    assert_eq!(count(json!({})).await, 20);
    assert_eq!(count(json!({ "programmes": [garages] })).await, 10);
    assert_eq!(count(json!({ "activityTypes": ["THIRD_PLACE"] })).await, 10);
    assert_eq!(count(json!({ "statuses": ["LAUNCHED"] })).await, 7);
    assert_eq!(count(json!({ "themes": ["MOBILITY"] })).await, 4);
    assert_eq!(count(json!({ "territoryTypes": ["RURAL"] })).await, 5);
    assert_eq!(count(json!({ "regions": ["PROVENCE_ALPES_COTE_D_AZUR"] })).await, 15);
    assert_eq!(count(json!({ "programmes": [garages], "statuses": ["LAUNCHED"] })).await, 4, "fields combine with AND");
    assert_eq!(count(json!({ "statuses": ["LAUNCHED", "IDEA"] })).await, 20, "values combine with OR");
    assert_eq!(count(json!({ "publicationStatuses": ["DRAFT"] })).await, 0);
}

#[tokio::test]
async fn lists_sort_by_title_or_recency() {
    let app = spawn_app().await;
    for title in ["Bravo", "Alpha", "Charlie"] {
        sheet(&app, title, json!({})).await;
    }
    let by_title = app.ok("{ sheets(sort: { field: TITLE, direction: DESC }) { nodes { title } } }", json!({})).await;
    assert_eq!(
        by_title["sheets"]["nodes"],
        json!([{ "title": "Charlie" }, { "title": "Bravo" }, { "title": "Alpha" }])
    );
    let recent = app.ok("{ sheets { nodes { title } } }", json!({})).await;
    assert_eq!(
        recent["sheets"]["nodes"],
        json!([{ "title": "Charlie" }, { "title": "Alpha" }, { "title": "Bravo" }]),
        "most recent first by default"
    );
}
