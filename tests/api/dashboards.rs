//! Dashboards: every figure is checked against a count computed here, from the demo dataset's JSON
//! file, not through retex's code: grouped counts, lesson recurrence, the funnel and coverage, under
//! filters and visibility; the CSV export; and a live subscription that sees a publication.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};

use crate::harness::*;

/// Slug → name of the published records of a list of the dataset.
fn names(dataset: &Value, list: &str) -> HashMap<String, String> {
    dataset[list]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|record| published(record))
        .map(|record| {
            (
                record["slug"].as_str().unwrap_or_default().to_owned(),
                record["name"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

const STATS: &str = "query($kind: StatsKind!, $groupBy: [SearchDimension!]!, $query: String, $filter: SearchFilter) {
    stats(kind: $kind, groupBy: $groupBy, query: $query, filter: $filter, first: 5000) {
        total truncated rows { count keys { dimension value label } } } }";

/// The rows of a `stats` answer as (labels…) → count.
fn rows(answer: &Value) -> BTreeMap<Vec<String>, i64> {
    answer["stats"]["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|row| {
            let labels = row["keys"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|key| key["label"].as_str().unwrap_or_default().to_owned())
                .collect();
            (labels, row["count"].as_i64().unwrap_or_default())
        })
        .collect()
}

fn theme_label(code: &str) -> String {
    // The labels the API gives, checked against the vocabulary list rather than retex's code path.
    code.to_owned()
}

#[tokio::test]
async fn grouped_counts_match_the_dataset_under_filters_and_visibility() {
    let app = spawn_demo().await;
    let dataset = demo_dataset();
    let programmes = names(&dataset, "programmes");
    let sheets: Vec<&Value> =
        dataset["sheets"].as_array().into_iter().flatten().filter(|sheet| published(sheet)).collect();

    // Sheets per programme and theme (labels of themes are read from `vocabularies`).
    let vocabularies = app.ok_as(None, "{ vocabularies { name values { code label } } }", json!({})).await;
    let theme_labels: HashMap<String, String> = vocabularies["vocabularies"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|vocabulary| vocabulary["name"] == "Theme")
        .flat_map(|vocabulary| vocabulary["values"].as_array().cloned().unwrap_or_default())
        .map(|value| {
            (
                value["code"].as_str().unwrap_or_default().to_owned(),
                value["label"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let mut expected: BTreeMap<Vec<String>, i64> = BTreeMap::new();
    for sheet in &sheets {
        for programme in strings(&sheet["programmes"]).iter().filter_map(|slug| programmes.get(slug)) {
            for theme in strings(&sheet["themes"]) {
                let theme = theme_labels.get(&theme).cloned().unwrap_or_else(|| theme_label(&theme));
                *expected.entry(vec![programme.clone(), theme]).or_default() += 1;
            }
        }
    }
    let answer = app.ok_as(None, STATS, json!({ "kind": "SHEET", "groupBy": ["PROGRAMME", "THEME"] })).await;
    assert_eq!(answer["stats"]["total"], sheets.len());
    assert_eq!(rows(&answer), expected);

    // Under a filter: sheets about mobility, per supporting structure.
    let organisations = names(&dataset, "organisations");
    let mut expected: BTreeMap<Vec<String>, i64> = BTreeMap::new();
    let mobility: Vec<&&Value> =
        sheets.iter().filter(|sheet| strings(&sheet["themes"]).contains(&"MOBILITY".to_owned())).collect();
    for sheet in &mobility {
        if let Some(name) = sheet["supportingStructure"].as_str().and_then(|slug| organisations.get(slug)) {
            *expected.entry(vec![name.clone()]).or_default() += 1;
        }
    }
    let answer = app
        .ok_as(None, STATS, json!({ "kind": "SHEET", "groupBy": ["STRUCTURE"], "filter": { "themes": ["MOBILITY"] } }))
        .await;
    assert_eq!(answer["stats"]["total"], mobility.len());
    assert_eq!(rows(&answer), expected);

    // Lessons: success factors per category, as codes.
    let lessons: Vec<&Value> = dataset["lessons"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|lesson| published(lesson) && lesson["polarity"] == "SUCCESS_FACTOR")
        .collect();
    let mut expected: BTreeMap<String, i64> = BTreeMap::new();
    for lesson in &lessons {
        for category in strings(&lesson["categories"]) {
            *expected.entry(category).or_default() += 1;
        }
    }
    let answer = app
        .ok_as(
            None,
            STATS,
            json!({ "kind": "LESSON", "groupBy": ["CATEGORY"], "filter": { "polarities": ["SUCCESS_FACTOR"] } }),
        )
        .await;
    let got: BTreeMap<String, i64> = answer["stats"]["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|row| {
            (row["keys"][0]["value"].as_str().unwrap_or_default().to_owned(), row["count"].as_i64().unwrap_or_default())
        })
        .collect();
    assert_eq!(answer["stats"]["total"], lessons.len());
    assert_eq!(got, expected);

    // With a full-text query, the total is search's.
    let searched =
        app.ok_as(None, "{ search(query: \"garage\", filter: { kinds: [SHEET] }) { totalCount } }", json!({})).await;
    let answer = app.ok_as(None, STATS, json!({ "kind": "SHEET", "groupBy": ["STATUS"], "query": "garage" })).await;
    assert_eq!(answer["stats"]["total"], searched["search"]["totalCount"]);
    assert!(answer["stats"]["total"].as_i64().unwrap_or_default() > 0);

    // Visibility: a draft sheet counts nowhere; a published sheet of a draft programme counts, but
    // its programme's row stays hidden from those who may not see the programme.
    let hidden = programme(&app, "Programme en préparation").await;
    let draft =
        sheet(&app, "Garage du programme en préparation", json!({ "programmes": [hidden], "themes": ["MOBILITY"] }))
            .await;
    let answer = app.ok_as(None, STATS, json!({ "kind": "SHEET", "groupBy": ["PROGRAMME"] })).await;
    assert_eq!(answer["stats"]["total"], sheets.len(), "a draft is not counted");
    publish(&app, draft["id"].as_str().expect("an id"), draft["version"].as_i64().expect("a version")).await;
    let answer = app.ok_as(None, STATS, json!({ "kind": "SHEET", "groupBy": ["PROGRAMME"] })).await;
    assert_eq!(answer["stats"]["total"], sheets.len() + 1);
    assert!(!answer.to_string().contains("Programme en préparation"), "a draft programme's row is hidden");
    let admin = app.ok(STATS, json!({ "kind": "SHEET", "groupBy": ["PROGRAMME"] })).await;
    assert!(admin.to_string().contains("Programme en préparation"), "the admin sees it");

    for (group_by, problem) in
        [(json!([]), "groupBy"), (json!(["THEME", "THEME"]), "groupBy"), (json!(["THEME", "PHASE", "YEAR"]), "groupBy")]
    {
        let error = app.fails_as(None, STATS, json!({ "kind": "SHEET", "groupBy": group_by })).await;
        assert_eq!(code(&error), "INVALID_INPUT");
        assert_eq!(error["extensions"]["problems"][0]["field"], problem);
    }
}

#[tokio::test]
async fn recurrence_counts_distinct_programmes_and_sheets_as_the_dataset_says() {
    let app = spawn_demo().await;
    let dataset = demo_dataset();
    let sheets: HashMap<String, &Value> = dataset["sheets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|sheet| published(sheet))
        .map(|sheet| (sheet["slug"].as_str().unwrap_or_default().to_owned(), sheet))
        .collect();
    let programmes = names(&dataset, "programmes");
    let mut expected: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    for lesson in dataset["lessons"].as_array().into_iter().flatten().filter(|lesson| published(lesson)) {
        let mut observed_programmes = BTreeSet::new();
        let mut observed_sheets = BTreeSet::new();
        let mut contradicting = BTreeSet::new();
        for link in lesson["evidenceLinks"].as_array().into_iter().flatten() {
            let slug = link["sheet"].as_str().unwrap_or_default();
            let Some(sheet) = sheets.get(slug) else { continue };
            if link["role"].as_str().unwrap_or("OBSERVED_IN") == "OBSERVED_IN" {
                observed_sheets.insert(slug.to_owned());
                observed_programmes
                    .extend(strings(&sheet["programmes"]).into_iter().filter(|p| programmes.contains_key(p)));
            } else {
                contradicting.insert(slug.to_owned());
            }
        }
        if !observed_sheets.is_empty() {
            expected.insert(
                lesson["slug"].as_str().unwrap_or_default().to_owned(),
                (observed_programmes.len() as i64, observed_sheets.len() as i64, contradicting.len() as i64),
            );
        }
    }
    let query =
        "query($min: Int!, $filter: LessonFilterInput) { recurrence(minProgrammes: $min, filter: $filter, first: 100) {
        programmeCount sheetCount contradictingSheetCount lesson { slug polarity } } }";
    let answer = app.ok_as(None, query, json!({ "min": 1 })).await;
    let ranked = answer["recurrence"].as_array().cloned().unwrap_or_default();
    let got: BTreeMap<String, (i64, i64, i64)> = ranked
        .iter()
        .map(|row| {
            (
                row["lesson"]["slug"].as_str().unwrap_or_default().to_owned(),
                (
                    row["programmeCount"].as_i64().unwrap_or_default(),
                    row["sheetCount"].as_i64().unwrap_or_default(),
                    row["contradictingSheetCount"].as_i64().unwrap_or_default(),
                ),
            )
        })
        .collect();
    assert_eq!(got, expected);
    let order: Vec<(i64, i64)> = ranked
        .iter()
        .map(|row| (row["programmeCount"].as_i64().unwrap_or_default(), row["sheetCount"].as_i64().unwrap_or_default()))
        .collect();
    let mut sorted = order.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(order, sorted, "ranked by programmes, then sheets");

    // Filtered: success factors in at least two programmes.
    let several = app.ok_as(None, query, json!({ "min": 2, "filter": { "polarities": ["SUCCESS_FACTOR"] } })).await;
    let several: Vec<&Value> = several["recurrence"].as_array().into_iter().flatten().collect();
    let expected_several = dataset["lessons"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|lesson| lesson["polarity"] == "SUCCESS_FACTOR")
        .filter(|lesson| expected.get(lesson["slug"].as_str().unwrap_or_default()).is_some_and(|(p, _, _)| *p >= 2))
        .count();
    assert_eq!(several.len(), expected_several);
    assert!(several.iter().all(|row| row["lesson"]["polarity"] == "SUCCESS_FACTOR"));
}

#[tokio::test]
async fn the_funnel_and_coverage_match_the_dataset() {
    let app = spawn_demo().await;
    let dataset = demo_dataset();
    let phases: Vec<String> =
        app.ok_as(None, "{ vocabularies { name values { code } } }", json!({})).await["vocabularies"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|vocabulary| vocabulary["name"] == "Phase")
            .flat_map(|vocabulary| vocabulary["values"].as_array().cloned().unwrap_or_default())
            .filter_map(|value| value["code"].as_str().map(str::to_owned))
            .collect();
    let sheets: Vec<&Value> =
        dataset["sheets"].as_array().into_iter().flatten().filter(|sheet| published(sheet)).collect();
    let lessons: Vec<&Value> =
        dataset["lessons"].as_array().into_iter().flatten().filter(|lesson| published(lesson)).collect();
    let covered: BTreeSet<String> = lessons
        .iter()
        .flat_map(|lesson| lesson["evidenceLinks"].as_array().cloned().unwrap_or_default())
        .filter_map(|link| link["sheet"].as_str().map(str::to_owned))
        .collect();
    let mut reached = vec![0i64; phases.len()];
    let mut days = Vec::new();
    for sheet in &sheets {
        let records = sheet["phases"].as_array().cloned().unwrap_or_default();
        let furthest =
            records.iter().filter_map(|record| phases.iter().position(|p| record["phase"] == *p.as_str())).max();
        if let Some(furthest) = furthest {
            for count in reached.iter_mut().take(furthest + 1) {
                *count += 1;
            }
        }
        let start = |phase: &str| {
            records
                .iter()
                .find(|record| record["phase"] == phase)
                .and_then(|record| record["startedOn"].as_str())
                .and_then(|date| chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok())
        };
        if let (Some(from), Some(to)) = (start("OPPORTUNITY_STUDY"), start("LAUNCH")) {
            let gap = (to - from).num_days();
            if gap >= 0 {
                days.push(gap);
            }
        }
    }
    days.sort_unstable();
    let median = if days.is_empty() {
        None
    } else if days.len() % 2 == 0 {
        Some((days[days.len() / 2 - 1] + days[days.len() / 2]) as f64 / 2.0)
    } else {
        Some(days[days.len() / 2] as f64)
    };
    let answer = app
        .ok_as(None, "{ funnel { group { label } sheets sheetsWithPublishedLesson coverage medianDays measuredSheets steps { phase sheets } } }", json!({}))
        .await;
    let funnel = &answer["funnel"][0];
    assert_eq!(answer["funnel"].as_array().map(Vec::len), Some(1));
    assert_eq!(funnel["sheets"], sheets.len());
    let steps: Vec<i64> =
        funnel["steps"].as_array().into_iter().flatten().map(|step| step["sheets"].as_i64().unwrap_or(-1)).collect();
    assert_eq!(steps, reached);
    let with_lesson =
        sheets.iter().filter(|sheet| covered.contains(sheet["slug"].as_str().unwrap_or_default())).count();
    assert_eq!(funnel["sheetsWithPublishedLesson"], with_lesson);
    assert_eq!(funnel["measuredSheets"], days.len());
    assert_eq!(funnel["medianDays"].as_f64(), median);

    // Per programme: one row per published programme with published sheets, and the sheets add up.
    let by_programme = app.ok_as(None, "{ funnel(groupBy: PROGRAMME) { group { label } sheets } }", json!({})).await;
    let programmes = names(&dataset, "programmes");
    let mut expected: BTreeMap<String, i64> = BTreeMap::new();
    for sheet in &sheets {
        for name in strings(&sheet["programmes"]).iter().filter_map(|slug| programmes.get(slug)) {
            *expected.entry(name.clone()).or_default() += 1;
        }
    }
    let got: BTreeMap<String, i64> = by_programme["funnel"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|row| Some((row["group"]["label"].as_str()?.to_owned(), row["sheets"].as_i64()?)))
        .collect();
    assert_eq!(got, expected);
}

#[tokio::test]
async fn any_aggregate_exports_as_csv() {
    let app = spawn_demo().await;
    // The columns come in the query's order (keys before count), with readable headers.
    let query = "{ stats(kind: SHEET, groupBy: [PROGRAMME]) { rows { keys { label } count } } }";
    let response = app
        .client
        .get(format!("{}/export.csv", app.address))
        .query(&[("query", query), ("separator", "semicolon")])
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 200);
    let content_type = response.headers().get("content-type").and_then(|value| value.to_str().ok()).map(str::to_owned);
    assert_eq!(content_type.as_deref(), Some("text/csv; charset=utf-8"));
    let csv = response.text().await.expect("a body");
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "clé 1 › libellé;nombre");
    let answer = app.ok_as(None, query, json!({})).await;
    let rows = answer["stats"]["rows"].as_array().cloned().unwrap_or_default();
    assert_eq!(lines.len(), rows.len() + 1);
    assert_eq!(lines[1], format!("{};{}", rows[0]["keys"][0]["label"].as_str().unwrap_or_default(), rows[0]["count"]));

    let mutation = app
        .client
        .get(format!("{}/export.csv", app.address))
        .query(&[("query", "mutation { archive(id: \"x\", version: 1) { id } }")])
        .send()
        .await
        .expect("a response");
    assert_eq!(mutation.status(), 405, "exports run queries only");
    let no_list = app
        .client
        .get(format!("{}/export.csv", app.address))
        .query(&[("query", "{ viewer { role } }")])
        .send()
        .await
        .expect("a response");
    assert_eq!(no_list.status(), 400);
}

#[tokio::test]
async fn a_subscription_sees_a_publication_and_nothing_it_may_not_see() {
    let app = spawn_app().await;
    let query = "subscription { recordChanged(kinds: [SHEET]) { action kind id node { ... on ProjectSheet { slug publicationStatus } } } }";
    let mut public = subscribe(&app, None, query).await;
    let mut admin = subscribe(&app, Some(&app.admin), query).await;
    // Give the subscriptions a moment to start following the log.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    let created = sheet(&app, "Garage solidaire de la vallée", json!({})).await;
    let seen = next_message(&mut admin).await;
    assert_eq!(seen["payload"]["data"]["recordChanged"]["action"], "CREATED", "{seen}");
    assert_eq!(seen["payload"]["data"]["recordChanged"]["id"], created["id"]);

    let version =
        publish(&app, created["id"].as_str().expect("an id"), created["version"].as_i64().expect("a version")).await;
    // The public never saw the draft: its first notification is the publication.
    let first = next_message(&mut public).await;
    let change = &first["payload"]["data"]["recordChanged"];
    assert_eq!(change["action"], "STATUS_CHANGED", "{first}");
    assert_eq!(change["id"], created["id"]);
    assert_eq!(change["node"]["publicationStatus"], "PUBLISHED");
    // The admin saw the submission, then the publication (each `node` is the record as it is when
    // the notification is sent, so only the last one is sure to show PUBLISHED).
    let submitted = next_message(&mut admin).await;
    assert_eq!(submitted["payload"]["data"]["recordChanged"]["action"], "STATUS_CHANGED", "{submitted}");
    let published = next_message(&mut admin).await;
    assert_eq!(published["payload"]["data"]["recordChanged"]["action"], "STATUS_CHANGED", "{published}");
    assert_eq!(published["payload"]["data"]["recordChanged"]["node"]["publicationStatus"], "PUBLISHED");

    // Archived, the sheet leaves the public's figures: the public hears of it, without the record.
    let archived = app
        .ok(
            "mutation($id: ID!, $version: Int!) { archive(id: $id, version: $version) { id } }",
            json!({ "id": created["id"], "version": version }),
        )
        .await;
    assert!(archived["archive"]["id"].is_string());
    let gone = next_message(&mut public).await;
    assert_eq!(gone["payload"]["data"]["recordChanged"]["action"], "ARCHIVED", "{gone}");
    assert_eq!(gone["payload"]["data"]["recordChanged"]["id"], Value::Null);
    assert_eq!(gone["payload"]["data"]["recordChanged"]["node"], Value::Null);

    // A revoked or unknown token is refused at connection time.
    let url = format!("{}/graphql/ws", app.address.replace("http://", "ws://"));
    let mut request = url.into_client_request().expect("a WebSocket request");
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().expect("a header"));
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.expect("connect");
    let init = json!({ "type": "connection_init", "payload": { "Authorization": "Bearer retex_unknown" } }).to_string();
    socket.send(Message::Text(init.into())).await.expect("send init");
    let refused = tokio::time::timeout(std::time::Duration::from_secs(5), socket.next()).await.expect("an answer");
    assert!(
        matches!(refused, Some(Ok(Message::Close(_))) | None | Some(Err(_))),
        "an unknown token closes the connection: {refused:?}"
    );
}

#[tokio::test]
async fn a_reviewer_clusters_near_duplicate_lessons_and_their_recurrence_is_counted_together() {
    let app = spawn_demo().await;
    let dataset = demo_dataset();
    let sheets: HashMap<String, &Value> = dataset["sheets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|sheet| published(sheet))
        .map(|sheet| (sheet["slug"].as_str().unwrap_or_default().to_owned(), sheet))
        .collect();
    let programmes = names(&dataset, "programmes");
    let observed = |lesson: &Value| -> (BTreeSet<String>, BTreeSet<String>) {
        let mut in_programmes = BTreeSet::new();
        let mut in_sheets = BTreeSet::new();
        for link in lesson["evidenceLinks"].as_array().into_iter().flatten() {
            let slug = link["sheet"].as_str().unwrap_or_default();
            if let Some(sheet) = sheets.get(slug)
                && link["role"].as_str().unwrap_or("OBSERVED_IN") == "OBSERVED_IN"
            {
                in_sheets.insert(slug.to_owned());
                in_programmes.extend(strings(&sheet["programmes"]).into_iter().filter(|p| programmes.contains_key(p)));
            }
        }
        (in_programmes, in_sheets)
    };
    // Two published lessons observed in different programmes.
    let lessons: Vec<&Value> =
        dataset["lessons"].as_array().into_iter().flatten().filter(|lesson| published(lesson)).collect();
    let first = lessons.iter().find(|lesson| !observed(lesson).0.is_empty()).expect("an observed lesson");
    let second = lessons
        .iter()
        .find(|lesson| observed(lesson).0.iter().any(|programme| !observed(first).0.contains(programme)))
        .expect("a lesson of another programme");
    let (mut expected_programmes, mut expected_sheets) = observed(first);
    let (more_programmes, more_sheets) = observed(second);
    expected_programmes.extend(more_programmes);
    expected_sheets.extend(more_sheets);
    let id_of = |slug: String| {
        let app = &app;
        async move {
            app.ok("query($slug: String!) { lesson(slug: $slug) { id } }", json!({ "slug": slug })).await["lesson"]["id"]
                .as_str()
                .expect("an id")
                .to_owned()
        }
    };
    let first_id = id_of(first["slug"].as_str().unwrap_or_default().to_owned()).await;
    let second_id = id_of(second["slug"].as_str().unwrap_or_default().to_owned()).await;

    let programme_id =
        app.ok("{ programmes(first: 1) { nodes { id } } }", json!({})).await["programmes"]["nodes"][0]["id"]
            .as_str()
            .expect("a programme")
            .to_owned();
    let reviewer = app.token("REVIEWER", None, Some(&programme_id)).await;
    let reader = app.token("READER", None, None).await;
    let create = "mutation($name: String!, $lessons: [ID!]!) { createLessonCluster(name: $name, lessons: $lessons) {
        id name programmeCount sheetCount lessons { id } } }";
    let variables = json!({ "name": "Mobiliser les élus dès le diagnostic", "lessons": [first_id, second_id] });
    let refused = app.fails_as(Some(&reader), create, variables.clone()).await;
    assert_eq!(code(&refused), "FORBIDDEN");

    let cluster = app.ok_as(Some(&reviewer), create, variables).await["createLessonCluster"].clone();
    assert_eq!(cluster["programmeCount"], expected_programmes.len(), "the union of the programmes");
    assert_eq!(cluster["sheetCount"], expected_sheets.len());
    assert_eq!(cluster["lessons"].as_array().map(Vec::len), Some(2));

    let again = app.fails_as(Some(&reviewer), create, json!({ "name": "Autre", "lessons": [first_id] })).await;
    assert_eq!(code(&again), "CONFLICT", "a lesson is in one cluster at most");

    let ranked = app.ok_as(None, "{ lessonClusters { name programmeCount } }", json!({})).await;
    assert_eq!(ranked["lessonClusters"][0]["programmeCount"], expected_programmes.len());

    let candidates = app
        .ok_as(
            None,
            "query($lesson: ID!) { clusterCandidates(lesson: $lesson, first: 5) { score lesson { id } cluster { name } } }",
            json!({ "lesson": first_id }),
        )
        .await;
    let candidates = candidates["clusterCandidates"].as_array().cloned().unwrap_or_default();
    assert!(!candidates.is_empty(), "lessons written alike are suggested");
    assert!(candidates.iter().all(|candidate| candidate["lesson"]["id"] != json!(second_id)), "not its own cluster's");

    let removed = app
        .ok_as(
            Some(&reviewer),
            "mutation($lesson: ID!) { removeLessonFromCluster(lesson: $lesson) { lessons { id } } }",
            json!({ "lesson": second_id }),
        )
        .await;
    assert_eq!(removed["removeLessonFromCluster"]["lessons"], json!([{ "id": first_id }]));
}

#[tokio::test]
async fn indicator_totals_add_up_the_sheets_indicators() {
    let app = spawn_demo().await;
    let dataset = demo_dataset();
    let programmes = names(&dataset, "programmes");
    // (programme name or "", indicator name, unit) → (sheets, target, actual)
    let mut expected: BTreeMap<(String, String, String), (i64, f64, f64)> = BTreeMap::new();
    for sheet in dataset["sheets"].as_array().into_iter().flatten().filter(|sheet| published(sheet)) {
        let mut groups: Vec<String> =
            strings(&sheet["programmes"]).iter().filter_map(|slug| programmes.get(slug).cloned()).collect();
        groups.push(String::new());
        for indicator in sheet["indicators"].as_array().into_iter().flatten() {
            for group in &groups {
                let key = (
                    group.clone(),
                    indicator["name"].as_str().unwrap_or_default().to_owned(),
                    indicator["unit"].as_str().unwrap_or_default().to_owned(),
                );
                let entry = expected.entry(key).or_insert((0, 0.0, 0.0));
                entry.0 += 1;
                entry.1 += indicator["target"].as_f64().unwrap_or(0.0);
                entry.2 += indicator["actual"].as_f64().unwrap_or(0.0);
            }
        }
    }
    assert!(!expected.is_empty(), "the demo has indicators");
    let query = "query($groupBy: SearchDimension) { indicatorTotals(groupBy: $groupBy) { key { label } name unit sheets target actual } }";
    let mut got: BTreeMap<(String, String, String), (i64, f64, f64)> = BTreeMap::new();
    for group_by in [Value::Null, json!("PROGRAMME")] {
        let answer = app.ok_as(None, query, json!({ "groupBy": group_by })).await;
        for row in answer["indicatorTotals"].as_array().into_iter().flatten() {
            got.insert(
                (
                    row["key"]["label"].as_str().unwrap_or_default().to_owned(),
                    row["name"].as_str().unwrap_or_default().to_owned(),
                    row["unit"].as_str().unwrap_or_default().to_owned(),
                ),
                (
                    row["sheets"].as_i64().unwrap_or_default(),
                    row["target"].as_f64().unwrap_or(0.0),
                    row["actual"].as_f64().unwrap_or(0.0),
                ),
            );
        }
    }
    assert_eq!(got.len(), expected.len());
    for (key, (sheets, target, actual)) in &expected {
        let (got_sheets, got_target, got_actual) = got.get(key).unwrap_or_else(|| panic!("no row for {key:?}"));
        assert_eq!(got_sheets, sheets, "{key:?}");
        assert!((got_target - target).abs() < 1e-6 && (got_actual - actual).abs() < 1e-6, "{key:?}");
    }
}

#[tokio::test]
async fn a_subscription_over_http_is_refused_with_the_way_to_subscribe() {
    let app = spawn_app().await;
    let error = app.fails_as(None, "subscription { recordChanged { action } }", json!({})).await;
    assert_eq!(code(&error), "INVALID_INPUT");
    assert!(error["message"].as_str().unwrap_or_default().contains("/graphql/ws"), "{error}");
}

#[tokio::test]
async fn counts_by_year_or_phase_come_in_their_own_order_and_others_largest_first() {
    let app = spawn_demo().await;
    let query = "query($groupBy: [SearchDimension!]!, $order: StatsOrder) {
        stats(kind: SHEET, groupBy: $groupBy, order: $order) { rows { count keys { value } } } }";
    let rows = |data: &Value| -> Vec<(String, i64)> {
        data["stats"]["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|row| {
                (
                    row["keys"][0]["value"].as_str().unwrap_or_default().to_owned(),
                    row["count"].as_i64().unwrap_or_default(),
                )
            })
            .collect()
    };
    let order: Vec<&str> = <retex::domain::Phase as retex::domain::Vocabulary>::ALL
        .iter()
        .map(|phase| retex::domain::Vocabulary::code(*phase))
        .collect();
    let phases = rows(&app.ok(query, json!({ "groupBy": ["PHASE"] })).await);
    let places: Vec<usize> =
        phases.iter().filter_map(|(value, _)| order.iter().position(|phase| phase == value)).collect();
    assert_eq!(places.len(), phases.len());
    assert!(places.windows(2).all(|pair| pair[0] < pair[1]), "phases in the order of the démarche: {phases:?}");
    let by_count = rows(&app.ok(query, json!({ "groupBy": ["PHASE"], "order": "COUNT" })).await);
    assert!(by_count.windows(2).all(|pair| pair[0].1 >= pair[1].1), "{by_count:?}");
    assert_ne!(by_count, phases, "the demo's phases are not already in count order");

    let years = rows(&app.ok(query, json!({ "groupBy": ["YEAR"] })).await);
    let numbers: Vec<i64> = years.iter().filter_map(|(value, _)| value.parse().ok()).collect();
    assert!(numbers.len() > 2 && numbers.windows(2).all(|pair| pair[0] < pair[1]), "{years:?}");

    let themes = rows(&app.ok(query, json!({ "groupBy": ["THEME"] })).await);
    assert!(themes.windows(2).all(|pair| pair[0].1 >= pair[1].1), "largest first: {themes:?}");
}

#[tokio::test]
async fn funding_plans_are_validated_and_summed_by_funder_programme_year_and_kind() {
    let app = spawn_app().await;
    let garages = programme(&app, "Garages solidaires").await;
    let seniors = programme(&app, "Silver Solidarités").await;
    let line = |funder: &str, amount: f64, year: i32, kind: &str| json!({ "funder": funder, "amount": amount, "year": year, "kind": kind });
    let first = sheet(
        &app,
        "Garage solidaire du Trégor",
        json!({ "programmes": [garages], "budget": 100000, "funding": [
            line("Région Bretagne", 40000.0, 2023, "PUBLIC_GRANT"),
            line("Fondation de France", 12500.5, 2024, "PHILANTHROPY"),
        ] }),
    )
    .await;
    let second = sheet(
        &app,
        "Conciergerie des aînés",
        json!({ "programmes": [garages, seniors], "funding": [line("région bretagne", 10000.0, 2024, "PUBLIC_GRANT")] }),
    )
    .await;
    // A draft's plan counts for nobody: dashboards sum published sheets.
    sheet(&app, "Brouillon", json!({ "funding": [line("Région Bretagne", 999999.0, 2024, "PUBLIC_GRANT")] })).await;
    for created in [&first, &second] {
        publish(&app, created["id"].as_str().expect("an id"), created["version"].as_i64().expect("a version")).await;
    }

    let read = app
        .ok("{ sheet(slug: \"garage-solidaire-du-tregor\") { budget fundingCoverage funding { funder amount year kind } } }", json!({}))
        .await;
    assert_eq!(read["sheet"]["budget"], 100000.0);
    assert_eq!(
        read["sheet"]["funding"][1],
        json!({ "funder": "Fondation de France", "amount": 12500.5, "year": 2024, "kind": "PHILANTHROPY" })
    );
    assert_eq!(read["sheet"]["fundingCoverage"], 0.525005);

    let app = &app;
    let totals = |by: &str| {
        let query = format!("{{ fundingTotals(by: {by}) {{ value label amount lines sheets }} }}");
        async move { app.ok_as(None, &query, json!({})).await["fundingTotals"].clone() }
    };
    let by_funder = totals("FUNDER").await;
    assert_eq!(by_funder[0]["label"], "Région Bretagne", "names are compared without case: {by_funder:#}");
    assert_eq!(by_funder[0]["amount"], 50000.0);
    assert_eq!(by_funder[0]["sheets"], 2);
    assert_eq!(by_funder[1]["amount"], 12500.5);
    let by_year = totals("YEAR").await;
    let years: Vec<(&str, f64)> = by_year
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| (row["value"].as_str().unwrap_or_default(), row["amount"].as_f64().unwrap_or_default()))
        .collect();
    assert_eq!(years, [("2023", 40000.0), ("2024", 22500.5)], "years in order");
    let by_kind = totals("KIND").await;
    assert_eq!(by_kind[0]["label"], "Subvention publique");
    assert_eq!(by_kind[0]["amount"], 50000.0);
    // Programmes are drafts here: their administrator sees them.
    let by_programme =
        app.ok("{ fundingTotals(by: PROGRAMME) { value label amount } }", json!({})).await["fundingTotals"].clone();
    assert_eq!(by_programme[0]["label"], "Garages solidaires", "{by_programme:#}");
    assert_eq!(by_programme[0]["amount"], 62500.5);
    assert_eq!(by_programme[1]["amount"], 10000.0);

    // A plan over the budget, and amounts that are not amounts, are refused with their fields.
    let over = app
        .fails(
            "mutation($input: ProjectSheetInput!) { createSheet(input: $input) { id } }",
            json!({ "input": { "title": "Trop", "activityType": "OTHER", "budget": 1000, "funding": [
                line("Région", 900.0, 2024, "PUBLIC_GRANT"), line("État", 200.0, 2024, "PUBLIC_GRANT") ] } }),
        )
        .await;
    assert_eq!(code(&over), "INVALID_INPUT");
    assert!(
        over["message"].as_str().unwrap_or_default().contains("1\u{202f}100,00 €, soit plus que le budget"),
        "{over:#}"
    );
    let bad = app
        .fails(
            "mutation($input: ProjectSheetInput!) { createSheet(input: $input) { id } }",
            json!({ "input": { "title": "Négatif", "activityType": "OTHER", "budget": -5, "funding": [
                { "funder": "", "amount": 0.001 } ] } }),
        )
        .await;
    let fields: Vec<&str> = bad["extensions"]["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|problem| problem["field"].as_str())
        .collect();
    assert_eq!(fields, ["funding[0].funder", "funding[0].amount", "budget"], "{bad:#}");
    let text = app
        .post(
            "mutation { createSheet(input: { title: \"T\", activityType: OTHER, budget: \"beaucoup\" }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&text["errors"][0]), "INVALID_INPUT", "{text:#}");
}

#[tokio::test]
async fn messages_are_in_french_unless_the_client_asks_for_english() {
    let app = spawn_app().await;
    let send = |language: Option<&'static str>| {
        let mut request = app
            .client
            .post(app.graphql_url())
            .bearer_auth(&app.admin)
            .json(&json!({ "query": "{ sheet(slug: \"absente\") { title } sheets(first: 1000) { totalCount } }" }));
        if let Some(language) = language {
            request = request.header("accept-language", language);
        }
        request.send()
    };
    let french = send(None).await.expect("send");
    assert_eq!(french.headers().get("content-language").and_then(|value| value.to_str().ok()), Some("fr"));
    let french: Value = french.json().await.expect("JSON");
    let english: Value = send(Some("en-US,en;q=0.9")).await.expect("send").json().await.expect("JSON");
    // The two errors come in the order their fields resolve: each is found by its path.
    let on = |body: &Value, field: &str| {
        body["errors"]
            .as_array()
            .and_then(|errors| errors.iter().find(|error| error["path"][0] == field))
            .cloned()
            .unwrap_or_else(|| panic!("no error on {field}: {body:#}"))
    };
    let message = |error: Value| error["message"].as_str().unwrap_or_default().to_owned();
    assert!(message(on(&french, "sheets")).starts_with("saisie invalide : first : 1000 dépasse"), "{french:#}");
    assert!(message(on(&english, "sheets")).starts_with("invalid input: first: 1000 is more than"), "{english:#}");
    assert_eq!(message(on(&french, "sheet")), "fiche-projet de slug `absente` introuvable", "{french:#}");
    assert_eq!(message(on(&english, "sheet")), "sheet with slug `absente` not found");
    assert_eq!(
        on(&french, "sheets")["extensions"]["code"],
        on(&english, "sheets")["extensions"]["code"],
        "codes do not change"
    );
    // The parser's and validator's own messages too.
    let unknown: Value = app
        .client
        .post(app.graphql_url())
        .json(&json!({ "query": "{ fiches { titre } }" }))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("JSON");
    assert!(
        unknown["errors"][0]["message"].as_str().unwrap_or_default().contains("n’existe pas sur le type"),
        "{unknown:#}"
    );
}
