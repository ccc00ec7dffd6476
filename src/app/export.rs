//! Dataset export: streamed, a page of records at a time, references as slugs.

use super::*;

/// An export under way: what it reads, and the slugs of the records it has sent.
pub(super) struct Export<'a> {
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

impl App {
    /// The publication statuses an export holds: published records, or every status when drafts are
    /// asked for, which only administrators may (FORBIDDEN otherwise).
    pub fn export_statuses(viewer: &Viewer, include_drafts: bool) -> Result<Vec<PublicationStatus>> {
        if !include_drafts {
            return Ok(vec![PublicationStatus::Published]);
        }
        viewer.may_administer().map_err(|reason| Error::Forbidden(format!("includeDrafts: {reason}")))?;
        Ok(PublicationStatus::ALL.to_vec())
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

    /// Exports the records the viewer may see with these publication statuses as an XLSX workbook
    /// (one worksheet per kind, and the legend). A workbook is written whole: the records are held
    /// in memory, then laid out off the async executor.
    pub async fn export_workbook(
        &self,
        viewer: &Viewer,
        statuses: &[PublicationStatus],
    ) -> Result<(Vec<u8>, dataset::KindCounts)> {
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<Dataset>(2);
        let collecting = tokio::spawn(async move {
            let mut whole =
                (Dataset { format: dataset::FORMAT.to_owned(), ..Dataset::default() }, dataset::Locations::default());
            while let Some(page) = receiver.recv().await {
                dataset::files::merge(&mut whole, (page, dataset::Locations::default()));
            }
            whole.0
        });
        let sent = self.export_pages(viewer, statuses, &Progress::default(), sender).await;
        let whole = collecting.await.map_err(Error::internal)?;
        sent?;
        let counts = dataset::KindCounts {
            organisations: whole.organisations.len(),
            territories: whole.territories.len(),
            programmes: whole.programmes.len(),
            sheets: whole.sheets.len(),
            lessons: whole.lessons.len(),
        };
        let bytes = tokio::task::spawn_blocking(move || dataset::xlsx::write(&whole))
            .await
            .map_err(Error::internal)?
            .map_err(|problem| Error::internal(format!("the workbook cannot be written: {problem}")))?;
        Ok((bytes, counts))
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
}
