//! Import and export on the command line: a JSON Lines export re-imports into an empty database to
//! the same content; a file with errors reports every one with its file, line and field, and writes
//! nothing; a dry run writes nothing.

use serde_json::Value;

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
