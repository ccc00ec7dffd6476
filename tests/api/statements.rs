//! Nested relations are loaded in batches: the number of SQL statements grows with the depth of the
//! query, not with the number of rows.

use serde_json::{Value, json};

use crate::harness::*;

const PAGE: &str = "query($first: Int!) { sheets(first: $first) {
    nodes { title programmes { name funders { name } } territories { name types } lessons(first: 2) { role lesson { title programmes(first: 5) { name } } } } } }";

fn dataset(sheets: usize) -> Value {
    let sheet_records: Vec<Value> = (0..sheets)
        .map(|i| {
            json!({
                "slug": format!("fiche-{i}"), "title": format!("Fiche {i}"), "activityType": "SOLIDARITY_GARAGE", "status": "LAUNCHED",
                "programmes": [format!("programme-{}", i % 3), format!("programme-{}", (i + 1) % 3)],
                "territories": [format!("territoire-{}", i % 4), format!("territoire-{}", (i + 2) % 4)],
                "themes": ["MOBILITY"]
            })
        })
        .collect();
    let lessons: Vec<Value> = (0..10)
        .map(|l| {
            let links: Vec<Value> = (0..sheets).filter(|i| i % 10 == l).map(|i| json!({ "sheet": format!("fiche-{i}"), "role": "OBSERVED_IN" })).collect();
            json!({ "slug": format!("lecon-{l}"), "polarity": "SUCCESS_FACTOR", "title": format!("Leçon {l}"), "evidenceLevel": "SEVERAL_PROGRAMMES",
                    "evidenceLinks": links })
        })
        .collect();
    json!({
        "format": "retex-dataset/1",
        "organisations": [{ "slug": "avise", "name": "Avise", "kind": "NETWORK" }],
        "territories": (0..4).map(|t| json!({ "slug": format!("territoire-{t}"), "name": format!("Territoire {t}"), "level": "BASIN", "types": ["RURAL"] })).collect::<Vec<_>>(),
        "programmes": (0..3).map(|p| json!({ "slug": format!("programme-{p}"), "name": format!("Programme {p}"), "funders": ["avise"] })).collect::<Vec<_>>(),
        "sheets": sheet_records,
        "lessons": lessons
    })
}

/// Returns the statements the page cost on each of three runs, and the page itself.
async fn statements_for(sheets: usize) -> (Vec<u64>, Value) {
    let app = spawn_app_without_search().await;
    app.load(dataset(sheets)).await;
    let mut counts = Vec::new();
    let mut data = Value::Null;
    for _ in 0..3 {
        let before = app.statements();
        data = app.ok(PAGE, json!({ "first": sheets })).await;
        counts.push(app.statements() - before);
    }
    (counts, data)
}

#[tokio::test]
async fn a_page_of_100_sheets_with_their_relations_costs_a_bounded_number_of_statements() {
    let (small, small_data) = statements_for(10).await;
    let (large, large_data) = statements_for(100).await;

    let nodes = large_data["sheets"]["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 100);
    assert!(nodes.iter().all(|node| node["programmes"].as_array().map(Vec::len) == Some(2)));
    assert!(nodes.iter().all(|node| node["lessons"].as_array().map(Vec::len) == Some(1)));
    assert_eq!(small_data["sheets"]["nodes"].as_array().map(Vec::len), Some(10));

    println!("statements for a page of 10 sheets: {small:?}; for 100 sheets: {large:?}");
    // One statement per table and level, 24 in all (a sheet owns five lists: phases, indicators,
    // testimonies, documents and its funding plan), plus one to authenticate the request's token,
    // whatever the number of rows, on every run, under the whole parallel suite too: a batch closes
    // when the request has polled every resolver of its level (a list of 100 rows yields half-way
    // through; that must not split it), and hands its rows to all of them before the request runs
    // again. One query per row would cost hundreds.
    let first = small[0];
    assert!(
        small.iter().chain(&large).all(|count| *count == first),
        "the statements varied between runs or grew with the rows: {small:?} for 10 sheets, {large:?} for 100"
    );
    assert!(first <= 25, "a page of 100 sheets with programmes, territories and lessons cost {first} statements");
}
