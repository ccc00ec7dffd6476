//! API tokens: created with a secret shown once (only its digest is kept), revoked, listed, and
//! turned back into a viewer on every request.

use super::*;

/// The length of an API token's secret, in random bytes.
pub(super) const SECRET_BYTES: usize = 32;
/// What every secret starts with, so that a leaked one is recognisable (and scannable).
pub const SECRET_PREFIX: &str = "retex_";

/// Draws a new secret: the prefix and 32 random bytes in URL-safe base64.
pub(super) fn new_secret() -> Result<String> {
    use base64::Engine;
    let mut bytes = [0u8; SECRET_BYTES];
    getrandom::fill(&mut bytes).map_err(|err| Error::internal(format!("no randomness for a token: {err}")))?;
    Ok(format!("{SECRET_PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)))
}

/// The digest under which a secret is stored and looked up: SHA-256, in hex. The secrets are 256
/// random bits, so a fast digest is enough (no password stretching needed).
pub(super) fn digest(secret: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(secret.as_bytes()))
}

impl App {
    /// Creates an API token (administrators only) and returns it with its secret, which is shown
    /// this once and stored only as a digest.
    pub async fn create_token(&self, viewer: &Viewer, token: NewToken) -> Result<(ApiToken, String)> {
        allowed(viewer.may_administer())?;
        self.check_token_scope(token.organisation, token.programme).await?;
        let secret = new_secret()?;
        let stored = store::insert_token(self.store.writer(), &token, &digest(&secret), &viewer.author()).await?;
        tracing::info!(token = stored.id, role = stored.role.code(), by = %viewer.author(), "API token created");
        Ok((stored, secret))
    }

    /// Checks that the organisation and programme a token (or an invitation) names exist.
    pub(super) async fn check_token_scope(
        &self,
        organisation: Option<OrganisationId>,
        programme: Option<ProgrammeId>,
    ) -> Result<()> {
        let conn = self.store.connection();
        let mut problems = Problems::default();
        if let Some(organisation) = organisation
            && store::slugs::<OrganisationFields, _>(conn, &[organisation.get()]).await?.is_empty()
        {
            problems.add("organisation", format!("there is no organisation {organisation}"));
        }
        if let Some(programme) = programme
            && store::slugs::<ProgrammeFields, _>(conn, &[programme.get()]).await?.is_empty()
        {
            problems.add("programme", format!("there is no programme {programme}"));
        }
        Ok(problems.into_result()?)
    }

    /// Revokes an API token (administrators only): requests that present it are refused from now on.
    pub async fn revoke_token(&self, viewer: &Viewer, id: i64) -> Result<ApiToken> {
        allowed(viewer.may_administer())?;
        if let Viewer::Account(account) = viewer
            && account.token == id
        {
            return Err(Error::invalid(
                "id",
                "this is the token the request is made with; revoke it with another admin token or `retex token revoke`",
            ));
        }
        let token = store::revoke_token(self.store.writer(), id).await?;
        tracing::info!(token = id, by = %viewer.author(), "API token revoked");
        Ok(token)
    }

    /// Lists the API tokens (administrators only), revoked ones included.
    pub async fn tokens(&self, viewer: &Viewer) -> Result<Vec<ApiToken>> {
        allowed(viewer.may_administer())?;
        let conn = self.store.connection();
        let people = store::person_tokens(conn).await?;
        Ok(store::tokens(conn).await?.into_iter().filter(|token| !people.contains(&token.id)).collect())
    }

    /// Returns the identity of a request presenting `secret`, or `None` when no active token has it.
    pub async fn authenticate(&self, secret: &str) -> Result<Option<Viewer>> {
        if !secret.starts_with(SECRET_PREFIX) || secret.len() > 200 {
            return Ok(None);
        }
        let token = store::token_by_digest(self.store.connection(), &digest(secret)).await?;
        Ok(token.filter(|token| token.revoked_at.is_none()).map(|token| Viewer::Account(token.account())))
    }

    /// Returns whether a caller still has the rights it had when it was authenticated: the system and
    /// anonymous callers always do; an account as long as its token is not revoked and says the same
    /// role and scope. What long-lived connections (subscriptions) check again and again.
    pub async fn still_authorised(&self, viewer: &Viewer) -> Result<bool> {
        let Viewer::Account(account) = viewer else { return Ok(true) };
        let token = store::token_by_id(self.store.connection(), account.token).await?;
        Ok(token.is_some_and(|token| token.revoked_at.is_none() && token.account() == *account))
    }
}
