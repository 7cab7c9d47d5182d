//! The subnet pool against vectors derived independently of it, from the rules alone, by
//! `vectors/derive_pool.py` (exact rationals and 110-digit decimals).
//!
//! Tolerance: at 50/50 weights a swap's formula is rational and the pool must match exactly.
//! Other weights need fractional powers, which the pool bounds from above, so its output may be
//! the exact floor or one rao less, never more. Everything else (fees, amounts charged, partial
//! fills, injected weights, prices, errors) must match exactly.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use plexus_runtime::{limit_from_rao_per_alpha, Pool, PoolError, Swap, PERQUINTILL};
use serde::Deserialize;

#[derive(Deserialize)]
struct Vectors {
    derivation: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    op: String,
    pool: Option<PoolJson>,
    amount: Option<u64>,
    fee_rate: Option<u16>,
    limit: Option<String>,
    allow_partial: Option<bool>,
    tao: Option<u64>,
    alpha: Option<u64>,
    rao: Option<u64>,
    expect: Expect,
}

#[derive(Deserialize)]
struct Expect {
    error: Option<String>,
    amount_in: Option<u64>,
    fee: Option<u64>,
    amount_out: Option<u64>,
    pool_after: Option<PoolJson>,
    price: Option<String>,
    limit: Option<String>,
}

#[derive(Deserialize, Clone, Copy)]
struct PoolJson {
    tao: u64,
    alpha: u64,
    quote_weight: u64,
}

impl From<PoolJson> for Pool {
    fn from(p: PoolJson) -> Self {
        Pool {
            tao: p.tao,
            alpha: p.alpha,
            quote_weight: p.quote_weight,
        }
    }
}

fn load() -> Vectors {
    serde_json::from_str(include_str!("vectors/pool.json")).unwrap()
}

fn check_error<T: std::fmt::Debug>(case: &Case, got: Result<T, PoolError>) -> Option<T> {
    match (&case.expect.error, got) {
        (Some(want), Err(err)) => {
            assert_eq!(&format!("{err:?}"), want, "{}", case.name);
            None
        }
        (None, Ok(v)) => Some(v),
        (want, got) => panic!("{}: expected {want:?}, got {got:?}", case.name),
    }
}

fn check_swap(case: &Case, pool: Pool, buy: bool, got: Swap) {
    let e = &case.expect;
    let name = &case.name;
    assert_eq!(got.amount_in, e.amount_in.unwrap(), "{name}: amount in");
    assert_eq!(got.fee, e.fee.unwrap(), "{name}: fee");
    let want_out = e.amount_out.unwrap();
    let tolerance = if pool.quote_weight == PERQUINTILL / 2 {
        0
    } else {
        1
    };
    assert!(
        got.amount_out <= want_out && got.amount_out + tolerance >= want_out,
        "{name}: amount out {} vs {want_out}",
        got.amount_out
    );
    // The pool after must be the expected one, moved by any tolerated difference in output.
    let mut want: Pool = e.pool_after.unwrap().into();
    let short = want_out - got.amount_out;
    if buy {
        want.alpha += short;
    } else {
        want.tao += short;
    }
    assert_eq!(got.pool_after, want, "{name}: pool after");
}

#[test]
fn pool_matches_independent_vectors() {
    let vectors = load();
    assert!(vectors.derivation.contains("derive_pool.py"));
    assert!(vectors.cases.len() >= 40);
    let (mut swaps, mut refusals) = (0, 0);
    for case in &vectors.cases {
        let pool: Option<Pool> = case.pool.map(Into::into);
        match case.op.as_str() {
            "buy" | "sell" => {
                let pool = pool.unwrap();
                let limit = case.limit.as_ref().map(|l| l.parse::<u128>().unwrap());
                let (amount, fee_rate) = (case.amount.unwrap(), case.fee_rate.unwrap());
                let partial = case.allow_partial.unwrap();
                let buy = case.op == "buy";
                let got = if buy {
                    pool.buy(amount, fee_rate, limit, partial)
                } else {
                    pool.sell(amount, fee_rate, limit, partial)
                };
                match check_error(case, got) {
                    Some(swap) => {
                        check_swap(case, pool, buy, swap);
                        swaps += 1;
                    }
                    None => refusals += 1,
                }
            }
            "inject" => {
                let got = pool.unwrap().inject(case.tao.unwrap(), case.alpha.unwrap());
                match check_error(case, got) {
                    Some(after) => {
                        assert_eq!(
                            after,
                            case.expect.pool_after.unwrap().into(),
                            "{}",
                            case.name
                        )
                    }
                    None => refusals += 1,
                }
            }
            "spot_price" => {
                let want = case.expect.price.as_ref().unwrap().parse::<u128>().unwrap();
                assert_eq!(pool.unwrap().spot_price(), want, "{}", case.name);
            }
            "limit_from_rao_per_alpha" => {
                let want = case.expect.limit.as_ref().unwrap().parse::<u128>().unwrap();
                assert_eq!(
                    limit_from_rao_per_alpha(case.rao.unwrap()),
                    want,
                    "{}",
                    case.name
                );
            }
            other => panic!("unknown op {other}"),
        }
    }
    assert!(
        swaps >= 20 && refusals >= 10,
        "{swaps} swaps, {refusals} refusals"
    );
}
