//! Talking to a node: connecting, signing with the wallet's keys, estimating fees, asking
//! before paying, submitting with a spinner until final, and turning the chain's refusals into
//! errors that say what to do.

use super::wallet::{load_secret, Role};
use super::Context;
use crate::{spinner::Spinner, units};
use anyhow::{anyhow, bail, Context as _, Result};
use plexus_keys::Keypair;
use plexus_primitives::{AccountId, Balance, NetUid, H256};
use plexus_rpc::types::{Event, Metagraph, MetagraphOptions, SubnetInfo, SystemInfo, TxError};
use plexus_rpc::{Client, ClientError, SubmitError, Submitter};
use plexus_runtime::{Call, DispatchError, ErrorKind, InvalidTransaction, SignedTransaction};
use serde_json::{json, Value};
use std::future::Future;
use std::process::ExitCode;

/// Runs a network command to completion on a runtime of its own.
pub(crate) fn block_on(command: impl Future<Output = Result<()>>) -> Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(command)?;
    Ok(ExitCode::SUCCESS)
}

/// A connection to one node.
pub(crate) struct Net {
    chain: Submitter,
    pub(crate) info: SystemInfo,
    /// `--proxy-for`: every transaction is a proxy call for this account.
    proxy_for: Option<AccountId>,
}

/// A finalized transaction whose call succeeded.
pub(crate) struct Receipt {
    pub(crate) hash: H256,
    pub(crate) block: u64,
    pub(crate) fee: Balance,
    pub(crate) events: Vec<Event>,
}

impl Receipt {
    /// The receipt's JSON fields, for commands to extend.
    pub(crate) fn json(&self) -> Value {
        json!({
            "hash": self.hash,
            "block": self.block,
            "fee": self.fee.to_string(),
        })
    }

    /// `in block 12, fee 0.000286000 τ`.
    pub(crate) fn text(&self) -> String {
        format!("in block {}, fee {}", self.block, units::tao(self.fee))
    }
}

impl Net {
    /// Connects to the context's node and learns its chain.
    pub(crate) async fn connect(ctx: &Context) -> Result<Self> {
        let client = Client::new(&ctx.url).map_err(|e| anyhow!("{e}"))?;
        let info = client
            .info()
            .await
            .map_err(|e| unreachable_node(&ctx.url, &e))?;
        Ok(Self {
            chain: Submitter::new(client, &ctx.url, info.genesis_hash),
            info,
            proxy_for: ctx.proxy_for,
        })
    }

    pub(crate) fn client(&self) -> &Client {
        self.chain.client()
    }

    /// Maps a failed query to an error naming the node.
    pub(crate) fn query_error(&self, e: ClientError) -> anyhow::Error {
        match e {
            ClientError::Transport(_) => unreachable_node(self.chain.url(), &e),
            other => anyhow!(
                "the node at {} refused the query: {other}",
                self.chain.url()
            ),
        }
    }

    pub(crate) async fn free_balance(&self, account: AccountId) -> Result<Balance> {
        Ok(self
            .client()
            .account(account, None)
            .await
            .map_err(|e| self.query_error(e))?
            .balance)
    }

    pub(crate) async fn subnet(&self, netuid: NetUid) -> Result<SubnetInfo> {
        self.client()
            .subnet(netuid, None)
            .await
            .map_err(|e| self.query_error(e))?
            .ok_or_else(|| no_subnet(netuid))
    }

    pub(crate) async fn metagraph(&self, netuid: NetUid, weights: bool) -> Result<Metagraph> {
        let options = MetagraphOptions {
            weights,
            bonds: false,
        };
        self.client()
            .metagraph(netuid, options, None)
            .await
            .map_err(|e| self.query_error(e))?
            .ok_or_else(|| no_subnet(netuid))
    }

    /// The next block's number: the earliest a transaction submitted now can be in.
    pub(crate) async fn next_block(&self) -> Result<u64> {
        let head = self
            .client()
            .finalized_head()
            .await
            .map_err(|e| self.query_error(e))?;
        Ok(head.number + 1)
    }

    /// Signs `call` with `signer` at its next nonce (counting its pending transactions); with
    /// `--proxy-for`, wrapped in a proxy call for that account.
    pub(crate) async fn sign(&self, signer: &Keypair, call: Call) -> Result<SignedTransaction> {
        let call = match self.proxy_for {
            Some(real) => Call::Proxy {
                real,
                force_proxy_type: None,
                call: Box::new(call),
            },
            None => call,
        };
        self.chain
            .sign(signer, call)
            .await
            .map_err(|e| self.query_error(e))
    }

    /// Signs `call`, asks `question` with the fee appended ("… (fee 0.0003 τ)?"), and submits
    /// it with a spinner saying `what` is happening: the steps every command that sends one
    /// transaction takes.
    pub(crate) async fn send(
        &self,
        ctx: &Context,
        signer: &Keypair,
        call: Call,
        question: &str,
        what: &str,
    ) -> Result<Receipt> {
        let tx = self.sign(signer, call).await?;
        let fee = self.fee(&tx).await?;
        confirm(ctx, &format!("{question} (fee {})?", units::tao(fee)))?;
        self.submit(ctx, &tx, what).await
    }

    /// The fee `tx` pays (free calls pay none).
    pub(crate) async fn fee(&self, tx: &SignedTransaction) -> Result<Balance> {
        Ok(self
            .client()
            .estimate_fee(tx)
            .await
            .map_err(|e| self.query_error(e))?
            .total)
    }

    /// Submits `tx` and waits until it is final, with a spinner saying `what` is happening.
    /// A call that was included but failed is an error (its fee was paid).
    pub(crate) async fn submit(
        &self,
        ctx: &Context,
        tx: &SignedTransaction,
        what: &str,
    ) -> Result<Receipt> {
        let hash = tx.hash();
        let _spinner = Spinner::start(
            format!("{what}: waiting for finalization…"),
            !ctx.out.is_json() && !ctx.out.is_quiet(),
        );
        let inclusion = self.chain.submit_signed(tx).await.map_err(|e| match e {
            SubmitError::Rpc(e) => self.refused(e),
            SubmitError::Dropped(_) => anyhow!(
                "transaction {hash} was dropped by the node before reaching a block; nothing was charged: try again"
            ),
            SubmitError::Failed { inclusion } => {
                failed(inclusion.block_number, inclusion.error.as_ref())
            }
            SubmitError::Unwatched(_) => anyhow!(
                "the node stopped reporting on transaction {hash}; check it with the explorer or try again"
            ),
        })?;
        // A proxied call's own failure does not fail the transaction (the fee is paid either
        // way); for the user it is the outcome.
        if let Some(error) = inclusion.events.iter().find_map(|e| match e {
            Event::ProxyExecuted {
                error: Some(error), ..
            } => Some(error),
            _ => None,
        }) {
            bail!(
                "included in block {}, but the proxied call failed (the fee was paid): {}",
                inclusion.block_number,
                error.message
            );
        }
        let fee = inclusion
            .events
            .iter()
            .map(|e| match e {
                Event::FeePaid { fee, .. } => *fee,
                _ => 0,
            })
            .sum();
        Ok(Receipt {
            hash,
            block: inclusion.block_number,
            fee,
            events: inclusion.events,
        })
    }

    /// Why the node would not take a transaction, in words the user can act on.
    fn refused(&self, e: ClientError) -> anyhow::Error {
        let ClientError::Rpc {
            code,
            message,
            data,
        } = &e
        else {
            return self.query_error(e);
        };
        let data: Value = data
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok())
            .unwrap_or(Value::Null);
        let field = |name: &str| {
            data[name]
                .as_u64()
                .or_else(|| data[name].as_str().and_then(|s| s.parse().ok()))
        };
        let kind = data["error"].as_str();
        let is = |expected: ErrorKind| kind == Some(expected.name());
        match *code {
            plexus_rpc::error::INVALID_TRANSACTION if is(InvalidTransaction::CANNOT_PAY_FEE) => anyhow!(
                "insufficient balance: the fee is {}, {} free",
                units::tao(field("fee").unwrap_or(0)),
                units::tao(field("balance").unwrap_or(0))
            ),
            plexus_rpc::error::INVALID_TRANSACTION if is(DispatchError::RATE_LIMITED) => anyhow!(
                "too soon: next allowed at block {}",
                field("allowed_at").unwrap_or(0)
            ),
            plexus_rpc::error::POOL_REJECTED => anyhow!(
                "{message}; if an earlier transaction of this account is still pending, wait for it to be final"
            ),
            _ => anyhow!("{}", message.trim_start_matches("invalid transaction: ")),
        }
    }
}

fn unreachable_node(url: &str, e: &ClientError) -> anyhow::Error {
    anyhow!(
        "cannot reach a node at {url} ({e}); start one with `plexus node run --dev`, or choose another with --network URL"
    )
}

pub(crate) fn no_subnet(netuid: NetUid) -> anyhow::Error {
    anyhow!("subnet {netuid} does not exist (see `plexus subnets list`)")
}

/// A call that failed in its block.
fn failed(block: u64, error: Option<&TxError>) -> anyhow::Error {
    let reason = error.map_or("failed", |e| e.message.as_str());
    anyhow!("the transaction failed in block {block} (its fee was paid): {reason}")
}

/// Fails unless `free` covers `needed`.
pub(crate) fn ensure_funds(needed: Balance, free: Balance) -> Result<()> {
    if needed > free {
        bail!(
            "insufficient balance: {} needed, {} free",
            units::tao(needed),
            units::tao(free)
        );
    }
    Ok(())
}

/// Asks before spending; an answer other than yes stops the command as an error so that
/// scripts see it did nothing.
pub(crate) fn confirm(ctx: &Context, question: &str) -> Result<()> {
    if !ctx.prompter.confirm(question)? {
        bail!("cancelled; nothing was sent");
    }
    Ok(())
}

/// The coldkey a command acts for, without unlocking anything: the wallet's, or with
/// `--proxy-for` the account it is a proxy of.
pub(crate) fn coldkey_account(ctx: &Context) -> Result<AccountId> {
    if let Some(real) = ctx.proxy_for {
        return Ok(real);
    }
    let wallet = &ctx.wallet;
    if !wallet.coldkeypub_file().exists() && !wallet.coldkey_file().exists() {
        bail!(
            "{}: no such wallet; create one with `plexus wallet create` or choose one with --wallet-name",
            wallet.dir().display()
        );
    }
    Ok(wallet.coldkeypub()?.account)
}

/// The wallet's hotkey address, without unlocking it.
pub(crate) fn hotkey_account(ctx: &Context) -> Result<AccountId> {
    let wallet = &ctx.wallet;
    if !wallet.hotkeypub_file().exists() && !wallet.hotkey_file().exists() {
        bail!(
            "{}: no such hotkey; create one with `plexus wallet new-hotkey` or choose one with --hotkey",
            wallet.hotkey_file().path().display()
        );
    }
    Ok(wallet.hotkeypub()?.account)
}

/// The coldkey, unlocked to sign.
pub(crate) fn coldkey(ctx: &Context) -> Result<Keypair> {
    coldkey_account(ctx)?;
    load_secret(ctx, Role::Coldkey)
}

/// The hotkey, unlocked to sign.
pub(crate) fn hotkey(ctx: &Context) -> Result<Keypair> {
    hotkey_account(ctx)?;
    load_secret(ctx, Role::Hotkey)
}

/// An SS58 address typed by the user.
pub(crate) fn parse_address(text: &str, what: &str) -> Result<AccountId> {
    AccountId::from_ss58(text.trim())
        .map_err(|e| anyhow!("{what} {text:?} is not an SS58 address: {e}"))
}

/// The account a query names, or the coldkey the command acts for when it names none.
pub(crate) fn address_or_coldkey(
    ctx: &Context,
    text: Option<&str>,
    what: &str,
) -> Result<AccountId> {
    match text {
        Some(text) => parse_address(text, what),
        None => coldkey_account(ctx),
    }
}

/// The hotkey a command acts on: the one given, or the wallet's.
pub(crate) fn hotkey_or_wallet(ctx: &Context, given: Option<&str>) -> Result<AccountId> {
    match given {
        Some(text) => parse_address(text, "hotkey"),
        None => hotkey_account(ctx),
    }
}
