//! MARKDOWN: to be written.

use std::path::PathBuf;

use super::*;

/// Reads one file.
pub fn read(name: &str, _text: &str) -> Result<(Dataset, Locations), Vec<FieldProblem>> {
    Err(vec![FieldProblem { field: name.to_owned(), problem: "this format is not supported yet".into() }])
}

/// Writes a dataset: the files, by relative path.
pub fn write(_dataset: &Dataset) -> Result<Vec<(PathBuf, String)>, String> {
    Err("this format is not supported yet".into())
}
