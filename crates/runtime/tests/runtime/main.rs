//! The runtime's behaviour, driven through signed transactions and built blocks.

// Test helpers outside #[test] functions panic on purpose when the chain misbehaves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

mod blocks;
mod children;
mod commitments;
mod economics;
mod kinds;
mod properties;
mod proxy;
mod root;
mod staking;
mod subnets;
mod substrate;
mod swap;
mod timelock;
mod transactions;
mod validators;
mod weights;
