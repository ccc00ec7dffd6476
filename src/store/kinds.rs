//! The five kinds of records in storage: their content columns, relations and filters.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::db_error;
use super::entities::{
    lesson, lesson_evidence, organisation, programme, sheet, sheet_document, sheet_indicator, sheet_phase,
    sheet_testimony, territory,
};
use super::records::{Row, StoredKind};
use super::relations::{LinkTable, RelationIndex, delete_links, delete_tags, insert_links, tag_rows};
use super::sql::insert_all;
use super::sql::{codes_in, col, ids_in, parse_code, set, stored, visible_in};
use crate::domain::*;
use crate::error::{Error, Result};

macro_rules! row {
    ($($module:ident => $title:ident,)+) => {$(
        impl Row for $module::Model {
            fn id(&self) -> i64 { self.id }
            fn slug(&self) -> &str { &self.slug }
            fn title(&self) -> &str { &self.$title }
            fn publication_status(&self) -> &str { &self.publication_status }
            fn version(&self) -> i32 { self.version }
            fn created_at(&self) -> i64 { self.created_at }
            fn updated_at(&self) -> i64 { self.updated_at }
            fn owner(&self) -> Option<i64> { self.owner_organisation_id }
        }
    )+};
}

row! {
    organisation => name,
    territory => name,
    programme => name,
    sheet => title,
    lesson => title,
}

fn opt_code<T: Vocabulary>(value: Option<T>) -> Option<String> {
    value.map(|value| value.code().to_owned())
}

fn opt_parse<T>(
    field: &str,
    raw: &Option<String>,
    parse: impl Fn(&str) -> std::result::Result<T, String>,
) -> Result<Option<T>> {
    raw.as_deref().map(|raw| stored(field, parse(raw))).transpose()
}

fn ids<I: RecordId>(raw: Vec<i64>) -> Vec<I> {
    raw.into_iter().map(I::new).collect()
}

fn raw_ids<I: RecordId>(ids: &[I]) -> Vec<i64> {
    ids.iter().map(|id| id.get()).collect()
}

/// `table.id IN (SELECT record_id FROM tag WHERE entity = kind AND facet = … AND value IN (…))`.
fn tagged<T: Vocabulary>(condition: Condition, kind: Kind, facet: &str, values: &[T]) -> Condition {
    if values.is_empty() {
        return condition;
    }
    let codes: Vec<&str> = values.iter().map(|value| value.code()).collect();
    let subquery = Query::select()
        .column(Alias::new("record_id"))
        .from(Alias::new("tag"))
        .and_where(Expr::col(Alias::new("entity")).eq(kind.as_str()))
        .and_where(Expr::col(Alias::new("facet")).eq(facet))
        .and_where(Expr::col(Alias::new("value")).is_in(codes))
        .to_owned();
    condition.add(col(kind.as_str(), "id").in_subquery(subquery))
}

/// `table.id IN (SELECT from_column FROM link_table WHERE to_column IN (…))`.
fn linked_to<I: RecordId>(condition: Condition, kind: Kind, link: (&str, &str, &str), targets: &[I]) -> Condition {
    if targets.is_empty() {
        return condition;
    }
    let (table, from, to) = link;
    let subquery = Query::select()
        .column(Alias::new(from))
        .from(Alias::new(table))
        .and_where(Expr::col(Alias::new(to)).is_in(raw_ids(targets)))
        .to_owned();
    condition.add(col(kind.as_str(), "id").in_subquery(subquery))
}

fn statuses_of<T: Vocabulary>(values: &[T]) -> Vec<&'static str> {
    values.iter().map(|value| value.code()).collect()
}

impl StoredKind for OrganisationFields {
    type Entity = organisation::Entity;
    type Model = organisation::Model;
    type Active = organisation::ActiveModel;
    type Filter = OrganisationFilter;
    const KIND: Kind = Kind::Organisation;
    const TITLE: &'static str = "name";

    fn to_active(&self) -> organisation::ActiveModel {
        organisation::ActiveModel {
            slug: set(self.slug.to_string()),
            name: set(self.name.to_string()),
            kind: set(self.kind.code().to_owned()),
            region: set(opt_code(self.region)),
            website: set(self.website.as_ref().map(|url| url.as_str().to_owned())),
            siren: set(self.siren.as_ref().map(|siren| siren.as_str().to_owned())),
            rna: set(self.rna.as_ref().map(|rna| rna.as_str().to_owned())),
            ..Default::default()
        }
    }

    async fn load_relations<C: ConnectionTrait>(_conn: &C, _ids: &[i64]) -> Result<RelationIndex> {
        Ok(RelationIndex::default())
    }

    async fn delete_relations<C: ConnectionTrait>(_conn: &C, _ids: &[i64]) -> Result<()> {
        Ok(())
    }

    async fn insert_relations<C: ConnectionTrait>(_conn: &C, _records: &[(i64, &Self)]) -> Result<()> {
        Ok(())
    }

    fn from_row(row: &organisation::Model, _relations: &RelationIndex) -> Result<Self> {
        Ok(OrganisationFields {
            slug: stored("slug", Slug::parse(&row.slug))?,
            name: stored("name", Title::parse(&row.name))?,
            kind: parse_code(&row.kind)?,
            region: row.region.as_deref().map(parse_code).transpose()?,
            website: opt_parse("website", &row.website, WebAddress::parse)?,
            siren: opt_parse("siren", &row.siren, Siren::parse)?,
            rna: opt_parse("rna", &row.rna, Rna::parse)?,
        })
    }

    fn condition(filter: &OrganisationFilter, _visibility: &Visibility) -> Condition {
        let condition = codes_in(Condition::all(), "organisation", "kind", &filter.kinds);
        codes_in(condition, "organisation", "region", &filter.regions)
    }
}

impl StoredKind for TerritoryFields {
    type Entity = territory::Entity;
    type Model = territory::Model;
    type Active = territory::ActiveModel;
    type Filter = TerritoryFilter;
    const KIND: Kind = Kind::Territory;
    const TITLE: &'static str = "name";

    fn to_active(&self) -> territory::ActiveModel {
        territory::ActiveModel {
            slug: set(self.slug.to_string()),
            name: set(self.name.to_string()),
            level: set(self.level.code().to_owned()),
            code: set(self.code.as_ref().map(ToString::to_string)),
            region: set(opt_code(self.region)),
            latitude: set(self.centroid.map(GeoPoint::latitude)),
            longitude: set(self.centroid.map(GeoPoint::longitude)),
            ..Default::default()
        }
    }

    async fn load_relations<C: ConnectionTrait>(conn: &C, ids: &[i64]) -> Result<RelationIndex> {
        let mut relations = RelationIndex::default();
        relations.load_tags(conn, Kind::Territory, ids).await?;
        Ok(relations)
    }

    async fn delete_relations<C: ConnectionTrait>(conn: &C, ids: &[i64]) -> Result<()> {
        delete_tags(conn, Kind::Territory, &["territory_type"], ids).await
    }

    async fn insert_relations<C: ConnectionTrait>(conn: &C, records: &[(i64, &Self)]) -> Result<()> {
        let tags =
            records.iter().flat_map(|(id, fields)| tag_rows(Kind::Territory, *id, "territory_type", &fields.types));
        insert_all(conn, tags.collect()).await
    }

    fn from_row(row: &territory::Model, relations: &RelationIndex) -> Result<Self> {
        let centroid = match (row.latitude, row.longitude) {
            (Some(latitude), Some(longitude)) => Some(stored("centroid", GeoPoint::parse(latitude, longitude))?),
            _ => None,
        };
        Ok(TerritoryFields {
            slug: stored("slug", Slug::parse(&row.slug))?,
            name: stored("name", Title::parse(&row.name))?,
            level: parse_code(&row.level)?,
            code: opt_parse("code", &row.code, Label::parse)?,
            region: row.region.as_deref().map(parse_code).transpose()?,
            types: relations.tags(row.id, "territory_type")?,
            centroid,
        })
    }

    fn condition(filter: &TerritoryFilter, _visibility: &Visibility) -> Condition {
        let condition = codes_in(Condition::all(), "territory", "level", &filter.levels);
        let condition = codes_in(condition, "territory", "region", &filter.regions);
        tagged(condition, Kind::Territory, "territory_type", &filter.types)
    }
}

impl StoredKind for ProgrammeFields {
    type Entity = programme::Entity;
    type Model = programme::Model;
    type Active = programme::ActiveModel;
    type Filter = ProgrammeFilter;
    const KIND: Kind = Kind::Programme;
    const TITLE: &'static str = "name";

    fn to_active(&self) -> programme::ActiveModel {
        programme::ActiveModel {
            slug: set(self.slug.to_string()),
            name: set(self.name.to_string()),
            summary: set(self.summary.to_string()),
            start_year: set(self.start_year.map(Year::get)),
            end_year: set(self.end_year.map(Year::get)),
            operator_id: set(self.operator.map(|id| id.get())),
            parent_id: set(self.parent.map(|id| id.get())),
            ..Default::default()
        }
    }

    async fn load_relations<C: ConnectionTrait>(conn: &C, ids: &[i64]) -> Result<RelationIndex> {
        let mut relations = RelationIndex::default();
        relations.load_tags(conn, Kind::Programme, ids).await?;
        relations.load_links(conn, LinkTable::ProgrammeFunder, ids).await?;
        Ok(relations)
    }

    async fn delete_relations<C: ConnectionTrait>(conn: &C, ids: &[i64]) -> Result<()> {
        delete_tags(conn, Kind::Programme, &["theme"], ids).await?;
        delete_links(conn, LinkTable::ProgrammeFunder, ids).await
    }

    async fn insert_relations<C: ConnectionTrait>(conn: &C, records: &[(i64, &Self)]) -> Result<()> {
        let tags = records.iter().flat_map(|(id, fields)| tag_rows(Kind::Programme, *id, "theme", &fields.themes));
        insert_all(conn, tags.collect()).await?;
        let funders: Vec<(i64, Vec<i64>)> =
            records.iter().map(|(id, fields)| (*id, raw_ids(&fields.funders))).collect();
        let links: Vec<(i64, &[i64])> = funders.iter().map(|(id, to)| (*id, to.as_slice())).collect();
        insert_links(conn, LinkTable::ProgrammeFunder, &links).await
    }

    fn from_row(row: &programme::Model, relations: &RelationIndex) -> Result<Self> {
        Ok(ProgrammeFields {
            slug: stored("slug", Slug::parse(&row.slug))?,
            name: stored("name", Title::parse(&row.name))?,
            summary: stored("summary", Summary::parse(&row.summary))?,
            start_year: row.start_year.map(|year| stored("startYear", Year::parse(year.into()))).transpose()?,
            end_year: row.end_year.map(|year| stored("endYear", Year::parse(year.into()))).transpose()?,
            operator: row.operator_id.map(OrganisationId),
            funders: ids(relations.linked(LinkTable::ProgrammeFunder, row.id)),
            parent: row.parent_id.map(ProgrammeId),
            themes: relations.tags(row.id, "theme")?,
        })
    }

    fn condition(filter: &ProgrammeFilter, _visibility: &Visibility) -> Condition {
        let mut condition = ids_in(Condition::all(), "programme", "parent_id", &filter.parents);
        condition = ids_in(condition, "programme", "operator_id", &filter.operators);
        if filter.top_level {
            condition = condition.add(col("programme", "parent_id").is_null());
        }
        tagged(condition, Kind::Programme, "theme", &filter.themes)
    }
}

fn json_list(labels: &[Label]) -> String {
    let items: Vec<String> = labels.iter().map(|label| format!("\"{}\"", escape_json(label.as_str()))).collect();
    format!("[{}]", items.join(","))
}

fn escape_json(raw: &str) -> String {
    let mut escaped = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '"' => escaped.push_str("\\\""),
            '\\' => escaped.push_str("\\\\"),
            '\n' => escaped.push_str("\\n"),
            '\r' => escaped.push_str("\\r"),
            '\t' => escaped.push_str("\\t"),
            c if c.is_control() => escaped.push_str(&format!("\\u{:04x}", c as u32)),
            c => escaped.push(c),
        }
    }
    escaped
}

fn parse_json_list(field: &str, raw: &str) -> Result<Vec<Label>> {
    let items: Vec<String> = serde_json::from_str(raw)
        .map_err(|err| Error::internal(format!("stored {field} is not a JSON list: {err}")))?;
    items.iter().map(|item| stored(field, Label::parse(item))).collect()
}

impl StoredKind for SheetFields {
    type Entity = sheet::Entity;
    type Model = sheet::Model;
    type Active = sheet::ActiveModel;
    type Filter = SheetFilter;
    const KIND: Kind = Kind::Sheet;
    const TITLE: &'static str = "title";

    fn to_active(&self) -> sheet::ActiveModel {
        sheet::ActiveModel {
            slug: set(self.slug.to_string()),
            title: set(self.title.to_string()),
            summary: set(self.summary.to_string()),
            body: set(self.body.to_string()),
            activity_type: set(self.activity_type.code().to_owned()),
            supporting_structure_id: set(self.supporting_structure.map(|id| id.get())),
            project_holder_id: set(self.project_holder.map(|id| id.get())),
            social_need: set(self.social_need.to_string()),
            status: set(self.status.code().to_owned()),
            source_url: set(self.source_url.as_ref().map(|url| url.as_str().to_owned())),
            licence: set(self.licence.as_ref().map(ToString::to_string)),
            ..Default::default()
        }
    }

    async fn load_relations<C: ConnectionTrait>(conn: &C, ids: &[i64]) -> Result<RelationIndex> {
        let mut relations = RelationIndex::default();
        if ids.is_empty() {
            return Ok(relations);
        }
        relations.load_tags(conn, Kind::Sheet, ids).await?;
        for table in [LinkTable::SheetProgramme, LinkTable::SheetTerritory, LinkTable::SheetPartner] {
            relations.load_links(conn, table, ids).await?;
        }
        macro_rules! children {
            ($module:ident, $target:ident) => {
                for row in $module::Entity::find()
                    .filter($module::Column::SheetId.is_in(ids.to_vec()))
                    .order_by_asc($module::Column::Position)
                    .all(conn)
                    .await
                    .map_err(db_error)?
                {
                    relations.$target.entry(row.sheet_id).or_default().push(row);
                }
            };
        }
        children!(sheet_phase, phases);
        children!(sheet_indicator, indicators);
        children!(sheet_testimony, testimonies);
        children!(sheet_document, documents);
        Ok(relations)
    }

    async fn delete_relations<C: ConnectionTrait>(conn: &C, ids: &[i64]) -> Result<()> {
        delete_tags(conn, Kind::Sheet, &["theme", "target_public"], ids).await?;
        for table in [LinkTable::SheetProgramme, LinkTable::SheetTerritory, LinkTable::SheetPartner] {
            delete_links(conn, table, ids).await?;
        }
        for chunk in ids.chunks(1_000) {
            macro_rules! delete {
                ($($module:ident),+) => {$(
                    $module::Entity::delete_many()
                        .filter($module::Column::SheetId.is_in(chunk.to_vec()))
                        .exec(conn)
                        .await
                        .map_err(db_error)?;
                )+};
            }
            delete!(sheet_phase, sheet_indicator, sheet_testimony, sheet_document);
        }
        Ok(())
    }

    async fn insert_relations<C: ConnectionTrait>(conn: &C, records: &[(i64, &Self)]) -> Result<()> {
        let tags = records.iter().flat_map(|(id, fields)| {
            tag_rows(Kind::Sheet, *id, "theme", &fields.themes).chain(tag_rows(
                Kind::Sheet,
                *id,
                "target_public",
                &fields.target_publics,
            ))
        });
        insert_all(conn, tags.collect()).await?;
        for (table, ids_of) in [
            (
                LinkTable::SheetProgramme,
                (|fields: &SheetFields| raw_ids(&fields.programmes)) as fn(&SheetFields) -> Vec<i64>,
            ),
            (LinkTable::SheetTerritory, |fields: &SheetFields| raw_ids(&fields.territories)),
            (LinkTable::SheetPartner, |fields: &SheetFields| raw_ids(&fields.partners)),
        ] {
            let targets: Vec<(i64, Vec<i64>)> = records.iter().map(|(id, fields)| (*id, ids_of(fields))).collect();
            let links: Vec<(i64, &[i64])> = targets.iter().map(|(id, to)| (*id, to.as_slice())).collect();
            insert_links(conn, table, &links).await?;
        }
        macro_rules! insert {
            ($module:ident, $items:ident, |$item:ident| { $($field:ident: $value:expr),+ $(,)? }) => {{
                let rows = records.iter().flat_map(|(id, fields)| {
                    fields.$items.iter().enumerate().map(move |(position, $item)| $module::ActiveModel {
                        sheet_id: set(*id),
                        position: set(position as i32),
                        $($field: set($value),)+
                        ..Default::default()
                    })
                });
                insert_all(conn, rows.collect()).await?;
            }};
        }
        insert!(sheet_phase, phases, |record| {
            phase: record.phase.code().to_owned(),
            started_on: record.started_on,
            ended_on: record.ended_on,
            methods: json_list(&record.methods),
            participants: json_list(&record.participants),
            outcome: record.outcome.to_string(),
        });
        insert!(sheet_indicator, indicators, |indicator| {
            name: indicator.name.to_string(),
            unit: indicator.unit.to_string(),
            baseline: indicator.baseline,
            target: indicator.target,
            actual: indicator.actual,
        });
        insert!(sheet_testimony, testimonies, |testimony| {
            quote: testimony.quote.to_string(),
            speaker: testimony.speaker.to_string(),
            role: testimony.role.to_string(),
        });
        insert!(sheet_document, documents, |document| {
            title: document.title.to_string(),
            kind: document.kind.code().to_owned(),
            url: document.url.as_str().to_owned(),
        });
        Ok(())
    }

    // Long by nature: one statement per column and owned list of a sheet; split, the mapping would scatter.
    fn from_row(row: &sheet::Model, relations: &RelationIndex) -> Result<Self> {
        let none = Vec::new();
        let phases = relations
            .phases
            .get(&row.id)
            .unwrap_or(&none)
            .iter()
            .map(|phase| {
                Ok(PhaseRecord {
                    phase: parse_code(&phase.phase)?,
                    started_on: phase.started_on,
                    ended_on: phase.ended_on,
                    methods: parse_json_list("methods", &phase.methods)?,
                    participants: parse_json_list("participants", &phase.participants)?,
                    outcome: stored("outcome", Prose::parse(&phase.outcome))?,
                })
            })
            .collect::<Result<_>>()?;
        let indicators = relations
            .indicators
            .get(&row.id)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|indicator| {
                Ok(Indicator {
                    name: stored("indicator name", Title::parse(&indicator.name))?,
                    unit: stored("indicator unit", Label::parse(&indicator.unit))?,
                    baseline: indicator.baseline,
                    target: indicator.target,
                    actual: indicator.actual,
                })
            })
            .collect::<Result<_>>()?;
        let testimonies = relations
            .testimonies
            .get(&row.id)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|testimony| {
                Ok(Testimony {
                    quote: stored("quote", Prose::parse(&testimony.quote))?,
                    speaker: stored("speaker", Label::parse(&testimony.speaker))?,
                    role: stored("role", Label::parse(&testimony.role))?,
                })
            })
            .collect::<Result<_>>()?;
        let documents = relations
            .documents
            .get(&row.id)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|document| {
                Ok(Document {
                    title: stored("document title", Title::parse(&document.title))?,
                    kind: parse_code(&document.kind)?,
                    url: stored("document url", WebAddress::parse(&document.url))?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(SheetFields {
            slug: stored("slug", Slug::parse(&row.slug))?,
            title: stored("title", Title::parse(&row.title))?,
            summary: stored("summary", Summary::parse(&row.summary))?,
            body: stored("body", Body::parse(&row.body))?,
            activity_type: parse_code(&row.activity_type)?,
            programmes: ids(relations.linked(LinkTable::SheetProgramme, row.id)),
            territories: ids(relations.linked(LinkTable::SheetTerritory, row.id)),
            supporting_structure: row.supporting_structure_id.map(OrganisationId),
            project_holder: row.project_holder_id.map(OrganisationId),
            partners: ids(relations.linked(LinkTable::SheetPartner, row.id)),
            social_need: stored("socialNeed", Prose::parse(&row.social_need))?,
            themes: relations.tags(row.id, "theme")?,
            target_publics: relations.tags(row.id, "target_public")?,
            status: parse_code(&row.status)?,
            phases,
            indicators,
            testimonies,
            documents,
            source_url: opt_parse("sourceUrl", &row.source_url, WebAddress::parse)?,
            licence: opt_parse("licence", &row.licence, Label::parse)?,
        })
    }

    fn condition(filter: &SheetFilter, _visibility: &Visibility) -> Condition {
        let kind = Kind::Sheet;
        let mut condition = codes_in(Condition::all(), "sheet", "status", &filter.statuses);
        condition = codes_in(condition, "sheet", "activity_type", &filter.activity_types);
        condition = ids_in(condition, "sheet", "supporting_structure_id", &filter.supporting_structures);
        condition = ids_in(condition, "sheet", "project_holder_id", &filter.project_holders);
        condition = linked_to(condition, kind, ("sheet_programme", "sheet_id", "programme_id"), &filter.programmes);
        condition = linked_to(condition, kind, ("sheet_territory", "sheet_id", "territory_id"), &filter.territories);
        condition = linked_to(condition, kind, ("sheet_partner", "sheet_id", "organisation_id"), &filter.partners);
        condition = tagged(condition, kind, "theme", &filter.themes);
        condition = tagged(condition, kind, "target_public", &filter.target_publics);
        if !filter.territory_types.is_empty() {
            // Sheets in at least one territory of these types.
            let subquery = Query::select()
                .column((Alias::new("sheet_territory"), Alias::new("sheet_id")))
                .from(Alias::new("sheet_territory"))
                .inner_join(
                    Alias::new("tag"),
                    Expr::col((Alias::new("tag"), Alias::new("record_id")))
                        .equals((Alias::new("sheet_territory"), Alias::new("territory_id"))),
                )
                .and_where(Expr::col((Alias::new("tag"), Alias::new("entity"))).eq(Kind::Territory.as_str()))
                .and_where(Expr::col((Alias::new("tag"), Alias::new("facet"))).eq("territory_type"))
                .and_where(
                    Expr::col((Alias::new("tag"), Alias::new("value"))).is_in(statuses_of(&filter.territory_types)),
                )
                .to_owned();
            condition = condition.add(col("sheet", "id").in_subquery(subquery));
        }
        if !filter.regions.is_empty() {
            let subquery = Query::select()
                .column((Alias::new("sheet_territory"), Alias::new("sheet_id")))
                .from(Alias::new("sheet_territory"))
                .inner_join(
                    Alias::new("territory"),
                    Expr::col((Alias::new("territory"), Alias::new("id")))
                        .equals((Alias::new("sheet_territory"), Alias::new("territory_id"))),
                )
                .and_where(
                    Expr::col((Alias::new("territory"), Alias::new("region"))).is_in(statuses_of(&filter.regions)),
                )
                .to_owned();
            condition = condition.add(col("sheet", "id").in_subquery(subquery));
        }
        condition
    }
}

impl StoredKind for LessonFields {
    type Entity = lesson::Entity;
    type Model = lesson::Model;
    type Active = lesson::ActiveModel;
    type Filter = LessonFilter;
    const KIND: Kind = Kind::Lesson;
    const TITLE: &'static str = "title";

    fn to_active(&self) -> lesson::ActiveModel {
        lesson::ActiveModel {
            slug: set(self.slug.to_string()),
            polarity: set(self.polarity.code().to_owned()),
            title: set(self.title.to_string()),
            context: set(self.context.to_string()),
            lesson: set(self.lesson.to_string()),
            recommendation: set(self.recommendation.to_string()),
            evidence: set(self.evidence.to_string()),
            evidence_level: set(self.evidence_level.code().to_owned()),
            ..Default::default()
        }
    }

    async fn load_relations<C: ConnectionTrait>(conn: &C, ids: &[i64]) -> Result<RelationIndex> {
        let mut relations = RelationIndex::default();
        if ids.is_empty() {
            return Ok(relations);
        }
        relations.load_tags(conn, Kind::Lesson, ids).await?;
        for row in lesson_evidence::Entity::find()
            .filter(lesson_evidence::Column::LessonId.is_in(ids.to_vec()))
            .order_by_asc(lesson_evidence::Column::Position)
            .all(conn)
            .await
            .map_err(db_error)?
        {
            relations.evidence.entry(row.lesson_id).or_default().push(row);
        }
        Ok(relations)
    }

    async fn delete_relations<C: ConnectionTrait>(conn: &C, ids: &[i64]) -> Result<()> {
        delete_tags(conn, Kind::Lesson, &["phase", "category", "theme", "territory_type"], ids).await?;
        for chunk in ids.chunks(1_000) {
            lesson_evidence::Entity::delete_many()
                .filter(lesson_evidence::Column::LessonId.is_in(chunk.to_vec()))
                .exec(conn)
                .await
                .map_err(db_error)?;
        }
        Ok(())
    }

    async fn insert_relations<C: ConnectionTrait>(conn: &C, records: &[(i64, &Self)]) -> Result<()> {
        let tags = records.iter().flat_map(|(id, fields)| {
            tag_rows(Kind::Lesson, *id, "phase", &fields.phases)
                .chain(tag_rows(Kind::Lesson, *id, "category", &fields.categories))
                .chain(tag_rows(Kind::Lesson, *id, "theme", &fields.themes))
                .chain(tag_rows(Kind::Lesson, *id, "territory_type", &fields.territory_types))
        });
        insert_all(conn, tags.collect()).await?;
        let evidence = records.iter().flat_map(|(id, fields)| {
            fields.evidence_links.iter().enumerate().map(move |(position, link)| lesson_evidence::ActiveModel {
                lesson_id: set(*id),
                sheet_id: set(link.sheet.get()),
                role: set(link.role.code().to_owned()),
                note: set(link.note.to_string()),
                position: set(position as i32),
            })
        });
        insert_all(conn, evidence.collect()).await
    }

    fn from_row(row: &lesson::Model, relations: &RelationIndex) -> Result<Self> {
        let evidence_links = relations
            .evidence
            .get(&row.id)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|link| {
                Ok(EvidenceLink {
                    sheet: SheetId(link.sheet_id),
                    role: parse_code(&link.role)?,
                    note: stored("note", Prose::parse(&link.note))?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(LessonFields {
            slug: stored("slug", Slug::parse(&row.slug))?,
            polarity: parse_code(&row.polarity)?,
            title: stored("title", Title::parse(&row.title))?,
            context: stored("context", Prose::parse(&row.context))?,
            lesson: stored("lesson", Prose::parse(&row.lesson))?,
            recommendation: stored("recommendation", Prose::parse(&row.recommendation))?,
            evidence: stored("evidence", Prose::parse(&row.evidence))?,
            evidence_level: parse_code(&row.evidence_level)?,
            phases: relations.tags(row.id, "phase")?,
            categories: relations.tags(row.id, "category")?,
            themes: relations.tags(row.id, "theme")?,
            territory_types: relations.tags(row.id, "territory_type")?,
            evidence_links,
        })
    }

    fn condition(filter: &LessonFilter, visibility: &Visibility) -> Condition {
        let kind = Kind::Lesson;
        let mut condition = codes_in(Condition::all(), "lesson", "polarity", &filter.polarities);
        condition = codes_in(condition, "lesson", "evidence_level", &filter.evidence_levels);
        condition = tagged(condition, kind, "category", &filter.categories);
        condition = tagged(condition, kind, "phase", &filter.phases);
        condition = tagged(condition, kind, "theme", &filter.themes);
        condition = tagged(condition, kind, "territory_type", &filter.territory_types);
        // Lessons linked to these sheets, or to sheets of these programmes: only through sheets the
        // caller may see, so that a filter never reveals a link the lesson's fields would hide.
        let a = Alias::new;
        if !filter.sheets.is_empty() {
            let subquery = Query::select()
                .column((a("lesson_evidence"), a("lesson_id")))
                .from(a("lesson_evidence"))
                .inner_join(a("sheet"), Expr::col((a("sheet"), a("id"))).equals((a("lesson_evidence"), a("sheet_id"))))
                .and_where(Expr::col((a("sheet"), a("id"))).is_in(raw_ids(&filter.sheets)))
                .cond_where(visible_in(Kind::Sheet, visibility))
                .to_owned();
            condition = condition.add(col("lesson", "id").in_subquery(subquery));
        }
        if !filter.programmes.is_empty() {
            let subquery = Query::select()
                .column((a("lesson_evidence"), a("lesson_id")))
                .from(a("lesson_evidence"))
                .inner_join(a("sheet"), Expr::col((a("sheet"), a("id"))).equals((a("lesson_evidence"), a("sheet_id"))))
                .inner_join(
                    a("sheet_programme"),
                    Expr::col((a("sheet_programme"), a("sheet_id"))).equals((a("lesson_evidence"), a("sheet_id"))),
                )
                .and_where(Expr::col((a("sheet_programme"), a("programme_id"))).is_in(raw_ids(&filter.programmes)))
                .cond_where(visible_in(Kind::Sheet, visibility))
                .to_owned();
            condition = condition.add(col("lesson", "id").in_subquery(subquery));
        }
        condition
    }
}
