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

/// A `SubtensorModule` map keyed by netuid alone that this chain answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SubnetItem {
    /// Whether the subnet exists: `bool`.
    NetworksAdded,
    /// `u16`.
    Tempo,
    /// `u64`.
    WeightsSetRateLimit,
    /// Each uid's last weights block: `Vec<u64>`.
    LastUpdate,
    /// The registration price: `u64`.
    Burn,
    /// Uids in use: `u16`.
    SubnetworkN,
    /// `bool`.
    CommitRevealWeightsEnabled,
    /// The same, under the name btcli reads: `bool`.
    GetCommitRevealWeightsEnabled,
    /// Epochs between a commit and its reveal: `u64` (`Twox64Concat`).
    RevealPeriodEpochs,
    /// The same, under the name btcli reads: `u64`.
    GetCommitRevealPeriod,
    /// `u16`.
    MinAllowedWeights,
    /// `u16`.
    MaxWeightsLimit,
    /// `u64`.
    WeightsVersionKey,
    /// Each uid's permit: `Vec<bool>`.
    ValidatorPermit,
    /// Mechanisms: always 1 (`u8`, `Twox64Concat`).
    MechanismCountCurrent,
    /// The owner's coldkey.
    SubnetOwner,
    /// The owner's hotkey.
    SubnetOwnerHotkey,
    /// The block emission starts: `u64`, absent before `start_call`.
    FirstEmissionBlockNumber,
    /// `u64`.
    BlocksSinceLastStep,
    /// How the subnet reaches consensus: always Yuma (variant 0).
    SubnetEpochConsensus,
    /// Collateral locked at registration (of 65535): always 0 (`u16`).
    CollateralLockShare,
    /// The token's symbol: `Vec<u8>`.
    TokenSymbol,
}

impl SubnetItem {
    /// Every item, in the metadata's order.
    pub const ALL: [SubnetItem; 22] = [
        SubnetItem::NetworksAdded,
        SubnetItem::Tempo,
        SubnetItem::WeightsSetRateLimit,
        SubnetItem::LastUpdate,
        SubnetItem::Burn,
        SubnetItem::SubnetworkN,
        SubnetItem::CommitRevealWeightsEnabled,
        SubnetItem::GetCommitRevealWeightsEnabled,
        SubnetItem::RevealPeriodEpochs,
        SubnetItem::GetCommitRevealPeriod,
        SubnetItem::MinAllowedWeights,
        SubnetItem::MaxWeightsLimit,
        SubnetItem::WeightsVersionKey,
        SubnetItem::ValidatorPermit,
        SubnetItem::MechanismCountCurrent,
        SubnetItem::SubnetOwner,
        SubnetItem::SubnetOwnerHotkey,
        SubnetItem::FirstEmissionBlockNumber,
        SubnetItem::BlocksSinceLastStep,
        SubnetItem::SubnetEpochConsensus,
        SubnetItem::CollateralLockShare,
        SubnetItem::TokenSymbol,
    ];

    /// Its name in the metadata.
    pub fn name(self) -> &'static str {
        match self {
            SubnetItem::NetworksAdded => "NetworksAdded",
            SubnetItem::Tempo => "Tempo",
            SubnetItem::WeightsSetRateLimit => "WeightsSetRateLimit",
            SubnetItem::LastUpdate => "LastUpdate",
            SubnetItem::Burn => "Burn",
            SubnetItem::SubnetworkN => "SubnetworkN",
            SubnetItem::CommitRevealWeightsEnabled => "CommitRevealWeightsEnabled",
            SubnetItem::GetCommitRevealWeightsEnabled => "get_commit_reveal_weights_enabled",
            SubnetItem::RevealPeriodEpochs => "RevealPeriodEpochs",
            SubnetItem::GetCommitRevealPeriod => "get_commit_reveal_period",
            SubnetItem::MinAllowedWeights => "MinAllowedWeights",
            SubnetItem::MaxWeightsLimit => "MaxWeightsLimit",
            SubnetItem::WeightsVersionKey => "WeightsVersionKey",
            SubnetItem::ValidatorPermit => "ValidatorPermit",
            SubnetItem::MechanismCountCurrent => "MechanismCountCurrent",
            SubnetItem::SubnetOwner => "SubnetOwner",
            SubnetItem::SubnetOwnerHotkey => "SubnetOwnerHotkey",
            SubnetItem::FirstEmissionBlockNumber => "FirstEmissionBlockNumber",
            SubnetItem::BlocksSinceLastStep => "BlocksSinceLastStep",
            SubnetItem::SubnetEpochConsensus => "SubnetEpochConsensus",
            SubnetItem::CollateralLockShare => "CollateralLockShare",
            SubnetItem::TokenSymbol => "TokenSymbol",
        }
    }

    /// Whether its netuid is hashed with `Twox64Concat` (as Bittensor's chain does for these)
    /// rather than used as it is.
    pub(crate) fn twox(self) -> bool {
        matches!(
            self,
            SubnetItem::RevealPeriodEpochs | SubnetItem::MechanismCountCurrent
        )
    }
}

/// A plain `SubtensorModule` value this chain answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PlainItem {
    /// Subnets: `u16`.
    TotalNetworks,
    /// TAO in existence: `u64`.
    TotalIssuance,
    /// The commit-reveal scheme the clients should use: 4 (`u16`); Plexus takes hash commits.
    CommitRevealWeightsVersion,
    /// Lock decay: 0 (`u64`), Plexus has no stake locks.
    UnlockRate,
    /// Lock maturity: 0 (`u64`).
    MaturityRate,
}

impl PlainItem {
    /// Every item, in the metadata's order.
    pub const ALL: [PlainItem; 5] = [
        PlainItem::TotalNetworks,
        PlainItem::TotalIssuance,
        PlainItem::CommitRevealWeightsVersion,
        PlainItem::UnlockRate,
        PlainItem::MaturityRate,
    ];

    /// Its name in the metadata.
    pub fn name(self) -> &'static str {
        match self {
            PlainItem::TotalNetworks => "TotalNetworks",
            PlainItem::TotalIssuance => "TotalIssuance",
            PlainItem::CommitRevealWeightsVersion => "CommitRevealWeightsVersion",
            PlainItem::UnlockRate => "UnlockRate",
            PlainItem::MaturityRate => "MaturityRate",
        }
    }
}

/// A storage key this chain can answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageKey {
    /// `System.Account[account]`.
    SystemAccount(AccountId),
    /// `System.Events`: the block's events, not the state's (see [`crate::events`]).
    SystemEvents,
    /// A `SubtensorModule` map keyed by netuid.
    Subnet(SubnetItem, u16),
    /// A plain `SubtensorModule` value.
    Plain(PlainItem),
    /// `SubtensorModule.Uids[netuid, hotkey]`.
    Uids(u16, AccountId),
    /// `SubtensorModule.IsNetworkMember[hotkey, netuid]`.
    IsNetworkMember(AccountId, u16),
    /// `SubtensorModule.Keys[netuid, uid]`.
    Keys(u16, u16),
    /// `SubtensorModule.Owner[hotkey]`.
    Owner(AccountId),
    /// `SubtensorModule.OwnedHotkeys[coldkey]`.
    OwnedHotkeys(AccountId),
    /// `SubtensorModule.Delegates[hotkey]`: its take.
    Delegates(AccountId),
    /// `SubtensorModule.IdentitiesV2[coldkey]`.
    IdentitiesV2(AccountId),
    /// `SubtensorModule.RootClaimable[hotkey]`: per subnet, alpha owed per rao of root stake.
    RootClaimable(AccountId),
    /// `SubtensorModule.RootClaimed[netuid, hotkey, coldkey]`.
    RootClaimed(u16, AccountId, AccountId),
    /// `SubtensorModule.RootClaimType[coldkey]`.
    RootClaimType(AccountId),
    /// `SubtensorModule.ChildKeys[hotkey, netuid]`.
    ChildKeys(AccountId, u16),
    /// `SubtensorModule.ParentKeys[hotkey, netuid]`.
    ParentKeys(AccountId, u16),
    /// `SubtensorModule.ChildkeyTake[hotkey, netuid]`.
    ChildkeyTake(AccountId, u16),
    /// `SubtensorModule.PendingChildKeys[netuid, hotkey]`.
    PendingChildKeys(u16, AccountId),
}

/// `twox_64_concat(data)`: the first half of `twox_128`, then the data.
fn twox_concat(data: &[u8]) -> Vec<u8> {
    let mut out = twox_128(data)[..8].to_vec();
    out.extend_from_slice(data);
    out
}

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

/// Reads a netuid (or uid): exactly two little-endian bytes.
fn read_u16(bytes: &[u8]) -> Option<u16> {
    let bytes: [u8; 2] = bytes.try_into().ok()?;
    Some(u16::from_le_bytes(bytes))
}

fn subtensor(item: &str) -> Vec<u8> {
    prefix("SubtensorModule", item).to_vec()
}

impl StorageKey {
    /// The key's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let with = |mut key: Vec<u8>, parts: &[&[u8]]| {
            for part in parts {
                key.extend_from_slice(part);
            }
            key
        };
        match self {
            StorageKey::SystemAccount(account) => with(
                prefix("System", "Account").to_vec(),
                &[&blake2_concat(account)],
            ),
            StorageKey::Subnet(item, netuid) => {
                let netuid = netuid.to_le_bytes();
                let key = if item.twox() {
                    twox_concat(&netuid)
                } else {
                    netuid.to_vec()
                };
                with(subtensor(item.name()), &[&key])
            }
            StorageKey::Plain(item) => subtensor(item.name()),
            StorageKey::SystemEvents => prefix("System", "Events").to_vec(),
            StorageKey::Uids(netuid, hotkey) => with(
                subtensor("Uids"),
                &[&netuid.to_le_bytes(), &blake2_concat(hotkey)],
            ),
            StorageKey::IsNetworkMember(hotkey, netuid) => with(
                subtensor("IsNetworkMember"),
                &[&blake2_concat(hotkey), &netuid.to_le_bytes()],
            ),
            StorageKey::Keys(netuid, uid) => with(
                subtensor("Keys"),
                &[&netuid.to_le_bytes(), &uid.to_le_bytes()],
            ),
            StorageKey::Owner(hotkey) => with(subtensor("Owner"), &[&blake2_concat(hotkey)]),
            StorageKey::OwnedHotkeys(coldkey) => {
                with(subtensor("OwnedHotkeys"), &[&blake2_concat(coldkey)])
            }
            StorageKey::Delegates(hotkey) => {
                with(subtensor("Delegates"), &[&blake2_concat(hotkey)])
            }
            StorageKey::IdentitiesV2(coldkey) => {
                with(subtensor("IdentitiesV2"), &[&blake2_concat(coldkey)])
            }
            StorageKey::RootClaimable(hotkey) => {
                with(subtensor("RootClaimable"), &[&blake2_concat(hotkey)])
            }
            StorageKey::RootClaimed(netuid, hotkey, coldkey) => with(
                subtensor("RootClaimed"),
                &[
                    &netuid.to_le_bytes(),
                    &blake2_concat(hotkey),
                    &blake2_concat(coldkey),
                ],
            ),
            StorageKey::RootClaimType(coldkey) => {
                with(subtensor("RootClaimType"), &[&blake2_concat(coldkey)])
            }
            StorageKey::ChildKeys(hotkey, netuid) => with(
                subtensor("ChildKeys"),
                &[&blake2_concat(hotkey), &netuid.to_le_bytes()],
            ),
            StorageKey::ParentKeys(hotkey, netuid) => with(
                subtensor("ParentKeys"),
                &[&blake2_concat(hotkey), &netuid.to_le_bytes()],
            ),
            StorageKey::ChildkeyTake(hotkey, netuid) => with(
                subtensor("ChildkeyTake"),
                &[&blake2_concat(hotkey), &netuid.to_le_bytes()],
            ),
            StorageKey::PendingChildKeys(netuid, hotkey) => with(
                subtensor("PendingChildKeys"),
                &[&netuid.to_le_bytes(), &blake2_concat(hotkey)],
            ),
        }
    }

    /// The key `bytes` name, when it is one this chain answers; a key of another item, or of
    /// the wrong length, or whose hash does not match its key, is none.
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        let (item, rest) = bytes.split_at_checked(32)?;
        if item == prefix("System", "Account") {
            return read_blake2_concat(rest).map(StorageKey::SystemAccount);
        }
        if item == prefix("System", "Events") {
            return rest.is_empty().then_some(StorageKey::SystemEvents);
        }
        let is = |name: &str| item == prefix("SubtensorModule", name);
        for subnet_item in SubnetItem::ALL {
            if is(subnet_item.name()) {
                let netuid = if subnet_item.twox() {
                    let (hash, netuid) = rest.split_at_checked(8)?;
                    (hash == &twox_128(netuid)[..8]).then_some(netuid)?
                } else {
                    rest
                };
                return read_u16(netuid).map(|netuid| StorageKey::Subnet(subnet_item, netuid));
            }
        }
        for plain in PlainItem::ALL {
            if is(plain.name()) {
                return rest.is_empty().then_some(StorageKey::Plain(plain));
            }
        }
        if is("Uids") {
            let hotkey = read_blake2_concat(rest.get(2..)?)?;
            return read_u16(&rest[..2]).map(|netuid| StorageKey::Uids(netuid, hotkey));
        }
        if is("IsNetworkMember") && rest.len() == 50 {
            let hotkey = read_blake2_concat(&rest[..48])?;
            return read_u16(&rest[48..]).map(|netuid| StorageKey::IsNetworkMember(hotkey, netuid));
        }
        if is("Keys") && rest.len() == 4 {
            return Some(StorageKey::Keys(
                read_u16(&rest[..2])?,
                read_u16(&rest[2..])?,
            ));
        }
        if is("Owner") {
            return read_blake2_concat(rest).map(StorageKey::Owner);
        }
        if is("OwnedHotkeys") {
            return read_blake2_concat(rest).map(StorageKey::OwnedHotkeys);
        }
        if is("Delegates") {
            return read_blake2_concat(rest).map(StorageKey::Delegates);
        }
        if is("IdentitiesV2") {
            return read_blake2_concat(rest).map(StorageKey::IdentitiesV2);
        }
        if is("RootClaimable") {
            return read_blake2_concat(rest).map(StorageKey::RootClaimable);
        }
        if is("RootClaimType") {
            return read_blake2_concat(rest).map(StorageKey::RootClaimType);
        }
        if is("RootClaimed") && rest.len() == 2 + 48 + 48 {
            return Some(StorageKey::RootClaimed(
                read_u16(&rest[..2])?,
                read_blake2_concat(&rest[2..50])?,
                read_blake2_concat(&rest[50..])?,
            ));
        }
        if is("PendingChildKeys") && rest.len() == 2 + 48 {
            return Some(StorageKey::PendingChildKeys(
                read_u16(&rest[..2])?,
                read_blake2_concat(&rest[2..])?,
            ));
        }
        // (hotkey, netuid) maps.
        let hotkey_netuid = || -> Option<(AccountId, u16)> {
            (rest.len() == 48 + 2)
                .then(|| Some((read_blake2_concat(&rest[..48])?, read_u16(&rest[48..])?)))?
        };
        if is("ChildKeys") {
            return hotkey_netuid().map(|(h, n)| StorageKey::ChildKeys(h, n));
        }
        if is("ParentKeys") {
            return hotkey_netuid().map(|(h, n)| StorageKey::ParentKeys(h, n));
        }
        if is("ChildkeyTake") {
            return hotkey_netuid().map(|(h, n)| StorageKey::ChildkeyTake(h, n));
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
        assert_eq!(
            hex::encode(StorageKey::SystemEvents.encode()),
            "26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7"
        );
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
            hex::encode(StorageKey::Subnet(SubnetItem::NetworksAdded, 1).encode()),
            "658faa385070e074c85bf6b568cf05550e30450fc4d507a846032a7fa65d9a430100"
        );
        assert_eq!(
            hex::encode(StorageKey::Subnet(SubnetItem::LastUpdate, 1).encode()),
            "658faa385070e074c85bf6b568cf0555696e262a16e52255a69d8acd793541460100"
        );
        // Twox64Concat, as the spec's §4.1 computes it.
        assert_eq!(
            hex::encode(StorageKey::Subnet(SubnetItem::MechanismCountCurrent, 1).encode()),
            "658faa385070e074c85bf6b568cf0555604fb97037feb8522bf37d42d54fa6e9f1577fbf1d628fdd0100"
        );
        assert_eq!(
            hex::encode(StorageKey::Keys(1, 0).encode()),
            "658faa385070e074c85bf6b568cf05559f99a2ce711f3a31b2fc05604c93f17901000000"
        );
        let mut keys = vec![
            StorageKey::Uids(1, bob),
            StorageKey::IsNetworkMember(bob, 3),
            StorageKey::Keys(3, 7),
            StorageKey::Owner(bob),
            StorageKey::OwnedHotkeys(bob),
            StorageKey::RootClaimable(bob),
            StorageKey::RootClaimed(2, bob, AccountId([5; 32])),
            StorageKey::RootClaimType(bob),
            StorageKey::ChildKeys(bob, 4),
            StorageKey::ParentKeys(bob, 4),
            StorageKey::ChildkeyTake(bob, 4),
            StorageKey::PendingChildKeys(4, bob),
        ];
        keys.extend(SubnetItem::ALL.map(|item| StorageKey::Subnet(item, 3)));
        keys.extend(PlainItem::ALL.map(StorageKey::Plain));
        keys.push(StorageKey::SystemEvents);
        for key in keys {
            assert_eq!(StorageKey::parse(&key.encode()), Some(key.clone()));
            let mut longer = key.encode();
            longer.push(0);
            assert_eq!(StorageKey::parse(&longer), None, "{key:?} with a byte more");
        }
        let mut forged = StorageKey::Subnet(SubnetItem::MechanismCountCurrent, 1).encode();
        forged[33] ^= 1;
        assert_eq!(StorageKey::parse(&forged), None);
        let key = StorageKey::SystemAccount(AccountId([1; 32]));
        assert_eq!(StorageKey::parse(&key.encode()), Some(key.clone()));
        let mut forged = key.encode();
        forged[40] ^= 1;
        assert_eq!(StorageKey::parse(&forged), None);
        assert_eq!(StorageKey::parse(&key.encode()[..60]), None);
    }
}
