//! Input types: the create and patch inputs of each kind of record (filters and sort orders are in
//! `filters.rs`, a sheet's inputs in `sheet_inputs.rs`, both re-exported here). Each turns into its
//! domain form at the boundary (ids decoded, problems named by field); validation of the values
//! themselves is the domain's.

use async_graphql::{ID, InputObject, MaybeUndefined};

use super::ids::{decode_list, decode_opt};
use crate::domain::*;

pub use super::filters::*;
pub use super::sheet_inputs::*;

/// Sets an optional draft field from a patch: absent leaves it, `null` clears it.
pub(super) fn patch<T>(target: &mut Option<T>, value: MaybeUndefined<T>) {
    match value {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => *target = None,
        MaybeUndefined::Value(value) => *target = Some(value),
    }
}

pub(super) fn set<T>(target: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *target = value;
    }
}

/// A new organisation.
#[derive(InputObject)]
pub struct OrganisationInput {
    /// A stable, readable key: 1 to 80 lower-case letters a-z, digits and single hyphens; derived from
    /// the name when absent. CONFLICT when another record the caller may see already holds it.
    pub slug: Option<String>,
    /// The organisation's name (1 to 200 characters).
    pub name: String,
    /// What kind of structure it is.
    pub kind: OrganisationKind,
    /// The region it is based in.
    pub region: Option<Region>,
    /// Its website: an absolute http:// or https:// address (at most 2,000 characters).
    pub website: Option<String>,
    /// Its SIREN company number: nine digits (spaces are ignored).
    pub siren: Option<String>,
    /// Its RNA association number: `W` and nine characters, as in W751234567.
    pub rna: Option<String>,
}

impl OrganisationInput {
    pub fn into_draft(self) -> Result<OrganisationDraft, Vec<FieldProblem>> {
        Ok(OrganisationDraft {
            slug: self.slug,
            name: self.name,
            kind: Some(self.kind),
            region: self.region,
            website: self.website,
            siren: self.siren,
            rna: self.rna,
        })
    }
}

/// Changes to an organisation: absent fields stay as they are, `null` clears an optional field.
#[derive(InputObject, Default)]
pub struct OrganisationPatch {
    /// A new slug (1 to 80 lower-case letters a-z, digits and single hyphens); CONFLICT when another
    /// record the caller may see already holds it.
    pub slug: Option<String>,
    /// A new name (1 to 200 characters).
    pub name: Option<String>,
    /// A new kind.
    pub kind: Option<OrganisationKind>,
    /// A new region; `null` clears it.
    pub region: MaybeUndefined<Region>,
    /// A new website (an absolute http:// or https:// address); `null` clears it.
    pub website: MaybeUndefined<String>,
    /// A new SIREN number (nine digits); `null` clears it.
    pub siren: MaybeUndefined<String>,
    /// A new RNA number (`W` and nine characters); `null` clears it.
    pub rna: MaybeUndefined<String>,
}

impl OrganisationPatch {
    pub fn apply(self, draft: &mut OrganisationDraft) -> Result<(), Vec<FieldProblem>> {
        if self.slug.is_some() {
            draft.slug = self.slug;
        }
        set(&mut draft.name, self.name);
        if self.kind.is_some() {
            draft.kind = self.kind;
        }
        patch(&mut draft.region, self.region);
        patch(&mut draft.website, self.website);
        patch(&mut draft.siren, self.siren);
        patch(&mut draft.rna, self.rna);
        Ok(())
    }
}

/// A latitude and longitude in degrees.
#[derive(InputObject, Clone, Copy)]
pub struct CentroidInput {
    /// Latitude in degrees, from -90 to 90.
    pub latitude: f64,
    /// Longitude in degrees, from -180 to 180.
    pub longitude: f64,
}

/// A new territory.
#[derive(InputObject)]
pub struct TerritoryInput {
    /// A stable, readable key: 1 to 80 lower-case letters a-z, digits and single hyphens; derived from
    /// the name when absent. CONFLICT when another record the caller may see already holds it.
    pub slug: Option<String>,
    /// The territory's name (1 to 200 characters).
    pub name: String,
    /// Its administrative level.
    pub level: TerritoryLevel,
    /// Its official code: INSEE code of a commune or département, code of a QPV… (at most 200 characters).
    pub code: Option<String>,
    /// The region it lies in.
    pub region: Option<Region>,
    /// The kinds of territory it is (at most 50; repeated values are dropped).
    #[graphql(default)]
    pub types: Vec<TerritoryType>,
    /// Its centre, for maps.
    pub centroid: Option<CentroidInput>,
}

impl TerritoryInput {
    pub fn into_draft(self) -> Result<TerritoryDraft, Vec<FieldProblem>> {
        Ok(TerritoryDraft {
            slug: self.slug,
            name: self.name,
            level: Some(self.level),
            code: self.code,
            region: self.region,
            types: self.types,
            centroid: self.centroid.map(|point| (point.latitude, point.longitude)),
        })
    }
}

/// Changes to a territory: absent fields stay as they are, `null` clears an optional field, a list
/// replaces the whole list.
#[derive(InputObject, Default)]
pub struct TerritoryPatch {
    /// A new slug (1 to 80 lower-case letters a-z, digits and single hyphens); CONFLICT when another
    /// record the caller may see already holds it.
    pub slug: Option<String>,
    /// A new name (1 to 200 characters).
    pub name: Option<String>,
    /// A new administrative level.
    pub level: Option<TerritoryLevel>,
    /// A new official code (at most 200 characters); `null` clears it.
    pub code: MaybeUndefined<String>,
    /// A new region; `null` clears it.
    pub region: MaybeUndefined<Region>,
    /// The new list of territory types, replacing the whole list.
    pub types: Option<Vec<TerritoryType>>,
    /// A new centre; `null` clears it.
    pub centroid: MaybeUndefined<CentroidInput>,
}

impl TerritoryPatch {
    pub fn apply(self, draft: &mut TerritoryDraft) -> Result<(), Vec<FieldProblem>> {
        if self.slug.is_some() {
            draft.slug = self.slug;
        }
        set(&mut draft.name, self.name);
        if self.level.is_some() {
            draft.level = self.level;
        }
        patch(&mut draft.code, self.code);
        patch(&mut draft.region, self.region);
        set(&mut draft.types, self.types);
        patch(&mut draft.centroid, self.centroid.map_value(|point| (point.latitude, point.longitude)));
        Ok(())
    }
}

/// A new programme.
#[derive(InputObject)]
pub struct ProgrammeInput {
    /// A stable, readable key: 1 to 80 lower-case letters a-z, digits and single hyphens; derived from
    /// the name when absent. CONFLICT when another record the caller may see already holds it.
    pub slug: Option<String>,
    /// The programme's name (1 to 200 characters).
    pub name: String,
    /// A short presentation (at most 2,000 characters).
    #[graphql(default)]
    pub summary: String,
    /// The year the programme started, 1900 to 2100.
    pub start_year: Option<i32>,
    /// The year it ended or ends, 1900 to 2100 and not before `startYear`.
    pub end_year: Option<i32>,
    /// The organisation that runs it (an organisation id the caller may see, NOT_FOUND otherwise).
    pub operator: Option<ID>,
    /// The organisations that fund it (at most 50 organisation ids the caller may see).
    #[graphql(default)]
    pub funders: Vec<ID>,
    /// The programme it is part of (a programme id the caller may see, NOT_FOUND otherwise).
    pub parent: Option<ID>,
    /// The themes of social utility it addresses (at most 50; repeated values are dropped).
    #[graphql(default)]
    pub themes: Vec<Theme>,
}

impl ProgrammeInput {
    pub fn into_draft(self) -> Result<ProgrammeDraft, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let draft = ProgrammeDraft {
            slug: self.slug,
            name: self.name,
            summary: self.summary,
            start_year: self.start_year.map(i64::from),
            end_year: self.end_year.map(i64::from),
            operator: decode_opt(&mut p, "operator", self.operator.as_ref()),
            funders: decode_list(&mut p, "funders", &self.funders),
            parent: decode_opt(&mut p, "parent", self.parent.as_ref()),
            themes: self.themes,
        };
        p.into_result().map(|()| draft)
    }
}

/// Changes to a programme: absent fields stay as they are, `null` clears an optional field, a list
/// replaces the whole list.
#[derive(InputObject, Default)]
pub struct ProgrammePatch {
    /// A new slug (1 to 80 lower-case letters a-z, digits and single hyphens); CONFLICT when another
    /// record the caller may see already holds it.
    pub slug: Option<String>,
    /// A new name (1 to 200 characters).
    pub name: Option<String>,
    /// A new presentation (at most 2,000 characters).
    pub summary: Option<String>,
    /// A new start year (1900 to 2100); `null` clears it.
    pub start_year: MaybeUndefined<i32>,
    /// A new end year (1900 to 2100, not before the start year); `null` clears it.
    pub end_year: MaybeUndefined<i32>,
    /// A new operating organisation (an id the caller may see); `null` clears it.
    pub operator: MaybeUndefined<ID>,
    /// The new list of funders (at most 50 organisation ids), replacing the whole list.
    pub funders: Option<Vec<ID>>,
    /// A new parent programme (neither this programme nor one nested in it); `null` makes it top-level.
    pub parent: MaybeUndefined<ID>,
    /// The new list of themes, replacing the whole list.
    pub themes: Option<Vec<Theme>>,
}

impl ProgrammePatch {
    pub fn apply(self, draft: &mut ProgrammeDraft) -> Result<(), Vec<FieldProblem>> {
        let mut p = Problems::default();
        if self.slug.is_some() {
            draft.slug = self.slug;
        }
        set(&mut draft.name, self.name);
        set(&mut draft.summary, self.summary);
        patch(&mut draft.start_year, self.start_year.map_value(i64::from));
        patch(&mut draft.end_year, self.end_year.map_value(i64::from));
        patch(
            &mut draft.operator,
            self.operator.map_value(|id| decode_opt(&mut p, "operator", Some(&id))).flatten_option(),
        );
        if let Some(funders) = self.funders {
            draft.funders = decode_list(&mut p, "funders", &funders);
        }
        patch(&mut draft.parent, self.parent.map_value(|id| decode_opt(&mut p, "parent", Some(&id))).flatten_option());
        set(&mut draft.themes, self.themes);
        p.into_result()
    }
}

/// Turns `Value(None)` (an id that failed to decode, already reported) into `Undefined`.
pub(super) trait FlattenOption<T> {
    fn flatten_option(self) -> MaybeUndefined<T>;
}

impl<T> FlattenOption<T> for MaybeUndefined<Option<T>> {
    fn flatten_option(self) -> MaybeUndefined<T> {
        match self {
            MaybeUndefined::Undefined | MaybeUndefined::Value(None) => MaybeUndefined::Undefined,
            MaybeUndefined::Null => MaybeUndefined::Null,
            MaybeUndefined::Value(Some(value)) => MaybeUndefined::Value(value),
        }
    }
}

/// A link from a lesson to a project sheet that shows or contradicts it.
#[derive(InputObject)]
pub struct EvidenceLinkInput {
    /// The project sheet's id: one the caller may see (NOT_FOUND otherwise), linked once per lesson.
    pub sheet: ID,
    /// Whether the sheet shows the lesson (OBSERVED_IN, the default) or contradicts it (CONTRADICTED_BY).
    #[graphql(default_with = "EvidenceRole::ObservedIn")]
    pub role: EvidenceRole,
    /// What the sheet shows about the lesson (at most 10,000 characters).
    #[graphql(default)]
    pub note: String,
}

fn evidence_links(p: &mut Problems, inputs: Vec<EvidenceLinkInput>) -> Vec<EvidenceLinkDraft> {
    inputs
        .into_iter()
        .enumerate()
        .filter_map(|(i, input)| {
            let sheet = decode_opt(p, &format!("evidenceLinks[{i}].sheet"), Some(&input.sheet))?;
            Some(EvidenceLinkDraft { sheet, role: input.role, note: input.note })
        })
        .collect()
}

/// A new lesson.
#[derive(InputObject)]
pub struct LessonInput {
    /// A stable, readable key: 1 to 80 lower-case letters a-z, digits and single hyphens; derived from
    /// the title when absent. CONFLICT when another record the caller may see already holds it.
    pub slug: Option<String>,
    /// Whether it is a success factor, a pitfall or a failure factor.
    pub polarity: Polarity,
    /// The lesson in one sentence (1 to 200 characters).
    pub title: String,
    /// What happened (at most 10,000 characters).
    #[graphql(default)]
    pub context: String,
    /// The general statement (at most 10,000 characters).
    #[graphql(default)]
    pub lesson: String,
    /// What to do (at most 10,000 characters).
    #[graphql(default)]
    pub recommendation: String,
    /// What shows it (at most 10,000 characters).
    #[graphql(default)]
    pub evidence: String,
    /// How strongly the lesson is backed; ONE_PROJECT when absent.
    pub evidence_level: Option<EvidenceLevel>,
    /// The phases of the démarche it concerns (at most 50; repeated values are dropped).
    #[graphql(default)]
    pub phases: Vec<Phase>,
    /// What it is about (at most 50; repeated values are dropped).
    #[graphql(default)]
    pub categories: Vec<LessonCategory>,
    /// The themes it concerns (at most 50; repeated values are dropped).
    #[graphql(default)]
    pub themes: Vec<Theme>,
    /// The kinds of territory it applies to (at most 50; repeated values are dropped).
    #[graphql(default)]
    pub territory_types: Vec<TerritoryType>,
    /// The project sheets that show or contradict it (at most 50, a sheet once).
    #[graphql(default)]
    pub evidence_links: Vec<EvidenceLinkInput>,
}

impl LessonInput {
    pub fn into_draft(self) -> Result<LessonDraft, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let draft = LessonDraft {
            slug: self.slug,
            polarity: Some(self.polarity),
            title: self.title,
            context: self.context,
            lesson: self.lesson,
            recommendation: self.recommendation,
            evidence: self.evidence,
            evidence_level: self.evidence_level,
            phases: self.phases,
            categories: self.categories,
            themes: self.themes,
            territory_types: self.territory_types,
            evidence_links: evidence_links(&mut p, self.evidence_links),
        };
        p.into_result().map(|()| draft)
    }
}

/// Changes to a lesson: absent fields stay as they are, a list replaces the whole list.
#[derive(InputObject, Default)]
pub struct LessonPatch {
    /// A new slug (1 to 80 lower-case letters a-z, digits and single hyphens); CONFLICT when another
    /// record the caller may see already holds it.
    pub slug: Option<String>,
    /// A new polarity.
    pub polarity: Option<Polarity>,
    /// A new one-sentence statement (1 to 200 characters).
    pub title: Option<String>,
    /// A new account of what happened (at most 10,000 characters).
    pub context: Option<String>,
    /// A new general statement (at most 10,000 characters).
    pub lesson: Option<String>,
    /// A new recommendation (at most 10,000 characters).
    pub recommendation: Option<String>,
    /// New evidence (at most 10,000 characters).
    pub evidence: Option<String>,
    /// A new evidence level.
    pub evidence_level: Option<EvidenceLevel>,
    /// The new list of phases, replacing the whole list.
    pub phases: Option<Vec<Phase>>,
    /// The new list of categories, replacing the whole list.
    pub categories: Option<Vec<LessonCategory>>,
    /// The new list of themes, replacing the whole list.
    pub themes: Option<Vec<Theme>>,
    /// The new list of territory types, replacing the whole list.
    pub territory_types: Option<Vec<TerritoryType>>,
    /// Replaces every link (at most 50); to add or remove one, use `linkLessonToSheet` / `unlinkLessonFromSheet`.
    pub evidence_links: Option<Vec<EvidenceLinkInput>>,
}

impl LessonPatch {
    pub fn apply(self, draft: &mut LessonDraft) -> Result<(), Vec<FieldProblem>> {
        let mut p = Problems::default();
        if self.slug.is_some() {
            draft.slug = self.slug;
        }
        if self.polarity.is_some() {
            draft.polarity = self.polarity;
        }
        set(&mut draft.title, self.title);
        set(&mut draft.context, self.context);
        set(&mut draft.lesson, self.lesson);
        set(&mut draft.recommendation, self.recommendation);
        set(&mut draft.evidence, self.evidence);
        if self.evidence_level.is_some() {
            draft.evidence_level = self.evidence_level;
        }
        set(&mut draft.phases, self.phases);
        set(&mut draft.categories, self.categories);
        set(&mut draft.themes, self.themes);
        set(&mut draft.territory_types, self.territory_types);
        if let Some(links) = self.evidence_links {
            draft.evidence_links = evidence_links(&mut p, links);
        }
        p.into_result()
    }
}
