//! Capitalisation guides generated from the base: for a theme, an activity type or a programme, the
//! success factors and pitfalls its published sheets showed, ordered by phase, with the evidence
//! counted across programmes, an example, a testimony, and the sheets' indicators summed. Published
//! records only, whoever asks.

use std::fmt::Write as _;

use super::advice::published;
use super::*;

/// The most sheets and lessons a guide reads.
const MAX_GUIDE_RECORDS: usize = 20_000;

/// What a guide covers: at least one of a theme, an activity type and a programme.
#[derive(Debug, Clone, Default)]
pub struct GuideScope {
    pub theme: Option<Theme>,
    pub activity_type: Option<ActivityType>,
    pub programme: Option<ProgrammeId>,
}

/// One lesson of a guide, with what stands behind it within the guide's sheets.
#[derive(Debug, Clone)]
pub struct GuideEntry {
    pub lesson: Lesson,
    /// Distinct published programmes of the guide's sheets that showed it.
    pub programmes: usize,
    /// The guide's sheets that showed it.
    pub sheets: usize,
    pub example: Option<Sheet>,
    pub testimony: Option<(Testimony, Sheet)>,
}

/// The lessons of one phase (`None`: lessons that name no phase).
#[derive(Debug, Clone)]
pub struct GuidePhase {
    pub phase: Option<Phase>,
    pub success_factors: Vec<GuideEntry>,
    /// Pitfalls and failure factors.
    pub pitfalls: Vec<GuideEntry>,
}

/// An indicator summed over the guide's sheets that report it.
#[derive(Debug, Clone, PartialEq)]
pub struct GuideIndicator {
    pub name: String,
    pub unit: String,
    pub sheets: usize,
    pub target: Option<f64>,
    pub actual: Option<f64>,
}

/// A capitalisation guide.
#[derive(Debug, Clone)]
pub struct Guide {
    pub title: String,
    pub sheets: Vec<Sheet>,
    pub programme_count: usize,
    pub phases: Vec<GuidePhase>,
    pub indicators: Vec<GuideIndicator>,
}

impl App {
    /// Writes the guide of a scope from the published records.
    pub async fn guide(&self, scope: &GuideScope) -> Result<Guide> {
        if scope.theme.is_none() && scope.activity_type.is_none() && scope.programme.is_none() {
            return Err(Error::invalid("filter", "a guide needs a theme, an activity type or a programme"));
        }
        let _turn = self.heavy_turn().await?;
        let conn = self.store.connection();
        let public = Visibility::public();
        let mut title = String::from("Guide de capitalisation");
        let mut parts: Vec<String> = Vec::new();
        parts.extend(scope.theme.map(|theme| theme.label().to_owned()));
        parts.extend(scope.activity_type.map(|activity| activity.label().to_owned()));
        if let Some(programme) = scope.programme {
            // A programme out of sight is one that does not exist.
            let programme = store::get::<ProgrammeFields, _>(conn, &public, programme)
                .await
                .map_err(|_| Error::invalid("filter.programme", "there is no published programme with this id"))?;
            parts.push(programme.fields.name.as_str().to_owned());
        }
        if !parts.is_empty() {
            let _ = write!(title, " — {}", parts.join(" · "));
        }

        let filter = SheetFilter {
            themes: scope.theme.into_iter().collect(),
            activity_types: scope.activity_type.into_iter().collect(),
            programmes: scope.programme.into_iter().collect(),
            ..SheetFilter::default()
        };
        let sheets: Vec<Sheet> = published::<SheetFields>(conn, &filter, MAX_GUIDE_RECORDS).await?;
        let by_id: HashMap<SheetId, &Sheet> = sheets.iter().map(|sheet| (sheet.id, sheet)).collect();
        let programme_ids: Vec<ProgrammeId> = sheets
            .iter()
            .flat_map(|sheet| sheet.fields.programmes.iter().copied())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let programmes: HashSet<ProgrammeId> = store::get_many::<ProgrammeFields, _>(conn, &public, &programme_ids)
            .await?
            .into_iter()
            .map(|programme| programme.id)
            .collect();
        let lessons = published::<LessonFields>(conn, &LessonFilter::default(), MAX_GUIDE_RECORDS).await?;

        let reference = |sheet: &Sheet| sheet.clone();
        // Each entry with the sheets that showed it, to quote one of their testimonies.
        let mut entries: Vec<(Option<Phase>, GuideEntry, Vec<&Sheet>)> = Vec::new();
        for lesson in lessons {
            let shown: Vec<&Sheet> = lesson
                .fields
                .evidence_links
                .iter()
                .filter(|link| link.role == EvidenceRole::ObservedIn)
                .filter_map(|link| by_id.get(&link.sheet).copied())
                .collect();
            if shown.is_empty() {
                continue;
            }
            let in_programmes: BTreeSet<ProgrammeId> = shown
                .iter()
                .flat_map(|sheet| sheet.fields.programmes.iter().copied())
                .filter(|id| programmes.contains(id))
                .collect();
            // The example is the sheet with the most to show: testimonies first, then indicators.
            let example = shown
                .iter()
                .max_by_key(|sheet| (sheet.fields.testimonies.len(), sheet.fields.indicators.len(), -sheet.id.get()))
                .copied();
            let phase = lesson.fields.phases.iter().copied().min();
            entries.push((
                phase,
                GuideEntry {
                    programmes: in_programmes.len(),
                    sheets: shown.len(),
                    example: example.map(reference),
                    testimony: None,
                    lesson,
                },
                shown,
            ));
        }
        // Phases in the order of the démarche, lessons without one last; the most recurrent first.
        entries.sort_by(|(a_phase, a, _), (b_phase, b, _)| {
            (a_phase.is_none(), a_phase)
                .cmp(&(b_phase.is_none(), b_phase))
                .then(b.programmes.cmp(&a.programmes))
                .then(b.sheets.cmp(&a.sheets))
                .then_with(|| a.lesson.fields.title.as_str().cmp(b.lesson.fields.title.as_str()))
        });
        // A testimony of a sheet that showed the lesson, one not quoted yet when there is one, so that
        // the guide does not repeat the same words under every lesson of a well-told sheet.
        let mut quoted: HashSet<(SheetId, usize)> = HashSet::new();
        let mut phases: Vec<GuidePhase> = Vec::new();
        for (phase, mut entry, shown) in entries {
            let told: Vec<(SheetId, usize, &Sheet)> = shown
                .iter()
                .flat_map(|sheet| (0..sheet.fields.testimonies.len()).map(move |at| (sheet.id, at, *sheet)))
                .collect();
            let chosen = told.iter().find(|(id, at, _)| !quoted.contains(&(*id, *at))).or(told.first());
            if let Some((id, at, sheet)) = chosen {
                quoted.insert((*id, *at));
                entry.testimony =
                    sheet.fields.testimonies.get(*at).map(|testimony| (testimony.clone(), reference(sheet)));
            }
            if phases.last().is_none_or(|last| last.phase != phase) {
                phases.push(GuidePhase { phase, success_factors: Vec::new(), pitfalls: Vec::new() });
            }
            if let Some(last) = phases.last_mut() {
                match entry.lesson.fields.polarity {
                    Polarity::SuccessFactor => last.success_factors.push(entry),
                    Polarity::Pitfall | Polarity::FailureFactor => last.pitfalls.push(entry),
                }
            }
        }
        let programme_count = sheets
            .iter()
            .flat_map(|sheet| sheet.fields.programmes.iter().copied())
            .filter(|id| programmes.contains(id))
            .collect::<BTreeSet<_>>()
            .len();
        Ok(Guide { title, indicators: indicators(&sheets), sheets, programme_count, phases })
    }
}

/// Sums the sheets' indicators by name and unit (a sum is absent when no sheet gave a value).
fn indicators(sheets: &[Sheet]) -> Vec<GuideIndicator> {
    let mut sums: BTreeMap<(String, String), GuideIndicator> = BTreeMap::new();
    for sheet in sheets {
        for indicator in &sheet.fields.indicators {
            let name = indicator.name.as_str().to_owned();
            let unit = indicator.unit.as_str().to_owned();
            let sum = sums.entry((name.clone(), unit.clone())).or_insert(GuideIndicator {
                name,
                unit,
                sheets: 0,
                target: None,
                actual: None,
            });
            sum.sheets += 1;
            if let Some(target) = indicator.target {
                sum.target = Some(sum.target.unwrap_or(0.0) + target);
            }
            if let Some(actual) = indicator.actual {
                sum.actual = Some(sum.actual.unwrap_or(0.0) + actual);
            }
        }
    }
    let mut out: Vec<GuideIndicator> = sums.into_values().collect();
    out.sort_by(|a, b| b.sheets.cmp(&a.sheets).then_with(|| a.name.cmp(&b.name)));
    out
}

fn number(value: Option<f64>) -> String {
    match value {
        None => "—".into(),
        Some(value) if value.fract() == 0.0 && value.abs() < 1e15 => format!("{}", value as i64),
        Some(value) => format!("{value:.1}"),
    }
}

/// Escapes what Markdown would read as markup in a line of text.
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '`' | '<' | '>' | '|' | '#') {
            out.push('\\');
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
    out
}

impl Guide {
    /// The guide as Markdown, its links relative to the server's page (`/fiches/…`, `/lecons/…`).
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# {}\n", inline(&self.title));
        let _ = writeln!(
            out,
            "Ce guide est généré par retex à partir de {} publiées dans {}. Chaque leçon indique le nombre de \
             programmes et de fiches qui la montrent.\n",
            plural(self.sheets.len(), "fiche-projet", "fiches-projets"),
            plural(self.programme_count, "programme", "programmes"),
        );
        if self.phases.is_empty() {
            out.push_str("Le réseau n’a pas encore capitalisé de leçon pour ces fiches.\n\n");
        }
        for phase in &self.phases {
            let label = phase.phase.map_or("Toutes les phases", |phase| phase.label());
            let _ = writeln!(out, "## {label}\n");
            for (heading, entries) in
                [("Facteurs clés de succès", &phase.success_factors), ("Écueils à éviter", &phase.pitfalls)]
            {
                if entries.is_empty() {
                    continue;
                }
                let _ = writeln!(out, "### {heading}\n");
                for entry in entries {
                    entry_markdown(&mut out, entry);
                }
            }
        }
        if !self.indicators.is_empty() {
            out.push_str("## Indicateurs des fiches concernées\n\n| Indicateur | Unité | Fiches | Cible | Réalisé |\n|---|---|---:|---:|---:|\n");
            for indicator in &self.indicators {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    inline(&indicator.name),
                    inline(&indicator.unit),
                    indicator.sheets,
                    number(indicator.target),
                    number(indicator.actual)
                );
            }
            out.push('\n');
        }
        if !self.sheets.is_empty() {
            out.push_str("## Fiches concernées\n\n");
            for sheet in &self.sheets {
                let _ = writeln!(
                    out,
                    "- [{}](/fiches/{})",
                    inline(sheet.fields.title.as_str()),
                    sheet.fields.slug.as_str()
                );
            }
        }
        out
    }
}

fn entry_markdown(out: &mut String, entry: &GuideEntry) {
    let lesson = &entry.lesson.fields;
    let _ = writeln!(out, "#### [{}](/lecons/{})\n", inline(lesson.title.as_str()), lesson.slug.as_str());
    let _ = writeln!(
        out,
        "*{} · observée dans {} ({}) · niveau de preuve : {}*\n",
        lesson.polarity.label(),
        plural(entry.programmes, "programme", "programmes"),
        plural(entry.sheets, "fiche", "fiches"),
        lesson.evidence_level.label()
    );
    if !lesson.lesson.as_str().is_empty() {
        let _ = writeln!(out, "{}\n", inline(lesson.lesson.as_str()));
    }
    if !lesson.recommendation.as_str().is_empty() {
        let _ = writeln!(out, "**Recommandation.** {}\n", inline(lesson.recommendation.as_str()));
    }
    if let Some(example) = &entry.example {
        let _ = writeln!(
            out,
            "**Exemple.** [{}](/fiches/{})\n",
            inline(example.fields.title.as_str()),
            example.fields.slug.as_str()
        );
    }
    if let Some((testimony, sheet)) = &entry.testimony {
        let _ = writeln!(
            out,
            "> « {} »\n> — {}, {} ({})\n",
            inline(testimony.quote.as_str()),
            inline(testimony.speaker.as_str()),
            inline(testimony.role.as_str()),
            inline(sheet.fields.title.as_str())
        );
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n <= 1 { format!("{n} {one}") } else { format!("{n} {many}") }
}
