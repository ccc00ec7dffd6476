//! People's accounts: invitations as one-time links, sign-in with a password, sessions in cookies
//! with CSRF protection, sign-out, reset links, disabled accounts, and the brute-force lock.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::*;

const INVITE: &str = "mutation($input: InvitationInput!) {
    invitePerson(input: $input) { purpose email role url expiresAt emailed } }";
const WHO: &str = "{ viewer { authenticated role name person { email name role } } }";
const PASSWORD: &str = "une phrase facile à retenir";

/// The secret of a link's address (`/invitation#retex_…`).
fn secret_of(url: &str) -> String {
    url.split_once('#').map(|(_, secret)| secret.to_owned()).unwrap_or_else(|| panic!("no secret in {url}"))
}

async fn invite(app: &TestApp, token: &str, input: Value) -> String {
    let data = app.ok_as(Some(token), INVITE, json!({ "input": input })).await;
    let link = &data["invitePerson"];
    assert_eq!(link["purpose"], "INVITATION");
    assert_eq!(link["emailed"], false, "no SMTP server is configured");
    let url = link["url"].as_str().expect("a url");
    assert!(url.starts_with("/invitation#retex_"), "{url}");
    secret_of(url)
}

/// A browser's view of the server: a client that keeps cookies, and the CSRF token of its session.
struct Browser {
    client: reqwest::Client,
    address: String,
    csrf: Option<String>,
}

impl Browser {
    fn new(app: &TestApp) -> Self {
        let client = reqwest::Client::builder().cookie_store(true).build().expect("a client");
        Self { client, address: app.address.clone(), csrf: None }
    }

    async fn post_json(&self, path: &str, body: Value) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let response =
            self.client.post(format!("{}{path}", self.address)).json(&body).send().await.expect("send the request");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, headers, body)
    }

    /// Uses a one-time link, keeping the session it opens.
    async fn accept(&mut self, secret: &str, name: Option<&str>, password: &str) -> (StatusCode, Value) {
        let (status, _, body) =
            self.post_json("/auth/accept", json!({ "secret": secret, "name": name, "password": password })).await;
        if status == StatusCode::OK {
            self.csrf = body["csrfToken"].as_str().map(str::to_owned);
        }
        (status, body)
    }

    async fn sign_in(&mut self, email: &str, password: &str) -> (StatusCode, Value) {
        let (status, _, body) = self.post_json("/auth/sign-in", json!({ "email": email, "password": password })).await;
        if status == StatusCode::OK {
            self.csrf = body["csrfToken"].as_str().map(str::to_owned);
        }
        (status, body)
    }

    /// Posts a GraphQL request with the session cookie, and the CSRF token when `with_csrf`.
    async fn graphql(&self, query: &str, variables: Value, with_csrf: bool) -> (StatusCode, Value) {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let (true, Some(csrf)) = (with_csrf, &self.csrf) {
            request = request.header("X-CSRF-Token", csrf);
        }
        let response = request.send().await.expect("send the request");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn sign_out(&self) -> StatusCode {
        let mut request = self.client.post(format!("{}/auth/sign-out", self.address));
        if let Some(csrf) = &self.csrf {
            request = request.header("X-CSRF-Token", csrf);
        }
        request.send().await.expect("send the request").status()
    }
}

fn message(body: &Value) -> &str {
    body["errors"][0]["message"].as_str().unwrap_or_else(|| panic!("expected an error: {body:#}"))
}

fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"].as_str().unwrap_or_else(|| panic!("expected an error: {body:#}"))
}

#[tokio::test]
async fn an_invited_person_signs_in_and_writes_with_the_role_of_the_invitation() {
    // Arrange: an organisation, and an invitation to write for it.
    let app = spawn_app().await;
    let organisation = organisation(&app, "Fabrique Brest").await;
    let secret = invite(
        &app,
        &app.admin,
        json!({ "email": " Claire.Martin@Fabrique.FR ", "name": "Claire Martin", "role": "CONTRIBUTOR", "organisation": organisation }),
    )
    .await;
    let mut browser = Browser::new(&app);

    // Act: the page shows what the link is for, then the person chooses a password.
    let (status, _, link) = browser.post_json("/auth/link", json!({ "secret": secret })).await;
    assert_eq!(status, StatusCode::OK, "{link:#}");
    assert_eq!(link["email"], "claire.martin@fabrique.fr");
    assert_eq!(link["role"], "CONTRIBUTOR");
    let response = browser
        .client
        .post(format!("{}/auth/accept", app.address))
        .json(&json!({ "secret": secret, "password": PASSWORD }))
        .send()
        .await
        .expect("accept");
    let cookies: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|value| value.to_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("a JSON body");
    browser.csrf = body["csrfToken"].as_str().map(str::to_owned);

    // Assert: a session cookie the page's scripts cannot read, and a CSRF token they can.
    let session = cookies.iter().find(|cookie| cookie.starts_with("retex_session=")).expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(session.contains(attribute), "{session} lacks {attribute}");
    }
    let csrf = cookies.iter().find(|cookie| cookie.starts_with("retex_csrf=")).expect("a CSRF cookie");
    assert!(!csrf.contains("HttpOnly") && csrf.contains("SameSite=Strict"), "{csrf}");
    assert_eq!(body["person"]["name"], "Claire Martin", "the invitation's name is proposed");

    let (_, who) = browser.graphql(WHO, json!({}), true).await;
    assert_eq!(who["data"]["viewer"]["authenticated"], true, "{who:#}");
    assert_eq!(who["data"]["viewer"]["role"], "CONTRIBUTOR");
    assert_eq!(who["data"]["viewer"]["person"]["email"], "claire.martin@fabrique.fr");

    // A write with the cookie alone (what a page of another site could make a browser send) is refused.
    let create = "mutation { createSheet(input: { title: \"Garage solidaire de Morlaix\", activityType: SOLIDARITY_GARAGE, summary: \"Un garage.\" }) { slug owner { slug } revisions { author } } }";
    let (status, refused) = browser.graphql(create, json!({}), false).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused:#}");
    assert_eq!(error_code(&refused), "FORBIDDEN");
    assert!(message(&refused).contains("X-CSRF-Token"), "{refused:#}");
    let (status, created) = browser.graphql(create, json!({}), true).await;
    assert_eq!(status, StatusCode::OK, "{created:#}");
    assert_eq!(created["data"]["createSheet"]["owner"]["slug"], "fabrique-brest", "{created:#}");
    assert_eq!(created["data"]["createSheet"]["revisions"][0]["author"], "Claire Martin");

    // The account is listed for administrators, not among API tokens.
    let people =
        app.ok("{ people { email role organisation { slug } lastSignedInAt } apiTokens { name } }", json!({})).await;
    assert_eq!(people["people"][0]["email"], "claire.martin@fabrique.fr");
    assert!(people["people"][0]["lastSignedInAt"].is_string());
    assert!(!strings(&people["apiTokens"]).iter().any(|name| name.contains("Claire")), "{people:#}");

    // Signing out ends the session at once: the same cookie reads as anonymous.
    let stolen = browser.client.clone();
    assert_eq!(browser.sign_out().await, StatusCode::NO_CONTENT);
    let after: Value = stolen
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": WHO }))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("JSON");
    assert_eq!(after["data"]["viewer"]["authenticated"], false, "{after:#}");

    // And the person signs in again with the address in any case.
    let (status, body) = browser.sign_in("CLAIRE.martin@fabrique.fr", PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    let (_, who) = browser.graphql(WHO, json!({}), true).await;
    assert_eq!(who["data"]["viewer"]["person"]["name"], "Claire Martin");
}

#[tokio::test]
async fn a_link_works_once_and_not_after_it_expires() {
    let app = spawn_app().await;
    let secret = invite(&app, &app.admin, json!({ "email": "a@fabrique.fr", "name": "Anne", "role": "READER" })).await;
    let mut first = Browser::new(&app);
    assert_eq!(first.accept(&secret, None, PASSWORD).await.0, StatusCode::OK);

    // Reused: refused, and nothing changes for the account.
    let mut second = Browser::new(&app);
    let (status, body) = second.accept(&secret, Some("Quelqu'un d'autre"), "un autre mot de passe").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body:#}");
    assert_eq!(error_code(&body), "INVALID_INPUT");
    assert!(message(&body).contains("déjà été utilisé"), "{body:#}");
    assert_eq!(second.sign_in("a@fabrique.fr", "un autre mot de passe").await.0, StatusCode::UNAUTHORIZED);

    // Expired: refused with the date, before and at acceptance.
    let late = invite(&app, &app.admin, json!({ "email": "b@fabrique.fr", "role": "READER" })).await;
    {
        use sea_orm::ConnectionTrait;
        app.app
            .store()
            .writer()
            .execute_unprepared("UPDATE invitation SET expires_at = 1000000 WHERE email = 'b@fabrique.fr'")
            .await
            .expect("age the link");
    }
    let (status, _, body) = second.post_json("/auth/link", json!({ "secret": late })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(message(&body).contains("expiré"), "{body:#}");
    let (status, body) = second.accept(&late, Some("Bruno"), PASSWORD).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(message(&body).contains("expiré"), "{body:#}");

    // Unknown, truncated, or not a secret at all.
    for bad in ["retex_nope", "", "n'importe quoi"] {
        let (status, body) = second.accept(bad, Some("Bruno"), PASSWORD).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad:?}: {body:#}");
        assert!(message(&body).contains("inconnu"), "{body:#}");
    }
    // A body that is not what the endpoint reads.
    let (status, _, body) = second.post_json("/auth/accept", json!({ "secret": 3 })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body:#}");
}

#[tokio::test]
async fn an_acceptance_names_every_problem_of_the_form() {
    let app = spawn_app().await;
    let secret = invite(&app, &app.admin, json!({ "email": "c@fabrique.fr", "role": "READER" })).await;
    let mut browser = Browser::new(&app);
    let (status, body) = browser.accept(&secret, None, "court").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body:#}");
    let problems: Vec<&str> = body["errors"][0]["extensions"]["problems"]
        .as_array()
        .map(|list| list.iter().filter_map(|problem| problem["field"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(problems, ["password", "name"], "{body:#}");
    // The link was not spent by a refused form.
    assert_eq!(browser.accept(&secret, Some("Chloé"), PASSWORD).await.0, StatusCode::OK);
}

#[tokio::test]
async fn wrong_passwords_say_the_same_as_unknown_addresses_and_five_lock_the_account() {
    let app = spawn_app().await;
    let secret =
        invite(&app, &app.admin, json!({ "email": "d@fabrique.fr", "name": "Dominique", "role": "READER" })).await;
    let mut browser = Browser::new(&app);
    assert_eq!(browser.accept(&secret, None, PASSWORD).await.0, StatusCode::OK);

    let (status, unknown) = browser.sign_in("personne@fabrique.fr", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&unknown), "UNAUTHENTICATED");
    let (_, wrong) = browser.sign_in("d@fabrique.fr", "pas le bon mot de passe").await;
    assert_eq!(message(&wrong), message(&unknown), "sign-in never tells which addresses have an account");
    assert!(message(&wrong).contains("mot de passe"), "{wrong:#}");

    for _ in 1..5 {
        browser.sign_in("d@fabrique.fr", "pas le bon mot de passe").await;
    }
    // Locked now: even the right password waits.
    let (status, locked) = browser.sign_in("d@fabrique.fr", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{locked:#}");
    assert!(message(&locked).contains("15 min"), "{locked:#}");
    let people = app.ok("{ people { lockedUntil } }", json!({})).await;
    assert!(people["people"][0]["lockedUntil"].is_string(), "{people:#}");

    // An administrator's reset link unlocks it and ends the old sessions.
    let id = app.ok("{ people { id } }", json!({})).await["people"][0]["id"].as_str().expect("an id").to_owned();
    let reset =
        app.ok("mutation($id: ID!) { issuePasswordReset(person: $id) { purpose url } }", json!({ "id": id })).await;
    assert_eq!(reset["issuePasswordReset"]["purpose"], "PASSWORD_RESET");
    let (_, before) = browser.graphql(WHO, json!({}), true).await;
    assert_eq!(before["data"]["viewer"]["authenticated"], true, "the first session is still open");
    let mut other = Browser::new(&app);
    let reset_secret = secret_of(reset["issuePasswordReset"]["url"].as_str().expect("a url"));
    assert_eq!(other.accept(&reset_secret, None, "un nouveau mot de passe").await.0, StatusCode::OK);
    let (_, after) = browser.graphql(WHO, json!({}), true).await;
    assert_eq!(after["data"]["viewer"]["authenticated"], false, "the reset ended the other sessions");
    assert_eq!(browser.sign_in("d@fabrique.fr", PASSWORD).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(browser.sign_in("d@fabrique.fr", "un nouveau mot de passe").await.0, StatusCode::OK);
}

#[tokio::test]
async fn sign_in_attempts_are_throttled_per_address() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app);
    let mut statuses = Vec::new();
    for attempt in 0..22 {
        statuses.push(browser.sign_in(&format!("inconnu{attempt}@fabrique.fr"), PASSWORD).await.0);
    }
    assert!(statuses[..20].iter().all(|status| *status == StatusCode::UNAUTHORIZED), "{statuses:?}");
    assert_eq!(statuses[21], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
}

#[tokio::test]
async fn a_disabled_account_loses_its_sessions_and_cannot_sign_in() {
    let app = spawn_app().await;
    let secret = invite(&app, &app.admin, json!({ "email": "e@fabrique.fr", "name": "Élise", "role": "ADMIN" })).await;
    let mut browser = Browser::new(&app);
    assert_eq!(browser.accept(&secret, None, PASSWORD).await.0, StatusCode::OK);
    let id = app.ok("{ people { id } }", json!({})).await["people"][0]["id"].as_str().expect("an id").to_owned();

    // The person cannot disable their own account.
    let (_, own) = browser
        .graphql("mutation($id: ID!) { disablePerson(person: $id) { disabledAt } }", json!({ "id": id }), true)
        .await;
    assert_eq!(error_code(&own), "INVALID_INPUT", "{own:#}");

    let disabled =
        app.ok("mutation($id: ID!) { disablePerson(person: $id) { disabledAt } }", json!({ "id": id })).await;
    assert!(disabled["disablePerson"]["disabledAt"].is_string());
    let (_, who) = browser.graphql(WHO, json!({}), true).await;
    assert_eq!(who["data"]["viewer"]["authenticated"], false, "{who:#}");
    let (status, body) = browser.sign_in("e@fabrique.fr", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body:#}");
    // No reset link for a disabled account.
    let refused =
        app.fails("mutation($id: ID!) { issuePasswordReset(person: $id) { url } }", json!({ "id": id })).await;
    assert_eq!(code(&refused), "INVALID_INPUT");
}

#[tokio::test]
async fn who_may_invite_whom() {
    let app = spawn_app().await;
    let (programme, other) =
        (programme(&app, "Garages solidaires").await, programme(&app, "Territoires fragiles").await);
    let organisation = organisation(&app, "Fabrique Brest").await;
    let reviewer = app.token("REVIEWER", None, Some(&programme)).await;
    let contributor = app.token("CONTRIBUTOR", Some(&organisation), None).await;

    // A reviewer invites reviewers of its programme, nobody else.
    invite(&app, &reviewer, json!({ "email": "f@fabrique.fr", "role": "REVIEWER", "programme": programme })).await;
    for input in [
        json!({ "email": "g@fabrique.fr", "role": "REVIEWER", "programme": other }),
        json!({ "email": "g@fabrique.fr", "role": "ADMIN" }),
        json!({ "email": "g@fabrique.fr", "role": "CONTRIBUTOR", "organisation": organisation }),
    ] {
        let refused = app.fails_as(Some(&reviewer), INVITE, json!({ "input": input })).await;
        assert_eq!(code(&refused), "FORBIDDEN", "{input}: {refused:#}");
    }
    let refused = app
        .fails_as(Some(&contributor), INVITE, json!({ "input": { "email": "g@fabrique.fr", "role": "READER" } }))
        .await;
    assert_eq!(code(&refused), "FORBIDDEN");
    let refused = app.fails_as(None, INVITE, json!({ "input": { "email": "g@fabrique.fr", "role": "READER" } })).await;
    assert_eq!(code(&refused), "FORBIDDEN");

    // Bad input names its fields; an address with an account already is a conflict.
    let refused = app.fails(INVITE, json!({ "input": { "email": "pas une adresse", "role": "CONTRIBUTOR" } })).await;
    assert_eq!(code(&refused), "INVALID_INPUT");
    let fields: Vec<&str> = refused["extensions"]["problems"]
        .as_array()
        .map(|problems| problems.iter().filter_map(|problem| problem["field"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(fields, ["email", "organisation"], "{refused:#}");
    let secret = invite(&app, &app.admin, json!({ "email": "h@fabrique.fr", "name": "Hugo", "role": "READER" })).await;
    assert_eq!(Browser::new(&app).accept(&secret, None, PASSWORD).await.0, StatusCode::OK);
    let refused = app.fails(INVITE, json!({ "input": { "email": "H@fabrique.fr", "role": "READER" } })).await;
    assert_eq!(code(&refused), "CONFLICT", "{refused:#}");
}

#[tokio::test]
async fn the_first_administrator_is_invited_from_the_command_line() {
    let app = spawn_app().await;
    let output = retex(
        &app.database_url,
        app.index.path(),
        &[
            "token",
            "invite",
            "--email",
            "Admin@Reseau.fr",
            "--role",
            "admin",
            "--public-url",
            "https://retex.example.org",
        ],
    );
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let url = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    assert!(url.starts_with("https://retex.example.org/invitation#retex_"), "{url}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("Administrateur"), "the role in French");
    let mut browser = Browser::new(&app);
    let (status, body) = browser.accept(&secret_of(&url), Some("Alex"), PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    assert_eq!(body["person"]["role"], "ADMIN");
    // Bad input on the command line is told in French.
    let output = retex(
        &app.database_url,
        app.index.path(),
        &["token", "invite", "--email", "pas-une-adresse", "--role", "ADMIN"],
    );
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("n’est pas une adresse e-mail"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A fake SMTP server on loopback that takes one message and hands over its text.
async fn fake_smtp() -> (String, tokio::task::JoinHandle<String>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a port");
    let url = format!("smtp://{}", listener.local_addr().expect("an address"));
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.expect("a client");
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        let mut message = String::new();
        let mut in_data = false;
        write.write_all(b"220 fake ESMTP\r\n").await.expect("greet");
        while let Ok(Some(line)) = lines.next_line().await {
            if in_data {
                if line == "." {
                    in_data = false;
                    write.write_all(b"250 queued\r\n").await.expect("answer");
                } else {
                    message.push_str(&line);
                    message.push('\n');
                }
                continue;
            }
            let verb = line.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
            let answer: &[u8] = match verb.as_str() {
                "EHLO" | "HELO" => b"250-fake\r\n250 8BITMIME\r\n",
                "DATA" => {
                    in_data = true;
                    b"354 go on\r\n"
                }
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await.expect("answer");
                    break;
                }
                _ => b"250 OK\r\n",
            };
            write.write_all(answer).await.expect("answer");
        }
        message
    });
    (url, server)
}

#[tokio::test]
async fn an_invitation_goes_by_e_mail_when_a_server_is_configured() {
    let app = spawn_app().await;
    let (url, server) = fake_smtp().await;
    let mailer = retex::mail::Mailer::new(&url, "retex <retex@reseau.fr>").expect("a mailer");
    let sending = app.app.clone().with_links(Some("https://retex.example.org".into()), Some(mailer));
    let invitation = retex::domain::NewInvitation::parse(
        "camille@fabrique.fr",
        Some("Camille"),
        retex::domain::Role::Reader,
        None,
        None,
    )
    .expect("an invitation");
    let issued =
        sending.invite(&retex::domain::Viewer::System { name: "test".into() }, invitation).await.expect("invited");
    assert!(issued.emailed, "the SMTP server took the message");
    assert!(issued.url.starts_with("https://retex.example.org/invitation#retex_"), "{}", issued.url);
    let message =
        tokio::time::timeout(std::time::Duration::from_secs(10), server).await.expect("in time").expect("a message");
    assert!(message.contains("camille@fabrique.fr"), "{message}");
    assert!(message.contains("invitation"), "{message}");
    // The link sits in the body, quoted-printable or not, whole once soft breaks are joined.
    let body = message.replace("=\n", "").replace("=3D", "=");
    assert!(body.contains(&issued.url), "{message}");

    // A server that does not answer: the link is still issued, to hand over.
    let unreachable = retex::mail::Mailer::new("smtp://127.0.0.1:9", "retex <retex@reseau.fr>").expect("a mailer");
    let failing = app.app.clone().with_links(None, Some(unreachable));
    let invitation =
        retex::domain::NewInvitation::parse("dominique@fabrique.fr", None, retex::domain::Role::Reader, None, None)
            .expect("an invitation");
    let issued =
        failing.invite(&retex::domain::Viewer::System { name: "test".into() }, invitation).await.expect("invited");
    assert!(!issued.emailed);
    assert!(issued.url.starts_with("/invitation#retex_"));
}

#[tokio::test]
async fn of_two_acceptances_of_one_link_at_once_exactly_one_opens_an_account() {
    let app = spawn_app().await;
    let secret = invite(&app, &app.admin, json!({ "email": "f@fabrique.fr", "name": "Fanny", "role": "READER" })).await;
    let (mut first, mut second) = (Browser::new(&app), Browser::new(&app));
    let (one, two) =
        tokio::join!(first.accept(&secret, None, PASSWORD), second.accept(&secret, None, "un autre mot de passe"));
    let mut statuses = [one.0, two.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::BAD_REQUEST], "{one:?} {two:?}");
    let people = app.ok("{ people { email } }", json!({})).await;
    assert_eq!(people["people"].as_array().map(Vec::len), Some(1), "one account: {people:#}");
}
