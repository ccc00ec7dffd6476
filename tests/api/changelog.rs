//! The change log never skips a commit: followers (the indexer of every server, live subscriptions)
//! see every committed change once, whatever the interleaving of transactions. On PostgreSQL a change
//! with a lower sequence number could commit after a higher one and be skipped for good; these tests
//! hold a long transaction (an import) open while other writers commit, on one server and on two
//! servers sharing the database.

use std::collections::HashSet;
use std::time::Duration;

use futures::StreamExt;
use retex::app::App;
use retex::domain::{Kind, Viewer};
use serde_json::{Value, json};

use crate::harness::*;

/// A dataset of `count` published sheets named `prefix-N`.
fn sheets(prefix: &str, count: usize) -> retex::dataset::Dataset {
    let sheets: Vec<Value> = (0..count)
        .map(|i| {
            json!({ "slug": format!("{prefix}-{i}"), "title": format!("Garage solidaire {prefix} {i}"),
                    "activityType": "SOLIDARITY_GARAGE", "status": "LAUNCHED", "summary": "Un garage solidaire en milieu rural.",
                    "publicationStatus": "PUBLISHED" })
        })
        .collect();
    serde_json::from_value(json!({ "format": "retex-dataset/1", "sheets": sheets })).expect("a valid dataset")
}

/// Follows `app`'s change feed as the system and collects the ids of the sheets created.
fn created_sheets(app: &App) -> tokio::task::JoinHandle<HashSet<i64>> {
    let feed = app.change_feed(Viewer::System { name: "test".into() }, vec![Kind::Sheet]).expect("a change feed");
    tokio::spawn(async move {
        let mut seen = HashSet::new();
        let mut feed = std::pin::pin!(feed);
        // The feed ends when the test stops reading: it is read until nothing came for 5 s.
        while let Ok(Some(event)) = tokio::time::timeout(Duration::from_secs(5), feed.next()).await {
            if event.action == retex::store::ChangeAction::Created
                && let Some(id) = event.record
            {
                assert!(seen.insert(id), "sheet {id} was reported created twice");
            }
        }
        seen
    })
}

/// Imports `count` sheets in one transaction while a writer commits a published sheet every 20 ms
/// (each its own transaction); returns how many the writer committed. Every sheet is published, so
/// every one belongs in the index.
async fn import_beside_writes(app: &TestApp, count: usize) -> usize {
    let dataset = sheets("import", count);
    let importer = app.app.clone();
    let system = Viewer::System { name: "test".into() };
    let import = tokio::spawn({
        let system = system.clone();
        async move { importer.load_dataset(&system, &dataset).await.expect("the import succeeds") }
    });
    let mut written = 0;
    while !import.is_finished() {
        app.app.load_dataset(&system, &sheets(&format!("beside-{written}"), 1)).await.expect("a write");
        written += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    import.await.expect("the import task");
    // A few writes after the import, too.
    for i in 0..3 {
        app.app.load_dataset(&system, &sheets(&format!("after-{i}"), 1)).await.expect("a write");
        written += 1;
    }
    written
}

/// Waits until the index of `app` holds `expected` sheets (at most 30 s) and returns what it holds.
async fn indexed_sheets(app: &App, expected: usize) -> HashSet<i64> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let contents = app.index_contents().await.expect("the index contents");
        let sheets: HashSet<i64> =
            contents.into_iter().filter(|(kind, _, _)| *kind == Kind::Sheet).map(|(_, id, _)| id).collect();
        if sheets.len() >= expected || tokio::time::Instant::now() > deadline {
            return sheets;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn an_import_beside_concurrent_writers_reaches_the_index_and_the_subscriptions_whole() {
    // Arrange
    let app = spawn_app().await;
    let feed = created_sheets(&app.app);

    // Act: 2,000 sheets imported in one transaction while other writes commit.
    let written = import_beside_writes(&app, 2_000).await;

    // Assert: every sheet is searchable and was reported once.
    let expected = 2_000 + written;
    assert!(written >= 4, "the writer committed during the import ({written} writes)");
    let indexed = indexed_sheets(&app.app, expected).await;
    assert_eq!(indexed.len(), expected, "the index holds every sheet ({written} written beside the import)");
    let total = app.ok("{ sheets(first: 1) { totalCount } }", json!({})).await;
    assert_eq!(total["sheets"]["totalCount"], 2_000 + written as i64, "every sheet is in the database");
    let reported = feed.await.expect("the feed task");
    assert_eq!(reported.len(), expected, "the subscription reported every created sheet");
    assert_eq!(reported, indexed);
}

/// Subscribes to created sheets on the server at `address` over graphql-ws, as `token`, and counts
/// the ones it reports until nothing came for 5 s.
fn created_over_websocket(address: &str, token: &str) -> tokio::task::JoinHandle<HashSet<String>> {
    use futures::SinkExt;
    use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};
    let url = format!("{}/graphql/ws", address.replace("http://", "ws://"));
    let token = token.to_owned();
    tokio::spawn(async move {
        let mut request = url.into_client_request().expect("a WebSocket request");
        request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().expect("a header"));
        let (mut socket, _) = tokio_tungstenite::connect_async(request).await.expect("connect");
        let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
        socket.send(Message::Text(init.to_string().into())).await.expect("send init");
        let query = "subscription { recordChanged(kinds: [SHEET]) { action id } }";
        let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": query } });
        socket.send(Message::Text(subscribe.to_string().into())).await.expect("send subscribe");
        let mut seen = HashSet::new();
        while let Ok(Some(Ok(message))) = tokio::time::timeout(Duration::from_secs(5), socket.next()).await {
            let Message::Text(text) = message else { continue };
            let value: Value = serde_json::from_str(&text).expect("JSON");
            let change = &value["payload"]["data"]["recordChanged"];
            if value["type"] == "next" && change["action"] == "CREATED" {
                let id = change["id"].as_str().expect("an id").to_owned();
                assert!(seen.insert(id.clone()), "{id} was reported created twice");
            }
        }
        seen
    })
}

#[tokio::test]
async fn two_servers_on_one_database_both_follow_every_commit() {
    // Arrange: a second server process on the same database, with its own index folder, and a
    // subscription on each server.
    let first = spawn_app().await;
    let index = tempfile::tempdir().expect("a folder");
    let mut second = start_server(&first.database_url, &index.path().join("index"), &["--rate-limit-per-minute", "0"]);
    second.wait_healthy(Duration::from_secs(60)).await;
    let address = second.address.clone();
    let first_feed = created_sheets(&first.app);
    let second_feed = created_over_websocket(&address, &first.admin);
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Act
    let written = import_beside_writes(&first, 1_500).await;

    // Assert: the other server's index and its subscription hold every sheet too.
    let expected = 1_500 + written;
    let on_first = indexed_sheets(&first.app, expected).await;
    assert_eq!(on_first.len(), expected);
    assert_eq!(first_feed.await.expect("the feed").len(), expected);
    assert_eq!(second_feed.await.expect("the feed").len(), expected, "the other server reported every sheet");
    // Its index: every sheet is published, so anyone's search lists them all there.
    let answer = second.query(r#"{ search(query: "", filter: { kinds: [SHEET] }, first: 1) { totalCount } }"#).await;
    assert_eq!(answer["data"]["search"]["totalCount"], expected, "{answer}");
    let _ = second.child.kill();
    let _ = second.child.wait();
}
