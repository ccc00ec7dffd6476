//! Dataset import: every record of every file in one transaction, or nothing; slugs and external
//! keys settled first; every problem reported with its place.

use super::*;

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
            self.records,
            french_number(self.created as f64, 0),
            french_number(self.updated as f64, 0),
            french_number(self.unchanged as f64, 0)
        )
    }
}

/// How many records of one kind an import validates and writes together: the unit of its
/// multi-row statements.
pub(super) const IMPORT_CHUNK: usize = 1_000;

/// A record of an import that exists and changed: its place in the file, its current state, its new
/// fields and status.
type Changed<K> = (String, Record<<K as Fields>::Id, K>, K, PublicationStatus);

/// A dataset import in progress, in its transaction: what one kind of record hands to the next.
pub(super) struct Import<'a> {
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
        let (changed, new) = self.sort_out(accepted).await?;
        if changed.is_empty() && new.is_empty() {
            return Ok(());
        }
        let written =
            changed.iter().map(|(at, _, fields, _)| (at, fields)).chain(new.iter().map(|(at, fields, _)| (at, fields)));
        let Some(mut names) = self.references_of(written).await? else { return Ok(()) };
        self.update(changed, &mut names).await?;
        self.insert(new, &mut names).await
    }

    /// Sorts accepted records out: those that exist and changed (with their current state), and the
    /// new ones; those that exist unchanged are done.
    async fn sort_out<K: Editable + PartialEq>(
        &mut self,
        accepted: Vec<(String, K, PublicationStatus)>,
    ) -> Result<(Vec<Changed<K>>, Vec<(String, K, PublicationStatus)>)> {
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
        Ok((changed, new))
    }

    /// Every reference must exist: returns the slugs of what the records refer to (for their
    /// revisions' snapshots), or `None` after recording each missing one as a problem.
    async fn references_of<'r, K: Editable + 'r>(
        &mut self,
        written: impl Iterator<Item = (&'r String, &'r K)> + Clone,
    ) -> Result<Option<Names>> {
        let mut wanted: HashMap<Kind, BTreeSet<i64>> = HashMap::new();
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
        Ok((!missing).then_some(names))
    }

    /// Records that changed: a new version each, their relations replaced together.
    async fn update<K: Editable>(&mut self, changed: Vec<Changed<K>>, names: &mut Names) -> Result<()> {
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
            self.journal_all(&records, names, ChangeAction::Updated, Some("import")).await?;
            for record in &records {
                self.done(K::KIND, record.id.get(), record.fields.slug().as_str(), Outcome::Updated);
            }
        }
        Ok(())
    }

    /// New records: inserted at version 1.
    async fn insert<K: Editable>(&mut self, new: Vec<(String, K, PublicationStatus)>, names: &mut Names) -> Result<()> {
        if new.is_empty() {
            return Ok(());
        }
        let new: Vec<(K, PublicationStatus)> = new.into_iter().map(|(_, fields, status)| (fields, status)).collect();
        let records = store::insert_many::<K, _>(self.tx, new, None).await?;
        self.journal_all(&records, names, ChangeAction::Created, None).await?;
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

// Long by nature: slugs derived, then external ids resolved, for each of the five kinds in turn.
/// Settles the keys of a dataset's records before it loads: a record whose external id is already
/// known takes the slug of the record it names (giving another slug is a problem); a record without a
/// slug gets one derived from its external id, else its title or name; references that are external
/// ids (of a record in the file or in the database) become slugs. Borrows the dataset unchanged when
/// it has no external id and no empty slug.
pub(super) async fn settle_keys<'a>(
    tx: &store::Transaction,
    dataset: &'a Dataset,
) -> Result<std::borrow::Cow<'a, Dataset>> {
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
    dataset.each_reference(|kind, reference| {
        if !slugs.contains(&(kind, reference.to_owned())) {
            externals.entry(kind).or_default().push(reference.to_owned());
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
pub(super) async fn record_external_keys(tx: &store::Transaction, dataset: &Dataset, imported: &Names) -> Result<()> {
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

impl App {
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

        import.all(dataset).await?;
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
        tracing::info!(%summary, "dataset loaded");
        self.searchable(last, Duration::from_secs(60)).await;
        Ok(summary)
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
            dataset::files::read_files_partial(files.into_iter().map(|(name, bytes)| (name, Ok(bytes))), format)
        })
        .await
        .map_err(Error::internal)?;
        self.import_read(viewer, read, dry_run, progress).await
    }

    /// Imports what files gave (see `dataset::files::read_files_partial`): when some of it could not
    /// be read, what was read is still checked (values, references, duplicates) without writing, so
    /// that every problem of the files is told at once; every problem names its file and line.
    pub async fn import_read(
        &self,
        viewer: &Viewer,
        (dataset, locations, mut problems): (Dataset, dataset::Locations, Vec<FieldProblem>),
        dry_run: bool,
        progress: &Progress,
    ) -> Result<DatasetSummary> {
        allowed(viewer.may_administer())?;
        let checked = self.import_dataset(viewer, &dataset, dry_run || !problems.is_empty(), progress).await;
        match checked {
            Err(Error::InvalidInput(found)) => {
                problems.extend(dataset::locate(found, &locations));
                Err(Error::InvalidInput(problems))
            }
            Err(other) => Err(other),
            Ok(_) if !problems.is_empty() => Err(Error::InvalidInput(problems)),
            Ok(summary) => Ok(summary),
        }
    }
}

impl Import<'_> {
    /// Writes every record of the dataset, kind by kind in dependency order (organisations,
    /// territories, programmes, sheets, lessons), so that references resolve to records written before.
    async fn all(&mut self, dataset: &Dataset) -> Result<()> {
        let organisations: Vec<_> = dataset.organisations.iter().enumerate().collect();
        self.kind::<OrganisationFields, _>(
            "organisations",
            &organisations,
            |record| (record.slug.as_str(), &record.publication_status),
            |record, _| record.to_draft(),
        )
        .await?;
        let territories: Vec<_> = dataset.territories.iter().enumerate().collect();
        self.kind::<TerritoryFields, _>(
            "territories",
            &territories,
            |record| (record.slug.as_str(), &record.publication_status),
            |record, _| record.to_draft(),
        )
        .await?;
        self.programmes(dataset).await?;
        let sheets: Vec<_> = dataset.sheets.iter().enumerate().collect();
        self.kind::<SheetFields, _>(
            "sheets",
            &sheets,
            |record| (record.slug.as_str(), &record.publication_status),
            |record, names| record.to_draft(names),
        )
        .await?;
        let lessons: Vec<_> = dataset.lessons.iter().enumerate().collect();
        self.kind::<LessonFields, _>(
            "lessons",
            &lessons,
            |record| (record.slug.as_str(), &record.publication_status),
            |record, names| record.to_draft(names),
        )
        .await?;
        Ok(())
    }

    /// Writes the programmes, parents before children whatever the order of the file: each round
    /// writes the programmes whose parent is written (or not in the file); a cycle, or a parent that
    /// failed, is a problem of each programme left.
    async fn programmes(&mut self, dataset: &Dataset) -> Result<()> {
        let in_file: HashSet<&str> = dataset.programmes.iter().map(|record| record.slug.as_str()).collect();
        let mut pending: Vec<(usize, &dataset::ProgrammeRecord)> = dataset.programmes.iter().enumerate().collect();
        while !pending.is_empty() {
            let before = pending.len();
            let (ready, waiting): (Vec<_>, Vec<_>) = pending.into_iter().partition(|(_, record)| {
                record.parent.as_ref().is_none_or(|parent| {
                    self.names.contains(Kind::Programme, parent) || !in_file.contains(parent.as_str())
                })
            });
            self.kind::<ProgrammeFields, _>(
                "programmes",
                &ready,
                |record| (record.slug.as_str(), &record.publication_status),
                |record, names| record.to_draft(names),
            )
            .await?;
            if waiting.len() == before {
                for (i, record) in &waiting {
                    self.problems.add(
                        format!("programmes[{i}] ({}): parent", record.slug),
                        "the parent chain has a cycle or a parent that failed",
                    );
                }
                break;
            }
            pending = waiting;
        }
        Ok(())
    }
}
