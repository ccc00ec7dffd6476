//! Highlighting: the `Highlighter` a search's outcome gives (one snippet generator per text field,
//! exact then stemmed) and the `Snippet`s it makes, HTML-escaped extracts with the matches in
//! `<mark>`, widened to their sentence when it is near, « … » where the text goes on, the field with
//! the most matches first.

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
            return Ok(Highlighter { generators: Vec::new() });
        };
        let searcher = self.reader.searcher();
        let f = &self.fields;
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
        Ok(Highlighter { generators })
    }
}

/// Highlights texts for one search: HTML-escaped extracts with the matches in `<mark>`.
pub struct Highlighter {
    generators: Vec<(&'static str, Vec<SnippetGenerator>)>,
}

impl Highlighter {
    /// Returns, for each of (title, summary, body) of a hit's card in which the query matched, the
    /// extract with the most matches; the body only when neither the title nor the summary matched,
    /// and what describes the hit (`labels`) only when nothing it says did: then it tells where the
    /// match came from.
    pub fn snippets(&self, card: &super::Card) -> Vec<Snippet> {
        let [title, summary, body] = card.text.parts();
        let texts = [title, summary, body, card.labels.as_str()];
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
                let matches = snippet.highlighted().len();
                snippets.push((matches, Snippet { field, html: framed(text, &snippet) }));
            }
        }
        // The field with the most matches first (the title stays a title: the page shows it apart).
        snippets.sort_by_key(|(matches, snippet)| (snippet.field != "title", std::cmp::Reverse(*matches)));
        snippets.into_iter().map(|(_, snippet)| snippet).collect()
    }
}

/// How far an extract is widened to reach the start or the end of its sentence, in characters.
const SENTENCE_REACH: usize = 80;

/// Frames an extract in its text: widened to the start and the end of its sentence when they are
/// near, and marked « … » where the text goes on before or after it. The extract always starts and
/// ends on a word boundary (tantivy cuts between tokens).
fn framed(text: &str, snippet: &tantivy::snippet::Snippet) -> String {
    let fragment = snippet.fragment();
    let html = snippet.to_html();
    let Some(start) = text.find(fragment).filter(|_| !fragment.is_empty()) else { return html };
    let end = start + fragment.len();
    let from = sentence_start(&text[..start]);
    let to = end + sentence_end(&text[end..]);
    let mut out = String::new();
    if from > 0 {
        out.push_str("… ");
    }
    out.push_str(&escape(text[from..start].trim_start()));
    out.push_str(&html);
    out.push_str(&escape(text[end..to].trim_end()));
    if to < text.trim_end().len() {
        out.push_str(" …");
    }
    out
}

/// Where the sentence that `before` ends in starts (a byte offset into it): after the last sentence
/// end within reach, or 0 when the whole of `before` is within reach; `before.len()` when the start
/// is too far to show.
fn sentence_start(before: &str) -> usize {
    if before.chars().count() <= SENTENCE_REACH {
        return 0;
    }
    let reach: usize = before.char_indices().rev().nth(SENTENCE_REACH - 1).map_or(0, |(at, _)| at);
    let window = &before[reach..];
    let boundary = window.char_indices().rev().find(|(at, c)| {
        matches!(c, '.' | '!' | '?' | '…' | '\n') && window[at + c.len_utf8()..].starts_with(char::is_whitespace)
    });
    match boundary {
        Some((at, c)) => reach + at + c.len_utf8(),
        None => before.len(),
    }
}

/// How much of `after` completes the sentence (a byte length): up to the first sentence end within
/// reach, or all of `after` when it is within reach; 0 when the end is too far to show.
fn sentence_end(after: &str) -> usize {
    if after.chars().count() <= SENTENCE_REACH {
        return after.len();
    }
    after
        .char_indices()
        .take(SENTENCE_REACH)
        .find(|(_, c)| matches!(c, '.' | '!' | '?' | '…' | '\n'))
        .map_or(0, |(at, c)| at + c.len_utf8())
}

/// Escapes text for HTML, as the highlighted part is.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_extract_reaches_its_sentence_and_says_where_the_text_goes_on() {
        let long =
            "Un début très long qui ne dit rien d'utile pendant bien plus de quatre-vingts caractères, vraiment. ";
        assert_eq!(sentence_start(long), long.len() - 1, "after the last full stop within reach");
        assert_eq!(sentence_start("Court."), 0);
        let far = "x".repeat(200);
        assert_eq!(sentence_start(&far), far.len(), "no boundary within reach: cut where the extract starts");
        let after =
            " et la fin. Puis autre chose encore, bien plus loin que la portée d'une phrase, et encore bien plus.";
        assert!(after.chars().count() > SENTENCE_REACH);
        assert_eq!(sentence_end(after), 11);
        assert_eq!(sentence_end(" court"), 6);
        assert_eq!(escape("a < b & \"c\" 'd'"), "a &lt; b &amp; &quot;c&quot; &#x27;d&#x27;");
        for odd in ["", "é", "……", "\n\n", "a.b"] {
            let _ = sentence_start(odd);
            let _ = sentence_end(odd);
        }
    }
}
