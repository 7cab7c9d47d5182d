//! The `plexus wallet` commands, driven like a user drives them: the real binary, real files.

use crate::util::{mode, Env, DEV_PHRASE};

#[test]
fn test_create_list_show_sign_verify_plain() {
    let env = Env::new();
    let created = env
        .ok(&[
            "--json",
            "wallet",
            "create",
            "--no-password",
            "--n-words",
            "24",
        ])
        .json();
    let keys = created["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    let human = env.ok(&[
        "--wallet-name",
        "other",
        "wallet",
        "create",
        "--no-password",
    ]);
    assert!(
        human
            .stdout
            .contains("WARNING: the mnemonic is the only way"),
        "{}",
        human.stdout
    );
    assert_eq!(keys[0]["mnemonic"].as_str().unwrap().split(' ').count(), 24);
    let coldkey = keys[0]["ss58Address"].as_str().unwrap().to_string();
    let hotkey = keys[1]["ss58Address"].as_str().unwrap().to_string();

    let wallet = env.wallets().join("default");
    assert_eq!(mode(&wallet), 0o700);
    for file in [
        "coldkey",
        "coldkeypub.txt",
        "hotkeys/default",
        "hotkeys/defaultpub.txt",
    ] {
        assert_eq!(mode(&wallet.join(file)), 0o600, "{file}");
    }

    let listed = env.ok(&["wallet", "list"]).stdout;
    assert!(
        listed.contains(&coldkey) && listed.contains(&hotkey),
        "{listed}"
    );
    let shown = env.ok(&["--json", "wallet", "show"]).json();
    assert_eq!(shown["coldkey"], coldkey.as_str());
    assert_eq!(shown["hotkeys"][0]["ss58Address"], hotkey.as_str());
    assert!(shown.get("mnemonic").is_none());

    let signed = env
        .ok(&["--json", "wallet", "sign", "--use-hotkey", "-m", "hello"])
        .json();
    assert_eq!(signed["signer"], hotkey.as_str());
    let sig = signed["signature"].as_str().unwrap();
    let verified = env
        .ok(&[
            "--json",
            "wallet",
            "verify",
            "--use-hotkey",
            "-m",
            "hello",
            "-s",
            sig,
        ])
        .json();
    assert_eq!(verified["valid"], true);
    env.fails(
        &["wallet", "verify", "-a", &hotkey, "-m", "hullo", "-s", sig],
        1,
    );
    // Signed by the hotkey, so it is not the coldkey's signature.
    env.fails(&["wallet", "verify", "-m", "hello", "-s", sig], 1);
}

#[test]
fn test_regen_from_mnemonic_seed_uri_and_stdin() {
    let env = Env::new();
    let regen = env
        .ok(&[
            "--json",
            "--wallet-name",
            "dev",
            "wallet",
            "regen-coldkey",
            "--no-password",
            "--mnemonic",
            DEV_PHRASE,
        ])
        .json();
    assert_eq!(
        regen["ss58Address"],
        "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV"
    );
    let seed = "0xfac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e";
    let from_seed = env
        .ok(&[
            "--json",
            "--wallet-name",
            "dev",
            "--hotkey",
            "s",
            "wallet",
            "regen-hotkey",
            "--seed",
            seed,
        ])
        .json();
    assert_eq!(
        from_seed["ss58Address"],
        "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV"
    );
    let alice = env
        .ok(&[
            "--json",
            "--wallet-name",
            "dev",
            "--hotkey",
            "a",
            "wallet",
            "regen-hotkey",
            "--uri",
            "//Alice",
        ])
        .json();
    assert_eq!(
        alice["ss58Address"],
        "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
    );
    // With no source on the command line, the mnemonic is read from standard input.
    let piped = env.run_with(
        &[
            "--json",
            "--wallet-name",
            "dev",
            "--hotkey",
            "p",
            "wallet",
            "regen-hotkey",
        ],
        &format!("{DEV_PHRASE}\n"),
        &[],
    );
    assert_eq!(piped.code, 0, "{}", piped.stderr);
    assert_eq!(
        piped.json()["ss58Address"],
        "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV"
    );
    let pubonly = env
        .ok(&[
            "--json",
            "--wallet-name",
            "watch",
            "wallet",
            "regen-coldkeypub",
            "--ss58",
            "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
        ])
        .json();
    assert_eq!(
        pubonly["ss58Address"],
        "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
    );
    let shown = env
        .ok(&["--json", "--wallet-name", "watch", "wallet", "show"])
        .json();
    assert_eq!(
        shown["coldkey"],
        "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
    );
}

#[test]
fn test_existing_keys_are_not_overwritten_without_flag() {
    let env = Env::new();
    env.ok(&["wallet", "create", "--no-password"]);
    let wallet = env.wallets().join("default");
    let files = [
        "coldkey",
        "coldkeypub.txt",
        "hotkeys/default",
        "hotkeys/defaultpub.txt",
    ];
    let read_all = || files.map(|f| std::fs::read(wallet.join(f)).unwrap());
    let before = read_all();
    for args in [
        &["wallet", "create", "--no-password"][..],
        &["wallet", "new-coldkey", "--no-password"],
        &["wallet", "regen-coldkey", "--no-password", "--uri", "//Bob"],
        &["wallet", "new-hotkey"],
        &[
            "wallet",
            "regen-coldkeypub",
            "--ss58",
            "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
        ],
    ] {
        let run = env.fails(args, 2);
        assert!(run.stderr.contains("--overwrite"), "{}", run.stderr);
    }
    assert_eq!(read_all(), before, "a refused command changed a key file");
    env.ok(&[
        "wallet",
        "regen-coldkey",
        "--no-password",
        "--uri",
        "//Bob",
        "--overwrite",
    ]);
    let shown = env.ok(&["--json", "wallet", "show"]).json();
    assert_eq!(
        shown["coldkey"],
        "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
    );
}

#[test]
fn test_bad_input_gets_clear_errors() {
    let env = Env::new();
    let bad_word = DEV_PHRASE.replace("lake", "lakes");
    let run = env.fails(
        &[
            "wallet",
            "regen-coldkey",
            "--no-password",
            "--mnemonic",
            &bad_word,
        ],
        2,
    );
    assert!(
        run.stderr
            .contains("word 4 is not in the BIP-39 English word list"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("lakes"),
        "the secret input is echoed: {}",
        run.stderr
    );
    let swapped = DEV_PHRASE.replace("bottom drive", "drive bottom");
    let run = env.fails(
        &[
            "wallet",
            "regen-coldkey",
            "--no-password",
            "--mnemonic",
            &swapped,
        ],
        2,
    );
    assert!(run.stderr.contains("checksum"), "{}", run.stderr);
    let run = env.fails(
        &[
            "wallet",
            "regen-coldkey",
            "--no-password",
            "--seed",
            "0x1234",
        ],
        2,
    );
    assert!(run.stderr.contains("64 hex digits"), "{}", run.stderr);
    let run = env.fails(
        &[
            "wallet",
            "regen-coldkeypub",
            "--ss58",
            "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQX",
        ],
        2,
    );
    assert!(run.stderr.contains("bad checksum"), "{}", run.stderr);
    let run = env.fails(&["wallet", "new-coldkey", "--n-words", "11"], 2);
    assert!(
        run.stderr.contains("12, 15, 18, 21 or 24"),
        "{}",
        run.stderr
    );
    let run = env.fails(&["--wallet-name", "../x", "wallet", "show"], 2);
    assert!(run.stderr.contains("invalid wallet name"), "{}", run.stderr);

    env.ok(&[
        "wallet",
        "regen-coldkey",
        "--no-password",
        "--uri",
        "//Alice",
    ]);
    let coldkey = env.wallets().join("default/coldkey");
    let good = std::fs::read(&coldkey).unwrap();
    let cases: [(&[u8], &str); 5] = [
        (&good[..good.len() / 2], "not a keyfile: truncated JSON"),
        (b"$SECRETBOX0123456789", "unknown encryption prefix"),
        (
            b"$ANSIBLE_VAULT;1.1;AES256\n6162",
            "legacy Ansible Vault format",
        ),
        (b"gAAAAABkZXJuZXQ=", "legacy Fernet format"),
        (b"not json at all", "not a keyfile: invalid JSON"),
    ];
    for (bytes, expected) in cases {
        std::fs::write(&coldkey, bytes).unwrap();
        // Standard input is empty: nothing may ask for a password before the real problem.
        let run = env.run(&["wallet", "sign", "-m", "x"]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains(coldkey.to_str().unwrap()),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains(expected), "{expected}: {}", run.stderr);
    }
    // A `$NACL` file too short to hold anything: named as truncated, once a password is given.
    std::fs::write(&coldkey, b"$NACL0123").unwrap();
    let run = env.run_with(&["wallet", "sign", "-m", "x"], "pw\n", &[]);
    assert!(run.stderr.contains("truncated: 9 bytes"), "{}", run.stderr);
    let run = env.run(&["wallet", "sign", "-m", "x"]);
    assert!(
        run.stderr.contains("is encrypted") && run.stderr.contains("BT_PW_"),
        "{}",
        run.stderr
    );
    let bad_var = (
        plexus_keys::password::env_var_name(&coldkey),
        "%%%".to_string(),
    );
    let run = env.run_with(&["wallet", "sign", "-m", "x"], "", &[bad_var]);
    assert!(
        run.stderr
            .contains("is set but is not a base64-encoded password"),
        "{}",
        run.stderr
    );
    // A folder where the keyfile should be: unreadable as a file.
    std::fs::remove_file(&coldkey).unwrap();
    std::fs::create_dir(&coldkey).unwrap();
    let run = env.fails(&["wallet", "sign", "-m", "x"], 2);
    assert!(
        run.stderr.contains(coldkey.to_str().unwrap()),
        "{}",
        run.stderr
    );
}

/// Three Argon2 operations: create an encrypted coldkey, sign with the right password, fail with a wrong one.
#[test]
fn test_encrypted_coldkey_password_from_env_and_stdin() {
    let env = Env::new();
    let coldkey = env.wallets().join("enc/coldkey");
    let password = plexus_keys::Password::new("Plexus-test-2026".into());
    let var = (
        plexus_keys::password::env_var_name(&coldkey),
        plexus_keys::password::env_value(&coldkey, &password),
    );
    let created = env.run_with(
        &["--json", "--wallet-name", "enc", "wallet", "new-coldkey"],
        "",
        std::slice::from_ref(&var),
    );
    assert_eq!(created.code, 0, "{}", created.stderr);
    let created = created.json();
    let address = created["keys"][0]["ss58Address"]
        .as_str()
        .unwrap()
        .to_string();
    let mnemonic = created["keys"][0]["mnemonic"].as_str().unwrap().to_string();
    assert_eq!(created["keys"][0]["encrypted"], true);
    let bytes = std::fs::read(&coldkey).unwrap();
    assert!(bytes.starts_with(b"$NACL"));
    assert_eq!(mode(&coldkey), 0o600);

    // Listing needs no password: the public file answers.
    let listed = env.ok(&["wallet", "list"]).stdout;
    assert!(listed.contains(&address));

    let signed = env.run_with(
        &[
            "--json",
            "--wallet-name",
            "enc",
            "wallet",
            "sign",
            "-m",
            "hi",
        ],
        "",
        &[var],
    );
    assert_eq!(signed.code, 0, "{}", signed.stderr);
    assert_eq!(signed.json()["signer"], address.as_str());
    for word in mnemonic.split(' ') {
        assert!(
            !signed.stdout.contains(&format!(" {word} ")),
            "secret printed: {}",
            signed.stdout
        );
    }

    let wrong = env.run_with(
        &["--wallet-name", "enc", "wallet", "sign", "-m", "hi"],
        "not-the-password\n",
        &[],
    );
    assert_eq!(wrong.code, 2);
    assert!(
        wrong.stderr.contains(coldkey.to_str().unwrap()),
        "{}",
        wrong.stderr
    );
    assert!(wrong.stderr.contains("wrong password"), "{}", wrong.stderr);
    assert_eq!(std::fs::read(&coldkey).unwrap(), bytes);
}

#[test]
fn test_keys_others_can_reach_are_warned_about_or_refused() {
    use std::os::unix::fs::PermissionsExt;
    let chmod = |path: &std::path::Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    let env = Env::new();
    env.ok(&["wallet", "create", "--no-password"]);
    let wallet = env.wallets().join("default");
    let coldkey = wallet.join("coldkey");

    // Private keys are used without a word.
    let run = env.ok(&["wallet", "sign", "-m", "x"]);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);

    // A coldkey others can read: used, with a warning.
    chmod(&coldkey, 0o644);
    let run = env.ok(&["wallet", "sign", "-m", "x"]);
    assert!(
        run.stderr.contains("can be read by other users"),
        "{}",
        run.stderr
    );

    // A coldkey others can change, or in a folder they can change: refused unless --force.
    for (path, mode) in [(&coldkey, 0o666), (&wallet, 0o777)] {
        chmod(&coldkey, 0o600);
        chmod(&wallet, 0o700);
        chmod(path, mode);
        let run = env.fails(&["wallet", "sign", "-m", "x"], 2);
        assert!(
            run.stderr.contains("refusing to use the coldkey")
                && run.stderr.contains("can be changed by other users")
                && run.stderr.contains(&path.display().to_string()),
            "{}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "nothing was signed: {}", run.stdout);
        let run = env.ok(&["--force", "wallet", "sign", "-m", "x"]);
        assert!(run.stderr.contains("warning"), "{}", run.stderr);
    }

    // A hotkey others can change is warned about, not refused.
    chmod(&coldkey, 0o600);
    chmod(&wallet, 0o700);
    chmod(&wallet.join("hotkeys/default"), 0o666);
    let run = env.ok(&["wallet", "sign", "--use-hotkey", "-m", "x"]);
    assert!(
        run.stderr.contains("can be changed by other users"),
        "{}",
        run.stderr
    );
}
