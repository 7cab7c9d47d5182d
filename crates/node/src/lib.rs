//! A Plexus node: Byzantine fault tolerant consensus (Commonware's Simplex, one engine per
//! consensus epoch under glue's orchestrator, with its `marshal` block layer) around the pure
//! state machine of `plexus-runtime`, with finalized blocks
//! committed durably to `plexus-store` and transactions waiting in `plexus-mempool`.
//!
//! This is the only crate that imports Commonware. Its modules, lowest first (each uses only
//! modules above it):
//!
//! | module | holds |
//! |---|---|
//! | `consensus` | the signing scheme: BLS12-381 threshold signatures with per-round seeds |
//! | `key` | [`ValidatorKey`], the ed25519 key naming a validator, and [`ValidatorShare`], its share of the group key |
//! | `block` | [`PlexusBlock`], the block behind Commonware's traits, with its consensus payload (glue's resharing record) decoded |
//! | `spec` | [`ChainSpec`] (genesis, epoch 0's validators, their addresses and the group key's polynomial) and the chain's signing [`namespace`](spec::namespace) |
//! | `dkg` | for glue's resharing: [`EpochSchemes`](dkg::EpochSchemes), each epoch's consensus scheme; [`FileSecretStore`](dkg::FileSecretStore), this validator's ceremony secrets; [`ChainParticipants`](dkg::ChainParticipants), each epoch's committee, from the chain |
//! | `peers` | [`PeerBook`](peers::PeerBook): each epoch's committee as p2p peers, at their addresses on chain or local ones |
//! | `finality` | finality proofs and [`FinalityVerifier`] |
//! | `core` | [`Core`]: the store, the finalized state, speculative states, the mempool and notifications; the commit path; the RPC [`Backend`](plexus_rpc_server::Backend) |
//! | `beacon` | seeds copied from consensus's certificates, for the blocks a validator proposes |
//! | `app` | the consensus application: proposals from the mempool, verification by execution |
//! | `finalizer` | [`Finalizer`], marshal's reporter, and the executor that commits finalized blocks |
//! | `gossip` | transactions submitted to one validator, batched to the others |
//! | `engine` | [`start_validator`]: one validator's consensus wired around a [`Core`] |
//! | `follow` | a follower: finalized blocks from another node's RPC, checked and committed |
//! | `metrics` | Prometheus metrics from the core's notifications |
//! | `run` | a node process: runtime, p2p network, RPC server, metrics, shutdown |
//!
//! The [`Core`] runs without consensus: consensus proposes and verifies blocks through it, the
//! finalizer and a follower commit through [`Core::commit`], and the RPC server reads it as its
//! backend. A finalized block is acknowledged to consensus only once it is durable.
//! [`start_validator`] is generic over the runtime and the network, so deterministic simulations
//! run the production wiring; a test or tool produces blocks on a bare [`Core`] with
//! [`Core::build_on_finalized`] and [`Core::commit`], the calls a proposer and the finalizer make.
//! The RPC server's end-to-end tests (`tests/rpc/`) and its `metagraph` benchmark do so here,
//! since the server's crate cannot depend on this one.
//!
//! # What this is not
//! No chain rules (those are `plexus-runtime`'s), no RPC protocol (`plexus-rpc` and
//! `plexus-rpc-server`), no command line.

mod app;
mod beacon;
pub mod block;
pub mod consensus;
mod core;
pub mod dkg;
pub mod engine;
pub mod finality;
mod finalizer;
mod follow;
mod gossip;
pub mod key;
mod metrics;
pub mod peers;
pub mod run;
pub mod spec;

pub use crate::core::{BuildError, CommitError, Core, OpenError};
pub use block::{BlockDigest, PlexusBlock};
pub use engine::{StartError, Timeouts, Timing, TimingError, ValidatorConfig, start_validator};
pub use finality::{FinalityError, FinalityVerifier};
pub use finalizer::Finalizer;
pub use key::{KeyFileError, ValidatorKey, ValidatorShare};
pub use plexus_rpc_server::{Notification, RpcConfig};
pub use run::{Beside, Role, RunConfig, RunError, run, run_until};
pub use spec::{ChainSpec, SpecError};
