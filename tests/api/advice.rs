//! Lessons at the moment of need: advice for a sheet and for a project not yet written, checklists,
//! capitalisation guides (GraphQL and `retex guide`), Atom feeds and saved searches. Every figure is
//! checked against the demo dataset's JSON file, and every path shows published records only.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use retex::domain::Vocabulary;

use crate::harness::*;

fn list<'a>(dataset: &'a Value, name: &str) -> impl Iterator<Item = &'a Value> {
    dataset[name].as_array().into_iter().flatten()
}

const ITEM: &str =
    "score alreadyLinked programmes sheets reasons { criterion label } contradictedBy { slug publicationStatus }
    lesson { slug publicationStatus phases polarity }";

fn sheet_advice(phase: &str) -> String {
    format!(
        "query($slug: String!) {{ sheet(slug: $slug) {{ status advice({phase}first: 50) {{ phase phaseLabel items {{ {ITEM} }} }} }} }}"
    )
}

fn slugs(items: &Value) -> Vec<String> {
    items
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| item["lesson"]["slug"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn a_sheet_gets_the_published_lessons_of_a_phase_ranked_with_why_and_its_own_marked() {
    let app = spawn_demo().await;
    let dataset = demo_dataset();
    let slug = "garage-solidaire-pays-de-brest-carhaix";
    let data = app.ok(&sheet_advice("phase: OPPORTUNITY_STUDY, "), json!({ "slug": slug })).await;
    let advice = &data["sheet"]["advice"];
    assert_eq!(advice["phase"], "OPPORTUNITY_STUDY");
    assert_eq!(advice["phaseLabel"], "Étude d’opportunité");

    // Exactly the published lessons of the phase, as the dataset says.
    let expected: BTreeSet<String> = list(&dataset, "lessons")
        .filter(|lesson| published(lesson) && strings(&lesson["phases"]).contains(&"OPPORTUNITY_STUDY".to_owned()))
        .map(|lesson| lesson["slug"].as_str().unwrap_or_default().to_owned())
        .collect();
    let offered: BTreeSet<String> = slugs(&advice["items"]).into_iter().collect();
    assert!(!expected.is_empty());
    assert_eq!(offered, expected);

    let own: BTreeSet<String> = list(&dataset, "lessons")
        .filter(|lesson| list(lesson, "evidenceLinks").any(|link| link["sheet"] == slug))
        .map(|lesson| lesson["slug"].as_str().unwrap_or_default().to_owned())
        .collect();
    let mut last = f64::INFINITY;
    for item in advice["items"].as_array().expect("items") {
        let score = item["score"].as_f64().expect("a score");
        assert!(score <= last, "ranked best first: {score} after {last}");
        last = score;
        let lesson = item["lesson"]["slug"].as_str().expect("a slug");
        assert_eq!(item["alreadyLinked"].as_bool(), Some(own.contains(lesson)), "{lesson}");
        assert_eq!(item["reasons"][0]["criterion"], "PHASE");
        assert_eq!(item["reasons"][0]["label"], "Concerne l’étape : Étude d’opportunité");
    }
    // The top lesson fits a garage: it shares the activity or the theme, and says so in French.
    let top = &advice["items"][0];
    let labels: Vec<String> = top["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|reason| reason["label"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        labels
            .iter()
            .any(|label| label.starts_with("Même type d’activité : Garage solidaire")
                || label == "Même thème : Mobilité"),
        "{labels:?}"
    );

    // By default, the phase after the sheet's current one: a launched sheet that lived its
    // consolidation gets consolidation, the last phase.
    let data = app.ok(&sheet_advice(""), json!({ "slug": "garage-solidaire-nord-drome-ardeche" })).await;
    assert_eq!(data["sheet"]["advice"]["phase"], "CONSOLIDATION");
    let data = app.ok(&sheet_advice(""), json!({ "slug": "cooperation-culture-ess-friche-belle-de-mai" })).await;
    assert_eq!(data["sheet"]["status"], "OPPORTUNITY_STUDY");
    assert_eq!(data["sheet"]["advice"]["phase"], "PROJECT_GROUP");
}

#[tokio::test]
async fn advice_never_offers_nor_counts_what_is_not_published_even_to_an_administrator() {
    let app = spawn_demo().await;
    // The draft and the submitted lessons of the demo are never offered.
    let data =
        app.ok(&sheet_advice("phase: FEASIBILITY_STUDY, "), json!({ "slug": "garage-solidaire-argentanais" })).await;
    assert!(
        !slugs(&data["sheet"]["advice"]["items"])
            .contains(&"recruter-l-encadrant-technique-avant-l-ouverture".to_owned())
    );
    let data = app.ok(&sheet_advice("phase: IDEATION, "), json!({ "slug": "tiers-lieu-26fk" })).await;
    assert!(
        !slugs(&data["sheet"]["advice"]["items"])
            .contains(&"utiliser-un-atelier-court-de-co-construction-pour-tester-les-pistes".to_owned())
    );

    // A published lesson observed in a draft sheet only, and contradicted by another draft.
    app.load(json!({
        "format": "retex-dataset/1",
        "sheets": [
            { "slug": "fiche-brouillon-observee", "title": "Garage solidaire en préparation", "activityType": "SOLIDARITY_GARAGE",
              "status": "LAUNCHED", "themes": ["MOBILITY"], "publicationStatus": "DRAFT" },
            { "slug": "fiche-brouillon-contraire", "title": "Garage solidaire contraire", "activityType": "SOLIDARITY_GARAGE",
              "status": "LAUNCHED", "themes": ["MOBILITY"], "publicationStatus": "DRAFT" }
        ],
        "lessons": [
            { "slug": "lecon-vue-en-brouillon", "polarity": "SUCCESS_FACTOR", "title": "Ouvrir un atelier mobile dans les bourgs",
              "lesson": "Un atelier mobile rapproche le garage des habitants.", "evidenceLevel": "ONE_PROJECT",
              "phases": ["LAUNCH"], "publicationStatus": "PUBLISHED",
              "evidenceLinks": [ { "sheet": "fiche-brouillon-observee" },
                                 { "sheet": "fiche-brouillon-contraire", "role": "CONTRADICTED_BY" } ] }
        ]
    }))
    .await;
    for token in [None, Some(app.admin.as_str())] {
        let data = app
            .ok_as(token, &sheet_advice("phase: LAUNCH, "), json!({ "slug": "garage-solidaire-perigord-vert" }))
            .await;
        let items = data["sheet"]["advice"]["items"].as_array().expect("items").clone();
        let item =
            items.iter().find(|item| item["lesson"]["slug"] == "lecon-vue-en-brouillon").expect("the published lesson");
        assert_eq!(item["sheets"], 0, "a draft sheet is not evidence: {item:#}");
        assert_eq!(item["contradictedBy"], json!([]), "a draft sheet never shows: {item:#}");
        assert!(
            !item["reasons"].as_array().expect("reasons").iter().any(|reason| reason["criterion"] == "ACTIVITY_TYPE")
        );
        for item in &items {
            assert_eq!(item["lesson"]["publicationStatus"], "PUBLISHED");
            for sheet in item["contradictedBy"].as_array().expect("sheets") {
                assert_eq!(sheet["publicationStatus"], "PUBLISHED");
            }
        }
    }
    // A published contradiction shows, with its sheet.
    let data =
        app.ok(&sheet_advice("phase: HOLDER_SEARCH, "), json!({ "slug": "garage-solidaire-perigord-vert" })).await;
    let items = data["sheet"]["advice"]["items"].as_array().expect("items").clone();
    let contradicted = items
        .iter()
        .find(|item| item["lesson"]["slug"] == "adosser-le-service-a-une-structure-d-insertion-existante")
        .expect("the contradicted lesson concerns the search for a holder");
    assert_eq!(
        contradicted["contradictedBy"],
        json!([{ "slug": "garage-solidaire-decines-charpieu", "publicationStatus": "PUBLISHED" }])
    );
    // A draft sheet asked for by who may not see it is NOT_FOUND, by who may, advised.
    let query = sheet_advice("");
    let error = app.fails_as(None, &query, json!({ "slug": "atelier-velo-solidaire-brest-metropole" })).await;
    assert_eq!(code(&error), "NOT_FOUND");
    app.ok(&query, json!({ "slug": "atelier-velo-solidaire-brest-metropole" })).await;
}

const PROJECT: &str =
    "query($input: AdviceInput!, $first: Int!) { advice(input: $input, first: $first) { phase items { ITEM } } }";

#[tokio::test]
async fn a_project_not_yet_written_gets_advice_and_a_checklist_phase_by_phase() {
    let app = spawn_demo().await;
    let input = json!({
        "description": "Créer un garage solidaire pour que les habitants d’un territoire rural en insertion puissent réparer leur voiture et aller travailler.",
        "themes": ["MOBILITY"], "territoryTypes": ["RURAL"], "targetPublics": ["JOB_SEEKERS"], "phase": "OPPORTUNITY_STUDY"
    });
    let data = app.ok_as(None, &PROJECT.replace("ITEM", ITEM), json!({ "input": input, "first": 3 })).await;
    let items = data["advice"]["items"].as_array().expect("items");
    assert_eq!(data["advice"]["phase"], "OPPORTUNITY_STUDY");
    assert_eq!(items.len(), 3);
    for item in items {
        assert_eq!(item["alreadyLinked"], false);
        assert!(strings(&item["lesson"]["phases"]).contains(&"OPPORTUNITY_STUDY".to_owned()));
    }
    let labels: Vec<&str> =
        items[0]["reasons"].as_array().expect("reasons").iter().filter_map(|r| r["label"].as_str()).collect();
    assert!(labels.contains(&"Même thème : Mobilité"), "{labels:?}");

    let checklist = "query($input: AdviceInput!) { checklist(input: $input, perPhase: 2) { phase phaseLabel items { lesson { slug phases } } } }";
    let mut input = input;
    input["phase"] = Value::Null;
    let data = app.ok_as(None, checklist, json!({ "input": input })).await;
    let phases: Vec<&str> =
        data["checklist"].as_array().expect("steps").iter().filter_map(|step| step["phase"].as_str()).collect();
    assert_eq!(
        phases,
        [
            "NEEDS_DETECTION",
            "IDEATION",
            "OPPORTUNITY_STUDY",
            "PROJECT_GROUP",
            "HOLDER_SEARCH",
            "FEASIBILITY_STUDY",
            "LAUNCH"
        ]
    );
    for step in data["checklist"].as_array().expect("steps") {
        let items = step["items"].as_array().expect("items");
        assert!(items.len() <= 2);
        for item in items {
            assert!(
                strings(&item["lesson"]["phases"]).contains(&step["phase"].as_str().unwrap_or_default().to_owned())
            );
        }
    }
    input["phase"] = json!("HOLDER_SEARCH");
    let data = app.ok_as(None, checklist, json!({ "input": input })).await;
    assert_eq!(data["checklist"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn bad_advice_input_gets_a_specific_error() {
    let app = spawn_demo().await;
    let query = PROJECT.replace("ITEM", "score");
    for (input, first, field) in [
        (json!({ "description": "   " }), 5, "input.description"),
        (json!({ "description": "é".repeat(5_001) }), 5, "input.description"),
        (json!({ "description": "Un garage" }), 0, "first"),
        (json!({ "description": "Un garage" }), 51, "first"),
    ] {
        let error = app.fails_as(None, &query, json!({ "input": input, "first": first })).await;
        assert_eq!(code(&error), "INVALID_INPUT", "{error:#}");
        assert!(error["message"].as_str().unwrap_or_default().contains(field), "{error:#}");
    }
    // Unknown vocabulary values are refused by the schema, naming the value.
    for input in [
        json!({ "description": "Un garage", "phase": "LAUNCHING" }),
        json!({ "description": "Un garage", "themes": ["SPORT"] }),
    ] {
        let response = app.post_as(None, &query, json!({ "input": input, "first": 5 })).await;
        let message = response["errors"][0]["message"].as_str().unwrap_or_default().to_owned();
        assert!(message.contains("LAUNCHING") || message.contains("SPORT"), "{response:#}");
        assert!(response["data"].is_null(), "{response:#}");
    }
    let error = app
        .fails("query { sheet(slug: \"garage-solidaire-perigord-vert\") { advice(first: 100) { phase } } }", json!({}))
        .await;
    assert_eq!(code(&error), "INVALID_INPUT");
}

const GUIDE: &str = "query($filter: GuideFilter!) { guide(filter: $filter) { title sheetCount programmeCount markdown
    phases { phase label successFactors { ENTRY } pitfalls { ENTRY } }
    indicators { name unit sheets target actual } } }";
const ENTRY: &str =
    "programmes sheets lesson { slug polarity publicationStatus } example { slug } testimony { quote sheet { slug } }";

#[tokio::test]
async fn a_guide_counts_the_evidence_of_its_published_sheets_by_phase() {
    let app = spawn_demo().await;
    let dataset = demo_dataset();
    let data = app.ok_as(None, &GUIDE.replace("ENTRY", ENTRY), json!({ "filter": { "theme": "MOBILITY" } })).await;
    let guide = &data["guide"];
    assert_eq!(guide["title"], "Guide de capitalisation — Mobilité");

    // The sheets: published, with the theme.
    let sheets: BTreeMap<String, &Value> = list(&dataset, "sheets")
        .filter(|sheet| published(sheet) && strings(&sheet["themes"]).contains(&"MOBILITY".to_owned()))
        .map(|sheet| (sheet["slug"].as_str().unwrap_or_default().to_owned(), sheet))
        .collect();
    assert_eq!(guide["sheetCount"].as_u64(), Some(sheets.len() as u64));
    let programmes: BTreeSet<String> = sheets.values().flat_map(|sheet| strings(&sheet["programmes"])).collect();
    assert_eq!(guide["programmeCount"].as_u64(), Some(programmes.len() as u64));

    // Every published lesson observed in one of them, once, with its count of sheets, under its
    // first phase; phases in the order of the démarche.
    let order: Vec<&str> = retex::domain::Phase::ALL.iter().map(|phase| phase.code()).collect();
    let mut expected: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut showing: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for lesson in list(&dataset, "lessons").filter(|lesson| published(lesson)) {
        let shown: BTreeSet<String> = list(lesson, "evidenceLinks")
            .filter(|link| link["role"].as_str().unwrap_or("OBSERVED_IN") == "OBSERVED_IN")
            .filter_map(|link| link["sheet"].as_str())
            .filter(|sheet| sheets.contains_key(*sheet))
            .map(str::to_owned)
            .collect();
        let first = order.iter().find(|phase| strings(&lesson["phases"]).contains(&phase.to_string()));
        if !shown.is_empty() {
            let slug = lesson["slug"].as_str().unwrap_or_default().to_owned();
            expected.insert(slug.clone(), (shown.len(), first.map_or(String::new(), |p| p.to_string())));
            showing.insert(slug, shown);
        }
    }
    let mut quotes = BTreeSet::new();
    let mut found: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut positions = Vec::new();
    for phase in guide["phases"].as_array().expect("phases") {
        let code = phase["phase"].as_str().unwrap_or_default().to_owned();
        positions.push(order.iter().position(|candidate| *candidate == code).unwrap_or(order.len()));
        for (list_name, polarities) in
            [("successFactors", vec!["SUCCESS_FACTOR"]), ("pitfalls", vec!["PITFALL", "FAILURE_FACTOR"])]
        {
            for entry in phase[list_name].as_array().expect("entries") {
                assert!(polarities.contains(&entry["lesson"]["polarity"].as_str().unwrap_or_default()));
                assert_eq!(entry["lesson"]["publicationStatus"], "PUBLISHED");
                let slug = entry["lesson"]["slug"].as_str().unwrap_or_default().to_owned();
                // The example and the testimony come from a sheet of the guide that showed the lesson.
                let shown = showing.get(&slug).cloned().unwrap_or_default();
                let example = entry["example"]["slug"].as_str().expect("an example");
                assert!(shown.contains(example), "{slug}: {example}");
                if let Some(sheet) = entry["testimony"]["sheet"]["slug"].as_str() {
                    assert!(shown.contains(sheet), "{slug}: {sheet}");
                    // A sheet's words are quoted again only when its sheets have no other words left.
                    let quote = entry["testimony"]["quote"].as_str().unwrap_or_default().to_owned();
                    let unquoted: Vec<String> = shown
                        .iter()
                        .flat_map(|sheet| list(sheets[sheet], "testimonies"))
                        .filter_map(|testimony| testimony["quote"].as_str().map(str::to_owned))
                        .filter(|candidate| !quotes.contains(candidate))
                        .collect();
                    assert!(
                        !quotes.contains(&quote) || unquoted.is_empty(),
                        "{slug}: « {quote} » again, {unquoted:?} left"
                    );
                    quotes.insert(quote);
                }
                assert!(
                    found.insert(slug, (entry["sheets"].as_u64().unwrap_or_default() as usize, code.clone())).is_none()
                );
            }
        }
    }
    assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "{positions:?}");
    assert_eq!(found, expected);
    assert!(!quotes.is_empty());

    // Indicators summed over those sheets, by name and unit.
    let mut sums: BTreeMap<(String, String), (u64, f64)> = BTreeMap::new();
    for sheet in sheets.values() {
        for indicator in list(sheet, "indicators") {
            let key = (
                indicator["name"].as_str().unwrap_or_default().to_owned(),
                indicator["unit"].as_str().unwrap_or_default().to_owned(),
            );
            let sum = sums.entry(key).or_default();
            sum.0 += 1;
            sum.1 += indicator["actual"].as_f64().unwrap_or_default();
        }
    }
    assert!(!sums.is_empty());
    for indicator in guide["indicators"].as_array().expect("indicators") {
        let key = (
            indicator["name"].as_str().unwrap_or_default().to_owned(),
            indicator["unit"].as_str().unwrap_or_default().to_owned(),
        );
        let (count, actual) = sums.remove(&key).expect("an indicator of the sheets");
        assert_eq!(indicator["sheets"].as_u64(), Some(count));
        assert!((indicator["actual"].as_f64().unwrap_or_default() - actual).abs() < 1e-6, "{indicator:#}");
    }
    assert!(sums.is_empty(), "indicators left out: {sums:?}");
    let markdown = guide["markdown"].as_str().expect("markdown");
    assert!(markdown.starts_with("# Guide de capitalisation — Mobilité\n"), "{markdown}");
    assert!(markdown.contains("### Facteurs clés de succès"));
    assert!(markdown.contains("## Indicateurs des fiches concernées"));
    assert!(!markdown.contains("atelier-velo-solidaire-brest-metropole"), "a draft sheet in the guide");

    // Bad scopes.
    let query = GUIDE.replace("ENTRY", "programmes");
    let error = app.fails_as(None, &query, json!({ "filter": {} })).await;
    assert_eq!(code(&error), "INVALID_INPUT");
    let error = app.fails_as(None, &query, json!({ "filter": { "programme": "bm90LWFuLWlk" } })).await;
    assert_eq!(code(&error), "INVALID_INPUT");
}

#[tokio::test]
async fn the_command_line_writes_a_guide_in_markdown() {
    let app = spawn_demo().await;
    let folder = tempfile::tempdir().expect("a folder");
    let output = folder.path().join("guide.md");
    let path = output.to_str().expect("a path");
    let run = retex(
        &app.database_url,
        app.index.path(),
        &["guide", "--theme", "MOBILITY", "--activity", "SOLIDARITY_GARAGE", "--output", path],
    );
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let markdown = std::fs::read_to_string(&output).expect("the guide");
    assert!(markdown.starts_with("# Guide de capitalisation — Mobilité · Garage solidaire\n"), "{markdown}");
    assert!(markdown.contains("(/fiches/garage-solidaire-pays-de-brest-carhaix)"));
    assert!(!markdown.contains("tiers-lieu"), "a sheet of another activity");
    let run = retex(&app.database_url, app.index.path(), &["guide", "--theme", "SPORT"]);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("`SPORT` n’est pas une valeur de Theme"));
    let run = retex(&app.database_url, app.index.path(), &["guide"]);
    assert!(!run.status.success());
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("un guide demande un thème, un type d’activité ou un programme")
    );
}

async fn feed(app: &TestApp, query: &str) -> (u16, String, String) {
    let response = app.client.get(format!("{}/flux.atom{query}", app.address)).send().await.expect("the feed");
    let status = response.status().as_u16();
    let kind =
        response.headers().get("content-type").and_then(|value| value.to_str().ok()).unwrap_or_default().to_owned();
    (status, kind, response.text().await.expect("a body"))
}

fn entries(body: &str) -> Vec<String> {
    body.split("<entry>")
        .skip(1)
        .filter_map(|entry| entry.split("<id>").nth(1)?.split("</id>").next().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn an_atom_feed_carries_the_newest_published_records_of_a_search() {
    let app = spawn_demo().await;
    let dataset = demo_dataset();
    let (status, kind, body) = feed(&app, "?theme=MOBILITY&kind=SHEET").await;
    assert_eq!(status, 200, "{body}");
    assert!(kind.starts_with("application/atom+xml"), "{kind}");
    assert!(body.starts_with("<?xml") && body.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    let expected: BTreeSet<String> = list(&dataset, "sheets")
        .filter(|sheet| published(sheet) && strings(&sheet["themes"]).contains(&"MOBILITY".to_owned()))
        .map(|sheet| format!("{}/fiches/{}", app.address, sheet["slug"].as_str().unwrap_or_default()))
        .collect();
    let found: BTreeSet<String> = entries(&body).into_iter().collect();
    assert_eq!(found, expected);

    // A new publication comes first.
    let created = sheet(&app, "Garage solidaire des monts d’Arrée", json!({ "themes": ["MOBILITY"] })).await;
    let (_, _, body) = feed(&app, "?theme=MOBILITY").await;
    assert!(!body.contains("monts d’Arrée"), "a draft in a feed");
    publish(&app, created["id"].as_str().expect("an id"), created["version"].as_i64().expect("a version")).await;
    let mut first = String::new();
    for _ in 0..50 {
        let (_, _, body) = feed(&app, "?theme=MOBILITY").await;
        first = entries(&body).into_iter().next().unwrap_or_default();
        if first.ends_with("/fiches/garage-solidaire-des-monts-d-arree") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(first.ends_with("/fiches/garage-solidaire-des-monts-d-arree"), "{first}");

    // Words narrow it; lessons are carried too.
    let (status, _, body) = feed(&app, "?q=garage&kind=LESSON").await;
    assert_eq!(status, 200);
    assert!(entries(&body).iter().all(|id| id.contains("/lecons/")), "{body}");
    assert!(!entries(&body).is_empty());

    // Bad parameters are named, in French.
    for (query, words) in [
        ("?theme=NOPE", "`NOPE` n’est pas une valeur de Theme"),
        ("?colour=red", "colour : n’est pas un paramètre des flux"),
        ("?kind=PROGRAMME", "n’est pas un type de contenu des flux"),
        ("?programme=pas-un-programme", "n’est pas un programme publié"),
        ("?phase=", "phase : est vide"),
        ("?q=a&q=b", "deux fois"),
    ] {
        let (status, kind, body) = feed(&app, query).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert!(kind.starts_with("text/plain"), "{kind}");
        assert!(body.contains(words), "{query}: {body}");
    }
    let (status, _, _) = feed(&app, &format!("?q={}", "a".repeat(1_001))).await;
    assert_eq!(status, 400);
}

const SAVED: &str = "id name query feed lastVisitedAt newSinceLastVisit";

#[tokio::test]
async fn a_token_holder_keeps_searches_and_sees_what_is_new_since_the_last_visit() {
    let app = spawn_demo().await;
    let dataset = demo_dataset();
    let structure = organisation(&app, "Fabrique à initiatives du Trégor").await;
    let contributor = app.token("CONTRIBUTOR", Some(&structure), None).await;
    let other = app.token("CONTRIBUTOR", Some(&structure), None).await;
    let save = format!("mutation($input: SavedSearchInput!) {{ saveSearch(input: $input) {{ {SAVED} }} }}");
    let input = json!({ "name": "Garages", "query": "", "filter": { "themes": ["MOBILITY"], "kinds": ["SHEET"] } });

    let error = app.fails_as(None, &save, json!({ "input": input })).await;
    assert_eq!(code(&error), "FORBIDDEN");
    let saved = app.ok_as(Some(&contributor), &save, json!({ "input": input })).await["saveSearch"].clone();
    assert_eq!(saved["feed"], "/flux.atom?kind=SHEET&theme=MOBILITY");
    let mobility = list(&dataset, "sheets")
        .filter(|sheet| published(sheet) && strings(&sheet["themes"]).contains(&"MOBILITY".to_owned()))
        .count();
    assert_eq!(saved["newSinceLastVisit"].as_u64(), Some(mobility as u64), "never visited: all of them");
    let id = saved["id"].as_str().expect("an id").to_owned();

    let visit = format!("mutation($id: ID!) {{ visitSavedSearch(id: $id) {{ {SAVED} }} }}");
    let visited = app.ok_as(Some(&contributor), &visit, json!({ "id": id })).await;
    assert_eq!(visited["visitSavedSearch"]["newSinceLastVisit"], 0);
    assert!(visited["visitSavedSearch"]["lastVisitedAt"].is_string());

    // A draft is not new; its publication is.
    let created = sheet(&app, "Garage solidaire du Trégor", json!({ "themes": ["MOBILITY"] })).await;
    let list_query = format!("query {{ savedSearches {{ {SAVED} }} }}");
    let mut count = Value::Null;
    let data = app.ok_as(Some(&contributor), &list_query, json!({})).await;
    assert_eq!(data["savedSearches"][0]["newSinceLastVisit"], 0);
    publish(&app, created["id"].as_str().expect("an id"), created["version"].as_i64().expect("a version")).await;
    for _ in 0..50 {
        let data = app.ok_as(Some(&contributor), &list_query, json!({})).await;
        count = data["savedSearches"][0]["newSinceLastVisit"].clone();
        if count == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(count, 1);

    // Another token neither sees nor changes it.
    let data = app.ok_as(Some(&other), &list_query, json!({})).await;
    assert_eq!(data["savedSearches"], json!([]));
    let delete = "mutation($id: ID!) { deleteSavedSearch(id: $id) }";
    let error = app.fails_as(Some(&other), delete, json!({ "id": id })).await;
    assert_eq!(code(&error), "NOT_FOUND");
    let error = app.fails_as(Some(&other), &visit, json!({ "id": id })).await;
    assert_eq!(code(&error), "NOT_FOUND");

    // Bad input.
    for (input, field) in [
        (json!({ "name": " ", "query": "garage" }), "input.name"),
        (json!({ "name": "x".repeat(201) }), "input.name"),
        (json!({ "name": "Années", "filter": { "yearFrom": 2020 } }), "yearFrom"),
        (json!({ "name": "Organisations", "filter": { "kinds": ["ORGANISATION"] } }), "kind"),
        (json!({ "name": "Long", "query": "a".repeat(1_001) }), "q"),
    ] {
        let error = app.fails_as(Some(&contributor), &save, json!({ "input": input })).await;
        assert_eq!(code(&error), "INVALID_INPUT", "{error:#}");
        assert!(error["message"].as_str().unwrap_or_default().contains(field), "{error:#}");
    }
    let error = app.fails_as(Some(&contributor), delete, json!({ "id": "pas-un-nombre" })).await;
    assert_eq!(code(&error), "INVALID_INPUT");

    app.ok_as(Some(&contributor), delete, json!({ "id": id })).await;
    let data = app.ok_as(Some(&contributor), &list_query, json!({})).await;
    assert_eq!(data["savedSearches"], json!([]));
}
