//! The Rust client: one typed async method per RPC method.
//!
//! Calls go over HTTP (stateless, any number in parallel); subscriptions over one WebSocket to
//! the same host and port, opened on the first subscription and reopened if it drops.

use crate::types::{
    BlockEvents, BlockId, BlockInfo, ColdkeySwapInfo, Commitments, DelegateTakeInfo, Delegates,
    EventFilter, FeeEstimate, HeaderInfo, Health, HexBytes, HotkeyLinks, IdentityInfo, Metagraph,
    MetagraphOptions, NetworkLockCost, NextNonce, PoolInfo, ProxyInfo, Randomness, Rao, RootClaims,
    RootInfo, StakeInfo, SubnetInfo, SubnetSummary, SwapDirection, SwapSimulation, SyncBatch,
    SystemInfo, TransactionInfo, TxProgress,
};
use jsonrpsee_core::client::{ClientT, SubscriptionClientT};
use jsonrpsee_core::params::ArrayParams;
use jsonrpsee_http_client::{HttpClient, HttpClientBuilder};
use jsonrpsee_ws_client::{WsClient, WsClientBuilder};
use parity_scale_codec::Encode;
use plexus_primitives::{AccountId, Balance, BlockNumber, NetUid, H256};
use plexus_runtime::SignedTransaction;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server answered with a JSON-RPC error (codes in [`crate::error`]).
    #[error("rpc error {code}: {message}")]
    Rpc {
        /// The error code.
        code: i32,
        /// The server's message.
        message: String,
        /// Details, as JSON text, when the server gave some.
        data: Option<String>,
    },
    /// The URL is not `http://host:port` (TLS is not built in).
    #[error("invalid server URL {0:?}")]
    Url(String),
    /// Connecting, sending or receiving failed, or the answer did not parse.
    #[error("transport: {0}")]
    Transport(String),
}

impl ClientError {
    /// The JSON-RPC error code, when the server answered with one.
    pub fn code(&self) -> Option<i32> {
        match self {
            Self::Rpc { code, .. } => Some(*code),
            Self::Url(_) | Self::Transport(_) => None,
        }
    }
}

impl From<jsonrpsee_core::ClientError> for ClientError {
    fn from(e: jsonrpsee_core::ClientError) -> Self {
        match e {
            jsonrpsee_core::ClientError::Call(error) => Self::Rpc {
                code: error.code(),
                message: error.message().to_string(),
                data: error.data().map(|d| d.get().to_string()),
            },
            other => Self::Transport(other.to_string()),
        }
    }
}

impl From<serde_json::Error> for ClientError {
    fn from(e: serde_json::Error) -> Self {
        Self::Transport(format!("encoding parameters: {e}"))
    }
}

/// Options for a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    request_timeout: Duration,
    max_response_bytes: u32,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(60),
            max_response_bytes: 64 * 1024 * 1024,
        }
    }
}

impl ClientBuilder {
    /// How long a call may take. Default 60 s.
    pub fn request_timeout(&mut self, timeout: Duration) -> &mut Self {
        self.request_timeout = timeout;
        self
    }

    /// The largest answer accepted, bytes. Default 64 MiB (the server's default limit).
    pub fn max_response_bytes(&mut self, bytes: u32) -> &mut Self {
        self.max_response_bytes = bytes;
        self
    }

    /// A client of the node at `url` (`http://host:port`; subscriptions use `ws://` on the
    /// same address). Connects lazily, so a node that is down fails the first call, not this.
    pub fn build(&self, url: &str) -> Result<Client, ClientError> {
        // Plain HTTP only: the client is built without TLS (see the crate's documentation).
        let Some(address) = url.strip_prefix("http://") else {
            return Err(ClientError::Url(url.to_string()));
        };
        let ws_url = format!("ws://{address}");
        let http = HttpClientBuilder::default()
            .request_timeout(self.request_timeout)
            .max_response_size(self.max_response_bytes)
            .build(url)
            .map_err(|_| ClientError::Url(url.to_string()))?;
        Ok(Client {
            transport: Transport::Remote { http, ws_url },
            ws: Mutex::new(None),
            options: self.clone(),
        })
    }

    /// A client of a node served in this process (see [`Connector`]): every call and
    /// subscription goes over one in-memory WebSocket, reopened if it drops.
    pub fn build_in_process(&self, connector: Connector) -> Client {
        Client {
            transport: Transport::InProcess(connector),
            ws: Mutex::new(None),
            options: self.clone(),
        }
    }
}

/// Opens connections to a node's RPC served in the same process, without a socket: each call
/// gives one end of an in-memory stream whose other end the server is already serving. The
/// server (`plexus-rpc-server`) makes these; a tool run beside a node (the explorer) takes one
/// so that it neither needs a listener nor spends the public RPC's connections and rate.
#[derive(Clone)]
pub struct Connector(Arc<dyn Fn() -> tokio::io::DuplexStream + Send + Sync>);

impl Connector {
    /// A connector whose `connect` is `open`.
    pub fn new(open: impl Fn() -> tokio::io::DuplexStream + Send + Sync + 'static) -> Self {
        Self(Arc::new(open))
    }

    /// A new connection.
    pub fn connect(&self) -> tokio::io::DuplexStream {
        (self.0)()
    }
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Connector")
    }
}

/// How a [`Client`] reaches its node.
enum Transport {
    /// Over TCP: calls by HTTP, subscriptions by a WebSocket to the same address.
    Remote { http: HttpClient, ws_url: String },
    /// Within the process: calls and subscriptions over one in-memory WebSocket.
    InProcess(Connector),
}

/// A stream of notifications from one subscription; ends when the server ends it or the
/// connection drops. Dropping it unsubscribes.
pub struct Subscription<T> {
    inner: jsonrpsee_core::client::Subscription<T>,
}

impl<T> std::fmt::Debug for Subscription<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription").finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned> Subscription<T> {
    /// The next notification; `None` once the subscription is over.
    pub async fn next(&mut self) -> Option<Result<T, ClientError>> {
        self.inner
            .next()
            .await
            .map(|r| r.map_err(|e| ClientError::Transport(format!("notification: {e}"))))
    }
}

/// A typed client of a Plexus node's RPC.
pub struct Client {
    transport: Transport,
    ws: Mutex<Option<Arc<WsClient>>>,
    options: ClientBuilder,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let node = match &self.transport {
            Transport::Remote { ws_url, .. } => ws_url.as_str(),
            Transport::InProcess(_) => "in process",
        };
        f.debug_struct("Client").field("node", &node).finish()
    }
}

/// Positional parameters.
fn params(values: &[&dyn erased::Param]) -> Result<ArrayParams, ClientError> {
    let mut params = ArrayParams::new();
    for value in values {
        params.insert(value.to_json()?)?;
    }
    Ok(params)
}

/// Lets parameters of different types share one slice. `Sync` keeps the client's futures `Send`,
/// so they can run on any executor thread.
mod erased {
    pub(super) trait Param: Sync {
        fn to_json(&self) -> Result<serde_json::Value, serde_json::Error>;
    }

    impl<T: serde::Serialize + Sync> Param for T {
        fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
            serde_json::to_value(self)
        }
    }
}

impl Client {
    /// A client with default options; see [`ClientBuilder::build`].
    pub fn new(url: &str) -> Result<Self, ClientError> {
        ClientBuilder::default().build(url)
    }

    /// Options for a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Calls `method`; a read that fails in transport is sent once more (reads change nothing):
    /// the node closes keep-alive connections idle for a while, and a pooled connection can be
    /// reused just as it closes. A submission is not resent: the node may have it already.
    async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        params: ArrayParams,
    ) -> Result<T, ClientError> {
        let submission = method == "tx_submit";
        match self.call_once(method, params.clone()).await {
            Err(ClientError::Transport(_)) if !submission => self.call_once(method, params).await,
            answer => answer,
        }
    }

    async fn call_once<T: DeserializeOwned>(
        &self,
        method: &str,
        params: ArrayParams,
    ) -> Result<T, ClientError> {
        match &self.transport {
            Transport::Remote { http, .. } => Ok(http.request(method, params).await?),
            Transport::InProcess(_) => Ok(self.ws().await?.request(method, params).await?),
        }
    }

    async fn ws(&self) -> Result<Arc<WsClient>, ClientError> {
        let mut ws = self.ws.lock().await;
        if let Some(client) = ws.as_ref().filter(|c| c.is_connected()) {
            return Ok(client.clone());
        }
        let builder = WsClientBuilder::default()
            .request_timeout(self.options.request_timeout)
            .max_response_size(self.options.max_response_bytes);
        let client = Arc::new(match &self.transport {
            Transport::Remote { ws_url, .. } => builder.build(ws_url).await?,
            Transport::InProcess(connector) => {
                // The address only fills the handshake's Host header.
                builder
                    .build_with_stream("ws://in-process", connector.connect())
                    .await?
            }
        });
        *ws = Some(client.clone());
        Ok(client)
    }

    async fn subscribe<T: DeserializeOwned>(
        &self,
        method: &str,
        params: ArrayParams,
        unsubscribe: &str,
    ) -> Result<Subscription<T>, ClientError> {
        let inner = self
            .ws()
            .await?
            .subscribe(method, params, unsubscribe)
            .await?;
        Ok(Subscription { inner })
    }

    /// `system_health`: heights and mempool size.
    pub async fn health(&self) -> Result<Health, ClientError> {
        self.call("system_health", params(&[])?).await
    }

    /// `system_info`: chain id, genesis hash, chain parameters, issuance.
    pub async fn info(&self) -> Result<SystemInfo, ClientError> {
        self.call("system_info", params(&[])?).await
    }

    /// `chain_head`: the newest block the node knows.
    pub async fn head(&self) -> Result<HeaderInfo, ClientError> {
        self.call("chain_head", params(&[])?).await
    }

    /// `chain_finalizedHead`: the last finalized block.
    pub async fn finalized_head(&self) -> Result<HeaderInfo, ClientError> {
        self.call("chain_finalizedHead", params(&[])?).await
    }

    /// `chain_randomness`: the beacon recorded by the finalized block at `height`, with its
    /// proof; `None` if that block carries no seed (genesis and the first block) or is not
    /// finalized yet.
    pub async fn randomness(&self, height: BlockNumber) -> Result<Option<Randomness>, ClientError> {
        self.call("chain_randomness", params(&[&height])?).await
    }

    /// `chain_block`: a finalized block by height or hash; `None` if there is none.
    pub async fn block(&self, id: BlockId) -> Result<Option<BlockInfo>, ClientError> {
        self.call("chain_block", params(&[&id])?).await
    }

    /// `chain_syncBlocks`: finalized blocks from height `from` with their finality proofs, at
    /// most `max` (the server caps it).
    pub async fn sync_blocks(
        &self,
        from: BlockNumber,
        max: Option<u32>,
    ) -> Result<SyncBatch, ClientError> {
        self.call("chain_syncBlocks", params(&[&from, &max])?).await
    }

    /// `chain_transaction`: a transaction by hash, pending or finalized, with its events;
    /// `None` if the node does not know it.
    pub async fn transaction(&self, hash: H256) -> Result<Option<TransactionInfo>, ClientError> {
        self.call("chain_transaction", params(&[&hash])?).await
    }

    /// `chain_accountTransactions`: the transactions concerning an account, newest first, at
    /// most `limit` (default 25, at most 100), starting below `before` (a page's `next`).
    pub async fn account_transactions(
        &self,
        address: AccountId,
        before: Option<crate::types::TxPosition>,
        limit: Option<u32>,
    ) -> Result<crate::types::AccountHistory, ClientError> {
        self.call(
            "chain_accountTransactions",
            params(&[&address, &before, &limit])?,
        )
        .await
    }

    /// `state_account`: balance and nonce, at the finalized head or at `at`.
    pub async fn account(
        &self,
        address: AccountId,
        at: Option<BlockId>,
    ) -> Result<crate::types::AccountInfo, ClientError> {
        self.call("state_account", params(&[&address, &at])?).await
    }

    /// `state_validators`: the consensus validator set as the chain records it.
    pub async fn validators(
        &self,
        at: Option<BlockId>,
    ) -> Result<crate::types::ValidatorsInfo, ClientError> {
        self.call("state_validators", params(&[&at])?).await
    }

    /// `state_stake`: every stake of a coldkey.
    pub async fn stake(
        &self,
        coldkey: AccountId,
        at: Option<BlockId>,
    ) -> Result<StakeInfo, ClientError> {
        self.call("state_stake", params(&[&coldkey, &at])?).await
    }

    /// `state_subnets`: every subnet with its price and emission.
    pub async fn subnets(&self, at: Option<BlockId>) -> Result<Vec<SubnetSummary>, ClientError> {
        self.call("state_subnets", params(&[&at])?).await
    }

    /// `state_subnet`: one subnet with its hyperparameters; `None` if it does not exist.
    pub async fn subnet(
        &self,
        netuid: NetUid,
        at: Option<BlockId>,
    ) -> Result<Option<SubnetInfo>, ClientError> {
        self.call("state_subnet", params(&[&netuid, &at])?).await
    }

    /// `state_metagraph`: a subnet's whole metagraph in one call; weights and bonds only if
    /// `options` asks. `None` if the subnet does not exist.
    pub async fn metagraph(
        &self,
        netuid: NetUid,
        options: MetagraphOptions,
        at: Option<BlockId>,
    ) -> Result<Option<Metagraph>, ClientError> {
        self.call("state_metagraph", params(&[&netuid, &options, &at])?)
            .await
    }

    /// `state_pool`: a subnet's pool; `None` without one.
    pub async fn pool(
        &self,
        netuid: NetUid,
        at: Option<BlockId>,
    ) -> Result<Option<PoolInfo>, ClientError> {
        self.call("state_pool", params(&[&netuid, &at])?).await
    }

    /// `state_simulateSwap`: what buying (TAO in) or selling (alpha in) `amount` rao would
    /// give now.
    pub async fn simulate_swap(
        &self,
        netuid: NetUid,
        direction: SwapDirection,
        amount: Balance,
        at: Option<BlockId>,
    ) -> Result<SwapSimulation, ClientError> {
        self.call(
            "state_simulateSwap",
            params(&[&netuid, &direction, &Rao(amount), &at])?,
        )
        .await
    }

    /// `state_networkLockCost`: what registering a subnet in the next block would lock.
    pub async fn network_lock_cost(
        &self,
        at: Option<BlockId>,
    ) -> Result<NetworkLockCost, ClientError> {
        self.call("state_networkLockCost", params(&[&at])?).await
    }

    /// `state_identity`: how a coldkey describes itself.
    pub async fn identity(
        &self,
        coldkey: AccountId,
        at: Option<BlockId>,
    ) -> Result<IdentityInfo, ClientError> {
        self.call("state_identity", params(&[&coldkey, &at])?).await
    }

    /// `state_delegates`: every hotkey with its owner, identity, take, registrations and
    /// nominators.
    pub async fn delegates(&self, at: Option<BlockId>) -> Result<Delegates, ClientError> {
        self.call("state_delegates", params(&[&at])?).await
    }

    /// `state_delegatedBy`: the delegates a coldkey stakes through, with its stake in each.
    pub async fn delegated_by(
        &self,
        coldkey: AccountId,
        at: Option<BlockId>,
    ) -> Result<Delegates, ClientError> {
        self.call("state_delegatedBy", params(&[&coldkey, &at])?)
            .await
    }

    /// `state_commitments`: the commitments on a subnet, every hotkey's or `hotkey`'s.
    pub async fn commitments(
        &self,
        netuid: NetUid,
        hotkey: Option<AccountId>,
        at: Option<BlockId>,
    ) -> Result<Commitments, ClientError> {
        self.call("state_commitments", params(&[&netuid, &hotkey, &at])?)
            .await
    }

    /// `state_coldkeySwap`: a coldkey's announced swap.
    pub async fn coldkey_swap(
        &self,
        coldkey: AccountId,
        at: Option<BlockId>,
    ) -> Result<ColdkeySwapInfo, ClientError> {
        self.call("state_coldkeySwap", params(&[&coldkey, &at])?)
            .await
    }

    /// `state_proxies`: an account's proxies, the accounts it is a proxy of, and its pending
    /// announcements.
    pub async fn proxies(
        &self,
        account: AccountId,
        at: Option<BlockId>,
    ) -> Result<ProxyInfo, ClientError> {
        self.call("state_proxies", params(&[&account, &at])?).await
    }

    /// `state_root`: the root network's stake, parameters and standing on every subnet.
    pub async fn root(&self, at: Option<BlockId>) -> Result<RootInfo, ClientError> {
        self.call("state_root", params(&[&at])?).await
    }

    /// `state_rootClaims`: a coldkey's root stakes and the dividends it can claim.
    pub async fn root_claims(
        &self,
        coldkey: AccountId,
        at: Option<BlockId>,
    ) -> Result<RootClaims, ClientError> {
        self.call("state_rootClaims", params(&[&coldkey, &at])?)
            .await
    }

    /// `state_hotkeyLinks`: a hotkey's children, parents, pending children and childkey take
    /// on a subnet, and the stake they leave it.
    pub async fn hotkey_links(
        &self,
        hotkey: AccountId,
        netuid: NetUid,
        at: Option<BlockId>,
    ) -> Result<HotkeyLinks, ClientError> {
        self.call("state_hotkeyLinks", params(&[&hotkey, &netuid, &at])?)
            .await
    }

    /// `state_delegateTake`: the share of dividends a hotkey's owner keeps.
    pub async fn delegate_take(
        &self,
        hotkey: AccountId,
        at: Option<BlockId>,
    ) -> Result<DelegateTakeInfo, ClientError> {
        self.call("state_delegateTake", params(&[&hotkey, &at])?)
            .await
    }

    /// `tx_estimateFee`: the fee a signed transaction would pay.
    pub async fn estimate_fee(&self, tx: &SignedTransaction) -> Result<FeeEstimate, ClientError> {
        self.call("tx_estimateFee", params(&[&HexBytes(tx.encode())])?)
            .await
    }

    /// `tx_nextNonce`: the nonce to sign the account's next transaction with.
    pub async fn next_nonce(&self, address: AccountId) -> Result<NextNonce, ClientError> {
        self.call("tx_nextNonce", params(&[&address])?).await
    }

    /// `tx_submit`: sends a signed transaction to the mempool; returns its hash.
    pub async fn submit(&self, tx: &SignedTransaction) -> Result<H256, ClientError> {
        self.submit_bytes(&tx.encode()).await
    }

    /// `tx_submit` with the transaction's SCALE bytes as they are.
    pub async fn submit_bytes(&self, bytes: &[u8]) -> Result<H256, ClientError> {
        self.call("tx_submit", params(&[&HexBytes(bytes.to_vec())])?)
            .await
    }

    /// Submits several transactions in one JSON-RPC batch request (`tx_submit` each): one HTTP
    /// round trip instead of one per transaction. Answers come in the order given; each is the
    /// transaction's hash or why the node refused it. At most the server's batch limit (64 by
    /// default); the whole call fails if the request could not be made at all.
    pub async fn submit_batch(
        &self,
        txs: &[SignedTransaction],
    ) -> Result<Vec<Result<H256, ClientError>>, ClientError> {
        let mut batch = jsonrpsee_core::params::BatchRequestBuilder::new();
        for tx in txs {
            batch.insert("tx_submit", params(&[&HexBytes(tx.encode())])?)?;
        }
        let answers = match &self.transport {
            Transport::Remote { http, .. } => http.batch_request::<H256>(batch).await?,
            Transport::InProcess(_) => self.ws().await?.batch_request::<H256>(batch).await?,
        };
        Ok(answers
            .into_iter()
            .map(|answer| {
                answer.map_err(|error| ClientError::Rpc {
                    code: error.code(),
                    message: error.message().to_string(),
                    data: error.data().map(|d| d.get().to_string()),
                })
            })
            .collect())
    }

    /// `tx_submitAndWatch`: submits, then reports `pending`, then `finalized` or `dropped`.
    pub async fn submit_and_watch(
        &self,
        tx: &SignedTransaction,
    ) -> Result<Subscription<TxProgress>, ClientError> {
        self.subscribe(
            "tx_submitAndWatch",
            params(&[&HexBytes(tx.encode())])?,
            "tx_unwatch",
        )
        .await
    }

    /// `chain_subscribeNewHeads`: every new best block.
    pub async fn subscribe_new_heads(&self) -> Result<Subscription<HeaderInfo>, ClientError> {
        self.subscribe(
            "chain_subscribeNewHeads",
            params(&[])?,
            "chain_unsubscribeNewHeads",
        )
        .await
    }

    /// `chain_subscribeFinalizedHeads`: every finalized block.
    pub async fn subscribe_finalized_heads(&self) -> Result<Subscription<HeaderInfo>, ClientError> {
        self.subscribe(
            "chain_subscribeFinalizedHeads",
            params(&[])?,
            "chain_unsubscribeFinalizedHeads",
        )
        .await
    }

    /// `chain_subscribeEvents`: the events of each finalized block that pass `filter`.
    pub async fn subscribe_events(
        &self,
        filter: &EventFilter,
    ) -> Result<Subscription<BlockEvents>, ClientError> {
        self.subscribe(
            "chain_subscribeEvents",
            params(&[filter])?,
            "chain_unsubscribeEvents",
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_urls() {
        assert!(Client::new("http://127.0.0.1:9944").is_ok());
        for bad in [
            "https://node.example:443",
            "ws://127.0.0.1:9944",
            "127.0.0.1:9944",
        ] {
            assert!(
                matches!(Client::new(bad), Err(ClientError::Url(_))),
                "{bad}"
            );
        }
    }
}
