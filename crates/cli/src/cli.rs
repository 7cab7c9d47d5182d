//! What the user typed: clap definitions of every command and flag.
//!
//! No `Debug` here: arguments can hold secrets (`--mnemonic`, `--seed`).

mod chain;

pub(crate) use chain::*;
use clap::{Args, Parser, Subcommand, ValueEnum};
use plexus_keys::CryptoType;
use std::path::PathBuf;

/// Plexus: an open network for decentralized AI.
#[derive(Parser)]
#[command(name = "plexus", version, about, propagate_version = true)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Flags every command accepts.
#[derive(Args)]
pub(crate) struct GlobalArgs {
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub(crate) json: bool,
    /// Never prompt: take secrets from BT_PW_… variables or standard input, fail otherwise.
    #[arg(long, short = 'y', global = true, visible_alias = "yes")]
    pub(crate) no_prompt: bool,
    /// Print only the essential result.
    #[arg(long, short, global = true)]
    pub(crate) quiet: bool,
    /// Log debug information to standard error.
    #[arg(long, short, global = true)]
    pub(crate) verbose: bool,
    /// The node to talk to: `local` (http://127.0.0.1:9944) or its RPC URL [default: local].
    #[arg(long, global = true, env = "PLEXUS_NETWORK", value_name = "NETWORK")]
    pub(crate) network: Option<String>,
    /// Settings file (network and wallet defaults) [default: ~/.plexus/config.toml].
    #[arg(long, global = true, env = "PLEXUS_CONFIG", value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Go ahead where Plexus would refuse for safety: sign with a coldkey that other users can
    /// change, or rewrite a node's configuration on `node init` (its key and chain data are
    /// kept).
    #[arg(long, global = true)]
    pub(crate) force: bool,
    /// Act for this account as its proxy: every transaction is signed by the wallet's key and
    /// wrapped in a proxy call, and "the coldkey" of every command is this account.
    #[arg(long, global = true, value_name = "ADDRESS")]
    pub(crate) proxy_for: Option<String>,
    #[command(flatten)]
    pub(crate) wallet: WalletArgs,
}

/// Which wallet and hotkey to use; each not given comes from the settings file, then the
/// default.
#[derive(Args)]
pub(crate) struct WalletArgs {
    /// Folder holding the wallets [default: ~/.bittensor/wallets].
    #[arg(long, global = true, env = "BT_WALLET_PATH", value_name = "PATH")]
    pub(crate) wallet_path: Option<PathBuf>,
    /// Wallet (coldkey) name [default: default].
    #[arg(
        long,
        global = true,
        env = "BT_WALLET_NAME",
        visible_alias = "name",
        value_name = "NAME"
    )]
    pub(crate) wallet_name: Option<String>,
    /// Hotkey name [default: default].
    #[arg(
        long,
        global = true,
        env = "BT_WALLET_HOTKEY",
        visible_alias = "wallet-hotkey",
        value_name = "NAME"
    )]
    pub(crate) hotkey: Option<String>,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Create, restore, inspect and use wallets (coldkeys and hotkeys).
    #[command(subcommand)]
    Wallet(WalletCommand),
    /// Yuma Consensus tools for subnet designers.
    #[command(subcommand)]
    Yuma(YumaCommand),
    /// Run a Plexus node: a validator of a network, or a one-validator dev chain.
    #[command(subcommand)]
    Node(NodeCommand),
    /// Serve the web explorer for a node: blocks, accounts, subnets, metagraphs and rewards.
    Explorer(ExplorerArgs),
    /// Run a whole network here: a chain, AI subnets with miners and validators, a live view.
    Localnet(Box<plexus_localnet::Args>),
    /// Free balance and stake per subnet, valued at the current prices.
    Balance(BalanceArgs),
    /// Send TAO to another account.
    Transfer(TransferArgs),
    /// List, inspect, create, start and configure subnets.
    #[command(subcommand, visible_alias = "subnet")]
    Subnets(SubnetsCommand),
    /// Register the wallet's hotkey on a subnet, paying its registration price.
    Register(RegisterArgs),
    /// Publish a neuron's axon address.
    #[command(subcommand)]
    Axon(AxonCommand),
    /// Stake, unstake, move and list stake.
    #[command(subcommand, visible_alias = "st")]
    Stake(StakeCommand),
    /// Delegates: list them, and a hotkey's take.
    #[command(subcommand, visible_alias = "delegates")]
    Delegate(DelegateCommand),
    /// Proxies: let another key sign some calls for this wallet, and act as one.
    #[command(subcommand)]
    Proxy(ProxyCommand),
    /// Commitments: what a hotkey publishes on a subnet (a model hash, a URL) for validators.
    #[command(subcommand)]
    Commitments(CommitmentsCommand),
    /// Send several calls (JSON, from a file) in one transaction.
    Batch(BatchArgs),
    /// The root network (netuid 0): its stake and the dividends root stakers claim. Stake on
    /// root with `plexus stake add --netuid 0`.
    #[command(subcommand)]
    Root(RootCommand),
    /// Set, commit, reveal and show weights.
    #[command(subcommand, visible_alias = "wt")]
    Weights(WeightsCommand),
    /// The chain's randomness at a block, checked against the validators' group key.
    Randomness(RandomnessArgs),
    /// The settings file: default network and wallet.
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Args)]
pub(crate) struct ExplorerArgs {
    /// The node's RPC URL.
    #[arg(long, default_value = "http://127.0.0.1:9944", value_name = "URL")]
    pub(crate) rpc: String,
    /// Where the explorer listens.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    pub(crate) listen: std::net::SocketAddr,
}

#[derive(Subcommand)]
pub(crate) enum NodeCommand {
    /// Print this node's validator key (creating it if needed), to list it in a chain spec.
    Key(NodeKeyArgs),
    /// Write a chain spec for a development network of the given validators.
    Spec(NodeSpecArgs),
    /// Create a data directory: validator key, chain spec and node configuration.
    Init(NodeInitArgs),
    /// Run the node until Ctrl-C or SIGTERM.
    Run(NodeRunArgs),
    /// Announce this node as a consensus validator (signed by the wallet's coldkey, with the
    /// node key's proof), for governance to schedule; `--wait` waits until a committee has it.
    Join(NodeJoinArgs),
    /// Withdraw this node as a validator: it leaves the committees fixed from now on (a
    /// committee fixed at the next epoch's first block serves from the epoch after that).
    Leave(NodeLeaveArgs),
    /// Governance: the committee of the consensus epochs to come.
    Schedule(NodeScheduleArgs),
    /// The validator set on chain: announced validators, the schedule and the newest committee.
    Validators,
}

#[derive(Args)]
pub(crate) struct NodeJoinArgs {
    /// The node's data directory (its `node-key`).
    #[arg(long, default_value_os_t = default_data_dir(), value_name = "DIR")]
    pub(crate) data_dir: PathBuf,
    /// Where the node listens for the other validators.
    #[arg(long, value_name = "IP:PORT")]
    pub(crate) address: std::net::SocketAddr,
    /// Wait until a committee fixed on chain has this validator, and print its first epoch.
    #[arg(long)]
    pub(crate) wait: bool,
}

#[derive(Args)]
pub(crate) struct NodeLeaveArgs {
    /// The node's data directory (its `node-key`).
    #[arg(long, default_value_os_t = default_data_dir(), value_name = "DIR")]
    pub(crate) data_dir: PathBuf,
}

#[derive(Args)]
pub(crate) struct NodeScheduleArgs {
    /// An announced validator's key (hex); repeat for each member of the committee.
    #[arg(long, required = true, value_name = "HEX")]
    pub(crate) validator: Vec<String>,
}

fn default_data_dir() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default()
        .join(".plexus")
        .join("node")
}

#[derive(Args)]
pub(crate) struct NodeKeyArgs {
    /// The node's data directory.
    #[arg(long, default_value_os_t = default_data_dir(), value_name = "DIR")]
    pub(crate) data_dir: PathBuf,
}

#[derive(Args)]
pub(crate) struct RandomnessArgs {
    /// The finalized block whose beacon to show (default: the finalized head).
    #[arg(long, value_name = "HEIGHT")]
    pub(crate) height: Option<u64>,
    /// The group key to check against (hex, from the chain spec's genesis `group_key`); by
    /// default the one the node reports, which checks the node's consistency but not its word.
    #[arg(long, value_name = "HEX")]
    pub(crate) group_key: Option<String>,
}

#[derive(Args)]
pub(crate) struct NodeSpecArgs {
    /// A validator's public key (from `plexus node key`) and the address it listens on for
    /// the others (its `--listen`); repeat for each.
    #[arg(long, value_name = "KEY@IP:PORT")]
    pub(crate) validator: Vec<String>,
    /// Name of the chain; part of its genesis hash.
    #[arg(long, default_value = "plexus-local")]
    pub(crate) chain_id: String,
    /// Blocks per consensus epoch, at the end of which the validators reshare the group key
    /// (at least four per validator, and 16).
    #[arg(long, default_value_t = crate::commands::node::DEFAULT_EPOCH_LENGTH, value_name = "BLOCKS")]
    pub(crate) epoch_length: u64,
    /// Write here instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Where to write each validator's share of the group key (`KEY.share`, readable only by
    /// you): hand each file privately to its validator, for `plexus node init --share`.
    #[arg(long, value_name = "DIR")]
    pub(crate) shares_dir: PathBuf,
}

#[derive(Args)]
pub(crate) struct NodeInitArgs {
    /// The node's data directory.
    #[arg(long, default_value_os_t = default_data_dir(), value_name = "DIR")]
    pub(crate) data_dir: PathBuf,
    /// The network's chain spec (genesis and validators).
    #[arg(long, value_name = "FILE")]
    pub(crate) chain_spec: Option<PathBuf>,
    /// A one-validator development chain with funded dev accounts (//Alice … //Ferdie).
    #[arg(long)]
    pub(crate) dev: bool,
    /// This validator's share of the group key, as written by `plexus node spec`.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["dev", "follow"])]
    pub(crate) share: Option<PathBuf>,
    /// Where peers connect.
    #[arg(long, default_value = "127.0.0.1:30400", value_name = "HOST:PORT")]
    pub(crate) listen: std::net::SocketAddr,
    /// A validator to reach at another address than the chain spec's, as PUBLIC_KEY@HOST:PORT;
    /// repeat for each.
    #[arg(long, value_name = "KEY@HOST:PORT")]
    pub(crate) peer: Vec<String>,
    /// Run as a follower of the node whose RPC is at URL: keep and serve the whole chain,
    /// checking every block against the validators' signatures, without voting.
    #[arg(long, value_name = "URL", conflicts_with_all = ["dev", "peer"])]
    pub(crate) follow: Option<String>,
    /// Where the JSON-RPC server listens.
    #[arg(long, default_value = "127.0.0.1:9944", value_name = "HOST:PORT")]
    pub(crate) rpc: std::net::SocketAddr,
    /// Where Prometheus metrics are served.
    #[arg(long, value_name = "HOST:PORT")]
    pub(crate) metrics: Option<std::net::SocketAddr>,
    /// Target block time while idle, in milliseconds (blocks come at once when there is work).
    #[arg(long, default_value_t = 1000, value_name = "MS")]
    pub(crate) block_time_ms: u64,
    #[command(flatten)]
    pub(crate) timeouts: TimeoutArgs,
    /// Keep the state of every height, not only the last 256.
    #[arg(long)]
    pub(crate) archive: bool,
}

#[derive(Args)]
pub(crate) struct NodeRunArgs {
    /// The node's data directory.
    #[arg(long, default_value_os_t = default_data_dir(), value_name = "DIR")]
    pub(crate) data_dir: PathBuf,
    /// Create a one-validator development chain in the data directory if it has none.
    #[arg(long)]
    pub(crate) dev: bool,
    /// Override where peers connect.
    #[arg(long, value_name = "HOST:PORT")]
    pub(crate) listen: Option<std::net::SocketAddr>,
    /// Override where the JSON-RPC server listens.
    #[arg(long, value_name = "HOST:PORT")]
    pub(crate) rpc: Option<std::net::SocketAddr>,
    /// Override where Prometheus metrics are served.
    #[arg(long, value_name = "HOST:PORT")]
    pub(crate) metrics: Option<std::net::SocketAddr>,
    /// Override the idle block time, in milliseconds.
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) block_time_ms: Option<u64>,
    /// Timeouts given here override those in node.json.
    #[command(flatten)]
    pub(crate) timeouts: TimeoutArgs,
    /// Also serve the web explorer for this node at HOST:PORT.
    #[arg(long, value_name = "HOST:PORT")]
    pub(crate) explorer: Option<std::net::SocketAddr>,
    /// Where the Substrate-compatible JSON-RPC listens, for Bittensor's Python SDK and btcli
    /// (`docs/substrate-compat.md`); its limits are the JSON-RPC server's.
    #[arg(long, default_value = "127.0.0.1:9945", value_name = "HOST:PORT")]
    pub(crate) substrate_rpc: std::net::SocketAddr,
    /// Do not serve the Substrate-compatible JSON-RPC.
    #[arg(long, conflicts_with = "substrate_rpc")]
    pub(crate) no_substrate_rpc: bool,
    /// RPC requests per second allowed from one client address (bursts of twice that).
    #[arg(long, default_value_t = 500, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) rpc_rate: u32,
    /// Open RPC connections allowed in all (HTTP keep-alives and WebSockets); more are answered
    /// 503 and closed.
    #[arg(long, default_value_t = 256, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) rpc_max_connections: u32,
    /// Open RPC connections allowed from one client address; more are answered 429 and closed.
    #[arg(long, default_value_t = 32, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) rpc_max_connections_per_address: u32,
}

/// Consensus timeouts; each one not given is derived from the block time.
#[derive(Args, Clone, Copy)]
pub(crate) struct TimeoutArgs {
    /// How long validators wait for a leader's proposal before voting to skip its view, in
    /// milliseconds; above the block time [default: block time + 1000].
    #[arg(long, value_name = "MS")]
    pub(crate) leader_timeout_ms: Option<u64>,
    /// How long validators wait for a proposal to be certified before voting to skip its view,
    /// in milliseconds; above the leader timeout [default: leader timeout + 1000].
    #[arg(long, value_name = "MS")]
    pub(crate) certification_timeout_ms: Option<u64>,
    /// How often a validator stuck in a view re-sends its vote to skip it, in milliseconds
    /// [default: 3000].
    #[arg(long, value_name = "MS")]
    pub(crate) timeout_retry_ms: Option<u64>,
}

#[derive(Subcommand)]
pub(crate) enum YumaCommand {
    /// Replay a yuma-scenario/1 file: one JSON line per epoch step (or a table per epoch).
    Replay(ReplayArgs),
}

#[derive(Args)]
pub(crate) struct ReplayArgs {
    /// The scenario file.
    pub(crate) scenario: PathBuf,
    /// Print a readable table per epoch instead of JSON lines.
    #[arg(long)]
    pub(crate) table: bool,
}

#[derive(Subcommand)]
pub(crate) enum WalletCommand {
    /// Create a wallet: a new coldkey (encrypted) and a new hotkey.
    Create(NewKeyArgs),
    /// Create a new coldkey (encrypted unless --no-password).
    NewColdkey(NewKeyArgs),
    /// Create a new hotkey (plain unless --use-password).
    NewHotkey(NewKeyArgs),
    /// Restore a coldkey from its mnemonic, seed or secret URI.
    RegenColdkey(RegenArgs),
    /// Restore only the coldkey's public file, from an address or public key.
    RegenColdkeypub(RegenPubArgs),
    /// Restore a hotkey from its mnemonic, seed or secret URI.
    RegenHotkey(RegenArgs),
    /// List the wallets and their hotkeys with addresses.
    List,
    /// Show one wallet: addresses, key types, encryption.
    Show(ShowArgs),
    /// Sign a message with the coldkey (or the hotkey).
    Sign(SignArgs),
    /// Verify a signature of a message.
    Verify(VerifyArgs),
    /// Describe the wallet's coldkey to stakers on chain (the coldkey signs).
    SetIdentity(SetIdentityArgs),
    /// Show how a coldkey describes itself (default: the wallet's).
    GetIdentity(GetIdentityArgs),
    /// Move everything the wallet's hotkey holds (seats, stake, children, takes, root
    /// dividends) to another hotkey, on every subnet or one; the coldkey signs and pays the
    /// chain's cost.
    SwapHotkey(SwapHotkeyArgs),
    /// Move everything the wallet's coldkey owns to a new coldkey: announce, wait, execute.
    #[command(subcommand)]
    SwapColdkey(SwapColdkeyCommand),
}

#[derive(Subcommand)]
pub(crate) enum SwapColdkeyCommand {
    /// Announce the new coldkey (0.1 τ burned the first time); until the swap is made or
    /// cleared the wallet's coldkey can do nothing else.
    Announce(NewColdkeyArgs),
    /// After the delay: move everything to the coldkey announced.
    Execute(NewColdkeyArgs),
    /// Someone else announced a swap with this key: freeze it until governance looks.
    Dispute,
    /// Withdraw the announcement (after the delays).
    Clear,
    /// A coldkey's announced swap (default: the wallet's).
    Status(GetIdentityArgs),
}

#[derive(Args)]
pub(crate) struct NewColdkeyArgs {
    /// The new coldkey's SS58 address.
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) new_coldkey_ss58: String,
}

#[derive(Args)]
pub(crate) struct SwapHotkeyArgs {
    /// The hotkey taking its place: a hotkey name in this wallet, or an SS58 address.
    pub(crate) new_hotkey: String,
    /// Only on this subnet (the old hotkey keeps the rest).
    #[arg(long)]
    pub(crate) netuid: Option<u16>,
}

/// Signature scheme names on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum CryptoArg {
    Sr25519,
    Ed25519,
}

impl From<CryptoArg> for CryptoType {
    fn from(arg: CryptoArg) -> Self {
        match arg {
            CryptoArg::Sr25519 => CryptoType::Sr25519,
            CryptoArg::Ed25519 => CryptoType::Ed25519,
        }
    }
}

/// Options of commands that write a key.
#[derive(Args)]
pub(crate) struct WriteArgs {
    /// Replace keys that already exist (their old secrets are lost unless backed up).
    #[arg(long)]
    pub(crate) overwrite: bool,
    /// Store the coldkey unencrypted (not recommended).
    #[arg(long, conflicts_with = "use_password")]
    pub(crate) no_password: bool,
    /// Encrypt the hotkey with a password too.
    #[arg(long)]
    pub(crate) use_password: bool,
    /// Signature scheme of the new key.
    #[arg(long, value_enum, default_value = "sr25519")]
    pub(crate) crypto_type: CryptoArg,
}

#[derive(Args)]
pub(crate) struct NewKeyArgs {
    /// Words in the new mnemonic: 12, 15, 18, 21 or 24.
    #[arg(long, default_value_t = 12, value_parser = parse_word_count)]
    pub(crate) n_words: usize,
    #[command(flatten)]
    pub(crate) write: WriteArgs,
}

fn parse_word_count(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if plexus_keys::WORD_COUNTS.contains(&n) => Ok(n),
        _ => Err("a mnemonic has 12, 15, 18, 21 or 24 words".into()),
    }
}

#[derive(Args)]
#[group(id = "source", multiple = false)]
pub(crate) struct RegenArgs {
    /// The mnemonic (quote it, or give the words separately). Prompted for if no source is given.
    #[arg(long, num_args = 1.., value_name = "WORDS", group = "source")]
    pub(crate) mnemonic: Option<Vec<String>>,
    /// The 32-byte seed as 0x-prefixed hex.
    #[arg(long, value_name = "HEX", group = "source")]
    pub(crate) seed: Option<String>,
    /// A secret URI such as //Alice (development keys).
    #[arg(long, value_name = "URI", group = "source")]
    pub(crate) uri: Option<String>,
    #[command(flatten)]
    pub(crate) write: WriteArgs,
}

#[derive(Args)]
#[group(id = "public", multiple = false, required = true)]
pub(crate) struct RegenPubArgs {
    /// The coldkey's SS58 address.
    #[arg(long, value_name = "ADDRESS", group = "public")]
    pub(crate) ss58: Option<String>,
    /// The coldkey's public key as 0x-prefixed hex.
    #[arg(long, value_name = "HEX", group = "public")]
    pub(crate) public_key: Option<String>,
    /// Signature scheme of the key.
    #[arg(long, value_enum, default_value = "sr25519")]
    pub(crate) crypto_type: CryptoArg,
    /// Replace an existing coldkeypub.txt.
    #[arg(long)]
    pub(crate) overwrite: bool,
}

#[derive(Args)]
pub(crate) struct ShowArgs {
    /// Also decrypt and print the coldkey's mnemonic (or the hotkey's, with --use-hotkey).
    #[arg(long)]
    pub(crate) reveal_mnemonic: bool,
    /// With --reveal-mnemonic: the hotkey's instead of the coldkey's.
    #[arg(long, requires = "reveal_mnemonic")]
    pub(crate) use_hotkey: bool,
}

/// How a message is given.
#[derive(Args)]
pub(crate) struct MessageArgs {
    /// The message (UTF-8 text, or hex bytes with --hex).
    #[arg(long, short)]
    pub(crate) message: String,
    /// The message is 0x-prefixed or bare hex bytes.
    #[arg(long)]
    pub(crate) hex: bool,
}

#[derive(Args)]
pub(crate) struct SignArgs {
    #[command(flatten)]
    pub(crate) message: MessageArgs,
    /// Sign with the hotkey instead of the coldkey.
    #[arg(long)]
    pub(crate) use_hotkey: bool,
}

#[derive(Args)]
pub(crate) struct VerifyArgs {
    #[command(flatten)]
    pub(crate) message: MessageArgs,
    /// The signature as hex (64 bytes).
    #[arg(long, short)]
    pub(crate) signature: String,
    /// The signer's SS58 address or 0x public key; default: the wallet's coldkey (or hotkey).
    #[arg(long, short)]
    pub(crate) address: Option<String>,
    /// With no --address: the wallet's hotkey instead of its coldkey.
    #[arg(long, conflicts_with = "address")]
    pub(crate) use_hotkey: bool,
    /// Signature scheme, when --address is given.
    #[arg(long, value_enum, default_value = "sr25519")]
    pub(crate) crypto_type: CryptoArg,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn test_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn test_bad_word_count_rejected() {
        let Err(err) = Cli::try_parse_from(["plexus", "wallet", "create", "--n-words", "13"])
        else {
            panic!("13 words accepted");
        };
        assert!(err.to_string().contains("12, 15, 18, 21 or 24"));
    }

    #[test]
    fn test_regen_sources_are_exclusive() {
        let args = [
            "plexus",
            "wallet",
            "regen-coldkey",
            "--seed",
            "0x00",
            "--uri",
            "//Alice",
        ];
        assert!(Cli::try_parse_from(args).is_err());
    }
}
