//! What testing from outside found leaking, each closed by a regression test: a taken slug must not
//! reveal a draft, a write must not reach a record its author cannot see, dashboards say they count
//! published records only, and every refusal (408 included) is a GraphQL-shaped body with a code.

use serde_json::{Value, json};

use crate::harness::*;

const CREATE_SHEET: &str = "mutation($input: ProjectSheetInput!) { createSheet(input: $input) { id slug version } }";
const CREATE_LESSON: &str = "mutation($input: LessonInput!) { createLesson(input: $input) { id slug version } }";

/// Two organisations, each with a contributor; the first has a draft sheet `garage-de-l-ouest`.
struct TwoOrganisations {
    app: TestApp,
    west: String,
    east: String,
    draft: Value,
}

async fn two_organisations() -> TwoOrganisations {
    let app = spawn_app().await;
    let (west_id, east_id) =
        (organisation(&app, "Fabrique de l’Ouest").await, organisation(&app, "Fabrique de l’Est").await);
    let west = app.token("CONTRIBUTOR", Some(&west_id), None).await;
    let east = app.token("CONTRIBUTOR", Some(&east_id), None).await;
    let input = json!({ "title": "Garage de l’Ouest", "activityType": "SOLIDARITY_GARAGE", "summary": "Brouillon." });
    let draft = app.ok_as(Some(&west), CREATE_SHEET, json!({ "input": input })).await["createSheet"].clone();
    assert_eq!(draft["slug"], "garage-de-l-ouest");
    TwoOrganisations { app, west, east, draft }
}

#[tokio::test]
async fn a_slug_held_by_a_draft_the_caller_cannot_see_is_answered_as_a_free_one() {
    let TwoOrganisations { app, east, west, .. } = two_organisations().await;

    // The other organisation's contributor asks for the draft's slug, given or derived from the title.
    for input in [
        json!({ "title": "Garage de l’Ouest", "activityType": "SOLIDARITY_GARAGE" }),
        json!({ "title": "Autre garage", "slug": "garage-de-l-ouest", "activityType": "SOLIDARITY_GARAGE" }),
    ] {
        let created = app.ok_as(Some(&east), CREATE_SHEET, json!({ "input": input })).await;
        let slug = created["createSheet"]["slug"].as_str().expect("a slug").to_owned();
        assert!(slug.starts_with("garage-de-l-ouest-"), "a free variant, not a CONFLICT: {slug}");
    }
    // Renaming to it is answered the same way.
    let own = app
        .ok_as(Some(&east), CREATE_SHEET, json!({ "input": { "title": "Garage du Levant", "activityType": "OTHER" } }))
        .await["createSheet"]
        .clone();
    let renamed = app
        .ok_as(
            Some(&east),
            "mutation($id: ID!, $version: Int!) { updateSheet(id: $id, version: $version, patch: { slug: \"garage-de-l-ouest\" }) { slug } }",
            json!({ "id": own["id"], "version": own["version"] }),
        )
        .await;
    assert!(renamed["updateSheet"]["slug"].as_str().is_some_and(|slug| slug.starts_with("garage-de-l-ouest-")));

    // Whoever sees the holder is told of the conflict, so it can choose another.
    let input = json!({ "title": "Encore", "slug": "garage-de-l-ouest", "activityType": "OTHER" });
    let refused = app.fails_as(Some(&west), CREATE_SHEET, json!({ "input": input.clone() })).await;
    assert_eq!(code(&refused), "CONFLICT");
    assert_eq!(code(&app.fails(CREATE_SHEET, json!({ "input": input })).await), "CONFLICT");
}

#[tokio::test]
async fn a_write_cannot_reach_a_record_its_author_cannot_see() {
    let TwoOrganisations { app, east, draft, .. } = two_organisations().await;
    let unknown = "UHJvamVjdFNoZWV0Ojk5OTk="; // ProjectSheet:9999

    // A lesson drawn from the other organisation's draft, or from a sheet that does not exist: the
    // same NOT_FOUND, naming the field; nothing is created.
    for sheet in [draft["id"].as_str().expect("an id"), unknown] {
        let input =
            json!({ "title": "Une leçon", "polarity": "SUCCESS_FACTOR", "evidenceLinks": [{ "sheet": sheet }] });
        let refused = app.fails_as(Some(&east), CREATE_LESSON, json!({ "input": input })).await;
        assert_eq!(code(&refused), "NOT_FOUND", "{refused}");
        assert!(refused["message"].as_str().is_some_and(|message| message.contains("evidenceLinks")), "{refused}");
        assert!(!refused.to_string().contains("garage-de-l-ouest"), "the draft's slug never comes back");
    }
    let lessons = app.ok("{ lessons { totalCount } }", json!({})).await;
    assert_eq!(lessons["lessons"]["totalCount"], 0);

    // Linking an existing lesson to them: NOT_FOUND too (it was CONFLICT for an unknown sheet).
    let lesson = app
        .ok_as(Some(&east), CREATE_LESSON, json!({ "input": { "title": "Une leçon", "polarity": "PITFALL" } }))
        .await["createLesson"]
        .clone();
    let link = "mutation($lesson: ID!, $version: Int!, $sheet: ID!) {
        linkLessonToSheet(lesson: $lesson, version: $version, sheet: $sheet) { version } }";
    for sheet in [draft["id"].as_str().expect("an id"), unknown] {
        let refused = app
            .fails_as(
                Some(&east),
                link,
                json!({ "lesson": lesson["id"], "version": lesson["version"], "sheet": sheet }),
            )
            .await;
        assert_eq!(code(&refused), "NOT_FOUND", "{refused}");
    }
    let unknown_for_admin =
        app.fails(link, json!({ "lesson": lesson["id"], "version": lesson["version"], "sheet": unknown })).await;
    assert_eq!(code(&unknown_for_admin), "NOT_FOUND");
    // The revision history holds no trace of either.
    let history = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on Lesson { version revisions { version } } } }",
            json!({ "id": lesson["id"] }),
        )
        .await;
    assert_eq!(history["node"]["version"], 1);
}

#[tokio::test]
async fn dashboards_say_they_count_published_records_only() {
    let app = spawn_demo().await;
    for query in [
        "{ recurrence(filter: { publicationStatuses: [DRAFT] }) { programmeCount } }",
        "{ funnel(filter: { publicationStatuses: [PUBLISHED, SUBMITTED] }) { sheets } }",
    ] {
        let refused = app.fails(query, json!({})).await;
        assert_eq!(code(&refused), "INVALID_INPUT", "{query}: {refused}");
        assert_eq!(refused["extensions"]["problems"][0]["field"], "filter.publicationStatuses");
    }
    app.ok("{ recurrence(filter: { publicationStatuses: [PUBLISHED] }) { programmeCount } }", json!({})).await;
}

#[tokio::test]
async fn a_request_that_runs_out_of_time_gets_a_graphql_error_with_a_code() {
    let limits = retex::http::Limits { request_timeout: std::time::Duration::from_millis(1), ..Default::default() };
    let app = spawn_app_with(limits).await;
    retex::demo::load_if_empty(&app.app).await.expect("load the demo");
    let query = "{ sheets(first: 100) { nodes { title summary programmes { name sheets(first: 3) { title } } territories { name }
        lessons(first: 2) { lesson { title programmes(first: 3) { name } sheets { title } } } } }
        lessons(first: 100) { nodes { title programmes(first: 3) { name } sheets { title territories { name } } } } }";
    let response = app
        .client
        .post(app.graphql_url())
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 408);
    assert!(
        response.headers()["content-type"].to_str().expect("text").starts_with("application/graphql-response+json")
    );
    let body: Value = response.json().await.expect("a JSON body");
    assert_eq!(code(&body["errors"][0]), "TIMEOUT", "{body}");
    assert!(body["errors"][0]["message"].as_str().is_some_and(|message| message.contains("request timeout")));
}

#[tokio::test]
async fn a_cluster_of_drafts_only_is_not_shown_to_who_cannot_see_them() {
    let app = spawn_app().await;
    let lesson = |title: &str| json!({ "input": { "title": title, "polarity": "SUCCESS_FACTOR" } });
    let draft = app.ok(CREATE_LESSON, lesson("Une piste encore secrète")).await["createLesson"].clone();
    let cluster =
        "mutation($lessons: [ID!]!) { createLessonCluster(name: \"Projet confidentiel\", lessons: $lessons) { id } }";
    app.ok(cluster, json!({ "lessons": [draft["id"]] })).await;
    let reader = app.token("READER", None, None).await;

    let query = "{ lessonClusters { name lessons { title } } }";
    for token in [None, Some(reader.as_str())] {
        let seen = app.ok_as(token, query, json!({})).await;
        assert_eq!(seen["lessonClusters"], json!([]), "neither its name nor an empty list: {seen}");
    }
    let admin = app.ok(query, json!({})).await;
    assert_eq!(admin["lessonClusters"][0]["name"], "Projet confidentiel", "whoever sees the drafts sees the cluster");
}

#[tokio::test]
async fn a_syntax_error_quotes_a_bounded_excerpt_of_a_huge_query() {
    let app = spawn_app().await;
    let query = format!("{{ sheets {{ totalCount }} {} !!! }}", "a ".repeat(400_000));
    let response = app.post(&query, json!({})).await;
    let error = &response["errors"][0];
    assert_eq!(code(error), "INVALID_INPUT", "{error}");
    let message = error["message"].as_str().expect("a message");
    assert!(message.len() <= 300, "the message is {} bytes", message.len());
    assert!(response.to_string().len() < 2_000, "the whole answer is small");
}

/// Reads frames until a close frame (at most `within`) and returns its code; fails on any `next`
/// payload, which would be an event heard after the connection should have closed.
async fn close_code(socket: &mut Socket, within: std::time::Duration) -> u16 {
    use futures::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let message = tokio::time::timeout_at(deadline, socket.next())
            .await
            .expect("the connection closed in time")
            .expect("a frame")
            .expect("a readable frame");
        match message {
            Message::Close(Some(frame)) => return frame.code.into(),
            Message::Close(None) => panic!("a close frame without a code"),
            Message::Text(text) => {
                let value: Value = serde_json::from_str(&text).expect("JSON");
                assert_ne!(value["type"], "next", "an event after the token was revoked: {value}");
            }
            _ => {}
        }
    }
}

fn with_quick_subscription_rules() -> retex::http::Limits {
    let subscriptions = retex::graphql::subscription::ConnectionRules {
        init_timeout: std::time::Duration::from_millis(500),
        recheck: std::time::Duration::from_millis(200),
        keepalive: std::time::Duration::from_secs(30),
    };
    retex::http::Limits { subscriptions, max_sockets_per_client: 2, ..Default::default() }
}

#[tokio::test]
async fn a_subscription_connection_that_never_initialises_is_closed_4408() {
    let app = spawn_app_with(with_quick_subscription_rules()).await;
    let mut socket = open_socket(&app).await.expect("connect");
    assert_eq!(close_code(&mut socket, std::time::Duration::from_secs(5)).await, 4408);
}

#[tokio::test]
async fn a_revoked_token_loses_its_subscription_within_seconds_and_hears_nothing_more() {
    use futures::SinkExt;
    use tokio_tungstenite::tungstenite::Message;
    let app = spawn_app_with(with_quick_subscription_rules()).await;
    let (token, secret) = {
        let created = app
            .ok(
                "mutation { createApiToken(input: { role: ADMIN, name: \"Admin de passage\" }) { token { id } secret } }",
                json!({}),
            )
            .await;
        (
            created["createApiToken"]["token"]["id"].clone(),
            created["createApiToken"]["secret"].as_str().expect("a secret").to_owned(),
        )
    };
    let mut socket = open_socket(&app).await.expect("connect");
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {secret}") } });
    socket.send(Message::Text(init.to_string().into())).await.expect("init");
    let subscribe = json!({ "id": "1", "type": "subscribe",
                            "payload": { "query": "subscription { recordChanged { action node { ... on ProjectSheet { title } } } }" } });
    socket.send(Message::Text(subscribe.to_string().into())).await.expect("subscribe");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    app.ok("mutation($id: ID!) { revokeApiToken(id: $id) { id } }", json!({ "id": token })).await;
    sheet(&app, "Brouillon écrit après la révocation", json!({})).await;

    assert_eq!(close_code(&mut socket, std::time::Duration::from_secs(5)).await, 4403);
}

#[tokio::test]
async fn a_client_holds_a_bounded_number_of_subscription_connections() {
    let app = spawn_app_with(with_quick_subscription_rules()).await;
    let first = open_socket(&app).await.expect("a first connection");
    let second = open_socket(&app).await.expect("a second connection");
    match open_socket(&app).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => assert_eq!(response.status(), 429),
        other => panic!("a third connection was not refused: {:?}", other.map(|_| ())),
    }
    drop(first);
    // Its place comes free once the server sees it closed.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while open_socket(&app).await.is_err() {
        assert!(tokio::time::Instant::now() < deadline, "a closed connection gives its place back");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    drop(second);
}

#[tokio::test]
async fn a_history_never_names_a_record_its_reader_cannot_see() {
    // Arrange: a contributor's sheet names a published programme, which then goes back to draft.
    let TwoOrganisations { app, east, .. } = two_organisations().await;
    let programme = programme(&app, "Programme bientôt retiré").await;
    publish(&app, &programme, 1).await;
    let input = json!({ "title": "Garage de l’Est", "activityType": "SOLIDARITY_GARAGE", "programmes": [programme] });
    let created = app.ok_as(Some(&east), CREATE_SHEET, json!({ "input": input })).await["createSheet"].clone();
    let withdraw = "mutation($id: ID!) { setPublicationStatus(id: $id, version: 3, status: DRAFT, reason: \"À revoir\") { version } }";
    app.ok(withdraw, json!({ "id": programme })).await;

    // Act
    let history =
        "query($id: ID!) { node(id: $id) { ... on ProjectSheet { programmes { name } revisions { snapshot } } } }";
    let seen = app.ok_as(Some(&east), history, json!({ "id": created["id"] })).await;

    // Assert: neither the live field nor the snapshot names it; the administrator still sees both.
    assert_eq!(seen["node"]["programmes"], json!([]));
    let snapshot = &seen["node"]["revisions"][0]["snapshot"];
    assert_eq!(snapshot["title"], "Garage de l’Est", "{snapshot}");
    assert!(!snapshot.to_string().contains("programme-bientot-retire"), "the draft's slug leaked: {snapshot}");
    let admin = app.ok(history, json!({ "id": created["id"] })).await;
    assert_eq!(admin["node"]["revisions"][0]["snapshot"]["programmes"], json!(["programme-bientot-retire"]));
}

#[tokio::test]
async fn search_scores_never_move_with_drafts() {
    let app = spawn_app().await;
    let created =
        sheet(&app, "Garage solidaire du Poher", json!({ "summary": "Réparer les voitures dans le Poher." })).await;
    publish(&app, created["id"].as_str().expect("an id"), created["version"].as_i64().expect("a version")).await;
    let query = "{ search(query: \"Poher\") { totalCount hits { score } } suggest(prefix: \"poh\") { text } }";
    let before = app.ok_as(None, query, json!({})).await;
    assert_eq!(before["search"]["totalCount"], 1);

    // Drafts that share the word: invisible, and without weight on what the public sees.
    for title in ["Épicerie du Poher", "Tiers-lieu du Poher", "Mobilité dans le Poher"] {
        sheet(&app, title, json!({ "summary": "Le Poher, le Poher, encore le Poher." })).await;
    }
    let after = app.ok_as(None, query, json!({})).await;
    assert_eq!(after, before, "the public's scores, counts and suggestions are those of published records only");
}

#[tokio::test]
async fn relation_lists_return_a_bounded_page_and_count_for_every_row_they_may_return() {
    // Arrange: one programme with 150 published sheets.
    let app = spawn_app().await;
    let sheets: Vec<Value> = (0..150)
        .map(|i| {
            json!({ "slug": format!("fiche-{i}"), "title": format!("Fiche {i}"), "activityType": "SOLIDARITY_GARAGE",
                         "status": "LAUNCHED", "programmes": ["garages"], "publicationStatus": "PUBLISHED" })
        })
        .collect();
    app.load(json!({ "format": "retex-dataset/1",
                     "programmes": [{ "slug": "garages", "name": "Garages solidaires", "publicationStatus": "PUBLISHED" }],
                     "sheets": sheets }))
        .await;

    // A relation list returns 20 rows by default, up to 100 when asked, never more.
    let query = "{ programme(slug: \"garages\") { default: sheets { title } most: sheets(first: 100) { title } } }";
    let answer = app.ok(query, json!({})).await;
    assert_eq!(answer["programme"]["default"].as_array().map(Vec::len), Some(20));
    assert_eq!(answer["programme"]["most"].as_array().map(Vec::len), Some(100));
    let refused = app.fails("{ programme(slug: \"garages\") { sheets(first: 101) { title } } }", json!({})).await;
    assert_eq!(code(&refused), "INVALID_INPUT");

    // Nested relations multiply: the query that ran 30 s is refused before it runs, at once.
    let started = std::time::Instant::now();
    let nested =
        app.fails("{ sheets(first: 100) { nodes { programmes { sheets(first: 100) { title } } } } }", json!({})).await;
    assert_eq!(code(&nested), "LIMIT_EXCEEDED", "{nested}");
    assert!(nested["message"].as_str().is_some_and(|message| message.contains("complexity")), "{nested}");
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    // Within the limit, the same shape answers.
    let within =
        app.ok("{ sheets(first: 20) { nodes { programmes { sheets(first: 5) { title } } } } }", json!({})).await;
    assert_eq!(within["sheets"]["nodes"].as_array().map(Vec::len), Some(20));
}
