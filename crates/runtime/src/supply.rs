//! Supply accounting: each subnet's alpha minted and burned, and the audit that every rao of
//! TAO and alpha ever created is somewhere.

use crate::state::State;
use crate::types::AlphaSupply;
use crate::ErrorKind;
use plexus_primitives::{Balance, NetUid};
use std::collections::BTreeMap;

/// Where the supply audit found rao unaccounted for: a bug in the state machine, never a
/// consequence of transactions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SupplyError {
    /// TAO created (genesis plus minted) differs from issuance plus burned.
    #[error("{created} rao created but issuance plus burned is {accounted}")]
    TaoUnaccounted {
        /// Genesis issuance plus all TAO minted since.
        created: u128,
        /// Total issuance plus all TAO burned.
        accounted: u128,
    },
    /// Issuance differs from what balances (free and reserved), pool reserves and root stake
    /// hold.
    #[error("issuance {issuance} but balances {balances}, pools {pools} and root stake {root}")]
    IssuanceMismatch {
        /// Total issuance.
        issuance: Balance,
        /// The sum of all balances, free and reserved.
        balances: u128,
        /// The sum of all pools' TAO reserves.
        pools: u128,
        /// All TAO staked on root.
        root: u128,
    },
    /// A subnet's alpha minted differs from what its pool, stakes, pending pots and burns hold.
    #[error("subnet {netuid}: {minted} alpha minted but {held} accounted for")]
    AlphaUnaccounted {
        /// The subnet.
        netuid: NetUid,
        /// Its alpha ever minted.
        minted: Balance,
        /// Its alpha in the pool, staked, pending payout, owed to root stakers or burned.
        held: u128,
    },
    /// The running total of root stake differs from the root stakes.
    #[error("root stake recorded as {recorded} but stakes sum to {staked}")]
    RootStakeMismatch {
        /// The running total.
        recorded: Balance,
        /// The sum of every hotkey's root stake.
        staked: Balance,
    },
}

impl SupplyError {
    /// The error's stable kind, a name and number clients can match on (see [`ErrorKind`]).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::TaoUnaccounted { .. } => ErrorKind::new(0, "tao_unaccounted"),
            Self::IssuanceMismatch { .. } => ErrorKind::new(1, "issuance_mismatch"),
            Self::AlphaUnaccounted { .. } => ErrorKind::new(2, "alpha_unaccounted"),
            Self::RootStakeMismatch { .. } => ErrorKind::new(3, "root_stake_mismatch"),
        }
    }
}

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

    /// All TAO staked on root, rao, summed over the stakes (see [`State::root_tao`] for the
    /// running total).
    fn root_stake(&self) -> Balance {
        self.hotkey_alpha
            .iter()
            .filter(|((_, netuid), _)| *netuid == crate::ROOT_NETUID)
            .fold(0u64, |sum, (_, pool)| sum.saturating_add(pool.alpha))
    }

    /// Audits the whole supply: TAO ever created (genesis plus minted) is in balances, pool
    /// reserves, root stake or burned; and each subnet's alpha ever minted is in its pool,
    /// stakes, pending payouts, root dividends not yet claimed, or burned. Cost grows with the state; nodes can run it on demand.
    pub fn check_supply(&self) -> Result<(), SupplyError> {
        let g = self.globals.get();
        let created = u128::from(g.genesis_issuance) + u128::from(g.total_minted);
        let accounted = u128::from(g.total_issuance) + u128::from(g.total_burned);
        if created != accounted {
            return Err(SupplyError::TaoUnaccounted { created, accounted });
        }
        let balances: u128 = self
            .balances
            .iter()
            .chain(self.reserved.iter())
            .map(|(_, b)| u128::from(*b))
            .sum();
        let pools: u128 = self.pools.iter().map(|(_, p)| u128::from(p.tao)).sum();
        let staked = self.root_stake();
        if staked != self.root_tao() {
            return Err(SupplyError::RootStakeMismatch {
                recorded: self.root_tao(),
                staked,
            });
        }
        let root = u128::from(staked);
        if balances + pools + root != u128::from(g.total_issuance) {
            return Err(SupplyError::IssuanceMismatch {
                issuance: g.total_issuance,
                balances,
                pools,
                root,
            });
        }
        let mut staked: BTreeMap<NetUid, u128> = BTreeMap::new();
        for ((_, netuid), pool) in self.hotkey_alpha.iter() {
            *staked.entry(*netuid).or_default() += u128::from(pool.alpha);
        }
        for (netuid, supply) in self.alpha_supply.iter() {
            let held = u128::from(self.pool(*netuid).map_or(0, |p| p.alpha))
                + staked.get(netuid).copied().unwrap_or(0)
                + u128::from(self.pending_emission(*netuid).total())
                + u128::from(self.root_unclaimed(*netuid))
                + u128::from(supply.burned);
            if held != u128::from(supply.issued) {
                return Err(SupplyError::AlphaUnaccounted {
                    netuid: *netuid,
                    minted: supply.issued,
                    held,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plexus_primitives::AccountId;

    #[test]
    fn test_audit_names_the_rao_unaccounted_for() {
        let mut s = State::default();
        assert_eq!(s.check_supply(), Ok(()));
        s.balances.insert(AccountId([1; 32]), 5);
        assert_eq!(
            s.check_supply(),
            Err(SupplyError::IssuanceMismatch {
                issuance: 0,
                balances: 5,
                pools: 0,
                root: 0,
            })
        );
        s.balances.remove(&AccountId([1; 32]));
        s.burn_alpha(3, 7);
        let error = s.check_supply().unwrap_err();
        assert_eq!(
            error.to_string(),
            "subnet 3: 0 alpha minted but 7 accounted for"
        );
    }
}
