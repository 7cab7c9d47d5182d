//! An account: its balance, its history, its stake as a coldkey and its registrations as a
//! hotkey.

use super::{finalized, Frame, PageError};
use crate::html::{
    account_link, alpha, as_of, block_link, esc, facts, group, hash_link, mono, neuron_link, num,
    page, share, subnet_link, table, tao, time,
};
use plexus_primitives::AccountId;
use plexus_rpc::types::{MetagraphOptions, TxPosition};
use plexus_rpc::Client;

/// Transactions per page of an account's history.
const PAGE_HISTORY: u32 = 25;

pub(crate) async fn account(
    client: &Client,
    frame: &Frame,
    id: &str,
    before: Option<&str>,
) -> Result<String, PageError> {
    let account = AccountId::from_ss58(id)
        .map_err(|_| PageError::NotFound(format!("{id:?} is not an address")))?;
    let before = before
        .map(|text| {
            text.split_once('.')
                .and_then(|(height, index)| {
                    Some(TxPosition {
                        block_number: height.parse().ok()?,
                        index: index.parse().ok()?,
                    })
                })
                .ok_or_else(|| {
                    PageError::NotFound(format!(
                        "{text:?} is not a place in the history (height.index)"
                    ))
                })
        })
        .transpose()?;
    let history = client
        .account_transactions(account, before, Some(PAGE_HISTORY))
        .await?;
    let (height, at) = finalized(client).await?;
    let info = client.account(account, at).await?;
    let stake = client.stake(account, at).await?;
    let total_value: u128 = stake
        .stakes
        .iter()
        .filter_map(|s| s.tao_value)
        .map(u128::from)
        .sum();
    let mut rows = vec![("Address", mono(account))];
    // How the account describes itself, if it has: its own words, escaped.
    if let Some(identity) = client.identity(account, at).await?.identity {
        for (label, value) in [
            ("Name", &identity.name),
            ("Web site", &identity.url),
            ("Source", &identity.github_repo),
            ("Discord", &identity.discord),
            ("About", &identity.description),
        ] {
            if !value.is_empty() {
                rows.push((label, esc(value)));
            }
        }
    }
    rows.extend([
        ("Free balance", tao(info.balance)),
        ("Staked, valued at current prices", tao(total_value)),
        ("Next nonce", group(u128::from(info.nonce))),
    ]);
    let summary = facts(&rows);
    let stakes: Vec<Vec<String>> = stake
        .stakes
        .iter()
        .map(|s| {
            vec![
                subnet_link(s.netuid),
                account_link(&s.hotkey),
                num(s.alpha, &alpha(s.alpha)),
                match s.tao_value {
                    Some(v) => num(v, &tao(v)),
                    None => "—".into(),
                },
            ]
        })
        .collect();
    // As a hotkey: where it is registered.
    let mut neurons = Vec::new();
    for subnet in client.subnets(at).await? {
        if let Some(metagraph) = client
            .metagraph(subnet.netuid, MetagraphOptions::default(), at)
            .await?
        {
            for n in metagraph.neurons.iter().filter(|n| n.hotkey == account) {
                neurons.push(vec![
                    subnet_link(subnet.netuid),
                    neuron_link(subnet.netuid, n.uid),
                    num(n.stake, &alpha(n.stake)),
                    num(n.incentive, &share(n.incentive)),
                    num(n.dividends, &share(n.dividends)),
                    num(n.emission, &alpha(n.emission)),
                ]);
            }
        }
    }
    let history_rows: Vec<Vec<String>> = history
        .transactions
        .iter()
        .map(|t| {
            vec![
                hash_link(&t.hash, &format!("/tx/{}", t.hash)),
                block_link(t.position.block_number),
                esc(&time(t.timestamp)),
                esc(&t.call),
                if t.signer == account {
                    "sent".into()
                } else {
                    format!("by {}", account_link(&t.signer))
                },
                if t.success { "success" } else { "failed" }.into(),
            ]
        })
        .collect();
    let mut older = String::new();
    if let Some(next) = history.next {
        older = format!(
            r#"<nav class="pager" aria-label="history"><a href="/account/{account}?before={}.{}">older →</a></nav>"#,
            next.block_number, next.index
        );
    }
    if before.is_some() {
        older = format!(r#"{older}<p><a href="/account/{account}">← newest</a></p>"#);
    }
    let body = format!(
        "{}{summary}<h2>History</h2>{}{older}<h2>Stake (as coldkey)</h2>{}<h2>Registrations (as hotkey)</h2>{}",
        as_of(height),
        table(
            "history",
            &["Transaction", "Block", "Time", "Call", "Signed", "Result"],
            &history_rows,
            false
        ),
        table(
            "stake",
            &["Subnet", "Hotkey", "Alpha", "Value"],
            &stakes,
            true
        ),
        table(
            "registrations",
            &[
                "Subnet",
                "Uid",
                "Stake",
                "Incentive",
                "Dividends",
                "Emission"
            ],
            &neurons,
            true
        )
    );
    Ok(page("Account", &frame.chain, &body))
}
