//! Run a whole Plexus network with one call: a dev chain (one node, or several running BFT
//! consensus), the example subnets created and started with a short tempo, their validators
//! registered and staked, their miners registered and serving, all in this process, and a live
//! view of blocks, epochs and each miner's rewards.
//!
//! [`Localnet::start`] brings it up and returns a handle with the RPC address and who is who
//! on each subnet; [`run`] is `plexus localnet`: start, show the view until Ctrl-C, stop.
//! The state directory keeps the chain, so a second run resumes it (`--fresh` starts over);
//! setup is read back from the chain, so only what is missing is created.
//!
//! ```text
//! chain ── nodes (threads, loopback p2p) ── RPC ──┬── setup: subnets, registrations, stake
//!                                                  ├── miners: axons on 127.0.0.2 (subnet code)
//!                                                  ├── validators: dendrites, weights (subnet code)
//!                                                  ├── the python subnet: processes on bittensor,
//!                                                  │   through the Substrate-compatible RPC
//!                                                  └── view, explorer
//! ```
//!
//! # What this is not
//! Not a production deployment: every key is a well-known dev key (`//Alice//weather` …) and
//! the chain's rate limits are lifted. No subnet logic lives here (that is `subnets/*`), and no
//! chain rules (everything goes through RPC).

mod error;
mod net;
mod nodes;
mod python;
mod setup;
mod view;

pub use error::LocalnetError;
pub use net::{Localnet, NeuronInfo, RunningSubnet};

use clap::Args as ClapArgs;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The subnets a localnet runs unless told otherwise.
pub const DEFAULT_SUBNETS: [&str; 3] = ["weather", "code", "embeddings"];

/// Every subnet a localnet can run. `textgen`, `training` and `python` are left out by default:
/// a language model's rounds take seconds of CPU each, and the python subnet needs Bittensor's
/// packages.
pub const SUBNETS: [&str; 6] = [
    "weather",
    "code",
    "embeddings",
    "textgen",
    "training",
    "python",
];

/// What `plexus localnet` takes.
#[derive(Debug, Clone, ClapArgs)]
pub struct Args {
    /// Chain validators: 1 is a dev chain; 4 is a BFT network of local nodes.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub validators: usize,
    /// Subnets to run, comma-separated: weather, code, embeddings, textgen, training, python.
    #[arg(long, value_delimiter = ',', default_values_t = DEFAULT_SUBNETS.map(String::from), value_name = "NAMES")]
    pub subnets: Vec<String>,
    /// Miners per subnet, taking turns over the kinds honest, mediocre, lazy, random, copier.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub miners: usize,
    /// Validators per subnet.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub subnet_validators: usize,
    /// Blocks between epochs.
    #[arg(long, default_value_t = 10, value_name = "BLOCKS")]
    pub tempo: u16,
    /// Target block time while idle.
    #[arg(long, default_value_t = 500, value_name = "MS")]
    pub block_time_ms: u64,
    /// Where the chain and the validators' scores are kept between runs.
    #[arg(long, default_value = "~/.plexus/localnet", value_name = "DIR")]
    pub state_dir: PathBuf,
    /// Delete the state directory first and start a new chain.
    #[arg(long)]
    pub fresh: bool,
    /// Where the first node's JSON-RPC listens.
    #[arg(long, default_value = "127.0.0.1:9944", value_name = "HOST:PORT")]
    pub rpc: SocketAddr,
    /// Where the first node's Substrate-compatible JSON-RPC listens, for Bittensor's Python SDK
    /// and btcli (`docs/substrate-compat.md`).
    #[arg(long, default_value = "127.0.0.1:9945", value_name = "HOST:PORT")]
    pub substrate_rpc: SocketAddr,
    /// Do not serve the Substrate-compatible JSON-RPC.
    #[arg(long, conflicts_with = "substrate_rpc")]
    pub no_substrate_rpc: bool,
    /// Where the explorer listens.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    pub explorer: SocketAddr,
    /// Do not serve the explorer.
    #[arg(long)]
    pub no_explorer: bool,
    /// Print a line per epoch instead of redrawing the screen.
    #[arg(long)]
    pub plain: bool,
    /// The Python interpreter for the `python` subnet, one that has `bittensor==10.5.0`
    /// (default: a virtualenv made in the state directory, from PyPI, on first use).
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
}

/// `plexus localnet`: starts the network, shows it until Ctrl-C, then stops everything.
pub async fn run(args: Args) -> Result<(), LocalnetError> {
    let plain = args.plain || !std::io::IsTerminal::is_terminal(&std::io::stdout());
    let localnet = Localnet::start(&args).await?;
    let view = view::show(&localnet, plain);
    tokio::select! {
        () = view => {}
        () = shutdown_signal() => {}
    }
    // Said on stderr: stdout may be the pipe that just closed.
    eprintln!("stopping…");
    localnet.stop().await;
    eprintln!(
        "stopped; the chain is kept in {} (--fresh starts over)",
        localnet_dir(&args)?.display()
    );
    Ok(())
}

/// Ctrl-C, or SIGTERM (a service manager or `kill`): either stops the network cleanly.
async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}

/// The state directory with `~` expanded.
fn localnet_dir(args: &Args) -> Result<PathBuf, LocalnetError> {
    let text = args.state_dir.to_string_lossy();
    match text.strip_prefix("~/") {
        Some(rest) => {
            let home = std::env::var_os("HOME").ok_or_else(|| {
                LocalnetError::StateDir("HOME is not set; give --state-dir".into())
            })?;
            Ok(PathBuf::from(home).join(rest))
        }
        None => Ok(args.state_dir.clone()),
    }
}
