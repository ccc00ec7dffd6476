//! The query language of the search box, and its translation into a tantivy query.
//!
//! Plain words must match (each in any text field by its stem, exactly in titles and summaries; a word
//! the index does not know, as the nearest words it knows): all of them up to three, all but one in
//! four beyond; `"phrases"` match their stems in order (`analysis::pairs`: plurals and small words
//! between are allowed), the exact phrase first; `-word` or `-"phrase"` excludes; `a OR b` accepts
//! either.
//! Nothing a user types is a syntax error: an unclosed quote, a lone `-` or a dangling `OR` are read
//! as plain words or ignored. Glossary terms expand to their synonyms (« QPV » also finds « quartier
//! prioritaire »). Exact matches rank above stemmed ones, which rank above typo matches; a title
//! match ranks above a summary match, above a body match.

use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use super::analysis::{self, is_stop_word};
use super::schema::Fields;

/// One thing the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    Word(String),
    Phrase(String),
}

/// A parsed search box: groups that must all match (each group: alternatives joined by OR) and
/// clauses that must not.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub must: Vec<Vec<Clause>>,
    pub must_not: Vec<Clause>,
}

impl Parsed {
    /// Returns whether the query asks for nothing (an empty box lists by recency).
    pub fn is_empty(&self) -> bool {
        self.must.is_empty()
    }
}

enum Lexeme {
    Clause { clause: Clause, negated: bool },
    Or,
}

fn lex(input: &str) -> Vec<Lexeme> {
    let mut lexemes = Vec::new();
    let chars: Vec<char> = input.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let negated = chars[i] == '-' && chars.get(i + 1).is_some_and(|next| !next.is_whitespace());
        let start = if negated { i + 1 } else { i };
        if chars.get(start) == Some(&'"') {
            if let Some(length) = chars[start + 1..].iter().position(|c| *c == '"') {
                let phrase: String = chars[start + 1..start + 1 + length].iter().collect();
                if !phrase.trim().is_empty() {
                    lexemes.push(Lexeme::Clause { clause: Clause::Phrase(phrase.trim().to_owned()), negated });
                }
                i = start + length + 2;
                continue;
            }
            // An unclosed quote: the rest is plain words.
            i = start + 1;
            continue;
        }
        let end = chars[start..]
            .iter()
            .position(|c| c.is_whitespace() || *c == '"')
            .map_or(chars.len(), |length| start + length);
        let word: String = chars[start..end].iter().collect();
        if word == "OR" && !negated {
            lexemes.push(Lexeme::Or);
        } else if !word.is_empty() {
            lexemes.push(Lexeme::Clause { clause: Clause::Word(word), negated });
        }
        i = end.max(start + 1);
    }
    lexemes
}

/// Parses a search box. Never fails.
pub fn parse(input: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut join_next = false;
    for lexeme in lex(input) {
        match lexeme {
            Lexeme::Or => join_next = !parsed.must.is_empty(),
            Lexeme::Clause { clause, negated: true } => {
                parsed.must_not.push(clause);
                join_next = false;
            }
            Lexeme::Clause { clause, negated: false } => {
                match parsed.must.last_mut() {
                    Some(group) if join_next => group.push(clause),
                    _ => parsed.must.push(vec![clause]),
                }
                join_next = false;
            }
        }
    }
    parsed
}

/// The glossary as the query builder sees it: groups of equivalent terms and the narrower terms they
/// expand to one way, each term as its folded words (« Fabrique à initiatives » → `["fabrique", "a",
/// "initiatives"]`), met by the stems of what is typed (so « aînés » meets the term « aîné », and
/// « facteurs de succès » the term « facteur de succès »).
#[derive(Debug, Default, Clone)]
pub struct Synonyms {
    groups: Vec<Group>,
    /// The most words a term has: how far a run of typed words is looked at.
    longest: usize,
    /// Every term as written, with its folded form, for completion.
    terms: Vec<(String, String)>,
    /// What reads the filters a query names, with this glossary's synonyms.
    interpreter: super::interpret::Interpreter,
}

#[derive(Debug, Clone)]
struct Group {
    terms: Vec<Vec<String>>,
    narrower: Vec<Vec<String>>,
    /// The stems of each term (stop words left out), by which typed words meet the group.
    keys: Vec<Vec<String>>,
}

impl Synonyms {
    /// Builds the glossary from its entries: (equivalent terms, narrower terms).
    pub fn new(raw: &[(Vec<String>, Vec<String>)]) -> Self {
        let mut exact = analysis::exact();
        let mut stem = analysis::stemmed();
        let mut words = |term: &String| -> Vec<String> {
            analysis::tokens(&mut exact, term).into_iter().map(|(_, word)| word).collect()
        };
        let groups: Vec<Group> = raw
            .iter()
            .map(|(terms, narrower)| {
                let keys = terms
                    .iter()
                    .map(|term| analysis::tokens(&mut stem, term).into_iter().map(|(_, word)| word).collect::<Vec<_>>())
                    .filter(|key: &Vec<String>| !key.is_empty())
                    .collect();
                Group {
                    terms: terms.iter().map(&mut words).filter(|words| !words.is_empty()).collect(),
                    narrower: narrower.iter().map(&mut words).filter(|words| !words.is_empty()).collect(),
                    keys,
                }
            })
            .filter(|group| group.terms.len() + group.narrower.len() > 1 && !group.keys.is_empty())
            .collect();
        let longest = groups.iter().flat_map(|group| group.terms.iter().map(Vec::len)).max().unwrap_or(0);
        let terms = raw
            .iter()
            .flat_map(|(terms, narrower)| terms.iter().chain(narrower))
            .map(|term| (term.clone(), analysis::fold(term)))
            .collect();
        Self { groups, longest, terms, interpreter: super::interpret::Interpreter::new(raw) }
    }

    /// Returns the filters the words of a query name (see `search::interpret`).
    pub fn interpret(&self, text: &str) -> Vec<super::interpret::Detected> {
        self.interpreter.detect(text)
    }

    /// Returns up to `limit` terms, as written, whose folded form starts as the folded `prefix` does.
    pub fn complete(&self, prefix: &str, limit: usize) -> Vec<String> {
        let prefix = analysis::fold(prefix);
        if prefix.is_empty() {
            return Vec::new();
        }
        self.terms
            .iter()
            .filter(|(_, folded)| folded.starts_with(&prefix))
            .take(limit)
            .map(|(term, _)| term.clone())
            .collect()
    }

    /// Returns the groups one of whose terms has these stems.
    fn groups_of<'a>(&'a self, stems: &'a [String]) -> impl Iterator<Item = &'a Group> + 'a {
        self.groups.iter().filter(move |group| !stems.is_empty() && group.keys.iter().any(|key| key == stems))
    }
}

/// The weight of a match through a synonym of what was typed, and through a narrower term: below the
/// words typed themselves.
const SYNONYM_BOOST: f32 = 0.5;
const NARROWER_BOOST: f32 = 0.35;

/// Builds tantivy queries from parsed input.
pub struct Builder<'a> {
    pub fields: &'a Fields,
    pub synonyms: &'a Synonyms,
    pub exact: TextAnalyzer,
    pub stem: TextAnalyzer,
    pub paired: TextAnalyzer,
    /// Tells whether a word is known to the index, so that typo tolerance only runs for words that
    /// match nothing as typed (a known word is not a typo; fuzzy expansion is costly and noisy).
    pub known: &'a dyn Fn(&Term) -> bool,
    /// The words of the index within a number of typos of a word, most frequent first (at most
    /// `CORRECTIONS`): what an unknown word is searched as.
    pub corrections: &'a dyn Fn(&str, u8) -> Vec<String>,
}

/// How many words of the index an unknown word is corrected to, at most.
pub const CORRECTIONS: usize = 3;

/// The weight of a word found by correcting a typo: below the words typed as they are written.
const CORRECTION_BOOST: f32 = 0.5;

/// The weight of a match in what a record is described by (its vocabulary labels, the names of what
/// it is linked to), below a match in its body: a record that says the words itself ranks first.
const LABELS_BOOST: f32 = 0.6;

/// How many typos a word of this length tolerates.
fn typo_distance(word: &str) -> u8 {
    match word.chars().count() {
        0..=4 => 0,
        5..=7 => 1,
        _ => 2,
    }
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(query, boost))
}

fn term(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqsAndPositions))
}

fn any_of(queries: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
    match queries.len() {
        0 => None,
        1 => queries.into_iter().next(),
        _ => Some(Box::new(BooleanQuery::new(queries.into_iter().map(|query| (Occur::Should, query)).collect()))),
    }
}

impl Builder<'_> {
    fn fold(&mut self, text: &str) -> Vec<String> {
        analysis::tokens(&mut self.exact, text).into_iter().map(|(_, word)| word).collect()
    }

    /// One folded word: exact or stemmed in any field, or within its typo distance.
    fn word(&mut self, folded: &str, fuzzy: bool) -> Option<Box<dyn Query>> {
        if is_stop_word(folded) {
            return None;
        }
        let fields = self.fields;
        // Exact forms are looked for in titles and summaries, where they decide the order of records
        // that say the same stem; in bodies and labels the stem alone is looked for (the exact body
        // form would read a second posting list as long as the stem's for little change in ranking).
        let mut alternatives =
            vec![boosted(term(fields.title_exact, folded), 4.0), boosted(term(fields.summary_exact, folded), 2.5)];
        if let Some((_, stem)) = analysis::tokens(&mut self.stem, folded).into_iter().next() {
            alternatives.push(boosted(term(fields.title_stem, &stem), 3.0));
            alternatives.push(boosted(term(fields.summary_stem, &stem), 2.0));
            alternatives.push(boosted(term(fields.body_stem, &stem), 1.5));
            alternatives.push(boosted(term(fields.labels_stem, &stem), LABELS_BOOST));
        }
        let distance = typo_distance(folded);
        let known = || {
            [fields.title_exact, fields.summary_exact, fields.body_exact]
                .into_iter()
                .any(|field| (self.known)(&Term::from_field_text(field, folded)))
        };
        if fuzzy && distance > 0 && !known() {
            // A word the index does not know is read as the few words of the index nearest to it (the
            // most frequent first), each searched like a typed word, below it: the dictionary is
            // walked once, not once per field, and a correction meets plurals through its stem.
            // One edit first (most typos): walking the dictionary for two edits costs several times
            // more, and is done only for a long word that one edit does not correct.
            let mut corrections = (self.corrections)(folded, 1);
            if corrections.is_empty() && distance > 1 {
                corrections = (self.corrections)(folded, distance);
            }
            for correction in corrections {
                if let Some(query) = self.word(&correction, false) {
                    alternatives.push(boosted(query, CORRECTION_BOOST));
                }
            }
        }
        any_of(alternatives)
    }

    /// Several words in this order: the pairs of their stems (`analysis::pairs`) in any text field,
    /// so that a phrase in the plural meets one in the singular; the exact phrase in titles and
    /// summaries ranks first. Pairs are terms: a common phrase costs a few posting lists, not a
    /// comparison of positions in every document that holds its words.
    fn phrase(&mut self, text: &str) -> Option<Box<dyn Query>> {
        self.phrase_ranked(text, true)
    }

    /// A phrase, with its exact form ranked first or not (a glossary expansion, which weighs less than
    /// the words typed, is looked for by its stems only: fewer posting lists for the same records).
    fn phrase_ranked(&mut self, text: &str, exact_first: bool) -> Option<Box<dyn Query>> {
        let exact = analysis::tokens(&mut self.exact, text);
        if exact.len() < 2 {
            return match exact.first() {
                Some((_, word)) if exact_first => self.word(word, false),
                Some((_, word)) => self.stemmed(word),
                None => None,
            };
        }
        let fields = self.fields;
        let mut alternatives = Vec::new();
        if exact_first {
            for (field, boost) in [(fields.title_exact, 5.0), (fields.summary_exact, 3.0)] {
                let terms =
                    exact.iter().map(|(position, word)| (*position, Term::from_field_text(field, word))).collect();
                alternatives.push(boosted(Box::new(PhraseQuery::new_with_offset(terms)), boost));
            }
        }
        let pairs = analysis::pairs(&mut self.paired, text);
        if pairs.is_empty() {
            // One stem among stop words (« le projet »): that stem, in bodies too.
            if let Some((_, stem)) = analysis::tokens(&mut self.stem, text).first() {
                alternatives.push(term(fields.body_stem, stem));
            }
        } else {
            for (field, boost) in [
                (fields.title_pairs, 2.5),
                (fields.summary_pairs, 1.5),
                (fields.body_pairs, 1.0),
                (fields.labels_pairs, LABELS_BOOST * 0.8),
            ] {
                let mut all: Vec<(Occur, Box<dyn Query>)> = pairs
                    .iter()
                    .map(|pair| -> (Occur, Box<dyn Query>) {
                        (
                            Occur::Must,
                            Box::new(TermQuery::new(Term::from_field_text(field, pair), IndexRecordOption::WithFreqs)),
                        )
                    })
                    .collect();
                let query: Box<dyn Query> =
                    if all.len() == 1 { all.remove(0).1 } else { Box::new(BooleanQuery::new(all)) };
                alternatives.push(boosted(query, boost));
            }
        }
        any_of(alternatives)
    }

    /// One word by its stem only, in every text field.
    fn stemmed(&mut self, folded: &str) -> Option<Box<dyn Query>> {
        if is_stop_word(folded) {
            return None;
        }
        let (_, stem) = analysis::tokens(&mut self.stem, folded).into_iter().next()?;
        let fields = self.fields;
        any_of(vec![
            boosted(term(fields.title_stem, &stem), 3.0),
            boosted(term(fields.summary_stem, &stem), 2.0),
            boosted(term(fields.body_stem, &stem), 1.5),
            boosted(term(fields.labels_stem, &stem), LABELS_BOOST),
        ])
    }

    /// The stems of a text (stop words left out).
    fn stems(&mut self, text: &str) -> Vec<String> {
        analysis::tokens(&mut self.stem, text).into_iter().map(|(_, word)| word).collect()
    }

    /// What the glossary adds to typed words that spell one of its terms: the other terms of its
    /// groups and their narrower terms, each weighted below the words typed (which the caller searches
    /// at full weight). `None` when the words spell no term.
    fn expansions(&mut self, typed: &str) -> Option<Box<dyn Query>> {
        let stems = self.stems(typed);
        let synonyms = self.synonyms;
        let mut alternatives = Vec::new();
        for group in synonyms.groups_of(&stems) {
            // A synonym of several words is looked for as a phrase (its pairs of stems), a synonym of
            // one word as a plain term.
            for (term, key) in group.terms.iter().zip(&group.keys) {
                if *key != stems {
                    let query = self.phrase_ranked(&term.join(" "), false);
                    alternatives.extend(query.map(|query| boosted(query, SYNONYM_BOOST)));
                }
            }
            for term in &group.narrower {
                let query = self.phrase_ranked(&term.join(" "), false);
                alternatives.extend(query.map(|query| boosted(query, NARROWER_BOOST)));
            }
        }
        any_of(alternatives)
    }

    /// Typed words, or what the glossary expands them to.
    fn with_expansions(&mut self, typed: Option<Box<dyn Query>>, raw: &str) -> Option<Box<dyn Query>> {
        let expansions = self.expansions(raw);
        any_of(typed.into_iter().chain(expansions).collect())
    }

    fn clause(&mut self, clause: &Clause, fuzzy: bool) -> Option<Box<dyn Query>> {
        match clause {
            Clause::Word(raw) => {
                let words = self.fold(raw);
                let typed = match words.len() {
                    0 => None,
                    // A hyphenated or elided word (« tiers-lieu », « l'épicerie ») reads as a phrase.
                    1 => self.word(&words[0], fuzzy),
                    _ => self.phrase(raw),
                };
                self.with_expansions(typed, raw)
            }
            Clause::Phrase(raw) => {
                let typed = self.phrase(raw);
                self.with_expansions(typed, raw)
            }
        }
    }

    /// Returns the queries of the excluded clauses alone (for a box with nothing but exclusions).
    pub fn exclusions(&mut self, parsed: &Parsed) -> Vec<Box<dyn Query>> {
        parsed.must_not.iter().filter_map(|clause| self.clause(clause, false)).collect()
    }

    /// Builds the query of a parsed search box; `None` when it asks for nothing.
    pub fn build(&mut self, parsed: &Parsed) -> Option<Box<dyn Query>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // Single plain words in a row may spell a glossary term (« quartier prioritaire »): the longest
        // such run is searched as its words (each must match, anywhere) or its expansions.
        let mut i = 0;
        let mut plain_words: Vec<String> = Vec::new();
        while i < parsed.must.len() {
            let group = &parsed.must[i];
            let run: Vec<&String> = parsed.must[i..]
                .iter()
                .map_while(|group| match group.as_slice() {
                    [Clause::Word(word)] => Some(word),
                    _ => None,
                })
                .take(self.synonyms.longest.max(1))
                .collect();
            let mut spelled = None;
            for take in (2..=run.len()).rev() {
                let raw = run[..take].iter().map(|word| word.as_str()).collect::<Vec<_>>().join(" ");
                if let Some(expansions) = self.expansions(&raw) {
                    spelled = Some((take, raw, expansions));
                    break;
                }
            }
            if let Some((take, raw, expansions)) = spelled {
                let words: Vec<String> = self.fold(&raw);
                let typed: Vec<(Occur, Box<dyn Query>)> =
                    words.iter().filter_map(|word| self.word(word, true)).map(|query| (Occur::Must, query)).collect();
                let mut alternatives = vec![expansions];
                if !typed.is_empty() {
                    alternatives.push(Box::new(BooleanQuery::new(typed)));
                }
                clauses.extend(any_of(alternatives).map(|query| (Occur::Must, query)));
                plain_words.extend(words);
                i += take;
                continue;
            }
            let alternatives: Vec<Box<dyn Query>> =
                group.iter().filter_map(|clause| self.clause(clause, true)).collect();
            if let [Clause::Word(word)] = group.as_slice() {
                plain_words.extend(self.fold(word));
            }
            if let Some(query) = any_of(alternatives) {
                clauses.push((Occur::Must, query));
            }
            i += 1;
        }
        if clauses.is_empty() {
            return None;
        }
        // Most of the words must match, not every one: a question in a member's words (« ce qui marche
        // pour toucher les publics isolés ») has words no record says. Up to three, all of them; from
        // four, all but one in four. A record with every word scores above one that lacks one.
        let required = clauses.len() - clauses.len() / 4;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = if required < clauses.len() {
            let should = clauses.into_iter().map(|(_, query)| (Occur::Should, query)).collect();
            vec![(Occur::Must, Box::new(BooleanQuery::with_minimum_required_clauses(should, required)))]
        } else {
            clauses
        };
        // Plain words that also stand together as a phrase rank above the same words apart.
        if plain_words.len() > 1
            && let Some(query) = self.phrase(&plain_words.join(" "))
        {
            clauses.push((Occur::Should, boosted(query, 2.0)));
        }
        for clause in &parsed.must_not {
            if let Some(query) = self.clause(clause, false) {
                clauses.push((Occur::MustNot, query));
            }
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<Clause> {
        list.iter().map(|word| Clause::Word((*word).to_owned())).collect()
    }

    #[test]
    fn plain_words_phrases_exclusions_and_or() {
        let parsed = parse("garage \"tiers lieu\" -urbain culture OR musique");
        assert_eq!(
            parsed.must,
            vec![words(&["garage"]), vec![Clause::Phrase("tiers lieu".into())], words(&["culture", "musique"])]
        );
        assert_eq!(parsed.must_not, words(&["urbain"]));
    }

    #[test]
    fn malformed_input_is_read_as_plain_words() {
        assert_eq!(parse("\"épicerie solidaire").must, vec![words(&["épicerie"]), words(&["solidaire"])]);
        assert_eq!(parse("OR garage OR").must, vec![words(&["garage"])]);
        assert_eq!(parse(" - ").must, vec![words(&["-"])]);
        assert_eq!(parse("title:garage^2 (AND)").must, vec![words(&["title:garage^2"]), words(&["(AND)"])]);
        assert!(parse("   ").is_empty());
        assert!(parse("\"\"").is_empty());
    }
}
