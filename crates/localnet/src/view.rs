//! The live view: blocks, each subnet's last epoch, and who earns what.

use crate::net::{Localnet, RunningSubnet};
use plexus_primitives::format_tao;
use plexus_rpc::series::Series;
use plexus_rpc::Client;
use plexus_sdk::Snapshot;
use std::fmt::Write as _;
use std::time::Duration;

/// A share of 65535 as a fraction.
fn share(value: u16) -> f64 {
    f64::from(value) / f64::from(u16::MAX)
}

/// The series the subnet's validators publish in their commitments (a training subnet's
/// held-out loss, say), each with the validator's name.
async fn published(client: &Client, subnet: &RunningSubnet) -> Vec<(String, Series)> {
    let Ok(commitments) = client.commitments(subnet.netuid, None, None).await else {
        return Vec::new();
    };
    subnet
        .validators
        .iter()
        .filter_map(|v| {
            let entry = commitments
                .commitments
                .iter()
                .find(|c| c.hotkey == v.hotkey)?;
            let series = entry.fields.iter().find_map(Series::from_field)?;
            Some((v.name.clone(), series))
        })
        .collect()
}

/// A published series in a few words: its newest value and its first.
fn latest(series: &Series) -> Option<String> {
    let values = series.values();
    let ((x, y), (x0, y0)) = (values.last()?, values.first()?);
    Some(format!(
        "{} at {x}: {y:.3} {} (at {x0}: {y0:.3})",
        series.name, series.unit
    ))
}

fn render_subnet(
    out: &mut String,
    subnet: &RunningSubnet,
    snapshot: &Snapshot,
    published: &[(String, Series)],
) {
    let summary = &snapshot.subnet.summary;
    let _ = writeln!(
        out,
        "\n{} (netuid {}): {}\n  tempo {}, epoch {} at block {}",
        subnet.name,
        subnet.netuid,
        subnet.about,
        summary.tempo,
        summary.epoch_index,
        summary.last_epoch_block
    );
    let _ = writeln!(
        out,
        "  {:>4}  {:<14} {:>7} {:>9} {:>16}",
        "uid", "miner", "quality", "incentive", "emission (α)"
    );
    for miner in &subnet.miners {
        let Some(neuron) = snapshot
            .uid(&miner.hotkey)
            .and_then(|uid| snapshot.neuron(uid))
        else {
            continue;
        };
        let _ = writeln!(
            out,
            "  {:>4}  {:<14} {:>7} {:>9.4} {:>16}",
            neuron.uid,
            miner.name,
            miner.kind.map_or(0, |k| k.quality()),
            share(neuron.incentive),
            format_tao(neuron.emission)
        );
    }
    let _ = writeln!(
        out,
        "  {:>4}  {:<14} {:>16} {:>9} {:>16}",
        "uid", "validator", "stake (α)", "dividends", "emission (α)"
    );
    for validator in &subnet.validators {
        let Some(neuron) = snapshot
            .uid(&validator.hotkey)
            .and_then(|uid| snapshot.neuron(uid))
        else {
            continue;
        };
        let _ = writeln!(
            out,
            "  {:>4}  {:<14} {:>16} {:>9.4} {:>16}",
            neuron.uid,
            validator.name,
            format_tao(neuron.stake),
            share(neuron.dividends),
            format_tao(neuron.emission)
        );
    }
    for (name, series) in published {
        if let Some(text) = latest(series) {
            let _ = writeln!(out, "  {name} publishes {text}");
        }
    }
}

fn header(localnet: &Localnet, block: u64) -> String {
    let mut out = format!(
        "Plexus localnet: block {block}, {} chain validator{}\nRPC {}",
        localnet.validators,
        if localnet.validators == 1 { "" } else { "s" },
        localnet.rpc_url
    );
    if let Some(explorer) = &localnet.explorer_url {
        let _ = write!(out, "   explorer {explorer}");
    }
    let _ = write!(
        out,
        "\nstate {}   Ctrl-C stops (and keeps the chain)\n",
        localnet.state_dir.display()
    );
    for (name, reason) in &localnet.skipped {
        let _ = writeln!(out, "skipped {name}: {reason}");
    }
    out
}

/// One line per subnet: its epoch, each miner's incentive and what its validators publish.
fn line(subnet: &RunningSubnet, snapshot: &Snapshot, published: &[(String, Series)]) -> String {
    let mut out = format!(
        "block {} {} epoch {}:",
        snapshot.block(),
        subnet.name,
        snapshot.subnet.summary.epoch_index
    );
    for miner in &subnet.miners {
        if let Some(n) = snapshot.uid(&miner.hotkey).and_then(|u| snapshot.neuron(u)) {
            let _ = write!(out, " {} {:.3}", miner.name, share(n.incentive));
        }
    }
    for (name, series) in published {
        if let Some(text) = latest(series) {
            let _ = write!(out, "; {name}: {text}");
        }
    }
    out
}

/// Writes `text` to stdout; false once stdout is gone (`plexus localnet | head` has read
/// enough), which ends the view rather than the process.
fn emit(text: &str) -> bool {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .is_ok()
}

/// Shows the network until the RPC stops answering or stdout is closed: the screen redrawn
/// every block, or in `plain` mode the header once and a line per subnet epoch.
pub(crate) async fn show(localnet: &Localnet, plain: bool) {
    let Ok(client) = Client::new(&localnet.rpc_url) else {
        return;
    };
    let mut last_epochs = vec![u64::MAX; localnet.subnets.len()];
    let mut header_shown = false;
    let mut failures = 0;
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let Ok(health) = client.health().await else {
            failures += 1;
            if failures > 20 {
                eprintln!("the node stopped answering");
                return;
            }
            continue;
        };
        failures = 0;
        let mut frame = header(localnet, health.finalized);
        if plain && !header_shown {
            if !emit(&frame) {
                return;
            }
            header_shown = true;
        }
        for (index, subnet) in localnet.subnets.iter().enumerate() {
            let Ok(snapshot) = Snapshot::fetch(&client, subnet.netuid).await else {
                continue;
            };
            if plain {
                let epoch = snapshot.subnet.summary.epoch_index;
                if last_epochs[index] != epoch {
                    last_epochs[index] = epoch;
                    let published = published(&client, subnet).await;
                    if !emit(&format!("{}\n", line(subnet, &snapshot, &published))) {
                        return;
                    }
                }
            } else {
                let published = published(&client, subnet).await;
                render_subnet(&mut frame, subnet, &snapshot, &published);
            }
        }
        if !plain {
            // Home and clear, then the frame: one redraw per refresh.
            if !emit(&format!("\x1b[H\x1b[2J{frame}")) {
                return;
            }
        }
    }
}
