//! The epoch: inputs → masks → consensus → incentive → bonds → dividends → emission.
//!
//! This follows the reference's sparse mechanism (`epoch_mechanism`) step by step; each step's
//! comment names the rule it implements. See the crate documentation for the contract.

use crate::{
    fixed::{exp_safe, sum, I32F32, I64F64},
    sparse::{self, Row},
    Hyperparameters, Inputs, Outputs,
};

/// Per-uid vector of length `n`: truncated, or padded with the default (as the reference reads
/// missing storage as 0 / false).
fn padded<T: Copy + Default>(v: &[T], n: usize) -> Vec<T> {
    let mut out: Vec<T> = v.iter().copied().take(n).collect();
    out.resize(n, T::default());
    out
}

/// Rows of the matrix of width and height `n`: rows beyond `n` are ignored; extra rows are empty.
fn rows_of(
    m: &[Vec<(u16, u16)>],
    n: usize,
    keep: impl Fn(u16) -> bool,
    value: impl Fn(u16) -> I32F32,
) -> Vec<Row> {
    let mut rows: Vec<Row> = m
        .iter()
        .take(n)
        .map(|row| {
            row.iter()
                .filter(|e| keep(e.0))
                .map(|&(j, v)| (j, value(v)))
                .collect()
        })
        .collect();
    rows.resize(n, Vec::new());
    rows
}

/// `1 − bonds_moving_average / 1e6`: the division in I64F64, then narrowed to I32F32.
fn ema_alpha(hp: &Hyperparameters) -> I32F32 {
    let bma = I64F64::from_u64(hp.bonds_moving_average).proportion_of(I64F64::from_u64(1_000_000));
    I32F32::ONE.saturating_sub(I32F32::from_i64f64(bma))
}

/// The liquid-alpha factor of one bond entry.
pub(crate) fn alpha_sigmoid(
    consensus: I32F32,
    weight: I32F32,
    bond: I32F32,
    low: I32F32,
    high: I32F32,
    steepness: I32F32,
) -> I32F32 {
    use crate::fixed::clamp_value;
    let diff_buy = clamp_value(weight.saturating_sub(consensus), I32F32::ZERO, I32F32::ONE);
    let diff_sell = clamp_value(bond.saturating_sub(weight), I32F32::ZERO, I32F32::ONE);
    let diff = if weight >= bond { diff_buy } else { diff_sell };
    let half = I32F32::from_bits(1 << 31);
    let x = steepness
        .saturating_div(I32F32::from_int(-100))
        .saturating_mul(diff.saturating_sub(half));
    let sigmoid = I32F32::ONE.saturating_div(I32F32::ONE.saturating_add(exp_safe(x)));
    let alpha = low.saturating_add(sigmoid.saturating_mul(high.saturating_sub(low)));
    clamp_value(alpha, low, high)
}

/// Dense per-entry alphas, walking each row with a cursor that assumes ascending columns, as
/// the reference does (an unsorted row can hide entries from it).
fn liquid_alphas(
    hp: &Hyperparameters,
    weights: &[Row],
    bonds: &[Row],
    consensus: &[I32F32],
) -> Vec<Vec<I32F32>> {
    let steepness = I32F32::from_int(i64::from(hp.alpha_sigmoid_steepness));
    let low = I32F32::from_u16_proportion(hp.alpha_low);
    let high = I32F32::from_u16_proportion(hp.alpha_high);
    fn cursor(row: &Row, pos: &mut usize, j: u16) -> I32F32 {
        while let Some(&(i, v)) = row.get(*pos) {
            if i < j {
                *pos += 1;
            } else {
                return if i == j { v } else { I32F32::ZERO };
            }
        }
        I32F32::ZERO
    }
    weights
        .iter()
        .zip(bonds)
        .map(|(w_row, b_row)| {
            let (mut wp, mut bp) = (0, 0);
            consensus
                .iter()
                .enumerate()
                .map(|(j, &c)| {
                    let j = u16::try_from(j).unwrap_or(u16::MAX);
                    let w = cursor(w_row, &mut wp, j);
                    let b = cursor(b_row, &mut bp, j);
                    alpha_sigmoid(c, w, b, low, high, steepness)
                })
                .collect()
        })
        .collect()
}

/// Runs one epoch. See the crate documentation.
pub fn epoch(inputs: &Inputs) -> Outputs {
    let n = usize::from(inputs.n);
    let hp = &inputs.hyperparameters;
    let block = inputs.block;
    let owner = inputs.owner_uid.map(usize::from).filter(|&o| o < n);

    // 2.1/2.3 Activity.
    let tempo = u64::from(hp.tempo);
    let activity_cutoff = (hp.activity_cutoff_factor_milli.saturating_mul(tempo) / 1000).max(1);
    let last_update = padded(&inputs.last_update, n);
    let registered = padded(&inputs.block_at_registration, n);
    let inactive: Vec<bool> = last_update
        .iter()
        .map(|u| u.saturating_add(activity_cutoff) < block)
        .collect();

    // 2.2 Stake weight: threshold (owner exempt), normalize in I64F64, narrow to I32F32.
    let mut stake64: Vec<I64F64> = padded(&inputs.stake, n);
    for (i, s) in stake64.iter_mut().enumerate() {
        if owner != Some(i) && s.to_u64() < hp.stake_threshold {
            *s = I64F64::default();
        }
    }
    let total = stake64.iter().fold(I64F64::default(), |a, b| {
        I64F64::from_bits(a.to_bits().saturating_add(b.to_bits()))
    });
    let stake: Vec<I32F32> = stake64
        .iter()
        .map(|s| {
            I32F32::from_i64f64(if total.to_bits() == 0 {
                *s
            } else {
                s.proportion_of(total)
            })
        })
        .collect();

    // 2.3 Permits: previous ones (owner forced) gate this epoch; new ones are the top-k stakes.
    let mut permits = padded(&inputs.validator_permit, n);
    let mut new_permits = sparse::is_topk_nonzero(&stake, usize::from(hp.max_allowed_validators));
    if let Some(o) = owner {
        permits[o] = true;
        new_permits[o] = true;
    }
    let forbid: Vec<bool> = permits.iter().map(|p| !p).collect();

    let mut active_stake = stake.clone();
    for (i, s) in active_stake.iter_mut().enumerate() {
        if inactive[i] || forbid[i] {
            *s = I32F32::ZERO;
        }
    }
    sparse::normalize(&mut active_stake);

    // 2.4 Weights: only columns < n; forbidden rows emptied; diagonal dropped (owner's kept);
    // votes older than the target's registration dropped; commit-reveal mask; row-normalized.
    let n16 = inputs.n;
    let mut weights = rows_of(
        &inputs.weights,
        n,
        |j| j < n16,
        |v| I32F32::from_int(i64::from(v)),
    );
    for (i, row) in weights.iter_mut().enumerate() {
        if forbid[i] {
            row.clear();
            continue;
        }
        let cutoff_block = inputs
            .commit_blocks
            .as_ref()
            .map(|c| c.get(i).copied().unwrap_or(0));
        row.retain(|&(j, _)| {
            let j = usize::from(j);
            let reg = registered.get(j).copied().unwrap_or(0);
            (i != j || owner == Some(i))
                && last_update[i] > reg
                && cutoff_block.is_none_or(|cb| cb >= reg)
        });
    }
    sparse::row_normalize(&mut weights);

    // 2.5 Consensus, clipping, validator trust, incentive.
    let kappa = I32F32::from_u16_proportion(hp.kappa);
    let consensus = sparse::weighted_median_cols(&active_stake, &weights, n, kappa);
    let clipped = sparse::col_clip(&weights, &consensus);
    let validator_trust = sparse::row_sums(&clipped);
    let mut incentive = sparse::matmul(&clipped, &active_stake, n);
    sparse::normalize(&mut incentive);

    // 2.6 Bonds, common part.
    let penalty = I32F32::from_u16_proportion(hp.bonds_penalty);
    let weights_for_bonds = sparse::interpolate(&weights, &clipped, n, penalty);
    let last_tempo = if inputs.last_mechanism_step_block == 0 {
        block.saturating_sub(tempo)
    } else {
        inputs.last_mechanism_step_block.saturating_add(1)
    };
    let recently_registered =
        |j: u16| last_tempo <= registered.get(usize::from(j)).copied().unwrap_or(0);

    let (mut dividends, ema_bonds) = if hp.yuma3 {
        // 2.8 Yuma3: bonds as proportions, EMA on the weights themselves.
        let mut bonds = rows_of(
            &inputs.bonds,
            n,
            |_| true,
            |v| I32F32::from_int(i64::from(v)).safe_div(I32F32::from_int(i64::from(u16::MAX))),
        );
        bonds
            .iter_mut()
            .for_each(|row| row.retain(|&(j, _)| !recently_registered(j)));
        let liquid = hp.liquid_alpha && consensus.iter().any(|c| *c != I32F32::ZERO);
        let ema = if liquid {
            let alphas = liquid_alphas(hp, &weights_for_bonds, &bonds, &consensus);
            sparse::mat_ema_alpha(&weights_for_bonds, &bonds, &alphas)
        } else {
            sparse::mat_ema(&weights_for_bonds, &bonds, ema_alpha(hp))
        };
        let mut ema_norm = ema.clone();
        sparse::col_normalize(&mut ema_norm, n);
        let per_validator = sparse::row_sums(&sparse::mat_vec_mul(&ema_norm, &incentive));
        (sparse::vec_mul(&per_validator, &active_stake), ema)
    } else {
        // 2.7 Classic: column-normalized bonds, stake-scaled column-normalized delta.
        let mut bonds = rows_of(
            &inputs.bonds,
            n,
            |_| true,
            |v| I32F32::from_int(i64::from(v)),
        );
        bonds
            .iter_mut()
            .for_each(|row| row.retain(|&(j, _)| !recently_registered(j)));
        sparse::col_normalize(&mut bonds, n);
        let mut delta = sparse::row_hadamard(&weights_for_bonds, &active_stake);
        sparse::col_normalize(&mut delta, n);
        let mut ema = sparse::mat_ema(&delta, &bonds, ema_alpha(hp));
        sparse::col_normalize(&mut ema, n);
        let dividends = sparse::matmul_transpose(&ema, &incentive);
        sparse::col_max_upscale(&mut ema, n);
        (dividends, ema)
    };
    sparse::normalize(&mut dividends);

    // 2.9 Emission split, with the stake fallback when nobody earned anything.
    let combined: Vec<I32F32> = incentive
        .iter()
        .zip(&dividends)
        .map(|(i, d)| i.saturating_add(*d))
        .collect();
    let emission_sum = sum(combined.iter().copied());
    let mut server_share = incentive.clone();
    let mut validator_share = dividends.clone();
    let mut combined_share = combined;
    sparse::normalize_using_sum(&mut server_share, emission_sum);
    sparse::normalize_using_sum(&mut validator_share, emission_sum);
    sparse::normalize(&mut combined_share);
    if emission_sum == I32F32::ZERO {
        let fallback = if sum(active_stake.iter().copied()) == I32F32::ZERO {
            &stake
        } else {
            &active_stake
        };
        validator_share.clone_from(fallback);
        combined_share.clone_from(fallback);
    }
    let rao = |share: &[I32F32]| -> Vec<u64> {
        share
            .iter()
            .map(|s| share_of(*s, inputs.rao_emission))
            .collect()
    };

    let to_u16 = |v: &[I32F32]| -> Vec<u16> { v.iter().map(|x| x.to_u16_proportion()).collect() };
    let bonds = ema_bonds
        .iter()
        .zip(&new_permits)
        .map(|(row, permit)| {
            if *permit {
                row.iter()
                    .map(|&(j, v)| (j, v.to_u16_proportion()))
                    .collect()
            } else {
                Vec::new()
            }
        })
        .collect();

    Outputs {
        stake_weight: to_u16(&stake),
        active: inactive.iter().map(|i| !i).collect(),
        consensus: to_u16(&consensus),
        incentive: to_u16(&incentive),
        dividends: to_u16(&dividends),
        validator_trust: to_u16(&validator_trust),
        emission: rao(&combined_share),
        server_emission: rao(&server_share),
        validator_emission: rao(&validator_share),
        validator_permit: new_permits,
        bonds,
    }
}

/// `floor(share × amount)` as the reference computes it in I96F32: exact, since the amount is
/// an integer; saturating at `u64::MAX`, 0 for negative shares.
fn share_of(share: I32F32, amount: u64) -> u64 {
    let Ok(bits) = u128::try_from(share.to_bits()) else {
        return 0;
    };
    u64::try_from((bits * u128::from(amount)) >> 32).unwrap_or(u64::MAX)
}
