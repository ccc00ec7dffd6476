//! The indexer: keeps the search index equal to the database by following the change log.
//!
//! One dedicated thread (never the async executor) reads changes in order after the last one the
//! index holds (the payload of its last commit), re-reads the current state of each changed record and
//! of the records whose search document depends on it (a sheet's lessons, a territory's sheets),
//! applies them idempotently (delete by key, then add) and commits the batch with its last sequence
//! number. Killed at any moment, it resumes after restart from the last commit: uncommitted work is
//! redone, nothing is skipped. Writers wake it; it also polls, so changes written by another server
//! process are picked up within `POLL`.

mod documents;
mod rebuild;

pub use documents::documents;
pub use rebuild::{RebuildStats, index_exists, rebuild};

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use tokio::runtime::Handle;
use tokio::sync::watch;

use crate::domain::*;
use crate::error::Result;
use crate::search::{SearchIndex, Synonyms};
use crate::store::{self, Store};
use documents::dependents;

/// The most changes one commit covers. After a big import the index catches up in one commit, so
/// each record is read and indexed once however many of its changes (and its dependents') it covers;
/// the records themselves are read and handed to the writer `CHUNK` at a time.
const BATCH: u64 = 500_000;
/// How many records one round trip to the database reads.
const CHUNK: usize = 1_000;
/// How often the indexer looks for changes nobody woke it for.
const POLL: Duration = Duration::from_millis(500);

/// A running indexer and what the rest of the application reads from it.
pub struct Indexer {
    index: Arc<RwLock<Arc<SearchIndex>>>,
    synonyms: Arc<RwLock<Arc<Synonyms>>>,
    applied: watch::Receiver<i64>,
    wake: Sender<()>,
    stop: Arc<AtomicBool>,
    reconcile: Arc<AtomicBool>,
    health: Arc<std::sync::Mutex<Reconciliation>>,
    thread: std::sync::Mutex<Option<std::thread::JoinHandle<()>>>,
}

/// For tests: make the indexer stop dead after indexing this many documents of a batch, without
/// committing, as a crash would.
#[derive(Debug, Clone, Copy, Default)]
pub struct FailureInjection {
    pub crash_after_documents: Option<usize>,
}

/// How the indexer runs.
#[derive(Debug, Clone, Copy)]
pub struct IndexerOptions {
    /// How often the index is compared with the database (and repaired where they differ).
    pub reconcile_every: Duration,
    pub failure: FailureInjection,
}

impl Default for IndexerOptions {
    fn default() -> Self {
        Self { reconcile_every: Duration::from_secs(300), failure: FailureInjection::default() }
    }
}

/// What the reconciliations of the index with the database found.
#[derive(Debug, Clone, Default)]
pub struct Reconciliation {
    /// How many ran, since the server started.
    pub runs: u64,
    /// When the last one finished.
    pub last_at: Option<chrono::DateTime<chrono::Utc>>,
    /// How many records the last one compared, and how many of them it found different and repaired.
    pub checked: u64,
    pub repaired: u64,
    /// How many records every run together repaired.
    pub total_repaired: u64,
    /// Since when the index has been found different from the database (or could not be compared):
    /// cleared by the first run that finds them equal.
    pub divergent_since: Option<Instant>,
    /// Why the last run failed, if it did.
    pub error: Option<String>,
}

/// After a repair, how soon the next reconciliation checks that it held.
const RECHECK: Duration = Duration::from_secs(2);

impl Indexer {
    /// Starts the indexer thread over `index`. Must be called from within a tokio runtime.
    pub fn start(store: Store, root: PathBuf, index: SearchIndex, options: IndexerOptions) -> Result<Self> {
        let applied_now = index.applied()?;
        let index = Arc::new(RwLock::new(Arc::new(index)));
        let (applied_tx, applied) = watch::channel(applied_now);
        let (wake, wake_rx) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let synonyms = Arc::new(RwLock::new(Arc::new(Synonyms::default())));
        let reconcile = Arc::new(AtomicBool::new(false));
        let health = Arc::new(std::sync::Mutex::new(Reconciliation::default()));
        // Commits of other processes wake the indexer at once on PostgreSQL; polling stays the fallback.
        let notified = wake.clone();
        store.follow_commits(
            move || {
                let _ = notified.send(());
            },
            Arc::clone(&stop),
        );
        let handle = Handle::current();
        let worker = Worker {
            handle,
            store,
            index: Arc::clone(&index),
            root,
            synonyms: Arc::clone(&synonyms),
            applied: applied_tx,
            wake: wake_rx,
            stop: Arc::clone(&stop),
            failure: options.failure,
            reconcile_every: options.reconcile_every,
            reconcile: Arc::clone(&reconcile),
            health: Arc::clone(&health),
            committed: std::cell::Cell::new(applied_now),
        };
        let thread = std::thread::Builder::new()
            .name("retex-indexer".into())
            .spawn(move || worker.run())
            .map_err(crate::error::Error::internal)?;
        Ok(Self {
            index,
            synonyms,
            applied,
            wake,
            stop,
            reconcile,
            health,
            thread: std::sync::Mutex::new(Some(thread)),
        })
    }

    /// Returns the index being served.
    pub fn index(&self) -> Arc<SearchIndex> {
        current(&self.index)
    }

    /// Returns the last change the index holds.
    pub fn applied(&self) -> i64 {
        *self.applied.borrow()
    }

    /// Returns a receiver that sees the last applied change move: what live subscriptions follow,
    /// so that a notification comes when the change is already searchable (and counted by stats).
    pub fn watch_applied(&self) -> watch::Receiver<i64> {
        self.applied.clone()
    }

    /// Wakes the indexer (a change was just committed).
    pub fn wake(&self) {
        let _ = self.wake.send(());
    }

    /// Waits until the index holds change `sequence`, at most `timeout`. Returns whether it does.
    pub async fn wait_for(&self, sequence: i64, timeout: Duration) -> bool {
        self.wake();
        let mut applied = self.applied.clone();
        tokio::time::timeout(timeout, applied.wait_for(|done| *done >= sequence))
            .await
            .is_ok_and(|result| result.is_ok())
    }

    /// Asks for a reconciliation of the index with the database now (it runs on the indexer thread,
    /// after the pending changes).
    pub fn reconcile_now(&self) {
        self.reconcile.store(true, Ordering::SeqCst);
        self.wake();
    }

    /// Returns what the reconciliations found so far.
    pub fn reconciliation(&self) -> Reconciliation {
        self.health.lock().map(|health| health.clone()).unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// Returns the current synonyms.
    pub fn synonyms(&self) -> Arc<Synonyms> {
        self.synonyms.read().map(|guard| Arc::clone(&guard)).unwrap_or_default()
    }
}

impl Indexer {
    /// Stops the indexer and waits for its thread to finish its current batch. Call it while the
    /// runtime still runs (the thread may be waiting on the database through it).
    pub fn shutdown(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.wake();
        let thread = self.thread.lock().ok().and_then(|mut thread| thread.take());
        if let Some(thread) = thread
            && thread.join().is_err()
        {
            tracing::error!("the indexer thread panicked");
        }
    }
}

impl Drop for Indexer {
    /// Asks the thread to stop without waiting: a drop may happen while the runtime the thread
    /// depends on is itself shutting down, and joining then would never return.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.wake();
    }
}

fn current(index: &RwLock<Arc<SearchIndex>>) -> Arc<SearchIndex> {
    match index.read() {
        Ok(guard) => Arc::clone(&guard),
        Err(poisoned) => Arc::clone(&poisoned.into_inner()),
    }
}

struct Worker {
    handle: Handle,
    store: Store,
    index: Arc<RwLock<Arc<SearchIndex>>>,
    root: PathBuf,
    synonyms: Arc<RwLock<Arc<Synonyms>>>,
    applied: watch::Sender<i64>,
    wake: Receiver<()>,
    stop: Arc<AtomicBool>,
    failure: FailureInjection,
    reconcile_every: Duration,
    reconcile: Arc<AtomicBool>,
    health: Arc<std::sync::Mutex<Reconciliation>>,
    /// The last change the index's files hold (its last commit's payload): changes that wrote
    /// nothing are applied without a commit, up to `UNCOMMITTED_CHANGES` of them.
    committed: std::cell::Cell<i64>,
}

/// How many changes that wrote nothing to the index may go without a commit: bounds what a restart
/// reads again.
const UNCOMMITTED_CHANGES: i64 = 10_000;

impl Worker {
    fn run(self) {
        if let Err(error) = self.reload_synonyms() {
            tracing::error!(%error, "cannot load the glossary");
        }
        let mut applied = *self.applied.borrow();
        let mut next_reconciliation = Instant::now() + self.reconcile_every;
        while !self.stop.load(Ordering::SeqCst) {
            if self.reconcile.swap(false, Ordering::SeqCst) || Instant::now() >= next_reconciliation {
                let repaired = self.reconcile(applied);
                next_reconciliation = Instant::now() + if repaired { RECHECK } else { self.reconcile_every };
            }
            match self.follow_generation() {
                Ok(Some(resumed)) => {
                    applied = resumed;
                    self.applied.send_replace(resumed);
                }
                Ok(None) => {}
                Err(error) => tracing::error!(%error, "cannot open the new index generation"),
            }
            match self.step(applied) {
                Ok(Some(done)) => {
                    applied = done;
                    self.applied.send_replace(done);
                }
                Ok(None) => match self.wake.recv_timeout(POLL) {
                    Ok(()) | Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => return,
                },
                Err(Crash) => {
                    tracing::warn!("indexer stopped by failure injection");
                    return;
                }
            }
        }
    }

    /// Switches to the current generation when a rebuild (`retex reindex`) published a new one;
    /// returns where the new generation resumes.
    fn follow_generation(&self) -> Result<Option<i64>> {
        let serving = current(&self.index);
        let Some(dir) = crate::search::generations::current(&self.root)? else { return Ok(None) };
        if dir == serving.dir() {
            return Ok(None);
        }
        let Some(next) = SearchIndex::open_current(&self.root)? else { return Ok(None) };
        let resumed = next.applied()?;
        if let Ok(mut guard) = self.index.write() {
            *guard = Arc::new(next);
        }
        self.committed.set(resumed);
        tracing::info!(dir = %dir.display(), resumed, "switched to the rebuilt index generation");
        Ok(Some(resumed))
    }

    fn reload_synonyms(&self) -> Result<()> {
        let entries = self.handle.block_on(store::glossary(self.store.connection()))?;
        let groups: Vec<(Vec<String>, Vec<String>)> =
            entries.into_iter().map(|entry| (entry.terms, entry.narrower)).collect();
        if let Ok(mut guard) = self.synonyms.write() {
            *guard = Arc::new(Synonyms::new(&groups));
        }
        Ok(())
    }

    /// Applies the next batch of changes; returns the new last applied change, `None` when there was
    /// nothing to do.
    fn step(&self, applied: i64) -> std::result::Result<Option<i64>, Crash> {
        match self.try_step(applied) {
            Ok(done) => Ok(done),
            Err(StepError::Crash) => Err(Crash),
            Err(StepError::Failed(error)) => {
                tracing::error!(%error, cause = ?std::error::Error::source(&error), "indexing failed; retrying");
                std::thread::sleep(Duration::from_secs(1));
                Ok(None)
            }
        }
    }

    fn try_step(&self, applied: i64) -> std::result::Result<Option<i64>, StepError> {
        let conn = self.store.connection();
        let changes = self.handle.block_on(store::changes_after(conn, applied, BATCH))?;
        let Some(last) = changes.last().map(|change| change.sequence) else { return Ok(None) };
        let mut targets: BTreeSet<(Kind, i64)> = BTreeSet::new();
        let mut glossary_changed = false;
        for change in &changes {
            match change.kind {
                Some(kind) => {
                    targets.insert((kind, change.record_id));
                }
                None => glossary_changed = true,
            }
        }
        if glossary_changed {
            self.reload_synonyms()?;
        }
        let targets: Vec<(Kind, i64)> = targets.into_iter().collect();
        let mut expanded: BTreeSet<(Kind, i64)> = BTreeSet::new();
        for chunk in targets.chunks(CHUNK) {
            expanded.extend(self.handle.block_on(dependents(&self.store, chunk.iter().copied().collect()))?);
        }
        let index = current(&self.index);
        let staged = self.stage(&index, &expanded.into_iter().collect::<Vec<_>>());
        let documents = match staged {
            Ok(documents) => documents,
            Err(error) => {
                // Nothing of this batch reaches a commit: it is redone from the last one.
                if let Err(rollback) = index.rollback() {
                    tracing::error!(error = %rollback, "cannot roll the index writer back");
                }
                return Err(error);
            }
        };
        if documents == 0 && last - self.committed.get() < UNCOMMITTED_CHANGES {
            // Nothing the index holds changed (drafts, records the public cannot see): no commit, so
            // that not even the index's files move. The change counts as applied; a restart before
            // the next commit reads these few changes again, and again writes nothing.
            return Ok(Some(last));
        }
        index.commit(last)?;
        self.committed.set(last);
        tracing::debug!(changes = changes.len(), documents, last, "index committed");
        Ok(Some(last))
    }

    /// Reads the current state of these records `CHUNK` at a time and stages it in the writer;
    /// returns how many documents were staged.
    fn stage(&self, index: &SearchIndex, targets: &[(Kind, i64)]) -> std::result::Result<usize, StepError> {
        let (mut read, mut written) = (0, 0);
        for chunk in targets.chunks(CHUNK) {
            let ops = self.handle.block_on(documents(&self.store, &chunk.iter().copied().collect()))?;
            read += ops.len();
            if let Some(limit) = self.failure.crash_after_documents
                && read > limit
            {
                // Simulates a crash mid-batch.
                return Err(StepError::Crash);
            }
            written += index.stage(&ops)?;
        }
        Ok(written)
    }
}

impl Worker {
    /// Compares the index with the database and repairs what differs; returns whether anything was
    /// repaired (or could not be compared). Pending changes are applied first, so that what differs
    /// is what the change log did not carry (a lost or skipped change, an index restored from an old
    /// copy, a write made behind retex's back): each record whose id or version differs is read again
    /// and indexed as it is now, as a change of it would be. A record that changed while this ran is
    /// only indexed once more, which is harmless.
    fn reconcile(&self, applied: i64) -> bool {
        let outcome = self.try_reconcile(applied);
        let mut health = self.health.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        health.runs += 1;
        health.last_at = Some(chrono::Utc::now());
        match outcome {
            Ok((checked, repaired)) => {
                health.checked = checked;
                health.repaired = repaired;
                health.total_repaired += repaired;
                health.error = None;
                if repaired == 0 {
                    health.divergent_since = None;
                } else {
                    tracing::warn!(repaired, checked, "the index differed from the database; repaired");
                    health.divergent_since.get_or_insert_with(Instant::now);
                }
                repaired > 0
            }
            Err(error) => {
                tracing::error!(%error, "cannot compare the index with the database");
                health.error = Some(error.to_string());
                health.divergent_since.get_or_insert_with(Instant::now);
                true
            }
        }
    }

    fn try_reconcile(&self, applied: i64) -> Result<(u64, u64)> {
        // Catch up first: what the log holds is not a divergence.
        let mut at = applied;
        while let Ok(Some(done)) = self.try_step(at) {
            at = done;
            self.applied.send_replace(done);
        }
        let conn = self.store.connection();
        let mut expected: Vec<(Kind, i64, i32)> = Vec::new();
        macro_rules! versions {
            ($fields:ty, $kind:expr) => {
                let versions = self.handle.block_on(store::versions::<$fields, _>(conn, &Visibility::public()))?;
                expected.extend(versions.into_iter().map(|(id, version)| ($kind, id, version)));
            };
        }
        versions!(OrganisationFields, Kind::Organisation);
        versions!(ProgrammeFields, Kind::Programme);
        versions!(SheetFields, Kind::Sheet);
        versions!(LessonFields, Kind::Lesson);
        expected.sort();
        let index = current(&self.index);
        let held = index.contents()?;
        let checked = expected.len().max(held.len()) as u64;
        let expected: BTreeSet<(Kind, i64, i32)> = expected.into_iter().collect();
        let held: BTreeSet<(Kind, i64, i32)> = held.into_iter().collect();
        let differing: BTreeSet<(Kind, i64)> =
            expected.symmetric_difference(&held).map(|(kind, id, _)| (*kind, *id)).collect();
        if differing.is_empty() {
            return Ok((checked, 0));
        }
        let targets: Vec<(Kind, i64)> = differing.into_iter().collect();
        match self.stage(&index, &targets) {
            Ok(_) => {
                let applied = *self.applied.borrow();
                index.commit(applied)?;
                self.committed.set(applied);
            }
            Err(error) => {
                let _ = index.rollback();
                return Err(match error {
                    StepError::Failed(error) => error,
                    StepError::Crash => crate::error::Error::internal("stopped by failure injection"),
                });
            }
        }
        Ok((checked, targets.len() as u64))
    }
}

struct Crash;

enum StepError {
    Crash,
    Failed(crate::error::Error),
}

impl From<crate::error::Error> for StepError {
    fn from(error: crate::error::Error) -> Self {
        StepError::Failed(error)
    }
}
