//! Bad input gets a clear, specific error with a code, and the server keeps serving.

use serde_json::json;

use crate::harness::*;

const CREATE_SHEET: &str = "mutation($input: ProjectSheetInput!) { createSheet(input: $input) { id } }";

async fn still_serving(app: &TestApp) {
    let data = app.ok("{ sheets { totalCount } }", json!({})).await;
    assert!(data["sheets"]["totalCount"].is_number());
}

#[tokio::test]
async fn an_invalid_enum_value_is_refused_and_named() {
    let app = spawn_app().await;
    let error = app.fails(CREATE_SHEET, json!({ "input": { "title": "Garage", "activityType": "SPACESHIP" } })).await;
    assert_eq!(code(&error), "INVALID_INPUT");
    assert!(error["message"].as_str().unwrap_or_default().contains("SPACESHIP"), "{error}");

    let literal = app.fails("{ sheets(filter: { themes: [MOBILITE] }) { totalCount } }", json!({})).await;
    assert_eq!(code(&literal), "INVALID_INPUT");
    still_serving(&app).await;
}

#[tokio::test]
async fn a_missing_required_field_is_refused() {
    let app = spawn_app().await;
    let error = app.fails(CREATE_SHEET, json!({ "input": { "activityType": "SOLIDARITY_GARAGE" } })).await;
    assert_eq!(code(&error), "INVALID_INPUT");
    assert!(error["message"].as_str().unwrap_or_default().contains("title"), "{error}");
}

#[tokio::test]
async fn every_problem_of_an_input_is_named_with_its_field() {
    let app = spawn_app().await;
    let error = app
        .fails(
            CREATE_SHEET,
            json!({ "input": {
                "title": "x".repeat(201), "slug": "Pas Un Slug", "activityType": "SOLIDARITY_GARAGE",
                "sourceUrl": "javascript:alert(1)",
                "phases": [{ "phase": "LAUNCH", "startedOn": "2021-05-01", "endedOn": "2021-01-01" }]
            } }),
        )
        .await;
    assert_eq!(code(&error), "INVALID_INPUT");
    let fields: Vec<&str> =
        error["extensions"]["problems"].as_array().into_iter().flatten().filter_map(|p| p["field"].as_str()).collect();
    assert_eq!(fields, vec!["slug", "title", "sourceUrl"], "{error}");
    assert!(error["message"].as_str().unwrap_or_default().contains("200 au plus"), "{error}");

    let dates = app
        .fails(
            CREATE_SHEET,
            json!({ "input": { "title": "Garage", "activityType": "SOLIDARITY_GARAGE",
                "phases": [{ "phase": "LAUNCH", "startedOn": "2021-05-01", "endedOn": "2021-01-01" }] } }),
        )
        .await;
    assert_eq!(dates["extensions"]["problems"][0]["field"], "phases[0].endedOn");
    still_serving(&app).await;
}

#[tokio::test]
async fn control_characters_and_a_too_long_body_are_refused() {
    let app = spawn_app().await;
    let error =
        app.fails(CREATE_SHEET, json!({ "input": { "title": "Garage\u{0007}", "activityType": "OTHER" } })).await;
    assert_eq!(error["extensions"]["problems"][0]["field"], "title");
    assert!(error["message"].as_str().unwrap_or_default().contains("U+0007"), "{error}");
}

#[tokio::test]
async fn an_unknown_id_is_not_found_and_an_id_of_another_type_is_invalid() {
    let app = spawn_app().await;
    let created = sheet(&app, "Garage", json!({})).await;

    let unknown = app.fails("{ node(id: \"UHJvamVjdFNoZWV0Ojk5OTk5\") { id } }", json!({})).await;
    assert_eq!(code(&unknown), "NOT_FOUND");
    let garbage = app.fails("{ node(id: \"n'importe quoi\") { id } }", json!({})).await;
    assert_eq!(code(&garbage), "INVALID_INPUT");
    let wrong_type = app.fails("query($id: ID!) { lesson(id: $id) { title } }", json!({ "id": created["id"] })).await;
    assert_eq!(code(&wrong_type), "INVALID_INPUT");
    assert!(wrong_type["message"].as_str().unwrap_or_default().contains("ProjectSheet"), "{wrong_type}");

    let missing_reference = app
        .fails(
            CREATE_SHEET,
            json!({ "input": { "title": "Garage 2", "activityType": "OTHER", "programmes": ["UHJvZ3JhbW1lOjQyNDI"] } }),
        )
        .await;
    // A reference to a record that does not exist (or that the caller cannot see) is NOT_FOUND,
    // naming the field.
    assert_eq!(code(&missing_reference), "NOT_FOUND");
    assert!(missing_reference["message"].as_str().is_some_and(|message| message.contains("programmes[0]")));

    let update_unknown = app
        .fails(
            "mutation { updateSheet(id: \"UHJvamVjdFNoZWV0Ojk5OTk5\", version: 1, patch: { title: \"x\" }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&update_unknown), "NOT_FOUND");
}

#[tokio::test]
async fn a_stale_version_gets_conflict_and_changes_nothing() {
    let app = spawn_app().await;
    let created = sheet(&app, "Garage", json!({})).await;
    let update = "mutation($id: ID!, $version: Int!, $title: String!) { updateSheet(id: $id, version: $version, patch: { title: $title }) { version } }";
    app.ok(update, json!({ "id": created["id"], "version": 1, "title": "Garage solidaire" })).await;

    let stale = app.fails(update, json!({ "id": created["id"], "version": 1, "title": "Écrasé" })).await;
    assert_eq!(code(&stale), "CONFLICT");
    assert!(stale["message"].as_str().unwrap_or_default().contains("version 2"), "{stale}");
    let data = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on ProjectSheet { title version } } }",
            json!({ "id": created["id"] }),
        )
        .await;
    assert_eq!(data["node"], json!({ "title": "Garage solidaire", "version": 2 }));
}

#[tokio::test]
async fn a_slug_already_taken_is_a_conflict() {
    let app = spawn_app().await;
    sheet(&app, "Garage", json!({ "slug": "garage" })).await;
    let error = app
        .fails(CREATE_SHEET, json!({ "input": { "title": "Autre", "slug": "garage", "activityType": "OTHER" } }))
        .await;
    assert_eq!(code(&error), "CONFLICT");
    still_serving(&app).await;
}

#[tokio::test]
async fn page_sizes_above_100_and_foreign_cursors_are_refused() {
    let app = spawn_app().await;
    let error = app.fails("{ sheets(first: 1000) { totalCount } }", json!({})).await;
    assert_eq!(code(&error), "INVALID_INPUT");
    assert!(error["message"].as_str().unwrap_or_default().contains("taille de page maximale de 100"), "{error}");
    let negative = app.fails("{ lessons(last: -1) { totalCount } }", json!({})).await;
    assert_eq!(code(&negative), "INVALID_INPUT");
    let both = app.fails("{ lessons(first: 1, last: 1) { totalCount } }", json!({})).await;
    assert_eq!(code(&both), "INVALID_INPUT");

    organisation(&app, "Avise").await;
    let page = app.ok("{ organisations(first: 1) { pageInfo { endCursor } } }", json!({})).await;
    let cursor = page["organisations"]["pageInfo"]["endCursor"].clone();
    let foreign =
        app.fails("query($after: String) { sheets(after: $after) { totalCount } }", json!({ "after": cursor })).await;
    assert_eq!(code(&foreign), "INVALID_INPUT");
    let garbage = app.fails("{ sheets(after: \"%%%\") { totalCount } }", json!({})).await;
    assert_eq!(code(&garbage), "INVALID_INPUT");
}

#[tokio::test]
async fn an_int_beyond_32_bits_is_refused() {
    let app = spawn_app().await;
    let error = app.fails("{ sheets(first: 4294967296) { totalCount } }", json!({})).await;
    assert_eq!(code(&error), "INVALID_INPUT");
}

#[tokio::test]
async fn a_malformed_json_body_gets_400_and_the_server_keeps_serving() {
    let app = spawn_app().await;
    for body in ["{\"query\": ", "not json", "[1, 2]", "{\"variables\": {}}", "{\"query\": 42}"] {
        let response = app
            .client
            .post(app.graphql_url())
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 400, "body {body}");
        let json: serde_json::Value = response.json().await.expect("a JSON error");
        assert_eq!(json["errors"][0]["extensions"]["code"], "INVALID_INPUT", "body {body}");
    }
    let invalid_utf8 = app
        .client
        .post(app.graphql_url())
        .header("content-type", "application/json")
        .body(vec![b'{', 0xff, 0xfe, b'}'])
        .send()
        .await
        .expect("send");
    assert_eq!(invalid_utf8.status(), 400);
    still_serving(&app).await;
}

#[tokio::test]
async fn a_wrong_content_type_gets_415() {
    let app = spawn_app().await;
    for content_type in ["text/plain", "application/x-www-form-urlencoded"] {
        let response = app
            .client
            .post(app.graphql_url())
            .header("content-type", content_type)
            .body("{\"query\": \"{ __typename }\"}")
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 415, "{content_type}");
        let json: serde_json::Value = response.json().await.expect("a JSON error");
        assert_eq!(json["errors"][0]["extensions"]["code"], "UNSUPPORTED_MEDIA_TYPE");
    }
    still_serving(&app).await;
}

#[tokio::test]
async fn a_body_over_the_limit_gets_413() {
    let app = spawn_app().await;
    let huge =
        format!("{{\"query\": \"{{ __typename }}\", \"variables\": {{\"x\": \"{}\"}}}}", "a".repeat(3 * 1024 * 1024));
    let response = app
        .client
        .post(app.graphql_url())
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 413);
    still_serving(&app).await;
}

#[tokio::test]
async fn queries_work_over_get_but_mutations_do_not() {
    let app = spawn_app().await;
    let query =
        app.client.get(app.graphql_url()).query(&[("query", "{ sheets { totalCount } }")]).send().await.expect("send");
    assert_eq!(query.status(), 200);
    let json: serde_json::Value = query.json().await.expect("JSON");
    assert_eq!(json["data"]["sheets"]["totalCount"], 0);

    let mutation = app
        .client
        .get(app.graphql_url())
        .query(&[("query", "mutation { createOrganisation(input: { name: \"X\", kind: OTHER }) { id } }")])
        .send()
        .await
        .expect("send");
    assert_eq!(mutation.status(), 405);
    let count = app.ok("{ organisations { totalCount } }", json!({})).await;
    assert_eq!(count["organisations"]["totalCount"], 0, "the mutation did not run");

    let graphiql = app.client.get(app.graphql_url()).header("accept", "text/html").send().await.expect("send");
    assert!(graphiql.text().await.unwrap_or_default().contains("graphiql"));
}

#[tokio::test]
async fn syntax_errors_carry_a_code_and_get_400_with_the_graphql_media_type() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.graphql_url())
        .header("content-type", "application/json")
        .header("accept", "application/graphql-response+json")
        .body("{\"query\": \"{ sheets { \"}")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 400);
    let json: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(json["errors"][0]["extensions"]["code"], "INVALID_INPUT");
    assert!(json.get("data").is_none());

    let health = app.client.get(format!("{}/healthz", app.address)).send().await.expect("send");
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn sql_and_query_syntax_are_plain_text_everywhere() {
    let app = spawn_app().await;
    let hostile = [
        "Robert'); DROP TABLE sheet;--",
        "title:garage^2 AND (x OR",
        "1 OR 1=1; SELECT * FROM change",
        "field:[a TO z] ~2 \"unclosed \\ * ?",
    ];
    let mut ids = Vec::new();
    for (i, text) in hostile.iter().enumerate() {
        let created = sheet(&app, &format!("Fiche {i} {text}"), json!({ "body": text, "summary": text })).await;
        let id = created["id"].as_str().expect("an id").to_owned();
        publish(&app, &id, created["version"].as_i64().expect("a version")).await;
        ids.push(id);
    }
    // Stored verbatim, and nothing else touched.
    for (id, text) in ids.iter().zip(hostile) {
        let data = app
            .ok("query($id: ID!) { node(id: $id) { ... on ProjectSheet { body summary } } }", json!({ "id": id }))
            .await;
        assert_eq!(data["node"]["body"], *text);
        assert_eq!(data["node"]["summary"], *text);
    }
    let data = app.ok("{ sheets { totalCount } }", json!({})).await;
    assert_eq!(data["sheets"]["totalCount"], hostile.len());
    // The same texts as search queries are read as words: no error, and no syntax leaks through.
    for text in hostile.iter().copied().chain(["*", "~", "\"", "-", "OR OR", ":", "^", "((((", "\u{0}"]) {
        let response = app
            .post(
                "query($q: String!) { search(query: $q, first: 5) { totalCount } suggest(prefix: $q) { text } }",
                json!({ "q": text }),
            )
            .await;
        assert!(response.get("errors").is_none(), "{text:?}: {response:#}");
        assert!(response["data"]["search"]["totalCount"].is_number(), "{text:?}: {response:#}");
    }
    let response = app.post("{ search(query: \"Robert DROP TABLE\") { totalCount } }", json!({})).await;
    assert_eq!(response["data"]["search"]["totalCount"], 1, "{response:#}");
    still_serving(&app).await;
}
