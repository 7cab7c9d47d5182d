//! Coldkey swap: a way back when a coldkey may have leaked. The coldkey announces the hash of
//! a new coldkey and, after a delay, moves everything it owns there; meanwhile it can do
//! nothing else, so a thief holding the same key cannot drain it first, and a dispute freezes
//! it until governance looks. Announcing again (after a further delay) replaces the target.

use super::Context;
use crate::types::ColdkeySwap;
use crate::{Call, DispatchError, Event};
use plexus_primitives::{blake2_256, AccountId, Balance, H256};

/// What a first announcement costs (burned), rao.
pub const COLDKEY_SWAP_COST: Balance = 100_000_000;

const LOW: AccountId = AccountId([0; 32]);
const HIGH: AccountId = AccountId([0xff; 32]);

/// Whether `call` is one a coldkey with an announced swap may still make.
pub(crate) fn allowed_during_swap(call: &Call) -> bool {
    matches!(
        call,
        Call::AnnounceColdkeySwap { .. }
            | Call::SwapColdkeyAnnounced { .. }
            | Call::DisputeColdkeySwap
            | Call::ClearColdkeySwapAnnouncement
    )
}

impl crate::State {
    /// `coldkey`'s announced swap, if any.
    pub fn coldkey_swap(&self, coldkey: &AccountId) -> Option<&ColdkeySwap> {
        self.coldkey_swaps.get(coldkey)
    }
}

impl Context<'_> {
    pub(crate) fn announce_coldkey_swap(&mut self, hash: H256) -> Result<(), DispatchError> {
        let params = self.state.params.get();
        let existing = self.state.coldkey_swaps.get(&self.who).cloned();
        match &existing {
            Some(swap) if swap.disputed.is_some() => {
                return Err(DispatchError::ColdkeySwapDisputed)
            }
            Some(swap) => {
                let allowed_at = swap
                    .when
                    .saturating_add(params.coldkey_swap_reannouncement_delay);
                if self.block < allowed_at {
                    return Err(DispatchError::RateLimited { allowed_at });
                }
            }
            None => {
                self.withdraw(COLDKEY_SWAP_COST)?;
                self.state.reduce_issuance(COLDKEY_SWAP_COST);
            }
        }
        let when = self
            .block
            .saturating_add(params.coldkey_swap_announcement_delay);
        self.state.coldkey_swaps.insert(
            self.who,
            ColdkeySwap {
                hash,
                when,
                disputed: None,
            },
        );
        self.emit(Event::ColdkeySwapAnnounced {
            coldkey: self.who,
            new_coldkey_hash: hash,
            when,
        });
        Ok(())
    }

    pub(crate) fn dispute_coldkey_swap(&mut self) -> Result<(), DispatchError> {
        let Some(mut swap) = self.state.coldkey_swaps.get(&self.who).cloned() else {
            return Err(DispatchError::NoColdkeySwap);
        };
        if swap.disputed.is_some() {
            return Err(DispatchError::ColdkeySwapDisputed);
        }
        swap.disputed = Some(self.block);
        self.state.coldkey_swaps.insert(self.who, swap);
        self.emit(Event::ColdkeySwapDisputed { coldkey: self.who });
        Ok(())
    }

    pub(crate) fn clear_coldkey_swap(&mut self) -> Result<(), DispatchError> {
        let Some(swap) = self.state.coldkey_swaps.get(&self.who).cloned() else {
            return Err(DispatchError::NoColdkeySwap);
        };
        if swap.disputed.is_some() {
            return Err(DispatchError::ColdkeySwapDisputed);
        }
        let allowed_at = swap
            .when
            .saturating_add(self.state.params.get().coldkey_swap_reannouncement_delay);
        if self.block < allowed_at {
            return Err(DispatchError::RateLimited { allowed_at });
        }
        self.state.coldkey_swaps.remove(&self.who);
        self.emit(Event::ColdkeySwapCleared { coldkey: self.who });
        Ok(())
    }

    /// Governance: lifts a dispute (and the announcement with it).
    pub(crate) fn reset_coldkey_swap(&mut self, coldkey: AccountId) -> Result<(), DispatchError> {
        if self.state.coldkey_swaps.remove(&coldkey).is_none() {
            return Err(DispatchError::NoColdkeySwap);
        }
        self.emit(Event::ColdkeySwapCleared { coldkey });
        Ok(())
    }

    pub(crate) fn swap_coldkey_announced(&mut self, new: AccountId) -> Result<(), DispatchError> {
        let Some(swap) = self.state.coldkey_swaps.get(&self.who).cloned() else {
            return Err(DispatchError::NoColdkeySwap);
        };
        if swap.disputed.is_some() {
            return Err(DispatchError::ColdkeySwapDisputed);
        }
        if blake2_256(&new.0) != swap.hash {
            return Err(DispatchError::ColdkeySwapHashMismatch);
        }
        if self.block < swap.when {
            return Err(DispatchError::RateLimited {
                allowed_at: swap.when,
            });
        }
        let old = self.who;
        if new == old {
            return Err(DispatchError::ColdkeySwapHashMismatch);
        }
        // The new coldkey must own and hold nothing that would have to be merged.
        let s = &*self.state;
        if s.hotkey_owner.contains(&new)
            || !s.owned_hotkeys(&new).is_empty()
            || s.alpha_shares.iter().any(|((_, _, c), _)| *c == new)
            || s.proxies.contains(&new)
            || s.announcements.contains(&new)
            || s.reserved(&new) > 0
            || s.coldkey_swaps.contains(&new)
        {
            return Err(DispatchError::NewColdkeyNotClean);
        }
        self.state.coldkey_swaps.remove(&old);
        self.move_coldkey(old, new);
        self.emit(Event::ColdkeySwapped { old, new });
        Ok(())
    }

    /// Everything `old` owns, to `new`: free and reserved balance, stakes (and their root
    /// book), subnets, hotkeys, identity, its proxies with their deposit, root claim choice.
    /// Proxy rights other accounts gave `old`, and its announcements under them, stay with it:
    /// they trusted that key.
    fn move_coldkey(&mut self, old: AccountId, new: AccountId) {
        let free = self.state.balance(&old);
        self.state.balances.remove(&old);
        let mine = self.state.balance(&new);
        self.state.balances.insert(new, mine.saturating_add(free));
        let s = &mut *self.state;
        // Its proxies' deposit moves with them; its announcements (as a delegate of others)
        // stay, and so does their deposit.
        let moved = s.proxies(&old).deposit;
        let reserved = s.reserved(&old);
        if moved > 0 {
            s.reserved.insert(new, moved);
            if reserved > moved {
                s.reserved.insert(old, reserved - moved);
            } else {
                s.reserved.remove(&old);
            }
        }
        let stakes: Vec<((AccountId, u16, AccountId), u128)> = s
            .alpha_shares
            .iter()
            .filter(|((_, _, c), _)| *c == old)
            .map(|(k, v)| (*k, *v))
            .collect();
        for ((hotkey, netuid, _), shares) in stakes {
            s.alpha_shares.remove(&(hotkey, netuid, old));
            s.alpha_shares.insert((hotkey, netuid, new), shares);
        }
        let root: Vec<AccountId> = s
            .root_stakers
            .range((old, LOW)..=(old, HIGH))
            .map(|((_, h), ())| *h)
            .collect();
        for hotkey in root {
            s.root_stakers.remove(&(old, hotkey));
            s.root_stakers.insert((new, hotkey), ());
        }
        let claimed: Vec<((u16, AccountId, AccountId), u128)> = s
            .root_claimed
            .iter()
            .filter(|((_, _, c), _)| *c == old)
            .map(|(k, v)| (*k, *v))
            .collect();
        for ((netuid, hotkey, _), value) in claimed {
            s.root_claimed.remove(&(netuid, hotkey, old));
            s.root_claimed.insert((netuid, hotkey, new), value);
        }
        if let Some(choice) = s.root_claim_types.remove(&old) {
            s.root_claim_types.insert(new, choice);
        }
        for hotkey in s.owned_hotkeys(&old) {
            s.owned_hotkeys.remove(&(old, hotkey));
            s.owned_hotkeys.insert((new, hotkey), ());
            s.hotkey_owner.insert(hotkey, new);
        }
        let owned: Vec<u16> = s
            .subnets
            .iter()
            .filter(|(_, subnet)| subnet.owner_coldkey == old)
            .map(|(n, _)| *n)
            .collect();
        for netuid in owned {
            s.subnets
                .mutate(&netuid, |subnet| subnet.owner_coldkey = new);
        }
        // The new coldkey's own identity, if it has one, is the one kept.
        if let Some(identity) = s.identities.remove(&old) {
            if !s.identities.contains(&new) {
                s.identities.insert(new, identity);
            }
        }
        if let Some(proxies) = s.proxies.remove(&old) {
            s.proxies.insert(new, proxies);
        }
        if let Some(at) = s.hotkey_swapped_at.remove(&old) {
            s.hotkey_swapped_at.insert(new, at);
        }
        let swapped_on: Vec<(u16, u64)> = s
            .hotkey_swapped_on
            .iter()
            .filter(|((_, c), _)| *c == old)
            .map(|((n, _), at)| (*n, *at))
            .collect();
        for (netuid, at) in swapped_on {
            s.hotkey_swapped_on.remove(&(netuid, old));
            s.hotkey_swapped_on.insert((netuid, new), at);
        }
    }
}
