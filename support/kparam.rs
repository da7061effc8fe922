// SPDX-License-Identifier: GPL-2.0

//! Parsing and formatting of module parameter values.
//!
//! Pure logic shared by the modules' parameter glue and compiled on the host
//! for unit tests: it knows nothing of the kernel. A parameter is described by
//! a [`Spec`]; [`Spec::parse`] turns the text written to
//! `/sys/module/<module>/parameters/<name>` into a value or an error that maps
//! onto an errno, and [`Spec::format`] renders a value the way it reads back.

use super::decimal::{self, DecimalError};
use core::fmt::Write;

/// Why a written value was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParseError {
    /// Not a value of the parameter's kind at all (`-EINVAL`).
    Invalid,
    /// A number of the right kind outside the allowed range (`-ERANGE`).
    Range,
}

/// The kind of value a parameter holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A switch: `0`/`1`, `n`/`y`, `off`/`on`, `false`/`true`; reads back as `0` or `1`.
    Bool,
    /// An unsigned decimal integer in `min..=max`.
    Range {
        /// Smallest accepted value.
        min: u32,
        /// Largest accepted value.
        max: u32,
    },
}

/// A module parameter: its name, kind and default value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spec {
    /// The parameter's name under `/sys/module/<module>/parameters/`.
    pub(crate) name: &'static str,
    /// What values it takes.
    pub(crate) kind: Kind,
    /// The value it has when nothing was written.
    pub(crate) default: u32,
}

/// Strips one trailing newline (as `echo` writes) and surrounding blanks.
fn trim(input: &[u8]) -> &[u8] {
    let mut s = input;
    while let [b' ' | b'\t' | b'\n', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t' | b'\n'] = s {
        s = rest;
    }
    s
}

impl From<DecimalError> for ParseError {
    fn from(e: DecimalError) -> Self {
        match e {
            DecimalError::Invalid => ParseError::Invalid,
            DecimalError::Range => ParseError::Range,
        }
    }
}

/// Parses a switch value, accepting the words the kernel's `kstrtobool` accepts.
pub(crate) fn parse_bool(input: &[u8]) -> Result<bool, ParseError> {
    match trim(input) {
        b"1" | b"y" | b"Y" | b"yes" | b"on" | b"true" => Ok(true),
        b"0" | b"n" | b"N" | b"no" | b"off" | b"false" => Ok(false),
        _ => Err(ParseError::Invalid),
    }
}

/// Parses an unsigned decimal integer and checks it against `min..=max`.
///
/// A number too large for `u64` is out of range, not invalid: it is a number.
pub(crate) fn parse_u32_in(input: &[u8], min: u32, max: u32) -> Result<u32, ParseError> {
    let v = decimal::parse_u64(trim(input))?;
    match u32::try_from(v) {
        Ok(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err(ParseError::Range),
    }
}

impl Spec {
    /// Parses a written value; on error nothing is to be changed.
    pub(crate) fn parse(&self, input: &[u8]) -> Result<u32, ParseError> {
        match self.kind {
            Kind::Bool => parse_bool(input).map(u32::from),
            Kind::Range { min, max } => parse_u32_in(input, min, max),
        }
    }

    /// Renders `value` as the parameter file shows it, with a newline.
    pub(crate) fn format(&self, value: u32, out: &mut dyn Write) -> core::fmt::Result {
        writeln!(out, "{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bool_words() {
        for t in ["1", "y", "Y", "on", "true", "yes", "1\n", " 1 \n"] {
            assert_eq!(parse_bool(t.as_bytes()), Ok(true), "{t:?}");
        }
        for f in ["0", "n", "N", "off", "false", "no", "0\n"] {
            assert_eq!(parse_bool(f.as_bytes()), Ok(false), "{f:?}");
        }
        for bad in ["", "\n", "2", "yep", "10", "-1", "o", "1 1"] {
            assert_eq!(
                parse_bool(bad.as_bytes()),
                Err(ParseError::Invalid),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_u32_in(b"0", 0, 7), Ok(0));
        assert_eq!(parse_u32_in(b"7\n", 0, 7), Ok(7));
        assert_eq!(parse_u32_in(b"8", 0, 7), Err(ParseError::Range));
        assert_eq!(parse_u32_in(b"0", 1, 20), Err(ParseError::Range));
        assert_eq!(
            parse_u32_in(b"4294967296", 0, u32::MAX),
            Err(ParseError::Range)
        );
        assert_eq!(
            parse_u32_in(b"99999999999999999999999", 0, 7),
            Err(ParseError::Range)
        );
        assert_eq!(parse_u32_in(b"4294967295", 0, u32::MAX), Ok(u32::MAX));
        for bad in ["", "-1", "+1", "0x10", "1.5", "1 2", "abc"] {
            assert_eq!(
                parse_u32_in(bad.as_bytes(), 0, 100),
                Err(ParseError::Invalid),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn spec_round_trip() {
        let specs = [
            Spec {
                name: "on",
                kind: Kind::Bool,
                default: 1,
            },
            Spec {
                name: "ratio",
                kind: Kind::Range { min: 1, max: 20 },
                default: 5,
            },
        ];
        let [on, ratio] = &specs;
        assert_eq!(on.parse(b"off"), Ok(0));
        assert_eq!(ratio.parse(b"21"), Err(ParseError::Range));
        let mut s = String::new();
        ratio.format(12, &mut s).unwrap();
        assert_eq!(s, "12\n");
    }
}
