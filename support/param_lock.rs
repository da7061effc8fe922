// SPDX-License-Identifier: GPL-2.0

//! The module's parameter lock, held by the kernel around every write to
//! the module's parameters (`RFL_PARAM_OPS()` in `param_glue.h` defines
//! the functions).

extern "C" {
    fn rfl_param_lock();
    fn rfl_param_unlock();
}

/// Holds the module's parameter lock while it lives.
pub(crate) struct ParamLock(());

impl ParamLock {
    /// Takes the lock (process context; it sleeps).
    pub(crate) fn lock() -> Self {
        // SAFETY: no preconditions.
        unsafe { rfl_param_lock() };
        ParamLock(())
    }
}

impl Drop for ParamLock {
    fn drop(&mut self) {
        // SAFETY: taken in `lock()`.
        unsafe { rfl_param_unlock() };
    }
}
