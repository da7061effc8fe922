// SPDX-License-Identifier: GPL-2.0

//! Tracepoint probes, found by name: most tracepoints are not exported to
//! modules, so a module's `glue.c` lists its probes in a table of
//! `struct rfl_tp` (`RFL_TP(name, probe)` of `support_glue.h`) and hands it
//! to [`Probes`], which attaches and detaches them.

use super::ffi;
use core::ffi::{c_uint, c_void};
use core::ptr::NonNull;
use kernel::prelude::*;

/// A module's table of tracepoint probes, each attached on demand; every
/// attached probe is detached on drop, which returns once none is running.
///
/// # Invariants
///
/// `table` points to `len` (at most 64) `struct rfl_tp` entries that live
/// as long as the module; bit `i` of `attached` is set exactly when probe
/// `i` is registered.
pub(crate) struct Probes {
    table: NonNull<c_void>,
    len: u32,
    attached: u64,
}

// SAFETY: the table is only read by C after the lookup; (un)registration is
// thread-safe and `&mut self` serialises this value's own bookkeeping.
unsafe impl Send for Probes {}
// SAFETY: `&self` methods only read the table.
unsafe impl Sync for Probes {}

impl Probes {
    /// Looks up the tracepoints of the `len` entries at `table` by name.
    ///
    /// # Safety
    ///
    /// `table` points to `len` `struct rfl_tp` entries (a static of the
    /// module's glue) used by nothing else.
    pub(crate) unsafe fn new(table: *mut c_void, len: u32) -> Result<Self> {
        let table = NonNull::new(table).ok_or(EINVAL)?;
        if len > 64 {
            return Err(EINVAL);
        }
        // SAFETY: `table` has `len` entries (the caller's guarantee).
        unsafe { ffi::rfl_tp_lookup(table.as_ptr(), len) };
        // INVARIANT: nothing attached yet.
        Ok(Self {
            table,
            len,
            attached: 0,
        })
    }

    /// Whether the tracepoint of probe `i` exists in this kernel.
    pub(crate) fn found(&self, i: u32) -> bool {
        // SAFETY: the table has `len` entries (invariant).
        i < self.len && unsafe { ffi::rfl_tp_found(self.table.as_ptr(), i as c_uint) }
    }

    /// Attaches probe `i`; `ENOENT` when its tracepoint does not exist.
    pub(crate) fn attach(&mut self, i: u32) -> Result {
        if !self.found(i) {
            return Err(ENOENT);
        }
        if self.attached & (1 << i) != 0 {
            return Ok(());
        }
        // SAFETY: `i` is an entry whose tracepoint was found.
        kernel::error::to_result(unsafe { ffi::rfl_tp_register(self.table.as_ptr(), i) })?;
        // INVARIANT: registered.
        self.attached |= 1 << i;
        Ok(())
    }

    /// Whether any probe is attached.
    pub(crate) fn any_attached(&self) -> bool {
        self.attached != 0
    }

    /// Detaches every attached probe, the last attached first, and waits
    /// until none is running.
    pub(crate) fn detach_all(&mut self) {
        if self.attached == 0 {
            return;
        }
        for i in (0..self.len).rev() {
            if self.attached & (1 << i) != 0 {
                // SAFETY: probe `i` is registered (invariant).
                unsafe { ffi::rfl_tp_unregister(self.table.as_ptr(), i) };
            }
        }
        // INVARIANT: none registered any more.
        self.attached = 0;
        // SAFETY: no preconditions.
        unsafe { ffi::rfl_tp_sync() };
    }
}

impl Drop for Probes {
    fn drop(&mut self) {
        self.detach_all();
    }
}
