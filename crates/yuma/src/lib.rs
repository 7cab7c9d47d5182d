//! Compute Yuma Consensus for one subnet epoch, bit-exact with the reference chain.
//!
//! [`epoch`] is a pure function from an epoch's [`Inputs`] (stake, registration blocks, last
//! weight updates, previous validator permits, weight and bond rows, [`Hyperparameters`], the
//! owner's uid, the block, the emission to split and an optional commit-reveal mask) to its
//! [`Outputs`] (consensus, incentive, dividends, validator trust, emissions, new permits and the
//! bond rows to store). It implements the reference's sparse epoch (`epoch_mechanism`) as
//! described in the reference-chain specification, section 2, with the reference's fixed-point
//! semantics ([`fixed`]): stake threshold with owner exemption, activity cutoff, top-k permits,
//! the weight masks in their order, row normalisation, the stake-weighted median with kappa,
//! clipping, validator trust, incentive, the bonds penalty, classic and Yuma3 bonds, liquid
//! alpha with its sigmoid, dividends, and the emission split with its stake fallback.
//!
//! [`scenario`] replays `yuma-scenario/1` files (the conformance format) through [`epoch`].
//!
//! # Inconsistent inputs
//! Nothing panics. Per-uid vectors shorter than `n` are padded (0, or `false` for permits, as
//! the reference reads missing storage) and longer ones truncated; weight rows and bond rows
//! beyond `n` are ignored; weight entries whose column is `>= n` are dropped on load, while bond
//! entries keep them, as the reference does, where they take part in nothing but the liquid-alpha
//! cursor; duplicate columns in a row are kept as separate entries (sums count both, dense steps
//! keep the last).
//!
//! # What this is not
//! No storage, no scheduling, no emission schedule: the runtime gathers the inputs, calls
//! [`epoch`] and applies the outputs. One mechanism per subnet.
//!
//! # Status
//! Exact against the conformance vectors; the output of [`scenario::replay`] is the frozen
//! `yuma-scenario/1` line format.
//!
//! # Example
//! ```
//! use plexus_yuma::{epoch, fixed::I64F64, Hyperparameters, Inputs};
//!
//! // uid 0 validates and weights uid 1, the miner.
//! let inputs = Inputs {
//!     n: 2,
//!     block: 10,
//!     hyperparameters: Hyperparameters::default(),
//!     stake: vec![I64F64::from_u64(1_000), I64F64::from_u64(0)],
//!     block_at_registration: vec![0, 0],
//!     last_update: vec![5, 5],
//!     validator_permit: vec![true, false],
//!     weights: vec![vec![(1, 65535)], vec![]],
//!     bonds: vec![vec![], vec![]],
//!     owner_uid: None,
//!     last_mechanism_step_block: 0,
//!     rao_emission: 1_000_000_000,
//!     commit_blocks: None,
//! };
//! let out = epoch(&inputs);
//! assert_eq!(out.incentive, vec![0, 65535]);
//! assert_eq!(out.server_emission, vec![0, 500_000_000]);
//! assert_eq!(out.validator_emission, vec![500_000_000, 0]);
//! ```

#![deny(clippy::unwrap_used, clippy::expect_used)]
// Every node must compute bit-identical results: no floats, no clocks, no hash-ordered
// collections. These lints and the disallowed types in clippy.toml enforce it.
#![deny(
    clippy::disallowed_types,
    clippy::float_arithmetic,
    clippy::float_cmp,
    clippy::cast_precision_loss,
    clippy::lossy_float_literal
)]

mod epoch;
pub mod fixed;
pub mod scenario;
mod sparse;

pub use epoch::epoch;
use fixed::{I32F32, I64F64};
use serde::{Deserialize, Serialize};

/// A subnet's epoch hyperparameters, as raw on-chain integers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hyperparameters {
    /// Blocks per epoch; with the cutoff factor gives the activity cutoff.
    pub tempo: u16,
    /// Consensus majority as a u16 proportion.
    pub kappa: u16,
    /// Bonds EMA factor: α = 1 − bonds_moving_average / 1,000,000.
    pub bonds_moving_average: u64,
    /// How much clipping affects bonds, as a u16 proportion.
    pub bonds_penalty: u16,
    /// k of the top-k validator permits.
    pub max_allowed_validators: u16,
    /// Yuma3 bonds instead of classic ones.
    pub yuma3: bool,
    /// Per-entry liquid alpha (Yuma3 only).
    pub liquid_alpha: bool,
    /// Liquid alpha's lower bound, a u16 proportion.
    pub alpha_low: u16,
    /// Liquid alpha's upper bound, a u16 proportion.
    pub alpha_high: u16,
    /// Liquid alpha's sigmoid steepness.
    pub alpha_sigmoid_steepness: i16,
    /// Activity cutoff = max(1, factor × tempo / 1000) blocks.
    pub activity_cutoff_factor_milli: u64,
    /// Stake (RAO) below which a uid counts as stake 0; the owner is exempt.
    pub stake_threshold: u64,
}

impl Default for Hyperparameters {
    /// The reference's unit-test defaults.
    fn default() -> Self {
        Self {
            tempo: 360,
            kappa: 32_767,
            bonds_moving_average: 900_000,
            bonds_penalty: 65_535,
            max_allowed_validators: 64,
            yuma3: false,
            liquid_alpha: false,
            alpha_low: 45_875,
            alpha_high: 58_982,
            alpha_sigmoid_steepness: 1000,
            activity_cutoff_factor_milli: 13_889,
            stake_threshold: 0,
        }
    }
}

/// Everything one epoch reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inputs {
    /// Number of uids; uids are `0..n`.
    pub n: u16,
    /// The current block.
    pub block: u64,
    /// The subnet's hyperparameters.
    pub hyperparameters: Hyperparameters,
    /// Stake weight per uid (alpha stake plus weighted TAO stake), before normalisation.
    pub stake: Vec<I64F64>,
    /// Block at which each uid's current hotkey registered.
    pub block_at_registration: Vec<u64>,
    /// Block of each uid's last weight update.
    pub last_update: Vec<u64>,
    /// Permits from the previous epoch.
    pub validator_permit: Vec<bool>,
    /// Weight rows as stored (max-upscaled u16, caller's order).
    pub weights: Vec<Vec<(u16, u16)>>,
    /// Bond rows as stored.
    pub bonds: Vec<Vec<(u16, u16)>>,
    /// The subnet owner's uid, if registered: its self-weight is kept and it always has a permit.
    pub owner_uid: Option<u16>,
    /// Block of the previous successful epoch, or 0 if unknown (then `block − tempo` is used).
    pub last_mechanism_step_block: u64,
    /// Amount (RAO) this epoch splits.
    pub rao_emission: u64,
    /// With commit-reveal: per uid, the block of its earliest active commit (`u64::MAX` for
    /// none); weights on uids registered after that block are dropped.
    pub commit_blocks: Option<Vec<u64>>,
}

/// Everything one epoch produces. u16 values are proportions (`floor(x × 65535)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outputs {
    /// Normalized stake per uid.
    pub stake_weight: Vec<u16>,
    /// Whether each uid updated its weights within the activity cutoff.
    pub active: Vec<bool>,
    /// Stake-weighted median weight each uid received.
    pub consensus: Vec<u16>,
    /// Share of miner emission.
    pub incentive: Vec<u16>,
    /// Share of validator emission.
    pub dividends: Vec<u16>,
    /// Sum of each validator's clipped weights.
    pub validator_trust: Vec<u16>,
    /// Total RAO per uid (normalized incentive + dividends, or the stake fallback).
    pub emission: Vec<u64>,
    /// Miner RAO per uid.
    pub server_emission: Vec<u64>,
    /// Validator RAO per uid.
    pub validator_emission: Vec<u64>,
    /// New validator permits.
    pub validator_permit: Vec<bool>,
    /// Bond rows to store: the EMA row for uids with a new permit, empty otherwise.
    pub bonds: Vec<Vec<(u16, u16)>>,
}

/// Bonds reset (`do_reset_bonds`): removes column `uid` from every bond row, keeping the other
/// entries in order. The reference does this when a hotkey publishes a metadata commitment on a
/// subnet with bonds reset on, so that the new owner of a uid does not inherit the old bonds.
pub fn reset_bonds(bonds: &mut [Vec<(u16, u16)>], uid: u16) {
    for row in bonds {
        row.retain(|e| e.0 != uid);
    }
}

/// `vec_u16_max_upscale_to_u16`: how `set_weights` scales a row so that its maximum is 65535.
pub fn max_upscale(values: &[u16]) -> Vec<u16> {
    let fixed: Vec<I32F32> = values
        .iter()
        .map(|v| I32F32::from_int(i64::from(*v)))
        .collect();
    let u16_max = I32F32::from_int(i64::from(u16::MAX));
    let Some(&max) = fixed.iter().max() else {
        return Vec::new();
    };
    fixed
        .iter()
        .map(|v| {
            if max == I32F32::ZERO {
                v.saturating_mul(u16_max).to_u16()
            } else if max > I32F32::from_int(32_768) {
                v.saturating_mul(u16_max.safe_div(max)).round().to_u16()
            } else {
                v.saturating_mul(u16_max).safe_div(max).round().to_u16()
            }
        })
        .collect()
}

/// `is_topk_nonzero`: the permits the top `k` non-zero values would get.
pub fn top_k_nonzero(values: &[I32F32], k: usize) -> Vec<bool> {
    sparse::is_topk_nonzero(values, k)
}

/// The stake-weighted median of `score` (see the reference's `weighted_median`), over all
/// indices, with the partition bounds `lo` and `hi`.
pub fn weighted_median(
    stake: &[I32F32],
    score: &[I32F32],
    minority: I32F32,
    lo: I32F32,
    hi: I32F32,
) -> I32F32 {
    let all: Vec<usize> = (0..stake.len()).collect();
    sparse::weighted_median(
        stake,
        score,
        &all,
        minority,
        lo,
        hi,
        &mut sparse::Scratch::default(),
    )
}

/// The stake-weighted median of every column of a dense matrix (rows = validators).
pub fn weighted_median_columns(
    stake: &[I32F32],
    weights: &[Vec<I32F32>],
    kappa: I32F32,
) -> Vec<I32F32> {
    let columns = weights.first().map_or(0, Vec::len);
    let rows: Vec<Vec<(u16, I32F32)>> = weights
        .iter()
        .map(|row| {
            row.iter()
                .enumerate()
                .map(|(j, v)| (u16::try_from(j).unwrap_or(u16::MAX), *v))
                .collect()
        })
        .collect();
    // The selection by radix reads negative scores, which the epoch never has, as 0, and needs
    // stakes the epoch's are like; the reference's route takes any.
    if weights.iter().flatten().any(|v| *v < I32F32::ZERO) || !sparse::radix_select_applies(stake) {
        return sparse::weighted_median_cols_dense(stake, &rows, columns, kappa);
    }
    // Dense rows are ascending.
    sparse::weighted_median_cols(stake, &rows, columns, kappa, true)
}

/// The liquid-alpha factor of one bond entry (`alpha_sigmoid`).
pub fn alpha_sigmoid(
    consensus: I32F32,
    weight: I32F32,
    bond: I32F32,
    alpha_low: u16,
    alpha_high: u16,
    steepness: i16,
) -> I32F32 {
    epoch::alpha_sigmoid(
        consensus,
        weight,
        bond,
        I32F32::from_u16_proportion(alpha_low),
        I32F32::from_u16_proportion(alpha_high),
        I32F32::from_int(i64::from(steepness)),
    )
}
