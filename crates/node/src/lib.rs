//! A Plexus node: Byzantine fault tolerant consensus (Commonware's Simplex with its `marshal`
//! block layer) around the pure state machine of `plexus-runtime`, with finalized blocks
//! committed durably to `plexus-store` and transactions waiting in `plexus-mempool`.
//!
//! This is the only crate that imports Commonware. The consensus application (`app`) proposes
//! blocks from the mempool and verifies proposals by executing them; the executor ([`node`])
//! commits finalized blocks in height order and acknowledges each to consensus only once it is
//! durable. [`engine::start_validator`] wires one validator, generic over the runtime and the
//! network, so deterministic simulations run the production code.
//!
//! # What this is not
//! No chain rules (those are `plexus-runtime`'s), no RPC protocol (`plexus-rpc`), no command
//! line.

mod app;
pub mod block;
pub mod engine;
pub mod finality;
mod follow;
mod gossip;
pub mod key;
mod metrics;
pub mod node;
pub mod run;
pub mod spec;

pub use block::{BlockDigest, PlexusBlock};
pub use engine::{StartError, Timeouts, Timing, TimingError, ValidatorConfig, start_validator};
pub use finality::{FinalityError, FinalityVerifier};
pub use key::{KeyFileError, ValidatorKey};
pub use node::{CommitError, Finalizer, Node, Notification, OpenError};
pub use plexus_rpc_server::RpcConfig;
pub use run::{Role, RunConfig, RunError, run, run_until};
pub use spec::{ChainSpec, SpecError};
