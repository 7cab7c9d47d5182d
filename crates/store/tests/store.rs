//! The store against a real chain: commit, reopen, history, pruning, and crash safety with a
//! child process killed at random moments.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use plexus_primitives::{AccountId, RAO_PER_TAO};
use plexus_runtime::{
    check_batch, Block, BlockOutcome, Call, Chain, ChainParams, Genesis, SignedTransaction,
    Transaction,
};
use plexus_store::{Retention, Store, StoreError};
use std::path::Path;
use std::time::Duration;

fn keypair(i: u8) -> schnorrkel::Keypair {
    schnorrkel::MiniSecretKey::from_bytes(&[i; 32])
        .unwrap()
        .expand_to_keypair(schnorrkel::ExpansionMode::Ed25519)
}

fn account(i: u8) -> AccountId {
    AccountId(keypair(i).public.to_bytes())
}

fn genesis() -> Chain {
    Chain::from_genesis(&Genesis {
        chain_id: "store-test".into(),
        timestamp: 1,
        governance: Some(account(0)),
        balances: (0..10)
            .map(|i| (account(i), 10_000 * RAO_PER_TAO))
            .collect(),
        params: ChainParams {
            network_rate_limit: 0,
            network_min_lock: RAO_PER_TAO,
            ..ChainParams::default()
        },
        group_key: None,
        epoch_length: None,
        consensus: None,
    })
    .unwrap()
}

fn tx(chain: &Chain, signer: u8, call: Call) -> SignedTransaction {
    let transaction = Transaction {
        signer: account(signer),
        nonce: chain.next_nonce(&account(signer)),
        genesis_hash: chain.genesis_hash(),
        valid_until: None,
        tip: 0,
        call,
    };
    transaction.sign(&keypair(signer))
}

/// Block `n` of a varied history: transfers every block, a subnet early, then registrations
/// and stake, so blocks write and remove all kinds of entries.
fn next_block(chain: &mut Chain) -> (Block, BlockOutcome) {
    let n = chain.head().number + 1;
    let signer = 1 + (n % 9) as u8;
    let mut txs = vec![tx(
        chain,
        signer,
        Call::Transfer {
            dest: account(1 + ((n + 3) % 9) as u8),
            value: RAO_PER_TAO + n,
        },
    )];
    match n {
        2 => txs.push(tx(
            chain,
            9,
            Call::RegisterNetwork {
                hotkey: account(50),
            },
        )),
        3 => txs.push(tx(chain, 9, Call::StartCall { netuid: 1 })),
        n if n > 3 && n % 3 == 0 => txs.push(tx(
            chain,
            (n % 7) as u8 + 1,
            Call::BurnedRegister {
                netuid: 1,
                hotkey: account(60 + (n % 40) as u8),
            },
        )),
        n if n > 3 && n % 3 == 1 => txs.push(tx(
            chain,
            (n % 5) as u8 + 2,
            Call::AddStake {
                hotkey: account(50),
                netuid: 1,
                amount: RAO_PER_TAO,
            },
        )),
        _ => {}
    }
    chain
        .build_block(
            1 + n * 1_000,
            check_batch(txs, &chain.check_context()).unwrap(),
        )
        .unwrap()
}

fn build(store: &Store, chain: &mut Chain, blocks: u64) -> Vec<Block> {
    (0..blocks)
        .map(|_| {
            let (block, outcome) = next_block(chain);
            store.commit(&block, &outcome, None).unwrap();
            block
        })
        .collect()
}

#[test]
fn test_reopened_store_resumes_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain.redb");
    let mut chain = genesis();
    let blocks = {
        let store = Store::open(&path, Retention::Archive).unwrap();
        assert!(store.load().unwrap().is_none());
        store.init(&chain).unwrap();
        build(&store, &mut chain, 30)
    };
    let store = Store::open(&path, Retention::Archive).unwrap();
    store.init(&chain).unwrap();
    let mut loaded = store.load().unwrap().unwrap();
    assert_eq!(loaded.head(), chain.head());
    assert_eq!(loaded.genesis_hash(), chain.genesis_hash());
    // Both continue identically.
    let (block, outcome) = next_block(&mut chain);
    loaded.apply_block(&block).unwrap();
    store.commit(&block, &outcome, None).unwrap();
    assert_eq!(loaded.head(), chain.head());
    // Blocks, hashes, transactions and events are all there.
    assert_eq!(store.block(5).unwrap().unwrap(), blocks[4]);
    assert_eq!(store.height_of(&blocks[4].header.hash()).unwrap(), Some(5));
    let first = &blocks[6].transactions[0];
    let (height, index, found) = store.transaction(&first.hash()).unwrap().unwrap();
    assert_eq!((height, index, &found), (7, 0, first));
    assert!(!store.events(7).unwrap().unwrap().is_empty());
}

#[test]
fn test_finality_proofs_are_kept_with_their_blocks_across_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.redb");
    let mut chain = genesis();
    {
        let store = Store::open(&path, Retention::Recent { heights: 2 }).unwrap();
        store.init(&chain).unwrap();
        let (block, outcome) = next_block(&mut chain);
        store.commit(&block, &outcome, Some(b"proof one")).unwrap();
        let (block, outcome) = next_block(&mut chain);
        store.commit(&block, &outcome, None).unwrap();
        // A redelivery never replaces what is stored.
        store.commit(&block, &outcome, Some(b"late")).unwrap();
        for _ in 0..4 {
            let (block, outcome) = next_block(&mut chain);
            store.commit(&block, &outcome, Some(b"more")).unwrap();
        }
    }
    let store = Store::open(&path, Retention::Recent { heights: 2 }).unwrap();
    assert_eq!(store.finality(0).unwrap(), None);
    assert_eq!(
        store.finality(1).unwrap().as_deref(),
        Some(&b"proof one"[..])
    );
    assert_eq!(store.finality(2).unwrap(), None);
    assert_eq!(store.finality(6).unwrap().as_deref(), Some(&b"more"[..]));
    assert_eq!(store.finality(7).unwrap(), None);
}

#[test]
fn test_redelivery_is_idempotent_and_gaps_or_forks_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("c.redb"), Retention::Archive).unwrap();
    let mut chain = genesis();
    store.init(&chain).unwrap();
    let (block, outcome) = next_block(&mut chain);
    store.commit(&block, &outcome, None).unwrap();
    store.commit(&block, &outcome, None).unwrap();
    assert_eq!(store.head_height().unwrap(), Some(1));
    let mut fork = block.clone();
    fork.header.timestamp += 1;
    assert!(matches!(
        store.commit(&fork, &outcome, None),
        Err(StoreError::Conflict { height: 1, .. })
    ));
    let (_, _) = next_block(&mut chain);
    let (skipped, outcome) = next_block(&mut chain);
    assert!(matches!(
        store.commit(&skipped, &outcome, None),
        Err(StoreError::NotNext { head: 1, got: 3 })
    ));
    let other = Chain::from_genesis(&Genesis {
        chain_id: "another".into(),
        ..serde_free_genesis()
    })
    .unwrap();
    assert!(matches!(
        store.init(&other),
        Err(StoreError::WrongChain { .. })
    ));
}

fn serde_free_genesis() -> Genesis {
    Genesis {
        chain_id: "store-test".into(),
        timestamp: 1,
        governance: None,
        balances: Vec::new(),
        params: ChainParams::default(),
        group_key: None,
        epoch_length: None,
        consensus: None,
    }
}

#[test]
fn test_state_at_every_height_matches_its_header() {
    let dir = tempfile::tempdir().unwrap();
    let mut chain = genesis();
    let archive = Store::open(&dir.path().join("a.redb"), Retention::Archive).unwrap();
    let recent = Store::open(&dir.path().join("r.redb"), Retention::Recent { heights: 5 }).unwrap();
    archive.init(&chain).unwrap();
    recent.init(&chain).unwrap();
    for _ in 0..25 {
        let (block, outcome) = next_block(&mut chain);
        archive.commit(&block, &outcome, None).unwrap();
        recent.commit(&block, &outcome, None).unwrap();
    }
    for height in 0..=25 {
        let (_, root) = archive.state_at(height).unwrap();
        assert_eq!(
            root,
            archive.header(height).unwrap().unwrap().state_root,
            "{height}"
        );
    }
    for height in 20..=25 {
        let (_, root) = recent.state_at(height).unwrap();
        assert_eq!(root, recent.header(height).unwrap().unwrap().state_root);
    }
    assert!(matches!(
        recent.state_at(10),
        Err(StoreError::Pruned { height: 10, .. })
    ));
    assert!(matches!(
        recent.state_at(26),
        Err(StoreError::Future {
            height: 26,
            head: 25
        })
    ));
}

/// The child side of the crash test: commit blocks as fast as possible until killed.
fn run_child(path: &Path) {
    let store = Store::open(path, Retention::Recent { heights: 50 }).unwrap();
    let mut chain = match store.load().unwrap() {
        Some(chain) => chain,
        None => {
            let chain = genesis();
            store.init(&chain).unwrap();
            chain
        }
    };
    loop {
        let (block, outcome) = next_block(&mut chain);
        store.commit(&block, &outcome, None).unwrap();
    }
}

#[test]
fn test_killed_writer_always_restarts_consistently() {
    if let Ok(path) = std::env::var("PLEXUS_STORE_CRASH_CHILD") {
        run_child(Path::new(&path));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.redb");
    let exe = std::env::current_exe().unwrap();
    let mut last_height = 0;
    let mut seed = 0x9e37_79b9u64;
    for round in 0..20 {
        let mut child = std::process::Command::new(&exe)
            .args([
                "--exact",
                "test_killed_writer_always_restarts_consistently",
                "--nocapture",
            ])
            .env("PLEXUS_STORE_CRASH_CHILD", &path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_millis(100 + seed % 400));
        child.kill().unwrap();
        child.wait().unwrap();

        let store = Store::open(&path, Retention::Recent { heights: 50 }).unwrap();
        let Some(chain) = store.load().unwrap() else {
            continue;
        };
        let height = chain.head().number;
        assert!(height >= last_height, "round {round}: head went back");
        last_height = height;
        // Every stored block replays from genesis to the stored head and its root.
        let mut replay = genesis();
        for h in 1..=height {
            replay
                .apply_block(&store.block(h).unwrap().unwrap())
                .unwrap();
        }
        assert_eq!(replay.head(), chain.head(), "round {round}");
    }
    assert!(last_height > 0, "the writer made progress");
}

#[test]
fn test_each_accounts_transactions_are_indexed_newest_first_and_page() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain.redb");
    let mut chain = genesis();
    let blocks = {
        let store = Store::open(&path, Retention::Archive).unwrap();
        store.init(&chain).unwrap();
        build(&store, &mut chain, 30)
    };
    let store = Store::open(&path, Retention::Archive).unwrap();
    // A plain account: what it signed and the transfers it received.
    let who = account(4);
    let mut expected: Vec<(u64, u32)> = Vec::new();
    for block in &blocks {
        for (index, tx) in block.transactions.iter().enumerate() {
            let received = matches!(tx.call(), Call::Transfer { dest, .. } if *dest == who);
            if tx.signer() == who || received {
                expected.push((block.header.number, index as u32));
            }
        }
    }
    expected.reverse();
    assert!(expected.len() > 4, "{expected:?}");
    assert_eq!(
        store.account_transactions(&who, None, 1000).unwrap(),
        expected
    );
    // Pages of three, each starting below the last one seen.
    let mut paged = Vec::new();
    let mut before = None;
    loop {
        let page = store.account_transactions(&who, before, 3).unwrap();
        assert!(page.len() <= 3);
        let Some(last) = page.last().copied() else {
            break;
        };
        paged.extend(page);
        before = Some(last);
    }
    assert_eq!(paged, expected);
    // A hotkey named only in events: every stake added to it.
    let staked: Vec<(u64, u32)> = blocks
        .iter()
        .flat_map(|block| {
            block
                .transactions
                .iter()
                .enumerate()
                .filter(|(_, tx)| matches!(tx.call(), Call::AddStake { .. }))
                .map(|(index, _)| (block.header.number, index as u32))
        })
        .collect();
    assert!(!staked.is_empty());
    let hotkey = store
        .account_transactions(&account(50), None, 1000)
        .unwrap();
    for location in &staked {
        assert!(hotkey.contains(location), "{location:?} in {hotkey:?}");
    }
    // Nobody else's.
    assert!(store
        .account_transactions(&account(200), None, 10)
        .unwrap()
        .is_empty());
}
