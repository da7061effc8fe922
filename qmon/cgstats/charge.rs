// SPDX-License-Identifier: GPL-2.0

//! Charging the memory of a cgroup's entry to the cgroup.

use crate::ffi;
use core::ffi::c_void;
use core::ptr;

/// While it lives, the task's `__GFP_ACCOUNT` allocations are charged to
/// the memory cgroup that counts for one cgroup: memory a cgroup's
/// existence makes qmon allocate is the cgroup's, as the kernel charges
/// a cgroup's own structures to the cgroups that create them.
///
/// # Invariants
///
/// `token` and `old` come from a `qmon_glue_charge_begin()` that
/// succeeded on this task, not ended yet.
pub(super) struct Charge {
    token: *mut c_void,
    old: *mut c_void,
}

impl Charge {
    /// Starts charging the memory cgroup of cgroup `id`; `None` when the
    /// cgroup is gone or not visible to this task.
    pub(super) fn to(id: u64) -> Option<Self> {
        let (mut token, mut old) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: both are writable.
        let r = unsafe { ffi::qmon_glue_charge_begin(id, &mut token, &mut old) };
        // INVARIANT: begun, if it returned 0.
        (r == 0).then_some(Self { token, old })
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        // SAFETY: by the type invariant; dropped on the task that began it
        // (a `Charge` is not `Send`: it holds raw pointers).
        unsafe { ffi::qmon_glue_charge_end(self.token, self.old) };
    }
}
