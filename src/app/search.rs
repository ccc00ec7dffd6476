//! Search, suggestions, similar records and the glossary, and the state of the index.

use super::*;

/// One page of search results.
pub struct SearchPage {
    pub outcome: SearchOutcome,
    /// What highlights the hits, when snippets were asked for.
    pub highlighter: Option<Highlighter>,
}

/// A suggestion for the search box: a record's title, or a glossary term.
pub enum Suggestion {
    Record(Hit),
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

/// The most terms one glossary entry may hold.
pub const MAX_GLOSSARY_TERMS: usize = 20;

impl App {
    /// Searches the records the viewer may find (published ones: search shows what the public may
    /// see), with a highlighter of extracts of `snippet_chars` characters when asked for one. Runs off
    /// the async executor.
    pub async fn search(
        &self,
        viewer: &Viewer,
        mut request: SearchRequest,
        snippet_chars: Option<usize>,
    ) -> Result<SearchPage> {
        request.visible = viewer.visibility().search_statuses();
        self.on_index(move |index, synonyms| {
            let outcome = index.search(&request, synonyms)?;
            let highlighter = snippet_chars.map(|chars| index.highlighter(&outcome, chars)).transpose()?;
            Ok(SearchPage { outcome, highlighter })
        })
        .await
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
        suggestions.extend(hits.into_iter().map(Suggestion::Record));
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
        tokio::task::spawn_blocking(move || indexer.index().similar(&text.parts(), (kind, id), &visible, limit))
            .await
            .map_err(Error::internal)?
    }

    /// Returns the glossary of synonyms.
    pub async fn glossary(&self) -> Result<Vec<GlossaryEntry>> {
        store::glossary(self.store.connection()).await
    }

    /// Creates a glossary entry, or replaces the terms of entry `id` at `expected_version`. Search uses
    /// the new glossary as soon as this returns, without a restart.
    pub async fn save_glossary_entry(
        &self,
        viewer: &Viewer,
        id: Option<i64>,
        expected_version: i32,
        terms: &[String],
    ) -> Result<GlossaryEntry> {
        allowed(viewer.may_administer())?;
        let mut problems = Problems::default();
        let mut cleaned: Vec<String> = Vec::new();
        for (i, term) in terms.iter().enumerate() {
            if let Some(term) = problems.check(format!("terms[{i}]"), Title::parse(term)) {
                if cleaned.iter().any(|known| fold(known) == fold(term.as_str())) {
                    problems.add(format!("terms[{i}]"), format!("`{term}` is listed twice"));
                } else {
                    cleaned.push(term.to_string());
                }
            }
        }
        if terms.len() < 2 {
            problems.add("terms", "a glossary entry groups at least two equivalent terms");
        }
        if terms.len() > MAX_GLOSSARY_TERMS {
            problems.add("terms", format!("has {} terms, at most {MAX_GLOSSARY_TERMS} are allowed", terms.len()));
        }
        problems.into_result()?;
        let tx = self.store.begin().await?;
        let id = store::save_glossary_entry(&tx, id, expected_version, &cleaned).await?;
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
