//! The GraphQL objects of organisations, territories and programmes, with a territory's centroid.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::{
    OrganisationNode, ProgrammeNode, RevisionNode, SheetNode, TerritoryNode, organisation, programmes, revisions, rows,
    sheets,
};
use crate::app::Reverse;
use crate::domain::*;
use crate::graphql::{ids, loaders};

record_object!(#[Object(name = "Organisation")] OrganisationNode, Kind::Organisation,
    /// A structure of the network: a Fabrique à initiatives, a project holder, a funder, a local authority…
    {
    /// The organisation's name (1 to 200 characters).
    async fn name(&self) -> &str {
        self.0.fields.name.as_str()
    }
    /// What kind of structure it is.
    async fn kind(&self) -> OrganisationKind {
        self.0.fields.kind
    }
    /// The region it is based in, if given.
    async fn region(&self) -> Option<Region> {
        self.0.fields.region
    }
    /// Its website: an absolute http(s) address, if given.
    async fn website(&self) -> Option<&str> {
        self.0.fields.website.as_ref().map(WebAddress::as_str)
    }
    /// SIREN company number: nine digits, if given.
    async fn siren(&self) -> Option<&str> {
        self.0.fields.siren.as_ref().map(Siren::as_str)
    }
    /// Number in the Répertoire national des associations (RNA): `W` and nine characters, if given.
    async fn rna(&self) -> Option<&str> {
        self.0.fields.rna.as_ref().map(Rna::as_str)
    }
    /// Sheets this organisation supports as the supporting structure.
    #[graphql(complexity = "super::super::limits::page(Some(first), None, child_complexity)")]
    async fn supported_sheets(&self, ctx: &Context<'_>, #[graphql(desc = "How many to return, 1 to 100 (20 by default).", default = 20)] first: i32) -> async_graphql::Result<Vec<SheetNode>> {
        sheets(ctx, Reverse::SupportedSheets, self.0.id.get(), rows(first)?).await
    }
    /// Sheets this organisation carries as project holder.
    #[graphql(complexity = "super::super::limits::page(Some(first), None, child_complexity)")]
    async fn held_sheets(&self, ctx: &Context<'_>, #[graphql(desc = "How many to return, 1 to 100 (20 by default).", default = 20)] first: i32) -> async_graphql::Result<Vec<SheetNode>> {
        sheets(ctx, Reverse::HeldSheets, self.0.id.get(), rows(first)?).await
    }
    /// Sheets this organisation is a partner of.
    #[graphql(complexity = "super::super::limits::page(Some(first), None, child_complexity)")]
    async fn partnered_sheets(&self, ctx: &Context<'_>, #[graphql(desc = "How many to return, 1 to 100 (20 by default).", default = 20)] first: i32) -> async_graphql::Result<Vec<SheetNode>> {
        sheets(ctx, Reverse::PartneredSheets, self.0.id.get(), rows(first)?).await
    }
    /// Programmes this organisation operates.
    #[graphql(complexity = "super::super::limits::page(Some(first), None, child_complexity)")]
    async fn operated_programmes(&self, ctx: &Context<'_>, #[graphql(desc = "How many to return, 1 to 100 (20 by default).", default = 20)] first: i32) -> async_graphql::Result<Vec<ProgrammeNode>> {
        programmes(ctx, Reverse::OperatedProgrammes, self.0.id.get(), rows(first)?).await
    }
    /// Programmes this organisation funds.
    #[graphql(complexity = "super::super::limits::page(Some(first), None, child_complexity)")]
    async fn funded_programmes(&self, ctx: &Context<'_>, #[graphql(desc = "How many to return, 1 to 100 (20 by default).", default = 20)] first: i32) -> async_graphql::Result<Vec<ProgrammeNode>> {
        programmes(ctx, Reverse::FundedProgrammes, self.0.id.get(), rows(first)?).await
    }
});

/// A latitude and longitude in degrees (WGS 84).
#[derive(SimpleObject)]
pub struct Centroid {
    /// Latitude in degrees, from -90 (south) to 90 (north).
    pub latitude: f64,
    /// Longitude in degrees, from -180 (west) to 180 (east).
    pub longitude: f64,
}

record_object!(#[Object(name = "Territory")] TerritoryNode, Kind::Territory,
    /// A territory where programmes act: a commune, an intercommunalité, a QPV, a pays…
    {
    /// The territory's name (1 to 200 characters).
    async fn name(&self) -> &str {
        self.0.fields.name.as_str()
    }
    /// Its administrative level.
    async fn level(&self) -> TerritoryLevel {
        self.0.fields.level
    }
    /// The official code: INSEE code of a commune or département, code of a QPV…
    async fn code(&self) -> Option<&str> {
        self.0.fields.code.as_ref().map(Label::as_str)
    }
    /// The region it lies in, if given.
    async fn region(&self) -> Option<Region> {
        self.0.fields.region
    }
    /// The kinds of territory it is (rural, QPV…; a territory can be of several).
    async fn types(&self) -> &[TerritoryType] {
        &self.0.fields.types
    }
    /// Its centre, for maps, if given.
    async fn centroid(&self) -> Option<Centroid> {
        self.0.fields.centroid.map(|point| Centroid { latitude: point.latitude(), longitude: point.longitude() })
    }
    /// The project sheets located in this territory (those the caller may see).
    #[graphql(complexity = "super::super::limits::page(Some(first), None, child_complexity)")]
    async fn sheets(&self, ctx: &Context<'_>, #[graphql(desc = "How many to return, 1 to 100 (20 by default).", default = 20)] first: i32) -> async_graphql::Result<Vec<SheetNode>> {
        sheets(ctx, Reverse::TerritorySheets, self.0.id.get(), rows(first)?).await
    }
});

record_object!(#[Object(name = "Programme")] ProgrammeNode, Kind::Programme,
    /// A national or local programme of the network: Territoires fragiles, Garages solidaires, Catalyseur…
    {
    /// The programme's name (1 to 200 characters).
    async fn name(&self) -> &str {
        self.0.fields.name.as_str()
    }
    /// A short presentation of the programme (at most 2,000 characters; empty when none).
    async fn summary(&self) -> &str {
        self.0.fields.summary.as_str()
    }
    /// The year the programme started (1900 to 2100), if known.
    async fn start_year(&self) -> Option<i32> {
        self.0.fields.start_year.map(Year::get)
    }
    /// The year the programme ended or ends, if known; never before `startYear`.
    async fn end_year(&self) -> Option<i32> {
        self.0.fields.end_year.map(Year::get)
    }
    /// The themes of social utility the programme addresses.
    async fn themes(&self) -> &[Theme] {
        &self.0.fields.themes
    }
    /// The organisation that runs the programme, if given and visible to the caller.
    async fn operator(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<OrganisationNode>> {
        organisation(ctx, self.0.fields.operator).await
    }
    /// The organisations that fund the programme (those the caller may see).
    async fn funders(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrganisationNode>> {
        Ok(loaders::many(ctx, &self.0.fields.funders).await?.into_iter().map(OrganisationNode).collect())
    }
    /// The programme this one is part of, if any and visible to the caller.
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ProgrammeNode>> {
        match self.0.fields.parent {
            None => Ok(None),
            Some(id) => Ok(loaders::one(ctx, id).await?.map(ProgrammeNode)),
        }
    }
    /// The programmes nested directly in this one (those the caller may see).
    #[graphql(complexity = "super::super::limits::page(Some(first), None, child_complexity)")]
    async fn children(&self, ctx: &Context<'_>, #[graphql(desc = "How many to return, 1 to 100 (20 by default).", default = 20)] first: i32) -> async_graphql::Result<Vec<ProgrammeNode>> {
        programmes(ctx, Reverse::ProgrammeChildren, self.0.id.get(), rows(first)?).await
    }
    /// The project sheets of this programme (for filtered, paginated access, use `sheets(filter: {programmes: […]})`).
    #[graphql(complexity = "super::super::limits::page(Some(first), None, child_complexity)")]
    async fn sheets(&self, ctx: &Context<'_>, #[graphql(desc = "How many to return, 1 to 100 (20 by default).", default = 20)] first: i32) -> async_graphql::Result<Vec<SheetNode>> {
        sheets(ctx, Reverse::ProgrammeSheets, self.0.id.get(), rows(first)?).await
    }
});
