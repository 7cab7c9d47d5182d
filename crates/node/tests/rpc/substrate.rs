//! The Substrate-compatible interface: the handshake Bittensor's clients make, in the order
//! they make it (`../shared/spec/substrate-compat.md` §1.2), blocks and headers in Substrate's
//! shapes, nonces, head subscriptions, and bad input.

use crate::harness::{Harness, TAO, account, post_to};
use jsonrpsee_core::client::SubscriptionClientT;
use jsonrpsee_core::rpc_params;
use parity_scale_codec::Encode as _;
use plexus_rpc::error::{INVALID_PARAMS, METHOD_NOT_FOUND, UNKNOWN_BLOCK};
use plexus_rpc_server::{Backend as _, RpcConfig, RpcServer};
use plexus_runtime::Call;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::Duration;

async fn substrate(h: &Harness) -> RpcServer {
    let config = RpcConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        ..RpcConfig::default()
    };
    RpcServer::start_substrate(&config, h.node.core(), 12_000)
        .await
        .unwrap()
}

/// The answer's `result`, failing the test on an error.
async fn call(address: SocketAddr, method: &str, params: Value) -> Value {
    let answer = answer(address, method, params).await;
    assert!(answer.get("error").is_none(), "{method}: {answer}");
    answer["result"].clone()
}

async fn answer(address: SocketAddr, method: &str, params: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    post_to(address, body.to_string()).await.1
}

#[tokio::test]
async fn test_the_clients_handshake_and_block_reads() {
    let h = Harness::start().await;
    let (first, _) = h.node.produce_block();
    let (second, _) = h.node.produce_block();
    let server = substrate(&h).await;
    let at = server.local_addr();

    // bittensor 10's handshake: the head, its header, the runtime at its parent.
    let head = call(at, "chain_getHead", json!([])).await;
    assert_eq!(head, json!(second.header.hash()));
    let header = call(at, "chain_getHeader", json!([head])).await;
    assert_eq!(header["number"], "0x2");
    assert_eq!(header["parentHash"], json!(first.header.hash()));
    assert_eq!(header["stateRoot"], json!(second.header.state_root));
    assert_eq!(
        header["extrinsicsRoot"],
        json!(second.header.transactions_root)
    );
    assert_eq!(header["digest"], json!({"logs": []}));
    let version = call(at, "state_getRuntimeVersion", json!([header["parentHash"]])).await;
    assert_eq!(version["specName"], "node-subtensor");
    assert!(version["specVersion"].is_u64() && version["transactionVersion"].is_u64());
    // bittensor 11's: the runtime at the head, the genesis hash.
    assert_eq!(
        call(at, "state_getRuntimeVersion", json!([null])).await,
        version
    );
    let genesis = call(at, "chain_getBlockHash", json!([0])).await;
    assert_eq!(genesis, json!(h.node.genesis_hash()));
    assert_eq!(
        call(at, "chain_getHeader", json!([genesis])).await["parentHash"],
        json!(plexus_primitives::H256::default())
    );
    // Heights as numbers or hex, the best head by default.
    assert_eq!(
        call(at, "chain_getBlockHash", json!(["0x1"])).await,
        json!(first.header.hash())
    );
    assert_eq!(call(at, "chain_getBlockHash", json!([null])).await, head);
    assert_eq!(
        call(at, "chain_getBlockHash", json!([99])).await,
        Value::Null
    );
    assert_eq!(call(at, "chain_getFinalizedHead", json!([])).await, head);
    let block = call(at, "chain_getBlock", json!([head])).await;
    assert_eq!(block["block"]["header"], header);
    assert_eq!(block["block"]["extrinsics"], json!([]));

    let methods = call(at, "rpc_methods", json!([])).await;
    for needed in [
        "account_nextIndex",
        "system_accountNextIndex",
        "state_getRuntimeVersion",
        "chain_getHeader",
    ] {
        assert!(
            methods["methods"]
                .as_array()
                .unwrap()
                .contains(&json!(needed)),
            "{methods}"
        );
    }
    let properties = call(at, "system_properties", json!([])).await;
    assert_eq!(properties["ss58Format"], 42);
    assert_eq!(properties["tokenDecimals"], 9);
    assert_eq!(call(at, "system_chain", json!([])).await, "rpc-test");

    // The nonce counts what waits in the mempool.
    let sender = account(1).to_ss58();
    assert_eq!(call(at, "account_nextIndex", json!([sender])).await, 0);
    h.node.queue(
        1,
        Call::Transfer {
            dest: account(2),
            value: TAO,
        },
    );
    assert_eq!(call(at, "account_nextIndex", json!([sender])).await, 1);
    assert_eq!(
        call(at, "system_accountNextIndex", json!([sender])).await,
        1,
        "Substrate's older name"
    );
}

#[tokio::test]
async fn test_metadata_and_account_storage() {
    let h = Harness::start().await;
    let server = substrate(&h).await;
    let at = server.local_addr();
    // Option<OpaqueMetadata>: Some, its length, then "meta" and version 15; the argument with
    // or without its 0x, as the clients send either.
    for data in ["0x0f000000", "0f000000"] {
        let answer = call(
            at,
            "state_call",
            json!(["Metadata_metadata_at_version", data, null]),
        )
        .await;
        let bytes = hex::decode(answer.as_str().unwrap().trim_start_matches("0x")).unwrap();
        assert_eq!(bytes[0], 1, "Some");
        let start = bytes.windows(5).position(|w| w == b"meta\x0f").unwrap();
        assert!(start <= 5, "the compact length comes first");
    }
    assert_eq!(
        call(
            at,
            "state_call",
            json!(["Metadata_metadata_at_version", "0x0e000000", null])
        )
        .await,
        "0x00"
    );
    let missing = answer(
        at,
        "state_call",
        json!(["SubnetInfoRuntimeApi_get_subnets_info", "", null]),
    )
    .await;
    assert!(
        missing["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Exported method SubnetInfoRuntimeApi_get_subnets_info is not found"),
        "{missing}"
    );

    // System.Account of a funded account: nonce and free balance as AccountInfo.
    let key = |n: u32| {
        format!(
            "0x{}",
            hex::encode(plexus_substrate::StorageKey::SystemAccount(account(n)).encode())
        )
    };
    let value = call(at, "state_getStorageAt", json!([key(1), null])).await;
    let bytes = hex::decode(value.as_str().unwrap().trim_start_matches("0x")).unwrap();
    let nonce = u32::from_le_bytes(bytes[0..4].try_into().unwrap());
    let free = u64::from_le_bytes(bytes[16..24].try_into().unwrap());
    assert_eq!((nonce, free), (0, 1_000_000 * TAO));
    assert_eq!(call(at, "state_getStorage", json!([key(1)])).await, value);
    // Several keys at once, in the order asked, with the block they were read at.
    let batch = call(
        at,
        "state_queryStorageAt",
        json!([[key(1), key(999)], null]),
    )
    .await;
    assert_eq!(
        batch[0]["block"],
        call(at, "chain_getHead", json!([])).await
    );
    assert_eq!(
        batch[0]["changes"],
        json!([[key(1), value], [key(999), null]])
    );
    // No item served yet has entries to list: every page is empty, as the clients accept.
    let token_symbols = format!(
        "0x{}",
        hex::encode(plexus_substrate::prefix("SubtensorModule", "TokenSymbol"))
    );
    assert_eq!(
        call(
            at,
            "state_getKeysPaged",
            json!([token_symbols, 100, token_symbols, null])
        )
        .await,
        json!([])
    );
    // An account holding nothing, and keys of items not served, are absent.
    assert_eq!(
        call(at, "state_getStorageAt", json!([key(999), null])).await,
        Value::Null
    );
    assert_eq!(
        call(at, "state_getStorageAt", json!(["0x26aa", null])).await,
        Value::Null
    );
}

#[tokio::test]
async fn test_bad_input_gets_errors_the_clients_understand() {
    let h = Harness::start().await;
    let server = substrate(&h).await;
    let at = server.local_addr();
    let code = |answer: Value| answer["error"]["code"].as_i64().unwrap_or_default();
    assert_eq!(
        code(answer(at, "state_getMetadataOfNothing", json!([])).await),
        i64::from(METHOD_NOT_FOUND)
    );
    assert_eq!(
        code(answer(at, "chain_getHeader", json!(["0x1234"])).await),
        i64::from(INVALID_PARAMS)
    );
    assert_eq!(
        code(answer(at, "chain_getBlockHash", json!(["twelve"])).await),
        i64::from(INVALID_PARAMS)
    );
    assert_eq!(
        code(answer(at, "account_nextIndex", json!(["not an address"])).await),
        i64::from(INVALID_PARAMS)
    );
    let unknown = json!(plexus_primitives::H256([7; 32]));
    assert_eq!(
        call(at, "chain_getHeader", json!([unknown])).await,
        Value::Null
    );
    assert_eq!(
        code(answer(at, "state_getRuntimeVersion", json!([unknown])).await),
        i64::from(UNKNOWN_BLOCK)
    );
    assert_eq!(
        code(
            answer(
                at,
                "state_call",
                json!(["Metadata_metadata_at_version", "0xzz", null])
            )
            .await
        ),
        i64::from(INVALID_PARAMS)
    );
    assert_eq!(
        code(
            answer(
                at,
                "state_call",
                json!(["Metadata_metadata_at_version", "0x0f", null])
            )
            .await
        ),
        i64::from(INVALID_PARAMS)
    );
    assert_eq!(
        code(answer(at, "state_getStorageAt", json!(["not hex", null])).await),
        i64::from(INVALID_PARAMS)
    );
    assert_eq!(
        code(
            answer(
                at,
                "state_call",
                json!(["Metadata_metadata_at_version", "0x0f000000", unknown])
            )
            .await
        ),
        i64::from(UNKNOWN_BLOCK)
    );
    // Runtime APIs: arguments that do not decode as declared, too short or too long, and a
    // method nobody serves, in Substrate's words.
    for data in ["0x01", "0x010000"] {
        let refused = answer(
            at,
            "state_call",
            json!(["NeuronInfoRuntimeApi_get_neurons_lite", data, null]),
        )
        .await;
        assert_eq!(
            code(refused.clone()),
            i64::from(INVALID_PARAMS),
            "{refused}"
        );
        assert!(
            refused["error"]["message"]
                .as_str()
                .unwrap()
                .contains("Bad input data provided to NeuronInfoRuntimeApi_get_neurons_lite"),
            "{refused}"
        );
    }
    let refused = answer(
        at,
        "state_call",
        // A vector claiming 2^30 indexes in three bytes.
        json!([
            "SubnetInfoRuntimeApi_get_selective_metagraph",
            "0x0100fefffffff0",
            null
        ]),
    )
    .await;
    assert_eq!(
        code(refused.clone()),
        i64::from(INVALID_PARAMS),
        "{refused}"
    );
    let refused = answer(at, "state_call", json!(["NoSuchApi_method", "0x", null])).await;
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Exported method NoSuchApi_method is not found"),
        "{refused}"
    );
    // A storage key of the wrong length (a netuid of one byte, an account cut short, a byte
    // too many) names nothing: `null`, as Substrate answers any key it holds no value under.
    let networks_added =
        plexus_substrate::StorageKey::Subnet(plexus_substrate::SubnetItem::NetworksAdded, 1)
            .encode();
    let account_key = plexus_substrate::StorageKey::SystemAccount(account(1)).encode();
    for key in [
        networks_added[..33].to_vec(),
        [networks_added.clone(), vec![0]].concat(),
        account_key[..60].to_vec(),
        vec![0x26],
    ] {
        let key = format!("0x{}", hex::encode(key));
        assert_eq!(
            call(at, "state_getStorage", json!([key, null])).await,
            Value::Null
        );
    }
    // A metadata version it does not serve is `None`, as Substrate answers it.
    assert_eq!(
        call(
            at,
            "state_call",
            json!(["Metadata_metadata_at_version", "0x0e000000", null])
        )
        .await,
        json!("0x00")
    );
    // And it still serves.
    assert!(call(at, "chain_getHead", json!([])).await.is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_head_subscriptions_in_substrates_shape() {
    let h = Harness::start().await;
    let server = substrate(&h).await;
    let client = jsonrpsee_ws_client::WsClientBuilder::default()
        .build(format!("ws://{}", server.local_addr()))
        .await
        .unwrap();
    let mut finalized = client
        .subscribe::<Value, _>(
            "chain_subscribeFinalizedHeads",
            rpc_params![],
            "chain_unsubscribeFinalizedHeads",
        )
        .await
        .unwrap();
    let mut new = client
        .subscribe::<Value, _>(
            "chain_subscribeNewHeads",
            rpc_params![],
            "chain_unsubscribeNewHeads",
        )
        .await
        .unwrap();
    let (block, _) = h.node.produce_block();
    for subscription in [&mut finalized, &mut new] {
        let header = tokio::time::timeout(Duration::from_secs(10), subscription.next())
            .await
            .expect("a header within 10 s")
            .unwrap()
            .unwrap();
        assert_eq!(header["number"], "0x1");
        assert_eq!(header["stateRoot"], json!(block.header.state_root));
    }
}

#[tokio::test]
async fn test_subnet_storage_the_clients_read() {
    use plexus_substrate::{StorageKey, SubnetItem};
    let h = Harness::start().await;
    let netuid = h.node.subnet(1, 101);
    h.node.register_many(netuid, [102, 103]);
    let server = substrate(&h).await;
    let at = server.local_addr();
    let read = |key: StorageKey| async move {
        let key = format!("0x{}", hex::encode(key.encode()));
        let value = call(at, "state_getStorageAt", json!([key, null])).await;
        value
            .as_str()
            .map(|v| hex::decode(v.trim_start_matches("0x")).unwrap())
    };
    let chain = h.node.finalized();
    let state = chain.state();
    let params = state.hyperparameters(netuid).unwrap();

    assert_eq!(
        read(StorageKey::Subnet(SubnetItem::NetworksAdded, netuid)).await,
        Some(vec![1])
    );
    assert_eq!(
        read(StorageKey::Subnet(SubnetItem::NetworksAdded, netuid + 1)).await,
        None
    );
    assert_eq!(
        read(StorageKey::Subnet(SubnetItem::Tempo, netuid)).await,
        Some(params.tempo.to_le_bytes().to_vec())
    );
    assert_eq!(
        read(StorageKey::Subnet(SubnetItem::WeightsSetRateLimit, netuid)).await,
        Some(params.weights_rate_limit.to_le_bytes().to_vec())
    );
    // The owner's hotkey is uid 0, then the registrations in order.
    for (hotkey, uid) in [(101u32, 0u16), (102, 1), (103, 2)] {
        assert_eq!(
            read(StorageKey::Uids(netuid, account(hotkey))).await,
            Some(uid.to_le_bytes().to_vec())
        );
    }
    assert_eq!(read(StorageKey::Uids(netuid, account(104))).await, None);
    assert_eq!(
        read(StorageKey::IsNetworkMember(account(102), netuid)).await,
        Some(vec![1])
    );

    // Listing: a hotkey's memberships, every subnet, in pages after a start key.
    let hex_key = |key: StorageKey| format!("0x{}", hex::encode(key.encode()));
    let page = |prefix: String, count: u32, start: String| async move {
        call(
            at,
            "state_getKeysPaged",
            json!([prefix, count, start, null]),
        )
        .await
    };
    let member = hex_key(StorageKey::IsNetworkMember(account(102), netuid));
    let prefix = member[..2 + 2 * 80].to_string();
    assert_eq!(
        page(prefix.clone(), 100, prefix.clone()).await,
        json!([member])
    );
    assert_eq!(page(prefix, 100, member.clone()).await, json!([]));
    let networks = format!(
        "0x{}",
        hex::encode(plexus_substrate::prefix("SubtensorModule", "NetworksAdded"))
    );
    assert_eq!(
        page(networks.clone(), 100, networks.clone()).await,
        json!([hex_key(StorageKey::Subnet(
            SubnetItem::NetworksAdded,
            netuid
        ))])
    );
    let uids = format!(
        "0x{}",
        hex::encode(plexus_substrate::prefix("SubtensorModule", "Uids"))
    );
    let all = page(uids.clone(), 100, uids.clone()).await;
    assert_eq!(all.as_array().unwrap().len(), 3, "{all}");
    let first_two = page(uids.clone(), 2, uids.clone()).await;
    let rest = page(uids, 100, first_two[1].as_str().unwrap().to_string()).await;
    assert_eq!(rest, json!([all[2]]));
    // LastUpdate: a Vec<u64> of every uid's last update, SCALE: compact length 3, then each.
    let last = read(StorageKey::Subnet(SubnetItem::LastUpdate, netuid))
        .await
        .unwrap();
    assert_eq!(last[0], 3 << 2);
    for uid in 0..3u16 {
        let at = 1 + 8 * usize::from(uid);
        let update = u64::from_le_bytes(last[at..at + 8].try_into().unwrap());
        assert_eq!(update, state.neuron(netuid, uid).unwrap().last_update);
    }

    // The selective metagraph: only the fields asked for, by index (7 is `block`; 500 is no
    // field), each `None` (one zero byte) otherwise; the subnet's netuid always.
    let head = h.node.finalized().head().number;
    let mut data = netuid.to_le_bytes().to_vec();
    data.extend(vec![7u16, 500].encode());
    let answer = call(
        at,
        "state_call",
        json!([
            "SubnetInfoRuntimeApi_get_selective_metagraph",
            format!("0x{}", hex::encode(&data)),
            null
        ]),
    )
    .await;
    let answer = hex::decode(&answer.as_str().unwrap()[2..]).unwrap();
    let mut expected = vec![1u8]; // Some
    expected.extend(parity_scale_codec::Compact(netuid).encode());
    expected.extend([0u8; 6]);
    expected.push(1);
    expected.extend(parity_scale_codec::Compact(head).encode());
    expected.extend([0u8; 66]);
    assert_eq!(answer, expected);

    // Storage and runtime APIs answer at the block asked for: a neuron registered later is in
    // the head's answers and not in the older block's.
    let before = call(at, "chain_getHead", json!([])).await;
    h.node.register_many(netuid, [104]);
    let neurons = |block: Value| async move {
        let data = format!("0x{}", hex::encode(netuid.to_le_bytes()));
        let answer = call(
            at,
            "state_call",
            json!(["NeuronInfoRuntimeApi_get_neurons_lite", data, block]),
        )
        .await;
        // A Vec's compact length, under 64 here: one byte.
        hex::decode(&answer.as_str().unwrap()[2..]).unwrap()[0] >> 2
    };
    assert_eq!(neurons(before.clone()).await, 3);
    assert_eq!(neurons(Value::Null).await, 4);
    let uid_of_104 = format!(
        "0x{}",
        hex::encode(StorageKey::Uids(netuid, account(104)).encode())
    );
    assert_eq!(
        call(at, "state_getStorage", json!([uid_of_104.clone(), before])).await,
        Value::Null
    );
    assert_eq!(
        call(at, "state_getStorage", json!([uid_of_104, null])).await,
        json!("0x0300")
    );
    // That block's System.Events: the registration's fee, the registration, its success, all
    // at transaction 0 (Bittensor's pallet and event indices; spec §6.3).
    let events = format!("0x{}", hex::encode(StorageKey::SystemEvents.encode()));
    let events = call(at, "state_getStorage", json!([events, null])).await;
    let events = hex::decode(&events.as_str().unwrap()[2..]).unwrap();
    assert_eq!(events[0], 3 << 2, "three records");
    let at_tx_0 = [0u8, 0, 0, 0, 0];
    assert_eq!(events[1..6], at_tx_0);
    assert_eq!(
        events[6..8],
        [6, 0],
        "TransactionPayment.TransactionFeePaid"
    );
    let second = 8 + 32 + 8 + 8 + 1;
    assert_eq!(events[second..second + 5], at_tx_0);
    assert_eq!(
        events[second + 5..second + 7],
        [7, 6],
        "SubtensorModule.NeuronRegistered"
    );
    assert_eq!(
        events[second + 7..second + 9],
        netuid.to_le_bytes(),
        "its netuid"
    );
    assert_eq!(
        events[second + 9..second + 11],
        3u16.to_le_bytes(),
        "its uid"
    );
    let third = second + 7 + 2 + 2 + 32 + 1;
    assert_eq!(events[third..third + 5], at_tx_0);
    assert_eq!(
        events[third + 5..third + 7],
        [0, 0],
        "System.ExtrinsicSuccess"
    );
    assert_eq!(events.len(), third + 7 + 4 + 1);
}

/// `Balances.transfer_keep_alive(dest, value)`.
fn transfer_call(dest: u32, value: u64) -> Vec<u8> {
    let mut call = vec![5, 3, 0];
    call.extend_from_slice(&account(dest).0);
    parity_scale_codec::Compact(value).encode_to(&mut call);
    call
}

/// An immortal extrinsic of key `n` signed over what the caller says: the spec version and
/// metadata-hash mode the payload and extensions carry.
fn signed_as(h: &Harness, n: u32, nonce: u32, spec_version: u32, mode: u8, call: &[u8]) -> Vec<u8> {
    use parity_scale_codec::Compact;
    let mut extra = vec![0];
    Compact(nonce).encode_to(&mut extra);
    Compact(0u64).encode_to(&mut extra);
    extra.push(mode);
    let genesis = h.node.genesis_hash();
    let mut payload = call.to_vec();
    payload.extend_from_slice(&extra);
    spec_version.encode_to(&mut payload);
    plexus_runtime::extrinsic::TRANSACTION_VERSION.encode_to(&mut payload);
    payload.extend_from_slice(&genesis.0);
    payload.extend_from_slice(&genesis.0);
    payload.push(0);
    let signature = plexus_primitives::sign(&crate::harness::keypair(n), &payload);
    let mut body = vec![0x84, 0x00];
    body.extend_from_slice(&account(n).0);
    body.push(0x01);
    body.extend_from_slice(&signature.0);
    body.extend_from_slice(&extra);
    body.extend_from_slice(call);
    let mut bytes = Compact(u32::try_from(body.len()).unwrap()).encode();
    bytes.extend(body);
    bytes
}

#[tokio::test]
async fn test_bad_extrinsics_are_refused_before_the_pool_and_change_nothing() {
    use plexus_runtime::extrinsic::{self, SPEC_VERSION};
    let h = Harness::start().await;
    let server = substrate(&h).await;
    let at = server.local_addr();
    for _ in 0..3 {
        h.node.produce_block();
    }
    let genesis = h.node.genesis_hash();
    let key = crate::harness::keypair(1);
    let transfer = transfer_call(2, TAO);
    let submit = |bytes: Vec<u8>| async move {
        let hex = format!("0x{}", hex::encode(bytes));
        answer(at, "author_submitExtrinsic", json!([hex])).await
    };

    // One good transfer, applied, so that its nonce is used.
    let good = extrinsic::sign(&key, genesis, None, 0, &transfer);
    call(
        at,
        "author_submitExtrinsic",
        json!([format!("0x{}", hex::encode(&good))]),
    )
    .await;
    h.node.produce_block();
    // Mortal for 4 blocks from the head, then outlived.
    let head = h.node.finalized().head().clone();
    let expiring = extrinsic::sign(
        &key,
        genesis,
        Some((4, head.number, head.hash())),
        1,
        &transfer,
    );
    for _ in 0..5 {
        h.node.produce_block();
    }
    let root = h.node.state_root();
    let balance = |n| h.node.finalized().state().balance(&account(n));
    let (before_1, before_2) = (balance(1), balance(2));

    let mut flipped = extrinsic::sign(&key, genesis, None, 1, &transfer);
    flipped[50] ^= 1;
    let mut trailing = extrinsic::sign(&key, genesis, None, 1, &transfer);
    trailing.push(0);
    let mut mechanism = vec![7, 119, 1, 0, 1];
    mechanism.extend([0u8; 3]); // no uids, no weights, then the version key
    mechanism.extend(0u64.encode());
    let oversize = extrinsic::sign(&key, genesis, None, 1, &vec![0; 70 * 1024]);
    let invalid = |data: &str| (1010, Some(data.to_string()));
    let format = (1001, None);
    for (what, bytes, (code, data)) in [
        (
            "a bad signature",
            flipped,
            invalid("Transaction has a bad signature"),
        ),
        (
            "another chain's genesis",
            extrinsic::sign(&key, plexus_primitives::H256([9; 32]), None, 1, &transfer),
            invalid("Transaction has a bad signature"),
        ),
        (
            "the next spec version",
            signed_as(&h, 1, 1, SPEC_VERSION + 1, 0, &transfer),
            invalid("Transaction has a bad signature"),
        ),
        (
            "an expired era",
            expiring,
            invalid("Transaction has an ancient birth block"),
        ),
        ("a replayed nonce", good, invalid("Transaction is outdated")),
        ("trailing bytes", trailing, format.clone()),
        (
            "an unknown call index",
            extrinsic::sign(&key, genesis, None, 1, &[7, 250]),
            format.clone(),
        ),
        (
            "a metadata hash mode of 1",
            signed_as(&h, 1, 1, SPEC_VERSION, 1, &transfer),
            format.clone(),
        ),
        (
            "a mechanism other than 0",
            extrinsic::sign(&key, genesis, None, 1, &mechanism),
            format.clone(),
        ),
        ("an oversize body", oversize, format.clone()),
    ] {
        let answer = submit(bytes).await;
        let error = &answer["error"];
        assert_eq!(error["code"], code, "{what}: {answer}");
        if let Some(data) = data {
            assert_eq!(error["data"], data, "{what}: {answer}");
        } else {
            let message = error["message"].as_str().unwrap();
            assert!(
                message.starts_with("Extrinsic has invalid format: "),
                "{what}: {answer}"
            );
        }
    }
    assert_eq!(h.node.mempool_len(), 0, "nothing entered the pool");
    h.node.produce_block();
    let (block, _) = h.node.produce_block();
    assert!(block.transactions.is_empty());
    assert_eq!((balance(1), balance(2)), (before_1, before_2));
    assert_ne!(h.node.state_root(), root, "blocks were made");
}
