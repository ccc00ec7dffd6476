//! Highlighting: the `Highlighter` a search's outcome gives (one snippet generator per text field,
//! exact then stemmed) and the `Snippet`s it makes, HTML-escaped extracts with the matches in
//! `<mark>`.

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
        let Some(query) = &outcome.query else { return Ok(Highlighter { generators: Vec::new() }) };
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let mut generators = Vec::new();
        for (name, fields) in [
            ("title", [f.title_exact, f.title_stem]),
            ("summary", [f.summary_exact, f.summary_stem]),
            ("body", [f.body_exact, f.body_stem]),
        ] {
            let mut pair = Vec::new();
            for field in fields {
                let mut generator = SnippetGenerator::create(&searcher, query.as_ref(), field).map_err(internal)?;
                generator.set_max_num_chars(max_chars);
                pair.push(generator);
            }
            generators.push((name, pair));
        }
        Ok(Highlighter { generators })
    }
}

/// Highlights texts for one search: HTML-escaped extracts with the matches in `<mark>`.
pub struct Highlighter {
    generators: Vec<(&'static str, Vec<SnippetGenerator>)>,
}

impl Highlighter {
    /// Returns, for each of (title, summary, body) in which the query matched, the extract with the
    /// most matches.
    pub fn snippets(&self, texts: [&str; 3]) -> Vec<Snippet> {
        let mut snippets = Vec::new();
        for ((field, generators), text) in self.generators.iter().zip(texts) {
            // The body is long: highlight it only when neither the title nor the summary matched.
            if text.is_empty() || (*field == "body" && !snippets.is_empty()) {
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
