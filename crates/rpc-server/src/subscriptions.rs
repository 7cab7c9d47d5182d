//! Subscriptions over WebSocket: heads, finalized heads, filtered events, and a submitted
//! transaction's progress. Each runs as one task reading the backend's broadcast channel until
//! the client unsubscribes or disconnects.

use crate::backend::{Backend, Notification};
use crate::convert::record;
use crate::error::ApiError;
use crate::methods::{decode_and_check, inclusion, transaction, Ctx};
use crate::params::Args;
use jsonrpsee_core::server::{PendingSubscriptionSink, RpcModule, SubscriptionSink};
use jsonrpsee_core::RegisterMethodError;
use jsonrpsee_types::ErrorObjectOwned;
use plexus_primitives::H256;
use plexus_rpc::types::{
    BlockEvents, EventFilter, EventRecord, HeaderInfo, HexBytes, TxProgress, TxStatus,
};
use plexus_runtime::Event;
use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;

/// Sends one notification; `false` once the client is gone.
pub(crate) async fn send<T: Serialize>(sink: &SubscriptionSink, value: &T) -> bool {
    match serde_json::value::to_raw_value(value) {
        Ok(json) => sink.send(json).await.is_ok(),
        Err(_) => false,
    }
}

/// Accepts the subscription, then forwards, until the client leaves, whatever `pick` makes of
/// each notification. A lagging subscriber skips what it missed: heads and events are a
/// stream, not a ledger (the store is).
pub(crate) async fn forward<B: Backend, T: Serialize>(
    backend: &B,
    pending: PendingSubscriptionSink,
    pick: impl Fn(Notification) -> Option<T>,
) {
    // Listen before accepting: a client that acts on the acceptance (say, submits a
    // transaction) must not be able to miss the block that follows.
    let mut notifications = backend.subscribe();
    let Ok(sink) = pending.accept().await else {
        return;
    };
    loop {
        let notification = tokio::select! {
            () = sink.closed() => return,
            received = notifications.recv() => match received {
                Ok(n) => n,
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return,
            },
        };
        if let Some(value) = pick(notification) {
            if !send(&sink, &value).await {
                return;
            }
        }
    }
}

/// Reads the parameters, or refuses the subscription with the reason.
pub(crate) async fn parse<T>(
    pending: PendingSubscriptionSink,
    parsed: Result<T, ErrorObjectOwned>,
) -> Option<(PendingSubscriptionSink, T)> {
    match parsed {
        Ok(value) => Some((pending, value)),
        Err(e) => {
            pending.reject(e).await;
            None
        }
    }
}

fn filtered(filter: &EventFilter, n: Notification) -> Option<BlockEvents> {
    let Notification::Finalized { header, events, .. } = n else {
        return None;
    };
    let events: Vec<EventRecord> = events
        .iter()
        .filter(|(_, e)| passes(filter, e))
        .map(|(p, e)| record(*p, e))
        .collect();
    (!events.is_empty()).then(|| BlockEvents {
        block_number: header.number,
        block_hash: header.hash(),
        events,
    })
}

/// Whether `event` passes the filter: it names one of the accounts (if any are given) and one
/// of the subnets (if any are given).
fn passes(filter: &EventFilter, event: &Event) -> bool {
    (filter.accounts.is_empty() || event.accounts().iter().any(|a| filter.accounts.contains(a)))
        && (filter.netuids.is_empty() || event.netuids().iter().any(|n| filter.netuids.contains(n)))
}

/// A watched transaction's final state when the stream cannot say (it lagged, or the pool
/// dropped it): finalized if the store has it, dropped if the pool no longer has it.
fn settle<B: Backend>(backend: &B, hash: H256) -> Option<TxProgress> {
    match transaction(backend, hash) {
        Ok(Some(info)) if info.status == TxStatus::Finalized => info
            .inclusion
            .map(|inclusion| TxProgress::Finalized { hash, inclusion }),
        Ok(Some(_)) => None,
        Ok(None) | Err(_) => Some(TxProgress::Dropped { hash }),
    }
}

pub(crate) fn register<B: Backend>(
    module: &mut RpcModule<Ctx<B>>,
) -> Result<(), RegisterMethodError> {
    module.register_subscription(
        "chain_subscribeNewHeads",
        "chain_newHead",
        "chain_unsubscribeNewHeads",
        |params, pending, ctx, _| async move {
            let Some((pending, _)) = parse(pending, Args::new(&params, 0)).await else {
                return;
            };
            forward(&*ctx.backend, pending, |n| match n {
                Notification::NewHead(header) => Some(HeaderInfo::from(&header)),
                _ => None,
            })
            .await;
        },
    )?;
    module.register_subscription(
        "chain_subscribeFinalizedHeads",
        "chain_finalizedHead",
        "chain_unsubscribeFinalizedHeads",
        |params, pending, ctx, _| async move {
            let Some((pending, _)) = parse(pending, Args::new(&params, 0)).await else {
                return;
            };
            forward(&*ctx.backend, pending, |n| match n {
                Notification::Finalized { header, .. } => Some(HeaderInfo::from(&header)),
                _ => None,
            })
            .await;
        },
    )?;
    module.register_subscription(
        "chain_subscribeEvents",
        "chain_events",
        "chain_unsubscribeEvents",
        |params, pending, ctx, _| async move {
            let parsed = Args::new(&params, 1)
                .and_then(|mut args| args.optional::<EventFilter>("filter"))
                .map(Option::unwrap_or_default);
            let Some((pending, filter)) = parse(pending, parsed).await else {
                return;
            };
            forward(&*ctx.backend, pending, |n| filtered(&filter, n)).await;
        },
    )?;
    module.register_subscription(
        "tx_submitAndWatch",
        "tx_progress",
        "tx_unwatch",
        |params, pending, ctx, _| async move {
            let parsed =
                Args::new(&params, 1).and_then(|mut args| args.required::<HexBytes>("transaction"));
            let Some((pending, bytes)) = parse(pending, parsed).await else {
                return;
            };
            // Subscribe before submitting, so the block that includes it cannot be missed.
            let mut notifications = ctx.backend.subscribe();
            let backend = ctx.backend.clone();
            let submitted = tokio::task::spawn_blocking(move || {
                let tx = decode_and_check(&backend.finalized(), &bytes.0)?;
                backend.submit(tx).map_err(ApiError::from)
            })
            .await
            .unwrap_or_else(|e| Err(ApiError::Internal(e.to_string())));
            let hash = match submitted {
                Ok(hash) => hash,
                Err(e) => {
                    pending.reject(ErrorObjectOwned::from(e)).await;
                    return;
                }
            };
            let Ok(sink) = pending.accept().await else {
                return;
            };
            if !send(&sink, &TxProgress::Pending { hash }).await {
                return;
            }
            loop {
                let outcome = tokio::select! {
                    () = sink.closed() => return,
                    received = notifications.recv() => match received {
                        Ok(Notification::Finalized { header, events, transactions }) => transactions
                            .iter()
                            .position(|h| *h == hash)
                            .map(|index| TxProgress::Finalized {
                                hash,
                                inclusion: inclusion(
                                    &header,
                                    u32::try_from(index).unwrap_or(u32::MAX),
                                    &events,
                                ),
                            }),
                        Ok(Notification::Dropped(hashes)) if hashes.contains(&hash) => {
                            settle(&*ctx.backend, hash)
                        }
                        Ok(_) => None,
                        Err(RecvError::Lagged(_)) => settle(&*ctx.backend, hash),
                        Err(RecvError::Closed) => return,
                    },
                };
                if let Some(outcome) = outcome {
                    send(&sink, &outcome).await;
                    return;
                }
            }
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use plexus_primitives::AccountId;

    fn alice() -> AccountId {
        AccountId([1; 32])
    }

    #[test]
    fn test_event_filter() {
        let transfer = Event::Transfer {
            from: alice(),
            to: AccountId([9; 32]),
            amount: 1,
        };
        let stake = Event::StakeAdded {
            coldkey: alice(),
            hotkey: AccountId([8; 32]),
            netuid: 4,
            tao: 1,
            alpha: 1,
        };
        let by_account = EventFilter {
            accounts: vec![AccountId([9; 32])],
            netuids: vec![],
        };
        assert!(passes(&by_account, &transfer));
        assert!(!passes(&by_account, &stake));
        let by_subnet = EventFilter {
            accounts: vec![],
            netuids: vec![4],
        };
        assert!(!passes(&by_subnet, &transfer));
        assert!(passes(&by_subnet, &stake));
        let both = EventFilter {
            accounts: vec![alice()],
            netuids: vec![5],
        };
        assert!(!passes(&both, &stake), "both conditions must hold");
        assert!(passes(&EventFilter::default(), &transfer));
    }
}
