//! Delegate take: the share of its nominators' dividends a hotkey's owner keeps, and the calls
//! that raise and lower it.

use super::Context;
use crate::state::State;
use crate::types::DelegateTake;
use crate::{DispatchError, Event};
use plexus_primitives::AccountId;

impl State {
    /// The share of dividends `hotkey`'s owner keeps before its nominators (u16 proportion).
    pub fn delegate_take(&self, hotkey: &AccountId) -> u16 {
        self.delegate_takes
            .get(hotkey)
            .map_or_else(|| self.params.get().max_delegate_take, |t| t.take)
    }
}

impl Context<'_> {
    /// Raises (`increase`) or lowers a hotkey's delegate take.
    pub(crate) fn set_take(
        &mut self,
        hotkey: AccountId,
        take: u16,
        increase: bool,
    ) -> Result<(), DispatchError> {
        if self.state.hotkey_owner(&hotkey) != Some(self.who) {
            return Err(DispatchError::NotHotkeyOwner);
        }
        let params = self.state.params.get();
        let current = self.state.delegate_take(&hotkey);
        let last = self
            .state
            .delegate_takes
            .get(&hotkey)
            .copied()
            .unwrap_or_default();
        let invalid = |allowed: String| DispatchError::InvalidTake { take, allowed };
        if increase {
            if take <= current || take > params.max_delegate_take {
                return Err(invalid(format!(
                    "above {current} and at most {}",
                    params.max_delegate_take
                )));
            }
            let allowed_at = last
                .increased_at
                .saturating_add(params.delegate_take_rate_limit);
            if last.increased_at != 0 && self.block < allowed_at {
                return Err(DispatchError::RateLimited { allowed_at });
            }
        } else if take >= current || take < params.min_delegate_take {
            return Err(invalid(format!(
                "below {current} and at least {}",
                params.min_delegate_take
            )));
        }
        let increased_at = if increase {
            self.block
        } else {
            last.increased_at
        };
        self.state
            .delegate_takes
            .insert(hotkey, DelegateTake { take, increased_at });
        self.emit(Event::DelegateTakeSet { hotkey, take });
        Ok(())
    }
}
