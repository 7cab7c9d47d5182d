//! Blocks and their headers.

use crate::SignedTransaction;
use parity_scale_codec::{Decode, Encode};
use plexus_primitives::{blake2_256, BlockNumber, H256};
use serde::Serialize;

/// A block's header: what its hash commits to.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct Header {
    /// Height; genesis is 0.
    pub number: BlockNumber,
    /// Hash of the previous block's header.
    pub parent_hash: H256,
    /// Milliseconds since the Unix epoch, set by the proposer; strictly increasing.
    pub timestamp: u64,
    /// Hash of the encoded list of the block's transactions.
    pub transactions_root: H256,
    /// Root of the state after the block.
    pub state_root: H256,
}

impl Header {
    /// The block's hash.
    pub fn hash(&self) -> H256 {
        blake2_256(&self.encode())
    }
}

/// A block: a header and the transactions it orders.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Block {
    /// The header.
    pub header: Header,
    /// The transactions, applied in order.
    pub transactions: Vec<SignedTransaction>,
}

/// The commitment a header makes to its transactions.
pub fn transactions_root(transactions: &[SignedTransaction]) -> H256 {
    blake2_256(&transactions.encode())
}
