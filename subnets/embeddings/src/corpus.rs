//! The validator's tasks: sentences from the kit's corpus.

use crate::Task;
use plexus_subnet_kit::SplitMix64;

/// A task of `n` distinct sentences from `corpus`.
pub fn draw_task(corpus: &[&str], rng: &mut SplitMix64, n: usize) -> Task {
    Task {
        sentences: rng
            .distinct(corpus.len(), n)
            .into_iter()
            .map(|i| corpus[i].to_string())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plexus_subnet_kit::corpus::sentences;

    #[test]
    fn test_draw_gives_distinct_sentences_and_repeats_from_its_seed() {
        let corpus = sentences();
        let a = draw_task(&corpus, &mut SplitMix64::new(3), 16);
        let b = draw_task(&corpus, &mut SplitMix64::new(3), 16);
        assert_eq!(a.sentences, b.sentences);
        let unique: std::collections::BTreeSet<_> = a.sentences.iter().collect();
        assert_eq!(unique.len(), 16);
    }
}
