//! The epoch: inputs → masks → consensus → incentive → bonds → dividends → emission.
//!
//! This follows the reference's sparse mechanism (`epoch_mechanism`) step by step; each step's
//! comment names the rule it implements. See the crate documentation for the contract.

use crate::{
    fixed::{exp_safe, sum, U16Divisor, I32F32, I64F64},
    sparse::{self, ColumnDivisors, Row},
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
            let entries = row
                .iter()
                .filter(|e| keep(e.0))
                .map(|&(j, v)| (j, value(v)));
            sparse::collect_row(row.len(), entries)
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

/// Yuma3's EMA with liquid alpha: `mat_ema_alpha_sparse` over per-entry alphas from
/// `alpha_sigmoid`.
///
/// The reference computes a dense alpha matrix by walking each row with cursors that assume
/// ascending columns (so an unsorted row can hide entries from them), then reads it only at the
/// columns of the new row. This computes alpha at exactly those columns: the cursors' positions
/// depend only on the largest column asked so far, so skipping the others changes nothing, and
/// the cost follows the number of weights instead of n².
fn liquid_ema(hp: &Hyperparameters, new: &[Row], old: &[Row], consensus: &[I32F32]) -> Vec<Row> {
    let steepness = I32F32::from_int(i64::from(hp.alpha_sigmoid_steepness));
    let low = I32F32::from_u16_proportion(hp.alpha_low);
    let high = I32F32::from_u16_proportion(hp.alpha_high);
    let columns = consensus.len();
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
    let mut alpha = vec![I32F32::ZERO; columns];
    let mut decayed = vec![I32F32::ZERO; columns];
    let mut asked: Vec<u16> = Vec::new();
    new.iter()
        .zip(old)
        .map(|(new_row, old_row)| {
            asked.clear();
            asked.extend(
                new_row
                    .iter()
                    .map(|e| e.0)
                    .filter(|&j| usize::from(j) < columns),
            );
            asked.sort_unstable();
            asked.dedup();
            let (mut wp, mut bp) = (0, 0);
            for &j in &asked {
                let w = cursor(new_row, &mut wp, j);
                let b = cursor(old_row, &mut bp, j);
                let c = consensus[usize::from(j)];
                alpha[usize::from(j)] = alpha_sigmoid(c, w, b, low, high, steepness);
                decayed[usize::from(j)] = I32F32::ZERO;
            }
            for &(j, v) in old_row {
                // Only columns of the new row are read below; others may hold stale values.
                if asked.binary_search(&j).is_ok() {
                    let a = alpha[usize::from(j)];
                    decayed[usize::from(j)] = I32F32::ONE.saturating_sub(a).saturating_mul(v);
                }
            }
            let entries = new_row
                .iter()
                .filter(|e| usize::from(e.0) < columns)
                .filter_map(|&(j, v)| {
                    let inc = alpha[usize::from(j)].saturating_mul(v).max(I32F32::ZERO);
                    let x = decayed[usize::from(j)].saturating_add(inc).min(I32F32::ONE);
                    (x > I32F32::ZERO).then_some((j, x))
                });
            sparse::collect_row(new_row.len(), entries)
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
    // One filtering pass applies every mask (they commute and keep the entries' order).
    let commit_blocks = inputs.commit_blocks.as_deref();
    // Whether every row is strictly ascending, which the fast routes below need.
    let mut ascending = true;
    let weights: Vec<Row> = (0..n)
        .map(|i| {
            let row = inputs.weights.get(i).map_or(&[][..], Vec::as_slice);
            if forbid[i] {
                return Vec::new();
            }
            let commit_block = commit_blocks.map_or(u64::MAX, |c| c.get(i).copied().unwrap_or(0));
            // Votes count for targets registered before the row's last update and at or before
            // its commit block: one comparison with the smaller bound. A saturated bound is
            // still exact, because the first condition alone excludes u64::MAX.
            let registered_before = last_update[i].min(commit_block.saturating_add(1));
            // The owner keeps its self-weight.
            let self_column = if owner == Some(i) { usize::MAX } else { i };
            let mut kept = Vec::with_capacity(row.len());
            // The smallest column the next entry may have in an ascending row.
            let mut next = 0;
            // Locals, which stay in registers through the loop, unlike the captured ones.
            let (registered, mut row_ascending, mut total) = (registered.as_slice(), true, 0u64);
            kept.extend(row.iter().filter_map(|&(j, v)| {
                // None for j >= n.
                let reg = *registered.get(usize::from(j))?;
                let keep = usize::from(j) != self_column && reg < registered_before;
                keep.then(|| {
                    row_ascending &= u32::from(j) >= next;
                    next = u32::from(j) + 1;
                    total += u64::from(v);
                    (j, I32F32::from_int(i64::from(v)))
                })
            }));
            ascending &= row_ascending;
            // Normalized while the row is in cache.
            sparse::normalize_weights_row(&mut kept, total);
            kept
        })
        .collect();

    // 2.5 Consensus, clipping, validator trust, incentive.
    let kappa = I32F32::from_u16_proportion(hp.kappa);
    let consensus = sparse::weighted_median_cols(&active_stake, &weights, n, kappa, ascending);
    let penalty = I32F32::from_u16_proportion(hp.bonds_penalty);
    // With the default penalty of 1 the unclipped weights are not needed again: clip in place.
    let (weights, mut clipped) = if penalty == I32F32::ONE {
        (Vec::new(), weights)
    } else {
        let clipped = weights.clone();
        (weights, clipped)
    };
    // Classic bonds with the default penalty need the clipped weights only scaled by stake, and
    // the ranks are those very products summed by column: produce both in one pass.
    let scaled_for_bonds = !hp.yuma3 && penalty == I32F32::ONE;
    let (validator_trust, ranks) = sparse::col_clip_row_sums_matmul(
        &mut clipped,
        &consensus,
        &active_stake,
        n,
        scaled_for_bonds,
    );
    let mut incentive = ranks.clone();
    sparse::normalize(&mut incentive);

    // 2.6 Bonds, common part.
    let weights_for_bonds = sparse::interpolate(weights, clipped, n, penalty);
    let last_tempo = if inputs.last_mechanism_step_block == 0 {
        block.saturating_sub(tempo)
    } else {
        inputs.last_mechanism_step_block.saturating_add(1)
    };
    let recently_registered =
        |j: u16| last_tempo <= registered.get(usize::from(j)).copied().unwrap_or(0);

    let (mut dividends, bonds) = if hp.yuma3 {
        // 2.8 Yuma3: bonds as proportions, EMA on the weights themselves.
        let bonds = rows_of(
            &inputs.bonds,
            n,
            |j| !recently_registered(j),
            |v| I32F32::from_int(i64::from(v)).safe_div(I32F32::from_int(i64::from(u16::MAX))),
        );
        let liquid = hp.liquid_alpha && consensus.iter().any(|c| *c != I32F32::ZERO);
        let (ema, sums) = if liquid {
            let ema = liquid_ema(hp, &weights_for_bonds, &bonds, &consensus);
            let sums = sparse::col_sums(&ema, n);
            (ema, sums)
        } else {
            let (ema, sums, _) = sparse::mat_ema(
                weights_for_bonds,
                |_, v| v,
                &bonds,
                |_, v| Some(v),
                ema_alpha(hp),
                false,
            );
            (ema, sums)
        };
        let per_validator = sparse::col_normalized_row_dot(&ema, &sums, &incentive);
        let stored = ema
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
        (sparse::vec_mul(&per_validator, &active_stake), stored)
    } else {
        // 2.7 Classic: column-normalized bonds, stake-scaled column-normalized delta. The
        // stored bond rows are read in place and both normalisations are done as the EMA reads
        // the entries.
        let stored_bonds = &inputs.bonds[..inputs.bonds.len().min(n)];
        let kept: Vec<bool> = (0..n).map(|j| !recently_registered(j as u16)).collect();
        // Summed as integers: no sum of u16s held in memory reaches 2⁶⁴, and the saturating
        // I32F32 sum of non-negative integers is `from_int` of theirs, which saturates alike.
        let mut bond_sums = vec![0u64; n];
        let mut bonds_ascending = true;
        for row in stored_bonds {
            let mut next = 0;
            for &(j, v) in row {
                bonds_ascending &= u32::from(j) >= next;
                next = u32::from(j) + 1;
                // Dropped columns are summed too: their divisor ignores the sum.
                if let Some(s) = bond_sums.get_mut(usize::from(j)) {
                    *s += u64::from(v);
                }
            }
        }
        // A column whose bonds are dropped divides them by 0, which gives 0: the EMA adds a zero
        // term, keeps only positive results, and so gives what it gives without the entry.
        let bond_divisors: Vec<U16Divisor> = bond_sums
            .iter()
            .zip(&kept)
            .map(|(&s, &kept)| {
                let s = I32F32::from_int(i64::try_from(s).unwrap_or(i64::MAX));
                U16Divisor::new(if kept {
                    sparse::column_divisor(s).get()
                } else {
                    I32F32::ZERO
                })
            })
            .collect();
        let (delta, delta_sums) = if scaled_for_bonds {
            (weights_for_bonds, ranks)
        } else {
            sparse::row_hadamard_col_sums(weights_for_bonds, &active_stake, n)
        };
        let delta_divisors = ColumnDivisors::new(&delta_sums);
        let (ema, sums, maxes) = sparse::mat_ema(
            delta,
            |j, v| delta_divisors.divide(j, v),
            stored_bonds,
            // Columns at or beyond n are dropped by the EMA anyway.
            |j, v| Some(bond_divisors.get(usize::from(j))?.divide(v)),
            ema_alpha(hp),
            // The delta's rows keep the weights' order.
            ascending && bonds_ascending,
        );
        sparse::col_normalize_dot_upscale(&ema, &sums, &maxes, &incentive, &new_permits)
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small deterministic generator (xorshift) for property tests.
    pub(crate) struct Gen(pub(crate) u64);

    impl Gen {
        pub(crate) fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        pub(crate) fn below(&mut self, n: u64) -> u64 {
            self.next() % n.max(1)
        }

        /// A sparse row, half the time strictly ascending, otherwise in random order with
        /// duplicates; with explicit zeros and, if `wide`, columns beyond `n`.
        pub(crate) fn row(&mut self, n: usize, wide: bool) -> Row {
            let len = self.below(n as u64 + 2);
            let sorted = self.below(2) == 0;
            let mut row: Row = (0..len)
                .map(|_| {
                    let limit = if wide { n as u64 + 3 } else { n as u64 };
                    let j = self.below(limit) as u16;
                    let v = match self.below(5) {
                        0 => I32F32::ZERO,
                        1 => I32F32::ONE,
                        _ => I32F32::from_bits(self.below(1 << 32) as i64),
                    };
                    (j, v)
                })
                .collect();
            if sorted {
                row.sort_by_key(|e| e.0);
                row.dedup_by_key(|e| e.0);
            }
            row
        }
    }

    /// The reference's dense liquid-alpha path, loop for loop: alphas for every column through
    /// the cursors, then `mat_ema_alpha_sparse`.
    pub(crate) fn naive_liquid_ema(
        hp: &Hyperparameters,
        new: &[Row],
        old: &[Row],
        consensus: &[I32F32],
    ) -> Vec<Row> {
        let steepness = I32F32::from_int(i64::from(hp.alpha_sigmoid_steepness));
        let low = I32F32::from_u16_proportion(hp.alpha_low);
        let high = I32F32::from_u16_proportion(hp.alpha_high);
        let alphas: Vec<Vec<I32F32>> = new
            .iter()
            .zip(old)
            .map(|(w_row, b_row)| {
                let mut w_it = w_row.iter().peekable();
                let mut b_it = b_row.iter().peekable();
                (0..consensus.len())
                    .map(|jp| {
                        let j = jp as u16;
                        let mut w = I32F32::ZERO;
                        while let Some(&&(i, v)) = w_it.peek() {
                            if i < j {
                                w_it.next();
                            } else {
                                if i == j {
                                    w = v;
                                }
                                break;
                            }
                        }
                        let mut b = I32F32::ZERO;
                        while let Some(&&(i, v)) = b_it.peek() {
                            if i < j {
                                b_it.next();
                            } else {
                                if i == j {
                                    b = v;
                                }
                                break;
                            }
                        }
                        alpha_sigmoid(consensus[jp], w, b, low, high, steepness)
                    })
                    .collect()
            })
            .collect();
        new.iter()
            .zip(old)
            .zip(&alphas)
            .map(|((new_row, old_row), alpha_row)| {
                let mut decayed = vec![I32F32::ZERO; alpha_row.len()];
                for &(j, v) in old_row {
                    if let (Some(&a), Some(cell)) =
                        (alpha_row.get(j as usize), decayed.get_mut(j as usize))
                    {
                        *cell = I32F32::ONE.saturating_sub(a).saturating_mul(v);
                    }
                }
                new_row
                    .iter()
                    .filter_map(|&(j, v)| {
                        let a = *alpha_row.get(j as usize)?;
                        let d = *decayed.get(j as usize)?;
                        let x = d
                            .saturating_add(a.saturating_mul(v).max(I32F32::ZERO))
                            .min(I32F32::ONE);
                        (x > I32F32::ZERO).then_some((j, x))
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn test_liquid_ema_matches_the_dense_reference_loops() {
        let mut g = Gen(0x1234_5678_9abc_def1);
        let hp = Hyperparameters::default();
        for _ in 0..300 {
            let n = 1 + g.below(12) as usize;
            let new: Vec<Row> = (0..n).map(|_| g.row(n, false)).collect();
            let old: Vec<Row> = (0..n).map(|_| g.row(n, true)).collect();
            let consensus: Vec<I32F32> = (0..n)
                .map(|_| I32F32::from_bits(g.below(1 << 32) as i64))
                .collect();
            assert_eq!(
                liquid_ema(&hp, &new, &old, &consensus),
                naive_liquid_ema(&hp, &new, &old, &consensus)
            );
        }
    }

    fn base_inputs(n: u16) -> Inputs {
        Inputs {
            n,
            block: 100,
            hyperparameters: Hyperparameters::default(),
            stake: (0..n)
                .map(|i| I64F64::from_u64(u64::from(i) * 1000 + 1))
                .collect(),
            block_at_registration: vec![0; usize::from(n)],
            last_update: vec![50; usize::from(n)],
            validator_permit: vec![true; usize::from(n)],
            weights: (0..n).map(|i| vec![((i + 1) % n, 65535)]).collect(),
            bonds: vec![Vec::new(); usize::from(n)],
            owner_uid: None,
            last_mechanism_step_block: 0,
            rao_emission: 1_000_000_000,
            commit_blocks: None,
        }
    }

    #[test]
    fn test_inconsistent_inputs_are_padded_truncated_or_skipped() {
        let mut inputs = base_inputs(4);
        // Short and long per-uid vectors, rows beyond n, columns beyond n, duplicate dests.
        inputs.stake.truncate(2);
        inputs.last_update.push(7);
        inputs.validator_permit.truncate(1);
        inputs.block_at_registration = vec![];
        inputs.weights = vec![
            vec![(1, 10), (1, 20), (9, 5)],
            vec![(0, 1)],
            vec![],
            vec![],
            vec![(0, 1)],
        ];
        inputs.bonds = vec![vec![(70, 5), (1, 9)], vec![], vec![], vec![], vec![(0, 1)]];
        inputs.owner_uid = Some(40);
        inputs.commit_blocks = Some(vec![1]);
        let out = epoch(&inputs);
        for v in [
            &out.consensus,
            &out.incentive,
            &out.dividends,
            &out.validator_trust,
        ] {
            assert_eq!(v.len(), 4);
        }
        assert_eq!(out.emission.len(), 4);
        assert_eq!(out.bonds.len(), 4);
        // Only uid 0 had a previous permit, so only its (duplicated) weights count: uid 1 earns all.
        assert_eq!(out.incentive, vec![0, 65535, 0, 0]);
        assert_eq!(out.server_emission[1], 500_000_000);
    }

    #[test]
    fn test_random_inputs_never_panic_and_conserve_emission() {
        let mut g = Gen(0xfeed_beef_0bad_cafe);
        for round in 0..200 {
            let n = 1 + g.below(20) as u16;
            let mut inputs = base_inputs(n);
            let nn = usize::from(n);
            inputs.hyperparameters.yuma3 = round % 2 == 0;
            inputs.hyperparameters.liquid_alpha = round % 3 == 0;
            inputs.hyperparameters.bonds_penalty = [0, 32768, 65535][round % 3];
            inputs.hyperparameters.max_allowed_validators = 1 + g.below(8) as u16;
            inputs.owner_uid = (round % 4 == 0).then(|| g.below(u64::from(n) + 2) as u16);
            inputs.stake = (0..nn)
                .map(|_| I64F64::from_u64(g.below(1 << 40)))
                .collect();
            inputs.last_update = (0..nn).map(|_| g.below(120)).collect();
            inputs.block_at_registration = (0..nn).map(|_| g.below(120)).collect();
            inputs.validator_permit = (0..nn).map(|_| g.below(3) > 0).collect();
            let to_u16 = |row: Row| {
                row.into_iter()
                    .map(|(j, v)| (j, v.to_u16_proportion()))
                    .collect()
            };
            inputs.weights = (0..nn).map(|_| to_u16(g.row(nn, true))).collect();
            inputs.bonds = (0..nn).map(|_| to_u16(g.row(nn, true))).collect();
            let out = epoch(&inputs);
            let total: u64 = out
                .server_emission
                .iter()
                .chain(&out.validator_emission)
                .sum();
            // Each share is floored separately: at most one RAO lost per uid and side.
            assert!(total <= inputs.rao_emission, "round {round}: {total}");
            assert!(
                total + 2 * u64::from(n) >= inputs.rao_emission || total == 0,
                "round {round}: {total}"
            );
        }
    }

    /// The epoch composed step by step from the reference's own loops (the dense weighted
    /// median, dense interpolation and EMAs, unfused normalisations), to check the fused and
    /// sparse production path against.
    fn naive_epoch(inputs: &Inputs) -> (Vec<I32F32>, Vec<I32F32>, Vec<I32F32>, Vec<Row>) {
        use crate::sparse::tests as naive;
        let n = usize::from(inputs.n);
        let hp = &inputs.hyperparameters;
        let owner = inputs.owner_uid.map(usize::from).filter(|&o| o < n);
        let cutoff = (hp
            .activity_cutoff_factor_milli
            .saturating_mul(u64::from(hp.tempo))
            / 1000)
            .max(1);
        let last_update = padded(&inputs.last_update, n);
        let registered = padded(&inputs.block_at_registration, n);
        let mut stake64 = padded(&inputs.stake, n);
        for (i, s) in stake64.iter_mut().enumerate() {
            if owner != Some(i) && s.to_u64() < hp.stake_threshold {
                *s = I64F64::default();
            }
        }
        let total = stake64.iter().fold(I64F64::default(), |a, b| {
            I64F64::from_bits(a.to_bits() + b.to_bits())
        });
        let stake: Vec<I32F32> = stake64
            .iter()
            .map(|s| I32F32::from_i64f64(s.proportion_of(total)))
            .collect();
        let mut permits = padded(&inputs.validator_permit, n);
        if let Some(o) = owner {
            permits[o] = true;
        }
        let mut active: Vec<I32F32> = (0..n)
            .map(|i| {
                if last_update[i] + cutoff < inputs.block || !permits[i] {
                    I32F32::ZERO
                } else {
                    stake[i]
                }
            })
            .collect();
        sparse::normalize(&mut active);
        // Weights: load, then each mask in the reference's order.
        let mut w: Vec<Row> = (0..n)
            .map(|i| {
                inputs.weights.get(i).map_or(Vec::new(), |r| {
                    r.iter()
                        .filter(|e| usize::from(e.0) < n)
                        .map(|&(j, v)| (j, I32F32::from_int(i64::from(v))))
                        .collect()
                })
            })
            .collect();
        for (i, row) in w.iter_mut().enumerate() {
            if !permits[i] {
                row.clear();
            }
            row.retain(|e| usize::from(e.0) != i || owner == Some(i));
            row.retain(|e| last_update[i] > registered[usize::from(e.0)]);
        }
        w.iter_mut().for_each(naive::normalize_row);
        let kappa = I32F32::from_u16_proportion(hp.kappa);
        let consensus = sparse::weighted_median_cols_dense(&active, &w, n, kappa);
        let clipped = naive::col_clip(&w, &consensus);
        let mut incentive = naive::matmul(&clipped, &active, n);
        sparse::normalize(&mut incentive);
        let penalty = I32F32::from_u16_proportion(hp.bonds_penalty);
        let wfb = naive::naive_interpolate(&w, &clipped, n, penalty);
        let last_tempo = inputs.block.saturating_sub(u64::from(hp.tempo));
        let fresh = |j: u16| last_tempo <= registered.get(usize::from(j)).copied().unwrap_or(0);
        let load = |scale: bool| -> Vec<Row> {
            (0..n)
                .map(|i| {
                    inputs.bonds.get(i).map_or(Vec::new(), |r| {
                        r.iter()
                            .map(|&(j, v)| {
                                let x = I32F32::from_int(i64::from(v));
                                (
                                    j,
                                    if scale {
                                        x.safe_div(I32F32::from_int(65535))
                                    } else {
                                        x
                                    },
                                )
                            })
                            .filter(|e| !fresh(e.0))
                            .collect()
                    })
                })
                .collect()
        };
        let (mut dividends, ema) = if hp.yuma3 {
            let bonds = load(true);
            let ema = if hp.liquid_alpha && consensus.iter().any(|c| *c != I32F32::ZERO) {
                naive_liquid_ema(hp, &wfb, &bonds, &consensus)
            } else {
                naive::naive_mat_ema(&wfb, &bonds, ema_alpha(hp))
            };
            let mut norm = ema.clone();
            naive::col_normalize(&mut norm, n);
            let per = naive::row_sums(&naive::mat_vec_mul(&norm, &incentive));
            (sparse::vec_mul(&per, &active), ema)
        } else {
            let mut bonds = load(false);
            naive::col_normalize(&mut bonds, n);
            let mut delta: Vec<Row> = wfb
                .iter()
                .zip(&active)
                .map(|(r, s)| r.iter().map(|&(j, x)| (j, x.saturating_mul(*s))).collect())
                .collect();
            naive::col_normalize(&mut delta, n);
            let mut ema = naive::naive_mat_ema(&delta, &bonds, ema_alpha(hp));
            naive::col_normalize(&mut ema, n);
            let d = naive::matmul_transpose(&ema, &incentive);
            naive::col_max_upscale(&mut ema, n);
            (d, ema)
        };
        sparse::normalize(&mut dividends);
        (consensus, incentive, dividends, ema)
    }

    #[test]
    fn test_epoch_matches_the_unfused_reference_composition() {
        let mut g = Gen(0x0123_4567_89ab_cdef);
        for round in 0..400 {
            let n = 1 + g.below(24) as u16;
            let nn = usize::from(n);
            let mut inputs = base_inputs(n);
            inputs.hyperparameters.yuma3 = (round / 2) % 2 == 0;
            inputs.hyperparameters.liquid_alpha = (round / 2) % 4 == 0;
            inputs.hyperparameters.bonds_penalty = [0, 32768, 65535, 1][(round / 3) % 4];
            inputs.hyperparameters.kappa = [32_767, 0, 65_535, 20_000][(round / 4) % 4];
            // With a shorter tempo the bonds on columns registered before the last epoch stay.
            inputs.hyperparameters.tempo = [360, 60, 20][(round / 8) % 3];
            inputs.owner_uid = (round % 3 == 0).then(|| g.below(u64::from(n)) as u16);
            inputs.stake = (0..nn)
                .map(|_| I64F64::from_u64(g.below(1 << 40)))
                .collect();
            inputs.last_update = (0..nn).map(|_| 60 + g.below(60)).collect();
            inputs.block_at_registration = (0..nn).map(|_| g.below(100)).collect();
            inputs.validator_permit = (0..nn).map(|_| g.below(4) > 0).collect();
            let to_u16 = |row: Row| -> Vec<(u16, u16)> {
                row.into_iter()
                    .map(|(j, v)| (j, v.to_u16_proportion()))
                    .collect()
            };
            let mut row = |sorted: bool| {
                let mut r = g.row(nn, true);
                if sorted {
                    r.sort_by_key(|e| e.0);
                    r.dedup_by_key(|e| e.0);
                }
                to_u16(r)
            };
            // Every other round has only ascending rows, the stored shape the fast paths need.
            let sorted = round % 2 == 1;
            inputs.weights = (0..nn).map(|_| row(sorted)).collect();
            inputs.bonds = (0..nn).map(|_| row(sorted)).collect();
            let (consensus, incentive, dividends, ema) = naive_epoch(&inputs);
            let out = epoch(&inputs);
            let u16s =
                |v: &[I32F32]| -> Vec<u16> { v.iter().map(|x| x.to_u16_proportion()).collect() };
            assert_eq!(out.consensus, u16s(&consensus), "round {round}: consensus");
            assert_eq!(out.incentive, u16s(&incentive), "round {round}: incentive");
            assert_eq!(out.dividends, u16s(&dividends), "round {round}: dividends");
            for (i, row) in ema.iter().enumerate() {
                let expected: Vec<(u16, u16)> = if out.validator_permit[i] {
                    row.iter()
                        .map(|&(j, v)| (j, v.to_u16_proportion()))
                        .collect()
                } else {
                    Vec::new()
                };
                assert_eq!(out.bonds[i], expected, "round {round}: bonds of uid {i}");
            }
        }
    }
}
