//! The one place where retex errors become GraphQL errors: `extensions.code` carries the error's code
//! (and `extensions.problems` the field-by-field problems of invalid input); internal errors are
//! logged with their cause and shown as a generic message.

use async_graphql::{ErrorExtensions, Value};

use crate::error::Error;

/// Converts a retex error into a GraphQL error.
pub fn to_graphql(error: &Error) -> async_graphql::Error {
    if let Error::Internal(cause) = error {
        tracing::error!(error = %cause, "internal error while answering a GraphQL request");
    }
    let base = async_graphql::Error::new(error.to_string());
    base.extend_with(|_, extensions| {
        extensions.set("code", error.code());
        if let Error::InvalidInput(problems) = error {
            let list: Vec<Value> = problems
                .iter()
                .map(|problem| {
                    let mut object = async_graphql::indexmap::IndexMap::new();
                    object.insert(async_graphql::Name::new("field"), Value::from(problem.field.clone()));
                    object.insert(async_graphql::Name::new("problem"), Value::from(problem.problem.clone()));
                    Value::Object(object)
                })
                .collect();
            extensions.set("problems", Value::List(list));
        }
    })
}

/// Lets resolvers write `app.call().await.gql()?`.
pub trait GqlResult<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> GqlResult<T> for Result<T, Error> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|error| to_graphql(&error))
    }
}

impl<T> GqlResult<T> for Result<T, std::sync::Arc<Error>> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|error| to_graphql(&error))
    }
}

/// Gives request-level errors (syntax, validation, variable coercion: the ones async-graphql raises
/// before any resolver runs) the INVALID_INPUT code, so that every error a client sees has a code.
pub fn code_request_errors(response: &mut async_graphql::Response) {
    for error in &mut response.errors {
        bound_message(&mut error.message);
        let has_code = error.extensions.as_ref().is_some_and(|extensions| extensions.get("code").is_some());
        if has_code {
            continue;
        }
        if error.message == "Subscriptions are not supported on this transport." {
            error.message =
                "subscriptions run over WebSocket at /graphql/ws (graphql-ws protocol), not over HTTP".to_owned();
        }
        // The limits of `super::limits`, named with their values.
        let limit = match error.message.as_str() {
            "Query is nested too deep." => {
                Some(format!("the query is nested deeper than {} levels (limit: depth)", super::limits::MAX_DEPTH))
            }
            "Query is too complex." => Some(format!(
                "the query selects more than {} fields, counting each list's page size (limit: complexity)",
                super::limits::MAX_COMPLEXITY
            )),
            _ => None,
        };
        let extensions = error.extensions.get_or_insert_with(Default::default);
        match limit {
            Some(message) => {
                error.message = message;
                extensions.set("code", "LIMIT_EXCEEDED");
            }
            None => extensions.set("code", "INVALID_INPUT"),
        }
    }
}

/// The longest error message sent back, in bytes: a parser error quotes the line it stopped on, and
/// a one-line query of a megabyte must not come back whole.
pub const MAX_MESSAGE_BYTES: usize = 300;

/// Cuts a message longer than `MAX_MESSAGE_BYTES` (at a character boundary) and says so.
fn bound_message(message: &mut String) {
    if message.len() <= MAX_MESSAGE_BYTES {
        return;
    }
    let mut end = MAX_MESSAGE_BYTES - 60;
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    message.truncate(end);
    message.push_str(" … (cut: the rest quoted the query)");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_message_is_cut_at_a_character_boundary() {
        let mut message = format!("unexpected token at {}", "é".repeat(1_000));
        bound_message(&mut message);
        assert!(message.len() <= MAX_MESSAGE_BYTES);
        assert!(message.ends_with("(cut: the rest quoted the query)"));
        let mut short = "short".to_owned();
        bound_message(&mut short);
        assert_eq!(short, "short");
    }
}
