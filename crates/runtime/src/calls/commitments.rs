//! `set_commitment` (see `commitments.rs` for what a commitment is).

use super::weights::MAX_TIMELOCKED_PER_ROUND;
use super::Context;
use crate::commitments::timelocked_commitment_aad;
use crate::commitments::{
    Commitment, CommitmentField, CommitmentSpace, MAX_BIG_RAW, MAX_COMMITMENT_FIELDS, MAX_RAW,
    MAX_SPACE, MIN_CHARGED_SPACE,
};
use crate::state::State;
use crate::{DispatchError, Event, Phase, Round};
use plexus_primitives::{AccountId, NetUid};

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
        let mut due = Vec::new();
        for field in fields {
            let max = match field {
                CommitmentField::Raw(_) => MAX_RAW,
                CommitmentField::BigRaw(_) => MAX_BIG_RAW,
                CommitmentField::Timelocked { reveal, .. } => {
                    if self.state.globals.get().group_key.is_none() {
                        return Err(DispatchError::TimelockUnavailable);
                    }
                    self.check_reveal(*reveal)?;
                    due.push(*reveal);
                    MAX_BIG_RAW + plexus_timelock::SEALED_OVERHEAD
                }
                // Only the chain writes what it opened.
                CommitmentField::Revealed { .. } => {
                    return Err(DispatchError::CommitmentFieldTooLong { max: 0 })
                }
                _ => usize::MAX,
            };
            if field.size() > max as u64 {
                return Err(DispatchError::CommitmentFieldTooLong { max: max as u32 });
            }
        }
        for reveal in &due {
            if self.state.commitments_due_at(*reveal).count() >= MAX_TIMELOCKED_PER_ROUND {
                return Err(DispatchError::RevealRoundFull(*reveal));
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
        // A new commitment replaces the last, and with it whatever of it was still sealed.
        self.state.drop_timelocked_commitment(netuid, &self.who);
        for reveal in due {
            self.state
                .commitment_due
                .insert((reveal, netuid, self.who), ());
        }
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

impl State {
    /// The (netuid, hotkey) of every commitment with a field due at `round`.
    pub(crate) fn commitments_due_at(
        &self,
        round: Round,
    ) -> impl Iterator<Item = (NetUid, AccountId)> + '_ {
        let (low, high) = (AccountId([0; 32]), AccountId([u8::MAX; 32]));
        self.commitment_due
            .range((round, NetUid::MIN, low)..=(round, NetUid::MAX, high))
            .map(|((_, netuid, hotkey), ())| (*netuid, *hotkey))
    }

    /// Forgets the sealed fields of a hotkey's commitment (replaced, or the hotkey gone).
    pub(crate) fn drop_timelocked_commitment(&mut self, netuid: NetUid, hotkey: &AccountId) {
        let Some(commitment) = self.commitments.get(&(netuid, *hotkey)) else {
            return;
        };
        let rounds: Vec<Round> = commitment
            .fields
            .iter()
            .filter_map(|f| match f {
                CommitmentField::Timelocked { reveal, .. } => Some(*reveal),
                _ => None,
            })
            .collect();
        for round in rounds {
            self.commitment_due.remove(&(round, netuid, *hotkey));
        }
    }
}

/// Opens, with each seed a block carries (all of its consensus `epoch`), the commitment fields
/// sealed to its round, in (netuid, hotkey) order: each becomes [`CommitmentField::Revealed`]
/// with what it held, or, if it does not open, is dropped from the commitment with
/// [`Event::TimelockedCommitmentDropped`].
pub(crate) fn reveal_timelocked_commitments(
    state: &mut State,
    epoch: u64,
    seeds: &[crate::Seed],
    events: &mut crate::Events,
) {
    for seed in seeds {
        let round = Round::new(epoch, seed.view);
        let due: Vec<(NetUid, AccountId)> = state.commitments_due_at(round).collect();
        for (netuid, hotkey) in due {
            state.commitment_due.remove(&(round, netuid, hotkey));
            let Some(mut commitment) = state.commitments.get(&(netuid, hotkey)).cloned() else {
                continue;
            };
            let aad = timelocked_commitment_aad(&hotkey, netuid, round);
            let mut opened = None;
            commitment.fields.retain_mut(|field| match field {
                CommitmentField::Timelocked { reveal, sealed } if *reveal == round => {
                    match plexus_timelock::open(&seed.signature.0, &aad, sealed) {
                        Ok(data) if data.len() <= MAX_BIG_RAW => {
                            *field = CommitmentField::Revealed {
                                reveal: round,
                                data,
                            };
                            opened = Some(true);
                            true
                        }
                        _ => {
                            opened = Some(false);
                            false
                        }
                    }
                }
                _ => true,
            });
            let Some(opened) = opened else {
                continue;
            };
            state.commitments.insert((netuid, hotkey), commitment);
            let event = if opened {
                Event::TimelockedCommitmentRevealed {
                    netuid,
                    hotkey,
                    reveal: round,
                }
            } else {
                Event::TimelockedCommitmentDropped {
                    netuid,
                    hotkey,
                    reveal: round,
                }
            };
            events.push((Phase::Finalization, event));
        }
    }
}
