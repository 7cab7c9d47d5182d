//! The chain state: typed, journaled, ordered maps, and the Merkle root that commits to them.
//!
//! Each map is one storage item, named like the reference chain's where one exists. The root
//! covers every entry of every map (see [`trie`]); it is updated from the entries a block
//! touched, so its cost follows the block, not the state's size.

mod map;
mod trie;

pub(crate) use map::{Map, Value};

use crate::types::{
    AlphaSupply, ChainIdentity, DelegateTake, EpochRecord, Globals, Neuron, PendingChildren,
    PendingEmission, RootClaimType, SharePool, Subnet, SystemInfo, TimelockedCommit, WeightCommit,
};
use crate::ErrorKind;
use crate::{ChainParams, HyperparameterKind, Hyperparameters};
use plexus_primitives::{
    blake2_256, blake2_256_parts, AccountId, Balance, BlockNumber, NetUid, Uid, H256,
};
use trie::Trie;

macro_rules! state {
    ($( $(#[$doc:meta])* $name:ident : $ty:ty, )*) => {
        /// The whole chain state after some block.
        #[derive(Default, Clone)]
        pub struct State {
            $( $(#[$doc])* pub(crate) $name: $ty, )*
            trie: Trie,
        }

        /// A point in the current block to roll the state back to.
        #[derive(Clone, Copy)]
        pub(crate) struct Mark { $( $name: usize, )* }

        impl State {
            pub(crate) fn mark(&self) -> Mark {
                Mark { $( $name: self.$name.mark(), )* }
            }

            pub(crate) fn rollback(&mut self, mark: Mark) {
                $( self.$name.rollback(mark.$name); )*
            }

            /// The root of the state as it is now. Folds the entries written since the last
            /// [`State::forget`] into the tree; after a rollback it brings the tree back too.
            pub(crate) fn root(&mut self) -> H256 {
                self.root_and_changes().0
            }

            /// The root, and every entry written since the last [`State::forget`] with its
            /// value now (`None`: removed): what a store writes to persist the block.
            pub(crate) fn root_and_changes(&mut self) -> (H256, Vec<StateChange>) {
                let mut changes = Vec::new();
                $(
                    for (key, value) in self.$name.touched() {
                        let leaf = leaf_key(stringify!($name), &key);
                        match &value {
                            Some(value) => self.trie.insert(leaf, blake2_256(value)),
                            None => self.trie.remove(&leaf),
                        }
                        changes.push(StateChange { item: stringify!($name), key, value });
                    }
                )*
                (self.trie.root(), changes)
            }

            /// Makes the writes so far permanent (call after [`State::root`]).
            pub(crate) fn forget(&mut self) {
                $( self.$name.forget(); )*
            }

            /// Every entry as `(item name, encoded key, encoded value)`, in a fixed order: what a
            /// store persists and [`State::from_entries`] reads back.
            pub fn entries(&self) -> impl Iterator<Item = (&'static str, Vec<u8>, Vec<u8>)> + '_ {
                std::iter::empty()
                    $( .chain(self.$name.encoded_entries().map(|(k, v)| (stringify!($name), k, v))) )*
            }

            /// Rebuilds a state from [`State::entries`], computing its root from nothing.
            pub fn from_entries<'a>(
                entries: impl IntoIterator<Item = (&'a str, &'a [u8], &'a [u8])>,
            ) -> Result<(Self, H256), StateDecodeError> {
                let mut state = Self::default();
                for (item, key, value) in entries {
                    let result = match item {
                        $( stringify!($name) => state.$name.insert_encoded(key, value), )*
                        other => return Err(StateDecodeError::UnknownItem(other.to_string())),
                    };
                    result.map_err(|e| StateDecodeError::Entry {
                        item: item.to_string(),
                        reason: e.to_string(),
                    })?;
                }
                let root = state.root();
                state.forget();
                Ok((state, root))
            }

            /// Number of entries in the state.
            pub fn entry_count(&self) -> usize {
                self.trie.len()
            }
        }
    };
}

/// One state entry a block wrote, encoded as in [`State::entries`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateChange {
    /// The storage item.
    pub item: &'static str,
    /// The encoded key.
    pub key: Vec<u8>,
    /// The encoded value after the block; `None` if the entry was removed.
    pub value: Option<Vec<u8>>,
}

/// Stored entries that do not make a state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateDecodeError {
    /// An item name this runtime does not have.
    #[error("unknown state item {0:?}")]
    UnknownItem(String),
    /// An entry that does not decode as its item's key and value.
    #[error("entry of {item} does not decode: {reason}")]
    Entry {
        /// The item.
        item: String,
        /// The decoder's complaint.
        reason: String,
    },
}

impl StateDecodeError {
    /// The error's stable kind, a name and number clients can match on (see [`ErrorKind`]).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::UnknownItem(_) => ErrorKind::new(0, "unknown_item"),
            Self::Entry { .. } => ErrorKind::new(1, "entry"),
        }
    }
}

fn leaf_key(item: &str, key: &[u8]) -> H256 {
    blake2_256_parts(&[item.as_bytes(), b":", key])
}

state! {
    /// Block number, timestamp and parent hash of the block being applied.
    system: Value<SystemInfo>,
    /// Issuance, governance key and the subnet-lock history.
    globals: Value<Globals>,
    /// Chain-wide parameters.
    params: Value<ChainParams>,
    /// Free balance of every account that holds at least the existential deposit.
    balances: Map<AccountId, Balance>,
    /// The next nonce of every account that ever signed a transaction; kept forever, so a
    /// transaction can never be replayed.
    nonces: Map<AccountId, u64>,
    /// Subnets by netuid.
    subnets: Map<NetUid, Subnet>,
    /// Each subnet's hyperparameters.
    hyperparams: Map<NetUid, Hyperparameters>,
    /// Block at which the owner last changed each hyperparameter (owner rate limit).
    hyperparam_last_set: Map<(NetUid, HyperparameterKind), u64>,
    /// Neurons by (netuid, uid).
    neurons: Map<(NetUid, Uid), Neuron>,
    /// The uid of each hotkey registered on a subnet.
    uids: Map<(NetUid, AccountId), Uid>,
    /// The coldkey that owns each hotkey.
    hotkey_owner: Map<AccountId, AccountId>,
    /// The hotkeys each coldkey owns, as (coldkey, hotkey).
    owned_hotkeys: Map<(AccountId, AccountId), ()>,
    /// Weight rows: (netuid, uid) → (dest uid, max-upscaled weight), in the caller's order.
    weights: Map<(NetUid, Uid), Vec<(u16, u16)>>,
    /// Bond rows: (netuid, uid) → (dest uid, bond).
    bonds: Map<(NetUid, Uid), Vec<(u16, u16)>>,
    /// Unrevealed hash commits of each hotkey on each subnet, oldest first.
    weight_commits: Map<(NetUid, AccountId), Vec<WeightCommit>>,
    /// Unopened timelocked commits of each hotkey on each subnet, by reveal view.
    timelocked_commits: Map<(NetUid, AccountId), Vec<TimelockedCommit>>,
    /// (reveal view, netuid, hotkey) of every timelocked commit: what a seed opens.
    timelock_due: Map<(crate::types::Round, NetUid, AccountId), ()>,
    /// Alpha staked through each hotkey on each subnet, as a share pool.
    hotkey_alpha: Map<(AccountId, NetUid), SharePool>,
    /// Shares of each (hotkey, subnet) pool held by each coldkey: (hotkey, netuid, coldkey).
    alpha_shares: Map<(AccountId, NetUid, AccountId), u128>,
    /// Delegate take each hotkey set (the default applies to the others).
    delegate_takes: Map<AccountId, DelegateTake>,
    /// Alpha emitted to each subnet and not yet paid out.
    pending_emission: Map<NetUid, PendingEmission>,
    /// Alpha minted and burned per subnet.
    alpha_supply: Map<NetUid, AlphaSupply>,
    /// Each subnet's pool of TAO and alpha.
    pools: Map<NetUid, crate::Pool>,
    /// The last epochs of each subnet, by (netuid, epoch index).
    epoch_history: Map<(NetUid, u64), EpochRecord>,
    /// The hashes of the last [`crate::extrinsic::BLOCK_HASH_COUNT`] blocks before the current
    /// one: a mortal Substrate extrinsic signs its birth block's.
    block_hashes: Map<BlockNumber, H256>,
    /// `IdentitiesV2`: coldkey → how it describes itself.
    identities: Map<AccountId, ChainIdentity>,
    /// All TAO staked on root (the reference's `SubnetTAO[0]`), kept so the per-block root
    /// proportion does not scan every stake.
    root_tao: Value<Balance>,
    /// `RootClaimable`: (hotkey, netuid) → alpha of `netuid` owed per rao of root stake through
    /// the hotkey, accumulated since genesis (U96F32 bits).
    root_claimable: Map<(AccountId, NetUid), u128>,
    /// `RootClaimed`: (netuid, hotkey, coldkey) → the part of `root_claimable × stake` already
    /// claimed or never owed (stake added after the dividends).
    root_claimed: Map<(NetUid, AccountId, AccountId), u128>,
    /// Alpha of each subnet paid to root stakers and not yet claimed.
    root_unclaimed: Map<NetUid, Balance>,
    /// Every (coldkey, hotkey) with root stake: whom root claims visit.
    root_stakers: Map<(AccountId, AccountId), ()>,
    /// How each coldkey takes its root dividends (default: swap to TAO).
    root_claim_types: Map<AccountId, RootClaimType>,
    /// The coldkey the automatic claims reached last; the next block continues after it.
    root_claim_cursor: Value<Option<AccountId>>,
    /// `ChildKeys`: (parent hotkey, netuid) → (proportion of `u64::MAX`, child hotkey).
    child_keys: Map<(AccountId, NetUid), Vec<(u64, AccountId)>>,
    /// `ParentKeys`: (child hotkey, netuid) → (proportion of `u64::MAX`, parent hotkey).
    parent_keys: Map<(AccountId, NetUid), Vec<(u64, AccountId)>>,
    /// `PendingChildKeys`: (netuid, parent hotkey) → children waiting for their cooldown.
    pending_children: Map<(NetUid, AccountId), PendingChildren>,
    /// Block of each parent's last `set_children` on each subnet (rate limit).
    children_set_at: Map<(AccountId, NetUid), BlockNumber>,
    /// Balance reserved as deposits (proxies, announcements), by account: not spendable, and
    /// returned when what it pays for is removed.
    reserved: Map<AccountId, Balance>,
    /// `Proxy.Proxies`: each real account's proxies.
    proxies: Map<AccountId, crate::proxy::Proxies>,
    /// `Proxy.Announcements`: each delegate's pending announcements.
    announcements: Map<AccountId, crate::proxy::Announcements>,
    /// `Commitments.CommitmentOf`: each hotkey's newest commitment on each subnet.
    commitments: Map<(NetUid, AccountId), crate::commitments::Commitment>,
    /// (reveal view, netuid, hotkey) of every commitment with a field sealed to that view.
    commitment_due: Map<(crate::types::Round, NetUid, AccountId), ()>,
    /// `Commitments.UsedSpaceOf`: space each hotkey used on each subnet this epoch.
    commitment_space: Map<(NetUid, AccountId), crate::commitments::CommitmentSpace>,
    /// `ColdkeySwapAnnouncements` and disputes: each coldkey's announced swap.
    coldkey_swaps: Map<AccountId, crate::types::ColdkeySwap>,
    /// Block of each coldkey's last hotkey swap (rate limit).
    hotkey_swapped_at: Map<AccountId, BlockNumber>,
    /// Block of each coldkey's last hotkey swap touching each subnet (a longer interval, per
    /// subnet), as (netuid, coldkey).
    hotkey_swapped_on: Map<(NetUid, AccountId), BlockNumber>,
    /// Hotkeys registered on root, by uid (at most `max_root_validators`), with the block each
    /// registered at.
    root_validators: Map<Uid, (AccountId, BlockNumber)>,
    /// `TokenSymbol`: each subnet's token symbol, from [`crate::SYMBOLS`].
    token_symbols: Map<NetUid, String>,
    /// `ChildkeyTake`: (child hotkey, netuid) → the share of parents' dividends it keeps, and
    /// when it last changed (increases are rate-limited).
    childkey_takes: Map<(AccountId, NetUid), DelegateTake>,
    /// Consensus validators announced on chain, by key.
    validators: Map<crate::ValidatorId, crate::types::ValidatorRecord>,
    /// The committee governance scheduled, fixed at the next consensus epoch's first block.
    validator_schedule: Value<Option<Vec<crate::ValidatorId>>>,
    /// Each consensus epoch's committee, from the epoch it starts at (see
    /// [`State::committee`]), with each validator's address.
    committees: Map<u64, Vec<(crate::ValidatorId, String)>>,
}
