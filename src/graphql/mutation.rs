//! The mutation root: create and update each kind of record, move records through the publication
//! workflow, archive them, and link lessons to the sheets that show them. Every update names the
//! version it read; a stale one gets CONFLICT.

use async_graphql::{Context, ID, Object};

use super::error::GqlResult;
use super::ids;
use super::inputs::*;
use super::query::node_by_id;
use super::types::*;
use crate::app::{App, Editable};
use crate::domain::*;
use crate::error::Error;

#[derive(Default)]
pub struct Mutation;

fn context<'a>(ctx: &Context<'a>) -> async_graphql::Result<(&'a App, &'a Viewer)> {
    Ok((ctx.data::<App>()?, ctx.data::<Viewer>()?))
}

fn decode<I: RecordId>(field: &str, id: &ID) -> async_graphql::Result<I> {
    ids::decode::<I>(id).map_err(|problem| Error::invalid(field, problem)).gql()
}

async fn create<K: Editable>(
    ctx: &Context<'_>,
    draft: Result<K::Draft, Vec<FieldProblem>>,
) -> async_graphql::Result<Record<K::Id, K>> {
    let (app, viewer) = context(ctx)?;
    let draft = draft.map_err(Error::InvalidInput).gql()?;
    app.create::<K>(viewer, draft).await.gql()
}

async fn update<K: Editable>(
    ctx: &Context<'_>,
    id: &ID,
    version: i32,
    edit: impl FnOnce(&mut K::Draft) -> Result<(), Vec<FieldProblem>> + Send,
) -> async_graphql::Result<Record<K::Id, K>> {
    let (app, viewer) = context(ctx)?;
    let id = decode::<K::Id>("id", id)?;
    app.update::<K>(viewer, id, version, edit).await.gql()
}

async fn set_status(
    ctx: &Context<'_>,
    id: &ID,
    version: i32,
    status: PublicationStatus,
    reason: Option<&str>,
) -> async_graphql::Result<Node> {
    let (app, viewer) = context(ctx)?;
    let (kind, raw) = ids::decode_any(id).map_err(|problem| Error::invalid("id", problem)).gql()?;
    crate::domain::with_kind!(kind, |F, I| {
        app.set_status::<F>(viewer, <I as RecordId>::new(raw), version, status, reason).await.map(|_| ()).gql()?
    });
    node_by_id(ctx, id).await
}

#[Object(name = "RecordMutation")]
impl Mutation {
    /// Creates an organisation, as a DRAFT belonging to the caller's organisation, if any: for
    /// administrators, reviewers, and contributors whose token names an organisation. Invalid values are
    /// INVALID_INPUT, every problem named with its field.
    async fn create_organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new organisation's fields.")] input: OrganisationInput,
    ) -> async_graphql::Result<OrganisationNode> {
        create::<OrganisationFields>(ctx, input.into_draft()).await.map(OrganisationNode::from)
    }

    /// Changes an organisation at `version`: administrators change any record, reviewers those of their
    /// programme, contributors and reviewers the DRAFT or SUBMITTED records of their organisation.
    async fn update_organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation's global id; one the caller may not see is NOT_FOUND.")] id: ID,
        #[graphql(desc = "The version the caller read; if the record changed since, CONFLICT.")] version: i32,
        #[graphql(desc = "The fields to change; the others stay as they are.")] patch: OrganisationPatch,
    ) -> async_graphql::Result<OrganisationNode> {
        update::<OrganisationFields>(ctx, &id, version, |draft| patch.apply(draft)).await.map(OrganisationNode::from)
    }

    /// Creates a territory, as a DRAFT belonging to the caller's organisation, if any: for
    /// administrators, reviewers, and contributors whose token names an organisation. Invalid values are
    /// INVALID_INPUT, every problem named with its field.
    async fn create_territory(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new territory's fields.")] input: TerritoryInput,
    ) -> async_graphql::Result<TerritoryNode> {
        create::<TerritoryFields>(ctx, input.into_draft()).await.map(TerritoryNode::from)
    }

    /// Changes a territory at `version`: administrators change any record, reviewers those of their
    /// programme, contributors and reviewers the DRAFT or SUBMITTED records of their organisation.
    async fn update_territory(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The territory's global id; one the caller may not see is NOT_FOUND.")] id: ID,
        #[graphql(desc = "The version the caller read; if the record changed since, CONFLICT.")] version: i32,
        #[graphql(desc = "The fields to change; the others stay as they are.")] patch: TerritoryPatch,
    ) -> async_graphql::Result<TerritoryNode> {
        update::<TerritoryFields>(ctx, &id, version, |draft| patch.apply(draft)).await.map(TerritoryNode::from)
    }

    /// Creates a programme, as a DRAFT belonging to the caller's organisation, if any: for
    /// administrators, reviewers, and contributors whose token names an organisation. Invalid values are
    /// INVALID_INPUT, every problem named with its field.
    async fn create_programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new programme's fields.")] input: ProgrammeInput,
    ) -> async_graphql::Result<ProgrammeNode> {
        create::<ProgrammeFields>(ctx, input.into_draft()).await.map(ProgrammeNode::from)
    }

    /// Changes a programme at `version`: administrators change any record, reviewers those of their
    /// programme, contributors and reviewers the DRAFT or SUBMITTED records of their organisation.
    async fn update_programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The programme's global id; one the caller may not see is NOT_FOUND.")] id: ID,
        #[graphql(desc = "The version the caller read; if the record changed since, CONFLICT.")] version: i32,
        #[graphql(desc = "The fields to change; the others stay as they are.")] patch: ProgrammePatch,
    ) -> async_graphql::Result<ProgrammeNode> {
        update::<ProgrammeFields>(ctx, &id, version, |draft| patch.apply(draft)).await.map(ProgrammeNode::from)
    }

    /// Creates a project sheet, as a DRAFT belonging to the caller's organisation, if any: for
    /// administrators, reviewers, and contributors whose token names an organisation. Invalid values are
    /// INVALID_INPUT, every problem named with its field.
    async fn create_sheet(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new project sheet's fields.")] input: ProjectSheetInput,
    ) -> async_graphql::Result<SheetNode> {
        create::<SheetFields>(ctx, input.into_draft()).await.map(SheetNode::from)
    }

    /// Changes a project sheet at `version`: administrators change any record, reviewers those of their
    /// programme, contributors and reviewers the DRAFT or SUBMITTED records of their organisation.
    async fn update_sheet(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project sheet's global id; one the caller may not see is NOT_FOUND.")] id: ID,
        #[graphql(desc = "The version the caller read; if the record changed since, CONFLICT.")] version: i32,
        #[graphql(desc = "The fields to change; the others stay as they are.")] patch: ProjectSheetPatch,
    ) -> async_graphql::Result<SheetNode> {
        update::<SheetFields>(ctx, &id, version, |draft| patch.apply(draft)).await.map(SheetNode::from)
    }

    /// Creates a lesson, as a DRAFT belonging to the caller's organisation, if any: for
    /// administrators, reviewers, and contributors whose token names an organisation. Invalid values are
    /// INVALID_INPUT, every problem named with its field.
    async fn create_lesson(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new lesson's fields.")] input: LessonInput,
    ) -> async_graphql::Result<LessonNode> {
        create::<LessonFields>(ctx, input.into_draft()).await.map(LessonNode::from)
    }

    /// Changes a lesson at `version`: administrators change any record, reviewers those of their
    /// programme, contributors and reviewers the DRAFT or SUBMITTED records of their organisation.
    async fn update_lesson(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lesson's global id; one the caller may not see is NOT_FOUND.")] id: ID,
        #[graphql(desc = "The version the caller read; if the record changed since, CONFLICT.")] version: i32,
        #[graphql(desc = "The fields to change; the others stay as they are.")] patch: LessonPatch,
    ) -> async_graphql::Result<LessonNode> {
        update::<LessonFields>(ctx, &id, version, |draft| patch.apply(draft)).await.map(LessonNode::from)
    }

    /// Links a lesson to a project sheet that shows (OBSERVED_IN) or contradicts (CONTRADICTED_BY) it;
    /// an existing link to the same sheet is replaced. Same rights as `updateLesson`; a lesson holds at
    /// most 50 links.
    async fn link_lesson_to_sheet(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lesson's global id; one the caller may not see is NOT_FOUND.")] lesson: ID,
        #[graphql(desc = "The lesson's version, as read; if it changed since, CONFLICT.")] version: i32,
        #[graphql(desc = "The project sheet's global id; one the caller may not see is NOT_FOUND.")] sheet: ID,
        #[graphql(
            default_with = "EvidenceRole::ObservedIn",
            desc = "OBSERVED_IN (the default) when the sheet shows the lesson, CONTRADICTED_BY when it contradicts it."
        )]
        role: EvidenceRole,
        #[graphql(default, desc = "What the sheet shows about the lesson (at most 10,000 characters).")] note: String,
    ) -> async_graphql::Result<LessonNode> {
        let sheet = decode::<SheetId>("sheet", &sheet)?;
        update::<LessonFields>(ctx, &lesson, version, move |draft| {
            let link = EvidenceLinkDraft { sheet, role, note };
            match draft.evidence_links.iter_mut().find(|existing| existing.sheet == sheet) {
                Some(existing) => *existing = link,
                None => draft.evidence_links.push(link),
            }
            Ok(())
        })
        .await
        .map(LessonNode::from)
    }

    /// Removes the link between a lesson and a project sheet (same rights as `updateLesson`).
    async fn unlink_lesson_from_sheet(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lesson's global id; one the caller may not see is NOT_FOUND.")] lesson: ID,
        #[graphql(desc = "The lesson's version, as read; if it changed since, CONFLICT.")] version: i32,
        #[graphql(desc = "The project sheet to unlink; INVALID_INPUT when the lesson is not linked to it.")] sheet: ID,
    ) -> async_graphql::Result<LessonNode> {
        let sheet = decode::<SheetId>("sheet", &sheet)?;
        update::<LessonFields>(ctx, &lesson, version, move |draft| {
            let before = draft.evidence_links.len();
            draft.evidence_links.retain(|link| link.sheet != sheet);
            if draft.evidence_links.len() == before {
                return Err(vec![FieldProblem {
                    field: "sheet".into(),
                    problem: "the lesson is not linked to this sheet".into(),
                }]);
            }
            Ok(())
        })
        .await
        .map(LessonNode::from)
    }

    /// Moves any record through the publication workflow (DRAFT → SUBMITTED → PUBLISHED → ARCHIVED;
    /// back to DRAFT with a reason). Administrators move any record and reviewers those of their
    /// programme; contributors submit, withdraw and archive the drafts of their organisation.
    async fn set_publication_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's global id, of any kind; one the caller may not see is NOT_FOUND.")] id: ID,
        #[graphql(desc = "The version the caller read; if the record changed since, CONFLICT.")] version: i32,
        #[graphql(
            desc = "The status to move to. A move the workflow does not allow (DRAFT to PUBLISHED, say) is INVALID_INPUT."
        )]
        status: PublicationStatus,
        #[graphql(
            desc = "Why: required to move a record back to DRAFT; kept in its revisions (at most 10,000 characters)."
        )]
        reason: Option<String>,
    ) -> async_graphql::Result<Node> {
        set_status(ctx, &id, version, status, reason.as_deref()).await
    }

    /// Archives any record: how records are deleted. Nothing is removed; the record leaves lists
    /// and can be restored by moving it back to DRAFT with a reason. Same rights as
    /// `setPublicationStatus` (contributors archive only drafts).
    async fn archive(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's global id, of any kind; one the caller may not see is NOT_FOUND.")] id: ID,
        #[graphql(desc = "The version the caller read; if the record changed since, CONFLICT.")] version: i32,
        #[graphql(desc = "Why, kept in the record's revisions (at most 10,000 characters).")] reason: Option<String>,
    ) -> async_graphql::Result<Node> {
        set_status(ctx, &id, version, PublicationStatus::Archived, reason.as_deref()).await
    }
}
