//! The layering rules of ARCHITECTURE.md, checked on the source: which modules of the crate, and which
//! libraries, each layer may name. A layer owns its library (`store/` sea-orm, `search/` tantivy,
//! `graphql/` async-graphql, `http.rs` axum); `domain/` names none of them; the API (`graphql/`) speaks
//! to the use cases (`app/`) and the domain only.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The libraries that belong to one layer each.
const OWNED: [(&str, &str); 7] = [
    ("sea_orm", "store"),
    ("migration", "store"),
    ("tantivy", "search"),
    ("async_graphql", "graphql"),
    ("axum", "http"),
    ("tower_http", "http"),
    ("lettre", "mail"),
];

/// For each layer, the modules of the crate it may name (besides its own).
const MAY_NAME: [(&str, &[&str]); 21] = [
    ("domain", &[]),
    ("error", &["domain"]),
    ("ids", &["domain"]),
    ("store", &["domain", "error"]),
    ("search", &["domain", "error"]),
    ("dataset", &["domain", "error"]),
    ("indexer", &["domain", "error", "search", "store"]),
    ("app", &["domain", "error", "ids", "store", "search", "indexer", "dataset", "mail"]),
    ("graphql", &["app", "domain", "error", "ids", "i18n"]),
    ("http", &["app", "graphql", "domain", "error", "dataset", "telemetry", "web", "i18n"]),
    // E-mail sends the one-time links; the languages of messages are a catalogue over the domain.
    ("mail", &["domain", "error"]),
    ("i18n", &["domain"]),
    ("web", &[]),
    ("telemetry", &[]),
    ("progress", &["domain"]),
    ("config", &["store", "dataset"]),
    ("demo", &["app", "dataset", "domain", "error"]),
    // The administrative commands act on storage itself: backups (`store`) and index rebuilds (`indexer`).
    (
        "commands",
        &[
            "app",
            "config",
            "dataset",
            "demo",
            "domain",
            "error",
            "ids",
            "progress",
            "relevance",
            "store",
            "indexer",
            "i18n",
        ],
    ),
    // The relevance suite runs queries through the search use case, as the search box does.
    ("relevance", &["app", "domain", "error"]),
    (
        "lib",
        &[
            "app",
            "config",
            "http",
            "graphql",
            "indexer",
            "store",
            "telemetry",
            "error",
            "domain",
            "progress",
            "mail",
            "i18n",
        ],
    ),
    ("main", &[]),
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read a source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            out.push(path);
        }
    }
}

/// The layer a source file belongs to: its folder under `src/`, or its file name.
fn layer(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).expect("under src");
    let first = relative.components().next().expect("a component").as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_owned()
}

/// The names following `prefix` in the code of a file: comment lines and the unit tests at the end of
/// the file (from `#[cfg(test)]` on, which may use anything) left out.
fn named_after(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let lines = code.lines().take_while(|line| line.trim() != "#[cfg(test)]");
    for line in lines.filter(|line| !line.trim_start().starts_with("//")) {
        let mut rest = line;
        while let Some(at) = rest.find(prefix) {
            let boundary = rest[..at].chars().last().is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            let after = &rest[at + prefix.len()..];
            let name: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if boundary && !name.is_empty() {
                names.insert(name);
            }
            rest = after;
        }
    }
    names
}

#[test]
fn each_layer_names_only_the_modules_and_libraries_it_may() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let mut broken = Vec::new();
    for file in &files {
        let layer = layer(&src, file);
        let code = std::fs::read_to_string(file).expect("read a source file");
        let Some((_, allowed)) = MAY_NAME.iter().find(|(name, _)| *name == layer) else {
            broken.push(format!("{}: layer `{layer}` has no rule in tests/api/layers.rs", file.display()));
            continue;
        };
        for module in named_after(&code, "crate::") {
            if module != layer && !allowed.contains(&module.as_str()) {
                broken.push(format!("{}: `{layer}` names crate::{module}", file.display()));
            }
        }
        for (library, owner) in OWNED {
            if owner != layer && !named_after(&code, &format!("{library}::")).is_empty() {
                broken.push(format!("{}: `{layer}` names {library}, which belongs to `{owner}`", file.display()));
            }
        }
    }
    assert!(broken.is_empty(), "layering rules broken:\n{}", broken.join("\n"));
}

#[test]
fn the_rules_see_a_broken_import() {
    let code = "use crate::store::Revision;\n// use crate::search::Hit;\nlet x = sea_orm::Condition::all();";
    assert_eq!(named_after(code, "crate::"), BTreeSet::from(["store".to_owned()]));
    assert_eq!(named_after(code, "sea_orm::").len(), 1);
    assert!(named_after("let mycrate::x = 1;", "crate::").is_empty(), "a longer name is not `crate::`");
}
