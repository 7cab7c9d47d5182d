//! The RPC server and client end to end: a real node's parts behind the server, the real client
//! on loopback.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bad_input;
mod calls;
mod harness;
mod subscriptions;
