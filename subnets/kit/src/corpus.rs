//! Text the example subnets ask about: 512 sentences from the Jargon File 4.4.7 (`data/`,
//! public domain).

const SHIPPED: &str = include_str!("../data/sentences.txt");

/// Every shipped sentence.
pub fn sentences() -> Vec<&'static str> {
    SHIPPED.lines().filter(|l| !l.trim().is_empty()).collect()
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
}
