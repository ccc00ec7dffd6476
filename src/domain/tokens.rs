//! API tokens: who may call the API with which role. The secret is shown once, when the token is
//! created, and only its digest is stored; a token is revoked, never deleted, so that the history
//! keeps saying who did what.

use chrono::{DateTime, Utc};

use super::records::{OrganisationId, ProgrammeId};
use super::text::{FieldProblem, Label, Problems};
use super::visibility::Account;
use super::vocabulary::{Role, Vocabulary};

/// A stored token (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub name: Option<String>,
    pub role: Role,
    pub organisation: Option<OrganisationId>,
    pub programme: Option<ProgrammeId>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiToken {
    /// Returns the identity a request made with this token acts as.
    pub fn account(&self) -> Account {
        Account {
            token: self.id,
            name: self.name.clone(),
            role: self.role,
            organisation: self.organisation,
            programme: self.programme,
        }
    }
}

/// What a new token is for, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    pub name: Option<Label>,
    pub role: Role,
    pub organisation: Option<OrganisationId>,
    pub programme: Option<ProgrammeId>,
}

impl NewToken {
    /// Checks the name and that the role has the scope it needs: a contributor writes for an
    /// organisation, a reviewer reviews a programme.
    pub fn parse(
        name: Option<&str>,
        role: Role,
        organisation: Option<OrganisationId>,
        programme: Option<ProgrammeId>,
    ) -> Result<Self, Vec<FieldProblem>> {
        let mut problems = Problems::default();
        let name = match name.map(str::trim) {
            None | Some("") => None,
            Some(name) => problems.check("name", Label::parse(name)),
        };
        if role == Role::Contributor && organisation.is_none() {
            problems.add("organisation", "a CONTRIBUTOR token needs the organisation it writes for");
        }
        if role == Role::Reviewer && programme.is_none() {
            problems.add("programme", "a REVIEWER token needs the programme it reviews");
        }
        if matches!(role, Role::Reader | Role::Admin) && (organisation.is_some() || programme.is_some()) {
            problems.add(
                "organisation/programme",
                format!("a {} token sees the same records whatever its scope: leave them out", role.code()),
            );
        }
        problems.into_result()?;
        Ok(Self { name, role, organisation, programme })
    }
}

/// Reads the secret out of an `Authorization` value (`Bearer <token>`, scheme in any case), or says
/// what is wrong with it. The one reading of credentials, for HTTP and WebSocket alike.
pub fn bearer_secret(authorization: &str) -> Result<&str, &'static str> {
    let mut parts = authorization.trim().splitn(2, ' ');
    let scheme = parts.next().unwrap_or_default();
    let secret = parts.next().unwrap_or_default().trim();
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err("the Authorization header must be `Bearer <token>`, with an API token");
    }
    if secret.is_empty() {
        return Err("the Authorization header has no token after `Bearer`");
    }
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_gets_the_scope_it_needs() {
        assert!(NewToken::parse(Some("Fabrique Brest"), Role::Contributor, Some(OrganisationId(1)), None).is_ok());
        assert!(NewToken::parse(None, Role::Contributor, None, None).is_err());
        assert!(NewToken::parse(None, Role::Reviewer, Some(OrganisationId(1)), None).is_err());
        assert!(NewToken::parse(None, Role::Reviewer, None, Some(ProgrammeId(2))).is_ok());
        assert!(NewToken::parse(None, Role::Admin, None, Some(ProgrammeId(2))).is_err());
        assert!(NewToken::parse(Some("\u{7}"), Role::Reader, None, None).is_err());
    }
}
