//! Publishing a measurement series in a neuron's commitment, where anyone reading the chain
//! can plot it ([`plexus_rpc::series`]).

use plexus_keys::Keypair;
use plexus_primitives::H256;
use plexus_rpc::series::Series;
use plexus_rpc::{SubmitError, Submitter};
use plexus_runtime::{Call, CommitmentField, MAX_BIG_RAW};

/// Sets `hotkey`'s commitment on `netuid` to `series` (its newest points that fit one field),
/// preceded by `hash` if given (the BLAKE2b-256 of what the series describes, such as a
/// model), and waits until the block holding it is final. The chain limits how much a hotkey
/// may write per epoch, so publish once per round or less.
pub async fn publish_series(
    chain: &Submitter,
    hotkey: &Keypair,
    netuid: u16,
    hash: Option<H256>,
    series: &Series,
) -> Result<(), SubmitError> {
    let mut fields: Vec<CommitmentField> =
        hash.map(CommitmentField::Blake2_256).into_iter().collect();
    fields.push(CommitmentField::BigRaw(series.encode(MAX_BIG_RAW)));
    chain
        .submit(hotkey, Call::SetCommitment { netuid, fields })
        .await
        .map(|_| ())
}
