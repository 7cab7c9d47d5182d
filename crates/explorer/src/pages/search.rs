//! Search: where a query leads.

use super::PageError;
use crate::html::ROOT_NETUID;
use plexus_primitives::{AccountId, H256};
use plexus_rpc::types::BlockId;
use plexus_rpc::Client;

/// Where a search goes: `sn3` or `subnet 3` for a subnet (`root` or `sn0` for root), a number
/// for a block, a 0x-hash for a block or else a transaction, an address for an account.
pub(crate) async fn search(client: &Client, query: &str) -> Result<String, PageError> {
    let q = query.trim();
    let lower = q.to_ascii_lowercase();
    if lower == "root" {
        return Ok("/root".into());
    }
    for prefix in ["sn", "subnet ", "subnet", "netuid "] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            if let Ok(netuid) = rest.trim().parse::<u16>() {
                if netuid == ROOT_NETUID {
                    return Ok("/root".into());
                }
                return Ok(format!("/subnet/{netuid}"));
            }
        }
    }
    if let Ok(height) = q.parse::<u64>() {
        return Ok(format!("/block/{height}"));
    }
    if let Ok(hash) = H256::from_hex(q) {
        if client.block(BlockId::Hash(hash)).await?.is_some() {
            return Ok(format!("/block/{hash}"));
        }
        return Ok(format!("/tx/{hash}"));
    }
    if let Ok(account) = AccountId::from_ss58(q) {
        return Ok(format!("/account/{account}"));
    }
    Err(PageError::NotFound(format!(
        "nothing matches {q:?}: try a block height, a block or transaction hash, an address, or sn<netuid>"
    )))
}
