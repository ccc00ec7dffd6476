//! The full rebuild: `rebuild` reads every record from the database into a new index generation and
//! publishes it; `index_exists` says whether a published index is there.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use super::documents::{documents, everything};
use crate::domain::*;
use crate::error::Result;
use crate::search::SearchIndex;
use crate::store::{self, Store};

/// What a rebuild did.
#[derive(Debug, Clone, Copy)]
pub struct RebuildStats {
    pub documents: u64,
    pub bytes: u64,
    pub database_seconds: f64,
    pub index_seconds: f64,
}

/// Returns whether `root` holds a published index.
pub fn index_exists(root: &Path) -> Result<bool> {
    Ok(crate::search::generations::current(root)?.is_some())
}

/// How many records a rebuild reads per round trip.
const REBUILD_CHUNK: usize = 1_000;

/// Rebuilds the whole index from the database into a new generation under `root`, then makes it
/// current. A server running on `root` keeps answering from the old generation meanwhile and
/// switches when it sees the new one; changes committed during the rebuild are applied after it,
/// since the new generation resumes from the last change that existed when the rebuild started.
pub async fn rebuild(store: &Store, root: &Path, progress: &Progress) -> Result<RebuildStats> {
    let dir = crate::search::generations::create(root)?;
    let build_dir = dir.clone();
    let index = Arc::new(
        tokio::task::spawn_blocking(move || SearchIndex::create(&build_dir))
            .await
            .map_err(crate::error::Error::internal)??,
    );
    let conn = store.connection();
    let high = store::latest_change(conn).await?.map_or(0, |change| change.sequence);
    let (mut database_seconds, mut index_seconds) = (0.0, 0.0);
    let (all, every_status) = (everything(), PublicationStatus::ALL);
    progress.start(
        store::count::<OrganisationFields, _>(conn, &all, every_status, &Default::default()).await?
            + store::count::<ProgrammeFields, _>(conn, &all, every_status, &Default::default()).await?
            + store::count::<SheetFields, _>(conn, &all, every_status, &Default::default()).await?
            + store::count::<LessonFields, _>(conn, &all, every_status, &Default::default()).await?,
    );
    // Each record is read once (ids first, then `documents`), staged in the writer while the next
    // chunk is read, and the whole generation is committed once: it is not published before.
    macro_rules! every {
        ($fields:ty, $kind:expr) => {{
            let mut after = 0;
            loop {
                let started = Instant::now();
                let ids = store::ids_after::<$fields, _>(conn, after, REBUILD_CHUNK as u64).await?;
                let Some(last) = ids.last().copied() else { break };
                let targets: BTreeSet<(Kind, i64)> = ids.iter().map(|id| ($kind, *id)).collect();
                let ops = documents(store, &targets).await?;
                database_seconds += started.elapsed().as_secs_f64();
                let started = Instant::now();
                let writer = Arc::clone(&index);
                tokio::task::spawn_blocking(move || writer.stage(&ops))
                    .await
                    .map_err(crate::error::Error::internal)??;
                index_seconds += started.elapsed().as_secs_f64();
                progress.advance(ids.len() as u64);
                after = last;
                tracing::debug!(kind = $kind.as_str(), after, "rebuilding the index: {} more records", ids.len());
            }
        }};
    }
    every!(OrganisationFields, Kind::Organisation);
    every!(ProgrammeFields, Kind::Programme);
    every!(SheetFields, Kind::Sheet);
    every!(LessonFields, Kind::Lesson);
    let started = Instant::now();
    let writer = Arc::clone(&index);
    tokio::task::spawn_blocking(move || writer.commit(high)).await.map_err(crate::error::Error::internal)??;
    index_seconds += started.elapsed().as_secs_f64();
    let (documents, bytes) = index.size();
    // The writer's lock must be released before a server opens the generation.
    drop(index);
    crate::search::generations::publish(root, &dir)?;
    tracing::info!(documents, bytes, dir = %dir.display(), "index rebuilt and published");
    Ok(RebuildStats { documents, bytes, database_seconds, index_seconds })
}
