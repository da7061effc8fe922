// SPDX-License-Identifier: GPL-2.0

//! The worker: asynchronous reclaim, and forgetting removed cgroups.
//!
//! A delayed work item runs [`rue_rs_work`] every 100 ms while some cgroup
//! has async reclaim on and `memory_qos` is 1, every second otherwise.
//! For each cgroup whose usage is above its async high mark it writes the
//! bytes to free down to the low mark into the cgroup's own
//! `memory.reclaim`: the kernel's proactive reclaim interface, stable user
//! ABI since Linux 5.19, which reclaims from that cgroup only, with the
//! kernel's own reclaim code, in the worker's context instead of in the
//! cgroup's tasks.

use crate::cgroup::Cgroup;
use crate::ffi;
use crate::memqos;
use crate::settings::Settings;
use crate::PARAMS;
use core::ffi::c_ulong;
use core::fmt::Write;
use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::prelude::*;

const BUSY_MS: c_ulong = 100;
const IDLE_MS: c_ulong = 1000;

/// The settings the worker uses, published while it may run.
static SETTINGS: AtomicPtr<Settings> = AtomicPtr::new(core::ptr::null_mut());

/// One pass over the cgroups with an entry.
fn pass(s: &Settings) -> Result<bool> {
    let qos = PARAMS.get("memory_qos") != 0;
    let mut busy = false;
    for e in s.snapshot()?.iter() {
        let Some(cg) = Cgroup::from_id(e.id) else {
            s.forget(e.id);
            continue;
        };
        if !qos || e.async_ratio == 0 {
            continue;
        }
        busy = true;
        let Ok(mem) = cg.memory() else { continue };
        let marks = memqos::async_marks(e.async_ratio, e.distance_factor, mem.high, mem.max);
        let bytes = memqos::async_reclaim_bytes(mem.usage, marks);
        if bytes == 0 {
            continue;
        }
        let mut text = [0u8; 24];
        let mut w = crate::textbuf::TextBuf::new(&mut text);
        write!(w, "{bytes}").map_err(|_| EINVAL)?;
        let n = w.len();
        // EAGAIN: the kernel reclaimed less than asked; what it did counts.
        let _ = cg.write_file(c"memory.reclaim", &text[..n]);
        if let Ok(after) = cg.memory() {
            let freed = mem.usage.saturating_sub(after.usage);
            s.update(e.id, |e| e.async_reclaimed += freed)?;
        }
    }
    Ok(busy)
}

/// One worker step; returns when to run again, in ms.
#[no_mangle]
pub(crate) extern "C" fn rue_rs_work() -> c_ulong {
    // SAFETY: published settings stay valid until the worker is stopped.
    match unsafe { SETTINGS.load(Ordering::Acquire).as_ref() } {
        Some(s) if pass(s).unwrap_or(false) => BUSY_MS,
        _ => IDLE_MS,
    }
}

/// The running worker; stopped (and waited for) on drop.
pub(crate) struct Worker(());

impl Worker {
    /// Starts the worker on `settings`.
    ///
    /// # Safety
    ///
    /// `settings` stays valid until the returned value is dropped.
    pub(crate) unsafe fn start(settings: *const Settings) -> Self {
        SETTINGS.store(settings.cast_mut(), Ordering::Release);
        // SAFETY: no preconditions; the work uses the published settings.
        unsafe { ffi::rue_glue_worker_start(IDLE_MS) };
        Self(())
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // SAFETY: started in `start()`.
        unsafe { ffi::rue_glue_worker_stop() };
        SETTINGS.store(core::ptr::null_mut(), Ordering::Release);
    }
}
