//! The explorer in headless Chromium against a real dev node (run in this process) whose subnet
//! has a validator setting weights and two miners after a few epochs: every page loads without
//! console errors and shows the numbers the RPC gives, search finds each kind of thing, markup
//! in a subnet's name stays text, and screenshots of the main pages go to the build directory.
//!
//! Chromium comes from Debian's `chromium` package (`.ci/run` installs it).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use plexus_primitives::{AccountId, RAO_PER_TAO};
use plexus_rpc::types::{BlockId, MetagraphOptions};
use plexus_runtime::{Call, Hyperparameter, SubnetIdentity};
use plexus_sdk::{run_validator, Metagraph, Round, Validator, ValidatorSettings};
use plexus_testkit::{create_subnet, key, register, stake, DevNode};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const HOSTILE_NAME: &str = r#"<img src=x onerror="document.title='pwned'">"#;

struct Fixed(Vec<(AccountId, f64)>);

impl Validator for Fixed {
    async fn forward(&mut self, round: Round<'_>) -> Vec<(u16, f64)> {
        self.0
            .iter()
            .filter_map(|(hotkey, reward)| Some((round.snapshot.uid(hotkey)?, *reward)))
            .collect()
    }
}

/// What headless Chromium made of a page: its DOM and any console errors.
struct Loaded {
    dom: String,
    console_errors: Vec<String>,
}

fn chromium(url: &str, screenshot: Option<&Path>) -> Loaded {
    let profile = tempfile::tempdir().unwrap();
    let mut command = Command::new("chromium");
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
        // Wall-clock, not virtual time: the page's live-update stream never ends, and virtual
        // time stands still while a request is open.
        "--timeout=2500",
        "--window-size=1280,1100",
    ]);
    command.arg(format!("--user-data-dir={}", profile.path().display()));
    match screenshot {
        Some(path) => command.arg(format!("--screenshot={}", path.display())),
        None => command.arg("--dump-dom"),
    };
    let out = command
        .arg(url)
        .output()
        .expect("chromium (Debian package `chromium`)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The pages log nothing, so any console line is a failure (errors and uncaught exceptions
    // alike).
    let console_errors = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    Loaded {
        dom: String::from_utf8_lossy(&out.stdout).into_owned(),
        console_errors,
    }
}

fn load(url: &str) -> String {
    let loaded = chromium(url, None);
    assert!(
        loaded.console_errors.is_empty(),
        "{url}: {:?}",
        loaded.console_errors
    );
    assert!(
        loaded.dom.contains("</main>"),
        "{url} did not render:\n{}",
        loaded.dom
    );
    loaded.dom
}

fn shots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("explorer-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_every_page_loads_and_agrees_with_the_rpc() {
    let (alice, bob, charlie) = (key("//Alice"), key("//Bob"), key("//Charlie"));
    let node = DevNode::start(&[alice.account(), bob.account(), charlie.account()]);
    let chain = node.connect().await;
    let (validator, good, bad) = (
        key("//Bob//validator"),
        key("//Charlie//good"),
        key("//Charlie//bad"),
    );
    let netuid = create_subnet(
        &chain,
        &alice,
        key("//Alice//owner").account(),
        &[
            Hyperparameter::CommitReveal(false),
            Hyperparameter::WeightsRateLimit(2),
            Hyperparameter::Tempo(6),
        ],
    )
    .await;
    let identity = SubnetIdentity {
        name: HOSTILE_NAME.into(),
        ..SubnetIdentity::default()
    };
    chain
        .submit(&alice, Call::SetSubnetIdentity { netuid, identity })
        .await
        .unwrap();
    register(&chain, &bob, netuid, &[validator.account()]).await;
    register(&chain, &charlie, netuid, &[good.account(), bad.account()]).await;
    let transfer = chain
        .submit(
            &bob,
            Call::Transfer {
                dest: charlie.account(),
                value: 7 * RAO_PER_TAO,
            },
        )
        .await
        .unwrap();
    stake(&chain, &bob, netuid, validator.account(), 1_000).await;

    // A validator scoring the good miner high until the miners' incentives show it.
    let metagraph = Metagraph::follow(&node.url, netuid).await.unwrap();
    let state = tempfile::tempdir().unwrap();
    let settings = ValidatorSettings {
        netuid,
        moving_average_alpha: 0.5,
        state_path: state.path().join("v.json"),
        version_key: 0,
        round_interval: Duration::from_millis(200),
    };
    let mut logic = Fixed(vec![(good.account(), 1.0), (bad.account(), 0.1)]);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let watch = async {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let m = chain
                .client()
                .metagraph(netuid, MetagraphOptions::default(), None)
                .await
                .unwrap()
                .unwrap();
            let incentive =
                |h: &AccountId| m.neurons.iter().find(|n| n.hotkey == *h).unwrap().incentive;
            if incentive(&good.account()) > incentive(&bad.account()) && m.block > 40 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "no incentive after several epochs"
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        let _ = stop.send(());
    };
    let run = run_validator(
        &chain,
        &validator,
        &metagraph,
        &settings,
        &mut logic,
        async {
            let _ = stopped.await;
        },
    );
    let (result, ()) = tokio::join!(run, watch);
    result.unwrap();

    let explorer = plexus_explorer::Explorer::start(&node.url, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let base = format!("http://{}", explorer.local_addr());
    let client = chain.client();
    let shots = shots_dir();

    // Chromium blocks, so the pages load on the blocking pool while the explorer serves.
    let (bob_id, charlie_id) = (bob.account(), charlie.account());
    let good_uid = client
        .metagraph(netuid, MetagraphOptions::default(), None)
        .await
        .unwrap()
        .unwrap()
        .neurons
        .iter()
        .find(|n| n.hotkey == good.account())
        .unwrap()
        .uid;
    let pages = tokio::task::spawn_blocking({
        let base = base.clone();
        let shots = shots.clone();
        move || {
            for (name, path) in [
                ("overview", "/".to_string()),
                ("subnet", format!("/subnet/{netuid}")),
                ("neuron", format!("/neuron/{netuid}/{good_uid}")),
            ] {
                let file = shots.join(format!("{name}.png"));
                let _ = std::fs::remove_file(&file);
                let shot = chromium(&format!("{base}{path}"), Some(&file));
                assert!(
                    shot.console_errors.is_empty(),
                    "{path}: {:?}",
                    shot.console_errors
                );
                assert!(
                    std::fs::metadata(&file).unwrap().len() > 10_000,
                    "{name} screenshot"
                );
            }
            let get = |path: &str| load(&format!("{base}{path}"));
            (
                get("/"),
                get(&format!("/subnet/{netuid}")),
                get(&format!("/neuron/{netuid}/{good_uid}")),
                get("/blocks"),
                get(&format!("/block/{}", transfer.block_number)),
                get(&format!("/tx/{}", transfer.block_hash)),
                get(&format!("/account/{charlie_id}")),
                get("/subnets"),
                get(&format!("/search?q=sn{netuid}")),
                get(&format!("/search?q={bob_id}")),
                get(&format!("/search?q={}", transfer.block_number)),
            )
        }
    })
    .await
    .unwrap();
    let (
        overview,
        subnet,
        neuron,
        blocks,
        block,
        _,
        account,
        subnets,
        by_netuid,
        by_address,
        by_height,
    ) = pages;

    assert!(overview.contains("Finalized height"));
    assert!(overview.contains(&format!("/subnet/{netuid}")));
    let m = client
        .metagraph(
            netuid,
            MetagraphOptions {
                weights: true,
                bonds: false,
            },
            None,
        )
        .await
        .unwrap()
        .unwrap();
    for n in &m.neurons {
        assert!(
            subnet.contains(&format!(r#"title="{}""#, n.hotkey)),
            "uid {}",
            n.uid
        );
        assert!(subnet.contains(&format!(r#"data-sort="{}""#, n.incentive)));
    }
    assert!(subnet.contains("<svg class=\"heatmap\""), "weights heatmap");
    // Markup in a name is shown as text, never run.
    assert!(subnet.contains("&lt;img src=x"), "name not escaped");
    assert!(!subnet.contains("<img src=x"));
    assert!(!subnet.contains("<title>pwned"));
    let validator_uid = m
        .neurons
        .iter()
        .find(|n| n.hotkey == validator.account())
        .unwrap()
        .uid;
    assert!(
        neuron.contains(&format!("/neuron/{netuid}/{validator_uid}")),
        "weights received"
    );
    // A full page of 25 blocks, and a link to older ones.
    assert_eq!(blocks.matches("<tr>").count(), 26, "{blocks}");
    assert!(blocks.contains("older →"));
    let info = client
        .block(BlockId::Number(transfer.block_number))
        .await
        .unwrap()
        .unwrap();
    assert!(block.contains(&info.header.state_root.to_string()));
    assert!(block.contains("transfer"));
    let balance = client
        .account(charlie.account(), None)
        .await
        .unwrap()
        .balance;
    let whole = balance / RAO_PER_TAO;
    assert!(
        account.contains(&format!("{}", whole % 1000)),
        "balance {balance}"
    );
    assert!(subnets.contains("&lt;img"));
    assert!(by_netuid.contains(&format!("Subnet {netuid}")));
    assert!(by_address.contains(&bob.account().to_string()));
    assert!(by_height.contains(&format!("Block {}", transfer.block_number)));

    // Garbage gets a clear page, not a crash.
    let missing = tokio::task::spawn_blocking(move || {
        chromium(
            &format!("{base}/search?q=%3Cscript%3Ealert(1)%3C/script%3E"),
            None,
        )
        .dom
    })
    .await
    .unwrap();
    assert!(missing.contains("nothing matches"));
    assert!(!missing.contains("<script>alert"));
}
