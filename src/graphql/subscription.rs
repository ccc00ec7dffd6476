//! Live updates over graphql-ws: `recordChanged` notifies a dashboard when a record behind its
//! figures changes. It follows the change log (the same one the search index follows), and a
//! notification comes once the change is searchable, so a dashboard that refreshes on it reads the
//! new figures. Each connection acts as the caller that opened it (its `Authorization` header, or
//! an `Authorization` entry in the `connection_init` payload) and sees only what that caller may.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::{Context, Data, Enum, ID, Object, Subscription};
use chrono::{DateTime, Utc};
use futures::{Stream, StreamExt};

use super::RetexSchema;
use super::error::GqlResult;
use super::loaders::Batch;
use super::query::find_node;
use super::types::Node;
use crate::app::{App, ChangeAction, ChangeEvent};
use crate::domain::*;

/// The kinds of records.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::Kind")]
pub enum RecordKind {
    /// Organisations.
    Organisation,
    /// Territories.
    Territory,
    /// Programmes.
    Programme,
    /// Project sheets (fiches-projet).
    Sheet,
    /// Lessons.
    Lesson,
}

/// What happened to a record.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum RecordAction {
    /// The record was created.
    Created,
    /// Its fields were changed.
    Updated,
    /// It moved in the publication workflow, to a status other than ARCHIVED.
    StatusChanged,
    /// It was archived.
    Archived,
}

/// One change of a record.
pub struct RecordChange(ChangeEvent);

/// One change of a record, as `recordChanged` notifies it.
#[Object]
impl RecordChange {
    /// The change's place in the log (a decimal number that only grows).
    async fn sequence(&self) -> String {
        self.0.sequence.to_string()
    }
    /// The kind of the record that changed.
    async fn kind(&self) -> RecordKind {
        self.0.kind.into()
    }
    /// What the change did.
    async fn action(&self) -> RecordAction {
        match self.0.action {
            ChangeAction::Created => RecordAction::Created,
            ChangeAction::Updated => RecordAction::Updated,
            ChangeAction::StatusChanged => RecordAction::StatusChanged,
            ChangeAction::Archived => RecordAction::Archived,
        }
    }
    /// When the change was made.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// The record's global id; none when the change took the record out of the caller's sight.
    async fn id(&self) -> Option<ID> {
        self.0
            .record
            .map(|id| crate::domain::with_kind!(self.0.kind, |F, I| super::ids::encode(<I as RecordId>::new(id))))
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

/// Live notifications, over WebSocket at /graphql/ws (graphql-ws protocol). A connection acts as the
/// caller of its `Authorization` header or of an `Authorization` entry in its `connection_init` payload,
/// and ends when that token is revoked.
#[Subscription]
impl SubscriptionRoot {
    /// Notifies each change of a record of these kinds (all when none), once it is searchable: changes
    /// of records the caller may see, and those that took a published record out of its sight.
    async fn record_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Kinds of records to hear about; all when absent or empty.")] kinds: Option<Vec<RecordKind>>,
    ) -> async_graphql::Result<impl Stream<Item = RecordChange>> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?.clone();
        let kinds = kinds.unwrap_or_default().into_iter().map(Kind::from).collect();
        Ok(app.change_feed(viewer, kinds).gql()?.map(RecordChange))
    }
}

/// What a subscription connection sends: a text frame, or a close frame (code and reason), after
/// which it sends nothing more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    Text(String),
    Close(u16, String),
}

/// How a subscription connection is held to account.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionRules {
    /// How long the client has to send `connection_init` before the connection is closed (4408).
    pub init_timeout: Duration,
    /// How often the caller's rights are checked again: a revoked token (or one whose rights
    /// changed) closes the connection (4403).
    pub recheck: Duration,
    /// How long an unanswered keep-alive ping may wait before the connection is closed (graphql-ws).
    pub keepalive: Duration,
}

impl Default for ConnectionRules {
    fn default() -> Self {
        Self {
            init_timeout: Duration::from_secs(10),
            recheck: Duration::from_secs(2),
            keepalive: Duration::from_secs(30),
        }
    }
}

/// The WebSocket protocols subscriptions speak.
pub type Protocol = async_graphql::http::WebSocketProtocols;

/// Returns the first protocol of a `Sec-WebSocket-Protocol` header that subscriptions speak.
pub fn protocol_of(offered: Option<&str>) -> Option<Protocol> {
    use std::str::FromStr;
    offered?.split(',').find_map(|name| Protocol::from_str(name.trim()).ok())
}

/// Runs one subscription connection: the graphql-ws protocol over the frames the client sends
/// (`incoming`), as the caller of the upgrade request (or the token its `connection_init` names);
/// returns the frames to send. Besides the protocol, it closes the connection with 4408 when no
/// `connection_init` came within `rules.init_timeout`, and with 4403 as soon as a check of the
/// caller's rights (every `rules.recheck`) finds its token revoked or changed.
pub fn connection<S>(
    schema: RetexSchema,
    app: App,
    viewer: Viewer,
    protocol: Protocol,
    rules: ConnectionRules,
    incoming: S,
) -> impl Stream<Item = Outgoing> + Send + 'static
where
    S: Stream + Send + Unpin + 'static,
    S::Item: AsRef<[u8]>,
{
    let caller: Arc<Mutex<Option<Viewer>>> = Arc::new(Mutex::new(None));
    let authenticated = Arc::clone(&caller);
    let init_app = app.clone();
    let protocol_frames = async_graphql::http::WebSocket::new(schema, incoming, protocol)
        .on_connection_init(move |payload| {
            let (app, viewer, authenticated) = (init_app.clone(), viewer.clone(), Arc::clone(&authenticated));
            async move {
                let viewer = connection_viewer(&app, viewer, payload).await?;
                if let Ok(mut slot) = authenticated.lock() {
                    *slot = Some(viewer.clone());
                }
                let mut data = Data::default();
                data.insert(Batch::for_connection(app, viewer.clone()));
                data.insert(viewer);
                Ok(data)
            }
        })
        .keepalive_timeout(rules.keepalive)
        .map(|message| match message {
            async_graphql::http::WsMessage::Text(text) => Some(Outgoing::Text(text)),
            async_graphql::http::WsMessage::Close(code, reason) => Some(Outgoing::Close(code, reason)),
        })
        .chain(futures::stream::once(async { None }));
    let started = tokio::time::Instant::now();
    let watch = futures::stream::unfold((), move |()| {
        let (app, caller) = (app.clone(), Arc::clone(&caller));
        async move {
            loop {
                let known = caller.lock().ok().and_then(|slot| slot.clone());
                match known {
                    None if started.elapsed() >= rules.init_timeout => {
                        let close = Outgoing::Close(4408, "Connection initialisation timeout".into());
                        return Some((Some(close), ()));
                    }
                    None => tokio::time::sleep(Duration::from_millis(100)).await,
                    Some(viewer) => {
                        tokio::time::sleep(rules.recheck).await;
                        if let Ok(false) = app.still_authorised(&viewer).await {
                            let close =
                                Outgoing::Close(4403, "Forbidden: the token was revoked or its rights changed".into());
                            return Some((Some(close), ()));
                        }
                    }
                }
            }
        }
    });
    // Ends when the protocol ends (the client left) or right after the first close frame.
    futures::stream::select(protocol_frames, watch).take_while(|frame| futures::future::ready(frame.is_some())).scan(
        false,
        |closed, frame| {
            if *closed {
                return futures::future::ready(None);
            }
            *closed = matches!(frame, Some(Outgoing::Close(..)));
            futures::future::ready(frame)
        },
    )
}

/// Returns the caller of a subscription connection: the upgrade request's, or the one an
/// `Authorization: Bearer …` entry of the `connection_init` payload names.
async fn connection_viewer(app: &App, viewer: Viewer, payload: serde_json::Value) -> async_graphql::Result<Viewer> {
    let authorization = payload
        .as_object()
        .and_then(|entries| entries.iter().find(|(key, _)| key.eq_ignore_ascii_case("authorization")))
        .map(|(_, value)| value.as_str().unwrap_or_default().to_owned());
    match authorization {
        None => Ok(viewer),
        Some(value) => {
            let secret = bearer_secret(&value).map_err(async_graphql::Error::new)?;
            app.authenticate(secret)
                .await
                .gql()?
                .ok_or_else(|| async_graphql::Error::new("the API token is unknown or revoked"))
        }
    }
}
