//! The consensus validator set: validators announce themselves (a key they prove they hold and
//! an address), governance schedules the committee of the consensus epochs to come, and the
//! chain fixes each epoch's committee two epochs ahead, so the validators of the epoch before
//! can hand their shares of the group key to it.
//!
//! A schedule takes effect at the first block of the next consensus epoch `e`: it becomes the
//! committee of epoch `e + 2` (and of every later epoch until the next schedule). An epoch with
//! no committee on chain keeps the one before; before the first, the genesis validators serve.
//! Entries are never changed once written, so any finalized state at or after the block that
//! wrote an epoch's entry answers "who is epoch `e`'s committee" alike.

use super::Context;
use crate::block::{ValidatorId, ValidatorProof};
use crate::state::State;
use crate::types::ValidatorRecord;
use crate::{DispatchError, Event, Phase};
use parity_scale_codec::Encode;
use plexus_primitives::{AccountId, BlockNumber};

/// The most validators in one epoch's committee; the node's consensus bounds its messages by
/// the same number.
pub const MAX_COMMITTEE: usize = 128;

/// Blocks of a consensus epoch each committee member needs: the epoch's second half must give
/// every dealer turns to lead a block carrying its log. A committee of `n` needs epochs of at
/// least `n` times this.
pub const BLOCKS_PER_VALIDATOR: u64 = 4;

/// The most validators announced at once: what the chain keeps for governance to choose from.
pub const MAX_ANNOUNCED_VALIDATORS: usize = 1_024;

/// The longest validator address (`IP:port`) the chain keeps, in bytes.
pub const MAX_VALIDATOR_ADDRESS: usize = 64;

/// The namespace a validator's key signs its announcement under, as consensus keys sign
/// everything: the signed bytes are the namespace's length (one byte), the namespace, then the
/// message (see [`validator_proof_payload`]).
pub const VALIDATOR_PROOF_NAMESPACE: &[u8] = b"plexus/validator";

/// What a validator's key signs to prove that whoever announces it holds the key:
/// `SCALE(chain id, announcing account, key, address)`, so a proof cannot be replayed by another
/// account, for another address, or on another chain.
pub fn validator_proof_message(
    chain_id: &str,
    owner: &AccountId,
    key: &ValidatorId,
    address: &str,
) -> Vec<u8> {
    (chain_id, owner, key, address).encode()
}

/// The bytes a validator's ed25519 signature covers: [`VALIDATOR_PROOF_NAMESPACE`]'s length,
/// the namespace, then `message`.
pub fn validator_proof_payload(message: &[u8]) -> Vec<u8> {
    let mut payload = Vec::with_capacity(1 + VALIDATOR_PROOF_NAMESPACE.len() + message.len());
    payload.push(VALIDATOR_PROOF_NAMESPACE.len() as u8);
    payload.extend_from_slice(VALIDATOR_PROOF_NAMESPACE);
    payload.extend_from_slice(message);
    payload
}

/// Whether `proof` shows that whoever holds validator `key` lets `owner` announce it at `address`
/// on the chain named `chain_id`.
pub fn verify_validator_proof(
    chain_id: &str,
    owner: &AccountId,
    key: &ValidatorId,
    address: &str,
    proof: &ValidatorProof,
) -> bool {
    let payload = validator_proof_payload(&validator_proof_message(chain_id, owner, key, address));
    ed25519_dalek::VerifyingKey::from_bytes(&key.0).is_ok_and(|verifying| {
        verifying
            .verify_strict(&payload, &ed25519_dalek::Signature::from_bytes(&proof.0))
            .is_ok()
    })
}

impl Context<'_> {
    /// Announces the validator `key`, reachable at `address`; announcing again moves it, for
    /// the committees fixed from then on.
    pub(crate) fn announce_validator(
        &mut self,
        key: ValidatorId,
        address: &str,
        proof: &ValidatorProof,
    ) -> Result<(), DispatchError> {
        // One form per address (the parser's own output), so that what is accepted does not
        // depend on how lenient a parser is.
        let canonical = address
            .parse::<std::net::SocketAddr>()
            .is_ok_and(|parsed| parsed.to_string() == address);
        if address.len() > MAX_VALIDATOR_ADDRESS || !canonical {
            return Err(DispatchError::BadValidatorAddress);
        }
        let existing = self.state.validators.get(&key).cloned();
        match &existing {
            Some(record) if record.owner != self.who => {
                return Err(DispatchError::ValidatorTaken);
            }
            None if self.state.validators.len() >= MAX_ANNOUNCED_VALIDATORS => {
                return Err(DispatchError::TooManyValidators {
                    max: MAX_ANNOUNCED_VALIDATORS as u32,
                });
            }
            _ => {}
        }
        let chain_id = self.state.globals.get().chain_id;
        if !verify_validator_proof(&chain_id, &self.who, &key, address, proof) {
            return Err(DispatchError::BadValidatorProof);
        }
        self.state.validators.insert(
            key,
            ValidatorRecord {
                owner: self.who,
                address: address.to_string(),
            },
        );
        self.emit(Event::ValidatorAnnounced {
            key,
            owner: self.who,
            address: address.to_string(),
        });
        Ok(())
    }

    /// Withdraws the validator `key`, announced by the signer: committees fixed from now on
    /// leave it out. If it serves on the newest committee on chain (or the one scheduled), that
    /// committee without it is scheduled, unless it was the only one.
    pub(crate) fn retire_validator(&mut self, key: ValidatorId) -> Result<(), DispatchError> {
        match self.state.validators.get(&key) {
            Some(record) if record.owner == self.who => {}
            Some(_) => return Err(DispatchError::ValidatorTaken),
            None => return Err(DispatchError::UnknownValidator),
        }
        self.state.validators.remove(&key);
        self.emit(Event::ValidatorRetired { key });
        let serving = self.state.validator_schedule.get().or_else(|| {
            let (_, committee) = self.state.committee(u64::MAX)?;
            Some(committee.into_iter().map(|(key, _)| key).collect())
        });
        if let Some(serving) = serving.filter(|keys| keys.contains(&key)) {
            let rest: Vec<ValidatorId> = serving.into_iter().filter(|k| *k != key).collect();
            if !rest.is_empty() {
                self.emit(Event::ValidatorsScheduled {
                    count: rest.len() as u32,
                });
                self.state.validator_schedule.set(Some(rest));
            }
        }
        Ok(())
    }

    /// Governance: the committee of the consensus epochs to come (see the module's docs).
    pub(crate) fn schedule_validators(
        &mut self,
        validators: &[ValidatorId],
    ) -> Result<(), DispatchError> {
        let Some(length) = self.state.globals.get().epoch_length else {
            return Err(DispatchError::NoConsensusEpochs);
        };
        let max = (length / BLOCKS_PER_VALIDATOR).min(MAX_COMMITTEE as u64) as usize;
        if validators.is_empty() || validators.len() > max {
            return Err(DispatchError::BadCommitteeSize { max: max as u32 });
        }
        let mut sorted = validators.to_vec();
        sorted.sort();
        sorted.dedup();
        if sorted.len() != validators.len() {
            return Err(DispatchError::DuplicateValidator);
        }
        if sorted
            .iter()
            .any(|key| !self.state.validators.contains(key))
        {
            return Err(DispatchError::UnknownValidator);
        }
        self.state.validator_schedule.set(Some(sorted));
        self.emit(Event::ValidatorsScheduled {
            count: validators.len() as u32,
        });
        Ok(())
    }
}

impl State {
    /// The validator announced as `key`, if any.
    pub fn validator(&self, key: &ValidatorId) -> Option<&ValidatorRecord> {
        self.validators.get(key)
    }

    /// Every announced validator, by key.
    pub fn announced_validators(&self) -> Vec<(ValidatorId, ValidatorRecord)> {
        self.validators
            .iter()
            .map(|(key, record)| (*key, record.clone()))
            .collect()
    }

    /// The committee on chain for consensus epoch `epoch`: the newest entry at or before it,
    /// with its epoch (none before the first: the genesis validators serve).
    pub fn committee(&self, epoch: u64) -> Option<(u64, Vec<(ValidatorId, String)>)> {
        self.committees
            .range(..=epoch)
            .next_back()
            .map(|(epoch, committee)| (*epoch, committee.clone()))
    }

    /// Every committee fixed for an epoch at or before `epoch`, oldest first: where to find
    /// each validator that may still hold shares (a failed resharing keeps an older committee).
    pub fn committees_through(&self, epoch: u64) -> Vec<(u64, Vec<(ValidatorId, String)>)> {
        self.committees
            .range(..=epoch)
            .map(|(epoch, committee)| (*epoch, committee.clone()))
            .collect()
    }

    /// The committee waiting to be fixed at the next consensus epoch's first block.
    pub fn scheduled_validators(&self) -> Option<Vec<ValidatorId>> {
        self.validator_schedule.get()
    }

    /// At the first block of consensus epoch `e`, fixes the committee of epoch `e + 2`: the
    /// schedule governance made (if any), else, when the chain chooses by stake, the announced
    /// validators with the most root stake if they differ from the newest committee. Each
    /// member is fixed with its address; a validator retired since it was scheduled is left
    /// out, and a committee left with nobody is dropped.
    pub(crate) fn fix_committee(&mut self, block: BlockNumber, events: &mut crate::Events) {
        let Some(length) = self.globals.get_ref().and_then(|g| g.epoch_length) else {
            return;
        };
        if block == 0 || !block.is_multiple_of(length) {
            return;
        }
        let chosen = match self.validator_schedule.get() {
            Some(schedule) => {
                self.validator_schedule.set(None);
                schedule
            }
            None => {
                let by_stake = self.params.get().validators_by_stake;
                if by_stake == 0 {
                    return;
                }
                let max = (length / BLOCKS_PER_VALIDATOR).min(MAX_COMMITTEE as u64) as usize;
                self.top_validators_by_stake(usize::from(by_stake).min(max))
            }
        };
        let committee: Vec<(ValidatorId, String)> = chosen
            .into_iter()
            .filter_map(|key| {
                let record = self.validators.get(&key)?;
                Some((key, record.address.clone()))
            })
            .collect();
        if committee.is_empty()
            || self
                .committee(u64::MAX)
                .is_some_and(|(_, newest)| newest == committee)
        {
            return;
        }
        let epoch = block / length + 2;
        events.push((
            Phase::Initialization,
            Event::CommitteeFixed {
                epoch,
                validators: committee.len() as u32,
            },
        ));
        self.committees.insert(epoch, committee);
    }

    /// The `count` announced validators whose announcing accounts have the most TAO staked on
    /// root through them, by key; ties go to the smaller key, and one without stake is none.
    fn top_validators_by_stake(&self, count: usize) -> Vec<ValidatorId> {
        let mut ranked: Vec<(plexus_primitives::Balance, ValidatorId)> = self
            .validators
            .iter()
            .map(|(key, record)| (self.hotkey_stake(&record.owner, crate::ROOT_NETUID), *key))
            .filter(|(stake, _)| *stake > 0)
            .collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut chosen: Vec<ValidatorId> =
            ranked.into_iter().take(count).map(|(_, key)| key).collect();
        chosen.sort();
        chosen
    }
}
