//! Secret URIs: `<phrase or 0x seed>//hard/soft///password`, Substrate's syntax.
//!
//! A URI names a root secret and a derivation path. The phrase part is a mnemonic or a `0x` hex
//! mini-secret; when it is empty it is the well-known development phrase, so `//Alice` is the
//! dev phrase hard-derived by `Alice`. Each junction is turned into a 32-byte chain code: a
//! decimal junction is the little-endian `u64`, anything else is its SCALE encoding (compact
//! length, then bytes); codes longer than 32 bytes are replaced by their BLAKE2b-256 hash.

use blake2::{digest::consts::U32, Blake2b, Digest};
use parity_scale_codec::Encode;
use zeroize::Zeroizing;

/// The development phrase every Substrate tool knows; its keys are public, never use them for value.
pub const DEV_PHRASE: &str =
    "bottom drive obey lake curtain smoke basket hold race lonely fit walk";

/// Why a string is not a valid secret URI. The secret parts are never included.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriError {
    /// The phrase part holds a character other than letters, digits, `_` and spaces.
    #[error("the phrase part of the URI may hold only letters, digits and spaces")]
    PhraseCharacters,
    /// A `/` with nothing after it, or a path that does not start with `/`.
    #[error("empty or malformed derivation junction at byte {0}")]
    Junction(usize),
}

/// One step of a derivation path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Junction {
    /// `/name`: derivable from the public key alone (sr25519 only).
    Soft([u8; 32]),
    /// `//name`: needs the secret key.
    Hard([u8; 32]),
}

impl Junction {
    fn chain_code(name: &str) -> [u8; 32] {
        let encoded = match name.parse::<u64>() {
            Ok(n) => n.encode(),
            Err(_) => name.encode(),
        };
        let mut code = [0u8; 32];
        if encoded.len() > 32 {
            code.copy_from_slice(&Blake2b::<U32>::digest(&encoded));
        } else {
            code[..encoded.len()].copy_from_slice(&encoded);
        }
        code
    }
}

/// A parsed secret URI.
pub struct SecretUri {
    /// The mnemonic or `0x` seed (the dev phrase when the URI has none).
    pub phrase: Zeroizing<String>,
    /// Derivation junctions in order.
    pub path: Vec<Junction>,
    /// The `///password`, used as the mnemonic's BIP-39 password.
    pub password: Option<Zeroizing<String>>,
}

impl SecretUri {
    /// Parses `phrase//hard/soft///password`; every part is optional.
    pub fn parse(uri: &str) -> Result<Self, UriError> {
        let (before_password, password) = match uri.find("///") {
            Some(i) => (&uri[..i], Some(Zeroizing::new(uri[i + 3..].to_string()))),
            None => (uri, None),
        };
        let phrase_end = before_password.find('/').unwrap_or(before_password.len());
        let phrase = &before_password[..phrase_end];
        if !phrase
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == ' ')
        {
            return Err(UriError::PhraseCharacters);
        }
        let path = parse_path(&before_password[phrase_end..], phrase_end)?;
        let phrase = if phrase.is_empty() {
            DEV_PHRASE
        } else {
            phrase
        };
        Ok(Self {
            phrase: Zeroizing::new(phrase.to_string()),
            path,
            password,
        })
    }
}

fn parse_path(mut rest: &str, mut offset: usize) -> Result<Vec<Junction>, UriError> {
    let mut path = Vec::new();
    while !rest.is_empty() {
        let hard = rest.starts_with("//");
        let skip = if hard { 2 } else { 1 };
        let body = &rest[skip..];
        let end = body.find('/').unwrap_or(body.len());
        let name = &body[..end];
        if name.is_empty() {
            return Err(UriError::Junction(offset));
        }
        let code = Junction::chain_code(name);
        path.push(if hard {
            Junction::Hard(code)
        } else {
            Junction::Soft(code)
        });
        offset += skip + end;
        rest = &body[end..];
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_parse_dev_alice() {
        let uri = SecretUri::parse("//Alice").unwrap();
        assert_eq!(*uri.phrase, DEV_PHRASE);
        let mut code = [0u8; 32];
        code[0] = 5 << 2;
        code[1..6].copy_from_slice(b"Alice");
        assert_eq!(uri.path, vec![Junction::Hard(code)]);
        assert!(uri.password.is_none());
    }

    #[test]
    fn test_parse_numeric_long_and_password() {
        let uri = SecretUri::parse("0x00//7/averyveryveryveryverylongjunction///p/w").unwrap();
        assert_eq!(*uri.phrase, "0x00");
        let mut seven = [0u8; 32];
        seven[0] = 7;
        assert_eq!(uri.path[0], Junction::Hard(seven));
        let long = "averyveryveryveryverylongjunction";
        let hashed: [u8; 32] = Blake2b::<U32>::digest(long.encode()).into();
        assert_eq!(uri.path[1], Junction::Soft(hashed));
        assert_eq!(uri.password.as_deref().map(String::as_str), Some("p/w"));
    }

    #[test]
    fn test_malformed_uris_rejected() {
        assert_eq!(
            SecretUri::parse("a-b//x").err(),
            Some(UriError::PhraseCharacters)
        );
        assert_eq!(SecretUri::parse("//a//").err(), Some(UriError::Junction(3)));
        assert_eq!(
            SecretUri::parse("phrase/").err(),
            Some(UriError::Junction(6))
        );
    }
}
