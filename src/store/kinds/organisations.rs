//! How organisations and territories are stored: their columns, territory types as tags, and their list filters.

use sea_orm::{Condition, ConnectionTrait};

use super::{opt_code, opt_parse, tagged};
use crate::domain::*;
use crate::error::Result;
use crate::store::entities::{organisation, territory};
use crate::store::records::Table;
use crate::store::relations::{RelationIndex, delete_tags, tag_rows};
use crate::store::sql::{codes_in, insert_all, parse_code, set, stored};

impl Table for OrganisationFields {
    type Entity = organisation::Entity;
    type Model = organisation::Model;
    type Active = organisation::ActiveModel;
    type Filter = OrganisationFilter;
    const KIND: Kind = Kind::Organisation;
    const TITLE: &'static str = "name";

    fn to_active(&self) -> organisation::ActiveModel {
        organisation::ActiveModel {
            slug: set(self.slug.to_string()),
            name: set(self.name.to_string()),
            kind: set(self.kind.code().to_owned()),
            region: set(opt_code(self.region)),
            website: set(self.website.as_ref().map(|url| url.as_str().to_owned())),
            siren: set(self.siren.as_ref().map(|siren| siren.as_str().to_owned())),
            rna: set(self.rna.as_ref().map(|rna| rna.as_str().to_owned())),
            ..Default::default()
        }
    }

    async fn load_relations<C: ConnectionTrait>(_conn: &C, _ids: &[i64]) -> Result<RelationIndex> {
        Ok(RelationIndex::default())
    }

    async fn delete_relations<C: ConnectionTrait>(_conn: &C, _ids: &[i64]) -> Result<()> {
        Ok(())
    }

    async fn insert_relations<C: ConnectionTrait>(_conn: &C, _records: &[(i64, &Self)]) -> Result<()> {
        Ok(())
    }

    fn from_row(row: &organisation::Model, _relations: &RelationIndex) -> Result<Self> {
        Ok(OrganisationFields {
            slug: stored("slug", Slug::parse(&row.slug))?,
            name: stored("name", Title::parse(&row.name))?,
            kind: parse_code(&row.kind)?,
            region: row.region.as_deref().map(parse_code).transpose()?,
            website: opt_parse("website", &row.website, WebAddress::parse)?,
            siren: opt_parse("siren", &row.siren, Siren::parse)?,
            rna: opt_parse("rna", &row.rna, Rna::parse)?,
        })
    }

    fn condition(filter: &OrganisationFilter, _visibility: &Visibility) -> Condition {
        let condition = codes_in(Condition::all(), "organisation", "kind", &filter.kinds);
        codes_in(condition, "organisation", "region", &filter.regions)
    }
}

impl Table for TerritoryFields {
    type Entity = territory::Entity;
    type Model = territory::Model;
    type Active = territory::ActiveModel;
    type Filter = TerritoryFilter;
    const KIND: Kind = Kind::Territory;
    const TITLE: &'static str = "name";

    fn to_active(&self) -> territory::ActiveModel {
        territory::ActiveModel {
            slug: set(self.slug.to_string()),
            name: set(self.name.to_string()),
            level: set(self.level.code().to_owned()),
            code: set(self.code.as_ref().map(ToString::to_string)),
            region: set(opt_code(self.region)),
            latitude: set(self.centroid.map(GeoPoint::latitude)),
            longitude: set(self.centroid.map(GeoPoint::longitude)),
            ..Default::default()
        }
    }

    async fn load_relations<C: ConnectionTrait>(conn: &C, ids: &[i64]) -> Result<RelationIndex> {
        let mut relations = RelationIndex::default();
        relations.load_tags(conn, Kind::Territory, ids).await?;
        Ok(relations)
    }

    async fn delete_relations<C: ConnectionTrait>(conn: &C, ids: &[i64]) -> Result<()> {
        delete_tags(conn, Kind::Territory, &["territory_type"], ids).await
    }

    async fn insert_relations<C: ConnectionTrait>(conn: &C, records: &[(i64, &Self)]) -> Result<()> {
        let tags =
            records.iter().flat_map(|(id, fields)| tag_rows(Kind::Territory, *id, "territory_type", &fields.types));
        insert_all(conn, tags.collect()).await
    }

    fn from_row(row: &territory::Model, relations: &RelationIndex) -> Result<Self> {
        let centroid = match (row.latitude, row.longitude) {
            (Some(latitude), Some(longitude)) => Some(stored("centroid", GeoPoint::parse(latitude, longitude))?),
            _ => None,
        };
        Ok(TerritoryFields {
            slug: stored("slug", Slug::parse(&row.slug))?,
            name: stored("name", Title::parse(&row.name))?,
            level: parse_code(&row.level)?,
            code: opt_parse("code", &row.code, Label::parse)?,
            region: row.region.as_deref().map(parse_code).transpose()?,
            types: relations.tags(row.id, "territory_type")?,
            centroid,
        })
    }

    fn condition(filter: &TerritoryFilter, _visibility: &Visibility) -> Condition {
        let condition = codes_in(Condition::all(), "territory", "level", &filter.levels);
        let condition = codes_in(condition, "territory", "region", &filter.regions);
        tagged(condition, Kind::Territory, "territory_type", &filter.types)
    }
}
