//! The node's shared state and the executor that commits finalized blocks.
//!
//! Marshal hands finalized blocks over at least once, in height order, and waits for an
//! acknowledgement before it records a block as processed. The executor acknowledges a block only
//! after the store has durably committed it, so a crash at any moment either loses nothing or
//! leads to a redelivery that the store recognises and skips.

use crate::app::Lookup;
use crate::block::{BlockDigest, PlexusBlock, to_digest};
use commonware_actor::Feedback;
use commonware_consensus::{Heightable, Reporter, marshal::Update};
use commonware_cryptography::{Digested, Digestible};
use commonware_utils::Acknowledgement;
use commonware_utils::acknowledgement::Exact;
use futures::StreamExt;
use futures::channel::mpsc;
use plexus_mempool::{AdmitError, Mempool};
use plexus_primitives::{AccountId, H256};
pub use plexus_rpc_server::Notification;
use plexus_runtime::{BlockOutcome, Chain, CheckedTransaction, Header, SignedTransaction};
use plexus_store::{Store, StoreError};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::sync::{Notify, broadcast};
use tracing::{error, info};

/// Speculative states kept for proposed and verified blocks not yet finalized.
const MAX_SPECULATIVE: usize = 64;

/// The state after a block that is not final yet.
struct Spec {
    chain: Chain,
    outcome: BlockOutcome,
}

struct Inner {
    /// The state after the last committed (finalized) block.
    committed: Arc<Chain>,
    specs: BTreeMap<BlockDigest, Spec>,
}

/// Everything the consensus application, the executor and the RPC share.
pub(crate) struct Shared {
    store: Store,
    inner: Mutex<Inner>,
    mempool: Mutex<Pool>,
    /// Signalled when the mempool admits a transaction (wakes an idle proposer).
    pub(crate) admitted: Notify,
    best: Mutex<Header>,
    notifications: broadcast::Sender<Notification>,
    tip: AtomicU64,
    /// Where transactions submitted here go to reach the other validators.
    gossip: Mutex<Option<mpsc::UnboundedSender<SignedTransaction>>>,
}

/// The mempool with the state it validates against: a private copy of the finalized state, so
/// admission never copies the state and never waits for queries.
struct Pool {
    mempool: Mempool,
    head: Chain,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a lock leaves data that is still consistent (every update here is
    // a single assignment), so poisoning is not a reason to stop the node.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub(crate) fn new(store: Store, committed: Chain, mempool: Mempool) -> Self {
        let (notifications, _) = broadcast::channel(1024);
        Self {
            store,
            best: Mutex::new(committed.head().clone()),
            mempool: Mutex::new(Pool {
                mempool,
                head: committed.clone(),
            }),
            inner: Mutex::new(Inner {
                committed: Arc::new(committed),
                specs: BTreeMap::new(),
            }),
            admitted: Notify::new(),
            notifications,
            tip: AtomicU64::new(0),
            gossip: Mutex::new(None),
        }
    }

    /// The state after the last committed block.
    pub(crate) fn finalized(&self) -> Arc<Chain> {
        lock(&self.inner).committed.clone()
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    pub(crate) fn best_head(&self) -> Header {
        lock(&self.best).clone()
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Notification> {
        self.notifications.subscribe()
    }

    /// Height of the newest finalization consensus has reported, durable or not.
    pub(crate) fn finalized_tip(&self) -> u64 {
        self.tip.load(Ordering::Relaxed)
    }

    /// Records the finalized height another node has announced.
    pub(crate) fn saw_tip(&self, height: u64) {
        self.tip.fetch_max(height, Ordering::Relaxed);
    }

    /// Starts sending transactions submitted here to peers.
    pub(crate) fn gossip_to(&self, sender: mpsc::UnboundedSender<SignedTransaction>) {
        *lock(&self.gossip) = Some(sender);
    }

    /// Admits a transaction to the mempool; `forward` sends it on to the other validators.
    pub(crate) fn admit(&self, tx: CheckedTransaction, forward: bool) -> Result<H256, AdmitError> {
        let signed = forward.then(|| tx.signed().clone());
        let hash = {
            let mut pool = lock(&self.mempool);
            let Pool { mempool, head } = &mut *pool;
            mempool.admit(head, tx)?
        };
        self.admitted.notify_waiters();
        if let (Some(signed), Some(gossip)) = (signed, lock(&self.gossip).as_ref()) {
            let _ = gossip.unbounded_send(signed);
        }
        Ok(hash)
    }

    pub(crate) fn is_pending(&self, hash: &H256) -> bool {
        lock(&self.mempool).mempool.contains(hash)
    }

    pub(crate) fn pending_nonce(&self, account: &AccountId) -> u64 {
        let chain = self.finalized();
        let next = chain.next_nonce(account);
        lock(&self.mempool).mempool.next_nonce(account, next)
    }

    pub(crate) fn mempool_status(&self) -> (usize, usize) {
        let pool = lock(&self.mempool);
        (pool.mempool.len(), pool.mempool.bytes())
    }

    pub(crate) fn saw_head(&self, header: &Header) {
        let mut best = lock(&self.best);
        if header.number > best.number {
            *best = header.clone();
            let _ = self
                .notifications
                .send(Notification::NewHead(header.clone()));
        }
    }

    /// Ready transactions on top of `chain`, at most `max_bytes` of them.
    pub(crate) fn ready(&self, chain: &Chain, max_bytes: usize) -> Vec<CheckedTransaction> {
        let max_count = chain.state().chain_params().max_block_transactions as usize;
        let mut candidates = lock(&self.mempool).mempool.ready(chain, max_count);
        let mut total = 0usize;
        candidates.retain(|tx| {
            total += tx.encoded_len() as usize;
            total <= max_bytes
        });
        candidates
    }

    /// Whether `digest` is a block we built, verified or finalized (without copying its state).
    pub(crate) fn knows(&self, digest: &BlockDigest) -> bool {
        {
            let inner = lock(&self.inner);
            if to_digest(inner.committed.head().hash()) == *digest
                || inner.specs.contains_key(digest)
            {
                return true;
            }
        }
        matches!(self.store.height_of(&H256(digest.0)), Ok(Some(_)))
    }

    /// The state after the block `digest` at `height`, if we know it.
    pub(crate) fn lookup(&self, digest: &BlockDigest, height: u64) -> Lookup {
        let inner = lock(&self.inner);
        let head = inner.committed.head();
        if to_digest(head.hash()) == *digest {
            return Lookup::Found(Box::new((*inner.committed).clone()));
        }
        if let Some(spec) = inner.specs.get(digest) {
            return Lookup::Found(Box::new(spec.chain.clone()));
        }
        if height <= head.number {
            return match self.store.header(height) {
                Ok(Some(stored)) if to_digest(stored.hash()) == *digest => {
                    drop(inner);
                    self.historical(height)
                }
                Ok(Some(_)) => Lookup::Conflicts,
                _ => Lookup::Unknown,
            };
        }
        Lookup::Unknown
    }

    /// The state after an already finalized block below the head, from the store.
    fn historical(&self, height: u64) -> Lookup {
        let resumed = (|| {
            let header = self.store.header(height).ok()??;
            let (state, root) = self.store.state_at(height).ok()?;
            let genesis = self.store.genesis_hash().ok()?;
            Chain::resume(state, root, header, genesis).ok()
        })();
        resumed.map_or(Lookup::Unknown, |chain| Lookup::Found(Box::new(chain)))
    }

    pub(crate) fn cache(&self, digest: BlockDigest, chain: &Chain, outcome: BlockOutcome) {
        let mut inner = lock(&self.inner);
        if outcome.header.number <= inner.committed.head().number {
            return;
        }
        inner.specs.insert(
            digest,
            Spec {
                chain: chain.clone(),
                outcome,
            },
        );
        while inner.specs.len() > MAX_SPECULATIVE {
            let lowest = inner
                .specs
                .iter()
                .min_by_key(|(_, spec)| spec.outcome.header.number)
                .map(|(digest, _)| *digest);
            if let Some(digest) = lowest {
                inner.specs.remove(&digest);
            }
        }
    }

    /// Applies and durably commits a finalized block, with consensus's proof that it is final
    /// when there is one. Returns once the block is in the store.
    pub(crate) fn commit(
        &self,
        block: &PlexusBlock,
        finality: Option<&[u8]>,
    ) -> Result<(), CommitError> {
        let height = block.header().number;
        let (committed, spec) = {
            let mut inner = lock(&self.inner);
            let head = inner.committed.head().number;
            if height <= head {
                // Redelivery after a restart: the block must be the one we stored.
                let stored = self
                    .store
                    .header(height)?
                    .ok_or(CommitError::Missing(height))?;
                if stored.hash() != block.hash() {
                    return Err(CommitError::Conflict {
                        height,
                        stored: stored.hash(),
                        finalized: block.hash(),
                    });
                }
                return Ok(());
            }
            let spec = inner.specs.remove(&block.digest());
            (inner.committed.clone(), spec)
        };
        let (chain, outcome) = match spec {
            Some(spec) => (spec.chain, spec.outcome),
            None => {
                let mut chain = (*committed).clone();
                let outcome = chain
                    .apply_block(block.block())
                    .map_err(|e| CommitError::Execution(height, e))?;
                (chain, outcome)
            }
        };
        self.store.commit(block.block(), &outcome, finality)?;
        let transactions: Vec<H256> = block
            .block()
            .transactions
            .iter()
            .map(|t| t.hash())
            .collect();
        let dropped = {
            let mut pool = lock(&self.mempool);
            pool.head = chain.clone();
            let Pool { mempool, head } = &mut *pool;
            mempool.prune(head)
        };
        {
            let mut inner = lock(&self.inner);
            inner.committed = Arc::new(chain);
            inner
                .specs
                .retain(|_, spec| spec.outcome.header.number > height);
        }
        self.saw_head(&outcome.header);
        let _ = self.notifications.send(Notification::Finalized {
            header: outcome.header,
            events: Arc::new(outcome.events),
            transactions: Arc::new(transactions.clone()),
        });
        let dropped: Vec<H256> = dropped
            .into_iter()
            .filter(|hash| !transactions.contains(hash))
            .collect();
        if !dropped.is_empty() {
            let _ = self
                .notifications
                .send(Notification::Dropped(Arc::new(dropped)));
        }
        Ok(())
    }
}

/// Why a finalized block could not be committed. Any of these stops the node: continuing would
/// acknowledge a block we have not stored.
#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A height below the head that the store does not have.
    #[error("block {0} is missing from the store")]
    Missing(u64),
    /// Consensus finalized a different block than the one stored at that height: the store
    /// belongs to another history.
    #[error("finalized block {finalized} at height {height} differs from the stored {stored}")]
    Conflict {
        /// The height.
        height: u64,
        /// What the store holds.
        stored: H256,
        /// What consensus finalized.
        finalized: H256,
    },
    /// A finalized block that does not execute: a determinism bug.
    #[error("finalized block {0} does not execute: {1}")]
    Execution(u64, plexus_runtime::BlockError),
}

/// Marshal's mailbox, for the finalization certificates it keeps.
pub(crate) type Marshal = commonware_consensus::marshal::core::Mailbox<
    commonware_consensus::simplex::scheme::ed25519::Scheme,
    commonware_consensus::marshal::standard::Standard<PlexusBlock>,
>;

/// Marshal's reporter: passes finalized blocks to the executor without blocking. Opaque; a
/// test may wrap it to observe finalizations.
#[derive(Clone)]
pub struct Finalizer {
    shared: Arc<Shared>,
    blocks: mpsc::UnboundedSender<(Digested<PlexusBlock>, Exact)>,
}

impl Finalizer {
    pub(crate) fn new(
        shared: Arc<Shared>,
    ) -> (
        Self,
        mpsc::UnboundedReceiver<(Digested<PlexusBlock>, Exact)>,
    ) {
        let (blocks, receiver) = mpsc::unbounded();
        (Self { shared, blocks }, receiver)
    }
}

impl Reporter for Finalizer {
    type Activity = Update<PlexusBlock, Exact>;

    fn report(&mut self, activity: Self::Activity) -> Feedback {
        match activity {
            Update::Tip(_, height, _) => {
                self.shared.saw_tip(height.get());
                Feedback::Ok
            }
            Update::Block(block, ack) => match self.blocks.unbounded_send((block, ack)) {
                Ok(()) => Feedback::Ok,
                Err(_) => Feedback::Closed,
            },
        }
    }
}

/// Commits finalized blocks in order, each with its finality proof when marshal holds one, and
/// acknowledges each only once it is durable.
pub(crate) async fn execute(
    shared: Arc<Shared>,
    marshal: Marshal,
    mut blocks: mpsc::UnboundedReceiver<(Digested<PlexusBlock>, Exact)>,
) {
    while let Some((block, ack)) = blocks.next().await {
        // Marshal records a finalization before it delivers the block; a block finalized only
        // as an ancestor of a later one has none, and the later one's proof covers it.
        let proof = marshal
            .get_finalization(block.inner().height())
            .await
            .filter(|proof| proof.proposal.payload == block.inner().digest())
            .map(|proof| crate::finality::encode(&proof));
        match shared.commit(block.inner(), proof.as_deref()) {
            Ok(()) => {
                let header = block.inner().header();
                if header.number % 100 == 0 {
                    info!(height = header.number, hash = %block.inner().hash(), "finalized");
                }
                ack.acknowledge();
            }
            Err(error) => {
                // Never acknowledge what we could not commit; holding the ack stalls marshal,
                // which is the safe outcome, and the operator sees why.
                error!(height = block.inner().height().get(), %error, "cannot commit a finalized block; halting");
                std::mem::forget(ack);
                futures::future::pending::<()>().await;
            }
        }
    }
}

/// Why a node's data cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The genesis in the chain spec is invalid.
    #[error(transparent)]
    Genesis(#[from] plexus_runtime::GenesisError),
    /// The data directory holds another chain.
    #[error("the data directory holds chain {stored}, but the chain spec's genesis is {spec}")]
    OtherChain {
        /// Genesis hash of the stored chain.
        stored: H256,
        /// Genesis hash of the spec.
        spec: H256,
    },
}

/// A node's chain: its durable store, the finalized state, the mempool and notifications.
/// Cheap to clone; consensus, the executor and the RPC server share one.
#[derive(Clone)]
pub struct Node {
    shared: Arc<Shared>,
}

impl Node {
    /// Opens (or creates from `genesis`) the chain store at `path`.
    pub fn open(
        path: &std::path::Path,
        genesis: &plexus_runtime::Genesis,
        retention: plexus_store::Retention,
        limits: plexus_mempool::Limits,
    ) -> Result<Self, OpenError> {
        let store = Store::open(path, retention)?;
        let fresh = Chain::from_genesis(genesis)?;
        let chain = match store.load()? {
            Some(chain) => {
                if chain.genesis_hash() != fresh.genesis_hash() {
                    return Err(OpenError::OtherChain {
                        stored: chain.genesis_hash(),
                        spec: fresh.genesis_hash(),
                    });
                }
                chain
            }
            None => {
                store.init(&fresh)?;
                fresh
            }
        };
        Ok(Self {
            shared: Arc::new(Shared::new(store, chain, Mempool::new(limits))),
        })
    }

    pub(crate) fn shared(&self) -> Arc<Shared> {
        self.shared.clone()
    }

    /// The chain's genesis hash.
    pub fn genesis_hash(&self) -> H256 {
        self.shared.finalized().genesis_hash()
    }

    /// The state after the last finalized block.
    pub fn finalized(&self) -> Arc<Chain> {
        self.shared.finalized()
    }

    /// Block 0 as consensus sees it.
    pub fn genesis_block(&self) -> PlexusBlock {
        let header = match self.shared.store.header(0) {
            Ok(Some(header)) => header,
            // `open` wrote genesis; a store that lost it fails at the first read anyway.
            _ => self.shared.finalized().head().clone(),
        };
        PlexusBlock::new(plexus_runtime::Block {
            header,
            transactions: Vec::new(),
        })
    }

    /// Height of the newest finalization consensus has announced (the store may lag briefly).
    pub fn finalized_tip(&self) -> u64 {
        self.shared.finalized_tip()
    }
}

impl plexus_rpc_server::Backend for Node {
    fn finalized(&self) -> Arc<Chain> {
        self.shared.finalized()
    }

    fn store(&self) -> &Store {
        self.shared.store()
    }

    fn best_head(&self) -> Header {
        self.shared.best_head()
    }

    fn submit(&self, tx: CheckedTransaction) -> Result<H256, AdmitError> {
        self.shared.admit(tx, true)
    }

    fn is_pending(&self, hash: &H256) -> bool {
        self.shared.is_pending(hash)
    }

    fn pending_nonce(&self, account: &AccountId) -> u64 {
        self.shared.pending_nonce(account)
    }

    fn mempool_status(&self) -> (usize, usize) {
        self.shared.mempool_status()
    }

    fn subscribe(&self) -> broadcast::Receiver<Notification> {
        self.shared.subscribe()
    }
}
