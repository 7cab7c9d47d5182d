//! Keypairs (sr25519, the default, and ed25519), public keys and signatures.
//!
//! sr25519 signs with schnorrkel under the signing context `substrate`, like every Substrate
//! chain. Verification also accepts a signature over `<Bytes>message</Bytes>`, the form
//! polkadot.js extensions produce, as Bittensor does.

use crate::{
    mnemonic::{Mnemonic, MnemonicError},
    uri::{Junction, SecretUri, UriError},
    AccountId,
};
use blake2::{digest::consts::U32, Blake2b, Digest};
use parity_scale_codec::Encode;
use schnorrkel::{derive::Derivation, ExpansionMode, MiniSecretKey};
use std::fmt;
use zeroize::Zeroizing;

const SIGNING_CONTEXT: &[u8] = b"substrate";

/// The signature scheme of a key, with Bittensor's keyfile codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CryptoType {
    /// Ed25519 (keyfile `cryptoType` 0).
    Ed25519,
    /// Schnorrkel sr25519 (keyfile `cryptoType` 1), the default.
    #[default]
    Sr25519,
}

impl CryptoType {
    /// The `cryptoType` number keyfiles store.
    pub fn code(self) -> u8 {
        match self {
            Self::Ed25519 => 0,
            Self::Sr25519 => 1,
        }
    }

    /// The scheme for a keyfile `cryptoType` number.
    pub fn from_code(code: u64) -> Option<Self> {
        match code {
            0 => Some(Self::Ed25519),
            1 => Some(Self::Sr25519),
            _ => None,
        }
    }
}

impl fmt::Display for CryptoType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Ed25519 => "ed25519",
            Self::Sr25519 => "sr25519",
        })
    }
}

/// Why a key could not be made from the material given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The mnemonic is invalid.
    #[error("invalid mnemonic: {0}")]
    Mnemonic(#[from] MnemonicError),
    /// The secret URI is invalid.
    #[error("invalid secret URI: {0}")]
    Uri(#[from] UriError),
    /// A seed that is not `0x` followed by 64 hex digits.
    #[error("a seed is 32 bytes written as 0x followed by 64 hex digits")]
    Seed,
    /// Private key bytes of the wrong length or not a valid scalar.
    #[error("invalid {0} private key: {1}")]
    PrivateKey(CryptoType, &'static str),
    /// A public key that is not a valid point.
    #[error("invalid {0} public key")]
    PublicKey(CryptoType),
    /// Ed25519 has no soft derivation.
    #[error("ed25519 keys support only hard derivation (//), not soft (/)")]
    SoftEd25519,
}

/// A 64-byte signature.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature(pub [u8; 64]);

impl Signature {
    /// Parses `0x`-prefixed or bare hex.
    pub fn from_hex(s: &str) -> Option<Self> {
        let bytes = hex::decode(s.trim().trim_start_matches("0x")).ok()?;
        Some(Self(bytes.try_into().ok()?))
    }

    /// `0x`-prefixed lowercase hex.
    pub fn to_hex(&self) -> String {
        format!("0x{}", hex::encode(self.0))
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", self.to_hex())
    }
}

/// A public key with its scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey {
    /// The signature scheme.
    pub crypto: CryptoType,
    /// The 32 key bytes, which are also the account id.
    pub account: AccountId,
}

impl PublicKey {
    /// Whether `signature` is this key's signature of `message` (or of `<Bytes>message</Bytes>`).
    pub fn verify(&self, message: &[u8], signature: &Signature) -> bool {
        self.verify_exact(message, signature) || self.verify_exact(&wrap_bytes(message), signature)
    }

    fn verify_exact(&self, message: &[u8], signature: &Signature) -> bool {
        match self.crypto {
            CryptoType::Sr25519 => {
                let (Ok(key), Ok(sig)) = (
                    schnorrkel::PublicKey::from_bytes(&self.account.0),
                    schnorrkel::Signature::from_bytes(&signature.0),
                ) else {
                    return false;
                };
                key.verify_simple(SIGNING_CONTEXT, message, &sig).is_ok()
            }
            CryptoType::Ed25519 => {
                let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&self.account.0) else {
                    return false;
                };
                let sig = ed25519_dalek::Signature::from_bytes(&signature.0);
                key.verify_strict(message, &sig).is_ok()
            }
        }
    }
}

fn wrap_bytes(message: &[u8]) -> Vec<u8> {
    [b"<Bytes>".as_slice(), message, b"</Bytes>".as_slice()].concat()
}

enum Secret {
    /// The secret and its public key, kept because signing needs both and deriving the public
    /// key is a scalar multiplication: as costly as the signature itself.
    Sr25519(schnorrkel::SecretKey, schnorrkel::PublicKey),
    Ed25519(ed25519_dalek::SigningKey),
}

/// A keypair, with the mnemonic or seed it came from when known (keyfiles record them).
///
/// Secret material is zeroized on drop and never printed by `Debug`.
pub struct Keypair {
    secret: Secret,
    public: PublicKey,
    phrase: Option<Zeroizing<String>>,
    seed: Option<Zeroizing<[u8; 32]>>,
}

impl Keypair {
    /// A new random keypair and the mnemonic that restores it.
    pub fn generate(crypto: CryptoType, n_words: usize) -> Result<(Self, Mnemonic), KeyError> {
        let mnemonic = Mnemonic::generate(n_words)?;
        let pair = Self::from_mnemonic(crypto, &mnemonic);
        Ok((pair, mnemonic))
    }

    /// The keypair of a mnemonic (no BIP-39 password), as Bittensor's wallets derive it.
    pub fn from_mnemonic(crypto: CryptoType, mnemonic: &Mnemonic) -> Self {
        let mut pair = Self::from_seed(crypto, &mnemonic.mini_secret(""));
        pair.phrase = Some(Zeroizing::new(mnemonic.phrase().to_string()));
        pair
    }

    /// The keypair of a mnemonic phrase.
    pub fn from_phrase(crypto: CryptoType, phrase: &str) -> Result<Self, KeyError> {
        Ok(Self::from_mnemonic(crypto, &Mnemonic::parse(phrase)?))
    }

    /// The keypair of a 32-byte seed (the mini-secret).
    pub fn from_seed(crypto: CryptoType, seed: &[u8; 32]) -> Self {
        let (secret, account) = match crypto {
            CryptoType::Sr25519 => {
                // A 32-byte slice is always a valid mini-secret.
                let mini = MiniSecretKey::from_bytes(seed).unwrap_or_else(|_| unreachable!());
                let secret = mini.expand(ExpansionMode::Ed25519);
                let public = secret.to_public();
                (Secret::Sr25519(secret, public), public.to_bytes())
            }
            CryptoType::Ed25519 => {
                let key = ed25519_dalek::SigningKey::from_bytes(seed);
                let public = key.verifying_key().to_bytes();
                (Secret::Ed25519(key), public)
            }
        };
        Self {
            secret,
            public: PublicKey {
                crypto,
                account: AccountId(account),
            },
            phrase: None,
            seed: Some(Zeroizing::new(*seed)),
        }
    }

    /// The keypair of a `0x`-hex seed.
    pub fn from_seed_hex(crypto: CryptoType, seed: &str) -> Result<Self, KeyError> {
        Ok(Self::from_seed(crypto, &*parse_seed_hex(seed)?))
    }

    /// The keypair a secret URI names (`//Alice`, `<mnemonic>//hard/soft///password`, `0x…//x`).
    ///
    /// Like Bittensor's `create_from_uri`, the result records neither phrase nor seed.
    pub fn from_uri(crypto: CryptoType, uri: &str) -> Result<Self, KeyError> {
        let uri = SecretUri::parse(uri)?;
        let root_seed = if uri.phrase.starts_with("0x") {
            // As in Substrate, a password is ignored for a hex seed.
            parse_seed_hex(&uri.phrase)?
        } else {
            let password = uri.password.as_deref().map_or("", String::as_str);
            Mnemonic::parse(&uri.phrase)?.mini_secret(password)
        };
        let mut pair = Self::from_seed(crypto, &root_seed);
        for junction in &uri.path {
            pair = pair.derive(*junction)?;
        }
        pair.phrase = None;
        pair.seed = None;
        Ok(pair)
    }

    fn derive(&self, junction: Junction) -> Result<Self, KeyError> {
        match (&self.secret, junction) {
            (Secret::Sr25519(secret, _), Junction::Hard(code)) => {
                let (mini, _) = secret
                    .hard_derive_mini_secret_key(Some(schnorrkel::derive::ChainCode(code)), b"");
                Ok(Self::from_seed(CryptoType::Sr25519, mini.as_bytes()))
            }
            (Secret::Sr25519(secret, _), Junction::Soft(code)) => {
                let (child, _) = secret.derived_key_simple(schnorrkel::derive::ChainCode(code), []);
                Ok(Self::from_sr25519_secret(child))
            }
            (Secret::Ed25519(key), Junction::Hard(code)) => {
                let input = ("Ed25519HDKD", key.to_bytes(), code).encode();
                let seed: [u8; 32] = Blake2b::<U32>::digest(&input).into();
                Ok(Self::from_seed(CryptoType::Ed25519, &seed))
            }
            (Secret::Ed25519(_), Junction::Soft(_)) => Err(KeyError::SoftEd25519),
        }
    }

    fn from_sr25519_secret(secret: schnorrkel::SecretKey) -> Self {
        let public = secret.to_public();
        Self {
            secret: Secret::Sr25519(secret, public),
            public: PublicKey {
                crypto: CryptoType::Sr25519,
                account: AccountId(public.to_bytes()),
            },
            phrase: None,
            seed: None,
        }
    }

    /// The keypair of a keyfile's `privateKey` bytes.
    ///
    /// sr25519: schnorrkel's 64-byte canonical form (scalar ‖ nonce).
    /// ed25519: the 32-byte seed (what Bittensor writes), or 64 bytes of seed ‖ public key.
    pub fn from_private_key(crypto: CryptoType, bytes: &[u8]) -> Result<Self, KeyError> {
        match crypto {
            CryptoType::Sr25519 => {
                let secret = schnorrkel::SecretKey::from_bytes(bytes).map_err(|_| {
                    KeyError::PrivateKey(
                        crypto,
                        "expected 64 bytes: a canonical scalar and a nonce",
                    )
                })?;
                Ok(Self::from_sr25519_secret(secret))
            }
            CryptoType::Ed25519 => {
                let seed: &[u8; 32] = bytes
                    .get(..32)
                    .and_then(|s| s.try_into().ok())
                    .filter(|_| bytes.len() == 32 || bytes.len() == 64)
                    .ok_or(KeyError::PrivateKey(crypto, "expected 32 or 64 bytes"))?;
                let mut pair = Self::from_seed(crypto, seed);
                pair.seed = None;
                if bytes.len() == 64 && bytes[32..] != pair.public.account.0 {
                    return Err(KeyError::PrivateKey(
                        crypto,
                        "its public half does not match",
                    ));
                }
                Ok(pair)
            }
        }
    }

    /// The public key.
    pub fn public(&self) -> PublicKey {
        self.public
    }

    /// The account id (public key bytes).
    pub fn account(&self) -> AccountId {
        self.public.account
    }

    /// The signature scheme.
    pub fn crypto(&self) -> CryptoType {
        self.public.crypto
    }

    /// The mnemonic this key was made from, if known.
    pub fn phrase(&self) -> Option<&str> {
        self.phrase.as_deref().map(String::as_str)
    }

    /// The 32-byte seed this key was made from, if known.
    pub fn seed(&self) -> Option<&[u8; 32]> {
        self.seed.as_deref()
    }

    /// The private key bytes as keyfiles store them (see [`Keypair::from_private_key`]).
    pub fn private_key(&self) -> Zeroizing<Vec<u8>> {
        match &self.secret {
            Secret::Sr25519(secret, _) => Zeroizing::new(secret.to_bytes().to_vec()),
            Secret::Ed25519(key) => Zeroizing::new(key.to_bytes().to_vec()),
        }
    }

    /// Signs `message`.
    pub fn sign(&self, message: &[u8]) -> Signature {
        match &self.secret {
            Secret::Sr25519(secret, public) => {
                let context = schnorrkel::signing_context(SIGNING_CONTEXT);
                Signature(secret.sign(context.bytes(message), public).to_bytes())
            }
            Secret::Ed25519(key) => {
                use ed25519_dalek::Signer;
                Signature(key.sign(message).to_bytes())
            }
        }
    }
}

impl fmt::Debug for Keypair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Keypair({}, {}, secret redacted)",
            self.public.crypto, self.public.account
        )
    }
}

fn parse_seed_hex(s: &str) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let digits = s.trim().strip_prefix("0x").ok_or(KeyError::Seed)?;
    let mut seed = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(digits, seed.as_mut()).map_err(|_| KeyError::Seed)?;
    Ok(seed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DEV_PHRASE;

    fn pub_hex(uri: &str) -> String {
        hex::encode(
            Keypair::from_uri(CryptoType::Sr25519, uri)
                .unwrap()
                .account()
                .0,
        )
    }

    #[test]
    fn test_dev_phrase_vector() {
        let pair = Keypair::from_phrase(CryptoType::Sr25519, DEV_PHRASE).unwrap();
        assert_eq!(
            hex::encode(pair.account().0),
            "46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a"
        );
        assert_eq!(
            pair.account().to_ss58(),
            "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV"
        );
        assert_eq!(
            hex::encode(pair.seed().unwrap()),
            "fac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e"
        );
        assert_eq!(pair.phrase(), Some(DEV_PHRASE));
    }

    #[test]
    fn test_dev_accounts() {
        let expected = [
            (
                "//Alice",
                "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
            ),
            ("//Bob", "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"),
            (
                "//Charlie",
                "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y",
            ),
            ("//Dave", "5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy"),
            ("//Eve", "5HGjWAeFDfFCWPsjFQdVV2Msvz2XtMktvgocEZcCj68kUMaw"),
            (
                "//Ferdie",
                "5CiPPseXPECbkjWCa6MnjNokrgYjMqmKndv2rSnekmSK2DjL",
            ),
        ];
        for (uri, ss58) in expected {
            let pair = Keypair::from_uri(CryptoType::Sr25519, uri).unwrap();
            assert_eq!(pair.account().to_ss58(), ss58, "{uri}");
            assert!(pair.phrase().is_none() && pair.seed().is_none());
        }
    }

    #[test]
    fn test_derived_path_vectors() {
        assert_eq!(
            pub_hex(&format!("{DEV_PHRASE}//hard/soft")),
            "881cdc4ff2029648b2f49d00cc7dd6f91d04789097502e05ab8a444911e7372a"
        );
        assert_eq!(
            pub_hex(&format!("{DEV_PHRASE}///pw")),
            "f059637e84952f13fb7cdc6a646b09692f9bc23cc17eea2055b62ecc478f0e13"
        );
        assert_eq!(
            pub_hex("//hard/soft"),
            pub_hex(&format!("{DEV_PHRASE}//hard/soft"))
        );
    }

    #[test]
    fn test_ed25519_dev_account() {
        // Substrate's well-known ed25519 //Alice key (used for GRANDPA in dev chains).
        let pair = Keypair::from_uri(CryptoType::Ed25519, "//Alice").unwrap();
        assert_eq!(
            hex::encode(pair.account().0),
            "88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee"
        );
        assert_eq!(
            Keypair::from_uri(CryptoType::Ed25519, "//a/b").unwrap_err(),
            KeyError::SoftEd25519
        );
    }

    #[test]
    fn test_sign_verify_both_schemes() {
        for crypto in [CryptoType::Sr25519, CryptoType::Ed25519] {
            let pair = Keypair::from_uri(crypto, "//Bob").unwrap();
            let sig = pair.sign(b"hello plexus");
            assert!(pair.public().verify(b"hello plexus", &sig));
            assert!(!pair.public().verify(b"hello plexus!", &sig));
            let other = Keypair::from_uri(crypto, "//Alice").unwrap();
            assert!(!other.public().verify(b"hello plexus", &sig));
            let wrapped = pair.sign(b"<Bytes>hi</Bytes>");
            assert!(pair.public().verify(b"hi", &wrapped));
        }
    }

    #[test]
    fn test_ed25519_keyfile_private_key_is_the_seed() {
        // RFC 8032 test 1: the seed, its public key and the signature of the empty message.
        let seed = "0x9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
        let pair = Keypair::from_seed_hex(CryptoType::Ed25519, seed).unwrap();
        assert_eq!(format!("0x{}", hex::encode(&*pair.private_key())), seed);
        assert_eq!(
            pair.account().to_ss58(),
            "5Gw54ghuAHodDGAS91DUxqvKa6PeT9bhDdns3ztBupY8pSyn"
        );
        assert_eq!(
            pair.sign(b"").to_hex(),
            "0xe5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
        let from_phrase = Keypair::from_phrase(CryptoType::Ed25519, DEV_PHRASE).unwrap();
        assert_eq!(
            from_phrase.account().to_ss58(),
            "5DFJF7tY4bpbpcKPJcBTQaKuCDEPCpiz8TRjpmLeTtweqmXL"
        );
    }

    #[test]
    fn test_private_key_round_trip() {
        for crypto in [CryptoType::Sr25519, CryptoType::Ed25519] {
            let pair = Keypair::from_phrase(crypto, DEV_PHRASE).unwrap();
            let again = Keypair::from_private_key(crypto, &pair.private_key()).unwrap();
            assert_eq!(again.account(), pair.account());
            let sig = again.sign(b"m");
            assert!(pair.public().verify(b"m", &sig));
        }
        assert!(matches!(
            Keypair::from_private_key(CryptoType::Sr25519, &[0u8; 63]),
            Err(KeyError::PrivateKey(..))
        ));
        // A scalar that is not reduced modulo the group order is not canonical.
        assert!(matches!(
            Keypair::from_private_key(CryptoType::Sr25519, &[0xff; 64]),
            Err(KeyError::PrivateKey(..))
        ));
    }

    #[test]
    fn test_bad_seed_rejected() {
        for bad in [
            "0x12",
            "1234",
            "0xzz00000000000000000000000000000000000000000000000000000000000000",
        ] {
            assert_eq!(
                Keypair::from_seed_hex(CryptoType::Sr25519, bad).unwrap_err(),
                KeyError::Seed
            );
        }
    }
}
