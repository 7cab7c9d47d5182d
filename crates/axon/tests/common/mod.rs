//! What the axon tests share: the synapses both Plexus and the Python driver serve, and
//! requests built by hand, for tests that send what a real dendrite never would (replays,
//! stale nonces, tampered bodies).

#![allow(clippy::unwrap_used, dead_code, unreachable_pub)]

use plexus_axon::auth::request_message;
use plexus_axon::hash::body_hash;
use plexus_axon::python::{Field, Json, PyType};
use plexus_axon::{Gate, Synapse};
use plexus_keys::{CryptoType, Keypair};
use plexus_primitives::AccountId;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

/// The test synapse: an int, a str (with both kinds of quote) and a list are hashed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Double {
    pub input: i64,
    pub label: String,
    pub tags: Vec<String>,
    pub output: Option<i64>,
}

impl Synapse for Double {
    const NAME: &'static str = "Double";
    const HASH_FIELDS: &'static [&'static str] = &["input", "label", "tags"];
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slow {
    pub millis: u64,
}

impl Synapse for Slow {
    const NAME: &'static str = "Slow";
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unserved {
    pub x: u8,
}

impl Synapse for Unserved {
    const NAME: &'static str = "Unserved";
}

pub fn key(uri: &str) -> Keypair {
    Keypair::from_uri(CryptoType::Sr25519, uri).unwrap()
}

/// Refuses one hotkey.
pub struct Refuse(pub AccountId);

impl Gate for Refuse {
    fn admit(&self, hotkey: &AccountId) -> Result<(), String> {
        if *hotkey == self.0 {
            Err("not registered on this subnet".into())
        } else {
            Ok(())
        }
    }
}

/// What the axons here answer a [`Double`] with.
pub async fn doubled(mut d: Double) -> Double {
    d.output = Some(d.input * 2);
    d
}

pub fn request(input: i64) -> Double {
    Double {
        input,
        label: "it's \"quoted\"".into(),
        tags: vec!["a".into(), "b".into()],
        output: None,
    }
}

/// Nanoseconds since the Unix epoch.
pub fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}

/// A hand-built request: the body and headers a dendrite would send, signed by `signer`.
pub fn raw(
    signer: &Keypair,
    axon_hotkey: &AccountId,
    nonce: u64,
    body: &serde_json::Value,
    hashed_body: &serde_json::Value,
    hash_fields: &[&str],
) -> (String, Vec<(String, String)>) {
    let hashed: Vec<Field> = hash_fields
        .iter()
        .map(|name| Field {
            name: (*name).to_string(),
            ty: PyType::Any,
            default: Some("null".into()),
        })
        .collect();
    let hash = body_hash(&Json::from_value(hashed_body), &hashed).unwrap();
    let message = request_message(
        nonce,
        &signer.account().to_ss58(),
        &axon_hotkey.to_ss58(),
        "uuid-1",
        &hash,
    );
    let signature = format!("0x{}", hex::encode(signer.sign(message.as_bytes()).0));
    let headers = vec![
        ("timeout".into(), "5.0".into()),
        ("bt_header_dendrite_nonce".into(), nonce.to_string()),
        ("bt_header_dendrite_uuid".into(), "uuid-1".into()),
        (
            "bt_header_dendrite_hotkey".into(),
            signer.account().to_string(),
        ),
        ("bt_header_dendrite_signature".into(), signature),
        ("computed_body_hash".into(), hash),
    ];
    (body.to_string(), headers)
}

pub async fn post(addr: SocketAddr, body: String, headers: &[(String, String)]) -> (u16, String) {
    post_to(addr, "/Double", body, headers).await
}

/// POSTs `body` to `target` (path and query) with `headers`.
pub async fn post_to(
    addr: SocketAddr,
    target: &str,
    body: String,
    headers: &[(String, String)],
) -> (u16, String) {
    post_from(None, addr, target, body, headers).await
}

/// As [`post_to`], from the loopback address `local` when given (a caller apart from others).
pub async fn post_from(
    local: Option<std::net::IpAddr>,
    addr: SocketAddr,
    target: &str,
    body: String,
    headers: &[(String, String)],
) -> (u16, String) {
    let client = reqwest::Client::builder()
        .local_address(local)
        .build()
        .unwrap();
    let mut request = client
        .post(format!("http://{addr}{target}"))
        .header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let response = request.body(body).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// A dict is hashed (Python sends its keys in insertion order, not sorted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Total {
    pub weights: std::collections::BTreeMap<String, i64>,
    pub total: Option<i64>,
}

impl Synapse for Total {
    const NAME: &'static str = "Total";
    const HASH_FIELDS: &'static [&'static str] = &["weights"];
}

/// A streamed answer: the text back one word (and its space) per chunk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Words {
    pub text: String,
}

impl Synapse for Words {
    const NAME: &'static str = "Words";
    const HASH_FIELDS: &'static [&'static str] = &["text"];
}

/// The chunks of a [`Words`] answer.
pub fn words(w: Words) -> impl futures::Stream<Item = String> {
    let chunks: Vec<String> = w.text.split(' ').map(|word| format!("{word} ")).collect();
    futures::stream::iter(chunks)
}

/// btauth/1 headers as `(name, value)` strings, for hand-built requests.
pub fn btauth_headers(
    signer: &Keypair,
    target: &str,
    body: &[u8],
    receiver: Option<&AccountId>,
    nonce: u64,
) -> Vec<(String, String)> {
    plexus_axon::btauth::sign(signer, "POST", target, body, receiver, nonce)
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect()
}

/// The interpreter of a virtualenv holding `requirement` (`name==version`), under the build
/// directory, created and filled on first use (`PLEXUS_PYTHON` names the interpreter that
/// creates it, default `python3`) and reused afterwards.
pub fn python(requirement: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("venvs");
    std::fs::create_dir_all(&root).unwrap();
    let name = requirement.replace("==", "-");
    let dir = root.join(&name);
    let python = dir.join("bin/python");
    let ready = dir.join(".plexus-ready");
    // Test threads and processes may race to build the same virtualenv.
    let lock = std::fs::File::create(root.join(format!("{name}.lock"))).unwrap();
    lock.lock().unwrap();
    if std::fs::read_to_string(&ready).ok().as_deref() != Some(requirement) {
        let _ = std::fs::remove_dir_all(&dir);
        let interpreter = std::env::var("PLEXUS_PYTHON").unwrap_or_else(|_| "python3".into());
        let ok = Command::new(interpreter)
            .args(["-m", "venv"])
            .arg(&dir)
            .status()
            .unwrap();
        assert!(ok.success(), "creating a virtualenv");
        let ok = Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                requirement,
            ])
            .status()
            .unwrap();
        assert!(ok.success(), "installing {requirement}");
        std::fs::write(&ready, requirement).unwrap();
    }
    python
}

/// A driver script of `tests/interop` run with `python`, with a throwaway `home` (the package
/// writes under `~/.bittensor` at import).
pub fn driver(python: &Path, script: &str, home: &Path) -> Command {
    let mut command = Command::new(python);
    command
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/interop")
                .join(script),
        )
        .env("HOME", home);
    command
}

/// Runs a driver acting as a client to its end: the JSON results it prints last.
pub fn results(driver: &mut Command) -> serde_json::Value {
    let out = driver.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.lines().last().unwrap()).unwrap()
}

/// A free port on the loopback, for a Python server to listen on.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A Python server process, killed when dropped.
pub struct PythonServer(Child);

impl Drop for PythonServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a driver acting as a server and waits until it says it is ready: the hotkey it
/// serves as. Wallet creation prints its mnemonics first; the ready line is the JSON one.
pub fn serve(driver: &mut Command) -> (PythonServer, AccountId) {
    let mut child = driver
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let server = PythonServer(child);
    let ready = loop {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "the server did not start"
        );
        if let Ok(ready) = serde_json::from_str::<serde_json::Value>(&line) {
            break ready;
        }
    };
    let hotkey = AccountId::from_ss58(ready["hotkey"].as_str().unwrap()).unwrap();
    (server, hotkey)
}

/// Python's base `Synapse`, the route every axon answers to say it is up.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ping {}

impl Synapse for Ping {
    const NAME: &'static str = "Synapse";
}

/// Starts a Python axon with `driver` (which prints its hotkey once listening on `port`) and
/// waits until it answers a ping: its server may take a moment after it reports its hotkey.
pub async fn python_axon(mut driver: Command, port: u16) -> (PythonServer, plexus_axon::Target) {
    let (server, hotkey) = tokio::task::spawn_blocking(move || serve(&mut driver))
        .await
        .unwrap();
    let target = plexus_axon::Target {
        ip: "127.0.0.1".parse().unwrap(),
        port,
        hotkey,
    };
    let pinger = plexus_axon::Dendrite::new(key("//Pinger"), 1);
    for _ in 0..100 {
        let answer = pinger
            .call(&target, &Ping {}, std::time::Duration::from_secs(5))
            .await;
        if answer.status != 503 {
            assert_eq!(answer.status, 200, "ping: {}", answer.message);
            return (server, target);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the Python axon never answered");
}
