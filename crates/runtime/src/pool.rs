//! A subnet's pool: the weighted constant-product market (Bittensor's "Balancer" swap) in which
//! a subnet's alpha trades against TAO.
//!
//! The pool holds `tao` (reserve *y*) and `alpha` (reserve *x*) and a quote weight *w_q* (TAO's
//! weight, parts of 10^18); alpha's weight is *w_b* = 1 − *w_q*, and both stay within
//! [1%, 99%]. Trades keep *x*^*w_b* · *y*^*w_q* constant, so the spot price is
//! (*w_b* / *w_q*) · (*y* / *x*) TAO per alpha. Injected emission re-weights the pool instead, so
//! that adding reserves leaves the price unchanged.
//!
//! Everything here is a pure function of a [`Pool`] value: [`Pool::buy`], [`Pool::sell`] and
//! [`Pool::inject`] return the pool after the operation and the caller stores it. There is no
//! state, no event, no account: fees are reported, and paying them (to the block author) or
//! burning them is the caller's business. Mechanism-0 subnets (1:1 without a pool) are not
//! handled here.
//!
//! # Prices
//! Prices are `u128` Q64.64 fixed-point numbers of TAO per alpha, which is also rao per rao:
//! `1 << 64` is one TAO per alpha. Users give limits in rao per whole alpha (10^9 = 1 TAO per
//! alpha); [`limit_from_rao_per_alpha`] converts them.
//!
//! # Exact arithmetic
//! No floats. Swaps at 50/50 weights use the rational formula exactly. Other weights need a
//! fractional power *r*^(*a*/*b*) of a ratio *r* ≤ 1. It is evaluated in a binary floating-point
//! format with a 128-bit mantissa (`math::Real`), every operation rounded up: the integer part of
//! the exponent by square-and-multiply, the fractional part from its binary digits (up to 128 of
//! them, truncated, which also errs upward since *r* ≤ 1), one integer square root per digit. Each
//! operation adds at most 2^-127 relative error and relative errors at most add up (square roots
//! halve them), so the computed power exceeds the true one by less than 2^-117 relatively; for
//! reserves below 2^64 rao that is under 2^-53 rao on the amount it scales. Outputs are then taken
//! as reserve − ⌈reserve · power⌉, so every computed output (and every price-limit allowance) is
//! the exact floor or one rao less, never more: the pool cannot be drained by rounding.

use crate::math::{Real, U256};
use crate::ErrorKind;
use parity_scale_codec::{Decode, Encode};
use serde::Serialize;
use std::cmp::Ordering;

/// Weights are parts of this (Perquintill).
pub const PERQUINTILL: u64 = 1_000_000_000_000_000_000;
/// The least weight either side of a pool may have: 1%.
pub const MIN_WEIGHT: u64 = PERQUINTILL / 100;
/// Fee rate of a swap in parts of 65_535 (≈ 0.05%).
pub const DEFAULT_FEE_RATE: u16 = 33;
/// The highest fee rate a swap accepts (≈ 15.3%).
pub const MAX_FEE_RATE: u16 = 10_000;
/// No swap may leave less than this in the reserve it pays out of.
pub const MIN_RESERVE: u64 = 1_000_000;

/// Fee rates are parts of this.
const FEE_DENOMINATOR: u128 = 65_535;
/// A swap's net input may be at most this many times the reserve it enters.
const MAX_INPUT_RATIO: u128 = 1_000;
/// Global price bounds, rao per whole alpha; a swap may not push the price beyond them.
const MIN_PRICE_RAO: u128 = 1_000;
const MAX_PRICE_RAO: u128 = 1_000_000_000_000_000;
const RAO_PER_TAO: u128 = 1_000_000_000;
const Q64: u128 = 1 << 64;

/// A subnet's pool: its reserves and the TAO side's weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct Pool {
    /// TAO reserve, rao.
    pub tao: u64,
    /// Alpha reserve, rao of alpha.
    pub alpha: u64,
    /// TAO's weight, parts of [`PERQUINTILL`]; alpha's is the rest. Within [1%, 99%].
    pub quote_weight: u64,
}

/// The outcome of a swap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Swap {
    /// What the trader pays, fee included; less than offered when a price limit cut it short.
    pub amount_in: u64,
    /// The part of `amount_in` that is a fee and does not enter the pool.
    pub fee: u64,
    /// What the trader receives.
    pub amount_out: u64,
    /// The pool after the swap.
    pub pool_after: Pool,
}

/// Why a pool operation is refused. A refused operation changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Encode, Decode, Serialize)]
pub enum PoolError {
    /// Nothing to swap or inject.
    #[error("amount is zero")]
    ZeroAmount,
    /// The input is too small to buy even one unit.
    #[error("the swap would return nothing")]
    ZeroOutput,
    /// The fee rate is above [`MAX_FEE_RATE`].
    #[error("fee rate is above 10000 parts of 65535")]
    FeeRateTooHigh,
    /// The net input is more than 1000 times the reserve it enters.
    #[error("swap input exceeds 1000 times the pool's reserve")]
    SwapInputTooLarge,
    /// The reserve paid out of would fall below [`MIN_RESERVE`], or a reserve is empty.
    #[error("pool reserves would fall below 1000000")]
    ReservesTooLow,
    /// A reserve would not fit in a `u64`.
    #[error("pool reserve would overflow")]
    ReserveOverflow,
    /// The price is already beyond the trader's limit, or the trade would cross it and a
    /// partial fill was not allowed.
    #[error("price limit exceeded")]
    PriceLimitExceeded,
    /// The swap would move the price outside [1_000, 10^15] rao per alpha.
    #[error("swap would move the price outside its global bounds")]
    PriceOutOfBounds,
    /// A weight is (or would become) below 1%.
    #[error("pool weight outside [1%, 99%]")]
    WeightOutOfBounds,
}

impl PoolError {
    /// The error's stable kind, a name and number clients can match on (see [`ErrorKind`]).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::ZeroAmount => ErrorKind::new(0, "zero_amount"),
            Self::ZeroOutput => ErrorKind::new(1, "zero_output"),
            Self::FeeRateTooHigh => ErrorKind::new(2, "fee_rate_too_high"),
            Self::SwapInputTooLarge => ErrorKind::new(3, "swap_input_too_large"),
            Self::ReservesTooLow => ErrorKind::new(4, "reserves_too_low"),
            Self::ReserveOverflow => ErrorKind::new(5, "reserve_overflow"),
            Self::PriceLimitExceeded => ErrorKind::new(6, "price_limit_exceeded"),
            Self::PriceOutOfBounds => ErrorKind::new(7, "price_out_of_bounds"),
            Self::WeightOutOfBounds => ErrorKind::new(8, "weight_out_of_bounds"),
        }
    }
}

/// Which way a swap goes: a buy pays TAO for alpha, a sell alpha for TAO.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Buy,
    Sell,
}

impl Pool {
    /// A pool seeded with these reserves at equal weights.
    pub fn new(tao: u64, alpha: u64) -> Self {
        Self {
            tao,
            alpha,
            quote_weight: PERQUINTILL / 2,
        }
    }

    /// The spot price, TAO per alpha as Q64.64 (rounded down); 0 for an empty alpha reserve,
    /// `u128::MAX` when it does not fit.
    pub fn spot_price(&self) -> u128 {
        let w_q = self.quote_weight.min(PERQUINTILL);
        let w_b = PERQUINTILL - w_q;
        if self.alpha == 0 {
            return 0;
        }
        let num = U256::mul(u128::from(w_b) * u128::from(self.tao), Q64);
        let den = U256::from(u128::from(w_q) * u128::from(self.alpha));
        let (q, _) = num.div_rem(den);
        q.to_u128().unwrap_or(u128::MAX)
    }

    /// Buys alpha with `tao_in` rao (fee included, `fee_rate` parts of 65_535 of it).
    ///
    /// `limit` is the highest price (Q64.64 TAO per alpha) the buyer accepts after the trade.
    /// If the whole trade would exceed it, `allow_partial` buys only up to the limit and charges
    /// less; otherwise the trade is refused.
    pub fn buy(
        &self,
        tao_in: u64,
        fee_rate: u16,
        limit: Option<u128>,
        allow_partial: bool,
    ) -> Result<Swap, PoolError> {
        self.swap(Side::Buy, tao_in, fee_rate, limit, allow_partial)
    }

    /// Sells `alpha_in` alpha for TAO (fee, in alpha, included).
    ///
    /// `limit` is the lowest price (Q64.64 TAO per alpha) the seller accepts after the trade;
    /// `allow_partial` as for [`Pool::buy`].
    pub fn sell(
        &self,
        alpha_in: u64,
        fee_rate: u16,
        limit: Option<u128>,
        allow_partial: bool,
    ) -> Result<Swap, PoolError> {
        self.swap(Side::Sell, alpha_in, fee_rate, limit, allow_partial)
    }

    /// Adds emission to the reserves and re-weights the pool so its price stays the same.
    ///
    /// The new quote weight is q2 / (q1 + q2) with q1 = w_b·y·(x + alpha), q2 = w_q·x·(y + tao),
    /// computed exactly and rounded down, so the price can only rise, by less than one part in
    /// 10^15. Refused if a weight would leave [1%, 99%].
    pub fn inject(&self, tao: u64, alpha: u64) -> Result<Pool, PoolError> {
        let (w_q, w_b) = self.weights()?;
        if tao == 0 && alpha == 0 {
            return Err(PoolError::ZeroAmount);
        }
        let new_tao = self
            .tao
            .checked_add(tao)
            .ok_or(PoolError::ReserveOverflow)?;
        let new_alpha = self
            .alpha
            .checked_add(alpha)
            .ok_or(PoolError::ReserveOverflow)?;
        // Both < 2^189, so the sum fits, and scaling q2 by 10^18 through the u64 factor keeps
        // every product within 256 bits.
        let q1 = U256::mul(
            u128::from(w_b) * u128::from(self.tao),
            u128::from(new_alpha),
        );
        let q2 = U256::mul(
            u128::from(w_q) * u128::from(self.alpha),
            u128::from(new_tao),
        );
        let q2_scaled = U256::mul(
            u128::from(w_q) * u128::from(self.alpha),
            u128::from(new_tao) * u128::from(PERQUINTILL),
        );
        let sum = q1.add(q2);
        if sum == U256::ZERO {
            return Err(PoolError::WeightOutOfBounds);
        }
        let (w, _) = q2_scaled.div_rem(sum);
        // q2 ≤ q1 + q2, so the quotient is at most 10^18 and always converts.
        let quote_weight = w
            .to_u128()
            .and_then(|w| u64::try_from(w).ok())
            .unwrap_or(u64::MAX);
        if !(MIN_WEIGHT..=PERQUINTILL - MIN_WEIGHT).contains(&quote_weight) {
            return Err(PoolError::WeightOutOfBounds);
        }
        Ok(Pool {
            tao: new_tao,
            alpha: new_alpha,
            quote_weight,
        })
    }

    /// (w_q, w_b), checked to be within bounds.
    fn weights(&self) -> Result<(u64, u64), PoolError> {
        let w_q = self.quote_weight;
        if (MIN_WEIGHT..=PERQUINTILL - MIN_WEIGHT).contains(&w_q) {
            Ok((w_q, PERQUINTILL - w_q))
        } else {
            Err(PoolError::WeightOutOfBounds)
        }
    }

    /// The spot price compared with `num / den` TAO per alpha, exactly.
    fn price_cmp(&self, w_q: u64, w_b: u64, num: u128, den: u128) -> Ordering {
        if self.alpha == 0 {
            return 0.cmp(&num);
        }
        let lhs = U256::mul(u128::from(w_b) * u128::from(self.tao), den);
        let rhs = U256::mul(num, u128::from(w_q) * u128::from(self.alpha));
        lhs.cmp(&rhs)
    }

    /// Checks in order: fee rate, weights, zero amount, empty reserves, price already past the
    /// limit; then the limit decides how much of the input is used; then the swap's own checks.
    fn swap(
        &self,
        side: Side,
        amount: u64,
        fee_rate: u16,
        limit: Option<u128>,
        allow_partial: bool,
    ) -> Result<Swap, PoolError> {
        if fee_rate > MAX_FEE_RATE {
            return Err(PoolError::FeeRateTooHigh);
        }
        let (w_q, w_b) = self.weights()?;
        if amount == 0 {
            return Err(PoolError::ZeroAmount);
        }
        if self.tao == 0 || self.alpha == 0 {
            return Err(PoolError::ReservesTooLow);
        }
        let rate = u128::from(fee_rate);
        // fee < amount because rate < 65_535, so the net input is at least 1.
        let fee = (u128::from(amount) * rate / FEE_DENOMINATOR) as u64;
        let net = amount - fee;
        let Some(limit) = limit else {
            return self.execute(side, amount, fee, net, w_q, w_b);
        };
        let already_past = match side {
            Side::Buy => self.price_cmp(w_q, w_b, limit, Q64) != Ordering::Less,
            Side::Sell => self.price_cmp(w_q, w_b, limit, Q64) != Ordering::Greater,
        };
        if already_past {
            return Err(PoolError::PriceLimitExceeded);
        }
        match self.limit_allowance(side, limit, w_q, w_b) {
            Some(cap) if net > cap => {
                if !allow_partial || cap == 0 {
                    return Err(PoolError::PriceLimitExceeded);
                }
                // The fee that would leave exactly `cap` after the fee on the total. Since
                // cap < net, cap + this fee < amount: the trader never pays more than offered.
                let fee = (u128::from(cap) * rate / (FEE_DENOMINATOR - rate)) as u64;
                self.execute(side, cap + fee, fee, cap, w_q, w_b)
            }
            _ => self.execute(side, amount, fee, net, w_q, w_b),
        }
    }

    /// The largest net input that keeps the price within `limit`: y·((L/P)^w_b − 1) for a buy,
    /// x·((P/L)^w_q − 1) for a sell, rounded down (possibly one less; never more). `None` when
    /// that is beyond `u64`, i.e. the limit cannot bind. Requires the price strictly inside the
    /// limit and non-empty reserves.
    fn limit_allowance(&self, side: Side, limit: u128, w_q: u64, w_b: u64) -> Option<u64> {
        let weighted_tao = U256::mul(u128::from(w_b) * u128::from(self.tao), Q64);
        let weighted_alpha = U256::mul(u128::from(w_q) * u128::from(self.alpha), limit);
        let (reserve, inverse_growth) = match side {
            // Ratio P/L < 1 raised to w_b: the factor by which the TAO reserve may grow, inverted.
            Side::Buy => (
                self.tao,
                Real::ratio_up(weighted_tao, weighted_alpha).pow_up(w_b, PERQUINTILL),
            ),
            Side::Sell => (
                self.alpha,
                Real::ratio_up(weighted_alpha, weighted_tao).pow_up(w_q, PERQUINTILL),
            ),
        };
        let grown = inverse_growth.div_into_floor(reserve)?;
        Some(grown.saturating_sub(reserve))
    }

    /// Swaps `net` into the pool (`amount_in` and `fee` are only reported).
    fn execute(
        &self,
        side: Side,
        amount_in: u64,
        fee: u64,
        net: u64,
        w_q: u64,
        w_b: u64,
    ) -> Result<Swap, PoolError> {
        let (reserve_in, reserve_out, a, b) = match side {
            Side::Buy => (self.tao, self.alpha, w_q, w_b),
            Side::Sell => (self.alpha, self.tao, w_b, w_q),
        };
        if u128::from(net) > MAX_INPUT_RATIO * u128::from(reserve_in) {
            return Err(PoolError::SwapInputTooLarge);
        }
        let new_in = reserve_in
            .checked_add(net)
            .ok_or(PoolError::ReserveOverflow)?;
        let amount_out = if a == b {
            // Exponent 1: x·net/(y+net) exactly; the product is below 2^128.
            (u128::from(reserve_out) * u128::from(net) / u128::from(new_in)) as u64
        } else {
            let ratio = Real::ratio_up(
                U256::from(u128::from(reserve_in)),
                U256::from(u128::from(new_in)),
            );
            reserve_out - ratio.pow_up(a, b).mul_ceil(reserve_out)
        };
        let new_out = reserve_out - amount_out;
        if new_out < MIN_RESERVE {
            return Err(PoolError::ReservesTooLow);
        }
        if amount_out == 0 {
            return Err(PoolError::ZeroOutput);
        }
        let pool_after = match side {
            Side::Buy => Pool {
                tao: new_in,
                alpha: new_out,
                quote_weight: w_q,
            },
            Side::Sell => Pool {
                tao: new_out,
                alpha: new_in,
                quote_weight: w_q,
            },
        };
        // A buy only raises the price and a sell only lowers it, so each checks one bound.
        let out_of_bounds = match side {
            Side::Buy => {
                pool_after.price_cmp(w_q, w_b, MAX_PRICE_RAO, RAO_PER_TAO) == Ordering::Greater
            }
            Side::Sell => {
                pool_after.price_cmp(w_q, w_b, MIN_PRICE_RAO, RAO_PER_TAO) == Ordering::Less
            }
        };
        if out_of_bounds {
            return Err(PoolError::PriceOutOfBounds);
        }
        Ok(Swap {
            amount_in,
            fee,
            amount_out,
            pool_after,
        })
    }
}

/// A Q64.64 price (TAO per alpha) in rao of TAO per whole alpha, rounded down (saturating):
/// the unit prices are shown and limit prices given in.
pub fn rao_per_alpha(q64: u128) -> u64 {
    const RAO_PER_TAO: u128 = plexus_primitives::RAO_PER_TAO as u128;
    let rao = match q64.checked_mul(RAO_PER_TAO) {
        Some(scaled) => scaled >> 64,
        // Only for prices above 2^34 TAO per alpha, where the lost fraction does not matter.
        None => (q64 >> 64).saturating_mul(RAO_PER_TAO),
    };
    u64::try_from(rao).unwrap_or(u64::MAX)
}

/// Converts a price limit in rao per whole alpha (10^9 = 1 TAO per alpha) to Q64.64 TAO per
/// alpha, rounding down (by less than 2^-64 TAO per alpha).
pub fn limit_from_rao_per_alpha(rao: u64) -> u128 {
    // rao < 2^64, so rao · 2^64 < 2^128.
    (u128::from(rao) << 64) / RAO_PER_TAO
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAO: u64 = 1_000_000_000;

    fn pool(tao: u64, alpha: u64, quote_weight: u64) -> Pool {
        Pool {
            tao,
            alpha,
            quote_weight,
        }
    }

    /// A small deterministic generator for the randomized checks.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        /// Log-uniform-ish: a random value with a random number of bits.
        fn wide(&mut self) -> u64 {
            let bits = self.next() % 65;
            if bits == 0 {
                0
            } else {
                self.next() >> (64 - bits)
            }
        }
    }

    #[test]
    fn spot_price_and_limits() {
        assert_eq!(Pool::new(TAO, TAO).spot_price(), Q64);
        assert_eq!(Pool::new(2 * TAO, TAO).spot_price(), 2 * Q64);
        assert_eq!(Pool::new(TAO, 0).spot_price(), 0);
        // 99/1 weights and a 2^64 reserve ratio do not fit in Q64.64.
        assert_eq!(pool(u64::MAX, 1, MIN_WEIGHT).spot_price(), u128::MAX);
        assert_eq!(limit_from_rao_per_alpha(TAO), Q64);
        assert_eq!(limit_from_rao_per_alpha(TAO / 2), Q64 / 2);
        assert_eq!(
            limit_from_rao_per_alpha(u64::MAX),
            (u128::from(u64::MAX) << 64) / 1_000_000_000
        );
    }

    #[test]
    fn equal_weights_use_the_rational_formula() {
        let p = Pool::new(1_000 * TAO, 4_000 * TAO);
        let s = p.buy(10 * TAO, DEFAULT_FEE_RATE, None, false).unwrap();
        let fee = 10 * TAO * 33 / 65_535;
        let net = 10 * TAO - fee;
        let out =
            (4_000u128 * u128::from(TAO) * u128::from(net) / u128::from(1_000 * TAO + net)) as u64;
        assert_eq!((s.amount_in, s.fee, s.amount_out), (10 * TAO, fee, out));
        assert_eq!(
            s.pool_after,
            pool(1_000 * TAO + net, 4_000 * TAO - out, PERQUINTILL / 2)
        );
    }

    #[test]
    fn refusals() {
        let p = Pool::new(1_000 * TAO, 1_000 * TAO);
        assert_eq!(p.buy(0, 33, None, false), Err(PoolError::ZeroAmount));
        assert_eq!(
            p.buy(TAO, MAX_FEE_RATE + 1, None, false),
            Err(PoolError::FeeRateTooHigh)
        );
        assert_eq!(p.buy(1, 0, None, false), Err(PoolError::ZeroOutput));
        assert_eq!(
            pool(TAO, TAO, MIN_WEIGHT - 1).sell(TAO, 0, None, false),
            Err(PoolError::WeightOutOfBounds)
        );
        assert_eq!(
            Pool::new(0, TAO).sell(TAO, 0, None, false),
            Err(PoolError::ReservesTooLow)
        );
        assert_eq!(
            Pool::new(TAO, TAO).buy(1_000 * TAO + 1, 0, None, false),
            Err(PoolError::SwapInputTooLarge)
        );
        assert_eq!(
            Pool::new(TAO, 2_000_000).buy(2 * TAO, 0, None, false),
            Err(PoolError::ReservesTooLow)
        );
        assert_eq!(
            Pool::new(u64::MAX - 5, u64::MAX).buy(6, 0, None, false),
            Err(PoolError::ReserveOverflow)
        );
        // One alpha at 10^6 TAO is the ceiling.
        assert_eq!(
            Pool::new(1_000_000 * TAO, TAO).buy(TAO, 0, None, false),
            Err(PoolError::PriceOutOfBounds)
        );
        assert_eq!(
            Pool::new(TAO, 1_000_000 * TAO).sell(TAO, 0, None, false),
            Err(PoolError::PriceOutOfBounds)
        );
    }

    #[test]
    fn extreme_weights_trade_sensibly() {
        for w in [MIN_WEIGHT, PERQUINTILL - MIN_WEIGHT] {
            let p = pool(1_000 * TAO, 1_000 * TAO, w);
            let b = p.buy(TAO, MAX_FEE_RATE, None, false).unwrap();
            let s = p.sell(TAO, MAX_FEE_RATE, None, false).unwrap();
            assert!(b.amount_out > 0 && s.amount_out > 0);
            assert!(b.pool_after.spot_price() > p.spot_price());
            assert!(s.pool_after.spot_price() < p.spot_price());
            assert_eq!(b.fee, TAO * 10_000 / 65_535);
        }
        // At w_q = 99% the TAO reserve barely matters: a buy moves the price ~99 times faster.
        let heavy = pool(1_000 * TAO, 1_000 * TAO, PERQUINTILL - MIN_WEIGHT)
            .buy(100 * TAO, 0, None, false)
            .unwrap();
        let even = Pool::new(1_000 * TAO, 1_000 * TAO)
            .buy(100 * TAO, 0, None, false)
            .unwrap();
        assert!(heavy.amount_out > even.amount_out);
    }

    #[test]
    fn limits_stop_at_the_limit() {
        let p = pool(1_000 * TAO, 3_000 * TAO, 3 * PERQUINTILL / 10);
        let limit = p.spot_price() * 11 / 10;
        let s = p
            .buy(500 * TAO, DEFAULT_FEE_RATE, Some(limit), true)
            .unwrap();
        assert!(s.amount_in < 500 * TAO);
        assert!(
            s.pool_after
                .price_cmp(3 * PERQUINTILL / 10, 7 * PERQUINTILL / 10, limit, Q64)
                != Ordering::Greater
        );
        // One more rao of input would have crossed it.
        let net = s.amount_in - s.fee;
        let more = p
            .execute(
                Side::Buy,
                net + 1,
                0,
                net + 1,
                3 * PERQUINTILL / 10,
                7 * PERQUINTILL / 10,
            )
            .unwrap();
        assert_eq!(
            more.pool_after
                .price_cmp(3 * PERQUINTILL / 10, 7 * PERQUINTILL / 10, limit, Q64),
            Ordering::Greater
        );
        assert_eq!(
            p.buy(500 * TAO, DEFAULT_FEE_RATE, Some(limit), false),
            Err(PoolError::PriceLimitExceeded)
        );
        assert_eq!(
            p.buy(TAO, 0, Some(p.spot_price()), true),
            Err(PoolError::PriceLimitExceeded)
        );
        // A limit the trade does not reach changes nothing.
        assert_eq!(
            p.buy(TAO, 0, Some(limit), false),
            p.buy(TAO, 0, None, false)
        );

        let limit = p.spot_price() * 9 / 10;
        let s = p
            .sell(5_000 * TAO, MAX_FEE_RATE, Some(limit), true)
            .unwrap();
        assert!(s.amount_in < 5_000 * TAO);
        assert!(
            s.pool_after
                .price_cmp(3 * PERQUINTILL / 10, 7 * PERQUINTILL / 10, limit, Q64)
                != Ordering::Less
        );
        assert_eq!(
            p.sell(TAO, 0, Some(u128::MAX), true),
            Err(PoolError::PriceLimitExceeded)
        );
        assert!(p.sell(TAO, 0, Some(0), false).is_ok());
    }

    #[test]
    fn injection_keeps_the_price() {
        let p = Pool::new(1_000 * TAO, 2_000 * TAO);
        assert_eq!(
            p.inject(TAO, 2 * TAO),
            Ok(Pool::new(1_001 * TAO, 2_002 * TAO))
        );
        let q = p.inject(5 * TAO, 0).unwrap();
        assert!(q.quote_weight > PERQUINTILL / 2);
        let (before, after) = (p.spot_price(), q.spot_price());
        assert!(after >= before && after - before <= before / 10_000_000_000_000_000 + 1);
        assert_eq!(p.inject(0, 0), Err(PoolError::ZeroAmount));
        assert_eq!(p.inject(u64::MAX, 0), Err(PoolError::ReserveOverflow));
        // Tripling TAO at constant price would need w_q below 1%... refused whole.
        assert_eq!(
            pool(TAO, TAO, 2 * MIN_WEIGHT).inject(0, 10 * TAO),
            Err(PoolError::WeightOutOfBounds)
        );
    }

    #[test]
    fn round_trips_never_profit_and_outputs_are_monotonic() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..150 {
            let w = MIN_WEIGHT + rng.next() % (PERQUINTILL - 2 * MIN_WEIGHT + 1);
            let p = pool(
                MIN_RESERVE + rng.next() % (1 << 50),
                MIN_RESERVE + rng.next() % (1 << 50),
                w,
            );
            let tao_in = 1 + rng.next() % (p.tao * 4);
            let fee_rate = (rng.next() % 40) as u16;
            let Ok(b) = p.buy(tao_in, fee_rate, None, false) else {
                continue;
            };
            if let Ok(s) = b.pool_after.sell(b.amount_out, fee_rate, None, false) {
                assert!(s.amount_out <= tao_in, "{p:?} {tao_in}");
            }
            if let Ok(b2) = p.buy(tao_in + tao_in / 3 + 1, fee_rate, None, false) {
                assert!(b2.amount_out >= b.amount_out);
            }
            if let Ok(s) = p.sell(tao_in, fee_rate, None, false) {
                if let Ok(s2) = p.sell(tao_in + 1, fee_rate, None, false) {
                    assert!(s2.amount_out >= s.amount_out);
                }
            }
        }
    }

    #[test]
    fn no_panics_on_extremes() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let weights = [
            0,
            1,
            MIN_WEIGHT,
            PERQUINTILL / 2,
            PERQUINTILL - MIN_WEIGHT,
            PERQUINTILL,
            u64::MAX,
        ];
        for i in 0..200 {
            let w = if i % 3 == 0 {
                weights[(rng.next() % weights.len() as u64) as usize]
            } else {
                rng.next() % (PERQUINTILL + 1)
            };
            let p = pool(rng.wide(), rng.wide(), w);
            let amount = rng.wide();
            let fee_rate = (rng.next() % 12_000) as u16;
            let limit = match rng.next() % 4 {
                0 => None,
                1 => Some(u128::from(rng.next()) << (rng.next() % 64)),
                2 => Some(p.spot_price().saturating_add(u128::from(rng.wide()))),
                _ => Some(p.spot_price().saturating_sub(u128::from(rng.wide()))),
            };
            let partial = rng.next().is_multiple_of(2);
            let buy = p
                .buy(amount, fee_rate, limit, partial)
                .map(|s| (s, s.pool_after.alpha));
            let sell = p
                .sell(amount, fee_rate, limit, partial)
                .map(|s| (s, s.pool_after.tao));
            for (s, reserve_out) in [buy, sell].into_iter().flatten() {
                assert!(s.fee < s.amount_in && s.amount_in <= amount);
                assert!(s.amount_out > 0 && reserve_out >= MIN_RESERVE);
                if w == PERQUINTILL / 2 {
                    let k = U256::mul(u128::from(p.tao), u128::from(p.alpha));
                    let k2 =
                        U256::mul(u128::from(s.pool_after.tao), u128::from(s.pool_after.alpha));
                    assert!(k2 >= k);
                }
            }
            let _ = p.inject(rng.wide(), rng.wide());
            let _ = p.spot_price();
            let _ = limit_from_rao_per_alpha(amount);
        }
    }
}
