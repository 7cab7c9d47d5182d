//! Subnets: the list of them, a subnet with its metagraph, charts and weights, and the history
//! of metagraphs that its charts and a neuron's are drawn from.

use super::{finalized, names, Frame, PageError};
use crate::html::{
    alpha, as_of, block_link, esc, facts, group, neuron_link, num, page, price, share, subnet_link,
    subnet_name, table, tao, yes_no, Names,
};
use crate::svg;
use plexus_rpc::types::{BlockId, Metagraph, MetagraphOptions};
use plexus_rpc::Client;

/// Epochs of history the charts ask for.
const CHART_EPOCHS: u64 = 12;

/// The table of subnets the overview and the subnet list show.
pub(super) fn subnets_table(subnets: &[plexus_rpc::types::SubnetSummary], names: &Names) -> String {
    let total: u128 = subnets.iter().map(|s| u128::from(s.tao_emission)).sum();
    let rows: Vec<Vec<String>> = subnets
        .iter()
        .map(|s| {
            let emission_share = (u128::from(s.tao_emission) * u128::from(u16::MAX))
                .checked_div(total)
                .map_or(0, |v| u16::try_from(v).unwrap_or(u16::MAX));
            vec![
                num(s.netuid, &subnet_link(s.netuid)),
                esc(&subnet_name(s)),
                num(s.price, &price(s.price)),
                num(emission_share, &share(emission_share)),
                num(s.tempo, &s.tempo.to_string()),
                num(s.n, &format!("{} / {}", s.n, s.max_uids)),
                num(s.burn, &tao(s.burn)),
                names.link(&s.owner_coldkey),
            ]
        })
        .collect();
    table(
        "subnets",
        &[
            "Netuid",
            "Name",
            "Price",
            "Emission share",
            "Tempo",
            "Neurons",
            "Registration cost",
            "Owner",
        ],
        &rows,
        true,
    )
}

pub(crate) async fn subnets(client: &Client, frame: &Frame) -> Result<String, PageError> {
    let (height, at) = finalized(client).await?;
    let subnets = client.subnets(at).await?;
    let names = names(client, at).await?;
    Ok(page(
        "Subnets",
        &frame.chain,
        &format!("{}{}", as_of(height), subnets_table(&subnets, &names)),
    ))
}

/// What the subnet and neuron pages read: every neuron with the weights it set.
pub(super) const WITH_WEIGHTS: MetagraphOptions = MetagraphOptions {
    weights: true,
    bonds: false,
};

/// The subnet's metagraph with its weights, as of block `at`.
pub(super) async fn weighted_metagraph(
    client: &Client,
    netuid: u16,
    at: Option<BlockId>,
) -> Result<Metagraph, PageError> {
    client
        .metagraph(netuid, WITH_WEIGHTS, at)
        .await?
        .ok_or_else(|| PageError::NotFound(format!("no subnet {netuid}")))
}

/// The subnet's metagraph at each of its recent epochs that the node still keeps, oldest first.
pub(super) async fn history(
    client: &Client,
    netuid: u16,
    last_epoch: u64,
    tempo: u64,
    options: MetagraphOptions,
) -> Vec<Metagraph> {
    let mut out = Vec::new();
    for k in (0..CHART_EPOCHS).rev() {
        let Some(block) = last_epoch.checked_sub(k * tempo.max(1)) else {
            continue;
        };
        if let Ok(Some(m)) = client
            .metagraph(netuid, options, Some(BlockId::Number(block)))
            .await
        {
            out.push(m);
        }
    }
    out
}

pub(crate) async fn subnet(
    client: &Client,
    frame: &Frame,
    netuid: u16,
) -> Result<String, PageError> {
    let (height, at) = finalized(client).await?;
    let info = client
        .subnet(netuid, at)
        .await?
        .ok_or_else(|| PageError::NotFound(format!("no subnet {netuid}")))?;
    let metagraph = weighted_metagraph(client, netuid, at).await?;
    let names = names(client, at).await?;
    let s = &info.summary;
    let summary = facts(&[
        ("Name", esc(&s.name)),
        ("Token symbol", esc(&s.symbol)),
        ("Owner", names.link(&s.owner_coldkey)),
        ("Owner hotkey", names.link(&s.owner_hotkey)),
        ("Registered at", block_link(s.registered_at)),
        ("Neurons", format!("{} / {}", s.n, s.max_uids)),
        ("Tempo", format!("{} blocks", s.tempo)),
        ("Epochs run", group(u128::from(s.epoch_index))),
        ("Last epoch", block_link(s.last_epoch_block)),
        ("Price", price(s.price)),
        ("TAO in pool", tao(s.tao_reserve)),
        ("Alpha in pool", alpha(s.alpha_reserve)),
        ("TAO emission per block", tao(s.tao_emission)),
        ("Registration cost", tao(s.burn)),
        ("Locked", tao(info.locked)),
    ]);
    let rows: Vec<Vec<String>> = metagraph
        .neurons
        .iter()
        .map(|n| {
            vec![
                num(n.uid, &neuron_link(netuid, n.uid)),
                names.link(&n.hotkey),
                num(n.stake, &alpha(n.stake)),
                num(n.incentive, &share(n.incentive)),
                num(n.dividends, &share(n.dividends)),
                num(n.consensus, &share(n.consensus)),
                num(n.validator_trust, &share(n.validator_trust)),
                num(n.emission, &alpha(n.emission)),
                yes_no(n.validator_permit),
                num(n.last_update, &group(u128::from(n.last_update))),
                match &n.axon {
                    Some(a) => esc(&format!("{}:{}", a.ip, a.port)),
                    None => "—".into(),
                },
            ]
        })
        .collect();
    let weights: Vec<(u16, Vec<(u16, u16)>)> = metagraph
        .neurons
        .iter()
        .filter_map(|n| {
            let row = n.weights.clone().unwrap_or_default();
            (!row.is_empty()).then_some((n.uid, row))
        })
        .collect();
    let past = history(
        client,
        netuid,
        s.last_epoch_block,
        u64::from(s.tempo),
        MetagraphOptions::default(),
    )
    .await;
    let xs: Vec<u64> = past.iter().map(|m| m.block).collect();
    let top: Vec<u16> = {
        let mut by_incentive: Vec<&plexus_rpc::types::MetagraphNeuron> =
            metagraph.neurons.iter().collect();
        by_incentive.sort_by_key(|n| std::cmp::Reverse(n.incentive.max(n.dividends)));
        by_incentive.iter().take(6).map(|n| n.uid).collect()
    };
    let series = |pick: fn(&plexus_rpc::types::MetagraphNeuron) -> u16| -> Vec<(String, Vec<f64>)> {
        top.iter()
            .map(|uid| {
                let values = past
                    .iter()
                    .map(|m| {
                        m.neurons
                            .get(usize::from(*uid))
                            .map_or(0.0, |n| f64::from(pick(n)) / f64::from(u16::MAX))
                    })
                    .collect();
                (format!("uid {uid}"), values)
            })
            .collect()
    };
    let incentive = series(|n| n.incentive);
    let dividends = series(|n| n.dividends);
    let chart = |title: &str, s: &[(String, Vec<f64>)]| {
        let named: Vec<(&str, Vec<f64>)> = s.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
        svg::lines(title, &xs, &named)
    };
    let hp = serde_json::to_value(&info.hyperparameters).unwrap_or_default();
    let hp_rows: Vec<Vec<String>> = hp
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| vec![esc(k), esc(&v.to_string())])
                .collect()
        })
        .unwrap_or_default();
    let body = format!(
        r#"{}{summary}<h2>Metagraph</h2>{}<h2>Incentive over recent epochs</h2>{}<h2>Dividends over recent epochs</h2>{}<h2>Weights</h2>{}<h2>Hyperparameters</h2>{}"#,
        as_of(height),
        table(
            "metagraph",
            &[
                "Uid",
                "Hotkey",
                "Stake",
                "Incentive",
                "Dividends",
                "Consensus",
                "Trust",
                "Emission",
                "Permit",
                "Last update",
                "Axon"
            ],
            &rows,
            true
        ),
        chart("Incentive", &incentive),
        chart("Dividends", &dividends),
        svg::heatmap(metagraph.neurons.len(), &weights),
        table("hyperparameters", &["Name", "Value"], &hp_rows, false),
    );
    Ok(page(
        &format!("Subnet {netuid}: {}", subnet_name(s)),
        &frame.chain,
        &body,
    ))
}
