#!/usr/bin/env python3
"""Derives the subnet pool test vectors (pool.json) from the rules alone.

Run from this directory:  python3 derive_pool.py > pool.json

Python 3 standard library only. Nothing here follows the Rust implementation's algorithm:
rational quantities are exact `Fraction`s, fractional powers are exp(e * ln r) in `Decimal` at
110 significant digits. A power-based quantity is floored only if its real value is at least
1e-12 away from an integer (otherwise the script stops and the case must be changed), so each
floor is certainly right.

Rules (the order of the checks is part of them):
  swap(side, amount, fee_rate, limit, allow_partial), side "buy" (TAO in) or "sell" (alpha in):
    fee_rate > 10000 -> FeeRateTooHigh; weight outside [1%, 99%] -> WeightOutOfBounds;
    amount == 0 -> ZeroAmount; an empty reserve -> ReservesTooLow;
    fee = floor(amount * fee_rate / 65535), net = amount - fee.
    With a limit L (Q64.64 TAO per alpha; max price for buys, min for sells):
      spot price already at or past L -> PriceLimitExceeded;
      cap = floor(y * (L/P)^w_b) - y (buy) or floor(x * (P/L)^w_q) - x (sell), no cap if the
      floored value exceeds u64; if net > cap: without allow_partial or with cap == 0 ->
      PriceLimitExceeded, else net = cap, fee = floor(cap * fee_rate / (65535 - fee_rate)).
    Then: net > 1000 * input reserve -> SwapInputTooLarge; input reserve + net > u64 ->
      ReserveOverflow; out = floor(r_out * (1 - (r_in / (r_in + net))^(w_in_side_exp))) with
      exponent w_q/w_b for buys and w_b/w_q for sells; output reserve after < 1e6 ->
      ReservesTooLow; out == 0 -> ZeroOutput; price after > 1e15 rao/alpha (buy) or
      < 1e3 rao/alpha (sell) -> PriceOutOfBounds.
  inject(tao, alpha): weights checked; both zero -> ZeroAmount; a reserve over u64 ->
    ReserveOverflow; w_q' = floor(10^18 * q2 / (q1 + q2)), q1 = w_b*y*(x+alpha),
    q2 = w_q*x*(y+tao); q1 + q2 == 0 or w_q' outside [1%, 99%] -> WeightOutOfBounds.
"""

import json
import sys
from decimal import ROUND_FLOOR, Decimal, getcontext
from fractions import Fraction

getcontext().prec = 110

TAO = 10**9
PERQ = 10**18
MIN_WEIGHT = PERQ // 100
MAX_FEE_RATE = 10_000
FEE_DEN = 65_535
MIN_RESERVE = 10**6
MAX_INPUT_RATIO = 1_000
MIN_PRICE = Fraction(1_000, TAO)
MAX_PRICE = Fraction(10**15, TAO)
Q64 = 2**64
U64_MAX = 2**64 - 1
U128_MAX = 2**128 - 1
MARGIN = Decimal("1e-12")


class Refused(Exception):
    pass


def to_decimal(q):
    return Decimal(q.numerator) / Decimal(q.denominator)


def power(r, e):
    """r**e: an exact Fraction for integer e, otherwise a Decimal."""
    if e.denominator == 1:
        return r**e.numerator
    return (to_decimal(e) * to_decimal(r).ln()).exp()


def floor_of(v):
    if isinstance(v, Fraction):
        return v.numerator // v.denominator
    f = int(v.to_integral_value(rounding=ROUND_FLOOR))
    frac = v - f
    if frac < MARGIN or frac > 1 - MARGIN:
        raise ValueError(f"{v} is too close to an integer to floor with confidence")
    return f


def weights(pool):
    w_q = pool["quote_weight"]
    if not MIN_WEIGHT <= w_q <= PERQ - MIN_WEIGHT:
        raise Refused("WeightOutOfBounds")
    return w_q, PERQ - w_q


def price(tao, alpha, w_q, w_b):
    return Fraction(0) if alpha == 0 else Fraction(w_b * tao, w_q * alpha)


def spot_price(pool):
    w_q = pool["quote_weight"]
    if pool["alpha"] == 0:
        return 0
    q = (PERQ - w_q) * pool["tao"] * Q64 // (w_q * pool["alpha"])
    return min(q, U128_MAX)


def limit_from_rao(rao):
    return rao * Q64 // TAO


def allowance(side, pool, limit, w_q, w_b):
    y, x = pool["tao"], pool["alpha"]
    if limit == 0:
        return None  # a sell down to a price of zero is never limited
    ratio = Fraction(limit, Q64) / price(y, x, w_q, w_b)
    if side == "buy":
        reserve, grown = y, floor_of(y * power(ratio, Fraction(w_b, PERQ)))
    else:
        reserve, grown = x, floor_of(x * power(1 / ratio, Fraction(w_q, PERQ)))
    return None if grown > U64_MAX else grown - reserve


def execute(side, pool, amount_in, fee, net, w_q, w_b):
    y, x = pool["tao"], pool["alpha"]
    r_in, r_out, exponent = (y, x, Fraction(w_q, w_b)) if side == "buy" else (x, y, Fraction(w_b, w_q))
    if net > MAX_INPUT_RATIO * r_in:
        raise Refused("SwapInputTooLarge")
    new_in = r_in + net
    if new_in > U64_MAX:
        raise Refused("ReserveOverflow")
    kept = power(Fraction(r_in, new_in), exponent)
    out = floor_of(r_out * (1 - kept) if isinstance(kept, Fraction) else Decimal(r_out) * (1 - kept))
    new_out = r_out - out
    if new_out < MIN_RESERVE:
        raise Refused("ReservesTooLow")
    if out == 0:
        raise Refused("ZeroOutput")
    tao, alpha = (new_in, new_out) if side == "buy" else (new_out, new_in)
    after = price(tao, alpha, w_q, w_b)
    if (side == "buy" and after > MAX_PRICE) or (side == "sell" and after < MIN_PRICE):
        raise Refused("PriceOutOfBounds")
    return {
        "amount_in": amount_in,
        "fee": fee,
        "amount_out": out,
        "pool_after": {"tao": tao, "alpha": alpha, "quote_weight": w_q},
    }


def swap(side, pool, amount, fee_rate, limit, allow_partial):
    if fee_rate > MAX_FEE_RATE:
        raise Refused("FeeRateTooHigh")
    w_q, w_b = weights(pool)
    if amount == 0:
        raise Refused("ZeroAmount")
    if pool["tao"] == 0 or pool["alpha"] == 0:
        raise Refused("ReservesTooLow")
    fee = amount * fee_rate // FEE_DEN
    net = amount - fee
    if limit is None:
        return execute(side, pool, amount, fee, net, w_q, w_b)
    p, lim = price(pool["tao"], pool["alpha"], w_q, w_b), Fraction(limit, Q64)
    if (side == "buy" and p >= lim) or (side == "sell" and p <= lim):
        raise Refused("PriceLimitExceeded")
    cap = allowance(side, pool, limit, w_q, w_b)
    if cap is not None and net > cap:
        if not allow_partial or cap == 0:
            raise Refused("PriceLimitExceeded")
        fee = cap * fee_rate // (FEE_DEN - fee_rate)
        return execute(side, pool, cap + fee, fee, cap, w_q, w_b)
    return execute(side, pool, amount, fee, net, w_q, w_b)


def inject(pool, tao, alpha):
    w_q, w_b = weights(pool)
    if tao == 0 and alpha == 0:
        raise Refused("ZeroAmount")
    y, x = pool["tao"], pool["alpha"]
    if y + tao > U64_MAX or x + alpha > U64_MAX:
        raise Refused("ReserveOverflow")
    q1 = w_b * y * (x + alpha)
    q2 = w_q * x * (y + tao)
    if q1 + q2 == 0:
        raise Refused("WeightOutOfBounds")
    w = PERQ * q2 // (q1 + q2)
    if not MIN_WEIGHT <= w <= PERQ - MIN_WEIGHT:
        raise Refused("WeightOutOfBounds")
    return {"pool_after": {"tao": y + tao, "alpha": x + alpha, "quote_weight": w}}


def pool(tao, alpha, quote_weight=PERQ // 2):
    return {"tao": tao, "alpha": alpha, "quote_weight": quote_weight}


def scaled_spot(p, num, den):
    """A limit of (num/den) times the pool's exact spot price, as Q64.64."""
    w_q = p["quote_weight"]
    return (PERQ - w_q) * p["tao"] * Q64 * num // (w_q * p["alpha"] * den)


CASES = []


def swap_case(name, side, p, amount, fee_rate, limit=None, allow_partial=False):
    case = {"name": name, "op": side, "pool": p, "amount": amount, "fee_rate": fee_rate,
            "limit": None if limit is None else str(limit), "allow_partial": allow_partial}
    try:
        case["expect"] = swap(side, p, amount, fee_rate, limit, allow_partial)
    except Refused as e:
        case["expect"] = {"error": str(e)}
    CASES.append(case)


def inject_case(name, p, tao, alpha):
    case = {"name": name, "op": "inject", "pool": p, "tao": tao, "alpha": alpha}
    try:
        case["expect"] = inject(p, tao, alpha)
    except Refused as e:
        case["expect"] = {"error": str(e)}
    CASES.append(case)


def price_case(name, p):
    CASES.append({"name": name, "op": "spot_price", "pool": p,
                  "expect": {"price": str(spot_price(p))}})


def limit_case(name, rao):
    CASES.append({"name": name, "op": "limit_from_rao_per_alpha", "rao": rao,
                  "expect": {"limit": str(limit_from_rao(rao))}})


W30, W70, W60, W75 = 3 * PERQ // 10, 7 * PERQ // 10, 6 * PERQ // 10, 75 * PERQ // 100
W1, W99, ODD = MIN_WEIGHT, PERQ - MIN_WEIGHT, 123_456_789_012_345_678
EVEN = pool(1_000 * TAO, 1_000 * TAO)
SKEW = lambda w: pool(1_000 * TAO, 2_500 * TAO, w)

# Spot prices and limit conversion.
price_case("price 1:1", EVEN)
price_case("price 1000 TAO / 3000 alpha", pool(1_000 * TAO, 3_000 * TAO))
price_case("price w_q 30%", SKEW(W30))
price_case("price w_q 1%, 1e16 TAO / 1e6 alpha", pool(10**16, 10**6, W1))
price_case("price of an empty alpha reserve", pool(TAO, 0))
limit_case("limit 1 TAO per alpha", TAO)
limit_case("limit 1 rao per alpha", 1)
limit_case("limit u64::MAX rao per alpha", U64_MAX)

# Buys and sells at 50/50: the rational formula, exact.
swap_case("buy 1 TAO, default fee", "buy", EVEN, TAO, 33)
swap_case("buy 1 TAO, no fee", "buy", EVEN, TAO, 0)
swap_case("buy 10 TAO, max fee", "buy", EVEN, 10 * TAO, MAX_FEE_RATE)
swap_case("buy into 1e16 reserves", "buy", pool(10**16, 10**16), 123_456_789_012_345, 33)
swap_case("buy from tiny reserves", "buy", pool(2_000_000, 3_000_000), 1_000_000, 33)
swap_case("buy 1000x the TAO reserve", "buy", pool(TAO, 10**12), 1_000 * TAO, 0)
swap_case("buy beyond 1000x the TAO reserve", "buy", pool(TAO, 10**12), 1_000 * TAO + 1, 0)
swap_case("buy 1 rao buys nothing", "buy", EVEN, 1, 0)
swap_case("buy draining alpha below 1e6", "buy", pool(TAO, 2_000_000), 2 * TAO, 0)
swap_case("buy above the price ceiling", "buy", pool(10**15, TAO), TAO, 0)
swap_case("sell 1 alpha, default fee", "sell", EVEN, TAO, 33)
swap_case("sell 7 alpha, max fee", "sell", pool(1_000 * TAO, 3_000 * TAO), 7 * TAO, MAX_FEE_RATE)
swap_case("sell into 1e16 reserves", "sell", pool(10**16, 5 * 10**15), 987_654_321_098_765, 33)
swap_case("sell draining TAO below 1e6", "sell", pool(2_000_000, TAO), 2 * TAO, 0)
swap_case("sell below the price floor", "sell", pool(TAO, 10**15), TAO, 0)
swap_case("sell overflowing the alpha reserve", "sell", pool(TAO, U64_MAX - 10), 11, 0)

# Skewed weights: fractional (and integer) powers.
for label, w in [("30%", W30), ("70%", W70), ("60%", W60), ("75%", W75), ("1%", W1), ("99%", W99),
                 ("0.123456789012345678", ODD)]:
    swap_case(f"buy 10 TAO, w_q {label}", "buy", SKEW(w), 10 * TAO, 33)
    swap_case(f"sell 25 alpha, w_q {label}", "sell", SKEW(w), 25 * TAO, 33)
swap_case("buy 300 TAO, w_q 1%, max fee", "buy", SKEW(W1), 300 * TAO, MAX_FEE_RATE)
swap_case("sell 9000 alpha, w_q 99%", "sell", SKEW(W99), 9_000 * TAO, 0)
swap_case("buy 1e15 into 1e16 reserves, w_q 70%", "buy", pool(10**16, 3 * 10**15, W70), 10**15, 33)
swap_case("sell 1e15 into 1e16 reserves, w_q 30%", "sell", pool(4 * 10**15, 10**16, W30), 10**15, 33)
swap_case("buy draining alpha, w_q 99%", "buy", SKEW(W99), 200 * TAO, 0)

# Price limits.
swap_case("buy under a limit it does not reach", "buy", EVEN, 10 * TAO, 33, scaled_spot(EVEN, 11, 10))
swap_case("buy cut at the limit", "buy", EVEN, 100 * TAO, 33, scaled_spot(EVEN, 11, 10), True)
swap_case("buy crossing the limit, no partial", "buy", EVEN, 100 * TAO, 33, scaled_spot(EVEN, 11, 10))
swap_case("buy with the price already above the limit", "buy", EVEN, TAO, 33, scaled_spot(EVEN, 9, 10), True)
swap_case("buy with the limit at the price", "buy", EVEN, TAO, 33, Q64, True)
swap_case("buy cut at a user limit of 1.05 TAO/alpha", "buy", EVEN, 100 * TAO, 33, limit_from_rao(1_050_000_000), True)
swap_case("sell over a limit it does not reach", "sell", EVEN, 10 * TAO, 33, scaled_spot(EVEN, 9, 10))
swap_case("sell cut at the limit", "sell", EVEN, 100 * TAO, 33, scaled_spot(EVEN, 9, 10), True)
swap_case("sell crossing the limit, no partial", "sell", EVEN, 100 * TAO, 33, scaled_spot(EVEN, 9, 10))
swap_case("sell with the price already below the limit", "sell", EVEN, TAO, 33, scaled_spot(EVEN, 11, 10), True)
swap_case("buy cut at the limit, w_q 30%", "buy", SKEW(W30), 500 * TAO, 33, scaled_spot(SKEW(W30), 5, 4), True)
swap_case("buy cut at the limit, w_q 1%", "buy", SKEW(W1), 500 * TAO, 33, scaled_spot(SKEW(W1), 13, 10), True)
swap_case("sell cut at the limit, w_q 99%, max fee", "sell", SKEW(W99), 5_000 * TAO, MAX_FEE_RATE,
          scaled_spot(SKEW(W99), 1, 2), True)
swap_case("sell cut at the limit, odd weight", "sell", SKEW(ODD), 5_000 * TAO, 33, scaled_spot(SKEW(ODD), 4, 5), True)
swap_case("sell with a zero limit", "sell", SKEW(W70), 5 * TAO, 33, 0)
swap_case("buy with the largest limit", "buy", SKEW(W70), 5 * TAO, 33, U128_MAX)

# Refusals before any arithmetic.
swap_case("fee rate above the maximum", "buy", EVEN, TAO, MAX_FEE_RATE + 1)
swap_case("quote weight below 1%", "sell", pool(TAO, TAO, MIN_WEIGHT - 1), TAO, 0)
swap_case("quote weight 100%", "buy", pool(TAO, TAO, PERQ), TAO, 0)
swap_case("zero amount", "sell", EVEN, 0, 33)
swap_case("empty TAO reserve", "sell", pool(0, TAO), TAO, 0)

# Emission injection.
inject_case("inject in proportion keeps the weights", pool(1_000 * TAO, 2_000 * TAO), TAO, 2 * TAO)
inject_case("inject TAO only", EVEN, 5 * TAO, 0)
inject_case("inject alpha only", EVEN, 0, 7 * TAO)
inject_case("inject into a skewed pool", SKEW(W30), 3 * TAO, 11 * TAO)
inject_case("inject with an odd weight", pool(123_456_789_012, 987_654_321_098, ODD), 1_234_567, 7_654_321)
inject_case("inject pushing w_q below 1%", pool(TAO, TAO, 2 * MIN_WEIGHT), 0, 10 * TAO)
inject_case("inject pushing w_q above 99%", pool(TAO, TAO, W99), 2 * TAO, 0)
inject_case("inject nothing", EVEN, 0, 0)
inject_case("inject overflowing TAO", EVEN, U64_MAX, 0)

# Random cases from a fixed xorshift stream: weights, reserves up to 1e16, amounts and limits.
class Xorshift:
    def __init__(self, seed):
        self.s = seed

    def next(self, bound):
        s = self.s
        s ^= (s << 13) & U64_MAX
        s ^= s >> 7
        s ^= (s << 17) & U64_MAX
        self.s = s
        return s % bound


rng = Xorshift(0x9E3779B97F4A7C15)
added = 0
while added < 40:
    w = MIN_WEIGHT + rng.next(PERQ - 2 * MIN_WEIGHT + 1)
    p = pool(MIN_RESERVE + rng.next(10**16), MIN_RESERVE + rng.next(10**16), w)
    side = "buy" if rng.next(2) == 0 else "sell"
    reserve = p["tao"] if side == "buy" else p["alpha"]
    amount = 1 + rng.next(reserve // 10**rng.next(4) + 1)
    fee_rate = rng.next(MAX_FEE_RATE + 1) if rng.next(3) == 0 else 33
    limit, partial = None, False
    if rng.next(2) == 0:
        factor = 100 + rng.next(100) if side == "buy" else 1 + rng.next(99)
        limit, partial = scaled_spot(p, factor, 100), rng.next(4) != 0
    try:
        swap(side, p, amount, fee_rate, limit, partial)
    except Refused:
        pass
    except ValueError:
        continue  # a floor too close to call: draw another case
    swap_case(f"random {added}", side, p, amount, fee_rate, limit, partial)
    added += 1

json.dump({
    "description": "Subnet pool (weighted constant product) vectors for plexus_runtime::Pool.",
    "derivation": "Generated by derive_pool.py in this directory (python3 derive_pool.py > pool.json), "
                  "from the rules in its docstring with exact rationals (fractions) and, for "
                  "fractional powers, 110-digit decimal exp/ln; power-based floors are kept only "
                  "when the real value is at least 1e-12 from an integer.",
    "units": "amounts in rao; quote_weight in parts of 1e18; fee_rate in parts of 65535; prices "
             "and limits are Q64.64 TAO per alpha written as decimal strings",
    "cases": CASES,
}, sys.stdout, indent=1)
sys.stdout.write("\n")
