//! The administrative commands of the command line (`retex token …`): each opens the database,
//! acts as the system (every right), and prints for people on standard error and for scripts on
//! standard output.

use crate::app::App;
use crate::config::{
    BackupArgs, ExportArgs, GuideArgs, ImportArgs, RelevanceArgs, RestoreArgs, TokenAction, TokenArgs,
};
use std::sync::Arc;

use crate::dataset::{self, Format};
use crate::domain::*;
use crate::error::{Error, Result};
use crate::ids;
use crate::progress;

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

/// Reads the role and scope of a token or an invitation, the records named by slug or id.
async fn read_scope(
    app: &App,
    scope: crate::config::ScopeArgs,
) -> Result<(Role, Option<OrganisationId>, Option<ProgrammeId>)> {
    let role = Role::from_code(&scope.role.trim().to_ascii_uppercase()).ok_or_else(|| {
        let known: Vec<&str> = Role::ALL.iter().map(|role| role.code()).collect();
        Error::invalid("role", format!("`{}` is not a role; use one of {}", scope.role, known.join(", ")))
    })?;
    let organisation = match scope.organisation {
        Some(reference) => Some(resolve::<OrganisationFields>(app, "organisation", &reference).await?),
        None => None,
    };
    let programme = match scope.programme {
        Some(reference) => Some(resolve::<ProgrammeFields>(app, "programme", &reference).await?),
        None => None,
    };
    Ok((role, organisation, programme))
}

/// Runs `retex token create|invite|revoke|list`.
pub async fn token(args: TokenArgs) -> Result<()> {
    let app = App::open_with(&args.database.database_url, &args.database.settings()).await?;
    match args.action {
        TokenAction::Create { scope, name } => {
            let (role, organisation, programme) = read_scope(&app, scope).await?;
            let new = NewToken::parse(name.as_deref(), role, organisation, programme)?;
            let (token, secret) = app.create_token(&system(), new).await?;
            eprintln!("Jeton créé : {}", describe(&token));
            eprintln!("Son secret, affiché cette seule fois (seule son empreinte est conservée) :");
            println!("{secret}");
        }
        TokenAction::Invite { email, scope, name, public_url } => {
            let (role, organisation, programme) = read_scope(&app, scope).await?;
            let invitation = NewInvitation::parse(&email, name.as_deref(), role, organisation, programme)?;
            let app = app.with_links(public_url, None);
            let issued = app.invite(&system(), invitation).await?;
            eprintln!(
                "Invitation pour {} ({}), valable jusqu'au {}, une seule fois :",
                issued.link.email,
                issued.link.role.label(),
                issued.link.expires_at.format("%d/%m/%Y %H:%M UTC")
            );
            println!("{}", issued.url);
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

/// Runs `retex import`: every record of every file in one transaction (all or nothing), or a dry
/// run; then waits until the import is searchable. Progress goes to standard error.
pub async fn import(args: ImportArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let paths = args.paths.clone();
    let files =
        tokio::task::spawn_blocking(move || dataset::read_paths_partial(&paths)).await.map_err(Error::internal)?;
    let read = started.elapsed().as_secs_f64();
    // The load runs without the indexer: on SQLite the one transaction holds the database for its
    // whole length, and the index follows the change log once it is committed.
    let app = App::open_with(&args.storage.database.database_url, &args.storage.database.settings()).await?;
    let progress = Arc::new(Progress::default());
    let shown = progress::show(
        if args.dry_run { "vérification" } else { "base de données" },
        "enregistrements",
        Arc::clone(&progress),
    );
    let result = app.import_read(&system(), files, args.dry_run, &progress).await;
    shown.finish().await;
    let loaded = started.elapsed().as_secs_f64();
    if result.is_ok() && !args.dry_run {
        // The import is searchable when the command returns. A new index is built from the database
        // in one pass; an existing one follows the change log.
        if !crate::indexer::index_exists(&args.storage.index_dir)? {
            let progress = Arc::new(Progress::default());
            let shown = progress::show("index", "enregistrements", Arc::clone(&progress));
            let rebuilt = crate::indexer::rebuild(app.store(), &args.storage.index_dir, &progress).await;
            shown.finish().await;
            rebuilt?;
        }
        drop(app);
        let app = App::open_search_with(
            &args.storage.database.database_url,
            &args.storage.database.settings(),
            &args.storage.index_dir,
            crate::indexer::IndexerOptions::default(),
        )
        .await?;
        let progress = Arc::new(Progress::default());
        let first = app.index_lag().await?.map_or(0, |lag| lag.pending.max(0) as u64);
        progress.start(first);
        let shown = progress::show("index", "changements", Arc::clone(&progress));
        loop {
            let pending = app.index_lag().await?.map_or(0, |lag| lag.pending.max(0) as u64);
            progress.set_done(first.saturating_sub(pending));
            if pending == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        shown.finish().await;
        app.shutdown().await;
    }
    let summary = result?;
    let total = started.elapsed().as_secs_f64();
    if args.dry_run {
        eprintln!("vérifié en {} s, rien n'a été écrit : {summary}", crate::i18n::number(total, 1));
    } else {
        eprintln!(
            "importé en {} s (lecture {} s, base de données {} s, index {} s) : {summary}",
            crate::i18n::number(total, 1),
            crate::i18n::number(read, 1),
            crate::i18n::number(loaded - read, 1),
            crate::i18n::number(total - loaded, 1)
        );
    }
    Ok(())
}

/// Runs `retex export --format xlsx`: a workbook, written beside `--output` and moved there once
/// whole.
async fn export_workbook(args: &ExportArgs) -> Result<()> {
    let Some(output) = &args.output else {
        return Err(Error::invalid("output", "an XLSX export is a workbook file: give it with --output FILE.xlsx"));
    };
    let app = App::open_with(&args.database.database_url, &args.database.settings()).await?;
    let statuses: Vec<PublicationStatus> =
        if args.include_drafts { PublicationStatus::ALL.to_vec() } else { vec![PublicationStatus::Published] };
    let (bytes, counts) = app.export_workbook(&system(), &statuses).await?;
    let mut temporary = output.as_os_str().to_owned();
    temporary.push(".partial");
    let temporary = std::path::PathBuf::from(temporary);
    std::fs::write(&temporary, &bytes).and_then(|()| std::fs::rename(&temporary, output)).map_err(|err| {
        let _ = std::fs::remove_file(&temporary);
        Error::invalid("output", format!("{} cannot be written: {err}", output.display()))
    })?;
    eprintln!("exporté (xlsx, 1 fichier(s)) : {counts}");
    Ok(())
}

/// Runs `retex export`: the records in one format, to standard output (JSON, JSON Lines) or into
/// `--output` (a file for JSON and JSON Lines, a folder for CSV and Markdown).
pub async fn export(args: ExportArgs) -> Result<()> {
    let format = Format::from_name(&args.format).ok_or_else(|| {
        Error::invalid(
            "format",
            format!("`{}` is not an export format; use json, jsonl, csv, markdown or xlsx", args.format),
        )
    })?;
    if format == Format::Xlsx {
        return export_workbook(&args).await;
    }
    let several = matches!(format, Format::Csv | Format::Markdown);
    if several && args.output.is_none() {
        return Err(Error::invalid(
            "output",
            format!("a {} export is a folder of files: give it with --output DIR", format.name()),
        ));
    }
    let app = App::open_with(&args.database.database_url, &args.database.settings()).await?;
    // The output before any record is read: a path that cannot be written is said first. Files are
    // written under a `.partial` name (a file, or a folder beside the output folder) and take their
    // place once the export is whole; a failed export leaves the output as it was.
    let output = args.output.as_ref().map(|output| {
        let folder = several || output.is_dir();
        let mut name = output.as_os_str().to_owned();
        name.push(".partial");
        (std::path::PathBuf::from(name), output.clone(), folder)
    });
    let target = match &output {
        None => dataset::Target::Stream(Box::new(std::io::BufWriter::with_capacity(1 << 16, std::io::stdout()))),
        Some((temporary, output, folder)) => {
            if *folder {
                // What a failed earlier export may have left.
                let _ = std::fs::remove_dir_all(temporary);
            }
            let parent = if *folder { Some(temporary.as_path()) } else { temporary.parent() };
            if let Some(parent) = parent.filter(|parent| !parent.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|err| {
                    Error::invalid("output", format!("{} cannot be created: {err}", parent.display()))
                })?;
            }
            if *folder {
                dataset::Target::Folder(temporary.clone())
            } else {
                let file = std::fs::File::create(temporary).map_err(|err| {
                    Error::invalid("output", format!("{} cannot be written: {err}", output.display()))
                })?;
                dataset::Target::Stream(Box::new(std::io::BufWriter::with_capacity(1 << 16, file)))
            }
        }
    };
    let discard = |temporary: &std::path::Path, folder: bool| {
        let _ = if folder { std::fs::remove_dir_all(temporary) } else { std::fs::remove_file(temporary) };
    };
    let writer = match dataset::Writer::new(format, target) {
        Ok(writer) => writer.with_distribution(&args.licence, &args.source),
        Err(problem) => {
            if let Some((temporary, _, folder)) = &output {
                discard(temporary, *folder);
            }
            return Err(Error::invalid("output", problem));
        }
    };
    let statuses: Vec<PublicationStatus> =
        if args.include_drafts { PublicationStatus::ALL.to_vec() } else { vec![PublicationStatus::Published] };
    let progress = Arc::new(Progress::default());
    let shown = progress::show("export", "enregistrements", Arc::clone(&progress));
    let written = app.export_to(&system(), &statuses, &progress, writer).await;
    shown.finish().await;
    if let Some((temporary, output, folder)) = &output {
        let placed = match &written {
            Ok(_) if *folder => move_files(temporary, output),
            Ok(_) => std::fs::rename(temporary, output).map_err(|err| format!("{}: {err}", output.display())),
            Err(_) => Ok(()),
        };
        discard(temporary, *folder);
        placed.map_err(|problem| Error::invalid("output", format!("cannot be written: {problem}")))?;
    }
    let written = written?;
    eprintln!("exporté ({}, {} fichier(s)) : {}", format.name(), written.files, written.records);
    Ok(())
}

/// Moves every file under `from` to the same place under `to` (replacing files of the same name,
/// keeping the others).
fn move_files(from: &std::path::Path, to: &std::path::Path) -> std::result::Result<(), String> {
    std::fs::create_dir_all(to).map_err(|err| format!("{}: {err}", to.display()))?;
    for entry in std::fs::read_dir(from).map_err(|err| format!("{}: {err}", from.display()))? {
        let path = entry.map_err(|err| err.to_string())?.path();
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            move_files(&path, &target)?;
        } else {
            std::fs::rename(&path, &target).map_err(|err| format!("{}: {err}", target.display()))?;
        }
    }
    Ok(())
}

/// How to back up or restore a PostgreSQL base, which `retex backup|restore` leave to PostgreSQL's own
/// tools.
const POSTGRES_BACKUP: &str = "on PostgreSQL, back up with PostgreSQL's own tool while the servers run: \
`pg_dump --format=custom --file=retex.dump \"$RETEX_DATABASE_URL\"`; restore into an empty database with \
`pg_restore --no-owner --dbname=\"$RETEX_DATABASE_URL\" retex.dump`, then run `retex reindex` (see docs/OPERATIONS.md, « Backup and restore (PostgreSQL) »)";

fn contents(info: &crate::store::BackupInfo) -> String {
    let records: Vec<String> = info
        .records
        .iter()
        .map(|(table, count)| format!("{} {table}", crate::i18n::number(*count as f64, 0)))
        .collect();
    format!("{} ({} migrations)", records.join(", "), info.migrations)
}

/// Runs `retex backup`: a consistent copy of a SQLite base, written next to its place and moved
/// there once whole, while servers go on writing.
pub async fn backup(args: BackupArgs) -> Result<()> {
    if crate::store::sqlite_file(&args.database.database_url).is_none() {
        return Err(Error::invalid("database", POSTGRES_BACKUP));
    }
    let output = &args.output;
    if output.exists() {
        return Err(Error::invalid("output", format!("{} already exists: choose a new file", output.display())));
    }
    match output.parent().filter(|parent| !parent.as_os_str().is_empty()) {
        Some(parent) if !parent.is_dir() => {
            return Err(Error::invalid("output", format!("the folder {} does not exist", parent.display())));
        }
        _ => {}
    }
    let mut partial = output.as_os_str().to_owned();
    partial.push(".partial");
    let partial = std::path::PathBuf::from(partial);
    let _ = std::fs::remove_file(&partial);
    let store = crate::store::Store::connect_with(&args.database.database_url, &args.database.settings()).await?;
    store.migrate().await?;
    let written = store.backup_into(&partial).await;
    store.close().await?;
    if let Err(error) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(error);
    }
    let info = match crate::store::inspect_backup(&partial).await {
        Ok(info) => info,
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            return Err(error);
        }
    };
    std::fs::rename(&partial, output).map_err(|err| {
        let _ = std::fs::remove_file(&partial);
        Error::invalid("output", format!("cannot write {}: {err}", output.display()))
    })?;
    println!("sauvegarde écrite dans {} : {}", output.display(), contents(&info));
    Ok(())
}

/// Runs `retex restore`: checks the backup, copies it beside the base, upgrades the copy's schema,
/// then puts it in the base's place (once the base's write-ahead log is emptied, which fails while a
/// server uses it) and rebuilds the search index. Any failure before that last step leaves the base
/// as it was.
pub async fn restore(args: RestoreArgs) -> Result<()> {
    let url = &args.storage.database.database_url;
    let Some(target) = crate::store::sqlite_file(url) else {
        return Err(Error::invalid("database", POSTGRES_BACKUP));
    };
    let info = crate::store::inspect_backup(&args.input).await?;
    let settings = args.storage.database.settings();
    let existing = if target.exists() {
        let store = crate::store::Store::connect_with(url, &settings).await?;
        let held = match crate::store::inspect_backup(&target).await {
            Ok(info) => info.records.iter().map(|(_, count)| count).sum::<i64>(),
            // An empty file, or one without retex's tables yet.
            Err(_) => 0,
        };
        if held > 0 && !args.replace {
            store.close().await?;
            return Err(Error::invalid(
                "replace",
                format!(
                    "the base at {} holds {held} records: add --replace to put the backup in its place \
                     (stop the servers that use it first)",
                    target.display()
                ),
            ));
        }
        Some(store)
    } else {
        None
    };
    let mut partial = target.as_os_str().to_owned();
    partial.push(".restoring");
    let partial = std::path::PathBuf::from(partial);
    let _ = std::fs::remove_file(&partial);
    let prepared: Result<()> = async {
        std::fs::copy(&args.input, &partial)
            .map_err(|err| Error::invalid("input", format!("cannot copy {}: {err}", args.input.display())))?;
        let partial_url = format!("sqlite://{}", partial.display());
        // A backup of an older version is brought up to this one's schema.
        let copy = crate::store::Store::connect_with(&partial_url, &settings).await?;
        copy.migrate().await?;
        copy.checkpoint().await?;
        copy.close().await
    }
    .await;
    if let Err(error) = prepared {
        let _ = std::fs::remove_file(&partial);
        return Err(error);
    }
    if let Some(store) = existing {
        if let Err(error) = store.checkpoint().await {
            let _ = std::fs::remove_file(&partial);
            return Err(error);
        }
        store.close().await?;
    }
    for suffix in ["-wal", "-shm"] {
        let mut side = target.as_os_str().to_owned();
        side.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(side));
        let mut side = partial.as_os_str().to_owned();
        side.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(side));
    }
    std::fs::rename(&partial, &target)
        .map_err(|err| Error::internal(format!("cannot move the restored base into place: {err}")))?;
    let app = App::open_with(url, &settings).await?;
    let progress = Arc::new(Progress::default());
    let shown = progress::show("index", "enregistrements", Arc::clone(&progress));
    let rebuilt = crate::indexer::rebuild(app.store(), &args.storage.index_dir, &progress).await;
    shown.finish().await;
    rebuilt?;
    println!("{} restaurée depuis {} : {}", target.display(), args.input.display(), contents(&info));
    Ok(())
}

/// Runs relevance suites, each corpus on a fresh base in a temporary folder (removed after): the
/// suite files on the demo data, then the generated corpus.
pub async fn relevance(args: RelevanceArgs) -> Result<()> {
    use crate::relevance::{Suite, generated};
    let mut runs: Vec<(String, Option<serde_json::Value>, Suite)> = Vec::new();
    for path in &args.suites {
        let text = std::fs::read_to_string(path)
            .map_err(|err| Error::invalid("suite", format!("cannot read {}: {err}", path.display())))?;
        let suite = Suite::parse(&text)?;
        if suite.corpus != "demo" {
            return Err(Error::invalid(
                "corpus",
                format!("{}: `{}` is not a known corpus (`demo`)", path.display(), suite.corpus),
            ));
        }
        runs.push((path.display().to_string(), None, suite));
    }
    if args.generated > 0 {
        let (dataset, suite) = generated::corpus(args.generated);
        runs.push((format!("corpus généré ({} fiches)", args.generated), Some(dataset), suite));
    }
    if !args.advice_only {
        for (name, dataset, suite) in runs {
            relevance_run(&name, dataset, &suite, &args).await?;
        }
    }
    advice_run("Conseils, leave-one-out — démo", None).await?;
    if args.advice_generated > 0 {
        let dataset = crate::relevance::advice::corpus(args.advice_generated);
        let name = format!("Conseils, leave-one-out — base générée ({} fiches)", args.advice_generated);
        advice_run(&name, Some(dataset)).await?;
    }
    Ok(())
}

/// Opens a fresh base in `folder` holding the demo data, or `dataset`.
async fn fresh_base(folder: &std::path::Path, dataset: Option<serde_json::Value>) -> Result<App> {
    std::fs::create_dir_all(folder).map_err(Error::internal)?;
    let url = format!("sqlite://{}?mode=rwc", folder.join("retex.db").display());
    let app = App::open_with_search(&url, &folder.join("index")).await?;
    match dataset {
        None => {
            crate::demo::load_if_empty(&app).await?;
        }
        Some(dataset) => {
            let dataset: dataset::Dataset = serde_json::from_value(dataset).map_err(Error::internal)?;
            app.load_dataset(&Viewer::System { name: "pertinence".into() }, &dataset).await?;
        }
    }
    Ok(app)
}

/// Runs the leave-one-out evaluation of advice on a fresh base and prints its table.
async fn advice_run(name: &str, dataset: Option<serde_json::Value>) -> Result<()> {
    use crate::relevance::advice::{leave_one_out, table};
    let folder = std::env::temp_dir().join(format!("retex-advice-{}-{}", std::process::id(), dataset.is_some()));
    let outcome = async {
        let app = fresh_base(&folder, dataset).await?;
        let metrics = leave_one_out(&app).await;
        app.shutdown().await;
        println!("{name}\n{}", table(&metrics?));
        Ok::<_, Error>(())
    }
    .await;
    let _ = std::fs::remove_dir_all(&folder);
    outcome
}

async fn relevance_run(
    name: &str,
    dataset: Option<serde_json::Value>,
    suite: &crate::relevance::Suite,
    args: &RelevanceArgs,
) -> Result<()> {
    use crate::relevance::{by_category, evaluate, table};
    let folder = std::env::temp_dir().join(format!("retex-relevance-{}-{}", std::process::id(), suite.corpus));
    let outcome = async {
        let app = fresh_base(&folder, dataset).await?;
        let scored = evaluate(&app, suite, args.literal).await?;
        println!("{name} ({} requêtes)\n{}", scored.len(), table(&by_category(&scored)));
        if args.misses {
            for query in scored.iter().filter(|query| !query.missed.is_empty()) {
                println!(
                    "  {} [{}] « {} » manque : {}",
                    query.id,
                    query.category,
                    query.query,
                    query.missed.join(", ")
                );
            }
        }
        app.shutdown().await;
        Ok::<_, Error>(())
    }
    .await;
    let _ = std::fs::remove_dir_all(&folder);
    outcome
}

fn vocabulary_value<T: Vocabulary>(option: &str, raw: Option<&str>) -> Result<Option<T>> {
    raw.map(|raw| {
        T::from_code_or_label(raw).ok_or_else(|| {
            let known: Vec<&str> = T::ALL.iter().map(|value| value.code()).collect();
            Error::invalid(option, format!("`{raw}` is not a value of {} ({})", T::NAME, known.join(", ")))
        })
    })
    .transpose()
}

/// Writes a capitalisation guide in Markdown, from published records only.
pub async fn guide(args: GuideArgs) -> Result<()> {
    let theme = vocabulary_value::<Theme>("--theme", args.theme.as_deref())?;
    let activity_type = vocabulary_value::<ActivityType>("--activity", args.activity.as_deref())?;
    let app = App::open_with(&args.database.database_url, &args.database.settings()).await?;
    let programme = match args.programme.as_deref() {
        Some(reference) => Some(resolve::<ProgrammeFields>(&app, "--programme", reference).await?),
        None => None,
    };
    let guide = app.guide(&crate::app::GuideScope { theme, activity_type, programme }).await;
    app.shutdown().await;
    let markdown = guide?.markdown();
    match &args.output {
        Some(path) => std::fs::write(path, markdown)
            .map_err(|err| Error::invalid("--output", format!("cannot write {}: {err}", path.display())))?,
        None => print!("{markdown}"),
    }
    Ok(())
}
