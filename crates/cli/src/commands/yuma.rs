//! `plexus yuma …`: replaying Yuma Consensus scenarios.

use crate::cli::{ReplayArgs, YumaCommand};
use anyhow::{Context as _, Result};
use plexus_yuma::scenario::{self, Line, Scenario};
use std::{fmt::Write as _, io::Write, process::ExitCode};

pub(crate) fn run(cmd: YumaCommand) -> Result<ExitCode> {
    match cmd {
        YumaCommand::Replay(args) => replay(&args)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Largest scenario file read (the biggest conformance files are well under this).
const MAX_SCENARIO_BYTES: u64 = 256 * 1024 * 1024;

fn replay(args: &ReplayArgs) -> Result<()> {
    let path = &args.scenario;
    let len = std::fs::metadata(path)
        .with_context(|| format!("{}: cannot read", path.display()))?
        .len();
    anyhow::ensure!(
        len <= MAX_SCENARIO_BYTES,
        "{}: {len} bytes is larger than the {MAX_SCENARIO_BYTES}-byte limit",
        path.display()
    );
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let scenario = Scenario::parse(&text).with_context(|| path.display().to_string())?;
    let mut stdout = std::io::stdout().lock();
    let mut result = Ok(());
    scenario::replay(&scenario, |line| {
        if result.is_err() {
            return;
        }
        result = if args.table {
            write!(stdout, "{}", table(line))
        } else {
            serde_json::to_string(line)
                .map_err(std::io::Error::other)
                .and_then(|json| writeln!(stdout, "{json}"))
        };
    })
    .with_context(|| path.display().to_string())?;
    Ok(result?)
}

/// Percent with two decimals of a u16 proportion, in integers.
fn percent(x: u16) -> String {
    let hundredths = u32::from(x) * 10_000 / 65_535;
    format!("{}.{:02}%", hundredths / 100, hundredths % 100)
}

fn table(line: &Line) -> String {
    let mut out = format!("epoch at block {} (step {})\n", line.block, line.step);
    let _ = writeln!(
        out,
        "{:>5}  {:>6}  {:>9}  {:>9}  {:>9}  {:>9}  {:>16}  {:>16}  {:>5}",
        "uid",
        "permit",
        "consensus",
        "incentive",
        "dividends",
        "trust",
        "miner RAO",
        "validator RAO",
        "bonds"
    );
    let o = &line.outputs;
    for uid in 0..o.consensus.len() {
        let _ = writeln!(
            out,
            "{:>5}  {:>6}  {:>9}  {:>9}  {:>9}  {:>9}  {:>16}  {:>16}  {:>5}",
            uid,
            if o.validator_permit[uid] { "yes" } else { "" },
            percent(o.consensus[uid]),
            percent(o.incentive[uid]),
            percent(o.dividends[uid]),
            percent(o.validator_trust[uid]),
            o.server_emission[uid],
            o.validator_emission[uid],
            o.bonds[uid].len(),
        );
    }
    out.push('\n');
    out
}
