//! Storage keys as Substrate builds them: `twox128(pallet) ‖ twox128(item)`, then each map key
//! hashed with its hasher (`blake2_128_concat`: the key's BLAKE2b-128, then the key itself).

use blake2::digest::consts::U16;
use blake2::{Blake2b, Digest};
use plexus_primitives::AccountId;
use std::hash::Hasher;

/// Substrate's `twox_128`: two 64-bit xxHashes of `data`, seeds 0 and 1, little-endian.
pub fn twox_128(data: &[u8]) -> [u8; 16] {
    let mut out = [0u8; 16];
    for (seed, half) in out.chunks_exact_mut(8).enumerate() {
        let mut hasher = twox_hash::XxHash64::with_seed(seed as u64);
        hasher.write(data);
        half.copy_from_slice(&hasher.finish().to_le_bytes());
    }
    out
}

/// The prefix of every key of a pallet's storage item.
pub fn prefix(pallet: &str, item: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[..16].copy_from_slice(&twox_128(pallet.as_bytes()));
    out[16..].copy_from_slice(&twox_128(item.as_bytes()));
    out
}

fn blake2_128(data: &[u8]) -> [u8; 16] {
    Blake2b::<U16>::digest(data).into()
}

/// `System.Account`'s prefix.
const SYSTEM_ACCOUNT: (&str, &str) = ("System", "Account");

/// A storage key this chain can answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageKey {
    /// `System.Account[account]`.
    SystemAccount(AccountId),
}

impl StorageKey {
    /// The key's bytes.
    pub fn encode(&self) -> Vec<u8> {
        match self {
            StorageKey::SystemAccount(account) => {
                let mut key = prefix(SYSTEM_ACCOUNT.0, SYSTEM_ACCOUNT.1).to_vec();
                key.extend_from_slice(&blake2_128(&account.0));
                key.extend_from_slice(&account.0);
                key
            }
        }
    }

    /// The key `bytes` name, when it is one this chain answers; a key of another item, or of
    /// the wrong length, or whose hash does not match its key, is none.
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        let (item, rest) = bytes.split_at_checked(32)?;
        if item == prefix(SYSTEM_ACCOUNT.0, SYSTEM_ACCOUNT.1) {
            let (hash, key) = rest.split_at_checked(16)?;
            let account = AccountId(key.try_into().ok()?);
            return (hash == blake2_128(key)).then_some(StorageKey::SystemAccount(account));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_substrates_well_known_keys() {
        // System.Account's prefix, as every Substrate chain has it.
        assert_eq!(
            hex::encode(prefix("System", "Account")),
            "26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9"
        );
        let key = StorageKey::SystemAccount(AccountId([1; 32]));
        assert_eq!(StorageKey::parse(&key.encode()), Some(key.clone()));
        let mut forged = key.encode();
        forged[40] ^= 1;
        assert_eq!(StorageKey::parse(&forged), None);
        assert_eq!(StorageKey::parse(&key.encode()[..60]), None);
    }
}
