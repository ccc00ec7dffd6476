//! Who is calling (`viewer`), the API tokens administrators manage (`apiTokens`, `createApiToken`,
//! `revokeApiToken`) and people's accounts (`people`, `invitePerson`, `issuePasswordReset`,
//! `disablePerson`). A token's secret appears once, in `createApiToken`'s answer; a one-time link
//! once, in the answer that issues it.

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

/// The organisation and programme of a token or an invitation, from their global ids.
fn scope(
    organisation: Option<&ID>,
    programme: Option<&ID>,
) -> Result<(Option<OrganisationId>, Option<ProgrammeId>), Error> {
    let mut problems = Problems::default();
    let organisation = ids::decode_opt::<OrganisationId>(&mut problems, "organisation", organisation);
    let programme = ids::decode_opt::<ProgrammeId>(&mut problems, "programme", programme);
    problems.into_result().map_err(Error::InvalidInput)?;
    Ok((organisation, programme))
}

fn person_id(id: i64) -> ID {
    ids::encode_other("Person", id)
}

fn decode_person_id(id: &ID) -> Result<i64, Error> {
    ids::decode_other("Person", id).map_err(|problem| Error::invalid("person", problem))
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

    /// The account of a person signed in (with the page's session), or null for a program's token
    /// and for anonymous callers.
    async fn person(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<PersonNode>> {
        let app = ctx.data::<App>()?;
        Ok(app.person_of(&self.0).await.gql()?.map(PersonNode))
    }

    /// Whether the caller may invite people (administrators; reviewers, for their programme).
    async fn may_invite(&self) -> bool {
        self.0.may_invite(Role::Reviewer, true).is_ok()
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

/// A person's account: who signs in with which address, with which role and scope.
pub struct PersonNode(Person);

/// A person's account (never its password): the address it signs in with, its role and scope, and
/// whether it is disabled.
#[Object(name = "Person")]
impl PersonNode {
    /// The account's global id, as `issuePasswordReset` and `disablePerson` take it.
    async fn id(&self) -> ID {
        person_id(self.0.id)
    }

    /// The address the person signs in with, in lower case.
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// The person's name, recorded as the author of their changes.
    async fn name(&self) -> Option<&str> {
        self.0.token.name.as_deref()
    }

    /// The role the person acts with.
    async fn role(&self) -> Role {
        self.0.token.role
    }

    /// The organisation a contributor writes for.
    async fn organisation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<OrganisationNode>> {
        organisation(ctx, self.0.token.organisation).await
    }

    /// The programme a reviewer reviews.
    async fn programme(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ProgrammeNode>> {
        programme(ctx, self.0.token.programme).await
    }

    /// When the account was created (its invitation accepted).
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the person last signed in.
    async fn last_signed_in_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_signed_in_at
    }

    /// Until when sign-ins are refused after too many failed ones, if the account is locked.
    async fn locked_until(&self) -> Option<DateTime<Utc>> {
        self.0.locked_until.filter(|until| *until > Utc::now())
    }

    /// When the account was disabled; it cannot sign in since.
    async fn disabled_at(&self) -> Option<DateTime<Utc>> {
        self.0.disabled_at()
    }
}

/// What a one-time link is for.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "LinkPurpose")]
pub enum LinkPurposeValue {
    /// Creates an account with the invitation's role and scope.
    Invitation,
    /// Replaces the password of an existing account.
    PasswordReset,
}

/// A one-time link just issued (an invitation, a password reset).
#[derive(SimpleObject)]
pub struct IssuedLinkNode {
    /// What the link is for.
    pub purpose: LinkPurposeValue,
    /// The address it is for.
    pub email: String,
    /// The role the account has (or will have).
    pub role: Role,
    /// The page's address that uses the link, to hand over to the person (absolute when the server's
    /// public address is configured, else a path starting with `/invitation#`). Shown this once:
    /// only its digest is stored. It works once, until `expiresAt`.
    pub url: String,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
    /// Whether the link was also sent by e-mail (an SMTP server is configured and took it).
    pub emailed: bool,
}

impl From<crate::app::IssuedLink> for IssuedLinkNode {
    fn from(issued: crate::app::IssuedLink) -> Self {
        Self {
            purpose: match issued.link.purpose {
                LinkPurpose::Invitation => LinkPurposeValue::Invitation,
                LinkPurpose::PasswordReset => LinkPurposeValue::PasswordReset,
            },
            email: issued.link.email,
            role: issued.link.role,
            url: issued.url,
            expires_at: issued.link.expires_at,
            emailed: issued.emailed,
        }
    }
}

/// Whom to invite, with which role and scope.
#[derive(InputObject)]
pub struct InvitationInput {
    /// The address the person will sign in with (and where the link is sent, if e-mail is configured).
    pub email: String,
    /// The person's name, proposed on the page where they choose their password (they may change it).
    pub name: Option<String>,
    /// The role of the account. CONTRIBUTOR needs `organisation`, REVIEWER needs `programme`; READER
    /// and ADMIN take neither. A reviewer invites reviewers of its own programme only.
    pub role: Role,
    /// The organisation a CONTRIBUTOR writes for (required for that role).
    pub organisation: Option<ID>,
    /// The programme a REVIEWER reviews (required for that role).
    pub programme: Option<ID>,
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

    /// Every person's account, disabled ones included (administrators only).
    async fn people(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PersonNode>> {
        let (app, viewer) = (ctx.data::<App>()?, ctx.data::<Viewer>()?);
        Ok(app.people(viewer).await.gql()?.into_iter().map(PersonNode).collect())
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
        let (organisation, programme) = scope(input.organisation.as_ref(), input.programme.as_ref()).gql()?;
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

    /// Invites a person (administrators; a reviewer invites reviewers of its programme): returns a
    /// one-time link, valid 7 days, that creates the account with this role and scope. The link is
    /// also sent by e-mail when the server has an SMTP server.
    async fn invite_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Whom to invite, with which role and scope.")] input: InvitationInput,
    ) -> async_graphql::Result<IssuedLinkNode> {
        let (app, viewer) = (ctx.data::<App>()?, ctx.data::<Viewer>()?);
        let (organisation, programme) = scope(input.organisation.as_ref(), input.programme.as_ref()).gql()?;
        let new = NewInvitation::parse(&input.email, input.name.as_deref(), input.role, organisation, programme)
            .map_err(Error::InvalidInput)
            .gql()?;
        Ok(app.invite(viewer, new).await.gql()?.into())
    }

    /// Issues a password reset link for a person's account (administrators only): valid 24 hours,
    /// once; using it ends the person's sessions.
    async fn issue_password_reset(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's id (`Person.id`).")] person: ID,
    ) -> async_graphql::Result<IssuedLinkNode> {
        let (app, viewer) = (ctx.data::<App>()?, ctx.data::<Viewer>()?);
        let person = decode_person_id(&person).gql()?;
        Ok(app.issue_password_reset(viewer, person).await.gql()?.into())
    }

    /// Disables a person's account (administrators only): its sessions end and it cannot sign in; the
    /// account stays, as the author of its changes.
    async fn disable_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's id (`Person.id`); not the caller's own.")] person: ID,
    ) -> async_graphql::Result<PersonNode> {
        let (app, viewer) = (ctx.data::<App>()?, ctx.data::<Viewer>()?);
        let person = decode_person_id(&person).gql()?;
        Ok(PersonNode(app.disable_person(viewer, person).await.gql()?))
    }
}
