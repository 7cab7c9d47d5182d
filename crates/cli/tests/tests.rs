//! Integration tests of the `plexus` binary: one test binary, one module per area.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod python_interop;
mod util;
mod wallet;
