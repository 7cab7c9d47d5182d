//! Balances: whole numbers of rao, the smallest unit (1 token = 10⁹ rao).

/// An amount of TAO or alpha in rao.
pub type Balance = u64;

/// Rao in one whole token.
pub const RAO_PER_TAO: Balance = 1_000_000_000;

/// The most TAO that will ever exist: 21 million tokens.
pub const TOTAL_SUPPLY: Balance = 21_000_000 * RAO_PER_TAO;

/// `rao` as a decimal token amount with all nine decimals, e.g. `1.500000000`.
pub fn format_tao(rao: Balance) -> String {
    format!("{}.{:09}", rao / RAO_PER_TAO, rao % RAO_PER_TAO)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_format_tao() {
        assert_eq!(format_tao(0), "0.000000000");
        assert_eq!(format_tao(1_500_000_000), "1.500000000");
        assert_eq!(format_tao(u64::MAX), "18446744073.709551615");
    }
}
