//! BIP-39 English mnemonics and Substrate's seed derivation from them.
//!
//! Substrate (and so Bittensor) does not use the BIP-39 seed. It runs PBKDF2-HMAC-SHA512 over the
//! mnemonic's *entropy* (salt `"mnemonic" ‖ password`, 2048 rounds) and keeps the first 32 bytes
//! as the mini-secret. Using the standard BIP-39 seed gives a different, wrong key.

use rand_core::{OsRng, RngCore};
use zeroize::{Zeroize, Zeroizing};

/// The word counts a mnemonic may have.
pub const WORD_COUNTS: [usize; 5] = [12, 15, 18, 21, 24];

/// Why a phrase is not a valid mnemonic. The phrase itself is never included: it is a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MnemonicError {
    /// Not 12, 15, 18, 21 or 24 words.
    #[error("a mnemonic has 12, 15, 18, 21 or 24 words, not {0}")]
    WordCount(usize),
    /// A word outside the BIP-39 English list (1-based position).
    #[error("word {0} is not in the BIP-39 English word list")]
    UnknownWord(usize),
    /// Every word is valid but the checksum does not match: a word is wrong or misplaced.
    #[error("the mnemonic's checksum does not match: a word is wrong or out of order")]
    Checksum,
}

/// A validated BIP-39 English mnemonic. Zeroized on drop.
pub struct Mnemonic {
    phrase: Zeroizing<String>,
    entropy: Zeroizing<Vec<u8>>,
}

impl Mnemonic {
    /// A fresh random mnemonic of `n_words` words (12, 15, 18, 21 or 24).
    pub fn generate(n_words: usize) -> Result<Self, MnemonicError> {
        if !WORD_COUNTS.contains(&n_words) {
            return Err(MnemonicError::WordCount(n_words));
        }
        // 11 bits per word, of which one in 33 is checksum: 4 bytes of entropy per 3 words.
        let mut entropy = Zeroizing::new(vec![0u8; n_words / 3 * 4]);
        OsRng.fill_bytes(&mut entropy);
        let inner = bip39::Mnemonic::from_entropy_in(bip39::Language::English, &entropy)
            .map_err(|_| MnemonicError::WordCount(n_words))?;
        Ok(Self::from_inner(&inner))
    }

    /// Parses a phrase: words separated by any whitespace, case-insensitive.
    pub fn parse(phrase: &str) -> Result<Self, MnemonicError> {
        let mut normalized = phrase
            .split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ");
        let parsed = bip39::Mnemonic::parse_in_normalized(bip39::Language::English, &normalized);
        normalized.zeroize();
        match parsed {
            Ok(inner) => Ok(Self::from_inner(&inner)),
            Err(bip39::Error::BadWordCount(n)) => Err(MnemonicError::WordCount(n)),
            Err(bip39::Error::UnknownWord(i)) => Err(MnemonicError::UnknownWord(i + 1)),
            Err(_) => Err(MnemonicError::Checksum),
        }
    }

    fn from_inner(inner: &bip39::Mnemonic) -> Self {
        let mut phrase = Zeroizing::new(String::new());
        for (i, word) in inner.words().enumerate() {
            if i > 0 {
                phrase.push(' ');
            }
            phrase.push_str(word);
        }
        Self {
            phrase,
            entropy: Zeroizing::new(inner.to_entropy()),
        }
    }

    /// The phrase, words separated by single spaces.
    pub fn phrase(&self) -> &str {
        &self.phrase
    }

    /// Number of words.
    pub fn word_count(&self) -> usize {
        self.phrase.split(' ').count()
    }

    /// Substrate's 32-byte mini-secret for this mnemonic and an optional password.
    pub fn mini_secret(&self, password: &str) -> Zeroizing<[u8; 32]> {
        let mut seed64 = Zeroizing::new([0u8; 64]);
        // The entropy length is valid by construction, so this cannot fail.
        if let Ok(seed) = substrate_bip39::seed_from_entropy(&self.entropy, password) {
            *seed64 = seed;
        }
        let mut out = Zeroizing::new([0u8; 32]);
        out.copy_from_slice(&seed64[..32]);
        out
    }
}

impl std::fmt::Debug for Mnemonic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mnemonic({} words, redacted)", self.word_count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DEV_PHRASE;

    #[test]
    fn test_dev_phrase_mini_secret_matches_substrate() {
        let m = Mnemonic::parse(DEV_PHRASE).unwrap();
        assert_eq!(
            hex::encode(*m.mini_secret("")),
            "fac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e"
        );
    }

    #[test]
    fn test_generate_every_word_count() {
        for n in WORD_COUNTS {
            let m = Mnemonic::generate(n).unwrap();
            assert_eq!(m.word_count(), n);
            let again = Mnemonic::parse(m.phrase()).unwrap();
            assert_eq!(*again.mini_secret(""), *m.mini_secret(""));
        }
        assert_eq!(
            Mnemonic::generate(13).unwrap_err(),
            MnemonicError::WordCount(13)
        );
    }

    #[test]
    fn test_parse_normalizes_case_and_spaces() {
        let messy = "  Bottom drive OBEY lake\tcurtain smoke basket hold race lonely fit walk\n";
        assert_eq!(Mnemonic::parse(messy).unwrap().phrase(), DEV_PHRASE);
    }

    #[test]
    fn test_bad_phrases_name_the_problem() {
        let unknown = DEV_PHRASE.replace("lake", "lakes");
        assert_eq!(
            Mnemonic::parse(&unknown).unwrap_err(),
            MnemonicError::UnknownWord(4)
        );
        let swapped = DEV_PHRASE.replace("bottom drive", "drive bottom");
        assert_eq!(
            Mnemonic::parse(&swapped).unwrap_err(),
            MnemonicError::Checksum
        );
        let short = "bottom drive obey";
        assert_eq!(
            Mnemonic::parse(short).unwrap_err(),
            MnemonicError::WordCount(3)
        );
    }
}
