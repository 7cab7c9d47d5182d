//! How many pages the explorer renders, per visitor address and in all. Every page costs the
//! node a few RPC calls, made from the explorer's own address, which the node's rate limit
//! shares with whatever else runs there (often the operator's own tools): the explorer spends
//! at most its allowance, and a visitor flooding pages is told to slow down instead of
//! spending everyone's.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

/// Pages per second and the burst, for one visitor address and for the whole explorer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rates {
    pub(crate) per_visitor: u32,
    pub(crate) visitor_burst: u32,
    pub(crate) in_all: u32,
    pub(crate) burst: u32,
}

/// The explorer's defaults: a person clicking around never notices them; at 50 pages a second
/// the explorer makes at most a few hundred RPC calls a second.
pub(crate) const RATES: Rates = Rates {
    per_visitor: 10,
    visitor_burst: 30,
    in_all: 50,
    burst: 100,
};

/// A token bucket, in thousandths of a page so refills stay exact integers.
#[derive(Debug)]
struct Bucket {
    milli: u64,
    refilled: Instant,
}

impl Bucket {
    fn full(burst: u32, now: Instant) -> Self {
        Self {
            milli: u64::from(burst) * 1000,
            refilled: now,
        }
    }

    /// Refills for the time since the last call, then takes one page if there is one.
    fn take(&mut self, per_second: u32, burst: u32, now: Instant) -> bool {
        let elapsed_ms =
            u64::try_from(now.duration_since(self.refilled).as_millis()).unwrap_or(u64::MAX);
        let refill = elapsed_ms.saturating_mul(u64::from(per_second));
        self.milli = self
            .milli
            .saturating_add(refill)
            .min(u64::from(burst) * 1000);
        self.refilled = now;
        if self.milli >= 1000 {
            self.milli -= 1000;
            true
        } else {
            false
        }
    }
}

/// Above this many visitor addresses, those whose buckets are full again are forgotten.
const MAX_TRACKED: usize = 4096;

/// The buckets.
#[derive(Debug)]
pub(crate) struct Allowance {
    rates: Rates,
    state: Mutex<(Bucket, BTreeMap<IpAddr, Bucket>)>,
}

/// Why a page is not rendered now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// This visitor asks for pages faster than one may.
    Visitor,
    /// Visitors together ask for more than the explorer renders.
    Explorer,
}

impl Allowance {
    pub(crate) fn new(rates: Rates) -> Self {
        Self {
            rates,
            state: Mutex::new((Bucket::full(rates.burst, Instant::now()), BTreeMap::new())),
        }
    }

    /// Takes one page for `visitor` if both its bucket and the explorer's have one.
    pub(crate) fn take(&self, visitor: IpAddr) -> Result<(), Refused> {
        let now = Instant::now();
        let rates = self.rates;
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let (all, visitors) = &mut *state;
        if visitors.len() > MAX_TRACKED {
            visitors.retain(|_, bucket| {
                let idle_ms = now.duration_since(bucket.refilled).as_millis();
                let refill = idle_ms.saturating_mul(u128::from(rates.per_visitor));
                u128::from(bucket.milli) + refill < u128::from(rates.visitor_burst) * 1000
            });
        }
        let bucket = visitors
            .entry(visitor)
            .or_insert_with(|| Bucket::full(rates.visitor_burst, now));
        if !bucket.take(rates.per_visitor, rates.visitor_burst, now) {
            return Err(Refused::Visitor);
        }
        if !all.take(rates.in_all, rates.burst, now) {
            // The visitor's page was not rendered: it keeps it.
            bucket.milli += 1000;
            return Err(Refused::Explorer);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_a_visitor_is_held_to_its_rate_and_all_visitors_to_the_explorers() {
        let allowance = Allowance::new(Rates {
            per_visitor: 1,
            visitor_burst: 3,
            in_all: 1,
            burst: 5,
        });
        let a = IpAddr::from([10, 0, 0, 1]);
        let b = IpAddr::from([10, 0, 0, 2]);
        for _ in 0..3 {
            assert_eq!(allowance.take(a), Ok(()));
        }
        assert_eq!(allowance.take(a), Err(Refused::Visitor));
        // Another visitor has its own bucket, until the explorer's is empty too.
        assert_eq!(allowance.take(b), Ok(()));
        assert_eq!(allowance.take(b), Ok(()));
        assert_eq!(allowance.take(b), Err(Refused::Explorer));
        // That refusal did not spend b's own allowance.
        let state = allowance.state.lock().unwrap();
        assert_eq!(state.1[&b].milli / 1000, 1);
    }
}
