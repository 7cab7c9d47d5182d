//! From a validator's scores to a weight row the chain accepts.
//!
//! Scores are kept per uid as an exponential moving average of the rewards a validator gives.
//! Unlike Bittensor's template, a round only moves the scores of the uids it queried: a miner
//! that was not sampled keeps its score instead of decaying towards zero.
//!
//! [`weights_for_chain`] turns scores into `(uid, weight)` pairs that pass the chain's checks
//! for a subnet: at least `min_allowed_weights` non-zero entries and no normalised weight above
//! `max_weight_limit`, max-upscaled to `u16` as the chain stores them.

use plexus_primitives::AccountId;
use plexus_runtime::normalized_max;
use serde::{Deserialize, Serialize};

/// Scores by uid, with the hotkey each uid had when it was scored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    values: Vec<f64>,
    hotkeys: Vec<Option<AccountId>>,
}

impl Scores {
    /// The scores, by uid.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Matches the scores to the subnet's current hotkeys: a uid whose hotkey changed
    /// (deregistered and taken by someone else) starts again from zero, and new uids are added.
    pub fn resync(&mut self, hotkeys: &[AccountId]) {
        self.values.resize(hotkeys.len(), 0.0);
        self.hotkeys.resize(hotkeys.len(), None);
        for (uid, hotkey) in hotkeys.iter().enumerate() {
            if self.hotkeys[uid].as_ref() != Some(hotkey) {
                self.hotkeys[uid] = Some(*hotkey);
                self.values[uid] = 0.0;
            }
        }
    }

    /// Moves the score of each rewarded uid towards its reward by `alpha` (0 to 1): `score =
    /// alpha * reward + (1 - alpha) * score`. Rewards that are not finite count as 0; uids
    /// outside the subnet are ignored.
    pub fn update(&mut self, rewards: &[(u16, f64)], alpha: f64) {
        let alpha = if alpha.is_finite() {
            alpha.clamp(0.0, 1.0)
        } else {
            0.0
        };
        for (uid, reward) in rewards {
            let reward = if reward.is_finite() { *reward } else { 0.0 };
            if let Some(score) = self.values.get_mut(usize::from(*uid)) {
                *score = alpha * reward + (1.0 - alpha) * *score;
            }
        }
    }
}

/// A subnet's rules for a weight row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeightLimits {
    /// Fewest non-zero weights a row may have (the chain uses the smaller of this and n).
    pub min_allowed_weights: u16,
    /// Largest share of the row one weight may have, of 65535.
    pub max_weight_limit: u16,
}

/// Why scores cannot become a valid weight row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeightsError {
    /// The subnet has no uids.
    #[error("the subnet has no neurons to weight")]
    Empty,
    /// Even equal weights on every uid exceed the limit (n × limit < 100%).
    #[error(
        "no row can satisfy the max weight limit {limit}/65535 with {n} uids: even equal weights exceed it"
    )]
    LimitUnreachable {
        /// The limit.
        limit: u16,
        /// Uids in the subnet.
        n: usize,
    },
}

/// Lowers the largest shares to at most `limit` (a fraction of the total), giving the excess
/// to the others in proportion, as far as that is possible.
fn cap_shares(weights: &mut [f64], limit: f64) {
    for _ in 0..weights.len() {
        let total: f64 = weights.iter().sum();
        if total <= 0.0 {
            return;
        }
        let over: Vec<bool> = weights.iter().map(|w| *w / total > limit).collect();
        let capped = over.iter().filter(|o| **o).count();
        if capped == 0 {
            return;
        }
        let rest: f64 = weights
            .iter()
            .zip(&over)
            .filter(|(_, o)| !**o)
            .map(|(w, _)| *w)
            .sum();
        // Each capped weight c satisfies c = limit * (capped * c + rest).
        let denominator = 1.0 - limit * capped as f64;
        if denominator <= 0.0 || rest <= 0.0 {
            return;
        }
        let value = limit * rest / denominator;
        for (w, o) in weights.iter_mut().zip(&over) {
            if *o {
                *w = value;
            }
        }
    }
}

/// Max-upscales to `u16` (the largest becomes 65535) and drops zeros.
fn upscale(weights: &[f64]) -> Vec<(u16, u16)> {
    let max = weights.iter().copied().fold(0.0_f64, f64::max);
    if max <= 0.0 {
        return Vec::new();
    }
    weights
        .iter()
        .enumerate()
        .filter_map(|(uid, w)| {
            let scaled = (w / max * f64::from(u16::MAX)).round();
            let scaled = scaled.clamp(0.0, f64::from(u16::MAX)) as u16;
            let uid = u16::try_from(uid).ok()?;
            (scaled > 0).then_some((uid, scaled))
        })
        .collect()
}

/// Scores to the weight row a validator submits. Negative or non-finite scores count as 0;
/// all-zero scores give equal weights; too few non-zero scores get a tiny weight on every uid
/// so the row has enough entries; the largest shares are capped at the limit.
pub fn weights_for_chain(
    scores: &[f64],
    limits: WeightLimits,
) -> Result<Vec<(u16, u16)>, WeightsError> {
    let n = scores.len().min(usize::from(u16::MAX));
    if n == 0 {
        return Err(WeightsError::Empty);
    }
    let mut weights: Vec<f64> = scores[..n]
        .iter()
        .map(|s| if s.is_finite() && *s > 0.0 { *s } else { 0.0 })
        .collect();
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        weights.iter_mut().for_each(|w| *w = 1.0);
    } else {
        weights.iter_mut().for_each(|w| *w /= total);
        let min = usize::from(limits.min_allowed_weights).min(n);
        if weights.iter().filter(|w| **w > 0.0).count() < min {
            weights.iter_mut().for_each(|w| *w += 1e-5);
        }
    }
    if limits.max_weight_limit == u16::MAX {
        return Ok(upscale(&weights));
    }
    if (n as u64) * u64::from(limits.max_weight_limit) < u64::from(u16::MAX) {
        return Err(WeightsError::LimitUnreachable {
            limit: limits.max_weight_limit,
            n,
        });
    }
    // Rounding to u16 can push a capped share a hair over the limit; aim a little lower each
    // time the chain's own measure says so.
    let mut target = f64::from(limits.max_weight_limit) / f64::from(u16::MAX);
    for _ in 0..64 {
        let mut capped = weights.clone();
        cap_shares(&mut capped, target);
        let row = upscale(&capped);
        let values: Vec<u16> = row.iter().map(|(_, w)| *w).collect();
        if normalized_max(&values) <= limits.max_weight_limit {
            return Ok(row);
        }
        target -= 0.5 / f64::from(u16::MAX);
    }
    Err(WeightsError::LimitUnreachable {
        limit: limits.max_weight_limit,
        n,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const OPEN: WeightLimits = WeightLimits {
        min_allowed_weights: 0,
        max_weight_limit: u16::MAX,
    };

    #[test]
    fn test_upscales_so_the_best_gets_65535_and_drops_zeros() {
        let row = weights_for_chain(&[0.0, 0.5, 0.25, -3.0, f64::NAN], OPEN).unwrap();
        assert_eq!(row, vec![(1, 65535), (2, 32768)]);
    }

    #[test]
    fn test_all_zero_scores_give_equal_weights() {
        let row = weights_for_chain(&[0.0; 4], OPEN).unwrap();
        assert_eq!(row, vec![(0, 65535), (1, 65535), (2, 65535), (3, 65535)]);
    }

    #[test]
    fn test_too_few_non_zero_scores_get_a_floor_on_every_uid() {
        let limits = WeightLimits {
            min_allowed_weights: 3,
            max_weight_limit: u16::MAX,
        };
        let row = weights_for_chain(&[1.0, 0.0, 0.0, 0.0], limits).unwrap();
        assert_eq!(row.len(), 4);
        assert_eq!(row[0], (0, 65535));
        assert!(row[1..].iter().all(|(_, w)| *w >= 1 && *w < 5));
    }

    #[test]
    fn test_shares_are_capped_at_the_limit_by_the_chains_measure() {
        for limit in [13_107u16, 20_000, 32_767, 40_000] {
            let limits = WeightLimits {
                min_allowed_weights: 0,
                max_weight_limit: limit,
            };
            let scores = [10.0, 1.0, 1.0, 0.5, 0.25, 0.1, 0.0, 3.0];
            let row = weights_for_chain(&scores, limits).unwrap();
            let values: Vec<u16> = row.iter().map(|(_, w)| *w).collect();
            assert!(normalized_max(&values) <= limit, "{limit}: {row:?}");
            // The order of the scores survives capping, among those under the cap.
            assert!(values[1] > values[3] && values[3] > values[4]);
        }
    }

    #[test]
    fn test_an_unreachable_limit_is_an_error() {
        let limits = WeightLimits {
            min_allowed_weights: 0,
            max_weight_limit: 10_000,
        };
        assert_eq!(
            weights_for_chain(&[1.0, 1.0, 1.0], limits),
            Err(WeightsError::LimitUnreachable {
                limit: 10_000,
                n: 3
            })
        );
        assert_eq!(weights_for_chain(&[], OPEN), Err(WeightsError::Empty));
    }

    #[test]
    fn test_scores_move_by_alpha_only_where_rewarded_and_reset_on_a_new_hotkey() {
        let (a, b) = (AccountId([1; 32]), AccountId([2; 32]));
        let mut scores = Scores::default();
        scores.resync(&[a, b]);
        scores.update(&[(0, 1.0), (1, 0.5), (9, 1.0)], 0.1);
        scores.update(&[(0, 1.0), (1, f64::INFINITY)], 0.1);
        let values = scores.values();
        assert!((values[0] - 0.19).abs() < 1e-12);
        assert!((values[1] - 0.045).abs() < 1e-12);
        scores.update(&[(0, 0.0)], 0.5);
        assert!(
            (scores.values()[1] - 0.045).abs() < 1e-12,
            "not queried, not decayed"
        );
        let c = AccountId([3; 32]);
        scores.resync(&[a, c, b]);
        assert_eq!(scores.values()[1], 0.0);
        assert_eq!(scores.values()[2], 0.0);
        assert!(scores.values()[0] > 0.0);
    }
}
