//! The chain's one hash function: BLAKE2b with a 256-bit digest (Substrate's `BlakeTwo256`).
//!
//! One function for block hashes, transaction hashes, the state root and weight commits keeps
//! Plexus's commitments checkable with any Substrate tool, and lets Bittensor's own weight-commit
//! hashes verify here unchanged.

use blake2::{digest::consts::U32, Blake2b, Digest};
use parity_scale_codec::{Decode, Encode};
use std::fmt;

type Blake2b256 = Blake2b<U32>;

/// A 32-byte BLAKE2b-256 digest.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode)]
pub struct H256(pub [u8; 32]);

impl H256 {
    /// The all-zero hash, used as the parent of the genesis block.
    pub const ZERO: Self = Self([0; 32]);

    /// The raw digest.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Parses `0x`-prefixed (or bare) hex of exactly 32 bytes.
    pub fn from_hex(text: &str) -> Result<Self, HashParseError> {
        let digits = text.strip_prefix("0x").unwrap_or(text);
        let mut out = [0u8; 32];
        hex::decode_to_slice(digits, &mut out).map_err(|_| HashParseError(text.len()))?;
        Ok(Self(out))
    }
}

/// A string that is not 32 bytes of hex.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a 32-byte hex hash ({0} characters)")]
pub struct HashParseError(usize);

impl fmt::Display for H256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", hex::encode(self.0))
    }
}

impl fmt::Debug for H256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl serde::Serialize for H256 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> serde::Deserialize<'de> for H256 {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::from_hex(&text).map_err(serde::de::Error::custom)
    }
}

/// BLAKE2b-256 of `data`.
pub fn blake2_256(data: &[u8]) -> H256 {
    H256(Blake2b256::digest(data).into())
}

/// BLAKE2b-256 of several byte strings concatenated, without building the concatenation.
pub fn blake2_256_parts(parts: &[&[u8]]) -> H256 {
    let mut hasher = Blake2b256::new();
    for part in parts {
        hasher.update(part);
    }
    H256(hasher.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_blake2_256_known_value() {
        // BLAKE2b-256 of the empty string (RFC 7693 parameters, 32-byte digest).
        assert_eq!(
            blake2_256(b"").to_string(),
            "0x0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"
        );
        assert_eq!(blake2_256_parts(&[b"ab", b"c"]), blake2_256(b"abc"));
    }

    #[test]
    fn test_hex_round_trip_and_errors() {
        let h = blake2_256(b"plexus");
        assert_eq!(H256::from_hex(&h.to_string()), Ok(h));
        assert!(H256::from_hex("0x1234").is_err());
        assert!(H256::from_hex(&"zz".repeat(32)).is_err());
    }
}
