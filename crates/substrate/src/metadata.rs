//! The V15 metadata: the pallets, storage items, constants, calls, events and errors Plexus
//! serves, under the names and indices Bittensor's chain gives them, with a type registry the
//! clients decode with.

use crate::api::{ChainIdentityV2, LockState, SubnetIdentityV3};
use crate::errors::{self, PalletErrors};
use crate::events::{
    BalancesEvent, EventRecord, RuntimeEvent, SubtensorEvent, SystemEvent, TransactionPaymentEvent,
};
use crate::read::EpochConsensus;
use crate::storage::{PlainItem, SubnetItem};
use crate::types::{
    AccountId32, AccountInfo, Era, MultiAddress, MultiSignature, RootClaimTypeEnum,
    UncheckedExtrinsic, H256, I64F64, I96F32,
};
use frame_metadata::v14::{
    PalletCallMetadata, PalletConstantMetadata, PalletErrorMetadata, PalletEventMetadata,
    PalletStorageMetadata, StorageEntryMetadata, StorageEntryModifier, StorageEntryType,
    StorageHasher,
};
use frame_metadata::v15::{
    CustomMetadata, CustomValueMetadata, ExtrinsicMetadata, OuterEnums, PalletMetadata,
    RuntimeMetadataV15, SignedExtensionMetadata,
};
use frame_metadata::{RuntimeMetadata, RuntimeMetadataPrefixed, META_RESERVED};
use parity_scale_codec::{Compact, Encode};
use plexus_runtime::extrinsic::{self, ArgType};
use plexus_runtime::{ChainParams, Hyperparameters};
use scale_info::build::{Fields, Variants};
use scale_info::{meta_type, Path, Type, TypeInfo};

pub use plexus_runtime::extrinsic::{SPEC_VERSION, TRANSACTION_VERSION};

/// What the metadata's constants say of this chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Constants {
    /// The smallest balance an account may be created with, rao.
    pub existential_deposit: u64,
    /// The target block time, milliseconds.
    pub block_time_ms: u64,
}

/// The chain itself, as the metadata's runtime type.
#[derive(TypeInfo)]
struct Runtime;

/// A pallet's calls, as the runtime's list of accepted calls ([`extrinsic::CALLS`]) gives them:
/// what the clients encode is what the chain decodes.
struct PalletCalls<const PALLET: u8>;

impl<const PALLET: u8> TypeInfo for PalletCalls<PALLET> {
    type Identity = Self;
    fn type_info() -> Type {
        let pallet = match PALLET {
            extrinsic::BALANCES => "pallet_balances::pallet",
            extrinsic::ADMIN_UTILS => "pallet_admin_utils::pallet",
            extrinsic::SUDO => "pallet_sudo::pallet",
            extrinsic::UTILITY => "pallet_utility::pallet",
            extrinsic::PROXY => "pallet_proxy::pallet",
            _ => "pallet_subtensor::pallet",
        };
        let mut variants = Variants::new();
        for spec in extrinsic::CALLS.iter().filter(|c| c.pallet == PALLET) {
            variants = variants.variant(spec.name, |v| {
                let mut fields = Fields::named();
                // The clients read each argument's type name as well as its type.
                for (name, ty) in spec.args {
                    fields = match ty {
                        ArgType::Bool => {
                            fields.field(|f| f.ty::<bool>().name(name).type_name("bool"))
                        }
                        ArgType::U8 => fields.field(|f| f.ty::<u8>().name(name).type_name("u8")),
                        ArgType::U16 => fields.field(|f| f.ty::<u16>().name(name).type_name("u16")),
                        ArgType::I16 => fields.field(|f| f.ty::<i16>().name(name).type_name("i16")),
                        ArgType::U32 => fields.field(|f| f.ty::<u32>().name(name).type_name("u32")),
                        ArgType::U64 => fields.field(|f| f.ty::<u64>().name(name).type_name("u64")),
                        ArgType::U128 => {
                            fields.field(|f| f.ty::<u128>().name(name).type_name("u128"))
                        }
                        ArgType::CompactU64 => {
                            fields.field(|f| f.compact::<u64>().name(name).type_name("T::Balance"))
                        }
                        ArgType::AccountId => fields
                            .field(|f| f.ty::<AccountId32>().name(name).type_name("T::AccountId")),
                        ArgType::MultiAddress => fields.field(|f| {
                            f.ty::<MultiAddress>()
                                .name(name)
                                .type_name("AccountIdLookupOf<T>")
                        }),
                        ArgType::H256 => {
                            fields.field(|f| f.ty::<H256>().name(name).type_name("H256"))
                        }
                        ArgType::VecU16 => {
                            fields.field(|f| f.ty::<Vec<u16>>().name(name).type_name("Vec<u16>"))
                        }
                        ArgType::Text => {
                            fields.field(|f| f.ty::<Vec<u8>>().name(name).type_name("Vec<u8>"))
                        }
                        ArgType::Call => fields.field(|f| {
                            f.ty::<Box<RuntimeCall>>()
                                .name(name)
                                .type_name("Box<<T as Config>::RuntimeCall>")
                        }),
                        ArgType::Calls => fields.field(|f| {
                            f.ty::<Vec<RuntimeCall>>()
                                .name(name)
                                .type_name("Vec<<T as Config>::RuntimeCall>")
                        }),
                        ArgType::ProxyType => fields.field(|f| {
                            f.ty::<ProxyTypeInfo>().name(name).type_name("T::ProxyType")
                        }),
                        ArgType::OptionProxyType => fields.field(|f| {
                            f.ty::<Option<ProxyTypeInfo>>()
                                .name(name)
                                .type_name("Option<T::ProxyType>")
                        }),
                        ArgType::NetUids => fields
                            .field(|f| f.ty::<Vec<u16>>().name(name).type_name("BTreeSet<NetUid>")),
                        ArgType::Children => fields.field(|f| {
                            f.ty::<Vec<(u64, AccountId32)>>()
                                .name(name)
                                .type_name("Vec<(u64, T::AccountId)>")
                        }),
                        ArgType::RootClaimType => fields.field(|f| {
                            f.ty::<RootClaimTypeEnum>()
                                .name(name)
                                .type_name("RootClaimTypeEnum")
                        }),
                    };
                }
                v.index(spec.index).fields(fields)
            });
        }
        Type::builder()
            .path(Path::new("Call", pallet))
            .variant(variants)
    }
}

type BalancesCall = PalletCalls<{ extrinsic::BALANCES }>;
type SubtensorCall = PalletCalls<{ extrinsic::SUBTENSOR }>;
type AdminUtilsCall = PalletCalls<{ extrinsic::ADMIN_UTILS }>;
type SudoCall = PalletCalls<{ extrinsic::SUDO }>;
type UtilityCall = PalletCalls<{ extrinsic::UTILITY }>;
type ProxyCall = PalletCalls<{ extrinsic::PROXY }>;

/// The proxy types Plexus has, under Bittensor's indices and path.
struct ProxyTypeInfo;

impl TypeInfo for ProxyTypeInfo {
    type Identity = Self;
    fn type_info() -> Type {
        use plexus_runtime::ProxyType as P;
        let mut variants = Variants::new();
        for t in P::ALL {
            let index = t.encode().first().copied().unwrap_or_default();
            let name: &'static str = match t {
                P::Any => "Any",
                P::Owner => "Owner",
                P::NonCritical => "NonCritical",
                P::NonTransfer => "NonTransfer",
                P::Staking => "Staking",
                P::Registration => "Registration",
                P::Transfer => "Transfer",
                P::SmallTransfer => "SmallTransfer",
                P::ChildKeys => "ChildKeys",
                P::RootClaim => "RootClaim",
            };
            variants = variants.variant(name, |v| v.index(index));
        }
        Type::builder()
            .path(Path::new("ProxyType", "subtensor_runtime_common"))
            .variant(variants)
    }
}

/// `System`'s errors.
#[derive(TypeInfo)]
#[allow(dead_code)]
enum SystemError {
    /// The name of specification does not match between the current runtime and the new runtime.
    #[codec(index = 0)]
    InvalidSpecName,
}

/// Every pallet's calls, by pallet index, under the runtime's path: the clients encode a call
/// argument of a type at `<crate>::RuntimeCall` (`Sudo.sudo`'s) as a call, and a derived path
/// has this crate's module in it.
struct RuntimeCall;

impl TypeInfo for RuntimeCall {
    type Identity = Self;
    fn type_info() -> Type {
        let mut ty = PalletCallsByIndex::type_info();
        ty.path = Path::new("RuntimeCall", "node_subtensor_runtime");
        ty
    }
}

#[derive(TypeInfo)]
#[allow(dead_code)]
enum PalletCallsByIndex {
    #[codec(index = 5)]
    Balances(BalancesCall),
    #[codec(index = 7)]
    SubtensorModule(SubtensorCall),
    #[codec(index = 11)]
    Utility(UtilityCall),
    #[codec(index = 12)]
    Sudo(SudoCall),
    #[codec(index = 16)]
    Proxy(ProxyCall),
    #[codec(index = 19)]
    AdminUtils(AdminUtilsCall),
}

/// Every pallet's errors, by pallet index.
#[derive(TypeInfo)]
#[allow(dead_code)]
enum RuntimeError {
    #[codec(index = 0)]
    System(SystemError),
    #[codec(index = 5)]
    Balances(PalletErrors<{ errors::BALANCES }>),
    #[codec(index = 7)]
    SubtensorModule(PalletErrors<{ errors::SUBTENSOR }>),
}

/// `CheckMetadataHash`'s mode: Plexus accepts `Disabled` only.
#[derive(TypeInfo)]
#[scale_info(replace_segment("plexus_substrate", "frame_metadata_hash_extension"))]
#[allow(dead_code)]
enum Mode {
    #[codec(index = 0)]
    Disabled,
    #[codec(index = 1)]
    Enabled,
}

/// What a signed transaction carries besides its call, in the order of [`signed_extensions`]:
/// the era, the nonce, the tip and the metadata-hash mode (the rest carry nothing).
type Extra = ((), (), (), (), Era, Compact<u32>, (), Compact<u64>, Mode);

/// The signed extensions, in the order and with the types the clients expect (the spec's
/// §5.2): what each adds to a transaction, and what each adds only to what is signed.
fn signed_extensions() -> Vec<SignedExtensionMetadata> {
    let extension = |identifier, ty, additional_signed| SignedExtensionMetadata {
        identifier,
        ty,
        additional_signed,
    };
    vec![
        extension("CheckNonZeroSender", meta_type::<()>(), meta_type::<()>()),
        extension("CheckSpecVersion", meta_type::<()>(), meta_type::<u32>()),
        extension("CheckTxVersion", meta_type::<()>(), meta_type::<u32>()),
        extension("CheckGenesis", meta_type::<()>(), meta_type::<H256>()),
        extension("CheckMortality", meta_type::<Era>(), meta_type::<H256>()),
        extension("CheckNonce", meta_type::<Compact<u32>>(), meta_type::<()>()),
        extension("CheckWeight", meta_type::<()>(), meta_type::<()>()),
        extension(
            "ChargeTransactionPayment",
            meta_type::<Compact<u64>>(),
            meta_type::<()>(),
        ),
        extension(
            "CheckMetadataHash",
            meta_type::<Mode>(),
            meta_type::<Option<[u8; 32]>>(),
        ),
    ]
}

fn constant<T: TypeInfo + 'static>(
    name: &'static str,
    value: impl Encode,
) -> PalletConstantMetadata {
    PalletConstantMetadata {
        name,
        ty: meta_type::<T>(),
        value: value.encode(),
        docs: vec![],
    }
}

/// A storage map: `hashers` and `K` (a tuple for several keys) make its keys, `V` its values;
/// `default` is what a client takes for an absent value (`None` makes it optional).
fn map<K: TypeInfo + 'static, V: TypeInfo + 'static>(
    name: &'static str,
    hashers: Vec<StorageHasher>,
    default: Option<Vec<u8>>,
) -> StorageEntryMetadata {
    StorageEntryMetadata {
        name,
        modifier: if default.is_some() {
            StorageEntryModifier::Default
        } else {
            StorageEntryModifier::Optional
        },
        ty: StorageEntryType::Map {
            hashers,
            key: meta_type::<K>(),
            value: meta_type::<V>(),
        },
        default: default.unwrap_or_else(|| None::<()>.encode()),
        docs: vec![],
    }
}

/// A plain storage value of type `V`, `default` when absent.
fn plain<V: TypeInfo + 'static>(name: &'static str, default: Vec<u8>) -> StorageEntryMetadata {
    StorageEntryMetadata {
        name,
        modifier: StorageEntryModifier::Default,
        ty: StorageEntryType::Plain(meta_type::<V>()),
        default,
        docs: vec![],
    }
}

/// The declaration of a `SubtensorModule` item keyed by netuid: its value type and the default
/// a client takes when a subnet has no value (the subnet does not exist), Plexus's own where
/// it has one.
fn subnet_entry(item: SubnetItem) -> StorageEntryMetadata {
    let defaults = Hyperparameters::default();
    let hashers = vec![if item.twox() {
        StorageHasher::Twox64Concat
    } else {
        StorageHasher::Identity
    }];
    let name = item.name();
    let entry = |value: fn() -> scale_info::MetaType, default: Option<Vec<u8>>| {
        let mut entry = map::<u16, ()>(name, hashers.clone(), default);
        if let StorageEntryType::Map { value: ty, .. } = &mut entry.ty {
            *ty = value();
        }
        entry
    };
    match item {
        SubnetItem::NetworksAdded => entry(meta_type::<bool>, Some(false.encode())),
        SubnetItem::Tempo => entry(meta_type::<u16>, Some(defaults.tempo.encode())),
        SubnetItem::WeightsSetRateLimit => {
            entry(meta_type::<u64>, Some(defaults.weights_rate_limit.encode()))
        }
        SubnetItem::LastUpdate => entry(meta_type::<Vec<u64>>, Some(Vec::<u64>::new().encode())),
        SubnetItem::Burn => entry(meta_type::<u64>, Some(0u64.encode())),
        SubnetItem::SubnetworkN => entry(meta_type::<u16>, Some(0u16.encode())),
        SubnetItem::CommitRevealWeightsEnabled | SubnetItem::GetCommitRevealWeightsEnabled => {
            entry(meta_type::<bool>, Some(defaults.commit_reveal.encode()))
        }
        SubnetItem::RevealPeriodEpochs | SubnetItem::GetCommitRevealPeriod => entry(
            meta_type::<u64>,
            Some(defaults.reveal_period_epochs.encode()),
        ),
        SubnetItem::MinAllowedWeights => entry(
            meta_type::<u16>,
            Some(defaults.min_allowed_weights.encode()),
        ),
        SubnetItem::MaxWeightsLimit => {
            entry(meta_type::<u16>, Some(defaults.max_weight_limit.encode()))
        }
        SubnetItem::WeightsVersionKey => entry(
            meta_type::<u64>,
            Some(defaults.weights_version_key.encode()),
        ),
        SubnetItem::ValidatorPermit => {
            entry(meta_type::<Vec<bool>>, Some(Vec::<bool>::new().encode()))
        }
        SubnetItem::MechanismCountCurrent => entry(meta_type::<u8>, Some(1u8.encode())),
        SubnetItem::SubnetOwner | SubnetItem::SubnetOwnerHotkey => {
            entry(meta_type::<AccountId32>, Some([0u8; 32].encode()))
        }
        SubnetItem::FirstEmissionBlockNumber => entry(meta_type::<u64>, None),
        SubnetItem::BlocksSinceLastStep => entry(meta_type::<u64>, Some(0u64.encode())),
        SubnetItem::SubnetEpochConsensus => entry(
            meta_type::<EpochConsensus>,
            Some(EpochConsensus::Yuma.encode()),
        ),
        SubnetItem::CollateralLockShare => entry(meta_type::<u16>, Some(0u16.encode())),
        SubnetItem::TokenSymbol => entry(meta_type::<Vec<u8>>, Some(Vec::<u8>::new().encode())),
    }
}

/// A commitment's record: Plexus has no commitments yet, so only declared.
#[derive(TypeInfo)]
#[allow(dead_code)]
struct Registration {
    deposit: u64,
    block: u32,
    info: CommitmentInfo,
}

#[derive(TypeInfo)]
#[allow(dead_code)]
struct CommitmentInfo {
    fields: Vec<Vec<u8>>,
}

/// `SubtensorModule`'s storage: what Plexus answers, then the maps the clients list or read
/// that Plexus has no values for (always empty).
fn subtensor_storage() -> Vec<StorageEntryMetadata> {
    use StorageHasher::{Blake2_128Concat, Identity, Twox64Concat};
    let mut entries: Vec<StorageEntryMetadata> =
        SubnetItem::ALL.into_iter().map(subnet_entry).collect();
    entries.extend([
        plain::<u16>(PlainItem::TotalNetworks.name(), 0u16.encode()),
        plain::<u64>(PlainItem::TotalIssuance.name(), 0u64.encode()),
        plain::<u16>(PlainItem::CommitRevealWeightsVersion.name(), 4u16.encode()),
        plain::<u64>(PlainItem::UnlockRate.name(), 0u64.encode()),
        plain::<u64>(PlainItem::MaturityRate.name(), 0u64.encode()),
        map::<(AccountId32, u16), bool>(
            "IsNetworkMember",
            vec![Blake2_128Concat, Identity],
            Some(false.encode()),
        ),
        map::<(u16, AccountId32), u16>("Uids", vec![Identity, Blake2_128Concat], None),
        map::<(u16, u16), AccountId32>("Keys", vec![Identity, Identity], Some([0u8; 32].encode())),
        map::<AccountId32, AccountId32>("Owner", vec![Blake2_128Concat], Some([0u8; 32].encode())),
        // Root dividends claimable per unit of root stake, by hotkey, and what each staker has
        // already had (`btcli stake list` reads them).
        map::<AccountId32, std::collections::BTreeMap<u16, I96F32>>(
            "RootClaimable",
            vec![Blake2_128Concat],
            Some(std::collections::BTreeMap::<u16, I96F32>::new().encode()),
        ),
        map::<(u16, AccountId32, AccountId32), u128>(
            "RootClaimed",
            vec![Identity, Blake2_128Concat, Blake2_128Concat],
            Some(0u128.encode()),
        ),
        // Stake locks by (coldkey, netuid, hotkey): Plexus has none, so it is only declared.
        map::<(AccountId32, u16, AccountId32), LockState>(
            "Lock",
            vec![Blake2_128Concat, Identity, Blake2_128Concat],
            None,
        ),
        // A hotkey's take; one never set takes the most a take may be.
        map::<AccountId32, u16>(
            "Delegates",
            vec![Blake2_128Concat],
            Some(ChainParams::default().max_delegate_take.encode()),
        ),
        map::<AccountId32, Vec<AccountId32>>(
            "OwnedHotkeys",
            vec![Blake2_128Concat],
            Some(Vec::<[u8; 32]>::new().encode()),
        ),
        map::<u16, Vec<u16>>("MechanismEmissionSplit", vec![Twox64Concat], None),
        map::<u16, (u64, I64F64)>("SubnetEmaTaoFlow", vec![Identity], None),
        map::<AccountId32, ChainIdentityV2>("IdentitiesV2", vec![Blake2_128Concat], None),
        map::<u16, SubnetIdentityV3>("SubnetIdentitiesV3", vec![Blake2_128Concat], None),
        map::<AccountId32, RootClaimTypeEnum>(
            "RootClaimType",
            vec![Blake2_128Concat],
            Some(0u8.encode()),
        ),
        map::<(AccountId32, u16), Vec<(u64, AccountId32)>>(
            "ChildKeys",
            vec![Blake2_128Concat, Identity],
            Some(Vec::<(u64, [u8; 32])>::new().encode()),
        ),
        map::<(AccountId32, u16), Vec<(u64, AccountId32)>>(
            "ParentKeys",
            vec![Blake2_128Concat, Identity],
            Some(Vec::<(u64, [u8; 32])>::new().encode()),
        ),
        map::<(AccountId32, u16), u16>(
            "ChildkeyTake",
            vec![Blake2_128Concat, Identity],
            Some(0u16.encode()),
        ),
        map::<(u16, AccountId32), (Vec<(u64, AccountId32)>, u64)>(
            "PendingChildKeys",
            vec![Identity, Blake2_128Concat],
            Some((Vec::<(u64, [u8; 32])>::new(), 0u64).encode()),
        ),
        map::<(u16, AccountId32), LockState>("HotkeyLock", vec![Identity, Blake2_128Concat], None),
        map::<(u16, AccountId32), LockState>(
            "DecayingHotkeyLock",
            vec![Identity, Blake2_128Concat],
            None,
        ),
        map::<u16, LockState>("OwnerLock", vec![Identity], None),
        map::<u16, LockState>("DecayingOwnerLock", vec![Identity], None),
    ]);
    entries
}

fn pallet(name: &'static str, index: u8) -> PalletMetadata {
    PalletMetadata {
        name,
        storage: None,
        calls: None,
        event: None,
        constants: vec![],
        error: None,
        index,
        docs: vec![],
    }
}

/// The metadata for a chain with `constants`, as `Metadata_metadata_at_version(15)` answers it:
/// `"meta"`, the version byte, then the V15 metadata, SCALE-encoded.
pub fn metadata(constants: Constants) -> Vec<u8> {
    let system = PalletMetadata {
        storage: Some(PalletStorageMetadata {
            prefix: "System",
            entries: vec![
                StorageEntryMetadata {
                    name: "Account",
                    modifier: StorageEntryModifier::Default,
                    ty: StorageEntryType::Map {
                        hashers: vec![StorageHasher::Blake2_128Concat],
                        key: meta_type::<AccountId32>(),
                        value: meta_type::<AccountInfo>(),
                    },
                    default: AccountInfo::default().encode(),
                    docs: vec![],
                },
                plain::<Vec<EventRecord>>("Events", Vec::<()>::new().encode()),
                StorageEntryMetadata {
                    name: "Number",
                    modifier: StorageEntryModifier::Default,
                    ty: StorageEntryType::Plain(meta_type::<u32>()),
                    default: 0u32.encode(),
                    docs: vec![],
                },
            ],
        }),
        event: Some(PalletEventMetadata {
            ty: meta_type::<SystemEvent>(),
        }),
        error: Some(PalletErrorMetadata {
            ty: meta_type::<SystemError>(),
        }),
        constants: vec![
            constant::<u16>("SS58Prefix", plexus_primitives::SS58_PREFIX),
            constant::<u32>("BlockHashCount", 4096u32),
        ],
        ..pallet("System", 0)
    };
    let aura = PalletMetadata {
        constants: vec![constant::<u64>("SlotDuration", constants.block_time_ms)],
        ..pallet("Aura", 3)
    };
    let balances = PalletMetadata {
        calls: Some(PalletCallMetadata {
            ty: meta_type::<BalancesCall>(),
        }),
        event: Some(PalletEventMetadata {
            ty: meta_type::<BalancesEvent>(),
        }),
        error: Some(PalletErrorMetadata {
            ty: meta_type::<PalletErrors<{ errors::BALANCES }>>(),
        }),
        constants: vec![constant::<u64>(
            "ExistentialDeposit",
            constants.existential_deposit,
        )],
        ..pallet("Balances", 5)
    };
    let transaction_payment = PalletMetadata {
        event: Some(PalletEventMetadata {
            ty: meta_type::<TransactionPaymentEvent>(),
        }),
        ..pallet("TransactionPayment", 6)
    };
    let subtensor = PalletMetadata {
        storage: Some(PalletStorageMetadata {
            prefix: "SubtensorModule",
            entries: subtensor_storage(),
        }),
        calls: Some(PalletCallMetadata {
            ty: meta_type::<SubtensorCall>(),
        }),
        event: Some(PalletEventMetadata {
            ty: meta_type::<SubtensorEvent>(),
        }),
        error: Some(PalletErrorMetadata {
            ty: meta_type::<PalletErrors<{ errors::SUBTENSOR }>>(),
        }),
        ..pallet("SubtensorModule", 7)
    };
    // Commitments: listed by bittensor 11's metagraph; Plexus has none yet.
    let commitments = PalletMetadata {
        storage: Some(PalletStorageMetadata {
            prefix: "Commitments",
            entries: vec![
                map::<(u16, AccountId32), Registration>(
                    "CommitmentOf",
                    vec![StorageHasher::Identity, StorageHasher::Twox64Concat],
                    None,
                ),
                map::<(u16, AccountId32), Vec<(Vec<u8>, u64)>>(
                    "RevealedCommitments",
                    vec![StorageHasher::Identity, StorageHasher::Twox64Concat],
                    None,
                ),
            ],
        }),
        ..pallet("Commitments", 18)
    };
    // The governance account's wrapper for root-only hyperparameter calls.
    let sudo = PalletMetadata {
        calls: Some(PalletCallMetadata {
            ty: meta_type::<SudoCall>(),
        }),
        ..pallet("Sudo", 12)
    };
    // Batches, and proxies (Plexus's proxy types under Bittensor's indices).
    let utility = PalletMetadata {
        calls: Some(PalletCallMetadata {
            ty: meta_type::<UtilityCall>(),
        }),
        ..pallet("Utility", 11)
    };
    let proxy = PalletMetadata {
        calls: Some(PalletCallMetadata {
            ty: meta_type::<ProxyCall>(),
        }),
        ..pallet("Proxy", 16)
    };
    // The hyperparameter calls.
    let admin_utils = PalletMetadata {
        calls: Some(PalletCallMetadata {
            ty: meta_type::<AdminUtilsCall>(),
        }),
        ..pallet("AdminUtils", 19)
    };
    let extrinsic = ExtrinsicMetadata {
        version: 4,
        address_ty: meta_type::<MultiAddress>(),
        call_ty: meta_type::<RuntimeCall>(),
        signature_ty: meta_type::<MultiSignature>(),
        extra_ty: meta_type::<Extra>(),
        signed_extensions: signed_extensions(),
    };
    let outer_enums = OuterEnums {
        call_enum_ty: meta_type::<RuntimeCall>(),
        event_enum_ty: meta_type::<RuntimeEvent>(),
        error_enum_ty: meta_type::<RuntimeError>(),
    };
    let v15 = RuntimeMetadataV15::new(
        vec![
            system,
            aura,
            balances,
            transaction_payment,
            subtensor,
            utility,
            sudo,
            proxy,
            commitments,
            admin_utils,
        ],
        extrinsic,
        meta_type::<Runtime>(),
        crate::api::declarations(),
        outer_enums,
        // The clients find the transaction type by its path; nothing else declares it yet (the
        // runtime APIs that take one are not served), so it is registered here.
        CustomMetadata {
            map: [(
                "UncheckedExtrinsic",
                CustomValueMetadata {
                    ty: meta_type::<UncheckedExtrinsic>(),
                    value: vec![],
                },
            )]
            .into_iter()
            .collect(),
        },
    );
    RuntimeMetadataPrefixed(META_RESERVED, RuntimeMetadata::V15(v15)).encode()
}

/// `Metadata_metadata_at_version`'s answer: `Some(metadata)` for version 15, else `None`, as
/// SCALE `Option<OpaqueMetadata>`.
pub fn metadata_at_version(version: u32, constants: Constants) -> Vec<u8> {
    let answer: Option<Vec<u8>> = (version == 15).then(|| metadata(constants));
    answer.encode()
}
