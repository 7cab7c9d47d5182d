//! Subnets: registration with its lock cost, pruning, start of emission, identity,
//! hyperparameters and governance.

use super::Context;
use crate::math::mul_div;
use crate::state::State;
use crate::types::{AlphaSupply, ChainIdentity, SharePool, Subnet, SubnetIdentity};
use crate::Pool;
use crate::{ChainParams, DispatchError, Event, Hyperparameter, Hyperparameters};
use plexus_primitives::{AccountId, Balance, BlockNumber, NetUid, RAO_PER_TAO};

/// A new subnet's registration price (`init_new_network` sets 1 TAO).
const INITIAL_BURN: Balance = RAO_PER_TAO;

/// Identity fields and their byte limits (the reference's `SubnetIdentityV3`).
const IDENTITY_LIMITS: [(&str, u32); 8] = [
    ("name", 256),
    ("github_repo", 1024),
    ("contact", 1024),
    ("url", 1024),
    ("discord", 256),
    ("description", 1024),
    ("logo_url", 1024),
    ("additional", 1024),
];

/// The most bytes each field of a coldkey's identity may hold (Bittensor's limits).
const CHAIN_IDENTITY_LIMITS: [(&str, u32); 7] = [
    ("name", 256),
    ("url", 256),
    ("github_repo", 256),
    ("image", 1024),
    ("discord", 256),
    ("description", 1024),
    ("additional", 1024),
];

impl State {
    /// How `coldkey` describes itself, if it has.
    pub fn identity(&self, coldkey: &AccountId) -> Option<&ChainIdentity> {
        self.identities.get(coldkey)
    }

    /// What registering a subnet costs at `block`: the last lock doubled, decaying linearly
    /// back to it over the reduction interval, never below the minimum.
    pub fn network_lock_cost(&self, block: BlockNumber) -> Balance {
        let params = self.params.get();
        let globals = self.globals.get();
        let multiplier: u64 = if globals.last_lock_block == 0 { 1 } else { 2 };
        let per_block = globals.last_lock / params.network_lock_reduction_interval.max(1);
        let decayed = per_block.saturating_mul(block.saturating_sub(globals.last_lock_block));
        globals
            .last_lock
            .saturating_mul(multiplier)
            .saturating_sub(decayed)
            .max(params.network_min_lock)
    }

    /// The subnet `netuid`.
    pub fn subnet(&self, netuid: NetUid) -> Option<&Subnet> {
        self.subnets.get(&netuid)
    }

    /// All subnets in netuid order.
    pub fn subnets(&self) -> impl Iterator<Item = (NetUid, &Subnet)> {
        self.subnets.iter().map(|(n, s)| (*n, s))
    }

    /// The hyperparameters of `netuid`.
    pub fn hyperparameters(&self, netuid: NetUid) -> Option<&Hyperparameters> {
        self.hyperparams.get(&netuid)
    }

    /// The chain parameters.
    pub fn chain_params(&self) -> ChainParams {
        self.params.get()
    }

    /// The governance account.
    pub fn governance(&self) -> Option<AccountId> {
        self.globals.get_ref().and_then(|g| g.sudo)
    }

    /// The subnet a registration would prune at `block`: among those whose immunity has ended,
    /// the lowest moving price, then the earliest registration, then the lowest netuid.
    fn subnet_to_prune(&self, block: BlockNumber) -> Option<NetUid> {
        let immunity = self.params.get().network_immunity_period;
        self.subnets
            .iter()
            .filter(|(_, s)| block >= s.registered_at.saturating_add(immunity))
            .min_by_key(|(netuid, s)| (s.moving_price, s.registered_at, **netuid))
            .map(|(netuid, _)| *netuid)
    }

    fn lowest_free_netuid(&self) -> Option<NetUid> {
        (1..=NetUid::MAX).find(|n| !self.subnets.contains(n))
    }
}

impl Context<'_> {
    /// The subnet's hyperparameters (the defaults if it has none).
    pub(crate) fn hyperparameters(&self, netuid: NetUid) -> Hyperparameters {
        self.state
            .hyperparams
            .get(&netuid)
            .cloned()
            .unwrap_or_default()
    }

    pub(crate) fn subnet(&self, netuid: NetUid) -> Result<&Subnet, DispatchError> {
        self.state
            .subnets
            .get(&netuid)
            .ok_or(DispatchError::UnknownSubnet(netuid))
    }

    pub(crate) fn ensure_owner(&self, netuid: NetUid) -> Result<&Subnet, DispatchError> {
        let subnet = self.subnet(netuid)?;
        if subnet.owner_coldkey != self.who {
            return Err(DispatchError::NotSubnetOwner(netuid));
        }
        Ok(subnet)
    }

    pub(crate) fn register_network(
        &mut self,
        hotkey: AccountId,
        max_lock: Option<Balance>,
    ) -> Result<(), DispatchError> {
        self.claim_hotkey(hotkey)?;
        let params = self.state.params.get();
        let globals = self.state.globals.get();
        if globals.last_lock_block != 0 {
            let allowed_at = globals
                .last_lock_block
                .saturating_add(params.network_rate_limit);
            if self.block < allowed_at {
                return Err(DispatchError::RateLimited { allowed_at });
            }
        }
        let prune = if self.state.subnets.len() >= usize::from(params.subnet_limit) {
            Some(
                self.state
                    .subnet_to_prune(self.block)
                    .ok_or(DispatchError::SubnetLimitReached)?,
            )
        } else {
            None
        };
        let cost = self.state.network_lock_cost(self.block);
        if let Some(limit) = max_lock.filter(|limit| cost > *limit) {
            return Err(DispatchError::LockAboveLimit { lock: cost, limit });
        }
        self.withdraw(cost)?;
        if let Some(netuid) = prune {
            self.dissolve(netuid);
        }
        let netuid = match prune {
            Some(netuid) => netuid,
            None => self
                .state
                .lowest_free_netuid()
                .ok_or(DispatchError::SubnetLimitReached)?,
        };
        let hyperparams = Hyperparameters::default();
        // Stagger epochs so subnets with the same tempo do not all run in one block.
        let stagger = u64::from(netuid) % u64::from(hyperparams.tempo.max(1));
        self.state.subnets.insert(
            netuid,
            Subnet {
                owner_coldkey: self.who,
                owner_hotkey: hotkey,
                registered_at: self.block,
                locked: cost,
                moving_price: 0,
                first_emission_block: None,
                identity: None,
                n: 0,
                burn: INITIAL_BURN,
                last_epoch_block: self.block.saturating_sub(stagger),
                epoch_index: 0,
            },
        );
        self.state.hyperparams.insert(netuid, hyperparams);
        let symbol = self.state.next_symbol(netuid);
        self.state.token_symbols.insert(netuid, symbol);
        self.seed_pool(netuid, cost);
        self.state.globals.mutate(|g| {
            g.last_lock = cost;
            g.last_lock_block = self.block;
        });
        self.emit(Event::NetworkAdded {
            netuid,
            owner: self.who,
            lock: cost,
        });
        self.append_neuron(netuid, hotkey, None, 0);
        Ok(())
    }

    /// A new subnet's pool: the lock as TAO, and alpha at the median price of the existing
    /// pools (1 TAO per alpha for the first), so a new subnet neither starts cheap nor dear.
    fn seed_pool(&mut self, netuid: NetUid, tao: Balance) {
        let mut prices: Vec<u128> = self
            .state
            .pools
            .iter()
            .filter(|(n, _)| **n != netuid)
            .map(|(_, p)| p.spot_price())
            .filter(|p| *p > 0)
            .collect();
        prices.sort_unstable();
        let price = prices.get(prices.len() / 2).copied().unwrap_or(1 << 64);
        let alpha = mul_div(u128::from(tao), 1 << 64, price)
            .and_then(|a| u64::try_from(a).ok())
            .unwrap_or(u64::MAX);
        self.state.pools.insert(netuid, Pool::new(tao, alpha));
        self.state.alpha_supply.insert(
            netuid,
            AlphaSupply {
                issued: alpha,
                burned: 0,
            },
        );
    }

    /// Removes a subnet and everything on it. Its pool's TAO goes to its stakers in proportion
    /// to their alpha (pending emission and unclaimed root dividends count as nobody's, as the
    /// reference forfeits them), then the owner gets back up to the lock; whatever is left is
    /// burned.
    fn dissolve(&mut self, netuid: NetUid) {
        let Some(subnet) = self.state.subnets.remove(&netuid) else {
            return;
        };
        let pool_tao = self.state.pools.remove(&netuid).map_or(0, |p| p.tao);
        let pending = self
            .state
            .pending_emission
            .remove(&netuid)
            .map_or(0, |p| p.total())
            .saturating_add(self.state.root_unclaimed.remove(&netuid).unwrap_or(0));
        self.state.alpha_supply.remove(&netuid);
        self.state.token_symbols.remove(&netuid);
        for (hotkey, _) in self.state.commitments(netuid) {
            self.state.commitments.remove(&(netuid, hotkey));
            self.state.commitment_space.remove(&(netuid, hotkey));
        }
        self.state.forget_root_dividends(netuid);
        let history: Vec<u64> = self
            .state
            .epoch_history(netuid)
            .into_iter()
            .map(|(epoch, _)| epoch)
            .collect();
        for epoch in history {
            self.state.epoch_history.remove(&(netuid, epoch));
        }
        let pools: Vec<(AccountId, SharePool)> = self
            .state
            .hotkey_alpha
            .iter()
            .filter(|((_, n), _)| *n == netuid)
            .map(|((h, _), p)| (*h, *p))
            .collect();
        let staked: u128 = pools.iter().map(|(_, p)| u128::from(p.alpha)).sum();
        let stakes: Vec<(AccountId, NetUid, AccountId)> = self
            .state
            .alpha_shares
            .iter()
            .filter(|((_, n, _), _)| *n == netuid)
            .map(|(k, _)| *k)
            .collect();
        let mut left = pool_tao;
        for key @ (hotkey, _, coldkey) in stakes {
            let value = self.state.stake(&hotkey, &coldkey, netuid);
            let tao = mul_div(
                u128::from(pool_tao),
                u128::from(value),
                staked + u128::from(pending),
            )
            .and_then(|t| u64::try_from(t).ok())
            .unwrap_or(0)
            .min(left);
            left -= tao;
            self.deposit(coldkey, tao);
            self.state.alpha_shares.remove(&key);
        }
        for (hotkey, _) in pools {
            self.state.hotkey_alpha.remove(&(hotkey, netuid));
        }
        let refunded = subnet.locked.min(left);
        let burned = left - refunded;
        self.deposit(subnet.owner_coldkey, refunded);
        self.state.reduce_issuance(burned);
        for uid in 0..subnet.n {
            if let Some(neuron) = self.state.neurons.remove(&(netuid, uid)) {
                self.state.uids.remove(&(netuid, neuron.hotkey));
                self.state.weight_commits.remove(&(netuid, neuron.hotkey));
                self.state.drop_timelocked_commits(netuid, &neuron.hotkey);
            }
            self.state.weights.remove(&(netuid, uid));
            self.state.bonds.remove(&(netuid, uid));
        }
        self.state.hyperparams.remove(&netuid);
        let kinds: Vec<_> = self
            .state
            .hyperparam_last_set
            .range((netuid, crate::HyperparameterKind::Tempo)..)
            .take_while(|((n, _), _)| *n == netuid)
            .map(|(key, _)| *key)
            .collect();
        for key in kinds {
            self.state.hyperparam_last_set.remove(&key);
        }
        self.emit(Event::NetworkRemoved {
            netuid,
            refunded,
            burned,
        });
    }

    pub(crate) fn start_call(&mut self, netuid: NetUid) -> Result<(), DispatchError> {
        let subnet = self.ensure_owner(netuid)?;
        if let Some(block) = subnet.first_emission_block {
            return Err(DispatchError::AlreadyStarted(block));
        }
        let allowed_at = subnet
            .registered_at
            .saturating_add(self.state.params.get().start_call_delay);
        if self.block < allowed_at {
            return Err(DispatchError::StartCallTooEarly { allowed_at });
        }
        let first = self.block + 1;
        self.state
            .subnets
            .mutate(&netuid, |s| s.first_emission_block = Some(first));
        self.emit(Event::FirstEmissionBlockSet {
            netuid,
            block: first,
        });
        Ok(())
    }

    pub(crate) fn set_identity(&mut self, identity: &ChainIdentity) -> Result<(), DispatchError> {
        let fields = [
            &identity.name,
            &identity.url,
            &identity.github_repo,
            &identity.image,
            &identity.discord,
            &identity.description,
            &identity.additional,
        ];
        for (value, (field, max)) in fields.iter().zip(CHAIN_IDENTITY_LIMITS) {
            if value.len() > max as usize {
                return Err(DispatchError::InvalidIdentity {
                    field: field.into(),
                    max,
                });
            }
        }
        if fields.iter().all(|value| value.is_empty()) {
            self.state.identities.remove(&self.who);
        } else {
            self.state.identities.insert(self.who, identity.clone());
        }
        self.emit(Event::IdentitySet { coldkey: self.who });
        Ok(())
    }

    pub(crate) fn set_subnet_identity(
        &mut self,
        netuid: NetUid,
        identity: &SubnetIdentity,
    ) -> Result<(), DispatchError> {
        self.ensure_owner(netuid)?;
        let fields = [
            &identity.name,
            &identity.github_repo,
            &identity.contact,
            &identity.url,
            &identity.discord,
            &identity.description,
            &identity.logo_url,
            &identity.additional,
        ];
        for (value, (field, max)) in fields.iter().zip(IDENTITY_LIMITS) {
            if value.len() > max as usize {
                return Err(DispatchError::InvalidIdentity {
                    field: field.into(),
                    max,
                });
            }
        }
        self.state
            .subnets
            .mutate(&netuid, |s| s.identity = Some(identity.clone()));
        self.emit(Event::SubnetIdentitySet { netuid });
        Ok(())
    }

    pub(crate) fn set_hyperparameter(
        &mut self,
        netuid: NetUid,
        value: &Hyperparameter,
        by_owner: bool,
    ) -> Result<(), DispatchError> {
        let kind = value.kind();
        let subnet = if by_owner {
            self.ensure_owner(netuid)?
        } else {
            self.subnet(netuid)?
        };
        let (n, last_epoch_block) = (subnet.n, subnet.last_epoch_block);
        if *value == Hyperparameter::TimelockedWeights(true)
            && self.state.globals.get().group_key.is_none()
        {
            return Err(DispatchError::TimelockUnavailable);
        }
        let mut hyperparams = self.hyperparameters(netuid);
        let params = self.state.params.get();
        if by_owner {
            if kind.governance_only() {
                return Err(DispatchError::GovernanceOnly(kind));
            }
            if let Some(last) = self.state.hyperparam_last_set.get(&(netuid, kind)) {
                let allowed_at = last.saturating_add(
                    kind.owner_rate_limit(hyperparams.tempo, params.owner_hyperparam_rate_limit),
                );
                if self.block < allowed_at {
                    return Err(DispatchError::RateLimited { allowed_at });
                }
            }
        }
        // Parameters must not move under the validators just before an epoch reads them.
        if hyperparams.tempo > 0 {
            let next_epoch = last_epoch_block.saturating_add(u64::from(hyperparams.tempo));
            if next_epoch.saturating_sub(self.block) < u64::from(params.admin_freeze_window) {
                return Err(DispatchError::FreezeWindow {
                    allowed_at: next_epoch,
                });
            }
        }
        hyperparams.set(value, by_owner, n)?;
        self.state.hyperparams.insert(netuid, hyperparams);
        if matches!(value, Hyperparameter::Tempo(_)) {
            // A new tempo starts a fresh cycle from this block.
            self.state
                .subnets
                .mutate(&netuid, |s| s.last_epoch_block = self.block);
        }
        if by_owner {
            self.state
                .hyperparam_last_set
                .insert((netuid, kind), self.block);
        }
        self.emit(Event::HyperparameterSet {
            netuid,
            value: value.clone(),
        });
        Ok(())
    }

    pub(crate) fn set_chain_params(&mut self, params: &ChainParams) -> Result<(), DispatchError> {
        params
            .validate()
            .map_err(DispatchError::InvalidChainParams)?;
        self.state.params.set(params.clone());
        self.emit(Event::ChainParamsSet {
            params: params.clone(),
        });
        Ok(())
    }

    pub(crate) fn set_governance_key(
        &mut self,
        new: Option<AccountId>,
    ) -> Result<(), DispatchError> {
        self.state.globals.mutate(|g| g.sudo = new);
        self.emit(Event::GovernanceKeyChanged { new });
        Ok(())
    }
}

impl Context<'_> {
    /// The owner gives the subnet's token another symbol from the table, one no other subnet
    /// uses.
    pub(crate) fn update_symbol(
        &mut self,
        netuid: NetUid,
        symbol: &str,
    ) -> Result<(), DispatchError> {
        self.ensure_owner(netuid)?;
        if !crate::SYMBOLS.iter().skip(1).any(|s| *s == symbol) {
            return Err(DispatchError::UnknownSymbol(
                symbol.chars().take(16).collect(),
            ));
        }
        let used_by = self
            .state
            .token_symbols
            .iter()
            .find(|(n, s)| s.as_str() == symbol && **n != netuid)
            .map(|(n, _)| *n);
        if let Some(other) = used_by {
            return Err(DispatchError::SymbolInUse { netuid: other });
        }
        self.state.token_symbols.insert(netuid, symbol.to_string());
        self.emit(Event::SymbolUpdated {
            netuid,
            symbol: symbol.to_string(),
        });
        Ok(())
    }
}
