//! Bulk import over GraphQL: administrators upload dataset files (the GraphQL multipart request
//! spec) and they load exactly as `retex import` loads them: the same readers, the same checks, one
//! transaction, every problem with its file and line.

use async_graphql::{Context, Enum, Object, SimpleObject, Upload};

use super::error::GqlResult;
use crate::app::Format;
use crate::app::{App, DatasetSummary};
use crate::domain::*;
use crate::error::Error;

/// The formats of dataset files.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "DatasetFormat")]
pub enum DatasetFormat {
    /// One JSON document holding the whole dataset.
    Json,
    /// JSON Lines: one record per line.
    Jsonl,
    /// CSV: one file per kind of record, named after the kind (`fiches.csv`, `lecons.csv`…).
    Csv,
    /// Markdown with a front-matter header: one record per file.
    Markdown,
    /// An XLSX workbook: one worksheet per kind (« Fiches », « Leçons »…), laid out as the CSV files.
    Xlsx,
}

impl From<DatasetFormat> for Format {
    fn from(format: DatasetFormat) -> Self {
        match format {
            DatasetFormat::Json => Format::Json,
            DatasetFormat::Jsonl => Format::Jsonl,
            DatasetFormat::Csv => Format::Csv,
            DatasetFormat::Markdown => Format::Markdown,
            DatasetFormat::Xlsx => Format::Xlsx,
        }
    }
}

/// What an import did: how many records of each kind it handled, and how many it created, updated
/// in place or found unchanged.
#[derive(SimpleObject)]
pub struct ImportReport {
    /// True when nothing was written (a dry run).
    pub dry_run: bool,
    /// Organisations the files held.
    pub organisations: i32,
    /// Territories the files held.
    pub territories: i32,
    /// Programmes the files held.
    pub programmes: i32,
    /// Project sheets the files held.
    pub sheets: i32,
    /// Lessons the files held.
    pub lessons: i32,
    /// Records created (or that would be, in a dry run).
    pub created: i32,
    /// Existing records updated in place, each to a new version (or that would be, in a dry run).
    pub updated: i32,
    /// Existing records the files left as they were.
    pub unchanged: i32,
}

fn count(value: usize) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

impl ImportReport {
    fn new(summary: DatasetSummary, dry_run: bool) -> Self {
        Self {
            dry_run,
            organisations: count(summary.records.organisations),
            territories: count(summary.records.territories),
            programmes: count(summary.records.programmes),
            sheets: count(summary.records.sheets),
            lessons: count(summary.records.lessons),
            created: count(summary.created),
            updated: count(summary.updated),
            unchanged: count(summary.unchanged),
        }
    }
}

#[derive(Default)]
pub struct TransferMutation;

#[Object]
impl TransferMutation {
    /// Imports dataset files (administrators): JSON, JSON Lines, CSV (one file per kind) or Markdown
    /// (one record per file), in one transaction: every record of every file, or nothing. Each
    /// file's format comes from its name's extension unless `format` says it. A record whose slug
    /// exists is updated in place. With `dryRun`, everything is checked and nothing is written.
    /// Problems come back as INVALID_INPUT, each naming its file, line and field.
    async fn import_dataset(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The dataset files (a GraphQL multipart upload); at least one.")] files: Vec<Upload>,
        #[graphql(
            desc = "The format of every file; when absent, each file's extension says it (.json, .jsonl or .ndjson, .csv, .md or .markdown)."
        )]
        format: Option<DatasetFormat>,
        #[graphql(default = false, desc = "Check everything and write nothing (false by default).")] dry_run: bool,
    ) -> async_graphql::Result<ImportReport> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        // Checked before the files are even opened (and again by the use case).
        viewer.may_administer().map_err(Error::Forbidden).gql()?;
        let mut uploads = Vec::new();
        for (index, upload) in files.iter().enumerate() {
            let value = upload
                .value(ctx)
                .map_err(|err| Error::invalid(format!("files[{index}]"), format!("is not an uploaded file: {err}")))
                .gql()?;
            let name = if value.filename.trim().is_empty() { format!("files[{index}]") } else { value.filename };
            uploads.push((name, value.content.to_vec()));
        }
        let summary =
            app.import_files(viewer, uploads, format.map(Format::from), dry_run, &Progress::default()).await.gql()?;
        Ok(ImportReport::new(summary, dry_run))
    }
}
