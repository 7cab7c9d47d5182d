//! Finality proofs: the certificate consensus assembles when a block is finalized, kept in the
//! store beside the block so that a node which does not take part in consensus (a follower) can
//! check, from the chain spec alone, that the blocks it is handed are the chain's.
//!
//! A proof is Commonware's `Finalization` for the block's digest, in its own encoding: the
//! group's threshold signature over (view, parent view, digest) under the chain's namespace,
//! recovered from more than two thirds of the validators' partial signatures, with the view's
//! seed beside it. It is 96 bytes of signatures however many validators there are, and the group
//! key alone checks it, whichever validators signed.

use crate::block::PlexusBlock;
use crate::consensus::{Identity, Proof, Scheme};
use crate::spec::namespace;
use commonware_codec::{Decode as _, Encode as _};
use commonware_cryptography::Digestible as _;
use commonware_parallel::Sequential;
use plexus_primitives::H256;

/// Encodes a proof for the store.
pub(crate) fn encode(proof: &Proof) -> Vec<u8> {
    proof.encode().to_vec()
}

/// Why a finality proof does not prove what it should.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FinalityError {
    /// Not a finalization certificate for this validator set.
    #[error("finality proof does not decode: {0}")]
    Malformed(String),
    /// A valid certificate, for another block.
    #[error("finality proof is for block {proven}, not {block}")]
    OtherBlock {
        /// The block it should prove.
        block: H256,
        /// The block it proves.
        proven: H256,
    },
    /// The signatures do not verify (another group, or forged).
    #[error("finality proof's signatures do not verify against the chain's group key")]
    BadSignatures,
}

/// Checks finality proofs against a chain's group key.
#[derive(Clone)]
pub struct FinalityVerifier {
    scheme: Scheme,
}

impl FinalityVerifier {
    /// A verifier for the chain with `genesis_hash` and the group key of its chain spec.
    pub fn new(genesis_hash: H256, identity: Identity) -> Self {
        Self {
            scheme: Scheme::certificate_verifier(&namespace(genesis_hash), identity),
        }
    }

    /// Checks that `proof` finalizes exactly `block`.
    pub fn verify(&self, block: &PlexusBlock, proof: &[u8]) -> Result<(), FinalityError> {
        // `decode_cfg` refuses trailing bytes, so a stored proof has one encoding.
        let proof = Proof::decode_cfg(bytes::Bytes::copy_from_slice(proof), &())
            .map_err(|e| FinalityError::Malformed(e.to_string()))?;
        let digest = block.digest();
        if proof.proposal.payload != digest {
            return Err(FinalityError::OtherBlock {
                block: H256(digest.0),
                proven: H256(proof.proposal.payload.0),
            });
        }
        let mut rng = commonware_utils::sys_rng();
        if proof.verify(&mut rng, &self.scheme, &Sequential) {
            Ok(())
        } else {
            Err(FinalityError::BadSignatures)
        }
    }
}
