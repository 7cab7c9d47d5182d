//! Four validators on Commonware's deterministic runtime and simulated network, running the
//! production wiring (`start_validator`) with real stores on disk: all online, one never
//! starting, crashes and restarts, packet loss, a healing partition, and a Byzantine validator.
//! In every case the honest validators must commit the same blocks with the same state roots.
//! Consensus epochs are 24 blocks, so every run reshares the group key among the four several
//! times; the key never changes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use commonware_codec::varint::UInt;
use commonware_codec::{Decode as _, Encode as _};
use commonware_consensus::simplex::scheme::bls12381_threshold::vrf::Seedable as _;
use commonware_consensus::simplex::types::Finalization;
use commonware_consensus::types::Epoch;
use commonware_cryptography::Sha256;
use commonware_cryptography::bls12381::dkg::feldman_desmedt;
use commonware_cryptography::bls12381::primitives::{group::Share, sharing::Mode};
use commonware_cryptography::{Signer as _, ed25519};
use commonware_glue::dkg::ReshareBlock as _;
use commonware_glue::dkg::network::AddressableManager;
use commonware_glue::dkg::types::{EpochInfo, EpochOutcome, Payload};
use commonware_glue::simulate::{
    action::{Action, Crash, Schedule},
    engine::{EngineDefinition, InitContext},
    exit::ExitCondition,
    plan::PlanBuilder,
    processed::ProcessedHeight,
    property::Property,
    reporter::MonitorReporter,
    tracker::ProgressTracker,
};
use commonware_p2p::simulated::{self, Link};
use commonware_p2p::{
    Address, Receiver,
    utils::mux::{self, Muxer},
};
use commonware_runtime::IoBuf;
use commonware_runtime::{Clock, Handle, Quota, Spawner, Supervisor as _, deterministic};
use commonware_utils::{N3f1, NZU32, ordered::Set};
use plexus_node::consensus::{ConsensusPayload, Polynomial, Scheme, Variant};
use plexus_node::engine::{CHANNELS, RESHARE, max_message_size};
use plexus_node::spec::namespace;
use plexus_node::{
    BlockDigest, Core, FinalityError, FinalityVerifier, Notification, PlexusBlock, Timing,
    ValidatorConfig, ValidatorKey, ValidatorShare, start_validator,
};
use plexus_primitives::{AccountId, H256, RAO_PER_TAO, Signature, blake2_256, blake2_256_parts};
use plexus_rpc_server::Backend as _;
use plexus_runtime::{
    Call, ChainParams, Genesis, GovernanceCall, SignedTransaction, Transaction, ValidatorId,
};
use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

const VALIDATORS: usize = 4;
/// Validators that join in the rotation scenario, beyond the genesis four.
const JOINERS: usize = 2;
/// The account that governs the chain (and announces the validators in the rotation).
const GOVERNOR: usize = VALIDATORS + JOINERS;
/// Blocks per consensus epoch: short, so that every run reshares the group key several times,
/// and as short as the chain allows for six validators (four blocks each).
const EPOCH_LENGTH: u64 = 24;
// The simulated clock starts at the Unix epoch.
const GENESIS_MS: u64 = 0;
const QUOTA: Quota = Quota::per_second(NZU32!(1024));

fn account_keypair(i: usize) -> schnorrkel::Keypair {
    schnorrkel::MiniSecretKey::from_bytes(&[i as u8 + 1; 32])
        .unwrap()
        .expand_to_keypair(schnorrkel::ExpansionMode::Ed25519)
}

fn account(i: usize) -> AccountId {
    AccountId(account_keypair(i).public.to_bytes())
}

/// The validators' keys, by index.
fn validator_keys() -> Vec<ed25519::PrivateKey> {
    (0..VALIDATORS as u64)
        .map(ed25519::PrivateKey::from_seed)
        .collect()
}

/// Where validator `index` listens on the simulated network.
fn socket(index: usize) -> SocketAddr {
    SocketAddr::from(([10, 0, 0, index as u8 + 1], 30_400))
}

fn address(index: usize) -> Address {
    Address::Symmetric(socket(index))
}

/// The chain's genesis: the group key of the validators' deal (seed 0), and epoch 0's record of
/// it with their addresses.
fn genesis() -> Genesis {
    let (output, _) = deal(&validator_keys(), 0);
    let polynomial = output.public().clone();
    let players = output.players().clone();
    let epoch_zero = ConsensusPayload::EpochInfo(EpochInfo {
        outcome: EpochOutcome::Success,
        epoch: Epoch::zero(),
        output,
        players: players.clone(),
        next_players: players.clone(),
        directory: players
            .iter()
            .map(|key| {
                let index = validator_keys()
                    .iter()
                    .position(|k| &k.public_key() == key)
                    .unwrap();
                (key.clone(), address(index))
            })
            .collect(),
    });
    Genesis {
        chain_id: "simulation".into(),
        timestamp: GENESIS_MS,
        governance: Some(account(GOVERNOR)),
        balances: (0..=GOVERNOR)
            .map(|i| (account(i), 1_000_000 * RAO_PER_TAO))
            .collect(),
        params: ChainParams::default(),
        group_key: Some(hex::encode(polynomial.public().encode())),
        epoch_length: Some(EPOCH_LENGTH),
        consensus: Some(hex::encode(epoch_zero.encode())),
    }
}

/// One committed block as a validator saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Commit {
    hash: H256,
    state_root: H256,
    transactions: usize,
}

/// What one validator committed, by height, with the simulated time of each commit. Kept
/// across restarts.
type Log = Arc<Mutex<BTreeMap<u64, (Commit, Duration)>>>;

/// How validator 0 behaves; the others are always honest.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Honest,
    /// Never starts.
    Offline,
    /// Signs conflicting notarize and finalize votes (Commonware's mock).
    Conflicter,
    /// Votes to nullify and to finalize in the same view (Commonware's mock).
    Nuller,
}

#[derive(Clone)]
struct Sim {
    dir: Arc<tempfile::TempDir>,
    keys: Vec<ed25519::PrivateKey>,
    /// The group key's sharing among `keys`, dealt from a fixed seed.
    polynomial: Polynomial,
    shares: Vec<Share>,
    logs: Vec<Log>,
    first: Role,
    /// Whether the validator set rotates: two more validators run from the start, join, and
    /// are rotated out again (see [`rotate`]).
    rotating: bool,
    /// A dealer and a player: every share the dealer deals the player arrives corrupted.
    bad_dealer: Option<(usize, usize)>,
}

/// Splits a group key among `keys` as a trusted dealer seeded by `seed`; the shares in the
/// order of `keys`.
fn deal(
    keys: &[ed25519::PrivateKey],
    seed: u64,
) -> (
    feldman_desmedt::Output<Variant, ed25519::PublicKey>,
    Vec<Share>,
) {
    let set = Set::from_iter_dedup(keys.iter().map(|k| k.public_key()));
    let (output, shares) = feldman_desmedt::deal::<Variant, _, N3f1>(
        commonware_utils::TestRng::new(seed),
        Mode::NonZeroCounter,
        set,
    )
    .unwrap();
    let shares = keys
        .iter()
        .map(|k| shares.get_value(&k.public_key()).unwrap().clone())
        .collect();
    (output, shares)
}

impl Sim {
    fn new(first: Role) -> Self {
        let keys = validator_keys();
        let (output, shares) = deal(&keys, 0);
        let polynomial = output.public().clone();
        Self {
            dir: Arc::new(tempfile::tempdir().unwrap()),
            logs: (0..keys.len()).map(|_| Log::default()).collect(),
            keys,
            polynomial,
            shares,
            first,
            rotating: false,
            bad_dealer: None,
        }
    }

    /// The genesis four and two validators that join later.
    fn rotating() -> Self {
        let mut sim = Self::new(Role::Honest);
        sim.keys.extend(
            (VALIDATORS..VALIDATORS + JOINERS).map(|i| ed25519::PrivateKey::from_seed(i as u64)),
        );
        sim.logs = (0..sim.keys.len()).map(|_| Log::default()).collect();
        sim.rotating = true;
        sim
    }

    fn role(&self, index: usize) -> Role {
        if index == 0 { self.first } else { Role::Honest }
    }

    fn public_key(&self, index: usize) -> ed25519::PublicKey {
        self.keys[index].public_key()
    }
}

struct Engine {
    context: deterministic::Context,
    index: usize,
    role: Role,
    sim: Sim,
    channels: Vec<(
        simulated::Sender<ed25519::PublicKey, deterministic::Context>,
        simulated::Receiver<ed25519::PublicKey>,
    )>,
    control: simulated::Control<ed25519::PublicKey, deterministic::Context>,
    manager:
        AddressableManager<simulated::SocketManager<ed25519::PublicKey, deterministic::Context>>,
    monitor: commonware_utils::channel::mpsc::UnboundedSender<
        commonware_glue::simulate::tracker::FinalizationUpdate<ed25519::PublicKey>,
    >,
}

#[derive(Clone)]
struct State {
    log: Log,
}

impl ProcessedHeight for State {
    async fn processed_height(&self) -> u64 {
        self.log.lock().unwrap().keys().last().copied().unwrap_or(0)
    }
}

fn store_path(dir: &tempfile::TempDir, index: usize) -> PathBuf {
    dir.path().join(format!("validator-{index}.redb"))
}

/// sr25519 signing takes a random nonce; the simulation draws it from a seeded generator so that
/// one seed always gives the same transactions, blocks and state roots.
struct SeededRng([u8; 32], u64);

impl rand_core::RngCore for SeededRng {
    fn next_u32(&mut self) -> u32 {
        self.next_u64() as u32
    }
    fn next_u64(&mut self) -> u64 {
        let mut bytes = [0u8; 8];
        self.fill_bytes(&mut bytes);
        u64::from_le_bytes(bytes)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(32) {
            self.1 += 1;
            let block = blake2_256_parts(&[&self.0, &self.1.to_le_bytes()]).0;
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl rand_core::CryptoRng for SeededRng {}

fn deterministic_sign(
    keypair: &schnorrkel::Keypair,
    transaction: Transaction,
    rng: &mut SeededRng,
) -> SignedTransaction {
    let payload = transaction.signing_payload();
    let context = schnorrkel::signing_context(b"substrate");
    let signature = keypair.sign(schnorrkel::context::attach_rng(
        context.bytes(&payload),
        rng,
    ));
    SignedTransaction::Plexus {
        transaction,
        signature: Signature(signature.to_bytes()),
    }
}

/// Submits a transfer from the validator's own account every few hundred milliseconds, so
/// blocks carry transactions and every proposer's mempool is exercised.
async fn submit_load(context: deterministic::Context, node: Arc<Core>, index: usize) {
    let keypair = account_keypair(index);
    let signer = account(index);
    let mut rng = SeededRng(blake2_256(&[index as u8]).0, 0);
    loop {
        context.sleep(Duration::from_millis(300)).await;
        let nonce = node.pending_nonce(&signer);
        let transaction = Transaction {
            signer,
            nonce,
            genesis_hash: node.genesis_hash(),
            valid_until: None,
            tip: 0,
            call: Call::Transfer {
                dest: account((index + 1) % VALIDATORS),
                value: RAO_PER_TAO,
            },
        };
        let tx = deterministic_sign(&keypair, transaction, &mut rng)
            .check(&node.finalized().check_context())
            .unwrap();
        // The pool may refuse (e.g. the account's queue is full while we lead rarely): fine.
        let _ = node.submit(tx);
    }
}

/// A receiver that replaces the private share in every dealing `dealer` sends with another
/// scalar: the share no longer matches the dealer's public commitment.
#[derive(Debug)]
struct Tamper<R> {
    receiver: R,
    dealer: Option<ed25519::PublicKey>,
}

impl<R: Receiver<PublicKey = ed25519::PublicKey>> Receiver for Tamper<R> {
    type Error = R::Error;
    type PublicKey = ed25519::PublicKey;

    async fn recv(&mut self) -> Result<(ed25519::PublicKey, IoBuf), Self::Error> {
        let (from, message) = self.receiver.recv().await?;
        if self.dealer.as_ref() != Some(&from) {
            return Ok((from, message));
        }
        let Ok((epoch, body)) = mux::parse(message.clone()) else {
            return Ok((from, message));
        };
        // A dealing is tag 0, the commitment, then the 32-byte private share.
        let mut body = body.as_ref().to_vec();
        let len = body.len();
        if body.first() != Some(&0) || len < 33 {
            return Ok((from, message));
        }
        let mut one = [0u8; 32];
        one[31] = 1;
        body[len - 32..].copy_from_slice(&one);
        let mut framed = UInt(epoch).encode().to_vec();
        framed.extend_from_slice(&body);
        Ok((from, IoBuf::from(framed)))
    }

    fn capacity(&self) -> std::num::NonZeroUsize {
        self.receiver.capacity()
    }
}

/// Governance's side of the rotation, submitted through validator 0's node: the governor
/// announces every validator (each key proving it), schedules all six, and once the six serve,
/// schedules the genesis four again.
async fn rotate(context: deterministic::Context, node: Arc<Core>, keys: Vec<ed25519::PrivateKey>) {
    let keypair = account_keypair(GOVERNOR);
    let signer = account(GOVERNOR);
    let mut rng = SeededRng(blake2_256(b"governor").0, 0);
    let keys: Vec<ValidatorKey> = keys.into_iter().map(ValidatorKey::from).collect();
    let ids: Vec<ValidatorId> = keys.iter().map(ValidatorKey::id).collect();
    loop {
        context.sleep(Duration::from_millis(500)).await;
        let chain = node.finalized();
        // One transaction at a time: the last must land before the next is decided.
        if node.pending_nonce(&signer) != chain.next_nonce(&signer) {
            continue;
        }
        let state = chain.state();
        let epoch = chain.head().number / EPOCH_LENGTH;
        let call = if let Some(i) = (0..keys.len()).find(|i| state.validator(&ids[*i]).is_none()) {
            keys[i].announcement(&state.globals().chain_id, &signer, socket(i))
        } else {
            match (state.committee(u64::MAX), state.scheduled_validators()) {
                (_, Some(_)) => continue,
                (None, None) => schedule(ids.clone()),
                (Some((from, committee)), None)
                    if committee.len() == keys.len() && epoch >= from =>
                {
                    schedule(ids[..VALIDATORS].to_vec())
                }
                (Some(_), None) => continue,
            }
        };
        let transaction = Transaction {
            signer,
            nonce: chain.next_nonce(&signer),
            genesis_hash: node.genesis_hash(),
            valid_until: None,
            tip: 0,
            call,
        };
        let tx = deterministic_sign(&keypair, transaction, &mut rng)
            .check(&chain.check_context())
            .unwrap();
        let _ = node.submit(tx);
    }
}

fn schedule(validators: Vec<ValidatorId>) -> Call {
    Call::Governance(GovernanceCall::ScheduleValidators(validators))
}

async fn run_validator(context: deterministic::Context, engine: Engine) {
    let Engine {
        context: _,
        index,
        role,
        sim,
        channels,
        control,
        manager,
        monitor,
    } = engine;
    if role != Role::Honest {
        return run_byzantine(context, role, &sim, index, channels).await;
    }
    let node = Core::open(
        &store_path(&sim.dir, index),
        &genesis(),
        plexus_store::Retention::Archive,
        plexus_mempool::Limits::default(),
    )
    .map(Arc::new)
    .unwrap_or_else(|e| panic!("validator {index}: {e}"));
    let log = sim.logs[index].clone();
    let mut notifications = node.subscribe();
    // A crash can come between a block's commit and the log's notice of it: what the store
    // holds was committed, and is logged now.
    {
        let mut log = log.lock().unwrap();
        let first = log.keys().last().map_or(1, |h| h + 1);
        let at = context.current().duration_since(UNIX_EPOCH).unwrap();
        for height in first..=node.finalized().head().number {
            let block = node.store().block(height).unwrap().unwrap();
            let commit = Commit {
                hash: block.header.hash(),
                state_root: block.header.state_root,
                transactions: block.transactions.len(),
            };
            log.insert(height, (commit, at));
        }
    }
    context.child("log").spawn(move |context| async move {
        while let Ok(notification) = notifications.recv().await {
            if let Notification::Finalized {
                header,
                transactions,
                ..
            } = notification
            {
                let commit = Commit {
                    hash: header.hash(),
                    state_root: header.state_root,
                    transactions: transactions.len(),
                };
                let at = context.current().duration_since(UNIX_EPOCH).unwrap();
                log.lock().unwrap().insert(header.number, (commit, at));
            }
        }
    });
    context.child("load").spawn({
        let node = node.clone();
        move |ctx| submit_load(ctx, node, index)
    });
    if sim.rotating && index == 0 {
        context.child("rotate").spawn({
            let node = node.clone();
            let keys = sim.keys.clone();
            move |ctx| rotate(ctx, node, keys)
        });
    }
    let key = sim.keys[index].clone();
    let corrupted = sim
        .bad_dealer
        .filter(|(_, player)| *player == index)
        .map(|(dealer, _)| sim.public_key(dealer));
    let channels: [_; 7] = channels
        .into_iter()
        .enumerate()
        .map(|(channel, (sender, receiver))| {
            let dealer = corrupted.clone().filter(|_| channel as u64 == RESHARE);
            (sender, Tamper { receiver, dealer })
        })
        .collect::<Vec<_>>()
        .try_into()
        .ok()
        .unwrap();
    let pk = key.public_key();
    let handle = start_validator(
        context.child("consensus"),
        &node,
        ValidatorConfig {
            key,
            // A joiner starts without a share: it follows consensus until a resharing gives it one.
            share: sim.shares.get(index).cloned().map(ValidatorShare::from),
            secrets: sim.dir.path().join(format!("secrets-{index}")),
            partition_prefix: format!("validator-{index}"),
            timing: Timing::new(Duration::from_secs(1)),
        },
        channels,
        control,
        manager,
        move |finalizer| MonitorReporter::new(pk, monitor, finalizer),
    )
    .await
    .unwrap_or_else(|e| panic!("validator {index}: {e}"));
    let _ = handle.await;
}

async fn run_byzantine(
    context: deterministic::Context,
    role: Role,
    sim: &Sim,
    index: usize,
    channels: Vec<(
        simulated::Sender<ed25519::PublicKey, deterministic::Context>,
        simulated::Receiver<ed25519::PublicKey>,
    )>,
) {
    use commonware_consensus::simplex::mocks;
    let genesis_hash = plexus_runtime::Chain::from_genesis(&genesis())
        .unwrap()
        .genesis_hash();
    let validators = Set::from_iter_dedup(sim.keys.iter().map(|k| k.public_key()));
    let scheme = Scheme::signer(
        &namespace(genesis_hash),
        validators,
        sim.polynomial.clone(),
        sim.shares[index].clone(),
    )
    .unwrap();
    // Consensus messages travel on their epoch's subchannel: the mocks speak on epoch 0's.
    let (sender, receiver) = channels.into_iter().next().unwrap();
    let (muxer, mut mux) = Muxer::new(context.child("vote_mux"), sender, receiver);
    muxer.start();
    let votes = mux.register(0).await.unwrap();
    let handle = match role {
        Role::Conflicter => mocks::conflicter::Conflicter::<_, _, Sha256>::new(
            context.child("conflicter"),
            mocks::conflicter::Config { scheme },
        )
        .start(votes),
        Role::Nuller => mocks::nuller::Nuller::<_, _, Sha256>::new(
            context.child("nuller"),
            mocks::nuller::Config { scheme },
        )
        .start(votes),
        // Never started: silent forever.
        Role::Offline | Role::Honest => return futures::future::pending().await,
    };
    let _ = handle.await;
}

impl EngineDefinition for Sim {
    type PublicKey = ed25519::PublicKey;
    type Engine = Engine;
    type State = State;

    fn participants(&self) -> Vec<ed25519::PublicKey> {
        self.keys.iter().map(|k| k.public_key()).collect()
    }

    fn channels(&self) -> Vec<(u64, Quota)> {
        CHANNELS.iter().map(|&id| (id, QUOTA)).collect()
    }

    fn max_message_size(&self) -> u32 {
        max_message_size()
    }

    async fn init(&self, ctx: InitContext<'_, ed25519::PublicKey>) -> (Engine, State) {
        let state = State {
            log: self.logs[ctx.index].clone(),
        };
        let engine = Engine {
            context: ctx.context,
            index: ctx.index,
            role: self.role(ctx.index),
            sim: self.clone(),
            channels: ctx.channels,
            control: ctx.oracle.control(ctx.public_key.clone()),
            manager: AddressableManager::new(ctx.oracle.socket_manager()),
            monitor: ctx.monitor,
        };
        (engine, state)
    }

    fn start(engine: Engine) -> Handle<()> {
        // Every actor is a child of this task, so aborting it crashes the whole validator and
        // drops its only handle on the store.
        engine
            .context
            .child("validator")
            .spawn(move |context| run_validator(context, engine))
    }
}

/// At least `count` validators have committed `height`.
#[derive(Clone)]
struct Reached {
    height: u64,
    count: usize,
}

impl<P: commonware_cryptography::PublicKey> ExitCondition<P, State> for Reached {
    fn name(&self) -> &str {
        "reached"
    }

    fn requires_polling(&self) -> bool {
        true
    }

    fn reached<'a>(
        &'a self,
        _: &'a ProgressTracker<P>,
        states: &'a [&'a State],
        _: usize,
    ) -> Pin<Box<dyn Future<Output = Result<bool, String>> + Send + 'a>> {
        Box::pin(async move {
            let mut reached = 0;
            for state in states {
                if state.processed_height().await >= self.height {
                    reached += 1;
                }
            }
            Ok(reached >= self.count)
        })
    }
}

/// Every height committed by two validators has the same block and state root on both; no
/// validator skips a height; transactions went through; and nothing was committed inside
/// `quiet` (a window of simulated time in which no quorum could form).
#[derive(Clone)]
struct Agreement {
    logs: Vec<Log>,
    quiet: Option<(Duration, Duration)>,
}

impl<P: commonware_cryptography::PublicKey> Property<P, State> for Agreement {
    fn name(&self) -> &str {
        "agreement"
    }

    fn check<'a>(
        &'a self,
        _: &'a ProgressTracker<P>,
        _: &'a [&'a State],
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async move { check_agreement(&self.logs, self.quiet) })
    }
}

fn check_agreement(logs: &[Log], quiet: Option<(Duration, Duration)>) -> Result<(), String> {
    let logs: Vec<_> = logs.iter().map(|l| l.lock().unwrap().clone()).collect();
    let mut seen: BTreeMap<u64, Commit> = BTreeMap::new();
    for (index, log) in logs.iter().enumerate() {
        for (height, (commit, at)) in log {
            match seen.get(height) {
                Some(other) if other != commit => {
                    return Err(format!(
                        "validator {index} committed {commit:?} at {height}, another {other:?}"
                    ));
                }
                _ => {
                    seen.insert(*height, *commit);
                }
            }
            if let Some((from, to)) = quiet
                && *at > from
                && *at < to
            {
                return Err(format!(
                    "validator {index} committed height {height} at {at:?}, inside the partition"
                ));
            }
        }
        if let Some(max) = log.keys().last()
            && let Some(h) = (1..=*max).find(|h| !log.contains_key(h))
        {
            return Err(format!("validator {index} skipped height {h}"));
        }
    }
    let transactions: usize = seen.values().map(|c| c.transactions).sum();
    if transactions == 0 {
        return Err(format!("{} blocks but no transactions", seen.len()));
    }
    Ok(())
}

fn good_link() -> Link {
    Link {
        latency: Duration::from_millis(50),
        jitter: Duration::from_millis(10),
        success_rate: commonware_utils::probability!(1.0),
    }
}

fn lossy_link() -> Link {
    Link {
        success_rate: commonware_utils::probability!(0.8),
        ..good_link()
    }
}

fn dead_link() -> Link {
    Link {
        success_rate: commonware_utils::probability!(0.0),
        ..good_link()
    }
}

/// Runs a scenario on `seeds` fresh networks: until `count` validators committed `height`.
fn run(
    seeds: std::ops::Range<u64>,
    first: Role,
    height: u64,
    count: usize,
    configure: impl Fn(PlanBuilder<Sim>, &Sim) -> PlanBuilder<Sim>,
    quiet: Option<(Duration, Duration)>,
) -> Vec<Sim> {
    seeds
        .map(|seed| {
            let sim = Sim::new(first);
            let builder = PlanBuilder::new(sim.clone())
                .seed(seed)
                .link(good_link())
                .exit_condition(Reached { height, count })
                .property(Agreement {
                    logs: sim.logs.clone(),
                    quiet,
                })
                .timeout(Duration::from_secs(300));
            let results = configure(builder, &sim).run();
            if let Err(error) = results {
                panic!("seed {seed}: {error}");
            }
            sim
        })
        .collect()
}

fn heights(sim: &Sim, index: usize) -> u64 {
    sim.logs[index]
        .lock()
        .unwrap()
        .keys()
        .last()
        .copied()
        .unwrap_or(0)
}

/// One consensus epoch's record, as the last block of the epoch before carries it.
#[derive(Debug)]
struct Reshared {
    epoch: u64,
    /// The ceremony succeeded (otherwise the committee and shares carry over).
    success: bool,
    /// Players whose new shares were revealed on chain (they did not acknowledge a dealing).
    revealed: Vec<usize>,
    /// Dealers' logs on chain in the epoch's second half.
    logs: usize,
    /// The dealers whose dealings made this epoch's shares.
    dealers: Vec<usize>,
    /// The epoch's validators (who hold its shares).
    players: Vec<usize>,
    /// The next epoch's.
    next_players: Vec<usize>,
}

/// Every resharing validator `index` committed: the record in each epoch's last block, checked
/// to keep the group key, with its committees as indices into the simulation's keys.
fn reshares(sim: &Sim, index: usize) -> Vec<Reshared> {
    let store = plexus_store::Store::open(
        &store_path(&sim.dir, index),
        plexus_store::Retention::Archive,
    )
    .unwrap();
    let head = store.head_height().unwrap().unwrap_or(0);
    let block = |h| PlexusBlock::new(store.block(h).unwrap().unwrap()).unwrap();
    let indices = |set: &Set<ed25519::PublicKey>| -> Vec<usize> {
        let mut indices: Vec<usize> = set
            .iter()
            .map(|key| {
                sim.keys
                    .iter()
                    .position(|k| &k.public_key() == key)
                    .unwrap()
            })
            .collect();
        indices.sort_unstable();
        indices
    };
    let mut records = Vec::new();
    let mut last = EPOCH_LENGTH - 1;
    while last <= head {
        let Some(Payload::EpochInfo(info)) = block(last).payload() else {
            panic!("validator {index}: block {last} ends an epoch and records none");
        };
        assert_eq!(info.epoch.get(), last / EPOCH_LENGTH + 1);
        assert_eq!(
            info.output.public().public(),
            sim.polynomial.public(),
            "validator {index}: resharing changed the group key"
        );
        let logs = (last + 1 - EPOCH_LENGTH / 2..last)
            .filter(|h| matches!(block(*h).payload(), Some(Payload::DealerLog(_))))
            .count();
        records.push(Reshared {
            epoch: info.epoch.get(),
            success: info.outcome == EpochOutcome::Success,
            revealed: indices(info.output.revealed()),
            logs,
            dealers: indices(info.output.dealers()),
            players: indices(&info.players),
            next_players: indices(&info.next_players),
        });
        last += EPOCH_LENGTH;
    }
    records
}

#[test]
fn all_online_agree() {
    for sim in run(0..3, Role::Honest, 50, VALIDATORS, |b, _| b, None) {
        for index in 0..VALIDATORS {
            assert!(heights(&sim, index) >= 50);
            // Every epoch the four reshare the group key among themselves, each dealing
            // to all and acknowledged by all.
            let records = reshares(&sim, index);
            assert!(records.len() >= 2, "{records:?}");
            let epochs: Vec<u64> = records.iter().map(|r| r.epoch).collect();
            assert_eq!(epochs, (1..=records.len() as u64).collect::<Vec<_>>());
            for record in &records {
                assert!(record.success, "{records:?}");
                assert!(record.revealed.is_empty(), "{records:?}");
                assert!(record.logs >= 3, "{records:?}");
                assert_eq!(record.players, [0, 1, 2, 3], "{records:?}");
                assert_eq!(record.next_players, [0, 1, 2, 3], "{records:?}");
            }
            // Its share of the current epoch is kept, and those before the last are erased.
            let current = heights(&sim, index) / EPOCH_LENGTH;
            let secrets = sim.dir.path().join(format!("secrets-{index}"));
            assert!(secrets.join(format!("share-{current}")).exists());
            assert!(!secrets.join("share-0").exists());
        }
    }
}

/// Every validator stores, beside nearly every block, a finality proof that a node outside
/// consensus can check from the group key alone; the proof fits only its own block and only
/// this group key, and any changed byte breaks it.
#[test]
fn finality_proofs_are_stored_and_prove_only_their_block() {
    let sim = run(3..4, Role::Honest, 25, VALIDATORS, |b, _| b, None).remove(0);
    let genesis_hash = plexus_runtime::Chain::from_genesis(&genesis())
        .unwrap()
        .genesis_hash();
    let verifier = FinalityVerifier::new(genesis_hash, *sim.polynomial.public());
    // The same validators with another deal of a group key: their certificates are not ours.
    let (other, _) = deal(&sim.keys, 1);
    let strangers = FinalityVerifier::new(genesis_hash, *other.public().public());
    for index in 0..VALIDATORS {
        let store = plexus_store::Store::open(
            &store_path(&sim.dir, index),
            plexus_store::Retention::Archive,
        )
        .unwrap();
        let head = store.head_height().unwrap().unwrap();
        let block = |h| PlexusBlock::new(store.block(h).unwrap().unwrap()).unwrap();
        let mut proven = 0;
        for height in 1..=head {
            let Some(proof) = store.finality(height).unwrap() else {
                continue;
            };
            proven += 1;
            assert_eq!(verifier.verify(&block(height), &proof), Ok(()));
            // The proof's seed is the group's signature over the block's round, and the next
            // block carries exactly that seed onto the chain: the beacon is what consensus
            // certified.
            let decoded = Finalization::<Scheme, BlockDigest>::decode_cfg(
                bytes::Bytes::copy_from_slice(&proof),
                &(),
            )
            .unwrap();
            let seed = decoded.seed();
            let header = block(height).header().clone();
            assert_eq!(
                (seed.round.epoch().get(), seed.round.view().get()),
                (header.epoch, header.view)
            );
            assert_eq!(header.epoch, height / EPOCH_LENGTH);
            if height < head {
                let next = block(height + 1);
                let carried = next
                    .header()
                    .seeds
                    .iter()
                    .find(|s| s.view == header.view)
                    .map(|s| s.signature.0.to_vec());
                if next.header().epoch == header.epoch {
                    assert_eq!(carried, Some(seed.signature.encode().to_vec()));
                } else {
                    // The next epoch's consensus starts from this block as its view 0: its
                    // first block carries that epoch's seeds, from view 1.
                    let views: Vec<u64> = next.header().seeds.iter().map(|s| s.view).collect();
                    assert_eq!(views, (1..next.header().view).collect::<Vec<_>>());
                }
            }
            if height < head {
                assert!(matches!(
                    verifier.verify(&block(height + 1), &proof),
                    Err(FinalityError::OtherBlock { .. })
                ));
            }
            assert_eq!(
                strangers.verify(&block(height), &proof),
                Err(FinalityError::BadSignatures)
            );
            let mut forged = proof.clone();
            let last = forged.len() - 1;
            forged[last] ^= 1;
            assert_eq!(
                verifier.verify(&block(height), &forged),
                Err(FinalityError::BadSignatures)
            );
            let mut longer = proof.clone();
            longer.push(0);
            assert!(matches!(
                verifier.verify(&block(height), &longer),
                Err(FinalityError::Malformed(_))
            ));
        }
        // The run crossed into epoch 1, whose consensus started from epoch 0's last block.
        let first = block(EPOCH_LENGTH);
        assert_eq!((first.header().epoch, first.header().parent_view), (1, 0));
        // Blocks finalized only as ancestors of a later one have no proof of their own.
        assert!(
            proven * 10 >= head * 8,
            "validator {index}: {proven} of {head} blocks have a proof"
        );
    }
}

#[test]
fn same_seed_same_run() {
    let once = |seed| {
        let sim = Sim::new(Role::Honest);
        let result = PlanBuilder::new(sim.clone())
            .seed(seed)
            .link(good_link())
            .exit_condition(Reached {
                height: 15,
                count: VALIDATORS,
            })
            .build()
            .run()
            .unwrap();
        (result.state, sim.logs[1].lock().unwrap().clone())
    };
    let (state_a, log_a) = once(7);
    let (state_b, log_b) = once(7);
    assert_eq!(log_a, log_b);
    assert_eq!(state_a, state_b);
}

#[test]
fn one_validator_never_starts() {
    for sim in run(0..3, Role::Offline, 30, 3, |b, _| b, None) {
        assert_eq!(heights(&sim, 0), 0);
    }
}

#[test]
fn crashed_validator_restarts_and_catches_up() {
    let sims = run(
        0..2,
        Role::Honest,
        60,
        VALIDATORS,
        |b, sim| {
            b.crash(Crash::ProcessedHeight {
                participant: sim.public_key(1),
                heights: 10..=20,
                downtime: Duration::from_secs(10),
            })
        },
        None,
    );
    for sim in sims {
        assert!(heights(&sim, 1) >= 60);
        // Down across a dealing window, it still ends with the current epoch's share.
        let records = reshares(&sim, 1);
        assert!(
            records.iter().filter(|r| r.success).count() >= 2,
            "{records:?}"
        );
        let current = heights(&sim, 1) / EPOCH_LENGTH;
        assert!(
            sim.dir
                .path()
                .join(format!("secrets-1/share-{current}"))
                .exists()
        );
    }
}

#[test]
fn random_crashes_and_restarts() {
    run(
        0..2,
        Role::Honest,
        80,
        VALIDATORS,
        |b, _| {
            b.crash(Crash::Random {
                frequency: Duration::from_secs(5),
                downtime: Duration::from_secs(2),
                count: 1,
            })
        },
        None,
    );
}

#[test]
fn twenty_percent_packet_loss() {
    run(
        0..2,
        Role::Honest,
        20,
        VALIDATORS,
        |b, _| b.link(lossy_link()),
        None,
    );
}

#[test]
fn partition_heals() {
    let (cut, heal) = (Duration::from_secs(5), Duration::from_secs(15));
    let sims = run(
        0..2,
        Role::Honest,
        50,
        VALIDATORS,
        |b, sim| {
            let mut schedule = Schedule::new();
            for a in 0..2 {
                for b in 2..4 {
                    for (from, to) in [(a, b), (b, a)] {
                        schedule = schedule.at(
                            cut,
                            Action::UpdateLink {
                                from: sim.public_key(from),
                                to: sim.public_key(to),
                                link: dead_link(),
                            },
                        );
                    }
                }
            }
            b.crash(Crash::Schedule(
                schedule.at(heal, Action::Heal(good_link())),
            ))
        },
        // Commits of blocks notarized just before the cut may land a moment later.
        Some((cut + Duration::from_secs(3), heal)),
    );
    for sim in sims {
        // Progress before the cut and after the heal.
        let log = sim.logs[2].lock().unwrap();
        assert!(log.values().any(|(_, at)| *at < cut));
        assert!(log.values().any(|(_, at)| *at > heal));
    }
}

#[test]
fn byzantine_validator_cannot_break_agreement() {
    for role in [Role::Conflicter, Role::Nuller] {
        for sim in run(0..2, role, 30, 3, |b, _| b, None) {
            assert_eq!(heights(&sim, 0), 0, "{role:?} runs no node");
            for index in 1..VALIDATORS {
                assert!(heights(&sim, index) >= 30, "{role:?}: validator {index}");
                // The three honest dealers reshare without it; it never acknowledged, so its
                // new share is revealed.
                let records = reshares(&sim, index);
                assert!(!records.is_empty());
                for record in &records {
                    assert!(record.success && record.revealed == [0], "{records:?}");
                }
            }
        }
    }
}

/// The validator set changes without a restart, under 20% message loss: governance announces
/// two more validators and schedules all six, the four reshare the group key to them two
/// epochs later, the six run consensus, and when governance schedules the genesis four again
/// the six reshare it back. Every node, the joiners included, commits the same blocks, and the
/// group key never changes.
#[test]
fn validators_join_and_leave_by_resharing() {
    let sim = Sim::rotating();
    let results = PlanBuilder::new(sim.clone())
        .seed(0)
        .link(lossy_link())
        .exit_condition(Reached {
            height: 170,
            count: VALIDATORS,
        })
        .property(Agreement {
            logs: sim.logs.clone(),
            quiet: None,
        })
        .timeout(Duration::from_secs(900))
        .build()
        .run();
    if let Err(error) = results {
        panic!("{error}");
    }
    let records = reshares(&sim, 0);
    let six: Vec<usize> = (0..VALIDATORS + JOINERS).collect();
    let four: Vec<usize> = (0..VALIDATORS).collect();
    let joined = records
        .iter()
        .position(|r| r.players == six)
        .unwrap_or_else(|| panic!("the six never served: {records:?}"));
    let left = records[joined..]
        .iter()
        .position(|r| r.players == four)
        .map(|i| i + joined)
        .unwrap_or_else(|| panic!("the four never served again: {records:?}"));
    // The six were tracked an epoch ahead, and dealt their shares by the four.
    assert_eq!(records[joined - 1].next_players, six, "{records:?}");
    assert_eq!(records[joined - 1].players, four, "{records:?}");
    assert!(records[joined].success, "{records:?}");
    for record in &records[joined..left] {
        assert_eq!(record.players, six, "{records:?}");
    }
    // Under loss a ceremony may fail; it is retried in the next epoch and the chain goes on
    // with the committee it had. The run ends with the four holding a successful resharing.
    let last = records.last().unwrap();
    assert!(last.success && last.players == four, "{records:?}");
    // The joiners signed with shares of their own: they dealt in a resharing (only a holder
    // of a share can), and followed the chain while they served.
    assert!(
        records[joined + 1..=left]
            .iter()
            .any(|r| r.dealers.contains(&4) && r.dealers.contains(&5)),
        "{records:?}"
    );
    for joiner in VALIDATORS..VALIDATORS + JOINERS {
        let served = records[joined].epoch;
        assert!(
            heights(&sim, joiner) >= served * EPOCH_LENGTH,
            "joiner {joiner}"
        );
    }
}

/// A dealer that deals one player a share that does not match its commitment: the player
/// refuses it (and blocks the dealer), and every resharing still completes, the player holding
/// its share of each new epoch, with the group key unchanged.
#[test]
fn a_bad_dealer_is_refused_and_resharing_completes() {
    let mut sim = Sim::new(Role::Honest);
    sim.bad_dealer = Some((3, 1));
    let results = PlanBuilder::new(sim.clone())
        .seed(0)
        .link(good_link())
        .exit_condition(Reached {
            height: 50,
            count: VALIDATORS,
        })
        .property(Agreement {
            logs: sim.logs.clone(),
            quiet: None,
        })
        .timeout(Duration::from_secs(300))
        .build()
        .run();
    if let Err(error) = results {
        panic!("{error}");
    }
    // The player never took a dealing from the bad dealer, yet holds its share of every epoch:
    // the ceremonies completed without that dealing reaching it.
    let secrets = sim.dir.path().join("secrets-1");
    let bad = hex::encode(sim.public_key(3).encode());
    let files: Vec<String> = std::fs::read_dir(&secrets)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(!files.iter().any(|f| f.ends_with(&bad)), "{files:?}");
    let records = reshares(&sim, 0);
    assert!(records.len() >= 2, "{records:?}");
    for record in &records {
        assert!(record.success, "{records:?}");
        assert!(
            secrets.join(format!("share-{}", record.epoch)).exists(),
            "{files:?}"
        );
    }
    for index in 1..VALIDATORS {
        assert_eq!(
            reshares(&sim, index).len(),
            records.len(),
            "validator {index}"
        );
    }
}
