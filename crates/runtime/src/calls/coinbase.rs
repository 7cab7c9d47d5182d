//! The per-block step that runs before the transactions: registration prices decay, started
//! subnets accumulate their alpha emission, and the epochs that are due run Yuma Consensus and
//! pay out.
//!
//! Each block the chain mints TAO (its halving schedule, see [`block_emission`]) and divides
//! it between the started subnets by the moving averages of their prices; each subnet's TAO
//! enters its pool together with freshly minted alpha at the current price. Each started subnet
//! also mints its own alpha emission (the same schedule over its own supply) into pending pots:
//! the owner's cut (18%), then half of the rest for miners and half for validators. At the subnet's epoch the pots are drained: the `yuma` crate
//! computes incentive and dividends from the subnet's stake and weights, miners' incentive is
//! staked to their hotkeys, validators' dividends are staked to theirs after the delegate take
//! (so every nominator gains pro rata), and the owner's cut is staked to the owner hotkey.

use crate::chain::Events;
use crate::math::mul_div;
use crate::state::State;
use crate::types::{AlphaSupply, EpochRecord, NeuronEpoch, PendingEmission};
use crate::{block_emission, Event, Phase};
use plexus_primitives::{AccountId, Balance, BlockNumber, NetUid};
use plexus_yuma::fixed::I64F64;

/// How many epochs of each subnet's history the state keeps.
pub const EPOCH_HISTORY: u64 = 1024;

impl State {
    /// Runs the per-block step.
    pub(crate) fn on_initialize(&mut self, block: BlockNumber, events: &mut Events) {
        self.decay_registration_prices(block);
        self.emit(block);
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

    /// Mints this block's emission for every subnet whose owner has started it: TAO into the
    /// subnets' pools (divided by their moving prices) with the alpha that keeps each price,
    /// and each subnet's own alpha emission into its pending pots. Moving prices are updated
    /// afterwards, so this block's emission used the previous ones.
    fn emit(&mut self, block: BlockNumber) {
        let shares = self.tao_emission_shares(block);
        for (netuid, tao_share) in &shares {
            let alpha_emission = self.emit_alpha(*netuid);
            self.inject(*netuid, *tao_share, alpha_emission);
        }
        for (netuid, _) in shares {
            self.update_moving_price(netuid, block);
        }
    }

    /// The TAO that block `block` would offer each started subnet, in netuid order: the block's
    /// emission divided by the subnets' moving prices (equally while every moving price is 0).
    /// What a subnet's pool actually receives can be less: the injection is capped by its alpha
    /// emission (see `inject`). Also what RPC reports as a subnet's TAO emission.
    pub fn tao_emission_shares(&self, block: BlockNumber) -> Vec<(NetUid, Balance)> {
        let started: Vec<(NetUid, u128)> = self
            .subnets
            .iter()
            .filter(|(_, s)| s.first_emission_block.is_some_and(|first| block >= first))
            .map(|(netuid, s)| (*netuid, s.moving_price))
            .collect();
        let tao_total = u128::from(block_emission(self.total_issuance()));
        let price_sum: u128 = started.iter().map(|(_, p)| *p).sum();
        let count = started.len() as u128;
        started
            .iter()
            .map(|(netuid, moving_price)| {
                let tao_share = if price_sum == 0 {
                    tao_total / count
                } else {
                    mul_div(tao_total, *moving_price, price_sum).unwrap_or(0)
                };
                (*netuid, u64::try_from(tao_share).unwrap_or(0))
            })
            .collect()
    }

    /// Mints `netuid`'s alpha for this block into its pending pots: the owner's cut, then half
    /// of the rest each for miners and validators. Returns the amount.
    fn emit_alpha(&mut self, netuid: NetUid) -> Balance {
        let owner_cut = u128::from(self.params.get().subnet_owner_cut);
        let mut supply = self.alpha_supply(netuid);
        let amount = block_emission(supply.issued.saturating_sub(supply.burned));
        if amount == 0 {
            return 0;
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
        amount
    }

    /// Adds `tao` to the subnet's pool with the alpha that keeps its price, minting both. The
    /// alpha side is capped at the subnet's own alpha emission for the block (the pool never
    /// grows faster than the token's schedule); TAO beyond what the cap allows is not minted
    /// and stays in the schedule for later blocks.
    fn inject(&mut self, netuid: NetUid, tao: Balance, alpha_cap: Balance) {
        let Some(pool) = self.pool(netuid) else {
            return;
        };
        let price = pool.spot_price();
        if tao == 0 || price == 0 {
            return;
        }
        let alpha = mul_div(u128::from(tao), 1 << 64, price)
            .and_then(|a| u64::try_from(a).ok())
            .unwrap_or(u64::MAX);
        let (tao, alpha) = if alpha > alpha_cap {
            let capped_tao = mul_div(u128::from(alpha_cap), price, 1 << 64)
                .and_then(|t| u64::try_from(t).ok())
                .unwrap_or(0);
            (capped_tao, alpha_cap)
        } else {
            (tao, alpha)
        };
        if tao == 0 || alpha == 0 {
            return;
        }
        let Ok(after) = pool.inject(tao, alpha) else {
            return;
        };
        self.pools.insert(netuid, after);
        self.globals.mutate(|g| {
            g.total_issuance = g.total_issuance.saturating_add(tao);
            g.total_minted = g.total_minted.saturating_add(tao);
        });
        let mut supply = self.alpha_supply(netuid);
        supply.issued = supply.issued.saturating_add(alpha);
        self.alpha_supply.insert(netuid, supply);
    }

    /// Moves the subnet's moving price toward its spot price (capped at 1 TAO per alpha), with
    /// a weight that grows from 0 as the subnet ages, so a young subnet cannot pump its share.
    fn update_moving_price(&mut self, netuid: NetUid, block: BlockNumber) {
        const ONE: u128 = 1 << 64;
        let params = self.params.get();
        let (Some(subnet), Some(pool)) = (self.subnets.get(&netuid), self.pool(netuid)) else {
            return;
        };
        let age = block.saturating_sub(
            subnet
                .first_emission_block
                .unwrap_or(block)
                .saturating_sub(1),
        );
        let max_weight = u128::from(params.moving_alpha_ppb) * ONE / 1_000_000_000;
        let weight = mul_div(
            max_weight,
            u128::from(age),
            u128::from(age) + u128::from(params.ema_price_halving_blocks),
        )
        .unwrap_or(0)
        .min(ONE);
        let spot = pool.spot_price().min(ONE);
        let old = subnet.moving_price;
        let new = mul_div(weight, spot, ONE)
            .unwrap_or(0)
            .saturating_add(mul_div(ONE - weight, old, ONE).unwrap_or(0));
        if new != old {
            self.subnets.mutate(&netuid, |s| s.moving_price = new);
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

    /// Audits the whole supply: TAO ever created (genesis plus minted) is in balances, pool
    /// reserves or burned; and each subnet's alpha ever minted is in its pool, stakes, pending
    /// payouts or burned. Cost grows with the state; nodes can run it on demand.
    pub fn check_supply(&self) -> Result<(), String> {
        let g = self.globals.get();
        let created = u128::from(g.genesis_issuance) + u128::from(g.total_minted);
        let accounted = u128::from(g.total_issuance) + u128::from(g.total_burned);
        if created != accounted {
            return Err(format!(
                "{created} rao created but issuance plus burned is {accounted}"
            ));
        }
        let balances: u128 = self.balances.iter().map(|(_, b)| u128::from(*b)).sum();
        let pools: u128 = self.pools.iter().map(|(_, p)| u128::from(p.tao)).sum();
        if balances + pools != u128::from(g.total_issuance) {
            return Err(format!(
                "issuance {} but balances {balances} and pools {pools}",
                g.total_issuance
            ));
        }
        let mut staked: std::collections::BTreeMap<NetUid, u128> = Default::default();
        for ((_, netuid), pool) in self.hotkey_alpha.iter() {
            *staked.entry(*netuid).or_default() += u128::from(pool.alpha);
        }
        for (netuid, supply) in self.alpha_supply.iter() {
            let held = u128::from(self.pool(*netuid).map_or(0, |p| p.alpha))
                + staked.get(netuid).copied().unwrap_or(0)
                + u128::from(self.pending_emission(*netuid).total())
                + u128::from(supply.burned);
            if held != u128::from(supply.issued) {
                return Err(format!(
                    "subnet {netuid}: {} alpha minted but {held} accounted for",
                    supply.issued
                ));
            }
        }
        Ok(())
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
            hyperparameters: hp.for_epoch(self.params.get().stake_threshold),
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
            // Nominators share the dividend after the take; the take then joins the owner's
            // stake at the new value, so it does not also earn a share of itself.
            if self
                .reward_hotkey(neuron.hotkey, netuid, share - take)
                .and_then(|()| self.add_stake_alpha(neuron.hotkey, coldkey, netuid, take))
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
