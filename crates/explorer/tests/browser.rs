//! The explorer in headless Chromium against a real dev node (run in this process) whose subnet
//! has a validator setting weights and two miners after a few epochs, with stake on root, child
//! hotkeys and named owners: every page loads without console errors and shows the numbers the
//! RPC gives, search finds each kind of thing, markup in a subnet's or an owner's name stays
//! text, and screenshots of the main pages go to the build directory.
//!
//! Chromium comes from Debian's `chromium` package and is driven through ChromeDriver, from
//! `chromium-driver` (`.ci/run` installs both).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use plexus_primitives::{blake2_256, AccountId, H256, RAO_PER_TAO};
use plexus_rpc::types::{BlockId, MetagraphOptions};
use plexus_runtime::{
    Call, ChainIdentity, ChainParam, CommitmentField, GovernanceCall, Hyperparameter, ProxyType,
    SubnetIdentity, ROOT_NETUID,
};
use plexus_sdk::{run_validator, Metagraph, Round, Validator, ValidatorSettings};
use plexus_testkit::{create_subnet, key, register, stake, DevNode};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const HOSTILE_NAME: &str = r#"<img src=x onerror="document.title='pwned'">"#;

/// Bob's name for himself, and how it reads in the page's DOM: as text, markup and all.
const BOB_NAME: &str = "Bob <validators> & co";
const BOB_NAME_IN_DOM: &str = "Bob &lt;validators&gt; &amp; co";

/// What the good miner's hotkey commits on the subnet, and how it reads in the page's DOM.
const COMMITMENT: &[u8] = b"<script>x</script>";
const COMMITMENT_IN_DOM: &str = "&lt;script&gt;x&lt;/script&gt;";

struct Fixed(Vec<(AccountId, f64)>);

impl Validator for Fixed {
    async fn forward(&mut self, round: Round<'_>) -> Vec<(u16, f64)> {
        self.0
            .iter()
            .filter_map(|(hotkey, reward)| Some((round.snapshot.uid(hotkey)?, *reward)))
            .collect()
    }
}

/// What Chromium made of a page: its DOM, and what its console said.
struct Loaded {
    dom: String,
    console: Vec<String>,
}

/// The flags every Chromium here runs with: headless, no connections of its own to the outside,
/// and a window the size of the screenshots.
const CHROMIUM_FLAGS: [&str; 9] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1100",
];

/// Longest any one WebDriver command may take, loading a page included, so that a hung browser
/// fails the test instead of stalling it.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// A headless Chromium session kept open through ChromeDriver (Debian package
/// `chromium-driver`), through which every page is loaded and its console read.
///
/// The console comes from ChromeDriver's browser log, which it fills from the DevTools
/// protocol: console calls, uncaught exceptions and failed loads. Chromium's stderr cannot be
/// used: recent headless builds write no console lines there.
struct Browser {
    driver: std::process::Child,
    http: reqwest::Client,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    async fn start() -> Self {
        let port = plexus_testkit::free_addr().port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("chromedriver (Debian package `chromium-driver`)");
        let http = reqwest::Client::builder()
            .timeout(COMMAND_TIMEOUT)
            .build()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while http.get(format!("{base}/status")).send().await.is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().unwrap();
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| f.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        // Loads end before the command's own timeout, so a slow page reports itself as such.
        let page_load_ms = COMMAND_TIMEOUT.as_millis() * 2 / 3;
        let capabilities = serde_json::json!({
            "capabilities": {"alwaysMatch": {
                "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args},
                "goog:loggingPrefs": {"browser": "ALL"},
                "timeouts": {"pageLoad": page_load_ms, "script": 5_000},
            }}
        });
        let created = post(&http, &format!("{base}/session"), capabilities).await;
        let session = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {created}"))
            .to_string();
        Self {
            driver,
            http,
            session: format!("{base}/session/{session}"),
            _profile: profile,
        }
    }

    async fn command(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        post(&self.http, &format!("{}{path}", self.session), body).await
    }

    /// Navigates to `url` and waits for its load event.
    async fn open(&self, url: &str) {
        self.command("/url", serde_json::json!({ "url": url }))
            .await;
    }

    /// `url` once it has loaded, with everything the console said since the last look.
    async fn visit(&self, url: &str) -> Loaded {
        self.open(url).await;
        let dom = self
            .script("return document.documentElement.outerHTML;", &[])
            .await;
        Loaded {
            dom,
            console: self.console().await,
        }
    }

    /// A page that must load cleanly: it rendered, and its console stayed silent. The pages log
    /// nothing, so any entry fails: console calls and uncaught exceptions alike, and failed
    /// loads too.
    async fn load(&self, url: &str) -> String {
        let loaded = self.visit(url).await;
        assert!(loaded.console.is_empty(), "{url}: {:?}", loaded.console);
        assert!(
            loaded.dom.contains("</main>"),
            "{url} did not render:\n{}",
            loaded.dom
        );
        loaded.dom
    }

    /// The console entries since the last call (ChromeDriver hands each out once), as
    /// `LEVEL message`.
    async fn console(&self) -> Vec<String> {
        let entries = self
            .command("/se/log", serde_json::json!({ "type": "browser" }))
            .await;
        entries
            .as_array()
            .unwrap_or_else(|| panic!("browser log: {entries}"))
            .iter()
            .map(|e| format!("{} {}", e["level"].as_str().unwrap_or("?"), e["message"]))
            .collect()
    }

    /// What `script` returns, as text.
    async fn script(&self, script: &str, args: &[&str]) -> String {
        let value = self
            .command(
                "/execute/sync",
                serde_json::json!({ "script": script, "args": args }),
            )
            .await;
        value
            .as_str()
            .unwrap_or_else(|| panic!("{script}: {value}"))
            .to_string()
    }

    /// The text of the element with id `id`.
    async fn text(&self, id: &str) -> String {
        self.script(
            "return document.getElementById(arguments[0]).textContent;",
            &[id],
        )
        .await
    }

    /// The window as it shows now, saved as a PNG at `path`.
    async fn screenshot(&self, path: &Path) {
        let value = answer(self.http.get(format!("{}/screenshot", self.session))).await;
        let encoded = value
            .as_str()
            .unwrap_or_else(|| panic!("screenshot: {value}"));
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap();
        std::fs::write(path, png).unwrap();
    }
}

impl Drop for Browser {
    /// Ends the session, and with it Chromium, which would outlive ChromeDriver; on a thread of
    /// its own so that it works from any runtime, and while a failed test unwinds.
    fn drop(&mut self) {
        let session = self.session.clone();
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(runtime) = runtime {
                let end = reqwest::Client::new().delete(session).send();
                let _ =
                    runtime.block_on(async { tokio::time::timeout(COMMAND_TIMEOUT, end).await });
            }
        })
        .join();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// A WebDriver command sent with `body`: what it answered.
async fn post(http: &reqwest::Client, url: &str, body: serde_json::Value) -> serde_json::Value {
    answer(http.post(url).json(&body)).await
}

/// What a WebDriver request answered (the `value` of its reply); a refusal fails the test.
async fn answer(request: reqwest::RequestBuilder) -> serde_json::Value {
    let reply: serde_json::Value = request.send().await.unwrap().json().await.unwrap();
    let value = reply["value"].clone();
    assert!(value.get("error").is_none(), "{value}");
    value
}

fn shots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("explorer-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_every_page_loads_and_agrees_with_the_rpc() {
    let (alice, bob, charlie) = (key("//Alice"), key("//Bob"), key("//Charlie"));
    let (dave, eve) = (key("//Dave"), key("//Eve"));
    let node = DevNode::start(&[
        alice.account(),
        bob.account(),
        charlie.account(),
        dave.account(),
        eve.account(),
    ]);
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
    // Charlie describes himself in hostile words too; his page shows them as text.
    let identity = plexus_runtime::ChainIdentity {
        name: HOSTILE_NAME.into(),
        url: "https://charlie.example".into(),
        ..plexus_runtime::ChainIdentity::default()
    };
    chain
        .submit(&charlie, Call::SetIdentity { identity })
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
    // Forty-two transfers signed beforehand and submitted in one batch, for a block whose events
    // fill several table pages; three signers, since the pool keeps only a few nonces ahead.
    let mut txs = Vec::new();
    for signer in [&alice, &dave, &eve] {
        let calls = (0..14u64)
            .map(|k| Call::Transfer {
                dest: charlie.account(),
                value: RAO_PER_TAO + k,
            })
            .collect();
        txs.extend(chain.sign_all(signer, calls).await.unwrap());
    }
    let hashes: Vec<H256> = chain
        .client()
        .submit_batch(&txs)
        .await
        .unwrap()
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let mut included = std::collections::BTreeMap::<u64, usize>::new();
    let mut newest = (0, 0, H256::default());
    for &hash in &hashes {
        let inclusion = loop {
            let info = chain.client().transaction(hash).await.unwrap();
            if let Some(inclusion) = info.and_then(|i| i.inclusion) {
                break inclusion;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        *included.entry(inclusion.block_number).or_default() += 1;
        newest = newest.max((inclusion.block_number, inclusion.index, hash));
    }
    let newest = newest.2;
    let (&busy_block, &busy_count) = included.iter().max_by_key(|(_, n)| **n).unwrap();
    assert!(busy_count >= 17, "transfers spread over {included:?}");

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

    // Bob stakes TAO on root through his validator, and names himself.
    let root_stake = 100 * RAO_PER_TAO;
    let call = Call::AddStake {
        hotkey: validator.account(),
        netuid: ROOT_NETUID,
        amount: root_stake,
    };
    chain.submit(&bob, call).await.unwrap();
    let identity = ChainIdentity {
        name: BOB_NAME.into(),
        ..ChainIdentity::default()
    };
    chain
        .submit(&bob, Call::SetIdentity { identity })
        .await
        .unwrap();
    // On the started subnet, the validator's children wait for their cooldown.
    let call = Call::SetChildren {
        hotkey: validator.account(),
        netuid,
        children: vec![(u64::MAX / 2, bad.account())],
    };
    chain.submit(&bob, call).await.unwrap();
    // Dave's subnet is never started, so the child he gives its owner hotkey counts at once.
    let call = Call::Governance(GovernanceCall::SetChainParam(ChainParam::NetworkRateLimit(
        0,
    )));
    chain.submit(&alice, call).await.unwrap();
    let (parent, child) = (key("//Dave//owner"), key("//Dave//child"));
    let hotkey = parent.account();
    chain
        .submit(&dave, Call::RegisterNetwork { hotkey })
        .await
        .unwrap();
    let unstarted = chain
        .client()
        .subnets(None)
        .await
        .unwrap()
        .iter()
        .find(|s| s.owner_hotkey == parent.account())
        .unwrap()
        .netuid;
    register(&chain, &dave, unstarted, &[child.account()]).await;
    let call = Call::SetChildren {
        hotkey: parent.account(),
        netuid: unstarted,
        children: vec![(u64::MAX / 4, child.account())],
    };
    chain.submit(&dave, call).await.unwrap();
    // Eve lets Bob stake for her, then announces a swap to a new coldkey; from then on she can
    // make no other call, so she signs nothing after this.
    let call = Call::AddProxy {
        delegate: bob.account(),
        proxy_type: ProxyType::Staking,
        delay: 0,
    };
    let proxy_added = chain.submit(&eve, call).await.unwrap();
    let new_coldkey_hash = blake2_256(&key("//Eve//new").account().0);
    let swap_announced = chain
        .submit(&eve, Call::AnnounceColdkeySwap { new_coldkey_hash })
        .await
        .unwrap();
    // The good miner's hotkey publishes markup, which every page shows as text.
    let call = Call::SetCommitment {
        netuid,
        fields: vec![CommitmentField::Raw(COMMITMENT.to_vec())],
    };
    chain.submit(&good, call).await.unwrap();

    let explorer = plexus_explorer::Explorer::start(&node.url, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let base = format!("http://{}", explorer.local_addr());
    let client = chain.client();
    let shots = shots_dir();

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
    let transfer_hash = client
        .block(BlockId::Number(transfer.block_number))
        .await
        .unwrap()
        .unwrap()
        .transactions[transfer.index as usize]
        .hash;
    // Every page says at which block it read the chain; the RPC is asked at that block.
    let info = client.info().await.unwrap();
    let browser = Browser::start().await;
    for (name, path) in [
        ("overview", "/".to_string()),
        ("subnet", format!("/subnet/{netuid}")),
        ("neuron", format!("/neuron/{netuid}/{good_uid}")),
    ] {
        let file = shots.join(format!("{name}.png"));
        let _ = std::fs::remove_file(&file);
        browser.load(&format!("{base}{path}")).await;
        browser.screenshot(&file).await;
        assert!(
            std::fs::metadata(&file).unwrap().len() > 10_000,
            "{name} screenshot"
        );
    }
    let get = |path: String| {
        let url = format!("{base}{path}");
        let browser = &browser;
        async move { browser.load(&url).await }
    };
    let overview = get("/".into()).await;
    let subnet = get(format!("/subnet/{netuid}")).await;
    let neuron = get(format!("/neuron/{netuid}/{good_uid}")).await;
    let root = get("/root".into()).await;
    let blocks = get("/blocks".into()).await;
    let block = get(format!("/block/{}", transfer.block_number)).await;
    let tx_page = get(format!("/tx/{transfer_hash}")).await;
    let account = get(format!("/account/{charlie_id}")).await;
    let subnets = get("/subnets".into()).await;
    let by_netuid = get(format!("/search?q=sn{netuid}")).await;
    let by_address = get(format!("/search?q={bob_id}")).await;
    let by_height = get(format!("/search?q={}", transfer.block_number)).await;
    let by_tx_hash = get(format!("/search?q={transfer_hash}")).await;
    let busy = get(format!("/block/{busy_block}")).await;
    let eve_id = eve.account();
    let eve_page = get(format!("/account/{eve_id}")).await;
    let proxy_block = get(format!("/block/{}", proxy_added.block_number)).await;
    let swap_block = get(format!("/block/{}", swap_announced.block_number)).await;

    assert!(overview.contains("Finalized height"));
    assert!(overview.contains(&format!("/subnet/{netuid}")));
    // Emission goes on in every block, so the page shows the issuance of some block between the
    // two reads, written out in full.
    let issuance_after = client.info().await.unwrap().total_issuance;
    let shown = fact(&overview, "Total issuance");
    let shown_rao = rao_of(shown);
    assert!(
        (info.total_issuance..=issuance_after).contains(&shown_rao),
        "total issuance {shown} outside {}..={issuance_after}",
        info.total_issuance
    );
    assert_eq!(shown, tao_text(u128::from(shown_rao)));
    assert!(overview.contains(&info.genesis_hash.to_string()));
    for page in [&overview, &subnets] {
        let subnet_info = client.subnet(netuid, at(page)).await.unwrap().unwrap();
        let s = &subnet_info.summary;
        assert!(
            page.contains(&format!(r#"data-sort="{}""#, s.price)),
            "price {}",
            s.price
        );
        assert!(page.contains(&format!("{} / {}", s.n, s.max_uids)));
        assert!(
            page.contains(&tao_text(u128::from(s.burn))),
            "burn {}",
            s.burn
        );
        assert!(page.contains(&format!(r#"title="{}""#, s.owner_coldkey)));
    }
    let m = client
        .metagraph(
            netuid,
            MetagraphOptions {
                weights: true,
                bonds: false,
            },
            at(&subnet),
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
    // The block's beacon, as `chain_randomness` proves it.
    let beacon = client
        .randomness(transfer.block_number)
        .await
        .unwrap()
        .expect("every block after the first records a seed");
    assert!(block.contains(&beacon.randomness.to_string()), "{block}");
    assert!(block.contains(&hex::encode(&beacon.signature)));
    let charlie_balance = client
        .account(charlie.account(), at(&account))
        .await
        .unwrap()
        .balance;
    assert!(
        account.contains(&tao_text(u128::from(charlie_balance))),
        "balance {charlie_balance}"
    );
    assert!(account.contains("&lt;img src=x"), "identity not escaped");
    assert!(!account.contains("<img src=x"));
    assert!(account.contains("https://charlie.example"));
    // Forty-three transfers to Charlie: the newest 25 first, the newest of all at the top, and a
    // link to the older ones, where Bob's transfer is.
    assert!(account.contains(&format!(r#"href="/tx/{}""#, newest)));
    assert!(account.contains(&format!(r#"title="{}""#, eve.account())));
    assert!(!account.contains(&format!(r#"href="/tx/{transfer_hash}""#)));
    let older = account
        .split(r#"href=""#)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .find(|href| href.contains("?before="))
        .expect("a link to older history")
        .replace("&amp;", "&");
    let older = browser.load(&format!("{base}{older}")).await;
    assert!(older.contains(&format!(r#"href="/tx/{transfer_hash}""#)));
    assert!(older.contains(&format!(r#"title="{}""#, bob.account())));
    assert!(!older.contains(&format!(r#"href="/tx/{}""#, newest)));
    // Bob's own page (found by searching his address) lists the transfer he signed.
    assert!(by_address.contains(&format!(r#"href="/tx/{transfer_hash}""#)));
    // The transaction page.
    assert!(tx_page.contains(&transfer_hash.to_string()));
    assert!(tx_page.contains("success"));
    assert!(tx_page.contains(&format!(r#"href="/block/{}""#, transfer.block_number)));
    assert!(tx_page.contains(&tao_text(7 * u128::from(RAO_PER_TAO))));
    assert!(by_tx_hash.contains(&transfer_hash.to_string()) && by_tx_hash.contains("Transaction"));
    // A long table shows one page of rows at a time.
    assert!(busy.contains("rows 1–50 of"), "events pager");
    assert!(
        busy.matches("<tr hidden").count() > 0,
        "rows beyond the first page hidden"
    );
    assert!(subnets.contains("&lt;img"));
    assert!(by_netuid.contains(&format!("Subnet {netuid}")));
    assert!(by_address.contains(&bob.account().to_string()));
    assert!(by_height.contains(&format!("Block {}", transfer.block_number)));

    // Names: each hotkey shows its owner's, as text, on the subnet, neuron, root and block pages.
    for (hotkey, name) in [
        (validator.account(), BOB_NAME_IN_DOM),
        (good.account(), "&lt;img src=x"),
    ] {
        let row = row_with(
            table_in(&subnet, "metagraph"),
            &format!(r#"title="{hotkey}""#),
        );
        assert!(row.contains(name), "{hotkey} unnamed: {row}");
        assert!(!row.contains("<img"));
    }
    let validator_page = get(format!("/neuron/{netuid}/{validator_uid}")).await;
    assert!(fact(&validator_page, "Hotkey").contains(BOB_NAME_IN_DOM));
    assert!(fact(&validator_page, "Coldkey").contains(BOB_NAME_IN_DOM));
    let signer = row_with(
        table_in(&block, "transactions"),
        &format!(r#"title="{bob_id}""#),
    );
    assert!(signer.contains(BOB_NAME_IN_DOM), "{signer}");
    // The subnets are called by their tokens' symbols and their names.
    for s in client.subnets(at(&subnets)).await.unwrap() {
        assert!(!s.symbol.is_empty(), "subnet {} has no symbol", s.netuid);
        let row = row_with(
            table_in(&subnets, "subnets"),
            &format!(r#"href="/subnet/{}""#, s.netuid),
        );
        assert!(row.contains(&format!("<td>{}", s.symbol)), "{row}");
    }
    let symbol = client
        .subnet(netuid, at(&subnet))
        .await
        .unwrap()
        .unwrap()
        .summary
        .symbol;
    assert!(subnet.contains(&format!("<h1>Subnet {netuid}: {symbol} &lt;img")));

    // Root: the TAO staked on it, each subnet's proportion, and who is staked, as the RPC says.
    let info = client.root(at(&root)).await.unwrap();
    assert!(info.total_tao >= root_stake);
    assert_eq!(
        fact(&root, "TAO staked on root"),
        tao_text(u128::from(info.total_tao))
    );
    assert_eq!(info.subnets.len(), 2);
    for s in &info.subnets {
        let row = row_with(
            table_in(&root, "root-subnets"),
            &format!(r#"href="/subnet/{}""#, s.netuid),
        );
        assert!(row.contains(&format!(r#"data-sort="{}""#, s.root_proportion_ppb)));
        let shown = percent_text(s.root_proportion_ppb, 1_000_000_000);
        assert!(
            row.contains(&shown),
            "subnet {}: {shown} not in {row}",
            s.netuid
        );
    }
    let staked = client
        .root_claims(bob_id, at(&root))
        .await
        .unwrap()
        .stakes
        .iter()
        .find(|s| s.hotkey == validator.account())
        .unwrap()
        .tao;
    let row = row_with(
        table_in(&root, "root-stakes"),
        &format!(r#"title="{}""#, validator.account()),
    );
    assert!(row.contains(&tao_text(u128::from(staked))), "{row}");
    assert!(row.contains(BOB_NAME_IN_DOM), "{row}");
    // Bob's account page (found by searching his address) shows his root stake.
    let claims = client.root_claims(bob_id, at(&by_address)).await.unwrap();
    assert_eq!(claims.stakes.len(), 1);
    let row = row_with(
        table_in(&by_address, "root-stake"),
        &format!(r#"title="{}""#, validator.account()),
    );
    assert!(
        row.contains(&tao_text(u128::from(claims.stakes[0].tao))),
        "{row}"
    );
    assert!(by_address.contains("swapped for TAO"));
    assert!(
        !account.contains("<h2>Root</h2>"),
        "Charlie has no root stake"
    );

    // Proxies: Eve's page names Bob as her staking proxy and the deposit it holds, Bob's names
    // Eve as an account he may sign for; Charlie has none.
    let proxies = client.proxies(eve_id, at(&eve_page)).await.unwrap();
    assert_eq!(proxies.proxies.len(), 1);
    assert!(proxies.reserved > 0);
    assert_eq!(
        fact(&eve_page, "Reserved as deposits"),
        tao_text(u128::from(proxies.reserved))
    );
    let row = row_with(
        table_in(&eve_page, "proxies"),
        &format!(r#"title="{bob_id}""#),
    );
    assert!(row.contains(BOB_NAME_IN_DOM), "{row}");
    assert!(row.contains("<td>staking</td>"), "{row}");
    assert!(row.contains(">none</td>"), "no delay: {row}");
    let proxy_for = client
        .proxies(bob_id, at(&by_address))
        .await
        .unwrap()
        .proxy_for;
    assert_eq!(proxy_for.len(), 1);
    let row = row_with(
        table_in(&by_address, "proxy-for"),
        &format!(r#"title="{eve_id}""#),
    );
    assert!(row.contains("<td>staking</td>"), "{row}");
    assert!(
        !account.contains("<h2>Proxies</h2>"),
        "Charlie has no proxies"
    );
    // The coldkey swap: its new key's hash and its first block on Eve's page, no dispute.
    let swap = client.coldkey_swap(eve_id, at(&eve_page)).await.unwrap();
    assert_eq!(swap.new_coldkey_hash, Some(new_coldkey_hash));
    assert!(eve_page.contains("<h2>Coldkey swap</h2>"));
    assert!(
        fact(&eve_page, "New coldkey's hash (BLAKE2b-256)").contains(&new_coldkey_hash.to_string())
    );
    let when = swap.when.unwrap();
    let from = fact(&eve_page, "Swap possible from block").replace(',', "");
    assert!(from.contains(&when.to_string()), "{from} for {when}");
    assert!(swap.disputed.is_none() && !eve_page.contains("Frozen"));
    assert!(
        !account.contains("<h2>Coldkey swap</h2>"),
        "Charlie announced none"
    );
    // Their events: the proxy's accounts named and its type in words; the new key's hash shown,
    // not taken for a transaction's.
    let row = row_with(table_in(&proxy_block, "events"), "proxy_added");
    assert!(row.contains(&format!(r#"title="{eve_id}""#)), "{row}");
    assert!(row.contains(BOB_NAME_IN_DOM), "{row}");
    assert!(row.contains("proxy_type: staking"), "{row}");
    let row = row_with(table_in(&swap_block, "events"), "coldkey_swap_announced");
    assert!(
        row.contains(&format!(r#"title="{new_coldkey_hash}""#)),
        "{row}"
    );
    assert!(!row.contains(&format!("/tx/{new_coldkey_hash}")), "{row}");

    // Commitments: the good miner's on the subnet page, by uid and named hotkey, and on its
    // neuron page, as text.
    let commitments = client.commitments(netuid, None, at(&subnet)).await.unwrap();
    assert_eq!(commitments.commitments.len(), 1);
    let committed = &commitments.commitments[0];
    assert_eq!(
        (committed.hotkey, committed.uid),
        (good.account(), Some(good_uid))
    );
    let row = row_with(
        table_in(&subnet, "commitments"),
        &format!(r#"title="{}""#, good.account()),
    );
    assert!(
        row.contains(&format!(r#"href="/neuron/{netuid}/{good_uid}""#)),
        "{row}"
    );
    assert!(
        row.contains(&format!(r#"href="/block/{}""#, committed.block)),
        "{row}"
    );
    assert!(row.contains("&lt;img src=x"), "hotkey unnamed: {row}");
    assert!(row.contains(COMMITMENT_IN_DOM), "{row}");
    let ours = client
        .commitments(netuid, Some(good.account()), at(&neuron))
        .await
        .unwrap();
    assert_eq!(ours.commitments, commitments.commitments);
    assert_eq!(fact(&neuron, "Fields"), COMMITMENT_IN_DOM);
    assert!(fact(&neuron, "Published at block")
        .contains(&format!(r#"href="/block/{}""#, committed.block)));
    for page in [&subnet, &neuron] {
        assert!(!page.contains("<script>x"), "commitment not escaped");
    }
    assert!(!validator_page.contains("<h2>Commitment</h2>"), "none made");

    // Children: at once on the subnet that has not started, each side linking to the other's
    // neuron; after a cooldown on the one that has.
    let m = client
        .metagraph(unstarted, MetagraphOptions::default(), None)
        .await
        .unwrap()
        .unwrap();
    let uid_of = |hotkey: AccountId| m.neurons.iter().find(|n| n.hotkey == hotkey).unwrap().uid;
    let (parent_uid, child_uid) = (uid_of(parent.account()), uid_of(child.account()));
    for (hotkey, uid, table, other, other_uid) in [
        (
            parent.account(),
            parent_uid,
            "children",
            child.account(),
            child_uid,
        ),
        (
            child.account(),
            child_uid,
            "parents",
            parent.account(),
            parent_uid,
        ),
    ] {
        let page = get(format!("/neuron/{unstarted}/{uid}")).await;
        let links = client
            .hotkey_links(hotkey, unstarted, at(&page))
            .await
            .unwrap();
        let linked = if table == "children" {
            &links.children
        } else {
            &links.parents
        };
        assert_eq!(linked.len(), 1);
        assert_eq!(
            (linked[0].hotkey, linked[0].proportion),
            (other, u64::MAX / 4)
        );
        let row = row_with(table_in(&page, table), &format!(r#"title="{other}""#));
        assert!(
            row.contains(&percent_text(linked[0].proportion, u64::MAX)),
            "{row}"
        );
        assert!(row.contains("25.00%"), "{row}");
        assert!(
            row.contains(&format!(r#"href="/neuron/{unstarted}/{other_uid}""#)),
            "{row}"
        );
    }
    let links = client
        .hotkey_links(validator.account(), netuid, at(&validator_page))
        .await
        .unwrap();
    let pending = links.pending.expect("children pending on a started subnet");
    assert!(links.children.is_empty());
    let row = row_with(
        table_in(&validator_page, "pending-children"),
        &format!(r#"title="{}""#, bad.account()),
    );
    assert!(row.contains("50.00%"), "{row}");
    assert!(validator_page.contains(&format!(r#"href="/block/{}""#, pending.cooldown_block)));
    assert!(neuron.contains("No children or parents on this subnet."));

    // Live updates: with the overview kept open, blocks finalized afterwards reach the page
    // through its event stream and its footer names them.
    let rendered = match at(&overview) {
        Some(BlockId::Number(n)) => n,
        _ => unreachable!(),
    };
    browser.open(&format!("{base}/")).await;
    let first = browser.text("finalized").await.replace(',', "");
    let mut produced = Vec::new();
    let live = loop {
        let inclusion = chain
            .submit(
                &bob,
                Call::Transfer {
                    dest: alice.account(),
                    value: RAO_PER_TAO,
                },
            )
            .await
            .unwrap();
        produced.push(inclusion.block_number);
        tokio::time::sleep(Duration::from_millis(500)).await;
        let footer = browser.text("live-head").await;
        let shown = footer
            .strip_prefix("finalized block ")
            .and_then(|n| n.replace(',', "").parse::<u64>().ok());
        if let Some(shown) = shown.filter(|&n| n >= inclusion.block_number) {
            break shown;
        }
        assert!(
            produced.len() < 20,
            "the footer says {footer:?} after {produced:?}"
        );
    };
    assert!(live > rendered && live > first.parse::<u64>().unwrap());
    // The facts' finalized height follows too.
    let finalized: u64 = browser
        .text("finalized")
        .await
        .replace(',', "")
        .parse()
        .unwrap();
    assert!(
        finalized >= produced[produced.len() - 1],
        "{finalized} {produced:?}"
    );
    // Nothing went wrong on the page while it followed the chain.
    let console = browser.console().await;
    assert!(console.is_empty(), "live overview: {console:?}");

    // Garbage gets a clear page, not a crash: the page's own 404 is all its console reports.
    let missing = browser
        .visit(&format!(
            "{base}/search?q=%3Cscript%3Ealert(1)%3C/script%3E"
        ))
        .await;
    assert!(missing.dom.contains("nothing matches"));
    assert!(!missing.dom.contains("<script>alert"));
    assert!(
        missing.console.iter().all(|line| line.contains("404")),
        "{:?}",
        missing.console
    );
}

/// The block a page says it read its state at.
fn at(page: &str) -> Option<BlockId> {
    let start = page.find(r#"data-at=""#).expect("no data-at") + 9;
    let end = start + page[start..].find('"').unwrap();
    Some(BlockId::Number(page[start..end].parse().unwrap()))
}

/// The value of a fact (`<dt>label</dt><dd>value</dd>`) on a page.
fn fact<'a>(page: &'a str, label: &str) -> &'a str {
    let opening = format!("<dt>{label}</dt><dd>");
    let start = page
        .find(&opening)
        .unwrap_or_else(|| panic!("no fact {label}"))
        + opening.len();
    &page[start..start + page[start..].find("</dd>").unwrap()]
}

/// The table with id `id` on a page.
fn table_in<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!(r#"<table id="{id}""#))
        .unwrap_or_else(|| panic!("no table {id}"));
    &page[start..start + page[start..].find("</table>").unwrap()]
}

/// The row of a table that contains `needle`.
fn row_with<'a>(table: &'a str, needle: &str) -> &'a str {
    table
        .split("<tr")
        .find(|row| row.contains(needle))
        .unwrap_or_else(|| panic!("no row with {needle} in {table}"))
}

/// `part` of `whole` as the explorer writes a percentage: two decimals, rounded.
fn percent_text(part: u64, whole: u64) -> String {
    let hundredths = (u128::from(part) * 10_000 + u128::from(whole) / 2) / u128::from(whole);
    format!("{}.{:02}%", hundredths / 100, hundredths % 100)
}

/// Rao in an amount written as the explorer writes TAO (`1,234.5 τ`).
fn rao_of(text: &str) -> u64 {
    let digits = text.trim_end_matches(" τ").replace(',', "");
    let (whole, fraction) = digits.split_once('.').unwrap_or((&digits, ""));
    let fraction = format!("{fraction:0<9}");
    whole.parse::<u64>().unwrap() * RAO_PER_TAO + fraction.parse::<u64>().unwrap()
}

/// `1,234.5 τ`: whole tokens grouped by thousands, the fraction without trailing zeros.
fn tao_text(rao: u128) -> String {
    let per = u128::from(RAO_PER_TAO);
    let whole = (rao / per).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let fraction = format!("{:09}", rao % per);
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        format!("{grouped} τ")
    } else {
        format!("{grouped}.{fraction} τ")
    }
}

/// The console check itself, on the installed Chromium: a page that logs an error, or throws
/// from a script, is caught; a quiet one is not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_console_errors_are_caught() {
    let browser = Browser::start().await;
    for script in ["console.error('boom')", "throw new Error('boom')"] {
        let url = format!("data:text/html,<main>x</main><script>{script}</script>");
        let loaded = browser.visit(&url).await;
        assert!(
            loaded.console.iter().any(|l| l.contains("boom")),
            "{script}: {:?}",
            loaded.console
        );
    }
    let quiet = browser.visit("data:text/html,<main>quiet</main>").await;
    assert!(quiet.console.is_empty(), "{:?}", quiet.console);
}
