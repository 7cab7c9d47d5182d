//! Wallets: a coldkey and its hotkeys, laid out on disk as Bittensor lays them out.
//!
//! ```text
//! <wallet path>/                default ~/.bittensor/wallets (BT_WALLET_PATH)
//!   <wallet name>/              default "default"             (BT_WALLET_NAME)
//!     coldkey                   keyfile, normally $NACL-encrypted
//!     coldkeypub.txt            public key only, never encrypted
//!     hotkeys/
//!       <hotkey name>           keyfile, normally plain         (BT_WALLET_HOTKEY)
//!       <hotkey name>pub.txt    public key only
//! ```
//! Files are 0600, folders 0700, and every write is atomic; see `fsio`.

use crate::{
    keyfile::{KeyMaterial, Keyfile, KeyfileError},
    pair::{Keypair, PublicKey},
    password::Password,
};
use std::{
    fmt, io,
    path::{Path, PathBuf},
};

/// Default folder of wallets, shared with Bittensor's tools so existing wallets just work.
pub const DEFAULT_WALLET_PATH: &str = "~/.bittensor/wallets";
/// Default wallet name.
pub const DEFAULT_WALLET_NAME: &str = "default";
/// Default hotkey name.
pub const DEFAULT_HOTKEY: &str = "default";

const COLDKEY: &str = "coldkey";
const COLDKEYPUB: &str = "coldkeypub.txt";
const HOTKEYS: &str = "hotkeys";
const PUB_SUFFIX: &str = "pub.txt";

/// Why a wallet operation failed.
#[derive(Debug, thiserror::Error)]
pub enum WalletError {
    /// A wallet or hotkey name that cannot be a single file name.
    #[error("invalid {kind} name {name:?}: {reason}")]
    InvalidName {
        /// "wallet" or "hotkey".
        kind: &'static str,
        /// The name given.
        name: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// `~` in the wallet path, and no home folder to replace it.
    #[error("{0}: the home folder is unknown; give an absolute --wallet-path")]
    NoHome(PathBuf),
    /// A keyfile problem (the error names the file).
    #[error(transparent)]
    Keyfile(#[from] KeyfileError),
    /// A keyfile that should hold a secret key holds only a public key.
    #[error("{0}: holds only a public key; regenerate it from its mnemonic or seed to sign")]
    PublicOnly(PathBuf),
    /// Listing a folder failed.
    #[error("{path}: {error}")]
    Io {
        /// The folder.
        path: PathBuf,
        /// The I/O error.
        error: io::Error,
    },
}

/// A wallet: a folder named after its coldkey, holding the coldkey and its hotkeys.
#[derive(Clone, PartialEq, Eq)]
pub struct Wallet {
    path: PathBuf,
    name: String,
    hotkey: String,
}

impl fmt::Debug for Wallet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Wallet({}, hotkey {})",
            self.dir().display(),
            self.hotkey
        )
    }
}

/// Replaces a leading `~` with the home folder and drops empty and `.` components, as
/// `bittensor` 11 does (it builds paths with `pathlib`). The exact string matters: it names the
/// `BT_PW_…` variable. Without a home folder the `~` stays, and [`Wallet::new`] refuses it.
pub fn expand_home(path: &Path) -> PathBuf {
    let expanded = match (path.strip_prefix("~"), std::env::home_dir()) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_path_buf(),
    };
    expanded.components().collect()
}

fn check_name(kind: &'static str, name: &str) -> Result<(), WalletError> {
    let reason = if name.is_empty() {
        Some("it is empty")
    } else if name == "." || name == ".." {
        Some("it names a folder, not a file")
    } else if name.contains('/') || name.contains('\0') {
        Some("it may not contain '/' or NUL")
    } else if name.starts_with('.') {
        Some(
            "it may not start with '.' (such files are hidden and reserved for writes in progress)",
        )
    } else if kind == "hotkey" && name.ends_with(PUB_SUFFIX) {
        Some("a name ending in 'pub.txt' would clash with another hotkey's public file")
    } else if name.len() > 200 {
        Some("it is longer than 200 bytes")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(WalletError::InvalidName {
            kind,
            name: name.to_string(),
            reason,
        }),
        None => Ok(()),
    }
}

impl Wallet {
    /// The wallet `name` under `path` (`~` expanded), with `hotkey` as its current hotkey.
    pub fn new(path: &Path, name: &str, hotkey: &str) -> Result<Self, WalletError> {
        check_name("wallet", name)?;
        check_name("hotkey", hotkey)?;
        let expanded = expand_home(path);
        if expanded.starts_with("~") {
            return Err(WalletError::NoHome(path.to_path_buf()));
        }
        Ok(Self {
            path: expanded,
            name: name.to_string(),
            hotkey: hotkey.to_string(),
        })
    }

    /// The wallet's name (the coldkey's name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The current hotkey's name.
    pub fn hotkey_name(&self) -> &str {
        &self.hotkey
    }

    /// The wallet's folder.
    pub fn dir(&self) -> PathBuf {
        self.path.join(&self.name)
    }

    /// The coldkey's keyfile.
    pub fn coldkey_file(&self) -> Keyfile {
        Keyfile::new(self.dir().join(COLDKEY))
    }

    /// The coldkey's public file.
    pub fn coldkeypub_file(&self) -> Keyfile {
        Keyfile::new(self.dir().join(COLDKEYPUB))
    }

    /// The current hotkey's keyfile.
    pub fn hotkey_file(&self) -> Keyfile {
        Keyfile::new(self.dir().join(HOTKEYS).join(&self.hotkey))
    }

    /// The current hotkey's public file.
    pub fn hotkeypub_file(&self) -> Keyfile {
        Keyfile::new(
            self.dir()
                .join(HOTKEYS)
                .join(format!("{}{PUB_SUFFIX}", self.hotkey)),
        )
    }

    /// The same wallet with another current hotkey.
    pub fn with_hotkey(&self, hotkey: &str) -> Result<Self, WalletError> {
        Self::new(&self.path, &self.name, hotkey)
    }

    /// Writes the coldkey (encrypted when `password` is given) and `coldkeypub.txt`.
    ///
    /// Without `overwrite`, fails before writing anything if either file exists.
    pub fn set_coldkey(
        &self,
        pair: &Keypair,
        password: Option<&Password>,
        overwrite: bool,
    ) -> Result<(), WalletError> {
        write_with_public(
            &self.coldkey_file(),
            &self.coldkeypub_file(),
            pair,
            password,
            overwrite,
        )
    }

    /// Writes only `coldkeypub.txt`.
    pub fn set_coldkeypub(&self, public: &PublicKey, overwrite: bool) -> Result<(), WalletError> {
        Ok(self.coldkeypub_file().write_public(public, overwrite)?)
    }

    /// Writes the current hotkey (encrypted when `password` is given) and its public file.
    pub fn set_hotkey(
        &self,
        pair: &Keypair,
        password: Option<&Password>,
        overwrite: bool,
    ) -> Result<(), WalletError> {
        write_with_public(
            &self.hotkey_file(),
            &self.hotkeypub_file(),
            pair,
            password,
            overwrite,
        )
    }

    /// The coldkey's public key, from `coldkeypub.txt`, or else from a plain coldkey file.
    pub fn coldkeypub(&self) -> Result<PublicKey, WalletError> {
        public_of(&self.coldkeypub_file(), &self.coldkey_file())
    }

    /// The current hotkey's public key, from its public file, or else from the hotkey file.
    pub fn hotkeypub(&self) -> Result<PublicKey, WalletError> {
        public_of(&self.hotkeypub_file(), &self.hotkey_file())
    }

    /// The coldkey, decrypted with `password` if it is encrypted.
    pub fn coldkey(&self, password: Option<&Password>) -> Result<Keypair, WalletError> {
        secret_of(&self.coldkey_file(), password)
    }

    /// The current hotkey, decrypted with `password` if it is encrypted.
    pub fn hotkey(&self, password: Option<&Password>) -> Result<Keypair, WalletError> {
        secret_of(&self.hotkey_file(), password)
    }

    /// Names of the wallet's hotkeys, sorted (public files are not listed separately).
    pub fn hotkey_names(&self) -> Result<Vec<String>, WalletError> {
        let dir = self.dir().join(HOTKEYS);
        let mut names = file_names(&dir)?;
        let all = names.clone();
        names.retain(|name| {
            let base = name.strip_suffix(PUB_SUFFIX);
            !base.is_some_and(|b| all.iter().any(|n| n == b))
        });
        Ok(names)
    }
}

/// Names of the wallets under `path` (`~` expanded), sorted: folders holding a coldkey,
/// a `coldkeypub.txt` or a `hotkeys` folder.
pub fn wallet_names(path: &Path) -> Result<Vec<String>, WalletError> {
    let path = expand_home(path);
    let mut names = Vec::new();
    for name in dir_entries(&path)? {
        let dir = path.join(&name);
        if dir.join(COLDKEY).is_file()
            || dir.join(COLDKEYPUB).is_file()
            || dir.join(HOTKEYS).is_dir()
        {
            names.push(name);
        }
    }
    Ok(names)
}

fn dir_entries(dir: &Path) -> Result<Vec<String>, WalletError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => {
            return Err(WalletError::Io {
                path: dir.to_path_buf(),
                error,
            })
        }
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|error| WalletError::Io {
            path: dir.to_path_buf(),
            error,
        })?;
        // Hidden entries include the temporary files of writes in progress.
        if let Some(name) = entry.file_name().to_str().filter(|n| !n.starts_with('.')) {
            names.push(name.to_string());
        }
    }
    names.sort();
    Ok(names)
}

fn file_names(dir: &Path) -> Result<Vec<String>, WalletError> {
    let mut names = dir_entries(dir)?;
    names.retain(|name| dir.join(name).is_file());
    Ok(names)
}

fn write_with_public(
    secret: &Keyfile,
    public: &Keyfile,
    pair: &Keypair,
    password: Option<&Password>,
    overwrite: bool,
) -> Result<(), WalletError> {
    if !overwrite {
        for file in [secret, public] {
            if file.exists() {
                return Err(KeyfileError::Exists(file.path().to_path_buf()).into());
            }
        }
    }
    secret.write_pair(pair, password, overwrite)?;
    public.write_public(&pair.public(), overwrite)?;
    Ok(())
}

fn public_of(public: &Keyfile, secret: &Keyfile) -> Result<PublicKey, WalletError> {
    match public.read(None) {
        Ok(material) => Ok(material.public()),
        Err(KeyfileError::NotFound(_)) if secret.exists() => {
            Ok(secret
                .read(None)
                .map_err(|e| match e {
                    // Without a public file, an encrypted secret cannot tell its public key.
                    KeyfileError::Format { .. } if secret.is_encrypted().unwrap_or(false) => {
                        WalletError::Keyfile(KeyfileError::NotFound(public.path().to_path_buf()))
                    }
                    e => e.into(),
                })?
                .public())
        }
        Err(e) => Err(e.into()),
    }
}

fn secret_of(file: &Keyfile, password: Option<&Password>) -> Result<Keypair, WalletError> {
    match file.read(password)? {
        KeyMaterial::Pair(pair) => Ok(pair),
        KeyMaterial::Public(_) => Err(WalletError::PublicOnly(file.path().to_path_buf())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pair::CryptoType;

    fn pair(uri: &str) -> Keypair {
        Keypair::from_uri(CryptoType::Sr25519, uri).unwrap()
    }

    #[test]
    fn test_layout_and_listing() {
        let dir = tempfile::tempdir().unwrap();
        let wallet = Wallet::new(dir.path(), "alice", "miner1").unwrap();
        wallet.set_coldkey(&pair("//Alice"), None, false).unwrap();
        wallet
            .set_hotkey(&pair("//Alice//miner1"), None, false)
            .unwrap();
        wallet
            .with_hotkey("miner2")
            .unwrap()
            .set_hotkey(&pair("//Alice//miner2"), None, false)
            .unwrap();
        for file in [
            "coldkey",
            "coldkeypub.txt",
            "hotkeys/miner1",
            "hotkeys/miner1pub.txt",
        ] {
            assert!(dir.path().join("alice").join(file).is_file(), "{file}");
        }
        assert_eq!(wallet_names(dir.path()).unwrap(), vec!["alice"]);
        assert_eq!(wallet.hotkey_names().unwrap(), vec!["miner1", "miner2"]);
        assert_eq!(
            wallet.coldkeypub().unwrap().account,
            pair("//Alice").account()
        );
        assert_eq!(
            wallet.hotkey(None).unwrap().account(),
            pair("//Alice//miner1").account()
        );
    }

    #[test]
    fn test_existing_keys_are_never_overwritten_silently() {
        let dir = tempfile::tempdir().unwrap();
        let wallet = Wallet::new(dir.path(), "w", "h").unwrap();
        wallet
            .set_coldkeypub(&pair("//Alice").public(), false)
            .unwrap();
        // coldkeypub.txt exists, so nothing is written, not even the coldkey.
        let err = wallet.set_coldkey(&pair("//Bob"), None, false).unwrap_err();
        assert!(err.to_string().contains("coldkeypub.txt"), "{err}");
        assert!(!wallet.coldkey_file().exists());
        wallet.set_coldkey(&pair("//Bob"), None, true).unwrap();
        assert_eq!(
            wallet.coldkeypub().unwrap().account,
            pair("//Bob").account()
        );
    }

    #[test]
    fn test_public_only_coldkey_cannot_sign() {
        let dir = tempfile::tempdir().unwrap();
        let wallet = Wallet::new(dir.path(), "w", "h").unwrap();
        wallet
            .coldkey_file()
            .write_public(&pair("//Alice").public(), false)
            .unwrap();
        assert!(matches!(
            wallet.coldkey(None),
            Err(WalletError::PublicOnly(_))
        ));
    }

    #[test]
    fn test_bad_names_rejected() {
        for bad in ["", "..", "a/b", "x\0y", ".hidden"] {
            assert!(matches!(
                Wallet::new(Path::new("/tmp"), bad, "h"),
                Err(WalletError::InvalidName { kind: "wallet", .. })
            ));
        }
        assert!(Wallet::new(Path::new("/tmp"), "ok", "../escape").is_err());
        assert!(Wallet::new(Path::new("/tmp"), "ok", "minerpub.txt").is_err());
        assert!(Wallet::new(Path::new("/tmp"), "walletpub.txt", "ok").is_ok());
    }

    #[test]
    fn test_expand_home() {
        let home = std::env::var("HOME").unwrap();
        assert_eq!(
            expand_home(Path::new("~/.bittensor/wallets")),
            Path::new(&home).join(".bittensor/wallets")
        );
        assert_eq!(expand_home(Path::new("/abs")), Path::new("/abs"));
        let messy = expand_home(Path::new("/tmp/x//./wallets/"));
        assert_eq!(messy.to_str(), Some("/tmp/x/wallets"));
    }
}
