//! Subnets: their list, hyperparameters, pools, swaps and metagraphs.

use super::encoding::as_string;
use plexus_primitives::{AccountId, Balance, BlockNumber, NetUid, Uid, H256};
use plexus_runtime::Hyperparameters;
use serde::{Deserialize, Serialize};

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
    /// Its token's symbol (`α`, `β`, … as on Bittensor; the owner may change it).
    #[serde(default)]
    pub symbol: String,
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
    /// TAO staked through the hotkey on root, rao: it counts toward the stake weight here by
    /// the chain's `tao_weight`.
    #[serde(with = "as_string")]
    pub root_stake: Balance,
    /// Its stake weight here, rao: its alpha and root TAO after what it lends its children and
    /// inherits from its parents, the root part times `tao_weight` — what Yuma weighs, and what
    /// a miner should rank callers by.
    #[serde(with = "as_string", default)]
    pub total_stake: Balance,
    /// The hotkeys it lends stake weight to on this subnet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<super::HotkeyLink>,
    /// The hotkeys that lend it theirs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parents: Vec<super::HotkeyLink>,
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
