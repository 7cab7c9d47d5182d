//! Plexus's state in the runtime APIs' shapes. Where Bittensor has a quantity Plexus does not,
//! the neutral value is given here and listed in `docs/substrate-compat.md`.

use super::shapes::{
    AxonInfo, ChainIdentityV2, DelegateInfo, DynamicInfo, HyperparamEntry, HyperparamValue,
    Metagraph, NetStake, NeuronInfo, PrometheusInfo, RuntimeDispatchInfo, SimSwapResult,
    StakeAvailability, StakeInfo, SubnetIdentityV3, SubnetInfov2, SubnetPrice, SubnetState, Text,
};
use crate::types::{AccountId32, I32F32, I96F32, U64F64};
use parity_scale_codec::Compact;
use plexus_primitives::{AccountId, Balance, NetUid};
use plexus_runtime::extrinsic::Extrinsic;
use plexus_runtime::{rao_per_alpha, Hyperparameters, Neuron, State, Subnet, Swap};
use std::collections::BTreeMap;

fn text(value: &str) -> Text {
    value.bytes().map(Compact).collect()
}

/// One value per neuron, in uid order, as the runtime APIs' compact vectors carry them.
fn per_uid<T>(neurons: &[&Neuron], value: impl Fn(&Neuron) -> T) -> Vec<Compact<T>> {
    neurons.iter().map(|n| Compact(value(n))).collect()
}

fn owner_of(state: &State, hotkey: &AccountId) -> AccountId32 {
    state
        .hotkey_owner(hotkey)
        .unwrap_or(AccountId([0; 32]))
        .into()
}

/// A Q64.64 price in the clients' I96F32 (32 fractional bits).
fn i96f32(q64: u128) -> I96F32 {
    I96F32 {
        bits: i128::try_from(q64 >> 32).unwrap_or(i128::MAX),
    }
}

fn axon(info: Option<&plexus_runtime::AxonInfo>) -> AxonInfo {
    info.map_or_else(AxonInfo::default, |a| AxonInfo {
        block: a.block,
        version: a.version,
        ip: a.ip,
        port: a.port,
        ip_type: a.ip_type,
        protocol: a.protocol,
        placeholder1: 0,
        placeholder2: 0,
    })
}

fn identity(subnet: &Subnet) -> Option<SubnetIdentityV3> {
    subnet.identity.as_ref().map(|i| SubnetIdentityV3 {
        subnet_name: i.name.clone().into_bytes(),
        github_repo: i.github_repo.clone().into_bytes(),
        subnet_contact: i.contact.clone().into_bytes(),
        subnet_url: i.url.clone().into_bytes(),
        discord: i.discord.clone().into_bytes(),
        description: i.description.clone().into_bytes(),
        logo_url: i.logo_url.clone().into_bytes(),
        additional: i.additional.clone().into_bytes(),
    })
}

fn name(subnet: &Subnet) -> Text {
    text(subnet.identity.as_ref().map_or("", |i| i.name.as_str()))
}

/// The neuron at `uid` with its weights and bonds. Plexus computes no rank or trust (as
/// Bittensor no longer does): rank is the incentive, trust 0; pruning score 0.
pub(super) fn neuron(state: &State, netuid: NetUid, uid: u16) -> Option<NeuronInfo> {
    let n = state.neuron(netuid, uid)?;
    let stake = state
        .nominations(&n.hotkey)
        .into_iter()
        .filter(|(_, on, alpha)| *on == netuid && *alpha > 0)
        .map(|(coldkey, _, alpha)| (coldkey.into(), Compact(alpha)))
        .collect();
    let pairs = |row: &[(u16, u16)]| {
        row.iter()
            .map(|(u, w)| (Compact(*u), Compact(*w)))
            .collect()
    };
    Some(NeuronInfo {
        hotkey: n.hotkey.into(),
        coldkey: owner_of(state, &n.hotkey),
        uid,
        netuid,
        active: n.epoch.active,
        axon_info: axon(n.axon.as_ref()),
        prometheus_info: PrometheusInfo::default(),
        stake,
        rank: n.epoch.incentive,
        emission: n.emission,
        incentive: n.epoch.incentive,
        consensus: n.epoch.consensus,
        trust: 0,
        validator_trust: n.epoch.validator_trust,
        dividends: n.epoch.dividends,
        last_update: n.last_update,
        validator_permit: n.validator_permit,
        weights: pairs(state.weights(netuid, uid)),
        bonds: pairs(state.bonds(netuid, uid)),
        pruning_score: 0,
    })
}

/// Every neuron of `netuid`, by uid (none for an unknown subnet).
pub(super) fn neurons(state: &State, netuid: NetUid) -> Vec<NeuronInfo> {
    let n = state.subnet(netuid).map_or(0, |s| s.n);
    (0..n)
        .filter_map(|uid| neuron(state, netuid, uid))
        .collect()
}

/// The pool and emission figures `DynamicInfo` and the metagraph share.
struct Token {
    emission: Balance,
    alpha_in: Balance,
    alpha_out: Balance,
    tao_in: Balance,
    alpha_out_emission: Balance,
    alpha_in_emission: Balance,
    tao_in_emission: Balance,
    pending: Balance,
}

/// `emission` is the TAO the next block offers the subnet (what Plexus's `state_subnets`
/// reports); the `_emission` figures are what the next block mints for it; `alpha_out` is the
/// alpha in existence outside the pool (stakes and pending pots).
fn token(state: &State, netuid: NetUid) -> Token {
    let pool = state.pool(netuid);
    let (tao_in, alpha_in) = pool.map_or((0, 0), |p| (p.tao, p.alpha));
    let supply = state.alpha_supply(netuid);
    let next = state.next_block_emission(netuid);
    let emission = state
        .tao_emission_shares(state.block() + 1)
        .into_iter()
        .find(|(n, _)| *n == netuid)
        .map_or(0, |(_, tao)| tao);
    Token {
        emission,
        alpha_in,
        alpha_out: supply
            .issued
            .saturating_sub(supply.burned)
            .saturating_sub(alpha_in),
        tao_in,
        alpha_out_emission: next.alpha_out,
        alpha_in_emission: next.alpha_in,
        tao_in_emission: next.tao_in,
        pending: state.pending_emission(netuid).total(),
    }
}

/// The root network (netuid 0), which the clients expect to find first. Plexus has no root
/// stake yet, so it is shown empty: no owner, no pools, no emission.
fn root(state: &State) -> DynamicInfo {
    let nobody = AccountId32::from(AccountId([0; 32]));
    DynamicInfo {
        netuid: ROOT,
        owner_hotkey: nobody,
        owner_coldkey: nobody,
        subnet_name: text("root"),
        token_symbol: text("τ"),
        tempo: 0,
        last_step: 0,
        blocks_since_last_step: state.block(),
        emission: 0,
        alpha_in: 0,
        alpha_out: 0,
        tao_in: 0,
        alpha_out_emission: 0,
        alpha_in_emission: 0,
        tao_in_emission: 0,
        pending_alpha_emission: 0,
        pending_root_emission: 0,
        subnet_volume: 0,
        network_registered_at: 0,
        subnet_identity: None,
        moving_price: I96F32 { bits: 1 << 32 },
    }
}

/// The root network's netuid.
const ROOT: NetUid = 0;

/// Every subnet's dynamic info, the root's first.
pub(super) fn all_dynamic_info(state: &State) -> Vec<Option<DynamicInfo>> {
    std::iter::once(Some(root(state)))
        .chain(
            state
                .subnets()
                .map(|(netuid, _)| dynamic_info(state, netuid)),
        )
        .collect()
}

/// Every subnet's price, the root's (one TAO) first.
pub(super) fn prices(state: &State) -> Vec<SubnetPrice> {
    std::iter::once(ROOT)
        .chain(state.subnets().map(|(netuid, _)| netuid))
        .map(|netuid| SubnetPrice {
            netuid,
            price: price(state, netuid),
        })
        .collect()
}

pub(super) fn dynamic_info(state: &State, netuid: NetUid) -> Option<DynamicInfo> {
    if netuid == ROOT {
        return Some(root(state));
    }
    let subnet = state.subnet(netuid)?;
    let tempo = state.hyperparameters(netuid).map_or(0, |h| h.tempo);
    let token = token(state, netuid);
    Some(DynamicInfo {
        netuid,
        owner_hotkey: subnet.owner_hotkey.into(),
        owner_coldkey: subnet.owner_coldkey.into(),
        subnet_name: name(subnet),
        token_symbol: text(&state.token_symbol(netuid)),
        tempo,
        last_step: subnet.last_epoch_block,
        blocks_since_last_step: state.block().saturating_sub(subnet.last_epoch_block),
        emission: token.emission,
        alpha_in: token.alpha_in,
        alpha_out: token.alpha_out,
        tao_in: token.tao_in,
        alpha_out_emission: token.alpha_out_emission,
        alpha_in_emission: token.alpha_in_emission,
        tao_in_emission: token.tao_in_emission,
        pending_alpha_emission: token.pending,
        pending_root_emission: 0,
        subnet_volume: 0,
        network_registered_at: subnet.registered_at,
        subnet_identity: identity(subnet),
        moving_price: i96f32(subnet.moving_price),
    })
}

pub(super) fn subnet_info(state: &State, netuid: NetUid) -> Option<SubnetInfov2> {
    let subnet = state.subnet(netuid)?;
    let h = state.hyperparameters(netuid)?;
    Some(SubnetInfov2 {
        netuid,
        rho: h.rho,
        kappa: h.kappa,
        difficulty: 0,
        immunity_period: h.immunity_period,
        max_allowed_validators: h.max_allowed_validators,
        min_allowed_weights: h.min_allowed_weights,
        max_weights_limit: h.max_weight_limit,
        scaling_law_power: 0,
        subnetwork_n: subnet.n,
        max_allowed_uids: h.max_allowed_uids,
        blocks_since_last_step: state.block().saturating_sub(subnet.last_epoch_block),
        tempo: h.tempo,
        network_modality: 0,
        network_connect: Vec::new(),
        emission_value: token(state, netuid).emission,
        burn: subnet.burn,
        owner: subnet.owner_coldkey.into(),
        identity: identity(subnet),
    })
}

/// The per-uid vectors of `netuid`, indexed by uid. Plexus computes no rank, trust or pruning
/// score (rank is the incentive, the others 0). Stakes are as the epoch weighs them: alpha and
/// root TAO each as inherited through child and parent hotkeys, and the total
/// `alpha + tao × tao_weight`.
pub(super) fn subnet_state(state: &State, netuid: NetUid) -> Option<SubnetState> {
    let subnet = state.subnet(netuid)?;
    let neurons: Vec<_> = (0..subnet.n)
        .filter_map(|uid| state.neuron(netuid, uid))
        .collect();
    let alpha_stake = per_uid(&neurons, |n| {
        state.inherited_stake(&n.hotkey, netuid, netuid)
    });
    let tao_stake = per_uid(&neurons, |n| {
        state.inherited_stake(&n.hotkey, netuid, plexus_runtime::ROOT_NETUID)
    });
    let total_stake = per_uid(&neurons, |n| state.stake_weight(netuid, &n.hotkey));
    let zeros = vec![Compact(0); neurons.len()];
    Some(SubnetState {
        netuid,
        hotkeys: neurons.iter().map(|n| n.hotkey.into()).collect(),
        coldkeys: neurons.iter().map(|n| owner_of(state, &n.hotkey)).collect(),
        active: neurons.iter().map(|n| n.epoch.active).collect(),
        validator_permit: neurons.iter().map(|n| n.validator_permit).collect(),
        pruning_score: zeros.clone(),
        last_update: per_uid(&neurons, |n| n.last_update),
        emission: per_uid(&neurons, |n| n.emission),
        dividends: per_uid(&neurons, |n| n.epoch.dividends),
        incentives: per_uid(&neurons, |n| n.epoch.incentive),
        consensus: per_uid(&neurons, |n| n.epoch.consensus),
        trust: zeros.clone(),
        rank: per_uid(&neurons, |n| n.epoch.incentive),
        block_at_registration: per_uid(&neurons, |n| n.registered_at),
        total_stake,
        alpha_stake,
        tao_stake,
        emission_history: Vec::new(),
    })
}

pub(super) fn metagraph(state: &State, netuid: NetUid) -> Option<Metagraph> {
    let subnet = state.subnet(netuid)?;
    let h = state.hyperparameters(netuid)?;
    let token = token(state, netuid);
    let c = subnet_state(state, netuid)?;
    let axons = (0..subnet.n)
        .filter_map(|uid| state.neuron(netuid, uid))
        .map(|n| axon(n.axon.as_ref()))
        .collect();
    Some(Metagraph {
        netuid,
        name: name(subnet),
        symbol: text(&state.token_symbol(netuid)),
        identity: identity(subnet),
        network_registered_at: subnet.registered_at,
        owner_hotkey: subnet.owner_hotkey.into(),
        owner_coldkey: subnet.owner_coldkey.into(),
        block: state.block(),
        tempo: h.tempo,
        last_step: subnet.last_epoch_block,
        blocks_since_last_step: state.block().saturating_sub(subnet.last_epoch_block),
        subnet_emission: token.emission,
        alpha_in: token.alpha_in,
        alpha_out: token.alpha_out,
        tao_in: token.tao_in,
        alpha_out_emission: token.alpha_out_emission,
        alpha_in_emission: token.alpha_in_emission,
        tao_in_emission: token.tao_in_emission,
        pending_alpha_emission: token.pending,
        pending_root_emission: 0,
        subnet_volume: 0,
        moving_price: i96f32(subnet.moving_price),
        rho: h.rho,
        kappa: h.kappa,
        min_allowed_weights: h.min_allowed_weights,
        max_weights_limit: h.max_weight_limit,
        weights_version: h.weights_version_key,
        weights_rate_limit: h.weights_rate_limit,
        activity_cutoff: h.activity_cutoff(),
        max_validators: h.max_allowed_validators,
        num_uids: subnet.n,
        max_uids: h.max_allowed_uids,
        burn: subnet.burn,
        difficulty: 0,
        registration_allowed: h.registration_allowed,
        pow_registration_allowed: false,
        immunity_period: h.immunity_period,
        min_difficulty: 0,
        max_difficulty: 0,
        min_burn: h.min_burn,
        max_burn: h.max_burn,
        adjustment_alpha: 0,
        adjustment_interval: 0,
        target_regs_per_interval: TARGET_REGS_PER_INTERVAL,
        max_regs_per_block: MAX_REGS_PER_BLOCK,
        serving_rate_limit: h.serving_rate_limit,
        commit_reveal_weights_enabled: h.commit_reveal,
        commit_reveal_period: h.reveal_period_epochs,
        liquid_alpha_enabled: h.liquid_alpha,
        alpha_high: h.alpha_high,
        alpha_low: h.alpha_low,
        bonds_moving_avg: h.bonds_moving_average,
        identities: c
            .coldkeys
            .iter()
            .map(|coldkey| coldkey_identity(state, *coldkey))
            .collect(),
        hotkeys: c.hotkeys,
        coldkeys: c.coldkeys,
        axons,
        active: c.active,
        validator_permit: c.validator_permit,
        pruning_score: c.pruning_score,
        last_update: c.last_update,
        emission: c.emission,
        dividends: c.dividends,
        incentives: c.incentives,
        consensus: c.consensus,
        trust: c.trust,
        rank: c.rank,
        block_at_registration: c.block_at_registration,
        alpha_stake: c.alpha_stake,
        tao_stake: c.tao_stake,
        total_stake: c.total_stake,
        tao_dividends_per_hotkey: Vec::new(),
        alpha_dividends_per_hotkey: Vec::new(),
    })
}

/// Registration pacing Plexus does not have: Bittensor's defaults, shown for completeness.
const TARGET_REGS_PER_INTERVAL: u16 = 2;
const MAX_REGS_PER_BLOCK: u16 = 1;

/// `hyperparams_v3`'s entries, in Bittensor's order, from Plexus's hyperparameters.
pub(super) fn hyperparameters(state: &State, netuid: NetUid) -> Option<Vec<HyperparamEntry>> {
    use HyperparamValue::{Bool, TaoBalance, U16, U32, U64};
    let subnet = state.subnet(netuid)?;
    let h: &Hyperparameters = state.hyperparameters(netuid)?;
    let entry = |name: &str, value| HyperparamEntry {
        name: name.as_bytes().to_vec(),
        value,
    };
    // ppm to U64F64: ppm × 2^64 / 10^6, exactly representable in 128 bits.
    let burn_mult = U64F64 {
        bits: (u128::from(h.burn_increase_mult_ppm) << 64) / 1_000_000,
    };
    Some(vec![
        entry("kappa", U16(h.kappa)),
        entry("immunity_period", U16(h.immunity_period)),
        entry("min_allowed_weights", U16(h.min_allowed_weights)),
        entry("max_weights_limit", U16(h.max_weight_limit)),
        entry("tempo", U16(h.tempo)),
        entry("weights_version", U64(h.weights_version_key)),
        entry("weights_rate_limit", U64(h.weights_rate_limit)),
        entry("activity_cutoff", U64(h.activity_cutoff())),
        entry(
            "activity_cutoff_factor",
            U32(h.activity_cutoff_factor_milli),
        ),
        entry("registration_allowed", Bool(h.registration_allowed)),
        entry("target_regs_per_interval", U16(TARGET_REGS_PER_INTERVAL)),
        entry("min_burn", TaoBalance(h.min_burn)),
        entry("max_burn", TaoBalance(h.max_burn)),
        entry("burn_half_life", U16(h.burn_half_life)),
        entry("burn_increase_mult", HyperparamValue::U64F64(burn_mult)),
        entry("bonds_moving_avg", U64(h.bonds_moving_average)),
        entry("max_regs_per_block", U16(MAX_REGS_PER_BLOCK)),
        entry("serving_rate_limit", U64(h.serving_rate_limit)),
        entry("max_validators", U16(h.max_allowed_validators)),
        entry("commit_reveal_period", U64(h.reveal_period_epochs)),
        entry("commit_reveal_weights_enabled", Bool(h.commit_reveal)),
        entry("alpha_high", U16(h.alpha_high)),
        entry("alpha_low", U16(h.alpha_low)),
        entry("liquid_alpha_enabled", Bool(h.liquid_alpha)),
        entry(
            "alpha_sigmoid_steepness",
            HyperparamValue::I32F32(I32F32 {
                bits: i64::from(h.alpha_sigmoid_steepness) << 32,
            }),
        ),
        entry("yuma_version", U16(if h.yuma3 { 3 } else { 2 })),
        entry(
            "subnet_is_active",
            Bool(subnet.first_emission_block.is_some()),
        ),
        entry("transfers_enabled", Bool(true)),
        entry("bonds_reset_enabled", Bool(h.bonds_reset)),
        entry("user_liquidity_enabled", Bool(false)),
        entry("owner_cut_enabled", Bool(true)),
        entry("owner_cut_auto_lock_enabled", Bool(false)),
        entry("min_childkey_take", U16(0)),
    ])
}

/// The block of the subnet's next epoch; `None` when its epochs are stopped (tempo 0).
pub(super) fn next_epoch_block(state: &State, netuid: NetUid) -> Option<u64> {
    let subnet = state.subnet(netuid)?;
    let tempo = state.hyperparameters(netuid)?.tempo;
    (tempo > 0).then(|| subnet.last_epoch_block + u64::from(tempo))
}

/// `coldkey`'s stake through `hotkey` on `netuid` (zero when there is none). Plexus keeps no
/// per-stake emission or locks: those fields are 0.
pub(super) fn stake(
    state: &State,
    hotkey: AccountId32,
    coldkey: AccountId32,
    netuid: NetUid,
) -> StakeInfo {
    let (hk, ck) = (AccountId::from(hotkey), AccountId::from(coldkey));
    StakeInfo {
        hotkey,
        coldkey,
        netuid,
        stake: state.stake(&hk, &ck, netuid),
        locked: 0,
        emission: 0,
        tao_emission: 0,
        drain: 0,
        is_registered: state.uid(netuid, &hk).is_some(),
    }
}

/// Every non-zero stake `coldkey` holds.
pub(super) fn stakes_of(state: &State, coldkey: AccountId32) -> Vec<StakeInfo> {
    state
        .stakes_of(&coldkey.into())
        .into_iter()
        .filter(|(_, _, alpha)| *alpha > 0)
        .map(|(hotkey, netuid, _)| stake(state, hotkey.into(), coldkey, netuid))
        .collect()
}

/// How `coldkey` describes itself, in Bittensor's shape.
pub(crate) fn coldkey_identity(state: &State, coldkey: AccountId32) -> Option<ChainIdentityV2> {
    state.identity(&coldkey.into()).map(|i| ChainIdentityV2 {
        name: i.name.clone().into_bytes(),
        url: i.url.clone().into_bytes(),
        github_repo: i.github_repo.clone().into_bytes(),
        image: i.image.clone().into_bytes(),
        discord: i.discord.clone().into_bytes(),
        description: i.description.clone().into_bytes(),
        additional: i.additional.clone().into_bytes(),
    })
}

/// Each coldkey's stake on each of `netuids` (every subnet if none), as Bittensor answers:
/// subnets where the coldkey has nothing are left out, and a list that is empty or longer
/// than the number of subnets gives each coldkey an empty map.
pub(super) fn stake_availability(
    state: &State,
    coldkeys: Vec<AccountId32>,
    netuids: Option<Vec<u16>>,
) -> BTreeMap<AccountId32, BTreeMap<u16, StakeAvailability>> {
    let existing: Vec<u16> = state.subnets().map(|(netuid, _)| netuid).collect();
    let netuids = match netuids {
        None => existing,
        Some(mut requested) => {
            requested.sort_unstable();
            requested.dedup();
            if requested.is_empty() || requested.len() > existing.len() {
                Vec::new()
            } else {
                requested.retain(|n| existing.contains(n));
                requested
            }
        }
    };
    coldkeys
        .into_iter()
        .map(|coldkey| {
            let mut totals = BTreeMap::new();
            for (_, netuid, alpha) in state.stakes_of(&coldkey.into()) {
                if netuids.contains(&netuid) {
                    *totals.entry(netuid).or_insert(0u64) += alpha;
                }
            }
            let availability = totals
                .into_iter()
                .filter(|(_, total)| *total > 0)
                .map(|(netuid, total)| {
                    let entry = StakeAvailability {
                        total,
                        locked: 0,
                        available: total,
                    };
                    (netuid, entry)
                })
                .collect();
            (coldkey, availability)
        })
        .collect()
}

/// The swap fee of moving `amount` from `origin` to `destination` (either may be TAO: `None`).
pub(super) fn stake_fee(
    state: &State,
    origin: Option<(AccountId32, u16)>,
    destination: Option<(AccountId32, u16)>,
    amount: u64,
) -> u64 {
    let swap = match (origin, destination) {
        (None, Some((_, netuid))) => state.simulate_buy(netuid, amount),
        (Some((_, netuid)), _) => state.simulate_sell(netuid, amount),
        (None, None) => return 0,
    };
    swap.map_or(0, |s| s.fee)
}

/// A hotkey others can stake through: its take, nominators and registrations. Plexus does
/// not estimate returns: `return_per_1000` and `total_daily_return` are 0.
pub(super) fn delegate(state: &State, hotkey: AccountId, owner: AccountId) -> DelegateInfo {
    let mut nominators: Vec<(AccountId32, Vec<NetStake>)> = Vec::new();
    let mut stakes = state.nominations(&hotkey);
    stakes.retain(|(_, _, alpha)| *alpha > 0);
    stakes.sort_by_key(|(coldkey, netuid, _)| (*coldkey, *netuid));
    for (coldkey, netuid, alpha) in stakes {
        let coldkey = AccountId32::from(coldkey);
        let entry = (Compact(netuid), Compact(alpha));
        match nominators.last_mut() {
            Some((last, list)) if *last == coldkey => list.push(entry),
            _ => nominators.push((coldkey, vec![entry])),
        }
    }
    let mut registrations = Vec::new();
    let mut validator_permits = Vec::new();
    for (netuid, _) in state.subnets() {
        if let Some(uid) = state.uid(netuid, &hotkey) {
            registrations.push(Compact(netuid));
            if state
                .neuron(netuid, uid)
                .is_some_and(|n| n.validator_permit)
            {
                validator_permits.push(Compact(netuid));
            }
        }
    }
    DelegateInfo {
        delegate_ss58: hotkey.into(),
        take: state.delegate_take(&hotkey),
        nominators,
        owner_ss58: owner.into(),
        registrations,
        validator_permits,
        return_per_1000: 0,
        total_daily_return: 0,
    }
}

/// The delegates `coldkey` stakes through, each with one (netuid, alpha) it holds there.
pub(super) fn delegated(state: &State, coldkey: AccountId32) -> Vec<(DelegateInfo, NetStake)> {
    state
        .stakes_of(&coldkey.into())
        .into_iter()
        .filter(|(_, _, alpha)| *alpha > 0)
        .filter_map(|(hotkey, netuid, alpha)| {
            let owner = state.hotkey_owner(&hotkey)?;
            Some((
                delegate(state, hotkey, owner),
                (Compact(netuid), Compact(alpha)),
            ))
        })
        .collect()
}

/// The spot price, rao of TAO per alpha; 0 without a pool, one TAO for the root.
pub(super) fn price(state: &State, netuid: NetUid) -> u64 {
    if netuid == ROOT {
        return plexus_primitives::RAO_PER_TAO;
    }
    state
        .pool(netuid)
        .map_or(0, |p| rao_per_alpha(p.spot_price()))
}

/// What the output would be at the spot price with no slippage, for `net` (input after fee).
fn ideal(state: &State, netuid: NetUid, net: u64, buy: bool) -> u64 {
    let Some(price) = state.pool(netuid).map(|p| p.spot_price()) else {
        return 0;
    };
    let net = u128::from(net);
    let out = if buy {
        // tao / price, with the price Q64.64: (tao << 64) / price fits in 128 bits.
        (net << 64).checked_div(price).unwrap_or(0)
    } else {
        // alpha × price >> 64, split so no product exceeds 128 bits.
        (price >> 64)
            .saturating_mul(net)
            .saturating_add(((price & u128::from(u64::MAX)) * net) >> 64)
    };
    u64::try_from(out).unwrap_or(u64::MAX)
}

fn slippage(swap: &Swap, ideal: u64) -> u64 {
    ideal.saturating_sub(swap.amount_out)
}

pub(super) fn sim_buy(state: &State, netuid: NetUid, tao: u64) -> SimSwapResult {
    state.simulate_buy(netuid, tao).map_or_else(
        |_| SimSwapResult::default(),
        |swap| SimSwapResult {
            tao_amount: swap.amount_in,
            alpha_amount: swap.amount_out,
            tao_fee: swap.fee,
            alpha_fee: 0,
            tao_slippage: 0,
            alpha_slippage: slippage(
                &swap,
                ideal(state, netuid, swap.amount_in.saturating_sub(swap.fee), true),
            ),
        },
    )
}

pub(super) fn sim_sell(state: &State, netuid: NetUid, alpha: u64) -> SimSwapResult {
    state.simulate_sell(netuid, alpha).map_or_else(
        |_| SimSwapResult::default(),
        |swap| SimSwapResult {
            tao_amount: swap.amount_out,
            alpha_amount: swap.amount_in,
            tao_fee: 0,
            alpha_fee: swap.fee,
            tao_slippage: slippage(
                &swap,
                ideal(
                    state,
                    netuid,
                    swap.amount_in.saturating_sub(swap.fee),
                    false,
                ),
            ),
            alpha_slippage: 0,
        },
    )
}

/// The fee of the extrinsic `bytes` (length prefix included) if included now: decoded, its
/// signature unchecked.
pub(super) fn query_info(state: &State, bytes: &[u8]) -> Result<RuntimeDispatchInfo, String> {
    let extrinsic =
        Extrinsic::decode_bytes(bytes, u32::MAX).map_err(|e| format!("the extrinsic: {e}"))?;
    let length = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    Ok(RuntimeDispatchInfo {
        partial_fee: state.chain_params().fee(extrinsic.call(), length, 0),
        ..RuntimeDispatchInfo::default()
    })
}
