//! How programmes are stored: their columns, themes as tags, funders as links, and their list filter.

use sea_orm::sea_query::ExprTrait;
use sea_orm::{Condition, ConnectionTrait};

use super::{ids, raw_ids, tagged};
use crate::domain::*;
use crate::error::Result;
use crate::store::entities::programme;
use crate::store::records::Table;
use crate::store::relations::{LinkTable, RelationIndex, delete_links, delete_tags, insert_links, tag_rows};
use crate::store::sql::{col, ids_in, insert_all, set, stored};

impl Table for ProgrammeFields {
    type Entity = programme::Entity;
    type Model = programme::Model;
    type Active = programme::ActiveModel;
    type Filter = ProgrammeFilter;
    const KIND: Kind = Kind::Programme;
    const TITLE: &'static str = "name";

    fn to_active(&self) -> programme::ActiveModel {
        programme::ActiveModel {
            slug: set(self.slug.to_string()),
            name: set(self.name.to_string()),
            summary: set(self.summary.to_string()),
            start_year: set(self.start_year.map(Year::get)),
            end_year: set(self.end_year.map(Year::get)),
            operator_id: set(self.operator.map(|id| id.get())),
            parent_id: set(self.parent.map(|id| id.get())),
            ..Default::default()
        }
    }

    async fn load_relations<C: ConnectionTrait>(conn: &C, ids: &[i64]) -> Result<RelationIndex> {
        let mut relations = RelationIndex::default();
        relations.load_tags(conn, Kind::Programme, ids).await?;
        relations.load_links(conn, LinkTable::ProgrammeFunder, ids).await?;
        Ok(relations)
    }

    async fn delete_relations<C: ConnectionTrait>(conn: &C, ids: &[i64]) -> Result<()> {
        delete_tags(conn, Kind::Programme, &["theme"], ids).await?;
        delete_links(conn, LinkTable::ProgrammeFunder, ids).await
    }

    async fn insert_relations<C: ConnectionTrait>(conn: &C, records: &[(i64, &Self)]) -> Result<()> {
        let tags = records.iter().flat_map(|(id, fields)| tag_rows(Kind::Programme, *id, "theme", &fields.themes));
        insert_all(conn, tags.collect()).await?;
        let funders: Vec<(i64, Vec<i64>)> =
            records.iter().map(|(id, fields)| (*id, raw_ids(&fields.funders))).collect();
        let links: Vec<(i64, &[i64])> = funders.iter().map(|(id, to)| (*id, to.as_slice())).collect();
        insert_links(conn, LinkTable::ProgrammeFunder, &links).await
    }

    fn from_row(row: &programme::Model, relations: &RelationIndex) -> Result<Self> {
        Ok(ProgrammeFields {
            slug: stored("slug", Slug::parse(&row.slug))?,
            name: stored("name", Title::parse(&row.name))?,
            summary: stored("summary", Summary::parse(&row.summary))?,
            start_year: row.start_year.map(|year| stored("startYear", Year::parse(year.into()))).transpose()?,
            end_year: row.end_year.map(|year| stored("endYear", Year::parse(year.into()))).transpose()?,
            operator: row.operator_id.map(OrganisationId),
            funders: ids(relations.linked(LinkTable::ProgrammeFunder, row.id)),
            parent: row.parent_id.map(ProgrammeId),
            themes: relations.tags(row.id, "theme")?,
        })
    }

    fn condition(filter: &ProgrammeFilter, _visibility: &Visibility) -> Condition {
        let mut condition = ids_in(Condition::all(), "programme", "parent_id", &filter.parents);
        condition = ids_in(condition, "programme", "operator_id", &filter.operators);
        if filter.top_level {
            condition = condition.add(col("programme", "parent_id").is_null());
        }
        tagged(condition, Kind::Programme, "theme", &filter.themes)
    }
}
