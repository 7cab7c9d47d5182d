//! The chain specification: the state machine's genesis plus the consensus validator set, and
//! the namespace derived from it that keeps one chain's signed messages from another's.

use commonware_codec::DecodeExt;
use commonware_cryptography::ed25519;
use commonware_utils::ordered::Set;
use plexus_primitives::H256;
use plexus_runtime::Genesis;
use serde::{Deserialize, Serialize};

/// Everything every node of one network must agree on before block 1.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainSpec {
    /// The state machine's genesis (balances, parameters, timestamp).
    pub genesis: Genesis,
    /// The validators' ed25519 public keys, as hex.
    pub validators: Vec<String>,
}

/// Why a chain specification is unusable.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// Not valid JSON for a [`ChainSpec`].
    #[error("chain spec is not valid: {0}")]
    Json(#[from] serde_json::Error),
    /// A validator key that is not a 32-byte ed25519 public key in hex.
    #[error("validator {index} is not an ed25519 public key in hex: {value}")]
    BadValidator {
        /// Its position in the list.
        index: usize,
        /// What was given.
        value: String,
    },
    /// The same validator twice.
    #[error("validator {0} appears twice")]
    DuplicateValidator(String),
    /// No validators at all.
    #[error("a chain needs at least one validator")]
    NoValidators,
    /// The state machine's genesis is invalid.
    #[error(transparent)]
    Genesis(#[from] plexus_runtime::GenesisError),
}

impl ChainSpec {
    /// Parses and checks a chain specification.
    pub fn from_json(text: &str) -> Result<Self, SpecError> {
        let spec: Self = serde_json::from_str(text)?;
        spec.genesis.validate()?;
        spec.validator_set()?;
        Ok(spec)
    }

    /// The validator set, in the canonical order every node shares.
    pub fn validator_set(&self) -> Result<Set<ed25519::PublicKey>, SpecError> {
        if self.validators.is_empty() {
            return Err(SpecError::NoValidators);
        }
        let mut keys = Vec::with_capacity(self.validators.len());
        for (index, value) in self.validators.iter().enumerate() {
            let bad = || SpecError::BadValidator {
                index,
                value: value.clone(),
            };
            let bytes = hex::decode(value.trim_start_matches("0x")).map_err(|_| bad())?;
            let key = ed25519::PublicKey::decode(bytes::Bytes::from(bytes)).map_err(|_| bad())?;
            if keys.contains(&key) {
                return Err(SpecError::DuplicateValidator(value.clone()));
            }
            keys.push(key);
        }
        Ok(Set::from_iter_dedup(keys))
    }
}

/// The namespace that separates a chain's consensus messages, finality proofs and peer
/// handshakes from any other chain's.
pub fn namespace(genesis_hash: H256) -> Vec<u8> {
    let mut namespace = b"plexus/".to_vec();
    namespace.extend_from_slice(&genesis_hash.0);
    namespace
}
