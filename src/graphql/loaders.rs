//! Batch loading for nested fields. One `DataLoader<Batch>` lives in each request, bound to the
//! request's viewer; every nested relation (a sheet's programmes, a programme's sheets, a lesson's
//! evidence…) asks it, so a request costs a number of SQL statements that grows with the depth of the
//! query, not with the number of rows.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, Loader};

use super::error::GqlResult;
use crate::app::App;
use crate::domain::*;
use crate::error::Error;
use crate::store::{Reverse, Revision};

/// The batch loader of one request.
pub struct Batch {
    app: App,
    viewer: Viewer,
}

impl Batch {
    pub fn new(app: App, viewer: Viewer) -> DataLoader<Batch> {
        // Loads asked for within a few milliseconds of each other share a batch: long enough for a
        // whole level of a 100-row page to enqueue its keys even on a busy machine (1 ms split
        // batches in debug builds), short against a request's time.
        DataLoader::new(Batch { app, viewer }, tokio::spawn).delay(std::time::Duration::from_millis(3))
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
) -> async_graphql::Result<Vec<<Batch as Loader<I>>::Value>>
where
    I: RecordId,
    Batch: Loader<I, Error = Arc<Error>>,
{
    let ids = related_ids(ctx, relation, id).await?;
    let ids: Vec<I> = ids.into_iter().map(I::new).collect();
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
