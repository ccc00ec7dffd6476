//! The search benchmark: `cargo bench --bench search` (set `RETEX_BENCH_SHEETS` for another size;
//! 100,000 by default). Prints figures; asserts nothing.
//!
//! 1. Generates a deterministic corpus (seeded) of French project sheets with 150–400-word bodies
//!    and lessons (one for five sheets): sentences built from lexicons of the domain (who acts, what
//!    they do, on what, where), half of them on the sheet's own activity, with skewed picks so that
//!    common words recur in many documents and specific ones in few.
//! 2. Writes it as JSON Lines and runs `retex import corpus.jsonl` (the built binary) into an empty
//!    database and index: total, database and index seconds; then re-imports the same file (every
//!    record unchanged) and a file in which every sheet is edited (the update path). Then loads it into a fresh SQLite database
//!    through the dataset use case (the baseline), and rebuilds the index from the database
//!    (`retex reindex`): throughput, split database/index, index size.
//! 3. Runs a fixed set of queries (words, phrases, typos, filters, three facets, highlights), top 20,
//!    three ways on the same index: tantivy's own query parser (raw), retex's search layer, and the
//!    whole GraphQL schema in-process (hydration from the database and snippets). p50/p99 and ratios.
//! 4. Streams updates and measures the time from the write to searchable.
//! 5. Starts `retex serve` alone on the same database and index, runs the queries over HTTP, and
//!    reports that server's resident memory (the benchmark process also held the whole corpus); then
//!    downloads the published base from `GET /export/dataset.jsonl` (streamed) and reports the
//!    server's memory during it against just before, and runs `retex export --format jsonl` with its
//!    peak memory.
//!
//! `RETEX_BENCH_KEEP=DIR` keeps the database and index in DIR and reuses them on the next run.

use std::time::{Duration, Instant};

use retex::app::App;
use retex::dataset::{
    Dataset, EvidenceLinkForm, LessonRecord, OrganisationRecord, PhaseRecordForm, ProgrammeRecord, SheetRecord,
    TerritoryRecord,
};
use retex::domain::*;
use retex::graphql::{self, transport};
use retex::search::SearchRequest;
use serde_json::json;

#[path = "support/seeded.rs"]
mod seeded;
use seeded::Seeded;

const ACTIVITIES: &[(&str, &str)] = &[
    ("SOLIDARITY_GARAGE", "Garage solidaire"),
    ("CONCIERGE_SERVICE", "Conciergerie de quartier"),
    ("THIRD_PLACE", "Tiers-lieu culturel"),
    ("SOLIDARITY_GROCERY", "Épicerie solidaire"),
    ("FOOD_SUPPLY_PLATFORM", "Plateforme d’approvisionnement en circuits courts"),
    ("CAREGIVER_SUPPORT", "Plateforme d’aide aux aidants"),
    ("MICRO_SERVICES", "Activités de micro-services"),
    ("INTERGENERATIONAL_HOUSING", "Habitat intergénérationnel"),
    ("EMPLOYMENT_SERVICE", "Cabinet RH pour l’emploi des seniors"),
    ("MOBILITY_SERVICE", "Auto-école sociale"),
    ("REPAIR_AND_REUSE", "Ressourcerie"),
];
const PLACES: &[&str] = &[
    "Pays de Brest",
    "Périgord Vert",
    "l’Argentanais",
    "Décines-Charpieu",
    "nord Drôme-Ardèche",
    "Retiers",
    "Seine-Maritime",
    "la Belle de Mai",
    "Creuse",
    "Haute-Vienne",
    "Morbihan",
    "Besançon",
    "Mulhouse",
    "Strasbourg",
    "Vannes",
    "Valence",
    "Toulouse",
    "Corte",
    "Rennes",
    "Orne",
    "Manche",
    "Corrèze",
    "Lyon",
    "Marseille",
];
const THEMES: &[&str] =
    &["MOBILITY", "AGEING_WELL", "FOOD", "CULTURE", "EMPLOYMENT", "HOUSING", "SOCIAL_COHESION", "LOCAL_SERVICES"];
const STATUSES: &[&str] = &[
    "IDEA",
    "NEEDS_DETECTION",
    "OPPORTUNITY_STUDY",
    "HOLDER_SEARCH",
    "HOLDER_FOUND",
    "LAUNCHING",
    "LAUNCHED",
    "ABANDONED",
];
const PHASES: &[&str] = &[
    "NEEDS_DETECTION",
    "IDEATION",
    "OPPORTUNITY_STUDY",
    "PROJECT_GROUP",
    "HOLDER_SEARCH",
    "FEASIBILITY_STUDY",
    "LAUNCH",
    "CONSOLIDATION",
];
/// Who acts, in the sentences of the corpus.
const SUBJECTS: &[&str] = &[
    "La Fabrique à initiatives",
    "Le groupe-projet",
    "Les élus de la communauté de communes",
    "Le maire",
    "Les habitants du quartier",
    "Le porteur de projet",
    "L’association d’insertion",
    "Les partenaires financeurs",
    "Les bénévoles",
    "La chargée de mission",
    "Le comité de pilotage",
    "Les prescripteurs",
    "Le conseil départemental",
    "La région",
    "Les jeunes du territoire",
    "Les personnes âgées",
    "Les aidants familiaux",
    "La coopérative",
    "Les commerçants",
    "Les entreprises locales",
    "Les travailleurs sociaux",
    "Le centre social",
    "La mission locale",
    "Le bailleur social",
    "L’équipe salariée",
    "Les usagers",
    "Le réseau des structures d’accompagnement",
    "La caisse d’allocations familiales",
    "Les services de l’État",
    "Un collectif citoyen",
];
/// What they do.
const VERBS: &[&str] = &[
    "ont identifié",
    "ont soutenu",
    "a financé",
    "a mobilisé",
    "a expérimenté",
    "ont co-construit",
    "a retardé",
    "a facilité",
    "ont questionné",
    "a structuré",
    "ont mutualisé",
    "a évalué",
    "ont défendu",
    "a repensé",
    "ont accompagné",
    "a relancé",
    "ont sous-estimé",
    "a consolidé",
    "ont formalisé",
    "a testé",
    "ont animé",
    "a pérennisé",
    "ont partagé",
    "a fragilisé",
];
/// What they act on, whatever the activity.
const OBJECTS: &[&str] = &[
    "le diagnostic de territoire",
    "l’étude d’opportunité",
    "le modèle économique",
    "la gouvernance du projet",
    "le plan de financement",
    "la recherche du porteur",
    "les besoins sociaux",
    "le lancement de l’activité",
    "le recrutement des salariés",
    "la mobilité des publics",
    "l’accès à l’emploi",
    "les partenariats locaux",
    "la subvention de fonctionnement",
    "le mécénat d’entreprise",
    "les recettes propres",
    "l’évaluation de l’impact social",
    "la communication auprès des habitants",
    "les locaux mutualisés",
    "la montée en charge",
    "le bénévolat",
    "la formation des équipes",
    "le comité d’usagers",
    "la tarification solidaire",
    "l’isolement des seniors",
    "le lien social",
    "la coopération entre structures",
    "l’ancrage territorial",
    "la convention de partenariat",
    "les indicateurs de suivi",
    "le changement d’échelle",
    "la transmission du projet",
    "l’essaimage",
    "le portage juridique",
    "la participation des habitants",
    "le financement participatif",
    "la politique de la ville",
    "les services de proximité",
    "le vieillissement de la population",
    "la transition écologique",
    "l’économie sociale et solidaire",
];
/// Where and when.
const COMPLEMENTS: &[&str] = &[
    "dès le diagnostic",
    "en milieu rural",
    "dans le quartier prioritaire",
    "pendant l’étude d’opportunité",
    "grâce au mécénat",
    "malgré la crise sanitaire",
    "avec le soutien de la région",
    "au fil des réunions publiques",
    "sur l’ensemble du bassin de vie",
    "avant le lancement",
    "après la première année",
    "avec les acteurs de l’insertion",
    "dans les communes isolées",
    "au cœur du centre-bourg",
    "sans moyens supplémentaires",
    "en lien avec la mairie",
    "pour les publics fragiles",
    "à l’échelle intercommunale",
    "dans un calendrier serré",
    "au terme de l’expérimentation",
];
/// What a sheet of each activity talks about (same order as `ACTIVITIES`).
const TOPICS: &[&[&str]] = &[
    &[
        "le garage solidaire",
        "la réparation des véhicules",
        "le mécanicien encadrant",
        "la location de voitures à prix réduit",
        "le contrôle technique",
        "les pièces de réemploi",
    ],
    &[
        "la conciergerie",
        "les petits services du quotidien",
        "le dépôt de colis",
        "les permanences d’accueil",
        "l’aide aux démarches",
    ],
    &[
        "le tiers-lieu",
        "les ateliers partagés",
        "la programmation culturelle",
        "l’espace de coworking",
        "le café associatif",
    ],
    &[
        "l’épicerie solidaire",
        "les produits frais",
        "l’aide alimentaire",
        "les bénéficiaires orientés par les travailleurs sociaux",
        "l’approvisionnement auprès des producteurs",
    ],
    &[
        "les circuits courts",
        "la vente directe",
        "la plateforme logistique",
        "les producteurs locaux",
        "la restauration collective",
    ],
    &[
        "le répit des aidants",
        "les aidants familiaux",
        "les groupes de parole",
        "l’accueil de jour",
        "la coordination gérontologique",
    ],
    &[
        "les micro-services",
        "les petits travaux à domicile",
        "le jardinage",
        "la livraison de courses",
        "le portage de repas",
    ],
    &[
        "l’habitat intergénérationnel",
        "la cohabitation",
        "les logements adaptés",
        "la colocation solidaire",
        "le bailleur",
    ],
    &[
        "l’emploi des seniors",
        "le cabinet de recrutement",
        "les entreprises du bassin",
        "le retour à l’emploi",
        "les compétences des seniors",
    ],
    &[
        "l’auto-école sociale",
        "le permis de conduire",
        "les moniteurs",
        "la mobilité des jeunes",
        "le transport à la demande",
    ],
    &[
        "la ressourcerie",
        "le réemploi",
        "la collecte des objets",
        "la valorisation des déchets",
        "la boutique solidaire",
    ],
];

const LESSON_TITLES: &[&str] = &[
    "Mobiliser les élus dès le diagnostic",
    "Associer les habitants à la conception du service",
    "Objectiver le besoin par une étude d’opportunité",
    "Identifier le porteur de projet tôt",
    "Construire un modèle économique hybride",
    "Prévoir le temps long de l’émergence",
    "S’appuyer sur les acteurs de l’insertion",
    "Éviter la dépendance à une subvention unique",
    "Aller vers les publics isolés",
    "Évaluer l’impact social dès le lancement",
];

/// Writes French prose from the lexicons above: sentences of a subject, a verb, an object (half the
/// time one of the activity's own topics) and sometimes a complement, so that common words recur in
/// many documents and specific ones in few, as in the network's own sheets.
fn sentence_text(rng: &mut Seeded, activity: usize, words: usize) -> String {
    let mut text = String::new();
    let mut count = 0;
    while count < words {
        if !text.is_empty() {
            text.push(' ');
        }
        // Skewed picks: the first entries of each list are the most frequent.
        let skewed = |rng: &mut Seeded, n: usize| {
            let u = rng.below(1_000) as f64 / 1_000.0;
            ((u * u) * n as f64) as usize
        };
        let object = if rng.chance(50) { rng.pick(TOPICS[activity]) } else { &OBJECTS[skewed(rng, OBJECTS.len())] };
        let mut sentence =
            format!("{} {} {}", SUBJECTS[skewed(rng, SUBJECTS.len())], VERBS[rng.below(VERBS.len())], object);
        if rng.chance(60) {
            sentence.push(' ');
            sentence.push_str(COMPLEMENTS[skewed(rng, COMPLEMENTS.len())]);
        }
        sentence.push('.');
        count += sentence.split_whitespace().count();
        text.push_str(&sentence);
    }
    text
}

fn corpus(sheets: usize) -> Dataset {
    let mut rng = Seeded(42);
    let regions = [
        "BRETAGNE",
        "NORMANDIE",
        "NOUVELLE_AQUITAINE",
        "OCCITANIE",
        "GRAND_EST",
        "AUVERGNE_RHONE_ALPES",
        "PROVENCE_ALPES_COTE_D_AZUR",
        "BOURGOGNE_FRANCHE_COMTE",
    ];
    let types = ["QPV", "RURAL", "PERI_URBAN", "URBAN", "METROPOLE"];
    let organisations: Vec<OrganisationRecord> = (0..200)
        .map(|i| serde_json::from_value(json!({ "slug": format!("structure-{i}"), "name": format!("Fabrique à initiatives {i}"), "kind": "SUPPORT_STRUCTURE" })))
        .collect::<Result<_, _>>()
        .expect("organisations");
    let territories: Vec<TerritoryRecord> = (0..300)
        .map(|i| {
            let region = regions[i % regions.len()];
            let kind = types[(i * 7) % types.len()];
            serde_json::from_value(
                json!({ "slug": format!("territoire-{i}"), "name": format!("{} {i}", PLACES[i % PLACES.len()]),
                "level": "BASIN", "region": region, "types": [kind] }),
            )
        })
        .collect::<Result<_, _>>()
        .expect("territories");
    let programmes: Vec<ProgrammeRecord> = (0..12)
        .map(|i| serde_json::from_value(json!({ "slug": format!("programme-{i}"), "name": format!("Programme national {i}"), "startYear": 2015 + i % 8, "endYear": 2017 + i % 8 })))
        .collect::<Result<_, _>>()
        .expect("programmes");
    let mut sheet_records = Vec::with_capacity(sheets);
    for i in 0..sheets {
        let topic = rng.below(ACTIVITIES.len());
        let (activity, label) = ACTIVITIES[topic];
        let place = rng.pick(PLACES);
        let year = 2015 + rng.below(9) as i32;
        let phases: Vec<PhaseRecordForm> = (0..1 + rng.below(4))
            .map(|p| PhaseRecordForm {
                phase: PHASES[p * 2].to_owned(),
                started_on: chrono::NaiveDate::from_ymd_opt(year + p as i32 / 2, 1 + (p as u32 * 3) % 12, 1),
                ended_on: chrono::NaiveDate::from_ymd_opt(year + p as i32 / 2, 1 + (p as u32 * 3) % 12, 28),
                methods: vec!["questionnaire".into(), "ateliers".into()],
                participants: vec!["élus".into(), "habitants".into()],
                outcome: sentence_text(&mut rng, topic, 12),
            })
            .collect();
        let words = 150 + rng.below(251);
        let record = json!({
            "slug": format!("fiche-{i}"),
            "title": format!("{label} {} {place} {i}", if rng.chance(50) { "à" } else { "en" }),
            "summary": sentence_text(&mut rng, topic, 25),
            "body": sentence_text(&mut rng, topic, words),
            "activityType": activity,
            "programmes": [format!("programme-{}", rng.below(12))],
            "territories": [format!("territoire-{}", rng.below(300))],
            "supportingStructure": format!("structure-{}", rng.below(200)),
            "socialNeed": sentence_text(&mut rng, topic, 15),
            "themes": [rng.pick(THEMES), rng.pick(THEMES)],
            "status": rng.pick(STATUSES),
            "publicationStatus": if rng.chance(95) { "PUBLISHED" } else { "DRAFT" },
        });
        let mut record: SheetRecord = serde_json::from_value(record).expect("a sheet");
        record.themes.dedup();
        record.phases = phases;
        sheet_records.push(record);
    }
    let lessons: Vec<LessonRecord> = (0..sheets / 5)
        .map(|i| {
            let links: Vec<EvidenceLinkForm> = (0..1 + rng.below(4))
                .map(|_| EvidenceLinkForm { sheet: format!("fiche-{}", rng.below(sheets)), role: "OBSERVED_IN".into(), note: String::new() })
                .collect::<Vec<_>>();
            let mut seen = std::collections::HashSet::new();
            let links: Vec<EvidenceLinkForm> = links.into_iter().filter(|link| seen.insert(link.sheet.clone())).collect();
            let topic = rng.below(ACTIVITIES.len());
            let mut record: LessonRecord = serde_json::from_value(json!({
                "slug": format!("lecon-{i}"), "polarity": if rng.chance(75) { "SUCCESS_FACTOR" } else { "PITFALL" },
                "title": format!("{} ({i})", rng.pick(LESSON_TITLES)), "evidenceLevel": "SEVERAL_PROGRAMMES",
                "context": sentence_text(&mut rng, topic, 40), "lesson": sentence_text(&mut rng, topic, 25), "recommendation": sentence_text(&mut rng, topic, 20),
                "categories": ["METHOD"], "themes": [rng.pick(THEMES)]
            }))
            .expect("a lesson");
            record.evidence_links = links;
            record
        })
        .collect();
    Dataset {
        format: retex::dataset::FORMAT.into(),
        organisations,
        territories,
        programmes,
        sheets: sheet_records,
        lessons,
    }
}

struct Query {
    text: &'static str,
    filter: serde_json::Value,
}

fn queries() -> Vec<Query> {
    let plain = |text| Query { text, filter: json!({}) };
    vec![
        plain("mobilité"),
        plain("garage solidaire"),
        plain("\"porteur de projet\""),
        plain("mobilté"),
        plain("épiceries"),
        plain("l'épicerie sociale"),
        plain("tiers-lieu culturel"),
        plain("QPV emploi"),
        Query { text: "aidants", filter: json!({ "themes": ["AGEING_WELL"] }) },
        Query { text: "insertion", filter: json!({ "territoryTypes": ["RURAL"] }) },
        Query { text: "", filter: json!({ "kinds": ["LESSON"] }) },
        plain("circuits courts"),
        plain("bien-vieillir seniors"),
        plain("conciergerie -urbain"),
        plain("financement OR subvention"),
        Query { text: "élus diagnostic", filter: json!({ "kinds": ["LESSON"], "yearFrom": 2018, "yearTo": 2020 }) },
    ]
}

const GRAPHQL: &str = "query($q: String!, $filter: SearchFilter) {
  search(query: $q, filter: $filter, facets: [THEME, PROGRAMME, STATUS], first: 20) {
    totalCount
    hits { score snippets { field html } node { __typename ... on ProjectSheet { title slug programmes { name } } ... on Lesson { title } ... on Programme { name } } }
    facets { dimension values { label count } }
  }
}";

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index].as_secs_f64() * 1000.0
}

fn memory(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with(field))
                .map(|line| line.trim_start_matches(field).trim().to_owned())
        })
        .unwrap_or_else(|| "n/a".into())
}

/// Writes the corpus as JSON Lines, a page at a time as an export writes (not a copy of the whole
/// corpus); `edited` changes every sheet's summary and reverses its themes.
fn write_corpus(
    dataset: &Dataset,
    file: &std::path::Path,
    edited: bool,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut writer = retex::dataset::Writer::new(
        retex::dataset::Format::Jsonl,
        retex::dataset::Target::Stream(Box::new(std::io::BufWriter::new(std::fs::File::create(file)?))),
    )?;
    let page = || Dataset { format: dataset.format.clone(), ..Dataset::default() };
    for chunk in dataset.organisations.chunks(1_000) {
        writer.write(Dataset { organisations: chunk.to_vec(), ..page() })?;
    }
    for chunk in dataset.territories.chunks(1_000) {
        writer.write(Dataset { territories: chunk.to_vec(), ..page() })?;
    }
    for chunk in dataset.programmes.chunks(1_000) {
        writer.write(Dataset { programmes: chunk.to_vec(), ..page() })?;
    }
    for chunk in dataset.sheets.chunks(1_000) {
        let mut sheets = chunk.to_vec();
        if edited {
            for sheet in &mut sheets {
                sheet.summary = format!("{} (revu)", sheet.summary);
                sheet.themes.reverse();
            }
        }
        writer.write(Dataset { sheets, ..page() })?;
    }
    for chunk in dataset.lessons.chunks(1_000) {
        writer.write(Dataset { lessons: chunk.to_vec(), ..page() })?;
    }
    writer.finish()?;
    Ok(())
}

/// Runs `retex import FILE` (the built binary) on the database and index in `work` and prints its
/// figures under `name`.
fn run_import(
    name: &str,
    file: &std::path::Path,
    work: &std::path::Path,
    records: usize,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let started = Instant::now();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_retex"))
        .arg("import")
        .arg(file)
        .env("RETEX_DATABASE_URL", format!("sqlite://{}?mode=rwc", work.join("import.db").display()))
        .env("RETEX_INDEX_DIR", work.join("index"))
        .env("RUST_LOG", "warn")
        .output()?;
    let total = started.elapsed().as_secs_f64();
    let report = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("retex import failed: {report}").into());
    }
    // The command reports "importé en T s (lecture R s, base de données D s, index I s) : …".
    let said = report.lines().find(|line| line.starts_with("importé en")).unwrap_or_default();
    let figure = |after: &str| -> f64 {
        said.split(after)
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(f64::NAN)
    };
    let outcome = said.rsplit_once(" : ").map(|(_, what)| what).unwrap_or_default();
    println!(
        "{name:<31} {:>8.1} s  (reading {:.1} s, database {:.1} s, index {:.1} s; {:.0} records/s; process included)",
        total,
        figure("(lecture "),
        figure("base de données "),
        figure(", index "),
        records as f64 / total
    );
    println!("  {outcome}");
    Ok(())
}

/// Runs `retex import corpus.jsonl` (the built binary, as an operator would) into a fresh database
/// and index beside the benchmark's; then again with the same file (every record unchanged), and
/// with every sheet edited (the updates path); prints the figures and removes what it wrote.
fn import_command(dataset: &Dataset, dir: &std::path::Path) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let work = dir.join("import");
    std::fs::create_dir_all(&work)?;
    let file = work.join("corpus.jsonl");
    write_corpus(dataset, &file, false)?;
    run_import("retex import corpus.jsonl", &file, &work, dataset.len())?;
    run_import("  again, nothing changed", &file, &work, dataset.len())?;
    let edited = work.join("edited.jsonl");
    write_corpus(dataset, &edited, true)?;
    run_import("  again, every sheet edited", &edited, &work, dataset.len())?;
    std::fs::remove_dir_all(&work)?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let sheets: usize = std::env::var("RETEX_BENCH_SHEETS").ok().and_then(|raw| raw.parse().ok()).unwrap_or(100_000);
    let iterations: usize = std::env::var("RETEX_BENCH_ITERATIONS").ok().and_then(|raw| raw.parse().ok()).unwrap_or(30);
    // `RETEX_BENCH_KEEP=DIR` keeps the corpus in DIR and reuses it on the next run (for profiling).
    let kept = std::env::var("RETEX_BENCH_KEEP").ok().filter(|dir| !dir.is_empty()).map(std::path::PathBuf::from);
    let temporary = tempfile::tempdir()?;
    let dir = kept.clone().unwrap_or_else(|| temporary.path().to_owned());
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
    let index_dir = dir.join("index");
    let reuse = kept.is_some() && index_dir.join("CURRENT").exists();
    println!(
        "retex search benchmark: {sheets} sheets, {} lessons, {iterations} runs of {} queries",
        sheets / 5,
        queries().len()
    );

    if !reuse {
        let started = Instant::now();
        let dataset = corpus(sheets);
        println!("generate corpus                 {:>8.1} s", started.elapsed().as_secs_f64());

        import_command(&dataset, &dir)?;

        let app = App::open(&url).await?;
        let started = Instant::now();
        app.load_dataset(&Viewer::System { name: "bench".into() }, &dataset).await?;
        let load = started.elapsed().as_secs_f64();
        println!(
            "load into SQLite (one transaction) {:>5.1} s  ({:.0} records/s)",
            load,
            (sheets + sheets / 5) as f64 / load
        );
        drop(dataset);

        let started = Instant::now();
        let stats = retex::indexer::rebuild(app.store(), &index_dir, &retex::domain::Progress::default()).await?;
        let reindex = started.elapsed().as_secs_f64();
        println!(
            "full reindex                    {:>8.1} s  ({:.0} documents/s; database {:.1} s, index {:.1} s); index {:.1} MB, {} documents",
            reindex,
            stats.documents as f64 / reindex,
            stats.database_seconds,
            stats.index_seconds,
            stats.bytes as f64 / 1e6,
            stats.documents
        );
        drop(app);
    }
    let app = App::open_with_search(&url, &index_dir).await?;
    let index = app.search_index().ok_or("search is off")?;
    let schema = graphql::schema(app.clone());
    let graphql_query = std::env::var("RETEX_BENCH_GRAPHQL").unwrap_or_else(|_| GRAPHQL.to_owned());
    let graphql_query = graphql_query.as_str();
    let public = Viewer::Anonymous;
    // `RETEX_BENCH_ONLY=limits` times the costliest queries within the limits, and nothing else.
    if std::env::var("RETEX_BENCH_ONLY").is_ok_and(|only| only == "limits") {
        worst_allowed(&schema, &app, iterations).await?;
        app.shutdown().await;
        return Ok(());
    }

    // Warm up every path once.
    for query in queries() {
        let body =
            json!({ "query": graphql_query, "variables": { "q": query.text, "filter": query.filter } }).to_string();
        let response = transport::run(
            &schema,
            &app,
            public.clone(),
            transport::from_json_body(body.as_bytes())?,
            usize::MAX,
            retex::i18n::Language::French,
        )
        .await;
        let value: serde_json::Value = serde_json::from_slice(&response.body)?;
        if value.get("errors").is_some() {
            return Err(format!("query {:?} failed: {value}", query.text).into());
        }
        println!("  {:<28} {:>7} hits", format!("{:?}", query.text), value["data"]["search"]["totalCount"]);
    }

    let (mut raw, mut bare, mut layer, mut api) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..iterations {
        for query in queries() {
            let started = Instant::now();
            let text = query.text.to_owned();
            let searcher = index.clone();
            tokio::task::spawn_blocking(move || searcher.raw_search(&text, 20)).await??;
            raw.push(started.elapsed());

            let started = Instant::now();
            let request = SearchRequest { text: query.text.to_owned(), limit: 20, ..SearchRequest::default() };
            app.search(&public, request, None).await?;
            bare.push(started.elapsed());

            let started = Instant::now();
            let request = SearchRequest {
                text: query.text.to_owned(),
                facets: vec![
                    retex::search::Dimension::Theme,
                    retex::search::Dimension::Programme,
                    retex::search::Dimension::Status,
                ],
                limit: 20,
                ..SearchRequest::default()
            };
            app.search(&public, request, Some(200)).await?;
            layer.push(started.elapsed());

            let body =
                json!({ "query": graphql_query, "variables": { "q": query.text, "filter": query.filter } }).to_string();
            let started = Instant::now();
            let request = transport::from_json_body(body.as_bytes())?;
            let response =
                transport::run(&schema, &app, public.clone(), request, usize::MAX, retex::i18n::Language::French).await;
            api.push(started.elapsed());
            std::hint::black_box(response.body);
        }
    }
    let (raw50, raw99) = (percentile(&mut raw, 0.5), percentile(&mut raw, 0.99));
    let (bare50, bare99) = (percentile(&mut bare, 0.5), percentile(&mut bare, 0.99));
    let (layer50, layer99) = (percentile(&mut layer, 0.5), percentile(&mut layer, 0.99));
    let (api50, api99) = (percentile(&mut api, 0.5), percentile(&mut api, 0.99));
    println!("search latency, top 20 (ms)        p50      p99");
    println!("  raw tantivy (query parser)    {raw50:>8.2} {raw99:>8.2}");
    println!("  retex search, no facets       {bare50:>8.2} {bare99:>8.2}");
    println!("  retex search + 3 facets       {layer50:>8.2} {layer99:>8.2}");
    println!("  GraphQL in-process, hydrated  {api50:>8.2} {api99:>8.2}   ({:.1}× raw at p50)", api50 / raw50);
    println!("resident memory while serving   {}", memory("VmRSS:"));

    dashboards(&schema, &app, &public, iterations).await?;
    worst_allowed(&schema, &app, iterations).await?;

    // Freshness: each update returns once searchable; its latency bounds commit-to-searchable.
    let editor = Viewer::System { name: "bench".into() };
    let mut fresh = Vec::new();
    let mut rng = Seeded(7);
    for n in 0..200 {
        let id = SheetId(1 + rng.below(sheets) as i64);
        let Ok(current) = app.get::<SheetFields>(&editor, id).await else { continue };
        let started = Instant::now();
        app.update::<SheetFields>(&editor, id, current.meta.version, |draft| {
            draft.summary = format!("Mise à jour {n} : {}", draft.summary.chars().take(100).collect::<String>());
            Ok(())
        })
        .await?;
        fresh.push(started.elapsed());
    }
    println!(
        "write → searchable (ms)         p50 {:>7.1}  p95 {:>7.1}  p99 {:>7.1}",
        percentile(&mut fresh, 0.5),
        percentile(&mut fresh, 0.95),
        percentile(&mut fresh, 0.99)
    );
    println!("peak resident memory (this process, which also loaded the corpus) {}", memory("VmHWM:"));
    app.shutdown().await;
    drop((schema, app, index));

    sqlite_read_throughput(&url).await?;
    cross_server_freshness().await?;
    serving_memory(&url, &index_dir, iterations).await
}

const READ_PAGE: &str = "{ sheets(first: 20) { nodes { title summary programmes { name } territories { name } } } }";

/// SQLite reads under 16 concurrent clients for 3 s each, through GraphQL in-process (a page of 20
/// sheets with their programmes and territories): one read connection (as every read went through
/// the one connection before, beside the writer) against the default pool of readers.
async fn sqlite_read_throughput(url: &str) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    const CLIENTS: usize = 16;
    println!("SQLite reads, {CLIENTS} concurrent clients, 3 s each (page of 20 sheets with relations)");
    for readers in [1, retex::store::StoreSettings::default().sqlite_readers] {
        let settings = retex::store::StoreSettings { sqlite_readers: readers, ..Default::default() };
        let app = App::open_with(url, &settings).await?;
        let schema = graphql::schema(app.clone());
        let deadline = Instant::now() + Duration::from_secs(3);
        let mut clients = tokio::task::JoinSet::new();
        for _ in 0..CLIENTS {
            let (schema, app) = (schema.clone(), app.clone());
            clients.spawn(async move {
                let mut latencies = Vec::new();
                while Instant::now() < deadline {
                    let started = Instant::now();
                    let body = json!({ "query": READ_PAGE }).to_string();
                    let Ok(request) = transport::from_json_body(body.as_bytes()) else { break };
                    let response = transport::run(
                        &schema,
                        &app,
                        Viewer::Anonymous,
                        request,
                        usize::MAX,
                        retex::i18n::Language::French,
                    )
                    .await;
                    if response.outcome != "ok" {
                        break;
                    }
                    latencies.push(started.elapsed());
                }
                latencies
            });
        }
        let mut latencies = Vec::new();
        while let Some(done) = clients.join_next().await {
            latencies.extend(done?);
        }
        println!(
            "  {readers} read connection{}        {:>8.0} requests/s   p50 {:>6.2} ms  p99 {:>6.2} ms",
            if readers == 1 { " " } else { "s" },
            latencies.len() as f64 / 3.0,
            percentile(&mut latencies, 0.5),
            percentile(&mut latencies, 0.99)
        );
    }
    Ok(())
}

type Feed = std::pin::Pin<Box<dyn futures::Stream<Item = retex::app::ChangeEvent> + Send>>;

/// Waits (at most 5 s) for the feed to report a change of sheet `id`; returns the time since `started`.
async fn seen(feed: &mut Feed, id: i64, started: Instant) -> Option<Duration> {
    use futures::StreamExt;
    loop {
        match tokio::time::timeout(Duration::from_secs(5), feed.next()).await {
            Ok(Some(event)) if event.record == Some(id) => return Some(started.elapsed()),
            Ok(Some(_)) => continue,
            _ => return None,
        }
    }
}

/// Two servers on one PostgreSQL database (`RETEX_BENCH_POSTGRES_URL`, the local server by default),
/// each with its own index: the time from a write on one to its notification by a live subscription
/// on the other (which comes once the other's index holds it), against the same write seen by the
/// server that made it.
async fn cross_server_freshness() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let server = std::env::var("RETEX_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let name = format!("retex_bench_{}", std::process::id());
    let url = match retex::store::create_database(&server, &name).await {
        Ok(url) => url,
        Err(error) => {
            println!("cross-server freshness: skipped, no PostgreSQL at {server} ({error})");
            return Ok(());
        }
    };
    let folder = tempfile::tempdir()?;
    let first = App::open_with_search(&url, &folder.path().join("first")).await?;
    let second = App::open_with_search(&url, &folder.path().join("second")).await?;
    let editor = Viewer::System { name: "bench".into() };
    first.load_dataset(&editor, &corpus(1_000)).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let feed = |app: &App| -> Result<Feed, retex::error::Error> {
        Ok(Box::pin(app.change_feed(editor.clone(), vec![Kind::Sheet])?))
    };
    let (mut on_first, mut on_second) = (feed(&first)?, feed(&second)?);
    let (mut local, mut remote) = (Vec::new(), Vec::new());
    let mut rng = Seeded(11);
    for n in 0..200 {
        let id = SheetId(1 + rng.below(1_000) as i64);
        let Ok(current) = first.get::<SheetFields>(&editor, id).await else { continue };
        let started = Instant::now();
        first
            .update::<SheetFields>(&editor, id, current.meta.version, |draft| {
                draft.summary = format!("Mise à jour {n} : {}", draft.summary.chars().take(100).collect::<String>());
                Ok(())
            })
            .await?;
        let (seen_here, seen_there) =
            tokio::join!(seen(&mut on_first, id.get(), started), seen(&mut on_second, id.get(), started));
        local.extend(seen_here);
        remote.extend(seen_there);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    println!("cross-server freshness, PostgreSQL, 200 writes (ms)   p50      p95      p99");
    println!(
        "  write → subscription on the same server  {:>8.1} {:>8.1} {:>8.1}   (baseline)",
        percentile(&mut local, 0.5),
        percentile(&mut local, 0.95),
        percentile(&mut local, 0.99)
    );
    println!(
        "  write → subscription on another server   {:>8.1} {:>8.1} {:>8.1}   (target p95 ≤ 150; {} of 200 seen)",
        percentile(&mut remote, 0.5),
        percentile(&mut remote, 0.95),
        percentile(&mut remote, 0.99),
        remote.len()
    );
    first.shutdown().await;
    second.shutdown().await;
    drop((on_first, on_second, first, second));
    let _ = retex::store::drop_databases(&server, &name).await;
    Ok(())
}

const STATS: &str = "query($q: String) { stats(kind: SHEET, groupBy: [PROGRAMME, THEME], query: $q) {
    total rows { count keys { value label } } } }";
const RECURRENCE: &str = "query($filter: LessonFilterInput) { recurrence(filter: $filter, first: 20) {
    programmeCount sheetCount contradictingSheetCount lesson { title } } }";

/// Dashboards over GraphQL, in-process: a two-dimension count under each full-text query, and the
/// recurrence ranking (whole base, and mobility in rural territories), against search with three
/// facets (the same matching) as the baseline of this run.
async fn dashboards(
    schema: &retex::graphql::RetexSchema,
    app: &App,
    viewer: &Viewer,
    iterations: usize,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let run = |query: &'static str, variables: serde_json::Value| {
        let body = json!({ "query": query, "variables": variables }).to_string();
        async move {
            let started = Instant::now();
            let request = transport::from_json_body(body.as_bytes())?;
            let response =
                transport::run(schema, app, viewer.clone(), request, usize::MAX, retex::i18n::Language::French).await;
            let elapsed = started.elapsed();
            let value: serde_json::Value = serde_json::from_slice(&response.body)?;
            if value.get("errors").is_some() {
                return Err::<_, Box<dyn std::error::Error + Send + Sync>>(format!("{query}: {value}").into());
            }
            Ok((elapsed, value))
        }
    };
    let (mut baseline, mut stats, mut whole, mut rural) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let rural_filter = json!({ "themes": ["MOBILITY"], "territoryTypes": ["RURAL"], "polarities": ["SUCCESS_FACTOR"] });
    let (_, sample) = run(STATS, json!({ "q": "garage solidaire" })).await?;
    println!(
        "  stats \"garage solidaire\" by programme × theme: {} sheets, {} rows",
        sample["data"]["stats"]["total"],
        sample["data"]["stats"]["rows"].as_array().map_or(0, Vec::len)
    );
    for _ in 0..iterations.min(10) {
        for query in queries() {
            let started = Instant::now();
            let request = SearchRequest {
                text: query.text.to_owned(),
                kinds: vec![Kind::Sheet],
                facets: vec![retex::search::Dimension::Programme, retex::search::Dimension::Theme],
                limit: 1,
                ..SearchRequest::default()
            };
            app.search(viewer, request, None).await?;
            baseline.push(started.elapsed());
            stats.push(run(STATS, json!({ "q": query.text })).await?.0);
        }
        whole.push(run(RECURRENCE, json!({})).await?.0);
        rural.push(run(RECURRENCE, json!({ "filter": rural_filter })).await?.0);
    }
    println!("dashboards (ms)                    p50      p99");
    println!(
        "  search + 2 facets (baseline)  {:>8.2} {:>8.2}",
        percentile(&mut baseline, 0.5),
        percentile(&mut baseline, 0.99)
    );
    println!(
        "  stats, 2 dimensions + text    {:>8.2} {:>8.2}   (target p50 ≤ 50)",
        percentile(&mut stats, 0.5),
        percentile(&mut stats, 0.99)
    );
    println!(
        "  recurrence, whole base        {:>8.2} {:>8.2}   (target p50 ≤ 100)",
        percentile(&mut whole, 0.5),
        percentile(&mut whole, 0.99)
    );
    println!(
        "  recurrence, rural mobility    {:>8.2} {:>8.2}",
        percentile(&mut rural, 0.5),
        percentile(&mut rural, 0.99)
    );
    Ok(())
}

#[path = "support/worst_queries.rs"]
mod worst_queries;

/// The costliest queries the limits allow (`worst_queries.rs`), as an anonymous caller with the
/// default response cap: each one's time and answer size, against a page of 20 titles in the same
/// run; then a tiny query's latency while the costliest query runs over and over beside it.
async fn worst_allowed(
    schema: &retex::graphql::RetexSchema,
    app: &App,
    iterations: usize,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let run = |query: &'static str| {
        let body = json!({ "query": query }).to_string();
        async move {
            let started = Instant::now();
            let request = transport::from_json_body(body.as_bytes())?;
            let response = transport::run(
                schema,
                app,
                Viewer::Anonymous,
                request,
                transport::DEFAULT_MAX_RESPONSE_BYTES,
                retex::i18n::Language::French,
            )
            .await;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>((started.elapsed(), response))
        }
    };
    const TINY: &str = "{ sheets(first: 20) { nodes { title } } }";
    let runs = iterations.clamp(3, 10);
    let mut tiny = Vec::new();
    for _ in 0..runs * 3 {
        tiny.push(run(TINY).await?.0);
    }
    println!("costliest queries within the limits ({runs} runs)   p50 ms   max ms   answer");
    println!(
        "  {:<46} {:>8.1} {:>8.1}   (baseline)",
        "a page of 20 titles",
        percentile(&mut tiny.clone(), 0.5),
        percentile(&mut tiny, 1.0)
    );
    let mut slowest = (Duration::ZERO, "");
    for (name, query) in worst_queries::WORST_QUERIES {
        let mut times = Vec::new();
        let mut answer = String::new();
        for _ in 0..runs {
            let (elapsed, response) = run(query).await?;
            times.push(elapsed);
            answer = format!("{:.0} KB, {}", response.body.len() as f64 / 1024.0, response.outcome);
        }
        let p50 = percentile(&mut times, 0.5);
        if times.iter().max().is_some_and(|max| *max > slowest.0) {
            slowest = (times.iter().copied().max().unwrap_or_default(), query);
        }
        println!("  {:<46} {:>8.1} {:>8.1}   {answer}", name, p50, percentile(&mut times, 1.0));
    }
    // A tiny query beside the slowest one, run over and over by 4 clients.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut load = Vec::new();
    for _ in 0..4 {
        let (schema, app, stop, query) = (schema.clone(), app.clone(), stop.clone(), slowest.1);
        load.push(tokio::spawn(async move {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let body = json!({ "query": query }).to_string();
                if let Ok(request) = transport::from_json_body(body.as_bytes()) {
                    transport::run(
                        &schema,
                        &app,
                        Viewer::Anonymous,
                        request,
                        transport::DEFAULT_MAX_RESPONSE_BYTES,
                        retex::i18n::Language::French,
                    )
                    .await;
                }
            }
        }));
    }
    let mut beside = Vec::new();
    for _ in 0..runs * 3 {
        beside.push(run(TINY).await?.0);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for task in load {
        task.await?;
    }
    println!(
        "  {:<46} {:>8.1} {:>8.1}   (4 clients run the slowest one)",
        "a page of 20 titles, beside",
        percentile(&mut beside.clone(), 0.5),
        percentile(&mut beside, 1.0)
    );
    Ok(())
}

/// Starts `retex serve` alone on the same database and index, queries it over HTTP, and reports its
/// resident memory: what serving the index costs, without the corpus this process generated.
async fn serving_memory(
    url: &str,
    index_dir: &std::path::Path,
    iterations: usize,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_retex"))
        .args([
            "serve",
            "--database-url",
            url,
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--rate-limit-per-minute",
            "0",
        ])
        .arg("--index-dir")
        .arg(index_dir)
        .env("RUST_LOG", "warn")
        .spawn()?;
    let pid = server.id();
    let status = |field: &str| {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|status| {
                status.lines().find(|line| line.starts_with(field)).map(|line| line[field.len()..].trim().to_owned())
            })
            .unwrap_or_else(|| "n/a".into())
    };
    let client = reqwest::Client::new();
    let endpoint = format!("http://127.0.0.1:{port}/graphql");
    let started = Instant::now();
    while client.get(format!("http://127.0.0.1:{port}/healthz")).send().await.is_err() {
        if started.elapsed() > Duration::from_secs(60) {
            server.kill()?;
            return Err("the server did not start".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let idle = status("VmRSS:");
    let mut http = Vec::new();
    for _ in 0..iterations {
        for query in queries() {
            let body = json!({ "query": GRAPHQL, "variables": { "q": query.text, "filter": query.filter } });
            let started = Instant::now();
            let response = client.post(&endpoint).json(&body).send().await?.bytes().await?;
            http.push(started.elapsed());
            std::hint::black_box(response);
        }
    }
    println!(
        "search over HTTP (retex serve)  p50 {:>7.2}  p99 {:>7.2} ms",
        percentile(&mut http, 0.5),
        percentile(&mut http, 0.99)
    );
    println!(
        "retex serve, resident memory    {} after start, {} after the queries, peak {}",
        idle,
        status("VmRSS:"),
        status("VmHWM:")
    );

    // The whole published dataset over HTTP, streamed: the server's memory against its own
    // resident memory just before, in the same run.
    let kilobytes =
        |field: &str| status(field).split_whitespace().next().and_then(|n| n.parse::<u64>().ok()).unwrap_or(0);
    let before = kilobytes("VmRSS:");
    let mut peak = before;
    let started = Instant::now();
    let mut response = client.get(format!("http://127.0.0.1:{port}/export/dataset.jsonl")).send().await?;
    if !response.status().is_success() {
        return Err(format!("the export answered {}", response.status()).into());
    }
    let (mut bytes, mut lines, mut chunks) = (0usize, 0usize, 0usize);
    while let Some(chunk) = response.chunk().await? {
        bytes += chunk.len();
        lines += chunk.iter().filter(|byte| **byte == b'\n').count();
        chunks += 1;
        if chunks % 64 == 0 {
            peak = peak.max(kilobytes("VmRSS:"));
        }
    }
    peak = peak.max(kilobytes("VmRSS:"));
    println!(
        "GET /export/dataset.jsonl       {:>8.1} s  ({:.0} MB, {} records); server resident {:.0} MB before, {:.0} MB at most during",
        started.elapsed().as_secs_f64(),
        bytes as f64 / 1e6,
        lines.saturating_sub(1),
        before as f64 / 1e3,
        peak as f64 / 1e3
    );
    server.kill()?;
    server.wait()?;
    export_command(url)
}

/// Runs `retex export --format jsonl --output FILE` (the built binary) and prints its time and the
/// most resident memory it used.
fn export_command(url: &str) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let work = tempfile::tempdir()?;
    let file = work.path().join("export.jsonl");
    let started = Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_retex"))
        .args(["export", "--format", "jsonl", "--database-url", url, "--output"])
        .arg(&file)
        .env("RUST_LOG", "warn")
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let path = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    let status = loop {
        // VmHWM is the process's own high-water mark: the last reading before it ends is its peak.
        if let Some(kb) = std::fs::read_to_string(&path).ok().and_then(|text| {
            text.lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line[6..].split_whitespace().next()?.parse::<u64>().ok())
        }) {
            peak = peak.max(kb);
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    if !status.success() {
        return Err("retex export failed".into());
    }
    println!(
        "retex export --format jsonl     {:>8.1} s  ({:.0} MB); peak resident memory {:.0} MB",
        started.elapsed().as_secs_f64(),
        std::fs::metadata(&file)?.len() as f64 / 1e6,
        peak as f64 / 1e3
    );
    Ok(())
}
