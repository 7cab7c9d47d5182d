//! `plexus root …`: the root network's figures and root stakers' dividends. Staking on root is
//! `plexus stake add --netuid 0`.

use super::net::{self, Net};
use super::Context;
use crate::cli::{
    ClaimKind, RootClaimArgs, RootClaimTypeArgs, RootClaimableArgs, RootCommand, RootRegisterArgs,
};
use crate::table::{terminal_width, Column, Table};
use crate::units;
use anyhow::{bail, Result};
use plexus_primitives::NetUid;
use plexus_rpc::types::Event;
use plexus_runtime::{Call, RootClaimType, MAX_CLAIM_SUBNETS};
use serde_json::json;

pub(crate) async fn run(ctx: &Context, cmd: RootCommand) -> Result<()> {
    match cmd {
        RootCommand::Info => info(ctx).await,
        RootCommand::Claimable(args) => claimable(ctx, &args).await,
        RootCommand::Claim(args) => claim(ctx, &args).await,
        RootCommand::Register(args) => register(ctx, &args).await,
        RootCommand::ClaimType(args) => claim_type(ctx, &args).await,
    }
}

/// Parts per billion as a percentage with three decimals.
fn ppb_percent(ppb: u64) -> String {
    format!("{}.{:03}%", ppb / 10_000_000, (ppb / 10_000) % 1_000)
}

async fn info(ctx: &Context) -> Result<()> {
    let net = Net::connect(ctx).await?;
    let root = net
        .client()
        .root(None)
        .await
        .map_err(|e| net.query_error(e))?;
    ctx.out.result(json!(root), || {
        let weight_ppb = u128::from(root.tao_weight) * 1_000_000_000 / u128::from(u64::MAX);
        let mut text = format!(
            "Root at block {}: {} staked, tao_weight {}, {} automatic claims per block \
             (threshold {})\n\n",
            root.block,
            units::tao(root.total_tao),
            ppb_percent(u64::try_from(weight_ppb).unwrap_or(u64::MAX)),
            root.num_root_claims,
            units::alpha_short(root.claim_threshold, 1),
        );
        let mut table = Table::new(vec![
            Column::right("NETUID"),
            Column::right("ROOT PROPORTION"),
            Column::right("UNCLAIMED"),
        ]);
        for subnet in &root.subnets {
            table.row(vec![
                subnet.netuid.to_string(),
                ppb_percent(subnet.root_proportion_ppb),
                units::alpha(subnet.unclaimed_alpha, subnet.netuid),
            ]);
        }
        text.push_str(&table.render(terminal_width()));
        if !root.validators.is_empty() {
            let mut members = Table::new(vec![
                Column::right("UID"),
                Column::address("HOTKEY"),
                Column::right("ROOT STAKE"),
                Column::right("SINCE").optional(1),
            ]);
            for v in &root.validators {
                members.row(vec![
                    v.uid.to_string(),
                    v.hotkey.to_ss58(),
                    units::tao_short(v.tao),
                    v.registered_at.to_string(),
                ]);
            }
            text.push_str("\nRegistered on root\n\n");
            text.push_str(&members.render(terminal_width()));
        }
        text
    })?;
    Ok(())
}

async fn register(ctx: &Context, args: &RootRegisterArgs) -> Result<()> {
    let hotkey = net::hotkey_or_wallet(ctx, args.hotkey_ss58.as_deref())?;
    let net = Net::connect(ctx).await?;
    let signer = net::coldkey(ctx)?;
    let receipt = net
        .send(
            ctx,
            &signer,
            Call::RootRegister { hotkey },
            &format!("Register {hotkey} on root"),
            "registering on root",
        )
        .await?;
    let (uid, replaced) = receipt
        .events
        .iter()
        .find_map(|e| match e {
            Event::NeuronRegistered {
                netuid: 0,
                uid,
                replaced,
                ..
            } => Some((*uid, *replaced)),
            _ => None,
        })
        .unzip();
    let replaced = replaced.flatten();
    let mut value = receipt.json();
    value["hotkey"] = json!(hotkey);
    value["uid"] = json!(uid);
    value["replaced"] = json!(replaced);
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            return format!("{}\n", receipt.hash);
        }
        let instead = replaced.map_or(String::new(), |r| format!(" in place of {r}"));
        format!(
            "{hotkey} registered on root as uid {}{instead}, {}.\n",
            uid.unwrap_or_default(),
            receipt.text()
        )
    })?;
    Ok(())
}

async fn claimable(ctx: &Context, args: &RootClaimableArgs) -> Result<()> {
    let coldkey = net::address_or_coldkey(ctx, args.coldkey_ss58.as_deref(), "coldkey")?;
    let net = Net::connect(ctx).await?;
    let claims = net
        .client()
        .root_claims(coldkey, None)
        .await
        .map_err(|e| net.query_error(e))?;
    ctx.out.result(json!(claims), || {
        let kind = match &claims.claim_type {
            RootClaimType::Swap => "swap to TAO".to_string(),
            RootClaimType::Keep => "keep alpha".to_string(),
            RootClaimType::KeepSubnets { subnets } => {
                let list: Vec<String> = subnets.iter().map(u16::to_string).collect();
                format!("keep alpha on {}, swap elsewhere", list.join(","))
            }
        };
        let mut text = format!(
            "Root stake of {coldkey} at block {} (claims: {kind})\n",
            claims.block
        );
        if claims.stakes.is_empty() {
            text.push_str("  no root stake\n");
        }
        for stake in &claims.stakes {
            text.push_str(&format!("  {}  {}\n", stake.hotkey, units::tao(stake.tao)));
        }
        if claims.owed.is_empty() {
            text.push_str("\nNothing to claim.\n");
            return text;
        }
        let mut table = Table::new(vec![
            Column::address("HOTKEY"),
            Column::right("NETUID"),
            Column::right("CLAIMABLE"),
        ]);
        for owed in &claims.owed {
            table.row(vec![
                owed.hotkey.to_ss58(),
                owed.netuid.to_string(),
                units::alpha(owed.alpha, owed.netuid),
            ]);
        }
        text.push('\n');
        text.push_str(&table.render(terminal_width()));
        text
    })?;
    Ok(())
}

async fn claim(ctx: &Context, args: &RootClaimArgs) -> Result<()> {
    let net = Net::connect(ctx).await?;
    let signer = net::coldkey(ctx)?;
    let coldkey = net::coldkey_account(ctx)?;
    let mut netuids: Vec<NetUid> = args.netuids.clone();
    if netuids.is_empty() {
        // The subnets with most owed, summed over hotkeys.
        let claims = net
            .client()
            .root_claims(coldkey, None)
            .await
            .map_err(|e| net.query_error(e))?;
        let mut owed: Vec<(NetUid, u128)> = Vec::new();
        for o in &claims.owed {
            match owed.iter_mut().find(|(n, _)| *n == o.netuid) {
                Some(entry) => entry.1 += u128::from(o.alpha),
                None => owed.push((o.netuid, u128::from(o.alpha))),
            }
        }
        if owed.is_empty() {
            bail!("{coldkey} has no root dividends to claim");
        }
        owed.sort_by_key(|(netuid, amount)| (std::cmp::Reverse(*amount), *netuid));
        netuids = owed
            .into_iter()
            .take(MAX_CLAIM_SUBNETS)
            .map(|(n, _)| n)
            .collect();
    }
    if netuids.len() > MAX_CLAIM_SUBNETS {
        bail!("at most {MAX_CLAIM_SUBNETS} subnets per claim");
    }
    let list: Vec<String> = netuids.iter().map(u16::to_string).collect();
    let receipt = net
        .send(
            ctx,
            &signer,
            Call::ClaimRoot {
                subnets: netuids.clone(),
            },
            &format!(
                "Claim the root dividends of {coldkey} from subnets {}",
                list.join(",")
            ),
            "claiming",
        )
        .await?;
    let claimed: Vec<_> = receipt
        .events
        .iter()
        .filter_map(|e| match e {
            Event::RootClaimed {
                hotkey,
                netuid,
                alpha,
                tao,
                ..
            } => Some((*hotkey, *netuid, *alpha, *tao)),
            _ => None,
        })
        .collect();
    let mut value = receipt.json();
    value["claims"] = json!(claimed
        .iter()
        .map(|(hotkey, netuid, alpha, tao)| json!({
            "hotkey": hotkey,
            "netuid": netuid,
            "alpha": alpha.to_string(),
            "tao": tao.map(|t| t.to_string()),
        }))
        .collect::<Vec<_>>());
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            return format!("{}\n", receipt.hash);
        }
        let mut text = format!("Root dividends claimed {}:\n", receipt.text());
        for (hotkey, netuid, alpha, tao) in &claimed {
            let became = match tao {
                Some(tao) => format!("sold for {} staked on root", units::tao(*tao)),
                None => format!("staked on subnet {netuid}"),
            };
            text.push_str(&format!(
                "  {} through {hotkey}, {became}\n",
                units::alpha(*alpha, *netuid)
            ));
        }
        text
    })?;
    Ok(())
}

async fn claim_type(ctx: &Context, args: &RootClaimTypeArgs) -> Result<()> {
    let claim_type = match args.kind {
        ClaimKind::Swap => RootClaimType::Swap,
        ClaimKind::Keep => RootClaimType::Keep,
        ClaimKind::KeepSubnets => RootClaimType::KeepSubnets {
            subnets: args.netuids.clone(),
        },
    };
    let net = Net::connect(ctx).await?;
    let signer = net::coldkey(ctx)?;
    let coldkey = net::coldkey_account(ctx)?;
    let receipt = net
        .send(
            ctx,
            &signer,
            Call::SetRootClaimType {
                claim_type: claim_type.clone(),
            },
            &format!("Set how root dividends of {coldkey} are claimed"),
            "setting the claim type",
        )
        .await?;
    let mut value = receipt.json();
    value["coldkey"] = json!(coldkey);
    value["claim_type"] = json!(claim_type);
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            return format!("{}\n", receipt.hash);
        }
        format!("Root claim type of {coldkey} set, {}.\n", receipt.text())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_ppb_prints_as_percentage() {
        assert_eq!(ppb_percent(1_000_000_000), "100.000%");
        assert_eq!(ppb_percent(52_676_900), "5.267%");
        assert_eq!(ppb_percent(0), "0.000%");
    }
}
