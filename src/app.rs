//! The use cases of retex: every read goes through the visibility of the viewer, and every write is
//! one transaction that changes the record, appends its revision (the new state, with author and
//! reason) and appends a change to the log that the search index and subscriptions follow.
//!
//! This is the layer the API calls; it knows the store and the domain, never a wire format except the
//! dataset form used for revision snapshots.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::dataset::{self, Dataset, Names};
use crate::domain::*;
use crate::error::{Error, Result};
use crate::indexer::{FailureInjection, Indexer, IndexerOptions, Reconciliation};
use crate::search::analysis::fold;
use crate::search::{Highlighter, Hit, SearchIndex, SearchOutcome, SearchRequest};
pub use crate::store::ChangeAction;
use crate::store::{self, Edit, GlossaryEntry, Reverse, Revision, Store, StoreSettings, StoredKind};

/// The application: the store, the search index that follows it, and what the use cases share.
#[derive(Clone)]
pub struct App {
    store: Store,
    search: Option<Arc<Indexer>>,
}

/// A lesson and how often it recurs.
#[derive(Debug, Clone)]
pub struct RecurrentLesson {
    pub lesson: Lesson,
    /// Distinct published programmes of the published sheets it was observed in.
    pub programmes: i64,
    /// Distinct published sheets it was observed in.
    pub sheets: i64,
    /// Distinct published sheets that contradict it.
    pub contradicting: i64,
}

/// A change of a record, as a live subscription reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeEvent {
    pub sequence: i64,
    pub kind: Kind,
    pub action: ChangeAction,
    pub at: chrono::DateTime<chrono::Utc>,
    /// The record, when the viewer may see it now; `None` for a record that left the viewer's sight
    /// (unpublished, archived), whose figures changed all the same.
    pub record: Option<i64>,
}

/// How long a write waits for its change to be searchable before it returns anyway. Writes return
/// once their change is searchable, so a client that creates a sheet and searches for it finds it;
/// past this bound (an indexer far behind), the write still succeeded and the change follows.
pub const SEARCHABLE_WAIT: Duration = Duration::from_secs(2);

/// A kind of record that can be edited through drafts and kept in revisions.
pub trait Editable: StoredKind {
    type Draft: Send;
    fn to_draft(&self) -> Self::Draft;
    fn validate(draft: &Self::Draft) -> std::result::Result<Self, Vec<FieldProblem>>;
    /// Returns the records this one refers to: field path, kind and id.
    fn references(&self) -> Vec<(String, Kind, i64)>;
    /// Returns the record in the dataset form, references by slug, as JSON.
    fn snapshot(record: &Record<Self::Id, Self>, names: &Names) -> Result<String>;
}

fn refs<I: RecordId>(field: &str, ids: &[I]) -> Vec<(String, Kind, i64)> {
    ids.iter().enumerate().map(|(i, id)| (format!("{field}[{i}]"), I::KIND, id.get())).collect()
}

fn opt_ref<I: RecordId>(field: &str, id: Option<I>) -> Vec<(String, Kind, i64)> {
    id.map(|id| vec![(field.to_owned(), I::KIND, id.get())]).unwrap_or_default()
}

fn json(value: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(Error::internal)
}

impl Editable for OrganisationFields {
    type Draft = OrganisationDraft;
    fn to_draft(&self) -> OrganisationDraft {
        OrganisationFields::to_draft(self)
    }
    fn validate(draft: &OrganisationDraft) -> std::result::Result<Self, Vec<FieldProblem>> {
        draft.validate()
    }
    fn references(&self) -> Vec<(String, Kind, i64)> {
        Vec::new()
    }
    fn snapshot(record: &Organisation, _names: &Names) -> Result<String> {
        json(&dataset::OrganisationRecord::from_record(record))
    }
}

impl Editable for TerritoryFields {
    type Draft = TerritoryDraft;
    fn to_draft(&self) -> TerritoryDraft {
        TerritoryFields::to_draft(self)
    }
    fn validate(draft: &TerritoryDraft) -> std::result::Result<Self, Vec<FieldProblem>> {
        draft.validate()
    }
    fn references(&self) -> Vec<(String, Kind, i64)> {
        Vec::new()
    }
    fn snapshot(record: &Territory, _names: &Names) -> Result<String> {
        json(&dataset::TerritoryRecord::from_record(record))
    }
}

impl Editable for ProgrammeFields {
    type Draft = ProgrammeDraft;
    fn to_draft(&self) -> ProgrammeDraft {
        ProgrammeFields::to_draft(self)
    }
    fn validate(draft: &ProgrammeDraft) -> std::result::Result<Self, Vec<FieldProblem>> {
        draft.validate()
    }
    fn references(&self) -> Vec<(String, Kind, i64)> {
        let mut all = opt_ref("operator", self.operator);
        all.extend(refs("funders", &self.funders));
        all.extend(opt_ref("parent", self.parent));
        all
    }
    fn snapshot(record: &Programme, names: &Names) -> Result<String> {
        json(&dataset::ProgrammeRecord::from_record(record, names))
    }
}

impl Editable for SheetFields {
    type Draft = SheetDraft;
    fn to_draft(&self) -> SheetDraft {
        SheetFields::to_draft(self)
    }
    fn validate(draft: &SheetDraft) -> std::result::Result<Self, Vec<FieldProblem>> {
        draft.validate()
    }
    fn references(&self) -> Vec<(String, Kind, i64)> {
        let mut all = refs("programmes", &self.programmes);
        all.extend(refs("territories", &self.territories));
        all.extend(opt_ref("supportingStructure", self.supporting_structure));
        all.extend(opt_ref("projectHolder", self.project_holder));
        all.extend(refs("partners", &self.partners));
        all
    }
    fn snapshot(record: &Sheet, names: &Names) -> Result<String> {
        json(&dataset::SheetRecord::from_record(record, names))
    }
}

impl Editable for LessonFields {
    type Draft = LessonDraft;
    fn to_draft(&self) -> LessonDraft {
        LessonFields::to_draft(self)
    }
    fn validate(draft: &LessonDraft) -> std::result::Result<Self, Vec<FieldProblem>> {
        draft.validate()
    }
    fn references(&self) -> Vec<(String, Kind, i64)> {
        let sheets: Vec<SheetId> = self.evidence_links.iter().map(|link| link.sheet).collect();
        refs("evidenceLinks", &sheets)
            .into_iter()
            .map(|(field, kind, id)| (format!("{field}.sheet"), kind, id))
            .collect()
    }
    fn snapshot(record: &Lesson, names: &Names) -> Result<String> {
        json(&dataset::LessonRecord::from_record(record, names))
    }
}

/// Returns the slugs of records of one kind, whatever their status.
async fn slugs_of<C: store::Connection>(conn: &C, kind: Kind, ids: &[i64]) -> Result<HashMap<i64, String>> {
    Ok(store::visible_keys(conn, kind, &everything(), store::Keys::Ids(ids)).await?.into_iter().collect())
}

/// Checks that every reference exists and returns their slugs, for the snapshot.
async fn resolve_references<K: Editable, C: store::Connection>(conn: &C, fields: &K) -> Result<Names> {
    let references = fields.references();
    let mut by_kind: HashMap<Kind, Vec<i64>> = HashMap::new();
    for (_, kind, id) in &references {
        by_kind.entry(*kind).or_default().push(*id);
    }
    let mut names = Names::default();
    let mut found: HashMap<Kind, HashMap<i64, String>> = HashMap::new();
    for (kind, ids) in by_kind {
        found.insert(kind, slugs_of(conn, kind, &ids).await?);
    }
    let mut problems = Problems::default();
    for (field, kind, id) in references {
        match found.get(&kind).and_then(|slugs| slugs.get(&id)) {
            Some(slug) => names.insert(kind, id, slug),
            None => problems.add(field, format!("no {} with id {id}", kind.as_str())),
        }
    }
    problems.into_result()?;
    Ok(names)
}

/// Writes the revision and the change of a record's new state, in the caller's transaction.
async fn journal<K: Editable, C: store::Connection>(
    conn: &C,
    record: &Record<K::Id, K>,
    action: ChangeAction,
    author: &str,
    reason: Option<String>,
) -> Result<i64> {
    let mut names = resolve_references::<K, C>(conn, &record.fields).await?;
    names.insert(K::KIND, record.id.get(), record.fields.slug().as_str());
    store::record_revision(conn, &revision_of(record, action, author, reason, &names)?).await
}

/// The revision of a record just written: its new version and time, and its snapshot, whose
/// references `names` gives by slug.
fn revision_of<K: Editable>(
    record: &Record<K::Id, K>,
    action: ChangeAction,
    author: &str,
    reason: Option<String>,
    names: &Names,
) -> Result<Revision> {
    Ok(Revision {
        kind: K::KIND,
        record_id: record.id.get(),
        version: record.meta.version,
        action,
        author: author.to_owned(),
        reason,
        created_at: record.meta.updated_at,
        snapshot: K::snapshot(record, names)?,
    })
}

/// A visibility that sees every record: used inside writes, after the caller's right to write was
/// checked, to read back what the write produced.
fn everything() -> Visibility {
    Visibility::everything()
}

fn allowed(check: std::result::Result<(), String>) -> Result<()> {
    check.map_err(Error::Forbidden)
}

/// The length of an API token's secret, in random bytes.
const SECRET_BYTES: usize = 32;
/// What every secret starts with, so that a leaked one is recognisable (and scannable).
pub const SECRET_PREFIX: &str = "retex_";

/// Draws a new secret: the prefix and 32 random bytes in URL-safe base64.
fn new_secret() -> Result<String> {
    use base64::Engine;
    let mut bytes = [0u8; SECRET_BYTES];
    getrandom::fill(&mut bytes).map_err(|err| Error::internal(format!("no randomness for a token: {err}")))?;
    Ok(format!("{SECRET_PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)))
}

/// The digest under which a secret is stored and looked up: SHA-256, in hex. The secrets are 256
/// random bits, so a fast digest is enough (no password stretching needed).
fn digest(secret: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(secret.as_bytes()))
}

fn check_reason(reason: Option<&str>) -> Result<Option<String>> {
    match reason.map(str::trim) {
        None | Some("") => Ok(None),
        Some(reason) => Prose::parse(reason)
            .map(|reason| Some(reason.to_string()))
            .map_err(|problem| Error::invalid("reason", problem)),
    }
}

impl App {
    /// Opens the database at `url` and applies pending migrations.
    pub async fn open(url: &str) -> Result<Self> {
        Self::open_with(url, &StoreSettings::default()).await
    }

    /// Opens the database at `url` with these settings and applies pending migrations (one server
    /// at a time: servers started together wait for each other).
    pub async fn open_with(url: &str, settings: &StoreSettings) -> Result<Self> {
        let store = Store::connect_with(url, settings).await?;
        store.migrate().await?;
        Ok(Self { store, search: None })
    }

    /// Opens the database and the search index in `index_dir`, and starts the indexer that keeps the
    /// index equal to the database.
    pub async fn open_with_search(url: &str, index_dir: &Path, failure: FailureInjection) -> Result<Self> {
        let options = IndexerOptions { failure, ..IndexerOptions::default() };
        Self::open_search_with(url, &StoreSettings::default(), index_dir, options).await
    }

    /// Like `open_with_search`, with these database settings.
    pub async fn open_search_with(
        url: &str,
        settings: &StoreSettings,
        index_dir: &Path,
        options: IndexerOptions,
    ) -> Result<Self> {
        let mut app = Self::open_with(url, settings).await?;
        let root = index_dir.to_owned();
        let index = match open_current(&root).await? {
            Some(index) => index,
            None => {
                tracing::info!(dir = %index_dir.display(), "building the search index from the database");
                crate::indexer::rebuild(&app.store, &root, &Progress::default()).await?;
                open_current(&root).await?.ok_or_else(|| Error::internal("the rebuilt index cannot be opened"))?
            }
        };
        app.search = Some(Arc::new(Indexer::start(app.store.clone(), root, index, options)?));
        Ok(app)
    }

    /// Stops the indexer after its current batch (what it had not committed is redone at the next
    /// start). Call it before the runtime stops.
    pub async fn shutdown(&self) {
        if let Some(indexer) = &self.search {
            let indexer = Arc::clone(indexer);
            let _ = tokio::task::spawn_blocking(move || indexer.shutdown()).await;
        }
    }

    /// Waits (at most `SEARCHABLE_WAIT`) until change `sequence` is searchable.
    async fn searchable(&self, sequence: i64, wait: Duration) {
        if let Some(indexer) = &self.search
            && !indexer.wait_for(sequence, wait).await
        {
            tracing::warn!(sequence, "the change is committed but not yet searchable");
        }
    }

    fn indexer(&self) -> Result<&Arc<Indexer>> {
        self.search.as_ref().ok_or_else(|| Error::internal("search is not enabled on this server"))
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Returns one visible record, or NOT_FOUND.
    pub async fn get<K: StoredKind>(&self, viewer: &Viewer, id: K::Id) -> Result<Record<K::Id, K>> {
        store::get::<K, _>(self.store.connection(), &viewer.visibility(), id).await
    }

    /// Returns the visible records among these ids, in the order of the ids.
    pub async fn get_many<K: StoredKind>(&self, viewer: &Viewer, ids: &[K::Id]) -> Result<Vec<Record<K::Id, K>>> {
        store::get_many::<K, _>(self.store.connection(), &viewer.visibility(), ids).await
    }

    /// Returns the id of the visible record with this slug.
    pub async fn id_by_slug<K: StoredKind>(&self, viewer: &Viewer, slug: &str) -> Result<Option<K::Id>> {
        store::id_by_slug::<K, _>(self.store.connection(), &viewer.visibility(), slug).await
    }

    /// Returns one page of a list.
    pub async fn list<K: StoredKind>(
        &self,
        viewer: &Viewer,
        statuses: &[PublicationStatus],
        filter: &K::Filter,
        sort: Sort,
        page: &PageRequest,
    ) -> Result<Page<Record<K::Id, K>>> {
        store::list::<K, _>(self.store.connection(), &viewer.visibility(), statuses, filter, sort, page).await
    }

    /// Counts the records of a list.
    pub async fn count<K: StoredKind>(
        &self,
        viewer: &Viewer,
        statuses: &[PublicationStatus],
        filter: &K::Filter,
    ) -> Result<u64> {
        store::count::<K, _>(self.store.connection(), &viewer.visibility(), statuses, filter).await
    }

    /// Returns the ids related to each of these ids through `relation`, visible to the viewer.
    pub async fn related(&self, viewer: &Viewer, relation: Reverse, ids: &[i64]) -> Result<HashMap<i64, Vec<i64>>> {
        store::reverse(self.store.connection(), relation, ids, &viewer.visibility()).await
    }

    /// Returns the revision history of records the viewer may see, oldest first.
    pub async fn revisions(&self, viewer: &Viewer, kind: Kind, ids: &[i64]) -> Result<Vec<Revision>> {
        // The history holds past drafts: it is read by those who see the record beyond its published
        // state (administrators, and contributors and reviewers within their scope).
        if !viewer.reads_history() {
            return Ok(Vec::new());
        }
        let conn = self.store.connection();
        let revisions = match viewer.write_scope() {
            None => store::revisions(conn, kind, ids).await?,
            Some(scope) => {
                let within: Vec<i64> = store::within_scope(conn, kind, ids, scope).await?.into_iter().collect();
                store::revisions(conn, kind, &within).await?
            }
        };
        self.redacted(viewer, revisions).await
    }

    /// Passes revision snapshots through the visibility rule, the records they name included: a
    /// reference to a record the viewer may not see now is left out, as an export leaves it out, so
    /// a history never reveals a draft's slug.
    async fn redacted(&self, viewer: &Viewer, mut revisions: Vec<Revision>) -> Result<Vec<Revision>> {
        let visibility = viewer.visibility();
        if visibility.sees_everything() || revisions.is_empty() {
            return Ok(revisions);
        }
        // A snapshot that no longer reads as a record (written by an older version) cannot be
        // checked: it is withheld, never shown unchecked.
        let records: Vec<Option<Dataset>> = revisions
            .iter()
            .map(|revision| {
                Dataset::of_record(revision.kind, &revision.snapshot)
                    .inspect_err(|err| {
                        tracing::warn!(kind = revision.kind.as_str(), id = revision.record_id, version = revision.version,
                            error = %err, "a revision's snapshot is unreadable; withheld");
                    })
                    .ok()
            })
            .collect();
        let mut wanted: HashMap<Kind, BTreeSet<String>> = HashMap::new();
        for record in records.iter().flatten() {
            for (kind, slugs) in record.references() {
                wanted.entry(kind).or_default().extend(slugs);
            }
        }
        let conn = self.store.connection();
        let mut names = Names::default();
        for (kind, slugs) in wanted {
            let slugs: Vec<String> = slugs.into_iter().collect();
            let visible = store::visible_keys(conn, kind, &visibility, store::Keys::Slugs(&slugs)).await?;
            for (id, slug) in visible {
                names.insert(kind, id, &slug);
            }
        }
        for (revision, record) in revisions.iter_mut().zip(records) {
            revision.snapshot = match record {
                Some(record) => record.keeping_known_references(&names).record_json().map_err(Error::internal)?,
                None => "{}".to_owned(),
            };
        }
        Ok(revisions)
    }

    /// Creates a record as a DRAFT.
    pub async fn create<K: Editable>(&self, viewer: &Viewer, draft: K::Draft) -> Result<Record<K::Id, K>> {
        allowed(viewer.may_create())?;
        let mut fields = K::validate(&draft)?;
        self.check_references(viewer, &fields, None).await?;
        self.settle_slug(viewer, &mut fields, None).await?;
        let tx = self.store.begin().await?;
        let (record, sequence) =
            create_in::<K, _>(&tx, &fields, PublicationStatus::Draft, &viewer.author(), viewer.owner()).await?;
        store::commit(tx).await?;
        tracing::info!(kind = K::KIND.as_str(), id = record.id.get(), "record created");
        self.searchable(sequence, SEARCHABLE_WAIT).await;
        Ok(record)
    }

    /// Applies `edit` to the draft of the current fields of a record at `expected_version`, validates
    /// the result and stores it as the next version. A stale version gets CONFLICT.
    pub async fn update<K: Editable>(
        &self,
        viewer: &Viewer,
        id: K::Id,
        expected_version: i32,
        edit: impl FnOnce(&mut K::Draft) -> std::result::Result<(), Vec<FieldProblem>> + Send,
    ) -> Result<Record<K::Id, K>> {
        let current = self.get::<K>(viewer, id).await?;
        allowed(viewer.may_edit(current.meta.publication_status, self.placement(viewer, &current).await?))?;
        if current.meta.version != expected_version {
            return Err(stale(K::KIND, id.get(), current.meta.version, expected_version));
        }
        let mut draft = current.fields.to_draft();
        edit(&mut draft)?;
        let mut fields = K::validate(&draft)?;
        self.check_references(viewer, &fields, Some(&current.fields)).await?;
        if fields.slug() != current.fields.slug() {
            self.settle_slug(viewer, &mut fields, Some(id.get())).await?;
        }
        self.check_hierarchy::<K>(id, &fields).await?;
        let tx = self.store.begin().await?;
        store::update::<K, _>(&tx, id, expected_version, Edit { fields: Some(&fields), status: None }).await?;
        let record = store::get::<K, _>(&tx, &everything(), id).await?;
        let sequence = journal(&tx, &record, ChangeAction::Updated, &viewer.author(), None).await?;
        store::commit(tx).await?;
        tracing::info!(kind = K::KIND.as_str(), id = id.get(), version = record.meta.version, "record updated");
        self.searchable(sequence, SEARCHABLE_WAIT).await;
        Ok(record)
    }

    /// Moves a record through the publication workflow.
    pub async fn set_status<K: Editable>(
        &self,
        viewer: &Viewer,
        id: K::Id,
        expected_version: i32,
        status: PublicationStatus,
        reason: Option<&str>,
    ) -> Result<Record<K::Id, K>> {
        let reason = check_reason(reason)?;
        let current = self.get::<K>(viewer, id).await?;
        let from = current.meta.publication_status;
        allowed(viewer.may_move(from, status, self.placement(viewer, &current).await?))?;
        if current.meta.version != expected_version {
            return Err(stale(K::KIND, id.get(), current.meta.version, expected_version));
        }
        workflow::check_transition(current.meta.publication_status, status, reason.as_deref())
            .map_err(|problem| Error::invalid("status", problem))?;
        let action =
            if status == PublicationStatus::Archived { ChangeAction::Archived } else { ChangeAction::StatusChanged };
        let tx = self.store.begin().await?;
        store::update::<K, _>(&tx, id, expected_version, Edit { fields: None, status: Some(status) }).await?;
        let record = store::get::<K, _>(&tx, &everything(), id).await?;
        let sequence = journal(&tx, &record, action, &viewer.author(), reason).await?;
        store::commit(tx).await?;
        self.searchable(sequence, SEARCHABLE_WAIT).await;
        tracing::info!(kind = K::KIND.as_str(), id = id.get(), status = status.code(), "publication status changed");
        Ok(record)
    }

    /// Checks that every record `fields` refers to, beyond those `before` already referred to, is one
    /// the viewer may see: any other is NOT_FOUND, exactly as if it did not exist (a write must not
    /// reach, nor reveal by its answer or its revision, a record its author cannot read).
    async fn check_references<K: Editable>(&self, viewer: &Viewer, fields: &K, before: Option<&K>) -> Result<()> {
        let kept: HashSet<(Kind, i64)> = before
            .map(|before| before.references().into_iter().map(|(_, kind, id)| (kind, id)).collect())
            .unwrap_or_default();
        let added: Vec<(String, Kind, i64)> =
            fields.references().into_iter().filter(|(_, kind, id)| !kept.contains(&(*kind, *id))).collect();
        if added.is_empty() {
            return Ok(());
        }
        let visibility = viewer.visibility();
        let conn = self.store.connection();
        let mut by_kind: HashMap<Kind, Vec<i64>> = HashMap::new();
        for (_, kind, id) in &added {
            by_kind.entry(*kind).or_default().push(*id);
        }
        let mut visible: HashSet<(Kind, i64)> = HashSet::new();
        for (kind, ids) in by_kind {
            let found = store::visible_keys(conn, kind, &visibility, store::Keys::Ids(&ids)).await?;
            visible.extend(found.into_iter().map(|(id, _)| (kind, id)));
        }
        match added.iter().find(|(_, kind, id)| !visible.contains(&(*kind, *id))) {
            Some((field, kind, id)) => Err(Error::NotFound(format!("{field}: {} {id}", kind.as_str()))),
            None => Ok(()),
        }
    }

    /// Settles the slug of a record about to be written. A slug held by a record the viewer may see
    /// is a CONFLICT, which the viewer can act on; one held only by a record it may not see is
    /// answered as a free one would be: the record takes the first free numbered variant
    /// (`garage-solidaire-2`), which the answer shows, so that a taken slug never reveals a draft.
    async fn settle_slug<K: Editable>(&self, viewer: &Viewer, fields: &mut K, own: Option<i64>) -> Result<()> {
        let conn = self.store.connection();
        let slug = fields.slug().clone();
        match store::id_by_slug::<K, _>(conn, &everything(), slug.as_str()).await? {
            None => return Ok(()),
            Some(holder) if Some(holder.get()) == own => return Ok(()),
            Some(_) => {}
        }
        if store::id_by_slug::<K, _>(conn, &viewer.visibility(), slug.as_str()).await?.is_some() {
            return Err(Error::Conflict(format!(
                "a {} with the slug `{slug}` already exists; choose another slug",
                K::KIND.as_str()
            )));
        }
        for n in 2..=1_000 {
            let candidate = slug.numbered(n);
            if store::id_by_slug::<K, _>(conn, &everything(), candidate.as_str()).await?.is_none() {
                fields.set_slug(candidate);
                return Ok(());
            }
        }
        Err(Error::Conflict(format!("no free variant of the slug `{slug}` is left; choose another slug")))
    }

    /// Measures where a record stands relative to the viewer's scope (the record's owner is known;
    /// whether it belongs to the viewer's programme costs one statement).
    async fn placement<K: StoredKind>(&self, viewer: &Viewer, record: &Record<K::Id, K>) -> Result<Placement> {
        let Some(scope) = viewer.write_scope() else { return Ok(Placement::default()) };
        let own_record =
            K::KIND == Kind::Organisation && scope.organisation.map(|id| id.get()) == Some(record.id.get());
        let in_organisation = scope.organisation.is_some() && (record.meta.owner == scope.organisation || own_record);
        let in_programme = match scope.programme {
            None => false,
            Some(programme) => {
                let only_programme = Scope { organisation: None, programme: Some(programme) };
                let id = record.id.get();
                store::within_scope(self.store.connection(), K::KIND, &[id], only_programme).await?.contains(&id)
            }
        };
        Ok(Placement { in_organisation, in_programme })
    }

    /// Creates an API token (administrators only) and returns it with its secret, which is shown
    /// this once and stored only as a digest.
    pub async fn create_token(&self, viewer: &Viewer, token: NewToken) -> Result<(ApiToken, String)> {
        allowed(viewer.may_administer())?;
        let conn = self.store.connection();
        let mut problems = Problems::default();
        if let Some(organisation) = token.organisation
            && store::slugs::<OrganisationFields, _>(conn, &[organisation.get()]).await?.is_empty()
        {
            problems.add("organisation", format!("there is no organisation {organisation}"));
        }
        if let Some(programme) = token.programme
            && store::slugs::<ProgrammeFields, _>(conn, &[programme.get()]).await?.is_empty()
        {
            problems.add("programme", format!("there is no programme {programme}"));
        }
        problems.into_result()?;
        let secret = new_secret()?;
        let stored = store::insert_token(self.store.writer(), &token, &digest(&secret), &viewer.author()).await?;
        tracing::info!(token = stored.id, role = stored.role.code(), by = %viewer.author(), "API token created");
        Ok((stored, secret))
    }

    /// Revokes an API token (administrators only): requests that present it are refused from now on.
    pub async fn revoke_token(&self, viewer: &Viewer, id: i64) -> Result<ApiToken> {
        allowed(viewer.may_administer())?;
        if let Viewer::Account(account) = viewer
            && account.token == id
        {
            return Err(Error::invalid(
                "id",
                "this is the token the request is made with; revoke it with another admin token or `retex token revoke`",
            ));
        }
        let token = store::revoke_token(self.store.writer(), id).await?;
        tracing::info!(token = id, by = %viewer.author(), "API token revoked");
        Ok(token)
    }

    /// Lists the API tokens (administrators only), revoked ones included.
    pub async fn tokens(&self, viewer: &Viewer) -> Result<Vec<ApiToken>> {
        allowed(viewer.may_administer())?;
        store::tokens(self.store.connection()).await
    }

    /// Returns the identity of a request presenting `secret`, or `None` when no active token has it.
    pub async fn authenticate(&self, secret: &str) -> Result<Option<Viewer>> {
        if !secret.starts_with(SECRET_PREFIX) || secret.len() > 200 {
            return Ok(None);
        }
        let token = store::token_by_digest(self.store.connection(), &digest(secret)).await?;
        Ok(token.filter(|token| token.revoked_at.is_none()).map(|token| Viewer::Account(token.account())))
    }

    /// Returns whether a caller still has the rights it had when it was authenticated: the system and
    /// anonymous callers always do; an account as long as its token is not revoked and says the same
    /// role and scope. What long-lived connections (subscriptions) check again and again.
    pub async fn still_authorised(&self, viewer: &Viewer) -> Result<bool> {
        let Viewer::Account(account) = viewer else { return Ok(true) };
        let token = store::token_by_id(self.store.connection(), account.token).await?;
        Ok(token.is_some_and(|token| token.revoked_at.is_none() && token.account() == *account))
    }

    /// A programme cannot be its own ancestor.
    async fn check_hierarchy<K: Editable>(&self, id: K::Id, fields: &K) -> Result<()> {
        if K::KIND != Kind::Programme {
            return Ok(());
        }
        let parent =
            fields.references().into_iter().find(|(field, _, _)| field == "parent").map(|(_, _, parent)| parent);
        let mut cursor = parent;
        let mut depth = 0;
        while let Some(ancestor) = cursor {
            if ancestor == id.get() {
                return Err(Error::invalid(
                    "parent",
                    "a programme cannot be nested inside itself or one of its sub-programmes",
                ));
            }
            depth += 1;
            if depth > 32 {
                return Err(Error::invalid("parent", "programmes nest at most 32 levels deep"));
            }
            let found =
                store::get_many::<ProgrammeFields, _>(self.store.connection(), &everything(), &[ProgrammeId(ancestor)])
                    .await?;
            cursor = found.first().and_then(|programme| programme.fields.parent).map(|parent| parent.get());
        }
        Ok(())
    }

    /// Loads a whole dataset in one transaction: every record or none. Records are created with the
    /// publication status the file gives (PUBLISHED by default), by `author`. Returns how many records
    /// of each kind were created, or every problem found, each prefixed by the record it is in.
    pub async fn load_dataset(&self, viewer: &Viewer, dataset: &Dataset) -> Result<DatasetSummary> {
        self.import_dataset(viewer, dataset, false, &Progress::default()).await
    }

    /// Loads a dataset like `load_dataset`; with `dry_run`, validates everything (references,
    /// uniqueness, every field) in the transaction and rolls it back: nothing is written.
    pub async fn import_dataset(
        &self,
        viewer: &Viewer,
        dataset: &Dataset,
        dry_run: bool,
        progress: &Progress,
    ) -> Result<DatasetSummary> {
        allowed(viewer.may_administer())?;
        if dataset.format != dataset::FORMAT {
            return Err(Error::invalid(
                "format",
                format!("`{}` is not a known format; expected `{}`", dataset.format, dataset::FORMAT),
            ));
        }
        let tx = self.store.begin().await?;
        // Slugs left empty are derived, and external ids resolved to slugs, before anything else.
        let settled = settle_keys(&tx, dataset).await?;
        let dataset: &Dataset = &settled;
        progress.start(dataset.len() as u64);
        // References to records already in the database (and not in the file) resolve by slug.
        let mut names = Names::default();
        for (kind, slugs) in &dataset.references() {
            for (id, slug) in store::visible_keys(&tx, *kind, &everything(), store::Keys::Slugs(slugs)).await? {
                names.insert(*kind, id, &slug);
            }
        }
        let mut import = Import {
            tx: &tx,
            author: viewer.author(),
            progress,
            names,
            known: Names::default(),
            problems: Problems::default(),
            summary: DatasetSummary::default(),
            changes: Vec::new(),
        };

        let organisations: Vec<_> = dataset.organisations.iter().enumerate().collect();
        import
            .kind::<OrganisationFields, _>(
                "organisations",
                &organisations,
                |record| (record.slug.as_str(), &record.publication_status),
                |record, _| record.to_draft(),
            )
            .await?;
        let territories: Vec<_> = dataset.territories.iter().enumerate().collect();
        import
            .kind::<TerritoryFields, _>(
                "territories",
                &territories,
                |record| (record.slug.as_str(), &record.publication_status),
                |record, _| record.to_draft(),
            )
            .await?;
        // Parents before children, whatever the order of the file: each round writes the programmes
        // whose parent is written (or not in the file).
        let in_file: HashSet<&str> = dataset.programmes.iter().map(|record| record.slug.as_str()).collect();
        let mut pending: Vec<(usize, &dataset::ProgrammeRecord)> = dataset.programmes.iter().enumerate().collect();
        while !pending.is_empty() {
            let before = pending.len();
            let (ready, waiting): (Vec<_>, Vec<_>) = pending.into_iter().partition(|(_, record)| {
                record.parent.as_ref().is_none_or(|parent| {
                    import.names.contains(Kind::Programme, parent) || !in_file.contains(parent.as_str())
                })
            });
            import
                .kind::<ProgrammeFields, _>(
                    "programmes",
                    &ready,
                    |record| (record.slug.as_str(), &record.publication_status),
                    |record, names| record.to_draft(names),
                )
                .await?;
            if waiting.len() == before {
                for (i, record) in &waiting {
                    import.problems.add(
                        format!("programmes[{i}] ({}): parent", record.slug),
                        "the parent chain has a cycle or a parent that failed",
                    );
                }
                break;
            }
            pending = waiting;
        }
        let sheets: Vec<_> = dataset.sheets.iter().enumerate().collect();
        import
            .kind::<SheetFields, _>(
                "sheets",
                &sheets,
                |record| (record.slug.as_str(), &record.publication_status),
                |record, names| record.to_draft(names),
            )
            .await?;
        let lessons: Vec<_> = dataset.lessons.iter().enumerate().collect();
        import
            .kind::<LessonFields, _>(
                "lessons",
                &lessons,
                |record| (record.slug.as_str(), &record.publication_status),
                |record, names| record.to_draft(names),
            )
            .await?;
        let Import { problems, summary, known, changes, .. } = import;
        if problems.is_empty() {
            record_external_keys(&tx, dataset, &known).await?;
        }
        // Dropping the transaction without committing rolls every write back.
        problems.into_result()?;
        if dry_run {
            // Dropping the transaction rolls it back.
            drop(tx);
            return Ok(summary);
        }
        // The changes go into the log last, in commit order: concurrent writers wait only for this.
        let last = store::append_changes(&tx, &changes).await?;
        store::commit(tx).await?;
        tracing::info!(?summary, "dataset loaded");
        self.searchable(last, Duration::from_secs(60)).await;
        Ok(summary)
    }

    /// Sends the records the viewer may see with these publication statuses to `pages`, up to 1,000
    /// at a time, kind by kind in dependency order (organisations, territories, programmes, sheets,
    /// lessons): together they re-import into an empty database. A reference is kept only to a record
    /// sent before it (or, for a programme's parent, to a programme sent with it), so none dangles,
    /// not even when records change while the export runs. Memory holds one page and the slugs of
    /// the records sent. Stops quietly when nobody receives the pages any more.
    pub async fn export_pages(
        &self,
        viewer: &Viewer,
        statuses: &[PublicationStatus],
        progress: &Progress,
        pages: tokio::sync::mpsc::Sender<Dataset>,
    ) -> Result<()> {
        let total = self.count::<OrganisationFields>(viewer, statuses, &OrganisationFilter::default()).await?
            + self.count::<TerritoryFields>(viewer, statuses, &TerritoryFilter::default()).await?
            + self.count::<ProgrammeFields>(viewer, statuses, &ProgrammeFilter::default()).await?
            + self.count::<SheetFields>(viewer, statuses, &SheetFilter::default()).await?
            + self.count::<LessonFields>(viewer, statuses, &LessonFilter::default()).await?;
        progress.start(total);
        let mut export = Export {
            store: &self.store,
            visibility: viewer.visibility(),
            statuses,
            progress,
            names: Names::default(),
            pages,
        };
        // Programmes may name a parent programme: they are few, and read all before any is sent.
        let _ = export.kind::<OrganisationFields>(false).await?
            && export.kind::<TerritoryFields>(false).await?
            && export.kind::<ProgrammeFields>(true).await?
            && export.kind::<SheetFields>(false).await?
            && export.kind::<LessonFields>(false).await?;
        Ok(())
    }

    /// Exports the records the viewer may see with these publication statuses through `writer`
    /// (see [`App::export_pages`]); the writing runs off the async executor, a page behind the
    /// reading. The export is finished (its document closed, its last file written) only when every
    /// page was read: after a failure the writer is dropped unfinished, so that nothing looks whole.
    /// Returns what was written.
    pub async fn export_to(
        &self,
        viewer: &Viewer,
        statuses: &[PublicationStatus],
        progress: &Progress,
        mut writer: dataset::Writer,
    ) -> Result<dataset::Written> {
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<Dataset>(2);
        let writing = tokio::task::spawn_blocking(move || {
            while let Some(page) = receiver.blocking_recv() {
                writer.write(page)?;
            }
            Ok::<_, String>(writer)
        });
        let sent = self.export_pages(viewer, statuses, progress, sender).await;
        let writer = writing.await.map_err(Error::internal)?;
        // A failed read first: the writer then stopped for want of pages, not on its own.
        sent?;
        let writer = writer.map_err(|problem| Error::invalid("output", problem))?;
        tokio::task::spawn_blocking(move || writer.finish())
            .await
            .map_err(Error::internal)?
            .map_err(|problem| Error::invalid("output", problem))
    }

    /// Imports files (an upload, or files read from disk): each is read in its format (`format`, or
    /// the one its name's extension gives), they load together as one dataset in one transaction,
    /// and every problem names its file and line. The reading runs off the async executor.
    pub async fn import_files(
        &self,
        viewer: &Viewer,
        files: Vec<(String, Vec<u8>)>,
        format: Option<dataset::Format>,
        dry_run: bool,
        progress: &Progress,
    ) -> Result<DatasetSummary> {
        // Checked first: an anonymous caller learns nothing about the files.
        allowed(viewer.may_administer())?;
        if files.is_empty() {
            return Err(Error::invalid("files", "give at least one file to import"));
        }
        let read = tokio::task::spawn_blocking(move || {
            dataset::files::read_files(files.into_iter().map(|(name, bytes)| (name, Ok(bytes))), format)
        })
        .await
        .map_err(Error::internal)?;
        let (dataset, locations) = read.map_err(Error::InvalidInput)?;
        self.import_dataset(viewer, &dataset, dry_run, progress).await.map_err(|error| match error {
            Error::InvalidInput(found) => Error::InvalidInput(dataset::locate(found, &locations)),
            other => other,
        })
    }

    /// Returns whether the database holds no record at all (to load the demo only once).
    pub async fn is_empty(&self) -> Result<bool> {
        let everything = Viewer::System { name: String::new() };
        let all = [
            PublicationStatus::Draft,
            PublicationStatus::Submitted,
            PublicationStatus::Published,
            PublicationStatus::Archived,
        ];
        Ok(self.count::<OrganisationFields>(&everything, &all, &OrganisationFilter::default()).await? == 0
            && self.count::<ProgrammeFields>(&everything, &all, &ProgrammeFilter::default()).await? == 0
            && self.count::<SheetFields>(&everything, &all, &SheetFilter::default()).await? == 0
            && self.count::<LessonFields>(&everything, &all, &LessonFilter::default()).await? == 0)
    }
}

/// An export under way: what it reads, and the slugs of the records it has sent.
struct Export<'a> {
    store: &'a Store,
    visibility: Visibility,
    statuses: &'a [PublicationStatus],
    progress: &'a Progress,
    names: Names,
    pages: tokio::sync::mpsc::Sender<Dataset>,
}

impl Export<'_> {
    /// The records of one kind, a page of 1,000 at a time (all read first when `whole`); returns
    /// false when nobody receives the pages any more.
    async fn kind<K>(&mut self, whole: bool) -> Result<bool>
    where
        K: StoredKind + dataset::Exported,
        K::Filter: Default,
    {
        const PAGE: usize = 1_000;
        let sort = Sort { field: SortField::CreatedAt, direction: Direction::Ascending };
        let mut after = None;
        let mut held = Vec::new();
        loop {
            let request = PageRequest { size: PAGE, backward: false, after: after.take(), before: None };
            let conn = self.store.connection();
            let found =
                store::list::<K, _>(conn, &self.visibility, self.statuses, &K::Filter::default(), sort, &request)
                    .await?;
            after = found.rows.last().map(|(cursor, _)| cursor.clone());
            let last = !found.has_next || after.is_none();
            held.extend(found.rows.into_iter().map(|(_, record)| record));
            if !whole || last {
                // Every record held is named before any is sent: a programme's parent may come in
                // a later chunk of the same kind.
                for record in &held {
                    self.names.insert(K::KIND, record.id.get(), record.fields.slug().as_str());
                }
                for chunk in std::mem::take(&mut held).chunks(PAGE) {
                    if !self.send::<K>(chunk).await? {
                        return Ok(false);
                    }
                }
            }
            if last {
                return Ok(true);
            }
        }
    }

    /// Sends records as a page (their slugs already named), with their external ids.
    async fn send<K>(&mut self, records: &[Record<K::Id, K>]) -> Result<bool>
    where
        K: StoredKind + dataset::Exported,
    {
        let ids: Vec<i64> = records.iter().map(|record| record.id.get()).collect();
        let mut external = store::external_keys_of(self.store.connection(), K::KIND, &ids).await?;
        let forms =
            records.iter().map(|record| K::form(record, &self.names, external.remove(&record.id.get()))).collect();
        let page = K::page(forms).keeping_known_references(&self.names);
        self.progress.advance(records.len() as u64);
        Ok(self.pages.send(page).await.is_ok())
    }
}

/// What a dataset load did with each record: created it, updated it in place, or found it already so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// How many records of each kind a dataset load handled, and what it did with them.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DatasetSummary {
    pub records: dataset::KindCounts,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl DatasetSummary {
    fn count(&mut self, kind: Kind, outcome: Outcome) {
        self.records.add(kind);
        *match outcome {
            Outcome::Created => &mut self.created,
            Outcome::Updated => &mut self.updated,
            Outcome::Unchanged => &mut self.unchanged,
        } += 1;
    }
}

impl std::fmt::Display for DatasetSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({} créés, {} mis à jour, {} inchangés)",
            self.records, self.created, self.updated, self.unchanged
        )
    }
}

/// Dashboards count published records only: a filter asking for other statuses is refused rather
/// than silently ignored.
fn published_only(statuses: &[PublicationStatus]) -> Result<()> {
    match statuses.iter().find(|status| **status != PublicationStatus::Published) {
        Some(status) => Err(Error::invalid(
            "filter.publicationStatuses",
            format!("dashboards count published records only; {} records are not counted", status.code()),
        )),
        None => Ok(()),
    }
}

fn stale(kind: Kind, id: i64, current: i32, expected: i32) -> Error {
    Error::Conflict(format!(
        "{} {id} is at version {current}, not {expected}: someone changed it since you read it; reload and apply your change again",
        kind.as_str()
    ))
}

async fn create_in<K: Editable, C: store::Connection>(
    conn: &C,
    fields: &K,
    status: PublicationStatus,
    author: &str,
    owner: Option<OrganisationId>,
) -> Result<(Record<K::Id, K>, i64)> {
    resolve_references::<K, C>(conn, fields).await?;
    let id = store::insert::<K, C>(conn, fields, status, owner).await?;
    let record = store::get::<K, C>(conn, &everything(), id).await?;
    let sequence = journal(conn, &record, ChangeAction::Created, author, None).await?;
    Ok((record, sequence))
}

/// How many records of one kind an import validates and writes together: the unit of its
/// multi-row statements.
const IMPORT_CHUNK: usize = 1_000;

/// A dataset import in progress, in its transaction: what one kind of record hands to the next.
struct Import<'a> {
    tx: &'a store::Transaction,
    author: String,
    progress: &'a Progress,
    /// What the file's references resolve to: the records written so far and the records already in
    /// the database that the file names.
    names: Names,
    /// The records of the file written (or found unchanged) so far, to catch a slug given twice.
    known: Names,
    problems: Problems,
    summary: DatasetSummary,
    /// The changes of the records written, for the change log at the end of the import.
    changes: Vec<store::PendingChange>,
}

impl Import<'_> {
    /// Validates and writes the records of one kind, `IMPORT_CHUNK` at a time. Every record is
    /// validated and its problems are added under its place in the file (`sheets[3] (slug)`); once
    /// any record of the import has failed, the rest are validated without writing (the load fails).
    /// Internal errors stop the load.
    async fn kind<K: Editable + PartialEq, R: Sync>(
        &mut self,
        label: &str,
        records: &[(usize, &R)],
        key: impl Fn(&R) -> (&str, &Option<String>),
        draft: impl Fn(&R, &Names) -> std::result::Result<K::Draft, Vec<FieldProblem>>,
    ) -> Result<()> {
        for chunk in records.chunks(IMPORT_CHUNK) {
            let mut accepted: Vec<(String, K, PublicationStatus)> = Vec::new();
            let mut seen: HashSet<String> = HashSet::new();
            for (i, record) in chunk {
                self.progress.advance(1);
                let (slug, status) = key(record);
                let at = format!("{label}[{i}] ({slug})");
                let mut own = Problems::default();
                let status = dataset::publication_status(&mut own, status);
                let fields = match draft(record, &self.names).and_then(|draft| K::validate(&draft)) {
                    Ok(fields) => Some(fields),
                    Err(found) => {
                        for problem in found {
                            own.add(problem.field, problem.problem);
                        }
                        None
                    }
                };
                let (Some(fields), Some(status)) = (fields, status) else {
                    for problem in own.into_vec() {
                        self.problems.add(format!("{at}: {}", problem.field), problem.problem);
                    }
                    continue;
                };
                if !self.problems.is_empty() {
                    // The load already failed: validate the rest without writing.
                    continue;
                }
                let slug = fields.slug().as_str();
                if self.known.contains(K::KIND, slug) || !seen.insert(slug.to_owned()) {
                    self.problems.add(
                        format!("{at}: slug"),
                        format!("the {} `{}` appears twice in the import", K::KIND.as_str(), fields.slug()),
                    );
                    continue;
                }
                accepted.push((at, fields, status));
            }
            self.write(accepted).await?;
        }
        Ok(())
    }

    /// Writes validated records: those whose slug exists are updated in place (a new version with
    /// its revision) or left alone when nothing changed, so re-importing a file never duplicates;
    /// the others are created together, with multi-row inserts for the records, their relations,
    /// revisions and changes. Existence is checked before any insert: on PostgreSQL a failed
    /// statement would abort the transaction and hide the problems of the records that follow.
    async fn write<K: Editable + PartialEq>(&mut self, accepted: Vec<(String, K, PublicationStatus)>) -> Result<()> {
        if accepted.is_empty() {
            return Ok(());
        }
        let slugs: Vec<String> = accepted.iter().map(|(_, fields, _)| fields.slug().to_string()).collect();
        let existing = store::ids_by_slugs::<K, _>(self.tx, &slugs).await?;
        let (old, new): (Vec<_>, Vec<_>) =
            accepted.into_iter().partition(|(_, fields, _)| existing.contains_key(fields.slug().as_str()));

        let old_ids: Vec<K::Id> = old
            .iter()
            .filter_map(|(_, fields, _)| existing.get(fields.slug().as_str()))
            .map(|id| <K::Id as RecordId>::new(*id))
            .collect();
        let mut current: HashMap<i64, Record<K::Id, K>> = store::get_many::<K, _>(self.tx, &everything(), &old_ids)
            .await?
            .into_iter()
            .map(|record| (record.id.get(), record))
            .collect();
        let mut changed = Vec::new();
        for (at, fields, status) in old {
            let slug = fields.slug().to_string();
            let current = existing
                .get(&slug)
                .and_then(|id| current.remove(id))
                .ok_or_else(|| Error::internal(format!("the {} `{slug}` vanished", K::KIND.as_str())))?;
            if current.fields == fields && current.meta.publication_status == status {
                self.done(K::KIND, current.id.get(), &slug, Outcome::Unchanged);
            } else {
                changed.push((at, current, fields, status));
            }
        }
        if changed.is_empty() && new.is_empty() {
            return Ok(());
        }

        // Every reference must exist; their slugs go into the revisions' snapshots.
        let mut wanted: HashMap<Kind, BTreeSet<i64>> = HashMap::new();
        let written =
            changed.iter().map(|(at, _, fields, _)| (at, fields)).chain(new.iter().map(|(at, fields, _)| (at, fields)));
        for (_, fields) in written.clone() {
            for (_, kind, id) in fields.references() {
                wanted.entry(kind).or_default().insert(id);
            }
        }
        let mut names = Names::default();
        for (kind, ids) in wanted {
            let ids: Vec<i64> = ids.into_iter().collect();
            for chunk in ids.chunks(5_000) {
                for (id, slug) in slugs_of(self.tx, kind, chunk).await? {
                    names.insert(kind, id, &slug);
                }
            }
        }
        let mut missing = false;
        for (at, fields) in written {
            for (field, kind, id) in fields.references() {
                if !names.contains_id(kind, id) {
                    self.problems.add(format!("{at}: {field}"), format!("no {} with id {id}", kind.as_str()));
                    missing = true;
                }
            }
        }
        if missing {
            return Ok(());
        }

        // Records that changed: a new version each, their relations replaced together.
        if !changed.is_empty() {
            let updates: Vec<(K::Id, i32, &K, PublicationStatus)> = changed
                .iter()
                .map(|(_, current, fields, status)| (current.id, current.meta.version, fields, *status))
                .collect();
            let updated_at = store::update_many::<K, _>(self.tx, &updates).await.map_err(|error| match error {
                Error::Conflict(detail) => Error::Conflict(format!(
                    "a record of this import was changed by someone else while the import ran ({detail}); \
                     nothing was written: import the file again"
                )),
                other => other,
            })?;
            let records: Vec<Record<K::Id, K>> = changed
                .into_iter()
                .map(|(_, current, fields, status)| Record {
                    id: current.id,
                    meta: Meta {
                        publication_status: status,
                        version: current.meta.version + 1,
                        updated_at,
                        ..current.meta
                    },
                    fields,
                })
                .collect();
            self.journal_all(&records, &mut names, ChangeAction::Updated, Some("import")).await?;
            for record in &records {
                self.done(K::KIND, record.id.get(), record.fields.slug().as_str(), Outcome::Updated);
            }
        }
        if new.is_empty() {
            return Ok(());
        }

        let new: Vec<(K, PublicationStatus)> = new.into_iter().map(|(_, fields, status)| (fields, status)).collect();
        let records = store::insert_many::<K, _>(self.tx, new, None).await?;
        self.journal_all(&records, &mut names, ChangeAction::Created, None).await?;
        for record in &records {
            self.done(K::KIND, record.id.get(), record.fields.slug().as_str(), Outcome::Created);
        }
        Ok(())
    }

    /// Writes the revisions (and changes) of records just written, with multi-row inserts; `names`
    /// holds the slugs of what they refer to.
    async fn journal_all<K: Editable>(
        &mut self,
        records: &[Record<K::Id, K>],
        names: &mut Names,
        action: ChangeAction,
        reason: Option<&str>,
    ) -> Result<()> {
        for record in records {
            names.insert(K::KIND, record.id.get(), record.fields.slug().as_str());
        }
        let revisions = records
            .iter()
            .map(|record| revision_of(record, action, &self.author, reason.map(str::to_owned), names))
            .collect::<Result<Vec<_>>>()?;
        let changes = store::record_revisions(self.tx, &revisions).await?;
        self.changes.extend(changes);
        Ok(())
    }

    fn done(&mut self, kind: Kind, id: i64, slug: &str, outcome: Outcome) {
        self.names.insert(kind, id, slug);
        self.known.insert(kind, id, slug);
        self.summary.count(kind, outcome);
    }
}

/// Settles the keys of a dataset's records before it loads: a record whose external id is already
/// known takes the slug of the record it names (giving another slug is a problem); a record without a
/// slug gets one derived from its external id, else its title or name; references that are external
/// ids (of a record in the file or in the database) become slugs. Borrows the dataset unchanged when
/// it has no external id and no empty slug.
async fn settle_keys<'a>(tx: &store::Transaction, dataset: &'a Dataset) -> Result<std::borrow::Cow<'a, Dataset>> {
    use std::collections::{HashMap, HashSet};
    if !dataset.needs_settling() {
        return Ok(std::borrow::Cow::Borrowed(dataset));
    }
    let mut dataset = dataset.clone();
    let mut problems = Problems::default();
    // What the database knows of the file's external ids and of the references the file does not
    // hold under that slug.
    let mut slugs: HashSet<(Kind, String)> = HashSet::new();
    let mut externals: HashMap<Kind, Vec<String>> = HashMap::new();
    for (kind, slug, external) in dataset.keys() {
        slugs.insert((kind, slug.to_owned()));
        if let Some(external) = external {
            externals.entry(kind).or_default().push(external.to_owned());
        }
    }
    dataset.for_each_reference(|kind, reference| {
        if !slugs.contains(&(kind, reference.clone())) {
            externals.entry(kind).or_default().push(reference.clone());
        }
    });
    let mut known: HashMap<(Kind, String), String> = HashMap::new();
    for (kind, keys) in &externals {
        let ids = store::ids_by_external_keys(tx, *kind, keys).await?;
        let wanted: Vec<i64> = ids.values().copied().collect();
        let slugs_of = store::slugs_by_ids(tx, *kind, &wanted).await?;
        for (key, id) in ids {
            if let Some(slug) = slugs_of.get(&id) {
                known.insert((*kind, key), slug.clone());
            }
        }
    }
    // Each record's slug, and the file's own external ids.
    let mut positions: HashMap<Kind, usize> = HashMap::new();
    let mut in_file: HashMap<(Kind, String), String> = HashMap::new();
    dataset.for_each_key(|kind, slug, external, title| {
        let index = positions.entry(kind).or_default();
        let at = format!("{}[{index}]", dataset::columns::list_name(kind));
        *index += 1;
        if let Some(external) = external {
            match known.get(&(kind, external.clone())) {
                Some(theirs) if slug.is_empty() => *slug = theirs.clone(),
                Some(theirs) if theirs != slug => problems.add(
                    format!("{at} ({slug}): externalId"),
                    format!(
                        "`{external}` is already the key of the {} `{theirs}`; give that slug, or none",
                        kind.as_str()
                    ),
                ),
                _ => {}
            }
        }
        if slug.is_empty() {
            let from = external.as_deref().unwrap_or(title);
            match Slug::from_title(from) {
                Some(derived) => *slug = derived.to_string(),
                None => problems.add(
                    format!("{at}: slug"),
                    "is empty and cannot be derived from the external id or the title; give one",
                ),
            }
        }
        if let Some(external) = external
            && in_file.insert((kind, external.clone()), slug.clone()).is_some()
        {
            problems.add(
                format!("{at} ({slug}): externalId"),
                format!("`{external}` names two {} records of the import", kind.as_str()),
            );
        }
    });
    let slugs: HashSet<(Kind, String)> = dataset.keys().map(|(kind, slug, _)| (kind, slug.to_owned())).collect();
    dataset.for_each_reference(|kind, reference| {
        if slugs.contains(&(kind, reference.clone())) {
            return;
        }
        let key = (kind, reference.clone());
        if let Some(slug) = in_file.get(&key).or_else(|| known.get(&key)) {
            *reference = slug.clone();
        }
    });
    problems.into_result()?;
    Ok(std::borrow::Cow::Owned(dataset))
}

/// Gives the imported records the external ids the file gives them.
async fn record_external_keys(tx: &store::Transaction, dataset: &Dataset, imported: &Names) -> Result<()> {
    if !dataset.needs_settling() {
        return Ok(());
    }
    let mut keys: std::collections::HashMap<Kind, Vec<(String, i64)>> = std::collections::HashMap::new();
    for (kind, slug, external) in dataset.keys() {
        if let (Some(external), Some(id)) = (external, imported.get(kind, slug)) {
            keys.entry(kind).or_default().push((external.to_owned(), id));
        }
    }
    for (kind, keys) in keys {
        store::add_external_keys(tx, kind, &keys).await?;
    }
    Ok(())
}

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
    async fn on_index<T: Send + 'static>(
        &self,
        job: impl FnOnce(&SearchIndex, &crate::search::Synonyms) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let indexer = Arc::clone(self.indexer()?);
        tokio::task::spawn_blocking(move || job(&indexer.index(), &indexer.synonyms()))
            .await
            .map_err(Error::internal)?
    }

    /// Counts the published records matching a search request (text, filters) grouped by one or two
    /// dimensions, under the viewer's visibility (the search filter). Returns the number of matching
    /// records and the rows, largest first.
    pub async fn stats(
        &self,
        viewer: &Viewer,
        mut request: SearchRequest,
        group_by: Vec<crate::search::Dimension>,
    ) -> Result<crate::search::Grouped> {
        request.visible = viewer.visibility().search_statuses();
        self.on_index(move |index, synonyms| index.group_counts(&request, synonyms, &group_by)).await
    }

    /// Sums the indicators (target and actual, by name and unit) of the published sheets matching a
    /// search request, grouped by one dimension or not at all.
    pub async fn indicator_sums(
        &self,
        viewer: &Viewer,
        mut request: SearchRequest,
        group_by: Option<crate::search::Dimension>,
    ) -> Result<Vec<IndicatorSum>> {
        request.visible = viewer.visibility().search_statuses();
        request.kinds = vec![Kind::Sheet];
        let groups = self.on_index(move |index, synonyms| index.matching(&request, synonyms, group_by)).await?;
        let ids: Vec<i64> = groups.iter().map(|(id, _)| *id).collect();
        let indicators: Vec<SheetIndicator> = store::indicators_of(self.store.connection(), &ids)
            .await?
            .into_iter()
            .map(|row| SheetIndicator {
                sheet: row.sheet,
                name: row.name,
                unit: row.unit,
                target: row.target,
                actual: row.actual,
            })
            .collect();
        let grouped = group_by.is_some();
        tokio::task::spawn_blocking(move || indicator_sums(&groups, grouped, &indicators))
            .await
            .map_err(Error::internal)
    }

    /// Ranks published lessons by the number of distinct programmes, then sheets, that evidence them,
    /// with the number of sheets that contradict each. The ranking reads the search index, where
    /// each lesson's counts are kept (from its published sheets and their published programmes) and
    /// every filter of a lesson list is a field.
    pub async fn recurrence(
        &self,
        viewer: &Viewer,
        filter: &LessonFilter,
        min_programmes: i64,
        first: usize,
        offset: usize,
    ) -> Result<Vec<RecurrentLesson>> {
        published_only(&filter.publication_statuses)?;
        use crate::search::Dimension;
        fn codes<T: Vocabulary>(values: &[T]) -> Vec<String> {
            values.iter().map(|value| value.code().to_owned()).collect()
        }
        let request = SearchRequest {
            kinds: vec![Kind::Lesson],
            filters: vec![
                (Dimension::Polarity, codes(&filter.polarities)),
                (Dimension::Category, codes(&filter.categories)),
                (Dimension::Phase, codes(&filter.phases)),
                (Dimension::Theme, codes(&filter.themes)),
                (Dimension::TerritoryType, codes(&filter.territory_types)),
                (Dimension::EvidenceLevel, codes(&filter.evidence_levels)),
                (Dimension::Programme, filter.programmes.iter().map(|id| id.get().to_string()).collect()),
            ],
            evidence_sheets: filter.sheets.iter().map(|id| id.get()).collect(),
            visible: viewer.visibility().search_statuses(),
            offset,
            limit: first,
            ..SearchRequest::default()
        };
        let min = min_programmes.max(0) as u64;
        let ranked = self.on_index(move |index, _| index.recurrent(&request, min)).await?;
        let conn = self.store.connection();
        let ids: Vec<i64> = ranked.iter().map(|(id, _, _)| *id).collect();
        let contradicting = store::contradicting(conn, &ids).await?;
        let lesson_ids: Vec<LessonId> = ids.iter().copied().map(LessonId).collect();
        let mut lessons: HashMap<i64, Lesson> =
            store::get_many::<LessonFields, _>(conn, &viewer.visibility(), &lesson_ids)
                .await?
                .into_iter()
                .map(|lesson| (lesson.id.get(), lesson))
                .collect();
        Ok(ranked
            .into_iter()
            .filter_map(|(id, programmes, sheets)| {
                Some(RecurrentLesson {
                    lesson: lessons.remove(&id)?,
                    programmes: programmes as i64,
                    sheets: sheets as i64,
                    contradicting: contradicting.get(&id).copied().unwrap_or(0),
                })
            })
            .collect())
    }

    /// The funnel of the démarche over the published sheets matching `filter`, per group, with the
    /// median time from `from` to `to` and capitalisation coverage.
    pub async fn funnels(
        &self,
        viewer: &Viewer,
        filter: &SheetFilter,
        grouping: store::FunnelGrouping,
        from: Phase,
        to: Phase,
    ) -> Result<Vec<Funnel>> {
        published_only(&filter.publication_statuses)?;
        let rows = store::sheet_phases(self.store.connection(), &viewer.visibility(), filter, grouping).await?;
        let rows: Vec<SheetPhase> = rows
            .into_iter()
            .map(|row| SheetPhase {
                group: row.group,
                sheet: row.sheet,
                phase: row.phase.as_deref().and_then(Phase::from_code),
                started_on: row.started_on,
                covered: row.covered,
            })
            .collect();
        // Counting is CPU work over up to every sheet: off the async executor.
        tokio::task::spawn_blocking(move || funnels(&rows, from, to)).await.map_err(Error::internal)
    }

    /// Follows the change log from now on, as `viewer`: each change of a record of `kinds` (every kind
    /// when empty) once it is searchable. Changes of records the viewer cannot see are left out,
    /// except those that took a record out of its sight (it may have been counted before), which come
    /// without the record. Ends when the server stops.
    pub fn change_feed(
        &self,
        viewer: Viewer,
        kinds: Vec<Kind>,
    ) -> Result<impl futures::Stream<Item = ChangeEvent> + Send + 'static> {
        let applied = self.indexer()?.watch_applied();
        let start = *applied.borrow();
        struct Feed {
            app: App,
            viewer: Viewer,
            kinds: Vec<Kind>,
            applied: tokio::sync::watch::Receiver<i64>,
            /// The last change read from the log, and the last applied to the index.
            read: i64,
            known: i64,
            pending: std::collections::VecDeque<store::Change>,
        }
        let feed =
            Feed { app: self.clone(), viewer, kinds, applied, read: start, known: start, pending: Default::default() };
        Ok(futures::stream::unfold(feed, |mut feed| async move {
            loop {
                while let Some(change) = feed.pending.pop_front() {
                    if let Some(event) = feed.app.event_for(&feed.viewer, &feed.kinds, change).await {
                        // Judged with the caller's rights at the time of the event: a revoked token
                        // (or one whose rights changed) hears nothing more, and its feed ends.
                        if !feed.app.still_authorised(&feed.viewer).await.unwrap_or(false) {
                            tracing::info!("a live subscription's token was revoked; it ends");
                            return None;
                        }
                        return Some((event, feed));
                    }
                }
                if feed.read < feed.known {
                    let changes = match store::changes_after(feed.app.store.connection(), feed.read, 500).await {
                        Ok(changes) => changes,
                        Err(error) => {
                            tracing::warn!(%error, "a live subscription cannot read the change log; it ends");
                            return None;
                        }
                    };
                    if changes.is_empty() {
                        feed.read = feed.known;
                    }
                    for change in changes {
                        if change.sequence > feed.known {
                            break;
                        }
                        feed.read = change.sequence;
                        feed.pending.push_back(change);
                    }
                    continue;
                }
                if feed.applied.changed().await.is_err() {
                    return None;
                }
                feed.known = *feed.applied.borrow_and_update();
            }
        }))
    }

    async fn event_for(&self, viewer: &Viewer, kinds: &[Kind], change: store::Change) -> Option<ChangeEvent> {
        let kind = change.kind?;
        if !kinds.is_empty() && !kinds.contains(&kind) {
            return None;
        }
        let id = change.record_id;
        let visible = match kind {
            Kind::Organisation => {
                self.get_many::<OrganisationFields>(viewer, &[OrganisationId(id)]).await.map(|r| !r.is_empty())
            }
            Kind::Territory => {
                self.get_many::<TerritoryFields>(viewer, &[TerritoryId(id)]).await.map(|r| !r.is_empty())
            }
            Kind::Programme => {
                self.get_many::<ProgrammeFields>(viewer, &[ProgrammeId(id)]).await.map(|r| !r.is_empty())
            }
            Kind::Sheet => self.get_many::<SheetFields>(viewer, &[SheetId(id)]).await.map(|r| !r.is_empty()),
            Kind::Lesson => self.get_many::<LessonFields>(viewer, &[LessonId(id)]).await.map(|r| !r.is_empty()),
        }
        .unwrap_or(false);
        // The record's status after this change and before it, from its revisions (a later change
        // may have moved it on by the time the feed reads this one).
        let revisions = store::revisions(self.store.connection(), kind, &[id]).await.unwrap_or_default();
        let status_of = |revision: &Revision| {
            serde_json::from_str::<serde_json::Value>(&revision.snapshot)
                .ok()
                .and_then(|snapshot| snapshot["publicationStatus"].as_str().and_then(PublicationStatus::from_code))
        };
        let then = revisions
            .iter()
            .filter(|revision| revision.created_at <= change.created_at)
            .filter_map(status_of)
            .next_back();
        let published_before = revisions
            .iter()
            .filter(|revision| revision.created_at < change.created_at)
            .filter_map(status_of)
            .any(|status| status == PublicationStatus::Published);
        // Someone who sees published records only hears of a change only if it left the record
        // published: a submission read after the publication that followed it is not news to them.
        let visibility = viewer.visibility();
        let public_only = !visibility.sees_everything() && visibility.scope().is_empty();
        let visible = visible && !(public_only && then.is_some_and(|status| !PUBLIC_STATUSES.contains(&status)));
        // A record that left the caller's sight is reported (without itself) only when it was
        // published before this change: the public counted it, and nothing about drafts leaks.
        let left_sight = !visible
            && matches!(change.action, ChangeAction::StatusChanged | ChangeAction::Archived)
            && published_before;
        (visible || left_sight).then(|| ChangeEvent {
            sequence: change.sequence,
            kind,
            action: change.action,
            at: change.created_at,
            record: visible.then_some(id),
        })
    }

    /// Groups lessons into a new cluster (reviewers and administrators); every lesson must be visible
    /// to the caller and in no other cluster. Returns the cluster's id.
    pub async fn create_cluster(&self, viewer: &Viewer, name: &str, lessons: &[LessonId]) -> Result<i64> {
        allowed(viewer.may_cluster())?;
        let name = Title::parse(name).map_err(|problem| Error::invalid("name", problem))?;
        self.check_lessons(viewer, lessons).await?;
        let tx = self.store.begin().await?;
        let id = store::create_cluster(&tx, name.as_str(), &viewer.author()).await?;
        let raw: Vec<i64> = lessons.iter().map(|id| id.get()).collect();
        store::add_members(&tx, id, &raw).await?;
        store::cluster_changed(&tx, id).await?;
        store::commit(tx).await?;
        Ok(id)
    }

    /// Adds lessons to a cluster.
    pub async fn add_to_cluster(&self, viewer: &Viewer, cluster: i64, lessons: &[LessonId]) -> Result<()> {
        allowed(viewer.may_cluster())?;
        self.check_lessons(viewer, lessons).await?;
        let conn = self.store.connection();
        // A cluster the caller cannot see (all its members are hidden from it) is NOT_FOUND, as one
        // that does not exist.
        if store::ranked_clusters(conn, &viewer.visibility(), Some(cluster), 1, 0).await?.is_empty() {
            return Err(Error::NotFound(format!("lesson cluster {cluster}")));
        }
        let tx = self.store.begin().await?;
        let raw: Vec<i64> = lessons.iter().map(|id| id.get()).collect();
        store::add_members(&tx, cluster, &raw).await?;
        store::cluster_changed(&tx, cluster).await?;
        store::commit(tx).await
    }

    /// Takes a lesson out of its cluster; returns the cluster it was in.
    pub async fn remove_from_cluster(&self, viewer: &Viewer, lesson: LessonId) -> Result<i64> {
        allowed(viewer.may_cluster())?;
        self.check_lessons(viewer, &[lesson]).await?;
        let tx = self.store.begin().await?;
        let cluster = store::remove_member(&tx, lesson.get())
            .await?
            .ok_or_else(|| Error::invalid("lesson", format!("lesson {} is in no cluster", lesson.get())))?;
        store::cluster_changed(&tx, cluster).await?;
        store::commit(tx).await?;
        Ok(cluster)
    }

    async fn check_lessons(&self, viewer: &Viewer, lessons: &[LessonId]) -> Result<()> {
        if lessons.is_empty() || lessons.len() > MAX_LIST_ITEMS {
            return Err(Error::invalid("lessons", format!("give 1 to {MAX_LIST_ITEMS} lessons")));
        }
        let found = self.get_many::<LessonFields>(viewer, lessons).await?;
        match lessons.iter().find(|id| !found.iter().any(|lesson| lesson.id == **id)) {
            Some(missing) => Err(Error::NotFound(format!("lesson {}", missing.get()))),
            None => Ok(()),
        }
    }

    /// Ranks clusters (or returns one) by the recurrence of their members, with the members the
    /// viewer may see.
    pub async fn clusters(
        &self,
        viewer: &Viewer,
        only: Option<i64>,
        first: usize,
        offset: usize,
    ) -> Result<Vec<(store::ClusterRow, Vec<LessonId>)>> {
        let conn = self.store.connection();
        let rows = store::ranked_clusters(conn, &viewer.visibility(), only, first as u64, offset as u64).await?;
        let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
        let mut members = store::members(conn, &ids).await?;
        let all: Vec<LessonId> = members.values().flatten().copied().map(LessonId).collect();
        let visible: std::collections::HashSet<LessonId> =
            self.get_many::<LessonFields>(viewer, &all).await?.into_iter().map(|lesson| lesson.id).collect();
        Ok(rows
            .into_iter()
            .map(|row| {
                let lessons = members
                    .remove(&row.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(LessonId)
                    .filter(|id| visible.contains(id))
                    .collect();
                (row, lessons)
            })
            .collect())
    }

    /// Lessons written alike (text similarity), candidates to join `lesson` in a cluster: those
    /// already in its cluster are left out. Returns each with its score and its current cluster.
    pub async fn cluster_candidates(
        &self,
        viewer: &Viewer,
        lesson: LessonId,
        limit: usize,
    ) -> Result<Vec<(Hit, Option<i64>)>> {
        let hits = self.similar(viewer, Kind::Lesson, lesson.get(), limit.saturating_mul(3).max(10)).await?;
        let hits: Vec<Hit> = hits.into_iter().filter(|hit| hit.kind == Kind::Lesson).collect();
        let mut ids: Vec<i64> = hits.iter().map(|hit| hit.id).collect();
        ids.push(lesson.get());
        let clusters = store::clusters_of(self.store.connection(), &ids).await?;
        let own = clusters.get(&lesson.get()).copied();
        Ok(hits
            .into_iter()
            .map(|hit| {
                let cluster = clusters.get(&hit.id).copied();
                (hit, cluster)
            })
            .filter(|(_, cluster)| own.is_none() || *cluster != own)
            .take(limit)
            .collect())
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
        let texts: Vec<String> = match kind {
            Kind::Sheet => {
                let sheet = self.get::<SheetFields>(viewer, SheetId(id)).await?;
                vec![sheet.fields.title.to_string(), sheet.fields.summary.to_string(), sheet.fields.body.to_string()]
            }
            Kind::Lesson => {
                let lesson = self.get::<LessonFields>(viewer, LessonId(id)).await?;
                let f = &lesson.fields;
                vec![f.title.to_string(), f.lesson.to_string(), f.context.to_string(), f.recommendation.to_string()]
            }
            Kind::Programme => {
                let programme = self.get::<ProgrammeFields>(viewer, ProgrammeId(id)).await?;
                vec![programme.fields.name.to_string(), programme.fields.summary.to_string()]
            }
            other => {
                return Err(Error::invalid(
                    "id",
                    format!("similar records are found for sheets, lessons and programmes, not a {}", other.as_str()),
                ));
            }
        };
        let indexer = Arc::clone(self.indexer()?);
        let visible = viewer.visibility().search_statuses();
        tokio::task::spawn_blocking(move || {
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            indexer.index().similar(&texts, (kind, id), &visible, limit)
        })
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

async fn open_current(root: &Path) -> Result<Option<SearchIndex>> {
    let root = root.to_owned();
    tokio::task::spawn_blocking(move || SearchIndex::open_current(&root)).await.map_err(Error::internal)?
}
