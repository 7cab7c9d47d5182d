//! The node's state, without consensus: the durable store, the finalized state, the states after
//! blocks proposed or verified but not final yet, the mempool, and the notifications the RPC
//! serves; and the one path by which a block becomes final here, [`Core::commit`].
//!
//! Consensus (the application and the finalizer), a follower, transaction gossip and the RPC
//! server share one [`Core`]. A test or a tool produces blocks without consensus through the
//! same calls a validator makes: [`Core::build_on_finalized`] (what a proposer does) and then
//! [`Core::commit`] (what the finalizer does).
//!
//! Marshal hands finalized blocks over at least once, in height order. A redelivered block
//! (after a crash before the acknowledgement) is recognised by its height and skipped, so
//! committing is idempotent.

use crate::block::{BlockDigest, MAX_BLOCK_BYTES, PlexusBlock, to_digest};
use commonware_cryptography::Digestible as _;
use futures::channel::mpsc;
use plexus_mempool::{AdmitError, Mempool};
use plexus_primitives::{AccountId, H256};
use plexus_rpc_server::{Backend, Notification};
use plexus_runtime::{
    BlockError, BlockOutcome, Chain, CheckedTransaction, ConsensusRound, Header, SignedTransaction,
};
use plexus_store::{Store, StoreError};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::sync::{Notify, broadcast, watch};

/// Speculative states kept for proposed and verified blocks not yet finalized.
const MAX_SPECULATIVE: usize = 64;

/// Room left in a block for the header's fixed part and the length prefixes; its seeds and the
/// consensus payload take more (see [`Core::ready`]).
const HEADER_ROOM: usize = 1024;

/// The state after a block that is not final yet.
struct Speculative {
    chain: Chain,
    outcome: BlockOutcome,
}

/// The finalized state and the speculative states built on it, under one lock so a commit
/// replaces the one and prunes the other together.
struct States {
    /// The state after the last committed (finalized) block.
    finalized: Arc<Chain>,
    speculative: BTreeMap<BlockDigest, Speculative>,
}

/// The mempool with the state it admits against: a private copy of the finalized state, so
/// admission never copies the state and never waits for queries.
struct Admission {
    mempool: Mempool,
    head: Chain,
}

/// What the core knows about a block's digest.
pub(crate) enum Lookup {
    /// The state after the block.
    Found(Box<Chain>),
    /// A block at a finalized height that is not the finalized one: never valid.
    Conflicts,
    /// Not a block we built, verified or finalized.
    Unknown,
}

/// A node's chain without consensus: the durable store, the finalized state, the speculative
/// states of blocks not final yet, the mempool and the notifications. Consensus, a follower,
/// gossip and the RPC server (as its [`Backend`]) share one behind an `Arc`.
pub struct Core {
    store: Store,
    /// Block 0 as consensus sees it: the genesis header and the consensus payload it commits
    /// to (the store keeps only the header).
    genesis: PlexusBlock,
    states: Mutex<States>,
    admission: Mutex<Admission>,
    /// Signalled when the mempool admits a transaction (wakes an idle proposer).
    admitted: Notify,
    best: Mutex<Header>,
    notifications: broadcast::Sender<Notification>,
    tip: AtomicU64,
    /// Where transactions submitted here go to reach the other validators.
    gossip: Mutex<Option<mpsc::UnboundedSender<SignedTransaction>>>,
    /// Why the node cannot go on, once it cannot (see [`Core::halt`]).
    halted: watch::Sender<Option<String>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a lock leaves data that is still consistent (every update here is
    // a single assignment), so poisoning is not a reason to stop the node.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Core {
    /// Opens (or creates from `genesis`) the chain store at `path`.
    pub fn open(
        path: &std::path::Path,
        genesis: &plexus_runtime::Genesis,
        retention: plexus_store::Retention,
        limits: plexus_mempool::Limits,
    ) -> Result<Self, OpenError> {
        let fresh = Chain::from_genesis(genesis)?;
        let genesis_block = PlexusBlock::new(plexus_runtime::Block {
            header: fresh.head().clone(),
            transactions: Vec::new(),
            consensus: genesis.consensus_bytes()?,
        })
        .map_err(|e| OpenError::GenesisConsensus(e.to_string()))?;
        if !path.exists() {
            create_store(path, &fresh, retention)?;
        }
        let store = Store::open(path, retention)?;
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
        let (notifications, _) = broadcast::channel(1024);
        Ok(Self {
            store,
            genesis: genesis_block,
            best: Mutex::new(chain.head().clone()),
            admission: Mutex::new(Admission {
                mempool: Mempool::new(limits),
                head: chain.clone(),
            }),
            states: Mutex::new(States {
                finalized: Arc::new(chain),
                speculative: BTreeMap::new(),
            }),
            admitted: Notify::new(),
            notifications,
            tip: AtomicU64::new(0),
            gossip: Mutex::new(None),
            halted: watch::Sender::new(None),
        })
    }

    /// Asks the node to stop because it cannot go on (a finalized block it cannot store or
    /// execute): the process shuts down cleanly and exits with `reason`. The first reason wins.
    pub fn halt(&self, reason: String) {
        self.halted.send_if_modified(|halted| {
            let first = halted.is_none();
            if first {
                *halted = Some(reason);
            }
            first
        });
    }

    /// Completes with the reason once [`Core::halt`] has been called.
    pub async fn halted(&self) -> String {
        let mut halted = self.halted.subscribe();
        loop {
            if let Some(reason) = halted.borrow_and_update().clone() {
                return reason;
            }
            if halted.changed().await.is_err() {
                // The core owns the sender, so it outlives this borrow of the core.
                std::future::pending::<()>().await;
            }
        }
    }

    /// The chain's genesis hash.
    pub fn genesis_hash(&self) -> H256 {
        self.finalized().genesis_hash()
    }

    /// Block 0 as consensus sees it.
    pub fn genesis_block(&self) -> PlexusBlock {
        self.genesis.clone()
    }

    /// Waits until the finalized chain reaches `height` (forever if the node stops first).
    pub(crate) async fn finalized_reaches(&self, height: u64) {
        let mut notifications = self.subscribe();
        while self.finalized().head().number < height {
            if let Err(broadcast::error::RecvError::Closed) = notifications.recv().await {
                futures::future::pending::<()>().await;
            }
        }
    }

    /// Height of the newest finalization consensus has announced (the store may lag briefly).
    pub fn finalized_tip(&self) -> u64 {
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

    /// Completes when the mempool next admits a transaction.
    pub(crate) fn admitted(&self) -> tokio::sync::futures::Notified<'_> {
        self.admitted.notified()
    }

    /// Admits a transaction to the mempool; `forward` sends it on to the other validators.
    pub(crate) fn admit(&self, tx: CheckedTransaction, forward: bool) -> Result<H256, AdmitError> {
        let signed = forward.then(|| tx.signed().clone());
        let hash = {
            let mut admission = lock(&self.admission);
            let Admission { mempool, head } = &mut *admission;
            mempool.admit(head, tx)?
        };
        self.admitted.notify_waiters();
        if let (Some(signed), Some(gossip)) = (signed, lock(&self.gossip).as_ref()) {
            let _ = gossip.unbounded_send(signed);
        }
        Ok(hash)
    }

    /// Records a block proposed or verified here as the best head if it is the highest yet.
    pub(crate) fn saw_head(&self, header: &Header) {
        let mut best = lock(&self.best);
        if header.number > best.number {
            *best = header.clone();
            let _ = self
                .notifications
                .send(Notification::NewHead(header.clone()));
        }
    }

    /// Ready transactions on top of `chain`, as many as fit one block beside `taken` bytes of
    /// seeds and consensus payload.
    pub(crate) fn ready(&self, chain: &Chain, taken: usize) -> Vec<CheckedTransaction> {
        let max_bytes = (MAX_BLOCK_BYTES as usize).saturating_sub(HEADER_ROOM + taken);
        let max_count = chain.state().chain_params().max_block_transactions as usize;
        let mut candidates = lock(&self.admission).mempool.ready(chain, max_count);
        let mut total = 0usize;
        candidates.retain(|tx| {
            total += tx.encoded_len() as usize;
            total <= max_bytes
        });
        candidates
    }

    /// Builds the block after `chain` from `candidates`, keeps its state for the vote and the
    /// commit that follow, and announces it as the best head.
    pub(crate) fn build(
        &self,
        mut chain: Chain,
        round: ConsensusRound,
        timestamp: u64,
        candidates: Vec<CheckedTransaction>,
    ) -> Result<PlexusBlock, BuildError> {
        let (block, outcome) = chain.build_block_in(round, timestamp, candidates)?;
        let block = PlexusBlock::new(block)?;
        self.cache(block.digest(), &chain, outcome);
        self.saw_head(block.header());
        Ok(block)
    }

    /// Builds a block on the finalized head from the mempool's ready transactions, as a
    /// proposer does, for a test or a tool that produces blocks without consensus; it becomes
    /// final once passed to [`Core::commit`]. `timestamp` must be above the head's. The block
    /// is in the first round after the head's and carries no seeds, so the chain must have no
    /// group key.
    pub fn build_on_finalized(&self, timestamp: u64) -> Result<PlexusBlock, BuildError> {
        let chain = (*self.finalized()).clone();
        let candidates = self.ready(&chain, 0);
        let next = chain.next_round();
        let round = ConsensusRound {
            epoch: next.epoch,
            view: next.view,
            leader: plexus_runtime::ValidatorId::default(),
            seeds: Vec::new(),
            consensus: Vec::new(),
        };
        self.build(chain, round, timestamp, candidates)
    }

    /// Whether `digest` is a block we built, verified or finalized (without copying its state).
    pub(crate) fn knows(&self, digest: &BlockDigest) -> bool {
        {
            let states = lock(&self.states);
            if to_digest(states.finalized.head().hash()) == *digest
                || states.speculative.contains_key(digest)
            {
                return true;
            }
        }
        matches!(self.store.height_of(&H256(digest.0)), Ok(Some(_)))
    }

    /// The state after the block `digest` at `height`, if we know it.
    pub(crate) fn lookup(&self, digest: &BlockDigest, height: u64) -> Lookup {
        let states = lock(&self.states);
        let head = states.finalized.head();
        if to_digest(head.hash()) == *digest {
            return Lookup::Found(Box::new((*states.finalized).clone()));
        }
        if let Some(speculative) = states.speculative.get(digest) {
            return Lookup::Found(Box::new(speculative.chain.clone()));
        }
        if height <= head.number {
            return match self.store.header(height) {
                Ok(Some(stored)) if to_digest(stored.hash()) == *digest => {
                    drop(states);
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

    /// Keeps the state after a block that is not final yet, so that it executes once whether
    /// we built it, verified it, or later commit it.
    pub(crate) fn cache(&self, digest: BlockDigest, chain: &Chain, outcome: BlockOutcome) {
        let mut states = lock(&self.states);
        if outcome.header.number <= states.finalized.head().number {
            return;
        }
        states.speculative.insert(
            digest,
            Speculative {
                chain: chain.clone(),
                outcome,
            },
        );
        while states.speculative.len() > MAX_SPECULATIVE {
            let lowest = states
                .speculative
                .iter()
                .min_by_key(|(_, speculative)| speculative.outcome.header.number)
                .map(|(digest, _)| *digest);
            if let Some(digest) = lowest {
                states.speculative.remove(&digest);
            }
        }
    }

    /// Applies and durably commits a finalized block, with consensus's proof that it is final
    /// when there is one, then prunes the mempool against the new state, replaces the
    /// finalized snapshot and notifies. Returns once the block is in the store; a block at a
    /// height already committed is checked against the stored one and otherwise skipped.
    pub fn commit(&self, block: &PlexusBlock, finality: Option<&[u8]>) -> Result<(), CommitError> {
        let height = block.header().number;
        let (finalized, speculative) = {
            let mut states = lock(&self.states);
            let head = states.finalized.head().number;
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
            let speculative = states.speculative.remove(&block.digest());
            (states.finalized.clone(), speculative)
        };
        let (chain, outcome) = match speculative {
            Some(speculative) => (speculative.chain, speculative.outcome),
            None => {
                let mut chain = (*finalized).clone();
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
            let mut admission = lock(&self.admission);
            admission.head = chain.clone();
            let Admission { mempool, head } = &mut *admission;
            mempool.prune(head)
        };
        {
            let mut states = lock(&self.states);
            states.finalized = Arc::new(chain);
            states
                .speculative
                .retain(|_, speculative| speculative.outcome.header.number > height);
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

impl Backend for Core {
    fn finalized(&self) -> Arc<Chain> {
        lock(&self.states).finalized.clone()
    }

    fn store(&self) -> &Store {
        &self.store
    }

    fn best_head(&self) -> Header {
        lock(&self.best).clone()
    }

    fn submit(&self, tx: CheckedTransaction) -> Result<H256, AdmitError> {
        self.admit(tx, true)
    }

    fn is_pending(&self, hash: &H256) -> bool {
        lock(&self.admission).mempool.contains(hash)
    }

    fn pending_nonce(&self, account: &AccountId) -> u64 {
        let next = self.finalized().next_nonce(account);
        lock(&self.admission).mempool.next_nonce(account, next)
    }

    fn mempool_status(&self) -> (usize, usize) {
        let admission = lock(&self.admission);
        (admission.mempool.len(), admission.mempool.bytes())
    }

    fn subscribe(&self) -> broadcast::Receiver<Notification> {
        self.notifications.subscribe()
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
    Execution(u64, BlockError),
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
    /// The genesis's consensus payload is not one consensus can read.
    #[error("the genesis's consensus record does not decode: {0}")]
    GenesisConsensus(String),
    /// The data directory holds another chain.
    #[error("the data directory holds chain {stored}, but the chain spec's genesis is {spec}")]
    OtherChain {
        /// Genesis hash of the stored chain.
        stored: H256,
        /// Genesis hash of the spec.
        spec: H256,
    },
    /// The store could not be created in place.
    #[error("creating the store {path}: {source}")]
    Create {
        /// The file.
        path: String,
        /// What failed.
        source: std::io::Error,
    },
}

/// Why a block could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The chain's rules refused it.
    #[error(transparent)]
    Block(#[from] BlockError),
    /// Its leader or consensus payload does not decode (a bug in what consensus handed over).
    #[error("the block's leader or consensus payload does not decode: {0}")]
    Format(#[from] commonware_codec::Error),
}

/// Creates the store at `path` with the chain's genesis, under a temporary name that is renamed
/// into place only once it is complete: a node killed while creating its store leaves no store
/// (and a half-made one under the temporary name, made again on the next start), never one that
/// cannot be opened.
fn create_store(
    path: &std::path::Path,
    genesis: &Chain,
    retention: plexus_store::Retention,
) -> Result<(), OpenError> {
    let mut name = path.as_os_str().to_owned();
    name.push(".creating");
    let creating = std::path::PathBuf::from(name);
    if creating.exists() {
        tracing::warn!(path = %creating.display(), "a store left half-created is made again");
        std::fs::remove_file(&creating).map_err(|e| OpenError::Create {
            path: creating.display().to_string(),
            source: e,
        })?;
    }
    let store = Store::open(&creating, retention)?;
    store.init(genesis)?;
    drop(store);
    let io = |e| OpenError::Create {
        path: path.display().to_string(),
        source: e,
    };
    std::fs::File::open(&creating)
        .and_then(|f| f.sync_all())
        .map_err(io)?;
    std::fs::rename(&creating, path).map_err(io)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn open(dir: &tempfile::TempDir) -> Core {
        let genesis = plexus_runtime::Genesis {
            chain_id: "core-test".into(),
            timestamp: 0,
            governance: None,
            balances: Vec::new(),
            params: plexus_runtime::ChainParams::default(),
            group_key: None,
            epoch_length: None,
            consensus: None,
        };
        Core::open(
            &dir.path().join("chain.redb"),
            &genesis,
            plexus_store::Retention::Archive,
            plexus_mempool::Limits::default(),
        )
        .unwrap()
    }

    #[test]
    fn test_a_built_block_is_committed_once_and_its_redelivery_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let core = open(&dir);
        let mut notifications = core.subscribe();
        let block = core.build_on_finalized(1_000).unwrap();
        assert_eq!(core.best_head(), *block.header());
        assert_eq!(core.finalized().head().number, 0, "built, not final");
        core.commit(&block, None).unwrap();
        assert_eq!(core.finalized().head(), block.header());
        core.commit(&block, None).unwrap();
        assert!(matches!(
            notifications.try_recv(),
            Ok(Notification::NewHead(header)) if header == *block.header()
        ));
        assert!(matches!(
            notifications.try_recv(),
            Ok(Notification::Finalized { header, .. }) if header == *block.header()
        ));
        assert!(notifications.try_recv().is_err(), "a redelivery is silent");
    }

    #[test]
    fn test_a_block_built_elsewhere_executes_and_another_at_its_height_conflicts() {
        let (ours, theirs) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (ours, theirs) = (open(&ours), open(&theirs));
        let block = theirs.build_on_finalized(1_000).unwrap();
        ours.commit(&block, Some(b"proof")).unwrap();
        assert_eq!(ours.finalized().head(), block.header());
        assert_eq!(ours.store().finality(1).unwrap(), Some(b"proof".to_vec()));

        let other = theirs.build_on_finalized(2_000).unwrap();
        assert_eq!(other.header().number, 1);
        let error = ours.commit(&other, None).unwrap_err();
        assert!(
            matches!(error, CommitError::Conflict { height: 1, .. }),
            "{error}"
        );
        assert_eq!(ours.finalized().head(), block.header());
    }
}
