//! `plexus stake …` and `plexus delegate take`.
//!
//! Staking buys a subnet's alpha from its pool and unstaking sells it, so every swap is
//! previewed (what you receive, how far the price moves) and, unless `--unsafe`, sent with a
//! price limit `--tolerance` away from the current price.

use super::balance::stake_json;
use super::net::{self, Net};
use super::Context;
use crate::cli::{
    DelegateCommand, DelegateTakeArgs, SlippageArgs, StakeAddArgs, StakeCommand, StakeListArgs,
    StakeMoveArgs, StakeRemoveArgs, StakeSourceArgs, StakeSwapArgs, StakeTransferArgs,
};
use crate::table::{terminal_width, Column, Table};
use crate::units;
use anyhow::{bail, Result};
use plexus_primitives::{AccountId, Balance, NetUid};
use plexus_rpc::types::{Event, SwapDirection, SwapSimulation};
use plexus_runtime::Call;
use serde_json::json;

pub(crate) async fn run(ctx: &Context, cmd: StakeCommand) -> Result<()> {
    match cmd {
        StakeCommand::Add(args) => add(ctx, &args).await,
        StakeCommand::Remove(args) => remove(ctx, &args).await,
        StakeCommand::Move(args) => move_stake(ctx, &args).await,
        StakeCommand::Transfer(args) => transfer(ctx, &args).await,
        StakeCommand::Swap(args) => swap(ctx, &args).await,
        StakeCommand::List(args) => list(ctx, &args).await,
        StakeCommand::Child(cmd) => super::children::run(ctx, cmd).await,
    }
}

/// `price · (1 ± tolerance)`, rounded toward the safe side.
fn limit_price(price: u64, tolerance_ppm: u64, up: bool) -> u64 {
    let price = u128::from(price);
    let ppm = u128::from(tolerance_ppm.min(1_000_000));
    let limit = if up {
        price * (1_000_000 + ppm) / 1_000_000
    } else {
        price * (1_000_000 - ppm) / 1_000_000
    };
    u64::try_from(limit).unwrap_or(u64::MAX)
}

/// The price limit to send, or an error when the whole swap could not fill within it.
fn checked_limit(
    simulation: &SwapSimulation,
    slippage: &SlippageArgs,
    up: bool,
) -> Result<Option<u64>> {
    if slippage.unsafe_ {
        return Ok(None);
    }
    let limit = limit_price(simulation.price_before, slippage.tolerance, up);
    let beyond = if up {
        simulation.price_after > limit
    } else {
        simulation.price_after < limit
    };
    if beyond && !slippage.partial {
        bail!(
            "this swap would move the price {} (from {} to {}), beyond the tolerance of {}: use a smaller amount, a larger --tolerance, --partial to fill what fits, or --unsafe",
            units::percent(
                simulation.price_after.abs_diff(simulation.price_before),
                simulation.price_before
            ),
            units::price(simulation.price_before),
            units::price(simulation.price_after),
            units::percent(slippage.tolerance, 1_000_000),
        );
    }
    Ok(Some(limit))
}

async fn simulate(
    net: &Net,
    netuid: NetUid,
    direction: SwapDirection,
    amount: Balance,
) -> Result<SwapSimulation> {
    if netuid != plexus_runtime::ROOT_NETUID {
        started(net, netuid).await?;
    }
    net.client()
        .simulate_swap(netuid, direction, amount, None)
        .await
        .map_err(|e| anyhow::anyhow!("the pool of subnet {netuid} would refuse this: {e}"))
}

/// Fails unless `netuid`'s pool trades.
async fn started(net: &Net, netuid: NetUid) -> Result<()> {
    let subnet = net.subnet(netuid).await?;
    if subnet.summary.first_emission_block.is_none() {
        bail!(
            "subnet {netuid} has not started, so its pool does not trade yet; its owner starts it with `plexus subnets start --netuid {netuid}`"
        );
    }
    Ok(())
}

async fn add(ctx: &Context, args: &StakeAddArgs) -> Result<()> {
    let coldkey = net::coldkey_account(ctx)?;
    let hotkey = net::hotkey_or_wallet(ctx, args.hotkey_ss58.as_deref())?;
    let net = Net::connect(ctx).await?;
    let simulation = simulate(&net, args.netuid, SwapDirection::Buy, args.amount).await?;
    let limit = checked_limit(&simulation, &args.slippage, true)?;
    let call = match limit {
        Some(limit_price) => Call::AddStakeLimit {
            hotkey,
            netuid: args.netuid,
            amount: args.amount,
            limit_price,
            allow_partial: args.slippage.partial,
        },
        None => Call::AddStake {
            hotkey,
            netuid: args.netuid,
            amount: args.amount,
        },
    };
    let free = net.free_balance(coldkey).await?;
    let signer = net::coldkey(ctx)?;
    let tx = net.sign(&signer, call).await?;
    let fee = net.fee(&tx).await?;
    net::ensure_funds(args.amount.saturating_add(fee), free)?;
    net::confirm(
        ctx,
        &format!(
            "Stake {} through {hotkey} on subnet {} for about {} (price {}{}; fee {})?",
            units::tao(args.amount),
            args.netuid,
            units::alpha(simulation.amount_out, args.netuid),
            units::price(simulation.price_before),
            limit.map_or_else(String::new, |l| format!(", limit {}", units::price(l))),
            units::tao(fee)
        ),
    )?;
    let receipt = net.submit(ctx, &tx, "staking").await?;
    let (tao, alpha) = receipt
        .events
        .iter()
        .find_map(|e| match e {
            Event::StakeAdded { tao, alpha, .. } => Some((*tao, *alpha)),
            _ => None,
        })
        .unwrap_or((0, 0));
    let new_balance = net.free_balance(coldkey).await?;
    let mut value = receipt.json();
    value["netuid"] = json!(args.netuid);
    value["hotkey"] = json!(hotkey);
    value["tao"] = json!(tao.to_string());
    value["alpha"] = json!(alpha.to_string());
    value["new_balance"] = json!(new_balance.to_string());
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            return format!("{}\n", receipt.hash);
        }
        format!(
            "Staked {} through {hotkey} on subnet {}, receiving {}, {}.\nNew balance: {}\n",
            units::tao(tao),
            args.netuid,
            units::alpha(alpha, args.netuid),
            receipt.text(),
            units::tao(new_balance)
        )
    })?;
    Ok(())
}

/// The alpha `coldkey` holds through `hotkey` on `netuid`.
async fn staked(net: &Net, coldkey: AccountId, hotkey: AccountId, netuid: NetUid) -> Result<u64> {
    let stakes = net
        .client()
        .stake(coldkey, None)
        .await
        .map_err(|e| net.query_error(e))?;
    Ok(stakes
        .stakes
        .iter()
        .find(|s| s.hotkey == hotkey && s.netuid == netuid)
        .map_or(0, |s| s.alpha))
}

/// How much of a stake a command moves: all of it, or an amount no larger than it.
fn amount_of(
    requested: Option<Balance>,
    all: bool,
    available: Balance,
    hotkey: AccountId,
    netuid: NetUid,
) -> Result<Balance> {
    let amount = if all {
        available
    } else {
        requested.unwrap_or(0)
    };
    if available == 0 {
        bail!("no stake through {hotkey} on subnet {netuid} (see `plexus stake list`)");
    }
    if amount > available {
        bail!(
            "not enough stake: {} asked for, {} staked through {hotkey} on subnet {netuid}",
            units::alpha(amount, netuid),
            units::alpha(available, netuid)
        );
    }
    if amount == 0 {
        bail!("nothing to move: the amount is zero");
    }
    Ok(amount)
}

async fn remove(ctx: &Context, args: &StakeRemoveArgs) -> Result<()> {
    let coldkey = net::coldkey_account(ctx)?;
    let hotkey = net::hotkey_or_wallet(ctx, args.hotkey_ss58.as_deref())?;
    let net = Net::connect(ctx).await?;
    let available = staked(&net, coldkey, hotkey, args.netuid).await?;
    let amount = amount_of(args.amount, args.all, available, hotkey, args.netuid)?;
    let simulation = simulate(&net, args.netuid, SwapDirection::Sell, amount).await?;
    let limit = checked_limit(&simulation, &args.slippage, false)?;
    let call = match limit {
        Some(limit_price) => Call::RemoveStakeLimit {
            hotkey,
            netuid: args.netuid,
            amount,
            limit_price,
            allow_partial: args.slippage.partial,
        },
        None => Call::RemoveStake {
            hotkey,
            netuid: args.netuid,
            amount,
        },
    };
    let free = net.free_balance(coldkey).await?;
    let signer = net::coldkey(ctx)?;
    let tx = net.sign(&signer, call).await?;
    let fee = net.fee(&tx).await?;
    net::ensure_funds(fee, free)?;
    net::confirm(
        ctx,
        &format!(
            "Unstake {} from {hotkey} on subnet {} for about {} (price {}{}; fee {})?",
            units::alpha(amount, args.netuid),
            args.netuid,
            units::tao(simulation.amount_out),
            units::price(simulation.price_before),
            limit.map_or_else(String::new, |l| format!(", limit {}", units::price(l))),
            units::tao(fee)
        ),
    )?;
    let receipt = net.submit(ctx, &tx, "unstaking").await?;
    let (tao, alpha) = receipt
        .events
        .iter()
        .find_map(|e| match e {
            Event::StakeRemoved { tao, alpha, .. } => Some((*tao, *alpha)),
            _ => None,
        })
        .unwrap_or((0, 0));
    let new_balance = net.free_balance(coldkey).await?;
    let mut value = receipt.json();
    value["netuid"] = json!(args.netuid);
    value["hotkey"] = json!(hotkey);
    value["tao"] = json!(tao.to_string());
    value["alpha"] = json!(alpha.to_string());
    value["new_balance"] = json!(new_balance.to_string());
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            return format!("{}\n", receipt.hash);
        }
        format!(
            "Unstaked {} from {hotkey} on subnet {}, receiving {}, {}.\nNew balance: {}\n",
            units::alpha(alpha, args.netuid),
            args.netuid,
            units::tao(tao),
            receipt.text(),
            units::tao(new_balance)
        )
    })?;
    Ok(())
}

/// Moves stake as `call` builds it, after checking the source and asking.
async fn relocate(
    ctx: &Context,
    source: &StakeSourceArgs,
    what: String,
    call: impl FnOnce(AccountId, Balance) -> Call,
) -> Result<()> {
    let coldkey = net::coldkey_account(ctx)?;
    let hotkey = net::hotkey_or_wallet(ctx, source.hotkey_ss58.as_deref())?;
    let net = Net::connect(ctx).await?;
    let available = staked(&net, coldkey, hotkey, source.origin_netuid).await?;
    let amount = amount_of(
        source.amount,
        source.all,
        available,
        hotkey,
        source.origin_netuid,
    )?;
    let free = net.free_balance(coldkey).await?;
    let signer = net::coldkey(ctx)?;
    let tx = net.sign(&signer, call(hotkey, amount)).await?;
    let fee = net.fee(&tx).await?;
    net::ensure_funds(fee, free)?;
    let moved = units::alpha(amount, source.origin_netuid);
    net::confirm(
        ctx,
        &format!(
            "Move {moved} staked through {hotkey} on subnet {} {what} (fee {})?",
            source.origin_netuid,
            units::tao(fee)
        ),
    )?;
    let receipt = net.submit(ctx, &tx, "moving stake").await?;
    let received = receipt.events.iter().find_map(|e| match e {
        Event::StakeMoved {
            alpha, to_netuid, ..
        } => Some((*alpha, *to_netuid)),
        _ => None,
    });
    let mut value = receipt.json();
    value["origin_netuid"] = json!(source.origin_netuid);
    value["hotkey"] = json!(hotkey);
    value["amount"] = json!(amount.to_string());
    value["received"] = json!(received.map(|(a, _)| a.to_string()));
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            return format!("{}\n", receipt.hash);
        }
        let arrived = received.map_or_else(String::new, |(a, n)| {
            format!(", arriving as {}", units::alpha(a, n))
        });
        format!("Moved {moved} {what}{arrived}, {}.\n", receipt.text())
    })?;
    Ok(())
}

async fn move_stake(ctx: &Context, args: &StakeMoveArgs) -> Result<()> {
    let destination_hotkey = net::parse_address(&args.dest_hotkey, "destination hotkey")?;
    let (origin_netuid, destination_netuid) = (args.source.origin_netuid, args.dest_netuid);
    let what = format!("to {destination_hotkey} on subnet {destination_netuid}");
    relocate(ctx, &args.source, what, |origin_hotkey, amount| {
        Call::MoveStake {
            origin_hotkey,
            destination_hotkey,
            origin_netuid,
            destination_netuid,
            amount,
        }
    })
    .await
}

async fn transfer(ctx: &Context, args: &StakeTransferArgs) -> Result<()> {
    let destination_coldkey = net::parse_address(&args.dest, "destination coldkey")?;
    let origin_netuid = args.source.origin_netuid;
    let destination_netuid = args.dest_netuid.unwrap_or(origin_netuid);
    let what = format!("to coldkey {destination_coldkey} on subnet {destination_netuid}");
    relocate(ctx, &args.source, what, |hotkey, amount| {
        Call::TransferStake {
            destination_coldkey,
            hotkey,
            origin_netuid,
            destination_netuid,
            amount,
        }
    })
    .await
}

async fn swap(ctx: &Context, args: &StakeSwapArgs) -> Result<()> {
    let (origin_netuid, destination_netuid) = (args.source.origin_netuid, args.dest_netuid);
    if origin_netuid == destination_netuid {
        bail!("the stake is already on subnet {destination_netuid}");
    }
    let what = format!("to subnet {destination_netuid}");
    relocate(ctx, &args.source, what, |hotkey, amount| Call::SwapStake {
        hotkey,
        origin_netuid,
        destination_netuid,
        amount,
    })
    .await
}

async fn list(ctx: &Context, args: &StakeListArgs) -> Result<()> {
    let coldkey = net::address_or_coldkey(ctx, args.ss58.as_deref(), "coldkey")?;
    let net = Net::connect(ctx).await?;
    let stakes = net
        .client()
        .stake(coldkey, None)
        .await
        .map_err(|e| net.query_error(e))?;
    let subnets = net
        .client()
        .subnets(None)
        .await
        .map_err(|e| net.query_error(e))?;
    let price_of = |netuid: NetUid| {
        if netuid == plexus_runtime::ROOT_NETUID {
            // Root stake is TAO.
            return plexus_primitives::RAO_PER_TAO;
        }
        subnets
            .iter()
            .find(|s| s.netuid == netuid)
            .map_or(0, |s| s.price)
    };
    let total: Balance = stakes
        .stakes
        .iter()
        .map(|s| s.tao_value.unwrap_or(0))
        .fold(0, Balance::saturating_add);
    let value = json!({
        "coldkey": coldkey,
        "block": stakes.block,
        "stakes": stakes.stakes.iter().map(|s| {
            let mut v = stake_json(s);
            v["price"] = json!(price_of(s.netuid).to_string());
            v
        }).collect::<Vec<_>>(),
        "total_value": total.to_string(),
    });
    ctx.out.result(value, || {
        if stakes.stakes.is_empty() {
            return format!(
                "No stake held by {coldkey} at block {}; stake with `plexus stake add`.\n",
                stakes.block
            );
        }
        let mut table = Table::new(vec![
            Column::address("HOTKEY"),
            Column::right("NETUID"),
            Column::right("STAKE"),
            Column::right("PRICE"),
            Column::right("VALUE"),
        ]);
        for s in &stakes.stakes {
            table.row(vec![
                s.hotkey.to_ss58(),
                s.netuid.to_string(),
                units::alpha_short(s.alpha, s.netuid),
                units::price(price_of(s.netuid)),
                s.tao_value
                    .map_or_else(|| "unsellable".into(), units::tao_short),
            ]);
        }
        format!(
            "Stake of {coldkey} at block {}\n\n{}\nTotal value: {}\n",
            stakes.block,
            table.render(terminal_width()),
            units::tao(total)
        )
    })?;
    Ok(())
}

pub(crate) async fn delegate(ctx: &Context, cmd: DelegateCommand) -> Result<()> {
    match cmd {
        DelegateCommand::Take(args) => take(ctx, &args).await,
        DelegateCommand::List(args) => super::identity::delegates(ctx, &args).await,
    }
}

async fn take(ctx: &Context, args: &DelegateTakeArgs) -> Result<()> {
    let hotkey = net::hotkey_or_wallet(ctx, args.hotkey_ss58.as_deref())?;
    let net = Net::connect(ctx).await?;
    let current = net
        .client()
        .delegate_take(hotkey, None)
        .await
        .map_err(|e| net.query_error(e))?
        .take;
    let Some(ppm) = args.take else {
        let value = json!({ "hotkey": hotkey, "take": current });
        ctx.out.result(value, || {
            format!("Delegate take of {hotkey}: {}\n", units::share(current))
        })?;
        return Ok(());
    };
    let take = units::ppm_to_u16(ppm);
    let call = match take.cmp(&current) {
        std::cmp::Ordering::Equal => bail!(
            "the delegate take of {hotkey} is already {}",
            units::share(current)
        ),
        std::cmp::Ordering::Greater => Call::IncreaseTake { hotkey, take },
        std::cmp::Ordering::Less => Call::DecreaseTake { hotkey, take },
    };
    let signer = net::coldkey(ctx)?;
    let tx = net.sign(&signer, call).await?;
    let fee = net.fee(&tx).await?;
    net::confirm(
        ctx,
        &format!(
            "Change the delegate take of {hotkey} from {} to {} (fee {})?",
            units::share(current),
            units::share(take),
            units::tao(fee)
        ),
    )?;
    let receipt = net.submit(ctx, &tx, "setting the take").await?;
    let mut value = receipt.json();
    value["hotkey"] = json!(hotkey);
    value["take"] = json!(take);
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            return format!("{}\n", receipt.hash);
        }
        format!(
            "Delegate take of {hotkey} is now {}, {}.\n",
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
    fn test_limit_price_moves_toward_safety() {
        assert_eq!(limit_price(1_000_000_000, 5_000, true), 1_005_000_000);
        assert_eq!(limit_price(1_000_000_000, 5_000, false), 995_000_000);
        assert_eq!(limit_price(u64::MAX, 1_000_000, true), u64::MAX);
        assert_eq!(limit_price(7, 1_000_000, false), 0);
    }
}
