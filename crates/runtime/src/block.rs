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
    /// The consensus epoch the block was proposed in: its height divided by the chain's epoch
    /// length (always 0 on a chain with one endless epoch).
    pub epoch: u64,
    /// The consensus view, within its epoch, the block was proposed in: after its parent's in
    /// the same epoch. Each epoch's consensus starts from the previous epoch's last block as
    /// its view 0, as the whole chain starts from genesis at view 0.
    pub view: u64,
    /// The parent's view in this block's epoch: the parent's own view, or 0 when the parent is
    /// the previous epoch's last block (or genesis). With the epoch, the view and the leader,
    /// it is the consensus context the block was proposed in, which the hash commits to.
    pub parent_view: u64,
    /// The validator that led the round and proposed the block (zero in genesis, and on chains
    /// built without consensus).
    pub leader: ValidatorId,
    /// BLAKE2b-256 of the block's consensus payload ([`Block::consensus`]).
    pub consensus_root: H256,
    /// The group's seed for every view of the block's epoch from the parent's view (or 1) up to
    /// the view before this block's, in order: each view's randomness, and the key that opens
    /// what was timelocked to it. A view skipped by consensus still has a seed, so none is
    /// missing, except after the last block of an epoch: the views it was proposed again in
    /// carry none.
    pub seeds: Vec<Seed>,
}

/// A validator's consensus key (ed25519), as a header names its round's leader and the chain
/// lists committees; hex in JSON.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode)]
pub struct ValidatorId(pub [u8; 32]);

impl<'de> serde::Deserialize<'de> for ValidatorId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self(hex_array(deserializer)?))
    }
}

/// A proof that an account announcing a validator holds its key: the key's ed25519 signature
/// over [`validator_proof_message`](crate::validator_proof_message); hex in JSON.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode)]
pub struct ValidatorProof(pub [u8; 64]);

impl std::fmt::Debug for ValidatorProof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "0x{}", hex::encode(self.0))
    }
}

impl Serialize for ValidatorProof {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("0x{}", hex::encode(self.0)))
    }
}

impl<'de> serde::Deserialize<'de> for ValidatorProof {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self(hex_array(deserializer)?))
    }
}

/// A fixed number of bytes from a hex string (with or without `0x`).
fn hex_array<'de, D: serde::Deserializer<'de>, const N: usize>(
    deserializer: D,
) -> Result<[u8; N], D::Error> {
    let text = <String as serde::Deserialize>::deserialize(deserializer)?;
    hex::decode(text.trim_start_matches("0x"))
        .ok()
        .and_then(|bytes| <[u8; N]>::try_from(bytes).ok())
        .ok_or_else(|| serde::de::Error::custom(format!("expected {N} bytes of hex")))
}

impl std::fmt::Debug for ValidatorId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "0x{}", hex::encode(self.0))
    }
}

impl Serialize for ValidatorId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("0x{}", hex::encode(self.0)))
    }
}

/// The group's threshold signature over one consensus round: unpredictable until a quorum of
/// validators has voted in that round, and then the same whoever assembles it.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Seed {
    /// The view it signs, in the consensus epoch of the block that carries it.
    pub view: u64,
    /// The BLS signature.
    pub signature: SeedSignature,
}

/// A seed's 48-byte BLS12-381 signature; hex in JSON.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode)]
pub struct SeedSignature(pub [u8; plexus_timelock::SIGNATURE_LEN]);

impl SeedSignature {
    /// The randomness the seed gives: a hash of the signature.
    pub fn randomness(&self) -> H256 {
        H256(plexus_timelock::beacon(&self.0))
    }
}

impl std::fmt::Debug for SeedSignature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "0x{}", hex::encode(self.0))
    }
}

impl Serialize for SeedSignature {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("0x{}", hex::encode(self.0)))
    }
}

impl Serialize for Seed {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut seed = serializer.serialize_struct("Seed", 3)?;
        seed.serialize_field("view", &self.view)?;
        seed.serialize_field("signature", &self.signature)?;
        seed.serialize_field("randomness", &self.signature.randomness())?;
        seed.end()
    }
}

impl Header {
    /// The block's hash.
    pub fn hash(&self) -> H256 {
        blake2_256(&self.encode())
    }
}

/// A block: a header, the transactions it orders, and what consensus itself records in it.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Block {
    /// The header.
    pub header: Header,
    /// The transactions, applied in order.
    pub transactions: Vec<SignedTransaction>,
    /// The consensus layer's own record, opaque to the chain's rules (at most
    /// [`MAX_CONSENSUS_BYTES`]): the validators' resharing of the group key, a dealer's log
    /// in the second half of a consensus epoch and the next epoch's committee in its last
    /// block. Usually empty.
    pub consensus: Vec<u8>,
}

/// The largest consensus payload a block may carry. Part of the chain's rules: it may grow
/// across upgrades but never shrink.
pub const MAX_CONSENSUS_BYTES: usize = 1024 * 1024;

/// The commitment a header makes to its consensus payload.
pub fn consensus_root(consensus: &[u8]) -> H256 {
    blake2_256(consensus)
}

/// The commitment a header makes to its transactions.
pub fn transactions_root(transactions: &[SignedTransaction]) -> H256 {
    blake2_256(&transactions.encode())
}
