//! The `newsdesk` command: serves the API by default.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use newsdesk::api::AppState;
use newsdesk::config::{DatabaseConfig, ServeConfig};
use newsdesk::server::{shutdown_signal, Server};
use newsdesk::store::tokens::Role;
use newsdesk::store::{Store, StoreOptions};

#[derive(Debug, Parser)]
#[command(
    name = "newsdesk",
    version,
    about = "Scraped news text in; clean, searchable, linked articles out."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    /// Settings of `serve`, which runs when no subcommand is given.
    #[command(flatten)]
    serve: ServeConfig,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API (the default).
    Serve(ServeConfig),
    /// Re-run entity extraction on stored articles with the current dictionary.
    Reprocess {
        /// Every live article.
        #[arg(long, conflicts_with = "articles")]
        all: bool,
        /// Ids or slugs of the articles to reprocess.
        articles: Vec<String>,
        #[command(flatten)]
        database: DatabaseConfig,
    },
    /// Fill the database with realistic articles through the real ingest path.
    Seed {
        /// How many articles.
        #[arg(long, default_value_t = 1000)]
        articles: usize,
        /// Number of the first seed article (seeds are deterministic; a new start gives new ones).
        #[arg(long, default_value_t = 0)]
        start: usize,
        /// Articles stored per transaction.
        #[arg(long, default_value_t = 500)]
        chunk: usize,
        /// Print the articles' envelopes as NDJSON (a body for `POST /v1/ingest/batch`) instead
        /// of storing them.
        #[arg(long)]
        ndjson: bool,
        #[command(flatten)]
        database: DatabaseConfig,
    },
    /// Score the normalizer on the development set (shingle F1 per set, title exact-match).
    Eval {
        /// The dev-set folder (with aeb/, aeb_text/, aeb_text_main/, indic/, wcxb/).
        #[arg(long, default_value = "../shared/devset")]
        devset: std::path::PathBuf,
        /// Comma-separated sets (default all: aeb_text, aeb_text_main, aeb_html, indic,
        /// wcxb_html, wcxb_text, wcxb_text_main).
        #[arg(long, value_delimiter = ',')]
        sets: Vec<String>,
        /// Write each page's body and a per-page table (pages.tsv) into this folder.
        #[arg(long)]
        dump: Option<std::path::PathBuf>,
        /// List the N lowest-scoring pages of each set.
        #[arg(long, default_value_t = 0)]
        worst: usize,
        /// Score publication dates and authors on WCXB's pages instead (date accuracy, wrong
        /// dates, author precision and recall, by half); `--dump` writes meta.tsv.
        #[arg(long)]
        meta: bool,
    },
    /// Copy every row of a SQLite database into a new, empty PostgreSQL database, all or
    /// nothing; the row counts of every table are checked before the copy is committed.
    Copy {
        /// The source: `sqlite://…`.
        #[arg(long)]
        from: String,
        /// The destination: `postgres://…` (migrated first; must hold no rows).
        #[arg(long)]
        to: String,
    },
    /// Remove articles for good (live or deleted): rows, search entries, kept documents and the
    /// saved answers of the requests that created them. Cannot be undone.
    Purge {
        /// Ids or slugs of the articles to purge.
        #[arg(required = true)]
        articles: Vec<String>,
        #[command(flatten)]
        database: DatabaseConfig,
    },
    /// Write an online, consistent copy of the database to PATH (a new file; SQLite's
    /// `VACUUM INTO`: the server keeps serving and writing meanwhile). For PostgreSQL this runs
    /// `pg_dump --format=custom`.
    Backup {
        /// Where the copy goes; must not exist.
        path: std::path::PathBuf,
        #[command(flatten)]
        database: DatabaseConfig,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create a token and print its secret (shown only this once).
    Create {
        /// Who or what the token is for.
        #[arg(long)]
        name: String,
        /// What it may do.
        #[arg(long, value_enum, default_value = "editor")]
        role: RoleArg,
        #[command(flatten)]
        database: DatabaseConfig,
    },
    /// List the live tokens: id, name, role, when created (never a secret; the secrets are not
    /// stored).
    List {
        /// Revoked tokens too, with when they were revoked.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        database: DatabaseConfig,
    },
    /// Revoke a token by its id, or by its name (when one live token has it).
    #[command(group(clap::ArgGroup::new("which").required(true).args(["id", "name"])))]
    Revoke {
        id: Option<String>,
        /// The name the token was created with.
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        database: DatabaseConfig,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum RoleArg {
    Reader,
    Editor,
    Admin,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Role {
        match role {
            RoleArg::Reader => Role::Reader,
            RoleArg::Editor => Role::Editor,
            RoleArg::Admin => Role::Admin,
        }
    }
}

/// glibc gives each thread that allocates its own malloc arena, and freed memory stays in them:
/// with the runtime's workers and SQLite's threads all allocating, RSS under the load suite was
/// 108 MB with the default and 71 MB with two arenas, at the same throughput.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    // SAFETY: mallopt only sets an allocator parameter; it runs before any thread is started.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}

fn main() -> ExitCode {
    limit_malloc_arenas();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("newsdesk: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            None => serve(cli.serve).await,
            Some(Command::Serve(config)) => serve(config).await,
            Some(Command::Token { command }) => token(command).await,
            Some(Command::Copy { from, to }) => copy(&from, &to).await,
            Some(Command::Purge { articles, database }) => purge(articles, database).await,
            Some(Command::Backup { path, database }) => backup(path, database).await,
            Some(Command::Eval {
                devset,
                sets,
                dump,
                worst,
                meta,
            }) => {
                if !devset.is_dir() {
                    return Err(format!("no dev set at {}", devset.display()));
                }
                if meta {
                    let report = newsdesk::eval::run_meta(&devset);
                    println!("{report}");
                    if let Some(dir) = dump {
                        report
                            .dump(&dir)
                            .map_err(|e| format!("cannot write {}: {e}", dir.display()))?;
                    }
                    return Ok(());
                }
                let mut options = newsdesk::eval::EvalOptions::default();
                if !sets.is_empty() {
                    if let Some(bad) = sets
                        .iter()
                        .find(|s| !newsdesk::eval::ALL_SETS.contains(&s.as_str()))
                    {
                        return Err(format!(
                            "unknown set {bad:?}; choose from {}",
                            newsdesk::eval::ALL_SETS.join(", ")
                        ));
                    }
                    options.sets = sets;
                }
                let report = newsdesk::eval::run(&devset, &options);
                println!("{report}");
                print!("{}", report.worst(worst));
                if let Some(dir) = dump {
                    report
                        .dump(&dir)
                        .map_err(|e| format!("cannot write {}: {e}", dir.display()))?;
                }
                Ok(())
            }
            Some(Command::Seed {
                articles,
                start,
                ndjson: true,
                ..
            }) => print_seed_envelopes(start, articles),
            Some(Command::Seed {
                articles,
                start,
                chunk,
                ndjson: false,
                database,
            }) => seed(articles, start, chunk, database).await,
            Some(Command::Reprocess {
                all,
                articles,
                database,
            }) => reprocess(all, articles, database).await,
        }
    });
    // A normalizer thread still working on a page (bounded by its time budget) does not hold
    // the process after the server has stopped and closed the database.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("newsdesk: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: ServeConfig) -> Result<(), String> {
    newsdesk::telemetry::init(config.log_format);
    let server = Server::bind(config).await.map_err(|e| e.to_string())?;
    let addr = server.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(%addr, version = env!("CARGO_PKG_VERSION"), "newsdesk listening");
    server.run(shutdown_signal()).await;
    tracing::info!("stopped cleanly");
    Ok(())
}

async fn open(database: &DatabaseConfig) -> Result<Store, String> {
    let mut options = StoreOptions::new(&database.database_url);
    options.read_connections = 1;
    // Commands read whole tables (copy, reprocess): no per-read deadline.
    options.statement_timeout = None;
    Store::open(&options).await.map_err(|e| e.to_string())
}

/// Copies a SQLite database into an empty PostgreSQL one and prints the rows per table.
async fn copy(from: &str, to: &str) -> Result<(), String> {
    if newsdesk::store::is_postgres_url(from) || !newsdesk::store::is_postgres_url(to) {
        return Err("copy goes from --from sqlite://… to --to postgres://…".into());
    }
    let source = open(&DatabaseConfig {
        database_url: from.to_owned(),
        read_connections: 1,
        search_window: 0,
        statement_timeout_ms: 0,
    })
    .await?;
    let destination = open(&DatabaseConfig {
        database_url: to.to_owned(),
        read_connections: 1,
        search_window: 0,
        statement_timeout_ms: 0,
    })
    .await?;
    let started = std::time::Instant::now();
    let copied = newsdesk::store::copy::copy(&source, &destination).await;
    source.close().await;
    destination.close().await;
    let report = copied.map_err(|e| format!("nothing was copied: {e}"))?;
    for (table, rows) in &report {
        println!("{table}\t{rows}");
    }
    eprintln!(
        "copied and checked {} tables in {:.1} s",
        report.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Writes seed envelopes `start..start + count` to stdout, one JSON object a line.
fn print_seed_envelopes(start: usize, count: usize) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    newsdesk::seed::write_ndjson(&mut out, start, count).map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())
}

async fn seed(
    count: usize,
    start: usize,
    chunk: usize,
    database: DatabaseConfig,
) -> Result<(), String> {
    let store = open(&database).await?;
    let started = std::time::Instant::now();
    let report = newsdesk::seed::seed(&store, start, count, chunk, |done| {
        if done % 10_000 == 0 || done == count {
            eprintln!("seeded {done}/{count}");
        }
    })
    .await
    .map_err(|e| e.to_string())?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "created {}, duplicates {}, rejected {} in {secs:.1} s ({:.0} articles/s)",
        report.created,
        report.duplicates,
        report.rejected,
        count as f64 / secs.max(1e-9)
    );
    // A bulk load leaves the full-text index in many segments (one or more a transaction);
    // searches merge them all, so merge them once here.
    let started = std::time::Instant::now();
    store
        .optimize_search_index()
        .await
        .map_err(|e| e.to_string())?;
    eprintln!(
        "search index merged in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    store.close().await;
    Ok(())
}

async fn purge(articles: Vec<String>, database: DatabaseConfig) -> Result<(), String> {
    let store = open(&database).await?;
    let mut result = Ok(());
    for article in &articles {
        match store.purge_article(article).await {
            Ok(()) => println!("purged {article}"),
            Err(err) => {
                result = Err(format!("{article}: {err}"));
                break;
            }
        }
    }
    store.close().await;
    result
}

async fn backup(path: std::path::PathBuf, database: DatabaseConfig) -> Result<(), String> {
    if newsdesk::store::is_postgres_url(&database.database_url) {
        if path.exists() {
            return Err(format!(
                "{} exists already; back up into a new file",
                path.display()
            ));
        }
        let status = std::process::Command::new("pg_dump")
            .arg("--format=custom")
            .arg("--file")
            .arg(&path)
            .arg(&database.database_url)
            .status()
            .map_err(|e| format!("cannot run pg_dump (PostgreSQL's client tools): {e}"))?;
        return if status.success() {
            println!(
                "backed up to {} (pg_dump custom format; restore with pg_restore)",
                path.display()
            );
            Ok(())
        } else {
            Err(format!("pg_dump failed: {status}"))
        };
    }
    let store = open(&database).await?;
    let started = std::time::Instant::now();
    let result = store.backup(&path).await.map_err(|e| e.to_string());
    store.close().await;
    result?;
    println!(
        "backed up to {} in {:.1} s",
        path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn reprocess(
    all: bool,
    articles: Vec<String>,
    database: DatabaseConfig,
) -> Result<(), String> {
    if !all && articles.is_empty() {
        return Err("name the articles to reprocess, or pass --all".into());
    }
    let store = open(&database).await?;
    let mut config = ServeConfig::for_database(&database.database_url);
    config.database = database;
    let state = AppState::load(config, store.clone())
        .await
        .map_err(|e| e.to_string())?;
    let mut done = 0usize;
    if all {
        let mut after: Option<String> = None;
        loop {
            let ids = store
                .live_article_ids(after.as_deref(), 500)
                .await
                .map_err(|e| e.to_string())?;
            let Some(last) = ids.last().cloned() else {
                break;
            };
            for id in &ids {
                state
                    .reprocess(id)
                    .await
                    .map_err(|e| format!("{id}: {e}"))?;
                done += 1;
            }
            after = Some(last);
        }
    } else {
        for id in &articles {
            state
                .reprocess(id)
                .await
                .map_err(|e| format!("{id}: {e}"))?;
            done += 1;
        }
    }
    store.close().await;
    eprintln!("reprocessed {done} article(s)");
    Ok(())
}

/// Revokes the token with this id, or the one live token with this name; answers its id.
async fn revoke(store: &Store, id: Option<String>, name: Option<String>) -> Result<String, String> {
    let id = match (id, name) {
        (Some(id), _) => id,
        (None, Some(name)) => {
            let tokens = store.list_tokens(false).await.map_err(|e| e.to_string())?;
            let named: Vec<_> = tokens.iter().filter(|t| t.name == name.trim()).collect();
            match named.as_slice() {
                [] => return Err(format!("no live token named `{name}`")),
                [token] => token.id.clone(),
                several => {
                    let ids: Vec<&str> = several.iter().map(|t| t.id.as_str()).collect();
                    return Err(format!(
                        "{} live tokens are named `{name}` (ids {}); revoke one by its id",
                        several.len(),
                        ids.join(", ")
                    ));
                }
            }
        }
        (None, None) => return Err("name a token: its id, or --name".into()),
    };
    if store.revoke_token(&id).await.map_err(|e| e.to_string())? {
        Ok(id)
    } else {
        Err(format!("no live token with id {id}"))
    }
}

/// The tokens as aligned columns under a header.
fn token_table(tokens: &[newsdesk::store::tokens::TokenRecord], with_revoked: bool) -> String {
    let mut rows = vec![vec!["ID", "NAME", "ROLE", "CREATED", "LAST USED"]];
    if with_revoked {
        rows[0].push("REVOKED");
    }
    for token in tokens {
        let mut row = vec![
            token.id.as_str(),
            token.name.as_str(),
            token.role.as_str(),
            token.created_at.as_str(),
            token.last_used_at.as_deref().unwrap_or("never"),
        ];
        if with_revoked {
            row.push(token.revoked_at.as_deref().unwrap_or("-"));
        }
        rows.push(row);
    }
    let columns = rows[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

async fn token(command: TokenCommand) -> Result<(), String> {
    match command {
        TokenCommand::Create {
            name,
            role,
            database,
        } => {
            let store = open(&database).await?;
            let (info, secret) = store
                .create_token(&name, role.into())
                .await
                .map_err(|e| e.to_string())?;
            store.close().await;
            eprintln!(
                "created {} token `{}` (id {}); the secret is shown only once:",
                info.role.as_str(),
                info.name,
                info.id
            );
            println!("{secret}");
            Ok(())
        }
        TokenCommand::List { all, database } => {
            let store = open(&database).await?;
            let tokens = store.list_tokens(all).await;
            store.close().await;
            print!("{}", token_table(&tokens.map_err(|e| e.to_string())?, all));
            Ok(())
        }
        TokenCommand::Revoke { id, name, database } => {
            let store = open(&database).await?;
            let outcome = revoke(&store, id, name).await;
            store.close().await;
            let id = outcome?;
            eprintln!("revoked token {id}");
            Ok(())
        }
    }
}
