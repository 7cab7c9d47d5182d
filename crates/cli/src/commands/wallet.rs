//! `plexus wallet …`: create, restore, list, show, sign and verify, in btcli's spirit.

use super::Context;
use crate::cli::{
    MessageArgs, NewKeyArgs, RegenArgs, RegenPubArgs, ShowArgs, SignArgs, VerifyArgs,
    WalletCommand, WriteArgs,
};
use anyhow::{anyhow, bail, Context as _, Result};
use plexus_keys::{
    wallet::wallet_names, AccountId, CryptoType, Exposure, KeyMaterial, Keyfile, Keypair, Password,
    PublicKey, Signature, Wallet, WalletError,
};
use serde_json::{json, Value};
use std::{fmt::Write as _, process::ExitCode};
use zeroize::Zeroizing;

const MNEMONIC_WARNING: &str = "WARNING: the mnemonic is the only way to recover this key if its file is lost. \
Write it down and keep it offline: anyone who reads it controls the key. It will not be shown again.";

pub(crate) fn run(cmd: WalletCommand, ctx: &Context) -> Result<ExitCode> {
    match cmd {
        WalletCommand::Create(args) => create(ctx, &args, true, true),
        WalletCommand::NewColdkey(args) => create(ctx, &args, true, false),
        WalletCommand::NewHotkey(args) => create(ctx, &args, false, true),
        WalletCommand::RegenColdkey(args) => regen(ctx, &args, Role::Coldkey),
        WalletCommand::RegenHotkey(args) => regen(ctx, &args, Role::Hotkey),
        WalletCommand::RegenColdkeypub(args) => regen_coldkeypub(ctx, &args),
        WalletCommand::List => list(ctx),
        WalletCommand::Show(args) => show(ctx, &args),
        WalletCommand::Sign(args) => sign(ctx, &args),
        WalletCommand::SetIdentity(args) => {
            return super::net::block_on(super::identity::set(ctx, args));
        }
        WalletCommand::GetIdentity(args) => {
            return super::net::block_on(super::identity::get(ctx, args));
        }
        WalletCommand::SwapHotkey(args) => {
            return super::net::block_on(swap_hotkey(ctx, args));
        }
        WalletCommand::SwapColdkey(cmd) => {
            return super::net::block_on(swap_coldkey(ctx, cmd));
        }
        WalletCommand::Verify(args) => {
            return Ok(if verify(ctx, &args)? {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            });
        }
    }?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Coldkey,
    Hotkey,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Self::Coldkey => "coldkey",
            Self::Hotkey => "hotkey",
        }
    }

    fn file(self, wallet: &Wallet) -> Keyfile {
        match self {
            Self::Coldkey => wallet.coldkey_file(),
            Self::Hotkey => wallet.hotkey_file(),
        }
    }

    fn public_file(self, wallet: &Wallet) -> Keyfile {
        match self {
            Self::Coldkey => wallet.coldkeypub_file(),
            Self::Hotkey => wallet.hotkeypub_file(),
        }
    }

    /// Coldkeys are encrypted unless asked not to be; hotkeys only when asked to be.
    fn encrypted(self, write: &WriteArgs) -> bool {
        match self {
            Self::Coldkey => !write.no_password,
            Self::Hotkey => write.use_password,
        }
    }
}

/// Fails before anything is generated or written if a key of `role` is already there.
fn refuse_existing(ctx: &Context, role: Role, overwrite: bool) -> Result<()> {
    if overwrite {
        return Ok(());
    }
    for file in [role.file(&ctx.wallet), role.public_file(&ctx.wallet)] {
        if file.exists() {
            bail!(
                "{}: a {} already exists; pass --overwrite to replace it (its secret is lost unless backed up) or choose another {}",
                file.path().display(),
                role.name(),
                if role == Role::Coldkey { "--wallet-name" } else { "--hotkey" },
            );
        }
    }
    Ok(())
}

/// The new password for the wallet's `role` key, if it is to be encrypted.
fn new_password(ctx: &Context, role: Role, write: &WriteArgs) -> Result<Option<Password>> {
    if role.encrypted(write) {
        Ok(Some(
            ctx.prompter.new_password(role.file(&ctx.wallet).path())?,
        ))
    } else {
        Ok(None)
    }
}

/// Writes `pair` as the wallet's `role` key, encrypted under `password` if one is given.
fn store(
    ctx: &Context,
    role: Role,
    pair: &Keypair,
    password: Option<&Password>,
    overwrite: bool,
) -> Result<Value> {
    let file = role.file(&ctx.wallet);
    if password.is_some() {
        ctx.out.note(&format!(
            "Encrypting the {} (this takes a few seconds)…",
            role.name()
        ));
    }
    match role {
        Role::Coldkey => ctx.wallet.set_coldkey(pair, password, overwrite)?,
        Role::Hotkey => ctx.wallet.set_hotkey(pair, password, overwrite)?,
    }
    Ok(json!({
        "role": role.name(),
        "path": file.path().display().to_string(),
        "ss58Address": pair.account().to_ss58(),
        "cryptoType": pair.crypto().to_string(),
        "encrypted": password.is_some(),
    }))
}

fn describe_key(value: &Value) -> String {
    format!(
        "{} {}\n  address    {}\n  file       {}{}\n",
        "Created",
        value["role"].as_str().unwrap_or_default(),
        value["ss58Address"].as_str().unwrap_or_default(),
        value["path"].as_str().unwrap_or_default(),
        if value["encrypted"] == true {
            " (encrypted)"
        } else {
            ""
        },
    )
}

fn create(ctx: &Context, args: &NewKeyArgs, coldkey: bool, hotkey: bool) -> Result<()> {
    let roles: Vec<Role> = [(coldkey, Role::Coldkey), (hotkey, Role::Hotkey)]
        .into_iter()
        .filter_map(|(wanted, role)| wanted.then_some(role))
        .collect();
    for &role in &roles {
        refuse_existing(ctx, role, args.write.overwrite)?;
    }
    // Every question first: once a key is written, nothing may stop its mnemonic being shown.
    let mut passwords = Vec::new();
    for &role in &roles {
        passwords.push(new_password(ctx, role, &args.write)?);
    }
    let mut created = Vec::new();
    let mut text = Zeroizing::new(String::new());
    let mut failure = None;
    for (role, password) in roles.into_iter().zip(&passwords) {
        let stored = Keypair::generate(args.write.crypto_type.into(), args.n_words)
            .map_err(anyhow::Error::from)
            .and_then(|(pair, mnemonic)| {
                Ok((
                    store(ctx, role, &pair, password.as_ref(), args.write.overwrite)?,
                    mnemonic,
                ))
            });
        match stored {
            Ok((mut value, mnemonic)) => {
                let _ = write!(
                    *text,
                    "{}  mnemonic   {}\n\n",
                    describe_key(&value),
                    mnemonic.phrase()
                );
                value["mnemonic"] = mnemonic.phrase().into();
                created.push(value);
            }
            Err(e) => {
                failure = Some(e.context(format!("creating the {}", role.name())));
                break;
            }
        }
    }
    if !created.is_empty() {
        // People read the warning beside the mnemonic; programs get it on stderr as well.
        if ctx.out.is_json() {
            eprintln!("{MNEMONIC_WARNING}");
        }
        let value =
            json!({ "wallet": ctx.wallet.name(), "keys": created, "warning": MNEMONIC_WARNING });
        ctx.out.result(value, || {
            Zeroizing::new(format!("{}{MNEMONIC_WARNING}\n", *text))
        })?;
    }
    match failure {
        Some(e) if !text.is_empty() => Err(e.context("the keys shown above were created")),
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn regen(ctx: &Context, args: &RegenArgs, role: Role) -> Result<()> {
    refuse_existing(ctx, role, args.write.overwrite)?;
    let crypto: CryptoType = args.write.crypto_type.into();
    let pair = if let Some(words) = &args.mnemonic {
        Keypair::from_phrase(crypto, &Zeroizing::new(words.join(" ")))?
    } else if let Some(seed) = &args.seed {
        Keypair::from_seed_hex(crypto, seed)?
    } else if let Some(uri) = &args.uri {
        Keypair::from_uri(crypto, uri)?
    } else {
        let secret = ctx.prompter.secret("Mnemonic or 0x seed: ")?;
        if secret.trim_start().starts_with("0x") {
            Keypair::from_seed_hex(crypto, &secret)?
        } else {
            Keypair::from_phrase(crypto, &secret)?
        }
    };
    let password = new_password(ctx, role, &args.write)?;
    let value = store(ctx, role, &pair, password.as_ref(), args.write.overwrite)?;
    ctx.out.result(value.clone(), || {
        describe_key(&value).replacen("Created", "Restored", 1)
    })?;
    Ok(())
}

fn parse_account(text: &str) -> Result<AccountId> {
    let text = text.trim();
    if let Some(digits) = text.strip_prefix("0x") {
        let bytes = hex::decode(digits).map_err(|_| anyhow!("{text}: not a hex public key"))?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| anyhow!("{text}: a public key is 32 bytes (64 hex digits)"))?;
        return Ok(AccountId(key));
    }
    AccountId::from_ss58(text).with_context(|| format!("{text}: not a valid SS58 address"))
}

fn regen_coldkeypub(ctx: &Context, args: &RegenPubArgs) -> Result<()> {
    let text = args
        .ss58
        .as_deref()
        .or(args.public_key.as_deref())
        .unwrap_or_default();
    let public = PublicKey {
        crypto: args.crypto_type.into(),
        account: parse_account(text)?,
    };
    let file = ctx.wallet.coldkeypub_file();
    if !args.overwrite && file.exists() {
        bail!(
            "{}: already exists; pass --overwrite to replace it",
            file.path().display()
        );
    }
    ctx.wallet.set_coldkeypub(&public, args.overwrite)?;
    let value = json!({ "path": file.path().display().to_string(), "ss58Address": public.account.to_ss58() });
    ctx.out.result(value, || {
        format!(
            "Restored coldkeypub\n  address    {}\n  file       {}\n",
            public.account,
            file.path().display()
        )
    })?;
    Ok(())
}

/// A key's public half for display, with a readable problem instead of failing the listing.
fn public_or_problem(result: Result<PublicKey, plexus_keys::WalletError>) -> (Value, String) {
    match result {
        Ok(public) => (json!(public.account.to_ss58()), public.account.to_ss58()),
        Err(e) => (Value::Null, format!("<{e}>")),
    }
}

/// Whether the file is encrypted; `None` when there is no file or it cannot be read.
fn encrypted(file: &Keyfile) -> Option<bool> {
    file.is_encrypted().ok()
}

fn wallet_summary(wallet: &Wallet) -> Result<(Value, Vec<(String, String)>)> {
    let (coldkey, coldkey_text) = public_or_problem(wallet.coldkeypub());
    let mut hotkeys = Vec::new();
    let mut rows = Vec::new();
    let names = match wallet.hotkey_names() {
        Ok(names) => names,
        Err(e) => {
            rows.push(("hotkeys".to_string(), format!("<{e}>")));
            Vec::new()
        }
    };
    for name in names {
        let (address, text) = match wallet.with_hotkey(&name) {
            Ok(hot) => {
                let (address, text) = public_or_problem(hot.hotkeypub());
                hotkeys.push(json!({ "name": name, "ss58Address": address, "encrypted": encrypted(&hot.hotkey_file()) }));
                (address, text)
            }
            Err(e) => (Value::Null, format!("<{e}>")),
        };
        let _ = address;
        rows.push((name, text));
    }
    let value = json!({
        "name": wallet.name(),
        "path": wallet.dir().display().to_string(),
        "coldkey": coldkey,
        "coldkeyEncrypted": encrypted(&wallet.coldkey_file()),
        "hotkeys": hotkeys,
    });
    rows.insert(0, (wallet.name().to_string(), coldkey_text));
    Ok((value, rows))
}

fn list(ctx: &Context) -> Result<()> {
    let root = ctx
        .wallet
        .dir()
        .parent()
        .map(ToOwned::to_owned)
        .unwrap_or_default();
    let names = wallet_names(&root)?;
    let mut wallets = Vec::new();
    // (tree prefix and name, address) per line, padded to one address column at the end.
    let mut lines: Vec<(String, String)> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        // One odd folder must not hide the others: its problem is shown on its line.
        let (value, rows) = match Wallet::new(&root, name, plexus_keys::wallet::DEFAULT_HOTKEY) {
            Ok(wallet) => wallet_summary(&wallet)?,
            Err(e) => (
                json!({ "name": name, "error": e.to_string() }),
                vec![(name.clone(), format!("<{e}>"))],
            ),
        };
        let last_wallet = i + 1 == names.len();
        for (j, (label, address)) in rows.into_iter().enumerate() {
            let branch = match j {
                0 if last_wallet => "└── ",
                0 => "├── ",
                _ => {
                    let indent = if last_wallet { "    " } else { "│   " };
                    let hook = if j + 1 == value["hotkeys"].as_array().map_or(0, Vec::len) + 1 {
                        "└── "
                    } else {
                        "├── "
                    };
                    lines.push((format!("{indent}{hook}{label}"), address));
                    continue;
                }
            };
            lines.push((format!("{branch}{label}"), address));
        }
        wallets.push(value);
    }
    let width = lines
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let mut text = format!("Wallets in {}\n", root.display());
    if names.is_empty() {
        text.push_str("  (none: create one with `plexus wallet create`)\n");
    }
    for (label, address) in &lines {
        let pad = width - label.chars().count();
        let _ = writeln!(text, "{label}{:pad$}  {address}", "");
    }
    ctx.out.result(
        json!({ "path": root.display().to_string(), "wallets": wallets }),
        || text,
    )?;
    Ok(())
}

/// Loads the wallet's coldkey or hotkey, asking for its password if it is encrypted.
pub(crate) fn load_secret(ctx: &Context, role: Role) -> Result<Keypair> {
    let file = role.file(&ctx.wallet);
    check_exposure(ctx, role, &file)?;
    // Only `$NACL` files take a password; other encodings fail with their own error first.
    let (password, from_env) = if file.needs_password()? {
        let (password, from_env) = ctx.prompter.existing_password(file.path())?;
        (Some(password), from_env)
    } else {
        (None, false)
    };
    let loaded = match role {
        Role::Coldkey => ctx.wallet.coldkey(password.as_ref()),
        Role::Hotkey => ctx.wallet.hotkey(password.as_ref()),
    };
    match loaded {
        Err(WalletError::Keyfile(e)) if from_env && e.is_wrong_password() => {
            Err(anyhow::Error::from(e).context(format!(
                "the password came from {}",
                plexus_keys::password::env_var_name(file.path())
            )))
        }
        other => Ok(other?),
    }
}

/// Warns when other users can reach a key about to be used; refuses a coldkey they can change
/// (they could have swapped in their own key, to receive what it is asked to sign for) unless
/// `--force` says to go ahead.
fn check_exposure(ctx: &Context, role: Role, file: &Keyfile) -> Result<()> {
    match file.exposure()? {
        Some(exposure @ Exposure::WritableByOthers(_)) if role == Role::Coldkey && !ctx.force => {
            bail!("refusing to use the coldkey: {exposure}; --force uses it anyway")
        }
        Some(exposure) => {
            ctx.out.note(&format!("warning: {exposure}"));
            Ok(())
        }
        None => Ok(()),
    }
}

fn show(ctx: &Context, args: &ShowArgs) -> Result<()> {
    let wallet = &ctx.wallet;
    if !wallet.dir().is_dir() {
        bail!(
            "{}: no such wallet (see `plexus wallet list`)",
            wallet.dir().display()
        );
    }
    let (mut value, rows) = wallet_summary(wallet)?;
    let crypto = match wallet.coldkeypub_file().read(None) {
        Ok(KeyMaterial::Public(public)) => Some(public.crypto.to_string()),
        Ok(KeyMaterial::Pair(pair)) => Some(pair.crypto().to_string()),
        Err(_) => None,
    };
    value["coldkeyCryptoType"] = json!(crypto);
    // Holds the mnemonic with --reveal-mnemonic.
    let mut text = Zeroizing::new(String::new());
    let _ = writeln!(
        text,
        "Wallet {} ({})",
        wallet.name(),
        wallet.dir().display()
    );
    let encryption = match value["coldkeyEncrypted"].as_bool() {
        Some(true) => "encrypted",
        Some(false) => "NOT encrypted",
        None => "no coldkey file, public key only",
    };
    let _ = writeln!(
        text,
        "  coldkey  {}  ({}, {})",
        rows[0].1,
        crypto.as_deref().unwrap_or("?"),
        encryption
    );
    for (name, address) in &rows[1..] {
        let _ = writeln!(text, "  hotkey   {address}  {name}");
    }
    if args.reveal_mnemonic {
        let role = if args.use_hotkey {
            Role::Hotkey
        } else {
            Role::Coldkey
        };
        let pair = load_secret(ctx, role)?;
        let phrase = pair.phrase();
        let _ = writeln!(
            *text,
            "  {} mnemonic  {}",
            role.name(),
            phrase.unwrap_or("(none stored: the key was made from a seed, a private key or a URI)")
        );
        value["mnemonic"] = json!(phrase);
    }
    ctx.out.result(value, || text)?;
    Ok(())
}

fn message_bytes(args: &MessageArgs) -> Result<Vec<u8>> {
    if args.hex {
        hex::decode(args.message.trim().trim_start_matches("0x"))
            .map_err(|_| anyhow!("--message is not hex (drop --hex to sign text)"))
    } else {
        Ok(args.message.as_bytes().to_vec())
    }
}

fn sign(ctx: &Context, args: &SignArgs) -> Result<()> {
    let role = if args.use_hotkey {
        Role::Hotkey
    } else {
        Role::Coldkey
    };
    let message = message_bytes(&args.message)?;
    let pair = load_secret(ctx, role)?;
    let signature = pair.sign(&message);
    let value = json!({
        "signer": pair.account().to_ss58(),
        "cryptoType": pair.crypto().to_string(),
        "signature": signature.to_hex(),
    });
    ctx.out.result(value, || {
        if ctx.out.is_json() {
            String::new()
        } else {
            format!(
                "signer     {}\nsignature  {}\n",
                pair.account(),
                signature.to_hex()
            )
        }
    })?;
    Ok(())
}

/// Whether the signature verifies; a signature that does not is a result, not an error.
fn verify(ctx: &Context, args: &VerifyArgs) -> Result<bool> {
    let message = message_bytes(&args.message)?;
    let signature = Signature::from_hex(&args.signature)
        .ok_or_else(|| anyhow!("--signature must be 64 bytes of hex (128 hex digits)"))?;
    let public = match &args.address {
        Some(address) => PublicKey {
            crypto: args.crypto_type.into(),
            account: parse_account(address)?,
        },
        None if args.use_hotkey => ctx.wallet.hotkeypub()?,
        None => ctx.wallet.coldkeypub()?,
    };
    let valid = public.verify(&message, &signature);
    ctx.out.result(
        json!({ "signer": public.account.to_ss58(), "valid": valid }),
        || {
            format!(
                "{} signature by {}\n",
                if valid { "valid" } else { "NOT a valid" },
                public.account
            )
        },
    )?;
    Ok(valid)
}

/// `plexus wallet swap-hotkey`: moves the wallet's hotkey's holdings to another hotkey.
async fn swap_hotkey(ctx: &Context, args: crate::cli::SwapHotkeyArgs) -> Result<()> {
    use super::net::{self, Net};
    let old = net::hotkey_account(ctx)?;
    // A name of a hotkey in this wallet, else an address.
    let named = ctx
        .wallet
        .with_hotkey(&args.new_hotkey)
        .ok()
        .filter(|w| w.hotkeypub_file().exists() || w.hotkey_file().exists());
    let new = match named {
        Some(wallet) => wallet.hotkeypub()?.account,
        None => net::parse_address(&args.new_hotkey, "new hotkey").map_err(|_| {
            anyhow::anyhow!(
                "{:?} is neither a hotkey of this wallet nor an SS58 address",
                args.new_hotkey
            )
        })?,
    };
    let cost = match args.netuid {
        Some(_) => plexus_runtime::HOTKEY_SWAP_ON_SUBNET_COST,
        None => plexus_runtime::HOTKEY_SWAP_COST,
    };
    let net = Net::connect(ctx).await?;
    let signer = net::coldkey(ctx)?;
    let call = plexus_runtime::Call::SwapHotkey {
        hotkey: old,
        new_hotkey: new,
        netuid: args.netuid,
    };
    let tx = net.sign(&signer, call).await?;
    let fee = net.fee(&tx).await?;
    let scope = args
        .netuid
        .map_or("every subnet and root".to_string(), |n| {
            format!("subnet {n}")
        });
    net::confirm(
        ctx,
        &format!(
            "Move everything {old} holds on {scope} to {new}, burning {} (fee {})?",
            crate::units::tao(cost),
            crate::units::tao(fee)
        ),
    )?;
    let receipt = net.submit(ctx, &tx, "swapping the hotkey").await?;
    let mut value = receipt.json();
    value["old_hotkey"] = serde_json::json!(old);
    value["new_hotkey"] = serde_json::json!(new);
    value["netuid"] = serde_json::json!(args.netuid);
    value["cost"] = serde_json::json!(cost.to_string());
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            return format!("{}\n", receipt.hash);
        }
        format!("{old} swapped for {new} on {scope}, {}.\n", receipt.text())
    })?;
    Ok(())
}

/// `plexus wallet swap-coldkey …`.
async fn swap_coldkey(ctx: &Context, cmd: crate::cli::SwapColdkeyCommand) -> Result<()> {
    use super::net::{self, Net};
    use crate::cli::SwapColdkeyCommand as C;
    use plexus_runtime::Call;
    let new_of = |args: &crate::cli::NewColdkeyArgs| {
        net::parse_address(&args.new_coldkey_ss58, "new coldkey")
    };
    let (call, question, done) = match &cmd {
        C::Status(args) => {
            let coldkey = net::address_or_coldkey(ctx, args.coldkey_ss58.as_deref(), "coldkey")?;
            let net = Net::connect(ctx).await?;
            let info = net
                .client()
                .coldkey_swap(coldkey, None)
                .await
                .map_err(|e| net.query_error(e))?;
            ctx.out.result(serde_json::json!(info), || match (info.when, info.disputed) {
                (None, _) => format!("{coldkey} has no swap announced.\n"),
                (Some(_), Some(at)) => format!(
                    "{coldkey}'s swap was disputed at block {at}: it is frozen until governance resets it.\n"
                ),
                (Some(when), None) => format!(
                    "{coldkey} announced a swap to the coldkey hashing to {}; it may be made from block {when}.\n",
                    info.new_coldkey_hash.map(|h| h.to_string()).unwrap_or_default()
                ),
            })?;
            return Ok(());
        }
        C::Announce(args) => {
            let new = new_of(args)?;
            (
                Call::AnnounceColdkeySwap {
                    new_coldkey_hash: plexus_primitives::blake2_256(&new.0),
                },
                format!(
                    "Announce moving everything this coldkey owns to {new} (the first announcement burns {}); until then it can do nothing else",
                    crate::units::tao(plexus_runtime::COLDKEY_SWAP_COST)
                ),
                "swap announced",
            )
        }
        C::Execute(args) => {
            let new = new_of(args)?;
            (
                Call::SwapColdkeyAnnounced { new_coldkey: new },
                format!("Move everything this coldkey owns to {new} now"),
                "coldkey swapped",
            )
        }
        C::Dispute => (
            Call::DisputeColdkeySwap,
            "Dispute this coldkey's announced swap, freezing it until governance resets it"
                .to_string(),
            "swap disputed",
        ),
        C::Clear => (
            Call::ClearColdkeySwapAnnouncement,
            "Withdraw this coldkey's swap announcement".to_string(),
            "announcement cleared",
        ),
    };
    let net = Net::connect(ctx).await?;
    let signer = net::coldkey(ctx)?;
    let receipt = net.send(ctx, &signer, call, &question, done).await?;
    let value = receipt.json();
    ctx.out.result(value, || {
        if ctx.out.is_quiet() {
            return format!("{}\n", receipt.hash);
        }
        format!("Done: {done}, {}.\n", receipt.text())
    })?;
    Ok(())
}
