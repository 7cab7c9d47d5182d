//! A series a neuron publishes in its commitment (here, a training subnet's held-out loss by
//! round) is drawn on its subnet's page, from a real dev node.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use plexus_primitives::H256;
use plexus_rpc::series::Series;
use plexus_sdk::publish_series;
use plexus_testkit::{create_subnet, key, register, DevNode};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_a_published_series_is_charted_on_its_subnet_page() {
    let alice = key("//Alice");
    let validator = key("//Alice//validator");
    let node = DevNode::start(&[alice.account()]);
    let chain = node.connect().await;
    let netuid = create_subnet(&chain, &alice, key("//Alice//owner").account(), &[]).await;
    register(&chain, &alice, netuid, &[validator.account()]).await;

    let mut series = Series::new("shared model's held-out loss", "nats/byte", 10_000);
    for round in 0..6 {
        series.push(round, 5.5 - f64::from(round) * 0.25);
    }
    let model = H256([7; 32]);
    publish_series(&chain, &validator, netuid, Some(model), &series)
        .await
        .unwrap();
    let published = chain
        .client()
        .commitments(netuid, Some(validator.account()), None)
        .await
        .unwrap();
    let fields = &published.commitments[0].fields;
    assert_eq!(fields.len(), 2);
    assert_eq!(Series::from_field(&fields[1]), Some(series.clone()));

    let explorer = plexus_explorer::Explorer::start(&node.url, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let page = reqwest::get(format!("http://{}/subnet/{netuid}", explorer.local_addr()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let section = page
        .split("<h2>Published by neurons</h2>")
        .nth(1)
        .expect("a section for published series")
        .split("<h2>")
        .next()
        .unwrap();
    assert!(
        section.contains("shared model&#39;s held-out loss (nats/byte), published by uid"),
        "{section}"
    );
    assert!(section.contains("<svg"), "{section}");
    // The model's hash is in the commitments table like any field.
    assert!(page.contains(&format!("{model}")[2..10]), "hash not shown");
}
