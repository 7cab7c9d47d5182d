//! Arbitrary bytes against `apply_block`, two ways:
//!
//! * as an encoded block from the network: applying it never panics, and a rejected block
//!   leaves the chain exactly as it was;
//! * as a list of `(signer, call)` pairs that the fuzzer's own keys sign: a proposer builds a
//!   block from them, a second node applies that block and must reach the same head, and total
//!   issuance never grows.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use parity_scale_codec::DecodeLimit;
use plexus_runtime::{check_batch, Block, Call};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        let Ok(block) = Block::decode_with_depth_limit(16, &mut &rest[..]) else {
            return;
        };
        let mut chain = common::base_chain();
        let before = (chain.head().clone(), chain.state().entry_count());
        if chain.apply_block(&block).is_err() {
            assert_eq!((chain.head().clone(), chain.state().entry_count()), before);
        }
        return;
    }
    let Ok(calls) = Vec::<(u8, Call)>::decode_with_depth_limit(16, &mut &rest[..]) else {
        return;
    };
    let mut proposer = common::base_chain();
    let mut verifier = common::base_chain();
    let issuance = proposer.state().total_issuance();
    let mut nonces = [0u64; 16];
    let txs = calls
        .into_iter()
        .take(64)
        .map(|(signer, call)| {
            let slot = usize::from(signer) % 16;
            let nonce = proposer.next_nonce(&common::account(signer)) + nonces[slot];
            nonces[slot] += 1;
            common::sign_call(&proposer, signer, nonce, call)
        })
        .collect();
    let checked = check_batch(txs).expect("the fuzzer's own signatures are valid");
    let (block, _) = proposer.build_block(3, checked).expect("a proposer's block");
    verifier.apply_block(&block).expect("the verifier accepts the proposer's block");
    assert_eq!(verifier.head(), proposer.head());
    assert!(proposer.state().total_issuance() <= issuance);
});

