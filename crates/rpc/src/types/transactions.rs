//! Transactions: where they are, how they went, their fees, nonces and progress.

use super::encoding::as_string;
use super::{Event, HexBytes};
use plexus_primitives::{AccountId, Balance, BlockNumber, H256};
use serde::{Deserialize, Serialize};

/// Where a transaction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TxStatus {
    /// Waiting in the node's mempool.
    Pending,
    /// In a finalized block.
    Finalized,
}

/// Where a finalized transaction was included and how it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inclusion {
    /// The block's height.
    pub block_number: BlockNumber,
    /// The block's hash.
    pub block_hash: H256,
    /// Position in the block.
    pub index: u32,
    /// Whether its call succeeded (a failed call still paid its fee and used its nonce).
    pub success: bool,
    /// Why the call failed, if it did.
    pub error: Option<TxError>,
    /// The events of this transaction (fee, transfers, …), in order.
    pub events: Vec<Event>,
}

/// Where a transaction is in the chain: the block and its position there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TxPosition {
    /// The block's height.
    pub block_number: BlockNumber,
    /// Position in the block.
    pub index: u32,
}

/// One transaction in an account's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountTransaction {
    /// Its hash.
    pub hash: H256,
    /// Where it is.
    pub position: TxPosition,
    /// Its block's timestamp, milliseconds since the Unix epoch.
    pub timestamp: u64,
    /// Who signed (and paid); the account itself, or another that named it.
    pub signer: AccountId,
    /// The signer's nonce it used.
    pub nonce: u64,
    /// The call's name.
    pub call: String,
    /// Whether its call succeeded.
    pub success: bool,
}

/// A page of an account's history, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountHistory {
    /// The transactions.
    pub transactions: Vec<AccountTransaction>,
    /// Where the next (older) page starts, to pass as `before`; `null` on the last page.
    pub next: Option<TxPosition>,
}

/// A transaction by hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionInfo {
    /// Its hash.
    pub hash: H256,
    /// Pending or finalized.
    pub status: TxStatus,
    /// The transaction itself (known once it is in a block).
    pub transaction: Option<TransactionDetails>,
    /// Where and how it was included (finalized only).
    pub inclusion: Option<Inclusion>,
}

/// The signed fields of a transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionDetails {
    /// Signer.
    pub signer: AccountId,
    /// Nonce.
    pub nonce: u64,
    /// Tip, rao.
    #[serde(with = "as_string")]
    pub tip: Balance,
    /// Last block it was valid in, if limited.
    pub valid_until: Option<BlockNumber>,
    /// The call's name.
    pub call: String,
    /// The SCALE bytes of the signed transaction (decode with `plexus_runtime`).
    pub bytes: HexBytes,
}

/// A call's failure inside its block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxError {
    /// The error's name, e.g. `insufficient_balance`.
    pub kind: String,
    /// A readable message.
    pub message: String,
}

/// The fee a transaction would pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeEstimate {
    /// Base fee plus per-byte fee (0 for free calls), rao.
    #[serde(with = "as_string")]
    pub fee: Balance,
    /// The tip it carries, rao.
    #[serde(with = "as_string")]
    pub tip: Balance,
    /// Everything it burns: fee plus tip, rao.
    #[serde(with = "as_string")]
    pub total: Balance,
    /// Its encoded length, bytes.
    pub encoded_len: u32,
}

/// The next nonce of an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextNonce {
    /// The account.
    pub address: AccountId,
    /// Next nonce at the finalized head.
    pub finalized: u64,
    /// Next nonce counting transactions waiting in the mempool: the one to sign with.
    pub pending: u64,
}

/// A transaction's progress, as `tx_submitAndWatch` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum TxProgress {
    /// Admitted to the mempool.
    Pending {
        /// Its hash.
        hash: H256,
    },
    /// In a finalized block; the last message.
    Finalized {
        /// Its hash.
        hash: H256,
        /// Where and how it went.
        inclusion: Inclusion,
    },
    /// Dropped from the mempool without being included (invalid at a later head, evicted); the
    /// last message.
    Dropped {
        /// Its hash.
        hash: H256,
    },
}
