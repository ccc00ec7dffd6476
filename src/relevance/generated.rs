//! A generated corpus and its judged queries: sheets and lessons spread over territories of real
//! departments, activities, themes and publics, whose text says its publics in one of several
//! synonyms. The judgements follow from how each record was generated (its theme, its place, the
//! words it was written with), never from what search returns. Deterministic: the same size gives
//! the same corpus and the same judgements.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Judged, Suite};
use crate::domain::{DEPARTMENTS, Department, Region, Theme, Vocabulary};

/// A small deterministic generator (SplitMix64), so that the corpus never depends on a library's
/// sequence.
pub(super) struct Draw(pub(super) u64);

impl Draw {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0).
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True `percent` times in a hundred.
    pub(super) fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// An activity: its code, the words of its title, its theme, the public it serves.
struct Activity {
    code: &'static str,
    title: &'static str,
    plural: &'static str,
    theme: Theme,
    public: usize,
}

const ACTIVITIES: &[Activity] = &[
    Activity {
        code: "SOLIDARITY_GARAGE",
        title: "Garage solidaire",
        plural: "garages solidaires",
        theme: Theme::Mobility,
        public: 1,
    },
    Activity {
        code: "MOBILITY_SERVICE",
        title: "Service de mobilité",
        plural: "services de mobilité",
        theme: Theme::Mobility,
        public: 1,
    },
    Activity {
        code: "SOLIDARITY_GROCERY",
        title: "Épicerie solidaire",
        plural: "épiceries solidaires",
        theme: Theme::Food,
        public: 2,
    },
    Activity {
        code: "CAREGIVER_SUPPORT",
        title: "Plateforme d’aide aux aidants",
        plural: "plateformes d’aide aux aidants",
        theme: Theme::AgeingWell,
        public: 0,
    },
    Activity {
        code: "INTERGENERATIONAL_HOUSING",
        title: "Habitat intergénérationnel",
        plural: "habitats intergénérationnels",
        theme: Theme::Housing,
        public: 0,
    },
    Activity {
        code: "THIRD_PLACE",
        title: "Tiers-lieu culturel",
        plural: "tiers-lieux culturels",
        theme: Theme::Culture,
        public: 3,
    },
    Activity {
        code: "REPAIR_AND_REUSE",
        title: "Ressourcerie",
        plural: "ressourceries",
        theme: Theme::CircularEconomy,
        public: 2,
    },
    Activity {
        code: "CONCIERGE_SERVICE",
        title: "Conciergerie de territoire",
        plural: "conciergeries de territoire",
        theme: Theme::LocalServices,
        public: 0,
    },
];

/// Publics, each said in several synonyms of the shipped thesaurus; a sheet says its public in one.
const PUBLICS: &[(&str, &[&str])] = &[
    ("SENIORS", &["seniors", "aînés", "personnes âgées", "retraités"]),
    ("JOB_SEEKERS", &["demandeurs d’emploi", "chômeurs", "personnes privées d’emploi"]),
    ("LOW_INCOME_PEOPLE", &["personnes à faibles revenus", "ménages modestes", "foyers précaires"]),
    ("YOUNG_PEOPLE", &["jeunes", "jeunesse"]),
];

/// Names of invented territories: none names its department, which search knows from its code.
const PLACES: &[&str] = &[
    "Val des Aulnes",
    "Pays des Trois Rivières",
    "Haute Vallée du Lys",
    "Plateau des Genêts",
    "Bocage du Couesnon",
    "Coteaux de la Sèvre",
    "Marches du Sud",
    "Pays d’Entre-Deux-Monts",
    "Vallée de l’Orbiel",
    "Causses et Gorges",
    "Monts du Lévezou",
    "Pays des Étangs",
    "Rives de l’Ouche",
    "Pays de la Bresle",
    "Landes de Lanvaux",
    "Terres de Brenne",
    "Quartier des Tilleuls",
    "Quartier du Grand Pré",
    "Cité des Peupliers",
    "Quartier Bellevue",
];

/// The lessons' polarities, each with the words of its question.
const POLARITIES: &[(&str, &str)] =
    &[("SUCCESS_FACTOR", "facteurs de succès"), ("PITFALL", "écueils"), ("FAILURE_FACTOR", "facteurs d’échec")];

struct Place {
    slug: String,
    department: &'static Department,
    rural: bool,
}

struct Generated {
    slug: String,
    activity: usize,
    place: usize,
    public: usize,
    word: &'static str,
}

/// The generated corpus (a `retex-dataset/1` document) and its suite, for `sheets` sheets.
pub fn corpus(sheets: usize) -> (Value, Suite) {
    let mut draw = Draw(0x0072_6574_6578);
    let places: Vec<Place> = PLACES
        .iter()
        .enumerate()
        .map(|(i, _)| Place {
            slug: format!("territoire-genere-{i}"),
            department: &DEPARTMENTS[(i * 7 + 3) % DEPARTMENTS.len()],
            rural: i < 16,
        })
        .collect();
    let territories: Vec<Value> = places
        .iter()
        .zip(PLACES)
        .map(|(place, name)| {
            json!({ "slug": place.slug, "name": name, "level": "EPCI", "code": place.department.code,
                    "region": place.department.region.code(), "types": [if place.rural { "RURAL" } else { "QPV" }] })
        })
        .collect();
    let generated: Vec<Generated> = (0..sheets)
        .map(|i| {
            let activity = (draw.next() % ACTIVITIES.len() as u64) as usize;
            let public = ACTIVITIES[activity].public;
            Generated {
                slug: format!("fiche-generee-{i}"),
                activity,
                place: (draw.next() % places.len() as u64) as usize,
                public,
                word: draw.pick::<&str>(PUBLICS[public].1),
            }
        })
        .collect();
    let sheet_records: Vec<Value> = generated
        .iter()
        .map(|sheet| {
            let activity = &ACTIVITIES[sheet.activity];
            let name = PLACES[sheet.place];
            json!({
                "slug": sheet.slug,
                "title": format!("{} — {}", activity.title, name),
                "summary": format!("Un projet né d’un besoin repéré avec les acteurs du territoire {name}, pour les {}.", sheet.word),
                "body": format!("Le groupe-projet a réuni élus, associations et habitants. L’activité répond aux difficultés des {} \
                                 et s’appuie sur des bénévoles et des salariés en insertion.", sheet.word),
                "activityType": activity.code,
                "themes": [activity.theme.code()],
                "targetPublics": [PUBLICS[sheet.public].0],
                "status": "LAUNCHED",
                "territories": [places[sheet.place].slug],
                "publicationStatus": "PUBLISHED",
            })
        })
        .collect();
    // Lessons: each observed in three sheets of one activity, with one polarity.
    let mut lessons = Vec::new();
    let mut lesson_facts: Vec<(String, usize, usize, Vec<usize>)> = Vec::new();
    for (n, chunk) in (0..generated.len()).collect::<Vec<_>>().chunks(5).enumerate() {
        let first = &generated[chunk[0]];
        let polarity = n % POLARITIES.len();
        let observed: Vec<usize> =
            chunk.iter().copied().filter(|i| generated[*i].activity == first.activity).take(3).collect();
        let slug = format!("lecon-generee-{n}");
        lessons.push(json!({
            "slug": slug,
            "polarity": POLARITIES[polarity].0,
            "title": format!("Leçon {n} : prendre le temps de la concertation locale"),
            "lesson": "Associer les partenaires dès le départ évite de reprendre le projet plus tard.",
            "evidenceLevel": "ONE_PROJECT",
            "themes": [ACTIVITIES[first.activity].theme.code()],
            "evidenceLinks": observed.iter().map(|i| json!({ "sheet": generated[*i].slug })).collect::<Vec<_>>(),
        }));
        lesson_facts.push((slug, first.activity, polarity, observed));
    }
    let dataset =
        json!({ "format": "retex-dataset/1", "territories": territories, "sheets": sheet_records, "lessons": lessons });
    (dataset, suite(&generated, &places, &lesson_facts))
}

fn judged(id: String, category: &str, query: String, relevant: BTreeMap<String, u8>, why: String) -> Option<Judged> {
    (!relevant.is_empty()).then(|| Judged { id, category: category.to_owned(), query, relevant, why })
}

fn sheets_where(generated: &[Generated], keep: impl Fn(&Generated) -> bool) -> BTreeMap<String, u8> {
    generated.iter().filter(|sheet| keep(sheet)).map(|sheet| (format!("sheet/{}", sheet.slug), 2)).collect()
}

// Long by nature: one block per category of judged queries, each saying how its judgements follow.
fn suite(generated: &[Generated], places: &[Place], lessons: &[(String, usize, usize, Vec<usize>)]) -> Suite {
    let mut queries: Vec<Option<Judged>> = Vec::new();
    // Vocabulary: a theme's label finds every sheet of that theme.
    for theme in [
        Theme::Mobility,
        Theme::Food,
        Theme::AgeingWell,
        Theme::Housing,
        Theme::Culture,
        Theme::CircularEconomy,
        Theme::LocalServices,
    ] {
        let relevant = sheets_where(generated, |sheet| ACTIVITIES[sheet.activity].theme == theme);
        queries.push(judged(
            format!("gen-theme-{}", theme.code()),
            "vocabulary",
            theme.label().to_lowercase(),
            relevant,
            "the sheets of the theme".into(),
        ));
    }
    // Places: a department's or a region's name finds the sheets of its territories.
    let mut seen = std::collections::BTreeSet::new();
    for place in places.iter().filter(|place| seen.insert(place.department.code)).take(8) {
        let department = place.department;
        let relevant = sheets_where(generated, |sheet| places[sheet.place].department.code == department.code);
        queries.push(judged(
            format!("gen-dep-{}", department.code),
            "places",
            department.name.to_owned(),
            relevant,
            "the sheets of territories in the department".into(),
        ));
    }
    let regions: std::collections::BTreeSet<Region> = places.iter().map(|place| place.department.region).collect();
    for region in regions.into_iter().take(6) {
        let relevant = sheets_where(generated, |sheet| places[sheet.place].department.region == region);
        queries.push(judged(
            format!("gen-region-{}", region.code()),
            "places",
            region.label().to_owned(),
            relevant,
            "the sheets of territories in the region".into(),
        ));
    }
    // Synonyms: each way of saying a public finds the sheets that say it in any of its synonyms.
    for (code, words) in PUBLICS {
        for word in words.iter() {
            let relevant = sheets_where(generated, |sheet| PUBLICS[sheet.public].0 == *code);
            queries.push(judged(
                format!("gen-public-{}", crate::domain::fold(word).replace(' ', "-")),
                "synonyms",
                (*word).to_owned(),
                relevant,
                "sheets saying this public in a synonym".into(),
            ));
        }
    }
    // Morphology: an activity in the plural finds its sheets, titled in the singular.
    for (i, activity) in ACTIVITIES.iter().enumerate() {
        let relevant = sheets_where(generated, |sheet| sheet.activity == i);
        queries.push(judged(
            format!("gen-plural-{}", activity.code),
            "morphology",
            activity.plural.to_owned(),
            relevant,
            "the sheets of the activity".into(),
        ));
    }
    // Mixed: an activity and a kind of territory.
    for (i, activity) in ACTIVITIES.iter().enumerate().take(4) {
        let relevant = sheets_where(generated, |sheet| sheet.activity == i && places[sheet.place].rural);
        queries.push(judged(
            format!("gen-rural-{}", activity.code),
            "mixed",
            format!("{} en milieu rural", activity.title.to_lowercase()),
            relevant,
            "the activity's sheets in rural territories".into(),
        ));
    }
    // Lessons: a polarity and a theme find the lessons with both.
    for theme in [Theme::Mobility, Theme::Food, Theme::AgeingWell, Theme::Culture] {
        for (p, (_, words)) in POLARITIES.iter().enumerate() {
            let relevant: BTreeMap<String, u8> = lessons
                .iter()
                .filter(|(_, activity, polarity, observed)| {
                    *polarity == p && ACTIVITIES[*activity].theme == theme && !observed.is_empty()
                })
                .map(|(slug, ..)| (format!("lesson/{slug}"), 2))
                .collect();
            queries.push(judged(
                format!("gen-lesson-{}-{p}", theme.code()),
                "lessons",
                format!("{words} {}", theme.label().to_lowercase()),
                relevant,
                "lessons of the polarity and theme".into(),
            ));
        }
    }
    Suite {
        format: super::FORMAT.to_owned(),
        corpus: "generated".to_owned(),
        queries: queries.into_iter().flatten().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_corpus_and_its_judgements_are_the_same_every_time() {
        let (first, suite) = corpus(200);
        let (again, _) = corpus(200);
        assert_eq!(first, again);
        assert!(suite.queries.len() >= 50, "{} queries", suite.queries.len());
        let slugs: std::collections::BTreeSet<String> = first["sheets"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(first["lessons"].as_array().into_iter().flatten())
            .filter_map(|record| record["slug"].as_str().map(str::to_owned))
            .collect();
        for query in &suite.queries {
            for key in query.relevant.keys() {
                let slug = key.split_once('/').map_or("", |(_, slug)| slug);
                assert!(slugs.contains(slug), "{} judges an unknown record {key}", query.id);
            }
        }
    }
}
