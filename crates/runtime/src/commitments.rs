//! Commitments: what a registered hotkey publishes on a subnet for validators to read — a
//! model's hash, a dataset's address — a few bounded fields, the newest replacing the last.
//!
//! Space, not time, limits them: each hotkey may write at most [`MAX_SPACE`] bytes per subnet
//! per epoch, each commitment counting at least [`MIN_CHARGED_SPACE`], as the reference counts.
//! A commitment that carries [`CommitmentField::ResetBonds`] clears the bonds validators hold
//! toward the hotkey's uid when the subnet's `bonds_reset` hyperparameter is on, so a miner that
//! publishes a new model starts afresh.
//!
//! A field may also be [`CommitmentField::Timelocked`]: bytes sealed to a future consensus round,
//! which nobody can read until that round's seed is on chain; the block carrying it opens the
//! field and puts what it held in its place ([`CommitmentField::Revealed`]).

use crate::state::State;
use crate::types::Round;
use parity_scale_codec::{Decode, Encode};
use plexus_primitives::{AccountId, BlockNumber, NetUid, H256};
use serde::{Deserialize, Serialize};

/// Most fields in one commitment.
pub const MAX_COMMITMENT_FIELDS: usize = 3;
/// Longest [`CommitmentField::Raw`], bytes.
pub const MAX_RAW: usize = 128;
/// Longest [`CommitmentField::BigRaw`], bytes.
pub const MAX_BIG_RAW: usize = 512;
/// Bytes one hotkey may commit per subnet per epoch.
pub const MAX_SPACE: u64 = 3_100;
/// What a commitment counts against [`MAX_SPACE`] at least, however small.
pub const MIN_CHARGED_SPACE: u64 = 100;

/// One field of a commitment (the reference's `Data`; its timelocked kind is sealed to the
/// chain's own beacon rather than drand's).
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitmentField {
    /// Up to [`MAX_RAW`] bytes.
    Raw(Vec<u8>),
    /// Up to [`MAX_BIG_RAW`] bytes.
    BigRaw(Vec<u8>),
    /// A BLAKE2b-256 hash.
    Blake2_256(H256),
    /// A SHA-256 hash.
    Sha256(H256),
    /// A Keccak-256 hash.
    Keccak256(H256),
    /// A SHA3-256 hash.
    Sha3_256(H256),
    /// Asks the subnet to clear the bonds held toward this hotkey (if its `bonds_reset` is on).
    ResetBonds,
    /// Up to [`MAX_BIG_RAW`] bytes sealed to a consensus round (see
    /// [`timelocked_commitment_aad`]); opened by the chain in the block carrying its seed.
    Timelocked {
        /// The round whose seed opens it.
        reveal: Round,
        /// The sealed bytes.
        sealed: Vec<u8>,
    },
    /// What a [`CommitmentField::Timelocked`] field held, opened by the chain at `reveal`.
    /// Never sent: only the chain writes it.
    Revealed {
        /// The round whose seed opened it.
        reveal: Round,
        /// The bytes.
        data: Vec<u8>,
    },
}

/// The associated data sealed with a timelocked commitment field: the committing hotkey, the
/// subnet and the round, so a copied field does not open for anyone else.
pub fn timelocked_commitment_aad(hotkey: &AccountId, netuid: NetUid, reveal: Round) -> Vec<u8> {
    (
        b"plexus/timelocked-commitment".as_slice(),
        hotkey,
        netuid,
        reveal,
    )
        .encode()
}

impl CommitmentField {
    /// Bytes it counts against the space limit.
    pub fn size(&self) -> u64 {
        match self {
            Self::Raw(bytes) | Self::BigRaw(bytes) => bytes.len() as u64,
            Self::Timelocked { sealed, .. } => sealed.len() as u64,
            Self::Revealed { data, .. } => data.len() as u64,
            Self::Blake2_256(_) | Self::Sha256(_) | Self::Keccak256(_) | Self::Sha3_256(_) => 32,
            Self::ResetBonds => 0,
        }
    }
}

/// A hotkey's newest commitment on a subnet.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, Serialize, Deserialize)]
pub struct Commitment {
    /// The block it was made in.
    pub block: BlockNumber,
    /// Its fields.
    pub fields: Vec<CommitmentField>,
}

/// Space a hotkey used on a subnet in one epoch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Encode, Decode, Serialize)]
pub(crate) struct CommitmentSpace {
    /// The subnet's epoch index it counts for.
    pub(crate) epoch: u64,
    /// Bytes used in it.
    pub(crate) used: u64,
}

impl State {
    /// `hotkey`'s commitment on `netuid`, if any.
    pub fn commitment(&self, netuid: NetUid, hotkey: &AccountId) -> Option<&Commitment> {
        self.commitments.get(&(netuid, *hotkey))
    }

    /// Every commitment on `netuid`, by hotkey.
    pub fn commitments(&self, netuid: NetUid) -> Vec<(AccountId, Commitment)> {
        let (low, high) = (AccountId([0; 32]), AccountId([0xff; 32]));
        self.commitments
            .range((netuid, low)..=(netuid, high))
            .map(|((_, hotkey), c)| (*hotkey, c.clone()))
            .collect()
    }
}
