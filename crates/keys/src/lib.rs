//! Hold Plexus keys: keypairs, mnemonics, SS58 addresses, keyfiles and wallets, all compatible
//! with Bittensor's, so an existing Bittensor wallet works unchanged.
//!
//! The main types are [`Keypair`] (sr25519 by default, ed25519 too), made from a [`Mnemonic`],
//! a seed, a keyfile's private key or a secret URI such as `//Alice`; [`AccountId`], a public
//! key with its SS58 address; [`Keyfile`], one key on disk, plain or `$NACL`-encrypted; and
//! [`Wallet`], a coldkey and its hotkeys under `~/.bittensor/wallets`.
//!
//! # What this is not
//! No network, no chain logic, no prompting: callers supply passwords (see [`password`] for the
//! `BT_PW_…` variable). Nothing here logs; secrets are zeroized on drop and redacted in `Debug`.
//!
//! # Status
//! Keyfile JSON, `$NACL` encryption, SS58 and key derivation are frozen: they are Bittensor's
//! formats, checked against the real Python packages by the CLI's interop tests.
//!
//! # Example
//! ```
//! use plexus_keys::{CryptoType, Keypair};
//!
//! let alice = Keypair::from_uri(CryptoType::Sr25519, "//Alice").unwrap();
//! assert_eq!(alice.account().to_ss58(), "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
//! let signature = alice.sign(b"hello");
//! assert!(alice.public().verify(b"hello", &signature));
//! ```

pub mod fsio;
pub mod keyfile;
mod mnemonic;
pub mod nacl;
mod pair;
pub mod password;
mod uri;
pub mod wallet;

pub use keyfile::{Exposure, KeyMaterial, Keyfile, KeyfileError};
pub use mnemonic::{Mnemonic, MnemonicError, WORD_COUNTS};
pub use pair::{CryptoType, KeyError, Keypair, PublicKey, Signature};
pub use password::Password;
pub use plexus_primitives::{AccountId, Ss58Error, SS58_PREFIX};
pub use uri::{SecretUri, UriError, DEV_PHRASE};
pub use wallet::{Wallet, WalletError};
