//! Child hotkeys: a parent hotkey lends fixed proportions of its stake weight on one subnet to
//! up to five child hotkeys, which validate with it; the parent earns the dividends that weight
//! brings, less the child's take.
//!
//! Links are per subnet and one level deep, as the reference keeps them (reference-chain §2.2,
//! §5.2): a hotkey's stake weight on a subnet is its own stake, less what it lends its children,
//! plus what its parents lend it, for alpha and for root TAO alike. A change asked for with
//! `set_children` waits in `pending_children` for a cooldown and takes effect at the subnet's
//! first epoch after it, so a validator cannot move weight in just before an epoch.

use crate::chain::Events;
use crate::math::U96F32;
use crate::state::State;
use crate::types::PendingChildren;
use crate::{DispatchError, Event, Phase, ROOT_NETUID};
use plexus_primitives::{AccountId, BlockNumber, NetUid};
use std::collections::BTreeSet;

/// Most children one parent may have on one subnet.
pub const MAX_CHILDREN: usize = 5;

const LOW: AccountId = AccountId([0; 32]);
const HIGH: AccountId = AccountId([0xff; 32]);

/// `proportion / u64::MAX` as the reference normalizes it.
fn normalized(proportion: u64) -> U96F32 {
    U96F32::ratio(proportion, u64::MAX)
}

impl State {
    /// The children of `hotkey` on `netuid`: (proportion of `u64::MAX`, child hotkey).
    pub fn children(&self, hotkey: &AccountId, netuid: NetUid) -> Vec<(u64, AccountId)> {
        self.child_keys
            .get(&(*hotkey, netuid))
            .cloned()
            .unwrap_or_default()
    }

    /// The parents of `hotkey` on `netuid`: (proportion of `u64::MAX`, parent hotkey).
    pub fn parents(&self, hotkey: &AccountId, netuid: NetUid) -> Vec<(u64, AccountId)> {
        self.parent_keys
            .get(&(*hotkey, netuid))
            .cloned()
            .unwrap_or_default()
    }

    /// The children `hotkey` asked for on `netuid` that are waiting for their cooldown.
    pub fn pending_children(&self, hotkey: &AccountId, netuid: NetUid) -> Option<PendingChildren> {
        self.pending_children.get(&(netuid, *hotkey)).cloned()
    }

    /// The share of its parents' dividends `hotkey` keeps on `netuid` (u16 proportion).
    pub fn childkey_take(&self, hotkey: &AccountId, netuid: NetUid) -> u16 {
        self.childkey_takes
            .get(&(*hotkey, netuid))
            .map_or(0, |t| t.take)
    }

    /// `hotkey`'s stake of `source` (`netuid` itself for alpha, root for TAO) as it counts on
    /// `netuid`: its own, less what it lends its children there, plus what its parents lend it
    /// of theirs, floored (reference-chain §2.2). On root, just its own.
    pub fn inherited_stake(&self, hotkey: &AccountId, netuid: NetUid, source: NetUid) -> u64 {
        if netuid == ROOT_NETUID {
            return self.hotkey_stake(hotkey, source);
        }
        self.inherit(hotkey, netuid, source)
    }

    /// [`State::inherited_stake`] of alpha and of root TAO, reading the links once: what the
    /// epoch reads for every neuron.
    pub(crate) fn inherited_stakes(&self, hotkey: &AccountId, netuid: NetUid) -> (u64, u64) {
        let no_links = !self.child_keys.contains(&(*hotkey, netuid))
            && !self.parent_keys.contains(&(*hotkey, netuid));
        if netuid == ROOT_NETUID || no_links {
            return (
                self.hotkey_stake(hotkey, netuid),
                self.hotkey_stake(hotkey, ROOT_NETUID),
            );
        }
        (
            self.inherit(hotkey, netuid, netuid),
            self.inherit(hotkey, netuid, ROOT_NETUID),
        )
    }

    fn inherit(&self, hotkey: &AccountId, netuid: NetUid, source: NetUid) -> u64 {
        let own = U96F32::from_u64(self.hotkey_stake(hotkey, source));
        let none = Vec::new();
        let children = self.child_keys.get(&(*hotkey, netuid)).unwrap_or(&none);
        let parents = self.parent_keys.get(&(*hotkey, netuid)).unwrap_or(&none);
        let to_children = children
            .iter()
            .fold(U96F32::ZERO, |sum, (p, _)| sum.add(own.mul(normalized(*p))));
        let from_parents = parents.iter().fold(U96F32::ZERO, |sum, (p, parent)| {
            let theirs = U96F32::from_u64(self.hotkey_stake(parent, source));
            sum.add(theirs.mul(normalized(*p)))
        });
        own.sub(to_children).add(from_parents).to_u64()
    }

    /// Who receives `dividend`, earned on `netuid` by `hotkey`'s stake weight: each parent in
    /// proportion to the stake it lends (its alpha plus root × `tao_weight`, times the
    /// proportion), less the child's take when the parent belongs to another coldkey; the
    /// hotkey keeps its own contribution's share and the takes. Floored per recipient as the
    /// reference's `get_parent_child_dividends_distribution`; the hotkey comes last.
    pub(crate) fn dividend_recipients(
        &self,
        hotkey: &AccountId,
        netuid: NetUid,
        dividend: u64,
        tao_weight: U96F32,
    ) -> Vec<(AccountId, u64)> {
        let parents = self.parents(hotkey, netuid);
        if parents.is_empty() {
            return vec![(*hotkey, dividend)];
        }
        let contribution = |who: &AccountId, proportion: U96F32| {
            let alpha = U96F32::from_u64(self.hotkey_stake(who, netuid)).mul(proportion);
            let root = U96F32::from_u64(self.hotkey_stake(who, ROOT_NETUID))
                .mul(proportion)
                .mul(tao_weight);
            alpha.add(root)
        };
        let kept = self
            .children(hotkey, netuid)
            .iter()
            .fold(U96F32::ONE, |rest, (p, _)| rest.sub(normalized(*p)));
        // The reference floors the hotkey's own contribution to whole rao.
        let own = U96F32::from_u64(contribution(hotkey, kept).to_u64());
        let lent: Vec<(AccountId, U96F32)> = parents
            .iter()
            .map(|(p, parent)| (*parent, contribution(parent, normalized(*p))))
            .collect();
        let total = lent.iter().fold(own, |sum, (_, c)| sum.add(*c));
        let take = U96F32::ratio(
            u64::from(self.childkey_take(hotkey, netuid)),
            u64::from(u16::MAX),
        );
        let owner = self.hotkey_owner(hotkey);
        let emission = U96F32::from_u64(dividend);
        let mut remaining = emission;
        let mut takes = U96F32::ZERO;
        let mut out = Vec::with_capacity(lent.len() + 1);
        for (parent, contribution) in lent {
            let mut share = emission.mul(contribution.div(total));
            remaining = remaining.sub(share);
            if self.hotkey_owner(&parent) != owner {
                let child_take = take.mul(share);
                share = share.sub(child_take);
                takes = takes.add(child_take);
            }
            out.push((parent, share.to_u64()));
        }
        out.push((*hotkey, remaining.add(takes).to_u64()));
        out
    }

    /// Checks `children` for `parent` on `netuid` against the links as they are: at most
    /// [`MAX_CHILDREN`], proportions summing to at most `u64::MAX`, no duplicates, not itself,
    /// and no child that is already among its ancestors there (no cycles).
    pub(crate) fn check_children(
        &self,
        parent: &AccountId,
        netuid: NetUid,
        children: &[(u64, AccountId)],
    ) -> Result<(), DispatchError> {
        if children.len() > MAX_CHILDREN {
            return Err(DispatchError::TooManyChildren {
                count: u32::try_from(children.len()).unwrap_or(u32::MAX),
                max: MAX_CHILDREN as u32,
            });
        }
        let total: u128 = children.iter().map(|(p, _)| u128::from(*p)).sum();
        if total > u128::from(u64::MAX) {
            return Err(DispatchError::ProportionsOverflow);
        }
        let mut seen = BTreeSet::new();
        for (_, child) in children {
            if child == parent {
                return Err(DispatchError::ChildIsParent);
            }
            if !seen.insert(*child) {
                return Err(DispatchError::DuplicateChild(*child));
            }
        }
        // Walk up from the parent: a child found among its ancestors would close a cycle.
        let mut frontier = vec![*parent];
        let mut ancestors = BTreeSet::new();
        while let Some(next) = frontier.pop() {
            for (_, up) in self.parents(&next, netuid) {
                if seen.contains(&up) {
                    return Err(DispatchError::ChildCycle(up));
                }
                if ancestors.insert(up) {
                    frontier.push(up);
                }
            }
        }
        Ok(())
    }

    /// Makes `children` the children of `parent` on `netuid`, updating both directions.
    pub(crate) fn link_children(
        &mut self,
        parent: AccountId,
        netuid: NetUid,
        children: &[(u64, AccountId)],
    ) {
        for (_, old) in self.children(&parent, netuid) {
            if !children.iter().any(|(_, c)| *c == old) {
                let mut parents = self.parents(&old, netuid);
                parents.retain(|(_, p)| *p != parent);
                self.set_links(false, old, netuid, parents);
            }
        }
        for (proportion, child) in children {
            let mut parents = self.parents(child, netuid);
            match parents.iter_mut().find(|(_, p)| *p == parent) {
                Some(link) => link.0 = *proportion,
                None => parents.push((*proportion, parent)),
            }
            self.set_links(false, *child, netuid, parents);
        }
        self.set_links(true, parent, netuid, children.to_vec());
    }

    fn set_links(
        &mut self,
        children: bool,
        hotkey: AccountId,
        netuid: NetUid,
        links: Vec<(u64, AccountId)>,
    ) {
        let map = if children {
            &mut self.child_keys
        } else {
            &mut self.parent_keys
        };
        if links.is_empty() {
            map.remove(&(hotkey, netuid));
        } else {
            map.insert((hotkey, netuid), links);
        }
    }

    /// After `netuid`'s epoch at `block`: the children whose cooldown ended before it take
    /// effect, if they still fit the links as they now are.
    pub(crate) fn apply_pending_children(
        &mut self,
        netuid: NetUid,
        block: BlockNumber,
        events: &mut Events,
    ) {
        let due: Vec<(AccountId, PendingChildren)> = self
            .pending_children
            .range((netuid, LOW)..=(netuid, HIGH))
            .filter(|(_, pending)| pending.cooldown_block < block)
            .map(|((_, hotkey), pending)| (*hotkey, pending.clone()))
            .collect();
        for (hotkey, pending) in due {
            self.pending_children.remove(&(netuid, hotkey));
            let event = match self.check_children(&hotkey, netuid, &pending.children) {
                Ok(()) => {
                    self.link_children(hotkey, netuid, &pending.children);
                    Event::ChildrenSet {
                        hotkey,
                        netuid,
                        children: pending.children,
                    }
                }
                Err(error) => Event::ChildrenDropped {
                    hotkey,
                    netuid,
                    error,
                },
            };
            events.push((Phase::Initialization, event));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::DelegateTake;
    use crate::ChainParams;

    const TAO: u64 = 1_000_000_000;

    /// Parent P (coldkey 1) holds 600 alpha and 1,000 TAO on root and lends half (`u64::MAX /
    /// 2`, normalized to 2_147_483_647 / 2³²) to child C (coldkey 2), which holds 100 alpha
    /// and takes 18% of what it earns for P.
    fn linked() -> (State, AccountId, AccountId) {
        let (p, c) = (AccountId([10; 32]), AccountId([20; 32]));
        let mut s = State::default();
        s.params.set(ChainParams::default());
        s.hotkey_owner.insert(p, AccountId([1; 32]));
        s.hotkey_owner.insert(c, AccountId([2; 32]));
        s.add_stake_alpha(p, p, 1, 600 * TAO).unwrap();
        s.add_stake_alpha(p, p, ROOT_NETUID, 1_000 * TAO).unwrap();
        s.add_stake_alpha(c, c, 1, 100 * TAO).unwrap();
        s.link_children(p, 1, &[(u64::MAX / 2, c)]);
        s.childkey_takes.insert(
            (c, 1),
            DelegateTake {
                take: 11_796,
                increased_at: 0,
            },
        );
        (s, p, c)
    }

    /// Reference-chain §2.2 worked in U96F32 by hand, for alpha and root TAO alike.
    #[test]
    fn test_inherited_stake_rounds_as_the_reference() {
        let (s, p, c) = linked();
        assert_eq!(s.parents(&c, 1), vec![(u64::MAX / 2, p)]);
        assert_eq!(s.inherited_stake(&c, 1, 1), 399_999_999_860);
        assert_eq!(s.inherited_stake(&c, 1, ROOT_NETUID), 499_999_999_767);
        assert_eq!(s.inherited_stake(&p, 1, 1), 300_000_000_139);
        assert_eq!(s.inherited_stake(&p, 1, ROOT_NETUID), 500_000_000_232);
        // Elsewhere, and on root itself, each holds only its own.
        assert_eq!(s.inherited_stake(&p, 2, ROOT_NETUID), 1_000 * TAO);
        assert_eq!(s.inherited_stake(&c, ROOT_NETUID, ROOT_NETUID), 0);
    }

    /// Reference-chain §5.2 worked by hand: C earns 1 alpha of dividends; P's contribution is
    /// (600 + 1,000 × tao_weight) × ½, C's own 100; P receives its share less C's 18% take.
    #[test]
    fn test_dividends_reach_parents_less_the_childkey_take() {
        let (s, p, c) = linked();
        let split = s.dividend_recipients(&c, 1, TAO, s.tao_weight());
        assert_eq!(split, vec![(p, 627_668_065), (c, 372_331_934)]);
        // A parent of the same coldkey pays no take.
        let (mut s, p, c) = linked();
        s.hotkey_owner.insert(p, AccountId([2; 32]));
        let split = s.dividend_recipients(&c, 1, TAO, s.tao_weight());
        assert_eq!(split[0].0, p);
        assert!(split[0].1 > 627_668_065);
        // Without parents the hotkey keeps it all.
        assert_eq!(
            s.dividend_recipients(&p, 1, TAO, s.tao_weight()),
            vec![(p, TAO)]
        );
    }

    #[test]
    fn test_relinking_updates_both_directions() {
        let (mut s, p, c) = linked();
        let d = AccountId([30; 32]);
        s.link_children(p, 1, &[(7, d)]);
        assert_eq!(s.children(&p, 1), vec![(7, d)]);
        assert!(s.parents(&c, 1).is_empty());
        assert_eq!(s.parents(&d, 1), vec![(7, p)]);
        s.link_children(p, 1, &[]);
        assert!(s.children(&p, 1).is_empty() && s.parents(&d, 1).is_empty());
    }
}
