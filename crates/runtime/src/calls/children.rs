//! The calls that link child hotkeys and set their takes (see `children.rs` for what the
//! links do).

use super::Context;
use crate::types::{DelegateTake, PendingChildren};
use crate::{DispatchError, Event, ROOT_NETUID};
use plexus_primitives::{AccountId, NetUid};

impl Context<'_> {
    /// Asks for `children` (empty: none) as the children of `hotkey` on `netuid`. On a subnet
    /// that has started they take effect at its first epoch after the cooldown; before that, at
    /// once. Asking again replaces what is pending and restarts the cooldown.
    pub(crate) fn set_children(
        &mut self,
        hotkey: AccountId,
        netuid: NetUid,
        children: &[(u64, AccountId)],
    ) -> Result<(), DispatchError> {
        if netuid == ROOT_NETUID {
            return Err(DispatchError::NotOnRoot);
        }
        let subnet = self.subnet(netuid)?;
        let (owner_hotkey, started) = (subnet.owner_hotkey, subnet.first_emission_block.is_some());
        if self.state.hotkey_owner(&hotkey) != Some(self.who) {
            return Err(DispatchError::NotHotkeyOwner);
        }
        // What is wrong with the request itself is reported before when it may be sent.
        self.state.check_children(&hotkey, netuid, children)?;
        let params = self.state.params.get();
        if let Some(last) = self.state.children_set_at.get(&(hotkey, netuid)) {
            let allowed_at = last.saturating_add(params.children_rate_limit);
            if self.block < allowed_at {
                return Err(DispatchError::RateLimited { allowed_at });
            }
        }
        if !children.is_empty() && hotkey != owner_hotkey {
            let stake = self.state.stake_weight(netuid, &hotkey);
            if stake < params.stake_threshold {
                return Err(DispatchError::NotEnoughStakeForChildren {
                    stake,
                    required: params.stake_threshold,
                });
            }
        }
        if let Some(pending) = self.state.pending_children(&hotkey, netuid) {
            if pending.children == children {
                return Err(DispatchError::ChildrenAlreadyPending {
                    effective_after: pending.cooldown_block,
                });
            }
        }
        self.state
            .children_set_at
            .insert((hotkey, netuid), self.block);
        if !started {
            self.state.link_children(hotkey, netuid, children);
            self.state.pending_children.remove(&(netuid, hotkey));
            self.emit(Event::ChildrenSet {
                hotkey,
                netuid,
                children: children.to_vec(),
            });
            return Ok(());
        }
        let cooldown_block = self.block.saturating_add(params.pending_childkey_cooldown);
        self.state.pending_children.insert(
            (netuid, hotkey),
            PendingChildren {
                children: children.to_vec(),
                cooldown_block,
            },
        );
        self.emit(Event::ChildrenScheduled {
            hotkey,
            netuid,
            children: children.to_vec(),
            cooldown_block,
        });
        Ok(())
    }

    /// Sets the share of its parents' dividends `hotkey` keeps on `netuid`: at most the
    /// chain's maximum; raising it is rate-limited.
    pub(crate) fn set_childkey_take(
        &mut self,
        hotkey: AccountId,
        netuid: NetUid,
        take: u16,
    ) -> Result<(), DispatchError> {
        if netuid == ROOT_NETUID {
            return Err(DispatchError::NotOnRoot);
        }
        self.subnet(netuid)?;
        if self.state.hotkey_owner(&hotkey) != Some(self.who) {
            return Err(DispatchError::NotHotkeyOwner);
        }
        let params = self.state.params.get();
        if take > params.max_childkey_take {
            return Err(DispatchError::InvalidTake {
                take,
                allowed: format!("at most {}", params.max_childkey_take),
            });
        }
        let last = self.state.childkey_takes.get(&(hotkey, netuid)).copied();
        if let Some(last) = last {
            let allowed_at = last
                .increased_at
                .saturating_add(params.childkey_take_rate_limit);
            if take > last.take && self.block < allowed_at {
                return Err(DispatchError::RateLimited { allowed_at });
            }
        }
        self.state.childkey_takes.insert(
            (hotkey, netuid),
            DelegateTake {
                take,
                increased_at: self.block,
            },
        );
        self.emit(Event::ChildkeyTakeSet {
            hotkey,
            netuid,
            take,
        });
        Ok(())
    }
}
