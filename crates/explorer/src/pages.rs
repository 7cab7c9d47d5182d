//! One function per page: read what it needs over RPC, render it with [`crate::html`].

use crate::html::{
    account_link, alpha, as_of, block_link, esc, facts, group, hash_link, num, page, pager, price,
    share, subnet_link, table, tao, time,
};
use crate::svg;
use plexus_primitives::{AccountId, H256};
use plexus_rpc::types::{BlockId, EventRecord, Metagraph, MetagraphOptions, TxPosition};
use plexus_rpc::{Client, ClientError};

/// Blocks per page of the block list.
const PAGE_BLOCKS: u64 = 25;
/// Transactions per page of an account's history.
const PAGE_HISTORY: u32 = 25;
/// Epochs of history the charts ask for.
const CHART_EPOCHS: u64 = 12;

/// The finalized head, at which a page reads all its state so that its numbers agree with each
/// other even while blocks go on being finalized.
async fn finalized(client: &Client) -> Result<(u64, Option<BlockId>), PageError> {
    let height = client.health().await?.finalized;
    Ok((height, Some(BlockId::Number(height))))
}

/// Why a page could not be shown.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PageError {
    /// The node failed.
    #[error("the node did not answer: {0}")]
    Rpc(#[from] ClientError),
    /// Nothing has that name.
    #[error("{0}")]
    NotFound(String),
}

/// What every page shows in its header.
pub(crate) struct Frame {
    pub(crate) chain: String,
}

pub(crate) async fn overview(client: &Client, frame: &Frame) -> Result<String, PageError> {
    let info = client.info().await?;
    let health = client.health().await?;
    let head = health.finalized;
    let subnets = client.subnets(Some(BlockId::Number(head))).await?;
    let mut rows = Vec::new();
    let mut stamps = Vec::new();
    let mut transactions = 0usize;
    for height in (head.saturating_sub(9)..=head).rev() {
        if let Some(block) = client.block(BlockId::Number(height)).await? {
            stamps.push(block.header.timestamp);
            transactions += block.transactions.len();
            rows.push(block_row(&block));
        }
    }
    let span_ms = stamps
        .first()
        .zip(stamps.last())
        .map_or(0, |(a, b)| a.saturating_sub(*b));
    let intervals = stamps.len().saturating_sub(1) as u64;
    let block_time = if intervals > 0 {
        format!("{:.2} s", span_ms as f64 / intervals as f64 / 1000.0)
    } else {
        "—".into()
    };
    let tps = if span_ms > 0 {
        format!("{:.1}", transactions as f64 * 1000.0 / span_ms as f64)
    } else {
        "—".into()
    };
    let emission: u128 = subnets.iter().map(|s| u128::from(s.tao_emission)).sum();
    let summary = facts(&[
        (
            "Finalized height",
            format!(r#"<span id="finalized">{}</span>"#, block_link(head)),
        ),
        ("Best height", group(u128::from(health.best))),
        ("Block time (last 10)", block_time),
        ("Transactions per second (last 10)", tps),
        (
            "Pending transactions",
            group(health.pending_transactions as u128),
        ),
        ("Total issuance", tao(info.total_issuance)),
        ("Total burned", tao(info.total_burned)),
        ("TAO emission per block", tao(emission)),
        ("Subnets", group(subnets.len() as u128)),
        (
            "Genesis",
            format!(
                r#"<span class="mono">{}</span>"#,
                esc(&info.genesis_hash.to_string())
            ),
        ),
    ]);
    let body = format!(
        r#"{}{summary}<h2>Latest blocks</h2>{}<p><a href="/blocks">All blocks →</a></p><h2>Subnets</h2>{}"#,
        as_of(head),
        table("latest-blocks", &BLOCK_HEADERS, &rows, false),
        subnets_table(&subnets),
    );
    Ok(page("Overview", &frame.chain, &body))
}

const BLOCK_HEADERS: [&str; 5] = ["Height", "Hash", "Time", "Transactions", "Events"];

fn block_row(block: &plexus_rpc::types::BlockInfo) -> Vec<String> {
    let h = &block.header;
    vec![
        block_link(h.number),
        hash_link(&h.hash, &format!("/block/{}", h.number)),
        esc(&time(h.timestamp)),
        num(
            block.transactions.len(),
            &block.transactions.len().to_string(),
        ),
        num(block.events.len(), &block.events.len().to_string()),
    ]
}

pub(crate) async fn blocks(
    client: &Client,
    frame: &Frame,
    page_no: u64,
) -> Result<String, PageError> {
    let head = client.health().await?.finalized;
    let top = head.saturating_sub(page_no.saturating_mul(PAGE_BLOCKS));
    let bottom = top.saturating_sub(PAGE_BLOCKS - 1);
    let mut rows = Vec::new();
    if page_no.saturating_mul(PAGE_BLOCKS) <= head {
        for height in (bottom..=top).rev() {
            if let Some(block) = client.block(BlockId::Number(height)).await? {
                rows.push(block_row(&block));
            }
        }
    }
    let body = format!(
        "{}{}",
        table("blocks", &BLOCK_HEADERS, &rows, false),
        pager("/blocks", page_no, bottom > 0)
    );
    Ok(page("Blocks", &frame.chain, &body))
}

fn events_table(events: &[EventRecord]) -> String {
    let rows: Vec<Vec<String>> = events
        .iter()
        .map(|record| {
            let phase = serde_json::to_value(record.phase).unwrap_or_default();
            let phase = match (phase.get("phase"), phase.get("index")) {
                (Some(p), Some(i)) => format!("{} {}", p.as_str().unwrap_or(""), i),
                (Some(p), None) => p.as_str().unwrap_or("").to_string(),
                _ => String::new(),
            };
            let value = serde_json::to_value(&record.event).unwrap_or_default();
            let name = value
                .get("event")
                .and_then(|v| v.as_str())
                .unwrap_or("event");
            let mut fields = Vec::new();
            if let Some(object) = value.as_object() {
                for (key, field) in object.iter().filter(|(k, _)| k.as_str() != "event") {
                    fields.push(format!("{}: {}", esc(key), field_html(key, field)));
                }
            }
            vec![
                esc(&phase),
                format!("<b>{}</b>", esc(name)),
                fields.join(", "),
            ]
        })
        .collect();
    table("events", &["Phase", "Event", "Details"], &rows, false)
}

/// Event fields that are amounts of TAO, and of a subnet's alpha, in rao.
const TAO_FIELDS: [&str; 7] = ["amount", "fee", "dust", "lock", "refunded", "burned", "tao"];
const ALPHA_FIELDS: [&str; 2] = ["alpha", "emission"];

/// One field of an event: accounts and hashes become links, amounts are written as everywhere
/// else; everything else is text.
fn field_html(key: &str, value: &serde_json::Value) -> String {
    let rao = value.as_str().and_then(|s| s.parse::<u128>().ok());
    match (rao, value) {
        (Some(rao), _) if TAO_FIELDS.contains(&key) => tao(rao),
        (Some(rao), _) if ALPHA_FIELDS.contains(&key) => alpha(rao),
        (_, value) => field_text(value),
    }
}

fn field_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => {
            if let Ok(account) = AccountId::from_ss58(s) {
                account_link(&account)
            } else if s.len() == 66 && s.starts_with("0x") {
                match H256::from_hex(s) {
                    Ok(hash) => hash_link(&hash, &format!("/tx/{s}")),
                    Err(_) => esc(s),
                }
            } else {
                esc(s)
            }
        }
        other => esc(&other.to_string()),
    }
}

pub(crate) async fn block(client: &Client, frame: &Frame, id: &str) -> Result<String, PageError> {
    let block_id = if let Ok(height) = id.parse::<u64>() {
        BlockId::Number(height)
    } else if let Ok(hash) = H256::from_hex(id) {
        BlockId::Hash(hash)
    } else {
        return Err(PageError::NotFound(format!(
            "{id:?} is not a block height or hash"
        )));
    };
    let block = client
        .block(block_id)
        .await?
        .ok_or_else(|| PageError::NotFound(format!("no finalized block {id}")))?;
    let h = &block.header;
    let parent = if h.number > 0 {
        hash_link(&h.parent_hash, &format!("/block/{}", h.number - 1))
    } else {
        "—".into()
    };
    let summary = facts(&[
        ("Height", group(u128::from(h.number))),
        (
            "Hash",
            format!(r#"<span class="mono">{}</span>"#, esc(&h.hash.to_string())),
        ),
        ("Parent", parent),
        ("Time", esc(&time(h.timestamp))),
        (
            "State root",
            format!(
                r#"<span class="mono">{}</span>"#,
                esc(&h.state_root.to_string())
            ),
        ),
        (
            "Transactions root",
            format!(
                r#"<span class="mono">{}</span>"#,
                esc(&h.transactions_root.to_string())
            ),
        ),
    ]);
    let txs: Vec<Vec<String>> = block
        .transactions
        .iter()
        .map(|tx| {
            vec![
                hash_link(&tx.hash, &format!("/tx/{}", tx.hash)),
                account_link(&tx.signer),
                group(u128::from(tx.nonce)),
                esc(&tx.call),
            ]
        })
        .collect();
    let body = format!(
        "{summary}<h2>Transactions</h2>{}<h2>Events</h2>{}",
        table(
            "transactions",
            &["Hash", "Signer", "Nonce", "Call"],
            &txs,
            false
        ),
        events_table(&block.events)
    );
    Ok(page(
        &format!("Block {}", group(u128::from(h.number))),
        &frame.chain,
        &body,
    ))
}

pub(crate) async fn transaction(
    client: &Client,
    frame: &Frame,
    id: &str,
) -> Result<String, PageError> {
    let hash = H256::from_hex(id)
        .map_err(|_| PageError::NotFound(format!("{id:?} is not a transaction hash")))?;
    let info = client
        .transaction(hash)
        .await?
        .ok_or_else(|| PageError::NotFound(format!("no transaction {hash}")))?;
    let mut items = vec![
        (
            "Hash",
            format!(r#"<span class="mono">{}</span>"#, esc(&hash.to_string())),
        ),
        ("Status", esc(&format!("{:?}", info.status).to_lowercase())),
    ];
    if let Some(details) = &info.transaction {
        items.push(("Signer", account_link(&details.signer)));
        items.push(("Nonce", group(u128::from(details.nonce))));
        items.push(("Call", esc(&details.call)));
        items.push(("Tip", tao(details.tip)));
    }
    let mut events = String::new();
    if let Some(inclusion) = &info.inclusion {
        items.push(("Block", block_link(inclusion.block_number)));
        items.push(("Index in block", inclusion.index.to_string()));
        items.push((
            "Result",
            match &inclusion.error {
                None if inclusion.success => "success".into(),
                Some(error) => format!("failed: {}", esc(&error.message)),
                None => "failed".into(),
            },
        ));
        let records: Vec<EventRecord> = inclusion
            .events
            .iter()
            .map(|event| EventRecord {
                phase: plexus_rpc::types::Phase::Transaction(inclusion.index),
                event: event.clone(),
            })
            .collect();
        events = format!("<h2>Events</h2>{}", events_table(&records));
    }
    let body = format!("{}{events}", facts(&items));
    Ok(page("Transaction", &frame.chain, &body))
}

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
    let summary = facts(&[
        (
            "Address",
            format!(r#"<span class="mono">{}</span>"#, esc(&account.to_string())),
        ),
        ("Free balance", tao(info.balance)),
        ("Staked, valued at current prices", tao(total_value)),
        ("Next nonce", group(u128::from(info.nonce))),
    ]);
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
                    format!(
                        r#"<a href="/neuron/{}/{}">{}</a>"#,
                        subnet.netuid, n.uid, n.uid
                    ),
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

fn subnets_table(subnets: &[plexus_rpc::types::SubnetSummary]) -> String {
    let total: u128 = subnets.iter().map(|s| u128::from(s.tao_emission)).sum();
    let rows: Vec<Vec<String>> = subnets
        .iter()
        .map(|s| {
            let emission_share = (u128::from(s.tao_emission) * u128::from(u16::MAX))
                .checked_div(total)
                .map_or(0, |v| u16::try_from(v).unwrap_or(u16::MAX));
            vec![
                num(s.netuid, &subnet_link(s.netuid)),
                esc(&s.name),
                num(s.price, &price(s.price)),
                num(emission_share, &share(emission_share)),
                num(s.tempo, &s.tempo.to_string()),
                num(s.n, &format!("{} / {}", s.n, s.max_uids)),
                num(s.burn, &tao(s.burn)),
                account_link(&s.owner_coldkey),
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
    Ok(page(
        "Subnets",
        &frame.chain,
        &format!("{}{}", as_of(height), subnets_table(&subnets)),
    ))
}

/// The subnet's metagraph at each of its recent epochs that the node still keeps, oldest first.
async fn history(
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
    let options = MetagraphOptions {
        weights: true,
        bonds: false,
    };
    let metagraph = client
        .metagraph(netuid, options, at)
        .await?
        .ok_or_else(|| PageError::NotFound(format!("no subnet {netuid}")))?;
    let s = &info.summary;
    let summary = facts(&[
        ("Name", esc(&s.name)),
        ("Owner", account_link(&s.owner_coldkey)),
        ("Owner hotkey", account_link(&s.owner_hotkey)),
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
                num(
                    n.uid,
                    &format!(r#"<a href="/neuron/{netuid}/{0}">{0}</a>"#, n.uid),
                ),
                account_link(&n.hotkey),
                num(n.stake, &alpha(n.stake)),
                num(n.incentive, &share(n.incentive)),
                num(n.dividends, &share(n.dividends)),
                num(n.consensus, &share(n.consensus)),
                num(n.validator_trust, &share(n.validator_trust)),
                num(n.emission, &alpha(n.emission)),
                if n.validator_permit {
                    "yes".into()
                } else {
                    "no".into()
                },
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
        &format!("Subnet {netuid}: {}", s.name),
        &frame.chain,
        &body,
    ))
}

pub(crate) async fn neuron(
    client: &Client,
    frame: &Frame,
    netuid: u16,
    uid: u16,
) -> Result<String, PageError> {
    let (height, at) = finalized(client).await?;
    let options = MetagraphOptions {
        weights: true,
        bonds: false,
    };
    let metagraph = client
        .metagraph(netuid, options, at)
        .await?
        .ok_or_else(|| PageError::NotFound(format!("no subnet {netuid}")))?;
    let n = metagraph
        .neurons
        .get(usize::from(uid))
        .ok_or_else(|| PageError::NotFound(format!("no uid {uid} on subnet {netuid}")))?;
    let summary = facts(&[
        ("Subnet", subnet_link(netuid)),
        ("Uid", uid.to_string()),
        ("Hotkey", account_link(&n.hotkey)),
        (
            "Coldkey",
            n.coldkey.as_ref().map_or("—".into(), account_link),
        ),
        ("Stake", alpha(n.stake)),
        ("Incentive", share(n.incentive)),
        ("Dividends", share(n.dividends)),
        ("Consensus", share(n.consensus)),
        ("Validator trust", share(n.validator_trust)),
        ("Emission at the last epoch", alpha(n.emission)),
        (
            "Validator permit",
            if n.validator_permit {
                "yes".into()
            } else {
                "no".into()
            },
        ),
        ("Active", if n.active { "yes".into() } else { "no".into() }),
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
                options,
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
                num(to, &format!(r#"<a href="/neuron/{netuid}/{to}">{to}</a>"#)),
                num(w, &group(u128::from(*w))),
            ]
        })
        .collect();
    let received: Vec<Vec<String>> = received_by(&metagraph, uid)
        .into_iter()
        .map(|(from, w)| {
            vec![
                num(
                    from,
                    &format!(r#"<a href="/neuron/{netuid}/{from}">{from}</a>"#),
                ),
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
        "{}{summary}<h2>History</h2>{shares}{emission}<h2>Weights given</h2>{}<h2>Weights received</h2>{}<h2>Weights at recent epochs</h2>{}",
        as_of(height),
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
        .map(|(uid, w)| {
            format!(
                r#"<a href="/neuron/{netuid}/{uid}">{uid}</a>: {}"#,
                group(u128::from(*w))
            )
        })
        .collect();
    if sorted.len() > SHOWN {
        parts.push(format!("and {} more", sorted.len() - SHOWN));
    }
    parts.join(", ")
}

/// Where a search goes: `sn3` or `subnet 3` for a subnet, a number for a block, a 0x-hash for a
/// block or else a transaction, an address for an account.
pub(crate) async fn search(client: &Client, query: &str) -> Result<String, PageError> {
    let q = query.trim();
    let lower = q.to_ascii_lowercase();
    for prefix in ["sn", "subnet ", "subnet", "netuid "] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            if let Ok(netuid) = rest.trim().parse::<u16>() {
                return Ok(format!("/subnet/{netuid}"));
            }
        }
    }
    if let Ok(height) = q.parse::<u64>() {
        return Ok(format!("/block/{height}"));
    }
    if let Ok(hash) = H256::from_hex(q) {
        if client.block(BlockId::Hash(hash)).await?.is_some() {
            return Ok(format!("/block/{hash}"));
        }
        return Ok(format!("/tx/{hash}"));
    }
    if let Ok(account) = AccountId::from_ss58(q) {
        return Ok(format!("/account/{account}"));
    }
    Err(PageError::NotFound(format!(
        "nothing matches {q:?}: try a block height, a block or transaction hash, an address, or sn<netuid>"
    )))
}
