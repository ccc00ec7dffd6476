//! Full-text search: the only module that will import tantivy. Its place is kept in the layout; the
//! index (a projection of the database that follows the change log) arrives with the search issue.
//! `--index-dir` / `RETEX_INDEX_DIR` already name its folder.
