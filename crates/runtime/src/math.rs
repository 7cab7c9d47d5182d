//! Exact integer arithmetic wider than the standard library's: a 256-bit unsigned integer
//! ([`U256`]), a binary floating-point number with a 128-bit mantissa that rounds up ([`Real`],
//! for the pool's fractional powers) and `floor(a × b / c)` through a 256-bit product
//! ([`mul_div`]). No floats: every result is a pure function of its integer inputs.

/// Binary digits of a fractional exponent that [`Real::pow_up`] uses; the rest is truncated.
const EXPONENT_DIGITS: u32 = 128;

/// `floor(a × b / c)` computed exactly through a 256-bit product; `None` if `c` is 0 or the
/// result does not fit in 128 bits.
pub(crate) fn mul_div(a: u128, b: u128, c: u128) -> Option<u128> {
    if c == 0 {
        return None;
    }
    if let Some(product) = a.checked_mul(b) {
        return Some(product / c);
    }
    let (quotient, _) = U256::mul(a, b).div_rem(U256::from(c));
    quotient.to_u128()
}

/// The reference chain's `U96F32`: unsigned fixed point with 32 fractional bits, for the
/// figures (root proportion, dividend splits, claimable rates) Plexus must round exactly as it
/// does. Products and quotients are floored and saturate at the top of the range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct U96F32(u128);

impl U96F32 {
    pub(crate) const ZERO: Self = Self(0);
    pub(crate) const ONE: Self = Self(1 << 32);

    pub(crate) const fn from_bits(bits: u128) -> Self {
        Self(bits)
    }

    pub(crate) const fn to_bits(self) -> u128 {
        self.0
    }

    pub(crate) fn from_u64(v: u64) -> Self {
        Self(u128::from(v) << 32)
    }

    /// `num / den`, as the reference's `from_num(num) / from_num(den)`; zero when `den` is 0.
    pub(crate) fn ratio(num: u64, den: u64) -> Self {
        Self::from_u64(num).div(Self::from_u64(den))
    }

    pub(crate) fn mul(self, o: Self) -> Self {
        Self(mul_div(self.0, o.0, 1 << 32).unwrap_or(u128::MAX))
    }

    /// The quotient, zero when dividing by zero (the reference's `safe_div`).
    pub(crate) fn div(self, o: Self) -> Self {
        if o.0 == 0 {
            return Self::ZERO;
        }
        Self(mul_div(self.0, 1 << 32, o.0).unwrap_or(u128::MAX))
    }

    pub(crate) fn add(self, o: Self) -> Self {
        Self(self.0.saturating_add(o.0))
    }

    pub(crate) fn sub(self, o: Self) -> Self {
        Self(self.0.saturating_sub(o.0))
    }

    /// The integer part, saturating at `u64::MAX`.
    pub(crate) fn to_u64(self) -> u64 {
        u64::try_from(self.0 >> 32).unwrap_or(u64::MAX)
    }
}

/// An unsigned 256-bit integer: just what the runtime's exact products and quotients need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct U256 {
    // Field order makes the derived ordering numeric.
    hi: u128,
    lo: u128,
}

impl U256 {
    pub(crate) const ZERO: Self = Self { hi: 0, lo: 0 };

    pub(crate) fn from(v: u128) -> Self {
        Self { hi: 0, lo: v }
    }

    /// The full product of two `u128`.
    pub(crate) fn mul(a: u128, b: u128) -> Self {
        const MASK: u128 = u64::MAX as u128;
        let (a1, a0) = (a >> 64, a & MASK);
        let (b1, b0) = (b >> 64, b & MASK);
        let p00 = a0 * b0;
        let p01 = a0 * b1;
        let p10 = a1 * b0;
        let p11 = a1 * b1;
        let mid = (p00 >> 64) + (p01 & MASK) + (p10 & MASK);
        Self {
            hi: p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64),
            lo: (p00 & MASK) | (mid << 64),
        }
    }

    /// The value, if it fits in a `u128`.
    pub(crate) fn to_u128(self) -> Option<u128> {
        (self.hi == 0).then_some(self.lo)
    }

    /// Wrapping sum; callers add values far below 2^255.
    pub(crate) fn add(self, o: Self) -> Self {
        let (lo, carry) = self.lo.overflowing_add(o.lo);
        Self {
            hi: self.hi.wrapping_add(o.hi).wrapping_add(u128::from(carry)),
            lo,
        }
    }

    fn wrapping_sub(self, o: Self) -> Self {
        let (lo, borrow) = self.lo.overflowing_sub(o.lo);
        Self {
            hi: self.hi.wrapping_sub(o.hi).wrapping_sub(u128::from(borrow)),
            lo,
        }
    }

    fn bits(self) -> u32 {
        if self.hi != 0 {
            256 - self.hi.leading_zeros()
        } else {
            128 - self.lo.leading_zeros()
        }
    }

    fn bit(self, i: u32) -> bool {
        if i >= 128 {
            (self.hi >> (i - 128)) & 1 == 1
        } else {
            (self.lo >> i) & 1 == 1
        }
    }

    fn shl(self, n: u32) -> Self {
        match n {
            0 => self,
            1..=127 => Self {
                hi: (self.hi << n) | (self.lo >> (128 - n)),
                lo: self.lo << n,
            },
            128..=255 => Self {
                hi: self.lo << (n - 128),
                lo: 0,
            },
            _ => Self::ZERO,
        }
    }

    fn shr(self, n: u32) -> Self {
        match n {
            0 => self,
            1..=127 => Self {
                hi: self.hi >> n,
                lo: (self.lo >> n) | (self.hi << (128 - n)),
            },
            128..=255 => Self {
                hi: 0,
                lo: self.hi >> (n - 128),
            },
            _ => Self::ZERO,
        }
    }

    /// Quotient and remainder by shift-and-subtract (a zero divisor gives all-ones, no panic;
    /// callers never divide by zero).
    pub(crate) fn div_rem(self, d: Self) -> (Self, Self) {
        let mut q = Self::ZERO;
        let mut r = Self::ZERO;
        for i in (0..self.bits()).rev() {
            let carry = r.hi >> 127 == 1;
            r = r.shl(1);
            if self.bit(i) {
                r.lo |= 1;
            }
            if carry || r >= d {
                r = r.wrapping_sub(d);
                q = q.add(Self::from(1).shl(i));
            }
        }
        (q, r)
    }

    /// ⌊√self⌋, digit by digit.
    fn isqrt(self) -> u128 {
        let bits = self.bits();
        if bits == 0 {
            return 0;
        }
        let mut rem = self;
        let mut root = Self::ZERO;
        let mut place = Self::from(1).shl((bits - 1) & !1);
        while place != Self::ZERO {
            let trial = root.add(place);
            if rem >= trial {
                rem = rem.wrapping_sub(trial);
                root = root.shr(1).add(place);
            } else {
                root = root.shr(1);
            }
            place = place.shr(2);
        }
        // The root of a value below 2^256 is below 2^128.
        root.lo
    }
}

/// A non-negative real m · 2^-e, the mantissa normalised to [2^127, 2^128) unless zero: a float
/// with 128-bit precision, so relative error stays tiny however small the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Real {
    m: u128,
    e: u64,
}

const TOP: u128 = 1 << 127;

impl Real {
    const ZERO: Self = Self { m: 0, e: 0 };
    pub(crate) const ONE: Self = Self { m: TOP, e: 127 };

    /// `m / 2^e`, plus one unit in the last place if `inexact`.
    fn round_up(m: u128, e: u64, inexact: bool) -> Self {
        if !inexact {
            return Self { m, e };
        }
        match m.checked_add(1) {
            Some(m) => Self { m, e },
            None => Self {
                m: TOP,
                e: e.saturating_sub(1),
            },
        }
    }

    /// ⌈num / den⌉ for num ≤ den (1 otherwise, including den = 0).
    pub(crate) fn ratio_up(num: U256, den: U256) -> Self {
        if num >= den {
            return Self::ONE;
        }
        if num == U256::ZERO {
            return Self::ZERO;
        }
        // Align num's top bit with den's so the quotient is in (1/2, 1) or [1, 2).
        let shift = den.bits() - num.bits();
        let mut rem = num.shl(shift);
        let (mut q, frac_bits) = if rem >= den {
            rem = rem.wrapping_sub(den);
            (1u128, 127)
        } else {
            (0u128, 128)
        };
        for _ in 0..frac_bits {
            let carry = rem.hi >> 127 == 1;
            rem = rem.shl(1);
            q <<= 1;
            if carry || rem >= den {
                rem = rem.wrapping_sub(den);
                q |= 1;
            }
        }
        Self::round_up(q, u64::from(frac_bits + shift), rem != U256::ZERO)
    }

    fn mul_up(self, o: Self) -> Self {
        if self.m == 0 || o.m == 0 {
            return Self::ZERO;
        }
        let p = U256::mul(self.m, o.m);
        let shift = if p.bit(255) { 128 } else { 127 };
        let m = p.shr(shift);
        let inexact = m.shl(shift) != p;
        Self::round_up(
            m.lo,
            self.e.saturating_add(o.e).saturating_sub(u64::from(shift)),
            inexact,
        )
    }

    fn sqrt_up(self) -> Self {
        if self.m == 0 {
            return Self::ZERO;
        }
        // Scale the mantissa to 255 or 256 bits so the root has 128, with an even exponent.
        let widen = if self.e % 2 == 1 { 127 } else { 128 };
        let v = U256::from(self.m).shl(widen);
        let s = v.isqrt();
        Self::round_up(
            s,
            self.e.saturating_add(u64::from(widen)) / 2,
            U256::mul(s, s) != v,
        )
    }

    /// self^(a/b), rounded up, for self ≤ 1 and b > 0.
    pub(crate) fn pow_up(self, a: u64, b: u64) -> Self {
        let mut acc = Self::ONE;
        let mut base = self;
        let mut n = a / b;
        while n > 0 {
            if n & 1 == 1 {
                acc = acc.mul_up(base);
            }
            n >>= 1;
            if n > 0 {
                base = base.mul_up(base);
            }
        }
        // Binary digits of (a mod b)/b by long division; the k-th multiplies in self^(2^-k).
        let mut rem = a % b;
        let mut root = self;
        let mut digits = 0;
        while rem != 0 && digits < EXPONENT_DIGITS {
            rem *= 2;
            root = root.sqrt_up();
            if rem >= b {
                rem -= b;
                acc = acc.mul_up(root);
            }
            digits += 1;
        }
        acc
    }

    /// ⌈v · self⌉ for self ≤ 1.
    pub(crate) fn mul_ceil(self, v: u64) -> u64 {
        let p = U256::mul(u128::from(v), self.m);
        let e = u32::try_from(self.e).unwrap_or(u32::MAX);
        let q = p.shr(e);
        let up = u128::from(q.shl(e) != p);
        // self ≤ 1 keeps the result ≤ v.
        u64::try_from(q.lo + up).unwrap_or(v).min(v)
    }

    /// ⌊v / self⌋ for v > 0, `None` when it exceeds `u64` (or self is 0).
    pub(crate) fn div_into_floor(self, v: u64) -> Option<u64> {
        // With e ≥ 192 the quotient is at least v · 2^64.
        if self.m == 0 || self.e >= 192 {
            return None;
        }
        let (q, _) = U256::from(u128::from(v))
            .shl(self.e as u32)
            .div_rem(U256::from(self.m));
        if q.hi != 0 {
            return None;
        }
        u64::try_from(q.lo).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PERQUINTILL;

    const TAO: u64 = 1_000_000_000;

    #[test]
    fn test_mul_div_exact() {
        assert_eq!(mul_div(6, 7, 4), Some(10));
        assert_eq!(mul_div(1, 1, 0), None);
        assert_eq!(mul_div(u128::MAX, u128::MAX, u128::MAX), Some(u128::MAX));
        assert_eq!(mul_div(u128::MAX, 2, 1), None);
        assert_eq!(mul_div(u128::MAX, 3, 4), Some(u128::MAX / 4 * 3 + 2));
        let (a, b, c) = (1u128 << 100, 1u128 << 90, 1u128 << 80);
        assert_eq!(mul_div(a, b, c), Some(1 << 110));
        // (2^127 + 1)(2^127 + 3) / (2^127 + 5): checked against the exact value.
        let x = 1u128 << 127;
        assert_eq!(mul_div(x + 1, x + 3, x + 5), Some(x - 1));
    }

    #[test]
    fn u256_arithmetic() {
        let a = U256::mul(u128::MAX, u128::MAX);
        assert_eq!(
            a,
            U256 {
                hi: u128::MAX - 1,
                lo: 1
            }
        );
        assert_eq!(
            a.div_rem(U256::from(u128::MAX)),
            (U256::from(u128::MAX), U256::ZERO)
        );
        assert_eq!(a.isqrt(), u128::MAX);
        assert_eq!(
            U256 {
                hi: u128::MAX,
                lo: u128::MAX
            }
            .isqrt(),
            u128::MAX
        );
        assert_eq!(U256::from(99).isqrt(), 9);
        assert_eq!(U256::from(100).isqrt(), 10);
        assert_eq!(U256::from(1).shl(200).shr(199), U256::from(2));
        assert_eq!(U256::from(1).shl(256), U256::ZERO);
        let (q, r) = U256::mul(1 << 100, 12345)
            .add(U256::from(7))
            .div_rem(U256::mul(1 << 100, 1));
        assert_eq!((q, r), (U256::from(12345), U256::from(7)));
    }

    #[test]
    fn powers_bracket_the_exact_value() {
        // r^(1/2) scaled by v against ⌈√(v²·n/d)⌉, which isqrt gives exactly.
        for (n, d, v) in [
            (1u128, 4u128, 1000u64),
            (2, 3, u64::MAX),
            (1, 1001, 1 << 40),
            (999, 1000, 12345),
        ] {
            let r = Real::ratio_up(U256::from(n), U256::from(d));
            let got = r.pow_up(1, 2).mul_ceil(v);
            let t = U256::mul(u128::from(v) * u128::from(v), n).div_rem(U256::from(d));
            let s = t.0.isqrt();
            let exact_ceil = if U256::mul(s, s) == t.0 && t.1 == U256::ZERO {
                s
            } else {
                s + 1
            };
            assert!(
                u128::from(got) == exact_ceil || u128::from(got) == exact_ceil + 1,
                "{n}/{d}"
            );
        }
        // Integer exponents: (2/3)^3 · 27·10^9 = 8·10^9 exactly, the upper bound may add one.
        let r = Real::ratio_up(U256::from(2), U256::from(3));
        let got = r.pow_up(3, 1).mul_ceil(27 * TAO);
        assert!(got == 8 * TAO || got == 8 * TAO + 1);
        // a/b and the same exponent written differently agree.
        let r = Real::ratio_up(U256::from(7), U256::from(11));
        assert_eq!(r.pow_up(3, 2), r.pow_up(3 * PERQUINTILL / 2, PERQUINTILL));
        assert_eq!(Real::ONE.pow_up(99, 1), Real::ONE);
        assert_eq!(Real::ONE.sqrt_up(), Real::ONE);
    }
}
