//! The commands that talk to a node: balances, transfers, subnets, registration, axons,
//! staking, delegate takes and weights.

use crate::units;
use clap::{Args, Subcommand, ValueEnum};
use plexus_primitives::Balance;
use std::net::IpAddr;
use std::path::PathBuf;

fn tokens(text: &str) -> Result<Balance, String> {
    units::parse_tokens(text)
}

fn proportion(text: &str) -> Result<u64, String> {
    units::parse_ppm(text)
}

#[derive(Args)]
pub(crate) struct BalanceArgs {
    /// Addresses to show instead of the wallet's coldkey; repeat for several.
    #[arg(long, value_name = "ADDRESS", visible_alias = "ss58-address")]
    pub(crate) ss58: Vec<String>,
    /// Every wallet under --wallet-path.
    #[arg(long, conflicts_with = "ss58")]
    pub(crate) all: bool,
}

#[derive(Args)]
pub(crate) struct TransferArgs {
    /// The recipient's SS58 address.
    #[arg(long, visible_alias = "destination", value_name = "ADDRESS")]
    pub(crate) dest: String,
    /// TAO to send, e.g. 1.5.
    #[arg(long, value_parser = tokens, value_name = "TAO", required_unless_present = "all")]
    pub(crate) amount: Option<Balance>,
    /// Send the whole free balance (less the existential deposit unless --allow-death).
    #[arg(long, conflicts_with = "amount")]
    pub(crate) all: bool,
    /// Allow the sender's balance to fall below the existential deposit (the account is then
    /// removed and its dust burned).
    #[arg(long)]
    pub(crate) allow_death: bool,
}

#[derive(Subcommand)]
pub(crate) enum SubnetsCommand {
    /// Every subnet: netuid, name, price, emission share, tempo, neurons, owner.
    List,
    /// A subnet's metagraph: one row per neuron.
    #[command(visible_alias = "metagraph")]
    Show(ShowSubnetArgs),
    /// Register a new subnet (shows the lock cost and asks first).
    Create(CreateSubnetArgs),
    /// Start a subnet's emission (owner).
    Start(NetuidArgs),
    /// A subnet's hyperparameters.
    #[command(visible_alias = "hparams")]
    Hyperparameters(NetuidArgs),
    /// Change one hyperparameter (owner).
    Set(SetHyperparameterArgs),
    /// A subnet's pool: reserves, price, and what a swap would give.
    Price(PriceArgs),
    /// What registering a subnet locks now.
    BurnCost,
    /// Register a hotkey on a subnet (same as `plexus register`).
    Register(RegisterArgs),
    /// Describe a subnet (owner): name, repository, contact, links; fields not given are left
    /// empty.
    SetIdentity(SubnetIdentityArgs),
    /// A subnet's identity and token symbol.
    GetIdentity(NetuidArgs),
    /// Give the subnet's token another symbol from the table (owner); one no other subnet uses.
    SetSymbol(SetSymbolArgs),
}

/// A subnet's identity, with `btcli subnets set-identity`'s flags.
#[derive(Args)]
pub(crate) struct SubnetIdentityArgs {
    /// The subnet.
    #[arg(long, visible_alias = "subnet")]
    pub(crate) netuid: u16,
    /// Its name (up to 256 bytes).
    #[arg(long = "subnet-name", default_value = "", value_name = "NAME")]
    pub(crate) name: String,
    /// Source repository (up to 1024 bytes).
    #[arg(long = "github-repo", default_value = "", value_name = "URL")]
    pub(crate) github_repo: String,
    /// How to reach the owner (up to 1024 bytes).
    #[arg(long = "subnet-contact", default_value = "", value_name = "CONTACT")]
    pub(crate) contact: String,
    /// Web site (up to 1024 bytes).
    #[arg(long = "subnet-url", default_value = "", value_name = "URL")]
    pub(crate) url: String,
    /// Discord handle or invite (up to 256 bytes).
    #[arg(long = "discord-handle", visible_alias = "discord", default_value = "")]
    pub(crate) discord: String,
    /// What the subnet does (up to 1024 bytes).
    #[arg(long, default_value = "")]
    pub(crate) description: String,
    /// Logo address (up to 1024 bytes).
    #[arg(long = "logo-url", default_value = "", value_name = "URL")]
    pub(crate) logo_url: String,
    /// Anything else (up to 1024 bytes).
    #[arg(
        long = "additional-info",
        visible_alias = "additional",
        default_value = ""
    )]
    pub(crate) additional: String,
}

#[derive(Args)]
pub(crate) struct SetSymbolArgs {
    /// The subnet.
    #[arg(long, visible_alias = "subnet")]
    pub(crate) netuid: u16,
    /// The symbol (one of the table's, e.g. β or ש).
    pub(crate) symbol: String,
}

#[derive(Args)]
pub(crate) struct NetuidArgs {
    /// The subnet.
    #[arg(long, visible_alias = "subnet")]
    pub(crate) netuid: u16,
}

/// Metagraph columns to sort by.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SortKey {
    Uid,
    Stake,
    Emission,
    Incentive,
    Dividends,
    Consensus,
    Trust,
    Updated,
}

#[derive(Args)]
pub(crate) struct ShowSubnetArgs {
    /// The subnet.
    #[arg(long, visible_alias = "subnet")]
    pub(crate) netuid: u16,
    /// Sort by this column (largest first, except uid).
    #[arg(long, value_enum, default_value = "uid")]
    pub(crate) sort: SortKey,
    /// Reverse the order.
    #[arg(long)]
    pub(crate) reverse: bool,
    /// Only this uid; repeat for several.
    #[arg(long)]
    pub(crate) uid: Vec<u16>,
    /// Only this hotkey (SS58 address, or a prefix of one); repeat for several.
    #[arg(long = "hotkey-ss58", value_name = "ADDRESS")]
    pub(crate) hotkey: Vec<String>,
}

#[derive(Args)]
pub(crate) struct CreateSubnetArgs {
    /// The subnet's name (its identity; set in a second transaction).
    #[arg(long = "subnet-name", value_name = "NAME")]
    pub(crate) name: Option<String>,
    /// Refuse if the lock cost is above this many TAO.
    #[arg(long, value_parser = tokens, value_name = "TAO")]
    pub(crate) max_cost: Option<Balance>,
}

#[derive(Args)]
pub(crate) struct SetHyperparameterArgs {
    /// The subnet.
    #[arg(long, visible_alias = "subnet")]
    pub(crate) netuid: u16,
    /// The parameter, as `plexus subnets hyperparameters` names it (e.g. tempo, commit_reveal).
    #[arg(long)]
    pub(crate) param: String,
    /// The new value: a number, true/false, or for alpha_values `LOW,HIGH`.
    #[arg(long)]
    pub(crate) value: String,
}

#[derive(Args)]
pub(crate) struct PriceArgs {
    /// The subnet.
    #[arg(long, visible_alias = "subnet")]
    pub(crate) netuid: u16,
    /// Simulate staking this many TAO.
    #[arg(long, value_parser = tokens, value_name = "TAO", conflicts_with = "sell")]
    pub(crate) buy: Option<Balance>,
    /// Simulate unstaking this much alpha.
    #[arg(long, value_parser = tokens, value_name = "ALPHA")]
    pub(crate) sell: Option<Balance>,
}

#[derive(Args)]
pub(crate) struct RegisterArgs {
    /// The subnet.
    #[arg(long, visible_alias = "subnet")]
    pub(crate) netuid: u16,
    /// Refuse if the registration price is above this many TAO.
    #[arg(long, value_parser = tokens, value_name = "TAO")]
    pub(crate) max_cost: Option<Balance>,
}

#[derive(Subcommand)]
pub(crate) enum AxonCommand {
    /// Publish where the wallet's hotkey serves on a subnet (signed by the hotkey, free).
    #[command(visible_alias = "set")]
    Serve(AxonServeArgs),
}

#[derive(Args)]
pub(crate) struct AxonServeArgs {
    /// The subnet.
    #[arg(long, visible_alias = "subnet")]
    pub(crate) netuid: u16,
    /// The public IP address (IPv4 or IPv6).
    #[arg(long)]
    pub(crate) ip: IpAddr,
    /// The port.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub(crate) port: u16,
    /// The wire protocol number.
    #[arg(long, default_value_t = 4)]
    pub(crate) protocol: u8,
    /// The software version the axon runs.
    #[arg(long = "axon-version", default_value_t = 1, value_name = "N")]
    pub(crate) axon_version: u32,
}

/// Price protection for a swap through a subnet's pool.
#[derive(Args)]
pub(crate) struct SlippageArgs {
    /// How far the price may move against you, as a fraction (0.005) or percentage (0.5%).
    #[arg(long, visible_alias = "rate-tolerance", value_parser = proportion, default_value = "0.005")]
    pub(crate) tolerance: u64,
    /// No price limit: take whatever the pool gives.
    #[arg(long = "unsafe", visible_alias = "no-safe-staking")]
    pub(crate) unsafe_: bool,
    /// With a price limit, fill what fits within it instead of all or nothing.
    #[arg(long, visible_alias = "allow-partial")]
    pub(crate) partial: bool,
}

#[derive(Subcommand)]
pub(crate) enum StakeCommand {
    /// Stake TAO through a hotkey on a subnet (buys the subnet's alpha).
    Add(StakeAddArgs),
    /// Unstake alpha (sells it for TAO).
    Remove(StakeRemoveArgs),
    /// Move stake to another hotkey and/or subnet.
    Move(StakeMoveArgs),
    /// Give stake to another coldkey.
    Transfer(StakeTransferArgs),
    /// Move stake to another subnet on the same hotkey.
    Swap(StakeSwapArgs),
    /// Every stake of the wallet's coldkey, per hotkey and subnet, valued in TAO.
    List(StakeListArgs),
    /// Child hotkeys: lend a hotkey's stake weight on a subnet to other hotkeys.
    #[command(subcommand, visible_alias = "children")]
    Child(ChildCommand),
}

#[derive(Subcommand)]
pub(crate) enum ChildCommand {
    /// A hotkey's children, parents, pending children and take on a subnet.
    Get(ChildHotkeyArgs),
    /// Make hotkeys children of the wallet's hotkey (or --hotkey-ss58) on a subnet, each with a
    /// proportion of its stake weight; they take effect at the subnet's first epoch after the
    /// chain's cooldown.
    Set(ChildSetArgs),
    /// Remove every child of the hotkey on the subnet (after the same cooldown).
    Revoke(ChildHotkeyArgs),
    /// Show a child hotkey's take of its parents' dividends, or set it with --take.
    Take(ChildTakeArgs),
}

#[derive(Args)]
pub(crate) struct ChildHotkeyArgs {
    /// The subnet.
    #[arg(long, visible_alias = "subnet")]
    pub(crate) netuid: u16,
    /// The hotkey (default: the wallet's hotkey).
    #[arg(long, visible_alias = "hotkey-ss58-address", value_name = "ADDRESS")]
    pub(crate) hotkey_ss58: Option<String>,
}

#[derive(Args)]
pub(crate) struct ChildSetArgs {
    #[command(flatten)]
    pub(crate) parent: ChildHotkeyArgs,
    /// The child hotkeys, comma-separated or repeated (at most 5).
    #[arg(long, value_name = "ADDRESS", value_delimiter = ',', required = true)]
    pub(crate) children: Vec<String>,
    /// Each child's proportion, as fractions (0.25) or percentages (25%), in the same order;
    /// together at most 1.
    #[arg(long, value_parser = proportion, value_delimiter = ',', required = true)]
    pub(crate) proportions: Vec<u64>,
}

#[derive(Args)]
pub(crate) struct ChildTakeArgs {
    #[command(flatten)]
    pub(crate) child: ChildHotkeyArgs,
    /// The new take, as a fraction (0.09) or percentage (9%); at most 18%.
    #[arg(long, value_parser = proportion)]
    pub(crate) take: Option<u64>,
}

#[derive(Subcommand)]
pub(crate) enum CommitmentsCommand {
    /// Publish a commitment for the wallet's hotkey on a subnet (free; replaces its last).
    Set(CommitmentSetArgs),
    /// The commitments on a subnet: every hotkey's, or one's.
    Get(CommitmentGetArgs),
}

#[derive(Args)]
pub(crate) struct CommitmentSetArgs {
    /// The subnet.
    #[arg(long, visible_alias = "subnet")]
    pub(crate) netuid: u16,
    /// Text (up to 512 bytes), such as a model's address.
    #[arg(long)]
    pub(crate) data: Option<String>,
    /// A SHA-256 hash (64 hex digits, 0x optional), such as a model file's.
    #[arg(long, value_name = "HEX")]
    pub(crate) sha256: Option<String>,
    /// Ask the subnet to clear the bonds validators hold toward this hotkey (when the subnet's
    /// `bonds_reset` is on), as when publishing a new model.
    #[arg(long)]
    pub(crate) reset_bonds: bool,
}

#[derive(Args)]
pub(crate) struct CommitmentGetArgs {
    /// The subnet.
    #[arg(long, visible_alias = "subnet")]
    pub(crate) netuid: u16,
    /// Only this hotkey's.
    #[arg(long, visible_alias = "hotkey-ss58-address", value_name = "ADDRESS")]
    pub(crate) hotkey_ss58: Option<String>,
}

#[derive(Subcommand)]
pub(crate) enum ProxyCommand {
    /// Let `--delegate` sign calls of `--type` for the wallet's coldkey (reserves a deposit).
    Add(ProxyArgs),
    /// Remove one proxy (as added), or all of them with --all.
    Remove(ProxyRemoveArgs),
    /// An account's proxies, the accounts it is a proxy of, and its pending announcements.
    List(ProxyListArgs),
    /// As a delayed proxy: announce a call (JSON file) to make for --real after the delay.
    Announce(ProxyAnnounceArgs),
    /// Make a call a delayed proxy announced, once its delay has passed.
    Execute(ProxyExecuteArgs),
    /// As the real account: veto a call a delegate announced.
    Reject(ProxyRejectArgs),
    /// Create a keyless account whose only proxy is the wallet's coldkey; prints its address
    /// and what `kill-pure` needs.
    CreatePure(PureArgs),
    /// Remove a keyless account made with `create-pure` (its funds are lost: empty it first).
    KillPure(KillPureArgs),
}

#[derive(Args)]
pub(crate) struct PureArgs {
    /// What the wallet may do for it.
    #[arg(long = "type", value_enum, default_value = "any")]
    pub(crate) proxy_type: ProxyKind,
    /// Announcement delay, blocks.
    #[arg(long, default_value_t = 0)]
    pub(crate) delay: u64,
    /// Tells apart several created in one transaction.
    #[arg(long, default_value_t = 0)]
    pub(crate) index: u16,
}

#[derive(Args)]
pub(crate) struct KillPureArgs {
    /// The pure account.
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) pure: String,
    /// The type it was created with.
    #[arg(long = "type", value_enum, default_value = "any")]
    pub(crate) proxy_type: ProxyKind,
    /// Its index.
    #[arg(long, default_value_t = 0)]
    pub(crate) index: u16,
    /// The block it was created in.
    #[arg(long)]
    pub(crate) height: u64,
    /// The position of the creating transaction in that block.
    #[arg(long)]
    pub(crate) ext_index: u32,
}

/// The kinds of proxies.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ProxyKind {
    /// Everything.
    Any,
    /// Subnet owner calls.
    Owner,
    /// Everything but registrations and governance.
    NonCritical,
    /// Everything that moves no funds to another coldkey.
    NonTransfer,
    /// Staking.
    Staking,
    /// Registering neurons.
    Registration,
    /// Transfers.
    Transfer,
    /// Transfers below 0.5 TAO.
    SmallTransfer,
    /// Child hotkeys and their takes.
    ChildKeys,
    /// Claiming root dividends.
    RootClaim,
}

#[derive(Args)]
pub(crate) struct ProxyArgs {
    /// The proxy's address.
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) delegate: String,
    /// What it may do.
    #[arg(long = "type", value_enum)]
    pub(crate) proxy_type: ProxyKind,
    /// Blocks between announcing a call and making it (0: none).
    #[arg(long, default_value_t = 0)]
    pub(crate) delay: u64,
}

#[derive(Args)]
pub(crate) struct ProxyRemoveArgs {
    /// The proxy's address.
    #[arg(long, value_name = "ADDRESS", required_unless_present = "all")]
    pub(crate) delegate: Option<String>,
    /// What it may do.
    #[arg(long = "type", value_enum, required_unless_present = "all")]
    pub(crate) proxy_type: Option<ProxyKind>,
    /// Its delay.
    #[arg(long, default_value_t = 0)]
    pub(crate) delay: u64,
    /// Every proxy of the wallet's coldkey.
    #[arg(long, conflicts_with_all = ["delegate", "proxy_type"])]
    pub(crate) all: bool,
}

#[derive(Args)]
pub(crate) struct ProxyListArgs {
    /// The account (default: the wallet's coldkey).
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) ss58: Option<String>,
}

#[derive(Args)]
pub(crate) struct ProxyAnnounceArgs {
    /// The account the call is for.
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) real: String,
    /// The call, as JSON (`{"call": "transfer_keep_alive", "dest": "5…", "value": 1000}`).
    #[arg(long, value_name = "FILE")]
    pub(crate) call_file: PathBuf,
}

#[derive(Args)]
pub(crate) struct ProxyExecuteArgs {
    /// The delegate that announced it.
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) delegate: String,
    /// The account the call is for.
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) real: String,
    /// The call announced, as JSON.
    #[arg(long, value_name = "FILE")]
    pub(crate) call_file: PathBuf,
}

#[derive(Args)]
pub(crate) struct ProxyRejectArgs {
    /// The delegate that announced it.
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) delegate: String,
    /// The announced call's hash (0x…).
    #[arg(long, value_name = "HASH")]
    pub(crate) call_hash: String,
}

/// How a batch treats a failing call.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum BatchKind {
    /// Stop at the first failure; the calls before it stay done.
    Stop,
    /// All or nothing.
    All,
    /// Do every call that can be done.
    Force,
}

#[derive(Args)]
pub(crate) struct BatchArgs {
    /// A JSON array of calls (`[{"call": "transfer_keep_alive", "dest": "5…", "value": 1000}, …]`).
    #[arg(long, value_name = "FILE")]
    pub(crate) file: PathBuf,
    /// What a failing call does to the rest.
    #[arg(long, value_enum, default_value = "all")]
    pub(crate) mode: BatchKind,
}

#[derive(Subcommand)]
pub(crate) enum RootCommand {
    /// Root stake, its parameters, and root's proportion and unclaimed dividends per subnet.
    Info,
    /// A coldkey's root stakes, claim type and the dividends it can claim.
    Claimable(RootClaimableArgs),
    /// Register a hotkey on root (claiming it for the wallet's coldkey if nobody owns it), to
    /// stake on root through without a subnet.
    Register(RootRegisterArgs),
    /// Claim the wallet's root dividends from some subnets now.
    Claim(RootClaimArgs),
    /// Choose what the wallet's root dividends become when claimed.
    ClaimType(RootClaimTypeArgs),
}

#[derive(Args)]
pub(crate) struct RootClaimableArgs {
    /// The coldkey (default: the wallet's).
    #[arg(long, visible_alias = "ss58", value_name = "ADDRESS")]
    pub(crate) coldkey_ss58: Option<String>,
}

#[derive(Args)]
pub(crate) struct RootRegisterArgs {
    /// The hotkey (default: the wallet's hotkey).
    #[arg(long, visible_alias = "hotkey-ss58-address", value_name = "ADDRESS")]
    pub(crate) hotkey_ss58: Option<String>,
}

#[derive(Args)]
pub(crate) struct RootClaimArgs {
    /// The subnets to claim from, comma-separated (1 to 5; default: the five with most owed).
    #[arg(long, visible_alias = "netuid", value_delimiter = ',')]
    pub(crate) netuids: Vec<u16>,
}

/// What root dividends become.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ClaimKind {
    /// Sold for TAO, staked on root.
    Swap,
    /// Kept as alpha, staked on the subnet.
    Keep,
    /// Kept on the subnets given with --netuids, sold on the others.
    KeepSubnets,
}

#[derive(Args)]
pub(crate) struct RootClaimTypeArgs {
    /// The choice.
    #[arg(value_enum)]
    pub(crate) kind: ClaimKind,
    /// With keep-subnets: the subnets whose alpha is kept, comma-separated.
    #[arg(long, value_delimiter = ',', required_if_eq("kind", "keep-subnets"))]
    pub(crate) netuids: Vec<u16>,
}

#[derive(Args)]
pub(crate) struct StakeAddArgs {
    /// The subnet.
    #[arg(long, visible_alias = "subnet")]
    pub(crate) netuid: u16,
    /// TAO to stake.
    #[arg(long, value_parser = tokens, value_name = "TAO")]
    pub(crate) amount: Balance,
    /// The hotkey to stake through (default: the wallet's hotkey).
    #[arg(long, visible_alias = "hotkey-ss58-address", value_name = "ADDRESS")]
    pub(crate) hotkey_ss58: Option<String>,
    #[command(flatten)]
    pub(crate) slippage: SlippageArgs,
}

#[derive(Args)]
pub(crate) struct StakeRemoveArgs {
    /// The subnet.
    #[arg(long, visible_alias = "subnet")]
    pub(crate) netuid: u16,
    /// Alpha to unstake.
    #[arg(long, value_parser = tokens, value_name = "ALPHA", required_unless_present = "all")]
    pub(crate) amount: Option<Balance>,
    /// All of it.
    #[arg(long, conflicts_with = "amount")]
    pub(crate) all: bool,
    /// The hotkey staked through (default: the wallet's hotkey).
    #[arg(long, visible_alias = "hotkey-ss58-address", value_name = "ADDRESS")]
    pub(crate) hotkey_ss58: Option<String>,
    #[command(flatten)]
    pub(crate) slippage: SlippageArgs,
}

/// Which stake a move takes, and how much.
#[derive(Args)]
pub(crate) struct StakeSourceArgs {
    /// The subnet the stake is on.
    #[arg(long)]
    pub(crate) origin_netuid: u16,
    /// The hotkey it is staked through (default: the wallet's hotkey).
    #[arg(long, visible_alias = "origin-hotkey", value_name = "ADDRESS")]
    pub(crate) hotkey_ss58: Option<String>,
    /// Alpha to move.
    #[arg(long, value_parser = tokens, value_name = "ALPHA", required_unless_present = "all")]
    pub(crate) amount: Option<Balance>,
    /// All of it.
    #[arg(long, conflicts_with = "amount")]
    pub(crate) all: bool,
}

#[derive(Args)]
pub(crate) struct StakeMoveArgs {
    #[command(flatten)]
    pub(crate) source: StakeSourceArgs,
    /// The subnet it moves to.
    #[arg(long)]
    pub(crate) dest_netuid: u16,
    /// The hotkey it moves to.
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) dest_hotkey: String,
}

#[derive(Args)]
pub(crate) struct StakeTransferArgs {
    #[command(flatten)]
    pub(crate) source: StakeSourceArgs,
    /// The subnet it moves to (default: the same).
    #[arg(long)]
    pub(crate) dest_netuid: Option<u16>,
    /// The coldkey receiving it.
    #[arg(long, visible_alias = "dest-ss58", value_name = "ADDRESS")]
    pub(crate) dest: String,
}

#[derive(Args)]
pub(crate) struct StakeSwapArgs {
    #[command(flatten)]
    pub(crate) source: StakeSourceArgs,
    /// The subnet it moves to.
    #[arg(long)]
    pub(crate) dest_netuid: u16,
}

#[derive(Args)]
pub(crate) struct StakeListArgs {
    /// A coldkey address instead of the wallet's.
    #[arg(long, visible_alias = "ss58-address", value_name = "ADDRESS")]
    pub(crate) ss58: Option<String>,
}

#[derive(Subcommand)]
pub(crate) enum DelegateCommand {
    /// Show a hotkey's delegate take, or set it with --take (the coldkey owning it signs).
    Take(DelegateTakeArgs),
    /// Every hotkey others can stake through: owner, identity, take, subnets and stake; with
    /// --coldkey-ss58 (or --mine), only those that coldkey stakes through.
    List(DelegatesListArgs),
}

#[derive(Args)]
pub(crate) struct DelegatesListArgs {
    /// Only the delegates this coldkey stakes through, with its stake in each.
    #[arg(long, value_name = "ADDRESS", conflicts_with = "mine")]
    pub(crate) coldkey_ss58: Option<String>,
    /// Only the delegates the wallet's coldkey stakes through.
    #[arg(long)]
    pub(crate) mine: bool,
}

/// A coldkey's identity, with `btcli wallet set-identity`'s flags; fields not given are left
/// empty, and all of them empty removes it.
#[derive(Args)]
pub(crate) struct SetIdentityArgs {
    /// Display name (up to 256 bytes).
    #[arg(long = "id-name", default_value = "", value_name = "NAME")]
    pub(crate) name: String,
    /// Web site (up to 256 bytes).
    #[arg(long = "web-url", default_value = "", value_name = "URL")]
    pub(crate) url: String,
    /// Source repository (up to 256 bytes).
    #[arg(long, visible_alias = "github", default_value = "")]
    pub(crate) github_repo: String,
    /// Picture address (up to 1024 bytes).
    #[arg(long = "image-url", default_value = "", value_name = "URL")]
    pub(crate) image: String,
    /// Discord handle or invite (up to 256 bytes).
    #[arg(long, default_value = "")]
    pub(crate) discord: String,
    /// Who you are (up to 1024 bytes).
    #[arg(long, default_value = "")]
    pub(crate) description: String,
    /// Anything else (up to 1024 bytes).
    #[arg(long, default_value = "")]
    pub(crate) additional: String,
}

#[derive(Args)]
pub(crate) struct GetIdentityArgs {
    /// The coldkey (default: the wallet's).
    #[arg(long, visible_alias = "key", value_name = "ADDRESS")]
    pub(crate) coldkey_ss58: Option<String>,
}

#[derive(Args)]
pub(crate) struct DelegateTakeArgs {
    /// The hotkey (default: the wallet's hotkey).
    #[arg(long, visible_alias = "hotkey-ss58-address", value_name = "ADDRESS")]
    pub(crate) hotkey_ss58: Option<String>,
    /// The new take, as a fraction (0.09) or percentage (9%).
    #[arg(long, value_parser = proportion)]
    pub(crate) take: Option<u64>,
}

#[derive(Subcommand)]
pub(crate) enum WeightsCommand {
    /// Set weights directly (subnets without commit-reveal); signed by the wallet's hotkey.
    Set(WeightsArgs),
    /// Commit to weights, to reveal after the subnet's reveal period.
    Commit(CommitArgs),
    /// Reveal committed weights.
    Reveal(RevealArgs),
    /// The weights neurons have set on a subnet.
    Show(WeightsShowArgs),
}

#[derive(Args)]
pub(crate) struct WeightsArgs {
    /// The subnet.
    #[arg(long, visible_alias = "subnet")]
    pub(crate) netuid: u16,
    /// Uids to weight, comma-separated.
    #[arg(long, value_delimiter = ',', required = true, num_args = 1..)]
    pub(crate) uids: Vec<u16>,
    /// Their weights, comma-separated, in any scale (0.5,0.5 and 1,1 are the same).
    #[arg(long, value_delimiter = ',', required = true, num_args = 1.., value_parser = units::parse_weight)]
    pub(crate) weights: Vec<u64>,
    /// The validator's weights version key.
    #[arg(long, default_value_t = 0)]
    pub(crate) version_key: u64,
}

#[derive(Args)]
pub(crate) struct CommitArgs {
    #[command(flatten)]
    pub(crate) weights: WeightsArgs,
    /// The salt, comma-separated numbers (default: random; printed, keep it for the reveal).
    #[arg(long, value_delimiter = ',', num_args = 1..)]
    pub(crate) salt: Vec<u16>,
}

#[derive(Args)]
pub(crate) struct RevealArgs {
    #[command(flatten)]
    pub(crate) weights: WeightsArgs,
    /// The salt the commit used.
    #[arg(long, value_delimiter = ',', required = true, num_args = 1..)]
    pub(crate) salt: Vec<u16>,
}

#[derive(Args)]
pub(crate) struct WeightsShowArgs {
    /// The subnet.
    #[arg(long, visible_alias = "subnet")]
    pub(crate) netuid: u16,
    /// Only the weights set by this uid.
    #[arg(long)]
    pub(crate) uid: Option<u16>,
}

#[derive(Subcommand)]
pub(crate) enum ConfigCommand {
    /// Print the configuration file and the settings in effect.
    Get,
    /// Set one setting: network, wallet_name, wallet_path or wallet_hotkey.
    Set(ConfigSetArgs),
    /// Remove one setting, or all with none named.
    Clear(ConfigClearArgs),
}

#[derive(Args)]
pub(crate) struct ConfigSetArgs {
    /// The setting.
    pub(crate) key: String,
    /// Its value.
    pub(crate) value: String,
}

#[derive(Args)]
pub(crate) struct ConfigClearArgs {
    /// The setting (all when omitted).
    pub(crate) key: Option<String>,
}

/// Where the configuration file is when --config is not given.
pub(crate) fn default_config_path() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default()
        .join(".plexus")
        .join("config.toml")
}
