//! Search, suggestions, similar records and the glossary, and the state of the index.

use super::*;

/// A record of any kind, as search shows it.
#[derive(Debug, Clone)]
pub enum Found {
    Organisation(Organisation),
    Territory(Territory),
    Programme(Programme),
    Sheet(Sheet),
    Lesson(Lesson),
}

/// Each record type is found as its variant.
macro_rules! found_from {
    ($($record:ident),*) => {$(
        impl From<$record> for Found {
            fn from(record: $record) -> Self {
                Found::$record(record)
            }
        }
    )*};
}
found_from!(Organisation, Territory, Programme, Sheet, Lesson);

impl Found {
    /// What search reads of the record (`domain::Searchable`).
    pub fn searchable_text(&self) -> SearchableText {
        match self {
            Found::Organisation(record) => record.fields.searchable_text(),
            Found::Territory(record) => record.fields.searchable_text(),
            Found::Programme(record) => record.fields.searchable_text(),
            Found::Sheet(record) => record.fields.searchable_text(),
            Found::Lesson(record) => record.fields.searchable_text(),
        }
    }
}

/// A hit of a search page: its score, what the index stores of its record (its card: slug, title,
/// summary, body, version, as the record was at the version the index holds), and the extracts of
/// its text where the query matched (when asked for). Showing it costs no database statement; the
/// rest of the record is the database's to give (`App::found`).
#[derive(Debug, Clone)]
pub struct FoundHit {
    pub score: f32,
    pub kind: Kind,
    pub id: i64,
    pub card: Card,
    pub snippets: Vec<crate::search::Snippet>,
}

impl FoundHit {
    /// The record's kind and slug, the key a relevance judgement names it by (`sheet/garage-de-rennes`).
    pub fn key(&self) -> String {
        format!("{}/{}", self.kind.as_str(), self.card.slug)
    }
}

/// The counts of one dimension's values, each with the value to filter by and its French label.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledFacet {
    pub dimension: Dimension,
    /// (value to filter by, label, count), largest count first.
    pub values: Vec<(String, String, u64)>,
}

/// One page of search results, ready to show: hits as the index stores them, highlighted when asked,
/// facets labelled.
#[derive(Debug, Clone)]
pub struct SearchPage {
    /// How many records match, over all pages, when the request asked to count them.
    pub total: Option<usize>,
    /// Whether hits follow this page.
    pub more: bool,
    pub hits: Vec<FoundHit>,
    pub facets: Vec<LabelledFacet>,
    /// The filters the words of the query name, which search used to rank.
    pub interpretation: Vec<Interpretation>,
    /// Where the search's time went in the index (for the benchmark's profile).
    pub timings: crate::search::Timings,
}

/// A filter recognised in the words of a query (« rural » → territory type Rural), with its French
/// label and the words that named it.
#[derive(Debug, Clone, PartialEq)]
pub struct Interpretation {
    pub dimension: Dimension,
    /// The value to filter by (a code, or a kind's name).
    pub value: String,
    pub label: String,
    pub words: String,
}

/// The values of dimensions as they are shown: enum codes with their French labels, and the records
/// behind ids (programmes, structures) with their global ids and names, read under the viewer's
/// visibility in one lookup per kind.
pub struct Labels {
    programmes: HashMap<i64, Programme>,
    organisations: HashMap<i64, Organisation>,
}

impl Labels {
    /// Returns the value to filter by and its label, or `None` for a record the viewer may not see.
    pub fn get(&self, dimension: Dimension, value: &str) -> Option<(String, String)> {
        match dimension {
            Dimension::Programme => {
                let programme = self.programmes.get(&value.parse::<i64>().ok()?)?;
                Some((crate::ids::encode(programme.id), programme.fields.name.to_string()))
            }
            Dimension::Structure => {
                let organisation = self.organisations.get(&value.parse::<i64>().ok()?)?;
                Some((crate::ids::encode(organisation.id), organisation.fields.name.to_string()))
            }
            // Kinds are filtered by their enum value (SHEET…), like every other dimension.
            Dimension::Kind => Some((value.to_uppercase(), label_of(dimension, value)?)),
            _ => Some((value.to_owned(), label_of(dimension, value).unwrap_or_else(|| value.to_owned()))),
        }
    }
}

/// The French label of a dimension's value, for the dimensions whose values are codes.
fn label_of(dimension: Dimension, value: &str) -> Option<String> {
    fn label<T: Vocabulary>(code: &str) -> Option<String> {
        T::from_code(code).map(|value| value.label().to_owned())
    }
    match dimension {
        Dimension::Kind => Some(Kind::parse(value).map_or_else(|| value.to_owned(), |kind| kind.label().to_owned())),
        Dimension::Programme | Dimension::Structure => None,
        Dimension::Theme => label::<Theme>(value),
        Dimension::Status => label::<SheetStatus>(value),
        Dimension::Polarity => label::<Polarity>(value),
        Dimension::Category => label::<LessonCategory>(value),
        Dimension::Phase => label::<Phase>(value),
        Dimension::TerritoryType => label::<TerritoryType>(value),
        Dimension::Region => label::<Region>(value),
        Dimension::EvidenceLevel => label::<EvidenceLevel>(value),
        Dimension::Year => Some(value.to_owned()),
    }
}

/// A suggestion for the search box: a record (shown by its title), or a glossary term.
pub enum Suggestion {
    Record(Box<Found>),
    Term(String),
}

/// How far the index is behind the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexLag {
    /// Changes committed to the database and not yet in the index.
    pub pending: i64,
    /// Age of the oldest of them, in milliseconds.
    pub oldest_ms: i64,
}

/// The most terms one glossary entry may hold (and the most narrower terms).
pub const MAX_GLOSSARY_TERMS: usize = 20;

/// The longest source line of a glossary entry.
pub const MAX_GLOSSARY_SOURCE: usize = 300;

/// What a glossary entry is to say: its equivalent terms, and, when given, the narrower terms they
/// expand to one way and where the entry comes from.
#[derive(Debug, Clone, Default)]
pub struct GlossaryInput {
    pub terms: Vec<String>,
    pub narrower: Option<Vec<String>>,
    pub source: Option<String>,
}

/// Checks a list of glossary terms (each 1 to 200 characters, none twice once case and accents are
/// ignored, none among `others`, at most `MAX_GLOSSARY_TERMS`) and returns them trimmed.
fn glossary_terms(problems: &mut Problems, field: &str, terms: &[String], others: &[String]) -> Vec<String> {
    let mut cleaned: Vec<String> = Vec::new();
    for (i, term) in terms.iter().enumerate() {
        if let Some(term) = problems.check(format!("{field}[{i}]"), Title::parse(term)) {
            if cleaned.iter().chain(others).any(|known| fold(known) == fold(term.as_str())) {
                problems.add(format!("{field}[{i}]"), format!("`{term}` is listed twice"));
            } else {
                cleaned.push(term.to_string());
            }
        }
    }
    if terms.len() > MAX_GLOSSARY_TERMS {
        problems.add(field, format!("has {} terms, at most {MAX_GLOSSARY_TERMS} are allowed", terms.len()));
    }
    cleaned
}

impl App {
    /// Searches the records the viewer may find (published ones: search shows what the public may
    /// see) and returns the page ready to show: each hit as the index stores it (no database
    /// statement), its extracts of `snippet_chars` characters when asked for, and the facets
    /// labelled. The index work, highlighting included, runs in one job off the async executor.
    pub async fn search(
        &self,
        viewer: &Viewer,
        mut request: SearchRequest,
        snippet_chars: Option<usize>,
    ) -> Result<SearchPage> {
        request.visible = viewer.visibility().search_statuses();
        let (mut outcome, snippets) = self
            .on_index(move |index, synonyms| {
                let mut outcome = index.search(&request, synonyms)?;
                let started = std::time::Instant::now();
                let snippets: Vec<Vec<crate::search::Snippet>> = match snippet_chars {
                    None => outcome.hits.iter().map(|_| Vec::new()).collect(),
                    Some(chars) => {
                        let highlighter = index.highlighter(&outcome, chars)?;
                        outcome.cards.iter().map(|card| highlighter.snippets(card)).collect()
                    }
                };
                outcome.timings.snippets = started.elapsed();
                Ok((outcome, snippets))
            })
            .await?;
        let cards = std::mem::take(&mut outcome.cards);
        let hits = outcome
            .hits
            .iter()
            .zip(cards)
            .zip(snippets)
            .map(|((hit, card), snippets)| FoundHit { score: hit.score, kind: hit.kind, id: hit.id, card, snippets })
            .collect();
        let values: Vec<(Dimension, &str)> = outcome
            .facets
            .iter()
            .flat_map(|(dimension, values)| values.iter().map(|(value, _)| (*dimension, value.as_str())))
            .collect();
        let labels = self.labels(viewer, &values).await?;
        let facets = outcome
            .facets
            .iter()
            .map(|(dimension, values)| LabelledFacet {
                dimension: *dimension,
                // A programme or structure the viewer may not see is left out.
                values: values
                    .iter()
                    .filter_map(|(value, count)| {
                        let (value, label) = labels.get(*dimension, value)?;
                        Some((value, label, *count))
                    })
                    .collect(),
            })
            .collect();
        // Labelled as facet values are: the value to filter by (kinds in capitals) and its label.
        let interpretation = outcome
            .detected
            .iter()
            .filter_map(|detected| {
                let (value, label) = labels.get(detected.dimension, &detected.value)?;
                Some(Interpretation { dimension: detected.dimension, value, label, words: detected.words.clone() })
            })
            .collect();
        Ok(SearchPage {
            total: outcome.total,
            more: outcome.more,
            hits,
            facets,
            interpretation,
            timings: outcome.timings,
        })
    }

    /// Reads the records of hits as the viewer may see them now, in one lookup per kind; `None` at the
    /// place of a record gone from the database (or from the viewer's sight) since it was indexed.
    pub async fn found(&self, viewer: &Viewer, hits: &[Hit]) -> Result<Vec<Option<Found>>> {
        let ids = |kind: Kind| -> Vec<i64> { hits.iter().filter(|hit| hit.kind == kind).map(|hit| hit.id).collect() };
        let mut found: HashMap<(Kind, i64), Found> = HashMap::new();
        for kind in Kind::ALL {
            let wanted = ids(kind);
            if wanted.is_empty() {
                continue;
            }
            crate::domain::with_kind!(kind, |F, I| {
                let wanted: Vec<I> = wanted.into_iter().map(<I as RecordId>::new).collect();
                for record in self.get_many::<F>(viewer, &wanted).await? {
                    found.insert((kind, record.id.get()), Found::from(record));
                }
            });
        }
        Ok(hits.iter().map(|hit| found.remove(&(hit.kind, hit.id))).collect())
    }

    /// Labels the values of dimensions (see [`Labels`]), reading the programmes and structures they
    /// name under the viewer's visibility.
    pub async fn labels(&self, viewer: &Viewer, values: &[(Dimension, &str)]) -> Result<Labels> {
        let mut programme_ids = BTreeSet::new();
        let mut organisation_ids = BTreeSet::new();
        for (dimension, value) in values {
            match (*dimension, value.parse::<i64>()) {
                (Dimension::Programme, Ok(id)) => programme_ids.insert(ProgrammeId(id)),
                (Dimension::Structure, Ok(id)) => organisation_ids.insert(OrganisationId(id)),
                _ => false,
            };
        }
        let programme_ids: Vec<ProgrammeId> = programme_ids.into_iter().collect();
        let organisation_ids: Vec<OrganisationId> = organisation_ids.into_iter().collect();
        // Codes are labelled without the database: only ids are read there.
        let programmes = match programme_ids.is_empty() {
            true => Vec::new(),
            false => self.get_many::<ProgrammeFields>(viewer, &programme_ids).await?,
        };
        let organisations = match organisation_ids.is_empty() {
            true => Vec::new(),
            false => self.get_many::<OrganisationFields>(viewer, &organisation_ids).await?,
        };
        Ok(Labels {
            programmes: programmes.into_iter().map(|programme| (programme.id.get(), programme)).collect(),
            organisations: organisations
                .into_iter()
                .map(|organisation| (organisation.id.get(), organisation))
                .collect(),
        })
    }

    /// Runs blocking work on the index being served (with the current glossary) off the async
    /// executor.
    pub(super) async fn on_index<T: Send + 'static>(
        &self,
        job: impl FnOnce(&SearchIndex, &crate::search::Synonyms) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let indexer = Arc::clone(self.indexer()?);
        tokio::task::spawn_blocking(move || job(&indexer.index(), &indexer.synonyms()))
            .await
            .map_err(Error::internal)?
    }

    /// Suggests completions for what the viewer is typing: titles of records they may find, and glossary
    /// terms, glossary terms first.
    pub async fn suggest(&self, viewer: &Viewer, prefix: &str, limit: usize) -> Result<Vec<Suggestion>> {
        let indexer = Arc::clone(self.indexer()?);
        let visible = viewer.visibility().search_statuses();
        let typed = prefix.to_owned();
        let hits = tokio::task::spawn_blocking(move || indexer.index().suggest(&typed, &visible, limit))
            .await
            .map_err(Error::internal)??;
        // The glossary the indexer holds in memory (reloaded with every edit): no query per keystroke.
        let mut suggestions: Vec<Suggestion> =
            self.indexer()?.synonyms().complete(prefix, limit).into_iter().map(Suggestion::Term).collect();
        // The records as the database holds them now (one lookup per kind); one gone since it was
        // indexed is left out.
        let found = self.found(viewer, &hits).await?;
        suggestions.extend(found.into_iter().flatten().map(|record| Suggestion::Record(Box::new(record))));
        suggestions.truncate(limit);
        Ok(suggestions)
    }

    /// Returns records like this one ("more like this"), among those the viewer may find.
    pub async fn similar(&self, viewer: &Viewer, kind: Kind, id: i64, limit: usize) -> Result<Vec<Hit>> {
        // What the index holds of the record (`domain::Searchable`), read as the viewer may.
        let text = match kind {
            Kind::Sheet => self.get::<SheetFields>(viewer, SheetId(id)).await?.fields.searchable_text(),
            Kind::Lesson => self.get::<LessonFields>(viewer, LessonId(id)).await?.fields.searchable_text(),
            Kind::Programme => self.get::<ProgrammeFields>(viewer, ProgrammeId(id)).await?.fields.searchable_text(),
            other => {
                return Err(Error::invalid(
                    "id",
                    format!("similar records are found for sheets, lessons and programmes, not a {}", other.as_str()),
                ));
            }
        };
        let indexer = Arc::clone(self.indexer()?);
        let visible = viewer.visibility().search_statuses();
        tokio::task::spawn_blocking(move || indexer.index().similar(&text.parts(), &[], &[(kind, id)], &visible, limit))
            .await
            .map_err(Error::internal)?
    }

    /// Returns the glossary of synonyms.
    pub async fn glossary(&self) -> Result<Vec<GlossaryEntry>> {
        store::glossary(self.store.connection()).await
    }

    /// Creates a glossary entry, or replaces what entry `id` says at `expected_version` (narrower
    /// terms and the source kept as they are when not given). Search uses the new glossary as soon as
    /// this returns, without a restart.
    pub async fn save_glossary_entry(
        &self,
        viewer: &Viewer,
        id: Option<i64>,
        expected_version: i32,
        input: GlossaryInput,
    ) -> Result<GlossaryEntry> {
        allowed(viewer.may_administer())?;
        let mut problems = Problems::default();
        let terms = glossary_terms(&mut problems, "terms", &input.terms, &[]);
        let stored = match id {
            Some(id) => self.glossary().await?.into_iter().find(|entry| entry.id == id),
            None => None,
        };
        let narrower = match input.narrower {
            Some(narrower) => glossary_terms(&mut problems, "narrower", &narrower, &terms),
            None => stored.as_ref().map(|entry| entry.narrower.clone()).unwrap_or_default(),
        };
        let source = match input.source {
            Some(source) => source.trim().to_owned(),
            None => stored.map(|entry| entry.source).unwrap_or_default(),
        };
        if terms.len() < 2 && (terms.is_empty() || narrower.is_empty()) {
            problems.add(
                "terms",
                "a glossary entry groups at least two equivalent terms, or one term and the narrower terms it expands to",
            );
        }
        if source.chars().count() > MAX_GLOSSARY_SOURCE || source.contains('\n') {
            problems.add("source", format!("is one line of at most {MAX_GLOSSARY_SOURCE} characters"));
        }
        problems.into_result()?;
        let text = store::GlossaryText { terms, narrower, source };
        let tx = self.store.begin().await?;
        let id = store::save_glossary_entry(&tx, id, expected_version, &text).await?;
        let sequence = store::glossary_changed(&tx, id).await?;
        store::commit(tx).await?;
        self.searchable(sequence, SEARCHABLE_WAIT).await;
        let entry = self.glossary().await?.into_iter().find(|entry| entry.id == id);
        entry.ok_or_else(|| Error::NotFound(format!("glossary entry {id}")))
    }

    /// Removes a glossary entry at `expected_version`.
    pub async fn remove_glossary_entry(&self, viewer: &Viewer, id: i64, expected_version: i32) -> Result<()> {
        allowed(viewer.may_administer())?;
        let tx = self.store.begin().await?;
        store::remove_glossary_entry(&tx, id, expected_version).await?;
        let sequence = store::glossary_changed(&tx, id).await?;
        store::commit(tx).await?;
        self.searchable(sequence, SEARCHABLE_WAIT).await;
        Ok(())
    }

    /// Returns how far the search index is behind the database (`None` when search is off).
    pub async fn index_lag(&self) -> Result<Option<IndexLag>> {
        let Some(indexer) = &self.search else { return Ok(None) };
        let applied = indexer.applied();
        let conn = self.store.connection();
        let latest = store::latest_change(conn).await?.map_or(0, |change| change.sequence);
        let oldest = store::changes_after(conn, applied, 1).await?;
        let oldest_ms =
            oldest.first().map_or(0, |change| (chrono::Utc::now() - change.created_at).num_milliseconds().max(0));
        Ok(Some(IndexLag { pending: (latest - applied).max(0), oldest_ms }))
    }

    /// Returns what the reconciliations of the index with the database found (`None` when search is
    /// off).
    pub fn reconciliation(&self) -> Option<Reconciliation> {
        self.search.as_ref().map(|indexer| indexer.reconciliation())
    }

    /// Returns the last change the index holds (`None` when search is off).
    pub fn index_applied(&self) -> Option<i64> {
        self.search.as_ref().map(|indexer| indexer.applied())
    }

    /// Asks for a reconciliation of the index with the database now.
    pub fn reconcile_now(&self) -> Result<()> {
        self.indexer()?.reconcile_now();
        Ok(())
    }

    /// Returns the search index being served, if search is on (for benchmarks and diagnostics).
    pub fn search_index(&self) -> Option<Arc<SearchIndex>> {
        self.search.as_ref().map(|indexer| indexer.index())
    }

    /// Returns what the index holds, as (kind, id, version), for consistency checks.
    pub async fn index_contents(&self) -> Result<Vec<(Kind, i64, i32)>> {
        let indexer = Arc::clone(self.indexer()?);
        tokio::task::spawn_blocking(move || indexer.index().contents()).await.map_err(Error::internal)?
    }
}
