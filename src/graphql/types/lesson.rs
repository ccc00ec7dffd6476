//! The GraphQL object of lessons, with the project sheets linked to a lesson as its evidence.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};

use super::{LessonNode, OrganisationNode, ProgrammeNode, RevisionNode, SheetNode, programmes, revisions, rows};
use crate::app::Reverse;
use crate::domain::*;
use crate::graphql::{ids, loaders};

/// A project sheet that shows (or contradicts) a lesson.
pub struct SheetEvidence {
    sheet: Sheet,
    role: EvidenceRole,
    note: String,
}

/// A project sheet that shows (or contradicts) a lesson, with how it bears on it.
#[Object]
impl SheetEvidence {
    /// The linked project sheet.
    async fn sheet(&self) -> SheetNode {
        SheetNode::from(self.sheet.clone())
    }
    /// Whether the sheet shows the lesson (OBSERVED_IN) or contradicts it (CONTRADICTED_BY).
    async fn role(&self) -> EvidenceRole {
        self.role
    }
    /// What the link's author noted about it (empty when nothing).
    async fn note(&self) -> &str {
        &self.note
    }
}

record_object!(#[Object(name = "Lesson")] LessonNode, Kind::Lesson,
    /// A lesson learned: a success factor, a pitfall or a failure factor, with what happened, the general
    /// statement, what to do and what shows it, linked to the project sheets that show it.
    {
    /// Whether the lesson is a success factor, a pitfall or a failure factor.
    async fn polarity(&self, ctx: &Context<'_>) -> async_graphql::Result<Polarity> {
        let record = self.0.get(ctx).await?;
        Ok(record.fields.polarity)
    }
    /// The lesson in one sentence (1 to 200 characters).
    async fn title(&self, ctx: &Context<'_>) -> async_graphql::Result<&str> {
        self.0.card_or(ctx, |card| card.text.title.as_str(), |record| record.fields.title.as_str()).await
    }
    /// What happened (at most 10,000 characters).
    async fn context(&self, ctx: &Context<'_>) -> async_graphql::Result<&str> {
        let record = self.0.get(ctx).await?;
        Ok(record.fields.context.as_str())
    }
    /// The general statement.
    async fn lesson(&self, ctx: &Context<'_>) -> async_graphql::Result<&str> {
        self.0.card_or(ctx, |card| card.text.summary.as_str(), |record| record.fields.lesson.as_str()).await
    }
    /// What to do.
    async fn recommendation(&self, ctx: &Context<'_>) -> async_graphql::Result<&str> {
        let record = self.0.get(ctx).await?;
        Ok(record.fields.recommendation.as_str())
    }
    /// What shows it.
    async fn evidence(&self, ctx: &Context<'_>) -> async_graphql::Result<&str> {
        let record = self.0.get(ctx).await?;
        Ok(record.fields.evidence.as_str())
    }
    /// How strongly the lesson is backed.
    async fn evidence_level(&self, ctx: &Context<'_>) -> async_graphql::Result<EvidenceLevel> {
        let record = self.0.get(ctx).await?;
        Ok(record.fields.evidence_level)
    }
    /// The phases of the démarche the lesson concerns.
    async fn phases(&self, ctx: &Context<'_>) -> async_graphql::Result<&[Phase]> {
        let record = self.0.get(ctx).await?;
        Ok(&record.fields.phases)
    }
    /// What the lesson is about.
    async fn categories(&self, ctx: &Context<'_>) -> async_graphql::Result<&[LessonCategory]> {
        let record = self.0.get(ctx).await?;
        Ok(&record.fields.categories)
    }
    /// The themes of social utility the lesson concerns.
    async fn themes(&self, ctx: &Context<'_>) -> async_graphql::Result<&[Theme]> {
        let record = self.0.get(ctx).await?;
        Ok(&record.fields.themes)
    }
    /// The kinds of territory the lesson applies to.
    async fn territory_types(&self, ctx: &Context<'_>) -> async_graphql::Result<&[TerritoryType]> {
        let record = self.0.get(ctx).await?;
        Ok(&record.fields.territory_types)
    }
    /// The project sheets linked to this lesson, with their role and note (visible sheets only).
    async fn evidence_links(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the links of this role (every link when absent).")] role: Option<EvidenceRole>,
    ) -> async_graphql::Result<Vec<SheetEvidence>> {
        let record = self.0.get(ctx).await?;
        let links: Vec<&EvidenceLink> =
            record.fields.evidence_links.iter().filter(|link| role.is_none_or(|wanted| wanted == link.role)).collect();
        let ids: Vec<SheetId> = links.iter().map(|link| link.sheet).collect();
        let sheets = loaders::many(ctx, &ids).await?;
        Ok(sheets
            .into_iter()
            .filter_map(|sheet| {
                let link = links.iter().find(|link| link.sheet == sheet.id)?;
                Some(SheetEvidence { role: link.role, note: link.note.to_string(), sheet })
            })
            .collect())
    }
    /// The sheets in which the lesson was observed (its OBSERVED_IN links; visible sheets only).
    async fn sheets(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SheetNode>> {
        let ids: Vec<SheetId> = self
            .0
            .get(ctx)
            .await?
            .fields
            .evidence_links
            .iter()
            .filter(|link| link.role == EvidenceRole::ObservedIn)
            .map(|link| link.sheet)
            .collect();
        Ok(loaders::many(ctx, &ids).await?.into_iter().map(SheetNode::from).collect())
    }
    /// The programmes the lesson applies to: those of the sheets it was observed in (programmes and
    /// sheets the caller may see only).
    #[graphql(complexity = "super::super::limits::page(Some(first), None, child_complexity)")]
    async fn programmes(&self, ctx: &Context<'_>, #[graphql(desc = "How many to return, 1 to 100 (20 by default).", default = 20)] first: i32) -> async_graphql::Result<Vec<ProgrammeNode>> {
        programmes(ctx, Reverse::LessonProgrammes, self.0.id.get(), rows(first)?).await
    }
    /// In how many distinct programmes the lesson was observed: its recurrence.
    async fn programme_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let ids = programmes(ctx, Reverse::LessonProgrammes, self.0.id.get(), usize::MAX).await?;
        Ok(i32::try_from(ids.len()).unwrap_or(i32::MAX))
    }
});
