//! Queries understood: the words of a search box that name a vocabulary value (a theme, a territory
//! type, a phase, a lesson's polarity or category, a kind of record) or a place (a region, a
//! department) are recognised as the filters they stand for. Search ranks the records that carry
//! them higher, and the answer names them, with their French labels, so that the page offers them as
//! filters to apply or dismiss. A value is recognised by its French label, its code where people say
//! it (« QPV »), and every term of a glossary group that holds one of those (« quartier prioritaire »,
//! « facteurs de succès »), met by stems so that plurals and accents do not matter.

use tantivy::tokenizer::TextAnalyzer;

use super::analysis;
use super::query::{Clause, parse};
use super::schema::Dimension;
use crate::domain::{DEPARTMENTS, Kind, LessonCategory, Phase, Polarity, Region, TerritoryType, Theme, Vocabulary};

/// A filter recognised in a query: the dimension and value to filter by, and the words that named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    pub dimension: Dimension,
    pub value: String,
    pub words: String,
}

/// One value that words can name, with the stems of each of its names.
#[derive(Debug, Clone)]
struct Candidate {
    dimension: Dimension,
    value: String,
    keys: Vec<Vec<String>>,
    /// Named by a proper noun that is also an ordinary word (« Cher », « Lot », « Manche »): only
    /// recognised when typed with its capital, so that « trop cher » names no place.
    proper: bool,
}

/// Departments whose name is also an ordinary French word (or a verb form): typed in lower case,
/// they are that word, not the place.
const ORDINARY_WORDS: &[&str] = &["Cher", "Lot", "Manche", "Nord", "Somme", "Vienne"];

/// The values queries are read against (built with the glossary, rebuilt when it changes).
#[derive(Debug, Clone, Default)]
pub struct Interpreter {
    candidates: Vec<Candidate>,
    /// The most stems a name has: how far a run of words is looked at.
    longest: usize,
}

/// The stems of several names.
type Keys = Vec<Vec<String>>;

/// How many words a name may span.
const MAX_NAME_WORDS: usize = 8;

/// The names people give the kinds of records besides their labels.
const KIND_NAMES: &[(Kind, &[&str])] = &[
    (Kind::Sheet, &["fiche", "fiche-projet", "fiche projet"]),
    (Kind::Lesson, &["leçon", "enseignement", "retour d'expérience", "retex"]),
    (Kind::Programme, &["programme"]),
];

fn stems(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    analysis::tokens(analyzer, text).into_iter().map(|(_, word)| word).collect()
}

fn names<T: Vocabulary>(
    dimension: Dimension,
    extra: impl Fn(T) -> Vec<&'static str>,
) -> Vec<(Dimension, String, Vec<String>)> {
    T::ALL
        .iter()
        .map(|value| {
            let mut names = vec![value.label().to_owned()];
            names.extend(extra(*value).into_iter().map(str::to_owned));
            (dimension, value.code().to_owned(), names)
        })
        .collect()
}

impl Interpreter {
    /// Builds the interpreter; `groups` are the glossary's (terms, narrower terms), each as written.
    pub fn new(groups: &[(Vec<String>, Vec<String>)]) -> Self {
        let mut stem = analysis::stemmed();
        let mut named: Vec<(Dimension, String, Vec<String>)> = Vec::new();
        named.extend(names::<Theme>(Dimension::Theme, |_| Vec::new()));
        named.extend(names::<TerritoryType>(Dimension::TerritoryType, |value| match value {
            TerritoryType::Qpv => vec!["QPV"],
            _ => Vec::new(),
        }));
        named.extend(names::<Region>(Dimension::Region, |_| Vec::new()));
        named.extend(names::<Phase>(Dimension::Phase, |_| Vec::new()));
        named.extend(names::<Polarity>(Dimension::Polarity, |_| Vec::new()));
        named.extend(names::<LessonCategory>(Dimension::Category, |_| Vec::new()));
        for (kind, extra) in KIND_NAMES {
            let mut names = vec![kind.label().to_owned()];
            names.extend(extra.iter().map(|name| (*name).to_owned()));
            named.push((Dimension::Kind, kind.as_str().to_owned(), names));
        }
        let groups: Vec<(Keys, Keys)> = groups
            .iter()
            .map(|(terms, narrower)| {
                let terms = terms.iter().map(|term| stems(&mut stem, term)).filter(|key| !key.is_empty()).collect();
                let narrower =
                    narrower.iter().map(|term| stems(&mut stem, term)).filter(|key| !key.is_empty()).collect();
                (terms, narrower)
            })
            .collect();
        let mut candidates = Vec::new();
        for (dimension, value, names) in named {
            let mut keys: Vec<Vec<String>> =
                names.iter().map(|name| stems(&mut stem, name)).filter(|key| !key.is_empty()).collect();
            // A glossary group that holds a name (as a term, or as a narrower term) lends its terms.
            let own = keys.clone();
            for (terms, narrower) in &groups {
                if own.iter().any(|key| terms.contains(key) || narrower.contains(key)) {
                    keys.extend(terms.iter().cloned());
                }
            }
            keys.retain(|key| key.len() <= MAX_NAME_WORDS);
            keys.sort();
            keys.dedup();
            if !keys.is_empty() {
                candidates.push(Candidate { dimension, value, keys, proper: false });
            }
        }
        // A department names its region.
        for department in DEPARTMENTS {
            let key = stems(&mut stem, department.name);
            if !key.is_empty() {
                candidates.push(Candidate {
                    dimension: Dimension::Region,
                    value: department.region.code().to_owned(),
                    keys: vec![key],
                    proper: ORDINARY_WORDS.contains(&department.name),
                });
            }
        }
        let longest = candidates.iter().flat_map(|candidate| candidate.keys.iter().map(Vec::len)).max().unwrap_or(0);
        Self { candidates, longest }
    }

    /// Returns the filters the words of a search box name, in the order of the words; each word is
    /// read once, in the longest name it belongs to. Excluded words (`-rural`) name nothing.
    pub fn detect(&self, text: &str) -> Vec<Detected> {
        let parsed = parse(text);
        let words: Vec<&str> = parsed
            .must
            .iter()
            .flatten()
            .flat_map(|clause| match clause {
                Clause::Word(word) | Clause::Phrase(word) => word.split_whitespace().collect::<Vec<_>>(),
            })
            .collect();
        let mut stem = analysis::stemmed();
        let mut found: Vec<Detected> = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let mut matched = None;
            for take in (1..=(words.len() - i).min(self.longest.max(1) + 2)).rev() {
                let typed = words[i..i + take].join(" ");
                let key = stems(&mut stem, &typed);
                if key.is_empty() {
                    continue;
                }
                let capital = typed.chars().next().is_some_and(char::is_uppercase);
                let named: Vec<&Candidate> = self
                    .candidates
                    .iter()
                    .filter(|candidate| candidate.keys.contains(&key) && (capital || !candidate.proper))
                    .collect();
                if !named.is_empty() {
                    matched = Some((take, typed, named));
                    break;
                }
            }
            match matched {
                Some((take, typed, named)) => {
                    for candidate in named {
                        let detected = Detected {
                            dimension: candidate.dimension,
                            value: candidate.value.clone(),
                            words: typed.clone(),
                        };
                        if !found
                            .iter()
                            .any(|known| known.dimension == detected.dimension && known.value == detected.value)
                        {
                            found.push(detected);
                        }
                    }
                    i += take;
                }
                None => i += 1,
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detected(interpreter: &Interpreter, text: &str) -> Vec<(Dimension, String)> {
        interpreter.detect(text).into_iter().map(|found| (found.dimension, found.value)).collect()
    }

    fn groups() -> Vec<(Vec<String>, Vec<String>)> {
        let group = |terms: &[&str], narrower: &[&str]| {
            (terms.iter().map(|t| (*t).to_owned()).collect(), narrower.iter().map(|t| (*t).to_owned()).collect())
        };
        vec![
            group(&["facteur de succès", "facteur clé de succès", "condition de réussite"], &[]),
            group(&["échec", "insuccès"], &["facteur d'échec"]),
        ]
    }

    #[test]
    fn vocabulary_values_places_and_kinds_are_recognised_by_stems_and_synonyms() {
        let interpreter = Interpreter::new(&groups());
        assert_eq!(detected(&interpreter, "mobilités"), vec![(Dimension::Theme, "MOBILITY".to_owned())]);
        assert_eq!(detected(&interpreter, "QPV"), vec![(Dimension::TerritoryType, "QPV".to_owned())]);
        assert_eq!(detected(&interpreter, "rural"), vec![(Dimension::TerritoryType, "RURAL".to_owned())]);
        assert_eq!(detected(&interpreter, "Bretagne"), vec![(Dimension::Region, "BRETAGNE".to_owned())]);
        assert_eq!(detected(&interpreter, "finistère"), vec![(Dimension::Region, "BRETAGNE".to_owned())]);
        assert_eq!(
            detected(&interpreter, "facteurs de succès"),
            vec![(Dimension::Polarity, "SUCCESS_FACTOR".to_owned())]
        );
        assert_eq!(detected(&interpreter, "échecs"), vec![(Dimension::Polarity, "FAILURE_FACTOR".to_owned())]);
        assert_eq!(
            detected(&interpreter, "étude d'opportunité"),
            vec![(Dimension::Phase, "OPPORTUNITY_STUDY".to_owned())]
        );
        assert_eq!(
            detected(&interpreter, "leçons mobilité rurale"),
            vec![
                (Dimension::Kind, "lesson".to_owned()),
                (Dimension::Theme, "MOBILITY".to_owned()),
                (Dimension::TerritoryType, "RURAL".to_owned())
            ]
        );
    }

    #[test]
    fn plain_words_excluded_words_and_odd_input_name_nothing() {
        let interpreter = Interpreter::new(&groups());
        assert!(detected(&interpreter, "garage associatif").is_empty());
        assert!(detected(&interpreter, "-rural").is_empty());
        // A department whose name is an ordinary word is a place only with its capital.
        assert!(detected(&interpreter, "trop cher").is_empty());
        assert!(detected(&interpreter, "un lot de vêtements").is_empty());
        assert_eq!(detected(&interpreter, "Cher"), vec![(Dimension::Region, "CENTRE_VAL_DE_LOIRE".to_owned())]);
        assert_eq!(detected(&interpreter, "dordogne"), vec![(Dimension::Region, "NOUVELLE_AQUITAINE".to_owned())]);
        for odd in ["", "   ", "\"", "de la", "OR", "日本", &"é".repeat(1000)] {
            let _ = interpreter.detect(odd);
        }
    }
}
