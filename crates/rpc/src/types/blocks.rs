//! Blocks and headers, and the finalized runs a follower syncs.

use super::{EventRecord, HexBytes};
use plexus_primitives::{AccountId, BlockNumber, H256};
use serde::{de::Error as _, Deserialize, Deserializer, Serialize};

/// A block named by height or by hash (`12` or `"0x…"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum BlockId {
    /// By height.
    Number(BlockNumber),
    /// By header hash.
    Hash(H256),
}

impl<'de> Deserialize<'de> for BlockId {
    /// Reads either form, and says what is expected when neither fits (instead of naming the
    /// type's internals).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        const EXPECTED: &str = "expected a block number or a 0x-prefixed 32-byte block hash";
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Number(n) => n
                .as_u64()
                .map(Self::Number)
                .ok_or_else(|| D::Error::custom(format!("{n} is not a block number; {EXPECTED}"))),
            serde_json::Value::String(text) => serde_json::from_value(text.into())
                .map(Self::Hash)
                .map_err(|e| D::Error::custom(format!("{e}; {EXPECTED}"))),
            _ => Err(D::Error::custom(EXPECTED)),
        }
    }
}

/// A block header with its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderInfo {
    /// Height; genesis is 0.
    pub number: BlockNumber,
    /// The header's hash.
    pub hash: H256,
    /// The parent's hash.
    pub parent_hash: H256,
    /// Milliseconds since the Unix epoch, as the proposer set it.
    pub timestamp: u64,
    /// Commitment to the block's transactions.
    pub transactions_root: H256,
    /// The state root after the block.
    pub state_root: H256,
    /// The consensus epoch it was proposed in.
    #[serde(default)]
    pub epoch: u64,
    /// The consensus view, within its epoch, it was proposed in.
    #[serde(default)]
    pub view: u64,
    /// The parent's view in the block's epoch (0 when the parent ended the previous epoch).
    #[serde(default)]
    pub parent_view: u64,
    /// The ed25519 key of the validator that led the round and proposed the block (zero in
    /// genesis).
    #[serde(default)]
    pub leader: H256,
    /// BLAKE2b-256 of what consensus recorded in the block (validators' resharing).
    #[serde(default)]
    pub consensus_root: H256,
}

impl From<&plexus_runtime::Header> for HeaderInfo {
    fn from(h: &plexus_runtime::Header) -> Self {
        Self {
            number: h.number,
            hash: h.hash(),
            parent_hash: h.parent_hash,
            timestamp: h.timestamp,
            transactions_root: h.transactions_root,
            state_root: h.state_root,
            epoch: h.epoch,
            view: h.view,
            parent_view: h.parent_view,
            leader: H256(h.leader.0),
            consensus_root: h.consensus_root,
        }
    }
}

/// One transaction as a block lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionSummary {
    /// Its hash.
    pub hash: H256,
    /// Who signed (and paid).
    pub signer: AccountId,
    /// The signer's nonce it used.
    pub nonce: u64,
    /// The call's name, e.g. `transfer`, `add_stake`.
    pub call: String,
}

/// A finalized block: header, transactions and events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockInfo {
    /// Its header.
    pub header: HeaderInfo,
    /// Its transactions in order.
    pub transactions: Vec<TransactionSummary>,
    /// Everything that happened in it, in order.
    pub events: Vec<EventRecord>,
}

/// A run of finalized blocks for a node that follows the chain, as `chain_syncBlocks` returns
/// it. The follower checks each block against its finality proof and its parent's hash, and
/// re-executes it; nothing here is taken on trust.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncBatch {
    /// The serving node's finalized height when it answered.
    pub finalized: BlockNumber,
    /// Consecutive blocks from the requested height, oldest first; empty when there are none
    /// yet.
    pub blocks: Vec<SyncBlock>,
}

/// One finalized block with its proof of finality, if the serving node has one for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncBlock {
    /// Its height.
    pub height: BlockNumber,
    /// The SCALE-encoded block.
    pub block: HexBytes,
    /// Consensus's certificate that this block is final (validators' signatures over it).
    /// Absent for a block finalized only as the ancestor of a later one; the later block's
    /// proof covers it through the parent hashes.
    pub finality: Option<HexBytes>,
}

/// The chain's randomness at a height, as `chain_randomness` returns it, with what anyone needs
/// to check it: the group's BLS signature over a consensus round, the group key, and the
/// namespace it was signed under. It verifies with `plexus_timelock::verify_seed(group_key,
/// namespace, {epoch, view}, signature)`, and `randomness` is BLAKE2b-256 of the signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Randomness {
    /// The block that recorded it: the latest seed that block carries.
    pub height: BlockNumber,
    /// That block's hash.
    pub block_hash: H256,
    /// The consensus epoch of the round signed.
    pub epoch: u64,
    /// The view signed.
    pub view: u64,
    /// The group's signature over the round (48 bytes).
    #[serde(with = "crate::types::encoding::as_hex")]
    pub signature: Vec<u8>,
    /// BLAKE2b-256 of the signature: the random value.
    pub randomness: H256,
    /// The validators' group key (96 bytes).
    #[serde(with = "crate::types::encoding::as_hex")]
    pub group_key: Vec<u8>,
    /// The namespace the seed is signed under (`"plexus/"` and the genesis hash).
    #[serde(with = "crate::types::encoding::as_hex")]
    pub namespace: Vec<u8>,
}
