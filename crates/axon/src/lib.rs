//! Bittensor's Synapse protocol, so Plexus miners and validators talk to each other and to
//! Bittensor's Python ones: the axon (the HTTP server a miner runs) and the dendrite (the
//! client a validator queries miners with).
//!
//! Requests are signed with the caller's sr25519 hotkey over a nonce, both hotkeys, the
//! caller's instance id and a SHA3-256 body hash computed the way Python computes it; the axon
//! checks the route, the caller (a [`Gate`], the blacklist), the per-hotkey rate, the nonce and
//! signature, then reads the size- and time-limited body, checks its hash, and runs the handler
//! within the caller's timeout. Status codes and messages are those of the Python axon.
//!
//! # What this is not
//! No chain access: who may call is the [`Gate`]'s business (the SDK builds one from the
//! metagraph). Not yet here: btauth/1, streaming responses, and serving waiting requests in
//! stake order (they are served first come, first served).

pub mod auth;
pub mod btauth;
pub mod dendrite;
pub mod hash;
pub mod server;
pub mod synapse;

pub use dendrite::{Answer, Chunks, Dendrite, Scheme, Target};
pub use server::{AllowAll, Axon, AxonConfig, Gate, RunningAxon};
pub use synapse::{Synapse, TerminalInfo};
