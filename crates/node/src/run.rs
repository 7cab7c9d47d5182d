//! Running a node as a process: Commonware's tokio runtime, the authenticated `lookup` network
//! with each epoch's committee as peers (validators) or an upstream node's RPC (followers),
//! metrics, the RPC server, and graceful shutdown on SIGINT or SIGTERM.

use crate::consensus::Polynomial;
use crate::core::{Core, OpenError};
use crate::engine::{self, CHANNELS, Timing, ValidatorConfig};
use crate::finality::FinalityVerifier;
use crate::key::{ValidatorKey, ValidatorShare};
use crate::peers::PeerBook;
use crate::spec::{ChainSpec, SpecError, namespace};
use commonware_codec::DecodeExt as _;
use commonware_cryptography::{ChaCha20Poly1305, ed25519};
use commonware_p2p::{Address, authenticated::lookup};
use commonware_runtime::{Quota, Runner as _, Spawner as _, Supervisor as _, tokio};
use commonware_stream::{
    cups::{self, Cups},
    sake::{self, Sake},
};
use commonware_utils::{NZU32, NZUsize};
use plexus_rpc_server::Backend as _;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tracing::{info, warn};

/// Messages per second each peer may send on a channel. Upstream examples use 10, which caps a
/// chain at a few blocks per second; these leave room for catching up after downtime. A dealer
/// sends one message to each player at the start of a resharing, all at once.
const QUOTAS: [u32; 7] = [256, 256, 128, 128, 64, 64, 64];

/// What a node does for the network.
pub enum Role {
    /// Takes part in consensus.
    Validator {
        /// This validator's consensus key (boxed: it is far larger than a follower's URL).
        key: Box<ValidatorKey>,
        /// Its share of epoch 0's group key, if it is one of epoch 0's validators; a node that
        /// is to join later starts without one and signs once a resharing gives it a share.
        share: Option<Box<ValidatorShare>>,
        /// Where to accept peer connections.
        listen: SocketAddr,
        /// Validators (public keys in hex) to reach at another address than the chain spec's
        /// (from behind a NAT, say).
        peers: Vec<(String, SocketAddr)>,
    },
    /// Follows the finalized chain from another node's RPC, checking every block against the
    /// validators' finality proofs and re-executing it.
    Follower {
        /// The RPC URL of the node to follow (`http://host:port`).
        upstream: String,
    },
}

/// How a node process runs.
pub struct RunConfig {
    /// Where the chain store and consensus storage live.
    pub data_dir: PathBuf,
    /// The chain.
    pub spec: ChainSpec,
    /// Validator or follower.
    pub role: Role,
    /// Consensus and block timings (validators).
    pub timing: Timing,
    /// How much state history to keep.
    pub retention: plexus_store::Retention,
    /// Mempool limits.
    pub mempool: plexus_mempool::Limits,
    /// Where to serve Prometheus metrics, if anywhere.
    pub metrics: Option<SocketAddr>,
    /// The JSON-RPC server, if any.
    pub rpc: Option<plexus_rpc_server::RpcConfig>,
    /// The Substrate-compatible JSON-RPC server for Bittensor's clients, if any.
    pub substrate_rpc: Option<plexus_rpc_server::RpcConfig>,
    /// A tool served in this process beside the node (the CLI's explorer), if any.
    pub beside: Option<Beside>,
    /// Worker threads of the runtime.
    pub worker_threads: usize,
}

/// A tool run in the node's process that reads the node through its API in process, with no
/// socket: its calls never spend the public listener's connections or rate, and it needs none.
pub struct Beside {
    /// The tool's limits and allowance (`listen` and the per-address cap are unused).
    pub rpc: plexus_rpc_server::RpcConfig,
    /// Starts the tool, given connections to the node's API, once the chain is open.
    pub start: Box<dyn FnOnce(plexus_rpc::Connector) + Send>,
}

impl std::fmt::Debug for Beside {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Beside")
            .field("rpc", &self.rpc)
            .finish_non_exhaustive()
    }
}

/// Why a validator process stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The chain spec is unusable.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// The data directory cannot be opened.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// Consensus could not start.
    #[error(transparent)]
    Start(#[from] engine::StartError),
    /// A peer list that is not usable.
    #[error("peers: {0}")]
    Peers(String),
    /// The RPC server could not start.
    #[error(transparent)]
    Rpc(#[from] plexus_rpc_server::ServerError),
    /// The upstream URL of a follower is not usable.
    #[error("upstream: {0}")]
    Upstream(#[from] plexus_rpc::ClientError),
    /// The node stopped because it could not go on; every write is atomic, so the data
    /// directory is consistent and starts again once the cause is fixed.
    #[error("stopped: {0}")]
    Halted(String),
    /// A task of the node failed (storage that cannot be written, for one) and the node
    /// stopped every other; every write is atomic, so the data directory is consistent.
    #[error(
        "stopped after a failure: {0}; fix the cause (a full disk, the open files limit) and start again"
    )]
    Failed(String),
    /// The process may not open enough files for its listeners' caps plus the reserve that
    /// keeps storage and consensus writing.
    #[error(
        "the process may open {limit} files, fewer than the {needed} its listeners' caps and \
         storage need: raise the hard limit (ulimit -Hn) or lower --rpc-max-connections"
    )]
    Descriptors {
        /// The limit after raising the soft limit to the hard one.
        limit: u64,
        /// What the caps and the reserve need.
        needed: u64,
    },
}

/// File descriptors kept for the store, the consensus journals, peers and the explorer, beyond
/// what the listeners' caps let clients hold: no client can make a journal write fail.
const RESERVED_DESCRIPTORS: u64 = 512;

/// Raises the soft limit on open files to the hard limit (processes often start at 1,024), and
/// checks that it covers every listener's cap plus the reserve.
fn ensure_descriptors(config: &RunConfig) -> Result<(), RunError> {
    let answering = plexus_net::MAX_ANSWERING as u64;
    let rpc: u64 = [&config.rpc, &config.substrate_rpc]
        .into_iter()
        .flatten()
        .map(|rpc| u64::from(rpc.max_connections) + answering)
        .sum();
    let metrics = config.metrics.map_or(0, |_| {
        crate::metrics::METRICS_MAX_CONNECTIONS as u64 + answering
    });
    let needed = rpc + metrics + RESERVED_DESCRIPTORS;
    let limit = match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => limit,
        // Not a Unix limit this process can read: nothing to check against.
        Err(error) => {
            warn!(%error, "cannot read the open files limit");
            return Ok(());
        }
    };
    if limit < needed {
        return Err(RunError::Descriptors { limit, needed });
    }
    Ok(())
}

/// Runs a node until SIGINT/SIGTERM.
pub fn run(config: RunConfig) -> Result<(), RunError> {
    run_until(config, shutdown_signal())
}

/// Runs a node until `stop` completes, then shuts it down cleanly: for embedding a node in a
/// program or a test. Blocks the calling thread.
pub fn run_until(
    config: RunConfig,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), RunError> {
    let polynomial = config.spec.polynomial()?;
    ensure_descriptors(&config)?;
    let runtime = tokio::Config::new()
        .with_storage_directory(config.data_dir.join("consensus"))
        .with_worker_threads(config.worker_threads.max(1));
    let runner = tokio::Runner::new(runtime);
    // A task that panics (consensus storage that cannot write, say) stops every task and
    // unwinds here: the process reports why and exits instead of crashing.
    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        runner.start(|context| serve(context, config, polynomial, stop))
    }));
    ran.unwrap_or_else(|panic| Err(RunError::Failed(panic_message(&*panic))))
}

/// What a panic says, when it says it in text.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
        .unwrap_or_else(|| "a task failed".to_string())
}

/// The node on its runtime, from opening the chain to shutting down.
async fn serve(
    context: tokio::Context,
    config: RunConfig,
    polynomial: Polynomial,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), RunError> {
    let core = Arc::new(Core::open(
        &config.data_dir.join("chain.redb"),
        &config.spec.genesis,
        config.retention,
        config.mempool,
    )?);
    info!(
        genesis = %core.genesis_hash(),
        height = core.finalized().head().number,
        "chain opened"
    );

    crate::metrics::register(&context.child("chain"), core.clone());
    if let Some(address) = config.metrics {
        crate::metrics::serve(context.child("metrics_server"), address);
    }

    let mut servers = Vec::new();
    if let Some(rpc) = &config.rpc {
        let server = plexus_rpc_server::RpcServer::start(rpc, core.clone()).await?;
        info!(address = %server.local_addr(), "JSON-RPC listening (HTTP and WebSocket)");
        servers.push(server);
    }
    if let Some(rpc) = &config.substrate_rpc {
        let block_time_ms =
            u64::try_from(config.timing.empty_block_interval.as_millis()).unwrap_or(u64::MAX);
        let server =
            plexus_rpc_server::RpcServer::start_substrate(rpc, core.clone(), block_time_ms).await?;
        info!(address = %server.local_addr(), "Substrate-compatible JSON-RPC listening");
        servers.push(server);
    }
    let mut in_process = None;
    if let Some(beside) = config.beside {
        let server = plexus_rpc_server::InProcessRpc::start(&beside.rpc, core.clone())?;
        (beside.start)(server.connector());
        in_process = Some(server);
    }

    let consensus = match config.role {
        Role::Validator {
            key,
            share,
            listen,
            peers,
        } => {
            let handle = start_networked_validator(
                &context,
                &core,
                (key, share, config.data_dir.join("secrets")),
                listen,
                &peers,
                config.timing,
            )
            .await?;
            info!(%listen, "validator started");
            Some(handle)
        }
        Role::Follower { upstream } => {
            let client = plexus_rpc::Client::new(&upstream)?;
            let verifier = FinalityVerifier::new(core.genesis_hash(), *polynomial.public());
            let (relay, transactions) = futures::channel::mpsc::unbounded();
            core.gossip_to(relay);
            let core = core.clone();
            context
                .child("follower")
                .spawn(move |_| crate::follow::follow(core, verifier, client, transactions));
            info!(%upstream, "following");
            None
        }
    };

    let halted = ::tokio::select! {
        biased;
        reason = core.halted() => Some(reason),
        () = stop => None,
    };
    info!("shutting down");
    for server in &servers {
        server.stop();
    }
    if let Some(server) = &in_process {
        server.stop();
    }
    drop(consensus);
    let _ = context.stop(0, Some(Duration::from_secs(5))).await;
    halted.map_or(Ok(()), |reason| Err(RunError::Halted(reason)))
}

/// Starts a validator's authenticated p2p network, then its consensus on that network, which
/// connects it to each epoch's committee at the addresses on chain (or `configured_peers`).
async fn start_networked_validator(
    context: &tokio::Context,
    core: &Arc<Core>,
    (key, share, secrets): (Box<ValidatorKey>, Option<Box<ValidatorShare>>, PathBuf),
    listen: SocketAddr,
    configured_peers: &[(String, SocketAddr)],
    timing: Timing,
) -> Result<commonware_runtime::Handle<()>, RunError> {
    let key = key.0;
    let mut overrides = BTreeMap::new();
    for (hex_key, address) in configured_peers {
        let peer = hex::decode(hex_key.trim_start_matches("0x"))
            .ok()
            .and_then(|bytes| ed25519::PublicKey::decode(bytes::Bytes::from(bytes)).ok())
            .ok_or_else(|| RunError::Peers(format!("{hex_key} is not an ed25519 public key")))?;
        if overrides.insert(peer, Address::from(*address)).is_some() {
            return Err(RunError::Peers(format!("{hex_key} is listed twice")));
        }
    }

    let namespace = namespace(core.genesis_hash());
    let handshake = Cups::<_, ChaCha20Poly1305>::new(
        Sake {
            signer: key.clone(),
            synchrony_bound: Duration::from_secs(5),
            max_handshake_age: Duration::from_secs(10),
            version: sake::Version::V1,
        },
        cups::Version::V1,
    );
    // An epoch's peers are its dealers, its players and the next epoch's players.
    let max_peers = 3 * crate::consensus::MAX_PARTICIPANTS.get() as usize;
    let p2p = lookup::Config::local(
        handshake,
        &namespace,
        listen,
        NonZeroUsize::new(max_peers).unwrap_or(NonZeroUsize::MIN),
        engine::max_message_size(),
        NZUsize!(1024),
    );
    let (mut network, oracle) = lookup::Network::new(context.child("p2p"), p2p);
    let channels = CHANNELS.map(|id| {
        let quota = QUOTAS[id as usize];
        network.register(id, Quota::per_second(NZU32!(quota.max(1))))
    });
    network.start();

    Ok(engine::start_validator(
        context.child("validator"),
        core,
        ValidatorConfig {
            key,
            share: share.map(|share| *share),
            secrets,
            partition_prefix: "plexus".into(),
            timing,
        },
        channels,
        oracle.clone(),
        PeerBook::new(oracle, overrides),
        |finalizer| finalizer,
    )
    .await?)
}

async fn shutdown_signal() {
    use ::tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            ::tokio::select! {
                _ = ::tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = ::tokio::signal::ctrl_c().await;
        }
    }
}
