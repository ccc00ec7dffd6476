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
    CreatedAt,
    #[default]
    UpdatedAt,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
#[graphql(name = "SortDirection")]
pub enum SortDirectionInput {
    Asc,
    #[default]
    Desc,
}

/// A sort order; ties are broken by creation order, so pages never skip nor repeat a record.
#[derive(InputObject, Clone, Copy, Default)]
#[graphql(name = "SortOrder")]
pub struct SortInput {
    #[graphql(default)]
    pub field: SortFieldInput,
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
    pub kinds: Option<Vec<OrganisationKind>>,
    pub regions: Option<Vec<Region>>,
    /// Defaults to every status but ARCHIVED (within what the caller may see).
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

/// Filters on territories.
#[derive(InputObject, Default)]
pub struct TerritoryFilterInput {
    pub levels: Option<Vec<TerritoryLevel>>,
    pub types: Option<Vec<TerritoryType>>,
    pub regions: Option<Vec<Region>>,
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

/// Filters on programmes.
#[derive(InputObject, Default)]
pub struct ProgrammeFilterInput {
    pub themes: Option<Vec<Theme>>,
    /// Programmes nested in one of these.
    pub parents: Option<Vec<ID>>,
    /// Only programmes that are not nested in another.
    #[graphql(default)]
    pub top_level: bool,
    pub operators: Option<Vec<ID>>,
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

/// Filters on project sheets.
#[derive(InputObject, Default)]
pub struct SheetFilterInput {
    pub programmes: Option<Vec<ID>>,
    pub territories: Option<Vec<ID>>,
    /// Sheets in at least one territory of these types.
    pub territory_types: Option<Vec<TerritoryType>>,
    /// Sheets in at least one territory of these regions.
    pub regions: Option<Vec<Region>>,
    pub themes: Option<Vec<Theme>>,
    pub statuses: Option<Vec<SheetStatus>>,
    pub activity_types: Option<Vec<ActivityType>>,
    pub target_publics: Option<Vec<TargetPublic>>,
    pub supporting_structures: Option<Vec<ID>>,
    pub project_holders: Option<Vec<ID>>,
    pub partners: Option<Vec<ID>>,
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

/// Filters on lessons.
#[derive(InputObject, Default)]
pub struct LessonFilterInput {
    pub polarities: Option<Vec<Polarity>>,
    pub categories: Option<Vec<LessonCategory>>,
    pub phases: Option<Vec<Phase>>,
    pub themes: Option<Vec<Theme>>,
    pub territory_types: Option<Vec<TerritoryType>>,
    pub evidence_levels: Option<Vec<EvidenceLevel>>,
    /// Lessons linked to a sheet of one of these programmes.
    pub programmes: Option<Vec<ID>>,
    /// Lessons linked to one of these sheets.
    pub sheets: Option<Vec<ID>>,
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
    /// Derived from the name when absent.
    pub slug: Option<String>,
    pub name: String,
    pub kind: OrganisationKind,
    pub region: Option<Region>,
    pub website: Option<String>,
    pub siren: Option<String>,
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
    pub slug: Option<String>,
    pub name: Option<String>,
    pub kind: Option<OrganisationKind>,
    pub region: MaybeUndefined<Region>,
    pub website: MaybeUndefined<String>,
    pub siren: MaybeUndefined<String>,
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
    pub latitude: f64,
    pub longitude: f64,
}

/// A new territory.
#[derive(InputObject)]
pub struct TerritoryInput {
    pub slug: Option<String>,
    pub name: String,
    pub level: TerritoryLevel,
    pub code: Option<String>,
    pub region: Option<Region>,
    #[graphql(default)]
    pub types: Vec<TerritoryType>,
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

/// Changes to a territory.
#[derive(InputObject, Default)]
pub struct TerritoryPatch {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub level: Option<TerritoryLevel>,
    pub code: MaybeUndefined<String>,
    pub region: MaybeUndefined<Region>,
    pub types: Option<Vec<TerritoryType>>,
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
    pub slug: Option<String>,
    pub name: String,
    #[graphql(default)]
    pub summary: String,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub operator: Option<ID>,
    #[graphql(default)]
    pub funders: Vec<ID>,
    pub parent: Option<ID>,
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

/// Changes to a programme.
#[derive(InputObject, Default)]
pub struct ProgrammePatch {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub summary: Option<String>,
    pub start_year: MaybeUndefined<i32>,
    pub end_year: MaybeUndefined<i32>,
    pub operator: MaybeUndefined<ID>,
    pub funders: Option<Vec<ID>>,
    pub parent: MaybeUndefined<ID>,
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
    pub phase: Phase,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    #[graphql(default)]
    pub methods: Vec<String>,
    #[graphql(default)]
    pub participants: Vec<String>,
    #[graphql(default)]
    pub outcome: String,
}

/// A measure of a project's results.
#[derive(InputObject)]
pub struct IndicatorInput {
    pub name: String,
    #[graphql(default)]
    pub unit: String,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub actual: Option<f64>,
}

/// Words of a person involved in the project.
#[derive(InputObject)]
pub struct TestimonyInput {
    pub quote: String,
    #[graphql(default)]
    pub speaker: String,
    #[graphql(default)]
    pub role: String,
}

/// A document about the project.
#[derive(InputObject)]
pub struct DocumentInput {
    pub title: String,
    pub kind: DocumentKind,
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
    /// Derived from the title when absent.
    pub slug: Option<String>,
    pub title: String,
    #[graphql(default)]
    pub summary: String,
    /// The story, in Markdown.
    #[graphql(default)]
    pub body: String,
    pub activity_type: ActivityType,
    #[graphql(default)]
    pub programmes: Vec<ID>,
    #[graphql(default)]
    pub territories: Vec<ID>,
    pub supporting_structure: Option<ID>,
    pub project_holder: Option<ID>,
    #[graphql(default)]
    pub partners: Vec<ID>,
    #[graphql(default)]
    pub social_need: String,
    #[graphql(default)]
    pub themes: Vec<Theme>,
    #[graphql(default)]
    pub target_publics: Vec<TargetPublic>,
    /// Defaults to IDEA.
    pub status: Option<SheetStatus>,
    #[graphql(default)]
    pub phases: Vec<PhaseRecordInput>,
    #[graphql(default)]
    pub indicators: Vec<IndicatorInput>,
    #[graphql(default)]
    pub testimonies: Vec<TestimonyInput>,
    #[graphql(default)]
    pub documents: Vec<DocumentInput>,
    pub source_url: Option<String>,
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
    pub slug: Option<String>,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub body: Option<String>,
    pub activity_type: Option<ActivityType>,
    pub programmes: Option<Vec<ID>>,
    pub territories: Option<Vec<ID>>,
    pub supporting_structure: MaybeUndefined<ID>,
    pub project_holder: MaybeUndefined<ID>,
    pub partners: Option<Vec<ID>>,
    pub social_need: Option<String>,
    pub themes: Option<Vec<Theme>>,
    pub target_publics: Option<Vec<TargetPublic>>,
    pub status: Option<SheetStatus>,
    pub phases: Option<Vec<PhaseRecordInput>>,
    pub indicators: Option<Vec<IndicatorInput>>,
    pub testimonies: Option<Vec<TestimonyInput>>,
    pub documents: Option<Vec<DocumentInput>>,
    pub source_url: MaybeUndefined<String>,
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
    pub sheet: ID,
    #[graphql(default_with = "EvidenceRole::ObservedIn")]
    pub role: EvidenceRole,
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
    /// Derived from the title when absent.
    pub slug: Option<String>,
    pub polarity: Polarity,
    /// The lesson in one sentence.
    pub title: String,
    #[graphql(default)]
    pub context: String,
    #[graphql(default)]
    pub lesson: String,
    #[graphql(default)]
    pub recommendation: String,
    #[graphql(default)]
    pub evidence: String,
    /// Defaults to ONE_PROJECT.
    pub evidence_level: Option<EvidenceLevel>,
    #[graphql(default)]
    pub phases: Vec<Phase>,
    #[graphql(default)]
    pub categories: Vec<LessonCategory>,
    #[graphql(default)]
    pub themes: Vec<Theme>,
    #[graphql(default)]
    pub territory_types: Vec<TerritoryType>,
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

/// Changes to a lesson.
#[derive(InputObject, Default)]
pub struct LessonPatch {
    pub slug: Option<String>,
    pub polarity: Option<Polarity>,
    pub title: Option<String>,
    pub context: Option<String>,
    pub lesson: Option<String>,
    pub recommendation: Option<String>,
    pub evidence: Option<String>,
    pub evidence_level: Option<EvidenceLevel>,
    pub phases: Option<Vec<Phase>>,
    pub categories: Option<Vec<LessonCategory>>,
    pub themes: Option<Vec<Theme>>,
    pub territory_types: Option<Vec<TerritoryType>>,
    /// Replaces every link; to add or remove one, use `linkLessonToSheet` / `unlinkLessonFromSheet`.
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
