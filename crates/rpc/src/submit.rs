//! The one way a client acts on the chain: sign a call at the signer's next nonce, submit it,
//! and follow it until it is final. The CLI, the SDK, the localnet, the test kit and the
//! benchmarks all go through here, so nonces, signing and the reading of a transaction's
//! outcome cannot drift apart between them.

use crate::types::{Inclusion, TxError, TxProgress};
use crate::{Client, ClientError, Subscription};
use plexus_keys::Keypair;
use plexus_primitives::{Signature, H256};
use plexus_runtime::{Call, SignedTransaction, Transaction};

/// Why a submitted call did not take effect.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// The node could not be reached, or refused the request or the transaction.
    #[error("node: {0}")]
    Rpc(#[from] ClientError),
    /// The node dropped the transaction from its mempool without including it; nothing was
    /// charged.
    #[error("transaction {0} was dropped before it reached a block")]
    Dropped(H256),
    /// It was included, and its call failed (the fee was still paid).
    #[error("failed in block {}: {}", .inclusion.block_number, reason(.inclusion.error.as_ref()))]
    Failed {
        /// Where it was included, with its events and the chain's error.
        inclusion: Box<Inclusion>,
    },
    /// The node closed the watch before the transaction was final.
    #[error("the node stopped reporting on transaction {0}")]
    Unwatched(H256),
}

impl SubmitError {
    /// For a call that failed in its block, the chain's error (its stable `kind`, e.g.
    /// `rate_limited`, and its readable message).
    pub fn failure(&self) -> Option<&TxError> {
        match self {
            Self::Failed { inclusion } => inclusion.error.as_ref(),
            _ => None,
        }
    }
}

fn reason(error: Option<&TxError>) -> &str {
    error.map_or("failed", |e| e.message.as_str())
}

/// `call` signed by `signer` at `nonce` for the chain whose genesis is `genesis_hash`, valid
/// until included and without a tip.
pub fn sign_transaction(
    signer: &Keypair,
    genesis_hash: H256,
    nonce: u64,
    call: Call,
) -> SignedTransaction {
    let transaction = Transaction {
        signer: signer.account(),
        nonce,
        genesis_hash,
        valid_until: None,
        tip: 0,
        call,
    };
    let signature = Signature(signer.sign(&transaction.signing_payload()).0);
    SignedTransaction::Plexus {
        transaction,
        signature,
    }
}

/// A client bound to one chain: signs calls for it and follows them to finality.
#[derive(Debug)]
pub struct Submitter {
    client: Client,
    url: String,
    genesis_hash: H256,
}

impl Submitter {
    /// Connects to the node at `url` (`http://host:port`) and learns its chain.
    pub async fn connect(url: &str) -> Result<Self, ClientError> {
        let client = Client::new(url)?;
        let genesis_hash = client.info().await?.genesis_hash;
        Ok(Self::new(client, url, genesis_hash))
    }

    /// Wraps a client already connected to the chain whose genesis is `genesis_hash`.
    pub fn new(client: Client, url: &str, genesis_hash: H256) -> Self {
        Self {
            client,
            url: url.to_string(),
            genesis_hash,
        }
    }

    /// The node's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The RPC client, for queries.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The chain's genesis hash, which every transaction signs.
    pub fn genesis_hash(&self) -> H256 {
        self.genesis_hash
    }

    /// Signs `call` with `signer` at its next nonce (counting its pending transactions).
    pub async fn sign(
        &self,
        signer: &Keypair,
        call: Call,
    ) -> Result<SignedTransaction, ClientError> {
        let nonce = self.client.next_nonce(signer.account()).await?.pending;
        Ok(sign_transaction(signer, self.genesis_hash, nonce, call))
    }

    /// Signs `calls` with `signer` at consecutive nonces from its next one, to be submitted
    /// together.
    pub async fn sign_all(
        &self,
        signer: &Keypair,
        calls: Vec<Call>,
    ) -> Result<Vec<SignedTransaction>, ClientError> {
        let first = self.client.next_nonce(signer.account()).await?.pending;
        Ok((first..)
            .zip(calls)
            .map(|(nonce, call)| sign_transaction(signer, self.genesis_hash, nonce, call))
            .collect())
    }

    /// Signs `call` at `signer`'s next nonce, submits it and waits until it is in a finalized
    /// block. A call that was included but failed is an error too.
    pub async fn submit(&self, signer: &Keypair, call: Call) -> Result<Inclusion, SubmitError> {
        let tx = self.sign(signer, call).await?;
        self.submit_signed(&tx).await
    }

    /// Submits an already signed `tx` and waits until it is final, as [`submit`](Self::submit).
    pub async fn submit_signed(&self, tx: &SignedTransaction) -> Result<Inclusion, SubmitError> {
        let progress = self.watch(tx).await?;
        finality(tx.hash(), progress).await
    }

    /// Submits `tx` and returns its progress, to be followed with [`finality`]: for submitting
    /// several transactions before waiting for any.
    pub async fn watch(
        &self,
        tx: &SignedTransaction,
    ) -> Result<Subscription<TxProgress>, ClientError> {
        self.client.submit_and_watch(tx).await
    }
}

/// Follows the progress of the transaction `hash` until it is final: its inclusion if its call
/// succeeded, otherwise why not.
pub async fn finality(
    hash: H256,
    mut progress: Subscription<TxProgress>,
) -> Result<Inclusion, SubmitError> {
    while let Some(update) = progress.next().await {
        match update? {
            TxProgress::Pending { .. } => {}
            TxProgress::Dropped { hash } => return Err(SubmitError::Dropped(hash)),
            TxProgress::Finalized { inclusion, .. } => {
                return if inclusion.success && inclusion.error.is_none() {
                    Ok(inclusion)
                } else {
                    Err(SubmitError::Failed {
                        inclusion: Box::new(inclusion),
                    })
                };
            }
        }
    }
    Err(SubmitError::Unwatched(hash))
}
