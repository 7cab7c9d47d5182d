//! `plexus randomness`: the beacon a finalized block records, and whether its proof checks.
//!
//! The proof is the validators' group signature over a consensus round: checked here against
//! the group key given (the chain spec's), or else the one the node reports.

use super::net::Net;
use super::Context;
use crate::cli::RandomnessArgs;
use anyhow::{bail, Context as _, Result};
use serde_json::json;
use std::process::ExitCode;

pub(crate) fn run(ctx: &Context, args: &RandomnessArgs) -> Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(show(ctx, args))
}

async fn show(ctx: &Context, args: &RandomnessArgs) -> Result<ExitCode> {
    let net = Net::connect(ctx).await?;
    let client = net.client();
    let height = match args.height {
        Some(height) => height,
        None => client.finalized_head().await?.number,
    };
    let pinned = match &args.group_key {
        Some(text) => Some(
            hex::decode(text.trim_start_matches("0x"))
                .ok()
                .filter(|k| k.len() == plexus_timelock::IDENTITY_LEN)
                .with_context(|| format!("--group-key {text}: not 96 bytes of hex"))?,
        ),
        None => None,
    };
    let Some(beacon) = client.randomness(height).await? else {
        bail!(
            "block {height} records no randomness: it is not finalized yet, is block 0 or 1, or the chain has no group key"
        );
    };
    let group_key = pinned.clone().unwrap_or_else(|| beacon.group_key.clone());
    let round = plexus_timelock::Round {
        epoch: beacon.epoch,
        view: beacon.view,
    };
    let signature: Option<&[u8; plexus_timelock::SIGNATURE_LEN]> =
        beacon.signature.as_slice().try_into().ok();
    let verified = signature.is_some_and(|signature| {
        plexus_timelock::verify_seed(&group_key, &beacon.namespace, round, signature)
            && plexus_timelock::beacon(signature) == beacon.randomness.0
    }) && pinned.as_ref().is_none_or(|k| *k == beacon.group_key);
    ctx.out.result(
        json!({
            "height": beacon.height,
            "block_hash": beacon.block_hash,
            "epoch": beacon.epoch,
            "view": beacon.view,
            "randomness": beacon.randomness,
            "signature": format!("0x{}", hex::encode(&beacon.signature)),
            "group_key": format!("0x{}", hex::encode(&group_key)),
            "verified": verified,
            "against": if pinned.is_some() { "given group key" } else { "the node's group key" },
        }),
        || {
            if ctx.out.is_quiet() {
                return format!("{}\n", beacon.randomness);
            }
            format!(
                "Block {} ({}) records the seed of view {}:\n  randomness {}\n  {} against {}\n",
                beacon.height,
                beacon.block_hash,
                beacon.view,
                beacon.randomness,
                if verified {
                    "verified"
                } else {
                    "DOES NOT VERIFY"
                },
                if pinned.is_some() {
                    "the given group key"
                } else {
                    "the group key the node reports"
                },
            )
        },
    )?;
    Ok(if verified {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
