//! The chain as Substrate's clients see it, for the clients written against Bittensor's chain
//! (the Python `bittensor` SDK, `btcli`): the V15 metadata describing what Plexus serves under
//! the pallet, storage, call, event and error names Bittensor's chain uses, storage keys built
//! with Substrate's hashers, and the values stored under them, in SCALE.
//!
//! The metadata describes only what Plexus serves; a client's decoders work from it unchanged.
//! `docs/substrate-compat.md` lists what is covered and where each value comes from.
//!
//! # What this is not
//! Pure: no I/O, no server (the JSON-RPC methods are `plexus-rpc-server`'s `substrate`
//! module), no chain rules. Plexus's state is mapped onto these shapes, not restructured.

mod api;
mod errors;
mod events;
mod metadata;
mod read;
mod storage;
mod types;

pub use api::{call, runtime_api_ids, CallError};
pub use events::events;
pub use metadata::{metadata, metadata_at_version, Constants, SPEC_VERSION, TRANSACTION_VERSION};
pub use read::{keys, read};
pub use storage::{prefix, twox_128, PlainItem, StorageKey, SubnetItem};
pub use types::{AccountData, AccountInfo};
