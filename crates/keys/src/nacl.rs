//! The `$NACL` keyfile encryption Bittensor's wallets use.
//!
//! Layout: `b"$NACL"` ‖ 24-byte random nonce ‖ XSalsa20-Poly1305 secretbox (16-byte tag ‖
//! ciphertext). The key is 32 bytes of Argon2i v1.3 with libsodium's "sensitive" limits
//! (t = 8, m = 512 MiB, p = 1) over the password and a salt that is the same for every wallet.
//! Each operation therefore costs about 512 MiB and several seconds, by design.

use argon2::{Algorithm, Argon2, Block, Params, Version};
use crypto_secretbox::{
    aead::{Aead, KeyInit},
    XSalsa20Poly1305,
};
use rand_core::{OsRng, RngCore};
use zeroize::Zeroizing;

/// Prefix of an encrypted keyfile.
pub const PREFIX: &[u8] = b"$NACL";
const SALT: [u8; 16] = [
    0x13, 0x71, 0x83, 0xdf, 0xf1, 0x5a, 0x09, 0xbc, 0x9c, 0x90, 0xb5, 0x51, 0x87, 0x39, 0xe9, 0xb1,
];
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// Smallest valid `$NACL` file: prefix, nonce and tag around an empty plaintext.
pub const MIN_LEN: usize = PREFIX.len() + NONCE_LEN + TAG_LEN;
const ARGON2_MEMORY_KIB: u32 = 512 * 1024;
const ARGON2_PASSES: u32 = 8;

/// What went wrong opening a `$NACL` box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NaclError {
    /// Shorter than prefix, nonce and tag.
    #[error("truncated: {0} bytes, an encrypted keyfile has at least {MIN_LEN}")]
    Truncated(usize),
    /// The authentication tag does not verify: wrong password, or altered bytes.
    #[error("wrong password, or the encrypted keyfile is corrupted")]
    Authentication,
    /// Argon2 could not run (for example, 512 MiB could not be allocated).
    #[error("key derivation failed: {0}")]
    KeyDerivation(&'static str),
}

fn derive_key(password: &[u8]) -> Result<Zeroizing<[u8; 32]>, NaclError> {
    let params = Params::new(ARGON2_MEMORY_KIB, ARGON2_PASSES, 1, Some(32))
        .map_err(|_| NaclError::KeyDerivation("invalid parameters"))?;
    let argon = Argon2::new(Algorithm::Argon2i, Version::V0x13, params);
    // 512 MiB: allocate fallibly, so that a small machine gets an error rather than an abort.
    let n_blocks = ARGON2_MEMORY_KIB as usize;
    let mut memory: Vec<Block> = Vec::new();
    memory
        .try_reserve_exact(n_blocks)
        .map_err(|_| NaclError::KeyDerivation("cannot allocate the 512 MiB it needs"))?;
    memory.resize(n_blocks, Block::default());
    let mut key = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into_with_memory(password, &SALT, key.as_mut(), &mut memory)
        .map_err(|_| NaclError::KeyDerivation("argon2 failed"))?;
    Ok(key)
}

/// Encrypts `plaintext` under `password`, returning the whole `$NACL` file.
pub fn encrypt(plaintext: &[u8], password: &[u8]) -> Result<Vec<u8>, NaclError> {
    let key = derive_key(password)?;
    let cipher = XSalsa20Poly1305::new(key.as_ref().into());
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    let sealed = cipher
        .encrypt(&nonce.into(), plaintext)
        .map_err(|_| NaclError::Authentication)?;
    Ok([PREFIX, &nonce, &sealed].concat())
}

/// Decrypts a whole `$NACL` file (prefix included).
pub fn decrypt(file: &[u8], password: &[u8]) -> Result<Zeroizing<Vec<u8>>, NaclError> {
    if file.len() < MIN_LEN || !file.starts_with(PREFIX) {
        return Err(NaclError::Truncated(file.len()));
    }
    let (nonce, sealed) = file[PREFIX.len()..].split_at(NONCE_LEN);
    let key = derive_key(password)?;
    let cipher = XSalsa20Poly1305::new(key.as_ref().into());
    let nonce: [u8; NONCE_LEN] = nonce
        .try_into()
        .map_err(|_| NaclError::Truncated(file.len()))?;
    cipher
        .decrypt(&nonce.into(), sealed)
        .map(Zeroizing::new)
        .map_err(|_| NaclError::Authentication)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Two Argon2 runs at 512 MiB each: the only encrypted round trip in this crate's unit tests.
    #[test]
    fn test_round_trip_and_wrong_password() {
        let sealed = encrypt(b"{\"k\":1}", b"correct horse").unwrap();
        assert_eq!(sealed.len(), MIN_LEN + 7);
        assert!(sealed.starts_with(PREFIX));
        assert_eq!(&*decrypt(&sealed, b"correct horse").unwrap(), b"{\"k\":1}");
        assert_eq!(
            decrypt(&sealed, b"wrong").unwrap_err(),
            NaclError::Authentication
        );
    }

    #[test]
    fn test_truncated_rejected_before_key_derivation() {
        assert_eq!(
            decrypt(b"$NACLshort", b"pw").unwrap_err(),
            NaclError::Truncated(10)
        );
    }
}
