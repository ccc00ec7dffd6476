//! The query root: lookups by global id or slug, a connection per collection, and the vocabularies.

use async_graphql::{Context, ID, Object};

use super::connection::{Connection, Slice, connection};
use super::error::GqlResult;
use super::ids;
use super::inputs::*;
use super::loaders;
use super::types::*;
use super::vocab::{VocabularyList, all_vocabularies};
use crate::app::App;
use crate::app::StoredKind;
use crate::domain::*;
use crate::error::Error;

#[derive(Default)]
pub struct Query;

fn viewer<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Viewer> {
    ctx.data::<Viewer>()
}

/// Fetches any record by global id, as a `Node`, through the request's batch loader; `None` when it
/// does not exist or the caller may not see it.
pub async fn find_node(ctx: &Context<'_>, kind: Kind, raw: i64) -> async_graphql::Result<Option<Node>> {
    Ok(crate::domain::with_kind!(kind, |F, I| loaders::one(ctx, <I as RecordId>::new(raw)).await?.map(Node::from)))
}

/// Fetches any record by global id, or NOT_FOUND (also for records the caller may not see).
pub async fn node_by_id(ctx: &Context<'_>, id: &ID) -> async_graphql::Result<Node> {
    let (kind, raw) = ids::decode_any(id).map_err(|problem| Error::invalid("id", problem)).gql()?;
    find_node(ctx, kind, raw)
        .await?
        .ok_or_else(|| Error::NotFound(format!("{} {}", ids::type_name(kind), id.as_str())))
        .gql()
}

/// Looks a record up by id or by slug (exactly one of them).
async fn lookup<K: StoredKind>(
    ctx: &Context<'_>,
    id: Option<ID>,
    slug: Option<String>,
) -> async_graphql::Result<Record<K::Id, K>> {
    let app = ctx.data::<App>()?;
    let viewer = viewer(ctx)?;
    let id = match (id, slug) {
        (Some(id), None) => ids::decode::<K::Id>(&id).map_err(|problem| Error::invalid("id", problem)).gql()?,
        (None, Some(slug)) => app
            .id_by_slug::<K>(viewer, &slug)
            .await
            .gql()?
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "{} with slug `{}`",
                    K::KIND.as_str(),
                    slug.chars().take(80).collect::<String>()
                ))
            })
            .gql()?,
        _ => {
            return Err(Error::invalid("id", "give either `id` or `slug`, not both nor neither")).gql();
        }
    };
    app.get::<K>(viewer, id).await.gql()
}

fn domain_filter<F>(result: Result<F, Vec<FieldProblem>>) -> async_graphql::Result<F> {
    result.map_err(Error::InvalidInput).gql()
}

#[Object(name = "RecordQuery")]
impl Query {
    /// Fetches any record by its global id. Unknown ids, and records the caller may not see, are NOT_FOUND.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global id, as a record's `id` gives it.")] id: ID,
    ) -> async_graphql::Result<Node> {
        node_by_id(ctx, &id).await
    }

    /// Fetches records by global id, in order; an unknown or invisible id gives `null` at its place.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Up to 100 global ids; a malformed one is INVALID_INPUT.")] ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > MAX_PAGE_SIZE {
            return Err(Error::invalid("ids", format!("{} ids given, at most {MAX_PAGE_SIZE} are allowed", ids.len())))
                .gql();
        }
        let mut keys = Vec::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            keys.push(ids::decode_any(id).map_err(|problem| Error::invalid(format!("ids[{i}]"), problem)).gql()?);
        }
        // Awaited together, the lookups share the batch loader: one statement per kind.
        let found = futures::future::join_all(keys.into_iter().map(|(kind, raw)| find_node(ctx, kind, raw))).await;
        found.into_iter().collect()
    }

    /// An organisation, by id or slug. Unknown ones, and those the caller may not see, are NOT_FOUND.
    async fn organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation's global id; give `id` or `slug`, not both.")] id: Option<ID>,
        #[graphql(desc = "The organisation's slug; give `id` or `slug`, not both.")] slug: Option<String>,
    ) -> async_graphql::Result<OrganisationNode> {
        lookup::<OrganisationFields>(ctx, id, slug).await.map(OrganisationNode::from)
    }

    /// A territory, by id or slug. Unknown ones, and those the caller may not see, are NOT_FOUND.
    async fn territory(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The territory's global id; give `id` or `slug`, not both.")] id: Option<ID>,
        #[graphql(desc = "The territory's slug; give `id` or `slug`, not both.")] slug: Option<String>,
    ) -> async_graphql::Result<TerritoryNode> {
        lookup::<TerritoryFields>(ctx, id, slug).await.map(TerritoryNode::from)
    }

    /// A programme, by id or slug. Unknown ones, and those the caller may not see, are NOT_FOUND.
    async fn programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The programme's global id; give `id` or `slug`, not both.")] id: Option<ID>,
        #[graphql(desc = "The programme's slug; give `id` or `slug`, not both.")] slug: Option<String>,
    ) -> async_graphql::Result<ProgrammeNode> {
        lookup::<ProgrammeFields>(ctx, id, slug).await.map(ProgrammeNode::from)
    }

    /// A project sheet, by id or slug. Unknown ones, and those the caller may not see, are NOT_FOUND.
    async fn sheet(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The sheet's global id; give `id` or `slug`, not both.")] id: Option<ID>,
        #[graphql(desc = "The sheet's slug; give `id` or `slug`, not both.")] slug: Option<String>,
    ) -> async_graphql::Result<SheetNode> {
        lookup::<SheetFields>(ctx, id, slug).await.map(SheetNode::from)
    }

    /// A lesson, by id or slug. Unknown ones, and those the caller may not see, are NOT_FOUND.
    async fn lesson(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lesson's global id; give `id` or `slug`, not both.")] id: Option<ID>,
        #[graphql(desc = "The lesson's slug; give `id` or `slug`, not both.")] slug: Option<String>,
    ) -> async_graphql::Result<LessonNode> {
        lookup::<LessonFields>(ctx, id, slug).await.map(LessonNode::from)
    }

    /// Organisations, filtered and sorted; 20 per page unless `first` or `last` says otherwise (at most 100).
    #[expect(
        clippy::too_many_arguments,
        reason = "a connection field takes a filter, a sort and the four Relay arguments"
    )]
    #[graphql(complexity = "super::limits::page(first, last, child_complexity)")]
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which records to list; without `publicationStatuses`, every status but ARCHIVED. Only records the caller may see are listed."
        )]
        filter: Option<OrganisationFilterInput>,
        #[graphql(default, desc = "The order; most recently updated first by default.")] sort: SortInput,
        #[graphql(
            desc = "How many records to return, 0 to 100, going forward (after `after`, if given); 20 when neither `first` nor `last` is given. Not with `last`."
        )]
        first: Option<i32>,
        #[graphql(desc = "A cursor (an edge's or `pageInfo.endCursor`): records after it.")] after: Option<String>,
        #[graphql(
            desc = "How many records to return, 0 to 100, going backward (before `before`, if given). Not with `first`."
        )]
        last: Option<i32>,
        #[graphql(desc = "A cursor (an edge's or `pageInfo.startCursor`): records before it.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<OrganisationFields>> {
        let filter = domain_filter(filter.unwrap_or_default().into_domain())?;
        connection(ctx, filter.publication_statuses.clone(), filter, sort.into(), Slice { first, after, last, before })
            .await
    }

    /// Territories, filtered and sorted; 20 per page unless `first` or `last` says otherwise (at most 100).
    #[expect(
        clippy::too_many_arguments,
        reason = "a connection field takes a filter, a sort and the four Relay arguments"
    )]
    #[graphql(complexity = "super::limits::page(first, last, child_complexity)")]
    async fn territories(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which records to list; without `publicationStatuses`, every status but ARCHIVED. Only records the caller may see are listed."
        )]
        filter: Option<TerritoryFilterInput>,
        #[graphql(default, desc = "The order; most recently updated first by default.")] sort: SortInput,
        #[graphql(
            desc = "How many records to return, 0 to 100, going forward (after `after`, if given); 20 when neither `first` nor `last` is given. Not with `last`."
        )]
        first: Option<i32>,
        #[graphql(desc = "A cursor (an edge's or `pageInfo.endCursor`): records after it.")] after: Option<String>,
        #[graphql(
            desc = "How many records to return, 0 to 100, going backward (before `before`, if given). Not with `first`."
        )]
        last: Option<i32>,
        #[graphql(desc = "A cursor (an edge's or `pageInfo.startCursor`): records before it.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<TerritoryFields>> {
        let filter = domain_filter(filter.unwrap_or_default().into_domain())?;
        connection(ctx, filter.publication_statuses.clone(), filter, sort.into(), Slice { first, after, last, before })
            .await
    }

    /// Programmes, filtered and sorted; 20 per page unless `first` or `last` says otherwise (at most 100).
    #[expect(
        clippy::too_many_arguments,
        reason = "a connection field takes a filter, a sort and the four Relay arguments"
    )]
    #[graphql(complexity = "super::limits::page(first, last, child_complexity)")]
    async fn programmes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which records to list; without `publicationStatuses`, every status but ARCHIVED. Only records the caller may see are listed."
        )]
        filter: Option<ProgrammeFilterInput>,
        #[graphql(default, desc = "The order; most recently updated first by default.")] sort: SortInput,
        #[graphql(
            desc = "How many records to return, 0 to 100, going forward (after `after`, if given); 20 when neither `first` nor `last` is given. Not with `last`."
        )]
        first: Option<i32>,
        #[graphql(desc = "A cursor (an edge's or `pageInfo.endCursor`): records after it.")] after: Option<String>,
        #[graphql(
            desc = "How many records to return, 0 to 100, going backward (before `before`, if given). Not with `first`."
        )]
        last: Option<i32>,
        #[graphql(desc = "A cursor (an edge's or `pageInfo.startCursor`): records before it.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<ProgrammeFields>> {
        let filter = domain_filter(filter.unwrap_or_default().into_domain())?;
        connection(ctx, filter.publication_statuses.clone(), filter, sort.into(), Slice { first, after, last, before })
            .await
    }

    /// Project sheets (fiches-projet), filtered and sorted; 20 per page unless `first` or `last` says
    /// otherwise (at most 100).
    #[expect(
        clippy::too_many_arguments,
        reason = "a connection field takes a filter, a sort and the four Relay arguments"
    )]
    #[graphql(complexity = "super::limits::page(first, last, child_complexity)")]
    async fn sheets(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which records to list; without `publicationStatuses`, every status but ARCHIVED. Only records the caller may see are listed."
        )]
        filter: Option<SheetFilterInput>,
        #[graphql(default, desc = "The order; most recently updated first by default.")] sort: SortInput,
        #[graphql(
            desc = "How many records to return, 0 to 100, going forward (after `after`, if given); 20 when neither `first` nor `last` is given. Not with `last`."
        )]
        first: Option<i32>,
        #[graphql(desc = "A cursor (an edge's or `pageInfo.endCursor`): records after it.")] after: Option<String>,
        #[graphql(
            desc = "How many records to return, 0 to 100, going backward (before `before`, if given). Not with `first`."
        )]
        last: Option<i32>,
        #[graphql(desc = "A cursor (an edge's or `pageInfo.startCursor`): records before it.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<SheetFields>> {
        let filter = domain_filter(filter.unwrap_or_default().into_domain())?;
        connection(ctx, filter.publication_statuses.clone(), filter, sort.into(), Slice { first, after, last, before })
            .await
    }

    /// Lessons (success factors, pitfalls, failure factors), filtered and sorted; 20 per page unless
    /// `first` or `last` says otherwise (at most 100).
    #[expect(
        clippy::too_many_arguments,
        reason = "a connection field takes a filter, a sort and the four Relay arguments"
    )]
    #[graphql(complexity = "super::limits::page(first, last, child_complexity)")]
    async fn lessons(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which records to list; without `publicationStatuses`, every status but ARCHIVED. Only records the caller may see are listed."
        )]
        filter: Option<LessonFilterInput>,
        #[graphql(default, desc = "The order; most recently updated first by default.")] sort: SortInput,
        #[graphql(
            desc = "How many records to return, 0 to 100, going forward (after `after`, if given); 20 when neither `first` nor `last` is given. Not with `last`."
        )]
        first: Option<i32>,
        #[graphql(desc = "A cursor (an edge's or `pageInfo.endCursor`): records after it.")] after: Option<String>,
        #[graphql(
            desc = "How many records to return, 0 to 100, going backward (before `before`, if given). Not with `first`."
        )]
        last: Option<i32>,
        #[graphql(desc = "A cursor (an edge's or `pageInfo.startCursor`): records before it.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<LessonFields>> {
        let filter = domain_filter(filter.unwrap_or_default().into_domain())?;
        connection(ctx, filter.publication_statuses.clone(), filter, sort.into(), Slice { first, after, last, before })
            .await
    }

    /// Every controlled vocabulary with the French label of each value.
    async fn vocabularies(&self) -> Vec<VocabularyList> {
        all_vocabularies()
    }
}
