// SPDX-License-Identifier: GPL-2.0

//! RCU as qmon uses it: the read-side critical section a probe runs in, as
//! a type, and grace periods that are polled rather than waited for.
//!
//! The 6.12 `kernel` crate has no RCU abstraction. [`ReadSide`] stands for
//! the `rcu::Guard` of later kernels' `kernel::sync::rcu`, for critical
//! sections the caller is in already: the glue calls every probe inside
//! one, and taking `rcu_read_lock()` again there would cost a call on the
//! hottest paths for nothing.

use crate::ffi;
use core::ffi::c_ulong;
use core::marker::PhantomData;

/// Proof that the holder is inside an RCU read-side critical section.
///
/// Functions that hand out references to RCU-protected objects take it,
/// and tie the references' lifetime to it.
///
/// # Invariants
///
/// The task that holds this value is inside an RCU read-side critical
/// section from before the value was made until after it is dropped. It
/// is neither `Send` nor `Sync`: it stays with that task.
pub(crate) struct ReadSide(PhantomData<*mut ()>);

impl ReadSide {
    /// The read-side critical section the caller is in.
    ///
    /// # Safety
    ///
    /// The caller is inside an RCU read-side critical section
    /// (`rcu_read_lock()`, or preemption or interrupts disabled) that
    /// lasts until the returned value is dropped.
    #[inline(always)]
    pub(crate) unsafe fn assume() -> Self {
        // INVARIANT: the caller's guarantee.
        Self(PhantomData)
    }
}

/// A grace period, started by [`GracePeriod::start`] and polled for its
/// end.
pub(crate) struct GracePeriod(c_ulong);

impl GracePeriod {
    /// Starts a grace period (`start_poll_synchronize_rcu()`); every RCU
    /// read-side critical section that began before this has ended once
    /// [`GracePeriod::passed`] says so.
    pub(crate) fn start() -> Self {
        // SAFETY: no preconditions.
        Self(unsafe { ffi::qmon_glue_rcu_start() })
    }

    /// Whether the grace period has passed (`poll_state_synchronize_rcu()`).
    pub(crate) fn passed(&self) -> bool {
        // SAFETY: no preconditions; the cookie came from `start`.
        unsafe { ffi::qmon_glue_rcu_done(self.0) }
    }
}
