//! A small chain shared by the targets: ten funded keys, one of them governing, and a subnet.

use plexus_primitives::{AccountId, RAO_PER_TAO};
use plexus_runtime::{Call, Chain, ChainParams, Genesis, SignedTransaction, Transaction};
use std::sync::OnceLock;

pub fn keypair(i: u8) -> schnorrkel::Keypair {
    schnorrkel::MiniSecretKey::from_bytes(&[i; 32])
        .expect("32 bytes")
        .expand_to_keypair(schnorrkel::ExpansionMode::Ed25519)
}

pub fn keys() -> &'static [schnorrkel::Keypair] {
    static KEYS: OnceLock<Vec<schnorrkel::Keypair>> = OnceLock::new();
    KEYS.get_or_init(|| (0..16).map(keypair).collect())
}

pub fn account(i: u8) -> AccountId {
    AccountId(keys()[usize::from(i) % keys().len()].public.to_bytes())
}

pub fn sign_call(chain: &Chain, signer: u8, nonce: u64, call: Call) -> SignedTransaction {
    let pair = &keys()[usize::from(signer) % keys().len()];
    let transaction = Transaction {
        signer: AccountId(pair.public.to_bytes()),
        nonce,
        genesis_hash: chain.genesis_hash(),
        valid_until: None,
        tip: 0,
        call,
    };
    transaction.sign(pair)
}

/// Block 1 of a chain where key 0 governs, keys 0..10 hold 1,000 TAO and key 1 owns subnet 1
/// (hotkey 11) with commit-reveal off and no rate limits.
pub fn base_chain() -> Chain {
    static CHAIN: OnceLock<Chain> = OnceLock::new();
    CHAIN
        .get_or_init(|| {
            let genesis = Genesis {
                chain_id: "fuzz".into(),
                timestamp: 1,
                governance: Some(account(0)),
                balances: (0..10).map(|i| (account(i), 1_000 * RAO_PER_TAO)).collect(),
                params: ChainParams {
                    network_rate_limit: 0,
                    network_min_lock: RAO_PER_TAO,
                    ..ChainParams::default()
                },
            };
            let mut chain = Chain::from_genesis(&genesis).expect("valid genesis");
            let txs = vec![
                sign_call(&chain, 1, 0, Call::RegisterNetwork { hotkey: account(11) }),
            ];
            let checked = plexus_runtime::check_batch(txs).expect("signed");
            chain.build_block(2, checked).expect("block 1");
            chain
        })
        .clone()
}
