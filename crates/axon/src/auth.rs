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

/// `bytes` as lowercase hex, through a table rather than a character iterator: every request
/// hexes its signature and its body hash.
pub(crate) fn hex_string(bytes: &[u8]) -> String {
    let mut out = vec![0u8; bytes.len() * 2];
    // The output is exactly twice the input: encoding cannot fail.
    let _ = hex::encode_to_slice(bytes, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// An sr25519 signature given as `0x`-hex; `None` when it is not 64 bytes of hex.
pub fn signature_hex(signature: &str) -> Option<Signature> {
    let mut bytes = [0u8; 64];
    hex::decode_to_slice(signature.trim_start_matches("0x"), &mut bytes).ok()?;
    Some(Signature(bytes))
}

/// Checks the signatures of requests arriving together as one batch, which costs well under
/// checking them one by one; a batch that fails is checked one by one, so a forged signature
/// costs its sender's request only. Nothing waits on a clock to fill a batch: the checker lets
/// the requests already under way run up to their signature (a few turns of the scheduler), then
/// takes whatever has queued, so a lone request is checked alone, at once. Under load batches
/// hold about 18 signatures (the axon bench at 64 in flight).
#[derive(Debug, Clone)]
pub struct Batcher(tokio::sync::mpsc::Sender<Check>);

#[derive(Debug)]
struct Check {
    verifier: Verifier,
    message: String,
    signature: Signature,
    answer: tokio::sync::oneshot::Sender<bool>,
}

impl Batcher {
    /// Signatures checked in one batch at most.
    const MAX_BATCH: usize = 64;

    /// Starts the checking task on the current runtime; it ends with the last clone.
    pub fn start() -> Self {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Check>(1024);
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(Self::MAX_BATCH);
            while rx.recv_many(&mut batch, Self::MAX_BATCH).await > 0 {
                // Let the requests already under way reach this queue before it is checked.
                for _ in 0..4 {
                    tokio::task::yield_now().await;
                }
                let room = Self::MAX_BATCH - batch.len();
                if room > 0 && !rx.is_empty() {
                    rx.recv_many(&mut batch, room).await;
                }
                let items: Vec<(&Verifier, &[u8], &Signature)> = batch
                    .iter()
                    .map(|c| (&c.verifier, c.message.as_bytes(), &c.signature))
                    .collect();
                let all = items.len() > 1 && Verifier::verify_all(&items);
                drop(items);
                for check in batch.drain(..) {
                    let valid = all
                        || check
                            .verifier
                            .verify(check.message.as_bytes(), &check.signature);
                    // The request may have been given up on meanwhile.
                    let _ = check.answer.send(valid);
                }
            }
        });
        Self(tx)
    }

    /// Whether `signature` is `verifier`'s signature of `message`.
    pub async fn verify(&self, verifier: Verifier, message: String, signature: Signature) -> bool {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let check = Check {
            verifier,
            message,
            signature,
            answer,
        };
        if self.0.send(check).await.is_err() {
            return false;
        }
        answered.await.unwrap_or(false)
    }
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

    #[tokio::test]
    async fn test_a_forged_signature_in_a_batch_fails_alone() {
        let batcher = Batcher::start();
        let checks = (0..20u8).map(|i| {
            let pair =
                plexus_keys::Keypair::from_seed(plexus_keys::CryptoType::Sr25519, &[i + 1; 32]);
            let account = pair.account();
            let message = format!("request {i}");
            let signed = if i == 7 { "forged" } else { message.as_str() };
            let signature = Signature(pair.sign(signed.as_bytes()).0);
            let batcher = batcher.clone();
            async move {
                let verifier = Verifier::new(&account).unwrap();
                batcher.verify(verifier, message, signature).await
            }
        });
        // Sent together, they are checked in batches; only the forged one fails.
        let valid = futures::future::join_all(checks).await;
        for (i, valid) in valid.into_iter().enumerate() {
            assert_eq!(valid, i != 7, "request {i}");
        }
    }

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
