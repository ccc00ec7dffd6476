//! The relevance suite holds its floors: French queries judged from the demo records
//! (`tests/relevance/demo.json`) and queries over a generated corpus judged by construction
//! (`retex::relevance::generated`), scored as `retex relevance` scores them, must not fall below the
//! committed floors (`tests/relevance/floors.json`) overall nor in any category. The floors sit 0.03
//! below the figures measured when they were committed: ties between equal scores may fall in another
//! order from one build of the index to the next (its segments), and a floor must not flicker.

use std::collections::BTreeMap;

use retex::relevance::{Scored, Suite, by_category, evaluate, generated, table};
use serde::Deserialize;

use crate::harness::{spawn_app, spawn_demo};

#[derive(Deserialize)]
struct Floor {
    recall: f64,
    mrr: f64,
    ndcg: f64,
}

/// The size of the generated corpus the floors were measured on (`retex relevance`'s default).
const GENERATED_SHEETS: usize = 300;

fn floors(corpus: &str) -> BTreeMap<String, Floor> {
    let mut all: BTreeMap<String, BTreeMap<String, Floor>> =
        serde_json::from_str(include_str!("../relevance/floors.json")).expect("the floors read");
    all.remove(corpus).unwrap_or_default()
}

fn hold(corpus: &str, scored: &[Scored]) {
    let floors = floors(corpus);
    assert!(!floors.is_empty(), "no floors for the {corpus} corpus");
    let metrics = by_category(scored);
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
                below.push(format!("{corpus} {category}: {name} {value:.3} < floor {least:.3}"));
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
    assert!(unguarded.is_empty(), "{corpus}: categories without a floor: {unguarded:?}");
}

#[tokio::test]
async fn the_judged_french_queries_stay_above_their_floors() {
    let suite = Suite::parse(include_str!("../relevance/demo.json")).expect("the demo suite reads");
    let app = spawn_demo().await;
    app.settle_index().await;
    let scored = evaluate(&app.app, &suite, false).await.expect("every query runs");
    hold("demo", &scored);
}

#[tokio::test]
async fn the_generated_corpus_queries_stay_above_their_floors() {
    let (dataset, suite) = generated::corpus(GENERATED_SHEETS);
    let app = spawn_app().await;
    app.load(dataset).await;
    app.settle_index().await;
    let scored = evaluate(&app.app, &suite, false).await.expect("every query runs");
    hold("generated", &scored);
}

#[test]
fn the_suites_together_hold_at_least_150_judged_queries() {
    let demo = Suite::parse(include_str!("../relevance/demo.json")).expect("the demo suite reads");
    let (_, generated) = generated::corpus(GENERATED_SHEETS);
    assert!(demo.queries.len() + generated.queries.len() >= 150);
}
