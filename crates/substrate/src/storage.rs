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

/// A storage key this chain can answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageKey {
    /// `System.Account[account]`.
    SystemAccount(AccountId),
    /// `SubtensorModule.NetworksAdded[netuid]`.
    NetworksAdded(u16),
    /// `SubtensorModule.Tempo[netuid]`.
    Tempo(u16),
    /// `SubtensorModule.WeightsSetRateLimit[netuid]`.
    WeightsSetRateLimit(u16),
    /// `SubtensorModule.LastUpdate[netuid]`.
    LastUpdate(u16),
    /// `SubtensorModule.Uids[netuid, hotkey]`.
    Uids(u16, AccountId),
    /// `SubtensorModule.IsNetworkMember[hotkey, netuid]`.
    IsNetworkMember(AccountId, u16),
}

/// Makes the key of a map keyed by netuid alone.
type ByNetuid = fn(u16) -> StorageKey;

/// The `SubtensorModule` maps keyed by netuid alone, by item name.
const BY_NETUID: [(&str, ByNetuid); 4] = [
    ("NetworksAdded", StorageKey::NetworksAdded),
    ("Tempo", StorageKey::Tempo),
    ("WeightsSetRateLimit", StorageKey::WeightsSetRateLimit),
    ("LastUpdate", StorageKey::LastUpdate),
];

/// `blake2_128_concat(account)`.
fn blake2_concat(account: &AccountId) -> Vec<u8> {
    let mut out = blake2_128(&account.0).to_vec();
    out.extend_from_slice(&account.0);
    out
}

/// Reads `blake2_128_concat(account)`, which must be all of `bytes`.
fn read_blake2_concat(bytes: &[u8]) -> Option<AccountId> {
    let (hash, key) = bytes.split_at_checked(16)?;
    let account = AccountId(key.try_into().ok()?);
    (hash == blake2_128(key)).then_some(account)
}

impl StorageKey {
    /// The key's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let subtensor = |item: &str, netuid: u16| {
            let mut key = prefix("SubtensorModule", item).to_vec();
            key.extend_from_slice(&netuid.to_le_bytes());
            key
        };
        match self {
            StorageKey::SystemAccount(account) => {
                let mut key = prefix("System", "Account").to_vec();
                key.extend_from_slice(&blake2_concat(account));
                key
            }
            StorageKey::NetworksAdded(netuid) => subtensor("NetworksAdded", *netuid),
            StorageKey::Tempo(netuid) => subtensor("Tempo", *netuid),
            StorageKey::WeightsSetRateLimit(netuid) => subtensor("WeightsSetRateLimit", *netuid),
            StorageKey::LastUpdate(netuid) => subtensor("LastUpdate", *netuid),
            StorageKey::Uids(netuid, hotkey) => {
                let mut key = subtensor("Uids", *netuid);
                key.extend_from_slice(&blake2_concat(hotkey));
                key
            }
            StorageKey::IsNetworkMember(hotkey, netuid) => {
                let mut key = prefix("SubtensorModule", "IsNetworkMember").to_vec();
                key.extend_from_slice(&blake2_concat(hotkey));
                key.extend_from_slice(&netuid.to_le_bytes());
                key
            }
        }
    }

    /// The key `bytes` name, when it is one this chain answers; a key of another item, or of
    /// the wrong length, or whose hash does not match its key, is none.
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        let (item, rest) = bytes.split_at_checked(32)?;
        if item == prefix("System", "Account") {
            return read_blake2_concat(rest).map(StorageKey::SystemAccount);
        }
        let netuid = |rest: &[u8]| rest.get(..2).map(|n| u16::from_le_bytes([n[0], n[1]]));
        for (name, key) in BY_NETUID {
            if item == prefix("SubtensorModule", name) && rest.len() == 2 {
                return netuid(rest).map(key);
            }
        }
        if item == prefix("SubtensorModule", "Uids") {
            let hotkey = read_blake2_concat(rest.get(2..)?)?;
            return netuid(rest).map(|netuid| StorageKey::Uids(netuid, hotkey));
        }
        if item == prefix("SubtensorModule", "IsNetworkMember") && rest.len() == 50 {
            let hotkey = read_blake2_concat(&rest[..48])?;
            return netuid(&rest[48..]).map(|netuid| StorageKey::IsNetworkMember(hotkey, netuid));
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
        // SubtensorModule.Uids[1, Bob], as Bittensor's chain builds it (spec §4.1).
        let bob = AccountId(
            hex::decode("8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48")
                .unwrap()
                .try_into()
                .unwrap(),
        );
        assert_eq!(
            hex::encode(StorageKey::Uids(1, bob).encode()),
            "658faa385070e074c85bf6b568cf0555aab1b4e78e1ea8305462ee53b3686dc80100\
             4f9aea1afa791265fae359272badc1cf8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48"
        );
        assert_eq!(
            hex::encode(StorageKey::NetworksAdded(1).encode()),
            "658faa385070e074c85bf6b568cf05550e30450fc4d507a846032a7fa65d9a430100"
        );
        for key in [
            StorageKey::Uids(1, bob),
            StorageKey::NetworksAdded(3),
            StorageKey::Tempo(3),
            StorageKey::WeightsSetRateLimit(3),
            StorageKey::LastUpdate(3),
            StorageKey::IsNetworkMember(bob, 3),
        ] {
            assert_eq!(StorageKey::parse(&key.encode()), Some(key));
        }
        let key = StorageKey::SystemAccount(AccountId([1; 32]));
        assert_eq!(StorageKey::parse(&key.encode()), Some(key.clone()));
        let mut forged = key.encode();
        forged[40] ^= 1;
        assert_eq!(StorageKey::parse(&forged), None);
        assert_eq!(StorageKey::parse(&key.encode()[..60]), None);
    }
}
