//! The `retex` command: parses the command line, sets up logging, and hands over to the library.

use clap::Parser;
use retex::config::{Cli, Command};
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
        Command::Serve(args) => retex::serve(args).await.map_err(|err| anyhow::anyhow!(err))?,
        Command::Migrate(args) => {
            retex::app::App::open_with(&args.database_url, &args.settings()).await?;
            tracing::info!("migrations applied");
        }
        Command::Token(args) => retex::commands::token(args).await?,
        Command::Import(args) => retex::commands::import(args).await.map_err(report)?,
        Command::Export(args) => retex::commands::export(args).await?,
        Command::Backup(args) => retex::commands::backup(args).await?,
        Command::Restore(args) => retex::commands::restore(args).await?,
        Command::Relevance(args) => retex::commands::relevance(args).await?,
        Command::Guide(args) => retex::commands::guide(args).await?,
        Command::Schema => print!("{}", retex::graphql::sdl()),
        Command::Reindex(args) => {
            let app = retex::app::App::open_with(&args.database.database_url, &args.database.settings()).await?;
            let started = std::time::Instant::now();
            let progress = std::sync::Arc::new(retex::domain::Progress::default());
            let shown = retex::progress::show("index", "enregistrements", std::sync::Arc::clone(&progress));
            let rebuilt = retex::indexer::rebuild(app.store(), &args.index_dir, &progress).await;
            shown.finish().await;
            let stats = rebuilt?;
            println!(
                "reindexed {} documents in {:.1} s (database {:.1} s, index {:.1} s); index size {:.1} MB",
                stats.documents,
                started.elapsed().as_secs_f64(),
                stats.database_seconds,
                stats.index_seconds,
                stats.bytes as f64 / 1e6
            );
        }
    }
    Ok(())
}

/// Prints every problem of a refused import, one per line, before failing.
fn report(error: retex::error::Error) -> anyhow::Error {
    if let retex::error::Error::InvalidInput(problems) = &error {
        for problem in problems {
            eprintln!("{}: {}", problem.field, problem.problem);
        }
        return anyhow::anyhow!("{} problems; nothing was written", problems.len());
    }
    anyhow::anyhow!(error)
}
