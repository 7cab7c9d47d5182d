//! Chain-wide parameters: set at genesis, changed only by governance.

use parity_scale_codec::{Decode, Encode};
use plexus_primitives::{Balance, RAO_PER_TAO};
use serde::{Deserialize, Serialize};

/// The most coldkeys whose root dividends one block may claim (the reference's bound).
pub const MAX_NUM_ROOT_CLAIMS: u64 = 50;

/// Parameters that apply to the whole chain rather than to one subnet.
///
/// The defaults are the reference chain's runtime values (reference-chain §2.14) where it has
/// one, and Plexus's own choices (fees, size limits) where it does not.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChainParams {
    /// The smallest balance an account may hold; an account that falls below it is removed and
    /// the dust burned.
    pub existential_deposit: Balance,
    /// Fee every paying transaction burns, before the per-byte part.
    pub base_fee: Balance,
    /// Fee per byte of the encoded signed transaction.
    pub byte_fee: Balance,
    /// Largest encoded signed transaction accepted, in bytes.
    pub max_transaction_bytes: u32,
    /// Most transactions in one block.
    pub max_block_transactions: u32,
    /// Most subnets (netuid 0 excluded) before registering one prunes the weakest.
    pub subnet_limit: u16,
    /// Floor of the subnet lock cost.
    pub network_min_lock: Balance,
    /// Blocks over which the lock cost decays from its doubled value back down by one `last_lock`.
    pub network_lock_reduction_interval: u64,
    /// Blocks between two subnet registrations.
    pub network_rate_limit: u64,
    /// Blocks after registration during which a subnet cannot be pruned.
    pub network_immunity_period: u64,
    /// Blocks after registration before the owner may call `start_call`.
    pub start_call_delay: u64,
    /// Minimum stake weight (rao) to set weights; the owner hotkey is exempt.
    pub stake_threshold: u64,
    /// How much a hotkey's root (netuid 0) TAO stake counts in its stake weight on every subnet,
    /// of `u64::MAX` (the reference's `TaoWeight`; its default ≈ 5.27%).
    pub tao_weight: u64,
    /// An owner may change one hyperparameter once per this many tempos.
    pub owner_hyperparam_rate_limit: u16,
    /// Blocks before each epoch during which owners may not change hyperparameters.
    pub admin_freeze_window: u16,
    /// Most subnet epochs run in one block; the rest wait for the next block.
    pub max_epochs_per_block: u16,
    /// The subnet owner's cut of each block's alpha emission (u16 proportion; 18%).
    pub subnet_owner_cut: u16,
    /// Delegate take of hotkeys that never set one (u16 proportion; 18%), and the most any
    /// hotkey may take.
    pub max_delegate_take: u16,
    /// The least take a hotkey may set.
    pub min_delegate_take: u16,
    /// Blocks between two increases of one hotkey's take.
    pub delegate_take_rate_limit: u64,
    /// Smallest stake, in rao of TAO, that may be added (or taken out of a stake that stays).
    pub min_stake: Balance,
    /// Pool swap fee, parts of 65535 (33 ≈ 0.05%), at most 10_000.
    pub swap_fee_rate: u16,
    /// Largest weight of a new spot price in a subnet's moving price, parts per billion
    /// (3000 = 0.000003).
    pub moving_alpha_ppb: u64,
    /// Blocks after a subnet starts at which its moving price reacts at half that weight.
    pub ema_price_halving_blocks: u64,
    /// Coldkeys whose root dividends the block step claims each block (at most 50; 0 turns
    /// automatic claims off).
    pub num_root_claims: u64,
    /// Root dividends owed below this many rao of alpha are left for later.
    pub root_claim_threshold: Balance,
    /// Blocks a `set_children` waits before it takes effect (at the subnet's next epoch after).
    pub pending_childkey_cooldown: u64,
    /// Blocks between two `set_children` of one parent hotkey on one subnet.
    pub children_rate_limit: u64,
    /// The most a child hotkey may take of its parents' dividends (u16 proportion; 18%).
    pub max_childkey_take: u16,
    /// Blocks between two increases of one child hotkey's take.
    pub childkey_take_rate_limit: u64,
    /// Most hotkeys registered on root; when full, a newcomer with more root stake replaces
    /// the one with least.
    pub max_root_validators: u16,
    /// Blocks between two hotkey swaps of one coldkey.
    pub hotkey_swap_rate_limit: u64,
    /// Blocks between two hotkey swaps of one coldkey that touch the same subnet.
    pub hotkey_swap_subnet_interval: u64,
    /// Blocks between announcing a coldkey swap and making it.
    pub coldkey_swap_announcement_delay: u64,
    /// Blocks after that before the announcement may be replaced or cleared.
    pub coldkey_swap_reannouncement_delay: u64,
    /// When above 0, the chain chooses its consensus validators by stake: each consensus
    /// epoch's first block with nothing scheduled by governance fixes, as the committee of the
    /// epoch after next, the announced validators whose announcing accounts have the most TAO
    /// staked on root through them as hotkeys, this many at most (and no more than the epoch
    /// length allows). 0: governance alone schedules committees.
    pub validators_by_stake: u16,
}

impl Default for ChainParams {
    fn default() -> Self {
        Self {
            existential_deposit: 500,
            base_fee: 100_000,
            byte_fee: 1_000,
            max_transaction_bytes: 64 * 1024,
            max_block_transactions: 10_000,
            subnet_limit: 128,
            network_min_lock: 1_000 * RAO_PER_TAO,
            network_lock_reduction_interval: 14 * 7_200,
            network_rate_limit: 7_200,
            network_immunity_period: 1_296_000,
            start_call_delay: 0,
            stake_threshold: 0,
            tao_weight: 971_718_665_099_567_868,
            owner_hyperparam_rate_limit: 2,
            admin_freeze_window: 10,
            max_epochs_per_block: 2,
            subnet_owner_cut: 11_796,
            max_delegate_take: 11_796,
            min_delegate_take: 0,
            delegate_take_rate_limit: 216_000,
            min_stake: 2_000_000,
            swap_fee_rate: crate::DEFAULT_FEE_RATE,
            moving_alpha_ppb: 3_000,
            ema_price_halving_blocks: 201_600,
            num_root_claims: 5,
            root_claim_threshold: 500_000,
            pending_childkey_cooldown: 7_200,
            children_rate_limit: 150,
            max_childkey_take: 11_796,
            childkey_take_rate_limit: 216_000,
            max_root_validators: 64,
            hotkey_swap_rate_limit: 1_000,
            hotkey_swap_subnet_interval: 7_200,
            coldkey_swap_announcement_delay: 36_000,
            coldkey_swap_reannouncement_delay: 7_200,
            validators_by_stake: 0,
        }
    }
}

/// A new value for one chain parameter, for governance to change one without restating the
/// rest (Bittensor's root-only `AdminUtils` calls); each variant's field is the
/// [`ChainParams`] field of the same name.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum ChainParam {
    NetworkRateLimit(u64),
    AdminFreezeWindow(u16),
    OwnerHyperparamRateLimit(u16),
    DelegateTakeRateLimit(u64),
    StakeThreshold(u64),
    TaoWeight(u64),
    SubnetLimit(u16),
    NetworkMinLock(Balance),
    StartCallDelay(u64),
    MinDelegateTake(u16),
    MovingAlphaPpb(u64),
    EmaPriceHalvingBlocks(u64),
    NumRootClaims(u64),
    PendingChildkeyCooldown(u64),
    ChildkeyTakeRateLimit(u64),
    ColdkeySwapAnnouncementDelay(u64),
    ColdkeySwapReannouncementDelay(u64),
    ValidatorsByStake(u16),
}

impl ChainParams {
    /// These parameters with `change` made; [`validate`](Self::validate) the result.
    pub fn with(&self, change: &ChainParam) -> Self {
        let mut params = self.clone();
        match *change {
            ChainParam::NetworkRateLimit(v) => params.network_rate_limit = v,
            ChainParam::AdminFreezeWindow(v) => params.admin_freeze_window = v,
            ChainParam::OwnerHyperparamRateLimit(v) => params.owner_hyperparam_rate_limit = v,
            ChainParam::DelegateTakeRateLimit(v) => params.delegate_take_rate_limit = v,
            ChainParam::StakeThreshold(v) => params.stake_threshold = v,
            ChainParam::TaoWeight(v) => params.tao_weight = v,
            ChainParam::SubnetLimit(v) => params.subnet_limit = v,
            ChainParam::NetworkMinLock(v) => params.network_min_lock = v,
            ChainParam::StartCallDelay(v) => params.start_call_delay = v,
            ChainParam::MinDelegateTake(v) => params.min_delegate_take = v,
            ChainParam::MovingAlphaPpb(v) => params.moving_alpha_ppb = v,
            ChainParam::EmaPriceHalvingBlocks(v) => params.ema_price_halving_blocks = v,
            ChainParam::NumRootClaims(v) => params.num_root_claims = v,
            ChainParam::PendingChildkeyCooldown(v) => params.pending_childkey_cooldown = v,
            ChainParam::ChildkeyTakeRateLimit(v) => params.childkey_take_rate_limit = v,
            ChainParam::ColdkeySwapAnnouncementDelay(v) => {
                params.coldkey_swap_announcement_delay = v
            }
            ChainParam::ColdkeySwapReannouncementDelay(v) => {
                params.coldkey_swap_reannouncement_delay = v
            }
            ChainParam::ValidatorsByStake(v) => params.validators_by_stake = v,
        }
        params
    }

    /// The fee a transaction of `encoded_len` bytes carrying `call` and `tip` pays: base plus
    /// per byte, nothing for free calls, plus the tip.
    pub fn fee(&self, call: &crate::Call, encoded_len: u32, tip: Balance) -> Balance {
        let base = if call.is_free() {
            0
        } else {
            self.base_fee
                .saturating_add(self.byte_fee.saturating_mul(u64::from(encoded_len)))
        };
        base.saturating_add(tip)
    }

    /// Checks the values the chain could not run with.
    pub fn validate(&self) -> Result<(), String> {
        if self.existential_deposit == 0 {
            return Err("existential_deposit must be at least 1 rao".into());
        }
        if !(1024..=4 * 1024 * 1024).contains(&self.max_transaction_bytes) {
            return Err("max_transaction_bytes must be in 1024..=4194304".into());
        }
        if self.max_block_transactions == 0 {
            return Err("max_block_transactions must be at least 1".into());
        }
        if self.network_lock_reduction_interval == 0 {
            return Err("network_lock_reduction_interval must be at least 1".into());
        }
        if self.swap_fee_rate > crate::MAX_FEE_RATE {
            return Err("swap_fee_rate must be at most 10000".into());
        }
        if self.num_root_claims > MAX_NUM_ROOT_CLAIMS {
            return Err(format!(
                "num_root_claims must be at most {MAX_NUM_ROOT_CLAIMS}"
            ));
        }
        if self.moving_alpha_ppb > 1_000_000_000 {
            return Err("moving_alpha_ppb must be at most 1000000000".into());
        }
        if self.max_epochs_per_block == 0 {
            return Err("max_epochs_per_block must be at least 1".into());
        }
        Ok(())
    }
}
