//! HTML building: escaping, the page frame, and the one format for each kind of value.
//!
//! Every piece of text that comes from the chain or the user goes through [`esc`] (or a
//! formatter that calls it), so nothing a user enters or signs can inject markup.

use plexus_primitives::{AccountId, NetUid, H256, RAO_PER_TAO};
use plexus_rpc::types::Delegates;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The root network's netuid: its stake is TAO, and it has a page of its own rather than a
/// subnet page.
pub(crate) const ROOT_NETUID: NetUid = 0;

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Digits grouped by thousands: `1,234,567`.
pub(crate) fn group(value: u128) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Rao as a decimal amount with nine places trimmed of trailing zeros: `1,234.5`.
fn decimal(rao: u128) -> String {
    let whole = rao / u128::from(RAO_PER_TAO);
    let frac = rao % u128::from(RAO_PER_TAO);
    if frac == 0 {
        return group(whole);
    }
    let frac = format!("{frac:09}");
    format!("{}.{}", group(whole), frac.trim_end_matches('0'))
}

/// An amount of TAO given in rao: `1,234.5 τ`.
pub(crate) fn tao(rao: impl Into<u128>) -> String {
    format!("{} τ", decimal(rao.into()))
}

/// An amount of a subnet's alpha given in rao: `12.5 α`.
pub(crate) fn alpha(rao: impl Into<u128>) -> String {
    format!("{} α", decimal(rao.into()))
}

/// A price in rao of TAO per alpha, as TAO per alpha.
pub(crate) fn price(rao_per_alpha: u64) -> String {
    format!("{} τ/α", decimal(u128::from(rao_per_alpha)))
}

/// `part` of `whole` as a percentage with two decimals, rounded to the nearest (so that half
/// of `u64::MAX`, which is odd, reads 50.00%).
fn percent(part: u64, whole: u64) -> String {
    let (part, whole) = (u128::from(part), u128::from(whole));
    let hundredths = (part * 10_000 + whole / 2).checked_div(whole).unwrap_or(0);
    format!("{}.{:02}%", hundredths / 100, hundredths % 100)
}

/// A share out of 65535 as a percentage.
pub(crate) fn share(value: u16) -> String {
    percent(u64::from(value), u64::from(u16::MAX))
}

/// A proportion of `u64::MAX` (a child's part of its parent, the TAO weight) as a percentage.
pub(crate) fn proportion(value: u64) -> String {
    percent(value, u64::MAX)
}

/// Parts per billion as a percentage.
pub(crate) fn ppb(value: u64) -> String {
    percent(value, 1_000_000_000)
}

/// Milliseconds since the Unix epoch as `YYYY-MM-DD HH:MM:SS UTC`.
pub(crate) fn time(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (h, m, s) = (rem / 3600, (rem % 3600) / 60, rem % 60);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {h:02}:{m:02}:{s:02} UTC")
}

/// A shortened hash linking to `href`, with the whole value on hover.
pub(crate) fn hash_link(hash: &H256, href: &str) -> String {
    let full = hash.to_string();
    format!(
        r#"<a class="mono" href="{}" title="{}">{}…{}</a>"#,
        esc(href),
        esc(&full),
        esc(&full[..10]),
        esc(&full[full.len() - 6..])
    )
}

/// A shortened hash that names nothing to link to (a call's, a key's), with the whole value on
/// hover, after `prefix` (such as `sha256:`) if any.
pub(crate) fn short_hash(prefix: &str, hash: &H256) -> String {
    let full = hash.to_string();
    format!(
        r#"<span class="mono" title="{0}{1}">{0}{2}…{3}</span>"#,
        esc(prefix),
        esc(&full),
        esc(&full[..10]),
        esc(&full[full.len() - 6..])
    )
}

/// A shortened address linking to its account page, with the whole address on hover.
pub(crate) fn account_link(account: &AccountId) -> String {
    let full = account.to_string();
    let short = if full.len() > 14 {
        format!("{}…{}", &full[..6], &full[full.len() - 6..])
    } else {
        full.clone()
    };
    format!(
        r#"<a class="mono" href="/account/{0}" title="{0}">{1}</a>"#,
        esc(&full),
        esc(&short)
    )
}

/// A link to a block by height.
pub(crate) fn block_link(height: u64) -> String {
    format!(
        r#"<a href="/block/{height}">{}</a>"#,
        group(u128::from(height))
    )
}

/// Which block a page's state was read at: every number on the page is from that one block.
pub(crate) fn as_of(height: u64) -> String {
    format!(
        r#"<p class="as-of" data-at="{height}">State at finalized block {}.</p>"#,
        block_link(height)
    )
}

/// A link to a subnet, or to the root page for root.
pub(crate) fn subnet_link(netuid: NetUid) -> String {
    if netuid == ROOT_NETUID {
        return r#"<a href="/root">root</a>"#.into();
    }
    format!(r#"<a href="/subnet/{netuid}">{netuid}</a>"#)
}

/// A stake in a subnet's units: TAO on root, alpha elsewhere.
pub(crate) fn stake_amount(netuid: NetUid, rao: u64) -> String {
    if netuid == ROOT_NETUID {
        tao(rao)
    } else {
        alpha(rao)
    }
}

/// What a subnet is called: its token's symbol and its owner's name for it, as given.
pub(crate) fn subnet_name(summary: &plexus_rpc::types::SubnetSummary) -> String {
    format!("{} {}", summary.symbol, summary.name)
        .trim()
        .to_string()
}

/// The names accounts go by, from their identities: a coldkey's own, and for a hotkey its
/// owner's. Built from one `delegates` answer, which has every hotkey with its owner and the
/// owner's identity, so a page names all its addresses with one call to the node.
pub(crate) struct Names(BTreeMap<AccountId, String>);

impl Names {
    pub(crate) fn new(delegates: &Delegates) -> Self {
        let named = || {
            delegates.delegates.iter().filter_map(|d| {
                let name = d.identity.as_ref()?.name.trim();
                (!name.is_empty()).then(|| (d, name.to_string()))
            })
        };
        // A hotkey that is also a coldkey with an identity goes by its own name.
        let hotkeys = named().map(|(d, name)| (d.hotkey, name));
        let owners = named().map(|(d, name)| (d.owner, name));
        Self(hotkeys.chain(owners).collect())
    }

    /// [`account_link`], followed by the account's name if it has one.
    pub(crate) fn link(&self, account: &AccountId) -> String {
        match self.0.get(account) {
            Some(name) => format!("{} {}", account_link(account), esc(name)),
            None => account_link(account),
        }
    }
}

/// A link to a neuron by its uid.
pub(crate) fn neuron_link(netuid: u16, uid: u16) -> String {
    format!(r#"<a href="/neuron/{netuid}/{uid}">{uid}</a>"#)
}

/// A whole value (a hash or an address) in full, in the fixed-width font.
pub(crate) fn mono(value: impl std::fmt::Display) -> String {
    format!(r#"<span class="mono">{}</span>"#, esc(&value.to_string()))
}

/// A flag as `yes` or `no`.
pub(crate) fn yes_no(flag: bool) -> String {
    if flag { "yes" } else { "no" }.into()
}

/// A table: headers, rows of cells already in HTML. Sortable tables sort on a click in the
/// browser (numbers by `data-sort` values, which the cells may carry).
pub(crate) fn table(id: &str, headers: &[&str], rows: &[Vec<String>], sortable: bool) -> String {
    let mut out = format!(
        r#"<div class="scroll"><table id="{}"{}><thead><tr>"#,
        esc(id),
        if sortable { r#" class="sortable""# } else { "" }
    );
    for header in headers {
        let _ = write!(out, r#"<th scope="col">{}</th>"#, esc(header));
    }
    out.push_str("</tr></thead><tbody>");
    if rows.is_empty() {
        let _ = write!(
            out,
            r#"<tr><td colspan="{}" class="empty">nothing yet</td></tr>"#,
            headers.len()
        );
    }
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            if cell.starts_with("<td") {
                out.push_str(cell);
            } else {
                let _ = write!(out, "<td>{cell}</td>");
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    out
}

/// A numeric cell that sorts by `key`.
pub(crate) fn num(key: impl std::fmt::Display, shown: &str) -> String {
    format!(r#"<td class="num" data-sort="{key}">{shown}</td>"#)
}

/// Links to the pages before and after `page` of a paginated list.
pub(crate) fn pager(base: &str, page: u64, has_next: bool) -> String {
    let mut out = String::from(r#"<nav class="pager" aria-label="pages">"#);
    if page > 0 {
        let _ = write!(
            out,
            r#"<a href="{}?page={}">← newer</a>"#,
            esc(base),
            page - 1
        );
    }
    let _ = write!(out, " <span>page {}</span> ", page + 1);
    if has_next {
        let _ = write!(
            out,
            r#"<a href="{}?page={}">older →</a>"#,
            esc(base),
            page + 1
        );
    }
    out.push_str("</nav>");
    out
}

/// A label/value list.
pub(crate) fn facts(items: &[(&str, String)]) -> String {
    let mut out = String::from(r#"<dl class="facts">"#);
    for (label, value) in items {
        let _ = write!(out, "<dt>{}</dt><dd>{value}</dd>", esc(label));
    }
    out.push_str("</dl>");
    out
}

/// The whole document around a page's content.
pub(crate) fn page(title: &str, chain: &str, body: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Plexus explorer</title>
<link rel="stylesheet" href="/assets/style.css">
<link rel="icon" href="data:,">
</head><body>
<header><a class="brand" href="/">Plexus</a><span class="chain">{chain}</span>
<nav aria-label="main"><a href="/blocks">Blocks</a><a href="/subnets">Subnets</a><a href="/root">Root</a></nav>
<form action="/search" role="search"><label class="hidden" for="q">Search</label>
<input id="q" name="q" placeholder="block, hash, address or netuid" autocomplete="off"></form>
</header>
<main><h1>{title}</h1>
{body}
</main>
<footer>Live: <span id="live-head">…</span></footer>
<script src="/assets/app.js"></script>
</body></html>"#,
        title = esc(title),
        chain = esc(chain),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_escaping_leaves_no_markup() {
        assert_eq!(
            esc(r#"<script>alert("x")</script>&'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"
        );
    }

    #[test]
    fn test_amounts_times_and_shares() {
        assert_eq!(tao(1_234_500_000_000u64), "1,234.5 τ");
        assert_eq!(tao(1u64), "0.000000001 τ");
        assert_eq!(alpha(0u64), "0 α");
        assert_eq!(group(1_000), "1,000");
        assert_eq!(group(999), "999");
        assert_eq!(share(u16::MAX), "100.00%");
        assert_eq!(share(32_768), "50.00%");
        assert_eq!(share(0), "0.00%");
        assert_eq!(proportion(u64::MAX / 2), "50.00%");
        assert_eq!(proportion(u64::MAX / 4), "25.00%");
        assert_eq!(proportion(u64::MAX), "100.00%");
        assert_eq!(ppb(123_456_789), "12.35%");
        assert_eq!(ppb(1_000_000_000), "100.00%");
        assert_eq!(time(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(time(1_795_347_112_794), "2026-11-22 11:31:52 UTC");
        assert_eq!(time(951_782_400_000), "2000-02-29 00:00:00 UTC");
    }

    /// A hotkey goes by its owner's name, a coldkey by its own, and a name is text.
    #[test]
    fn test_names_come_from_owners_and_are_escaped() {
        use plexus_rpc::types::DelegateInfo;
        let (owner, hotkey, other) = (AccountId([1; 32]), AccountId([2; 32]), AccountId([3; 32]));
        let delegate = |hotkey, owner, name: &str| DelegateInfo {
            hotkey,
            owner,
            identity: Some(plexus_runtime::ChainIdentity {
                name: name.into(),
                ..plexus_runtime::ChainIdentity::default()
            }),
            take: 0,
            registrations: Vec::new(),
            stakes: Vec::new(),
        };
        let names = Names::new(&Delegates {
            delegates: vec![
                delegate(hotkey, owner, "<b>Owner</b>"),
                delegate(AccountId([4; 32]), other, " "),
            ],
            block: 1,
        });
        let named = " &lt;b&gt;Owner&lt;/b&gt;";
        assert_eq!(names.link(&hotkey), account_link(&hotkey) + named);
        assert_eq!(names.link(&owner), account_link(&owner) + named);
        assert_eq!(names.link(&other), account_link(&other));
    }
}
