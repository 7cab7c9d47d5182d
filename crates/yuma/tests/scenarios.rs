//! Every conformance scenario in `tests/vectors/scenarios` (copies of the reference's
//! `yuma-scenario/1` files), replayed and compared with its expected lines as the format
//! prescribes: integers exactly, permits as booleans, bond rows as sets of `(column, value)`.
//!
//! The CLI's test runs the same files through the suite's own checker when it is beside the
//! repository; this one needs nothing but the repository.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use plexus_yuma::scenario::{replay, Scenario};
use serde_json::Value;
use std::path::PathBuf;

fn scenario_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// A bond row as the sorted list of its `(column, value)` pairs.
fn bond_set(row: &Value) -> Vec<(u64, u64)> {
    let mut pairs: Vec<(u64, u64)> = row
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| (pair[0].as_u64().unwrap(), pair[1].as_u64().unwrap()))
        .collect();
    pairs.sort_unstable();
    pairs
}

/// Every difference between an expected line and the computed one, field by field.
fn differences(expect: &Value, got: &Value) -> Vec<String> {
    let mut found = Vec::new();
    for (field, want) in expect.as_object().unwrap() {
        let have = &got[field];
        let same = if field == "bonds" {
            let (want, have) = (want.as_array().unwrap(), have.as_array().unwrap());
            want.len() == have.len()
                && want
                    .iter()
                    .zip(have)
                    .all(|(w, h)| bond_set(w) == bond_set(h))
        } else {
            want == have
        };
        if !same {
            found.push(format!("{field}: expected {want}, got {have}"));
        }
    }
    found
}

#[test]
fn test_every_scenario_matches_its_expected_lines() {
    let files = scenario_files();
    assert!(files.len() >= 7, "scenarios missing: {files:?}");
    let mut failures = Vec::new();
    let mut epochs = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let mut raw: Value = serde_json::from_str(&text).unwrap();
        let expected: Vec<Value> = raw["steps"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .filter(|step| step.get("epoch").is_some())
            .map(|step| step.as_object_mut().unwrap().remove("expect").unwrap())
            .collect();
        // The implementation sees the file as the suite's checker passes it: without answers.
        let scenario = Scenario::parse(&raw.to_string()).unwrap();
        let mut lines = Vec::new();
        replay(&scenario, |line| {
            lines.push(serde_json::to_value(line).unwrap())
        })
        .unwrap();
        let name = file.file_name().unwrap().to_string_lossy();
        if lines.len() != expected.len() {
            failures.push(format!(
                "{name}: {} lines for {} epoch steps",
                lines.len(),
                expected.len()
            ));
            continue;
        }
        for (expect, got) in expected.iter().zip(&lines) {
            epochs += 1;
            for difference in differences(expect, got) {
                failures.push(format!("{name} step {}: {difference}", expect["step"]));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(epochs > 0, "no epoch was compared");
}

#[test]
fn test_comparison_catches_a_changed_value_and_a_missing_bond() {
    let expect = serde_json::json!({"incentive": [1, 2], "bonds": [[[0, 5], [1, 0]], []]});
    let reordered = serde_json::json!({"incentive": [1, 2], "bonds": [[[1, 0], [0, 5]], []]});
    assert!(differences(&expect, &reordered).is_empty());
    let changed = serde_json::json!({"incentive": [1, 3], "bonds": [[[0, 5]], []]});
    assert_eq!(differences(&expect, &changed).len(), 2);
}
