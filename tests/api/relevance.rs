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

/// The size of the generated base the leave-one-out floors of advice were measured on.
const ADVICE_SHEETS: usize = 150;

/// Leave-one-out floors of advice over every case (hit@5, recall@10, MRR), 0.03 below the figures
/// measured when they were committed (`retex relevance --advice-only --advice-generated 150`), and
/// above the context-blind baseline measured in the same run.
const ADVICE_FLOORS: [(&str, f64, f64, f64); 2] = [("demo", 0.84, 0.958, 0.478), ("generated", 0.805, 0.872, 0.535)];

fn hold_advice(corpus: &str, evaluation: &retex::relevance::advice::Evaluation) {
    let (_, hit5, recall10, mrr) = ADVICE_FLOORS.iter().copied().find(|floor| floor.0 == corpus).expect("a floor");
    let all = evaluation.advice.get(&None).copied().unwrap_or_default();
    let baseline = evaluation.baseline.get(&None).copied().unwrap_or_default();
    let table = retex::relevance::advice::table(evaluation);
    assert!(all.cases > 0, "{corpus}: no case\n{table}");
    assert!(all.hit5 + 1e-9 >= hit5, "{corpus}: hit@5 {:.3} < {hit5}\n{table}", all.hit5);
    assert!(all.recall10 + 1e-9 >= recall10, "{corpus}: recall@10 {:.3} < {recall10}\n{table}", all.recall10);
    assert!(all.mrr + 1e-9 >= mrr, "{corpus}: MRR {:.3} < {mrr}\n{table}", all.mrr);
    assert!(all.mrr > baseline.mrr && all.hit5 > baseline.hit5, "{corpus}: no better than recurrence alone\n{table}");
}

#[tokio::test]
async fn advice_finds_a_sheets_hidden_lessons_on_the_demo_above_its_floors() {
    let app = spawn_demo().await;
    app.settle_index().await;
    let evaluation = retex::relevance::advice::leave_one_out(&app.app).await.expect("every case runs");
    hold_advice("demo", &evaluation);
}

#[tokio::test]
async fn advice_finds_a_sheets_hidden_lessons_on_a_generated_base_above_its_floors() {
    let app = spawn_app().await;
    app.load(retex::relevance::advice::corpus(ADVICE_SHEETS)).await;
    app.settle_index().await;
    let evaluation = retex::relevance::advice::leave_one_out(&app.app).await.expect("every case runs");
    hold_advice("generated", &evaluation);
}
