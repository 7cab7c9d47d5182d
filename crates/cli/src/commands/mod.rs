//! Commands: each a short function over library calls, with the resolved [`Context`].

mod balance;
mod children;
mod commitments;
mod config;
mod explorer;
mod identity;
mod localnet;
mod net;
pub(crate) mod node;
mod proxy;
mod randomness;
mod root;
mod stake;
mod subnets;
mod wallet;
mod weights;
mod yuma;

use crate::{
    cli::{default_config_path, Cli, Command, GlobalArgs, NodeCommand},
    config::{network_url, Settings},
    output::Output,
    prompt::Prompter,
};
use anyhow::Result;
use plexus_keys::{wallet as keys_wallet, Wallet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What the user's flags resolve to: the wallet, the node, how to print, how to ask.
pub(crate) struct Context {
    pub(crate) wallet: Wallet,
    pub(crate) out: Output,
    pub(crate) prompter: Prompter,
    /// The node's RPC URL.
    pub(crate) url: String,
    /// The settings file in use.
    pub(crate) config_path: PathBuf,
    /// `--force`: go ahead where the CLI would refuse for safety.
    pub(crate) force: bool,
    /// `--proxy-for`: the account this wallet acts for as its proxy.
    pub(crate) proxy_for: Option<plexus_primitives::AccountId>,
}

impl Context {
    fn resolve(global: &GlobalArgs) -> Result<Self> {
        let config_path = global.config.clone().unwrap_or_else(default_config_path);
        let settings = Settings::load(&config_path, global.config.is_some())?;
        let args = &global.wallet;
        let wallet_path = args
            .wallet_path
            .clone()
            .or(settings.wallet_path)
            .unwrap_or_else(|| PathBuf::from(keys_wallet::DEFAULT_WALLET_PATH));
        let wallet_name = args
            .wallet_name
            .clone()
            .or(settings.wallet_name)
            .unwrap_or_else(|| keys_wallet::DEFAULT_WALLET_NAME.into());
        let hotkey = args
            .hotkey
            .clone()
            .or(settings.wallet_hotkey)
            .unwrap_or_else(|| keys_wallet::DEFAULT_HOTKEY.into());
        let network = global
            .network
            .clone()
            .or(settings.network)
            .unwrap_or_else(|| "local".into());
        Ok(Self {
            wallet: Wallet::new(Path::new(&wallet_path), &wallet_name, &hotkey)?,
            out: Output::new(global.json, global.quiet),
            prompter: Prompter::new(global.no_prompt),
            url: network_url(&network)?,
            config_path,
            force: global.force,
            proxy_for: global
                .proxy_for
                .as_deref()
                .map(|text| net::parse_address(text, "--proxy-for"))
                .transpose()?,
        })
    }
}

/// Runs the parsed command line.
pub(crate) fn run(cli: Cli) -> Result<ExitCode> {
    let ctx = Context::resolve(&cli.global)?;
    match cli.command {
        Command::Wallet(cmd) => wallet::run(cmd, &ctx),
        Command::Yuma(cmd) => yuma::run(cmd),
        Command::Node(NodeCommand::Join(args)) => net::block_on(node::join(&ctx, &args)),
        Command::Node(NodeCommand::Leave(args)) => net::block_on(node::leave(&ctx, &args)),
        Command::Node(NodeCommand::Schedule(args)) => net::block_on(node::schedule(&ctx, &args)),
        Command::Node(NodeCommand::Validators) => net::block_on(node::validators(&ctx)),
        Command::Node(cmd) => node::run(cmd, &ctx),
        Command::Explorer(args) => explorer::run(&args, &ctx),
        Command::Localnet(args) => localnet::run(*args),
        Command::Config(cmd) => config::run(cmd, &ctx),
        Command::Balance(args) => net::block_on(balance::balance(&ctx, args)),
        Command::Transfer(args) => net::block_on(balance::transfer(&ctx, args)),
        Command::Subnets(cmd) => net::block_on(subnets::run(&ctx, cmd)),
        Command::Register(args) => net::block_on(subnets::register(&ctx, args)),
        Command::Axon(cmd) => net::block_on(subnets::axon(&ctx, cmd)),
        Command::Stake(cmd) => net::block_on(stake::run(&ctx, cmd)),
        Command::Delegate(cmd) => net::block_on(stake::delegate(&ctx, cmd)),
        Command::Root(cmd) => net::block_on(root::run(&ctx, cmd)),
        Command::Proxy(cmd) => net::block_on(proxy::run(&ctx, cmd)),
        Command::Batch(args) => net::block_on(proxy::batch(&ctx, &args)),
        Command::Commitments(cmd) => net::block_on(commitments::run(&ctx, cmd)),
        Command::Weights(cmd) => net::block_on(weights::run(&ctx, cmd)),
        Command::Randomness(args) => randomness::run(&ctx, &args),
    }
}
