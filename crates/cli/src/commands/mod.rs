//! Commands: each a short function over library calls, with the resolved [`Context`].

mod explorer;
mod node;
mod wallet;
mod yuma;

use crate::{
    cli::{Cli, Command, GlobalArgs},
    output::Output,
    prompt::Prompter,
};
use anyhow::Result;
use plexus_keys::Wallet;
use std::process::ExitCode;

/// What the user's flags resolve to: the wallet, how to print, how to ask for secrets.
pub(crate) struct Context {
    pub(crate) wallet: Wallet,
    pub(crate) out: Output,
    pub(crate) prompter: Prompter,
}

impl Context {
    fn resolve(global: &GlobalArgs) -> Result<Self> {
        let args = &global.wallet;
        Ok(Self {
            wallet: Wallet::new(&args.wallet_path, &args.wallet_name, &args.hotkey)?,
            out: Output::new(global.json, global.quiet),
            prompter: Prompter::new(global.no_prompt),
        })
    }
}

/// Runs the parsed command line.
pub(crate) fn run(cli: Cli) -> Result<ExitCode> {
    let ctx = Context::resolve(&cli.global)?;
    match cli.command {
        Command::Wallet(cmd) => wallet::run(cmd, &ctx),
        Command::Yuma(cmd) => yuma::run(cmd),
        Command::Node(cmd) => node::run(cmd, &ctx),
        Command::Explorer(args) => explorer::run(&args, &ctx),
    }
}
