//! Writing a dataset as it comes, a page of records at a time, in any of the four formats: an
//! export holds one page in memory, never the whole dataset.
//!
//! Pages come in dependency order (organisations, territories, programmes, sheets, lessons), each
//! holding records of one kind or more. JSON and JSON Lines go to any byte stream (a file, standard
//! output, an HTTP body); CSV and Markdown are folders of files. A CSV file keeps only the columns
//! some record fills (and the required ones): its rows go to a side file with every column first,
//! and the columns nobody filled are dropped when the kind ends, reading that file back row by row.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::columns::{self, Field, Shape};
use super::markdown;
use super::*;

/// Where an export goes.
pub enum Target {
    /// One stream of bytes (JSON, JSON Lines).
    Stream(Box<dyn Write + Send>),
    /// A folder of files (CSV, Markdown; JSON and JSON Lines write one file in it).
    Folder(PathBuf),
}

/// What an export wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Files written (1 for a stream).
    pub files: usize,
    pub records: KindCounts,
}

/// The kinds in the order they are written.
const KINDS: [Kind; 5] = [Kind::Organisation, Kind::Territory, Kind::Programme, Kind::Sheet, Kind::Lesson];

/// Writes pages of a dataset in one format.
pub struct Writer {
    out: Out,
    written: Written,
    /// The licence and source given to every record (see [`Dataset::with_distribution`]).
    distribution: Option<(String, String)>,
}

enum Out {
    /// `opened`: the position in [`KINDS`] of the kind whose list is open.
    Json {
        stream: Box<dyn Write + Send>,
        opened: Option<usize>,
    },
    Lines(Box<dyn Write + Send>),
    /// `done`: the kinds whose file is written.
    Csv {
        folder: PathBuf,
        open: Option<Box<CsvFile>>,
        done: Vec<Kind>,
    },
    /// `names`: the names of the records written, by kind and slug (and external id), so that the
    /// document of a record names those it refers to; they come first, kinds in dependency order.
    Markdown {
        folder: PathBuf,
        paths: HashSet<PathBuf>,
        names: markdown::DisplayNames,
    },
}

impl Writer {
    /// Starts an export in `format` to `target` (a stream, or a folder; a JSON or JSON Lines export
    /// into a folder is one file named `retex.json` or `retex.jsonl` in it).
    pub fn new(format: Format, target: Target) -> Result<Self, String> {
        let out = match (format, target) {
            (Format::Json | Format::Jsonl, Target::Folder(folder)) => {
                let name = if format == Format::Json { "retex.json" } else { "retex.jsonl" };
                let file = create(&folder.join(name))?;
                return Writer::new(format, Target::Stream(Box::new(file)));
            }
            (Format::Json, Target::Stream(mut stream)) => {
                write!(stream, "{{\n  \"format\": {}", serde_json::to_string(FORMAT).map_err(text)?).map_err(text)?;
                Out::Json { stream, opened: None }
            }
            (Format::Jsonl, Target::Stream(mut stream)) => {
                serde_json::to_writer(&mut stream, &serde_json::json!({ "format": FORMAT })).map_err(text)?;
                stream.write_all(b"\n").map_err(text)?;
                Out::Lines(stream)
            }
            (Format::Xlsx, _) => {
                return Err("an XLSX workbook is written whole, by `dataset::xlsx::write`".to_owned());
            }
            (Format::Csv | Format::Markdown, Target::Stream(_)) => {
                return Err(format!("a {} export is a folder of files", format.name()));
            }
            (Format::Csv, Target::Folder(folder)) => Out::Csv { folder, open: None, done: Vec::new() },
            (Format::Markdown, Target::Folder(folder)) => {
                Out::Markdown { folder, paths: HashSet::new(), names: markdown::DisplayNames::new() }
            }
        };
        let files = usize::from(matches!(out, Out::Json { .. } | Out::Lines(_)));
        Ok(Writer { out, written: Written { files, records: KindCounts::default() }, distribution: None })
    }

    /// Gives every record written this licence and source, as exports do.
    pub fn with_distribution(mut self, licence: &str, source: &str) -> Self {
        self.distribution = Some((licence.to_owned(), source.to_owned()));
        self
    }

    /// Writes a page of records. Pages come in dependency order: a page never holds a kind that an
    /// earlier page has passed.
    pub fn write(&mut self, page: Dataset) -> Result<(), String> {
        let page = match &self.distribution {
            Some((licence, source)) => page.with_distribution(licence, source),
            None => page,
        };
        if matches!(self.out, Out::Json { .. } | Out::Lines(_)) {
            // The records' own serde form: their fields in the model's order, empty ones left out.
            let Dataset { organisations, territories, programmes, sheets, lessons, .. } = page;
            let lines = (organisations.into_iter().map(Line::Organisation))
                .chain(territories.into_iter().map(Line::Territory))
                .chain(programmes.into_iter().map(Line::Programme))
                .chain(sheets.into_iter().map(Line::Sheet))
                .chain(lessons.into_iter().map(Line::Lesson));
            for line in lines {
                let kind = match &mut self.out {
                    Out::Lines(stream) => {
                        serde_json::to_writer(&mut *stream, &line).map_err(text)?;
                        stream.write_all(b"\n").map_err(text)?;
                        kind_of(&line)
                    }
                    _ => {
                        let (kind, pretty) = pretty_record(&line)?;
                        self.json_item(kind, &pretty)?;
                        kind
                    }
                };
                self.written.records.add(kind);
            }
            return Ok(());
        }
        for (kind, objects) in columns::objects(&page)? {
            for object in objects {
                self.record(kind, object)?;
            }
        }
        Ok(())
    }

    /// Writes a record of a JSON document, given as pretty JSON, into its kind's list.
    fn json_item(&mut self, kind: Kind, pretty: &str) -> Result<(), String> {
        let Out::Json { stream, opened } = &mut self.out else {
            return Err("not a JSON export".into());
        };
        let position = KINDS.iter().position(|known| *known == kind).unwrap_or(0);
        match *opened {
            Some(open) if position < open => {
                return Err(format!("a {} came after the {}", kind.as_str(), KINDS[open].as_str()));
            }
            Some(open) if position == open => stream.write_all(b",\n").map_err(text)?,
            _ => {
                // Close the open list, write the lists passed over empty, open this one.
                let from = opened.map_or(0, |open| open + 1);
                if opened.is_some() {
                    stream.write_all(b"\n  ]").map_err(text)?;
                }
                for passed in &KINDS[from..position] {
                    write!(stream, ",\n  \"{}\": []", columns::list_name(*passed)).map_err(text)?;
                }
                write!(stream, ",\n  \"{}\": [\n", columns::list_name(kind)).map_err(text)?;
                *opened = Some(position);
            }
        }
        // JSON text has no raw line break inside a string: every line break is the printer's.
        for (index, line) in pretty.lines().enumerate() {
            if index > 0 {
                stream.write_all(b"\n").map_err(text)?;
            }
            stream.write_all(b"    ").map_err(text)?;
            stream.write_all(line.as_bytes()).map_err(text)?;
        }
        Ok(())
    }

    /// Writes a record of a folder export (CSV, Markdown), given as its JSON object.
    fn record(&mut self, kind: Kind, object: Map<String, Value>) -> Result<(), String> {
        match &mut self.out {
            Out::Json { .. } | Out::Lines(_) => return Err("not a folder export".into()),
            Out::Csv { folder, open, done } => {
                if done.contains(&kind) {
                    return Err(format!("the {} came again after their file was written", columns::plural_name(kind)));
                }
                if open.as_ref().is_some_and(|file| file.kind != kind)
                    && let Some(file) = open.take()
                {
                    done.push(file.kind);
                    self.written.files += file.finish()?;
                }
                if open.is_none() {
                    *open = Some(Box::new(CsvFile::start(folder, kind)?));
                }
                if let Some(file) = open.as_mut() {
                    file.row(&object)?;
                }
            }
            Out::Markdown { folder, paths, names } => {
                let slug = object.get("slug").and_then(Value::as_str).unwrap_or_default();
                Slug::parse(slug).map_err(|problem| format!("a {} slug {problem}", kind.as_str()))?;
                let path = PathBuf::from(columns::plural_name(kind)).join(format!("{slug}.md"));
                if !paths.insert(path.clone()) {
                    return Err(format!("two records would be written to {}", path.display()));
                }
                let target = folder.join(&path);
                let mut file = create(&target)?;
                file.write_all(markdown::to_markdown(kind, &object, names)?.as_bytes()).map_err(text)?;
                file.flush().map_err(text)?;
                self.written.files += 1;
                // The records that refer to this one come after it: they name it. No record refers
                // to a lesson.
                let name = object.get(if kind == Kind::Sheet { "title" } else { "name" }).and_then(Value::as_str);
                if kind != Kind::Lesson
                    && let Some(name) = name.filter(|name| !name.trim().is_empty())
                {
                    for key in ["slug", "externalId"] {
                        if let Some(id) = object.get(key).and_then(Value::as_str).filter(|id| !id.is_empty()) {
                            names.insert((kind, id.to_owned()), name.to_owned());
                        }
                    }
                }
            }
        }
        self.written.records.add(kind);
        Ok(())
    }

    /// Ends the export: closes the JSON document (every list present, empty or not), the last CSV
    /// file, and flushes the stream.
    pub fn finish(mut self) -> Result<Written, String> {
        match &mut self.out {
            Out::Json { stream, opened } => {
                if opened.is_some() {
                    stream.write_all(b"\n  ]").map_err(text)?;
                }
                for kind in &KINDS[opened.map_or(0, |open| open + 1)..] {
                    write!(stream, ",\n  \"{}\": []", columns::list_name(*kind)).map_err(text)?;
                }
                stream.write_all(b"\n}\n").map_err(text)?;
                stream.flush().map_err(text)?;
            }
            Out::Lines(stream) => stream.flush().map_err(text)?,
            Out::Csv { open, .. } => {
                if let Some(file) = open.take() {
                    self.written.files += file.finish()?;
                }
            }
            Out::Markdown { .. } => {}
        }
        Ok(self.written)
    }
}

fn kind_of(line: &Line) -> Kind {
    match line {
        Line::Organisation(_) => Kind::Organisation,
        Line::Territory(_) => Kind::Territory,
        Line::Programme(_) => Kind::Programme,
        Line::Sheet(_) => Kind::Sheet,
        Line::Lesson(_) => Kind::Lesson,
    }
}

/// The record of a line as pretty JSON, without the line's `record` tag, and its kind.
fn pretty_record(line: &Line) -> Result<(Kind, String), String> {
    let pretty = match line {
        Line::Organisation(record) => serde_json::to_string_pretty(record),
        Line::Territory(record) => serde_json::to_string_pretty(record),
        Line::Programme(record) => serde_json::to_string_pretty(record),
        Line::Sheet(record) => serde_json::to_string_pretty(record),
        Line::Lesson(record) => serde_json::to_string_pretty(record),
    };
    Ok((kind_of(line), pretty.map_err(text)?))
}

/// A kind's CSV file being written: every column to a side file, then only the filled ones.
struct CsvFile {
    kind: Kind,
    folder: PathBuf,
    side: PathBuf,
    /// The side file's rows; `None` once closed.
    rows: Option<::csv::Writer<BufWriter<File>>>,
    keys: Vec<&'static str>,
    fields: Vec<Field>,
    filled: Vec<bool>,
}

impl CsvFile {
    fn start(folder: &Path, kind: Kind) -> Result<Self, String> {
        // The table's columns, then the other fields of the record's serde form.
        let mut keys = columns::layout(kind, &[]);
        for name in columns::record_fields(kind) {
            if !keys.contains(name) {
                keys.push(name);
            }
        }
        let fields: Vec<Field> = keys
            .iter()
            .map(|key| columns::resolve(kind, key).ok_or_else(|| format!("`{key}` is not a field")))
            .collect::<Result<_, _>>()?;
        let side = folder.join(format!(".{}.csv.partial", columns::plural_name(kind)));
        let rows = ::csv::WriterBuilder::new().has_headers(false).from_writer(create(&side)?);
        let filled = vec![false; keys.len()];
        Ok(CsvFile { kind, folder: folder.to_owned(), side, rows: Some(rows), keys, fields, filled })
    }

    fn row(&mut self, object: &Map<String, Value>) -> Result<(), String> {
        if let Some(unknown) = object.keys().find(|key| !self.keys.contains(&key.as_str())) {
            return Err(format!("`{unknown}` is not a column of {}", columns::plural_name(self.kind)));
        }
        let mut cells: Vec<String> = Vec::with_capacity(self.keys.len() + 1);
        for (index, field) in self.fields.iter().enumerate() {
            let value = object.get(field.name).unwrap_or(&Value::Null);
            if !columns::is_blank(value) {
                self.filled[index] = true;
            }
            if field.shape == Shape::Centroid {
                for part in ["lat", "lon"] {
                    cells.push(value.get(part).map(Value::to_string).unwrap_or_default());
                }
                continue;
            }
            cells.push(columns::to_text(field, value)?.unwrap_or_default());
        }
        self.rows.as_mut().ok_or("the side file is closed")?.write_record(&cells).map_err(text)
    }

    /// Writes the kind's file with the columns some record fills, the slug and the required ones;
    /// returns the number of files written.
    fn finish(mut self) -> Result<usize, String> {
        let (kind, folder, side, keys, fields, filled) =
            (self.kind, &self.folder, &self.side, &self.keys, &self.fields, &self.filled);
        let rows = self.rows.take().ok_or("the side file is already closed")?;
        rows.into_inner().map_err(|err| err.to_string())?.flush().map_err(text)?;
        // The cells of each kept column in a side row (a centroid is two cells).
        let mut header: Vec<&str> = Vec::new();
        let mut kept: Vec<usize> = Vec::new();
        let mut cell = 0;
        for ((key, field), filled) in keys.iter().zip(fields).zip(filled) {
            let width = if field.shape == Shape::Centroid { 2 } else { 1 };
            if *key == "slug" || columns::required(kind).contains(key) || *filled {
                match field.shape {
                    Shape::Centroid => header.extend([columns::label(kind, "lat"), columns::label(kind, "lon")]),
                    _ => header.push(columns::label(kind, key)),
                }
                kept.extend(cell..cell + width);
            }
            cell += width;
        }
        let target = folder.join(format!("{}.csv", columns::plural_name(kind)));
        let mut out = ::csv::WriterBuilder::new().delimiter(b',').from_writer(create(&target)?);
        out.write_record(&header).map_err(text)?;
        let mut reader = ::csv::ReaderBuilder::new().has_headers(false).from_path(side).map_err(text)?;
        let mut record = ::csv::StringRecord::new();
        while reader.read_record(&mut record).map_err(text)? {
            out.write_record(kept.iter().map(|index| record.get(*index).unwrap_or_default())).map_err(text)?;
        }
        out.into_inner().map_err(|err| err.to_string())?.flush().map_err(text)?;
        std::fs::remove_file(side).map_err(|err| format!("{} cannot be removed: {err}", side.display()))?;
        Ok(1)
    }
}

impl Drop for CsvFile {
    /// The side file goes, whether the kind's file was written or the export failed.
    fn drop(&mut self) {
        self.rows = None;
        let _ = std::fs::remove_file(&self.side);
    }
}

/// Creates a file (and its folder), buffered.
fn create(path: &Path) -> Result<BufWriter<File>, String> {
    if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|err| format!("{} cannot be created: {err}", parent.display()))?;
    }
    File::create(path)
        .map(|file| BufWriter::with_capacity(1 << 16, file))
        .map_err(|err| format!("{} cannot be written: {err}", path.display()))
}

fn text(err: impl std::fmt::Display) -> String {
    err.to_string()
}

/// Writes a whole dataset and returns the files, by path relative to the output folder (one file,
/// `retex.json` or `retex.jsonl`, for JSON and JSON Lines): for tests.
#[cfg(test)]
pub fn write(dataset: &Dataset, format: Format) -> Result<Vec<(PathBuf, String)>, String> {
    let folder = tempfile_folder()?;
    let result = (|| {
        let mut writer = Writer::new(format, Target::Folder(folder.clone()))?;
        writer.write(dataset.clone())?;
        writer.finish()?;
        let mut files = Vec::new();
        collect(&folder, &folder, &mut files)?;
        // In the order they were written: the kinds', then the records' within a kind.
        let mut order: Vec<PathBuf> =
            KINDS.iter().map(|kind| format!("{}.csv", columns::plural_name(*kind)).into()).collect();
        order.extend(
            dataset.keys().map(|(kind, slug, _)| PathBuf::from(columns::plural_name(kind)).join(format!("{slug}.md"))),
        );
        files.sort_by_key(|(path, _)| order.iter().position(|known| known == path).unwrap_or(usize::MAX));
        Ok(files)
    })();
    let _ = std::fs::remove_dir_all(&folder);
    result
}

#[cfg(test)]
fn tempfile_folder() -> Result<PathBuf, String> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let folder = std::env::temp_dir().join(format!(
        "retex-write-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&folder).map_err(|err| format!("{} cannot be created: {err}", folder.display()))?;
    Ok(folder)
}

#[cfg(test)]
fn collect(root: &Path, folder: &Path, files: &mut Vec<(PathBuf, String)>) -> Result<(), String> {
    for entry in std::fs::read_dir(folder).map_err(text)? {
        let path = entry.map_err(text)?.path();
        if path.is_dir() {
            collect(root, &path, files)?;
        } else {
            let content = std::fs::read_to_string(&path).map_err(text)?;
            files.push((path.strip_prefix(root).map_err(text)?.to_owned(), content));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    /// A stream the test reads back once the writer is done with it.
    #[derive(Clone, Default)]
    struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().expect("lock").clone()).expect("UTF-8")
        }
    }

    /// The demo, one record per page, without its territories (a list passed over).
    fn pages() -> (Dataset, Vec<Dataset>) {
        let mut demo = crate::demo::dataset().expect("demo");
        demo.territories.clear();
        for sheet in &mut demo.sheets {
            sheet.territories.clear();
        }
        let empty = || Dataset { format: FORMAT.to_owned(), ..Dataset::default() };
        let mut pages = Vec::new();
        pages.extend(demo.organisations.iter().map(|r| Dataset { organisations: vec![r.clone()], ..empty() }));
        pages.extend(demo.programmes.iter().map(|r| Dataset { programmes: vec![r.clone()], ..empty() }));
        pages.extend(demo.sheets.iter().map(|r| Dataset { sheets: vec![r.clone()], ..empty() }));
        pages.extend(demo.lessons.iter().map(|r| Dataset { lessons: vec![r.clone()], ..empty() }));
        (demo, pages)
    }

    #[test]
    fn a_json_document_written_a_record_at_a_time_reads_back_whole() {
        let (demo, pages) = pages();
        let out = Shared::default();
        let mut writer = Writer::new(Format::Json, Target::Stream(Box::new(out.clone()))).expect("writer");
        for page in pages {
            writer.write(page).expect("written");
        }
        let written = writer.finish().expect("finished");
        assert_eq!((written.files, written.records.sheets, written.records.territories), (1, demo.sheets.len(), 0));

        let text = out.text();
        let read: Dataset = serde_json::from_str(&text).unwrap_or_else(|err| panic!("{err}: {text}"));
        assert_eq!(columns::comparable(&read), columns::comparable(&demo));
        assert!(text.contains("\n  \"territories\": [],\n"), "the list passed over is written empty");
        assert!(text.starts_with("{\n  \"format\": \"retex-dataset/1\",\n  \"organisations\": [\n    {\n"), "{text}");
    }

    #[test]
    fn an_empty_export_is_a_whole_document() {
        for format in [Format::Json, Format::Jsonl] {
            let out = Shared::default();
            let writer = Writer::new(format, Target::Stream(Box::new(out.clone()))).expect("writer");
            assert_eq!(writer.finish().expect("finished").records.sheets, 0);
            let (read, _) = files::read_text("export", &out.text(), format).expect("reads back");
            assert!(read.is_empty(), "{format:?}");
        }
    }

    #[test]
    fn json_lines_written_a_record_at_a_time_read_back_whole() {
        let (demo, pages) = pages();
        let out = Shared::default();
        let mut writer = Writer::new(Format::Jsonl, Target::Stream(Box::new(out.clone())))
            .expect("writer")
            .with_distribution("Licence X", "Source Y");
        for page in pages {
            writer.write(page).expect("written");
        }
        writer.finish().expect("finished");
        let text = out.text();
        assert_eq!(text.lines().count(), demo.len() + 1, "a header, then a record per line");
        let (read, _) = files::read_text("export.jsonl", &text, Format::Jsonl).expect("reads back");
        assert_eq!(columns::comparable(&read), columns::comparable(&demo.with_distribution("Licence X", "Source Y")));
    }

    #[test]
    fn a_page_of_a_kind_already_passed_is_refused() {
        let (_, pages) = pages();
        let organisation = pages.first().cloned().expect("an organisation");
        let lesson = pages.last().cloned().expect("a lesson");
        let mut writer = Writer::new(Format::Json, Target::Stream(Box::new(Shared::default()))).expect("writer");
        writer.write(lesson).expect("written");
        let refused = writer.write(organisation).expect_err("out of order");
        assert!(refused.contains("came after"), "{refused}");
    }

    #[test]
    fn a_csv_file_keeps_the_columns_some_row_fills_across_pages() {
        let (demo, _) = pages();
        let mut first = demo.sheets[0].clone();
        let mut second = demo.sheets[1].clone();
        first.summary.clear();
        second.summary = "Un résumé, seulement sur la deuxième fiche.".into();
        first.body.clear();
        second.body.clear();
        let sheets =
            |sheet: SheetRecord| Dataset { format: FORMAT.to_owned(), sheets: vec![sheet], ..Dataset::default() };
        let folder = tempfile_folder().expect("folder");
        let mut writer = Writer::new(Format::Csv, Target::Folder(folder.clone())).expect("writer");
        writer.write(sheets(first)).expect("written");
        writer.write(sheets(second)).expect("written");
        assert_eq!(writer.finish().expect("finished").files, 1);
        let text = std::fs::read_to_string(folder.join("fiches.csv")).expect("fiches.csv");
        let names: Vec<PathBuf> =
            std::fs::read_dir(&folder).expect("folder").map(|e| e.expect("entry").path()).collect();
        std::fs::remove_dir_all(&folder).expect("removed");

        let header = text.lines().next().expect("a header");
        assert!(header.contains(columns::label(Kind::Sheet, "summary")), "filled on the second page: {header}");
        assert!(!header.contains(columns::label(Kind::Sheet, "body")), "filled by nobody: {header}");
        assert_eq!(names.len(), 1, "the side file is gone: {names:?}");
        let (read, _) = files::read_text("fiches.csv", &text, Format::Csv).expect("reads back");
        assert_eq!(read.sheets[1].summary, "Un résumé, seulement sur la deuxième fiche.");
        assert_eq!(read.sheets[0].summary, "");
    }

    #[test]
    fn a_kind_that_comes_back_after_its_csv_file_is_refused_and_no_side_file_stays() {
        let (demo, _) = pages();
        let sheet =
            || Dataset { format: FORMAT.to_owned(), sheets: vec![demo.sheets[0].clone()], ..Dataset::default() };
        let organisation = Dataset {
            format: FORMAT.to_owned(),
            organisations: vec![demo.organisations[0].clone()],
            ..Dataset::default()
        };
        let folder = tempfile_folder().expect("folder");
        let mut writer = Writer::new(Format::Csv, Target::Folder(folder.clone())).expect("writer");
        writer.write(sheet()).expect("written");
        writer.write(organisation).expect("another kind");
        let refused = writer.write(sheet()).expect_err("the sheets again");
        drop(writer);
        let names: Vec<String> = std::fs::read_dir(&folder)
            .expect("folder")
            .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        std::fs::remove_dir_all(&folder).expect("removed");
        assert!(refused.contains("came again"), "{refused}");
        assert_eq!(names, ["fiches.csv"], "the organisations' side file went with the writer");
    }
}
