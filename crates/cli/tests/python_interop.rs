//! Interop with the real Python packages, both directions: wallets written by `plexus` load in
//! `bittensor` 11.3.0 and `bittensor-wallet` 4.1.1 with the same addresses and secrets, wallets
//! they write load in `plexus`, and signatures made on either side verify on the other.
//!
//! Each package is installed from PyPI into its own virtualenv under the build directory on
//! first use (`PLEXUS_PYTHON` names the interpreter, default `python3`) and reused afterwards.
//! Every encrypted-key step costs one Argon2 run at 512 MiB, so the steps are few.

use crate::util::{password_var, Env};
use plexus_keys::{CryptoType, KeyMaterial, Keyfile, Keypair, Mnemonic};
use serde_json::Value;
use std::{
    fs::File,
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

/// A Python package under test, pinned.
struct Package {
    venv: &'static str,
    requirement: &'static str,
}

const PACKAGES: [Package; 2] = [
    Package {
        venv: "bittensor-11.3.0",
        requirement: "bittensor==11.3.0",
    },
    Package {
        venv: "bittensor-wallet-4.1.1",
        requirement: "bittensor-wallet==4.1.1",
    },
];

/// The interpreter of a virtualenv holding `bittensor==10.5.0`, for the tests of other modules.
pub(crate) fn bittensor_10() -> PathBuf {
    Package {
        venv: "bittensor-10.5.0",
        requirement: "bittensor==10.5.0",
    }
    .python()
}

/// The `btcli` of a virtualenv holding `bittensor-cli==9.23.2` (the newest 9.x).
pub(crate) fn btcli() -> PathBuf {
    Package {
        venv: "bittensor-cli-9.23.2",
        requirement: "bittensor-cli==9.23.2",
    }
    .python()
    .with_file_name("btcli")
}

/// The interpreter of a virtualenv holding `bittensor==11.3.0`, for the tests of other modules.
pub(crate) fn bittensor_11() -> PathBuf {
    PACKAGES[0].python()
}

const DRIVER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/interop/wallet_driver.py"
);
const PASSWORD: &str = "Interop-pass-2026";

fn run_checked(cmd: &mut Command, what: &str) {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Package {
    /// The virtualenv's interpreter, creating and filling the virtualenv if needed.
    fn python(&self) -> PathBuf {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("venvs");
        std::fs::create_dir_all(&root).unwrap();
        let dir = root.join(self.venv);
        let python = dir.join("bin/python");
        let ready = dir.join(".plexus-ready");
        // Test threads and test processes may race to build the same virtualenv.
        let lock = File::create(root.join(format!("{}.lock", self.venv))).unwrap();
        lock.lock().unwrap();
        if std::fs::read_to_string(&ready).ok().as_deref() != Some(self.requirement) {
            let _ = std::fs::remove_dir_all(&dir);
            let interpreter = std::env::var("PLEXUS_PYTHON").unwrap_or_else(|_| "python3".into());
            run_checked(
                Command::new(interpreter).args(["-m", "venv"]).arg(&dir),
                "creating a virtualenv",
            );
            run_checked(
                Command::new(&python).args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    self.requirement,
                ]),
                &format!("pip install {}", self.requirement),
            );
            std::fs::write(&ready, self.requirement).unwrap();
        }
        python
    }

    /// Runs the driver script; its result is the last line of its output.
    fn driver(&self, home: &Path, args: &[&str], envs: &[(String, String)]) -> Value {
        let out = Command::new(self.python())
            .arg(DRIVER)
            .args(args)
            .env("HOME", home)
            .envs(envs.iter().cloned())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{} {args:?} failed:\n{stdout}{}",
            self.requirement,
            String::from_utf8_lossy(&out.stderr)
        );
        let last = stdout
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default();
        serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {stdout}"))
    }
}

/// The keyfile fields Plexus would write for `pair`, to compare with what Python reports.
fn expected_fields(pair: &Keypair) -> Value {
    serde_json::from_slice(&plexus_keys::keyfile::encode_pair(pair)).unwrap()
}

fn assert_same_key(python: &Value, expected: &Value, what: &str) {
    for field in [
        "ss58Address",
        "publicKey",
        "privateKey",
        "secretPhrase",
        "secretSeed",
    ] {
        assert_eq!(python[field], expected[field], "{what}: field {field}");
    }
}

#[test]
fn test_plexus_wallets_load_in_python_packages() {
    let env = Env::new();
    let path = env.wallets();
    let coldkey_file = path.join("rs/coldkey");
    let password = password_var(&coldkey_file, PASSWORD);

    // An encrypted coldkey from a known mnemonic, a plain sr25519 hotkey, a plain ed25519 hotkey.
    let mnemonic = Mnemonic::generate(12).unwrap();
    env.ok_with(
        &[
            "--wallet-name",
            "rs",
            "wallet",
            "regen-coldkey",
            "--mnemonic",
            mnemonic.phrase(),
        ],
        std::slice::from_ref(&password),
    );
    let hot = env
        .ok(&[
            "--json",
            "--wallet-name",
            "rs",
            "--hotkey",
            "miner",
            "wallet",
            "new-hotkey",
        ])
        .json();
    let hot_phrase = hot["keys"][0]["mnemonic"].as_str().unwrap();
    env.ok(&[
        "--wallet-name",
        "rs",
        "--hotkey",
        "ed",
        "wallet",
        "regen-hotkey",
        "--crypto-type",
        "ed25519",
        "--uri",
        "//Alice",
    ]);
    let coldkey = expected_fields(&Keypair::from_mnemonic(CryptoType::Sr25519, &mnemonic));
    let hotkey = expected_fields(&Keypair::from_phrase(CryptoType::Sr25519, hot_phrase).unwrap());
    let ed = Keypair::from_uri(CryptoType::Ed25519, "//Alice").unwrap();

    let signed = env
        .ok(&[
            "--json",
            "--wallet-name",
            "rs",
            "--hotkey",
            "miner",
            "wallet",
            "sign",
            "--use-hotkey",
            "-m",
            "from plexus",
        ])
        .json();
    let signed_ed = env
        .ok(&[
            "--json",
            "--wallet-name",
            "rs",
            "--hotkey",
            "ed",
            "wallet",
            "sign",
            "--use-hotkey",
            "-m",
            "from plexus",
        ])
        .json();

    let p = path.to_str().unwrap();
    for package in &PACKAGES {
        // The password reaches Python only through the BT_PW_ variable Plexus computed.
        let loaded = package.driver(
            env.dir.path(),
            &["load", p, "rs", "miner"],
            std::slice::from_ref(&password),
        );
        let who = package.requirement;
        assert_same_key(&loaded["coldkey"], &coldkey, &format!("{who} coldkey"));
        assert_eq!(
            loaded["coldkeypub"], coldkey["ss58Address"],
            "{who} coldkeypub"
        );
        assert_same_key(&loaded["hotkey"], &hotkey, &format!("{who} hotkey"));
        assert_eq!(
            loaded["hotkeypub"], hotkey["ss58Address"],
            "{who} hotkey public file"
        );

        let ed_loaded = package.driver(env.dir.path(), &["hotkey", p, "rs", "ed"], &[]);
        assert_eq!(
            ed_loaded["hotkey"]["ss58Address"],
            ed.account().to_ss58().as_str(),
            "{who} ed25519"
        );
        assert_eq!(ed_loaded["hotkey"]["cryptoType"], 0, "{who} ed25519");

        for (sig, crypto) in [(&signed, "1"), (&signed_ed, "0")] {
            let signer = sig["signer"].as_str().unwrap();
            let signature = sig["signature"].as_str().unwrap();
            // The signed message verifies; any other message does not.
            for (message, expected) in [("from plexus", true), ("from plexus!", false)] {
                let verdict = package.driver(
                    env.dir.path(),
                    &["verify", signer, message, signature, crypto],
                    &[],
                );
                assert_eq!(
                    verdict["valid"], expected,
                    "{who}, {message:?}, crypto {crypto}"
                );
            }
        }
    }
}

#[test]
fn test_python_wallets_load_in_plexus() {
    let env = Env::new();
    let path = env.wallets();
    let p = path.to_str().unwrap();
    for (i, package) in PACKAGES.iter().enumerate() {
        let who = package.requirement;
        let name = format!("py{i}");
        let created = package.driver(
            env.dir.path(),
            &["create", p, &name, "default", PASSWORD],
            &[],
        );
        let password = password_var(&path.join(&name).join("coldkey"), PASSWORD);

        // Plexus decrypts the Python-written coldkey and recovers the same mnemonic and address.
        let shown = env
            .ok_with(
                &[
                    "--json",
                    "--wallet-name",
                    &name,
                    "wallet",
                    "show",
                    "--reveal-mnemonic",
                ],
                &[password],
            )
            .json();
        assert_eq!(
            shown["coldkey"], created["coldkey"]["ss58Address"],
            "{who} coldkeypub"
        );
        assert_eq!(
            shown["mnemonic"], created["coldkey"]["secretPhrase"],
            "{who} coldkey mnemonic"
        );
        assert_eq!(shown["coldkeyEncrypted"], true);

        // The hotkey file holds the same secret, field by field.
        let KeyMaterial::Pair(hotkey) = Keyfile::new(path.join(&name).join("hotkeys/default"))
            .read(None)
            .unwrap()
        else {
            panic!("{who}: the hotkey file holds no secret");
        };
        assert_same_key(
            &created["hotkey"],
            &expected_fields(&hotkey),
            &format!("{who} hotkey"),
        );

        // A signature made in Python verifies in Plexus, and not for another message.
        let signed = package.driver(
            env.dir.path(),
            &["sign", p, &name, "default", "from python"],
            &[],
        );
        let signer = signed["signer"].as_str().unwrap();
        let signature = signed["signature"].as_str().unwrap();
        assert_eq!(signer, created["hotkey"]["ss58Address"].as_str().unwrap());
        env.ok(&[
            "wallet",
            "verify",
            "-a",
            signer,
            "-m",
            "from python",
            "-s",
            signature,
        ]);
        env.fails(
            &[
                "wallet",
                "verify",
                "-a",
                signer,
                "-m",
                "from pithon",
                "-s",
                signature,
            ],
            1,
        );
    }
}
