// SPDX-License-Identifier: GPL-2.0

//! Unsigned decimal numbers, as cgroup files, `/proc` files and module
//! parameters write them (pure, host-tested).

/// Why a word is not an unsigned decimal number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DecimalError {
    /// Empty, or not only the digits `0`..`9`.
    Invalid,
    /// Digits only, but more than `u64` holds: a number, out of range.
    Range,
}

/// Parses `word`, digits only (no sign, no spaces).
pub(crate) fn parse_u64(word: &[u8]) -> Result<u64, DecimalError> {
    if word.is_empty() || !word.iter().all(u8::is_ascii_digit) {
        return Err(DecimalError::Invalid);
    }
    word.iter().try_fold(0u64, |v, d| {
        v.checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
            .ok_or(DecimalError::Range)
    })
}

/// [`parse_u64`], for callers to whom anything but a number is nothing.
pub(crate) fn number(word: &[u8]) -> Option<u64> {
    parse_u64(word).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_digits_only() {
        assert_eq!(parse_u64(b"0"), Ok(0));
        assert_eq!(parse_u64(b"0042"), Ok(42));
        assert_eq!(parse_u64(b"18446744073709551615"), Ok(u64::MAX));
        assert_eq!(parse_u64(b"18446744073709551616"), Err(DecimalError::Range));
        assert_eq!(
            parse_u64(b"99999999999999999999999"),
            Err(DecimalError::Range)
        );
        for bad in [&b""[..], b"-1", b"+1", b" 1", b"1 ", b"1a", b"0x10", b"1.5"] {
            assert_eq!(parse_u64(bad), Err(DecimalError::Invalid), "{bad:?}");
        }
    }
}
