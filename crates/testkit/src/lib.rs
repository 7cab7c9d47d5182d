//! Fixtures for tests that need a real chain: a one-validator dev chain run in the test's own
//! process (the production node, on loopback ports), and a subnet set up on it with short
//! timings so epochs come within seconds.
//!
//! # What this is not
//! Not for production: the fixtures panic on failure, which is what a test wants.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use plexus_keys::{CryptoType, Keypair};
use plexus_node::{ChainSpec, Role, RunConfig, Timing, ValidatorKey};
use plexus_primitives::{AccountId, RAO_PER_TAO};
use plexus_runtime::{Call, ChainParams, Genesis, GovernanceCall, Hyperparameter};
use plexus_sdk::Submitter;
use std::net::{SocketAddr, TcpListener};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// An sr25519 key from a dev URI such as `//Alice` or `//Bob//validator`.
pub fn key(uri: &str) -> Keypair {
    Keypair::from_uri(CryptoType::Sr25519, uri).unwrap()
}

/// A free loopback address.
pub fn free_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// A one-validator chain in a thread of this process, making blocks every 200 ms while idle;
/// stopped when dropped. The first funded account governs it.
pub struct DevNode {
    /// Its RPC URL.
    pub url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl DevNode {
    /// Starts a chain funding each of `funded` with 100,000 TAO.
    pub fn start(funded: &[AccountId]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let key = ValidatorKey::generate();
        let listen = free_addr();
        let (spec, mut shares) = ChainSpec::with_trusted_deal(
            Genesis {
                chain_id: "plexus-test".into(),
                timestamp: SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap()
                    .as_millis() as u64,
                governance: Some(funded[0]),
                balances: funded.iter().map(|a| (*a, 100_000 * RAO_PER_TAO)).collect(),
                params: ChainParams::default(),
                group_key: None,
                epoch_length: None,
                consensus: None,
            },
            vec![key.public_hex()],
            vec![listen],
        )
        .unwrap();
        let rpc = free_addr();
        let config = RunConfig {
            data_dir: dir.path().to_path_buf(),
            spec,
            role: Role::Validator {
                key: Box::new(key),
                share: Some(Box::new(shares.pop().unwrap())),
                listen,
                peers: Vec::new(),
            },
            timing: Timing::new(Duration::from_millis(200)),
            // History for charts and `at` queries.
            retention: plexus_store::Retention::Archive,
            mempool: plexus_mempool::Limits::default(),
            metrics: None,
            rpc: Some(plexus_node::RpcConfig {
                listen: rpc,
                // A test's neurons and clients all come from the loopback address.
                max_connections_per_address: 256,
                ..plexus_node::RpcConfig::default()
            }),
            substrate_rpc: None,
            beside: None,
            worker_threads: 2,
        };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            plexus_node::run_until(config, async {
                let _ = stopped.await;
            })
            .unwrap();
        });
        Self {
            url: format!("http://{rpc}"),
            stop: Some(stop),
            thread: Some(thread),
            _dir: dir,
        }
    }

    /// A connection, once the chain has finalized its first block.
    pub async fn connect(&self) -> Submitter {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(chain) = Submitter::connect(&self.url).await {
                if chain.client().health().await.unwrap().finalized >= 1 {
                    return chain;
                }
            }
            assert!(Instant::now() < deadline, "dev node did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for DevNode {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Registers and starts a subnet owned by `owner` (which must govern the chain) with hotkey
/// `owner_hotkey`, lifts the hyperparameter freeze before epochs, and sets `hyperparameters`.
/// Returns its netuid.
pub async fn create_subnet(
    chain: &Submitter,
    owner: &Keypair,
    owner_hotkey: AccountId,
    hyperparameters: &[Hyperparameter],
) -> u16 {
    chain
        .submit(
            owner,
            Call::RegisterNetwork {
                hotkey: owner_hotkey,
            },
        )
        .await
        .unwrap();
    let netuid = chain
        .client()
        .subnets(None)
        .await
        .unwrap()
        .iter()
        .find(|s| s.owner_hotkey == owner_hotkey)
        .unwrap()
        .netuid;
    chain
        .submit(owner, Call::StartCall { netuid })
        .await
        .unwrap();
    // With a tempo this short the subnet would always be inside the freeze window.
    let mut params = chain.client().info().await.unwrap().params;
    params.admin_freeze_window = 0;
    let call = Call::Governance(GovernanceCall::SetChainParams(params));
    chain.submit(owner, call).await.unwrap();
    for value in hyperparameters {
        let call = Call::Governance(GovernanceCall::SetHyperparameter {
            netuid,
            value: value.clone(),
        });
        chain.submit(owner, call).await.unwrap();
    }
    netuid
}

/// Registers each of `hotkeys` on `netuid`, paid by `coldkey`.
pub async fn register(chain: &Submitter, coldkey: &Keypair, netuid: u16, hotkeys: &[AccountId]) {
    for hotkey in hotkeys {
        let call = Call::BurnedRegister {
            netuid,
            hotkey: *hotkey,
        };
        chain.submit(coldkey, call).await.unwrap();
    }
}

/// Stakes `tao` through `hotkey` on `netuid`, paid by `coldkey`.
pub async fn stake(chain: &Submitter, coldkey: &Keypair, netuid: u16, hotkey: AccountId, tao: u64) {
    let call = Call::AddStake {
        hotkey,
        netuid,
        amount: tao * RAO_PER_TAO,
    };
    chain.submit(coldkey, call).await.unwrap();
}
