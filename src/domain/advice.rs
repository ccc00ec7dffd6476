//! Advice: which published lessons fit a project at a phase of its démarche, and why.
//!
//! The ranking is pure: the use case (`app::advice`) gathers, for each lesson that concerns the
//! phase, what the published sheets it was observed in say of their context (activity, themes,
//! territory types, publics, programmes) and how close their texts are to the project's; `rank`
//! turns that into a score and the reasons behind it, in French.
//!
//! The project's own links never count: the sheets a lesson was observed in are always taken
//! without the project's sheet, so that a lesson is offered for what other projects showed (which is
//! also what the leave-one-out evaluation measures: a sheet's hidden lessons come back or not).

use std::collections::BTreeSet;

use super::{ActivityType, EvidenceLevel, LessonId, Phase, Polarity, ProgrammeId, SheetId, SheetStatus, TargetPublic};
use super::{TerritoryType, Theme, Vocabulary};

/// The longest description advice reads.
pub const MAX_DESCRIPTION_CHARS: usize = 5_000;
/// The most lessons one advice returns.
pub const MAX_ADVICE_ITEMS: usize = 50;

/// Weights of the criteria. A shared activity type or a close text weighs most: they say the
/// projects did the same thing; themes, territories and publics say they served alike; recurrence
/// and evidence lift what the network has seen more often and more surely.
const W_THEME: f64 = 1.0;
const W_MORE_THEMES: f64 = 0.25;
const W_ACTIVITY: f64 = 1.5;
const W_TERRITORY: f64 = 0.75;
const W_PUBLIC: f64 = 0.75;
const W_TEXT: f64 = 2.0;
const W_PROGRAMMES: f64 = 0.4;
const W_SHEETS: f64 = 0.2;
const W_EVIDENCE: f64 = 0.1;
/// The text similarity (0 to 1, relative to the closest text) from which a text is named as a reason.
const TEXT_REASON: f32 = 0.3;

/// The project advice is asked for: a sheet's context, or a project being prepared.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectContext {
    pub themes: Vec<Theme>,
    pub activity_type: Option<ActivityType>,
    pub territory_types: Vec<TerritoryType>,
    pub target_publics: Vec<TargetPublic>,
}

/// Checks a project's description: not blank, at most `MAX_DESCRIPTION_CHARS` characters.
pub fn parse_description(raw: &str) -> Result<String, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err("is empty: describe the project in a few lines".into());
    }
    let chars = text.chars().count();
    if chars > MAX_DESCRIPTION_CHARS {
        return Err(format!("has {chars} characters, at most {MAX_DESCRIPTION_CHARS} are read"));
    }
    Ok(text.to_owned())
}

/// The phase a sheet's status says it is in (`None` for an idea not yet worked on).
fn phase_of_status(status: SheetStatus) -> Option<Phase> {
    match status {
        SheetStatus::Idea | SheetStatus::Abandoned => None,
        SheetStatus::NeedsDetection => Some(Phase::NeedsDetection),
        SheetStatus::OpportunityStudy => Some(Phase::OpportunityStudy),
        SheetStatus::HolderSearch | SheetStatus::HolderFound => Some(Phase::HolderSearch),
        SheetStatus::Launching | SheetStatus::Launched => Some(Phase::Launch),
    }
}

/// The phase a sheet is in: the later of what its status says and the last phase it recorded.
pub fn current_phase(status: SheetStatus, lived: &[Phase]) -> Option<Phase> {
    phase_of_status(status).into_iter().chain(lived.iter().copied()).max()
}

/// The phase after this one in the démarche (consolidation is the last).
pub fn following(phase: Phase) -> Phase {
    let all = Phase::ALL;
    let at = all.iter().position(|candidate| *candidate == phase).unwrap_or(0);
    all[(at + 1).min(all.len() - 1)]
}

/// The phase advice is given for when none is asked: the one after the sheet's current phase.
pub fn next_phase(status: SheetStatus, lived: &[Phase]) -> Phase {
    current_phase(status, lived).map_or(Phase::NeedsDetection, following)
}

/// The phases of a checklist: from `start` to the launch (or consolidation alone, from it).
pub fn checklist_phases(start: Phase) -> Vec<Phase> {
    let phases: Vec<Phase> =
        Phase::ALL.iter().copied().filter(|phase| *phase >= start && *phase <= Phase::Launch).collect();
    if phases.is_empty() { vec![start] } else { phases }
}

/// What a published sheet that observed a lesson says of its context.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub sheet: SheetId,
    pub title: String,
    pub activity_type: ActivityType,
    pub themes: Vec<Theme>,
    pub territory_types: Vec<TerritoryType>,
    pub target_publics: Vec<TargetPublic>,
    /// Its published programmes.
    pub programmes: Vec<ProgrammeId>,
    /// How close its text is to the project's, from 0 to 1 (1: the closest sheet).
    pub similarity: f32,
}

/// A published lesson that concerns the phase, with the sheets it was observed in (the project's
/// own sheet left out).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub lesson: LessonId,
    pub polarity: Polarity,
    pub evidence_level: EvidenceLevel,
    pub themes: Vec<Theme>,
    pub territory_types: Vec<TerritoryType>,
    pub observed: Vec<Observation>,
    /// How close the lesson's own text is to the project's, from 0 to 1.
    pub similarity: f32,
}

/// Why a lesson was offered.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    Phase(Phase),
    Theme(Theme),
    ActivityType {
        activity: ActivityType,
        sheets: usize,
    },
    TerritoryType(TerritoryType),
    TargetPublic(TargetPublic),
    /// A sheet where the lesson was observed reads like the project.
    SimilarSheet {
        title: String,
    },
    /// The lesson's own text reads like the project's.
    SimilarText,
    Recurrence {
        programmes: usize,
        sheets: usize,
    },
    EvidenceLevel(EvidenceLevel),
}

/// The criteria reasons fall under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Criterion {
    Phase,
    Theme,
    ActivityType,
    TerritoryType,
    TargetPublic,
    SimilarText,
    Recurrence,
    EvidenceLevel,
}

impl Reason {
    pub fn criterion(&self) -> Criterion {
        match self {
            Reason::Phase(_) => Criterion::Phase,
            Reason::Theme(_) => Criterion::Theme,
            Reason::ActivityType { .. } => Criterion::ActivityType,
            Reason::TerritoryType(_) => Criterion::TerritoryType,
            Reason::TargetPublic(_) => Criterion::TargetPublic,
            Reason::SimilarSheet { .. } | Reason::SimilarText => Criterion::SimilarText,
            Reason::Recurrence { .. } => Criterion::Recurrence,
            Reason::EvidenceLevel(_) => Criterion::EvidenceLevel,
        }
    }

    /// The reason in French, as a reader sees it.
    pub fn label(&self) -> String {
        match self {
            Reason::Phase(phase) => format!("Concerne l’étape : {}", phase.label()),
            Reason::Theme(theme) => format!("Même thème : {}", theme.label()),
            Reason::ActivityType { activity, sheets } => {
                format!("Même type d’activité : {} ({})", activity.label(), plural(*sheets, "fiche", "fiches"))
            }
            Reason::TerritoryType(kind) => format!("Même type de territoire : {}", kind.label()),
            Reason::TargetPublic(public) => format!("Même public : {}", public.label()),
            Reason::SimilarSheet { title } => format!("Proche de la fiche « {title} »"),
            Reason::SimilarText => "Proche de la description du projet".into(),
            Reason::Recurrence { programmes, sheets } => format!(
                "Observée dans {} ({})",
                plural(*programmes, "programme", "programmes"),
                plural(*sheets, "fiche", "fiches")
            ),
            Reason::EvidenceLevel(level) => format!("Niveau de preuve : {}", level.label()),
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n <= 1 { format!("{n} {one}") } else { format!("{n} {many}") }
}

/// A lesson offered, its score and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub lesson: LessonId,
    pub polarity: Polarity,
    pub score: f64,
    pub reasons: Vec<Reason>,
    /// Distinct published programmes of the sheets it was observed in (the project's left out).
    pub programmes: usize,
    /// Distinct published sheets it was observed in (the project's left out).
    pub sheets: usize,
}

fn shared<T: Copy + Ord>(wanted: &[T], offered: impl IntoIterator<Item = T>) -> Vec<T> {
    let offered: BTreeSet<T> = offered.into_iter().collect();
    let mut out: Vec<T> = wanted.iter().copied().filter(|value| offered.contains(value)).collect();
    out.dedup();
    out
}

fn evidence_rank(level: EvidenceLevel) -> f64 {
    EvidenceLevel::ALL.iter().position(|candidate| *candidate == level).unwrap_or(0) as f64
}

/// Scores one lesson for a project at a phase.
pub fn score(context: &ProjectContext, phase: Phase, candidate: &Candidate) -> Ranked {
    let mut score = 0.0;
    let mut reasons = vec![Reason::Phase(phase)];
    let observed = &candidate.observed;

    let themes = shared(
        &context.themes,
        candidate.themes.iter().copied().chain(observed.iter().flat_map(|o| o.themes.iter().copied())),
    );
    if !themes.is_empty() {
        score += W_THEME + W_MORE_THEMES * (themes.len() - 1).min(2) as f64;
        reasons.extend(themes.into_iter().map(Reason::Theme));
    }
    if let Some(activity) = context.activity_type {
        let sheets = observed.iter().filter(|o| o.activity_type == activity).count();
        if sheets > 0 {
            score += W_ACTIVITY;
            reasons.push(Reason::ActivityType { activity, sheets });
        }
    }
    let territories = shared(
        &context.territory_types,
        candidate
            .territory_types
            .iter()
            .copied()
            .chain(observed.iter().flat_map(|o| o.territory_types.iter().copied())),
    );
    if !territories.is_empty() {
        score += W_TERRITORY;
        reasons.extend(territories.into_iter().map(Reason::TerritoryType));
    }
    let publics = shared(&context.target_publics, observed.iter().flat_map(|o| o.target_publics.iter().copied()));
    if !publics.is_empty() {
        score += W_PUBLIC;
        reasons.extend(publics.into_iter().map(Reason::TargetPublic));
    }

    let closest = observed.iter().max_by(|a, b| a.similarity.total_cmp(&b.similarity));
    let sheet_similarity = closest.map_or(0.0, |o| o.similarity);
    score += W_TEXT * f64::from(sheet_similarity.max(candidate.similarity).clamp(0.0, 1.0));
    if let Some(closest) = closest.filter(|o| o.similarity >= TEXT_REASON && o.similarity >= candidate.similarity) {
        reasons.push(Reason::SimilarSheet { title: closest.title.clone() });
    } else if candidate.similarity >= TEXT_REASON {
        reasons.push(Reason::SimilarText);
    }

    let programmes: BTreeSet<ProgrammeId> = observed.iter().flat_map(|o| o.programmes.iter().copied()).collect();
    let sheets: BTreeSet<SheetId> = observed.iter().map(|o| o.sheet).collect();
    score += W_PROGRAMMES * (1.0 + programmes.len() as f64).ln() + W_SHEETS * (1.0 + sheets.len() as f64).ln();
    if !sheets.is_empty() {
        reasons.push(Reason::Recurrence { programmes: programmes.len(), sheets: sheets.len() });
    }
    score += W_EVIDENCE * evidence_rank(candidate.evidence_level);
    if candidate.evidence_level >= EvidenceLevel::SeveralProjectsOneProgramme {
        reasons.push(Reason::EvidenceLevel(candidate.evidence_level));
    }
    Ranked {
        lesson: candidate.lesson,
        polarity: candidate.polarity,
        score,
        reasons,
        programmes: programmes.len(),
        sheets: sheets.len(),
    }
}

/// Ranks lessons for a project at a phase: best fit first, ties broken by the lesson's id (the
/// oldest first), so that the same base always gives the same advice.
pub fn rank(context: &ProjectContext, phase: Phase, candidates: &[Candidate]) -> Vec<Ranked> {
    let mut ranked: Vec<Ranked> = candidates.iter().map(|candidate| score(context, phase, candidate)).collect();
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.lesson.0.cmp(&b.lesson.0)));
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observation(sheet: i64, activity: ActivityType, similarity: f32) -> Observation {
        Observation {
            sheet: SheetId(sheet),
            title: format!("Fiche {sheet}"),
            activity_type: activity,
            themes: vec![Theme::Mobility],
            territory_types: vec![TerritoryType::Rural],
            target_publics: vec![TargetPublic::JobSeekers],
            programmes: vec![ProgrammeId(sheet % 2)],
            similarity,
        }
    }

    fn candidate(lesson: i64, observed: Vec<Observation>) -> Candidate {
        Candidate {
            lesson: LessonId(lesson),
            polarity: Polarity::SuccessFactor,
            evidence_level: EvidenceLevel::OneProject,
            themes: Vec::new(),
            territory_types: Vec::new(),
            observed,
            similarity: 0.0,
        }
    }

    #[test]
    fn a_lesson_seen_in_projects_like_this_one_comes_first_and_says_why() {
        let context = ProjectContext {
            themes: vec![Theme::Mobility],
            activity_type: Some(ActivityType::SolidarityGarage),
            territory_types: vec![TerritoryType::Rural],
            target_publics: vec![TargetPublic::JobSeekers],
        };
        let alike = candidate(2, vec![observation(10, ActivityType::SolidarityGarage, 0.9)]);
        let other = candidate(1, vec![observation(11, ActivityType::ThirdPlace, 0.1)]);
        let ranked = rank(&context, Phase::Launch, &[other, alike]);
        assert_eq!(ranked[0].lesson, LessonId(2));
        let labels: Vec<String> = ranked[0].reasons.iter().map(Reason::label).collect();
        assert!(labels.contains(&"Même type d’activité : Garage solidaire (1 fiche)".to_owned()), "{labels:?}");
        assert!(labels.contains(&"Proche de la fiche « Fiche 10 »".to_owned()), "{labels:?}");
        assert!(labels.contains(&"Concerne l’étape : Lancement".to_owned()), "{labels:?}");
        assert!(!ranked[1].reasons.iter().any(|reason| reason.criterion() == Criterion::ActivityType));
    }

    #[test]
    fn recurrence_across_programmes_lifts_a_lesson_when_the_fit_is_equal() {
        let context = ProjectContext::default();
        let once = candidate(1, vec![observation(10, ActivityType::Other, 0.0)]);
        let twice =
            candidate(2, vec![observation(10, ActivityType::Other, 0.0), observation(11, ActivityType::Other, 0.0)]);
        let ranked = rank(&context, Phase::Launch, &[once, twice]);
        assert_eq!(ranked[0].lesson, LessonId(2));
        assert_eq!((ranked[0].programmes, ranked[0].sheets), (2, 2));
        assert_eq!(
            ranked[0].reasons.last().map(Reason::label).as_deref(),
            Some("Observée dans 2 programmes (2 fiches)")
        );
    }

    #[test]
    fn the_next_phase_follows_the_status_and_the_phases_lived() {
        assert_eq!(next_phase(SheetStatus::Idea, &[]), Phase::NeedsDetection);
        assert_eq!(next_phase(SheetStatus::OpportunityStudy, &[]), Phase::ProjectGroup);
        assert_eq!(next_phase(SheetStatus::OpportunityStudy, &[Phase::HolderSearch]), Phase::FeasibilityStudy);
        assert_eq!(next_phase(SheetStatus::Launched, &[]), Phase::Consolidation);
        assert_eq!(next_phase(SheetStatus::Abandoned, &[Phase::Ideation]), Phase::OpportunityStudy);
        assert_eq!(checklist_phases(Phase::NeedsDetection).len(), 7);
        assert_eq!(checklist_phases(Phase::Consolidation), vec![Phase::Consolidation]);
    }

    #[test]
    fn a_description_is_neither_blank_nor_oversized() {
        assert!(parse_description("  \n ").is_err());
        assert!(parse_description(&"é".repeat(MAX_DESCRIPTION_CHARS + 1)).is_err());
        assert_eq!(parse_description(" Un garage solidaire ").as_deref(), Ok("Un garage solidaire"));
    }
}
