//! Weights: direct setting, hash commit-reveal, and the commit mask the epoch applies.

use super::Context;
use crate::state::State;
use crate::types::{Round, TimelockedCommit, WeightCommit};
use crate::{DispatchError, Event, Phase};
use parity_scale_codec::{DecodeAll, Encode};
use plexus_primitives::{blake2_256, AccountId, NetUid, Uid, H256};
use plexus_yuma::fixed::I64F64;

/// Most unrevealed commits one hotkey may queue on one subnet.
pub const MAX_UNREVEALED_COMMITS: usize = 10;

/// The largest weights a timelocked commit may seal, in bytes of their encoding (the
/// reference's commit limit): the chain keeps at most this plus the sealing overhead.
pub const MAX_TIMELOCKED_WEIGHTS_BYTES: usize = 5_000;

/// How many consensus views ahead a timelocked commit may be revealed: a few days of views.
/// Views of later consensus epochs count as if every epoch had exactly its length in views.
pub const MAX_REVEAL_AHEAD_VIEWS: u64 = 216_000;

/// The most timelocked commits due at one round: each costs the block that opens it about
/// 0.8 ms (a pairing and a check of the ciphertext), so a full round adds about 0.4 s to one
/// block.
pub const MAX_TIMELOCKED_PER_ROUND: usize = 512;

/// The associated data sealed with timelocked weights: the committing hotkey, the subnet and
/// the round, so a commit copied by another hotkey, or replayed on another subnet or round,
/// does not open.
pub fn timelocked_weights_aad(hotkey: &AccountId, netuid: NetUid, reveal: Round) -> Vec<u8> {
    (
        b"plexus/timelocked-weights".as_slice(),
        hotkey,
        netuid,
        reveal,
    )
        .encode()
}

/// The plaintext of timelocked weights: SCALE of (uids, weights, version key), as
/// `set_weights` takes them.
pub fn timelocked_weights_plaintext(uids: &[u16], weights: &[u16], version_key: u64) -> Vec<u8> {
    (uids, weights, version_key).encode()
}

/// The hash a validator commits to: `BLAKE2b-256(SCALE(hotkey, netuid, uids, values, salt,
/// version_key))`, byte for byte the reference's, so Bittensor's own commit tools work.
pub fn commit_hash(
    hotkey: &AccountId,
    netuid: NetUid,
    uids: &[u16],
    values: &[u16],
    salt: &[u16],
    version_key: u64,
) -> H256 {
    blake2_256(&(hotkey, netuid, uids, values, salt, version_key).encode())
}

/// The largest of `weights` as a share of their sum, of 65535, as the reference's
/// `normalize_weights` computes it; a row whose share exceeds `max_weight_limit` is refused.
pub fn normalized_max(weights: &[u16]) -> u16 {
    let sum: u64 = weights.iter().map(|w| u64::from(*w)).sum();
    if sum == 0 {
        return 0;
    }
    weights
        .iter()
        .map(|w| u16::try_from(u64::from(*w) * u64::from(u16::MAX) / sum).unwrap_or(u16::MAX))
        .max()
        .unwrap_or(0)
}

impl State {
    /// The weight row of `(netuid, uid)`: (dest uid, weight) in the order it was set.
    pub fn weights(&self, netuid: NetUid, uid: Uid) -> &[(u16, u16)] {
        self.weights.get(&(netuid, uid)).map_or(&[], Vec::as_slice)
    }

    /// The bond row of `(netuid, uid)`.
    pub fn bonds(&self, netuid: NetUid, uid: Uid) -> &[(u16, u16)] {
        self.bonds.get(&(netuid, uid)).map_or(&[], Vec::as_slice)
    }

    /// The unrevealed commits of `hotkey` on `netuid`, oldest first.
    pub fn weight_commits(&self, netuid: NetUid, hotkey: &AccountId) -> &[WeightCommit] {
        self.weight_commits
            .get(&(netuid, *hotkey))
            .map_or(&[], Vec::as_slice)
    }

    /// Stake weight backing `hotkey` on `netuid`, in rao of alpha, floored: see
    /// [`State::stake_weight_fixed`].
    pub fn stake_weight(&self, netuid: NetUid, hotkey: &AccountId) -> u64 {
        self.stake_weight_fixed(netuid, hotkey).to_u64()
    }

    /// Stake weight backing `hotkey` on `netuid`: the alpha staked through it plus its root
    /// TAO stake times the chain's `tao_weight` (reference-chain §2.2), each as inherited
    /// through child and parent hotkeys (see [`State::inherited_stake`]), in I64F64. As the
    /// reference computes it, the weight is first reduced to 32 fractional bits (U96F32), so
    /// the product is exact: `alpha × 2⁶⁴ + root × (⌊tao_weight × 2³² / (2⁶⁴ − 1)⌋ × 2³²)`.
    pub fn stake_weight_fixed(&self, netuid: NetUid, hotkey: &AccountId) -> I64F64 {
        self.stake_weight_with(netuid, hotkey, self.tao_weight_bits())
    }

    /// The chain's `tao_weight` as I64F64 bits, through U96F32 as the reference computes it.
    pub(crate) fn tao_weight_bits(&self) -> i128 {
        i128::try_from(self.tao_weight().to_bits() << 32).unwrap_or(i128::MAX)
    }

    /// [`State::stake_weight_fixed`] for a `tao_weight` already read, as the epoch reads it
    /// once for every neuron.
    pub(crate) fn stake_weight_with(
        &self,
        netuid: NetUid,
        hotkey: &AccountId,
        tao_weight_bits: i128,
    ) -> I64F64 {
        if netuid == crate::ROOT_NETUID {
            return I64F64::from_u64(self.hotkey_stake(hotkey, netuid));
        }
        let (alpha, root) = self.inherited_stakes(hotkey, netuid);
        let (alpha, root) = (I64F64::from_u64(alpha), i128::from(root));
        I64F64::from_bits(
            alpha
                .to_bits()
                .saturating_add(root.saturating_mul(tao_weight_bits)),
        )
    }

    /// For each uid of `netuid`, the block of its validator's earliest commit that can still be
    /// revealed, or `u64::MAX` if none: the epoch drops weights on uids registered after it
    /// (reference-chain §2.4 step 5).
    pub fn commit_mask(&self, netuid: NetUid) -> Vec<u64> {
        let Some(subnet) = self.subnets.get(&netuid) else {
            return Vec::new();
        };
        let period = self
            .hyperparams
            .get(&netuid)
            .map_or(1, |h| h.reveal_period_epochs);
        (0..subnet.n)
            .map(|uid| {
                self.neuron(netuid, uid)
                    .map(|n| self.weight_commits(netuid, &n.hotkey))
                    .unwrap_or_default()
                    .iter()
                    .filter(|c| subnet.epoch_index <= c.epoch.saturating_add(period))
                    .map(|c| c.block)
                    .min()
                    .unwrap_or(u64::MAX)
            })
            .collect()
    }
}

impl Context<'_> {
    fn registered_uid(&self, netuid: NetUid) -> Result<Uid, DispatchError> {
        self.subnet(netuid)?;
        self.state
            .uid(netuid, &self.who)
            .ok_or(DispatchError::NotRegistered(netuid))
    }

    fn commit_reveal_on(&self, netuid: NetUid) -> bool {
        self.state
            .hyperparams
            .get(&netuid)
            .is_some_and(|h| h.commit_reveal)
    }

    /// The weights rate limit: a neuron waits `weights_rate_limit` blocks after its last
    /// weights, commit or registration.
    fn check_weights_rate_limit(&self, netuid: NetUid, uid: Uid) -> Result<(), DispatchError> {
        let limit = self
            .state
            .hyperparams
            .get(&netuid)
            .map_or(0, |h| h.weights_rate_limit);
        let last = self.state.neuron(netuid, uid).map_or(0, |n| n.last_update);
        let allowed_at = last.saturating_add(limit);
        if last != 0 && self.block < allowed_at {
            return Err(DispatchError::RateLimited { allowed_at });
        }
        Ok(())
    }

    /// A round something may be timelocked to: after the block's, at a view sure to reach the
    /// chain (a view past [`Globals::last_sure_view`](crate::Globals::last_sure_view) may be
    /// cut off by the epoch's end, and what waits for it would wait forever), and at most
    /// [`MAX_REVEAL_AHEAD_VIEWS`] ahead.
    pub(crate) fn check_reveal(&self, reveal: Round) -> Result<(), DispatchError> {
        let round = self.state.system.get().round;
        let globals = self.state.globals.get();
        let last_view = globals.last_sure_view();
        let ahead = round.views_until(reveal, globals.epoch_length);
        if reveal <= round
            || reveal.view == 0
            || reveal.view > last_view
            || ahead > MAX_REVEAL_AHEAD_VIEWS
        {
            return Err(DispatchError::RevealRoundOutOfRange {
                round,
                reveal,
                last_view,
                max: MAX_REVEAL_AHEAD_VIEWS,
            });
        }
        Ok(())
    }

    fn timelocked_on(&self, netuid: NetUid) -> bool {
        self.state
            .hyperparams
            .get(&netuid)
            .is_some_and(|h| h.commit_reveal && h.timelocked_weights)
    }

    pub(crate) fn set_weights(
        &mut self,
        netuid: NetUid,
        dests: &[u16],
        weights: &[u16],
        version_key: u64,
    ) -> Result<(), DispatchError> {
        self.subnet(netuid)?;
        if self.commit_reveal_on(netuid) {
            return Err(DispatchError::CommitRevealMismatch(true));
        }
        self.store_weights(netuid, dests, weights, version_key, true)
    }

    /// The checks of the reference's `set_weights` in its order, then the store. `direct` is
    /// false for a reveal: no rate limit and `last_update` stays the commit's.
    fn store_weights(
        &mut self,
        netuid: NetUid,
        dests: &[u16],
        weights: &[u16],
        version_key: u64,
        direct: bool,
    ) -> Result<(), DispatchError> {
        let subnet = self.subnet(netuid)?;
        let (n, owner_hotkey) = (subnet.n, subnet.owner_hotkey);
        let hp = self.hyperparameters(netuid);
        if dests.len() != weights.len() {
            return Err(DispatchError::WeightsLengthMismatch {
                uids: dests.len() as u32,
                weights: weights.len() as u32,
            });
        }
        if dests.len() > usize::from(n) {
            return Err(DispatchError::TooManyWeights {
                got: dests.len() as u32,
                n,
            });
        }
        let uid = self
            .state
            .uid(netuid, &self.who)
            .ok_or(DispatchError::NotRegistered(netuid))?;
        let is_owner = self.who == owner_hotkey;
        let threshold = self.state.params.get().stake_threshold;
        let stake = self.state.stake_weight(netuid, &self.who);
        if !is_owner && stake < threshold {
            return Err(DispatchError::NotEnoughStakeToSetWeights { stake, threshold });
        }
        if hp.weights_version_key != 0 && version_key < hp.weights_version_key {
            return Err(DispatchError::IncorrectWeightsVersion {
                expected: hp.weights_version_key,
                got: version_key,
            });
        }
        if direct {
            self.check_weights_rate_limit(netuid, uid)?;
        }
        let self_weight = dests.len() == 1 && dests[0] == uid;
        let permit = self
            .state
            .neuron(netuid, uid)
            .is_some_and(|n| n.validator_permit);
        if !self_weight && !is_owner && !permit {
            return Err(DispatchError::NoValidatorPermit);
        }
        let mut seen = vec![false; usize::from(n)];
        for dest in dests {
            let slot = seen
                .get_mut(usize::from(*dest))
                .ok_or(DispatchError::UidNotFound(*dest))?;
            if *slot {
                return Err(DispatchError::DuplicateUids(*dest));
            }
            *slot = true;
        }
        let min = hp.min_allowed_weights.min(n);
        if !self_weight && dests.len() < usize::from(min) {
            return Err(DispatchError::NotEnoughWeights {
                got: dests.len() as u32,
                min,
            });
        }
        let upscaled = plexus_yuma::max_upscale(weights);
        if !self_weight
            && hp.max_weight_limit < u16::MAX
            && normalized_max(&upscaled) > hp.max_weight_limit
        {
            return Err(DispatchError::MaxWeightExceeded(hp.max_weight_limit));
        }
        let row: Vec<(u16, u16)> = dests.iter().copied().zip(upscaled).collect();
        self.state.weights.insert((netuid, uid), row);
        if direct {
            self.state
                .neurons
                .mutate(&(netuid, uid), |n| n.last_update = self.block);
        }
        self.emit(Event::WeightsSet { netuid, uid });
        Ok(())
    }

    pub(crate) fn commit_weights(
        &mut self,
        netuid: NetUid,
        hash: H256,
    ) -> Result<(), DispatchError> {
        let uid = self.registered_uid(netuid)?;
        if !self.commit_reveal_on(netuid) {
            return Err(DispatchError::CommitRevealMismatch(false));
        }
        if self.timelocked_on(netuid) {
            return Err(DispatchError::TimelockMismatch(true));
        }
        self.check_weights_rate_limit(netuid, uid)?;
        let (epoch, period) = self.epoch_and_period(netuid);
        let mut queue = self.state.weight_commits(netuid, &self.who).to_vec();
        queue.retain(|c| epoch <= c.epoch.saturating_add(period));
        if queue.len() >= MAX_UNREVEALED_COMMITS {
            return Err(DispatchError::TooManyUnrevealedCommits);
        }
        queue.push(WeightCommit {
            hash,
            epoch,
            block: self.block,
        });
        self.state.weight_commits.insert((netuid, self.who), queue);
        self.state
            .neurons
            .mutate(&(netuid, uid), |n| n.last_update = self.block);
        self.emit(Event::WeightsCommitted {
            netuid,
            hotkey: self.who,
            hash,
        });
        Ok(())
    }

    /// Keeps weights sealed to `reveal` until the block that carries that round's seed
    /// opens them (see [`reveal_timelocked`]). Nothing is visible before: not the weights, and
    /// not the neuron's last update.
    pub(crate) fn commit_timelocked_weights(
        &mut self,
        netuid: NetUid,
        reveal: Round,
        sealed: &[u8],
    ) -> Result<(), DispatchError> {
        let uid = self.registered_uid(netuid)?;
        if self.state.globals.get().group_key.is_none() {
            return Err(DispatchError::TimelockUnavailable);
        }
        if !self.timelocked_on(netuid) {
            return Err(DispatchError::TimelockMismatch(false));
        }
        self.check_weights_rate_limit(netuid, uid)?;
        self.check_reveal(reveal)?;
        let max = MAX_TIMELOCKED_WEIGHTS_BYTES + plexus_timelock::SEALED_OVERHEAD;
        if sealed.len() > max {
            return Err(DispatchError::TimelockedCommitTooLarge {
                len: u32::try_from(sealed.len()).unwrap_or(u32::MAX),
                max: max as u32,
            });
        }
        let mut queue = self.state.timelocked_commits(netuid, &self.who).to_vec();
        if queue.len() >= MAX_UNREVEALED_COMMITS || queue.iter().any(|c| c.reveal == reveal) {
            return Err(DispatchError::TooManyUnrevealedCommits);
        }
        if self.state.timelocked_due_at(reveal).count() >= MAX_TIMELOCKED_PER_ROUND {
            return Err(DispatchError::RevealRoundFull(reveal));
        }
        queue.push(TimelockedCommit {
            reveal,
            committer: self.who,
            block: self.block,
            sealed: sealed.to_vec(),
        });
        self.state
            .timelocked_commits
            .insert((netuid, self.who), queue);
        self.state
            .timelock_due
            .insert((reveal, netuid, self.who), ());
        self.emit(Event::TimelockedWeightsCommitted {
            netuid,
            hotkey: self.who,
            reveal,
        });
        Ok(())
    }

    fn epoch_and_period(&self, netuid: NetUid) -> (u64, u64) {
        let epoch = self.state.subnet(netuid).map_or(0, |s| s.epoch_index);
        let period = self
            .state
            .hyperparams
            .get(&netuid)
            .map_or(1, |h| h.reveal_period_epochs);
        (epoch, period)
    }

    pub(crate) fn reveal_weights(
        &mut self,
        netuid: NetUid,
        uids: &[u16],
        values: &[u16],
        salt: &[u16],
        version_key: u64,
    ) -> Result<(), DispatchError> {
        self.registered_uid(netuid)?;
        if !self.commit_reveal_on(netuid) {
            return Err(DispatchError::CommitRevealMismatch(false));
        }
        let hash = commit_hash(&self.who, netuid, uids, values, salt, version_key);
        let (epoch, period) = self.epoch_and_period(netuid);
        let queue = self.state.weight_commits(netuid, &self.who);
        let position = queue
            .iter()
            .position(|c| c.hash == hash)
            .ok_or(DispatchError::NoMatchingCommit)?;
        let reveal_epoch = queue[position].epoch.saturating_add(period);
        if epoch > reveal_epoch {
            return Err(DispatchError::CommitExpired);
        }
        if epoch < reveal_epoch {
            return Err(DispatchError::RevealTooEarly {
                epoch: reveal_epoch,
            });
        }
        // Revealing a commit discards it and every older one.
        let rest = queue[position + 1..].to_vec();
        if rest.is_empty() {
            self.state.weight_commits.remove(&(netuid, self.who));
        } else {
            self.state.weight_commits.insert((netuid, self.who), rest);
        }
        self.store_weights(netuid, uids, values, version_key, false)?;
        self.emit(Event::WeightsRevealed {
            netuid,
            hotkey: self.who,
            hash,
        });
        Ok(())
    }
}

impl State {
    /// A hotkey's unopened timelocked commits on a subnet.
    pub fn timelocked_commits(&self, netuid: NetUid, hotkey: &AccountId) -> &[TimelockedCommit] {
        self.timelocked_commits
            .get(&(netuid, *hotkey))
            .map_or(&[], Vec::as_slice)
    }

    /// Forgets a hotkey's timelocked commits on a subnet it leaves: they would otherwise open
    /// for whoever holds the hotkey's place later.
    pub(crate) fn drop_timelocked_commits(&mut self, netuid: NetUid, hotkey: &AccountId) {
        if let Some(commits) = self.timelocked_commits.remove(&(netuid, *hotkey)) {
            for commit in commits {
                self.timelock_due.remove(&(commit.reveal, netuid, *hotkey));
            }
        }
    }

    /// The (netuid, hotkey) of every timelocked commit due at `round`.
    pub(crate) fn timelocked_due_at(
        &self,
        round: Round,
    ) -> impl Iterator<Item = (NetUid, AccountId)> + '_ {
        let low = AccountId([0; 32]);
        let high = AccountId([u8::MAX; 32]);
        self.timelock_due
            .range((round, NetUid::MIN, low)..=(round, NetUid::MAX, high))
            .map(|((_, netuid, hotkey), ())| (*netuid, *hotkey))
    }
}

/// Opens, with each seed a block carries (all of its consensus `epoch`), the timelocked weights
/// due at its round and applies each as `set_weights` would at the end of the block (without
/// the rate limit, which the commit passed); a commit that does not open, does not decode, or
/// that `set_weights` refuses is dropped with [`Event::TimelockedWeightsDropped`]. Commits are
/// opened in (round, netuid, hotkey) order, so every node applies them alike.
pub(crate) fn reveal_timelocked(
    state: &mut State,
    epoch: u64,
    seeds: &[crate::Seed],
    block: plexus_primitives::BlockNumber,
    events: &mut crate::Events,
) {
    for seed in seeds {
        let round = Round::new(epoch, seed.view);
        let due: Vec<(NetUid, AccountId)> = state.timelocked_due_at(round).collect();
        for (netuid, hotkey) in due {
            state.timelock_due.remove(&(round, netuid, hotkey));
            let mut queue = state.timelocked_commits(netuid, &hotkey).to_vec();
            let Some(position) = queue.iter().position(|c| c.reveal == round) else {
                continue;
            };
            let commit = queue.remove(position);
            if queue.is_empty() {
                state.timelocked_commits.remove(&(netuid, hotkey));
            } else {
                state.timelocked_commits.insert((netuid, hotkey), queue);
            }
            let mut cx = Context {
                state: &mut *state,
                who: hotkey,
                block,
                phase: Phase::Finalization,
                events: &mut *events,
            };
            let event = match cx.open_timelocked(netuid, &commit, &seed.signature.0) {
                Ok(()) => Event::TimelockedWeightsRevealed {
                    netuid,
                    hotkey,
                    reveal: round,
                },
                Err(reason) => Event::TimelockedWeightsDropped {
                    netuid,
                    hotkey,
                    reveal: round,
                    reason,
                },
            };
            cx.emit(event);
        }
    }
}

impl Context<'_> {
    /// Opens one timelocked commit and stores its weights; on failure, why, as an error kind's
    /// name. A refused reveal leaves the state as it was.
    fn open_timelocked(
        &mut self,
        netuid: NetUid,
        commit: &TimelockedCommit,
        signature: &[u8],
    ) -> Result<(), String> {
        // A subnet that stopped timelocking weights takes none: checked before the pairing.
        if !self.timelocked_on(netuid) {
            return Err(DispatchError::TimelockMismatch(false)
                .kind()
                .name()
                .to_string());
        }
        let aad = timelocked_weights_aad(&commit.committer, netuid, commit.reveal);
        let plaintext = plexus_timelock::open(signature, &aad, &commit.sealed)
            .map_err(|_| "undecryptable".to_string())?;
        let (uids, values, version_key) =
            <(Vec<u16>, Vec<u16>, u64)>::decode_all(&mut plaintext.as_slice())
                .map_err(|_| "malformed_weights".to_string())?;
        let mark = self.state.mark();
        match self.store_weights(netuid, &uids, &values, version_key, false) {
            Ok(()) => {
                // A reveal is the neuron's weights as of this block, like `set_weights`.
                if let Some(uid) = self.state.uid(netuid, &self.who) {
                    self.state
                        .neurons
                        .mutate(&(netuid, uid), |n| n.last_update = self.block);
                }
                Ok(())
            }
            Err(error) => {
                self.state.rollback(mark);
                Err(error.kind().name().to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_commit_hash_is_blake2_of_the_scale_tuple() {
        // Derived independently: BLAKE2b-256 over Alice's public key, netuid 7 (u16 LE), the
        // three vectors (compact length, u16 LE items) and version key 42 (u64 LE).
        let alice = AccountId::from_ss58("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY")
            .unwrap_or(AccountId([0; 32]));
        let hash = commit_hash(&alice, 7, &[0, 1, 2], &[100, 200, 65535], &[9, 8], 42);
        assert_eq!(
            hash.to_string(),
            "0xaac570c5c350b3b168b8840c25fdc4edd6ffef3f76711b27a4f6683af59066c6"
        );
    }

    #[test]
    fn test_normalized_max() {
        assert_eq!(normalized_max(&[]), 0);
        assert_eq!(normalized_max(&[0, 0]), 0);
        assert_eq!(normalized_max(&[1, 1]), 32767);
        assert_eq!(normalized_max(&[3, 1]), 49151);
        assert_eq!(normalized_max(&[65535]), 65535);
    }
}
