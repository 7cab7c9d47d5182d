//! The chain: a state, the head it is at, and the rules for moving it one block forward.

use crate::block::{consensus_root, transactions_root, Block, Header, Seed, ValidatorId};
use crate::extrinsic::BLOCK_HASH_COUNT;
use crate::state::{Mark, State, StateChange};
use crate::tx::{check_batch, CheckContext, CheckedTransaction, SignedTransaction};
use crate::types::{Globals, Round, SystemInfo};
use crate::{dispatch, BlockError, ChainParams, Event, Genesis, InvalidTransaction, Phase};
use plexus_primitives::{AccountId, Balance, BlockNumber, H256};

/// Events of a block, each with where it happened.
pub type Events = Vec<(Phase, Event)>;

/// What applying a block produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockOutcome {
    /// The block's header (with its state root).
    pub header: Header,
    /// Everything that happened, in order.
    pub events: Events,
    /// Every state entry the block wrote, for a store to persist.
    pub changes: Vec<StateChange>,
}

/// The chain's state machine at some head.
#[derive(Clone)]
pub struct Chain {
    state: State,
    head: Header,
    genesis_hash: H256,
}

/// The consensus round a proposer builds a block in: its epoch and view, and the seeds it must
/// carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsensusRound {
    /// The consensus epoch.
    pub epoch: u64,
    /// The view within it.
    pub view: u64,
    /// The round's leader, the proposer.
    pub leader: ValidatorId,
    /// The seeds of the views from the parent's up to this one (see [`Header::seeds`]).
    pub seeds: Vec<Seed>,
    /// The consensus layer's record for the block (see [`Block::consensus`]).
    pub consensus: Vec<u8>,
}

/// The namespace under which a chain's validators sign consensus messages, seeds and p2p
/// handshakes: one chain's signatures mean nothing on another.
pub fn consensus_namespace(genesis_hash: H256) -> Vec<u8> {
    let mut namespace = b"plexus/".to_vec();
    namespace.extend_from_slice(&genesis_hash.0);
    namespace
}

impl Chain {
    /// Builds block 0 from a genesis configuration.
    pub fn from_genesis(genesis: &Genesis) -> Result<Self, crate::GenesisError> {
        genesis.validate()?;
        let mut state = State::default();
        let mut total: Balance = 0;
        for (account, balance) in &genesis.balances {
            state.balances.insert(*account, *balance);
            total = total.saturating_add(*balance);
        }
        state.globals.set(Globals {
            chain_id: genesis.chain_id.clone(),
            total_issuance: total,
            total_burned: 0,
            total_minted: 0,
            genesis_issuance: total,
            sudo: genesis.governance,
            last_lock: genesis.params.network_min_lock,
            last_lock_block: 0,
            group_key: genesis.group_key_bytes()?,
            epoch_length: genesis.epoch_length,
        });
        state.params.set(genesis.params.clone());
        state.system.set(SystemInfo {
            block: 0,
            timestamp: genesis.timestamp,
            parent_hash: H256::ZERO,
            round: Round::default(),
        });
        let state_root = state.root();
        state.forget();
        let head = Header {
            number: 0,
            parent_hash: H256::ZERO,
            timestamp: genesis.timestamp,
            transactions_root: transactions_root(&[]),
            state_root,
            epoch: 0,
            view: 0,
            parent_view: 0,
            leader: ValidatorId::default(),
            consensus_root: consensus_root(&genesis.consensus_bytes()?),
            seeds: Vec::new(),
        };
        Ok(Self {
            genesis_hash: head.hash(),
            state,
            head,
        })
    }

    /// A chain at `head` with `state` (read back from storage). Fails if the state's root is
    /// not the head's.
    pub fn resume(
        state: State,
        state_root: H256,
        head: Header,
        genesis_hash: H256,
    ) -> Result<Self, BlockError> {
        if state_root != head.state_root {
            return Err(BlockError::StateRootMismatch {
                expected: head.state_root,
                computed: state_root,
            });
        }
        Ok(Self {
            state,
            head,
            genesis_hash,
        })
    }

    /// The state at the head.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The head's header.
    pub fn head(&self) -> &Header {
        &self.head
    }

    /// The genesis block's hash: every transaction names it.
    pub fn genesis_hash(&self) -> H256 {
        self.genesis_hash
    }

    /// What checking a signature for the next block needs: the genesis, the block's number,
    /// the head and the recent block hashes.
    pub fn check_context(&self) -> CheckContext<'_> {
        CheckContext {
            genesis_hash: self.genesis_hash,
            block: self.head.number + 1,
            head: (self.head.number, self.head.hash()),
            state: &self.state,
        }
    }

    /// Checks a transaction against the head state as if it were the first of the next block,
    /// without changing anything: what a mempool asks before accepting it.
    pub fn validate_transaction(
        &mut self,
        tx: &CheckedTransaction,
    ) -> Result<(), InvalidTransaction> {
        let block = self.head.number + 1;
        let mark = self.state.mark();
        let mut events = Events::new();
        let result = self.apply_transaction(tx, 0, block, &mut events);
        self.state.rollback(mark);
        result
    }

    /// Applies a block from the network: all of it, or nothing.
    pub fn apply_block(&mut self, block: &Block) -> Result<BlockOutcome, BlockError> {
        let max = self.state.params.get().max_block_transactions;
        if block.transactions.len() > max as usize {
            return Err(BlockError::TooManyTransactions {
                got: block.transactions.len(),
                max,
            });
        }
        let checked = check_batch(block.transactions.clone(), &self.check_context())
            .map_err(|(index, error)| BlockError::InvalidTransaction { index, error })?;
        self.apply_checked_block(&block.header, &checked, &block.consensus)
    }

    /// Applies a block whose signatures were already checked (by [`check_batch`]), with its
    /// consensus payload.
    pub fn apply_checked_block(
        &mut self,
        header: &Header,
        transactions: &[CheckedTransaction],
        consensus: &[u8],
    ) -> Result<BlockOutcome, BlockError> {
        self.check_header(header.number, header.parent_hash, header.timestamp)?;
        check_consensus(header.consensus_root, consensus)?;
        let round = Round::new(header.epoch, header.view);
        self.check_seeds(header.number, round, header.parent_view, &header.seeds)?;
        let signed: Vec<SignedTransaction> =
            transactions.iter().map(|t| t.signed().clone()).collect();
        if transactions_root(&signed) != header.transactions_root {
            return Err(BlockError::TransactionsRootMismatch);
        }
        let start = self.state.mark();
        let mut events = self.initialize_block(header.number, header.timestamp, round);
        for (index, tx) in transactions.iter().enumerate() {
            if let Err(error) = self.apply_transaction(tx, index as u32, header.number, &mut events)
            {
                self.abandon(start);
                return Err(BlockError::InvalidTransaction { index, error });
            }
        }
        self.reveal_timelocked(header.number, header.epoch, &header.seeds, &mut events);
        let (computed, changes) = self.state.root_and_changes();
        if computed != header.state_root {
            self.abandon(start);
            return Err(BlockError::StateRootMismatch {
                expected: header.state_root,
                computed,
            });
        }
        self.state.forget();
        self.head = header.clone();
        self.debug_check_supply();
        Ok(BlockOutcome {
            header: header.clone(),
            events,
            changes,
        })
    }

    /// Builds the next block from candidate transactions, leaving out those that are invalid at
    /// their turn, and applies it, in the round after the head's and with no seeds: for chains
    /// without a group key (tests and tools). Returns the block and what it did.
    pub fn build_block(
        &mut self,
        timestamp: u64,
        candidates: Vec<CheckedTransaction>,
    ) -> Result<(Block, BlockOutcome), BlockError> {
        let next = self.next_round();
        let round = ConsensusRound {
            epoch: next.epoch,
            view: next.view,
            leader: ValidatorId::default(),
            seeds: Vec::new(),
            consensus: Vec::new(),
        };
        self.build_block_in(round, timestamp, candidates)
    }

    /// The first round the next block may be proposed in: the view after the head's, or view 1
    /// of a new consensus epoch.
    pub fn next_round(&self) -> Round {
        let epoch = self
            .state
            .globals
            .get_ref()
            .map_or(0, |g| g.consensus_epoch(self.head.number + 1));
        if epoch == self.head.epoch {
            Round::new(epoch, self.head.view + 1)
        } else {
            Round::new(epoch, 1)
        }
    }

    /// Builds the next block for a consensus round, as [`Chain::build_block`] does.
    pub fn build_block_in(
        &mut self,
        round: ConsensusRound,
        timestamp: u64,
        candidates: Vec<CheckedTransaction>,
    ) -> Result<(Block, BlockOutcome), BlockError> {
        let number = self.head.number + 1;
        let parent_hash = self.head.hash();
        self.check_header(number, parent_hash, timestamp)?;
        let parent_view = self.parent_view(round.epoch);
        check_consensus(consensus_root(&round.consensus), &round.consensus)?;
        self.check_seeds(
            number,
            Round::new(round.epoch, round.view),
            parent_view,
            &round.seeds,
        )?;
        let max = self.state.params.get().max_block_transactions as usize;
        let mut events =
            self.initialize_block(number, timestamp, Round::new(round.epoch, round.view));
        let mut included = Vec::new();
        for tx in candidates {
            if included.len() >= max {
                break;
            }
            let mark = self.state.mark();
            let events_len = events.len();
            match self.apply_transaction(&tx, included.len() as u32, number, &mut events) {
                Ok(()) => included.push(tx.signed().clone()),
                Err(_) => {
                    self.state.rollback(mark);
                    events.truncate(events_len);
                }
            }
        }
        self.reveal_timelocked(number, round.epoch, &round.seeds, &mut events);
        let (state_root, changes) = self.state.root_and_changes();
        self.state.forget();
        let header = Header {
            number,
            parent_hash,
            timestamp,
            transactions_root: transactions_root(&included),
            state_root,
            epoch: round.epoch,
            view: round.view,
            parent_view,
            leader: round.leader,
            consensus_root: consensus_root(&round.consensus),
            seeds: round.seeds,
        };
        self.head = header.clone();
        self.debug_check_supply();
        Ok((
            Block {
                header: header.clone(),
                transactions: included,
                consensus: round.consensus,
            },
            BlockOutcome {
                header,
                events,
                changes,
            },
        ))
    }

    /// In debug builds, every block ends with a full supply audit: a bug that loses or creates
    /// a rao stops the tests at the block that did it.
    fn debug_check_supply(&self) {
        #[cfg(debug_assertions)]
        if let Err(e) = self.state.check_supply() {
            panic!("supply invariant broken at block {}: {e}", self.head.number);
        }
    }

    fn check_header(
        &self,
        number: BlockNumber,
        parent_hash: H256,
        timestamp: u64,
    ) -> Result<(), BlockError> {
        if number != self.head.number + 1 {
            return Err(BlockError::WrongHeight {
                head: self.head.number,
                got: number,
            });
        }
        let expected = self.head.hash();
        if parent_hash != expected {
            return Err(BlockError::WrongParent {
                expected,
                got: parent_hash,
            });
        }
        if timestamp <= self.head.timestamp {
            return Err(BlockError::TimestampNotIncreasing {
                parent: self.head.timestamp,
                got: timestamp,
            });
        }
        Ok(())
    }

    /// Opens what was timelocked to the rounds of the block's seeds: weights, then commitments.
    fn reveal_timelocked(
        &mut self,
        number: BlockNumber,
        epoch: u64,
        seeds: &[Seed],
        events: &mut Events,
    ) {
        crate::calls::reveal_timelocked(&mut self.state, epoch, seeds, number, events);
        crate::calls::reveal_timelocked_commitments(&mut self.state, epoch, seeds, events);
    }

    /// The head's view as seen from consensus epoch `epoch`: its own in its epoch, and 0 in
    /// the next, whose consensus starts from the head.
    fn parent_view(&self, epoch: u64) -> u64 {
        if epoch == self.head.epoch {
            self.head.view
        } else {
            0
        }
    }

    /// The round of block `number`, its parent's view and the seeds it must carry. Its epoch is
    /// its height's; in the head's epoch its view is after the head's, and in the next epoch
    /// (whose consensus starts from the head as view 0) after 0. It carries one seed per view
    /// from the head's (or 1: nobody signs view 0) to the one before its own, each the group's
    /// signature over that view of its epoch. The head carried those before its own view, so
    /// every view of an epoch up to the one before its last block's gets its seed exactly once.
    fn check_seeds(
        &self,
        number: BlockNumber,
        round: Round,
        parent_view: u64,
        seeds: &[Seed],
    ) -> Result<(), BlockError> {
        let globals = self.state.globals.get();
        let epoch = globals.consensus_epoch(number);
        if round.epoch != epoch {
            return Err(BlockError::WrongEpoch {
                expected: epoch,
                got: round.epoch,
            });
        }
        let parent = self.parent_view(epoch);
        if parent_view != parent {
            return Err(BlockError::WrongParentView {
                expected: parent,
                got: parent_view,
            });
        }
        let view = round.view;
        if view <= parent {
            return Err(BlockError::ViewNotIncreasing { parent, got: view });
        }
        let Some(group_key) = globals.group_key else {
            if seeds.is_empty() {
                return Ok(());
            }
            return Err(BlockError::WrongSeeds {
                first: view,
                end: view,
                got: seeds.len(),
            });
        };
        let first = parent.max(1);
        let wrong = || BlockError::WrongSeeds {
            first,
            end: view,
            got: seeds.len(),
        };
        if u64::try_from(seeds.len()).ok() != Some(view.saturating_sub(first)) {
            return Err(wrong());
        }
        let namespace = consensus_namespace(self.genesis_hash);
        for (expected, seed) in (first..view).zip(seeds) {
            if seed.view != expected {
                return Err(wrong());
            }
            let signed = Round::new(epoch, seed.view).into();
            if !plexus_timelock::verify_seed(&group_key, &namespace, signed, &seed.signature.0) {
                return Err(BlockError::BadSeed { view: seed.view });
            }
        }
        Ok(())
    }

    /// Rolls the whole block back and brings the root's tree back with it.
    fn abandon(&mut self, start: Mark) {
        self.state.rollback(start);
        self.state.root();
        self.state.forget();
    }

    /// The per-block step that runs before the transactions.
    fn initialize_block(&mut self, number: BlockNumber, timestamp: u64, round: Round) -> Events {
        let parent_hash = self.head.hash();
        self.state.system.set(SystemInfo {
            block: number,
            timestamp,
            parent_hash,
            round,
        });
        self.state
            .block_hashes
            .insert(self.head.number, parent_hash);
        if let Some(old) = self.head.number.checked_sub(BLOCK_HASH_COUNT) {
            self.state.block_hashes.remove(&old);
        }
        let mut events = Events::new();
        self.state.on_initialize(number, &mut events);
        events
    }

    /// Validates and executes one transaction. On `Err` the caller rolls back.
    fn apply_transaction(
        &mut self,
        tx: &CheckedTransaction,
        index: u32,
        block: BlockNumber,
        events: &mut Events,
    ) -> Result<(), InvalidTransaction> {
        let t = tx.transaction();
        let params: ChainParams = self.state.params.get();
        if t.genesis_hash != self.genesis_hash {
            return Err(InvalidTransaction::WrongGenesis {
                expected: self.genesis_hash,
                got: t.genesis_hash,
            });
        }
        if tx.encoded_len() > params.max_transaction_bytes {
            return Err(InvalidTransaction::TooBig {
                size: tx.encoded_len() as usize,
                max: params.max_transaction_bytes,
            });
        }
        if let Some(valid_until) = t.valid_until {
            if block > valid_until {
                return Err(InvalidTransaction::Expired { valid_until, block });
            }
        }
        let expected = self.state.nonce(&t.signer);
        if t.nonce < expected {
            return Err(InvalidTransaction::StaleNonce {
                expected,
                got: t.nonce,
            });
        }
        if t.nonce > expected {
            return Err(InvalidTransaction::FutureNonce {
                expected,
                got: t.nonce,
            });
        }
        if matches!(t.call, crate::Call::Governance(_))
            && self.state.globals.get_ref().and_then(|g| g.sudo) != Some(t.signer)
        {
            return Err(InvalidTransaction::NotGovernance);
        }
        let phase = Phase::Transaction(index);
        let mark = self.state.mark();
        let events_len = events.len();
        self.state.nonces.insert(t.signer, expected + 1);
        let free = t.call.is_free();
        let fee = params.fee(&t.call, tx.encoded_len(), t.tip);
        if fee > 0 {
            let balance = self.state.balance(&t.signer);
            if balance < fee {
                self.state.rollback(mark);
                return Err(InvalidTransaction::CannotPayFee { fee, balance });
            }
            self.state.burn(&t.signer, fee, phase, events);
            events.push((phase, Event::FeePaid { who: t.signer, fee }));
        }
        let paid = self.state.mark();
        let paid_events = events.len();
        match dispatch(&mut self.state, t.signer, &t.call, block, phase, events) {
            Ok(()) => events.push((phase, Event::TransactionSucceeded { hash: tx.hash() })),
            // A free call that fails is not a transaction at all: nothing of it stays.
            Err(error) if free => {
                self.state.rollback(mark);
                events.truncate(events_len);
                return Err(InvalidTransaction::FreeCallFails(error));
            }
            Err(error) => {
                self.state.rollback(paid);
                events.truncate(paid_events);
                events.push((
                    phase,
                    Event::TransactionFailed {
                        hash: tx.hash(),
                        error,
                    },
                ));
            }
        }
        Ok(())
    }

    /// The account's next nonce at the head.
    pub fn next_nonce(&self, account: &AccountId) -> u64 {
        self.state.nonce(account)
    }
}

/// A block's consensus payload: within the size limit, and the one its header commits to.
fn check_consensus(root: H256, consensus: &[u8]) -> Result<(), BlockError> {
    if consensus.len() > crate::MAX_CONSENSUS_BYTES {
        return Err(BlockError::ConsensusTooLarge {
            len: consensus.len(),
            max: crate::MAX_CONSENSUS_BYTES,
        });
    }
    if consensus_root(consensus) != root {
        return Err(BlockError::ConsensusRootMismatch);
    }
    Ok(())
}
