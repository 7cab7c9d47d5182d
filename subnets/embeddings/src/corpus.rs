//! The sentences validators ask about: 512 from the Jargon File 4.4.7 (`data/`, public domain).

use crate::Task;
use plexus_subnet_kit::SplitMix64;

const SHIPPED: &str = include_str!("../data/sentences.txt");

/// Every shipped sentence.
pub fn sentences() -> Vec<&'static str> {
    SHIPPED.lines().filter(|l| !l.trim().is_empty()).collect()
}

/// `n` distinct numbers in `0..len` (all of them if `n >= len`), in random order.
pub(crate) fn distinct(rng: &mut SplitMix64, len: usize, n: usize) -> Vec<usize> {
    let mut all: Vec<usize> = (0..len).collect();
    let n = n.min(len);
    // The first `n` steps of a Fisher-Yates shuffle.
    for i in 0..n {
        let j = i + rng.below(len - i);
        all.swap(i, j);
    }
    all.truncate(n);
    all
}

/// A task of `n` distinct sentences from `corpus`.
pub fn draw_task(corpus: &[&str], rng: &mut SplitMix64, n: usize) -> Task {
    Task {
        sentences: distinct(rng, corpus.len(), n)
            .into_iter()
            .map(|i| corpus[i].to_string())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_shipped_corpus_is_512_distinct_sentences() {
        let all = sentences();
        assert_eq!(all.len(), 512);
        let unique: std::collections::BTreeSet<_> = all.iter().collect();
        assert_eq!(unique.len(), all.len());
        assert!(all.iter().all(|s| s.ends_with(['.', '!', '?'])));
    }

    #[test]
    fn test_draw_gives_distinct_sentences_and_repeats_from_its_seed() {
        let corpus = sentences();
        let a = draw_task(&corpus, &mut SplitMix64::new(3), 16);
        let b = draw_task(&corpus, &mut SplitMix64::new(3), 16);
        assert_eq!(a.sentences, b.sentences);
        let unique: std::collections::BTreeSet<_> = a.sentences.iter().collect();
        assert_eq!(unique.len(), 16);
        assert_eq!(distinct(&mut SplitMix64::new(1), 3, 10).len(), 3);
        assert!(distinct(&mut SplitMix64::new(1), 0, 2).is_empty());
    }
}
