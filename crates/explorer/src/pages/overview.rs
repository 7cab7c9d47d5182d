//! The overview: the chain's head and totals, its latest blocks, and its subnets.

use super::blocks::{block_row, BLOCK_HEADERS};
use super::subnets::subnets_table;
use super::{names, Frame, PageError};
use crate::html::{as_of, block_link, facts, group, mono, page, table, tao};
use plexus_rpc::types::BlockId;
use plexus_rpc::Client;

pub(crate) async fn overview(client: &Client, frame: &Frame) -> Result<String, PageError> {
    let info = client.info().await?;
    let health = client.health().await?;
    let head = health.finalized;
    let subnets = client.subnets(Some(BlockId::Number(head))).await?;
    let names = names(client, Some(BlockId::Number(head))).await?;
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
        ("Genesis", mono(info.genesis_hash)),
    ]);
    let body = format!(
        r#"{}{summary}<h2>Latest blocks</h2>{}<p><a href="/blocks">All blocks →</a></p><h2>Subnets</h2>{}"#,
        as_of(head),
        table("latest-blocks", &BLOCK_HEADERS, &rows, false),
        subnets_table(&subnets, &names),
    );
    Ok(page("Overview", &frame.chain, &body))
}
