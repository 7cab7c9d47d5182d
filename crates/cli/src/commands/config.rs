//! `plexus config …`: the settings file.

use super::Context;
use crate::cli::ConfigCommand;
use crate::config::Settings;
use anyhow::Result;
use serde_json::json;
use std::process::ExitCode;

pub(crate) fn run(cmd: ConfigCommand, ctx: &Context) -> Result<ExitCode> {
    let path = &ctx.config_path;
    match cmd {
        ConfigCommand::Get => {
            let settings = Settings::load(path, false)?;
            let value = json!({
                "path": path.display().to_string(),
                "file": settings,
                "in_effect": {
                    "network": ctx.url,
                    "wallet_path": ctx.wallet.dir().parent().map(|p| p.display().to_string()),
                    "wallet_name": ctx.wallet.name(),
                    "wallet_hotkey": ctx.wallet.hotkey_name(),
                },
            });
            ctx.out.result(value, || {
                format!(
                    "Settings file: {}\n{}\nIn effect:\n  network        {}\n  wallet_path    {}\n  wallet_name    {}\n  wallet_hotkey  {}\n",
                    path.display(),
                    toml::to_string(&settings).unwrap_or_default(),
                    ctx.url,
                    ctx.wallet
                        .dir()
                        .parent()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default(),
                    ctx.wallet.name(),
                    ctx.wallet.hotkey_name()
                )
            })?;
        }
        ConfigCommand::Set(args) => {
            let mut settings = Settings::load(path, false)?;
            settings.update(&args.key, Some(args.value.clone()))?;
            settings.save(path)?;
            ctx.out.result(
                json!({ "path": path.display().to_string(), "key": args.key, "value": args.value }),
                || format!("{} = {} in {}\n", args.key, args.value, path.display()),
            )?;
        }
        ConfigCommand::Clear(args) => {
            let mut settings = Settings::load(path, false)?;
            match &args.key {
                Some(key) => settings.update(key, None)?,
                None => settings = Settings::default(),
            }
            settings.save(path)?;
            ctx.out.result(
                json!({ "path": path.display().to_string(), "cleared": args.key }),
                || {
                    format!(
                        "Cleared {} in {}\n",
                        args.key.as_deref().unwrap_or("every setting"),
                        path.display()
                    )
                },
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
