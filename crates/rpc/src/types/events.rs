//! Events: what happened on chain, where in its block, and the filter for subscribing.

use super::encoding::{as_string, option_as_string};
use super::TxError;
use plexus_primitives::{AccountId, Balance, BlockNumber, NetUid, Uid, H256};
use plexus_runtime::{ChainParams, Hyperparameter, ProxyType, RootClaimType};
use serde::{Deserialize, Serialize};

/// Which events `chain_subscribeEvents` delivers; the empty filter delivers all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EventFilter {
    /// Only events naming one of these accounts.
    pub accounts: Vec<AccountId>,
    /// Only events of one of these subnets.
    pub netuids: Vec<NetUid>,
}

/// The events of one finalized block that passed a filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockEvents {
    /// The block's height.
    pub block_number: BlockNumber,
    /// The block's hash.
    pub block_hash: H256,
    /// The events, in block order.
    pub events: Vec<EventRecord>,
}

/// Where in its block an event happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", content = "index", rename_all = "snake_case")]
pub enum Phase {
    /// The per-block step before the transactions (emission, epochs).
    Initialization,
    /// The transaction at this index.
    Transaction(u32),
    /// The per-block step after the transactions (timelocked weights opened).
    Finalization,
}

/// An event with where it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    /// Where in the block.
    pub phase: Phase,
    /// What happened.
    pub event: Event,
}

/// One thing that happened on chain (the runtime's `Event` in the API's conventions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Event {
    /// A fee was paid and burned.
    FeePaid {
        who: AccountId,
        #[serde(with = "as_string")]
        fee: Balance,
    },
    /// The transaction's call succeeded.
    TransactionSucceeded { hash: H256 },
    /// The transaction's call failed; only its fee and nonce took effect.
    TransactionFailed { hash: H256, error: TxError },
    /// Balance moved between accounts.
    Transfer {
        from: AccountId,
        to: AccountId,
        #[serde(with = "as_string")]
        amount: Balance,
    },
    /// An account fell below the existential deposit and was removed; its dust was burned.
    AccountReaped {
        account: AccountId,
        #[serde(with = "as_string")]
        dust: Balance,
    },
    /// A subnet was registered.
    NetworkAdded {
        netuid: NetUid,
        owner: AccountId,
        #[serde(with = "as_string")]
        lock: Balance,
    },
    /// A subnet was pruned.
    NetworkRemoved {
        netuid: NetUid,
        #[serde(with = "as_string")]
        refunded: Balance,
        #[serde(with = "as_string")]
        burned: Balance,
    },
    /// The owner started emission.
    FirstEmissionBlockSet { netuid: NetUid, block: BlockNumber },
    /// The owner set the subnet's identity.
    SubnetIdentitySet { netuid: NetUid },
    /// A coldkey's identity was set or removed.
    IdentitySet { coldkey: AccountId },
    /// A hyperparameter changed.
    HyperparameterSet {
        netuid: NetUid,
        value: Hyperparameter,
    },
    /// Governance replaced the chain parameters.
    ChainParamsSet { params: ChainParams },
    /// Governance handed its key over (or gave it up).
    GovernanceKeyChanged { new: Option<AccountId> },
    /// A hotkey took a uid.
    NeuronRegistered {
        netuid: NetUid,
        uid: Uid,
        hotkey: AccountId,
        replaced: Option<AccountId>,
        #[serde(with = "as_string")]
        burned: Balance,
    },
    /// A neuron published its axon.
    AxonServed { netuid: NetUid, hotkey: AccountId },
    /// A neuron's weights were stored.
    WeightsSet { netuid: NetUid, uid: Uid },
    /// A weight commit was queued.
    WeightsCommitted {
        netuid: NetUid,
        hotkey: AccountId,
        hash: H256,
    },
    /// The chain opened a timelocked commitment field.
    TimelockedCommitmentRevealed {
        netuid: NetUid,
        hotkey: AccountId,
        reveal: plexus_runtime::Round,
    },
    /// A timelocked commitment field did not open and was removed.
    TimelockedCommitmentDropped {
        netuid: NetUid,
        hotkey: AccountId,
        reveal: plexus_runtime::Round,
    },
    /// A commit was revealed.
    WeightsRevealed {
        netuid: NetUid,
        hotkey: AccountId,
        hash: H256,
    },
    /// Weights were timelocked to a future consensus round.
    TimelockedWeightsCommitted {
        netuid: NetUid,
        hotkey: AccountId,
        reveal: plexus_runtime::Round,
    },
    /// The chain opened timelocked weights with their round's seed.
    TimelockedWeightsRevealed {
        netuid: NetUid,
        hotkey: AccountId,
        reveal: plexus_runtime::Round,
    },
    /// Timelocked weights that did not open or were refused; `reason` is an error kind name.
    TimelockedWeightsDropped {
        netuid: NetUid,
        hotkey: AccountId,
        reveal: plexus_runtime::Round,
        reason: String,
    },
    /// TAO was staked.
    StakeAdded {
        coldkey: AccountId,
        hotkey: AccountId,
        netuid: NetUid,
        #[serde(with = "as_string")]
        tao: Balance,
        #[serde(with = "as_string")]
        alpha: Balance,
    },
    /// Stake was sold for TAO.
    StakeRemoved {
        coldkey: AccountId,
        hotkey: AccountId,
        netuid: NetUid,
        #[serde(with = "as_string")]
        tao: Balance,
        #[serde(with = "as_string")]
        alpha: Balance,
    },
    /// Stake moved between hotkeys, subnets or coldkeys.
    StakeMoved {
        from_coldkey: AccountId,
        from_hotkey: AccountId,
        from_netuid: NetUid,
        to_coldkey: AccountId,
        to_hotkey: AccountId,
        to_netuid: NetUid,
        #[serde(with = "as_string")]
        alpha: Balance,
    },
    /// A hotkey's delegate take changed (of 65535).
    DelegateTakeSet { hotkey: AccountId, take: u16 },
    /// Root dividends were claimed: `alpha` of `netuid`, sold for `tao` staked on root, or
    /// kept as alpha when `tao` is absent.
    RootClaimed {
        coldkey: AccountId,
        hotkey: AccountId,
        netuid: NetUid,
        #[serde(with = "as_string")]
        alpha: Balance,
        #[serde(with = "option_as_string")]
        tao: Option<Balance>,
    },
    /// A parent asked for children (proportion of `u64::MAX`, child hotkey) on a subnet; they
    /// take effect at its first epoch after `cooldown_block`. Empty revokes.
    ChildrenScheduled {
        hotkey: AccountId,
        netuid: NetUid,
        children: Vec<(u64, AccountId)>,
        cooldown_block: BlockNumber,
    },
    /// A parent's children on a subnet took effect.
    ChildrenSet {
        hotkey: AccountId,
        netuid: NetUid,
        children: Vec<(u64, AccountId)>,
    },
    /// Pending children no longer fit the links when their cooldown ended and were dropped.
    ChildrenDropped {
        hotkey: AccountId,
        netuid: NetUid,
        error: TxError,
    },
    /// A child hotkey's take on a subnet changed (of 65535).
    ChildkeyTakeSet {
        hotkey: AccountId,
        netuid: NetUid,
        take: u16,
    },
    /// A subnet's token has a new symbol.
    SymbolUpdated { netuid: NetUid, symbol: String },
    /// An account gave a delegate a proxy (delay in blocks).
    ProxyAdded {
        real: AccountId,
        delegate: AccountId,
        proxy_type: ProxyType,
        delay: BlockNumber,
    },
    /// A proxy was removed.
    ProxyRemoved {
        real: AccountId,
        delegate: AccountId,
        proxy_type: ProxyType,
        delay: BlockNumber,
    },
    /// A delegate made a call for an account; `error` if it failed (its effects undone).
    ProxyExecuted {
        real: AccountId,
        delegate: AccountId,
        error: Option<TxError>,
    },
    /// A pure (keyless) account was created, with its spawner as its proxy.
    PureCreated {
        pure: AccountId,
        spawner: AccountId,
        proxy_type: ProxyType,
        index: u16,
    },
    /// A pure account was removed.
    PureKilled { pure: AccountId, spawner: AccountId },
    /// A delayed delegate announced a call by its hash.
    ProxyAnnounced {
        real: AccountId,
        delegate: AccountId,
        call_hash: H256,
    },
    /// A `batch` stopped at the call at `index`; those before it stay done.
    BatchInterrupted { index: u32, error: TxError },
    /// A call of a `force_batch` failed and was skipped.
    BatchItemFailed { index: u32, error: TxError },
    /// A batch ran to its end (`errors`: some `force_batch` calls failed).
    BatchCompleted { errors: bool },
    /// A consensus validator (its ed25519 key) was announced, or moved, by its owner.
    ValidatorAnnounced {
        key: H256,
        owner: AccountId,
        address: String,
    },
    /// A consensus validator was withdrawn by its owner.
    ValidatorRetired { key: H256 },
    /// Governance scheduled the committee of the consensus epochs to come.
    ValidatorsScheduled { count: u32 },
    /// A consensus epoch's committee was fixed, two epochs ahead.
    CommitteeFixed { epoch: u64, validators: u32 },
    /// A hotkey published a commitment on a subnet (`bonds_reset`: the bonds toward it were
    /// cleared).
    CommitmentSet {
        netuid: NetUid,
        hotkey: AccountId,
        bonds_reset: bool,
    },
    /// A coldkey moved a hotkey's holdings to a new hotkey, on one subnet or all.
    HotkeySwapped {
        coldkey: AccountId,
        old: AccountId,
        new: AccountId,
        netuid: Option<NetUid>,
    },
    /// A coldkey announced a swap to a new coldkey, possible from block `when`.
    ColdkeySwapAnnounced {
        coldkey: AccountId,
        new_coldkey_hash: H256,
        when: BlockNumber,
    },
    /// A coldkey disputed its swap and is frozen.
    ColdkeySwapDisputed { coldkey: AccountId },
    /// A coldkey's swap announcement was cleared.
    ColdkeySwapCleared { coldkey: AccountId },
    /// Everything a coldkey owned moved to a new coldkey.
    ColdkeySwapped { old: AccountId, new: AccountId },
    /// A coldkey chose what its root dividends become.
    RootClaimTypeSet {
        coldkey: AccountId,
        claim_type: RootClaimType,
    },
    /// A subnet's epoch ran and paid out.
    EpochRun {
        netuid: NetUid,
        epoch: u64,
        #[serde(with = "as_string")]
        emission: Balance,
    },
}
