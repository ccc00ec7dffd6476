//! Filters and sort orders of the lists: each turns into its domain filter at the boundary (ids
//! decoded, problems named by field).

use async_graphql::{Enum, ID, InputObject};

use super::ids::decode_list;
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
