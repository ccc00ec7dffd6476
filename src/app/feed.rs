//! The live feed: changes of the log, as a viewer may see them, for subscriptions.

use super::*;

/// A change of a record, as a live subscription reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeEvent {
    pub sequence: i64,
    pub kind: Kind,
    pub action: ChangeAction,
    pub at: chrono::DateTime<chrono::Utc>,
    /// The record, when the viewer may see it now; `None` for a record that left the viewer's sight
    /// (unpublished, archived), whose figures changed all the same.
    pub record: Option<i64>,
}

impl App {
    /// Follows the change log from now on, as `viewer`: each change of a record of `kinds` (every kind
    /// when empty) once it is searchable. Changes of records the viewer cannot see are left out,
    /// except those that took a record out of its sight (it may have been counted before), which come
    /// without the record. Ends when the server stops.
    pub fn change_feed(
        &self,
        viewer: Viewer,
        kinds: Vec<Kind>,
    ) -> Result<impl futures::Stream<Item = ChangeEvent> + Send + 'static> {
        let applied = self.indexer()?.watch_applied();
        let start = *applied.borrow();
        struct Feed {
            app: App,
            viewer: Viewer,
            kinds: Vec<Kind>,
            applied: tokio::sync::watch::Receiver<i64>,
            /// The last change read from the log, and the last applied to the index.
            read: i64,
            known: i64,
            pending: std::collections::VecDeque<store::Change>,
        }
        let feed =
            Feed { app: self.clone(), viewer, kinds, applied, read: start, known: start, pending: Default::default() };
        Ok(futures::stream::unfold(feed, |mut feed| async move {
            loop {
                while let Some(change) = feed.pending.pop_front() {
                    if let Some(event) = feed.app.event_for(&feed.viewer, &feed.kinds, change).await {
                        // Judged with the caller's rights at the time of the event: a revoked token
                        // (or one whose rights changed) hears nothing more, and its feed ends.
                        if !feed.app.still_authorised(&feed.viewer).await.unwrap_or(false) {
                            tracing::info!("a live subscription's token was revoked; it ends");
                            return None;
                        }
                        return Some((event, feed));
                    }
                }
                if feed.read < feed.known {
                    let changes = match store::changes_after(feed.app.store.connection(), feed.read, 500).await {
                        Ok(changes) => changes,
                        Err(error) => {
                            tracing::warn!(%error, "a live subscription cannot read the change log; it ends");
                            return None;
                        }
                    };
                    if changes.is_empty() {
                        feed.read = feed.known;
                    }
                    for change in changes {
                        if change.sequence > feed.known {
                            break;
                        }
                        feed.read = change.sequence;
                        feed.pending.push_back(change);
                    }
                    continue;
                }
                if feed.applied.changed().await.is_err() {
                    return None;
                }
                feed.known = *feed.applied.borrow_and_update();
            }
        }))
    }

    pub(super) async fn event_for(
        &self,
        viewer: &Viewer,
        kinds: &[Kind],
        change: store::Change,
    ) -> Option<ChangeEvent> {
        let kind = change.kind?;
        if !kinds.is_empty() && !kinds.contains(&kind) {
            return None;
        }
        let id = change.record_id;
        let visible = crate::domain::with_kind!(kind, |F, I| {
            self.get_many::<F>(viewer, &[<I as RecordId>::new(id)]).await.map(|records| !records.is_empty())
        })
        .unwrap_or(false);
        // The record's status after this change and before it, from its revisions (a later change
        // may have moved it on by the time the feed reads this one).
        let revisions = store::revisions(self.store.connection(), kind, &[id]).await.unwrap_or_default();
        let status_of = |revision: &Revision| {
            serde_json::from_str::<serde_json::Value>(&revision.snapshot)
                .ok()
                .and_then(|snapshot| snapshot["publicationStatus"].as_str().and_then(PublicationStatus::from_code))
        };
        let then = revisions
            .iter()
            .filter(|revision| revision.created_at <= change.created_at)
            .filter_map(status_of)
            .next_back();
        let published_before = revisions
            .iter()
            .filter(|revision| revision.created_at < change.created_at)
            .filter_map(status_of)
            .any(|status| status == PublicationStatus::Published);
        // Someone who sees published records only hears of a change only if it left the record
        // published: a submission read after the publication that followed it is not news to them.
        let visibility = viewer.visibility();
        let public_only = !visibility.sees_everything() && visibility.scope().is_empty();
        let visible = visible && !(public_only && then.is_some_and(|status| !PUBLIC_STATUSES.contains(&status)));
        // A record that left the caller's sight is reported (without itself) only when it was
        // published before this change: the public counted it, and nothing about drafts leaks.
        let left_sight = !visible
            && matches!(change.action, ChangeAction::StatusChanged | ChangeAction::Archived)
            && published_before;
        (visible || left_sight).then(|| ChangeEvent {
            sequence: change.sequence,
            kind,
            action: change.action,
            at: change.created_at,
            record: visible.then_some(id),
        })
    }
}
