//! SS58 addresses: the text form of a 32-byte account id.
//!
//! Plexus uses Bittensor's prefix 42 (generic Substrate). An address is
//! `base58(prefix ‖ public key ‖ checksum)`, where the checksum is the first two bytes of
//! `BLAKE2b-512("SS58PRE" ‖ prefix ‖ public key)`. Parsing verifies the checksum, so a
//! mistyped address is rejected instead of sending funds to a key nobody holds.

use blake2::{Blake2b512, Digest};
use parity_scale_codec::{Decode, Encode};
use std::{fmt, str::FromStr};

/// The SS58 prefix Bittensor (and Plexus) addresses carry.
pub const PREFIX: u8 = 42;

const CHECKSUM_LEN: usize = 2;
const ENCODED_LEN: usize = 1 + 32 + CHECKSUM_LEN;

/// Why a string is not a valid SS58 address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Ss58Error {
    /// A character outside the base58 alphabet.
    #[error("not base58: {0}")]
    Base58(String),
    /// The decoded length is not that of a one-byte-prefix address of a 32-byte key.
    #[error("wrong length: {0} bytes decoded, {ENCODED_LEN} expected")]
    Length(usize),
    /// A prefix other than 42.
    #[error("network prefix {0} is not {PREFIX}")]
    Prefix(u8),
    /// The checksum does not match: the address was mistyped or altered.
    #[error("bad checksum: the address is mistyped or corrupted")]
    Checksum,
}

/// A 32-byte account id (an sr25519 or ed25519 public key) with its SS58 text form.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode)]
pub struct AccountId(pub [u8; 32]);

impl AccountId {
    /// The raw public key bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The SS58 address with prefix 42.
    pub fn to_ss58(&self) -> String {
        let mut buf = Vec::with_capacity(ENCODED_LEN);
        buf.push(PREFIX);
        buf.extend_from_slice(&self.0);
        let sum = checksum(&buf);
        buf.extend_from_slice(&sum);
        bs58::encode(buf).into_string()
    }

    /// Parses an SS58 address, verifying prefix and checksum.
    pub fn from_ss58(s: &str) -> Result<Self, Ss58Error> {
        // A 35-byte payload is at most 48 base58 digits; refuse long input before decoding it.
        if s.trim().len() > 64 {
            return Err(Ss58Error::Length(s.trim().len() * 3 / 4));
        }
        let raw = bs58::decode(s.trim())
            .into_vec()
            .map_err(|e| Ss58Error::Base58(e.to_string()))?;
        let raw: [u8; ENCODED_LEN] = raw
            .as_slice()
            .try_into()
            .map_err(|_| Ss58Error::Length(raw.len()))?;
        let (body, sum) = raw.split_at(1 + 32);
        if body[0] != PREFIX {
            return Err(Ss58Error::Prefix(body[0]));
        }
        if checksum(body) != sum {
            return Err(Ss58Error::Checksum);
        }
        let mut key = [0u8; 32];
        key.copy_from_slice(&body[1..]);
        Ok(Self(key))
    }

    /// `0x`-prefixed lowercase hex of the public key, as keyfiles store it.
    pub fn to_hex(&self) -> String {
        format!("0x{}", hex::encode(self.0))
    }
}

fn checksum(body: &[u8]) -> [u8; CHECKSUM_LEN] {
    let mut h = Blake2b512::new();
    h.update(b"SS58PRE");
    h.update(body);
    let digest = h.finalize();
    [digest[0], digest[1]]
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_ss58())
    }
}

impl fmt::Debug for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountId({})", self.to_ss58())
    }
}

/// JSON (genesis files, RPC) carries account ids as SS58 addresses.
impl serde::Serialize for AccountId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_ss58())
    }
}

impl<'de> serde::Deserialize<'de> for AccountId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::from_ss58(&text).map_err(serde::de::Error::custom)
    }
}

impl FromStr for AccountId {
    type Err = Ss58Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_ss58(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

    #[test]
    fn test_alice_round_trip() {
        let id = AccountId::from_ss58(ALICE).unwrap();
        assert_eq!(
            hex::encode(id.0),
            "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
        );
        assert_eq!(id.to_ss58(), ALICE);
    }

    #[test]
    fn test_bad_checksum_rejected() {
        // Change one character: base58 still decodes, the checksum no longer matches.
        let mut s = ALICE.to_string();
        s.replace_range(10..11, "Y");
        assert_eq!(AccountId::from_ss58(&s), Err(Ss58Error::Checksum));
    }

    #[test]
    fn test_malformed_addresses_rejected() {
        assert!(matches!(
            AccountId::from_ss58("0OIl"),
            Err(Ss58Error::Base58(_))
        ));
        assert!(matches!(
            AccountId::from_ss58("5Grwva"),
            Err(Ss58Error::Length(_))
        ));
        // Polkadot (prefix 0) form of Alice's key.
        let polkadot = "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5";
        assert_eq!(AccountId::from_ss58(polkadot), Err(Ss58Error::Prefix(0)));
    }
}
