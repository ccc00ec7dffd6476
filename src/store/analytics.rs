//! The figures dashboards ask for, computed in SQL over published records the caller may see (the
//! same `visible_in` condition as every read, and the lists' filters): the recurrence of lessons
//! across programmes, and the rows behind the funnel of the démarche and capitalisation coverage.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, JoinType, Query, SelectStatement};

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

/// How many published sheets of a group (a published programme or supporting structure; `None`
/// when they have none) went furthest to one phase (`None`: no phase recorded), and how many of them
/// a published lesson is linked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FurthestRow {
    pub group: Option<i64>,
    /// The index of the furthest phase in `Phase::ALL`.
    pub furthest: Option<i64>,
    pub sheets: i64,
    pub covered: i64,
}

/// A published sheet that dated both phases of a funnel's span: when each started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpanRow {
    pub group: Option<i64>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Returns the figures behind the funnel of the published sheets matching `filter`, in two
/// statements whatever the number of sheets: the sheets per group and furthest phase (counted in
/// SQL, one row per group and phase), and the start dates of `from` and `to` of the sheets that
/// dated both (for the median time between them).
pub async fn funnel_figures<C: ConnectionTrait>(
    conn: &C,
    visibility: &Visibility,
    filter: &SheetFilter,
    grouping: FunnelGrouping,
    from: Phase,
    to: Phase,
) -> Result<(Vec<FurthestRow>, Vec<SpanRow>)> {
    let a = Alias::new;
    let counts = Query::select()
        .expr_as(col("s", "grp"), a("grp"))
        .expr_as(col("s", "furthest"), a("furthest"))
        .expr_as(Expr::col((a("s"), a("sheet"))).count(), a("sheets"))
        // SUM of a BIGINT is a NUMERIC on PostgreSQL: cast back, so both databases give an integer.
        .expr_as(Expr::col((a("s"), a("covered"))).sum().cast_as(a("BIGINT")), a("covered"))
        .from_subquery(per_sheet(visibility, filter, grouping, (from, to), false), a("s"))
        .group_by_col((a("s"), a("grp")))
        .group_by_col((a("s"), a("furthest")))
        .to_owned();
    let spans = Query::select()
        .expr_as(col("s", "grp"), a("grp"))
        .expr_as(col("s", "from_on"), a("from_on"))
        .expr_as(col("s", "to_on"), a("to_on"))
        .from_subquery(per_sheet(visibility, filter, grouping, (from, to), true), a("s"))
        .to_owned();
    let mut furthest = Vec::new();
    for row in rows(conn, &counts).await? {
        furthest.push(FurthestRow {
            group: row.try_get("", "grp").map_err(db_error)?,
            furthest: row.try_get("", "furthest").map_err(db_error)?,
            sheets: row.try_get("", "sheets").map_err(db_error)?,
            covered: row.try_get("", "covered").map_err(db_error)?,
        });
    }
    let mut dated = Vec::new();
    for row in rows(conn, &spans).await? {
        dated.push(SpanRow {
            group: row.try_get("", "grp").map_err(db_error)?,
            from: row.try_get("", "from_on").map_err(db_error)?,
            to: row.try_get("", "to_on").map_err(db_error)?,
        });
    }
    Ok((furthest, dated))
}

/// One row per published sheet matching `filter` and its group: the index of its furthest phase, the
/// start of `from` and of `to`, and whether a published lesson is linked to it. The phases are reduced
/// per sheet first (a narrow table), then joined to the sheets, which are read through the narrow
/// `idx_sheet_scope` rather than row by row. With `spans_only`, only the sheets that dated both phases,
/// read from that side.
fn per_sheet(
    visibility: &Visibility,
    filter: &SheetFilter,
    grouping: FunnelGrouping,
    (from, to): (Phase, Phase),
    spans_only: bool,
) -> SelectStatement {
    let a = Alias::new;
    let with_lesson = Query::select()
        .column((a("lesson_evidence"), a("sheet_id")))
        .from(a("lesson_evidence"))
        .inner_join(a("lesson"), col("lesson", "id").equals((a("lesson_evidence"), a("lesson_id"))))
        .and_where(col("lesson", "publication_status").eq(PUBLISHED))
        .to_owned();
    let phase = || col("sheet_phase", "phase");
    let mut rank = Expr::case(phase().eq(Phase::ALL[0].code()), Expr::val(0i64));
    for (index, later) in Phase::ALL.iter().enumerate().skip(1) {
        rank = rank.case(phase().eq(later.code()), Expr::val(index as i64));
    }
    let started = |wanted: Phase| {
        Expr::case(phase().eq(wanted.code()), col("sheet_phase", "started_on")).finally(Expr::cust("NULL"))
    };
    let mut phases = Query::select();
    phases
        .expr_as(col("sheet_phase", "sheet_id"), a("sheet_id"))
        .expr_as(Expr::expr(rank.finally(Expr::cust("NULL"))).max(), a("furthest"))
        .expr_as(Expr::expr(started(from)).min(), a("from_on"))
        .expr_as(Expr::expr(started(to)).min(), a("to_on"))
        .from(a("sheet_phase"))
        .group_by_col((a("sheet_phase"), a("sheet_id")));
    let mut query = Query::select();
    query
        .expr_as(col("sheet", "id"), a("sheet"))
        .expr_as(col("p", "furthest"), a("furthest"))
        .expr_as(col("p", "from_on"), a("from_on"))
        .expr_as(col("p", "to_on"), a("to_on"))
        .expr_as(
            Expr::case(col("sheet", "id").in_subquery(with_lesson), Expr::val(1i64)).finally(Expr::val(0i64)),
            a("covered"),
        )
        .from(a("sheet"))
        .cond_where(published::<SheetFields>(visibility, filter));
    let on = col("p", "sheet_id").equals((a("sheet"), a("id")));
    if spans_only {
        phases.cond_having(
            Condition::all()
                .add(Expr::expr(started(from)).min().is_not_null())
                .add(Expr::expr(started(to)).min().is_not_null()),
        );
        query.join_subquery(JoinType::InnerJoin, phases, a("p"), on);
    } else {
        query.join_subquery(JoinType::LeftJoin, phases, a("p"), on);
    }
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
    query
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

/// One line of a sheet's funding plan, as dashboards sum it.
#[derive(Debug, Clone, PartialEq)]
pub struct FundingRow {
    pub sheet: i64,
    pub funder: String,
    pub amount_cents: i64,
    pub year: Option<i32>,
    pub kind: String,
}

/// Returns the funding lines of these sheets: by id lists when they are few, in one pass over the
/// table otherwise.
pub async fn funding_of<C: ConnectionTrait>(conn: &C, sheets: &[i64]) -> Result<Vec<FundingRow>> {
    const IN_LIST: usize = 1_000;
    let a = Alias::new;
    let base = || {
        Query::select()
            .columns([a("sheet_id"), a("funder"), a("amount_cents"), a("year"), a("kind")])
            .from(a("sheet_funding"))
            .to_owned()
    };
    let read = |row: &sea_orm::QueryResult| -> Result<FundingRow> {
        Ok(FundingRow {
            sheet: row.try_get("", "sheet_id").map_err(db_error)?,
            funder: row.try_get("", "funder").map_err(db_error)?,
            amount_cents: row.try_get("", "amount_cents").map_err(db_error)?,
            year: row.try_get("", "year").map_err(db_error)?,
            kind: row.try_get("", "kind").map_err(db_error)?,
        })
    };
    let mut out = Vec::new();
    if sheets.is_empty() {
        return Ok(out);
    }
    if sheets.len() <= IN_LIST {
        let query = base().and_where(col("sheet_funding", "sheet_id").is_in(sheets.to_vec())).to_owned();
        for row in rows(conn, &query).await? {
            out.push(read(&row)?);
        }
    } else {
        let wanted: std::collections::HashSet<i64> = sheets.iter().copied().collect();
        for row in rows(conn, &base()).await? {
            let line = read(&row)?;
            if wanted.contains(&line.sheet) {
                out.push(line);
            }
        }
    }
    Ok(out)
}
