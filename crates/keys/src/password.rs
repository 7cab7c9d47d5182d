//! Keyfile passwords: the zeroizing `Password` type, the strength rule for new ones, and
//! Bittensor's `BT_PW_…` environment variable.
//!
//! The variable is named `BT_PW_` followed by the keyfile's path with `/` and `.` turned into
//! `_`, upper-cased. Its value is the password XOR-ed with the variable's name (repeated) and
//! then base64-encoded: obfuscation against shoulder-surfing, not encryption.

use base64::{engine::general_purpose::STANDARD, Engine};
use std::path::Path;
use zeroize::Zeroizing;

/// Fewest characters a new password may have.
pub const MIN_LEN: usize = 6;

/// A password, zeroized on drop and never printed.
#[derive(Clone)]
pub struct Password(Zeroizing<String>);

impl Password {
    /// Wraps a password exactly as given.
    pub fn new(password: String) -> Self {
        Self(Zeroizing::new(password))
    }

    /// The password's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(redacted)")
    }
}

/// Why a new password is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    /// Too short.
    #[error("a password needs at least {MIN_LEN} characters")]
    TooShort,
    /// Too little variety (one class of characters, or mostly repeats).
    #[error("the password is too easy to guess: mix upper and lower case letters, digits and symbols, or make it longer")]
    TooSimple,
}

/// Checks a new password: at least six characters (Bittensor's minimum) and not trivially
/// guessable. Plexus refuses passwords btcli's own scorer lets through, such as `aaaaaa`: the
/// salt is the same for every wallet, so weak passwords are cheap to attack in bulk.
pub fn check_strength(password: &str) -> Result<(), WeakPassword> {
    let n_chars = password.chars().count();
    if n_chars < MIN_LEN {
        return Err(WeakPassword::TooShort);
    }
    let classes = [
        password.chars().any(|c| c.is_lowercase()),
        password.chars().any(|c| c.is_uppercase()),
        password.chars().any(|c| c.is_numeric()),
        password.chars().any(|c| !c.is_alphanumeric()),
    ]
    .into_iter()
    .filter(|&has| has)
    .count();
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    // Long passphrases are fine with one class; short ones need variety.
    if distinct.len() < 4 || (n_chars < 12 && classes < 2) {
        return Err(WeakPassword::TooSimple);
    }
    Ok(())
}

/// The name of the environment variable that may hold the password of the keyfile at `path`.
pub fn env_var_name(path: &Path) -> String {
    let mangled: String = path
        .to_string_lossy()
        .chars()
        .map(|c| if c == '/' || c == '.' { '_' } else { c })
        .collect();
    format!("BT_PW_{}", mangled.to_uppercase())
}

fn xor_with(data: &[u8], key: &[u8]) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(
        data.iter()
            .zip(key.iter().cycle())
            .map(|(d, k)| d ^ k)
            .collect(),
    )
}

/// The value to store in [`env_var_name`]`(path)` so that [`from_env`] yields `password`.
pub fn env_value(path: &Path, password: &Password) -> String {
    STANDARD.encode(&*xor_with(
        password.as_bytes(),
        env_var_name(path).as_bytes(),
    ))
}

/// A `BT_PW_…` variable that is set but does not hold an encoded password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0} is set but is not a base64-encoded password (as bittensor-wallet's save_password_to_env writes it)")]
pub struct MalformedEnvPassword(pub String);

/// The password for the keyfile at `path` from its `BT_PW_…` variable, if set.
pub fn from_env(path: &Path) -> Result<Option<Password>, MalformedEnvPassword> {
    from_lookup(path, |name| std::env::var_os(name))
}

fn from_lookup(
    path: &Path,
    lookup: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> Result<Option<Password>, MalformedEnvPassword> {
    let name = env_var_name(path);
    let Some(value) = lookup(&name) else {
        return Ok(None);
    };
    let malformed = || MalformedEnvPassword(name.clone());
    let value = Zeroizing::new(value.into_string().map_err(|_| malformed())?);
    let bytes = Zeroizing::new(STANDARD.decode(value.trim()).map_err(|_| malformed())?);
    let plain = xor_with(&bytes, name.as_bytes());
    let text = String::from_utf8(plain.to_vec()).map_err(|_| malformed())?;
    Ok(Some(Password::new(text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_env_var_name() {
        assert_eq!(
            env_var_name(Path::new("/home/u/.bittensor/wallets/mywallet/coldkey")),
            "BT_PW__HOME_U__BITTENSOR_WALLETS_MYWALLET_COLDKEY"
        );
    }

    #[test]
    fn test_env_value_matches_bittensor_wallet() {
        // Computed by bittensor-wallet 4.1.1's `save_password_to_env`.
        let path = Path::new("/tmp/x/wallets/w1/coldkey");
        assert_eq!(env_var_name(path), "BT_PW__TMP_X_WALLETS_W1_COLDKEY");
        let value = env_value(path, &Password::new("hunter2hunter2".into()));
        assert_eq!(value, "KiExJDItbTw4Pis9LWU=");
    }

    #[test]
    fn test_env_value_round_trip_and_malformed_values() {
        let path = Path::new("/tmp/plexus-password-test/w/coldkey");
        let value = env_value(path, &Password::new("hunter2hunter2".into()));
        let name = env_var_name(path);
        let env = |v: &str| {
            let (name, v) = (name.clone(), std::ffi::OsString::from(v));
            move |n: &str| (n == name).then(|| v.clone())
        };
        let found = from_lookup(path, env(&value)).unwrap().unwrap();
        assert_eq!(found.as_bytes(), b"hunter2hunter2");
        assert!(from_lookup(Path::new("/tmp/other/coldkey"), env(&value))
            .unwrap()
            .is_none());
        let err = from_lookup(path, env("not base64!")).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("BT_PW__TMP_PLEXUS-PASSWORD-TEST_W_COLDKEY is set"));
    }

    #[test]
    fn test_strength() {
        assert_eq!(check_strength("abc"), Err(WeakPassword::TooShort));
        assert_eq!(check_strength("aaaaaaa"), Err(WeakPassword::TooSimple));
        assert_eq!(check_strength("abcdefg"), Err(WeakPassword::TooSimple));
        assert!(check_strength("Plexus-2026").is_ok());
        assert!(check_strength("correct horse battery staple").is_ok());
    }
}
