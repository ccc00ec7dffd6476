//! The speed benchmark: `cargo bench --bench speed`. Prints figures; asserts nothing.
//!
//! For each corpus size (`RETEX_BENCH_SIZES`, "10000,100000" by default), on a generated French
//! corpus with a realistic word-frequency distribution (`support/zipf_corpus.rs`, the 30,000 most
//! frequent French words by their frequencies, with the domain's expressions at graded rates):
//!
//! 1. Loads it into SQLite and builds the index; loads the same texts into PostgreSQL full-text
//!    search (french with unaccent, GIN, `websearch_to_tsquery`, `ts_rank`), when PostgreSQL answers
//!    at `RETEX_BENCH_POSTGRES_URL` (the local server by default).
//! 2. Runs 50 queries (terms, AND, OR, phrases, typos, filters, facets), top 10 with the total count,
//!    interleaved, `RETEX_BENCH_ITERATIONS` times (20 by default), five ways on the same corpus:
//!    tantivy alone (its query parser over the stemmed fields), retex's search layer, the GraphQL
//!    schema in-process, GraphQL over HTTP against `retex serve`, and PostgreSQL. p50/p99 and the
//!    ratio to tantivy alone, measured in the same run.
//! 3. Prints where the time of a search goes: HTTP and middleware, GraphQL parse/validate/execute,
//!    the hop to the blocking pool, reading the words, building the query, collecting (ranking,
//!    counting), reading the hits' cards, snippets, and what reading the records from the database
//!    costs when a query asks for more than the cards hold.
//! 4. Throughput of `retex serve`: a common word and a common phrase, 16 connections of a
//!    closed-loop load generator on the same machine (`support/load.rs`), with errors, the cores the
//!    server kept busy and its resident memory.
//!
//! `RETEX_BENCH_KEEP=DIR` keeps the databases and indexes in DIR (one folder per size) and reuses
//! them on the next run.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use retex::app::App;
use retex::domain::Viewer;
use retex::graphql::{self, transport};
use retex::search::SearchRequest;
use serde_json::json;

#[path = "support/load.rs"]
mod load;
#[path = "support/postgres_fts.rs"]
mod postgres_fts;
#[path = "support/seeded.rs"]
mod seeded;
#[path = "support/zipf_corpus.rs"]
mod zipf_corpus;

use zipf_corpus::BenchQuery;

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// A search page as the measure asks it: top 10 with the total count, what a hit shows.
const SEARCH: &str = "query($q: String!, $filter: SearchFilter, $facets: [SearchDimension!]) {
  search(query: $q, filter: $filter, facets: $facets, first: 10) {
    totalCount
    hits { score node { __typename id ... on ProjectSheet { title slug } ... on Lesson { title slug } ... on Programme { name } ... on Organisation { name } } }
    facets { dimension values { value count } }
  }
}";

/// The same page, asking a field the cards do not hold (the sheets' themes): the records are read
/// from the database.
const SEARCH_DEEP: &str = "query($q: String!, $filter: SearchFilter, $facets: [SearchDimension!]) {
  search(query: $q, filter: $filter, facets: $facets, first: 10) {
    totalCount
    hits { score node { __typename id ... on ProjectSheet { title slug themes } ... on Lesson { title slug themes } ... on Programme { name } ... on Organisation { name } } }
    facets { dimension values { value count } }
  }
}";

/// The same page with the hits' snippets.
const SEARCH_SNIPPETS: &str = "query($q: String!, $filter: SearchFilter, $facets: [SearchDimension!]) {
  search(query: $q, filter: $filter, facets: $facets, first: 10) {
    totalCount
    hits { score snippets { field html } node { __typename id ... on ProjectSheet { title slug } ... on Lesson { title slug } ... on Programme { name } ... on Organisation { name } } }
    facets { dimension values { value count } }
  }
}";

const FACETS: [&str; 3] = ["THEME", "PROGRAMME", "STATUS"];

fn body(document: &str, query: &BenchQuery) -> String {
    let facets = if query.facets { json!(FACETS) } else { serde_json::Value::Null };
    json!({ "query": document, "variables": { "q": query.text, "filter": query.filter, "facets": facets } }).to_string()
}

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index].as_secs_f64() * 1000.0
}

fn mean_ms(samples: &[Duration]) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    samples.iter().map(Duration::as_secs_f64).sum::<f64>() * 1000.0 / samples.len() as f64
}

/// The request of the retex layer for a bench query (top 10 with the count; facets when asked).
fn request(query: &BenchQuery) -> Result<SearchRequest, Failure> {
    let mut request = SearchRequest { text: query.text.clone(), limit: 10, count: true, ..SearchRequest::default() };
    if query.facets {
        request.facets = vec![
            retex::search::Dimension::Theme,
            retex::search::Dimension::Programme,
            retex::search::Dimension::Status,
        ];
    }
    if let Some(kinds) = query.filter.get("kinds").and_then(|kinds| kinds.as_array()) {
        request.kinds = kinds
            .iter()
            .filter_map(|kind| kind.as_str())
            .filter_map(|kind| retex::domain::Kind::parse(&kind.to_lowercase()))
            .collect();
    }
    for (key, dimension) in [
        ("themes", retex::search::Dimension::Theme),
        ("territoryTypes", retex::search::Dimension::TerritoryType),
        ("statuses", retex::search::Dimension::Status),
        ("polarities", retex::search::Dimension::Polarity),
        ("phases", retex::search::Dimension::Phase),
        ("regions", retex::search::Dimension::Region),
    ] {
        if let Some(values) = query.filter.get(key).and_then(|values| values.as_array()) {
            request.filters.push((dimension, values.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()));
        }
    }
    let year = |key: &str| query.filter.get(key).and_then(|year| year.as_i64()).map(|year| year as i32);
    if year("yearFrom").is_some() || year("yearTo").is_some() {
        request.years = Some((year("yearFrom").unwrap_or(1900), year("yearTo").unwrap_or(2100)));
    }
    Ok(request)
}

/// Runs a GraphQL request body through the schema in-process, as an anonymous caller; returns the
/// response body.
async fn in_process(schema: &graphql::RetexSchema, app: &App, body: &str) -> Result<Vec<u8>, Failure> {
    let request = transport::from_json_body(body.as_bytes())?;
    Ok(transport::run(schema, app, Viewer::Anonymous, request, usize::MAX, retex::i18n::Language::French).await.body)
}

/// A `retex serve` process on a database and an index.
struct Server {
    child: std::process::Child,
    addr: SocketAddr,
}

impl Server {
    async fn start(url: &str, index_dir: &std::path::Path) -> Result<Self, Failure> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse()?;
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_retex"))
            .args(["serve", "--database-url", url, "--listen", &addr.to_string(), "--rate-limit-per-minute", "0"])
            .arg("--index-dir")
            .arg(index_dir)
            .env("RUST_LOG", "warn")
            .spawn()?;
        let mut server = Server { child, addr };
        let client = reqwest::Client::new();
        let started = Instant::now();
        while client.get(format!("http://{addr}/healthz")).send().await.is_err() {
            if started.elapsed() > Duration::from_secs(120) {
                server.stop();
                return Err("the server did not start".into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(server)
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let sizes: Vec<usize> = std::env::var("RETEX_BENCH_SIZES")
        .unwrap_or_else(|_| "10000,100000".into())
        .split(',')
        .filter_map(|size| size.trim().parse().ok())
        .collect();
    let iterations: usize = std::env::var("RETEX_BENCH_ITERATIONS").ok().and_then(|raw| raw.parse().ok()).unwrap_or(20);
    let kept = std::env::var("RETEX_BENCH_KEEP").ok().filter(|dir| !dir.is_empty()).map(std::path::PathBuf::from);
    let postgres =
        std::env::var("RETEX_BENCH_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    println!(
        "retex speed benchmark: {} queries × {iterations} runs; {}",
        zipf_corpus::queries().len(),
        zipf_corpus::words_of_corpus_note()
    );
    for size in sizes {
        let temporary = tempfile::tempdir()?;
        let dir = match &kept {
            Some(kept) => kept.join(format!("speed-{size}")),
            None => temporary.path().to_owned(),
        };
        run(size, &dir, &postgres, iterations).await?;
    }
    Ok(())
}

async fn run(sheets: usize, dir: &std::path::Path, postgres: &str, iterations: usize) -> Result<(), Failure> {
    std::fs::create_dir_all(dir)?;
    let url = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
    let index_dir = dir.join("index");
    let reuse = index_dir.join("CURRENT").exists();
    println!("\n=== {sheets} sheets, {} lessons", sheets / 5);
    let dataset = zipf_corpus::corpus(sheets, 17);
    if !reuse {
        let app = App::open(&url).await?;
        let started = Instant::now();
        app.load_dataset(&Viewer::System { name: "bench".into() }, &dataset).await?;
        println!("load into SQLite                {:>8.1} s", started.elapsed().as_secs_f64());
        let stats = retex::indexer::rebuild(app.store(), &index_dir, &retex::domain::Progress::default()).await?;
        println!(
            "index from the database         {:>8.1} s; index {:.1} MB, {} documents",
            stats.database_seconds + stats.index_seconds,
            stats.bytes as f64 / 1e6,
            stats.documents
        );
        app.shutdown().await;
    }

    // `retex serve` runs on its own copy: one index has one writer, and the in-process App holds it.
    let serve_dir = dir.join("serve");
    if !serve_dir.join("index").join("CURRENT").exists() {
        copy_dir(dir, &serve_dir, &["serve"])?;
    }
    let serve_url = format!("sqlite://{}?mode=rwc", serve_dir.join("bench.db").display());

    // PostgreSQL full-text search on the same texts (published sheets and lessons, as the index).
    let fts = match postgres_fts::PgFts::create(postgres).await {
        Ok(fts) => {
            let docs: Vec<(i64, String, String, String)> = dataset
                .sheets
                .iter()
                .filter(|sheet| sheet.publication_status.as_deref().unwrap_or("PUBLISHED") == "PUBLISHED")
                .enumerate()
                .map(|(i, sheet)| (i as i64, sheet.title.clone(), sheet.summary.clone(), sheet.body.clone()))
                .chain(dataset.lessons.iter().enumerate().map(|(i, lesson)| {
                    (
                        (dataset.sheets.len() + i) as i64,
                        lesson.title.clone(),
                        lesson.lesson.clone(),
                        format!("{}\n\n{}", lesson.context, lesson.recommendation),
                    )
                }))
                .collect();
            let seconds = fts.load(&docs).await?;
            println!("PostgreSQL FTS load + GIN       {seconds:>8.1} s; {:.1} MB", fts.size_mb().await);
            Some(fts)
        }
        Err(error) => {
            println!("PostgreSQL FTS: left out ({error})");
            None
        }
    };
    drop(dataset);

    let app = App::open_with_search(&url, &index_dir).await?;
    let index = app.search_index().ok_or("search is off")?;
    let schema = graphql::schema(app.clone());
    let public = Viewer::Anonymous;
    let queries = zipf_corpus::queries();
    let server = Server::start(&serve_url, &serve_dir.join("index")).await?;
    let client = reqwest::Client::new();
    let endpoint = format!("http://{}/graphql", server.addr);

    // Warm up every path once, and check every query runs.
    for query in &queries {
        let response = in_process(&schema, &app, &body(SEARCH, query)).await?;
        let value: serde_json::Value = serde_json::from_slice(&response)?;
        if value.get("errors").is_some() {
            return Err(format!("query {:?} failed: {value}", query.text).into());
        }
        client.post(&endpoint).body(body(SEARCH, query)).header("content-type", "application/json").send().await?;
    }

    #[derive(Default)]
    struct Rows {
        raw: Vec<Duration>,
        layer: Vec<Duration>,
        api: Vec<Duration>,
        http: Vec<Duration>,
        pg: Vec<Duration>,
    }
    let mut rows = Rows::default();
    let mut by_class: std::collections::BTreeMap<&str, Rows> = std::collections::BTreeMap::new();
    let mut profile: Vec<retex::search::Timings> = Vec::new();
    for _ in 0..iterations {
        for query in &queries {
            let class = by_class.entry(query.class).or_default();
            let started = Instant::now();
            let text = query.text.clone();
            let searcher = index.clone();
            tokio::task::spawn_blocking(move || searcher.raw_search(&text, 10)).await??;
            let elapsed = started.elapsed();
            rows.raw.push(elapsed);
            class.raw.push(elapsed);

            let started = Instant::now();
            let page = app.search(&public, request(query)?, None).await?;
            let elapsed = started.elapsed();
            rows.layer.push(elapsed);
            class.layer.push(elapsed);
            profile.push(page.timings);

            let started = Instant::now();
            let response = in_process(&schema, &app, &body(SEARCH, query)).await?;
            let elapsed = started.elapsed();
            std::hint::black_box(response);
            rows.api.push(elapsed);
            class.api.push(elapsed);

            let started = Instant::now();
            let answer = client
                .post(&endpoint)
                .body(body(SEARCH, query))
                .header("content-type", "application/json")
                .send()
                .await?
                .bytes()
                .await?;
            let elapsed = started.elapsed();
            std::hint::black_box(answer);
            rows.http.push(elapsed);
            class.http.push(elapsed);

            if let Some(fts) = &fts {
                let started = Instant::now();
                fts.search(&query.text, 10).await?;
                let elapsed = started.elapsed();
                rows.pg.push(elapsed);
                class.pg.push(elapsed);
            }
        }
    }
    let raw50 = percentile(&mut rows.raw, 0.5);
    let raw99 = percentile(&mut rows.raw, 0.99);
    println!("search, top 10 + total count ({sheets} sheets)     p50 ms   p99 ms   p50 ratio  p99 ratio");
    for (name, samples) in [
        ("tantivy alone (query parser)", &mut rows.raw),
        ("retex search layer", &mut rows.layer),
        ("GraphQL in-process", &mut rows.api),
        ("GraphQL over HTTP (retex serve)", &mut rows.http),
        ("PostgreSQL FTS (GIN, ts_rank)", &mut rows.pg),
    ] {
        let (p50, p99) = (percentile(samples, 0.5), percentile(samples, 0.99));
        println!("  {name:<40} {p50:>8.2} {p99:>8.2}   {:>7.1}×  {:>7.1}×", p50 / raw50, p99 / raw99);
    }
    println!("  GraphQL over HTTP minus tantivy alone, p50: {:.2} ms", percentile(&mut rows.http, 0.5) - raw50);
    println!("p50 by class (ms)        tantivy    layer  GraphQL     HTTP  PostgreSQL");
    for (class, samples) in &mut by_class {
        println!(
            "  {class:<20} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
            percentile(&mut samples.raw, 0.5),
            percentile(&mut samples.layer, 0.5),
            percentile(&mut samples.api, 0.5),
            percentile(&mut samples.http, 0.5),
            percentile(&mut samples.pg, 0.5)
        );
    }

    where_time_goes(&schema, &app, &client, &endpoint, &queries, &profile, iterations).await?;
    throughput(&server, &index_dir).await?;
    if let Some(fts) = fts {
        fts.drop_schema().await?;
    }
    drop(server);
    app.shutdown().await;
    Ok(())
}

/// Copies a folder (a database and its index), leaving out the entries named in `skip`.
fn copy_dir(from: &std::path::Path, to: &std::path::Path, skip: &[&str]) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if skip.iter().any(|name| entry.file_name() == *name) {
            continue;
        }
        let target = to.join(entry.file_name());
        let copied = match entry.file_type() {
            Ok(kind) if kind.is_dir() => copy_dir(&entry.path(), &target, &[]),
            Ok(_) => std::fs::copy(entry.path(), target).map(|_| ()),
            Err(error) => Err(error),
        };
        // A database's journal may be removed while the folder is read (the database is closed).
        match copied {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(error),
            _ => {}
        }
    }
    Ok(())
}

/// Prints where the time of a search goes, each part measured on its own over the same queries.
async fn where_time_goes(
    schema: &graphql::RetexSchema,
    app: &App,
    client: &reqwest::Client,
    endpoint: &str,
    queries: &[BenchQuery],
    profile: &[retex::search::Timings],
    iterations: usize,
) -> Result<(), Failure> {
    let trivial = json!({ "query": "{ __typename }" }).to_string();
    let (mut http_trivial, mut api_trivial, mut hop) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..iterations * 10 {
        let started = Instant::now();
        client
            .post(endpoint)
            .body(trivial.clone())
            .header("content-type", "application/json")
            .send()
            .await?
            .bytes()
            .await?;
        http_trivial.push(started.elapsed());
        let started = Instant::now();
        in_process(schema, app, &trivial).await?;
        api_trivial.push(started.elapsed());
        let started = Instant::now();
        tokio::task::spawn_blocking(|| ()).await?;
        hop.push(started.elapsed());
    }
    let (mut cards, mut deep, mut snippets) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..iterations.div_ceil(4) {
        for query in queries {
            for (document, samples) in
                [(SEARCH, &mut cards), (SEARCH_DEEP, &mut deep), (SEARCH_SNIPPETS, &mut snippets)]
            {
                let started = Instant::now();
                let response = in_process(schema, app, &body(document, query)).await?;
                samples.push(started.elapsed());
                std::hint::black_box(response);
            }
        }
    }
    let part = |f: fn(&retex::search::Timings) -> Duration| -> Vec<Duration> { profile.iter().map(f).collect() };
    println!("where the time of a search goes (mean ms over the queries)");
    println!(
        "  HTTP, middleware and JSON (a `{{ __typename }}` over HTTP minus in-process) {:>7.3}",
        mean_ms(&http_trivial) - mean_ms(&api_trivial)
    );
    println!(
        "  GraphQL parse, validate, execute (a `{{ __typename }}` in-process)      {:>7.3}",
        mean_ms(&api_trivial)
    );
    println!("  hop to the blocking pool and back                                   {:>7.3}", mean_ms(&hop));
    println!(
        "  reading the filters the words name                                  {:>7.3}",
        mean_ms(&part(|t| t.interpret))
    );
    println!(
        "  parsing and building the query                                      {:>7.3}",
        mean_ms(&part(|t| t.build))
    );
    println!(
        "  collecting: ranking the page, counting, facets                      {:>7.3}",
        mean_ms(&part(|t| t.collect))
    );
    println!(
        "  reading the hits' cards from the index                              {:>7.3}",
        mean_ms(&part(|t| t.cards))
    );
    println!("  the whole page through GraphQL (cards only)                         {:>7.3}", mean_ms(&cards));
    println!(
        "  + snippets                                                          {:>7.3}",
        mean_ms(&snippets) - mean_ms(&cards)
    );
    println!(
        "  + a field beyond the cards (records read from the database)         {:>7.3}",
        mean_ms(&deep) - mean_ms(&cards)
    );
    Ok(())
}

/// Searches per second that `retex serve` answers for a common word and a common phrase, 16
/// connections of a closed-loop generator on the same machine.
async fn throughput(server: &Server, _index_dir: &std::path::Path) -> Result<(), Failure> {
    let pid = server.child.id();
    println!(
        "throughput of retex serve, 16 connections, 10 s each after 2 s of warm-up (load generator on the same machine)"
    );
    println!(
        "  query                               req/s    p50 ms   p99 ms  errors  server cores  machine busy  RSS MB"
    );
    for (name, text) in [
        ("« mobilité »", "mobilité"),
        ("« projet » (in most records)", "projet"),
        ("« porteur de projet »", "porteur de projet"),
        ("« \"porteur de projet\" »", "\"porteur de projet\""),
        ("« \"étude d'opportunité\" »", "\"étude d'opportunité\""),
    ] {
        let query = BenchQuery { class: "load", text: text.into(), filter: json!({}), facets: false };
        let report = load::closed_loop(
            server.addr,
            "/graphql",
            vec![body(SEARCH, &query).into_bytes()],
            16,
            Duration::from_secs(2),
            Duration::from_secs(10),
            pid,
        )
        .await?;
        println!(
            "  {name:<32} {:>8.0} {:>9.2} {:>8.2} {:>7} {:>13.2} {:>12.0}% {:>7.0}",
            report.per_second,
            report.p50_ms,
            report.p99_ms,
            report.errors,
            report.server_cpu_cores,
            report.machine_cpu_busy * 100.0,
            load::rss_mb(pid)
        );
    }
    println!("  retex serve peak resident memory: {:.0} MB", load::hwm_mb(pid));
    Ok(())
}
