//! Identities and delegates: how coldkeys describe themselves to stakers, and the hotkeys
//! stakers can choose between.

use super::net::{self, Net};
use super::Context;
use crate::cli::{
    DelegatesListArgs, GetIdentityArgs, NetuidArgs, SetIdentityArgs, SetSymbolArgs,
    SubnetIdentityArgs,
};
use crate::table::{terminal_width, Column, Table};
use crate::units;
use anyhow::{bail, Result};
use plexus_runtime::{Call, ChainIdentity, SubnetIdentity, SYMBOLS};
use serde_json::json;

/// `plexus wallet set-identity`: the wallet's coldkey describes itself.
pub(crate) async fn set(ctx: &Context, args: SetIdentityArgs) -> Result<()> {
    let identity = ChainIdentity {
        name: args.name,
        url: args.url,
        github_repo: args.github_repo,
        image: args.image,
        discord: args.discord,
        description: args.description,
        additional: args.additional,
    };
    let net = Net::connect(ctx).await?;
    let signer = net::coldkey(ctx)?;
    let coldkey = net::coldkey_account(ctx)?;
    let removing = identity == ChainIdentity::default();
    let tx = net
        .sign(
            &signer,
            Call::SetIdentity {
                identity: identity.clone(),
            },
        )
        .await?;
    let fee = net.fee(&tx).await?;
    let question = if removing {
        format!(
            "Remove the identity of {coldkey} (fee {})?",
            units::tao(fee)
        )
    } else {
        format!(
            "Set the identity of {coldkey} to \"{}\" (fee {})?",
            identity.name,
            units::tao(fee)
        )
    };
    net::confirm(ctx, &question)?;
    let receipt = net.submit(ctx, &tx, "setting the identity").await?;
    let mut value = receipt.json();
    value["coldkey"] = json!(coldkey);
    value["identity"] = json!(identity);
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            return format!("{}\n", receipt.hash);
        }
        let what = if removing { "removed" } else { "set" };
        format!("Identity of {coldkey} {what}, {}.\n", receipt.text())
    })?;
    Ok(())
}

/// `plexus wallet get-identity`: how a coldkey describes itself.
pub(crate) async fn get(ctx: &Context, args: GetIdentityArgs) -> Result<()> {
    let coldkey = net::address_or_coldkey(ctx, args.coldkey_ss58.as_deref(), "coldkey")?;
    let net = Net::connect(ctx).await?;
    let info = net
        .client()
        .identity(coldkey, None)
        .await
        .map_err(|e| net.query_error(e))?;
    ctx.out.result(json!(info), || match &info.identity {
        None => format!("{coldkey} has no identity.\n"),
        Some(identity) => {
            let mut text = format!("Identity of {coldkey} at block {}\n", info.block);
            for (field, value) in [
                ("name", &identity.name),
                ("url", &identity.url),
                ("github", &identity.github_repo),
                ("image", &identity.image),
                ("discord", &identity.discord),
                ("description", &identity.description),
                ("additional", &identity.additional),
            ] {
                if !value.is_empty() {
                    text.push_str(&format!("  {field:<12} {value}\n"));
                }
            }
            text
        }
    })?;
    Ok(())
}

/// `plexus delegate list`: every delegate, or those one coldkey stakes through, most staked
/// first.
pub(crate) async fn delegates(ctx: &Context, args: &DelegatesListArgs) -> Result<()> {
    let nominator = match (&args.coldkey_ss58, args.mine) {
        (Some(text), _) => Some(net::parse_address(text, "coldkey")?),
        (None, true) => Some(net::coldkey_account(ctx)?),
        (None, false) => None,
    };
    let net = Net::connect(ctx).await?;
    let answer = match nominator {
        Some(coldkey) => net.client().delegated_by(coldkey, None).await,
        None => net.client().delegates(None).await,
    };
    let mut answer = answer.map_err(|e| net.query_error(e))?;
    let nominators = |d: &plexus_rpc::types::DelegateInfo| {
        let mut coldkeys: Vec<_> = d
            .stakes
            .iter()
            .flat_map(|s| s.nominators.iter().map(|n| n.coldkey))
            .collect();
        coldkeys.sort_unstable();
        coldkeys.dedup();
        coldkeys.len()
    };
    answer.delegates.sort_by_key(|d| {
        let staked: u128 = d.stakes.iter().map(|s| u128::from(s.total_alpha)).sum();
        std::cmp::Reverse(staked)
    });
    ctx.out.result(json!(answer), || {
        // For one coldkey, its own stake in each delegate rather than everyone's.
        let (count, stake_header) = match nominator {
            Some(_) => ("", "YOUR STAKE"),
            None => ("NOMINATORS", "STAKE"),
        };
        let mut columns = vec![
            Column::address("HOTKEY"),
            Column::left("NAME"),
            Column::right("TAKE"),
        ];
        if nominator.is_none() {
            columns.push(Column::right(count));
        }
        columns.push(Column::left("SUBNETS"));
        columns.push(Column::left(stake_header).optional(1));
        let mut table = Table::new(columns);
        for d in &answer.delegates {
            let subnets: Vec<String> = d.registrations.iter().map(u16::to_string).collect();
            let stake: Vec<String> = d
                .stakes
                .iter()
                .map(|s| {
                    let alpha = match nominator {
                        Some(_) => s.nominators.iter().map(|n| n.alpha).sum(),
                        None => s.total_alpha,
                    };
                    units::alpha_short(alpha, s.netuid)
                })
                .collect();
            let mut row = vec![
                d.hotkey.to_ss58(),
                d.identity
                    .as_ref()
                    .map(|i| i.name.clone())
                    .unwrap_or_default(),
                units::share(d.take),
            ];
            if nominator.is_none() {
                row.push(nominators(d).to_string());
            }
            row.push(subnets.join(","));
            row.push(stake.join(" "));
            table.row(row);
        }
        let whose = nominator.map_or(String::new(), |c| format!(" of {c}"));
        if table.is_empty() {
            return format!("No delegates{whose} at block {}.\n", answer.block);
        }
        format!(
            "Delegates{whose} at block {}\n\n{}",
            answer.block,
            table.render(terminal_width())
        )
    })?;
    Ok(())
}

/// `plexus subnets set-identity`: the owner describes a subnet.
pub(crate) async fn set_subnet(ctx: &Context, args: SubnetIdentityArgs) -> Result<()> {
    let netuid = args.netuid;
    let identity = SubnetIdentity {
        name: args.name,
        github_repo: args.github_repo,
        contact: args.contact,
        url: args.url,
        discord: args.discord,
        description: args.description,
        logo_url: args.logo_url,
        additional: args.additional,
    };
    let net = Net::connect(ctx).await?;
    let subnet = net.subnet(netuid).await?;
    let signer = net::coldkey(ctx)?;
    let acting = net::coldkey_account(ctx)?;
    if subnet.summary.owner_coldkey != acting {
        bail!(
            "only the owner of subnet {netuid} ({}) may describe it; this wallet's coldkey is {}",
            subnet.summary.owner_coldkey,
            acting
        );
    }
    let tx = net
        .sign(
            &signer,
            Call::SetSubnetIdentity {
                netuid,
                identity: identity.clone(),
            },
        )
        .await?;
    let fee = net.fee(&tx).await?;
    net::confirm(
        ctx,
        &format!(
            "Set the identity of subnet {netuid} to \"{}\" (fee {})?",
            identity.name,
            units::tao(fee)
        ),
    )?;
    let receipt = net.submit(ctx, &tx, "setting the identity").await?;
    let mut value = receipt.json();
    value["netuid"] = json!(netuid);
    value["identity"] = json!(identity);
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            return format!("{}\n", receipt.hash);
        }
        format!("Identity of subnet {netuid} set, {}.\n", receipt.text())
    })?;
    Ok(())
}

/// `plexus subnets get-identity`: how a subnet is described, and its token's symbol.
pub(crate) async fn get_subnet(ctx: &Context, args: &NetuidArgs) -> Result<()> {
    let net = Net::connect(ctx).await?;
    let subnet = net.subnet(args.netuid).await?;
    let value = json!({
        "netuid": args.netuid,
        "symbol": subnet.summary.symbol,
        "identity": subnet.identity,
        "block": subnet.block,
    });
    ctx.out.result(value, || {
        let mut text = format!(
            "Subnet {} ({}) at block {}\n",
            args.netuid, subnet.summary.symbol, subnet.block
        );
        match &subnet.identity {
            None => text.push_str("  no identity\n"),
            Some(identity) => {
                for (field, value) in [
                    ("name", &identity.name),
                    ("github", &identity.github_repo),
                    ("contact", &identity.contact),
                    ("url", &identity.url),
                    ("discord", &identity.discord),
                    ("description", &identity.description),
                    ("logo", &identity.logo_url),
                    ("additional", &identity.additional),
                ] {
                    if !value.is_empty() {
                        text.push_str(&format!("  {field:<12} {value}\n"));
                    }
                }
            }
        }
        text
    })?;
    Ok(())
}

/// `plexus subnets set-symbol`: the owner renames the subnet's token.
pub(crate) async fn set_symbol(ctx: &Context, args: &SetSymbolArgs) -> Result<()> {
    let netuid = args.netuid;
    let symbol = args.symbol.trim();
    if !SYMBOLS.iter().skip(1).any(|s| *s == symbol) {
        bail!(
            "{symbol:?} is not a subnet token symbol; choose one of: {}",
            SYMBOLS[1..].join(" ")
        );
    }
    let net = Net::connect(ctx).await?;
    let signer = net::coldkey(ctx)?;
    let tx = net
        .sign(
            &signer,
            Call::UpdateSymbol {
                netuid,
                symbol: symbol.to_string(),
            },
        )
        .await?;
    let fee = net.fee(&tx).await?;
    net::confirm(
        ctx,
        &format!(
            "Make {symbol} the symbol of subnet {netuid}'s token (fee {})?",
            units::tao(fee)
        ),
    )?;
    let receipt = net.submit(ctx, &tx, "setting the symbol").await?;
    let mut value = receipt.json();
    value["netuid"] = json!(netuid);
    value["symbol"] = json!(symbol);
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            return format!("{}\n", receipt.hash);
        }
        format!(
            "Subnet {netuid}'s token is now {symbol}, {}.\n",
            receipt.text()
        )
    })?;
    Ok(())
}
