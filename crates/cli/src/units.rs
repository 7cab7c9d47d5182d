//! Amounts as people type and read them: decimal tokens in, rao inside, integers throughout.
//!
//! One TAO (or one alpha) is 10^9 rao. Nothing here uses floating point, so an amount typed is
//! exactly the amount sent and an amount shown is exactly the amount held (up to the digits
//! shown, which are rounded down).

use plexus_primitives::{Balance, RAO_PER_TAO};

const DECIMALS: usize = 9;

/// Parses a decimal amount of tokens (`1.5`, `0.000000001`, `1_000`) to rao.
pub(crate) fn parse_tokens(text: &str) -> Result<Balance, String> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| *c != '_' && *c != ',')
        .collect();
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let bad = || format!("{text:?} is not an amount: write tokens such as 1.5 or 0.001");
    if whole.is_empty() && fraction.is_empty() {
        return Err(bad());
    }
    if !whole.chars().all(|c| c.is_ascii_digit()) || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    if fraction.len() > DECIMALS {
        return Err(format!(
            "{text:?} has more than {DECIMALS} decimals (1 rao is 0.000000001)"
        ));
    }
    let too_big = || format!("{text:?} is more than any balance can be");
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| too_big())?
    };
    let fraction: u64 = format!("{fraction:0<DECIMALS$}")
        .parse()
        .map_err(|_| bad())?;
    whole
        .checked_mul(RAO_PER_TAO)
        .and_then(|rao| rao.checked_add(fraction))
        .ok_or_else(too_big)
}

/// `rao` as tokens with thousands separators and `digits` decimals (rounded down).
fn tokens(rao: Balance, digits: usize) -> String {
    let whole = rao / RAO_PER_TAO;
    let fraction = rao % RAO_PER_TAO;
    let mut grouped = String::new();
    let digits_of_whole = whole.to_string();
    for (i, c) in digits_of_whole.chars().enumerate() {
        if i > 0 && (digits_of_whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if digits == 0 {
        return grouped;
    }
    let fraction = format!("{fraction:09}");
    format!("{grouped}.{}", &fraction[..digits.min(DECIMALS)])
}

/// TAO with its unit, every rao shown: `1,234.500000000 τ`.
pub(crate) fn tao(rao: Balance) -> String {
    format!("{} τ", tokens(rao, DECIMALS))
}

/// TAO with its unit, 4 decimals, for tables: `1,234.5000 τ`.
pub(crate) fn tao_short(rao: Balance) -> String {
    format!("{} τ", tokens(rao, 4))
}

/// Alpha of a subnet with its unit, every rao shown: `12.000000000 α3`; stake on root is TAO.
pub(crate) fn alpha(rao: Balance, netuid: u16) -> String {
    if netuid == plexus_runtime::ROOT_NETUID {
        return tao(rao);
    }
    format!("{} α{netuid}", tokens(rao, DECIMALS))
}

/// Alpha with its unit, 4 decimals, for tables; stake on root is TAO.
pub(crate) fn alpha_short(rao: Balance, netuid: u16) -> String {
    if netuid == plexus_runtime::ROOT_NETUID {
        return tao_short(rao);
    }
    format!("{} α{netuid}", tokens(rao, 4))
}

/// A price in rao of TAO per whole alpha: `0.1525 τ/α`.
pub(crate) fn price(rao_per_alpha: u64) -> String {
    format!("{} τ/α", tokens(rao_per_alpha, 6))
}

/// A proportion of 65535 as a percentage with two decimals, rounded down.
pub(crate) fn share(parts: u16) -> String {
    let basis_points = u64::from(parts) * 10_000 / u64::from(u16::MAX);
    format!("{}.{:02}%", basis_points / 100, basis_points % 100)
}

/// `numerator / denominator` as a percentage with two decimals, rounded down.
pub(crate) fn percent(numerator: u64, denominator: u64) -> String {
    if denominator == 0 {
        return "0.00%".into();
    }
    let basis_points = u128::from(numerator) * 10_000 / u128::from(denominator);
    format!("{}.{:02}%", basis_points / 100, basis_points % 100)
}

/// Parses a tolerance or take written as a fraction (`0.005`) or a percentage (`0.5%`) into
/// parts per million.
pub(crate) fn parse_ppm(text: &str) -> Result<u64, String> {
    let bad = || format!("{text:?} is not a proportion: write 0.005 or 0.5%");
    let (number, scale) = match text.trim().strip_suffix('%') {
        Some(number) => (number.trim(), 10_000u64),
        None => (text.trim(), 1_000_000u64),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if (whole.is_empty() && fraction.is_empty())
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    // Digits beyond what a part per million can hold are dropped (rounded down).
    let mut value = whole.checked_mul(scale).ok_or_else(bad)?;
    let mut unit = scale;
    for digit in fraction.chars() {
        unit /= 10;
        if unit == 0 {
            break;
        }
        value += u64::from(digit.to_digit(10).unwrap_or(0)) * unit;
    }
    if value > 1_000_000 {
        return Err(format!("{text:?} is more than 100%"));
    }
    Ok(value)
}

/// `ppm` parts per million as a proportion of 65535, rounded down.
pub(crate) fn ppm_to_u16(ppm: u64) -> u16 {
    u16::try_from(ppm.min(1_000_000) * u64::from(u16::MAX) / 1_000_000).unwrap_or(u16::MAX)
}

/// Parses a weight (`0.5`, `3`, `1e-3` is refused) to an integer in billionths.
pub(crate) fn parse_weight(text: &str) -> Result<u64, String> {
    parse_tokens(text).map_err(|_| format!("{text:?} is not a weight: write 0.5 or 3"))
}

/// Scales weights so the largest is 65535, as the chain stores them (all zero stays zero).
pub(crate) fn weights_to_u16(weights: &[u64]) -> Vec<u16> {
    let max = weights.iter().copied().max().unwrap_or(0);
    if max == 0 {
        return vec![0; weights.len()];
    }
    weights
        .iter()
        .map(|w| {
            let scaled = u128::from(*w) * u128::from(u16::MAX) / u128::from(max);
            u16::try_from(scaled).unwrap_or(u16::MAX)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_tokens_parse_to_exact_rao() {
        for (text, rao) in [
            ("1", RAO_PER_TAO),
            ("1.5", 1_500_000_000),
            (".5", 500_000_000),
            ("0.000000001", 1),
            ("1_000", 1_000 * RAO_PER_TAO),
            ("1,000.25", 1_000_250_000_000),
            ("18446744073.709551615", u64::MAX),
        ] {
            assert_eq!(parse_tokens(text), Ok(rao), "{text}");
        }
    }

    #[test]
    fn test_bad_tokens_are_refused_with_a_reason() {
        for (text, reason) in [
            ("", "not an amount"),
            ("1.2.3", "not an amount"),
            ("-1", "not an amount"),
            ("1e9", "not an amount"),
            ("0.0000000001", "more than 9 decimals"),
            ("18446744073.709551616", "more than any balance"),
            ("99999999999999999999", "more than any balance"),
        ] {
            let err = parse_tokens(text).unwrap_err();
            assert!(err.contains(reason), "{text}: {err}");
        }
    }

    #[test]
    fn test_amounts_print_with_units_and_separators() {
        assert_eq!(tao(1_234_500_000_000), "1,234.500000000 τ");
        assert_eq!(tao_short(999), "0.0000 τ");
        assert_eq!(alpha(12 * RAO_PER_TAO, 3), "12.000000000 α3");
        assert_eq!(alpha_short(1_000_000 * RAO_PER_TAO, 1), "1,000,000.0000 α1");
        assert_eq!(price(152_538_486_074), "152.538486 τ/α");
        assert_eq!(share(u16::MAX), "100.00%");
        assert_eq!(share(32_767), "49.99%");
        assert_eq!(percent(1, 3), "33.33%");
        assert_eq!(percent(1, 0), "0.00%");
    }

    #[test]
    fn test_proportions_parse_as_fractions_or_percentages() {
        assert_eq!(parse_ppm("0.005"), Ok(5_000));
        assert_eq!(parse_ppm("0.5%"), Ok(5_000));
        assert_eq!(parse_ppm("18%"), Ok(180_000));
        assert_eq!(parse_ppm("1"), Ok(1_000_000));
        assert!(parse_ppm("1.01").unwrap_err().contains("more than 100%"));
        assert!(parse_ppm("abc").is_err());
        assert_eq!(ppm_to_u16(180_000), 11_796);
        assert_eq!(ppm_to_u16(1_000_000), u16::MAX);
    }

    #[test]
    fn test_weights_scale_to_the_largest() {
        let parsed: Vec<u64> = ["0.5", "0.25", "0"]
            .iter()
            .map(|w| parse_weight(w).unwrap())
            .collect();
        assert_eq!(weights_to_u16(&parsed), vec![65_535, 32_767, 0]);
        assert_eq!(weights_to_u16(&[0, 0]), vec![0, 0]);
    }
}
