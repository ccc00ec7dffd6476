//! Full-text search: the only module that imports tantivy. The index is a projection of the database:
//! the indexer (`crate::indexer`) feeds it from the change log and records, in each commit's payload,
//! the last change it applied, so that a restart resumes exactly there. This module knows documents,
//! queries, facets and snippets; it never reads the database.
//!
//! Rules it keeps: one writer (behind a mutex, used by the indexer thread only), one long-lived
//! reader reloaded after each commit, a searcher per query; an update is delete-by-key then add, and
//! only when the document differs from the one held (a change the public cannot see leaves the index
//! as it was, down to its statistics); no text is stored, hits are read back from the database; commits and searches run off the async
//! executor (callers use `spawn_blocking` or the indexer thread).

pub mod analysis;
pub mod generations;
pub mod query;
pub mod schema;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, Query, RangeQuery, TermQuery, TermSetQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    DocAddress, DocId, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Score, SegmentReader, TantivyDocument,
    Term,
};

pub use query::{Parsed, Synonyms, parse};
pub use schema::Dimension;
use schema::Fields;

use crate::domain::{Kind, PublicationStatus, Vocabulary};
use crate::error::{Error, Result};

/// The memory the writer may use before it flushes a segment.
const WRITER_HEAP: usize = 100 * 1024 * 1024;

/// A searchable record, as the indexer builds it from the database.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    pub kind: Kind,
    pub id: i64,
    pub version: i32,
    pub publication_status: PublicationStatus,
    pub updated_at: i64,
    pub title: String,
    pub summary: String,
    pub body: String,
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
        text(&self.title);
        text(&self.summary);
        text(&self.body);
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

/// What to search for.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub text: String,
    pub kinds: Vec<Kind>,
    /// Any of the values of each dimension; all dimensions.
    pub filters: Vec<(Dimension, Vec<String>)>,
    pub years: Option<(i32, i32)>,
    /// Lessons linked to one of these sheets.
    pub evidence_sheets: Vec<i64>,
    /// The publication statuses the caller may see: the one visibility filter.
    pub visible: Vec<PublicationStatus>,
    /// The dimensions to count values of, over the whole filtered result.
    pub facets: Vec<Dimension>,
    pub offset: usize,
    pub limit: usize,
}

/// One hit: which record, and how well it matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub kind: Kind,
    pub id: i64,
    pub score: f32,
}

/// What a search found.
pub struct SearchOutcome {
    pub total: usize,
    pub hits: Vec<Hit>,
    /// For each asked dimension, its values and how many hits have each, most frequent first.
    pub facets: Vec<(Dimension, Vec<(String, u64)>)>,
    /// The text query, kept to highlight the hits.
    query: Option<Box<dyn Query>>,
}

/// A grouped count: the matching documents, and each combination of values with its count,
/// largest first.
#[derive(Debug, Clone, Default)]
pub struct Grouped {
    pub total: usize,
    pub rows: Vec<(Vec<String>, u64)>,
}

/// A highlighted extract: HTML-escaped text with the matches in `<mark>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub field: &'static str,
    pub html: String,
}

/// The index of one folder.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    dir: PathBuf,
}

fn internal(err: impl std::fmt::Display) -> Error {
    Error::internal(format!("search index: {err}"))
}

fn key(kind: Kind, id: i64) -> String {
    format!("{}:{id}", kind.as_str())
}

impl SearchIndex {
    /// Opens the current generation of the index under `root` (the folder `CURRENT` names).
    /// Returns `None` when there is none yet, or when it was built with another schema: the caller
    /// then rebuilds a new generation from the database.
    pub fn open_current(root: &Path) -> Result<Option<Self>> {
        let Some(dir) = generations::current(root)? else { return Ok(None) };
        let (schema, fields) = schema::build();
        match Index::open_in_dir(&dir) {
            Ok(index) if index.schema() == schema => Self::with_index(index, fields, dir).map(Some),
            Ok(_) => {
                tracing::warn!(dir = %dir.display(), "the index schema changed: the index will be rebuilt from the database");
                Ok(None)
            }
            Err(error) => {
                tracing::warn!(dir = %dir.display(), %error, "the index cannot be opened: it will be rebuilt from the database");
                Ok(None)
            }
        }
    }

    /// Creates an empty index in `dir` (a new generation, not yet current).
    pub fn create(dir: &Path) -> Result<Self> {
        let (schema, fields) = schema::build();
        std::fs::create_dir_all(dir).map_err(internal)?;
        let index = Index::create_in_dir(dir, schema).map_err(internal)?;
        Self::with_index(index, fields, dir.to_owned())
    }

    fn with_index(index: Index, fields: Fields, dir: PathBuf) -> Result<Self> {
        analysis::register(&index);
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(internal)?;
        let writer = index.writer(WRITER_HEAP).map_err(internal)?;
        Ok(Self { index, reader, writer: Mutex::new(writer), fields, dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Returns the sequence number of the last change the index holds (0 when none).
    pub fn applied(&self) -> Result<i64> {
        let metas = self.index.load_metas().map_err(internal)?;
        Ok(metas.payload.as_deref().and_then(|payload| payload.parse().ok()).unwrap_or(0))
    }

    fn document(&self, doc: &SearchDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut document = TantivyDocument::default();
        document.add_text(f.key, key(doc.kind, doc.id));
        document.add_u64(f.id, doc.id as u64);
        document.add_i64(f.version, doc.version.into());
        document.add_text(f.publication_status, doc.publication_status.code());
        document.add_i64(f.updated_at, doc.updated_at);
        document.add_u64(f.digest, doc.digest());
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
        ] {
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
                IndexOp::Upsert(doc) if held == Some(doc.digest()) => continue,
                _ => {}
            }
            writer.delete_term(term);
            if let IndexOp::Upsert(doc) = op {
                writer.add_document(self.document(doc)).map_err(internal)?;
            }
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

    fn builder<'a>(&'a self, synonyms: &'a Synonyms, known: &'a dyn Fn(&Term) -> bool) -> query::Builder<'a> {
        query::Builder { fields: &self.fields, synonyms, exact: analysis::exact(), stem: analysis::stemmed(), known }
    }

    fn filters(&self, request: &SearchRequest) -> Vec<(Occur, Box<dyn Query>)> {
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let visible = request.visible.iter().map(|status| Term::from_field_text(f.publication_status, status.code()));
        clauses.push((Occur::Must, Box::new(TermSetQuery::new(visible))));
        if !request.kinds.is_empty() {
            let kinds =
                request.kinds.iter().map(|kind| Term::from_field_text(f.dimension(Dimension::Kind), kind.as_str()));
            clauses.push((Occur::Must, Box::new(TermSetQuery::new(kinds))));
        }
        for (dimension, values) in &request.filters {
            if values.is_empty() {
                continue;
            }
            let field = f.dimension(*dimension);
            let terms = values.iter().map(|value| Term::from_field_text(field, value));
            clauses.push((Occur::Must, Box::new(TermSetQuery::new(terms))));
        }
        if !request.evidence_sheets.is_empty() {
            let sheets = request.evidence_sheets.iter().map(|id| Term::from_field_u64(f.evidence_sheet, *id as u64));
            clauses.push((Occur::Must, Box::new(TermSetQuery::new(sheets))));
        }
        if let Some((from, to)) = request.years {
            let range = RangeQuery::new(
                std::ops::Bound::Included(Term::from_field_i64(f.year, from.into())),
                std::ops::Bound::Included(Term::from_field_i64(f.year, to.into())),
            );
            clauses.push((Occur::Must, Box::new(range)));
        }
        clauses
    }

    /// Builds the whole query of a request: its text (when there is one, also returned alone for
    /// highlighting) and its filters and visibility. An empty box matches everything, and may still
    /// exclude (`-garage`).
    fn query(
        &self,
        searcher: &tantivy::Searcher,
        request: &SearchRequest,
        synonyms: &Synonyms,
    ) -> (BooleanQuery, Option<Box<dyn Query>>) {
        let parsed = parse(&request.text);
        let known = |term: &Term| searcher.doc_freq(term).is_ok_and(|freq| freq > 0);
        let mut builder = self.builder(synonyms, &known);
        let text_query = builder.build(&parsed);
        let mut clauses = self.filters(request);
        match &text_query {
            Some(query) => clauses.push((Occur::Must, query.box_clone())),
            None => {
                clauses.push((Occur::Must, Box::new(AllQuery)));
                clauses.extend(builder.exclusions(&parsed).into_iter().map(|query| (Occur::MustNot, query)));
            }
        }
        (BooleanQuery::new(clauses), text_query)
    }

    /// Runs a search. Blocking: call it off the async executor.
    pub fn search(&self, request: &SearchRequest, synonyms: &Synonyms) -> Result<SearchOutcome> {
        let searcher = self.reader.searcher();
        let (full, text_query) = self.query(&searcher, request, synonyms);
        let page = TopDocs::with_limit(request.limit.max(1)).and_offset(request.offset);
        let facets = FacetCounts { dimensions: request.facets.clone() };
        let (top, total, counts) = if text_query.is_some() {
            searcher.search(&full, &(page.order_by_score(), Count, facets)).map_err(internal)?
        } else {
            let (top, total, counts) = searcher
                .search(&full, &(page.order_by_fast_field::<i64>("updated_at", Order::Desc), Count, facets))
                .map_err(internal)?;
            (top.into_iter().map(|(_, address)| (0.0, address)).collect(), total, counts)
        };
        self.outcome(&searcher, top, total, counts, request, text_query)
    }

    /// Counts the documents matching a request (its text, filters and visibility) grouped by one or
    /// two dimensions: a document counts once in each combination of its values (a sheet with two
    /// themes counts under both); documents without a value of a dimension are not in its rows.
    /// Returns the number of matching documents and the rows, largest first. Blocking.
    pub fn group_counts(
        &self,
        request: &SearchRequest,
        synonyms: &Synonyms,
        group_by: &[Dimension],
    ) -> Result<Grouped> {
        let searcher = self.reader.searcher();
        let (full, _) = self.query(&searcher, request, synonyms);
        let collector = GroupCounts { dimensions: group_by.to_vec() };
        let (total, groups) = searcher.search(&full, &(Count, collector)).map_err(internal)?;
        let mut rows: Vec<(Vec<String>, u64)> = groups.into_iter().collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(Grouped { total, rows })
    }

    /// Ranks the lessons matching a request's filters (no text) by recurrence: distinct programmes,
    /// then distinct sheets, most first; only lessons observed in at least one sheet and in
    /// `min_programmes` programmes. Returns (id, programmes, sheets). Blocking.
    pub fn recurrent(&self, request: &SearchRequest, min_programmes: u64) -> Result<Vec<(i64, u64, u64)>> {
        let f = &self.fields;
        let searcher = self.reader.searcher();
        let mut clauses = self.filters(request);
        clauses.push((
            Occur::Must,
            Box::new(RangeQuery::new(
                std::ops::Bound::Included(Term::from_field_u64(f.sheet_count, 1)),
                std::ops::Bound::Unbounded,
            )),
        ));
        if min_programmes > 0 {
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    std::ops::Bound::Included(Term::from_field_u64(f.programme_count, min_programmes)),
                    std::ops::Bound::Unbounded,
                )),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let top = TopDocs::with_limit(request.limit.max(1))
            .and_offset(request.offset)
            .order_by_fast_field::<u64>("recurrence", Order::Desc);
        let found = searcher.search(&query, &top).map_err(internal)?;
        let mut out = Vec::with_capacity(found.len());
        for (recurrence, address) in found {
            let (_, id) = self.identify(&searcher, address)?;
            let recurrence = recurrence.unwrap_or(0);
            out.push((id, recurrence >> 32, recurrence & u64::from(u32::MAX)));
        }
        Ok(out)
    }

    /// Returns the id of every document matching a request, with its values of `dimension` (none
    /// asked: an empty list). Blocking.
    pub fn matching(
        &self,
        request: &SearchRequest,
        synonyms: &Synonyms,
        dimension: Option<Dimension>,
    ) -> Result<Vec<(i64, Vec<String>)>> {
        let searcher = self.reader.searcher();
        let (full, _) = self.query(&searcher, request, synonyms);
        searcher.search(&full, &Matching { dimension }).map_err(internal)
    }

    fn outcome(
        &self,
        searcher: &tantivy::Searcher,
        top: Vec<(f32, DocAddress)>,
        total: usize,
        facets: BTreeMap<Dimension, HashMap<String, u64>>,
        request: &SearchRequest,
        query: Option<Box<dyn Query>>,
    ) -> Result<SearchOutcome> {
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let (kind, id) = self.identify(searcher, address)?;
            hits.push(Hit { kind, id, score });
        }
        let facets = request
            .facets
            .iter()
            .map(|dimension| {
                let mut values: Vec<(String, u64)> =
                    facets.get(dimension).cloned().unwrap_or_default().into_iter().collect();
                values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                (*dimension, values)
            })
            .collect();
        Ok(SearchOutcome { total, hits, facets, query })
    }

    fn identify(&self, searcher: &tantivy::Searcher, address: DocAddress) -> Result<(Kind, i64)> {
        let segment = searcher.segment_reader(address.segment_ord);
        let ids = segment.fast_fields().u64("id").map_err(internal)?;
        let kinds = segment
            .fast_fields()
            .str(Dimension::Kind.field_name())
            .map_err(internal)?
            .ok_or_else(|| internal("no kind column"))?;
        let id = ids.first(address.doc_id).ok_or_else(|| internal("a document without id"))?;
        let ord = kinds.term_ords(address.doc_id).next().ok_or_else(|| internal("a document without kind"))?;
        let mut name = String::new();
        kinds.ord_to_str(ord, &mut name).map_err(internal)?;
        let kind = Kind::parse(&name).ok_or_else(|| internal(format!("unknown kind {name}")))?;
        Ok((kind, id as i64))
    }

    /// Returns what highlights the hits of an outcome (nothing when the query had no text).
    pub fn highlighter(&self, outcome: &SearchOutcome, max_chars: usize) -> Result<Highlighter> {
        let Some(query) = &outcome.query else { return Ok(Highlighter { generators: Vec::new() }) };
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let mut generators = Vec::new();
        for (name, fields) in [
            ("title", [f.title_exact, f.title_stem]),
            ("summary", [f.summary_exact, f.summary_stem]),
            ("body", [f.body_exact, f.body_stem]),
        ] {
            let mut pair = Vec::new();
            for field in fields {
                let mut generator = SnippetGenerator::create(&searcher, query.as_ref(), field).map_err(internal)?;
                generator.set_max_num_chars(max_chars);
                pair.push(generator);
            }
            generators.push((name, pair));
        }
        Ok(Highlighter { generators })
    }

    /// Returns the visible records whose title words start as `prefix` does (the last word may be
    /// incomplete), best first.
    pub fn suggest(&self, prefix: &str, visible: &[PublicationStatus], limit: usize) -> Result<Vec<Hit>> {
        let mut exact = analysis::exact();
        let words = analysis::tokens(&mut exact, prefix);
        let Some(((_, last), rest)) = words.split_last() else { return Ok(Vec::new()) };
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = rest
            .iter()
            .map(|(_, word)| -> (Occur, Box<dyn Query>) {
                (
                    Occur::Must,
                    Box::new(TermQuery::new(Term::from_field_text(f.title_exact, word), IndexRecordOption::Basic)),
                )
            })
            .collect();
        clauses.push((
            Occur::Must,
            Box::new(tantivy::query::FuzzyTermQuery::new_prefix(Term::from_field_text(f.title_exact, last), 0, true)),
        ));
        let request = SearchRequest { visible: visible.to_vec(), ..SearchRequest::default() };
        clauses.extend(self.filters(&request));
        let searcher = self.reader.searcher();
        let top = searcher
            .search(
                &BooleanQuery::new(clauses),
                &TopDocs::with_limit(limit.max(1)).order_by_fast_field::<i64>("updated_at", Order::Desc),
            )
            .map_err(internal)?;
        top.into_iter()
            .map(|(_, address)| self.identify(&searcher, address).map(|(kind, id)| Hit { kind, id, score: 0.0 }))
            .collect()
    }

    /// The "more like this" query of some texts: their 30 most telling stemmed words (term frequency
    /// in the texts × inverse document frequency in the index, words of 3 bytes or more), each
    /// boosted by its weight relative to the best. Ties are broken by the word, so that the same
    /// texts always give the same query (tantivy's `MoreLikeThisQuery` breaks them in hash order).
    fn like(&self, searcher: &tantivy::Searcher, texts: &[&str]) -> Result<BooleanQuery> {
        const MAX_TERMS: usize = 30;
        const MIN_BYTES: usize = 3;
        let f = &self.fields;
        let mut frequencies: BTreeMap<Term, usize> = BTreeMap::new();
        for field in [f.title_stem, f.summary_stem, f.body_stem] {
            let mut analyzer = analysis::stemmed();
            for text in texts {
                analyzer.token_stream(text).process(&mut |token| {
                    if token.text.len() >= MIN_BYTES {
                        *frequencies.entry(Term::from_field_text(field, &token.text)).or_default() += 1;
                    }
                });
            }
        }
        let documents = searcher.num_docs() as f32;
        let mut weighted: Vec<(f32, Term)> = Vec::with_capacity(frequencies.len());
        for (term, frequency) in frequencies {
            let found = searcher.doc_freq(&term).map_err(internal)? as f32;
            if found > 0.0 {
                let idf = (1.0 + ((documents - found).max(0.0) + 0.5) / (found + 0.5)).ln();
                weighted.push((frequency as f32 * idf, term));
            }
        }
        weighted.sort_by(|(left, left_term), (right, right_term)| {
            right.total_cmp(left).then_with(|| left_term.cmp(right_term))
        });
        weighted.truncate(MAX_TERMS);
        let best = weighted.first().map_or(1.0, |(weight, _)| weight.max(f32::MIN_POSITIVE));
        let clauses: Vec<(Occur, Box<dyn Query>)> = weighted
            .into_iter()
            .map(|(weight, term)| {
                let query: Box<dyn Query> =
                    Box::new(BoostQuery::new(Box::new(TermQuery::new(term, IndexRecordOption::Basic)), weight / best));
                (Occur::Should, query)
            })
            .collect();
        Ok(BooleanQuery::new(clauses))
    }

    /// Returns visible records that resemble the given texts ("more like this"), leaving out `exclude`.
    pub fn similar(
        &self,
        texts: &[&str],
        exclude: (Kind, i64),
        visible: &[PublicationStatus],
        limit: usize,
    ) -> Result<Vec<Hit>> {
        let f = &self.fields;
        let searcher = self.reader.searcher();
        let like = self.like(&searcher, texts)?;
        let request = SearchRequest { visible: visible.to_vec(), ..SearchRequest::default() };
        let mut clauses = self.filters(&request);
        clauses.push((Occur::Must, Box::new(like)));
        clauses.push((
            Occur::MustNot,
            Box::new(TermQuery::new(
                Term::from_field_text(f.key, &key(exclude.0, exclude.1)),
                IndexRecordOption::Basic,
            )),
        ));
        let top = searcher
            .search(&BooleanQuery::new(clauses), &TopDocs::with_limit(limit.max(1)).order_by_score())
            .map_err(internal)?;
        top.into_iter()
            .map(|(score, address)| self.identify(&searcher, address).map(|(kind, id)| Hit { kind, id, score }))
            .collect()
    }

    /// Runs `text` through tantivy's own query parser over the stemmed fields (all words required),
    /// top `limit` by score and a count, with none of retex's layers: the baseline the benchmark
    /// compares retex's search with. Returns the number of matches.
    pub fn raw_search(&self, text: &str, limit: usize) -> Result<usize> {
        let f = &self.fields;
        let mut parser =
            tantivy::query::QueryParser::for_index(&self.index, vec![f.title_stem, f.summary_stem, f.body_stem]);
        parser.set_conjunction_by_default();
        let (query, _) = parser.parse_query_lenient(text);
        let searcher = self.reader.searcher();
        let (_, total) =
            searcher.search(&query, &(TopDocs::with_limit(limit.max(1)).order_by_score(), Count)).map_err(internal)?;
        Ok(total)
    }

    /// Returns every indexed record with its version (to compare the index with the database).
    pub fn contents(&self) -> Result<Vec<(Kind, i64, i32)>> {
        let searcher = self.reader.searcher();
        let addresses = searcher.search(&AllQuery, &tantivy::collector::DocSetCollector).map_err(internal)?;
        let mut contents = Vec::with_capacity(addresses.len());
        for address in addresses {
            let (kind, id) = self.identify(&searcher, address)?;
            let versions =
                searcher.segment_reader(address.segment_ord).fast_fields().i64("version").map_err(internal)?;
            contents.push((kind, id, versions.first(address.doc_id).unwrap_or_default() as i32));
        }
        contents.sort();
        Ok(contents)
    }

    /// Returns the number of documents and the size of the index files in bytes.
    pub fn size(&self) -> (u64, u64) {
        let docs = self.reader.searcher().num_docs();
        let bytes = std::fs::read_dir(&self.dir)
            .map(|entries| entries.filter_map(|entry| entry.ok()?.metadata().ok()).map(|meta| meta.len()).sum())
            .unwrap_or(0);
        (docs, bytes)
    }
}

/// Highlights texts for one search: HTML-escaped extracts with the matches in `<mark>`.
pub struct Highlighter {
    generators: Vec<(&'static str, Vec<SnippetGenerator>)>,
}

impl Highlighter {
    /// Returns, for each of (title, summary, body) in which the query matched, the extract with the
    /// most matches.
    pub fn snippets(&self, texts: [&str; 3]) -> Vec<Snippet> {
        let mut snippets = Vec::new();
        for ((field, generators), text) in self.generators.iter().zip(texts) {
            // The body is long: highlight it only when neither the title nor the summary matched.
            if text.is_empty() || (*field == "body" && !snippets.is_empty()) {
                continue;
            }
            // The exact field first (cheap, and what the user typed); the stemmed one when it finds nothing.
            let best = generators
                .iter()
                .map(|generator| generator.snippet(text))
                .find(|snippet| !snippet.highlighted().is_empty());
            if let Some(mut snippet) = best {
                snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
                snippets.push(Snippet { field, html: snippet.to_html() });
            }
        }
        snippets
    }
}

/// Counts the values of some dimensions over every matching document.
struct FacetCounts {
    dimensions: Vec<Dimension>,
}

struct SegmentFacetCounts {
    columns: Vec<(Dimension, tantivy::columnar::StrColumn, Vec<u64>)>,
}

impl Collector for FacetCounts {
    type Fruit = BTreeMap<Dimension, HashMap<String, u64>>;
    type Child = SegmentFacetCounts;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<SegmentFacetCounts> {
        let mut columns = Vec::new();
        for dimension in &self.dimensions {
            if let Some(column) = segment.fast_fields().str(dimension.field_name())? {
                let counts = vec![0; column.num_terms()];
                columns.push((*dimension, column, counts));
            }
        }
        Ok(SegmentFacetCounts { columns })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(Dimension, HashMap<String, u64>)>>) -> tantivy::Result<Self::Fruit> {
        let mut merged: BTreeMap<Dimension, HashMap<String, u64>> = BTreeMap::new();
        for fruit in fruits {
            for (dimension, counts) in fruit {
                let target = merged.entry(dimension).or_default();
                for (value, count) in counts {
                    *target.entry(value).or_default() += count;
                }
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentFacetCounts {
    type Fruit = Vec<(Dimension, HashMap<String, u64>)>;

    fn collect(&mut self, doc: DocId, _: Score) {
        for (_, column, counts) in &mut self.columns {
            for ord in column.term_ords(doc) {
                if let Some(count) = counts.get_mut(ord as usize) {
                    *count += 1;
                }
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.columns
            .into_iter()
            .map(|(dimension, column, counts)| {
                let mut values = HashMap::new();
                for (ord, count) in counts.into_iter().enumerate() {
                    let mut text = String::new();
                    if count > 0 && column.ord_to_str(ord as u64, &mut text).unwrap_or(false) {
                        values.insert(text, count);
                    }
                }
                (dimension, values)
            })
            .collect()
    }
}

/// Counts the combinations of the values of one or two dimensions over every matching document.
struct GroupCounts {
    dimensions: Vec<Dimension>,
}

struct SegmentGroupCounts {
    columns: Vec<tantivy::columnar::StrColumn>,
    counts: HashMap<(u64, u64), u64>,
    first: Vec<u64>,
    second: Vec<u64>,
}

impl Collector for GroupCounts {
    type Fruit = HashMap<Vec<String>, u64>;
    type Child = SegmentGroupCounts;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<SegmentGroupCounts> {
        let mut columns = Vec::new();
        for dimension in &self.dimensions {
            match segment.fast_fields().str(dimension.field_name())? {
                Some(column) => columns.push(column),
                // No document of this segment has a value: it adds no row.
                None => {
                    return Ok(SegmentGroupCounts {
                        columns: Vec::new(),
                        counts: HashMap::new(),
                        first: Vec::new(),
                        second: Vec::new(),
                    });
                }
            }
        }
        Ok(SegmentGroupCounts { columns, counts: HashMap::new(), first: Vec::new(), second: Vec::new() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<HashMap<Vec<String>, u64>>) -> tantivy::Result<Self::Fruit> {
        let mut merged: HashMap<Vec<String>, u64> = HashMap::new();
        for fruit in fruits {
            for (key, count) in fruit {
                *merged.entry(key).or_default() += count;
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentGroupCounts {
    type Fruit = HashMap<Vec<String>, u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        match self.columns.as_slice() {
            [first] => {
                for ord in first.term_ords(doc) {
                    *self.counts.entry((ord, 0)).or_default() += 1;
                }
            }
            [first, second] => {
                self.first.clear();
                self.first.extend(first.term_ords(doc));
                if self.first.is_empty() {
                    return;
                }
                self.second.clear();
                self.second.extend(second.term_ords(doc));
                for a in &self.first {
                    for b in &self.second {
                        *self.counts.entry((*a, *b)).or_default() += 1;
                    }
                }
            }
            _ => {}
        }
    }

    fn harvest(self) -> Self::Fruit {
        let text = |column: &tantivy::columnar::StrColumn, ord: u64| {
            let mut text = String::new();
            column.ord_to_str(ord, &mut text).unwrap_or(false).then_some(text)
        };
        let mut out = HashMap::with_capacity(self.counts.len());
        for ((a, b), count) in self.counts {
            let key = match self.columns.as_slice() {
                [first] => text(first, a).map(|a| vec![a]),
                [first, second] => text(first, a).zip(text(second, b)).map(|(a, b)| vec![a, b]),
                _ => None,
            };
            if let Some(key) = key {
                *out.entry(key).or_default() += count;
            }
        }
        out
    }
}

/// Collects the id and the values of one dimension of every matching document.
struct Matching {
    dimension: Option<Dimension>,
}

struct SegmentMatching {
    ids: std::sync::Arc<dyn tantivy::columnar::ColumnValues<u64>>,
    column: Option<tantivy::columnar::StrColumn>,
    found: Vec<(i64, Vec<u64>)>,
}

impl Collector for Matching {
    type Fruit = Vec<(i64, Vec<String>)>;
    type Child = SegmentMatching;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<SegmentMatching> {
        let ids = segment.fast_fields().u64("id")?.first_or_default_col(0);
        let column = match self.dimension {
            Some(dimension) => segment.fast_fields().str(dimension.field_name())?,
            None => None,
        };
        Ok(SegmentMatching { ids, column, found: Vec::new() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(i64, Vec<String>)>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for SegmentMatching {
    type Fruit = Vec<(i64, Vec<String>)>;

    fn collect(&mut self, doc: DocId, _: Score) {
        let id = self.ids.get_val(doc) as i64;
        let ords = self.column.as_ref().map(|column| column.term_ords(doc).collect()).unwrap_or_default();
        self.found.push((id, ords));
    }

    fn harvest(self) -> Self::Fruit {
        let column = self.column;
        self.found
            .into_iter()
            .map(|(id, ords)| {
                let values = ords
                    .into_iter()
                    .filter_map(|ord| {
                        let mut text = String::new();
                        column.as_ref()?.ord_to_str(ord, &mut text).unwrap_or(false).then_some(text)
                    })
                    .collect();
                (id, values)
            })
            .collect()
    }
}
