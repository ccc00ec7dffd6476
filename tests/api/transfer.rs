//! Import and export on the command line: a JSON Lines export re-imports into an empty database to
//! the same content; a file with errors reports every one with its file, line and field, and writes
//! nothing; a dry run writes nothing.

use serde_json::{Value, json};

use crate::harness::*;

fn retex(database: &str, index: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_retex"))
        .args(args)
        .env("RETEX_DATABASE_URL", database)
        .env("RETEX_INDEX_DIR", index)
        .env("RUST_LOG", "warn")
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run retex")
}

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
        assert!(report.contains(&format!("): {field}: ")), "field {field} named: {report}");
    }
    assert!(report.contains("3 problems; nothing was written"), "{report}");
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

fn system() -> retex::domain::Viewer {
    retex::domain::Viewer::System { name: "test".into() }
}

fn demo() -> Value {
    serde_json::from_str(retex::demo::DEMO_JSON).expect("the demo is JSON")
}

fn dataset(value: Value) -> retex::dataset::Dataset {
    serde_json::from_value(value).expect("a dataset")
}

async fn export(app: &retex::app::App) -> Value {
    let exported = app
        .export_dataset(&system(), <retex::domain::PublicationStatus as retex::domain::Vocabulary>::ALL)
        .await
        .expect("export");
    serde_json::to_value(&exported).expect("a dataset is JSON")
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
    assert_eq!(
        at_once.created,
        at_once.sheets + at_once.lessons + at_once.programmes + at_once.organisations + at_once.territories
    );
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
