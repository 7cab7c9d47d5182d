//! A node in a test: the node's own `Core` (runtime, store, mempool, commit path) behind the RPC
//! server, blocks produced without consensus by the calls a proposer and the finalizer make,
//! and the real server and client on loopback.

use plexus_mempool::Limits;
use plexus_node::Core;
use plexus_primitives::{AccountId, Balance, H256, NetUid, RAO_PER_TAO};
use plexus_rpc::Client;
use plexus_rpc_server::{Backend, RpcConfig, RpcServer};
use plexus_runtime::{
    Block, Call, ChainParams, Event, Events, Genesis, SignedTransaction, Transaction,
};
use plexus_store::Retention;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

pub(crate) const TAO: Balance = RAO_PER_TAO;

/// The governance key's seed.
pub(crate) const GOV: u32 = 200;

/// The genesis timestamp; each produced block is `BLOCK_TIME_MS` later than the one before.
const GENESIS_MS: u64 = 1_000;
const BLOCK_TIME_MS: u64 = 12_000;

/// Keys by number: any `u32`, so a test can have thousands of hotkeys.
pub(crate) fn keypair(n: u32) -> schnorrkel::Keypair {
    let mut seed = [7u8; 32];
    seed[..4].copy_from_slice(&n.to_le_bytes());
    schnorrkel::MiniSecretKey::from_bytes(&seed)
        .unwrap()
        .expand_to_keypair(schnorrkel::ExpansionMode::Ed25519)
}

pub(crate) fn account(n: u32) -> AccountId {
    static ACCOUNTS: OnceLock<Mutex<std::collections::BTreeMap<u32, AccountId>>> = OnceLock::new();
    let mut accounts = ACCOUNTS.get_or_init(Default::default).lock().unwrap();
    *accounts
        .entry(n)
        .or_insert_with(|| AccountId(keypair(n).public.to_bytes()))
}

/// The node behind the RPC: the production core over a store in a temporary directory, with
/// helpers to sign, queue and produce blocks. Reads through to the core, so a test calls the
/// [`Backend`] methods on it directly.
pub(crate) struct TestNode {
    core: Arc<Core>,
    /// The timestamp of the newest block.
    timestamp: AtomicU64,
    _dir: tempfile::TempDir,
}

impl std::ops::Deref for TestNode {
    type Target = Core;

    fn deref(&self) -> &Core {
        &self.core
    }
}

impl TestNode {
    /// Accounts 1..=20 hold 1M TAO each, governance `GOV` 1000 TAO; subnets are cheap and
    /// quick to register.
    pub(crate) fn new() -> Self {
        Self::with_retention(Retention::Archive)
    }

    /// As [`TestNode::new`], keeping older states as `retention` says.
    pub(crate) fn with_retention(retention: Retention) -> Self {
        let mut balances: Vec<(AccountId, Balance)> =
            (1..=20).map(|n| (account(n), 1_000_000 * TAO)).collect();
        balances.push((account(GOV), 1000 * TAO));
        let genesis = Genesis {
            chain_id: "rpc-test".into(),
            timestamp: GENESIS_MS,
            governance: Some(account(GOV)),
            balances,
            params: ChainParams {
                network_rate_limit: 0,
                network_min_lock: TAO,
                ..ChainParams::default()
            },
            group_key: None,
            epoch_length: None,
            consensus: None,
        };
        let dir = tempfile::tempdir().unwrap();
        let core = Core::open(
            &dir.path().join("chain.redb"),
            &genesis,
            retention,
            Limits::default(),
        )
        .unwrap();
        Self {
            core: Arc::new(core),
            timestamp: AtomicU64::new(GENESIS_MS),
            _dir: dir,
        }
    }

    /// The core itself, to serve it another way.
    pub(crate) fn core(&self) -> Arc<Core> {
        self.core.clone()
    }

    /// A transaction of key `n` with the next nonce the node hands out (`tx_nextNonce`).
    pub(crate) fn tx(&self, n: u32, call: Call) -> SignedTransaction {
        Transaction {
            signer: account(n),
            nonce: self.pending_nonce(&account(n)),
            genesis_hash: self.genesis_hash(),
            valid_until: None,
            tip: 0,
            call,
        }
        .sign(&keypair(n))
    }

    /// One block the way a validator makes it, without consensus: built from the mempool on
    /// the finalized head as a proposer builds it, then committed as the finalizer commits it
    /// (store, mempool pruning, snapshot, notifications). Returns the block and its events as
    /// the store keeps them.
    pub(crate) fn produce_block(&self) -> (Block, Events) {
        let timestamp = self.timestamp.fetch_add(BLOCK_TIME_MS, Ordering::Relaxed) + BLOCK_TIME_MS;
        let block = self.core.build_on_finalized(timestamp).unwrap();
        // Consensus's finality proofs are opaque to the server; even heights get a stand-in one.
        let height = block.header().number;
        let proof = height.is_multiple_of(2).then(|| block.hash().0);
        self.core
            .commit(&block, proof.as_ref().map(|p| &p[..]))
            .unwrap();
        let events = self.core.store().events(height).unwrap().unwrap();
        (block.block().clone(), events)
    }

    /// Signs `call` by key `n` with its next nonce and puts it straight into the mempool.
    pub(crate) fn queue(&self, n: u32, call: Call) -> H256 {
        let context_chain = self.finalized();
        let checked = self.tx(n, call).check(&context_chain.check_context());
        self.submit(checked.unwrap()).unwrap()
    }

    /// Puts transactions straight into the mempool and produces a block; panics if any is
    /// refused, left out or failed. Returns the block's events.
    pub(crate) fn block_with(&self, txs: Vec<SignedTransaction>) -> Events {
        let n = txs.len();
        for tx in txs {
            let chain = self.finalized();
            self.submit(tx.check(&chain.check_context()).unwrap())
                .unwrap();
        }
        let (block, events) = self.produce_block();
        assert_eq!(block.transactions.len(), n, "every transaction included");
        for (_, event) in &events {
            assert!(
                !matches!(event, Event::TransactionFailed { .. }),
                "failed: {event:?}"
            );
        }
        events
    }

    /// A started subnet owned by coldkey `owner` with owner hotkey `hotkey`.
    pub(crate) fn subnet(&self, owner: u32, hotkey: u32) -> NetUid {
        let events = self.block_with(vec![self.tx(
            owner,
            Call::RegisterNetwork {
                hotkey: account(hotkey),
            },
        )]);
        let netuid = events
            .iter()
            .find_map(|(_, e)| match e {
                Event::NetworkAdded { netuid, .. } => Some(*netuid),
                _ => None,
            })
            .unwrap();
        self.block_with(vec![self.tx(owner, Call::StartCall { netuid })]);
        netuid
    }

    /// Registers `hotkeys` on `netuid`, paid by coldkeys 1..=20 in turn, 40 per block.
    pub(crate) fn register_many(&self, netuid: NetUid, hotkeys: impl IntoIterator<Item = u32>) {
        let hotkeys: Vec<u32> = hotkeys.into_iter().collect();
        for chunk in hotkeys.chunks(40) {
            for (i, hotkey) in chunk.iter().enumerate() {
                self.queue(
                    1 + (i as u32 % 20),
                    Call::BurnedRegister {
                        netuid,
                        hotkey: account(*hotkey),
                    },
                );
            }
            let (_, events) = self.produce_block();
            let registered = events
                .iter()
                .filter(|(_, e)| matches!(e, Event::NeuronRegistered { .. }))
                .count();
            assert_eq!(registered, chunk.len());
        }
    }

    pub(crate) fn mempool_len(&self) -> usize {
        self.mempool_status().0
    }

    pub(crate) fn state_root(&self) -> H256 {
        self.finalized().head().state_root
    }
}

/// A node with the real server on 127.0.0.1 and a client of it.
pub(crate) struct Harness {
    pub(crate) node: TestNode,
    pub(crate) server: RpcServer,
    pub(crate) client: Client,
}

impl Harness {
    pub(crate) async fn start() -> Self {
        Self::with_config(RpcConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            ..RpcConfig::default()
        })
        .await
    }

    pub(crate) async fn with_config(config: RpcConfig) -> Self {
        Self::with_node(config, TestNode::new()).await
    }

    pub(crate) async fn with_node(config: RpcConfig, node: TestNode) -> Self {
        let server = RpcServer::start(&config, node.core.clone()).await.unwrap();
        let client = Client::new(&format!("http://{}", server.local_addr())).unwrap();
        Self {
            node,
            server,
            client,
        }
    }

    /// Raw HTTP POST of `body`; returns the status and the parsed JSON answer (`Null` if the
    /// body is not JSON).
    pub(crate) async fn post(&self, body: impl Into<Vec<u8>>) -> (u16, serde_json::Value) {
        post_to(self.server.local_addr(), body).await
    }
}

/// Raw HTTP POST of `body` to the server at `address`; the status and the parsed JSON answer
/// (`Null` if the body is not JSON).
pub(crate) async fn post_to(
    address: std::net::SocketAddr,
    body: impl Into<Vec<u8>>,
) -> (u16, serde_json::Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = body.into();
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // The server may answer (413) before reading a large body; a failed write is fine.
    let _ = stream.write_all(&body).await;
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let text = String::from_utf8_lossy(&response);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let json = text
        .split_once("\r\n\r\n")
        .and_then(|(_, body)| serde_json::from_str(body).ok())
        .unwrap_or(serde_json::Value::Null);
    (status, json)
}

impl Harness {
    /// A JSON-RPC call over raw HTTP.
    pub(crate) async fn call_raw(
        &self,
        method: &str,
        params: serde_json::Value,
    ) -> serde_json::Value {
        let body =
            serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        self.post(body.to_string()).await.1
    }
}
