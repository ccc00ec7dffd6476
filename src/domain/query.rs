//! What a reader may ask of a collection: filters by vocabulary and relation, a sort order, and a page
//! (keyset cursors). Pure descriptions: the store turns them into SQL, the API builds them from input.

use super::records::{Kind, OrganisationId, ProgrammeId, SheetId, TerritoryId};
use super::vocabulary::*;

/// Filters on organisations. Within a field any value matches; across fields all must match.
#[derive(Debug, Clone, Default)]
pub struct OrganisationFilter {
    pub kinds: Vec<OrganisationKind>,
    pub regions: Vec<Region>,
    pub publication_statuses: Vec<PublicationStatus>,
}

/// Filters on territories.
#[derive(Debug, Clone, Default)]
pub struct TerritoryFilter {
    pub levels: Vec<TerritoryLevel>,
    pub types: Vec<TerritoryType>,
    pub regions: Vec<Region>,
    pub publication_statuses: Vec<PublicationStatus>,
}

/// Filters on programmes.
#[derive(Debug, Clone, Default)]
pub struct ProgrammeFilter {
    pub themes: Vec<Theme>,
    /// Programmes whose parent is one of these.
    pub parents: Vec<ProgrammeId>,
    /// Only programmes without a parent.
    pub top_level: bool,
    pub operators: Vec<OrganisationId>,
    pub publication_statuses: Vec<PublicationStatus>,
}

/// Filters on project sheets.
#[derive(Debug, Clone, Default)]
pub struct SheetFilter {
    pub programmes: Vec<ProgrammeId>,
    pub territories: Vec<TerritoryId>,
    pub territory_types: Vec<TerritoryType>,
    pub regions: Vec<Region>,
    pub themes: Vec<Theme>,
    pub statuses: Vec<SheetStatus>,
    pub activity_types: Vec<ActivityType>,
    pub target_publics: Vec<TargetPublic>,
    pub supporting_structures: Vec<OrganisationId>,
    pub project_holders: Vec<OrganisationId>,
    pub partners: Vec<OrganisationId>,
    pub publication_statuses: Vec<PublicationStatus>,
}

/// Filters on lessons.
#[derive(Debug, Clone, Default)]
pub struct LessonFilter {
    pub polarities: Vec<Polarity>,
    pub categories: Vec<LessonCategory>,
    pub phases: Vec<Phase>,
    pub themes: Vec<Theme>,
    pub territory_types: Vec<TerritoryType>,
    pub evidence_levels: Vec<EvidenceLevel>,
    /// Lessons observed in (or contradicted by) a sheet of one of these programmes.
    pub programmes: Vec<ProgrammeId>,
    /// Lessons linked to one of these sheets.
    pub sheets: Vec<SheetId>,
    pub publication_statuses: Vec<PublicationStatus>,
}

/// The field a list is sorted by; ties are broken by id so that the order is total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortField {
    /// Name for organisations, territories and programmes, title for sheets and lessons.
    Title,
    CreatedAt,
    #[default]
    UpdatedAt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    Ascending,
    #[default]
    Descending,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sort {
    pub field: SortField,
    pub direction: Direction,
}

impl Sort {
    /// Returns the order used for new lists: most recently updated first.
    pub fn recent_first() -> Self {
        Self::default()
    }
}

/// A position in a sorted list: the sort key of a row and its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub kind: Kind,
    pub sort: Sort,
    pub key: SortKey,
    pub id: i64,
}

/// The value of a row's sort field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    Text(String),
    Time(i64),
}

/// The page size used when a client gives neither `first` nor `last`.
pub const DEFAULT_PAGE_SIZE: usize = 20;
/// The largest page a client may ask for.
pub const MAX_PAGE_SIZE: usize = 100;

/// Which slice of a sorted list to return: up to `size` rows after `after` (forward) or before
/// `before` (backward, as Relay's `last`).
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub size: usize,
    pub backward: bool,
    pub after: Option<Cursor>,
    pub before: Option<Cursor>,
}

/// A page of rows in list order, with whether more rows exist on either side.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub rows: Vec<(Cursor, T)>,
    pub has_next: bool,
    pub has_previous: bool,
}
