//! French text analysis. Two analyzers index every text field twice:
//!
//! - `fr_exact`: words split on anything but letters and digits (so « l'épicerie » and « tiers-lieu »
//!   split), lower-cased, accents folded, elided articles dropped. It keeps every other word, so
//!   phrases match exactly, and it is the field typo tolerance runs on (never on stems).
//! - `fr_stem_v2`: the same, then French stop words dropped, a light plural and feminine normalisation
//!   (`light_singular`: « élus » and « élue » meet « élu », « lieux » « lieu », « travaux » « travail »),
//!   and the Snowball French stemmer, so « mobilités » meets « mobilité ».
//!
//! Accents are folded before stemming: « mobilite » must stem like « mobilité ».
//!
//! A third analyzer, `fr_pairs_v2`, indexes the pairs of neighbouring stems (`Pairs`: « porteurs de
//! projets » gives `porteur_projet`): a phrase is then a few terms to look up rather than positions
//! to compare in every document that holds its words, which is what made common phrases costly.

use std::mem;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
    Token, TokenFilter, TokenStream, Tokenizer,
};

pub const EXACT: &str = "fr_exact";
/// Named with its version: an index built with another analysis has another schema, and is rebuilt.
pub const STEM: &str = "fr_stem_v2";

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

/// Irregular plurals, mapped to their singular before the light rules (folded forms).
const IRREGULAR: &[(&str, &str)] = &[
    ("travaux", "travail"),
    ("vitraux", "vitrail"),
    ("baux", "bail"),
    ("emaux", "email"),
    ("coraux", "corail"),
    ("soupiraux", "soupirail"),
    ("yeux", "oeil"),
    ("cieux", "ciel"),
    ("aieux", "aieul"),
    ("bijoux", "bijou"),
    ("cailloux", "caillou"),
    ("choux", "chou"),
    ("genoux", "genou"),
    ("hiboux", "hibou"),
    ("joujoux", "joujou"),
    ("poux", "pou"),
];

/// A light plural and feminine normalisation, applied before the Snowball stemmer, which leaves
/// short words apart (« élu », « élus », « élue ») and misses some plurals (« lieux », « emplois »).
/// It follows the plural step of J. Savoy's light French stemmer (« Light stemming approaches for
/// the French, Portuguese, German and Hungarian languages », ACM SAC 2006; Lucene's
/// `FrenchLightStemmer`): `-aux` → `-al` (not `-eaux`), then a final `x` or `s` dropped from words
/// of more than three letters; and, for the feminine, a final `e` after a vowel dropped (« élue »,
/// « amie », « aidée »). Irregular plurals (« travaux » → « travail ») come from a list first. The
/// input is folded (lower case, no accents). Returns `None` when the word stays as it is.
pub fn light_singular(word: &str) -> Option<String> {
    if let Some((_, singular)) = IRREGULAR.iter().find(|(plural, _)| *plural == word) {
        return Some((*singular).to_owned());
    }
    let chars: Vec<char> = word.chars().collect();
    if !chars.iter().all(char::is_ascii_alphabetic) {
        return None;
    }
    let mut out: Vec<char> = chars.clone();
    let ends = |out: &[char], suffix: &str| {
        let suffix: Vec<char> = suffix.chars().collect();
        out.len() >= suffix.len() && out[out.len() - suffix.len()..] == suffix[..]
    };
    if out.len() > 5 && ends(&out, "aux") && !ends(&out, "eaux") {
        let len = out.len();
        out[len - 2] = 'l';
        out.pop();
    } else if out.len() > 3 && (ends(&out, "x") || (ends(&out, "s") && !ends(&out, "ss"))) {
        out.pop();
    }
    if out.len() > 3 && ends(&out, "e") && matches!(out[out.len() - 2], 'u' | 'i' | 'e') {
        out.pop();
    }
    (out != chars).then(|| out.into_iter().collect())
}

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

/// The analyzer of the pair fields (`paired`), named with its version like the stemmed one.
pub const PAIRS: &str = "fr_pairs_v2";

/// Returns the analyzer of pairs of neighbouring stems: the stemmed analysis, then `Pairs`.
pub fn paired() -> TextAnalyzer {
    base()
        .filter(StopWordFilter::remove(STOP_WORDS.iter().map(|word| (*word).to_owned())))
        .filter(Repairs)
        .filter(Stemmer::new(Language::French))
        .filter(Pairs)
        .build()
}

/// Registers the analyzers on an index.
pub fn register(index: &tantivy::Index) {
    index.tokenizers().register(EXACT, exact());
    index.tokenizers().register(STEM, stemmed());
    index.tokenizers().register(PAIRS, paired());
}

/// How far apart (in words) two stems may stand and still make a pair: side by side, or with up to
/// two stop words between them (« porteur de la démarche », « étude d'opportunité »).
const PAIR_REACH: usize = 3;

/// The pairs of neighbouring stems of a text, each as one token (`porteur_projet`): what the pair
/// fields index and what a phrase looks for there (`paired` reads both).
pub fn pairs(paired: &mut TextAnalyzer, text: &str) -> Vec<String> {
    tokens(paired, text).into_iter().map(|(_, pair)| pair).collect()
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

/// The token filter that applies [`light_singular`].
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
        if let Some(mut singular) = light_singular(&token.text) {
            mem::swap(&mut token.text, &mut singular);
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

/// Turns a stream of stems into the pairs of stems that follow each other (once stop words are
/// dropped) at most `PAIR_REACH` words apart: « porteurs de projets » gives `porteur_projet`. Runs
/// where tantivy analyses documents, on its indexing threads.
#[derive(Clone)]
struct Pairs;

impl TokenFilter for Pairs {
    type Tokenizer<T: Tokenizer> = PairsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> PairsFilter<T> {
        PairsFilter { tokenizer }
    }
}

#[derive(Clone)]
struct PairsFilter<T> {
    tokenizer: T,
}

impl<T: Tokenizer> Tokenizer for PairsFilter<T> {
    type TokenStream<'a> = PairsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        PairsStream { tail: self.tokenizer.token_stream(text), previous: None, token: Token::default() }
    }
}

struct PairsStream<T> {
    tail: T,
    /// The last stem read: its position, end offset and text.
    previous: Option<(usize, usize, String)>,
    token: Token,
}

impl<T: TokenStream> TokenStream for PairsStream<T> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            let current = self.tail.token();
            let next = (current.position, current.offset_to, current.text.clone());
            let Some((position, _, text)) = self.previous.replace(next) else { continue };
            let current = self.tail.token();
            if current.position > position && current.position - position <= PAIR_REACH {
                self.token.text.clear();
                self.token.text.push_str(&text);
                self.token.text.push('_');
                self.token.text.push_str(&current.text);
                self.token.position = position;
                self.token.offset_to = current.offset_to;
                self.token.position_length = 1;
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        tokens(analyzer, text).into_iter().map(|(_, word)| word).collect()
    }

    #[test]
    fn neighbouring_stems_pair_across_small_words_and_plurals() {
        let mut stem = paired();
        assert_eq!(pairs(&mut stem, "Les porteurs de projets"), vec!["porteur_projet"]);
        assert_eq!(pairs(&mut stem, "le porteur du projet"), pairs(&mut stem, "porteur de projet"));
        assert_eq!(pairs(&mut stem, "étude d’opportunité"), pairs(&mut stem, "études d'opportunités"));
        assert_eq!(pairs(&mut stem, "économie sociale et solidaire").len(), 2);
        // Too far apart (three small words between): no pair.
        assert!(pairs(&mut stem, "porteur de la et du projet").is_empty());
        assert!(pairs(&mut stem, "mobilité").is_empty());
        assert!(pairs(&mut stem, "").is_empty());
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
    fn short_words_irregular_plurals_and_feminines_meet() {
        let mut stem = stemmed();
        for (a, b) in [
            ("élus", "élu"),
            ("élue", "élu"),
            ("élues", "élu"),
            ("lieux", "lieu"),
            ("milieux", "milieu"),
            ("jeux", "jeu"),
            ("travaux", "travail"),
            ("locaux", "local"),
            ("sociaux", "social"),
            ("territoriaux", "territorial"),
            ("journaux", "journal"),
            ("bureaux", "bureau"),
            ("réseaux", "réseau"),
            ("aidées", "aidée"),
            ("amies", "ami"),
        ] {
            assert_eq!(words(&mut stem, a), words(&mut stem, b), "{a} / {b}");
        }
        // Words that differ stay apart.
        for (a, b) in [("élu", "élan"), ("lieu", "lien"), ("travail", "travée")] {
            assert_ne!(words(&mut stem, a), words(&mut stem, b), "{a} / {b}");
        }
    }

    #[test]
    fn the_light_rules_leave_other_words_and_never_fail() {
        assert_eq!(light_singular("eaux").as_deref(), Some("eau"));
        assert_eq!(light_singular("bus"), None, "three letters stay");
        assert_eq!(light_singular("process"), None, "a double s is no plural");
        assert_eq!(light_singular("bateaux").as_deref(), Some("bateau"), "-eaux is no -al plural");
        assert_eq!(light_singular("chevaux").as_deref(), Some("cheval"));
        for odd in ["", "x", "s", "é", "ééé", "a1s", "ßs", "日本s"] {
            let _ = light_singular(odd);
        }
    }

    #[test]
    fn the_exact_field_folds_but_keeps_words_whole() {
        let mut exact = exact();
        assert_eq!(words(&mut exact, "L'Épicerie des Aidants"), vec!["epicerie", "des", "aidants"]);
        assert_eq!(words(&mut exact, "jusqu’au bien-vieillir"), vec!["au", "bien", "vieillir"]);
    }
}
