//! The GraphQL API: the only module that imports async-graphql. It builds the schema over the
//! application, turns inputs into domain values at the boundary, loads nested relations in batches and
//! maps errors to `extensions.code` in one place (`error.rs`).

mod accounts;
mod advice;
mod connection;
mod dashboards;
pub mod error;
mod filters;
pub mod ids;
mod inputs;
mod limits;
mod loaders;
mod mutation;
mod query;
mod search;
mod sheet_inputs;
pub mod subscription;
mod transfer;
pub mod transport;
mod types;
mod vocab;

use async_graphql::{MergedObject, Schema};

use crate::app::App;
use crate::domain::Viewer;

/// Every query field: records and lists, then search, then dashboards, then advice and guides, then the
/// caller and its tokens.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    query::Query,
    search::SearchQuery,
    dashboards::DashboardQuery,
    advice::AdviceQuery,
    accounts::AccountsQuery,
);

/// Every mutation: records, then the glossary, then lesson clusters, then API tokens, then imports,
/// then saved searches.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    mutation::Mutation,
    search::GlossaryMutation,
    dashboards::ClusterMutation,
    accounts::AccountsMutation,
    transfer::TransferMutation,
    advice::SavedSearchMutation,
);

/// The schema type served by retex.
pub type RetexSchema = Schema<QueryRoot, MutationRoot, subscription::SubscriptionRoot>;

/// Builds the schema over an application.
pub fn schema(app: App) -> RetexSchema {
    Schema::build(QueryRoot::default(), MutationRoot::default(), subscription::SubscriptionRoot)
        .data(app)
        .limit_depth(limits::MAX_DEPTH)
        .limit_complexity(limits::MAX_COMPLEXITY)
        .finish()
}

/// Returns the SDL of the schema, as committed in `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(QueryRoot::default(), MutationRoot::default(), subscription::SubscriptionRoot).finish().sdl()
}

/// Executes a request as `viewer`, with every error carrying a code.
pub async fn execute(
    schema: &RetexSchema,
    app: &App,
    viewer: Viewer,
    mut request: async_graphql::Request,
) -> async_graphql::Response {
    // Parsed once: the request keeps the document for its execution. A document that does not parse
    // goes on, and its execution reports the syntax error.
    let fields = request.parsed_query().map(limits::written_fields).unwrap_or(0);
    if fields > limits::MAX_FIELDS {
        let message = format!("the query writes {fields} fields, more than {} (limit: fields)", limits::MAX_FIELDS);
        let mut error = async_graphql::ServerError::new(message, None);
        error.extensions.get_or_insert_with(Default::default).set("code", "LIMIT_EXCEEDED");
        return async_graphql::Response::from_errors(vec![error]);
    }
    // Bind the viewer and a fresh batch loader to the request.
    let (loader, turns) = loaders::Batch::new(app.clone(), viewer.clone());
    let mut response = turns.run(schema.execute(request.data(loader).data(viewer))).await;
    error::code_request_errors(&mut response);
    response
}
