//! The GraphQL object types: one wrapper per record kind (its fields, its relations in both
//! directions through the request's batch loader, its revision history) and the values a sheet owns.
//!
//! This module holds the `Node` interface and the record wrappers it unites, the `record_object!`
//! macro that writes the fields every record has, the revision type and the relation helpers the
//! kinds share; `records` holds the organisation, territory and programme objects, `sheet` the
//! project sheet and the values it owns, `lesson` the lesson and its evidence links.

use async_graphql::{Context, ID, Interface, Object};
use chrono::{DateTime, Utc};

use super::loaders::{self, history};
use crate::app::{Reverse, Revision};
use crate::domain::*;

// The `#[Object(…)]` attribute is written where the macro is invoked and passed in whole (`$hash
// $object`): the identifiers it generates (`child_complexity`) then share the hygiene of the body's
// `#[graphql(complexity = "…")]` expressions, which can use them.
//
// The record objects are written in the child modules, so the macro is defined before their `mod`
// lines (a `macro_rules!` macro is in scope only after its definition), and the names its body uses
// (`ID`, `ids`, `loaders`, `revisions`, `OrganisationNode`…) resolve where it is invoked: each child
// imports them.
macro_rules! record_object {
    ($hash:tt $object:tt $node:ident, $kind:expr, $(#[doc = $doc:literal])* { $($body:tt)* }) => {
        $(#[doc = $doc])*
        $hash $object
        impl $node {
            /// The record's global id.
            pub(super) async fn id(&self) -> ID {
                ids::encode(self.0.id)
            }
            /// A stable, readable key, unique among records of its kind: 1 to 80 lower-case letters
            /// a-z, digits and single hyphens.
            pub(super) async fn slug(&self, ctx: &Context<'_>) -> async_graphql::Result<&str> {
                self.0.card_or(ctx, |card| card.slug.as_str(), |record| record.fields.slug.as_str()).await
            }
            /// Where the record stands in the publication workflow. Everyone sees PUBLISHED records;
            /// other statuses are seen by administrators and by the contributors and reviewers whose
            /// scope holds the record.
            pub(super) async fn publication_status(&self, ctx: &Context<'_>) -> async_graphql::Result<PublicationStatus> {
                self.0.card_or(ctx, |card| card.publication_status, |record| record.meta.publication_status).await
            }
            /// Grows by one with every change; updates must name the version they read.
            pub(super) async fn version(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
                self.0.card_or(ctx, |card| card.version, |record| record.meta.version).await
            }
            /// When the record was created.
            pub(super) async fn created_at(&self, ctx: &Context<'_>) -> async_graphql::Result<DateTime<Utc>> {
                let record = self.0.get(ctx).await?;
                Ok(record.meta.created_at)
            }
            /// When the record last changed (its fields or its publication status).
            pub(super) async fn updated_at(&self, ctx: &Context<'_>) -> async_graphql::Result<DateTime<Utc>> {
                self.0.card_or(ctx, |card| card.updated_at, |record| record.meta.updated_at).await
            }
            /// The organisation whose contributors may edit the record (the one that created it), when
            /// the caller may see it.
            pub(super) async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<OrganisationNode>> {
                let record = self.0.get(ctx).await?;
                match record.meta.owner {
                    Some(owner) => Ok(loaders::one(ctx, owner).await?.map(OrganisationNode::from)),
                    None => Ok(None),
                }
            }
            /// Every state the record has had, oldest first, with author and reason: for
            /// administrators, and for contributors and reviewers on the records of their scope;
            /// empty for others (past versions hold drafts).
            pub(super) async fn revisions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<RevisionNode>> {
                revisions(ctx, $kind, self.0.id.get()).await
            }
            $($body)*
        }
    };
}

mod lesson;
mod records;
mod sheet;

// The common fields are `pub(super)`: the `Node` interface below calls them on each record type.

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

/// Each record type becomes its node.
macro_rules! node_from {
    ($($record:ident => $variant:ident($node:ident)),*) => {$(
        impl From<$record> for Node {
            fn from(record: $record) -> Self {
                Node::$variant($node::from(record))
            }
        }
    )*};
}
node_from!(
    Organisation => Organisation(OrganisationNode),
    Territory => Territory(TerritoryNode),
    Programme => Programme(ProgrammeNode),
    Sheet => ProjectSheet(SheetNode),
    Lesson => Lesson(LessonNode)
);

pub struct OrganisationNode(pub(crate) Held<OrganisationId, OrganisationFields>);
pub struct TerritoryNode(pub(crate) Held<TerritoryId, TerritoryFields>);
pub struct ProgrammeNode(pub(crate) Held<ProgrammeId, ProgrammeFields>);
pub struct SheetNode(pub(crate) Held<SheetId, SheetFields>);
pub struct LessonNode(pub(crate) Held<LessonId, LessonFields>);

/// A record as its node holds it: whole, or first as the card its search hit carries (what the
/// index stores of it: slug, title, summary, version, at the version the index holds). A field the
/// card does not hold reads the whole record from the database, once per node, through the
/// request's batch loader (one statement per kind for every hit of a page): a page of hits that
/// asks only for what its cards hold costs no database statement.
pub struct Held<I, F> {
    pub(crate) id: I,
    card: Option<Box<crate::app::Card>>,
    whole: std::sync::OnceLock<Record<I, F>>,
}

impl<I: RecordId, F> Held<I, F>
where
    loaders::Batch:
        async_graphql::dataloader::Loader<I, Value = Record<I, F>, Error = std::sync::Arc<crate::error::Error>>,
{
    /// A record read whole.
    pub(crate) fn whole(record: Record<I, F>) -> Self {
        Self { id: record.id, card: None, whole: std::sync::OnceLock::from(record) }
    }

    /// A record known by its search card.
    pub(crate) fn carded(id: I, card: crate::app::Card) -> Self {
        Self { id, card: Some(Box::new(card)), whole: std::sync::OnceLock::new() }
    }

    /// A field a search card holds: from the card when the node has one, else from the whole record.
    pub(crate) async fn card_or<'a, T>(
        &'a self,
        ctx: &Context<'_>,
        from_card: impl FnOnce(&'a crate::app::Card) -> T,
        from_record: impl FnOnce(&'a Record<I, F>) -> T,
    ) -> async_graphql::Result<T> {
        match self.card.as_deref() {
            Some(card) => Ok(from_card(card)),
            None => Ok(from_record(self.get(ctx).await?)),
        }
    }

    /// The whole record, read the first time a field beyond the card is asked. A record gone from
    /// the database (or from the caller's sight) since it was indexed is NOT_FOUND.
    pub(crate) async fn get(&self, ctx: &Context<'_>) -> async_graphql::Result<&Record<I, F>> {
        if let Some(record) = self.whole.get() {
            return Ok(record);
        }
        let record = loaders::one(ctx, self.id).await?.ok_or_else(|| {
            super::error::to_graphql(&crate::error::Error::NotFound(format!(
                "{} {}: no longer published",
                I::KIND.as_str(),
                self.id.get()
            )))
        })?;
        Ok(self.whole.get_or_init(|| record))
    }
}

/// Each record becomes its node, held whole.
macro_rules! node_of_record {
    ($($record:ident => $node:ident),*) => {$(
        impl From<$record> for $node {
            fn from(record: $record) -> Self {
                $node(Held::whole(record))
            }
        }
    )*};
}
node_of_record!(
    Organisation => OrganisationNode,
    Territory => TerritoryNode,
    Programme => ProgrammeNode,
    Sheet => SheetNode,
    Lesson => LessonNode
);

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

async fn organisation(
    ctx: &Context<'_>,
    id: Option<OrganisationId>,
) -> async_graphql::Result<Option<OrganisationNode>> {
    match id {
        None => Ok(None),
        Some(id) => Ok(loaders::one(ctx, id).await?.map(OrganisationNode::from)),
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
    Ok(loaders::related::<SheetId>(ctx, relation, id, limit).await?.into_iter().map(SheetNode::from).collect())
}

async fn programmes(
    ctx: &Context<'_>,
    relation: Reverse,
    id: i64,
    limit: usize,
) -> async_graphql::Result<Vec<ProgrammeNode>> {
    Ok(loaders::related::<ProgrammeId>(ctx, relation, id, limit).await?.into_iter().map(ProgrammeNode::from).collect())
}
