//! Building search documents: the index operations for a set of records read from their current
//! state in the database (`documents`), the records whose documents depend on changed ones
//! (`dependents`), and the per-kind document builders (sheets, lessons, programmes, organisations)
//! with their helpers.

use std::collections::{BTreeSet, HashMap};

use crate::domain::*;
use crate::error::Result;
use crate::search::{Dimension, IndexOp, SearchDoc};
use crate::store::{self, Reverse, Store};

/// Everything to re-read: the changed records, and the records whose search document reads them (a
/// sheet's lessons take programmes and years from it; a territory's sheets take its names and types;
/// a programme's sheets and lessons take its name, and its lessons count it in their recurrence when
/// it is published; an organisation's supported and held sheets take its name).
pub(super) async fn dependents(store: &Store, targets: BTreeSet<(Kind, i64)>) -> Result<BTreeSet<(Kind, i64)>> {
    let conn = store.connection();
    let all = everything();
    let mut expanded = targets.clone();
    let ids_of = |kind: Kind| -> Vec<i64> { targets.iter().filter(|(k, _)| *k == kind).map(|(_, id)| *id).collect() };
    let mut sheets = ids_of(Kind::Sheet);
    let territories = ids_of(Kind::Territory);
    let programmes = ids_of(Kind::Programme);
    if !programmes.is_empty() {
        // A programme's name describes its sheets and lessons; its status decides whether its lessons'
        // recurrence counts it.
        for ids in store::reverse(conn, Reverse::ProgrammeSheets, &programmes, &all).await?.into_values() {
            expanded.extend(ids.iter().map(|id| (Kind::Sheet, *id)));
            sheets.extend(ids);
        }
    }
    let organisations = ids_of(Kind::Organisation);
    if !organisations.is_empty() {
        // An organisation's name describes the sheets it supports or holds.
        for relation in [Reverse::SupportedSheets, Reverse::HeldSheets] {
            for ids in store::reverse(conn, relation, &organisations, &all).await?.into_values() {
                expanded.extend(ids.into_iter().map(|id| (Kind::Sheet, id)));
            }
        }
    }
    if !territories.is_empty() {
        for ids in store::reverse(conn, Reverse::TerritorySheets, &territories, &all).await?.into_values() {
            for id in ids {
                expanded.insert((Kind::Sheet, id));
                sheets.push(id);
            }
        }
    }
    // A programme may hold every sheet: bounded statements whatever the count.
    for chunk in sheets.chunks(10_000) {
        for ids in store::reverse(conn, Reverse::SheetLessons, chunk, &all).await?.into_values() {
            expanded.extend(ids.into_iter().map(|id| (Kind::Lesson, id)));
        }
    }
    Ok(expanded)
}

/// The document of a record, with its text (`domain::Searchable`, which snippets and "more like this"
/// read too); its facets, years and recurrence are the caller's.
fn document_of<I: RecordId, K: Searchable + Fields>(kind: Kind, record: &Record<I, K>) -> SearchDoc {
    let text = record.fields.searchable_text();
    SearchDoc {
        kind,
        id: record.id.get(),
        version: record.meta.version,
        publication_status: record.meta.publication_status,
        updated_at: record.meta.updated_at.timestamp_micros(),
        slug: record.fields.slug().as_str().to_owned(),
        title: text.title,
        summary: text.summary,
        body: text.body,
        labels: described_by(std::iter::once(kind.label()).chain(record.fields.vocabulary_labels())),
        facets: Vec::new(),
        years: Vec::new(),
        recurrence: None,
        evidence_sheets: Vec::new(),
    }
}

pub(super) fn everything() -> Visibility {
    Visibility::everything()
}

/// Adds the names of linked records to what a document is described by (`domain::described_by`).
fn with_names(labels: String, names: Vec<String>) -> String {
    described_by(std::iter::once(labels.as_str()).chain(names.iter().map(String::as_str)))
}

/// How a territory is named in search: its name, its department (from its INSEE code), its types and
/// its region.
fn place_names(territory: &Territory) -> Vec<String> {
    let fields = &territory.fields;
    let mut names = vec![fields.name.to_string()];
    if let Some(department) = fields.code.as_ref().and_then(|code| department_of(code.as_str())) {
        names.push(department.name.to_owned());
        if fields.region.is_none() {
            names.push(department.region.label().to_owned());
        }
    }
    names.extend(fields.types.iter().map(|kind| kind.label().to_owned()));
    names.extend(fields.region.iter().map(|region| region.label().to_owned()));
    names
}

/// Reads the names of these records (published ones only: the index never holds a draft's words).
async fn names_of<K: store::StoredKind + Searchable, C: store::Connection>(
    conn: &C,
    ids: &[K::Id],
) -> Result<HashMap<i64, String>>
where
    K::Id: RecordId,
{
    let mut unique: Vec<K::Id> = ids.to_vec();
    unique.sort();
    unique.dedup();
    Ok(store::get_many::<K, _>(conn, &searchable(), &unique)
        .await?
        .into_iter()
        .map(|record| (record.id.get(), record.fields.searchable_text().title))
        .collect())
}

/// Reads the published territories of these sheets, by id.
async fn territories_of<'a, C: store::Connection>(
    conn: &C,
    sheets: impl Iterator<Item = &'a Sheet>,
) -> Result<HashMap<TerritoryId, Territory>> {
    let ids: BTreeSet<TerritoryId> = sheets.flat_map(|sheet| sheet.fields.territories.iter().copied()).collect();
    let ids: Vec<TerritoryId> = ids.into_iter().collect();
    Ok(store::get_many::<TerritoryFields, _>(conn, &searchable(), &ids)
        .await?
        .into_iter()
        .map(|territory| (territory.id, territory))
        .collect())
}

fn years_of(sheet: &SheetFields) -> Vec<i32> {
    use chrono::Datelike;
    let mut years = BTreeSet::new();
    for record in &sheet.phases {
        let start = record.started_on.or(record.ended_on).map(|date| date.year());
        let end = record.ended_on.or(record.started_on).map(|date| date.year());
        if let (Some(start), Some(end)) = (start, end) {
            years.extend(start..=end.min(start + 20));
        }
    }
    years.into_iter().collect()
}

fn codes<T: Vocabulary>(dimension: Dimension, values: &[T]) -> impl Iterator<Item = (Dimension, String)> + '_ {
    values.iter().map(move |value| (dimension, value.code().to_owned()))
}

/// Builds the index operations for these records from their current state in the database: an
/// upsert for each record that exists, a delete for each that does not (or is not searchable).
pub async fn documents(store: &Store, targets: &BTreeSet<(Kind, i64)>) -> Result<Vec<IndexOp>> {
    let conn = store.connection();
    let ids_of = |kind: Kind| -> Vec<i64> { targets.iter().filter(|(k, _)| *k == kind).map(|(_, id)| *id).collect() };
    let mut ops = Vec::new();
    sheet_documents(conn, &ids_of(Kind::Sheet), &mut ops).await?;
    lesson_documents(conn, &ids_of(Kind::Lesson), &mut ops).await?;
    programme_documents(conn, &ids_of(Kind::Programme), &mut ops).await?;
    organisation_documents(conn, &ids_of(Kind::Organisation), &mut ops).await?;

    // Whatever was asked for and not found (or not searchable, like territories) leaves the index.
    let found: BTreeSet<(Kind, i64)> = ops
        .iter()
        .filter_map(|op| match op {
            IndexOp::Upsert(doc) => Some((doc.kind, doc.id)),
            IndexOp::Delete(..) => None,
        })
        .collect();
    for (kind, id) in targets {
        if !found.contains(&(*kind, *id)) && *kind != Kind::Territory {
            ops.push(IndexOp::Delete(*kind, *id));
        }
    }
    Ok(ops)
}

/// The index holds what search may show, published records only: drafts never weigh on scores,
/// counts or suggestions (a side channel on what they say), and leave it when unpublished.
fn searchable() -> Visibility {
    Visibility::public()
}

/// The documents of these sheets: their facets take the types and regions of their territories.
async fn sheet_documents<C: store::Connection>(conn: &C, ids: &[i64], ops: &mut Vec<IndexOp>) -> Result<()> {
    let searchable = searchable();
    let sheet_ids: Vec<SheetId> = ids.iter().copied().map(SheetId).collect();
    let sheets = store::get_many::<SheetFields, _>(conn, &searchable, &sheet_ids).await?;
    let territories = territories_of(conn, sheets.iter()).await?;
    let programme_ids: Vec<ProgrammeId> = sheets.iter().flat_map(|sheet| sheet.fields.programmes.clone()).collect();
    let programme_names = names_of::<ProgrammeFields, _>(conn, &programme_ids).await?;
    let organisation_ids: Vec<OrganisationId> = sheets
        .iter()
        .flat_map(|sheet| sheet.fields.supporting_structure.into_iter().chain(sheet.fields.project_holder))
        .collect();
    let organisation_names = names_of::<OrganisationFields, _>(conn, &organisation_ids).await?;

    for sheet in &sheets {
        let fields = &sheet.fields;
        let mut names: Vec<String> =
            fields.programmes.iter().filter_map(|id| programme_names.get(&id.get()).cloned()).collect();
        for territory in fields.territories.iter().filter_map(|id| territories.get(id)) {
            names.extend(place_names(territory));
        }
        names.extend(
            fields
                .supporting_structure
                .into_iter()
                .chain(fields.project_holder)
                .filter_map(|id| organisation_names.get(&id.get()).cloned()),
        );
        let mut facets: Vec<(Dimension, String)> =
            fields.programmes.iter().map(|id| (Dimension::Programme, id.get().to_string())).collect();
        facets.extend(codes(Dimension::Theme, &fields.themes));
        facets.push((Dimension::Status, fields.status.code().to_owned()));
        facets.extend(fields.supporting_structure.map(|id| (Dimension::Structure, id.get().to_string())));
        facets.extend(fields.phases.iter().map(|record| (Dimension::Phase, record.phase.code().to_owned())));
        for territory in fields.territories.iter().filter_map(|id| territories.get(id)) {
            facets.extend(codes(Dimension::TerritoryType, &territory.fields.types));
            facets.extend(territory.fields.region.map(|region| (Dimension::Region, region.code().to_owned())));
        }
        facets.sort();
        facets.dedup();
        let document = document_of(Kind::Sheet, sheet);
        ops.push(IndexOp::Upsert(Box::new(SearchDoc {
            facets,
            years: years_of(fields),
            labels: with_names(document.labels.clone(), names),
            ..document
        })));
    }

    Ok(())
}

/// The documents of these lessons: their programmes, places, years and recurrence come from the
/// published sheets that observed them.
async fn lesson_documents<C: store::Connection>(conn: &C, ids: &[i64], ops: &mut Vec<IndexOp>) -> Result<()> {
    let searchable = searchable();
    let lesson_ids: Vec<LessonId> = ids.iter().copied().map(LessonId).collect();
    let lessons = store::get_many::<LessonFields, _>(conn, &searchable, &lesson_ids).await?;
    // The published sheets behind the lessons: a lesson's programmes and years come from them only.
    let public = searchable;
    let evidence_ids: Vec<SheetId> = lessons
        .iter()
        .flat_map(|lesson| lesson.fields.evidence_links.iter().map(|link| link.sheet))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let evidence: HashMap<SheetId, Sheet> = store::get_many::<SheetFields, _>(conn, &public, &evidence_ids)
        .await?
        .into_iter()
        .map(|sheet| (sheet.id, sheet))
        .collect();
    // The published programmes among theirs: a lesson's recurrence counts those only.
    let programme_ids: Vec<ProgrammeId> = evidence
        .values()
        .flat_map(|sheet| sheet.fields.programmes.iter().copied())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let programme_names = names_of::<ProgrammeFields, _>(conn, &programme_ids).await?;
    // The places of those sheets describe the lesson too (« Bretagne » finds what was learnt there).
    let territories = territories_of(conn, evidence.values()).await?;
    let published_programmes: BTreeSet<ProgrammeId> = programme_names.keys().map(|id| ProgrammeId(*id)).collect();

    for lesson in &lessons {
        let fields = &lesson.fields;
        let observed: Vec<&Sheet> = fields
            .evidence_links
            .iter()
            .filter(|link| link.role == EvidenceRole::ObservedIn)
            .filter_map(|link| evidence.get(&link.sheet))
            .collect();
        let mut facets: Vec<(Dimension, String)> = vec![
            (Dimension::Polarity, fields.polarity.code().to_owned()),
            (Dimension::EvidenceLevel, fields.evidence_level.code().to_owned()),
        ];
        facets.extend(codes(Dimension::Category, &fields.categories));
        facets.extend(codes(Dimension::Phase, &fields.phases));
        facets.extend(codes(Dimension::Theme, &fields.themes));
        facets.extend(codes(Dimension::TerritoryType, &fields.territory_types));
        facets.extend(
            observed.iter().flat_map(|sheet| {
                sheet.fields.programmes.iter().map(|id| (Dimension::Programme, id.get().to_string()))
            }),
        );
        facets.sort();
        facets.dedup();
        let observed_programmes: BTreeSet<ProgrammeId> = observed
            .iter()
            .flat_map(|sheet| sheet.fields.programmes.iter().copied())
            .filter(|programme| published_programmes.contains(programme))
            .collect();
        let mut years: Vec<i32> = observed.iter().flat_map(|sheet| years_of(&sheet.fields)).collect();
        years.sort_unstable();
        years.dedup();
        let document = document_of(Kind::Lesson, lesson);
        let mut names: Vec<String> =
            observed_programmes.iter().filter_map(|id| programme_names.get(&id.get()).cloned()).collect();
        for sheet in &observed {
            for territory in sheet.fields.territories.iter().filter_map(|id| territories.get(id)) {
                names.extend(place_names(territory));
            }
        }
        ops.push(IndexOp::Upsert(Box::new(SearchDoc {
            facets,
            years,
            labels: with_names(document.labels.clone(), names),
            recurrence: Some((observed_programmes.len() as u64, observed.len() as u64)),
            evidence_sheets: fields
                .evidence_links
                .iter()
                .filter(|link| evidence.contains_key(&link.sheet))
                .map(|link| link.sheet.get())
                .collect(),
            ..document
        })));
    }

    Ok(())
}

async fn programme_documents<C: store::Connection>(conn: &C, ids: &[i64], ops: &mut Vec<IndexOp>) -> Result<()> {
    let programme_ids: Vec<ProgrammeId> = ids.iter().copied().map(ProgrammeId).collect();
    let programmes = store::get_many::<ProgrammeFields, _>(conn, &searchable(), &programme_ids).await?;
    for programme in &programmes {
        let fields = &programme.fields;
        let mut facets: Vec<(Dimension, String)> = codes(Dimension::Theme, &fields.themes).collect();
        facets.push((Dimension::Programme, programme.id.get().to_string()));
        let years = match (fields.start_year, fields.end_year) {
            (Some(start), Some(end)) => (start.get()..=end.get().min(start.get() + 50)).collect(),
            (Some(start), None) => vec![start.get()],
            _ => Vec::new(),
        };
        ops.push(IndexOp::Upsert(Box::new(SearchDoc { facets, years, ..document_of(Kind::Programme, programme) })));
    }

    Ok(())
}

async fn organisation_documents<C: store::Connection>(conn: &C, ids: &[i64], ops: &mut Vec<IndexOp>) -> Result<()> {
    let organisation_ids: Vec<OrganisationId> = ids.iter().copied().map(OrganisationId).collect();
    let organisations = store::get_many::<OrganisationFields, _>(conn, &searchable(), &organisation_ids).await?;
    for organisation in &organisations {
        let fields = &organisation.fields;
        ops.push(IndexOp::Upsert(Box::new(SearchDoc {
            facets: fields.region.map(|region| (Dimension::Region, region.code().to_owned())).into_iter().collect(),
            ..document_of(Kind::Organisation, organisation)
        })));
    }

    Ok(())
}
