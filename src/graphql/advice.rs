//! Lessons at the moment of need over GraphQL: advice for a project (`ProjectSheet.advice`,
//! `advice`), checklists phase by phase (`checklist`), capitalisation guides (`guide`) and saved
//! searches with what is new since their last visit.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};

use super::error::GqlResult;
use super::ids;
use super::search::SearchFilter;
use super::types::{LessonNode, SheetNode};
use crate::app::{self, App, FeedQuery};
use crate::domain::advice::{self as rules, Criterion, MAX_ADVICE_ITEMS, ProjectContext};
use crate::domain::*;
use crate::error::Error;

/// The number of lessons asked for, 1 to 50.
pub(super) fn advice_rows(first: i32) -> Result<usize, Error> {
    match usize::try_from(first) {
        Ok(rows @ 1..=MAX_ADVICE_ITEMS) => Ok(rows),
        _ => Err(Error::invalid("first", format!("{first} is outside 1 to {MAX_ADVICE_ITEMS}"))),
    }
}

/// What made a lesson fit a project.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum AdviceCriterion {
    /// The lesson concerns the phase advice is given for.
    Phase,
    /// It shares a theme with the project (its own, or its sheets').
    Theme,
    /// Sheets of the project's activity type showed it.
    ActivityType,
    /// It applies to (or was observed in) a territory of the project's type.
    TerritoryType,
    /// Sheets serving the project's public showed it.
    TargetPublic,
    /// A sheet that showed it, or the lesson itself, reads like the project.
    SimilarText,
    /// It was observed in several sheets and programmes.
    Recurrence,
    /// It is well evidenced (several projects, several programmes, evaluated).
    EvidenceLevel,
}

impl From<Criterion> for AdviceCriterion {
    fn from(criterion: Criterion) -> Self {
        match criterion {
            Criterion::Phase => Self::Phase,
            Criterion::Theme => Self::Theme,
            Criterion::ActivityType => Self::ActivityType,
            Criterion::TerritoryType => Self::TerritoryType,
            Criterion::TargetPublic => Self::TargetPublic,
            Criterion::SimilarText => Self::SimilarText,
            Criterion::Recurrence => Self::Recurrence,
            Criterion::EvidenceLevel => Self::EvidenceLevel,
        }
    }
}

/// Why a lesson was offered.
#[derive(SimpleObject)]
pub struct AdviceReason {
    /// The criterion that matched.
    pub criterion: AdviceCriterion,
    /// The reason in French (« Même thème : Mobilité », « Observée dans 3 programmes (5 fiches) »).
    pub label: String,
}

/// A lesson offered to a project.
#[derive(SimpleObject)]
pub struct AdviceItem {
    /// The lesson (published).
    pub lesson: LessonNode,
    /// How well it fits (higher is better; comparable within one answer only).
    pub score: f64,
    /// Why it was offered, the phase first.
    pub reasons: Vec<AdviceReason>,
    /// Whether the sheet advice was asked for already shows or contradicts it (always false for a
    /// project not yet written).
    pub already_linked: bool,
    /// Published sheets that contradict it (the project's own left out).
    pub contradicted_by: Vec<SheetNode>,
    /// Distinct published programmes of the sheets it was observed in (the project's own left out).
    pub programmes: i32,
    /// Distinct published sheets it was observed in (the project's own left out).
    pub sheets: i32,
}

/// The lessons the network learned for a project at one phase of the démarche, best fit first.
#[derive(SimpleObject)]
pub struct Advice {
    /// The phase.
    pub phase: Phase,
    /// The phase in French.
    pub phase_label: String,
    /// The lessons, best fit first: ranked by shared themes, activity type, territory types and
    /// publics, by how close the texts read, then by recurrence across programmes and evidence level.
    pub items: Vec<AdviceItem>,
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl From<app::Advice> for Advice {
    fn from(advice: app::Advice) -> Self {
        Advice {
            phase: advice.phase,
            phase_label: advice.phase.label().to_owned(),
            items: advice
                .items
                .into_iter()
                .map(|item| AdviceItem {
                    score: item.ranked.score,
                    reasons: item
                        .ranked
                        .reasons
                        .iter()
                        .map(|reason| AdviceReason { criterion: reason.criterion().into(), label: reason.label() })
                        .collect(),
                    already_linked: item.already_linked,
                    contradicted_by: item.contradicted_by.into_iter().map(SheetNode::from).collect(),
                    programmes: count(item.ranked.programmes),
                    sheets: count(item.ranked.sheets),
                    lesson: LessonNode::from(item.lesson),
                })
                .collect(),
        }
    }
}

/// A project not yet written, as a chargé de mission describes it.
#[derive(InputObject)]
pub struct AdviceInput {
    /// A few lines on the project (1 to 5,000 characters, not blank).
    pub description: String,
    /// Its themes.
    pub themes: Option<Vec<Theme>>,
    /// The activity it would create.
    pub activity_type: Option<ActivityType>,
    /// The types of its territory.
    pub territory_types: Option<Vec<TerritoryType>>,
    /// The publics it is for.
    pub target_publics: Option<Vec<TargetPublic>>,
    /// The phase advice is for (`advice`), or the first phase of the checklist (`checklist`);
    /// NEEDS_DETECTION when absent.
    pub phase: Option<Phase>,
}

impl AdviceInput {
    fn read(self) -> Result<(String, ProjectContext, Phase), Error> {
        let description = rules::parse_description(&self.description)
            .map_err(|problem| Error::invalid("input.description", problem))?;
        let context = ProjectContext {
            themes: dedup(self.themes.unwrap_or_default()),
            activity_type: self.activity_type,
            territory_types: dedup(self.territory_types.unwrap_or_default()),
            target_publics: dedup(self.target_publics.unwrap_or_default()),
        };
        Ok((description, context, self.phase.unwrap_or(Phase::NeedsDetection)))
    }
}

/// What a guide covers: at least one of a theme, an activity type and a programme.
#[derive(InputObject, Default)]
pub struct GuideFilter {
    /// Sheets with this theme.
    pub theme: Option<Theme>,
    /// Sheets of this activity type.
    pub activity_type: Option<ActivityType>,
    /// Sheets of this (published) programme.
    pub programme: Option<ID>,
}

/// A testimony quoted by a guide, with its sheet.
#[derive(SimpleObject)]
pub struct GuideTestimony {
    /// What the person said.
    pub quote: String,
    /// Who said it (empty when not named).
    pub speaker: String,
    /// Their role in the project (empty when not told).
    pub role: String,
    /// The sheet it comes from.
    pub sheet: SheetNode,
}

/// A lesson of a guide, with what stands behind it among the guide's sheets.
#[derive(SimpleObject)]
pub struct GuideEntry {
    /// The lesson (published).
    pub lesson: LessonNode,
    /// Distinct published programmes of the guide's sheets that showed it.
    pub programmes: i32,
    /// The guide's sheets that showed it.
    pub sheets: i32,
    /// One of those sheets, the one with the most testimonies and indicators.
    pub example: Option<SheetNode>,
    /// A testimony from one of those sheets.
    pub testimony: Option<GuideTestimony>,
}

/// The lessons of a guide for one phase, the most recurrent first.
#[derive(SimpleObject)]
pub struct GuidePhase {
    /// The phase (null: lessons that name no phase).
    pub phase: Option<Phase>,
    /// The phase in French (« Toutes les phases » for lessons that name none).
    pub label: String,
    /// Success factors.
    pub success_factors: Vec<GuideEntry>,
    /// Pitfalls and failure factors.
    pub pitfalls: Vec<GuideEntry>,
}

/// An indicator summed over the guide's sheets that report it.
#[derive(SimpleObject)]
pub struct GuideIndicator {
    /// Its name.
    pub name: String,
    /// Its unit.
    pub unit: String,
    /// The sheets that report it.
    pub sheets: i32,
    /// The sum of their targets (null when none gave one).
    pub target: Option<f64>,
    /// The sum of the values they reached (null when none gave one).
    pub actual: Option<f64>,
}

/// A capitalisation guide generated from the published sheets and lessons.
#[derive(SimpleObject)]
pub struct Guide {
    /// « Guide de capitalisation — Mobilité · Garage solidaire ».
    pub title: String,
    /// The published sheets it covers.
    pub sheet_count: i32,
    /// Their distinct published programmes.
    pub programme_count: i32,
    /// The lessons those sheets showed, by phase in the order of the démarche.
    pub phases: Vec<GuidePhase>,
    /// The indicators of those sheets, summed.
    pub indicators: Vec<GuideIndicator>,
    /// The whole guide in Markdown (links relative to the server's page).
    pub markdown: String,
}

fn entry(entry: app::GuideEntry) -> GuideEntry {
    GuideEntry {
        programmes: count(entry.programmes),
        sheets: count(entry.sheets),
        example: entry.example.map(SheetNode::from),
        testimony: entry.testimony.map(|(testimony, sheet)| GuideTestimony {
            quote: testimony.quote.to_string(),
            speaker: testimony.speaker.to_string(),
            role: testimony.role.to_string(),
            sheet: SheetNode::from(sheet),
        }),
        lesson: LessonNode::from(entry.lesson),
    }
}

impl From<app::Guide> for Guide {
    fn from(guide: app::Guide) -> Self {
        let markdown = guide.markdown();
        Guide {
            title: guide.title,
            sheet_count: count(guide.sheets.len()),
            programme_count: count(guide.programme_count),
            phases: guide
                .phases
                .into_iter()
                .map(|phase| GuidePhase {
                    label: phase.phase.map_or("Toutes les phases", |phase| phase.label()).to_owned(),
                    phase: phase.phase,
                    success_factors: phase.success_factors.into_iter().map(entry).collect(),
                    pitfalls: phase.pitfalls.into_iter().map(entry).collect(),
                })
                .collect(),
            indicators: guide
                .indicators
                .into_iter()
                .map(|indicator| GuideIndicator {
                    name: indicator.name,
                    unit: indicator.unit,
                    sheets: count(indicator.sheets),
                    target: indicator.target,
                    actual: indicator.actual,
                })
                .collect(),
            markdown,
        }
    }
}

/// A search a token holder keeps, with what is new since their last visit.
#[derive(SimpleObject)]
pub struct SavedSearch {
    /// Its id (for `visitSavedSearch` and `deleteSavedSearch`).
    pub id: ID,
    /// Its name.
    pub name: String,
    /// Its words (empty: every record its filters allow).
    pub query: String,
    /// The address of its Atom feed on this server (`/flux.atom?…`).
    pub feed: String,
    /// When it was saved.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When its holder last visited it (`visitSavedSearch`), if ever.
    pub last_visited_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Published sheets and lessons matching it, published or changed since its last visit (all of
    /// them when never visited).
    pub new_since_last_visit: i32,
}

impl From<app::SavedSearch> for SavedSearch {
    fn from(saved: app::SavedSearch) -> Self {
        SavedSearch {
            id: ID(saved.id.to_string()),
            name: saved.name,
            feed: format!("/flux.atom?{}", saved.query.query_string()),
            query: saved.query.text,
            created_at: saved.created_at,
            last_visited_at: saved.last_visited_at,
            new_since_last_visit: count(saved.new_since_last_visit),
        }
    }
}

/// A search to keep.
#[derive(InputObject)]
pub struct SavedSearchInput {
    /// Its name (1 to 200 characters).
    pub name: String,
    /// Its words.
    pub query: Option<String>,
    /// Its filters (of sheets and lessons; structures and years are not kept).
    pub filter: Option<SearchFilter>,
}

fn codes<T: Vocabulary>(pairs: &mut Vec<(String, String)>, parameter: &str, values: Option<Vec<T>>) {
    pairs.extend(values.into_iter().flatten().map(|value| (parameter.to_owned(), value.code().to_owned())));
}

impl SavedSearchInput {
    /// The feed parameters of the search (checked by `App::feed_query`).
    fn pairs(&self) -> Result<Vec<(String, String)>, Error> {
        let mut pairs = Vec::new();
        if let Some(query) = &self.query {
            pairs.push(("q".to_owned(), query.clone()));
        }
        let Some(filter) = &self.filter else { return Ok(pairs) };
        if filter.structures.as_ref().is_some_and(|list| !list.is_empty()) {
            return Err(Error::invalid("input.filter.structures", "saved searches do not keep structures"));
        }
        if filter.year_from.is_some() || filter.year_to.is_some() {
            return Err(Error::invalid("input.filter.yearFrom", "saved searches do not keep years"));
        }
        for kind in filter.kinds.iter().flatten() {
            pairs.push(("kind".to_owned(), Kind::from(*kind).as_str().to_uppercase()));
        }
        let mut problems = Problems::default();
        let programmes: Vec<ProgrammeId> = ids::decode_list(
            &mut problems,
            "input.filter.programmes",
            filter.programmes.as_deref().unwrap_or_default(),
        );
        problems.into_result().map_err(Error::InvalidInput)?;
        pairs.extend(programmes.iter().map(|id| ("programme".to_owned(), id.get().to_string())));
        codes(&mut pairs, "theme", filter.themes.clone());
        codes(&mut pairs, "status", filter.statuses.clone());
        codes(&mut pairs, "polarity", filter.polarities.clone());
        codes(&mut pairs, "category", filter.categories.clone());
        codes(&mut pairs, "phase", filter.phases.clone());
        codes(&mut pairs, "territoryType", filter.territory_types.clone());
        codes(&mut pairs, "region", filter.regions.clone());
        codes(&mut pairs, "evidenceLevel", filter.evidence_levels.clone());
        Ok(pairs)
    }
}

fn saved_id(id: &ID) -> Result<i64, Error> {
    id.parse::<i64>().map_err(|_| Error::invalid("id", format!("`{}` is not the id of a saved search", id.as_str())))
}

#[derive(Default)]
pub struct AdviceQuery;

#[Object]
impl AdviceQuery {
    /// The lessons the network learned that fit a project not yet written, at one phase (published
    /// lessons only).
    #[graphql(complexity = "first.max(1) as usize * child_complexity + 1")]
    async fn advice(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project, as described by who prepares it.")] input: AdviceInput,
        #[graphql(default = 5, desc = "How many lessons to return, 1 to 50 (5 by default).")] first: i32,
    ) -> async_graphql::Result<Advice> {
        let app = ctx.data::<App>()?;
        let first = advice_rows(first).gql()?;
        let (description, context, phase) = input.read().gql()?;
        Ok(app.project_advice(&description, context, phase, first).await.gql()?.into())
    }

    /// A checklist for a project not yet written: the lessons that fit it, phase by phase, from
    /// `input.phase` (NEEDS_DETECTION when absent) to the launch.
    #[graphql(complexity = "per_phase.max(1) as usize * 7 * child_complexity + 1")]
    async fn checklist(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project, as described by who prepares it.")] input: AdviceInput,
        #[graphql(default = 5, desc = "How many lessons per phase, 1 to 50 (5 by default).")] per_phase: i32,
    ) -> async_graphql::Result<Vec<Advice>> {
        let app = ctx.data::<App>()?;
        let per_phase = advice_rows(per_phase)
            .map_err(|_| Error::invalid("perPhase", format!("{per_phase} is outside 1 to {MAX_ADVICE_ITEMS}")))
            .gql()?;
        let (description, context, start) = input.read().gql()?;
        let steps = app.checklist(&description, context, start, per_phase).await.gql()?;
        Ok(steps.into_iter().map(Advice::from).collect())
    }

    /// A capitalisation guide: the success factors and pitfalls the published sheets of a theme, an
    /// activity type or a programme showed, by phase, with their evidence counted across programmes.
    // A guide's lists grow with its scope, not with an argument: they count 20 times, about what a
    // theme's guide holds, and the whole guide is bounded by the records it reads and the answer's size.
    #[graphql(complexity = "20 * child_complexity + 1")]
    async fn guide(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the guide covers: at least one of theme, activityType, programme.")] filter: GuideFilter,
    ) -> async_graphql::Result<Guide> {
        let app = ctx.data::<App>()?;
        let programme = filter
            .programme
            .as_ref()
            .map(|id| {
                ids::decode::<ProgrammeId>(id).map_err(|_| Error::invalid("filter.programme", "is not a programme id"))
            })
            .transpose()
            .gql()?;
        let scope = app::GuideScope { theme: filter.theme, activity_type: filter.activity_type, programme };
        Ok(app.guide(&scope).await.gql()?.into())
    }

    /// The caller's saved searches, oldest first, each with the number of records new since its last
    /// visit (a token holder's only: FORBIDDEN without a token).
    async fn saved_searches(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SavedSearch>> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        Ok(app.saved_searches(viewer).await.gql()?.into_iter().map(SavedSearch::from).collect())
    }
}

#[derive(Default)]
pub struct SavedSearchMutation;

#[Object]
impl SavedSearchMutation {
    /// Keeps a search for the caller's token (at most 100 per token); its feed and the count of what
    /// is new since the last visit follow.
    async fn save_search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its name, words and filters.")] input: SavedSearchInput,
    ) -> async_graphql::Result<SavedSearch> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        let pairs = input.pairs().gql()?;
        let query: FeedQuery = app.feed_query(&pairs).await.gql()?;
        Ok(app.save_search(viewer, &input.name, &query).await.gql()?.into())
    }

    /// Records a visit of one of the caller's saved searches: what is new counts from now.
    async fn visit_saved_search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The saved search's id.")] id: ID,
    ) -> async_graphql::Result<SavedSearch> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        let id = saved_id(&id).gql()?;
        Ok(app.visit_saved_search(viewer, id).await.gql()?.into())
    }

    /// Deletes one of the caller's saved searches.
    async fn delete_saved_search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The saved search's id.")] id: ID,
    ) -> async_graphql::Result<bool> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        let id = saved_id(&id).gql()?;
        app.delete_saved_search(viewer, id).await.gql()?;
        Ok(true)
    }
}
