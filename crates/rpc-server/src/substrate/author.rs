//! Submission in Substrate's terms: `author_submitExtrinsic`, `author_submitAndWatchExtrinsic`
//! (with the `author_extrinsicUpdate` notifications the clients wait on) and the transaction
//! pool's refusals in the codes and words the clients print and parse.

use super::{hex_param, Substrate};
use crate::backend::{Backend, Notification};
use crate::params::Args;
use crate::subscriptions::{parse, send};
use jsonrpsee_core::server::RpcModule;
use jsonrpsee_core::RegisterMethodError;
use jsonrpsee_types::ErrorObjectOwned;
use plexus_mempool::AdmitError;
use plexus_primitives::H256;
use plexus_runtime::extrinsic::Extrinsic;
use plexus_runtime::{DispatchError, InvalidTransaction, SignedTransaction};
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

/// Substrate's transaction-pool error codes.
const INVALID_FORMAT: i32 = 1001;
const INVALID_TRANSACTION: i32 = 1010;
const ALREADY_IMPORTED: i32 = 1013;
const TOO_LOW_PRIORITY: i32 = 1014;
const IMMEDIATELY_DROPPED: i32 = 1016;

fn refusal(code: i32, message: &str, data: Option<&str>) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(code, message.to_string(), data.map(str::to_string))
}

fn invalid_transaction(data: &str) -> ErrorObjectOwned {
    refusal(INVALID_TRANSACTION, "Invalid Transaction", Some(data))
}

/// Bittensor's `CustomTransactionError` number for a free call that would fail (such calls are
/// refused before the pool, as Bittensor's own transaction extension refuses several).
fn custom_code(error: &DispatchError) -> u8 {
    match error.kind().name() {
        "unknown_subnet" => 3,
        "rate_limited" => 6,
        "not_registered" | "hotkey_not_found" => 10,
        "invalid_ip_address" | "invalid_ip_type" => 11,
        "invalid_port" => 13,
        "no_matching_commit" => 16,
        "reveal_too_early" | "commit_expired" => 17,
        "weights_length_mismatch" | "batch_length_mismatch" => 18,
        "uid_not_found" => 19,
        _ => 255,
    }
}

/// A refusal before the pool, as a Substrate node words it.
pub(super) fn pool_error(error: &AdmitError) -> ErrorObjectOwned {
    match error {
        AdmitError::Invalid(invalid) => match invalid {
            InvalidTransaction::Malformed(detail) => refusal(
                INVALID_FORMAT,
                &format!("Extrinsic has invalid format: {detail}"),
                None,
            ),
            InvalidTransaction::TooBig { .. } => refusal(
                INVALID_FORMAT,
                &format!("Extrinsic has invalid format: {invalid}"),
                None,
            ),
            InvalidTransaction::BadSignature | InvalidTransaction::WrongGenesis { .. } => {
                invalid_transaction("Transaction has a bad signature")
            }
            InvalidTransaction::StaleNonce { .. } => {
                invalid_transaction("Transaction is outdated")
            }
            InvalidTransaction::FutureNonce { .. } => {
                invalid_transaction("Transaction will be valid in the future")
            }
            InvalidTransaction::CannotPayFee { .. } => {
                invalid_transaction("Inability to pay some fees (e.g. account balance too low)")
            }
            InvalidTransaction::Expired { .. } | InvalidTransaction::AncientBirthBlock { .. } => {
                invalid_transaction("Transaction has an ancient birth block")
            }
            InvalidTransaction::FreeCallFails(error) => {
                invalid_transaction(&format!("Custom error: {}", custom_code(error)))
            }
            InvalidTransaction::NotGovernance => invalid_transaction("Custom error: 255"),
        },
        AdmitError::NonceTooFarAhead { .. } => {
            invalid_transaction("Transaction will be valid in the future")
        }
        AdmitError::Duplicate => refusal(ALREADY_IMPORTED, "Transaction Already Imported", None),
        AdmitError::Underpriced => refusal(
            TOO_LOW_PRIORITY,
            "Priority is too low: (0 vs 0)",
            Some("The transaction has too low priority to replace another transaction already in the pool."),
        ),
        AdmitError::AccountFull(_) | AdmitError::Full => refusal(
            IMMEDIATELY_DROPPED,
            "Immediately Dropped",
            Some("The transaction couldn't enter the pool because of the limit"),
        ),
    }
}

/// Decodes, checks and admits an extrinsic (blocking work: the signature); its hash.
fn submit<B: Backend>(backend: &B, text: &str) -> Result<H256, ErrorObjectOwned> {
    let bytes = hex_param(text, "extrinsic")?;
    let chain = backend.finalized();
    let max = chain.state().chain_params().max_transaction_bytes;
    let extrinsic =
        Extrinsic::decode_bytes(&bytes, max).map_err(|e| pool_error(&AdmitError::Invalid(e)))?;
    let checked = SignedTransaction::Substrate(extrinsic)
        .check(&chain.check_context())
        .map_err(|e| pool_error(&AdmitError::Invalid(e)))?;
    backend.submit(checked).map_err(|e| pool_error(&e))
}

pub(super) fn register<B: Backend>(
    module: &mut RpcModule<Substrate<B>>,
) -> Result<(), RegisterMethodError> {
    module.register_blocking_method("author_submitExtrinsic", |params, substrate, _| {
        let mut args = Args::new(&params, 1)?;
        let text: String = args.required("extrinsic")?;
        submit(&*substrate.backend, &text)
    })?;
    module.register_subscription(
        "author_submitAndWatchExtrinsic",
        "author_extrinsicUpdate",
        "author_unwatchExtrinsic",
        |params, pending, substrate, _| async move {
            let parsed = Args::new(&params, 1).and_then(|mut a| a.required::<String>("extrinsic"));
            let Some((pending, text)) = parse(pending, parsed).await else {
                return;
            };
            // Listen before submitting: the block that includes it cannot be missed.
            let mut notifications = substrate.backend.subscribe();
            let backend = substrate.backend.clone();
            let submitted = tokio::task::spawn_blocking(move || submit(&*backend, &text))
                .await
                .unwrap_or_else(|e| Err(refusal(-32603, &e.to_string(), None)));
            let hash = match submitted {
                Ok(hash) => hash,
                Err(e) => {
                    pending.reject(e).await;
                    return;
                }
            };
            let Ok(sink) = pending.accept().await else {
                return;
            };
            if !send(&sink, &json!("ready")).await {
                return;
            }
            loop {
                let settled = tokio::select! {
                    () = sink.closed() => return,
                    received = notifications.recv() => match received {
                        Ok(Notification::Finalized { header, transactions, .. }) => transactions
                            .contains(&hash)
                            .then(|| Some(header.hash())),
                        Ok(Notification::Dropped(hashes)) if hashes.contains(&hash) => {
                            Some(included(&*substrate.backend, &hash))
                        }
                        Ok(_) => None,
                        Err(RecvError::Lagged(_)) => {
                            let found = included(&*substrate.backend, &hash);
                            (found.is_some() || !substrate.backend.is_pending(&hash))
                                .then_some(found)
                        }
                        Err(RecvError::Closed) => return,
                    },
                };
                match settled {
                    // Final when included: BFT finality makes in-block and finalized one event.
                    Some(Some(block)) => {
                        if send(&sink, &json!({ "inBlock": block })).await {
                            send(&sink, &json!({ "finalized": block })).await;
                        }
                        return;
                    }
                    Some(None) => {
                        send(&sink, &json!("dropped")).await;
                        return;
                    }
                    None => {}
                }
            }
        },
    )?;
    Ok(())
}

/// The hash of the finalized block that includes transaction `hash`, if any.
fn included<B: Backend>(backend: &B, hash: &H256) -> Option<H256> {
    let store = backend.store();
    let (height, _, _) = store.transaction(hash).ok()??;
    store.header(height).ok()?.map(|h| h.hash())
}
