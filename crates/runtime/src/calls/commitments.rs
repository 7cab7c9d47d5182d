//! `set_commitment` (see `commitments.rs` for what a commitment is).

use super::Context;
use crate::commitments::{
    Commitment, CommitmentField, CommitmentSpace, MAX_BIG_RAW, MAX_COMMITMENT_FIELDS, MAX_RAW,
    MAX_SPACE, MIN_CHARGED_SPACE,
};
use crate::{DispatchError, Event};
use plexus_primitives::NetUid;

impl Context<'_> {
    /// The signer, a hotkey registered on `netuid`, publishes `fields` there.
    pub(crate) fn set_commitment(
        &mut self,
        netuid: NetUid,
        fields: &[CommitmentField],
    ) -> Result<(), DispatchError> {
        let subnet = self.subnet(netuid)?;
        let epoch = subnet.epoch_index;
        let uid = self
            .state
            .uid(netuid, &self.who)
            .ok_or(DispatchError::NotRegistered(netuid))?;
        if fields.len() > MAX_COMMITMENT_FIELDS {
            return Err(DispatchError::TooManyCommitmentFields {
                max: MAX_COMMITMENT_FIELDS as u32,
            });
        }
        for field in fields {
            let max = match field {
                CommitmentField::Raw(_) => MAX_RAW,
                CommitmentField::BigRaw(_) => MAX_BIG_RAW,
                _ => usize::MAX,
            };
            if field.size() > max as u64 {
                return Err(DispatchError::CommitmentFieldTooLong { max: max as u32 });
            }
        }
        let size: u64 = fields.iter().map(CommitmentField::size).sum();
        let charged = size.max(MIN_CHARGED_SPACE);
        let key = (netuid, self.who);
        let mut space = self
            .state
            .commitment_space
            .get(&key)
            .copied()
            .filter(|s| s.epoch == epoch)
            .unwrap_or(CommitmentSpace { epoch, used: 0 });
        if space.used.saturating_add(charged) > MAX_SPACE {
            return Err(DispatchError::CommitmentSpaceExceeded {
                used: space.used,
                limit: MAX_SPACE,
            });
        }
        space.used += charged;
        self.state.commitment_space.insert(key, space);
        self.state.commitments.insert(
            key,
            Commitment {
                block: self.block,
                fields: fields.to_vec(),
            },
        );
        let reset = fields.contains(&CommitmentField::ResetBonds)
            && self.hyperparameters(netuid).bonds_reset;
        if reset {
            self.reset_bonds_toward(netuid, uid);
        }
        self.emit(Event::CommitmentSet {
            netuid,
            hotkey: self.who,
            bonds_reset: reset,
        });
        Ok(())
    }

    /// Drops every bond held toward `uid` on `netuid`.
    fn reset_bonds_toward(&mut self, netuid: NetUid, uid: u16) {
        let rows: Vec<(u16, Vec<(u16, u16)>)> = self
            .state
            .bonds
            .range((netuid, 0)..=(netuid, u16::MAX))
            .filter(|(_, row)| row.iter().any(|(dest, _)| *dest == uid))
            .map(|((_, i), row)| (*i, row.clone()))
            .collect();
        for (i, mut row) in rows {
            row.retain(|(dest, _)| *dest != uid);
            if row.is_empty() {
                self.state.bonds.remove(&(netuid, i));
            } else {
                self.state.bonds.insert((netuid, i), row);
            }
        }
    }
}
