//! The five kinds of records in storage: their content columns, relations and filters.
//!
//! This module holds what the kinds share (the `Row` accessors of each table and the helpers that map
//! optional codes, ids, tags and links to columns and filter conditions); each kind's `StoredKind`
//! implementation lives in a child module.

use sea_orm::Condition;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};

use super::entities::{lesson, organisation, programme, sheet, territory};
use super::records::Row;
use super::sql::{col, stored};
use crate::domain::*;
use crate::error::Result;

mod lessons;
mod organisations;
mod programmes;
mod sheets;

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
