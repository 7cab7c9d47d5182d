//! Calls over HTTP: submission changes state as queries report it, and every query agrees with
//! the runtime's own state.

use crate::harness::{GOV, Harness, TAO, account};
use parity_scale_codec::Encode as _;
use plexus_rpc::types::{BlockId, Event, MetagraphOptions, SwapDirection, TxStatus};
use plexus_rpc_server::Backend;
use plexus_runtime::{Call, GovernanceCall, Hyperparameter, SignedTransaction};

#[tokio::test]
async fn test_submit_batch_answers_each_transaction_in_order() {
    let h = Harness::start().await;
    let transfer = Call::Transfer {
        dest: account(2),
        value: TAO,
    };
    let first = h.node.tx(1, transfer.clone());
    let mut forged = h.node.tx(3, transfer.clone());
    if let SignedTransaction::Plexus { signature, .. } = &mut forged {
        signature.0[0] ^= 1;
    }
    // Signed for nonce 0 as well: the first one took it.
    let replay = first.clone();
    let other = h.node.tx(4, transfer);
    let answers = h
        .client
        .submit_batch(&[first.clone(), forged, replay, other.clone()])
        .await
        .unwrap();
    assert_eq!(answers.len(), 4);
    assert_eq!(answers[0].as_ref().unwrap(), &first.hash());
    assert_eq!(answers[1].as_ref().unwrap_err().code(), Some(1000));
    assert_eq!(answers[2].as_ref().unwrap_err().code(), Some(1001));
    assert_eq!(answers[3].as_ref().unwrap(), &other.hash());
    assert_eq!(h.node.mempool_len(), 2);
}

#[tokio::test]
async fn test_sync_blocks_serves_finalized_blocks_with_their_proofs() {
    let h = Harness::start().await;
    let mut blocks = Vec::new();
    for _ in 0..5 {
        h.node.queue(
            1,
            Call::Transfer {
                dest: account(2),
                value: TAO,
            },
        );
        blocks.push(h.node.produce_block().0);
    }
    let batch = h.client.sync_blocks(2, Some(3)).await.unwrap();
    assert_eq!(batch.finalized, 5);
    let heights: Vec<u64> = batch.blocks.iter().map(|b| b.height).collect();
    assert_eq!(heights, [2, 3, 4]);
    for served in &batch.blocks {
        let block = &blocks[served.height as usize - 1];
        assert_eq!(served.block.0, block.encode());
        let proof = served.finality.as_ref().map(|p| p.0.clone());
        let expected = (served.height % 2 == 0).then(|| block.header.hash().0.to_vec());
        assert_eq!(proof, expected, "height {}", served.height);
    }
    // Genesis is built from the chain spec, never served; past the head there is nothing yet.
    let from_zero = h.client.sync_blocks(0, Some(1)).await.unwrap();
    assert_eq!(from_zero.blocks[0].height, 1);
    assert!(
        h.client
            .sync_blocks(6, None)
            .await
            .unwrap()
            .blocks
            .is_empty()
    );
    // Without a limit, everything up to the head (the server's cap is far above five).
    assert_eq!(h.client.sync_blocks(1, None).await.unwrap().blocks.len(), 5);
}

#[tokio::test]
async fn test_submitted_transfer_is_finalized_and_queries_follow() {
    let h = Harness::start().await;
    let (alice, bob) = (account(1), account(2));
    let before = h.client.account(alice, None).await.unwrap();
    let bob_before = h.client.account(bob, None).await.unwrap();
    assert_eq!(before.balance, 1_000_000 * TAO);
    assert_eq!(before.nonce, 0);

    let tx = h.node.tx(
        1,
        Call::Transfer {
            dest: bob,
            value: 5 * TAO,
        },
    );
    let fee = h.client.estimate_fee(&tx).await.unwrap();
    let hash = h.client.submit(&tx).await.unwrap();
    assert_eq!(hash, tx.hash());

    let pending = h.client.transaction(hash).await.unwrap().unwrap();
    assert_eq!(pending.status, TxStatus::Pending);
    let nonce = h.client.next_nonce(alice).await.unwrap();
    assert_eq!((nonce.finalized, nonce.pending), (0, 1));
    assert_eq!(h.client.health().await.unwrap().pending_transactions, 1);

    h.node.produce_block();

    let after = h.client.account(alice, None).await.unwrap();
    assert_eq!(after.nonce, 1);
    assert_eq!(after.balance, before.balance - 5 * TAO - fee.total);
    assert_eq!(
        h.client.account(bob, None).await.unwrap().balance,
        bob_before.balance + 5 * TAO
    );
    // The old balance is still there at block 0.
    let at_genesis = h
        .client
        .account(alice, Some(BlockId::Number(0)))
        .await
        .unwrap();
    assert_eq!(at_genesis.balance, before.balance);

    let info = h.client.transaction(hash).await.unwrap().unwrap();
    assert_eq!(info.status, TxStatus::Finalized);
    let inclusion = info.inclusion.unwrap();
    assert_eq!(inclusion.block_number, 1);
    assert!(inclusion.success);
    assert!(inclusion.events.contains(&Event::Transfer {
        from: alice,
        to: bob,
        amount: 5 * TAO
    }));
    assert!(inclusion.events.contains(&Event::FeePaid {
        who: alice,
        fee: fee.total
    }));
    let details = info.transaction.unwrap();
    assert_eq!((details.signer, details.nonce), (alice, 0));
    assert_eq!(details.call, "transfer");

    let by_number = h.client.block(BlockId::Number(1)).await.unwrap().unwrap();
    let by_hash = h
        .client
        .block(BlockId::Hash(inclusion.block_hash))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_number, by_hash);
    assert_eq!(by_number.transactions.len(), 1);
    assert_eq!(by_number.transactions[0].hash, hash);
    assert_eq!(h.client.finalized_head().await.unwrap(), by_number.header);
    assert!(h.client.block(BlockId::Number(2)).await.unwrap().is_none());
    assert_eq!(h.client.health().await.unwrap().pending_transactions, 0);
}

#[tokio::test]
async fn test_system_info_names_the_chain() {
    let h = Harness::start().await;
    let info = h.client.info().await.unwrap();
    let chain = h.node.finalized();
    assert_eq!(info.chain_id, "rpc-test");
    assert_eq!(info.genesis_hash, chain.genesis_hash());
    assert_eq!(info.params, chain.state().chain_params());
    assert_eq!(info.total_issuance, 20 * 1_000_000 * TAO + 1000 * TAO);
    let genesis = h.client.block(BlockId::Number(0)).await.unwrap().unwrap();
    assert_eq!(genesis.header.hash, info.genesis_hash);
    assert!(genesis.transactions.is_empty());
}

#[tokio::test]
async fn test_metagraph_matches_the_state() {
    let h = Harness::start().await;
    let netuid = h.node.subnet(1, 100);
    h.node.register_many(netuid, 101..=105);
    h.node.block_with(vec![
        h.node.tx(
            102,
            Call::ServeAxon {
                netuid,
                version: 7,
                ip: u128::from(u32::from(std::net::Ipv4Addr::new(10, 0, 0, 2))),
                port: 8091,
                ip_type: 4,
                protocol: 4,
            },
        ),
        h.node.tx(
            3,
            Call::AddStake {
                hotkey: account(101),
                netuid,
                amount: 10 * TAO,
            },
        ),
        h.node.tx(
            4,
            Call::AddStake {
                hotkey: account(103),
                netuid: plexus_runtime::ROOT_NETUID,
                amount: 25 * TAO,
            },
        ),
        h.node.tx(
            GOV,
            Call::Governance(GovernanceCall::SetHyperparameter {
                netuid,
                value: Hyperparameter::CommitReveal(false),
            }),
        ),
    ]);
    h.node.block_with(vec![h.node.tx(
        GOV,
        Call::Governance(GovernanceCall::SetHyperparameter {
            netuid,
            value: Hyperparameter::WeightsRateLimit(0),
        }),
    )]);
    // The owner hotkey may set weights without a validator permit.
    h.node.block_with(vec![h.node.tx(
        100,
        Call::SetWeights {
            netuid,
            dests: vec![1, 2],
            weights: vec![100, 300],
            version_key: 0,
        },
    )]);

    let metagraph = h
        .client
        .metagraph(netuid, MetagraphOptions::default(), None)
        .await
        .unwrap()
        .unwrap();
    let chain = h.node.finalized();
    let state = chain.state();
    assert_eq!(metagraph.netuid, netuid);
    assert_eq!(metagraph.block, chain.head().number);
    assert_eq!(metagraph.block_hash, chain.head().hash());
    assert_eq!(metagraph.n, 6);
    assert_eq!(metagraph.neurons.len(), 6);
    for (uid, neuron) in metagraph.neurons.iter().enumerate() {
        let n = state.neuron(netuid, uid as u16).unwrap();
        assert_eq!(neuron.uid, uid as u16);
        assert_eq!(neuron.hotkey, n.hotkey);
        assert_eq!(neuron.coldkey, state.hotkey_owner(&n.hotkey));
        assert_eq!(neuron.stake, state.hotkey_stake(&n.hotkey, netuid));
        assert_eq!(neuron.root_stake, state.hotkey_stake(&n.hotkey, 0));
        assert_eq!(neuron.registered_at, n.registered_at);
        assert_eq!(neuron.last_update, n.last_update);
        assert_eq!(neuron.validator_permit, n.validator_permit);
        assert_eq!(neuron.emission, n.emission);
        assert_eq!(neuron.incentive, n.epoch.incentive);
        assert_eq!(neuron.dividends, n.epoch.dividends);
        assert_eq!(neuron.consensus, n.epoch.consensus);
        assert_eq!(neuron.validator_trust, n.epoch.validator_trust);
        assert_eq!(neuron.active, n.epoch.active);
        assert!(neuron.weights.is_none() && neuron.bonds.is_none());
    }
    assert_eq!(metagraph.neurons[0].hotkey, account(100));
    assert_eq!(metagraph.neurons[0].coldkey, Some(account(1)));
    assert_eq!(metagraph.neurons[1].hotkey, account(101));
    assert!(metagraph.neurons[1].stake > 0);
    assert_eq!(metagraph.neurons[3].root_stake, 25 * TAO);
    let axon = metagraph.neurons[2].axon.as_ref().unwrap();
    assert_eq!(
        (axon.ip.as_str(), axon.port, axon.version),
        ("10.0.0.2", 8091, 7)
    );
    assert!(metagraph.neurons[1].axon.is_none());

    let with_weights = h
        .client
        .metagraph(
            netuid,
            MetagraphOptions {
                weights: true,
                bonds: true,
            },
            None,
        )
        .await
        .unwrap()
        .unwrap();
    for neuron in &with_weights.neurons {
        assert_eq!(
            neuron.weights.as_deref(),
            Some(state.weights(netuid, neuron.uid))
        );
        assert_eq!(
            neuron.bonds.as_deref(),
            Some(state.bonds(netuid, neuron.uid))
        );
    }
    assert_eq!(
        with_weights.neurons[0].weights.as_deref(),
        Some(&[(1, 21_845), (2, 65_535)][..])
    );
    assert!(
        h.client
            .metagraph(99, MetagraphOptions::default(), None)
            .await
            .unwrap()
            .is_none()
    );

    // A new block, a new metagraph (answers are cached per block).
    h.node.register_many(netuid, [106]);
    let next = h
        .client
        .metagraph(netuid, MetagraphOptions::default(), None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(next.n, 7);
    assert_eq!(next.neurons[6].hotkey, account(106));
    assert_eq!(next.block, metagraph.block + 1);
    // The old block's metagraph is still there with `at`.
    let old = h
        .client
        .metagraph(
            netuid,
            MetagraphOptions::default(),
            Some(plexus_rpc::types::BlockId::Hash(metagraph.block_hash)),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(old, metagraph);
}

#[tokio::test]
async fn test_subnets_pool_stake_and_swap_match_the_runtime() {
    let h = Harness::start().await;
    let netuid = h.node.subnet(1, 100);
    h.node.block_with(vec![h.node.tx(
        3,
        Call::AddStake {
            hotkey: account(100),
            netuid,
            amount: 50 * TAO,
        },
    )]);
    let chain = h.node.finalized();
    let state = chain.state();
    let pool = state.pool(netuid).unwrap();

    let subnets = h.client.subnets(None).await.unwrap();
    assert_eq!(subnets.len(), 1);
    assert_eq!(subnets[0].netuid, netuid);
    assert_eq!(subnets[0].owner_coldkey, account(1));
    assert_eq!(subnets[0].tao_reserve, pool.tao);
    assert!(subnets[0].price > 0);
    assert!(subnets[0].tao_emission > 0, "a started subnet gets TAO");
    assert!(subnets[0].alpha_emission > 0);

    let subnet = h.client.subnet(netuid, None).await.unwrap().unwrap();
    assert_eq!(subnet.summary, subnets[0]);
    assert_eq!(
        &subnet.hyperparameters,
        state.hyperparameters(netuid).unwrap()
    );
    assert!(h.client.subnet(42, None).await.unwrap().is_none());

    let rpc_pool = h.client.pool(netuid, None).await.unwrap().unwrap();
    assert_eq!(
        (rpc_pool.tao_reserve, rpc_pool.alpha_reserve),
        (pool.tao, pool.alpha)
    );
    assert_eq!(rpc_pool.price, subnets[0].price);

    let buy = h
        .client
        .simulate_swap(netuid, SwapDirection::Buy, 7 * TAO, None)
        .await
        .unwrap();
    let expected = state.simulate_buy(netuid, 7 * TAO).unwrap();
    assert_eq!(
        (buy.amount_in, buy.fee, buy.amount_out),
        (expected.amount_in, expected.fee, expected.amount_out)
    );
    assert!(buy.price_after > buy.price_before);

    let stake = h.client.stake(account(3), None).await.unwrap();
    assert_eq!(stake.stakes.len(), 1);
    assert_eq!(stake.stakes[0].hotkey, account(100));
    assert_eq!(
        stake.stakes[0].alpha,
        state.stake(&account(100), &account(3), netuid)
    );
    assert!(stake.stakes[0].tao_value.unwrap() > 0);
    // Nothing was simulated for real.
    assert_eq!(h.node.finalized().state().pool(netuid), Some(pool));
}

#[tokio::test]
async fn test_network_lock_cost_and_delegate_take_match_the_runtime() {
    let h = Harness::start().await;
    let before = h.client.network_lock_cost(None).await.unwrap();
    let chain = h.node.finalized();
    let state = chain.state();
    assert_eq!(before.lock_cost, state.network_lock_cost(state.block() + 1));
    assert_eq!(before.block, state.block());

    // A registration locks what was quoted and raises the next quote (the lock doubles).
    let netuid = h.node.subnet(1, 100);
    let subnet = h.client.subnet(netuid, None).await.unwrap().unwrap();
    assert_eq!(subnet.locked, before.lock_cost);
    let after = h.client.network_lock_cost(None).await.unwrap();
    assert!(after.lock_cost > before.lock_cost, "{after:?}");
    assert_eq!(before.allowed_at, 0, "no subnet registered yet");
    let params = h.node.finalized().state().chain_params();
    assert_eq!(
        after.allowed_at,
        subnet.summary.registered_at + params.network_rate_limit
    );

    let take = h.client.delegate_take(account(100), None).await.unwrap();
    let params = h.node.finalized().state().chain_params();
    assert_eq!(take.take, params.max_delegate_take);
    assert_eq!(take.hotkey, account(100));
}

#[tokio::test]
async fn test_account_transactions_page_newest_first_and_limits_are_checked() {
    let h = Harness::start().await;
    let (alice, bob, carol) = (account(1), account(2), account(3));
    let mut sent = Vec::new();
    for i in 0..5u64 {
        // Alice pays Bob, and Carol pays Alice: both concern Alice; only the first Bob.
        let to_bob = h.node.tx(
            1,
            Call::Transfer {
                dest: bob,
                value: TAO + i,
            },
        );
        let to_alice = h.node.tx(
            3,
            Call::Transfer {
                dest: alice,
                value: TAO,
            },
        );
        h.client.submit(&to_bob).await.unwrap();
        h.client.submit(&to_alice).await.unwrap();
        h.node.produce_block();
        sent.push((to_bob.hash(), to_alice.hash()));
    }
    let all = h
        .client
        .account_transactions(alice, None, None)
        .await
        .unwrap();
    let hashes: Vec<_> = all.transactions.iter().map(|t| t.hash).collect();
    let expected: Vec<_> = sent
        .iter()
        .rev()
        .flat_map(|(to_bob, to_alice)| {
            let mut block = [*to_bob, *to_alice];
            // Within a block, the later position comes first.
            block.sort_by_key(|hash| {
                std::cmp::Reverse(
                    all.transactions
                        .iter()
                        .find(|t| t.hash == *hash)
                        .map(|t| t.position.index),
                )
            });
            block
        })
        .collect();
    assert_eq!(hashes, expected);
    assert_eq!(all.next, None);
    assert!(
        all.transactions
            .iter()
            .all(|t| t.success && t.call == "transfer")
    );
    assert_eq!(
        all.transactions
            .iter()
            .filter(|t| t.signer == carol)
            .count(),
        5
    );
    let for_bob = h
        .client
        .account_transactions(bob, None, None)
        .await
        .unwrap();
    assert_eq!(for_bob.transactions.len(), 5);
    assert!(for_bob.transactions.iter().all(|t| t.signer == alice));

    // Pages of three: the second starts below the first and ends the list.
    let first = h
        .client
        .account_transactions(alice, None, Some(3))
        .await
        .unwrap();
    assert_eq!(first.transactions, all.transactions[..3]);
    let second = h
        .client
        .account_transactions(alice, first.next, Some(3))
        .await
        .unwrap();
    assert_eq!(second.transactions, all.transactions[3..6]);
    let rest = h
        .client
        .account_transactions(alice, second.next, Some(100))
        .await
        .unwrap();
    assert_eq!(rest.transactions, all.transactions[6..]);
    assert_eq!(rest.next, None);

    for limit in [0, 101] {
        let error = h
            .client
            .account_transactions(alice, None, Some(limit))
            .await
            .unwrap_err();
        assert!(
            error.to_string().contains("limit must be from 1 to 100"),
            "{error}"
        );
    }
}

#[tokio::test]
async fn test_identities_and_delegates_as_the_state_has_them() {
    let h = Harness::start().await;
    let netuid = h.node.subnet(1, 101);
    let identity = plexus_runtime::ChainIdentity {
        name: "Validator One".into(),
        url: "https://one.example".into(),
        ..Default::default()
    };
    h.node.block_with(vec![
        h.node.tx(
            1,
            Call::SetIdentity {
                identity: identity.clone(),
            },
        ),
        h.node.tx(
            2,
            Call::AddStake {
                hotkey: account(101),
                netuid,
                amount: 10 * TAO,
            },
        ),
    ]);
    let client = &h.client;
    let info = client.identity(account(1), None).await.unwrap();
    assert_eq!(info.identity, Some(identity.clone()));
    assert_eq!(
        client.identity(account(2), None).await.unwrap().identity,
        None
    );

    let delegates = client.delegates(None).await.unwrap();
    let one = delegates
        .delegates
        .iter()
        .find(|d| d.hotkey == account(101))
        .unwrap();
    assert_eq!(one.owner, account(1));
    assert_eq!(one.identity, Some(identity));
    assert_eq!(one.registrations, vec![netuid]);
    let stake = one.stakes.iter().find(|s| s.netuid == netuid).unwrap();
    let state = h.node.finalized();
    let state = state.state();
    assert_eq!(one.take, state.delegate_take(&account(101)));
    for nomination in &stake.nominators {
        assert_eq!(
            nomination.alpha,
            state.stake(&account(101), &nomination.coldkey, netuid)
        );
    }
    assert!(stake.nominators.iter().any(|n| n.coldkey == account(2)));
    assert_eq!(
        stake.total_alpha,
        stake.nominators.iter().map(|n| n.alpha).sum::<u64>()
    );

    // One coldkey's view: the delegates it stakes through, with its own stake there alone.
    let mine = client.delegated_by(account(2), None).await.unwrap();
    assert_eq!(mine.delegates.len(), 1);
    let delegate = &mine.delegates[0];
    assert_eq!((delegate.hotkey, delegate.take), (account(101), one.take));
    assert_eq!(delegate.stakes.len(), 1);
    assert_eq!(delegate.stakes[0].total_alpha, stake.total_alpha);
    assert_eq!(
        delegate.stakes[0].nominators,
        vec![plexus_rpc::types::Nomination {
            coldkey: account(2),
            alpha: state.stake(&account(101), &account(2), netuid),
        }]
    );
    let none = client.delegated_by(account(9), None).await.unwrap();
    assert!(none.delegates.is_empty());
}

#[tokio::test]
async fn test_root_stakes_claims_and_hotkey_links_as_the_state_has_them() {
    let h = Harness::start().await;
    let netuid = h.node.subnet(1, 101);
    h.node.register_many(netuid, [102]);
    let root = plexus_runtime::ROOT_NETUID;
    let events = h.node.block_with(vec![
        h.node.tx(
            3,
            Call::AddStake {
                hotkey: account(101),
                netuid: root,
                amount: 50 * TAO,
            },
        ),
        h.node.tx(
            1,
            Call::SetChildren {
                hotkey: account(101),
                netuid,
                children: vec![(u64::MAX / 2, account(102))],
            },
        ),
    ]);
    let events2 = h.node.block_with(vec![h.node.tx(
        1,
        Call::SetChildkeyTake {
            hotkey: account(101),
            netuid,
            take: 1_000,
        },
    )]);
    assert!(
        !events
            .iter()
            .chain(&events2)
            .any(|(_, e)| matches!(e, plexus_runtime::Event::TransactionFailed { .. }))
    );
    let client = &h.client;
    let state = h.node.finalized();
    let state = state.state();

    let info = client.root(None).await.unwrap();
    assert_eq!(info.total_tao, 50 * TAO);
    assert_eq!(info.num_root_claims, 5);
    let subnet = info.subnets.iter().find(|s| s.netuid == netuid).unwrap();
    let ppb = (state.root_proportion(netuid) * 1_000_000_000) >> 32;
    assert!(subnet.root_proportion_ppb > 0);
    assert_eq!(u128::from(subnet.root_proportion_ppb), ppb);

    let claims = client.root_claims(account(3), None).await.unwrap();
    assert_eq!(claims.claim_type, plexus_runtime::RootClaimType::Swap);
    assert_eq!(claims.stakes.len(), 1);
    assert_eq!(
        (claims.stakes[0].hotkey, claims.stakes[0].tao),
        (account(101), 50 * TAO)
    );
    assert!(claims.owed.is_empty());

    // The subnet has started: the children wait for their cooldown.
    let links = client
        .hotkey_links(account(101), netuid, None)
        .await
        .unwrap();
    assert!(links.children.is_empty());
    let pending = links.pending.unwrap();
    assert_eq!(pending.children.len(), 1);
    assert_eq!(
        (pending.children[0].hotkey, pending.children[0].proportion),
        (account(102), u64::MAX / 2)
    );
    assert_eq!(
        Some(pending.cooldown_block),
        state
            .pending_children(&account(101), netuid)
            .map(|p| p.cooldown_block)
    );
    assert_eq!(links.childkey_take, 1_000);
    assert_eq!(links.inherited_root, 50 * TAO);
    assert_eq!(
        links.stake_weight,
        state.stake_weight(netuid, &account(101))
    );
}
