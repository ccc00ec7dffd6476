//! Accounts and roles: API tokens (stored as digests, shown once, revocable at once, from the command
//! line or by administrators over GraphQL), what each role may change, and the workflow transitions
//! each role may make, recorded with author and reason.

use serde_json::{Value, json};

use crate::harness::*;

const VIEWER: &str =
    "{ viewer { authenticated role name mayCreate mayAdminister organisation { slug } programme { slug } } }";
const UPDATE_SUMMARY: &str = "mutation($id: ID!, $version: Int!, $summary: String!) {
    updateSheet(id: $id, version: $version, patch: { summary: $summary }) { version summary } }";
const MOVE: &str = "mutation($id: ID!, $version: Int!, $status: PublicationStatus!, $reason: String) {
    setPublicationStatus(id: $id, version: $version, status: $status, reason: $reason) { version publicationStatus } }";
const NODE: &str =
    "query($id: ID!) { node(id: $id) { ... on ProjectSheet { version publicationStatus summary owner { slug } } } }";

fn slug_of(name: &str) -> String {
    name.to_lowercase().replace(' ', "-")
}

/// A sheet created by `token`'s holder, as `(id, version)`.
async fn sheet_by(app: &TestApp, token: &str, title: &str, programmes: Vec<&str>) -> (String, i64) {
    let data = app
        .ok_as(
            Some(token),
            "mutation($input: ProjectSheetInput!) { createSheet(input: $input) { id version owner { slug } } }",
            json!({ "input": { "title": title, "activityType": "SOLIDARITY_GARAGE", "summary": "Un garage.", "programmes": programmes } }),
        )
        .await;
    let sheet = &data["createSheet"];
    (sheet["id"].as_str().expect("an id").to_owned(), sheet["version"].as_i64().expect("a version"))
}

async fn move_as(app: &TestApp, token: &str, id: &str, version: i64, status: &str, reason: Option<&str>) -> Value {
    app.post_as(Some(token), MOVE, json!({ "id": id, "version": version, "status": status, "reason": reason })).await
}

fn error_code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"].as_str().unwrap_or_else(|| panic!("expected an error: {response:#}"))
}

/// Reads a sheet as the administrator (who sees everything).
async fn stored(app: &TestApp, id: &str) -> Value {
    app.ok(NODE, json!({ "id": id })).await["node"].clone()
}

#[tokio::test]
async fn tokens_are_shown_once_and_stored_only_as_digests() {
    let app = spawn_app().await;
    let data = app
        .ok(
            "mutation { createApiToken(input: { role: READER, name: \"Lectrice du réseau\" }) { secret token { id number role name active createdBy } } }",
            json!({}),
        )
        .await;
    let created = &data["createApiToken"];
    let secret = created["secret"].as_str().expect("a secret");
    assert!(secret.starts_with("retex_") && secret.len() > 40, "a long, recognisable secret: {secret}");
    assert_eq!(created["token"]["role"], "READER");
    assert_eq!(created["token"]["createdBy"], "administrateur de test");

    let listed = app.ok("{ apiTokens { name role active } }", json!({})).await;
    assert!(!listed.to_string().contains(secret), "the secret is never shown again");
    assert_eq!(listed["apiTokens"].as_array().map(Vec::len), Some(2), "the harness's admin and this one");

    // What the database holds: a digest, never the secret.
    let rows = retex::store::raw_token_rows(app.app.store().connection()).await.expect("read the table");
    assert_eq!(rows.len(), 2);
    for row in &rows {
        assert!(!row.contains(secret) && !row.contains(&app.admin), "a secret is stored in clear: {row}");
    }
    assert!(rows.iter().all(|row| row.contains("secret_digest")), "{rows:?}");

    let me = app.ok_as(Some(secret), VIEWER, json!({})).await;
    assert_eq!(
        me["viewer"],
        json!({ "authenticated": true, "role": "READER", "name": "Lectrice du réseau", "mayCreate": false,
                "mayAdminister": false, "organisation": null, "programme": null })
    );
    let anonymous = app.ok_as(None, VIEWER, json!({})).await;
    assert_eq!(anonymous["viewer"]["authenticated"], false);
    assert_eq!(anonymous["viewer"]["role"], "READER");
}

#[tokio::test]
async fn a_revoked_token_is_refused_at_once_and_bad_credentials_get_401() {
    let app = spawn_app().await;
    let data = app
        .ok(
            "mutation { createApiToken(input: { role: ADMIN, name: \"Ancienne admin\" }) { secret token { id } } }",
            json!({}),
        )
        .await;
    let secret = data["createApiToken"]["secret"].as_str().expect("a secret").to_owned();
    let id = data["createApiToken"]["token"]["id"].as_str().expect("an id").to_owned();
    assert_eq!(app.ok_as(Some(&secret), VIEWER, json!({})).await["viewer"]["role"], "ADMIN");

    let itself = app
        .fails_as(Some(&secret), "mutation($id: ID!) { revokeApiToken(id: $id) { active } }", json!({ "id": id }))
        .await;
    assert_eq!(code(&itself), "INVALID_INPUT", "a token does not revoke itself (no lock-out by mistake)");
    let revoked =
        app.ok("mutation($id: ID!) { revokeApiToken(id: $id) { active revokedAt } }", json!({ "id": id })).await;
    assert_eq!(revoked["revokeApiToken"]["active"], false);

    let send = |authorization: Option<String>| {
        // In English, as a client that asks for it (French is the default).
        let mut request = app
            .client
            .post(app.graphql_url())
            .header("accept-language", "en-GB, en;q=0.9")
            .json(&json!({ "query": "{ viewer { role } }" }));
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        request.send()
    };
    for (authorization, message) in [
        (format!("Bearer {secret}"), "unknown or revoked"),
        ("Bearer retex_nottherightsecret".to_owned(), "unknown or revoked"),
        ("Bearer ".to_owned(), "no token"),
        ("Basic dXNlcjpwYXNz".to_owned(), "must be `Bearer <token>`"),
    ] {
        let response = send(Some(authorization.clone())).await.expect("a response");
        assert_eq!(response.status(), 401, "{authorization}");
        let challenge = response.headers().get("www-authenticate").and_then(|value| value.to_str().ok());
        assert!(challenge.is_some_and(|value| value.starts_with("Bearer")), "{authorization}: {challenge:?}");
        let body: Value = response.json().await.expect("a JSON body");
        assert_eq!(error_code(&body), "UNAUTHENTICATED");
        let text = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(text.contains(message), "{authorization}: {text}");
    }

    // Only administrators manage tokens.
    let reader = app.token("READER", None, None).await;
    for query in [
        "{ apiTokens { id } }",
        "mutation { createApiToken(input: { role: ADMIN }) { secret } }",
        "mutation { revokeApiToken(id: \"QXBpVG9rZW46MQ\") { id } }",
    ] {
        let error = app.fails_as(Some(&reader), query, json!({})).await;
        assert_eq!(code(&error), "FORBIDDEN", "{query}");
    }
    assert_eq!(
        app.ok_as(Some(&app.admin), VIEWER, json!({})).await["viewer"]["role"],
        "ADMIN",
        "the admin still works"
    );
}

#[tokio::test]
async fn token_scopes_are_checked_when_created() {
    let app = spawn_app().await;
    let organisation = organisation(&app, "Fabrique Sud").await;
    for (input, field) in [
        (json!({ "role": "CONTRIBUTOR" }), "organisation"),
        (json!({ "role": "REVIEWER", "organisation": organisation }), "programme"),
        (json!({ "role": "REVIEWER", "programme": organisation }), "programme"),
        (json!({ "role": "ADMIN", "organisation": organisation }), "organisation/programme"),
        (json!({ "role": "READER", "name": "\u{1b}[31m" }), "name"),
        (json!({ "role": "CONTRIBUTOR", "organisation": "T3JnYW5pc2F0aW9uOjk5OQ" }), "organisation"),
    ] {
        let error = app
            .fails(
                "mutation($input: ApiTokenInput!) { createApiToken(input: $input) { secret } }",
                json!({ "input": input }),
            )
            .await;
        assert_eq!(code(&error), "INVALID_INPUT", "{input}: {error:#}");
        assert_eq!(error["extensions"]["problems"][0]["field"], field, "{input}: {error:#}");
    }
    let tokens = app.ok("{ apiTokens { id } }", json!({})).await;
    assert_eq!(tokens["apiTokens"].as_array().map(Vec::len), Some(1), "no token was created");
}

#[tokio::test]
async fn a_contributor_edits_its_organisations_drafts_and_nothing_else() {
    let app = spawn_app().await;
    let north = organisation(&app, "Fabrique Nord").await;
    let south = organisation(&app, "Fabrique Sud").await;
    let ours = app.token("CONTRIBUTOR", Some(&north), None).await;
    let theirs = app.token("CONTRIBUTOR", Some(&south), None).await;
    let me = app.ok_as(Some(&ours), VIEWER, json!({})).await;
    assert_eq!(me["viewer"]["organisation"]["slug"], slug_of("Fabrique Nord"));
    assert_eq!(me["viewer"]["mayCreate"], true);

    let (id, version) = sheet_by(&app, &ours, "Garage solidaire du Nord", vec![]).await;
    assert_eq!(
        stored(&app, &id).await["owner"]["slug"],
        slug_of("Fabrique Nord"),
        "the creator's organisation owns it"
    );

    // Another organisation's contributor does not even see the draft: NOT_FOUND, not FORBIDDEN.
    let hidden = app.post_as(Some(&theirs), NODE, json!({ "id": id })).await;
    assert_eq!(error_code(&hidden), "NOT_FOUND");
    let counts = "{ sheets { totalCount } }";
    assert_eq!(app.ok_as(Some(&ours), counts, json!({})).await["sheets"]["totalCount"], 1);
    assert_eq!(app.ok_as(Some(&theirs), counts, json!({})).await["sheets"]["totalCount"], 0);
    let refused = app
        .post_as(
            Some(&theirs),
            UPDATE_SUMMARY,
            json!({ "id": id, "version": version, "summary": "Réécrit par le Sud." }),
        )
        .await;
    assert_eq!(error_code(&refused), "NOT_FOUND");

    let edited = app
        .ok_as(Some(&ours), UPDATE_SUMMARY, json!({ "id": id, "version": version, "summary": "Un garage du Nord." }))
        .await;
    let version = edited["updateSheet"]["version"].as_i64().expect("a version");
    let submitted = move_as(&app, &ours, &id, version, "SUBMITTED", None).await;
    let version = submitted["data"]["setPublicationStatus"]["version"].as_i64().expect("submitted");
    let publish = move_as(&app, &ours, &id, version, "PUBLISHED", None).await;
    assert_eq!(error_code(&publish), "FORBIDDEN", "publishing is a reviewer's decision");
    assert!(publish["errors"][0]["message"].as_str().unwrap_or_default().contains("relecteur"), "{publish:#}");

    let version = app
        .ok(MOVE, json!({ "id": id, "version": version, "status": "PUBLISHED" }))
        .await["setPublicationStatus"]["version"]
        .as_i64()
        .expect("published by the admin");
    // Published: the other organisation sees it but may not change it; its own contributor goes
    // through a reviewer.
    assert_eq!(app.ok_as(Some(&theirs), counts, json!({})).await["sheets"]["totalCount"], 1);
    for token in [&theirs, &ours] {
        let response = app
            .post_as(Some(token), UPDATE_SUMMARY, json!({ "id": id, "version": version, "summary": "Changé." }))
            .await;
        assert_eq!(error_code(&response), "FORBIDDEN", "{response:#}");
        let response = move_as(&app, token, &id, version, "ARCHIVED", None).await;
        assert_eq!(error_code(&response), "FORBIDDEN", "{response:#}");
    }
    let after = stored(&app, &id).await;
    assert_eq!(after["version"], version, "nothing changed");
    assert_eq!(after["summary"], "Un garage du Nord.");
    assert_eq!(after["publicationStatus"], "PUBLISHED");

    // Readers and anonymous callers write nothing at all.
    let reader = app.token("READER", None, None).await;
    for token in [Some(reader.as_str()), None] {
        let response = app
            .post_as(
                token,
                "mutation { createOrganisation(input: { name: \"Intrus\", kind: OTHER }) { id } }",
                json!({}),
            )
            .await;
        assert_eq!(error_code(&response), "FORBIDDEN", "{response:#}");
        let response =
            app.post_as(token, "mutation { saveGlossaryEntry(terms: [\"a\", \"b\"]) { id } }", json!({})).await;
        assert!(response["errors"].is_array(), "{response:#}");
    }
    let glossary = app
        .post_as(Some(&ours), "mutation { saveGlossaryEntry(terms: [\"vélo\", \"bicyclette\"]) { id } }", json!({}))
        .await;
    assert_eq!(error_code(&glossary), "FORBIDDEN", "the glossary is the admins'");
    let organisations = app.ok("{ organisations { totalCount } }", json!({})).await;
    assert_eq!(organisations["organisations"]["totalCount"], 2, "no organisation was created");
}

#[tokio::test]
async fn a_reviewer_moves_records_of_its_programme_only_and_each_move_is_recorded() {
    let app = spawn_app().await;
    let north = organisation(&app, "Fabrique Nord").await;
    let mobility = programme(&app, "Mobilité rurale").await;
    let ageing = programme(&app, "Bien vieillir").await;
    // A contributor's sheets may only name programmes it can see: published ones.
    publish(&app, &mobility, 1).await;
    publish(&app, &ageing, 1).await;
    let contributor = app.token("CONTRIBUTOR", Some(&north), None).await;
    let reviewer = app.token("REVIEWER", None, Some(&mobility)).await;

    let (ours, version) = sheet_by(&app, &contributor, "Garage de la mobilité", vec![&mobility]).await;
    let (elsewhere, other_version) = sheet_by(&app, &contributor, "Maison des aînés", vec![&ageing]).await;
    let ours_version =
        move_as(&app, &contributor, &ours, version, "SUBMITTED", None).await["data"]["setPublicationStatus"]["version"]
            .as_i64()
            .expect("submitted");
    let elsewhere_version =
        move_as(&app, &contributor, &elsewhere, other_version, "SUBMITTED", None).await["data"]["setPublicationStatus"]
            ["version"]
            .as_i64()
            .expect("submitted");

    // The reviewer sees what was submitted in its programme, and nothing of the other.
    let queue = app
        .ok_as(Some(&reviewer), "{ sheets(filter: { publicationStatuses: [SUBMITTED] }) { nodes { id } } }", json!({}))
        .await;
    assert_eq!(queue["sheets"]["nodes"], json!([{ "id": ours }]));
    let outside = move_as(&app, &reviewer, &elsewhere, elsewhere_version, "PUBLISHED", None).await;
    assert_eq!(error_code(&outside), "NOT_FOUND", "a submitted sheet of another programme is not even seen");

    let published = move_as(&app, &reviewer, &ours, ours_version, "PUBLISHED", None).await;
    let version = published["data"]["setPublicationStatus"]["version"].as_i64().expect("published by the reviewer");
    let no_reason = move_as(&app, &reviewer, &ours, version, "DRAFT", None).await;
    assert_eq!(error_code(&no_reason), "INVALID_INPUT", "back to DRAFT needs a reason");
    let back = move_as(&app, &reviewer, &ours, version, "DRAFT", Some("Les chiffres de fréquentation manquent.")).await;
    assert_eq!(back["data"]["setPublicationStatus"]["publicationStatus"], "DRAFT", "{back:#}");

    // Once published, the other programme's sheet is visible to the reviewer, but not its to move.
    let other = app
        .ok(MOVE, json!({ "id": elsewhere, "version": elsewhere_version, "status": "PUBLISHED" }))
        .await["setPublicationStatus"]["version"]
        .as_i64()
        .expect("published by the admin");
    let archive = move_as(&app, &reviewer, &elsewhere, other, "ARCHIVED", None).await;
    assert_eq!(error_code(&archive), "FORBIDDEN");
    assert_eq!(stored(&app, &elsewhere).await["publicationStatus"], "PUBLISHED");

    // Every transition is in the history, with its author and reason.
    let history = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on ProjectSheet { revisions { action author reason snapshot } } } }",
            json!({ "id": ours }),
        )
        .await;
    let revisions = history["node"]["revisions"].as_array().expect("revisions");
    let steps: Vec<(String, String)> = revisions
        .iter()
        .map(|revision| {
            let status = serde_json::from_str::<Value>(revision["snapshot"].as_str().unwrap_or("{}"))
                .ok()
                .and_then(|snapshot| snapshot["publicationStatus"].as_str().map(str::to_owned))
                .unwrap_or_else(|| revision["action"].as_str().unwrap_or_default().to_owned());
            (status, revision["author"].as_str().unwrap_or_default().to_owned())
        })
        .collect();
    assert_eq!(revisions.len(), 4, "{revisions:#?}");
    assert_eq!(steps[0].1, "CONTRIBUTOR de test");
    assert_eq!(steps[2].1, "REVIEWER de test");
    assert_eq!(revisions[3]["reason"], "Les chiffres de fréquentation manquent.");
    assert_eq!(revisions[3]["author"], "REVIEWER de test");

    // The contributor reads the history of its own sheet; another organisation's contributor reads none.
    let own = app
        .ok_as(
            Some(&contributor),
            "query($id: ID!) { node(id: $id) { ... on ProjectSheet { revisions { version } } } }",
            json!({ "id": elsewhere }),
        )
        .await;
    assert_eq!(own["node"]["revisions"].as_array().map(Vec::len), Some(3));
    let south = organisation(&app, "Fabrique Sud").await;
    let stranger = app.token("CONTRIBUTOR", Some(&south), None).await;
    let foreign = app
        .ok_as(
            Some(&stranger),
            "query($id: ID!) { node(id: $id) { ... on ProjectSheet { revisions { version } } } }",
            json!({ "id": elsewhere }),
        )
        .await;
    assert_eq!(foreign["node"]["revisions"], json!([]), "past drafts stay with their organisation");
}

#[tokio::test]
async fn the_command_line_creates_lists_and_revokes_tokens() {
    let app = spawn_app().await;
    organisation(&app, "Fabrique Ouest").await;
    let retex = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_retex"))
            .args(args)
            .env("RETEX_DATABASE_URL", &app.database_url)
            .env("RUST_LOG", "warn")
            .output()
            .expect("run retex")
    };
    let created =
        retex(&["token", "create", "--role", "contributor", "--organisation", "fabrique-ouest", "--name", "Camille"]);
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let secret = String::from_utf8_lossy(&created.stdout).trim().to_owned();
    assert!(secret.starts_with("retex_"), "only the secret on standard output: {secret}");
    let me = app.ok_as(Some(&secret), VIEWER, json!({})).await;
    assert_eq!(me["viewer"]["role"], "CONTRIBUTOR");
    assert_eq!(me["viewer"]["name"], "Camille");
    assert_eq!(me["viewer"]["organisation"]["slug"], "fabrique-ouest");

    let listed = retex(&["token", "list"]);
    let listing = String::from_utf8_lossy(&listed.stdout).to_string();
    assert!(listing.contains("CONTRIBUTOR") && listing.contains("Camille") && !listing.contains(&secret), "{listing}");
    let number = listing
        .lines()
        .find(|line| line.contains("Camille"))
        .and_then(|line| line.split_whitespace().next())
        .expect("the token's number")
        .to_owned();
    let revoked = retex(&["token", "revoke", &number]);
    assert!(revoked.status.success(), "{}", String::from_utf8_lossy(&revoked.stderr));
    let response = app.post_as(Some(&secret), VIEWER, json!({})).await;
    assert_eq!(error_code(&response), "UNAUTHENTICATED", "refused at once after revocation");

    for args in [
        vec!["token", "create", "--role", "REVIEWER"],
        vec!["token", "create", "--role", "OWNER"],
        vec!["token", "create", "--role", "CONTRIBUTOR", "--organisation", "inconnue"],
        vec!["token", "revoke", "999"],
    ] {
        let output = retex(&args);
        assert!(!output.status.success(), "{args:?} should fail");
        assert!(output.stdout.is_empty(), "{args:?} printed a secret");
    }
}

#[tokio::test]
async fn anonymous_access_can_be_switched_off() {
    let limits = retex::http::Limits { anonymous_access: false, ..retex::http::Limits::default() };
    let app = spawn_app_with(limits).await;
    let response = app
        .client
        .post(app.graphql_url())
        .json(&json!({ "query": "{ sheets { totalCount } }" }))
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("Authorization: Bearer"));
    let reader = app.token("READER", None, None).await;
    assert_eq!(app.ok_as(Some(&reader), "{ sheets { totalCount } }", json!({})).await["sheets"]["totalCount"], 0);
    let page = app.client.get(app.graphql_url()).header("accept", "text/html").send().await.expect("a response");
    assert_eq!(page.status(), 200, "GraphiQL still opens (it sends the token itself)");
}

#[tokio::test]
async fn the_rate_limit_is_kept_per_token_and_per_address_without_one() {
    let limits = retex::http::Limits { requests_per_minute: 2, ..retex::http::Limits::default() };
    let app = spawn_app_with(limits).await;
    let first = app.token("READER", None, None).await;
    let second = app.token("READER", None, None).await;
    let status = |token: Option<String>| {
        let mut request = app.client.post(app.graphql_url()).json(&json!({ "query": "{ __typename }" }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move { request.send().await.expect("a response").status().as_u16() }
    };
    assert_eq!(status(Some(first.clone())).await, 200);
    assert_eq!(status(Some(first.clone())).await, 200);
    assert_eq!(status(Some(first.clone())).await, 429, "the first token spent its budget");
    assert_eq!(status(Some(second.clone())).await, 200, "another token has its own, from the same address");
    assert_eq!(status(None).await, 200, "so has the address without a token");
}

#[tokio::test]
async fn the_command_line_keeps_standard_output_for_scripts_and_takes_its_options_anywhere() {
    let app = spawn_app().await;
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_retex"))
            .args(args)
            .env_remove("RETEX_DATABASE_URL")
            .env_remove("RUST_LOG")
            .output()
            .expect("run retex")
    };
    // The database named after the action, with the default log level: `TOKEN=$(retex …)` gets the
    // secret alone, the log lines go to standard error.
    let created = run(&["token", "create", "--role", "ADMIN", "--database-url", &app.database_url, "--name", "Script"]);
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let stdout = String::from_utf8_lossy(&created.stdout).to_string();
    assert_eq!(stdout.lines().count(), 1, "one line on standard output: {stdout:?}");
    assert!(stdout.starts_with("retex_") && !stdout.contains('\u{1b}'), "the secret alone: {stdout:?}");
    let me = app.ok_as(Some(stdout.trim()), VIEWER, json!({})).await;
    assert_eq!(me["viewer"]["name"], "Script");

    // Help texts say what the commands do.
    let import = String::from_utf8_lossy(&run(&["import", "--help"]).stdout).to_string();
    assert!(import.contains("CSV") && import.contains("Markdown"), "{import}");
    let serve = String::from_utf8_lossy(&run(&["serve", "--help"]).stdout).to_string();
    assert!(serve.contains("API token"), "the rate limit is per token or address: {serve}");
}

#[tokio::test]
async fn pages_of_listed_origins_may_call_the_api_from_a_browser_and_others_may_not() {
    let allowed = "https://tableau.reseau.example";
    let limits = retex::http::Limits {
        cors_allowed_origins: vec![allowed.to_owned()],
        requests_per_minute: 2,
        ..retex::http::Limits::default()
    };
    let app = spawn_app_with(limits).await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.graphql_url())
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization, content-type")
            .send()
    };
    // The preflight is answered before authentication and the rate limit, whatever their state.
    for _ in 0..3 {
        let response = preflight(allowed).await.expect("a preflight");
        assert!(response.status().is_success(), "{}", response.status());
        let headers = response.headers();
        assert_eq!(headers.get("access-control-allow-origin").and_then(|v| v.to_str().ok()), Some(allowed));
        let allowed_headers =
            headers.get("access-control-allow-headers").and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert!(allowed_headers.contains("authorization"), "{allowed_headers}");
    }
    let response = preflight("https://ailleurs.example").await.expect("a preflight");
    assert!(response.headers().get("access-control-allow-origin").is_none(), "an origin off the list");

    let response = app
        .client
        .post(app.graphql_url())
        .header("origin", allowed)
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()), Some(allowed));
    let exposed =
        response.headers().get("access-control-expose-headers").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(exposed.contains("ratelimit-remaining"), "{exposed}");

    // Off by default.
    let closed = spawn_app().await;
    let response = closed
        .client
        .post(closed.graphql_url())
        .header("origin", allowed)
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .expect("a response");
    assert!(response.headers().get("access-control-allow-origin").is_none());

    // A setting that is not a list of origins is refused before anything is opened, and named.
    for bad in ["*", "https://tableau.example/chemin", "tableau.example", "https://"] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_retex"))
            .args(["serve", "--cors-allowed-origins", bad])
            .output()
            .expect("run retex");
        assert!(!output.status.success(), "{bad} accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("--cors-allowed-origins") && stderr.contains("is not an origin"), "{bad}: {stderr}");
    }
}
