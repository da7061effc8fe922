// SPDX-License-Identifier: GPL-2.0

//! The module's parameter lock, held by the kernel around every write to
//! the module's parameters (`rfl_param_lock()` of `support_glue.c`).

use super::ffi;

/// Holds the module's parameter lock while it lives.
pub(crate) struct ParamLock(());

impl ParamLock {
    /// Takes the lock (process context; it sleeps).
    pub(crate) fn lock() -> Self {
        // SAFETY: no preconditions.
        unsafe { ffi::rfl_param_lock() };
        ParamLock(())
    }
}

impl Drop for ParamLock {
    fn drop(&mut self) {
        // SAFETY: taken in `lock()`.
        unsafe { ffi::rfl_param_unlock() };
    }
}
