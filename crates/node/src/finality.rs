//! Finality proofs: the certificate consensus assembles when a block is finalized, kept in the
//! store beside the block so that a node which does not take part in consensus (a follower) can
//! check, from the chain spec alone, that the blocks it is handed are the chain's.
//!
//! A proof is Commonware's `Finalization` for the block's digest, in its own encoding: more
//! than two thirds of the validators' ed25519 signatures over (view, parent view, digest) under
//! the chain's namespace.

use crate::block::{BlockDigest, PlexusBlock};
use crate::spec::namespace;
use commonware_codec::{Decode as _, Encode as _};
use commonware_consensus::simplex::{scheme::ed25519::Scheme, types::Finalization};
use commonware_cryptography::Digestible as _;
use commonware_cryptography::certificate::Verifier as _;
use commonware_cryptography::ed25519;
use commonware_parallel::Sequential;
use commonware_utils::ordered::Set;
use plexus_primitives::H256;

/// The proof type for one validator set.
pub(crate) type Proof = Finalization<Scheme, BlockDigest>;

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
    /// The signatures do not verify (wrong signers, too few, or forged).
    #[error("finality proof's signatures do not verify against the chain's validators")]
    BadSignatures,
}

/// Checks finality proofs against a chain's validator set.
#[derive(Clone)]
pub struct FinalityVerifier {
    scheme: Scheme,
}

impl FinalityVerifier {
    /// A verifier for the chain with `genesis_hash` and the validators of its chain spec.
    pub fn new(genesis_hash: H256, validators: Set<ed25519::PublicKey>) -> Self {
        Self {
            scheme: Scheme::verifier(&namespace(genesis_hash), validators),
        }
    }

    /// Checks that `proof` finalizes exactly `block`.
    pub fn verify(&self, block: &PlexusBlock, proof: &[u8]) -> Result<(), FinalityError> {
        // `decode_cfg` refuses trailing bytes, so a stored proof has one encoding.
        let proof = Proof::decode_cfg(
            bytes::Bytes::copy_from_slice(proof),
            &self.scheme.certificate_codec_config(),
        )
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
