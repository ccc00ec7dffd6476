//! The GraphQL object of project sheets, with the values a sheet owns (phases, indicators,
//! testimonies, documents) and the lessons linked to it.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use super::{
    LessonNode, OrganisationNode, ProgrammeNode, RevisionNode, SheetNode, TerritoryNode, organisation, revisions, rows,
};
use crate::app::Reverse;
use crate::domain::*;
use crate::graphql::{ids, loaders};

/// One phase of the démarche as the project lived it.
#[derive(SimpleObject)]
pub struct PhaseRecordNode {
    /// The phase of the démarche.
    pub phase: Phase,
    /// When the phase started, if known.
    pub started_on: Option<NaiveDate>,
    /// When the phase ended, if known (never before `startedOn`).
    pub ended_on: Option<NaiveDate>,
    /// Methods used (questionnaire, ateliers, entretiens…).
    pub methods: Vec<String>,
    /// Who took part.
    pub participants: Vec<String>,
    /// What came out of the phase (empty when not told).
    pub outcome: String,
}

/// A measure of a project's results.
#[derive(SimpleObject)]
pub struct IndicatorNode {
    /// What is measured (« Véhicules réparés »).
    pub name: String,
    /// The unit of the values (« véhicules/an »; empty when none).
    pub unit: String,
    /// The value before the project, if known.
    pub baseline: Option<f64>,
    /// The value aimed at, if set.
    pub target: Option<f64>,
    /// The value reached, if known.
    pub actual: Option<f64>,
}

/// A line of a sheet's funding plan.
#[derive(SimpleObject)]
pub struct FundingNode {
    /// Who funds, as the sheet names them.
    pub funder: String,
    /// How much, in euros.
    pub amount: f64,
    /// The year of the funding, if known.
    pub year: Option<i32>,
    /// Where the money comes from.
    pub kind: FundingKind,
}

/// Words of a person involved in the project.
#[derive(SimpleObject)]
pub struct TestimonyNode {
    /// What the person said.
    pub quote: String,
    /// Who said it (empty when not named).
    pub speaker: String,
    /// The speaker's role in the project (empty when not told).
    pub role: String,
}

/// A document about the project, published elsewhere.
#[derive(SimpleObject)]
pub struct DocumentNode {
    /// The document's title.
    pub title: String,
    /// What kind of document it is.
    pub kind: DocumentKind,
    /// Where to read it: an absolute http(s) address.
    pub url: String,
}

/// A lesson linked to a sheet, with how the sheet bears on it.
pub struct LessonLink {
    lesson: Lesson,
    role: EvidenceRole,
    note: String,
}

/// A lesson linked to a project sheet, with how the sheet bears on it.
#[Object]
impl LessonLink {
    /// The linked lesson.
    async fn lesson(&self) -> LessonNode {
        LessonNode::from(self.lesson.clone())
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

fn strings(labels: &[Label]) -> Vec<String> {
    labels.iter().map(ToString::to_string).collect()
}

record_object!(#[Object(name = "ProjectSheet")] SheetNode, Kind::Sheet,
    /// A fiche-projet: one project's story, from the social need detected to the launch of the activity.
    {
    /// The sheet's title, as lists and search show it (1 to 200 characters).
    async fn title(&self, ctx: &Context<'_>) -> async_graphql::Result<&str> {
        self.0.card_or(ctx, |card| card.text.title.as_str(), |record| record.fields.title.as_str()).await
    }
    /// A short summary of the project (at most 2,000 characters; empty when none).
    async fn summary(&self, ctx: &Context<'_>) -> async_graphql::Result<&str> {
        self.0.card_or(ctx, |card| card.text.summary.as_str(), |record| record.fields.summary.as_str()).await
    }
    /// The story of the project, in Markdown (at most 100,000 characters).
    async fn body(&self, ctx: &Context<'_>) -> async_graphql::Result<&str> {
        let record = self.0.get(ctx).await?;
        Ok(record.fields.body.as_str())
    }
    /// The kind of activity the project creates.
    async fn activity_type(&self, ctx: &Context<'_>) -> async_graphql::Result<ActivityType> {
        let record = self.0.get(ctx).await?;
        Ok(record.fields.activity_type)
    }
    /// The social need the démarche detected (at most 10,000 characters; empty when not told).
    async fn social_need(&self, ctx: &Context<'_>) -> async_graphql::Result<&str> {
        let record = self.0.get(ctx).await?;
        Ok(record.fields.social_need.as_str())
    }
    /// The themes of social utility the project addresses.
    async fn themes(&self, ctx: &Context<'_>) -> async_graphql::Result<&[Theme]> {
        let record = self.0.get(ctx).await?;
        Ok(&record.fields.themes)
    }
    /// The publics the project is for.
    async fn target_publics(&self, ctx: &Context<'_>) -> async_graphql::Result<&[TargetPublic]> {
        let record = self.0.get(ctx).await?;
        Ok(&record.fields.target_publics)
    }
    /// Where the project stands in the démarche.
    async fn status(&self, ctx: &Context<'_>) -> async_graphql::Result<SheetStatus> {
        let record = self.0.get(ctx).await?;
        Ok(record.fields.status)
    }
    /// The address of the source the sheet's content comes from (an absolute http(s) address), if given.
    async fn source_url(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        let record = self.0.get(ctx).await?;
        Ok(record.fields.source_url.as_ref().map(WebAddress::as_str))
    }
    /// The licence the sheet's content is published under (« CC BY 4.0 »…), if it has its own.
    async fn licence(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        let record = self.0.get(ctx).await?;
        Ok(record.fields.licence.as_ref().map(Label::as_str))
    }
    /// The programmes the sheet belongs to (those the caller may see).
    async fn programmes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ProgrammeNode>> {
        let record = self.0.get(ctx).await?;
        Ok(loaders::many(ctx, &record.fields.programmes).await?.into_iter().map(ProgrammeNode::from).collect())
    }
    /// The territories where the project is located (those the caller may see).
    async fn territories(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TerritoryNode>> {
        let record = self.0.get(ctx).await?;
        Ok(loaders::many(ctx, &record.fields.territories).await?.into_iter().map(TerritoryNode::from).collect())
    }
    /// The Fabrique à initiatives (or other structure) that supports the démarche, if given and
    /// visible to the caller.
    async fn supporting_structure(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<OrganisationNode>> {
        let record = self.0.get(ctx).await?;
        organisation(ctx, record.fields.supporting_structure).await
    }
    /// The organisation that carries the activity; empty until one is found.
    async fn project_holder(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<OrganisationNode>> {
        let record = self.0.get(ctx).await?;
        organisation(ctx, record.fields.project_holder).await
    }
    /// The partner organisations of the project (those the caller may see).
    async fn partners(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrganisationNode>> {
        let record = self.0.get(ctx).await?;
        Ok(loaders::many(ctx, &record.fields.partners).await?.into_iter().map(OrganisationNode::from).collect())
    }
    /// The phases of the démarche the project went through (at most 20).
    async fn phases(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PhaseRecordNode>> {
        let record = self.0.get(ctx).await?;
        Ok(record
            .fields
            .phases
            .iter()
            .map(|record| PhaseRecordNode {
                phase: record.phase,
                started_on: record.started_on,
                ended_on: record.ended_on,
                methods: strings(&record.methods),
                participants: strings(&record.participants),
                outcome: record.outcome.to_string(),
            })
            .collect())
    }
    /// Measures of the project's results (at most 20).
    async fn indicators(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<IndicatorNode>> {
        let record = self.0.get(ctx).await?;
        Ok(record
            .fields
            .indicators
            .iter()
            .map(|indicator| IndicatorNode {
                name: indicator.name.to_string(),
                unit: indicator.unit.to_string(),
                baseline: indicator.baseline,
                target: indicator.target,
                actual: indicator.actual,
            })
            .collect())
    }
    /// Words of people involved in the project (at most 20).
    async fn testimonies(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TestimonyNode>> {
        let record = self.0.get(ctx).await?;
        Ok(record
            .fields
            .testimonies
            .iter()
            .map(|testimony| TestimonyNode {
                quote: testimony.quote.to_string(),
                speaker: testimony.speaker.to_string(),
                role: testimony.role.to_string(),
            })
            .collect())
    }
    /// Documents about the project, published elsewhere (at most 20).
    async fn documents(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<DocumentNode>> {
        let record = self.0.get(ctx).await?;
        Ok(record
            .fields
            .documents
            .iter()
            .map(|document| DocumentNode { title: document.title.to_string(), kind: document.kind, url: document.url.as_str().to_owned() })
            .collect())
    }
    /// The project's total budget in euros, if known.
    async fn budget(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<f64>> {
        Ok(self.0.get(ctx).await?.fields.budget.map(Amount::euros))
    }
    /// The funding plan, line by line (at most 20): who gave how much, when and how.
    async fn funding(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<FundingNode>> {
        let record = self.0.get(ctx).await?;
        Ok(record
            .fields
            .funding
            .iter()
            .map(|line| FundingNode {
                funder: line.funder.to_string(),
                amount: line.amount.euros(),
                year: line.year.map(Year::get),
                kind: line.kind,
            })
            .collect())
    }
    /// The part of the budget the funding plan covers, from 0 to 1, when both are known and the
    /// budget is not zero.
    async fn funding_coverage(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<f64>> {
        let fields = &self.0.get(ctx).await?.fields;
        let planned: i64 = fields.funding.iter().map(|line| line.amount.cents()).sum();
        Ok(fields.budget.filter(|budget| budget.cents() > 0 && !fields.funding.is_empty()).map(|budget| planned as f64 / budget.cents() as f64))
    }
    /// What the network learned for this project at a phase of the démarche: the published lessons
    /// that fit it, best fit first, each with why it was offered. Lessons already linked to the sheet
    /// are marked; its own links never count in the ranking.
    #[graphql(complexity = "first.max(1) as usize * child_complexity + 1")]
    async fn advice(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The phase (by default the one after the sheet's current phase, from its status and phases).")]
        phase: Option<Phase>,
        #[graphql(default = 5, desc = "How many lessons to return, 1 to 50 (5 by default).")] first: i32,
    ) -> async_graphql::Result<super::super::advice::Advice> {
        let app = ctx.data::<crate::app::App>()?;
        let viewer = ctx.data::<Viewer>()?;
        let first = super::super::advice::advice_rows(first).map_err(|error| super::super::error::to_graphql(&error))?;
        let advice = app
            .sheet_advice(viewer, self.0.id, phase, first)
            .await
            .map_err(|error| super::super::error::to_graphql(&error))?;
        Ok(advice.into())
    }
    /// The lessons this sheet shows (or contradicts), with the role and note of each link (lessons
    /// the caller may see only).
    #[graphql(complexity = "super::super::limits::page(Some(first), None, child_complexity)")]
    async fn lessons(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the links of this role (every link when absent).")] role: Option<EvidenceRole>,
        #[graphql(desc = "How many to return, 1 to 100 (20 by default).", default = 20)] first: i32,
    ) -> async_graphql::Result<Vec<LessonLink>> {
        let sheet = self.0.id;
        let first = rows(first)?;
        // Filtered by role after loading: only then is the page of the right size known.
        let limit = if role.is_some() { usize::MAX } else { first };
        let lessons: Vec<Lesson> = loaders::related::<LessonId>(ctx, Reverse::SheetLessons, sheet.get(), limit).await?;
        Ok(lessons
            .into_iter()
            .filter_map(|lesson| {
                let link = lesson.fields.evidence_links.iter().find(|link| link.sheet == sheet)?;
                let (role_found, note) = (link.role, link.note.to_string());
                role.is_none_or(|wanted| wanted == role_found).then_some(LessonLink { lesson, role: role_found, note })
            })
            .take(first)
            .collect())
    }
});
