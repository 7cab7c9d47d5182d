//! The one place that names Plexus's consensus signing scheme: BLS12-381 threshold signatures
//! with a per-round seed (Commonware's `bls12381_threshold::vrf` scheme), small signatures
//! (`MinSig`: 48-byte signatures, a 96-byte group key).
//!
//! Validators sign with shares of one group key. A finalized block's certificate is a single
//! group signature over its view, checkable with the group key alone, and every round's seed is
//! the group's signature over that round: randomness nobody can predict before a quorum has voted
//! and nobody can bias afterwards. Everything else in the node uses these aliases, so changing the
//! scheme is a change here.

use crate::block::BlockDigest;
use commonware_consensus::simplex::{scheme::bls12381_threshold::vrf, types::Finalization};
use commonware_cryptography::bls12381::primitives::{
    sharing::{ModeVersion, Sharing},
    variant::MinSig,
};
use commonware_cryptography::ed25519;
use commonware_glue::dkg::{network::Addresses, types::Payload};
use std::num::NonZeroU32;

/// The BLS variant: signatures in G1 (48 bytes), keys in G2 (96 bytes).
pub type Variant = MinSig;

/// The consensus signing scheme: validators are named by their ed25519 keys (which also
/// authenticate them on the p2p network) and sign with their shares of the group key.
pub type Scheme = vrf::Scheme<ed25519::PublicKey, Variant>;

/// The public polynomial of the validators' sharing; its constant term is the group key.
pub type Polynomial = Sharing<Variant>;

/// The group public key that checks every certificate and seed.
pub type Identity =
    <Variant as commonware_cryptography::bls12381::primitives::variant::Variant>::Public;

/// A finality proof: the finalization certificate of one block.
pub(crate) type Proof = Finalization<Scheme, BlockDigest>;

/// What consensus records in a block ([`plexus_runtime::Block::consensus`]): a dealer's log
/// while the validators reshare the group key, or, in an epoch's last block, the next epoch's
/// committee with the public polynomial of their shares and their network addresses.
pub type ConsensusPayload = Payload<Variant, ed25519::PublicKey, Addresses<ed25519::PublicKey>>;

/// The most validators in any epoch's committee. Part of the wire format (it bounds what a
/// block's consensus payload may hold): every node must use the same value, and it may grow
/// across upgrades but never shrink.
pub const MAX_PARTICIPANTS: NonZeroU32 = commonware_utils::NZU32!(128);

/// How the validators' shares are numbered (Commonware's first sharing format); changing it is
/// a hard fork.
pub(crate) fn mode_version() -> ModeVersion {
    ModeVersion::v0()
}
