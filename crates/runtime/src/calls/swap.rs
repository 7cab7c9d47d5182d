//! Hotkey swap: a coldkey moves everything one of its hotkeys holds — registrations, stake,
//! child and parent links, takes, axons, commitments, root dividends — to a new hotkey, on
//! every subnet or one, so a validator can rotate a key without losing its place.

use super::Context;
use crate::{DispatchError, Event, ROOT_NETUID};
use plexus_primitives::{AccountId, Balance, NetUid};

/// What swapping a hotkey on every subnet costs (burned), rao.
pub const HOTKEY_SWAP_COST: Balance = 100_000_000;
/// What swapping a hotkey on one subnet costs (burned), rao.
pub const HOTKEY_SWAP_ON_SUBNET_COST: Balance = 1_000_000;

const LOW: AccountId = AccountId([0; 32]);
const HIGH: AccountId = AccountId([0xff; 32]);

impl Context<'_> {
    pub(crate) fn swap_hotkey(
        &mut self,
        old: AccountId,
        new: AccountId,
        only: Option<NetUid>,
    ) -> Result<(), DispatchError> {
        if self.state.hotkey_owner(&old) != Some(self.who) {
            return Err(DispatchError::NotHotkeyOwner);
        }
        if old == new {
            return Err(DispatchError::SameHotkey);
        }
        if self.state.hotkey_owner(&new).is_some_and(|o| o != self.who) {
            return Err(DispatchError::HotkeyOwnedByOther);
        }
        let params = self.state.params.get();
        if let Some(last) = self.state.hotkey_swapped_at.get(&self.who) {
            let allowed_at = last.saturating_add(params.hotkey_swap_rate_limit);
            if self.block < allowed_at {
                return Err(DispatchError::RateLimited { allowed_at });
            }
        }
        let netuids: Vec<NetUid> = match only {
            Some(netuid) => {
                self.subnet(netuid)?;
                vec![netuid]
            }
            None => self.state.subnets().map(|(n, _)| n).collect(),
        };
        // The subnets the swap changes: all given, for a one-subnet swap; otherwise those the
        // old hotkey sits on or has links on.
        let touched: Vec<NetUid> = netuids
            .iter()
            .copied()
            .filter(|n| {
                only.is_some()
                    || self.state.uid(*n, &old).is_some()
                    || self.state.child_keys.contains(&(old, *n))
                    || self.state.parent_keys.contains(&(old, *n))
            })
            .collect();
        for netuid in &touched {
            if let Some(last) = self.state.hotkey_swapped_on.get(&(*netuid, self.who)) {
                let allowed_at = last.saturating_add(params.hotkey_swap_subnet_interval);
                if self.block < allowed_at {
                    return Err(DispatchError::RateLimited { allowed_at });
                }
            }
        }
        for netuid in &netuids {
            if let Some(uid) = self.state.uid(*netuid, &new) {
                return Err(DispatchError::AlreadyRegistered {
                    netuid: *netuid,
                    uid,
                });
            }
        }
        // The new hotkey must hold nothing to merge: no stake and no root book anywhere.
        let has_stake = self
            .state
            .hotkey_alpha
            .range((new, NetUid::MIN)..=(new, NetUid::MAX))
            .next()
            .is_some();
        if has_stake || !self.state.root_claimable_rates(&new).is_empty() {
            return Err(DispatchError::NewHotkeyNotClean);
        }
        let cost = if only.is_some() {
            HOTKEY_SWAP_ON_SUBNET_COST
        } else {
            HOTKEY_SWAP_COST
        };
        self.withdraw(cost)?;
        self.state.reduce_issuance(cost);
        self.state.hotkey_swapped_at.insert(self.who, self.block);
        for netuid in touched {
            self.state
                .hotkey_swapped_on
                .insert((netuid, self.who), self.block);
        }
        // Ownership: the new hotkey is the coldkey's; on every subnet the old one is no longer.
        if self.state.hotkey_owner(&new).is_none() {
            self.state.hotkey_owner.insert(new, self.who);
            self.state.owned_hotkeys.insert((self.who, new), ());
        }
        if only.is_none() {
            self.state.hotkey_owner.remove(&old);
            self.state.owned_hotkeys.remove(&(self.who, old));
            if let Some(take) = self.state.delegate_takes.remove(&old) {
                self.state.delegate_takes.insert(new, take);
            }
            self.move_root(old, new);
        }
        for netuid in netuids {
            self.move_on_subnet(old, new, netuid);
        }
        self.emit(Event::HotkeySwapped {
            coldkey: self.who,
            old,
            new,
            netuid: only,
        });
        Ok(())
    }

    /// Everything of `old` on `netuid`: its seat, weight commits, stake, links, takes and
    /// commitments, and the subnet's owner hotkey if it was.
    fn move_on_subnet(&mut self, old: AccountId, new: AccountId, netuid: NetUid) {
        let s = &mut *self.state;
        if let Some(uid) = s.uids.remove(&(netuid, old)) {
            s.uids.insert((netuid, new), uid);
            s.neurons.mutate(&(netuid, uid), |n| n.hotkey = new);
        }
        if let Some(commits) = s.timelocked_commits.remove(&(netuid, old)) {
            for commit in &commits {
                s.timelock_due.remove(&(commit.reveal, netuid, old));
                s.timelock_due.insert((commit.reveal, netuid, new), ());
            }
            s.timelocked_commits.insert((netuid, new), commits);
        }
        if let Some(commits) = s.weight_commits.remove(&(netuid, old)) {
            s.weight_commits.insert((netuid, new), commits);
        }
        if let Some(pool) = s.hotkey_alpha.remove(&(old, netuid)) {
            s.hotkey_alpha.insert((new, netuid), pool);
        }
        let shares: Vec<(AccountId, u128)> = s
            .alpha_shares
            .range((old, netuid, LOW)..=(old, netuid, HIGH))
            .map(|((_, _, coldkey), shares)| (*coldkey, *shares))
            .collect();
        for (coldkey, held) in shares {
            s.alpha_shares.remove(&(old, netuid, coldkey));
            s.alpha_shares.insert((new, netuid, coldkey), held);
        }
        if let Some(take) = s.childkey_takes.remove(&(old, netuid)) {
            s.childkey_takes.insert((new, netuid), take);
        }
        if let Some(at) = s.children_set_at.remove(&(old, netuid)) {
            s.children_set_at.insert((new, netuid), at);
        }
        for (map, other) in [(true, false), (false, true)] {
            // `map` true: old's children (each naming old as a parent); false: its parents.
            let links = if map {
                s.child_keys.remove(&(old, netuid))
            } else {
                s.parent_keys.remove(&(old, netuid))
            };
            let Some(links) = links else { continue };
            for (_, linked) in &links {
                let back = if other {
                    &mut s.child_keys
                } else {
                    &mut s.parent_keys
                };
                back.mutate(&(*linked, netuid), |list| {
                    for link in list.iter_mut().filter(|(_, who)| *who == old) {
                        link.1 = new;
                    }
                });
            }
            if map {
                s.child_keys.insert((new, netuid), links);
            } else {
                s.parent_keys.insert((new, netuid), links);
            }
        }
        if let Some(pending) = s.pending_children.remove(&(netuid, old)) {
            s.pending_children.insert((netuid, new), pending);
        }
        let naming: Vec<AccountId> = s
            .pending_children
            .range((netuid, LOW)..=(netuid, HIGH))
            .filter(|(_, p)| p.children.iter().any(|(_, c)| *c == old))
            .map(|((_, parent), _)| *parent)
            .collect();
        for parent in naming {
            s.pending_children.mutate(&(netuid, parent), |p| {
                for child in p.children.iter_mut().filter(|(_, c)| *c == old) {
                    child.1 = new;
                }
            });
        }
        if let Some(commitment) = s.commitments.remove(&(netuid, old)) {
            for field in &commitment.fields {
                if let crate::CommitmentField::Timelocked { reveal, .. } = field {
                    s.commitment_due.remove(&(*reveal, netuid, old));
                    s.commitment_due.insert((*reveal, netuid, new), ());
                }
            }
            s.commitments.insert((netuid, new), commitment);
        }
        if let Some(space) = s.commitment_space.remove(&(netuid, old)) {
            s.commitment_space.insert((netuid, new), space);
        }
        s.subnets.mutate(&netuid, |subnet| {
            if subnet.owner_hotkey == old {
                subnet.owner_hotkey = new;
            }
        });
    }

    /// Root: the stake through `old` (it holds no alpha), its dividend book and its seat.
    fn move_root(&mut self, old: AccountId, new: AccountId) {
        let s = &mut *self.state;
        if let Some(pool) = s.hotkey_alpha.remove(&(old, ROOT_NETUID)) {
            s.hotkey_alpha.insert((new, ROOT_NETUID), pool);
        }
        let shares: Vec<(AccountId, u128)> = s
            .alpha_shares
            .range((old, ROOT_NETUID, LOW)..=(old, ROOT_NETUID, HIGH))
            .map(|((_, _, coldkey), shares)| (*coldkey, *shares))
            .collect();
        for (coldkey, held) in shares {
            s.alpha_shares.remove(&(old, ROOT_NETUID, coldkey));
            s.alpha_shares.insert((new, ROOT_NETUID, coldkey), held);
            if s.root_stakers.remove(&(coldkey, old)).is_some() {
                s.root_stakers.insert((coldkey, new), ());
            }
        }
        for (netuid, rate) in s.root_claimable_rates(&old) {
            s.root_claimable.remove(&(old, netuid));
            s.root_claimable.insert((new, netuid), rate);
            let claimed: Vec<(AccountId, u128)> = s
                .root_claimed
                .range((netuid, old, LOW)..=(netuid, old, HIGH))
                .map(|((_, _, coldkey), c)| (*coldkey, *c))
                .collect();
            for (coldkey, c) in claimed {
                s.root_claimed.remove(&(netuid, old, coldkey));
                s.root_claimed.insert((netuid, new, coldkey), c);
            }
        }
        let seat = s
            .root_validators
            .iter()
            .find(|(_, (h, _))| *h == old)
            .map(|(uid, (_, at))| (*uid, *at));
        if let Some((uid, at)) = seat {
            s.root_validators.insert(uid, (new, at));
        }
    }
}
