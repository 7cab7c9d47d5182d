//! The runtime APIs the clients call through `state_call`: declared in the metadata (names,
//! parameter names and types, output types) and answered from one [`State`], both from the one
//! list in this module, so what is declared is what is served.
//!
//! Each answer is assembled from Plexus's state into Bittensor's shapes ([`shapes`]); values
//! Plexus does not have are given their neutral value (`docs/substrate-compat.md` lists them).

mod build;
mod shapes;

use crate::types::{AccountId32, UncheckedExtrinsic};
use frame_metadata::v15::{
    RuntimeApiMetadata, RuntimeApiMethodMetadata, RuntimeApiMethodParamMetadata,
};
use parity_scale_codec::{Decode, Encode};
use plexus_runtime::State;
use scale_info::meta_type;
use shapes::{
    DelegateInfo, DynamicInfo, HyperparamEntry, Metagraph, NetStake, NeuronInfo, NeuronInfoLite,
    RuntimeDispatchInfo, SelectiveMetagraph, SimSwapResult, StakeAvailability, StakeInfo,
    SubnetInfov2, SubnetPrice, SubnetState,
};
use std::collections::BTreeMap;

pub(crate) use build::coldkey_identity;
pub(crate) use shapes::{ChainIdentityV2, LockState, SubnetIdentityV3};

/// Why a runtime-API call has no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// No runtime API of that name (`Api_method`) is served.
    #[error("Exported method {0} is not found")]
    UnknownMethod(String),
    /// The arguments do not decode as the metadata declares them.
    #[error("Bad input data provided to {method}: {reason}")]
    BadInput {
        /// The method called.
        method: String,
        /// What did not decode.
        reason: String,
    },
}

/// Decodes the argument `name` of `method` from the front of `input`.
fn argument<T: Decode>(input: &mut &[u8], method: &str, name: &str) -> Result<T, CallError> {
    T::decode(input).map_err(|e| CallError::BadInput {
        method: method.to_string(),
        reason: format!("could not decode `{name}`: {e}"),
    })
}

/// Declares the runtime APIs: each method's parameters with their SCALE types, its output type,
/// and how it is answered from a state.
macro_rules! runtime_apis {
    ($(
        $api:ident {
            $( fn $method:ident ( $( $arg:ident : $ty:ty ),* ) -> $out:ty = |$state:ident| $body:expr; )*
        }
    )*) => {
        /// The runtime APIs as the metadata declares them.
        pub(crate) fn declarations() -> Vec<RuntimeApiMetadata> {
            vec![$(
                RuntimeApiMetadata {
                    name: stringify!($api),
                    methods: vec![$(
                        RuntimeApiMethodMetadata {
                            name: stringify!($method),
                            inputs: vec![$(
                                RuntimeApiMethodParamMetadata {
                                    name: stringify!($arg),
                                    ty: meta_type::<$ty>(),
                                },
                            )*],
                            output: meta_type::<$out>(),
                            docs: vec![],
                        },
                    )*],
                    docs: vec![],
                },
            )*]
        }

        /// The names of the runtime APIs served, for the runtime version's list.
        pub(crate) const API_NAMES: &[&str] = &[$( stringify!($api) ),*];

        /// Answers the runtime-API call `method` (`Api_method`) with SCALE `input` from `state`,
        /// as SCALE.
        pub fn call(state: &State, method: &str, input: &[u8]) -> Result<Vec<u8>, CallError> {
            let mut input = input;
            $($(
                if method == concat!(stringify!($api), "_", stringify!($method)) {
                    $(
                        // Some are declared for the clients' encoding and not needed here.
                        #[allow(unused_variables)]
                        let $arg: $ty = argument(&mut input, method, stringify!($arg))?;
                    )*
                    if !input.is_empty() {
                        return Err(CallError::BadInput {
                            method: method.to_string(),
                            reason: format!("{} bytes left over after the arguments", input.len()),
                        });
                    }
                    let $state = state;
                    let answer: $out = $body;
                    return Ok(answer.encode());
                }
            )*)*
            Err(CallError::UnknownMethod(method.to_string()))
        }
    };
}

runtime_apis! {
    AccountNonceApi {
        fn account_nonce(account: AccountId32) -> u32 =
            |s| u32::try_from(s.nonce(&account.into())).unwrap_or(u32::MAX);
    }
    NeuronInfoRuntimeApi {
        fn get_neurons_lite(netuid: u16) -> Vec<NeuronInfoLite> =
            |s| build::neurons(s, netuid).into_iter().map(NeuronInfoLite::from).collect();
        fn get_neurons(netuid: u16) -> Vec<NeuronInfo> = |s| build::neurons(s, netuid);
        fn get_neuron_lite(netuid: u16, uid: u16) -> Option<NeuronInfoLite> =
            |s| build::neuron(s, netuid, uid).map(NeuronInfoLite::from);
        fn get_neuron(netuid: u16, uid: u16) -> Option<NeuronInfo> =
            |s| build::neuron(s, netuid, uid);
    }
    SubnetInfoRuntimeApi {
        fn get_metagraph(netuid: u16) -> Option<Metagraph> = |s| build::metagraph(s, netuid);
        fn get_mechagraph(netuid: u16, mecid: u8) -> Option<Metagraph> =
            |s| (mecid == 0).then(|| build::metagraph(s, netuid)).flatten();
        fn get_selective_metagraph(netuid: u16, metagraph_indexes: Vec<u16>) -> Option<SelectiveMetagraph> =
            |s| build::metagraph(s, netuid).map(|m| m.select(&metagraph_indexes));
        fn get_selective_mechagraph(netuid: u16, mecid: u8, metagraph_indexes: Vec<u16>) -> Option<SelectiveMetagraph> =
            |s| (mecid == 0)
                .then(|| build::metagraph(s, netuid))
                .flatten()
                .map(|m| m.select(&metagraph_indexes));
        fn get_subnet_state(netuid: u16) -> Option<SubnetState> = |s| build::subnet_state(s, netuid);
        fn get_dynamic_info(netuid: u16) -> Option<DynamicInfo> = |s| build::dynamic_info(s, netuid);
        fn get_all_dynamic_info() -> Vec<Option<DynamicInfo>> = |s| build::all_dynamic_info(s);
        fn get_subnet_info_v2(netuid: u16) -> Option<SubnetInfov2> = |s| build::subnet_info(s, netuid);
        fn get_subnets_info_v2() -> Vec<Option<SubnetInfov2>> =
            |s| s.subnets().map(|(netuid, _)| build::subnet_info(s, netuid)).collect();
        fn get_subnet_hyperparams_v3(netuid: u16) -> Option<Vec<HyperparamEntry>> =
            |s| build::hyperparameters(s, netuid);
        fn get_next_epoch_start_block(netuid: u16) -> Option<u64> =
            |s| build::next_epoch_block(s, netuid);
    }
    StakeInfoRuntimeApi {
        fn get_stake_info_for_coldkey(coldkey_account: AccountId32) -> Vec<StakeInfo> =
            |s| build::stakes_of(s, coldkey_account);
        fn get_stake_info_for_coldkeys(coldkey_accounts: Vec<AccountId32>) -> Vec<(AccountId32, Vec<StakeInfo>)> =
            |s| coldkey_accounts
                .into_iter()
                .map(|coldkey| (coldkey, build::stakes_of(s, coldkey)))
                .collect();
        fn get_stake_info_for_hotkey_coldkey_netuid(hotkey_account: AccountId32, coldkey_account: AccountId32, netuid: u16) -> Option<StakeInfo> =
            |s| (netuid == plexus_runtime::ROOT_NETUID || s.subnet(netuid).is_some())
                .then(|| build::stake(s, hotkey_account, coldkey_account, netuid));
        fn get_stake_fee(
            origin: Option<(AccountId32, u16)>,
            origin_coldkey_account: AccountId32,
            destination: Option<(AccountId32, u16)>,
            destination_coldkey_account: AccountId32,
            amount: u64
        ) -> u64 = |s| build::stake_fee(s, origin, destination, amount);
        // Plexus has no stake locks.
        fn get_coldkey_lock(coldkey: AccountId32, netuid: u16) -> Option<LockState> = |_s| None;
        fn get_stake_availability_for_coldkeys(
            coldkey_accounts: Vec<AccountId32>,
            netuids: Option<Vec<u16>>
        ) -> BTreeMap<AccountId32, BTreeMap<u16, StakeAvailability>> =
            |s| build::stake_availability(s, coldkey_accounts, netuids);
    }
    DelegateInfoRuntimeApi {
        fn get_delegates() -> Vec<DelegateInfo> =
            |s| s.hotkeys().map(|(hotkey, owner)| build::delegate(s, hotkey, owner)).collect();
        fn get_delegate(delegate_account: AccountId32) -> Option<DelegateInfo> =
            |s| s.hotkey_owner(&delegate_account.into())
                .map(|owner| build::delegate(s, delegate_account.into(), owner));
        fn get_delegated(delegatee_account: AccountId32) -> Vec<(DelegateInfo, NetStake)> =
            |s| build::delegated(s, delegatee_account);
    }
    SwapRuntimeApi {
        fn current_alpha_price(netuid: u16) -> u64 = |s| build::price(s, netuid);
        fn current_alpha_price_all() -> Vec<SubnetPrice> = |s| build::prices(s);
        fn sim_swap_tao_for_alpha(netuid: u16, tao: u64) -> SimSwapResult =
            |s| build::sim_buy(s, netuid, tao);
        fn sim_swap_alpha_for_tao(netuid: u16, alpha: u64) -> SimSwapResult =
            |s| build::sim_sell(s, netuid, alpha);
    }
    TransactionPaymentApi {
        // The clients ask before signing, with a zero signature: nothing is checked but the
        // format.
        fn query_info(uxt: UncheckedExtrinsic, len: u32) -> RuntimeDispatchInfo =
            |s| build::query_info(s, &uxt.0).map_err(|reason| CallError::BadInput {
                method: "TransactionPaymentApi_query_info".to_string(),
                reason,
            })?;
    }
    SubnetRegistrationRuntimeApi {
        fn get_network_registration_cost() -> u64 = |s| s.network_lock_cost(s.block() + 1);
    }
}

/// The runtime APIs served, as `state_getRuntimeVersion` lists them: each name's id (the first
/// 8 bytes of its BLAKE2b-256) and the version, `Metadata` first.
pub fn runtime_api_ids() -> Vec<([u8; 8], u32)> {
    use blake2::digest::consts::U32;
    use blake2::{Blake2b, Digest};
    std::iter::once(("Metadata", 2))
        .chain(API_NAMES.iter().map(|name| (*name, 1)))
        .map(|(name, version)| {
            let hash: [u8; 32] = Blake2b::<U32>::digest(name.as_bytes()).into();
            let mut id = [0u8; 8];
            id.copy_from_slice(&hash[..8]);
            (id, version)
        })
        .collect()
}
