//! The languages of messages. retex writes its messages in English in the code (as gettext does with
//! its message ids) and answers in French by default: `french.rs` is the catalogue that turns each
//! English message, with its variable parts, into French. The API asks `Language::from_accept` which
//! language a client reads (`Accept-Language: en` for English); the command line speaks French.
//!
//! A template is an English message with `{}` where a variable part goes; its French side names the
//! parts in order with `{}`, or by position with `{0}`, `{1}`… A variable part is itself translated
//! when it is a message of the catalogue (a problem inside an error), so templates nest.

mod french;

use std::sync::OnceLock;

/// A language messages are given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    French,
    English,
}

impl Language {
    /// Reads an `Accept-Language` header: English when the client prefers English to French, French
    /// otherwise (no header, `*`, `fr`, or a language retex does not speak).
    pub fn from_accept(header: Option<&str>) -> Self {
        let Some(header) = header else { return Language::French };
        let mut best: Option<(f32, Language)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or_default().trim().to_ascii_lowercase();
            let quality = pieces
                .find_map(|piece| piece.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()))
                .unwrap_or(1.0);
            let language = match tag.split('-').next().unwrap_or_default() {
                "fr" => Language::French,
                "en" => Language::English,
                _ => continue,
            };
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, language));
            }
        }
        best.map_or(Language::French, |(_, language)| language)
    }

    /// The message of invalid input in this language, problem by problem, field names kept: in
    /// English as `Error::InvalidInput` words it, « saisie invalide : champ : problème ; … » in French.
    pub fn invalid_input(self, problems: &[crate::domain::FieldProblem]) -> String {
        let (head, colon, separator) = match self {
            Language::French => ("saisie invalide : ", " : ", " ; "),
            Language::English => ("invalid input: ", ": ", "; "),
        };
        let problems: Vec<String> =
            problems.iter().map(|problem| format!("{}{colon}{}", problem.field, self.say(&problem.problem))).collect();
        format!("{head}{}", problems.join(separator))
    }

    /// Gives an English message in this language.
    pub fn say(self, message: &str) -> String {
        match self {
            Language::English => message.to_owned(),
            Language::French => french(message),
        }
    }
}

/// One entry of a catalogue, its English side cut at its placeholders.
struct Template {
    /// The literal parts around the placeholders: one more than the placeholders.
    parts: Vec<&'static str>,
    french: &'static str,
}

fn catalogue() -> &'static [Template] {
    static TEMPLATES: OnceLock<Vec<Template>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        let mut templates: Vec<Template> = french::MESSAGES
            .iter()
            .map(|(english, french)| Template { parts: english.split("{}").collect(), french })
            .collect();
        // The most specific templates first: a longer leading text (a wrapper such as « conflict: »
        // over a template that starts with its variable part), then more literal text in all.
        templates.sort_by_key(|template| {
            let total: usize = template.parts.iter().map(|part| part.len()).sum();
            std::cmp::Reverse((template.parts.first().map_or(0, |part| part.len()), total))
        });
        templates
    })
}

/// Matches `message` against a template's parts, returning the variable parts.
fn captures<'m>(parts: &[&str], message: &'m str) -> Option<Vec<&'m str>> {
    let (first, rest) = parts.split_first()?;
    let mut remaining = message.strip_prefix(first)?;
    let mut captured = Vec::with_capacity(rest.len());
    for (index, part) in rest.iter().enumerate() {
        let last = index + 1 == rest.len();
        let end = if last {
            if !remaining.ends_with(part) {
                return None;
            }
            remaining.len() - part.len()
        } else if part.is_empty() {
            return None;
        } else {
            remaining.find(part)?
        };
        captured.push(&remaining[..end]);
        remaining = &remaining[end + part.len()..];
    }
    if rest.is_empty() && !remaining.is_empty() {
        return None;
    }
    Some(captured)
}

/// Fills a French template with its variable parts (`{}` in order, `{0}`… by position).
fn fill(template: &str, values: &[String]) -> String {
    let mut out = String::with_capacity(template.len() + values.iter().map(String::len).sum::<usize>());
    let mut next = 0;
    let mut chars = template.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c == '{' {
            let close = template[at..].find('}').map(|offset| at + offset);
            if let Some(close) = close {
                let inside = &template[at + 1..close];
                let index = if inside.is_empty() {
                    next += 1;
                    Some(next - 1)
                } else {
                    inside.parse::<usize>().ok()
                };
                if let Some(value) = index.and_then(|index| values.get(index)) {
                    out.push_str(value);
                    while chars.peek().is_some_and(|(position, _)| *position <= close) {
                        chars.next();
                    }
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

/// How deep variable parts are translated in turn.
const MAX_NESTING: usize = 4;

fn translate(message: &str, depth: usize) -> Option<String> {
    if depth > MAX_NESTING || message.is_empty() {
        return None;
    }
    catalogue().iter().find_map(|template| {
        let values = captures(&template.parts, message)?;
        let values: Vec<String> =
            values.into_iter().map(|value| translate(value, depth + 1).unwrap_or_else(|| value.to_owned())).collect();
        Some(fill(template.french, &values))
    })
}

/// Gives an English message in French; a message the catalogue lacks is given as it is.
pub fn french(message: &str) -> String {
    translate(message, 0).unwrap_or_else(|| message.to_owned())
}

/// Whether the catalogue knows this message (for the tests that check every message is translated).
pub fn has_french(message: &str) -> bool {
    translate(message, 0).is_some()
}

/// Writes a number the French way: thousands apart by a narrow no-break space (`12 345`), a decimal
/// comma (`0,87`), `decimals` figures after it.
pub fn number(value: f64, decimals: usize) -> String {
    crate::domain::french_number(value, decimals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_english_only_when_preferred() {
        assert_eq!(Language::from_accept(None), Language::French);
        assert_eq!(Language::from_accept(Some("en")), Language::English);
        assert_eq!(Language::from_accept(Some("en-GB,en;q=0.9")), Language::English);
        assert_eq!(Language::from_accept(Some("fr-FR,fr;q=0.9,en;q=0.8")), Language::French);
        assert_eq!(Language::from_accept(Some("de, en;q=0.5")), Language::English);
        assert_eq!(Language::from_accept(Some("de")), Language::French);
        assert_eq!(Language::from_accept(Some("en;q=0")), Language::French);
    }

    #[test]
    fn templates_capture_their_variable_parts() {
        assert_eq!(captures(&["there is no organisation ", ""], "there is no organisation 4"), Some(vec!["4"]));
        assert_eq!(captures(&["", " not found"], "sheet x not found"), Some(vec!["sheet x"]));
        assert_eq!(captures(&["a ", " b ", " c"], "a 1 b 2 c"), Some(vec!["1", "2"]));
        assert_eq!(captures(&["a ", " c"], "a 1 b"), None);
        assert_eq!(captures(&["exact"], "exact"), Some(vec![]));
        assert_eq!(captures(&["exact"], "exact and more"), None);
        assert_eq!(fill("{1} puis {0}", &["a".into(), "b".into()]), "b puis a");
        assert_eq!(fill("{} et {}", &["a".into(), "b".into()]), "a et b");
    }

    #[test]
    fn every_template_has_as_many_parts_in_french_as_in_english() {
        for (english, french) in french::MESSAGES {
            let holes = english.matches("{}").count();
            let mut named = 0;
            let mut rest = *french;
            while let Some(start) = rest.find('{') {
                let Some(end) = rest[start..].find('}') else { break };
                let inside = &rest[start + 1..start + end];
                if inside.is_empty() || inside.parse::<usize>().is_ok() {
                    named += 1;
                }
                rest = &rest[start + end + 1..];
            }
            assert!(named >= holes.min(1) || holes == 0, "{english:?} → {french:?}");
            assert!(named <= holes.max(named), "{english:?}");
            assert!(!english.trim().is_empty() && english.trim() != "{}", "a template must hold some text");
        }
    }

    #[test]
    fn numbers_are_written_the_french_way() {
        assert_eq!(number(12345.0, 0), "12\u{202f}345");
        assert_eq!(number(0.8704, 3), "0,870");
        assert_eq!(number(-1234567.5, 1), "-1\u{202f}234\u{202f}567,5");
    }
}
