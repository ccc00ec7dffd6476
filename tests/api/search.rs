//! French full-text search: plurals, accents, elisions, typos and jargon; phrases ranked first;
//! drafts never found; facet counts equal to filtered totals; the index equal to the database, even
//! after a crash of the indexer.

use std::time::Duration;

use retex::app::App;
use retex::domain::*;
use retex::indexer::{FailureInjection, IndexerOptions};
use retex::store::StoreSettings;
use serde_json::{Value, json};

use crate::harness::*;

fn corpus() -> Value {
    json!({
        "format": "retex-dataset/1",
        "territories": [
            { "slug": "creuse", "name": "Creuse", "level": "DEPARTMENT", "region": "NOUVELLE_AQUITAINE", "types": ["RURAL"] },
            { "slug": "belle-de-mai", "name": "Belle de Mai", "level": "QPV", "region": "PROVENCE_ALPES_COTE_D_AZUR", "types": ["QPV", "URBAN"] }
        ],
        "programmes": [
            { "slug": "garages", "name": "Émergence de garages solidaires", "startYear": 2020, "endYear": 2021 },
            { "slug": "fragiles", "name": "Territoires fragiles", "startYear": 2020, "endYear": 2021 }
        ],
        "sheets": [
            { "slug": "mobilite", "title": "Service de mobilité solidaire", "activityType": "MOBILITY_SERVICE", "status": "LAUNCHED",
              "programmes": ["fragiles"], "territories": ["creuse"], "themes": ["MOBILITY"],
              "summary": "Location de véhicules pour les personnes en insertion.",
              "body": "Les habitants isolés n’ont pas de solution pour aller travailler.",
              "phases": [{ "phase": "LAUNCH", "startedOn": "2021-03-01", "endedOn": "2021-09-30" }] },
            { "slug": "epicerie", "title": "Épicerie solidaire de la Belle de Mai", "activityType": "SOLIDARITY_GROCERY", "status": "LAUNCHING",
              "programmes": ["fragiles"], "territories": ["belle-de-mai"], "themes": ["FOOD"],
              "summary": "Une épicerie pour les familles du quartier.", "body": "Des produits frais à petits prix." },
            { "slug": "tiers-lieu", "title": "Tiers-lieu culturel", "activityType": "THIRD_PLACE", "status": "HOLDER_SEARCH",
              "programmes": ["fragiles"], "territories": ["belle-de-mai"], "themes": ["CULTURE"],
              "summary": "Un lieu de création.", "body": "Implanté dans un quartier prioritaire de la politique de la ville." },
            { "slug": "garage-phrase", "title": "Garage solidaire du Périgord", "activityType": "SOLIDARITY_GARAGE", "status": "LAUNCHED",
              "programmes": ["garages"], "territories": ["creuse"], "themes": ["MOBILITY"],
              "summary": "Réparations à prix solidaire." },
            { "slug": "garage-apart", "title": "Atelier solidaire et garage", "activityType": "REPAIR_AND_REUSE", "status": "IDEA",
              "programmes": ["fragiles"], "territories": ["creuse"], "themes": ["MOBILITY"],
              "summary": "Un atelier." },
            { "slug": "brouillon", "title": "Épicerie en brouillon", "activityType": "SOLIDARITY_GROCERY", "status": "IDEA",
              "programmes": ["garages"], "themes": ["FOOD"], "publicationStatus": "DRAFT" }
        ],
        "lessons": [
            { "slug": "elus", "polarity": "SUCCESS_FACTOR", "title": "Mobiliser les élus dès le diagnostic", "evidenceLevel": "SEVERAL_PROGRAMMES",
              "lesson": "Les élus ouvrent les portes des acteurs de la mobilité.", "categories": ["LOCAL_AUTHORITY_SUPPORT"], "themes": ["MOBILITY"],
              "evidenceLinks": [{ "sheet": "mobilite" }, { "sheet": "garage-phrase" }, { "sheet": "brouillon" }] }
        ]
    })
}

const SEARCH: &str = "query($q: String!, $filter: SearchFilter, $facets: [SearchDimension!]) {
    search(query: $q, filter: $filter, facets: $facets, first: 20) {
        totalCount
        hits { score snippets { field html } node { __typename ... on ProjectSheet { slug } ... on Lesson { slug } ... on Programme { slug } } }
        facets { dimension values { value label count } }
    } }";

async fn search(app: &TestApp, query: &str) -> Value {
    app.ok(SEARCH, json!({ "q": query })).await["search"].clone()
}

fn slugs(result: &Value) -> Vec<String> {
    result["hits"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|hit| hit["node"]["slug"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn french_queries_find_what_people_mean() {
    let app = spawn_app().await;
    app.load(corpus()).await;

    assert!(slugs(&search(&app, "mobilités").await).contains(&"mobilite".to_owned()), "plural finds singular");
    assert!(slugs(&search(&app, "mobilte").await).contains(&"mobilite".to_owned()), "a typo finds the word");
    assert!(slugs(&search(&app, "mobilté").await).contains(&"mobilite".to_owned()), "a typo with an accent too");
    assert_eq!(slugs(&search(&app, "l'épicerie").await), vec!["epicerie"], "an elision finds the word");
    // Both sheets are in a territory of type QPV (described by it); the tiers-lieu also says
    // « quartier prioritaire » in its body, and ranks first when those words are typed.
    let mut qpv = slugs(&search(&app, "QPV").await);
    qpv.sort();
    assert_eq!(qpv, vec!["epicerie", "tiers-lieu"], "the glossary expands jargon");
    let typed = slugs(&search(&app, "\"quartier prioritaire\"").await);
    assert_eq!(typed.first().map(String::as_str), Some("tiers-lieu"), "the sheet that says it first: {typed:?}");
    assert_eq!(slugs(&search(&app, "tiers lieux").await), vec!["tiers-lieu"], "hyphens and plurals meet");

    let epicerie = search(&app, "epicerie").await;
    assert_eq!(slugs(&epicerie), vec!["epicerie"]);
    let title = epicerie["hits"][0]["snippets"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["field"] == "title")
        .cloned()
        .unwrap_or_default();
    assert!(title["html"].as_str().unwrap_or_default().contains("<mark>Épicerie</mark>"), "{title}");

    let sheets = |q: &str| {
        let app = &app;
        let q = q.to_owned();
        async move { app.ok(SEARCH, json!({ "q": q, "filter": { "kinds": ["SHEET"] } })).await["search"].clone() }
    };
    let phrase = sheets("\"garage solidaire\"").await;
    assert_eq!(slugs(&phrase), vec!["garage-phrase"], "a phrase matches words in order only");
    let plural_phrase = search(&app, "\"garages solidaires\"").await;
    assert!(slugs(&plural_phrase).contains(&"garages".to_owned()), "a phrase also matches its plural: {plural_phrase}");
    let words = sheets("garage solidaire").await;
    assert_eq!(
        slugs(&words).first().map(String::as_str),
        Some("garage-phrase"),
        "the exact phrase ranks first: {words}"
    );
    assert!(slugs(&words).contains(&"garage-apart".to_owned()));

    assert_eq!(slugs(&sheets("garage -périgord").await), vec!["garage-apart"], "exclusion");
    let either = slugs(&sheets("périgord OR épicerie").await);
    assert_eq!(either.len(), 2, "{either:?}");
    for nonsense in ["\"unclosed", "title:(garage", "-", "OR", "AND NOT ((", "*", "^2~"] {
        let response = app.post(SEARCH, json!({ "q": nonsense })).await;
        assert!(response.get("errors").is_none(), "`{nonsense}` must not be an error: {response}");
    }
    let recent = search(&app, "").await;
    assert_eq!(recent["totalCount"], 8, "an empty query lists every published record");
}

#[tokio::test]
async fn a_draft_never_appears_in_hits_counts_facets_or_suggestions() {
    let app = spawn_app().await;
    app.load(corpus()).await;

    let result = app.ok(SEARCH, json!({ "q": "épicerie", "facets": ["THEME", "PROGRAMME"] })).await["search"].clone();
    assert_eq!(slugs(&result), vec!["epicerie"]);
    assert_eq!(result["totalCount"], 1);
    let programmes = &result["facets"][1]["values"];
    assert_eq!(programmes.as_array().map(Vec::len), Some(1), "the draft's programme is not counted: {programmes}");
    assert_eq!(programmes[0]["label"], "Territoires fragiles");

    let suggestions = app.ok("{ suggest(prefix: \"épi\") { text node { __typename } } }", json!({})).await;
    let texts: Vec<&str> =
        suggestions["suggest"].as_array().into_iter().flatten().filter_map(|s| s["text"].as_str()).collect();
    assert!(texts.contains(&"Épicerie solidaire de la Belle de Mai"), "{texts:?}");
    assert!(texts.contains(&"épicerie solidaire"), "glossary terms are suggested: {texts:?}");
    assert!(!texts.contains(&"Épicerie en brouillon"), "{texts:?}");

    // The lesson's programmes come from its published sheets only.
    let lesson = app
        .ok(SEARCH, json!({ "q": "élus", "facets": ["PROGRAMME"], "filter": { "kinds": ["LESSON"] } }))
        .await["search"]
        .clone();
    assert_eq!(lesson["facets"][0]["values"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn facet_counts_equal_the_filtered_totals() {
    let app = spawn_app().await;
    app.load(corpus()).await;
    let all = app
        .ok(SEARCH, json!({ "q": "", "facets": ["THEME", "STATUS", "TERRITORY_TYPE", "KIND", "PROGRAMME"] }))
        .await["search"]
        .clone();
    let mut checked = 0;
    for facet in all["facets"].as_array().into_iter().flatten() {
        let field = match facet["dimension"].as_str() {
            Some("THEME") => "themes",
            Some("STATUS") => "statuses",
            Some("TERRITORY_TYPE") => "territoryTypes",
            Some("KIND") => "kinds",
            Some("PROGRAMME") => "programmes",
            _ => continue,
        };
        for value in facet["values"].as_array().into_iter().flatten() {
            let filtered = app.ok(SEARCH, json!({ "q": "", "filter": { field: [value["value"]] } })).await;
            assert_eq!(filtered["search"]["totalCount"], value["count"], "{field} = {}", value["value"]);
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} facet values checked");
    let years =
        app.ok(SEARCH, json!({ "q": "", "filter": { "yearFrom": 2021, "yearTo": 2021, "kinds": ["SHEET"] } })).await;
    assert_eq!(years["search"]["totalCount"], 1, "only the sheet with a phase in 2021");
}

#[tokio::test]
async fn a_change_is_searchable_when_its_mutation_returns() {
    let app = spawn_app().await;
    let created = sheet(&app, "Conciergerie itinérante pour les aînés", json!({})).await;
    assert_eq!(search(&app, "conciergerie").await["totalCount"], 0, "a draft is not found");
    publish(&app, created["id"].as_str().unwrap_or_default(), 1).await;
    assert_eq!(slugs(&search(&app, "conciergeries").await), vec!["conciergerie-itinerante-pour-les-aines"]);

    app.ok(
        "mutation($id: ID!) { updateSheet(id: $id, version: 3, patch: { title: \"Conciergerie mobile\" }) { version } }",
        json!({ "id": created["id"] }),
    )
    .await;
    assert_eq!(search(&app, "itinérante").await["totalCount"], 0, "the old title is gone");
    assert_eq!(search(&app, "mobile").await["totalCount"], 1);
    app.ok("mutation($id: ID!) { archive(id: $id, version: 4) { version } }", json!({ "id": created["id"] })).await;
    assert_eq!(search(&app, "conciergerie").await["totalCount"], 0, "archived records leave search");
}

#[tokio::test]
async fn the_glossary_is_editable_without_a_restart() {
    let app = spawn_app().await;
    app.load(corpus()).await;
    assert_eq!(search(&app, "artistes").await["totalCount"], 0);
    let saved = app
        .ok("mutation { saveGlossaryEntry(terms: [\"artistes\", \"création\"]) { id version terms } }", json!({}))
        .await;
    assert_eq!(saved["saveGlossaryEntry"]["terms"], json!(["artistes", "création"]));
    assert_eq!(slugs(&search(&app, "artistes").await), vec!["tiers-lieu"]);

    let refused = app.fails("mutation { saveGlossaryEntry(terms: [\"seul\"]) { id } }", json!({})).await;
    assert_eq!(code(&refused), "INVALID_INPUT");
    let entries = app.ok("{ glossary { id terms } }", json!({})).await;
    assert!(entries["glossary"].as_array().map(Vec::len) >= Some(9), "the seeded entries are there");
}

#[tokio::test]
async fn similar_finds_records_like_this_one() {
    let app = spawn_app().await;
    app.load(corpus()).await;
    let id = app.ok("{ sheet(slug: \"garage-phrase\") { id } }", json!({})).await["sheet"]["id"].clone();
    let similar = app
        .ok("query($id: ID!) { similar(id: $id) { node { ... on ProjectSheet { slug } } } }", json!({ "id": id }))
        .await;
    let found: Vec<&str> =
        similar["similar"].as_array().into_iter().flatten().filter_map(|hit| hit["node"]["slug"].as_str()).collect();
    assert!(found.contains(&"garage-apart"), "{found:?}");
    assert!(!found.contains(&"garage-phrase"), "a record is not similar to itself");
}

/// Every record of the database with its version, as the index should hold it.
/// What the index must hold: every published record, as (kind, id, version).
async fn database_contents(app: &App) -> Vec<(Kind, i64, i32)> {
    let editor = Viewer::System { name: "test".into() };
    let all = vec![PublicationStatus::Published];
    let page = PageRequest { size: 100, ..PageRequest::default() };
    let mut contents = Vec::new();
    let sort = Sort::default();
    for sheet in
        app.list::<SheetFields>(&editor, &all, &SheetFilter::default(), sort, &page).await.expect("sheets").rows
    {
        contents.push((Kind::Sheet, sheet.1.id.get(), sheet.1.meta.version));
    }
    for lesson in
        app.list::<LessonFields>(&editor, &all, &LessonFilter::default(), sort, &page).await.expect("lessons").rows
    {
        contents.push((Kind::Lesson, lesson.1.id.get(), lesson.1.meta.version));
    }
    for programme in app
        .list::<ProgrammeFields>(&editor, &all, &ProgrammeFilter::default(), sort, &page)
        .await
        .expect("programmes")
        .rows
    {
        contents.push((Kind::Programme, programme.1.id.get(), programme.1.meta.version));
    }
    for organisation in app
        .list::<OrganisationFields>(&editor, &all, &OrganisationFilter::default(), sort, &page)
        .await
        .expect("organisations")
        .rows
    {
        contents.push((Kind::Organisation, organisation.1.id.get(), organisation.1.meta.version));
    }
    contents.sort();
    contents
}

#[tokio::test]
async fn a_restart_after_an_aborted_indexer_leaves_the_index_equal_to_the_database() {
    let (url, _dir) = fresh_database().await;
    let index = tempfile::tempdir().expect("a folder");
    let editor = Viewer::System { name: "test".into() };

    // First run: the indexer dies in the middle of its first batch, before committing it.
    let crashing = FailureInjection { crash_after_documents: Some(3) };
    let options = IndexerOptions { failure: crashing, ..IndexerOptions::default() };
    let app = App::open_search_with(&url, &StoreSettings::default(), index.path(), options).await.expect("open");
    let dataset = serde_json::from_value(retex_demo()).expect("the demo parses");
    app.load_dataset(&editor, &dataset).await.expect("load");
    let partial = app.index_contents().await.expect("contents");
    assert!(partial.is_empty(), "nothing of the aborted batch was committed: {} documents", partial.len());
    app.shutdown().await;
    drop(app);

    // Second run: the indexer resumes from the last commit and catches up.
    let app = App::open_with_search(&url, index.path()).await.expect("reopen");
    let mut indexed = Vec::new();
    let expected = database_contents(&app).await;
    for _ in 0..100 {
        indexed = app.index_contents().await.expect("contents");
        if indexed == expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(indexed.len(), expected.len());
    assert_eq!(indexed, expected, "the index holds exactly what the database holds");
    let lag = app.index_lag().await.expect("lag").expect("search is on");
    assert_eq!(lag.pending, 0);
    app.shutdown().await;
}

fn retex_demo() -> Value {
    serde_json::from_str(retex::demo::DEMO_JSON).expect("the demo is JSON")
}

#[tokio::test]
async fn reindex_builds_a_new_generation_and_the_server_switches_to_it_while_answering() {
    let app = spawn_app().await;
    app.load(corpus()).await;
    let before = retex::search::generations::current(app.index.path()).expect("read CURRENT").expect("a generation");
    let expected = search(&app, "garage").await;

    let stats = retex::indexer::rebuild(app.app.store(), app.index.path(), &retex::domain::Progress::default())
        .await
        .expect("rebuild");
    assert_eq!(stats.documents, 8, "5 published sheets, 1 lesson and 2 programmes: the draft sheet is not indexed");
    let after = retex::search::generations::current(app.index.path()).expect("read CURRENT").expect("a generation");
    assert_ne!(before, after, "a new generation is current");

    // The server answers all along, and switches within its polling interval.
    for _ in 0..30 {
        assert_eq!(search(&app, "garage").await["totalCount"], expected["totalCount"]);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let created = sheet(&app, "Garage solidaire de Retiers", json!({})).await;
    publish(&app, created["id"].as_str().unwrap_or_default(), 1).await;
    assert_eq!(search(&app, "Retiers").await["totalCount"], 1, "the new generation follows the change log");
    assert!(!before.exists() || before != after);
}

/// What a record is described by (its vocabulary labels, the names of its programmes, territories and
/// structures) finds it, below a record that says the words; renaming a programme re-describes its
/// sheets at once; a draft's name never describes anything.
#[tokio::test]
async fn vocabularies_and_names_describe_a_record() {
    let app = spawn_app().await;
    app.load(corpus()).await;

    let mobility = slugs(&search(&app, "mobilité").await);
    assert_eq!(mobility.first().map(String::as_str), Some("mobilite"), "the sheet that says it first: {mobility:?}");
    assert!(mobility.contains(&"garage-phrase".to_owned()), "a sheet whose theme is Mobilité: {mobility:?}");
    assert_eq!(slugs(&search(&app, "alimentation").await), vec!["epicerie"], "a theme's label");
    let region = slugs(&search(&app, "Nouvelle-Aquitaine").await);
    for slug in ["mobilite", "garage-phrase", "garage-apart"] {
        assert!(region.contains(&slug.to_owned()), "{slug} is in a territory of the region: {region:?}");
    }
    assert!(!region.contains(&"epicerie".to_owned()), "{region:?}");
    assert!(slugs(&search(&app, "creuse").await).contains(&"garage-apart".to_owned()), "a territory's name");
    // A match in what describes a record shows where it came from.
    let described = search(&app, "alimentation").await;
    let fields: Vec<&str> =
        described["hits"][0]["snippets"].as_array().into_iter().flatten().filter_map(|s| s["field"].as_str()).collect();
    assert_eq!(fields, vec!["labels"], "{described}");

    // Renaming a programme re-describes its sheets.
    let programme = app.ok("{ programme(slug: \"fragiles\") { id version } }", json!({})).await["programme"].clone();
    assert!(slugs(&search(&app, "rebaptisé").await).is_empty());
    app.ok(
        "mutation($id: ID!, $version: Int!) { updateProgramme(id: $id, version: $version, patch: { name: \"Programme rebaptisé\" }) { version } }",
        json!({ "id": programme["id"], "version": programme["version"] }),
    )
    .await;
    let renamed = slugs(&search(&app, "rebaptisé").await);
    for slug in ["fragiles", "mobilite", "epicerie", "tiers-lieu", "garage-apart"] {
        assert!(renamed.contains(&slug.to_owned()), "{slug} after the rename: {renamed:?}");
    }
    // The draft sheet « Épicerie en brouillon » is in the lesson's evidence: its words describe nothing.
    assert!(!slugs(&search(&app, "brouillon").await).contains(&"elus".to_owned()));
}

/// The thesaurus of the field is the default glossary (each group with its source); a term finds its
/// synonyms below the records that say it, and its narrower terms one way only; the glossary meets
/// plurals and the words between (« facteurs de succès » meets « facteur de succès »).
#[tokio::test]
async fn the_shipped_thesaurus_expands_queries_one_way_and_below_the_typed_words() {
    let app = spawn_app().await;
    app.load(corpus()).await;
    let entries = app.ok("{ glossary { terms narrower source } }", json!({})).await["glossary"].clone();
    let entries = entries.as_array().cloned().unwrap_or_default();
    assert!(entries.len() >= 150, "{} entries", entries.len());
    assert!(entries.iter().all(|entry| !entry["source"].as_str().unwrap_or_default().is_empty()), "a source per group");
    assert!(entries.iter().any(|entry| entry["narrower"].as_array().is_some_and(|list| !list.is_empty())));

    // A broad term finds the narrower; the narrower does not find the broad.
    app.ok(
        "mutation { saveGlossaryEntry(terms: [\"accompagnement vers l'emploi\"], narrower: [\"location de véhicules\"], source: \"Essai\") { id } }",
        json!({}),
    )
    .await;
    let broad = slugs(&search(&app, "accompagnement vers l'emploi").await);
    assert_eq!(broad, vec!["mobilite"], "the narrower term is found");
    app.load(json!({ "format": "retex-dataset/1", "sheets": [
        { "slug": "accompagnement", "title": "Accompagnement vers l'emploi", "activityType": "EMPLOYMENT_SERVICE", "status": "IDEA" }
    ] }))
    .await;
    let narrow = slugs(&search(&app, "location de véhicules").await);
    assert!(!narrow.contains(&"accompagnement".to_owned()), "one way only: {narrow:?}");
    let broad = slugs(&search(&app, "accompagnement vers l'emploi").await);
    assert_eq!(broad.first().map(String::as_str), Some("accompagnement"), "the typed words rank first: {broad:?}");

    // Plurals meet the glossary: « quartiers prioritaires » expands like « quartier prioritaire ».
    let plural = slugs(&search(&app, "quartiers prioritaires").await);
    assert!(plural.contains(&"tiers-lieu".to_owned()), "{plural:?}");
    let acronym = slugs(&search(&app, "QPV").await);
    assert!(acronym.contains(&"tiers-lieu".to_owned()), "{acronym:?}");

    // Bad input: an entry of one term without narrower terms, a source over one line.
    let lonely = app.fails("mutation { saveGlossaryEntry(terms: [\"seul\"]) { id } }", json!({})).await;
    assert_eq!(code(&lonely), "INVALID_INPUT");
    let long = "x".repeat(301);
    let refused = app
        .fails(
            "mutation($s: String!) { saveGlossaryEntry(terms: [\"a\", \"b\"], source: $s) { id } }",
            json!({ "s": long }),
        )
        .await;
    assert_eq!(code(&refused), "INVALID_INPUT", "{refused}");
    let twice =
        app.fails("mutation { saveGlossaryEntry(terms: [\"vélo\"], narrower: [\"Vélo\"]) { id } }", json!({})).await;
    assert_eq!(code(&twice), "INVALID_INPUT", "{twice}");
}

const CARDS: &str = "query($q: String!, $first: Int!) { search(query: $q, first: $first) {
    hits { node { __typename id slug publicationStatus version
        ... on ProjectSheet { title summary updatedAt } ... on Lesson { title lesson updatedAt } ... on Programme { name summary updatedAt } } }
    pageInfo { hasNextPage endCursor } } }";

const BEYOND_CARDS: &str = "query($q: String!, $first: Int!) { search(query: $q, first: $first) {
    hits { node { __typename id ... on ProjectSheet { title themes } ... on Lesson { title themes } ... on Programme { name themes } } } } }";

#[tokio::test]
async fn a_page_of_hits_is_shown_from_the_index_and_equals_the_database() {
    let app = spawn_app().await;
    app.load(corpus()).await;

    // What a hit's card shows is what the database holds, field for field.
    let hits = app.ok_as(None, CARDS, json!({ "q": "solidaire OR mobilité OR élus", "first": 20 })).await;
    let hits = hits["search"]["hits"].as_array().cloned().unwrap_or_default();
    assert!(hits.len() >= 4, "{hits:?}");
    for hit in &hits {
        let node = &hit["node"];
        let stored = app
            .ok_as(
                None,
                "query($id: ID!) { node(id: $id) { __typename id slug publicationStatus version
                    ... on ProjectSheet { title summary updatedAt } ... on Lesson { title lesson updatedAt } ... on Programme { name summary updatedAt } } }",
                json!({ "id": node["id"] }),
            )
            .await;
        assert_eq!(node, &stored["node"], "the hit shows the record as the database holds it");
    }

    // A page of hits that asks only for what the cards hold sends no SQL statement; one that asks
    // for more reads the records (one batch per kind and page). The indexer polls the database
    // meanwhile, a statement or two at most.
    let runs = 20;
    let before = app.statements();
    for _ in 0..runs {
        app.ok_as(None, CARDS, json!({ "q": "garage solidaire", "first": 10 })).await;
    }
    let from_cards = app.statements() - before;
    let before = app.statements();
    for _ in 0..runs {
        app.ok_as(None, BEYOND_CARDS, json!({ "q": "garage solidaire", "first": 10 })).await;
    }
    let beyond = app.statements() - before;
    assert!(from_cards <= 5, "{runs} pages of hits from their cards sent {from_cards} statements");
    assert!(beyond >= runs, "{runs} pages asking beyond the cards sent {beyond} statements");

    // An edit shows in the card once its mutation returns.
    let id = hits.iter().find(|hit| hit["node"]["slug"] == "mobilite").map(|hit| hit["node"]["id"].clone());
    let version = hits.iter().find(|hit| hit["node"]["slug"] == "mobilite").map(|hit| hit["node"]["version"].clone());
    app.ok(
        "mutation($id: ID!, $version: Int!) { updateSheet(id: $id, version: $version, patch: { title: \"Service de mobilité partagée\" }) { version } }",
        json!({ "id": id, "version": version }),
    )
    .await;
    let after = app.ok_as(None, CARDS, json!({ "q": "partagée", "first": 10 })).await;
    assert_eq!(after["search"]["hits"][0]["node"]["title"], "Service de mobilité partagée");
}

#[tokio::test]
async fn the_total_is_counted_only_when_asked_and_pages_still_know_what_follows() {
    let app = spawn_app().await;
    app.load(corpus()).await;
    let total = search(&app, "solidaire").await["totalCount"].as_i64().unwrap_or_default();
    assert!(total >= 3, "{total}");

    // Without `totalCount`, a page still tells whether another follows, up to the last one.
    let mut after: Option<String> = None;
    let mut seen = 0;
    loop {
        let page = app
            .ok(
                "query($after: String) { search(query: \"solidaire\", first: 2, after: $after) { hits { score } pageInfo { hasNextPage endCursor } } }",
                json!({ "after": after }),
            )
            .await;
        let page = &page["search"];
        seen += page["hits"].as_array().map(Vec::len).unwrap_or_default() as i64;
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
        assert!(seen < 100, "the pages never end");
    }
    assert_eq!(seen, total, "the pages hold every match, and the last one says so");

    // Asked through a fragment, the total is counted too.
    let fragment = app
        .ok(
            "{ search(query: \"solidaire\") { ...counted } } fragment counted on SearchResults { totalCount }",
            json!({}),
        )
        .await;
    assert_eq!(fragment["search"]["totalCount"], total);
}

#[tokio::test]
async fn a_quoted_phrase_finds_its_words_in_order_in_bodies_with_plurals_and_small_words() {
    let app = spawn_app().await;
    app.load(json!({
        "format": "retex-dataset/1",
        "sheets": [
            { "slug": "en-ordre", "title": "Un atelier", "activityType": "REPAIR_AND_REUSE", "status": "LAUNCHED",
              "body": "Les visites de chantiers ont eu lieu pendant deux ans." },
            { "slug": "avec-article", "title": "Un garage", "activityType": "SOLIDARITY_GARAGE", "status": "LAUNCHED",
              "body": "Nous avons organisé la visite du chantier avec la mairie." },
            { "slug": "en-desordre", "title": "Une épicerie", "activityType": "SOLIDARITY_GROCERY", "status": "LAUNCHED",
              "body": "Un chantier qui attend encore la visite de l’inspecteur, faute de date." }
        ]
    }))
    .await;
    let mut found = slugs(&search(&app, "\"visite de chantier\"").await);
    found.sort();
    assert_eq!(found, vec!["avec-article", "en-ordre"], "the phrase, singular or plural, with « du » or « de »");
    let words = slugs(&search(&app, "visite chantier").await);
    assert_eq!(words.len(), 3, "the words apart still match as words: {words:?}");
    assert_eq!(words.last().map(String::as_str), Some("en-desordre"), "the words in order rank first: {words:?}");
}
