//! The shared harness: `spawn_app()` starts the whole server (the same router `retex serve` builds) on
//! a random port against a fresh database: a new SQLite file, or a new PostgreSQL database when
//! `RETEX_TEST_DATABASE_URL` is set. Tests talk to it over HTTP, as clients do.

use std::sync::atomic::{AtomicU32, Ordering};

use retex::app::App;
use retex::domain::{NewToken, Role, Viewer};
use serde_json::{Value, json};

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub app: App,
    /// The secret of an ADMIN token: `post`, `ok` and `fails` send it.
    pub admin: String,
    /// The database URL, for the command line.
    pub database_url: String,
    _dir: Option<tempfile::TempDir>,
    pub index: tempfile::TempDir,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);
static CLEANED: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();

/// Returns the URL of a fresh, empty database.
pub async fn fresh_database() -> (String, Option<tempfile::TempDir>) {
    match std::env::var("RETEX_TEST_DATABASE_URL") {
        Ok(server) if !server.is_empty() => {
            CLEANED
                .get_or_init(|| async {
                    retex::store::drop_databases(&server, "retex_test_").await.expect("drop old test databases");
                })
                .await;
            let name = format!("retex_test_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
            let url = retex::store::create_database(&server, &name).await.expect("create a test database");
            (url, None)
        }
        _ => {
            let dir = tempfile::tempdir().expect("create a temporary folder");
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("retex.db").display());
            (url, Some(dir))
        }
    }
}

/// Starts the server on a fresh database, with its search index in a fresh folder.
pub async fn spawn_app() -> TestApp {
    spawn(true, retex::http::Limits::default()).await
}

/// Starts the server on a fresh database with these limits.
pub async fn spawn_app_with(limits: retex::http::Limits) -> TestApp {
    spawn(true, limits).await
}

/// Starts the server on a fresh database without search: no indexer reads the database behind the
/// test's back (for counting the statements a request costs).
pub async fn spawn_app_without_search() -> TestApp {
    spawn(false, retex::http::Limits::default()).await
}

/// Starts the server on a fresh database without search, with these limits.
pub async fn spawn_app_without_search_with(limits: retex::http::Limits) -> TestApp {
    spawn(false, limits).await
}

async fn spawn(search: bool, limits: retex::http::Limits) -> TestApp {
    let (url, dir) = fresh_database().await;
    let index = tempfile::tempdir().expect("create a temporary folder");
    let app = if search { App::open_with_search(&url, index.path()).await } else { App::open(&url).await }
        .expect("open the database");
    let system = Viewer::System { name: "test".into() };
    let new = NewToken::parse(Some("administrateur de test"), Role::Admin, None, None).expect("a valid token");
    let (_, admin) = app.create_token(&system, new).await.expect("create an admin token");
    let router = retex::http::router(app.clone(), limits);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a port");
    let address = format!("http://{}", listener.local_addr().expect("local address"));
    tokio::spawn(retex::http::serve(listener, router, std::future::pending()));
    TestApp { address, client: reqwest::Client::new(), app, admin, database_url: url, _dir: dir, index }
}

/// Starts the server with the demo dataset loaded.
pub async fn spawn_demo() -> TestApp {
    let app = spawn_app().await;
    retex::demo::load_if_empty(&app.app).await.expect("load the demo").expect("the database was empty");
    app
}

impl TestApp {
    pub fn graphql_url(&self) -> String {
        format!("{}/graphql", self.address)
    }

    /// Posts a GraphQL request as the test's administrator and returns the whole JSON response.
    pub async fn post(&self, query: &str, variables: Value) -> Value {
        self.post_as(Some(&self.admin), query, variables).await
    }

    /// Posts a GraphQL request with this token (or none) and returns the whole JSON response.
    pub async fn post_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self.client.post(self.graphql_url()).json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("send the request");
        response.json().await.expect("a JSON response")
    }

    /// Runs a request with this token (or none) that must succeed, and returns its `data`.
    pub async fn ok_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let response = self.post_as(token, query, variables).await;
        assert!(response.get("errors").is_none(), "unexpected errors: {response:#}");
        response["data"].clone()
    }

    /// Runs a request with this token (or none) that must fail, and returns its first error.
    pub async fn fails_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let response = self.post_as(token, query, variables).await;
        let errors = response["errors"].as_array().unwrap_or_else(|| panic!("expected errors, got {response:#}"));
        assert!(!errors.is_empty(), "expected errors, got {response:#}");
        errors[0].clone()
    }

    /// Rebuilds the search index in one commit (as `retex reindex` does) and waits until the server
    /// searches the new generation: an index whose statistics no earlier commit's merges will move.
    pub async fn settle_index(&self) {
        let serving = self.app.search_index().expect("search is on").dir().to_owned();
        retex::indexer::rebuild(self.app.store(), self.index.path(), &retex::domain::Progress::default())
            .await
            .expect("rebuild the index");
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        while self.app.search_index().expect("search is on").dir() == serving {
            assert!(tokio::time::Instant::now() < deadline, "the server switched to the rebuilt index");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// Creates an API token through the API (as the administrator) and returns its secret.
    pub async fn token(&self, role: &str, organisation: Option<&str>, programme: Option<&str>) -> String {
        let data = self
            .ok(
                "mutation($input: ApiTokenInput!) { createApiToken(input: $input) { secret } }",
                json!({ "input": { "role": role, "organisation": organisation, "programme": programme, "name": format!("{role} de test") } }),
            )
            .await;
        data["createApiToken"]["secret"].as_str().expect("a secret").to_owned()
    }

    /// Runs a request that must succeed and returns its `data`.
    pub async fn ok(&self, query: &str, variables: Value) -> Value {
        let response = self.post(query, variables).await;
        assert!(response.get("errors").is_none(), "unexpected errors: {response:#}");
        response["data"].clone()
    }

    /// Runs a request that must fail and returns its first error.
    pub async fn fails(&self, query: &str, variables: Value) -> Value {
        let response = self.post(query, variables).await;
        let errors = response["errors"].as_array().unwrap_or_else(|| panic!("expected errors, got {response:#}"));
        assert!(!errors.is_empty(), "expected errors, got {response:#}");
        errors[0].clone()
    }

    /// Returns the number of SQL statements the server has sent so far.
    pub fn statements(&self) -> u64 {
        self.app.store().statement_count()
    }

    /// Loads a dataset through the same use case as `serve --demo` and file imports.
    pub async fn load(&self, dataset: Value) {
        let dataset = serde_json::from_value(dataset).expect("a valid dataset");
        self.app.load_dataset(&Viewer::System { name: "test".into() }, &dataset).await.expect("load the dataset");
    }
}

/// Returns `extensions.code` of an error.
pub fn code(error: &Value) -> &str {
    error["extensions"]["code"].as_str().unwrap_or_else(|| panic!("error without a code: {error:#}"))
}

/// Creates an organisation through the API and returns its id.
pub async fn organisation(app: &TestApp, name: &str) -> String {
    let data = app
        .ok(
            "mutation($input: OrganisationInput!) { createOrganisation(input: $input) { id } }",
            json!({ "input": { "name": name, "kind": "SUPPORT_STRUCTURE", "region": "BRETAGNE" } }),
        )
        .await;
    data["createOrganisation"]["id"].as_str().expect("an id").to_owned()
}

/// Creates a programme through the API and returns its id.
pub async fn programme(app: &TestApp, name: &str) -> String {
    let data = app
        .ok(
            "mutation($input: ProgrammeInput!) { createProgramme(input: $input) { id } }",
            json!({ "input": { "name": name, "summary": "Un programme.", "startYear": 2020, "endYear": 2021, "themes": ["MOBILITY"] } }),
        )
        .await;
    data["createProgramme"]["id"].as_str().expect("an id").to_owned()
}

/// Creates a rural territory through the API and returns its id.
pub async fn territory(app: &TestApp, name: &str) -> String {
    let data = app
        .ok(
            "mutation($input: TerritoryInput!) { createTerritory(input: $input) { id } }",
            json!({ "input": { "name": name, "level": "BASIN", "region": "BRETAGNE", "types": ["RURAL"] } }),
        )
        .await;
    data["createTerritory"]["id"].as_str().expect("an id").to_owned()
}

/// Creates a sheet through the API with the given extra input fields and returns `{ id version }`.
pub async fn sheet(app: &TestApp, title: &str, extra: Value) -> Value {
    let mut input = json!({ "title": title, "activityType": "SOLIDARITY_GARAGE", "summary": "Un garage solidaire." });
    if let (Some(input), Some(extra)) = (input.as_object_mut(), extra.as_object()) {
        input.extend(extra.clone());
    }
    let data = app
        .ok(
            "mutation($input: ProjectSheetInput!) { createSheet(input: $input) { id version } }",
            json!({ "input": input }),
        )
        .await;
    data["createSheet"].clone()
}

/// Moves a record from DRAFT to PUBLISHED and returns its new version.
pub async fn publish(app: &TestApp, id: &str, version: i64) -> i64 {
    let query = "mutation($id: ID!, $version: Int!, $status: PublicationStatus!) {
        setPublicationStatus(id: $id, version: $version, status: $status) { version } }";
    let submitted = app.ok(query, json!({ "id": id, "version": version, "status": "SUBMITTED" })).await;
    let version = submitted["setPublicationStatus"]["version"].as_i64().expect("a version");
    let published = app.ok(query, json!({ "id": id, "version": version, "status": "PUBLISHED" })).await;
    published["setPublicationStatus"]["version"].as_i64().expect("a version")
}

/// Runs the `retex` command with this database and index folder.
pub fn retex(database: &str, index: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_retex"))
        .args(args)
        .env("RETEX_DATABASE_URL", database)
        .env("RETEX_INDEX_DIR", index)
        .env("RUST_LOG", "warn")
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run retex")
}

/// A `retex serve` process started by a test.
pub struct ServerProcess {
    pub child: std::process::Child,
    pub address: String,
    /// Where its standard error goes.
    pub log: std::path::PathBuf,
}

/// Starts `retex serve` with these extra arguments on a free port of the loopback, on `database` with
/// its index in `index` (its log beside it); its standard output is piped.
pub fn start_server(database: &str, index: &std::path::Path, args: &[&str]) -> ServerProcess {
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("an address").port();
    let log = index.with_extension("log");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_retex"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(args)
        .env("RETEX_DATABASE_URL", database)
        .env("RETEX_INDEX_DIR", index)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::fs::File::create(&log).expect("create the server's log"))
        .spawn()
        .expect("start retex serve");
    ServerProcess { child, address: format!("http://127.0.0.1:{port}"), log }
}

impl ServerProcess {
    /// Posts a GraphQL query to the server without a token and returns the whole JSON response.
    pub async fn query(&self, query: &str) -> Value {
        reqwest::Client::new()
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query }))
            .send()
            .await
            .expect("a response")
            .json()
            .await
            .expect("a JSON response")
    }

    /// Waits until the server answers its health check 200, at most `within`; fails with its log if
    /// it exited.
    pub async fn wait_healthy(&mut self, within: std::time::Duration) {
        let client = reqwest::Client::new();
        let deadline = std::time::Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("the server's status") {
                let log = std::fs::read_to_string(&self.log).unwrap_or_default();
                panic!("the server at {} exited ({status}): {log}", self.address);
            }
            if let Ok(response) = client.get(format!("{}/healthz", self.address)).send().await
                && response.status() == 200
            {
                return;
            }
            assert!(std::time::Instant::now() < deadline, "the server at {} came up within {within:?}", self.address);
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
}

/// A graphql-ws connection to the test server.
pub type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a graphql-ws connection to the server (without initialising it).
pub async fn open_socket(app: &TestApp) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let url = format!("{}/graphql/ws", app.address.replace("http://", "ws://"));
    let mut request = url.into_client_request().expect("a WebSocket request");
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().expect("a header"));
    tokio_tungstenite::connect_async(request).await.map(|(socket, _)| socket)
}

/// Opens a graphql-ws connection (with this token in `connection_init`, or none) and subscribes.
pub async fn subscribe(app: &TestApp, token: Option<&str>, query: &str) -> Socket {
    use futures::SinkExt;
    use tokio_tungstenite::tungstenite::Message;
    let mut socket = open_socket(app).await.expect("connect");
    let payload = match token {
        Some(token) => json!({ "Authorization": format!("Bearer {token}") }),
        None => json!({}),
    };
    let init = json!({ "type": "connection_init", "payload": payload }).to_string();
    socket.send(Message::Text(init.into())).await.expect("send init");
    let ack = next_message(&mut socket).await;
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }).to_string();
    socket.send(Message::Text(subscribe.into())).await.expect("send subscribe");
    socket
}

/// Returns the next message of a connection that is not a ping or a pong (within 10 s).
pub async fn next_message(socket: &mut Socket) -> Value {
    use futures::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
            .await
            .expect("a message within 10 s")
            .expect("an open socket")
            .expect("a message");
        if let Message::Text(text) = message {
            let value: Value = serde_json::from_str(&text).expect("JSON");
            if value["type"] != "ping" && value["type"] != "pong" {
                return value;
            }
        }
    }
}

/// The demo dataset, read from its JSON file (not through retex), for tests that check figures.
pub fn demo_dataset() -> Value {
    serde_json::from_str(include_str!("../../data/demo.json")).expect("the demo dataset")
}

/// Whether a record of a dataset file is published (the default).
pub fn published(record: &Value) -> bool {
    record["publicationStatus"].as_str().unwrap_or("PUBLISHED") == "PUBLISHED"
}

/// The strings of a JSON array (none when it is not one).
pub fn strings(value: &Value) -> Vec<String> {
    value.as_array().into_iter().flatten().filter_map(|item| item.as_str().map(str::to_owned)).collect()
}
