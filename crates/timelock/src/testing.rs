//! A stand-in committee for tests: valid seeds without running consensus or a DKG.
//!
//! Only behind the `testing` feature. A seed is a BLS signature under the group key, and a
//! threshold signature recovered from shares is exactly the signature of the group secret, so a
//! single secret key (a degree-0 sharing) produces seeds indistinguishable from the committee's.

use crate::{
    seed::{round_message, seed_namespace, Signature},
    Round, IDENTITY_LEN, SIGNATURE_LEN,
};
use commonware_codec::EncodeFixed;
use commonware_cryptography::bls12381::primitives::{group::Private, ops, variant::MinSig};
use commonware_rand_core::CryptoRng;
use commonware_utils::TestRng;

/// A deterministic rng for tests, e.g. to call [`seal`](crate::seal) reproducibly.
pub fn rng(seed: u64) -> impl CryptoRng {
    TestRng::new(seed)
}

/// A committee reduced to its group secret key, derived from a number so tests are reproducible.
pub struct TestGroup {
    secret: Private,
    identity: [u8; IDENTITY_LEN],
}

impl TestGroup {
    /// The group for `seed`: the same number always gives the same key, different numbers give
    /// different keys.
    pub fn from_seed(seed: u64) -> Self {
        let (secret, identity) = ops::keypair::<_, MinSig>(&mut TestRng::new(seed));
        Self {
            secret,
            identity: identity.encode_fixed(),
        }
    }

    /// The group public key, as a chain spec would carry it.
    pub fn identity(&self) -> [u8; IDENTITY_LEN] {
        self.identity
    }

    /// The seed consensus would produce for `round` under the base consensus `namespace`.
    pub fn sign_seed(&self, namespace: &[u8], round: Round) -> [u8; SIGNATURE_LEN] {
        let signature: Signature = ops::sign_message::<MinSig>(
            &self.secret,
            &seed_namespace(namespace),
            &round_message(round),
        );
        signature.encode_fixed()
    }
}
