//! The main tables as a terminal shows them: `plexus` runs inside tmux panes of a narrow and a
//! wide size against a dev node, and the captured screens must fit the pane, keep every column
//! aligned, and shorten addresses only when space is short.

use crate::chain::{dev_wallet, new_wallet, ok_json, DevChain};
use crate::util::Env;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// A private tmux server for one test, killed when dropped.
struct Tmux {
    socket: std::path::PathBuf,
}

impl Tmux {
    fn new(dir: &Path) -> Self {
        Self {
            socket: dir.join("tmux.sock"),
        }
    }

    fn tmux(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux is installed (the CI script installs it)")
    }

    /// Runs `command` in a fresh `width`×50 window and returns what it printed, as the
    /// terminal laid it out, once it has exited.
    fn screen(&self, name: &str, width: u16, command: &str) -> String {
        let session = format!("w{width}");
        let exists = self.tmux(&["has-session", "-t", &session]).status.success();
        if !exists {
            // A session per width that outlives the commands, so that their windows stay
            // after they exit (remain-on-exit) and can be read.
            let width = width.to_string();
            let started = self.tmux(&[
                "new-session",
                "-d",
                "-s",
                &session,
                "-x",
                &width,
                "-y",
                "50",
                "sleep 3600",
            ]);
            assert!(started.status.success(), "{started:?}");
            self.tmux(&["set-option", "-g", "remain-on-exit", "on"]);
        }
        let target = format!("{session}:{name}");
        let opened = self.tmux(&["new-window", "-d", "-t", &session, "-n", name, command]);
        assert!(opened.status.success(), "{opened:?}");
        // Waiting for the command to finish, not timing it: the deadline only turns a hang
        // into a failure.
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let dead = self.tmux(&["display-message", "-p", "-t", &target, "#{pane_dead}"]);
            if String::from_utf8_lossy(&dead.stdout).trim() == "1" {
                break;
            }
            assert!(Instant::now() < deadline, "{command} did not finish");
            std::thread::sleep(Duration::from_millis(50));
        }
        // From the start of the history: tmux's own "Pane is dead" line may scroll the screen.
        let captured = self.tmux(&["capture-pane", "-p", "-S", "-", "-t", &target]);
        String::from_utf8(captured.stdout)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with("Pane is dead"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

/// The table that starts at the line beginning with `first_header`.
fn table<'a>(screen: &'a str, first_header: &str) -> Vec<&'a str> {
    screen
        .lines()
        .skip_while(|l| !l.trim_start().starts_with(first_header))
        .take_while(|l| !l.trim().is_empty())
        .collect()
}

/// Every row's cell under a right-aligned `header` ends where the header ends.
fn assert_right_aligned(rows: &[&str], header: &str) {
    let head = rows[0];
    let end = head
        .find(header)
        .unwrap_or_else(|| panic!("no {header} in {head:?}"))
        + header.len();
    let end_chars = head[..end].chars().count();
    for row in &rows[1..] {
        if row.starts_with('(') {
            continue;
        }
        let chars: Vec<char> = row.chars().collect();
        assert!(
            chars.get(end_chars - 1).is_some_and(|c| !c.is_whitespace())
                && chars.get(end_chars).is_none_or(|c| c.is_whitespace()),
            "{header} is not aligned in:\n{}",
            rows.join("\n")
        );
    }
}

#[test]
fn test_tables_fit_the_terminal() {
    let env = Env::new();
    let chain = DevChain::start(&env);
    dev_wallet(&env, "alice", "//Alice");
    let (miner, _) = new_wallet(&env, "miner");
    let created = ok_json(
        &env,
        &chain,
        "alice",
        &["subnets", "create", "--subnet-name", "demo"],
    );
    let netuid = created["netuid"].as_u64().unwrap().to_string();
    ok_json(
        &env,
        &chain,
        "alice",
        &["subnets", "start", "--netuid", &netuid],
    );
    ok_json(
        &env,
        &chain,
        "alice",
        &["transfer", "--dest", &miner.to_ss58(), "--amount", "10"],
    );
    ok_json(&env, &chain, "miner", &["register", "--netuid", &netuid]);
    ok_json(
        &env,
        &chain,
        "alice",
        &[
            "stake", "add", "--netuid", &netuid, "--amount", "1", "--unsafe",
        ],
    );

    let tmux = Tmux::new(env.dir.path());
    let plexus = |args: &str| {
        format!(
            "env -u COLUMNS HOME={home} {bin} --wallet-path {wallets} --wallet-name alice --network {url} {args}",
            home = env.dir.path().display(),
            bin = env!("CARGO_BIN_EXE_plexus"),
            wallets = env.wallets().display(),
            url = chain.url,
        )
    };
    let alice_prefix = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
    for width in [80u16, 240] {
        let narrow = width < 100;
        let check = |screen: &str| {
            for line in screen.lines() {
                assert!(
                    line.chars().count() <= usize::from(width),
                    "wider than {width}:\n{screen}"
                );
            }
        };

        let screen = tmux.screen(&format!("list{width}"), width, &plexus("subnets list"));
        check(&screen);
        let rows = table(&screen, "NETUID");
        assert!(rows.len() >= 2, "{screen}");
        assert!(rows[1].contains("demo"), "{screen}");
        for header in ["NETUID", "PRICE", "EMISSION", "NEURONS"] {
            assert_right_aligned(&rows, header);
        }

        let screen = tmux.screen(
            &format!("show{width}"),
            width,
            &plexus(&format!("subnets show --netuid {netuid} --sort stake")),
        );
        check(&screen);
        assert!(
            screen.contains(&format!("Subnet {netuid} (demo)")),
            "{screen}"
        );
        let rows = table(&screen, "UID");
        assert_eq!(
            rows.iter().filter(|r| !r.starts_with('(')).count(),
            3,
            "{screen}"
        );
        for header in ["UID", "STAKE", "EMISSION", "INCENTIVE"] {
            assert_right_aligned(&rows, header);
        }
        // Narrow panes shorten hotkeys and leave optional columns out, and say so.
        assert_eq!(screen.contains('…'), narrow, "{screen}");
        assert_eq!(screen.contains("see --json"), narrow, "{screen}");

        let screen = tmux.screen(&format!("balance{width}"), width, &plexus("balance"));
        check(&screen);
        let rows = table(&screen, "WALLET");
        assert!(rows[1].starts_with("alice"), "{screen}");
        assert_right_aligned(&rows, "FREE");
        assert!(screen.contains(" τ"), "amounts have units:\n{screen}");
        assert_eq!(screen.contains(alice_prefix), !narrow, "{screen}");

        let screen = tmux.screen(&format!("stake{width}"), width, &plexus("stake list"));
        check(&screen);
        let rows = table(&screen, "HOTKEY");
        assert_eq!(rows.len(), 2, "{screen}");
        assert_right_aligned(&rows, "VALUE");
        assert!(rows[1].contains(&format!("α{netuid}")), "{screen}");
    }
}
