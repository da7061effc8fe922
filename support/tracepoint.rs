// SPDX-License-Identifier: GPL-2.0

//! Tracepoint probes, found by name: most tracepoints are not exported to
//! modules, so a module's `glue.c` lists its probes in a table of
//! `struct rfl_tp` (`RFL_TP(name, probe)` of `support_glue.h`) and hands it
//! to [`Probes`], which attaches and detaches them.

use super::ffi;
use core::ffi::{c_uint, c_void, CStr};
use core::ptr::NonNull;
use core::sync::atomic::{AtomicU64, Ordering};
use kernel::prelude::*;

/// A module's table of tracepoint probes, each attached on demand; every
/// attached probe is detached on drop, which returns once none is running.
///
/// Attaching and detaching are meant to be serialised by the caller (at
/// init and exit, or under the module's parameter lock); racing calls are
/// still memory-safe, as the kernel refuses to register a probe twice or
/// to unregister one that is not.
///
/// # Invariants
///
/// `table` points to `len` (at most 64) `struct rfl_tp` entries that live
/// as long as the module; bit `i` of `attached` is set only while probe `i`
/// is registered.
pub(crate) struct Probes {
    table: NonNull<c_void>,
    len: u32,
    attached: AtomicU64,
}

// SAFETY: after the lookup C only reads the table; (un)registration is
// thread-safe in C.
unsafe impl Send for Probes {}
// SAFETY: as above; the bookkeeping is atomic.
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
            attached: AtomicU64::new(0),
        })
    }

    /// The number of probes in the table.
    pub(crate) fn len(&self) -> u32 {
        self.len
    }

    /// Whether the tracepoint of probe `i` exists in this kernel.
    pub(crate) fn found(&self, i: u32) -> bool {
        // SAFETY: the table has `len` entries (invariant).
        i < self.len && unsafe { ffi::rfl_tp_found(self.table.as_ptr(), i as c_uint) }
    }

    /// The name of probe `i`'s tracepoint.
    pub(crate) fn name(&self, i: u32) -> &CStr {
        if i >= self.len {
            return c"?";
        }
        // SAFETY: the table has `len` entries (invariant), whose names are
        // static strings.
        unsafe { CStr::from_ptr(ffi::rfl_tp_name(self.table.as_ptr(), i)) }
    }

    /// Attaches probe `i`; `ENOENT` when its tracepoint does not exist.
    pub(crate) fn attach(&self, i: u32) -> Result {
        if !self.found(i) {
            return Err(ENOENT);
        }
        if self.attached.load(Ordering::Relaxed) & (1 << i) != 0 {
            return Ok(());
        }
        // SAFETY: `i` is an entry whose tracepoint was found.
        kernel::error::to_result(unsafe { ffi::rfl_tp_register(self.table.as_ptr(), i) })?;
        // INVARIANT: registered.
        self.attached.fetch_or(1 << i, Ordering::Relaxed);
        Ok(())
    }

    /// Detaches every attached probe, the last first, and waits until none
    /// is running.
    pub(crate) fn detach_all(&self) {
        // INVARIANT: the bits taken are unregistered below.
        let attached = self.attached.swap(0, Ordering::Relaxed);
        if attached == 0 {
            return;
        }
        for i in (0..self.len).rev() {
            if attached & (1 << i) != 0 {
                // SAFETY: probe `i` was registered (invariant), and this
                // call took its bit.
                unsafe { ffi::rfl_tp_unregister(self.table.as_ptr(), i) };
            }
        }
        // SAFETY: no preconditions.
        unsafe { ffi::rfl_tp_sync() };
    }
}

impl Drop for Probes {
    fn drop(&mut self) {
        self.detach_all();
    }
}
