//! A node in a test: the real runtime, store and mempool behind the RPC `Backend`, a
//! `produce_block` step in place of consensus, and the real server and client on loopback.

use plexus_mempool::{AdmitError, Limits, Mempool};
use plexus_primitives::{AccountId, Balance, NetUid, H256, RAO_PER_TAO};
use plexus_rpc::Client;
use plexus_rpc_server::{Backend, Notification, RpcConfig, RpcServer};
use plexus_runtime::{
    Block, BlockOutcome, Call, Chain, ChainParams, CheckedTransaction, Event, Genesis, Header,
    SignedTransaction, Transaction,
};
use plexus_store::{Retention, Store};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use tokio::sync::broadcast;

pub(crate) const TAO: Balance = RAO_PER_TAO;

/// The governance key's seed.
pub(crate) const GOV: u32 = 200;

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

/// The node behind the RPC: a finalized snapshot, a working chain the mempool admits against
/// and blocks are built on, the store, and the notification channel.
pub(crate) struct TestNode {
    snapshot: RwLock<Arc<Chain>>,
    working: Mutex<Chain>,
    mempool: Mutex<Mempool>,
    store: Store,
    notifications: broadcast::Sender<Notification>,
    timestamp: Mutex<u64>,
    _dir: tempfile::TempDir,
}

impl TestNode {
    /// Accounts 1..=20 hold 1M TAO each, governance `GOV` 1000 TAO; subnets are cheap and
    /// quick to register.
    pub(crate) fn new() -> Arc<Self> {
        Self::with_retention(Retention::Archive)
    }

    /// As [`TestNode::new`], keeping older states as `retention` says.
    pub(crate) fn with_retention(retention: Retention) -> Arc<Self> {
        let mut balances: Vec<(AccountId, Balance)> =
            (1..=20).map(|n| (account(n), 1_000_000 * TAO)).collect();
        balances.push((account(GOV), 1000 * TAO));
        let genesis = Genesis {
            chain_id: "rpc-test".into(),
            timestamp: 1_000,
            governance: Some(account(GOV)),
            balances,
            params: ChainParams {
                network_rate_limit: 0,
                network_min_lock: TAO,
                ..ChainParams::default()
            },
        };
        let chain = Chain::from_genesis(&genesis).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("chain.redb"), retention).unwrap();
        store.init(&chain).unwrap();
        let (notifications, _) = broadcast::channel(1024);
        Arc::new(Self {
            snapshot: RwLock::new(Arc::new(chain.clone())),
            working: Mutex::new(chain),
            mempool: Mutex::new(Mempool::new(Limits::default())),
            store,
            notifications,
            timestamp: Mutex::new(1_000),
            _dir: dir,
        })
    }

    /// A transaction of key `n` with its next nonce counting the mempool.
    pub(crate) fn tx(&self, n: u32, call: Call) -> SignedTransaction {
        Transaction {
            signer: account(n),
            nonce: self.pending_nonce(&account(n)),
            genesis_hash: self.finalized().genesis_hash(),
            valid_until: None,
            tip: 0,
            call,
        }
        .sign(&keypair(n))
    }

    /// What consensus and the finalizer do for one block: build from the mempool, commit,
    /// prune the pool, replace the snapshot, notify.
    pub(crate) fn produce_block(&self) -> (Block, BlockOutcome) {
        let mut chain = self.working.lock().unwrap();
        let mut pool = self.mempool.lock().unwrap();
        let timestamp = {
            let mut t = self.timestamp.lock().unwrap();
            *t += 12_000;
            *t
        };
        let ready = pool.ready(&chain, usize::MAX);
        let (block, outcome) = chain.build_block(timestamp, ready).unwrap();
        // Consensus's finality proofs are opaque here; even heights get a stand-in one.
        let proof = (block.header.number % 2 == 0).then(|| block.header.hash().0);
        self.store
            .commit(&block, &outcome, proof.as_ref().map(|p| &p[..]))
            .unwrap();
        let included: Vec<H256> = block.transactions.iter().map(|t| t.hash()).collect();
        let dropped: Vec<H256> = pool
            .prune(&mut chain)
            .into_iter()
            .filter(|h| !included.contains(h))
            .collect();
        *self.snapshot.write().unwrap() = Arc::new(chain.clone());
        let header = block.header.clone();
        let _ = self
            .notifications
            .send(Notification::NewHead(header.clone()));
        let _ = self.notifications.send(Notification::Finalized {
            header,
            events: Arc::new(outcome.events.clone()),
            transactions: Arc::new(included),
        });
        if !dropped.is_empty() {
            let _ = self
                .notifications
                .send(Notification::Dropped(Arc::new(dropped)));
        }
        (block, outcome)
    }

    /// Signs `call` by key `n` with its next nonce and puts it straight into the mempool.
    pub(crate) fn queue(&self, n: u32, call: Call) -> H256 {
        self.submit(self.tx(n, call).check().unwrap()).unwrap()
    }

    /// Puts transactions straight into the mempool and produces a block; panics if any is
    /// refused or left out.
    pub(crate) fn block_with(&self, txs: Vec<SignedTransaction>) -> BlockOutcome {
        let n = txs.len();
        for tx in txs {
            self.submit(tx.check().unwrap()).unwrap();
        }
        let (block, outcome) = self.produce_block();
        assert_eq!(block.transactions.len(), n, "every transaction included");
        for (_, event) in &outcome.events {
            assert!(
                !matches!(event, Event::TransactionFailed { .. }),
                "failed: {event:?}"
            );
        }
        outcome
    }

    /// A started subnet owned by coldkey `owner` with owner hotkey `hotkey`.
    pub(crate) fn subnet(&self, owner: u32, hotkey: u32) -> NetUid {
        let outcome = self.block_with(vec![self.tx(
            owner,
            Call::RegisterNetwork {
                hotkey: account(hotkey),
            },
        )]);
        let netuid = outcome
            .events
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
            let (_, outcome) = self.produce_block();
            let registered = outcome
                .events
                .iter()
                .filter(|(_, e)| matches!(e, Event::NeuronRegistered { .. }))
                .count();
            assert_eq!(registered, chunk.len());
        }
    }

    pub(crate) fn mempool_len(&self) -> usize {
        self.mempool.lock().unwrap().len()
    }

    pub(crate) fn state_root(&self) -> H256 {
        self.finalized().head().state_root
    }
}

impl Backend for TestNode {
    fn finalized(&self) -> Arc<Chain> {
        self.snapshot.read().unwrap().clone()
    }

    fn store(&self) -> &Store {
        &self.store
    }

    fn best_head(&self) -> Header {
        self.finalized().head().clone()
    }

    fn submit(&self, tx: CheckedTransaction) -> Result<H256, AdmitError> {
        let mut chain = self.working.lock().unwrap();
        self.mempool.lock().unwrap().admit(&mut chain, tx)
    }

    fn is_pending(&self, hash: &H256) -> bool {
        self.mempool.lock().unwrap().contains(hash)
    }

    fn pending_nonce(&self, account: &AccountId) -> u64 {
        let chain = self.working.lock().unwrap();
        let ready = self
            .mempool
            .lock()
            .unwrap()
            .ready(&chain, usize::MAX)
            .iter()
            .filter(|t| t.transaction().signer == *account)
            .count() as u64;
        chain.next_nonce(account) + ready
    }

    fn mempool_status(&self) -> (usize, usize) {
        let pool = self.mempool.lock().unwrap();
        (pool.len(), pool.bytes())
    }

    fn subscribe(&self) -> broadcast::Receiver<Notification> {
        self.notifications.subscribe()
    }
}

/// A node with the real server on 127.0.0.1 and a client of it.
pub(crate) struct Harness {
    pub(crate) node: Arc<TestNode>,
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

    pub(crate) async fn with_node(config: RpcConfig, node: Arc<TestNode>) -> Self {
        let server = RpcServer::start(&config, node.clone()).await.unwrap();
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
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let body = body.into();
        let mut stream = tokio::net::TcpStream::connect(self.server.local_addr())
            .await
            .unwrap();
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
