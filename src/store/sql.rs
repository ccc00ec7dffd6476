//! The SQL every table shares: column expressions, the visibility rule (`visible_in`), filters on
//! codes and ids, stored codes and timestamps read back, and multi-row inserts. The other store
//! modules build on it; it builds on none of them.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, SimpleExpr};
use sea_orm::{ActiveModelTrait, ActiveValue, Condition, ConnectionTrait, EntityTrait, Iterable, Value};

use super::db_error;
use crate::domain::{Kind, PUBLIC_STATUSES, ProgrammeId, PublicationStatus, RecordId, Scope, Visibility, Vocabulary};
use crate::error::{Error, Result};

/// Returns `table.column` as an expression.
pub(crate) fn col(table: &str, column: &str) -> SimpleExpr {
    Expr::col((Alias::new(table), Alias::new(column)))
}

/// The one visibility rule, in SQL: the rows of `kind`'s table a viewer may see. Everything for
/// administrators; otherwise published rows, plus the rows of the viewer's organisation and
/// programme.
pub(crate) fn visible_in(kind: Kind, visibility: &Visibility) -> Condition {
    if visibility.sees_everything() {
        return Condition::all();
    }
    let table = kind.as_str();
    Condition::any()
        .add(col(table, "publication_status").is_in(codes_of(PUBLIC_STATUSES)))
        .add(in_scope(kind, visibility.scope()))
}

/// The rows of `kind`'s table within a scope: owned by its organisation (or that organisation's own
/// record), or part of its programme.
/// An empty scope holds no row.
pub(crate) fn in_scope(kind: Kind, scope: Scope) -> Condition {
    let table = kind.as_str();
    let mut any = Condition::any();
    if let Some(organisation) = scope.organisation {
        any = any.add(col(table, "owner_organisation_id").eq(organisation.get()));
        if kind == Kind::Organisation {
            // An organisation's own record belongs to it.
            any = any.add(col(table, "id").eq(organisation.get()));
        }
    }
    if let Some(programme) = scope.programme {
        any = any.add(in_programme(kind, programme));
    }
    if any.is_empty() { Condition::all().add(Expr::val(1).eq(0)) } else { any }
}

/// The rows of `kind`'s table that belong to a programme: its sheets, the lessons those sheets show,
/// the programme itself and its sub-programmes. Organisations and territories belong to none.
pub(crate) fn in_programme(kind: Kind, programme: ProgrammeId) -> Condition {
    use sea_orm::sea_query::Query;
    let a = Alias::new;
    let id = programme.get();
    match kind {
        Kind::Sheet => Condition::all().add(
            col("sheet", "id").in_subquery(
                Query::select()
                    .column((a("sheet_programme"), a("sheet_id")))
                    .from(a("sheet_programme"))
                    .and_where(col("sheet_programme", "programme_id").eq(id))
                    .to_owned(),
            ),
        ),
        Kind::Lesson => Condition::all().add(
            col("lesson", "id").in_subquery(
                Query::select()
                    .column((a("lesson_evidence"), a("lesson_id")))
                    .from(a("lesson_evidence"))
                    .inner_join(
                        a("sheet_programme"),
                        Expr::col((a("sheet_programme"), a("sheet_id"))).equals((a("lesson_evidence"), a("sheet_id"))),
                    )
                    .and_where(col("sheet_programme", "programme_id").eq(id))
                    .to_owned(),
            ),
        ),
        Kind::Programme => {
            Condition::any().add(col("programme", "id").eq(id)).add(col("programme", "parent_id").eq(id))
        }
        Kind::Organisation | Kind::Territory => Condition::all().add(Expr::val(1).eq(0)),
    }
}

pub(crate) fn codes_of(statuses: &[PublicationStatus]) -> Vec<&'static str> {
    statuses.iter().map(|status| status.code()).collect()
}

pub(crate) fn time_of(micros: i64) -> Result<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp_micros(micros)
        .ok_or_else(|| Error::internal(format!("stored timestamp {micros} is out of range")))
}

/// Reads a stored vocabulary code; an unknown code means the database holds what no code wrote.
pub(crate) fn parse_code<T: Vocabulary>(code: &str) -> Result<T> {
    T::from_code(code).ok_or_else(|| Error::internal(format!("stored value {code:?} is not a {}", T::NAME)))
}

/// Reads a stored text back into a validated value.
pub(crate) fn stored<T>(field: &str, result: std::result::Result<T, String>) -> Result<T> {
    result.map_err(|problem| Error::internal(format!("stored {field} is invalid: {problem}")))
}

/// The most values one statement binds: under SQLite's limit (32,766) and PostgreSQL's (65,535).
const MAX_PARAMETERS: usize = 30_000;

/// Inserts rows with multi-row `INSERT`s, as many rows per statement as the bound-parameter limit
/// allows for this table's columns.
pub(crate) async fn insert_all<A, C>(conn: &C, rows: Vec<A>) -> Result<()>
where
    A: ActiveModelTrait + Send,
    C: ConnectionTrait,
{
    let columns = <<A::Entity as EntityTrait>::Column as Iterable>::iter().count();
    let per_statement = (MAX_PARAMETERS / columns.max(1)).max(1);
    let mut batch = Vec::with_capacity(per_statement);
    for row in rows {
        batch.push(row);
        if batch.len() == per_statement {
            <A::Entity as EntityTrait>::insert_many(std::mem::take(&mut batch))
                .exec_without_returning(conn)
                .await
                .map_err(db_error)?;
        }
    }
    if !batch.is_empty() {
        <A::Entity as EntityTrait>::insert_many(batch).exec_without_returning(conn).await.map_err(db_error)?;
    }
    Ok(())
}

/// Marks an active value as set, for the kinds' `to_active`.
pub(crate) fn set<T: Into<Value>>(value: T) -> ActiveValue<T> {
    ActiveValue::Set(value)
}

/// Builds `column IN (values)` for a vocabulary filter, or nothing when the filter is empty.
pub(crate) fn codes_in<T: Vocabulary>(condition: Condition, table: &str, column: &str, values: &[T]) -> Condition {
    if values.is_empty() {
        return condition;
    }
    let codes: Vec<&str> = values.iter().map(|value| value.code()).collect();
    condition.add(col(table, column).is_in(codes))
}

/// Builds `column IN (ids)` for a relation filter, or nothing when the filter is empty.
pub(crate) fn ids_in<I: RecordId>(condition: Condition, table: &str, column: &str, ids: &[I]) -> Condition {
    if ids.is_empty() {
        return condition;
    }
    condition.add(col(table, column).is_in(ids.iter().map(|id| id.get()).collect::<Vec<_>>()))
}
