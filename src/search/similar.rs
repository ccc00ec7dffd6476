//! Searches around a record or a prefix rather than a query: `suggest` (titles starting as typed),
//! and `similar` ("more like this", from the query `like` builds of a record's texts).

use std::collections::BTreeMap;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Order, Term};

use super::{Hit, SearchIndex, SearchRequest, analysis, internal, key};
use crate::domain::{Kind, PublicationStatus};
use crate::error::Result;

impl SearchIndex {
    /// Returns the visible records whose title words start as `prefix` does (the last word may be
    /// incomplete), best first.
    pub fn suggest(&self, prefix: &str, visible: &[PublicationStatus], limit: usize) -> Result<Vec<Hit>> {
        let mut exact = analysis::exact();
        let words = analysis::tokens(&mut exact, prefix);
        let Some(((_, last), rest)) = words.split_last() else { return Ok(Vec::new()) };
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = rest
            .iter()
            .map(|(_, word)| -> (Occur, Box<dyn Query>) {
                (
                    Occur::Must,
                    Box::new(TermQuery::new(Term::from_field_text(f.title_exact, word), IndexRecordOption::Basic)),
                )
            })
            .collect();
        clauses.push((
            Occur::Must,
            Box::new(tantivy::query::FuzzyTermQuery::new_prefix(Term::from_field_text(f.title_exact, last), 0, true)),
        ));
        let request = SearchRequest { visible: visible.to_vec(), ..SearchRequest::default() };
        let searcher = self.reader.searcher();
        clauses.extend(self.filters(&searcher, &request));
        let top = searcher
            .search(
                &BooleanQuery::new(clauses),
                &TopDocs::with_limit(limit.max(1)).order_by_fast_field::<i64>("updated_at", Order::Desc),
            )
            .map_err(internal)?;
        top.into_iter()
            .map(|(_, address)| self.identify(&searcher, address).map(|(kind, id)| Hit { kind, id, score: 0.0 }))
            .collect()
    }

    /// The "more like this" query of some texts: their 30 most telling stemmed words (term frequency
    /// in the texts × inverse document frequency in the index, words of 3 bytes or more), each
    /// boosted by its weight relative to the best. Ties are broken by the word, so that the same
    /// texts always give the same query (tantivy's `MoreLikeThisQuery` breaks them in hash order).
    fn like(&self, searcher: &tantivy::Searcher, texts: &[&str]) -> Result<BooleanQuery> {
        const MAX_TERMS: usize = 30;
        const MIN_BYTES: usize = 3;
        let f = &self.fields;
        let mut frequencies: BTreeMap<Term, usize> = BTreeMap::new();
        for field in [f.title_stem, f.summary_stem, f.body_stem] {
            let mut analyzer = analysis::stemmed();
            for text in texts {
                analyzer.token_stream(text).process(&mut |token| {
                    if token.text.len() >= MIN_BYTES {
                        *frequencies.entry(Term::from_field_text(field, &token.text)).or_default() += 1;
                    }
                });
            }
        }
        let documents = searcher.num_docs() as f32;
        let mut weighted: Vec<(f32, Term)> = Vec::with_capacity(frequencies.len());
        for (term, frequency) in frequencies {
            let found = searcher.doc_freq(&term).map_err(internal)? as f32;
            if found > 0.0 {
                let idf = (1.0 + ((documents - found).max(0.0) + 0.5) / (found + 0.5)).ln();
                weighted.push((frequency as f32 * idf, term));
            }
        }
        weighted.sort_by(|(left, left_term), (right, right_term)| {
            right.total_cmp(left).then_with(|| left_term.cmp(right_term))
        });
        weighted.truncate(MAX_TERMS);
        let best = weighted.first().map_or(1.0, |(weight, _)| weight.max(f32::MIN_POSITIVE));
        let clauses: Vec<(Occur, Box<dyn Query>)> = weighted
            .into_iter()
            .map(|(weight, term)| {
                let query: Box<dyn Query> =
                    Box::new(BoostQuery::new(Box::new(TermQuery::new(term, IndexRecordOption::Basic)), weight / best));
                (Occur::Should, query)
            })
            .collect();
        Ok(BooleanQuery::new(clauses))
    }

    /// Returns visible records of these kinds (any when empty) that resemble the given texts ("more
    /// like this"), leaving out those of `exclude`.
    pub fn similar(
        &self,
        texts: &[&str],
        kinds: &[Kind],
        exclude: &[(Kind, i64)],
        visible: &[PublicationStatus],
        limit: usize,
    ) -> Result<Vec<Hit>> {
        let f = &self.fields;
        let searcher = self.reader.searcher();
        let like = self.like(&searcher, texts)?;
        if like.clauses().is_empty() {
            return Ok(Vec::new());
        }
        let request = SearchRequest { kinds: kinds.to_vec(), visible: visible.to_vec(), ..SearchRequest::default() };
        let mut clauses = self.filters(&searcher, &request);
        clauses.push((Occur::Must, Box::new(like)));
        for (kind, id) in exclude {
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(Term::from_field_text(f.key, &key(*kind, *id)), IndexRecordOption::Basic)),
            ));
        }
        let top = searcher
            .search(&BooleanQuery::new(clauses), &TopDocs::with_limit(limit.max(1)).order_by_score())
            .map_err(internal)?;
        top.into_iter()
            .map(|(score, address)| self.identify(&searcher, address).map(|(kind, id)| Hit { kind, id, score }))
            .collect()
    }
}
