//! The proxy calls (see `proxy.rs` for what a proxy may do) and the batches: several calls in
//! one transaction, stopping at the first failure, all or nothing, or all regardless.

use super::Context;
use crate::proxy::{
    deposit, Announcement, ProxyDefinition, ProxyType, ANNOUNCEMENT_DEPOSIT_BASE,
    ANNOUNCEMENT_DEPOSIT_FACTOR, MAX_PENDING, MAX_PROXIES, PROXY_DEPOSIT_BASE,
    PROXY_DEPOSIT_FACTOR,
};
use crate::{Call, DispatchError, Event};
use plexus_primitives::{AccountId, Balance, BlockNumber, H256};

/// Most calls one batch may hold (the reference's bound; the transaction size limit binds
/// first).
pub const MAX_BATCH_CALLS: usize = 10_922;

/// How a batch treats a failing call.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum BatchMode {
    /// Stop there, keeping what came before (`batch`).
    Interrupt,
    /// Fail as a whole (`batch_all`).
    All,
    /// Go on with the rest (`force_batch`).
    Force,
}

impl Context<'_> {
    /// Moves the signer's reserved deposit from `old` to `new`, reserving or returning the
    /// difference; the free balance must stay above the existential deposit.
    fn rebalance_deposit(&mut self, old: Balance, new: Balance) -> Result<(), DispatchError> {
        if new > old {
            let more = new - old;
            let available = self.state.balance(&self.who);
            let keep = self.state.params.get().existential_deposit;
            if available < more.saturating_add(keep) {
                return Err(DispatchError::InsufficientBalance {
                    needed: more.saturating_add(keep),
                    available,
                });
            }
            self.withdraw(more)?;
        } else {
            self.deposit(self.who, old - new);
        }
        let reserved = self
            .state
            .reserved(&self.who)
            .saturating_add(new)
            .saturating_sub(old);
        self.set_reserved(self.who, reserved);
        Ok(())
    }

    /// Returns `amount` of `owner`'s reserved deposit to its free balance.
    fn unreserve(&mut self, owner: AccountId, amount: Balance) {
        self.deposit(owner, amount);
        let reserved = self.state.reserved(&owner).saturating_sub(amount);
        self.set_reserved(owner, reserved);
    }

    fn set_reserved(&mut self, owner: AccountId, reserved: Balance) {
        if reserved == 0 {
            self.state.reserved.remove(&owner);
        } else {
            self.state.reserved.insert(owner, reserved);
        }
    }

    pub(crate) fn add_proxy(
        &mut self,
        delegate: AccountId,
        proxy_type: ProxyType,
        delay: BlockNumber,
    ) -> Result<(), DispatchError> {
        if delegate == self.who {
            return Err(DispatchError::NoSelfProxy);
        }
        let mut list = self.state.proxies(&self.who);
        let definition = ProxyDefinition {
            delegate,
            proxy_type,
            delay,
        };
        let key = |d: &ProxyDefinition| (d.delegate, d.proxy_type, d.delay);
        let at = match list.proxies.binary_search_by_key(&key(&definition), key) {
            Ok(_) => return Err(DispatchError::DuplicateProxy),
            Err(at) => at,
        };
        if list.proxies.len() >= MAX_PROXIES {
            return Err(DispatchError::TooManyProxies {
                max: MAX_PROXIES as u32,
            });
        }
        list.proxies.insert(at, definition);
        let new = deposit(list.proxies.len(), PROXY_DEPOSIT_BASE, PROXY_DEPOSIT_FACTOR);
        self.rebalance_deposit(list.deposit, new)?;
        list.deposit = new;
        self.state.proxies.insert(self.who, list);
        self.emit(Event::ProxyAdded {
            real: self.who,
            delegate,
            proxy_type,
            delay,
        });
        Ok(())
    }

    pub(crate) fn remove_proxy(
        &mut self,
        delegate: AccountId,
        proxy_type: ProxyType,
        delay: BlockNumber,
    ) -> Result<(), DispatchError> {
        let mut list = self.state.proxies(&self.who);
        let before = list.proxies.len();
        list.proxies
            .retain(|d| (d.delegate, d.proxy_type, d.delay) != (delegate, proxy_type, delay));
        if list.proxies.len() == before {
            return Err(DispatchError::ProxyNotFound);
        }
        let new = deposit(list.proxies.len(), PROXY_DEPOSIT_BASE, PROXY_DEPOSIT_FACTOR);
        self.rebalance_deposit(list.deposit, new)?;
        list.deposit = new;
        if list.proxies.is_empty() {
            self.state.proxies.remove(&self.who);
        } else {
            self.state.proxies.insert(self.who, list);
        }
        self.emit(Event::ProxyRemoved {
            real: self.who,
            delegate,
            proxy_type,
            delay,
        });
        Ok(())
    }

    pub(crate) fn remove_proxies(&mut self) -> Result<(), DispatchError> {
        let Some(list) = self.state.proxies.remove(&self.who) else {
            return Err(DispatchError::ProxyNotFound);
        };
        self.rebalance_deposit(list.deposit, 0)?;
        for d in list.proxies {
            self.emit(Event::ProxyRemoved {
                real: self.who,
                delegate: d.delegate,
                proxy_type: d.proxy_type,
                delay: d.delay,
            });
        }
        Ok(())
    }

    pub(crate) fn create_pure(
        &mut self,
        proxy_type: ProxyType,
        delay: BlockNumber,
        index: u16,
    ) -> Result<(), DispatchError> {
        let ext_index = match self.phase {
            crate::Phase::Transaction(i) => i,
            crate::Phase::Initialization | crate::Phase::Finalization => 0,
        };
        let pure = pure_account(&self.who, proxy_type, index, self.block, ext_index);
        if self.state.proxies.contains(&pure) || self.state.balance(&pure) > 0 {
            return Err(DispatchError::DuplicateProxy);
        }
        // The spawner pays the deposit, and it is held as the pure account's own: a proxy
        // list's deposit is always its owner's reservation.
        let deposit = deposit(1, PROXY_DEPOSIT_BASE, PROXY_DEPOSIT_FACTOR);
        self.rebalance_deposit(0, deposit)?;
        let spawner_left = self.state.reserved(&self.who).saturating_sub(deposit);
        self.set_reserved(self.who, spawner_left);
        self.set_reserved(pure, deposit);
        self.state.proxies.insert(
            pure,
            crate::proxy::Proxies {
                proxies: vec![ProxyDefinition {
                    delegate: self.who,
                    proxy_type,
                    delay,
                }],
                deposit,
            },
        );
        self.emit(Event::PureCreated {
            pure,
            spawner: self.who,
            proxy_type,
            index,
        });
        Ok(())
    }

    /// The pure account itself removes itself: its birth details must give its address. Its
    /// proxy deposit goes back to the spawner.
    pub(crate) fn kill_pure(
        &mut self,
        spawner: AccountId,
        proxy_type: ProxyType,
        index: u16,
        height: BlockNumber,
        ext_index: u32,
    ) -> Result<(), DispatchError> {
        let pure = pure_account(&spawner, proxy_type, index, height, ext_index);
        if pure != self.who {
            return Err(DispatchError::NotProxy);
        }
        let list = self.state.proxies.remove(&pure).unwrap_or_default();
        let left = self.state.reserved(&pure).saturating_sub(list.deposit);
        self.set_reserved(pure, left);
        self.deposit(spawner, list.deposit);
        self.emit(Event::PureKilled { pure, spawner });
        Ok(())
    }

    /// The signer's proxy definition for `real`, of `force` type if given.
    fn definition(
        &self,
        real: &AccountId,
        delegate: &AccountId,
        force: Option<ProxyType>,
    ) -> Result<ProxyDefinition, DispatchError> {
        self.state
            .proxies(real)
            .proxies
            .into_iter()
            .find(|d| d.delegate == *delegate && force.is_none_or(|t| t == d.proxy_type))
            .ok_or(DispatchError::NotProxy)
    }

    /// Makes `call` for `real` as its proxy, within the proxy's type. The call's own failure
    /// does not fail the proxy call (its fee is paid either way): it is reported in
    /// `ProxyExecuted`, and its effects are undone.
    pub(crate) fn proxy(
        &mut self,
        real: AccountId,
        force: Option<ProxyType>,
        call: &Call,
        filters: &[ProxyType],
    ) -> Result<(), DispatchError> {
        let definition = self.definition(&real, &self.who, force)?;
        if definition.delay > 0 {
            return Err(DispatchError::ProxyUnannounced);
        }
        self.run_as_proxy(real, definition.proxy_type, call, filters)
    }

    fn run_as_proxy(
        &mut self,
        real: AccountId,
        proxy_type: ProxyType,
        call: &Call,
        filters: &[ProxyType],
    ) -> Result<(), DispatchError> {
        if matches!(call, Call::Governance(_)) {
            return Err(DispatchError::NotNestable);
        }
        let mut filters = filters.to_vec();
        filters.push(proxy_type);
        let delegate = self.who;
        let (mark, events) = (self.state.mark(), self.events.len());
        let result = self.nested(real).dispatch(call, &filters);
        let error = match result {
            Ok(()) => None,
            Err(error) => {
                self.state.rollback(mark);
                self.events.truncate(events);
                Some(error)
            }
        };
        self.emit(Event::ProxyExecuted {
            real,
            delegate,
            error,
        });
        Ok(())
    }

    pub(crate) fn announce(
        &mut self,
        real: AccountId,
        call_hash: H256,
    ) -> Result<(), DispatchError> {
        self.definition(&real, &self.who, None)?;
        let mut list = self.state.announcements(&self.who);
        if list.announcements.len() >= MAX_PENDING {
            return Err(DispatchError::TooManyAnnouncements {
                max: MAX_PENDING as u32,
            });
        }
        list.announcements.push(Announcement {
            real,
            call_hash,
            height: self.block,
        });
        self.set_announcements(self.who, list, true)?;
        self.emit(Event::ProxyAnnounced {
            real,
            delegate: self.who,
            call_hash,
        });
        Ok(())
    }

    /// Stores `delegate`'s announcements with the deposit they call for; `payer` says whether
    /// the signer is that delegate (whose balance the deposit moves in).
    fn set_announcements(
        &mut self,
        delegate: AccountId,
        mut list: crate::proxy::Announcements,
        payer: bool,
    ) -> Result<(), DispatchError> {
        let new = deposit(
            list.announcements.len(),
            ANNOUNCEMENT_DEPOSIT_BASE,
            ANNOUNCEMENT_DEPOSIT_FACTOR,
        );
        if payer {
            self.rebalance_deposit(list.deposit, new)?;
        } else {
            // A rejection only ever shrinks the delegate's list: return the difference.
            self.unreserve(delegate, list.deposit.saturating_sub(new));
        }
        list.deposit = new;
        if list.announcements.is_empty() {
            self.state.announcements.remove(&delegate);
        } else {
            self.state.announcements.insert(delegate, list);
        }
        Ok(())
    }

    pub(crate) fn remove_announcement(
        &mut self,
        real: AccountId,
        call_hash: H256,
    ) -> Result<(), DispatchError> {
        let mut list = self.state.announcements(&self.who);
        let before = list.announcements.len();
        list.announcements
            .retain(|a| !(a.real == real && a.call_hash == call_hash));
        if list.announcements.len() == before {
            return Err(DispatchError::AnnouncementNotFound);
        }
        self.set_announcements(self.who, list, true)
    }

    pub(crate) fn reject_announcement(
        &mut self,
        delegate: AccountId,
        call_hash: H256,
    ) -> Result<(), DispatchError> {
        let mut list = self.state.announcements(&delegate);
        let before = list.announcements.len();
        list.announcements
            .retain(|a| !(a.real == self.who && a.call_hash == call_hash));
        if list.announcements.len() == before {
            return Err(DispatchError::AnnouncementNotFound);
        }
        self.set_announcements(delegate, list, false)
    }

    /// Makes a call `delegate` announced for `real` at least its delay ago; anyone may send it.
    pub(crate) fn proxy_announced(
        &mut self,
        delegate: AccountId,
        real: AccountId,
        force: Option<ProxyType>,
        call: &Call,
        filters: &[ProxyType],
    ) -> Result<(), DispatchError> {
        let definition = self.definition(&real, &delegate, force)?;
        let call_hash = call.hash();
        let mut list = self.state.announcements(&delegate);
        let before = list.announcements.len();
        let now = self.block;
        list.announcements.retain(|a| {
            !(a.real == real
                && a.call_hash == call_hash
                && now.saturating_sub(a.height) >= definition.delay)
        });
        if list.announcements.len() == before {
            return Err(DispatchError::ProxyUnannounced);
        }
        let payer = delegate == self.who;
        self.set_announcements(delegate, list, payer)?;
        let signer = self.who;
        self.who = delegate;
        let result = self.run_as_proxy(real, definition.proxy_type, call, filters);
        self.who = signer;
        result
    }

    /// Runs `calls` in order as the signer, each within `filters`.
    pub(crate) fn batch(
        &mut self,
        calls: &[Call],
        mode: BatchMode,
        filters: &[ProxyType],
    ) -> Result<(), DispatchError> {
        if calls.len() > MAX_BATCH_CALLS {
            return Err(DispatchError::TooManyCalls {
                max: MAX_BATCH_CALLS as u32,
            });
        }
        // One level of batching: a batch of batches is refused whole, as the reference does.
        if calls.iter().any(|c| {
            matches!(
                c,
                Call::Batch { .. } | Call::BatchAll { .. } | Call::ForceBatch { .. }
            ) || matches!(c, Call::Governance(_))
        }) {
            return Err(DispatchError::NotNestable);
        }
        let mut failed = false;
        for (index, call) in calls.iter().enumerate() {
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            let (mark, events) = (self.state.mark(), self.events.len());
            match self.dispatch(call, filters) {
                Ok(()) => {}
                Err(error) => {
                    self.state.rollback(mark);
                    self.events.truncate(events);
                    match mode {
                        BatchMode::All => return Err(error),
                        BatchMode::Interrupt => {
                            self.emit(Event::BatchInterrupted { index, error });
                            return Ok(());
                        }
                        BatchMode::Force => {
                            failed = true;
                            self.emit(Event::BatchItemFailed { index, error });
                        }
                    }
                }
            }
        }
        self.emit(Event::BatchCompleted { errors: failed });
        Ok(())
    }
}

/// A pure account's address: BLAKE2b-256 of what makes its creation unique.
pub(crate) fn pure_account(
    spawner: &AccountId,
    proxy_type: ProxyType,
    index: u16,
    height: BlockNumber,
    ext_index: u32,
) -> AccountId {
    use parity_scale_codec::Encode;
    let seed = (
        b"modlpy/proxy____",
        spawner,
        height,
        ext_index,
        proxy_type,
        index,
    )
        .encode();
    AccountId(plexus_primitives::blake2_256(&seed).0)
}
