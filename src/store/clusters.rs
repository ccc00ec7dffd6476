//! Clusters of lessons and their recurrence: the distinct published programmes and sheets that
//! evidence any of their published members.

use std::collections::HashMap;

use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Order, Query};
use sea_orm::{ActiveValue, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::entities::{lesson_cluster, lesson_cluster_member};
use super::sql::{col, visible_in};
use super::{db_error, now_micros};
use crate::domain::{EvidenceRole, Kind, Visibility, Vocabulary};
use crate::error::{Error, Result};

/// A cluster's name and figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterRow {
    pub id: i64,
    pub name: String,
    pub programmes: i64,
    pub sheets: i64,
}

/// Creates an empty cluster and returns its id.
pub async fn create_cluster<C: ConnectionTrait>(conn: &C, name: &str, author: &str) -> Result<i64> {
    let row = lesson_cluster::Entity::insert(lesson_cluster::ActiveModel {
        id: ActiveValue::NotSet,
        name: ActiveValue::Set(name.to_owned()),
        created_by: ActiveValue::Set(author.to_owned()),
        created_at: ActiveValue::Set(now_micros()),
    })
    .exec_with_returning(conn)
    .await
    .map_err(db_error)?;
    Ok(row.id)
}

/// Returns the cluster of each of these lessons that is in one.
pub async fn clusters_of<C: ConnectionTrait>(conn: &C, lessons: &[i64]) -> Result<HashMap<i64, i64>> {
    if lessons.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = lesson_cluster_member::Entity::find()
        .filter(lesson_cluster_member::Column::LessonId.is_in(lessons.to_vec()))
        .all(conn)
        .await
        .map_err(db_error)?;
    Ok(rows.into_iter().map(|row| (row.lesson_id, row.cluster_id)).collect())
}

/// Adds lessons to a cluster; a lesson already in another cluster is a CONFLICT.
pub async fn add_members<C: ConnectionTrait>(conn: &C, cluster: i64, lessons: &[i64]) -> Result<()> {
    let current = clusters_of(conn, lessons).await?;
    if let Some((lesson, other)) = current.iter().find(|(_, other)| **other != cluster) {
        return Err(Error::Conflict(format!(
            "lesson {lesson} is already in cluster {other}; remove it from that cluster first"
        )));
    }
    for lesson in lessons.iter().filter(|lesson| !current.contains_key(lesson)) {
        lesson_cluster_member::Entity::insert(lesson_cluster_member::ActiveModel {
            lesson_id: ActiveValue::Set(*lesson),
            cluster_id: ActiveValue::Set(cluster),
        })
        .exec_without_returning(conn)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}

/// Takes a lesson out of its cluster; returns the cluster it was in.
pub async fn remove_member<C: ConnectionTrait>(conn: &C, lesson: i64) -> Result<Option<i64>> {
    let cluster = clusters_of(conn, &[lesson]).await?.get(&lesson).copied();
    lesson_cluster_member::Entity::delete_many()
        .filter(lesson_cluster_member::Column::LessonId.eq(lesson))
        .exec(conn)
        .await
        .map_err(db_error)?;
    Ok(cluster)
}

/// Returns the members of these clusters, in lesson order.
pub async fn members<C: ConnectionTrait>(conn: &C, clusters: &[i64]) -> Result<HashMap<i64, Vec<i64>>> {
    if clusters.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = lesson_cluster_member::Entity::find()
        .filter(lesson_cluster_member::Column::ClusterId.is_in(clusters.to_vec()))
        .order_by_asc(lesson_cluster_member::Column::LessonId)
        .all(conn)
        .await
        .map_err(db_error)?;
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for row in rows {
        out.entry(row.cluster_id).or_default().push(row.lesson_id);
    }
    Ok(out)
}

/// Ranks clusters (all, or only `only`) by the distinct published programmes, then sheets, that
/// observed any of their members the caller may see.
pub async fn ranked_clusters<C: ConnectionTrait>(
    conn: &C,
    visibility: &Visibility,
    only: Option<i64>,
    limit: u64,
    offset: u64,
) -> Result<Vec<ClusterRow>> {
    let a = Alias::new;
    let published = |table: &str| col(table, "publication_status").eq("PUBLISHED");
    let programmes = Expr::col((a("programme"), a("id"))).count_distinct();
    let sheets = Expr::col((a("sheet"), a("id"))).count_distinct();
    let mut query = Query::select();
    query
        .expr_as(col("lesson_cluster", "id"), a("id"))
        .expr_as(col("lesson_cluster", "name"), a("name"))
        .expr_as(programmes.clone(), a("programmes"))
        .expr_as(sheets.clone(), a("sheets"))
        .from(a("lesson_cluster"))
        .left_join(
            a("lesson_cluster_member"),
            col("lesson_cluster_member", "cluster_id").equals((a("lesson_cluster"), a("id"))),
        )
        .left_join(
            a("lesson"),
            Condition::all()
                .add(col("lesson", "id").equals((a("lesson_cluster_member"), a("lesson_id"))))
                .add(published("lesson"))
                .add(visible_in(Kind::Lesson, visibility)),
        )
        .left_join(
            a("lesson_evidence"),
            Condition::all()
                .add(col("lesson_evidence", "lesson_id").equals((a("lesson"), a("id"))))
                .add(col("lesson_evidence", "role").eq(EvidenceRole::ObservedIn.code())),
        )
        .left_join(
            a("sheet"),
            Condition::all()
                .add(col("sheet", "id").equals((a("lesson_evidence"), a("sheet_id"))))
                .add(published("sheet")),
        )
        .left_join(a("sheet_programme"), col("sheet_programme", "sheet_id").equals((a("sheet"), a("id"))))
        .left_join(
            a("programme"),
            Condition::all()
                .add(col("programme", "id").equals((a("sheet_programme"), a("programme_id"))))
                .add(published("programme")),
        )
        .group_by_col((a("lesson_cluster"), a("id")))
        .group_by_col((a("lesson_cluster"), a("name")))
        .order_by_expr(programmes, Order::Desc)
        .order_by_expr(sheets, Order::Desc)
        .order_by((a("lesson_cluster"), a("id")), Order::Asc)
        .limit(limit)
        .offset(offset);
    if let Some(id) = only {
        query.and_where(col("lesson_cluster", "id").eq(id));
    }
    if !visibility.sees_everything() {
        // A cluster exists for the caller only through a published lesson it may see: one whose
        // members are all drafts (or out of its sight) is not shown, not even by its name.
        query.and_having(Expr::col((a("lesson"), a("id"))).count_distinct().gt(0));
    }
    let statement = conn.get_database_backend().build(&query);
    conn.query_all_raw(statement)
        .await
        .map_err(db_error)?
        .iter()
        .map(|row| {
            Ok(ClusterRow {
                id: row.try_get("", "id").map_err(db_error)?,
                name: row.try_get("", "name").map_err(db_error)?,
                programmes: row.try_get("", "programmes").map_err(db_error)?,
                sheets: row.try_get("", "sheets").map_err(db_error)?,
            })
        })
        .collect()
}
