//! Live updates over graphql-ws: `recordChanged` notifies a dashboard when a record behind its
//! figures changes. It follows the change log (the same one the search index follows), and a
//! notification comes once the change is searchable, so a dashboard that refreshes on it reads the
//! new figures. Each connection acts as the caller that opened it (its `Authorization` header, or
//! an `Authorization` entry in the `connection_init` payload) and sees only what that caller may.

use async_graphql::{Context, Data, Enum, ID, Object, Subscription};
use chrono::{DateTime, Utc};
use futures::{Stream, StreamExt};

use super::error::GqlResult;
use super::loaders::Batch;
use super::query::find_node;
use super::types::Node;
use crate::app::{App, ChangeAction, ChangeEvent};
use crate::domain::*;

/// The kinds of records.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    Organisation,
    Territory,
    Programme,
    Sheet,
    Lesson,
}

impl From<RecordKind> for Kind {
    fn from(kind: RecordKind) -> Self {
        match kind {
            RecordKind::Organisation => Kind::Organisation,
            RecordKind::Territory => Kind::Territory,
            RecordKind::Programme => Kind::Programme,
            RecordKind::Sheet => Kind::Sheet,
            RecordKind::Lesson => Kind::Lesson,
        }
    }
}

fn kind_of(kind: Kind) -> RecordKind {
    match kind {
        Kind::Organisation => RecordKind::Organisation,
        Kind::Territory => RecordKind::Territory,
        Kind::Programme => RecordKind::Programme,
        Kind::Sheet => RecordKind::Sheet,
        Kind::Lesson => RecordKind::Lesson,
    }
}

/// What happened to a record.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum RecordAction {
    Created,
    Updated,
    StatusChanged,
    Archived,
}

/// One change of a record.
pub struct RecordChange(ChangeEvent);

#[Object]
impl RecordChange {
    /// The change's place in the log (a decimal number that only grows).
    async fn sequence(&self) -> String {
        self.0.sequence.to_string()
    }
    async fn kind(&self) -> RecordKind {
        kind_of(self.0.kind)
    }
    async fn action(&self) -> RecordAction {
        match self.0.action {
            ChangeAction::Created => RecordAction::Created,
            ChangeAction::Updated => RecordAction::Updated,
            ChangeAction::StatusChanged => RecordAction::StatusChanged,
            ChangeAction::Archived => RecordAction::Archived,
        }
    }
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// The record's global id; none when the change took the record out of the caller's sight.
    async fn id(&self) -> Option<ID> {
        self.0.record.map(|id| match self.0.kind {
            Kind::Organisation => super::ids::encode(OrganisationId(id)),
            Kind::Territory => super::ids::encode(TerritoryId(id)),
            Kind::Programme => super::ids::encode(ProgrammeId(id)),
            Kind::Sheet => super::ids::encode(SheetId(id)),
            Kind::Lesson => super::ids::encode(LessonId(id)),
        })
    }
    /// The record as it is now; none when the caller may no longer see it.
    async fn node(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Node>> {
        match self.0.record {
            Some(id) => find_node(ctx, self.0.kind, id).await,
            None => Ok(None),
        }
    }
}

/// The WebSocket subprotocols subscriptions speak (graphql-ws, and subscriptions-transport-ws).
pub const PROTOCOLS: [&str; 2] = async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;

#[derive(Default)]
pub struct SubscriptionRoot;

#[Subscription]
impl SubscriptionRoot {
    /// Notifies each change of a record of these kinds (all when none), once it is searchable.
    async fn record_changed(
        &self,
        ctx: &Context<'_>,
        kinds: Option<Vec<RecordKind>>,
    ) -> async_graphql::Result<impl Stream<Item = RecordChange>> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?.clone();
        let kinds = kinds.unwrap_or_default().into_iter().map(Kind::from).collect();
        Ok(app.change_feed(viewer, kinds).gql()?.map(RecordChange))
    }
}

/// Returns the data of a subscription connection: the caller (the upgrade request's, or the one an
/// `Authorization: Bearer …` entry of the `connection_init` payload names) and its batch loader.
pub async fn connection_data(app: App, viewer: Viewer, payload: serde_json::Value) -> async_graphql::Result<Data> {
    let authorization = payload
        .as_object()
        .and_then(|entries| entries.iter().find(|(key, _)| key.eq_ignore_ascii_case("authorization")))
        .map(|(_, value)| value.as_str().unwrap_or_default().to_owned());
    let viewer = match authorization {
        None => viewer,
        Some(value) => {
            let secret = bearer_secret(&value).map_err(async_graphql::Error::new)?;
            app.authenticate(secret)
                .await
                .gql()?
                .ok_or_else(|| async_graphql::Error::new("the API token is unknown or revoked"))?
        }
    };
    let mut data = Data::default();
    data.insert(Batch::for_connection(app, viewer.clone()));
    data.insert(viewer);
    Ok(data)
}
