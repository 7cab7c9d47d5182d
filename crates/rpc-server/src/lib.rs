//! Serve Plexus's JSON-RPC API from a node.
//!
//! [`RpcServer`] serves the API whose shapes, codes and client live in [`plexus_rpc`]:
//! JSON-RPC 2.0 over HTTP and WebSocket on one port, with limits on request and response size,
//! batches, connections and subscriptions, and a rate per client address. [`InProcessRpc`] serves
//! the same API without a socket, to a tool in the node's process (the explorer beside it). It reads through a
//! [`Backend`], the seam a node implements (a finalized [`Chain`](plexus_runtime::Chain)
//! snapshot, the store, the mempool, a notification channel), and checks transaction
//! signatures, in batches on a blocking thread, before the backend's mempool sees them.
//!
//! Clients never depend on this crate: the CLI, the SDK, the explorer and the subnets use
//! [`plexus_rpc`] alone, so they do not build the database or the mempool.
//!
//! The end-to-end tests of this server (every method, every subscription, every class of bad
//! input) and its `metagraph` benchmark live in `plexus-node` (`crates/node/tests/rpc/`,
//! `crates/node/benches/`): they run over the node's real core, which depends on this crate.
//!
//! # What this is not
//! No chain rules (queries call `plexus-runtime`'s accessors), no consensus, no mempool policy
//! (the [`Backend`] admits), no TLS (put a TLS proxy in front of a public node).

mod backend;
mod cache;
mod config;
mod convert;
mod edge;
mod error;
mod limit;
mod methods;
mod params;
mod queries;
mod server;
mod subscriptions;
pub mod substrate;

pub use backend::{Backend, Notification};
pub use config::{ConfigError, RpcConfig};
pub use error::ApiError;
pub use server::{InProcessRpc, RpcServer, ServerError};
