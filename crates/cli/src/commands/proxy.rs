//! `plexus proxy …` and `plexus batch`: other keys acting for this wallet, and several calls in
//! one transaction.

use super::net::{self, Net};
use super::Context;
use crate::cli::{
    BatchArgs, BatchKind, KillPureArgs, ProxyAnnounceArgs, ProxyArgs, ProxyCommand,
    ProxyExecuteArgs, ProxyKind, ProxyListArgs, ProxyRejectArgs, ProxyRemoveArgs, PureArgs,
};
use crate::units;
use anyhow::{anyhow, bail, Context as _, Result};
use plexus_primitives::H256;
use plexus_rpc::types::Event;
use plexus_runtime::{Call, ProxyType};
use serde_json::json;
use std::path::Path;

pub(crate) async fn run(ctx: &Context, cmd: ProxyCommand) -> Result<()> {
    match cmd {
        ProxyCommand::Add(args) => add(ctx, &args).await,
        ProxyCommand::Remove(args) => remove(ctx, &args).await,
        ProxyCommand::List(args) => list(ctx, &args).await,
        ProxyCommand::Announce(args) => announce(ctx, &args).await,
        ProxyCommand::Execute(args) => execute(ctx, &args).await,
        ProxyCommand::Reject(args) => reject(ctx, &args).await,
        ProxyCommand::CreatePure(args) => create_pure(ctx, &args).await,
        ProxyCommand::KillPure(args) => kill_pure(ctx, &args).await,
    }
}

fn proxy_type(kind: ProxyKind) -> ProxyType {
    match kind {
        ProxyKind::Any => ProxyType::Any,
        ProxyKind::Owner => ProxyType::Owner,
        ProxyKind::NonCritical => ProxyType::NonCritical,
        ProxyKind::NonTransfer => ProxyType::NonTransfer,
        ProxyKind::Staking => ProxyType::Staking,
        ProxyKind::Registration => ProxyType::Registration,
        ProxyKind::Transfer => ProxyType::Transfer,
        ProxyKind::SmallTransfer => ProxyType::SmallTransfer,
        ProxyKind::ChildKeys => ProxyType::ChildKeys,
        ProxyKind::RootClaim => ProxyType::RootClaim,
    }
}

/// Reads one call, or (`many`) a JSON array of them, from `path`.
fn read_calls(path: &Path, many: bool) -> Result<Vec<Call>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let parsed = if many {
        serde_json::from_str::<Vec<Call>>(&text)
    } else {
        serde_json::from_str::<Call>(&text).map(|c| vec![c])
    };
    parsed.map_err(|e| {
        anyhow!(
            "{}: not {}: {e}",
            path.display(),
            if many {
                "a JSON array of calls"
            } else {
                "a JSON call"
            }
        )
    })
}

/// Signs `call` with the wallet's coldkey, confirms, submits, and prints `done`.
async fn send(ctx: &Context, call: Call, question: &str, done: &str) -> Result<()> {
    let net = Net::connect(ctx).await?;
    let signer = net::coldkey(ctx)?;
    let receipt = net.send(ctx, &signer, call, question, done).await?;
    let value = receipt.json();
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            return format!("{}\n", receipt.hash);
        }
        format!("Done: {done}, {}.\n", receipt.text())
    })?;
    Ok(())
}

async fn add(ctx: &Context, args: &ProxyArgs) -> Result<()> {
    let delegate = net::parse_address(&args.delegate, "delegate")?;
    let proxy_type = proxy_type(args.proxy_type);
    let question = format!(
        "Let {delegate} sign {proxy_type:?} calls for {}{} (reserves a deposit)",
        net::coldkey_account(ctx)?,
        if args.delay > 0 {
            format!(", announced {} blocks ahead", args.delay)
        } else {
            String::new()
        }
    );
    let call = Call::AddProxy {
        delegate,
        proxy_type,
        delay: args.delay,
    };
    send(ctx, call, &question, "proxy added").await
}

async fn remove(ctx: &Context, args: &ProxyRemoveArgs) -> Result<()> {
    if args.all {
        return send(
            ctx,
            Call::RemoveProxies,
            "Remove every proxy of this coldkey",
            "proxies removed",
        )
        .await;
    }
    let (Some(delegate), Some(kind)) = (&args.delegate, args.proxy_type) else {
        bail!("give --delegate and --type, or --all");
    };
    let delegate = net::parse_address(delegate, "delegate")?;
    let call = Call::RemoveProxy {
        delegate,
        proxy_type: proxy_type(kind),
        delay: args.delay,
    };
    send(
        ctx,
        call,
        &format!("Remove the proxy {delegate}"),
        "proxy removed",
    )
    .await
}

async fn list(ctx: &Context, args: &ProxyListArgs) -> Result<()> {
    let account = net::address_or_coldkey(ctx, args.ss58.as_deref(), "account")?;
    let net = Net::connect(ctx).await?;
    let info = net
        .client()
        .proxies(account, None)
        .await
        .map_err(|e| net.query_error(e))?;
    ctx.out.result(json!(info), || {
        let mut text = format!("Proxies of {account} at block {}\n", info.block);
        if info.proxies.is_empty() {
            text.push_str("  none\n");
        }
        for p in &info.proxies {
            text.push_str(&format!(
                "  {}  {:?}, delay {}\n",
                p.delegate, p.proxy_type, p.delay
            ));
        }
        if !info.proxy_for.is_empty() {
            text.push_str("It is a proxy of\n");
            for p in &info.proxy_for {
                text.push_str(&format!(
                    "  {}  {:?}, delay {}\n",
                    p.real, p.proxy_type, p.delay
                ));
            }
        }
        for a in &info.announcements {
            text.push_str(&format!(
                "Announced for {} at block {}: {}\n",
                a.real, a.height, a.call_hash
            ));
        }
        if info.reserved > 0 {
            text.push_str(&format!("Reserved: {}\n", units::tao(info.reserved)));
        }
        text
    })?;
    Ok(())
}

async fn announce(ctx: &Context, args: &ProxyAnnounceArgs) -> Result<()> {
    let real = net::parse_address(&args.real, "real account")?;
    let calls = read_calls(&args.call_file, false)?;
    let call_hash = calls[0].hash();
    let question = format!("Announce {} for {real} (hash {call_hash})", calls[0].name());
    send(
        ctx,
        Call::Announce { real, call_hash },
        &question,
        "call announced",
    )
    .await
}

async fn execute(ctx: &Context, args: &ProxyExecuteArgs) -> Result<()> {
    let delegate = net::parse_address(&args.delegate, "delegate")?;
    let real = net::parse_address(&args.real, "real account")?;
    let mut calls = read_calls(&args.call_file, false)?;
    let call = calls.remove(0);
    let question = format!(
        "Make {} for {real}, as {delegate} announced it",
        call.name()
    );
    send(
        ctx,
        Call::ProxyAnnounced {
            delegate,
            real,
            force_proxy_type: None,
            call: Box::new(call),
        },
        &question,
        "announced call made",
    )
    .await
}

async fn reject(ctx: &Context, args: &ProxyRejectArgs) -> Result<()> {
    let delegate = net::parse_address(&args.delegate, "delegate")?;
    let call_hash: H256 = serde_json::from_value(json!(args.call_hash.trim()))
        .map_err(|e| anyhow!("--call-hash {:?} is not a 0x-hex hash: {e}", args.call_hash))?;
    send(
        ctx,
        Call::RejectAnnouncement {
            delegate,
            call_hash,
        },
        &format!("Reject the call {call_hash} that {delegate} announced"),
        "announcement rejected",
    )
    .await
}

async fn create_pure(ctx: &Context, args: &PureArgs) -> Result<()> {
    let proxy_type = proxy_type(args.proxy_type);
    let net = Net::connect(ctx).await?;
    let signer = net::coldkey(ctx)?;
    let call = Call::CreatePure {
        proxy_type,
        delay: args.delay,
        index: args.index,
    };
    let receipt = net
        .send(
            ctx,
            &signer,
            call,
            "Create a keyless account with this coldkey as its proxy (reserves a deposit)",
            "creating the account",
        )
        .await?;
    let pure = receipt
        .events
        .iter()
        .find_map(|e| match e {
            Event::PureCreated { pure, .. } => Some(*pure),
            _ => None,
        })
        .ok_or_else(|| anyhow!("the node reported no new account"))?;
    // Where the creating transaction sits in its block, which `kill-pure` needs.
    let block = net
        .client()
        .block(plexus_rpc::types::BlockId::Number(receipt.block))
        .await
        .map_err(|e| net.query_error(e))?
        .ok_or_else(|| anyhow!("block {} is gone", receipt.block))?;
    let ext_index = block
        .transactions
        .iter()
        .position(|t| t.hash == receipt.hash)
        .ok_or_else(|| anyhow!("the transaction is not in block {}", receipt.block))?;
    let mut value = receipt.json();
    value["pure"] = json!(pure);
    value["height"] = json!(receipt.block);
    value["ext_index"] = json!(ext_index);
    value["index"] = json!(args.index);
    ctx.out.result(value, || {
        format!(
            "Keyless account {pure} created {}.\nAct for it with `plexus --proxy-for {pure} …`; remove it with `plexus proxy kill-pure --pure {pure} --index {} --height {} --ext-index {ext_index}`.\n",
            receipt.text(),
            args.index,
            receipt.block
        )
    })?;
    Ok(())
}

async fn kill_pure(ctx: &Context, args: &KillPureArgs) -> Result<()> {
    let pure = net::parse_address(&args.pure, "pure account")?;
    let call = Call::Proxy {
        real: pure,
        force_proxy_type: None,
        call: Box::new(Call::KillPure {
            spawner: net::coldkey_account(ctx)?,
            proxy_type: proxy_type(args.proxy_type),
            index: args.index,
            height: args.height,
            ext_index: args.ext_index,
        }),
    };
    send(
        ctx,
        call,
        &format!("Remove the keyless account {pure} (what it holds is lost)"),
        "account removed",
    )
    .await
}

/// `plexus batch`: the calls of a file in one transaction, signed by the wallet's coldkey.
pub(crate) async fn batch(ctx: &Context, args: &BatchArgs) -> Result<()> {
    let calls = read_calls(&args.file, true)?;
    if calls.is_empty() {
        bail!("{}: no calls", args.file.display());
    }
    let names: Vec<&str> = calls.iter().map(Call::name).collect();
    let count = calls.len();
    let call = match args.mode {
        BatchKind::Stop => Call::Batch { calls },
        BatchKind::All => Call::BatchAll { calls },
        BatchKind::Force => Call::ForceBatch { calls },
    };
    let net = Net::connect(ctx).await?;
    let signer = net::coldkey(ctx)?;
    let tx = net.sign(&signer, call).await?;
    let fee = net.fee(&tx).await?;
    net::confirm(
        ctx,
        &format!(
            "Send {count} calls ({}) in one transaction (fee {})?",
            names.join(", "),
            units::tao(fee)
        ),
    )?;
    let receipt = net.submit(ctx, &tx, "sending the batch").await?;
    let stopped = receipt.events.iter().find_map(|e| match e {
        Event::BatchInterrupted { index, error } => Some((*index, error.message.clone())),
        _ => None,
    });
    let failed: Vec<(u32, String)> = receipt
        .events
        .iter()
        .filter_map(|e| match e {
            Event::BatchItemFailed { index, error } => Some((*index, error.message.clone())),
            _ => None,
        })
        .collect();
    let mut value = receipt.json();
    value["calls"] = json!(count);
    value["stopped_at"] = json!(stopped.as_ref().map(|(i, _)| i));
    value["failed"] = json!(failed.iter().map(|(i, _)| i).collect::<Vec<_>>());
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            return format!("{}\n", receipt.hash);
        }
        let mut text = format!("Batch of {count} calls {}.\n", receipt.text());
        if let Some((index, message)) = &stopped {
            text.push_str(&format!(
                "Stopped at call {index} ({message}); the calls before it were made.\n"
            ));
        }
        for (index, message) in &failed {
            text.push_str(&format!("Call {index} failed: {message}\n"));
        }
        text
    })?;
    Ok(())
}
