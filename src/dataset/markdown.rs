//! Markdown: one record per file, as practitioners write them. A YAML front matter between two `---`
//! lines holds the fields (French labels or camelCase names, `type: fiche` first); the text after it
//! is the sheet's story, the programme's summary, or a lesson's sections (`## Contexte`, `## Leçon`,
//! `## Recommandation`, `## Preuves`). The slug defaults to the file's stem, the title to a first
//! `# Heading`.
//!
//! Keys become a JSON object that the record's serde form accepts or refuses (see `columns`); this
//! module only knows front matter, headings and sections.

use std::collections::HashSet;
use std::path::Path;

use serde_json::{Map, Value};

use super::columns::{self, Shape};
use super::*;

// Long by nature: one pass over the file, front matter then sections, each problem located to its line.
/// Reads one Markdown file: one record, located as `name`. Returns every problem of the file.
pub fn read(name: &str, text: &str) -> Result<(Dataset, Locations), Vec<FieldProblem>> {
    let mut problems = Problems::default();
    let Some(parts) = split(text) else {
        return Err(vec![FieldProblem {
            field: name.to_owned(),
            problem: "has no front matter: start the file with a `---` line, then `type: fiche` and the other \
                      fields, then a `---` line"
                .into(),
        }]);
    };
    let front = match parse_front_matter(name, parts.yaml) {
        Ok(front) => front,
        Err(problem) => return Err(vec![problem]),
    };
    let (kind, front) = match take_kind(name, front) {
        Ok(found) => found,
        Err(problem) => return Err(vec![problem]),
    };

    let mut object = Map::new();
    let mut point = Map::new();
    for (key, value) in front {
        let place = match key_line(parts.yaml, &key) {
            Some(line) => format!("{name}:{}: {key}", line + 1),
            None => format!("{name}: {key}"),
        };
        let Some(field) = columns::resolve(kind, &key) else {
            problems.add(place, format!("unknown key; {}", columns::hint(kind)));
            continue;
        };
        let target = match field.shape {
            Shape::Latitude | Shape::Longitude => &mut point,
            _ => &mut object,
        };
        if target.contains_key(field.name) {
            problems.add(place, format!("`{}` is given twice", field.name));
            continue;
        }
        match columns::from_value(&field, value) {
            Ok(Some(value)) => {
                target.insert(field.name.to_owned(), value);
            }
            Ok(None) => {}
            Err(problem) => problems.add(place, problem),
        }
    }
    match point.len() {
        0 => {}
        2 => {
            object.insert("centroid".to_owned(), Value::Object(point));
        }
        _ => problems.add(format!("{name}: latitude"), "latitude and longitude are given together or not at all"),
    }

    let title_field = if matches!(kind, Kind::Sheet | Kind::Lesson) { "title" } else { "name" };
    let mut body = parts.body.to_owned();
    if !object.contains_key(title_field)
        && let Some((title, rest)) = take_heading(&body)
    {
        object.insert(title_field.to_owned(), Value::String(title));
        body = rest;
    }
    read_body(name, kind, parts.body_line, &body, &mut object, &mut problems);

    if !object.contains_key("slug") {
        let stem = Path::new(name).file_stem().and_then(|stem| stem.to_str()).unwrap_or_default();
        match Slug::from_title(stem) {
            Some(slug) => {
                object.insert("slug".to_owned(), Value::String(slug.to_string()));
            }
            None => problems.add(
                format!("{name}: identifiant"),
                "has no slug: give `identifiant:` or name the file with letters or digits",
            ),
        }
    }
    for required in columns::required(kind) {
        if !object.contains_key(*required) {
            let how = if *required == title_field { " (or start the text with a `# Title` line)" } else { "" };
            problems.add(
                format!("{name}: {}", columns::label(kind, required)),
                format!("is required: give `{}:`{how}", columns::label(kind, required)),
            );
        }
    }
    problems.into_result()?;

    let mut dataset = Dataset { format: FORMAT.to_owned(), ..Dataset::default() };
    let index = columns::push(&mut dataset, kind, object)
        .map_err(|problem| vec![FieldProblem { field: name.to_owned(), problem }])?;
    let mut locations = Locations::default();
    locations.insert(columns::list_name(kind), index, name);
    Ok((dataset, locations))
}

/// The fields a kind keeps in the text after the front matter rather than in it.
fn body_fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Sheet => &["body"],
        Kind::Programme => &["summary"],
        Kind::Lesson => &["context", "lesson", "recommendation", "evidence"],
        Kind::Organisation | Kind::Territory => &[],
    }
}

/// The sections of a lesson: its field, the heading written, the other headings accepted.
const SECTIONS: [(&str, &str, &[&str]); 4] = [
    ("context", "Contexte", &["context"]),
    ("lesson", "Leçon", &["leçons", "enseignement", "enseignements", "lesson", "lessons"]),
    ("recommendation", "Recommandation", &["recommandations", "recommendation", "recommendations"]),
    ("evidence", "Preuves", &["preuve", "éléments de preuve", "evidence"]),
];

pub(super) fn to_markdown(kind: Kind, object: &Map<String, Value>) -> Result<String, String> {
    let mut front = serde_norway::Mapping::new();
    front.insert("type".into(), columns::type_name(kind).into());
    for key in columns::layout(kind, std::slice::from_ref(object)) {
        let Some(value) = object.get(key).filter(|value| !columns::is_blank(value)) else { continue };
        if body_fields(kind).contains(&key) {
            continue;
        }
        let yaml = match (columns::resolve(kind, key).map(|field| field.shape), value) {
            (Some(Shape::Nested(form)), Value::Array(items)) => {
                serde_norway::Value::Sequence(items.iter().map(|item| ordered(form, item)).collect::<Result<_, _>>()?)
            }
            _ => serde_norway::to_value(value).map_err(|err| err.to_string())?,
        };
        front.insert(columns::label(kind, key).into(), yaml);
    }
    let yaml = serde_norway::to_string(&serde_norway::Value::Mapping(front)).map_err(|err| err.to_string())?;
    let text = |key: &str| object.get(key).and_then(Value::as_str).unwrap_or_default();
    let body = match kind {
        Kind::Lesson => {
            let sections: Vec<String> = SECTIONS
                .iter()
                .filter(|(key, _, _)| !text(key).is_empty())
                .map(|(key, heading, _)| format!("## {heading}\n\n{}\n", text(key)))
                .collect();
            sections.join("\n")
        }
        _ => body_fields(kind).first().map(|key| format!("{}\n", text(key))).unwrap_or_default(),
    };
    let body = if body.trim().is_empty() { String::new() } else { format!("\n{body}") };
    Ok(format!("---\n{yaml}---\n{body}"))
}

/// Writes an item of a nested list with its keys in the form's order (`phase` first), not the
/// alphabetical order of a JSON object.
fn ordered(form: columns::Form, item: &Value) -> Result<serde_norway::Value, String> {
    let Value::Object(object) = item else {
        return serde_norway::to_value(item).map_err(|err| err.to_string());
    };
    let mut keys: Vec<&str> = form.key_names().filter(|key| object.contains_key(*key)).collect();
    keys.extend(object.keys().map(String::as_str).filter(|key| !form.key_names().any(|known| known == *key)));
    let mut mapping = serde_norway::Mapping::new();
    for key in keys {
        if let Some(value) = object.get(key) {
            mapping.insert(key.into(), serde_norway::to_value(value).map_err(|err| err.to_string())?);
        }
    }
    Ok(serde_norway::Value::Mapping(mapping))
}

/// A file cut in two: the YAML of its front matter and the text after it (with the line it starts on).
struct Parts<'a> {
    yaml: &'a str,
    body: &'a str,
    body_line: usize,
}

/// Cuts a file after its front matter; `None` when it does not open with one.
fn split(text: &str) -> Option<Parts<'_>> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next()?;
    if first.trim_end() != "---" {
        return None;
    }
    let start = first.len();
    let mut at = start;
    for (index, line) in lines.enumerate() {
        if line.trim_end() == "---" {
            return Some(Parts { yaml: &text[start..at], body: &text[at + line.len()..], body_line: index + 3 });
        }
        at += line.len();
    }
    None
}

/// Parses the front matter into its keys; a YAML error names the file's line.
fn parse_front_matter(name: &str, yaml: &str) -> Result<Map<String, Value>, FieldProblem> {
    let parsed: Result<Value, _> = if yaml.trim().is_empty() { Ok(Value::Null) } else { serde_norway::from_str(yaml) };
    match parsed {
        Ok(Value::Object(front)) => Ok(front),
        Ok(Value::Null) => Err(FieldProblem {
            field: name.to_owned(),
            problem: "the front matter is empty: it needs at least `type:` (fiche, leçon, programme, organisation \
                      or territoire)"
                .into(),
        }),
        Ok(_) => Err(FieldProblem {
            field: name.to_owned(),
            problem: "the front matter must hold `key: value` lines".into(),
        }),
        Err(err) => {
            let message = err.to_string();
            match err.location() {
                // The front matter starts on the file's second line.
                Some(location) => Err(FieldProblem {
                    field: format!("{name}:{}", location.line() + 1),
                    problem: format!(
                        "the front matter is not valid YAML: {}",
                        message.split(" at line ").next().unwrap_or(&message)
                    ),
                }),
                None => Err(FieldProblem {
                    field: name.to_owned(),
                    problem: format!("the front matter is not valid YAML: {message}"),
                }),
            }
        }
    }
}

/// Takes the `type:` key out of the front matter and returns the kind it names.
fn take_kind(name: &str, mut front: Map<String, Value>) -> Result<(Kind, Map<String, Value>), FieldProblem> {
    let expected = "fiche, leçon, programme, organisation or territoire";
    let key = front.keys().find(|key| columns::normalise(key) == "type").cloned();
    let value = key.and_then(|key| front.remove(&key));
    let Some(value) = value else {
        return Err(FieldProblem {
            field: format!("{name}: type"),
            problem: format!("the front matter has no `type:`; give one of {expected}"),
        });
    };
    match value.as_str().and_then(columns::kind_named) {
        Some(kind) => Ok((kind, front)),
        None => Err(FieldProblem {
            field: format!("{name}: type"),
            problem: format!("`{}` is not a kind of record; expected {expected}", value.as_str().unwrap_or("?")),
        }),
    }
}

/// Returns the line (counted from 1 in the front matter) where a top-level key is written.
fn key_line(yaml: &str, key: &str) -> Option<usize> {
    yaml.lines()
        .position(|line| {
            let line = line.trim_start_matches(['"', '\'']);
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start_matches(['"', '\'']).trim_start().starts_with(':'))
        })
        .map(|index| index + 1)
}

/// Takes a first `# Heading` line off a text: the heading, and the text with that line left empty so
/// that the lines after it keep their numbers.
fn take_heading(body: &str) -> Option<(String, String)> {
    let start = body.len() - body.trim_start().len();
    let first = body[start..].lines().next()?;
    let title = first.strip_prefix("# ")?.trim().trim_end_matches('#').trim();
    if title.is_empty() {
        return None;
    }
    Some((title.to_owned(), format!("{}{}", &body[..start], &body[start + first.len()..])))
}

/// Sets a field from the text after the front matter, unless the front matter gave it already.
fn set(object: &mut Map<String, Value>, problems: &mut Problems, field: &str, text: &str, place: String) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    if object.contains_key(field) {
        problems.add(place, format!("`{field}` is given both in the front matter and in the text"));
        return;
    }
    object.insert(field.to_owned(), Value::String(text.to_owned()));
}

/// Reads the text after the front matter into the fields the kind keeps there.
fn read_body(
    name: &str,
    kind: Kind,
    first_line: usize,
    body: &str,
    object: &mut Map<String, Value>,
    problems: &mut Problems,
) {
    match kind {
        Kind::Sheet => set(object, problems, "body", body, name.to_owned()),
        Kind::Programme => set(object, problems, "summary", body, name.to_owned()),
        Kind::Organisation | Kind::Territory => {
            if !body.trim().is_empty() {
                problems.add(
                    name.to_owned(),
                    format!("a `{}` record holds no text after its front matter", columns::type_name(kind)),
                );
            }
        }
        Kind::Lesson => {
            let mut sections: Vec<(usize, Option<&str>, String)> = vec![(first_line, None, String::new())];
            let mut fenced = false;
            for (index, line) in body.lines().enumerate() {
                let marker = line.trim_start();
                if marker.starts_with("```") || marker.starts_with("~~~") {
                    fenced = !fenced;
                }
                let heading = (!fenced).then(|| line.strip_prefix("## ")).flatten();
                let Some(heading) = heading else {
                    if let Some((_, _, text)) = sections.last_mut() {
                        text.push_str(line);
                        text.push('\n');
                    }
                    continue;
                };
                let line_number = first_line + index;
                let wanted = columns::normalise(heading.trim().trim_end_matches(['#', ':']));
                let section = SECTIONS.iter().find(|(field, written, others)| {
                    columns::normalise(field) == wanted
                        || columns::normalise(written) == wanted
                        || others.iter().any(|other| columns::normalise(other) == wanted)
                });
                match section {
                    Some((field, _, _)) => sections.push((line_number, Some(field), String::new())),
                    None => {
                        problems.add(
                            format!("{name}:{line_number}"),
                            format!(
                                "`## {}` is not a section of a lesson; expected ## Contexte, ## Leçon, \
                                 ## Recommandation or ## Preuves",
                                heading.trim()
                            ),
                        );
                        sections.push((line_number, None, String::new()));
                    }
                }
            }
            let mut seen = HashSet::new();
            for (index, (line, field, text)) in sections.into_iter().enumerate() {
                match field {
                    Some(field) if !seen.insert(field) => {
                        problems.add(format!("{name}:{line}"), format!("the section for `{field}` is given twice"));
                    }
                    Some(field) => set(object, problems, field, &text, format!("{name}:{line}")),
                    None if index == 0 && !text.trim().is_empty() => problems.add(
                        format!("{name}:{line}"),
                        "a lesson's text goes under ## Contexte, ## Leçon, ## Recommandation or ## Preuves",
                    ),
                    None => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn the_demo_dataset_survives_a_round_trip() {
        let demo = crate::demo::dataset().expect("demo");
        let files = crate::dataset::writer::write(&demo, Format::Markdown).expect("written");
        assert_eq!(files.len(), demo.len());
        let mut read_back = (Dataset { format: FORMAT.to_owned(), ..Dataset::default() }, Locations::default());
        for (path, text) in &files {
            let name = path.display().to_string();
            files::merge(&mut read_back, read(&name, text).unwrap_or_else(|problems| panic!("{name}: {problems:?}")));
        }
        assert_eq!(columns::comparable(&read_back.0), columns::comparable(&demo));
        assert!(files.iter().any(|(path, _)| path.starts_with("lecons")));
    }

    #[test]
    fn the_example_files_read_without_problems() {
        let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/examples/markdown");
        let (dataset, _) = files::read_paths(&[folder]).unwrap_or_else(|problems| panic!("{problems:#?}"));
        assert_eq!((dataset.len(), dataset.sheets.len(), dataset.lessons.len()), (2, 1, 1));
        assert!(dataset.references().is_empty(), "{:?}", dataset.references());
        assert_eq!(columns::draft_problems(&dataset), []);
        assert_eq!(dataset.sheets[0].slug, "recyclerie-solidaire-vallee-du-lot");
        assert_eq!(dataset.sheets[0].phases[0].methods.len(), 2);
        assert_eq!(dataset.lessons[0].title, "Tester l’activité dans un local prêté avant d’investir");
    }

    #[test]
    fn a_sheet_takes_its_front_matter_and_its_story() {
        let text = "---\ntype: fiche\ntitre: Garage solidaire du Pays de Brest\ntype d'activité: SOLIDARITY_GARAGE\n\
                    statut: LAUNCHED\nprogrammes: [garages-solidaires]\nterritoires: pays-de-brest | brest\n\
                    thèmes: [MOBILITY]\n---\nLe récit de la fiche, en Markdown…\n\n## Genèse\n\nTout commence…\n";
        let (dataset, places) = read("fiches/Garage Brest.md", text).expect("read");
        let sheet = &dataset.sheets[0];
        assert_eq!(sheet.slug, "garage-brest");
        assert_eq!(sheet.title, "Garage solidaire du Pays de Brest");
        assert_eq!(sheet.territories, ["pays-de-brest", "brest"]);
        assert_eq!(sheet.body, "Le récit de la fiche, en Markdown…\n\n## Genèse\n\nTout commence…");
        assert_eq!(places.get("sheets", 0), Some("fiches/Garage Brest.md"));
    }

    #[test]
    fn a_lesson_reads_its_sections_and_its_title_from_a_heading() {
        let text = "---\ntype: Leçon\ntype de leçon: PITFALL\nniveau de preuve: ONE_PROJECT\n\
                    fiches liées: [garage-brest]\n---\n\n# Sous-estimer le temps\n\n## Contexte\n\nUn garage.\n\n\
                    ## Enseignement\n\nLe temps manque.\n\n## Éléments de preuve\n\nUn témoignage.\n";
        let (dataset, _) = read("sous-estimer.md", text).expect("read");
        let lesson = &dataset.lessons[0];
        assert_eq!(lesson.title, "Sous-estimer le temps");
        assert_eq!(lesson.context, "Un garage.");
        assert_eq!(lesson.lesson, "Le temps manque.");
        assert_eq!(lesson.recommendation, "");
        assert_eq!(lesson.evidence, "Un témoignage.");
        assert_eq!(lesson.evidence_links[0].sheet, "garage-brest");
        assert_eq!(lesson.slug, "sous-estimer");

        let other = text.replace("## Enseignement", "## Anecdote");
        let problems = read("sous-estimer.md", &other).expect_err("unknown section");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "sous-estimer.md:14");
        assert!(problems[0].problem.contains("## Anecdote"));
    }

    #[test]
    fn the_slug_comes_from_the_file_stem() {
        let text = "---\ntype: organisation\nnom: L’Épicerie\ntype de structure: PROJECT_HOLDER\n---\n";
        let (dataset, _) = read("a/b/L’Épicerie de Retiers.md", text).expect("read");
        assert_eq!(dataset.organisations[0].slug, "l-epicerie-de-retiers");
    }

    #[test]
    fn a_yaml_error_names_the_file_line() {
        let text = "---\ntype: fiche\ntitre: Garage\nthèmes: [MOBILITY\nstatut: LAUNCHED\n---\n";
        let problems = read("garage.md", text).expect_err("bad yaml");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].field.starts_with("garage.md:"), "{:?}", problems[0]);
        let line: usize = problems[0].field["garage.md:".len()..].parse().expect("a line");
        assert!((4..=6).contains(&line), "{:?}", problems[0]);
    }

    #[test]
    fn every_problem_of_a_file_is_reported() {
        let problems = read("x.md", "no front matter").expect_err("none");
        assert_eq!(problems[0].field, "x.md");
        let problems = read("x.md", "---\ntitre: A\n---\n").expect_err("no type");
        assert_eq!(problems[0].field, "x.md: type");
        let text = "---\ntype: fiche\ncouleur: bleu\nstatut: LAUNCHED\ntype d'activité: OTHER\ndébut: 2020\n---\n";
        let problems = read("x.md", text).expect_err("three problems");
        let fields: Vec<&str> = problems.iter().map(|problem| problem.field.as_str()).collect();
        assert_eq!(fields, ["x.md:3: couleur", "x.md:6: début", "x.md: titre"]);
        let problems =
            read("x.md", "---\ntype: territoire\nnom: Brest\nniveau: EPCI\n---\nDu texte.\n").expect_err("a text");
        assert_eq!(problems[0].field, "x.md");
    }
}
