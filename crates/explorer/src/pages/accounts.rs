//! An account: its balance, its history, its stake as a coldkey, its root stake and the root
//! dividends it can claim, and its registrations as a hotkey.

use super::{finalized, names, Frame, PageError};
use crate::html::{
    alpha, as_of, block_link, esc, facts, group, hash_link, mono, neuron_link, num, page, share,
    stake_amount, subnet_link, table, tao, time, Names,
};
use plexus_primitives::AccountId;
use plexus_rpc::types::{MetagraphOptions, RootClaims, TxPosition};
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
    let names = names(client, at).await?;
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
                names.link(&s.hotkey),
                num(s.alpha, &stake_amount(s.netuid, s.alpha)),
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
                    format!("by {}", names.link(&t.signer))
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
    let root = root_section(&client.root_claims(account, at).await?, &names);
    let body = format!(
        "{}{summary}<h2>History</h2>{}{older}<h2>Stake (as coldkey)</h2>{}{root}<h2>Registrations (as hotkey)</h2>{}",
        as_of(height),
        table(
            "history",
            &["Transaction", "Block", "Time", "Call", "Signed", "Result"],
            &history_rows,
            false
        ),
        table(
            "stake",
            &["Subnet", "Hotkey", "Stake", "Value"],
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

/// The coldkey's root stake and the root dividends it can claim; nothing for a coldkey with
/// neither.
fn root_section(claims: &RootClaims, names: &Names) -> String {
    if claims.stakes.is_empty() && claims.owed.is_empty() {
        return String::new();
    }
    let stakes: Vec<Vec<String>> = claims
        .stakes
        .iter()
        .map(|s| vec![names.link(&s.hotkey), num(s.tao, &tao(s.tao))])
        .collect();
    let owed: Vec<Vec<String>> = claims
        .owed
        .iter()
        .map(|o| {
            vec![
                names.link(&o.hotkey),
                num(o.netuid, &subnet_link(o.netuid)),
                num(o.alpha, &alpha(o.alpha)),
            ]
        })
        .collect();
    format!(
        "<h2>Root</h2>{}<h3>Stake on root</h3>{}<h3>Claimable dividends</h3>{}",
        facts(&[("Dividends, when claimed, are", claim_type(claims))]),
        table("root-stake", &["Hotkey", "TAO on root"], &stakes, true),
        table(
            "root-owed",
            &["Hotkey", "From subnet", "Alpha"],
            &owed,
            true
        ),
    )
}

/// What the coldkey's root dividends become when claimed, in words. Read from the claim type's
/// JSON form, the RPC's documented format, since the explorer does not link the runtime.
fn claim_type(claims: &RootClaims) -> String {
    let value = serde_json::to_value(&claims.claim_type).unwrap_or_default();
    match value.get("type").and_then(|t| t.as_str()) {
        Some("swap") => "swapped for TAO, staked on root through the same hotkey".into(),
        Some("keep") => "kept as alpha, staked on their subnet through the same hotkey".into(),
        Some("keep_subnets") => {
            let kept: Vec<String> = value
                .get("subnets")
                .and_then(|s| s.as_array())
                .into_iter()
                .flatten()
                .filter_map(|n| n.as_u64().and_then(|n| u16::try_from(n).ok()))
                .map(subnet_link)
                .collect();
            format!(
                "kept as alpha on subnets {}, swapped for TAO on the others",
                kept.join(", ")
            )
        }
        Some(other) => esc(other),
        None => "—".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plexus_runtime::RootClaimType;

    fn claims(claim_type: RootClaimType) -> RootClaims {
        RootClaims {
            coldkey: AccountId([1; 32]),
            claim_type,
            stakes: Vec::new(),
            owed: Vec::new(),
            block: 1,
        }
    }

    /// Every claim type the runtime has reads as words, not as its JSON tag.
    #[test]
    fn test_claim_types_in_words() {
        assert!(claim_type(&claims(RootClaimType::Swap)).starts_with("swapped for TAO"));
        assert!(claim_type(&claims(RootClaimType::Keep)).starts_with("kept as alpha, staked"));
        let some = RootClaimType::KeepSubnets {
            subnets: vec![1, 3],
        };
        assert_eq!(
            claim_type(&claims(some)),
            r#"kept as alpha on subnets <a href="/subnet/1">1</a>, <a href="/subnet/3">3</a>, swapped for TAO on the others"#
        );
    }

    #[test]
    fn test_no_root_section_without_root_stake_or_dividends() {
        let names = Names::new(&plexus_rpc::types::Delegates {
            delegates: Vec::new(),
            block: 1,
        });
        assert_eq!(root_section(&claims(RootClaimType::Swap), &names), "");
    }
}
