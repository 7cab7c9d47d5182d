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
use commonware_cryptography::bls12381::primitives::{sharing::Sharing, variant::MinSig};
use commonware_cryptography::ed25519;

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
