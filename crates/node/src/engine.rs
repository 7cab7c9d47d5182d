//! Wiring one validator: the block buffer, marshal's backfill resolver and archives, marshal
//! itself, the application behind marshal's inline-verification wrapper, and Simplex.
//!
//! The wiring is generic over the runtime and the network, so the deterministic simulation and
//! the production binary run exactly the same code.

use crate::app::PlexusApp;
use crate::block::{BlockDigest, PlexusBlock};
use crate::node::{Finalizer, Node, execute};
use commonware_broadcast::buffered;
use commonware_consensus::{
    Reporter,
    marshal::standard::{Inline, Standard},
    marshal::{self, Update, core::Actor as MarshalActor, resolver::p2p as marshal_resolver},
    simplex::{
        self,
        config::{ForwardPolicy, SkipPolicy},
        elector::RoundRobin,
        scheme::ed25519::Scheme,
    },
    types::{Epoch, FixedEpocher, ViewDelta},
};
use commonware_cryptography::{
    Digested, Digestible, Sha256,
    certificate::{ConstantProvider, Verifier as _},
    ed25519,
};
use commonware_p2p::{Blocker, Provider, Receiver, Sender};
use commonware_parallel::Sequential;
use commonware_runtime::{Clock, Handle, Metrics, Spawner, Storage, buffer::paged::CacheRef};
use commonware_storage::{archive::prunable, translator::TwoCap};
use commonware_utils::{NZDuration, NZU16, NZU64, NZUsize, acknowledgement::Exact};
use plexus_primitives::H256;
use rand_core::CryptoRng;
use std::num::NonZeroUsize;
use std::time::Duration;

/// The p2p channels a validator uses, in this order.
pub const CHANNELS: [u64; 6] = [
    VOTES,
    CERTIFICATES,
    RESOLVER,
    BACKFILL,
    BROADCAST,
    TRANSACTIONS,
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
        Self {
            leader_timeout: block_time + Duration::from_secs(1),
            certification_timeout: block_time + Duration::from_secs(2),
            timeout_retry: Duration::from_secs(3),
            empty_block_interval: block_time,
        }
    }
}

/// What one validator needs besides its node and network.
#[derive(Clone)]
pub struct ValidatorConfig {
    /// Its ed25519 key.
    pub key: ed25519::PrivateKey,
    /// Every validator's public key.
    pub validators: commonware_utils::ordered::Set<ed25519::PublicKey>,
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

/// The largest message any validator sends; identical on every validator of a network.
pub fn max_message_size(validators: u32) -> u32 {
    commonware_p2p::max_message_size(&[
        // A transaction batch: its byte limit plus one largest transaction and a length prefix.
        crate::gossip::MAX_BATCH_BYTES + 64 * 1024 + 16,
        simplex::max_payload_size::<Scheme, BlockDigest>(validators),
        marshal::max_payload_size::<Standard<PlexusBlock>, Scheme>(validators, &()),
    ])
}

/// The namespace that separates a chain's consensus messages from any other chain's.
pub fn namespace(genesis_hash: H256) -> Vec<u8> {
    let mut namespace = b"plexus/".to_vec();
    namespace.extend_from_slice(&genesis_hash.0);
    namespace
}

/// Why a validator cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Our key is not in the validator set.
    #[error("this node's key is not one of the chain's validators")]
    NotAValidator,
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

/// Starts every actor of one validator as children of `context`, and returns the handle of
/// consensus. `wrap` lets a test observe finalizations (the production node passes `identity`).
#[allow(clippy::too_many_arguments)]
pub async fn start_validator<E, S, R, B, P, W, Rep>(
    context: E,
    node: &Node,
    config: ValidatorConfig,
    channels: [Channel<S, R>; 6],
    blocker: B,
    peers: P,
    wrap: W,
) -> Result<Handle<()>, StartError>
where
    E: Spawner + Clock + Metrics + Storage + CryptoRng,
    S: Sender<PublicKey = ed25519::PublicKey>,
    R: Receiver<PublicKey = ed25519::PublicKey>,
    B: Blocker<PublicKey = ed25519::PublicKey> + Clone,
    P: Provider<PublicKey = ed25519::PublicKey> + Clone,
    W: FnOnce(Finalizer) -> Rep,
    Rep: Reporter<Activity = Update<PlexusBlock, Exact>>,
{
    use commonware_cryptography::Signer as _;
    let public_key = config.key.public_key();
    let scheme = Scheme::signer(
        &namespace(node.genesis_hash()),
        config.validators.clone(),
        config.key.clone(),
    )
    .ok_or(StartError::NotAValidator)?;
    let prefix = config.partition_prefix;
    let page_cache = CacheRef::new(NZU16!(16384), NZUsize!(1024));
    let [
        votes,
        certificates,
        resolver_channel,
        backfill,
        broadcast,
        transactions,
    ] = channels;

    let (resolver_rx, resolver) = marshal_resolver::init(
        context.child("marshal_resolver"),
        marshal_resolver::Config {
            public_key: public_key.clone(),
            peer_provider: peers.clone(),
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
            peer_provider: peers,
            strategy: Sequential,
        },
    );
    buffer_engine.start(broadcast);

    let finalizations = prunable::Archive::init(
        context.child("finalizations_by_height"),
        archive(
            &prefix,
            "finalizations",
            page_cache.clone(),
            scheme.certificate_codec_config(),
        ),
    )
    .await;
    let blocks = prunable::Archive::init(
        context.child("finalized_blocks"),
        archive(&prefix, "blocks", page_cache.clone(), ()),
    )
    .await;
    let (finalizations, blocks) = match (finalizations, blocks) {
        (Ok(f), Ok(b)) => (f, b),
        _ => panic!("consensus archives failed to open"),
    };

    let genesis = node.genesis_block();
    let genesis_digest = genesis.digest();
    let epocher = FixedEpocher::new(NZU64!(u64::MAX));
    let (marshal_actor, marshal_mailbox, floor) =
        MarshalActor::<_, Standard<PlexusBlock>, _, _, _, _, _>::init(
            context.child("marshal"),
            finalizations,
            blocks,
            marshal::Config {
                provider: ConstantProvider::new(scheme.clone()),
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
    let store_head = node.finalized().head().number;
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
    node.shared().gossip_to(gossip);
    context.child("gossip").spawn({
        let shared = node.shared();
        move |context| crate::gossip::run(context, shared, outgoing, transactions)
    });

    let (finalizer, finalized_blocks) = Finalizer::new(node.shared());
    context.child("executor").spawn({
        let shared = node.shared();
        let marshal = marshal_mailbox.clone();
        move |_| execute(shared, marshal, finalized_blocks)
    });
    marshal_actor.start(wrap(finalizer), buffer, (resolver_rx, resolver));

    let app = PlexusApp::new(node.shared(), config.timing.empty_block_interval);
    let inline = Inline::new(context.child("application"), app, marshal_mailbox, epocher);

    let engine = simplex::Engine::new(
        context.child("simplex"),
        simplex::Config {
            scheme,
            elector: RoundRobin::<Sha256>::default(),
            blocker,
            automaton: inline.clone(),
            relay: inline.clone(),
            reporter: inline,
            strategy: Sequential,
            partition: format!("{prefix}-simplex-e0"),
            mailbox_size: MAILBOX,
            epoch: Epoch::zero(),
            floor: simplex::config::Floor::Genesis(genesis_digest),
            replay_buffer: IO_BUFFER,
            write_buffer: IO_BUFFER,
            page_cache,
            leader_timeout: config.timing.leader_timeout,
            certification_timeout: config.timing.certification_timeout,
            timeout_retry: config.timing.timeout_retry,
            view_retention: ViewDelta::new(256),
            skip: SkipPolicy::Disabled,
            fetch_timeout: NZDuration!(Duration::from_secs(1)),
            fetch_retry_delay: Duration::from_millis(100),
            forward: ForwardPolicy::Disabled,
            track_historical_votes: false,
        },
    );
    Ok(engine.start(votes, certificates, resolver_channel))
}
