//! Stake as share pools: each (hotkey, subnet) holds an amount of alpha and issues shares to
//! the coldkeys that staked through it, so a reward to the hotkey raises every nominator's
//! stake pro rata without touching each of them.

use crate::math::mul_div;
use crate::state::State;
use crate::types::SharePool;
use crate::DispatchError;
use plexus_primitives::{AccountId, Balance, NetUid};

impl SharePool {
    /// The alpha `shares` are worth, rounded down.
    fn value_of(&self, shares: u128) -> Balance {
        mul_div(u128::from(self.alpha), shares, self.shares)
            .and_then(|v| u64::try_from(v).ok())
            .unwrap_or(0)
    }
}

impl State {
    /// The share pool of `hotkey` on `netuid` (empty if nobody staked).
    pub fn hotkey_stake_pool(&self, hotkey: &AccountId, netuid: NetUid) -> SharePool {
        self.hotkey_alpha
            .get(&(*hotkey, netuid))
            .copied()
            .unwrap_or_default()
    }

    /// All alpha staked to `hotkey` on `netuid`, whoever's it is.
    pub fn hotkey_stake(&self, hotkey: &AccountId, netuid: NetUid) -> Balance {
        self.hotkey_stake_pool(hotkey, netuid).alpha
    }

    /// The alpha `coldkey` has staked through `hotkey` on `netuid`, rewards included.
    pub fn stake(&self, hotkey: &AccountId, coldkey: &AccountId, netuid: NetUid) -> Balance {
        let shares = self
            .alpha_shares
            .get(&(*hotkey, netuid, *coldkey))
            .copied()
            .unwrap_or(0);
        self.hotkey_stake_pool(hotkey, netuid).value_of(shares)
    }

    /// Every stake `coldkey` holds, as (hotkey, netuid, alpha), rewards included. Scans all
    /// stakes (no index by coldkey), so it is for queries, never for the state machine.
    pub fn stakes_of(&self, coldkey: &AccountId) -> Vec<(AccountId, NetUid, Balance)> {
        self.alpha_shares
            .iter()
            .filter(|((_, _, owner), _)| owner == coldkey)
            .map(|((hotkey, netuid, _), _)| {
                (*hotkey, *netuid, self.stake(hotkey, coldkey, *netuid))
            })
            .collect()
    }

    /// Every stake held through `hotkey`, as (coldkey, netuid, alpha), rewards included, in
    /// netuid then coldkey order.
    pub fn nominations(&self, hotkey: &AccountId) -> Vec<(AccountId, NetUid, Balance)> {
        let (low, high) = (AccountId([0; 32]), AccountId([0xff; 32]));
        self.alpha_shares
            .range((*hotkey, NetUid::MIN, low)..=(*hotkey, NetUid::MAX, high))
            .map(|((_, netuid, coldkey), _)| {
                (*coldkey, *netuid, self.stake(hotkey, coldkey, *netuid))
            })
            .collect()
    }

    /// Credits `amount` alpha to `coldkey`'s stake through `hotkey`.
    pub(crate) fn add_stake_alpha(
        &mut self,
        hotkey: AccountId,
        coldkey: AccountId,
        netuid: NetUid,
        amount: Balance,
    ) -> Result<(), DispatchError> {
        if amount == 0 {
            return Ok(());
        }
        let mut pool = self.hotkey_stake_pool(&hotkey, netuid);
        // An empty pool (or one left with only rounding dust) restarts at one share per rao.
        let new_shares = if pool.shares == 0 || pool.alpha == 0 {
            u128::from(amount)
        } else {
            mul_div(u128::from(amount), pool.shares, u128::from(pool.alpha))
                .ok_or(DispatchError::Overflow)?
        };
        pool.alpha = pool
            .alpha
            .checked_add(amount)
            .ok_or(DispatchError::Overflow)?;
        pool.shares = pool
            .shares
            .checked_add(new_shares)
            .ok_or(DispatchError::Overflow)?;
        let key = (hotkey, netuid, coldkey);
        let held = self.alpha_shares.get(&key).copied().unwrap_or(0);
        self.alpha_shares
            .insert(key, held.saturating_add(new_shares));
        self.hotkey_alpha.insert((hotkey, netuid), pool);
        if netuid == crate::ROOT_NETUID {
            self.root_stake_added(hotkey, coldkey, amount);
        }
        Ok(())
    }

    /// Debits `amount` alpha from `coldkey`'s stake through `hotkey`. Shares are rounded up, so
    /// rounding never lets a nominator take more than their stake is worth.
    pub(crate) fn remove_stake_alpha(
        &mut self,
        hotkey: AccountId,
        coldkey: AccountId,
        netuid: NetUid,
        amount: Balance,
    ) -> Result<(), DispatchError> {
        let key = (hotkey, netuid, coldkey);
        let held = self.alpha_shares.get(&key).copied().unwrap_or(0);
        let mut pool = self.hotkey_stake_pool(&hotkey, netuid);
        let available = pool.value_of(held);
        if amount > available {
            return Err(DispatchError::NotEnoughStake {
                needed: amount,
                available,
            });
        }
        if amount == 0 {
            return Ok(());
        }
        let burned = if amount == available {
            held
        } else {
            let exact = mul_div(u128::from(amount), pool.shares, u128::from(pool.alpha))
                .ok_or(DispatchError::Overflow)?;
            // Round up unless the division was exact.
            let back = mul_div(exact, u128::from(pool.alpha), pool.shares).unwrap_or(0);
            if back < u128::from(amount) {
                exact.saturating_add(1).min(held)
            } else {
                exact
            }
        };
        pool.alpha -= amount;
        pool.shares = pool.shares.saturating_sub(burned);
        if held - burned == 0 {
            self.alpha_shares.remove(&key);
        } else {
            self.alpha_shares.insert(key, held - burned);
        }
        if pool.shares == 0 && pool.alpha == 0 {
            self.hotkey_alpha.remove(&(hotkey, netuid));
        } else {
            self.hotkey_alpha.insert((hotkey, netuid), pool);
        }
        if netuid == crate::ROOT_NETUID {
            self.root_stake_removed(hotkey, coldkey, amount, held == burned);
        }
        Ok(())
    }

    /// Adds `amount` alpha to everything staked through `hotkey`: every nominator gains pro
    /// rata. With no nominators yet, the hotkey's owner receives it as stake.
    pub(crate) fn reward_hotkey(
        &mut self,
        hotkey: AccountId,
        netuid: NetUid,
        amount: Balance,
    ) -> Result<(), DispatchError> {
        // Root stake earns nothing in place: its dividends are claimed (see `root.rs`), and
        // raising a root pool would hand past dividends to stake that did not earn them.
        debug_assert_ne!(netuid, crate::ROOT_NETUID);
        let pool = self.hotkey_stake_pool(&hotkey, netuid);
        if pool.shares == 0 {
            let owner = self.hotkey_owner(&hotkey).unwrap_or(hotkey);
            return self.add_stake_alpha(hotkey, owner, netuid, amount);
        }
        let alpha = pool
            .alpha
            .checked_add(amount)
            .ok_or(DispatchError::Overflow)?;
        self.hotkey_alpha
            .insert((hotkey, netuid), SharePool { alpha, ..pool });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(i: u8) -> AccountId {
        AccountId([i; 32])
    }

    #[test]
    fn test_rewards_are_shared_pro_rata_and_nothing_leaks() {
        let mut s = State::default();
        let (h, a, b) = (key(1), key(2), key(3));
        s.add_stake_alpha(h, a, 1, 3_000).unwrap();
        s.add_stake_alpha(h, b, 1, 1_000).unwrap();
        s.reward_hotkey(h, 1, 400).unwrap();
        assert_eq!(s.stake(&h, &a, 1), 3_300);
        assert_eq!(s.stake(&h, &b, 1), 1_100);
        // A later staker buys in at the new value and gets no share of the earlier reward.
        s.add_stake_alpha(h, key(4), 1, 1_100).unwrap();
        assert_eq!(s.stake(&h, &key(4), 1), 1_100);
        assert_eq!(s.stake(&h, &a, 1), 3_300);
        // Odd amounts: removals never pay out more than the pool holds.
        s.reward_hotkey(h, 1, 7).unwrap();
        let total = s.hotkey_stake(&h, 1);
        let mut paid = 0;
        for who in [a, b, key(4)] {
            let v = s.stake(&h, &who, 1);
            s.remove_stake_alpha(h, who, 1, v / 3).unwrap();
            paid += v / 3;
            let rest = s.stake(&h, &who, 1);
            s.remove_stake_alpha(h, who, 1, rest).unwrap();
            paid += rest;
        }
        assert!(paid <= total);
        assert_eq!(s.hotkey_stake(&h, 1), total - paid, "dust stays staked");
        assert!(total - paid < 10);
    }

    #[test]
    fn test_remove_more_than_staked_is_refused() {
        let mut s = State::default();
        s.add_stake_alpha(key(1), key(2), 1, 100).unwrap();
        assert_eq!(
            s.remove_stake_alpha(key(1), key(2), 1, 101),
            Err(DispatchError::NotEnoughStake {
                needed: 101,
                available: 100
            })
        );
        assert_eq!(
            s.remove_stake_alpha(key(1), key(3), 1, 1),
            Err(DispatchError::NotEnoughStake {
                needed: 1,
                available: 0
            })
        );
    }

    #[test]
    fn test_reward_without_nominators_goes_to_the_owner() {
        let mut s = State::default();
        s.hotkey_owner.insert(key(1), key(9));
        s.reward_hotkey(key(1), 2, 50).unwrap();
        assert_eq!(s.stake(&key(1), &key(9), 2), 50);
    }
}
