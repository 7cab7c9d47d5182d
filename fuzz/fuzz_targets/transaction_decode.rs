//! Arbitrary bytes as a wire transaction: decoding never panics, a decoded transaction
//! re-encodes to exactly the input (one byte form per transaction), and checking and
//! validating it against a live chain never panic.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use parity_scale_codec::Encode;
use plexus_runtime::SignedTransaction;

fuzz_target!(|data: &[u8]| {
    let Ok(tx) = SignedTransaction::decode_bytes(data, 64 * 1024) else {
        return;
    };
    assert_eq!(tx.encode(), data);
    if let Ok(checked) = tx.check() {
        let mut chain = common::base_chain();
        let _ = chain.validate_transaction(&checked);
    }
});
