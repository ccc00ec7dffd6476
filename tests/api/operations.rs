//! What an operator relies on: servers that start together, fail fast and recover while the database
//! is away, an index that checks itself against the database, health checks and metrics, and settings
//! that refuse wrong values.

use std::time::{Duration, Instant};

use retex::app::App;
use retex::domain::Viewer;
use retex::indexer::{FailureInjection, IndexerOptions};
use sea_orm::ConnectionTrait as _;
use serde_json::{Value, json};

use crate::harness::*;

/// Starts a server on `app` with these limits and returns its address.
async fn serve(app: App, limits: retex::http::Limits) -> String {
    let router = retex::http::router(app, limits);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a port");
    let address = format!("http://{}", listener.local_addr().expect("local address"));
    tokio::spawn(retex::http::serve(listener, router, std::future::pending()));
    address
}

async fn health(client: &reqwest::Client, address: &str) -> (u16, Value) {
    let response = client.get(format!("{address}/healthz")).send().await.expect("a response");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON body"))
}

async fn search_titles(app: &TestApp, text: &str) -> Vec<String> {
    let query = "query($q: String!) { search(query: $q) { hits { node { ... on ProjectSheet { title } } } } }";
    let data = app.ok(query, json!({ "q": text })).await;
    data["search"]["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|hit| hit["node"]["title"].as_str().expect("a title").to_owned())
        .collect()
}

#[tokio::test]
async fn the_reconciliation_repairs_what_the_change_log_never_carried() {
    // Arrange: a published sheet, then a change made behind retex's back (no change-log entry).
    let app = spawn_app().await;
    let created = sheet(&app, "Garage solidaire du Poher", json!({})).await;
    publish(&app, created["id"].as_str().expect("an id"), created["version"].as_i64().expect("a version")).await;
    app.app
        .store()
        .writer()
        .execute_unprepared(
            "UPDATE sheet SET title = 'Garage solidaire fantôme', version = version + 1 \
             WHERE slug = 'garage-solidaire-du-poher'",
        )
        .await
        .expect("a write behind retex's back");
    assert!(search_titles(&app, "fantôme").await.is_empty(), "the index did not hear of it");

    // Act
    app.app.reconcile_now().expect("search is on");

    // Assert: the sheet is indexed as the database holds it, and health says what was repaired.
    let deadline = Instant::now() + Duration::from_secs(20);
    while search_titles(&app, "fantôme").await.is_empty() {
        assert!(Instant::now() < deadline, "the reconciliation repaired the index within 20 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The repair is searchable as soon as it is committed; the run's figures are recorded just after.
    let mut reconciliation = app.app.reconciliation().expect("search is on");
    while reconciliation.total_repaired < 1 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        reconciliation = app.app.reconciliation().expect("search is on");
    }
    assert!(reconciliation.total_repaired >= 1, "{reconciliation:?}");
    let (status, body) = health(&app.client, &app.address).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["index"]["reconciliation"]["totalRepaired"].as_u64() >= Some(1), "{body}");
    // The next run, two seconds after a repair, finds the index and the database equal.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, body) = health(&app.client, &app.address).await;
        if body["index"]["inSync"] == true {
            break;
        }
        assert!(Instant::now() < deadline, "the index is in sync again: {body}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn health_answers_503_when_the_index_stays_behind_longer_than_the_bound() {
    // Arrange: an indexer that dies on its first document, and a bound of one second.
    let (url, _dir) = fresh_database().await;
    let index = tempfile::tempdir().expect("a folder");
    let failure = FailureInjection { crash_after_documents: Some(0) };
    let app = App::open_search_with(
        &url,
        &Default::default(),
        index.path(),
        IndexerOptions { failure, ..IndexerOptions::default() },
    )
    .await
    .expect("open");
    let limits = retex::http::Limits { index_max_lag: Duration::from_secs(1), ..Default::default() };
    let address = serve(app.clone(), limits).await;
    let client = reqwest::Client::new();
    let (status, body) = health(&client, &address).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["index"]["inSync"], true, "{body}");

    // Act: a change the index never applies.
    let system = Viewer::System { name: "test".into() };
    let organisation = retex::domain::OrganisationDraft {
        name: "Fabrique du Centre".into(),
        kind: Some(retex::domain::OrganisationKind::SupportStructure),
        ..Default::default()
    };
    app.create::<retex::domain::OrganisationFields>(&system, organisation).await.expect("create");
    tokio::time::sleep(Duration::from_millis(1_200)).await;

    // Assert
    let (status, body) = health(&client, &address).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["status"], "unavailable");
    assert!(body["cause"].as_str().is_some_and(|cause| cause.contains("behind")), "{body}");
    assert_eq!(body["index"]["inSync"], false);
    assert!(body["index"]["pendingChanges"].as_i64() >= Some(1), "{body}");
}

#[tokio::test]
async fn metrics_count_requests_by_operation_and_outcome_in_the_prometheus_format() {
    let app = spawn_app().await;
    app.ok("{ sheets(first: 1) { totalCount } }", json!({})).await;
    app.fails("{ sheet(slug: \"absente\") { title } nope }", json!({})).await;
    app.fails("mutation { archive(id: \"UHJvamVjdFNoZWV0Ojk5\", version: 1) { id } }", json!({})).await;

    let response = app.client.get(format!("{}/metrics", app.address)).send().await.expect("a response");
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().expect("text").to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let text = response.text().await.expect("a body");
    for expected in [
        r#"retex_graphql_requests_total{operation="query",outcome="ok"}"#,
        r#"retex_graphql_requests_total{operation="query",outcome="INVALID_INPUT"}"#,
        r#"retex_graphql_requests_total{operation="mutation",outcome="NOT_FOUND"}"#,
        "retex_graphql_request_duration_seconds_bucket{operation=\"query\",le=\"0.005\"}",
        "# TYPE retex_index_pending_changes gauge",
        "retex_index_lag_seconds ",
        "retex_index_reconciliations ",
        "retex_db_pool_connections ",
        "retex_db_pool_max_connections ",
        "retex_database_up 1",
    ] {
        assert!(text.contains(expected), "/metrics has no `{expected}`:\n{text}");
    }
}

#[tokio::test]
async fn servers_started_together_on_an_empty_database_all_come_up_and_load_the_demo_once() {
    // Arrange: an empty database, three servers with the demo, started at once.
    let (url, _dir) = fresh_database().await;
    let folders: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().expect("a folder")).collect();
    let mut servers: Vec<ServerProcess> =
        folders.iter().map(|folder| start_server(&url, &folder.path().join("index"), &["--demo"])).collect();

    // Assert: each answers its health check, and all see the demo loaded once.
    let mut totals = Vec::new();
    for server in &mut servers {
        server.wait_healthy(Duration::from_secs(120)).await;
        let answer = server.query("{ sheets { totalCount } }").await;
        totals.push(answer["data"]["sheets"]["totalCount"].clone());
    }
    let demo: Value = serde_json::from_str(retex::demo::DEMO_JSON).expect("the demo");
    let published = |sheet: &&Value| sheet["publicationStatus"].as_str().is_none_or(|status| status == "PUBLISHED");
    let sheets = demo["sheets"].as_array().expect("sheets").iter().filter(published).count();
    assert_eq!(totals, vec![json!(sheets); 3], "every server sees the demo's sheets, loaded once");
    let mut tokens = 0;
    for mut server in servers {
        server.child.kill().expect("stop the server");
        let output = server.child.wait_with_output().expect("its output");
        tokens += String::from_utf8_lossy(&output.stdout).matches("Jeton ADMIN de la démo").count();
    }
    assert_eq!(tokens, 1, "one server loaded the demo and printed its token");
}

#[test]
fn wrong_settings_are_refused_with_the_setting_named() {
    for (args, named) in [
        (vec!["--db-max-connections", "1"], "--db-max-connections"),
        (vec!["--db-max-connections", "beaucoup"], "--db-max-connections"),
        (vec!["--db-acquire-timeout-ms", "10"], "--db-acquire-timeout-ms"),
        (vec!["--db-statement-timeout-secs=-3"], "--db-statement-timeout-secs"),
        (vec!["--index-max-lag-secs", "0"], "--index-max-lag-secs"),
        (vec!["--reconcile-interval-secs", "1"], "--reconcile-interval-secs"),
    ] {
        let folder = tempfile::tempdir().expect("a folder");
        let database = format!("sqlite://{}?mode=rwc", folder.path().join("retex.db").display());
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_retex"))
            .arg("serve")
            .args(&args)
            .env("RETEX_DATABASE_URL", &database)
            .env("RETEX_INDEX_DIR", folder.path().join("index"))
            .output()
            .expect("run retex");
        assert!(!output.status.success(), "{args:?} was accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(named), "{args:?}: {stderr}");
        assert!(!folder.path().join("retex.db").exists(), "{args:?}: nothing was created");
    }
}

/// A TCP relay between the server and PostgreSQL that the test can cut and restore, as a database
/// that goes away and comes back.
struct Relay {
    port: u16,
    target: String,
    tasks: tokio::task::JoinSet<()>,
}

impl Relay {
    async fn start(target: &str) -> Self {
        let mut relay = Self { port: 0, target: target.to_owned(), tasks: tokio::task::JoinSet::new() };
        relay.open().await;
        relay
    }

    async fn open(&mut self) {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await.expect("bind the relay");
        self.port = listener.local_addr().expect("an address").port();
        let target = self.target.clone();
        self.tasks.spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((mut client, _)) = listener.accept().await {
                let target = target.clone();
                connections.spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
        });
    }

    /// Closes the listener and every connection through it.
    fn cut(&mut self) {
        self.tasks.abort_all();
    }
}

#[tokio::test]
async fn while_the_database_is_away_requests_fail_fast_and_service_resumes_alone() {
    let Ok(server) = std::env::var("RETEX_TEST_DATABASE_URL") else {
        return; // SQLite is a file: it does not go away.
    };
    if server.is_empty() {
        return;
    }
    // Arrange: a server reaching PostgreSQL through a relay.
    let (url, _) = fresh_database().await;
    let target = url.split('@').nth(1).and_then(|rest| rest.split('/').next()).expect("host:port").to_owned();
    let mut relay = Relay::start(&target).await;
    let relayed = url.replacen(&target, &format!("127.0.0.1:{}", relay.port), 1);
    let app = App::open_with_search(&relayed, tempfile::tempdir().expect("a folder").path()).await.expect("open");
    let address = serve(app.clone(), Default::default()).await;
    let client = reqwest::Client::new();
    let query = json!({ "query": "{ sheets { totalCount } }" });
    let answer = client.post(format!("{address}/graphql")).json(&query).send().await.expect("a response");
    assert_eq!(answer.status(), 200);

    // Act: the database goes away.
    relay.cut();

    // Assert: requests fail within about 2 s, UNAVAILABLE, 503 with Retry-After; health within 1 s.
    let started = Instant::now();
    let answer = client.post(format!("{address}/graphql")).json(&query).send().await.expect("a response");
    let took = started.elapsed();
    assert_eq!(answer.status(), 503);
    assert!(answer.headers().contains_key("retry-after"));
    let body: Value = answer.json().await.expect("JSON");
    assert_eq!(code(&body["errors"][0]), "UNAVAILABLE", "{body}");
    assert!(took < Duration::from_millis(3_000), "the request failed in {took:?}");
    let started = Instant::now();
    let (status, body) = health(&client, &address).await;
    let took = started.elapsed();
    assert_eq!(status, 503, "{body}");
    assert!(body["cause"].as_str().is_some_and(|cause| cause.contains("database")), "{body}");
    assert!(took < Duration::from_millis(1_500), "health answered in {took:?}");

    // The database comes back: service resumes by itself.
    relay.open().await;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let answer = client.post(format!("{address}/graphql")).json(&query).send().await.expect("a response");
        if answer.status() == 200 {
            let body: Value = answer.json().await.expect("JSON");
            assert_eq!(body["data"]["sheets"]["totalCount"], 0, "{body}");
            break;
        }
        assert!(Instant::now() < deadline, "service resumed within 15 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (status, body) = health(&client, &address).await;
    assert_eq!(status, 200, "{body}");
    app.shutdown().await;
}

fn succeeded(output: &std::process::Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn failed(output: &std::process::Output) -> String {
    assert!(!output.status.success(), "it succeeded: {}", String::from_utf8_lossy(&output.stdout));
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Exports every record of a base, drafts included, as JSON Lines.
fn export(database: &str) -> String {
    let folder = tempfile::tempdir().expect("a folder");
    succeeded(&retex(database, &folder.path().join("index"), &["export", "--format", "jsonl", "--include-drafts"]))
}

#[tokio::test]
async fn a_backup_taken_under_writes_restores_to_the_same_records() {
    let app = spawn_app().await;
    let folder = tempfile::tempdir().expect("a folder");
    let index = folder.path().join("index");
    if retex::store::sqlite_file(&app.database_url).is_none() {
        // PostgreSQL is backed up by pg_dump: the command says how, and writes nothing.
        let said = failed(&retex(&app.database_url, &index, &["backup", "--output", "/tmp/never.db"]));
        assert!(said.contains("pg_dump"), "{said}");
        assert!(!std::path::Path::new("/tmp/never.db").exists());
        return;
    }
    for i in 0..5 {
        let created = sheet(&app, &format!("Garage solidaire {i}"), json!({})).await;
        publish(&app, created["id"].as_str().expect("an id"), created["version"].as_i64().expect("a version")).await;
    }

    // A backup while a writer goes on.
    let writer = {
        let (address, admin, client) = (app.address.clone(), app.admin.clone(), app.client.clone());
        tokio::spawn(async move {
            let mut written = 0;
            let started = Instant::now();
            while started.elapsed() < Duration::from_millis(1_500) {
                let input = json!({ "title": format!("Écrit pendant la sauvegarde {written}"),
                                    "activityType": "SOLIDARITY_GARAGE", "summary": "Un garage solidaire." });
                let response = client
                    .post(format!("{address}/graphql"))
                    .bearer_auth(&admin)
                    .json(
                        &json!({ "query": "mutation($input: ProjectSheetInput!) { createSheet(input: $input) { id } }",
                                   "variables": { "input": input } }),
                    )
                    .send()
                    .await
                    .expect("a response");
                assert_eq!(response.status(), 200);
                written += 1;
            }
            written
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let during = folder.path().join("during.db");
    let (database, index_dir, output) = (app.database_url.clone(), index.clone(), during.clone());
    let said = tokio::task::spawn_blocking(move || {
        succeeded(&retex(&database, &index_dir, &["backup", "--output", output.to_str().expect("a path")]))
    })
    .await
    .expect("the backup");
    assert!(said.contains("sauvegarde écrite"), "{said}");
    let written = writer.await.expect("the writer");
    assert!(written > 0);

    // Restored, the backup taken under writes is a consistent state: every sheet with its revision
    // and its change, between the sheets before and after.
    let restored = format!("sqlite://{}?mode=rwc", folder.path().join("restored.db").display());
    let said = succeeded(&retex(
        &restored,
        &folder.path().join("restored-index"),
        &["restore", "--input", during.to_str().expect("a path")],
    ));
    assert!(said.contains("restaurée"), "{said}");
    let copy = App::open(&restored).await.expect("open the restored base");
    let store = copy.store();
    let count = |sql: &'static str| async move { store.scalar(sql).await.expect("a count") };
    let sheets = count("SELECT COUNT(*) FROM sheet").await;
    assert!((5..=5 + written as i64).contains(&sheets), "{sheets} sheets");
    // Five sheets were created then submitted and published (three revisions each), the rest created.
    assert_eq!(count("SELECT COUNT(*) FROM revision WHERE entity = 'sheet'").await, sheets + 10);
    assert_eq!(count("SELECT COUNT(*) FROM change WHERE entity = 'sheet'").await, sheets + 10);

    // A backup once the writes are done restores to exactly the same records, searchable.
    let after = folder.path().join("after.db");
    succeeded(&retex(&app.database_url, &index, &["backup", "--output", after.to_str().expect("a path")]));
    let again = format!("sqlite://{}?mode=rwc", folder.path().join("again.db").display());
    let again_index = folder.path().join("again-index");
    succeeded(&retex(&again, &again_index, &["restore", "--input", after.to_str().expect("a path")]));
    assert_eq!(export(&again), export(&app.database_url), "the restored base holds the same records");
    let searchable = App::open_with_search(&again, &again_index).await.expect("open");
    let contents = searchable.index_contents().await.expect("the index");
    assert_eq!(contents.len(), 5, "the restored base's index holds every published sheet");
    searchable.shutdown().await;
}

#[tokio::test]
async fn backups_and_restores_refuse_bad_paths_and_files_and_leave_the_base_untouched() {
    let app = spawn_app().await;
    if retex::store::sqlite_file(&app.database_url).is_none() {
        let folder = tempfile::tempdir().expect("a folder");
        let said = failed(&retex(&app.database_url, folder.path(), &["restore", "--input", "/etc/hostname"]));
        assert!(said.contains("pg_restore"), "{said}");
        return;
    }
    sheet(&app, "Garage solidaire du Poher", json!({})).await;
    let before = export(&app.database_url);
    let folder = tempfile::tempdir().expect("a folder");
    let index = folder.path().join("index");
    let path = |name: &str| folder.path().join(name).to_str().expect("a path").to_owned();

    // Backups: into a folder that does not exist, over an existing file.
    let said = failed(&retex(&app.database_url, &index, &["backup", "--output", &path("absent/b.db")]));
    assert!(said.contains("n’existe pas"), "{said}");
    std::fs::write(path("taken.db"), "déjà là").expect("write");
    let said = failed(&retex(&app.database_url, &index, &["backup", "--output", &path("taken.db")]));
    assert!(said.contains("existe déjà"), "{said}");
    assert_eq!(std::fs::read_to_string(path("taken.db")).expect("read"), "déjà là");

    // Restores: a file that is not SQLite, a truncated backup, a SQLite base that is not retex's,
    // a missing file, and a good backup over a base that holds records without --replace.
    std::fs::write(path("garbage.db"), b"ceci n'est pas une base".repeat(100)).expect("write");
    succeeded(&retex(&app.database_url, &index, &["backup", "--output", &path("good.db")]));
    let good = std::fs::read(path("good.db")).expect("read");
    std::fs::write(path("truncated.db"), &good[..good.len() / 3]).expect("write");
    let foreign =
        retex::store::Store::connect(&format!("sqlite://{}?mode=rwc", path("foreign.db"))).await.expect("create");
    foreign.writer().execute_unprepared("CREATE TABLE recettes (nom TEXT)").await.expect("a table");
    foreign.close().await.expect("close");
    for (input, expected) in [
        ("garbage.db", "n’est pas une base SQLite"),
        ("truncated.db", "endommagé"),
        ("foreign.db", "pas une base retex"),
        ("missing.db", "impossible de lire"),
        ("good.db", "--replace"),
    ] {
        let said = failed(&retex(&app.database_url, &index, &["restore", "--input", &path(input)]));
        assert!(said.contains(expected), "{input}: {said}");
        assert_eq!(export(&app.database_url), before, "{input}: the base is untouched");
    }
    let answer = app.ok("{ sheets(filter: { publicationStatuses: [DRAFT] }) { totalCount } }", json!({})).await;
    assert_eq!(answer["sheets"]["totalCount"], 1, "the server still answers from its base");
}
