//! Transaction gossip between validators: a transaction submitted to one node reaches every
//! mempool, so whichever validator leads next can include it.
//!
//! Transactions admitted through this node's RPC are batched (so a busy node sends a few
//! messages per second, within the channel's rate limit) and sent to every peer. Transactions
//! received from peers are checked and admitted but not forwarded: every validator is connected
//! to every other, so one hop reaches all of them.

use crate::core::Core;
use commonware_p2p::{Receiver, Recipients, Sender};
use commonware_runtime::{Clock, Spawner};
use futures::StreamExt;
use futures::channel::mpsc;
use parity_scale_codec::{DecodeLimit, Encode};
use plexus_runtime::SignedTransaction;
use std::sync::Arc;
use std::time::Duration;
use tracing::debug;

/// How long submitted transactions are collected before a batch goes out.
const BATCH_INTERVAL: Duration = Duration::from_millis(50);

/// Most transactions per batch.
const MAX_BATCH: usize = 2_000;

/// Most bytes of transactions per batch; leaves room under the p2p message limit.
pub(crate) const MAX_BATCH_BYTES: usize = 1024 * 1024;

/// Runs the gossip loop until the node stops.
pub(crate) async fn run<E, S, R>(
    context: E,
    core: Arc<Core>,
    mut outgoing: mpsc::UnboundedReceiver<SignedTransaction>,
    (mut sender, mut receiver): (S, R),
) where
    E: Clock + Spawner,
    S: Sender,
    R: Receiver,
{
    let mut batch: Vec<SignedTransaction> = Vec::new();
    let mut batch_bytes = 0usize;
    loop {
        let tick = context.sleep(BATCH_INTERVAL);
        futures::pin_mut!(tick);
        let next = futures::future::select(outgoing.next(), tick);
        let received = receiver.recv();
        futures::pin_mut!(received);
        match futures::future::select(next, received).await {
            futures::future::Either::Left((futures::future::Either::Left((Some(tx), _)), _)) => {
                batch_bytes += tx.encoded_size();
                batch.push(tx);
                if batch.len() < MAX_BATCH && batch_bytes < MAX_BATCH_BYTES {
                    continue;
                }
            }
            futures::future::Either::Left((futures::future::Either::Left((None, _)), _)) => {
                return;
            }
            futures::future::Either::Left((futures::future::Either::Right(_), _)) => {}
            futures::future::Either::Right((Ok((peer, message)), _)) => {
                admit_batch(&core, message.as_ref(), &peer);
                continue;
            }
            futures::future::Either::Right((Err(_), _)) => return,
        }
        if !batch.is_empty() {
            let message = batch.encode();
            sender.send(Recipients::All, message, false);
            batch.clear();
            batch_bytes = 0;
        }
    }
}

fn admit_batch(core: &Core, bytes: &[u8], peer: &impl std::fmt::Debug) {
    // Bounded by the p2p message size; a batch that does not decode is dropped whole.
    let Ok(batch) = Vec::<SignedTransaction>::decode_all_with_depth_limit(16, &mut &bytes[..])
    else {
        debug!(?peer, "undecodable transaction batch");
        return;
    };
    let chain = plexus_rpc_server::Backend::finalized(core);
    let context = chain.check_context();
    for tx in batch {
        match tx.check(&context) {
            Ok(checked) => {
                let _ = core.admit(checked, false);
            }
            Err(error) => debug!(?peer, %error, "gossiped transaction rejected"),
        }
    }
}
