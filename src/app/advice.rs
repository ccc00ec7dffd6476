//! Lessons at the moment of need: advice for a sheet at a phase, for a project not yet written, and
//! checklists phase by phase. Advice reads published records only, whoever asks: the lessons, the
//! sheets they were observed in or contradicted by, their programmes and territories.

use super::*;
use crate::domain::advice::{self, Candidate, Observation, ProjectContext, Ranked};

/// The most lessons one phase's advice weighs (the oldest are left out beyond it).
const MAX_CANDIDATES: usize = 5_000;
/// How many of the closest sheets and lessons the text similarity reads.
const CLOSEST: usize = 300;

/// A lesson offered to a project, and why.
#[derive(Debug, Clone)]
pub struct AdviceItem {
    pub lesson: Lesson,
    pub ranked: Ranked,
    /// The sheet advice was asked for already shows (or contradicts) this lesson.
    pub already_linked: bool,
    /// Published sheets that contradict the lesson (the project's own left out).
    pub contradicted_by: Vec<Sheet>,
}

/// The lessons offered for one phase, best first.
#[derive(Debug, Clone)]
pub struct Advice {
    pub phase: Phase,
    pub items: Vec<AdviceItem>,
}

/// The project advice is given to: its context, its texts, and its sheet when it has one (whose own
/// links never count for it).
struct Project {
    context: ProjectContext,
    texts: Vec<String>,
    sheet: Option<Sheet>,
}

fn public() -> Visibility {
    Visibility::public()
}

impl App {
    /// Advice for a sheet the viewer may see, at `phase` or, by default, the phase after its current one.
    pub async fn sheet_advice(
        &self,
        viewer: &Viewer,
        sheet: SheetId,
        phase: Option<Phase>,
        first: usize,
    ) -> Result<Advice> {
        let sheet = self.get::<SheetFields>(viewer, sheet).await?;
        let lived: Vec<Phase> = sheet.fields.phases.iter().map(|record| record.phase).collect();
        let phase = phase.unwrap_or_else(|| advice::next_phase(sheet.fields.status, &lived));
        let project = self.project_of(viewer, sheet).await?;
        let mut advice = self.advise(&project, &[phase], first).await?;
        advice.pop().ok_or_else(|| Error::internal("advice for one phase gave none"))
    }

    /// The baseline advice is measured against: the lessons of the phase ranked by recurrence and
    /// evidence alone, blind to the sheet's context and text (its own links left out as in advice).
    pub async fn context_blind_advice(&self, sheet: SheetId, phase: Phase, first: usize) -> Result<Advice> {
        let sheet = store::get::<SheetFields, _>(self.store.connection(), &public(), sheet).await?;
        let project = Project { context: ProjectContext::default(), texts: Vec::new(), sheet: Some(sheet) };
        let mut advice = self.advise(&project, &[phase], first).await?;
        advice.pop().ok_or_else(|| Error::internal("advice for one phase gave none"))
    }

    /// Advice for a project not yet written, at one phase.
    pub async fn project_advice(
        &self,
        description: &str,
        context: ProjectContext,
        phase: Phase,
        first: usize,
    ) -> Result<Advice> {
        let project = Project { context, texts: vec![description.to_owned()], sheet: None };
        let mut advice = self.advise(&project, &[phase], first).await?;
        advice.pop().ok_or_else(|| Error::internal("advice for one phase gave none"))
    }

    /// A checklist for a project not yet written: advice phase by phase, from `start` to the launch.
    pub async fn checklist(
        &self,
        description: &str,
        context: ProjectContext,
        start: Phase,
        per_phase: usize,
    ) -> Result<Vec<Advice>> {
        let project = Project { context, texts: vec![description.to_owned()], sheet: None };
        self.advise(&project, &advice::checklist_phases(start), per_phase).await
    }

    /// The context of a sheet: its own vocabulary, and the types of the territories the viewer sees.
    async fn project_of(&self, viewer: &Viewer, sheet: Sheet) -> Result<Project> {
        let territories = self.get_many::<TerritoryFields>(viewer, &sheet.fields.territories).await?;
        let mut territory_types: Vec<TerritoryType> =
            territories.iter().flat_map(|territory| territory.fields.types.iter().copied()).collect();
        territory_types.sort();
        territory_types.dedup();
        let context = ProjectContext {
            themes: sheet.fields.themes.clone(),
            activity_type: Some(sheet.fields.activity_type),
            territory_types,
            target_publics: sheet.fields.target_publics.clone(),
        };
        let texts = sheet.fields.searchable_text().parts().into_iter().map(str::to_owned).collect();
        Ok(Project { context, texts, sheet: Some(sheet) })
    }

    /// Advice for each phase, from published records only.
    async fn advise(&self, project: &Project, phases: &[Phase], first: usize) -> Result<Vec<Advice>> {
        let first = first.min(advice::MAX_ADVICE_ITEMS);
        let own = project.sheet.as_ref().map(|sheet| sheet.id);
        let conn = self.store.connection();
        let filter = LessonFilter { phases: phases.to_vec(), ..LessonFilter::default() };
        let lessons = published::<LessonFields>(conn, &filter, MAX_CANDIDATES).await?;

        // The sheets behind the lessons, their territories and programmes, as published.
        let sheet_ids: Vec<SheetId> = lessons
            .iter()
            .flat_map(|lesson| lesson.fields.evidence_links.iter().map(|link| link.sheet))
            .filter(|sheet| Some(*sheet) != own)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let sheets: HashMap<SheetId, Sheet> = store::get_many::<SheetFields, _>(conn, &public(), &sheet_ids)
            .await?
            .into_iter()
            .map(|sheet| (sheet.id, sheet))
            .collect();
        let territory_ids: Vec<TerritoryId> = sheets
            .values()
            .flat_map(|sheet| sheet.fields.territories.iter().copied())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let territory_types: HashMap<TerritoryId, Vec<TerritoryType>> =
            store::get_many::<TerritoryFields, _>(conn, &public(), &territory_ids)
                .await?
                .into_iter()
                .map(|territory| (territory.id, territory.fields.types))
                .collect();
        let programme_ids: Vec<ProgrammeId> = sheets
            .values()
            .flat_map(|sheet| sheet.fields.programmes.iter().copied())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let programmes: HashSet<ProgrammeId> = store::get_many::<ProgrammeFields, _>(conn, &public(), &programme_ids)
            .await?
            .into_iter()
            .map(|programme| programme.id)
            .collect();

        // How close the published sheets and lessons read to the project (1 for the closest).
        let (sheet_similarity, lesson_similarity) = self.closest(project, own).await?;

        let observation = |sheet: &Sheet| Observation {
            sheet: sheet.id,
            title: sheet.fields.title.as_str().to_owned(),
            activity_type: sheet.fields.activity_type,
            themes: sheet.fields.themes.clone(),
            territory_types: sheet
                .fields
                .territories
                .iter()
                .flat_map(|id| territory_types.get(id).into_iter().flatten().copied())
                .collect(),
            target_publics: sheet.fields.target_publics.clone(),
            programmes: sheet.fields.programmes.iter().copied().filter(|id| programmes.contains(id)).collect(),
            similarity: sheet_similarity.get(&sheet.id.get()).copied().unwrap_or(0.0),
        };
        let linked_sheets = |lesson: &Lesson, role: EvidenceRole| -> Vec<&Sheet> {
            lesson
                .fields
                .evidence_links
                .iter()
                .filter(|link| link.role == role && Some(link.sheet) != own)
                .filter_map(|link| sheets.get(&link.sheet))
                .collect()
        };

        let mut out = Vec::with_capacity(phases.len());
        for phase in phases {
            let at_phase: Vec<&Lesson> = lessons.iter().filter(|lesson| lesson.fields.phases.contains(phase)).collect();
            let candidates: Vec<Candidate> = at_phase
                .iter()
                .map(|lesson| Candidate {
                    lesson: lesson.id,
                    polarity: lesson.fields.polarity,
                    evidence_level: lesson.fields.evidence_level,
                    themes: lesson.fields.themes.clone(),
                    territory_types: lesson.fields.territory_types.clone(),
                    observed: linked_sheets(lesson, EvidenceRole::ObservedIn).into_iter().map(observation).collect(),
                    similarity: lesson_similarity.get(&lesson.id.get()).copied().unwrap_or(0.0),
                })
                .collect();
            let by_id: HashMap<LessonId, &Lesson> = at_phase.iter().map(|lesson| (lesson.id, *lesson)).collect();
            let items = advice::rank(&project.context, *phase, &candidates)
                .into_iter()
                .take(first)
                .filter_map(|ranked| {
                    let lesson = *by_id.get(&ranked.lesson)?;
                    let already_linked =
                        own.is_some_and(|own| lesson.fields.evidence_links.iter().any(|link| link.sheet == own));
                    let contradicted_by =
                        linked_sheets(lesson, EvidenceRole::ContradictedBy).into_iter().cloned().collect();
                    Some(AdviceItem { lesson: lesson.clone(), ranked, already_linked, contradicted_by })
                })
                .collect();
            out.push(Advice { phase: *phase, items });
        }
        Ok(out)
    }

    /// The text similarity of the closest published sheets (the project's own left out) and lessons
    /// to the project's texts, each relative to the closest of its kind.
    async fn closest(&self, project: &Project, own: Option<SheetId>) -> Result<(HashMap<i64, f32>, HashMap<i64, f32>)> {
        if project.texts.iter().all(|text| text.trim().is_empty()) {
            return Ok((HashMap::new(), HashMap::new()));
        }
        let indexer = Arc::clone(self.indexer()?);
        let texts = project.texts.clone();
        let visible = public().search_statuses();
        let exclude: Vec<(Kind, i64)> = own.map(|id| (Kind::Sheet, id.get())).into_iter().collect();
        tokio::task::spawn_blocking(move || {
            let index = indexer.index();
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            let relative = |hits: Vec<Hit>| -> HashMap<i64, f32> {
                let best = hits.iter().map(|hit| hit.score).fold(0.0_f32, f32::max);
                if best <= 0.0 {
                    return HashMap::new();
                }
                hits.into_iter().map(|hit| (hit.id, hit.score / best)).collect()
            };
            let sheets = index.similar(&texts, &[Kind::Sheet], &exclude, &visible, CLOSEST)?;
            let lessons = index.similar(&texts, &[Kind::Lesson], &[], &visible, CLOSEST)?;
            Ok((relative(sheets), relative(lessons)))
        })
        .await
        .map_err(Error::internal)?
    }
}

/// The published records of a list, oldest first, at most `cap` of them.
pub(super) async fn published<K: StoredKind>(
    conn: &impl store::Connection,
    filter: &K::Filter,
    cap: usize,
) -> Result<Vec<Record<K::Id, K>>> {
    let sort = Sort { field: SortField::CreatedAt, direction: Direction::Ascending };
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = PageRequest { size: MAX_PAGE_SIZE, after, ..PageRequest::default() };
        let rows = store::list::<K, _>(conn, &public(), &[PublicationStatus::Published], filter, sort, &page).await?;
        after = rows.rows.last().map(|(cursor, _)| cursor.clone());
        out.extend(rows.rows.into_iter().map(|(_, record)| record));
        if !rows.has_next || out.len() >= cap {
            out.truncate(cap);
            return Ok(out);
        }
    }
}

/// One case of the leave-one-out evaluation: a published sheet, a phase it went through, and the
/// published lessons it showed that concern that phase (its hidden lessons).
#[derive(Debug, Clone)]
pub struct HeldOut {
    pub sheet: SheetId,
    pub phase: Phase,
    pub lessons: Vec<LessonId>,
}

impl App {
    /// The cases of the leave-one-out evaluation, from the published records: every published sheet,
    /// at each phase it recorded, with the lessons observed in it that concern that phase.
    pub async fn held_out_cases(&self) -> Result<Vec<HeldOut>> {
        let conn = self.store.connection();
        let sheets = published::<SheetFields>(conn, &SheetFilter::default(), usize::MAX).await?;
        let lessons = published::<LessonFields>(conn, &LessonFilter::default(), usize::MAX).await?;
        let mut cases = Vec::new();
        for sheet in &sheets {
            let mut lived: Vec<Phase> = sheet.fields.phases.iter().map(|record| record.phase).collect();
            lived.sort();
            lived.dedup();
            for phase in lived {
                let hidden: Vec<LessonId> = lessons
                    .iter()
                    .filter(|lesson| lesson.fields.phases.contains(&phase))
                    .filter(|lesson| {
                        lesson
                            .fields
                            .evidence_links
                            .iter()
                            .any(|link| link.sheet == sheet.id && link.role == EvidenceRole::ObservedIn)
                    })
                    .map(|lesson| lesson.id)
                    .collect();
                if !hidden.is_empty() {
                    cases.push(HeldOut { sheet: sheet.id, phase, lessons: hidden });
                }
            }
        }
        Ok(cases)
    }
}
