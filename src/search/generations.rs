//! Index generations: each full build of the index goes into a fresh folder `gen-<time>` under the
//! index root, and the file `CURRENT` names the one in use. Publishing a new generation is an atomic
//! rename of `CURRENT`, so a rebuild never disturbs the index being served, and a crash during a
//! rebuild leaves the previous generation current.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

const CURRENT: &str = "CURRENT";

fn internal(err: impl std::fmt::Display) -> Error {
    Error::internal(format!("search index folder: {err}"))
}

/// Returns the folder of the current generation, if there is one.
pub fn current(root: &Path) -> Result<Option<PathBuf>> {
    match std::fs::read_to_string(root.join(CURRENT)) {
        Ok(name) => {
            let name = name.trim();
            let valid = name.starts_with("gen-") && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
            Ok(valid.then(|| root.join(name)).filter(|dir| dir.is_dir()))
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(internal(err)),
    }
}

/// Returns a new, empty generation folder (not yet current).
pub fn create(root: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(root).map_err(internal)?;
    let mut stamp = chrono::Utc::now().timestamp_micros();
    loop {
        let dir = root.join(format!("gen-{stamp}"));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => stamp += 1,
            Err(err) => return Err(internal(err)),
        }
    }
}

/// Makes `dir` the current generation, atomically, and removes the generations older than the one
/// it replaces (the replaced one stays until the next publish: a server may still be reading it).
pub fn publish(root: &Path, dir: &Path) -> Result<()> {
    let name =
        dir.file_name().and_then(|name| name.to_str()).ok_or_else(|| internal("a generation folder has no name"))?;
    let previous = current(root)?;
    let temporary = root.join(format!("{CURRENT}.tmp"));
    std::fs::write(&temporary, name).map_err(internal)?;
    std::fs::File::open(&temporary).and_then(|file| file.sync_all()).map_err(internal)?;
    std::fs::rename(&temporary, root.join(CURRENT)).map_err(internal)?;
    for entry in std::fs::read_dir(root).map_err(internal)?.flatten() {
        let path = entry.path();
        let is_generation =
            path.file_name().and_then(|name| name.to_str()).is_some_and(|name| name.starts_with("gen-"));
        if is_generation
            && path != dir
            && Some(&path) != previous.as_ref()
            && let Err(error) = std::fs::remove_dir_all(&path)
        {
            tracing::warn!(dir = %path.display(), %error, "cannot remove an old index generation");
        }
    }
    Ok(())
}
