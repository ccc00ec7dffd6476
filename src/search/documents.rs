//! The documents of the index and how they are written: `SearchDoc` (a searchable record as the
//! indexer builds it, with its digest), `IndexOp`, the tantivy document made of a `SearchDoc`, and
//! the writing side of `SearchIndex` (stage, commit, rollback, apply), which skips the operations
//! that would leave the index as it is.

use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{TantivyDocument, Term};

use super::{Dimension, SearchIndex, internal, key};
use crate::domain::{Kind, PublicationStatus, Vocabulary};
use crate::error::Result;

/// A searchable record, as the indexer builds it from the database.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    pub kind: Kind,
    pub id: i64,
    pub version: i32,
    pub publication_status: PublicationStatus,
    pub updated_at: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    /// What the record is described by (`domain::described_by`): its vocabulary labels and the
    /// names of what it is linked to, searched with a lower weight than what it says.
    pub labels: String,
    pub facets: Vec<(Dimension, String)>,
    pub years: Vec<i32>,
    /// For lessons: how often they recur (distinct published programmes and sheets observing them).
    pub recurrence: Option<(u64, u64)>,
    /// For lessons: the published sheets linked to them.
    pub evidence_sheets: Vec<i64>,
}

impl SearchDoc {
    /// A digest of everything the document says, stable across builds (SHA-256 of its fields, each
    /// length-prefixed), stored with it.
    pub fn digest(&self) -> u64 {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        let mut text = |value: &str| {
            hasher.update((value.len() as u64).to_le_bytes());
            hasher.update(value.as_bytes());
        };
        text(self.kind.as_str());
        text(&self.id.to_string());
        text(&self.version.to_string());
        text(self.publication_status.code());
        text(&self.updated_at.to_string());
        text(&self.slug);
        text(&self.title);
        text(&self.summary);
        text(&self.body);
        text(&self.labels);
        for (dimension, value) in &self.facets {
            text(dimension.field_name());
            text(value);
        }
        text(&format!("{:?}|{:?}|{:?}", self.years, self.recurrence, self.evidence_sheets));
        let bytes = hasher.finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&bytes[..8]);
        u64::from_le_bytes(first)
    }
}

/// A change to apply to the index.
#[derive(Debug, Clone)]
pub enum IndexOp {
    Upsert(Box<SearchDoc>),
    Delete(Kind, i64),
}

impl SearchIndex {
    fn document(&self, doc: &SearchDoc, digest: u64) -> TantivyDocument {
        let f = &self.fields;
        let mut document = TantivyDocument::default();
        document.add_text(f.key, key(doc.kind, doc.id));
        document.add_u64(f.id, doc.id as u64);
        document.add_i64(f.version, doc.version.into());
        document.add_text(f.publication_status, doc.publication_status.code());
        document.add_i64(f.updated_at, doc.updated_at);
        document.add_u64(f.digest, digest);
        document.add_text(f.slug, &doc.slug);
        for year in &doc.years {
            document.add_i64(f.year, (*year).into());
            document.add_text(f.dimension(Dimension::Year), year.to_string());
        }
        for (field, text) in [
            (f.title_stem, &doc.title),
            (f.title_exact, &doc.title),
            (f.summary_stem, &doc.summary),
            (f.summary_exact, &doc.summary),
            (f.body_stem, &doc.body),
            (f.body_exact, &doc.body),
            (f.labels_stem, &doc.labels),
            (f.labels_exact, &doc.labels),
        ] {
            document.add_text(field, text);
        }
        for (field, text) in [
            (f.title_pairs, &doc.title),
            (f.summary_pairs, &doc.summary),
            (f.body_pairs, &doc.body),
            (f.labels_pairs, &doc.labels),
        ] {
            // Paired by their analyzer (`analysis::paired`), on tantivy's indexing threads.
            document.add_text(field, text);
        }
        if let Some((programmes, sheets)) = doc.recurrence {
            document.add_u64(f.programme_count, programmes);
            document.add_u64(f.sheet_count, sheets);
            document
                .add_u64(f.recurrence, (programmes.min(u64::from(u32::MAX)) << 32) | sheets.min(u64::from(u32::MAX)));
        }
        for sheet in &doc.evidence_sheets {
            document.add_u64(f.evidence_sheet, *sheet as u64);
        }
        document.add_text(f.dimension(Dimension::Kind), doc.kind.as_str());
        for (dimension, value) in &doc.facets {
            document.add_text(f.dimension(*dimension), value);
        }
        document
    }

    /// Applies a batch of changes and commits them with `sequence`, the last change they cover, as
    /// payload; then reloads the reader so the changes are searchable. Blocking: call it off the
    /// async executor.
    pub fn apply(&self, ops: &[IndexOp], sequence: i64) -> Result<()> {
        self.stage(ops)?;
        self.commit(sequence)
    }

    /// Hands operations to the writer without committing them: nothing is searchable, nor durable,
    /// before `commit`; `rollback` drops them. Lets one commit cover more operations than fit in
    /// memory at once. Blocking: call it off the async executor.
    ///
    /// An operation that would leave the index as it is (the delete of a record it does not hold,
    /// the upsert of a document it holds as is) is not written: writing it would still move the
    /// index's statistics (a deleted document weighs on scores until its segment is merged), a side
    /// channel on changes the public cannot see. Returns how many operations were written.
    pub fn stage(&self, ops: &[IndexOp]) -> Result<usize> {
        let writer = self.writer.lock().map_err(|_| internal("the writer lock is poisoned"))?;
        let searcher = self.reader.searcher();
        let mut written = 0;
        for op in ops {
            let (kind, id) = match op {
                IndexOp::Upsert(doc) => (doc.kind, doc.id),
                IndexOp::Delete(kind, id) => (*kind, *id),
            };
            let term = Term::from_field_text(self.fields.key, &key(kind, id));
            let held = self.held_digest(&searcher, &term)?;
            match op {
                IndexOp::Delete(..) if held.is_none() => continue,
                IndexOp::Delete(..) => {
                    writer.delete_term(term);
                }
                IndexOp::Upsert(doc) => {
                    let digest = doc.digest();
                    if held == Some(digest) {
                        continue;
                    }
                    writer.delete_term(term);
                    writer.add_document(self.document(doc, digest)).map_err(internal)?;
                }
            };
            written += 1;
        }
        Ok(written)
    }

    /// The digest of the document the index holds under a key, if it holds one.
    fn held_digest(&self, searcher: &tantivy::Searcher, term: &Term) -> Result<Option<u64>> {
        let query = TermQuery::new(term.clone(), IndexRecordOption::Basic);
        let found = searcher.search(&query, &TopDocs::with_limit(1).order_by_score()).map_err(internal)?;
        let Some((_, address)) = found.first() else { return Ok(None) };
        let column = searcher.segment_reader(address.segment_ord).fast_fields().u64("digest").map_err(internal)?;
        Ok(column.first(address.doc_id))
    }

    /// Commits the staged operations with `sequence`, the last change they cover, as payload; then
    /// reloads the reader so they are searchable. Blocking: call it off the async executor.
    pub fn commit(&self, sequence: i64) -> Result<()> {
        let mut writer = self.writer.lock().map_err(|_| internal("the writer lock is poisoned"))?;
        let mut commit = writer.prepare_commit().map_err(internal)?;
        commit.set_payload(&sequence.to_string());
        commit.commit().map_err(internal)?;
        drop(writer);
        self.reader.reload().map_err(internal)
    }

    /// Drops the staged operations: the index stays at its last commit. Blocking.
    pub fn rollback(&self) -> Result<()> {
        let mut writer = self.writer.lock().map_err(|_| internal("the writer lock is poisoned"))?;
        writer.rollback().map_err(internal)?;
        Ok(())
    }
}
