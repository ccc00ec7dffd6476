//! People's accounts: invitations and reset links (one-time, stored as digests, handed over or sent
//! by e-mail), acceptance, sign-in with brute-force protection, sessions and sign-out. Passwords are
//! hashed with argon2id off the executor; a person acts with the role and scope of a token whose
//! secret is never issued.

use chrono::Utc;

use super::accounts::{digest, new_secret};
use super::*;

/// A person's session as handed to the browser: the cookie's secret, the CSRF token the page sends
/// back with its writes, and when both expire. Only their digests are stored.
#[derive(Debug, Clone)]
pub struct SessionSecrets {
    pub session: String,
    pub csrf: String,
    pub expires_at: chrono::DateTime<Utc>,
}

/// A person who just signed in, and the session they got.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub person: Person,
    pub secrets: SessionSecrets,
}

/// A one-time link just issued: its record, its secret (shown this once) and whether it went out by
/// e-mail.
#[derive(Debug, Clone)]
pub struct IssuedLink {
    pub link: OneTimeLink,
    pub secret: String,
    /// The page's address that uses it: absolute when the public address is configured.
    pub url: String,
    pub emailed: bool,
}

/// A person authenticated by their session cookie, and the digest of the session's CSRF token.
#[derive(Debug, Clone)]
pub struct SessionViewer {
    pub viewer: Viewer,
    pub csrf_digest: String,
}

/// The message of every failed sign-in, whatever failed (unknown address, wrong password), so that
/// sign-in never tells which addresses have an account.
pub const WRONG_CREDENTIALS: &str = "the e-mail address or the password is wrong";

/// The path of the page that uses a one-time link; the secret rides in the fragment, which browsers
/// never send to servers (nor to their logs).
pub const LINK_PATH: &str = "/invitation";

/// Hashes a password with argon2id (its default parameters, a random salt), in the PHC format.
fn hash_password(password: &str) -> Result<String> {
    use argon2::PasswordHasher;
    use argon2::password_hash::SaltString;
    let mut random = [0u8; 16];
    getrandom::fill(&mut random).map_err(|err| Error::internal(format!("no randomness for a salt: {err}")))?;
    let salt =
        SaltString::encode_b64(&random).map_err(|err| Error::internal(format!("cannot encode a salt: {err}")))?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| Error::internal(format!("cannot hash a password: {err}")))
}

/// Checks a password against its stored hash (false for a hash that does not parse).
fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::PasswordVerifier;
    argon2::password_hash::PasswordHash::new(hash)
        .is_ok_and(|parsed| argon2::Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A hash no password matches, checked when an address is unknown so that sign-in takes as long
/// whether or not the address has an account.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let random = new_secret().unwrap_or_else(|_| "retex-decoy".to_owned());
        hash_password(&random).unwrap_or_default()
    })
}

/// Runs argon2 work on the blocking pool: it takes tens of milliseconds of CPU.
async fn blocking<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(job).await.map_err(|err| Error::internal(format!("password check failed: {err}")))
}

fn invalid_link(problem: impl Into<String>) -> Error {
    Error::invalid("link", problem)
}

impl App {
    /// Invites a person with a role and scope (administrators; reviewers for reviewers of their
    /// programme): a one-time link valid 7 days, sent by e-mail when a mailer is configured, and
    /// returned to hand over in any case.
    pub async fn invite(&self, viewer: &Viewer, invitation: NewInvitation) -> Result<IssuedLink> {
        let conn = self.store.connection();
        let scope = &invitation.scope;
        let in_scope = match (scope.programme, viewer.write_scope()) {
            (Some(programme), Some(scope)) if scope.programme.is_some() => {
                let only_programme = Scope { organisation: None, programme: scope.programme };
                store::within_scope(conn, Kind::Programme, &[programme.get()], only_programme)
                    .await?
                    .contains(&programme.get())
            }
            _ => false,
        };
        allowed(viewer.may_invite(scope.role, in_scope))?;
        self.check_token_scope(scope.organisation, scope.programme).await?;
        if store::person_by_email(conn, invitation.email.as_str()).await?.is_some() {
            return Err(Error::Conflict(format!(
                "an account already signs in with {}: issue it a password reset link instead",
                invitation.email
            )));
        }
        let link = store::NewLink {
            purpose: LinkPurpose::Invitation,
            email: invitation.email.as_str(),
            name: scope.name.as_ref().map(|name| name.as_str()),
            role: scope.role,
            organisation: scope.organisation,
            programme: scope.programme,
            person: None,
            created_by: &viewer.author(),
            expires_at: Utc::now() + LinkPurpose::Invitation.lifetime(),
        };
        self.issue(link).await
    }

    /// Issues a password reset link for a person's account (administrators only), valid 24 hours;
    /// using it ends the person's sessions.
    pub async fn issue_password_reset(&self, viewer: &Viewer, person: i64) -> Result<IssuedLink> {
        allowed(viewer.may_administer())?;
        let found = store::person_by_id(self.store.connection(), person)
            .await?
            .ok_or_else(|| Error::NotFound(format!("person {person}")))?
            .person;
        if found.disabled_at().is_some() {
            return Err(Error::invalid("person", "this account is disabled: invite the person again instead"));
        }
        let link = store::NewLink {
            purpose: LinkPurpose::PasswordReset,
            email: &found.email,
            name: found.token.name.as_deref(),
            role: found.token.role,
            organisation: found.token.organisation,
            programme: found.token.programme,
            person: Some(found.id),
            created_by: &viewer.author(),
            expires_at: Utc::now() + LinkPurpose::PasswordReset.lifetime(),
        };
        self.issue(link).await
    }

    async fn issue(&self, link: store::NewLink<'_>) -> Result<IssuedLink> {
        let secret = new_secret()?;
        let stored = store::insert_link(self.store.writer(), link, &digest(&secret)).await?;
        let path = format!("{LINK_PATH}#{secret}");
        let url = match &self.public_url {
            Some(base) => format!("{}{path}", base.trim_end_matches('/')),
            None => path,
        };
        tracing::info!(link = stored.id, purpose = stored.purpose.code(), by = %stored.created_by, "one-time link issued");
        let emailed = match &self.mailer {
            Some(mailer) => match mailer.send_link(&stored, &url).await {
                Ok(()) => true,
                Err(err) => {
                    tracing::warn!(link = stored.id, error = %err, "the link could not be sent by e-mail");
                    false
                }
            },
            None => false,
        };
        Ok(IssuedLink { link: stored, secret, url, emailed })
    }

    /// Returns what a one-time link is for, if it may still be used (the page shows it before the
    /// person chooses a password).
    pub async fn one_time_link(&self, secret: &str) -> Result<OneTimeLink> {
        let link = self.find_link(secret).await?;
        link.usable(Utc::now()).map_err(invalid_link)?;
        Ok(link)
    }

    async fn find_link(&self, secret: &str) -> Result<OneTimeLink> {
        let unknown = || invalid_link("this link is unknown: check that it was copied whole, or ask for a new one");
        if !secret.starts_with(super::SECRET_PREFIX) || secret.len() > 200 {
            return Err(unknown());
        }
        store::link_by_digest(self.store.connection(), &digest(secret)).await?.ok_or_else(unknown)
    }

    /// Uses a one-time link: an invitation creates the account (with `name` and `password`), a reset
    /// link replaces the password and ends the account's other sessions. Either signs the person in.
    /// The link works once: of two requests using it, one succeeds.
    pub async fn accept_link(&self, secret: &str, name: Option<&str>, password: &str) -> Result<SignedIn> {
        let link = self.find_link(secret).await?;
        link.usable(Utc::now()).map_err(invalid_link)?;
        let mut problems = Problems::default();
        let password = problems.check("password", Password::parse(password));
        let name = match (link.purpose, name.map(str::trim).filter(|name| !name.is_empty()), &link.name) {
            (LinkPurpose::PasswordReset, _, _) => None,
            (LinkPurpose::Invitation, Some(name), _) => problems.check("name", Label::parse(name)),
            (LinkPurpose::Invitation, None, Some(name)) => problems.check("name", Label::parse(name)),
            (LinkPurpose::Invitation, None, None) => {
                problems.add("name", "is empty: give your name, shown as the author of your changes");
                None
            }
        };
        problems.into_result()?;
        let Some(password) = password else { return Err(Error::invalid("password", "is missing")) };
        let hash = blocking(move || hash_password(password.expose())).await??;
        let tx = self.store.begin().await?;
        if !store::use_link(&tx, link.id).await? {
            return Err(invalid_link("this link was already used: a link works once; ask for a new one"));
        }
        let person = match (link.purpose, link.person) {
            (LinkPurpose::Invitation, _) => {
                if store::person_by_email(&tx, &link.email).await?.is_some() {
                    return Err(Error::Conflict(format!("an account already signs in with {}", link.email)));
                }
                let name = name.ok_or_else(|| Error::invalid("name", "is missing"))?;
                let token = NewToken {
                    name: Some(name),
                    role: link.role,
                    organisation: link.organisation,
                    programme: link.programme,
                };
                let unusable = digest(&new_secret()?);
                let token = store::insert_token(&tx, &token, &unusable, &link.created_by).await?;
                store::insert_person(&tx, token.id, &link.email, &hash).await?
            }
            (LinkPurpose::PasswordReset, Some(person)) => {
                store::set_password(&tx, person, &hash).await?;
                store::revoke_sessions_of(&tx, person).await?;
                person
            }
            (LinkPurpose::PasswordReset, None) => {
                return Err(Error::internal(format!("reset link {} names no person", link.id)));
            }
        };
        let secrets = self.open_session(&tx, person).await?;
        store::record_sign_in(&tx, person).await?;
        let found = store::person_by_id(&tx, person).await?;
        store::commit(tx).await?;
        let person = found.ok_or_else(|| Error::internal(format!("person {person} vanished")))?.person;
        if person.disabled_at().is_some() {
            return Err(Error::Forbidden("this account is disabled; ask an administrator".into()));
        }
        tracing::info!(person = person.id, purpose = link.purpose.code(), "one-time link used");
        Ok(SignedIn { person, secrets })
    }

    async fn open_session(&self, conn: &impl store::Connection, person: i64) -> Result<SessionSecrets> {
        let session = new_secret()?;
        let csrf = new_secret()?;
        let expires_at = Utc::now() + SESSION_LIFETIME;
        store::insert_session(conn, person, &digest(&session), &digest(&csrf), expires_at).await?;
        Ok(SessionSecrets { session, csrf, expires_at })
    }

    /// Signs a person in with their address and password. Every failure says the same
    /// (`WRONG_CREDENTIALS`) and takes as long; five failures in a row lock the account for 15 min.
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<SignedIn> {
        let wrong = || Error::Forbidden(WRONG_CREDENTIALS.into());
        let password = password.to_owned();
        let found = match EmailAddress::parse(email) {
            Ok(email) if password.chars().count() <= *PASSWORD_CHARS.end() => {
                store::person_by_email(self.store.connection(), email.as_str()).await?
            }
            _ => None,
        };
        let Some(found) = found else {
            blocking(move || verify_password(&password, decoy_hash())).await?;
            return Err(wrong());
        };
        let now = Utc::now();
        if let Attempt::Locked(until) = attempt_at(found.person.locked_until, now) {
            let minutes = (until - now).num_minutes() + 1;
            return Err(Error::Forbidden(format!(
                "too many failed sign-ins for this account: try again in {minutes} min, or ask an administrator for a reset link"
            )));
        }
        let hash = found.password_hash.clone();
        if !blocking(move || verify_password(&password, &hash)).await? {
            let (failed, lock) = after_failure(found.failed_attempts, now);
            store::record_failure(self.store.writer(), found.person.id, failed, lock).await?;
            tracing::info!(person = found.person.id, locked = lock.is_some(), "failed sign-in");
            return Err(wrong());
        }
        if found.person.disabled_at().is_some() {
            return Err(Error::Forbidden("this account is disabled; ask an administrator".into()));
        }
        let tx = self.store.begin().await?;
        let secrets = self.open_session(&tx, found.person.id).await?;
        store::record_sign_in(&tx, found.person.id).await?;
        store::commit(tx).await?;
        tracing::info!(person = found.person.id, "signed in");
        Ok(SignedIn { person: found.person, secrets })
    }

    /// Ends the session with this secret (nothing happens for an unknown one).
    pub async fn sign_out(&self, session: &str) -> Result<()> {
        store::revoke_session(self.store.writer(), &digest(session)).await
    }

    /// Returns who a session cookie's secret signs in, if the session is live and its account
    /// enabled, with the digest of its CSRF token. Looked up on every request (no cache), so that a
    /// sign-out or a disabled account holds from the next request.
    pub async fn authenticate_session(&self, session: &str) -> Result<Option<SessionViewer>> {
        if !session.starts_with(super::SECRET_PREFIX) || session.len() > 200 {
            return Ok(None);
        }
        let conn = self.store.connection();
        let Some(row) = store::session_by_digest(conn, &digest(session)).await? else { return Ok(None) };
        if row.revoked || row.expires_at <= Utc::now() {
            return Ok(None);
        }
        let Some(found) = store::person_by_id(conn, row.person).await? else { return Ok(None) };
        if found.person.disabled_at().is_some() {
            return Ok(None);
        }
        Ok(Some(SessionViewer { viewer: Viewer::Account(found.person.token.account()), csrf_digest: row.csrf_digest }))
    }

    /// Whether a CSRF token sent with a request is the session's.
    pub fn csrf_matches(session: &SessionViewer, presented: &str) -> bool {
        digest(presented) == session.csrf_digest
    }

    /// Lists people's accounts (administrators only), disabled ones included.
    pub async fn people(&self, viewer: &Viewer) -> Result<Vec<Person>> {
        allowed(viewer.may_administer())?;
        store::people(self.store.connection()).await
    }

    /// Returns the person a viewer is, if it signed in as a person.
    pub async fn person_of(&self, viewer: &Viewer) -> Result<Option<Person>> {
        match viewer {
            Viewer::Account(account) => store::person_by_token(self.store.connection(), account.token).await,
            _ => Ok(None),
        }
    }

    /// Disables a person's account (administrators only): its token is revoked and its sessions end.
    /// The account stays, so that history keeps its author.
    pub async fn disable_person(&self, viewer: &Viewer, person: i64) -> Result<Person> {
        allowed(viewer.may_administer())?;
        let found = store::person_by_id(self.store.connection(), person)
            .await?
            .ok_or_else(|| Error::NotFound(format!("person {person}")))?
            .person;
        if let Viewer::Account(account) = viewer
            && account.token == found.token.id
        {
            return Err(Error::invalid(
                "person",
                "this is the caller's own account; another administrator disables it",
            ));
        }
        let tx = self.store.begin().await?;
        store::revoke_token(&tx, found.token.id).await?;
        store::revoke_sessions_of(&tx, person).await?;
        let disabled = store::person_by_id(&tx, person).await?;
        store::commit(tx).await?;
        tracing::info!(person, by = %viewer.author(), "account disabled");
        Ok(disabled.ok_or_else(|| Error::internal(format!("person {person} vanished")))?.person)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify_only_their_password() {
        let first = hash_password("une phrase facile à retenir").unwrap_or_default();
        let second = hash_password("une phrase facile à retenir").unwrap_or_default();
        assert!(first.starts_with("$argon2id$"), "{first}");
        assert_ne!(first, second, "each hash has its own salt");
        assert!(verify_password("une phrase facile à retenir", &first));
        assert!(!verify_password("une phrase facile a retenir", &first));
        assert!(!verify_password("anything", decoy_hash()));
        assert!(!verify_password("anything", "not a hash"));
    }
}
