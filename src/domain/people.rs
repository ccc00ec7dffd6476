//! People's accounts: a person signs in with an e-mail address and a password. An account is created
//! by invitation (a one-time link an administrator, or a reviewer for their programme, hands over),
//! and its password is replaced through a reset link an administrator issues. A person acts with the
//! role and scope of an `ApiToken` whose secret is never issued: authorship, saved searches, the
//! visibility rule and revocation are the same for people and programs.

use chrono::{DateTime, Duration, Utc};

use super::records::{OrganisationId, ProgrammeId};
use super::text::FieldProblem;
use super::tokens::{ApiToken, NewToken};
use super::visibility::Viewer;
use super::vocabulary::{Role, Vocabulary};

/// How long an invitation link may be used.
pub const INVITATION_LIFETIME: Duration = Duration::days(7);
/// How long a password reset link may be used.
pub const RESET_LIFETIME: Duration = Duration::hours(24);
/// How long a session lasts after sign-in.
pub const SESSION_LIFETIME: Duration = Duration::days(14);
/// Failed sign-ins in a row after which an account is locked for `LOCK_DURATION`.
pub const MAX_FAILED_SIGN_INS: i32 = 5;
/// How long an account stays locked after too many failed sign-ins.
pub const LOCK_DURATION: Duration = Duration::minutes(15);
/// The shortest and longest passwords accepted, in characters.
pub const PASSWORD_CHARS: std::ops::RangeInclusive<usize> = 10..=200;

/// An e-mail address, trimmed and in lower case: the name a person signs in with.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Checks the shape of an address (`name@domain.tld`, at most 254 characters, no spaces).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let address = raw.trim().to_lowercase();
        if address.is_empty() {
            return Err("is empty: give an e-mail address".into());
        }
        if address.chars().count() > 254 {
            return Err("is longer than 254 characters".into());
        }
        let Some((local, domain)) = address.split_once('@') else {
            return Err(format!("`{address}` is not an e-mail address (name@domain.fr)"));
        };
        let valid_part = |part: &str| {
            !part.is_empty()
                && part.chars().all(|c| !c.is_whitespace() && !c.is_control() && !"@<>()[],;:\"\\".contains(c))
        };
        let valid_domain = valid_part(domain)
            && domain.contains('.')
            && domain.split('.').all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
        if !valid_part(local) || local.chars().count() > 64 || !valid_domain {
            return Err(format!("`{address}` is not an e-mail address (name@domain.fr)"));
        }
        Ok(Self(address))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password as typed, checked for length only (long passphrases beat composition rules). Its
/// `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let chars = raw.chars().count();
        if raw.trim().is_empty() {
            return Err("is empty: choose a password".into());
        }
        if chars < *PASSWORD_CHARS.start() {
            return Err(format!(
                "is too short: {chars} characters, at least {} (a sentence of a few words is easy to remember)",
                PASSWORD_CHARS.start()
            ));
        }
        if chars > *PASSWORD_CHARS.end() {
            return Err(format!("is longer than {} characters", PASSWORD_CHARS.end()));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

/// What a one-time link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Creates an account with the invitation's role and scope.
    Invitation,
    /// Replaces the password of an existing account.
    PasswordReset,
}

impl LinkPurpose {
    pub fn code(self) -> &'static str {
        match self {
            LinkPurpose::Invitation => "INVITATION",
            LinkPurpose::PasswordReset => "PASSWORD_RESET",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "INVITATION" => Some(LinkPurpose::Invitation),
            "PASSWORD_RESET" => Some(LinkPurpose::PasswordReset),
            _ => None,
        }
    }

    /// How long a link of this purpose may be used.
    pub fn lifetime(self) -> Duration {
        match self {
            LinkPurpose::Invitation => INVITATION_LIFETIME,
            LinkPurpose::PasswordReset => RESET_LIFETIME,
        }
    }
}

/// An invitation asked for, validated: who, with which role and scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvitation {
    pub email: EmailAddress,
    /// The account's role and scope, and the name proposed to the person, checked as a token's are.
    pub scope: NewToken,
}

impl NewInvitation {
    /// Checks the address, the name and that the role has the scope it needs (as for a token),
    /// naming every problem.
    pub fn parse(
        email: &str,
        name: Option<&str>,
        role: Role,
        organisation: Option<OrganisationId>,
        programme: Option<ProgrammeId>,
    ) -> Result<Self, Vec<FieldProblem>> {
        let email = EmailAddress::parse(email).map_err(|problem| FieldProblem { field: "email".into(), problem });
        match (email, NewToken::parse(name, role, organisation, programme)) {
            (Ok(email), Ok(scope)) => Ok(Self { email, scope }),
            (email, scope) => Err(email.err().into_iter().chain(scope.err().into_iter().flatten()).collect()),
        }
    }
}

/// A stored one-time link (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneTimeLink {
    pub id: i64,
    pub purpose: LinkPurpose,
    pub email: String,
    pub name: Option<String>,
    pub role: Role,
    pub organisation: Option<OrganisationId>,
    pub programme: Option<ProgrammeId>,
    /// The account a reset link is for.
    pub person: Option<i64>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

impl OneTimeLink {
    /// Checks that the link may still be used at `now`: once, before it expires.
    pub fn usable(&self, now: DateTime<Utc>) -> Result<(), String> {
        if let Some(used) = self.used_at {
            return Err(format!(
                "this link was already used on {}: a link works once; ask for a new one",
                used.format("%Y-%m-%d %H:%M UTC")
            ));
        }
        if now >= self.expires_at {
            return Err(format!(
                "this link expired on {}; ask the person who sent it for a new one",
                self.expires_at.format("%Y-%m-%d %H:%M UTC")
            ));
        }
        Ok(())
    }
}

/// A person's account, as administrators see it (never its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    /// The token the person acts with: their name, role and scope; revoked when the account is
    /// disabled.
    pub token: ApiToken,
    pub email: String,
    pub created_at: DateTime<Utc>,
    pub last_signed_in_at: Option<DateTime<Utc>>,
    /// Until when sign-ins are refused after too many failed ones.
    pub locked_until: Option<DateTime<Utc>>,
}

impl Person {
    /// When the account was disabled (its token revoked): it can no longer sign in.
    pub fn disabled_at(&self) -> Option<DateTime<Utc>> {
        self.token.revoked_at
    }
}

/// What the sign-in of a known address decides from its record of failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The password may be checked.
    Allowed,
    /// The account is locked until then.
    Locked(DateTime<Utc>),
}

/// Decides whether a sign-in may be tried now, given the lock time of its account.
pub fn attempt_at(locked_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Attempt {
    match locked_until {
        Some(until) if until > now => Attempt::Locked(until),
        _ => Attempt::Allowed,
    }
}

/// After a failed sign-in: the new count of failures in a row, and the lock it earns (the count
/// starts again once the lock is set).
pub fn after_failure(failed_before: i32, now: DateTime<Utc>) -> (i32, Option<DateTime<Utc>>) {
    let failed = failed_before.saturating_add(1);
    if failed >= MAX_FAILED_SIGN_INS { (0, Some(now + LOCK_DURATION)) } else { (failed, None) }
}

impl Viewer {
    /// Checks that this viewer may invite a person with `role`: administrators invite anyone; a
    /// reviewer invites reviewers of a programme within its own scope (`programme_in_scope`, as the
    /// store measured it).
    pub fn may_invite(&self, role: Role, programme_in_scope: bool) -> Result<(), String> {
        match self.role() {
            Role::Admin => Ok(()),
            Role::Reviewer if role == Role::Reviewer && programme_in_scope => Ok(()),
            Role::Reviewer if role == Role::Reviewer => {
                Err("a reviewer invites reviewers of its own programme (or of its sub-programmes) only".into())
            }
            Role::Reviewer => Err(format!(
                "a reviewer invites reviewers of its programme; inviting a {} is an administrator's decision",
                role.code()
            )),
            caller => Err(format!("inviting people needs the ADMIN or REVIEWER role; the caller is {}", caller.code())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Account;

    #[test]
    fn addresses_are_trimmed_lowered_and_checked() {
        assert_eq!(
            EmailAddress::parse("  Claire.Martin@Fabrique.FR ").map(|e| e.0),
            Ok("claire.martin@fabrique.fr".into())
        );
        for bad in
            ["", "claire", "claire@", "@fabrique.fr", "claire@fabrique", "cl aire@fabrique.fr", "a@b@c.fr", "a@-b.fr"]
        {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn passwords_are_long_enough_and_never_printed() {
        assert!(Password::parse("court").is_err());
        assert!(Password::parse("          ").is_err());
        let password = Password::parse("une phrase facile à retenir").map_err(|_| ()).unwrap_or_else(|()| panic!());
        assert_eq!(format!("{password:?}"), "Password(…)");
    }

    #[test]
    fn a_link_works_once_before_it_expires() {
        let now = Utc::now();
        let mut link = OneTimeLink {
            id: 1,
            purpose: LinkPurpose::Invitation,
            email: "a@b.fr".into(),
            name: None,
            role: Role::Reader,
            organisation: None,
            programme: None,
            person: None,
            created_by: "admin".into(),
            created_at: now,
            expires_at: now + INVITATION_LIFETIME,
            used_at: None,
        };
        assert!(link.usable(now).is_ok());
        assert!(link.usable(now + INVITATION_LIFETIME).is_err());
        link.used_at = Some(now);
        assert!(link.usable(now).is_err());
    }

    #[test]
    fn five_failures_lock_the_account_for_a_while() {
        let now = Utc::now();
        let mut failed = 0;
        let mut lock = None;
        for _ in 0..MAX_FAILED_SIGN_INS {
            assert_eq!(attempt_at(lock, now), Attempt::Allowed);
            (failed, lock) = after_failure(failed, now);
        }
        assert_eq!(attempt_at(lock, now), Attempt::Locked(now + LOCK_DURATION));
        assert_eq!(attempt_at(lock, now + LOCK_DURATION), Attempt::Allowed);
        assert_eq!(failed, 0);
    }

    #[test]
    fn administrators_invite_anyone_reviewers_their_programme_s_reviewers() {
        let reviewer = Viewer::Account(Account {
            token: 1,
            name: None,
            role: Role::Reviewer,
            organisation: None,
            programme: Some(ProgrammeId(2)),
        });
        assert!(reviewer.may_invite(Role::Reviewer, true).is_ok());
        assert!(reviewer.may_invite(Role::Reviewer, false).is_err());
        assert!(reviewer.may_invite(Role::Admin, true).is_err());
        assert!(Viewer::System { name: "cli".into() }.may_invite(Role::Admin, false).is_ok());
        assert!(Viewer::Anonymous.may_invite(Role::Reader, false).is_err());
    }
}
