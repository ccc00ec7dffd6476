//! Markdown: one record per file, in one of two layouts.
//!
//! - **As practitioners write them**: a YAML front matter between two `---` lines holds the fields
//!   (French labels or camelCase names, `type: fiche` first); the text after it is the sheet's story,
//!   the programme's summary, or a lesson's sections (`## Contexte`, `## Leçon`, `## Recommandation`,
//!   `## Preuves`). The slug defaults to the file's stem, the title to a first `# Heading`.
//! - **As exports write them**: a document that reads as one (the title, what the record is, its
//!   summary as a quote, its texts and facts in French, the records it refers to by their names),
//!   then, after a `<!-- retex … -->` line, a ```` ```yaml ```` block of the fields the document does
//!   not give as text. Only the title, the summary's quote and the texts' sections (`## Le projet`,
//!   `## Contexte`…) are read from the document; the rest of it is made from the data block and is
//!   not read. A text the document could not give back as it is (a line of it would end its section)
//!   is kept in the data block too, and the document shows it with its headings two levels down.
//!
//! Keys become a JSON object that the record's serde form accepts or refuses (see `columns`); this
//! module only knows layouts, headings and sections.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use serde_json::{Map, Value};

use super::columns::{self, Form, Shape};
use super::*;

/// The line that opens the data block of an export's document; any line starting with `<!-- retex`
/// is read as one.
const DATA_MARKER: &str = "<!-- retex : données pour l’import (ne pas modifier sans raison) -->";

/// The names of the records an export has written, by kind and slug (or external id), so that a
/// document names the records it refers to (« Émergence de garages solidaires », not
/// `garages-solidaires`).
pub(super) type DisplayNames = HashMap<(Kind, String), String>;

// Long by nature: one pass over the file, front matter then sections, each problem located to its line.
/// Reads one Markdown file: one record, located as `name`. Returns every problem of the file.
pub fn read(name: &str, text: &str) -> Result<(Dataset, Locations), Vec<FieldProblem>> {
    let mut problems = Problems::default();
    let parts = match split(text) {
        Some(parts) => parts,
        None => match split_document(name, text) {
            Some(Ok(parts)) => parts,
            Some(Err(problem)) => return Err(vec![problem]),
            None => {
                return Err(vec![FieldProblem {
                    field: name.to_owned(),
                    problem: "has no front matter: start the file with a `---` line, then `type: fiche` and the other \
                              fields, then a `---` line"
                        .into(),
                }]);
            }
        },
    };
    let front = match parse_front_matter(name, &parts) {
        Ok(front) => front,
        Err(problem) => return Err(vec![problem]),
    };
    let (kind, front) = match take_kind(name, front, parts.layout.yaml_name()) {
        Ok(found) => found,
        Err(problem) => return Err(vec![problem]),
    };

    let mut object = Map::new();
    let mut point = Map::new();
    for (key, value) in front {
        let place = match key_line(parts.yaml, &key) {
            Some(line) => format!("{name}:{}: {key}", line + parts.yaml_offset),
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

    let title_key = title_field(kind);
    let mut body = match parts.layout {
        FileLayout::FrontMatter => parts.body.to_owned(),
        FileLayout::Document => without_rule(parts.body).to_owned(),
    };
    if !object.contains_key(title_key)
        && let Some((title, rest)) = take_heading(&body)
    {
        object.insert(title_key.to_owned(), Value::String(title));
        body = rest;
    }
    match parts.layout {
        FileLayout::FrontMatter => read_body(name, kind, parts.body_line, &body, &mut object, &mut problems),
        FileLayout::Document => read_document(name, kind, parts.body_line, &body, &mut object, &mut problems),
    }

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
            let how = if *required == title_key { " (or start the text with a `# Title` line)" } else { "" };
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

/// Returns the field that names a record of a kind: a sheet's or a lesson's title, the others' name.
fn title_field(kind: Kind) -> &'static str {
    if matches!(kind, Kind::Sheet | Kind::Lesson) { "title" } else { "name" }
}

/// A text of a record under its own `## ` heading: its field, the heading written, the other
/// headings accepted.
type Section = (&'static str, &'static str, &'static [&'static str]);

/// The sections of a lesson, in both layouts.
const SECTIONS: [Section; 4] = [
    ("context", "Contexte", &["context"]),
    ("lesson", "Leçon", &["leçons", "enseignement", "enseignements", "lesson", "lessons"]),
    ("recommendation", "Recommandation", &["recommandations", "recommendation", "recommendations"]),
    ("evidence", "Preuves", &["preuve", "éléments de preuve", "evidence"]),
];

/// The sections of a sheet in an export's document (the front matter layout takes the whole text
/// after the front matter as the story).
const SHEET_SECTIONS: [Section; 2] = [
    ("socialNeed", "Le besoin social", &["besoin social", "social need"]),
    ("body", "Le projet", &["projet", "récit", "story"]),
];

/// Returns the texts a kind of record keeps under `## ` headings in an export's document.
fn text_sections(kind: Kind) -> &'static [Section] {
    match kind {
        Kind::Sheet => &SHEET_SECTIONS,
        Kind::Lesson => &SECTIONS,
        Kind::Organisation | Kind::Territory | Kind::Programme => &[],
    }
}

/// Returns the field a `## ` heading names among a kind's sections (`Enseignement` → `lesson`).
fn section_field(kind: Kind, heading: &str) -> Option<&'static str> {
    let wanted = columns::normalise(heading.trim().trim_end_matches(['#', ':']));
    text_sections(kind)
        .iter()
        .find(|(field, written, others)| {
            columns::normalise(field) == wanted
                || columns::normalise(written) == wanted
                || others.iter().any(|other| columns::normalise(other) == wanted)
        })
        .map(|(field, _, _)| *field)
}

/// Where a file keeps its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileLayout {
    /// A front matter first, then text.
    FrontMatter,
    /// An export's document, then its data block.
    Document,
}

impl FileLayout {
    /// How problems name the YAML of the layout.
    fn yaml_name(self) -> &'static str {
        match self {
            FileLayout::FrontMatter => "front matter",
            FileLayout::Document => "data block",
        }
    }
}

/// A file cut in two: the YAML of its fields and the text (with the line it starts on).
struct Parts<'a> {
    layout: FileLayout,
    yaml: &'a str,
    /// How many lines of the file come before the YAML's first line.
    yaml_offset: usize,
    /// The text after the front matter, or the document before the data block.
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
            return Some(Parts {
                layout: FileLayout::FrontMatter,
                yaml: &text[start..at],
                yaml_offset: 1,
                body: &text[at + line.len()..],
                body_line: index + 3,
            });
        }
        at += line.len();
    }
    None
}

/// Cuts an export's document from the data block that ends it: a ```` ```yaml ```` fence after the
/// last `<!-- retex … -->` line. `None` when the file has no such line.
fn split_document<'a>(name: &str, text: &'a str) -> Option<Result<Parts<'a>, FieldProblem>> {
    let mut at = 0;
    let mut marker = None;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if line.trim_start().starts_with("<!-- retex") {
            marker = Some((at, at + line.len(), index + 1));
        }
        at += line.len();
    }
    let (start, end, marker_line) = marker?;
    let problem =
        |line: usize, message: &str| FieldProblem { field: format!("{name}:{line}"), problem: message.to_owned() };
    // Once the fence is open: where the YAML starts, and the line of the fence.
    let mut fence: Option<(usize, usize)> = None;
    let mut at = end;
    for (index, line) in text[end..].split_inclusive('\n').enumerate() {
        let number = marker_line + 1 + index;
        let next = at + line.len();
        let open = fence;
        match open {
            None if line.trim().is_empty() => {}
            None if line.trim_start().starts_with("```") => fence = Some((next, number)),
            None => {
                return Some(Err(problem(
                    number,
                    "the `<!-- retex … -->` line must be followed by the data block, a ```yaml fence",
                )));
            }
            Some((yaml_start, yaml_offset)) if line.trim() == "```" => {
                if !text[next..].trim().is_empty() {
                    return Some(Err(problem(
                        number,
                        "the data block ends the file: move the text after it above the `<!-- retex … -->` line",
                    )));
                }
                return Some(Ok(Parts {
                    layout: FileLayout::Document,
                    yaml: &text[yaml_start..at],
                    yaml_offset,
                    body: &text[..start],
                    body_line: 1,
                }));
            }
            Some(_) => {}
        }
        at = next;
    }
    Some(Err(match fence {
        Some((_, line)) => problem(line, "the data block is not closed: end it with a ``` line"),
        None => problem(marker_line, "the `<!-- retex … -->` line must be followed by the data block, a ```yaml fence"),
    }))
}

/// Takes off the `---` line that parts an export's document from its data block.
fn without_rule(document: &str) -> &str {
    let document = document.trim_end();
    match document.rsplit_once('\n') {
        Some((before, last)) if last.trim() == "---" => before,
        None if document.trim() == "---" => "",
        _ => document,
    }
}

/// Parses the YAML of a file's fields into its keys; a YAML error names the file's line.
fn parse_front_matter(name: &str, parts: &Parts<'_>) -> Result<Map<String, Value>, FieldProblem> {
    let (yaml, what) = (parts.yaml, parts.layout.yaml_name());
    let parsed: Result<Value, _> = if yaml.trim().is_empty() { Ok(Value::Null) } else { serde_norway::from_str(yaml) };
    match parsed {
        Ok(Value::Object(front)) => Ok(front),
        Ok(Value::Null) => Err(FieldProblem {
            field: name.to_owned(),
            problem: format!(
                "the {what} is empty: it needs at least `type:` (fiche, leçon, programme, organisation or territoire)"
            ),
        }),
        Ok(_) => {
            Err(FieldProblem { field: name.to_owned(), problem: format!("the {what} must hold `key: value` lines") })
        }
        Err(err) => {
            let message = err.to_string();
            match err.location() {
                // The YAML starts on the file's line after `yaml_offset` (the second for a front matter).
                Some(location) => Err(FieldProblem {
                    field: format!("{name}:{}", location.line() + parts.yaml_offset),
                    problem: format!(
                        "the {what} is not valid YAML: {}",
                        message.split(" at line ").next().unwrap_or(&message)
                    ),
                }),
                None => Err(FieldProblem {
                    field: name.to_owned(),
                    problem: format!("the {what} is not valid YAML: {message}"),
                }),
            }
        }
    }
}

/// Takes the `type:` key out of the fields and returns the kind it names; `what` names the YAML.
fn take_kind(
    name: &str,
    mut front: Map<String, Value>,
    what: &str,
) -> Result<(Kind, Map<String, Value>), FieldProblem> {
    let expected = "fiche, leçon, programme, organisation or territoire";
    let key = front.keys().find(|key| columns::normalise(key) == "type").cloned();
    let value = key.and_then(|key| front.remove(&key));
    let Some(value) = value else {
        return Err(FieldProblem {
            field: format!("{name}: type"),
            problem: format!("the {what} has no `type:`; give one of {expected}"),
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

/// Returns the line (counted from 1 in the YAML) where a top-level key is written.
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
                match section_field(Kind::Lesson, heading) {
                    Some(field) => sections.push((line_number, Some(field), String::new())),
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

/// Returns the level of a line that is a `#` or `##` heading: such a line ends a section of an
/// export's document (deeper headings belong to the section's text).
fn heading_level(line: &str) -> Option<usize> {
    let line = line.trim_end_matches(['\n', '\r']);
    let rest = line.trim_start_matches('#');
    let level = line.len() - rest.len();
    ((1..=2).contains(&level) && (rest.is_empty() || rest.starts_with([' ', '\t']))).then_some(level)
}

/// Reads the texts an export's document gives and its data block does not: the summary from the
/// first quote before the sections, the other texts from their `## ` sections. The rest of the
/// document is made from the data block and is not read.
fn read_document(
    name: &str,
    kind: Kind,
    first_line: usize,
    document: &str,
    object: &mut Map<String, Value>,
    problems: &mut Problems,
) {
    // The text before the first section, then each section: its line, its heading, its text. A `#`
    // heading after the first section ends a section too (and starts one that is not read).
    let mut sections: Vec<(usize, Option<String>, String)> = vec![(first_line, None, String::new())];
    for (index, line) in document.split_inclusive('\n').enumerate() {
        let number = first_line + index;
        match heading_level(line) {
            Some(2) => {
                let heading = line.trim_start_matches('#').trim().to_owned();
                sections.push((number, Some(heading), String::new()));
            }
            Some(_) if sections.len() > 1 => sections.push((number, None, String::new())),
            Some(_) => {}
            None => {
                if let Some((_, _, text)) = sections.last_mut() {
                    text.push_str(line);
                }
            }
        }
    }
    if matches!(kind, Kind::Sheet | Kind::Programme)
        && !object.contains_key("summary")
        && let Some((_, _, head)) = sections.first()
    {
        let summary = unquote(head);
        let summary = summary.trim();
        if !summary.is_empty() {
            object.insert("summary".to_owned(), Value::String(summary.to_owned()));
        }
    }
    let mut seen = HashSet::new();
    for (line, heading, text) in &sections {
        let Some(field) = heading.as_deref().and_then(|heading| section_field(kind, heading)) else { continue };
        if !seen.insert(field) {
            problems.add(format!("{name}:{line}"), format!("the section for `{field}` is given twice"));
            continue;
        }
        // A text the data block gives is shown in the document, not read from it.
        let text = text.trim();
        if !object.contains_key(field) && !text.is_empty() {
            object.insert(field.to_owned(), Value::String(text.to_owned()));
        }
    }
}

/// Returns the text of the first quote of a text, its `> ` marks taken off (`quote` undone).
fn unquote(text: &str) -> String {
    text.split_inclusive('\n')
        .skip_while(|line| !line.starts_with('>'))
        .take_while(|line| line.starts_with('>'))
        .map(|line| line.strip_prefix("> ").or_else(|| line.strip_prefix('>')).unwrap_or(line))
        .collect()
}

/// Writes a record as an export's document: the record as it reads (its title, what it is, its
/// summary as a quote, its texts and facts in French, the records it refers to by the names in
/// `names`, or by their slugs when the export has not written them), then the data block that an
/// import reads back with the document's texts.
pub(super) fn to_markdown(kind: Kind, object: &Map<String, Value>, names: &DisplayNames) -> Result<String, String> {
    let from_document = document_fields(kind, object);
    let facts = Facts { object, names };
    let mut document = String::new();
    facts.document(kind, &from_document, &mut document);
    let mut out = format!("{}\n\n---\n\n{DATA_MARKER}\n```yaml\n", document.trim_end());
    data_block(kind, object, &from_document, &mut out);
    out.push_str("```\n");
    Ok(out)
}

/// Returns the fields an export's document gives back as text, which its data block leaves out: the
/// title when its heading reads back the same, the summary (a quote, read back line by line), and
/// each text of a section that no line of it would end.
fn document_fields(kind: Kind, object: &Map<String, Value>) -> Vec<&'static str> {
    let text = |key: &str| object.get(key).and_then(Value::as_str).unwrap_or_default();
    let title = title_field(kind);
    let mut fields = Vec::new();
    if fits_heading(text(title)) {
        fields.push(title);
    }
    if matches!(kind, Kind::Sheet | Kind::Programme) {
        fields.push("summary");
    }
    fields.extend(text_sections(kind).iter().map(|(field, _, _)| *field).filter(|field| fits_section(text(field))));
    fields
}

/// Returns whether a title reads back the same from a `# ` heading (see `take_heading`).
fn fits_heading(title: &str) -> bool {
    !title.is_empty() && title.trim() == title && !title.ends_with('#') && !title.chars().any(char::is_control)
}

/// Returns whether a text reads back the same from its section: none of its lines is a `#` or `##`
/// heading, which would end the section, and it does not end with the `---` line that ends the
/// document.
fn fits_section(text: &str) -> bool {
    let text = text.trim();
    !text.split('\n').any(|line| heading_level(line).is_some())
        && text.lines().next_back().is_none_or(|line| line.trim() != "---")
}

/// Shows a text that the data block holds: its `#` and `##` headings two levels down, so that none
/// ends its section.
fn demoted(text: &str) -> String {
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| if heading_level(line).is_some() { format!("##{line}") } else { line.to_owned() })
        .collect();
    lines.join("\n")
}

/// Quotes a text line by line, as a document shows a summary; `unquote` gives it back.
fn quote(text: &str) -> String {
    let lines: Vec<String> =
        text.split('\n').map(|line| if line.is_empty() { ">".to_owned() } else { format!("> {line}") }).collect();
    lines.join("\n")
}

/// Writes a text on one line of the document, its Markdown marks escaped: a name, a cell, a note.
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '`' | '<' | '>' | '|' | '#') {
            out.push('\\');
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

/// A table cell: the text, or a dash when there is none.
fn cell(text: String) -> String {
    if text.is_empty() { "—".to_owned() } else { text }
}

/// Returns the French label of a code (« Lancé » for `LAUNCHED`), or the text itself when it is none.
fn label_of<V: Vocabulary>(code: &str) -> String {
    V::from_code_or_label(code).map_or_else(|| inline(code), |value| value.label().to_owned())
}

/// Writes a number the French way with the decimals it has (`1 200`, `0,5`); empty when there is none.
fn figure(value: Option<&Value>) -> String {
    match value {
        Some(Value::Number(number)) => number.as_f64().map_or_else(
            || number.to_string(),
            |float| {
                let plain = format!("{float}");
                let decimals = plain.split_once('.').map_or(0, |(_, fraction)| fraction.len());
                crate::domain::french_number(float, decimals)
            },
        ),
        Some(Value::String(text)) => inline(text),
        _ => String::new(),
    }
}

/// Writes an amount in euros the French way (`180 000 €`, `12 500,50 €`); empty when there is none.
fn euros(value: Option<&Value>) -> String {
    let amount = match value {
        Some(Value::Number(number)) => number.as_f64(),
        Some(Value::String(text)) => crate::domain::Amount::parse(text).ok().map(crate::domain::Amount::euros),
        _ => None,
    };
    match (amount, value) {
        (Some(amount), _) => {
            let decimals = if amount.fract() == 0.0 { 0 } else { 2 };
            format!("{}\u{a0}€", crate::domain::french_number(amount, decimals))
        }
        (None, Some(Value::String(text))) => inline(text),
        _ => String::new(),
    }
}

/// The French months, for the dates of the phases.
const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// Writes a date as its month and year (« mars 2021 »), or as it is when it is no date.
fn month(date: &str) -> Option<String> {
    let date = date.trim();
    if date.is_empty() {
        return None;
    }
    Some(match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
        Ok(day) => format!("{} {}", MONTHS.get(day.month0() as usize).copied().unwrap_or_default(), day.year()),
        Err(_) => inline(date),
    })
}

/// Writes a span of time: « mars 2021 – juin 2021 », « depuis 2010 », « jusqu’en 2021 ».
fn period(start: Option<String>, end: Option<String>) -> Option<String> {
    match (start, end) {
        (Some(start), Some(end)) if start == end => Some(start),
        (Some(start), Some(end)) => Some(format!("{start} – {end}")),
        (Some(start), None) => Some(format!("depuis {start}")),
        (None, Some(end)) => Some(format!("jusqu’en {end}")),
        (None, None) => None,
    }
}

/// Writes an address as a link's target: in angle brackets when it holds a space or a parenthesis.
fn address(url: &str) -> Option<String> {
    let url: String = url.trim().chars().filter(|c| !c.is_control() && !matches!(c, '<' | '>')).collect();
    if url.is_empty() {
        None
    } else if url.contains([' ', '(', ')']) {
        Some(format!("<{url}>"))
    } else {
        Some(url)
    }
}

/// Writes a source or a website: a web address as a link, other text as it is.
fn reference_text(text: &str) -> String {
    let text = text.trim();
    let web = (text.starts_with("https://") || text.starts_with("http://"))
        && !text.contains(|c: char| c.is_whitespace() || matches!(c, '<' | '>'));
    if web { format!("<{text}>") } else { inline(text) }
}

/// Writes a paragraph of facts, `**Label :** value` apart by ` · `, those without a value left out.
fn facts_line(out: &mut String, facts: &[(&str, String)]) {
    let parts: Vec<String> = facts
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(label, value)| format!("**{label} :** {value}"))
        .collect();
    if !parts.is_empty() {
        let _ = writeln!(out, "{}\n", parts.join(" · "));
    }
}

/// A record's fields as its document shows them: texts, French labels of codes, names of records.
struct Facts<'a> {
    object: &'a Map<String, Value>,
    names: &'a DisplayNames,
}

impl<'a> Facts<'a> {
    fn text(&self, key: &str) -> &'a str {
        self.object.get(key).and_then(Value::as_str).unwrap_or_default()
    }

    fn items(&self, key: &str) -> &'a [Value] {
        self.object.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default()
    }

    /// The texts of a field: its text, or the texts of its list.
    fn texts(&self, key: &str) -> Vec<&'a str> {
        let texts: Vec<&'a str> = match self.object.get(key) {
            Some(Value::String(text)) => vec![text.as_str()],
            _ => self.items(key).iter().filter_map(Value::as_str).collect(),
        };
        texts.into_iter().filter(|text| !text.trim().is_empty()).collect()
    }

    fn year(&self, key: &str) -> Option<String> {
        self.object.get(key).and_then(Value::as_i64).map(|year| year.to_string())
    }

    /// The name of the record of this kind a slug names; the slug when the export has not written it.
    fn name(&self, kind: Kind, slug: &str) -> String {
        match self.names.get(&(kind, slug.to_owned())) {
            Some(name) => inline(name),
            None => inline(slug),
        }
    }

    /// The names of the records a field refers to (one or a list), apart by commas.
    fn names_of(&self, kind: Kind, key: &str) -> String {
        let names: Vec<String> = self.texts(key).into_iter().map(|slug| self.name(kind, slug)).collect();
        names.join(", ")
    }

    /// The French labels of the codes of a field (one or a list), apart by commas.
    fn labels<V: Vocabulary>(&self, key: &str) -> String {
        let labels: Vec<String> = self.texts(key).into_iter().map(label_of::<V>).collect();
        labels.join(", ")
    }

    /// Writes the document: title, what the record is, summary, facts, texts, then the parts of its
    /// kind and where it comes from.
    fn document(&self, kind: Kind, from_document: &[&str], out: &mut String) {
        let title_key = title_field(kind);
        let title = self.text(title_key);
        let heading = if from_document.contains(&title_key) { title.to_owned() } else { inline(title) };
        let _ = writeln!(out, "# {heading}\n");

        let mut what = vec![kind.label().to_owned()];
        match kind {
            Kind::Organisation => {
                what.extend([self.labels::<OrganisationKind>("kind"), self.labels::<Region>("region")]);
            }
            Kind::Territory => what.extend([self.labels::<TerritoryLevel>("level"), self.labels::<Region>("region")]),
            Kind::Programme => what.extend(period(self.year("startYear"), self.year("endYear"))),
            Kind::Sheet => {
                what.extend([self.labels::<ActivityType>("activityType"), self.labels::<SheetStatus>("status")]);
            }
            Kind::Lesson => {
                what.push(self.labels::<Polarity>("polarity"));
                let level = self.labels::<EvidenceLevel>("evidenceLevel");
                if !level.is_empty() {
                    what.push(format!("Preuve : {level}"));
                }
            }
        }
        what.retain(|part| !part.is_empty());
        let _ = writeln!(out, "*{}*\n", what.join(" · "));

        if matches!(kind, Kind::Sheet | Kind::Programme) {
            let summary = self.text("summary").trim();
            if !summary.is_empty() {
                let _ = writeln!(out, "{}\n", quote(summary));
            }
        }

        match kind {
            Kind::Organisation => facts_line(
                out,
                &[
                    ("Site web", reference_text(self.text("website"))),
                    ("SIREN", inline(self.text("siren"))),
                    ("RNA", inline(self.text("rna"))),
                ],
            ),
            Kind::Territory => {
                facts_line(
                    out,
                    &[
                        ("Types de territoire", self.labels::<TerritoryType>("types")),
                        ("Code", inline(self.text("code"))),
                    ],
                );
                let centroid = self.object.get("centroid");
                facts_line(
                    out,
                    &[
                        ("Latitude", figure(centroid.and_then(|point| point.get("lat")))),
                        ("Longitude", figure(centroid.and_then(|point| point.get("lon")))),
                    ],
                );
            }
            Kind::Programme => {
                facts_line(
                    out,
                    &[
                        ("Opérateur", self.names_of(Kind::Organisation, "operator")),
                        ("Financeurs", self.names_of(Kind::Organisation, "funders")),
                        ("Programme parent", self.names_of(Kind::Programme, "parent")),
                    ],
                );
                facts_line(out, &[("Thèmes", self.labels::<Theme>("themes"))]);
            }
            Kind::Sheet => {
                facts_line(
                    out,
                    &[
                        ("Programmes", self.names_of(Kind::Programme, "programmes")),
                        ("Territoires", self.names_of(Kind::Territory, "territories")),
                    ],
                );
                facts_line(
                    out,
                    &[
                        ("Structure d’accompagnement", self.names_of(Kind::Organisation, "supportingStructure")),
                        ("Porteur du projet", self.names_of(Kind::Organisation, "projectHolder")),
                        ("Partenaires", self.names_of(Kind::Organisation, "partners")),
                    ],
                );
                facts_line(
                    out,
                    &[
                        ("Thèmes", self.labels::<Theme>("themes")),
                        ("Publics cibles", self.labels::<TargetPublic>("targetPublics")),
                    ],
                );
            }
            Kind::Lesson => {
                facts_line(
                    out,
                    &[
                        ("Phases", self.labels::<Phase>("phases")),
                        ("Catégories", self.labels::<LessonCategory>("categories")),
                    ],
                );
                facts_line(
                    out,
                    &[
                        ("Thèmes", self.labels::<Theme>("themes")),
                        ("Types de territoire", self.labels::<TerritoryType>("territoryTypes")),
                    ],
                );
            }
        }

        for (field, heading, _) in text_sections(kind) {
            let text = self.text(field).trim();
            if text.is_empty() {
                continue;
            }
            let shown = if from_document.contains(field) { text.to_owned() } else { demoted(text) };
            let _ = writeln!(out, "## {heading}\n\n{shown}\n");
        }

        match kind {
            Kind::Sheet => {
                self.phases(out);
                self.indicators(out);
                self.budget(out);
                self.testimonies(out);
                self.documents(out);
            }
            Kind::Lesson => self.evidence(out),
            Kind::Organisation | Kind::Territory | Kind::Programme => {}
        }
        self.about(out);
    }

    fn phases(&self, out: &mut String) {
        let phases = self.items("phases");
        if phases.is_empty() {
            return;
        }
        out.push_str("## Les étapes de la démarche\n\n");
        for phase in phases {
            let text = |key: &str| phase.get(key).and_then(Value::as_str).unwrap_or_default();
            let list = |key: &str| {
                let items: Vec<String> = phase
                    .get(key)
                    .and_then(Value::as_array)
                    .map(|items| items.iter().filter_map(Value::as_str).map(inline).collect())
                    .unwrap_or_default();
                items.join(", ")
            };
            let label = label_of::<Phase>(text("phase"));
            let _ = match period(month(text("startedOn")), month(text("endedOn"))) {
                Some(period) => writeln!(out, "### {label} ({period})\n"),
                None => writeln!(out, "### {label}\n"),
            };
            let lines: Vec<String> = [
                ("Méthodes", list("methods")),
                ("Participants", list("participants")),
                ("Résultat", inline(text("outcome"))),
            ]
            .into_iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(label, value)| format!("- **{label} :** {value}"))
            .collect();
            if !lines.is_empty() {
                let _ = writeln!(out, "{}\n", lines.join("\n"));
            }
        }
    }

    fn indicators(&self, out: &mut String) {
        let indicators = self.items("indicators");
        if indicators.is_empty() {
            return;
        }
        out.push_str(
            "## Indicateurs\n\n| Indicateur | Unité | Valeur initiale | Cible | Réalisé |\n|---|---|---:|---:|---:|\n",
        );
        for indicator in indicators {
            let text = |key: &str| inline(indicator.get(key).and_then(Value::as_str).unwrap_or_default());
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                cell(text("name")),
                cell(text("unit")),
                cell(figure(indicator.get("baseline"))),
                cell(figure(indicator.get("target"))),
                cell(figure(indicator.get("actual")))
            );
        }
        out.push('\n');
    }

    fn budget(&self, out: &mut String) {
        let budget = euros(self.object.get("budget"));
        let funding = self.items("funding");
        if budget.is_empty() && funding.is_empty() {
            return;
        }
        out.push_str("## Budget et plan de financement\n\n");
        if !budget.is_empty() {
            let _ = writeln!(out, "**Budget total :** {budget}\n");
        }
        if funding.is_empty() {
            return;
        }
        out.push_str("| Financeur | Montant | Année | Nature |\n|---|---:|---|---|\n");
        for line in funding {
            let text = |key: &str| line.get(key).and_then(Value::as_str).unwrap_or_default();
            let year = line.get("year").and_then(Value::as_i64).map(|year| year.to_string()).unwrap_or_default();
            let kind = if text("kind").is_empty() { String::new() } else { label_of::<FundingKind>(text("kind")) };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(inline(text("funder"))),
                cell(euros(line.get("amount"))),
                cell(year),
                cell(kind)
            );
        }
        out.push('\n');
    }

    fn testimonies(&self, out: &mut String) {
        let testimonies = self.items("testimonies");
        if testimonies.is_empty() {
            return;
        }
        out.push_str("## Témoignages\n\n");
        for testimony in testimonies {
            let text = |key: &str| inline(testimony.get(key).and_then(Value::as_str).unwrap_or_default());
            let words = text("quote");
            let words = if words.starts_with('«') { words } else { format!("« {words} »") };
            let _ = writeln!(out, "> {words}");
            let who: Vec<String> =
                [text("speaker"), text("role")].into_iter().filter(|part| !part.is_empty()).collect();
            if !who.is_empty() {
                let _ = writeln!(out, ">\n> — {}", who.join(", "));
            }
            out.push('\n');
        }
    }

    fn documents(&self, out: &mut String) {
        let documents = self.items("documents");
        if documents.is_empty() {
            return;
        }
        out.push_str("## Documents\n\n");
        for document in documents {
            let text = |key: &str| document.get(key).and_then(Value::as_str).unwrap_or_default();
            let title = inline(text("title"));
            let shown = match address(text("url")) {
                Some(url) => format!("[{title}]({url})"),
                None => title,
            };
            let _ = if text("kind").is_empty() {
                writeln!(out, "- {shown}")
            } else {
                writeln!(out, "- {shown} ({})", label_of::<DocumentKind>(text("kind")))
            };
        }
        out.push('\n');
    }

    fn evidence(&self, out: &mut String) {
        let links = self.items("evidenceLinks");
        if links.is_empty() {
            return;
        }
        out.push_str("## Fiches-projet liées\n\n");
        for link in links {
            let text = |key: &str| link.get(key).and_then(Value::as_str).unwrap_or_default();
            let role = match text("role") {
                "" => EvidenceRole::ObservedIn.label().to_owned(),
                role => label_of::<EvidenceRole>(role),
            };
            let sheet = self.name(Kind::Sheet, text("sheet"));
            let note = inline(text("note"));
            let _ = if note.is_empty() {
                writeln!(out, "- {role} **{sheet}**")
            } else {
                writeln!(out, "- {role} **{sheet}** : {note}")
            };
        }
        out.push('\n');
    }

    /// Writes where the record comes from: its source, licence, external id, publication status (when
    /// it is not published) and provenance.
    fn about(&self, out: &mut String) {
        let url = self.text("sourceUrl").trim();
        let source = self.text("source").trim();
        let mut sources = Vec::new();
        if !url.is_empty() {
            sources.push(reference_text(url));
        }
        if !source.is_empty() && source != url {
            sources.push(reference_text(source));
        }
        let status = match self.text("publicationStatus") {
            "" => String::new(),
            code if code == PublicationStatus::Published.code() => String::new(),
            code => label_of::<PublicationStatus>(code),
        };
        let provenance = match self.text("provenance") {
            "SOURCE" => "d’après la source".to_owned(),
            "ILLUSTRATIVE" => "illustrative".to_owned(),
            "MIXED" => "en partie illustrative".to_owned(),
            other => inline(other),
        };
        let note = inline(self.text("provenanceNote"));
        let provenance = match (provenance.is_empty(), note.is_empty()) {
            (_, true) => provenance,
            (true, false) => note,
            (false, false) => format!("{provenance} — {note}"),
        };
        let mut about = String::new();
        facts_line(
            &mut about,
            &[
                ("Source", sources.join(" ; ")),
                ("Licence", inline(self.text("licence"))),
                ("Identifiant externe", inline(self.text("externalId"))),
                ("Statut de publication", status),
            ],
        );
        facts_line(&mut about, &[("Provenance", provenance)]);
        if !about.is_empty() {
            let _ = write!(out, "## Source et licence\n\n{about}");
        }
    }
}

/// Writes the data block: `type:`, then the fields the document does not give back as text, under
/// their French labels; lists on one line, each item of a nested list on a line of its own, in flow
/// style.
fn data_block(kind: Kind, object: &Map<String, Value>, from_document: &[&str], out: &mut String) {
    let _ = writeln!(out, "type: {}", yaml_text(columns::type_name(kind), true));
    for key in columns::layout(kind, std::slice::from_ref(object)) {
        let Some(value) = object.get(key).filter(|value| !columns::is_blank(value)) else { continue };
        if from_document.contains(&key) {
            continue;
        }
        let label = yaml_text(columns::label(kind, key), true);
        match (columns::resolve(kind, key).map(|field| field.shape), value) {
            (Some(Shape::Nested(form)), Value::Array(items)) => {
                let _ = writeln!(out, "{label}:");
                for item in items {
                    let _ = writeln!(out, "  - {}", yaml_item(form, item));
                }
            }
            _ => {
                let _ = writeln!(out, "{label}: {}", yaml_value(value, true));
            }
        }
    }
}

/// Writes an item of a nested list in flow style, its keys in the form's order (`phase` first), its
/// empty keys left out; an evidence link observed in a sheet, with no note, as the sheet's slug.
fn yaml_item(form: Form, item: &Value) -> String {
    let Value::Object(object) = item else {
        return yaml_value(item, false);
    };
    let mut keys: Vec<&str> = form.key_names().filter(|key| object.contains_key(*key)).collect();
    keys.extend(object.keys().map(String::as_str).filter(|key| !form.key_names().any(|known| known == *key)));
    let observed = EvidenceRole::ObservedIn.code();
    let entries: Vec<(&str, &Value)> = keys
        .into_iter()
        .filter_map(|key| object.get(key).map(|value| (key, value)))
        .filter(|(key, value)| {
            // The role an evidence link has when none is given.
            let default_role = form == Form::EvidenceLink && *key == "role" && value.as_str() == Some(observed);
            !columns::is_blank(value) && !default_role
        })
        .collect();
    if form == Form::EvidenceLink
        && let [("sheet", Value::String(sheet))] = entries.as_slice()
    {
        return yaml_text(sheet, false);
    }
    yaml_map(&entries)
}

/// Writes a map in flow style: `{key: value, …}`.
fn yaml_map(entries: &[(&str, &Value)]) -> String {
    let entries: Vec<String> =
        entries.iter().map(|(key, value)| format!("{}: {}", yaml_text(key, false), yaml_value(value, false))).collect();
    format!("{{{}}}", entries.join(", "))
}

/// Writes a value on one line: a scalar, or a list or map in flow style. `block` says whether the
/// value stands alone after its key (where a comma is text) or inside a list or map.
fn yaml_value(value: &Value, block: bool) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => yaml_number(number),
        Value::String(text) => yaml_text(text, block),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(|item| yaml_value(item, false)).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(object) => {
            let entries: Vec<(&str, &Value)> = object.iter().map(|(key, value)| (key.as_str(), value)).collect();
            yaml_map(&entries)
        }
    }
}

/// Writes a number as YAML reads it back: a whole one without its `.0`.
fn yaml_number(number: &serde_json::Number) -> String {
    match number.as_f64() {
        Some(float) if number.is_f64() && float.fract() == 0.0 && float.abs() < 1e15 => format!("{float:.0}"),
        _ => number.to_string(),
    }
}

/// Writes a text as a YAML scalar: as it is when YAML reads it back as the same text, else in double
/// quotes.
fn yaml_text(text: &str, block: bool) -> String {
    if yaml_plain(text, block) { text.to_owned() } else { yaml_quoted(text) }
}

/// Returns whether YAML reads a text written as it is back as the same text: it starts with a letter
/// (or is a date, `2021-03-01`, which YAML reads as text), is trimmed, is no word YAML reads as a
/// boolean, a null or a number, and holds no character that would end or mark it (`: `, ` #`, and
/// `,` `[` `]` `{` `}` in a list or map), no control character and no other space than the space.
fn yaml_plain(text: &str, block: bool) -> bool {
    let Some(first) = text.chars().next() else { return false };
    if is_date(text) {
        return true;
    }
    let lower = text.to_lowercase();
    let words = ["true", "false", "null", "yes", "no", "on", "off", "y", "n", "nan", "inf", "infinity"];
    let allowed = |c: char| match c {
        ' ' => true,
        ',' => block,
        ':' | '#' | '"' | '\\' | '?' | '|' | '>' | '&' | '*' | '!' | '%' | '@' | '`' | '[' | ']' | '{' | '}' => false,
        '\u{feff}' | '\u{fffe}' | '\u{ffff}' => false,
        c => !c.is_whitespace() && !c.is_control(),
    };
    first.is_alphabetic() && text.trim() == text && !words.contains(&lower.as_str()) && text.chars().all(allowed)
}

/// Returns whether a text is a date as the data block writes them: `2021-03-01`.
fn is_date(text: &str) -> bool {
    text.len() == 10
        && text.char_indices().all(|(index, c)| if index == 4 || index == 7 { c == '-' } else { c.is_ascii_digit() })
}

/// Writes a text in YAML's double quotes: JSON's escapes, which YAML reads, for the quote, the
/// backslash and every character YAML would not read as it is (controls, line and paragraph
/// separators, the byte order mark).
fn yaml_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}') => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
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
            assert!(text.starts_with("# "), "{name} starts with its title: {text}");
            files::merge(&mut read_back, read(&name, text).unwrap_or_else(|problems| panic!("{name}: {problems:?}")));
        }
        assert_eq!(columns::comparable(&read_back.0), columns::comparable(&demo));
        assert!(files.iter().any(|(path, _)| path.starts_with("lecons")));
    }

    /// The demo's sheet on the garage of Brest – Carhaix, as an export writes it.
    fn brest() -> (SheetRecord, String) {
        let demo = crate::demo::dataset().expect("demo");
        let slug = "garage-solidaire-pays-de-brest-carhaix";
        let sheet = demo.sheets.iter().find(|sheet| sheet.slug == slug).cloned().expect("the Brest sheet");
        let files = crate::dataset::writer::write(&demo, Format::Markdown).expect("written");
        let path = PathBuf::from("fiches").join(format!("{slug}.md"));
        let text = files.into_iter().find(|(written, _)| *written == path).map(|(_, text)| text).expect("its file");
        (sheet, text)
    }

    #[test]
    fn an_exported_sheet_reads_as_a_document_in_french_with_names() {
        let (sheet, text) = brest();
        assert!(
            text.starts_with(
                "# Garage solidaire du Pays de Brest – Carhaix\n\n*Fiche-projet · Garage solidaire · Lancé*\n\n\
                 > Dans le Pays de Brest et le secteur de Carhaix,"
            ),
            "{text}"
        );
        let (document, data) = text.split_once(DATA_MARKER).expect("a data block");
        assert!(document.ends_with("\n\n---\n\n"), "{document}");
        for expected in [
            "**Programmes :** Émergence de garages solidaires · **Territoires :** Pays de Brest – Carhaix\n",
            "**Structure d’accompagnement :** TAg29 · **Porteur du projet :** Association Mobilité solidaire \
             Brest–Carhaix · **Partenaires :** Fondation PSA, Avise\n",
            "**Thèmes :** Mobilité, Emploi et insertion, Économie circulaire · **Publics cibles :** Demandeurs \
             d’emploi, Personnes à faibles revenus, Jeunes\n",
            "\n## Le besoin social\n\nDe nombreux habitants",
            "\n## Le projet\n\n### Besoin détecté\n",
            "\n## Les étapes de la démarche\n\n### Détection des besoins (janvier 2020 – mai 2020)\n\n\
             - **Méthodes :** entretiens avec les acteurs locaux, cartographie de l’offre de mobilité existante\n",
            "\n### Étude d’opportunité (mai 2020 – décembre 2020)\n",
            "\n| Véhicules réparés | véhicules | 0 | 300 | 240 |\n",
            "\n**Budget total :** 180\u{202f}000\u{a0}€\n",
            "\n| Région Bretagne | 60\u{202f}000\u{a0}€ | 2021 | Subvention publique |\n",
            "\n> « Sans voiture, je ne pouvais pas",
            "\n> — Une usagère du garage, Salariée d’une entreprise agroalimentaire, secteur de Carhaix\n",
            "\n- [Présentation du programme Émergence de garages solidaires",
            "(https://www.fabriqueainitiatives.org/partenaires/) (Page web)\n",
            "\n**Source :** <https://www.avise.org/> · **Licence :** CC BY 4.0\n",
        ] {
            assert!(document.contains(expected), "{expected:?} in {document}");
        }
        let head = &document[..document.find("\n## ").expect("sections")];
        let slugs = sheet.programmes.iter().chain(&sheet.territories).chain(&sheet.partners);
        for slug in slugs.chain(&sheet.project_holder).chain(&sheet.supporting_structure) {
            assert!(!head.contains(slug.as_str()), "`{slug}` is named, not given as a slug: {head}");
        }
        for code in ["SOLIDARITY_GARAGE", "LAUNCHED", "MOBILITY", "JOB_SEEKERS", "OPPORTUNITY_STUDY", "PUBLIC_GRANT"] {
            assert!(!document.contains(code), "{code} is written in French in the document");
            assert!(data.contains(code), "{code} is kept in the data block: {data}");
        }

        // The data block: short keys, lists on one line, the texts of the document left out.
        assert!(
            data.starts_with("\n```yaml\ntype: fiche\nidentifiant: garage-solidaire-pays-de-brest-carhaix\n"),
            "{data}"
        );
        for expected in [
            "\ntype d'activité: SOLIDARITY_GARAGE\n",
            "\nprogrammes: [garages-solidaires]\n",
            "\npartenaires: [fondation-psa, avise]\n",
            "\nthèmes: [MOBILITY, EMPLOYMENT, CIRCULAR_ECONOMY]\n",
            "\nstatut: LAUNCHED\n",
            "\nphases:\n  - {phase: NEEDS_DETECTION, startedOn: 2020-01-13, endedOn: 2020-05-15, methods: [entretiens \
             avec les acteurs locaux, cartographie de l’offre de mobilité existante], participants: [",
            "\n  - {name: Véhicules réparés, unit: véhicules, baseline: 0, target: 300, actual: 240}\n",
            "\nbudget: 180000\n",
            "\n  - {funder: Région Bretagne, amount: 60000, year: 2021, kind: PUBLIC_GRANT}\n",
            "\nurl source: \"https://www.avise.org/\"\n",
        ] {
            assert!(data.contains(expected), "{expected:?} in {data}");
        }
        for left_out in ["titre:", "résumé:", "récit:", "besoin social:", "Début 2020, la Fabrique"] {
            assert!(!data.contains(left_out), "{left_out} is read from the document: {data}");
        }
        assert!(data.ends_with("\n```\n"), "{data}");

        let (read_back, places) = read("fiches/garage.md", &text).unwrap_or_else(|problems| panic!("{problems:?}"));
        let expected = Dataset { format: FORMAT.to_owned(), sheets: vec![sheet], ..Dataset::default() };
        assert_eq!(columns::comparable(&read_back), columns::comparable(&expected));
        assert_eq!(places.get("sheets", 0), Some("fiches/garage.md"));
    }

    #[test]
    fn the_texts_of_an_exported_document_are_read_back_from_it() {
        let (sheet, text) = brest();
        let edited = text
            .replace("\n## Le projet\n\n### Besoin détecté\n", "\n## Le projet\n\n### Le besoin détecté\n")
            .replace("> Dans le Pays de Brest", "> Dans tout le Pays de Brest");
        let (read_back, _) = read("garage.md", &edited).unwrap_or_else(|problems| panic!("{problems:?}"));
        assert!(read_back.sheets[0].body.starts_with("### Le besoin détecté\n"), "{}", read_back.sheets[0].body);
        assert!(read_back.sheets[0].summary.starts_with("Dans tout le Pays de Brest"));
        assert_eq!(read_back.sheets[0].social_need, sheet.social_need.trim());

        // The generated parts are not read: a changed table changes nothing.
        let table = text.replace("| Véhicules réparés | véhicules | 0 | 300 | 240 |", "| Autre | x | 1 | 2 | 3 |");
        let (read_back, _) = read("garage.md", &table).unwrap_or_else(|problems| panic!("{problems:?}"));
        assert_eq!(read_back.sheets[0].indicators[0].name, "Véhicules réparés");

        // A section given twice, and a broken data block, are located to their line.
        let twice = text.replace("\n## Les étapes de la démarche\n", "\n## Le projet\n\nEncore.\n\n## Les étapes\n");
        let problems = read("garage.md", &twice).expect_err("two stories");
        let line = twice.lines().enumerate().filter(|(_, line)| *line == "## Le projet").nth(1).map(|(at, _)| at + 1);
        assert_eq!(problems[0].field, format!("garage.md:{}", line.expect("a second story")));
        let unclosed = text.trim_end().trim_end_matches("```").to_owned();
        let problems = read("garage.md", &unclosed).expect_err("not closed");
        let fence = unclosed.lines().position(|line| line == "```yaml").expect("the fence") + 1;
        assert_eq!(problems[0].field, format!("garage.md:{fence}"));
        assert!(problems[0].problem.contains("not closed"), "{}", problems[0].problem);
        let unknown = text.replace("\nstatut: LAUNCHED\n", "\nstatut: LAUNCHED\ncouleur: bleu\n");
        let problems = read("garage.md", &unknown).expect_err("an unknown key");
        let line = unknown.lines().position(|line| line == "couleur: bleu").expect("the key") + 1;
        assert_eq!(problems[0].field, format!("garage.md:{line}: couleur"));
    }

    #[test]
    fn texts_the_document_could_not_give_back_go_to_the_data_block() {
        let (mut sheet, _) = brest();
        sheet.title = "Projet C#".into();
        sheet.summary = "Un résumé\n\n> qui cite\n## et titre".into();
        sheet.body = "Le récit.\n\n## Genèse\n\nTout commence…\n\n# Suite\n\n---".into();
        sheet.social_need = "Un besoin : « vrai » ? 100 % — \"cité\"\t\\ fin\n---\nsuite".into();
        sheet.partners.push("29-structure".into());
        sheet.indicators[0].unit = "tonnes, kg | m²: #1".into();
        sheet.indicators[0].target = Some(0.5);
        sheet.testimonies[0].speaker = "true".into();
        sheet.testimonies[0].role = "01053".into();
        let dataset = Dataset { format: FORMAT.to_owned(), sheets: vec![sheet], ..Dataset::default() };
        let files = crate::dataset::writer::write(&dataset, Format::Markdown).expect("written");
        let (_, text) = files.first().expect("a file");
        let (document, data) = text.split_once(DATA_MARKER).expect("a data block");
        assert!(document.starts_with("# Projet C\\#\n"), "{document}");
        assert!(document.contains("\n> Un résumé\n>\n> > qui cite\n> ## et titre\n"), "{document}");
        assert!(document.contains("\n#### Genèse\n"), "shown two levels down: {document}");
        assert!(document.contains("\n### Suite\n"), "{document}");
        // Written alone, the sheet refers to records the export has not written: their slugs stand for their names.
        assert!(document.contains("**Partenaires :** fondation-psa, avise, 29-structure\n"), "{document}");
        assert!(document.contains("| 0 | 0,5 | 240 |"), "{document}");
        assert!(data.contains("\ntitre: \"Projet C#\"\n"), "{data}");
        assert!(
            data.contains("\nrécit: \"Le récit.\\n\\n## Genèse\\n\\nTout commence…\\n\\n# Suite\\n\\n---\"\n"),
            "{data}"
        );
        assert!(data.contains("\npartenaires: [fondation-psa, avise, \"29-structure\"]\n"), "{data}");
        assert!(data.contains("unit: \"tonnes, kg | m²: #1\""), "{data}");
        assert!(data.contains("speaker: \"true\", role: \"01053\""), "{data}");
        assert!(!data.contains("besoin social:") && !data.contains("résumé:"), "{data}");
        let (read_back, _) = read("projet.md", text).unwrap_or_else(|problems| panic!("{problems:?}"));
        assert_eq!(columns::comparable(&read_back), columns::comparable(&dataset));
    }

    #[test]
    fn an_exported_lesson_names_its_sheets_and_reads_back() {
        let demo = crate::demo::dataset().expect("demo");
        let files = crate::dataset::writer::write(&demo, Format::Markdown).expect("written");
        let lesson = &demo.lessons[0];
        let path = PathBuf::from("lecons").join(format!("{}.md", lesson.slug));
        let (_, text) = files.iter().find(|(written, _)| *written == path).expect("the lesson's file");
        let heading =
            format!("# {}\n\n*Leçon · Facteur clé de succès · Preuve : Plusieurs programmes*\n\n", lesson.title);
        assert!(text.starts_with(&heading), "{text}");
        let (document, data) = text.split_once(DATA_MARKER).expect("a data block");
        for expected in [
            "**Phases :** Détection des besoins, Étude d’opportunité",
            "\n## Contexte\n\n",
            "\n## Leçon\n\n",
            "\n## Recommandation\n\n",
            "\n## Preuves\n\n",
            "\n## Fiches-projet liées\n\n- Observé dans **Garage solidaire du Pays de Brest – Carhaix** : \
             Questionnaire relayé par les prescripteurs (plus de 200 réponses).\n",
        ] {
            assert!(document.contains(expected), "{expected:?} in {document}");
        }
        assert!(!document.contains("garage-solidaire-pays-de-brest-carhaix"), "{document}");
        assert!(data.contains("\nfiches liées:\n  - {sheet: garage-solidaire-pays-de-brest-carhaix, note: "), "{data}");
        assert!(!data.contains("OBSERVED_IN"), "the default role is left out: {data}");
        assert!(!data.contains("contexte:"), "{data}");
        let (read_back, _) = read("lecon.md", text).unwrap_or_else(|problems| panic!("{problems:?}"));
        let expected = Dataset { format: FORMAT.to_owned(), lessons: vec![lesson.clone()], ..Dataset::default() };
        assert_eq!(columns::comparable(&read_back), columns::comparable(&expected));
    }

    #[test]
    fn texts_are_written_plain_only_when_yaml_reads_them_back_the_same() {
        assert_eq!(yaml_text("LAUNCHED", false), "LAUNCHED");
        assert_eq!(yaml_text("entretiens avec l’équipe", false), "entretiens avec l’équipe");
        assert_eq!(yaml_text("2021-03-01", false), "2021-03-01");
        assert_eq!(yaml_text("a, b", true), "a, b");
        assert_eq!(yaml_text("a, b", false), "\"a, b\"");
        assert_eq!(yaml_text("01053", true), "\"01053\"");
        assert_eq!(yaml_text("ligne\nsuivante", true), "\"ligne\\nsuivante\"");
        let texts = [
            "",
            " lead",
            "trail ",
            "true",
            "False",
            "NULL",
            "null",
            "~",
            "yes",
            "No",
            "on",
            "NaN",
            "inf",
            "01053",
            "1e5",
            "0x1F",
            ".inf",
            "-12",
            "- tiret",
            "a: b",
            "a:b",
            "a #b",
            "C#",
            "a,b",
            "[x]",
            "{x}",
            "\"q\"",
            "l'atelier",
            "tab\there",
            "ligne\nsuivante",
            "retour\r\nchariot",
            "\u{85}nel",
            "a\u{2028}b",
            "\u{feff}bom",
            "a\u{7f}b",
            "? question",
            "& ancre",
            "* alias",
            "! tag",
            "% directive",
            "@ at",
            "` tick",
            "| pipe",
            "> gt",
            "x | y",
            "x > y",
            "50 %",
            "cent €",
            "2021-3-1",
            "12\u{202f}500,50\u{a0}€",
            "Émergence",
            "é",
            "a\\b",
            "https://www.avise.org/",
            "« Mobilité inclusive » ?",
            "x\u{a0}",
            "ⅻ",
            "a  b",
            "---",
            "...",
            "<<",
        ];
        for text in texts {
            for block in [true, false] {
                let yaml = format!(
                    "k: {}\nl: [{}]\nm: {{k: {}}}\n",
                    yaml_text(text, block),
                    yaml_text(text, false),
                    yaml_text(text, false)
                );
                let value: Value =
                    serde_norway::from_str(&yaml).unwrap_or_else(|err| panic!("{text:?}: {err}: {yaml}"));
                assert_eq!(value["k"], Value::String(text.to_owned()), "{text:?} in {yaml}");
                assert_eq!(value["l"][0], Value::String(text.to_owned()), "{text:?} in {yaml}");
                assert_eq!(value["m"]["k"], Value::String(text.to_owned()), "{text:?} in {yaml}");
            }
        }
    }

    #[test]
    fn the_example_files_read_without_problems() {
        let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/examples/markdown");
        let (dataset, _) = files::read_paths(&[folder]).unwrap_or_else(|problems| panic!("{problems:#?}"));
        assert_eq!((dataset.len(), dataset.sheets.len(), dataset.lessons.len()), (3, 1, 1));
        assert!(dataset.references().is_empty(), "{:?}", dataset.references());
        assert_eq!(columns::draft_problems(&dataset), []);
        assert_eq!(dataset.sheets[0].slug, "recyclerie-solidaire-vallee-du-lot");
        assert_eq!(dataset.sheets[0].phases[0].methods.len(), 2);
        assert_eq!(dataset.sheets[0].programmes, ["economie-circulaire-vallee-du-lot"]);
        assert_eq!(dataset.lessons[0].title, "Tester l’activité dans un local prêté avant d’investir");
        // The programme is written as an export writes it.
        let programme = &dataset.programmes[0];
        assert_eq!(programme.name, "Économie circulaire en vallée du Lot");
        assert!(programme.summary.starts_with("Un programme fictif"), "{}", programme.summary);
        assert_eq!((programme.start_year, programme.end_year), (Some(2021), Some(2023)));
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
        let mut fields: Vec<&str> = problems.iter().map(|problem| problem.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["x.md: titre", "x.md:3: couleur", "x.md:6: début"]);
        let problems =
            read("x.md", "---\ntype: territoire\nnom: Brest\nniveau: EPCI\n---\nDu texte.\n").expect_err("a text");
        assert_eq!(problems[0].field, "x.md");
    }
}
