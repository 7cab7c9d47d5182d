//! Talking to a node: signing calls with a key, submitting them, and waiting until they are
//! final, with errors a neuron's operator can act on.

use plexus_keys::Keypair;
use plexus_primitives::{Signature, H256};
use plexus_rpc::types::{Inclusion, TxProgress};
use plexus_rpc::{Client, ClientError};
use plexus_runtime::{Call, SignedTransaction, Transaction};

/// Why a call did not take effect.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// The node could not be reached or refused the request.
    #[error("node: {0}")]
    Rpc(#[from] ClientError),
    /// The node dropped the transaction from its mempool without including it.
    #[error("transaction {0} was dropped before it reached a block")]
    Dropped(H256),
    /// It was included, and its call failed (the fee was still paid).
    #[error("failed in block {block}: {message}")]
    Failed {
        /// The block.
        block: u64,
        /// The chain's error, e.g. `rate_limited`.
        kind: String,
        /// The chain's readable reason.
        message: String,
    },
    /// The node closed the watch before the transaction was final.
    #[error("the node stopped reporting on transaction {0}")]
    Unwatched(H256),
}

/// A connection to a node for one chain.
pub struct Chain {
    client: Client,
    url: String,
    genesis_hash: H256,
}

impl Chain {
    /// Connects to the node at `url` (`http://host:port`) and learns its chain.
    pub async fn connect(url: &str) -> Result<Self, ChainError> {
        let client = Client::new(url)?;
        let genesis_hash = client.info().await?.genesis_hash;
        Ok(Self {
            client,
            url: url.to_string(),
            genesis_hash,
        })
    }

    /// The node's URL, as given to [`connect`](Self::connect).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The RPC client, for queries.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Signs `call` with `signer` at its next nonce (counting its pending transactions).
    pub async fn sign(
        &self,
        signer: &Keypair,
        call: Call,
    ) -> Result<SignedTransaction, ChainError> {
        let nonce = self.client.next_nonce(signer.account()).await?.pending;
        let transaction = Transaction {
            signer: signer.account(),
            nonce,
            genesis_hash: self.genesis_hash,
            valid_until: None,
            tip: 0,
            call,
        };
        let signature = Signature(signer.sign(&transaction.signing_payload()).0);
        Ok(SignedTransaction {
            transaction,
            signature,
        })
    }

    /// Signs and submits `call`, and waits until it is in a finalized block. A call that was
    /// included but failed is an error too.
    pub async fn submit(&self, signer: &Keypair, call: Call) -> Result<Inclusion, ChainError> {
        let tx = self.sign(signer, call).await?;
        let hash = tx.hash();
        let mut progress = self.client.submit_and_watch(&tx).await?;
        while let Some(update) = progress.next().await {
            match update? {
                TxProgress::Pending { .. } => {}
                TxProgress::Dropped { hash } => return Err(ChainError::Dropped(hash)),
                TxProgress::Finalized { inclusion, .. } => {
                    return match &inclusion.error {
                        None if inclusion.success => Ok(inclusion),
                        error => Err(ChainError::Failed {
                            block: inclusion.block_number,
                            kind: error.as_ref().map_or_else(String::new, |e| e.kind.clone()),
                            message: error
                                .as_ref()
                                .map_or_else(|| "failed".into(), |e| e.message.clone()),
                        }),
                    };
                }
            }
        }
        Err(ChainError::Unwatched(hash))
    }
}
