//! The executor behind marshal: finalized blocks committed in height order, each acknowledged
//! only once it is durable.
//!
//! Marshal hands finalized blocks over at least once, in height order, and waits for an
//! acknowledgement before it records a block as processed. The executor acknowledges a block only
//! after the store has durably committed it, so a crash at any moment either loses nothing or
//! leads to a redelivery that [`Core::commit`] recognises and skips.

use crate::block::PlexusBlock;
use crate::core::Core;
use commonware_actor::Feedback;
use commonware_consensus::{Heightable, Reporter, marshal::Update};
use commonware_cryptography::{Digested, Digestible};
use commonware_utils::Acknowledgement;
use commonware_utils::acknowledgement::Exact;
use futures::StreamExt;
use futures::channel::mpsc;
use std::sync::Arc;
use tracing::{error, info};

/// Marshal's mailbox, for the finalization certificates it keeps.
pub(crate) type Marshal = commonware_consensus::marshal::core::Mailbox<
    crate::consensus::Scheme,
    commonware_consensus::marshal::standard::Standard<PlexusBlock>,
>;

/// A finalized block as marshal delivers it, with the acknowledgement it waits for.
type Delivery = (Digested<PlexusBlock>, Exact);

/// Marshal's reporter: passes finalized blocks to the executor without blocking. Opaque; a
/// test may wrap it to observe finalizations.
#[derive(Clone)]
pub struct Finalizer {
    core: Arc<Core>,
    blocks: mpsc::UnboundedSender<Delivery>,
}

impl Finalizer {
    /// The reporter, and the receiving end [`execute`] commits from.
    pub(crate) fn new(core: Arc<Core>) -> (Self, mpsc::UnboundedReceiver<Delivery>) {
        let (blocks, receiver) = mpsc::unbounded();
        (Self { core, blocks }, receiver)
    }
}

impl Reporter for Finalizer {
    type Activity = Update<PlexusBlock, Exact>;

    fn report(&mut self, activity: Self::Activity) -> Feedback {
        match activity {
            Update::Tip(_, height, _) => {
                self.core.saw_tip(height.get());
                Feedback::Ok
            }
            Update::Block(block, ack) => match self.blocks.unbounded_send((block, ack)) {
                Ok(()) => Feedback::Ok,
                Err(_) => Feedback::Closed,
            },
        }
    }
}

/// Commits finalized blocks in order, each with its finality proof when marshal holds one, and
/// acknowledges each only once it is durable.
pub(crate) async fn execute(
    core: Arc<Core>,
    marshal: Marshal,
    mut blocks: mpsc::UnboundedReceiver<Delivery>,
) {
    while let Some((block, ack)) = blocks.next().await {
        // Marshal records a finalization before it delivers the block; a block finalized only
        // as an ancestor of a later one has none, and the later one's proof covers it.
        let proof = marshal
            .get_finalization(block.inner().height())
            .await
            .filter(|proof| proof.proposal.payload == block.inner().digest())
            .map(|proof| crate::finality::encode(&proof));
        match core.commit(block.inner(), proof.as_deref()) {
            Ok(()) => {
                let header = block.inner().header();
                if header.number % 100 == 0 {
                    info!(height = header.number, hash = %block.inner().hash(), "finalized");
                }
                ack.acknowledge();
            }
            Err(error) => {
                // Never acknowledge what we could not commit: the store's write is atomic, so
                // stopping here leaves the block to be redelivered when the node starts again.
                let height = block.inner().height().get();
                error!(height, %error, "cannot commit a finalized block; stopping");
                core.halt(format!("cannot commit finalized block {height}: {error}"));
                std::mem::forget(ack);
                futures::future::pending::<()>().await;
            }
        }
    }
}
