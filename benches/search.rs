//! The search benchmark: `cargo bench --bench search` (set `RETEX_BENCH_SHEETS` for another size;
//! 100,000 by default). Prints figures; asserts nothing.
//!
//! 1. Generates a deterministic corpus (seeded) of French project sheets with 150–400-word bodies
//!    and lessons (one for five sheets), with the domain's vocabulary, accents and jargon.
//! 2. Loads it into a fresh SQLite database through the dataset use case, then rebuilds the index
//!    from the database (`retex reindex`): throughput, split database/index, index size.
//! 3. Runs a fixed set of queries (words, phrases, typos, filters, three facets, highlights), top 20,
//!    three ways on the same index: tantivy's own query parser (raw), retex's search layer, and the
//!    whole GraphQL schema in-process (hydration from the database and snippets). p50/p99 and ratios.
//! 4. Streams updates and measures the time from the write to searchable.
//! 5. Reports resident memory while serving and at peak.

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

/// A small, deterministic generator (SplitMix64).
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

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
const SENTENCES: &[&str] = &[
    "La Fabrique à initiatives a réuni les acteurs locaux pour objectiver les besoins sociaux du territoire.",
    "L’étude d’opportunité a confirmé la demande des habitants et des prescripteurs de l’insertion.",
    "Les élus de la communauté de communes ont soutenu la démarche dès le diagnostic.",
    "Le groupe-projet a comparé plusieurs scénarios de modèle économique hybride.",
    "La recherche du porteur de projet a pris plus de temps que prévu.",
    "Une association d’insertion a accepté de porter l’activité et de recruter des salariés.",
    "Les personnes âgées isolées en milieu rural manquent de solutions de mobilité.",
    "Les aidants familiaux expriment un besoin de répit et d’information.",
    "L’épicerie sociale propose des produits frais issus des circuits courts et de la vente directe.",
    "Le tiers-lieu accueille des ateliers, des permanences et des événements culturels.",
    "Les financements publics ont été complétés par du mécénat d’entreprise et des recettes propres.",
    "Le quartier prioritaire de la politique de la ville concentre les difficultés d’accès à l’emploi.",
    "La mobilisation des habitants a reposé sur des réunions publiques et un questionnaire.",
    "L’économie sociale et solidaire offre un cadre adapté à ces activités d’utilité sociale.",
    "Le garage associatif répare les véhicules des personnes en parcours d’insertion à prix réduit.",
    "Les partenaires ont signé une convention pour mutualiser les locaux et les moyens humains.",
    "L’évaluation de l’impact social mesure le nombre de bénéficiaires et la qualité du service.",
    "Le bien-vieillir à domicile suppose des services de proximité coordonnés.",
    "Les jeunes du territoire ont participé à la conception du service.",
    "La crise sanitaire a retardé le lancement de plusieurs mois.",
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

fn sentence_text(rng: &mut Seeded, words: usize) -> String {
    let mut text = String::new();
    while text.split_whitespace().count() < words {
        if !text.is_empty() {
            text.push(' ');
        }
        let sentence = *rng.pick::<&str>(SENTENCES);
        text.push_str(sentence);
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
        let (activity, label) = *rng.pick(ACTIVITIES);
        let place = rng.pick(PLACES);
        let year = 2015 + rng.below(9) as i32;
        let phases: Vec<PhaseRecordForm> = (0..1 + rng.below(4))
            .map(|p| PhaseRecordForm {
                phase: PHASES[p * 2].to_owned(),
                started_on: chrono::NaiveDate::from_ymd_opt(year + p as i32 / 2, 1 + (p as u32 * 3) % 12, 1),
                ended_on: chrono::NaiveDate::from_ymd_opt(year + p as i32 / 2, 1 + (p as u32 * 3) % 12, 28),
                methods: vec!["questionnaire".into(), "ateliers".into()],
                participants: vec!["élus".into(), "habitants".into()],
                outcome: sentence_text(&mut rng, 12),
            })
            .collect();
        let words = 150 + rng.below(251);
        let record = json!({
            "slug": format!("fiche-{i}"),
            "title": format!("{label} {} {place} {i}", if rng.chance(50) { "à" } else { "en" }),
            "summary": sentence_text(&mut rng, 25),
            "body": sentence_text(&mut rng, words),
            "activityType": activity,
            "programmes": [format!("programme-{}", rng.below(12))],
            "territories": [format!("territoire-{}", rng.below(300))],
            "supportingStructure": format!("structure-{}", rng.below(200)),
            "socialNeed": sentence_text(&mut rng, 15),
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
            let mut record: LessonRecord = serde_json::from_value(json!({
                "slug": format!("lecon-{i}"), "polarity": if rng.chance(75) { "SUCCESS_FACTOR" } else { "PITFALL" },
                "title": format!("{} ({i})", rng.pick(LESSON_TITLES)), "evidenceLevel": "SEVERAL_PROGRAMMES",
                "context": sentence_text(&mut rng, 40), "lesson": sentence_text(&mut rng, 25), "recommendation": sentence_text(&mut rng, 20),
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

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let sheets: usize = std::env::var("RETEX_BENCH_SHEETS").ok().and_then(|raw| raw.parse().ok()).unwrap_or(100_000);
    let iterations: usize = std::env::var("RETEX_BENCH_ITERATIONS").ok().and_then(|raw| raw.parse().ok()).unwrap_or(30);
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display());
    let index_dir = dir.path().join("index");
    println!(
        "retex search benchmark: {sheets} sheets, {} lessons, {iterations} runs of {} queries",
        sheets / 5,
        queries().len()
    );

    let started = Instant::now();
    let dataset = corpus(sheets);
    println!("generate corpus                 {:>8.1} s", started.elapsed().as_secs_f64());

    let app = App::open(&url).await?;
    let started = Instant::now();
    app.load_dataset(&Viewer::Editor { name: "bench".into() }, &dataset).await?;
    let load = started.elapsed().as_secs_f64();
    println!(
        "load into SQLite (one transaction) {:>5.1} s  ({:.0} records/s)",
        load,
        (sheets + sheets / 5) as f64 / load
    );
    drop(dataset);

    let started = Instant::now();
    let stats = retex::indexer::rebuild(app.store(), &index_dir).await?;
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

    let app = App::open_with_search(&url, &index_dir, Default::default()).await?;
    let index = app.search_index().ok_or("search is off")?;
    let schema = graphql::schema(app.clone());
    let public = Viewer::Public;

    // Warm up every path once.
    for query in queries() {
        let body = json!({ "query": GRAPHQL, "variables": { "q": query.text, "filter": query.filter } }).to_string();
        let response = transport::run(&schema, &app, public.clone(), transport::from_json_body(body.as_bytes())?).await;
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
            app.search(&public, request, 200).await?;
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
            app.search(&public, request, 200).await?;
            layer.push(started.elapsed());

            let body =
                json!({ "query": GRAPHQL, "variables": { "q": query.text, "filter": query.filter } }).to_string();
            let started = Instant::now();
            let request = transport::from_json_body(body.as_bytes())?;
            let response = transport::run(&schema, &app, public.clone(), request).await;
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

    // Freshness: each update returns once searchable; its latency bounds commit-to-searchable.
    let editor = Viewer::Editor { name: "bench".into() };
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
    println!("peak resident memory            {}", memory("VmHWM:"));
    app.shutdown().await;
    Ok(())
}
