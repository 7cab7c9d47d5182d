//! The API's JSON shapes, shared by the server (which serializes them) and the client (which
//! deserializes them).
//!
//! Conventions: hashes are `0x`-hex, accounts SS58 addresses, amounts in rao (TAO or alpha) are
//! decimal strings (a `u64` of rao does not fit a JavaScript number), block numbers, uids and
//! u16 proportions (parts of 65535) are plain numbers. Prices are given in rao per whole alpha
//! (10^9 is one TAO per alpha), rounded down. Fields are `snake_case`.
//!
//! These types are the RPC format; they mirror the runtime's records instead of reusing them
//! so that a change in the runtime cannot change the API without a change here.

mod accounts;
mod blocks;
mod encoding;
mod events;
mod subnets;
mod system;
mod transactions;

pub use accounts::*;
pub use blocks::*;
pub use encoding::{HexBytes, Rao};
pub use events::*;
pub use subnets::*;
pub use system::*;
pub use transactions::*;

#[cfg(test)]
mod tests {
    use super::*;
    use plexus_primitives::{AccountId, H256};
    use serde_json::json;

    const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

    fn alice() -> AccountId {
        AccountId::from_ss58(ALICE).unwrap_or(AccountId([0; 32]))
    }

    /// The wire format is the API: these shapes change only on purpose.
    #[test]
    fn test_json_shapes_are_frozen() {
        let record = EventRecord {
            phase: Phase::Transaction(2),
            event: Event::Transfer {
                from: alice(),
                to: alice(),
                amount: u64::MAX,
            },
        };
        assert_eq!(
            serde_json::to_value(&record).ok(),
            Some(json!({
                "phase": {"phase": "transaction", "index": 2},
                "event": {"event": "transfer", "from": ALICE, "to": ALICE,
                          "amount": "18446744073709551615"}
            }))
        );
        assert_eq!(
            serde_json::to_value(Phase::Initialization).ok(),
            Some(json!({"phase": "initialization"}))
        );
        assert_eq!(
            serde_json::to_value(TxProgress::Pending {
                hash: H256([1; 32])
            })
            .ok(),
            Some(json!({"status": "pending", "hash": format!("0x{}", "01".repeat(32))}))
        );
        assert_eq!(
            serde_json::to_value(BlockId::Number(7)).ok(),
            Some(json!(7))
        );
        assert_eq!(
            serde_json::to_value(HexBytes(vec![0xab, 0x01])).ok(),
            Some(json!("0xab01"))
        );
    }

    #[test]
    fn test_round_trips_and_strict_parsing() {
        let stake = StakeEntry {
            hotkey: alice(),
            netuid: 3,
            alpha: 5,
            tao_value: None,
        };
        let json = serde_json::to_string(&stake).unwrap_or_default();
        assert_eq!(serde_json::from_str::<StakeEntry>(&json).ok(), Some(stake));
        // Amounts are strings; a number is refused rather than silently rounded by a JS client.
        assert!(serde_json::from_value::<FeeEstimate>(
            json!({"fee": 1, "tip": "0", "total": "1", "encoded_len": 100})
        )
        .is_err());
        assert!(serde_json::from_str::<HexBytes>("\"ab01\"").is_err());
        assert_eq!(
            serde_json::from_str::<BlockId>(&format!("\"0x{}\"", "02".repeat(32))).ok(),
            Some(BlockId::Hash(H256([2; 32])))
        );
        assert!(serde_json::from_value::<MetagraphOptions>(json!({"weight": true})).is_err());
        assert_eq!(
            serde_json::from_value::<BlockId>(json!(12)).ok(),
            Some(BlockId::Number(12))
        );
        for bad in [json!(-1), json!(1.5), json!({}), json!("0x12"), json!(null)] {
            let error = serde_json::from_value::<BlockId>(bad.clone()).unwrap_err();
            assert!(
                error
                    .to_string()
                    .contains("expected a block number or a 0x-prefixed"),
                "{bad}: {error}"
            );
        }
    }
}
