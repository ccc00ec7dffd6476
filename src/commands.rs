//! The administrative commands of the command line (`retex token …`): each opens the database,
//! acts as the system (every right), and prints for people on standard error and for scripts on
//! standard output.

use crate::app::App;
use crate::config::{ExportArgs, ImportArgs, TokenAction, TokenArgs};
use crate::dataset::{self, Dataset, LineMap};
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

/// Reads one file into a dataset, with the line of each record for a `.jsonl` file.
fn read(path: &std::path::Path) -> Result<(Dataset, Option<LineMap>)> {
    let name = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|err| Error::invalid(name.clone(), format!("cannot be read: {err}")))?;
    let jsonl = path.extension().is_some_and(|extension| extension == "jsonl" || extension == "ndjson");
    if jsonl {
        let (dataset, lines) = dataset::from_lines(&text)
            .map_err(|problems| Error::InvalidInput(dataset::locate(problems, &name, None)))?;
        Ok((dataset, Some(lines)))
    } else {
        let dataset: Dataset = serde_json::from_str(&text).map_err(|err| {
            Error::invalid(format!("{name}:{}", err.line()), format!("is not a retex dataset: {err}"))
        })?;
        Ok((dataset, None))
    }
}

/// Runs `retex import`: every file in one transaction (all or nothing), or a dry run.
pub async fn import(args: ImportArgs) -> Result<()> {
    let mut problems = Vec::new();
    let mut read_files = Vec::new();
    for path in &args.paths {
        match read(path) {
            Ok(found) => read_files.push((path.display().to_string(), found)),
            Err(Error::InvalidInput(found)) => problems.extend(found),
            Err(other) => return Err(other),
        }
    }
    if !problems.is_empty() {
        return Err(Error::InvalidInput(problems));
    }
    // The load runs without the indexer: on SQLite the one transaction holds the database for its
    // whole length, and the index follows the change log once it is committed.
    let app = App::open(&args.storage.database.database_url).await?;
    let started = std::time::Instant::now();
    // One file: its problems are located by line. Several: they are loaded as one dataset, all or
    // nothing, and problems name the file of each record.
    let result = if read_files.len() == 1 {
        let (name, (dataset, lines)) = &read_files[0];
        app.import_dataset(&system(), dataset, args.dry_run, &Progress::default()).await.map_err(|error| match error {
            Error::InvalidInput(found) => Error::InvalidInput(dataset::locate(found, name, lines.as_ref())),
            other => other,
        })
    } else {
        let mut merged = Dataset { format: dataset::FORMAT.to_owned(), ..Dataset::default() };
        for (_, (dataset, _)) in read_files {
            merged.organisations.extend(dataset.organisations);
            merged.territories.extend(dataset.territories);
            merged.programmes.extend(dataset.programmes);
            merged.sheets.extend(dataset.sheets);
            merged.lessons.extend(dataset.lessons);
        }
        app.import_dataset(&system(), &merged, args.dry_run, &Progress::default()).await
    };
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
