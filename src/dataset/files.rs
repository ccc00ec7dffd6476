//! Dataset files: which format a file is in, reading files and folders into one dataset, and where
//! each record came from, so that every problem names its file and line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::*;

/// The formats a dataset can be read from and written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON document holding the whole dataset (`data/demo.json`).
    Json,
    /// JSON Lines: one record per line.
    Jsonl,
    /// CSV: one file per kind of record, named after the kind.
    Csv,
    /// Markdown: one record per file, a document with its data block (or a front-matter header).
    Markdown,
    /// An XLSX workbook: one worksheet per kind of record, laid out as the CSV files.
    Xlsx,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Json, Format::Jsonl, Format::Csv, Format::Markdown];

    /// Reads a format's name as the command line and the API take it.
    pub fn from_name(name: &str) -> Option<Format> {
        match name.trim().to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            "markdown" | "md" => Some(Format::Markdown),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Markdown => "markdown",
            Format::Xlsx => "xlsx",
        }
    }

    /// Returns the format of a file from its extension.
    pub fn of_file(name: &str) -> Option<Format> {
        let extension = Path::new(name).extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            "md" | "markdown" => Some(Format::Markdown),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }
}

/// The list of a dataset a record is in, as problems name it (`sheets[3]`).
pub type List = &'static str;

/// Where each record of a dataset came from: `(list, index)` → `file:line` (or the file alone).
#[derive(Debug, Default, Clone)]
pub struct Locations(HashMap<(u8, usize), String>);

/// The lists of a dataset, in the order of `Dataset::counts`.
const LISTS: [List; 5] = ["organisations", "territories", "programmes", "sheets", "lessons"];

fn slot(list: &str) -> Option<u8> {
    LISTS.iter().position(|name| *name == list).and_then(|at| u8::try_from(at).ok())
}

impl Locations {
    pub fn insert(&mut self, list: List, index: usize, place: impl Into<String>) {
        if let Some(slot) = slot(list) {
            self.0.insert((slot, index), place.into());
        }
    }

    pub fn get(&self, list: &str, index: usize) -> Option<&str> {
        self.0.get(&(slot(list)?, index)).map(String::as_str)
    }

    /// Locates every record of `dataset` in `file` (for the formats that have no line per record).
    pub fn whole_file(dataset: &Dataset, file: &str) -> Self {
        let mut locations = Self::default();
        for (list, count) in dataset.counts() {
            for index in 0..count {
                locations.insert(list, index, file);
            }
        }
        locations
    }
}

/// Rewrites the problems of a load (`sheets[3] (slug): title`) to name the file and line the record
/// came from (`corpus.jsonl:17 (slug): title`); problems of no record are left as they are.
pub fn locate(problems: Vec<FieldProblem>, locations: &Locations) -> Vec<FieldProblem> {
    problems
        .into_iter()
        .map(|problem| {
            let located = (|| {
                let (list, rest) = problem.field.split_once('[')?;
                let (index, rest) = rest.split_once(']')?;
                let index: usize = index.parse().ok()?;
                let place = locations.get(list, index)?;
                Some(format!("{place}{rest}"))
            })();
            FieldProblem { field: located.unwrap_or(problem.field), problem: problem.problem }
        })
        .collect()
}

/// Reads the text of one file in `format`; `name` is the file's name as the user gave it, used in
/// problems (and, for CSV, to know the kind of its records).
pub fn read_text(name: &str, text: &str, format: Format) -> Result<(Dataset, Locations), Vec<FieldProblem>> {
    match format {
        Format::Json => {
            let dataset: Dataset = serde_json::from_str(text).map_err(|err| {
                vec![FieldProblem {
                    field: format!("{name}:{}", err.line()),
                    problem: format!("is not a retex dataset: {err}"),
                }]
            })?;
            if dataset.format != FORMAT {
                return Err(vec![FieldProblem {
                    field: format!("{name}: format"),
                    problem: format!("`{}` is not a known format; expected `{FORMAT}`", dataset.format),
                }]);
            }
            let locations = Locations::whole_file(&dataset, name);
            Ok((dataset, locations))
        }
        Format::Jsonl => lines::read(name, text),
        Format::Csv => csv::read(name, text),
        Format::Markdown => markdown::read(name, text),
        Format::Xlsx => Err(vec![FieldProblem {
            field: name.to_owned(),
            problem: "an XLSX workbook is read from its bytes, not as text".into(),
        }]),
    }
}

/// Reads bytes (an upload) in `format`: they must be UTF-8, but for a workbook.
pub fn read_bytes(name: &str, bytes: &[u8], format: Format) -> Result<(Dataset, Locations), Vec<FieldProblem>> {
    let (dataset, locations, problems) = read_bytes_partial(name, bytes, format);
    if problems.is_empty() { Ok((dataset, locations)) } else { Err(problems) }
}

/// Reads bytes in `format` as far as they go: a table (CSV, a workbook) gives the records of the rows
/// that read beside the problems of the others; the other formats all or nothing.
pub fn read_bytes_partial(name: &str, bytes: &[u8], format: Format) -> (Dataset, Locations, Vec<FieldProblem>) {
    let empty = || Dataset { format: FORMAT.to_owned(), ..Dataset::default() };
    if format == Format::Xlsx {
        return xlsx::read_partial(name, bytes);
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.strip_prefix('\u{feff}').unwrap_or(text),
        Err(err) => {
            let problem = FieldProblem { field: name.to_owned(), problem: format!("is not UTF-8 text: {err}") };
            return (empty(), Locations::default(), vec![problem]);
        }
    };
    if format == Format::Csv {
        return csv::read_partial(name, text);
    }
    match read_text(name, text, format) {
        Ok((dataset, locations)) => (dataset, locations, Vec::new()),
        Err(problems) => (empty(), Locations::default(), problems),
    }
}

/// Lists the dataset files a path names: the file itself, or every file of a known format in a
/// folder and its subfolders (in name order, hidden files left out).
pub fn expand(path: &Path) -> Result<Vec<PathBuf>, FieldProblem> {
    let problem = |what: String| FieldProblem { field: path.display().to_string(), problem: what };
    let metadata = std::fs::metadata(path).map_err(|err| problem(format!("cannot be read: {err}")))?;
    if !metadata.is_dir() {
        return Ok(vec![path.to_owned()]);
    }
    let mut found = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|err| problem(format!("cannot be read: {err}")))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|entry| !entry.file_name().and_then(|name| name.to_str()).is_some_and(|name| name.starts_with('.')))
        .collect();
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            found.extend(expand(&entry)?);
        } else if entry.to_str().and_then(Format::of_file).is_some() {
            found.push(entry);
        }
    }
    Ok(found)
}

/// Reads files and folders into one dataset, with where each record came from. Every problem of
/// every file is reported, not only the first.
pub fn read_paths(paths: &[PathBuf]) -> Result<(Dataset, Locations), Vec<FieldProblem>> {
    let (dataset, locations, problems) = read_paths_partial(paths);
    if problems.is_empty() { Ok((dataset, locations)) } else { Err(problems) }
}

/// Reads files and folders as far as they go (see `read_files_partial`).
pub fn read_paths_partial(paths: &[PathBuf]) -> (Dataset, Locations, Vec<FieldProblem>) {
    let mut problems = Vec::new();
    let mut files = Vec::new();
    for path in paths {
        match expand(path) {
            Ok(found) if found.is_empty() => problems.push(FieldProblem {
                field: path.display().to_string(),
                problem: "holds no .json, .jsonl, .csv, .md or .xlsx file".into(),
            }),
            Ok(found) => files.extend(found),
            Err(problem) => problems.push(problem),
        }
    }
    // Each file is read when its turn comes: one file's bytes in memory at a time.
    let read = files.into_iter().map(|file| {
        let bytes = std::fs::read(&file);
        (file.display().to_string(), bytes)
    });
    let (dataset, locations, found) = read_files_partial(read, None);
    problems.extend(found);
    (dataset, locations, problems)
}

/// Reads files given by name and content (read from disk, or uploaded) into one dataset, each in
/// `format` or else the one its name's extension gives. Every problem of every file is reported.
pub fn read_files(
    files: impl IntoIterator<Item = (String, std::io::Result<Vec<u8>>)>,
    format: Option<Format>,
) -> Result<(Dataset, Locations), Vec<FieldProblem>> {
    let (dataset, locations, problems) = read_files_partial(files, format);
    if problems.is_empty() { Ok((dataset, locations)) } else { Err(problems) }
}

/// Reads files as far as they go (see `read_bytes_partial`): the records read, and every problem of
/// every file, so that an import can go on checking what was read and tell all at once.
pub fn read_files_partial(
    files: impl IntoIterator<Item = (String, std::io::Result<Vec<u8>>)>,
    format: Option<Format>,
) -> (Dataset, Locations, Vec<FieldProblem>) {
    let mut problems = Vec::new();
    let mut merged = (Dataset { format: FORMAT.to_owned(), ..Dataset::default() }, Locations::default());
    for (name, bytes) in files {
        let bytes = match bytes {
            Ok(bytes) => bytes,
            Err(err) => {
                problems.push(FieldProblem { field: name, problem: format!("cannot be read: {err}") });
                continue;
            }
        };
        let Some(format) = format.or_else(|| Format::of_file(&name)) else {
            problems.push(FieldProblem {
                field: name,
                problem: "has no known extension: use .json, .jsonl, .csv, .md or .xlsx, or say its format".into(),
            });
            continue;
        };
        let (dataset, locations, found) = read_bytes_partial(&name, &bytes, format);
        problems.extend(found);
        merge(&mut merged, (dataset, locations));
    }
    (merged.0, merged.1, problems)
}

/// Adds a dataset read from one file to the datasets read so far.
pub fn merge(into: &mut (Dataset, Locations), (dataset, locations): (Dataset, Locations)) {
    let (merged, places) = into;
    if merged.is_empty() && places.0.is_empty() {
        // The first file: taken as it is.
        (*merged, *places) = (Dataset { format: FORMAT.to_owned(), ..dataset }, locations);
        return;
    }
    let offsets = merged.counts();
    for ((slot, index), place) in locations.0 {
        let offset = offsets.get(usize::from(slot)).map_or(0, |(_, count)| *count);
        places.0.insert((slot, offset + index), place);
    }
    merged.organisations.extend(dataset.organisations);
    merged.territories.extend(dataset.territories);
    merged.programmes.extend(dataset.programmes);
    merged.sheets.extend(dataset.sheets);
    merged.lessons.extend(dataset.lessons);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_names_and_extensions() {
        assert_eq!(Format::of_file("a/b/fiches.CSV"), Some(Format::Csv));
        assert_eq!(Format::of_file("garage.md"), Some(Format::Markdown));
        assert_eq!(Format::of_file("corpus.ndjson"), Some(Format::Jsonl));
        assert_eq!(Format::of_file("notes.txt"), None);
        assert_eq!(Format::from_name("Markdown"), Some(Format::Markdown));
        assert_eq!(Format::from_name("xml"), None);
    }

    #[test]
    fn merged_records_keep_their_place() {
        let one = r#"{"format":"retex-dataset/1"}
{"record":"organisation","slug":"a","name":"A","kind":"ASSOCIATION"}"#;
        let two = r#"{"record":"organisation","slug":"b","name":"B","kind":"ASSOCIATION"}
{"record":"organisation","slug":"c","name":"C","kind":"ASSOCIATION"}"#;
        let mut merged = (Dataset::default(), Locations::default());
        merge(&mut merged, read_text("one.jsonl", one, Format::Jsonl).expect("one"));
        merge(&mut merged, read_text("two.jsonl", two, Format::Jsonl).expect("two"));
        let problems = vec![FieldProblem { field: "organisations[2] (c): kind".into(), problem: "bad".into() }];
        assert_eq!(locate(problems, &merged.1)[0].field, "two.jsonl:2 (c): kind");
    }
}
