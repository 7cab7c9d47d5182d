//! The validator's consensus secrets, each in a file readable only by its owner: its ed25519
//! key, which names it to its peers, and its share of the validators' group key, with which it
//! signs votes.
//!
//! Neither signs transactions nor holds funds. Both are stored as hex (not encrypted: a
//! validator must restart unattended), with mode 0600. A share is as sensitive as the key, and
//! more durable: the group key never changes, so a quorum of shares of any one validator set can
//! sign for the chain forever. Keep share files out of backups that others can read.

use commonware_codec::{DecodeExt, Encode};
use commonware_cryptography::bls12381::primitives::group::Share;
use commonware_cryptography::{Signer as _, ed25519};
use rand_core::RngCore;
use std::path::Path;
use zeroize::Zeroizing;

/// A validator's consensus key.
#[derive(Clone)]
pub struct ValidatorKey(pub(crate) ed25519::PrivateKey);

/// Why a key file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    /// Reading or writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What failed.
        source: std::io::Error,
    },
    /// The file does not hold a 32-byte hex seed.
    #[error("{0}: not a validator key (expected 64 hex characters)")]
    Malformed(String),
    /// The file does not hold a share of a group key.
    #[error("{0}: not a validator's share of the group key")]
    MalformedShare(String),
}

/// Reads a private hex file.
fn read_hex(path: &Path) -> Result<Option<Zeroizing<Vec<u8>>>, KeyFileError> {
    let text =
        Zeroizing::new(
            std::fs::read_to_string(path).map_err(|source| KeyFileError::Io {
                path: path.display().to_string(),
                source,
            })?,
        );
    Ok(hex::decode(text.trim()).ok().map(Zeroizing::new))
}

/// Writes a private hex file, whole or not at all, never over an existing one: a node killed
/// while writing its secrets must find either none or these when it starts again.
fn write_hex(path: &Path, bytes: &[u8]) -> Result<(), KeyFileError> {
    let mut secret = Zeroizing::new(hex::encode(bytes));
    secret.push('\n');
    plexus_keys::fsio::write_private(path, secret.as_bytes(), false).map_err(|source| {
        KeyFileError::Io {
            path: path.display().to_string(),
            source,
        }
    })
}

/// A validator's share of the group key.
#[derive(Clone)]
pub struct ValidatorShare(pub(crate) Share);

impl From<Share> for ValidatorShare {
    fn from(share: Share) -> Self {
        Self(share)
    }
}

impl ValidatorShare {
    /// Reads a share file.
    pub fn load(path: &Path) -> Result<Self, KeyFileError> {
        let malformed = || KeyFileError::MalformedShare(path.display().to_string());
        let bytes = read_hex(path)?.ok_or_else(malformed)?;
        let share =
            Share::decode(bytes::Bytes::copy_from_slice(&bytes)).map_err(|_| malformed())?;
        Ok(Self(share))
    }

    /// Writes the share to a new file only its owner can read; never overwrites.
    pub fn save(&self, path: &Path) -> Result<(), KeyFileError> {
        write_hex(path, &Zeroizing::new(self.0.encode().to_vec()))
    }
}

impl ValidatorKey {
    /// A new key from the operating system's randomness.
    pub fn generate() -> Self {
        let mut seed = Zeroizing::new([0u8; 32]);
        rand_core::OsRng.fill_bytes(seed.as_mut());
        Self::from_seed(&seed)
    }

    fn from_seed(seed: &[u8; 32]) -> Self {
        // Any 32 bytes are a valid ed25519 seed, so decoding cannot fail.
        match ed25519::PrivateKey::decode(bytes::Bytes::copy_from_slice(seed)) {
            Ok(key) => Self(key),
            Err(_) => unreachable!("32 bytes always decode to an ed25519 seed"),
        }
    }

    /// Reads a key file.
    pub fn load(path: &Path) -> Result<Self, KeyFileError> {
        let malformed = || KeyFileError::Malformed(path.display().to_string());
        let bytes = read_hex(path)?.ok_or_else(malformed)?;
        let seed: &[u8; 32] = bytes.as_slice().try_into().map_err(|_| malformed())?;
        Ok(Self::from_seed(seed))
    }

    /// Writes the key to a new file only its owner can read; never overwrites.
    pub fn save(&self, path: &Path) -> Result<(), KeyFileError> {
        write_hex(path, &Zeroizing::new(self.0.encode().to_vec()))
    }

    /// The public key, as hex: what a chain spec lists.
    pub fn public_hex(&self) -> String {
        hex::encode(self.0.public_key().encode())
    }

    /// The public key as the chain names validators.
    pub fn id(&self) -> plexus_runtime::ValidatorId {
        validator_id(&self.0.public_key())
    }

    /// The call by which `owner` announces this validator at `address` on the chain named
    /// `chain_id`, with this key's proof that `owner` may.
    pub fn announcement(
        &self,
        chain_id: &str,
        owner: &plexus_primitives::AccountId,
        address: std::net::SocketAddr,
    ) -> plexus_runtime::Call {
        let address = address.to_string();
        let message =
            plexus_runtime::validator_proof_message(chain_id, owner, &self.id(), &address);
        let signature = self
            .0
            .sign(plexus_runtime::VALIDATOR_PROOF_NAMESPACE, &message);
        let mut proof = [0; 64];
        proof.copy_from_slice(signature.as_ref());
        plexus_runtime::Call::AnnounceValidator {
            key: self.id(),
            address,
            proof: plexus_runtime::ValidatorProof(proof),
        }
    }
}

impl From<ed25519::PrivateKey> for ValidatorKey {
    fn from(key: ed25519::PrivateKey) -> Self {
        Self(key)
    }
}

/// A validator's public key as the chain names it (in headers and committees).
pub(crate) fn validator_id(key: &ed25519::PublicKey) -> plexus_runtime::ValidatorId {
    let mut bytes = [0; 32];
    bytes.copy_from_slice(key.as_ref());
    plexus_runtime::ValidatorId(bytes)
}

/// A well-known key for simulations and tests, derived from a number. Never for real networks.
pub fn insecure_key(seed: u64) -> ValidatorKey {
    ValidatorKey(ed25519::PrivateKey::from_seed(seed))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn save_then_load_gives_the_same_key_and_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("node-key");
        let key = ValidatorKey::generate();
        key.save(&path).unwrap();
        assert_eq!(
            ValidatorKey::load(&path).unwrap().public_hex(),
            key.public_hex()
        );
        assert!(key.save(&path).is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "not hex").unwrap();
        assert!(matches!(
            ValidatorKey::load(&path),
            Err(KeyFileError::Malformed(_))
        ));
    }

    #[test]
    fn an_announcement_carries_a_proof_the_chain_accepts_for_its_owner_and_address_only() {
        let key = insecure_key(3);
        let owner = plexus_primitives::AccountId([7; 32]);
        let address: std::net::SocketAddr = "10.0.0.1:30400".parse().unwrap();
        let plexus_runtime::Call::AnnounceValidator {
            key: id,
            address: text,
            proof,
        } = key.announcement("chain", &owner, address)
        else {
            panic!("not an announcement");
        };
        assert_eq!(id, key.id());
        let verify = plexus_runtime::verify_validator_proof;
        assert!(verify("chain", &owner, &id, &text, &proof));
        assert!(!verify("other", &owner, &id, &text, &proof));
        assert!(!verify(
            "chain",
            &plexus_primitives::AccountId([8; 32]),
            &id,
            &text,
            &proof
        ));
        assert!(!verify("chain", &owner, &id, "10.0.0.2:30400", &proof));
        assert!(!verify(
            "chain",
            &owner,
            &insecure_key(4).id(),
            &text,
            &proof
        ));
    }
}
