//! Plexus's threshold randomness beacon and timelock encryption, as byte-level functions.
//!
//! Consensus (Commonware simplex with the BLS12-381 threshold VRF scheme, `MinSig`) gives every
//! round `(epoch, view)` a *seed*: the committee's threshold signature over the round, under the
//! chain namespace with `"_SEED"` appended. The group public key (the *identity*) never changes,
//! so anyone holding it can check a seed, turn it into a beacon value, and decrypt whatever was
//! timelocked to that round. This crate does exactly that, with bytes in and bytes out, so that
//! the state machine (`plexus-runtime`) and clients (SDK, CLI) never name a Commonware type and
//! the curve, variant and encodings are chosen in one place.
//!
//! - [`verify_seed`] checks a seed against the identity, namespace and round.
//! - [`beacon`] hashes a seed into the 32-byte random value consumers draw from.
//! - [`seal`] and [`open`] are hybrid timelock encryption: a fresh key is timelocked to a round
//!   and the payload is sealed under it, so payloads of any size (weight commits, up to a few
//!   kilobytes) open only once that round's seed exists.
//!
//! A seed of round `r` can be recovered by the committee before `r` resolves, and a Byzantine
//! leader can bias which `r` gets one; consumers must commit first and draw on a later round.
//!
//! # What this is not
//! No consensus, no key management (shares, DKG, resharing live in `plexus-node`), no clocks, no
//! I/O. [`open`] does not check the seed against the identity: callers that accept seeds from
//! the outside run [`verify_seed`] first.

mod seal;
mod seed;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

// The rand_core 0.10 trait `seal` takes, so callers need not pin that version themselves.
pub use commonware_rand_core::CryptoRng;
pub use seal::{
    open, seal, seal_random, OpenError, SealError, KEY_CIPHERTEXT_LEN, SEALED_OVERHEAD,
};
pub use seed::{beacon, verify_seed, IDENTITY_LEN, SIGNATURE_LEN};

/// A consensus round: the epoch and the view within it. Views restart at 0 every epoch, so a
/// view alone does not name a round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Round {
    /// The consensus epoch (unrelated to subnet tempos).
    pub epoch: u64,
    /// The view within the epoch.
    pub view: u64,
}
