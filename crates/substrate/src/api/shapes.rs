//! What the runtime APIs answer, field for field in Bittensor's order: the clients decode by
//! position with the types the metadata declares, then read fields by name.

use crate::events::{DispatchClass, Weight};
use crate::types::{AccountId32, I32F32, I96F32, U64F64};
use parity_scale_codec::{Compact, Encode};
use scale_info::TypeInfo;

/// Text as the runtime APIs carry names and symbols: one compact per byte.
pub(crate) type Text = Vec<Compact<u8>>;

/// A stake on one subnet: (netuid, alpha).
pub(crate) type NetStake = (Compact<u16>, Compact<u64>);

/// Where a neuron serves.
#[derive(Debug, Clone, Default, Encode, TypeInfo)]
pub(crate) struct AxonInfo {
    pub block: u64,
    pub version: u32,
    pub ip: u128,
    pub port: u16,
    pub ip_type: u8,
    pub protocol: u8,
    pub placeholder1: u8,
    pub placeholder2: u8,
}

/// Where a neuron serves Prometheus metrics: never set on Plexus.
#[derive(Debug, Clone, Default, Encode, TypeInfo)]
pub(crate) struct PrometheusInfo {
    pub block: u64,
    pub version: u32,
    pub ip: u128,
    pub port: u16,
    pub ip_type: u8,
}

/// Declares the neuron twice from one field list: with its weights and bonds (`NeuronInfo`,
/// where they sit between the listed fields and `pruning_score`) and without (`NeuronInfoLite`).
macro_rules! neurons {
    ($( $(#[$compact:ident])? $field:ident : $ty:ty ),* $(,)?) => {
        /// One neuron without its weights and bonds.
        #[derive(Debug, Clone, Encode, TypeInfo)]
        pub(crate) struct NeuronInfoLite {
            $( $(#[codec($compact)])? pub $field: $ty, )*
            #[codec(compact)]
            pub pruning_score: u16,
        }

        /// One neuron with its weights and bonds.
        #[derive(Debug, Clone, Encode, TypeInfo)]
        pub(crate) struct NeuronInfo {
            $( $(#[codec($compact)])? pub $field: $ty, )*
            pub weights: Vec<(Compact<u16>, Compact<u16>)>,
            pub bonds: Vec<(Compact<u16>, Compact<u16>)>,
            #[codec(compact)]
            pub pruning_score: u16,
        }

        impl From<NeuronInfo> for NeuronInfoLite {
            fn from(n: NeuronInfo) -> Self {
                Self {
                    $( $field: n.$field, )*
                    pruning_score: n.pruning_score,
                }
            }
        }
    };
}

neurons! {
    hotkey: AccountId32,
    coldkey: AccountId32,
    #[compact]
    uid: u16,
    #[compact]
    netuid: u16,
    active: bool,
    axon_info: AxonInfo,
    prometheus_info: PrometheusInfo,
    stake: Vec<(AccountId32, Compact<u64>)>,
    #[compact]
    rank: u16,
    #[compact]
    emission: u64,
    #[compact]
    incentive: u16,
    #[compact]
    consensus: u16,
    #[compact]
    trust: u16,
    #[compact]
    validator_trust: u16,
    #[compact]
    dividends: u16,
    #[compact]
    last_update: u64,
    validator_permit: bool,
}

/// A subnet's identity, as its owner set it.
#[derive(Debug, Clone, Default, Encode, TypeInfo)]
pub(crate) struct SubnetIdentityV3 {
    pub subnet_name: Vec<u8>,
    pub github_repo: Vec<u8>,
    pub subnet_contact: Vec<u8>,
    pub subnet_url: Vec<u8>,
    pub discord: Vec<u8>,
    pub description: Vec<u8>,
    pub logo_url: Vec<u8>,
    pub additional: Vec<u8>,
}

/// A coldkey's identity.
#[derive(Debug, Clone, Default, Encode, TypeInfo)]
pub(crate) struct ChainIdentityV2 {
    pub name: Vec<u8>,
    pub url: Vec<u8>,
    pub github_repo: Vec<u8>,
    pub image: Vec<u8>,
    pub discord: Vec<u8>,
    pub description: Vec<u8>,
    pub additional: Vec<u8>,
}

/// A subnet's token and pool.
#[derive(Debug, Clone, Encode, TypeInfo)]
pub(crate) struct DynamicInfo {
    #[codec(compact)]
    pub netuid: u16,
    pub owner_hotkey: AccountId32,
    pub owner_coldkey: AccountId32,
    pub subnet_name: Text,
    pub token_symbol: Text,
    #[codec(compact)]
    pub tempo: u16,
    #[codec(compact)]
    pub last_step: u64,
    #[codec(compact)]
    pub blocks_since_last_step: u64,
    #[codec(compact)]
    pub emission: u64,
    #[codec(compact)]
    pub alpha_in: u64,
    #[codec(compact)]
    pub alpha_out: u64,
    #[codec(compact)]
    pub tao_in: u64,
    #[codec(compact)]
    pub alpha_out_emission: u64,
    #[codec(compact)]
    pub alpha_in_emission: u64,
    #[codec(compact)]
    pub tao_in_emission: u64,
    #[codec(compact)]
    pub pending_alpha_emission: u64,
    #[codec(compact)]
    pub pending_root_emission: u64,
    #[codec(compact)]
    pub subnet_volume: u128,
    #[codec(compact)]
    pub network_registered_at: u64,
    pub subnet_identity: Option<SubnetIdentityV3>,
    pub moving_price: I96F32,
}

/// A subnet's parameters, the older way.
#[derive(Debug, Clone, Encode, TypeInfo)]
pub(crate) struct SubnetInfov2 {
    #[codec(compact)]
    pub netuid: u16,
    #[codec(compact)]
    pub rho: u16,
    #[codec(compact)]
    pub kappa: u16,
    #[codec(compact)]
    pub difficulty: u64,
    #[codec(compact)]
    pub immunity_period: u16,
    #[codec(compact)]
    pub max_allowed_validators: u16,
    #[codec(compact)]
    pub min_allowed_weights: u16,
    #[codec(compact)]
    pub max_weights_limit: u16,
    #[codec(compact)]
    pub scaling_law_power: u16,
    #[codec(compact)]
    pub subnetwork_n: u16,
    #[codec(compact)]
    pub max_allowed_uids: u16,
    #[codec(compact)]
    pub blocks_since_last_step: u64,
    #[codec(compact)]
    pub tempo: u16,
    #[codec(compact)]
    pub network_modality: u16,
    pub network_connect: Vec<[u16; 2]>,
    #[codec(compact)]
    pub emission_value: u64,
    #[codec(compact)]
    pub burn: u64,
    pub owner: AccountId32,
    pub identity: Option<SubnetIdentityV3>,
}

/// Declares the metagraph twice from one field list: whole (`Metagraph`, every field) and
/// selective (`SelectiveMetagraph`, every field after `netuid` optional, then the validators
/// and commitments), with the numbering the selective request's indexes use.
macro_rules! metagraphs {
    ($( $(#[$compact:ident])? $field:ident : $ty:ty ),* $(,)?) => {
        /// A subnet and every neuron on it, in one answer.
        #[derive(Debug, Clone, Encode, TypeInfo)]
        pub(crate) struct Metagraph {
            #[codec(compact)]
            pub netuid: u16,
            $( $(#[codec($compact)])? pub $field: $ty, )*
        }

        /// The metagraph with only the fields a client asked for (by index: 0 is `netuid`,
        /// then the fields in order, then `validators` and `commitments`).
        #[derive(Debug, Clone, Encode, TypeInfo)]
        pub(crate) struct SelectiveMetagraph {
            #[codec(compact)]
            pub netuid: u16,
            $( pub $field: Option<metagraphs!(@inner $($compact)? $ty)>, )*
            pub validators: Option<Vec<Compact<u16>>>,
            pub commitments: Option<Vec<(AccountId32, Text)>>,
        }

        impl Metagraph {
            /// The fields `indexes` select; `validators` are the uids with a permit.
            pub(crate) fn select(self, indexes: &[u16]) -> SelectiveMetagraph {
                // Every index there is fits in 128 bits: one pass over what was asked, however
                // long, then a bit per field.
                let asked = indexes
                    .iter()
                    .filter(|i| **i < 128)
                    .fold(0u128, |set, i| set | 1 << i);
                let wanted = |index: u16| asked & (1 << index) != 0;
                let mut index = 0u16;
                let mut next = || { index += 1; wanted(index) };
                let validators = self
                    .validator_permit
                    .iter()
                    .enumerate()
                    .filter(|(_, permit)| **permit)
                    .map(|(uid, _)| Compact(u16::try_from(uid).unwrap_or(u16::MAX)))
                    .collect();
                SelectiveMetagraph {
                    netuid: self.netuid,
                    $( $field: next().then(|| metagraphs!(@wrap $($compact)? self.$field)), )*
                    validators: next().then_some(validators),
                    commitments: next().then(Vec::new),
                }
            }
        }
    };
    (@inner compact $ty:ty) => { Compact<$ty> };
    (@inner $ty:ty) => { $ty };
    (@wrap compact $value:expr) => { Compact($value) };
    (@wrap $value:expr) => { $value };
}

metagraphs! {
    name: Text,
    symbol: Text,
    identity: Option<SubnetIdentityV3>,
    #[compact]
    network_registered_at: u64,
    owner_hotkey: AccountId32,
    owner_coldkey: AccountId32,
    #[compact]
    block: u64,
    #[compact]
    tempo: u16,
    #[compact]
    last_step: u64,
    #[compact]
    blocks_since_last_step: u64,
    #[compact]
    subnet_emission: u64,
    #[compact]
    alpha_in: u64,
    #[compact]
    alpha_out: u64,
    #[compact]
    tao_in: u64,
    #[compact]
    alpha_out_emission: u64,
    #[compact]
    alpha_in_emission: u64,
    #[compact]
    tao_in_emission: u64,
    #[compact]
    pending_alpha_emission: u64,
    #[compact]
    pending_root_emission: u64,
    #[compact]
    subnet_volume: u128,
    moving_price: I96F32,
    #[compact]
    rho: u16,
    #[compact]
    kappa: u16,
    #[compact]
    min_allowed_weights: u16,
    #[compact]
    max_weights_limit: u16,
    #[compact]
    weights_version: u64,
    #[compact]
    weights_rate_limit: u64,
    #[compact]
    activity_cutoff: u64,
    #[compact]
    max_validators: u16,
    #[compact]
    num_uids: u16,
    #[compact]
    max_uids: u16,
    #[compact]
    burn: u64,
    #[compact]
    difficulty: u64,
    registration_allowed: bool,
    pow_registration_allowed: bool,
    #[compact]
    immunity_period: u16,
    #[compact]
    min_difficulty: u64,
    #[compact]
    max_difficulty: u64,
    #[compact]
    min_burn: u64,
    #[compact]
    max_burn: u64,
    #[compact]
    adjustment_alpha: u64,
    #[compact]
    adjustment_interval: u16,
    #[compact]
    target_regs_per_interval: u16,
    #[compact]
    max_regs_per_block: u16,
    #[compact]
    serving_rate_limit: u64,
    commit_reveal_weights_enabled: bool,
    #[compact]
    commit_reveal_period: u64,
    liquid_alpha_enabled: bool,
    #[compact]
    alpha_high: u16,
    #[compact]
    alpha_low: u16,
    #[compact]
    bonds_moving_avg: u64,
    hotkeys: Vec<AccountId32>,
    coldkeys: Vec<AccountId32>,
    identities: Vec<Option<ChainIdentityV2>>,
    axons: Vec<AxonInfo>,
    active: Vec<bool>,
    validator_permit: Vec<bool>,
    pruning_score: Vec<Compact<u16>>,
    last_update: Vec<Compact<u64>>,
    emission: Vec<Compact<u64>>,
    dividends: Vec<Compact<u16>>,
    incentives: Vec<Compact<u16>>,
    consensus: Vec<Compact<u16>>,
    trust: Vec<Compact<u16>>,
    rank: Vec<Compact<u16>>,
    block_at_registration: Vec<Compact<u64>>,
    alpha_stake: Vec<Compact<u64>>,
    tao_stake: Vec<Compact<u64>>,
    total_stake: Vec<Compact<u64>>,
    tao_dividends_per_hotkey: Vec<(AccountId32, Compact<u64>)>,
    alpha_dividends_per_hotkey: Vec<(AccountId32, Compact<u64>)>,
}

/// A subnet's per-uid vectors.
#[derive(Debug, Clone, Encode, TypeInfo)]
pub(crate) struct SubnetState {
    #[codec(compact)]
    pub netuid: u16,
    pub hotkeys: Vec<AccountId32>,
    pub coldkeys: Vec<AccountId32>,
    pub active: Vec<bool>,
    pub validator_permit: Vec<bool>,
    pub pruning_score: Vec<Compact<u16>>,
    pub last_update: Vec<Compact<u64>>,
    pub emission: Vec<Compact<u64>>,
    pub dividends: Vec<Compact<u16>>,
    pub incentives: Vec<Compact<u16>>,
    pub consensus: Vec<Compact<u16>>,
    pub trust: Vec<Compact<u16>>,
    pub rank: Vec<Compact<u16>>,
    pub block_at_registration: Vec<Compact<u64>>,
    pub alpha_stake: Vec<Compact<u64>>,
    pub tao_stake: Vec<Compact<u64>>,
    pub total_stake: Vec<Compact<u64>>,
    pub emission_history: Vec<Vec<Compact<u64>>>,
}

/// A hyperparameter's value, by kind.
#[derive(Debug, Clone, Encode, TypeInfo)]
pub(crate) enum HyperparamValue {
    #[codec(index = 0)]
    Bool(bool),
    #[codec(index = 1)]
    U16(#[codec(compact)] u16),
    #[codec(index = 2)]
    U32(#[codec(compact)] u32),
    #[codec(index = 3)]
    U64(#[codec(compact)] u64),
    #[codec(index = 5)]
    TaoBalance(#[codec(compact)] u64),
    #[codec(index = 6)]
    I32F32(I32F32),
    #[codec(index = 7)]
    U64F64(U64F64),
}

/// One hyperparameter, by name.
#[derive(Debug, Clone, Encode, TypeInfo)]
pub(crate) struct HyperparamEntry {
    pub name: Vec<u8>,
    pub value: HyperparamValue,
}

/// A coldkey's stake through one hotkey on one subnet.
#[derive(Debug, Clone, Encode, TypeInfo)]
pub(crate) struct StakeInfo {
    pub hotkey: AccountId32,
    pub coldkey: AccountId32,
    #[codec(compact)]
    pub netuid: u16,
    #[codec(compact)]
    pub stake: u64,
    #[codec(compact)]
    pub locked: u64,
    #[codec(compact)]
    pub emission: u64,
    #[codec(compact)]
    pub tao_emission: u64,
    #[codec(compact)]
    pub drain: u64,
    pub is_registered: bool,
}

/// A stake lock: Plexus has none, so it is only declared.
#[derive(Debug, Clone, Encode, TypeInfo)]
#[allow(dead_code)]
pub(crate) struct LockState {
    pub locked_mass: u64,
    pub conviction: U64F64,
    pub last_update: u64,
}

/// A coldkey's stake on one subnet and how much of it is free to move: all of it, as Plexus
/// has no stake locks.
#[derive(Debug, Clone, Encode, TypeInfo)]
pub(crate) struct StakeAvailability {
    #[codec(compact)]
    pub total: u64,
    #[codec(compact)]
    pub locked: u64,
    #[codec(compact)]
    pub available: u64,
}

/// A hotkey others stake through, with its take and nominators.
#[derive(Debug, Clone, Encode, TypeInfo)]
pub(crate) struct DelegateInfo {
    pub delegate_ss58: AccountId32,
    #[codec(compact)]
    pub take: u16,
    pub nominators: Vec<(AccountId32, Vec<NetStake>)>,
    pub owner_ss58: AccountId32,
    pub registrations: Vec<Compact<u16>>,
    pub validator_permits: Vec<Compact<u16>>,
    #[codec(compact)]
    pub return_per_1000: u64,
    #[codec(compact)]
    pub total_daily_return: u64,
}

/// A subnet's price, rao of TAO per alpha.
#[derive(Debug, Clone, Encode, TypeInfo)]
pub(crate) struct SubnetPrice {
    pub netuid: u16,
    pub price: u64,
}

/// What a transaction would cost (`TransactionPaymentApi_query_info`).
#[derive(Debug, Clone, Default, Encode, TypeInfo)]
pub(crate) struct RuntimeDispatchInfo {
    pub weight: Weight,
    pub class: DispatchClass,
    pub partial_fee: u64,
}

/// What a swap would give, with its fee and slippage.
#[derive(Debug, Clone, Default, Encode, TypeInfo)]
pub(crate) struct SimSwapResult {
    pub tao_amount: u64,
    pub alpha_amount: u64,
    pub tao_fee: u64,
    pub alpha_fee: u64,
    pub tao_slippage: u64,
    pub alpha_slippage: u64,
}
