//! GraphQL over HTTP, without HTTP types: turns a JSON body or GET parameters into a request, tells
//! whether a request is a mutation (never run over GET), runs it and serialises the response. The axum
//! side (`http.rs`) only moves bytes and headers.

use async_graphql::parser::types::OperationType;
use async_graphql::{Request, Variables};
use serde::Deserialize;

use super::{RetexSchema, execute};
use crate::app::App;
use crate::domain::Viewer;

/// A parsed GraphQL request.
pub struct GraphqlRequest(Request);

/// The body of a POST request (`query`, `operationName`, `variables`, `extensions`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    query: Option<serde_json::Value>,
    operation_name: Option<serde_json::Value>,
    variables: Option<serde_json::Value>,
    extensions: Option<serde_json::Value>,
}

fn build(
    query: Option<serde_json::Value>,
    operation_name: Option<serde_json::Value>,
    variables: Option<serde_json::Value>,
    extensions: Option<serde_json::Value>,
) -> Result<GraphqlRequest, String> {
    let query = match query {
        Some(serde_json::Value::String(query)) => query,
        Some(_) => return Err("`query` must be a string".into()),
        None => return Err("the request has no `query`".into()),
    };
    let mut request = Request::new(query);
    match operation_name {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::String(name)) => request = request.operation_name(name),
        Some(_) => return Err("`operationName` must be a string".into()),
    }
    match variables {
        None | Some(serde_json::Value::Null) => {}
        Some(value @ serde_json::Value::Object(_)) => request = request.variables(Variables::from_json(value)),
        Some(_) => return Err("`variables` must be an object".into()),
    }
    match extensions {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Object(map)) => {
            for (key, value) in map {
                let value =
                    async_graphql::Value::from_json(value).map_err(|_| "`extensions` is not valid".to_owned())?;
                request.extensions.insert(key, value);
            }
        }
        Some(_) => return Err("`extensions` must be an object".into()),
    }
    Ok(GraphqlRequest(request))
}

/// Parses the JSON body of a POST request.
pub fn from_json_body(body: &[u8]) -> Result<GraphqlRequest, String> {
    let text = std::str::from_utf8(body).map_err(|_| "the body is not valid UTF-8".to_owned())?;
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|err| format!("the body is not valid JSON: {err}"))?;
    if value.is_array() {
        return Err("batched requests are not accepted (limit: batch size 1): send one request per POST".into());
    }
    if !value.is_object() {
        return Err("the body must be a JSON object with a `query`".into());
    }
    let body: Body =
        serde_json::from_value(value).map_err(|err| format!("the body is not a GraphQL request: {err}"))?;
    build(body.query, body.operation_name, body.variables, body.extensions)
}

/// Parses the parameters of a GET request; `variables` and `extensions` are JSON-encoded.
pub fn from_get_params(
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
) -> Result<GraphqlRequest, String> {
    let json = |name: &str, raw: Option<String>| -> Result<Option<serde_json::Value>, String> {
        raw.filter(|raw| !raw.is_empty())
            .map(|raw| serde_json::from_str(&raw).map_err(|err| format!("`{name}` is not valid JSON: {err}")))
            .transpose()
    };
    build(
        query.map(serde_json::Value::String),
        operation_name.filter(|name| !name.is_empty()).map(serde_json::Value::String),
        json("variables", variables)?,
        json("extensions", extensions)?,
    )
}

impl GraphqlRequest {
    /// Returns whether the operation to run is a mutation (or a subscription): those are refused
    /// over GET. A document that does not parse is not a mutation; running it reports the syntax error.
    /// The parse is kept in the request, for its execution.
    pub fn is_mutation(&mut self) -> bool {
        let wanted = self.0.operation_name.clone();
        let Ok(document) = self.0.parsed_query() else {
            return false;
        };
        let wanted = wanted.as_deref();
        document.operations.iter().any(|(name, operation)| {
            let selected = match wanted {
                Some(wanted) => name.is_some_and(|name| name.as_str() == wanted),
                None => true,
            };
            selected && operation.node.ty != OperationType::Query
        })
    }
}

/// A serialised GraphQL response.
pub struct GraphqlResponse {
    pub body: Vec<u8>,
    /// True when the request failed before execution (syntax, validation, variables): there is no
    /// `data`, and GraphQL over HTTP answers 400 with `application/graphql-response+json`.
    pub is_request_error: bool,
}

/// Runs a request as `viewer`.
pub async fn run(schema: &RetexSchema, app: &App, viewer: Viewer, request: GraphqlRequest) -> GraphqlResponse {
    let response = execute(schema, app, viewer, request.0).await;
    let is_request_error = response.data == async_graphql::Value::Null && response.is_err();
    let body = match serde_json::to_value(&response) {
        Ok(mut value) => {
            if is_request_error && let Some(object) = value.as_object_mut() {
                // A request that never ran has no `data` at all, not `data: null`.
                object.remove("data");
            }
            value.to_string().into_bytes()
        }
        Err(_) => error_body("INTERNAL", "internal error"),
    };
    GraphqlResponse { body, is_request_error }
}

/// Returns a GraphQL error response body with one error and its code.
pub fn error_body(code: &str, message: &str) -> Vec<u8> {
    let body = serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    body.to_string().into_bytes()
}

/// Returns the GraphiQL page for an endpoint.
pub fn graphiql(endpoint: &str) -> String {
    async_graphql::http::GraphiQLSource::build().endpoint(endpoint).title("retex — GraphiQL").finish()
}
