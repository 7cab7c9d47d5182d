//! sr25519 signature checks, one at a time or batched.
//!
//! Signatures are schnorrkel's under the signing context `substrate`, the one every Substrate and
//! Bittensor wallet uses, so a key made by any of them signs Plexus transactions. Batch
//! verification checks many signatures with one multi-scalar multiplication; it answers only
//! "all valid" or "not all valid", so callers fall back to single checks to find the culprit.

use crate::AccountId;
use parity_scale_codec::{Decode, Encode};
use std::fmt;

const SIGNING_CONTEXT: &[u8] = b"substrate";

/// A 64-byte sr25519 signature.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode)]
pub struct Signature(pub [u8; 64]);

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature(0x{})", hex::encode(self.0))
    }
}

/// A signer's public key ready to check signatures: decompressing the key's point is a good part
/// of a check's cost, so a verifier kept per signer (an axon's callers) pays it once.
#[derive(Clone)]
pub struct Verifier(schnorrkel::PublicKey);

impl Verifier {
    /// `None` when the account's bytes are not a valid sr25519 public key.
    pub fn new(signer: &AccountId) -> Option<Self> {
        schnorrkel::PublicKey::from_bytes(signer.as_bytes())
            .ok()
            .map(Self)
    }

    /// Whether `signature` is this signer's signature of `message`.
    pub fn verify(&self, message: &[u8], signature: &Signature) -> bool {
        let Ok(sig) = schnorrkel::Signature::from_bytes(&signature.0) else {
            return false;
        };
        self.0.verify_simple(SIGNING_CONTEXT, message, &sig).is_ok()
    }

    /// Whether every `(signer, message, signature)` is valid, checked as one batch (see
    /// [`verify_batch`]); a batch costs well under its signatures checked one by one. A signer
    /// appearing several times has its terms merged (one point instead of one per signature:
    /// an axon's batches come mostly from a few validators).
    pub fn verify_all(items: &[(&Verifier, &[u8], &Signature)]) -> bool {
        let mut keys = Vec::with_capacity(items.len());
        let mut sigs = Vec::with_capacity(items.len());
        let mut transcripts = Vec::with_capacity(items.len());
        let context = schnorrkel::signing_context(SIGNING_CONTEXT);
        for (verifier, message, signature) in items {
            let Ok(sig) = schnorrkel::Signature::from_bytes(&signature.0) else {
                return false;
            };
            keys.push(verifier.0);
            sigs.push(sig);
            transcripts.push(context.bytes(message));
        }
        schnorrkel::verify_batch(transcripts, &sigs, &keys, true).is_ok()
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Verifier(0x{})", hex::encode(self.0.to_bytes()))
    }
}

/// Whether `signature` is `signer`'s sr25519 signature of `message`. Malformed keys or
/// signatures are simply invalid.
pub fn verify(signer: &AccountId, message: &[u8], signature: &Signature) -> bool {
    Verifier::new(signer).is_some_and(|key| key.verify(message, signature))
}

/// Whether every `(signer, message, signature)` is valid, checked as one batch.
///
/// The batch uses random weights, so a forged signature passes with negligible probability and
/// the answer never depends on the randomness for honest input.
pub fn verify_batch(items: &[(AccountId, &[u8], Signature)]) -> bool {
    let Some(keys) = items
        .iter()
        .map(|(signer, _, _)| Verifier::new(signer))
        .collect::<Option<Vec<_>>>()
    else {
        return false;
    };
    let items: Vec<(&Verifier, &[u8], &Signature)> = keys
        .iter()
        .zip(items)
        .map(|(key, (_, message, signature))| (key, *message, signature))
        .collect();
    Verifier::verify_all(&items)
}

/// Signs `message` with a schnorrkel keypair under the `substrate` context; for tests and tools
/// that hold raw schnorrkel keys (wallets sign through `plexus-keys`).
pub fn sign(keypair: &schnorrkel::Keypair, message: &[u8]) -> Signature {
    Signature(keypair.sign_simple(SIGNING_CONTEXT, message).to_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keypair(seed: u8) -> schnorrkel::Keypair {
        schnorrkel::MiniSecretKey::from_bytes(&[seed; 32])
            .unwrap()
            .expand_to_keypair(schnorrkel::ExpansionMode::Ed25519)
    }

    fn account(pair: &schnorrkel::Keypair) -> AccountId {
        AccountId(pair.public.to_bytes())
    }

    #[test]
    fn test_single_and_batch_agree() {
        let pairs: Vec<_> = (1..=8).map(keypair).collect();
        let messages: Vec<Vec<u8>> = (0..8u8).map(|i| vec![i; 10 + i as usize]).collect();
        let mut items: Vec<_> = pairs
            .iter()
            .zip(&messages)
            .map(|(p, m)| (account(p), m.as_slice(), sign(p, m)))
            .collect();
        assert!(items.iter().all(|(a, m, s)| verify(a, m, s)));
        assert!(verify_batch(&items));

        // One wrong message spoils the batch and its own single check only.
        items[3].1 = b"tampered";
        assert!(!verify_batch(&items));
        assert!(!verify(&items[3].0, items[3].1, &items[3].2));
        assert!(verify(&items[4].0, items[4].1, &items[4].2));
    }

    /// Batches where signers repeat (an axon's callers send many requests each) merge each
    /// signer's terms; the answer is the same, a forgery by or for a repeated key included.
    #[test]
    fn test_batches_with_repeated_signers() {
        let pairs: Vec<_> = (1..=3).map(keypair).collect();
        let messages: Vec<Vec<u8>> = (0..24u8).map(|i| vec![i; 5 + i as usize]).collect();
        let mut items: Vec<_> = messages
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let p = &pairs[i % 3];
                (account(p), m.as_slice(), sign(p, m))
            })
            .collect();
        assert!(verify_batch(&items));
        // Another signer's valid signature under a repeated key's name.
        let forged = sign(&pairs[1], items[6].1);
        items[6].2 = forged;
        assert!(!verify_batch(&items));
        // The same signature twice over one message is still valid; swapped signatures of
        // one signer are not.
        items[6].2 = sign(&pairs[0], items[6].1);
        items.push(items[0]);
        assert!(verify_batch(&items));
        let (a, b) = (items[0].2, items[3].2);
        items[0].2 = b;
        items[3].2 = a;
        assert!(!verify_batch(&items));
    }

    #[test]
    fn test_garbage_key_or_signature_is_invalid() {
        let pair = keypair(9);
        let sig = sign(&pair, b"m");
        // 0xff… is not a valid Ristretto point encoding.
        assert!(!verify(&AccountId([0xff; 32]), b"m", &sig));
        assert!(!verify(&account(&pair), b"m", &Signature([0xff; 64])));
        assert!(!verify_batch(&[(
            AccountId([0xff; 32]),
            b"m".as_slice(),
            sig
        )]));
        assert!(verify_batch(&[]));
    }
}
