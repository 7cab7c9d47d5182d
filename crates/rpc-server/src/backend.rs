//! The seam between the server and the node: what the server reads and where it sends
//! transactions. The node's core (`plexus_node::Core`) implements [`Backend`], and the server's
//! end-to-end tests run over that same core.

use plexus_mempool::AdmitError;
use plexus_primitives::{AccountId, H256};
use plexus_runtime::{Chain, CheckedTransaction, Events, Header};
use plexus_store::Store;
use std::sync::Arc;

/// What the RPC server needs from a node.
///
/// Reads go to an immutable [`Chain`] snapshot (queries never hold a lock the node's finalizer
/// needs) and to the [`Store`] (redb readers never block its writer). Signature checks happen in
/// the server, on a blocking thread, before [`Backend::submit`].
pub trait Backend: Send + Sync + 'static {
    /// The chain state after the last finalized block (the node replaces this snapshot after
    /// every commit).
    fn finalized(&self) -> Arc<Chain>;
    /// The node's durable store (blocks, events, transaction index, historical state).
    fn store(&self) -> &Store;
    /// The newest block the node knows (proposed or verified, maybe not final yet); equals the
    /// finalized head on a dev node.
    fn best_head(&self) -> Header;
    /// Admits an already signature-checked transaction to the mempool; returns its hash.
    fn submit(&self, tx: CheckedTransaction) -> Result<H256, AdmitError>;
    /// Whether a transaction is waiting in the mempool.
    fn is_pending(&self, hash: &H256) -> bool;
    /// The next nonce for an account counting its pending transactions.
    fn pending_nonce(&self, account: &AccountId) -> u64;
    /// `(count, bytes)` of the transactions in the mempool.
    fn mempool_status(&self) -> (usize, usize);
    /// Chain notifications, in order: new heads, finalized blocks, dropped transactions.
    fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Notification>;
}

/// What happened on the node, as subscribers see it.
///
/// A node sends `Finalized` after the block is committed to the store and the snapshot is
/// replaced (so a subscriber that reacts with a query sees the block), and sends it before
/// `Dropped` for the same block.
#[derive(Debug, Clone)]
pub enum Notification {
    /// A new best block (proposed or verified; on a dev node, the finalized one).
    NewHead(Header),
    /// A block was finalized, with its events and the hashes of its transactions in order.
    Finalized {
        /// Its header.
        header: Header,
        /// Its events (shared: every subscriber reads the same list).
        events: Arc<Events>,
        /// Its transactions' hashes, in block order.
        transactions: Arc<Vec<H256>>,
    },
    /// Transactions removed from the mempool without being included: invalid at a newer head,
    /// or evicted. (Transactions a block included are not listed.)
    Dropped(Arc<Vec<H256>>),
}
