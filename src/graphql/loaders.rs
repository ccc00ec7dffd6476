//! Batch loading for nested fields. One `DataLoader<Batch>` lives in each request, bound to the
//! request's viewer; every nested relation (a sheet's programmes, a programme's sheets, a lesson's
//! evidence…) asks it, so a request costs a number of SQL statements that grows with the depth of the
//! query, not with the number of rows. A batch closes at the end of the request's turn, not after a
//! timer, and loads within the request's own future (see [`Turns`]).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Wake, Waker};

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, Loader};
use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::FuturesUnordered;

use super::error::GqlResult;
use crate::app::App;
use crate::app::{Reverse, Revision};
use crate::domain::*;
use crate::error::Error;

/// The batch loader of one request.
pub struct Batch {
    app: App,
    viewer: Viewer,
}

impl Batch {
    /// Returns the batch loader of one request, and the future that runs the request so that the
    /// loader's batches close when they should (see [`Turns`]).
    pub fn new(app: App, viewer: Viewer) -> (DataLoader<Batch>, Turns) {
        let queued: Queue = Arc::new(Mutex::new(Vec::new()));
        let queue = Arc::clone(&queued);
        // No timer, and no task of its own: a batch opens when a resolver asks for a key, and is
        // loaded by the request's own future once the request has polled every resolver that can run
        // (the end of its turn), so every sibling's key is in it.
        let spawner = move |load: BoxFuture<'static, ()>| {
            if let Ok(mut queue) = queue.lock() {
                queue.push(load);
            }
        };
        let loader = DataLoader::new(Batch { app, viewer }, spawner).delay(std::time::Duration::ZERO);
        (loader, Turns(queued))
    }
}

impl Batch {
    /// Returns a batch loader for a long-lived connection (a subscription), whose events are not
    /// requests with turns: its batches close after a short window.
    pub fn for_connection(app: App, viewer: Viewer) -> DataLoader<Batch> {
        DataLoader::new(Batch { app, viewer }, tokio::spawn).delay(std::time::Duration::from_millis(1))
    }
}

/// The batches a request asked for during its current turn, not loading yet.
type Queue = Arc<Mutex<Vec<BoxFuture<'static, ()>>>>;

/// Runs a request and its loads in one future, so that a batch holds the keys of every resolver
/// of a level.
///
/// A turn of the request ends each time its future, polled, returns without having woken itself:
/// then every resolver that could run has asked its loader for what it needs (a list of more than
/// a few dozen rows yields half-way through, waking itself: that is not the end of its turn). Only
/// then do the batches queued during the turn start loading, and they are polled by this same
/// future, never while the request is being polled: a batch hands its rows to all of its resolvers
/// before the request runs again, so the next level's keys all land in the same turn. (Loaded on
/// tasks of their own, a batch could hand out half of its rows while another thread polled the
/// request, which then ended its turn with half of the next level's keys: a level split in two,
/// seen under load.) A timer window instead would cost its length on every level of a query, and
/// still split batches on a slow machine.
pub struct Turns(Queue);

/// After this many polls in a row that woke themselves, a turn ends anyway: a batch never waits
/// for a request that keeps itself busy. A request that wakes itself is making progress: the
/// `FuturesUnordered` under async-graphql's lists and objects yield (and wake themselves) after
/// polling two children that woke themselves, so a page of 100 sheets with their nested fields
/// takes some hundred polls to reach the end of a turn. The bound is far above what a query within
/// the complexity limit needs ([`super::limits::MAX_COMPLEXITY`] fields), and only stops a
/// resolver that would spin.
const MAX_BUSY_POLLS: u32 = 4 * super::limits::MAX_COMPLEXITY as u32;

impl Turns {
    /// Runs `request` with the loads it asks for, marking the end of each of its turns.
    pub fn run<F: Future>(self, request: F) -> impl Future<Output = F::Output> {
        let noting = Arc::new(Noting { waker: Mutex::new(Waker::noop().clone()), woken: AtomicBool::new(false) });
        TurnMarked {
            request: Box::pin(request),
            queued: self.0,
            loading: FuturesUnordered::new(),
            waker: Waker::from(Arc::clone(&noting)),
            noting,
            busy: 0,
        }
    }
}

struct TurnMarked<F> {
    request: Pin<Box<F>>,
    queued: Queue,
    /// The batches of the turns that ended, loading.
    loading: FuturesUnordered<BoxFuture<'static, ()>>,
    /// The one waker the request is polled with, whoever keeps it: any wake while it is polled,
    /// from itself or from another thread, means another turn is coming.
    noting: Arc<Noting>,
    waker: Waker,
    busy: u32,
}

/// A waker that notes that it was used, and passes the wake on to the task's waker.
struct Noting {
    waker: Mutex<Waker>,
    woken: AtomicBool,
}

impl Wake for Noting {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        if let Ok(waker) = self.waker.lock() {
            waker.wake_by_ref();
        }
    }
}

impl<F: Future> Future for TurnMarked<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<F::Output> {
        if let Ok(mut waker) = self.noting.waker.lock()
            && !waker.will_wake(cx.waker())
        {
            *waker = cx.waker().clone();
        }
        self.noting.woken.store(false, Ordering::Release);
        let waker = self.waker.clone();
        let polled = self.request.as_mut().poll(&mut std::task::Context::from_waker(&waker));
        if polled.is_ready() {
            // Whatever is still loading has nobody left to wait for it.
            return polled;
        }
        if self.noting.woken.load(Ordering::Acquire) && self.busy < MAX_BUSY_POLLS {
            self.busy += 1;
        } else {
            self.busy = 0;
            let queued = self.queued.lock().map(|mut queue| std::mem::take(&mut *queue)).unwrap_or_default();
            self.loading.extend(queued);
        }
        // A batch that completes here hands out all of its rows (waking the request) before the
        // request is polled again.
        while let Poll::Ready(Some(())) = self.loading.poll_next_unpin(cx) {}
        polled
    }
}

macro_rules! record_loader {
    ($($id:ty => $fields:ty,)+) => {$(
        impl Loader<$id> for Batch {
            type Value = Record<$id, $fields>;
            type Error = Arc<Error>;

            async fn load(&self, keys: &[$id]) -> Result<HashMap<$id, Self::Value>, Self::Error> {
                let records = self.app.get_many::<$fields>(&self.viewer, keys).await.map_err(Arc::new)?;
                Ok(records.into_iter().map(|record| (record.id, record)).collect())
            }
        }
    )+};
}

record_loader! {
    OrganisationId => OrganisationFields,
    TerritoryId => TerritoryFields,
    ProgrammeId => ProgrammeFields,
    SheetId => SheetFields,
    LessonId => LessonFields,
}

impl Loader<(Reverse, i64)> for Batch {
    type Value = Vec<i64>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[(Reverse, i64)]) -> Result<HashMap<(Reverse, i64), Vec<i64>>, Self::Error> {
        let mut by_relation: HashMap<Reverse, Vec<i64>> = HashMap::new();
        for (relation, id) in keys {
            by_relation.entry(*relation).or_default().push(*id);
        }
        let mut result = HashMap::new();
        for (relation, ids) in by_relation {
            let related = self.app.related(&self.viewer, relation, &ids).await.map_err(Arc::new)?;
            for id in ids {
                result.insert((relation, id), related.get(&id).cloned().unwrap_or_default());
            }
        }
        Ok(result)
    }
}

/// The key of a record's revision history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct History(pub Kind, pub i64);

impl Loader<History> for Batch {
    type Value = Arc<Vec<Revision>>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[History]) -> Result<HashMap<History, Self::Value>, Self::Error> {
        let mut by_kind: HashMap<Kind, Vec<i64>> = HashMap::new();
        for History(kind, id) in keys {
            by_kind.entry(*kind).or_default().push(*id);
        }
        let mut result: HashMap<History, Vec<Revision>> = keys.iter().map(|key| (*key, Vec::new())).collect();
        for (kind, ids) in by_kind {
            for revision in self.app.revisions(&self.viewer, kind, &ids).await.map_err(Arc::new)? {
                result.entry(History(kind, revision.record_id)).or_default().push(revision);
            }
        }
        Ok(result.into_iter().map(|(key, revisions)| (key, Arc::new(revisions))).collect())
    }
}

fn loader<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a DataLoader<Batch>> {
    ctx.data::<DataLoader<Batch>>()
}

/// Loads one record by id; `None` when it does not exist or is not visible.
pub async fn one<I>(ctx: &Context<'_>, id: I) -> async_graphql::Result<Option<<Batch as Loader<I>>::Value>>
where
    I: RecordId,
    Batch: Loader<I, Error = Arc<Error>>,
{
    loader(ctx)?.load_one(id).await.gql()
}

/// Loads records by id, keeping the order of `ids` and leaving out those not visible.
pub async fn many<I>(ctx: &Context<'_>, ids: &[I]) -> async_graphql::Result<Vec<<Batch as Loader<I>>::Value>>
where
    I: RecordId,
    Batch: Loader<I, Error = Arc<Error>>,
{
    let mut found = loader(ctx)?.load_many(ids.iter().copied()).await.gql()?;
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// Loads the records related to `id` through `relation`.
pub async fn related<I>(
    ctx: &Context<'_>,
    relation: Reverse,
    id: i64,
    limit: usize,
) -> async_graphql::Result<Vec<<Batch as Loader<I>>::Value>>
where
    I: RecordId,
    Batch: Loader<I, Error = Arc<Error>>,
{
    let ids = related_ids(ctx, relation, id).await?;
    let ids: Vec<I> = ids.into_iter().take(limit).map(I::new).collect();
    many(ctx, &ids).await
}

/// Loads the ids related to one id (outside the generic functions, whose `Batch: Loader<I>` bound
/// would otherwise steer type inference to the wrong loader).
async fn related_ids(ctx: &Context<'_>, relation: Reverse, id: i64) -> async_graphql::Result<Vec<i64>> {
    Ok(loader(ctx)?.load_one((relation, id)).await.gql()?.unwrap_or_default())
}

/// Loads a record's revision history.
pub async fn history(ctx: &Context<'_>, kind: Kind, id: i64) -> async_graphql::Result<Arc<Vec<Revision>>> {
    Ok(loader(ctx)?.load_one(History(kind, id)).await.gql()?.unwrap_or_default())
}
