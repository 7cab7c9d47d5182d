//! Sparse-matrix and vector helpers of the epoch, each with the reference's exact semantics.
//!
//! A matrix is a list of rows; a row is a list of `(column, value)` entries **in stored order**,
//! which is not necessarily ascending and may hold explicit zeros. Columns at or beyond the
//! matrix width are skipped where the reference skips them (every lookup is bounds-checked).

use crate::fixed::{sum, I32F32};

/// One sparse row.
pub(crate) type Row = Vec<(u16, I32F32)>;

fn get(v: &[I32F32], j: u16) -> I32F32 {
    v.get(usize::from(j)).copied().unwrap_or_default()
}

/// Divides every element by the sum, unless the sum is 0.
pub(crate) fn normalize(x: &mut [I32F32]) {
    let total = sum(x.iter().copied());
    if total != I32F32::ZERO {
        x.iter_mut().for_each(|v| *v = v.safe_div(total));
    }
}

/// Divides every element by `total`, unless it is 0.
pub(crate) fn normalize_using_sum(x: &mut [I32F32], total: I32F32) {
    if total != I32F32::ZERO {
        x.iter_mut().for_each(|v| *v = v.safe_div(total));
    }
}

/// `x != 0`, then all but the `k` largest cleared (ties: the lower index is cleared first).
pub(crate) fn is_topk_nonzero(x: &[I32F32], k: usize) -> Vec<bool> {
    let mut result: Vec<bool> = x.iter().map(|v| *v != I32F32::ZERO).collect();
    if x.len() < k {
        return result;
    }
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by_key(|&i| x.get(i).copied().unwrap_or_default());
    for &i in order.iter().take(x.len() - k) {
        if let Some(cell) = result.get_mut(i) {
            *cell = false;
        }
    }
    result
}

/// Each row's entries summed.
pub(crate) fn row_sums(m: &[Row]) -> Vec<I32F32> {
    m.iter().map(|row| sum(row.iter().map(|e| e.1))).collect()
}

/// Each row with a positive sum divided by it.
pub(crate) fn row_normalize(m: &mut [Row]) {
    for row in m.iter_mut() {
        let total = sum(row.iter().map(|e| e.1));
        if total > I32F32::ZERO {
            row.iter_mut().for_each(|e| e.1 = e.1.safe_div(total));
        }
    }
}

/// Each column divided by its (saturating) sum where that is non-zero.
pub(crate) fn col_normalize(m: &mut [Row], columns: usize) {
    let mut sums = vec![I32F32::ZERO; columns];
    for &(j, v) in m.iter().flatten() {
        if let Some(s) = sums.get_mut(usize::from(j)) {
            *s = s.saturating_add(v);
        }
    }
    for e in m.iter_mut().flatten() {
        let denom = get(&sums, e.0);
        if denom != I32F32::ZERO {
            e.1 = e.1.safe_div(denom);
        }
    }
}

/// Each column divided by its maximum where that is non-zero.
pub(crate) fn col_max_upscale(m: &mut [Row], columns: usize) {
    let mut maxes = vec![I32F32::ZERO; columns];
    for &(j, v) in m.iter().flatten() {
        if let Some(mx) = maxes.get_mut(usize::from(j)) {
            if *mx < v {
                *mx = v;
            }
        }
    }
    for e in m.iter_mut().flatten() {
        let denom = get(&maxes, e.0);
        if denom != I32F32::ZERO {
            e.1 = e.1.safe_div(denom);
        }
    }
}

/// Entries `w_ij` clipped to `c_j`; dropped where `c_j < w_ij` and `c_j <= 0`.
pub(crate) fn col_clip(m: &[Row], threshold: &[I32F32]) -> Vec<Row> {
    m.iter()
        .map(|row| {
            row.iter()
                .filter_map(|&(j, v)| {
                    let th = get(threshold, j);
                    if th < v {
                        (th > I32F32::ZERO).then_some((j, th))
                    } else {
                        Some((j, v))
                    }
                })
                .collect()
        })
        .collect()
}

/// `r_j = Σ_i s_i × m_ij` (saturating).
pub(crate) fn matmul(m: &[Row], s: &[I32F32], columns: usize) -> Vec<I32F32> {
    let mut result = vec![I32F32::ZERO; columns];
    for (i, row) in m.iter().enumerate() {
        let scale = s.get(i).copied().unwrap_or_default();
        for &(j, v) in row {
            if let Some(r) = result.get_mut(usize::from(j)) {
                *r = r.saturating_add(scale.saturating_mul(v));
            }
        }
    }
    result
}

/// `d_i = Σ_j m_ij × v_j` (saturating).
pub(crate) fn matmul_transpose(m: &[Row], v: &[I32F32]) -> Vec<I32F32> {
    m.iter()
        .map(|row| {
            row.iter().fold(I32F32::ZERO, |acc, &(j, x)| {
                acc.saturating_add(get(v, j).saturating_mul(x))
            })
        })
        .collect()
}

/// Each entry `m_ij × v_j`, zero products dropped.
pub(crate) fn mat_vec_mul(m: &[Row], v: &[I32F32]) -> Vec<Row> {
    m.iter()
        .map(|row| {
            row.iter()
                .filter_map(|&(j, x)| {
                    let p = x.saturating_mul(*v.get(usize::from(j))?);
                    (p != I32F32::ZERO).then_some((j, p))
                })
                .collect()
        })
        .collect()
}

/// Each row `i` scaled by `v_i`.
pub(crate) fn row_hadamard(m: &[Row], v: &[I32F32]) -> Vec<Row> {
    m.iter()
        .zip(v)
        .map(|(row, &s)| row.iter().map(|&(j, x)| (j, x.saturating_mul(s))).collect())
        .collect()
}

/// `a_i × b_i`, 0 where the product overflows.
pub(crate) fn vec_mul(a: &[I32F32], b: &[I32F32]) -> Vec<I32F32> {
    a.iter()
        .zip(b)
        .map(|(x, y)| x.checked_mul(*y).unwrap_or_default())
        .collect()
}

/// `m1 + ratio × (m2 − m1)` densely, keeping positive entries in ascending column order;
/// `ratio` 0 returns `m1` and 1 returns `m2` unchanged (explicit zeros and order included).
pub(crate) fn interpolate(m1: &[Row], m2: &[Row], columns: usize, ratio: I32F32) -> Vec<Row> {
    if ratio == I32F32::ZERO {
        return m1.to_vec();
    }
    if ratio == I32F32::ONE || m1.len() != m2.len() {
        return m2.to_vec();
    }
    let mut dense1 = vec![I32F32::ZERO; columns];
    let mut dense2 = vec![I32F32::ZERO; columns];
    let mut touched: Vec<u16> = Vec::new();
    m1.iter()
        .zip(m2)
        .map(|(r1, r2)| {
            // Only touched columns can differ from zero; reset them after use.
            for (row, dense) in [(r1, &mut dense1), (r2, &mut dense2)] {
                for &(j, v) in row {
                    if let Some(cell) = dense.get_mut(usize::from(j)) {
                        *cell = v;
                        touched.push(j);
                    }
                }
            }
            touched.sort_unstable();
            touched.dedup();
            let out = touched
                .iter()
                .filter_map(|&j| {
                    let v1 = get(&dense1, j);
                    let v2 = get(&dense2, j);
                    let x = v1.saturating_add(ratio.saturating_mul(v2.saturating_sub(v1)));
                    (x > I32F32::ZERO).then_some((j, x))
                })
                .collect();
            for &j in &touched {
                dense1[usize::from(j)] = I32F32::ZERO;
                dense2[usize::from(j)] = I32F32::ZERO;
            }
            touched.clear();
            out
        })
        .collect()
}

/// `alpha × new + (1 − alpha) × old` over the union of entries, positive results kept in
/// ascending column order (`mat_ema_sparse`).
pub(crate) fn mat_ema(new: &[Row], old: &[Row], alpha: I32F32) -> Vec<Row> {
    let columns = new.len();
    let one_minus_alpha = I32F32::ONE.saturating_sub(alpha);
    let mut acc = vec![I32F32::ZERO; columns];
    let mut touched: Vec<u16> = Vec::new();
    let mut old_rows = old.iter();
    new.iter()
        .map(|new_row| {
            for &(j, v) in new_row {
                if let Some(cell) = acc.get_mut(usize::from(j)) {
                    *cell = cell.saturating_add(alpha.saturating_mul(v));
                    touched.push(j);
                }
            }
            if let Some(old_row) = old_rows.next() {
                for &(j, v) in old_row {
                    if let Some(cell) = acc.get_mut(usize::from(j)) {
                        *cell = cell.saturating_add(one_minus_alpha.saturating_mul(v));
                        touched.push(j);
                    }
                }
            }
            touched.sort_unstable();
            touched.dedup();
            let out = touched
                .iter()
                .filter_map(|&j| {
                    let v = get(&acc, j);
                    (v > I32F32::ZERO).then_some((j, v))
                })
                .collect();
            for &j in &touched {
                acc[usize::from(j)] = I32F32::ZERO;
            }
            touched.clear();
            out
        })
        .collect()
}

/// Stake-weighted median of every column over validators with positive stake
/// (`weighted_median_col_sparse`): the largest score that validators holding more than
/// `majority` of the stake gave at least.
pub(crate) fn weighted_median_cols(
    stake: &[I32F32],
    score: &[Row],
    columns: usize,
    majority: I32F32,
) -> Vec<I32F32> {
    let mut use_stake: Vec<I32F32> = stake
        .iter()
        .copied()
        .filter(|s| *s > I32F32::ZERO)
        .collect();
    normalize(&mut use_stake);
    let stake_sum = sum(use_stake.iter().copied());
    let minority = stake_sum.saturating_sub(majority);
    let n_voters = use_stake.len();
    // Column-major scores of the positive-stake validators (k counts them in uid order).
    let mut use_score = vec![I32F32::ZERO; columns * n_voters];
    let mut k = 0;
    for (s, row) in stake.iter().zip(score) {
        if *s > I32F32::ZERO {
            for &(c, v) in row {
                if usize::from(c) < columns {
                    use_score[usize::from(c) * n_voters + k] = v;
                }
            }
            k += 1;
        }
    }
    let all: Vec<usize> = (0..n_voters).collect();
    let mut scratch = Scratch::default();
    (0..columns)
        .map(|c| {
            let col = &use_score[c * n_voters..(c + 1) * n_voters];
            weighted_median(
                &use_stake,
                col,
                &all,
                minority,
                I32F32::ZERO,
                stake_sum,
                &mut scratch,
            )
        })
        .collect()
}

/// Reusable buffers for [`weighted_median`].
#[derive(Default)]
pub(crate) struct Scratch {
    current: Vec<usize>,
    lower: Vec<usize>,
    upper: Vec<usize>,
}

/// The reference's quickselect-style weighted median, pivoting on the middle element.
pub(crate) fn weighted_median(
    stake: &[I32F32],
    score: &[I32F32],
    partition: &[usize],
    minority: I32F32,
    mut lo: I32F32,
    mut hi: I32F32,
    scratch: &mut Scratch,
) -> I32F32 {
    if stake.len() != score.len() {
        return I32F32::ZERO;
    }
    let at = |v: &[I32F32], i: usize| v.get(i).copied().unwrap_or_default();
    let Scratch {
        current,
        lower,
        upper,
    } = scratch;
    current.clear();
    current.extend_from_slice(partition);
    let limit = partition.len();
    let mut iterations = 0usize;
    loop {
        match current.len() {
            0 => return I32F32::ZERO,
            1 => return at(score, current[0]),
            len => {
                let pivot = at(score, current[len / 2]);
                let (mut lo_stake, mut hi_stake) = (I32F32::ZERO, I32F32::ZERO);
                lower.clear();
                upper.clear();
                for &idx in current.iter() {
                    let s = at(score, idx);
                    if s == pivot {
                        continue;
                    }
                    if s < pivot {
                        lo_stake = lo_stake.saturating_add(at(stake, idx));
                        lower.push(idx);
                    } else {
                        hi_stake = hi_stake.saturating_add(at(stake, idx));
                        upper.push(idx);
                    }
                }
                if minority < lo.saturating_add(lo_stake) && !lower.is_empty() {
                    std::mem::swap(current, lower);
                    hi = lo.saturating_add(lo_stake);
                } else if hi.saturating_sub(hi_stake) <= minority && !upper.is_empty() {
                    std::mem::swap(current, upper);
                    lo = hi.saturating_sub(hi_stake);
                } else {
                    return pivot;
                }
            }
        }
        iterations += 1;
        if iterations > limit {
            return I32F32::ZERO;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::epoch::tests::Gen;

    /// The reference's dense `interpolate_sparse` loop.
    fn naive_interpolate(m1: &[Row], m2: &[Row], columns: usize, ratio: I32F32) -> Vec<Row> {
        if ratio == I32F32::ZERO {
            return m1.to_vec();
        }
        if ratio == I32F32::ONE || m1.len() != m2.len() {
            return m2.to_vec();
        }
        m1.iter()
            .zip(m2)
            .map(|(r1, r2)| {
                let mut d1 = vec![I32F32::ZERO; columns];
                let mut d2 = vec![I32F32::ZERO; columns];
                r1.iter().for_each(|&(j, v)| {
                    if let Some(c) = d1.get_mut(j as usize) {
                        *c = v
                    }
                });
                r2.iter().for_each(|&(j, v)| {
                    if let Some(c) = d2.get_mut(j as usize) {
                        *c = v
                    }
                });
                (0..columns)
                    .filter_map(|j| {
                        let x =
                            d1[j].saturating_add(ratio.saturating_mul(d2[j].saturating_sub(d1[j])));
                        (x > I32F32::ZERO).then_some((j as u16, x))
                    })
                    .collect()
            })
            .collect()
    }

    /// The reference's dense `mat_ema_sparse` loop.
    fn naive_mat_ema(new: &[Row], old: &[Row], alpha: I32F32) -> Vec<Row> {
        let n = new.len();
        let one_minus = I32F32::ONE.saturating_sub(alpha);
        new.iter()
            .enumerate()
            .map(|(i, new_row)| {
                let mut acc = vec![I32F32::ZERO; n];
                for &(j, v) in new_row {
                    if let Some(c) = acc.get_mut(j as usize) {
                        *c = c.saturating_add(alpha.saturating_mul(v));
                    }
                }
                for &(j, v) in old.get(i).map(Vec::as_slice).unwrap_or_default() {
                    if let Some(c) = acc.get_mut(j as usize) {
                        *c = c.saturating_add(one_minus.saturating_mul(v));
                    }
                }
                (0..n)
                    .filter(|&j| acc[j] > I32F32::ZERO)
                    .map(|j| (j as u16, acc[j]))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn test_sparse_shortcuts_match_the_dense_reference_loops() {
        let mut g = Gen(0x0ddb_a11c_0ffe_e123);
        for _ in 0..500 {
            let n = 1 + g.below(10) as usize;
            let m1: Vec<Row> = (0..n).map(|_| g.row(n, true)).collect();
            let m2: Vec<Row> = (0..n).map(|_| g.row(n, true)).collect();
            let ratio = [
                I32F32::ZERO,
                I32F32::ONE,
                I32F32::from_bits(g.below(1 << 32) as i64),
            ][g.below(3) as usize];
            assert_eq!(
                interpolate(&m1, &m2, n, ratio),
                naive_interpolate(&m1, &m2, n, ratio)
            );
            let alpha = I32F32::from_bits(g.below(1 << 32) as i64);
            assert_eq!(mat_ema(&m1, &m2, alpha), naive_mat_ema(&m1, &m2, alpha));
        }
    }
}
