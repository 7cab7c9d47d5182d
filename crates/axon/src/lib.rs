//! Bittensor's wire protocols, so Plexus miners and validators talk to each other and to
//! Bittensor's Python ones: the axon (the HTTP server a miner runs) and the dendrite (the
//! client a validator queries miners with).
//!
//! Two schemes authenticate requests. The Synapse protocol (bittensor 10 and earlier) signs
//! with the caller's sr25519 hotkey over a nonce, both hotkeys, the caller's instance id and a
//! SHA3-256 body hash computed the way Python computes it. btauth/1 (bittensor 11) signs the
//! method, target, SHA-256 of the raw body, a nanosecond nonce and both hotkeys. Either way the
//! axon checks the route, the caller (a [`Gate`], the blacklist), the signature and freshness,
//! the per-hotkey rate, queues the request for a handler slot by the gate's priority, reads the
//! size- and time-limited body, and runs the handler, or streams its answer, within the
//! caller's timeout. Status codes and messages are those of the Python axon.
//!
//! # What this is not
//! No chain access: who may call and in what order is the [`Gate`]'s business (the SDK builds
//! one from the metagraph, ranking callers by stake).

pub mod auth;
pub mod btauth;
pub mod dendrite;
pub mod hash;
pub mod python;
pub mod server;
pub mod synapse;

pub use dendrite::{Answer, Chunks, Dendrite, Scheme, Target};
pub use python::{Field, PyBytes, PyType};
pub use server::{AllowAll, Answered, Axon, AxonConfig, Gate, RunningAxon};
pub use synapse::{Synapse, TerminalInfo};
