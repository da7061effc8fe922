// SPDX-License-Identifier: GPL-2.0

//! The lines of the kernel's `io.max`, parsed and written.

use super::dev::{parse_dev, parse_u64, Dev};
use crate::support::kparam::ParseError;
use core::fmt::{self, Write};

/// One device's line of `io.max`; `None` is `max` (no limit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct IoMax {
    pub(crate) rbps: Option<u64>,
    pub(crate) wbps: Option<u64>,
    pub(crate) riops: Option<u64>,
    pub(crate) wiops: Option<u64>,
}

impl IoMax {
    /// The line of device `dev` in the text of an `io.max` file; no line
    /// is no limit.
    pub(crate) fn parse(text: &[u8], dev: u32) -> Result<Self, ParseError> {
        for line in text.split(|&c| c == b'\n') {
            let mut words = line.split(|&c| c == b' ').filter(|w| !w.is_empty());
            let Some(first) = words.next() else { continue };
            if parse_dev(first)? != dev {
                continue;
            }
            let mut m = IoMax::default();
            for w in words {
                let eq = w
                    .iter()
                    .position(|&c| c == b'=')
                    .ok_or(ParseError::Invalid)?;
                let v = match &w[eq + 1..] {
                    b"max" => None,
                    v => Some(parse_u64(v)?),
                };
                match &w[..eq] {
                    b"rbps" => m.rbps = v,
                    b"wbps" => m.wbps = v,
                    b"riops" => m.riops = v,
                    b"wiops" => m.wiops = v,
                    _ => return Err(ParseError::Invalid),
                }
            }
            return Ok(m);
        }
        Ok(IoMax::default())
    }

    /// The tighter of `self` and `other`, key by key.
    pub(crate) fn min(&self, other: &IoMax) -> IoMax {
        let m = |a: Option<u64>, b: Option<u64>| match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, None) => a,
            (None, b) => b,
        };
        IoMax {
            rbps: m(self.rbps, other.rbps),
            wbps: m(self.wbps, other.wbps),
            riops: m(self.riops, other.riops),
            wiops: m(self.wiops, other.wiops),
        }
    }

    /// The limits for a throttle's `(bps, iops)`, both directions.
    pub(crate) fn from_limits((bps, iops): (u64, u64)) -> Self {
        IoMax {
            rbps: Some(bps),
            wbps: Some(bps),
            riops: Some(iops),
            wiops: Some(iops),
        }
    }

    /// Writes the line that sets every key of device `dev` to `self`.
    pub(crate) fn format(&self, dev: u32, w: &mut dyn Write) -> fmt::Result {
        write!(w, "{}", Dev(dev))?;
        for (k, v) in [
            ("rbps", self.rbps),
            ("wbps", self.wbps),
            ("riops", self.riops),
            ("wiops", self.wiops),
        ] {
            match v {
                Some(v) => write!(w, " {k}={v}")?,
                None => write!(w, " {k}=max")?,
            }
        }
        writeln!(w)
    }
}

#[cfg(test)]
mod tests {
    use super::super::dev::MINOR_BITS;
    use super::*;
    use std::string::String;

    #[test]
    fn io_max_lines() {
        let text = b"8:0 rbps=max wbps=1048576 riops=max wiops=max\n254:16 rbps=2 wbps=max riops=3 wiops=max\n";
        let m = IoMax::parse(text, 8 << MINOR_BITS).unwrap();
        assert_eq!(m.wbps, Some(1 << 20));
        assert_eq!(m.rbps, None);
        let m = IoMax::parse(text, 254 << MINOR_BITS | 16).unwrap();
        assert_eq!((m.rbps, m.riops), (Some(2), Some(3)));
        assert_eq!(IoMax::parse(text, 7).unwrap(), IoMax::default());
        assert_eq!(IoMax::parse(b"", 7).unwrap(), IoMax::default());
        assert!(IoMax::parse(b"8:0 foo=1\n", 8 << MINOR_BITS).is_err());
        let mut s = String::new();
        m.format(254 << MINOR_BITS | 16, &mut s).unwrap();
        assert_eq!(s, "254:16 rbps=2 wbps=max riops=3 wiops=max\n");
        let t = IoMax::from_limits((1000, 10)).min(&m);
        assert_eq!(
            t,
            IoMax {
                rbps: Some(2),
                wbps: Some(1000),
                riops: Some(3),
                wiops: Some(10)
            }
        );
    }
}
