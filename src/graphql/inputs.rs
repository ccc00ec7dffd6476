//! Input types: filters, sort orders, and the create and patch inputs of each kind of record. Each
//! turns into its domain form at the boundary (ids decoded, problems named by field); validation of
//! the values themselves is the domain's.

use async_graphql::{Enum, ID, InputObject, MaybeUndefined};
use chrono::NaiveDate;

use super::ids::{decode_list, decode_opt};
use crate::domain::*;

/// What a list is sorted by.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
#[graphql(name = "SortField")]
pub enum SortFieldInput {
    /// The name (organisations, territories, programmes) or title (sheets, lessons).
    Title,
    /// When the record was created.
    CreatedAt,
    /// When the record last changed (the default).
    #[default]
    UpdatedAt,
}

/// The direction of a sort.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
#[graphql(name = "SortDirection")]
pub enum SortDirectionInput {
    /// Ascending: A to Z, oldest first.
    Asc,
    /// Descending: Z to A, newest first (the default).
    #[default]
    Desc,
}

/// A sort order; ties are broken by creation order, so pages never skip nor repeat a record.
#[derive(InputObject, Clone, Copy, Default)]
#[graphql(name = "SortOrder")]
pub struct SortInput {
    /// What to sort by (UPDATED_AT by default).
    #[graphql(default)]
    pub field: SortFieldInput,
    /// Which way (DESC by default).
    #[graphql(default)]
    pub direction: SortDirectionInput,
}

impl From<SortInput> for Sort {
    fn from(input: SortInput) -> Self {
        Sort {
            field: match input.field {
                SortFieldInput::Title => SortField::Title,
                SortFieldInput::CreatedAt => SortField::CreatedAt,
                SortFieldInput::UpdatedAt => SortField::UpdatedAt,
            },
            direction: match input.direction {
                SortDirectionInput::Asc => Direction::Ascending,
                SortDirectionInput::Desc => Direction::Descending,
            },
        }
    }
}

fn or_empty<T: Clone>(values: &Option<Vec<T>>) -> Vec<T> {
    values.clone().unwrap_or_default()
}

/// Filters on organisations: within a field any value matches, across fields all must.
#[derive(InputObject, Default)]
pub struct OrganisationFilterInput {
    /// Organisations of one of these kinds.
    pub kinds: Option<Vec<OrganisationKind>>,
    /// Organisations based in one of these regions.
    pub regions: Option<Vec<Region>>,
    /// Only records in these publication statuses; every status but ARCHIVED when absent (either way,
    /// only records the caller may see).
    pub publication_statuses: Option<Vec<PublicationStatus>>,
}

impl OrganisationFilterInput {
    pub fn into_domain(self) -> Result<OrganisationFilter, Vec<FieldProblem>> {
        Ok(OrganisationFilter {
            kinds: or_empty(&self.kinds),
            regions: or_empty(&self.regions),
            publication_statuses: or_empty(&self.publication_statuses),
        })
    }
}

/// Filters on territories: within a field any value matches, across fields all must.
#[derive(InputObject, Default)]
pub struct TerritoryFilterInput {
    /// Territories at one of these administrative levels.
    pub levels: Option<Vec<TerritoryLevel>>,
    /// Territories of at least one of these types.
    pub types: Option<Vec<TerritoryType>>,
    /// Territories in one of these regions.
    pub regions: Option<Vec<Region>>,
    /// Only records in these publication statuses; every status but ARCHIVED when absent (either way,
    /// only records the caller may see).
    pub publication_statuses: Option<Vec<PublicationStatus>>,
}

impl TerritoryFilterInput {
    pub fn into_domain(self) -> Result<TerritoryFilter, Vec<FieldProblem>> {
        Ok(TerritoryFilter {
            levels: or_empty(&self.levels),
            types: or_empty(&self.types),
            regions: or_empty(&self.regions),
            publication_statuses: or_empty(&self.publication_statuses),
        })
    }
}

/// Filters on programmes: within a field any value matches, across fields all must.
#[derive(InputObject, Default)]
pub struct ProgrammeFilterInput {
    /// Programmes addressing at least one of these themes.
    pub themes: Option<Vec<Theme>>,
    /// Programmes nested directly in one of these (programme ids).
    pub parents: Option<Vec<ID>>,
    /// Only programmes that are not nested in another.
    #[graphql(default)]
    pub top_level: bool,
    /// Programmes run by one of these organisations (organisation ids).
    pub operators: Option<Vec<ID>>,
    /// Only records in these publication statuses; every status but ARCHIVED when absent (either way,
    /// only records the caller may see).
    pub publication_statuses: Option<Vec<PublicationStatus>>,
}

impl ProgrammeFilterInput {
    pub fn into_domain(self) -> Result<ProgrammeFilter, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let filter = ProgrammeFilter {
            themes: or_empty(&self.themes),
            parents: decode_list(&mut p, "filter.parents", &or_empty(&self.parents)),
            top_level: self.top_level,
            operators: decode_list(&mut p, "filter.operators", &or_empty(&self.operators)),
            publication_statuses: or_empty(&self.publication_statuses),
        };
        p.into_result().map(|()| filter)
    }
}

/// Filters on project sheets: within a field any value matches, across fields all must.
#[derive(InputObject, Default)]
pub struct SheetFilterInput {
    /// Sheets of at least one of these programmes (programme ids).
    pub programmes: Option<Vec<ID>>,
    /// Sheets located in at least one of these territories (territory ids).
    pub territories: Option<Vec<ID>>,
    /// Sheets in at least one territory of these types.
    pub territory_types: Option<Vec<TerritoryType>>,
    /// Sheets in at least one territory of these regions.
    pub regions: Option<Vec<Region>>,
    /// Sheets addressing at least one of these themes.
    pub themes: Option<Vec<Theme>>,
    /// Sheets at one of these stages of the démarche.
    pub statuses: Option<Vec<SheetStatus>>,
    /// Sheets creating one of these kinds of activity.
    pub activity_types: Option<Vec<ActivityType>>,
    /// Sheets for at least one of these publics.
    pub target_publics: Option<Vec<TargetPublic>>,
    /// Sheets supported by one of these organisations (organisation ids).
    pub supporting_structures: Option<Vec<ID>>,
    /// Sheets carried by one of these organisations (organisation ids).
    pub project_holders: Option<Vec<ID>>,
    /// Sheets with at least one of these organisations as partner (organisation ids).
    pub partners: Option<Vec<ID>>,
    /// Only records in these publication statuses; every status but ARCHIVED when absent (either way,
    /// only records the caller may see).
    pub publication_statuses: Option<Vec<PublicationStatus>>,
}

impl SheetFilterInput {
    pub fn into_domain(self) -> Result<SheetFilter, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let filter = SheetFilter {
            programmes: decode_list(&mut p, "filter.programmes", &or_empty(&self.programmes)),
            territories: decode_list(&mut p, "filter.territories", &or_empty(&self.territories)),
            territory_types: or_empty(&self.territory_types),
            regions: or_empty(&self.regions),
            themes: or_empty(&self.themes),
            statuses: or_empty(&self.statuses),
            activity_types: or_empty(&self.activity_types),
            target_publics: or_empty(&self.target_publics),
            supporting_structures: decode_list(
                &mut p,
                "filter.supportingStructures",
                &or_empty(&self.supporting_structures),
            ),
            project_holders: decode_list(&mut p, "filter.projectHolders", &or_empty(&self.project_holders)),
            partners: decode_list(&mut p, "filter.partners", &or_empty(&self.partners)),
            publication_statuses: or_empty(&self.publication_statuses),
        };
        p.into_result().map(|()| filter)
    }
}

/// Filters on lessons: within a field any value matches, across fields all must.
#[derive(InputObject, Default)]
pub struct LessonFilterInput {
    /// Lessons of one of these polarities.
    pub polarities: Option<Vec<Polarity>>,
    /// Lessons in at least one of these categories.
    pub categories: Option<Vec<LessonCategory>>,
    /// Lessons concerning at least one of these phases of the démarche.
    pub phases: Option<Vec<Phase>>,
    /// Lessons concerning at least one of these themes.
    pub themes: Option<Vec<Theme>>,
    /// Lessons applying to at least one of these kinds of territory.
    pub territory_types: Option<Vec<TerritoryType>>,
    /// Lessons backed at one of these evidence levels.
    pub evidence_levels: Option<Vec<EvidenceLevel>>,
    /// Lessons linked to a sheet of one of these programmes (programme ids).
    pub programmes: Option<Vec<ID>>,
    /// Lessons linked to one of these sheets (sheet ids).
    pub sheets: Option<Vec<ID>>,
    /// Only records in these publication statuses; every status but ARCHIVED when absent (either way,
    /// only records the caller may see).
    pub publication_statuses: Option<Vec<PublicationStatus>>,
}

impl LessonFilterInput {
    pub fn into_domain(self) -> Result<LessonFilter, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let filter = LessonFilter {
            polarities: or_empty(&self.polarities),
            categories: or_empty(&self.categories),
            phases: or_empty(&self.phases),
            themes: or_empty(&self.themes),
            territory_types: or_empty(&self.territory_types),
            evidence_levels: or_empty(&self.evidence_levels),
            programmes: decode_list(&mut p, "filter.programmes", &or_empty(&self.programmes)),
            sheets: decode_list(&mut p, "filter.sheets", &or_empty(&self.sheets)),
            publication_statuses: or_empty(&self.publication_statuses),
        };
        p.into_result().map(|()| filter)
    }
}

/// Sets an optional draft field from a patch: absent leaves it, `null` clears it.
fn patch<T>(target: &mut Option<T>, value: MaybeUndefined<T>) {
    match value {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => *target = None,
        MaybeUndefined::Value(value) => *target = Some(value),
    }
}

fn set<T>(target: &mut T, value: Option<T>) {
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
trait FlattenOption<T> {
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

/// One phase of the démarche as the project lived it.
#[derive(InputObject)]
pub struct PhaseRecordInput {
    /// The phase of the démarche.
    pub phase: Phase,
    /// When the phase started.
    pub started_on: Option<NaiveDate>,
    /// When the phase ended; not before `startedOn`.
    pub ended_on: Option<NaiveDate>,
    /// Methods used (questionnaire, ateliers, entretiens…): at most 50, each at most 200 characters;
    /// empty ones are dropped.
    #[graphql(default)]
    pub methods: Vec<String>,
    /// Who took part: at most 50, each at most 200 characters; empty ones are dropped.
    #[graphql(default)]
    pub participants: Vec<String>,
    /// What came out of the phase (at most 10,000 characters).
    #[graphql(default)]
    pub outcome: String,
}

/// A measure of a project's results.
#[derive(InputObject)]
pub struct IndicatorInput {
    /// What is measured (1 to 200 characters); dashboards sum indicators of the same name and unit.
    pub name: String,
    /// The unit of the values (at most 200 characters).
    #[graphql(default)]
    pub unit: String,
    /// The value before the project (a finite number).
    pub baseline: Option<f64>,
    /// The value aimed at (a finite number).
    pub target: Option<f64>,
    /// The value reached (a finite number).
    pub actual: Option<f64>,
}

/// Words of a person involved in the project.
#[derive(InputObject)]
pub struct TestimonyInput {
    /// What the person said (at most 10,000 characters).
    pub quote: String,
    /// Who said it (at most 200 characters).
    #[graphql(default)]
    pub speaker: String,
    /// The speaker's role in the project (at most 200 characters).
    #[graphql(default)]
    pub role: String,
}

/// A document about the project.
#[derive(InputObject)]
pub struct DocumentInput {
    /// The document's title (1 to 200 characters).
    pub title: String,
    /// What kind of document it is.
    pub kind: DocumentKind,
    /// Where to read it: an absolute http:// or https:// address (at most 2,000 characters).
    pub url: String,
}

fn phases(inputs: Vec<PhaseRecordInput>) -> Vec<PhaseDraft> {
    inputs
        .into_iter()
        .map(|input| PhaseDraft {
            phase: input.phase,
            started_on: input.started_on,
            ended_on: input.ended_on,
            methods: input.methods,
            participants: input.participants,
            outcome: input.outcome,
        })
        .collect()
}

fn indicators(inputs: Vec<IndicatorInput>) -> Vec<IndicatorDraft> {
    inputs
        .into_iter()
        .map(|input| IndicatorDraft {
            name: input.name,
            unit: input.unit,
            baseline: input.baseline,
            target: input.target,
            actual: input.actual,
        })
        .collect()
}

fn testimonies(inputs: Vec<TestimonyInput>) -> Vec<TestimonyDraft> {
    inputs
        .into_iter()
        .map(|input| TestimonyDraft { quote: input.quote, speaker: input.speaker, role: input.role })
        .collect()
}

fn documents(inputs: Vec<DocumentInput>) -> Vec<DocumentDraft> {
    inputs.into_iter().map(|input| DocumentDraft { title: input.title, kind: input.kind, url: input.url }).collect()
}

/// A new project sheet.
#[derive(InputObject)]
pub struct ProjectSheetInput {
    /// A stable, readable key: 1 to 80 lower-case letters a-z, digits and single hyphens; derived from
    /// the title when absent. CONFLICT when another record the caller may see already holds it.
    pub slug: Option<String>,
    /// The sheet's title (1 to 200 characters).
    pub title: String,
    /// A short summary (at most 2,000 characters).
    #[graphql(default)]
    pub summary: String,
    /// The story, in Markdown (at most 100,000 characters).
    #[graphql(default)]
    pub body: String,
    /// The kind of activity the project creates.
    pub activity_type: ActivityType,
    /// The programmes the sheet belongs to: at most 50 distinct programme ids the caller may see.
    #[graphql(default)]
    pub programmes: Vec<ID>,
    /// Where the project is located: at most 50 distinct territory ids the caller may see.
    #[graphql(default)]
    pub territories: Vec<ID>,
    /// The structure that supports the démarche (an organisation id the caller may see).
    pub supporting_structure: Option<ID>,
    /// The organisation that carries the activity, once found (an organisation id the caller may see).
    pub project_holder: Option<ID>,
    /// Partner organisations: at most 50 distinct organisation ids the caller may see.
    #[graphql(default)]
    pub partners: Vec<ID>,
    /// The social need the démarche detected (at most 10,000 characters).
    #[graphql(default)]
    pub social_need: String,
    /// The themes of social utility addressed (at most 50; repeated values are dropped).
    #[graphql(default)]
    pub themes: Vec<Theme>,
    /// The publics the project is for (at most 50; repeated values are dropped).
    #[graphql(default)]
    pub target_publics: Vec<TargetPublic>,
    /// Where the project stands in the démarche; IDEA when absent.
    pub status: Option<SheetStatus>,
    /// The phases the project went through (at most 20).
    #[graphql(default)]
    pub phases: Vec<PhaseRecordInput>,
    /// Measures of the project's results (at most 20).
    #[graphql(default)]
    pub indicators: Vec<IndicatorInput>,
    /// Words of people involved (at most 20).
    #[graphql(default)]
    pub testimonies: Vec<TestimonyInput>,
    /// Documents about the project published elsewhere (at most 20).
    #[graphql(default)]
    pub documents: Vec<DocumentInput>,
    /// The address of the sheet's source: an absolute http:// or https:// address.
    pub source_url: Option<String>,
    /// The licence of the sheet's content (at most 200 characters), as « CC BY 4.0 ».
    pub licence: Option<String>,
}

impl ProjectSheetInput {
    pub fn into_draft(self) -> Result<SheetDraft, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let draft = SheetDraft {
            slug: self.slug,
            title: self.title,
            summary: self.summary,
            body: self.body,
            activity_type: Some(self.activity_type),
            programmes: decode_list(&mut p, "programmes", &self.programmes),
            territories: decode_list(&mut p, "territories", &self.territories),
            supporting_structure: decode_opt(&mut p, "supportingStructure", self.supporting_structure.as_ref()),
            project_holder: decode_opt(&mut p, "projectHolder", self.project_holder.as_ref()),
            partners: decode_list(&mut p, "partners", &self.partners),
            social_need: self.social_need,
            themes: self.themes,
            target_publics: self.target_publics,
            status: self.status,
            phases: phases(self.phases),
            indicators: indicators(self.indicators),
            testimonies: testimonies(self.testimonies),
            documents: documents(self.documents),
            source_url: self.source_url,
            licence: self.licence,
        };
        p.into_result().map(|()| draft)
    }
}

/// Changes to a project sheet: absent fields stay, `null` clears an optional field, a list replaces
/// the whole list.
#[derive(InputObject, Default)]
pub struct ProjectSheetPatch {
    /// A new slug (1 to 80 lower-case letters a-z, digits and single hyphens); CONFLICT when another
    /// record the caller may see already holds it.
    pub slug: Option<String>,
    /// A new title (1 to 200 characters).
    pub title: Option<String>,
    /// A new summary (at most 2,000 characters).
    pub summary: Option<String>,
    /// A new story, in Markdown (at most 100,000 characters).
    pub body: Option<String>,
    /// A new kind of activity.
    pub activity_type: Option<ActivityType>,
    /// The new list of programmes (at most 50 distinct ids), replacing the whole list.
    pub programmes: Option<Vec<ID>>,
    /// The new list of territories (at most 50 distinct ids), replacing the whole list.
    pub territories: Option<Vec<ID>>,
    /// A new supporting structure (an organisation id the caller may see); `null` clears it.
    pub supporting_structure: MaybeUndefined<ID>,
    /// A new project holder (an organisation id the caller may see); `null` clears it.
    pub project_holder: MaybeUndefined<ID>,
    /// The new list of partners (at most 50 distinct organisation ids), replacing the whole list.
    pub partners: Option<Vec<ID>>,
    /// A new social need (at most 10,000 characters).
    pub social_need: Option<String>,
    /// The new list of themes, replacing the whole list.
    pub themes: Option<Vec<Theme>>,
    /// The new list of target publics, replacing the whole list.
    pub target_publics: Option<Vec<TargetPublic>>,
    /// A new stage of the démarche.
    pub status: Option<SheetStatus>,
    /// The new phase records (at most 20), replacing them all.
    pub phases: Option<Vec<PhaseRecordInput>>,
    /// The new indicators (at most 20), replacing them all.
    pub indicators: Option<Vec<IndicatorInput>>,
    /// The new testimonies (at most 20), replacing them all.
    pub testimonies: Option<Vec<TestimonyInput>>,
    /// The new documents (at most 20), replacing them all.
    pub documents: Option<Vec<DocumentInput>>,
    /// A new source address (absolute http:// or https://); `null` clears it.
    pub source_url: MaybeUndefined<String>,
    /// A new licence (at most 200 characters); `null` clears it.
    pub licence: MaybeUndefined<String>,
}

impl ProjectSheetPatch {
    pub fn apply(self, draft: &mut SheetDraft) -> Result<(), Vec<FieldProblem>> {
        let mut p = Problems::default();
        if self.slug.is_some() {
            draft.slug = self.slug;
        }
        set(&mut draft.title, self.title);
        set(&mut draft.summary, self.summary);
        set(&mut draft.body, self.body);
        if self.activity_type.is_some() {
            draft.activity_type = self.activity_type;
        }
        if let Some(ids) = self.programmes {
            draft.programmes = decode_list(&mut p, "programmes", &ids);
        }
        if let Some(ids) = self.territories {
            draft.territories = decode_list(&mut p, "territories", &ids);
        }
        let structure = self.supporting_structure.map_value(|id| decode_opt(&mut p, "supportingStructure", Some(&id)));
        patch(&mut draft.supporting_structure, structure.flatten_option());
        let holder = self.project_holder.map_value(|id| decode_opt(&mut p, "projectHolder", Some(&id)));
        patch(&mut draft.project_holder, holder.flatten_option());
        if let Some(ids) = self.partners {
            draft.partners = decode_list(&mut p, "partners", &ids);
        }
        set(&mut draft.social_need, self.social_need);
        set(&mut draft.themes, self.themes);
        set(&mut draft.target_publics, self.target_publics);
        if self.status.is_some() {
            draft.status = self.status;
        }
        set(&mut draft.phases, self.phases.map(phases));
        set(&mut draft.indicators, self.indicators.map(indicators));
        set(&mut draft.testimonies, self.testimonies.map(testimonies));
        set(&mut draft.documents, self.documents.map(documents));
        patch(&mut draft.source_url, self.source_url);
        patch(&mut draft.licence, self.licence);
        p.into_result()
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
