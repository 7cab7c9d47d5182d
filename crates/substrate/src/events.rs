//! A block's events as `System.Events` holds them on Bittensor's chain: Plexus's events mapped
//! to the pallet events the clients look for, each with its phase.
//!
//! Mapped: fees (`TransactionPayment.TransactionFeePaid`), a transaction's outcome
//! (`System.ExtrinsicSuccess` / `ExtrinsicFailed`), transfers (`Balances.Transfer`), and
//! `SubtensorModule`'s `StakeAdded`, `StakeRemoved`, `WeightsSet`, `NeuronRegistered`,
//! `AxonServed`, `WeightsCommitted` and `WeightsRevealed`. Plexus's other events (subnets,
//! hyperparameters, epochs, …) have no counterpart the clients read and are left out.

use crate::types::{AccountId32, H256};
use parity_scale_codec::Encode;
use plexus_runtime::{Call, Event, Phase as PlexusPhase, SignedTransaction};
use scale_info::TypeInfo;

/// What a transaction weighed: Plexus does not weigh transactions, so 0.
#[derive(Debug, Clone, Default, Encode, TypeInfo)]
pub(crate) struct Weight {
    #[codec(compact)]
    ref_time: u64,
    #[codec(compact)]
    proof_size: u64,
}

/// A transaction's class: every Plexus call is `Normal` (the others are declared for the
/// clients' decoder).
#[derive(Debug, Clone, Default, Encode, TypeInfo)]
#[allow(dead_code)]
pub(crate) enum DispatchClass {
    #[default]
    #[codec(index = 0)]
    Normal,
    #[codec(index = 1)]
    Operational,
    #[codec(index = 2)]
    Mandatory,
}

#[derive(Encode, TypeInfo)]
#[allow(dead_code)]
pub(crate) enum Pays {
    #[codec(index = 0)]
    Yes,
    #[codec(index = 1)]
    No,
}

/// A transaction's dispatch information, as its outcome event carries it.
#[derive(Encode, TypeInfo)]
pub(crate) struct DispatchEventInfo {
    weight: Weight,
    class: DispatchClass,
    pays_fee: Pays,
}

/// A pallet's error: the pallet's index and the error's.
#[derive(Encode, TypeInfo)]
pub(crate) struct ModuleError {
    index: u8,
    error: [u8; 4],
}

/// Why a transaction failed: the module error Bittensor's chain would report
/// ([`crate::errors::module_error`]), else `Other`.
#[derive(Encode, TypeInfo)]
#[allow(dead_code)]
pub(crate) enum DispatchError {
    #[codec(index = 0)]
    Other,
    #[codec(index = 1)]
    CannotLookup,
    #[codec(index = 2)]
    BadOrigin,
    #[codec(index = 3)]
    Module(ModuleError),
}

/// `System`'s events.
#[derive(Encode, TypeInfo)]
pub(crate) enum SystemEvent {
    /// A transaction succeeded.
    #[codec(index = 0)]
    ExtrinsicSuccess { dispatch_info: DispatchEventInfo },
    /// A transaction failed.
    #[codec(index = 1)]
    ExtrinsicFailed {
        dispatch_error: DispatchError,
        dispatch_info: DispatchEventInfo,
    },
}

/// `Balances`' events.
#[derive(Encode, TypeInfo)]
pub(crate) enum BalancesEvent {
    /// Balance moved between accounts.
    #[codec(index = 2)]
    Transfer {
        from: AccountId32,
        to: AccountId32,
        amount: u64,
    },
}

/// `TransactionPayment`'s events.
#[derive(Encode, TypeInfo)]
pub(crate) enum TransactionPaymentEvent {
    /// A transaction's fee was paid.
    #[codec(index = 0)]
    TransactionFeePaid {
        who: AccountId32,
        actual_fee: u64,
        tip: u64,
    },
}

/// `SubtensorModule`'s events the clients read, with their positional fields.
#[derive(Encode, TypeInfo)]
pub(crate) enum SubtensorEvent {
    /// (coldkey, hotkey, tao, alpha, netuid, fee).
    #[codec(index = 2)]
    StakeAdded(AccountId32, AccountId32, u64, u64, u16, u64),
    /// (coldkey, hotkey, tao, alpha, netuid, fee).
    #[codec(index = 3)]
    StakeRemoved(AccountId32, AccountId32, u64, u64, u16, u64),
    /// (netuid index, uid).
    #[codec(index = 5)]
    WeightsSet(u16, u16),
    /// (netuid, uid, hotkey).
    #[codec(index = 6)]
    NeuronRegistered(u16, u16, AccountId32),
    /// (netuid, hotkey).
    #[codec(index = 28)]
    AxonServed(u16, AccountId32),
    /// (hotkey, netuid index, commit hash).
    #[codec(index = 83)]
    WeightsCommitted(AccountId32, u16, H256),
    /// (hotkey, netuid index, commit hash).
    #[codec(index = 84)]
    WeightsRevealed(AccountId32, u16, H256),
}

/// Every pallet's events, by pallet index.
#[derive(Encode, TypeInfo)]
pub(crate) enum RuntimeEvent {
    #[codec(index = 0)]
    System(SystemEvent),
    #[codec(index = 5)]
    Balances(BalancesEvent),
    #[codec(index = 6)]
    TransactionPayment(TransactionPaymentEvent),
    #[codec(index = 7)]
    SubtensorModule(SubtensorEvent),
}

/// When in the block an event happened.
#[derive(Encode, TypeInfo)]
#[scale_info(replace_segment("plexus_substrate", "frame_system"))]
#[allow(dead_code)]
enum Phase {
    #[codec(index = 0)]
    ApplyExtrinsic(u32),
    #[codec(index = 1)]
    Finalization,
    #[codec(index = 2)]
    Initialization,
}

/// One event with its phase, as `System.Events` lists them.
#[derive(Encode)]
pub(crate) struct EventRecord {
    phase: Phase,
    event: RuntimeEvent,
    topics: Vec<H256>,
}

/// [`RuntimeEvent`] under the runtime's path: the clients decode `<crate>::RuntimeEvent`, two
/// segments, as events (with their pallet and name), and a derived path has three.
struct RuntimeEventPath;

impl TypeInfo for RuntimeEventPath {
    type Identity = Self;
    fn type_info() -> scale_info::Type {
        let mut ty = RuntimeEvent::type_info();
        ty.path = scale_info::Path::new("RuntimeEvent", "node_subtensor_runtime");
        ty
    }
}

// The clients give `frame_system::EventRecord` (exactly that path) its extrinsic index when
// they decode it; the derived path would have this crate's module in it.
impl TypeInfo for EventRecord {
    type Identity = Self;
    fn type_info() -> scale_info::Type {
        scale_info::Type::builder()
            .path(scale_info::Path::new("EventRecord", "frame_system"))
            .composite(
                scale_info::build::Fields::named()
                    .field(|f| f.ty::<Phase>().name("phase").type_name("Phase"))
                    .field(|f| f.ty::<RuntimeEventPath>().name("event").type_name("E"))
                    .field(|f| f.ty::<Vec<H256>>().name("topics").type_name("Vec<T>")),
            )
    }
}

fn outcome() -> DispatchEventInfo {
    DispatchEventInfo {
        weight: Weight::default(),
        class: DispatchClass::Normal,
        pays_fee: Pays::Yes,
    }
}

/// The pallet event of a Plexus event, if the clients know one.
fn event(event: &Event, call: Option<&Call>) -> Option<RuntimeEvent> {
    use SubtensorEvent as S;
    Some(match event {
        Event::FeePaid { who, fee } => {
            RuntimeEvent::TransactionPayment(TransactionPaymentEvent::TransactionFeePaid {
                who: (*who).into(),
                actual_fee: *fee,
                tip: 0,
            })
        }
        Event::TransactionSucceeded { .. } => RuntimeEvent::System(SystemEvent::ExtrinsicSuccess {
            dispatch_info: outcome(),
        }),
        Event::TransactionFailed { error, .. } => {
            RuntimeEvent::System(SystemEvent::ExtrinsicFailed {
                dispatch_error: match crate::errors::module_error(call, error) {
                    Some((index, error)) => DispatchError::Module(ModuleError {
                        index,
                        error: [error, 0, 0, 0],
                    }),
                    None => DispatchError::Other,
                },
                dispatch_info: outcome(),
            })
        }
        Event::Transfer { from, to, amount } => RuntimeEvent::Balances(BalancesEvent::Transfer {
            from: (*from).into(),
            to: (*to).into(),
            amount: *amount,
        }),
        Event::NeuronRegistered {
            netuid,
            uid,
            hotkey,
            ..
        } => RuntimeEvent::SubtensorModule(S::NeuronRegistered(*netuid, *uid, (*hotkey).into())),
        Event::AxonServed { netuid, hotkey } => {
            RuntimeEvent::SubtensorModule(S::AxonServed(*netuid, (*hotkey).into()))
        }
        Event::WeightsSet { netuid, uid } => {
            RuntimeEvent::SubtensorModule(S::WeightsSet(*netuid, *uid))
        }
        Event::WeightsCommitted {
            netuid,
            hotkey,
            hash,
        } => RuntimeEvent::SubtensorModule(S::WeightsCommitted(
            (*hotkey).into(),
            *netuid,
            H256(hash.0),
        )),
        Event::WeightsRevealed {
            netuid,
            hotkey,
            hash,
        } => RuntimeEvent::SubtensorModule(S::WeightsRevealed(
            (*hotkey).into(),
            *netuid,
            H256(hash.0),
        )),
        Event::StakeAdded {
            coldkey,
            hotkey,
            netuid,
            tao,
            alpha,
        } => RuntimeEvent::SubtensorModule(S::StakeAdded(
            (*coldkey).into(),
            (*hotkey).into(),
            *tao,
            *alpha,
            *netuid,
            0,
        )),
        Event::StakeRemoved {
            coldkey,
            hotkey,
            netuid,
            tao,
            alpha,
        } => RuntimeEvent::SubtensorModule(S::StakeRemoved(
            (*coldkey).into(),
            (*hotkey).into(),
            *tao,
            *alpha,
            *netuid,
            0,
        )),
        _ => return None,
    })
}

/// A block's events as `System.Events` holds them, SCALE: each event the clients know, in
/// order, a transaction's at its index (`ApplyExtrinsic`), the block step's at `Initialization`
/// and the opening of timelocked weights after the transactions at `Finalization`.
/// `transactions` are the block's, in order: a failure is reported as the error its call's
/// pallet would give.
pub fn events(events: &[(PlexusPhase, Event)], transactions: &[SignedTransaction]) -> Vec<u8> {
    events
        .iter()
        .filter_map(|(phase, e)| {
            let (phase, call) = match phase {
                PlexusPhase::Initialization => (Phase::Initialization, None),
                PlexusPhase::Finalization => (Phase::Finalization, None),
                PlexusPhase::Transaction(index) => (
                    Phase::ApplyExtrinsic(*index),
                    transactions
                        .get(*index as usize)
                        .map(SignedTransaction::call),
                ),
            };
            Some(EventRecord {
                phase,
                event: event(e, call)?,
                topics: Vec::new(),
            })
        })
        .collect::<Vec<_>>()
        .encode()
}
