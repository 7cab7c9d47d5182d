//! A subnet's hyperparameters: their defaults, their allowed ranges, and who may set them.
//!
//! Owners set their subnet's parameters with [`Call::SetHyperparameter`](crate::Call); the
//! governance account sets any of them, including the few reserved to it. Ranges are the
//! reference chain's (reference-chain §8.1 and its admin pallet); where Plexus differs it says
//! so on the variant.

use crate::DispatchError;
use parity_scale_codec::{Decode, Encode};
use plexus_primitives::{Balance, RAO_PER_TAO};
use serde::{Deserialize, Serialize};

/// Most uids a subnet may have: uids are `u16` and Plexus's epoch handles 4096 in milliseconds.
/// (The reference caps owners at 256.)
pub const MAX_UIDS: u16 = 4096;

/// Per-block registration price growth is `burn_increase_mult_ppm / 1_000_000`.
pub(crate) const PPM: u64 = 1_000_000;

/// The parameters of one subnet, with the values a newly registered subnet starts with.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Hyperparameters {
    /// Blocks between epochs; 0 stops epochs.
    pub tempo: u16,
    /// Blocks after registration during which a neuron is not pruned.
    pub immunity_period: u16,
    /// Most uids.
    pub max_allowed_uids: u16,
    /// Fewest uids the subnet may be trimmed to.
    pub min_allowed_uids: u16,
    /// Most validator permits.
    pub max_allowed_validators: u16,
    /// Fewest weights a validator must set.
    pub min_allowed_weights: u16,
    /// Largest normalised weight (of 65535) a validator may give one uid.
    pub max_weight_limit: u16,
    /// Blocks between two `set_weights` of one neuron.
    pub weights_rate_limit: u64,
    /// Lowest weights version key accepted.
    pub weights_version_key: u64,
    /// Consensus majority threshold (u16 proportion).
    pub kappa: u16,
    /// Legacy parameter, stored for compatibility.
    pub rho: u16,
    /// Bonds EMA factor, of 1_000_000.
    pub bonds_moving_average: u64,
    /// Bonds penalty (u16 proportion).
    pub bonds_penalty: u16,
    /// Whether bonds are reset on commitments.
    pub bonds_reset: bool,
    /// Whether Yuma3 bonds are used.
    pub yuma3: bool,
    /// Whether liquid alpha is on.
    pub liquid_alpha: bool,
    /// Liquid alpha's lower bound (u16 proportion).
    pub alpha_low: u16,
    /// Liquid alpha's upper bound (u16 proportion).
    pub alpha_high: u16,
    /// Liquid alpha's sigmoid steepness.
    pub alpha_sigmoid_steepness: i16,
    /// Whether weights must be committed, then revealed.
    pub commit_reveal: bool,
    /// Epochs between a commit and its reveal.
    pub reveal_period_epochs: u64,
    /// Activity cutoff as a multiple of tempo, in thousandths.
    pub activity_cutoff_factor_milli: u32,
    /// Lowest registration price.
    pub min_burn: Balance,
    /// Highest registration price.
    pub max_burn: Balance,
    /// Blocks for the registration price to halve; 0 stops the decay.
    pub burn_half_life: u16,
    /// Price growth per registration, in millionths (1_260_000 = ×1.26).
    pub burn_increase_mult_ppm: u64,
    /// Whether new neurons may register.
    pub registration_allowed: bool,
    /// Blocks between two `serve_axon` of one hotkey; 0 for none.
    pub serving_rate_limit: u64,
    /// How many of the owner's hotkeys (beyond the owner hotkey) are never pruned.
    pub immune_owner_uids_limit: u16,
    /// Pruning picks among immune neurons only when no more than this many are not immune.
    pub min_non_immune_uids: u16,
    /// With `commit_reveal` on: commits are weights timelocked to a future consensus view,
    /// which the chain opens itself when that view's seed is on chain (on), or hashes the
    /// validator reveals (off, the default: what Bittensor's clients send). Needs the chain's
    /// group key.
    pub timelocked_weights: bool,
}

impl Default for Hyperparameters {
    /// A new subnet's parameters: the reference's runtime defaults with `init_new_network`'s
    /// overrides (Yuma3 on, 64 validators, immunity 5000, min weights 1, burn 1 TAO).
    fn default() -> Self {
        Self {
            tempo: 360,
            immunity_period: 5000,
            max_allowed_uids: 256,
            min_allowed_uids: 64,
            max_allowed_validators: 64,
            min_allowed_weights: 1,
            max_weight_limit: u16::MAX,
            weights_rate_limit: 100,
            weights_version_key: 0,
            kappa: 32_767,
            rho: 10,
            bonds_moving_average: 900_000,
            bonds_penalty: u16::MAX,
            bonds_reset: false,
            yuma3: true,
            liquid_alpha: false,
            alpha_low: 45_875,
            alpha_high: 58_982,
            alpha_sigmoid_steepness: 1000,
            commit_reveal: true,
            reveal_period_epochs: 1,
            activity_cutoff_factor_milli: 13_889,
            min_burn: 500_000,
            max_burn: 100 * RAO_PER_TAO,
            burn_half_life: 360,
            burn_increase_mult_ppm: 1_260_000,
            registration_allowed: true,
            serving_rate_limit: 50,
            immune_owner_uids_limit: 1,
            min_non_immune_uids: 10,
            timelocked_weights: false,
        }
    }
}

/// Which hyperparameter; the unit of the owner rate limit.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum HyperparameterKind {
    Tempo,
    ImmunityPeriod,
    MaxAllowedUids,
    MinAllowedUids,
    MaxAllowedValidators,
    MinAllowedWeights,
    MaxWeightLimit,
    WeightsRateLimit,
    WeightsVersionKey,
    Kappa,
    Rho,
    BondsMovingAverage,
    BondsPenalty,
    BondsReset,
    Yuma3,
    LiquidAlpha,
    AlphaValues,
    AlphaSigmoidSteepness,
    CommitReveal,
    RevealPeriodEpochs,
    ActivityCutoffFactorMilli,
    MinBurn,
    MaxBurn,
    BurnHalfLife,
    BurnIncreaseMult,
    RegistrationAllowed,
    ServingRateLimit,
    ImmuneOwnerUidsLimit,
    MinNonImmuneUids,
    TimelockedWeights,
}

/// A new value for one hyperparameter; each variant's field is the [`Hyperparameters`] field of
/// the same name.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Hyperparameter {
    /// Owners: 360..=50_400, once per 360 blocks; governance: any. Restarts the epoch cycle.
    Tempo(u16),
    ImmunityPeriod(u16),
    /// At least `min_allowed_uids` and the current number of uids; at most [`MAX_UIDS`].
    MaxAllowedUids(u16),
    /// Governance only; below `max_allowed_uids` and the current number of uids.
    MinAllowedUids(u16),
    /// At most `max_allowed_uids`.
    MaxAllowedValidators(u16),
    MinAllowedWeights(u16),
    MaxWeightLimit(u16),
    WeightsRateLimit(u64),
    /// Owners: once per 5 tempos.
    WeightsVersionKey(u64),
    Kappa(u16),
    Rho(u16),
    /// Owners: at most 975_000; governance: at most 1_000_000.
    BondsMovingAverage(u64),
    BondsPenalty(u16),
    BondsReset(bool),
    Yuma3(bool),
    LiquidAlpha(bool),
    /// Liquid alpha must be on; 1638 ≤ low ≤ high.
    AlphaValues {
        low: u16,
        high: u16,
    },
    /// Owners: not negative.
    AlphaSigmoidSteepness(i16),
    CommitReveal(bool),
    /// 1..=100.
    RevealPeriodEpochs(u64),
    /// 1_000..=50_000.
    ActivityCutoffFactorMilli(u32),
    /// Below 1 TAO and below `max_burn`.
    MinBurn(Balance),
    /// Above 0.1 TAO and above `min_burn`.
    MaxBurn(Balance),
    /// 1..=36_100.
    BurnHalfLife(u16),
    /// 1_000_000..=3_000_000 (×1 to ×3).
    BurnIncreaseMult(u64),
    RegistrationAllowed(bool),
    ServingRateLimit(u64),
    /// 1..=10.
    ImmuneOwnerUidsLimit(u16),
    /// Governance only.
    MinNonImmuneUids(u16),
    /// Needs the chain's group key to turn on.
    TimelockedWeights(bool),
}

fn out_of_range(kind: HyperparameterKind, allowed: impl Into<String>) -> DispatchError {
    DispatchError::HyperparameterOutOfRange {
        parameter: kind,
        allowed: allowed.into(),
    }
}

fn check(ok: bool, kind: HyperparameterKind, allowed: &str) -> Result<(), DispatchError> {
    if ok {
        Ok(())
    } else {
        Err(out_of_range(kind, allowed))
    }
}

impl Hyperparameter {
    /// Which parameter this sets.
    pub fn kind(&self) -> HyperparameterKind {
        use HyperparameterKind as K;
        match self {
            Self::Tempo(_) => K::Tempo,
            Self::ImmunityPeriod(_) => K::ImmunityPeriod,
            Self::MaxAllowedUids(_) => K::MaxAllowedUids,
            Self::MinAllowedUids(_) => K::MinAllowedUids,
            Self::MaxAllowedValidators(_) => K::MaxAllowedValidators,
            Self::MinAllowedWeights(_) => K::MinAllowedWeights,
            Self::MaxWeightLimit(_) => K::MaxWeightLimit,
            Self::WeightsRateLimit(_) => K::WeightsRateLimit,
            Self::WeightsVersionKey(_) => K::WeightsVersionKey,
            Self::Kappa(_) => K::Kappa,
            Self::Rho(_) => K::Rho,
            Self::BondsMovingAverage(_) => K::BondsMovingAverage,
            Self::BondsPenalty(_) => K::BondsPenalty,
            Self::BondsReset(_) => K::BondsReset,
            Self::Yuma3(_) => K::Yuma3,
            Self::LiquidAlpha(_) => K::LiquidAlpha,
            Self::AlphaValues { .. } => K::AlphaValues,
            Self::AlphaSigmoidSteepness(_) => K::AlphaSigmoidSteepness,
            Self::CommitReveal(_) => K::CommitReveal,
            Self::RevealPeriodEpochs(_) => K::RevealPeriodEpochs,
            Self::ActivityCutoffFactorMilli(_) => K::ActivityCutoffFactorMilli,
            Self::MinBurn(_) => K::MinBurn,
            Self::MaxBurn(_) => K::MaxBurn,
            Self::BurnHalfLife(_) => K::BurnHalfLife,
            Self::BurnIncreaseMult(_) => K::BurnIncreaseMult,
            Self::RegistrationAllowed(_) => K::RegistrationAllowed,
            Self::ServingRateLimit(_) => K::ServingRateLimit,
            Self::ImmuneOwnerUidsLimit(_) => K::ImmuneOwnerUidsLimit,
            Self::MinNonImmuneUids(_) => K::MinNonImmuneUids,
            Self::TimelockedWeights(_) => K::TimelockedWeights,
        }
    }
}

impl HyperparameterKind {
    /// Whether only governance may set it.
    pub fn governance_only(self) -> bool {
        matches!(self, Self::MinAllowedUids | Self::MinNonImmuneUids)
    }

    /// Blocks an owner must wait between two changes of this parameter on a subnet of `tempo`,
    /// given the chain's owner rate limit in tempos.
    pub fn owner_rate_limit(self, tempo: u16, owner_limit_tempos: u16) -> u64 {
        match self {
            Self::Tempo => 360,
            Self::WeightsVersionKey => u64::from(tempo) * 5,
            _ => u64::from(tempo) * u64::from(owner_limit_tempos),
        }
    }
}

impl Hyperparameters {
    /// Sets `value` after checking its range; `by_owner` applies the owners' tighter bounds,
    /// `uids` is the subnet's current number of uids.
    pub(crate) fn set(
        &mut self,
        value: &Hyperparameter,
        by_owner: bool,
        uids: u16,
    ) -> Result<(), DispatchError> {
        use Hyperparameter as H;
        let kind = value.kind();
        match *value {
            H::Tempo(v) => {
                check(
                    !by_owner || (360..=50_400).contains(&v),
                    kind,
                    "360..=50400",
                )?;
                self.tempo = v;
            }
            H::ImmunityPeriod(v) => self.immunity_period = v,
            H::MaxAllowedUids(v) => {
                check(
                    v >= self.min_allowed_uids && v >= uids && v <= MAX_UIDS,
                    kind,
                    format!(
                        "{}..={MAX_UIDS} (min_allowed_uids and the current uids)",
                        self.min_allowed_uids.max(uids)
                    )
                    .as_str(),
                )?;
                self.max_allowed_uids = v;
            }
            H::MinAllowedUids(v) => {
                check(
                    v < self.max_allowed_uids && v < uids,
                    kind,
                    "below max_allowed_uids and the current uids",
                )?;
                self.min_allowed_uids = v;
            }
            H::MaxAllowedValidators(v) => {
                check(v <= self.max_allowed_uids, kind, "at most max_allowed_uids")?;
                self.max_allowed_validators = v;
            }
            H::MinAllowedWeights(v) => self.min_allowed_weights = v,
            H::MaxWeightLimit(v) => self.max_weight_limit = v,
            H::WeightsRateLimit(v) => self.weights_rate_limit = v,
            H::WeightsVersionKey(v) => self.weights_version_key = v,
            H::Kappa(v) => self.kappa = v,
            H::Rho(v) => self.rho = v,
            H::BondsMovingAverage(v) => {
                let max = if by_owner { 975_000 } else { 1_000_000 };
                check(v <= max, kind, &format!("0..={max}"))?;
                self.bonds_moving_average = v;
            }
            H::BondsPenalty(v) => self.bonds_penalty = v,
            H::BondsReset(v) => self.bonds_reset = v,
            H::Yuma3(v) => self.yuma3 = v,
            H::LiquidAlpha(v) => self.liquid_alpha = v,
            H::AlphaValues { low, high } => {
                if !self.liquid_alpha {
                    return Err(DispatchError::LiquidAlphaDisabled);
                }
                check((1638..=high).contains(&low), kind, "1638 <= low <= high")?;
                self.alpha_low = low;
                self.alpha_high = high;
            }
            H::AlphaSigmoidSteepness(v) => {
                check(!by_owner || v >= 0, kind, "0..=32767")?;
                self.alpha_sigmoid_steepness = v;
            }
            H::CommitReveal(v) => self.commit_reveal = v,
            H::RevealPeriodEpochs(v) => {
                check((1..=100).contains(&v), kind, "1..=100")?;
                self.reveal_period_epochs = v;
            }
            H::ActivityCutoffFactorMilli(v) => {
                check((1_000..=50_000).contains(&v), kind, "1000..=50000")?;
                self.activity_cutoff_factor_milli = v;
            }
            H::MinBurn(v) => {
                check(
                    v < RAO_PER_TAO && v < self.max_burn,
                    kind,
                    "below 1 TAO and below max_burn",
                )?;
                self.min_burn = v;
            }
            H::MaxBurn(v) => {
                check(
                    v > RAO_PER_TAO / 10 && v > self.min_burn,
                    kind,
                    "above 0.1 TAO and above min_burn",
                )?;
                self.max_burn = v;
            }
            H::BurnHalfLife(v) => {
                check((1..=36_100).contains(&v), kind, "1..=36100")?;
                self.burn_half_life = v;
            }
            H::BurnIncreaseMult(v) => {
                check((PPM..=3 * PPM).contains(&v), kind, "1000000..=3000000")?;
                self.burn_increase_mult_ppm = v;
            }
            H::RegistrationAllowed(v) => self.registration_allowed = v,
            H::ServingRateLimit(v) => self.serving_rate_limit = v,
            H::ImmuneOwnerUidsLimit(v) => {
                check((1..=10).contains(&v), kind, "1..=10")?;
                self.immune_owner_uids_limit = v;
            }
            H::MinNonImmuneUids(v) => self.min_non_immune_uids = v,
            H::TimelockedWeights(v) => self.timelocked_weights = v,
        }
        Ok(())
    }

    /// The parameters the epoch reads, with the chain's stake threshold.
    pub fn for_epoch(&self, stake_threshold: u64) -> plexus_yuma::Hyperparameters {
        plexus_yuma::Hyperparameters {
            tempo: self.tempo,
            kappa: self.kappa,
            bonds_moving_average: self.bonds_moving_average,
            bonds_penalty: self.bonds_penalty,
            max_allowed_validators: self.max_allowed_validators,
            yuma3: self.yuma3,
            liquid_alpha: self.liquid_alpha,
            alpha_low: self.alpha_low,
            alpha_high: self.alpha_high,
            alpha_sigmoid_steepness: self.alpha_sigmoid_steepness,
            activity_cutoff_factor_milli: u64::from(self.activity_cutoff_factor_milli),
            stake_threshold,
        }
    }

    /// The activity cutoff in blocks: `max(1, factor × tempo / 1000)`.
    pub fn activity_cutoff(&self) -> u64 {
        (u64::from(self.activity_cutoff_factor_milli) * u64::from(self.tempo) / 1000).max(1)
    }
}
