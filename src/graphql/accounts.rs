//! Who is calling (`viewer`) and the API tokens administrators manage (`apiTokens`,
//! `createApiToken`, `revokeApiToken`). A token's secret appears once, in `createApiToken`'s answer.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::error::GqlResult;
use super::ids;
use super::loaders;
use super::types::{OrganisationNode, ProgrammeNode};
use crate::app::App;
use crate::domain::*;
use crate::error::Error;

fn token_id(id: i64) -> ID {
    ids::encode_other("ApiToken", id)
}

fn decode_token_id(id: &ID) -> Result<i64, Error> {
    ids::decode_other("ApiToken", id).map_err(|problem| Error::invalid("id", problem))
}

async fn organisation(
    ctx: &Context<'_>,
    id: Option<OrganisationId>,
) -> async_graphql::Result<Option<OrganisationNode>> {
    match id {
        Some(id) => Ok(loaders::one(ctx, id).await?.map(OrganisationNode::from)),
        None => Ok(None),
    }
}

async fn programme(ctx: &Context<'_>, id: Option<ProgrammeId>) -> async_graphql::Result<Option<ProgrammeNode>> {
    match id {
        Some(id) => Ok(loaders::one(ctx, id).await?.map(ProgrammeNode::from)),
        None => Ok(None),
    }
}

/// The caller, as the server sees it: anonymous, or the holder of an API token.
pub struct ViewerNode(Viewer);

/// The caller, as the server sees it: anonymous, or the holder of an API token, with its role and scope.
#[Object(name = "Viewer")]
impl ViewerNode {
    /// Whether the request carried a valid API token.
    async fn authenticated(&self) -> bool {
        matches!(self.0, Viewer::Account(_))
    }

    /// The role the caller acts with (READER when anonymous).
    async fn role(&self) -> Role {
        self.0.role()
    }

    /// The name recorded as the author of the caller's changes.
    async fn name(&self) -> String {
        self.0.author()
    }

    /// The organisation the caller writes for (its drafts belong to it), if any.
    async fn organisation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<OrganisationNode>> {
        let id = match &self.0 {
            Viewer::Account(account) => account.organisation,
            _ => None,
        };
        organisation(ctx, id).await
    }

    /// The programme the caller reviews, if any.
    async fn programme(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ProgrammeNode>> {
        let id = match &self.0 {
            Viewer::Account(account) => account.programme,
            _ => None,
        };
        programme(ctx, id).await
    }

    /// Whether the caller may create records (as drafts).
    async fn may_create(&self) -> bool {
        self.0.may_create().is_ok()
    }

    /// Whether the caller may manage API tokens and the glossary.
    async fn may_administer(&self) -> bool {
        self.0.may_administer().is_ok()
    }
}

/// An API token, without its secret.
pub struct ApiTokenNode(ApiToken);

/// An API token, without its secret: who holds it, the role and scope it gives, and whether it is revoked.
#[Object(name = "ApiToken")]
impl ApiTokenNode {
    /// The token's global id, as `revokeApiToken` takes it.
    async fn id(&self) -> ID {
        token_id(self.0.id)
    }

    /// The token's number, as `retex token list` shows it and `retex token revoke` takes it.
    async fn number(&self) -> String {
        self.0.id.to_string()
    }

    /// Who holds the token; recorded as the author of its changes.
    async fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }

    /// The role requests presenting the token act with.
    async fn role(&self) -> Role {
        self.0.role
    }

    /// The organisation a contributor writes for.
    async fn organisation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<OrganisationNode>> {
        organisation(ctx, self.0.organisation).await
    }

    /// The programme a reviewer reviews.
    async fn programme(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ProgrammeNode>> {
        programme(ctx, self.0.programme).await
    }

    /// Who created the token.
    async fn created_by(&self) -> &str {
        &self.0.created_by
    }

    /// When the token was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the token was revoked; requests presenting it are refused since.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }

    /// Whether the token is still accepted (not revoked).
    async fn active(&self) -> bool {
        self.0.revoked_at.is_none()
    }
}

/// A new token and its secret.
#[derive(SimpleObject)]
pub struct CreatedApiToken {
    /// The token just created.
    pub token: ApiTokenNode,
    /// The secret to send as `Authorization: Bearer <secret>`. Shown this once: only its digest is
    /// stored, so a lost secret means a new token.
    pub secret: String,
}

/// What a new token is for.
#[derive(InputObject)]
pub struct ApiTokenInput {
    /// The role the token gives. CONTRIBUTOR needs `organisation`, REVIEWER needs `programme`; READER and
    /// ADMIN take neither.
    pub role: Role,
    /// The organisation a CONTRIBUTOR writes for (required for that role).
    pub organisation: Option<ID>,
    /// The programme a REVIEWER reviews (required for that role); a reviewer may also name an organisation.
    pub programme: Option<ID>,
    /// Who holds the token (at most 200 characters); recorded as the author of its changes.
    pub name: Option<String>,
}

#[derive(Default)]
pub struct AccountsQuery;

#[Object]
impl AccountsQuery {
    /// Who the caller is: its role and scope.
    async fn viewer(&self, ctx: &Context<'_>) -> async_graphql::Result<ViewerNode> {
        Ok(ViewerNode(ctx.data::<Viewer>()?.clone()))
    }

    /// Every API token, revoked ones included (administrators only).
    async fn api_tokens(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApiTokenNode>> {
        let (app, viewer) = (ctx.data::<App>()?, ctx.data::<Viewer>()?);
        Ok(app.tokens(viewer).await.gql()?.into_iter().map(ApiTokenNode).collect())
    }
}

#[derive(Default)]
pub struct AccountsMutation;

#[Object]
impl AccountsMutation {
    /// Creates an API token (administrators only) and returns its secret, this once.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the token is for: its role, scope and holder.")] input: ApiTokenInput,
    ) -> async_graphql::Result<CreatedApiToken> {
        let (app, viewer) = (ctx.data::<App>()?, ctx.data::<Viewer>()?);
        let mut problems = Problems::default();
        let organisation =
            ids::decode_opt::<OrganisationId>(&mut problems, "organisation", input.organisation.as_ref());
        let programme = ids::decode_opt::<ProgrammeId>(&mut problems, "programme", input.programme.as_ref());
        problems.into_result().map_err(Error::InvalidInput).gql()?;
        let new = NewToken::parse(input.name.as_deref(), input.role, organisation, programme)
            .map_err(Error::InvalidInput)
            .gql()?;
        let (token, secret) = app.create_token(viewer, new).await.gql()?;
        Ok(CreatedApiToken { token: ApiTokenNode(token), secret })
    }

    /// Revokes an API token (administrators only): requests presenting it are refused at once.
    async fn revoke_api_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The token's id (`ApiToken.id`); the token the request itself presents cannot be revoked this way."
        )]
        id: ID,
    ) -> async_graphql::Result<ApiTokenNode> {
        let (app, viewer) = (ctx.data::<App>()?, ctx.data::<Viewer>()?);
        let id = decode_token_id(&id).gql()?;
        Ok(ApiTokenNode(app.revoke_token(viewer, id).await.gql()?))
    }
}
