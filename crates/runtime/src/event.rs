//! What happened in a block, for wallets, indexers and the explorer.

use crate::{ChainParams, DispatchError, Hyperparameter, Round};
use parity_scale_codec::{Decode, Encode};
use plexus_primitives::{AccountId, Balance, BlockNumber, NetUid, Uid, H256};
use serde::Serialize;

/// Where in the block an event happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// The per-block step before the transactions (price decay, epochs).
    Initialization,
    /// The transaction at this index.
    Transaction(u32),
    /// The per-block step after the transactions (timelocked weights opened).
    Finalization,
}

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A fee was paid and burned.
    FeePaid {
        /// Who paid.
        who: AccountId,
        /// How much.
        fee: Balance,
    },
    /// The transaction's call succeeded.
    TransactionSucceeded {
        /// Its hash.
        hash: H256,
    },
    /// The transaction's call failed; only its fee and nonce took effect.
    TransactionFailed {
        /// Its hash.
        hash: H256,
        /// Why.
        error: DispatchError,
    },
    /// Balance moved between accounts.
    Transfer {
        /// Sender.
        from: AccountId,
        /// Recipient.
        to: AccountId,
        /// Amount.
        amount: Balance,
    },
    /// An account fell below the existential deposit and was removed; its dust was burned.
    AccountReaped {
        /// The account.
        account: AccountId,
        /// Burned remainder.
        dust: Balance,
    },
    /// A subnet was registered.
    NetworkAdded {
        /// Its netuid.
        netuid: NetUid,
        /// Owner coldkey.
        owner: AccountId,
        /// TAO locked.
        lock: Balance,
    },
    /// A subnet was pruned to make room; its lock went back to its owner.
    NetworkRemoved {
        /// Its netuid.
        netuid: NetUid,
        /// TAO returned to the owner.
        refunded: Balance,
        /// TAO burned (the registration fees its pool held).
        burned: Balance,
    },
    /// The owner started emission.
    FirstEmissionBlockSet {
        /// The subnet.
        netuid: NetUid,
        /// First emitting block.
        block: BlockNumber,
    },
    /// The owner set the subnet's identity.
    SubnetIdentitySet {
        /// The subnet.
        netuid: NetUid,
    },
    /// A coldkey's identity was set or removed.
    IdentitySet {
        /// The coldkey.
        coldkey: AccountId,
    },
    /// A hyperparameter changed.
    HyperparameterSet {
        /// The subnet.
        netuid: NetUid,
        /// The new value.
        value: Hyperparameter,
    },
    /// Governance replaced the chain parameters.
    ChainParamsSet {
        /// The new parameters.
        params: ChainParams,
    },
    /// Governance handed its key to another account (or gave it up).
    GovernanceKeyChanged {
        /// The new governance account.
        new: Option<AccountId>,
    },
    /// A hotkey took a uid.
    NeuronRegistered {
        /// The subnet.
        netuid: NetUid,
        /// Its uid.
        uid: Uid,
        /// The hotkey.
        hotkey: AccountId,
        /// The hotkey it replaced, if the subnet was full.
        replaced: Option<AccountId>,
        /// Registration price paid.
        burned: Balance,
    },
    /// A neuron published its axon.
    AxonServed {
        /// The subnet.
        netuid: NetUid,
        /// The hotkey.
        hotkey: AccountId,
    },
    /// A neuron's weights were stored.
    WeightsSet {
        /// The subnet.
        netuid: NetUid,
        /// The neuron.
        uid: Uid,
    },
    /// A weight commit was queued.
    WeightsCommitted {
        /// The subnet.
        netuid: NetUid,
        /// The hotkey.
        hotkey: AccountId,
        /// The commit hash.
        hash: H256,
    },
    /// Weights were timelocked to a future consensus round.
    TimelockedWeightsCommitted {
        /// The subnet.
        netuid: NetUid,
        /// The hotkey.
        hotkey: AccountId,
        /// The round whose seed opens them.
        reveal: Round,
    },
    /// The chain opened timelocked weights with their round's seed and stored them.
    TimelockedWeightsRevealed {
        /// The subnet.
        netuid: NetUid,
        /// The hotkey.
        hotkey: AccountId,
        /// Their round.
        reveal: Round,
    },
    /// Timelocked weights that did not open, or opened to weights `set_weights` refuses;
    /// dropped.
    TimelockedWeightsDropped {
        /// The subnet.
        netuid: NetUid,
        /// The hotkey.
        hotkey: AccountId,
        /// Their round.
        reveal: Round,
        /// Why, as a stable error kind name.
        reason: String,
    },
    /// The chain opened a hotkey's timelocked commitment field with its round's seed.
    TimelockedCommitmentRevealed {
        /// The subnet.
        netuid: NetUid,
        /// The hotkey.
        hotkey: AccountId,
        /// Its round.
        reveal: Round,
    },
    /// A timelocked commitment field did not open; it was removed from the commitment.
    TimelockedCommitmentDropped {
        /// The subnet.
        netuid: NetUid,
        /// The hotkey.
        hotkey: AccountId,
        /// Its round.
        reveal: Round,
    },
    /// A commit was revealed and its weights stored.
    WeightsRevealed {
        /// The subnet.
        netuid: NetUid,
        /// The hotkey.
        hotkey: AccountId,
        /// The commit hash.
        hash: H256,
    },
    /// TAO was staked.
    StakeAdded {
        /// The staker.
        coldkey: AccountId,
        /// The hotkey staked through.
        hotkey: AccountId,
        /// The subnet.
        netuid: NetUid,
        /// TAO spent, fee included.
        tao: Balance,
        /// Alpha received.
        alpha: Balance,
    },
    /// Stake was sold for TAO.
    StakeRemoved {
        /// The staker.
        coldkey: AccountId,
        /// The hotkey.
        hotkey: AccountId,
        /// The subnet.
        netuid: NetUid,
        /// TAO received.
        tao: Balance,
        /// Alpha sold.
        alpha: Balance,
    },
    /// Stake moved between hotkeys, subnets or coldkeys.
    StakeMoved {
        /// Its owner before.
        from_coldkey: AccountId,
        /// The hotkey it was on.
        from_hotkey: AccountId,
        /// The subnet it was on.
        from_netuid: NetUid,
        /// Its owner now.
        to_coldkey: AccountId,
        /// The hotkey it is on now.
        to_hotkey: AccountId,
        /// The subnet it is on now.
        to_netuid: NetUid,
        /// Alpha now staked there.
        alpha: Balance,
    },
    /// A hotkey's delegate take changed.
    DelegateTakeSet {
        /// The hotkey.
        hotkey: AccountId,
        /// The new take (u16 proportion).
        take: u16,
    },
    /// A subnet's epoch ran and paid out its pending alpha.
    EpochRun {
        /// The subnet.
        netuid: NetUid,
        /// The epoch's index.
        epoch: u64,
        /// Alpha paid out (staked to owner, miners and validators).
        emission: Balance,
    },
    /// Root dividends were claimed, by the coldkey or by the block step.
    RootClaimed {
        /// The root staker.
        coldkey: AccountId,
        /// The hotkey it stakes through.
        hotkey: AccountId,
        /// The subnet the dividends came from.
        netuid: NetUid,
        /// Alpha claimed.
        alpha: Balance,
        /// The TAO it was sold for and staked on root; absent if kept as alpha.
        tao: Option<Balance>,
    },
    /// A parent asked for children on a subnet; they take effect at its first epoch after
    /// `cooldown_block`.
    ChildrenScheduled {
        /// The parent hotkey.
        hotkey: AccountId,
        /// The subnet.
        netuid: NetUid,
        /// (proportion of `u64::MAX`, child hotkey); empty revokes.
        children: Vec<(u64, AccountId)>,
        /// The end of the cooldown.
        cooldown_block: BlockNumber,
    },
    /// A parent's children on a subnet took effect.
    ChildrenSet {
        /// The parent hotkey.
        hotkey: AccountId,
        /// The subnet.
        netuid: NetUid,
        /// (proportion of `u64::MAX`, child hotkey).
        children: Vec<(u64, AccountId)>,
    },
    /// Pending children no longer fit the links when their cooldown ended and were dropped.
    ChildrenDropped {
        /// The parent hotkey.
        hotkey: AccountId,
        /// The subnet.
        netuid: NetUid,
        /// Why.
        error: DispatchError,
    },
    /// A child hotkey's take changed.
    ChildkeyTakeSet {
        /// The child hotkey.
        hotkey: AccountId,
        /// The subnet.
        netuid: NetUid,
        /// The take (u16 proportion).
        take: u16,
    },
    /// A subnet's token has a new symbol.
    SymbolUpdated {
        /// The subnet.
        netuid: NetUid,
        /// The symbol.
        symbol: String,
    },
    /// An account gave a delegate a proxy.
    ProxyAdded {
        /// The account.
        real: AccountId,
        /// Who may sign for it.
        delegate: AccountId,
        /// Which calls.
        proxy_type: crate::ProxyType,
        /// Announcement delay, blocks.
        delay: BlockNumber,
    },
    /// A proxy was removed.
    ProxyRemoved {
        /// The account.
        real: AccountId,
        /// Who could sign for it.
        delegate: AccountId,
        /// Which calls.
        proxy_type: crate::ProxyType,
        /// Its delay.
        delay: BlockNumber,
    },
    /// A delegate made a call for an account; `error` says why it failed (its effects undone).
    ProxyExecuted {
        /// The account.
        real: AccountId,
        /// The delegate.
        delegate: AccountId,
        /// Why the call failed, if it did.
        error: Option<DispatchError>,
    },
    /// A pure (keyless) account was created, with its spawner as its proxy.
    PureCreated {
        /// The new account.
        pure: AccountId,
        /// Who created it.
        spawner: AccountId,
        /// What the spawner may do for it.
        proxy_type: crate::ProxyType,
        /// Its index.
        index: u16,
    },
    /// A pure account was removed.
    PureKilled {
        /// The account.
        pure: AccountId,
        /// Who created it.
        spawner: AccountId,
    },
    /// A delayed delegate announced a call.
    ProxyAnnounced {
        /// The account.
        real: AccountId,
        /// The delegate.
        delegate: AccountId,
        /// The call's hash.
        call_hash: H256,
    },
    /// A `batch` stopped at a failing call; the calls before it stay done.
    BatchInterrupted {
        /// The failing call's position.
        index: u32,
        /// Why it failed.
        error: DispatchError,
    },
    /// A call of a `force_batch` failed and was skipped.
    BatchItemFailed {
        /// Its position.
        index: u32,
        /// Why it failed.
        error: DispatchError,
    },
    /// A batch ran to its end (`errors`: some `force_batch` calls failed).
    BatchCompleted {
        /// Whether any call failed.
        errors: bool,
    },
    /// A consensus validator was announced (or moved to a new address, for the committees fixed
    /// from then on) by its owner.
    ValidatorAnnounced {
        /// Its consensus key.
        key: crate::ValidatorId,
        /// The account that announced it.
        owner: AccountId,
        /// Where it listens.
        address: String,
    },
    /// A consensus validator was withdrawn by its owner.
    ValidatorRetired {
        /// Its consensus key.
        key: crate::ValidatorId,
    },
    /// Governance scheduled the committee of the consensus epochs to come.
    ValidatorsScheduled {
        /// How many validators.
        count: u32,
    },
    /// A consensus epoch's committee was fixed, two epochs ahead.
    CommitteeFixed {
        /// The epoch it serves from.
        epoch: u64,
        /// How many validators.
        validators: u32,
    },
    /// A hotkey published a commitment on a subnet (`bonds_reset`: the bonds toward it were
    /// cleared).
    CommitmentSet {
        /// The subnet.
        netuid: NetUid,
        /// The hotkey.
        hotkey: AccountId,
        /// Whether it cleared the bonds held toward its uid.
        bonds_reset: bool,
    },
    /// A coldkey moved a hotkey's holdings to a new hotkey, on one subnet or all.
    HotkeySwapped {
        /// The coldkey.
        coldkey: AccountId,
        /// The retired hotkey.
        old: AccountId,
        /// The hotkey in its place.
        new: AccountId,
        /// The one subnet, or all.
        netuid: Option<NetUid>,
    },
    /// A coldkey announced a swap to a new coldkey, possible from block `when`.
    ColdkeySwapAnnounced {
        /// The coldkey.
        coldkey: AccountId,
        /// BLAKE2b-256 of the new coldkey.
        new_coldkey_hash: H256,
        /// The first block the swap may be made in.
        when: BlockNumber,
    },
    /// A coldkey disputed its swap and is frozen.
    ColdkeySwapDisputed {
        /// The coldkey.
        coldkey: AccountId,
    },
    /// A coldkey's swap announcement was cleared (by it, or by governance).
    ColdkeySwapCleared {
        /// The coldkey.
        coldkey: AccountId,
    },
    /// Everything a coldkey owned moved to a new coldkey.
    ColdkeySwapped {
        /// The old coldkey.
        old: AccountId,
        /// The new one.
        new: AccountId,
    },
    /// A coldkey chose how its root dividends are claimed.
    RootClaimTypeSet {
        /// The coldkey.
        coldkey: AccountId,
        /// The choice.
        claim_type: crate::RootClaimType,
    },
}

impl Event {
    /// Every account the event names, for indexes of an account's history.
    pub fn accounts(&self) -> Vec<AccountId> {
        match self {
            Self::FeePaid { who, .. } => vec![*who],
            Self::ProxyAdded { real, delegate, .. }
            | Self::ProxyRemoved { real, delegate, .. }
            | Self::ProxyExecuted { real, delegate, .. }
            | Self::ProxyAnnounced { real, delegate, .. } => vec![*real, *delegate],
            Self::PureCreated { pure, spawner, .. } | Self::PureKilled { pure, spawner } => {
                vec![*pure, *spawner]
            }
            Self::BatchInterrupted { .. }
            | Self::BatchItemFailed { .. }
            | Self::BatchCompleted { .. }
            | Self::ValidatorRetired { .. }
            | Self::ValidatorsScheduled { .. }
            | Self::CommitteeFixed { .. } => Vec::new(),
            Self::ValidatorAnnounced { owner, .. } => vec![*owner],
            Self::CommitmentSet { hotkey, .. } => vec![*hotkey],
            Self::ColdkeySwapAnnounced { coldkey, .. }
            | Self::ColdkeySwapDisputed { coldkey }
            | Self::ColdkeySwapCleared { coldkey } => vec![*coldkey],
            Self::ColdkeySwapped { old, new } => vec![*old, *new],
            Self::HotkeySwapped {
                coldkey, old, new, ..
            } => vec![*coldkey, *old, *new],
            Self::Transfer { from, to, .. } => vec![*from, *to],
            Self::AccountReaped { account, .. } => vec![*account],
            Self::NetworkAdded { owner, .. } => vec![*owner],
            Self::GovernanceKeyChanged { new } => new.iter().copied().collect(),
            Self::NeuronRegistered {
                hotkey, replaced, ..
            } => std::iter::once(*hotkey).chain(*replaced).collect(),
            Self::AxonServed { hotkey, .. }
            | Self::WeightsCommitted { hotkey, .. }
            | Self::WeightsRevealed { hotkey, .. }
            | Self::TimelockedWeightsCommitted { hotkey, .. }
            | Self::TimelockedWeightsRevealed { hotkey, .. }
            | Self::TimelockedWeightsDropped { hotkey, .. }
            | Self::TimelockedCommitmentRevealed { hotkey, .. }
            | Self::TimelockedCommitmentDropped { hotkey, .. }
            | Self::DelegateTakeSet { hotkey, .. }
            | Self::ChildrenDropped { hotkey, .. }
            | Self::ChildkeyTakeSet { hotkey, .. } => vec![*hotkey],
            Self::ChildrenScheduled {
                hotkey, children, ..
            }
            | Self::ChildrenSet {
                hotkey, children, ..
            } => std::iter::once(*hotkey)
                .chain(children.iter().map(|(_, c)| *c))
                .collect(),
            Self::IdentitySet { coldkey } | Self::RootClaimTypeSet { coldkey, .. } => {
                vec![*coldkey]
            }
            Self::RootClaimed {
                coldkey, hotkey, ..
            } => vec![*coldkey, *hotkey],
            Self::StakeAdded {
                coldkey, hotkey, ..
            }
            | Self::StakeRemoved {
                coldkey, hotkey, ..
            } => vec![*coldkey, *hotkey],
            Self::StakeMoved {
                from_coldkey,
                from_hotkey,
                to_coldkey,
                to_hotkey,
                ..
            } => vec![*from_coldkey, *from_hotkey, *to_coldkey, *to_hotkey],
            Self::TransactionSucceeded { .. }
            | Self::TransactionFailed { .. }
            | Self::NetworkRemoved { .. }
            | Self::FirstEmissionBlockSet { .. }
            | Self::SubnetIdentitySet { .. }
            | Self::SymbolUpdated { .. }
            | Self::HyperparameterSet { .. }
            | Self::ChainParamsSet { .. }
            | Self::WeightsSet { .. }
            | Self::EpochRun { .. } => Vec::new(),
        }
    }

    /// Every subnet the event concerns, for filtering events by subnet.
    pub fn netuids(&self) -> Vec<NetUid> {
        match self {
            Self::NetworkAdded { netuid, .. }
            | Self::NetworkRemoved { netuid, .. }
            | Self::FirstEmissionBlockSet { netuid, .. }
            | Self::SubnetIdentitySet { netuid }
            | Self::HyperparameterSet { netuid, .. }
            | Self::NeuronRegistered { netuid, .. }
            | Self::AxonServed { netuid, .. }
            | Self::WeightsSet { netuid, .. }
            | Self::WeightsCommitted { netuid, .. }
            | Self::WeightsRevealed { netuid, .. }
            | Self::TimelockedWeightsCommitted { netuid, .. }
            | Self::TimelockedWeightsRevealed { netuid, .. }
            | Self::TimelockedWeightsDropped { netuid, .. }
            | Self::TimelockedCommitmentRevealed { netuid, .. }
            | Self::TimelockedCommitmentDropped { netuid, .. }
            | Self::StakeAdded { netuid, .. }
            | Self::StakeRemoved { netuid, .. }
            | Self::RootClaimed { netuid, .. }
            | Self::SymbolUpdated { netuid, .. }
            | Self::CommitmentSet { netuid, .. }
            | Self::ChildrenScheduled { netuid, .. }
            | Self::ChildrenSet { netuid, .. }
            | Self::ChildrenDropped { netuid, .. }
            | Self::ChildkeyTakeSet { netuid, .. }
            | Self::EpochRun { netuid, .. } => vec![*netuid],
            Self::StakeMoved {
                from_netuid,
                to_netuid,
                ..
            } => vec![*from_netuid, *to_netuid],
            Self::FeePaid { .. }
            | Self::TransactionSucceeded { .. }
            | Self::TransactionFailed { .. }
            | Self::Transfer { .. }
            | Self::AccountReaped { .. }
            | Self::ChainParamsSet { .. }
            | Self::GovernanceKeyChanged { .. }
            | Self::IdentitySet { .. }
            | Self::RootClaimTypeSet { .. }
            | Self::ProxyAdded { .. }
            | Self::ProxyRemoved { .. }
            | Self::ProxyExecuted { .. }
            | Self::ProxyAnnounced { .. }
            | Self::BatchInterrupted { .. }
            | Self::BatchItemFailed { .. }
            | Self::BatchCompleted { .. }
            | Self::ValidatorAnnounced { .. }
            | Self::ValidatorRetired { .. }
            | Self::ValidatorsScheduled { .. }
            | Self::CommitteeFixed { .. }
            | Self::ColdkeySwapAnnounced { .. }
            | Self::ColdkeySwapDisputed { .. }
            | Self::ColdkeySwapCleared { .. }
            | Self::ColdkeySwapped { .. }
            | Self::PureCreated { .. }
            | Self::PureKilled { .. }
            | Self::DelegateTakeSet { .. } => Vec::new(),
            Self::HotkeySwapped { netuid, .. } => netuid.iter().copied().collect(),
        }
    }
}
