//! Highlighting: the `Highlighter` a search's outcome gives (one snippet generator per text field,
//! exact then stemmed) and the `Snippet`s it makes, HTML-escaped extracts with the matches in
//! `<mark>`.

use tantivy::TantivyDocument;
use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;

use super::{SearchIndex, SearchOutcome, internal};
use crate::error::Result;

/// A highlighted extract: HTML-escaped text with the matches in `<mark>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub field: &'static str,
    pub html: String,
}

impl SearchIndex {
    /// Returns what highlights the hits of an outcome (nothing when the query had no text).
    pub fn highlighter(&self, outcome: &SearchOutcome, max_chars: usize) -> Result<Highlighter> {
        let Some(query) = &outcome.query else {
            return Ok(Highlighter { generators: Vec::new(), described: Vec::new() });
        };
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let mut described = Vec::with_capacity(outcome.addresses.len());
        for address in &outcome.addresses {
            let document: TantivyDocument = searcher.doc(*address).map_err(internal)?;
            described
                .push(document.get_first(f.labels_exact).and_then(|value| value.as_str()).unwrap_or("").to_owned());
        }
        let mut generators = Vec::new();
        for (name, fields) in [
            ("title", [f.title_exact, f.title_stem]),
            ("summary", [f.summary_exact, f.summary_stem]),
            ("body", [f.body_exact, f.body_stem]),
            ("labels", [f.labels_exact, f.labels_stem]),
        ] {
            let mut pair = Vec::new();
            for field in fields {
                let mut generator = SnippetGenerator::create(&searcher, query.as_ref(), field).map_err(internal)?;
                generator.set_max_num_chars(max_chars);
                pair.push(generator);
            }
            generators.push((name, pair));
        }
        Ok(Highlighter { generators, described })
    }
}

/// Highlights texts for one search: HTML-escaped extracts with the matches in `<mark>`.
pub struct Highlighter {
    generators: Vec<(&'static str, Vec<SnippetGenerator>)>,
    /// What describes each hit (its stored labels and linked names), in the order of the hits.
    described: Vec<String>,
}

impl Highlighter {
    /// Returns, for each of (title, summary, body) of hit number `hit` in which the query matched,
    /// the extract with the most matches; the body only when neither the title nor the summary
    /// matched, and what describes the hit (`labels`) only when nothing it says did: then it tells
    /// where the match came from.
    pub fn snippets(&self, hit: usize, texts: [&str; 3]) -> Vec<Snippet> {
        let described = self.described.get(hit).map_or("", String::as_str);
        let texts = [texts[0], texts[1], texts[2], described];
        let mut snippets = Vec::new();
        for ((field, generators), text) in self.generators.iter().zip(texts) {
            let fallback = *field == "body" || *field == "labels";
            if text.is_empty() || (fallback && !snippets.is_empty()) {
                continue;
            }
            // The exact field first (cheap, and what the user typed); the stemmed one when it finds nothing.
            let best = generators
                .iter()
                .map(|generator| generator.snippet(text))
                .find(|snippet| !snippet.highlighted().is_empty());
            if let Some(mut snippet) = best {
                snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
                snippets.push(Snippet { field, html: snippet.to_html() });
            }
        }
        snippets
    }
}
