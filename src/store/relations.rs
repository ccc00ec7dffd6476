//! The tags (multi-valued vocabularies), links between records and values owned by a sheet: read in
//! batches for a page of records (one statement per table, whatever the page size) and replaced
//! whole when a record changes.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::db_error;
use super::entities::{
    lesson_evidence, programme_funder, sheet_document, sheet_funding, sheet_indicator, sheet_partner, sheet_phase,
    sheet_programme, sheet_territory, sheet_testimony, tag,
};
use super::sql::{insert_all, parse_code, visible_in};
use crate::domain::{Kind, Visibility, Vocabulary};
use crate::error::Result;

/// The relations of a batch of records, indexed by record id.
#[derive(Default)]
pub struct RelationIndex {
    tags: HashMap<(i64, &'static str), Vec<String>>,
    links: HashMap<(LinkTable, i64), Vec<i64>>,
    pub(crate) phases: HashMap<i64, Vec<sheet_phase::Model>>,
    pub(crate) indicators: HashMap<i64, Vec<sheet_indicator::Model>>,
    pub(crate) funding: HashMap<i64, Vec<sheet_funding::Model>>,
    pub(crate) testimonies: HashMap<i64, Vec<sheet_testimony::Model>>,
    pub(crate) documents: HashMap<i64, Vec<sheet_document::Model>>,
    pub(crate) evidence: HashMap<i64, Vec<lesson_evidence::Model>>,
}

/// The link tables, each read from its "from" side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkTable {
    ProgrammeFunder,
    SheetProgramme,
    SheetTerritory,
    SheetPartner,
}

impl RelationIndex {
    /// Returns the vocabulary values of a record's facet, in their stored order.
    pub(crate) fn tags<T: Vocabulary>(&self, id: i64, facet: &'static str) -> Result<Vec<T>> {
        self.tags.get(&(id, facet)).map(Vec::as_slice).unwrap_or_default().iter().map(|code| parse_code(code)).collect()
    }

    /// Returns the ids a record links to through a link table, in their stored order.
    pub(crate) fn linked(&self, table: LinkTable, id: i64) -> Vec<i64> {
        self.links.get(&(table, id)).cloned().unwrap_or_default()
    }

    /// Loads the tags of these records.
    pub(crate) async fn load_tags<C: ConnectionTrait>(&mut self, conn: &C, kind: Kind, ids: &[i64]) -> Result<()> {
        let rows = tag::Entity::find()
            .filter(tag::Column::Entity.eq(kind.as_str()))
            .filter(tag::Column::RecordId.is_in(ids.to_vec()))
            .order_by_asc(tag::Column::Position)
            .all(conn)
            .await
            .map_err(db_error)?;
        for row in rows {
            if let Some(facet) = FACETS.iter().find(|facet| **facet == row.facet) {
                self.tags.entry((row.record_id, facet)).or_default().push(row.value);
            }
        }
        Ok(())
    }

    /// Loads one link table for these records.
    pub(crate) async fn load_links<C: ConnectionTrait>(
        &mut self,
        conn: &C,
        table: LinkTable,
        ids: &[i64],
    ) -> Result<()> {
        let pairs: Vec<(i64, i64)> = match table {
            LinkTable::ProgrammeFunder => programme_funder::Entity::find()
                .filter(programme_funder::Column::ProgrammeId.is_in(ids.to_vec()))
                .order_by_asc(programme_funder::Column::Position)
                .all(conn)
                .await
                .map_err(db_error)?
                .into_iter()
                .map(|row| (row.programme_id, row.organisation_id))
                .collect(),
            LinkTable::SheetProgramme => sheet_programme::Entity::find()
                .filter(sheet_programme::Column::SheetId.is_in(ids.to_vec()))
                .order_by_asc(sheet_programme::Column::Position)
                .all(conn)
                .await
                .map_err(db_error)?
                .into_iter()
                .map(|row| (row.sheet_id, row.programme_id))
                .collect(),
            LinkTable::SheetTerritory => sheet_territory::Entity::find()
                .filter(sheet_territory::Column::SheetId.is_in(ids.to_vec()))
                .order_by_asc(sheet_territory::Column::Position)
                .all(conn)
                .await
                .map_err(db_error)?
                .into_iter()
                .map(|row| (row.sheet_id, row.territory_id))
                .collect(),
            LinkTable::SheetPartner => sheet_partner::Entity::find()
                .filter(sheet_partner::Column::SheetId.is_in(ids.to_vec()))
                .order_by_asc(sheet_partner::Column::Position)
                .all(conn)
                .await
                .map_err(db_error)?
                .into_iter()
                .map(|row| (row.sheet_id, row.organisation_id))
                .collect(),
        };
        for (from, to) in pairs {
            self.links.entry((table, from)).or_default().push(to);
        }
        Ok(())
    }
}

/// Every facet name the tag table holds.
pub(crate) const FACETS: &[&str] = &["theme", "target_public", "territory_type", "phase", "category"];

/// Deletes the tags of these facets of these records, in statements of at most 1,000 ids.
pub(crate) async fn delete_tags<C: ConnectionTrait>(
    conn: &C,
    kind: Kind,
    facets: &[&'static str],
    ids: &[i64],
) -> Result<()> {
    for chunk in ids.chunks(1_000) {
        tag::Entity::delete_many()
            .filter(tag::Column::Entity.eq(kind.as_str()))
            .filter(tag::Column::Facet.is_in(facets.iter().copied()))
            .filter(tag::Column::RecordId.is_in(chunk.to_vec()))
            .exec(conn)
            .await
            .map_err(db_error)?;
    }
    Ok(())
}

/// Returns the tag rows of one facet of a record, for a multi-row insert.
pub(crate) fn tag_rows<'a, T: Vocabulary>(
    kind: Kind,
    id: i64,
    facet: &'static str,
    values: &'a [T],
) -> impl Iterator<Item = tag::ActiveModel> + 'a {
    values.iter().enumerate().map(move |(position, value)| tag::ActiveModel {
        entity: sea_orm::Set(kind.as_str().to_owned()),
        record_id: sea_orm::Set(id),
        facet: sea_orm::Set(facet.to_owned()),
        value: sea_orm::Set(value.code().to_owned()),
        position: sea_orm::Set(position as i32),
    })
}

/// Writes the links of records that have none yet in one link table, with multi-row inserts.
pub(crate) async fn insert_links<C: ConnectionTrait>(
    conn: &C,
    table: LinkTable,
    links: &[(i64, &[i64])],
) -> Result<()> {
    macro_rules! insert {
        ($module:ident, $from_field:ident, $to_field:ident) => {{
            let rows = links.iter().flat_map(|(from, to)| {
                to.iter().enumerate().map(move |(position, id)| $module::ActiveModel {
                    $from_field: sea_orm::Set(*from),
                    $to_field: sea_orm::Set(*id),
                    position: sea_orm::Set(position as i32),
                })
            });
            insert_all(conn, rows.collect()).await
        }};
    }
    match table {
        LinkTable::ProgrammeFunder => insert!(programme_funder, programme_id, organisation_id),
        LinkTable::SheetProgramme => insert!(sheet_programme, sheet_id, programme_id),
        LinkTable::SheetTerritory => insert!(sheet_territory, sheet_id, territory_id),
        LinkTable::SheetPartner => insert!(sheet_partner, sheet_id, organisation_id),
    }
}

/// Deletes the links of these records in one link table, in statements of at most 1,000 ids.
pub(crate) async fn delete_links<C: ConnectionTrait>(conn: &C, table: LinkTable, from: &[i64]) -> Result<()> {
    macro_rules! delete {
        ($module:ident, $from_col:ident) => {{
            for chunk in from.chunks(1_000) {
                $module::Entity::delete_many()
                    .filter($module::Column::$from_col.is_in(chunk.to_vec()))
                    .exec(conn)
                    .await
                    .map_err(db_error)?;
            }
        }};
    }
    match table {
        LinkTable::ProgrammeFunder => delete!(programme_funder, ProgrammeId),
        LinkTable::SheetProgramme => delete!(sheet_programme, SheetId),
        LinkTable::SheetTerritory => delete!(sheet_territory, SheetId),
        LinkTable::SheetPartner => delete!(sheet_partner, SheetId),
    }
    Ok(())
}

/// The relations read from their "to" side, for the API's nested fields (a programme's sheets, a
/// sheet's lessons…): each call is one statement for a whole batch of records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reverse {
    /// Sheets of a programme.
    ProgrammeSheets,
    /// Sheets in a territory.
    TerritorySheets,
    /// Sub-programmes of a programme.
    ProgrammeChildren,
    /// Lessons linked to a sheet (either role).
    SheetLessons,
    /// Sheets an organisation supports as its supporting structure.
    SupportedSheets,
    /// Sheets an organisation holds as project holder.
    HeldSheets,
    /// Sheets an organisation is a partner of.
    PartneredSheets,
    /// Programmes an organisation operates.
    OperatedProgrammes,
    /// Programmes an organisation funds.
    FundedProgrammes,
    /// Programmes a lesson was observed in, through its OBSERVED_IN sheets.
    LessonProgrammes,
}

/// Returns, for each of these ids, the ids related to it through `relation`, in a stable order.
/// Only rows whose target (and, for derived relations, whose intermediate sheet) the visibility
/// allows are returned.
pub async fn reverse<C: ConnectionTrait>(
    conn: &C,
    relation: Reverse,
    ids: &[i64],
    visibility: &Visibility,
) -> Result<HashMap<i64, Vec<i64>>> {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query};
    let a = Alias::new;
    let mut result: HashMap<i64, Vec<i64>> = HashMap::new();
    if ids.is_empty() {
        return Ok(result);
    }
    // (link table, key column, target column, target table) for the plain cases.
    let (table, key, target, target_table) = match relation {
        Reverse::ProgrammeSheets => ("sheet_programme", "programme_id", "sheet_id", "sheet"),
        Reverse::TerritorySheets => ("sheet_territory", "territory_id", "sheet_id", "sheet"),
        Reverse::PartneredSheets => ("sheet_partner", "organisation_id", "sheet_id", "sheet"),
        Reverse::FundedProgrammes => ("programme_funder", "organisation_id", "programme_id", "programme"),
        Reverse::SheetLessons => ("lesson_evidence", "sheet_id", "lesson_id", "lesson"),
        Reverse::ProgrammeChildren => ("programme", "parent_id", "id", "programme"),
        Reverse::SupportedSheets => ("sheet", "supporting_structure_id", "id", "sheet"),
        Reverse::HeldSheets => ("sheet", "project_holder_id", "id", "sheet"),
        Reverse::OperatedProgrammes => ("programme", "operator_id", "id", "programme"),
        Reverse::LessonProgrammes => ("lesson_evidence", "lesson_id", "programme_id", "programme"),
    };
    let target_kind = Kind::parse(target_table)
        .ok_or_else(|| crate::error::Error::internal(format!("{target_table} is not a record table")))?;
    let mut query = Query::select();
    query.expr_as(Expr::col((a(table), a(key))), a("k"));
    if relation == Reverse::LessonProgrammes {
        query
            .expr_as(Expr::col((a("sheet_programme"), a("programme_id"))), a("t"))
            .from(a(table))
            .inner_join(
                a("sheet_programme"),
                Expr::col((a("sheet_programme"), a("sheet_id"))).equals((a(table), a("sheet_id"))),
            )
            .inner_join(a("sheet"), Expr::col((a("sheet"), a("id"))).equals((a(table), a("sheet_id"))))
            .inner_join(
                a("programme"),
                Expr::col((a("programme"), a("id"))).equals((a("sheet_programme"), a("programme_id"))),
            )
            .and_where(Expr::col((a(table), a("role"))).eq("OBSERVED_IN"))
            .cond_where(visible_in(Kind::Sheet, visibility))
            .cond_where(visible_in(Kind::Programme, visibility))
            .distinct();
    } else if table == target_table {
        query
            .expr_as(Expr::col((a(table), a(target))), a("t"))
            .from(a(table))
            .cond_where(visible_in(target_kind, visibility));
    } else {
        query
            .expr_as(Expr::col((a(table), a(target))), a("t"))
            .from(a(table))
            .inner_join(a(target_table), Expr::col((a(target_table), a("id"))).equals((a(table), a(target))))
            .cond_where(visible_in(target_kind, visibility));
    }
    query
        .and_where(Expr::col((a(table), a(key))).is_in(ids.to_vec()))
        .order_by(a("k"), Order::Asc)
        .order_by(a("t"), Order::Asc);
    let statement = conn.get_database_backend().build(&query);
    for row in conn.query_all_raw(statement).await.map_err(db_error)? {
        let key: i64 = row.try_get("", "k").map_err(db_error)?;
        let target: i64 = row.try_get("", "t").map_err(db_error)?;
        result.entry(key).or_default().push(target);
    }
    Ok(result)
}
