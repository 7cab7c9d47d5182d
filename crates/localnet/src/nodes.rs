//! The chain: a genesis for the localnet, its nodes' keys and data kept in the state
//! directory, and each node run on its own thread (a node owns its runtime).

use crate::error::LocalnetError;
use plexus_keys::{CryptoType, Keypair};
use plexus_node::{ChainSpec, Role, RunConfig, Timing, ValidatorKey, ValidatorShare};
use plexus_primitives::{AccountId, RAO_PER_TAO};
use plexus_runtime::{ChainParams, Genesis};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The funded dev accounts, as on `plexus node run --dev`.
pub(crate) const DEV_ACCOUNTS: [&str; 6] = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"];
const DEV_BALANCE_TAO: u64 = 100_000;
const SPEC_FILE: &str = "chain-spec.json";

/// An sr25519 dev key such as `//Alice//weather`.
pub(crate) fn dev_key(uri: &str) -> Result<Keypair, LocalnetError> {
    Keypair::from_uri(CryptoType::Sr25519, uri)
        .map_err(|e| LocalnetError::Setup(format!("dev key {uri}: {e}")))
}

fn genesis() -> Result<Genesis, LocalnetError> {
    let balances = DEV_ACCOUNTS
        .iter()
        .map(|name| {
            Ok((
                dev_key(&format!("//{name}"))?.account(),
                DEV_BALANCE_TAO * RAO_PER_TAO,
            ))
        })
        .collect::<Result<Vec<(AccountId, u64)>, LocalnetError>>()?;
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    Ok(Genesis {
        chain_id: "plexus-localnet".into(),
        timestamp,
        governance: Some(dev_key("//Alice")?.account()),
        balances,
        params: ChainParams {
            // Several subnets are created at once, each with a tempo far shorter than the
            // freeze window before epochs would allow.
            network_rate_limit: 0,
            admin_freeze_window: 0,
            // Prices settle within a few dozen blocks rather than months, so emission follows
            // them and root stakers are paid their share from the start; a child hotkey takes
            // over at the first epoch after it is set.
            moving_alpha_ppb: 100_000_000,
            ema_price_halving_blocks: 100,
            pending_childkey_cooldown: 0,
            ..ChainParams::default()
        },
        group_key: None,
        // A minute at the default block time: every few minutes of a localnet the validators
        // reshare the group key, and timelocked weights cross epochs.
        epoch_length: Some(LOCALNET_EPOCH_LENGTH),
        consensus: None,
    })
}

/// Prepares the state directory: wiped with `fresh`, a new chain when empty, and the kept
/// chain otherwise (which must have `validators` nodes). Returns the spec and node keys.
pub(crate) fn prepare(
    dir: &Path,
    validators: usize,
    fresh: bool,
) -> Result<(ChainSpec, Vec<(ValidatorKey, ValidatorShare)>), LocalnetError> {
    let spec_path = dir.join(SPEC_FILE);
    if fresh && dir.exists() {
        // Only a localnet's own directory is deleted, never a folder given by mistake.
        let empty = std::fs::read_dir(dir)
            .map_err(LocalnetError::io(dir))?
            .next()
            .is_none();
        if !empty && !spec_path.exists() {
            return Err(LocalnetError::StateDir(format!(
                "{} is not a localnet's state directory; not deleting it",
                dir.display()
            )));
        }
        std::fs::remove_dir_all(dir).map_err(LocalnetError::io(dir))?;
    }
    std::fs::create_dir_all(dir).map_err(LocalnetError::io(dir))?;
    if spec_path.exists() {
        let text = std::fs::read_to_string(&spec_path).map_err(LocalnetError::io(&spec_path))?;
        let spec = ChainSpec::from_json(&text)
            .map_err(|e| LocalnetError::StateDir(format!("{}: {e}", spec_path.display())))?;
        if spec.validators.len() != validators {
            return Err(LocalnetError::Args(format!(
                "the chain kept in {} has {} validators, not {validators}: give --validators {} or --fresh",
                dir.display(),
                spec.validators.len(),
                spec.validators.len()
            )));
        }
        let keys = (0..validators)
            .map(|i| {
                let key = node_dir(dir, i).join("node-key");
                let share = node_dir(dir, i).join("node-share");
                let bad = |path: &Path, e: plexus_node::KeyFileError| {
                    LocalnetError::StateDir(format!("{}: {e}", path.display()))
                };
                Ok((
                    ValidatorKey::load(&key).map_err(|e| bad(&key, e))?,
                    ValidatorShare::load(&share).map_err(|e| bad(&share, e))?,
                ))
            })
            .collect::<Result<Vec<_>, LocalnetError>>()?;
        return Ok((spec, keys));
    }
    let mut keys = Vec::with_capacity(validators);
    for i in 0..validators {
        let node = node_dir(dir, i);
        std::fs::create_dir_all(&node).map_err(LocalnetError::io(&node))?;
        let key = ValidatorKey::generate();
        let path = node.join("node-key");
        key.save(&path)
            .map_err(|e| LocalnetError::StateDir(format!("{}: {e}", path.display())))?;
        keys.push(key);
    }
    // Each validator's address is part of the chain (the others find it in epoch 0's record),
    // so its port is chosen once, here, and kept with the chain.
    let addresses = (0..validators)
        .map(|_| free_port())
        .collect::<Result<Vec<_>, _>>()?;
    let (spec, shares) = ChainSpec::with_trusted_deal(
        genesis()?,
        keys.iter().map(ValidatorKey::public_hex).collect(),
        addresses,
    )
    .map_err(|e| LocalnetError::StateDir(e.to_string()))?;
    for (i, share) in shares.iter().enumerate() {
        let path = node_dir(dir, i).join("node-share");
        share
            .save(&path)
            .map_err(|e| LocalnetError::StateDir(format!("{}: {e}", path.display())))?;
    }
    let keys = keys.into_iter().zip(shares).collect();
    let text =
        serde_json::to_string_pretty(&spec).map_err(|e| LocalnetError::StateDir(e.to_string()))?;
    std::fs::write(&spec_path, text + "\n").map_err(LocalnetError::io(&spec_path))?;
    Ok((spec, keys))
}

/// Blocks per consensus epoch of a localnet.
const LOCALNET_EPOCH_LENGTH: u64 = 120;

fn node_dir(dir: &Path, index: usize) -> PathBuf {
    dir.join(format!("node-{index}"))
}

fn free_port() -> Result<SocketAddr, LocalnetError> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|source| LocalnetError::Io {
        path: "127.0.0.1:0".into(),
        source,
    })?;
    listener.local_addr().map_err(|source| LocalnetError::Io {
        path: "127.0.0.1:0".into(),
        source,
    })
}

/// The chain's nodes, each on its own thread until [`stop`](Self::stop).
pub(crate) struct Nodes {
    stops: Vec<tokio::sync::oneshot::Sender<()>>,
    threads: Vec<std::thread::JoinHandle<()>>,
    failed: tokio::sync::mpsc::UnboundedReceiver<(usize, String)>,
}

impl Nodes {
    /// Starts every node; the first serves RPC on `rpc`, and the Substrate-compatible RPC on
    /// `substrate_rpc` if given.
    pub(crate) fn start(
        dir: &Path,
        spec: &ChainSpec,
        keys: Vec<(ValidatorKey, ValidatorShare)>,
        block_time: Duration,
        rpc: SocketAddr,
        substrate_rpc: Option<SocketAddr>,
    ) -> Result<Self, LocalnetError> {
        let listens = spec
            .addresses
            .iter()
            .map(|address| {
                address
                    .parse::<SocketAddr>()
                    .map_err(|_| LocalnetError::StateDir(format!("{address} is not IP:port")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let timing = Timing::with_timeouts(block_time, plexus_node::Timeouts::default())
            .map_err(|e| LocalnetError::Args(format!("--block-time-ms: {e}")))?;
        let (report, failed) = tokio::sync::mpsc::unbounded_channel();
        let mut nodes = Self {
            stops: Vec::new(),
            threads: Vec::new(),
            failed,
        };
        let n = keys.len();
        for (index, (key, share)) in keys.into_iter().enumerate() {
            let peers = spec
                .validators
                .iter()
                .zip(&listens)
                .enumerate()
                .filter(|(i, _)| *i != index)
                .map(|(_, (key, address))| (key.clone(), *address))
                .collect();
            let config = RunConfig {
                data_dir: node_dir(dir, index),
                spec: spec.clone(),
                role: Role::Validator {
                    key: Box::new(key),
                    share: Some(Box::new(share)),
                    listen: listens[index],
                    peers,
                },
                timing,
                // The explorer's charts and `at` queries read history.
                retention: plexus_store::Retention::Archive,
                mempool: plexus_mempool::Limits::default(),
                metrics: None,
                // Every neuron, the view and the explorer reach the node from this machine's
                // one address.
                rpc: (index == 0).then(|| plexus_node::RpcConfig {
                    listen: rpc,
                    max_connections: 1024,
                    max_connections_per_address: 1024,
                    ..plexus_node::RpcConfig::default()
                }),
                substrate_rpc: substrate_rpc.filter(|_| index == 0).map(|listen| {
                    plexus_node::RpcConfig {
                        listen,
                        max_connections: 1024,
                        max_connections_per_address: 1024,
                        ..plexus_node::RpcConfig::default()
                    }
                }),
                beside: None,
                worker_threads: if n == 1 { 2 } else { 1 },
            };
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            let report = report.clone();
            let thread = std::thread::Builder::new()
                .name(format!("node-{index}"))
                .spawn(move || {
                    let result = plexus_node::run_until(config, async {
                        let _ = stopped.await;
                    });
                    if let Err(e) = result {
                        let _ = report.send((index, e.to_string()));
                    }
                })
                .map_err(|source| LocalnetError::Io {
                    path: format!("node-{index} thread"),
                    source,
                })?;
            nodes.stops.push(stop);
            nodes.threads.push(thread);
        }
        Ok(nodes)
    }

    /// The first node that failed, if one has.
    pub(crate) fn failure(&mut self) -> Option<LocalnetError> {
        self.failed
            .try_recv()
            .ok()
            .map(|(index, reason)| LocalnetError::Node { index, reason })
    }

    /// Stops every node and waits until each has closed its store.
    pub(crate) async fn stop(self) {
        for stop in self.stops {
            let _ = stop.send(());
        }
        let threads = self.threads;
        let _ = tokio::task::spawn_blocking(move || {
            for thread in threads {
                let _ = thread.join();
            }
        })
        .await;
    }
}
