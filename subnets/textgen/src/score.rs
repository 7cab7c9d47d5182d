//! Scoring an answer: its form, how far it is checked, and its speed.

use crate::{Answer, Task, CHECKED};
use plexus_subnet_kit::SplitMix64;

/// The share of an answer's score that its speed decides; the rest is correctness.
pub const SPEED_SHARE: f64 = 0.25;

/// Whether an answer can be right at all: between one token and the budget, every token
/// below `vocab`, and either the whole budget or ended by `end` (and `end` nowhere else).
/// A truncated answer fails here, or at its last position when it fakes an end.
pub fn well_formed(answer: &Answer, task: &Task, end: u32, vocab: u32) -> bool {
    let n = answer.tokens.len();
    let Some((&last, body)) = answer.tokens.split_last() else {
        return false;
    };
    n <= task.max_tokens as usize
        && answer.tokens.iter().all(|&t| t < vocab)
        && body.iter().all(|&t| t != end)
        && (n == task.max_tokens as usize || last == end)
}

/// How many leading tokens of a well-formed answer of `len` tokens to check: all of them if
/// it `ended` early (the model must have ended it there too), otherwise at least [`CHECKED`]
/// and as far as a point drawn with `rng`. A miner cannot know where checking stops, so a
/// cheap tail is caught in proportion to the work it saved, and its whole answer scores
/// nothing.
pub fn checked_len(rng: &mut SplitMix64, len: usize, ended: bool) -> usize {
    if ended || len <= CHECKED {
        return len;
    }
    CHECKED + rng.below(len - CHECKED + 1)
}

/// An answer's score in [0, 1]: nothing unless every checked token was the model's choice,
/// then weighed by its `speed` in tokens per second against the fastest correct answer of
/// the round, `best`.
pub fn score(correct: bool, speed: f64, best: f64) -> f64 {
    if !correct {
        return 0.0;
    }
    let relative = if best > 0.0 && speed.is_finite() {
        (speed / best).clamp(0.0, 1.0)
    } else {
        1.0
    };
    1.0 - SPEED_SHARE + SPEED_SHARE * relative
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(max_tokens: u32) -> Task {
        Task {
            prompt: "hi".into(),
            max_tokens,
        }
    }

    fn answer(tokens: &[u32]) -> Answer {
        Answer {
            tokens: tokens.to_vec(),
        }
    }

    #[test]
    fn test_only_full_or_properly_ended_answers_are_well_formed() {
        let end = 2;
        assert!(well_formed(&answer(&[5, 6, 7]), &task(3), end, 100));
        assert!(well_formed(&answer(&[5, end]), &task(3), end, 100));
        // Cut short without an end, too long, empty, an end in the middle, unknown tokens.
        assert!(!well_formed(&answer(&[5, 6]), &task(3), end, 100));
        assert!(!well_formed(&answer(&[5, 6, 7, 8]), &task(3), end, 100));
        assert!(!well_formed(&answer(&[]), &task(3), end, 100));
        assert!(!well_formed(&answer(&[5, end, 7]), &task(3), end, 100));
        assert!(!well_formed(&answer(&[5, 6, 100]), &task(3), end, 100));
    }

    #[test]
    fn test_checking_reaches_an_early_end_and_otherwise_a_drawn_point() {
        let mut rng = SplitMix64::new(9);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..200 {
            let n = checked_len(&mut rng, 24, false);
            assert!((CHECKED..=24).contains(&n), "{n}");
            seen.insert(n);
            assert_eq!(checked_len(&mut rng, 10, true), 10);
            assert_eq!(checked_len(&mut rng, 2, false), 2);
        }
        // Every stopping point from CHECKED to the end occurs.
        assert_eq!(seen.len(), 24 - CHECKED + 1);
    }

    #[test]
    fn test_score_is_all_or_nothing_weighed_by_relative_speed() {
        assert_eq!(score(true, 10.0, 10.0), 1.0);
        assert_eq!(score(false, 10.0, 10.0), 0.0);
        assert_eq!(score(true, 5.0, 10.0), 1.0 - SPEED_SHARE / 2.0);
        // Faster than the best correct answer counts as the best, not more.
        assert_eq!(score(true, 20.0, 10.0), 1.0);
        assert_eq!(score(true, 10.0, 0.0), 1.0);
    }
}
