//! The names a kind of record goes by: in file names and folders, in a Markdown file's `type:`, and in
//! the problems about a dataset's lists.

use super::{fold, normalise};
use crate::dataset::files;
use crate::domain::Kind;

/// The names a kind of record goes by in file names and `type:` keys, the first being the one written
/// (as a file or folder name); the French singular is `type_name`.
const KIND_NAMES: [(Kind, &[&str]); 5] = [
    (
        Kind::Organisation,
        &["organisations", "organisation", "organizations", "organization", "structures", "structure"],
    ),
    (Kind::Territory, &["territoires", "territoire", "territories", "territory"]),
    (Kind::Programme, &["programmes", "programme", "programs", "program"]),
    (Kind::Sheet, &["fiches", "fiche", "fiches-projet", "fiche-projet", "sheets", "sheet"]),
    (Kind::Lesson, &["lecons", "lecon", "lessons", "lesson"]),
];

/// Returns the kind a `type:` value names (`fiche`, `Leçon`, `fiches-projet`…).
pub fn kind_named(name: &str) -> Option<Kind> {
    let wanted = normalise(name);
    KIND_NAMES
        .iter()
        .find(|(_, names)| names.iter().any(|candidate| normalise(candidate) == wanted))
        .map(|(kind, _)| *kind)
}

/// Returns the kind a file stem names: the stem is a kind name or ends with `-` or `_` and one
/// (`fiches`, `2024_lecons`, `retex-organisations`).
pub fn kind_of_stem(stem: &str) -> Option<Kind> {
    let stem: String = fold(stem).chars().map(|c| if matches!(c, '_' | ' ') { '-' } else { c }).collect();
    KIND_NAMES
        .iter()
        .flat_map(|(kind, names)| names.iter().map(move |name| (*kind, *name)))
        .filter(|(_, name)| stem == *name || stem.ends_with(&format!("-{name}")))
        .max_by_key(|(_, name)| name.len())
        .map(|(kind, _)| kind)
}

/// Returns the names a kind may be given, for problems.
pub fn kind_names() -> String {
    let names: Vec<&str> = KIND_NAMES.iter().flat_map(|(_, names)| names.iter().copied()).collect();
    names.join(", ")
}

/// Returns the name a kind's files or folder are written under (`fiches`).
pub fn plural_name(kind: Kind) -> &'static str {
    KIND_NAMES.iter().find(|(candidate, _)| *candidate == kind).map_or("", |(_, names)| names[0])
}

/// Returns the name a kind's records go by as a title (a workbook's worksheet): `Fiches`, `Leçons`.
pub fn title_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Organisation => "Organisations",
        Kind::Territory => "Territoires",
        Kind::Programme => "Programmes",
        Kind::Sheet => "Fiches",
        Kind::Lesson => "Leçons",
    }
}

/// Returns the French singular a Markdown file's `type:` is written with (`fiche`).
pub fn type_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Organisation => "organisation",
        Kind::Territory => "territoire",
        Kind::Programme => "programme",
        Kind::Sheet => "fiche",
        Kind::Lesson => "leçon",
    }
}

/// Returns the name problems give a kind's list in a dataset (`sheets`).
pub fn list_name(kind: Kind) -> files::List {
    match kind {
        Kind::Organisation => "organisations",
        Kind::Territory => "territories",
        Kind::Programme => "programmes",
        Kind::Sheet => "sheets",
        Kind::Lesson => "lessons",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_file_stems_and_type_names() {
        assert_eq!(kind_of_stem("fiches"), Some(Kind::Sheet));
        assert_eq!(kind_of_stem("2024_Leçons"), Some(Kind::Lesson));
        assert_eq!(kind_of_stem("retex-organisations"), Some(Kind::Organisation));
        assert_eq!(kind_of_stem("mes-fiches-projet"), Some(Kind::Sheet));
        assert_eq!(kind_of_stem("garages"), None);
        assert_eq!(kind_of_stem("superfiches"), None);
        assert_eq!(kind_named("Leçon"), Some(Kind::Lesson));
        assert_eq!(kind_named("fiche-projet"), Some(Kind::Sheet));
    }
}
