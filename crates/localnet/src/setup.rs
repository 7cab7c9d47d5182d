//! Setting the network up through RPC: subnets created and started, validators registered
//! and staked, miners registered. Each subnet's first validator also holds TAO on root, and its
//! second validates through a child hotkey: the first lends it half of its stake weight. Everything is read back from the chain first, so a resumed
//! localnet creates only what is missing; each account's calls go out together at
//! consecutive nonces and are awaited together, so setup takes a few blocks, not dozens.

use crate::error::LocalnetError;
use plexus_keys::Keypair;
use plexus_primitives::{AccountId, RAO_PER_TAO};
use plexus_rpc::types::MetagraphOptions;
use plexus_runtime::{Call, GovernanceCall, Hyperparameter};
use plexus_sdk::Submitter;

/// TAO each subnet validator stakes.
const VALIDATOR_STAKE_TAO: u64 = 1_000;

/// TAO each subnet's first validator also stakes on root.
const ROOT_STAKE_TAO: u64 = 1_000;

/// Signs `calls` by `signer` at consecutive nonces, submits them all, and waits until each is
/// final and succeeded.
pub(crate) async fn submit_all(
    chain: &Submitter,
    signer: &Keypair,
    calls: Vec<Call>,
) -> Result<(), LocalnetError> {
    if calls.is_empty() {
        return Ok(());
    }
    let mut watches = Vec::with_capacity(calls.len());
    for tx in chain.sign_all(signer, calls).await? {
        watches.push((tx.hash(), chain.watch(&tx).await?));
    }
    let results = futures::future::join_all(
        watches
            .into_iter()
            .map(|(hash, progress)| plexus_rpc::finality(hash, progress)),
    )
    .await;
    for result in results {
        result?;
    }
    Ok(())
}

/// A subnet to set up: its name and the hotkeys it needs.
pub(crate) struct Plan {
    pub(crate) name: String,
    /// Whether its validators timelock their weights (else they set them in the clear).
    pub(crate) timelocked: bool,
    pub(crate) owner_hotkey: AccountId,
    pub(crate) validators: Vec<AccountId>,
    pub(crate) miners: Vec<AccountId>,
}

/// Who pays: the subnet owner (who also governs the chain), the validators' coldkey and the
/// miners' coldkey.
pub(crate) struct Payers {
    pub(crate) owner: Keypair,
    pub(crate) validators: Keypair,
    pub(crate) miners: Keypair,
}

/// Sets up every planned subnet; returns their netuids in the plan's order.
pub(crate) async fn set_up(
    chain: &Submitter,
    payers: &Payers,
    plans: &[Plan],
    tempo: u16,
) -> Result<Vec<u16>, LocalnetError> {
    let client = chain.client();
    let find = |subnets: &[plexus_rpc::types::SubnetSummary], owner: &AccountId| {
        subnets
            .iter()
            .find(|s| s.owner_hotkey == *owner)
            .map(|s| s.netuid)
    };
    let existing = client.subnets(None).await?;
    let missing: Vec<Call> = plans
        .iter()
        .filter(|p| find(&existing, &p.owner_hotkey).is_none())
        .map(|p| Call::RegisterNetwork {
            hotkey: p.owner_hotkey,
        })
        .collect();
    submit_all(chain, &payers.owner, missing).await?;
    let subnets = client.subnets(None).await?;
    let netuids = plans
        .iter()
        .map(|p| {
            find(&subnets, &p.owner_hotkey)
                .ok_or_else(|| LocalnetError::Setup(format!("subnet {} was not created", p.name)))
        })
        .collect::<Result<Vec<u16>, _>>()?;

    // Start each subnet and set its timings (governance calls are free and idempotent).
    let mut owner_calls = Vec::new();
    for (plan, &netuid) in plans.iter().zip(&netuids) {
        let Some(info) = client.subnet(netuid, None).await? else {
            return Err(LocalnetError::Setup(format!("subnet {netuid} vanished")));
        };
        if info.summary.first_emission_block.is_none() {
            owner_calls.push(Call::StartCall { netuid });
        }
        let hyper = &info.hyperparameters;
        let wanted = [
            (hyper.tempo != tempo).then_some(Hyperparameter::Tempo(tempo)),
            (hyper.weights_rate_limit != u64::from(tempo / 2))
                .then_some(Hyperparameter::WeightsRateLimit(u64::from(tempo / 2))),
            // Weights timelocked to the chain's beacon: sealed a tempo ahead, opened by the
            // chain itself, so no validator can copy another's or withhold its own. Otherwise
            // in the clear: rewards show a tempo sooner than with hash commit-reveal.
            (hyper.commit_reveal != plan.timelocked)
                .then_some(Hyperparameter::CommitReveal(plan.timelocked)),
            (hyper.timelocked_weights != plan.timelocked)
                .then_some(Hyperparameter::TimelockedWeights(plan.timelocked)),
            (plan.timelocked && hyper.reveal_period_epochs != 1)
                .then_some(Hyperparameter::RevealPeriodEpochs(1)),
        ];
        owner_calls.extend(
            wanted
                .into_iter()
                .flatten()
                .map(|value| Call::Governance(GovernanceCall::SetHyperparameter { netuid, value })),
        );
    }
    submit_all(chain, &payers.owner, owner_calls).await?;

    // Registrations by two coldkeys, in parallel.
    let mut validator_calls = Vec::new();
    let mut miner_calls = Vec::new();
    for (plan, &netuid) in plans.iter().zip(&netuids) {
        let metagraph = client
            .metagraph(netuid, MetagraphOptions::default(), None)
            .await?
            .ok_or_else(|| LocalnetError::Setup(format!("subnet {netuid} has no metagraph")))?;
        let registered = |hotkey: &AccountId| metagraph.neurons.iter().any(|n| n.hotkey == *hotkey);
        for hotkey in plan.validators.iter().filter(|h| !registered(h)) {
            validator_calls.push(Call::BurnedRegister {
                netuid,
                hotkey: *hotkey,
            });
        }
        for hotkey in plan.miners.iter().filter(|h| !registered(h)) {
            miner_calls.push(Call::BurnedRegister {
                netuid,
                hotkey: *hotkey,
            });
        }
    }
    let (validators, miners) = tokio::join!(
        submit_all(chain, &payers.validators, validator_calls),
        submit_all(chain, &payers.miners, miner_calls)
    );
    validators?;
    miners?;

    let mut stake_calls = Vec::new();
    for (plan, &netuid) in plans.iter().zip(&netuids) {
        let metagraph = client
            .metagraph(netuid, MetagraphOptions::default(), None)
            .await?
            .ok_or_else(|| LocalnetError::Setup(format!("subnet {netuid} has no metagraph")))?;
        let neuron = |hotkey: &AccountId| metagraph.neurons.iter().find(|n| n.hotkey == *hotkey);
        for (i, hotkey) in plan.validators.iter().enumerate() {
            let Some(neuron) = neuron(hotkey) else {
                continue;
            };
            // The second validator stakes nothing: it validates with weight lent by the first.
            if i == 1 {
                let parent = plan.validators[0];
                let links = client.hotkey_links(parent, netuid, None).await?;
                if links.children.is_empty() && links.pending.is_none() {
                    stake_calls.push(Call::SetChildren {
                        hotkey: parent,
                        netuid,
                        children: vec![(u64::MAX / 2, *hotkey)],
                    });
                }
                continue;
            }
            if neuron.stake == 0 {
                stake_calls.push(Call::AddStake {
                    hotkey: *hotkey,
                    netuid,
                    amount: VALIDATOR_STAKE_TAO * RAO_PER_TAO,
                });
            }
            if i == 0 && neuron.root_stake == 0 {
                stake_calls.push(Call::AddStake {
                    hotkey: *hotkey,
                    netuid: plexus_runtime::ROOT_NETUID,
                    amount: ROOT_STAKE_TAO * RAO_PER_TAO,
                });
            }
        }
    }
    submit_all(chain, &payers.validators, stake_calls).await?;
    Ok(netuids)
}
