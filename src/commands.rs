//! The administrative commands of the command line (`retex token …`): each opens the database,
//! acts as the system (every right), and prints for people on standard error and for scripts on
//! standard output.

use crate::app::App;
use crate::config::{ExportArgs, ImportArgs, TokenAction, TokenArgs};
use crate::dataset;
use crate::domain::*;
use crate::error::{Error, Result};
use crate::graphql::ids;

fn system() -> Viewer {
    Viewer::System { name: "ligne de commande".into() }
}

/// Finds a record by slug, database id or GraphQL id, whatever its status.
async fn resolve<K: crate::store::StoredKind>(app: &App, field: &str, reference: &str) -> Result<K::Id> {
    let reference = reference.trim();
    let id = if let Ok(raw) = reference.parse::<i64>() {
        Some(<K::Id as RecordId>::new(raw))
    } else if let Ok(id) = ids::decode::<K::Id>(reference) {
        Some(id)
    } else {
        app.id_by_slug::<K>(&system(), reference).await?
    };
    let id =
        id.ok_or_else(|| Error::invalid(field, format!("no {} has the slug or id `{reference}`", K::KIND.as_str())))?;
    app.get::<K>(&system(), id)
        .await
        .map_err(|_| Error::invalid(field, format!("there is no {} {reference}", K::KIND.as_str())))?;
    Ok(id)
}

fn describe(token: &ApiToken) -> String {
    let mut text = format!("{:>4}  {:<11}", token.id, token.role.code());
    if let Some(organisation) = token.organisation {
        text.push_str(&format!("  organisation {}", organisation.get()));
    }
    if let Some(programme) = token.programme {
        text.push_str(&format!("  programme {}", programme.get()));
    }
    if let Some(name) = &token.name {
        text.push_str(&format!("  « {name} »"));
    }
    text.push_str(&format!("  créé le {} par {}", token.created_at.format("%Y-%m-%d %H:%M"), token.created_by));
    if let Some(revoked) = token.revoked_at {
        text.push_str(&format!("  RÉVOQUÉ le {}", revoked.format("%Y-%m-%d %H:%M")));
    }
    text
}

/// Runs `retex token create|revoke|list`.
pub async fn token(args: TokenArgs) -> Result<()> {
    let app = App::open(&args.database.database_url).await?;
    match args.action {
        TokenAction::Create { role, organisation, programme, name } => {
            let role = Role::from_code(&role.trim().to_ascii_uppercase()).ok_or_else(|| {
                let known: Vec<&str> = Role::ALL.iter().map(|role| role.code()).collect();
                Error::invalid("role", format!("`{role}` is not a role; use one of {}", known.join(", ")))
            })?;
            let organisation = match organisation {
                Some(reference) => Some(resolve::<OrganisationFields>(&app, "organisation", &reference).await?),
                None => None,
            };
            let programme = match programme {
                Some(reference) => Some(resolve::<ProgrammeFields>(&app, "programme", &reference).await?),
                None => None,
            };
            let new = NewToken::parse(name.as_deref(), role, organisation, programme)?;
            let (token, secret) = app.create_token(&system(), new).await?;
            eprintln!("Jeton créé : {}", describe(&token));
            eprintln!("Son secret, affiché cette seule fois (seule son empreinte est conservée) :");
            println!("{secret}");
        }
        TokenAction::Revoke { id } => {
            let raw =
                id.trim().parse::<i64>().map_err(|_| Error::invalid("id", format!("`{id}` is not a token id")))?;
            let token = app.revoke_token(&system(), raw).await?;
            eprintln!("Jeton révoqué : {}", describe(&token));
        }
        TokenAction::List => {
            for token in app.tokens(&system()).await? {
                println!("{}", describe(&token));
            }
        }
    }
    Ok(())
}

/// Runs `retex import`: every file in one transaction (all or nothing), or a dry run.
pub async fn import(args: ImportArgs) -> Result<()> {
    let (dataset, locations) = dataset::read_paths(&args.paths).map_err(Error::InvalidInput)?;
    // The load runs without the indexer: on SQLite the one transaction holds the database for its
    // whole length, and the index follows the change log once it is committed.
    let app = App::open(&args.storage.database.database_url).await?;
    let started = std::time::Instant::now();
    let result =
        app.import_dataset(&system(), &dataset, args.dry_run, &Progress::default()).await.map_err(
            |error| match error {
                Error::InvalidInput(found) => Error::InvalidInput(dataset::locate(found, &locations)),
                other => other,
            },
        );
    let loaded = started.elapsed().as_secs_f64();
    drop(app);
    if result.is_ok() && !args.dry_run {
        // The import is searchable when the command returns: wait for the indexer, saying how far
        // it is every few seconds.
        let app = App::open_with_search(
            &args.storage.database.database_url,
            &args.storage.index_dir,
            crate::indexer::FailureInjection::default(),
        )
        .await?;
        let mut said = std::time::Instant::now();
        loop {
            let pending = app.index_lag().await?.map_or(0, |lag| lag.pending);
            if pending == 0 {
                break;
            }
            if said.elapsed() >= std::time::Duration::from_secs(5) {
                eprintln!("indexing: {pending} changes to go");
                said = std::time::Instant::now();
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        app.shutdown().await;
    }
    let summary = result?;
    let total = started.elapsed().as_secs_f64();
    if args.dry_run {
        eprintln!("dry run in {total:.1} s: the files are valid, nothing was written: {summary:?}");
    } else {
        eprintln!("imported in {total:.1} s (database {loaded:.1} s, then index {:.1} s): {summary:?}", total - loaded);
    }
    Ok(())
}

/// Runs `retex export`.
pub async fn export(args: ExportArgs) -> Result<()> {
    let app = App::open(&args.database.database_url).await?;
    let statuses: Vec<PublicationStatus> =
        if args.include_drafts { PublicationStatus::ALL.to_vec() } else { vec![PublicationStatus::Published] };
    let dataset = app.export_dataset(&system(), &statuses).await?;
    let text = match args.format.as_str() {
        "json" => serde_json::to_string_pretty(&dataset).map_err(Error::internal)?,
        "jsonl" => dataset::to_lines(&dataset).map_err(Error::internal)?,
        other => return Err(Error::invalid("format", format!("`{other}` is not an export format; use json or jsonl"))),
    };
    match &args.output {
        Some(path) => std::fs::write(path, text).map_err(Error::internal)?,
        None => print!("{text}"),
    }
    eprintln!(
        "exported {} organisations, {} territories, {} programmes, {} sheets, {} lessons",
        dataset.organisations.len(),
        dataset.territories.len(),
        dataset.programmes.len(),
        dataset.sheets.len(),
        dataset.lessons.len()
    );
    Ok(())
}
