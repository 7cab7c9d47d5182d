//! `plexus localnet` as a user runs it, piped into another program.

use crate::util::{free_port, Env};
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// `plexus localnet --plain | head`: once the reader has gone, the network stops cleanly and
/// the command exits 0, instead of panicking on the closed pipe.
#[test]
fn test_localnet_piped_into_a_reader_that_leaves_stops_cleanly() {
    let env = Env::new();
    let state = env.dir.path().join("localnet");
    let rpc = format!("127.0.0.1:{}", free_port());
    let log = env.dir.path().join("stderr");
    let mut child = env
        .command(&[
            "localnet",
            "--plain",
            "--fresh",
            "--subnets",
            "weather",
            "--miners",
            "2",
            "--subnet-validators",
            "1",
            "--no-explorer",
            "--no-substrate-rpc",
            "--rpc",
            &rpc,
            "--state-dir",
            state.to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    // Read up to the first epoch's line, then go away like `head` does.
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first_epoch = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|line| line.contains(" weather epoch "));
    drop(lines);
    let deadline = Instant::now() + Duration::from_secs(90);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("localnet still running after its reader left");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let stderr = std::fs::read_to_string(&log).unwrap();
    assert!(first_epoch.is_some(), "no epoch line; stderr:\n{stderr}");
    assert!(status.success(), "{status}; stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("stopped; the chain is kept in"), "{stderr}");
}
