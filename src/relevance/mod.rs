//! The relevance suite: judged French queries, run through the same use case as the search box,
//! scored by recall@10, MRR and nDCG@10 per category. Two corpora: the demo, with queries judged
//! from its records before looking at what search returns (`tests/relevance/demo.json`), and a
//! generated corpus whose judgements follow from how each record was generated (`generated`).
//! `retex relevance` prints the tables; a test holds the committed floors
//! (`tests/relevance/floors.json`).

pub mod advice;
pub mod generated;

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::app::{App, SearchRequest};
use crate::domain::Viewer;
use crate::error::{Error, Result};

/// How deep the metrics look: the first page a member reads.
pub const DEPTH: usize = 10;

/// A file of judged queries.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suite {
    pub format: String,
    /// What the queries were judged on: `demo` (the shipped demo data).
    pub corpus: String,
    pub queries: Vec<Judged>,
}

/// One judged query: the records a member expects, by `kind/slug`, graded 2 (what they want) or 1
/// (relevant but secondary).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Judged {
    pub id: String,
    pub category: String,
    pub query: String,
    pub relevant: BTreeMap<String, u8>,
    #[serde(default)]
    pub why: String,
}

/// The expected format of a suite file.
pub const FORMAT: &str = "retex-relevance/1";

impl Suite {
    /// Reads a suite, refusing one in another format or with a query that judges nothing.
    pub fn parse(json: &str) -> Result<Self> {
        let suite: Suite = serde_json::from_str(json)
            .map_err(|err| Error::invalid("suite", format!("not a relevance suite: {err}")))?;
        if suite.format != FORMAT {
            return Err(Error::invalid("format", format!("`{}` is not `{FORMAT}`", suite.format)));
        }
        if let Some(empty) = suite.queries.iter().find(|query| query.relevant.is_empty()) {
            return Err(Error::invalid("relevant", format!("query `{}` judges no record relevant", empty.id)));
        }
        Ok(suite)
    }
}

/// The metrics of a set of queries (means over them).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Metrics {
    pub queries: usize,
    /// The share of the relevant records found in the first `DEPTH` hits.
    pub recall: f64,
    /// The mean reciprocal rank of the first relevant hit (0 when none is in the first `DEPTH`).
    pub mrr: f64,
    /// Normalised discounted cumulative gain over the first `DEPTH` hits, with the graded judgements.
    pub ndcg: f64,
}

/// The scores of one query.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub id: String,
    pub category: String,
    pub query: String,
    pub recall: f64,
    pub reciprocal_rank: f64,
    pub ndcg: f64,
    /// The relevant records not in the first `DEPTH` hits.
    pub missed: Vec<String>,
}

/// Scores one ranking (record keys, best first) against a query's judgements.
pub fn score(ranked: &[String], relevant: &BTreeMap<String, u8>) -> (f64, f64, f64) {
    let top = &ranked[..ranked.len().min(DEPTH)];
    let found = top.iter().filter(|key| relevant.contains_key(*key)).count();
    let recall = found as f64 / relevant.len().clamp(1, DEPTH) as f64;
    let reciprocal_rank =
        top.iter().position(|key| relevant.contains_key(key)).map_or(0.0, |rank| 1.0 / (rank + 1) as f64);
    let gain = |grade: u8| f64::from((1u32 << grade) - 1);
    let discount = |rank: usize| 1.0 / ((rank + 2) as f64).log2();
    let dcg: f64 = top
        .iter()
        .enumerate()
        .map(|(rank, key)| relevant.get(key).map_or(0.0, |grade| gain(*grade) * discount(rank)))
        .sum();
    let mut ideal: Vec<u8> = relevant.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal.iter().take(DEPTH).enumerate().map(|(rank, grade)| gain(*grade) * discount(rank)).sum();
    let ndcg = if idcg > 0.0 { dcg / idcg } else { 0.0 };
    (recall.min(1.0), reciprocal_rank, ndcg)
}

/// Runs every query of the suite as an anonymous member would (published records, first page) and
/// scores it.
pub async fn evaluate(app: &App, suite: &Suite, literal: bool) -> Result<Vec<Scored>> {
    let viewer = Viewer::Anonymous;
    let mut scored = Vec::with_capacity(suite.queries.len());
    for judged in &suite.queries {
        let request = SearchRequest { text: judged.query.clone(), limit: DEPTH, literal, ..SearchRequest::default() };
        let page = app.search(&viewer, request, None).await?;
        let ranked: Vec<String> = page.hits.iter().map(|hit| hit.key()).collect();
        let (recall, reciprocal_rank, ndcg) = score(&ranked, &judged.relevant);
        let missed = judged.relevant.keys().filter(|key| !ranked.contains(key)).cloned().collect();
        scored.push(Scored {
            id: judged.id.clone(),
            category: judged.category.clone(),
            query: judged.query.clone(),
            recall,
            reciprocal_rank,
            ndcg,
            missed,
        });
    }
    Ok(scored)
}

/// Means per category, and over all queries under `all`.
pub fn by_category(scored: &[Scored]) -> BTreeMap<String, Metrics> {
    let mut sums: BTreeMap<String, Metrics> = BTreeMap::new();
    for query in scored {
        for category in [query.category.as_str(), "all"] {
            let sum = sums.entry(category.to_owned()).or_default();
            sum.queries += 1;
            sum.recall += query.recall;
            sum.mrr += query.reciprocal_rank;
            sum.ndcg += query.ndcg;
        }
    }
    for metrics in sums.values_mut() {
        let n = metrics.queries.max(1) as f64;
        metrics.recall /= n;
        metrics.mrr /= n;
        metrics.ndcg /= n;
    }
    sums
}

/// The table `retex relevance` prints: one line per category, then all queries.
pub fn table(metrics: &BTreeMap<String, Metrics>) -> String {
    let mut out = format!("{:<14} {:>7} {:>10} {:>7} {:>8}\n", "catégorie", "requêtes", "rappel@10", "MRR", "nDCG@10");
    let line = |name: &str, m: &Metrics| {
        format!("{name:<14} {:>7} {:>10.3} {:>7.3} {:>8.3}\n", m.queries, m.recall, m.mrr, m.ndcg)
    };
    for (name, m) in metrics.iter().filter(|(name, _)| name.as_str() != "all") {
        out.push_str(&line(name, m));
    }
    if let Some(all) = metrics.get("all") {
        out.push_str(&line("ensemble", all));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(pairs: &[(&str, u8)]) -> BTreeMap<String, u8> {
        pairs.iter().map(|(key, grade)| ((*key).to_owned(), *grade)).collect()
    }

    fn keys(list: &[&str]) -> Vec<String> {
        list.iter().map(|key| (*key).to_owned()).collect()
    }

    #[test]
    fn a_perfect_ranking_scores_one_and_an_empty_one_zero() {
        let relevant = judged(&[("sheet/a", 2), ("sheet/b", 1)]);
        assert_eq!(score(&keys(&["sheet/a", "sheet/b", "sheet/c"]), &relevant), (1.0, 1.0, 1.0));
        assert_eq!(score(&keys(&["sheet/c"]), &relevant), (0.0, 0.0, 0.0));
    }

    #[test]
    fn rank_and_grade_weigh_on_mrr_and_ndcg() {
        let relevant = judged(&[("sheet/a", 2), ("sheet/b", 1)]);
        let (recall, rr, ndcg) = score(&keys(&["sheet/c", "sheet/b", "sheet/a"]), &relevant);
        assert_eq!(recall, 1.0);
        assert_eq!(rr, 0.5);
        assert!(ndcg < 1.0 && ndcg > 0.5, "{ndcg}");
        // Beyond the first page nothing counts.
        let mut long: Vec<String> = (0..DEPTH).map(|i| format!("sheet/x{i}")).collect();
        long.push("sheet/a".into());
        assert_eq!(score(&long, &relevant), (0.0, 0.0, 0.0));
    }

    #[test]
    fn a_suite_in_another_format_or_judging_nothing_is_refused() {
        assert!(Suite::parse(r#"{"format":"x","corpus":"demo","queries":[]}"#).is_err());
        let empty = r#"{"format":"retex-relevance/1","corpus":"demo","queries":[{"id":"a","category":"c","query":"q","relevant":{}}]}"#;
        assert!(Suite::parse(empty).is_err());
    }
}
