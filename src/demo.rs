//! The demo dataset (`data/demo.json`), embedded in the binary so that `retex serve --demo` works from
//! any folder. It is loaded through the same use case as any dataset file.

use crate::app::{App, DatasetSummary};
use crate::dataset::Dataset;
use crate::domain::Viewer;
use crate::error::{Error, Result};

/// The demo dataset, as shipped.
pub const DEMO_JSON: &str = include_str!("../data/demo.json");

/// Parses the embedded demo dataset.
pub fn dataset() -> Result<Dataset> {
    serde_json::from_str(DEMO_JSON)
        .map_err(|err| Error::internal(format!("the embedded demo dataset is invalid: {err}")))
}

/// Loads the demo dataset if the database holds no record; returns what was loaded, if anything.
pub async fn load_if_empty(app: &App) -> Result<Option<DatasetSummary>> {
    // Servers started together take turns; the one that finds records there loads nothing.
    let lock = app.store().startup_lock().await?;
    let outcome = load_unless_loaded(app).await;
    lock.release().await?;
    outcome
}

async fn load_unless_loaded(app: &App) -> Result<Option<DatasetSummary>> {
    if !app.is_empty().await? {
        return Ok(None);
    }
    let viewer = Viewer::System { name: "démo".into() };
    match app.load_dataset(&viewer, &dataset()?).await {
        Ok(summary) if summary.created > 0 => Ok(Some(summary)),
        // Another server loaded it between our check and our load (SQLite): nothing was new.
        Ok(_) => Ok(None),
        // Where no lock serialises loads (SQLite), another server may have loaded it first (ours
        // then met its slugs, or its write lock): its records are there, ours were rolled back whole.
        Err(error) => match app.is_empty().await? {
            false => Ok(None),
            true => Err(error),
        },
    }
}
