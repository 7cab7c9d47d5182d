//! Exact integer helpers wider than the standard library's.

/// `floor(a × b / c)` computed exactly through a 256-bit product; `None` if `c` is 0 or the
/// result does not fit in 128 bits.
pub(crate) fn mul_div(a: u128, b: u128, c: u128) -> Option<u128> {
    if c == 0 {
        return None;
    }
    if let Some(product) = a.checked_mul(b) {
        return Some(product / c);
    }
    let (high, low) = mul_wide(a, b);
    if high >= c {
        return None;
    }
    // Long division of the 256-bit (high, low) by c, one bit at a time: the quotient fits in
    // 128 bits because high < c.
    let (mut remainder, mut quotient) = (high, 0u128);
    for bit in (0..128).rev() {
        let carry = remainder >> 127;
        remainder = (remainder << 1) | ((low >> bit) & 1);
        quotient <<= 1;
        if carry == 1 || remainder >= c {
            remainder = remainder.wrapping_sub(c);
            quotient |= 1;
        }
    }
    Some(quotient)
}

/// The full 256-bit product of two u128 as (high, low).
fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a_hi, a_lo) = (a >> 64, a & MASK);
    let (b_hi, b_lo) = (b >> 64, b & MASK);
    let lo_lo = a_lo * b_lo;
    let hi_lo = a_hi * b_lo;
    let lo_hi = a_lo * b_hi;
    let hi_hi = a_hi * b_hi;
    let middle = (lo_lo >> 64) + (hi_lo & MASK) + (lo_hi & MASK);
    let low = (middle << 64) | (lo_lo & MASK);
    let high = hi_hi + (hi_lo >> 64) + (lo_hi >> 64) + (middle >> 64);
    (high, low)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
