//! Dashboards: counts grouped by one or two dimensions (`stats`), the recurrence of lessons across
//! programmes (`recurrence`), and the funnel of the démarche with capitalisation coverage (`funnel`).
//! Every figure counts published records the caller may see, under the same filters as lists and
//! search.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};

use super::error::GqlResult;
use super::inputs::{LessonFilterInput, SheetFilterInput};
use super::search::{SearchDimension, SearchFilter, count, dimension_of};
use super::types::LessonNode;
use crate::app::FunnelGrouping;
use crate::app::{App, RecurrentLesson};
use crate::app::{Dimension, SearchRequest};
use crate::domain::*;
use crate::error::Error;

/// The longest full-text query `stats` takes, in characters.
const MAX_QUERY_CHARS: usize = 1_000;
/// The most rows `stats` returns.
pub const MAX_STATS_ROWS: usize = 5_000;

/// What `stats` counts.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum StatsKind {
    /// Count published project sheets.
    Sheet,
    /// Count published lessons.
    Lesson,
}

/// One value of a dimension in a row of figures.
#[derive(SimpleObject, Clone)]
pub struct StatsKey {
    /// The dimension the value belongs to.
    pub dimension: SearchDimension,
    /// The value to filter by: an enum code, a year, or the global id of a programme or structure.
    pub value: String,
    /// The label to show, in French.
    pub label: String,
}

/// One row of a grouped count: a combination of values and how many records have it.
#[derive(SimpleObject)]
pub struct StatsRow {
    /// One key per dimension grouped by, in the order asked.
    pub keys: Vec<StatsKey>,
    /// How many records have this combination of values.
    pub count: i32,
}

/// A grouped count. A record counts once in each combination of its values (a sheet with two
/// themes counts under both), so rows may add up to more than `total`; records without a value of
/// a dimension are in no row of it.
#[derive(SimpleObject)]
pub struct Stats {
    /// The records matching the query and filter.
    pub total: i32,
    /// In the order `order` asks for (largest first, or by value for years, phases, statuses and evidence levels).
    pub rows: Vec<StatsRow>,
    /// Whether rows were left out past `first`.
    pub truncated: bool,
}

/// The sums of one indicator over the sheets of one group.
#[derive(SimpleObject)]
pub struct IndicatorTotal {
    /// The group (none when not grouped).
    pub key: Option<StatsKey>,
    /// The indicator's name and unit, as the sheets write them.
    pub name: String,
    /// The indicator's unit, as the sheets write it (empty when none); indicators are summed per name and unit.
    pub unit: String,
    /// Sheets that report the indicator.
    pub sheets: i32,
    /// Sum of the targets given (none when no sheet gives one).
    pub target: Option<f64>,
    /// Sum of the actual values given.
    pub actual: Option<f64>,
}

/// What funding sums are grouped by.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
pub enum FundingGroup {
    /// By funder, as sheets name them (case and accents ignored).
    Funder,
    /// By programme: a sheet counts in each of its programmes.
    Programme,
    /// By year of the funding, in order (lines without a year last).
    Year,
    /// By kind of funding (grant, European funds, loan…).
    Kind,
}

/// The funding of one group of sheets: their funding plan lines summed.
#[derive(SimpleObject)]
pub struct FundingTotal {
    /// The value grouped by: the funder's name, the programme's global id, the year (empty when the
    /// lines give none), or the kind's code.
    pub value: String,
    /// The label to show, in French: the funder's name, the programme's name, the year (« Année non
    /// précisée » when none), the kind's label.
    pub label: String,
    /// The sum of the lines' amounts, in euros.
    pub amount: f64,
    /// Funding lines summed.
    pub lines: i32,
    /// Sheets whose funding plan has such lines.
    pub sheets: i32,
}

/// A lesson and the number that capitalisation is about: in how many programmes it recurs.
pub struct LessonRecurrence(RecurrentLesson);

/// A published lesson and how often it recurs: in how many programmes and sheets it was observed.
#[Object]
impl LessonRecurrence {
    /// The lesson; its `programmes` and `sheets` are the records behind the counts.
    async fn lesson(&self) -> LessonNode {
        LessonNode::from(self.0.lesson.clone())
    }
    /// Distinct published programmes of the published sheets the lesson was observed in.
    async fn programme_count(&self) -> i32 {
        count(self.0.programmes.max(0) as u64)
    }
    /// Distinct published sheets the lesson was observed in.
    async fn sheet_count(&self) -> i32 {
        count(self.0.sheets.max(0) as u64)
    }
    /// Distinct published sheets that contradict the lesson (CONTRADICTED_BY), reported beside.
    async fn contradicting_sheet_count(&self) -> i32 {
        count(self.0.contradicting.max(0) as u64)
    }
}

/// What the funnel groups sheets by.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum FunnelGroup {
    /// All the sheets together.
    Overall,
    /// Per programme (a sheet of two programmes counts in both).
    Programme,
    /// Per supporting structure.
    Structure,
}

/// How many sheets reached one phase.
#[derive(SimpleObject)]
pub struct FunnelStep {
    /// The phase of the démarche.
    pub phase: Phase,
    /// The phase's French label.
    pub label: &'static str,
    /// Sheets with a record of this phase or of a later one.
    pub sheets: i32,
    /// `sheets` over the group's sheets.
    pub share: f64,
    /// `sheets` over those of the previous phase (1 for the first phase, 0 when the previous had none).
    pub conversion: f64,
}

/// The funnel of the démarche for one group of sheets.
#[derive(SimpleObject)]
pub struct FunnelRow {
    /// The programme or structure (none for OVERALL, and for the sheets that have none).
    pub group: Option<StatsKey>,
    /// The group's published sheets matching the filter.
    pub sheets: i32,
    /// Every phase of the démarche, in order, with the sheets that reached it.
    pub steps: Vec<FunnelStep>,
    /// Sheets with at least one published lesson linked.
    pub sheets_with_published_lesson: i32,
    /// `sheetsWithPublishedLesson` over `sheets`: capitalisation coverage.
    pub coverage: f64,
    /// The median number of days from the start of phase `from` to the start of phase `to`.
    pub median_days: Option<f64>,
    /// The sheets that dated both phases, behind `medianDays`.
    pub measured_sheets: i32,
}

/// Near-duplicate lessons grouped by a reviewer, whose recurrence is counted together.
pub struct LessonCluster {
    row: crate::app::ClusterRow,
    lessons: Vec<LessonId>,
}

fn cluster_id(id: i64) -> ID {
    super::ids::encode_other("LessonCluster", id)
}

fn decode_cluster(id: &ID) -> Result<i64, Error> {
    super::ids::decode_other("LessonCluster", id).map_err(|problem| Error::invalid("cluster", problem))
}

fn decode_lessons(field: &str, ids: &[ID]) -> Result<Vec<LessonId>, Error> {
    let mut problems = Problems::default();
    let lessons = super::ids::decode_list::<LessonId>(&mut problems, field, ids);
    problems.into_result().map_err(Error::InvalidInput)?;
    Ok(lessons)
}

/// Near-duplicate lessons grouped by a reviewer, whose recurrence is counted together. Except for
/// administrators, a cluster without a published lesson the caller may see is NOT_FOUND.
#[Object]
impl LessonCluster {
    /// The cluster's id, as the cluster mutations take it.
    async fn id(&self) -> ID {
        cluster_id(self.row.id)
    }
    /// The cluster's name (1 to 200 characters).
    async fn name(&self) -> &str {
        &self.row.name
    }
    /// Its lessons the caller may see.
    async fn lessons(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<LessonNode>> {
        Ok(super::loaders::many(ctx, &self.lessons).await?.into_iter().map(LessonNode::from).collect())
    }
    /// Distinct published programmes whose published sheets observed any of its published lessons.
    async fn programme_count(&self) -> i32 {
        count(self.row.programmes.max(0) as u64)
    }
    /// Distinct published sheets that observed any of its published lessons.
    async fn sheet_count(&self) -> i32 {
        count(self.row.sheets.max(0) as u64)
    }
}

/// A lesson written like another, candidate to join its cluster.
pub struct ClusterCandidate {
    lesson: Lesson,
    score: f32,
    cluster: Option<i64>,
}

/// A lesson written like another, candidate to join its cluster.
#[Object]
impl ClusterCandidate {
    /// The candidate lesson.
    async fn lesson(&self) -> LessonNode {
        LessonNode::from(self.lesson.clone())
    }
    /// Text similarity (BM25 of the lesson's words in the candidate), higher is closer.
    async fn score(&self) -> f64 {
        f64::from(self.score)
    }
    /// The cluster the candidate is already in, if any.
    async fn cluster(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<LessonCluster>> {
        match self.cluster {
            Some(id) => one_cluster(ctx, id).await.map(Some),
            None => Ok(None),
        }
    }
}

async fn one_cluster(ctx: &Context<'_>, id: i64) -> async_graphql::Result<LessonCluster> {
    let app = ctx.data::<App>()?;
    let viewer = ctx.data::<Viewer>()?;
    let (row, lessons) = app
        .clusters(viewer, Some(id), 1, 0)
        .await
        .gql()?
        .pop()
        .ok_or_else(|| Error::NotFound(format!("lesson cluster {id}")))
        .gql()?;
    Ok(LessonCluster { row, lessons })
}

#[derive(Default)]
pub struct ClusterMutation;

#[Object]
impl ClusterMutation {
    /// Groups near-duplicate lessons into a new cluster (reviewers and administrators); a lesson is
    /// in one cluster at most.
    async fn create_lesson_cluster(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cluster's name (1 to 200 characters).")] name: String,
        #[graphql(
            desc = "1 to 50 lesson ids, each one the caller may see (NOT_FOUND otherwise) and in no other cluster (CONFLICT otherwise)."
        )]
        lessons: Vec<ID>,
    ) -> async_graphql::Result<LessonCluster> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        let lessons = decode_lessons("lessons", &lessons).gql()?;
        let id = app.create_cluster(viewer, &name, &lessons).await.gql()?;
        one_cluster(ctx, id).await
    }

    /// Adds lessons to a cluster (reviewers and administrators); lessons already in it stay.
    async fn add_lessons_to_cluster(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cluster's id; one the caller may not see is NOT_FOUND.")] cluster: ID,
        #[graphql(
            desc = "1 to 50 lesson ids, each one the caller may see (NOT_FOUND otherwise) and in no other cluster (CONFLICT otherwise)."
        )]
        lessons: Vec<ID>,
    ) -> async_graphql::Result<LessonCluster> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        let cluster = decode_cluster(&cluster).gql()?;
        let lessons = decode_lessons("lessons", &lessons).gql()?;
        app.add_to_cluster(viewer, cluster, &lessons).await.gql()?;
        one_cluster(ctx, cluster).await
    }

    /// Takes a lesson out of its cluster, and returns the cluster (reviewers and administrators).
    async fn remove_lesson_from_cluster(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The lesson's id: one the caller may see (NOT_FOUND otherwise), in a cluster (INVALID_INPUT otherwise)."
        )]
        lesson: ID,
    ) -> async_graphql::Result<LessonCluster> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        let lesson = decode_lessons("lesson", std::slice::from_ref(&lesson)).gql()?;
        let cluster = app.remove_from_cluster(viewer, lesson[0]).await.gql()?;
        one_cluster(ctx, cluster).await
    }
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

#[derive(Default)]
pub struct DashboardQuery;

#[Object]
impl DashboardQuery {
    /// Counts published sheets or lessons grouped by one or two dimensions, under a full-text query
    /// and the filters of `search`: rows a chart uses directly.
    #[allow(clippy::too_many_arguments)] // one per GraphQL argument
    async fn stats(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to count: published sheets or published lessons.")] kind: StatsKind,
        #[graphql(
            desc = "One or two distinct dimensions to group by, in the order of each row's keys: a row per combination of their values."
        )]
        group_by: Vec<SearchDimension>,
        #[graphql(
            desc = "A full-text query, as `search` takes it (at most 1,000 characters); every record when absent."
        )]
        query: Option<String>,
        #[graphql(desc = "The filters of `search`.")] filter: Option<SearchFilter>,
        #[graphql(
            default = 1000,
            desc = "The most rows to return, 1 to 5,000 (1,000 by default); `truncated` says when more existed."
        )]
        first: i32,
        #[graphql(
            desc = "How rows are ordered. By default, in the order of the values when the first dimension has one (YEAR, PHASE, STATUS, EVIDENCE_LEVEL: years ascending, phases in the order of the démarche), else largest first."
        )]
        order: Option<StatsOrder>,
    ) -> async_graphql::Result<Stats> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        if !(1..=MAX_STATS_ROWS as i32).contains(&first) {
            return Err(Error::invalid("first", format!("{first} is outside 1 to {MAX_STATS_ROWS}"))).gql();
        }
        let rows = stats(ctx, app, viewer, kind, group_by, query, filter, order).await?;
        Ok(rows.first(first))
    }

    /// Sums of the indicators of the published sheets matching a full-text query and search's
    /// filters (target and actual, by indicator name and unit), grouped by one dimension or not.
    async fn indicator_totals(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The dimension to group the sums by (a sheet counts in each of its values); one total per indicator when absent."
        )]
        group_by: Option<SearchDimension>,
        #[graphql(
            desc = "A full-text query, as `search` takes it (at most 1,000 characters); every sheet when absent."
        )]
        query: Option<String>,
        #[graphql(desc = "The filters of `search`.")] filter: Option<SearchFilter>,
    ) -> async_graphql::Result<Vec<IndicatorTotal>> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        let request = search_request(query, filter).gql()?;
        let dimension = group_by.map(Dimension::from);
        let sums = app.indicator_sums(viewer, request, dimension).await.gql()?;
        let values: Vec<(Dimension, &str)> = dimension
            .map(|dimension| sums.iter().filter_map(|sum| Some((dimension, sum.group.as_deref()?))).collect())
            .unwrap_or_default();
        let labels = labels(ctx, &values).await?;
        let mut out = Vec::with_capacity(sums.len());
        for sum in sums {
            let key = match (dimension, &sum.group) {
                (Some(dimension), Some(value)) => {
                    // A group the caller may not see is left out.
                    let Some((value, label)) = labels.get(dimension, value) else { continue };
                    Some(StatsKey { dimension: dimension_of(dimension), value, label })
                }
                _ => None,
            };
            out.push(IndicatorTotal {
                key,
                name: sum.name,
                unit: sum.unit,
                sheets: count(sum.sheets),
                target: sum.target,
                actual: sum.actual,
            });
        }
        Ok(out)
    }

    /// Sums of the funding plans of the published sheets matching a full-text query and search's
    /// filters, by funder, programme, year or kind: the largest amount first (years in order).
    async fn funding_totals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to sum by.")] by: FundingGroup,
        #[graphql(
            desc = "A full-text query, as `search` takes it (at most 1,000 characters); every sheet when absent."
        )]
        query: Option<String>,
        #[graphql(desc = "The filters of `search`.")] filter: Option<SearchFilter>,
    ) -> async_graphql::Result<Vec<FundingTotal>> {
        use crate::app::FundingGrouping;
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        let request = search_request(query, filter).gql()?;
        let grouping = match by {
            FundingGroup::Funder => FundingGrouping::Funder,
            FundingGroup::Programme => FundingGrouping::Programme,
            FundingGroup::Year => FundingGrouping::Year,
            FundingGroup::Kind => FundingGrouping::Kind,
        };
        let sums = app.funding_sums(viewer, request, grouping).await.gql()?;
        let values: Vec<(Dimension, &str)> = match grouping {
            FundingGrouping::Programme => sums.iter().map(|sum| (Dimension::Programme, sum.value.as_str())).collect(),
            _ => Vec::new(),
        };
        let labels = labels(ctx, &values).await?;
        let mut out = Vec::with_capacity(sums.len());
        for sum in sums {
            let (value, label) = match grouping {
                FundingGrouping::Programme => {
                    // A programme the caller may not see is left out.
                    let Some(pair) = labels.get(Dimension::Programme, &sum.value) else { continue };
                    pair
                }
                FundingGrouping::Funder => (sum.value.clone(), sum.value.clone()),
                FundingGrouping::Year if sum.value.is_empty() => (String::new(), "Année non précisée".to_owned()),
                FundingGrouping::Year => (sum.value.clone(), sum.value.clone()),
                FundingGrouping::Kind => {
                    let label = FundingKind::from_code(&sum.value)
                        .map_or_else(|| sum.value.clone(), |kind| kind.label().to_owned());
                    (sum.value.clone(), label)
                }
            };
            out.push(FundingTotal {
                value,
                label,
                amount: sum.amount_cents as f64 / 100.0,
                lines: count(sum.lines as u64),
                sheets: count(sum.sheets.len() as u64),
            });
        }
        Ok(out)
    }

    /// Published lessons ranked by the number of distinct programmes, then of distinct sheets, whose
    /// published sheets observed them; with the sheets that contradict each beside.
    #[graphql(complexity = "super::limits::page(Some(first), None, child_complexity)")]
    async fn recurrence(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which lessons to rank; `publicationStatuses`, if given, may name PUBLISHED only (INVALID_INPUT otherwise)."
        )]
        filter: Option<LessonFilterInput>,
        #[graphql(
            default = 1,
            desc = "Only lessons observed in at least this many distinct programmes (0 or more; 1 by default)."
        )]
        min_programmes: i32,
        #[graphql(default = 20, desc = "How many lessons to return, 1 to 100 (20 by default).")] first: i32,
        #[graphql(default = 0, desc = "How many ranked lessons to skip, 0 to 100,000 (0 by default).")] offset: i32,
    ) -> async_graphql::Result<Vec<LessonRecurrence>> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        let filter = filter.unwrap_or_default().into_domain().map_err(Error::InvalidInput).gql()?;
        if !(1..=MAX_PAGE_SIZE as i32).contains(&first) {
            return Err(Error::invalid("first", format!("{first} is outside 1 to {MAX_PAGE_SIZE}"))).gql();
        }
        if !(0..=100_000).contains(&offset) {
            return Err(Error::invalid("offset", format!("{offset} is outside 0 to 100000"))).gql();
        }
        if min_programmes < 0 {
            return Err(Error::invalid("minProgrammes", "must not be negative")).gql();
        }
        let ranked =
            app.recurrence(viewer, &filter, i64::from(min_programmes), first as usize, offset as usize).await.gql()?;
        Ok(ranked.into_iter().map(LessonRecurrence).collect())
    }

    /// Clusters of near-duplicate lessons, ranked by the recurrence of their members across
    /// programmes, then of sheets (except for administrators, clusters without a published lesson the
    /// caller may see are left out).
    #[graphql(complexity = "super::limits::page(Some(first), None, child_complexity)")]
    async fn lesson_clusters(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20, desc = "How many clusters to return, 1 to 100 (20 by default).")] first: i32,
        #[graphql(default = 0, desc = "How many ranked clusters to skip, 0 to 100,000 (0 by default).")] offset: i32,
    ) -> async_graphql::Result<Vec<LessonCluster>> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        if !(1..=MAX_PAGE_SIZE as i32).contains(&first) {
            return Err(Error::invalid("first", format!("{first} is outside 1 to {MAX_PAGE_SIZE}"))).gql();
        }
        if !(0..=100_000).contains(&offset) {
            return Err(Error::invalid("offset", format!("{offset} is outside 0 to 100000"))).gql();
        }
        let clusters = app.clusters(viewer, None, first as usize, offset as usize).await.gql()?;
        Ok(clusters.into_iter().map(|(row, lessons)| LessonCluster { row, lessons }).collect())
    }

    /// Published lessons written like this one (text similarity), best first: candidates to join it in a
    /// cluster. Those already in its cluster are left out.
    #[graphql(complexity = "super::limits::page(Some(first), None, child_complexity)")]
    async fn cluster_candidates(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lesson's id; one the caller may not see is NOT_FOUND.")] lesson: ID,
        #[graphql(default = 5, desc = "How many candidates to return, 1 to 100 (5 by default).")] first: i32,
    ) -> async_graphql::Result<Vec<ClusterCandidate>> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        if !(1..=MAX_PAGE_SIZE as i32).contains(&first) {
            return Err(Error::invalid("first", format!("{first} is outside 1 to {MAX_PAGE_SIZE}"))).gql();
        }
        let lesson = decode_lessons("lesson", std::slice::from_ref(&lesson)).gql()?[0];
        let candidates = app.cluster_candidates(viewer, lesson, first as usize).await.gql()?;
        let ids: Vec<LessonId> = candidates.iter().map(|(hit, _)| LessonId(hit.id)).collect();
        let lessons = app.get_many::<LessonFields>(viewer, &ids).await.gql()?;
        Ok(candidates
            .into_iter()
            .filter_map(|(hit, cluster)| {
                let lesson = lessons.iter().find(|lesson| lesson.id.get() == hit.id)?.clone();
                Some(ClusterCandidate { lesson, score: hit.score, cluster })
            })
            .collect())
    }

    /// How many published sheets reached each phase of the démarche, per group; capitalisation
    /// coverage; and the median time between two phases.
    async fn funnel(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default_with = "FunnelGroup::Overall",
            desc = "What to group sheets by (OVERALL by default); rows come largest group first, sheets without a group last."
        )]
        group_by: FunnelGroup,
        #[graphql(
            desc = "Which sheets to count; `publicationStatuses`, if given, may name PUBLISHED only (INVALID_INPUT otherwise)."
        )]
        filter: Option<SheetFilterInput>,
        #[graphql(
            default_with = "Phase::OpportunityStudy",
            desc = "The phase whose start `medianDays` is measured from (OPPORTUNITY_STUDY by default)."
        )]
        from: Phase,
        #[graphql(
            default_with = "Phase::Launch",
            desc = "The phase whose start `medianDays` is measured to (LAUNCH by default): the days between the two starts."
        )]
        to: Phase,
    ) -> async_graphql::Result<Vec<FunnelRow>> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        let filter = filter.unwrap_or_default().into_domain().map_err(Error::InvalidInput).gql()?;
        let (grouping, dimension) = match group_by {
            FunnelGroup::Overall => (FunnelGrouping::Overall, None),
            FunnelGroup::Programme => (FunnelGrouping::Programme, Some(Dimension::Programme)),
            FunnelGroup::Structure => (FunnelGrouping::Structure, Some(Dimension::Structure)),
        };
        let funnels = app.funnels(viewer, &filter, grouping, from, to).await.gql()?;
        let values: Vec<(Dimension, String)> =
            funnels.iter().filter_map(|funnel| Some((dimension?, funnel.group?.to_string()))).collect();
        let borrowed: Vec<(Dimension, &str)> = values.iter().map(|(d, v)| (*d, v.as_str())).collect();
        let labels = labels(ctx, &borrowed).await?;
        Ok(funnels
            .into_iter()
            .map(|funnel| {
                let group = dimension.zip(funnel.group).and_then(|(dimension, id)| {
                    let (value, label) = labels.get(dimension, &id.to_string())?;
                    Some(StatsKey { dimension: dimension_of(dimension), value, label })
                });
                let mut previous: Option<u64> = None;
                let steps = funnel
                    .reached
                    .iter()
                    .map(|(phase, sheets)| {
                        let conversion = previous.map_or(1.0, |before| share(*sheets, before));
                        previous = Some(*sheets);
                        FunnelStep {
                            phase: *phase,
                            label: phase.label(),
                            sheets: count(*sheets),
                            share: share(*sheets, funnel.sheets),
                            conversion,
                        }
                    })
                    .collect();
                FunnelRow {
                    group,
                    sheets: count(funnel.sheets),
                    steps,
                    sheets_with_published_lesson: count(funnel.covered),
                    coverage: share(funnel.covered, funnel.sheets),
                    median_days: funnel.median_days,
                    measured_sheets: count(funnel.measured),
                }
            })
            .collect())
    }
}

/// How the rows of `stats` are ordered.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum StatsOrder {
    /// Largest count first (ties by value).
    Count,
    /// In the order of the values: years ascending, vocabulary values in their order (phases in the
    /// order of the démarche), programmes and structures by name; then by the second dimension.
    Value,
}

/// The rank of a value in its dimension's own order: its place in its vocabulary, a year's number,
/// else its label.
fn value_rank(dimension: Dimension, value: &str, label: &str) -> (i64, String) {
    fn place<T: Vocabulary>(code: &str) -> i64 {
        T::ALL.iter().position(|value| value.code() == code).map_or(i64::MAX, |at| at as i64)
    }
    let place = match dimension {
        Dimension::Phase => place::<Phase>(value),
        Dimension::Status => place::<SheetStatus>(value),
        Dimension::EvidenceLevel => place::<EvidenceLevel>(value),
        Dimension::Theme => place::<Theme>(value),
        Dimension::Polarity => place::<Polarity>(value),
        Dimension::Category => place::<LessonCategory>(value),
        Dimension::TerritoryType => place::<TerritoryType>(value),
        Dimension::Region => place::<Region>(value),
        Dimension::Year => value.parse::<i64>().unwrap_or(i64::MAX),
        Dimension::Kind | Dimension::Programme | Dimension::Structure => 0,
    };
    (place, crate::domain::fold(label))
}

/// Whether a dimension's values have an order of their own, which its counts are shown in by default.
fn ordinal(dimension: Dimension) -> bool {
    matches!(dimension, Dimension::Year | Dimension::Phase | Dimension::Status | Dimension::EvidenceLevel)
}

/// The rows of a grouped count, all of them, ordered; `first` keeps a page.
struct AllRows {
    total: i32,
    rows: Vec<StatsRow>,
}

impl AllRows {
    fn first(mut self, first: i32) -> Stats {
        let first = usize::try_from(first).unwrap_or(0);
        let truncated = self.rows.len() > first;
        self.rows.truncate(first);
        Stats { total: self.total, truncated, rows: self.rows }
    }
}

/// Runs a grouped count and labels its rows.
#[allow(clippy::too_many_arguments)]
async fn stats(
    ctx: &Context<'_>,
    app: &App,
    viewer: &Viewer,
    kind: StatsKind,
    group_by: Vec<SearchDimension>,
    query: Option<String>,
    filter: Option<SearchFilter>,
    order: Option<StatsOrder>,
) -> async_graphql::Result<AllRows> {
    let query = query.unwrap_or_default();
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::invalid("query", format!("is longer than {MAX_QUERY_CHARS} characters"))).gql();
    }
    if !(1..=2).contains(&group_by.len()) {
        return Err(Error::invalid("groupBy", "group by one or two dimensions")).gql();
    }
    let dimensions: Vec<Dimension> = group_by.into_iter().map(Dimension::from).collect();
    if dimensions.len() == 2 && dimensions[0] == dimensions[1] {
        return Err(Error::invalid("groupBy", "the two dimensions must differ")).gql();
    }
    let mut request = SearchRequest { text: query, ..SearchRequest::default() };
    filter.unwrap_or_default().apply(&mut request).gql()?;
    request.kinds = vec![match kind {
        StatsKind::Sheet => Kind::Sheet,
        StatsKind::Lesson => Kind::Lesson,
    }];
    let grouped = app.stats(viewer, request, dimensions.clone()).await.gql()?;
    let (total, rows) = (grouped.total, grouped.rows);
    let values: Vec<(Dimension, &str)> =
        rows.iter().flat_map(|(key, _)| dimensions.iter().copied().zip(key.iter().map(String::as_str))).collect();
    let labels = labels(ctx, &values).await?;
    let mut out = Vec::new();
    for (key, n) in &rows {
        // A row naming a programme or structure the caller may not see is left out.
        let keys: Option<Vec<StatsKey>> = dimensions
            .iter()
            .zip(key)
            .map(|(dimension, value)| {
                let (value, label) = labels.get(*dimension, value)?;
                Some(StatsKey { dimension: dimension_of(*dimension), value, label })
            })
            .collect();
        if let Some(keys) = keys {
            let ranks: Vec<(i64, String)> = dimensions
                .iter()
                .zip(&keys)
                .map(|(dimension, key)| value_rank(*dimension, &key.value, &key.label))
                .collect();
            out.push((ranks, StatsRow { keys, count: count(*n) }));
        }
    }
    // The index gives rows largest first; by value, they are ordered here, over every row.
    let by_value = order.unwrap_or(if ordinal(dimensions[0]) { StatsOrder::Value } else { StatsOrder::Count });
    if by_value == StatsOrder::Value {
        out.sort_by(|(a, _), (b, _)| a.cmp(b));
    }
    Ok(AllRows { total: count(total as u64), rows: out.into_iter().map(|(_, row)| row).collect() })
}

/// Labels the values of dimensions as the caller may see them (`App::labels`).
/// The search request of a dashboard over sheets: a full-text query (at most 1,000 characters) and
/// search's filters.
fn search_request(query: Option<String>, filter: Option<SearchFilter>) -> Result<SearchRequest, Error> {
    let query = query.unwrap_or_default();
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::invalid("query", format!("is longer than {MAX_QUERY_CHARS} characters")));
    }
    let mut request = SearchRequest { text: query, ..SearchRequest::default() };
    filter.unwrap_or_default().apply(&mut request)?;
    Ok(request)
}

async fn labels(ctx: &Context<'_>, values: &[(Dimension, &str)]) -> async_graphql::Result<crate::app::Labels> {
    let app = ctx.data::<App>()?;
    let viewer = ctx.data::<Viewer>()?;
    app.labels(viewer, values).await.gql()
}
