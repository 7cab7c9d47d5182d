//! The text the model learns: 192 KiB of the Jargon File (`data/`, public domain) cut into
//! 2 KiB shards, every tenth held out; which shards a miner trains on in a round; and windows
//! of bytes drawn from shards.

use plexus_sdk::primitives::{blake2_256_parts, AccountId};
use plexus_subnet_kit::SplitMix64;

const CORPUS: &[u8] = include_bytes!("../data/jargon.txt");

/// Bytes in a shard.
pub const SHARD_BYTES: usize = 2048;

/// Shards a miner trains on in a round.
pub const SHARDS_PER_MINER: usize = 1;

/// A shard of the corpus.
pub fn shard(index: u32) -> &'static [u8] {
    let start = (index as usize * SHARD_BYTES).min(CORPUS.len());
    &CORPUS[start..(start + SHARD_BYTES).min(CORPUS.len())]
}

/// Every shard's index.
fn all() -> impl Iterator<Item = u32> {
    0..CORPUS.len().div_ceil(SHARD_BYTES) as u32
}

/// The shards miners train on.
pub fn training_shards() -> Vec<u32> {
    all().filter(|i| i % 10 != 9).collect()
}

/// The shards only validators use, to see whether an update helps on text nobody trained on.
pub fn held_out_shards() -> Vec<u32> {
    all().filter(|i| i % 10 == 9).collect()
}

/// The training shards `miner` works on in the round whose seed is `seed`: anyone can
/// recompute them, and every miner gets its own.
pub fn assigned(seed: &[u8; 32], miner: &AccountId) -> Vec<u32> {
    let digest = blake2_256_parts(&[b"plexus-training-shards", seed, &miner.0]);
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest.0[..8]);
    let mut rng = SplitMix64::new(u64::from_le_bytes(bytes));
    let shards = training_shards();
    rng.distinct(shards.len(), SHARDS_PER_MINER)
        .into_iter()
        .map(|i| shards[i])
        .collect()
}

/// `count` windows of `len` bytes, each from a shard of `shards` and a position drawn with
/// `rng`.
pub fn windows(shards: &[u32], count: usize, len: usize, rng: &mut SplitMix64) -> Vec<Vec<u8>> {
    if shards.is_empty() {
        return Vec::new();
    }
    (0..count)
        .filter_map(|_| {
            let text = shard(shards[rng.below(shards.len())]);
            let start = rng.below(text.len().checked_sub(len)? + 1);
            Some(text[start..start + len].to_vec())
        })
        .collect()
}

/// Every window of `len` bytes of `shards`, starting every `len / 2` bytes: a shard measured
/// whole, with no draw to be lucky or unlucky with.
pub fn shard_windows(shards: &[u32], len: usize) -> Vec<Vec<u8>> {
    let stride = (len / 2).max(1);
    shards
        .iter()
        .flat_map(|&i| {
            let text = shard(i);
            (0..=text.len().saturating_sub(len))
                .step_by(stride)
                .map(move |start| text[start..start + len].to_vec())
        })
        .filter(|w| w.len() == len)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_shards_cover_the_corpus_and_a_tenth_is_held_out() {
        let (train, held) = (training_shards(), held_out_shards());
        assert_eq!(CORPUS.len(), 196_608);
        assert_eq!(train.len() + held.len(), 96);
        assert_eq!(held.len(), 9);
        assert!(train.iter().all(|i| !held.contains(i)));
        assert!(all().all(|i| shard(i).len() == SHARD_BYTES));
    }

    #[test]
    fn test_each_miner_gets_its_own_shards_from_the_seed() {
        let (a, b) = (AccountId([1; 32]), AccountId([2; 32]));
        let seed = [7u8; 32];
        let mine = assigned(&seed, &a);
        assert_eq!(mine, assigned(&seed, &a));
        assert_eq!(mine.len(), SHARDS_PER_MINER);
        assert_ne!(mine, assigned(&seed, &b));
        assert_ne!(mine, assigned(&[8u8; 32], &a));
        let held = held_out_shards();
        assert!(mine.iter().all(|i| !held.contains(i)));
    }

    #[test]
    fn test_windows_come_from_the_shards_asked() {
        let mut rng = SplitMix64::new(1);
        let drawn = windows(&[3], 10, 65, &mut rng);
        assert_eq!(drawn.len(), 10);
        let text = shard(3);
        for w in &drawn {
            assert_eq!(w.len(), 65);
            assert!(text.windows(65).any(|x| x == &w[..]));
        }
        assert!(windows(&[], 10, 65, &mut rng).is_empty());
        let whole = shard_windows(&[3, 4], 65);
        assert_eq!(whole.len(), 2 * ((SHARD_BYTES - 65) / 32 + 1));
        assert_eq!(whole[0], text[..65].to_vec());
        assert_eq!(whole[1], text[32..97].to_vec());
    }
}
