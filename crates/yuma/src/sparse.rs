//! Sparse-matrix and vector helpers of the epoch, each with the reference's exact semantics.
//!
//! A matrix is a list of rows; a row is a list of `(column, value)` entries **in stored order**,
//! which is not necessarily ascending and may hold explicit zeros. Columns at or beyond the
//! matrix width are skipped where the reference skips them (every lookup is bounds-checked).

use crate::fixed::{sum, Divisor, Factor, U16Divisor, Upscale, I32F32};

/// One sparse row.
pub(crate) type Row = Vec<(u16, I32F32)>;

fn get(v: &[I32F32], j: u16) -> I32F32 {
    v.get(usize::from(j)).copied().unwrap_or_default()
}

/// A row from an iterator of at most `capacity` entries, allocated once.
pub(crate) fn collect_row(capacity: usize, entries: impl Iterator<Item = (u16, I32F32)>) -> Row {
    let mut row = Vec::with_capacity(capacity);
    row.extend(entries);
    row
}

/// Whether a row's columns are strictly ascending (so it has no repeated column).
pub(crate) fn is_ascending<T>(row: &[(u16, T)]) -> bool {
    row.windows(2).all(|w| w[0].0 < w[1].0)
}

/// Divides every element by the sum, unless the sum is 0.
pub(crate) fn normalize(x: &mut [I32F32]) {
    let total = sum(x.iter().copied());
    normalize_using_sum(x, total);
}

/// Divides every element by `total`, unless it is 0.
pub(crate) fn normalize_using_sum(x: &mut [I32F32], total: I32F32) {
    if total != I32F32::ZERO {
        let d = Divisor::new(total);
        x.iter_mut().for_each(|v| *v = d.safe_div_into(*v));
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

/// A row of stored weights (each entry `I32F32::from_int` of a u16) with a positive sum divided
/// by it, as the reference's `normalize_row` does: the entries' integer parts are the u16s, and
/// `integer_sum` theirs. The reference's wrapping sum of the entries is that sum times 2³², wrapped.
pub(crate) fn normalize_weights_row(row: &mut Row, integer_sum: u64) {
    let total = I32F32::from_bits((integer_sum << 32) as i64);
    if total > I32F32::ZERO {
        let d = U16Divisor::new(total);
        row.iter_mut()
            .for_each(|e| e.1 = d.divide((e.1.to_bits() >> 32) as u16));
    }
}

/// Each column's (saturating) sum; entries beyond `columns` are skipped.
pub(crate) fn col_sums(m: &[Row], columns: usize) -> Vec<I32F32> {
    let mut sums = vec![I32F32::ZERO; columns];
    for row in m {
        for &(j, v) in row {
            if let Some(s) = sums.get_mut(usize::from(j)) {
                *s = s.saturating_add(v);
            }
        }
    }
    sums
}

/// One divisor per column, as the reference's column normalisations apply them: entries of a
/// column whose divisor is 0, or beyond the table, are left as they are.
pub(crate) struct ColumnDivisors(Vec<Divisor>);

/// Division by `d` as a column normalisation applies it: a zero `d` leaves the entries as
/// they are, as division by 1 does.
pub(crate) fn column_divisor(d: I32F32) -> Divisor {
    Divisor::new(if d == I32F32::ZERO { I32F32::ONE } else { d })
}

impl ColumnDivisors {
    pub(crate) fn new(divisors: &[I32F32]) -> Self {
        Self(divisors.iter().map(|&d| column_divisor(d)).collect())
    }

    #[inline]
    pub(crate) fn divide(&self, j: u16, v: I32F32) -> I32F32 {
        match self.0.get(usize::from(j)) {
            Some(d) => d.safe_div_into(v),
            None => v,
        }
    }
}

/// Clips `m` in place (`col_clip`: `w_ij` clipped to `c_j`, dropped where `c_j < w_ij` and
/// `c_j <= 0`) and returns, from the same pass, what the reference computes from the clipped
/// matrix next: each row's sum and `r_j = Σ_i s_i × m_ij` (saturating) over `columns`. With
/// `scale`, each entry is left multiplied by its row's `s_i` (`row_hadamard`), the very product
/// `r` sums: `r` is then also the column sums of the result.
pub(crate) fn col_clip_row_sums_matmul(
    m: &mut [Row],
    threshold: &[I32F32],
    s: &[I32F32],
    columns: usize,
    scale: bool,
) -> (Vec<I32F32>, Vec<I32F32>) {
    // Each column's threshold beside its rank: one lookup per entry.
    let mut by_column: Vec<(I32F32, I32F32)> = (0..columns)
        .map(|j| (threshold.get(j).copied().unwrap_or_default(), I32F32::ZERO))
        .collect();
    let row_sums = m
        .iter_mut()
        .enumerate()
        .map(|(i, row)| {
            // Locals, so that the stores to the table below do not make the loop reload them.
            let (by_column, scale) = (by_column.as_mut_slice(), scale);
            let s_i = Factor::new(s.get(i).copied().unwrap_or_default());
            // Clipping first, then the sums in a loop of their own: accumulated inside
            // `retain_mut`'s closure, the row sum would live in memory.
            row.retain_mut(|e| {
                let threshold = match by_column.get(usize::from(e.0)) {
                    Some((threshold, _)) => *threshold,
                    None => get(threshold, e.0),
                };
                clip(e.1, threshold).map(|v| e.1 = v).is_some()
            });
            let mut total = I32F32::ZERO;
            for e in row.iter_mut() {
                total = total.wrapping_add(e.1);
                let product = s_i.mul(e.1);
                if let Some((_, rank)) = by_column.get_mut(usize::from(e.0)) {
                    *rank = rank.saturating_add(product);
                }
                if scale {
                    e.1 = product;
                }
            }
            total
        })
        .collect();
    (row_sums, by_column.into_iter().map(|c| c.1).collect())
}

/// `col_clip` of one entry `v` of a column with threshold `c`: clipped to `c`, `None` (dropped)
/// where `c < v` and `c <= 0`.
fn clip(v: I32F32, c: I32F32) -> Option<I32F32> {
    if c < v {
        (c > I32F32::ZERO).then_some(c)
    } else {
        Some(v)
    }
}

/// `Σ_j (m_ij / sums_j) × v_j` per row: the row sums of `mat_vec_mul` over the matrix
/// column-normalized by its column sums `sums`, without building either matrix.
pub(crate) fn col_normalized_row_dot(m: &[Row], sums: &[I32F32], v: &[I32F32]) -> Vec<I32F32> {
    let divisors = ColumnDivisors::new(sums);
    m.iter()
        .map(|row| {
            sum(row.iter().filter_map(|&(j, x)| {
                let vj = *v.get(usize::from(j))?;
                Some(divisors.divide(j, x).saturating_mul(vj))
            }))
        })
        .collect()
}

/// Each row `i` scaled by `v_i` (rows without a `v_i` are dropped), with the column sums of
/// the result over `columns`.
pub(crate) fn row_hadamard_col_sums(
    mut m: Vec<Row>,
    v: &[I32F32],
    columns: usize,
) -> (Vec<Row>, Vec<I32F32>) {
    m.truncate(v.len());
    let mut sums = vec![I32F32::ZERO; columns];
    for (row, &s) in m.iter_mut().zip(v) {
        for e in row.iter_mut() {
            e.1 = e.1.saturating_mul(s);
            if let Some(c) = sums.get_mut(usize::from(e.0)) {
                *c = c.saturating_add(e.1);
            }
        }
    }
    (m, sums)
}

/// The end of classic bonds, in one pass: `m` column-normalized by its column sums `sums`, then
/// `matmul_transpose` of that with `v` (the dividends) and, for the rows `keep` selects (the
/// others are left empty), that column-max-upscaled as stored u16 proportions.
///
/// `maxes` are `m`'s column maxima. The entries are positive, so each is at most its column's
/// sum, and division by a sum is then monotonic and overflow-free: a column's normalized maximum
/// is its maximum normalized.
pub(crate) fn col_normalize_dot_upscale(
    m: &[Row],
    sums: &[I32F32],
    maxes: &[I32F32],
    v: &[I32F32],
    keep: &[bool],
) -> (Vec<I32F32>, Vec<Vec<(u16, u16)>>) {
    // Per column, side by side (one lookup per entry): division by the sum, by the normalized
    // maximum, and the column's weight in the dot product. A column beyond the tables is left
    // as it is, as `ColumnDivisors` leaves it.
    let by_column: Vec<(Divisor, Upscale, I32F32)> = sums
        .iter()
        .zip(maxes)
        .zip(0u16..)
        .map(|((&sum, &max), j)| {
            let by_sum = column_divisor(sum);
            (by_sum, Upscale::new(by_sum.safe_div_into(max)), get(v, j))
        })
        .collect();
    let identity = (Divisor::new(I32F32::ONE), Upscale::new(I32F32::ZERO));
    m.iter()
        .zip(keep.iter().copied().chain(std::iter::repeat(false)))
        .map(|(row, keep)| {
            // A local slice, so that the loop does not reload the table's address.
            let by_column = by_column.as_slice();
            let mut dot = I32F32::ZERO;
            let mut add = |j: u16, x| {
                let (by_sum, by_max, weight) = match by_column.get(usize::from(j)) {
                    Some((by_sum, by_max, weight)) => (by_sum, by_max, *weight),
                    None => (&identity.0, &identity.1, get(v, j)),
                };
                let normalized = by_sum.safe_div_into(x);
                // Each entry is at most its column's sum, so `normalized` is in [0, 1].
                dot = dot.saturating_add(Factor::new(normalized).mul(weight));
                (normalized, by_max)
            };
            let stored = if keep {
                row.iter()
                    .map(|&(j, x)| {
                        let (normalized, by_max) = add(j, x);
                        (j, by_max.to_u16_proportion(normalized))
                    })
                    .collect()
            } else {
                row.iter().for_each(|&(j, x)| {
                    add(j, x);
                });
                Vec::new()
            };
            (dot, stored)
        })
        .unzip()
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
pub(crate) fn interpolate(m1: Vec<Row>, m2: Vec<Row>, columns: usize, ratio: I32F32) -> Vec<Row> {
    if ratio == I32F32::ZERO {
        return m1;
    }
    if ratio == I32F32::ONE || m1.len() != m2.len() {
        return m2;
    }
    let mut dense1 = vec![I32F32::ZERO; columns];
    let mut dense2 = vec![I32F32::ZERO; columns];
    let mut touched: Vec<u16> = Vec::new();
    m1.iter()
        .zip(&m2)
        .map(|(r1, r2)| {
            // Only touched columns can differ from zero; reset them after use.
            for (row, dense) in [(r1, &mut dense1), (r2, &mut dense2)] {
                for &(j, v) in row {
                    if let Some(cell) = dense.get_mut(usize::from(j)) {
                        *cell = v;
                    }
                }
            }
            sorted_columns(r1, r2, columns, &mut touched);
            let out = collect_row(
                touched.len(),
                touched.iter().filter_map(|&j| {
                    let v1 = get(&dense1, j);
                    let v2 = get(&dense2, j);
                    let x = v1.saturating_add(ratio.saturating_mul(v2.saturating_sub(v1)));
                    (x > I32F32::ZERO).then_some((j, x))
                }),
            );
            for &j in &touched {
                dense1[usize::from(j)] = I32F32::ZERO;
                dense2[usize::from(j)] = I32F32::ZERO;
            }
            touched.clear();
            out
        })
        .collect()
}

/// The distinct columns `< columns` of two rows, ascending, into `out`: a linear merge when
/// both rows are strictly ascending (as stored rows usually are), a sort otherwise.
fn sorted_columns<A, B>(a: &[(u16, A)], b: &[(u16, B)], columns: usize, out: &mut Vec<u16>) {
    out.clear();
    if is_ascending(a) && is_ascending(b) {
        let (mut i, mut k) = (0, 0);
        while i < a.len() || k < b.len() {
            let j = match (a.get(i), b.get(k)) {
                (Some(x), Some(y)) if x.0 == y.0 => {
                    i += 1;
                    k += 1;
                    x.0
                }
                (Some(x), Some(y)) if x.0 < y.0 => {
                    i += 1;
                    x.0
                }
                (Some(x), None) => {
                    i += 1;
                    x.0
                }
                (_, Some(y)) => {
                    k += 1;
                    y.0
                }
                (None, None) => break,
            };
            out.push(j);
        }
    } else {
        out.extend(a.iter().map(|e| e.0).chain(b.iter().map(|e| e.0)));
        out.sort_unstable();
        out.dedup();
    }
    out.retain(|&j| usize::from(j) < columns);
}

/// `alpha × new + (1 − alpha) × old` over the union of entries, positive results kept in
/// ascending column order (`mat_ema_sparse`). Entries are read through `new_value` and
/// `old_value`, which transform them as the reference's steps before the EMA would (a column
/// normalisation, say; `None` drops an old entry). Also returns the result's column sums
/// (saturating) and maxima. `ascending` tells that every row of both is known to be strictly
/// ascending.
pub(crate) fn mat_ema<T: Copy>(
    mut new: Vec<Row>,
    new_value: impl Fn(u16, I32F32) -> I32F32,
    old: &[impl AsRef<[(u16, T)]>],
    old_value: impl Fn(u16, T) -> Option<I32F32>,
    alpha: I32F32,
    ascending: bool,
) -> (Vec<Row>, Vec<I32F32>, Vec<I32F32>) {
    let columns = new.len();
    let one_minus_alpha = Factor::new(I32F32::ONE.saturating_sub(alpha));
    let alpha = Factor::new(alpha);
    let mut stats = vec![(I32F32::ZERO, I32F32::ZERO); columns];
    let mut acc = vec![I32F32::ZERO; columns];
    let mut touched: Vec<u16> = Vec::new();
    // Each result row is built in `out` and swapped with its input row, whose allocation is
    // then reused for the next result.
    let mut out: Row = Vec::new();
    for (i, new_entries) in new.iter_mut().enumerate() {
        let old_row = old.get(i).map_or(&[][..], AsRef::as_ref);
        // A slice, not the vector: its address stays in a register through `out`'s pushes.
        let new_row = new_entries.as_slice();
        out.clear();
        let mut emit = |j: u16, v: I32F32| {
            if let Some((sum, max)) = stats.get_mut(usize::from(j)) {
                if v > I32F32::ZERO {
                    *sum = sum.saturating_add(v);
                    *max = (*max).max(v);
                    out.push((j, v));
                }
            }
        };
        if ascending || (is_ascending(new_row) && is_ascending(old_row)) {
            // Rows over the same columns (a validator's full weights and the bonds they made)
            // pair up entry by entry, with fewer comparisons and cursors than the merge below,
            // which takes over at the first column the rows do not share.
            let mut paired = 0;
            for (&(jn, vn), &(jo, vo)) in new_row.iter().zip(old_row) {
                if jn != jo {
                    break;
                }
                paired += 1;
                let from_new = alpha.mul(new_value(jn, vn));
                emit(
                    jn,
                    match old_value(jo, vo) {
                        Some(vo) => from_new.saturating_add(one_minus_alpha.mul(vo)),
                        None => from_new,
                    },
                );
            }
            // Merge the two rows.
            let (mut a, mut b) = (paired, paired);
            while let (Some(&(jn, vn)), Some(&(jo, vo))) = (new_row.get(a), old_row.get(b)) {
                if jn < jo {
                    a += 1;
                    emit(jn, alpha.mul(new_value(jn, vn)));
                } else if jo < jn {
                    b += 1;
                    if let Some(vo) = old_value(jo, vo) {
                        emit(jo, one_minus_alpha.mul(vo));
                    }
                } else {
                    a += 1;
                    b += 1;
                    let from_new = alpha.mul(new_value(jn, vn));
                    emit(
                        jn,
                        match old_value(jo, vo) {
                            Some(vo) => I32F32::ZERO
                                .saturating_add(from_new)
                                .saturating_add(one_minus_alpha.mul(vo)),
                            None => from_new,
                        },
                    );
                }
            }
            for &(j, v) in &new_row[a..] {
                emit(j, alpha.mul(new_value(j, v)));
            }
            for &(j, v) in &old_row[b..] {
                if let Some(v) = old_value(j, v) {
                    emit(j, one_minus_alpha.mul(v));
                }
            }
        } else {
            for &(j, v) in new_row.iter() {
                if let Some(cell) = acc.get_mut(usize::from(j)) {
                    *cell = cell.saturating_add(alpha.mul(new_value(j, v)));
                }
            }
            for &(j, v) in old_row {
                if let (Some(cell), Some(v)) = (acc.get_mut(usize::from(j)), old_value(j, v)) {
                    *cell = cell.saturating_add(one_minus_alpha.mul(v));
                }
            }
            sorted_columns(new_row, old_row, columns, &mut touched);
            for &j in &touched {
                emit(j, get(&acc, j));
                acc[usize::from(j)] = I32F32::ZERO;
            }
        }
        std::mem::swap(new_entries, &mut out);
    }
    let (sums, maxes) = stats.into_iter().unzip();
    (new, sums, maxes)
}

/// Whether [`weighted_median_cols`]'s selection is exact for these stakes: its sums fit i64
/// for fewer than 2¹⁶ voters of normalized stake at most 1 each, as the epoch's are (their
/// sum cannot wrap).
pub(crate) fn radix_select_applies(stake: &[I32F32]) -> bool {
    let (use_stake, _, _) = voter_stakes(stake, I32F32::ZERO);
    use_stake.len() < 1 << 16 && use_stake.iter().all(|s| *s <= I32F32::ONE)
}

/// The normalized positive stakes (the voters, in uid order), their sum and the minority
/// `sum − majority` that the weighted median compares cumulative stake against.
fn voter_stakes(stake: &[I32F32], majority: I32F32) -> (Vec<I32F32>, I32F32, I32F32) {
    let mut use_stake: Vec<I32F32> = stake
        .iter()
        .copied()
        .filter(|s| *s > I32F32::ZERO)
        .collect();
    normalize(&mut use_stake);
    let stake_sum = sum(use_stake.iter().copied());
    (use_stake, stake_sum, stake_sum.saturating_sub(majority))
}

/// Stake-weighted median of every column over validators with positive stake
/// (`weighted_median_col_sparse`): the largest score that validators holding more than
/// `majority` of the stake gave at least.
///
/// The reference runs a quickselect over a dense column of every voter's score. Its answer
/// depends only on the data: it is the smallest score `p` whose cumulative stake
/// `G(p) = stake(score <= p)` exceeds `minority = stake_sum − majority`, or the largest score if
/// none does (all sums are exact integer sums). This computes exactly that from the non-zero
/// entries alone, in place, so the cost follows the number of weights. Rows with repeated or
/// unsorted columns take the reference's dense route, whose "last entry wins" rule they need;
/// `ascending` tells whether every row is strictly ascending. Scores are non-negative
/// (normalized weights; see [`score_key`] for others), and the voters fewer than 2¹⁶ with
/// normalized stakes of at most 1 each (see [`radix_select_applies`]).
pub(crate) fn weighted_median_cols(
    stake: &[I32F32],
    score: &[Row],
    columns: usize,
    majority: I32F32,
    ascending: bool,
) -> Vec<I32F32> {
    if !ascending {
        return weighted_median_cols_dense(stake, score, columns, majority);
    }
    let (use_stake, stake_sum, minority) = voter_stakes(stake, majority);
    let n_voters = use_stake.len();
    if n_voters == 0 {
        return vec![I32F32::ZERO; columns];
    }
    // Each voter's entries not gathered yet, and its stake.
    let mut voters: Vec<(&[(u16, I32F32)], I32F32)> = stake
        .iter()
        .zip(score)
        .filter(|(s, _)| **s > I32F32::ZERO)
        .zip(&use_stake)
        .map(|((_, row), &voter_stake)| (row.as_slice(), voter_stake))
        .collect();
    // Columns are gathered a block at a time, walking every voter's (ascending) row, so that
    // the transposed block stays in cache.
    // A block's columns each get `n_voters` slots (a column has at most one entry per voter),
    // and a cache line more: with a power-of-two stride, the block's columns would all map to
    // the same cache sets, and writing one entry to each would evict the others.
    const BLOCK: usize = 16;
    let stride = n_voters + 4;
    let mut entries: Vec<(u64, I32F32)> = vec![(0, I32F32::ZERO); BLOCK * stride];
    let mut median = Vec::with_capacity(columns);
    for block_start in (0..columns).step_by(BLOCK) {
        let block_end = (block_start + BLOCK).min(columns);
        // Where each column's next entry goes, and the column's stake sum and largest score
        // so far.
        let mut next: [usize; BLOCK] = std::array::from_fn(|k| k * stride);
        let mut sums = [I32F32::ZERO; BLOCK];
        let mut maxes = [0u64; BLOCK];
        for (rest, voter_stake) in &mut voters {
            // A copy: read through the reference, it would be reloaded after every store.
            let voter_stake = *voter_stake;
            let mut taken = 0;
            for &(c, v) in rest.iter() {
                let c = usize::from(c);
                if c >= block_end {
                    break;
                }
                taken += 1;
                // The row is ascending and the columns before the block are gathered: `c` is
                // in the block.
                let local = c.wrapping_sub(block_start);
                if let (true, Some(at)) = (v != I32F32::ZERO, next.get_mut(local)) {
                    let key = score_key(v);
                    if let Some(e) = entries.get_mut(*at) {
                        *e = (key, voter_stake);
                    }
                    *at += 1;
                    sums[local] = sums[local].wrapping_add(voter_stake);
                    maxes[local] = maxes[local].max(key);
                }
            }
            *rest = &rest[taken..];
        }
        let lens: [usize; BLOCK] = std::array::from_fn(|k| next[k] - k * stride);
        for k in 0..block_end - block_start {
            let column = &mut entries[k * stride..k * stride + lens[k]];
            let nonzero_stake = sums[k];
            let zero_stake =
                stake_sum.wrapping_add(I32F32::from_bits(nonzero_stake.to_bits().wrapping_neg()));
            let zeros_present = column.len() < n_voters;
            median.push(
                if column.is_empty() || (zeros_present && zero_stake > minority) {
                    I32F32::ZERO
                } else {
                    let below = if zeros_present {
                        zero_stake
                    } else {
                        I32F32::ZERO
                    };
                    smallest_score_above(column, below, minority, nonzero_stake, maxes[k])
                },
            );
        }
    }
    median
}

/// The order of scores the median selects by, and the score it returns: negative scores, which
/// normalized weights never are, count as 0.
fn score_key(score: I32F32) -> u64 {
    score.to_bits().max(0) as u64
}

/// The smallest score `p` in `entries` with `below + stake(score <= p) > minority`, or the
/// largest score if there is none; `entries` ([`score_key`], stake), keyed once as they are
/// gathered, is reordered in place. `total` is their stake sum (exact: stakes are normalized,
/// each at most 1, and a column has fewer than 2¹⁶ of them) and `max` their largest key.
///
/// A most-significant-digit radix select: each round sums the stake per 8-bit digit of the
/// scores still in play (no data-dependent branches), finds the digit where the cumulative stake
/// crosses `minority`, and keeps only that digit's entries. All sums are exact integers.
fn smallest_score_above(
    entries: &mut [(u64, I32F32)],
    below: I32F32,
    minority: I32F32,
    total: I32F32,
    max: u64,
) -> I32F32 {
    // `below`, `total` and every sum below are sums of fewer than 2¹⁶ stakes of at most 1
    // (2³²) each, under 2⁴⁸: exact in i64.
    let total = total.to_bits();
    let minority = minority.to_bits();
    let mut acc = below.to_bits();
    if acc + total <= minority {
        return I32F32::from_bits(max as i64);
    }
    let mut len = entries.len();
    // The first round reads the 8 highest bits any score has. All scores in play agree on the
    // bits above a round's digit, so a next digit that overlaps them orders as well.
    let mut shift = (64 - max.leading_zeros()).saturating_sub(8);
    loop {
        let live = &mut entries[..len];
        if live.len() <= 8 {
            return smallest_score_above_sorted(live, acc, minority);
        }
        let mut hist = [0i64; 256];
        let mut count = [0u32; 256];
        for e in live.iter() {
            let d = ((e.0 >> shift) & 0xff) as usize;
            hist[d] = hist[d].wrapping_add(e.1.to_bits());
            count[d] += 1;
        }
        // The first non-empty digit at which the cumulative stake exceeds `minority` (if `acc`
        // already does, that is simply the smallest digit present).
        let mut digit = 0;
        while digit < 255 && (count[digit] == 0 || acc + hist[digit] <= minority) {
            acc += hist[digit];
            digit += 1;
        }
        // Keep the entries of that digit (at the front of the slice), stopping at the last.
        let (mut kept, wanted) = (0, count[digit] as usize);
        for k in 0..live.len() {
            if (live[k].0 >> shift) & 0xff == digit as u64 {
                live.swap(kept, k);
                kept += 1;
                if kept == wanted {
                    break;
                }
            }
        }
        len = kept;
        if shift == 0 || len <= 1 {
            return I32F32::from_bits(entries[0].0 as i64);
        }
        shift = shift.saturating_sub(8);
    }
}

/// [`smallest_score_above`] of a few entries, whose cumulative stake (from `acc`) exceeds
/// `minority` at the largest key at the latest: sorted by key, the first key at which it does.
fn smallest_score_above_sorted(
    entries: &mut [(u64, I32F32)],
    mut acc: i64,
    minority: i64,
) -> I32F32 {
    entries.sort_by_key(|e| e.0);
    let mut k = 0;
    while let Some(&(group, _)) = entries.get(k) {
        while let Some(e) = entries.get(k).filter(|e| e.0 == group) {
            acc += e.1.to_bits();
            k += 1;
        }
        if acc > minority {
            return I32F32::from_bits(group as i64);
        }
    }
    entries
        .last()
        .map_or(I32F32::ZERO, |e| I32F32::from_bits(e.0 as i64))
}

/// The reference's route: a dense column of every voter's score (a later duplicate entry
/// overwrites an earlier one) and its quickselect.
pub(crate) fn weighted_median_cols_dense(
    stake: &[I32F32],
    score: &[Row],
    columns: usize,
    majority: I32F32,
) -> Vec<I32F32> {
    let (use_stake, stake_sum, minority) = voter_stakes(stake, majority);
    let n_voters = use_stake.len();
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
pub(crate) mod tests {
    use super::*;
    use crate::epoch::tests::Gen;

    /// A row with a positive sum divided by it (the reference's `normalize_row`).
    pub(crate) fn normalize_row(row: &mut Row) {
        let total = sum(row.iter().map(|e| e.1));
        if total > I32F32::ZERO {
            row.iter_mut().for_each(|e| e.1 = e.1.safe_div(total));
        }
    }

    /// The reference's dense `interpolate_sparse` loop.
    pub(crate) fn naive_interpolate(
        m1: &[Row],
        m2: &[Row],
        columns: usize,
        ratio: I32F32,
    ) -> Vec<Row> {
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
    pub(crate) fn naive_mat_ema(new: &[Row], old: &[Row], alpha: I32F32) -> Vec<Row> {
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
    fn test_weighted_median_matches_the_reference_quickselect() {
        let mut g = Gen(0x7e57_ab1e_5eed_0042);
        for round in 0..6_000 {
            let n = 1 + g.below(24) as usize;
            let mut rows: Vec<Row> = (0..n).map(|_| g.row(n, true)).collect();
            // Strictly ascending rows, so that the fast route is the one compared.
            rows.iter_mut().for_each(|r| {
                r.sort_by_key(|e| e.0);
                r.dedup_by_key(|e| e.0);
            });
            // Stakes with zeros, ties and tiny values; scores with many ties.
            let stake: Vec<I32F32> = (0..n)
                .map(|_| match g.below(4) {
                    0 => I32F32::ZERO,
                    1 => I32F32::from_bits(1),
                    _ => I32F32::from_bits(g.below(1 << 32) as i64),
                })
                .collect();
            if round % 2 == 0 {
                rows.iter_mut().for_each(|r| {
                    r.iter_mut()
                        .for_each(|e| e.1 = I32F32::from_bits((g.below(4) as i64) << 30))
                });
            }
            let majority = [
                I32F32::ZERO,
                I32F32::ONE,
                I32F32::from_bits(g.below(1 << 33) as i64),
            ][g.below(3) as usize];
            assert_eq!(
                weighted_median_cols(&stake, &rows, n, majority, true),
                weighted_median_cols_dense(&stake, &rows, n, majority),
                "round {round}"
            );
        }
    }

    /// The reference's `mat_vec_mul_sparse`: each entry `m_ij × v_j`, zero products dropped.
    pub(crate) fn mat_vec_mul(m: &[Row], v: &[I32F32]) -> Vec<Row> {
        m.iter()
            .map(|row| {
                collect_row(
                    row.len(),
                    row.iter().filter_map(|&(j, x)| {
                        let p = x.saturating_mul(*v.get(usize::from(j))?);
                        (p != I32F32::ZERO).then_some((j, p))
                    }),
                )
            })
            .collect()
    }

    // The reference's `inplace_col_max_upscale_sparse` and `matmul_transpose_sparse`.
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
        divide_columns(m, &maxes);
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

    // The reference's column normalisation, clipping, row sums and `matmul_sparse`.
    /// Each column divided by its (saturating) sum where that is non-zero.
    pub(crate) fn col_normalize(m: &mut [Row], columns: usize) {
        let sums = col_sums(m, columns);
        divide_columns(m, &sums);
    }

    /// Each entry divided by its column's divisor where that is non-zero.
    pub(crate) fn divide_columns(m: &mut [Row], divisors: &[I32F32]) {
        for row in m.iter_mut() {
            for e in row.iter_mut() {
                if let Some(&d) = divisors.get(usize::from(e.0)) {
                    if d != I32F32::ZERO {
                        e.1 = e.1.safe_div(d);
                    }
                }
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

    /// Each row's entries summed.
    pub(crate) fn row_sums(m: &[Row]) -> Vec<I32F32> {
        m.iter().map(|row| sum(row.iter().map(|e| e.1))).collect()
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

    fn col_maxes(m: &[Row], columns: usize) -> Vec<I32F32> {
        let mut maxes = vec![I32F32::ZERO; columns];
        for &(j, v) in m.iter().flatten() {
            if let Some(mx) = maxes.get_mut(usize::from(j)) {
                *mx = (*mx).max(v);
            }
        }
        maxes
    }

    #[test]
    fn test_fused_helpers_match_their_composition() {
        let mut g = Gen(0x5eed_f00d_1234_4321);
        for _ in 0..500 {
            let n = 1 + g.below(10) as usize;
            let m: Vec<Row> = (0..n).map(|_| g.row(n, true)).collect();
            let v: Vec<I32F32> = (0..n)
                .map(|_| I32F32::from_bits(g.below(1 << 33) as i64))
                .collect();
            let keep: Vec<bool> = (0..n).map(|_| g.below(4) > 0).collect();

            // The end of classic bonds, on positive entries (an EMA's output).
            let positive: Vec<Row> = m
                .iter()
                .map(|r| r.iter().copied().filter(|e| e.1 > I32F32::ZERO).collect())
                .collect();
            let mut expected = positive.clone();
            col_normalize(&mut expected, n);
            let expected_dots = matmul_transpose(&expected, &v);
            col_max_upscale(&mut expected, n);
            let expected_stored: Vec<Vec<(u16, u16)>> = expected
                .iter()
                .zip(&keep)
                .map(|(r, k)| {
                    r.iter()
                        .filter(|_| *k)
                        .map(|&(j, x)| (j, x.to_u16_proportion()))
                        .collect()
                })
                .collect();
            let sums = col_sums(&positive, n);
            let maxes = col_maxes(&positive, n);
            assert_eq!(
                col_normalize_dot_upscale(&positive, &sums, &maxes, &v, &keep),
                (expected_dots, expected_stored)
            );

            let mut normalized = m.clone();
            col_normalize(&mut normalized, n);
            assert_eq!(
                col_normalized_row_dot(&m, &col_sums(&m, n), &v),
                row_sums(&mat_vec_mul(&normalized, &v))
            );

            let mut in_place = m.clone();
            let clipped = col_clip(&m, &v);
            let stake: Vec<I32F32> = (0..n)
                .map(|_| I32F32::from_bits(g.below(1 << 32) as i64))
                .collect();
            let sums_and_ranks = (row_sums(&clipped), matmul(&clipped, &stake, n));
            assert_eq!(
                col_clip_row_sums_matmul(&mut in_place, &v, &stake, n, false),
                sums_and_ranks
            );
            assert_eq!(in_place, clipped);
            let mut scaled_in_place = m.clone();
            let ranks = col_clip_row_sums_matmul(&mut scaled_in_place, &v, &stake, n, true).1;
            assert_eq!(
                (scaled_in_place, ranks),
                row_hadamard_col_sums(clipped, &stake, n)
            );

            let scaled: Vec<Row> = m
                .iter()
                .zip(&stake)
                .map(|(r, s)| r.iter().map(|&(j, x)| (j, x.saturating_mul(*s))).collect())
                .collect();
            let scaled_sums = col_sums(&scaled, n);
            assert_eq!(
                row_hadamard_col_sums(m.clone(), &stake, n),
                (scaled, scaled_sums)
            );
        }
    }

    #[test]
    fn test_sparse_shortcuts_match_the_dense_reference_loops() {
        let mut g = Gen(0x0ddb_a11c_0ffe_e123);
        for round in 0..1000 {
            let n = 1 + g.below(10) as usize;
            let m1: Vec<Row> = (0..n).map(|_| g.row(n, true)).collect();
            let m2: Vec<Row> = (0..n).map(|_| g.row(n, true)).collect();
            let ratio = [
                I32F32::ZERO,
                I32F32::ONE,
                I32F32::from_bits(g.below(1 << 32) as i64),
            ][g.below(3) as usize];
            assert_eq!(
                interpolate(m1.clone(), m2.clone(), n, ratio),
                naive_interpolate(&m1, &m2, n, ratio)
            );
            let alpha = I32F32::from_bits(g.below(1 << 32) as i64);
            // Every other round, both inputs column-normalized first.
            let (mut n1, mut n2) = (m1.clone(), m2.clone());
            let (d1, d2) = if round % 2 == 0 {
                (ColumnDivisors::new(&[]), ColumnDivisors::new(&[]))
            } else {
                col_normalize(&mut n1, n);
                col_normalize(&mut n2, n);
                (
                    ColumnDivisors::new(&col_sums(&m1, n)),
                    ColumnDivisors::new(&col_sums(&m2, n)),
                )
            };
            // Old entries of some columns dropped as they are read.
            let dropped = g.below(1 << n);
            let kept = |j: u16| dropped >> j & 1 == 0;
            n2.iter_mut().for_each(|r| r.retain(|e| kept(e.0)));
            let expected = naive_mat_ema(&n1, &n2, alpha);
            let expected_sums = col_sums(&expected, n);
            let expected_maxes = col_maxes(&expected, n);
            let ema = mat_ema(
                m1.clone(),
                |j, v| d1.divide(j, v),
                &m2,
                |j, v| kept(j).then(|| d2.divide(j, v)),
                alpha,
                m1.iter().chain(&m2).all(|r| is_ascending(r)),
            );
            assert_eq!(ema, (expected, expected_sums, expected_maxes));
        }
    }
}
