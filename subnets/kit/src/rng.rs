//! A small seeded generator, so a validator's tasks can be chosen again from their seed.

use plexus_sdk::primitives::{blake2_256_parts, AccountId, H256};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// SplitMix64 (Steele, Lea and Flood): fast, 64 bits of state, every seed usable; not for
/// secrets.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// A generator seeded from the operating system.
    pub fn from_entropy() -> Self {
        use rand_core::RngCore as _;
        Self(rand_core::OsRng.next_u64())
    }

    /// A generator seeded from the chain's randomness and what makes a draw this validator's
    /// own (its hotkey and the task): anyone can recompute the draw afterwards, and nobody can
    /// know it before the block recording `randomness` exists.
    pub fn from_beacon(randomness: &H256, hotkey: &AccountId, task_id: u64) -> Self {
        let digest = blake2_256_parts(&[&randomness.0, &hotkey.0, &task_id.to_le_bytes()]);
        let mut seed = [0u8; 8];
        seed.copy_from_slice(&digest.0[..8]);
        Self(u64::from_le_bytes(seed))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0); the bias is below 2^-32 for the sizes used here.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// `n` distinct numbers in `0..len` (all of them if `n >= len`), in random order.
    pub fn distinct(&mut self, len: usize, n: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..len).collect();
        let n = n.min(len);
        // The first `n` steps of a Fisher-Yates shuffle.
        for i in 0..n {
            let j = i + self.below(len - i);
            all.swap(i, j);
        }
        all.truncate(n);
        all
    }

    /// A number in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A generator seeded from the operating system and shared by a solver's concurrent calls:
/// what a miner that answers with noise draws from.
#[derive(Debug)]
pub struct SharedRng(Mutex<SplitMix64>);

impl Default for SharedRng {
    fn default() -> Self {
        Self(Mutex::new(SplitMix64::from_entropy()))
    }
}

impl SharedRng {
    /// The generator, for one call's draws.
    pub fn lock(&self) -> MutexGuard<'_, SplitMix64> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_same_seed_same_sequence_and_bounds_hold() {
        let (mut a, mut b) = (SplitMix64::new(42), SplitMix64::new(42));
        for _ in 0..1000 {
            assert_eq!(a.next_u64(), b.next_u64());
            assert!(a.below(7) < 7);
            let u = a.unit();
            assert!((0.0..1.0).contains(&u));
            b.below(7);
            b.unit();
        }
        assert_eq!(a.below(0), 0);
    }

    #[test]
    fn test_distinct_draws_distinct_numbers_in_range() {
        let mut rng = SplitMix64::new(5);
        let drawn = rng.distinct(10, 4);
        assert_eq!(drawn.len(), 4);
        assert!(drawn.iter().all(|&i| i < 10));
        let unique: std::collections::BTreeSet<_> = drawn.iter().collect();
        assert_eq!(unique.len(), 4);
        assert_eq!(rng.distinct(3, 10).len(), 3);
        assert!(rng.distinct(0, 2).is_empty());
    }

    #[test]
    fn test_a_beacon_draw_is_the_same_for_everyone_and_its_own_per_validator_and_task() {
        let (beacon, other) = (H256([1; 32]), H256([2; 32]));
        let (alice, bob) = (AccountId([3; 32]), AccountId([4; 32]));
        let first = |r: &H256, h: &AccountId, t: u64| SplitMix64::from_beacon(r, h, t).next_u64();
        assert_eq!(first(&beacon, &alice, 7), first(&beacon, &alice, 7));
        assert_ne!(first(&beacon, &alice, 7), first(&other, &alice, 7));
        assert_ne!(first(&beacon, &alice, 7), first(&beacon, &bob, 7));
        assert_ne!(first(&beacon, &alice, 7), first(&beacon, &alice, 8));
        // The seed is the first 8 bytes of BLAKE2b-256(randomness ‖ hotkey ‖ task id LE).
        let digest = blake2_256_parts(&[&beacon.0, &alice.0, &7u64.to_le_bytes()]);
        let seed = u64::from_le_bytes(digest.0[..8].try_into().unwrap());
        assert_eq!(first(&beacon, &alice, 7), SplitMix64::new(seed).next_u64());
    }
}
