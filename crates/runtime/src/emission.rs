//! The issuance schedule: how much of a token each block mints.
//!
//! TAO, and every subnet's alpha on its own, follow Bitcoin's shape over a 21M cap: 1 token
//! per block until half the cap is issued, then half as much until half of the rest is, and so
//! on. Halvings are triggered by issuance, not by block height, so a token whose supply is
//! recycled or burned emits longer.

use plexus_primitives::{Balance, RAO_PER_TAO, TOTAL_SUPPLY};

/// Rao minted per block when `issuance` rao of a 21M-capped token exist:
/// `floor(1 token × 2^−k)` with `k = floor(log₂(21M / (21M − issuance)))`, and 0 at the cap.
///
/// The reference chain evaluates the logarithm in 32-bit fixed point; Plexus finds `k` exactly
/// (the largest `k` with `2^k × remaining ≤ 21M`), which agrees everywhere except within a few
/// millionths of a token of a halving boundary, where the exact answer is the intended one.
pub fn block_emission(issuance: Balance) -> Balance {
    let Some(remaining) = TOTAL_SUPPLY.checked_sub(issuance).filter(|r| *r > 0) else {
        return 0;
    };
    let (remaining, supply) = (u128::from(remaining), u128::from(TOTAL_SUPPLY));
    let mut halvings = 0u32;
    while halvings < 63 && remaining << (halvings + 1) <= supply {
        halvings += 1;
    }
    RAO_PER_TAO >> halvings
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issuance → emission, worked by hand: the k-th halving happens when issuance reaches
    /// 21M × (1 − 2^−k).
    #[test]
    fn test_halving_schedule_vectors() {
        const T: u64 = RAO_PER_TAO;
        let cases = [
            (0, T),
            (10_500_000 * T - 1, T),
            (10_500_000 * T, T / 2),
            (15_750_000 * T - 1, T / 2),
            (15_750_000 * T, T / 4),
            (18_375_000 * T, T / 8),
            (19_687_500 * T, T / 16),
            // 21M × (1 − 2^−10) = 20_979_492.1875 TAO.
            (20_979_492_187_500_000, T >> 10),
            (20_979_492_187_499_999, T >> 9),
            // 1 rao left: 2^54 ≤ 21e15 < 2^55, so k = 54 and 1e9 >> 54 = 0.
            (TOTAL_SUPPLY - 1, 0),
            (TOTAL_SUPPLY, 0),
            (u64::MAX, 0),
        ];
        for (issuance, expected) in cases {
            assert_eq!(block_emission(issuance), expected, "issuance {issuance}");
        }
    }

    #[test]
    fn test_emission_never_increases_with_issuance() {
        let mut last = block_emission(0);
        let mut issuance = 0u64;
        while issuance < TOTAL_SUPPLY {
            let e = block_emission(issuance);
            assert!(e <= last);
            last = e;
            issuance = issuance.saturating_add(TOTAL_SUPPLY / 997);
        }
    }
}
