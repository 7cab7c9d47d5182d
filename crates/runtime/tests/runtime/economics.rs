//! Emission and epochs: alpha accumulates per block and each epoch pays it out as Yuma says.

use crate::harness::*;
use plexus_runtime::{Call, Event, GovernanceCall, Hyperparameter};

fn gov_set(netuid: u16, value: Hyperparameter) -> Call {
    Call::Governance(GovernanceCall::SetHyperparameter { netuid, value })
}

#[test]
fn test_epochs_pay_owner_miners_and_validator() {
    let mut net = Net::quick();
    let netuid = net.subnet(1, 101);
    net.ok(GOV, gov_set(netuid, Hyperparameter::CommitReveal(false)));
    net.ok(GOV, gov_set(netuid, Hyperparameter::WeightsRateLimit(0)));
    net.ok(GOV, gov_set(netuid, Hyperparameter::Tempo(20)));
    for s in 2..=4 {
        net.register(s, netuid, 100 + s);
    }
    // Nothing is emitted before the owner starts the subnet: its alpha is the pool's seed
    // (part of which registrations bought and burned).
    let seeded = net.chain.state().alpha_supply(netuid).issued;
    let supply = net.chain.state().alpha_supply(netuid);
    assert_eq!(
        seeded,
        net.chain.state().pool(netuid).unwrap().alpha + supply.burned
    );
    net.advance_to(net.block_number() + 5);
    assert_eq!(net.chain.state().alpha_supply(netuid).issued, seeded);
    net.ok(1, Call::StartCall { netuid });
    net.ok(
        101,
        Call::SetWeights {
            netuid,
            dests: vec![1, 2, 3],
            weights: vec![1, 2, 3],
            version_key: 0,
        },
    );
    // Two epochs: the first pays only the owner's cut (nobody had stake to weigh votes with);
    // from the second on, the owner hotkey's stake makes it the validator.
    let mut epochs = Vec::new();
    while epochs.len() < 3 {
        let (_, outcome) = net.block(vec![]);
        for (_, event) in outcome.events {
            if let Event::EpochRun { emission, .. } = event {
                epochs.push(emission);
            }
        }
        net.assert_supply_conserved();
    }
    let s = net.chain.state();
    let miners: Vec<u64> = (102..=104)
        .map(|h| s.stake(&account(h), &account(h - 100), netuid))
        .collect();
    // Incentive follows the owner's weights 1:2:3, within the rounding of u16 proportions.
    assert!(miners[0] > 0);
    for (k, m) in miners.iter().enumerate() {
        let ideal = (k as u64 + 1) * miners[0];
        assert!(m.abs_diff(ideal) <= ideal / 100_000, "{miners:?}");
    }
    // The owner's coldkey holds its cut and the dividends; nothing is left pending after the
    // epoch except what accrued since.
    let owner = s.stake(&account(101), &account(1), netuid);
    assert!(owner > miners.iter().sum::<u64>());
    let n0 = s.neuron(netuid, 0).unwrap();
    assert!(n0.validator_permit);
    assert!(n0.epoch.dividends > 0);
    assert_eq!(s.neuron(netuid, 3).unwrap().epoch.incentive, 32_767);
    let metagraph = s.metagraph(netuid).unwrap();
    assert_eq!(metagraph.neurons[3].epoch.incentive, 32_767);
    assert_eq!(metagraph.neurons[0].stake, owner);
    // The explorer's series: one record per epoch, with what it paid.
    let history = s.epoch_history(netuid);
    assert_eq!(history.len(), 3);
    assert_eq!(
        history.iter().map(|(_, r)| r.emission).collect::<Vec<_>>(),
        epochs
    );
    assert!(history
        .iter()
        .all(|(_, r)| r.tao_reserve > 0 && r.price > 0));
}

#[test]
fn test_delegate_take_bounds_and_rate_limit() {
    let mut net = Net::new(plexus_runtime::ChainParams {
        network_rate_limit: 0,
        network_min_lock: TAO,
        delegate_take_rate_limit: 10,
        ..plexus_runtime::ChainParams::default()
    });
    let netuid = net.subnet(1, 101);
    net.register(2, netuid, 102);
    let hotkey = account(102);
    let take = |take: u16| Call::DecreaseTake { hotkey, take };
    assert_eq!(net.chain.state().delegate_take(&hotkey), 11_796);
    assert_eq!(
        net.fails(3, take(100)),
        plexus_runtime::DispatchError::NotHotkeyOwner
    );
    assert!(matches!(
        net.fails(2, take(11_796)),
        plexus_runtime::DispatchError::InvalidTake { .. }
    ));
    net.ok(2, take(1_000));
    assert_eq!(net.chain.state().delegate_take(&hotkey), 1_000);
    let raise = |take: u16| Call::IncreaseTake { hotkey, take };
    assert!(matches!(
        net.fails(2, raise(11_797)),
        plexus_runtime::DispatchError::InvalidTake { .. }
    ));
    net.ok(2, raise(2_000));
    let at = net.block_number();
    assert_eq!(
        net.fails(2, raise(3_000)),
        plexus_runtime::DispatchError::RateLimited {
            allowed_at: at + 10
        }
    );
    // Decreases are never rate-limited.
    net.ok(2, take(500));
    net.advance_to(at + 9);
    net.ok(2, raise(3_000));
}
