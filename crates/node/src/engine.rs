//! Wiring one validator: the block buffer, marshal's backfill resolver and archives, marshal
//! itself, the application behind marshal's inline-verification wrapper, and Simplex.
//!
//! The wiring is generic over the runtime and the network, so the deterministic simulation and
//! the production binary run exactly the same code.

use crate::app::PlexusApp;
use crate::beacon::{SeedTap, Seeds};
use crate::block::{BlockDigest, PlexusBlock};
use crate::consensus::{Scheme, Variant};
use crate::core::Core;
use crate::dkg::{
    ChainParticipants, Committees, EpochSchemes, FileSecretStore, ParticipantsError,
    SecretStoreError,
};
use crate::finalizer::{Finalizer, execute};
use crate::spec::namespace;
use commonware_broadcast::buffered;
use commonware_consensus::{
    Reporter, Reporters,
    marshal::standard::{Inline, Standard},
    marshal::{self, Update, core::Actor as MarshalActor, resolver::p2p as marshal_resolver},
    simplex::{
        config::{ForwardPolicy, SkipPolicy},
        elector::RoundRobin,
    },
    types::{Epoch, FixedEpocher, ViewDelta},
};
use commonware_cryptography::bls12381::dkg::feldman_desmedt::Reveal;
use commonware_cryptography::bls12381::primitives::sharing::Mode;
use commonware_cryptography::{
    Digested, Digestible, Sha256, certificate::ConstantProvider, ed25519,
};
use commonware_glue::dkg::{
    ReshareBlock as _,
    fence::Fence,
    network::{Addresses, Manager},
    orchestrator, reshare,
    state_sync::Plan as StateSyncPlan,
    types::Payload,
};
use commonware_p2p::{Blocker, Receiver, Sender};
use commonware_parallel::Sequential;
use commonware_rand_core::CryptoRng;
use commonware_runtime::{
    Clock, Handle, Metrics, Network, Spawner, Storage, buffer::paged::CacheRef,
};
use commonware_storage::{archive::prunable, translator::TwoCap};
use commonware_utils::{NZDuration, NZU16, NZU64, NZUsize, acknowledgement::Exact};
use plexus_rpc_server::Backend as _;
use std::num::{NonZeroU64, NonZeroUsize};
use std::sync::Arc;
use std::time::Duration;

/// The p2p channels a validator uses, in this order.
pub const CHANNELS: [u64; 7] = [
    VOTES,
    CERTIFICATES,
    RESOLVER,
    BACKFILL,
    BROADCAST,
    TRANSACTIONS,
    RESHARE,
];
/// Simplex votes.
pub const VOTES: u64 = 0;
/// Simplex certificates.
pub const CERTIFICATES: u64 = 1;
/// Simplex certificate fetches.
pub const RESOLVER: u64 = 2;
/// Marshal's block and certificate backfill.
pub const BACKFILL: u64 = 3;
/// Whole blocks from their proposer.
pub const BROADCAST: u64 = 4;
/// Batches of transactions submitted to one validator, for the others' mempools.
pub const TRANSACTIONS: u64 = 5;
/// Resharing: dealers' private shares and players' acknowledgements.
pub const RESHARE: u64 = 6;

/// A channel's sending and receiving halves.
pub type Channel<S, R> = (S, R);

/// Timings of consensus and block production.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// How long a validator waits for the leader's proposal before voting to skip the view.
    pub leader_timeout: Duration,
    /// How long it waits for a proposal to be notarized before voting to skip.
    pub certification_timeout: Duration,
    /// How often it re-sends its skip vote while a view is stuck.
    pub timeout_retry: Duration,
    /// How long a proposer with nothing to include waits before building an empty block.
    pub empty_block_interval: Duration,
}

impl Timing {
    /// Timings for a target block time: a proposer with an empty mempool waits `block_time`
    /// before building an empty block, and one with transactions builds at once. Validators
    /// wait a second more than that for a leader before voting to skip it.
    pub fn new(block_time: Duration) -> Self {
        Self::derive(block_time, Timeouts::default())
    }

    /// Timings for a target block time with some timeouts set explicitly, checked with
    /// [`Timing::validate`]. A timeout left out is derived as in [`Timing::new`], except that a
    /// certification timeout follows an explicit leader timeout, so that raising the leader
    /// timeout alone stays valid.
    pub fn with_timeouts(block_time: Duration, timeouts: Timeouts) -> Result<Self, TimingError> {
        let timing = Self::derive(block_time, timeouts);
        timing.validate()?;
        Ok(timing)
    }

    fn derive(block_time: Duration, timeouts: Timeouts) -> Self {
        let leader_timeout = timeouts
            .leader
            .unwrap_or(block_time.saturating_add(Duration::from_secs(1)));
        Self {
            leader_timeout,
            certification_timeout: timeouts
                .certification
                .unwrap_or(leader_timeout.saturating_add(Duration::from_secs(1))),
            timeout_retry: timeouts.retry.unwrap_or(Duration::from_secs(3)),
            empty_block_interval: block_time,
        }
    }

    /// Checks what Simplex asserts at start (a positive leader timeout and retry interval, a
    /// certification timeout above the leader timeout), so that bad settings are an error
    /// rather than a panic; that the block time is positive, so an idle chain does not spin
    /// out empty blocks; and that the leader timeout exceeds the block time: otherwise an idle
    /// leader's empty block would come after every validator had voted to skip it, and an idle
    /// chain would skip view after view instead of making blocks.
    pub fn validate(&self) -> Result<(), TimingError> {
        for (name, value) in [
            ("block time", self.empty_block_interval),
            ("leader timeout", self.leader_timeout),
            ("certification timeout", self.certification_timeout),
            ("timeout retry", self.timeout_retry),
        ] {
            if value.is_zero() {
                return Err(TimingError::Zero(name));
            }
        }
        if self.leader_timeout <= self.empty_block_interval {
            return Err(TimingError::LeaderNotAboveBlockTime {
                leader_timeout: self.leader_timeout,
                block_time: self.empty_block_interval,
            });
        }
        if self.certification_timeout <= self.leader_timeout {
            return Err(TimingError::CertificationNotAboveLeader {
                certification_timeout: self.certification_timeout,
                leader_timeout: self.leader_timeout,
            });
        }
        Ok(())
    }
}

/// Consensus timeouts chosen by the operator; `None` derives one from the block time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timeouts {
    /// [`Timing::leader_timeout`].
    pub leader: Option<Duration>,
    /// [`Timing::certification_timeout`].
    pub certification: Option<Duration>,
    /// [`Timing::timeout_retry`].
    pub retry: Option<Duration>,
}

/// Why a set of timings cannot run consensus.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimingError {
    /// A duration that must be positive is zero.
    #[error("the {0} must be greater than zero")]
    Zero(&'static str),
    /// The leader timeout does not exceed the block time.
    #[error(
        "the leader timeout ({} ms) must be greater than the block time ({} ms), or validators \
         skip an idle leader before its block is due",
        .leader_timeout.as_millis(),
        .block_time.as_millis()
    )]
    LeaderNotAboveBlockTime {
        /// The leader timeout.
        leader_timeout: Duration,
        /// The block time.
        block_time: Duration,
    },
    /// The certification timeout does not exceed the leader timeout.
    #[error(
        "the certification timeout ({} ms) must be greater than the leader timeout ({} ms)",
        .certification_timeout.as_millis(),
        .leader_timeout.as_millis()
    )]
    CertificationNotAboveLeader {
        /// The certification timeout.
        certification_timeout: Duration,
        /// The leader timeout.
        leader_timeout: Duration,
    },
}

/// What one validator needs besides its node and network.
#[derive(Clone)]
pub struct ValidatorConfig {
    /// Its ed25519 key.
    pub key: ed25519::PrivateKey,
    /// Its share of epoch 0's group key (from the chain spec's deal), if it is one of epoch 0's
    /// validators. It is imported into `secrets` on the first start only.
    pub share: Option<crate::key::ValidatorShare>,
    /// The directory of its resharing secrets: its share for each epoch, its dealer seeds and
    /// the private dealings it received (see [`FileSecretStore`]).
    pub secrets: std::path::PathBuf,
    /// Prefix of the storage partitions consensus uses; unique per validator sharing a storage.
    pub partition_prefix: String,
    /// Consensus and block timings.
    pub timing: Timing,
}

const MAILBOX: NonZeroUsize = NZUsize!(1024);
const IO_BUFFER: NonZeroUsize = NZUsize!(1 << 20);

fn archive<C>(
    prefix: &str,
    name: &str,
    page_cache: CacheRef,
    codec: C,
) -> prunable::Config<TwoCap, C> {
    prunable::Config {
        translator: TwoCap,
        metadata_partition: format!("{prefix}-{name}-metadata"),
        key_partition: format!("{prefix}-{name}-key"),
        key_page_cache: page_cache,
        value_partition: format!("{prefix}-{name}-value"),
        compression: None,
        codec_config: codec,
        items_per_section: NZU64!(4096),
        key_write_buffer: IO_BUFFER,
        value_write_buffer: IO_BUFFER,
        replay_buffer: IO_BUFFER,
    }
}

/// The largest message any validator sends, for committees of up to
/// [`MAX_PARTICIPANTS`](crate::consensus::MAX_PARTICIPANTS): identical on every validator of a
/// network, and it may grow across upgrades but never shrink.
pub fn max_message_size() -> u32 {
    let participants = crate::consensus::MAX_PARTICIPANTS.get();
    commonware_p2p::max_message_size(&[
        // A transaction batch: its byte limit plus one largest transaction and a length prefix.
        crate::gossip::MAX_BATCH_BYTES + 64 * 1024 + 16,
        orchestrator::max_payload_size::<Scheme, BlockDigest>(participants),
        marshal::max_payload_size::<Standard<PlexusBlock>, Scheme>(participants, &()),
        commonware_glue::dkg::max_payload_size::<Variant, ed25519::PublicKey>(
            crate::consensus::MAX_PARTICIPANTS,
        ),
    ])
}

/// Why a validator cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The timings are unusable.
    #[error(transparent)]
    Timing(#[from] TimingError),
    /// The genesis block does not record epoch 0's committee.
    #[error("the genesis block does not record epoch 0's validators")]
    NoEpochZero,
    /// One of epoch 0's validators started without its share.
    #[error("this node's key is one of epoch 0's validators, but it was given no share")]
    NoShare,
    /// The resharing secrets cannot be opened, or the share is not this validator's.
    #[error(transparent)]
    Secrets(#[from] SecretStoreError),
    /// The validator set cannot be read from epoch 0's record.
    #[error(transparent)]
    Participants(#[from] ParticipantsError),
    /// One of marshal's archives in consensus storage cannot be opened.
    #[error("consensus archive {name} cannot be opened: {source}")]
    Archive {
        /// Which archive.
        name: &'static str,
        /// Why.
        source: commonware_storage::archive::Error,
    },
    /// Consensus storage and the chain store come from different histories.
    #[error(
        "consensus storage has processed height {marshal}, beyond the chain store's head {store}"
    )]
    StorageMismatch {
        /// Marshal's processed height.
        marshal: u64,
        /// The store's head.
        store: u64,
    },
}

/// Starts every actor of one validator around `core` as children of `context`, and returns the
/// handle of a watchdog that halts the node if consensus stops. `manager` tracks each epoch's
/// peers on the p2p network; `wrap` lets a test observe finalizations (the production node
/// passes `identity`).
#[allow(clippy::too_many_arguments)]
pub async fn start_validator<E, S, R, B, M, W, Rep>(
    context: E,
    core: &Arc<Core>,
    config: ValidatorConfig,
    channels: [Channel<S, R>; 7],
    blocker: B,
    manager: M,
    wrap: W,
) -> Result<Handle<()>, StartError>
where
    E: Spawner + Clock + Metrics + Storage + Network + CryptoRng,
    S: Sender<PublicKey = ed25519::PublicKey>,
    R: Receiver<PublicKey = ed25519::PublicKey>,
    B: Blocker<PublicKey = ed25519::PublicKey> + Clone,
    M: Manager<PublicKey = ed25519::PublicKey, Directory = Addresses<ed25519::PublicKey>> + Clone,
    W: FnOnce(Finalizer) -> Rep,
    Rep: Reporter<Activity = Update<PlexusBlock, Exact>>,
{
    use commonware_cryptography::Signer as _;
    config.timing.validate()?;
    let public_key = config.key.public_key();
    let genesis = core.genesis_block();
    let Some(Payload::EpochInfo(epoch_zero)) = genesis.payload() else {
        return Err(StartError::NoEpochZero);
    };
    if epoch_zero.epoch != Epoch::zero() {
        return Err(StartError::NoEpochZero);
    }
    let identity = *epoch_zero.output.public().public();
    let namespace = namespace(core.genesis_hash());
    let halt: crate::dkg::Halt = {
        let core = core.clone();
        Arc::new(move |reason| core.halt(reason))
    };
    let schemes = EpochSchemes::new(&namespace, identity, public_key.clone(), halt.clone());
    let secrets = FileSecretStore::open(&config.secrets, halt.clone())?;
    match config.share {
        Some(share) => {
            secrets.import_genesis_share(&share, &public_key, &epoch_zero.output)?;
        }
        None if epoch_zero.output.players().position(&public_key).is_some() => {
            return Err(StartError::NoShare);
        }
        // Not one of epoch 0's validators: it follows consensus, and signs once a later epoch
        // gives it a share.
        None => {}
    }
    let blocks_per_epoch = epoch_length(core);
    let participants = ChainParticipants::new(
        epoch_zero.players.clone(),
        epoch_zero
            .directory
            .clone()
            .into_inner()
            .into_iter()
            .filter(|(key, _)| epoch_zero.players.position(key).is_some())
            .collect(),
        blocks_per_epoch.get(),
        ChainCommittees(core.clone()),
        crate::consensus::MAX_PARTICIPANTS.get(),
        halt,
    )?;
    let (fence, gate) = Fence::new();

    let prefix = config.partition_prefix;
    let page_cache = CacheRef::new(NZU16!(16384), NZUsize!(1024));
    let [
        votes,
        certificates,
        resolver_channel,
        backfill,
        broadcast,
        transactions,
        reshare_channel,
    ] = channels;

    let (resolver_rx, resolver) = marshal_resolver::init(
        context.child("marshal_resolver"),
        marshal_resolver::Config {
            public_key: public_key.clone(),
            peer_provider: manager.clone(),
            blocker: blocker.clone(),
            mailbox_size: MAILBOX,
            fetch_timeout: NZDuration!(Duration::from_secs(2)),
            fetch_retry_delay: Duration::from_millis(100),
            priority_requests: false,
            priority_responses: false,
        },
        backfill,
    );

    let (buffer_engine, buffer) = buffered::Engine::new(
        context.child("broadcast"),
        buffered::Config {
            public_key: public_key.clone(),
            mailbox_size: MAILBOX,
            deque_size: 10,
            priority: false,
            codec_config: (),
            peer_provider: manager.clone(),
            strategy: Sequential,
        },
    );
    buffer_engine.start(broadcast);

    let finalizations = prunable::Archive::init(
        context.child("finalizations_by_height"),
        // Threshold certificates have a fixed size: their codec needs no configuration.
        archive(&prefix, "finalizations", page_cache.clone(), ()),
    )
    .await
    .map_err(|source| StartError::Archive {
        name: "finalizations",
        source,
    })?;
    let blocks = prunable::Archive::init(
        context.child("finalized_blocks"),
        archive(&prefix, "blocks", page_cache.clone(), ()),
    )
    .await
    .map_err(|source| StartError::Archive {
        name: "blocks",
        source,
    })?;

    let genesis_digest = genesis.digest();
    let epocher = FixedEpocher::new(blocks_per_epoch);
    let (marshal_actor, marshal_mailbox, floor) =
        MarshalActor::<_, Standard<PlexusBlock>, _, _, _, _, _>::init(
            context.child("marshal"),
            finalizations,
            blocks,
            marshal::Config {
                // Every epoch's certificates are the group key's signatures, whoever holds
                // the shares: the key alone checks them.
                provider: ConstantProvider::new(Scheme::certificate_verifier(&namespace, identity)),
                epocher: epocher.clone(),
                start: marshal::Start::Genesis(Digested::precomputed(genesis, genesis_digest)),
                partition_prefix: format!("{prefix}-marshal"),
                mailbox_size: MAILBOX,
                view_retention: ViewDelta::new(256),
                prunable_items_per_section: NZU64!(4096),
                page_cache: page_cache.clone(),
                replay_buffer: IO_BUFFER,
                key_write_buffer: IO_BUFFER,
                value_write_buffer: IO_BUFFER,
                block_codec_config: (),
                max_repair: NZUsize!(16),
                max_pending_acks: NZUsize!(4),
                strategy: Sequential,
            },
        )
        .await;
    let store_head = core.finalized().head().number;
    if let Some(processed) = floor.processed() {
        let marshal = processed.height().get();
        if marshal > store_head {
            return Err(StartError::StorageMismatch {
                marshal,
                store: store_head,
            });
        }
    }

    let (gossip, outgoing) = futures::channel::mpsc::unbounded();
    core.gossip_to(gossip);
    context.child("gossip").spawn({
        let core = core.clone();
        move |context| crate::gossip::run(context, core, outgoing, transactions)
    });

    let (finalizer, finalized_blocks) = Finalizer::new(core.clone());
    context.child("executor").spawn({
        let core = core.clone();
        let marshal = marshal_mailbox.clone();
        move |_| execute(core, marshal, finalized_blocks)
    });

    // The transcripts of one chain's ceremonies mean nothing on another. The reshare actor keeps
    // the namespace for its whole life, which is the process's.
    let reshare_namespace: &'static [u8] = Box::leak(
        [namespace.as_slice(), b"/reshare"]
            .concat()
            .into_boxed_slice(),
    );
    let (reshare, reshare_mailbox) = reshare::Actor::new(
        context.child("reshare"),
        reshare::Config {
            signer: config.key,
            manager: manager.clone(),
            blocker: blocker.clone(),
            participants_provider: participants,
            secret_store: secrets,
            strategy: Sequential,
            registrar: schemes.clone(),
            marshal: marshal_mailbox.clone(),
            state_sync: StateSyncPlan::disabled(),
            fence,
            namespace: reshare_namespace,
            sharing_mode: Mode::NonZeroCounter,
            reveal: Reveal::V1,
            mailbox_size: MAILBOX,
            partition_prefix: format!("{prefix}-reshare"),
            page_cache: page_cache.clone(),
            write_buffer: IO_BUFFER,
            replay_buffer: IO_BUFFER,
            max_participants: crate::consensus::MAX_PARTICIPANTS,
            blocks_per_epoch,
        },
    );

    let seeds = Arc::new(Seeds::default());
    let app = PlexusApp::new(
        core.clone(),
        seeds.clone(),
        config.timing.empty_block_interval,
    );
    let inline = Inline::new(
        context.child("application"),
        reshare::Application::new(app, reshare_mailbox.clone(), blocks_per_epoch),
        marshal_mailbox.clone(),
        epocher,
    );

    let (orchestrator, orchestrator_mailbox) = orchestrator::Actor::new(
        context.child("orchestrator"),
        orchestrator::Config {
            oracle: blocker,
            manager,
            provider: schemes,
            marshal: marshal_mailbox,
            application: SeedTap::new(inline, seeds),
            strategy: Sequential,
            simplex: orchestrator::SimplexConfig {
                elector: RoundRobin::<Sha256>::default(),
                mailbox_size: MAILBOX,
                replay_buffer: IO_BUFFER,
                write_buffer: IO_BUFFER,
                page_cache,
                leader_timeout: config.timing.leader_timeout,
                certification_timeout: config.timing.certification_timeout,
                timeout_retry: config.timing.timeout_retry,
                fetch_timeout: NZDuration!(Duration::from_secs(1)),
                fetch_retry_delay: Duration::from_millis(100),
                view_retention: ViewDelta::new(256),
                skip: SkipPolicy::Disabled,
                track_historical_votes: false,
                forward: ForwardPolicy::Disabled,
            },
            gate,
            state_sync: StateSyncPlan::disabled(),
            blocks_per_epoch,
            mailbox_size: MAILBOX,
            partition_prefix: format!("{prefix}-orchestrator"),
        },
    );
    // A finalized block counts as processed once the chain, the orchestrator and resharing
    // have each taken it.
    marshal_actor.start(
        Reporters::from((
            wrap(finalizer),
            Reporters::from((orchestrator_mailbox, reshare_mailbox)),
        )),
        buffer,
        (resolver_rx, resolver),
    );
    let resharing = reshare.start(reshare_channel);
    let consensus = orchestrator.start(votes, certificates, resolver_channel);
    // Either can stop on its own (a peer set the orchestrator cannot activate, a boundary block
    // marshal cannot supply, a closed channel); a validator without them must say so, not sit
    // idle.
    let core = core.clone();
    Ok(context.child("watchdog").spawn(move |_| async move {
        let (which, ended) = match futures::future::select(consensus, resharing).await {
            futures::future::Either::Left((ended, _)) => ("consensus", ended),
            futures::future::Either::Right((ended, _)) => ("resharing", ended),
        };
        let reason = match ended {
            Ok(()) => format!("{which} stopped"),
            Err(error) => format!("{which} failed: {error}"),
        };
        core.halt(reason);
    }))
}

/// The committees on this node's finalized chain.
struct ChainCommittees(Arc<Core>);

impl Committees for ChainCommittees {
    async fn committees(&self, height: u64, epoch: u64) -> Vec<crate::dkg::Committee> {
        self.0.finalized_reaches(height).await;
        self.0
            .finalized()
            .state()
            .committees_through(epoch)
            .into_iter()
            .map(|(from, committee)| {
                let members = committee
                    .into_iter()
                    .map(|(key, address)| (key.0, address))
                    .collect();
                (from, members)
            })
            .collect()
    }
}

/// Blocks per consensus epoch, as the chain's genesis fixed it (one endless epoch without).
fn epoch_length(core: &Core) -> NonZeroU64 {
    core.finalized()
        .state()
        .globals()
        .epoch_length
        .and_then(NonZeroU64::new)
        .unwrap_or(NonZeroU64::MAX)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    fn ms(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    #[test]
    fn test_defaults_are_derived_from_the_block_time_and_valid() {
        let timing = Timing::with_timeouts(SECOND, Timeouts::default()).unwrap();
        assert_eq!(timing, Timing::new(SECOND));
        assert_eq!(
            timing,
            Timing {
                leader_timeout: ms(2000),
                certification_timeout: ms(3000),
                timeout_retry: ms(3000),
                empty_block_interval: SECOND,
            }
        );
    }

    #[test]
    fn test_explicit_timeouts_are_kept_and_a_certification_timeout_follows_the_leader() {
        let all = Timeouts {
            leader: Some(ms(1500)),
            certification: Some(ms(1600)),
            retry: Some(ms(250)),
        };
        let timing = Timing::with_timeouts(SECOND, all).unwrap();
        assert_eq!(
            (timing.leader_timeout, timing.certification_timeout),
            (ms(1500), ms(1600))
        );
        assert_eq!(timing.timeout_retry, ms(250));

        let leader_only = Timeouts {
            leader: Some(ms(10_000)),
            ..Timeouts::default()
        };
        let timing = Timing::with_timeouts(SECOND, leader_only).unwrap();
        assert_eq!(timing.certification_timeout, ms(11_000));
    }

    #[test]
    fn test_zero_durations_are_rejected_by_name() {
        assert_eq!(
            Timing::with_timeouts(Duration::ZERO, Timeouts::default()),
            Err(TimingError::Zero("block time"))
        );
        for (timeouts, name) in [
            (
                Timeouts {
                    leader: Some(Duration::ZERO),
                    ..Timeouts::default()
                },
                "leader timeout",
            ),
            (
                Timeouts {
                    certification: Some(Duration::ZERO),
                    ..Timeouts::default()
                },
                "certification timeout",
            ),
            (
                Timeouts {
                    retry: Some(Duration::ZERO),
                    ..Timeouts::default()
                },
                "timeout retry",
            ),
        ] {
            assert_eq!(
                Timing::with_timeouts(SECOND, timeouts),
                Err(TimingError::Zero(name))
            );
        }
    }

    #[test]
    fn test_a_leader_timeout_must_exceed_the_block_time() {
        for leader in [ms(999), SECOND] {
            let timeouts = Timeouts {
                leader: Some(leader),
                ..Timeouts::default()
            };
            let error = Timing::with_timeouts(SECOND, timeouts).unwrap_err();
            assert_eq!(
                error,
                TimingError::LeaderNotAboveBlockTime {
                    leader_timeout: leader,
                    block_time: SECOND,
                }
            );
            assert!(
                error.to_string().contains("block time (1000 ms)"),
                "{error}"
            );
        }
        let just_above = Timeouts {
            leader: Some(ms(1001)),
            ..Timeouts::default()
        };
        assert!(Timing::with_timeouts(SECOND, just_above).is_ok());
    }

    #[test]
    fn test_a_certification_timeout_must_exceed_the_leader_timeout() {
        for certification in [ms(1999), ms(2000)] {
            let timeouts = Timeouts {
                certification: Some(certification),
                ..Timeouts::default()
            };
            assert_eq!(
                Timing::with_timeouts(SECOND, timeouts),
                Err(TimingError::CertificationNotAboveLeader {
                    certification_timeout: certification,
                    leader_timeout: ms(2000),
                })
            );
        }
    }

    #[test]
    fn test_huge_values_do_not_overflow() {
        let timing = Timing::new(Duration::MAX);
        assert_eq!(
            timing.validate(),
            Err(TimingError::LeaderNotAboveBlockTime {
                leader_timeout: Duration::MAX,
                block_time: Duration::MAX,
            })
        );
    }
}
