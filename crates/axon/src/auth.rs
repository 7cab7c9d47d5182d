//! Who sent a request, and whether it is fresh: the signed message, and nonces remembered in
//! bounded memory.

use plexus_primitives::{AccountId, Signature, Verifier};
use std::collections::{BTreeMap, HashMap};

/// Nonces may be this much older than now, plus the request's own timeout (nanoseconds).
pub const ALLOWED_DELTA_NS: u64 = 4_000_000_000;

/// The message a dendrite signs: `"{nonce}.{dendrite hotkey}.{axon hotkey}.{uuid}.{body hash}"`,
/// the hotkeys as SS58 addresses exactly as the headers carry them.
pub fn request_message(
    nonce: u64,
    dendrite: &str,
    axon: &str,
    uuid: &str,
    body_hash: &str,
) -> String {
    format!("{nonce}.{dendrite}.{axon}.{uuid}.{body_hash}")
}

/// Checks an sr25519 signature given as `0x`-hex.
pub fn verify_hex(signer: &Verifier, message: &str, signature: &str) -> bool {
    let mut bytes = [0u8; 64];
    if hex::decode_to_slice(signature.trim_start_matches("0x"), &mut bytes).is_err() {
        return false;
    }
    signer.verify(message.as_bytes(), &Signature(bytes))
}

/// Callers' public keys ready to check signatures, so each caller's key is decompressed once
/// rather than on every request; at most `CAPACITY`, forgotten all at once when full (a
/// forgotten caller pays the decompression again, nothing more).
#[derive(Debug, Default)]
pub struct Verifiers(HashMap<AccountId, Verifier>);

impl Verifiers {
    const CAPACITY: usize = 65_536;

    /// The verifier of `hotkey`; `None` when it is not a valid sr25519 public key.
    pub fn get(&mut self, hotkey: &AccountId) -> Option<Verifier> {
        if let Some(verifier) = self.0.get(hotkey) {
            return Some(verifier.clone());
        }
        let verifier = Verifier::new(hotkey)?;
        if self.0.len() >= Self::CAPACITY {
            self.0.clear();
        }
        self.0.insert(*hotkey, verifier.clone());
        Some(verifier)
    }
}

/// Why a nonce is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NonceError {
    /// Older than the freshness window allows.
    #[error(
        "Nonce is too old: acceptable delta is {allowed_s:.2} seconds but request was {age_s:.2} seconds old"
    )]
    Stale {
        /// The window, seconds.
        allowed_s: f64,
        /// How old it was, seconds.
        age_s: f64,
    },
    /// Not greater than the last one accepted from the same caller.
    #[error("Nonce is too old, a newer one was last processed")]
    Replayed,
}

/// The newest nonce accepted per (hotkey, uuid), in bounded memory.
///
/// Python's axon keeps every caller forever. Here at most `capacity` callers are kept; when
/// full, the caller whose last nonce is oldest is forgotten and that nonce becomes a floor: a
/// caller the tracker does not remember must present a nonce above the floor. So forgetting
/// never reopens a replay (every nonce a forgotten caller used is at or below the floor), and a
/// new caller, whose nonce is the current time, is not affected unless `capacity` callers were
/// all active more recently than it.
#[derive(Debug)]
pub struct NonceTracker {
    capacity: usize,
    floor: u64,
    newest: HashMap<(AccountId, String), u64>,
    by_age: BTreeMap<(u64, AccountId, String), ()>,
}

impl NonceTracker {
    /// A tracker remembering at most `capacity` callers.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            floor: 0,
            newest: HashMap::new(),
            by_age: BTreeMap::new(),
        }
    }

    /// Callers remembered now.
    pub fn len(&self) -> usize {
        self.newest.len()
    }

    /// Whether no caller is remembered.
    pub fn is_empty(&self) -> bool {
        self.newest.is_empty()
    }

    /// Accepts `nonce` from (hotkey, uuid) at time `now_ns` if it is fresh and newer than the
    /// last one accepted from that caller, and remembers it.
    pub fn accept(
        &mut self,
        hotkey: AccountId,
        uuid: &str,
        nonce: u64,
        now_ns: u64,
        timeout_ns: u64,
    ) -> Result<(), NonceError> {
        let key = (hotkey, uuid.to_string());
        let window = ALLOWED_DELTA_NS.saturating_add(timeout_ns);
        match self.newest.get(&key) {
            Some(last) if nonce <= *last => return Err(NonceError::Replayed),
            Some(_) => {}
            None => {
                if nonce <= self.floor {
                    return Err(NonceError::Replayed);
                }
                if nonce.saturating_add(window) < now_ns {
                    return Err(NonceError::Stale {
                        allowed_s: window as f64 / 1e9,
                        age_s: now_ns.saturating_sub(nonce) as f64 / 1e9,
                    });
                }
            }
        }
        if let Some(previous) = self.newest.insert(key.clone(), nonce) {
            self.by_age.remove(&(previous, key.0, key.1.clone()));
        }
        self.by_age.insert((nonce, key.0, key.1), ());
        while self.newest.len() > self.capacity {
            let Some(((oldest, hotkey, uuid), ())) = self.by_age.pop_first() else {
                break;
            };
            self.floor = self.floor.max(oldest);
            self.newest.remove(&(hotkey, uuid));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000_000_000;

    #[test]
    fn test_fresh_then_strictly_increasing() {
        let mut nonces = NonceTracker::new(10);
        let who = AccountId([1; 32]);
        let now = 100 * S;
        assert!(nonces.accept(who, "u", now - S, now, 12 * S).is_ok());
        assert_eq!(
            nonces.accept(who, "u", now - S, now, 12 * S),
            Err(NonceError::Replayed)
        );
        assert_eq!(
            nonces.accept(who, "u", now - 2 * S, now, 12 * S),
            Err(NonceError::Replayed)
        );
        assert!(nonces.accept(who, "u", now, now, 12 * S).is_ok());
        // Another uuid of the same hotkey is another caller; too old is refused.
        assert!(matches!(
            nonces.accept(who, "v", now - 17 * S, now, 12 * S),
            Err(NonceError::Stale { .. })
        ));
        assert!(nonces.accept(who, "v", now - 15 * S, now, 12 * S).is_ok());
    }

    #[test]
    fn test_memory_is_bounded_and_drops_the_oldest() {
        let mut nonces = NonceTracker::new(3);
        let now = 100 * S;
        for i in 0..10u8 {
            let who = AccountId([i; 32]);
            nonces.accept(who, "u", now + u64::from(i), now, 0).unwrap();
            assert!(nonces.len() <= 3);
        }
        assert_eq!(nonces.len(), 3);
        // The newest callers are still remembered, so their replays still fail; a forgotten
        // caller's old nonce is below the floor and fails too; a new caller gets in.
        assert_eq!(
            nonces.accept(AccountId([9; 32]), "u", now + 9, now, 0),
            Err(NonceError::Replayed)
        );
        assert_eq!(
            nonces.accept(AccountId([0; 32]), "u", now, now, 0),
            Err(NonceError::Replayed)
        );
        assert!(nonces
            .accept(AccountId([42; 32]), "u", now + 20, now, 0)
            .is_ok());
    }
}
