//! Answers assembled from one state: pure functions from the runtime's state to the API's
//! types, so they cost the same at the head and at an older block.

use crate::convert::{axon, price_rao};
use crate::error::ApiError;
use plexus_primitives::{AccountId, Balance, NetUid, H256, RAO_PER_TAO};
use plexus_rpc::types::{
    AccountInfo, AnnouncedValidator, ColdkeySwapInfo, CommitmentEntry, Commitments, CommitteeInfo,
    CommitteeMember, DelegateInfo, DelegateStake, DelegateTakeInfo, Delegates, HotkeyLink,
    HotkeyLinks, IdentityInfo, Metagraph, MetagraphNeuron, MetagraphOptions, NetworkLockCost,
    Nomination, PendingLinks, PoolInfo, ProxyInfo, ProxyOf, RootClaims, RootInfo, RootOwed,
    RootStake, RootSubnet, RootValidator, StakeEntry, StakeInfo, SubnetInfo, SubnetSummary,
    SwapDirection, SwapSimulation, ValidatorsInfo,
};
use plexus_runtime::{block_emission, State, Subnet, ROOT_NETUID};

pub(crate) fn account(state: &State, address: AccountId) -> AccountInfo {
    AccountInfo {
        address,
        balance: state.balance(&address),
        nonce: state.nonce(&address),
        block: state.block(),
    }
}

pub(crate) fn stake(state: &State, coldkey: AccountId) -> StakeInfo {
    let stakes = state
        .stakes_of(&coldkey)
        .into_iter()
        .map(|(hotkey, netuid, alpha)| StakeEntry {
            hotkey,
            netuid,
            alpha,
            tao_value: match alpha {
                0 => Some(0),
                // Root stake is TAO.
                _ if netuid == ROOT_NETUID => Some(alpha),
                _ => state
                    .simulate_sell(netuid, alpha)
                    .ok()
                    .map(|s| s.amount_out),
            },
        })
        .collect();
    StakeInfo {
        coldkey,
        stakes,
        block: state.block(),
    }
}

fn summary(state: &State, netuid: NetUid, subnet: &Subnet, tao_emission: Balance) -> SubnetSummary {
    let hyperparameters = state.hyperparameters(netuid).cloned().unwrap_or_default();
    let pool = state.pool(netuid);
    let supply = state.alpha_supply(netuid);
    let started = subnet
        .first_emission_block
        .is_some_and(|first| state.block() + 1 >= first);
    SubnetSummary {
        netuid,
        name: subnet
            .identity
            .as_ref()
            .map(|i| i.name.clone())
            .unwrap_or_default(),
        symbol: state.token_symbol(netuid),
        owner_coldkey: subnet.owner_coldkey,
        owner_hotkey: subnet.owner_hotkey,
        registered_at: subnet.registered_at,
        first_emission_block: subnet.first_emission_block,
        n: subnet.n,
        max_uids: hyperparameters.max_allowed_uids,
        tempo: hyperparameters.tempo,
        burn: subnet.burn,
        price: pool.map_or(0, |p| price_rao(p.spot_price())),
        moving_price: price_rao(subnet.moving_price),
        tao_reserve: pool.map_or(0, |p| p.tao),
        alpha_reserve: pool.map_or(0, |p| p.alpha),
        tao_emission,
        alpha_emission: if started {
            block_emission(supply.issued.saturating_sub(supply.burned))
        } else {
            0
        },
        pending_emission: state.pending_emission(netuid).total(),
        epoch_index: subnet.epoch_index,
        last_epoch_block: subnet.last_epoch_block,
    }
}

fn tao_emission_of(shares: &[(NetUid, Balance)], netuid: NetUid) -> Balance {
    shares
        .iter()
        .find(|(n, _)| *n == netuid)
        .map_or(0, |(_, tao)| *tao)
}

pub(crate) fn subnets(state: &State) -> Vec<SubnetSummary> {
    let shares = state.tao_emission_shares(state.block() + 1);
    state
        .subnets()
        .map(|(netuid, subnet)| summary(state, netuid, subnet, tao_emission_of(&shares, netuid)))
        .collect()
}

pub(crate) fn subnet(state: &State, netuid: NetUid) -> Option<SubnetInfo> {
    let subnet = state.subnet(netuid)?;
    let shares = state.tao_emission_shares(state.block() + 1);
    Some(SubnetInfo {
        summary: summary(state, netuid, subnet, tao_emission_of(&shares, netuid)),
        locked: subnet.locked,
        identity: subnet.identity.clone(),
        hyperparameters: state.hyperparameters(netuid).cloned().unwrap_or_default(),
        block: state.block(),
    })
}

pub(crate) fn metagraph(
    state: &State,
    block_hash: H256,
    netuid: NetUid,
    options: MetagraphOptions,
) -> Option<Metagraph> {
    let subnet = state.subnet(netuid)?;
    let neurons = (0..subnet.n)
        .filter_map(|uid| {
            let n = state.neuron(netuid, uid)?;
            Some(MetagraphNeuron {
                uid,
                hotkey: n.hotkey,
                coldkey: state.hotkey_owner(&n.hotkey),
                stake: state.hotkey_stake(&n.hotkey, netuid),
                root_stake: state.hotkey_stake(&n.hotkey, ROOT_NETUID),
                total_stake: state.stake_weight(netuid, &n.hotkey),
                children: links(state.children(&n.hotkey, netuid)),
                parents: links(state.parents(&n.hotkey, netuid)),
                stake_weight: n.epoch.stake_weight,
                incentive: n.epoch.incentive,
                dividends: n.epoch.dividends,
                consensus: n.epoch.consensus,
                validator_trust: n.epoch.validator_trust,
                emission: n.emission,
                validator_permit: n.validator_permit,
                active: n.epoch.active,
                last_update: n.last_update,
                registered_at: n.registered_at,
                axon: n.axon.as_ref().map(axon),
                weights: options.weights.then(|| state.weights(netuid, uid).to_vec()),
                bonds: options.bonds.then(|| state.bonds(netuid, uid).to_vec()),
            })
        })
        .collect();
    Some(Metagraph {
        netuid,
        block: state.block(),
        block_hash,
        n: subnet.n,
        tempo: state.hyperparameters(netuid).map_or(0, |h| h.tempo),
        price: state.pool(netuid).map_or(0, |p| price_rao(p.spot_price())),
        neurons,
    })
}

pub(crate) fn pool(state: &State, netuid: NetUid) -> Option<PoolInfo> {
    let pool = state.pool(netuid)?;
    Some(PoolInfo {
        netuid,
        tao_reserve: pool.tao,
        alpha_reserve: pool.alpha,
        quote_weight: pool.quote_weight,
        price: price_rao(pool.spot_price()),
        fee_rate: state.chain_params().swap_fee_rate,
        block: state.block(),
    })
}

pub(crate) fn simulate_swap(
    state: &State,
    netuid: NetUid,
    direction: SwapDirection,
    amount: Balance,
) -> Result<SwapSimulation, ApiError> {
    if netuid == ROOT_NETUID {
        // Root trades TAO for stake 1:1, without a pool or a fee.
        return Ok(SwapSimulation {
            netuid,
            direction,
            amount_in: amount,
            fee: 0,
            amount_out: amount,
            price_before: RAO_PER_TAO,
            price_after: RAO_PER_TAO,
        });
    }
    let pool = state.pool(netuid).ok_or(ApiError::UnknownSubnet(netuid))?;
    let swap = match direction {
        SwapDirection::Buy => state.simulate_buy(netuid, amount),
        SwapDirection::Sell => state.simulate_sell(netuid, amount),
    }
    .map_err(ApiError::SwapRejected)?;
    Ok(SwapSimulation {
        netuid,
        direction,
        amount_in: swap.amount_in,
        fee: swap.fee,
        amount_out: swap.amount_out,
        price_before: price_rao(pool.spot_price()),
        price_after: price_rao(swap.pool_after.spot_price()),
    })
}

/// The lock a subnet registration would pay: it cannot be in a block before the next one.
pub(crate) fn network_lock_cost(state: &State) -> NetworkLockCost {
    let last = state.globals().last_lock_block;
    let allowed_at = if last == 0 {
        0
    } else {
        last.saturating_add(state.chain_params().network_rate_limit)
    };
    NetworkLockCost {
        lock_cost: state.network_lock_cost(state.block() + 1),
        allowed_at,
        block: state.block(),
    }
}

pub(crate) fn delegate_take(state: &State, hotkey: AccountId) -> DelegateTakeInfo {
    DelegateTakeInfo {
        hotkey,
        take: state.delegate_take(&hotkey),
        block: state.block(),
    }
}

/// How `coldkey` describes itself.
pub(crate) fn identity(state: &State, coldkey: AccountId) -> IdentityInfo {
    IdentityInfo {
        coldkey,
        identity: state.identity(&coldkey).cloned(),
        block: state.block(),
    }
}

/// Every hotkey, as a delegate: its owner and the owner's identity, take, registrations and
/// the stake through it on each subnet, by nominator.
pub(crate) fn delegates(state: &State) -> Delegates {
    Delegates {
        delegates: state
            .hotkeys()
            .map(|(hotkey, owner)| delegate_info(state, hotkey, owner, None))
            .collect(),
        block: state.block(),
    }
}

/// The delegates `coldkey` stakes through, each with its own stake there only (the totals
/// stay the delegate's).
pub(crate) fn delegated(state: &State, coldkey: AccountId) -> Delegates {
    let mut hotkeys: Vec<AccountId> = state
        .stakes_of(&coldkey)
        .into_iter()
        .filter(|(_, _, alpha)| *alpha > 0)
        .map(|(hotkey, _, _)| hotkey)
        .collect();
    hotkeys.sort_unstable();
    hotkeys.dedup();
    Delegates {
        delegates: hotkeys
            .into_iter()
            .filter_map(|hotkey| {
                let owner = state.hotkey_owner(&hotkey)?;
                Some(delegate_info(state, hotkey, owner, Some(coldkey)))
            })
            .collect(),
        block: state.block(),
    }
}

/// One delegate; with `only`, its nominators are that coldkey alone.
fn delegate_info(
    state: &State,
    hotkey: AccountId,
    owner: AccountId,
    only: Option<AccountId>,
) -> DelegateInfo {
    let registrations = state
        .subnets()
        .filter(|(netuid, _)| state.uid(*netuid, &hotkey).is_some())
        .map(|(netuid, _)| netuid)
        .collect();
    let mut nominations = state.nominations(&hotkey);
    nominations.retain(|(_, _, alpha)| *alpha > 0);
    nominations.sort_by_key(|(coldkey, netuid, _)| (*netuid, *coldkey));
    let mut stakes: Vec<DelegateStake> = Vec::new();
    for (coldkey, netuid, alpha) in nominations {
        if stakes.last().is_none_or(|s| s.netuid != netuid) {
            stakes.push(DelegateStake {
                netuid,
                total_alpha: 0,
                nominators: Vec::new(),
            });
        }
        if let Some(stake) = stakes.last_mut() {
            stake.total_alpha = stake.total_alpha.saturating_add(alpha);
            if only.is_none_or(|c| c == coldkey) {
                stake.nominators.push(Nomination { coldkey, alpha });
            }
        }
    }
    if only.is_some() {
        stakes.retain(|s| !s.nominators.is_empty());
    }
    DelegateInfo {
        hotkey,
        owner,
        identity: state.identity(&owner).cloned(),
        take: state.delegate_take(&hotkey),
        registrations,
        stakes,
    }
}

fn links(links: Vec<(u64, AccountId)>) -> Vec<HotkeyLink> {
    links
        .into_iter()
        .map(|(proportion, hotkey)| HotkeyLink { hotkey, proportion })
        .collect()
}

/// The root network: its stake, parameters and standing on every subnet.
pub(crate) fn root(state: &State) -> RootInfo {
    let params = state.chain_params();
    let subnets = state
        .subnets()
        .map(|(netuid, _)| RootSubnet {
            netuid,
            root_proportion_ppb: u64::try_from(
                (state.root_proportion(netuid) * 1_000_000_000) >> 32,
            )
            .unwrap_or(u64::MAX),
            unclaimed_alpha: state.root_unclaimed(netuid),
        })
        .collect();
    let validators = state
        .root_validators()
        .into_iter()
        .map(|(uid, hotkey, registered_at)| RootValidator {
            uid,
            hotkey,
            registered_at,
            tao: state.hotkey_stake(&hotkey, ROOT_NETUID),
        })
        .collect();
    RootInfo {
        validators,
        total_tao: state.root_tao(),
        tao_weight: params.tao_weight,
        num_root_claims: params.num_root_claims,
        claim_threshold: params.root_claim_threshold,
        subnets,
        block: state.block(),
    }
}

/// A coldkey's root stakes and the dividends it can claim.
pub(crate) fn root_claims(state: &State, coldkey: AccountId) -> RootClaims {
    RootClaims {
        coldkey,
        claim_type: state.root_claim_type(&coldkey),
        stakes: state
            .root_hotkeys_of(&coldkey)
            .into_iter()
            .map(|hotkey| RootStake {
                hotkey,
                tao: state.stake(&hotkey, &coldkey, ROOT_NETUID),
            })
            .collect(),
        owed: state
            .root_owed_to(&coldkey)
            .into_iter()
            .map(|(hotkey, netuid, alpha)| RootOwed {
                hotkey,
                netuid,
                alpha,
            })
            .collect(),
        block: state.block(),
    }
}

/// A hotkey's children, parents, pending children and take on a subnet.
pub(crate) fn hotkey_links(state: &State, hotkey: AccountId, netuid: NetUid) -> HotkeyLinks {
    HotkeyLinks {
        hotkey,
        netuid,
        children: links(state.children(&hotkey, netuid)),
        parents: links(state.parents(&hotkey, netuid)),
        pending: state
            .pending_children(&hotkey, netuid)
            .map(|p| PendingLinks {
                children: links(p.children),
                cooldown_block: p.cooldown_block,
            }),
        childkey_take: state.childkey_take(&hotkey, netuid),
        inherited_alpha: state.inherited_stake(&hotkey, netuid, netuid),
        inherited_root: state.inherited_stake(&hotkey, netuid, ROOT_NETUID),
        stake_weight: state.stake_weight(netuid, &hotkey),
        block: state.block(),
    }
}

/// An account's proxies, the accounts it is a proxy of, and its announcements.
pub(crate) fn proxies(state: &State, account: AccountId) -> ProxyInfo {
    ProxyInfo {
        account,
        proxies: state.proxies(&account).proxies,
        proxy_for: state
            .proxied_by(&account)
            .into_iter()
            .map(|(real, d)| ProxyOf {
                real,
                proxy_type: d.proxy_type,
                delay: d.delay,
            })
            .collect(),
        announcements: state.announcements(&account).announcements,
        reserved: state.reserved(&account),
        block: state.block(),
    }
}

/// The commitments on `netuid`: every hotkey's, or one's.
pub(crate) fn commitments(state: &State, netuid: NetUid, hotkey: Option<AccountId>) -> Commitments {
    let entries = match hotkey {
        Some(hotkey) => state
            .commitment(netuid, &hotkey)
            .map(|c| vec![(hotkey, c.clone())])
            .unwrap_or_default(),
        None => state.commitments(netuid),
    };
    Commitments {
        netuid,
        commitments: entries
            .into_iter()
            .map(|(hotkey, c)| CommitmentEntry {
                hotkey,
                uid: state.uid(netuid, &hotkey),
                block: c.block,
                fields: c.fields,
            })
            .collect(),
        block: state.block(),
    }
}

/// A coldkey's announced swap, if any.
pub(crate) fn coldkey_swap(state: &State, coldkey: AccountId) -> ColdkeySwapInfo {
    let swap = state.coldkey_swap(&coldkey);
    ColdkeySwapInfo {
        coldkey,
        new_coldkey_hash: swap.map(|s| s.hash),
        when: swap.map(|s| s.when),
        disputed: swap.and_then(|s| s.disputed),
        block: state.block(),
    }
}

pub(crate) fn validators(state: &State, head: &plexus_runtime::Header) -> ValidatorsInfo {
    let key = |id: plexus_runtime::ValidatorId| H256(id.0);
    ValidatorsInfo {
        epoch: head.epoch,
        epoch_length: state.globals().epoch_length,
        announced: state
            .announced_validators()
            .into_iter()
            .map(|(id, record)| AnnouncedValidator {
                key: key(id),
                owner: record.owner,
                address: record.address,
            })
            .collect(),
        scheduled: state
            .scheduled_validators()
            .map(|ids| ids.into_iter().map(key).collect()),
        committee: state
            .committee(u64::MAX)
            .map(|(from_epoch, validators)| CommitteeInfo {
                from_epoch,
                validators: validators
                    .into_iter()
                    .map(|(id, address)| CommitteeMember {
                        key: key(id),
                        address,
                    })
                    .collect(),
            }),
    }
}
