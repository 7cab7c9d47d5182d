//! Every case of the reference's fixed-point math vectors (`tests/vectors/math-vectors.json`, a
//! copy of the conformance file), each checked bit for bit through one `check` per helper.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use plexus_yuma::{
    alpha_sigmoid,
    fixed::{exp_safe, I32F32},
    max_upscale, top_k_nonzero, weighted_median, weighted_median_columns,
};
use serde_json::Value;

fn vectors() -> Value {
    let text = include_str!("vectors/math-vectors.json");
    let v: Value = serde_json::from_str(text).unwrap();
    assert_eq!(v["format"], "yuma-math-vectors/1");
    v
}

/// Runs `check` on every case of `function`'s group; reports every failing case at once.
fn for_cases(function: &str, check: impl Fn(&Value) -> Result<(), String>) {
    let v = vectors();
    let group = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["function"] == function)
        .unwrap_or_else(|| panic!("no group {function}"));
    let cases = group["cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    let failures: Vec<String> = cases
        .iter()
        .enumerate()
        .filter_map(|(i, case)| check(case).err().map(|e| format!("case {i}: {e}")))
        .collect();
    assert!(failures.is_empty(), "{function}:\n{}", failures.join("\n"));
}

fn fixed(v: &Value) -> I32F32 {
    I32F32::from_bits(v.as_i64().unwrap())
}

fn fixed_vec(v: &Value) -> Vec<I32F32> {
    v.as_array().unwrap().iter().map(fixed).collect()
}

fn same<T: PartialEq + std::fmt::Debug>(got: T, expected: T) -> Result<(), String> {
    if got == expected {
        Ok(())
    } else {
        Err(format!("expected {expected:?}, got {got:?}"))
    }
}

#[test]
fn test_weighted_median_col() {
    for_cases("weighted_median_col", |c| {
        let weights: Vec<Vec<I32F32>> = c["weights_bits"]
            .as_array()
            .unwrap()
            .iter()
            .map(fixed_vec)
            .collect();
        let got = weighted_median_columns(
            &fixed_vec(&c["stake_bits"]),
            &weights,
            fixed(&c["kappa_bits"]),
        );
        same(got, fixed_vec(&c["expected_bits"]))
    });
}

#[test]
fn test_weighted_median() {
    for_cases("weighted_median", |c| {
        let partition: Vec<u64> = c["partition_idx"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap())
            .collect();
        let stake = fixed_vec(&c["stake_bits"]);
        assert_eq!(
            partition,
            (0..stake.len() as u64).collect::<Vec<_>>(),
            "vectors pass all indices"
        );
        let got = weighted_median(
            &stake,
            &fixed_vec(&c["score_bits"]),
            fixed(&c["minority_bits"]),
            fixed(&c["lo_bits"]),
            fixed(&c["hi_bits"]),
        );
        same(got, fixed(&c["expected_bits"]))
    });
}

#[test]
fn test_vec_u16_max_upscale_to_u16() {
    for_cases("vec_u16_max_upscale_to_u16", |c| {
        let input: Vec<u16> = serde_json::from_value(c["input"].clone()).unwrap();
        let expected: Vec<u16> = serde_json::from_value(c["expected"].clone()).unwrap();
        same(max_upscale(&input), expected)
    });
}

#[test]
fn test_is_topk_nonzero() {
    for_cases("is_topk_nonzero", |c| {
        let expected: Vec<bool> = serde_json::from_value(c["expected"].clone()).unwrap();
        let k = c["k"].as_u64().unwrap() as usize;
        same(top_k_nonzero(&fixed_vec(&c["vector_bits"]), k), expected)
    });
}

#[test]
fn test_exp_safe() {
    for_cases("exp_safe", |c| {
        same(exp_safe(fixed(&c["x_bits"])), fixed(&c["expected_bits"]))
    });
}

#[test]
fn test_alpha_sigmoid() {
    for_cases("alpha_sigmoid", |c| {
        let u16_of = |k: &str| c[k].as_u64().unwrap() as u16;
        let got = alpha_sigmoid(
            fixed(&c["consensus_bits"]),
            fixed(&c["weight_bits"]),
            fixed(&c["bond_bits"]),
            u16_of("alpha_low_u16"),
            u16_of("alpha_high_u16"),
            c["steepness_i16"].as_i64().unwrap() as i16,
        );
        same(got, fixed(&c["expected_bits"]))
    });
}

#[test]
fn test_fixed_proportion_to_u16() {
    for_cases("fixed_proportion_to_u16", |c| {
        same(
            fixed(&c["x_bits"]).to_u16_proportion(),
            c["expected"].as_u64().unwrap() as u16,
        )
    });
}
