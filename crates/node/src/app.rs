//! The application consensus drives: it proposes blocks from the mempool and verifies proposals
//! by executing them on their parent's state.
//!
//! States after blocks that are proposed or verified but not yet finalized are kept in the core's
//! cache keyed by digest, so a block is executed once whether we built it, verified it, or later
//! commit it. A parent we do not know (after a restart, or a branch we never saw) is rebuilt by
//! walking the ancestry back to a known state and replaying forward.
//!
//! Resharing (glue's `reshare::Application`, which wraps this one) chooses what a block records
//! for it: a dealer's log in the second half of a consensus epoch, the next epoch's committee in
//! its last block. The proposer puts that payload in the block as it is handed over; the wrapper
//! checks it in the blocks of others.

use crate::beacon::Seeds;
use crate::block::{BlockDigest, PlexusBlock};
use crate::consensus::{Scheme, Variant};
use crate::core::{Core, Lookup};
use crate::key::validator_id;
use commonware_consensus::Heightable as _;
use commonware_consensus::{Application, marshal::ancestry::Ancestry, simplex::types::Context};
use commonware_cryptography::{Digested, Digestible, ed25519};
use commonware_glue::dkg::{network::Addresses, reshare};
use commonware_runtime::Clock;
use futures::StreamExt;
use plexus_runtime::{Chain, ConsensusRound, Seed};
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};
use tracing::{debug, warn};

/// How far ahead of our clock a proposal's timestamp may be before we wait for our clock.
const MAX_DRIFT_MS: u64 = 2_000;

/// How long a proposer waits for a seed it should already hold (consensus reports a
/// certificate before moving past its view), in steps of [`SEED_POLL`].
const SEED_WAIT_STEPS: u32 = 50;
const SEED_POLL: Duration = Duration::from_millis(20);

/// The Commonware application: a cheap handle on the node's core.
#[derive(Clone)]
pub(crate) struct PlexusApp {
    core: Arc<Core>,
    /// Seeds from consensus's certificates, for the blocks we propose.
    seeds: Arc<Seeds>,
    /// How long a proposer with an empty mempool waits for transactions before building anyway.
    empty_block_interval: Duration,
}

impl PlexusApp {
    pub(crate) fn new(core: Arc<Core>, seeds: Arc<Seeds>, empty_block_interval: Duration) -> Self {
        Self {
            core,
            seeds,
            empty_block_interval,
        }
    }

    /// The seeds of views `first..end` of `epoch`, waiting briefly for any not yet reported.
    async fn seeds(
        &self,
        clock: &impl Clock,
        epoch: u64,
        first: u64,
        end: u64,
    ) -> Option<Vec<Seed>> {
        for _ in 0..SEED_WAIT_STEPS {
            if let Some(seeds) = self.seeds.range(epoch, first, end) {
                return Some(seeds);
            }
            clock.sleep(SEED_POLL).await;
        }
        None
    }
}

fn now_ms(clock: &impl Clock) -> u64 {
    clock
        .current()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Where a parent's state comes from.
enum ParentState {
    Known(Box<Chain>),
    /// The parent conflicts with what we have finalized: never valid.
    Conflicts,
    /// The ancestry ended before reaching a known state.
    Unavailable,
}

impl PlexusApp {
    /// The state after `parent`, replaying unknown ancestors from the stream if needed.
    /// `ancestry` must yield `parent`'s ancestors, newest first, starting at `parent` itself.
    async fn parent_state(
        &self,
        parent: &Digested<PlexusBlock>,
        ancestry: &mut impl Ancestry<PlexusBlock>,
    ) -> ParentState {
        let mut pending: Vec<Digested<PlexusBlock>> = Vec::new();
        let mut next = Some(parent.clone());
        loop {
            let Some(block) = next.take() else {
                return ParentState::Unavailable;
            };
            match self
                .core
                .lookup(&block.digest(), block.inner().height().get())
            {
                Lookup::Found(chain) => {
                    return self.replay(*chain, pending);
                }
                Lookup::Conflicts => return ParentState::Conflicts,
                Lookup::Unknown => {
                    pending.push(block);
                    next = ancestry.next().await;
                }
            }
        }
    }

    /// Applies `pending` (newest first) on `chain`, caching each state.
    fn replay(&self, mut chain: Chain, mut pending: Vec<Digested<PlexusBlock>>) -> ParentState {
        while let Some(block) = pending.pop() {
            match chain.apply_block(block.inner().block()) {
                Ok(outcome) => self.core.cache(block.digest(), &chain, outcome),
                Err(error) => {
                    // A notarized ancestor that does not execute: only a bug or a broken quorum.
                    warn!(height = block.inner().header().number, %error, "ancestor failed to execute");
                    return ParentState::Conflicts;
                }
            }
        }
        ParentState::Known(Box::new(chain))
    }
}

/// What resharing hands a proposer: the payload its block must carry, if any.
pub(crate) type ReshareInput =
    reshare::Input<(), Variant, ed25519::PrivateKey, Addresses<ed25519::PublicKey>>;

impl<E: Clock + Send + Sync + 'static> Application<E> for PlexusApp {
    type SigningScheme = Scheme;
    type Context = Context<BlockDigest, ed25519::PublicKey>;
    type Block = PlexusBlock;
    type Input = ReshareInput;

    async fn propose(
        &mut self,
        (clock, context): (E, Self::Context),
        mut ancestry: impl Ancestry<PlexusBlock>,
        input: ReshareInput,
    ) -> Option<Digested<PlexusBlock>> {
        let parent = ancestry.next().await?;
        let chain = match self.parent_state(&parent, &mut ancestry).await {
            ParentState::Known(chain) => chain,
            ParentState::Conflicts | ParentState::Unavailable => {
                debug!(
                    height = parent.inner().header().number,
                    "no state for the parent; skipping"
                );
                return None;
            }
        };
        // A chain with a group key takes the seed of every view of the epoch since the parent's
        // (each epoch's consensus starts from its parent as view 0).
        let (epoch, view) = (context.round.epoch().get(), context.round.view().get());
        let seeds = if chain.state().globals().group_key.is_some() {
            let first = context.parent.0.get().max(1);
            let Some(seeds) = self.seeds(&clock, epoch, first, view).await else {
                warn!(
                    view,
                    first, "missing the seeds of the views since the parent; skipping"
                );
                return None;
            };
            seeds
        } else {
            Vec::new()
        };
        let consensus = input
            .payload
            .map(|payload| commonware_codec::Encode::encode(&payload).to_vec())
            .unwrap_or_default();
        // What the header and payload take beside the transactions.
        let taken = parity_scale_codec::Encode::encoded_size(&seeds) + consensus.len();
        let mut candidates = self.core.ready(&chain, taken);
        if candidates.is_empty() {
            // Hold the proposal until something arrives, or build an empty block after the
            // interval: an idle chain should not spin out empty blocks as fast as it can.
            let admitted = self.core.admitted();
            futures::pin_mut!(admitted);
            let sleep = clock.sleep(self.empty_block_interval);
            futures::pin_mut!(sleep);
            futures::future::select(admitted, sleep).await;
            candidates = self.core.ready(&chain, taken);
        }
        let timestamp = now_ms(&clock).max(parent.inner().header().timestamp + 1);
        let round = ConsensusRound {
            epoch,
            view,
            leader: validator_id(&context.leader),
            seeds,
            consensus,
        };
        match self.core.build(*chain, round, timestamp, candidates) {
            Ok(block) => {
                let digest = block.digest();
                Some(Digested::precomputed(block, digest))
            }
            Err(error) => {
                warn!(%error, "could not build a block");
                None
            }
        }
    }

    async fn verify(
        &mut self,
        (clock, context): (E, Self::Context),
        mut ancestry: impl Ancestry<PlexusBlock>,
    ) -> bool {
        let Some(block) = ancestry.next().await else {
            return false;
        };
        // The header names the context it was proposed in, so that the seeds it carries
        // (checked by the runtime) are the ones this round's proposer had to include, and so
        // that its hash commits to that context.
        let header = block.inner().header();
        if header.epoch != context.round.epoch().get()
            || header.view != context.round.view().get()
            || header.parent_view != context.parent.0.get()
            || header.leader != validator_id(&context.leader)
        {
            warn!(
                height = header.number,
                epoch = header.epoch,
                view = header.view,
                "rejecting a block that names another round"
            );
            return false;
        }
        if self.core.knows(&block.digest()) {
            return true; // Ours, or verified before.
        }
        let Some(parent) = ancestry.next().await else {
            // The marshal always supplies the parent; keep the vote pending rather than guess.
            return futures::future::pending().await;
        };
        // A timestamp too far in our future: wait for our clock instead of rejecting, so a
        // validator whose clock lags does not refuse what the others accept.
        let timestamp = block.inner().header().timestamp;
        let now = now_ms(&clock);
        if timestamp > now + MAX_DRIFT_MS {
            clock
                .sleep(Duration::from_millis(timestamp - now - MAX_DRIFT_MS))
                .await;
        }
        let mut chain = match self.parent_state(&parent, &mut ancestry).await {
            ParentState::Known(chain) => *chain,
            ParentState::Conflicts => return false,
            ParentState::Unavailable => return futures::future::pending().await,
        };
        match chain.apply_block(block.inner().block()) {
            Ok(outcome) => {
                self.core.cache(block.digest(), &chain, outcome);
                self.core.saw_head(block.inner().header());
                true
            }
            Err(error) => {
                warn!(height = block.inner().header().number, %error, "rejecting an invalid block");
                false
            }
        }
    }
}
