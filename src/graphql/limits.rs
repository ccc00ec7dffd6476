//! The limits a query must keep within, whatever its shape: depth and complexity (fragments are
//! counted where they are spread, so they cannot hide a field), checked before anything runs. Each
//! refusal names its limit (`error::code_request_errors`, code `LIMIT_EXCEEDED`). Batches are not
//! accepted (one request per POST, `transport::from_json_body`); the rate limit is `http/admission.rs`'s.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

use crate::domain::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

/// The deepest a query may nest fields. The introspection query of the GraphiQL retex serves (3.9,
/// nine levels of `ofType`) needs 15.
pub const MAX_DEPTH: usize = 15;

/// The most a query may cost: one per field, the fields of a connection's page, and of a relation
/// list (`Programme.sheets(first:)`, up to 100 rows, 20 by default), counted once per row it may
/// return. Lists a record holds itself (a sheet's programmes, territories, phases…) are bounded when
/// written (50 items at most) and count their fields once.
pub const MAX_COMPLEXITY: usize = 5_000;

/// The cost of one page of a connection: its fields, once per row it may return.
pub fn page(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let rows = match (first, last) {
        (None, None) => DEFAULT_PAGE_SIZE,
        (first, last) => first.max(last).unwrap_or(0).clamp(1, MAX_PAGE_SIZE as i32) as usize,
    };
    rows.saturating_mul(child_complexity).saturating_add(1)
}

/// The most fields a query document may write out, aliases and `__typename` included (complexity
/// does not count `__typename`, and ten thousand aliases of it still cost a response that size).
pub const MAX_FIELDS: usize = 1_000;

/// Returns the number of fields written in a document.
pub fn written_fields(document: &ExecutableDocument) -> usize {
    fn count(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(field) => 1 + count(&field.node.selection_set.node),
                Selection::FragmentSpread(_) => 0,
                Selection::InlineFragment(fragment) => count(&fragment.node.selection_set.node),
            })
            .sum()
    }
    let operations: usize =
        document.operations.iter().map(|(_, operation)| count(&operation.node.selection_set.node)).sum();
    let fragments: usize = document.fragments.values().map(|fragment| count(&fragment.node.selection_set.node)).sum();
    operations + fragments
}
