//! The seeds consensus produces, kept until a proposal carries them onto the chain.
//!
//! Every certificate (notarization, nullification, finalization) of the threshold scheme
//! carries its round's seed: the group's signature over the round. A block in view `v` must
//! carry the seeds of every view of its epoch from its parent's up to `v - 1` (the runtime
//! checks them), and its proposer holds exactly those certificates: its parent's, and a
//! nullification for each view it skips. [`SeedTap`] wraps the application consensus drives and
//! copies each seed into [`Seeds`] as the certificate is reported; the proposer takes them from
//! there. Views restart with each consensus epoch, so seeds are kept by round.

use crate::block::BlockDigest;
use crate::consensus::{Scheme, Variant};
use commonware_codec::Encode as _;
use commonware_consensus::simplex::scheme::bls12381_threshold::vrf;
use commonware_consensus::types::Round as ConsensusRound;
use commonware_consensus::{
    Automaton, CertifiableAutomaton, Epochable as _, Handoff, Relay, Reporter, Viewable as _,
    simplex::types::Activity,
};
use commonware_utils::channel::oneshot;
use plexus_runtime::{Round, Seed, SeedSignature};
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

/// Seeds by round, from the last finalized round on.
#[derive(Default)]
pub(crate) struct Seeds {
    by_round: Mutex<BTreeMap<Round, SeedSignature>>,
}

impl Seeds {
    fn record(&self, round: Round, signature: SeedSignature) {
        lock(&self.by_round).insert(round, signature);
    }

    /// Seeds before `round` can no longer be needed once `round` is finalized: every later
    /// block descends from it.
    fn finalized(&self, round: Round) {
        let mut by_round = lock(&self.by_round);
        *by_round = by_round.split_off(&round);
    }

    /// The seeds of views `first..end` of `epoch`, if every one is known.
    pub(crate) fn range(&self, epoch: u64, first: u64, end: u64) -> Option<Vec<Seed>> {
        let by_round = lock(&self.by_round);
        (first..end)
            .map(|view| {
                by_round
                    .get(&Round::new(epoch, view))
                    .map(|signature| Seed {
                        view,
                        signature: *signature,
                    })
            })
            .collect()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The seed signature of a certificate consensus has verified, as the runtime stores it.
fn seed_of(certificate: &vrf::Certificate<Variant>) -> Option<SeedSignature> {
    let signature = certificate.signature.get()?;
    let bytes = signature.seed_signature.encode();
    Some(SeedSignature(bytes.as_ref().try_into().ok()?))
}

/// The application consensus drives (its automaton, relay and reporter), with every reported
/// certificate's seed copied into [`Seeds`] on the way. Everything else goes to the inner
/// application unchanged, `prepare` and `certify` included: their defaults would answer for
/// it without asking.
#[derive(Clone)]
pub(crate) struct SeedTap<A> {
    inner: A,
    seeds: Arc<Seeds>,
}

impl<A> SeedTap<A> {
    pub(crate) fn new(inner: A, seeds: Arc<Seeds>) -> Self {
        Self { inner, seeds }
    }
}

impl<A: Automaton> Automaton for SeedTap<A> {
    type Context = A::Context;
    type Digest = A::Digest;

    fn propose(
        &mut self,
        context: Self::Context,
    ) -> impl Future<Output = oneshot::Receiver<Self::Digest>> + Send {
        self.inner.propose(context)
    }

    fn verify(
        &mut self,
        context: Self::Context,
        payload: Self::Digest,
    ) -> impl Future<Output = oneshot::Receiver<bool>> + Send {
        self.inner.verify(context, payload)
    }
}

impl<A: CertifiableAutomaton> CertifiableAutomaton for SeedTap<A> {
    fn prepare(
        &mut self,
        context: Self::Context,
    ) -> impl Future<Output = oneshot::Receiver<Handoff<Self::Digest>>> + Send {
        self.inner.prepare(context)
    }

    fn certify(
        &mut self,
        round: ConsensusRound,
        payload: Self::Digest,
    ) -> impl Future<Output = oneshot::Receiver<bool>> + Send {
        self.inner.certify(round, payload)
    }
}

impl<A: Relay> Relay for SeedTap<A> {
    type Digest = A::Digest;
    type PublicKey = A::PublicKey;
    type Plan = A::Plan;

    fn broadcast(&mut self, payload: Self::Digest, plan: Self::Plan) -> commonware_actor::Feedback {
        self.inner.broadcast(payload, plan)
    }
}

impl<R> Reporter for SeedTap<R>
where
    R: Reporter<Activity = Activity<Scheme, BlockDigest>>,
{
    type Activity = Activity<Scheme, BlockDigest>;

    fn report(&mut self, activity: Self::Activity) -> commonware_actor::Feedback {
        let certified = match &activity {
            Activity::Notarization(n) | Activity::Certification(n) => {
                Some((Round::new(n.epoch().get(), n.view().get()), &n.certificate))
            }
            Activity::Nullification(n) => {
                Some((Round::new(n.epoch().get(), n.view().get()), &n.certificate))
            }
            Activity::Finalization(f) => {
                Some((Round::new(f.epoch().get(), f.view().get()), &f.certificate))
            }
            _ => None,
        };
        if let Some((round, certificate)) = certified
            && let Some(seed) = seed_of(certificate)
        {
            self.seeds.record(round, seed);
        }
        if let Activity::Finalization(f) = &activity {
            self.seeds
                .finalized(Round::new(f.epoch().get(), f.view().get()));
        }
        self.inner.report(activity)
    }
}
