//! The records the state stores.

use parity_scale_codec::{Decode, Encode};
use plexus_primitives::{AccountId, Balance, BlockNumber, H256};
use serde::{Deserialize, Serialize};

/// A consensus round: a consensus epoch and a view within it. Views restart at 0 every
/// consensus epoch (a span of blocks with one validator set, unrelated to subnet tempos), so a
/// view alone does not name a round. Rounds order by epoch, then view.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Encode,
    Decode,
    Serialize,
    Deserialize,
)]
pub struct Round {
    /// The consensus epoch.
    pub epoch: u64,
    /// The view within it.
    pub view: u64,
}

impl Round {
    /// The round of `view` in consensus epoch `epoch`.
    pub const fn new(epoch: u64, view: u64) -> Self {
        Self { epoch, view }
    }

    /// The last view of each consensus epoch of `epoch_length` blocks (none: one endless
    /// epoch) that is sure to reach the chain, so the last anything may be timelocked to: epoch
    /// 0's last block is at least at view `L - 1`, a later epoch's at `L`, and a block carries
    /// the seeds of the views before its own.
    pub fn last_sure_view(epoch_length: Option<u64>) -> u64 {
        epoch_length.map_or(u64::MAX, |length| length.saturating_sub(2))
    }

    /// About how many views pass from this round to `later`: counted as if each epoch between
    /// had as many views as blocks, the fewest it can have.
    pub fn views_until(self, later: Self, epoch_length: Option<u64>) -> u64 {
        match epoch_length {
            Some(length) if later.epoch > self.epoch => (later.epoch - self.epoch)
                .saturating_mul(length)
                .saturating_add(later.view)
                .saturating_sub(self.view),
            _ => later.view.saturating_sub(self.view),
        }
    }

    /// The round `views` views after this one, counting only views sure to reach the chain:
    /// in this round's epoch while it has such views left, then from view 1 of the next ones.
    pub fn ahead(self, epoch_length: Option<u64>, views: u64) -> Self {
        let last = Self::last_sure_view(epoch_length);
        let view = self.view.saturating_add(views);
        if view <= last {
            return Self::new(self.epoch, view);
        }
        let per_epoch = last.max(1);
        let beyond = view.saturating_sub(last.max(self.view)).max(1) - 1;
        Self::new(
            self.epoch.saturating_add(1 + beyond / per_epoch),
            1 + beyond % per_epoch,
        )
    }
}

impl std::fmt::Display for Round {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "epoch {} view {}", self.epoch, self.view)
    }
}

impl From<Round> for plexus_timelock::Round {
    fn from(round: Round) -> Self {
        Self {
            epoch: round.epoch,
            view: round.view,
        }
    }
}

/// What the chain knows about the block being applied.
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct SystemInfo {
    /// Height of the block.
    pub block: BlockNumber,
    /// Its timestamp, milliseconds since the Unix epoch, as its proposer set it.
    pub timestamp: u64,
    /// Hash of its parent's header.
    pub parent_hash: H256,
    /// The consensus round it was proposed in.
    pub round: Round,
}

/// A consensus validator announced on chain.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct ValidatorRecord {
    /// The account that announced it (and may move or retire it).
    pub owner: AccountId,
    /// Where it listens for the other validators (`IP:port`).
    pub address: String,
}

/// Chain-wide bookkeeping.
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct Globals {
    /// The chain's name, fixed at genesis.
    pub chain_id: String,
    /// All TAO in existence: every balance plus every subnet's TAO.
    pub total_issuance: Balance,
    /// All TAO ever destroyed (fees, dust, what pruned subnets held beyond their stakers' and
    /// owner's share).
    pub total_burned: Balance,
    /// All TAO minted by emission since genesis.
    pub total_minted: Balance,
    /// The TAO genesis created: with what was minted since, everything that ever existed.
    pub genesis_issuance: Balance,
    /// The governance account, if any.
    pub sudo: Option<AccountId>,
    /// Lock paid for the last subnet registered.
    pub last_lock: Balance,
    /// Block of the last subnet registration (0: never).
    pub last_lock_block: BlockNumber,
    /// The validators' group key, which checks every block's seeds (none: blocks carry none).
    pub group_key: Option<Vec<u8>>,
    /// Blocks per consensus epoch, fixed at genesis (none: one endless epoch). Block `n` is in
    /// consensus epoch `n / epoch_length`.
    pub epoch_length: Option<u64>,
}

impl Globals {
    /// The consensus epoch block `number` belongs to.
    pub fn consensus_epoch(&self, number: BlockNumber) -> u64 {
        self.epoch_length
            .and_then(|length| number.checked_div(length))
            .unwrap_or(0)
    }

    /// The last view of each consensus epoch sure to reach the chain (see
    /// [`Round::last_sure_view`]).
    pub fn last_sure_view(&self) -> u64 {
        Round::last_sure_view(self.epoch_length)
    }
}

/// How a coldkey describes itself to stakers (Bittensor's `ChainIdentityV2`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode, Serialize, Deserialize)]
pub struct ChainIdentity {
    /// Display name.
    pub name: String,
    /// Web site.
    pub url: String,
    /// Source repository.
    pub github_repo: String,
    /// Picture address.
    pub image: String,
    /// Discord handle or invite.
    pub discord: String,
    /// Who they are.
    pub description: String,
    /// Anything else.
    pub additional: String,
}

/// A subnet's identity, as its owner describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode, Serialize, Deserialize)]
pub struct SubnetIdentity {
    /// Display name.
    pub name: String,
    /// Source repository.
    pub github_repo: String,
    /// How to reach the owner.
    pub contact: String,
    /// Web site.
    pub url: String,
    /// Discord handle or invite.
    pub discord: String,
    /// What the subnet does.
    pub description: String,
    /// Logo address.
    pub logo_url: String,
    /// Anything else.
    pub additional: String,
}

/// A subnet: a competition for one kind of AI work.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct Subnet {
    /// The coldkey that registered it and controls its hyperparameters.
    pub owner_coldkey: AccountId,
    /// The owner's hotkey, registered as uid 0 and never pruned.
    pub owner_hotkey: AccountId,
    /// Block of registration.
    pub registered_at: BlockNumber,
    /// TAO the owner locked to register it.
    pub locked: Balance,
    /// Exponential moving average of the pool's spot price (capped at 1 TAO per alpha), Q64.64
    /// TAO per alpha: what divides the chain's TAO emission between subnets.
    pub moving_price: u128,
    /// Block from which the subnet emits, once the owner has called `start_call`.
    pub first_emission_block: Option<BlockNumber>,
    /// Owner-supplied identity.
    pub identity: Option<SubnetIdentity>,
    /// Number of uids in use (`SubnetworkN`).
    pub n: u16,
    /// Current price of a registration.
    pub burn: Balance,
    /// Block of the last epoch (or the staggered start).
    pub last_epoch_block: BlockNumber,
    /// Number of epochs run so far.
    pub epoch_index: u64,
}

/// Where a neuron serves requests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct AxonInfo {
    /// Block at which it was last served.
    pub block: BlockNumber,
    /// Software version the neuron reports.
    pub version: u32,
    /// IPv4 (in the low 32 bits) or IPv6 address.
    pub ip: u128,
    /// TCP port.
    pub port: u16,
    /// 4 or 6.
    pub ip_type: u8,
    /// Wire protocol identifier.
    pub protocol: u8,
}

/// A neuron: one hotkey's seat on a subnet.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct Neuron {
    /// The hotkey in the seat.
    pub hotkey: AccountId,
    /// Block at which the hotkey took the seat.
    pub registered_at: BlockNumber,
    /// Block of the neuron's last weights (or commit); registration sets it.
    pub last_update: BlockNumber,
    /// Whether the last epoch gave it a validator permit.
    pub validator_permit: bool,
    /// Its emission at the last epoch (rao of alpha): what pruning ranks by.
    pub emission: Balance,
    /// Where it serves, if it has said.
    pub axon: Option<AxonInfo>,
    /// What the last epoch computed for it.
    pub epoch: NeuronEpoch,
}

/// One neuron's results from the last epoch (u16 values are proportions of 65535).
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct NeuronEpoch {
    /// Normalised stake weight.
    pub stake_weight: u16,
    /// Whether it set weights within the activity cutoff.
    pub active: bool,
    /// Stake-weighted median of the weights it received.
    pub consensus: u16,
    /// Its share of the miners' emission.
    pub incentive: u16,
    /// Its share of the validators' emission.
    pub dividends: u16,
    /// How much of its weight survived clipping.
    pub validator_trust: u16,
}

/// What one block mints for a subnet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BlockEmission {
    /// TAO added to the pool.
    pub tao_in: Balance,
    /// Alpha added to the pool with it, at the pool's price.
    pub alpha_in: Balance,
    /// Alpha added to the pending pots (owner, miners, validators).
    pub alpha_out: Balance,
}

/// Subnet alpha not yet paid out, accumulated every block until the subnet's epoch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct PendingEmission {
    /// For miners, by incentive.
    pub server: Balance,
    /// For validators and their nominators, by dividends.
    pub validator: Balance,
    /// For the subnet owner.
    pub owner: Balance,
    /// For root (netuid 0) stakers, by the dividends of the hotkeys they stake through.
    pub root: Balance,
}

impl PendingEmission {
    /// Everything pending.
    pub fn total(&self) -> Balance {
        self.server
            .saturating_add(self.validator)
            .saturating_add(self.owner)
            .saturating_add(self.root)
    }
}

/// Where a subnet's alpha is: every rao of alpha ever minted is in the pool, staked (or pending
/// payout), or burned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct AlphaSupply {
    /// Alpha ever minted.
    pub issued: Balance,
    /// Alpha destroyed: owner-hotkey incentive, rounding remainders, registration burns.
    pub burned: Balance,
}

/// One hash commit of weights, waiting to be revealed.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct WeightCommit {
    /// `BLAKE2b-256(SCALE(hotkey, netuid, uids, values, salt, version_key))`.
    pub hash: H256,
    /// The subnet's epoch index when committed (counting an epoch that runs in the same block).
    pub epoch: u64,
    /// Block of the commit.
    pub block: BlockNumber,
}

/// Weights timelocked to a future consensus view, waiting for its seed.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct TimelockedCommit {
    /// The round whose seed opens it.
    pub reveal: Round,
    /// The hotkey that committed, bound into the sealed message: a hotkey swap moves the commit
    /// and it still opens.
    pub committer: AccountId,
    /// Block of the commit.
    pub block: BlockNumber,
    /// The sealed weights (see [`crate::timelocked_weights_plaintext`] and
    /// [`crate::timelocked_weights_aad`]).
    #[serde(skip)]
    pub sealed: Vec<u8>,
}

/// Alpha staked through one hotkey on one subnet and the shares its nominators hold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct SharePool {
    /// Alpha the pool holds, rewards included.
    pub alpha: Balance,
    /// Shares issued; a nominator's stake is `alpha × their shares / shares`.
    pub shares: u128,
}

/// The share of dividends a hotkey's owner keeps before its nominators share the rest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct DelegateTake {
    /// The take (u16 proportion of 65535).
    pub take: u16,
    /// Block of the last increase (increases are rate-limited).
    pub increased_at: BlockNumber,
}

/// A subnet at one of its epochs: the series the explorer charts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct EpochRecord {
    /// Block of the epoch.
    pub block: BlockNumber,
    /// Alpha paid out.
    pub emission: Balance,
    /// The pool's TAO reserve after the payout.
    pub tao_reserve: Balance,
    /// The pool's alpha reserve.
    pub alpha_reserve: Balance,
    /// Spot price, Q64.64 TAO per alpha.
    pub price: u128,
    /// Moving price, Q64.64 TAO per alpha.
    pub moving_price: u128,
}

/// What a root staker's dividends on a subnet become when claimed (the reference's
/// `RootClaimType`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RootClaimType {
    /// Sold for TAO in the subnet's pool, the TAO staked on root through the same hotkey.
    #[default]
    #[codec(index = 0)]
    Swap,
    /// Kept as alpha, staked through the same hotkey on the subnet.
    #[codec(index = 1)]
    Keep,
    /// Kept on these subnets, swapped on the others.
    #[codec(index = 2)]
    KeepSubnets {
        /// The subnets whose alpha is kept.
        subnets: Vec<plexus_primitives::NetUid>,
    },
}

impl RootClaimType {
    /// Whether a claim on `netuid` is sold for TAO.
    pub fn swaps(&self, netuid: plexus_primitives::NetUid) -> bool {
        match self {
            Self::Swap => true,
            Self::Keep => false,
            Self::KeepSubnets { subnets } => !subnets.contains(&netuid),
        }
    }
}

/// Child hotkeys a parent asked for on one subnet, waiting for their cooldown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct PendingChildren {
    /// (proportion of `u64::MAX`, child hotkey); empty revokes every child.
    pub children: Vec<(u64, AccountId)>,
    /// They take effect at the subnet's first epoch after this block.
    pub cooldown_block: BlockNumber,
}

/// A coldkey's announced swap to a new coldkey.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct ColdkeySwap {
    /// BLAKE2b-256 of the new coldkey's 32 bytes.
    pub hash: H256,
    /// The first block the swap may be made in.
    pub when: BlockNumber,
    /// When it was disputed: the coldkey is then frozen until governance resets it.
    pub disputed: Option<BlockNumber>,
}

#[cfg(test)]
mod tests {
    use super::Round;

    #[test]
    fn test_rounds_ahead_skip_the_views_an_epoch_may_not_reach() {
        // Epochs of 10 blocks: views 1..=8 of each are sure to reach the chain.
        let l = Some(10);
        assert_eq!(Round::last_sure_view(l), 8);
        assert_eq!(Round::new(0, 3).ahead(l, 5), Round::new(0, 8));
        assert_eq!(Round::new(0, 3).ahead(l, 6), Round::new(1, 1));
        assert_eq!(Round::new(0, 3).ahead(l, 13), Round::new(1, 8));
        assert_eq!(Round::new(0, 3).ahead(l, 14), Round::new(2, 1));
        // From the views after the last sure one (an epoch's last blocks).
        assert_eq!(Round::new(4, 11).ahead(l, 1), Round::new(5, 1));
        assert_eq!(Round::new(4, 11).ahead(l, 9), Round::new(6, 1));
        // One endless epoch.
        assert_eq!(Round::new(0, 3).ahead(None, 1_000), Round::new(0, 1_003));
        assert!(Round::new(0, 9) < Round::new(1, 1));
        assert_eq!(Round::new(0, 3).views_until(Round::new(0, 8), l), 5);
        assert_eq!(Round::new(0, 3).views_until(Round::new(2, 1), l), 18);
        assert_eq!(Round::new(0, 3).views_until(Round::new(0, 8), None), 5);
    }
}
