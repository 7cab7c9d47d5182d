//! The per-block step that runs before the transactions: registration prices decay, started
//! subnets accumulate their alpha emission, and the epochs that are due run Yuma Consensus and
//! pay out.
//!
//! Each block a started subnet mints its alpha emission (its own halving schedule, see
//! [`block_emission`]) into pending pots: the owner's cut (18%), then half of the rest for
//! miners and half for validators. At the subnet's epoch the pots are drained: the `yuma` crate
//! computes incentive and dividends from the subnet's stake and weights, miners' incentive is
//! staked to their hotkeys, validators' dividends are staked to theirs after the delegate take
//! (so every nominator gains pro rata), and the owner's cut is staked to the owner hotkey.

use crate::chain::Events;
use crate::math::mul_div;
use crate::state::State;
use crate::types::{AlphaSupply, NeuronEpoch, PendingEmission};
use crate::{block_emission, Event, Phase};
use plexus_primitives::{AccountId, Balance, BlockNumber, NetUid};
use plexus_yuma::fixed::I64F64;

impl State {
    /// Runs the per-block step.
    pub(crate) fn on_initialize(&mut self, block: BlockNumber, events: &mut Events) {
        self.decay_registration_prices(block);
        self.emit_alpha(block);
        self.run_due_epochs(block, events);
    }

    /// Alpha minted, burned and pending for `netuid`.
    pub fn alpha_supply(&self, netuid: NetUid) -> AlphaSupply {
        self.alpha_supply.get(&netuid).copied().unwrap_or_default()
    }

    /// Alpha waiting for `netuid`'s next epoch.
    pub fn pending_emission(&self, netuid: NetUid) -> PendingEmission {
        self.pending_emission
            .get(&netuid)
            .copied()
            .unwrap_or_default()
    }

    /// The share of dividends `hotkey`'s owner keeps before its nominators (u16 proportion).
    pub fn delegate_take(&self, hotkey: &AccountId) -> u16 {
        self.delegate_takes
            .get(hotkey)
            .map_or_else(|| self.params.get().max_delegate_take, |t| t.take)
    }

    /// Mints this block's alpha for every subnet whose owner has started it.
    fn emit_alpha(&mut self, block: BlockNumber) {
        let owner_cut = u128::from(self.params.get().subnet_owner_cut);
        let started: Vec<NetUid> = self
            .subnets
            .iter()
            .filter(|(_, s)| s.first_emission_block.is_some_and(|first| block >= first))
            .map(|(netuid, _)| *netuid)
            .collect();
        for netuid in started {
            let mut supply = self.alpha_supply(netuid);
            let amount = block_emission(supply.issued.saturating_sub(supply.burned));
            if amount == 0 {
                continue;
            }
            let owner = u64::try_from(u128::from(amount) * owner_cut / 65_535).unwrap_or(0);
            let rest = amount - owner;
            let server = rest / 2;
            let mut pending = self.pending_emission(netuid);
            pending.owner = pending.owner.saturating_add(owner);
            pending.server = pending.server.saturating_add(server);
            pending.validator = pending.validator.saturating_add(rest - server);
            self.pending_emission.insert(netuid, pending);
            supply.issued = supply.issued.saturating_add(amount);
            self.alpha_supply.insert(netuid, supply);
        }
    }

    /// Runs the epoch of every subnet whose tempo has elapsed, at most `max_epochs_per_block`
    /// per block in netuid order; the others stay due for the next block.
    fn run_due_epochs(&mut self, block: BlockNumber, events: &mut Events) {
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
            if let Some(epoch) = epoch {
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
        let pending = self.pending_emission.remove(&netuid).unwrap_or_default();
        let (Some(subnet), Some(hp)) = (
            self.subnets.get(&netuid).cloned(),
            self.hyperparams.get(&netuid).cloned(),
        ) else {
            return 0;
        };
        let uids = 0..subnet.n;
        let neurons: Vec<_> = uids
            .clone()
            .filter_map(|uid| self.neuron(netuid, uid).cloned())
            .collect();
        if neurons.len() != usize::from(subnet.n) {
            // Every uid below n has a neuron; if not, keep the emission for a sound epoch.
            self.pending_emission.insert(netuid, pending);
            return 0;
        }
        let inputs = plexus_yuma::Inputs {
            n: subnet.n,
            block,
            hyperparameters: plexus_yuma::Hyperparameters {
                tempo: hp.tempo,
                kappa: hp.kappa,
                bonds_moving_average: hp.bonds_moving_average,
                bonds_penalty: hp.bonds_penalty,
                max_allowed_validators: hp.max_allowed_validators,
                yuma3: hp.yuma3,
                liquid_alpha: hp.liquid_alpha,
                alpha_low: hp.alpha_low,
                alpha_high: hp.alpha_high,
                alpha_sigmoid_steepness: hp.alpha_sigmoid_steepness,
                activity_cutoff_factor_milli: u64::from(hp.activity_cutoff_factor_milli),
                stake_threshold: self.params.get().stake_threshold,
            },
            stake: neurons
                .iter()
                .map(|n| I64F64::from_u64(self.hotkey_stake(&n.hotkey, netuid)))
                .collect(),
            block_at_registration: neurons.iter().map(|n| n.registered_at).collect(),
            last_update: neurons.iter().map(|n| n.last_update).collect(),
            validator_permit: neurons.iter().map(|n| n.validator_permit).collect(),
            weights: uids
                .clone()
                .map(|uid| self.weights(netuid, uid).to_vec())
                .collect(),
            bonds: uids
                .clone()
                .map(|uid| self.bonds(netuid, uid).to_vec())
                .collect(),
            owner_uid: self.uid(netuid, &subnet.owner_hotkey),
            last_mechanism_step_block: previous,
            rao_emission: pending.server.saturating_add(pending.validator),
            commit_blocks: hp.commit_reveal.then(|| self.commit_mask(netuid)),
        };
        let out = plexus_yuma::epoch(&inputs);

        for (uid, bonds) in uids.clone().zip(out.bonds.iter()) {
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
        self.pay_out(
            netuid,
            &subnet.owner_hotkey,
            &subnet.owner_coldkey,
            pending,
            &neurons,
            &out,
        )
    }

    /// Pays the epoch's alpha: owner cut, miners' incentive, validators' dividends. Whatever
    /// cannot be paid (owner-hotkey incentive, rounding) is burned. Returns the alpha paid.
    fn pay_out(
        &mut self,
        netuid: NetUid,
        owner_hotkey: &AccountId,
        owner_coldkey: &AccountId,
        pending: PendingEmission,
        neurons: &[crate::Neuron],
        out: &plexus_yuma::Outputs,
    ) -> Balance {
        let mut paid: Balance = 0;
        if pending.owner > 0
            && self
                .add_stake_alpha(*owner_hotkey, *owner_coldkey, netuid, pending.owner)
                .is_ok()
        {
            paid += pending.owner;
        }
        // The owner's own hotkeys cannot mine: their incentive is burned.
        let immortal = self.immortal_hotkeys(netuid);
        let mut incentive_total: Balance = 0;
        for (neuron, amount) in neurons.iter().zip(&out.server_emission) {
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
        let dividends_total: u128 = out.validator_emission.iter().map(|d| u128::from(*d)).sum();
        for (neuron, weight) in neurons.iter().zip(&out.validator_emission) {
            let share = mul_div(
                u128::from(validator_pool),
                u128::from(*weight),
                dividends_total,
            )
            .and_then(|d| u64::try_from(d).ok())
            .unwrap_or(0);
            if share == 0 {
                continue;
            }
            let take = u64::try_from(
                u128::from(share) * u128::from(self.delegate_take(&neuron.hotkey)) / 65_535,
            )
            .unwrap_or(0);
            let coldkey = self.hotkey_owner(&neuron.hotkey).unwrap_or(neuron.hotkey);
            if self
                .add_stake_alpha(neuron.hotkey, coldkey, netuid, take)
                .and_then(|()| self.reward_hotkey(neuron.hotkey, netuid, share - take))
                .is_ok()
            {
                paid += share;
            }
        }
        let unpaid = pending.total().saturating_sub(paid);
        if unpaid > 0 {
            let mut supply = self.alpha_supply(netuid);
            supply.burned = supply.burned.saturating_add(unpaid);
            self.alpha_supply.insert(netuid, supply);
        }
        paid
    }
}
