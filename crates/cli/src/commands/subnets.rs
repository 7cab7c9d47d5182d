//! `plexus subnets …`, `plexus register` and `plexus axon serve`.

use super::net::{self, Net, Receipt};
use super::Context;
use crate::cli::{
    AxonCommand, AxonServeArgs, CreateSubnetArgs, NetuidArgs, PriceArgs, RegisterArgs,
    SetHyperparameterArgs, ShowSubnetArgs, SortKey, SubnetsCommand,
};
use crate::table::{terminal_width, Column, Table};
use crate::units;
use anyhow::{anyhow, bail, Context as _, Result};
use plexus_primitives::{AccountId, NetUid};
use plexus_rpc::types::{Event, MetagraphNeuron, SubnetInfo, SwapDirection};
use plexus_runtime::{Call, Hyperparameter, SubnetIdentity};
use serde_json::{json, Value};
use std::net::IpAddr;

pub(crate) async fn run(ctx: &Context, cmd: SubnetsCommand) -> Result<()> {
    match cmd {
        SubnetsCommand::List => list(ctx).await,
        SubnetsCommand::Show(args) => show(ctx, &args).await,
        SubnetsCommand::Create(args) => create(ctx, &args).await,
        SubnetsCommand::Start(args) => start(ctx, &args).await,
        SubnetsCommand::Hyperparameters(args) => hyperparameters(ctx, &args).await,
        SubnetsCommand::Set(args) => set(ctx, &args).await,
        SubnetsCommand::Price(args) => price(ctx, &args).await,
        SubnetsCommand::BurnCost => burn_cost(ctx).await,
        SubnetsCommand::Register(args) => register(ctx, args).await,
        SubnetsCommand::SetIdentity(args) => super::identity::set_subnet(ctx, args).await,
        SubnetsCommand::GetIdentity(args) => super::identity::get_subnet(ctx, &args).await,
        SubnetsCommand::SetSymbol(args) => super::identity::set_symbol(ctx, &args).await,
    }
}

async fn list(ctx: &Context) -> Result<()> {
    let net = Net::connect(ctx).await?;
    let subnets = net
        .client()
        .subnets(None)
        .await
        .map_err(|e| net.query_error(e))?;
    let total_emission: u64 = subnets
        .iter()
        .map(|s| s.tao_emission)
        .fold(0, u64::saturating_add);
    let value = json!({
        "subnets": subnets.iter().map(|s| {
            let mut v = serde_json::to_value(s).unwrap_or(Value::Null);
            v["emission_share_ppm"] = json!(share_ppm(s.tao_emission, total_emission));
            v
        }).collect::<Vec<_>>(),
    });
    ctx.out.result(value, || {
        if subnets.is_empty() {
            return "No subnets yet: create one with `plexus subnets create`.\n".into();
        }
        let mut table = Table::new(vec![
            Column::right("NETUID"),
            Column::left("SYMBOL"),
            Column::left("NAME"),
            Column::right("PRICE"),
            Column::right("EMISSION"),
            Column::right("TEMPO"),
            Column::right("NEURONS"),
            Column::right("TAO IN POOL").optional(2),
            Column::right("BURN").optional(1),
            Column::address("OWNER").optional(3),
        ]);
        for s in &subnets {
            table.row(vec![
                s.netuid.to_string(),
                s.symbol.clone(),
                if s.first_emission_block.is_none() {
                    format!("{} (not started)", s.name).trim().to_string()
                } else {
                    s.name.clone()
                },
                units::price(s.price),
                units::percent(s.tao_emission, total_emission),
                s.tempo.to_string(),
                format!("{}/{}", s.n, s.max_uids),
                units::tao_short(s.tao_reserve),
                units::tao_short(s.burn),
                s.owner_coldkey.to_ss58(),
            ]);
        }
        table.render(terminal_width())
    })?;
    Ok(())
}

fn share_ppm(part: u64, total: u64) -> u64 {
    if total == 0 {
        return 0;
    }
    u64::try_from(u128::from(part) * 1_000_000 / u128::from(total)).unwrap_or(0)
}

fn sort_value(n: &MetagraphNeuron, key: SortKey) -> u64 {
    match key {
        SortKey::Uid => u64::from(n.uid),
        SortKey::Stake => n.stake,
        SortKey::Emission => n.emission,
        SortKey::Incentive => u64::from(n.incentive),
        SortKey::Dividends => u64::from(n.dividends),
        SortKey::Consensus => u64::from(n.consensus),
        SortKey::Trust => u64::from(n.validator_trust),
        SortKey::Updated => n.last_update,
    }
}

async fn show(ctx: &Context, args: &ShowSubnetArgs) -> Result<()> {
    let net = Net::connect(ctx).await?;
    let subnet = net.subnet(args.netuid).await?;
    let mut metagraph = net.metagraph(args.netuid, false).await?;
    metagraph.neurons.retain(|n| {
        (args.uid.is_empty() || args.uid.contains(&n.uid))
            && (args.hotkey.is_empty()
                || args
                    .hotkey
                    .iter()
                    .any(|h| n.hotkey.to_ss58().starts_with(h.trim())))
    });
    // Uid ascending reads naturally; every other column is most interesting largest first.
    metagraph.neurons.sort_by_key(|n| {
        let v = sort_value(n, args.sort);
        if args.sort == SortKey::Uid {
            v
        } else {
            u64::MAX - v
        }
    });
    if args.reverse {
        metagraph.neurons.reverse();
    }
    let netuid = args.netuid;
    let value = serde_json::to_value(&metagraph).context("encoding the metagraph")?;
    ctx.out.result(value, || {
        let mut table = Table::new(vec![
            Column::right("UID"),
            Column::address("HOTKEY"),
            Column::address("COLDKEY").optional(2),
            Column::right("STAKE"),
            Column::right("EMISSION"),
            Column::right("INCENTIVE"),
            Column::right("DIVIDENDS"),
            Column::right("CONSENSUS").optional(4),
            Column::right("VTRUST").optional(3),
            Column::left("VPERMIT").optional(5),
            Column::left("ACTIVE").optional(5),
            Column::right("UPDATED").optional(4),
            Column::left("AXON").optional(1),
        ]);
        for n in &metagraph.neurons {
            table.row(vec![
                n.uid.to_string(),
                n.hotkey.to_ss58(),
                n.coldkey.map(|c| c.to_ss58()).unwrap_or_default(),
                units::alpha_short(n.stake, netuid),
                units::alpha_short(n.emission, netuid),
                units::share(n.incentive),
                units::share(n.dividends),
                units::share(n.consensus),
                units::share(n.validator_trust),
                if n.validator_permit { "yes" } else { "" }.into(),
                if n.active { "yes" } else { "" }.into(),
                n.last_update.to_string(),
                n.axon
                    .as_ref()
                    .map(|a| format!("{}:{}", a.ip, a.port))
                    .unwrap_or_default(),
            ]);
        }
        let name = &subnet.summary.name;
        format!(
            "Subnet {netuid}{} at block {}: {} neuron{}, price {}, tempo {}\n\n{}",
            if name.is_empty() {
                String::new()
            } else {
                format!(" ({name})")
            },
            metagraph.block,
            metagraph.n,
            if metagraph.n == 1 { "" } else { "s" },
            units::price(metagraph.price),
            metagraph.tempo,
            if table.is_empty() {
                "No neurons match.\n".into()
            } else {
                table.render(terminal_width())
            }
        )
    })?;
    Ok(())
}

async fn create(ctx: &Context, args: &CreateSubnetArgs) -> Result<()> {
    let coldkey = net::coldkey_account(ctx)?;
    let hotkey = net::hotkey_account(ctx)?;
    let net = Net::connect(ctx).await?;
    let quote = net
        .client()
        .network_lock_cost(None)
        .await
        .map_err(|e| net.query_error(e))?;
    if quote.allowed_at > quote.block + 1 {
        bail!(
            "too soon to create a subnet: one may be registered every {} blocks, next allowed at block {} (the chain is at block {})",
            net.info.params.network_rate_limit,
            quote.allowed_at,
            quote.block
        );
    }
    let lock = quote.lock_cost;
    if let Some(max) = args.max_cost {
        if lock > max {
            bail!(
                "creating a subnet locks {} now, above --max-cost {}",
                units::tao(lock),
                units::tao(max)
            );
        }
    }
    let free = net.free_balance(coldkey).await?;
    let signer = net::coldkey(ctx)?;
    // With --max-cost the chain itself refuses a lock above it (the price may move before
    // the transaction is in a block).
    let call = match args.max_cost {
        Some(max_lock) => Call::RegisterNetworkLimit { hotkey, max_lock },
        None => Call::RegisterNetwork { hotkey },
    };
    let tx = net.sign(&signer, call).await?;
    let fee = net.fee(&tx).await?;
    net::ensure_funds(lock.saturating_add(fee), free)?;
    net::confirm(
        ctx,
        &format!(
            "Create a subnet owned by this coldkey with hotkey {hotkey} as uid 0, locking {} (fee {})?",
            units::tao(lock),
            units::tao(fee)
        ),
    )?;
    let receipt = net.submit(ctx, &tx, "creating the subnet").await?;
    let (netuid, locked) = receipt
        .events
        .iter()
        .find_map(|e| match e {
            Event::NetworkAdded { netuid, lock, .. } => Some((*netuid, *lock)),
            _ => None,
        })
        .ok_or_else(|| anyhow!("the subnet was created but the node reported no netuid"))?;
    if let Some(name) = &args.name {
        let identity = SubnetIdentity {
            name: name.clone(),
            ..SubnetIdentity::default()
        };
        let tx = net
            .sign(&signer, Call::SetSubnetIdentity { netuid, identity })
            .await?;
        net.submit(ctx, &tx, "naming the subnet").await?;
    }
    let new_balance = net.free_balance(coldkey).await?;
    let mut value = receipt.json();
    value["netuid"] = json!(netuid);
    value["lock"] = json!(locked.to_string());
    value["new_balance"] = json!(new_balance.to_string());
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            return format!("{netuid}\n");
        }
        format!(
            "Created subnet {netuid} {}, locking {}.\nNew balance: {}\nStart its emission with `plexus subnets start --netuid {netuid}`.\n",
            receipt.text(),
            units::tao(locked),
            units::tao(new_balance)
        )
    })?;
    Ok(())
}

/// Fails unless the wallet's coldkey owns the subnet.
fn ensure_owner(subnet: &SubnetInfo, coldkey: AccountId) -> Result<()> {
    if subnet.summary.owner_coldkey != coldkey {
        bail!(
            "only the owner of subnet {} ({}) may do this; this wallet's coldkey is {coldkey}",
            subnet.summary.netuid,
            subnet.summary.owner_coldkey
        );
    }
    Ok(())
}

/// Prints a transaction's result: the block and fee, or just the hash when quiet.
fn done(
    ctx: &Context,
    receipt: &Receipt,
    mut value: Value,
    extra: Value,
    text: String,
) -> Result<()> {
    if let (Some(obj), Value::Object(more)) = (value.as_object_mut(), extra) {
        obj.extend(more);
    }
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            format!("{}\n", receipt.hash)
        } else {
            format!("{text} {}.\n", receipt.text())
        }
    })?;
    Ok(())
}

async fn start(ctx: &Context, args: &NetuidArgs) -> Result<()> {
    let coldkey = net::coldkey_account(ctx)?;
    let net = Net::connect(ctx).await?;
    let subnet = net.subnet(args.netuid).await?;
    ensure_owner(&subnet, coldkey)?;
    if let Some(block) = subnet.summary.first_emission_block {
        bail!(
            "subnet {} has already started: its emission began at block {block}",
            args.netuid
        );
    }
    let signer = net::coldkey(ctx)?;
    let tx = net
        .sign(
            &signer,
            Call::StartCall {
                netuid: args.netuid,
            },
        )
        .await?;
    let receipt = net.submit(ctx, &tx, "starting the subnet").await?;
    let first = receipt.events.iter().find_map(|e| match e {
        Event::FirstEmissionBlockSet { block, .. } => Some(*block),
        _ => None,
    });
    done(
        ctx,
        &receipt,
        receipt.json(),
        json!({ "netuid": args.netuid, "first_emission_block": first }),
        format!(
            "Started subnet {} (emission from block {})",
            args.netuid,
            first.map_or_else(|| "?".into(), |b| b.to_string())
        ),
    )
}

async fn hyperparameters(ctx: &Context, args: &NetuidArgs) -> Result<()> {
    let net = Net::connect(ctx).await?;
    let subnet = net.subnet(args.netuid).await?;
    let value = serde_json::to_value(&subnet.hyperparameters).context("encoding")?;
    let text = {
        let mut table = Table::new(vec![Column::left("PARAMETER"), Column::right("VALUE")]);
        if let Some(map) = value.as_object() {
            for (name, v) in map {
                table.row(vec![name.clone(), v.to_string()]);
            }
        }
        format!(
            "Subnet {} hyperparameters at block {}\n\n{}",
            args.netuid,
            subnet.block,
            table.render(terminal_width())
        )
    };
    ctx.out.result(value, || text)?;
    Ok(())
}

/// `--param NAME --value V` as the runtime's `Hyperparameter`: the JSON `{"NAME": V}`, so each
/// parameter takes the type the chain gives it and a wrong one is refused with its name.
fn parse_hyperparameter(param: &str, value: &str) -> Result<Hyperparameter> {
    let param = param.trim().replace('-', "_");
    let value = value.trim();
    let json_value: Value = if param == "alpha_values" {
        let (low, high) = value
            .split_once(',')
            .ok_or_else(|| anyhow!("alpha_values takes LOW,HIGH, e.g. 45875,58982"))?;
        json!({ "low": low.trim().parse::<u16>()?, "high": high.trim().parse::<u16>()? })
    } else {
        serde_json::from_str(value).map_err(|_| {
            anyhow!("{value:?} is not a value for {param}: give a number or true/false")
        })?
    };
    serde_json::from_value(json!({ param.clone(): json_value })).map_err(|e| {
        anyhow!("cannot set {param} to {value}: {e} (see `plexus subnets hyperparameters` for the names)")
    })
}

async fn set(ctx: &Context, args: &SetHyperparameterArgs) -> Result<()> {
    let value = parse_hyperparameter(&args.param, &args.value)?;
    let coldkey = net::coldkey_account(ctx)?;
    let net = Net::connect(ctx).await?;
    let subnet = net.subnet(args.netuid).await?;
    ensure_owner(&subnet, coldkey)?;
    let signer = net::coldkey(ctx)?;
    let tx = net
        .sign(
            &signer,
            Call::SetHyperparameter {
                netuid: args.netuid,
                value: value.clone(),
            },
        )
        .await?;
    let receipt = net.submit(ctx, &tx, "setting the hyperparameter").await?;
    done(
        ctx,
        &receipt,
        receipt.json(),
        json!({ "netuid": args.netuid, "value": value }),
        format!(
            "Set {} to {} on subnet {}",
            args.param, args.value, args.netuid
        ),
    )
}

async fn price(ctx: &Context, args: &PriceArgs) -> Result<()> {
    let net = Net::connect(ctx).await?;
    let pool = net
        .client()
        .pool(args.netuid, None)
        .await
        .map_err(|e| net.query_error(e))?
        .ok_or_else(|| net::no_subnet(args.netuid))?;
    let swap = match (args.buy, args.sell) {
        (Some(amount), _) => Some((SwapDirection::Buy, amount)),
        (_, Some(amount)) => Some((SwapDirection::Sell, amount)),
        _ => None,
    };
    let simulation = match swap {
        Some((direction, amount)) => Some(
            net.client()
                .simulate_swap(args.netuid, direction, amount, None)
                .await
                .map_err(|e| anyhow!("the pool would refuse this swap: {e}"))?,
        ),
        None => None,
    };
    let netuid = args.netuid;
    let value = json!({ "pool": pool, "simulation": simulation });
    ctx.out.result(value, || {
        let mut text = format!(
            "Subnet {netuid} pool at block {}\n  price         {}\n  TAO reserve   {}\n  alpha reserve {}\n  swap fee      {}\n",
            pool.block,
            units::price(pool.price),
            units::tao(pool.tao_reserve),
            units::alpha(pool.alpha_reserve, netuid),
            units::share(pool.fee_rate),
        );
        if let Some(s) = &simulation {
            let (paid, got) = match s.direction {
                SwapDirection::Buy => (units::tao(s.amount_in), units::alpha(s.amount_out, netuid)),
                SwapDirection::Sell => (units::alpha(s.amount_in, netuid), units::tao(s.amount_out)),
            };
            text.push_str(&format!(
                "\nSwapping {paid} now gives {got}\n  pool fee      {}\n  price after   {} ({} move)\n",
                match s.direction {
                    SwapDirection::Buy => units::tao(s.fee),
                    SwapDirection::Sell => units::alpha(s.fee, netuid),
                },
                units::price(s.price_after),
                units::percent(s.price_after.abs_diff(s.price_before), s.price_before),
            ));
        }
        text
    })?;
    Ok(())
}

async fn burn_cost(ctx: &Context) -> Result<()> {
    let net = Net::connect(ctx).await?;
    let cost = net
        .client()
        .network_lock_cost(None)
        .await
        .map_err(|e| net.query_error(e))?;
    let value = json!({
        "lock_cost": cost.lock_cost.to_string(),
        "allowed_at": cost.allowed_at,
        "block": cost.block,
    });
    ctx.out.result(value, || {
        let mut text = format!(
            "Creating a subnet now locks {} (at block {}).\n",
            units::tao(cost.lock_cost),
            cost.block
        );
        if cost.allowed_at > cost.block + 1 {
            text.push_str(&format!(
                "The next subnet may be registered from block {}.\n",
                cost.allowed_at
            ));
        }
        text
    })?;
    Ok(())
}

pub(crate) async fn register(ctx: &Context, args: RegisterArgs) -> Result<()> {
    let coldkey = net::coldkey_account(ctx)?;
    let hotkey = net::hotkey_account(ctx)?;
    let net = Net::connect(ctx).await?;
    let subnet = net.subnet(args.netuid).await?;
    if !subnet.hyperparameters.registration_allowed {
        bail!("subnet {} does not accept registrations now", args.netuid);
    }
    let metagraph = net.metagraph(args.netuid, false).await?;
    if let Some(n) = metagraph.neurons.iter().find(|n| n.hotkey == hotkey) {
        bail!(
            "hotkey {hotkey} is already registered on subnet {} as uid {}",
            args.netuid,
            n.uid
        );
    }
    let burn = subnet.summary.burn;
    if let Some(max) = args.max_cost {
        if burn > max {
            bail!(
                "registering on subnet {} costs {} now, above --max-cost {}",
                args.netuid,
                units::tao(burn),
                units::tao(max)
            );
        }
    }
    let free = net.free_balance(coldkey).await?;
    let signer = net::coldkey(ctx)?;
    let call = match args.max_cost {
        Some(limit_price) => Call::RegisterLimit {
            netuid: args.netuid,
            hotkey,
            limit_price,
        },
        None => Call::BurnedRegister {
            netuid: args.netuid,
            hotkey,
        },
    };
    let tx = net.sign(&signer, call).await?;
    let fee = net.fee(&tx).await?;
    net::ensure_funds(burn.saturating_add(fee), free)?;
    net::confirm(
        ctx,
        &format!(
            "Register hotkey {hotkey} on subnet {} for {} (burned; fee {})?",
            args.netuid,
            units::tao(burn),
            units::tao(fee)
        ),
    )?;
    let receipt = net.submit(ctx, &tx, "registering").await?;
    let (uid, burned) = receipt
        .events
        .iter()
        .find_map(|e| match e {
            Event::NeuronRegistered { uid, burned, .. } => Some((*uid, *burned)),
            _ => None,
        })
        .ok_or_else(|| anyhow!("the registration succeeded but the node reported no uid"))?;
    let new_balance = net.free_balance(coldkey).await?;
    done(
        ctx,
        &receipt,
        receipt.json(),
        json!({
            "netuid": args.netuid,
            "uid": uid,
            "hotkey": hotkey,
            "burned": burned.to_string(),
            "new_balance": new_balance.to_string(),
        }),
        format!(
            "Registered {hotkey} on subnet {} as uid {uid}, burning {}; new balance {};",
            args.netuid,
            units::tao(burned),
            units::tao(new_balance)
        ),
    )
}

pub(crate) async fn axon(ctx: &Context, cmd: AxonCommand) -> Result<()> {
    match cmd {
        AxonCommand::Serve(args) => serve(ctx, &args).await,
    }
}

async fn serve(ctx: &Context, args: &AxonServeArgs) -> Result<()> {
    let hotkey = net::hotkey_account(ctx)?;
    let net = Net::connect(ctx).await?;
    ensure_registered(&net, args.netuid, hotkey).await?;
    let (ip, ip_type) = match args.ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 4),
        IpAddr::V6(v6) => (u128::from(v6), 6),
    };
    let signer = net::hotkey(ctx)?;
    let call = Call::ServeAxon {
        netuid: args.netuid,
        version: args.axon_version,
        ip,
        port: args.port,
        ip_type,
        protocol: args.protocol,
    };
    let tx = net.sign(&signer, call).await?;
    let receipt = net.submit(ctx, &tx, "publishing the axon").await?;
    done(
        ctx,
        &receipt,
        receipt.json(),
        json!({ "netuid": args.netuid, "hotkey": hotkey, "ip": args.ip.to_string(), "port": args.port }),
        format!(
            "Axon of {hotkey} on subnet {} is at {}",
            args.netuid,
            std::net::SocketAddr::new(args.ip, args.port)
        ),
    )
}

/// The hotkey's uid on the subnet, or an error saying how to register it.
pub(crate) async fn ensure_registered(
    net: &Net,
    netuid: NetUid,
    hotkey: AccountId,
) -> Result<MetagraphNeuron> {
    let metagraph = net.metagraph(netuid, false).await?;
    metagraph
        .neurons
        .into_iter()
        .find(|n| n.hotkey == hotkey)
        .ok_or_else(|| {
            anyhow!(
                "hotkey {hotkey} is not registered on subnet {netuid}; register it with `plexus register --netuid {netuid}`"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_hyperparameters_parse_with_the_chain_types() {
        assert_eq!(
            parse_hyperparameter("tempo", "100").unwrap(),
            Hyperparameter::Tempo(100)
        );
        assert_eq!(
            parse_hyperparameter("commit-reveal", "false").unwrap(),
            Hyperparameter::CommitReveal(false)
        );
        assert_eq!(
            parse_hyperparameter("alpha_values", "100, 200").unwrap(),
            Hyperparameter::AlphaValues {
                low: 100,
                high: 200
            }
        );
        let err = parse_hyperparameter("tempo", "-1").unwrap_err().to_string();
        assert!(err.contains("cannot set tempo"), "{err}");
        let err = parse_hyperparameter("tempi", "1").unwrap_err().to_string();
        assert!(err.contains("subnets hyperparameters"), "{err}");
        assert!(parse_hyperparameter("tempo", "fast").is_err());
    }
}
