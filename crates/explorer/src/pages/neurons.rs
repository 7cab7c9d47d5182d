//! A neuron: its standing on its subnet, its commitment, its child and parent hotkeys, its
//! charts, and the weights it gives and receives.

use super::subnets::{commitment_fields, history, weighted_metagraph, WITH_WEIGHTS};
use super::{finalized, names, Frame, PageError};
use crate::html::{
    alpha, as_of, block_link, facts, group, neuron_link, num, page, proportion, share, subnet_link,
    table, tao, yes_no, Names,
};
use crate::svg;
use plexus_rpc::types::{HotkeyLink, HotkeyLinks, Metagraph};
use plexus_rpc::Client;
use std::fmt::Write as _;

pub(crate) async fn neuron(
    client: &Client,
    frame: &Frame,
    netuid: u16,
    uid: u16,
) -> Result<String, PageError> {
    let (height, at) = finalized(client).await?;
    let metagraph = weighted_metagraph(client, netuid, at).await?;
    let n = metagraph
        .neurons
        .get(usize::from(uid))
        .ok_or_else(|| PageError::NotFound(format!("no uid {uid} on subnet {netuid}")))?;
    let names = names(client, at).await?;
    let links = client.hotkey_links(n.hotkey, netuid, at).await?;
    let commitment = client.commitments(netuid, Some(n.hotkey), at).await?;
    // What this hotkey published for the subnet's validators to read, if anything.
    let commitment = match commitment.commitments.first() {
        Some(c) => format!(
            "<h2>Commitment</h2>{}",
            facts(&[
                ("Published at block", block_link(c.block)),
                ("Fields", commitment_fields(c, None)),
            ])
        ),
        None => String::new(),
    };
    let summary = facts(&[
        ("Subnet", subnet_link(netuid)),
        ("Uid", uid.to_string()),
        ("Hotkey", names.link(&n.hotkey)),
        (
            "Coldkey",
            n.coldkey.as_ref().map_or("—".into(), |c| names.link(c)),
        ),
        ("Stake", alpha(n.stake)),
        ("Root stake", tao(n.root_stake)),
        ("Incentive", share(n.incentive)),
        ("Dividends", share(n.dividends)),
        ("Consensus", share(n.consensus)),
        ("Validator trust", share(n.validator_trust)),
        ("Emission at the last epoch", alpha(n.emission)),
        ("Validator permit", yes_no(n.validator_permit)),
        ("Active", yes_no(n.active)),
        ("Registered at", block_link(n.registered_at)),
        ("Last update", block_link(n.last_update)),
    ]);
    let subnet = client.subnet(netuid, at).await?;
    let mut past = match &subnet {
        Some(s) => {
            history(
                client,
                netuid,
                s.summary.last_epoch_block,
                u64::from(s.summary.tempo),
                WITH_WEIGHTS,
            )
            .await
        }
        None => Vec::new(),
    };
    // A uid is reused when a new hotkey registers over it: only this hotkey's epochs count.
    past.retain(|m| {
        m.neurons
            .get(usize::from(uid))
            .is_some_and(|old| old.hotkey == n.hotkey && old.registered_at == n.registered_at)
    });
    let xs: Vec<u64> = past.iter().map(|m| m.block).collect();
    let pick = |f: fn(&plexus_rpc::types::MetagraphNeuron) -> f64| -> Vec<f64> {
        past.iter()
            .map(|m| m.neurons.get(usize::from(uid)).map_or(0.0, f))
            .collect()
    };
    let shares = svg::lines(
        "Incentive and dividends",
        &xs,
        &[
            (
                "incentive",
                pick(|n| f64::from(n.incentive) / f64::from(u16::MAX)),
            ),
            (
                "dividends",
                pick(|n| f64::from(n.dividends) / f64::from(u16::MAX)),
            ),
        ],
    );
    let emission = svg::lines(
        "Emission (α)",
        &xs,
        &[("emission", pick(|n| n.emission as f64 / 1e9))],
    );
    let given: Vec<Vec<String>> = n
        .weights
        .clone()
        .unwrap_or_default()
        .iter()
        .map(|(to, w)| {
            vec![
                num(to, &neuron_link(netuid, *to)),
                num(w, &group(u128::from(*w))),
            ]
        })
        .collect();
    let received: Vec<Vec<String>> = received_by(&metagraph, uid)
        .into_iter()
        .map(|(from, w)| {
            vec![
                num(from, &neuron_link(netuid, from)),
                num(w, &group(u128::from(w))),
            ]
        })
        .collect();
    let weight_history: Vec<Vec<String>> = past
        .iter()
        .rev()
        .map(|m| {
            let given = m
                .neurons
                .get(usize::from(uid))
                .and_then(|old| old.weights.clone())
                .unwrap_or_default();
            vec![
                block_link(m.block),
                weight_list(netuid, &given),
                weight_list(netuid, &received_by(m, uid)),
            ]
        })
        .collect();
    let body = format!(
        "{}{summary}{commitment}<h2>Children and parents</h2>{}<h2>History</h2>{shares}{emission}<h2>Weights given</h2>{}<h2>Weights received</h2>{}<h2>Weights at recent epochs</h2>{}",
        as_of(height),
        links_section(&links, &metagraph, &names),
        table("given", &["To uid", "Weight"], &given, true),
        table("received", &["From uid", "Weight"], &received, true),
        table(
            "weight-history",
            &["Epoch block", "Given (to uid: weight)", "Received (from uid: weight)"],
            &weight_history,
            false
        ),
    );
    Ok(page(
        &format!("Subnet {netuid}, uid {uid}"),
        &frame.chain,
        &body,
    ))
}

/// The hotkeys this one lends stake weight to and borrows it from, those it asked to lend to,
/// and what its stake weight comes to.
fn links_section(links: &HotkeyLinks, metagraph: &Metagraph, names: &Names) -> String {
    if links.children.is_empty() && links.parents.is_empty() && links.pending.is_none() {
        return "<p>No children or parents on this subnet.</p>".into();
    }
    let summary = facts(&[
        ("Childkey take", share(links.childkey_take)),
        ("Stake weight", alpha(links.stake_weight)),
        (
            "Alpha after lending and inheriting",
            alpha(links.inherited_alpha),
        ),
        (
            "Root stake after lending and inheriting",
            tao(links.inherited_root),
        ),
    ]);
    let headers = ["Hotkey", "Uid", "Proportion"];
    let rows = |linked: &[HotkeyLink]| -> Vec<Vec<String>> {
        linked
            .iter()
            .map(|link| {
                let neuron = metagraph.neurons.iter().find(|n| n.hotkey == link.hotkey);
                vec![
                    names.link(&link.hotkey),
                    neuron.map_or("—".into(), |n| {
                        num(n.uid, &neuron_link(metagraph.netuid, n.uid))
                    }),
                    num(link.proportion, &proportion(link.proportion)),
                ]
            })
            .collect()
    };
    let mut out = format!(
        "{summary}<h3>Children</h3>{}<h3>Parents</h3>{}",
        table("children", &headers, &rows(&links.children), true),
        table("parents", &headers, &rows(&links.parents), true),
    );
    if let Some(pending) = &links.pending {
        let when = block_link(pending.cooldown_block);
        if pending.children.is_empty() {
            let _ = write!(
                out,
                "<h3>Pending</h3><p>All children revoked, from the subnet's first epoch after \
                 block {when}.</p>"
            );
        } else {
            let _ = write!(
                out,
                "<h3>Pending</h3><p>These children replace the current ones at the subnet's first \
                 epoch after block {when}.</p>{}",
                table("pending-children", &headers, &rows(&pending.children), true)
            );
        }
    }
    out
}

/// Who weights `uid` in `metagraph`, and how much.
fn received_by(metagraph: &Metagraph, uid: u16) -> Vec<(u16, u16)> {
    metagraph
        .neurons
        .iter()
        .filter_map(|v| {
            let w = v.weights.as_ref()?.iter().find(|(to, _)| *to == uid)?.1;
            Some((v.uid, w))
        })
        .collect()
}

/// Weights as `uid: weight` links, the largest first, at most eight of them.
fn weight_list(netuid: u16, weights: &[(u16, u16)]) -> String {
    const SHOWN: usize = 8;
    if weights.is_empty() {
        return "—".into();
    }
    let mut sorted = weights.to_vec();
    sorted.sort_by_key(|(uid, w)| (std::cmp::Reverse(*w), *uid));
    let mut parts: Vec<String> = sorted
        .iter()
        .take(SHOWN)
        .map(|(uid, w)| format!("{}: {}", neuron_link(netuid, *uid), group(u128::from(*w))))
        .collect();
    if sorted.len() > SHOWN {
        parts.push(format!("and {} more", sorted.len() - SHOWN));
    }
    parts.join(", ")
}
