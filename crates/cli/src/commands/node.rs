//! `plexus node`: create a node's data directory and run it.
//!
//! A data directory holds `node-key` (the ed25519 key naming the validator, mode 0600),
//! `node-share` (a validator's share of the group key, mode 0600), `chain-spec.json` (genesis,
//! validators, their addresses and the group key's polynomial, identical on every node of a
//! network), `node.json` (this node's addresses, and peers reached at other addresses than the
//! spec's), and the databases (`chain.redb`, `consensus/`).

use crate::cli::{
    NodeCommand, NodeInitArgs, NodeJoinArgs, NodeKeyArgs, NodeLeaveArgs, NodeRunArgs,
    NodeScheduleArgs, NodeSpecArgs, TimeoutArgs,
};
use crate::commands::net::{self, Net};
use crate::commands::Context;
use anyhow::{bail, Context as _, Result};
use plexus_keys::fsio::write_private;
use plexus_keys::{CryptoType, Keypair};
use plexus_node::{ChainSpec, RunConfig, Timeouts, Timing, ValidatorKey, ValidatorShare};
use plexus_primitives::H256;
use plexus_primitives::{AccountId, RAO_PER_TAO};
use plexus_runtime::{Call, GovernanceCall, ValidatorId};
use plexus_runtime::{ChainParams, Genesis};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const KEY_FILE: &str = "node-key";
const SHARE_FILE: &str = "node-share";
const SPEC_FILE: &str = "chain-spec.json";
const CONFIG_FILE: &str = "node.json";

/// Development accounts funded by `--dev` chains: the well-known `//Alice` … `//Ferdie`.
const DEV_ACCOUNTS: [&str; 6] = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"];
const DEV_BALANCE_TAO: u64 = 100_000;
/// Blocks per consensus epoch unless `--epoch-length` says otherwise: an hour at a second a block.
pub(crate) const DEFAULT_EPOCH_LENGTH: u64 = 3_600;

/// `node.json`: what differs between the nodes of one network.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeFile {
    /// Where peers connect.
    listen: SocketAddr,
    /// The other validators.
    #[serde(default)]
    peers: Vec<Peer>,
    /// Where the JSON-RPC server listens, if anywhere.
    rpc: Option<SocketAddr>,
    /// Where Prometheus metrics are served, if anywhere.
    metrics: Option<SocketAddr>,
    /// Target block time while idle, in milliseconds.
    block_time_ms: u64,
    /// Consensus timeouts in milliseconds, absent when derived from the block time (so that a
    /// changed block time moves them too); files from before they existed have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    leader_timeout_ms: Option<u64>,
    /// See `leader_timeout_ms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    certification_timeout_ms: Option<u64>,
    /// See `leader_timeout_ms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    timeout_retry_ms: Option<u64>,
    /// Keep the state of every height (otherwise the last 256).
    archive: bool,
    /// A follower's upstream RPC URL; absent for a validator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    follow: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Peer {
    key: String,
    address: SocketAddr,
}

pub(crate) fn run(cmd: NodeCommand, ctx: &Context) -> Result<ExitCode> {
    match cmd {
        NodeCommand::Key(args) => key(args, ctx),
        NodeCommand::Spec(args) => spec(args, ctx),
        NodeCommand::Init(args) => init(&args, ctx).map(|_| ExitCode::SUCCESS),
        NodeCommand::Run(args) => run_node(args, ctx),
        NodeCommand::Join(_)
        | NodeCommand::Leave(_)
        | NodeCommand::Schedule(_)
        | NodeCommand::Validators => {
            bail!("this node command talks to a chain; it runs through the chain commands")
        }
    }
}

/// The node key in `dir`, which must exist: joining and leaving name an existing node.
fn node_key(dir: &Path) -> Result<ValidatorKey> {
    let path = dir.join(KEY_FILE);
    if !path.exists() {
        bail!(
            "{} has no node key: create it with `plexus node key --data-dir {}`",
            dir.display(),
            dir.display()
        );
    }
    Ok(ValidatorKey::load(&path)?)
}

pub(crate) async fn join(ctx: &Context, args: &NodeJoinArgs) -> Result<()> {
    let key = node_key(&args.data_dir)?;
    let net = Net::connect(ctx).await?;
    let info = net.client().info().await?;
    if info.epoch_length.is_none() {
        bail!("this chain is one endless consensus epoch: its validator set cannot change");
    }
    let owner = net::coldkey(ctx)?;
    let call = key.announcement(&info.chain_id, &owner.account(), args.address);
    let tx = net.sign(&owner, call).await?;
    net::confirm(
        ctx,
        &format!(
            "Announce validator {} at {} (signed by {})?",
            key.public_hex(),
            args.address,
            owner.account()
        ),
    )?;
    let receipt = net.submit(ctx, &tx, "announcing the validator").await?;
    let id = H256(key.id().0);
    let mut first_epoch = None;
    if args.wait {
        loop {
            let validators = net.client().validators(None).await?;
            if let Some(committee) = validators
                .committee
                .filter(|c| c.validators.iter().any(|v| v.key == id))
            {
                first_epoch = Some(committee.from_epoch);
                break;
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    }
    let mut value = receipt.json();
    value["validator"] = json!(id);
    value["address"] = json!(args.address);
    value["first_epoch"] = json!(first_epoch);
    ctx.out.result(value, || match first_epoch {
        Some(epoch) => format!(
            "Validator {id} announced {} and scheduled: it serves from consensus epoch {epoch}. \
             Keep `plexus node run` going; it signs once its share arrives.\n",
            receipt.text()
        ),
        None => format!(
            "Validator {id} announced {}. Governance schedules it with \
             `plexus node schedule`; run the node meanwhile so it follows the chain.\n",
            receipt.text()
        ),
    })?;
    Ok(())
}

pub(crate) async fn leave(ctx: &Context, args: &NodeLeaveArgs) -> Result<()> {
    let key = node_key(&args.data_dir)?;
    let net = Net::connect(ctx).await?;
    let owner = net::coldkey(ctx)?;
    let tx = net
        .sign(&owner, Call::RetireValidator { key: key.id() })
        .await?;
    net::confirm(ctx, &format!("Withdraw validator {}?", key.public_hex()))?;
    let receipt = net.submit(ctx, &tx, "withdrawing the validator").await?;
    let mut value = receipt.json();
    value["validator"] = json!(H256(key.id().0));
    ctx.out.result(value, || {
        format!(
            "Validator {} withdrawn {}: committees fixed from now on leave it out. The next is \
             fixed at the next consensus epoch's first block and serves two epochs after it; \
             keep the node running until then.\n",
            key.public_hex(),
            receipt.text()
        )
    })?;
    Ok(())
}

pub(crate) async fn schedule(ctx: &Context, args: &NodeScheduleArgs) -> Result<()> {
    let keys = args
        .validator
        .iter()
        .map(|text| {
            hex::decode(text.trim_start_matches("0x"))
                .ok()
                .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
                .map(ValidatorId)
                .with_context(|| format!("--validator {text:?} is not 32 bytes of hex"))
        })
        .collect::<Result<Vec<_>>>()?;
    let net = Net::connect(ctx).await?;
    let governor = net::coldkey(ctx)?;
    let count = keys.len();
    let tx = net
        .sign(
            &governor,
            Call::Governance(GovernanceCall::ScheduleValidators(keys)),
        )
        .await?;
    net::confirm(
        ctx,
        &format!("Schedule a committee of {count} validators (governance)?"),
    )?;
    let receipt = net.submit(ctx, &tx, "scheduling the validators").await?;
    let mut value = receipt.json();
    value["validators"] = json!(count);
    ctx.out.result(value, || {
        format!(
            "Committee of {count} scheduled {}: fixed at the next consensus epoch's first block, \
             it serves from two epochs after that one.\n",
            receipt.text()
        )
    })?;
    Ok(())
}

pub(crate) async fn validators(ctx: &Context) -> Result<()> {
    let net = Net::connect(ctx).await?;
    let info = net.client().validators(None).await?;
    ctx.out.result(serde_json::to_value(&info)?, || {
        let mut text = format!(
            "Consensus epoch {}{}.\n",
            info.epoch,
            info.epoch_length
                .map_or(" (one endless epoch)".to_string(), |l| format!(
                    " of {l} blocks"
                ))
        );
        match &info.committee {
            Some(committee) => {
                text += &format!(
                    "Committee from epoch {} ({} validators):\n",
                    committee.from_epoch,
                    committee.validators.len()
                );
                for v in &committee.validators {
                    text += &format!("  {}  {}\n", v.key, v.address);
                }
            }
            None => text += "No committee fixed on chain: the genesis validators serve.\n",
        }
        if let Some(scheduled) = &info.scheduled {
            text += &format!(
                "Scheduled for the next epoch's first block: {} validators\n",
                scheduled.len()
            );
        }
        text += &format!("Announced: {}\n", info.announced.len());
        for v in &info.announced {
            text += &format!("  {}  {}  by {}\n", v.key, v.address, v.owner);
        }
        text
    })?;
    Ok(())
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn dev_account(name: &str) -> Result<AccountId> {
    Ok(Keypair::from_uri(CryptoType::Sr25519, &format!("//{name}"))?.account())
}

/// A chain spec for development: the given validators (keys and addresses) with their shares of
/// a new group key, the dev accounts funded, `//Alice` as governance, and short rate limits.
fn dev_spec(
    chain_id: &str,
    validators: Vec<(String, SocketAddr)>,
    epoch_length: u64,
) -> Result<(ChainSpec, Vec<ValidatorShare>)> {
    let balances = DEV_ACCOUNTS
        .iter()
        .map(|name| Ok((dev_account(name)?, DEV_BALANCE_TAO * RAO_PER_TAO)))
        .collect::<Result<Vec<_>>>()?;
    let genesis = Genesis {
        chain_id: chain_id.to_string(),
        timestamp: now_ms(),
        governance: Some(dev_account("Alice")?),
        balances,
        params: ChainParams::default(),
        group_key: None,
        epoch_length: Some(epoch_length),
        consensus: None,
    };
    let (keys, addresses) = validators.into_iter().unzip();
    Ok(ChainSpec::with_trusted_deal(genesis, keys, addresses)?)
}

/// Loads the key in `dir`, creating it if there is none.
fn ensure_key(dir: &Path) -> Result<ValidatorKey> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join(KEY_FILE);
    if path.exists() {
        return Ok(ValidatorKey::load(&path)?);
    }
    let key = ValidatorKey::generate();
    key.save(&path)?;
    Ok(key)
}

fn key(args: NodeKeyArgs, ctx: &Context) -> Result<ExitCode> {
    let key = ensure_key(&args.data_dir)?;
    ctx.out.result(
        serde_json::json!({ "validator_key": key.public_hex() }),
        || format!("{}\n", key.public_hex()),
    )?;
    Ok(ExitCode::SUCCESS)
}

fn spec(args: NodeSpecArgs, ctx: &Context) -> Result<ExitCode> {
    if args.validator.is_empty() {
        bail!(
            "give at least one --validator KEY@IP:PORT (its public key from `plexus node key`, \
             and where it listens)"
        );
    }
    let validators = args
        .validator
        .iter()
        .map(|text| {
            let peer = parse_peer(text)
                .with_context(|| format!("--validator {text:?}: expected KEY@IP:PORT"))?;
            Ok((peer.key, peer.address))
        })
        .collect::<Result<Vec<_>>>()?;
    let (spec, shares) = dev_spec(&args.chain_id, validators, args.epoch_length)?;
    std::fs::create_dir_all(&args.shares_dir)
        .with_context(|| format!("creating {}", args.shares_dir.display()))?;
    for (key, share) in spec.validators.iter().zip(&shares) {
        let path = args
            .shares_dir
            .join(format!("{}.share", key.trim_start_matches("0x")));
        share.save(&path)?;
    }
    let text = serde_json::to_string_pretty(&spec)?;
    match args.output {
        Some(path) => {
            std::fs::write(&path, text + "\n")
                .with_context(|| format!("writing {}", path.display()))?;
            ctx.out
                .result(serde_json::json!({ "chain_spec": path }), || {
                    format!("chain spec written to {}\n", path.display())
                })?;
        }
        None => println!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_peer(text: &str) -> Result<Peer> {
    let (key, address) = text
        .split_once('@')
        .with_context(|| format!("peer {text:?}: expected KEY@HOST:PORT"))?;
    let address = address
        .parse()
        .with_context(|| format!("peer {text:?}: {address:?} is not HOST:PORT"))?;
    Ok(Peer {
        key: key.to_string(),
        address,
    })
}

fn init(args: &NodeInitArgs, ctx: &Context) -> Result<ValidatorKey> {
    let dir = &args.data_dir;
    if dir.join(CONFIG_FILE).exists() && !ctx.force {
        bail!(
            "{} is already initialised (use --force to rewrite its configuration)",
            dir.display()
        );
    }
    timing(args.block_time_ms, args.timeouts)?;
    let key = ensure_key(dir)?;
    let (spec, share) = match (&args.chain_spec, args.dev) {
        (Some(_), true) => bail!("--chain-spec and --dev exclude each other"),
        (Some(path), false) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            let spec =
                ChainSpec::from_json(&text).with_context(|| format!("{}", path.display()))?;
            let share = match &args.share {
                Some(file) => {
                    let share = ValidatorShare::load(file)?;
                    spec.check_share(&key.public_hex(), &share)
                        .with_context(|| format!("--share {}", file.display()))?;
                    Some(share)
                }
                None => None,
            };
            (spec, share)
        }
        (None, true) => {
            let validator = (key.public_hex(), args.listen);
            let (spec, mut shares) = dev_spec("plexus-dev", vec![validator], DEFAULT_EPOCH_LENGTH)?;
            (spec, shares.pop())
        }
        (None, false) => bail!("give --chain-spec FILE, or --dev for a one-validator dev chain"),
    };
    let is_validator = spec
        .validators
        .iter()
        .any(|v| v.trim_start_matches("0x") == key.public_hex());
    if let Some(url) = &args.follow {
        plexus_rpc::Client::new(url).with_context(|| format!("--follow {url}"))?;
    } else if !is_validator {
        eprintln!(
            "note: this node's key {} is not a validator of the chain spec",
            key.public_hex()
        );
    } else if share.is_none() && !dir.join(SHARE_FILE).exists() {
        bail!(
            "this node's key {} is a validator of the chain spec: give --share FILE, the share \
             `plexus node spec` wrote for it",
            key.public_hex()
        );
    }
    if let Some(share) = &share {
        let path = dir.join(SHARE_FILE);
        // A re-initialisation (`--force`) replaces the share with the one given.
        if path.exists() {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
        share.save(&path)?;
    }
    let peers = args
        .peer
        .iter()
        .map(|p| parse_peer(p))
        .collect::<Result<Vec<_>>>()?;
    let config = NodeFile {
        listen: args.listen,
        peers,
        rpc: Some(args.rpc),
        metrics: args.metrics,
        block_time_ms: args.block_time_ms,
        leader_timeout_ms: args.timeouts.leader_timeout_ms,
        certification_timeout_ms: args.timeouts.certification_timeout_ms,
        timeout_retry_ms: args.timeouts.timeout_retry_ms,
        archive: args.archive,
        follow: args.follow.clone(),
    };
    // Each file whole or not at all, the configuration last: a node killed while being
    // initialised is initialised again on its next start.
    for (file, text) in [
        (SPEC_FILE, serde_json::to_string_pretty(&spec)?),
        (CONFIG_FILE, serde_json::to_string_pretty(&config)?),
    ] {
        let path = dir.join(file);
        write_private(&path, (text + "\n").as_bytes(), true)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    ctx.out.result(
        serde_json::json!({
            "data_dir": dir,
            "validator_key": key.public_hex(),
            "follow": args.follow,
            "genesis_chain_id": spec.genesis.chain_id,
        }),
        || match &args.follow {
            Some(url) => format!("initialised {} as a follower of {url}\n", dir.display()),
            None => format!(
                "initialised {}\nvalidator key: {}\n",
                dir.display(),
                key.public_hex()
            ),
        },
    )?;
    Ok(key)
}

/// The block time and consensus timeouts, checked before anything is written or opened.
fn timing(block_time_ms: u64, timeouts: TimeoutArgs) -> Result<Timing> {
    Timing::with_timeouts(
        Duration::from_millis(block_time_ms),
        Timeouts {
            leader: timeouts.leader_timeout_ms.map(Duration::from_millis),
            certification: timeouts.certification_timeout_ms.map(Duration::from_millis),
            retry: timeouts.timeout_retry_ms.map(Duration::from_millis),
        },
    )
    .context(
        "invalid consensus timings (--block-time-ms, --leader-timeout-ms, \
         --certification-timeout-ms, --timeout-retry-ms, or node.json)",
    )
}

/// The explorer's share of the node it is served beside: its own allowance, so its visitors
/// never spend the public listener's rate.
fn explorer_rpc() -> plexus_node::RpcConfig {
    plexus_node::RpcConfig {
        // The explorer renders at most 50 pages a second, a few calls each.
        rate_per_second: 1000,
        rate_burst: 2000,
        max_connections: 64,
        max_connections_per_address: 64,
        ..plexus_node::RpcConfig::default()
    }
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not valid", path.display()))
}

fn run_node(args: NodeRunArgs, ctx: &Context) -> Result<ExitCode> {
    let dir: PathBuf = args.data_dir.clone();
    if !dir.join(CONFIG_FILE).exists() {
        if !args.dev {
            bail!(
                "{} is not initialised: run `plexus node init --data-dir {}` first (or use --dev)",
                dir.display(),
                dir.display()
            );
        }
        init(
            &NodeInitArgs {
                data_dir: dir.clone(),
                chain_spec: None,
                dev: true,
                share: None,
                listen: args
                    .listen
                    .unwrap_or_else(|| ([127, 0, 0, 1], 30400).into()),
                peer: Vec::new(),
                follow: None,
                rpc: args.rpc.unwrap_or_else(|| ([127, 0, 0, 1], 9944).into()),
                metrics: args.metrics,
                block_time_ms: args.block_time_ms.unwrap_or(1000),
                timeouts: args.timeouts,
                archive: false,
            },
            ctx,
        )?;
    }
    let config: NodeFile = read_json(&dir.join(CONFIG_FILE))?;
    let spec_text = std::fs::read_to_string(dir.join(SPEC_FILE))
        .with_context(|| format!("reading {}", dir.join(SPEC_FILE).display()))?;
    let spec = ChainSpec::from_json(&spec_text)?;
    let role = match config.follow {
        Some(upstream) => plexus_node::Role::Follower { upstream },
        None => plexus_node::Role::Validator {
            key: Box::new(ValidatorKey::load(&dir.join(KEY_FILE))?),
            // A node outside epoch 0's committee has no share: it joins later.
            share: match dir.join(SHARE_FILE) {
                path if path.exists() => Some(Box::new(ValidatorShare::load(&path)?)),
                _ => None,
            },
            listen: args.listen.unwrap_or(config.listen),
            peers: config
                .peers
                .into_iter()
                .map(|p| (p.key, p.address))
                .collect(),
        },
    };
    let timing = timing(
        args.block_time_ms.unwrap_or(config.block_time_ms),
        TimeoutArgs {
            leader_timeout_ms: args.timeouts.leader_timeout_ms.or(config.leader_timeout_ms),
            certification_timeout_ms: args
                .timeouts
                .certification_timeout_ms
                .or(config.certification_timeout_ms),
            timeout_retry_ms: args.timeouts.timeout_retry_ms.or(config.timeout_retry_ms),
        },
    )?;
    let run = RunConfig {
        data_dir: dir,
        spec,
        role,
        timing,
        retention: if config.archive {
            plexus_store::Retention::Archive
        } else {
            plexus_store::Retention::Recent { heights: 256 }
        },
        mempool: plexus_mempool::Limits::default(),
        metrics: args.metrics.or(config.metrics),
        rpc: args
            .rpc
            .or(config.rpc)
            .map(|listen| plexus_node::RpcConfig {
                listen,
                rate_per_second: args.rpc_rate,
                rate_burst: args.rpc_rate.saturating_mul(2),
                max_connections: args.rpc_max_connections,
                max_connections_per_address: args.rpc_max_connections_per_address,
                ..plexus_node::RpcConfig::default()
            }),
        substrate_rpc: (!args.no_substrate_rpc).then(|| plexus_node::RpcConfig {
            listen: args.substrate_rpc,
            rate_per_second: args.rpc_rate,
            rate_burst: args.rpc_rate.saturating_mul(2),
            max_connections: args.rpc_max_connections,
            max_connections_per_address: args.rpc_max_connections_per_address,
            ..plexus_node::RpcConfig::default()
        }),
        beside: args.explorer.map(|listen| plexus_node::Beside {
            rpc: explorer_rpc(),
            start: Box::new(move |node| super::explorer::serve_beside_node(node, listen)),
        }),
        worker_threads: 2,
    };
    plexus_node::run(run)?;
    Ok(ExitCode::SUCCESS)
}
