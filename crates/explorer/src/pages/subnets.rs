//! Subnets: the list of them, a subnet with its metagraph, charts, weights and commitments, the
//! history of metagraphs that its charts and a neuron's are drawn from, and how a commitment
//! reads.

use super::{finalized, names, Frame, PageError};
use crate::html::{
    alpha, as_of, block_link, esc, facts, group, neuron_link, num, page, price, share, short_hash,
    subnet_link, subnet_name, table, tao, yes_no, Names,
};
use crate::svg;
use plexus_primitives::H256;
use plexus_rpc::series::Series;
use plexus_rpc::types::{BlockId, CommitmentEntry, Commitments, Metagraph, MetagraphOptions};
use plexus_rpc::Client;
use std::fmt::Write as _;

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
    let all_commitments = client.commitments(netuid, None, at).await?;
    let commitments = commitments_table(&all_commitments, &names);
    let published = published_charts(&all_commitments);
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
        r#"{}{summary}<h2>Metagraph</h2>{}<h2>Incentive over recent epochs</h2>{}<h2>Dividends over recent epochs</h2>{}<h2>Weights</h2>{}<h2>Commitments</h2>{commitments}{published}<h2>Hyperparameters</h2>{}"#,
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

/// Every hotkey's newest commitment on the subnet, registered uids first; long fields are cut
/// short, whole on hover.
fn commitments_table(commitments: &Commitments, names: &Names) -> String {
    let mut entries: Vec<&CommitmentEntry> = commitments.commitments.iter().collect();
    entries.sort_by_key(|c| (c.uid.is_none(), c.uid, c.hotkey));
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|c| {
            vec![
                match c.uid {
                    Some(uid) => num(uid, &neuron_link(commitments.netuid, uid)),
                    // No longer registered: sorts after every uid.
                    None => num(u32::from(u16::MAX) + 1, "—"),
                },
                names.link(&c.hotkey),
                num(c.block, &block_link(c.block)),
                commitment_fields(c, Some(FIELD_SHOWN)),
            ]
        })
        .collect();
    table(
        "commitments",
        &["Uid", "Hotkey", "Block", "Fields"],
        &rows,
        true,
    )
}

/// A chart of every measurement series a neuron publishes in its commitment
/// (`plexus_rpc::series`), such as a training subnet's held-out loss by round; nothing if
/// none does.
fn published_charts(commitments: &Commitments) -> String {
    let mut entries: Vec<&CommitmentEntry> = commitments.commitments.iter().collect();
    entries.sort_by_key(|c| (c.uid.is_none(), c.uid, c.hotkey));
    let mut out = String::new();
    for entry in entries {
        for series in entry.fields.iter().filter_map(Series::from_field) {
            let who = entry
                .uid
                .map_or_else(|| "a former neuron".to_string(), |uid| format!("uid {uid}"));
            let title = format!("{} ({}), published by {who}", series.name, series.unit);
            let values = series.values();
            let xs: Vec<u64> = values.iter().map(|&(x, _)| u64::from(x)).collect();
            let ys: Vec<f64> = values.iter().map(|&(_, y)| y).collect();
            let _ = write!(
                out,
                "<h3>{}</h3>{}",
                esc(&title),
                svg::lines(&title, &xs, &[(series.name.as_str(), ys)])
            );
        }
    }
    if out.is_empty() {
        return out;
    }
    format!("<h2>Published by neurons</h2>{out}")
}

/// Characters of a commitment field a table shows.
const FIELD_SHOWN: usize = 64;

/// A commitment's fields, one a line: bytes as text when they are printable UTF-8, else as
/// hex; hashes named by their function (`sha256:0x…`); a bonds reset in words. Read from the
/// fields' JSON form, the RPC's documented format, since the explorer does not link the
/// runtime. Bytes longer than `limit` characters, if given, are cut short, whole on hover.
pub(super) fn commitment_fields(entry: &CommitmentEntry, limit: Option<usize>) -> String {
    let value = serde_json::to_value(&entry.fields).unwrap_or_default();
    let fields: Vec<String> = value
        .as_array()
        .into_iter()
        .flatten()
        .map(|field| commitment_field(field, limit))
        .collect();
    if fields.is_empty() {
        return r#"<span class="empty">no fields</span>"#.into();
    }
    fields.join("<br>")
}

fn commitment_field(field: &serde_json::Value, limit: Option<usize>) -> String {
    // A field without contents: its name, in words (`reset_bonds`).
    if let Some(word) = field.as_str() {
        return esc(&word.replace('_', " "));
    }
    let tagged = field
        .as_object()
        .filter(|o| o.len() == 1)
        .and_then(|o| o.iter().next());
    match tagged {
        Some((_, serde_json::Value::Array(items))) => {
            let bytes: Option<Vec<u8>> = items
                .iter()
                .map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
                .collect();
            match bytes {
                Some(bytes) => bytes_html(&bytes, limit),
                None => esc(&field.to_string()),
            }
        }
        Some((kind, serde_json::Value::Object(inner)))
            if kind == "timelocked" || kind == "revealed" =>
        {
            let reveal = inner.get("reveal");
            let part = |name| {
                reveal
                    .and_then(|r| r.get(name))
                    .and_then(serde_json::Value::as_u64)
                    .unwrap_or(0)
            };
            let round = format!("epoch {} view {}", part("epoch"), part("view"));
            if kind == "timelocked" {
                return esc(&format!("sealed until {round}"));
            }
            let data: Vec<u8> = inner
                .get("data")
                .and_then(serde_json::Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
                .collect();
            format!(
                "{} {}",
                bytes_html(&data, limit),
                esc(&format!("(opened at {round})"))
            )
        }
        Some((kind, serde_json::Value::String(hash))) => match H256::from_hex(hash) {
            Ok(hash) => short_hash(&format!("{kind}:"), &hash),
            Err(_) => esc(&format!("{kind}:{hash}")),
        },
        _ => esc(&field.to_string()),
    }
}

/// Bytes as the text they spell when it is printable, else as `0x` hex.
fn bytes_html(bytes: &[u8], limit: Option<usize>) -> String {
    if bytes.is_empty() {
        return r#"<span class="empty">empty</span>"#.into();
    }
    let (text, class) = match std::str::from_utf8(bytes) {
        Ok(text) if text.chars().all(printable) => (text.to_string(), ""),
        _ => {
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            (format!("0x{hex}"), r#" class="mono""#)
        }
    };
    match limit.filter(|&limit| text.chars().count() > limit) {
        Some(limit) => {
            let head: String = text.chars().take(limit.saturating_sub(1)).collect();
            format!(
                r#"<span{class} title="{}">{}…</span>"#,
                esc(&text),
                esc(&head)
            )
        }
        None if class.is_empty() => esc(&text),
        None => format!("<span{class}>{}</span>", esc(&text)),
    }
}

/// Whether a character shows as itself: not a control character, and not one of the invisible
/// ones that would hide or reorder the text around it (zero-width and direction marks).
fn printable(c: char) -> bool {
    !c.is_control()
        && !matches!(
            c,
            '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use plexus_primitives::AccountId;
    use plexus_runtime::CommitmentField;

    fn entry(fields: Vec<CommitmentField>) -> CommitmentEntry {
        CommitmentEntry {
            hotkey: AccountId([1; 32]),
            uid: Some(0),
            block: 7,
            fields,
        }
    }

    /// Every kind of field reads as text, hex, a named hash or a word, and markup stays text.
    #[test]
    fn test_commitment_fields_read_as_text_hex_hashes_and_words() {
        let hash = H256([0xab; 32]);
        let fields = vec![
            CommitmentField::Raw(b"<script>x</script>".to_vec()),
            CommitmentField::BigRaw(vec![0, 1, 0xff]),
            CommitmentField::Sha256(hash),
            CommitmentField::ResetBonds,
        ];
        let shown = commitment_fields(&entry(fields), None);
        let lines: Vec<&str> = shown.split("<br>").collect();
        assert_eq!(lines[0], "&lt;script&gt;x&lt;/script&gt;");
        assert_eq!(lines[1], r#"<span class="mono">0x0001ff</span>"#);
        assert_eq!(
            lines[2],
            format!(r#"<span class="mono" title="sha256:{hash}">sha256:0xabababab…ababab</span>"#)
        );
        assert_eq!(lines[3], "reset bonds");
        assert_eq!(lines.len(), 4);
        for (field, name) in [
            (CommitmentField::Blake2_256(hash), "blake2_256:0x"),
            (CommitmentField::Keccak256(hash), "keccak256:0x"),
            (CommitmentField::Sha3_256(hash), "sha3_256:0x"),
        ] {
            let shown = commitment_fields(&entry(vec![field]), None);
            assert!(shown.contains(&format!(">{name}abab")), "{shown}");
        }
        assert!(commitment_fields(&entry(Vec::new()), None).contains("no fields"));
        assert!(
            commitment_fields(&entry(vec![CommitmentField::Raw(Vec::new())]), None)
                .contains("empty")
        );
    }

    /// Text that could hide or reorder what is around it, or break a line, is shown as hex.
    #[test]
    fn test_unprintable_text_is_hex() {
        for text in ["a\u{202E}b", "line\nbreak", "zero\u{200B}width", "\u{0}"] {
            let shown = commitment_fields(
                &entry(vec![CommitmentField::Raw(text.as_bytes().to_vec())]),
                None,
            );
            assert!(
                shown.starts_with(r#"<span class="mono">0x"#),
                "{text:?}: {shown}"
            );
        }
        let shown = commitment_fields(&entry(vec![CommitmentField::Raw("τ ok".into())]), None);
        assert_eq!(shown, "τ ok");
    }

    /// In a table a long field is cut short, and the whole of it is on hover, escaped.
    #[test]
    fn test_long_fields_cut_short_in_tables() {
        let long = format!("\"{}", "x".repeat(99));
        let field = entry(vec![CommitmentField::BigRaw(long.clone().into_bytes())]);
        let shown = commitment_fields(&field, Some(10));
        assert_eq!(
            shown,
            format!(
                r#"<span title="&quot;{}">&quot;xxxxxxxx…</span>"#,
                "x".repeat(99)
            )
        );
        assert_eq!(commitment_fields(&field, None), esc(&long));
    }
}
