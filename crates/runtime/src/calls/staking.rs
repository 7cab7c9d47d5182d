//! Staking: TAO in, alpha out through the subnet's pool, and back; moving stake between
//! hotkeys, subnets and coldkeys.
//!
//! A stake is alpha held through a hotkey's share pool (see `shares.rs`). Buying it swaps TAO
//! into the subnet's pool; selling swaps it back. Swap fees are burned: TAO fees reduce issuance
//! and alpha fees count as burned alpha, so every rao stays accounted for.

use super::Context;
use crate::pool::{limit_from_rao_per_alpha, Pool, PoolError, Swap};
use crate::state::State;
use crate::{DispatchError, Event, ROOT_NETUID};
use plexus_primitives::{AccountId, Balance, NetUid};

/// How a staking call treats the price: no limit, or a limit price in rao per alpha and whether
/// a partial fill up to it is acceptable.
#[derive(Clone, Copy)]
pub(crate) struct PriceLimit {
    pub(crate) limit: Option<u64>,
    pub(crate) allow_partial: bool,
}

impl PriceLimit {
    pub(crate) const NONE: Self = Self {
        limit: None,
        allow_partial: false,
    };
}

impl State {
    /// The pool of `netuid`.
    pub fn pool(&self, netuid: NetUid) -> Option<Pool> {
        self.pools.get(&netuid).copied()
    }

    /// The alpha `tao` would buy on `netuid` now, after the fee (a simulation: nothing changes).
    pub fn simulate_buy(&self, netuid: NetUid, tao: Balance) -> Result<Swap, DispatchError> {
        let pool = self
            .pool(netuid)
            .ok_or(DispatchError::UnknownSubnet(netuid))?;
        Ok(pool.buy(tao, self.params.get().swap_fee_rate, None, false)?)
    }

    /// The TAO `alpha` would sell for on `netuid` now, after the fee.
    pub fn simulate_sell(&self, netuid: NetUid, alpha: Balance) -> Result<Swap, DispatchError> {
        let pool = self
            .pool(netuid)
            .ok_or(DispatchError::UnknownSubnet(netuid))?;
        Ok(pool.sell(alpha, self.params.get().swap_fee_rate, None, false)?)
    }
}

impl Context<'_> {
    fn started_pool(&self, netuid: NetUid) -> Result<Pool, DispatchError> {
        let subnet = self.subnet(netuid)?;
        if subnet.first_emission_block.is_none() {
            return Err(DispatchError::SubnetNotStarted(netuid));
        }
        self.state
            .pool(netuid)
            .ok_or(DispatchError::UnknownSubnet(netuid))
    }

    fn ensure_hotkey_exists(&self, hotkey: &AccountId) -> Result<(), DispatchError> {
        match self.state.hotkey_owner(hotkey) {
            Some(_) => Ok(()),
            None => Err(DispatchError::HotkeyNotFound),
        }
    }

    /// Swaps `tao` of the signer's balance into alpha on `netuid`; returns the alpha.
    fn buy(
        &mut self,
        netuid: NetUid,
        tao: Balance,
        price: PriceLimit,
    ) -> Result<Balance, DispatchError> {
        let pool = self.started_pool(netuid)?;
        let fee_rate = self.state.params.get().swap_fee_rate;
        let swap = pool.buy(
            tao,
            fee_rate,
            price.limit.map(limit_from_rao_per_alpha),
            price.allow_partial,
        )?;
        self.withdraw(swap.amount_in)?;
        self.state.reduce_issuance(swap.fee);
        self.state.pools.insert(netuid, swap.pool_after);
        Ok(swap.amount_out)
    }

    /// Swaps `alpha` (already taken out of a stake) into TAO on `netuid`; returns the TAO and
    /// the alpha actually sold (less with a partial fill).
    fn sell(
        &mut self,
        netuid: NetUid,
        alpha: Balance,
        price: PriceLimit,
    ) -> Result<(Balance, Balance), DispatchError> {
        let pool = self.started_pool(netuid)?;
        let fee_rate = self.state.params.get().swap_fee_rate;
        let swap = pool.sell(
            alpha,
            fee_rate,
            price.limit.map(limit_from_rao_per_alpha),
            price.allow_partial,
        )?;
        self.state.burn_alpha(netuid, swap.fee);
        self.state.pools.insert(netuid, swap.pool_after);
        Ok((swap.amount_out, swap.amount_in))
    }

    fn check_minimum(&self, amount: Balance) -> Result<(), DispatchError> {
        let minimum = self.state.params.get().min_stake;
        if amount < minimum {
            return Err(DispatchError::StakeBelowMinimum { amount, minimum });
        }
        Ok(())
    }

    pub(crate) fn add_stake(
        &mut self,
        hotkey: AccountId,
        netuid: NetUid,
        tao: Balance,
        price: PriceLimit,
    ) -> Result<(), DispatchError> {
        // Root has no pool: TAO becomes stake 1:1, without a fee, so no price limit is crossed.
        let root = netuid == ROOT_NETUID;
        if !root {
            self.started_pool(netuid)?;
        }
        self.check_minimum(tao)?;
        self.ensure_hotkey_exists(&hotkey)?;
        let available = self.state.balance(&self.who);
        if available < tao {
            return Err(DispatchError::InsufficientBalance {
                needed: tao,
                available,
            });
        }
        let before = available;
        let alpha = if root {
            self.withdraw(tao)?;
            tao
        } else {
            self.buy(netuid, tao, price)?
        };
        self.state
            .add_stake_alpha(hotkey, self.who, netuid, alpha)?;
        let spent = before.saturating_sub(self.state.balance(&self.who));
        self.emit(Event::StakeAdded {
            coldkey: self.who,
            hotkey,
            netuid,
            tao: spent,
            alpha,
        });
        Ok(())
    }

    pub(crate) fn remove_stake(
        &mut self,
        hotkey: AccountId,
        netuid: NetUid,
        alpha: Balance,
        price: PriceLimit,
    ) -> Result<(), DispatchError> {
        let root = netuid == ROOT_NETUID;
        if root {
            // Root dividends owed are claimed first: the stake that earned them is leaving.
            for claim in self.state.settle_root(hotkey, self.who)? {
                self.emit(claim.event(self.who));
            }
        } else {
            self.started_pool(netuid)?;
        }
        let held = self.state.stake(&hotkey, &self.who, netuid);
        if alpha == 0 || alpha > held {
            return Err(DispatchError::NotEnoughStake {
                needed: alpha,
                available: held,
            });
        }
        let (tao, sold) = if root {
            (alpha, alpha)
        } else {
            self.sell(netuid, alpha, price)?
        };
        // A partial exit must leave a stake worth keeping and take out at least the minimum.
        if sold < held {
            self.check_minimum(tao)?;
        }
        self.state
            .remove_stake_alpha(hotkey, self.who, netuid, sold)?;
        self.deposit(self.who, tao);
        self.emit(Event::StakeRemoved {
            coldkey: self.who,
            hotkey,
            netuid,
            tao,
            alpha: sold,
        });
        Ok(())
    }

    /// Moves `alpha` of the signer's stake through `from_hotkey` on `from_netuid` to
    /// `to_coldkey`'s stake through `to_hotkey` on `to_netuid`: alpha is moved as is within a
    /// subnet and sold then bought across subnets.
    pub(crate) fn move_stake(
        &mut self,
        from_hotkey: AccountId,
        to_hotkey: AccountId,
        to_coldkey: AccountId,
        from_netuid: NetUid,
        to_netuid: NetUid,
        alpha: Balance,
    ) -> Result<(), DispatchError> {
        self.started_pool(from_netuid)?;
        self.started_pool(to_netuid)?;
        self.ensure_hotkey_exists(&to_hotkey)?;
        let held = self.state.stake(&from_hotkey, &self.who, from_netuid);
        if alpha == 0 || alpha > held {
            return Err(DispatchError::NotEnoughStake {
                needed: alpha,
                available: held,
            });
        }
        let moved = if from_netuid == to_netuid {
            let pool = self.started_pool(from_netuid)?;
            let value =
                u64::try_from((u128::from(alpha) * pool.spot_price()) >> 64).unwrap_or(u64::MAX);
            self.check_minimum(value)?;
            self.state
                .remove_stake_alpha(from_hotkey, self.who, from_netuid, alpha)?;
            alpha
        } else {
            let (tao, sold) = self.sell(from_netuid, alpha, PriceLimit::NONE)?;
            self.check_minimum(tao)?;
            self.state
                .remove_stake_alpha(from_hotkey, self.who, from_netuid, sold)?;
            // The TAO passes through the signer's balance without ever being spendable.
            self.deposit(self.who, tao);
            self.buy(to_netuid, tao, PriceLimit::NONE)?
        };
        self.state
            .add_stake_alpha(to_hotkey, to_coldkey, to_netuid, moved)?;
        self.emit(Event::StakeMoved {
            from_coldkey: self.who,
            from_hotkey,
            from_netuid,
            to_coldkey,
            to_hotkey,
            to_netuid,
            alpha: moved,
        });
        Ok(())
    }

    /// [`Self::move_stake`] between two subnets of one hotkey, of as much of `alpha` as leaves
    /// the price of origin alpha in destination alpha at or above `limit` (×10⁹): all of it or
    /// nothing, or with `allow_partial` the most that does (found by bisection over simulated
    /// trades, so the result is exact and deterministic).
    pub(crate) fn swap_stake_limit(
        &mut self,
        hotkey: AccountId,
        from_netuid: NetUid,
        to_netuid: NetUid,
        alpha: Balance,
        limit: u64,
        allow_partial: bool,
    ) -> Result<(), DispatchError> {
        let within = |cx: &Self, amount: Balance| {
            cx.swap_ratio_after(from_netuid, to_netuid, amount)
                .is_some_and(|ratio| ratio >= u128::from(limit))
        };
        let amount = if from_netuid == to_netuid || within(self, alpha) {
            alpha
        } else if allow_partial {
            // `within` holds for no amount, or up to some amount and not beyond.
            let (mut low, mut high) = (0, alpha);
            while high - low > 1 {
                let mid = low + (high - low) / 2;
                if within(self, mid) {
                    low = mid;
                } else {
                    high = mid;
                }
            }
            low
        } else {
            0
        };
        if amount == 0 {
            return Err(DispatchError::Swap(PoolError::PriceLimitExceeded));
        }
        self.move_stake(hotkey, hotkey, self.who, from_netuid, to_netuid, amount)
    }

    /// The price of `from` alpha in `to` alpha (×10⁹) after `alpha` of it is sold on `from`
    /// and the TAO bought into `to`; `None` if either trade cannot be made.
    fn swap_ratio_after(&self, from: NetUid, to: NetUid, alpha: Balance) -> Option<u128> {
        let fee_rate = self.state.params.get().swap_fee_rate;
        let sold = self
            .state
            .pool(from)?
            .sell(alpha, fee_rate, None, false)
            .ok()?;
        let bought = self
            .state
            .pool(to)?
            .buy(sold.amount_out, fee_rate, None, false)
            .ok()?;
        let to_price = bought.pool_after.spot_price();
        (to_price > 0)
            .then(|| sold.pool_after.spot_price().saturating_mul(1_000_000_000) / to_price)
    }

    /// Sells all of the signer's stake through `hotkey`, on every subnet.
    pub(crate) fn unstake_all(&mut self, hotkey: AccountId) -> Result<(), DispatchError> {
        let stakes: Vec<NetUid> = self
            .state
            .alpha_shares
            .range((hotkey, 0, AccountId([0; 32]))..=(hotkey, NetUid::MAX, AccountId([0xff; 32])))
            .filter(|((_, _, coldkey), _)| *coldkey == self.who)
            .map(|((_, netuid, _), _)| *netuid)
            .collect();
        if stakes.is_empty() {
            return Err(DispatchError::NotEnoughStake {
                needed: 1,
                available: 0,
            });
        }
        for netuid in stakes {
            let held = self.state.stake(&hotkey, &self.who, netuid);
            if held > 0 {
                self.remove_stake(hotkey, netuid, held, PriceLimit::NONE)?;
            }
        }
        Ok(())
    }
}
