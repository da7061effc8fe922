// SPDX-License-Identifier: GPL-2.0

//! qmon: per-cgroup quality monitoring (the cloud-native SLI).
//!
//! qmon attaches probes to scheduler, memory-reclaim and block-layer
//! tracepoints (and a return probe on direct compaction) and keeps, for
//! every cgroup v2 cgroup, per-CPU latency histograms of how long its tasks
//! wait for a CPU, sleep, block, stall in direct reclaim and compaction,
//! and how long its block reads and writes take. A cgroup's numbers include
//! its descendants'. They are shown in every `cgroup/<path>/` directory of
//! cgroupfs mounts as `sli.cpu`, `sli.memory`, `sli.io` (OpenCloudOS's
//! millisecond buckets), `sli.hist` (microsecond log2 histograms with
//! count, sum and maximum) and `sli.max`. The writable parameter `enabled`
//! (`/sys/module/qmon/parameters/enabled`) attaches (1) or detaches (0) the
//! probes. See `Documentation/qmon.rst`.

use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::prelude::*;

mod cgstats;
mod events;
mod ffi;
mod files;
mod hist;
mod kept;
mod monitor;
mod probes;
mod stamps;
#[path = "../support/mod.rs"]
mod support;

use monitor::Monitor;
use support::kparam::{Kind, Spec};
use support::param_lock::ParamLock;

module! {
    type: Qmon,
    name: "qmon",
    author: "The rfl-cloudnative authors",
    description: "Per-cgroup latency histograms and quality counters",
    license: "GPL",
}

/// The module's parameters (declared again in `glue.c`).
pub(crate) static PARAMS: support::params::Params<1> = support::params::Params::new([Spec {
    name: "enabled",
    kind: Kind::Bool,
    default: 1,
}]);

/// The live monitor, for parameter writes; null before init and after exit.
/// Read and written under qmon's parameter lock.
static LIVE: AtomicPtr<Monitor> = AtomicPtr::new(core::ptr::null_mut());

/// Attaches or detaches the probes as `enabled` says; called under qmon's
/// parameter lock, by parameter writes and by init.
fn apply() -> Result {
    // SAFETY: under the parameter lock the live monitor stays valid.
    match unsafe { LIVE.load(Ordering::Relaxed).as_ref() } {
        // SAFETY: every caller holds the parameter lock.
        Some(m) => unsafe { m.apply(PARAMS.get("enabled") != 0) },
        None => Ok(()),
    }
}
support::params::export_params!(PARAMS, qmon_rs_param_set, qmon_rs_param_get, apply);

struct Qmon {
    files: Option<KBox<files::Files>>,
    monitor: Pin<KBox<Monitor>>,
}

impl kernel::Module for Qmon {
    fn init(module: &'static ThisModule) -> Result<Self> {
        let monitor = KBox::try_pin_init(Monitor::new()?, GFP_KERNEL)?;
        monitor.table.update()?;
        let m: *const Monitor = &*monitor;
        // SAFETY: the monitor is freed only in `drop()`, after the files
        // are unregistered.
        let files = unsafe { files::register(module, m)? };
        // SAFETY: cleared in `drop()`, which then waits for notifications
        // in flight, before the files are dropped.
        unsafe { files::set_notified(&*files) };
        // SAFETY: withdrawn in `drop()` before the monitor is freed, after
        // the probes are detached.
        unsafe { monitor::publish(m) };
        let this = Qmon {
            files: Some(files),
            monitor,
        };
        {
            let _lock = ParamLock::lock();
            LIVE.store(m.cast_mut(), Ordering::Relaxed);
            apply()?;
        }
        pr_info!(
            "loaded (enabled={}, {} cgroups, direct compaction {})\n",
            PARAMS.get("enabled"),
            this.monitor.table.count(),
            if this.monitor.compact.load(Ordering::Relaxed) {
                "timed"
            } else {
                "not timed"
            }
        );
        Ok(this)
    }
}

impl Drop for Qmon {
    fn drop(&mut self) {
        // Detach the probes for good: no parameter write attaches them again.
        {
            let _lock = ParamLock::lock();
            // SAFETY: we hold the parameter lock.
            let _ = unsafe { self.monitor.apply(false) };
            LIVE.store(core::ptr::null_mut(), Ordering::Relaxed);
        }
        // SAFETY: no preconditions; the probes that schedule this work are
        // detached.
        unsafe { ffi::qmon_glue_cancel_update() };
        // Then the notifications they started, before the files go.
        // SAFETY: clearing.
        unsafe { files::set_notified(core::ptr::null()) };
        // SAFETY: as above.
        unsafe { ffi::qmon_glue_cancel_notify() };
        // Unregistering waits for reads and writes in flight.
        self.files = None;
        // SAFETY: withdrawing; nothing uses the monitor any more.
        unsafe { monitor::publish(core::ptr::null()) };
        // Bring the table up to date to report what it held for the live
        // cgroups: removed cgroups leave nothing behind.
        let tracked = match self.monitor.table.update() {
            Ok(()) => self.monitor.table.count(),
            Err(_) => 0,
        };
        let lost = self.monitor.lost.load(Ordering::Relaxed);
        pr_info!(
            "unloaded ({} cgroups tracked, {} latencies not measured for lack of slots)\n",
            tracked,
            lost
        );
    }
}
