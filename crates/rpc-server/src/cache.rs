//! Serialized metagraphs by block: every validator of a subnet asks for the same metagraph after
//! each block, and a block's state never changes, so the JSON is built once per block.

use plexus_primitives::{NetUid, H256};
use plexus_rpc::types::MetagraphOptions;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::sync::Mutex;

type Key = (H256, NetUid, bool, bool);

/// Above this many bytes held, the cache starts over (a 4096-uid metagraph with every weight
/// is tens of MiB).
const MAX_BYTES: usize = 64 * 1024 * 1024;

#[derive(Default)]
pub(crate) struct MetagraphCache {
    entries: Mutex<(BTreeMap<Key, Box<RawValue>>, usize)>,
}

impl MetagraphCache {
    /// The JSON of the metagraph of `netuid` at block `block`, built by `build` unless cached.
    /// `None` (no such subnet) is not cached.
    pub(crate) fn get_or_build<E>(
        &self,
        block: H256,
        netuid: NetUid,
        options: MetagraphOptions,
        build: impl FnOnce() -> Result<Option<Box<RawValue>>, E>,
    ) -> Result<Option<Box<RawValue>>, E> {
        let key = (block, netuid, options.weights, options.bonds);
        if let Ok(entries) = self.entries.lock() {
            if let Some(json) = entries.0.get(&key) {
                return Ok(Some(json.clone()));
            }
        }
        // Built outside the lock: concurrent misses may build twice, but never wait on each other.
        let Some(json) = build()? else {
            return Ok(None);
        };
        if let Ok(mut entries) = self.entries.lock() {
            let (map, bytes) = &mut *entries;
            // Entries of older blocks go first: they are asked for only with `at`.
            map.retain(|(hash, ..), _| *hash == block);
            *bytes = map.values().map(|j| j.get().len()).sum();
            if *bytes + json.get().len() > MAX_BYTES {
                map.clear();
                *bytes = 0;
            }
            *bytes += json.get().len();
            map.insert(key, json.clone());
        }
        Ok(Some(json))
    }
}
