//! `plexus weights …`: set, commit, reveal and show a subnet's weights.
//!
//! Weights are signed by the wallet's hotkey and pay no fee; the chain accepts a free call only
//! if it succeeds, so the checks a user can fix (registration, rate limit, commit-reveal, uids)
//! are made here first and reported with what to do.

use super::net::{self, Net};
use super::subnets::ensure_registered;
use super::Context;
use crate::cli::{CommitArgs, RevealArgs, WeightsArgs, WeightsCommand, WeightsShowArgs};
use crate::table::{terminal_width, Column, Table};
use crate::units;
use anyhow::{bail, Result};
use plexus_primitives::AccountId;
use plexus_runtime::{commit_hash, Call};
use rand_core::RngCore;
use serde_json::json;

pub(crate) async fn run(ctx: &Context, cmd: WeightsCommand) -> Result<()> {
    match cmd {
        WeightsCommand::Set(args) => set(ctx, &args).await,
        WeightsCommand::Commit(args) => commit(ctx, &args).await,
        WeightsCommand::Reveal(args) => reveal(ctx, &args).await,
        WeightsCommand::Show(args) => show(ctx, &args).await,
    }
}

/// What to do on the subnet with the weights.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Set,
    Commit,
    Reveal,
}

/// The checks that come before signing; returns the weights scaled as the chain stores them.
async fn check(
    net: &Net,
    args: &WeightsArgs,
    hotkey: AccountId,
    action: Action,
) -> Result<Vec<u16>> {
    let netuid = args.netuid;
    if args.uids.len() != args.weights.len() {
        bail!(
            "{} uids but {} weights: give one weight per uid",
            args.uids.len(),
            args.weights.len()
        );
    }
    let subnet = net.subnet(netuid).await?;
    let hp = &subnet.hyperparameters;
    match (action, hp.commit_reveal) {
        (Action::Set, true) if hp.timelocked_weights => bail!(
            "subnet {netuid} timelocks weights: commit them with `plexus weights commit`, and the chain opens and applies them itself {} epoch(s) later",
            hp.reveal_period_epochs
        ),
        (Action::Reveal, true) if hp.timelocked_weights => bail!(
            "subnet {netuid} timelocks weights: the chain opens them itself at the view they were sealed to; there is nothing to reveal"
        ),
        (Action::Set, true) => bail!(
            "subnet {netuid} uses commit-reveal: commit with `plexus weights commit`, then reveal {} epoch(s) later with `plexus weights reveal`",
            hp.reveal_period_epochs
        ),
        (Action::Commit | Action::Reveal, false) => bail!(
            "subnet {netuid} does not use commit-reveal: set weights directly with `plexus weights set`"
        ),
        _ => {}
    }
    let neuron = ensure_registered(net, netuid, hotkey).await?;
    if action != Action::Reveal && neuron.last_update != 0 {
        let allowed_at = neuron.last_update.saturating_add(hp.weights_rate_limit);
        let next = net.next_block().await?;
        if next < allowed_at {
            bail!(
                "too soon to set weights: the rate limit is {} blocks, next allowed at block {allowed_at} (the chain is at block {})",
                hp.weights_rate_limit,
                next - 1
            );
        }
    }
    if let Some(uid) = args.uids.iter().find(|u| **u >= subnet.summary.n) {
        bail!(
            "uid {uid} does not exist on subnet {netuid}, which has {} neurons",
            subnet.summary.n
        );
    }
    if hp.weights_version_key != 0 && args.version_key < hp.weights_version_key {
        bail!(
            "--version-key {} is older than subnet {netuid}'s {}: upgrade the validator or pass its version key",
            args.version_key,
            hp.weights_version_key
        );
    }
    Ok(units::weights_to_u16(&args.weights))
}

async fn set(ctx: &Context, args: &WeightsArgs) -> Result<()> {
    let hotkey = net::hotkey_account(ctx)?;
    let net = Net::connect(ctx).await?;
    let weights = check(&net, args, hotkey, Action::Set).await?;
    let signer = net::hotkey(ctx)?;
    let call = Call::SetWeights {
        netuid: args.netuid,
        dests: args.uids.clone(),
        weights: weights.clone(),
        version_key: args.version_key,
    };
    let tx = net.sign(&signer, call).await?;
    let receipt = net.submit(ctx, &tx, "setting weights").await?;
    let mut value = receipt.json();
    value["netuid"] = json!(args.netuid);
    value["uids"] = json!(args.uids);
    value["weights"] = json!(weights);
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            return format!("{}\n", receipt.hash);
        }
        format!(
            "Set weights on subnet {} for {} uids {}.\n",
            args.netuid,
            args.uids.len(),
            receipt.text()
        )
    })?;
    Ok(())
}

async fn commit(ctx: &Context, args: &CommitArgs) -> Result<()> {
    let hotkey = net::hotkey_account(ctx)?;
    let net = Net::connect(ctx).await?;
    let w = &args.weights;
    let values = check(&net, w, hotkey, Action::Commit).await?;
    let hp = net.subnet(w.netuid).await?.hyperparameters;
    if hp.timelocked_weights {
        return commit_timelocked(ctx, &net, args, hotkey, &values, &hp).await;
    }
    let salt = if args.salt.is_empty() {
        let mut bytes = [0u8; 16];
        rand_core::OsRng.fill_bytes(&mut bytes);
        bytes
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect()
    } else {
        args.salt.clone()
    };
    let hash = commit_hash(&hotkey, w.netuid, &w.uids, &values, &salt, w.version_key);
    let signer = net::hotkey(ctx)?;
    let call = Call::CommitWeights {
        netuid: w.netuid,
        commit_hash: hash,
    };
    let tx = net.sign(&signer, call).await?;
    let receipt = net.submit(ctx, &tx, "committing weights").await?;
    let salt_text = salt
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let mut value = receipt.json();
    value["netuid"] = json!(w.netuid);
    value["commit_hash"] = json!(hash);
    value["salt"] = json!(salt);
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            return format!("{salt_text}\n");
        }
        let uids = w.uids.iter().map(u16::to_string).collect::<Vec<_>>().join(",");
        let weights = values.iter().map(u16::to_string).collect::<Vec<_>>().join(",");
        format!(
            "Committed weights on subnet {} {} (hash {hash}).\nKeep the salt; reveal after the reveal period with:\n  plexus weights reveal --netuid {} --uids {uids} --weights {weights} --salt {salt_text} --version-key {}\n",
            w.netuid,
            receipt.text(),
            w.netuid,
            w.version_key
        )
    })?;
    Ok(())
}

/// Seals the weights to a consensus view `reveal_period_epochs` tempos ahead; the chain opens
/// and applies them itself in the block that carries that view's seed.
async fn commit_timelocked(
    ctx: &Context,
    net: &Net,
    args: &CommitArgs,
    hotkey: AccountId,
    values: &[u16],
    hp: &plexus_runtime::Hyperparameters,
) -> Result<()> {
    let w = &args.weights;
    if !args.salt.is_empty() {
        bail!(
            "subnet {} timelocks weights: a commit has no salt",
            w.netuid
        );
    }
    let info = net.client().info().await?;
    let (reveal, call) = plexus_rpc::timelocked_weights_call(
        &info,
        hp,
        &hotkey,
        w.netuid,
        &w.uids,
        values,
        w.version_key,
    )
    .map_err(|e| anyhow::anyhow!("subnet {} timelocks weights: {e}", w.netuid))?;
    let ahead = info.round().views_until(reveal, info.epoch_length);
    let signer = net::hotkey(ctx)?;
    let tx = net.sign(&signer, call).await?;
    let receipt = net
        .submit(ctx, &tx, "committing timelocked weights")
        .await?;
    let mut value = receipt.json();
    value["netuid"] = json!(w.netuid);
    value["reveal_epoch"] = json!(reveal.epoch);
    value["reveal_view"] = json!(reveal.view);
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            return format!("{} {}\n", reveal.epoch, reveal.view);
        }
        format!(
            "Committed timelocked weights on subnet {} {}.\nThe chain opens and applies them at consensus {reveal}, about {ahead} blocks from now.\n",
            w.netuid,
            receipt.text(),
        )
    })?;
    Ok(())
}

async fn reveal(ctx: &Context, args: &RevealArgs) -> Result<()> {
    let hotkey = net::hotkey_account(ctx)?;
    let net = Net::connect(ctx).await?;
    let w = &args.weights;
    let values = check(&net, w, hotkey, Action::Reveal).await?;
    let signer = net::hotkey(ctx)?;
    let call = Call::RevealWeights {
        netuid: w.netuid,
        uids: w.uids.clone(),
        values: values.clone(),
        salt: args.salt.clone(),
        version_key: w.version_key,
    };
    let tx = net.sign(&signer, call).await?;
    let receipt = net.submit(ctx, &tx, "revealing weights").await?;
    let mut value = receipt.json();
    value["netuid"] = json!(w.netuid);
    value["uids"] = json!(w.uids);
    value["weights"] = json!(values);
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            return format!("{}\n", receipt.hash);
        }
        format!(
            "Revealed weights on subnet {} {}.\n",
            w.netuid,
            receipt.text()
        )
    })?;
    Ok(())
}

async fn show(ctx: &Context, args: &WeightsShowArgs) -> Result<()> {
    let net = Net::connect(ctx).await?;
    let metagraph = net.metagraph(args.netuid, true).await?;
    let rows: Vec<_> = metagraph
        .neurons
        .iter()
        .filter(|n| args.uid.is_none_or(|u| u == n.uid))
        .filter_map(|n| {
            let weights = n.weights.clone().unwrap_or_default();
            (!weights.is_empty() || args.uid.is_some()).then_some((n, weights))
        })
        .collect();
    let value = json!({
        "netuid": args.netuid,
        "block": metagraph.block,
        "weights": rows.iter().map(|(n, w)| json!({
            "uid": n.uid,
            "hotkey": n.hotkey,
            "weights": w,
        })).collect::<Vec<_>>(),
    });
    ctx.out.result(value, || {
        if rows.is_empty() {
            return format!(
                "No weights set on subnet {} at block {}.\n",
                args.netuid, metagraph.block
            );
        }
        let mut table = Table::new(vec![
            Column::right("UID"),
            Column::address("HOTKEY"),
            Column::left("WEIGHTS (uid: share)"),
        ]);
        for (n, weights) in &rows {
            let sum: u64 = weights.iter().map(|(_, w)| u64::from(*w)).sum();
            let shares = weights
                .iter()
                .map(|(uid, w)| format!("{uid}: {}", units::percent(u64::from(*w), sum)))
                .collect::<Vec<_>>()
                .join(", ");
            table.row(vec![n.uid.to_string(), n.hotkey.to_ss58(), shares]);
        }
        format!(
            "Weights on subnet {} at block {}\n\n{}",
            args.netuid,
            metagraph.block,
            table.render(terminal_width())
        )
    })?;
    Ok(())
}
