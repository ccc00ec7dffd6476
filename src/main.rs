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
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => retex::serve(args).await.map_err(|err| anyhow::anyhow!(err))?,
        Command::Migrate(args) => {
            retex::app::App::open(&args.database_url).await?;
            tracing::info!("migrations applied");
        }
        Command::Schema => print!("{}", retex::graphql::sdl()),
    }
    Ok(())
}
