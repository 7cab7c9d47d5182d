//! Seeds: the committee's per-round threshold signature, and the beacon drawn from it.

use crate::Round;
use commonware_codec::{varint::UInt, Copying, DecodeExt, FixedSize, Write};
use commonware_cryptography::bls12381::primitives::{
    ops,
    variant::{MinSig, Variant},
};

/// Bytes of a seed: a compressed G1 point (`MinSig` signatures).
pub const SIGNATURE_LEN: usize = 48;

/// Bytes of the group public key: a compressed G2 point (`MinSig` public keys).
pub const IDENTITY_LEN: usize = 96;

pub(crate) type Identity = <MinSig as Variant>::Public;
pub(crate) type Signature = <MinSig as Variant>::Signature;

// The constants are part of the wire format; fail the build, not a decode, if the variant moves.
const _: () = assert!(<Identity as FixedSize>::SIZE == IDENTITY_LEN);
const _: () = assert!(<Signature as FixedSize>::SIZE == SIGNATURE_LEN);

/// Consensus signs seeds under its base namespace with this suffix, which keeps them apart from
/// votes on the same round.
const SEED_SUFFIX: &[u8] = b"_SEED";

pub(crate) fn seed_namespace(namespace: &[u8]) -> Vec<u8> {
    [namespace, SEED_SUFFIX].concat()
}

/// The signed message: the round as consensus encodes it (two protobuf-style varints).
pub(crate) fn round_message(round: Round) -> Vec<u8> {
    let mut buf = Vec::with_capacity(2 * 10);
    UInt(round.epoch).write(&mut buf);
    UInt(round.view).write(&mut buf);
    buf
}

/// Decoding checks the length, the curve, the subgroup and rejects the point at infinity, which
/// is what makes the pairing checks below meaningful.
pub(crate) fn decode_identity(identity: &[u8]) -> Option<Identity> {
    Identity::decode(Copying(identity)).ok()
}

pub(crate) fn decode_signature(signature: &[u8]) -> Option<Signature> {
    Signature::decode(Copying(signature)).ok()
}

/// Checks that `signature` is the group's seed for `round`, under the chain's base consensus
/// namespace `namespace` (the `"_SEED"` suffix is added here). Malformed input of any kind is
/// `false`.
pub fn verify_seed(identity: &[u8], namespace: &[u8], round: Round, signature: &[u8]) -> bool {
    let (Some(identity), Some(signature)) =
        (decode_identity(identity), decode_signature(signature))
    else {
        return false;
    };
    ops::verify_message::<MinSig>(
        &identity,
        &seed_namespace(namespace),
        &round_message(round),
        &signature,
    )
    .is_ok()
}

/// The beacon value of a seed: BLAKE2b-256 of its bytes. Consumers draw from this rather than
/// from the raw point, whose encoding carries flag bits and is not uniform.
pub fn beacon(signature: &[u8; SIGNATURE_LEN]) -> [u8; 32] {
    plexus_primitives::blake2_256(signature).0
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::testing::TestGroup;
    use commonware_codec::{Encode, EncodeFixed};
    use commonware_consensus::{
        simplex::scheme::bls12381_threshold::vrf,
        types::{Epoch, Round as ConsensusRound, View},
    };
    use commonware_cryptography::{
        bls12381::{
            dkg::feldman_desmedt::deal_anonymous,
            primitives::{ops::threshold, sharing::Mode},
        },
        ed25519,
    };
    use commonware_parallel::Sequential;
    use commonware_utils::{N3f1, TestRng, NZU32};

    /// `plexus/` followed by a genesis hash, as the node builds it.
    const NS: &[u8] = b"plexus/\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\
        \x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x20";

    const ROUND: Round = Round {
        epoch: 3,
        view: 200,
    };

    #[test]
    fn round_message_matches_consensus_encoding() {
        let edges = [
            0,
            1,
            127,
            128,
            255,
            16_383,
            16_384,
            u32::MAX as u64,
            u64::MAX - 1,
            u64::MAX,
        ];
        for epoch in edges {
            for view in edges {
                let ours = round_message(Round { epoch, view });
                let theirs = ConsensusRound::new(Epoch::new(epoch), View::new(view)).encode();
                assert_eq!(ours, theirs.as_ref(), "epoch {epoch}, view {view}");
            }
        }
        // The worked example of the design note.
        assert_eq!(round_message(ROUND), [0x03, 0xc8, 0x01]);
    }

    #[test]
    fn seed_verifies_for_its_round_only() {
        let group = TestGroup::from_seed(1);
        let identity = group.identity();
        let seed = group.sign_seed(NS, ROUND);
        assert!(verify_seed(&identity, NS, ROUND, &seed));

        for other in [
            Round {
                epoch: 3,
                view: 201,
            },
            Round {
                epoch: 3,
                view: 199,
            },
            Round {
                epoch: 4,
                view: 200,
            },
            Round {
                epoch: 200,
                view: 3,
            },
        ] {
            assert!(!verify_seed(&identity, NS, other, &seed), "{other:?}");
        }
        assert!(!verify_seed(&identity, b"plexus/other", ROUND, &seed));
        assert!(!verify_seed(&identity, b"", ROUND, &seed));
        // The suffix is ours to add: a caller passing the seed namespace gets a mismatch.
        assert!(!verify_seed(&identity, &seed_namespace(NS), ROUND, &seed));

        let other_group = TestGroup::from_seed(2);
        assert!(!verify_seed(&other_group.identity(), NS, ROUND, &seed));
        assert!(!verify_seed(
            &identity,
            NS,
            ROUND,
            &other_group.sign_seed(NS, ROUND)
        ));
    }

    #[test]
    fn test_group_is_deterministic() {
        assert_eq!(
            TestGroup::from_seed(9).identity(),
            TestGroup::from_seed(9).identity()
        );
        assert_eq!(
            TestGroup::from_seed(9).sign_seed(NS, ROUND),
            TestGroup::from_seed(9).sign_seed(NS, ROUND)
        );
        assert_ne!(
            TestGroup::from_seed(9).identity(),
            TestGroup::from_seed(10).identity()
        );
    }

    #[test]
    fn malformed_inputs_are_rejected() {
        let group = TestGroup::from_seed(3);
        let identity = group.identity();
        let seed = group.sign_seed(NS, ROUND);

        for bad in [
            &identity[..0],
            &identity[..95],
            &[identity.as_slice(), &[0]].concat()[..],
        ] {
            assert!(
                !verify_seed(bad, NS, ROUND, &seed),
                "identity of {} bytes",
                bad.len()
            );
        }
        for bad in [
            &seed[..0],
            &seed[..47],
            &[seed.as_slice(), &[0]].concat()[..],
        ] {
            assert!(
                !verify_seed(&identity, NS, ROUND, bad),
                "seed of {} bytes",
                bad.len()
            );
        }
        // Swapped arguments have the wrong lengths for their groups.
        assert!(!verify_seed(&seed, NS, ROUND, &identity));

        // Points at infinity: with them the pairing equation would hold for any message.
        let mut infinity_identity = [0u8; IDENTITY_LEN];
        infinity_identity[0] = 0xc0;
        let mut infinity_seed = [0u8; SIGNATURE_LEN];
        infinity_seed[0] = 0xc0;
        assert!(!verify_seed(&infinity_identity, NS, ROUND, &infinity_seed));
        assert!(!verify_seed(&identity, NS, ROUND, &infinity_seed));
        assert!(!verify_seed(&infinity_identity, NS, ROUND, &seed));

        // Bytes that are not points at all.
        assert!(!verify_seed(&[0xff; IDENTITY_LEN], NS, ROUND, &seed));
        assert!(!verify_seed(&identity, NS, ROUND, &[0xff; SIGNATURE_LEN]));
        assert!(!verify_seed(
            &[0; IDENTITY_LEN],
            NS,
            ROUND,
            &[0; SIGNATURE_LEN]
        ));

        // Every single-bit change of a valid seed is rejected.
        for i in 0..SIGNATURE_LEN {
            let mut flipped = seed;
            flipped[i] ^= 1;
            assert!(
                !verify_seed(&identity, NS, ROUND, &flipped),
                "bit flipped in byte {i}"
            );
        }
    }

    /// Seeds recovered from threshold partials, as consensus assembles them, verify: our
    /// namespace and round encoding are the ones the committee signs.
    #[test]
    fn recovered_threshold_seed_verifies() {
        let (sharing, shares) =
            deal_anonymous::<MinSig, N3f1>(TestRng::new(7), Mode::NonZeroCounter, NZU32!(4));
        let identity: [u8; IDENTITY_LEN] = sharing.public().encode_fixed();
        let seed_ns = seed_namespace(NS);
        let message = ConsensusRound::new(Epoch::new(ROUND.epoch), View::new(ROUND.view)).encode();
        let partials: Vec<_> = shares
            .iter()
            .map(|share| threshold::sign_message::<MinSig>(share, &seed_ns, &message))
            .collect();

        // Any quorum (3 of 4) recovers the same signature.
        let first = threshold::recover::<MinSig, _>(&sharing, &partials[..3], &Sequential).unwrap();
        let last = threshold::recover::<MinSig, _>(&sharing, &partials[1..], &Sequential).unwrap();
        let first: [u8; SIGNATURE_LEN] = first.encode_fixed();
        let last: [u8; SIGNATURE_LEN] = last.encode_fixed();
        assert_eq!(first, last);
        assert!(verify_seed(&identity, NS, ROUND, &first));
        assert!(!verify_seed(
            &identity,
            NS,
            Round {
                epoch: 3,
                view: 201
            },
            &first
        ));

        // Consensus's own seed check agrees.
        let verifier =
            vrf::Scheme::<ed25519::PublicKey, MinSig>::certificate_verifier(NS, *sharing.public());
        let recovered = decode_signature(&first).unwrap();
        assert!(vrf::Seed::new(
            ConsensusRound::new(Epoch::new(3), View::new(200)),
            recovered
        )
        .verify(&verifier));

        // A single partial is not a seed.
        let partial: [u8; SIGNATURE_LEN] = partials[0].value.encode_fixed();
        assert!(!verify_seed(&identity, NS, ROUND, &partial));
    }

    /// The test group's seeds are accepted by consensus's own verifier, so runtime tests built on
    /// them exercise the real format.
    #[test]
    fn test_group_seed_passes_consensus_verifier() {
        let group = TestGroup::from_seed(4);
        let identity = decode_identity(&group.identity()).unwrap();
        let verifier =
            vrf::Scheme::<ed25519::PublicKey, MinSig>::certificate_verifier(NS, identity);
        for (epoch, view) in [(0, 0), (0, 1), (3, 200), (u64::MAX, u64::MAX)] {
            let round = Round { epoch, view };
            let signature = decode_signature(&group.sign_seed(NS, round)).unwrap();
            let consensus_round = ConsensusRound::new(Epoch::new(epoch), View::new(view));
            assert!(vrf::Seed::new(consensus_round, signature).verify(&verifier));
        }
    }

    #[test]
    fn beacon_hashes_the_seed() {
        let group = TestGroup::from_seed(5);
        let a = group.sign_seed(NS, ROUND);
        let b = group.sign_seed(
            NS,
            Round {
                epoch: 3,
                view: 201,
            },
        );
        assert_eq!(beacon(&a), plexus_primitives::blake2_256(&a).0);
        assert_eq!(beacon(&a), beacon(&a));
        assert_ne!(beacon(&a), beacon(&b));
        assert_ne!(beacon(&a)[..], a[..32]);
    }
}
