// SPDX-License-Identifier: GPL-2.0

//! A `core::fmt::Write` sink over a fixed byte buffer.
//!
//! Pure logic, compiled into the modules and on the host. Text that does not
//! fit makes the write fail instead of being cut silently, so a caller never
//! hands out a truncated line as if it were whole.

use core::fmt;

/// Formats into a caller-provided buffer.
///
/// # Invariants
///
/// `len <= buf.len()`, and `buf[..len]` holds what was written.
pub(crate) struct TextBuf<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl<'a> TextBuf<'a> {
    /// Wraps an empty buffer.
    pub(crate) fn new(buf: &'a mut [u8]) -> Self {
        // INVARIANT: 0 <= buf.len() and nothing is written yet.
        Self { buf, len: 0 }
    }

    /// How many bytes were written.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The bytes written so far.
    #[allow(dead_code)]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl fmt::Write for TextBuf<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(fmt::Error)?;
        let dst = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        // INVARIANT: `end <= buf.len()` as `get_mut` succeeded.
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::fmt::Write;

    #[test]
    fn fits_and_overflows() {
        let mut b = [0u8; 8];
        let mut w = TextBuf::new(&mut b);
        write!(w, "{}-{}", 12, 34).unwrap();
        assert_eq!(w.as_bytes(), b"12-34");
        assert!(write!(w, "6789").is_err());
        // A failed write leaves what was there.
        assert_eq!(w.as_bytes(), b"12-34");
        write!(w, "abc").unwrap();
        assert_eq!(w.len(), 8);
    }
}
