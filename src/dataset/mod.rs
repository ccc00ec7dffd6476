//! The dataset format (`retex-dataset/1`, documented in `data/FORMAT.md`): the serde form of every
//! record, with references by slug. It is how the demo ships, how files are imported, and how each
//! revision keeps a record's state (a revision's snapshot is a dataset record, so it can be read by a
//! person and re-imported). The only module besides `graphql/` that knows a wire format.

use serde::{Deserialize, Serialize};

use crate::domain::*;

pub mod columns;
mod conversions;
pub mod csv;
pub mod files;
pub mod lines;
pub mod markdown;
mod names;
mod records;
pub mod writer;
pub mod xlsx;

pub use conversions::publication_status;
pub use files::{Format, Locations, locate, read_bytes, read_paths, read_paths_partial};
pub use lines::{Line, from_lines};
pub use names::{Names, Slot, SlotMut};
pub use records::{
    AmountText, Centroid, DocumentForm, EvidenceLinkForm, FundingForm, IndicatorForm, LessonRecord, OrganisationRecord,
    PhaseRecordForm, ProgrammeRecord, Provenance, SheetRecord, TerritoryRecord, TestimonyForm,
};
pub use writer::{Target, Writer, Written};

/// The format tag every dataset file carries.
pub const FORMAT: &str = "retex-dataset/1";

/// The licence exports give the records that have none of their own.
pub const DEFAULT_LICENCE: &str = "Licence Ouverte / Open Licence 2.0 (Etalab)";

/// Where exports say the records without a source address of their own come from.
pub const DEFAULT_SOURCE: &str = "retex, base de connaissances du réseau des Fabriques à initiatives";

/// A whole dataset.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Dataset {
    pub format: String,
    #[serde(default)]
    pub organisations: Vec<OrganisationRecord>,
    #[serde(default)]
    pub territories: Vec<TerritoryRecord>,
    #[serde(default)]
    pub programmes: Vec<ProgrammeRecord>,
    #[serde(default)]
    pub sheets: Vec<SheetRecord>,
    #[serde(default)]
    pub lessons: Vec<LessonRecord>,
}

/// How many records of each kind an import or an export handled.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct KindCounts {
    pub organisations: usize,
    pub territories: usize,
    pub programmes: usize,
    pub sheets: usize,
    pub lessons: usize,
}

impl KindCounts {
    /// Returns how many records in all.
    pub fn total(&self) -> usize {
        self.organisations + self.territories + self.programmes + self.sheets + self.lessons
    }

    /// Counts one more record of this kind.
    pub fn add(&mut self, kind: Kind) {
        *match kind {
            Kind::Organisation => &mut self.organisations,
            Kind::Territory => &mut self.territories,
            Kind::Programme => &mut self.programmes,
            Kind::Sheet => &mut self.sheets,
            Kind::Lesson => &mut self.lessons,
        } += 1;
    }
}

impl std::fmt::Display for KindCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} organisations, {} territoires, {} programmes, {} fiches, {} leçons",
            crate::domain::french_number(self.organisations as f64, 0),
            crate::domain::french_number(self.territories as f64, 0),
            crate::domain::french_number(self.programmes as f64, 0),
            crate::domain::french_number(self.sheets as f64, 0),
            crate::domain::french_number(self.lessons as f64, 0)
        )
    }
}

/// A kind of stored record as an export writes it: how a record becomes its dataset form, and a
/// page of them a dataset.
pub trait Exported: Fields {
    type Form;
    /// The record's dataset form; references name records by slug through `names`.
    fn form(record: &Record<Self::Id, Self>, names: &Names, external_id: Option<String>) -> Self::Form;
    /// A dataset holding these records only.
    fn page(forms: Vec<Self::Form>) -> Dataset;
}

macro_rules! exported {
    ($($fields:ty => $form:ident, $list:ident, |$record:ident, $names:ident| $convert:expr;)+) => {$(
        impl Exported for $fields {
            type Form = $form;
            fn form($record: &Record<Self::Id, Self>, $names: &Names, external_id: Option<String>) -> $form {
                let _ = $names;
                $form { external_id, ..$convert }
            }
            fn page(forms: Vec<$form>) -> Dataset {
                Dataset { format: FORMAT.to_owned(), $list: forms, ..Dataset::default() }
            }
        }
    )+};
}

exported! {
    OrganisationFields => OrganisationRecord, organisations, |record, names| OrganisationRecord::from_record(record);
    TerritoryFields => TerritoryRecord, territories, |record, names| TerritoryRecord::from_record(record);
    ProgrammeFields => ProgrammeRecord, programmes, |record, names| ProgrammeRecord::from_record(record, names);
    SheetFields => SheetRecord, sheets, |record, names| SheetRecord::from_record(record, names);
    LessonFields => LessonRecord, lessons, |record, names| LessonRecord::from_record(record, names);
}

impl Dataset {
    /// Returns how many records the dataset holds.
    pub fn len(&self) -> usize {
        self.organisations.len()
            + self.territories.len()
            + self.programmes.len()
            + self.sheets.len()
            + self.lessons.len()
    }

    /// Returns how many records each list holds, by the name problems give the list.
    pub fn counts(&self) -> [(files::List, usize); 5] {
        [
            ("organisations", self.organisations.len()),
            ("territories", self.territories.len()),
            ("programmes", self.programmes.len()),
            ("sheets", self.sheets.len()),
            ("lessons", self.lessons.len()),
        ]
    }

    /// Returns whether the dataset holds no record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Gives every record the licence it is published under (a sheet keeps its own when it has one)
    /// and where it comes from (a sheet's own source address when it has one), as exports do.
    pub fn with_distribution(mut self, licence: &str, source: &str) -> Self {
        let licence = || Some(licence.to_owned());
        let source = || Some(source.to_owned());
        for record in &mut self.organisations {
            (record.licence, record.source) = (licence(), source());
        }
        for record in &mut self.territories {
            (record.licence, record.source) = (licence(), source());
        }
        for record in &mut self.programmes {
            (record.licence, record.source) = (licence(), source());
        }
        for record in &mut self.sheets {
            record.licence = record.licence.take().or_else(licence);
            record.source = record.source_url.clone().or_else(source);
        }
        for record in &mut self.lessons {
            (record.licence, record.source) = (licence(), source());
        }
        self
    }

    /// A dataset of the one record of kind `kind` in `json` (a revision's snapshot).
    pub fn of_record(kind: Kind, json: &str) -> serde_json::Result<Self> {
        let mut dataset = Dataset { format: FORMAT.to_owned(), ..Dataset::default() };
        match kind {
            Kind::Organisation => dataset.organisations.push(serde_json::from_str(json)?),
            Kind::Territory => dataset.territories.push(serde_json::from_str(json)?),
            Kind::Programme => dataset.programmes.push(serde_json::from_str(json)?),
            Kind::Sheet => dataset.sheets.push(serde_json::from_str(json)?),
            Kind::Lesson => dataset.lessons.push(serde_json::from_str(json)?),
        }
        Ok(dataset)
    }

    /// The JSON of the one record of a dataset made by `of_record`.
    pub fn record_json(&self) -> serde_json::Result<String> {
        if let Some(record) = self.organisations.first() {
            return serde_json::to_string(record);
        }
        if let Some(record) = self.territories.first() {
            return serde_json::to_string(record);
        }
        if let Some(record) = self.programmes.first() {
            return serde_json::to_string(record);
        }
        if let Some(record) = self.sheets.first() {
            return serde_json::to_string(record);
        }
        serde_json::to_string(&self.lessons.first())
    }
}
