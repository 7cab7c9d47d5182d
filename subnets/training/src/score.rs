//! Scoring an update by the loss it removes.

/// How much an update lowered the loss, in nats per byte, on two sets of windows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gains {
    /// On windows of the miner's assigned shards, drawn after the update arrived.
    pub assigned: f32,
    /// On held-out windows the validator alone chose, after the update arrived.
    pub held_out: f32,
    /// How much of a held-out gain carries over to the miner's shard by general learning
    /// alone, as the round's averaged updates show (1 without enough updates to tell).
    pub transfer: f32,
}

/// The least held-out gain that counts: below it an update is noise.
pub const MIN_GAIN: f32 = 0.002;

/// How much more an update must lower the loss on the miner's own shard than general
/// learning would: training on a shard fits it better than text nobody trained on, while an
/// update trained on other data (or copied from a miner who had another shard) helps it only
/// as much as any text.
pub const SPECIFICITY: f32 = 0.012;

impl Gains {
    /// Whether the update is useful and trained on the miner's own data.
    pub fn accepted(&self) -> bool {
        self.held_out >= MIN_GAIN && self.assigned >= self.held_out * self.transfer + SPECIFICITY
    }
}

/// Each miner's score in [0, 1]: 0 for no update, a malformed one or one not
/// [`accepted`](Gains::accepted); otherwise its held-out gain against the round's best.
pub fn scores(gains: &[(u16, Option<Gains>)]) -> Vec<(u16, f64)> {
    let best = gains
        .iter()
        .filter_map(|(_, g)| g.filter(Gains::accepted))
        .map(|g| g.held_out)
        .fold(0.0f32, f32::max);
    gains
        .iter()
        .map(|&(uid, g)| {
            let score = match g {
                Some(g) if g.accepted() && best > 0.0 => f64::from(g.held_out / best),
                _ => 0.0,
            };
            (uid, score)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gains(assigned: f32, held_out: f32) -> Option<Gains> {
        Some(Gains {
            assigned,
            held_out,
            transfer: 1.0,
        })
    }

    #[test]
    fn test_useful_own_updates_score_by_held_out_gain_and_the_rest_zero() {
        let scored = scores(&[
            (0, gains(0.30, 0.20)),
            (1, gains(0.20, 0.10)),
            // Helps held-out as much as its assigned data: trained on something else.
            (2, gains(0.21, 0.20)),
            // Makes things worse.
            (3, gains(-0.1, -0.2)),
            // Nothing sent.
            (4, None),
        ]);
        assert_eq!(
            scored,
            vec![(0, 1.0), (1, 0.5), (2, 0.0), (3, 0.0), (4, 0.0)]
        );
        assert_eq!(scores(&[(0, gains(0.0, 0.0))]), vec![(0, 0.0)]);
        // A shard general learning helps twice as much as held-out text must gain more still.
        let easy = Gains {
            assigned: 0.41,
            held_out: 0.2,
            transfer: 2.0,
        };
        assert!(!easy.accepted());
        assert!(Gains {
            assigned: 0.43,
            ..easy
        }
        .accepted());
    }
}
