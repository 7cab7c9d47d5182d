//! `plexus`: the command line of the Plexus network.
//!
//! `main` only parses arguments, runs the command and turns its result into an exit code:
//! 0 on success, 1 when a check the user asked for came out negative (a signature that does not
//! verify), 2 on any error.

mod cli;
mod commands;
mod config;
mod output;
mod prompt;
mod spinner;
mod table;
mod units;

use clap::Parser;
use std::io::Write as _;
use std::process::ExitCode;

/// mimalloc rather than the system allocator: a node, an axon and the RPC allocate and free many
/// small buffers per request from several threads, where it is markedly faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    // A node reports its progress; other commands speak only when something is wrong.
    let quiet_level = match &cli.command {
        cli::Command::Node(cli::NodeCommand::Run(_)) => {
            "warn,plexus_node=info,plexus_rpc=info,plexus=info,plexus_explorer=info"
        }
        _ => "warn",
    };
    init_tracing(&cli.global, quiet_level);
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (e.g. `plexus wallet list | head`) is not a failure.
            if err
                .chain()
                .filter_map(|e| e.downcast_ref::<std::io::Error>())
                .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            // Not `eprintln!`, which panics when stderr cannot be written (a full disk).
            let _ = writeln!(std::io::stderr(), "error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn init_tracing(global: &cli::GlobalArgs, quiet_level: &str) {
    let default = if global.verbose { "debug" } else { quiet_level };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // A log line that cannot be written (stderr on a full disk) is lost, rather than
        // reported by a panic in whichever task logged it.
        .log_internal_errors(false)
        .init();
}
