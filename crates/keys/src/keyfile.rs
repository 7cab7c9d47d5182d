//! Keyfiles: Bittensor's JSON key format, plain or `$NACL`-encrypted, on disk.
//!
//! A keyfile is one JSON object with `accountId`, `publicKey`, `privateKey`, `secretPhrase`,
//! `secretSeed`, `ss58Address` and `cryptoType`; public files hold only the public fields.
//! Readers take the key from `secretPhrase`, else `secretSeed`, else `privateKey`, else the
//! public fields, and check that every field present names the same key.

use crate::{
    fsio,
    nacl::{self, NaclError},
    pair::{CryptoType, KeyError, Keypair, PublicKey},
    password::Password,
    AccountId,
};
use serde::{Deserialize, Serialize};
use std::{
    fmt, io,
    path::{Path, PathBuf},
};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Largest keyfile accepted; real ones are a few hundred bytes.
pub const MAX_KEYFILE_LEN: u64 = 64 * 1024;

/// What a keyfile holds.
// Short-lived (read, then unpacked at once), so the size difference does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum KeyMaterial {
    /// A secret key (and so its public key).
    Pair(Keypair),
    /// Only a public key.
    Public(PublicKey),
}

impl KeyMaterial {
    /// The public key, whichever form is held.
    pub fn public(&self) -> PublicKey {
        match self {
            Self::Pair(pair) => pair.public(),
            Self::Public(public) => *public,
        }
    }
}

/// Why the bytes of a keyfile are not a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// Encrypted, and no password was given.
    #[error("it is encrypted and needs a password")]
    NeedsPassword,
    /// `$NACL` decryption failed.
    #[error("{0}")]
    Nacl(#[from] NaclError),
    /// Starts with `$` but names no known scheme.
    #[error("unknown encryption prefix {0:?}")]
    UnknownEncryption(String),
    /// A legacy encryption Plexus does not read.
    #[error("encrypted with the legacy {0} format, which Plexus does not read; re-encrypt it with a current wallet tool")]
    LegacyEncryption(&'static str),
    /// Not JSON, or JSON of the wrong shape.
    #[error("not a keyfile: {0}")]
    Json(String),
    /// No field from which a key can be taken.
    #[error("holds no key: none of secretPhrase, secretSeed, privateKey, publicKey, accountId, ss58Address")]
    Empty,
    /// A field's value is not a valid key.
    #[error("field {field}: {problem}")]
    Field {
        /// The JSON field.
        field: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// Two fields name different keys.
    #[error("field {0} names a different key than the keyfile's secret: the file is corrupted")]
    Mismatch(&'static str),
}

/// Why a keyfile could not be read or written. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum KeyfileError {
    /// The file does not exist.
    #[error("{0}: no such keyfile")]
    NotFound(PathBuf),
    /// The file already exists and overwriting was not allowed.
    #[error("{0}: a key already exists there and is not overwritten without explicit consent")]
    Exists(PathBuf),
    /// Larger than any keyfile.
    #[error("{0}: {1} bytes is too large to be a keyfile")]
    TooLarge(PathBuf, u64),
    /// The file's bytes are not a key.
    #[error("{path}: {error}")]
    Format {
        /// The keyfile.
        path: PathBuf,
        /// The problem.
        error: FormatError,
    },
    /// Reading, writing or syncing failed.
    #[error("{path}: {error}")]
    Io {
        /// The keyfile.
        path: PathBuf,
        /// The I/O error.
        error: io::Error,
    },
}

/// Who besides a key file's owner can reach it (see [`Keyfile::exposure`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exposure {
    /// Others can change this path (the file, or the folder holding it): they could swap the
    /// key for one of their own.
    WritableByOthers(PathBuf),
    /// Others can read the file.
    ReadableByOthers(PathBuf),
}

impl fmt::Display for Exposure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WritableByOthers(path) => write!(
                f,
                "{} can be changed by other users (chmod go-w it)",
                path.display()
            ),
            Self::ReadableByOthers(path) => write!(
                f,
                "{} can be read by other users (chmod 600 it)",
                path.display()
            ),
        }
    }
}

impl KeyfileError {
    /// True when the cause is a wrong password (or altered ciphertext).
    pub fn is_wrong_password(&self) -> bool {
        matches!(
            self,
            Self::Format {
                error: FormatError::Nacl(NaclError::Authentication),
                ..
            }
        )
    }
}

#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(rename_all = "camelCase")]
struct Json {
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    public_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    private_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_phrase: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_seed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ss58_address: Option<String>,
    // Bittensor writes a number; some tools write it as a string ("0").
    #[serde(skip_serializing_if = "Option::is_none")]
    #[zeroize(skip)]
    crypto_type: Option<serde_json::Value>,
}

impl Json {
    fn public(public: &PublicKey) -> Self {
        Self {
            account_id: Some(public.account.to_hex()),
            public_key: Some(public.account.to_hex()),
            ss58_address: Some(public.account.to_ss58()),
            crypto_type: Some(public.crypto.code().into()),
            private_key: None,
            secret_phrase: None,
            secret_seed: None,
        }
    }
}

/// The JSON of a keypair's keyfile. Holds secrets: zeroized on drop.
pub fn encode_pair(pair: &Keypair) -> Zeroizing<Vec<u8>> {
    let mut json = Json::public(&pair.public());
    json.private_key = Some(format!("0x{}", hex::encode(&*pair.private_key())));
    json.secret_phrase = pair.phrase().map(str::to_string);
    json.secret_seed = pair.seed().map(|s| format!("0x{}", hex::encode(s)));
    Zeroizing::new(serde_json::to_vec(&json).unwrap_or_default())
}

/// The JSON of a public-only file (`coldkeypub.txt`, `<hotkey>pub.txt`).
pub fn encode_public(public: &PublicKey) -> Vec<u8> {
    serde_json::to_vec(&Json::public(public)).unwrap_or_default()
}

/// Whether keyfile bytes need a password to read (`$NACL`; other schemes fail without asking).
pub fn needs_password(bytes: &[u8]) -> bool {
    bytes.starts_with(nacl::PREFIX)
}

/// Whether keyfile bytes are encrypted (in any scheme, known or not).
pub fn is_encrypted(bytes: &[u8]) -> bool {
    bytes.starts_with(b"$") || bytes.starts_with(b"gAAAAA")
}

/// Decodes keyfile bytes, decrypting with `password` when they are encrypted.
pub fn decode(bytes: &[u8], password: Option<&Password>) -> Result<KeyMaterial, FormatError> {
    if bytes.starts_with(nacl::PREFIX) {
        let password = password.ok_or(FormatError::NeedsPassword)?;
        let plain = nacl::decrypt(bytes, password.as_bytes())?;
        return decode_json(&plain);
    }
    if bytes.starts_with(b"$ANSIBLE_VAULT") {
        return Err(FormatError::LegacyEncryption("Ansible Vault"));
    }
    if bytes.starts_with(b"gAAAAA") {
        return Err(FormatError::LegacyEncryption("Fernet"));
    }
    if bytes.starts_with(b"$") {
        let prefix: String = String::from_utf8_lossy(&bytes[..bytes.len().min(16)])
            .chars()
            .take_while(|c| c.is_ascii_graphic() && *c != '{')
            .collect();
        return Err(FormatError::UnknownEncryption(prefix));
    }
    decode_json(bytes)
}

fn decode_json(bytes: &[u8]) -> Result<KeyMaterial, FormatError> {
    let json: Json =
        serde_json::from_slice(bytes).map_err(|e| FormatError::Json(json_problem(&e)))?;
    let crypto = match &json.crypto_type {
        None | Some(serde_json::Value::Null) => CryptoType::Sr25519,
        Some(value) => value
            .as_u64()
            .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
            .and_then(CryptoType::from_code)
            .ok_or_else(|| FormatError::Field {
                field: "cryptoType",
                problem: format!("{value} is neither 0 (ed25519) nor 1 (sr25519)"),
            })?,
    };
    let field_err = |field: &'static str| {
        move |e: KeyError| FormatError::Field {
            field,
            problem: e.to_string(),
        }
    };
    let pair = if let Some(phrase) = &json.secret_phrase {
        Some(Keypair::from_phrase(crypto, phrase).map_err(field_err("secretPhrase"))?)
    } else if let Some(seed) = &json.secret_seed {
        Some(Keypair::from_seed_hex(crypto, seed).map_err(field_err("secretSeed"))?)
    } else if let Some(private) = &json.private_key {
        let bytes = Zeroizing::new(parse_hex("privateKey", private)?);
        Some(Keypair::from_private_key(crypto, &bytes).map_err(field_err("privateKey"))?)
    } else {
        None
    };
    // Lower-precedence secrets must agree with the one used.
    if let Some(pair) = &pair {
        if let (Some(phrase_seed), Some(seed)) = (pair.seed(), json.secret_seed.as_deref()) {
            if json.secret_phrase.is_some()
                && format!("0x{}", hex::encode(phrase_seed)) != seed.to_lowercase()
            {
                return Err(FormatError::Mismatch("secretSeed"));
            }
        }
        if let Some(private) = json.private_key.as_deref() {
            let stored = Zeroizing::new(parse_hex("privateKey", private)?);
            let derived = json.secret_phrase.is_some() || json.secret_seed.is_some();
            if derived && *stored != **pair.private_key() {
                return Err(FormatError::Mismatch("privateKey"));
            }
        }
    }
    // Every public field present must name one key, and the secret's key if there is one.
    let mut account = pair.as_ref().map(Keypair::account);
    let publics = [
        (
            "accountId",
            json.account_id
                .as_deref()
                .map(|s| parse_account_hex("accountId", s)),
        ),
        (
            "publicKey",
            json.public_key
                .as_deref()
                .map(|s| parse_account_hex("publicKey", s)),
        ),
        (
            "ss58Address",
            json.ss58_address.as_deref().map(|s| {
                AccountId::from_ss58(s).map_err(|e| FormatError::Field {
                    field: "ss58Address",
                    problem: e.to_string(),
                })
            }),
        ),
    ];
    for (field, value) in publics {
        let Some(value) = value else { continue };
        let value = value?;
        match account {
            Some(known) if known != value => return Err(FormatError::Mismatch(field)),
            _ => account = Some(value),
        }
    }
    match (pair, account) {
        (Some(pair), _) => Ok(KeyMaterial::Pair(pair)),
        (None, Some(account)) => Ok(KeyMaterial::Public(PublicKey { crypto, account })),
        (None, None) => Err(FormatError::Empty),
    }
}

fn json_problem(e: &serde_json::Error) -> String {
    // serde_json's messages may quote the offending value, which can be secret; keep only
    // the category and position.
    let what = match e.classify() {
        serde_json::error::Category::Eof => "truncated JSON",
        serde_json::error::Category::Syntax => "invalid JSON",
        serde_json::error::Category::Data => "a field has the wrong type",
        serde_json::error::Category::Io => "unreadable",
    };
    format!("{what} at line {} column {}", e.line(), e.column())
}

fn parse_hex(field: &'static str, s: &str) -> Result<Vec<u8>, FormatError> {
    hex::decode(s.trim_start_matches("0x")).map_err(|_| FormatError::Field {
        field,
        problem: "not hex".into(),
    })
}

fn parse_account_hex(field: &'static str, s: &str) -> Result<AccountId, FormatError> {
    let bytes = parse_hex(field, s)?;
    let key: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| FormatError::Field {
        field,
        problem: format!("{} bytes, a public key has 32", b.len()),
    })?;
    Ok(AccountId(key))
}

/// A keyfile on disk.
#[derive(Clone, PartialEq, Eq)]
pub struct Keyfile {
    path: PathBuf,
}

impl fmt::Debug for Keyfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Keyfile({})", self.path.display())
    }
}

impl Keyfile {
    /// The keyfile at `path` (which need not exist yet).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether a file exists at the path.
    pub fn exists(&self) -> bool {
        self.path.exists()
    }

    fn io_err(&self, error: io::Error) -> KeyfileError {
        match error.kind() {
            io::ErrorKind::NotFound => KeyfileError::NotFound(self.path.clone()),
            io::ErrorKind::AlreadyExists => KeyfileError::Exists(self.path.clone()),
            _ => KeyfileError::Io {
                path: self.path.clone(),
                error,
            },
        }
    }

    /// Who besides its owner can read or change the key: the file's own permission bits, and
    /// its folder's (a folder others can write lets them replace the file). The worst finding,
    /// or `None` when only the owner can; `None` too where permissions are not Unix modes.
    pub fn exposure(&self) -> Result<Option<Exposure>, KeyfileError> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            const GROUP_OR_OTHER_WRITE: u32 = 0o022;
            const GROUP_OR_OTHER_READ: u32 = 0o044;
            // A sticky folder (like /tmp) lets others add files but not replace ours.
            const STICKY: u32 = 0o1000;
            let mode = |path: &Path| {
                std::fs::metadata(path)
                    .map(|m| m.permissions().mode())
                    .map_err(|e| self.io_err(e))
            };
            let file = mode(&self.path)?;
            if file & GROUP_OR_OTHER_WRITE != 0 {
                return Ok(Some(Exposure::WritableByOthers(self.path.clone())));
            }
            if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
                let folder = mode(dir)?;
                if folder & GROUP_OR_OTHER_WRITE != 0 && folder & STICKY == 0 {
                    return Ok(Some(Exposure::WritableByOthers(dir.to_path_buf())));
                }
            }
            if file & GROUP_OR_OTHER_READ != 0 {
                return Ok(Some(Exposure::ReadableByOthers(self.path.clone())));
            }
        }
        Ok(None)
    }

    /// The raw bytes, refusing files larger than [`MAX_KEYFILE_LEN`].
    pub fn read_bytes(&self) -> Result<Zeroizing<Vec<u8>>, KeyfileError> {
        use std::io::Read;
        let file = std::fs::File::open(&self.path).map_err(|e| self.io_err(e))?;
        let len = file.metadata().map_err(|e| self.io_err(e))?.len();
        if len > MAX_KEYFILE_LEN {
            return Err(KeyfileError::TooLarge(self.path.clone(), len));
        }
        let mut bytes = Zeroizing::new(Vec::new());
        file.take(MAX_KEYFILE_LEN)
            .read_to_end(&mut bytes)
            .map_err(|e| self.io_err(e))?;
        Ok(bytes)
    }

    /// Whether reading the file needs a password.
    pub fn needs_password(&self) -> Result<bool, KeyfileError> {
        Ok(needs_password(&self.read_bytes()?))
    }

    /// Whether the file is encrypted.
    pub fn is_encrypted(&self) -> Result<bool, KeyfileError> {
        Ok(is_encrypted(&self.read_bytes()?))
    }

    /// Reads the key, decrypting with `password` if the file is encrypted.
    pub fn read(&self, password: Option<&Password>) -> Result<KeyMaterial, KeyfileError> {
        decode(&self.read_bytes()?, password).map_err(|error| KeyfileError::Format {
            path: self.path.clone(),
            error,
        })
    }

    /// Writes a keypair, encrypted under `password` when given.
    pub fn write_pair(
        &self,
        pair: &Keypair,
        password: Option<&Password>,
        overwrite: bool,
    ) -> Result<(), KeyfileError> {
        let json = encode_pair(pair);
        let bytes = match password {
            Some(password) => {
                Zeroizing::new(nacl::encrypt(&json, password.as_bytes()).map_err(|error| {
                    KeyfileError::Format {
                        path: self.path.clone(),
                        error: error.into(),
                    }
                })?)
            }
            None => json,
        };
        self.write_bytes(&bytes, overwrite)
    }

    /// Writes a public-only file.
    pub fn write_public(&self, public: &PublicKey, overwrite: bool) -> Result<(), KeyfileError> {
        self.write_bytes(&encode_public(public), overwrite)
    }

    fn write_bytes(&self, bytes: &[u8], overwrite: bool) -> Result<(), KeyfileError> {
        fsio::write_private(&self.path, bytes, overwrite).map_err(|e| self.io_err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DEV_PHRASE;

    fn dev_pair() -> Keypair {
        Keypair::from_phrase(CryptoType::Sr25519, DEV_PHRASE).unwrap()
    }

    #[test]
    fn test_pair_json_round_trip() {
        let pair = dev_pair();
        let json: serde_json::Value = serde_json::from_slice(&encode_pair(&pair)).unwrap();
        assert_eq!(
            json["ss58Address"],
            "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV"
        );
        assert_eq!(json["secretPhrase"], DEV_PHRASE);
        assert_eq!(json["cryptoType"], 1);
        let KeyMaterial::Pair(back) = decode(&encode_pair(&pair), None).unwrap() else {
            panic!("expected a keypair");
        };
        assert_eq!(back.account(), pair.account());
        assert_eq!(back.phrase(), Some(DEV_PHRASE));
    }

    #[test]
    fn test_secret_precedence_seed_then_private_key() {
        let pair = dev_pair();
        let mut json: serde_json::Value = serde_json::from_slice(&encode_pair(&pair)).unwrap();
        json.as_object_mut().unwrap().remove("secretPhrase");
        let bytes = serde_json::to_vec(&json).unwrap();
        let KeyMaterial::Pair(from_seed) = decode(&bytes, None).unwrap() else {
            panic!()
        };
        assert_eq!(from_seed.seed(), pair.seed());
        json.as_object_mut().unwrap().remove("secretSeed");
        let bytes = serde_json::to_vec(&json).unwrap();
        let KeyMaterial::Pair(from_private) = decode(&bytes, None).unwrap() else {
            panic!()
        };
        assert_eq!(from_private.account(), pair.account());
        assert!(from_private.seed().is_none());
    }

    #[test]
    fn test_public_file_and_missing_crypto_type() {
        let public = dev_pair().public();
        let KeyMaterial::Public(back) = decode(&encode_public(&public), None).unwrap() else {
            panic!()
        };
        assert_eq!(back, public);
        // Files from before cryptoType existed hold only an address and are sr25519.
        let old = br#"{"ss58Address": "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"}"#;
        let material = decode(old, None).unwrap();
        assert_eq!(material.public().crypto, CryptoType::Sr25519);
    }

    #[test]
    fn test_bad_keyfiles_name_the_problem() {
        let full = encode_pair(&dev_pair());
        let truncated = &full[..full.len() / 2];
        assert!(
            matches!(decode(truncated, None), Err(FormatError::Json(m)) if m.starts_with("truncated JSON"))
        );
        assert!(
            matches!(decode(b"$XYZ1abc", None), Err(FormatError::UnknownEncryption(p)) if p == "$XYZ1abc")
        );
        assert!(matches!(
            decode(b"$NACLxx", None),
            Err(FormatError::NeedsPassword)
        ));
        assert_eq!(
            decode(b"$NACLxx", Some(&Password::new("pw".into()))).unwrap_err(),
            FormatError::Nacl(NaclError::Truncated(7))
        );
        assert_eq!(
            decode(b"gAAAAAB", None).unwrap_err(),
            FormatError::LegacyEncryption("Fernet")
        );
        assert_eq!(decode(b"{}", None).unwrap_err(), FormatError::Empty);
        let bad_phrase = br#"{"secretPhrase": "bottom drive obey lake"}"#;
        assert!(matches!(
            decode(bad_phrase, None),
            Err(FormatError::Field {
                field: "secretPhrase",
                ..
            })
        ));
        let mut json: serde_json::Value = serde_json::from_slice(&full).unwrap();
        let mut seed_json = json.clone();
        seed_json["secretSeed"] =
            "0x00000000000000000000000000000000000000000000000000000000000000ff".into();
        let bad_seed = serde_json::to_vec(&seed_json).unwrap();
        assert_eq!(
            decode(&bad_seed, None).unwrap_err(),
            FormatError::Mismatch("secretSeed")
        );
        json["ss58Address"] = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY".into();
        let mismatched = serde_json::to_vec(&json).unwrap();
        assert_eq!(
            decode(&mismatched, None).unwrap_err(),
            FormatError::Mismatch("ss58Address")
        );
        let bad_type = br#"{"ss58Address": "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", "cryptoType": 7}"#;
        assert!(matches!(
            decode(bad_type, None),
            Err(FormatError::Field {
                field: "cryptoType",
                ..
            })
        ));
    }

    /// Minifuzz: mutated keyfiles (flipped, cut, spliced bytes) give errors or keys, never panics.
    #[test]
    fn test_decode_mutated_keyfiles_never_panics() {
        let plain = encode_pair(&dev_pair());
        let public = encode_public(&dev_pair().public());
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let (mut n_ok, mut n_err) = (0, 0);
        for i in 0..5_000 {
            let mut bytes = if i % 2 == 0 {
                plain.to_vec()
            } else {
                public.clone()
            };
            for _ in 0..(next() % 4 + 1) {
                let at = (next() as usize) % bytes.len().max(1);
                match next() % 4 {
                    0 => bytes[at] = next() as u8,
                    1 => bytes.truncate(at),
                    2 => bytes.insert(at, b"{}[]\":,0x$"[(next() % 10) as usize]),
                    _ => {
                        bytes.remove(at.min(bytes.len().saturating_sub(1)));
                    }
                }
                if bytes.is_empty() {
                    break;
                }
            }
            // No password: a mutation into `$NACL` must not start a 512 MiB key derivation here.
            match decode(&bytes, None) {
                Ok(_) => n_ok += 1,
                Err(_) => n_err += 1,
            }
        }
        assert!(
            n_err > 1_000,
            "mutations should mostly break the file ({n_ok} ok, {n_err} errors)"
        );
    }

    #[test]
    fn test_keyfile_on_disk_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = Keyfile::new(dir.path().join("hotkeys/default"));
        let err = file.read(None).unwrap_err();
        assert!(matches!(err, KeyfileError::NotFound(_)));
        assert!(err.to_string().contains("hotkeys/default"));

        file.write_pair(&dev_pair(), None, false).unwrap();
        let other = Keypair::from_uri(CryptoType::Sr25519, "//Bob").unwrap();
        assert!(matches!(
            file.write_pair(&other, None, false),
            Err(KeyfileError::Exists(_))
        ));
        assert_eq!(
            file.read(None).unwrap().public().account,
            dev_pair().account()
        );

        std::fs::write(file.path(), b"{\"secretSeed\": \"0x12").unwrap();
        let err = file.read(None).unwrap_err();
        assert!(
            err.to_string()
                .contains("hotkeys/default: not a keyfile: truncated JSON"),
            "{err}"
        );

        std::fs::write(file.path(), vec![b' '; MAX_KEYFILE_LEN as usize + 1]).unwrap();
        assert!(matches!(file.read(None), Err(KeyfileError::TooLarge(..))));
    }

    #[cfg(unix)]
    #[test]
    fn test_exposure_of_the_file_and_its_folder() {
        use std::os::unix::fs::PermissionsExt;
        let chmod = |path: &Path, mode: u32| {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
        };
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("wallet");
        std::fs::create_dir(&folder).unwrap();
        let file = Keyfile::new(folder.join("coldkey"));
        file.write_pair(&dev_pair(), None, false).unwrap();
        chmod(&folder, 0o700);
        assert_eq!(file.exposure().unwrap(), None, "written private");
        chmod(file.path(), 0o644);
        assert_eq!(
            file.exposure().unwrap(),
            Some(Exposure::ReadableByOthers(file.path().to_path_buf()))
        );
        chmod(file.path(), 0o666);
        assert_eq!(
            file.exposure().unwrap(),
            Some(Exposure::WritableByOthers(file.path().to_path_buf()))
        );
        chmod(file.path(), 0o600);
        chmod(&folder, 0o777);
        assert_eq!(
            file.exposure().unwrap(),
            Some(Exposure::WritableByOthers(folder.clone()))
        );
        chmod(&folder, 0o1777);
        assert_eq!(
            file.exposure().unwrap(),
            None,
            "a sticky folder is not a risk"
        );
        assert!(matches!(
            Keyfile::new(folder.join("missing")).exposure(),
            Err(KeyfileError::NotFound(_))
        ));
    }
}
