//! An account: its balance, an announced coldkey swap, its history, its stake as a coldkey, its
//! root stake and the root dividends it can claim, its proxies, and its registrations as a
//! hotkey.

use super::{finalized, names, Frame, PageError};
use crate::html::{
    alpha, as_of, block_link, esc, facts, group, hash_link, mono, neuron_link, num, page, share,
    short_hash, stake_amount, subnet_link, table, tao, time, Names,
};
use plexus_primitives::AccountId;
use plexus_rpc::types::{ColdkeySwapInfo, MetagraphOptions, ProxyInfo, RootClaims, TxPosition};
use plexus_rpc::Client;
use std::fmt::Write as _;

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
    let swap = swap_section(&client.coldkey_swap(account, at).await?, height);
    let proxies = proxies_section(&client.proxies(account, at).await?, &names);
    let body = format!(
        "{}{summary}{swap}<h2>History</h2>{}{older}<h2>Stake (as coldkey)</h2>{}{root}{proxies}<h2>Registrations (as hotkey)</h2>{}",
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

/// The coldkey's announced swap to a new coldkey, if it has one: until the swap is made or the
/// announcement cleared it can make no other call, and once disputed it is frozen.
fn swap_section(swap: &ColdkeySwapInfo, height: u64) -> String {
    let Some(hash) = swap.new_coldkey_hash else {
        return String::new();
    };
    let mut out = String::from("<h2>Coldkey swap</h2>");
    if let Some(disputed) = swap.disputed {
        let _ = write!(
            out,
            r#"<p class="warning" role="alert"><strong>⚠ Frozen: this swap was disputed at block {}. The coldkey can make no call until governance resets it.</strong></p>"#,
            block_link(disputed)
        );
    }
    let mut rows = vec![("New coldkey's hash (BLAKE2b-256)", mono(hash))];
    if let Some(when) = swap.when {
        // A block not yet made has no page to link to.
        let from = if when <= height {
            block_link(when)
        } else {
            format!(
                "{} (in {} blocks)",
                group(u128::from(when)),
                group(u128::from(when - height))
            )
        };
        rows.push(("Swap possible from block", from));
    }
    let _ = write!(
        out,
        "<p>This coldkey announced a swap of everything it owns to a new coldkey, known by its \
         hash until the swap is made. Until then, or until the announcement is cleared, it can \
         make no other call, not even through its proxies.</p>{}",
        facts(&rows)
    );
    out
}

/// Who may sign for the account, whom it may sign for, the calls it announced as a delayed
/// proxy, and the deposits they hold; nothing for an account with none of them.
fn proxies_section(info: &ProxyInfo, names: &Names) -> String {
    if info.proxies.is_empty()
        && info.proxy_for.is_empty()
        && info.announcements.is_empty()
        && info.reserved == 0
    {
        return String::new();
    }
    let headers = |who| [who, "Calls", "Delay"];
    let given: Vec<Vec<String>> = info
        .proxies
        .iter()
        .map(|p| {
            vec![
                names.link(&p.delegate),
                esc(&proxy_type(&p.proxy_type)),
                num(p.delay, &delay(p.delay)),
            ]
        })
        .collect();
    let held: Vec<Vec<String>> = info
        .proxy_for
        .iter()
        .map(|p| {
            vec![
                names.link(&p.real),
                esc(&proxy_type(&p.proxy_type)),
                num(p.delay, &delay(p.delay)),
            ]
        })
        .collect();
    let announced: Vec<Vec<String>> = info
        .announcements
        .iter()
        .map(|a| {
            vec![
                names.link(&a.real),
                short_hash("", &a.call_hash),
                num(a.height, &block_link(a.height)),
            ]
        })
        .collect();
    format!(
        "<h2>Proxies</h2>{}<h3>Who may sign for this account</h3>{}<h3>Accounts this one may sign for</h3>{}<h3>Calls announced, as a delayed proxy</h3>{}",
        facts(&[("Reserved as deposits", tao(info.reserved))]),
        table("proxies", &headers("Delegate"), &given, true),
        table("proxy-for", &headers("Account"), &held, true),
        table(
            "announcements",
            &["For", "Call hash", "Announced at"],
            &announced,
            true
        ),
    )
}

/// Which calls a proxy may make, by its type's name in the RPC's JSON (`non_critical` reads
/// `non critical`), since the explorer does not link the runtime.
fn proxy_type(kind: &impl serde::Serialize) -> String {
    match serde_json::to_value(kind) {
        Ok(serde_json::Value::String(name)) => name.replace('_', " "),
        _ => "—".into(),
    }
}

/// A proxy's announcement delay in words.
fn delay(blocks: u64) -> String {
    match blocks {
        0 => "none".into(),
        1 => "1 block".into(),
        n => format!("{} blocks", group(u128::from(n))),
    }
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
    use plexus_primitives::H256;
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

    fn no_names() -> Names {
        Names::new(&plexus_rpc::types::Delegates {
            delegates: Vec::new(),
            block: 1,
        })
    }

    #[test]
    fn test_no_root_section_without_root_stake_or_dividends() {
        assert_eq!(root_section(&claims(RootClaimType::Swap), &no_names()), "");
    }

    fn proxies() -> ProxyInfo {
        ProxyInfo {
            account: AccountId([1; 32]),
            proxies: Vec::new(),
            proxy_for: Vec::new(),
            announcements: Vec::new(),
            reserved: 0,
            block: 1,
        }
    }

    /// Every proxy type reads as words, never as nothing.
    #[test]
    fn test_proxy_types_in_words() {
        use plexus_runtime::ProxyType;
        assert_eq!(proxy_type(&ProxyType::NonCritical), "non critical");
        assert_eq!(proxy_type(&ProxyType::Staking), "staking");
        for kind in ProxyType::ALL {
            let words = proxy_type(&kind);
            assert!(!words.is_empty() && words != "—" && !words.contains('_'));
        }
        assert_eq!(delay(0), "none");
        assert_eq!(delay(1), "1 block");
        assert_eq!(delay(1_200), "1,200 blocks");
    }

    /// The section shows only with something in it: each list in its table, linked.
    #[test]
    fn test_proxies_section() {
        use plexus_runtime::{Announcement, ProxyDefinition, ProxyType};
        assert_eq!(proxies_section(&proxies(), &no_names()), "");
        let (delegate, real) = (AccountId([2; 32]), AccountId([3; 32]));
        let call_hash = H256([9; 32]);
        let info = ProxyInfo {
            proxies: vec![ProxyDefinition {
                delegate,
                proxy_type: ProxyType::SmallTransfer,
                delay: 5,
            }],
            proxy_for: vec![plexus_rpc::types::ProxyOf {
                real,
                proxy_type: ProxyType::Any,
                delay: 0,
            }],
            announcements: vec![Announcement {
                real,
                call_hash,
                height: 42,
            }],
            reserved: 1_500_000_000,
            ..proxies()
        };
        let html = proxies_section(&info, &no_names());
        assert!(html.starts_with("<h2>Proxies</h2>"));
        assert!(html.contains("<dd>1.5 τ</dd>"), "{html}");
        let section = |id: &str| {
            let start = html.find(&format!(r#"<table id="{id}""#)).unwrap();
            html[start..start + html[start..].find("</table>").unwrap()].to_string()
        };
        let given = section("proxies");
        assert!(given.contains(&format!(r#"title="{delegate}""#)));
        assert!(given.contains("small transfer") && given.contains("5 blocks"));
        let held = section("proxy-for");
        assert!(held.contains(&format!(r#"title="{real}""#)) && held.contains(">any<"));
        let announced = section("announcements");
        assert!(announced.contains(&format!(r#"title="{call_hash}""#)));
        assert!(!announced.contains("/tx/"), "a call hash is no transaction");
        assert!(announced.contains(r#"href="/block/42""#));
        // Deposits alone are something.
        let reserved = ProxyInfo {
            reserved: 1,
            ..proxies()
        };
        assert!(proxies_section(&reserved, &no_names()).contains("Reserved as deposits"));
    }

    /// No notice without a swap; a swap's hash and first block; a dispute as a warning.
    #[test]
    fn test_swap_notice() {
        let none = ColdkeySwapInfo {
            coldkey: AccountId([1; 32]),
            new_coldkey_hash: None,
            when: None,
            disputed: None,
            block: 10,
        };
        assert_eq!(swap_section(&none, 10), "");
        let hash = H256([7; 32]);
        let announced = ColdkeySwapInfo {
            new_coldkey_hash: Some(hash),
            when: Some(1_010),
            ..none.clone()
        };
        let html = swap_section(&announced, 10);
        assert!(html.starts_with("<h2>Coldkey swap</h2>"));
        assert!(html.contains(&hash.to_string()));
        assert!(html.contains("1,010 (in 1,000 blocks)"), "{html}");
        assert!(!html.contains("role=\"alert\""));
        assert!(swap_section(&announced, 1_010).contains(r#"href="/block/1010""#));
        let disputed = ColdkeySwapInfo {
            disputed: Some(20),
            ..announced
        };
        let html = swap_section(&disputed, 30);
        assert!(html.contains(r#"role="alert""#) && html.contains("Frozen"));
        assert!(html.contains(r#"href="/block/20""#));
    }
}
