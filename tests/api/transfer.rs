//! Import and export on the command line: a JSON Lines export re-imports into an empty database to
//! the same content; a file with errors reports every one with its file, line and field, and writes
//! nothing; a dry run writes nothing.

use serde_json::{Value, json};

use crate::harness::*;

fn ok(output: std::process::Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn an_export_reimports_to_the_same_records() {
    let dir = tempfile::tempdir().expect("a folder");
    let (first, _keep_first) = fresh_database().await;
    let (second, _keep_second) = fresh_database().await;
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/data/demo.json");
    ok(retex(&first, &dir.path().join("i1"), &["import", demo]));
    let exported = ok(retex(&first, &dir.path().join("i1"), &["export", "--format", "jsonl", "--include-drafts"]));
    assert_eq!(exported.lines().count(), 1 + 54 + 27 + 6 + 22 + 30, "a header and one line per record");
    let file = dir.path().join("base.jsonl");
    std::fs::write(&file, &exported).expect("write the export");
    ok(retex(&second, &dir.path().join("i2"), &["import", file.to_str().expect("a path")]));
    let again = ok(retex(&second, &dir.path().join("i2"), &["export", "--format", "jsonl", "--include-drafts"]));
    assert_eq!(again, exported, "the round trip keeps every record and field");

    // Re-importing updates in place: the same file changes nothing, an edited line updates its record.
    ok(retex(&second, &dir.path().join("i2"), &["import", file.to_str().expect("a path")]));
    let edited = exported.replacen("\"summary\":\"", "\"summary\":\"Résumé revu à l’import. ", 1);
    assert_ne!(edited, exported);
    std::fs::write(&file, &edited).expect("write the edited file");
    ok(retex(&second, &dir.path().join("i2"), &["import", file.to_str().expect("a path")]));
    let updated = ok(retex(&second, &dir.path().join("i2"), &["export", "--format", "jsonl", "--include-drafts"]));
    assert_eq!(updated.lines().count(), exported.lines().count(), "no duplicate");
    assert!(updated.contains("Résumé revu à l’import."), "the edited record was updated");

    // Published only: no draft, and no reference to one.
    let public = ok(retex(&first, &dir.path().join("i1"), &["export", "--format", "json"]));
    let public: Value = serde_json::from_str(&public).expect("a JSON dataset");
    assert_eq!(public["sheets"].as_array().map(Vec::len), Some(21));
    assert!(!public.to_string().contains("atelier-velo-solidaire-brest-metropole"));
}

#[tokio::test]
async fn a_file_with_three_errors_reports_them_all_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("a folder");
    let (database, _keep) = fresh_database().await;
    let file = dir.path().join("structures.jsonl");
    std::fs::write(
        &file,
        [
            r#"{"format":"retex-dataset/1"}"#,
            r#"{"record":"organisation","slug":"fai-ouest","name":"","kind":"SUPPORT_STRUCTURE"}"#,
            r#"{"record":"organisation","slug":"fai-sud","name":"FAI Sud","kind":"SUPPORT_STRUCTURE","website":"pas une adresse"}"#,
            r#"{"record":"organisation","slug":"fai-est","name":"FAI Est","kind":"SUPPORT_STRUCTURE","region":"ATLANTIDE"}"#,
            r#"{"record":"organisation","slug":"fai-nord","name":"FAI Nord","kind":"SUPPORT_STRUCTURE"}"#,
        ]
        .join("\n"),
    )
    .expect("write the file");
    let output = retex(&database, &dir.path().join("index"), &["import", file.to_str().expect("a path")]);
    assert!(!output.status.success());
    let report = String::from_utf8_lossy(&output.stderr);
    for (line, field) in [(2, "name"), (3, "website"), (4, "region")] {
        assert!(report.contains(&format!("structures.jsonl:{line} (")), "line {line} named: {report}");
        assert!(report.contains(&format!("): {field} : ")), "field {field} named: {report}");
    }
    assert!(report.contains("3 problèmes ; rien n'a été écrit"), "{report}");
    let exported =
        ok(retex(&database, &dir.path().join("index"), &["export", "--format", "jsonl", "--include-drafts"]));
    assert_eq!(exported.lines().count(), 1, "nothing was written, not even the valid line");

    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/data/demo.json");
    let dry = retex(&database, &dir.path().join("index"), &["import", "--dry-run", demo]);
    assert!(String::from_utf8_lossy(&ok(dry).into_bytes()).is_empty());
    let exported =
        ok(retex(&database, &dir.path().join("index"), &["export", "--format", "jsonl", "--include-drafts"]));
    assert_eq!(exported.lines().count(), 1, "a dry run writes nothing");
}

#[tokio::test]
async fn an_import_refers_to_records_already_in_the_database_by_slug() {
    let dir = tempfile::tempdir().expect("a folder");
    let (database, _keep) = fresh_database().await;
    let first = dir.path().join("structures.jsonl");
    std::fs::write(
        &first,
        r#"{"record":"organisation","slug":"fai-ouest","name":"FAI Ouest","kind":"SUPPORT_STRUCTURE"}"#,
    )
    .expect("write");
    ok(retex(&database, &dir.path().join("index"), &["import", first.to_str().expect("a path")]));
    let second = dir.path().join("fiches.jsonl");
    std::fs::write(
        &second,
        r#"{"record":"sheet","slug":"garage-ouest","title":"Garage solidaire de l’Ouest","summary":"Un garage.","body":"","activityType":"SOLIDARITY_GARAGE","supportingStructure":"fai-ouest","socialNeed":"","status":"LAUNCHED"}"#,
    )
    .expect("write");
    ok(retex(&database, &dir.path().join("index"), &["import", second.to_str().expect("a path")]));
    let exported = ok(retex(&database, &dir.path().join("index"), &["export", "--format", "jsonl"]));
    assert!(exported.contains(r#""supportingStructure":"fai-ouest""#), "{exported}");
}

/// The three-error file of the command-line test, for the upload.
const THREE_ERRORS: &str = concat!(
    r#"{"format":"retex-dataset/1"}"#,
    "\n",
    r#"{"record":"organisation","slug":"fai-ouest","name":"","kind":"SUPPORT_STRUCTURE"}"#,
    "\n",
    r#"{"record":"organisation","slug":"fai-sud","name":"FAI Sud","kind":"SUPPORT_STRUCTURE","website":"pas une adresse"}"#,
    "\n",
    r#"{"record":"organisation","slug":"fai-est","name":"FAI Est","kind":"SUPPORT_STRUCTURE","region":"ATLANTIDE"}"#,
    "\n",
    r#"{"record":"organisation","slug":"fai-nord","name":"FAI Nord","kind":"SUPPORT_STRUCTURE"}"#,
    "\n",
);

const UPLOAD: &str = "mutation($files: [Upload!]!, $dryRun: Boolean!) { importDataset(files: $files, dryRun: $dryRun) { dryRun organisations territories programmes sheets lessons created updated unchanged } }";

/// Sends `importDataset` with files given as bytes (a workbook).
async fn upload_bytes(app: &TestApp, files: &[(&str, Vec<u8>)], dry_run: bool) -> Value {
    let nulls: Vec<Value> = files.iter().map(|_| Value::Null).collect();
    let operations = serde_json::json!({ "query": UPLOAD, "variables": { "files": nulls, "dryRun": dry_run } });
    let map: serde_json::Map<String, Value> =
        (0..files.len()).map(|i| (i.to_string(), serde_json::json!([format!("variables.files.{i}")]))).collect();
    let mut form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", Value::Object(map).to_string());
    for (i, (name, bytes)) in files.iter().enumerate() {
        form = form.part(i.to_string(), reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.to_string()));
    }
    let request = app.client.post(app.graphql_url()).multipart(form).bearer_auth(&app.admin);
    request.send().await.expect("send the upload").json().await.expect("a JSON answer")
}

/// A workbook with one worksheet, from its rows of cells.
fn workbook(sheet: &str, rows: &[&[&str]]) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let worksheet = workbook.add_worksheet();
    worksheet.set_name(sheet).expect("a worksheet name");
    for (row, cells) in rows.iter().enumerate() {
        for (column, cell) in cells.iter().enumerate() {
            worksheet.write_string(row as u32, column as u16, *cell).expect("a cell");
        }
    }
    workbook.save_to_buffer().expect("a workbook")
}

#[tokio::test]
async fn a_workbook_exported_over_http_imports_back_whole() {
    let demo = spawn_demo().await;
    let response = demo.client.get(format!("{}/export/dataset.xlsx", demo.address)).send().await.expect("send");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers().get("content-type").and_then(|value| value.to_str().ok()),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    let bytes = response.bytes().await.expect("the workbook").to_vec();
    assert!(bytes.starts_with(b"PK"));

    let app = spawn_app().await;
    let answer = upload_bytes(&app, &[("retex.xlsx", bytes.clone())], false).await;
    assert!(answer.get("errors").is_none(), "{answer:#}");
    let sheets = app.ok("{ sheets { totalCount } }", json!({})).await["sheets"]["totalCount"].clone();
    let published = demo.ok_as(None, "{ sheets { totalCount } }", json!({})).await["sheets"]["totalCount"].clone();
    assert_eq!(sheets, published, "every published sheet came back");
    let funded = app
        .ok("{ sheet(slug: \"garage-solidaire-pays-de-brest-carhaix\") { budget funding { funder amount year kind } } }", json!({}))
        .await;
    assert_eq!(funded["sheet"]["budget"], 180000.0, "{funded:#}");
    assert_eq!(funded["sheet"]["funding"][0]["funder"], "Région Bretagne");
    let again = upload_bytes(&app, &[("retex.xlsx", bytes)], false).await;
    assert_eq!(again["data"]["importDataset"]["created"], 0, "re-importing creates nothing: {again:#}");
}

#[tokio::test]
async fn every_problem_of_a_workbook_is_told_at_once_in_french() {
    let app = spawn_app().await;
    let bytes = workbook(
        "Fiches",
        &[
            &["slug", "titre", "type d'activité", "statut", "couleur", "programmes", "budget", "financements"],
            &["garage-a", "Garage A", "garage solidaire", "Lancé", "bleu", "", "", ""],
            &["garage-a", "Garage A bis", "Garage solidaire", "lance", "", "", "", ""],
            &[
                "epicerie",
                "Épicerie",
                "épicerie",
                "Lancé",
                "",
                "programme-inconnu",
                "beaucoup",
                r#"[{"financeur": "Région", "montant": "douze mille"}]"#,
            ],
        ],
    );
    let answer = upload_bytes(&app, &[("import.xlsx", bytes)], false).await;
    assert_eq!(code(&answer["errors"][0]), "INVALID_INPUT", "{answer:#}");
    let problems: Vec<(String, String)> = answer["errors"][0]["extensions"]["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|problem| {
            (
                problem["field"].as_str().unwrap_or_default().to_owned(),
                problem["problem"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let told = |place: &str, words: &str| {
        problems.iter().any(|(field, problem)| field.contains(place) && problem.contains(words))
    };
    // The unknown column, a reference, a duplicate, a value, an amount: all at once, in French.
    assert!(told("import.xlsx[Fiches]:1: couleur", "colonne inconnue"), "{problems:#?}");
    assert!(told("import.xlsx[Fiches]:4", "programme-inconnu"), "{problems:#?}");
    assert!(told("import.xlsx[Fiches]:3", "deux fois"), "{problems:#?}");
    assert!(told("import.xlsx[Fiches]:4", "épicerie"), "{problems:#?}");
    assert!(told("import.xlsx[Fiches]:4", "`douze mille` n’est pas un montant"), "{problems:#?}");
    assert!(told("import.xlsx[Fiches]:4", "`beaucoup` n’est pas un montant"), "{problems:#?}");
    assert_eq!(app.ok("{ sheets { totalCount } }", json!({})).await["sheets"]["totalCount"], 0, "nothing written");

    // A workbook whose worksheets are not named after a kind, and a file that is no workbook.
    let answer = upload_bytes(&app, &[("import.xlsx", workbook("Feuil1", &[&["titre"]]))], false).await;
    assert!(answer["errors"][0]["message"].as_str().unwrap_or_default().contains("Feuil1"), "{answer:#}");
    let answer = upload_bytes(&app, &[("import.xlsx", b"pas un classeur".to_vec())], false).await;
    assert!(answer["errors"][0]["message"].as_str().unwrap_or_default().contains("XLSX"), "{answer:#}");
}

#[tokio::test]
async fn a_csv_file_with_a_bad_column_still_has_its_rows_checked() {
    let app = spawn_app().await;
    let text = "slug;titre;type d'activité;statut;couleur\n\
                garage-a;Garage A;garage solidaire;Lancé;bleu\n\
                garage-a;Garage B;garage solidaire;Lancé;\n\
                garage-c;Garage C;garage;Lancé;\n";
    let answer = upload(&app, Some(&app.admin), &[("fiches.csv", text)], false).await;
    let fields: Vec<&str> = answer["errors"][0]["extensions"]["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|problem| problem["field"].as_str())
        .collect();
    assert!(fields.iter().any(|field| field.ends_with("fiches.csv:1: couleur")), "{fields:?}");
    assert!(fields.iter().any(|field| field.starts_with("fiches.csv:3")), "the duplicate: {fields:?}");
    assert!(fields.iter().any(|field| field.starts_with("fiches.csv:4")), "the bad value: {fields:?}");
}

#[tokio::test]
async fn templates_give_every_column_in_french_and_a_legend() {
    let app = spawn_app().await;
    let get = |path: &str| app.client.get(format!("{}{path}", app.address)).send();
    let workbook = get("/modeles/retex.xlsx").await.expect("send");
    assert_eq!(workbook.status(), 200);
    let bytes = workbook.bytes().await.expect("bytes").to_vec();
    let (read, _, problems) = retex::dataset::xlsx::read_partial("modele.xlsx", &bytes);
    assert!(problems.is_empty() && read.is_empty(), "{problems:?}");
    let fiches = get("/modeles/fiches.csv").await.expect("send").text().await.expect("text");
    for column in ["titre", "statut", "financements", "budget"] {
        assert!(fiches.contains(column), "{column}: {fiches}");
    }
    let legend = get("/modeles/legende.csv").await.expect("send").text().await.expect("text");
    assert!(legend.contains("LAUNCHED;Lancé") && legend.contains("PUBLIC_GRANT;Subvention publique"), "{legend}");
    let missing = get("/modeles/recettes.csv").await.expect("send");
    assert_eq!(missing.status(), 404);
    let body: Value = missing.json().await.expect("JSON");
    assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("modèle"), "{body}");
}

/// Sends `importDataset` as a multipart request (the GraphQL multipart request spec) with these files.
async fn upload(app: &TestApp, token: Option<&str>, files: &[(&str, &str)], dry_run: bool) -> Value {
    let nulls: Vec<Value> = files.iter().map(|_| Value::Null).collect();
    let operations = serde_json::json!({ "query": UPLOAD, "variables": { "files": nulls, "dryRun": dry_run } });
    let map: serde_json::Map<String, Value> =
        (0..files.len()).map(|i| (i.to_string(), serde_json::json!([format!("variables.files.{i}")]))).collect();
    let mut form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", Value::Object(map).to_string());
    for (i, (name, text)) in files.iter().enumerate() {
        form = form.part(i.to_string(), reqwest::multipart::Part::text(text.to_string()).file_name(name.to_string()));
    }
    let mut request = app.client.post(app.graphql_url()).multipart(form);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("send the upload").json().await.expect("a JSON answer")
}

async fn organisation_count(app: &TestApp) -> i64 {
    let data = app
        .ok("{ organisations(filter: { publicationStatuses: [DRAFT, SUBMITTED, PUBLISHED, ARCHIVED] }) { totalCount } }", Value::Null)
        .await;
    data["organisations"]["totalCount"].as_i64().expect("a count")
}

#[tokio::test]
async fn the_upload_behaves_as_the_command() {
    let app = spawn_app().await;
    let demo = include_str!("../../data/demo.json");

    // The same three problems as the command, with the uploaded file's name and lines; nothing written.
    let answer = upload(&app, Some(&app.admin), &[("structures.jsonl", THREE_ERRORS)], false).await;
    assert_eq!(code(&answer["errors"][0]), "INVALID_INPUT", "{answer}");
    let problems = answer["errors"][0]["extensions"]["problems"].as_array().expect("problems").clone();
    assert_eq!(problems.len(), 3, "{answer}");
    for (problem, (line, field)) in problems.iter().zip([(2, "name"), (3, "website"), (4, "region")]) {
        let at = problem["field"].as_str().expect("a field");
        assert!(at.starts_with(&format!("structures.jsonl:{line} (")) && at.ends_with(&format!("): {field}")), "{at}");
    }
    assert_eq!(organisation_count(&app).await, 0, "nothing was written, not even the valid line");

    // A dry run checks and writes nothing; the import then writes; a second import changes nothing.
    let dry = upload(&app, Some(&app.admin), &[("demo.json", demo)], true).await;
    assert_eq!(dry["data"]["importDataset"]["dryRun"], true, "{dry}");
    assert_eq!(dry["data"]["importDataset"]["sheets"], 22, "{dry}");
    assert_eq!(organisation_count(&app).await, 0, "a dry run writes nothing");
    let done = upload(&app, Some(&app.admin), &[("demo.json", demo)], false).await;
    let report = &done["data"]["importDataset"];
    assert_eq!((report["sheets"].as_i64(), report["created"].as_i64()), (Some(22), Some(139)), "{done}");
    let again = upload(&app, Some(&app.admin), &[("demo.json", demo)], false).await;
    assert_eq!(again["data"]["importDataset"]["unchanged"], 139, "re-importing changes nothing: {again}");
    assert_eq!(organisation_count(&app).await, 54);

    // The import is searchable when the mutation answers.
    let found = app.ok("{ search(query: \"garage solidaire\") { totalCount } }", Value::Null).await;
    assert!(found["search"]["totalCount"].as_i64().unwrap_or(0) > 0, "{found}");
}

#[tokio::test]
async fn only_administrators_upload_and_bad_uploads_are_refused() {
    let app = spawn_app().await;
    let file = [(
        "structures.jsonl",
        r#"{"record":"organisation","slug":"fai-nord","name":"FAI Nord","kind":"SUPPORT_STRUCTURE"}"#,
    )];
    let anonymous = upload(&app, None, &file, false).await;
    assert_eq!(code(&anonymous["errors"][0]), "FORBIDDEN", "{anonymous}");
    let reader = app.token("READER", None, None).await;
    let refused = upload(&app, Some(&reader), &file, false).await;
    assert_eq!(code(&refused["errors"][0]), "FORBIDDEN", "{refused}");
    assert_eq!(organisation_count(&app).await, 0);

    // A file whose format cannot be told, and a file that is not UTF-8 text.
    let unknown = upload(&app, Some(&app.admin), &[("notes.txt", "bonjour")], false).await;
    assert_eq!(code(&unknown["errors"][0]), "INVALID_INPUT", "{unknown}");
    assert!(unknown["errors"][0]["extensions"]["problems"][0]["field"] == "notes.txt", "{unknown}");

    // A multipart body that is not a GraphQL multipart request.
    let form = reqwest::multipart::Form::new().text("operations", "pas du JSON");
    let response =
        app.client.post(app.graphql_url()).bearer_auth(&app.admin).multipart(form).send().await.expect("send");
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(code(&body["errors"][0]), "INVALID_INPUT", "{body}");
}

/// The published dataset of an app, as `GET /export/dataset.json` streams it.
async fn exported_over_http(app: &TestApp) -> Value {
    let response = app.client.get(format!("{}/export/dataset.json", app.address)).send().await.expect("send");
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("content-length").is_none(), "the body streams, its length unknown at first");
    let text = response.text().await.expect("the whole body");
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{err}: {}", &text[..text.len().min(400)]))
}

#[tokio::test]
async fn a_large_export_streams_page_by_page_and_reimports_whole() {
    // Arrange: 2,500 sheets (three pages), a programme whose parent comes after it, a lesson drawn
    // from the last sheet of the last page, and a draft nobody public may see, referred to.
    let app = spawn_app_without_search().await;
    let mut sheets: Vec<Value> = (0..2_500)
        .map(|i| {
            json!({ "slug": format!("fiche-{i}"), "title": format!("Fiche {i}"), "activityType": "SOLIDARITY_GARAGE",
                    "status": "LAUNCHED", "programmes": ["enfant"], "publicationStatus": "PUBLISHED" })
        })
        .collect();
    sheets.push(json!({ "slug": "brouillon", "title": "Fiche en brouillon", "activityType": "SOLIDARITY_GARAGE",
                        "status": "LAUNCHED", "publicationStatus": "DRAFT" }));
    app.load(json!({
        "format": "retex-dataset/1",
        "programmes": [
            { "slug": "enfant", "name": "Programme enfant", "parent": "parent", "publicationStatus": "PUBLISHED" },
            { "slug": "parent", "name": "Programme parent", "publicationStatus": "PUBLISHED" }
        ],
        "sheets": sheets,
        "lessons": [{ "slug": "lecon", "title": "Leçon", "polarity": "SUCCESS_FACTOR", "evidenceLevel": "ONE_PROJECT",
                      "evidenceLinks": [{ "sheet": "fiche-2499" }, { "sheet": "brouillon" }], "publicationStatus": "PUBLISHED" }]
    }))
    .await;

    // Act
    let exported = exported_over_http(&app).await;
    let copy = spawn_app_without_search().await;
    copy.load(exported.clone()).await;
    let again = exported_over_http(&copy).await;

    // Assert
    assert_eq!(exported["sheets"].as_array().map(Vec::len), Some(2_500), "every page, no draft");
    let enfant = exported["programmes"].as_array().and_then(|all| all.iter().find(|p| p["slug"] == "enfant"));
    assert_eq!(enfant.map(|p| p["parent"].clone()), Some(json!("parent")), "a parent sent after its child is kept");
    let links = &exported["lessons"][0]["evidenceLinks"];
    assert_eq!(links.as_array().map(Vec::len), Some(1), "the link to the draft is left out: {links}");
    assert_eq!(links[0]["sheet"], "fiche-2499");
    assert_eq!(again, exported, "the export re-imports to the same records");
}

#[tokio::test]
async fn the_dataset_export_over_http_follows_the_access_rules() {
    let app = spawn_demo().await;
    let url = format!("{}/export/dataset.json", app.address);
    let public: Value = app.client.get(&url).send().await.expect("send").json().await.expect("JSON");
    assert_eq!(public["sheets"].as_array().map(Vec::len), Some(21), "published sheets only");
    assert!(!public.to_string().contains("atelier-velo-solidaire-brest-metropole"), "no draft");
    for list in ["organisations", "territories", "programmes", "sheets", "lessons"] {
        for record in public[list].as_array().expect("a list") {
            assert!(record["licence"].is_string() && record["source"].is_string(), "{list}: {record}");
        }
    }
    let drafts = app.client.get(format!("{url}?includeDrafts=true")).send().await.expect("send");
    assert_eq!(drafts.status(), 403, "drafts are for administrators");
    let all: Value = app
        .client
        .get(format!("{url}?includeDrafts=true"))
        .bearer_auth(&app.admin)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("JSON");
    assert_eq!(all["sheets"].as_array().map(Vec::len), Some(22));
    let lines = app
        .client
        .get(format!("{}/export/dataset.jsonl", app.address))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("text");
    assert_eq!(
        lines.lines().count(),
        1 + public.as_object().map_or(0, |dataset| {
            ["organisations", "territories", "programmes", "sheets", "lessons"]
                .iter()
                .map(|list| dataset[*list].as_array().map_or(0, Vec::len))
                .sum::<usize>()
        })
    );
    let bad = app.client.get(format!("{url}?format=xml")).send().await.expect("send");
    assert_eq!(bad.status(), 400, "unknown parameters are refused");
}

#[tokio::test]
async fn external_ids_match_records_and_stand_for_slugs() {
    let dir = tempfile::tempdir().expect("a folder");
    let (database, _keep) = fresh_database().await;
    let index = dir.path().join("index");
    let write = |name: &str, lines: &[&str]| {
        let path = dir.path().join(name);
        std::fs::write(&path, lines.join("\n")).expect("write");
        path.to_str().expect("a path").to_owned()
    };
    // No slugs: they are derived from the external ids; references use the external ids.
    let first = write(
        "source.jsonl",
        &[
            r#"{"record":"organisation","externalId":"CRM-17","name":"FAI Ouest","kind":"SUPPORT_STRUCTURE"}"#,
            r#"{"record":"sheet","externalId":"PA-2024-1","title":"Garage solidaire de l’Ouest","activityType":"SOLIDARITY_GARAGE","status":"LAUNCHED","supportingStructure":"CRM-17"}"#,
            r#"{"record":"lesson","externalId":"L-1","polarity":"SUCCESS_FACTOR","title":"Associer les élus dès le diagnostic","evidenceLevel":"ONE_PROJECT","evidenceLinks":[{"sheet":"PA-2024-1"}]}"#,
        ],
    );
    ok(retex(&database, &index, &["import", &first]));
    let exported = ok(retex(&database, &index, &["export", "--format", "jsonl"]));
    for expected in [
        r#""slug":"crm-17","externalId":"CRM-17""#,
        r#""slug":"pa-2024-1","externalId":"PA-2024-1""#,
        r#""supportingStructure":"crm-17""#,
        r#""sheet":"pa-2024-1""#,
    ] {
        assert!(exported.contains(expected), "{expected} in {exported}");
    }

    // Re-importing the source's file with an edited title updates the record its external id names.
    let edited = write(
        "source-v2.jsonl",
        &[
            r#"{"record":"sheet","externalId":"PA-2024-1","title":"Garage solidaire du Pays de l’Ouest","activityType":"SOLIDARITY_GARAGE","status":"LAUNCHED","supportingStructure":"CRM-17"}"#,
        ],
    );
    ok(retex(&database, &index, &["import", &edited]));
    let exported = ok(retex(&database, &index, &["export", "--format", "jsonl"]));
    assert_eq!(exported.matches(r#""record":"sheet""#).count(), 1, "updated in place: {exported}");
    assert!(exported.contains("Garage solidaire du Pays de l’Ouest"), "{exported}");

    // An external id that names another record than the slug given, and one used twice, are refused.
    let clash = write(
        "clash.jsonl",
        &[
            r#"{"record":"organisation","slug":"autre-structure","externalId":"CRM-17","name":"Autre","kind":"SUPPORT_STRUCTURE"}"#,
            r#"{"record":"organisation","externalId":"CRM-90","name":"Une","kind":"SUPPORT_STRUCTURE"}"#,
            r#"{"record":"organisation","slug":"deux","externalId":"CRM-90","name":"Deux","kind":"SUPPORT_STRUCTURE"}"#,
        ],
    );
    let output = retex(&database, &index, &["import", &clash]);
    assert!(!output.status.success());
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(
        report.contains(
            "clash.jsonl:1 (autre-structure): externalId : `CRM-17` est déjà la clé de l’organisation `crm-17`"
        ),
        "{report}"
    );
    assert!(
        report.contains("clash.jsonl:3 (deux): externalId : `CRM-90` désigne deux organisations de l’import"),
        "{report}"
    );
}

#[tokio::test]
async fn the_example_file_of_each_format_imports() {
    let dir = tempfile::tempdir().expect("a folder");
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/examples");
    for (format, sheets, lessons) in [("json", 1, 1), ("jsonl", 1, 1), ("csv", 2, 2), ("markdown", 1, 1)] {
        let (database, _keep) = fresh_database().await;
        let index = dir.path().join(format);
        let folder = format!("{examples}/{format}");
        let said = String::from_utf8_lossy(&retex(&database, &index, &["import", &folder]).stderr).into_owned();
        assert!(said.contains("importé"), "{format}: {said}");
        let exported: Value = serde_json::from_str(&ok(retex(&database, &index, &["export", "--format", "json"])))
            .expect("a JSON dataset");
        assert_eq!(exported["sheets"].as_array().map(Vec::len), Some(sheets), "{format}: {exported}");
        assert_eq!(exported["lessons"].as_array().map(Vec::len), Some(lessons), "{format}: {exported}");
        let linked = exported["lessons"][0]["evidenceLinks"].as_array().map_or(0, Vec::len);
        assert!(linked > 0, "{format}: the lesson is linked to its sheet: {exported}");
    }
}

#[tokio::test]
async fn csv_and_markdown_exports_reimport_to_the_same_records() {
    let dir = tempfile::tempdir().expect("a folder");
    let (first, _keep_first) = fresh_database().await;
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/data/demo.json");
    ok(retex(&first, &dir.path().join("i1"), &["import", demo]));
    let reference = ok(retex(&first, &dir.path().join("i1"), &["export", "--format", "jsonl", "--include-drafts"]));
    for format in ["csv", "markdown"] {
        let out = dir.path().join(format!("out-{format}"));
        let out = out.to_str().expect("a path");
        ok(retex(&first, &dir.path().join("i1"), &["export", "--format", format, "--output", out, "--include-drafts"]));
        let (second, _keep_second) = fresh_database().await;
        let index = dir.path().join(format!("i-{format}"));
        ok(retex(&second, &index, &["import", out]));
        let again = ok(retex(&second, &index, &["export", "--format", "jsonl", "--include-drafts"]));
        // Files are read in name order, so records are created (and exported) in another order.
        let sorted = |text: &str| {
            let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
            lines.sort();
            lines
        };
        assert_eq!(sorted(&again), sorted(&reference), "{format}: the round trip keeps every record and field");
    }
    // A CSV or Markdown export is a folder: without --output it is refused.
    let output = retex(&first, &dir.path().join("i1"), &["export", "--format", "csv"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--output"));
}

#[tokio::test]
async fn the_upload_reads_csv_and_markdown_files_as_the_command() {
    let app = spawn_app().await;
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/examples");
    let read = |folder: &str| -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = std::fs::read_dir(format!("{examples}/{folder}"))
            .expect("the examples")
            .map(|entry| {
                let path = entry.expect("an entry").path();
                let name = path.file_name().and_then(|name| name.to_str()).expect("a name").to_owned();
                (name, std::fs::read_to_string(&path).expect("read"))
            })
            .collect();
        files.sort();
        files
    };
    for (folder, sheets, lessons) in [("csv", 2, 2), ("markdown", 1, 1)] {
        let files = read(folder);
        let borrowed: Vec<(&str, &str)> = files.iter().map(|(name, text)| (name.as_str(), text.as_str())).collect();
        let answer = upload(&app, Some(&app.admin), &borrowed, false).await;
        let report = &answer["data"]["importDataset"];
        assert_eq!((report["sheets"].as_i64(), report["lessons"].as_i64()), (Some(sheets), Some(lessons)), "{answer}");
    }
    // A CSV file whose name says no kind is refused with the accepted names.
    let answer = upload(&app, Some(&app.admin), &[("tableau.csv", "titre\nx\n")], false).await;
    assert_eq!(code(&answer["errors"][0]), "INVALID_INPUT", "{answer}");
    let problem = &answer["errors"][0]["extensions"]["problems"][0];
    assert_eq!(problem["field"], "tableau.csv", "{answer}");
    assert!(problem["problem"].as_str().is_some_and(|text| text.contains("fiches")), "{answer}");
}

fn system() -> retex::domain::Viewer {
    retex::domain::Viewer::System { name: "test".into() }
}

fn demo() -> Value {
    serde_json::from_str(retex::demo::DEMO_JSON).expect("the demo is JSON")
}

fn dataset(value: Value) -> retex::dataset::Dataset {
    serde_json::from_value(value).expect("a dataset")
}

/// Every record of an app, as the export's pages, gathered in one dataset.
async fn export(app: &retex::app::App) -> Value {
    let (pages, mut received) = tokio::sync::mpsc::channel(4);
    let every_status = <retex::domain::PublicationStatus as retex::domain::Vocabulary>::ALL;
    let (progress, viewer) = (retex::domain::Progress::default(), system());
    let (sent, whole) = tokio::join!(app.export_pages(&viewer, every_status, &progress, pages), async move {
        let mut whole = retex::dataset::Dataset { format: retex::dataset::FORMAT.to_owned(), ..Default::default() };
        while let Some(page) = received.recv().await {
            whole.organisations.extend(page.organisations);
            whole.territories.extend(page.territories);
            whole.programmes.extend(page.programmes);
            whole.sheets.extend(page.sheets);
            whole.lessons.extend(page.lessons);
        }
        whole
    });
    sent.expect("export");
    serde_json::to_value(&whole).expect("a dataset is JSON")
}

#[tokio::test]
async fn an_import_in_two_steps_gives_the_same_records_and_revisions_as_in_one() {
    // Arrange: the whole demo in one database; in another, part of it first (no lessons, half the
    // sheets), then the whole file, which mixes records already there with new ones referring to them.
    let (whole_url, _keep_whole) = fresh_database().await;
    let (steps_url, _keep_steps) = fresh_database().await;
    let whole = retex::app::App::open(&whole_url).await.expect("open");
    let steps = retex::app::App::open(&steps_url).await.expect("open");
    let full = demo();
    let mut part = full.clone();
    let sheets = part["sheets"].as_array_mut().expect("sheets");
    let half = sheets.len() / 2;
    sheets.truncate(half);
    part["lessons"] = Value::Array(Vec::new());

    // Act
    let at_once = whole.load_dataset(&system(), &dataset(full.clone())).await.expect("load the whole");
    let first = steps.load_dataset(&system(), &dataset(part)).await.expect("load the part");
    let second = steps.load_dataset(&system(), &dataset(full.clone())).await.expect("load the whole after");

    // Assert: the same records, counted as created once and then unchanged.
    let lessons = full["lessons"].as_array().map_or(0, Vec::len);
    let sheet_count = full["sheets"].as_array().map_or(0, Vec::len);
    assert_eq!(at_once.created, at_once.records.total());
    assert_eq!(first.created + second.created, at_once.created);
    assert_eq!(second.created, sheet_count - half + lessons);
    assert_eq!(second.unchanged, first.created);
    assert_eq!(second.updated, 0);
    assert_eq!(export(&steps).await, export(&whole).await, "the same records, fields and references");

    // Every new record has one revision, version 1, whose snapshot is the record as exported.
    let exported = export(&whole).await;
    for record in exported["sheets"].as_array().expect("sheets") {
        let slug = record["slug"].as_str().expect("a slug");
        let id = whole
            .id_by_slug::<retex::domain::SheetFields>(&system(), slug)
            .await
            .expect("lookup")
            .expect("the sheet exists");
        let revisions = whole.revisions(&system(), retex::domain::Kind::Sheet, &[id.0]).await.expect("revisions");
        assert_eq!(revisions.len(), 1, "{slug}");
        assert_eq!(revisions[0].version, 1);
        let snapshot: Value = serde_json::from_str(&revisions[0].snapshot).expect("a JSON snapshot");
        assert_eq!(&snapshot, record, "the snapshot of {slug} is the stored record");
    }
}

#[tokio::test]
async fn a_slug_given_twice_is_found_across_a_thousand_records_and_nothing_is_written() {
    let (url, _keep) = fresh_database().await;
    let app = retex::app::App::open(&url).await.expect("open");
    let organisation = |i: usize| json!({ "slug": format!("structure-{i}"), "name": format!("Structure {i}"), "kind": "SUPPORT_STRUCTURE" });
    let mut organisations: Vec<Value> = (0..1_001).map(organisation).collect();
    organisations.push(organisation(0));
    let file = json!({ "format": "retex-dataset/1", "organisations": organisations });

    let error = app.load_dataset(&system(), &dataset(file)).await.expect_err("a duplicate fails the load");

    let report = error.to_string();
    assert!(report.contains("organisations[1001] (structure-0): slug"), "{report}");
    assert_eq!(export(&app).await["organisations"].as_array().map_or(0, Vec::len), 0, "nothing was written");
    let mut distinct = file_of((0..1_001).map(organisation).collect());
    let summary = app.load_dataset(&system(), &dataset(distinct.take())).await.expect("load");
    assert_eq!(summary.created, 1_001);
    assert_eq!(export(&app).await["organisations"].as_array().map_or(0, Vec::len), 1_001);
}

fn file_of(organisations: Vec<Value>) -> Value {
    json!({ "format": "retex-dataset/1", "organisations": organisations })
}

#[tokio::test]
async fn a_reimport_that_changes_relations_gives_the_records_and_revisions_of_a_fresh_import() {
    // Arrange: the demo in two databases; an edited demo in which sheets and lessons change their
    // tags, links and owned rows (reordered, dropped), as a re-import of a reworked file would.
    let (steps_url, _keep_steps) = fresh_database().await;
    let (fresh_url, _keep_fresh) = fresh_database().await;
    let steps = retex::app::App::open(&steps_url).await.expect("open");
    let fresh = retex::app::App::open(&fresh_url).await.expect("open");
    let original = demo();
    let mut edited = original.clone();
    for sheet in edited["sheets"].as_array_mut().expect("sheets") {
        for list in ["programmes", "themes", "territories"] {
            if let Some(items) = sheet[list].as_array_mut() {
                items.reverse();
            }
        }
        if let Some(phases) = sheet["phases"].as_array_mut() {
            phases.truncate(1);
        }
        sheet["indicators"] = json!([]);
    }
    for lesson in edited["lessons"].as_array_mut().expect("lessons") {
        for list in ["evidenceLinks", "categories", "themes"] {
            if let Some(items) = lesson[list].as_array_mut() {
                items.reverse();
            }
        }
    }
    let differ = |list: &str| {
        original[list]
            .as_array()
            .into_iter()
            .flatten()
            .zip(edited[list].as_array().into_iter().flatten())
            .filter(|(a, b)| a != b)
            .count()
    };
    let changed_sheets = differ("sheets");
    let changed = changed_sheets + differ("lessons");
    assert!(changed > 20, "the edit changes many records: {changed}");

    // Act
    steps.load_dataset(&system(), &dataset(original.clone())).await.expect("load the demo");
    let second = steps.load_dataset(&system(), &dataset(edited.clone())).await.expect("re-import the edited demo");
    fresh.load_dataset(&system(), &dataset(edited)).await.expect("load the edited demo");

    // Assert: the same records as a fresh import of the edited file.
    assert_eq!(second.updated, changed);
    assert_eq!(second.created, 0);
    let exported = export(&steps).await;
    assert_eq!(exported, export(&fresh).await, "the same records, fields, links and owned rows");

    // Every changed sheet has a second revision, version 2, « import », whose snapshot is the record.
    let mut seen = 0;
    for record in exported["sheets"].as_array().expect("sheets") {
        let slug = record["slug"].as_str().expect("a slug");
        let id =
            steps.id_by_slug::<retex::domain::SheetFields>(&system(), slug).await.expect("lookup").expect("exists");
        let revisions = steps.revisions(&system(), retex::domain::Kind::Sheet, &[id.0]).await.expect("revisions");
        if revisions.len() == 1 {
            continue;
        }
        seen += 1;
        let last = revisions.last().expect("a revision");
        assert_eq!((revisions.len(), last.version, last.reason.as_deref()), (2, 2, Some("import")), "{slug}");
        let snapshot: Value = serde_json::from_str(&last.snapshot).expect("a JSON snapshot");
        assert_eq!(&snapshot, record, "the snapshot of {slug} is the stored record");
    }
    assert_eq!(seen, changed_sheets);
}

/// Makes a stored sheet unreadable (a code no vocabulary knows), as a corrupted row would be.
async fn corrupt_sheet(app: &retex::app::App, slug: &str) {
    use sea_orm::ConnectionTrait;
    let sql = format!("UPDATE sheet SET activity_type = 'NOT_A_CODE' WHERE slug = '{slug}'");
    app.store().writer().execute_unprepared(&sql).await.expect("corrupt the row");
}

fn small_base() -> Value {
    json!({
        "format": "retex-dataset/1",
        "organisations": [{ "slug": "fai-ouest", "name": "FAI Ouest", "kind": "SUPPORT_STRUCTURE", "publicationStatus": "PUBLISHED" }],
        "sheets": (0..3).map(|i| json!({ "slug": format!("fiche-{i}"), "title": format!("Fiche {i}"), "activityType": "SOLIDARITY_GARAGE",
            "status": "LAUNCHED", "supportingStructure": "fai-ouest", "publicationStatus": "PUBLISHED" })).collect::<Vec<_>>()
    })
}

#[tokio::test]
async fn an_export_that_fails_part_way_never_looks_whole() {
    // Over HTTP: the organisations read, then a sheet that cannot be read: an error answer, not a
    // shorter document.
    let app = spawn_app_without_search().await;
    app.load(small_base()).await;
    corrupt_sheet(&app.app, "fiche-1").await;
    for path in ["dataset.json", "dataset.jsonl"] {
        let response = app.client.get(format!("{}/export/{path}", app.address)).send().await.expect("send");
        assert_eq!(response.status(), 500, "{path}");
        let body: Value = response.json().await.expect("a JSON error");
        assert!(body.to_string().contains("l’export a échoué"), "{body}");
    }

    // The command: a non-zero exit, and the output as it was (no file, no folder half-replaced,
    // nothing `.partial` left).
    let dir = tempfile::tempdir().expect("a folder");
    let (database, _keep) = fresh_database().await;
    let index = dir.path().join("index");
    let file = dir.path().join("base.json");
    std::fs::write(&file, small_base().to_string()).expect("write");
    ok(retex(&database, &index, &["import", file.to_str().expect("a path")]));
    let stored = retex::app::App::open(&database).await.expect("open");
    corrupt_sheet(&stored, "fiche-1").await;
    let folder = dir.path().join("export");
    std::fs::create_dir_all(&folder).expect("a folder");
    std::fs::write(folder.join("organisations.csv"), "an earlier export\n").expect("write");
    let target = folder.to_str().expect("a path");
    let failed = retex(&database, &index, &["export", "--format", "csv", "--output", target]);
    assert!(!failed.status.success(), "the export failed");
    let said = String::from_utf8_lossy(&failed.stderr);
    assert!(said.contains("NOT_A_CODE") || said.contains("erreur interne"), "{said}");
    assert_eq!(std::fs::read_to_string(folder.join("organisations.csv")).expect("kept"), "an earlier export\n");
    assert_eq!(std::fs::read_dir(&folder).expect("folder").count(), 1, "nothing added to the folder");
    let single = dir.path().join("base-export.json");
    let failed =
        retex(&database, &index, &["export", "--format", "json", "--output", single.to_str().expect("a path")]);
    assert!(!failed.status.success());
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .expect("folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!left.iter().any(|name| name.starts_with("base-export") || name.ends_with(".partial")), "{left:?}");
}

#[tokio::test]
async fn a_parent_programme_beyond_the_first_thousand_is_kept() {
    // 1,001 programmes: the first names as its parent the last, which is sent in a later chunk.
    let app = spawn_app_without_search().await;
    let mut programmes: Vec<Value> = (0..1_001)
        .map(|i| json!({ "slug": format!("programme-{i}"), "name": format!("Programme {i}"), "publicationStatus": "PUBLISHED" }))
        .collect();
    app.load(json!({ "format": "retex-dataset/1", "programmes": programmes.clone() })).await;
    // Given its parent afterwards, so that the parent was created (and is exported) after it.
    programmes[0]["parent"] = json!("programme-1000");
    app.load(json!({ "format": "retex-dataset/1", "programmes": programmes })).await;

    let exported = exported_over_http(&app).await;

    let all = exported["programmes"].as_array().expect("programmes");
    assert_eq!(all.len(), 1_001);
    let first = all.iter().find(|p| p["slug"] == "programme-0").expect("the first programme");
    assert_eq!(first["parent"], "programme-1000", "{first}");
}

#[tokio::test]
async fn dataset_exports_beyond_the_limit_wait_their_turn() {
    // One export at a time here, and a base far larger than every buffer between the export and an
    // unread socket (about 30 MB), so that an export whose client reads nothing keeps its place.
    let limits = retex::http::Limits { concurrent_exports: 1, ..retex::http::Limits::default() };
    let app = spawn_app_without_search_with(limits).await;
    let body = "Un garage solidaire qui répare à prix coûtant les voitures des personnes en insertion. ".repeat(60);
    let sheets: Vec<Value> = (0..6_000)
        .map(|i| {
            json!({ "slug": format!("fiche-{i}"), "title": format!("Fiche {i} : un garage solidaire en milieu rural"),
                    "body": body, "activityType": "SOLIDARITY_GARAGE", "status": "LAUNCHED", "publicationStatus": "PUBLISHED" })
        })
        .collect();
    app.load(json!({ "format": "retex-dataset/1", "sheets": sheets })).await;
    let url = format!("{}/export/dataset.jsonl", app.address);

    // A client that reads nothing holds the place.
    let first = app.client.get(&url).send().await.expect("send");
    assert_eq!(first.status(), 200);
    let second = app.client.get(&url).send().await.expect("send");
    assert_eq!(second.status(), 503, "a second export waits");
    assert_eq!(second.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("60"));
    let refused: Value = second.json().await.expect("a JSON error");
    assert_eq!(refused["errors"][0]["extensions"]["code"], "BUSY", "{refused}");

    // Read to the end, it frees its place.
    let lines = first.text().await.expect("the whole body").lines().count();
    assert_eq!(lines, 6_001);
    let mut answered = 0;
    for _ in 0..100 {
        let again = app.client.get(&url).send().await.expect("send");
        answered = again.status().as_u16();
        if answered == 200 {
            assert_eq!(again.text().await.expect("the whole body").lines().count(), 6_001);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(answered, 200, "a place came free");
}

#[tokio::test]
async fn a_spreadsheet_may_name_values_by_their_french_labels_however_written() {
    let dir = tempfile::tempdir().expect("a folder");
    let (database, _keep) = fresh_database().await;
    let file = dir.path().join("fiches.jsonl");
    std::fs::write(
        &file,
        [
            r#"{"format":"retex-dataset/1"}"#,
            r#"{"record":"sheet","slug":"garage-du-tregor","title":"Garage solidaire du Trégor","activityType":"garage solidaire","status":"Lancé","themes":["Mobilité","emploi et insertion"],"targetPublics":["Demandeurs d'emploi"],"phases":[{"phase":"étude d’opportunité"}],"publicationStatus":"publié"}"#,
        ]
        .join("\n"),
    )
    .expect("write the file");
    let output = retex(&database, &dir.path().join("index"), &["import", file.to_str().expect("a path")]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let exported = ok(retex(&database, &dir.path().join("index"), &["export", "--format", "jsonl"]));
    let sheet: Value = exported
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|record| record["slug"] == "garage-du-tregor")
        .expect("the sheet, published");
    assert_eq!(sheet["activityType"], "SOLIDARITY_GARAGE");
    assert_eq!(sheet["status"], "LAUNCHED");
    assert_eq!(sheet["themes"], json!(["MOBILITY", "EMPLOYMENT"]));
    assert_eq!(sheet["targetPublics"], json!(["JOB_SEEKERS"]));
    assert_eq!(sheet["phases"][0]["phase"], "OPPORTUNITY_STUDY");

    // A value that is neither a code nor a label is named, with what is allowed, codes and labels.
    std::fs::write(
        &file,
        [
            r#"{"format":"retex-dataset/1"}"#,
            r#"{"record":"sheet","slug":"autre","title":"Autre","activityType":"garage","status":"Lancée"}"#,
        ]
        .join("\n"),
    )
    .expect("write the file");
    let output = retex(&database, &dir.path().join("index"), &["import", file.to_str().expect("a path")]);
    assert!(!output.status.success());
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(report.contains("`Lancée` n’est pas une valeur valide de SheetStatus"), "{report}");
    assert!(report.contains("LAUNCHED (Lancé)"), "{report}");
    assert!(report.contains("`garage` n’est pas une valeur valide de ActivityType"), "{report}");
}
