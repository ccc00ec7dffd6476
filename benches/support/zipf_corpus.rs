//! A realistic French corpus for the search benchmark: project sheets and lessons whose text follows
//! the word frequencies of real French (wordfreq's 30,000 most frequent words, stop words included,
//! `benches/data/french-words.tsv`), mixed with the vocabulary of each sheet's activity and with the
//! expressions of the domain at graded rates (« porteur de projet » in most sheets, « étude
//! d’opportunité » in half, « économie sociale et solidaire » in a third…). Deterministic for a seed.
//!
//! Included from a bench with `#[path = "support/zipf_corpus.rs"] mod zipf_corpus;`.

use std::sync::OnceLock;

use retex::dataset::{Dataset, LessonRecord, OrganisationRecord, ProgrammeRecord, SheetRecord, TerritoryRecord};
use serde_json::{Value, json};

/// `word<TAB>frequency`, most frequent first (see `benches/data/README.md`).
const WORDS: &str = include_str!("../data/french-words.tsv");

use crate::seeded::Seeded;

/// The word list with a cumulative table of integer weights (frequency × 10⁹), sampled by binary search.
struct Lexicon {
    words: Vec<&'static str>,
    cumulative: Vec<u64>,
    total: u64,
}

impl Lexicon {
    fn get() -> &'static Lexicon {
        static LEXICON: OnceLock<Lexicon> = OnceLock::new();
        LEXICON.get_or_init(|| {
            let (mut words, mut cumulative, mut total) = (Vec::new(), Vec::new(), 0u64);
            for line in WORDS.lines().filter(|line| !line.is_empty()) {
                let (word, frequency) = line.split_once('\t').expect("french-words.tsv: word<TAB>frequency lines");
                let frequency: f64 = frequency.parse().expect("french-words.tsv: a decimal frequency");
                total += ((frequency * 1e9).round() as u64).max(1);
                words.push(word);
                cumulative.push(total);
            }
            assert!(!words.is_empty(), "french-words.tsv is empty");
            Lexicon { words, cumulative, total }
        })
    }

    /// One word, drawn with its frequency in French.
    fn word(&self, rng: &mut Seeded) -> &'static str {
        let drawn = rng.next() % self.total;
        self.words[self.cumulative.partition_point(|&c| c <= drawn)]
    }
}

/// What the word list splits off an elided word (« l’épicerie » → `l`), with its full form: written
/// `l’` before a vowel or an h, `le` elsewhere.
#[rustfmt::skip]
const ELISIONS: &[(&str, &str)] = &[
    ("l", "le"), ("d", "de"), ("j", "je"), ("m", "me"), ("n", "ne"), ("s", "se"), ("t", "te"), ("c", "ce"),
    ("qu", "que"), ("jusqu", "jusque"), ("lorsqu", "lorsque"), ("puisqu", "puisque"), ("quoiqu", "quoique"),
    ("presqu", "presque"),
];

/// The letters before which an elided word is written `l’`, not `le`.
const BEFORE_ELISION: [char; 14] = ['a', 'à', 'â', 'e', 'é', 'è', 'ê', 'i', 'î', 'o', 'ô', 'u', 'h', 'y'];

/// An activity: its code, title labels, themes (most relevant first), the programme most of its
/// sheets belong to, and its own vocabulary (the first phrase names it).
struct Activity {
    code: &'static str,
    labels: &'static [&'static str],
    themes: &'static [&'static str],
    programme: usize,
    words: &'static [&'static str],
}

#[rustfmt::skip]
const ACTIVITIES: &[Activity] = &[
    Activity { code: "SOLIDARITY_GARAGE", labels: &["Garage solidaire", "Garage associatif"],
        themes: &["MOBILITY", "EMPLOYMENT"], programme: 1,
        words: &["le garage solidaire", "les garages solidaires", "la réparation des véhicules",
            "le mécanicien encadrant", "la location de voitures à petit prix", "le contrôle technique",
            "les pièces de réemploi"] },
    Activity { code: "SOLIDARITY_GROCERY", labels: &["Épicerie solidaire", "Épicerie sociale"],
        themes: &["FOOD", "SOCIAL_COHESION"], programme: 6,
        words: &["l’épicerie solidaire", "les épiceries solidaires", "les produits frais", "l’aide alimentaire",
            "les bénéficiaires orientés par les travailleurs sociaux", "un magasin de proximité"] },
    Activity { code: "THIRD_PLACE", labels: &["Tiers-lieu", "Tiers-lieu culturel"],
        themes: &["CULTURE", "SOCIAL_COHESION"], programme: 5,
        words: &["le tiers-lieu", "les tiers-lieux", "les ateliers partagés", "la programmation culturelle",
            "l’espace de coworking", "le café associatif"] },
    Activity { code: "CONCIERGE_SERVICE", labels: &["Conciergerie solidaire", "Conciergerie de territoire"],
        themes: &["LOCAL_SERVICES", "EMPLOYMENT"], programme: 2,
        words: &["la conciergerie solidaire", "les conciergeries d’entreprise", "les petits services du quotidien",
            "le dépôt de colis", "les entreprises de la zone d’activités"] },
    Activity { code: "MOBILITY_SERVICE", labels: &["Plateforme de mobilité", "Service de mobilité solidaire"],
        themes: &["MOBILITY", "EMPLOYMENT"], programme: 4,
        words: &["la plateforme de mobilité", "le transport à la demande", "le prêt de véhicules",
            "le conseil en mobilité", "les déplacements vers l’emploi"] },
    Activity { code: "MOBILITY_SERVICE", labels: &["Auto-école sociale"],
        themes: &["MOBILITY", "EMPLOYMENT"], programme: 4,
        words: &["l’auto-école sociale", "le permis de conduire", "les moniteurs", "le code de la route",
            "la mobilité des jeunes"] },
    Activity { code: "INTERGENERATIONAL_HOUSING",
        labels: &["Habitat intergénérationnel", "Colocation intergénérationnelle"],
        themes: &["HOUSING", "AGEING_WELL"], programme: 7,
        words: &["l’habitat intergénérationnel", "la cohabitation entre générations", "les logements adaptés",
            "la colocation solidaire", "le bailleur social", "les seniors isolés"] },
    Activity { code: "CAREGIVER_SUPPORT", labels: &["Plateforme d’aide aux aidants", "Aide aux aidants"],
        themes: &["AGEING_WELL", "SOCIAL_COHESION"], programme: 3,
        words: &["l’aide aux aidants", "les aidants familiaux", "le répit des aidants", "les groupes de parole",
            "l’accueil de jour"] },
    Activity { code: "FOOD_SUPPLY_PLATFORM", labels: &["Plateforme de circuits courts", "Circuits courts alimentaires"],
        themes: &["FOOD", "LOCAL_SERVICES"], programme: 6,
        words: &["les circuits courts", "les producteurs locaux", "la vente directe", "la plateforme logistique",
            "la restauration collective"] },
    Activity { code: "REPAIR_AND_REUSE", labels: &["Ressourcerie", "Recyclerie solidaire"],
        themes: &["SOCIAL_COHESION", "EMPLOYMENT"], programme: 10,
        words: &["la ressourcerie", "le réemploi", "la collecte des objets", "la boutique solidaire",
            "la valorisation des déchets"] },
    Activity { code: "EMPLOYMENT_SERVICE", labels: &["Cabinet pour l’emploi des seniors", "Emploi des seniors"],
        themes: &["EMPLOYMENT", "AGEING_WELL"], programme: 8,
        words: &["l’emploi des seniors", "le cabinet de recrutement", "les compétences des seniors",
            "le retour à l’emploi", "les entreprises du bassin d’emploi"] },
    Activity { code: "MICRO_SERVICES", labels: &["Micro-services à domicile", "Services de proximité"],
        themes: &["LOCAL_SERVICES", "AGEING_WELL"], programme: 0,
        words: &["les micro-services", "les petits travaux à domicile", "le portage de repas",
            "la livraison de courses", "le jardinage"] },
];

/// Expressions of the domain, with the share of sheet bodies that use them (per mille) and their forms.
#[rustfmt::skip]
const EXPRESSIONS: &[(usize, &[&str])] = &[
    (800, &["le porteur de projet", "les porteurs de projet", "un porteur de projet", "du porteur de projet",
        "la porteuse de projet", "des porteurs de projets"]),
    (500, &["l’étude d’opportunité", "une étude d’opportunité", "les études d’opportunité", "d’étude d’opportunité"]),
    (350, &["le plan de financement", "les financements publics", "la recherche de financements",
        "pour financer le lancement"]),
    (330, &["l’économie sociale et solidaire", "les acteurs de l’économie sociale et solidaire",
        "une entreprise de l’économie sociale et solidaire"]),
    (300, &["le modèle économique", "un modèle économique hybride"]),
    (300, &["les élus locaux", "l’élu référent", "mobiliser les élus", "les élus de la communauté de communes"]),
    (250, &["la Fabrique à initiatives", "les Fabriques à initiatives", "l’équipe de la Fabrique à initiatives"]),
    (250, &["l’insertion professionnelle", "une structure d’insertion", "les parcours d’insertion"]),
    (250, &["le diagnostic de territoire", "un diagnostic partagé"]),
    (200, &["le quartier prioritaire", "les quartiers prioritaires",
        "un quartier prioritaire de la politique de la ville"]),
    (200, &["en zone rurale", "les zones rurales", "une zone rurale isolée", "en milieu rural"]),
    (200, &["les collectivités locales", "une collectivité locale", "le soutien des collectivités locales"]),
    (200, &["le groupe-projet", "les groupes-projets", "une réunion du groupe-projet"]),
    (200, &["la mobilité", "les solutions de mobilité", "la mobilité des publics fragiles"]),
    (200, &["une subvention de fonctionnement", "les subventions publiques"]),
    (200, &["les bénévoles", "une équipe de bénévoles"]),
    (200, &["les habitants du territoire", "la participation des habitants"]),
    (150, &["le lien social", "recréer du lien social"]),
    (150, &["le comité de pilotage", "la gouvernance du projet"]),
    (120, &["en secteur périurbain", "les communes périurbaines"]),
    (100, &["les salariés en insertion", "l’équipe salariée"]),
    (30, &["le changement d’échelle"]),
    (20, &["l’essaimage du projet", "un essaimage"]),
    (5, &["le dispositif local d’accompagnement"]),
];

/// Places: region, territory type, and how a title says it (the territory's name follows its preposition).
#[rustfmt::skip]
const PLACES: &[(&str, &str, &str)] = &[
    ("BRETAGNE", "METROPOLE", "à Rennes"), ("BRETAGNE", "URBAN", "à Brest"), ("BRETAGNE", "RURAL", "à Retiers"),
    ("BRETAGNE", "RURAL", "dans le Morbihan"), ("BRETAGNE", "QPV", "dans le quartier de Maurepas"),
    ("BRETAGNE", "URBAN", "à Vannes"), ("NORMANDIE", "METROPOLE", "à Rouen"), ("NORMANDIE", "RURAL", "dans l’Orne"),
    ("NORMANDIE", "RURAL", "dans l’Argentanais"), ("NORMANDIE", "RURAL", "dans la Manche"),
    ("NORMANDIE", "QPV", "dans le quartier des Hauts-de-Rouen"), ("NORMANDIE", "URBAN", "à Caen"),
    ("NOUVELLE_AQUITAINE", "METROPOLE", "à Bordeaux"), ("NOUVELLE_AQUITAINE", "RURAL", "en Creuse"),
    ("NOUVELLE_AQUITAINE", "RURAL", "en Corrèze"), ("NOUVELLE_AQUITAINE", "RURAL", "dans le Périgord vert"),
    ("NOUVELLE_AQUITAINE", "URBAN", "à Limoges"), ("NOUVELLE_AQUITAINE", "PERI_URBAN", "à Mérignac"),
    ("OCCITANIE", "METROPOLE", "à Toulouse"), ("OCCITANIE", "QPV", "dans le quartier du Mirail"),
    ("OCCITANIE", "RURAL", "en Lozère"), ("OCCITANIE", "RURAL", "dans l’Aveyron"),
    ("OCCITANIE", "METROPOLE", "à Montpellier"), ("OCCITANIE", "PERI_URBAN", "à Colomiers"),
    ("GRAND_EST", "METROPOLE", "à Strasbourg"), ("GRAND_EST", "URBAN", "à Mulhouse"),
    ("GRAND_EST", "RURAL", "dans les Vosges"), ("GRAND_EST", "RURAL", "dans les Ardennes"),
    ("GRAND_EST", "QPV", "dans le quartier de Hautepierre"), ("GRAND_EST", "PERI_URBAN", "à Illkirch-Graffenstaden"),
    ("AUVERGNE_RHONE_ALPES", "METROPOLE", "à Lyon"), ("AUVERGNE_RHONE_ALPES", "PERI_URBAN", "à Décines-Charpieu"),
    ("AUVERGNE_RHONE_ALPES", "RURAL", "dans le nord Drôme-Ardèche"), ("AUVERGNE_RHONE_ALPES", "URBAN", "à Valence"),
    ("AUVERGNE_RHONE_ALPES", "RURAL", "dans le Cantal"),
    ("AUVERGNE_RHONE_ALPES", "QPV", "dans le quartier de la Duchère"),
    ("PROVENCE_ALPES_COTE_D_AZUR", "METROPOLE", "à Marseille"),
    ("PROVENCE_ALPES_COTE_D_AZUR", "QPV", "dans le quartier de la Belle de Mai"),
    ("PROVENCE_ALPES_COTE_D_AZUR", "RURAL", "dans les Alpes-de-Haute-Provence"),
    ("PROVENCE_ALPES_COTE_D_AZUR", "URBAN", "à Avignon"), ("PROVENCE_ALPES_COTE_D_AZUR", "PERI_URBAN", "à Aubagne"),
    ("BOURGOGNE_FRANCHE_COMTE", "URBAN", "à Besançon"), ("BOURGOGNE_FRANCHE_COMTE", "METROPOLE", "à Dijon"),
    ("BOURGOGNE_FRANCHE_COMTE", "RURAL", "dans la Nièvre"), ("BOURGOGNE_FRANCHE_COMTE", "RURAL", "dans le Jura"),
    ("BOURGOGNE_FRANCHE_COMTE", "QPV", "dans le quartier de Planoise"),
    ("ILE_DE_FRANCE", "QPV", "à Clichy-sous-Bois"), ("ILE_DE_FRANCE", "PERI_URBAN", "en Seine-et-Marne"),
    ("HAUTS_DE_FRANCE", "METROPOLE", "à Lille"), ("HAUTS_DE_FRANCE", "RURAL", "dans la Thiérache"),
];

/// The national programmes (their themes), in the order `Activity::programme` refers to.
#[rustfmt::skip]
const PROGRAMMES: &[(&str, &[&str])] = &[
    ("Territoires fragiles", &["SOCIAL_COHESION", "LOCAL_SERVICES"]), ("Garages solidaires", &["MOBILITY"]),
    ("Catalyseur", &["EMPLOYMENT"]), ("Silver Solidarités", &["AGEING_WELL"]), ("Mobilités inclusives", &["MOBILITY"]),
    ("Tiers-lieux de proximité", &["CULTURE", "SOCIAL_COHESION"]), ("Alimentation solidaire", &["FOOD"]),
    ("Bien vieillir chez soi", &["AGEING_WELL", "HOUSING"]), ("Seniors et emploi", &["EMPLOYMENT", "AGEING_WELL"]),
    ("Quartiers en transition", &["SOCIAL_COHESION"]), ("Réemploi solidaire", &["SOCIAL_COHESION", "EMPLOYMENT"]),
    ("Services au public en milieu rural", &["LOCAL_SERVICES"]),
];

const THEMES: &[&str] =
    &["MOBILITY", "AGEING_WELL", "FOOD", "CULTURE", "EMPLOYMENT", "HOUSING", "SOCIAL_COHESION", "LOCAL_SERVICES"];
#[rustfmt::skip]
const STATUSES: &[&str] = &["IDEA", "NEEDS_DETECTION", "OPPORTUNITY_STUDY", "HOLDER_SEARCH", "HOLDER_FOUND",
    "LAUNCHING", "LAUNCHED", "ABANDONED"];
#[rustfmt::skip]
const PHASES: &[&str] = &["NEEDS_DETECTION", "IDEATION", "OPPORTUNITY_STUDY", "PROJECT_GROUP", "HOLDER_SEARCH",
    "FEASIBILITY_STUDY", "LAUNCH", "CONSOLIDATION"];
const METHODS: &[&str] = &["questionnaire", "ateliers", "entretiens", "réunion publique", "diagnostic en marchant"];
const PARTICIPANTS: &[&str] = &["élus", "habitants", "bénévoles", "partenaires", "travailleurs sociaux"];
#[rustfmt::skip]
const STRUCTURES: &[&str] = &["Fabrique à initiatives", "Coopérative d’activités et d’emploi",
    "Association de développement local", "Incubateur d’innovation sociale"];
#[rustfmt::skip]
const CATEGORIES: &[&str] = &["NEEDS_AND_DIAGNOSIS", "STAKEHOLDER_COOPERATION", "LOCAL_AUTHORITY_SUPPORT",
    "HOLDER_AND_GOVERNANCE", "BUSINESS_MODEL_AND_FUNDING", "TERRITORIAL_ANCHORING", "TIME", "METHOD"];
const EVIDENCE_LEVELS: &[&str] = &["ONE_PROJECT", "SEVERAL_PROJECTS_ONE_PROGRAMME", "SEVERAL_PROGRAMMES", "EVALUATED"];
const LESSON_VERBS: &[&str] = &["Mobiliser", "Associer", "Identifier", "Anticiper", "Sécuriser", "Impliquer"];
#[rustfmt::skip]
const LESSON_OBJECTS: &[&str] = &["les élus dès le diagnostic", "les habitants à la conception du service",
    "le porteur de projet tôt", "un modèle économique hybride", "le temps long de l’émergence",
    "les acteurs de l’insertion", "les financements au-delà d’une subvention unique", "les publics isolés"];

const TERRITORIES: usize = 300;
const ORGANISATIONS: usize = 200;

/// Builds a dataset record from its JSON form (an object, as `json!` reads it); a failure is a bug
/// of this generator.
macro_rules! record {
    ($kind:literal, $($object:tt)+) => {
        serde_json::from_value(json!($($object)+))
            .unwrap_or_else(|error| panic!("zipf_corpus: a generated {} does not fit the dataset: {error}", $kind))
    };
}

/// Writes about `words` words of French in sentences: background words drawn by frequency, with the
/// `inserts` (phrases of the domain) placed in random sentences; elisions written as French writes them
/// (« l’étude », « qu’une »), sentences capitalised and ended by a period, a paragraph break now and
/// then when `paragraphs`.
fn prose(rng: &mut Seeded, words: usize, inserts: &[&'static str], paragraphs: bool) -> String {
    let lexicon = Lexicon::get();
    let phrase_words: usize = inserts.iter().map(|phrase| phrase.split(' ').count()).sum();
    let background = words.saturating_sub(phrase_words).max(words / 2).max(1);
    let mut lengths = Vec::new();
    let mut remaining = background;
    while remaining > 0 {
        let length = if remaining <= 28 { remaining } else { 6 + rng.below(17) };
        lengths.push(length);
        remaining -= length;
    }
    let slots: Vec<usize> = inserts.iter().map(|_| rng.below(lengths.len())).collect();
    let mut out = String::with_capacity(words * 8);
    let mut tokens: Vec<&'static str> = Vec::with_capacity(40);
    for (sentence, &length) in lengths.iter().enumerate() {
        tokens.clear();
        tokens.extend((0..length).map(|_| lexicon.word(rng)));
        for (&phrase, _) in inserts.iter().zip(&slots).filter(|(_, slot)| **slot == sentence) {
            tokens.insert(rng.below(tokens.len() + 1), phrase);
        }
        if sentence > 0 {
            out.push_str(if paragraphs && rng.below(6) == 0 { "\n\n" } else { " " });
        }
        let start = out.len();
        write_sentence(rng, &mut out, &tokens);
        if let Some(first) = out[start..].chars().next().filter(|c| c.is_lowercase()) {
            let upper: String = first.to_uppercase().collect();
            out.replace_range(start..start + first.len_utf8(), &upper);
        }
    }
    out
}

/// Writes one sentence of tokens, joining the elided ones to the next word when it starts with a
/// vowel or an h and spelling them out otherwise, with a comma now and then and a final period.
fn write_sentence(rng: &mut Seeded, out: &mut String, tokens: &[&str]) {
    let full_form = |stem: &str| ELISIONS.iter().find(|(short, _)| *short == stem).map(|(_, full)| *full);
    let mut elided: Option<&str> = None;
    for (k, &token) in tokens.iter().enumerate() {
        match elided.take() {
            Some(stem) if token.starts_with(BEFORE_ELISION) => {
                out.push_str(stem);
                out.push('’');
            }
            Some(stem) => {
                out.push_str(full_form(stem).unwrap_or(stem));
                out.push(' ');
            }
            None if k > 0 => out.push_str(if rng.permille(40) { ", " } else { " " }),
            None => {}
        }
        if token.len() <= 6 && full_form(token).is_some() {
            elided = Some(token);
        } else {
            out.push_str(token);
        }
    }
    if let Some(stem) = elided {
        out.push_str(full_form(stem).unwrap_or(stem));
    }
    out.push('.');
}

/// The name of a place, after its preposition: « dans le quartier de la Duchère » → « La Duchère ».
fn place_name(locative: &str) -> String {
    #[rustfmt::skip]
    const PREPOSITIONS: &[&str] = &["dans le quartier de ", "dans le quartier des ", "dans le quartier du ",
        "dans les ", "dans le ", "dans la ", "dans l’", "en ", "à "];
    let name = PREPOSITIONS.iter().find_map(|&preposition| locative.strip_prefix(preposition)).unwrap_or(locative);
    let mut chars = name.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The index of a territory of the place `place` (territory `i` lies in place `i % PLACES.len()`).
fn territory_of(rng: &mut Seeded, place: usize) -> usize {
    place + PLACES.len() * rng.below((TERRITORIES - place).div_ceil(PLACES.len()))
}

/// Generates a corpus of `sheets` project sheets and `sheets / 5` lessons, with 300 territories,
/// 12 programmes and 200 support structures; the same seed gives the same corpus.
pub fn corpus(sheets: usize, seed: u64) -> Dataset {
    let mut rng = Seeded(seed);
    let organisations: Vec<OrganisationRecord> = (0..ORGANISATIONS)
        .map(|i| {
            let (region, _, locative) = PLACES[(i / STRUCTURES.len()) % PLACES.len()];
            let round = i / (STRUCTURES.len() * PLACES.len());
            let name = format!("{} {locative}", STRUCTURES[i % STRUCTURES.len()]);
            let name = if round == 0 { name } else { format!("{name} ({})", round + 1) };
            record!("organisation", {
                "slug": format!("structure-{i}"), "name": name, "kind": "SUPPORT_STRUCTURE", "region": region,
            })
        })
        .collect();
    let territories: Vec<TerritoryRecord> = (0..TERRITORIES)
        .map(|i| {
            let (region, kind, locative) = PLACES[i % PLACES.len()];
            let name = place_name(locative);
            let name = match i / PLACES.len() {
                0 => name,
                round => format!("{name} – secteur {}", round + 1),
            };
            record!("territory", {
                "slug": format!("territoire-{i}"), "name": name, "level": "BASIN", "region": region, "types": [kind],
            })
        })
        .collect();
    let programmes: Vec<ProgrammeRecord> = PROGRAMMES
        .iter()
        .enumerate()
        .map(|(i, &(name, themes))| {
            let (words, expression) = (20 + rng.below(11), rng.pick(EXPRESSIONS).1[0]);
            let summary = prose(&mut rng, words, &[expression], false);
            record!("programme", {
                "slug": format!("programme-{i}"), "name": name, "summary": summary,
                "startYear": 2015 + i % 8, "endYear": 2017 + i % 8, "themes": themes,
            })
        })
        .collect();
    let mut topics = Vec::with_capacity(sheets);
    let sheet_records: Vec<SheetRecord> = (0..sheets)
        .map(|i| {
            let topic = rng.below(ACTIVITIES.len());
            topics.push(topic);
            sheet(&mut rng, i, &ACTIVITIES[topic])
        })
        .collect();
    let lessons: Vec<LessonRecord> = (0..sheets / 5).map(|i| lesson(&mut rng, i, &topics)).collect();
    Dataset {
        format: retex::dataset::FORMAT.into(),
        organisations,
        territories,
        programmes,
        sheets: sheet_records,
        lessons,
    }
}

/// One project sheet of the activity, in a random place.
fn sheet(rng: &mut Seeded, i: usize, activity: &Activity) -> SheetRecord {
    let place = rng.below(PLACES.len());
    let year = 2015 + rng.below(9);
    let phases: Vec<Value> = (0..1 + rng.below(4))
        .map(|p| {
            let (start, month) = (year + p / 2, 1 + (p * 3) % 12);
            let (method, who) = (rng.below(METHODS.len()), rng.below(PARTICIPANTS.len()));
            let (words, topic) = (10 + rng.below(8), *rng.pick(activity.words));
            json!({
                "phase": PHASES[p * 2],
                "startedOn": format!("{start}-{month:02}-01"),
                "endedOn": format!("{start}-{month:02}-28"),
                "methods": [METHODS[method], METHODS[(method + 1) % METHODS.len()]],
                "participants": [PARTICIPANTS[who], PARTICIPANTS[(who + 1) % PARTICIPANTS.len()]],
                "outcome": prose(rng, words, &[topic], false),
            })
        })
        .collect();
    let words = 150 + rng.below(251);
    let mut inserts = Vec::new();
    for &(rate, forms) in EXPRESSIONS {
        if rng.permille(rate) {
            for _ in 0..1 + rng.below(3) {
                inserts.push(*rng.pick(forms));
            }
        }
    }
    inserts.extend((0..3 + words / 60).map(|_| *rng.pick(activity.words)));
    let mut summary_inserts = vec![activity.words[0]];
    if rng.chance(50) {
        summary_inserts.push(*rng.pick(EXPRESSIONS[0].1));
    }
    let mut themes = activity.themes.to_vec();
    let extra = *rng.pick(THEMES);
    if rng.chance(10) && !themes.contains(&extra) {
        themes.push(extra);
    }
    let programme = if rng.chance(60) { activity.programme } else { rng.below(PROGRAMMES.len()) };
    let mut programmes = vec![format!("programme-{programme}")];
    if rng.chance(10) {
        programmes.push(format!("programme-{}", (programme + 1 + rng.below(PROGRAMMES.len() - 1)) % PROGRAMMES.len()));
    }
    let structure = (place * STRUCTURES.len() + rng.below(STRUCTURES.len())) % ORGANISATIONS;
    let title = format!("{} {}", rng.pick(activity.labels), PLACES[place].2);
    let summary_words = 20 + rng.below(21);
    let summary = prose(rng, summary_words, &summary_inserts, false);
    let body = prose(rng, words, &inserts, true);
    let territory = territory_of(rng, place);
    let (need_words, need_topic) = (10 + rng.below(11), *rng.pick(activity.words));
    let social_need = prose(rng, need_words, &[need_topic], false);
    record!("sheet", {
        "slug": format!("fiche-{i}"),
        "title": title,
        "summary": summary,
        "body": body,
        "activityType": activity.code,
        "programmes": programmes,
        "territories": [format!("territoire-{territory}")],
        "supportingStructure": format!("structure-{structure}"),
        "socialNeed": social_need,
        "themes": themes,
        "status": rng.pick(STATUSES),
        "phases": phases,
        "publicationStatus": if rng.permille(950) { "PUBLISHED" } else { "DRAFT" },
    })
}

/// One lesson, observed in 1–4 distinct sheets; its text is about the activity of the first.
fn lesson(rng: &mut Seeded, i: usize, topics: &[usize]) -> LessonRecord {
    let wanted = (1 + rng.below(4)).min(topics.len());
    let mut links: Vec<usize> = Vec::with_capacity(wanted);
    while links.len() < wanted {
        let candidate = rng.below(topics.len());
        if !links.contains(&candidate) {
            links.push(candidate);
        }
    }
    let activity = &ACTIVITIES[topics[links[0]]];
    let mut context_inserts = vec![*rng.pick(activity.words), *rng.pick(activity.words)];
    for &(rate, forms) in EXPRESSIONS {
        if rng.permille(rate / 2) {
            context_inserts.push(*rng.pick(forms));
        }
    }
    // One expression of the domain, whichever: for the lesson and the recommendation.
    let expression = |rng: &mut Seeded| {
        let forms = rng.pick(EXPRESSIONS).1;
        *rng.pick(forms)
    };
    let territory_types: Vec<&str> = if rng.chance(30) { vec![PLACES[rng.below(PLACES.len())].1] } else { vec![] };
    let polarity = if rng.chance(75) { "SUCCESS_FACTOR" } else { "PITFALL" };
    let title = format!("{} {}", rng.pick(LESSON_VERBS), rng.pick(LESSON_OBJECTS));
    let context_words = 40 + rng.below(41);
    let context = prose(rng, context_words, &context_inserts, false);
    let (lesson_words, lesson_insert) = (20 + rng.below(21), expression(rng));
    let lesson = prose(rng, lesson_words, &[lesson_insert], false);
    let (recommendation_words, recommendation_insert) = (15 + rng.below(16), expression(rng));
    let recommendation = prose(rng, recommendation_words, &[recommendation_insert], false);
    let evidence: Vec<Value> =
        links.iter().map(|sheet| json!({ "sheet": format!("fiche-{sheet}"), "role": "OBSERVED_IN" })).collect();
    record!("lesson", {
        "slug": format!("lecon-{i}"),
        "polarity": polarity,
        "title": title,
        "context": context,
        "lesson": lesson,
        "recommendation": recommendation,
        "evidenceLevel": rng.pick(EVIDENCE_LEVELS),
        "phases": [rng.pick(PHASES)],
        "categories": [rng.pick(CATEGORIES)],
        "themes": [activity.themes[0]],
        "territoryTypes": territory_types,
        "evidenceLinks": evidence,
        "publicationStatus": "PUBLISHED",
    })
}

/// A benchmark query: its class, the text typed, a `SearchFilter` (GraphQL shape, `{}` for none) and
/// whether the THEME, PROGRAMME and STATUS facets are asked.
pub struct BenchQuery {
    pub class: &'static str,
    pub text: String,
    pub filter: Value,
    pub facets: bool,
}

/// The 50 queries of the benchmark. Every word but those of the `typo` class is one the generator
/// writes, so that each query has hits.
pub fn queries() -> Vec<BenchQuery> {
    let query = |class, text: &str, filter, facets| BenchQuery { class, text: text.to_owned(), filter, facets };
    let mut all = Vec::with_capacity(50);
    #[rustfmt::skip]
    let plain: &[(&'static str, &[&str])] = &[
        ("term", &["mobilité", "insertion", "financement", "projet", "essaimage", "bénévoles", "ressourcerie",
            "gouvernance"]),
        ("and", &["garage solidaire", "conciergerie entreprises", "habitat intergénérationnel seniors", "aidants répit",
            "circuits courts producteurs", "emploi seniors", "élus diagnostic territoire"]),
        ("or", &["financement OR subvention", "garage OR ressourcerie", "seniors OR aidants",
            "conciergerie OR tiers-lieu", "bénévoles OR salariés"]),
        ("phrase", &["\"porteur de projet\"", "\"étude d'opportunité\"", "\"économie sociale et solidaire\"",
            "\"quartier prioritaire\"", "\"collectivités locales\"", "\"Fabrique à initiatives\"",
            "\"dispositif local d'accompagnement\""]),
        ("typo", &["mobilté", "épicrie", "finacement", "ressourcrie", "intergénérationel"]),
        ("plain", &["comment financer une épicerie solidaire en zone rurale",
            "trouver un porteur de projet pour un garage solidaire",
            "mobiliser les élus autour d'une étude d'opportunité", "aide aux aidants en milieu rural",
            "créer un tiers-lieu dans un quartier prioritaire"]),
    ];
    for &(class, texts) in plain {
        all.extend(texts.iter().map(|&text| query(class, text, json!({}), false)));
    }
    let filtered = [
        ("aidants", json!({ "themes": ["AGEING_WELL"] })),
        ("insertion", json!({ "territoryTypes": ["RURAL"] })),
        ("diagnostic", json!({ "kinds": ["LESSON"] })),
        ("mobilité", json!({ "themes": ["MOBILITY"] })),
        ("épicerie", json!({ "territoryTypes": ["QPV"] })),
        ("financement", json!({ "yearFrom": 2018, "yearTo": 2020 })),
        ("garage", json!({ "regions": ["BRETAGNE"], "statuses": ["LAUNCHED"] })),
        ("élus", json!({ "kinds": ["LESSON"], "polarities": ["PITFALL"] })),
    ];
    all.extend(filtered.into_iter().map(|(text, filter)| query("filter", text, filter, false)));
    let faceted = ["projet", "mobilité", "solidaire", "habitants", "financement"];
    all.extend(faceted.into_iter().map(|text| query("facets", text, json!({}), true)));
    all
}

/// One line describing the corpus, for the benchmark's header.
pub fn words_of_corpus_note() -> &'static str {
    "corpus: words drawn by frequency from wordfreq's 30,000 most frequent French words (CC BY-SA 4.0), \
     with each sheet's activity vocabulary and domain expressions at graded rates \
     (« porteur de projet » 80 %, « étude d'opportunité » 50 %, « économie sociale et solidaire » 33 %)"
}
