//! Integration tests of the `plexus` binary: one test binary, one module per area.

// Helpers outside `#[test]` functions panic on failure too: that is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod chain;
mod hostile;
mod localnet;
mod node;
mod python_interop;
mod substrate_python;
mod terminal;
mod util;
mod wallet;
mod yuma;
