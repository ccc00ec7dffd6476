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
    if !app.is_empty().await? {
        return Ok(None);
    }
    let viewer = Viewer::System { name: "démo".into() };
    app.load_dataset(&viewer, &dataset()?).await.map(Some)
}
