//! The `retex` command: parses the command line, sets up logging, and hands over to the library.

use clap::Parser;
use retex::config::{Cli, Command};
use retex::i18n::{Language, french, number};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn")),
        )
        .with_target(false)
        // Standard output is for what scripts read (a token's secret, an export): logs go to standard error.
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => retex::serve(args).await.map_err(|err| anyhow::anyhow!(french(&err.to_string())))?,
        Command::Migrate(args) => {
            retex::app::App::open_with(&args.database_url, &args.settings()).await.map_err(fr)?;
            tracing::info!("migrations applied");
        }
        Command::Token(args) => retex::commands::token(args).await.map_err(fr)?,
        Command::Import(args) => retex::commands::import(args).await.map_err(report)?,
        Command::Export(args) => retex::commands::export(args).await.map_err(fr)?,
        Command::Backup(args) => retex::commands::backup(args).await.map_err(fr)?,
        Command::Restore(args) => retex::commands::restore(args).await.map_err(fr)?,
        Command::Relevance(args) => retex::commands::relevance(args).await.map_err(fr)?,
        Command::Guide(args) => retex::commands::guide(args).await.map_err(fr)?,
        Command::Schema => print!("{}", retex::graphql::sdl()),
        Command::Reindex(args) => {
            let app =
                retex::app::App::open_with(&args.database.database_url, &args.database.settings()).await.map_err(fr)?;
            let started = std::time::Instant::now();
            let progress = std::sync::Arc::new(retex::domain::Progress::default());
            let shown = retex::progress::show("index", "enregistrements", std::sync::Arc::clone(&progress));
            let rebuilt = retex::indexer::rebuild(app.store(), &args.index_dir, &progress).await;
            shown.finish().await;
            let stats = rebuilt.map_err(fr)?;
            println!(
                "{} documents réindexés en {} s (base de données {} s, index {} s) ; taille de l'index {} Mo",
                number(stats.documents as f64, 0),
                number(started.elapsed().as_secs_f64(), 1),
                number(stats.database_seconds, 1),
                number(stats.index_seconds, 1),
                number(stats.bytes as f64 / 1e6, 1)
            );
        }
    }
    Ok(())
}

/// Prints every problem of a refused import, one per line, before failing.
fn report(error: retex::error::Error) -> anyhow::Error {
    if let retex::error::Error::InvalidInput(problems) = &error {
        for problem in problems {
            eprintln!("{} : {}", problem.field, french(&problem.problem));
        }
        let count = problems.len();
        let noun = if count == 1 { "problème" } else { "problèmes" };
        return anyhow::anyhow!("{} {noun} ; rien n'a été écrit", number(count as f64, 0));
    }
    anyhow::anyhow!(french(&error.to_string()))
}

/// Gives an error of the library in French, as the command line speaks: invalid input problem by
/// problem, field names kept.
fn fr(error: retex::error::Error) -> anyhow::Error {
    match &error {
        retex::error::Error::InvalidInput(problems) => anyhow::anyhow!(Language::French.invalid_input(problems)),
        _ => anyhow::anyhow!(french(&error.to_string())),
    }
}
