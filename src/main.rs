//! The `newsdesk` command: serves the API by default.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use newsdesk::config::ServeConfig;
use newsdesk::server::{shutdown_signal, Server};

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
}

fn main() -> ExitCode {
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
        }
    });
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
    server
        .run(shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!("stopped cleanly");
    Ok(())
}
