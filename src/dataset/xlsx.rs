//! XLSX workbooks, as the network's spreadsheets are: one worksheet per kind of record, named after
//! the kind (« Organisations », « Territoires », « Programmes », « Fiches », « Leçons »), laid out as
//! the CSV files are (French headers, `A | B` lists, JSON for nested lists, latitude and longitude
//! columns). A « Légende » worksheet lists the values each coded column accepts; readers skip it.
//! Templates are workbooks without records (and CSV files with the header row only).
//!
//! Reading turns each worksheet into the rows of a CSV table and hands it to `csv::read_kind`, so
//! cells are read, and problems told, exactly as in a CSV file (`file.xlsx[Fiches]:3`).

use serde_json::Value;

use super::columns::{self, Field, Shape};
use super::*;
use crate::domain::Kind;

/// The worksheet that describes the columns, which readers skip.
const LEGEND: &str = "Légende";

/// The worksheet a kind's records are written in.
fn sheet_name(kind: Kind) -> &'static str {
    columns::title_name(kind)
}

/// Writes a date serial number of a spreadsheet (days since 1899-12-30) as an ISO date.
fn excel_date(serial: f64) -> String {
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    let days = serial.floor();
    if !(0.0..=2_958_465.0).contains(&days) {
        return serial.to_string();
    }
    (epoch + chrono::Duration::days(days as i64)).format("%Y-%m-%d").to_string()
}

/// The text of a cell, as a CSV file would hold it: whole numbers without `.0`, dates as ISO dates.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Int(value) => value.to_string(),
        Data::Float(value) if value.fract() == 0.0 && value.abs() < 1e15 => format!("{}", *value as i64),
        Data::Float(value) => value.to_string(),
        Data::Bool(value) => value.to_string(),
        Data::DateTime(value) => excel_date(value.as_f64()),
        Data::Error(error) => format!("#{error:?}"),
    }
}

/// Reads a workbook as far as it can: the records of every worksheet named after a kind, and every
/// problem of every worksheet.
pub fn read_partial(name: &str, bytes: &[u8]) -> (Dataset, Locations, Vec<FieldProblem>) {
    use calamine::Reader;
    let mut merged = (Dataset { format: FORMAT.to_owned(), ..Dataset::default() }, Locations::default());
    let mut problems = Vec::new();
    let mut workbook = match calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(std::io::Cursor::new(bytes)) {
        Ok(workbook) => workbook,
        Err(err) => {
            let problem = format!("is not an XLSX workbook (save it as « Classeur Excel (.xlsx) »): {err}");
            return (merged.0, merged.1, vec![FieldProblem { field: name.to_owned(), problem }]);
        }
    };
    let mut found = false;
    for sheet in workbook.sheet_names() {
        if columns::normalise(&sheet) == columns::normalise(LEGEND) {
            continue;
        }
        let place = format!("{name}[{sheet}]");
        let Some(kind) = columns::kind_of_stem(&sheet) else {
            problems.push(FieldProblem {
                field: place,
                problem: format!(
                    "the worksheet's name does not say which records it holds: name it after a kind (« Fiches », « Leçons »…); kinds: {}",
                    columns::kind_names()
                ),
            });
            continue;
        };
        let range = match workbook.worksheet_range(&sheet) {
            Ok(range) => range,
            Err(err) => {
                problems.push(FieldProblem { field: place, problem: format!("the worksheet cannot be read: {err}") });
                continue;
            }
        };
        let mut table = ::csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
        let mut rows = 0;
        for row in range.rows() {
            let cells: Vec<String> = row.iter().map(cell_text).collect();
            if rows > 0 && cells.iter().all(|cell| cell.trim().is_empty()) {
                // An empty row still counts, so that lines are the worksheet's row numbers.
                let _ = table.write_record([""]);
            } else if table.write_record(&cells).is_err() {
                problems.push(FieldProblem { field: place.clone(), problem: "the worksheet cannot be read".into() });
            }
            rows += 1;
        }
        if rows == 0 {
            continue;
        }
        found = true;
        let text = match table.into_inner() {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(_) => continue,
        };
        let (dataset, locations, found_problems) = csv::read_kind(&place, kind, &text);
        problems.extend(found_problems);
        files::merge(&mut merged, (dataset, locations));
    }
    if !found && problems.is_empty() {
        problems.push(FieldProblem {
            field: name.to_owned(),
            problem: "holds no worksheet of records: name a worksheet after a kind (« Fiches », « Leçons »…)".into(),
        });
    }
    (merged.0, merged.1, problems)
}

/// The columns a kind's worksheet is written with: the table's, then the other fields of the
/// record's form; a centroid is two columns.
fn header_of(kind: Kind) -> Vec<(Field, Option<&'static str>)> {
    let mut keys = columns::layout(kind, &[]);
    for name in columns::record_fields(kind) {
        if !keys.contains(name) {
            keys.push(name);
        }
    }
    let mut header = Vec::new();
    for key in keys {
        let Some(field) = columns::resolve(kind, key) else { continue };
        if field.shape == Shape::Centroid {
            header.push((field, Some("lat")));
            header.push((field, Some("lon")));
        } else {
            header.push((field, None));
        }
    }
    header
}

fn error(err: rust_xlsxwriter::XlsxError) -> String {
    format!("the workbook cannot be written: {err}")
}

/// Writes a dataset as a workbook: a worksheet per kind (all of them, empty ones included, so that
/// the workbook is also a template), the columns some record fills plus the required ones (every
/// column for an empty kind), then the legend.
pub fn write(dataset: &Dataset) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format as CellFormat, Workbook};
    let mut workbook = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let objects = columns::objects(dataset)?;
    for (kind, records) in &objects {
        let header = header_of(*kind);
        let kept: Vec<&(Field, Option<&str>)> = header
            .iter()
            .filter(|(field, _)| {
                records.is_empty()
                    || field.name == "slug"
                    || columns::required(*kind).contains(&field.name)
                    || records
                        .iter()
                        .any(|record| record.get(field.name).is_some_and(|value| !columns::is_blank(value)))
            })
            .collect();
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(*kind)).map_err(error)?;
        for (column, (field, part)) in kept.iter().enumerate() {
            let label = match part {
                Some(part) => columns::label(*kind, part),
                None => columns::label(*kind, field.name),
            };
            let column = u16::try_from(column).map_err(|_| "too many columns".to_owned())?;
            sheet.write_string_with_format(0, column, label, &bold).map_err(error)?;
            sheet.set_column_width(column, 18).map_err(error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(error)?;
        for (index, record) in records.iter().enumerate() {
            let row = u32::try_from(index + 1).map_err(|_| "too many rows".to_owned())?;
            for (column, (field, part)) in kept.iter().enumerate() {
                let column = u16::try_from(column).map_err(|_| "too many columns".to_owned())?;
                let value = record.get(field.name).unwrap_or(&Value::Null);
                match (part, value) {
                    (Some(part), value) => {
                        if let Some(number) = value.get(*part).and_then(Value::as_f64) {
                            sheet.write_number(row, column, number).map_err(error)?;
                        }
                    }
                    (None, Value::Number(number)) if field.shape != Shape::Text || field.name == "budget" => {
                        if let Some(number) = number.as_f64() {
                            sheet.write_number(row, column, number).map_err(error)?;
                        }
                    }
                    (None, value) => {
                        if let Some(text) = columns::to_text(field, value)? {
                            sheet.write_string(row, column, &text).map_err(error)?;
                        }
                    }
                }
            }
        }
    }
    legend(&mut workbook, &bold)?;
    workbook.save_to_buffer().map_err(error)
}

/// The values a coded column accepts, for the legend: (kind, column label, code, French label).
pub fn legend_rows() -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    fn values<T: Vocabulary + 'static>() -> Vec<(&'static str, &'static str)> {
        T::ALL.iter().map(|value| (value.code(), value.label())).collect()
    }
    use crate::domain::*;
    type Values = Vec<(&'static str, &'static str)>;
    let coded: [(Kind, &str, Values); 16] = [
        (Kind::Organisation, "kind", values::<OrganisationKind>()),
        (Kind::Organisation, "region", values::<Region>()),
        (Kind::Territory, "level", values::<TerritoryLevel>()),
        (Kind::Territory, "types", values::<TerritoryType>()),
        (Kind::Territory, "region", values::<Region>()),
        (Kind::Programme, "themes", values::<Theme>()),
        (Kind::Sheet, "activityType", values::<ActivityType>()),
        (Kind::Sheet, "status", values::<SheetStatus>()),
        (Kind::Sheet, "themes", values::<Theme>()),
        (Kind::Sheet, "targetPublics", values::<TargetPublic>()),
        (Kind::Lesson, "polarity", values::<Polarity>()),
        (Kind::Lesson, "evidenceLevel", values::<EvidenceLevel>()),
        (Kind::Lesson, "phases", values::<Phase>()),
        (Kind::Lesson, "categories", values::<LessonCategory>()),
        (Kind::Lesson, "themes", values::<Theme>()),
        (Kind::Lesson, "territoryTypes", values::<TerritoryType>()),
    ];
    let mut rows = Vec::new();
    for (kind, field, values) in coded {
        if columns::resolve(kind, field).is_none() {
            continue;
        }
        for (code, label) in values {
            rows.push((sheet_name(kind), columns::label(kind, field), code, label));
        }
    }
    for (code, label) in values::<Phase>() {
        rows.push(("Fiches", "phases (phase)", code, label));
    }
    for (code, label) in values::<FundingKind>() {
        rows.push(("Fiches", "financements (nature)", code, label));
    }
    for (code, label) in values::<DocumentKind>() {
        rows.push(("Fiches", "documents (type)", code, label));
    }
    for (code, label) in values::<PublicationStatus>() {
        rows.push(("toutes", "publication", code, label));
    }
    rows
}

/// The rules of the cells, told once at the top of the legend.
const RULES: [&str; 5] = [
    "Une ligne par enregistrement ; la première ligne donne les colonnes (libellés français ou noms camelCase).",
    "Les valeurs codées s’écrivent avec leur code ou leur libellé, sans souci des majuscules ni des accents.",
    "Les listes s’écrivent « A | B » ; les listes d’objets (phases, indicateurs, financements…) en JSON.",
    "Les montants sont en euros : 12 500 ou 12 500,50 ; les dates au format AAAA-MM-JJ.",
    "Les références (programmes, territoires, structures) désignent les enregistrements par leur slug.",
];

fn legend(workbook: &mut rust_xlsxwriter::Workbook, bold: &rust_xlsxwriter::Format) -> Result<(), String> {
    let sheet = workbook.add_worksheet();
    sheet.set_name(LEGEND).map_err(error)?;
    for (row, rule) in RULES.iter().enumerate() {
        sheet.write_string(row as u32, 0, *rule).map_err(error)?;
    }
    let top = RULES.len() as u32 + 1;
    for (column, title) in ["Feuille", "Colonne", "Code", "Libellé"].iter().enumerate() {
        sheet.write_string_with_format(top, column as u16, *title, bold).map_err(error)?;
        sheet.set_column_width(column as u16, if column == 0 { 14 } else { 32 }).map_err(error)?;
    }
    for (index, (kind, column, code, label)) in legend_rows().into_iter().enumerate() {
        let row = top + 1 + index as u32;
        sheet.write_string(row, 0, kind).map_err(error)?;
        sheet.write_string(row, 1, column).map_err(error)?;
        sheet.write_string(row, 2, code).map_err(error)?;
        sheet.write_string(row, 3, label).map_err(error)?;
    }
    Ok(())
}

/// The CSV template of a kind: its header row, every column in French (`;`-separated, as French
/// spreadsheets open it), with a byte-order mark.
pub fn csv_template(kind: Kind) -> String {
    let labels: Vec<&str> = header_of(kind)
        .iter()
        .map(|(field, part)| match part {
            Some(part) => columns::label(kind, part),
            None => columns::label(kind, field.name),
        })
        .collect();
    format!("\u{feff}{}\r\n", labels.join(";"))
}

/// The legend as CSV (feuille ; colonne ; code ; libellé), for those who keep to CSV.
pub fn csv_legend() -> String {
    let mut out = String::from("\u{feff}feuille;colonne;code;libellé\r\n");
    for (kind, column, code, label) in legend_rows() {
        out.push_str(&format!("{kind};{column};{code};{label}\r\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_survives_a_round_trip_through_a_workbook() {
        let demo: Dataset = serde_json::from_str(crate::demo::DEMO_JSON).unwrap_or_default();
        let bytes = write(&demo).unwrap_or_default();
        assert!(bytes.starts_with(b"PK"), "an XLSX file is a zip archive");
        let (read, _, problems) = read_partial("demo.xlsx", &bytes);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(columns::comparable(&read), columns::comparable(&demo));
    }

    #[test]
    fn an_empty_workbook_is_a_template_with_every_column_and_a_legend() {
        let bytes = write(&Dataset { format: FORMAT.to_owned(), ..Dataset::default() }).unwrap_or_default();
        let (read, _, problems) = read_partial("modele.xlsx", &bytes);
        assert!(problems.is_empty(), "{problems:?}");
        assert!(read.is_empty());
        assert!(legend_rows().iter().any(|(_, _, code, label)| *code == "LAUNCHED" && *label == "Lancé"));
        assert!(csv_template(Kind::Sheet).contains("titre"), "{}", csv_template(Kind::Sheet));
    }

    #[test]
    fn every_problem_of_every_worksheet_is_told_with_its_row() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        let _ = sheet.set_name("Fiches");
        for (column, header) in ["titre", "type d'activité", "statut", "couleur"].iter().enumerate() {
            let _ = sheet.write_string(0, column as u16, *header);
        }
        for (column, cell) in ["Garage", "garage solidaire", "Lancé", "bleu"].iter().enumerate() {
            let _ = sheet.write_string(1, column as u16, *cell);
        }
        for (column, cell) in ["Épicerie", "épicerie", "Lancé", ""].iter().enumerate() {
            let _ = sheet.write_string(2, column as u16, *cell);
        }
        let other = workbook.add_worksheet();
        let _ = other.set_name("Feuil2");
        let _ = other.write_string(0, 0, "x");
        let bytes = workbook.save_to_buffer().unwrap_or_default();
        let (read, _, problems) = read_partial("import.xlsx", &bytes);
        let places: Vec<&str> = problems.iter().map(|problem| problem.field.as_str()).collect();
        assert_eq!(places, ["import.xlsx[Fiches]:1: couleur", "import.xlsx[Feuil2]"], "{problems:?}");
        assert_eq!(read.sheets.len(), 2, "the rows are read despite the unknown column");
    }
}
