//! The chain's record: the block list, a block, a transaction, and the events table the last
//! two show.

use super::{finalized, names, Frame, PageError};
use crate::html::{
    alpha, block_link, esc, facts, group, hash_link, mono, num, page, pager, short_hash,
    subnet_link, table, tao, time, Names,
};
use plexus_primitives::{AccountId, H256};
use plexus_rpc::types::{BlockId, EventRecord};
use plexus_rpc::Client;

/// Blocks per page of the block list.
const PAGE_BLOCKS: u64 = 25;

/// The columns of every table of blocks, as [`block_row`] fills them.
pub(super) const BLOCK_HEADERS: [&str; 5] = ["Height", "Hash", "Time", "Transactions", "Events"];

pub(super) fn block_row(block: &plexus_rpc::types::BlockInfo) -> Vec<String> {
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

fn events_table(events: &[EventRecord], names: &Names) -> String {
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
                    fields.push(format!("{}: {}", esc(key), field_html(key, field, names)));
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

/// Event fields that are a subnet.
const NETUID_FIELDS: [&str; 3] = ["netuid", "from_netuid", "to_netuid"];

/// One field of an event: accounts, subnets and transaction hashes become links, other hashes
/// (a proxy's call, a new coldkey's) are shown shortened, amounts are written as everywhere
/// else, an error by its message; everything else is text.
fn field_html(key: &str, value: &serde_json::Value, names: &Names) -> String {
    let rao = value.as_str().and_then(|s| s.parse::<u128>().ok());
    let netuid = value.as_u64().and_then(|n| u16::try_from(n).ok());
    match (rao, netuid, value) {
        (Some(rao), _, _) if TAO_FIELDS.contains(&key) => tao(rao),
        (Some(rao), _, _) if ALPHA_FIELDS.contains(&key) => alpha(rao),
        (_, Some(netuid), _) if NETUID_FIELDS.contains(&key) => subnet_link(netuid),
        // Absent: no error (the call succeeded), every subnet (a hotkey swap), or nothing.
        (_, _, serde_json::Value::Null) => match key {
            "error" => "none".into(),
            "netuid" => "every subnet".into(),
            _ => "—".into(),
        },
        (_, _, serde_json::Value::Object(error)) if key == "error" => {
            match error.get("message").and_then(|m| m.as_str()) {
                Some(message) => esc(message),
                None => field_text(key, value, names),
            }
        }
        (_, _, value) => field_text(key, value, names),
    }
}

fn field_text(key: &str, value: &serde_json::Value, names: &Names) -> String {
    match value {
        serde_json::Value::String(s) => {
            if let Ok(account) = AccountId::from_ss58(s) {
                names.link(&account)
            } else if s.len() == 66 && s.starts_with("0x") {
                match H256::from_hex(s) {
                    Ok(hash) if key == "hash" => hash_link(&hash, &format!("/tx/{s}")),
                    Ok(hash) => short_hash("", &hash),
                    Err(_) => esc(s),
                }
            } else {
                esc(s)
            }
        }
        other => esc(&other.to_string()),
    }
}

/// The names accounts go by now, for a block or transaction of any age: a pruning node no
/// longer has the state of old blocks, and who someone is today is what a reader asks.
async fn current_names(client: &Client) -> Result<Names, PageError> {
    let (_, at) = finalized(client).await?;
    names(client, at).await
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
    let names = current_names(client).await?;
    let h = &block.header;
    // The beacon this block records, with what checks it: anyone can verify the signature
    // against the group key (see `chain_randomness` in the RPC documentation).
    let beacon = match client.randomness(h.number).await? {
        Some(r) => format!(
            "{} <span class=\"empty\">(view {}: group signature {})</span>",
            mono(r.randomness),
            group(u128::from(r.view)),
            esc(&format!("0x{}", hex::encode(&r.signature)))
        ),
        None => r#"<span class="empty">none</span>"#.into(),
    };
    let parent = if h.number > 0 {
        hash_link(&h.parent_hash, &format!("/block/{}", h.number - 1))
    } else {
        "—".into()
    };
    let summary = facts(&[
        ("Height", group(u128::from(h.number))),
        ("Hash", mono(h.hash)),
        ("Parent", parent),
        ("Time", esc(&time(h.timestamp))),
        ("Consensus view", group(u128::from(h.view))),
        ("Randomness", beacon),
        ("State root", mono(h.state_root)),
        ("Transactions root", mono(h.transactions_root)),
    ]);
    let txs: Vec<Vec<String>> = block
        .transactions
        .iter()
        .map(|tx| {
            vec![
                hash_link(&tx.hash, &format!("/tx/{}", tx.hash)),
                names.link(&tx.signer),
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
        events_table(&block.events, &names)
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
    let names = current_names(client).await?;
    let mut items = vec![
        ("Hash", mono(hash)),
        ("Status", esc(&format!("{:?}", info.status).to_lowercase())),
    ];
    if let Some(details) = &info.transaction {
        items.push(("Signer", names.link(&details.signer)));
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
        events = format!("<h2>Events</h2>{}", events_table(&records, &names));
    }
    let body = format!("{}{events}", facts(&items));
    Ok(page("Transaction", &frame.chain, &body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use plexus_rpc::types::{Event, Phase, TxError};

    fn shown(event: Event) -> String {
        let names = Names::new(&plexus_rpc::types::Delegates {
            delegates: Vec::new(),
            block: 1,
        });
        let record = EventRecord {
            phase: Phase::Transaction(0),
            event,
        };
        events_table(&[record], &names)
    }

    /// Accounts are linked, proxy types and errors are words, hashes of calls and keys are not
    /// taken for transactions, and an absent subnet means every subnet.
    #[test]
    fn test_proxy_swap_and_commitment_events() {
        let (real, delegate) = (AccountId([1; 32]), AccountId([2; 32]));
        let added = shown(Event::ProxyAdded {
            real,
            delegate,
            proxy_type: plexus_runtime::ProxyType::Staking,
            delay: 0,
        });
        assert!(added.contains(&format!(r#"title="{real}""#)));
        assert!(added.contains(&format!(r#"title="{delegate}""#)));
        assert!(added.contains("proxy_type: staking"), "{added}");
        let call_hash = H256([5; 32]);
        let announced = shown(Event::ProxyAnnounced {
            real,
            delegate,
            call_hash,
        });
        assert!(announced.contains(&format!(r#"title="{call_hash}""#)));
        assert!(!announced.contains("/tx/"), "{announced}");
        let executed = shown(Event::ProxyExecuted {
            real,
            delegate,
            error: None,
        });
        assert!(executed.contains("error: none"), "{executed}");
        let failed = shown(Event::BatchInterrupted {
            index: 2,
            error: TxError {
                kind: "insufficient_balance".into(),
                message: "not <enough>".into(),
            },
        });
        assert!(failed.contains("error: not &lt;enough&gt;"), "{failed}");
        let swapped = shown(Event::HotkeySwapped {
            coldkey: real,
            old: delegate,
            new: AccountId([3; 32]),
            netuid: None,
        });
        assert!(swapped.contains("netuid: every subnet"), "{swapped}");
        let committed = shown(Event::CommitmentSet {
            netuid: 3,
            hotkey: delegate,
            bonds_reset: false,
        });
        assert!(
            committed.contains(r#"netuid: <a href="/subnet/3">3</a>"#),
            "{committed}"
        );
        let hash = H256([6; 32]);
        let swap = shown(Event::ColdkeySwapAnnounced {
            coldkey: real,
            new_coldkey_hash: hash,
            when: 9,
        });
        assert!(swap.contains(&format!(r#"title="{hash}""#)) && !swap.contains("/tx/"));
        // A transaction's own hash still links to it.
        let succeeded = shown(Event::TransactionSucceeded { hash });
        assert!(succeeded.contains(&format!(r#"href="/tx/{hash}""#)));
    }
}
