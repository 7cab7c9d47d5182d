//! The reference chain's fixed-point numbers, bit for bit.
//!
//! [`I32F32`] is a signed 64-bit integer with 32 fractional bits, [`I64F64`] a signed 128-bit
//! integer with 64. Their operations reproduce `substrate_fixed`'s exactly, because Yuma's outputs
//! are compared with the reference bit by bit:
//!
//! * multiplication takes the full-width product and shifts right (floor toward −∞);
//! * division computes `(a << FRAC) / b` in a wider integer, truncating toward zero;
//! * `safe_div` gives 0 on division by zero *and* on overflow;
//! * conversion to an integer floors, saturating at the target's bounds;
//! * sums of vectors use plain (wrapping) addition, as the reference's iterator `sum` does in a
//!   release build.
//!
//! No floating point is used anywhere.

use std::{cmp::Ordering, fmt};

const FRAC: u32 = 32;

/// A signed fixed-point number with 32 integer and 32 fractional bits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct I32F32(i64);

impl I32F32 {
    /// Zero.
    pub const ZERO: Self = Self(0);
    /// One.
    pub const ONE: Self = Self(1 << FRAC);
    /// The largest value.
    pub const MAX: Self = Self(i64::MAX);

    /// The number whose raw representation is `bits` (value × 2³²).
    pub const fn from_bits(bits: i64) -> Self {
        Self(bits)
    }

    /// The raw representation.
    pub const fn to_bits(self) -> i64 {
        self.0
    }

    /// An integer, saturating at the bounds.
    pub fn from_int(n: i64) -> Self {
        Self(n.saturating_mul(1 << FRAC))
    }

    /// Addition saturating at the bounds.
    pub fn saturating_add(self, rhs: Self) -> Self {
        Self(self.0.saturating_add(rhs.0))
    }

    /// Subtraction saturating at the bounds.
    pub fn saturating_sub(self, rhs: Self) -> Self {
        Self(self.0.saturating_sub(rhs.0))
    }

    /// Addition wrapping on overflow (the reference's plain `+` in a release build).
    pub fn wrapping_add(self, rhs: Self) -> Self {
        Self(self.0.wrapping_add(rhs.0))
    }

    fn wide_mul(self, rhs: Self) -> i128 {
        (i128::from(self.0) * i128::from(rhs.0)) >> FRAC
    }

    /// Multiplication (floor), `None` on overflow.
    pub fn checked_mul(self, rhs: Self) -> Option<Self> {
        i64::try_from(self.wide_mul(rhs)).ok().map(Self)
    }

    /// Multiplication (floor) saturating at the bounds.
    #[inline]
    pub fn saturating_mul(self, rhs: Self) -> Self {
        let product = i128::from(self.0) * i128::from(rhs.0);
        let floor = (product >> FRAC) as i64;
        // The shifted product fits exactly when the bits above it are its sign extended: a
        // cheaper test than comparing with both bounds.
        if (product >> (FRAC + 63)) as i64 == floor >> 63 {
            Self(floor)
        } else if product < 0 {
            Self(i64::MIN)
        } else {
            Self::MAX
        }
    }

    fn wide_div(self, rhs: Self) -> Option<i128> {
        if rhs.0 == 0 {
            return None;
        }
        Some((i128::from(self.0) << FRAC) / i128::from(rhs.0))
    }

    /// Division truncating toward zero, `None` on division by zero or overflow.
    pub fn checked_div(self, rhs: Self) -> Option<Self> {
        self.wide_div(rhs)
            .and_then(|q| i64::try_from(q).ok())
            .map(Self)
    }

    /// Division that gives 0 on division by zero or overflow (the reference's `safe_div`).
    pub fn safe_div(self, rhs: Self) -> Self {
        self.checked_div(rhs).unwrap_or_default()
    }

    /// Division saturating at the bounds; a zero divisor saturates by the dividend's sign.
    pub fn saturating_div(self, rhs: Self) -> Self {
        match self.wide_div(rhs) {
            Some(q) => Self(saturate_i64(q)),
            None if self.0 < 0 => Self(i64::MIN),
            None => Self::MAX,
        }
    }

    /// Rounds to the nearest integer, ties away from zero.
    pub fn round(self) -> Self {
        let half = 1i64 << (FRAC - 1);
        let mask = !((1i64 << FRAC) - 1);
        if self.0 >= 0 {
            Self(self.0.saturating_add(half) & mask)
        } else {
            Self(-((self.0.saturating_neg().saturating_add(half)) & mask))
        }
    }

    /// The integer part (floor), saturating to `u16`.
    pub fn to_u16(self) -> u16 {
        let floor = self.0 >> FRAC;
        u16::try_from(floor.clamp(0, i64::from(u16::MAX))).unwrap_or(u16::MAX)
    }

    /// The integer part (floor), saturating to `u64`.
    pub fn to_u64(self) -> u64 {
        u64::try_from((self.0 >> FRAC).max(0)).unwrap_or(0)
    }

    /// Narrows an [`I64F64`], dropping 32 fractional bits (floor), saturating.
    pub fn from_i64f64(x: I64F64) -> Self {
        Self(saturate_i64(x.0 >> 32))
    }

    /// `x / 65535`: a stored u16 proportion as a number in [0, 1].
    pub fn from_u16_proportion(x: u16) -> Self {
        Self::from_int(i64::from(x)).safe_div(Self::from_int(i64::from(u16::MAX)))
    }

    /// `floor(x × 65535)`, saturating: a number in [0, 1] as a stored u16 proportion.
    #[inline]
    pub fn to_u16_proportion(self) -> u16 {
        match u64::try_from(self.0) {
            // Within [0, 1] the product neither saturates nor exceeds 65535.
            Ok(x) if x <= 1 << FRAC => ((x * u64::from(u16::MAX)) >> FRAC) as u16,
            _ => self
                .saturating_mul(Self::from_int(i64::from(u16::MAX)))
                .to_u16(),
        }
    }
}

/// `ceil(2¹²⁸ / d)`, with which `floor(n / d)` is one multiplication for every 64-bit `n`
/// (Lemire, Kaser and Kurz, "Faster remainder by direct computation", 2019, Theorem 1 with
/// N = 64 and F = 128), as its high and low halves; `None` for `d < 2`, which needs 2¹²⁸.
fn reciprocal(d: u64) -> Option<(u64, u64)> {
    let c = (d >= 2).then(|| u128::MAX / u128::from(d) + 1)?;
    Some(((c >> 64) as u64, c as u64))
}

/// A divisor used for many [`I32F32::safe_div`]s (a column sum, a row sum), with the same
/// results but much faster: `safe_div` needs a 128-bit division, which costs tens of
/// nanoseconds; this replaces it, for the common operands, by a multiplication with a
/// precomputed reciprocal.
///
/// Two cases cover the usual operands `0 <= a < limit`, with `m >= 2`:
/// * `d` is an integer `m`: the common factor 2³² cancels, `(a << 32) / d = a / m` for every
///   `a >= 0`, and the quotient, at most `a`, fits (`shift` 0, `limit` 2⁶³);
/// * otherwise `m` is `d`'s raw value and `(a << 32) / m` needs `a < 2³²` for the dividend to
///   fit the 64 bits the reciprocal covers; the quotient is then below 2⁶³ (`shift` 32,
///   `limit` 2³²). A divisor of 1 takes this case too (`m` = 2³²).
///
/// Other operands (negative ones, and all of them for `d < 2⁻³¹`, `limit` 0) take `safe_div`.
/// One compare selects the route, which a branch predictor learns for a whole loop.
#[derive(Clone, Copy)]
pub struct Divisor {
    d: I32F32,
    /// `reciprocal(m)`.
    hi: u64,
    lo: u64,
    shift: u32,
    limit: u64,
}

impl Divisor {
    /// Prepares division by `d`.
    pub fn new(d: I32F32) -> Self {
        let positive = u64::try_from(d.0).unwrap_or(0);
        let (m, shift, limit) = if positive & 0xffff_ffff == 0 && positive >> FRAC >= 2 {
            (positive >> FRAC, 0, 1 << 63)
        } else {
            (positive, FRAC, 1 << FRAC)
        };
        match reciprocal(m) {
            Some((hi, lo)) => Self {
                d,
                hi,
                lo,
                shift,
                limit,
            },
            None => Self {
                d,
                hi: 0,
                lo: 0,
                shift,
                limit: 0,
            },
        }
    }

    /// The divisor.
    pub fn get(&self) -> I32F32 {
        self.d
    }

    /// Exactly `a.safe_div(d)`.
    #[inline]
    pub fn safe_div_into(&self, a: I32F32) -> I32F32 {
        // A negative `a` is at least 2⁶³ as a u64.
        let bits = a.0 as u64;
        if bits < self.limit {
            I32F32(self.divide(bits << self.shift) as i64)
        } else {
            a.safe_div(self.d)
        }
    }

    /// `floor(n / m)`.
    #[inline]
    fn divide(&self, n: u64) -> u64 {
        divide(self.hi, self.lo, n)
    }
}

/// `floor(n / m)` with `(hi, lo) = reciprocal(m)`.
#[inline]
fn divide(hi: u64, lo: u64, n: u64) -> u64 {
    let n = u128::from(n);
    let lo = u128::from(lo) * n;
    let hi = u128::from(hi) * n;
    // hi + (lo >> 64) < 2^128: no overflow.
    ((hi + (lo >> 64)) >> 64) as u64
}

/// Division of stored u16 values, read as integers, by a fixed `d` (a column of stored bonds'
/// sum): exactly `I32F32::from_int(b).safe_div(d)`, with one multiplication where `d` is an
/// integer `m` in [1, 2³²] or 0.
///
/// The quotient is then `floor(b·2³² / m)`. With `c = ceil(2^(F+32) / m)` and `2^F >= 2¹⁶·m`,
/// `b·c / 2^F = b·2³²/m + b·e / (m·2^F)` for some `0 <= e < m`, and the second term is below
/// `b / 2^F < 1/m`; the first is an integer plus at most `(m − 1)/m`, so the floors agree. `c`
/// is below 2⁴⁹ + 1. A zero `d` gives 0 (`c` = 0), as `safe_div` does.
///
/// `b·c >> F` is computed as the high half of `(b << (64 − F))·c`: `F` is in [16, 48], so the
/// shifted `b` fits 64 bits, and taking the high half costs less than a 128-bit shift by a
/// variable amount.
#[derive(Clone, Copy)]
pub(crate) struct U16Divisor {
    c: u64,
    /// `64 − F`.
    shift: u32,
    /// For other divisors.
    general: Option<Divisor>,
}

impl U16Divisor {
    pub(crate) fn new(d: I32F32) -> Self {
        let m = u64::try_from(d.0 >> FRAC).unwrap_or(0);
        if d.0 & 0xffff_ffff != 0 || !(1..=1 << FRAC).contains(&m) {
            return Self {
                c: 0,
                shift: 0,
                general: (d != I32F32::ZERO).then(|| Divisor::new(d)),
            };
        }
        // The smallest F with 2^F >= 2¹⁶·m.
        let shift = 16 + (64 - (m - 1).leading_zeros());
        let c = ((1u128 << (shift + FRAC)) - 1) / u128::from(m) + 1;
        Self {
            c: c as u64,
            shift: 64 - shift,
            general: None,
        }
    }

    /// `I32F32::from_int(b).safe_div(d)`.
    #[inline]
    pub(crate) fn divide(&self, b: u16) -> I32F32 {
        match self.general {
            None => {
                let b = u64::from(b) << self.shift;
                I32F32(((u128::from(b) * u128::from(self.c)) >> 64) as i64)
            }
            Some(d) => d.safe_div_into(I32F32::from_int(i64::from(b))),
        }
    }
}

/// Division by a column's largest entry `m` followed by conversion to a stored u16 proportion,
/// with the results of `m.safe_div` (an `m` of 0 leaving entries as they are) and
/// [`I32F32::to_u16_proportion`], in one division instead of two.
///
/// For raw values `1 <= a <= m <= 2³²`, the quotient `y = floor(a·2³² / m)` is in [1, 2³²], and
/// `floor(y·65535 / 2³²) = floor((y − 1) / 65537)`: with `y − 1 = 65537q + r`, `r < 65537`,
/// and `2³² = 65535·65537 + 1`, `y·65535 = q·2³² + (r + 1)·65535 − q`, where
/// `0 <= (r + 1)·65535 − q < 2³²` because `q <= 65535`. Nested floors by an integer divisor
/// merge, so that is `floor((a·2³² − m) / (65537·m))`, one exact division of a 64-bit number
/// by a constant. Other operands (none, for the entries of the column `m` is the maximum of)
/// take the two steps.
#[derive(Clone, Copy)]
pub(crate) struct Upscale {
    m: I32F32,
    /// `m`'s raw value where the single division applies, else 0 (no `a` qualifies).
    fast: u64,
    /// `reciprocal(65537·m)`.
    hi: u64,
    lo: u64,
}

impl Upscale {
    pub(crate) fn new(m: I32F32) -> Self {
        let fast = u64::try_from(m.0)
            .ok()
            .filter(|&m| (1..=1 << FRAC).contains(&m))
            .unwrap_or(0);
        let (hi, lo) = reciprocal(fast * 65537).unwrap_or((0, 0));
        Self { m, fast, hi, lo }
    }

    /// Exactly the stored proportion of `a` divided by `m`.
    #[inline]
    pub(crate) fn to_u16_proportion(self, a: I32F32) -> u16 {
        let bits = a.0 as u64;
        // 1 <= a <= m; a negative `a` is at least 2⁶³ as a u64.
        if bits.wrapping_sub(1) < self.fast {
            // a·2³² − m, which would overflow as `a << 32` for a = m = 2³².
            let n = ((bits - 1) << FRAC) + ((1 << FRAC) - self.fast);
            divide(self.hi, self.lo, n) as u16
        } else if self.m == I32F32::ZERO {
            a.to_u16_proportion()
        } else {
            a.safe_div(self.m).to_u16_proportion()
        }
    }
}

/// Multiplication by a number `a` fixed for many products: exactly `a.saturating_mul(b)`.
/// With `a` in [0, 1], every product lies between 0 and `b`, so it needs no saturation.
#[derive(Clone, Copy)]
pub(crate) struct Factor {
    a: I32F32,
    unit: bool,
}

impl Factor {
    pub(crate) fn new(a: I32F32) -> Self {
        let unit = (0..=I32F32::ONE.0).contains(&a.0);
        Self { a, unit }
    }

    #[inline]
    pub(crate) fn mul(self, b: I32F32) -> I32F32 {
        if self.unit {
            I32F32(((i128::from(self.a.0) * i128::from(b.0)) >> FRAC) as i64)
        } else {
            self.a.saturating_mul(b)
        }
    }
}

fn saturate_i64(x: i128) -> i64 {
    i64::try_from(x).unwrap_or(if x < 0 { i64::MIN } else { i64::MAX })
}

impl fmt::Debug for I32F32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "I32F32({:#x})", self.0)
    }
}

/// Sum with plain wrapping addition, as the reference sums vectors.
pub fn sum(values: impl IntoIterator<Item = I32F32>) -> I32F32 {
    values.into_iter().fold(I32F32::ZERO, I32F32::wrapping_add)
}

/// A signed fixed-point number with 64 integer and 64 fractional bits (stake weights).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct I64F64(i128);

impl I64F64 {
    /// The number whose raw representation is `bits` (value × 2⁶⁴).
    pub const fn from_bits(bits: i128) -> Self {
        Self(bits)
    }

    /// The raw representation.
    pub const fn to_bits(self) -> i128 {
        self.0
    }

    /// An integer amount (such as a stake in RAO), saturating at the type's bounds.
    pub fn from_u64(n: u64) -> Self {
        Self(
            i128::from(n)
                .checked_shl(64)
                .filter(|_| n <= i64::MAX as u64)
                .unwrap_or(i128::MAX),
        )
    }

    /// The integer part (floor), saturating to `u64`.
    pub fn to_u64(self) -> u64 {
        u64::try_from((self.0 >> 64).max(0)).unwrap_or(u64::MAX)
    }

    /// `self / total` for `0 <= self <= total`; 0 when `total` is 0 (the reference's `safe_div`).
    pub(crate) fn proportion_of(self, total: Self) -> Self {
        if total.0 <= 0 || self.0 < 0 {
            return Self(0);
        }
        Self(div_frac64(self.0.unsigned_abs(), total.0.unsigned_abs()).unwrap_or(0))
    }
}

/// `floor(a × 2⁶⁴ / b)` for `b > 0`, by long division so that no 256-bit type is needed.
fn div_frac64(a: u128, b: u128) -> Option<i128> {
    let mut q = a / b;
    let mut r = a % b;
    for _ in 0..64 {
        q = q.checked_shl(1)?;
        // r < b < 2^127, so the shift cannot overflow.
        r <<= 1;
        if r >= b {
            r -= b;
            q |= 1;
        }
    }
    i128::try_from(q).ok()
}

impl fmt::Debug for I64F64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "I64F64({:#x})", self.0)
    }
}

/// `e^x` as the reference computes it (`substrate_fixed::transcendental::exp`): a Taylor series
/// with 30 terms in I32F32, the reciprocal for negative `x`; `None` where the reference errs.
pub fn exp(x: I32F32) -> Option<I32F32> {
    if x == I32F32::ZERO {
        return Some(I32F32::ONE);
    }
    if x == I32F32::ONE {
        // The constant e, as an I9F23 widened to I32F32.
        return Some(I32F32::from_bits(22_802_600 << 9));
    }
    let neg = x.0 < 0;
    let operand = if neg { I32F32(x.0.checked_neg()?) } else { x };
    let mut result = operand.0.checked_add(I32F32::ONE.0).map(I32F32)?;
    let mut term = operand;
    for i in 2..i64::from(FRAC) {
        term = term.checked_mul(operand)?;
        term = term.checked_div(I32F32::from_int(i))?;
        result = result.0.checked_add(term.0).map(I32F32)?;
    }
    if neg {
        result = I32F32::ONE.checked_div(result)?;
    }
    Some(result)
}

/// `exp` with its input clamped to [−20, 20]; 0 or the maximum where `exp` fails.
pub fn exp_safe(x: I32F32) -> I32F32 {
    let x = x.clamp(I32F32::from_int(-20), I32F32::from_int(20));
    exp(x).unwrap_or(if x <= I32F32::ZERO {
        I32F32::ZERO
    } else {
        I32F32::MAX
    })
}

/// `max(low, min(high, value))`, in that order, as the reference clamps.
pub fn clamp_value(value: I32F32, low: I32F32, high: I32F32) -> I32F32 {
    match value.cmp(&high) {
        Ordering::Greater => high,
        _ => value,
    }
    .max(low)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_mul_floors_and_div_truncates() {
        let third = I32F32::ONE.safe_div(I32F32::from_int(3));
        assert_eq!(third.to_bits(), 0x5555_5555);
        assert_eq!(
            third.saturating_mul(I32F32::from_int(3)).to_bits(),
            0xffff_ffff
        );
        let minus = I32F32::from_int(-1).safe_div(I32F32::from_int(3));
        assert_eq!(minus.to_bits(), -0x5555_5555);
        assert_eq!(I32F32::ONE.safe_div(I32F32::ZERO), I32F32::ZERO);
        assert_eq!(I32F32::MAX.safe_div(I32F32::from_bits(1)), I32F32::ZERO);
    }

    #[test]
    fn test_saturating_mul_saturates_exactly_at_the_bounds() {
        let mut x = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let sample = |r: u64| match r % 4 {
            0 => (r >> 2) as i64 >> ((r >> 8) % 64),
            1 => -((r >> 2) as i64 >> ((r >> 8) % 64)),
            2 => [i64::MIN, i64::MAX, 0, 1, -1, 1 << 32, -(1 << 32)][(r >> 8) as usize % 7],
            _ => r as i64,
        };
        for _ in 0..200_000 {
            let (a, b) = (sample(next()), sample(next()));
            let exact = (i128::from(a) * i128::from(b)) >> 32;
            let expected = exact.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
            assert_eq!(
                I32F32::from_bits(a)
                    .saturating_mul(I32F32::from_bits(b))
                    .to_bits(),
                expected,
                "{a} * {b}"
            );
        }
    }

    #[test]
    fn test_factor_matches_saturating_mul() {
        let mut x = 0x1f83_d9ab_fb41_bd6b_u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let sample = |r: u64| match r % 6 {
            0 => I32F32::from_bits((r >> 8) as i64 % (1 << 33)),
            1 => I32F32::ONE,
            2 => I32F32::from_bits(i64::MIN + (r >> 8) as i64 % 3),
            3 => I32F32::from_bits(i64::MAX - (r >> 8) as i64 % 3),
            4 => I32F32::from_bits(-((r >> 8) as i64 % (1 << 33))),
            _ => I32F32::from_bits(r as i64),
        };
        for _ in 0..100_000 {
            let (a, b) = (sample(next()), sample(next()));
            assert_eq!(Factor::new(a).mul(b), a.saturating_mul(b), "{a:?} * {b:?}");
            assert_eq!(
                a.to_u16_proportion(),
                a.saturating_mul(I32F32::from_int(65535)).to_u16(),
                "{a:?}"
            );
        }
    }

    #[test]
    fn test_divisor_matches_safe_div() {
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let samples = |r: u64| match r % 8 {
            0 => I32F32::from_int((r >> 8) as i64 % 70_000),
            6 => I32F32::from_bits(1 << ((r >> 8) % 63)),
            7 => I32F32::from_bits(i64::MAX - (r >> 8) as i64 % 1000),
            1 => I32F32::from_bits((r >> 8) as i64 % (1 << 32)),
            2 => I32F32::from_bits(r as i64),
            3 => I32F32::ONE,
            4 => I32F32::ZERO,
            _ => I32F32::from_bits(-((r >> 8) as i64 % (1 << 40))),
        };
        for _ in 0..100_000 {
            let d = samples(next());
            let divisor = Divisor::new(d);
            for _ in 0..5 {
                let a = samples(next());
                assert_eq!(divisor.safe_div_into(a), a.safe_div(d), "{a:?} / {d:?}");
            }
        }
    }

    #[test]
    fn test_upscale_matches_division_then_proportion() {
        let mut x = 0x6a09_e667_f3bc_c908_u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let sample = |r: u64| match r % 7 {
            0 => I32F32::from_bits((r >> 8) as i64 % (1 << 33)),
            1 => I32F32::ONE,
            2 => I32F32::from_bits((r >> 8) as i64 % 70_000),
            3 => I32F32::ONE.saturating_sub(I32F32::from_bits((r >> 8) as i64 % 3)),
            4 => I32F32::from_bits(-((r >> 8) as i64 % (1 << 33))),
            5 => I32F32::ZERO,
            _ => I32F32::from_bits(r as i64),
        };
        for _ in 0..20_000 {
            let m = sample(next());
            let upscale = Upscale::new(m);
            let by_max = Divisor::new(if m == I32F32::ZERO { I32F32::ONE } else { m });
            for _ in 0..8 {
                let r = next();
                // Mostly entries at most `m`, as a column's entries are.
                let a = if r % 4 == 0 {
                    sample(next())
                } else {
                    I32F32::from_bits(
                        m.to_bits().max(1) - (next() % m.to_bits().max(1) as u64) as i64,
                    )
                };
                assert_eq!(
                    upscale.to_u16_proportion(a),
                    by_max.safe_div_into(a).to_u16_proportion(),
                    "{a:?} / {m:?}"
                );
            }
        }
    }

    #[test]
    fn test_u16_divisor_matches_safe_div() {
        let mut x = 0xbb67_ae85_84ca_a73b_u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut divisors = vec![0, 1, 2, 3, 65535, 65536, 1 << 31, (1 << 32) - 1, 1 << 32];
        divisors.extend((0..40).map(|k| next() >> (32 + k % 32)));
        let check = |d: I32F32, b: u16| {
            assert_eq!(
                U16Divisor::new(d).divide(b),
                I32F32::from_int(i64::from(b)).safe_div(d),
                "{b} / {d:?}"
            );
        };
        for &m in &divisors {
            let d = I32F32::from_int(m as i64);
            for b in 0..=u16::MAX {
                check(d, b);
            }
        }
        // Divisors that are not integers in range take the general route.
        for _ in 0..20_000 {
            let d = I32F32::from_bits(next() as i64 >> (next() % 64));
            check(d, next() as u16);
            check(d.saturating_add(I32F32::ONE), next() as u16);
        }
        check(I32F32::from_int(1 << 33), 7);
        check(I32F32::from_int(-3), 7);
    }

    #[test]
    fn test_round_ties_away_from_zero() {
        let half = I32F32::from_bits(1 << 31);
        assert_eq!(half.round(), I32F32::ONE);
        assert_eq!(I32F32::from_bits((1 << 31) - 1).round(), I32F32::ZERO);
        assert_eq!(I32F32::from_bits(-(1 << 31)).round(), I32F32::from_int(-1));
    }

    #[test]
    fn test_stake_proportion_is_exact() {
        let p = I64F64::from_u64(1).proportion_of(I64F64::from_u64(3));
        assert_eq!(p.to_bits(), 0x5555_5555_5555_5555);
        assert_eq!(
            I64F64::from_u64(5)
                .proportion_of(I64F64::from_u64(0))
                .to_bits(),
            0
        );
        assert_eq!(I32F32::from_i64f64(p).to_bits(), 0x5555_5555);
    }
}
