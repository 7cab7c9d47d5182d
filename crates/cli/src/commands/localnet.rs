//! `plexus localnet`: a whole network on this machine (`plexus-localnet` does the work).

use anyhow::Result;
use std::process::ExitCode;

pub(crate) fn run(args: plexus_localnet::Args) -> Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(plexus_localnet::run(args))?;
    Ok(ExitCode::SUCCESS)
}
