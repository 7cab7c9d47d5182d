//! The API's JSON shapes, shared by the server (which serializes them) and the client (which
//! deserializes them).
//!
//! Conventions: hashes are `0x`-hex, accounts SS58 addresses, amounts in rao (TAO or alpha) are
//! decimal strings (a `u64` of rao does not fit a JavaScript number), block numbers, uids and
//! u16 proportions (parts of 65535) are plain numbers. Prices are given in rao per whole alpha
//! (10^9 is one TAO per alpha), rounded down. Fields are `snake_case`.
//!
//! These types are the RPC format; they mirror the runtime's records instead of reusing them
//! so that a change in the runtime cannot change the API without a change here.

use plexus_primitives::{AccountId, Balance, BlockNumber, NetUid, Uid, H256};
use plexus_runtime::{ChainParams, Hyperparameter, Hyperparameters};
use serde::{Deserialize, Serialize};

/// `u64`/`u128` amounts as decimal strings.
pub(crate) mod as_string {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};
    use std::{fmt::Display, str::FromStr};

    pub(crate) fn serialize<T: Display, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub(crate) fn deserialize<'de, T, D>(d: D) -> Result<T, D::Error>
    where
        T: FromStr,
        T::Err: Display,
        D: Deserializer<'de>,
    {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.parse().map_err(D::Error::custom)
    }
}

/// Bytes as `0x`-hex.
pub(crate) mod as_hex {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("0x{}", hex::encode(v)))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        let digits = text
            .strip_prefix("0x")
            .ok_or_else(|| D::Error::custom("hex must start with 0x"))?;
        hex::decode(digits).map_err(D::Error::custom)
    }
}

/// Bytes that travel as `0x`-hex: a SCALE-encoded signed transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct HexBytes(#[serde(with = "as_hex")] pub Vec<u8>);

/// An amount of rao as a parameter: a decimal string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Rao(#[serde(with = "as_string")] pub Balance);

/// A block named by height or by hash (`12` or `"0x…"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BlockId {
    /// By height.
    Number(BlockNumber),
    /// By header hash.
    Hash(H256),
}

/// A block header with its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderInfo {
    /// Height; genesis is 0.
    pub number: BlockNumber,
    /// The header's hash.
    pub hash: H256,
    /// The parent's hash.
    pub parent_hash: H256,
    /// Milliseconds since the Unix epoch, as the proposer set it.
    pub timestamp: u64,
    /// Commitment to the block's transactions.
    pub transactions_root: H256,
    /// The state root after the block.
    pub state_root: H256,
}

impl From<&plexus_runtime::Header> for HeaderInfo {
    fn from(h: &plexus_runtime::Header) -> Self {
        Self {
            number: h.number,
            hash: h.hash(),
            parent_hash: h.parent_hash,
            timestamp: h.timestamp,
            transactions_root: h.transactions_root,
            state_root: h.state_root,
        }
    }
}

/// One transaction as a block lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionSummary {
    /// Its hash.
    pub hash: H256,
    /// Who signed (and paid).
    pub signer: AccountId,
    /// The signer's nonce it used.
    pub nonce: u64,
    /// The call's name, e.g. `transfer`, `add_stake`.
    pub call: String,
}

/// A finalized block: header, transactions and events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockInfo {
    /// Its header.
    pub header: HeaderInfo,
    /// Its transactions in order.
    pub transactions: Vec<TransactionSummary>,
    /// Everything that happened in it, in order.
    pub events: Vec<EventRecord>,
}

/// Where a transaction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TxStatus {
    /// Waiting in the node's mempool.
    Pending,
    /// In a finalized block.
    Finalized,
}

/// Where a finalized transaction was included and how it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inclusion {
    /// The block's height.
    pub block_number: BlockNumber,
    /// The block's hash.
    pub block_hash: H256,
    /// Position in the block.
    pub index: u32,
    /// Whether its call succeeded (a failed call still paid its fee and used its nonce).
    pub success: bool,
    /// Why the call failed, if it did.
    pub error: Option<TxError>,
    /// The events of this transaction (fee, transfers, …), in order.
    pub events: Vec<Event>,
}

/// Where a transaction is in the chain: the block and its position there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TxPosition {
    /// The block's height.
    pub block_number: BlockNumber,
    /// Position in the block.
    pub index: u32,
}

/// One transaction in an account's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountTransaction {
    /// Its hash.
    pub hash: H256,
    /// Where it is.
    pub position: TxPosition,
    /// Its block's timestamp, milliseconds since the Unix epoch.
    pub timestamp: u64,
    /// Who signed (and paid); the account itself, or another that named it.
    pub signer: AccountId,
    /// The signer's nonce it used.
    pub nonce: u64,
    /// The call's name.
    pub call: String,
    /// Whether its call succeeded.
    pub success: bool,
}

/// A page of an account's history, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountHistory {
    /// The transactions.
    pub transactions: Vec<AccountTransaction>,
    /// Where the next (older) page starts, to pass as `before`; `null` on the last page.
    pub next: Option<TxPosition>,
}

/// A transaction by hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionInfo {
    /// Its hash.
    pub hash: H256,
    /// Pending or finalized.
    pub status: TxStatus,
    /// The transaction itself (known once it is in a block).
    pub transaction: Option<TransactionDetails>,
    /// Where and how it was included (finalized only).
    pub inclusion: Option<Inclusion>,
}

/// The signed fields of a transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionDetails {
    /// Signer.
    pub signer: AccountId,
    /// Nonce.
    pub nonce: u64,
    /// Tip, rao.
    #[serde(with = "as_string")]
    pub tip: Balance,
    /// Last block it was valid in, if limited.
    pub valid_until: Option<BlockNumber>,
    /// The call's name.
    pub call: String,
    /// The SCALE bytes of the signed transaction (decode with `plexus_runtime`).
    pub bytes: HexBytes,
}

/// A call's failure inside its block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxError {
    /// The error's name, e.g. `insufficient_balance`.
    pub kind: String,
    /// A readable message.
    pub message: String,
}

/// An account's balance and nonces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInfo {
    /// The account.
    pub address: AccountId,
    /// Free balance, rao.
    #[serde(with = "as_string")]
    pub balance: Balance,
    /// The next nonce at the queried block.
    pub nonce: u64,
    /// The block the answer is for.
    pub block: BlockNumber,
}

/// One stake: alpha a coldkey holds through a hotkey on a subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StakeEntry {
    /// The hotkey staked through.
    pub hotkey: AccountId,
    /// The subnet.
    pub netuid: NetUid,
    /// Alpha, rao, rewards included.
    #[serde(with = "as_string")]
    pub alpha: Balance,
    /// What selling it all now would pay, rao of TAO after the swap fee (`null` if the pool
    /// would refuse the sale).
    #[serde(with = "option_as_string")]
    pub tao_value: Option<Balance>,
}

/// Every stake of a coldkey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StakeInfo {
    /// The coldkey.
    pub coldkey: AccountId,
    /// Its stakes, by hotkey then netuid.
    pub stakes: Vec<StakeEntry>,
    /// The block the answer is for.
    pub block: BlockNumber,
}

/// `Option<u64>` as an optional decimal string.
pub(crate) mod option_as_string {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(v: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.collect_str(v),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        let text = Option::<std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.map(|t| t.parse().map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// What registering a subnet would lock now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkLockCost {
    /// The lock cost for a registration in the next block, rao.
    #[serde(with = "as_string")]
    pub lock_cost: Balance,
    /// The first block a registration may be in: subnets are registered at most once per the
    /// chain's `network_rate_limit` blocks.
    pub allowed_at: BlockNumber,
    /// The block the answer is for.
    pub block: BlockNumber,
}

/// A hotkey's delegate take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegateTakeInfo {
    /// The hotkey.
    pub hotkey: AccountId,
    /// The share of dividends its owner keeps (of 65535); the chain's maximum until set.
    pub take: u16,
    /// The block the answer is for.
    pub block: BlockNumber,
}

/// A subnet's pool of TAO and alpha.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolInfo {
    /// The subnet.
    pub netuid: NetUid,
    /// TAO reserve, rao.
    #[serde(with = "as_string")]
    pub tao_reserve: Balance,
    /// Alpha reserve, rao.
    #[serde(with = "as_string")]
    pub alpha_reserve: Balance,
    /// TAO's weight in the pool, parts of 10^18.
    #[serde(with = "as_string")]
    pub quote_weight: u64,
    /// Spot price, rao per alpha.
    #[serde(with = "as_string")]
    pub price: u64,
    /// Swap fee, parts of 65535.
    pub fee_rate: u16,
    /// The block the answer is for.
    pub block: BlockNumber,
}

/// Which way a simulated swap goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SwapDirection {
    /// TAO in, alpha out (staking).
    Buy,
    /// Alpha in, TAO out (unstaking).
    Sell,
}

/// What a swap would do now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwapSimulation {
    /// The subnet.
    pub netuid: NetUid,
    /// The direction.
    pub direction: SwapDirection,
    /// What the trader pays, fee included (TAO for a buy, alpha for a sell), rao.
    #[serde(with = "as_string")]
    pub amount_in: Balance,
    /// The part of `amount_in` that is the fee, rao.
    #[serde(with = "as_string")]
    pub fee: Balance,
    /// What the trader receives, rao.
    #[serde(with = "as_string")]
    pub amount_out: Balance,
    /// Spot price before, rao per alpha.
    #[serde(with = "as_string")]
    pub price_before: u64,
    /// Spot price after, rao per alpha.
    #[serde(with = "as_string")]
    pub price_after: u64,
}

/// A subnet in the list of subnets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetSummary {
    /// Its netuid.
    pub netuid: NetUid,
    /// The name its owner gave it (empty if none).
    pub name: String,
    /// The owner's coldkey.
    pub owner_coldkey: AccountId,
    /// The owner's hotkey (uid 0).
    pub owner_hotkey: AccountId,
    /// Block of registration.
    pub registered_at: BlockNumber,
    /// First emitting block, once the owner started the subnet.
    pub first_emission_block: Option<BlockNumber>,
    /// Uids in use.
    pub n: u16,
    /// Most uids.
    pub max_uids: u16,
    /// Blocks between epochs.
    pub tempo: u16,
    /// Current registration price, rao.
    #[serde(with = "as_string")]
    pub burn: Balance,
    /// Spot price, rao per alpha (0 without a pool).
    #[serde(with = "as_string")]
    pub price: u64,
    /// Moving average of the price that divides TAO emission, rao per alpha.
    #[serde(with = "as_string")]
    pub moving_price: u64,
    /// TAO in the pool, rao.
    #[serde(with = "as_string")]
    pub tao_reserve: Balance,
    /// Alpha in the pool, rao.
    #[serde(with = "as_string")]
    pub alpha_reserve: Balance,
    /// TAO the next block offers the subnet (before the injection cap), rao.
    #[serde(with = "as_string")]
    pub tao_emission: Balance,
    /// Alpha the subnet mints per block for owner, miners and validators, rao.
    #[serde(with = "as_string")]
    pub alpha_emission: Balance,
    /// Alpha waiting for the next epoch, rao.
    #[serde(with = "as_string")]
    pub pending_emission: Balance,
    /// Epochs run so far.
    pub epoch_index: u64,
    /// Block of the last epoch.
    pub last_epoch_block: BlockNumber,
}

/// One subnet with its hyperparameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetInfo {
    /// The summary, as in the list.
    #[serde(flatten)]
    pub summary: SubnetSummary,
    /// TAO the owner locked, rao.
    #[serde(with = "as_string")]
    pub locked: Balance,
    /// The owner's description.
    pub identity: Option<plexus_runtime::SubnetIdentity>,
    /// Every hyperparameter (numbers; `min_burn` and `max_burn` in rao).
    pub hyperparameters: Hyperparameters,
    /// The block the answer is for.
    pub block: BlockNumber,
}

/// Where a neuron serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AxonEndpoint {
    /// Block it was last served at.
    pub block: BlockNumber,
    /// Software version.
    pub version: u32,
    /// IP address in text form (`1.2.3.4` or IPv6).
    pub ip: String,
    /// TCP port.
    pub port: u16,
    /// 4 or 6.
    pub ip_type: u8,
    /// Wire protocol.
    pub protocol: u8,
}

/// One uid of a metagraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetagraphNeuron {
    /// The uid.
    pub uid: Uid,
    /// Its hotkey.
    pub hotkey: AccountId,
    /// The hotkey's owner.
    pub coldkey: Option<AccountId>,
    /// Alpha staked through the hotkey on this subnet, rao.
    #[serde(with = "as_string")]
    pub stake: Balance,
    /// Normalised stake weight at the last epoch (of 65535).
    pub stake_weight: u16,
    /// Share of the miners' emission (of 65535).
    pub incentive: u16,
    /// Share of the validators' emission (of 65535).
    pub dividends: u16,
    /// Stake-weighted median of the weights it received (of 65535).
    pub consensus: u16,
    /// How much of its weight survived clipping (of 65535).
    pub validator_trust: u16,
    /// Alpha emitted to it at the last epoch, rao.
    #[serde(with = "as_string")]
    pub emission: Balance,
    /// Whether it holds a validator permit.
    pub validator_permit: bool,
    /// Whether it set weights within the activity cutoff at the last epoch.
    pub active: bool,
    /// Block of its last weights or commit.
    pub last_update: BlockNumber,
    /// Block of its registration.
    pub registered_at: BlockNumber,
    /// Where it serves, if it said.
    pub axon: Option<AxonEndpoint>,
    /// Its weights as (uid, weight of 65535), when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<Vec<(Uid, u16)>>,
    /// Its bonds as (uid, bond of 65535), when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bonds: Option<Vec<(Uid, u16)>>,
}

/// A subnet's whole metagraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metagraph {
    /// The subnet.
    pub netuid: NetUid,
    /// The block it describes.
    pub block: BlockNumber,
    /// That block's hash.
    pub block_hash: H256,
    /// Uids in use.
    pub n: u16,
    /// Blocks between epochs.
    pub tempo: u16,
    /// Spot price, rao per alpha (0 without a pool).
    #[serde(with = "as_string")]
    pub price: u64,
    /// Every neuron, by uid.
    pub neurons: Vec<MetagraphNeuron>,
}

/// Which optional parts of a metagraph to include.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetagraphOptions {
    /// Include each neuron's weights.
    pub weights: bool,
    /// Include each neuron's bonds.
    pub bonds: bool,
}

/// The fee a transaction would pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeEstimate {
    /// Base fee plus per-byte fee (0 for free calls), rao.
    #[serde(with = "as_string")]
    pub fee: Balance,
    /// The tip it carries, rao.
    #[serde(with = "as_string")]
    pub tip: Balance,
    /// Everything it burns: fee plus tip, rao.
    #[serde(with = "as_string")]
    pub total: Balance,
    /// Its encoded length, bytes.
    pub encoded_len: u32,
}

/// The next nonce of an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextNonce {
    /// The account.
    pub address: AccountId,
    /// Next nonce at the finalized head.
    pub finalized: u64,
    /// Next nonce counting transactions waiting in the mempool: the one to sign with.
    pub pending: u64,
}

/// A run of finalized blocks for a node that follows the chain, as `chain_syncBlocks` returns
/// it. The follower checks each block against its finality proof and its parent's hash, and
/// re-executes it; nothing here is taken on trust.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncBatch {
    /// The serving node's finalized height when it answered.
    pub finalized: BlockNumber,
    /// Consecutive blocks from the requested height, oldest first; empty when there are none
    /// yet.
    pub blocks: Vec<SyncBlock>,
}

/// One finalized block with its proof of finality, if the serving node has one for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncBlock {
    /// Its height.
    pub height: BlockNumber,
    /// The SCALE-encoded block.
    pub block: HexBytes,
    /// Consensus's certificate that this block is final (validators' signatures over it).
    /// Absent for a block finalized only as the ancestor of a later one; the later block's
    /// proof covers it through the parent hashes.
    pub finality: Option<HexBytes>,
}

/// A transaction's progress, as `tx_submitAndWatch` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum TxProgress {
    /// Admitted to the mempool.
    Pending {
        /// Its hash.
        hash: H256,
    },
    /// In a finalized block; the last message.
    Finalized {
        /// Its hash.
        hash: H256,
        /// Where and how it went.
        inclusion: Inclusion,
    },
    /// Dropped from the mempool without being included (invalid at a later head, evicted); the
    /// last message.
    Dropped {
        /// Its hash.
        hash: H256,
    },
}

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
    /// A commit was revealed.
    WeightsRevealed {
        netuid: NetUid,
        hotkey: AccountId,
        hash: H256,
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
    /// A subnet's epoch ran and paid out.
    EpochRun {
        netuid: NetUid,
        epoch: u64,
        #[serde(with = "as_string")]
        emission: Balance,
    },
}

/// The node's view of itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// The finalized head's height.
    pub finalized: BlockNumber,
    /// The newest block the node knows (may not be final yet).
    pub best: BlockNumber,
    /// Transactions waiting in the mempool.
    pub pending_transactions: usize,
    /// Their encoded bytes.
    pub pending_bytes: usize,
}

/// What chain this node runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemInfo {
    /// The chain's name, from genesis.
    pub chain_id: String,
    /// The genesis block's hash: every transaction names it.
    pub genesis_hash: H256,
    /// The version of this software.
    pub version: String,
    /// The chain parameters at the finalized head (numbers; amounts in rao).
    pub params: ChainParams,
    /// All TAO in existence, rao.
    #[serde(with = "as_string")]
    pub total_issuance: Balance,
    /// All TAO ever burned, rao.
    #[serde(with = "as_string")]
    pub total_burned: Balance,
    /// The SS58 prefix of addresses.
    pub ss58_prefix: u8,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

    fn alice() -> AccountId {
        AccountId::from_ss58(ALICE).unwrap_or(AccountId([0; 32]))
    }

    /// The wire format is the API: these shapes change only on purpose.
    #[test]
    fn test_json_shapes_are_frozen() {
        let record = EventRecord {
            phase: Phase::Transaction(2),
            event: Event::Transfer {
                from: alice(),
                to: alice(),
                amount: u64::MAX,
            },
        };
        assert_eq!(
            serde_json::to_value(&record).ok(),
            Some(json!({
                "phase": {"phase": "transaction", "index": 2},
                "event": {"event": "transfer", "from": ALICE, "to": ALICE,
                          "amount": "18446744073709551615"}
            }))
        );
        assert_eq!(
            serde_json::to_value(Phase::Initialization).ok(),
            Some(json!({"phase": "initialization"}))
        );
        assert_eq!(
            serde_json::to_value(TxProgress::Pending {
                hash: H256([1; 32])
            })
            .ok(),
            Some(json!({"status": "pending", "hash": format!("0x{}", "01".repeat(32))}))
        );
        assert_eq!(
            serde_json::to_value(BlockId::Number(7)).ok(),
            Some(json!(7))
        );
        assert_eq!(
            serde_json::to_value(HexBytes(vec![0xab, 0x01])).ok(),
            Some(json!("0xab01"))
        );
    }

    #[test]
    fn test_round_trips_and_strict_parsing() {
        let stake = StakeEntry {
            hotkey: alice(),
            netuid: 3,
            alpha: 5,
            tao_value: None,
        };
        let json = serde_json::to_string(&stake).unwrap_or_default();
        assert_eq!(serde_json::from_str::<StakeEntry>(&json).ok(), Some(stake));
        // Amounts are strings; a number is refused rather than silently rounded by a JS client.
        assert!(serde_json::from_value::<FeeEstimate>(
            json!({"fee": 1, "tip": "0", "total": "1", "encoded_len": 100})
        )
        .is_err());
        assert!(serde_json::from_str::<HexBytes>("\"ab01\"").is_err());
        assert_eq!(
            serde_json::from_str::<BlockId>(&format!("\"0x{}\"", "02".repeat(32))).ok(),
            Some(BlockId::Hash(H256([2; 32])))
        );
        assert!(serde_json::from_value::<MetagraphOptions>(json!({"weight": true})).is_err());
    }
}
