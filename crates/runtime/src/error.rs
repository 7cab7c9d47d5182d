//! Why a transaction is invalid, why it failed, why a block is rejected; and the stable kinds
//! by which clients tell these reasons apart.
//!
//! An *invalid* transaction never enters a block: nothing is charged and the nonce is not used.
//! A *failed* one is in its block: its fee is paid and its nonce used, but its call changed
//! nothing else, and a [`Event::TransactionFailed`](crate::Event) names the reason.
//!
//! # Stable kinds
//! Every public error enum of the runtime ([`InvalidTransaction`], [`DispatchError`],
//! [`BlockError`], [`PoolError`], [`GenesisError`](crate::GenesisError),
//! [`StateDecodeError`](crate::StateDecodeError), [`SupplyError`](crate::SupplyError)) has a
//! `kind()`: an [`ErrorKind`] with a snake_case name and a number, written out per variant in
//! an explicit match (never derived from `Debug` or serde, so renaming a variant cannot change
//! it). They are public API, as the names of [`Call::name`](crate::Call::name) are: the RPC
//! reports them and clients match on them, while messages may be reworded. Within an enum,
//! names and numbers are unique and frozen (see [`ErrorKind`]); `tests/runtime/kinds.rs` lists
//! them all and fails on any change.

use crate::{HyperparameterKind, PoolError, Round};
use parity_scale_codec::{Decode, Encode};
use plexus_primitives::{AccountId, Balance, BlockNumber, NetUid, Uid, H256};
use serde::Serialize;
use std::fmt;

/// The stable identity of an error's reason: a snake_case name and a number, for clients to
/// match on instead of the message, which may be reworded.
///
/// The name is the variant's name in snake_case (`DispatchError::InsufficientBalance` is
/// `insufficient_balance`, `DispatchError::Swap(_)` is `swap`); numbers count from 0 in the
/// order the variants were declared. Both are public API, unique within the error's enum and
/// frozen: a variant keeps its kind when it is renamed or moved, a new variant takes the next
/// number, and a removed variant's name and number are never reused. Different enums may share
/// a name or a number, so a kind is read together with the enum it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorKind {
    code: u16,
    name: &'static str,
}

impl ErrorKind {
    pub(crate) const fn new(code: u16, name: &'static str) -> Self {
        Self { code, name }
    }

    /// The snake_case name, e.g. `insufficient_balance`.
    pub const fn name(self) -> &'static str {
        self.name
    }

    /// The number, unique within the error's enum.
    pub const fn code(self) -> u16 {
        self.code
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// A transaction that cannot be included in a block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum InvalidTransaction {
    /// Larger than the chain's limit.
    #[error("transaction is {size} bytes; the limit is {max}")]
    TooBig {
        /// Its encoded size.
        size: usize,
        /// The limit.
        max: u32,
    },
    /// Not a canonical encoding of a signed transaction.
    #[error("malformed transaction: {0}")]
    Malformed(String),
    /// The signature is not the signer's over this transaction.
    #[error("bad signature")]
    BadSignature,
    /// Signed for another chain.
    #[error("transaction is for chain {got}, this chain's genesis is {expected}")]
    WrongGenesis {
        /// This chain's genesis hash.
        expected: H256,
        /// The one in the transaction.
        got: H256,
    },
    /// The nonce was already used.
    #[error("nonce {got} already used; the account's next nonce is {expected}")]
    StaleNonce {
        /// The account's next nonce.
        expected: u64,
        /// The transaction's.
        got: u64,
    },
    /// The nonce is ahead of the account's; valid later, once the gap is filled.
    #[error("nonce {got} is in the future; the account's next nonce is {expected}")]
    FutureNonce {
        /// The account's next nonce.
        expected: u64,
        /// The transaction's.
        got: u64,
    },
    /// Its validity ended.
    #[error("transaction expired at block {valid_until}; this is block {block}")]
    Expired {
        /// Last block it was valid in.
        valid_until: BlockNumber,
        /// The current block.
        block: BlockNumber,
    },
    /// The signer cannot pay the fee.
    #[error("fee of {fee} rao exceeds the signer's balance of {balance} rao")]
    CannotPayFee {
        /// The fee.
        fee: Balance,
        /// The signer's free balance.
        balance: Balance,
    },
    /// A governance call not signed by the governance account.
    #[error("only the governance account may make this call")]
    NotGovernance,
    /// A fee-free call that would fail: free calls are accepted only when they succeed, so
    /// nobody can fill blocks with free failures.
    #[error("free call would fail: {0}")]
    FreeCallFails(DispatchError),
    /// A mortal Substrate extrinsic whose birth block this chain does not know: its era is over
    /// (or not begun), so what it signed cannot be checked.
    #[error("transaction has an ancient birth block ({birth})")]
    AncientBirthBlock {
        /// The birth block its era gives at this height.
        birth: BlockNumber,
    },
}

impl InvalidTransaction {
    /// The kind of [`Self::CannotPayFee`], for clients that match on it.
    pub const CANNOT_PAY_FEE: ErrorKind = ErrorKind::new(7, "cannot_pay_fee");

    /// The error's stable kind, a name and number clients can match on (see [`ErrorKind`]).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::TooBig { .. } => ErrorKind::new(0, "too_big"),
            Self::Malformed(_) => ErrorKind::new(1, "malformed"),
            Self::BadSignature => ErrorKind::new(2, "bad_signature"),
            Self::WrongGenesis { .. } => ErrorKind::new(3, "wrong_genesis"),
            Self::StaleNonce { .. } => ErrorKind::new(4, "stale_nonce"),
            Self::FutureNonce { .. } => ErrorKind::new(5, "future_nonce"),
            Self::Expired { .. } => ErrorKind::new(6, "expired"),
            Self::CannotPayFee { .. } => Self::CANNOT_PAY_FEE,
            Self::NotGovernance => ErrorKind::new(8, "not_governance"),
            Self::FreeCallFails(_) => ErrorKind::new(9, "free_call_fails"),
            Self::AncientBirthBlock { .. } => ErrorKind::new(10, "ancient_birth_block"),
        }
    }
}

/// Why a call failed inside its block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Encode, Decode, Serialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum DispatchError {
    /// Not enough free balance.
    #[error("insufficient balance: {needed} rao needed, {available} available")]
    InsufficientBalance {
        /// Amount the call needs.
        needed: Balance,
        /// Free balance.
        available: Balance,
    },
    /// A transfer would create an account below the existential deposit.
    #[error("amount {amount} is below the existential deposit of {minimum} rao")]
    BelowExistentialDeposit {
        /// Amount sent.
        amount: Balance,
        /// The existential deposit.
        minimum: Balance,
    },
    /// A keep-alive transfer would take the sender below the existential deposit.
    #[error("the transfer would leave the sender below the existential deposit")]
    KeepAlive,
    /// A total would overflow.
    #[error("arithmetic overflow")]
    Overflow,
    /// No subnet with this netuid.
    #[error("subnet {0} does not exist")]
    UnknownSubnet(NetUid),
    /// Only the subnet owner may do this.
    #[error("only the owner of subnet {0} may do this")]
    NotSubnetOwner(NetUid),
    /// A hyperparameter value outside its allowed range.
    #[error("{parameter:?} out of range: allowed {allowed}")]
    HyperparameterOutOfRange {
        /// The parameter.
        parameter: HyperparameterKind,
        /// What is allowed.
        allowed: String,
    },
    /// Only governance may set this hyperparameter.
    #[error("only governance may set {0:?}")]
    GovernanceOnly(HyperparameterKind),
    /// Alpha values while liquid alpha is off.
    #[error("liquid alpha is disabled on this subnet")]
    LiquidAlphaDisabled,
    /// Too soon since the last action of this kind.
    #[error("rate limited: allowed again at block {allowed_at}")]
    RateLimited {
        /// First block at which it is allowed.
        allowed_at: BlockNumber,
    },
    /// Owners may not change hyperparameters just before an epoch.
    #[error("hyperparameters are frozen until the epoch at block {allowed_at}")]
    FreezeWindow {
        /// First block at which it is allowed.
        allowed_at: BlockNumber,
    },
    /// No subnet slot free and none prunable.
    #[error("the subnet limit is reached and no subnet can be pruned")]
    SubnetLimitReached,
    /// The hotkey belongs to another coldkey.
    #[error("the hotkey is owned by another coldkey")]
    HotkeyOwnedByOther,
    /// `start_call` was already made.
    #[error("emission already starts at block {0}")]
    AlreadyStarted(BlockNumber),
    /// `start_call` too early.
    #[error("start_call allowed from block {allowed_at}")]
    StartCallTooEarly {
        /// First block at which it is allowed.
        allowed_at: BlockNumber,
    },
    /// An identity field is too long.
    #[error("identity field {field} is longer than {max} bytes")]
    InvalidIdentity {
        /// The field.
        field: String,
        /// Its limit.
        max: u32,
    },
    /// The subnet does not accept registrations.
    #[error("registration is closed on subnet {0}")]
    RegistrationDisabled(NetUid),
    /// The hotkey already has a uid on the subnet.
    #[error("hotkey is already registered on subnet {netuid} as uid {uid}")]
    AlreadyRegistered {
        /// The subnet.
        netuid: NetUid,
        /// Its uid.
        uid: Uid,
    },
    /// The subnet is full and every neuron is protected.
    #[error("subnet is full and no neuron can be replaced")]
    NoNeuronIdAvailable,
    /// The hotkey has no uid on the subnet.
    #[error("hotkey is not registered on subnet {0}")]
    NotRegistered(NetUid),
    /// `ip_type` other than 4 or 6.
    #[error("ip type {0} is neither 4 nor 6")]
    InvalidIpType(u8),
    /// An address that cannot be served (broadcast, loopback, out of range).
    #[error("invalid ip address")]
    InvalidIpAddress,
    /// Port 0.
    #[error("invalid port 0")]
    InvalidPort,
    /// `set_weights` while commit-reveal is on, or a commit while it is off.
    #[error("commit-reveal is {}on this subnet", if *.0 { "" } else { "not " })]
    CommitRevealMismatch(bool),
    /// `dests` and `weights` differ in length.
    #[error("{uids} uids but {weights} weights")]
    WeightsLengthMismatch {
        /// Number of uids.
        uids: u32,
        /// Number of weights.
        weights: u32,
    },
    /// More weights than neurons.
    #[error("{got} weights for a subnet of {n} neurons")]
    TooManyWeights {
        /// Weights given.
        got: u32,
        /// Neurons on the subnet.
        n: u16,
    },
    /// Stake weight below the chain's threshold.
    #[error("stake {stake} is below the threshold {threshold}")]
    NotEnoughStakeToSetWeights {
        /// The neuron's stake weight.
        stake: u64,
        /// The threshold.
        threshold: u64,
    },
    /// The weights version key is older than the subnet's.
    #[error("weights version {got} is older than the subnet's {expected}")]
    IncorrectWeightsVersion {
        /// The subnet's key.
        expected: u64,
        /// The caller's.
        got: u64,
    },
    /// Weights on others need a validator permit.
    #[error("no validator permit")]
    NoValidatorPermit,
    /// A uid appears twice.
    #[error("uid {0} appears more than once")]
    DuplicateUids(Uid),
    /// A uid with no neuron.
    #[error("uid {0} does not exist on the subnet")]
    UidNotFound(Uid),
    /// Fewer weights than the subnet's minimum.
    #[error("{got} weights; the subnet needs at least {min}")]
    NotEnoughWeights {
        /// Weights given.
        got: u32,
        /// The minimum.
        min: u16,
    },
    /// A weight above the subnet's maximum.
    #[error("a weight exceeds the subnet's max weight limit {0}")]
    MaxWeightExceeded(u16),
    /// Too many unrevealed commits.
    #[error("too many unrevealed commits")]
    TooManyUnrevealedCommits,
    /// No commit matches the reveal.
    #[error("no commit matches the revealed weights")]
    NoMatchingCommit,
    /// The matching commit cannot be revealed yet.
    #[error("reveal too early: allowed in epoch {epoch}")]
    RevealTooEarly {
        /// The epoch in which it can be revealed.
        epoch: u64,
    },
    /// The matching commit's reveal epoch passed.
    #[error("the commit expired")]
    CommitExpired,
    /// Less stake than the call moves.
    #[error("not enough stake: {needed} needed, {available} available")]
    NotEnoughStake {
        /// Amount the call moves.
        needed: Balance,
        /// Stake held.
        available: Balance,
    },
    /// The subnet's owner has not called `start_call`: no pool trading yet.
    #[error("subnet {0} has not started")]
    SubnetNotStarted(NetUid),
    /// The hotkey is not registered anywhere and owned by nobody.
    #[error("unknown hotkey")]
    HotkeyNotFound,
    /// A stake (or the TAO a partial unstake returns) below the chain's minimum.
    #[error("{amount} rao is below the minimum stake of {minimum}")]
    StakeBelowMinimum {
        /// The amount.
        amount: Balance,
        /// The minimum.
        minimum: Balance,
    },
    /// The subnet's pool refused the swap.
    #[error("swap refused: {0}")]
    Swap(PoolError),
    /// The signer does not own the hotkey.
    #[error("the signer does not own this hotkey")]
    NotHotkeyOwner,
    /// A take outside the allowed range, or not moving in the call's direction.
    #[error("take {take} not allowed: must be {allowed}")]
    InvalidTake {
        /// The take asked for.
        take: u16,
        /// What is allowed.
        allowed: String,
    },
    /// Chain parameters the chain could not run with.
    #[error("invalid chain parameters: {0}")]
    InvalidChainParams(String),
    /// Batch arguments of different lengths.
    #[error("batch arguments differ in length")]
    BatchLengthMismatch,
    /// The registration price is above the signer's limit.
    #[error("registration costs {price} rao, above the limit of {limit}")]
    RegistrationPriceAboveLimit {
        /// The current price.
        price: Balance,
        /// The signer's limit.
        limit: Balance,
    },
    /// A list of subnets that is empty or too long.
    #[error("{count} subnets given; 1 to {max} allowed")]
    InvalidSubnetCount {
        /// Subnets given.
        count: u32,
        /// The most allowed.
        max: u32,
    },
    /// More children than a parent may have on one subnet.
    #[error("{count} children; at most {max} allowed")]
    TooManyChildren {
        /// Children given.
        count: u32,
        /// The most allowed.
        max: u32,
    },
    /// Children's proportions that add up to more than the whole stake.
    #[error("children's proportions add up to more than 100%")]
    ProportionsOverflow,
    /// A hotkey named as its own child.
    #[error("a hotkey cannot be its own child")]
    ChildIsParent,
    /// A child named twice.
    #[error("child {0} appears more than once")]
    DuplicateChild(AccountId),
    /// A child that is already an ancestor of the parent on the subnet.
    #[error("child {0} is an ancestor of the parent: the links would form a cycle")]
    ChildCycle(AccountId),
    /// Child hotkeys and their takes are per subnet; root has none.
    #[error("child hotkeys are set per subnet, not on root")]
    NotOnRoot,
    /// A parent with less stake weight than the chain's threshold.
    #[error("stake weight {stake} is below the {required} needed to have children")]
    NotEnoughStakeForChildren {
        /// The parent's stake weight.
        stake: u64,
        /// The threshold.
        required: u64,
    },
    /// The same children are already waiting for their cooldown; asking again would only
    /// restart it.
    #[error("these children are already pending; they take effect after block {effective_after}")]
    ChildrenAlreadyPending {
        /// The end of the cooldown.
        effective_after: BlockNumber,
    },
    /// A symbol not in the table (root's Τ excluded).
    #[error("{0:?} is not one of the subnet token symbols")]
    UnknownSymbol(String),
    /// A symbol another subnet's token has.
    #[error("subnet {netuid} already uses this symbol")]
    SymbolInUse {
        /// The subnet using it.
        netuid: NetUid,
    },
    /// Root is full, and the hotkey has no more root stake than the member with least.
    #[error("root is full: a hotkey needs more than {lowest} rao of root stake to join (it has {stake})")]
    StakeTooLowForRoot {
        /// The hotkey's root stake.
        stake: Balance,
        /// The least root stake among the members.
        lowest: Balance,
    },
    /// A proxy for oneself.
    #[error("an account cannot be its own proxy")]
    NoSelfProxy,
    /// The same proxy twice.
    #[error("this proxy exists already")]
    DuplicateProxy,
    /// More proxies than an account may have.
    #[error("at most {max} proxies per account")]
    TooManyProxies {
        /// The most allowed.
        max: u32,
    },
    /// No such proxy.
    #[error("no such proxy")]
    ProxyNotFound,
    /// The signer is not a proxy of the account (of the type asked for).
    #[error("the signer is not a proxy of this account (of that type)")]
    NotProxy,
    /// A delayed proxy's call that was not announced, or whose delay has not passed.
    #[error("the proxy is delayed: announce the call and make it after the delay")]
    ProxyUnannounced,
    /// More announcements than a delegate may have pending.
    #[error("at most {max} announcements pending per delegate")]
    TooManyAnnouncements {
        /// The most allowed.
        max: u32,
    },
    /// No such announcement.
    #[error("no such announcement")]
    AnnouncementNotFound,
    /// A proxy of this type may not make this call.
    #[error("a {0:?} proxy may not make this call")]
    CallFiltered(crate::ProxyType),
    /// A call that may not be inside a batch or a proxy call (a batch, or governance).
    #[error("batches and governance calls cannot be nested in a batch or a proxy call")]
    NotNestable,
    /// More calls than a batch may hold.
    #[error("at most {max} calls per batch")]
    TooManyCalls {
        /// The most allowed.
        max: u32,
    },
    /// More fields than a commitment may have.
    #[error("at most {max} fields per commitment")]
    TooManyCommitmentFields {
        /// The most allowed.
        max: u32,
    },
    /// A commitment field longer than its kind allows.
    #[error("a commitment field is longer than {max} bytes")]
    CommitmentFieldTooLong {
        /// The most allowed.
        max: u32,
    },
    /// More commitment bytes this epoch than allowed.
    #[error("commitment space exceeded: {used} of {limit} bytes used this epoch")]
    CommitmentSpaceExceeded {
        /// Bytes used so far this epoch.
        used: u64,
        /// The limit.
        limit: u64,
    },
    /// A swap to the same hotkey.
    #[error("the new hotkey is the old one")]
    SameHotkey,
    /// A new hotkey that already holds stake or root dividends.
    #[error("the new hotkey already holds stake or root dividends; use a fresh one")]
    NewHotkeyNotClean,
    /// No coldkey swap is announced.
    #[error("no coldkey swap is announced")]
    NoColdkeySwap,
    /// The coldkey's swap is disputed: it is frozen until governance resets it.
    #[error("this coldkey's swap is disputed: it is frozen until governance resets it")]
    ColdkeySwapDisputed,
    /// The coldkey has a swap announced and may only make swap calls.
    #[error("this coldkey has a swap announced: it may only make, dispute or clear the swap")]
    ColdkeySwapPending,
    /// The coldkey given is not the one announced.
    #[error("that coldkey is not the one announced")]
    ColdkeySwapHashMismatch,
    /// The new coldkey already owns or holds something.
    #[error("the new coldkey already owns hotkeys, stake, proxies or deposits; use a fresh one")]
    NewColdkeyNotClean,
    /// The subnet lock cost is above the signer's limit.
    #[error("creating a subnet locks {lock} rao, above the limit of {limit}")]
    LockAboveLimit {
        /// The lock cost now.
        lock: Balance,
        /// The signer's limit.
        limit: Balance,
    },
    /// The chain has no group key, so nothing can be timelocked to its seeds.
    #[error("this chain has no validators' group key: timelocked weights are unavailable")]
    TimelockUnavailable,
    /// A timelocked commit on a subnet whose commits are hashes or off, or a hash commit or
    /// direct weights on a subnet whose commits are timelocked.
    #[error("timelocked weights are {}on this subnet", if *.0 { "" } else { "not " })]
    TimelockMismatch(bool),
    /// A timelocked commit whose reveal round is not after the block's, is at a view that may
    /// never reach the chain, or is too far ahead.
    #[error(
        "reveal round {reveal} must be after the block's ({round}), at a view from 1 to \
         {last_view}, and at most {max} views ahead"
    )]
    RevealRoundOutOfRange {
        /// The block's round.
        round: Round,
        /// The round asked for.
        reveal: Round,
        /// The last view of an epoch sure to reach the chain.
        last_view: u64,
        /// How far ahead a reveal may be, in views.
        max: u64,
    },
    /// A timelocked commit larger than the chain keeps.
    #[error("timelocked commit of {len} bytes; at most {max}")]
    TimelockedCommitTooLarge {
        /// Its size.
        len: u32,
        /// The limit.
        max: u32,
    },
    /// A validator address that is not `IP:port`, or too long.
    #[error("a validator's address must be IP:port, at most 64 bytes")]
    BadValidatorAddress,
    /// The proof is not the validator key's signature over the announcement.
    #[error("the proof is not this validator key's signature over the chain, signer and address")]
    BadValidatorProof,
    /// Another account announced this validator.
    #[error("another account announced this validator")]
    ValidatorTaken,
    /// No such validator was announced.
    #[error("no validator with this key was announced")]
    UnknownValidator,
    /// The chain keeps no more announced validators.
    #[error("the chain keeps at most {max} announced validators")]
    TooManyValidators {
        /// The limit.
        max: u32,
    },
    /// A committee that is empty or too large.
    #[error("a committee has 1 to {max} validators")]
    BadCommitteeSize {
        /// The limit.
        max: u32,
    },
    /// The same validator twice in one committee.
    #[error("a validator is listed twice")]
    DuplicateValidator,
    /// A chain that is one endless consensus epoch cannot change its committee.
    #[error("this chain has no consensus epochs: its validator set cannot change")]
    NoConsensusEpochs,
    /// As many timelocked commits are due at that round as one block opens.
    #[error("{0} already has as many timelocked commits as one block opens")]
    RevealRoundFull(Round),
    /// No root dividend owed reached the claim threshold.
    #[error("nothing to claim: no root dividend owed reaches {threshold} rao")]
    NothingToClaim {
        /// The chain's claim threshold.
        threshold: Balance,
    },
}

impl DispatchError {
    /// The kind of [`Self::RateLimited`], for clients that match on it.
    pub const RATE_LIMITED: ErrorKind = ErrorKind::new(9, "rate_limited");
    /// The kind of [`Self::RevealTooEarly`], for clients that match on it.
    pub const REVEAL_TOO_EARLY: ErrorKind = ErrorKind::new(35, "reveal_too_early");

    /// The error's stable kind, a name and number clients can match on (see [`ErrorKind`]).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InsufficientBalance { .. } => ErrorKind::new(0, "insufficient_balance"),
            Self::BelowExistentialDeposit { .. } => ErrorKind::new(1, "below_existential_deposit"),
            Self::KeepAlive => ErrorKind::new(2, "keep_alive"),
            Self::Overflow => ErrorKind::new(3, "overflow"),
            Self::UnknownSubnet(_) => ErrorKind::new(4, "unknown_subnet"),
            Self::NotSubnetOwner(_) => ErrorKind::new(5, "not_subnet_owner"),
            Self::HyperparameterOutOfRange { .. } => {
                ErrorKind::new(6, "hyperparameter_out_of_range")
            }
            Self::GovernanceOnly(_) => ErrorKind::new(7, "governance_only"),
            Self::LiquidAlphaDisabled => ErrorKind::new(8, "liquid_alpha_disabled"),
            Self::RateLimited { .. } => Self::RATE_LIMITED,
            Self::FreezeWindow { .. } => ErrorKind::new(10, "freeze_window"),
            Self::SubnetLimitReached => ErrorKind::new(11, "subnet_limit_reached"),
            Self::HotkeyOwnedByOther => ErrorKind::new(12, "hotkey_owned_by_other"),
            Self::AlreadyStarted(_) => ErrorKind::new(13, "already_started"),
            Self::StartCallTooEarly { .. } => ErrorKind::new(14, "start_call_too_early"),
            Self::InvalidIdentity { .. } => ErrorKind::new(15, "invalid_identity"),
            Self::RegistrationDisabled(_) => ErrorKind::new(16, "registration_disabled"),
            Self::AlreadyRegistered { .. } => ErrorKind::new(17, "already_registered"),
            Self::NoNeuronIdAvailable => ErrorKind::new(18, "no_neuron_id_available"),
            Self::NotRegistered(_) => ErrorKind::new(19, "not_registered"),
            Self::InvalidIpType(_) => ErrorKind::new(20, "invalid_ip_type"),
            Self::InvalidIpAddress => ErrorKind::new(21, "invalid_ip_address"),
            Self::InvalidPort => ErrorKind::new(22, "invalid_port"),
            Self::CommitRevealMismatch(_) => ErrorKind::new(23, "commit_reveal_mismatch"),
            Self::WeightsLengthMismatch { .. } => ErrorKind::new(24, "weights_length_mismatch"),
            Self::TooManyWeights { .. } => ErrorKind::new(25, "too_many_weights"),
            Self::NotEnoughStakeToSetWeights { .. } => {
                ErrorKind::new(26, "not_enough_stake_to_set_weights")
            }
            Self::IncorrectWeightsVersion { .. } => ErrorKind::new(27, "incorrect_weights_version"),
            Self::NoValidatorPermit => ErrorKind::new(28, "no_validator_permit"),
            Self::DuplicateUids(_) => ErrorKind::new(29, "duplicate_uids"),
            Self::UidNotFound(_) => ErrorKind::new(30, "uid_not_found"),
            Self::NotEnoughWeights { .. } => ErrorKind::new(31, "not_enough_weights"),
            Self::MaxWeightExceeded(_) => ErrorKind::new(32, "max_weight_exceeded"),
            Self::TooManyUnrevealedCommits => ErrorKind::new(33, "too_many_unrevealed_commits"),
            Self::NoMatchingCommit => ErrorKind::new(34, "no_matching_commit"),
            Self::RevealTooEarly { .. } => Self::REVEAL_TOO_EARLY,
            Self::CommitExpired => ErrorKind::new(36, "commit_expired"),
            Self::NotEnoughStake { .. } => ErrorKind::new(37, "not_enough_stake"),
            Self::SubnetNotStarted(_) => ErrorKind::new(38, "subnet_not_started"),
            Self::HotkeyNotFound => ErrorKind::new(39, "hotkey_not_found"),
            Self::StakeBelowMinimum { .. } => ErrorKind::new(40, "stake_below_minimum"),
            Self::Swap(_) => ErrorKind::new(41, "swap"),
            Self::NotHotkeyOwner => ErrorKind::new(42, "not_hotkey_owner"),
            Self::InvalidTake { .. } => ErrorKind::new(43, "invalid_take"),
            Self::InvalidChainParams(_) => ErrorKind::new(44, "invalid_chain_params"),
            Self::BatchLengthMismatch => ErrorKind::new(45, "batch_length_mismatch"),
            Self::RegistrationPriceAboveLimit { .. } => {
                ErrorKind::new(46, "registration_price_above_limit")
            }
            Self::InvalidSubnetCount { .. } => ErrorKind::new(47, "invalid_subnet_count"),
            Self::NothingToClaim { .. } => ErrorKind::new(48, "nothing_to_claim"),
            Self::TooManyChildren { .. } => ErrorKind::new(49, "too_many_children"),
            Self::ProportionsOverflow => ErrorKind::new(50, "proportions_overflow"),
            Self::ChildIsParent => ErrorKind::new(51, "child_is_parent"),
            Self::DuplicateChild(_) => ErrorKind::new(52, "duplicate_child"),
            Self::ChildCycle(_) => ErrorKind::new(53, "child_cycle"),
            Self::NotOnRoot => ErrorKind::new(54, "not_on_root"),
            Self::NotEnoughStakeForChildren { .. } => {
                ErrorKind::new(55, "not_enough_stake_for_children")
            }
            Self::ChildrenAlreadyPending { .. } => ErrorKind::new(56, "children_already_pending"),
            Self::UnknownSymbol(_) => ErrorKind::new(57, "unknown_symbol"),
            Self::SymbolInUse { .. } => ErrorKind::new(58, "symbol_in_use"),
            Self::StakeTooLowForRoot { .. } => ErrorKind::new(59, "stake_too_low_for_root"),
            Self::NoSelfProxy => ErrorKind::new(60, "no_self_proxy"),
            Self::DuplicateProxy => ErrorKind::new(61, "duplicate_proxy"),
            Self::TooManyProxies { .. } => ErrorKind::new(62, "too_many_proxies"),
            Self::ProxyNotFound => ErrorKind::new(63, "proxy_not_found"),
            Self::NotProxy => ErrorKind::new(64, "not_proxy"),
            Self::ProxyUnannounced => ErrorKind::new(65, "proxy_unannounced"),
            Self::TooManyAnnouncements { .. } => ErrorKind::new(66, "too_many_announcements"),
            Self::AnnouncementNotFound => ErrorKind::new(67, "announcement_not_found"),
            Self::CallFiltered(_) => ErrorKind::new(68, "call_filtered"),
            Self::NotNestable => ErrorKind::new(69, "not_nestable"),
            Self::TooManyCalls { .. } => ErrorKind::new(70, "too_many_calls"),
            Self::TooManyCommitmentFields { .. } => {
                ErrorKind::new(71, "too_many_commitment_fields")
            }
            Self::CommitmentFieldTooLong { .. } => ErrorKind::new(72, "commitment_field_too_long"),
            Self::SameHotkey => ErrorKind::new(74, "same_hotkey"),
            Self::NewHotkeyNotClean => ErrorKind::new(75, "new_hotkey_not_clean"),
            Self::NoColdkeySwap => ErrorKind::new(76, "no_coldkey_swap"),
            Self::ColdkeySwapDisputed => ErrorKind::new(77, "coldkey_swap_disputed"),
            Self::ColdkeySwapPending => ErrorKind::new(78, "coldkey_swap_pending"),
            Self::ColdkeySwapHashMismatch => ErrorKind::new(79, "coldkey_swap_hash_mismatch"),
            Self::NewColdkeyNotClean => ErrorKind::new(80, "new_coldkey_not_clean"),
            Self::LockAboveLimit { .. } => ErrorKind::new(81, "lock_above_limit"),
            Self::TimelockUnavailable => ErrorKind::new(82, "timelock_unavailable"),
            Self::TimelockMismatch(_) => ErrorKind::new(83, "timelock_mismatch"),
            Self::RevealRoundOutOfRange { .. } => ErrorKind::new(84, "reveal_round_out_of_range"),
            Self::TimelockedCommitTooLarge { .. } => {
                ErrorKind::new(85, "timelocked_commit_too_large")
            }
            Self::RevealRoundFull(_) => ErrorKind::new(86, "reveal_round_full"),
            Self::BadValidatorAddress => ErrorKind::new(87, "bad_validator_address"),
            Self::BadValidatorProof => ErrorKind::new(88, "bad_validator_proof"),
            Self::ValidatorTaken => ErrorKind::new(89, "validator_taken"),
            Self::UnknownValidator => ErrorKind::new(90, "unknown_validator"),
            Self::TooManyValidators { .. } => ErrorKind::new(91, "too_many_validators"),
            Self::BadCommitteeSize { .. } => ErrorKind::new(92, "bad_committee_size"),
            Self::DuplicateValidator => ErrorKind::new(93, "duplicate_validator"),
            Self::NoConsensusEpochs => ErrorKind::new(94, "no_consensus_epochs"),
            Self::CommitmentSpaceExceeded { .. } => ErrorKind::new(73, "commitment_space_exceeded"),
        }
    }
}

impl From<PoolError> for DispatchError {
    fn from(e: PoolError) -> Self {
        Self::Swap(e)
    }
}

/// Why a block is rejected; a rejected block leaves the state untouched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlockError {
    /// Not the next height.
    #[error("block {got} does not follow block {head}")]
    WrongHeight {
        /// The current head.
        head: BlockNumber,
        /// The block's height.
        got: BlockNumber,
    },
    /// Parent hash is not the head's hash.
    #[error("parent {got} is not the head {expected}")]
    WrongParent {
        /// The head's hash.
        expected: H256,
        /// The block's parent hash.
        got: H256,
    },
    /// Timestamp not after the parent's.
    #[error("timestamp {got} is not after the parent's {parent}")]
    TimestampNotIncreasing {
        /// The parent's timestamp.
        parent: u64,
        /// The block's.
        got: u64,
    },
    /// A block whose parent's view is not the one consensus started its round from.
    #[error("the parent's view in this block's epoch is {expected}, not {got}")]
    WrongParentView {
        /// The head's view in the block's epoch.
        expected: u64,
        /// The view the block names.
        got: u64,
    },
    /// A consensus payload larger than a block may carry.
    #[error("a consensus payload of {len} bytes; a block carries at most {max}")]
    ConsensusTooLarge {
        /// Its size.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A consensus payload the header does not commit to.
    #[error("the consensus payload does not match the header's consensus root")]
    ConsensusRootMismatch,
    /// A block whose consensus epoch is not its height's.
    #[error("a block at this height is in consensus epoch {expected}, not {got}")]
    WrongEpoch {
        /// Its height's epoch.
        expected: u64,
        /// The epoch it names.
        got: u64,
    },
    /// A consensus view not after the parent's.
    #[error("view {got} is not after the parent's {parent}")]
    ViewNotIncreasing {
        /// The parent's view.
        parent: u64,
        /// The block's.
        got: u64,
    },
    /// Not exactly one seed for each view from the parent's up to the block's own.
    #[error("the block must carry the seeds of views {first}..{end} in order ({got} given)")]
    WrongSeeds {
        /// The first view it must carry.
        first: u64,
        /// The block's own view (not carried).
        end: u64,
        /// How many seeds it carries.
        got: usize,
    },
    /// A seed that is not the group's signature over its view.
    #[error("the seed for view {view} is not the validators' group signature")]
    BadSeed {
        /// Its view.
        view: u64,
    },
    /// More transactions than a block may hold.
    #[error("{got} transactions; a block holds at most {max}")]
    TooManyTransactions {
        /// Transactions in the block.
        got: usize,
        /// The limit.
        max: u32,
    },
    /// The header's transactions root does not match the transactions.
    #[error("transactions root does not match the block's transactions")]
    TransactionsRootMismatch,
    /// A transaction in the block is invalid.
    #[error("transaction {index} is invalid: {error}")]
    InvalidTransaction {
        /// Its position.
        index: usize,
        /// Why.
        error: InvalidTransaction,
    },
    /// The state root after applying differs from the header's.
    #[error("state root {computed} differs from the header's {expected}")]
    StateRootMismatch {
        /// The header's.
        expected: H256,
        /// The one computed.
        computed: H256,
    },
}

impl BlockError {
    /// The error's stable kind, a name and number clients can match on (see [`ErrorKind`]).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::WrongHeight { .. } => ErrorKind::new(0, "wrong_height"),
            Self::WrongParent { .. } => ErrorKind::new(1, "wrong_parent"),
            Self::TimestampNotIncreasing { .. } => ErrorKind::new(2, "timestamp_not_increasing"),
            Self::TooManyTransactions { .. } => ErrorKind::new(3, "too_many_transactions"),
            Self::TransactionsRootMismatch => ErrorKind::new(4, "transactions_root_mismatch"),
            Self::InvalidTransaction { .. } => ErrorKind::new(5, "invalid_transaction"),
            Self::StateRootMismatch { .. } => ErrorKind::new(6, "state_root_mismatch"),
            Self::ViewNotIncreasing { .. } => ErrorKind::new(7, "view_not_increasing"),
            Self::WrongSeeds { .. } => ErrorKind::new(8, "wrong_seeds"),
            Self::BadSeed { .. } => ErrorKind::new(9, "bad_seed"),
            Self::WrongEpoch { .. } => ErrorKind::new(10, "wrong_epoch"),
            Self::WrongParentView { .. } => ErrorKind::new(11, "wrong_parent_view"),
            Self::ConsensusTooLarge { .. } => ErrorKind::new(12, "consensus_too_large"),
            Self::ConsensusRootMismatch => ErrorKind::new(13, "consensus_root_mismatch"),
        }
    }
}
