// SPDX-License-Identifier: GPL-2.0

//! Delayed work that rearms itself: the periodic workers of the modules.
//!
//! The 6.12 `kernel` crate has no delayed work, so the work item lives on
//! the C side (`rfl_dwork_*` of `support_glue.c`), which calls back a Rust
//! function and queues the item again after as long as that function says.

use super::ffi;
use core::ffi::{c_long, c_void};
use core::ptr::NonNull;
use kernel::prelude::*;

/// What a worker function returns: after how many milliseconds to run
/// again, or `None` to stay idle until started or kicked.
pub(crate) type Rearm = Option<u64>;

/// A delayed work item on a system workqueue that runs a function and
/// rearms as the function says. Dropping it cancels it and waits for a
/// running pass, so the function never runs after the drop returns.
///
/// # Invariants
///
/// `raw` is a work item from `rfl_dwork_new()` that this value owns and
/// whose data is a `fn() -> Rearm`.
pub(crate) struct DelayedWork {
    raw: NonNull<c_void>,
}

// SAFETY: the work item's operations are thread-safe in C.
unsafe impl Send for DelayedWork {}
// SAFETY: as above.
unsafe impl Sync for DelayedWork {}

/// Runs the work item's function (its data) and tells C when to rearm.
///
/// # Safety
///
/// `data` is a `fn() -> Rearm` cast to a pointer, as `DelayedWork::new`
/// passes it.
unsafe extern "C" fn run(data: *mut c_void) -> c_long {
    // SAFETY: `data` is such a function (this function's contract); a
    // function pointer and a data pointer have the same size.
    let f = unsafe { core::mem::transmute::<*mut c_void, fn() -> Rearm>(data) };
    match f() {
        Some(ms) => ms.min(i32::MAX as u64) as c_long,
        None => -1,
    }
}

impl DelayedWork {
    /// A work item that runs `f` on `system_unbound_wq` (`unbound`) or
    /// `system_wq`, not yet queued.
    pub(crate) fn new(f: fn() -> Rearm, unbound: bool) -> Result<Self> {
        // SAFETY: `run` takes the data we pass: `f` as a pointer.
        let raw = unsafe { ffi::rfl_dwork_new(run, f as *mut c_void, unbound) };
        // INVARIANT: a new work item, now ours.
        Ok(Self {
            raw: NonNull::new(raw).ok_or(ENOMEM)?,
        })
    }

    /// Queues the item to run in `ms` milliseconds, unless it is queued.
    pub(crate) fn start(&self, ms: u64) {
        // SAFETY: the item is ours and initialised (invariant).
        unsafe { ffi::rfl_dwork_queue(self.raw.as_ptr(), ms as _) };
    }

    /// Cancels the item and waits for a running pass; it stays usable
    /// (`start` or `kick` queue it again).
    pub(crate) fn cancel(&self) {
        // SAFETY: the item is ours and initialised (invariant).
        unsafe { ffi::rfl_dwork_cancel_sync(self.raw.as_ptr()) };
    }

    /// Makes the item run now (queued or not).
    pub(crate) fn kick(&self) {
        // SAFETY: the item is ours and initialised (invariant).
        unsafe { ffi::rfl_dwork_kick(self.raw.as_ptr()) };
    }
}

impl Drop for DelayedWork {
    fn drop(&mut self) {
        // SAFETY: the item is ours (invariant); once cancelled (which also
        // stops an item that rearms itself) nothing uses it, so it is freed.
        unsafe {
            ffi::rfl_dwork_cancel_sync(self.raw.as_ptr());
            ffi::rfl_dwork_free(self.raw.as_ptr());
        }
    }
}
