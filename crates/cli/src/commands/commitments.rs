//! `plexus commitments …`: what hotkeys publish on subnets.

use super::net::{self, Net};
use super::Context;
use crate::cli::{CommitmentGetArgs, CommitmentSetArgs, CommitmentsCommand};
use crate::table::{terminal_width, Column, Table};
use anyhow::{anyhow, bail, Result};
use plexus_primitives::H256;
use plexus_rpc::types::Event;
use plexus_runtime::{Call, CommitmentField, MAX_BIG_RAW, MAX_RAW};
use serde_json::json;

pub(crate) async fn run(ctx: &Context, cmd: CommitmentsCommand) -> Result<()> {
    match cmd {
        CommitmentsCommand::Set(args) => set(ctx, &args).await,
        CommitmentsCommand::Get(args) => get(ctx, &args).await,
    }
}

/// A field as people read it: text when it is, else hex.
fn show(field: &CommitmentField) -> String {
    let bytes = |b: &[u8]| match std::str::from_utf8(b) {
        Ok(text) if !text.chars().any(char::is_control) => text.to_string(),
        _ => format!("0x{}", hex::encode(b)),
    };
    match field {
        CommitmentField::Raw(b) | CommitmentField::BigRaw(b) => bytes(b),
        CommitmentField::Blake2_256(h) => format!("blake2-256:{h}"),
        CommitmentField::Sha256(h) => format!("sha256:{h}"),
        CommitmentField::Keccak256(h) => format!("keccak-256:{h}"),
        CommitmentField::Sha3_256(h) => format!("sha3-256:{h}"),
        CommitmentField::ResetBonds => "(reset bonds)".into(),
        CommitmentField::Timelocked { reveal, sealed } => {
            format!("(sealed until {reveal}, {} bytes)", sealed.len())
        }
        CommitmentField::Revealed { reveal, data } => {
            format!("{} (opened at {reveal})", bytes(data))
        }
    }
}

async fn set(ctx: &Context, args: &CommitmentSetArgs) -> Result<()> {
    let mut fields = Vec::new();
    if let Some(data) = &args.data {
        let bytes = data.as_bytes().to_vec();
        fields.push(match bytes.len() {
            n if n <= MAX_RAW => CommitmentField::Raw(bytes),
            n if n <= MAX_BIG_RAW => CommitmentField::BigRaw(bytes),
            n => bail!("--data is {n} bytes; a commitment field holds at most {MAX_BIG_RAW}"),
        });
    }
    if let Some(hex) = &args.sha256 {
        let hash: H256 =
            serde_json::from_value(json!(format!("0x{}", hex.trim().trim_start_matches("0x"))))
                .map_err(|e| anyhow!("--sha256 {hex:?} is not 32 bytes of hex: {e}"))?;
        fields.push(CommitmentField::Sha256(hash));
    }
    if args.reset_bonds {
        fields.push(CommitmentField::ResetBonds);
    }
    if fields.is_empty() {
        bail!("give --data, --sha256 or --reset-bonds");
    }
    let netuid = args.netuid;
    let net = Net::connect(ctx).await?;
    let signer = net::hotkey(ctx)?;
    let hotkey = signer.account();
    let tx = net
        .sign(
            &signer,
            Call::SetCommitment {
                netuid,
                fields: fields.clone(),
            },
        )
        .await?;
    net::confirm(
        ctx,
        &format!("Publish this commitment for {hotkey} on subnet {netuid} (free)?"),
    )?;
    let receipt = net.submit(ctx, &tx, "publishing the commitment").await?;
    let reset = receipt.events.iter().any(|e| {
        matches!(
            e,
            Event::CommitmentSet {
                bonds_reset: true,
                ..
            }
        )
    });
    let mut value = receipt.json();
    value["netuid"] = json!(netuid);
    value["hotkey"] = json!(hotkey);
    value["fields"] = json!(fields);
    value["bonds_reset"] = json!(reset);
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            return format!("{}\n", receipt.hash);
        }
        let reset = if reset {
            "; the bonds toward it were cleared"
        } else {
            ""
        };
        format!(
            "Commitment of {hotkey} on subnet {netuid} published {}{reset}.\n",
            receipt.text()
        )
    })?;
    Ok(())
}

async fn get(ctx: &Context, args: &CommitmentGetArgs) -> Result<()> {
    let hotkey = args
        .hotkey_ss58
        .as_deref()
        .map(|h| net::parse_address(h, "hotkey"))
        .transpose()?;
    let net = Net::connect(ctx).await?;
    let answer = net
        .client()
        .commitments(args.netuid, hotkey, None)
        .await
        .map_err(|e| net.query_error(e))?;
    ctx.out.result(json!(answer), || {
        if answer.commitments.is_empty() {
            return format!(
                "No commitments on subnet {} at block {}.\n",
                answer.netuid, answer.block
            );
        }
        let mut table = Table::new(vec![
            Column::right("UID"),
            Column::address("HOTKEY"),
            Column::right("BLOCK"),
            Column::left("FIELDS"),
        ]);
        for c in &answer.commitments {
            let fields: Vec<String> = c.fields.iter().map(show).collect();
            table.row(vec![
                c.uid.map_or("—".into(), |u| u.to_string()),
                c.hotkey.to_ss58(),
                c.block.to_string(),
                fields.join(" | "),
            ]);
        }
        format!(
            "Commitments on subnet {} at block {}\n\n{}",
            answer.netuid,
            answer.block,
            table.render(terminal_width())
        )
    })?;
    Ok(())
}
