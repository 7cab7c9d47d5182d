//! Balances: transfers, fees, burns and the existential deposit.

use super::Context;
use crate::chain::Events;
use crate::state::State;
use crate::{DispatchError, Event, Phase};
use plexus_primitives::{AccountId, Balance};

impl State {
    /// Free balance of `account`.
    pub fn balance(&self, account: &AccountId) -> Balance {
        self.balances.get(account).copied().unwrap_or(0)
    }

    /// The next nonce `account` must use.
    pub fn nonce(&self, account: &AccountId) -> u64 {
        self.nonces.get(account).copied().unwrap_or(0)
    }

    /// All TAO in existence.
    pub fn total_issuance(&self) -> Balance {
        self.globals.get_ref().map_or(0, |g| g.total_issuance)
    }

    /// Sets a balance; below the existential deposit the account is removed and the rest
    /// burned.
    fn set_balance(&mut self, who: AccountId, value: Balance, phase: Phase, events: &mut Events) {
        let minimum = self.params.get_ref().map_or(1, |p| p.existential_deposit);
        if value >= minimum {
            self.balances.insert(who, value);
            return;
        }
        if self.balances.remove(&who).is_some() {
            self.reduce_issuance(value);
            events.push((
                phase,
                Event::AccountReaped {
                    account: who,
                    dust: value,
                },
            ));
        }
    }

    /// Chain-wide bookkeeping: issuance, burned and minted totals, governance, lock history.
    pub fn globals(&self) -> crate::Globals {
        self.globals.get()
    }

    /// TAO destroyed since genesis.
    pub fn total_burned(&self) -> Balance {
        self.globals.get_ref().map_or(0, |g| g.total_burned)
    }

    /// Records `amount` as destroyed: gone from issuance, counted as burned.
    pub(crate) fn reduce_issuance(&mut self, amount: Balance) {
        self.globals.mutate(|g| {
            g.total_issuance = g.total_issuance.saturating_sub(amount);
            g.total_burned = g.total_burned.saturating_add(amount);
        });
    }

    /// Destroys `amount` of `who`'s balance (fees). The caller checked that it is there.
    pub(crate) fn burn(
        &mut self,
        who: &AccountId,
        amount: Balance,
        phase: Phase,
        events: &mut Events,
    ) {
        let left = self.balance(who).saturating_sub(amount);
        self.reduce_issuance(amount);
        self.set_balance(*who, left, phase, events);
    }
}

impl Context<'_> {
    /// Takes `amount` from the signer for the chain to hold (locks, registrations): issuance is
    /// unchanged, the subnet's TAO grows by what the caller adds.
    pub(crate) fn withdraw(&mut self, amount: Balance) -> Result<(), DispatchError> {
        let available = self.state.balance(&self.who);
        if available < amount {
            return Err(DispatchError::InsufficientBalance {
                needed: amount,
                available,
            });
        }
        self.state
            .set_balance(self.who, available - amount, self.phase, self.events);
        Ok(())
    }

    /// Pays `amount` the chain held (a refund) into `to`, which may be a new account.
    pub(crate) fn deposit(&mut self, to: AccountId, amount: Balance) {
        let new = self.state.balance(&to).saturating_add(amount);
        self.state.set_balance(to, new, self.phase, self.events);
    }

    pub(crate) fn transfer(
        &mut self,
        dest: AccountId,
        value: Balance,
        keep_alive: bool,
    ) -> Result<(), DispatchError> {
        let minimum = self.state.params.get().existential_deposit;
        let available = self.state.balance(&self.who);
        if available < value {
            return Err(DispatchError::InsufficientBalance {
                needed: value,
                available,
            });
        }
        if keep_alive && available - value < minimum {
            return Err(DispatchError::KeepAlive);
        }
        if dest == self.who {
            return Ok(());
        }
        let dest_balance = self.state.balance(&dest);
        if dest_balance == 0 && value < minimum {
            return Err(DispatchError::BelowExistentialDeposit {
                amount: value,
                minimum,
            });
        }
        let credited = dest_balance
            .checked_add(value)
            .ok_or(DispatchError::Overflow)?;
        self.state
            .set_balance(self.who, available - value, self.phase, self.events);
        self.state.balances.insert(dest, credited);
        self.emit(Event::Transfer {
            from: self.who,
            to: dest,
            amount: value,
        });
        Ok(())
    }

    pub(crate) fn transfer_all(
        &mut self,
        dest: AccountId,
        keep_alive: bool,
    ) -> Result<(), DispatchError> {
        let minimum = self.state.params.get().existential_deposit;
        let available = self.state.balance(&self.who);
        let value = if keep_alive {
            available.saturating_sub(minimum)
        } else {
            available
        };
        self.transfer(dest, value, keep_alive)
    }
}
