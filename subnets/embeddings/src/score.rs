//! Scoring an answer against the validator's own embeddings of a few of its sentences.

use crate::{Answer, DIM};

/// The cosine an embedding must reach against the validator's to count: f32 kernels on
/// different machines, batch padding and int8 builds of the model all land above it (the int8
/// ONNX build at 0.9996), and a different sentence's embedding far below.
pub const THRESHOLD: f64 = 0.999;

/// One sentence the validator recomputed: where it is in the task, and its embedding.
#[derive(Debug, Clone)]
pub struct Check {
    /// The sentence's index in the task.
    pub index: usize,
    /// The validator's embedding of it.
    pub expected: Vec<f32>,
}

/// The cosine similarity of two vectors; 0 when either is zero or they differ in length.
pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    if a.len() != b.len() {
        return 0.0;
    }
    let (mut dot, mut aa, mut bb) = (0.0f64, 0.0f64, 0.0f64);
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (f64::from(*x), f64::from(*y));
        dot += x * y;
        aa += x * x;
        bb += y * y;
    }
    if aa == 0.0 || bb == 0.0 {
        return 0.0;
    }
    dot / (aa.sqrt() * bb.sqrt())
}

/// The share of `checks` whose sentence the answer embedded right (cosine at least
/// [`THRESHOLD`]). An answer with other than `sentences` vectors, or a vector not of [`DIM`]
/// finite numbers, scores 0: a miner cannot hide which sentences it skipped.
pub fn score(answer: &Answer, sentences: usize, checks: &[Check]) -> f64 {
    let well_formed = answer.len() == sentences
        && answer
            .iter()
            .all(|v| v.len() == DIM && v.iter().all(|x| x.is_finite()));
    if !well_formed || checks.is_empty() {
        return 0.0;
    }
    let right = checks
        .iter()
        .filter(|c| {
            answer
                .get(c.index)
                .is_some_and(|v| cosine(v, &c.expected) >= THRESHOLD)
        })
        .count();
    right as f64 / checks.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(seed: usize) -> Vec<f32> {
        let v: Vec<f32> = (0..DIM)
            .map(|i| (((i * 7919 + seed * 104_729) % 1000) as f32) - 500.0)
            .collect();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.into_iter().map(|x| x / norm).collect()
    }

    #[test]
    fn test_cosine_of_known_vectors() {
        assert!((cosine(&[1.0, 0.0], &[2.0, 0.0]) - 1.0).abs() < 1e-12);
        assert!(cosine(&[1.0, 0.0], &[0.0, 3.0]).abs() < 1e-12);
        assert!((cosine(&[1.0, 1.0], &[-1.0, -1.0]) + 1.0).abs() < 1e-12);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 0.0]), 0.0);
        assert_eq!(cosine(&[1.0], &[1.0, 0.0]), 0.0);
    }

    #[test]
    fn test_score_counts_checked_sentences_right() {
        let answer: Answer = (0..4).map(unit).collect();
        let checks = |indices: &[(usize, usize)]| -> Vec<Check> {
            indices
                .iter()
                .map(|&(index, seed)| Check {
                    index,
                    expected: unit(seed),
                })
                .collect()
        };
        assert_eq!(score(&answer, 4, &checks(&[(1, 1), (3, 3)])), 1.0);
        // The right vector at the wrong place counts as wrong.
        assert_eq!(score(&answer, 4, &checks(&[(1, 1), (3, 2)])), 0.5);
        assert_eq!(score(&answer, 4, &checks(&[(0, 2), (2, 3)])), 0.0);
        // A vector a little off still counts; scaling does not matter.
        let mut close = answer.clone();
        close[1][0] += 1e-3;
        close[1].iter_mut().for_each(|x| *x *= 3.0);
        assert_eq!(score(&close, 4, &checks(&[(1, 1)])), 1.0);
    }

    #[test]
    fn test_malformed_answers_score_zero() {
        let answer: Answer = (0..4).map(unit).collect();
        let checks = vec![Check {
            index: 0,
            expected: unit(0),
        }];
        assert_eq!(score(&answer[..3].to_vec(), 4, &checks), 0.0);
        let mut short = answer.clone();
        short[2].pop();
        assert_eq!(score(&short, 4, &checks), 0.0);
        let mut nan = answer.clone();
        nan[3][5] = f32::NAN;
        assert_eq!(score(&nan, 4, &checks), 0.0);
        let zeros: Answer = vec![vec![0.0; DIM]; 4];
        assert_eq!(score(&zeros, 4, &checks), 0.0);
        assert_eq!(score(&answer, 4, &[]), 0.0);
        // A check past the end (a validator bug) is a miss, not a panic.
        let beyond = vec![Check {
            index: 9,
            expected: unit(0),
        }];
        assert_eq!(score(&answer, 4, &beyond), 0.0);
    }
}
