//! Records and the workflow: creating and changing a record of any kind through its draft, moving it
//! through the publication workflow, and its revisions. Every write is one transaction with its revision
//! and its change-log entry; a write reaches only records its author can see.

use super::*;

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

pub(super) fn refs<I: RecordId>(field: &str, ids: &[I]) -> Vec<(String, Kind, i64)> {
    ids.iter().enumerate().map(|(i, id)| (format!("{field}[{i}]"), I::KIND, id.get())).collect()
}

pub(super) fn opt_ref<I: RecordId>(field: &str, id: Option<I>) -> Vec<(String, Kind, i64)> {
    id.map(|id| vec![(field.to_owned(), I::KIND, id.get())]).unwrap_or_default()
}

pub(super) fn json(value: &impl serde::Serialize) -> Result<String> {
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
pub(super) async fn slugs_of<C: store::Connection>(conn: &C, kind: Kind, ids: &[i64]) -> Result<HashMap<i64, String>> {
    Ok(store::visible_keys(conn, kind, &everything(), store::Keys::Ids(ids)).await?.into_iter().collect())
}

/// Checks that every reference exists and returns their slugs, for the snapshot.
pub(super) async fn resolve_references<K: Editable, C: store::Connection>(conn: &C, fields: &K) -> Result<Names> {
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
pub(super) async fn journal<K: Editable, C: store::Connection>(
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
pub(super) fn revision_of<K: Editable>(
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

pub(super) fn check_reason(reason: Option<&str>) -> Result<Option<String>> {
    match reason.map(str::trim) {
        None | Some("") => Ok(None),
        Some(reason) => Prose::parse(reason)
            .map(|reason| Some(reason.to_string()))
            .map_err(|problem| Error::invalid("reason", problem)),
    }
}

pub(super) fn stale(kind: Kind, id: i64, current: i32, expected: i32) -> Error {
    Error::Conflict(format!(
        "{} {id} is at version {current}, not {expected}: someone changed it since you read it; reload and apply your change again",
        kind.as_str()
    ))
}

pub(super) async fn create_in<K: Editable, C: store::Connection>(
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

impl App {
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
    pub(super) async fn redacted(&self, viewer: &Viewer, mut revisions: Vec<Revision>) -> Result<Vec<Revision>> {
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
    pub(super) async fn check_references<K: Editable>(
        &self,
        viewer: &Viewer,
        fields: &K,
        before: Option<&K>,
    ) -> Result<()> {
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
    pub(super) async fn settle_slug<K: Editable>(
        &self,
        viewer: &Viewer,
        fields: &mut K,
        own: Option<i64>,
    ) -> Result<()> {
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
    pub(super) async fn placement<K: StoredKind>(
        &self,
        viewer: &Viewer,
        record: &Record<K::Id, K>,
    ) -> Result<Placement> {
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

    /// A programme cannot be its own ancestor.
    pub(super) async fn check_hierarchy<K: Editable>(&self, id: K::Id, fields: &K) -> Result<()> {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The references of a record by kind and slug, sorted.
    type Named = Vec<(Kind, String)>;

    fn by_ids<K: Editable>(fields: &K, names: &HashMap<(Kind, i64), String>) -> Named {
        let mut all: Named =
            fields.references().into_iter().map(|(_, kind, id)| (kind, names[&(kind, id)].clone())).collect();
        all.sort();
        all
    }

    fn by_slugs(one: Dataset) -> Named {
        let mut all = Named::new();
        one.each_reference(|kind, slug| all.push((kind, slug.to_owned())));
        all.sort();
        all
    }

    /// The two forms of the reference fields of each kind (by id in `Editable::references`, by slug
    /// in the dataset's walk) name the same records for every record of the demo, and the demo sets
    /// every reference field somewhere, so a field missing from either list is caught.
    #[test]
    fn the_id_and_slug_forms_of_a_records_references_agree() {
        let demo = crate::demo::dataset().expect("the demo dataset reads");
        let mut names = Names::default();
        let mut slugs = HashMap::new();
        for (n, (kind, slug, _)) in demo.keys().enumerate() {
            names.insert(kind, n as i64 + 1, slug);
            slugs.insert((kind, n as i64 + 1), slug.to_owned());
        }
        let mut compared = 0;
        for record in &demo.programmes {
            let fields = ProgrammeFields::validate(&record.to_draft(&names).expect("draft")).expect("valid");
            let one = Dataset { programmes: vec![record.clone()], ..Dataset::default() };
            assert_eq!(by_ids(&fields, &slugs), by_slugs(one), "programme {}", record.slug);
            compared += 1;
        }
        for record in &demo.sheets {
            let fields = SheetFields::validate(&record.to_draft(&names).expect("draft")).expect("valid");
            let one = Dataset { sheets: vec![record.clone()], ..Dataset::default() };
            assert_eq!(by_ids(&fields, &slugs), by_slugs(one), "sheet {}", record.slug);
            compared += 1;
        }
        for record in &demo.lessons {
            let fields = LessonFields::validate(&record.to_draft(&names).expect("draft")).expect("valid");
            let one = Dataset { lessons: vec![record.clone()], ..Dataset::default() };
            assert_eq!(by_ids(&fields, &slugs), by_slugs(one), "lesson {}", record.slug);
            compared += 1;
        }
        assert!(compared > 0);
        // Every reference field is set by at least one record of the demo.
        let parts = [
            ("programme", Dataset { programmes: demo.programmes.clone(), ..Dataset::default() }),
            ("sheet", Dataset { sheets: demo.sheets.clone(), ..Dataset::default() }),
            ("lesson", Dataset { lessons: demo.lessons.clone(), ..Dataset::default() }),
        ];
        let mut empty_fields = Vec::new();
        for (kind, part) in parts {
            let records = part.len();
            let mut filled: Vec<bool> = Vec::new();
            part.reference_slots(|_, slot| {
                let set = match slot {
                    dataset::Slot::One(one) => one.is_some(),
                    dataset::Slot::Many(many) => !many.is_empty(),
                    dataset::Slot::Evidence(links) => !links.is_empty(),
                };
                filled.push(set);
            });
            let per_record = filled.len() / records.max(1);
            for field in 0..per_record {
                if !filled.iter().skip(field).step_by(per_record).any(|set| *set) {
                    empty_fields.push(format!("{kind} field {field}"));
                }
            }
        }
        assert!(empty_fields.is_empty(), "reference fields the demo never sets: {empty_fields:?}");
    }
}
