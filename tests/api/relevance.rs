//! The relevance suite holds its floors: French queries judged from the demo records
//! (`tests/relevance/demo.json`), scored as `retex relevance` scores them, must not fall below the
//! committed floors (`tests/relevance/floors.json`) overall nor in any category. The floors sit 0.03
//! below the figures measured when they were committed: ties between equal scores may fall in another
//! order from one build of the index to the next (its segments), and a floor must not flicker.

use std::collections::BTreeMap;

use retex::relevance::{Suite, by_category, evaluate, table};
use serde::Deserialize;

use crate::harness::spawn_demo;

#[derive(Deserialize)]
struct Floor {
    recall: f64,
    mrr: f64,
    ndcg: f64,
}

#[tokio::test]
async fn the_judged_french_queries_stay_above_their_floors() {
    let suite = Suite::parse(include_str!("../relevance/demo.json")).expect("the demo suite reads");
    let floors: BTreeMap<String, Floor> =
        serde_json::from_str(include_str!("../relevance/floors.json")).expect("the floors read");
    let app = spawn_demo().await;
    app.settle_index().await;
    let scored = evaluate(&app.app, &suite, false).await.expect("every query runs");
    let metrics = by_category(&scored);
    let mut below = Vec::new();
    for (category, floor) in &floors {
        let Some(measured) = metrics.get(category) else {
            below.push(format!("{category}: no query in the suite"));
            continue;
        };
        for (name, value, least) in [
            ("recall@10", measured.recall, floor.recall),
            ("MRR", measured.mrr, floor.mrr),
            ("nDCG@10", measured.ndcg, floor.ndcg),
        ] {
            if value + 1e-9 < least {
                below.push(format!("{category}: {name} {value:.3} < floor {least:.3}"));
            }
        }
    }
    let misses: Vec<String> = scored
        .iter()
        .filter(|query| !query.missed.is_empty())
        .map(|query| format!("{} « {} » misses {}", query.id, query.query, query.missed.join(", ")))
        .collect();
    assert!(below.is_empty(), "{}\n{}\n{}", below.join("\n"), table(&metrics), misses.join("\n"));
    // Every category of the suite has a floor, so a new category cannot go unguarded.
    let unguarded: Vec<&String> = metrics.keys().filter(|category| !floors.contains_key(*category)).collect();
    assert!(unguarded.is_empty(), "categories without a floor: {unguarded:?}");
}
