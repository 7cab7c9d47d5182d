//! Neurons: burn-priced registration, replacement of the weakest neuron when a subnet is full,
//! hotkey ownership, axons, and the per-block registration price decay.

use super::Context;
use crate::hyperparams::PPM;
use crate::state::State;
use crate::types::{AxonInfo, Neuron, NeuronEpoch};
use crate::{DispatchError, Event};
use plexus_primitives::{AccountId, Balance, BlockNumber, NetUid, Uid};

/// `(value × factor) >> 32`, saturating: a Q32 fixed-point product.
fn mul_q32(value: u64, factor_q32: u64) -> u64 {
    u64::try_from((u128::from(value) * u128::from(factor_q32)) >> 32).unwrap_or(u64::MAX)
}

fn pow_q32(base: u64, exponent: u16) -> u64 {
    let (mut result, mut factor, mut power) = (1u64 << 32, base, exponent);
    while power > 0 {
        if power & 1 == 1 {
            result = mul_q32(result, factor);
        }
        power >>= 1;
        if power > 0 {
            factor = mul_q32(factor, factor);
        }
    }
    result
}

/// The per-block decay factor in Q32: the largest `f` whose Q32 power `f^half_life` is at most
/// one half (the reference's bisection, so prices decay identically).
fn decay_factor_q32(half_life: u16) -> u64 {
    if half_life == 0 {
        return 1 << 32;
    }
    let (mut lo, mut hi) = (0u64, 1u64 << 32);
    while lo + 1 < hi {
        let mid = lo + (hi - lo) / 2;
        if pow_q32(mid, half_life) > 1 << 31 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    lo
}

impl State {
    /// The neuron at `(netuid, uid)`.
    pub fn neuron(&self, netuid: NetUid, uid: Uid) -> Option<&Neuron> {
        self.neurons.get(&(netuid, uid))
    }

    /// The uid of `hotkey` on `netuid`.
    pub fn uid(&self, netuid: NetUid, hotkey: &AccountId) -> Option<Uid> {
        self.uids.get(&(netuid, *hotkey)).copied()
    }

    /// The coldkey that owns `hotkey`.
    pub fn hotkey_owner(&self, hotkey: &AccountId) -> Option<AccountId> {
        self.hotkey_owner.get(hotkey).copied()
    }

    /// Every hotkey with an owner, with its owner, in hotkey order.
    pub fn hotkeys(&self) -> impl Iterator<Item = (AccountId, AccountId)> + '_ {
        self.hotkey_owner
            .iter()
            .map(|(hotkey, coldkey)| (*hotkey, *coldkey))
    }

    /// The hotkeys `coldkey` owns, in key order.
    pub fn owned_hotkeys(&self, coldkey: &AccountId) -> Vec<AccountId> {
        self.owned_hotkeys
            .range((*coldkey, AccountId([0; 32]))..=(*coldkey, AccountId([0xff; 32])))
            .map(|((_, hotkey), _)| *hotkey)
            .collect()
    }

    /// The hotkeys on `netuid` that are never pruned: the owner hotkey and the owner's
    /// longest-registered hotkeys, `immune_owner_uids_limit` in all.
    pub(crate) fn immortal_hotkeys(&self, netuid: NetUid) -> Vec<AccountId> {
        let (Some(subnet), Some(hp)) = (self.subnets.get(&netuid), self.hyperparams.get(&netuid))
        else {
            return Vec::new();
        };
        let limit = usize::from(hp.immune_owner_uids_limit);
        let mut owned: Vec<(BlockNumber, Uid, AccountId)> = self
            .owned_hotkeys(&subnet.owner_coldkey)
            .into_iter()
            .filter_map(|hotkey| {
                let uid = self.uid(netuid, &hotkey)?;
                let block = self.neuron(netuid, uid)?.registered_at;
                Some((block, uid, hotkey))
            })
            .collect();
        owned.sort();
        owned.truncate(limit);
        let mut immortal: Vec<AccountId> = owned.into_iter().map(|(_, _, h)| h).collect();
        if self.uid(netuid, &subnet.owner_hotkey).is_some()
            && !immortal.contains(&subnet.owner_hotkey)
        {
            immortal.insert(0, subnet.owner_hotkey);
            immortal.truncate(limit);
        }
        immortal
    }

    /// The uid a registration on a full subnet replaces at `block`: the lowest emission, then
    /// the earliest registration, then the lowest uid, among neurons whose immunity has ended
    /// (if more than `min_non_immune_uids` of them), else among the immune ones. Owner-immortal
    /// hotkeys are never chosen.
    pub fn neuron_to_prune(&self, netuid: NetUid, block: BlockNumber) -> Option<Uid> {
        let subnet = self.subnets.get(&netuid)?;
        let hp = self.hyperparams.get(&netuid)?;
        let immortal = self.immortal_hotkeys(netuid);
        let mut free_count: u16 = 0;
        let mut best_free: Option<(Balance, BlockNumber, Uid)> = None;
        let mut best_immune: Option<(Balance, BlockNumber, Uid)> = None;
        for uid in 0..subnet.n {
            let Some(neuron) = self.neuron(netuid, uid) else {
                continue;
            };
            if immortal.contains(&neuron.hotkey) {
                continue;
            }
            let rank = Some((neuron.emission, neuron.registered_at, uid));
            let immune = block.saturating_sub(neuron.registered_at) < u64::from(hp.immunity_period);
            let best = if immune {
                &mut best_immune
            } else {
                free_count = free_count.saturating_add(1);
                &mut best_free
            };
            if best.is_none() || rank < *best {
                *best = rank;
            }
        }
        if free_count > hp.min_non_immune_uids {
            if let Some((_, _, uid)) = best_free {
                return Some(uid);
            }
        }
        best_immune.map(|(_, _, uid)| uid)
    }

    /// Lets every subnet's registration price decay by one block (block > 1), within its
    /// bounds.
    pub(crate) fn decay_registration_prices(&mut self, block: BlockNumber) {
        let netuids: Vec<NetUid> = self.subnets.iter().map(|(n, _)| *n).collect();
        for netuid in netuids {
            let (Some(subnet), Some(hp)) =
                (self.subnets.get(&netuid), self.hyperparams.get(&netuid))
            else {
                continue;
            };
            let mut burn = subnet.burn;
            if hp.burn_half_life > 0 && block > 1 {
                burn = mul_q32(burn, decay_factor_q32(hp.burn_half_life));
            }
            let burn = burn.max(hp.min_burn).min(hp.max_burn);
            if burn != subnet.burn {
                self.subnets.mutate(&netuid, |s| s.burn = burn);
            }
        }
    }
}

impl Context<'_> {
    /// Makes the signer the owner of `hotkey`, unless another coldkey owns it.
    pub(crate) fn claim_hotkey(&mut self, hotkey: AccountId) -> Result<(), DispatchError> {
        match self.state.hotkey_owner.get(&hotkey) {
            Some(owner) if *owner == self.who => Ok(()),
            Some(_) => Err(DispatchError::HotkeyOwnedByOther),
            None => {
                self.state.hotkey_owner.insert(hotkey, self.who);
                self.state.owned_hotkeys.insert((self.who, hotkey), ());
                Ok(())
            }
        }
    }

    pub(crate) fn burned_register(
        &mut self,
        netuid: NetUid,
        hotkey: AccountId,
        limit_price: Option<Balance>,
    ) -> Result<(), DispatchError> {
        let subnet = self.subnet(netuid)?;
        let (burn, n) = (subnet.burn, subnet.n);
        if let Some(limit) = limit_price.filter(|limit| burn > *limit) {
            return Err(DispatchError::RegistrationPriceAboveLimit { price: burn, limit });
        }
        let hp = self.hyperparameters(netuid);
        if !hp.registration_allowed {
            return Err(DispatchError::RegistrationDisabled(netuid));
        }
        if let Some(uid) = self.state.uid(netuid, &hotkey) {
            return Err(DispatchError::AlreadyRegistered { netuid, uid });
        }
        self.claim_hotkey(hotkey)?;
        let replaced = if n < hp.max_allowed_uids {
            None
        } else {
            Some(
                self.state
                    .neuron_to_prune(netuid, self.block)
                    .ok_or(DispatchError::NoNeuronIdAvailable)?,
            )
        };
        self.withdraw(burn)?;
        self.burn_registration(netuid, burn);
        let grown = u64::try_from(
            u128::from(burn) * u128::from(hp.burn_increase_mult_ppm) / u128::from(PPM),
        )
        .unwrap_or(u64::MAX)
        .max(hp.min_burn)
        .min(hp.max_burn);
        self.state.subnets.mutate(&netuid, |s| s.burn = grown);
        self.append_neuron(netuid, hotkey, replaced, burn);
        Ok(())
    }

    /// The registration price buys alpha from the subnet's pool, and that alpha is burned: the
    /// TAO stays in the pool and raises the price for stakers. If the pool cannot take the
    /// trade, the TAO is burned instead.
    fn burn_registration(&mut self, netuid: NetUid, tao: Balance) {
        let fee_rate = self.state.params.get().swap_fee_rate;
        match self
            .state
            .pool(netuid)
            .map(|pool| pool.buy(tao, fee_rate, None, false))
        {
            Some(Ok(swap)) => {
                self.state.pools.insert(netuid, swap.pool_after);
                self.state.reduce_issuance(swap.fee);
                self.state.burn_alpha(netuid, swap.amount_out);
            }
            _ => self.state.reduce_issuance(tao),
        }
    }

    /// Seats `hotkey` at a new uid, or at `replace` after clearing what its previous neuron
    /// left behind.
    pub(crate) fn append_neuron(
        &mut self,
        netuid: NetUid,
        hotkey: AccountId,
        replace: Option<Uid>,
        burned: Balance,
    ) {
        let uid = match replace {
            Some(uid) => uid,
            None => {
                let n = self.state.subnets.mutate(&netuid, |s| {
                    s.n += 1;
                    s.n - 1
                });
                n.unwrap_or(0)
            }
        };
        let old = self.state.neurons.get(&(netuid, uid)).map(|n| n.hotkey);
        if let Some(old) = old {
            self.state.uids.remove(&(netuid, old));
            self.state.weight_commits.remove(&(netuid, old));
            self.state.drop_timelocked_commits(netuid, &old);
            self.state.weights.remove(&(netuid, uid));
            self.state.bonds.remove(&(netuid, uid));
            // Other validators' votes for the previous occupant must not carry over.
            let n = self.state.subnets.get(&netuid).map_or(0, |s| s.n);
            for row in 0..n {
                let Some(weights) = self.state.weights.get(&(netuid, row)) else {
                    continue;
                };
                if weights.iter().any(|(dest, w)| *dest == uid && *w != 0) {
                    self.state.weights.mutate(&(netuid, row), |ws| {
                        for (dest, w) in ws.iter_mut() {
                            if *dest == uid {
                                *w = 0;
                            }
                        }
                    });
                }
            }
        }
        self.state.neurons.insert(
            (netuid, uid),
            Neuron {
                hotkey,
                registered_at: self.block,
                last_update: self.block,
                validator_permit: false,
                emission: 0,
                axon: None,
                epoch: NeuronEpoch::default(),
            },
        );
        self.state.uids.insert((netuid, hotkey), uid);
        self.emit(Event::NeuronRegistered {
            netuid,
            uid,
            hotkey,
            replaced: old,
            burned,
        });
    }

    pub(crate) fn serve_axon(
        &mut self,
        netuid: NetUid,
        version: u32,
        ip: u128,
        port: u16,
        ip_type: u8,
        protocol: u8,
    ) -> Result<(), DispatchError> {
        let uid = self
            .state
            .uid(netuid, &self.who)
            .ok_or(DispatchError::NotRegistered(netuid))?;
        let valid = match ip_type {
            4 => ip < u128::from(u32::MAX) && ip != 0x7f00_0001,
            6 => ip != u128::MAX && ip != 1,
            other => return Err(DispatchError::InvalidIpType(other)),
        };
        if !valid {
            return Err(DispatchError::InvalidIpAddress);
        }
        let limit = self
            .state
            .hyperparams
            .get(&netuid)
            .map_or(0, |h| h.serving_rate_limit);
        let last = self
            .state
            .neuron(netuid, uid)
            .and_then(|n| n.axon.as_ref())
            .map_or(0, |a| a.block);
        if limit > 0 && last > 0 && self.block < last.saturating_add(limit) {
            return Err(DispatchError::RateLimited {
                allowed_at: last.saturating_add(limit),
            });
        }
        if port == 0 {
            return Err(DispatchError::InvalidPort);
        }
        let axon = AxonInfo {
            block: self.block,
            version,
            ip,
            port,
            ip_type,
            protocol,
        };
        self.state
            .neurons
            .mutate(&(netuid, uid), |n| n.axon = Some(axon));
        self.emit(Event::AxonServed {
            netuid,
            hotkey: self.who,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_decay_factor_halves_in_half_life() {
        for half_life in [1u16, 2, 360, 7200, 36_100] {
            let f = decay_factor_q32(half_life);
            assert!(pow_q32(f, half_life) <= 1 << 31);
            assert!(pow_q32(f + 1, half_life) > 1 << 31, "largest such factor");
        }
        assert_eq!(decay_factor_q32(0), 1 << 32);
        // f^1 = 0.5 exactly.
        assert_eq!(decay_factor_q32(1), 1 << 31);
    }
}
