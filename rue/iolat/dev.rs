// SPDX-License-Identifier: GPL-2.0

//! Device numbers: as the kernel's `MKDEV()` makes them, written and
//! parsed as `major:minor`.

use crate::support::decimal;
use crate::support::kparam::ParseError;
use core::fmt;

/// Device numbers as the kernel's `MKDEV()` makes them.
pub(crate) const MINOR_BITS: u32 = 20;

/// `major:minor` of device number `dev`.
pub(crate) struct Dev(pub(crate) u32);

impl fmt::Display for Dev {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}",
            self.0 >> MINOR_BITS,
            self.0 & ((1 << MINOR_BITS) - 1)
        )
    }
}

/// A decimal number of `u64`, with the parameters' errors.
pub(crate) fn parse_u64(word: &[u8]) -> Result<u64, ParseError> {
    Ok(decimal::parse_u64(word)?)
}

/// Parses `major:minor`; 0:0 is no device.
pub(crate) fn parse_dev(word: &[u8]) -> Result<u32, ParseError> {
    let colon = word
        .iter()
        .position(|&c| c == b':')
        .ok_or(ParseError::Invalid)?;
    let major = parse_u64(&word[..colon])?;
    let minor = parse_u64(&word[colon + 1..])?;
    if major >= 1 << (32 - MINOR_BITS) || minor >= 1 << MINOR_BITS {
        return Err(ParseError::Range);
    }
    if major == 0 && minor == 0 {
        return Err(ParseError::Invalid);
    }
    Ok((major as u32) << MINOR_BITS | minor as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::fmt::Write;
    use std::string::String;

    #[test]
    fn devices() {
        assert_eq!(parse_dev(b"8:16"), Ok(8 << MINOR_BITS | 16));
        assert_eq!(parse_dev(b"0:0"), Err(ParseError::Invalid));
        assert_eq!(parse_dev(b"8"), Err(ParseError::Invalid));
        assert_eq!(parse_dev(b"8:x"), Err(ParseError::Invalid));
        assert_eq!(parse_dev(b"4096:0"), Err(ParseError::Range));
        assert_eq!(parse_dev(b"1:1048576"), Err(ParseError::Range));
        let mut s = String::new();
        write!(s, "{}", Dev(259 << MINOR_BITS | 3)).unwrap();
        assert_eq!(s, "259:3");
    }
}
