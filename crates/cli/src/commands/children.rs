//! `plexus stake child …`: child hotkeys and their takes.

use super::net::{self, Net};
use super::Context;
use crate::cli::{ChildCommand, ChildHotkeyArgs, ChildSetArgs, ChildTakeArgs};
use crate::units;
use anyhow::{bail, Result};
use plexus_primitives::AccountId;
use plexus_rpc::types::{Event, HotkeyLink};
use plexus_runtime::{Call, MAX_CHILDREN};
use serde_json::json;

pub(crate) async fn run(ctx: &Context, cmd: ChildCommand) -> Result<()> {
    match cmd {
        ChildCommand::Get(args) => get(ctx, &args).await,
        ChildCommand::Set(args) => set(ctx, &args).await,
        ChildCommand::Revoke(args) => schedule(ctx, &args, Vec::new()).await,
        ChildCommand::Take(args) => take(ctx, &args).await,
    }
}

/// A proportion in parts per million as a share of `u64::MAX`, rounded down.
fn ppm_to_proportion(ppm: u64) -> u64 {
    let scaled = u128::from(ppm.min(1_000_000)) * u128::from(u64::MAX) / 1_000_000;
    u64::try_from(scaled).unwrap_or(u64::MAX)
}

/// `u64::MAX`-based proportion as a percentage with two decimals, rounded to nearest.
fn percent(proportion: u64) -> String {
    let max = u128::from(u64::MAX);
    let basis_points = (u128::from(proportion) * 10_000 + max / 2) / max;
    format!("{}.{:02}%", basis_points / 100, basis_points % 100)
}

fn describe(links: &[HotkeyLink]) -> String {
    if links.is_empty() {
        return "none".into();
    }
    links
        .iter()
        .map(|l| format!("{} ({})", l.hotkey, percent(l.proportion)))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn get(ctx: &Context, args: &ChildHotkeyArgs) -> Result<()> {
    let hotkey = net::hotkey_or_wallet(ctx, args.hotkey_ss58.as_deref())?;
    let net = Net::connect(ctx).await?;
    let links = net
        .client()
        .hotkey_links(hotkey, args.netuid, None)
        .await
        .map_err(|e| net.query_error(e))?;
    ctx.out.result(json!(links), || {
        let mut text = format!(
            "Hotkey {hotkey} on subnet {} at block {}\n",
            args.netuid, links.block
        );
        text.push_str(&format!("  children       {}\n", describe(&links.children)));
        text.push_str(&format!("  parents        {}\n", describe(&links.parents)));
        if let Some(pending) = &links.pending {
            text.push_str(&format!(
                "  pending        {} (at the first epoch after block {})\n",
                describe(&pending.children),
                pending.cooldown_block
            ));
        }
        text.push_str(&format!(
            "  childkey take  {}\n",
            units::share(links.childkey_take)
        ));
        text.push_str(&format!(
            "  stake weight   {} ({} + root {})\n",
            units::alpha(links.stake_weight, args.netuid),
            units::alpha(links.inherited_alpha, args.netuid),
            units::tao(links.inherited_root),
        ));
        text
    })?;
    Ok(())
}

async fn set(ctx: &Context, args: &ChildSetArgs) -> Result<()> {
    if args.children.len() != args.proportions.len() {
        bail!(
            "{} children but {} proportions: give one proportion per child",
            args.children.len(),
            args.proportions.len()
        );
    }
    if args.children.len() > MAX_CHILDREN {
        bail!("at most {MAX_CHILDREN} children per hotkey and subnet");
    }
    let total: u64 = args.proportions.iter().sum();
    if total > 1_000_000 {
        bail!("the proportions add up to more than 100%");
    }
    let children = args
        .children
        .iter()
        .zip(&args.proportions)
        .map(|(child, ppm)| {
            Ok((
                ppm_to_proportion(*ppm),
                net::parse_address(child, "child hotkey")?,
            ))
        })
        .collect::<Result<Vec<(u64, AccountId)>>>()?;
    schedule(ctx, &args.parent, children).await
}

/// Sends `set_children` (empty: revoke) and reports when they take effect.
async fn schedule(
    ctx: &Context,
    args: &ChildHotkeyArgs,
    children: Vec<(u64, AccountId)>,
) -> Result<()> {
    let hotkey = net::hotkey_or_wallet(ctx, args.hotkey_ss58.as_deref())?;
    let netuid = args.netuid;
    let net = Net::connect(ctx).await?;
    let signer = net::coldkey(ctx)?;
    let tx = net
        .sign(
            &signer,
            Call::SetChildren {
                hotkey,
                netuid,
                children: children.clone(),
            },
        )
        .await?;
    let fee = net.fee(&tx).await?;
    let links: Vec<HotkeyLink> = children
        .iter()
        .map(|(proportion, hotkey)| HotkeyLink {
            hotkey: *hotkey,
            proportion: *proportion,
        })
        .collect();
    let question = if links.is_empty() {
        format!(
            "Revoke every child of {hotkey} on subnet {netuid} (fee {})?",
            units::tao(fee)
        )
    } else {
        format!(
            "Make {} the children of {hotkey} on subnet {netuid} (fee {})?",
            describe(&links),
            units::tao(fee)
        )
    };
    net::confirm(ctx, &question)?;
    let receipt = net.submit(ctx, &tx, "setting children").await?;
    let cooldown = receipt.events.iter().find_map(|e| match e {
        Event::ChildrenScheduled { cooldown_block, .. } => Some(*cooldown_block),
        _ => None,
    });
    let mut value = receipt.json();
    value["hotkey"] = json!(hotkey);
    value["netuid"] = json!(netuid);
    value["children"] = json!(links);
    value["cooldown_block"] = json!(cooldown);
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            return format!("{}\n", receipt.hash);
        }
        let when = match cooldown {
            Some(block) => {
                format!("they take effect at subnet {netuid}'s first epoch after block {block}")
            }
            None => "in effect now".into(),
        };
        format!("Children of {hotkey} set {}; {when}.\n", receipt.text())
    })?;
    Ok(())
}

async fn take(ctx: &Context, args: &ChildTakeArgs) -> Result<()> {
    let hotkey = net::hotkey_or_wallet(ctx, args.child.hotkey_ss58.as_deref())?;
    let netuid = args.child.netuid;
    let net = Net::connect(ctx).await?;
    let current = net
        .client()
        .hotkey_links(hotkey, netuid, None)
        .await
        .map_err(|e| net.query_error(e))?
        .childkey_take;
    let Some(ppm) = args.take else {
        let value = json!({ "hotkey": hotkey, "netuid": netuid, "take": current });
        ctx.out.result(value, || {
            format!(
                "Childkey take of {hotkey} on subnet {netuid}: {}\n",
                units::share(current)
            )
        })?;
        return Ok(());
    };
    let take = units::ppm_to_u16(ppm);
    if take == current {
        bail!(
            "the childkey take of {hotkey} on subnet {netuid} is already {}",
            units::share(current)
        );
    }
    let signer = net::coldkey(ctx)?;
    let tx = net
        .sign(
            &signer,
            Call::SetChildkeyTake {
                hotkey,
                netuid,
                take,
            },
        )
        .await?;
    let fee = net.fee(&tx).await?;
    net::confirm(
        ctx,
        &format!(
            "Change the childkey take of {hotkey} on subnet {netuid} from {} to {} (fee {})?",
            units::share(current),
            units::share(take),
            units::tao(fee)
        ),
    )?;
    let receipt = net.submit(ctx, &tx, "setting the childkey take").await?;
    let mut value = receipt.json();
    value["hotkey"] = json!(hotkey);
    value["netuid"] = json!(netuid);
    value["take"] = json!(take);
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            return format!("{}\n", receipt.hash);
        }
        format!(
            "Childkey take of {hotkey} on subnet {netuid} is now {}, {}.\n",
            units::share(take),
            receipt.text()
        )
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_proportions_round_down_and_print_as_percentages() {
        assert_eq!(ppm_to_proportion(1_000_000), u64::MAX);
        assert_eq!(ppm_to_proportion(500_000), u64::MAX / 2);
        assert_eq!(ppm_to_proportion(0), 0);
        assert_eq!(percent(u64::MAX), "100.00%");
        assert_eq!(percent(ppm_to_proportion(250_000)), "25.00%");
        assert_eq!(percent(ppm_to_proportion(123_456)), "12.35%");
    }
}
