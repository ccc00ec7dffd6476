//! How lessons are stored: their columns, tags, evidence links to sheets as owned rows, and their list
//! filter, which reaches sheets and programmes only through sheets the caller may see.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{raw_ids, tagged};
use crate::domain::*;
use crate::error::Result;
use crate::store::db_error;
use crate::store::entities::{lesson, lesson_evidence};
use crate::store::records::Table;
use crate::store::relations::{RelationIndex, delete_tags, tag_rows};
use crate::store::sql::{codes_in, col, insert_all, parse_code, set, stored, visible_in};

impl Table for LessonFields {
    type Entity = lesson::Entity;
    type Model = lesson::Model;
    type Active = lesson::ActiveModel;
    type Filter = LessonFilter;
    const KIND: Kind = Kind::Lesson;
    const TITLE: &'static str = "title";

    fn to_active(&self) -> lesson::ActiveModel {
        lesson::ActiveModel {
            slug: set(self.slug.to_string()),
            polarity: set(self.polarity.code().to_owned()),
            title: set(self.title.to_string()),
            context: set(self.context.to_string()),
            lesson: set(self.lesson.to_string()),
            recommendation: set(self.recommendation.to_string()),
            evidence: set(self.evidence.to_string()),
            evidence_level: set(self.evidence_level.code().to_owned()),
            ..Default::default()
        }
    }

    async fn load_relations<C: ConnectionTrait>(conn: &C, ids: &[i64]) -> Result<RelationIndex> {
        let mut relations = RelationIndex::default();
        if ids.is_empty() {
            return Ok(relations);
        }
        relations.load_tags(conn, Kind::Lesson, ids).await?;
        for row in lesson_evidence::Entity::find()
            .filter(lesson_evidence::Column::LessonId.is_in(ids.to_vec()))
            .order_by_asc(lesson_evidence::Column::Position)
            .all(conn)
            .await
            .map_err(db_error)?
        {
            relations.evidence.entry(row.lesson_id).or_default().push(row);
        }
        Ok(relations)
    }

    async fn delete_relations<C: ConnectionTrait>(conn: &C, ids: &[i64]) -> Result<()> {
        delete_tags(conn, Kind::Lesson, &["phase", "category", "theme", "territory_type"], ids).await?;
        for chunk in ids.chunks(1_000) {
            lesson_evidence::Entity::delete_many()
                .filter(lesson_evidence::Column::LessonId.is_in(chunk.to_vec()))
                .exec(conn)
                .await
                .map_err(db_error)?;
        }
        Ok(())
    }

    async fn insert_relations<C: ConnectionTrait>(conn: &C, records: &[(i64, &Self)]) -> Result<()> {
        let tags = records.iter().flat_map(|(id, fields)| {
            tag_rows(Kind::Lesson, *id, "phase", &fields.phases)
                .chain(tag_rows(Kind::Lesson, *id, "category", &fields.categories))
                .chain(tag_rows(Kind::Lesson, *id, "theme", &fields.themes))
                .chain(tag_rows(Kind::Lesson, *id, "territory_type", &fields.territory_types))
        });
        insert_all(conn, tags.collect()).await?;
        let evidence = records.iter().flat_map(|(id, fields)| {
            fields.evidence_links.iter().enumerate().map(move |(position, link)| lesson_evidence::ActiveModel {
                lesson_id: set(*id),
                sheet_id: set(link.sheet.get()),
                role: set(link.role.code().to_owned()),
                note: set(link.note.to_string()),
                position: set(position as i32),
            })
        });
        insert_all(conn, evidence.collect()).await
    }

    fn from_row(row: &lesson::Model, relations: &RelationIndex) -> Result<Self> {
        let evidence_links = relations
            .evidence
            .get(&row.id)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|link| {
                Ok(EvidenceLink {
                    sheet: SheetId(link.sheet_id),
                    role: parse_code(&link.role)?,
                    note: stored("note", Prose::parse(&link.note))?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(LessonFields {
            slug: stored("slug", Slug::parse(&row.slug))?,
            polarity: parse_code(&row.polarity)?,
            title: stored("title", Title::parse(&row.title))?,
            context: stored("context", Prose::parse(&row.context))?,
            lesson: stored("lesson", Prose::parse(&row.lesson))?,
            recommendation: stored("recommendation", Prose::parse(&row.recommendation))?,
            evidence: stored("evidence", Prose::parse(&row.evidence))?,
            evidence_level: parse_code(&row.evidence_level)?,
            phases: relations.tags(row.id, "phase")?,
            categories: relations.tags(row.id, "category")?,
            themes: relations.tags(row.id, "theme")?,
            territory_types: relations.tags(row.id, "territory_type")?,
            evidence_links,
        })
    }

    fn condition(filter: &LessonFilter, visibility: &Visibility) -> Condition {
        let kind = Kind::Lesson;
        let mut condition = codes_in(Condition::all(), "lesson", "polarity", &filter.polarities);
        condition = codes_in(condition, "lesson", "evidence_level", &filter.evidence_levels);
        condition = tagged(condition, kind, "category", &filter.categories);
        condition = tagged(condition, kind, "phase", &filter.phases);
        condition = tagged(condition, kind, "theme", &filter.themes);
        condition = tagged(condition, kind, "territory_type", &filter.territory_types);
        // Lessons linked to these sheets, or to sheets of these programmes: only through sheets the
        // caller may see, so that a filter never reveals a link the lesson's fields would hide.
        let a = Alias::new;
        if !filter.sheets.is_empty() {
            let subquery = Query::select()
                .column((a("lesson_evidence"), a("lesson_id")))
                .from(a("lesson_evidence"))
                .inner_join(a("sheet"), Expr::col((a("sheet"), a("id"))).equals((a("lesson_evidence"), a("sheet_id"))))
                .and_where(Expr::col((a("sheet"), a("id"))).is_in(raw_ids(&filter.sheets)))
                .cond_where(visible_in(Kind::Sheet, visibility))
                .to_owned();
            condition = condition.add(col("lesson", "id").in_subquery(subquery));
        }
        if !filter.programmes.is_empty() {
            let subquery = Query::select()
                .column((a("lesson_evidence"), a("lesson_id")))
                .from(a("lesson_evidence"))
                .inner_join(a("sheet"), Expr::col((a("sheet"), a("id"))).equals((a("lesson_evidence"), a("sheet_id"))))
                .inner_join(
                    a("sheet_programme"),
                    Expr::col((a("sheet_programme"), a("sheet_id"))).equals((a("lesson_evidence"), a("sheet_id"))),
                )
                .and_where(Expr::col((a("sheet_programme"), a("programme_id"))).is_in(raw_ids(&filter.programmes)))
                .cond_where(visible_in(Kind::Sheet, visibility))
                .to_owned();
            condition = condition.add(col("lesson", "id").in_subquery(subquery));
        }
        condition
    }
}
