//! French text analysis. Two analyzers index every text field twice:
//!
//! - `fr_exact`: words split on anything but letters and digits (so « l'épicerie » and « tiers-lieu »
//!   split), lower-cased, accents folded, elided articles dropped. It keeps every other word, so
//!   phrases match exactly, and it is the field typo tolerance runs on (never on stems).
//! - `fr_stem`: the same, then French stop words dropped and the Snowball French stemmer applied, with
//!   a few plurals the stemmer misses repaired first, so « mobilités » meets « mobilité ».
//!
//! Accents are folded before stemming: « mobilite » must stem like « mobilité ».

use std::mem;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
    Token, TokenFilter, TokenStream, Tokenizer,
};

pub const EXACT: &str = "fr_exact";
pub const STEM: &str = "fr_stem";

/// What remains of an elided word once the apostrophe splits it: « l'épicerie » gives `l`, « jusqu'au »
/// gives `jusqu`.
pub const ELISIONS: &[&str] =
    &["l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu"];

/// French words too common to help ranking, dropped from the stemmed field. Kept in the exact field,
/// where phrases need them.
pub const STOP_WORDS: &[&str] = &[
    "a", "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "elles", "en", "est", "et", "etre", "il",
    "ils", "la", "le", "les", "leur", "leurs", "mais", "ne", "nous", "on", "ou", "par", "pas", "pour", "qui", "que",
    "quoi", "sa", "se", "ses", "son", "sont", "sur", "un", "une", "vous", "y",
];

/// Plurals and forms the Snowball stemmer leaves apart from their singular, mapped before stemming.
const REPAIRS: &[(&str, &str)] = &[
    ("lieux", "lieu"),
    ("emplois", "emploi"),
    ("jeux", "jeu"),
    ("reseaux", "reseau"),
    ("bureaux", "bureau"),
    ("locaux", "local"),
    ("territoriaux", "territorial"),
    ("sociaux", "social"),
];

fn base() -> tantivy::tokenizer::TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(ELISIONS.iter().map(|word| (*word).to_owned())))
}

/// Returns the exact (folded, unstemmed) analyzer.
pub fn exact() -> TextAnalyzer {
    base().build()
}

/// Returns the stemmed analyzer.
pub fn stemmed() -> TextAnalyzer {
    base()
        .filter(StopWordFilter::remove(STOP_WORDS.iter().map(|word| (*word).to_owned())))
        .filter(Repairs)
        .filter(Stemmer::new(Language::French))
        .build()
}

/// Registers both analyzers on an index.
pub fn register(index: &tantivy::Index) {
    index.tokenizers().register(EXACT, exact());
    index.tokenizers().register(STEM, stemmed());
}

/// Returns the tokens an analyzer makes of a text, with their positions.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push((token.position, token.text.clone()));
    }
    out
}

/// Folds a text for comparisons: its exact words (lower case, accents off, elisions dropped) joined
/// by single spaces. « L’Épicerie  sociale » → `epicerie sociale`.
pub fn fold(text: &str) -> String {
    tokens(&mut exact(), text).into_iter().map(|(_, word)| word).collect::<Vec<_>>().join(" ")
}

/// Returns whether a folded word is a stop word or an elision (dropped from plain-word queries).
pub fn is_stop_word(folded: &str) -> bool {
    STOP_WORDS.contains(&folded) || ELISIONS.contains(&folded)
}

/// The token filter that applies [`REPAIRS`].
#[derive(Clone)]
struct Repairs;

impl TokenFilter for Repairs {
    type Tokenizer<T: Tokenizer> = RepairsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> RepairsFilter<T> {
        RepairsFilter { tokenizer }
    }
}

#[derive(Clone)]
struct RepairsFilter<T> {
    tokenizer: T,
}

impl<T: Tokenizer> Tokenizer for RepairsFilter<T> {
    type TokenStream<'a> = RepairsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        RepairsStream { tail: self.tokenizer.token_stream(text) }
    }
}

struct RepairsStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for RepairsStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some((_, repaired)) = REPAIRS.iter().find(|(plural, _)| *plural == token.text) {
            let mut text = (*repaired).to_owned();
            mem::swap(&mut token.text, &mut text);
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        tokens(analyzer, text).into_iter().map(|(_, word)| word).collect()
    }

    #[test]
    fn plurals_accents_and_elisions_meet() {
        let mut stem = stemmed();
        assert_eq!(words(&mut stem, "mobilités"), words(&mut stem, "mobilite"));
        assert_eq!(words(&mut stem, "Épiceries"), words(&mut stem, "epicerie"));
        assert_eq!(words(&mut stem, "l'épicerie"), words(&mut stem, "épicerie"));
        assert_eq!(words(&mut stem, "l’épicerie"), words(&mut stem, "épicerie"), "typographic apostrophe");
        assert_eq!(words(&mut stem, "tiers-lieux"), words(&mut stem, "tiers lieu"));
        assert_eq!(words(&mut stem, "emplois"), words(&mut stem, "emploi"));
    }

    #[test]
    fn the_exact_field_folds_but_keeps_words_whole() {
        let mut exact = exact();
        assert_eq!(words(&mut exact, "L'Épicerie des Aidants"), vec!["epicerie", "des", "aidants"]);
        assert_eq!(words(&mut exact, "jusqu’au bien-vieillir"), vec!["au", "bien", "vieillir"]);
    }
}
