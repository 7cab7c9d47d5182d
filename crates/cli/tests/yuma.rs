//! `plexus yuma replay` against the conformance scenarios, through the suite's own checker.

use crate::util::Env;
use std::{path::PathBuf, process::Command};

/// The conformance suite beside the repository (`../shared`), when there is one: its checker
/// and its scenarios. A bare clone has none; `plexus-yuma`'s own test then covers the copies of
/// the scenarios kept in the repository.
fn shared() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    dir.join("tools/yuma_check.py").is_file().then_some(dir)
}

/// The repository's copies of the conformance scenarios.
fn scenarios() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../yuma/tests/vectors/scenarios")
}

#[test]
fn test_conformance_scenarios_pass_the_checker() {
    let Some(shared) = shared() else {
        eprintln!(
            "no conformance suite beside the repository; the yuma crate's test covers its copies"
        );
        return;
    };
    // The suite's scenarios and the repository's copies, through the suite's checker.
    for dir in [shared.join("conformance/yuma"), scenarios()] {
        let out = Command::new("python3")
            .arg(shared.join("tools/yuma_check.py"))
            .arg("--cmd")
            .arg(format!("{} yuma replay", env!("CARGO_BIN_EXE_plexus")))
            .arg(&dir)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}: {stdout}{}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
        assert!(
            !stdout.contains(" 0 passed"),
            "no scenario was checked: {stdout}"
        );
    }
}

#[test]
fn test_replay_table_and_bad_files() {
    let env = Env::new();
    let scenario = scenarios().join("tv4-active-stake.json");
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
