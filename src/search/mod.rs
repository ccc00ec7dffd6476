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
mod documents;
mod facets;
pub mod generations;
pub mod interpret;
pub mod query;
pub mod schema;
mod similar;
mod snippets;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, Query, RangeQuery, TermQuery, TermSetQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Term};

pub use documents::{IndexOp, SearchDoc};
use facets::FacetCounts;
pub use facets::Grouped;
pub use interpret::Detected;
pub use query::{Parsed, Synonyms, parse};
pub use schema::Dimension;
use schema::Fields;
pub use snippets::{Highlighter, Snippet};

use crate::domain::{Kind, PublicationStatus, Vocabulary};
use crate::error::{Error, Result};

/// The memory the writer may use before it flushes a segment.
const WRITER_HEAP: usize = 100 * 1024 * 1024;

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
    /// Searches the words only: the filters they name are neither used to rank nor reported.
    pub literal: bool,
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
    /// Where each hit is in the index, to read what it is described by when it is highlighted.
    addresses: Vec<DocAddress>,
    /// The filters the words of the query name (see `interpret`).
    pub detected: Vec<Detected>,
}

/// The index of one folder.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    dir: PathBuf,
}

/// How much a record that carries a filter the words name is lifted: about a word matched in a body.
const DETECTED_BOOST: f32 = 1.0;

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
        detected: &[Detected],
    ) -> (BooleanQuery, Option<Box<dyn Query>>) {
        let parsed = parse(&request.text);
        let known = |term: &Term| searcher.doc_freq(term).is_ok_and(|freq| freq > 0);
        let mut builder = self.builder(synonyms, &known);
        let text_query = builder.build(&parsed);
        let mut clauses = self.filters(request);
        match &text_query {
            Some(query) => {
                clauses.push((Occur::Must, query.box_clone()));
                // The filters the words name lift the records that carry them.
                for detected in detected {
                    let term = Term::from_field_text(self.fields.dimension(detected.dimension), &detected.value);
                    let lift = TermQuery::new(term, IndexRecordOption::Basic);
                    clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(lift), DETECTED_BOOST))));
                }
            }
            None => {
                clauses.push((Occur::Must, Box::new(AllQuery)));
                clauses.extend(builder.exclusions(&parsed).into_iter().map(|query| (Occur::MustNot, query)));
            }
        }
        (BooleanQuery::new(clauses), text_query)
    }

    /// The filters the words of a request name (none when it asks for its words only).
    fn detected(&self, request: &SearchRequest, synonyms: &Synonyms) -> Vec<Detected> {
        if request.literal { Vec::new() } else { synonyms.interpret(&request.text) }
    }

    /// Runs a search. Blocking: call it off the async executor.
    pub fn search(&self, request: &SearchRequest, synonyms: &Synonyms) -> Result<SearchOutcome> {
        let searcher = self.reader.searcher();
        let detected = self.detected(request, synonyms);
        let (full, text_query) = self.query(&searcher, request, synonyms, &detected);
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
        let mut outcome = self.outcome(&searcher, top, total, counts, request, text_query)?;
        outcome.detected = detected;
        Ok(outcome)
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
        let mut addresses = Vec::with_capacity(top.len());
        for (score, address) in top {
            let (kind, id) = self.identify(searcher, address)?;
            hits.push(Hit { kind, id, score });
            addresses.push(address);
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
        Ok(SearchOutcome { total, hits, facets, query, addresses, detected: Vec::new() })
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
