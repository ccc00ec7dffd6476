//! Dashboards (stats, indicator totals, recurrence, the funnel of the démarche) and lesson clusters:
//! figures over published records.

use super::*;

/// A lesson and how often it recurs.
#[derive(Debug, Clone)]
pub struct RecurrentLesson {
    pub lesson: Lesson,
    /// Distinct published programmes of the published sheets it was observed in.
    pub programmes: i64,
    /// Distinct published sheets it was observed in.
    pub sheets: i64,
    /// Distinct published sheets that contradict it.
    pub contradicting: i64,
}

/// Dashboards count published records only: a filter asking for other statuses is refused rather
/// than silently ignored.
pub(super) fn published_only(statuses: &[PublicationStatus]) -> Result<()> {
    match statuses.iter().find(|status| **status != PublicationStatus::Published) {
        Some(status) => Err(Error::invalid(
            "filter.publicationStatuses",
            format!("dashboards count published records only; {} records are not counted", status.code()),
        )),
        None => Ok(()),
    }
}

impl App {
    /// Counts the published records matching a search request (text, filters) grouped by one or two
    /// dimensions, under the viewer's visibility (the search filter). Returns the number of matching
    /// records and the rows, largest first.
    pub async fn stats(
        &self,
        viewer: &Viewer,
        mut request: SearchRequest,
        group_by: Vec<crate::search::Dimension>,
    ) -> Result<crate::search::Grouped> {
        let _turn = self.heavy_turn().await?;
        request.visible = viewer.visibility().search_statuses();
        self.on_index(move |index, synonyms| index.group_counts(&request, synonyms, &group_by)).await
    }

    /// Sums the indicators (target and actual, by name and unit) of the published sheets matching a
    /// search request, grouped by one dimension or not at all.
    pub async fn indicator_sums(
        &self,
        viewer: &Viewer,
        mut request: SearchRequest,
        group_by: Option<crate::search::Dimension>,
    ) -> Result<Vec<IndicatorSum>> {
        let _turn = self.heavy_turn().await?;
        request.visible = viewer.visibility().search_statuses();
        request.kinds = vec![Kind::Sheet];
        let groups = self.on_index(move |index, synonyms| index.matching(&request, synonyms, group_by)).await?;
        let ids: Vec<i64> = groups.iter().map(|(id, _)| *id).collect();
        let indicators: Vec<SheetIndicator> = store::indicators_of(self.store.connection(), &ids)
            .await?
            .into_iter()
            .map(|row| SheetIndicator {
                sheet: row.sheet,
                name: row.name,
                unit: row.unit,
                target: row.target,
                actual: row.actual,
            })
            .collect();
        let grouped = group_by.is_some();
        tokio::task::spawn_blocking(move || indicator_sums(&groups, grouped, &indicators))
            .await
            .map_err(Error::internal)
    }

    /// Sums the funding plans of the published sheets matching a search request, by funder (names
    /// compared without case or accents), programme (a sheet counts in each of its programmes), year
    /// or kind. Largest amount first; years in order.
    pub async fn funding_sums(
        &self,
        viewer: &Viewer,
        mut request: SearchRequest,
        by: FundingGrouping,
    ) -> Result<Vec<FundingSum>> {
        let _turn = self.heavy_turn().await?;
        request.visible = viewer.visibility().search_statuses();
        request.kinds = vec![Kind::Sheet];
        let dimension = (by == FundingGrouping::Programme).then_some(crate::search::Dimension::Programme);
        let groups = self.on_index(move |index, synonyms| index.matching(&request, synonyms, dimension)).await?;
        let ids: Vec<i64> = groups.iter().map(|(id, _)| *id).collect();
        let lines = store::funding_of(self.store.connection(), &ids).await?;
        let programmes: HashMap<i64, Vec<String>> = groups.into_iter().collect();
        let mut sums: BTreeMap<String, FundingSum> = BTreeMap::new();
        for line in lines {
            let keys: Vec<(String, String)> = match by {
                FundingGrouping::Funder => vec![(fold(&line.funder), line.funder.clone())],
                FundingGrouping::Year => vec![line.year.map_or_else(
                    || ("9999".to_owned(), String::new()),
                    |year| (format!("{year:04}"), year.to_string()),
                )],
                FundingGrouping::Kind => vec![(line.kind.clone(), line.kind.clone())],
                FundingGrouping::Programme => programmes
                    .get(&line.sheet)
                    .map(|values| values.iter().map(|value| (value.clone(), value.clone())).collect())
                    .unwrap_or_default(),
            };
            for (key, value) in keys {
                let sum = sums.entry(key).or_insert_with(|| FundingSum { value, ..FundingSum::default() });
                sum.amount_cents += line.amount_cents;
                sum.lines += 1;
                if !sum.sheets.contains(&line.sheet) {
                    sum.sheets.push(line.sheet);
                }
            }
        }
        let mut out: Vec<FundingSum> = sums.into_values().collect();
        if by != FundingGrouping::Year {
            out.sort_by(|a, b| b.amount_cents.cmp(&a.amount_cents).then_with(|| a.value.cmp(&b.value)));
        }
        Ok(out)
    }

    /// Ranks published lessons by the number of distinct programmes, then sheets, that evidence them,
    /// with the number of sheets that contradict each. The ranking reads the search index, where
    /// each lesson's counts are kept (from its published sheets and their published programmes) and
    /// every filter of a lesson list is a field.
    pub async fn recurrence(
        &self,
        viewer: &Viewer,
        filter: &LessonFilter,
        min_programmes: i64,
        first: usize,
        offset: usize,
    ) -> Result<Vec<RecurrentLesson>> {
        published_only(&filter.publication_statuses)?;
        let _turn = self.heavy_turn().await?;
        use crate::search::Dimension;
        fn codes<T: Vocabulary>(values: &[T]) -> Vec<String> {
            values.iter().map(|value| value.code().to_owned()).collect()
        }
        let request = SearchRequest {
            kinds: vec![Kind::Lesson],
            filters: vec![
                (Dimension::Polarity, codes(&filter.polarities)),
                (Dimension::Category, codes(&filter.categories)),
                (Dimension::Phase, codes(&filter.phases)),
                (Dimension::Theme, codes(&filter.themes)),
                (Dimension::TerritoryType, codes(&filter.territory_types)),
                (Dimension::EvidenceLevel, codes(&filter.evidence_levels)),
                (Dimension::Programme, filter.programmes.iter().map(|id| id.get().to_string()).collect()),
            ],
            evidence_sheets: filter.sheets.iter().map(|id| id.get()).collect(),
            visible: viewer.visibility().search_statuses(),
            offset,
            limit: first,
            ..SearchRequest::default()
        };
        let min = min_programmes.max(0) as u64;
        let ranked = self.on_index(move |index, _| index.recurrent(&request, min)).await?;
        let conn = self.store.connection();
        let ids: Vec<i64> = ranked.iter().map(|(id, _, _)| *id).collect();
        let contradicting = store::contradicting(conn, &ids).await?;
        let lesson_ids: Vec<LessonId> = ids.iter().copied().map(LessonId).collect();
        let mut lessons: HashMap<i64, Lesson> =
            store::get_many::<LessonFields, _>(conn, &viewer.visibility(), &lesson_ids)
                .await?
                .into_iter()
                .map(|lesson| (lesson.id.get(), lesson))
                .collect();
        Ok(ranked
            .into_iter()
            .filter_map(|(id, programmes, sheets)| {
                Some(RecurrentLesson {
                    lesson: lessons.remove(&id)?,
                    programmes: programmes as i64,
                    sheets: sheets as i64,
                    contradicting: contradicting.get(&id).copied().unwrap_or(0),
                })
            })
            .collect())
    }

    /// The funnel of the démarche over the published sheets matching `filter`, per group, with the
    /// median time from `from` to `to` and capitalisation coverage.
    pub async fn funnels(
        &self,
        viewer: &Viewer,
        filter: &SheetFilter,
        grouping: store::FunnelGrouping,
        from: Phase,
        to: Phase,
    ) -> Result<Vec<Funnel>> {
        published_only(&filter.publication_statuses)?;
        let _turn = self.heavy_turn().await?;
        let conn = self.store.connection();
        let (counts, spans) = store::funnel_figures(conn, &viewer.visibility(), filter, grouping, from, to).await?;
        let counts: Vec<FurthestCount> = counts
            .into_iter()
            .map(|row| FurthestCount {
                group: row.group,
                furthest: row.furthest.and_then(|index| Phase::ALL.get(usize::try_from(index).ok()?).copied()),
                sheets: u64::try_from(row.sheets).unwrap_or(0),
                covered: u64::try_from(row.covered).unwrap_or(0),
            })
            .collect();
        let spans: Vec<Span> =
            spans.into_iter().map(|row| Span { group: row.group, from: row.from, to: row.to }).collect();
        // The spans may be one per sheet of the base, sorted for medians: off the async executor.
        tokio::task::spawn_blocking(move || funnels(&counts, &spans)).await.map_err(Error::internal)
    }

    /// Groups lessons into a new cluster (reviewers and administrators); every lesson must be visible
    /// to the caller and in no other cluster. Returns the cluster's id.
    pub async fn create_cluster(&self, viewer: &Viewer, name: &str, lessons: &[LessonId]) -> Result<i64> {
        allowed(viewer.may_cluster())?;
        let name = Title::parse(name).map_err(|problem| Error::invalid("name", problem))?;
        self.check_lessons(viewer, lessons).await?;
        let tx = self.store.begin().await?;
        let id = store::create_cluster(&tx, name.as_str(), &viewer.author()).await?;
        let raw: Vec<i64> = lessons.iter().map(|id| id.get()).collect();
        store::add_members(&tx, id, &raw).await?;
        store::cluster_changed(&tx, id).await?;
        store::commit(tx).await?;
        Ok(id)
    }

    /// Adds lessons to a cluster.
    pub async fn add_to_cluster(&self, viewer: &Viewer, cluster: i64, lessons: &[LessonId]) -> Result<()> {
        allowed(viewer.may_cluster())?;
        self.check_lessons(viewer, lessons).await?;
        let conn = self.store.connection();
        // A cluster the caller cannot see (all its members are hidden from it) is NOT_FOUND, as one
        // that does not exist.
        if store::ranked_clusters(conn, &viewer.visibility(), Some(cluster), 1, 0).await?.is_empty() {
            return Err(Error::NotFound(format!("lesson cluster {cluster}")));
        }
        let tx = self.store.begin().await?;
        let raw: Vec<i64> = lessons.iter().map(|id| id.get()).collect();
        store::add_members(&tx, cluster, &raw).await?;
        store::cluster_changed(&tx, cluster).await?;
        store::commit(tx).await
    }

    /// Takes a lesson out of its cluster; returns the cluster it was in.
    pub async fn remove_from_cluster(&self, viewer: &Viewer, lesson: LessonId) -> Result<i64> {
        allowed(viewer.may_cluster())?;
        self.check_lessons(viewer, &[lesson]).await?;
        let tx = self.store.begin().await?;
        let cluster = store::remove_member(&tx, lesson.get())
            .await?
            .ok_or_else(|| Error::invalid("lesson", format!("lesson {} is in no cluster", lesson.get())))?;
        store::cluster_changed(&tx, cluster).await?;
        store::commit(tx).await?;
        Ok(cluster)
    }

    pub(super) async fn check_lessons(&self, viewer: &Viewer, lessons: &[LessonId]) -> Result<()> {
        if lessons.is_empty() || lessons.len() > MAX_LIST_ITEMS {
            return Err(Error::invalid("lessons", format!("give 1 to {MAX_LIST_ITEMS} lessons")));
        }
        let found = self.get_many::<LessonFields>(viewer, lessons).await?;
        match lessons.iter().find(|id| !found.iter().any(|lesson| lesson.id == **id)) {
            Some(missing) => Err(Error::NotFound(format!("lesson {}", missing.get()))),
            None => Ok(()),
        }
    }

    /// Ranks clusters (or returns one) by the recurrence of their members, with the members the
    /// viewer may see.
    pub async fn clusters(
        &self,
        viewer: &Viewer,
        only: Option<i64>,
        first: usize,
        offset: usize,
    ) -> Result<Vec<(store::ClusterRow, Vec<LessonId>)>> {
        let conn = self.store.connection();
        let rows = store::ranked_clusters(conn, &viewer.visibility(), only, first as u64, offset as u64).await?;
        let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
        let mut members = store::members(conn, &ids).await?;
        let all: Vec<LessonId> = members.values().flatten().copied().map(LessonId).collect();
        let visible: std::collections::HashSet<LessonId> =
            self.get_many::<LessonFields>(viewer, &all).await?.into_iter().map(|lesson| lesson.id).collect();
        Ok(rows
            .into_iter()
            .map(|row| {
                let lessons = members
                    .remove(&row.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(LessonId)
                    .filter(|id| visible.contains(id))
                    .collect();
                (row, lessons)
            })
            .collect())
    }

    /// Lessons written alike (text similarity), candidates to join `lesson` in a cluster: those
    /// already in its cluster are left out. Returns each with its score and its current cluster.
    pub async fn cluster_candidates(
        &self,
        viewer: &Viewer,
        lesson: LessonId,
        limit: usize,
    ) -> Result<Vec<(Hit, Option<i64>)>> {
        let hits = self.similar(viewer, Kind::Lesson, lesson.get(), limit.saturating_mul(3).max(10)).await?;
        let hits: Vec<Hit> = hits.into_iter().filter(|hit| hit.kind == Kind::Lesson).collect();
        let mut ids: Vec<i64> = hits.iter().map(|hit| hit.id).collect();
        ids.push(lesson.get());
        let clusters = store::clusters_of(self.store.connection(), &ids).await?;
        let own = clusters.get(&lesson.get()).copied();
        Ok(hits
            .into_iter()
            .map(|hit| {
                let cluster = clusters.get(&hit.id).copied();
                (hit, cluster)
            })
            .filter(|(_, cluster)| own.is_none() || *cluster != own)
            .take(limit)
            .collect())
    }
}

/// What funding sums are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FundingGrouping {
    Funder,
    Programme,
    Year,
    Kind,
}

/// The funding of one group: the lines' amounts summed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FundingSum {
    /// The funder's name (as first written), the programme's id, the year (empty when none), or the
    /// kind's code.
    pub value: String,
    pub amount_cents: i64,
    pub lines: usize,
    pub sheets: Vec<i64>,
}
