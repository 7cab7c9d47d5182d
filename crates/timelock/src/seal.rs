//! Hybrid timelock encryption: a fresh key timelocked to a round, and the payload sealed under it.
//!
//! Layout: `ct_k ‖ box`, where `ct_k` is the TLE ciphertext (Boneh–Franklin IBE with a
//! Fujisaki–Okamoto transform, [`KEY_CIPHERTEXT_LEN`] bytes) of a random 32-byte key `k`, and
//! `box` is the XSalsa20-Poly1305 secretbox (16-byte tag ‖ ciphertext) of the plaintext.
//!
//! TLE alone carries exactly 32 bytes, hence the hybrid. The box key is
//! `BLAKE2b-256(BODY_KEY_DOMAIN ‖ k ‖ aad)` rather than `k` itself: secretbox has no associated
//! data, and deriving the key from `aad` binds it at no cost in bytes. A sealed message copied
//! under another `aad` (another committer's hotkey, another subnet) derives a different key and
//! fails the tag check, the same check that catches tampering, so there is no second comparison
//! to forget. The domain and `k` have fixed lengths, so `aad` is unambiguous without a length.
//!
//! The box nonce is zero: every seal draws a fresh `k`, so each box key encrypts one message and
//! a nonce would only add 24 bytes to every commit. This relies on the caller's rng being a real
//! CSPRNG.

use crate::{
    seed::{decode_identity, decode_signature, round_message, seed_namespace, Identity},
    Round,
};
use commonware_codec::{Copying, DecodeExt, FixedSize, Write};
use commonware_cryptography::bls12381::{primitives::variant::MinSig, tle};
use commonware_rand_core::CryptoRng;
use crypto_secretbox::{
    aead::{Aead, KeyInit},
    XSalsa20Poly1305,
};
use zeroize::Zeroizing;

/// Bytes of the TLE ciphertext of the 32-byte key (`MinSig`: a G2 point and two 32-byte blocks).
pub const KEY_CIPHERTEXT_LEN: usize = 160;

/// Poly1305 tag of the secretbox.
const TAG_LEN: usize = 16;

/// Bytes [`seal`] adds to a plaintext.
pub const SEALED_OVERHEAD: usize = KEY_CIPHERTEXT_LEN + TAG_LEN;

const KEY_LEN: usize = 32;

const _: () = assert!(
    <Identity as FixedSize>::SIZE + 2 * <tle::Block as FixedSize>::SIZE == KEY_CIPHERTEXT_LEN
);
const _: () = assert!(<tle::Block as FixedSize>::SIZE == KEY_LEN);

/// Separates the box key from any other use of BLAKE2b over the same bytes.
const BODY_KEY_DOMAIN: &[u8] = b"plexus-timelock/body-key/v1";

/// The box key is single use (see the module doc), so the nonce carries no information.
const NONCE: [u8; 24] = [0; 24];

/// Why [`seal`] failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// The identity is not a valid group public key.
    #[error(
        "identity is not a valid {}-byte BLS12-381 G2 group key",
        crate::IDENTITY_LEN
    )]
    BadIdentity,
    /// The secretbox cipher refused the plaintext.
    #[error("the body cipher refused the plaintext")]
    Cipher,
}

/// Why [`open`] failed. Every variant is a deterministic outcome of the inputs, so a chain can
/// drop the message and move on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// The signature is not a valid seed encoding.
    #[error(
        "seed is not a valid {}-byte BLS12-381 G1 signature",
        crate::SIGNATURE_LEN
    )]
    BadSeed,
    /// Shorter than the key ciphertext and tag of an empty plaintext.
    #[error("sealed message is {len} bytes, at least {SEALED_OVERHEAD} are needed")]
    Truncated {
        /// The length received.
        len: usize,
    },
    /// The key ciphertext does not decode (not a valid group element).
    #[error("the key ciphertext is malformed")]
    MalformedKeyCiphertext,
    /// The seed does not open the key ciphertext: it belongs to another round, or the key
    /// ciphertext was altered.
    #[error("the seed does not decrypt the key: wrong round, or altered key ciphertext")]
    KeyNotRecovered,
    /// The key was recovered but the body does not authenticate: wrong associated data, or the
    /// body was altered.
    #[error("the body does not authenticate: wrong associated data, or altered body")]
    BodyRejected,
}

fn body_cipher(key: &[u8], aad: &[u8]) -> XSalsa20Poly1305 {
    let derived =
        Zeroizing::new(plexus_primitives::blake2_256_parts(&[BODY_KEY_DOMAIN, key, aad]).0);
    XSalsa20Poly1305::new((&*derived).into())
}

/// Encrypts `plaintext` so that it opens only with the seed of `round` of the group `identity`
/// under the chain's base consensus `namespace`, and only with the same `aad`.
///
/// Returns `ct_k ‖ box`, [`SEALED_OVERHEAD`] bytes longer than `plaintext`.
pub fn seal(
    rng: &mut impl CryptoRng,
    identity: &[u8],
    namespace: &[u8],
    round: Round,
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, SealError> {
    let identity = decode_identity(identity).ok_or(SealError::BadIdentity)?;
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    rng.fill_bytes(key.as_mut());
    let key_block = Zeroizing::new(tle::Block::new(*key));
    let key_ciphertext = tle::encrypt::<_, MinSig>(
        rng,
        identity,
        (&seed_namespace(namespace), &round_message(round)),
        &key_block,
    )
    .map_err(|_| SealError::BadIdentity)?;
    let body = body_cipher(key.as_ref(), aad)
        .encrypt(&NONCE.into(), plaintext)
        .map_err(|_| SealError::Cipher)?;

    let mut sealed = Vec::with_capacity(KEY_CIPHERTEXT_LEN + body.len());
    key_ciphertext.write(&mut sealed);
    sealed.extend_from_slice(&body);
    Ok(sealed)
}

/// [`seal`] with the operating system's randomness: what clients use.
pub fn seal_random(
    identity: &[u8],
    namespace: &[u8],
    round: Round,
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, SealError> {
    seal(
        &mut commonware_utils::sys_rng(),
        identity,
        namespace,
        round,
        aad,
        plaintext,
    )
}

/// Decrypts a message [`seal`]ed to some round, given that round's seed `signature` and the
/// `aad` it was sealed with.
///
/// The seed is not checked against any identity or round here: a seed of another round or group
/// simply fails to recover the key. Callers that take seeds from outside run
/// [`verify_seed`](crate::verify_seed) first.
pub fn open(signature: &[u8], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, OpenError> {
    let signature = decode_signature(signature).ok_or(OpenError::BadSeed)?;
    if sealed.len() < SEALED_OVERHEAD {
        return Err(OpenError::Truncated { len: sealed.len() });
    }
    let (key_ciphertext, body) = sealed.split_at(KEY_CIPHERTEXT_LEN);
    let key_ciphertext = tle::Ciphertext::<MinSig>::decode(Copying(key_ciphertext))
        .map_err(|_| OpenError::MalformedKeyCiphertext)?;
    let key = Zeroizing::new(
        tle::decrypt::<MinSig>(&signature, &key_ciphertext).ok_or(OpenError::KeyNotRecovered)?,
    );
    body_cipher(key.as_ref(), aad)
        .decrypt(&NONCE.into(), body)
        .map_err(|_| OpenError::BodyRejected)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::{
        testing::{rng, TestGroup},
        IDENTITY_LEN, SIGNATURE_LEN,
    };
    use commonware_codec::Encode;
    use commonware_consensus::{
        simplex::scheme::bls12381_threshold::vrf,
        types::{Epoch, Round as ConsensusRound, View},
    };

    const NS: &[u8] = b"plexus/test-genesis";
    const ROUND: Round = Round { epoch: 1, view: 42 };
    const AAD: &[u8] = b"hotkey 5Grw, netuid 3";

    fn sealed(group: &TestGroup, plaintext: &[u8]) -> Vec<u8> {
        seal(&mut rng(11), &group.identity(), NS, ROUND, AAD, plaintext).unwrap()
    }

    fn consensus_round(round: Round) -> ConsensusRound {
        ConsensusRound::new(Epoch::new(round.epoch), View::new(round.view))
    }

    #[test]
    fn opens_with_the_target_seed() {
        let group = TestGroup::from_seed(1);
        let seed = group.sign_seed(NS, ROUND);
        for len in [0, 1, 31, 32, 33, 500, 5000] {
            let plaintext: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let sealed = sealed(&group, &plaintext);
            assert_eq!(sealed.len(), plaintext.len() + SEALED_OVERHEAD);
            assert_eq!(open(&seed, AAD, &sealed).unwrap(), plaintext, "{len} bytes");
        }
    }

    #[test]
    fn empty_aad_is_bound_too() {
        let group = TestGroup::from_seed(1);
        let seed = group.sign_seed(NS, ROUND);
        let sealed = seal(&mut rng(1), &group.identity(), NS, ROUND, b"", b"weights").unwrap();
        assert_eq!(open(&seed, b"", &sealed).unwrap(), b"weights");
        assert_eq!(open(&seed, b"\0", &sealed), Err(OpenError::BodyRejected));
    }

    #[test]
    fn each_seal_is_fresh() {
        let group = TestGroup::from_seed(1);
        let seed = group.sign_seed(NS, ROUND);
        let mut rng = rng(5);
        let a = seal(&mut rng, &group.identity(), NS, ROUND, AAD, b"same").unwrap();
        let b = seal(&mut rng, &group.identity(), NS, ROUND, AAD, b"same").unwrap();
        assert_ne!(a, b);
        assert_eq!(open(&seed, AAD, &a).unwrap(), b"same");
        assert_eq!(open(&seed, AAD, &b).unwrap(), b"same");
    }

    #[test]
    fn other_seeds_do_not_open() {
        let group = TestGroup::from_seed(1);
        let sealed = sealed(&group, b"secret weights");
        for round in [
            Round { epoch: 1, view: 41 },
            Round { epoch: 1, view: 43 },
            Round { epoch: 2, view: 42 },
            Round { epoch: 0, view: 42 },
        ] {
            assert_eq!(
                open(&group.sign_seed(NS, round), AAD, &sealed),
                Err(OpenError::KeyNotRecovered),
                "{round:?}"
            );
        }
        let other_namespace = group.sign_seed(b"plexus/other-genesis", ROUND);
        assert_eq!(
            open(&other_namespace, AAD, &sealed),
            Err(OpenError::KeyNotRecovered)
        );
        let other_group = TestGroup::from_seed(2).sign_seed(NS, ROUND);
        assert_eq!(
            open(&other_group, AAD, &sealed),
            Err(OpenError::KeyNotRecovered)
        );
    }

    #[test]
    fn wrong_aad_does_not_open() {
        let group = TestGroup::from_seed(1);
        let seed = group.sign_seed(NS, ROUND);
        let sealed = sealed(&group, b"secret weights");
        for aad in [
            &b""[..],
            b"hotkey 5Grw, netuid 4",
            b"hotkey 5Grw, netuid 3 ",
            &AAD[1..],
        ] {
            assert_eq!(open(&seed, aad, &sealed), Err(OpenError::BodyRejected));
        }
    }

    #[test]
    fn any_flipped_bit_fails() {
        let group = TestGroup::from_seed(1);
        let seed = group.sign_seed(NS, ROUND);
        let sealed = sealed(&group, b"a short weight vector");
        for i in 0..sealed.len() {
            for bit in [0x01, 0x80] {
                let mut altered = sealed.clone();
                altered[i] ^= bit;
                let err = open(&seed, AAD, &altered).unwrap_err();
                if i < KEY_CIPHERTEXT_LEN {
                    assert!(
                        matches!(
                            err,
                            OpenError::MalformedKeyCiphertext | OpenError::KeyNotRecovered
                        ),
                        "byte {i}: {err:?}"
                    );
                } else {
                    assert_eq!(err, OpenError::BodyRejected, "byte {i}");
                }
            }
        }
    }

    #[test]
    fn truncated_or_extended_input_fails() {
        let group = TestGroup::from_seed(1);
        let seed = group.sign_seed(NS, ROUND);
        let sealed = sealed(&group, b"a short weight vector");
        for len in 0..sealed.len() {
            let err = open(&seed, AAD, &sealed[..len]).unwrap_err();
            if len < SEALED_OVERHEAD {
                assert_eq!(err, OpenError::Truncated { len });
            } else {
                assert_eq!(err, OpenError::BodyRejected, "{len} bytes");
            }
        }
        let mut extended = sealed.clone();
        extended.push(0);
        assert_eq!(open(&seed, AAD, &extended), Err(OpenError::BodyRejected));
        // Dropping the front shifts the key ciphertext: no longer a point, or not the key.
        assert!(open(&seed, AAD, &sealed[1..]).is_err());
    }

    #[test]
    fn malformed_seed_is_rejected() {
        let group = TestGroup::from_seed(1);
        let seed = group.sign_seed(NS, ROUND);
        let sealed = sealed(&group, b"x");
        for bad in [
            &seed[..0],
            &seed[..47],
            &[seed.as_slice(), &[0]].concat()[..],
            &[0xff; 48],
        ] {
            assert_eq!(open(bad, AAD, &sealed), Err(OpenError::BadSeed));
        }
        let mut infinity = [0u8; SIGNATURE_LEN];
        infinity[0] = 0xc0;
        assert_eq!(open(&infinity, AAD, &sealed), Err(OpenError::BadSeed));
    }

    #[test]
    fn malformed_identity_is_rejected() {
        let group = TestGroup::from_seed(1);
        let identity = group.identity();
        let seed = group.sign_seed(NS, ROUND);
        let mut infinity = [0u8; IDENTITY_LEN];
        infinity[0] = 0xc0;
        for bad in [
            &identity[..0],
            &identity[..95],
            &[identity.as_slice(), &[0]].concat()[..],
            &[0xff; IDENTITY_LEN],
            &[0; IDENTITY_LEN],
            &infinity,
            &seed,
        ] {
            assert_eq!(
                seal(&mut rng(1), bad, NS, ROUND, AAD, b"x"),
                Err(SealError::BadIdentity),
                "{} bytes",
                bad.len()
            );
        }
    }

    /// Our key ciphertext is the one consensus's helpers make and open: same target, same
    /// variant, same encoding.
    #[test]
    fn key_ciphertext_matches_consensus_tle() {
        let group = TestGroup::from_seed(6);
        let identity = decode_identity(&group.identity()).unwrap();
        let seed = decode_signature(&group.sign_seed(NS, ROUND)).unwrap();
        let consensus_seed = vrf::Seed::new(consensus_round(ROUND), seed);

        // Ours opens with consensus's decrypt.
        let sealed = sealed(&group, b"payload");
        let ours =
            tle::Ciphertext::<MinSig>::decode(Copying(&sealed[..KEY_CIPHERTEXT_LEN])).unwrap();
        assert!(consensus_seed.decrypt(&ours).is_some());

        // Theirs opens with ours, once a body is sealed under the key it carries.
        let key = [0x5a; KEY_LEN];
        let theirs = vrf::encrypt::<_, MinSig>(
            &mut rng(2),
            identity,
            NS,
            consensus_round(ROUND),
            tle::Block::new(key),
        )
        .unwrap();
        let body = body_cipher(&key, AAD)
            .encrypt(&NONCE.into(), &b"payload"[..])
            .unwrap();
        let sealed = [theirs.encode().as_ref(), &body].concat();
        assert_eq!(sealed.len(), SEALED_OVERHEAD + 7);
        assert_eq!(
            open(&group.sign_seed(NS, ROUND), AAD, &sealed).unwrap(),
            b"payload"
        );
    }
}
