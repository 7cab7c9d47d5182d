//! What glue's resharing needs from the node: a durable store for this validator's ceremony
//! secrets ([`FileSecretStore`]), the per-epoch consensus schemes that the ceremonies install
//! ([`EpochSchemes`]), and the committee of every epoch ([`ChainParticipants`]).
//!
//! Glue's `dkg` module runs one Simplex engine per epoch and reshares the group key among each
//! epoch's committee; these three values are the node's side of its `SecretStore`, `Registrar`,
//! consensus `Provider` and `ParticipantsProvider` traits. The group key never changes (finality
//! proofs and seeds are checked against it alone), so [`EpochSchemes`] refuses a scheme for any
//! other key, and only the shares behind it move from epoch to epoch.
//!
//! [`start_validator`](crate::start_validator) hands all three to glue's reshare actor, and
//! [`EpochSchemes`] to its orchestrator too. Epoch 0's share (from the chain spec's deal) enters
//! the store once, on the first start; every later share comes from a ceremony.
//!
//! # What this is not
//! Nothing here talks to the network or decides anything on its own: the reshare actor decides
//! what to store, register and ask for.

use crate::consensus::{Identity, Scheme, Variant};
use crate::key::ValidatorShare;
use commonware_codec::{Copying, DecodeExt, Encode as _, EncodeSize, Write};
use commonware_consensus::types::Epoch;
use commonware_cryptography::bls12381::dkg::feldman_desmedt::{DealerPrivMsg, Output};
use commonware_cryptography::bls12381::primitives::{group::Share, sharing::Sharing};
use commonware_cryptography::certificate::{Provider, Scheme as _, Scoped};
use commonware_cryptography::{PublicKey, ed25519, transcript::Summary};
use commonware_glue::dkg::network::Addresses;
use commonware_glue::dkg::types::SchemeInfo;
use commonware_glue::dkg::{ParticipantsProvider, Registrar, SecretStore};
use commonware_p2p::Address;
use commonware_utils::{
    Faults as _, N3f1,
    ordered::{Quorum as _, Set},
};
use std::collections::BTreeMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::{fmt, fs, io};
use tracing::{error, info, warn};
use zeroize::Zeroizing;

/// Stops the node with a reason; the node passes [`Core::halt`](crate::Core::halt).
///
/// Glue's traits have no error type, and going on after a secret was not stored (or a scheme
/// not installed) could make this validator equivocate, so every failure here ends in a halt.
pub type Halt = Arc<dyn Fn(String) + Send + Sync>;

/// Calls `halt` and never completes: the caller must not proceed as if it had succeeded.
async fn halt_forever<T>(halt: &Halt, reason: String) -> T {
    error!(%reason, "halting");
    halt(reason);
    futures::future::pending().await
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every update under these locks is a single map operation, so a panic elsewhere cannot
    // leave them inconsistent.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Name of the marker written once the epoch-0 share has been imported; it holds the group key
/// in hex.
const IMPORTED: &str = "imported";

/// Why the secret store cannot be opened or seeded.
#[derive(Debug, thiserror::Error)]
pub enum SecretStoreError {
    /// Creating, reading or writing the directory failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: String,
        /// What failed.
        source: io::Error,
    },
    /// This validator's key is not one of epoch 0's players.
    #[error("this node's key is not one of the players of epoch 0")]
    NotAPlayer,
    /// The share is not the one epoch 0's public polynomial gives this validator.
    #[error("this share of the group key is not the one epoch 0 gives this validator")]
    WrongShare,
    /// The directory's share was imported for another group key: it belongs to another chain.
    #[error("{0} holds the secrets of a chain with another group key")]
    OtherChain(String),
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> SecretStoreError + '_ {
    move |source| SecretStoreError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// What [`FileSecretStore::import_genesis_share`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenesisImport {
    /// The share is now stored as epoch 0's.
    Imported,
    /// An earlier start imported it; nothing was written.
    AlreadyImported,
}

/// This validator's ceremony secrets (its shares, its dealer seeds, and the private dealings it
/// received), one file per item in a directory only its owner can read: `share-{epoch}`,
/// `seed-{epoch}` and `dealing-{epoch}-{dealer hex}`, each the item's codec bytes.
///
/// Every write is atomic and durable before its future completes (temporary file, fsync,
/// rename, directory fsync), as glue requires: a dealer that lost its seed could deal twice
/// differently after a restart. A failed write or an unreadable file halts the node through
/// the [`Halt`] given at [`open`](Self::open) and leaves the future pending. The files are
/// small and written a few times per epoch (a share, a seed, one dealing per dealer), so the
/// blocking calls stay on the caller's task.
#[derive(Clone)]
pub struct FileSecretStore {
    dir: PathBuf,
    halt: Halt,
}

impl fmt::Debug for FileSecretStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileSecretStore")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

/// What a file name says about its epoch, for pruning.
fn epoch_of(name: &str) -> Option<u64> {
    let digits = if let Some(rest) = name.strip_prefix("share-") {
        rest
    } else if let Some(rest) = name.strip_prefix("seed-") {
        rest
    } else {
        name.strip_prefix("dealing-")?.split_once('-')?.0
    };
    digits.parse().ok()
}

/// Encodes `value` into a buffer that is wiped when dropped, sized up front so that no
/// reallocation leaves a copy behind.
fn secret_bytes<T: Write + EncodeSize>(value: &T) -> Zeroizing<Vec<u8>> {
    let mut bytes = Zeroizing::new(Vec::with_capacity(value.encode_size()));
    value.write(&mut *bytes);
    bytes
}

impl FileSecretStore {
    /// Opens (creating it if needed, mode 0700) the directory of secrets. Temporary files a
    /// crash left behind are removed: they may hold secrets nothing will ever read.
    pub fn open(dir: impl Into<PathBuf>, halt: Halt) -> Result<Self, SecretStoreError> {
        let dir = dir.into();
        plexus_keys::fsio::create_private_dir(&dir).map_err(io_error(&dir))?;
        for entry in fs::read_dir(&dir).map_err(io_error(&dir))? {
            let entry = entry.map_err(io_error(&dir))?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') && name.contains(".tmp-") {
                let path = entry.path();
                fs::remove_file(&path).map_err(io_error(&path))?;
            }
        }
        Ok(Self { dir, halt })
    }

    /// The directory holding the secrets.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Stores `share` (this validator's share of the chain spec's trusted deal) as epoch 0's,
    /// once: the first start imports it and writes a marker, later starts of the same chain do
    /// nothing. Without the marker, a restart after epoch 0 was pruned would bring its share
    /// back.
    ///
    /// `me` is this validator's key and `genesis` epoch 0's output; the share must be the one
    /// the output's public polynomial gives `me`, so a wrong file is refused here instead of
    /// producing votes nobody can count.
    pub fn import_genesis_share(
        &self,
        share: &ValidatorShare,
        me: &ed25519::PublicKey,
        genesis: &Output<Variant, ed25519::PublicKey>,
    ) -> Result<GenesisImport, SecretStoreError> {
        // The marker names the group key, so that secrets left from another chain (a devnet
        // regenerated over an old data directory) are refused instead of silently kept.
        let identity = hex::encode(genesis.public().public().encode());
        let marker = self.dir.join(IMPORTED);
        match fs::read_to_string(&marker) {
            Ok(found) if found.trim() == identity => return Ok(GenesisImport::AlreadyImported),
            Ok(_) => return Err(SecretStoreError::OtherChain(self.dir.display().to_string())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(&marker)(e)),
        }
        let index = genesis
            .players()
            .index(me)
            .ok_or(SecretStoreError::NotAPlayer)?;
        let share = &share.0;
        let fits = share.index == index
            && genesis
                .public()
                .partial_public(index)
                .is_ok_and(|public| public == share.public::<Variant>());
        if !fits {
            return Err(SecretStoreError::WrongShare);
        }
        let name = Self::share_name(Epoch::zero());
        let path = self.dir.join(&name);
        self.store(&name, &secret_bytes(share))
            .map_err(io_error(&path))?;
        // The marker goes last: a crash before it repeats the import, which writes the same share.
        plexus_keys::fsio::write_private(&marker, format!("{identity}\n").as_bytes(), true)
            .map_err(io_error(&marker))?;
        info!("imported the chain spec's share as epoch 0's");
        Ok(GenesisImport::Imported)
    }

    fn share_name(epoch: Epoch) -> String {
        format!("share-{epoch}")
    }

    fn seed_name(epoch: Epoch) -> String {
        format!("seed-{epoch}")
    }

    fn dealing_name<P: PublicKey>(epoch: Epoch, dealer: &P) -> String {
        format!("dealing-{epoch}-{}", hex::encode(dealer.encode()))
    }

    /// Writes `bytes` to the file `name`, replacing it. Glue repeats its puts after a restart, so
    /// replacing is normal; different contents are not, and are logged (never the contents).
    fn store(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.dir.join(name);
        match fs::read(&path).map(Zeroizing::new) {
            Ok(old) if old.as_slice() != bytes => {
                warn!(
                    file = name,
                    "replacing a stored secret with different contents"
                );
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            // Only the warning depends on the old contents; the write below reports real trouble.
            Err(e) => warn!(file = name, error = %e, "cannot read the secret being replaced"),
        }
        // Written even when unchanged: the old file may have been renamed into place by a
        // process that crashed before it synced the directory.
        plexus_keys::fsio::write_private(&path, bytes, true)
    }

    fn load(&self, name: &str) -> io::Result<Option<Zeroizing<Vec<u8>>>> {
        match fs::read(self.dir.join(name)) {
            Ok(bytes) => Ok(Some(Zeroizing::new(bytes))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn put(&self, name: String, bytes: Zeroizing<Vec<u8>>) {
        if let Err(e) = self.store(&name, &bytes) {
            let path = self.dir.join(&name);
            halt_forever(
                &self.halt,
                format!("cannot store secret {}: {e}", path.display()),
            )
            .await
        }
    }

    async fn get<T: DecodeExt<()>>(&self, name: String) -> Option<T> {
        let path = self.dir.join(&name);
        match self.load(&name) {
            Ok(None) => None,
            Ok(Some(bytes)) => match T::decode(Copying(&bytes)) {
                Ok(value) => Some(value),
                Err(e) => {
                    halt_forever(
                        &self.halt,
                        format!("secret {} is corrupt: {e}", path.display()),
                    )
                    .await
                }
            },
            Err(e) => {
                halt_forever(
                    &self.halt,
                    format!("cannot read secret {}: {e}", path.display()),
                )
                .await
            }
        }
    }

    fn remove_below(&self, min: Epoch) -> io::Result<()> {
        let mut removed = 0usize;
        for entry in fs::read_dir(&self.dir)? {
            let entry = entry?;
            let name = entry.file_name();
            if epoch_of(&name.to_string_lossy()).is_some_and(|epoch| epoch < min.get()) {
                fs::remove_file(entry.path())?;
                removed += 1;
            }
        }
        if removed > 0 {
            // A pruned share must not come back after a power loss.
            fs::File::open(&self.dir)?.sync_all()?;
        }
        Ok(())
    }
}

impl SecretStore for FileSecretStore {
    async fn put_share(&mut self, epoch: Epoch, share: Share) {
        self.put(Self::share_name(epoch), secret_bytes(&share))
            .await
    }

    async fn get_share(&mut self, epoch: Epoch) -> Option<Share> {
        self.get(Self::share_name(epoch)).await
    }

    async fn put_seed(&mut self, epoch: Epoch, seed: Summary) {
        self.put(Self::seed_name(epoch), secret_bytes(&seed)).await
    }

    async fn get_seed(&mut self, epoch: Epoch) -> Option<Summary> {
        self.get(Self::seed_name(epoch)).await
    }

    async fn put_dealing<P: PublicKey>(&mut self, epoch: Epoch, dealer: P, private: DealerPrivMsg) {
        self.put(Self::dealing_name(epoch, &dealer), secret_bytes(&private))
            .await
    }

    async fn get_dealing<P: PublicKey>(
        &mut self,
        epoch: Epoch,
        dealer: &P,
    ) -> Option<DealerPrivMsg> {
        self.get(Self::dealing_name(epoch, dealer)).await
    }

    async fn prune(&mut self, min: Epoch) {
        if let Err(e) = self.remove_below(min) {
            halt_forever(
                &self.halt,
                format!(
                    "cannot erase secrets below epoch {min} in {}: {e}",
                    self.dir.display()
                ),
            )
            .await
        }
    }
}

/// How many epochs' schemes [`EpochSchemes`] keeps: the orchestrator asks only for the epoch it
/// enters, and the previous engine lives on briefly while the next one starts.
const RETAINED_EPOCHS: u64 = 3;

/// The consensus scheme of each recent epoch, installed by glue's reshare actor (as a
/// [`Registrar`]) and served to its orchestrator (as a [`Provider`]). Clones share the same
/// schemes.
///
/// Every scheme must be for the chain's group key: one registered for another key halts the
/// node, since nothing else locally checks that resharing kept the key. For an epoch without a
/// scheme it serves a verifier of certificates under the group key, which the key alone checks
/// whatever the committee.
#[derive(Clone)]
pub struct EpochSchemes {
    inner: Arc<SchemesInner>,
}

struct SchemesInner {
    namespace: Vec<u8>,
    identity: Identity,
    me: ed25519::PublicKey,
    halt: Halt,
    certificates: Arc<Scheme>,
    schemes: Mutex<BTreeMap<Epoch, Arc<Scheme>>>,
}

impl EpochSchemes {
    /// No schemes yet, for the chain whose messages are signed under `namespace` (see
    /// [`namespace`](crate::spec::namespace)) with group key `identity`, seen by the validator
    /// with key `me`.
    pub fn new(namespace: &[u8], identity: Identity, me: ed25519::PublicKey, halt: Halt) -> Self {
        Self {
            inner: Arc::new(SchemesInner {
                namespace: namespace.to_vec(),
                identity,
                me,
                halt,
                certificates: Arc::new(Scheme::certificate_verifier(namespace, identity)),
                schemes: Mutex::new(BTreeMap::new()),
            }),
        }
    }

    /// The epochs that have a scheme, oldest first.
    pub fn epochs(&self) -> Vec<Epoch> {
        lock(&self.inner.schemes).keys().copied().collect()
    }

    /// The scheme `info` describes, or why there can be none. The scheme constructors assert
    /// what is checked first, so a malformed registration halts the node instead of panicking
    /// an actor.
    fn build(&self, info: SchemeInfo<Variant, ed25519::PublicKey>) -> Result<Scheme, String> {
        let namespace = &self.inner.namespace;
        let (participants, sharing) = match &info {
            SchemeInfo::Verifier {
                participants,
                sharing,
            }
            | SchemeInfo::Member {
                participants,
                sharing,
                ..
            }
            | SchemeInfo::Signer {
                participants,
                sharing,
                ..
            } => (participants, sharing),
        };
        if sharing.public() != &self.inner.identity {
            return Err("resharing changed the group key".into());
        }
        if sharing.total().get() as usize != participants.len() {
            return Err(format!(
                "the sharing is among {}, the committee has {} members",
                sharing.total(),
                participants.len()
            ));
        }
        let quorum = N3f1::quorum(participants.len());
        if sharing.required() != quorum {
            return Err(format!(
                "the sharing needs {} signers, not a quorum of {quorum}",
                sharing.required()
            ));
        }
        Ok(match info {
            SchemeInfo::Verifier {
                participants,
                sharing,
            } => Scheme::verifier(namespace, participants, sharing),
            SchemeInfo::Member {
                participants,
                sharing,
                public_key,
            } => self.member_or_verifier(participants, sharing, &public_key),
            SchemeInfo::Signer {
                participants,
                sharing,
                share,
            } => {
                // `Scheme::signer` only checks the share against its own index, and panics if
                // that index is out of range; it must also be ours.
                let ours = participants.index(&self.inner.me) == Some(share.index);
                let signer = ours
                    .then(|| {
                        Scheme::signer(namespace, participants.clone(), sharing.clone(), share)
                    })
                    .flatten();
                match signer {
                    Some(signer) => signer,
                    None => {
                        error!(
                            "our share does not fit the epoch's sharing; registering without it"
                        );
                        self.member_or_verifier(participants, sharing, &self.inner.me)
                    }
                }
            }
        })
    }

    fn member_or_verifier(
        &self,
        participants: Set<ed25519::PublicKey>,
        sharing: Sharing<Variant>,
        public_key: &ed25519::PublicKey,
    ) -> Scheme {
        let namespace = &self.inner.namespace;
        match Scheme::member(namespace, participants.clone(), sharing.clone(), public_key) {
            Some(member) => member,
            None => {
                error!(
                    "a member registration for a key outside the committee; registering a verifier"
                );
                Scheme::verifier(namespace, participants, sharing)
            }
        }
    }
}

impl Registrar for EpochSchemes {
    type Variant = Variant;
    type PublicKey = ed25519::PublicKey;

    async fn register(&self, epoch: Epoch, info: SchemeInfo<Variant, ed25519::PublicKey>) {
        let scheme = match self.build(info) {
            Ok(scheme) => scheme,
            Err(reason) => {
                halt_forever(
                    &self.inner.halt,
                    format!("cannot install the consensus scheme of epoch {epoch}: {reason}"),
                )
                .await
            }
        };
        let role = match scheme.me() {
            Some(membership) if membership.signer().is_some() => "signer",
            Some(_) => "member",
            None => "verifier",
        };
        let mut schemes = lock(&self.inner.schemes);
        // Registering again replaces the scheme with an equal one, so repeats are harmless.
        schemes.insert(epoch, Arc::new(scheme));
        // The epoch just registered stays even if it is older than the window, so that it is
        // served once this future completes, as glue requires.
        let newest = schemes.keys().next_back().map_or(0, |e| e.get());
        let floor = newest.saturating_sub(RETAINED_EPOCHS - 1);
        schemes.retain(|e, _| e.get() >= floor || *e == epoch);
        info!(%epoch, role, "installed consensus scheme");
    }
}

impl Provider for EpochSchemes {
    type Scope = Epoch;
    type Scheme = Scheme;

    fn scoped(&self, scope: Epoch) -> Option<Scoped<Scheme>> {
        Some(match lock(&self.inner.schemes).get(&scope) {
            Some(scheme) => Scoped::scheme(scheme.clone()),
            None => Scoped::verifier(self.inner.certificates.clone()),
        })
    }
}

/// Why a [`ChainParticipants`] cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum ParticipantsError {
    /// No validators.
    #[error("the validator set is empty")]
    Empty,
    /// More validators than the codec bound allows.
    #[error("{validators} validators, more than the maximum of {max}")]
    TooMany {
        /// How many there are.
        validators: usize,
        /// The bound.
        max: u32,
    },
    /// A validator without an address.
    #[error("validator {0} has no address")]
    MissingAddress(String),
    /// An address for a key that is not a validator.
    #[error("{0} has an address but is not a validator")]
    UnknownAddress(String),
}

/// Where the committees after genesis come from: the chain's finalized state (see
/// `plexus_runtime`'s validator set). Its answers must be the same on every node, so each waits
/// for a height at which the answer is fixed.
pub trait Committees: Send + Sync + 'static {
    /// Once the chain has finalized `height`: every committee on chain for an epoch at or
    /// before `epoch`, oldest first (none before the first: the genesis validators serve),
    /// each validator's key with its address (`IP:port`).
    fn committees(&self, height: u64, epoch: u64) -> impl Future<Output = Vec<Committee>> + Send;
}

/// A committee on chain: the epoch it serves from, and each member's key and address.
pub type Committee = (u64, Vec<([u8; 32], String)>);

/// Each epoch's committee as the chain fixed it, two epochs ahead: the genesis validators until
/// governance schedules others, then the newest committee on chain. Addresses come from the
/// same records.
pub struct ChainParticipants<C> {
    genesis: Set<ed25519::PublicKey>,
    genesis_addresses: BTreeMap<ed25519::PublicKey, Address>,
    epoch_length: u64,
    committees: C,
    max_participants: u32,
    halt: Halt,
}

impl<C: Committees> ChainParticipants<C> {
    /// The committee of a chain whose epoch 0 is `genesis` at `genesis_addresses` (exactly
    /// one per validator), with epochs of `epoch_length` blocks and later committees from
    /// `committees`. Glue panics on a set that is empty or larger than `max_participants`, so
    /// genesis's is checked here, and later ones when they are read.
    pub fn new(
        genesis: Set<ed25519::PublicKey>,
        genesis_addresses: BTreeMap<ed25519::PublicKey, Address>,
        epoch_length: u64,
        committees: C,
        max_participants: u32,
        halt: Halt,
    ) -> Result<Self, ParticipantsError> {
        if genesis.is_empty() {
            return Err(ParticipantsError::Empty);
        }
        if genesis.len() > max_participants as usize {
            return Err(ParticipantsError::TooMany {
                validators: genesis.len(),
                max: max_participants,
            });
        }
        if let Some(missing) = genesis.iter().find(|v| !genesis_addresses.contains_key(v)) {
            return Err(ParticipantsError::MissingAddress(hex::encode(
                missing.encode(),
            )));
        }
        if let Some(unknown) = genesis_addresses
            .keys()
            .find(|k| genesis.position(k).is_none())
        {
            return Err(ParticipantsError::UnknownAddress(hex::encode(
                unknown.encode(),
            )));
        }
        Ok(Self {
            genesis,
            genesis_addresses,
            epoch_length,
            committees,
            max_participants,
            halt,
        })
    }

    /// The first block of `epoch`, where the chain fixes the committee of `epoch + 2`.
    fn first_block(&self, epoch: u64) -> u64 {
        epoch.saturating_mul(self.epoch_length)
    }

    /// Every committee on chain through `epoch` (waiting for the block that fixes its own),
    /// oldest first, as keys and addresses; validators whose key or address does not decode
    /// are left out, alike on every node.
    async fn on_chain(&self, epoch: u64) -> Vec<Vec<(ed25519::PublicKey, Address)>> {
        let height = self.first_block(epoch.saturating_sub(2));
        let committees = self.committees.committees(height, epoch).await;
        committees
            .into_iter()
            .map(|(from, committee)| {
                committee
                    .into_iter()
                    .filter_map(|(key, address)| {
                        let key = ed25519::PublicKey::decode(Copying(&key[..])).ok();
                        let address = address.parse::<std::net::SocketAddr>().ok();
                        let (Some(key), Some(address)) = (key, address) else {
                            warn!(
                                from,
                                "a committee member on chain does not decode; left out"
                            );
                            return None;
                        };
                        Some((key, Address::Symmetric(address)))
                    })
                    .collect()
            })
            .collect()
    }
}

impl<C: Committees> ParticipantsProvider for ChainParticipants<C> {
    type PublicKey = ed25519::PublicKey;
    type Directory = Addresses<ed25519::PublicKey>;

    async fn participants(&mut self, epoch: Epoch) -> Set<ed25519::PublicKey> {
        let committee = match self.on_chain(epoch.get()).await.pop() {
            Some(committee) => Set::from_iter_dedup(committee.into_iter().map(|(key, _)| key)),
            None => return self.genesis.clone(),
        };
        // The chain bounds committees as glue does; a set it would refuse means the two
        // disagree, and going on would panic the reshare actor.
        if committee.is_empty() || committee.len() > self.max_participants as usize {
            halt_forever(
                &self.halt,
                format!(
                    "the committee on chain for epoch {epoch} has {} validators",
                    committee.len()
                ),
            )
            .await
        }
        committee
    }

    async fn directory(&mut self, epoch: Epoch, peers: Set<ed25519::PublicKey>) -> Self::Directory {
        // The peers are the holders of the shares being dealt (a committee that may be older
        // than the last few, when resharings failed), epoch `e`'s players and `e + 1`'s: every
        // committee on chain through `e + 1`, the newest record of each address winning.
        let mut book = self.genesis_addresses.clone();
        for committee in self.on_chain(epoch.get().saturating_add(1)).await {
            book.extend(committee);
        }
        let mut directory = Vec::with_capacity(peers.len());
        for peer in peers.iter() {
            match book.get(peer) {
                Some(address) => directory.push((peer.clone(), address.clone())),
                // Glue panics on a directory that lacks a peer.
                None => {
                    halt_forever(
                        &self.halt,
                        format!(
                            "epoch {epoch} needs the address of {}, which is on no committee",
                            hex::encode(peer.encode())
                        ),
                    )
                    .await
                }
            }
        }
        directory.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use commonware_consensus::simplex::types::Subject;
    use commonware_consensus::types::{Round, View};
    use commonware_cryptography::bls12381::dkg::feldman_desmedt;
    use commonware_cryptography::bls12381::primitives::sharing::Mode;
    use commonware_cryptography::certificate::Verifier as _;
    use commonware_cryptography::{Signer as _, sha256};
    use commonware_parallel::Sequential;
    use commonware_runtime::{Clock as _, Runner as _, deterministic};
    use commonware_utils::{iter::NonEmpty, ordered::Map};
    use futures::future::{Either, select};
    use std::os::unix::fs::PermissionsExt as _;
    use std::time::Duration;

    const NAMESPACE: &[u8] = b"plexus-dkg-test";

    /// A [`Halt`] that records its reasons.
    fn halt_probe() -> (Halt, Arc<Mutex<Vec<String>>>) {
        let reasons = Arc::new(Mutex::new(Vec::new()));
        let halt: Halt = {
            let reasons = reasons.clone();
            Arc::new(move |reason| reasons.lock().unwrap().push(reason))
        };
        (halt, reasons)
    }

    fn key(seed: u64) -> ed25519::PublicKey {
        ed25519::PrivateKey::from_seed(seed).public_key()
    }

    fn committee(n: u64) -> Set<ed25519::PublicKey> {
        Set::from_iter_dedup((0..n).map(key))
    }

    /// A trusted deal among `players`, as the chain spec does it.
    fn deal(
        players: Set<ed25519::PublicKey>,
    ) -> (
        Output<Variant, ed25519::PublicKey>,
        Map<ed25519::PublicKey, Share>,
    ) {
        feldman_desmedt::deal::<Variant, _, N3f1>(
            commonware_utils::sys_rng(),
            Mode::NonZeroCounter,
            players,
        )
        .unwrap()
    }

    fn share_of(shares: &Map<ed25519::PublicKey, Share>, player: &ed25519::PublicKey) -> Share {
        shares.get_value(player).cloned().unwrap()
    }

    /// Runs `future` on the deterministic runtime and reports whether it completed within a
    /// minute of simulated time.
    fn completes<F: Future + Send + 'static>(future: F) -> bool {
        deterministic::Runner::default().start(|context| async move {
            let timeout = context.sleep(Duration::from_secs(60));
            matches!(
                select(Box::pin(future), Box::pin(timeout)).await,
                Either::Left(_)
            )
        })
    }

    fn seed(byte: u8) -> Summary {
        Summary::decode(Copying(&[byte; 32])).unwrap()
    }

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn open(dir: &Path) -> (FileSecretStore, Arc<Mutex<Vec<String>>>) {
        let (halt, reasons) = halt_probe();
        (FileSecretStore::open(dir, halt).unwrap(), reasons)
    }

    #[test]
    fn test_secrets_survive_a_reopen_in_private_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("secrets");
        let players = committee(4);
        let (_, shares) = deal(players.clone());
        let share = share_of(&shares, &players[0]);
        let seed = seed(7);
        let dealing = DealerPrivMsg::new(share_of(&shares, &players[1]).private.expose_unwrap());
        let epoch = Epoch::new(7);

        let (mut store, reasons) = open(&dir);
        futures::executor::block_on(async {
            store.put_share(epoch, share.clone()).await;
            store.put_seed(epoch, seed).await;
            store
                .put_dealing(epoch, players[1].clone(), dealing.clone())
                .await;
        });
        // Nothing secret in the store's description.
        let described = format!("{store:?}");
        assert!(!described.contains(&hex::encode(share.encode())));
        drop(store);

        // A crash can leave a temporary copy behind; opening removes it.
        fs::write(dir.join(".share-8.tmp-1-00"), b"leftover").unwrap();
        let (mut store, _) = open(&dir);
        futures::executor::block_on(async {
            assert_eq!(store.get_share(epoch).await, Some(share));
            assert_eq!(store.get_seed(epoch).await, Some(seed));
            assert_eq!(store.get_dealing(epoch, &players[1]).await, Some(dealing));
            assert_eq!(store.get_share(epoch.next()).await, None);
            assert_eq!(store.get_seed(epoch.next()).await, None);
            assert_eq!(store.get_dealing(epoch, &players[2]).await, None);
        });
        let dealing_name = format!("dealing-7-{}", hex::encode(players[1].encode()));
        assert_eq!(
            names(&dir),
            vec![dealing_name, "seed-7".to_string(), "share-7".to_string()]
        );
        assert_eq!(mode(&dir), 0o700);
        for name in names(&dir) {
            assert_eq!(mode(&dir.join(name)), 0o600);
        }
        assert!(reasons.lock().unwrap().is_empty());
    }

    #[test]
    fn test_prune_erases_the_files_of_older_epochs_only() {
        let tmp = tempfile::tempdir().unwrap();
        let players = committee(4);
        let (output, shares) = deal(players.clone());
        let (mut store, reasons) = open(tmp.path());
        store
            .import_genesis_share(
                &ValidatorShare(share_of(&shares, &players[0])),
                &players[0],
                &output,
            )
            .unwrap();
        futures::executor::block_on(async {
            for e in 0..4 {
                let epoch = Epoch::new(e);
                store.put_share(epoch, share_of(&shares, &players[0])).await;
                store.put_seed(epoch, seed(7)).await;
                let dealing = share_of(&shares, &players[1]).private.expose_unwrap();
                store
                    .put_dealing(epoch, players[1].clone(), DealerPrivMsg::new(dealing))
                    .await;
            }
            store.prune(Epoch::new(2)).await;
            assert_eq!(store.get_share(Epoch::new(1)).await, None);
            assert_eq!(store.get_seed(Epoch::zero()).await, None);
            assert_eq!(store.get_dealing(Epoch::new(1), &players[1]).await, None);
            assert!(store.get_share(Epoch::new(2)).await.is_some());
            assert!(
                store
                    .get_dealing(Epoch::new(3), &players[1])
                    .await
                    .is_some()
            );
        });
        let left = names(tmp.path());
        assert_eq!(left.len(), 2 * 3 + 1, "{left:?}");
        assert!(left.contains(&IMPORTED.to_string()));
        assert!(
            left.iter()
                .filter_map(|name| epoch_of(name))
                .all(|epoch| epoch >= 2)
        );
        assert!(reasons.lock().unwrap().is_empty());
    }

    #[test]
    fn test_a_repeated_put_changes_nothing_and_a_different_one_replaces() {
        let tmp = tempfile::tempdir().unwrap();
        let players = committee(4);
        let (_, shares) = deal(players.clone());
        let (mut store, reasons) = open(tmp.path());
        let epoch = Epoch::new(3);
        let first = share_of(&shares, &players[0]);
        let second = share_of(&shares, &players[1]);
        futures::executor::block_on(async {
            store.put_share(epoch, first.clone()).await;
            let bytes = fs::read(tmp.path().join("share-3")).unwrap();
            store.put_share(epoch, first.clone()).await;
            assert_eq!(fs::read(tmp.path().join("share-3")).unwrap(), bytes);
            assert_eq!(store.get_share(epoch).await, Some(first));

            store.put_share(epoch, second.clone()).await;
            assert_eq!(store.get_share(epoch).await, Some(second));
        });
        assert_eq!(names(tmp.path()), vec!["share-3".to_string()]);
        assert!(reasons.lock().unwrap().is_empty());
    }

    #[test]
    fn test_the_genesis_share_is_imported_once_and_never_after_pruning() {
        let tmp = tempfile::tempdir().unwrap();
        let players = committee(4);
        let (output, shares) = deal(players.clone());
        let share = ValidatorShare(share_of(&shares, &players[2]));

        let (mut store, _) = open(tmp.path());
        assert_eq!(
            store
                .import_genesis_share(&share, &players[2], &output)
                .unwrap(),
            GenesisImport::Imported
        );
        assert_eq!(
            futures::executor::block_on(store.get_share(Epoch::zero())),
            Some(share.0.clone())
        );
        // A restart before epoch 0 is pruned finds the import done.
        let (store, _) = open(tmp.path());
        assert_eq!(
            store
                .import_genesis_share(&share, &players[2], &output)
                .unwrap(),
            GenesisImport::AlreadyImported
        );

        // The reshare actor prunes epoch 0 once epoch 1 is durable; a restart must not
        // bring epoch 0's share back.
        let (mut store, _) = open(tmp.path());
        futures::executor::block_on(store.prune(Epoch::new(1)));
        drop(store);
        let (mut store, _) = open(tmp.path());
        assert_eq!(
            store
                .import_genesis_share(&share, &players[2], &output)
                .unwrap(),
            GenesisImport::AlreadyImported
        );
        assert_eq!(
            futures::executor::block_on(store.get_share(Epoch::zero())),
            None
        );

        // The same directory under another chain's deal is refused, even after the pruning.
        let (other_chain, _) = deal(players.clone());
        assert!(matches!(
            store.import_genesis_share(&share, &players[2], &other_chain),
            Err(SecretStoreError::OtherChain(_))
        ));

        // Another validator's share, or a key outside the committee, is refused and writes
        // nothing.
        let fresh = tempfile::tempdir().unwrap();
        let (store, _) = open(fresh.path());
        assert!(matches!(
            store.import_genesis_share(&share, &players[1], &output),
            Err(SecretStoreError::WrongShare)
        ));
        let (_, other_deal) = deal(players.clone());
        let foreign = ValidatorShare(share_of(&other_deal, &players[2]));
        assert!(matches!(
            store.import_genesis_share(&foreign, &players[2], &output),
            Err(SecretStoreError::WrongShare)
        ));
        assert!(matches!(
            store.import_genesis_share(&share, &key(99), &output),
            Err(SecretStoreError::NotAPlayer)
        ));
        assert!(names(fresh.path()).is_empty());
    }

    #[test]
    fn test_a_corrupt_or_unwritable_secret_halts_and_never_returns() {
        let tmp = tempfile::tempdir().unwrap();
        let (store, reasons) = open(tmp.path());
        fs::write(tmp.path().join("share-3"), b"not a share").unwrap();
        let get = {
            let mut store = store.clone();
            async move { store.get_share(Epoch::new(3)).await }
        };
        assert!(!completes(get));
        assert_eq!(reasons.lock().unwrap().len(), 1);
        assert!(reasons.lock().unwrap()[0].contains("share-3"));

        // A trailing byte is corruption too, not a share to use.
        let players = committee(4);
        let (_, shares) = deal(players.clone());
        let mut bytes = share_of(&shares, &players[0]).encode().to_vec();
        bytes.push(0);
        fs::write(tmp.path().join("share-4"), bytes).unwrap();
        let get = {
            let mut store = store.clone();
            async move { store.get_share(Epoch::new(4)).await }
        };
        assert!(!completes(get));
        assert_eq!(reasons.lock().unwrap().len(), 2);

        // A write that cannot land (a directory is in the way) is never reported as done.
        fs::create_dir(tmp.path().join("seed-5")).unwrap();
        fs::write(tmp.path().join("seed-5").join("x"), b"").unwrap();
        let seed = seed(7);
        let put = {
            let mut store = store.clone();
            async move { store.put_seed(Epoch::new(5), seed).await }
        };
        assert!(!completes(put));
        assert_eq!(reasons.lock().unwrap().len(), 3);
        assert!(reasons.lock().unwrap()[2].contains("seed-5"));

        // So is an erasure that fails: the secret would outlive its epoch.
        let prune = {
            let mut store = store.clone();
            async move { store.prune(Epoch::new(6)).await }
        };
        assert!(!completes(prune));
        assert_eq!(reasons.lock().unwrap().len(), 4);
    }

    /// Who registers, and the schemes they get, for one dealt committee.
    struct Registration {
        players: Set<ed25519::PublicKey>,
        output: Output<Variant, ed25519::PublicKey>,
        shares: Map<ed25519::PublicKey, Share>,
    }

    impl Registration {
        fn new() -> Self {
            let players = committee(4);
            let (output, shares) = deal(players.clone());
            Self {
                players,
                output,
                shares,
            }
        }

        fn schemes(&self, me: &ed25519::PublicKey) -> (EpochSchemes, Arc<Mutex<Vec<String>>>) {
            let (halt, reasons) = halt_probe();
            let identity = *self.output.public().public();
            (
                EpochSchemes::new(NAMESPACE, identity, me.clone(), halt),
                reasons,
            )
        }

        fn signer(&self, i: usize) -> SchemeInfo<Variant, ed25519::PublicKey> {
            SchemeInfo::Signer {
                participants: self.players.clone(),
                sharing: self.output.public().clone(),
                share: share_of(&self.shares, &self.players[i]),
            }
        }
    }

    fn nullify(epoch: Epoch) -> Subject<'static, sha256::Digest> {
        Subject::Nullify {
            round: Round::new(epoch, View::new(1)),
        }
    }

    #[test]
    fn test_each_role_gets_a_scheme_that_signs_only_with_a_share() {
        let deal = Registration::new();
        let epoch = Epoch::new(1);
        let mut rng = commonware_utils::sys_rng();

        // Every player signs; a quorum of attestations makes a certificate.
        let mut attestations = Vec::new();
        for i in 0..4 {
            let (schemes, reasons) = deal.schemes(&deal.players[i]);
            futures::executor::block_on(schemes.register(epoch, deal.signer(i)));
            let scheme = schemes.scheme(epoch).unwrap();
            assert_eq!(
                scheme.me().and_then(|m| m.signer()).map(usize::from),
                Some(i)
            );
            attestations.push(scheme.sign(nullify(epoch)).unwrap());
            assert!(reasons.lock().unwrap().is_empty());
        }

        // A member without its share knows its place, cannot sign, and verifies.
        let (member, _) = deal.schemes(&deal.players[1]);
        futures::executor::block_on(member.register(
            epoch,
            SchemeInfo::Member {
                participants: deal.players.clone(),
                sharing: deal.output.public().clone(),
                public_key: deal.players[1].clone(),
            },
        ));
        let member = member.scheme(epoch).unwrap();
        assert!(member.me().is_some_and(|m| m.signer().is_none()));
        assert!(member.sign(nullify(epoch)).is_none());
        assert!(member.verify_attestation(&mut rng, nullify(epoch), &attestations[0], &Sequential));

        // So does a verifier outside the committee, which has no place at all.
        let outsider = key(42);
        let (verifier, _) = deal.schemes(&outsider);
        futures::executor::block_on(verifier.register(
            epoch,
            SchemeInfo::Verifier {
                participants: deal.players.clone(),
                sharing: deal.output.public().clone(),
            },
        ));
        let verifier = verifier.scheme(epoch).unwrap();
        assert!(verifier.me().is_none());
        assert!(verifier.sign(nullify(epoch)).is_none());
        assert!(verifier.verify_attestation(
            &mut rng,
            nullify(epoch),
            &attestations[2],
            &Sequential
        ));
        // An attestation for another round does not verify.
        assert!(!verifier.verify_attestation(
            &mut rng,
            nullify(epoch.next()),
            &attestations[2],
            &Sequential
        ));

        // An epoch without a scheme still has the group key to check certificates with.
        let certificate = verifier
            .assemble(
                NonEmpty::try_new(attestations.into_iter().take(3)).unwrap(),
                &Sequential,
            )
            .unwrap();
        let (schemes, _) = deal.schemes(&outsider);
        assert!(schemes.scheme(Epoch::new(9)).is_none());
        let scoped = schemes.scoped(Epoch::new(9)).unwrap();
        assert!(scoped.verify_certificate(&mut rng, nullify(epoch), &certificate, &Sequential));
    }

    #[test]
    fn test_a_share_that_does_not_fit_registers_a_member() {
        let deal = Registration::new();
        let epoch = Epoch::new(2);
        // Player 1's share handed to player 0: valid for the sharing, but not ours.
        let (schemes, reasons) = deal.schemes(&deal.players[0]);
        futures::executor::block_on(schemes.register(epoch, deal.signer(1)));
        let scheme = schemes.scheme(epoch).unwrap();
        assert_eq!(
            scheme
                .me()
                .filter(|m| m.signer().is_none())
                .map(|m| usize::from(m.index())),
            Some(0)
        );
        // A share of another deal, at our index.
        let (_, other) = deal_other(&deal);
        futures::executor::block_on(schemes.register(
            epoch,
            SchemeInfo::Signer {
                participants: deal.players.clone(),
                sharing: deal.output.public().clone(),
                share: share_of(&other, &deal.players[0]),
            },
        ));
        let scheme = schemes.scheme(epoch).unwrap();
        assert!(scheme.me().is_some_and(|m| m.signer().is_none()));
        assert!(reasons.lock().unwrap().is_empty());
    }

    fn deal_other(
        deal: &Registration,
    ) -> (
        Output<Variant, ed25519::PublicKey>,
        Map<ed25519::PublicKey, Share>,
    ) {
        self::deal(deal.players.clone())
    }

    #[test]
    fn test_registering_again_is_harmless_and_old_epochs_are_dropped() {
        let deal = Registration::new();
        let (schemes, reasons) = deal.schemes(&deal.players[3]);
        let observer = schemes.clone();
        futures::executor::block_on(schemes.register(Epoch::new(0), deal.signer(3)));
        futures::executor::block_on(schemes.register(Epoch::new(0), deal.signer(3)));
        assert_eq!(observer.epochs(), vec![Epoch::new(0)]);
        assert!(observer.scheme(Epoch::new(0)).unwrap().share().is_some());

        for e in 1..6 {
            futures::executor::block_on(schemes.register(Epoch::new(e), deal.signer(3)));
        }
        assert_eq!(
            observer.epochs(),
            vec![Epoch::new(3), Epoch::new(4), Epoch::new(5)]
        );
        // A late registration of an old epoch is still served once it completes.
        futures::executor::block_on(schemes.register(Epoch::new(1), deal.signer(3)));
        assert!(observer.scheme(Epoch::new(1)).is_some());
        assert!(reasons.lock().unwrap().is_empty());
    }

    #[test]
    fn test_a_sharing_of_another_group_key_halts_and_never_registers() {
        let deal = Registration::new();
        let (other, other_shares) = deal_other(&deal);
        let (schemes, reasons) = deal.schemes(&deal.players[0]);
        let register = {
            let schemes = schemes.clone();
            let info = SchemeInfo::Signer {
                participants: deal.players.clone(),
                sharing: other.public().clone(),
                share: share_of(&other_shares, &deal.players[0]),
            };
            async move { schemes.register(Epoch::new(1), info).await }
        };
        assert!(!completes(register));
        assert!(schemes.scheme(Epoch::new(1)).is_none());
        let reasons = reasons.lock().unwrap();
        assert_eq!(reasons.len(), 1);
        assert!(reasons[0].contains("group key"), "{reasons:?}");
    }

    #[test]
    fn test_a_sharing_for_another_committee_halts_instead_of_panicking() {
        let deal = Registration::new();
        let (schemes, reasons) = deal.schemes(&deal.players[0]);
        let five = committee(5);
        let register = {
            let schemes = schemes.clone();
            let info = SchemeInfo::Verifier {
                participants: five,
                sharing: deal.output.public().clone(),
            };
            async move { schemes.register(Epoch::new(1), info).await }
        };
        assert!(!completes(register));
        assert_eq!(reasons.lock().unwrap().len(), 1);
    }

    fn address(port: u16) -> Address {
        Address::Symmetric(std::net::SocketAddr::from(([127, 0, 0, 1], port)))
    }

    fn addresses(keys: &Set<ed25519::PublicKey>) -> BTreeMap<ed25519::PublicKey, Address> {
        keys.iter()
            .enumerate()
            .map(|(i, k)| (k.clone(), address(9000 + i as u16)))
            .collect()
    }

    /// Committees on chain, as a finalized state would give them: each with the height that
    /// fixed it.
    type Entry = (u64, Vec<([u8; 32], String)>);

    #[derive(Clone, Default)]
    struct Fixed(Arc<Mutex<BTreeMap<u64, Entry>>>);

    impl Committees for Fixed {
        async fn committees(&self, height: u64, epoch: u64) -> Vec<Committee> {
            let fixed = self.0.lock().unwrap();
            // What a state at `height` holds: entries fixed at or before it.
            fixed
                .range(..=epoch)
                .filter(|(_, (at, _))| *at <= height)
                .map(|(from, (_, committee))| (*from, committee.clone()))
                .collect()
        }
    }

    fn raw(key: &ed25519::PublicKey) -> [u8; 32] {
        key.as_ref().try_into().unwrap()
    }

    #[test]
    fn test_the_genesis_committee_serves_until_the_chain_fixes_another() {
        const L: u64 = 10;
        let genesis = committee(4);
        let book = addresses(&genesis);
        let fixed = Fixed::default();
        let (halt, reasons) = halt_probe();
        let mut provider =
            ChainParticipants::new(genesis.clone(), book.clone(), L, fixed.clone(), 16, halt)
                .unwrap();
        // Fixed at block 10 (epoch 1's first) for epoch 3: six validators, two of them new.
        let six = committee(6);
        let entry = six
            .iter()
            .enumerate()
            .map(|(i, k)| (raw(k), format!("10.1.0.{i}:30400")))
            .collect();
        fixed.0.lock().unwrap().insert(3, (L, entry));
        futures::executor::block_on(async {
            for e in 0..3 {
                assert_eq!(provider.participants(Epoch::new(e)).await, genesis, "{e}");
            }
            for e in 3..6 {
                assert_eq!(provider.participants(Epoch::new(e)).await, six, "{e}");
            }
            // Epoch 3's record names epoch 2's dealers (genesis), its own players and epoch
            // 4's: the new ones at their addresses on chain.
            let directory = provider.directory(Epoch::new(3), six.clone()).await;
            assert!(commonware_glue::dkg::network::Directory::matches(
                &directory, &six
            ));
            assert_eq!(
                directory.get(&six[5]),
                Some(&Address::Symmetric("10.1.0.5:30400".parse().unwrap()))
            );
        });
        assert!(reasons.lock().unwrap().is_empty());

        // Two more committees follow (epochs 5 and 6, fixed at blocks 30 and 40); if resharing
        // to them failed, epoch 3's six still hold the shares, and their addresses are found.
        let (first, second) = (committee(4), Set::from_iter_dedup((10..14).map(key)));
        for (epoch, at, set) in [(5, 3 * L, &first), (6, 4 * L, &second)] {
            let entry = set
                .iter()
                .map(|k| (raw(k), "10.2.0.1:30400".to_string()))
                .collect();
            fixed.0.lock().unwrap().insert(epoch, (at, entry));
        }
        futures::executor::block_on(async {
            let peers = Set::from_iter_dedup(six.iter().chain(second.iter()).cloned());
            let directory = provider.directory(Epoch::new(6), peers.clone()).await;
            assert!(commonware_glue::dkg::network::Directory::matches(
                &directory, &peers
            ));
            // One of the six on no later committee: its address is epoch 3's.
            let (i, only_six) = six
                .iter()
                .enumerate()
                .find(|(_, k)| first.position(k).is_none())
                .unwrap();
            let expected = format!("10.1.0.{i}:30400").parse().unwrap();
            assert_eq!(directory.get(only_six), Some(&Address::Symmetric(expected)));
        });
        assert!(reasons.lock().unwrap().is_empty());

        // A peer on no committee has no address to give: halt rather than hand glue a
        // directory it would panic on.
        let stranger = Set::from_iter_dedup([genesis[0].clone(), key(77)]);
        let (halt, reasons) = halt_probe();
        let mut provider =
            ChainParticipants::new(genesis.clone(), book, L, fixed, 16, halt).unwrap();
        assert!(!completes(async move {
            provider.directory(Epoch::new(1), stranger).await
        }));
        assert_eq!(reasons.lock().unwrap().len(), 1);
    }

    #[test]
    fn test_unusable_genesis_committees_are_refused() {
        let validators = committee(4);
        let (halt, _) = halt_probe();
        let new = |set: Set<ed25519::PublicKey>, book, max| {
            ChainParticipants::new(set, book, 10, Fixed::default(), max, halt.clone())
        };
        assert!(matches!(
            new(Set::from_iter_dedup([]), BTreeMap::new(), 16),
            Err(ParticipantsError::Empty)
        ));
        let mut missing = addresses(&validators);
        missing.remove(&validators[2]);
        assert!(matches!(
            new(validators.clone(), missing, 16),
            Err(ParticipantsError::MissingAddress(k)) if k == hex::encode(validators[2].encode())
        ));
        let mut extra = addresses(&validators);
        extra.insert(key(50), address(1));
        assert!(matches!(
            new(validators.clone(), extra, 16),
            Err(ParticipantsError::UnknownAddress(_))
        ));
        assert!(matches!(
            new(validators.clone(), addresses(&validators), 3),
            Err(ParticipantsError::TooMany {
                validators: 4,
                max: 3
            })
        ));
    }
}
