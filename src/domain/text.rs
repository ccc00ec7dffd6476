//! Validated values: text bounded in length and free of control characters, slugs, web addresses,
//! French company identifiers and years. Each has a private field and a fallible constructor, so a value
//! of these types is valid by construction and deeper layers never check again ("parse, don't
//! validate"). Problems are collected per field so that one answer can name every mistake at once.

use std::fmt;

/// One problem with one input field: which field (a path such as `phases[2].endedOn`) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: String,
    pub problem: String,
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

/// Collects the problems found while turning raw input into domain values.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldProblem>);

impl Problems {
    /// Keeps the value, or records the problem under `field` and returns `None`.
    pub fn check<T>(&mut self, field: impl Into<String>, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(problem) => {
                self.0.push(FieldProblem { field: field.into(), problem });
                None
            }
        }
    }

    /// Records a problem that is not the result of a parse.
    pub fn add(&mut self, field: impl Into<String>, problem: impl Into<String>) {
        self.0.push(FieldProblem { field: field.into(), problem: problem.into() });
    }

    /// Parses every element of a list, naming the failing ones by index (`themes[3]`).
    pub fn check_all<T, R>(
        &mut self,
        field: &str,
        raw: impl IntoIterator<Item = R>,
        parse: impl Fn(R) -> Result<T, String>,
    ) -> Option<Vec<T>> {
        let mut values = Vec::new();
        let mut ok = true;
        for (index, item) in raw.into_iter().enumerate() {
            match self.check(format!("{field}[{index}]"), parse(item)) {
                Some(value) => values.push(value),
                None => ok = false,
            }
        }
        if values.len() > MAX_LIST_ITEMS {
            self.add(field, format!("has {} items, at most {MAX_LIST_ITEMS} are allowed", values.len()));
            return None;
        }
        ok.then_some(values)
    }

    /// The fields that have a problem so far.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|problem| problem.field.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Returns the problems, or `Ok(())` when there are none.
    pub fn into_result(self) -> Result<(), Vec<FieldProblem>> {
        if self.0.is_empty() { Ok(()) } else { Err(self.0) }
    }

    pub fn into_vec(self) -> Vec<FieldProblem> {
        self.0
    }
}

/// The most items any list field may hold (themes, programmes, phase records…).
pub const MAX_LIST_ITEMS: usize = 50;

/// Text of at most `MAX` characters with no control characters but line breaks and tabs, trimmed.
/// `NON_EMPTY` says whether the empty string is refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Text<const MAX: usize, const NON_EMPTY: bool>(String);

/// A name or a title: one line, 1 to 200 characters.
pub type Title = Text<200, true>;
/// A short optional label (a unit, a speaker's role): up to 200 characters.
pub type Label = Text<200, false>;
/// A summary: up to 2,000 characters.
pub type Summary = Text<2_000, false>;
/// A paragraph of prose (context, lesson, recommendation, evidence, quote…): up to 10,000 characters.
pub type Prose = Text<10_000, false>;
/// A Markdown body: up to 100,000 characters.
pub type Body = Text<100_000, false>;

impl<const MAX: usize, const NON_EMPTY: bool> Text<MAX, NON_EMPTY> {
    /// Trims the text and checks its length and characters.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let text = raw.trim();
        if NON_EMPTY && text.is_empty() {
            return Err("must not be empty".into());
        }
        let length = text.chars().count();
        if length > MAX {
            return Err(format!("is {length} characters long, at most {MAX} are allowed"));
        }
        if let Some(bad) = text.chars().find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            return Err(format!("contains the control character U+{:04X}", bad as u32));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize, const NON_EMPTY: bool> fmt::Display for Text<MAX, NON_EMPTY> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A stable, URL-safe key: 1 to 80 lower-case ASCII letters, digits and single hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    pub const MAX: usize = 80;

    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.is_empty() {
            return Err("must not be empty".into());
        }
        if raw.len() > Self::MAX {
            return Err(format!("is {} characters long, at most {} are allowed", raw.len(), Self::MAX));
        }
        let well_formed = raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !raw.starts_with('-')
            && !raw.ends_with('-')
            && !raw.contains("--");
        if !well_formed {
            return Err(format!(
                "`{}` is not a slug: use lower-case letters a-z, digits and single hyphens, e.g. `garage-solidaire-brest`",
                raw.escape_debug()
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// Derives a slug from a French title: « L’épicerie de Retiers » → `l-epicerie-de-retiers`.
    pub fn from_title(title: &str) -> Option<Self> {
        let mut slug = String::new();
        for c in fold(title).chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
            if slug.len() >= Self::MAX {
                break;
            }
        }
        let slug = slug.trim_end_matches('-');
        Self::parse(slug).ok()
    }

    /// The `n`th variant of this slug (`garage-solidaire-2`), shortened to stay within `MAX`.
    pub fn numbered(&self, n: u32) -> Self {
        let suffix = format!("-{n}");
        let mut base = self.0.as_str();
        if base.len() + suffix.len() > Self::MAX {
            base = base[..Self::MAX - suffix.len()].trim_end_matches('-');
        }
        Self(format!("{base}{suffix}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Folds a text for comparisons: lower case, accents off (« Épicerie » → `epicerie`), ligatures
/// spelled out (œ → oe, æ → ae, ß → ss). Unicode decomposition (NFD) does the work, so every accented
/// letter folds, not only French ones. Slugs and the column names of dataset files fold with it; the
/// index and the glossary fold words as they are searched (`search::analysis`).
pub fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let mut out = String::with_capacity(text.len());
    for c in text.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase) {
        match c {
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            other => out.push(other),
        }
    }
    out
}

/// An absolute http(s) address of at most 2,000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebAddress(String);

impl WebAddress {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.len() > 2_000 {
            return Err(format!("is {} characters long, at most 2000 are allowed", raw.len()));
        }
        let rest = raw
            .strip_prefix("https://")
            .or_else(|| raw.strip_prefix("http://"))
            .ok_or_else(|| "must be an absolute http:// or https:// address".to_owned())?;
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("must name a host, as in https://www.avise.org/".into());
        }
        if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("must not contain spaces or control characters".into());
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A SIREN company number: nine digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Siren(String);

impl Siren {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.len() == 9 && compact.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(compact))
        } else {
            Err("must be nine digits (SIREN)".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An association number from the Répertoire national des associations: `W` and nine digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rna(String);

impl Rna {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let upper = raw.trim().to_ascii_uppercase();
        let digits = upper.strip_prefix('W').unwrap_or_default();
        if digits.len() == 9 && digits.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Ok(Self(upper))
        } else {
            Err("must be W followed by nine characters (RNA), as in W751234567".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A calendar year between 1900 and 2100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Year(i32);

impl Year {
    pub fn parse(raw: i64) -> Result<Self, String> {
        if (1900..=2100).contains(&raw) {
            Ok(Self(raw as i32))
        } else {
            Err(format!("{raw} is not a year between 1900 and 2100"))
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// An amount of money in euros, kept in cents: 0 to ten billion euros.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(i64);

impl Amount {
    /// The largest amount accepted, in cents (ten billion euros).
    const MAX_CENTS: i64 = 1_000_000_000_000;

    /// Reads an amount in euros as people write it: `12500`, `12 500`, `12 500,50 €`, `12.500,50`,
    /// `12500.5`, `EUR 3 000`. At most two decimals; never negative.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let cleaned: String = raw
            .trim()
            .trim_end_matches("EUR")
            .trim_start_matches("EUR")
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '€' | '\u{202f}' | '\u{a0}' | '\''))
            .collect();
        let not_amount =
            || format!("`{}` is not an amount: write a number of euros, such as 12 500 or 12 500,50", raw.trim());
        if cleaned.is_empty() {
            return Err("is empty: write a number of euros, such as 12 500".into());
        }
        let normalised = match (cleaned.contains('.'), cleaned.contains(',')) {
            // 12.500,50: dots group thousands, the comma is the decimal mark.
            (true, true) => cleaned.replace('.', "").replace(',', "."),
            (false, true) => cleaned.replace(',', "."),
            // 12.500 (three figures after one dot) groups thousands the continental way.
            (true, false) if cleaned.matches('.').count() > 1 => cleaned.replace('.', ""),
            _ => cleaned,
        };
        if normalised.starts_with('-') {
            return Err(format!("`{}` is negative: an amount is 0 or more", raw.trim()));
        }
        if !normalised.chars().all(|c| c.is_ascii_digit() || c == '.') || normalised.matches('.').count() > 1 {
            return Err(not_amount());
        }
        let (whole, fraction) = normalised.split_once('.').unwrap_or((&normalised, ""));
        if whole.is_empty() && fraction.is_empty() {
            return Err(not_amount());
        }
        if fraction.len() > 2 {
            return Err(format!("`{}` has more than two decimals: amounts are in euros and cents", raw.trim()));
        }
        let euros: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| not_amount())? };
        let cents: i64 = format!("{fraction:0<2}").parse().map_err(|_| not_amount())?;
        let total = euros.checked_mul(100).and_then(|value| value.checked_add(cents));
        match total {
            Some(total) if total <= Self::MAX_CENTS => Ok(Self(total)),
            _ => Err(format!("`{}` is more than ten billion euros", raw.trim())),
        }
    }

    /// Reads an amount given as a number of euros (the API's `Float`).
    pub fn from_euros(euros: f64) -> Result<Self, String> {
        if !euros.is_finite() {
            return Err("must be a finite number of euros".into());
        }
        if euros < 0.0 {
            return Err(format!("{euros} is negative: an amount is 0 or more"));
        }
        let cents = (euros * 100.0).round();
        if (euros * 100.0 - cents).abs() > 1e-6 * cents.abs().max(1.0) {
            return Err(format!("{euros} has more than two decimals: amounts are in euros and cents"));
        }
        if cents > Self::MAX_CENTS as f64 {
            return Err(format!("{euros} is more than ten billion euros"));
        }
        Ok(Self(cents as i64))
    }

    /// An amount of so many cents, as stored.
    pub fn from_cents(cents: i64) -> Result<Self, String> {
        if (0..=Self::MAX_CENTS).contains(&cents) {
            Ok(Self(cents))
        } else {
            Err(format!("{cents} cents is not an amount between 0 and ten billion euros"))
        }
    }

    pub fn cents(self) -> i64 {
        self.0
    }

    pub fn euros(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// The amount as a plain number of euros (`12500`, `12500.5`), as datasets write it.
    pub fn plain(self) -> String {
        if self.0 % 100 == 0 { format!("{}", self.0 / 100) } else { format!("{}.{:02}", self.0 / 100, self.0 % 100) }
    }
}

/// Writes a number the French way: thousands apart by a narrow no-break space (`12 345`), a decimal
/// comma (`0,87`), `decimals` figures after it.
pub fn french_number(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(digit);
    }
    let sign = if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') { "-" } else { "" };
    if fraction.is_empty() { format!("{sign}{grouped}") } else { format!("{sign}{grouped},{fraction}") }
}

/// A finite number (indicator values): no NaN, no infinity.
pub fn finite(raw: f64) -> Result<f64, String> {
    if raw.is_finite() { Ok(raw) } else { Err("must be a finite number".into()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_as_people_write_them() {
        for (raw, cents) in [
            ("12500", 1_250_000),
            ("12 500", 1_250_000),
            ("12\u{202f}500,50 €", 1_250_050),
            ("12.500,5", 1_250_050),
            ("12500.5", 1_250_050),
            ("1.250.000", 125_000_000),
            ("EUR 3 000", 300_000),
            ("0", 0),
        ] {
            assert_eq!(Amount::parse(raw).map(Amount::cents), Ok(cents), "{raw}");
        }
        for bad in ["", "douze mille", "-5", "12,345", "1e5", "12 500 k€", "99999999999999"] {
            assert!(Amount::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!(Amount::from_euros(12500.5).map(Amount::plain), Ok("12500.50".into()));
        assert_eq!(Amount::from_euros(3000.0).map(Amount::plain), Ok("3000".into()));
        assert!(Amount::from_euros(0.001).is_err());
        assert!(Amount::from_euros(f64::NAN).is_err());
        assert!(Amount::from_euros(-1.0).is_err());
    }

    #[test]
    fn a_numbered_slug_stays_a_slug_within_its_length() {
        let slug = Slug::parse("garage-solidaire").expect("a slug");
        assert_eq!(slug.numbered(2).as_str(), "garage-solidaire-2");
        let long = Slug::parse(&format!("{}-b", "a".repeat(77))).expect("a slug of 79");
        let numbered = long.numbered(12);
        assert_eq!(numbered.as_str(), format!("{}-12", "a".repeat(77)), "the base is cut, never a trailing hyphen");
        assert!(Slug::parse(numbered.as_str()).is_ok());
    }

    #[test]
    fn a_title_is_trimmed_and_bounded() {
        assert_eq!(Title::parse("  Garage  ").map(|t| t.to_string()), Ok("Garage".to_owned()));
        assert!(Title::parse("   ").is_err());
        assert!(Title::parse(&"é".repeat(201)).is_err());
        assert!(Title::parse(&"é".repeat(200)).is_ok());
        assert!(Title::parse("a\u{0}b").is_err());
        assert!(Prose::parse("ligne\nsuivante").is_ok());
    }

    #[test]
    fn slugs_are_strict_and_derivable_from_french_titles() {
        assert!(Slug::parse("garage-solidaire-brest").is_ok());
        for bad in ["", "Garage", "a--b", "-a", "a-", "é", "a b", "a_b"] {
            assert!(Slug::parse(bad).is_err(), "{bad} should be refused");
        }
        let slug = Slug::from_title("L’épicerie solidaire de Retiers — Œuvre").map(|s| s.to_string());
        assert_eq!(slug.as_deref(), Some("l-epicerie-solidaire-de-retiers-oeuvre"));
    }

    #[test]
    fn identifiers_and_addresses_are_checked() {
        assert!(Siren::parse("123 456 789").is_ok());
        assert!(Siren::parse("12345678").is_err());
        assert!(Rna::parse("w751234567").is_ok());
        assert!(Rna::parse("751234567").is_err());
        assert!(WebAddress::parse("https://www.avise.org/").is_ok());
        assert!(WebAddress::parse("javascript:alert(1)").is_err());
        assert!(WebAddress::parse("https:///x").is_err());
        assert!(Year::parse(2020).is_ok());
        assert!(Year::parse(20_200).is_err());
        assert!(finite(f64::NAN).is_err());
    }
}
