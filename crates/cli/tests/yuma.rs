//! `plexus yuma replay` against the conformance scenarios, through the suite's own checker.

use crate::util::Env;
use std::{path::PathBuf, process::Command};

/// The conformance material beside the repository (`../shared`).
fn shared() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    assert!(
        dir.join("tools/yuma_check.py").is_file(),
        "the conformance suite is expected at {} (a checkout of shared/ beside the repository)",
        dir.display()
    );
    dir
}

#[test]
fn test_conformance_scenarios_pass_the_checker() {
    let shared = shared();
    let out = Command::new("python3")
        .arg(shared.join("tools/yuma_check.py"))
        .arg("--cmd")
        .arg(format!("{} yuma replay", env!("CARGO_BIN_EXE_plexus")))
        .arg(shared.join("conformance/yuma"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    assert!(
        !stdout.contains(" 0 passed"),
        "no scenario was checked: {stdout}"
    );
}

#[test]
fn test_replay_table_and_bad_files() {
    let env = Env::new();
    let scenario = shared().join("conformance/yuma/tv4-active-stake.json");
    let run = env.ok(&["yuma", "replay", "--table", scenario.to_str().unwrap()]);
    assert!(run.stdout.contains("epoch at block"), "{}", run.stdout);
    assert!(
        run.stdout.contains("consensus") && run.stdout.contains('%'),
        "{}",
        run.stdout
    );

    let bad = env.dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"format": "yuma-scenario/1", "n": 2}"#).unwrap();
    let run = env.fails(&["yuma", "replay", bad.to_str().unwrap()], 2);
    assert!(
        run.stderr.contains("bad.json") && run.stderr.contains("missing field"),
        "{}",
        run.stderr
    );
    let missing = env.dir.path().join("missing.json");
    let run = env.fails(&["yuma", "replay", missing.to_str().unwrap()], 2);
    assert!(
        run.stderr.contains("missing.json: cannot read"),
        "{}",
        run.stderr
    );
}
