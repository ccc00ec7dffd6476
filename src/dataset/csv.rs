//! CSV: one file per kind of record, named after the kind (`fiches.csv`, `2024_lecons.csv`), one
//! record per row under a header of French labels or camelCase names. Lists are `A | B`, nested lists
//! are JSON arrays, a territory's centroid is two columns. Spreadsheets' `;` is read as well as `,`.
//!
//! Cells become a JSON object per row that the record's serde form accepts or refuses (see
//! `columns`); this module only knows rows, cells and lines.

use std::path::Path;

use serde_json::{Map, Value};

use super::columns::{self, Field, Shape};
use super::*;

/// Reads one CSV file; `name` gives the kind of its records (its stem) and locates problems and
/// records as `name:line`, the header being line 1. Returns every problem of every row.
pub fn read(name: &str, text: &str) -> Result<(Dataset, Locations), Vec<FieldProblem>> {
    let (dataset, locations, problems) = read_partial(name, text);
    if problems.is_empty() { Ok((dataset, locations)) } else { Err(problems) }
}

/// Reads one CSV file as far as it can: the records of the rows that read, and every problem of the
/// file (its columns and every bad cell of every row), so that an import reports them all at once.
pub fn read_partial(name: &str, text: &str) -> (Dataset, Locations, Vec<FieldProblem>) {
    let stem = Path::new(name).file_stem().and_then(|stem| stem.to_str()).unwrap_or(name);
    let Some(kind) = columns::kind_of_stem(stem) else {
        let empty = Dataset { format: FORMAT.to_owned(), ..Dataset::default() };
        return (
            empty,
            Locations::default(),
            vec![FieldProblem {
                field: name.to_owned(),
                problem: format!(
                    "the file name does not say which records it holds: name it after a kind, or end its name with \
                 `-` or `_` and a kind (e.g. `fiches.csv`, `2024_lecons.csv`); kinds: {}",
                    columns::kind_names()
                ),
            }],
        );
    };
    read_kind(name, kind, text)
}

/// Reads a table of records of one kind (a CSV file, a sheet of a workbook) as far as it can;
/// problems and records are located as `name:line`, the header being line 1. An unknown column is
/// reported and its cells left aside; rows are read all the same, unless a required column is
/// missing (then only their cells are checked).
pub fn read_kind(name: &str, kind: Kind, text: &str) -> (Dataset, Locations, Vec<FieldProblem>) {
    let mut problems = Problems::default();
    let mut reader = ::csv::ReaderBuilder::new().delimiter(delimiter(text)).flexible(true).from_reader(text.as_bytes());
    let mut dataset = Dataset { format: FORMAT.to_owned(), ..Dataset::default() };
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(err) => {
            problems.add(format!("{name}:1"), format!("the header row cannot be read: {err}"));
            return (dataset, Locations::default(), problems.into_vec());
        }
    };
    let header = read_header(name, kind, &headers, &mut problems);
    let has = |wanted: &str| header.iter().any(|column| column.field.is_some_and(|field| field.name == wanted));
    let header_ok = columns::required(kind).iter().all(|required| has(required)) && has("lat") == has("lon");

    let mut locations = Locations::default();
    for row in reader.records() {
        let row = match row {
            Ok(row) => row,
            Err(err) => {
                let line = err.position().map_or(0, ::csv::Position::line);
                problems.add(format!("{name}:{line}"), format!("the row cannot be read: {err}"));
                continue;
            }
        };
        if row.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let line = row.position().map_or(0, ::csv::Position::line);
        let place = format!("{name}:{line}");
        let Some(object) = read_row(&place, kind, &header, &row, &mut problems) else { continue };
        if !header_ok {
            continue;
        }
        match columns::push(&mut dataset, kind, object) {
            Ok(index) => locations.insert(columns::list_name(kind), index, place),
            Err(problem) => problems.add(place, problem),
        }
    }
    (dataset, locations, problems.into_vec())
}

/// Returns the delimiter of a file: `;` (French spreadsheets) when the header line has more `;`
/// than `,`, else `,`.
fn delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or_default();
    if first.matches(';').count() > first.matches(',').count() { b';' } else { b',' }
}

/// A column of the header: its text as the file gives it, and the field it names (none for a column
/// without a header, which must stay empty).
struct Column {
    header: String,
    field: Option<Field>,
}

/// Reads the header row: every column must name a field, at most once, and the required ones must be
/// there.
fn read_header(name: &str, kind: Kind, headers: &::csv::StringRecord, problems: &mut Problems) -> Vec<Column> {
    let mut header: Vec<Column> = Vec::new();
    for (index, raw) in headers.iter().enumerate() {
        let text = raw.trim();
        if text.is_empty() {
            header.push(Column { header: format!("column {}", index + 1), field: None });
            continue;
        }
        let Some(field) = columns::resolve(kind, text) else {
            problems.add(format!("{name}:1: {text}"), format!("unknown column; {}", columns::hint(kind)));
            header.push(Column { header: text.to_owned(), field: None });
            continue;
        };
        if let Some(first) = header.iter().find(|column| column.field.is_some_and(|known| known.name == field.name)) {
            problems.add(format!("{name}:1: {text}"), format!("names the same field as the column `{}`", first.header));
        }
        header.push(Column { header: text.to_owned(), field: Some(field) });
    }
    let has = |wanted: &str| header.iter().any(|column| column.field.is_some_and(|field| field.name == wanted));
    for required in columns::required(kind) {
        if !has(required) {
            problems.add(
                format!("{name}:1: {}", columns::label(kind, required)),
                format!("the required column is missing (`{}` or `{required}`)", columns::label(kind, required)),
            );
        }
    }
    if has("lat") != has("lon") {
        problems.add(format!("{name}:1"), "the columns latitude and longitude go together".to_owned());
    }
    header
}

/// Reads a row into a record's JSON object; `None` when one of its cells is wrong (each is reported).
fn read_row(
    place: &str,
    kind: Kind,
    header: &[Column],
    row: &::csv::StringRecord,
    problems: &mut Problems,
) -> Option<Map<String, Value>> {
    let mut object = Map::new();
    let mut point = Map::new();
    let mut ok = true;
    for (index, cell) in row.iter().enumerate() {
        let Some(column) = header.get(index) else {
            if !cell.trim().is_empty() {
                problems.add(format!("{place}: column {}", index + 1), "this cell has no column in the header");
                ok = false;
            }
            continue;
        };
        let Some(field) = column.field else {
            if !cell.trim().is_empty() && column.header.starts_with("column ") {
                problems.add(format!("{place}: {}", column.header), "this cell has no column in the header");
                ok = false;
            }
            continue;
        };
        match columns::from_text(&field, cell) {
            Ok(None) => {}
            Ok(Some(value)) => match field.shape {
                Shape::Latitude => {
                    point.insert("lat".to_owned(), value);
                }
                Shape::Longitude => {
                    point.insert("lon".to_owned(), value);
                }
                _ => {
                    object.insert(field.name.to_owned(), value);
                }
            },
            Err(problem) => {
                problems.add(format!("{place}: {}", column.header), problem);
                ok = false;
            }
        }
    }
    match point.len() {
        0 => {}
        2 => {
            object.insert("centroid".to_owned(), Value::Object(point));
        }
        _ => {
            problems.add(format!("{place}: latitude"), "latitude and longitude are given together or not at all");
            ok = false;
        }
    }
    object.entry("slug").or_insert_with(|| Value::String(String::new()));
    for required in columns::required(kind) {
        let column = header.iter().find(|column| column.field.is_some_and(|field| field.name == *required));
        if let Some(column) = column
            && !object.contains_key(*required)
        {
            problems.add(format!("{place}: {}", column.header), "must not be empty");
            ok = false;
        }
    }
    ok.then_some(object)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use pretty_assertions::assert_eq;

    use super::*;

    fn fields(problems: &[FieldProblem]) -> Vec<&str> {
        problems.iter().map(|problem| problem.field.as_str()).collect()
    }

    #[test]
    fn the_demo_dataset_survives_a_round_trip() {
        let demo = crate::demo::dataset().expect("demo");
        let files = crate::dataset::writer::write(&demo, Format::Csv).expect("written");
        let names: Vec<String> = files.iter().map(|(path, _)| path.display().to_string()).collect();
        assert_eq!(names, ["organisations.csv", "territoires.csv", "programmes.csv", "fiches.csv", "lecons.csv"]);
        let mut read_back = (Dataset { format: FORMAT.to_owned(), ..Dataset::default() }, Locations::default());
        for (path, text) in &files {
            let name = path.display().to_string();
            files::merge(&mut read_back, read(&name, text).unwrap_or_else(|problems| panic!("{name}: {problems:?}")));
        }
        assert_eq!(columns::comparable(&read_back.0), columns::comparable(&demo));
        assert_eq!(read_back.1.get("sheets", 0), Some("fiches.csv:2"));
    }

    #[test]
    fn the_example_files_read_without_problems() {
        let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/examples/csv");
        let (dataset, places) = files::read_paths(&[folder]).unwrap_or_else(|problems| panic!("{problems:#?}"));
        assert_eq!((dataset.organisations.len(), dataset.sheets.len(), dataset.lessons.len()), (4, 2, 2));
        assert_eq!(dataset.len(), 8);
        assert!(dataset.references().is_empty(), "{:?}", dataset.references());
        assert_eq!(columns::draft_problems(&dataset), []);
        assert!(places.get("lessons", 1).is_some_and(|place| place.ends_with("lecons.csv:3")));
    }

    #[test]
    fn french_headers_and_semicolons_are_read() {
        let text = "Identifiant;Titre;Type d’activité;Statut;Thèmes;Territoires;Résumé\n\
                    garage-brest;Garage solidaire;SOLIDARITY_GARAGE;LAUNCHED;MOBILITY | EMPLOYMENT;;\"Un garage, \nà Brest\"\n";
        let (dataset, places) = read("data/fiches.csv", text).expect("read");
        let sheet = &dataset.sheets[0];
        assert_eq!(sheet.slug, "garage-brest");
        assert_eq!(sheet.activity_type, "SOLIDARITY_GARAGE");
        assert_eq!(sheet.themes, ["MOBILITY", "EMPLOYMENT"]);
        assert!(sheet.territories.is_empty());
        assert_eq!(sheet.summary, "Un garage, \nà Brest");
        assert_eq!(places.get("sheets", 0), Some("data/fiches.csv:2"));
    }

    #[test]
    fn every_bad_cell_of_every_row_is_reported_with_its_line_and_column() {
        let text = "slug,name,startYear,funders\n\
                    a,A,deux mille,\n\
                    b,B,2020,\n\
                    \"c\",\"C\nsur deux lignes\",2021.5,\n\
                    d,,2020,\n";
        let problems = read("2024_programmes.csv", text).expect_err("three bad cells");
        assert_eq!(
            fields(&problems),
            ["2024_programmes.csv:2: startYear", "2024_programmes.csv:4: startYear", "2024_programmes.csv:6: name"]
        );
    }

    #[test]
    fn an_unknown_column_is_named_with_a_hint() {
        let problems = read("organisations.csv", "nom,type,couleur\nAvise,NETWORK,bleu\n").expect_err("unknown");
        assert_eq!(fields(&problems), ["organisations.csv:1: couleur"]);
        assert!(problems[0].problem.contains("type de structure"), "{}", problems[0].problem);
    }

    #[test]
    fn a_missing_required_column_is_reported_once() {
        let problems = read("lecons.csv", "titre,type de leçon\nA,PITFALL\nB,PITFALL\n").expect_err("missing");
        assert_eq!(fields(&problems), ["lecons.csv:1: niveau de preuve"]);
    }

    #[test]
    fn a_file_not_named_after_a_kind_is_refused() {
        let problems = read("garages.csv", "nom\nA\n").expect_err("unknown kind");
        assert_eq!(fields(&problems), ["garages.csv"]);
        assert!(problems[0].problem.contains("fiches"));
    }

    #[test]
    fn nested_cells_links_and_centroids_are_read() {
        let lessons = "titre,type de leçon,niveau de preuve,fiches liées\n\
                       A,PITFALL,TESTIMONY,garage-brest | epicerie\n\
                       B,PITFALL,TESTIMONY,\"[{\"\"sheet\"\":\"\"garage-brest\"\",\"\"role\"\":\"\"CONTRADICTED_BY\"\"}]\"\n\
                       C,PITFALL,TESTIMONY,\"[{\"\"fiche\"\":1,\"\"x\"\":2}]\"\n";
        let problems = read("lecons.csv", lessons).expect_err("a bad link");
        assert_eq!(fields(&problems), ["lecons.csv:4: fiches liées"]);
        let (dataset, _) =
            read("lecons.csv", &lessons.replace(",\"[{\"\"fiche\"\":1,\"\"x\"\":2}]\"", ",")).expect("read");
        assert_eq!(dataset.lessons[0].evidence_links[1].sheet, "epicerie");
        assert_eq!(dataset.lessons[0].evidence_links[1].role, "OBSERVED_IN");
        assert_eq!(dataset.lessons[1].evidence_links[0].role, "CONTRADICTED_BY");
        let (dataset, _) =
            read("territoires.csv", "nom;niveau;latitude;longitude\nBrest;EPCI;48,39;-4.49\n").expect("read");
        assert_eq!(dataset.territories[0].centroid.map(|point| (point.lat, point.lon)), Some((48.39, -4.49)));
    }

    #[test]
    fn a_record_field_outside_the_table_passes_through_to_serde() {
        // `types` is in the table; a camelCase name of the record is accepted under any spelling.
        let (dataset, _) = read("territoires.csv", "Name,LEVEL,provenance_note\nBrest,EPCI,note\n").expect("read");
        assert_eq!(dataset.territories[0].provenance_note.as_deref(), Some("note"));
    }
}
