//! The figures dashboards ask for, computed in SQL over published records the caller may see (the
//! same `visible_in` condition as every read, and the lists' filters): the recurrence of lessons
//! across programmes, and the rows behind the funnel of the démarche and capitalisation coverage.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Query, SelectStatement};

use super::db_error;
use super::records::StoredKind;
use super::sql::{col, visible_in};
use crate::domain::*;
use crate::error::Result;

const PUBLISHED: &str = "PUBLISHED";

/// The published records of `kind` the caller may see, under the kind's list filter.
fn published<K: StoredKind>(visibility: &Visibility, filter: &K::Filter) -> Condition {
    Condition::all()
        .add(col(K::KIND.as_str(), "publication_status").eq(PUBLISHED))
        .add(visible_in(K::KIND, visibility))
        .add(K::condition(filter, visibility))
}

async fn rows<C: ConnectionTrait>(conn: &C, query: &SelectStatement) -> Result<Vec<sea_orm::QueryResult>> {
    let statement = conn.get_database_backend().build(query);
    conn.query_all_raw(statement).await.map_err(db_error)
}

/// For each of these lessons, the number of distinct published sheets that contradict it.
pub async fn contradicting<C: ConnectionTrait>(conn: &C, lessons: &[i64]) -> Result<HashMap<i64, i64>> {
    if lessons.is_empty() {
        return Ok(HashMap::new());
    }
    let a = Alias::new;
    let query = Query::select()
        .expr_as(Expr::col((a("lesson_evidence"), a("lesson_id"))), a("lesson"))
        .expr_as(Expr::col((a("lesson_evidence"), a("sheet_id"))).count_distinct(), a("sheets"))
        .from(a("lesson_evidence"))
        .inner_join(a("sheet"), col("sheet", "id").equals((a("lesson_evidence"), a("sheet_id"))))
        .and_where(col("lesson_evidence", "role").eq(EvidenceRole::ContradictedBy.code()))
        .and_where(col("sheet", "publication_status").eq(PUBLISHED))
        .and_where(col("lesson_evidence", "lesson_id").is_in(lessons.to_vec()))
        .group_by_col((a("lesson_evidence"), a("lesson_id")))
        .to_owned();
    let mut out = HashMap::new();
    for row in rows(conn, &query).await? {
        out.insert(row.try_get("", "lesson").map_err(db_error)?, row.try_get("", "sheets").map_err(db_error)?);
    }
    Ok(out)
}

/// What a funnel groups sheets by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunnelGrouping {
    Overall,
    Programme,
    Structure,
}

/// One row behind the funnel: a published sheet, its group (a published programme or supporting
/// structure; `None` when it has none), one of its phases (if any) with its start date, and whether
/// a published lesson is linked to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseRow {
    pub group: Option<i64>,
    pub sheet: i64,
    pub phase: Option<String>,
    pub started_on: Option<NaiveDate>,
    pub covered: bool,
}

/// Returns the rows behind the funnel of the published sheets matching `filter`, in one statement.
pub async fn sheet_phases<C: ConnectionTrait>(
    conn: &C,
    visibility: &Visibility,
    filter: &SheetFilter,
    grouping: FunnelGrouping,
) -> Result<Vec<PhaseRow>> {
    let a = Alias::new;
    let with_lesson = Query::select()
        .column((a("lesson_evidence"), a("sheet_id")))
        .from(a("lesson_evidence"))
        .inner_join(a("lesson"), col("lesson", "id").equals((a("lesson_evidence"), a("lesson_id"))))
        .and_where(col("lesson", "publication_status").eq(PUBLISHED))
        .to_owned();
    let mut query = Query::select();
    query
        .expr_as(col("sheet", "id"), a("sheet"))
        .expr_as(col("sheet_phase", "phase"), a("phase"))
        .expr_as(col("sheet_phase", "started_on"), a("started_on"))
        .expr_as(
            Expr::case(col("sheet", "id").in_subquery(with_lesson), Expr::val(1)).finally(Expr::val(0)),
            a("covered"),
        )
        .from(a("sheet"))
        .left_join(a("sheet_phase"), col("sheet_phase", "sheet_id").equals((a("sheet"), a("id"))))
        .cond_where(published::<SheetFields>(visibility, filter));
    match grouping {
        FunnelGrouping::Overall => {
            query.expr_as(Expr::val(Option::<i64>::None), a("grp"));
        }
        FunnelGrouping::Programme => {
            query
                .expr_as(col("programme", "id"), a("grp"))
                .left_join(a("sheet_programme"), col("sheet_programme", "sheet_id").equals((a("sheet"), a("id"))))
                .left_join(
                    a("programme"),
                    Condition::all()
                        .add(col("programme", "id").equals((a("sheet_programme"), a("programme_id"))))
                        .add(col("programme", "publication_status").eq(PUBLISHED)),
                );
        }
        FunnelGrouping::Structure => {
            query.expr_as(col("organisation", "id"), a("grp")).left_join(
                a("organisation"),
                Condition::all()
                    .add(col("organisation", "id").equals((a("sheet"), a("supporting_structure_id"))))
                    .add(col("organisation", "publication_status").eq(PUBLISHED)),
            );
        }
    }
    rows(conn, &query)
        .await?
        .iter()
        .map(|row| {
            let covered: i32 = row.try_get("", "covered").map_err(db_error)?;
            Ok(PhaseRow {
                group: row.try_get("", "grp").map_err(db_error)?,
                sheet: row.try_get("", "sheet").map_err(db_error)?,
                phase: row.try_get("", "phase").map_err(db_error)?,
                started_on: row.try_get("", "started_on").map_err(db_error)?,
                covered: covered != 0,
            })
        })
        .collect()
}

/// One indicator of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRow {
    pub sheet: i64,
    pub name: String,
    pub unit: String,
    pub target: Option<f64>,
    pub actual: Option<f64>,
}

/// Returns the indicators of these sheets: by id lists when they are few, in one pass over the
/// table otherwise.
pub async fn indicators_of<C: ConnectionTrait>(conn: &C, sheets: &[i64]) -> Result<Vec<IndicatorRow>> {
    const IN_LIST: usize = 1_000;
    let a = Alias::new;
    let base = || {
        Query::select()
            .columns([a("sheet_id"), a("name"), a("unit"), a("target"), a("actual")])
            .from(a("sheet_indicator"))
            .to_owned()
    };
    let read = |row: &sea_orm::QueryResult| -> Result<IndicatorRow> {
        Ok(IndicatorRow {
            sheet: row.try_get("", "sheet_id").map_err(db_error)?,
            name: row.try_get("", "name").map_err(db_error)?,
            unit: row.try_get("", "unit").map_err(db_error)?,
            target: row.try_get("", "target").map_err(db_error)?,
            actual: row.try_get("", "actual").map_err(db_error)?,
        })
    };
    let mut out = Vec::new();
    if sheets.len() <= IN_LIST {
        if sheets.is_empty() {
            return Ok(out);
        }
        let query = base().and_where(col("sheet_indicator", "sheet_id").is_in(sheets.to_vec())).to_owned();
        for row in rows(conn, &query).await? {
            out.push(read(&row)?);
        }
    } else {
        let wanted: std::collections::HashSet<i64> = sheets.iter().copied().collect();
        for row in rows(conn, &base()).await? {
            let indicator = read(&row)?;
            if wanted.contains(&indicator.sheet) {
                out.push(indicator);
            }
        }
    }
    Ok(out)
}
