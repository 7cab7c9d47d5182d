//! The values stored under the keys this chain answers, read from Plexus's state, and the keys
//! the clients can list.

use crate::storage::{PlainItem, StorageKey, SubnetItem};
use crate::types::{AccountData, AccountId32, AccountInfo};
use parity_scale_codec::Encode;
use plexus_primitives::NetUid;
use plexus_runtime::State;

/// `SubnetEpochConsensus`'s value: Plexus runs Yuma on every subnet.
#[derive(Encode, scale_info::TypeInfo)]
#[allow(dead_code)]
pub(crate) enum EpochConsensus {
    #[codec(index = 0)]
    Yuma,
    #[codec(index = 1)]
    Null,
}

/// The value of a netuid-keyed item for an existing subnet, SCALE.
fn subnet_value(state: &State, item: SubnetItem, netuid: NetUid) -> Option<Vec<u8>> {
    let subnet = state.subnet(netuid)?;
    let h = state.hyperparameters(netuid)?;
    let uids = || (0..subnet.n).filter_map(|uid| state.neuron(netuid, uid));
    Some(match item {
        SubnetItem::NetworksAdded => true.encode(),
        SubnetItem::Tempo => h.tempo.encode(),
        SubnetItem::WeightsSetRateLimit => h.weights_rate_limit.encode(),
        SubnetItem::LastUpdate => uids().map(|n| n.last_update).collect::<Vec<u64>>().encode(),
        SubnetItem::Burn => subnet.burn.encode(),
        SubnetItem::SubnetworkN => subnet.n.encode(),
        SubnetItem::CommitRevealWeightsEnabled | SubnetItem::GetCommitRevealWeightsEnabled => {
            h.commit_reveal.encode()
        }
        SubnetItem::RevealPeriodEpochs | SubnetItem::GetCommitRevealPeriod => {
            h.reveal_period_epochs.encode()
        }
        SubnetItem::MinAllowedWeights => h.min_allowed_weights.encode(),
        SubnetItem::MaxWeightsLimit => h.max_weight_limit.encode(),
        SubnetItem::WeightsVersionKey => h.weights_version_key.encode(),
        SubnetItem::ValidatorPermit => uids()
            .map(|n| n.validator_permit)
            .collect::<Vec<bool>>()
            .encode(),
        SubnetItem::MechanismCountCurrent => 1u8.encode(),
        SubnetItem::SubnetOwner => AccountId32::from(subnet.owner_coldkey).encode(),
        SubnetItem::SubnetOwnerHotkey => AccountId32::from(subnet.owner_hotkey).encode(),
        SubnetItem::FirstEmissionBlockNumber => subnet.first_emission_block?.encode(),
        SubnetItem::BlocksSinceLastStep => state
            .block()
            .saturating_sub(subnet.last_epoch_block)
            .encode(),
        SubnetItem::SubnetEpochConsensus => EpochConsensus::Yuma.encode(),
        SubnetItem::CollateralLockShare => 0u16.encode(),
        SubnetItem::TokenSymbol => state.token_symbol(netuid).into_bytes().encode(),
    })
}

/// The value stored under `key` in `state`, SCALE; `None` when nothing is (the client then
/// takes the metadata's default, or `None` for an optional item).
pub fn read(state: &State, key: &[u8]) -> Option<Vec<u8>> {
    match StorageKey::parse(key)? {
        StorageKey::SystemAccount(account) => {
            let (free, nonce) = (state.balance(&account), state.nonce(&account));
            let exists = free > 0 || nonce > 0;
            exists.then(|| {
                AccountInfo {
                    nonce: u32::try_from(nonce).unwrap_or(u32::MAX),
                    providers: 1,
                    data: AccountData {
                        free,
                        ..Default::default()
                    },
                    ..Default::default()
                }
                .encode()
            })
        }
        // A block's events are kept beside its state, not in it: the caller reads them.
        StorageKey::SystemEvents => None,
        StorageKey::Subnet(item, netuid) => subnet_value(state, item, netuid),
        StorageKey::Plain(item) => Some(match item {
            PlainItem::TotalNetworks => u16::try_from(state.subnets().count())
                .unwrap_or(u16::MAX)
                .encode(),
            PlainItem::TotalIssuance => state.total_issuance().encode(),
            PlainItem::CommitRevealWeightsVersion => 4u16.encode(),
            PlainItem::UnlockRate | PlainItem::MaturityRate => 0u64.encode(),
        }),
        StorageKey::Uids(netuid, hotkey) => state.uid(netuid, &hotkey).map(|uid| uid.encode()),
        StorageKey::IsNetworkMember(hotkey, netuid) => {
            state.uid(netuid, &hotkey).map(|_| true.encode())
        }
        StorageKey::Keys(netuid, uid) => state
            .neuron(netuid, uid)
            .map(|n| AccountId32::from(n.hotkey).encode()),
        StorageKey::Owner(hotkey) => state
            .hotkey_owner(&hotkey)
            .map(|coldkey| AccountId32::from(coldkey).encode()),
        StorageKey::IdentitiesV2(coldkey) => {
            crate::api::coldkey_identity(state, coldkey.into()).map(|identity| identity.encode())
        }
        StorageKey::RootClaimable(hotkey) => {
            let rates = state.root_claimable_rates(&hotkey);
            (!rates.is_empty()).then(|| {
                rates
                    .into_iter()
                    .map(|(netuid, bits)| (netuid, i128::try_from(bits).unwrap_or(i128::MAX)))
                    .collect::<std::collections::BTreeMap<u16, i128>>()
                    .encode()
            })
        }
        StorageKey::RootClaimed(netuid, hotkey, coldkey) => {
            let claimed = state.root_claimed(netuid, &hotkey, &coldkey);
            (claimed > 0).then(|| claimed.encode())
        }
        StorageKey::RootClaimType(coldkey) => Some(state.root_claim_type(&coldkey).encode()),
        StorageKey::ChildKeys(hotkey, netuid) => links(state.children(&hotkey, netuid)),
        StorageKey::ParentKeys(hotkey, netuid) => links(state.parents(&hotkey, netuid)),
        StorageKey::ChildkeyTake(hotkey, netuid) => {
            let take = state.childkey_take(&hotkey, netuid);
            (take > 0).then(|| take.encode())
        }
        StorageKey::PendingChildKeys(netuid, hotkey) => {
            state.pending_children(&hotkey, netuid).map(|pending| {
                let children: Vec<(u64, AccountId32)> = pending
                    .children
                    .into_iter()
                    .map(|(p, c)| (p, AccountId32::from(c)))
                    .collect();
                (children, pending.cooldown_block).encode()
            })
        }
        StorageKey::Delegates(hotkey) => state
            .hotkey_owner(&hotkey)
            .map(|_| state.delegate_take(&hotkey).encode()),
        StorageKey::OwnedHotkeys(coldkey) => {
            let owned = state.owned_hotkeys(&coldkey);
            (!owned.is_empty()).then(|| {
                owned
                    .into_iter()
                    .map(AccountId32::from)
                    .collect::<Vec<_>>()
                    .encode()
            })
        }
    }
}

/// A `ChildKeys` or `ParentKeys` value; none when there are no links (the default).
fn links(links: Vec<(u64, plexus_primitives::AccountId)>) -> Option<Vec<u8>> {
    (!links.is_empty()).then(|| {
        links
            .into_iter()
            .map(|(p, a)| (p, AccountId32::from(a)))
            .collect::<Vec<_>>()
            .encode()
    })
}

/// Every key with a value that the clients can list (`state_getKeysPaged`), ascending: the
/// subnets' items, their registrations and the hotkeys' owners and takes. Accounts are read one by one.
pub fn keys(state: &State) -> Vec<Vec<u8>> {
    let mut keys = Vec::new();
    for (netuid, subnet) in state.subnets() {
        for item in SubnetItem::ALL {
            if subnet_value(state, item, netuid).is_some() {
                keys.push(StorageKey::Subnet(item, netuid).encode());
            }
        }
        for uid in 0..subnet.n {
            if let Some(neuron) = state.neuron(netuid, uid) {
                keys.push(StorageKey::Uids(netuid, neuron.hotkey).encode());
                keys.push(StorageKey::IsNetworkMember(neuron.hotkey, netuid).encode());
                keys.push(StorageKey::Keys(netuid, uid).encode());
            }
        }
    }
    for (hotkey, _) in state.hotkeys() {
        keys.push(StorageKey::Owner(hotkey).encode());
        keys.push(StorageKey::Delegates(hotkey).encode());
    }
    keys.sort_unstable();
    keys
}
