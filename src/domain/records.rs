//! The records of the knowledge base: organisations, territories, programmes, project sheets
//! (fiches-projet) and lessons. Each is a `Record`: an id, the bookkeeping every record shares
//! (publication status, version, timestamps) and its editable fields. Fields are built from validated
//! values only; the rules that span several fields live in each `check` method.

use chrono::{DateTime, NaiveDate, Utc};
use std::fmt;

use super::text::{Amount, Body, Label, Problems, Prose, Rna, Siren, Slug, Summary, Title, WebAddress, Year};
use super::vocabulary::*;

/// The kinds of records, as they appear in global ids, the change log and revisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Organisation,
    Territory,
    Programme,
    Sheet,
    Lesson,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Organisation, Kind::Territory, Kind::Programme, Kind::Sheet, Kind::Lesson];

    /// Returns the stable lower-case name used in storage (`"sheet"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Organisation => "organisation",
            Kind::Territory => "territory",
            Kind::Programme => "programme",
            Kind::Sheet => "sheet",
            Kind::Lesson => "lesson",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }

    /// Returns the French name of the kind, as people say it (« Fiche-projet », « Leçon »).
    pub fn label(self) -> &'static str {
        match self {
            Kind::Organisation => "Organisation",
            Kind::Territory => "Territoire",
            Kind::Programme => "Programme",
            Kind::Sheet => "Fiche-projet",
            Kind::Lesson => "Leçon",
        }
    }
}

macro_rules! typed_ids {
    ($($name:ident => $kind:ident,)+) => {$(
        #[doc = concat!("The id of a record of kind `", stringify!($kind), "`.")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub i64);

        impl RecordId for $name {
            const KIND: Kind = Kind::$kind;
            fn new(raw: i64) -> Self { Self(raw) }
            fn get(self) -> i64 { self.0 }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}:{}", Kind::$kind.as_str(), self.0)
            }
        }
    )+};
}

/// A typed record id: the database integer and the kind it belongs to.
pub trait RecordId: Copy + Eq + std::hash::Hash + Ord + Send + Sync + fmt::Debug + fmt::Display + 'static {
    const KIND: Kind;
    fn new(raw: i64) -> Self;
    fn get(self) -> i64;
}

typed_ids! {
    OrganisationId => Organisation,
    TerritoryId => Territory,
    ProgrammeId => Programme,
    SheetId => Sheet,
    LessonId => Lesson,
}

/// Runs `$body` with `$fields` naming the fields type of the record kind `$kind` and `$id` its id
/// type (build one with `<$id as RecordId>::new(raw)`): the one place a `Kind` value reaches the
/// types generic code is written over, so that code reached from a kind (a global id, a change,
/// a hit) is written once rather than in a five-arm `match`.
macro_rules! with_kind {
    ($kind:expr, |$fields:ident, $id:ident| $body:expr) => {{
        use $crate::domain::Kind as K;
        match $kind {
            K::Organisation => $crate::domain::with_kind!(@arm OrganisationFields, OrganisationId, $fields, $id, $body),
            K::Territory => $crate::domain::with_kind!(@arm TerritoryFields, TerritoryId, $fields, $id, $body),
            K::Programme => $crate::domain::with_kind!(@arm ProgrammeFields, ProgrammeId, $fields, $id, $body),
            K::Sheet => $crate::domain::with_kind!(@arm SheetFields, SheetId, $fields, $id, $body),
            K::Lesson => $crate::domain::with_kind!(@arm LessonFields, LessonId, $fields, $id, $body),
        }
    }};
    (@arm $f:ident, $i:ident, $fields:ident, $id:ident, $body:expr) => {{
        #[allow(dead_code)]
        type $fields = $crate::domain::$f;
        #[allow(dead_code)]
        type $id = $crate::domain::$i;
        $body
    }};
}
pub(crate) use with_kind;

/// What every record carries besides its fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    pub publication_status: PublicationStatus,
    /// Starts at 1 and grows by one with every change; an update must name the version it read.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The organisation whose contributors may edit the record (the one that created it), if any.
    pub owner: Option<OrganisationId>,
}

/// A stored record: its id, bookkeeping and fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Record<I, F> {
    pub id: I,
    pub meta: Meta,
    pub fields: F,
}

pub type Organisation = Record<OrganisationId, OrganisationFields>;
pub type Territory = Record<TerritoryId, TerritoryFields>;
pub type Programme = Record<ProgrammeId, ProgrammeFields>;
pub type Sheet = Record<SheetId, SheetFields>;
pub type Lesson = Record<LessonId, LessonFields>;

/// A structure of the network: support structure, project holder, funder, local authority…
#[derive(Debug, Clone, PartialEq)]
pub struct OrganisationFields {
    pub slug: Slug,
    pub name: Title,
    pub kind: OrganisationKind,
    pub region: Option<Region>,
    pub website: Option<WebAddress>,
    pub siren: Option<Siren>,
    pub rna: Option<Rna>,
}

/// A latitude and longitude in degrees (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoPoint {
    latitude: f64,
    longitude: f64,
}

impl GeoPoint {
    pub fn parse(latitude: f64, longitude: f64) -> Result<Self, String> {
        if !(-90.0..=90.0).contains(&latitude) {
            return Err(format!("latitude {latitude} is not between -90 and 90"));
        }
        if !(-180.0..=180.0).contains(&longitude) {
            return Err(format!("longitude {longitude} is not between -180 and 180"));
        }
        Ok(Self { latitude, longitude })
    }

    pub fn latitude(self) -> f64 {
        self.latitude
    }

    pub fn longitude(self) -> f64 {
        self.longitude
    }
}

/// A territory where programmes act: a commune, an EPCI, a QPV, a pays…
#[derive(Debug, Clone, PartialEq)]
pub struct TerritoryFields {
    pub slug: Slug,
    pub name: Title,
    pub level: TerritoryLevel,
    /// The official code: INSEE code of a commune or département, QPV code…
    pub code: Option<Label>,
    pub region: Option<Region>,
    pub types: Vec<TerritoryType>,
    pub centroid: Option<GeoPoint>,
}

/// A national or local programme of the network (Territoires fragiles, Garages solidaires…).
#[derive(Debug, Clone, PartialEq)]
pub struct ProgrammeFields {
    pub slug: Slug,
    pub name: Title,
    pub summary: Summary,
    pub start_year: Option<Year>,
    pub end_year: Option<Year>,
    pub operator: Option<OrganisationId>,
    pub funders: Vec<OrganisationId>,
    pub parent: Option<ProgrammeId>,
    pub themes: Vec<Theme>,
}

impl ProgrammeFields {
    /// Checks the rules that span fields: the period is in order.
    pub fn check(&self, problems: &mut Problems) {
        if let (Some(start), Some(end)) = (self.start_year, self.end_year)
            && end < start
        {
            problems.add("endYear", format!("{} is before the start year {}", end.get(), start.get()));
        }
    }
}

/// One phase of the démarche as a project lived it.
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseRecord {
    pub phase: Phase,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub methods: Vec<Label>,
    pub participants: Vec<Label>,
    pub outcome: Prose,
}

/// A measure of a project's results.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub name: Title,
    pub unit: Label,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub actual: Option<f64>,
}

/// A line of a sheet's funding plan: who gave how much, when and how.
#[derive(Debug, Clone, PartialEq)]
pub struct Funding {
    /// The funder as the sheet names it (« Région Bretagne », « Fondation de France »): dashboards
    /// sum by this name, ignoring case and accents.
    pub funder: Label,
    pub amount: Amount,
    pub year: Option<Year>,
    pub kind: FundingKind,
}

/// Words of a person involved in a project.
#[derive(Debug, Clone, PartialEq)]
pub struct Testimony {
    pub quote: Prose,
    pub speaker: Label,
    pub role: Label,
}

/// A document about a project, published elsewhere.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: Title,
    pub kind: DocumentKind,
    pub url: WebAddress,
}

/// The most phase records, indicators, testimonies or documents one sheet may hold.
pub const MAX_SHEET_ITEMS: usize = 20;

/// A fiche-projet: one project's story from the detected need to its launch.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetFields {
    pub slug: Slug,
    pub title: Title,
    pub summary: Summary,
    pub body: Body,
    pub activity_type: ActivityType,
    pub programmes: Vec<ProgrammeId>,
    pub territories: Vec<TerritoryId>,
    pub supporting_structure: Option<OrganisationId>,
    pub project_holder: Option<OrganisationId>,
    pub partners: Vec<OrganisationId>,
    pub social_need: Prose,
    pub themes: Vec<Theme>,
    pub target_publics: Vec<TargetPublic>,
    pub status: SheetStatus,
    pub phases: Vec<PhaseRecord>,
    pub indicators: Vec<Indicator>,
    pub testimonies: Vec<Testimony>,
    pub documents: Vec<Document>,
    pub source_url: Option<WebAddress>,
    pub licence: Option<Label>,
    /// The project's total budget, in euros.
    pub budget: Option<Amount>,
    /// Where the money comes from, line by line.
    pub funding: Vec<Funding>,
}

impl SheetFields {
    /// Checks the rules that span fields: list sizes and phase dates in order.
    pub fn check(&self, problems: &mut Problems) {
        for (field, len) in [
            ("phases", self.phases.len()),
            ("indicators", self.indicators.len()),
            ("testimonies", self.testimonies.len()),
            ("documents", self.documents.len()),
            ("funding", self.funding.len()),
        ] {
            if len > MAX_SHEET_ITEMS {
                problems.add(field, format!("has {len} items, at most {MAX_SHEET_ITEMS} are allowed"));
            }
        }
        for (index, record) in self.phases.iter().enumerate() {
            if let (Some(start), Some(end)) = (record.started_on, record.ended_on)
                && end < start
            {
                problems.add(format!("phases[{index}].endedOn"), format!("{end} is before the start date {start}"));
            }
        }
        check_distinct(problems, "programmes", &self.programmes);
        check_distinct(problems, "territories", &self.territories);
        check_distinct(problems, "partners", &self.partners);
        if let Some(budget) = self.budget {
            let planned: i64 = self.funding.iter().map(|line| line.amount.cents()).sum();
            if planned > budget.cents() {
                problems.add(
                    "funding",
                    format!(
                        "adds up to {} €, more than the budget of {} €",
                        super::text::french_number(planned as f64 / 100.0, 2),
                        super::text::french_number(budget.euros(), 2)
                    ),
                );
            }
        }
    }
}

/// A link from a lesson to a project sheet that shows (or contradicts) it.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceLink {
    pub sheet: SheetId,
    pub role: EvidenceRole,
    pub note: Prose,
}

/// A lesson learned: a success factor, a pitfall or a failure factor, with what happened, the general
/// statement, what to do and what shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct LessonFields {
    pub slug: Slug,
    pub polarity: Polarity,
    pub title: Title,
    pub context: Prose,
    pub lesson: Prose,
    pub recommendation: Prose,
    pub evidence: Prose,
    pub evidence_level: EvidenceLevel,
    pub phases: Vec<Phase>,
    pub categories: Vec<LessonCategory>,
    pub themes: Vec<Theme>,
    pub territory_types: Vec<TerritoryType>,
    pub evidence_links: Vec<EvidenceLink>,
}

impl LessonFields {
    /// Checks the rules that span fields: a sheet is linked once.
    pub fn check(&self, problems: &mut Problems) {
        let sheets: Vec<SheetId> = self.evidence_links.iter().map(|link| link.sheet).collect();
        check_distinct(problems, "evidenceLinks", &sheets);
    }
}

fn check_distinct<T: Eq + std::hash::Hash + fmt::Display>(problems: &mut Problems, field: &str, items: &[T]) {
    let mut seen = std::collections::HashSet::new();
    for (index, item) in items.iter().enumerate() {
        if !seen.insert(item) {
            problems.add(format!("{field}[{index}]"), format!("{item} is listed twice"));
        }
    }
}

/// Removes repeated values from a multi-valued vocabulary field, keeping the first occurrence.
pub fn dedup<T: Eq + Copy>(values: Vec<T>) -> Vec<T> {
    let mut kept: Vec<T> = Vec::with_capacity(values.len());
    for value in values {
        if !kept.contains(&value) {
            kept.push(value);
        }
    }
    kept
}

/// The fields of a record of any kind, for the code that handles all kinds alike (revisions, changes).
pub trait Fields: Clone + Send + Sync + 'static {
    type Id: RecordId;
    fn slug(&self) -> &Slug;
    fn set_slug(&mut self, slug: Slug);
    /// Checks the rules that span fields.
    fn check(&self, problems: &mut Problems);
}

macro_rules! fields_of {
    ($($fields:ty => $id:ty, $check:expr;)+) => {$(
        impl Fields for $fields {
            type Id = $id;
            fn slug(&self) -> &Slug { &self.slug }
            fn set_slug(&mut self, slug: Slug) { self.slug = slug; }
            fn check(&self, problems: &mut Problems) {
                let check: fn(&Self, &mut Problems) = $check;
                check(self, problems)
            }
        }
    )+};
}

fields_of! {
    OrganisationFields => OrganisationId, |_, _| {};
    TerritoryFields => TerritoryId, |_, _| {};
    ProgrammeFields => ProgrammeId, ProgrammeFields::check;
    SheetFields => SheetId, SheetFields::check;
    LessonFields => LessonId, LessonFields::check;
}
