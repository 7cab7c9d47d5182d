//! The prompts validators send: an instruction about a sentence of the kit's corpus.

use plexus_subnet_kit::corpus::sentences;
use plexus_subnet_kit::SplitMix64;

const INSTRUCTIONS: [&str; 4] = [
    "Explain this in simple words:",
    "What is the main idea of this sentence?",
    "Rewrite this sentence for a newcomer:",
    "Give an example of what this describes:",
];

/// A prompt drawn with `rng`: one of four instructions about one of 512 sentences, so a miner
/// cannot have answered it before by chance.
pub fn draw_prompt(rng: &mut SplitMix64) -> String {
    let corpus = sentences();
    let instruction = INSTRUCTIONS[rng.below(INSTRUCTIONS.len())];
    let sentence = corpus[rng.below(corpus.len())];
    format!("{instruction} {sentence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_prompts_repeat_from_their_seed_and_vary_otherwise() {
        let a = draw_prompt(&mut SplitMix64::new(1));
        assert_eq!(a, draw_prompt(&mut SplitMix64::new(1)));
        let mut rng = SplitMix64::new(2);
        let drawn: std::collections::BTreeSet<String> =
            (0..20).map(|_| draw_prompt(&mut rng)).collect();
        assert!(drawn.len() > 15, "{}", drawn.len());
        assert!(drawn.iter().all(|p| p.len() <= crate::MAX_PROMPT_BYTES));
    }
}
