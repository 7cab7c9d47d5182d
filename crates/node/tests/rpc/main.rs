//! The RPC server and client end to end: the node's own core behind the server (blocks produced
//! through its proposer and finalizer calls, without consensus), the real client on loopback.
//! They live in `plexus-node` because the server's crate cannot depend on the node's.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bad_input;
mod calls;
mod harness;
mod in_process;
mod subscriptions;
mod substrate;
