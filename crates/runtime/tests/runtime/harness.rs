//! A test network: keys by small numbers, a chain from genesis, and helpers that sign, submit
//! and build blocks the way a node would.

use std::sync::OnceLock;

use plexus_primitives::{AccountId, Balance, NetUid, Signature, RAO_PER_TAO};
use plexus_runtime::{
    consensus_namespace, Block, BlockOutcome, Call, Chain, ChainParams, ConsensusRound,
    DispatchError, Event, Genesis, InvalidTransaction, Phase, Seed, SeedSignature,
    SignedTransaction, Transaction, ValidatorId,
};

pub(crate) const TAO: Balance = RAO_PER_TAO;

/// A Plexus-envelope transaction's parts, for tests that tamper with them.
pub(crate) fn parts(tx: &mut SignedTransaction) -> (&mut Transaction, &mut Signature) {
    match tx {
        SignedTransaction::Plexus {
            transaction,
            signature,
        } => (transaction, signature),
        SignedTransaction::Substrate(_) => panic!("a Plexus transaction expected"),
    }
}

pub(crate) fn keypair(seed: u8) -> schnorrkel::Keypair {
    schnorrkel::MiniSecretKey::from_bytes(&[seed; 32])
        .unwrap()
        .expand_to_keypair(schnorrkel::ExpansionMode::Ed25519)
}

pub(crate) fn account(seed: u8) -> AccountId {
    static ACCOUNTS: OnceLock<Vec<AccountId>> = OnceLock::new();
    ACCOUNTS.get_or_init(|| {
        (0..=255u8)
            .map(|s| AccountId(keypair(s).public.to_bytes()))
            .collect()
    })[usize::from(seed)]
}

/// The governance key.
pub(crate) const GOV: u8 = 200;

pub(crate) struct Net {
    pub(crate) chain: Chain,
    pub(crate) timestamp: u64,
    /// The validators' group, on a chain with a group key: it signs the seeds blocks carry.
    pub(crate) beacon: Option<Beacon>,
}

/// Consensus as the runtime sees it: a group signing each view's seed, and views skipped.
pub(crate) struct Beacon {
    pub(crate) group: plexus_timelock::testing::TestGroup,
    /// Views the next block skips (consensus nullified them); their seeds still come with it.
    pub(crate) skip: u64,
}

impl Net {
    /// Accounts 1..=20 hold 1M TAO each; governance is `GOV` (with 1000 TAO).
    pub(crate) fn new(params: ChainParams) -> Self {
        Self::with_group(params, None, None)
    }

    /// As [`Net::new`], with `group`'s key as the validators' group key when given, and
    /// consensus epochs of `epoch_length` blocks when given.
    fn with_group(
        params: ChainParams,
        group: Option<plexus_timelock::testing::TestGroup>,
        epoch_length: Option<u64>,
    ) -> Self {
        let mut balances: Vec<(AccountId, Balance)> =
            (1..=20).map(|s| (account(s), 1_000_000 * TAO)).collect();
        balances.push((account(GOV), 1000 * TAO));
        let genesis = Genesis {
            chain_id: "test".into(),
            timestamp: 1_000,
            governance: Some(account(GOV)),
            balances,
            params,
            group_key: group.as_ref().map(|g| hex::encode(g.identity())),
            epoch_length,
            consensus: None,
        };
        Self {
            chain: Chain::from_genesis(&genesis).unwrap(),
            timestamp: 1_000,
            beacon: group.map(|group| Beacon { group, skip: 0 }),
        }
    }

    /// As [`Net::quick`], on a chain whose validators' group key is that of
    /// `TestGroup::from_seed(seed)`.
    pub(crate) fn with_beacon(seed: u64) -> Self {
        Self::with_group(
            Self::quick_params(),
            Some(plexus_timelock::testing::TestGroup::from_seed(seed)),
            None,
        )
    }

    /// As [`Net::with_beacon`], with consensus epochs of `epoch_length` blocks.
    pub(crate) fn with_beacon_epochs(seed: u64, epoch_length: u64) -> Self {
        Self::with_group(
            Self::quick_params(),
            Some(plexus_timelock::testing::TestGroup::from_seed(seed)),
            Some(epoch_length),
        )
    }

    /// The round the next block is proposed in: the first the chain allows (plus any views
    /// skipped), with the seeds of the views of its epoch from the head's (or 1), signed by the
    /// group.
    pub(crate) fn next_round(&mut self) -> ConsensusRound {
        let next = self.chain.next_round();
        let Some(beacon) = &mut self.beacon else {
            return ConsensusRound {
                epoch: next.epoch,
                view: next.view,
                leader: ValidatorId::default(),
                seeds: Vec::new(),
                consensus: Vec::new(),
            };
        };
        let view = next.view + std::mem::take(&mut beacon.skip);
        let namespace = consensus_namespace(self.chain.genesis_hash());
        let seeds = ((next.view - 1).max(1)..view)
            .map(|v| Seed {
                view: v,
                signature: SeedSignature(beacon.group.sign_seed(
                    &namespace,
                    plexus_timelock::Round {
                        epoch: next.epoch,
                        view: v,
                    },
                )),
            })
            .collect();
        ConsensusRound {
            epoch: next.epoch,
            view,
            leader: ValidatorId::default(),
            seeds,
            consensus: Vec::new(),
        }
    }

    /// Parameters that make subnet tests quick: no network rate limit, a 1 TAO lock floor.
    pub(crate) fn quick() -> Self {
        Self::new(Self::quick_params())
    }

    fn quick_params() -> ChainParams {
        ChainParams {
            network_rate_limit: 0,
            network_min_lock: TAO,
            ..ChainParams::default()
        }
    }

    pub(crate) fn block_number(&self) -> u64 {
        self.chain.head().number
    }

    pub(crate) fn tx_with(
        &self,
        seed: u8,
        nonce: u64,
        valid_until: Option<u64>,
        call: Call,
    ) -> SignedTransaction {
        let transaction = Transaction {
            signer: account(seed),
            nonce,
            genesis_hash: self.chain.genesis_hash(),
            valid_until,
            tip: 0,
            call,
        };
        transaction.sign(&keypair(seed))
    }

    pub(crate) fn tx(&self, seed: u8, call: Call) -> SignedTransaction {
        self.tx_with(seed, self.chain.next_nonce(&account(seed)), None, call)
    }

    /// Builds and applies the next block with these transactions (invalid ones left out).
    pub(crate) fn block(&mut self, txs: Vec<SignedTransaction>) -> (Block, BlockOutcome) {
        self.timestamp += 12_000;
        let context = self.chain.check_context();
        let checked = txs
            .into_iter()
            .map(|t| t.check(&context).unwrap())
            .collect();
        let round = self.next_round();
        self.chain
            .build_block_in(round, self.timestamp, checked)
            .unwrap()
    }

    /// Empty blocks until the head is `number`.
    pub(crate) fn advance_to(&mut self, number: u64) {
        while self.block_number() < number {
            self.block(Vec::new());
        }
    }

    /// Submits one transaction as a node would: validate, then include it in the next block.
    /// Returns the transaction's events, or why it is invalid.
    pub(crate) fn submit(
        &mut self,
        tx: SignedTransaction,
    ) -> Result<Vec<Event>, InvalidTransaction> {
        let checked = tx.check(&self.chain.check_context())?;
        self.chain.validate_transaction(&checked)?;
        let (block, outcome) = self.block(vec![checked.signed().clone()]);
        assert_eq!(
            block.transactions.len(),
            1,
            "a valid transaction is included"
        );
        Ok(outcome
            .events
            .into_iter()
            .filter(|(phase, _)| *phase == Phase::Transaction(0))
            .map(|(_, e)| e)
            .collect())
    }

    /// Submits a call and expects it to succeed; returns its events.
    pub(crate) fn ok(&mut self, seed: u8, call: Call) -> Vec<Event> {
        let events = self
            .submit(self.tx(seed, call.clone()))
            .unwrap_or_else(|e| {
                panic!("{call:?} is invalid: {e}");
            });
        if let Some(Event::TransactionFailed { error, .. }) = events.last() {
            panic!("{call:?} failed: {error}");
        }
        events
    }

    /// Submits a call and expects it to fail (a paid failure, or for a free call, invalid).
    pub(crate) fn fails(&mut self, seed: u8, call: Call) -> DispatchError {
        match self.submit(self.tx(seed, call.clone())) {
            Err(InvalidTransaction::FreeCallFails(e)) => e,
            Err(other) => panic!("{call:?} invalid for another reason: {other}"),
            Ok(events) => match events.last() {
                Some(Event::TransactionFailed { error, .. }) => error.clone(),
                _ => panic!("{call:?} succeeded: {events:?}"),
            },
        }
    }

    /// Registers a subnet owned by coldkey `owner` with hotkey `hotkey`; returns its netuid.
    pub(crate) fn subnet(&mut self, owner: u8, hotkey: u8) -> NetUid {
        let events = self.ok(
            owner,
            Call::RegisterNetwork {
                hotkey: account(hotkey),
            },
        );
        events
            .iter()
            .find_map(|e| match e {
                Event::NetworkAdded { netuid, .. } => Some(*netuid),
                _ => None,
            })
            .unwrap()
    }

    pub(crate) fn register(&mut self, coldkey: u8, netuid: NetUid, hotkey: u8) -> u16 {
        let events = self.ok(
            coldkey,
            Call::BurnedRegister {
                netuid,
                hotkey: account(hotkey),
            },
        );
        events
            .iter()
            .find_map(|e| match e {
                Event::NeuronRegistered { uid, .. } => Some(*uid),
                _ => None,
            })
            .unwrap()
    }

    /// Every rao ever issued is in exactly one place: a balance, a pool's TAO reserve, or
    /// burned; and for every subnet, every rao of alpha ever minted is in its pool, staked,
    /// pending payout, or burned.
    pub(crate) fn assert_supply_conserved(&self) {
        let state = self.chain.state();
        let genesis = 20 * 1_000_000 * TAO + 1000 * TAO;
        let minted = state.globals().total_minted;
        assert_eq!(
            state.total_issuance() + state.total_burned(),
            genesis + minted
        );
        let balances: u128 = (0..=255u8)
            .map(|s| u128::from(state.balance(&account(s)) + state.reserved(&account(s))))
            .sum();
        let pools: u128 = state
            .subnets()
            .map(|(n, _)| u128::from(state.pool(n).map_or(0, |p| p.tao)))
            .sum();
        let root = u128::from(state.root_tao());
        assert_eq!(u128::from(state.total_issuance()), balances + pools + root);
        for (netuid, _) in state.subnets() {
            let supply = state.alpha_supply(netuid);
            let staked: u128 = (0..=255u8)
                .map(|h| u128::from(state.hotkey_stake(&account(h), netuid)))
                .sum();
            let pool = state.pool(netuid).map_or(0, |p| p.alpha);
            assert_eq!(
                u128::from(supply.issued),
                u128::from(pool)
                    + staked
                    + u128::from(state.pending_emission(netuid).total())
                    + u128::from(state.root_unclaimed(netuid))
                    + u128::from(supply.burned),
                "alpha of subnet {netuid}"
            );
        }
    }
}
