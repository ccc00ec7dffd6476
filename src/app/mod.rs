//! The use cases of retex: every read goes through the visibility of the viewer, and every write is
//! one transaction that changes the record, appends its revision (the new state, with author and
//! reason) and appends a change to the log that the search index and subscriptions follow.
//!
//! This is the layer the API calls; it knows the store and the domain, never a wire format except the
//! dataset form used for revision snapshots. One module per use case, as `graphql/` is split:
//! opening and reads here; `records` (writes, workflow, revisions), `accounts` (API tokens), `import`,
//! `export`, `search` (with the glossary and the index's state), `dashboards` (with lesson clusters)
//! and `feed` (what subscriptions hear).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::dataset::{self, Dataset, Names};
use crate::domain::*;
use crate::error::{Error, Result};
use crate::indexer::{Indexer, IndexerOptions, Reconciliation};
use crate::search::SearchIndex;
use crate::search::analysis::fold;
pub use crate::store::ChangeAction;
pub use crate::store::GlossaryEntry;
use crate::store::{self, Edit, Store, StoreSettings};

mod accounts;
mod advice;
mod dashboards;
mod export;
mod feed;
mod guide;
mod import;
mod news;
mod people;
mod records;
mod search;

pub use accounts::SECRET_PREFIX;
pub use advice::{Advice, AdviceItem, HeldOut};
pub use dashboards::{FundingGrouping, FundingSum, RecurrentLesson};
pub use feed::ChangeEvent;
pub use guide::{Guide, GuideEntry, GuideIndicator, GuidePhase, GuideScope};
pub use import::{DatasetSummary, Outcome};
pub use news::{FEED_ENTRIES, FeedQuery, SavedSearch, parse_query_string, percent_encode};
pub use people::{IssuedLink, LINK_PATH, SessionSecrets, SessionViewer, SignedIn, WRONG_CREDENTIALS};
pub use records::Editable;
pub use search::{
    Found, FoundHit, GlossaryInput, IndexLag, Interpretation, LabelledFacet, Labels, MAX_GLOSSARY_SOURCE,
    MAX_GLOSSARY_TERMS, SearchPage, Suggestion,
};
// The plain types the use cases take and give, from the layers below: the API above names them
// through this module, never `store` or `search` directly.
pub use crate::dataset::Format;
pub use crate::search::{Card, Dimension, Hit, SearchRequest};
pub use crate::store::{ClusterRow, FunnelGrouping, Reverse, Revision, StoredKind};
// The helpers each use case shares with the others (`journal`, `create_in`, `stale`…), for the
// modules' `use super::*`.
use records::*;

/// The application: the store, the search index that follows it, and what the use cases share.
#[derive(Clone)]
pub struct App {
    store: Store,
    search: Option<Arc<Indexer>>,
    /// Dashboard figures that may read the whole base run a few at a time (one less than the cores,
    /// at least one): more wait their turn, so that they never take every core and every database
    /// connection from the small requests beside them.
    heavy: Arc<tokio::sync::Semaphore>,
    /// The server's public address (`https://retex.example.org`), for links sent by e-mail.
    public_url: Option<String>,
    /// Sends one-time links by e-mail, when an SMTP server is configured.
    mailer: Option<Arc<crate::mail::Mailer>>,
}

/// How many whole-base computations run at once: one less than the cores, at least one.
fn heavy_permits() -> usize {
    std::thread::available_parallelism().map_or(1, |cores| cores.get().saturating_sub(1).max(1))
}

/// How long a write waits for its change to be searchable before it returns anyway. Writes return
/// once their change is searchable, so a client that creates a sheet and searches for it finds it;
/// past this bound (an indexer far behind), the write still succeeded and the change follows.
pub const SEARCHABLE_WAIT: Duration = Duration::from_secs(2);

/// A visibility that sees every record: used inside writes, after the caller's right to write was
/// checked, to read back what the write produced.
fn everything() -> Visibility {
    Visibility::everything()
}

fn allowed(check: std::result::Result<(), String>) -> Result<()> {
    check.map_err(Error::Forbidden)
}

impl App {
    /// Opens the database at `url` and applies pending migrations.
    pub async fn open(url: &str) -> Result<Self> {
        Self::open_with(url, &StoreSettings::default()).await
    }

    /// Opens the database at `url` with these settings and applies pending migrations (one server
    /// at a time: servers started together wait for each other).
    pub async fn open_with(url: &str, settings: &StoreSettings) -> Result<Self> {
        let store = Store::connect_with(url, settings).await?;
        store.migrate().await?;
        Ok(Self {
            store,
            search: None,
            heavy: Arc::new(tokio::sync::Semaphore::new(heavy_permits())),
            public_url: None,
            mailer: None,
        })
    }

    /// Opens the database and the search index in `index_dir`, and starts the indexer that keeps the
    /// index equal to the database.
    pub async fn open_with_search(url: &str, index_dir: &Path) -> Result<Self> {
        Self::open_search_with(url, &StoreSettings::default(), index_dir, IndexerOptions::default()).await
    }

    /// Like `open_with_search`, with these database settings and indexer options (its reconciliation
    /// interval; the tests' failure injection).
    pub async fn open_search_with(
        url: &str,
        settings: &StoreSettings,
        index_dir: &Path,
        options: IndexerOptions,
    ) -> Result<Self> {
        let mut app = Self::open_with(url, settings).await?;
        let root = index_dir.to_owned();
        let index = match open_current(&root).await? {
            Some(index) => index,
            None => {
                tracing::info!(dir = %index_dir.display(), "building the search index from the database");
                crate::indexer::rebuild(&app.store, &root, &Progress::default()).await?;
                open_current(&root).await?.ok_or_else(|| Error::internal("the rebuilt index cannot be opened"))?
            }
        };
        app.search = Some(Arc::new(Indexer::start(app.store.clone(), root, index, options)?));
        Ok(app)
    }

    /// Sets the server's public address (for the links of e-mails) and the mailer that sends
    /// one-time links, if any.
    pub fn with_links(mut self, public_url: Option<String>, mailer: Option<crate::mail::Mailer>) -> Self {
        self.public_url = public_url;
        self.mailer = mailer.map(Arc::new);
        self
    }

    /// Stops the indexer after its current batch (what it had not committed is redone at the next
    /// start). Call it before the runtime stops.
    pub async fn shutdown(&self) {
        if let Some(indexer) = &self.search {
            let indexer = Arc::clone(indexer);
            let _ = tokio::task::spawn_blocking(move || indexer.shutdown()).await;
        }
    }

    /// Waits (at most `SEARCHABLE_WAIT`) until change `sequence` is searchable.
    async fn searchable(&self, sequence: i64, wait: Duration) {
        if let Some(indexer) = &self.search
            && !indexer.wait_for(sequence, wait).await
        {
            tracing::warn!(sequence, "the change is committed but not yet searchable");
        }
    }

    /// Waits for a turn to compute dashboard figures over the whole base (see `App::heavy`).
    async fn heavy_turn(&self) -> Result<tokio::sync::SemaphorePermit<'_>> {
        self.heavy.acquire().await.map_err(|_| Error::Unavailable("the server is shutting down".into()))
    }

    fn indexer(&self) -> Result<&Arc<Indexer>> {
        self.search.as_ref().ok_or_else(|| Error::internal("search is not enabled on this server"))
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Returns one visible record, or NOT_FOUND.
    pub async fn get<K: StoredKind>(&self, viewer: &Viewer, id: K::Id) -> Result<Record<K::Id, K>> {
        store::get::<K, _>(self.store.connection(), &viewer.visibility(), id).await
    }

    /// Returns the visible records among these ids, in the order of the ids.
    pub async fn get_many<K: StoredKind>(&self, viewer: &Viewer, ids: &[K::Id]) -> Result<Vec<Record<K::Id, K>>> {
        store::get_many::<K, _>(self.store.connection(), &viewer.visibility(), ids).await
    }

    /// Returns the id of the visible record with this slug.
    pub async fn id_by_slug<K: StoredKind>(&self, viewer: &Viewer, slug: &str) -> Result<Option<K::Id>> {
        store::id_by_slug::<K, _>(self.store.connection(), &viewer.visibility(), slug).await
    }

    /// Returns one page of a list.
    pub async fn list<K: StoredKind>(
        &self,
        viewer: &Viewer,
        statuses: &[PublicationStatus],
        filter: &K::Filter,
        sort: Sort,
        page: &PageRequest,
    ) -> Result<Page<Record<K::Id, K>>> {
        store::list::<K, _>(self.store.connection(), &viewer.visibility(), statuses, filter, sort, page).await
    }

    /// Counts the records of a list.
    pub async fn count<K: StoredKind>(
        &self,
        viewer: &Viewer,
        statuses: &[PublicationStatus],
        filter: &K::Filter,
    ) -> Result<u64> {
        store::count::<K, _>(self.store.connection(), &viewer.visibility(), statuses, filter).await
    }

    /// Returns the ids related to each of these ids through `relation`, visible to the viewer.
    pub async fn related(&self, viewer: &Viewer, relation: Reverse, ids: &[i64]) -> Result<HashMap<i64, Vec<i64>>> {
        store::reverse(self.store.connection(), relation, ids, &viewer.visibility()).await
    }

    /// Returns whether the database holds no record at all (to load the demo only once).
    pub async fn is_empty(&self) -> Result<bool> {
        let everything = Viewer::System { name: String::new() };
        let all = [
            PublicationStatus::Draft,
            PublicationStatus::Submitted,
            PublicationStatus::Published,
            PublicationStatus::Archived,
        ];
        Ok(self.count::<OrganisationFields>(&everything, &all, &OrganisationFilter::default()).await? == 0
            && self.count::<ProgrammeFields>(&everything, &all, &ProgrammeFilter::default()).await? == 0
            && self.count::<SheetFields>(&everything, &all, &SheetFilter::default()).await? == 0
            && self.count::<LessonFields>(&everything, &all, &LessonFilter::default()).await? == 0)
    }
}

async fn open_current(root: &Path) -> Result<Option<SearchIndex>> {
    let root = root.to_owned();
    tokio::task::spawn_blocking(move || SearchIndex::open_current(&root)).await.map_err(Error::internal)?
}
