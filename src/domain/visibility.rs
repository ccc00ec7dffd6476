//! Who is asking, and the two rules that follow from it: what the caller may see and what it may
//! change. Every read path (lookups, lists, counts, nested relations, search hits, facets,
//! suggestions, aggregates, exports, subscriptions) asks `Viewer::visibility` and hands the answer to
//! the store, which applies it in SQL; every write asks `Viewer::may_edit` or `Viewer::may_move`. There
//! is no other place where roles or publication statuses are compared.
//!
//! | role        | sees                                                   | changes                                                     |
//! |-------------|--------------------------------------------------------|-------------------------------------------------------------|
//! | anonymous   | published records                                      | nothing                                                     |
//! | READER      | published records                                      | nothing                                                     |
//! | CONTRIBUTOR | published records, and every record of its organisation | creates drafts; edits, submits, withdraws and archives its organisation's drafts |
//! | REVIEWER    | published records, and every record of its programme   | edits records of its programme and moves them through the whole workflow |
//! | ADMIN       | everything                                             | everything, API tokens and the glossary included            |

use super::records::{OrganisationId, ProgrammeId};
use super::vocabulary::{PublicationStatus, Role, Vocabulary};

/// The holder of an API token, as authenticated for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The token's id (never its secret).
    pub token: i64,
    pub name: Option<String>,
    pub role: Role,
    /// The organisation a contributor (or reviewer) writes for: records it creates belong to it.
    pub organisation: Option<OrganisationId>,
    /// The programme a reviewer reviews.
    pub programme: Option<ProgrammeId>,
}

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// A request without a token: published records only.
    Anonymous,
    /// A request with a valid API token.
    Account(Account),
    /// The server's own command line and loaders (demo data, imports): every right. Never the
    /// identity of an HTTP request.
    System { name: String },
}

/// Where a record stands relative to a caller's scope, as the store measured it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Placement {
    /// The record belongs to the caller's organisation.
    pub in_organisation: bool,
    /// The record belongs to the caller's programme (a sheet of it, a lesson shown by such a sheet,
    /// the programme itself or one of its sub-programmes).
    pub in_programme: bool,
}

/// The records a caller sees beyond what is published: those of an organisation, those of a
/// programme, or both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scope {
    pub organisation: Option<OrganisationId>,
    pub programme: Option<ProgrammeId>,
}

impl Scope {
    pub fn is_empty(&self) -> bool {
        self.organisation.is_none() && self.programme.is_none()
    }
}

impl Viewer {
    /// Returns the role this viewer acts with: anonymous callers read like readers, the system acts
    /// as an administrator.
    pub fn role(&self) -> Role {
        match self {
            Viewer::Anonymous => Role::Reader,
            Viewer::Account(account) => account.role,
            Viewer::System { .. } => Role::Admin,
        }
    }

    fn scope(&self) -> Scope {
        match self {
            Viewer::Account(account) => match account.role {
                Role::Reader | Role::Admin => Scope::default(),
                Role::Contributor => Scope { organisation: account.organisation, programme: None },
                Role::Reviewer => Scope { organisation: account.organisation, programme: account.programme },
            },
            Viewer::Anonymous | Viewer::System { .. } => Scope::default(),
        }
    }

    /// Returns what this viewer may read.
    pub fn visibility(&self) -> Visibility {
        match self.role() {
            Role::Admin => Visibility::everything(),
            Role::Reader => Visibility::public(),
            Role::Contributor | Role::Reviewer => Visibility { everything: false, scope: self.scope() },
        }
    }

    /// Returns the name recorded as the author of this viewer's changes.
    pub fn author(&self) -> String {
        match self {
            Viewer::Anonymous => "anonyme".to_owned(),
            Viewer::Account(Account { name: Some(name), .. }) => name.clone(),
            Viewer::Account(account) => format!("jeton n°{}", account.token),
            Viewer::System { name } => name.clone(),
        }
    }

    /// Returns the organisation that owns the records this viewer creates.
    pub fn owner(&self) -> Option<OrganisationId> {
        match self {
            Viewer::Account(account) => account.organisation,
            Viewer::Anonymous | Viewer::System { .. } => None,
        }
    }

    /// Returns the scope a write must be measured against, or `None` when the viewer's rights do not
    /// depend on where the record stands (administrators, and callers with no right at all).
    pub fn write_scope(&self) -> Option<Scope> {
        match self.role() {
            Role::Contributor | Role::Reviewer => Some(self.scope()),
            Role::Reader | Role::Admin => None,
        }
    }

    pub fn is_admin(&self) -> bool {
        self.role() == Role::Admin
    }

    /// Checks that this viewer may create records (as drafts).
    pub fn may_create(&self) -> Result<(), String> {
        match self.role() {
            Role::Admin | Role::Reviewer => Ok(()),
            Role::Contributor if self.owner().is_some() => Ok(()),
            Role::Contributor => Err("a contributor's token must name its organisation to create records".into()),
            Role::Reader => Err(read_only(self)),
        }
    }

    /// Checks that this viewer may change the fields of a record with this status and placement.
    pub fn may_edit(&self, status: PublicationStatus, placement: Placement) -> Result<(), String> {
        use PublicationStatus::*;
        let role = self.role();
        match role {
            Role::Admin => Ok(()),
            Role::Reader => Err(read_only(self)),
            Role::Reviewer if placement.in_programme => Ok(()),
            Role::Contributor | Role::Reviewer if placement.in_organisation => match status {
                Draft | Submitted => Ok(()),
                Published | Archived => Err(format!(
                    "a {} record is changed by a reviewer of its programme; ask one to move it back to DRAFT",
                    status.code()
                )),
            },
            Role::Contributor => Err("a contributor edits only the records of its own organisation".into()),
            Role::Reviewer => Err("a reviewer edits only the records of its own programme".into()),
        }
    }

    /// Checks that this viewer may move a record with this placement from `from` to `to` (the
    /// workflow's own rules are `workflow::check_transition`'s).
    pub fn may_move(&self, from: PublicationStatus, to: PublicationStatus, placement: Placement) -> Result<(), String> {
        use PublicationStatus::*;
        match self.role() {
            Role::Admin => Ok(()),
            Role::Reader => Err(read_only(self)),
            Role::Reviewer if placement.in_programme => Ok(()),
            Role::Contributor | Role::Reviewer if placement.in_organisation => match (from, to) {
                (Draft, Submitted) | (Submitted, Draft) | (Draft, Archived) => Ok(()),
                _ => Err(format!(
                    "moving a record from {} to {} is a reviewer's decision; a contributor submits, withdraws and archives its drafts",
                    from.code(),
                    to.code()
                )),
            },
            Role::Contributor => Err("a contributor moves only the records of its own organisation".into()),
            Role::Reviewer => Err("a reviewer moves only the records of its own programme".into()),
        }
    }

    /// Checks that this viewer may group lessons into clusters (reviewers and administrators).
    pub fn may_cluster(&self) -> Result<(), String> {
        match self.role() {
            Role::Reviewer | Role::Admin => Ok(()),
            role => Err(format!("grouping lessons into clusters is a reviewer's work; the caller is {}", role.code())),
        }
    }

    /// Checks that this viewer may manage API tokens and the glossary.
    pub fn may_administer(&self) -> Result<(), String> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(format!("this needs the ADMIN role; the caller is {}", self.role().code()))
        }
    }

    /// Returns whether this viewer may read the revision history of records it can see beyond
    /// their published state (past versions hold drafts).
    pub fn reads_history(&self) -> bool {
        self.role() != Role::Reader
    }
}

fn read_only(viewer: &Viewer) -> String {
    match viewer {
        Viewer::Anonymous => "this needs an API token (Authorization: Bearer …) with a role that may write".into(),
        _ => "the READER role only reads".into(),
    }
}

/// What a viewer may read: every record, or the published ones plus those in its scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visibility {
    everything: bool,
    scope: Scope,
}

/// The statuses everyone may see.
pub const PUBLIC_STATUSES: &[PublicationStatus] = &[PublicationStatus::Published];

impl Visibility {
    /// Every record, whatever its status.
    pub fn everything() -> Self {
        Self { everything: true, scope: Scope::default() }
    }

    /// Published records only.
    pub fn public() -> Self {
        Self { everything: false, scope: Scope::default() }
    }

    pub fn sees_everything(&self) -> bool {
        self.everything
    }

    /// Returns the records seen beyond the published ones (empty for the public and for admins,
    /// who see everything).
    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// Returns the statuses to show in a list: what the client asked for, or every status but
    /// archived when it asked for none; for a viewer who sees published records only, restricted to
    /// those.
    pub fn list_statuses(&self, requested: &[PublicationStatus]) -> Vec<PublicationStatus> {
        let wanted: Vec<PublicationStatus> = if requested.is_empty() {
            vec![PublicationStatus::Draft, PublicationStatus::Submitted, PublicationStatus::Published]
        } else {
            requested.to_vec()
        };
        if self.everything || !self.scope.is_empty() {
            wanted
        } else {
            wanted.into_iter().filter(|status| PUBLIC_STATUSES.contains(status)).collect()
        }
    }

    /// Returns the statuses search may show. The index holds published records only, for everyone:
    /// search, facets, suggestions and similar records all use this one filter.
    pub fn search_statuses(&self) -> Vec<PublicationStatus> {
        PUBLIC_STATUSES.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PublicationStatus::*;

    fn account(role: Role, organisation: Option<i64>, programme: Option<i64>) -> Viewer {
        Viewer::Account(Account {
            token: 1,
            name: None,
            role,
            organisation: organisation.map(OrganisationId),
            programme: programme.map(ProgrammeId),
        })
    }

    const OWN: Placement = Placement { in_organisation: true, in_programme: false };
    const PROGRAMME: Placement = Placement { in_organisation: false, in_programme: true };
    const ELSEWHERE: Placement = Placement { in_organisation: false, in_programme: false };

    #[test]
    fn the_public_sees_only_published_records_even_when_asking_for_drafts() {
        for viewer in [Viewer::Anonymous, account(Role::Reader, Some(1), Some(1))] {
            let visibility = viewer.visibility();
            assert_eq!(visibility.list_statuses(&[Draft]), vec![]);
            assert_eq!(visibility.list_statuses(&[]), vec![Published]);
            assert!(visibility.scope().is_empty() && !visibility.sees_everything());
        }
    }

    #[test]
    fn contributors_and_reviewers_see_their_scope_and_admins_everything() {
        let contributor = account(Role::Contributor, Some(4), Some(9)).visibility();
        assert_eq!(contributor.scope(), Scope { organisation: Some(OrganisationId(4)), programme: None });
        let reviewer = account(Role::Reviewer, None, Some(9)).visibility();
        assert_eq!(reviewer.scope(), Scope { organisation: None, programme: Some(ProgrammeId(9)) });
        assert!(account(Role::Admin, None, None).visibility().sees_everything());
        assert!(Viewer::System { name: "cli".into() }.visibility().sees_everything());
    }

    #[test]
    fn lists_leave_archived_records_out_unless_asked() {
        let admin = Visibility::everything();
        assert!(!admin.list_statuses(&[]).contains(&Archived));
        assert_eq!(admin.list_statuses(&[Archived]), vec![Archived]);
    }

    #[test]
    fn a_contributor_edits_its_organisations_drafts_only() {
        let contributor = account(Role::Contributor, Some(4), None);
        assert!(contributor.may_create().is_ok());
        assert!(contributor.may_edit(Draft, OWN).is_ok());
        assert!(contributor.may_edit(Published, OWN).is_err());
        assert!(contributor.may_edit(Draft, ELSEWHERE).is_err());
        assert!(contributor.may_edit(Draft, PROGRAMME).is_err());
        assert!(contributor.may_move(Draft, Submitted, OWN).is_ok());
        assert!(contributor.may_move(Submitted, Published, OWN).is_err());
        assert!(account(Role::Contributor, None, None).may_create().is_err());
    }

    #[test]
    fn a_reviewer_moves_records_of_its_programme_only() {
        let reviewer = account(Role::Reviewer, None, Some(9));
        assert!(reviewer.may_move(Submitted, Published, PROGRAMME).is_ok());
        assert!(reviewer.may_move(Submitted, Published, ELSEWHERE).is_err());
        assert!(reviewer.may_edit(Published, PROGRAMME).is_ok());
    }

    #[test]
    fn readers_and_anonymous_callers_change_nothing_and_only_admins_administer() {
        for viewer in [Viewer::Anonymous, account(Role::Reader, None, None)] {
            assert!(viewer.may_create().is_err());
            assert!(viewer.may_edit(Draft, OWN).is_err());
            assert!(viewer.may_move(Draft, Submitted, OWN).is_err());
            assert!(!viewer.reads_history());
        }
        assert!(account(Role::Reviewer, None, Some(1)).may_administer().is_err());
        assert!(account(Role::Admin, None, None).may_administer().is_ok());
    }
}
