//! The root network (netuid 0): the TAO staked on it, its share of each subnet, and the
//! hotkeys it is staked through.

use super::{finalized, Frame, PageError};
use crate::html::{
    account_link, alpha, as_of, facts, group, num, page, ppb, proportion, subnet_link, table, tao,
    Names, ROOT_NETUID,
};
use plexus_rpc::Client;

pub(crate) async fn root(client: &Client, frame: &Frame) -> Result<String, PageError> {
    let (height, at) = finalized(client).await?;
    let info = client.root(at).await?;
    // The delegates name the page's accounts and are its list of root stakes.
    let delegates = client.delegates(at).await?;
    let names = Names::new(&delegates);
    let claims = match info.num_root_claims {
        0 => "off".to_string(),
        n => format!("{} coldkeys", group(u128::from(n))),
    };
    let summary = facts(&[
        ("TAO staked on root", tao(info.total_tao)),
        ("TAO weight", proportion(info.tao_weight)),
        ("Automatic claims per block", claims),
        ("Claim threshold", alpha(info.claim_threshold)),
    ]);
    let subnets: Vec<Vec<String>> = info
        .subnets
        .iter()
        .map(|s| {
            vec![
                num(s.netuid, &subnet_link(s.netuid)),
                num(s.root_proportion_ppb, &ppb(s.root_proportion_ppb)),
                num(s.unclaimed_alpha, &alpha(s.unclaimed_alpha)),
            ]
        })
        .collect();
    let mut stakes: Vec<_> = delegates
        .delegates
        .iter()
        .flat_map(|d| {
            d.stakes
                .iter()
                .filter(|s| s.netuid == ROOT_NETUID)
                .map(move |s| (d, s))
        })
        .collect();
    stakes.sort_by_key(|(d, s)| (std::cmp::Reverse(s.total_alpha), d.hotkey));
    let stakes: Vec<Vec<String>> = stakes
        .iter()
        .map(|(d, s)| {
            let nominators = s.nominators.len();
            vec![
                account_link(&d.hotkey),
                names.link(&d.owner),
                num(s.total_alpha, &tao(s.total_alpha)),
                num(nominators, &group(nominators as u128)),
            ]
        })
        .collect();
    let body = format!(
        "{}<p>TAO staked on root earns dividends from every subnet, in each subnet's alpha, \
         and counts in stake weight on every subnet by the TAO weight.</p>{summary}\
         <h2>Subnets</h2><p>A subnet's root proportion is root's share of its validators' \
         emission; unclaimed alpha is what root stakers have earned there and not yet claimed.</p>\
         {}<h2>Root stake by hotkey</h2>{}",
        as_of(height),
        table(
            "root-subnets",
            &["Subnet", "Root proportion", "Unclaimed alpha"],
            &subnets,
            true
        ),
        table(
            "root-stakes",
            &["Hotkey", "Owner", "TAO on root", "Nominators"],
            &stakes,
            true
        ),
    );
    Ok(page("Root", &frame.chain, &body))
}
