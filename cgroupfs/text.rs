// SPDX-License-Identifier: GPL-2.0

//! The text a cgroupfs file renders into.

use core::fmt::{self, Write};
use kernel::prelude::*;

/// Growing text output; formatting fails with `fmt::Error` on allocation
/// failure, reported as `-ENOMEM`.
pub(crate) struct Text(pub(crate) KVVec<u8>);

impl Write for Text {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0
            .extend_from_slice(s.as_bytes(), GFP_KERNEL)
            .map_err(|_| fmt::Error)
    }
}

impl Text {
    /// Appends `bytes` as they are.
    pub(crate) fn append(&mut self, bytes: &[u8]) -> Result {
        self.0
            .extend_from_slice(bytes, GFP_KERNEL)
            .map_err(Into::into)
    }
}

/// Kernel files are ASCII; anything else is refused rather than shown.
pub(crate) fn as_str(bytes: &[u8]) -> Result<&str> {
    core::str::from_utf8(bytes).map_err(|_| EINVAL)
}
