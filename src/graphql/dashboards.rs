//! Dashboards: counts grouped by one or two dimensions (`stats`), the recurrence of lessons across
//! programmes (`recurrence`), and the funnel of the démarche with capitalisation coverage (`funnel`).
//! Every figure counts published records the caller may see, under the same filters as lists and
//! search.

use async_graphql::{Context, Enum, Object, SimpleObject};

use super::error::GqlResult;
use super::inputs::{LessonFilterInput, SheetFilterInput};
use super::search::{Labels, SearchDimension, SearchFilter, count, dimension_of};
use super::types::LessonNode;
use crate::app::{App, RecurrentLesson};
use crate::domain::*;
use crate::error::Error;
use crate::search::{Dimension, SearchRequest};
use crate::store::FunnelGrouping;

/// The longest full-text query `stats` takes, in characters.
const MAX_QUERY_CHARS: usize = 1_000;
/// The most rows `stats` returns.
pub const MAX_STATS_ROWS: usize = 5_000;

/// What `stats` counts.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum StatsKind {
    Sheet,
    Lesson,
}

/// One value of a dimension in a row of figures.
#[derive(SimpleObject, Clone)]
pub struct StatsKey {
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
    pub count: i32,
}

/// A grouped count. A record counts once in each combination of its values (a sheet with two
/// themes counts under both), so rows may add up to more than `total`; records without a value of
/// a dimension are in no row of it.
#[derive(SimpleObject)]
pub struct Stats {
    /// The records matching the query and filter.
    pub total: i32,
    /// Largest first.
    pub rows: Vec<StatsRow>,
    /// Whether rows were left out past `first`.
    pub truncated: bool,
}

/// A lesson and the number that capitalisation is about: in how many programmes it recurs.
pub struct LessonRecurrence(RecurrentLesson);

#[Object]
impl LessonRecurrence {
    /// The lesson; its `programmes` and `sheets` are the records behind the counts.
    async fn lesson(&self) -> LessonNode {
        LessonNode(self.0.lesson.clone())
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
    pub phase: Phase,
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
    pub sheets: i32,
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

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

#[derive(Default)]
pub struct DashboardQuery;

#[Object]
impl DashboardQuery {
    /// Counts published sheets or lessons grouped by one or two dimensions, under a full-text query
    /// and the filters of `search`: rows a chart uses directly.
    async fn stats(
        &self,
        ctx: &Context<'_>,
        kind: StatsKind,
        group_by: Vec<SearchDimension>,
        query: Option<String>,
        filter: Option<SearchFilter>,
        #[graphql(default = 1000)] first: i32,
    ) -> async_graphql::Result<Stats> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        let (rows, total) = stats_rows(ctx, app, viewer, kind, group_by, query, filter, first).await?;
        Ok(Stats { total: count(total.0 as u64), truncated: total.1, rows })
    }

    /// Published lessons ranked by the number of distinct programmes, then of distinct sheets, whose
    /// published sheets observed them; with the sheets that contradict each beside.
    #[graphql(complexity = "super::limits::page(Some(first), None, child_complexity)")]
    async fn recurrence(
        &self,
        ctx: &Context<'_>,
        filter: Option<LessonFilterInput>,
        #[graphql(default = 1)] min_programmes: i32,
        #[graphql(default = 20)] first: i32,
        #[graphql(default = 0)] offset: i32,
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

    /// How many published sheets reached each phase of the démarche, per group; capitalisation
    /// coverage; and the median time between two phases.
    async fn funnel(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "FunnelGroup::Overall")] group_by: FunnelGroup,
        filter: Option<SheetFilterInput>,
        #[graphql(default_with = "Phase::OpportunityStudy")] from: Phase,
        #[graphql(default_with = "Phase::Launch")] to: Phase,
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
        let labels = Labels::resolve(ctx, &borrowed).await?;
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

/// Runs a grouped count and labels its rows; returns the rows and (total, truncated).
#[allow(clippy::too_many_arguments)]
pub(super) async fn stats_rows(
    ctx: &Context<'_>,
    app: &App,
    viewer: &Viewer,
    kind: StatsKind,
    group_by: Vec<SearchDimension>,
    query: Option<String>,
    filter: Option<SearchFilter>,
    first: i32,
) -> async_graphql::Result<(Vec<StatsRow>, (usize, bool))> {
    let query = query.unwrap_or_default();
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::invalid("query", format!("is longer than {MAX_QUERY_CHARS} characters"))).gql();
    }
    if !(1..=2).contains(&group_by.len()) {
        return Err(Error::invalid("groupBy", "group by one or two dimensions")).gql();
    }
    if !(1..=MAX_STATS_ROWS as i32).contains(&first) {
        return Err(Error::invalid("first", format!("{first} is outside 1 to {MAX_STATS_ROWS}"))).gql();
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
    let labels = Labels::resolve(ctx, &values).await?;
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
            out.push(StatsRow { keys, count: count(*n) });
        }
    }
    let truncated = out.len() > first as usize;
    out.truncate(first as usize);
    Ok((out, (total, truncated)))
}
