//! Why a transaction is invalid, why it failed, why a block is rejected.
//!
//! An *invalid* transaction never enters a block: nothing is charged and the nonce is not used.
//! A *failed* one is in its block: its fee is paid and its nonce used, but its call changed
//! nothing else, and a [`Event::TransactionFailed`](crate::Event) names the reason.

use crate::{HyperparameterKind, PoolError};
use parity_scale_codec::{Decode, Encode};
use plexus_primitives::{Balance, BlockNumber, NetUid, Uid, H256};
use serde::Serialize;

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
