//! Supply accounting: each subnet's alpha minted and burned, and the audit that every rao of
//! TAO and alpha ever created is somewhere.

use crate::state::State;
use crate::types::AlphaSupply;
use plexus_primitives::{Balance, NetUid};

impl State {
    /// Alpha minted and burned on `netuid`.
    pub fn alpha_supply(&self, netuid: NetUid) -> AlphaSupply {
        self.alpha_supply.get(&netuid).copied().unwrap_or_default()
    }

    /// Counts `amount` of `netuid`'s alpha as burned: whoever held it no longer does.
    pub(crate) fn burn_alpha(&mut self, netuid: NetUid, amount: Balance) {
        if amount > 0 {
            let mut supply = self.alpha_supply(netuid);
            supply.burned = supply.burned.saturating_add(amount);
            self.alpha_supply.insert(netuid, supply);
        }
    }

    /// Audits the whole supply: TAO ever created (genesis plus minted) is in balances, pool
    /// reserves or burned; and each subnet's alpha ever minted is in its pool, stakes, pending
    /// payouts or burned. Cost grows with the state; nodes can run it on demand.
    pub fn check_supply(&self) -> Result<(), String> {
        let g = self.globals.get();
        let created = u128::from(g.genesis_issuance) + u128::from(g.total_minted);
        let accounted = u128::from(g.total_issuance) + u128::from(g.total_burned);
        if created != accounted {
            return Err(format!(
                "{created} rao created but issuance plus burned is {accounted}"
            ));
        }
        let balances: u128 = self.balances.iter().map(|(_, b)| u128::from(*b)).sum();
        let pools: u128 = self.pools.iter().map(|(_, p)| u128::from(p.tao)).sum();
        if balances + pools != u128::from(g.total_issuance) {
            return Err(format!(
                "issuance {} but balances {balances} and pools {pools}",
                g.total_issuance
            ));
        }
        let mut staked: std::collections::BTreeMap<NetUid, u128> = Default::default();
        for ((_, netuid), pool) in self.hotkey_alpha.iter() {
            *staked.entry(*netuid).or_default() += u128::from(pool.alpha);
        }
        for (netuid, supply) in self.alpha_supply.iter() {
            let held = u128::from(self.pool(*netuid).map_or(0, |p| p.alpha))
                + staked.get(netuid).copied().unwrap_or(0)
                + u128::from(self.pending_emission(*netuid).total())
                + u128::from(supply.burned);
            if held != u128::from(supply.issued) {
                return Err(format!(
                    "subnet {netuid}: {} alpha minted but {held} accounted for",
                    supply.issued
                ));
            }
        }
        Ok(())
    }
}
