//! What every kind of record shares in storage: a table with a slug, a title column, a publication
//! status, a version and timestamps; lookups under a visibility; keyset-paginated lists; counts;
//! inserts and version-checked updates. Each kind plugs in through [`StoredKind`].

use std::collections::HashMap;
use std::future::Future;
use std::str::FromStr;

use sea_orm::sea_query::{Alias, Expr, ExprTrait, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Value,
};

use super::relations::RelationIndex;
use super::sql::{codes_of, col, in_scope, insert_all, parse_code, time_of, visible_in};
use super::{db_error, now_micros};
use crate::domain::{
    Cursor, Direction, Fields, Kind, Meta, OrganisationId, Page, PageRequest, PublicationStatus, Record, RecordId,
    Scope, Sort, SortField, SortKey, Visibility, Vocabulary,
};
use crate::error::{Error, Result};

/// The columns every record table has, read generically.
pub trait Row: Clone + Send + Sync + 'static {
    fn id(&self) -> i64;
    fn slug(&self) -> &str;
    fn title(&self) -> &str;
    fn publication_status(&self) -> &str;
    fn version(&self) -> i32;
    fn created_at(&self) -> i64;
    fn updated_at(&self) -> i64;
    /// The organisation that owns the record, if any.
    fn owner(&self) -> Option<i64>;
}

/// A kind of record the store keeps. How it is stored (its entity and rows, relations, filters as
/// SQL) is the store's own business, in [`Table`], a supertrait no module outside the store can
/// name: callers name this trait and the record types, never the database library's.
pub trait StoredKind: Table {}

impl<T: Table> StoredKind for T {}

/// How a kind of record is stored: its entity, its content columns, its relations and its filters.
pub trait Table: Fields + Sized {
    type Entity: EntityTrait<Model = Self::Model, ActiveModel = Self::Active>;
    type Model: Row + IntoActiveModel<Self::Active> + sea_orm::FromQueryResult;
    type Active: ActiveModelTrait<Entity = Self::Entity> + sea_orm::ActiveModelBehavior + Default + Send + Sync;
    type Filter: Send + Sync;
    const KIND: Kind;
    /// The column lists sort by title (`name` or `title`).
    const TITLE: &'static str;

    /// Returns an active model with the content columns set (not the id nor the bookkeeping).
    fn to_active(&self) -> Self::Active;

    /// Loads the tags, links and owned values of these records in a bounded number of statements.
    fn load_relations<C: ConnectionTrait>(conn: &C, ids: &[i64]) -> impl Future<Output = Result<RelationIndex>> + Send;

    /// Replaces the tags, links and owned values of a record: the same statements as for many.
    fn write_relations<C: ConnectionTrait>(&self, conn: &C, id: i64) -> impl Future<Output = Result<()>> + Send {
        async move {
            Self::delete_relations(conn, &[id]).await?;
            Self::insert_relations(conn, &[(id, self)]).await
        }
    }

    /// Deletes the tags, links and owned values of these records (before [`Self::insert_relations`]
    /// writes their new ones), a bounded number of statements per table.
    fn delete_relations<C: ConnectionTrait>(conn: &C, ids: &[i64]) -> impl Future<Output = Result<()>> + Send;

    /// Writes the tags, links and owned values of records that have none yet (just inserted), with
    /// multi-row inserts: a bounded number of statements per table, whatever the number of records.
    fn insert_relations<C: ConnectionTrait>(
        conn: &C,
        records: &[(i64, &Self)],
    ) -> impl Future<Output = Result<()>> + Send;

    /// Rebuilds the fields from a row and its relations.
    fn from_row(row: &Self::Model, relations: &RelationIndex) -> Result<Self>;

    /// Turns a filter into a SQL condition on the record table. `visibility` is the caller's, for
    /// filters that go through other records (a lesson's programmes are those of its visible sheets).
    fn condition(filter: &Self::Filter, visibility: &Visibility) -> Condition;
}

fn status_in(kind: Kind, statuses: &[PublicationStatus]) -> SimpleExpr {
    col(kind.as_str(), "publication_status").is_in(codes_of(statuses))
}

/// Returns which of these ids of `kind` lie within `scope` (one statement).
pub async fn within_scope<C: ConnectionTrait>(
    conn: &C,
    kind: Kind,
    ids: &[i64],
    scope: Scope,
) -> Result<std::collections::HashSet<i64>> {
    use sea_orm::sea_query::Query;
    if ids.is_empty() || scope.is_empty() {
        return Ok(Default::default());
    }
    let table = kind.as_str();
    let query = Query::select()
        .expr_as(col(table, "id"), Alias::new("id"))
        .from(Alias::new(table))
        .and_where(col(table, "id").is_in(ids.to_vec()))
        .cond_where(in_scope(kind, scope))
        .to_owned();
    let statement = conn.get_database_backend().build(&query);
    let mut found = std::collections::HashSet::new();
    for row in conn.query_all_raw(statement).await.map_err(db_error)? {
        found.insert(row.try_get::<i64>("", "id").map_err(db_error)?);
    }
    Ok(found)
}

fn meta_of(row: &impl Row) -> Result<Meta> {
    Ok(Meta {
        publication_status: parse_code(row.publication_status())?,
        version: row.version(),
        created_at: time_of(row.created_at())?,
        updated_at: time_of(row.updated_at())?,
        owner: row.owner().map(OrganisationId),
    })
}

async fn hydrate<K: StoredKind, C: ConnectionTrait>(conn: &C, rows: &[K::Model]) -> Result<Vec<Record<K::Id, K>>> {
    let ids: Vec<i64> = rows.iter().map(Row::id).collect();
    let relations = K::load_relations(conn, &ids).await?;
    rows.iter()
        .map(|row| {
            Ok(Record {
                id: <K::Id as RecordId>::new(row.id()),
                meta: meta_of(row)?,
                fields: K::from_row(row, &relations)?,
            })
        })
        .collect()
}

/// Returns the records with these ids that the visibility allows, in the order of `ids`; ids that do
/// not exist or are not visible are left out.
pub async fn get_many<K: StoredKind, C: ConnectionTrait>(
    conn: &C,
    visibility: &Visibility,
    ids: &[K::Id],
) -> Result<Vec<Record<K::Id, K>>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let raw: Vec<i64> = ids.iter().map(|id| id.get()).collect();
    let rows = K::Entity::find()
        .filter(col(K::KIND.as_str(), "id").is_in(raw))
        .filter(visible_in(K::KIND, visibility))
        .all(conn)
        .await
        .map_err(db_error)?;
    let mut by_id: HashMap<i64, Record<K::Id, K>> =
        hydrate::<K, C>(conn, &rows).await?.into_iter().map(|record| (record.id.get(), record)).collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(&id.get())).collect())
}

/// Returns one record, or NOT_FOUND when it does not exist or is not visible.
pub async fn get<K: StoredKind, C: ConnectionTrait>(
    conn: &C,
    visibility: &Visibility,
    id: K::Id,
) -> Result<Record<K::Id, K>> {
    get_many::<K, C>(conn, visibility, &[id]).await?.pop().ok_or_else(|| not_found(K::KIND, &id.get().to_string()))
}

/// Returns the id of the visible record with this slug.
pub async fn id_by_slug<K: StoredKind, C: ConnectionTrait>(
    conn: &C,
    visibility: &Visibility,
    slug: &str,
) -> Result<Option<K::Id>> {
    let row = K::Entity::find()
        .filter(col(K::KIND.as_str(), "slug").eq(slug))
        .filter(visible_in(K::KIND, visibility))
        .one(conn)
        .await
        .map_err(db_error)?;
    Ok(row.map(|row| <K::Id as RecordId>::new(row.id())))
}

/// How `visible_keys` picks records: by id or by slug.
pub enum Keys<'a> {
    Ids(&'a [i64]),
    Slugs(&'a [String]),
}

/// Returns the (id, slug) of the records of `kind` named by `keys` that the visibility sees, for
/// any kind: what checks references and redacts snapshots, without a match over the kinds.
pub async fn visible_keys<C: ConnectionTrait>(
    conn: &C,
    kind: Kind,
    visibility: &Visibility,
    keys: Keys<'_>,
) -> Result<Vec<(i64, String)>> {
    use sea_orm::sea_query::Query;
    let table = kind.as_str();
    let conditions: Vec<Condition> = match keys {
        Keys::Ids(ids) => {
            ids.chunks(2_000).map(|chunk| Condition::all().add(col(table, "id").is_in(chunk.to_vec()))).collect()
        }
        Keys::Slugs(slugs) => {
            slugs.chunks(2_000).map(|chunk| Condition::all().add(col(table, "slug").is_in(chunk.to_vec()))).collect()
        }
    };
    let mut found = Vec::new();
    for condition in conditions {
        let query = Query::select()
            .expr_as(col(table, "id"), Alias::new("id"))
            .expr_as(col(table, "slug"), Alias::new("slug"))
            .from(Alias::new(table))
            .cond_where(condition.add(visible_in(kind, visibility)))
            .to_owned();
        let statement = conn.get_database_backend().build(&query);
        for row in conn.query_all_raw(statement).await.map_err(db_error)? {
            found.push((
                row.try_get::<i64>("", "id").map_err(db_error)?,
                row.try_get::<String>("", "slug").map_err(db_error)?,
            ));
        }
    }
    Ok(found)
}

/// Returns the slugs of these records, whatever their status (for snapshots and exports).
pub async fn slugs<K: StoredKind, C: ConnectionTrait>(conn: &C, ids: &[i64]) -> Result<HashMap<i64, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows =
        K::Entity::find().filter(col(K::KIND.as_str(), "id").is_in(ids.to_vec())).all(conn).await.map_err(db_error)?;
    Ok(rows.iter().map(|row| (row.id(), row.slug().to_owned())).collect())
}

pub(crate) fn not_found(kind: Kind, key: &str) -> Error {
    Error::NotFound(format!("{} {key}", kind.as_str()))
}

fn list_condition<K: StoredKind>(
    visibility: &Visibility,
    requested: &[PublicationStatus],
    filter: &K::Filter,
) -> Condition {
    Condition::all()
        .add(status_in(K::KIND, &visibility.list_statuses(requested)))
        .add(visible_in(K::KIND, visibility))
        .add(K::condition(filter, visibility))
}

/// Counts the records a list with this filter holds.
pub async fn count<K: StoredKind, C: ConnectionTrait>(
    conn: &C,
    visibility: &Visibility,
    requested: &[PublicationStatus],
    filter: &K::Filter,
) -> Result<u64> {
    K::Entity::find().filter(list_condition::<K>(visibility, requested, filter)).count(conn).await.map_err(db_error)
}

fn sort_column(kind_title: &'static str, field: SortField) -> &'static str {
    match field {
        SortField::Title => kind_title,
        SortField::CreatedAt => "created_at",
        SortField::UpdatedAt => "updated_at",
    }
}

fn key_of<K: StoredKind>(row: &K::Model, field: SortField) -> SortKey {
    match field {
        SortField::Title => SortKey::Text(row.title().to_owned()),
        SortField::CreatedAt => SortKey::Time(row.created_at()),
        SortField::UpdatedAt => SortKey::Time(row.updated_at()),
    }
}

/// The rows strictly after (`after = true`) or before a cursor, in the list's order.
fn beyond<K: StoredKind>(sort: Sort, cursor: &Cursor, after: bool) -> Result<Condition> {
    if cursor.kind != K::KIND || cursor.sort != sort {
        return Err(Error::invalid(
            "after/before",
            "this cursor belongs to another list or sort order; start again from the first page",
        ));
    }
    let table = K::KIND.as_str();
    let column = sort_column(K::TITLE, sort.field);
    let key: Value = match (&cursor.key, sort.field) {
        (SortKey::Text(text), SortField::Title) => text.clone().into(),
        (SortKey::Time(time), SortField::CreatedAt | SortField::UpdatedAt) => (*time).into(),
        _ => {
            return Err(Error::invalid("after/before", "this cursor does not match the sort order"));
        }
    };
    let ascending = (sort.direction == Direction::Ascending) == after;
    let (key_beyond, id_beyond) = if ascending {
        (Expr::col((Alias::new(table), Alias::new(column))).gt(key.clone()), col(table, "id").gt(cursor.id))
    } else {
        (Expr::col((Alias::new(table), Alias::new(column))).lt(key.clone()), col(table, "id").lt(cursor.id))
    };
    Ok(Condition::any()
        .add(key_beyond)
        .add(Condition::all().add(Expr::col((Alias::new(table), Alias::new(column))).eq(key)).add(id_beyond)))
}

/// Returns one page of a list: visible records matching the filter, in the sort order, sliced by the
/// page request's cursors. Costs three statements (rows and the relations of the page's rows) plus
/// those of the kind's relations.
pub async fn list<K: StoredKind, C: ConnectionTrait>(
    conn: &C,
    visibility: &Visibility,
    requested: &[PublicationStatus],
    filter: &K::Filter,
    sort: Sort,
    page: &PageRequest,
) -> Result<Page<Record<K::Id, K>>> {
    let table = K::KIND.as_str();
    let mut condition = list_condition::<K>(visibility, requested, filter);
    if let Some(after) = &page.after {
        condition = condition.add(beyond::<K>(sort, after, true)?);
    }
    if let Some(before) = &page.before {
        condition = condition.add(beyond::<K>(sort, before, false)?);
    }
    let forward_order = if sort.direction == Direction::Ascending { Order::Asc } else { Order::Desc };
    let order = match (page.backward, forward_order) {
        (false, order) => order,
        (true, Order::Asc) => Order::Desc,
        (true, _) => Order::Asc,
    };
    let column = sort_column(K::TITLE, sort.field);
    let mut rows = K::Entity::find()
        .filter(condition)
        .order_by(Expr::col((Alias::new(table), Alias::new(column))), order.clone())
        .order_by(Expr::col((Alias::new(table), Alias::new("id"))), order)
        .limit(page.size as u64 + 1)
        .all(conn)
        .await
        .map_err(db_error)?;
    let more = rows.len() > page.size;
    rows.truncate(page.size);
    if page.backward {
        rows.reverse();
    }
    let records = hydrate::<K, C>(conn, &rows).await?;
    let page_rows = rows
        .iter()
        .zip(records)
        .map(|(row, record)| (Cursor { kind: K::KIND, sort, key: key_of::<K>(row, sort.field), id: row.id() }, record))
        .collect();
    Ok(if page.backward {
        Page { rows: page_rows, has_previous: more, has_next: page.before.is_some() }
    } else {
        Page { rows: page_rows, has_next: more, has_previous: page.after.is_some() }
    })
}

fn set_column<K: StoredKind>(active: &mut K::Active, name: &str, value: Value) -> Result<()> {
    let column = <K::Entity as EntityTrait>::Column::from_str(name)
        .map_err(|_| Error::internal(format!("table {} has no column {name}", K::KIND.as_str())))?;
    active.set(column, value);
    Ok(())
}

/// Inserts a new record at version 1 with its relations, and returns its id.
pub async fn insert<K: StoredKind, C: ConnectionTrait>(
    conn: &C,
    fields: &K,
    status: PublicationStatus,
    owner: Option<OrganisationId>,
) -> Result<K::Id> {
    let active = new_row(fields, status, owner, now_micros())?;
    let row = K::Entity::insert(active).exec_with_returning(conn).await.map_err(db_error)?;
    // A new record has no relations yet: nothing to delete first.
    K::insert_relations(conn, &[(row.id(), fields)]).await?;
    Ok(<K::Id as RecordId>::new(row.id()))
}

/// The row of a new record at version 1, created and updated at `now`.
fn new_row<K: StoredKind>(
    fields: &K,
    status: PublicationStatus,
    owner: Option<OrganisationId>,
    now: i64,
) -> Result<K::Active> {
    let mut active = fields.to_active();
    set_column::<K>(&mut active, "publication_status", status.code().into())?;
    set_column::<K>(&mut active, "owner_organisation_id", owner.map(|owner| owner.get()).into())?;
    set_column::<K>(&mut active, "version", 1i32.into())?;
    set_column::<K>(&mut active, "created_at", now.into())?;
    set_column::<K>(&mut active, "updated_at", now.into())?;
    Ok(active)
}

/// Inserts new records at version 1 with their relations, in a bounded number of statements per
/// table (multi-row inserts), and returns them as stored, in the order given. The new ids are read
/// back by slug, which is unique: portable, whatever order a database assigns ids in. Slugs must be
/// new (a duplicate is a CONFLICT for the whole call).
pub async fn insert_many<K: StoredKind, C: ConnectionTrait>(
    conn: &C,
    new: Vec<(K, PublicationStatus)>,
    owner: Option<OrganisationId>,
) -> Result<Vec<Record<K::Id, K>>> {
    if new.is_empty() {
        return Ok(Vec::new());
    }
    let now = now_micros();
    let rows = new.iter().map(|(fields, status)| new_row(fields, *status, owner, now)).collect::<Result<Vec<_>>>()?;
    insert_all(conn, rows).await?;
    let slugs: Vec<String> = new.iter().map(|(fields, _)| fields.slug().as_str().to_owned()).collect();
    let ids = ids_by_slugs::<K, C>(conn, &slugs).await?;
    let at = time_of(now)?;
    let records = new
        .into_iter()
        .map(|(fields, status)| {
            let id = ids.get(fields.slug().as_str()).copied().ok_or_else(|| {
                Error::internal(format!("the {} `{}` just inserted is not found", K::KIND.as_str(), fields.slug()))
            })?;
            Ok(Record {
                id: <K::Id as RecordId>::new(id),
                meta: Meta { publication_status: status, version: 1, created_at: at, updated_at: at, owner },
                fields,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let pairs: Vec<(i64, &K)> = records.iter().map(|record| (record.id.get(), &record.fields)).collect();
    K::insert_relations(conn, &pairs).await?;
    Ok(records)
}

/// What a version-checked update changes: the fields, the publication status, or both.
pub struct Edit<'a, K> {
    pub fields: Option<&'a K>,
    pub status: Option<PublicationStatus>,
}

/// Applies a change to the record `id` if it is still at `expected_version`, bumping the version.
///
/// The conditional `UPDATE … WHERE version = ?` is the first statement of the write, so two editors
/// who read the same version cannot both succeed: the second gets CONFLICT, whatever the database.
/// Returns the new version.
pub async fn update<K: StoredKind, C: ConnectionTrait>(
    conn: &C,
    id: K::Id,
    expected_version: i32,
    change: Edit<'_, K>,
) -> Result<i32> {
    let version = update_row::<K, C>(conn, id, expected_version, &change, now_micros()).await?;
    if let Some(fields) = change.fields {
        fields.write_relations(conn, id.get()).await?;
    }
    Ok(version)
}

/// Updates records in place, each only if still at its expected version (else CONFLICT), and
/// replaces their relations with a bounded number of statements per table (multi-row inserts), as
/// [`insert_many`] writes new ones. Returns the time they were updated at.
pub async fn update_many<K: StoredKind, C: ConnectionTrait>(
    conn: &C,
    updates: &[(K::Id, i32, &K, PublicationStatus)],
) -> Result<chrono::DateTime<chrono::Utc>> {
    let now = now_micros();
    for (id, expected_version, fields, status) in updates {
        let change = Edit { fields: Some(*fields), status: Some(*status) };
        update_row::<K, C>(conn, *id, *expected_version, &change, now).await?;
    }
    let ids: Vec<i64> = updates.iter().map(|(id, ..)| id.get()).collect();
    K::delete_relations(conn, &ids).await?;
    let pairs: Vec<(i64, &K)> = updates.iter().map(|(id, _, fields, _)| (id.get(), *fields)).collect();
    K::insert_relations(conn, &pairs).await?;
    time_of(now)
}

/// The row part of an update: the conditional `UPDATE … WHERE version = ?`, CONFLICT when the
/// row moved on. Returns the new version.
async fn update_row<K: StoredKind, C: ConnectionTrait>(
    conn: &C,
    id: K::Id,
    expected_version: i32,
    change: &Edit<'_, K>,
    now: i64,
) -> Result<i32> {
    let table = K::KIND.as_str();
    let mut active = match change.fields {
        Some(fields) => fields.to_active(),
        None => <K::Active as Default>::default(),
    };
    if let Some(status) = change.status {
        set_column::<K>(&mut active, "publication_status", status.code().into())?;
    }
    set_column::<K>(&mut active, "version", (expected_version + 1).into())?;
    set_column::<K>(&mut active, "updated_at", now.into())?;
    let result = K::Entity::update_many()
        .set(active)
        .filter(col(table, "id").eq(id.get()))
        .filter(col(table, "version").eq(expected_version))
        .exec(conn)
        .await
        .map_err(db_error)?;
    if result.rows_affected == 0 {
        let current = K::Entity::current_version(conn, id.get()).await?;
        return Err(match current {
            None => not_found(K::KIND, &id.get().to_string()),
            Some(version) => Error::Conflict(format!(
                "{table} {} is at version {version}, not {expected_version}: someone changed it since you read it; reload and apply your change again",
                id.get()
            )),
        });
    }
    Ok(expected_version + 1)
}

/// Reads the version of a row, whatever its status.
trait FindVersion {
    async fn current_version<C: ConnectionTrait>(conn: &C, id: i64) -> Result<Option<i32>>;
}

impl<E: EntityTrait> FindVersion for E
where
    E::Model: Row,
{
    async fn current_version<C: ConnectionTrait>(conn: &C, id: i64) -> Result<Option<i32>> {
        let table = E::default().table_name().to_owned();
        let row = E::find().filter(col(&table, "id").eq(id)).one(conn).await.map_err(db_error)?;
        Ok(row.map(|row| row.version()))
    }
}

/// Returns up to `limit` ids of records of kind `K` after `after`, in id order, whatever their
/// status: a walk over a whole table that reads nothing else (a full reindex).
pub async fn ids_after<K: StoredKind, C: ConnectionTrait>(conn: &C, after: i64, limit: u64) -> Result<Vec<i64>> {
    use sea_orm::sea_query::Query;
    let table = K::KIND.as_str();
    let query = Query::select()
        .expr_as(col(table, "id"), Alias::new("id"))
        .from(Alias::new(table))
        .and_where(col(table, "id").gt(after))
        .order_by((Alias::new(table), Alias::new("id")), sea_orm::sea_query::Order::Asc)
        .limit(limit)
        .to_owned();
    let statement = conn.get_database_backend().build(&query);
    let mut ids = Vec::new();
    for row in conn.query_all_raw(statement).await.map_err(db_error)? {
        ids.push(row.try_get::<i64>("", "id").map_err(db_error)?);
    }
    Ok(ids)
}

/// Returns the id and version of every record of kind `K` the visibility sees, by id: what the
/// index's reconciliation compares with the index.
pub async fn versions<K: StoredKind, C: ConnectionTrait>(conn: &C, visibility: &Visibility) -> Result<Vec<(i64, i32)>> {
    use sea_orm::sea_query::Query;
    let table = K::KIND.as_str();
    let query = Query::select()
        .expr_as(col(table, "id"), Alias::new("id"))
        .expr_as(col(table, "version"), Alias::new("version"))
        .from(Alias::new(table))
        .cond_where(visible_in(K::KIND, visibility))
        .order_by((Alias::new(table), Alias::new("id")), sea_orm::sea_query::Order::Asc)
        .to_owned();
    let statement = conn.get_database_backend().build(&query);
    let mut versions = Vec::new();
    for row in conn.query_all_raw(statement).await.map_err(db_error)? {
        versions.push((
            row.try_get::<i64>("", "id").map_err(db_error)?,
            row.try_get::<i32>("", "version").map_err(db_error)?,
        ));
    }
    Ok(versions)
}

/// Returns the ids of the records of kind `K` with these slugs, whatever their status (an import
/// refers to records already in the database by slug).
pub async fn ids_by_slugs<K: StoredKind, C: ConnectionTrait>(
    conn: &C,
    slugs: &[String],
) -> Result<HashMap<String, i64>> {
    let mut found = HashMap::new();
    for chunk in slugs.chunks(2_000) {
        let rows = K::Entity::find()
            .filter(col(K::KIND.as_str(), "slug").is_in(chunk.to_vec()))
            .all(conn)
            .await
            .map_err(db_error)?;
        found.extend(rows.iter().map(|row| (row.slug().to_owned(), row.id())));
    }
    Ok(found)
}
