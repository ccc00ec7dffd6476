//! Relay connections over every collection: opaque keyset cursors, `first`/`after` and
//! `last`/`before`, page sizes capped at 100, and a `totalCount` computed only when asked for.

use std::borrow::Cow;

use async_graphql::{Context, Object, OutputType, SimpleObject, TypeName};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::error::GqlResult;
use super::types::{LessonNode, OrganisationNode, ProgrammeNode, SheetNode, TerritoryNode};
use crate::app::App;
use crate::app::StoredKind;
use crate::domain::*;
use crate::error::Error;

/// A kind of record that has a connection in the API.
pub trait Listed: StoredKind + Send + Sync {
    type Node: OutputType + From<Record<Self::Id, Self>>;
    const CONNECTION: &'static str;
    const EDGE: &'static str;
}

macro_rules! listed {
    ($($fields:ty => $node:ident, $name:literal;)+) => {$(
        impl Listed for $fields {
            type Node = $node;
            const CONNECTION: &'static str = concat!($name, "Connection");
            const EDGE: &'static str = concat!($name, "Edge");
        }
    )+};
}

listed! {
    OrganisationFields => OrganisationNode, "Organisation";
    TerritoryFields => TerritoryNode, "Territory";
    ProgrammeFields => ProgrammeNode, "Programme";
    SheetFields => SheetNode, "ProjectSheet";
    LessonFields => LessonNode, "Lesson";
}

/// Where a page sits in its list.
#[derive(SimpleObject)]
pub struct PageInfo {
    /// Whether records follow this page (when paging back with `last`/`before`: whether `before` was given).
    pub has_next_page: bool,
    /// Whether records precede this page (when paging forward with `first`/`after`: whether `after` was given).
    pub has_previous_page: bool,
    /// The cursor of the page's first record, to pass as `before` for the previous page; none for an empty page.
    pub start_cursor: Option<String>,
    /// The cursor of the page's last record, to pass as `after` for the next page; none for an empty page.
    pub end_cursor: Option<String>,
}

/// One page of a list.
pub struct Connection<K: Listed> {
    app: App,
    viewer: Viewer,
    statuses: Vec<PublicationStatus>,
    filter: K::Filter,
    page: Page<Record<K::Id, K>>,
}

impl<K: Listed> TypeName for Connection<K> {
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed(K::CONNECTION)
    }
}

/// One page of a list of records (a Relay connection): the records, their cursors and where the page
/// sits. Only records the caller may see are listed and counted.
#[Object(name_type)]
impl<K: Listed> Connection<K>
where
    K::Filter: Clone,
{
    /// The records of the page, each with its cursor.
    async fn edges(&self) -> Vec<Edge<K>> {
        self.page
            .rows
            .iter()
            .map(|(cursor, record)| Edge { cursor: encode_cursor(cursor), record: record.clone() })
            .collect()
    }

    /// The records of the page.
    async fn nodes(&self) -> Vec<K::Node> {
        self.page.rows.iter().map(|(_, record)| K::Node::from(record.clone())).collect()
    }

    /// Where the page sits in the list, and the cursors of its ends.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_next_page: self.page.has_next,
            has_previous_page: self.page.has_previous,
            start_cursor: self.page.rows.first().map(|(cursor, _)| encode_cursor(cursor)),
            end_cursor: self.page.rows.last().map(|(cursor, _)| encode_cursor(cursor)),
        }
    }

    /// How many records the whole list holds (all pages), under the same filter and visibility.
    async fn total_count(&self) -> async_graphql::Result<i32> {
        let count = self.app.count::<K>(&self.viewer, &self.statuses, &self.filter).await.gql()?;
        Ok(i32::try_from(count).unwrap_or(i32::MAX))
    }
}

/// A record and its cursor.
pub struct Edge<K: Listed> {
    cursor: String,
    record: Record<K::Id, K>,
}

impl<K: Listed> TypeName for Edge<K> {
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed(K::EDGE)
    }
}

/// A record of a page, with its cursor.
#[Object(name_type)]
impl<K: Listed> Edge<K> {
    /// An opaque position: pass it as `after` or `before`.
    async fn cursor(&self) -> &str {
        &self.cursor
    }

    /// The record.
    async fn node(&self) -> K::Node {
        K::Node::from(self.record.clone())
    }
}

fn encode_cursor(cursor: &Cursor) -> String {
    let sort = match cursor.sort.field {
        SortField::Title => "t",
        SortField::CreatedAt => "c",
        SortField::UpdatedAt => "u",
    };
    let direction = if cursor.sort.direction == Direction::Ascending { "a" } else { "d" };
    let key = match &cursor.key {
        SortKey::Text(text) => format!("s{text}"),
        SortKey::Time(time) => format!("n{time}"),
    };
    URL_SAFE_NO_PAD.encode(format!("{}|{sort}{direction}|{}|{key}", cursor.kind.as_str(), cursor.id))
}

fn decode_cursor(field: &str, raw: &str) -> Result<Cursor, Error> {
    let invalid = || Error::invalid(field, "is not a cursor of this API; use a cursor from `pageInfo` or an edge");
    let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let mut parts = text.splitn(4, '|');
    let (Some(kind), Some(sort), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(invalid());
    };
    let kind = Kind::parse(kind).ok_or_else(invalid)?;
    let field_code = match sort.get(..1) {
        Some("t") => SortField::Title,
        Some("c") => SortField::CreatedAt,
        Some("u") => SortField::UpdatedAt,
        _ => return Err(invalid()),
    };
    let direction = match sort.get(1..) {
        Some("a") => Direction::Ascending,
        Some("d") => Direction::Descending,
        _ => return Err(invalid()),
    };
    let id: i64 = id.parse().map_err(|_| invalid())?;
    let key = match key.split_at_checked(1) {
        Some(("s", text)) => SortKey::Text(text.to_owned()),
        Some(("n", number)) => SortKey::Time(number.parse().map_err(|_| invalid())?),
        _ => return Err(invalid()),
    };
    Ok(Cursor { kind, sort: Sort { field: field_code, direction }, key, id })
}

/// The pagination arguments of a connection field.
pub struct Slice {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// Checks the pagination arguments: sizes between 0 and 100, `first` and `last` not together.
pub fn page_request(slice: Slice) -> Result<PageRequest, Error> {
    let size = |field: &str, value: i32| -> Result<usize, Error> {
        if value < 0 {
            return Err(Error::invalid(field, format!("{value} is negative; ask for 0 to {MAX_PAGE_SIZE} records")));
        }
        let value = value as usize;
        if value > MAX_PAGE_SIZE {
            return Err(Error::invalid(
                field,
                format!(
                    "{value} is more than the maximum page size of {MAX_PAGE_SIZE}; ask for at most {MAX_PAGE_SIZE} and follow `pageInfo.endCursor`"
                ),
            ));
        }
        Ok(value)
    };
    let (size, backward) = match (slice.first, slice.last) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid("first", "give `first` or `last`, not both"));
        }
        (Some(first), None) => (size("first", first)?, false),
        (None, Some(last)) => (size("last", last)?, true),
        (None, None) => (DEFAULT_PAGE_SIZE, slice.before.is_some() && slice.after.is_none()),
    };
    Ok(PageRequest {
        size,
        backward,
        after: slice.after.as_deref().map(|raw| decode_cursor("after", raw)).transpose()?,
        before: slice.before.as_deref().map(|raw| decode_cursor("before", raw)).transpose()?,
    })
}

/// Runs a list query and wraps the page in a connection.
pub async fn connection<K: Listed>(
    ctx: &Context<'_>,
    statuses: Vec<PublicationStatus>,
    filter: K::Filter,
    sort: Sort,
    slice: Slice,
) -> async_graphql::Result<Connection<K>>
where
    K::Filter: Clone,
{
    let app = ctx.data::<App>()?.clone();
    let viewer = ctx.data::<Viewer>()?.clone();
    let request = page_request(slice).gql()?;
    let page = app.list::<K>(&viewer, &statuses, &filter, sort, &request).await.gql()?;
    Ok(Connection { app, viewer, statuses, filter, page })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_even_with_separators_in_titles() {
        let cursor = Cursor {
            kind: Kind::Sheet,
            sort: Sort { field: SortField::Title, direction: Direction::Ascending },
            key: SortKey::Text("Garage | solidaire".into()),
            id: 7,
        };
        assert_eq!(decode_cursor("after", &encode_cursor(&cursor)).ok(), Some(cursor));
        assert!(decode_cursor("after", "bm9wZQ").is_err());
    }

    #[test]
    fn page_sizes_are_bounded() {
        let slice = |first| Slice { first: Some(first), after: None, last: None, before: None };
        assert!(page_request(slice(100)).is_ok());
        assert!(page_request(slice(101)).is_err());
        assert!(page_request(slice(-1)).is_err());
    }
}
