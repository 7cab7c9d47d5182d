//! Subnet epochs: each subnet whose tempo has elapsed runs Yuma Consensus once and is paid the
//! alpha that accumulated in its pending pots since its last epoch.
//!
//! An epoch has three steps. `gather_epoch` reads Yuma's inputs from the state (stake,
//! registrations, weights, bonds, permits, hyperparameters); `plexus_yuma::epoch` computes
//! consensus, incentive, dividends, permits and bonds from them alone; `apply_epoch` stores those
//! results on the neurons and `pay_out` drains the pots. The owner's cut is staked to the owner
//! hotkey, miners' incentive to their hotkeys, and validators' dividends to theirs after the
//! delegate take (so every nominator gains pro rata); whatever cannot be paid is burned. Each
//! epoch is recorded for the explorer's history.

use crate::chain::Events;
use crate::math::U96F32;
use crate::state::State;
use crate::types::{EpochRecord, Neuron, NeuronEpoch, PendingEmission};
use crate::{Event, Phase};
use plexus_primitives::{AccountId, Balance, BlockNumber, NetUid, Uid};
use std::collections::BTreeMap;

/// How many epochs of each subnet's history the state keeps.
pub const EPOCH_HISTORY: u64 = 1024;

/// One subnet's epoch as read from the state: Yuma's inputs, and who is paid from its outputs.
struct EpochInputs {
    inputs: plexus_yuma::Inputs,
    /// The neurons by uid, as they were before the epoch.
    neurons: Vec<Neuron>,
    owner_hotkey: AccountId,
    owner_coldkey: AccountId,
}

impl State {
    /// Runs the epoch of every subnet whose tempo has elapsed, at most `max_epochs_per_block`
    /// per block in netuid order; the others stay due for the next block.
    pub(crate) fn run_due_epochs(&mut self, block: BlockNumber, events: &mut Events) {
        let budget = usize::from(self.params.get().max_epochs_per_block);
        let due: Vec<(NetUid, BlockNumber)> = self
            .subnets
            .iter()
            .filter(|(netuid, s)| {
                let tempo = self.hyperparams.get(netuid).map_or(0, |h| h.tempo);
                tempo > 0 && block.saturating_sub(s.last_epoch_block) >= u64::from(tempo)
            })
            .map(|(netuid, s)| (*netuid, s.last_epoch_block))
            .take(budget)
            .collect();
        for (netuid, previous) in due {
            let epoch = self.subnets.mutate(&netuid, |s| {
                s.last_epoch_block = block;
                s.epoch_index += 1;
                s.epoch_index
            });
            let paid = self.run_epoch(netuid, block, previous);
            self.apply_pending_children(netuid, block, events);
            if let Some(epoch) = epoch {
                self.record_epoch(netuid, epoch, block, paid);
                events.push((
                    Phase::Initialization,
                    Event::EpochRun {
                        netuid,
                        epoch,
                        emission: paid,
                    },
                ));
            }
        }
    }

    /// Runs Yuma Consensus on `netuid`, stores its results and pays out the pending alpha.
    /// Returns the alpha paid out.
    fn run_epoch(&mut self, netuid: NetUid, block: BlockNumber, previous: BlockNumber) -> Balance {
        let Some(epoch) = self.gather_epoch(netuid, block, previous) else {
            // The pending alpha waits for an epoch the state can support.
            return 0;
        };
        let outputs = plexus_yuma::epoch(&epoch.inputs);
        let pending = self.pending_emission.remove(&netuid).unwrap_or_default();
        self.apply_epoch(netuid, epoch.inputs.n, &outputs);
        self.pay_out(netuid, &epoch, pending, &outputs)
    }

    /// Reads Yuma's inputs for `netuid`'s epoch at `block` (the last one ran at `previous`).
    /// `None` for a subnet without hyperparameters or with a uid below `n` that has no neuron:
    /// the state is then inconsistent and no epoch can be computed from it.
    fn gather_epoch(
        &self,
        netuid: NetUid,
        block: BlockNumber,
        previous: BlockNumber,
    ) -> Option<EpochInputs> {
        let subnet = self.subnets.get(&netuid)?;
        let hp = self.hyperparams.get(&netuid)?;
        let uids = 0..subnet.n;
        let neurons: Vec<Neuron> = uids
            .clone()
            .filter_map(|uid| self.neuron(netuid, uid).cloned())
            .collect();
        if neurons.len() != usize::from(subnet.n) {
            return None;
        }
        let pending = self.pending_emission(netuid);
        let tao_weight = self.tao_weight_bits();
        let inputs = plexus_yuma::Inputs {
            n: subnet.n,
            block,
            hyperparameters: hp.for_epoch(self.params.get().stake_threshold),
            stake: neurons
                .iter()
                .map(|n| self.stake_weight_with(netuid, &n.hotkey, tao_weight))
                .collect(),
            block_at_registration: neurons.iter().map(|n| n.registered_at).collect(),
            last_update: neurons.iter().map(|n| n.last_update).collect(),
            validator_permit: neurons.iter().map(|n| n.validator_permit).collect(),
            weights: uids
                .clone()
                .map(|uid| self.weights(netuid, uid).to_vec())
                .collect(),
            bonds: uids.map(|uid| self.bonds(netuid, uid).to_vec()).collect(),
            owner_uid: self.uid(netuid, &subnet.owner_hotkey),
            last_mechanism_step_block: previous,
            rao_emission: pending
                .server
                .saturating_add(pending.validator)
                .saturating_add(pending.root),
            commit_blocks: hp.commit_reveal.then(|| self.commit_mask(netuid)),
        };
        Some(EpochInputs {
            inputs,
            neurons,
            owner_hotkey: subnet.owner_hotkey,
            owner_coldkey: subnet.owner_coldkey,
        })
    }

    /// Stores Yuma's results on the subnet's `n` neurons: permits, emission, the epoch's
    /// figures and the new bonds.
    fn apply_epoch(&mut self, netuid: NetUid, n: Uid, out: &plexus_yuma::Outputs) {
        for (uid, bonds) in (0..n).zip(out.bonds.iter()) {
            let i = usize::from(uid);
            self.neurons.mutate(&(netuid, uid), |n| {
                n.validator_permit = out.validator_permit[i];
                n.emission = out.emission[i];
                n.epoch = NeuronEpoch {
                    stake_weight: out.stake_weight[i],
                    active: out.active[i],
                    consensus: out.consensus[i],
                    incentive: out.incentive[i],
                    dividends: out.dividends[i],
                    validator_trust: out.validator_trust[i],
                };
            });
            if bonds.is_empty() {
                self.bonds.remove(&(netuid, uid));
            } else {
                self.bonds.insert((netuid, uid), bonds.clone());
            }
        }
    }

    /// Pays the epoch's alpha: owner cut, miners' incentive, validators' dividends. Whatever
    /// cannot be paid (owner-hotkey incentive, rounding) is burned. Returns the alpha paid.
    fn pay_out(
        &mut self,
        netuid: NetUid,
        epoch: &EpochInputs,
        pending: PendingEmission,
        out: &plexus_yuma::Outputs,
    ) -> Balance {
        let mut paid: Balance = 0;
        if pending.owner > 0
            && self
                .add_stake_alpha(
                    epoch.owner_hotkey,
                    epoch.owner_coldkey,
                    netuid,
                    pending.owner,
                )
                .is_ok()
        {
            paid += pending.owner;
        }
        // The owner's own hotkeys cannot mine: their incentive is burned.
        let immortal = self.immortal_hotkeys(netuid);
        let mut incentive_total: Balance = 0;
        for (neuron, amount) in epoch.neurons.iter().zip(&out.server_emission) {
            incentive_total = incentive_total.saturating_add(*amount);
            if *amount == 0 || immortal.contains(&neuron.hotkey) {
                continue;
            }
            let coldkey = self.hotkey_owner(&neuron.hotkey).unwrap_or(neuron.hotkey);
            if self
                .add_stake_alpha(neuron.hotkey, coldkey, netuid, *amount)
                .is_ok()
            {
                paid += amount;
            }
        }
        // With no incentive at all, the miners' half goes to the validators too.
        let validator_pool = if incentive_total == 0 {
            pending.validator.saturating_add(pending.server)
        } else {
            pending.validator
        };
        // Each validator's dividend is shared with the parents that lend it stake weight.
        let tao_weight = self.tao_weight();
        let mut by_hotkey: BTreeMap<AccountId, U96F32> = BTreeMap::new();
        for (neuron, dividend) in epoch.neurons.iter().zip(&out.validator_emission) {
            if *dividend == 0 {
                continue;
            }
            for (hotkey, amount) in
                self.dividend_recipients(&neuron.hotkey, netuid, *dividend, tao_weight)
            {
                let sum = by_hotkey.entry(hotkey).or_insert(U96F32::ZERO);
                *sum = sum.add(U96F32::from_u64(amount));
            }
        }
        let dividends: Vec<(AccountId, U96F32)> = by_hotkey.into_iter().collect();
        let split = self.split_dividends(netuid, &dividends, validator_pool, pending.root);
        for (hotkey, alpha, root) in split {
            let take = U96F32::ratio(u64::from(self.delegate_take(&hotkey)), u64::from(u16::MAX));
            let coldkey = self.hotkey_owner(&hotkey).unwrap_or(hotkey);
            // Nominators share the dividend after the take; the take then joins the owner's
            // stake at the new value, so it does not also earn a share of itself.
            let alpha_take = take.mul(alpha);
            let (alpha_take, alpha_rest) = (alpha_take.to_u64(), alpha.sub(alpha_take).to_u64());
            if self
                .reward_hotkey(hotkey, netuid, alpha_rest)
                .and_then(|()| self.add_stake_alpha(hotkey, coldkey, netuid, alpha_take))
                .is_ok()
            {
                paid += alpha_take + alpha_rest;
            }
            // Root stakers' part: the same take, the rest accrued for them to claim.
            let root_take = take.mul(root);
            let (root_take, root_rest) = (root_take.to_u64(), root.sub(root_take).to_u64());
            if self
                .add_stake_alpha(hotkey, coldkey, netuid, root_take)
                .and_then(|()| self.accrue_root_dividend(hotkey, netuid, root_rest))
                .is_ok()
            {
                paid += root_take + root_rest;
            }
        }
        self.burn_alpha(netuid, pending.total().saturating_sub(paid));
        paid
    }

    /// Splits each hotkey's epoch dividend into an alpha part and a root part by its own two
    /// stakes (root stake × `tao_weight` against alpha stake), then pays out the pots in those
    /// proportions: `alpha_pot × alpha_h / Σ alpha` and `root_pot × root_h / Σ root`
    /// (reference-chain §4.6 step 5; the epoch's amounts only weigh). Returns (hotkey, alpha
    /// part, root part) in the dividends' order.
    fn split_dividends(
        &self,
        netuid: NetUid,
        dividends: &[(AccountId, U96F32)],
        alpha_pot: Balance,
        root_pot: Balance,
    ) -> Vec<(AccountId, U96F32, U96F32)> {
        let tao_weight = self.tao_weight();
        let parts: Vec<(AccountId, U96F32, U96F32)> = dividends
            .iter()
            .map(|(hotkey, dividend)| {
                let alpha_stake = U96F32::from_u64(self.hotkey_stake(hotkey, netuid));
                let root_stake = U96F32::from_u64(self.hotkey_stake(hotkey, crate::ROOT_NETUID));
                let root_alpha = root_stake.mul(tao_weight);
                let root_share = root_alpha.div(alpha_stake.add(root_alpha));
                let root = dividend.mul(root_share);
                (*hotkey, dividend.sub(root), root)
            })
            .collect();
        let alpha_total = parts.iter().fold(U96F32::ZERO, |sum, p| sum.add(p.1));
        let root_total = parts.iter().fold(U96F32::ZERO, |sum, p| sum.add(p.2));
        let (alpha_pot, root_pot) = (U96F32::from_u64(alpha_pot), U96F32::from_u64(root_pot));
        parts
            .into_iter()
            .map(|(hotkey, alpha, root)| {
                (
                    hotkey,
                    alpha_pot.mul(alpha.div(alpha_total)),
                    root_pot.mul(root.div(root_total)),
                )
            })
            .collect()
    }

    /// Keeps the last [`EPOCH_HISTORY`] epochs of each subnet for charts and audits.
    fn record_epoch(&mut self, netuid: NetUid, epoch: u64, block: BlockNumber, paid: Balance) {
        let pool = self.pool(netuid);
        let record = EpochRecord {
            block,
            emission: paid,
            tao_reserve: pool.map_or(0, |p| p.tao),
            alpha_reserve: pool.map_or(0, |p| p.alpha),
            price: pool.map_or(0, |p| p.spot_price()),
            moving_price: self.subnets.get(&netuid).map_or(0, |s| s.moving_price),
        };
        self.epoch_history.insert((netuid, epoch), record);
        if let Some(old) = epoch.checked_sub(EPOCH_HISTORY) {
            self.epoch_history.remove(&(netuid, old));
        }
    }

    /// The recorded epochs of `netuid`, oldest first, as (epoch index, record).
    pub fn epoch_history(&self, netuid: NetUid) -> Vec<(u64, EpochRecord)> {
        self.epoch_history
            .range((netuid, 0)..=(netuid, u64::MAX))
            .map(|((_, epoch), r)| (*epoch, *r))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ChainParams;

    /// Reference-chain §4.6 step 5 worked in U96F32 by hand: hotkey A holds 1,000 alpha and
    /// no root stake, B 500 alpha and 10,000 TAO on root; the epoch gave them 0.6 and 0.4
    /// alpha; the pots are 0.41 alpha for alpha stakers and 0.09 for root.
    #[test]
    fn test_dividends_split_between_alpha_and_root_as_the_reference() {
        const TAO: u64 = 1_000_000_000;
        let (a, b) = (AccountId([1; 32]), AccountId([2; 32]));
        let mut s = State::default();
        s.params.set(ChainParams::default());
        s.add_stake_alpha(a, a, 1, 1_000 * TAO).unwrap();
        s.add_stake_alpha(b, b, 1, 500 * TAO).unwrap();
        s.add_stake_alpha(b, b, crate::ROOT_NETUID, 10_000 * TAO)
            .unwrap();
        let dividends = [
            (a, U96F32::from_u64(600_000_000)),
            (b, U96F32::from_u64(400_000_000)),
        ];
        let split = s.split_dividends(1, &dividends, 410_000_000, 90_000_000);
        let bits: Vec<(AccountId, u128, u128)> = split
            .iter()
            .map(|(h, alpha, root)| (*h, alpha.to_bits(), root.to_bits()))
            .collect();
        assert_eq!(
            bits,
            vec![
                (a, 1_329_367_194_510_000_000, 0),
                (b, 431_569_396_440_000_000, 386_547_056_640_000_000),
            ]
        );
        // All of the root pot goes to the one hotkey with root stake, to the rao.
        assert_eq!(split[1].2.to_u64(), 90_000_000);
    }
}
