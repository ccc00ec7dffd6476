//! The one rule that decides what a caller may see. Every read path (lookups, lists, counts, nested
//! relations, and later search hits, facets, aggregates, exports and subscriptions) asks `Viewer::
//! visibility` and hands the answer to the store, which applies it in SQL: there is no other place
//! where publication statuses are compared for reading.

use super::vocabulary::PublicationStatus;

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// Anyone on the network: published records only.
    Public,
    /// A person or process trusted with the whole base: every record, drafts included. Until accounts
    /// and roles exist, the server treats every caller as an editor of the local base.
    Editor { name: String },
}

impl Viewer {
    /// Returns what this viewer may read.
    pub fn visibility(&self) -> Visibility {
        match self {
            Viewer::Public => Visibility { statuses: vec![PublicationStatus::Published] },
            Viewer::Editor { .. } => Visibility {
                statuses: vec![
                    PublicationStatus::Draft,
                    PublicationStatus::Submitted,
                    PublicationStatus::Published,
                    PublicationStatus::Archived,
                ],
            },
        }
    }

    /// Returns the name recorded as the author of this viewer's changes.
    pub fn author(&self) -> &str {
        match self {
            Viewer::Public => "anonyme",
            Viewer::Editor { name } => name,
        }
    }

    /// Returns whether this viewer may create and change records.
    pub fn may_write(&self) -> bool {
        matches!(self, Viewer::Editor { .. })
    }
}

/// The publication statuses a viewer may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visibility {
    statuses: Vec<PublicationStatus>,
}

impl Visibility {
    /// Returns the statuses to show in a list: what the client asked for (or every status but
    /// archived, when it asked for none), restricted to what the viewer may see.
    pub fn list_statuses(&self, requested: &[PublicationStatus]) -> Vec<PublicationStatus> {
        let wanted: Vec<PublicationStatus> = if requested.is_empty() {
            vec![PublicationStatus::Draft, PublicationStatus::Submitted, PublicationStatus::Published]
        } else {
            requested.to_vec()
        };
        wanted.into_iter().filter(|status| self.statuses.contains(status)).collect()
    }

    /// Returns the statuses a lookup by id may return.
    pub fn lookup_statuses(&self) -> &[PublicationStatus] {
        &self.statuses
    }

    /// Returns the statuses search may show: what the public may see (today, published records),
    /// within what this viewer may see. Search, facets and suggestions all use this one filter.
    pub fn search_statuses(&self) -> Vec<PublicationStatus> {
        [PublicationStatus::Published].into_iter().filter(|status| self.statuses.contains(status)).collect()
    }

    pub fn can_see(&self, status: PublicationStatus) -> bool {
        self.statuses.contains(&status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_sees_only_published_records_even_when_asking_for_drafts() {
        let public = Viewer::Public.visibility();
        assert_eq!(public.list_statuses(&[PublicationStatus::Draft]), vec![]);
        assert_eq!(public.list_statuses(&[]), vec![PublicationStatus::Published]);
        assert!(!public.can_see(PublicationStatus::Submitted));
    }

    #[test]
    fn lists_leave_archived_records_out_unless_asked() {
        let editor = Viewer::Editor { name: "test".into() }.visibility();
        assert!(!editor.list_statuses(&[]).contains(&PublicationStatus::Archived));
        assert_eq!(editor.list_statuses(&[PublicationStatus::Archived]), vec![PublicationStatus::Archived]);
    }
}
