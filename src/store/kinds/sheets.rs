//! How project sheets are stored: their columns, tags and links, their owned rows (phases, indicators,
//! testimonies, documents), the JSON lists inside phase rows, and their list filter.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{ids, linked_to, opt_parse, raw_ids, statuses_of, tagged};
use crate::domain::*;
use crate::error::{Error, Result};
use crate::store::db_error;
use crate::store::entities::{sheet, sheet_document, sheet_funding, sheet_indicator, sheet_phase, sheet_testimony};
use crate::store::records::Table;
use crate::store::relations::{LinkTable, RelationIndex, delete_links, delete_tags, insert_links, tag_rows};
use crate::store::sql::{codes_in, col, ids_in, insert_all, parse_code, set, stored};

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

impl Table for SheetFields {
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
            budget_cents: set(self.budget.map(Amount::cents)),
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
        children!(sheet_funding, funding);
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
            delete!(sheet_phase, sheet_indicator, sheet_testimony, sheet_document, sheet_funding);
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
        insert!(sheet_funding, funding, |line| {
            funder: line.funder.to_string(),
            amount_cents: line.amount.cents(),
            year: line.year.map(Year::get),
            kind: line.kind.code().to_owned(),
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
        let funding = relations
            .funding
            .get(&row.id)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|line| {
                Ok(Funding {
                    funder: stored("funder", Label::parse(&line.funder))?,
                    amount: stored("funding amount", Amount::from_cents(line.amount_cents))?,
                    year: line.year.map(|year| stored("funding year", Year::parse(year.into()))).transpose()?,
                    kind: parse_code(&line.kind)?,
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
            budget: row.budget_cents.map(|cents| stored("budget", Amount::from_cents(cents))).transpose()?,
            funding,
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
