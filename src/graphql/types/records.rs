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
    async fn name(&self, ctx: &Context<'_>) -> async_graphql::Result<&str> {
        self.0.card_or(ctx, |card| card.text.title.as_str(), |record| record.fields.name.as_str()).await
    }
    /// What kind of structure it is.
    async fn kind(&self, ctx: &Context<'_>) -> async_graphql::Result<OrganisationKind> {
        let record = self.0.get(ctx).await?;
        Ok(record.fields.kind)
    }
    /// The region it is based in, if given.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        let record = self.0.get(ctx).await?;
        Ok(record.fields.region)
    }
    /// Its website: an absolute http(s) address, if given.
    async fn website(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        let record = self.0.get(ctx).await?;
        Ok(record.fields.website.as_ref().map(WebAddress::as_str))
    }
    /// SIREN company number: nine digits, if given.
    async fn siren(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        let record = self.0.get(ctx).await?;
        Ok(record.fields.siren.as_ref().map(Siren::as_str))
    }
    /// Number in the Répertoire national des associations (RNA): `W` and nine characters, if given.
    async fn rna(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        let record = self.0.get(ctx).await?;
        Ok(record.fields.rna.as_ref().map(Rna::as_str))
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
    async fn name(&self, ctx: &Context<'_>) -> async_graphql::Result<&str> {
        self.0.card_or(ctx, |card| card.text.title.as_str(), |record| record.fields.name.as_str()).await
    }
    /// Its administrative level.
    async fn level(&self, ctx: &Context<'_>) -> async_graphql::Result<TerritoryLevel> {
        let record = self.0.get(ctx).await?;
        Ok(record.fields.level)
    }
    /// The official code: INSEE code of a commune or département, code of a QPV…
    async fn code(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        let record = self.0.get(ctx).await?;
        Ok(record.fields.code.as_ref().map(Label::as_str))
    }
    /// The region it lies in, if given.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        let record = self.0.get(ctx).await?;
        Ok(record.fields.region)
    }
    /// The kinds of territory it is (rural, QPV…; a territory can be of several).
    async fn types(&self, ctx: &Context<'_>) -> async_graphql::Result<&[TerritoryType]> {
        let record = self.0.get(ctx).await?;
        Ok(&record.fields.types)
    }
    /// Its centre, for maps, if given.
    async fn centroid(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Centroid>> {
        let record = self.0.get(ctx).await?;
        Ok(record.fields.centroid.map(|point| Centroid { latitude: point.latitude(), longitude: point.longitude() }))
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
    async fn name(&self, ctx: &Context<'_>) -> async_graphql::Result<&str> {
        self.0.card_or(ctx, |card| card.text.title.as_str(), |record| record.fields.name.as_str()).await
    }
    /// A short presentation of the programme (at most 2,000 characters; empty when none).
    async fn summary(&self, ctx: &Context<'_>) -> async_graphql::Result<&str> {
        self.0.card_or(ctx, |card| card.text.summary.as_str(), |record| record.fields.summary.as_str()).await
    }
    /// The year the programme started (1900 to 2100), if known.
    async fn start_year(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<i32>> {
        let record = self.0.get(ctx).await?;
        Ok(record.fields.start_year.map(Year::get))
    }
    /// The year the programme ended or ends, if known; never before `startYear`.
    async fn end_year(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<i32>> {
        let record = self.0.get(ctx).await?;
        Ok(record.fields.end_year.map(Year::get))
    }
    /// The themes of social utility the programme addresses.
    async fn themes(&self, ctx: &Context<'_>) -> async_graphql::Result<&[Theme]> {
        let record = self.0.get(ctx).await?;
        Ok(&record.fields.themes)
    }
    /// The organisation that runs the programme, if given and visible to the caller.
    async fn operator(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<OrganisationNode>> {
        let record = self.0.get(ctx).await?;
        organisation(ctx, record.fields.operator).await
    }
    /// The organisations that fund the programme (those the caller may see).
    async fn funders(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrganisationNode>> {
        let record = self.0.get(ctx).await?;
        Ok(loaders::many(ctx, &record.fields.funders).await?.into_iter().map(OrganisationNode::from).collect())
    }
    /// The programme this one is part of, if any and visible to the caller.
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ProgrammeNode>> {
        let record = self.0.get(ctx).await?;
        match record.fields.parent {
            None => Ok(None),
            Some(id) => Ok(loaders::one(ctx, id).await?.map(ProgrammeNode::from)),
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
