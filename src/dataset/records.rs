//! The serde form of each kind of record in a `retex-dataset/1` file: the organisation, territory,
//! programme, sheet and lesson records with their nested forms (phases, indicators, testimonies,
//! documents, evidence links), references to other records given by slug or external id. The
//! conversions to drafts and from stored records are in `conversions`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::*;

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

/// An amount of euros as a dataset gives it: a number (`12500.5`), or text as people write it
/// (`"12 500,50 €"`), read by `Amount::parse` when the record is validated. Written as a number.
#[derive(Debug, Clone, PartialEq)]
pub struct AmountText(pub String);

impl Serialize for AmountText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.parse::<f64>() {
            Ok(number) if number.is_finite() && !self.0.contains(['e', 'E']) => serializer.serialize_f64(number),
            _ => serializer.serialize_str(&self.0),
        }
    }
}

impl<'de> Deserialize<'de> for AmountText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(text) => Ok(Self(text)),
            serde_json::Value::Number(number) => Ok(Self(number.to_string())),
            other => Err(serde::de::Error::custom(format!(
                "an amount is a number of euros or a text such as \"12 500,50 €\", not {other}"
            ))),
        }
    }
}

/// A line of a funding plan.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FundingForm {
    pub funder: String,
    pub amount: AmountText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
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
    /// The total budget in euros.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<AmountText>,
    /// The funding plan, line by line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub funding: Vec<FundingForm>,
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
