//! `plexus balance` and `plexus transfer`.

use super::net::{self, Net};
use super::Context;
use crate::cli::{BalanceArgs, TransferArgs};
use crate::table::{terminal_width, Column, Table};
use crate::units;
use anyhow::{bail, Result};
use plexus_keys::{wallet::wallet_names, Wallet};
use plexus_primitives::{AccountId, Balance};
use plexus_rpc::types::{Event, StakeEntry};
use plexus_runtime::Call;
use serde_json::{json, Value};
use std::fmt::Write as _;

/// One account's holdings.
struct Holdings {
    name: String,
    address: AccountId,
    free: Balance,
    stakes: Vec<StakeEntry>,
}

impl Holdings {
    /// What the stakes would sell for now (stakes the pool would refuse count as nothing).
    fn staked_value(&self) -> Balance {
        self.stakes
            .iter()
            .map(|s| s.tao_value.unwrap_or(0))
            .fold(0, Balance::saturating_add)
    }
}

/// The accounts `balance` reports on: addresses given, every wallet, or the wallet's coldkey.
fn accounts(ctx: &Context, args: &BalanceArgs) -> Result<Vec<(String, AccountId)>> {
    if !args.ss58.is_empty() {
        return args
            .ss58
            .iter()
            .map(|a| Ok((String::new(), net::parse_address(a, "address")?)))
            .collect();
    }
    if args.all {
        let root = ctx.wallet.dir();
        let root = root.parent().unwrap_or(&root);
        let mut found = Vec::new();
        for name in wallet_names(root)? {
            let wallet = Wallet::new(root, &name, ctx.wallet.hotkey_name())?;
            if let Ok(public) = wallet.coldkeypub() {
                found.push((name, public.account));
            }
        }
        if found.is_empty() {
            bail!(
                "no wallets with a coldkey under {}; create one with `plexus wallet create`",
                root.display()
            );
        }
        return Ok(found);
    }
    Ok(vec![(
        ctx.wallet.name().to_string(),
        net::coldkey_account(ctx)?,
    )])
}

pub(crate) async fn balance(ctx: &Context, args: BalanceArgs) -> Result<()> {
    let accounts = accounts(ctx, &args)?;
    let net = Net::connect(ctx).await?;
    let mut all = Vec::new();
    let mut block = 0;
    for (name, address) in accounts {
        let info = net
            .client()
            .account(address, None)
            .await
            .map_err(|e| net.query_error(e))?;
        let stake = net
            .client()
            .stake(address, None)
            .await
            .map_err(|e| net.query_error(e))?;
        block = info.block;
        all.push(Holdings {
            name,
            address,
            free: info.balance,
            stakes: stake.stakes,
        });
    }
    let total_free = all.iter().map(|h| h.free).fold(0, Balance::saturating_add);
    let total_staked = all
        .iter()
        .map(Holdings::staked_value)
        .fold(0, Balance::saturating_add);
    let value = json!({
        "block": block,
        "accounts": all.iter().map(|h| json!({
            "name": h.name,
            "address": h.address,
            "free": h.free.to_string(),
            "staked_value": h.staked_value().to_string(),
            "total": h.free.saturating_add(h.staked_value()).to_string(),
            "stakes": h.stakes.iter().map(stake_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "free": total_free.to_string(),
        "staked_value": total_staked.to_string(),
        "total": total_free.saturating_add(total_staked).to_string(),
    });
    ctx.out.result(value, || {
        let mut table = Table::new(vec![
            Column::left("WALLET"),
            Column::address("COLDKEY"),
            Column::right("FREE"),
            Column::right("STAKED (VALUE)"),
            Column::right("TOTAL"),
        ]);
        for h in &all {
            table.row(vec![
                h.name.clone(),
                h.address.to_ss58(),
                units::tao_short(h.free),
                units::tao_short(h.staked_value()),
                units::tao_short(h.free.saturating_add(h.staked_value())),
            ]);
        }
        if all.len() > 1 {
            table.row(vec![
                "total".into(),
                String::new(),
                units::tao_short(total_free),
                units::tao_short(total_staked),
                units::tao_short(total_free.saturating_add(total_staked)),
            ]);
        }
        let width = terminal_width();
        let mut text = format!("Balances at block {block}\n\n{}", table.render(width));
        let stakes = stake_table(&all);
        if !stakes.is_empty() {
            let _ = write!(
                text,
                "\nStake (valued at what selling now would pay)\n\n{}",
                stakes.render(width)
            );
        }
        text
    })?;
    Ok(())
}

pub(crate) fn stake_json(s: &StakeEntry) -> Value {
    json!({
        "netuid": s.netuid,
        "hotkey": s.hotkey,
        "alpha": s.alpha.to_string(),
        "tao_value": s.tao_value.map(|v| v.to_string()),
    })
}

/// One row per stake: wallet, subnet, hotkey, alpha, value.
fn stake_table(all: &[Holdings]) -> Table {
    let mut table = Table::new(vec![
        Column::left("WALLET"),
        Column::right("NETUID"),
        Column::address("HOTKEY"),
        Column::right("STAKE"),
        Column::right("VALUE"),
    ]);
    for h in all {
        for s in &h.stakes {
            table.row(vec![
                h.name.clone(),
                s.netuid.to_string(),
                s.hotkey.to_ss58(),
                units::alpha_short(s.alpha, s.netuid),
                s.tao_value
                    .map_or_else(|| "unsellable".into(), units::tao_short),
            ]);
        }
    }
    table
}

pub(crate) async fn transfer(ctx: &Context, args: TransferArgs) -> Result<()> {
    let dest = net::parse_address(&args.dest, "destination")?;
    let from = net::coldkey_account(ctx)?;
    if dest == from {
        bail!("the destination is the wallet's own coldkey; nothing to send");
    }
    let net = Net::connect(ctx).await?;
    let ed = net.info.params.existential_deposit;
    let free = net.free_balance(from).await?;
    let call = match (args.amount, args.all) {
        (Some(value), _) if args.allow_death => Call::Transfer { dest, value },
        (Some(value), _) => Call::TransferKeepAlive { dest, value },
        (None, _) => Call::TransferAll {
            dest,
            keep_alive: !args.allow_death,
        },
    };
    let signer = net::coldkey(ctx)?;
    let tx = net.sign(&signer, call).await?;
    let fee = net.fee(&tx).await?;
    let amount = match args.amount {
        Some(amount) => amount,
        None => {
            let keep = if args.allow_death { 0 } else { ed };
            free.saturating_sub(fee).saturating_sub(keep)
        }
    };
    net::ensure_funds(amount.saturating_add(fee), free)?;
    if args.amount.is_some() && !args.allow_death && free - amount - fee < ed {
        bail!(
            "sending {} would leave {} after the fee, below the existential deposit of {}: send less, or pass --allow-death to empty the account",
            units::tao(amount),
            units::tao(free - amount - fee),
            units::tao(ed)
        );
    }
    if amount == 0 {
        bail!("nothing to send: {} free", units::tao(free));
    }
    if amount < ed && net.free_balance(dest).await? == 0 {
        bail!(
            "{} is below the existential deposit of {}, and {} has no balance yet: send at least that much",
            units::tao(amount),
            units::tao(ed),
            dest
        );
    }
    net::confirm(
        ctx,
        &format!(
            "Send {} to {dest} (fee {})?",
            units::tao(amount),
            units::tao(fee)
        ),
    )?;
    let receipt = net.submit(ctx, &tx, "transfer").await?;
    // What arrived, as the chain reports it (a transfer of everything is sized in the block).
    let amount = receipt
        .events
        .iter()
        .find_map(|e| match e {
            Event::Transfer { amount, .. } => Some(*amount),
            _ => None,
        })
        .unwrap_or(amount);
    let new_balance = net.free_balance(from).await?;
    let mut value = receipt.json();
    value["from"] = json!(from);
    value["to"] = json!(dest);
    value["amount"] = json!(amount.to_string());
    value["new_balance"] = json!(new_balance.to_string());
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            return format!("{}\n", receipt.hash);
        }
        format!(
            "Sent {} to {dest} {}.\nNew balance: {}\n",
            units::tao(amount),
            receipt.text(),
            units::tao(new_balance)
        )
    })?;
    Ok(())
}
