//! retex: a French knowledge base where the network of the Fabrique à initiatives capitalises what its
//! programmes learn: project sheets (fiches-projet), lessons (success factors, pitfalls) and the
//! programmes, territories and organisations around them, served over GraphQL.
//!
//! Code map, from the outside in:
//! - `config`: the command line and environment, read once; `commands`: the administrative commands.
//! - `http`: axum router, GraphQL over HTTP, health, limits, graceful shutdown.
//! - `graphql`: the schema (queries, mutations, connections, batch loaders, error mapping).
//! - `app`: the use cases; each write is one transaction with its revision and change-log entry.
//! - `store`: sea-orm persistence on SQLite or PostgreSQL; `migrations/` holds the schema.
//! - `indexer`: the thread that keeps the search index equal to the database, and full rebuilds.
//! - `search`: the tantivy index (French analysis, queries, facets, snippets), a projection of the database.
//! - `dataset` and `demo`: the JSON dataset format and the embedded demo data.
//! - `domain`: records, vocabularies, validated values, filters and the visibility rule; no I/O.
//! - `error`: the one error type and its policy.

pub mod app;
pub mod commands;
pub mod config;
pub mod dataset;
pub mod demo;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod http;
pub mod i18n;
pub mod ids;
pub mod indexer;
pub mod mail;
pub mod progress;
pub mod relevance;
pub mod search;
pub mod store;
pub mod telemetry;
pub mod web;

use std::time::Duration;

use crate::config::ServeArgs;

/// Opens the database, loads the demo when asked and the database is empty, and serves until a
/// shutdown signal.
pub async fn serve(args: ServeArgs) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let app = app::App::open_search_with(
        &args.storage.database.database_url,
        &args.storage.database.settings(),
        &args.storage.index_dir,
        indexer::IndexerOptions {
            reconcile_every: Duration::from_secs(args.reconcile_interval_secs),
            ..indexer::IndexerOptions::default()
        },
    )
    .await?;
    let mailer = match (&args.smtp_url, &args.mail_from) {
        (Some(url), Some(from)) => Some(mail::Mailer::new(url, from)?),
        _ => None,
    };
    let app = app.with_links(args.public_url.clone(), mailer);
    tracing::info!(database = app.store().backend_name(), index_dir = %args.storage.index_dir.display(), "database ready");
    if args.demo {
        match demo::load_if_empty(&app).await? {
            Some(summary) => {
                tracing::info!(?summary, "demo dataset loaded");
                let (token, secret) = app
                    .create_token(
                        &domain::Viewer::System { name: "démo".into() },
                        domain::NewToken::parse(Some("administrateur de la démo"), domain::Role::Admin, None, None)
                            .map_err(error::Error::from)?,
                    )
                    .await?;
                println!(
                    "Jeton ADMIN de la démo (n°{}), affiché cette seule fois ; envoyez-le en `Authorization: Bearer …` pour écrire :\n{secret}",
                    token.id
                );
                let invitation = domain::NewInvitation::parse(
                    "admin@demo.retex.fr",
                    Some("Administratrice de la démo"),
                    domain::Role::Admin,
                    None,
                    None,
                )
                .map_err(error::Error::from)?;
                let link = app.invite(&domain::Viewer::System { name: "démo".into() }, invitation).await?;
                let url =
                    if link.url.starts_with('/') { format!("http://{}{}", args.listen, link.url) } else { link.url };
                println!(
                    "Invitation de l'administratrice de la démo (admin@demo.retex.fr), valable 7 jours, une fois :\n{url}"
                );
            }
            None => tracing::info!("the database already holds records: demo dataset not loaded"),
        }
    }
    let limits = http::Limits {
        max_body_bytes: args.max_body_bytes,
        max_upload_bytes: args.max_upload_bytes,
        max_response_bytes: usize::try_from(args.max_response_bytes).unwrap_or(usize::MAX),
        request_timeout: Duration::from_secs(args.request_timeout_secs),
        requests_per_minute: args.rate_limit_per_minute,
        anonymous_access: args.anonymous_access,
        index_max_lag: Duration::from_secs(args.index_max_lag_secs),
        cors_allowed_origins: args.cors_allowed_origins.clone(),
        secure_cookies: !args.insecure_cookies,
        ..http::Limits::default()
    };
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    tracing::info!(address = %args.listen, "serving GraphQL on http://{}/graphql", args.listen);
    http::serve(listener, http::router(app.clone(), limits), http::shutdown_signal()).await?;
    app.shutdown().await;
    Ok(())
}
