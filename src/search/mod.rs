//! Full-text search: the only module that imports tantivy. The index is a projection of the database:
//! the indexer (`crate::indexer`) feeds it from the change log and records, in each commit's payload,
//! the last change it applied, so that a restart resumes exactly there. This module knows documents,
//! queries, facets and snippets; it never reads the database.
//!
//! Rules it keeps: one writer (behind a mutex, used by the indexer thread only), one long-lived
//! reader reloaded after each commit, a searcher per query; an update is delete-by-key then add, and
//! only when the document differs from the one held (a change the public cannot see leaves the index
//! as it was, down to its statistics); what a hit shows is stored with it (`Card`), so that a page of
//! hits needs no database statement; work is done only for what a search asks (the exact count,
//! facets, snippets); commits and searches run off the async executor (callers use `spawn_blocking`
//! or the indexer thread).

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
    /// Counts every match (`SearchOutcome::total`). Without it only the page is ranked, and the
    /// scorer may skip the blocks of documents that cannot enter it (block-max WAND).
    pub count: bool,
    /// Ranks the matches by their last change, newest first, whatever the words (feeds).
    pub newest_first: bool,
    /// Only records changed after this time (microseconds since the Unix epoch).
    pub since: Option<i64>,
}

/// One hit: which record, and how well it matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub kind: Kind,
    pub id: i64,
    pub score: f32,
}

/// What the index stores of a hit: what its page shows without a database statement, as the record
/// was at `version` (the database's projection the index holds; the index holds published records
/// only).
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub slug: String,
    pub version: i32,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub publication_status: PublicationStatus,
    /// What search reads of the record (`domain::Searchable`): title, summary and body.
    pub text: crate::domain::SearchableText,
    /// What describes it (`domain::described_by`), the text of its `labels` snippet.
    pub labels: String,
}

/// What a search found.
pub struct SearchOutcome {
    /// How many records match, when the request asked to count them.
    pub total: Option<usize>,
    /// Whether matches follow this page (known without counting them).
    pub more: bool,
    pub hits: Vec<Hit>,
    /// What the index stores of each hit, in the order of `hits`.
    pub cards: Vec<Card>,
    /// For each asked dimension, its values and how many hits have each, most frequent first.
    pub facets: Vec<(Dimension, Vec<(String, u64)>)>,
    /// The text query, kept to highlight the hits.
    query: Option<Box<dyn Query>>,
    /// The filters the words of the query name (see `interpret`).
    pub detected: Vec<Detected>,
    /// Where the search's time went.
    pub timings: Timings,
}

/// Where the time of one search went, for the benchmark's profile.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Reading the filters the words name.
    pub interpret: std::time::Duration,
    /// Parsing the box and building the query (glossary expansions, typo checks).
    pub build: std::time::Duration,
    /// Running it: ranking the page, and counting every match and facet values when asked.
    pub collect: std::time::Duration,
    /// Reading what the index stores of each hit.
    pub cards: std::time::Duration,
    /// Highlighting the hits (when snippets are asked for; filled by the caller).
    pub snippets: std::time::Duration,
}

/// The index of one folder.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    dir: PathBuf,
    /// The exact, stemmed and paired analyzers, built once and cloned by each query.
    analyzers: [tantivy::tokenizer::TextAnalyzer; 3],
}

/// How many matches have each value, per dimension counted.
type ValueCounts = BTreeMap<Dimension, HashMap<String, u64>>;

/// Runs a query with a page collector, and counts every match and the facets' values with it only
/// when `counting`: alone, the page collector lets tantivy prune.
fn collect<C: tantivy::collector::Collector>(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    page: C,
    counting: bool,
    facets: FacetCounts,
) -> Result<(C::Fruit, Option<usize>, ValueCounts)> {
    if counting {
        let (top, total, counts) = searcher.search(query, &(page, Count, facets)).map_err(internal)?;
        Ok((top, Some(total), counts))
    } else {
        Ok((searcher.search(query, &page).map_err(internal)?, None, BTreeMap::new()))
    }
}

/// The first value of a document in a string column (`None` when it has none).
fn first_str(segment: &tantivy::SegmentReader, column: &str, doc: tantivy::DocId) -> Result<Option<String>> {
    let column =
        segment.fast_fields().str(column).map_err(internal)?.ok_or_else(|| internal(format!("no column {column}")))?;
    let Some(ord) = column.term_ords(doc).next() else { return Ok(None) };
    let mut text = String::new();
    column.ord_to_str(ord, &mut text).map_err(internal)?;
    Ok(Some(text))
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
        let analyzers = [analysis::exact(), analysis::stemmed(), analysis::paired()];
        Ok(Self { index, reader, writer: Mutex::new(writer), fields, dir, analyzers })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Returns the sequence number of the last change the index holds (0 when none).
    pub fn applied(&self) -> Result<i64> {
        let metas = self.index.load_metas().map_err(internal)?;
        Ok(metas.payload.as_deref().and_then(|payload| payload.parse().ok()).unwrap_or(0))
    }

    fn builder<'a>(
        &'a self,
        synonyms: &'a Synonyms,
        known: &'a dyn Fn(&Term) -> bool,
        corrections: &'a dyn Fn(&str, u8) -> Vec<String>,
    ) -> query::Builder<'a> {
        query::Builder {
            fields: &self.fields,
            synonyms,
            exact: self.analyzers[0].clone(),
            stem: self.analyzers[1].clone(),
            paired: self.analyzers[2].clone(),
            known,
            corrections,
        }
    }

    /// The words of the titles and bodies within `distance` typos of `word`, most frequent first (at
    /// most `query::CORRECTIONS`): one walk of each field's dictionary per segment.
    fn corrections(&self, searcher: &tantivy::Searcher, word: &str, distance: u8) -> Vec<String> {
        let mut found: HashMap<String, u64> = HashMap::new();
        for field in [self.fields.title_exact, self.fields.body_exact] {
            let fuzzy = tantivy::query::FuzzyTermQuery::new(Term::from_field_text(field, word), distance, true);
            for segment in searcher.segment_readers() {
                let (Ok(automaton), Ok(inverted)) = (fuzzy.automaton(), segment.inverted_index(field)) else {
                    continue;
                };
                let Ok(mut stream) = inverted.terms().search(automaton).into_stream() else { continue };
                while stream.advance() {
                    if let Ok(text) = std::str::from_utf8(stream.key()) {
                        *found.entry(text.to_owned()).or_default() += u64::from(stream.value().doc_freq);
                    }
                }
            }
        }
        let mut found: Vec<(String, u64)> = found.into_iter().collect();
        found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        found.into_iter().take(query::CORRECTIONS).map(|(text, _)| text).collect()
    }

    fn filters(&self, searcher: &tantivy::Searcher, request: &SearchRequest) -> Vec<(Occur, Box<dyn Query>)> {
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // The visibility rule, as a filter; left out when no document the index holds (deleted ones
        // included) has a status outside it, as when the index holds published records only and the
        // caller may see them: a filter every document passes would only cost a posting list.
        let status = |status: &PublicationStatus| Term::from_field_text(f.publication_status, status.code());
        let hidden_held = PublicationStatus::ALL
            .iter()
            .filter(|status| !request.visible.contains(*status))
            .any(|hidden| searcher.doc_freq(&status(hidden)).map_or(true, |freq| freq > 0));
        if hidden_held {
            clauses.push((Occur::Must, Box::new(TermSetQuery::new(request.visible.iter().map(status)))));
        }
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
        if let Some(since) = request.since {
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    std::ops::Bound::Excluded(Term::from_field_i64(f.updated_at, since)),
                    std::ops::Bound::Unbounded,
                )),
            ));
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
        let corrections = |word: &str, distance: u8| self.corrections(searcher, word, distance);
        let mut builder = self.builder(synonyms, &known, &corrections);
        let text_query = builder.build(&parsed);
        let mut clauses = self.filters(searcher, request);
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
    ///
    /// Counts every match, and the facets' values, only when the request asks for them: a page alone
    /// is ranked with dynamic pruning (tantivy skips the blocks of postings whose best score cannot
    /// enter it), and one more hit than the page tells whether another page follows.
    pub fn search(&self, request: &SearchRequest, synonyms: &Synonyms) -> Result<SearchOutcome> {
        let started = std::time::Instant::now();
        let searcher = self.reader.searcher();
        let detected = self.detected(request, synonyms);
        let interpreted = std::time::Instant::now();
        let (full, text_query) = self.query(&searcher, request, synonyms, &detected);
        let built = std::time::Instant::now();
        // A query of one clause is run as that clause: tantivy prunes a flat union or intersection of
        // terms, not one nested in another query.
        let full: Box<dyn Query> = match full.clauses() {
            [(Occur::Must, only)] => only.box_clone(),
            _ => Box::new(full),
        };
        let limit = request.limit.max(1);
        let page = TopDocs::with_limit(limit + 1).and_offset(request.offset);
        let facets = FacetCounts { dimensions: request.facets.clone() };
        let counting = request.count || !request.facets.is_empty();
        let (mut top, total, counts) = if text_query.is_some() && !request.newest_first {
            collect(&searcher, full.as_ref(), page.order_by_score(), counting, facets)?
        } else {
            let by_recency = page.order_by_fast_field::<i64>("updated_at", Order::Desc);
            let (top, total, counts) = collect(&searcher, full.as_ref(), by_recency, counting, facets)?;
            (top.into_iter().map(|(_, address)| (0.0, address)).collect(), total, counts)
        };
        let collected = std::time::Instant::now();
        let more = top.len() > limit;
        top.truncate(limit);
        let total = total.filter(|_| request.count);
        let mut outcome = self.outcome(&searcher, top, total, more, counts, request, text_query)?;
        outcome.detected = detected;
        outcome.timings = Timings {
            interpret: interpreted - started,
            build: built - interpreted,
            collect: collected - built,
            cards: collected.elapsed(),
            snippets: std::time::Duration::ZERO,
        };
        Ok(outcome)
    }

    /// Ranks the lessons matching a request's filters (no text) by recurrence: distinct programmes,
    /// then distinct sheets, most first; only lessons observed in at least one sheet and in
    /// `min_programmes` programmes. Returns (id, programmes, sheets). Blocking.
    pub fn recurrent(&self, request: &SearchRequest, min_programmes: u64) -> Result<Vec<(i64, u64, u64)>> {
        let f = &self.fields;
        let searcher = self.reader.searcher();
        let mut clauses = self.filters(&searcher, request);
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

    // The parts of one search's result, gathered.
    #[allow(clippy::too_many_arguments)]
    fn outcome(
        &self,
        searcher: &tantivy::Searcher,
        top: Vec<(f32, DocAddress)>,
        total: Option<usize>,
        more: bool,
        facets: ValueCounts,
        request: &SearchRequest,
        query: Option<Box<dyn Query>>,
    ) -> Result<SearchOutcome> {
        let mut hits = Vec::with_capacity(top.len());
        let mut cards = Vec::with_capacity(top.len());
        for (score, address) in top {
            let (kind, id) = self.identify(searcher, address)?;
            hits.push(Hit { kind, id, score });
            cards.push(self.card(searcher, address)?);
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
        Ok(SearchOutcome { total, more, hits, cards, facets, query, detected: Vec::new(), timings: Timings::default() })
    }

    /// Reads what the index stores of a document (one read of the document store).
    fn card(&self, searcher: &tantivy::Searcher, address: DocAddress) -> Result<Card> {
        use tantivy::schema::Value;
        let f = &self.fields;
        let document: tantivy::TantivyDocument = searcher.doc(address).map_err(internal)?;
        let text = |field| document.get_first(field).and_then(|value| value.as_str()).unwrap_or("").to_owned();
        let segment = searcher.segment_reader(address.segment_ord);
        let columns = segment.fast_fields();
        let version = columns.i64("version").map_err(internal)?.first(address.doc_id).unwrap_or_default();
        let micros = columns.i64("updated_at").map_err(internal)?.first(address.doc_id).unwrap_or_default();
        let updated_at = chrono::DateTime::from_timestamp_micros(micros)
            .ok_or_else(|| internal(format!("an update time out of range: {micros}")))?;
        let code = first_str(segment, "publication_status", address.doc_id)?.unwrap_or_default();
        let publication_status = PublicationStatus::from_code(&code)
            .ok_or_else(|| internal(format!("unknown publication status {code}")))?;
        Ok(Card {
            slug: text(f.slug),
            version: version as i32,
            updated_at,
            publication_status,
            text: crate::domain::SearchableText {
                title: text(f.title_exact),
                summary: text(f.summary_exact),
                body: text(f.body_exact),
            },
            labels: text(f.labels_exact),
        })
    }

    fn identify(&self, searcher: &tantivy::Searcher, address: DocAddress) -> Result<(Kind, i64)> {
        let segment = searcher.segment_reader(address.segment_ord);
        let ids = segment.fast_fields().u64("id").map_err(internal)?;
        let id = ids.first(address.doc_id).ok_or_else(|| internal("a document without id"))?;
        let name = first_str(segment, Dimension::Kind.field_name(), address.doc_id)?
            .ok_or_else(|| internal("a document without kind"))?;
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
