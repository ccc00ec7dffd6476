//! The GraphQL object types: one wrapper per record kind (its fields, its relations in both
//! directions through the request's batch loader, its revision history) and the values a sheet owns.

use async_graphql::{Context, ID, Interface, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use super::ids;
use super::loaders::{self, history};
use crate::app::{Reverse, Revision};
use crate::domain::*;

/// Every record: organisation, territory, programme, project sheet or lesson.
#[derive(Interface)]
#[graphql(
    field(name = "id", ty = "ID", desc = "The record's global id."),
    field(
        name = "slug",
        ty = "&str",
        desc = "A stable, readable key, unique among records of its kind: 1 to 80 lower-case letters a-z, digits and single hyphens."
    ),
    field(
        name = "publication_status",
        ty = "PublicationStatus",
        desc = "Where the record stands in the publication workflow. Everyone sees PUBLISHED records; other statuses are seen by administrators and by the contributors and reviewers whose scope holds the record."
    ),
    field(
        name = "version",
        ty = "i32",
        desc = "Grows by one with every change; updates must name the version they read."
    )
)]
pub enum Node {
    Organisation(OrganisationNode),
    Territory(TerritoryNode),
    Programme(ProgrammeNode),
    ProjectSheet(SheetNode),
    Lesson(LessonNode),
}

pub struct OrganisationNode(pub Organisation);
pub struct TerritoryNode(pub Territory);
pub struct ProgrammeNode(pub Programme);
pub struct SheetNode(pub Sheet);
pub struct LessonNode(pub Lesson);

/// One state of a record, kept when it was created or changed.
pub struct RevisionNode(pub Revision);

/// One state of a record, kept when it was created, changed, moved in the workflow or archived.
#[Object(name = "Revision")]
impl RevisionNode {
    /// The version this revision is the state of.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// What the change did: CREATED, UPDATED, STATUS_CHANGED or ARCHIVED.
    async fn action(&self) -> &'static str {
        self.0.action.as_str()
    }
    /// Who made the change.
    async fn author(&self) -> &str {
        &self.0.author
    }
    /// Why, when a reason was given (moves back to draft, archiving).
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// When the change was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The record as it was at this version, in the dataset's JSON form (references by slug).
    async fn snapshot(&self) -> async_graphql::Result<async_graphql::Json<serde_json::Value>> {
        let value: serde_json::Value = serde_json::from_str(&self.0.snapshot)?;
        Ok(async_graphql::Json(value))
    }
}

async fn revisions(ctx: &Context<'_>, kind: Kind, id: i64) -> async_graphql::Result<Vec<RevisionNode>> {
    Ok(history(ctx, kind, id).await?.iter().cloned().map(RevisionNode).collect())
}

// The `#[Object(…)]` attribute is written where the macro is invoked and passed in whole (`$hash
// $object`): the identifiers it generates (`child_complexity`) then share the hygiene of the body's
// `#[graphql(complexity = "…")]` expressions, which can use them.
macro_rules! record_object {
    ($hash:tt $object:tt $node:ident, $kind:expr, $(#[doc = $doc:literal])* { $($body:tt)* }) => {
        $(#[doc = $doc])*
        $hash $object
        impl $node {
            /// The record's global id.
            async fn id(&self) -> ID {
                ids::encode(self.0.id)
            }
            /// A stable, readable key, unique among records of its kind: 1 to 80 lower-case letters
            /// a-z, digits and single hyphens.
            async fn slug(&self) -> &str {
                self.0.fields.slug.as_str()
            }
            /// Where the record stands in the publication workflow. Everyone sees PUBLISHED records;
            /// other statuses are seen by administrators and by the contributors and reviewers whose
            /// scope holds the record.
            async fn publication_status(&self) -> PublicationStatus {
                self.0.meta.publication_status
            }
            /// Grows by one with every change; updates must name the version they read.
            async fn version(&self) -> i32 {
                self.0.meta.version
            }
            /// When the record was created.
            async fn created_at(&self) -> DateTime<Utc> {
                self.0.meta.created_at
            }
            /// When the record last changed (its fields or its publication status).
            async fn updated_at(&self) -> DateTime<Utc> {
                self.0.meta.updated_at
            }
            /// The organisation whose contributors may edit the record (the one that created it), when
            /// the caller may see it.
            async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<OrganisationNode>> {
                match self.0.meta.owner {
                    Some(owner) => Ok(super::loaders::one(ctx, owner).await?.map(OrganisationNode)),
                    None => Ok(None),
                }
            }
            /// Every state the record has had, oldest first, with author and reason: for
            /// administrators, and for contributors and reviewers on the records of their scope;
            /// empty for others (past versions hold drafts).
            async fn revisions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<RevisionNode>> {
                revisions(ctx, $kind, self.0.id.get()).await
            }
            $($body)*
        }
    };
}

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
    #[graphql(complexity = "super::limits::page(Some(first), None, child_complexity)")]
    async fn supported_sheets(&self, ctx: &Context<'_>, #[graphql(desc = "How many to return, 1 to 100 (20 by default).", default = 20)] first: i32) -> async_graphql::Result<Vec<SheetNode>> {
        sheets(ctx, Reverse::SupportedSheets, self.0.id.get(), rows(first)?).await
    }
    /// Sheets this organisation carries as project holder.
    #[graphql(complexity = "super::limits::page(Some(first), None, child_complexity)")]
    async fn held_sheets(&self, ctx: &Context<'_>, #[graphql(desc = "How many to return, 1 to 100 (20 by default).", default = 20)] first: i32) -> async_graphql::Result<Vec<SheetNode>> {
        sheets(ctx, Reverse::HeldSheets, self.0.id.get(), rows(first)?).await
    }
    /// Sheets this organisation is a partner of.
    #[graphql(complexity = "super::limits::page(Some(first), None, child_complexity)")]
    async fn partnered_sheets(&self, ctx: &Context<'_>, #[graphql(desc = "How many to return, 1 to 100 (20 by default).", default = 20)] first: i32) -> async_graphql::Result<Vec<SheetNode>> {
        sheets(ctx, Reverse::PartneredSheets, self.0.id.get(), rows(first)?).await
    }
    /// Programmes this organisation operates.
    #[graphql(complexity = "super::limits::page(Some(first), None, child_complexity)")]
    async fn operated_programmes(&self, ctx: &Context<'_>, #[graphql(desc = "How many to return, 1 to 100 (20 by default).", default = 20)] first: i32) -> async_graphql::Result<Vec<ProgrammeNode>> {
        programmes(ctx, Reverse::OperatedProgrammes, self.0.id.get(), rows(first)?).await
    }
    /// Programmes this organisation funds.
    #[graphql(complexity = "super::limits::page(Some(first), None, child_complexity)")]
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
    #[graphql(complexity = "super::limits::page(Some(first), None, child_complexity)")]
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
    #[graphql(complexity = "super::limits::page(Some(first), None, child_complexity)")]
    async fn children(&self, ctx: &Context<'_>, #[graphql(desc = "How many to return, 1 to 100 (20 by default).", default = 20)] first: i32) -> async_graphql::Result<Vec<ProgrammeNode>> {
        programmes(ctx, Reverse::ProgrammeChildren, self.0.id.get(), rows(first)?).await
    }
    /// The project sheets of this programme (for filtered, paginated access, use `sheets(filter: {programmes: […]})`).
    #[graphql(complexity = "super::limits::page(Some(first), None, child_complexity)")]
    async fn sheets(&self, ctx: &Context<'_>, #[graphql(desc = "How many to return, 1 to 100 (20 by default).", default = 20)] first: i32) -> async_graphql::Result<Vec<SheetNode>> {
        sheets(ctx, Reverse::ProgrammeSheets, self.0.id.get(), rows(first)?).await
    }
});

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
        LessonNode(self.lesson.clone())
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
        SheetNode(self.sheet.clone())
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
    async fn title(&self) -> &str {
        self.0.fields.title.as_str()
    }
    /// A short summary of the project (at most 2,000 characters; empty when none).
    async fn summary(&self) -> &str {
        self.0.fields.summary.as_str()
    }
    /// The story of the project, in Markdown (at most 100,000 characters).
    async fn body(&self) -> &str {
        self.0.fields.body.as_str()
    }
    /// The kind of activity the project creates.
    async fn activity_type(&self) -> ActivityType {
        self.0.fields.activity_type
    }
    /// The social need the démarche detected (at most 10,000 characters; empty when not told).
    async fn social_need(&self) -> &str {
        self.0.fields.social_need.as_str()
    }
    /// The themes of social utility the project addresses.
    async fn themes(&self) -> &[Theme] {
        &self.0.fields.themes
    }
    /// The publics the project is for.
    async fn target_publics(&self) -> &[TargetPublic] {
        &self.0.fields.target_publics
    }
    /// Where the project stands in the démarche.
    async fn status(&self) -> SheetStatus {
        self.0.fields.status
    }
    /// The address of the source the sheet's content comes from (an absolute http(s) address), if given.
    async fn source_url(&self) -> Option<&str> {
        self.0.fields.source_url.as_ref().map(WebAddress::as_str)
    }
    /// The licence the sheet's content is published under (« CC BY 4.0 »…), if it has its own.
    async fn licence(&self) -> Option<&str> {
        self.0.fields.licence.as_ref().map(Label::as_str)
    }
    /// The programmes the sheet belongs to (those the caller may see).
    async fn programmes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ProgrammeNode>> {
        Ok(loaders::many(ctx, &self.0.fields.programmes).await?.into_iter().map(ProgrammeNode).collect())
    }
    /// The territories where the project is located (those the caller may see).
    async fn territories(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TerritoryNode>> {
        Ok(loaders::many(ctx, &self.0.fields.territories).await?.into_iter().map(TerritoryNode).collect())
    }
    /// The Fabrique à initiatives (or other structure) that supports the démarche, if given and
    /// visible to the caller.
    async fn supporting_structure(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<OrganisationNode>> {
        organisation(ctx, self.0.fields.supporting_structure).await
    }
    /// The organisation that carries the activity; empty until one is found.
    async fn project_holder(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<OrganisationNode>> {
        organisation(ctx, self.0.fields.project_holder).await
    }
    /// The partner organisations of the project (those the caller may see).
    async fn partners(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrganisationNode>> {
        Ok(loaders::many(ctx, &self.0.fields.partners).await?.into_iter().map(OrganisationNode).collect())
    }
    /// The phases of the démarche the project went through (at most 20).
    async fn phases(&self) -> Vec<PhaseRecordNode> {
        self.0
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
            .collect()
    }
    /// Measures of the project's results (at most 20).
    async fn indicators(&self) -> Vec<IndicatorNode> {
        self.0
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
            .collect()
    }
    /// Words of people involved in the project (at most 20).
    async fn testimonies(&self) -> Vec<TestimonyNode> {
        self.0
            .fields
            .testimonies
            .iter()
            .map(|testimony| TestimonyNode {
                quote: testimony.quote.to_string(),
                speaker: testimony.speaker.to_string(),
                role: testimony.role.to_string(),
            })
            .collect()
    }
    /// Documents about the project, published elsewhere (at most 20).
    async fn documents(&self) -> Vec<DocumentNode> {
        self.0
            .fields
            .documents
            .iter()
            .map(|document| DocumentNode { title: document.title.to_string(), kind: document.kind, url: document.url.as_str().to_owned() })
            .collect()
    }
    /// The lessons this sheet shows (or contradicts), with the role and note of each link (lessons
    /// the caller may see only).
    #[graphql(complexity = "super::limits::page(Some(first), None, child_complexity)")]
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

record_object!(#[Object(name = "Lesson")] LessonNode, Kind::Lesson,
    /// A lesson learned: a success factor, a pitfall or a failure factor, with what happened, the general
    /// statement, what to do and what shows it, linked to the project sheets that show it.
    {
    /// Whether the lesson is a success factor, a pitfall or a failure factor.
    async fn polarity(&self) -> Polarity {
        self.0.fields.polarity
    }
    /// The lesson in one sentence (1 to 200 characters).
    async fn title(&self) -> &str {
        self.0.fields.title.as_str()
    }
    /// What happened (at most 10,000 characters).
    async fn context(&self) -> &str {
        self.0.fields.context.as_str()
    }
    /// The general statement.
    async fn lesson(&self) -> &str {
        self.0.fields.lesson.as_str()
    }
    /// What to do.
    async fn recommendation(&self) -> &str {
        self.0.fields.recommendation.as_str()
    }
    /// What shows it.
    async fn evidence(&self) -> &str {
        self.0.fields.evidence.as_str()
    }
    /// How strongly the lesson is backed.
    async fn evidence_level(&self) -> EvidenceLevel {
        self.0.fields.evidence_level
    }
    /// The phases of the démarche the lesson concerns.
    async fn phases(&self) -> &[Phase] {
        &self.0.fields.phases
    }
    /// What the lesson is about.
    async fn categories(&self) -> &[LessonCategory] {
        &self.0.fields.categories
    }
    /// The themes of social utility the lesson concerns.
    async fn themes(&self) -> &[Theme] {
        &self.0.fields.themes
    }
    /// The kinds of territory the lesson applies to.
    async fn territory_types(&self) -> &[TerritoryType] {
        &self.0.fields.territory_types
    }
    /// The project sheets linked to this lesson, with their role and note (visible sheets only).
    async fn evidence_links(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the links of this role (every link when absent).")] role: Option<EvidenceRole>,
    ) -> async_graphql::Result<Vec<SheetEvidence>> {
        let links: Vec<&EvidenceLink> =
            self.0.fields.evidence_links.iter().filter(|link| role.is_none_or(|wanted| wanted == link.role)).collect();
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
            .fields
            .evidence_links
            .iter()
            .filter(|link| link.role == EvidenceRole::ObservedIn)
            .map(|link| link.sheet)
            .collect();
        Ok(loaders::many(ctx, &ids).await?.into_iter().map(SheetNode).collect())
    }
    /// The programmes the lesson applies to: those of the sheets it was observed in (programmes and
    /// sheets the caller may see only).
    #[graphql(complexity = "super::limits::page(Some(first), None, child_complexity)")]
    async fn programmes(&self, ctx: &Context<'_>, #[graphql(desc = "How many to return, 1 to 100 (20 by default).", default = 20)] first: i32) -> async_graphql::Result<Vec<ProgrammeNode>> {
        programmes(ctx, Reverse::LessonProgrammes, self.0.id.get(), rows(first)?).await
    }
    /// In how many distinct programmes the lesson was observed: its recurrence.
    async fn programme_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let ids = programmes(ctx, Reverse::LessonProgrammes, self.0.id.get(), usize::MAX).await?;
        Ok(i32::try_from(ids.len()).unwrap_or(i32::MAX))
    }
});

async fn organisation(
    ctx: &Context<'_>,
    id: Option<OrganisationId>,
) -> async_graphql::Result<Option<OrganisationNode>> {
    match id {
        None => Ok(None),
        Some(id) => Ok(loaders::one(ctx, id).await?.map(OrganisationNode)),
    }
}

/// The rows a relation list returns: `first`, from 1 to `MAX_PAGE_SIZE`. Its fields count once per
/// row in the query's complexity, like a connection's page, so that nested relations cannot multiply
/// a query's work past the limit unseen.
fn rows(first: i32) -> async_graphql::Result<usize> {
    match usize::try_from(first) {
        Ok(rows @ 1..=MAX_PAGE_SIZE) => Ok(rows),
        _ => Err(super::error::to_graphql(&crate::error::Error::invalid(
            "first",
            format!("{first} is outside 1 to {MAX_PAGE_SIZE}"),
        ))),
    }
}

async fn sheets(ctx: &Context<'_>, relation: Reverse, id: i64, limit: usize) -> async_graphql::Result<Vec<SheetNode>> {
    Ok(loaders::related::<SheetId>(ctx, relation, id, limit).await?.into_iter().map(SheetNode).collect())
}

async fn programmes(
    ctx: &Context<'_>,
    relation: Reverse,
    id: i64,
    limit: usize,
) -> async_graphql::Result<Vec<ProgrammeNode>> {
    Ok(loaders::related::<ProgrammeId>(ctx, relation, id, limit).await?.into_iter().map(ProgrammeNode).collect())
}
