//! How useful advice is, measured by leave-one-out: for every published sheet and every phase it went
//! through, its own lesson links are hidden (advice never counts them), its advice at that phase is
//! asked for, and the lessons it showed at that phase are looked for in the first 5 and 10: hit rate
//! (at least one came back), recall (the share that came back) and MRR (the rank of the first).
//!
//! It runs on the demo data and on a generated base (`corpus`), whose links follow from how its
//! sheets were generated (their activity, territory and story), never from what advice returns.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::generated::Draw;
use crate::app::App;
use crate::domain::advice::MAX_ADVICE_ITEMS;
use crate::domain::{Phase, RecordId, Theme, Viewer, Vocabulary};
use crate::error::Result;

/// The depths the evaluation reads.
pub const SHALLOW: usize = 5;
pub const DEEP: usize = 10;

/// Means over the cases of one phase (or of all, under `None`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AdviceMetrics {
    pub cases: usize,
    /// The lessons advice could offer at the phase (at most 50 counted).
    pub candidates: f64,
    pub hit5: f64,
    pub hit10: f64,
    pub recall5: f64,
    pub recall10: f64,
    /// Mean reciprocal rank of the first hidden lesson (0 when none is in the first 10).
    pub mrr: f64,
}

impl AdviceMetrics {
    fn add(&mut self, ranked: &[i64], hidden: &[i64]) {
        let found = |depth: usize| ranked.iter().take(depth).filter(|id| hidden.contains(id)).count();
        self.cases += 1;
        self.candidates += ranked.len() as f64;
        self.hit5 += f64::from(u8::from(found(SHALLOW) > 0));
        self.hit10 += f64::from(u8::from(found(DEEP) > 0));
        self.recall5 += found(SHALLOW) as f64 / hidden.len().clamp(1, SHALLOW) as f64;
        self.recall10 += found(DEEP) as f64 / hidden.len().clamp(1, DEEP) as f64;
        self.mrr +=
            ranked.iter().take(DEEP).position(|id| hidden.contains(id)).map_or(0.0, |rank| 1.0 / (rank + 1) as f64);
    }

    fn mean(mut self) -> Self {
        let n = self.cases.max(1) as f64;
        for value in [
            &mut self.candidates,
            &mut self.hit5,
            &mut self.hit10,
            &mut self.recall5,
            &mut self.recall10,
            &mut self.mrr,
        ] {
            *value /= n;
        }
        self
    }
}

/// The metrics of advice and of its baseline, per phase and over every case (under `None`).
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    pub advice: BTreeMap<Option<Phase>, AdviceMetrics>,
    /// The same cases ranked by recurrence and evidence alone, blind to the sheet's context.
    pub baseline: BTreeMap<Option<Phase>, AdviceMetrics>,
}

/// Runs the leave-one-out evaluation on the base `app` holds.
pub async fn leave_one_out(app: &App) -> Result<Evaluation> {
    let viewer = Viewer::System { name: "évaluation".into() };
    let mut advice_sums: BTreeMap<Option<Phase>, AdviceMetrics> = BTreeMap::new();
    let mut baseline_sums: BTreeMap<Option<Phase>, AdviceMetrics> = BTreeMap::new();
    let ids =
        |advice: &crate::app::Advice| -> Vec<i64> { advice.items.iter().map(|item| item.lesson.id.get()).collect() };
    for case in app.held_out_cases().await? {
        let hidden: Vec<i64> = case.lessons.iter().map(|id| id.get()).collect();
        let advice = app.sheet_advice(&viewer, case.sheet, Some(case.phase), MAX_ADVICE_ITEMS).await?;
        let baseline = app.context_blind_advice(case.sheet, case.phase, MAX_ADVICE_ITEMS).await?;
        for (sums, ranked) in [(&mut advice_sums, ids(&advice)), (&mut baseline_sums, ids(&baseline))] {
            sums.entry(Some(case.phase)).or_default().add(&ranked, &hidden);
            sums.entry(None).or_default().add(&ranked, &hidden);
        }
    }
    let means = |sums: BTreeMap<Option<Phase>, AdviceMetrics>| {
        sums.into_iter().map(|(phase, sums)| (phase, sums.mean())).collect()
    };
    Ok(Evaluation { advice: means(advice_sums), baseline: means(baseline_sums) })
}

/// The evaluation as a table, one row per phase, all cases last, then the baseline over all cases.
pub fn table(evaluation: &Evaluation) -> String {
    let metrics = &evaluation.advice;
    let mut out = format!(
        "{:<30} {:>6} {:>10} {:>7} {:>7} {:>9} {:>9} {:>6}\n",
        "phase", "cas", "candidates", "hit@5", "hit@10", "rappel@5", "rappel@10", "MRR"
    );
    let all = |metrics: &BTreeMap<Option<Phase>, AdviceMetrics>| metrics.get(&None).copied().unwrap_or_default();
    let rows = metrics
        .iter()
        .filter(|(phase, _)| phase.is_some())
        .map(|(phase, m)| (phase.map_or("", |phase| phase.label()), *m))
        .chain([("toutes", all(metrics)), ("référence : récurrence seule", all(&evaluation.baseline))]);
    for (label, m) in rows {
        out.push_str(&format!(
            "{:<30} {:>6} {:>10.1} {:>7.3} {:>7.3} {:>9.3} {:>9.3} {:>6.3}\n",
            label, m.cases, m.candidates, m.hit5, m.hit10, m.recall5, m.recall10, m.mrr
        ));
    }
    out
}

/// Activities of the generated base: code, what the sheets call it, theme, public.
const ACTIVITIES: &[(&str, &str, Theme, &str)] = &[
    ("SOLIDARITY_GARAGE", "garage solidaire", Theme::Mobility, "JOB_SEEKERS"),
    ("MOBILITY_SERVICE", "service de mobilité", Theme::Mobility, "YOUNG_PEOPLE"),
    ("SOLIDARITY_GROCERY", "épicerie solidaire", Theme::Food, "LOW_INCOME_PEOPLE"),
    ("THIRD_PLACE", "tiers-lieu", Theme::SocialCohesion, "RESIDENTS"),
    ("CONCIERGE_SERVICE", "conciergerie", Theme::LocalServices, "EMPLOYEES"),
    ("CAREGIVER_SUPPORT", "aide aux aidants", Theme::AgeingWell, "CAREGIVERS"),
    ("REPAIR_AND_REUSE", "atelier de réparation", Theme::CircularEconomy, "FAMILIES"),
    ("INTERGENERATIONAL_HOUSING", "habitat intergénérationnel", Theme::Housing, "SENIORS"),
];

/// What made projects work or fail: the subject of a lesson, in the words a sheet's story uses.
const SUBJECTS: &[&str] = &[
    "la mobilisation des élus communautaires",
    "le recrutement des bénévoles",
    "la recherche de locaux adaptés",
    "le modèle économique et la tarification solidaire",
    "le partenariat avec les prescripteurs sociaux",
    "la gouvernance associative du porteur",
    "la communication auprès des habitants",
    "l’évaluation de l’impact social",
    "le financement de l’amorçage",
    "la formation des salariés en insertion",
    "la coopération avec les entreprises locales",
    "le diagnostic partagé des besoins",
];

const TERRITORY_TYPES: &[&str] = &["RURAL", "QPV", "URBAN"];
const POLARITIES: &[&str] = &["SUCCESS_FACTOR", "PITFALL", "FAILURE_FACTOR"];
const PROGRAMMES: &[(&str, &str)] = &[
    ("programme-genere-territoires", "Territoires fragiles (généré)"),
    ("programme-genere-mobilite", "Mobilité (généré)"),
    ("programme-genere-silver", "Silver (généré)"),
    ("programme-genere-catalyseur", "Catalyseur (généré)"),
];

/// The phases a launched project of the generated base went through, in order: every phase of the
/// démarche up to the launch.
fn lived() -> Vec<&'static str> {
    Phase::ALL.iter().filter(|phase| **phase <= Phase::Launch).map(|phase| phase.code()).collect()
}

/// A generated base for the leave-one-out evaluation. Each lesson has a home (an activity and a
/// territory type), a subject and one or two phases; every home has two lessons per pair of phases. Each sheet has an activity, a territory type and
/// a programme, went through every phase up to the launch, and at each phase showed one lesson: most
/// often one of its own home (same activity, same territory type when there is one), sometimes one
/// of its activity elsewhere, sometimes any lesson of the phase; its story tells the subject of about
/// half of what it showed. Deterministic: the same size gives the same base.
pub fn corpus(sheets: usize) -> Value {
    let lived = lived();
    let mut draw = Draw(0x0061_6476_6963_6521);
    let territories: Vec<Value> = TERRITORY_TYPES
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            json!({ "slug": format!("territoire-conseil-{i}"), "name": format!("Territoire {} {}", i + 1, kind.to_lowercase()),
                    "level": "EPCI", "types": [kind] })
        })
        .collect();
    let programmes: Vec<Value> = PROGRAMMES
        .iter()
        .map(|(slug, name)| json!({ "slug": slug, "name": name, "publicationStatus": "PUBLISHED" }))
        .collect();

    // Lessons: for every activity and territory type, two lessons per pair of phases, on two subjects.
    struct Lesson {
        activity: usize,
        territory: usize,
        subject: usize,
        phases: Vec<usize>,
        sheets: Vec<usize>,
    }
    let mut lessons: Vec<Lesson> = Vec::new();
    for activity in 0..ACTIVITIES.len() {
        for territory in 0..TERRITORY_TYPES.len() {
            for first in (0..lived.len()).step_by(2) {
                for _ in 0..2 {
                    let mut phases = vec![first];
                    if first + 1 < lived.len() && draw.chance(50) {
                        phases.push(first + 1);
                    }
                    let subject = draw.below(SUBJECTS.len());
                    lessons.push(Lesson { activity, territory, subject, phases, sheets: Vec::new() });
                }
            }
        }
    }

    let mut sheet_records = Vec::with_capacity(sheets);
    for i in 0..sheets {
        let activity = draw.below(ACTIVITIES.len());
        let territory = draw.below(TERRITORY_TYPES.len());
        let programme = draw.below(PROGRAMMES.len());
        let mut told: Vec<&str> = Vec::new();
        for phase in 0..lived.len() {
            let at_phase = |lesson: &Lesson| lesson.phases.contains(&phase);
            let roll = draw.below(100);
            let pool: Vec<usize> = (0..lessons.len())
                .filter(|l| at_phase(&lessons[*l]))
                .filter(|l| match roll {
                    0..70 => lessons[*l].activity == activity && lessons[*l].territory == territory,
                    70..90 => lessons[*l].activity == activity,
                    _ => true,
                })
                .collect();
            if pool.is_empty() {
                continue;
            }
            let chosen = pool[draw.below(pool.len())];
            if !lessons[chosen].sheets.contains(&i) {
                lessons[chosen].sheets.push(i);
                if draw.chance(50) {
                    told.push(SUBJECTS[lessons[chosen].subject]);
                }
            }
        }
        let (code, name, theme, public) = ACTIVITIES[activity];
        let story = if told.is_empty() {
            "Le projet a suivi la démarche de la Fabrique à initiatives.".to_owned()
        } else {
            format!("Ce qui a compté : {}.", told.join(", "))
        };
        sheet_records.push(json!({
            "slug": format!("fiche-conseil-{i}"),
            "title": format!("Projet {} {}", name, i + 1),
            "summary": format!("Un {name} né d’un besoin repéré avec les acteurs du territoire."),
            "body": story,
            "activityType": code,
            "themes": [theme.code()],
            "targetPublics": [public],
            "status": "LAUNCHED",
            "programmes": [PROGRAMMES[programme].0],
            "territories": [format!("territoire-conseil-{territory}")],
            "phases": lived.iter().map(|phase| json!({ "phase": phase })).collect::<Vec<_>>(),
            "publicationStatus": "PUBLISHED",
        }));
    }
    let lesson_records: Vec<Value> = lessons
        .iter()
        .enumerate()
        .map(|(n, lesson)| {
            let (_, name, theme, _) = ACTIVITIES[lesson.activity];
            let subject = SUBJECTS[lesson.subject];
            json!({
                "slug": format!("lecon-conseil-{n}"),
                "polarity": POLARITIES[n % POLARITIES.len()],
                "title": format!("Soigner {subject}"),
                "lesson": format!("Pour un {name}, {subject} a pesé sur la réussite du projet."),
                "recommendation": format!("Prévoir tôt {subject}."),
                "evidenceLevel": if lesson.sheets.len() > 2 { "SEVERAL_PROJECTS_ONE_PROGRAMME" } else { "ONE_PROJECT" },
                "phases": lesson.phases.iter().map(|phase| lived[*phase]).collect::<Vec<_>>(),
                "themes": [theme.code()],
                "territoryTypes": [TERRITORY_TYPES[lesson.territory]],
                "evidenceLinks": lesson.sheets.iter().map(|i| json!({ "sheet": format!("fiche-conseil-{i}") })).collect::<Vec<_>>(),
                "publicationStatus": "PUBLISHED",
            })
        })
        .collect();
    json!({ "format": "retex-dataset/1", "territories": territories, "programmes": programmes,
            "sheets": sheet_records, "lessons": lesson_records })
}
