// SPDX-License-Identifier: GPL-2.0

//! rue's module parameters, under `/sys/module/rue/parameters/`.
//!
//! The table of parameters ([`PARAMS`], declared again in `glue.c`) and
//! putting `io_qos` into effect on the live IO controller ([`apply`]); the
//! crate root exports the functions the kernel's parameter code calls
//! (`export_params!` defines them `pub`, which the crate root reaches).
//! The features read the other parameters at each use.

use crate::ioqos::IoQos;
use crate::support::kparam::{Kind, Spec};
use crate::support::param_lock::ParamLock;
use crate::support::params::Params;
use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::prelude::*;

/// The module's parameters (declared again in `glue.c`).
pub(crate) static PARAMS: Params<5> = Params::new([
    Spec {
        name: "memory_qos",
        kind: Kind::Bool,
        default: 0,
    },
    Spec {
        name: "use_priority_oom",
        kind: Kind::Bool,
        default: 0,
    },
    Spec {
        name: "prio_reclaim_ratio",
        kind: Kind::Range { min: 1, max: 20 },
        default: 5,
    },
    Spec {
        name: "highest_reclaim_prio",
        kind: Kind::Range { min: 1, max: 8 },
        default: 1,
    },
    Spec {
        name: "io_qos",
        kind: Kind::Bool,
        default: 0,
    },
]);

/// The live IO controller, for parameter writes; null before init and
/// after the controller is switched off for good. Read and written under
/// rue's parameter lock.
static LIVE: AtomicPtr<IoQos> = AtomicPtr::new(core::ptr::null_mut());

/// Puts `io_qos` into effect; called under rue's parameter lock, by
/// parameter writes and by [`go_live`].
pub(crate) fn apply() -> Result {
    // SAFETY: under the parameter lock the live controller stays valid.
    match unsafe { LIVE.load(Ordering::Relaxed).as_ref() } {
        // SAFETY: every caller holds the parameter lock; the controller is
        // switched off before it is freed.
        Some(io) => unsafe { io.set(PARAMS.get("io_qos") != 0) },
        None => Ok(()),
    }
}

/// Makes `io` the controller that parameter writes switch, and puts
/// `io_qos` into effect on it, under the parameter lock. On failure `io`
/// stays published: [`switch_off`] withdraws it.
///
/// # Safety
///
/// `io` stays valid until [`switch_off`] has returned.
pub(crate) unsafe fn go_live(io: *const IoQos) -> Result {
    let _lock = ParamLock::lock();
    LIVE.store(io.cast_mut(), Ordering::Relaxed);
    apply()
}

/// Switches `io` off for good, under the parameter lock: no parameter
/// write switches it on again.
pub(crate) fn switch_off(io: &IoQos) {
    let _lock = ParamLock::lock();
    // SAFETY: we hold the parameter lock.
    let _ = unsafe { io.set(false) };
    LIVE.store(core::ptr::null_mut(), Ordering::Relaxed);
}
