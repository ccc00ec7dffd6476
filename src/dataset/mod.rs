//! The dataset format (`retex-dataset/1`, documented in `data/FORMAT.md`): the serde form of every
//! record, with references by slug. It is how the demo ships, how files are imported, and how each
//! revision keeps a record's state (a revision's snapshot is a dataset record, so it can be read by a
//! person and re-imported). The only module besides `graphql/` that knows a wire format.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::*;

pub mod columns;
pub mod csv;
pub mod files;
pub mod lines;
pub mod markdown;
pub mod writer;

pub use files::{Format, Locations, locate, read_bytes, read_paths};
pub use lines::{Line, from_lines};
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

/// Where a record's facts come from; kept in files for readers, not stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Provenance {
    Source,
    Illustrative,
    Mixed,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OrganisationRecord {
    /// The stable key of the record among its kind; derived (from `externalId`, else the title or
    /// name) when empty or absent.
    #[serde(default)]
    pub slug: String,
    /// The record's identifier in the system it comes from; an import matches records by it as
    /// well as by slug, and references may use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub name: String,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub siren: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rna: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publication_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance_note: Option<String>,
    /// The licence the record is published under; exports give it on every record (for a sheet,
    /// its own licence when it has one). Stored only for sheets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
    /// Where the record comes from; exports give it on every record. Not stored: read and ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Centroid {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TerritoryRecord {
    /// The stable key of the record among its kind; derived (from `externalId`, else the title or
    /// name) when empty or absent.
    #[serde(default)]
    pub slug: String,
    /// The record's identifier in the system it comes from; an import matches records by it as
    /// well as by slug, and references may use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub name: String,
    pub level: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default)]
    pub types: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub centroid: Option<Centroid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publication_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance_note: Option<String>,
    /// The licence the record is published under; exports give it on every record (for a sheet,
    /// its own licence when it has one). Stored only for sheets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
    /// Where the record comes from; exports give it on every record. Not stored: read and ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProgrammeRecord {
    /// The stable key of the record among its kind; derived (from `externalId`, else the title or
    /// name) when empty or absent.
    #[serde(default)]
    pub slug: String,
    /// The record's identifier in the system it comes from; an import matches records by it as
    /// well as by slug, and references may use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_year: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_year: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    #[serde(default)]
    pub funders: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publication_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance_note: Option<String>,
    /// The licence the record is published under; exports give it on every record (for a sheet,
    /// its own licence when it has one). Stored only for sheets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
    /// Where the record comes from; exports give it on every record. Not stored: read and ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PhaseRecordForm {
    pub phase: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_on: Option<NaiveDate>,
    #[serde(default)]
    pub methods: Vec<String>,
    #[serde(default)]
    pub participants: Vec<String>,
    #[serde(default)]
    pub outcome: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IndicatorForm {
    pub name: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TestimonyForm {
    pub quote: String,
    #[serde(default)]
    pub speaker: String,
    #[serde(default)]
    pub role: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DocumentForm {
    pub title: String,
    pub kind: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SheetRecord {
    /// The stable key of the record among its kind; derived (from `externalId`, else the title or
    /// name) when empty or absent.
    #[serde(default)]
    pub slug: String,
    /// The record's identifier in the system it comes from; an import matches records by it as
    /// well as by slug, and references may use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub body: String,
    pub activity_type: String,
    #[serde(default)]
    pub programmes: Vec<String>,
    #[serde(default)]
    pub territories: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supporting_structure: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_holder: Option<String>,
    #[serde(default)]
    pub partners: Vec<String>,
    #[serde(default)]
    pub social_need: String,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub target_publics: Vec<String>,
    pub status: String,
    #[serde(default)]
    pub phases: Vec<PhaseRecordForm>,
    #[serde(default)]
    pub indicators: Vec<IndicatorForm>,
    #[serde(default)]
    pub testimonies: Vec<TestimonyForm>,
    #[serde(default)]
    pub documents: Vec<DocumentForm>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publication_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance_note: Option<String>,
    /// Where the record comes from (its `sourceUrl` when it has one); exports give it on every
    /// record. Not stored: read and ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EvidenceLinkForm {
    pub sheet: String,
    #[serde(default = "observed_in")]
    pub role: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LessonRecord {
    /// The stable key of the record among its kind; derived (from `externalId`, else the title or
    /// name) when empty or absent.
    #[serde(default)]
    pub slug: String,
    /// The record's identifier in the system it comes from; an import matches records by it as
    /// well as by slug, and references may use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub polarity: String,
    pub title: String,
    #[serde(default)]
    pub context: String,
    #[serde(default)]
    pub lesson: String,
    #[serde(default)]
    pub recommendation: String,
    #[serde(default)]
    pub evidence: String,
    pub evidence_level: String,
    #[serde(default)]
    pub phases: Vec<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub territory_types: Vec<String>,
    #[serde(default)]
    pub evidence_links: Vec<EvidenceLinkForm>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publication_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance_note: Option<String>,
    /// The licence the record is published under; exports give it on every record (for a sheet,
    /// its own licence when it has one). Stored only for sheets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
    /// Where the record comes from; exports give it on every record. Not stored: read and ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

fn observed_in() -> String {
    EvidenceRole::ObservedIn.code().to_owned()
}

/// Maps slugs to ids (when reading a dataset) and ids to slugs (when writing one), per kind.
#[derive(Debug, Default)]
pub struct Names {
    ids: HashMap<(Kind, String), i64>,
    slugs: HashMap<(Kind, i64), String>,
}

impl Names {
    pub fn insert(&mut self, kind: Kind, id: i64, slug: &str) {
        self.ids.insert((kind, slug.to_owned()), id);
        self.slugs.insert((kind, id), slug.to_owned());
    }

    fn id<I: RecordId>(&self, p: &mut Problems, field: String, slug: &str) -> Option<I> {
        match self.ids.get(&(I::KIND, slug.to_owned())) {
            Some(id) => Some(I::new(*id)),
            None => {
                p.add(field, format!("no {} with slug `{slug}`", I::KIND.as_str()));
                None
            }
        }
    }

    fn ids<I: RecordId>(&self, p: &mut Problems, field: &str, slugs: &[String]) -> Option<Vec<I>> {
        let found: Vec<Option<I>> =
            slugs.iter().enumerate().map(|(i, slug)| self.id(p, format!("{field}[{i}]"), slug)).collect();
        found.into_iter().collect()
    }

    /// Returns the slug of a record; `#ID` when it is not known, which no slug can be (a slug is
    /// made of a-z, 0-9 and hyphens), so that a reference to it is never taken for another record's.
    fn slug<I: RecordId>(&self, id: I) -> String {
        self.slugs.get(&(I::KIND, id.get())).cloned().unwrap_or_else(|| format!("#{}", id.get()))
    }

    fn slugs<I: RecordId>(&self, ids: &[I]) -> Vec<String> {
        ids.iter().map(|id| self.slug(*id)).collect()
    }
}

fn code<T: Vocabulary>(p: &mut Problems, field: &str, raw: &str) -> Option<T> {
    p.check(field, T::from_code(raw).ok_or_else(|| unknown::<T>(raw)))
}

fn unknown<T: Vocabulary>(raw: &str) -> String {
    let expected: Vec<&str> = T::ALL.iter().map(|value| value.code()).collect();
    format!("`{raw}` is not a valid {} value; expected one of {}", T::NAME, expected.join(", "))
}

fn codes<T: Vocabulary>(p: &mut Problems, field: &str, raw: &[String]) -> Option<Vec<T>> {
    p.check_all(field, raw, |item| T::from_code(item).ok_or_else(|| unknown::<T>(item)))
}

fn opt_code<T: Vocabulary>(p: &mut Problems, field: &str, raw: &Option<String>) -> Option<Option<T>> {
    match raw {
        None => Some(None),
        Some(raw) => code(p, field, raw).map(Some),
    }
}

fn opt_ref<I: RecordId>(names: &Names, p: &mut Problems, field: &str, raw: &Option<String>) -> Option<Option<I>> {
    match raw {
        None => Some(None),
        Some(slug) => names.id(p, field.to_owned(), slug).map(Some),
    }
}

fn codes_of<T: Vocabulary>(values: &[T]) -> Vec<String> {
    values.iter().map(|value| value.code().to_owned()).collect()
}

/// Returns the publication status a dataset record asks for (PUBLISHED when it says nothing).
pub fn publication_status(p: &mut Problems, raw: &Option<String>) -> Option<PublicationStatus> {
    Some(opt_code(p, "publicationStatus", raw)?.unwrap_or(PublicationStatus::Published))
}

/// Returns the draft, or every problem found while building it.
fn finish_draft<T>(problems: Problems, draft: Option<T>) -> Result<T, Vec<FieldProblem>> {
    match draft {
        Some(draft) if problems.is_empty() => Ok(draft),
        _ => Err(problems.into_vec()),
    }
}

impl OrganisationRecord {
    pub fn to_draft(&self) -> Result<OrganisationDraft, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let draft = (|| {
            Some(OrganisationDraft {
                slug: (!self.slug.is_empty()).then(|| self.slug.clone()),
                name: self.name.clone(),
                kind: Some(code(&mut p, "kind", &self.kind)?),
                region: opt_code(&mut p, "region", &self.region)?,
                website: self.website.clone(),
                siren: self.siren.clone(),
                rna: self.rna.clone(),
            })
        })();
        finish_draft(p, draft)
    }

    pub fn from_record(record: &Organisation) -> Self {
        let fields = &record.fields;
        Self {
            slug: fields.slug.to_string(),
            external_id: None,
            name: fields.name.to_string(),
            kind: fields.kind.code().to_owned(),
            region: fields.region.map(|region| region.code().to_owned()),
            website: fields.website.as_ref().map(|url| url.as_str().to_owned()),
            siren: fields.siren.as_ref().map(|siren| siren.as_str().to_owned()),
            rna: fields.rna.as_ref().map(|rna| rna.as_str().to_owned()),
            publication_status: Some(record.meta.publication_status.code().to_owned()),
            provenance: None,
            provenance_note: None,
            licence: None,
            source: None,
        }
    }
}

impl TerritoryRecord {
    pub fn to_draft(&self) -> Result<TerritoryDraft, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let draft = (|| {
            let level = code(&mut p, "level", &self.level);
            let region = opt_code(&mut p, "region", &self.region);
            let types = codes(&mut p, "types", &self.types);
            Some(TerritoryDraft {
                slug: (!self.slug.is_empty()).then(|| self.slug.clone()),
                name: self.name.clone(),
                level: Some(level?),
                code: self.code.clone(),
                region: region?,
                types: types?,
                centroid: self.centroid.map(|point| (point.lat, point.lon)),
            })
        })();
        finish_draft(p, draft)
    }

    pub fn from_record(record: &Territory) -> Self {
        let fields = &record.fields;
        Self {
            slug: fields.slug.to_string(),
            external_id: None,
            name: fields.name.to_string(),
            level: fields.level.code().to_owned(),
            code: fields.code.as_ref().map(ToString::to_string),
            region: fields.region.map(|region| region.code().to_owned()),
            types: codes_of(&fields.types),
            centroid: fields.centroid.map(|point| Centroid { lat: point.latitude(), lon: point.longitude() }),
            publication_status: Some(record.meta.publication_status.code().to_owned()),
            provenance: None,
            provenance_note: None,
            licence: None,
            source: None,
        }
    }
}

impl ProgrammeRecord {
    pub fn to_draft(&self, names: &Names) -> Result<ProgrammeDraft, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let draft = (|| {
            let operator = opt_ref(names, &mut p, "operator", &self.operator);
            let funders = names.ids(&mut p, "funders", &self.funders);
            let parent = opt_ref(names, &mut p, "parent", &self.parent);
            let themes = codes(&mut p, "themes", &self.themes);
            Some(ProgrammeDraft {
                slug: (!self.slug.is_empty()).then(|| self.slug.clone()),
                name: self.name.clone(),
                summary: self.summary.clone(),
                start_year: self.start_year,
                end_year: self.end_year,
                operator: operator?,
                funders: funders?,
                parent: parent?,
                themes: themes?,
            })
        })();
        finish_draft(p, draft)
    }

    pub fn from_record(record: &Programme, names: &Names) -> Self {
        let fields = &record.fields;
        Self {
            slug: fields.slug.to_string(),
            external_id: None,
            name: fields.name.to_string(),
            summary: fields.summary.to_string(),
            start_year: fields.start_year.map(|year| year.get().into()),
            end_year: fields.end_year.map(|year| year.get().into()),
            operator: fields.operator.map(|id| names.slug(id)),
            funders: names.slugs(&fields.funders),
            parent: fields.parent.map(|id| names.slug(id)),
            themes: codes_of(&fields.themes),
            publication_status: Some(record.meta.publication_status.code().to_owned()),
            provenance: None,
            provenance_note: None,
            licence: None,
            source: None,
        }
    }
}

impl SheetRecord {
    // Long by nature: one statement per field of a sheet, each problem named after its field.
    pub fn to_draft(&self, names: &Names) -> Result<SheetDraft, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let draft = (|| {
            let phases: Vec<Option<PhaseDraft>> = self
                .phases
                .iter()
                .enumerate()
                .map(|(i, form)| {
                    Some(PhaseDraft {
                        phase: code(&mut p, &format!("phases[{i}].phase"), &form.phase)?,
                        started_on: form.started_on,
                        ended_on: form.ended_on,
                        methods: form.methods.clone(),
                        participants: form.participants.clone(),
                        outcome: form.outcome.clone(),
                    })
                })
                .collect();
            let documents: Vec<Option<DocumentDraft>> = self
                .documents
                .iter()
                .enumerate()
                .map(|(i, form)| {
                    Some(DocumentDraft {
                        title: form.title.clone(),
                        kind: code(&mut p, &format!("documents[{i}].kind"), &form.kind)?,
                        url: form.url.clone(),
                    })
                })
                .collect();
            let activity_type = code(&mut p, "activityType", &self.activity_type);
            let programmes = names.ids(&mut p, "programmes", &self.programmes);
            let territories = names.ids(&mut p, "territories", &self.territories);
            let supporting_structure = opt_ref(names, &mut p, "supportingStructure", &self.supporting_structure);
            let project_holder = opt_ref(names, &mut p, "projectHolder", &self.project_holder);
            let partners = names.ids(&mut p, "partners", &self.partners);
            let themes = codes(&mut p, "themes", &self.themes);
            let target_publics = codes(&mut p, "targetPublics", &self.target_publics);
            let status = code(&mut p, "status", &self.status);
            Some(SheetDraft {
                slug: (!self.slug.is_empty()).then(|| self.slug.clone()),
                title: self.title.clone(),
                summary: self.summary.clone(),
                body: self.body.clone(),
                activity_type: Some(activity_type?),
                programmes: programmes?,
                territories: territories?,
                supporting_structure: supporting_structure?,
                project_holder: project_holder?,
                partners: partners?,
                social_need: self.social_need.clone(),
                themes: themes?,
                target_publics: target_publics?,
                status: Some(status?),
                phases: phases.into_iter().collect::<Option<_>>()?,
                indicators: self
                    .indicators
                    .iter()
                    .map(|form| IndicatorDraft {
                        name: form.name.clone(),
                        unit: form.unit.clone(),
                        baseline: form.baseline,
                        target: form.target,
                        actual: form.actual,
                    })
                    .collect(),
                testimonies: self
                    .testimonies
                    .iter()
                    .map(|form| TestimonyDraft {
                        quote: form.quote.clone(),
                        speaker: form.speaker.clone(),
                        role: form.role.clone(),
                    })
                    .collect(),
                documents: documents.into_iter().collect::<Option<_>>()?,
                source_url: self.source_url.clone(),
                licence: self.licence.clone(),
            })
        })();
        finish_draft(p, draft)
    }

    pub fn from_record(record: &Sheet, names: &Names) -> Self {
        let fields = &record.fields;
        let text = |labels: &[Label]| labels.iter().map(ToString::to_string).collect();
        Self {
            slug: fields.slug.to_string(),
            external_id: None,
            title: fields.title.to_string(),
            summary: fields.summary.to_string(),
            body: fields.body.to_string(),
            activity_type: fields.activity_type.code().to_owned(),
            programmes: names.slugs(&fields.programmes),
            territories: names.slugs(&fields.territories),
            supporting_structure: fields.supporting_structure.map(|id| names.slug(id)),
            project_holder: fields.project_holder.map(|id| names.slug(id)),
            partners: names.slugs(&fields.partners),
            social_need: fields.social_need.to_string(),
            themes: codes_of(&fields.themes),
            target_publics: codes_of(&fields.target_publics),
            status: fields.status.code().to_owned(),
            phases: fields
                .phases
                .iter()
                .map(|record| PhaseRecordForm {
                    phase: record.phase.code().to_owned(),
                    started_on: record.started_on,
                    ended_on: record.ended_on,
                    methods: text(&record.methods),
                    participants: text(&record.participants),
                    outcome: record.outcome.to_string(),
                })
                .collect(),
            indicators: fields
                .indicators
                .iter()
                .map(|indicator| IndicatorForm {
                    name: indicator.name.to_string(),
                    unit: indicator.unit.to_string(),
                    baseline: indicator.baseline,
                    target: indicator.target,
                    actual: indicator.actual,
                })
                .collect(),
            testimonies: fields
                .testimonies
                .iter()
                .map(|testimony| TestimonyForm {
                    quote: testimony.quote.to_string(),
                    speaker: testimony.speaker.to_string(),
                    role: testimony.role.to_string(),
                })
                .collect(),
            documents: fields
                .documents
                .iter()
                .map(|document| DocumentForm {
                    title: document.title.to_string(),
                    kind: document.kind.code().to_owned(),
                    url: document.url.as_str().to_owned(),
                })
                .collect(),
            source_url: fields.source_url.as_ref().map(|url| url.as_str().to_owned()),
            licence: fields.licence.as_ref().map(ToString::to_string),
            publication_status: Some(record.meta.publication_status.code().to_owned()),
            provenance: None,
            provenance_note: None,
            source: None,
        }
    }
}

impl LessonRecord {
    pub fn to_draft(&self, names: &Names) -> Result<LessonDraft, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let draft = (|| {
            let links: Vec<Option<EvidenceLinkDraft>> = self
                .evidence_links
                .iter()
                .enumerate()
                .map(|(i, form)| {
                    let sheet = names.id(&mut p, format!("evidenceLinks[{i}].sheet"), &form.sheet);
                    let role = code(&mut p, &format!("evidenceLinks[{i}].role"), &form.role);
                    Some(EvidenceLinkDraft { sheet: sheet?, role: role?, note: form.note.clone() })
                })
                .collect();
            let polarity = code(&mut p, "polarity", &self.polarity);
            let evidence_level = code(&mut p, "evidenceLevel", &self.evidence_level);
            let phases = codes(&mut p, "phases", &self.phases);
            let categories = codes(&mut p, "categories", &self.categories);
            let themes = codes(&mut p, "themes", &self.themes);
            let territory_types = codes(&mut p, "territoryTypes", &self.territory_types);
            Some(LessonDraft {
                slug: (!self.slug.is_empty()).then(|| self.slug.clone()),
                polarity: Some(polarity?),
                title: self.title.clone(),
                context: self.context.clone(),
                lesson: self.lesson.clone(),
                recommendation: self.recommendation.clone(),
                evidence: self.evidence.clone(),
                evidence_level: Some(evidence_level?),
                phases: phases?,
                categories: categories?,
                themes: themes?,
                territory_types: territory_types?,
                evidence_links: links.into_iter().collect::<Option<_>>()?,
            })
        })();
        finish_draft(p, draft)
    }

    pub fn from_record(record: &Lesson, names: &Names) -> Self {
        let fields = &record.fields;
        Self {
            slug: fields.slug.to_string(),
            external_id: None,
            polarity: fields.polarity.code().to_owned(),
            title: fields.title.to_string(),
            context: fields.context.to_string(),
            lesson: fields.lesson.to_string(),
            recommendation: fields.recommendation.to_string(),
            evidence: fields.evidence.to_string(),
            evidence_level: fields.evidence_level.code().to_owned(),
            phases: codes_of(&fields.phases),
            categories: codes_of(&fields.categories),
            themes: codes_of(&fields.themes),
            territory_types: codes_of(&fields.territory_types),
            evidence_links: fields
                .evidence_links
                .iter()
                .map(|link| EvidenceLinkForm {
                    sheet: names.slug(link.sheet),
                    role: link.role.code().to_owned(),
                    note: link.note.to_string(),
                })
                .collect(),
            publication_status: Some(record.meta.publication_status.code().to_owned()),
            provenance: None,
            provenance_note: None,
            licence: None,
            source: None,
        }
    }
}

impl Names {
    /// Returns the id of the record of this kind and slug, when known.
    pub fn get(&self, kind: Kind, slug: &str) -> Option<i64> {
        self.ids.get(&(kind, slug.to_owned())).copied()
    }

    /// Returns whether a record of this kind and slug is known.
    pub fn contains(&self, kind: Kind, slug: &str) -> bool {
        self.ids.contains_key(&(kind, slug.to_owned()))
    }

    /// Returns whether the record of this kind and id is known.
    pub fn contains_id(&self, kind: Kind, id: i64) -> bool {
        self.slugs.contains_key(&(kind, id))
    }
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
            self.organisations, self.territories, self.programmes, self.sheets, self.lessons
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

    /// Calls `visit` with every reference of every record (a slug, or an external id), and the kind
    /// of record it names.
    pub fn for_each_reference(&mut self, mut visit: impl FnMut(Kind, &mut String)) {
        for programme in &mut self.programmes {
            programme.operator.iter_mut().chain(&mut programme.funders).for_each(|r| visit(Kind::Organisation, r));
            programme.parent.iter_mut().for_each(|r| visit(Kind::Programme, r));
        }
        for sheet in &mut self.sheets {
            sheet.programmes.iter_mut().for_each(|r| visit(Kind::Programme, r));
            sheet.territories.iter_mut().for_each(|r| visit(Kind::Territory, r));
            sheet
                .supporting_structure
                .iter_mut()
                .chain(&mut sheet.project_holder)
                .chain(&mut sheet.partners)
                .for_each(|r| visit(Kind::Organisation, r));
        }
        for lesson in &mut self.lessons {
            lesson.evidence_links.iter_mut().for_each(|link| visit(Kind::Sheet, &mut link.sheet));
        }
    }

    /// Returns the kind, slug and external id of every record.
    pub fn keys(&self) -> impl Iterator<Item = (Kind, &str, Option<&str>)> {
        let organisations = self.organisations.iter().map(|r| (Kind::Organisation, &r.slug, &r.external_id));
        let territories = self.territories.iter().map(|r| (Kind::Territory, &r.slug, &r.external_id));
        let programmes = self.programmes.iter().map(|r| (Kind::Programme, &r.slug, &r.external_id));
        let sheets = self.sheets.iter().map(|r| (Kind::Sheet, &r.slug, &r.external_id));
        let lessons = self.lessons.iter().map(|r| (Kind::Lesson, &r.slug, &r.external_id));
        organisations
            .chain(territories)
            .chain(programmes)
            .chain(sheets)
            .chain(lessons)
            .map(|(kind, slug, external)| (kind, slug.as_str(), external.as_deref()))
    }

    /// Returns whether a record has an external id or an empty slug (its keys need settling).
    pub fn needs_settling(&self) -> bool {
        self.keys().any(|(_, slug, external)| slug.is_empty() || external.is_some())
    }

    /// Calls `visit` with the kind, slug, external id and title (or name) of every record.
    pub fn for_each_key(&mut self, mut visit: impl FnMut(Kind, &mut String, &Option<String>, &str)) {
        for r in &mut self.organisations {
            visit(Kind::Organisation, &mut r.slug, &r.external_id, &r.name);
        }
        for r in &mut self.territories {
            visit(Kind::Territory, &mut r.slug, &r.external_id, &r.name);
        }
        for r in &mut self.programmes {
            visit(Kind::Programme, &mut r.slug, &r.external_id, &r.name);
        }
        for r in &mut self.sheets {
            visit(Kind::Sheet, &mut r.slug, &r.external_id, &r.title);
        }
        for r in &mut self.lessons {
            visit(Kind::Lesson, &mut r.slug, &r.external_id, &r.title);
        }
    }

    /// Returns the slugs the records refer to that the dataset does not hold itself, per kind.
    pub fn references(&self) -> Vec<(Kind, Vec<String>)> {
        use std::collections::BTreeSet;
        let own = |kind: Kind| -> BTreeSet<&str> {
            match kind {
                Kind::Organisation => self.organisations.iter().map(|r| r.slug.as_str()).collect(),
                Kind::Territory => self.territories.iter().map(|r| r.slug.as_str()).collect(),
                Kind::Programme => self.programmes.iter().map(|r| r.slug.as_str()).collect(),
                Kind::Sheet => self.sheets.iter().map(|r| r.slug.as_str()).collect(),
                Kind::Lesson => self.lessons.iter().map(|r| r.slug.as_str()).collect(),
            }
        };
        let mut wanted: HashMap<Kind, BTreeSet<String>> = HashMap::new();
        let mut want = |kind: Kind, slug: &str| {
            wanted.entry(kind).or_default().insert(slug.to_owned());
        };
        for programme in &self.programmes {
            programme.operator.iter().chain(&programme.funders).for_each(|slug| want(Kind::Organisation, slug));
            programme.parent.iter().for_each(|slug| want(Kind::Programme, slug));
        }
        for sheet in &self.sheets {
            sheet.programmes.iter().for_each(|slug| want(Kind::Programme, slug));
            sheet.territories.iter().for_each(|slug| want(Kind::Territory, slug));
            sheet
                .supporting_structure
                .iter()
                .chain(&sheet.project_holder)
                .chain(&sheet.partners)
                .for_each(|slug| want(Kind::Organisation, slug));
        }
        for lesson in &self.lessons {
            lesson.evidence_links.iter().for_each(|link| want(Kind::Sheet, &link.sheet));
        }
        let mut out: Vec<(Kind, Vec<String>)> = wanted
            .into_iter()
            .map(|(kind, slugs)| {
                let own = own(kind);
                (kind, slugs.into_iter().filter(|slug| !own.contains(slug.as_str())).collect::<Vec<_>>())
            })
            .filter(|(_, slugs)| !slugs.is_empty())
            .collect();
        out.sort_by_key(|(kind, _)| *kind);
        out
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

    /// Drops the references to records the dataset does not hold (an export of published records
    /// leaves drafts out, and a published sheet may name a draft organisation), so that it
    /// re-imports on its own.
    pub fn keeping_known_references(mut self, names: &Names) -> Self {
        let keep = |kind: Kind, slugs: &mut Vec<String>| slugs.retain(|slug| names.contains(kind, slug));
        let keep_one =
            |kind: Kind, slug: &mut Option<String>| *slug = slug.take().filter(|slug| names.contains(kind, slug));
        for programme in &mut self.programmes {
            keep_one(Kind::Organisation, &mut programme.operator);
            keep(Kind::Organisation, &mut programme.funders);
            keep_one(Kind::Programme, &mut programme.parent);
        }
        for sheet in &mut self.sheets {
            keep(Kind::Programme, &mut sheet.programmes);
            keep(Kind::Territory, &mut sheet.territories);
            keep_one(Kind::Organisation, &mut sheet.supporting_structure);
            keep_one(Kind::Organisation, &mut sheet.project_holder);
            keep(Kind::Organisation, &mut sheet.partners);
        }
        for lesson in &mut self.lessons {
            lesson.evidence_links.retain(|link| names.contains(Kind::Sheet, &link.sheet));
        }
        self
    }
}
