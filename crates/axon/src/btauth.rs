//! `btauth/1`, Bittensor 11's request authentication: any HTTP request signed by the sender's
//! hotkey over its method, target, body, a nanosecond nonce and the receiver's hotkey.
//!
//! The signed payload is the newline-joined `btauth/1`, the scheme, the upper-case method, the
//! request target as sent (path and query), the lowercase hex SHA-256 of the raw body, the
//! decimal nonce, the sender's SS58 and the receiver's SS58 (or `-`). Checks run in the
//! reference's order: header shape, receiver, freshness, signature, replay; a replay is
//! recorded only after the signature verifies, so strangers cannot fill the memory of a real
//! sender's nonces.

use plexus_keys::{CryptoType, Keypair, PublicKey, Signature};
use plexus_primitives::AccountId;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

/// The protocol's name, first line of the payload.
pub const PROTOCOL: &str = "btauth/1";
/// Requests may be this old (nanoseconds).
pub const MAX_AGE_NS: u64 = 10_000_000_000;
/// Requests may be this far in the future, for clock drift (nanoseconds).
pub const ALLOWED_SKEW_NS: u64 = 2_000_000_000;

/// `X-Bittensor-Version`, whose presence marks a btauth/1 request.
pub const HEADER_VERSION: &str = "x-bittensor-version";
/// The sender's SS58 hotkey.
pub const HEADER_HOTKEY: &str = "x-bittensor-hotkey";
/// The receiver's SS58 hotkey.
pub const HEADER_RECEIVER: &str = "x-bittensor-receiver";
/// The nonce, nanoseconds since the Unix epoch.
pub const HEADER_NONCE: &str = "x-bittensor-nonce";
/// The scheme, sent only when it is not sr25519.
pub const HEADER_CRYPTO: &str = "x-bittensor-crypto";
/// The `0x`-hex signature.
pub const HEADER_SIGNATURE: &str = "x-bittensor-signature";

/// Why a request is not authenticated; the names are the reference's exception classes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BtAuthError {
    /// A header is missing or malformed.
    #[error("MalformedAuth: {0}")]
    Malformed(String),
    /// Signed for another receiver, or for none when one is required.
    #[error("WrongReceiver: {0}")]
    WrongReceiver(String),
    /// Outside the freshness window.
    #[error("StaleRequest: {0}")]
    Stale(String),
    /// The signature does not verify.
    #[error("BadSignature: signature does not verify against the claimed hotkey")]
    BadSignature,
    /// This (hotkey, nonce) was accepted before.
    #[error("ReplayedRequest: this nonce was already accepted from this hotkey")]
    Replayed,
}

fn scheme_name(crypto: CryptoType) -> &'static str {
    match crypto {
        CryptoType::Sr25519 => "sr25519",
        CryptoType::Ed25519 => "ed25519",
    }
}

/// The exact bytes that are signed.
pub fn payload(
    crypto: CryptoType,
    method: &str,
    target: &str,
    body: &[u8],
    nonce: u64,
    sender: &AccountId,
    receiver: Option<&AccountId>,
) -> String {
    let receiver = receiver.map_or_else(|| "-".to_string(), AccountId::to_ss58);
    format!(
        "{PROTOCOL}\n{}\n{}\n{target}\n{}\n{nonce}\n{sender}\n{receiver}",
        scheme_name(crypto),
        method.to_ascii_uppercase(),
        crate::auth::hex_string(&Sha256::digest(body)),
    )
}

/// The headers that authenticate a request from `keypair` to `receiver`.
pub fn sign(
    keypair: &Keypair,
    method: &str,
    target: &str,
    body: &[u8],
    receiver: Option<&AccountId>,
    nonce: u64,
) -> Vec<(&'static str, String)> {
    let me = keypair.account();
    let message = payload(keypair.crypto(), method, target, body, nonce, &me, receiver);
    let mut headers = vec![
        (HEADER_VERSION, "1".to_string()),
        (HEADER_HOTKEY, me.to_ss58()),
        (HEADER_NONCE, nonce.to_string()),
        (
            HEADER_SIGNATURE,
            format!(
                "0x{}",
                crate::auth::hex_string(&keypair.sign(message.as_bytes()).0)
            ),
        ),
    ];
    if keypair.crypto() != CryptoType::Sr25519 {
        headers.push((HEADER_CRYPTO, scheme_name(keypair.crypto()).to_string()));
    }
    if let Some(receiver) = receiver {
        headers.push((HEADER_RECEIVER, receiver.to_ss58()));
    }
    headers
}

/// A request's claims, read from its headers before the body arrives.
#[derive(Debug, Clone)]
pub struct Claims {
    /// The sender's hotkey.
    pub hotkey: AccountId,
    /// The nonce.
    pub nonce: u64,
    crypto: CryptoType,
    receiver: Option<AccountId>,
    signature: Signature,
}

/// Reads and checks everything in the headers: shape, receiver (`me`; required unless
/// `require_receiver` is false) and freshness at `now_ns`. `header` looks a header up by its
/// lowercase name.
pub fn claims<'a>(
    header: impl Fn(&str) -> Option<&'a str>,
    me: &AccountId,
    require_receiver: bool,
    now_ns: u64,
) -> Result<Claims, BtAuthError> {
    let malformed = |why: &str| BtAuthError::Malformed(why.to_string());
    if header(HEADER_VERSION) != Some("1") {
        return Err(malformed(
            "missing or unsupported X-Bittensor-Version (expected '1')",
        ));
    }
    let hotkey = header(HEADER_HOTKEY).ok_or_else(|| malformed("missing X-Bittensor-Hotkey"))?;
    let nonce = header(HEADER_NONCE)
        .ok_or_else(|| malformed("missing X-Bittensor-Nonce"))?
        .parse::<u64>()
        .map_err(|_| malformed("X-Bittensor-Nonce is not a decimal integer"))?;
    let crypto = match header(HEADER_CRYPTO).unwrap_or("sr25519") {
        "sr25519" => CryptoType::Sr25519,
        "ed25519" => CryptoType::Ed25519,
        _ => return Err(malformed("unsupported X-Bittensor-Crypto")),
    };
    let signature =
        header(HEADER_SIGNATURE).ok_or_else(|| malformed("missing X-Bittensor-Signature"))?;
    let signature = hex::decode(signature.strip_prefix("0x").unwrap_or(signature))
        .map_err(|_| malformed("X-Bittensor-Signature is not hex"))?;
    let receiver = match header(HEADER_RECEIVER) {
        None if require_receiver => {
            return Err(BtAuthError::WrongReceiver(
                "missing X-Bittensor-Receiver: this server requires receiver-bound requests".into(),
            ))
        }
        None => None,
        Some(text) if text == me.to_ss58() => Some(*me),
        Some(_) => {
            return Err(BtAuthError::WrongReceiver(
                "request was signed for a different receiving hotkey".into(),
            ))
        }
    };
    if now_ns.saturating_sub(nonce) > MAX_AGE_NS {
        return Err(BtAuthError::Stale(
            "nonce is older than the 10s freshness window".into(),
        ));
    }
    if nonce.saturating_sub(now_ns) > ALLOWED_SKEW_NS {
        return Err(BtAuthError::Stale(
            "nonce is more than 2s in the future".into(),
        ));
    }
    let invalid = || malformed("invalid hotkey address or signature encoding");
    let hotkey = AccountId::from_ss58(hotkey).map_err(|_| invalid())?;
    let signature = Signature(<[u8; 64]>::try_from(signature.as_slice()).map_err(|_| invalid())?);
    Ok(Claims {
        hotkey,
        nonce,
        crypto,
        receiver,
        signature,
    })
}

impl Claims {
    /// Checks the signature over the request's method, target and raw body.
    pub fn verify(&self, method: &str, target: &str, body: &[u8]) -> Result<(), BtAuthError> {
        let message = payload(
            self.crypto,
            method,
            target,
            body,
            self.nonce,
            &self.hotkey,
            self.receiver.as_ref(),
        );
        let key = PublicKey {
            crypto: self.crypto,
            account: self.hotkey,
        };
        if key.verify(message.as_bytes(), &self.signature) {
            Ok(())
        } else {
            Err(BtAuthError::BadSignature)
        }
    }
}

/// The (hotkey, nonce) pairs accepted within the freshness window, in bounded memory.
///
/// Pairs older than the window are forgotten (freshness refuses them anyway). When more than
/// `capacity` are fresh, the oldest is forgotten and its nonce becomes a floor at or below
/// which every nonce is refused, so forgetting never reopens a replay.
#[derive(Debug)]
pub struct ReplayGuard {
    capacity: usize,
    floor: u64,
    seen: BTreeSet<(u64, AccountId)>,
}

impl ReplayGuard {
    /// A guard remembering at most `capacity` pairs.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            floor: 0,
            seen: BTreeSet::new(),
        }
    }

    /// Pairs remembered now.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// Whether no pair is remembered.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    /// Records a verified request's pair, refusing one seen before.
    pub fn accept(&mut self, claims: &Claims, now_ns: u64) -> Result<(), BtAuthError> {
        let oldest_fresh = now_ns.saturating_sub(MAX_AGE_NS);
        while self
            .seen
            .first()
            .is_some_and(|(nonce, _)| *nonce < oldest_fresh)
        {
            self.seen.pop_first();
        }
        if claims.nonce <= self.floor || !self.seen.insert((claims.nonce, claims.hotkey)) {
            return Err(BtAuthError::Replayed);
        }
        while self.seen.len() > self.capacity {
            if let Some((nonce, _)) = self.seen.pop_first() {
                self.floor = self.floor.max(nonce);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::collections::HashMap;

    fn key(uri: &str) -> Keypair {
        Keypair::from_uri(CryptoType::Sr25519, uri).unwrap()
    }

    /// The specification's example, byte for byte.
    #[test]
    fn test_payload_matches_the_reference_example() {
        let alice = key("//Alice").account();
        let bob = key("//Bob").account();
        let text = payload(
            CryptoType::Sr25519,
            "post",
            "/generate",
            br#"{"prompt": "hello"}"#,
            1_700_000_000_000_000_000,
            &alice,
            Some(&bob),
        );
        assert_eq!(
            text,
            "btauth/1\nsr25519\nPOST\n/generate\n\
             341c57448e531310fbbe83f44cea2a5e838bd9e8a6b82b269f01d0dbbc23c3cc\n\
             1700000000000000000\n\
             5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY\n\
             5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
        );
    }

    fn headers(list: &[(&'static str, String)]) -> HashMap<&'static str, String> {
        list.iter().cloned().collect()
    }

    fn get<'a>(h: &'a HashMap<&'static str, String>) -> impl Fn(&str) -> Option<&'a str> {
        move |name| h.get(name).map(String::as_str)
    }

    #[test]
    fn test_checks_run_in_the_reference_order() {
        let alice = key("//Alice");
        let bob = key("//Bob").account();
        let now = 1_800_000_000_000_000_000;
        let body = b"{\"x\": 1}";
        let signed = headers(&sign(&alice, "POST", "/Double", body, Some(&bob), now));
        let ok = claims(get(&signed), &bob, true, now).unwrap();
        assert_eq!(ok.hotkey, alice.account());
        ok.verify("POST", "/Double", body).unwrap();
        assert_eq!(
            ok.verify("POST", "/Double", b"{\"x\": 2}"),
            Err(BtAuthError::BadSignature)
        );
        assert_eq!(
            ok.verify("POST", "/Double?x=1", body),
            Err(BtAuthError::BadSignature)
        );
        // Signed for Bob, checked by Charlie.
        let charlie = key("//Charlie").account();
        assert!(matches!(
            claims(get(&signed), &charlie, true, now),
            Err(BtAuthError::WrongReceiver(_))
        ));
        // No receiver: refused unless the server allows unbound requests.
        let unbound = headers(&sign(&alice, "POST", "/Double", body, None, now));
        assert!(matches!(
            claims(get(&unbound), &bob, true, now),
            Err(BtAuthError::WrongReceiver(_))
        ));
        let unbound = claims(get(&unbound), &bob, false, now).unwrap();
        unbound.verify("POST", "/Double", body).unwrap();
        // Freshness: 10 s back, 2 s ahead.
        assert!(claims(get(&signed), &bob, true, now + MAX_AGE_NS).is_ok());
        assert!(matches!(
            claims(get(&signed), &bob, true, now + MAX_AGE_NS + 1),
            Err(BtAuthError::Stale(_))
        ));
        assert!(matches!(
            claims(get(&signed), &bob, true, now - ALLOWED_SKEW_NS - 1),
            Err(BtAuthError::Stale(_))
        ));
        // Shape.
        let mut bad = signed.clone();
        bad.insert(HEADER_NONCE, "soon".into());
        assert!(matches!(
            claims(get(&bad), &bob, true, now),
            Err(BtAuthError::Malformed(_))
        ));
        let mut bad = signed.clone();
        bad.insert(HEADER_CRYPTO, "ecdsa".into());
        assert!(matches!(
            claims(get(&bad), &bob, true, now),
            Err(BtAuthError::Malformed(_))
        ));
        let mut bad = signed;
        bad.remove(HEADER_VERSION);
        assert!(matches!(
            claims(get(&bad), &bob, true, now),
            Err(BtAuthError::Malformed(_))
        ));
    }

    #[test]
    fn test_ed25519_senders_name_their_scheme() {
        let sender = Keypair::from_uri(CryptoType::Ed25519, "//Alice").unwrap();
        let bob = key("//Bob").account();
        let now = 1_800_000_000_000_000_000;
        let signed = headers(&sign(&sender, "POST", "/a", b"", Some(&bob), now));
        assert_eq!(signed[HEADER_CRYPTO], "ed25519");
        let found = claims(|n| signed.get(n).map(String::as_str), &bob, true, now).unwrap();
        found.verify("POST", "/a", b"").unwrap();
    }

    #[test]
    fn test_replays_are_refused_in_bounded_memory() {
        let bob = key("//Bob").account();
        let now = 1_800_000_000_000_000_000;
        let mut guard = ReplayGuard::new(4);
        let claim = |who: &str, nonce: u64| {
            let signed = headers(&sign(&key(who), "POST", "/a", b"", Some(&bob), nonce));
            claims(|n| signed.get(n).map(String::as_str), &bob, true, nonce).unwrap()
        };
        let first = claim("//Alice", now);
        guard.accept(&first, now).unwrap();
        assert_eq!(guard.accept(&first, now), Err(BtAuthError::Replayed));
        // The same nonce from someone else is another pair.
        guard.accept(&claim("//Charlie", now), now).unwrap();
        for i in 1..=10 {
            guard.accept(&claim("//Alice", now + i), now).unwrap();
            assert!(guard.len() <= 4);
        }
        // Forgotten pairs are below the floor, so still refused.
        assert_eq!(guard.accept(&first, now), Err(BtAuthError::Replayed));
        // Once the window has passed, everything old is dropped.
        let later = now + MAX_AGE_NS + 100;
        guard.accept(&claim("//Alice", later), later).unwrap();
        assert_eq!(guard.len(), 1);
    }
}
