//! Numeric tokens: `42 -7 +5 100000000000000000000 #x1F #b101 #o17 #d10`,
//! `1.5 -0.25 1e10 .5 1. +inf.0 -inf.0 +nan.0`, and the `#e`/`#i`
//! exactness prefixes.
//!
//! The numeric tower has fixnums, big integers and floats (no rationals or
//! complex numbers), so `#e1.5` is refused rather than silently read as an
//! inexact number, and `1/2` is a bad number rather than a symbol.

use crate::syntax::DatumKind;
use num_bigint::BigInt;
use num_traits::{FromPrimitive, ToPrimitive};

/// Parses a numeric token, with any `#x #b #o #d #e #i` prefixes (at most
/// one radix and one exactness, in either order). `None` if the token is
/// not a number.
pub fn parse_number(token: &str) -> Option<DatumKind> {
    parse_number_in(token, 10)
}

/// Like [`parse_number`], reading digits in `default_radix` (2, 8, 10 or
/// 16) unless the token has its own radix prefix: `string->number` with a
/// radix argument.
pub fn parse_number_in(token: &str, default_radix: u32) -> Option<DatumKind> {
    if !matches!(default_radix, 2 | 8 | 10 | 16) {
        return None;
    }
    let mut radix = None;
    let mut exact = None;
    let mut rest = token;
    while let Some(after_hash) = rest.strip_prefix('#') {
        let mut chars = after_hash.chars();
        let flag = chars.next()?.to_ascii_lowercase();
        match flag {
            'x' | 'b' | 'o' | 'd' if radix.is_none() => {
                radix = Some(match flag {
                    'x' => 16,
                    'b' => 2,
                    'o' => 8,
                    _ => 10,
                })
            }
            'e' | 'i' if exact.is_none() => exact = Some(flag == 'e'),
            _ => return None,
        }
        rest = chars.as_str();
    }
    let kind = parse_real(rest, radix.unwrap_or(default_radix))?;
    match exact {
        None => Some(kind),
        Some(true) => to_exact(kind),
        Some(false) => Some(to_inexact(kind)),
    }
}

/// `#e`: floats with an integral value become integers; others have no
/// exact representation here.
fn to_exact(kind: DatumKind) -> Option<DatumKind> {
    let DatumKind::Float(f) = kind else {
        return Some(kind);
    };
    if !f.is_finite() || f.fract() != 0.0 {
        return None;
    }
    let big = BigInt::from_f64(f)?;
    Some(match big.to_i64() {
        Some(n) => DatumKind::Int(n),
        None => DatumKind::BigInt(big),
    })
}

/// `#i`: integers become the nearest float.
fn to_inexact(kind: DatumKind) -> DatumKind {
    match kind {
        DatumKind::Int(n) => DatumKind::Float(n as f64),
        DatumKind::BigInt(b) => DatumKind::Float(b.to_f64().unwrap_or(f64::NAN)),
        other => other,
    }
}

/// A number without prefixes: an integer in `radix`, or (in radix 10) a
/// decimal float.
fn parse_real(s: &str, radix: u32) -> Option<DatumKind> {
    match s {
        "+inf.0" => return Some(DatumKind::Float(f64::INFINITY)),
        "-inf.0" => return Some(DatumKind::Float(f64::NEG_INFINITY)),
        "+nan.0" | "-nan.0" => return Some(DatumKind::Float(f64::NAN)),
        _ => {}
    }
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix)) {
        return Some(parse_integer(negative, digits, radix));
    }
    if radix == 10 && is_decimal(digits) {
        // Rust's parser rounds correctly; the grammar check above keeps it
        // from accepting its own spellings such as "inf" or "NaN".
        return s.parse::<f64>().ok().map(DatumKind::Float);
    }
    None
}

/// Non-empty `digits` (all valid in `radix`) as a fixnum, or a big integer
/// when it does not fit in an `i64`.
fn parse_integer(negative: bool, digits: &str, radix: u32) -> DatumKind {
    if let Ok(magnitude) = u64::from_str_radix(digits, radix) {
        let value = if negative {
            0i64.checked_sub_unsigned(magnitude)
        } else {
            i64::try_from(magnitude).ok()
        };
        if let Some(n) = value {
            return DatumKind::Int(n);
        }
    }
    // Every byte is a digit of `radix`, so this cannot fail; 0 is a safe
    // fallback rather than a panic.
    let magnitude = BigInt::parse_bytes(digits.as_bytes(), radix).unwrap_or_default();
    DatumKind::BigInt(if negative { -magnitude } else { magnitude })
}

/// `digits ['.' digits*] [exponent]` or `'.' digits+ [exponent]`, where
/// exponent is `[eE] [+-] digits+`, with at least one mantissa digit.
fn is_decimal(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    let count_digits = |i: &mut usize| {
        let from = *i;
        while *i < bytes.len() && bytes[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - from
    };
    let mut mantissa = count_digits(&mut i);
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        mantissa += count_digits(&mut i);
    }
    if mantissa == 0 {
        return false;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if count_digits(&mut i) == 0 {
            return false;
        }
    }
    i == bytes.len()
}

/// Whether a token that failed to parse was meant as a number, so that
/// `1.2.3` and `1/2` are bad numbers rather than symbols: after an optional
/// sign it starts with a digit, or with `.` and a digit. Tokens ending in
/// `+` or `-` stay symbols (`1+`, `1-`), as do `+`, `-`, `...` and `->x`.
pub(super) fn looks_numeric(token: &str) -> bool {
    if token.ends_with(['+', '-']) {
        return false;
    }
    let body = token.strip_prefix(['+', '-']).unwrap_or(token);
    let mut chars = body.chars();
    match chars.next() {
        Some(c) if c.is_ascii_digit() => true,
        Some('.') => chars.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parse written back as text, for compact assertions.
    fn parsed(token: &str) -> String {
        match parse_number(token) {
            Some(DatumKind::Int(n)) => format!("int {n}"),
            Some(DatumKind::BigInt(b)) => format!("big {b}"),
            Some(DatumKind::Float(f)) => format!("float {f:?}"),
            Some(other) => format!("unexpected {other:?}"),
            None => "none".into(),
        }
    }

    #[test]
    fn integers_in_each_radix() {
        assert_eq!(parsed("42"), "int 42");
        assert_eq!(parsed("-7"), "int -7");
        assert_eq!(parsed("+5"), "int 5");
        assert_eq!(parsed("007"), "int 7");
        assert_eq!(parsed("#x1F"), "int 31");
        assert_eq!(parsed("#xff"), "int 255");
        assert_eq!(parsed("#X-a"), "int -10");
        assert_eq!(parsed("#b101"), "int 5");
        assert_eq!(parsed("#o17"), "int 15");
        assert_eq!(parsed("#d10"), "int 10");
    }

    #[test]
    fn integers_beyond_i64_become_big() {
        assert_eq!(parsed("9223372036854775807"), "int 9223372036854775807");
        assert_eq!(parsed("-9223372036854775808"), "int -9223372036854775808");
        assert_eq!(parsed("9223372036854775808"), "big 9223372036854775808");
        assert_eq!(parsed("-9223372036854775809"), "big -9223372036854775809");
        assert_eq!(parsed("100000000000000000000"), "big 100000000000000000000");
        assert_eq!(parsed("#xffffffffffffffffff"), "big 4722366482869645213695");
    }

    #[test]
    fn decimal_floats() {
        assert_eq!(parsed("1.5"), "float 1.5");
        assert_eq!(parsed("-0.25"), "float -0.25");
        assert_eq!(parsed("1e10"), "float 10000000000.0");
        assert_eq!(parsed("1E-2"), "float 0.01");
        assert_eq!(parsed("2.5e+3"), "float 2500.0");
        assert_eq!(parsed(".5"), "float 0.5");
        assert_eq!(parsed("-.5"), "float -0.5");
        assert_eq!(parsed("1."), "float 1.0");
        assert_eq!(parsed("+inf.0"), "float inf");
        assert_eq!(parsed("-inf.0"), "float -inf");
        assert_eq!(parsed("+nan.0"), "float NaN");
        assert_eq!(parsed("#d1.5"), "float 1.5");
    }

    #[test]
    fn exactness_prefixes() {
        assert_eq!(parsed("#e1.0"), "int 1");
        assert_eq!(parsed("#e1e20"), "big 100000000000000000000");
        assert_eq!(parsed("#i3"), "float 3.0");
        assert_eq!(parsed("#i100000000000000000000"), "float 1e20");
        assert_eq!(parsed("#x#e10"), "int 16");
        assert_eq!(parsed("#e#x10"), "int 16");
        assert_eq!(parsed("#i#xff"), "float 255.0");
        assert_eq!(parsed("#e1.5"), "none", "no rationals to hold 3/2");
        assert_eq!(parsed("#e+inf.0"), "none");
    }

    #[test]
    fn a_default_radix_yields_to_a_prefix() {
        let parsed_in = |token, radix| match parse_number_in(token, radix) {
            Some(DatumKind::Int(n)) => Some(n),
            _ => None,
        };
        assert_eq!(parsed_in("ff", 16), Some(255));
        assert_eq!(parsed_in("#xff", 16), Some(255));
        assert_eq!(parsed_in("#b11", 16), Some(3));
        assert_eq!(parsed_in("-101", 2), Some(-5));
        assert_eq!(parsed_in("777", 8), Some(511));
        assert_eq!(parsed_in("8", 8), None);
        assert_eq!(
            parsed_in("10", 37),
            None,
            "no panic on a radix char::is_digit refuses"
        );
        assert!(parse_number_in("#e1.5", 16).is_none());
        assert!(parse_number_in("1.5", 16).is_none());
    }

    #[test]
    fn non_numbers_are_refused() {
        for token in [
            "", "+", "-", ".", "...", "e5", ".e5", "1e", "1e+", "1.2.3", "1..2", "--1", "+-1",
            "1/2", "inf", "nan", "NaN", "infinity", "+inf", "#x", "#x1.5", "#b102", "#o8", "#x#x1",
            "#e#e1", "#q1", "#", "1_000", "0x10", "١٢",
        ] {
            assert_eq!(parsed(token), "none", "{token:?}");
        }
    }

    #[test]
    fn numeric_looking_tokens_are_told_apart_from_symbols() {
        for token in ["1.2.3", "1/2", "1abc", "-1x", ".5.5", "+.5e"] {
            assert!(looks_numeric(token), "{token}");
        }
        for token in [
            "+", "-", "...", "->x", "1+", "1-", "a.b", ".foo", "<=?", "-",
        ] {
            assert!(!looks_numeric(token), "{token}");
        }
    }
}
