//! Live subscriptions over WebSocket: the upgrade of `/graphql/ws`, and `SocketPlace`, which caps the
//! subscription connections a client may hold open at once.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Extension;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{AppState, Client, MediaType, error};
use crate::domain::Viewer;
use crate::graphql;

/// Live subscriptions over WebSocket (graphql-ws, and the older subscriptions-transport-ws). The
/// connection acts as the caller of the upgrade request, or as the token its `connection_init`
/// payload names.
pub(super) async fn graphql_ws(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    upgrade: axum::extract::WebSocketUpgrade,
) -> Response {
    let offered = headers.get(header::SEC_WEBSOCKET_PROTOCOL).and_then(|value| value.to_str().ok());
    let Some(protocol) = graphql::subscription::protocol_of(offered) else {
        let message = "subscriptions speak the graphql-transport-ws or graphql-ws subprotocol: offer one in Sec-WebSocket-Protocol";
        return error(StatusCode::BAD_REQUEST, MediaType::Json, "INVALID_INPUT", message);
    };
    let client = match &viewer {
        Viewer::Account(account) => Client::Token(account.token),
        _ => Client::Address(peer.ip()),
    };
    let Some(place) = SocketPlace::take(&state.sockets, client, state.limits.max_sockets_per_client) else {
        let message = format!(
            "too many open subscription connections: at most {} per client (limit: sockets); close one first",
            state.limits.max_sockets_per_client
        );
        return error(StatusCode::TOO_MANY_REQUESTS, MediaType::Json, "RATE_LIMITED", &message);
    };
    let (app, schema, rules) = (state.app.clone(), state.schema.clone(), state.limits.subscriptions);
    upgrade
        .protocols(graphql::subscription::PROTOCOLS)
        .on_upgrade(move |socket| async move {
            use axum::extract::ws::{CloseFrame, Message};
            use futures::{SinkExt, StreamExt};
            let _place = place;
            let (mut sink, stream) = socket.split();
            let incoming = stream
                .take_while(|message| futures::future::ready(message.is_ok()))
                .filter_map(|message| {
                    futures::future::ready(match message {
                        Ok(Message::Text(text)) => Some(text.as_bytes().to_vec()),
                        Ok(Message::Binary(bytes)) => Some(bytes.to_vec()),
                        _ => None,
                    })
                })
                .boxed();
            let outgoing = graphql::subscription::connection(schema, app, viewer, protocol, rules, incoming);
            futures::pin_mut!(outgoing);
            while let Some(frame) = outgoing.next().await {
                let message = match frame {
                    graphql::subscription::Outgoing::Text(text) => Message::Text(text.into()),
                    graphql::subscription::Outgoing::Close(code, reason) => {
                        Message::Close(Some(CloseFrame { code, reason: reason.into() }))
                    }
                };
                if sink.send(message).await.is_err() {
                    break;
                }
            }
            let _ = sink.close().await;
        })
        .into_response()
}

/// Open subscription connections per client.
pub(super) type Sockets = Arc<Mutex<HashMap<Client, usize>>>;

/// A client's place among the open subscription connections, given back when dropped.
struct SocketPlace {
    sockets: Sockets,
    client: Client,
}

impl SocketPlace {
    /// Takes a place for `client` if it holds fewer than `most`.
    fn take(sockets: &Sockets, client: Client, most: usize) -> Option<Self> {
        let mut open = sockets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = open.entry(client).or_default();
        if *count >= most {
            return None;
        }
        *count += 1;
        Some(Self { sockets: Arc::clone(sockets), client })
    }
}

impl Drop for SocketPlace {
    fn drop(&mut self) {
        let mut open = self.sockets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = open.get_mut(&self.client) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.client);
            }
        }
    }
}
