//! Plexus's basic types, shared by every layer: account ids with their SS58 addresses, the
//! chain's hash, balances in rao, and sr25519 signature checks.
//!
//! # What this is not
//! No chain rules, no keys on disk, no I/O. Keypairs, mnemonics and wallets live in
//! `plexus-keys`; the state machine lives in `plexus-runtime`.

mod balance;
mod hash;
mod signature;
mod ss58;

pub use balance::{format_tao, Balance, RAO_PER_TAO, TOTAL_SUPPLY};
pub use hash::{blake2_256, blake2_256_parts, HashParseError, H256};
pub use signature::{sign, verify, verify_batch, Signature, Verifier};
pub use ss58::{AccountId, Ss58Error, PREFIX as SS58_PREFIX};

/// A subnet's number. Netuid 0 is the root network.
pub type NetUid = u16;

/// A neuron's position within its subnet, `0..n`.
pub type Uid = u16;

/// A block's height; genesis is block 0.
pub type BlockNumber = u64;
