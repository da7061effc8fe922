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

use core::sync::atomic::Ordering;
use kernel::prelude::*;

mod cgstats;
mod events;
mod ffi;
mod files;
mod hist;
mod kept;
mod monitor;
mod probes;
mod rcu;
mod reader;
mod stamps;
#[path = "../support/mod.rs"]
mod support;

use files::Files;
use monitor::{Monitor, Published};
use support::kparam::{Kind, Spec};
use support::param_lock::ParamLock;
use support::params::{find, Param, Params};
use support::slot::{Publication, Slot};

module! {
    type: Qmon,
    name: "qmon",
    author: "The rfl-cloudnative authors",
    description: "Per-cgroup latency histograms and quality counters",
    license: "GPL",
}

/// The module's parameters (declared again in `glue.c`).
pub(crate) static PARAMS: Params<1> = Params::new(SPECS);

const SPECS: [Spec; 1] = [Spec {
    name: "enabled",
    kind: Kind::Bool,
    default: 1,
}];
const ENABLED: Param = find(&SPECS, "enabled");

/// The live monitor, for parameter writes: published by [`Live`], under
/// qmon's parameter lock.
static LIVE: Slot<Monitor> = Slot::new();

/// Attaches or detaches the probes as `enabled` says; called under qmon's
/// parameter lock, by parameter writes and by init.
fn apply() -> Result {
    match LIVE.get() {
        // SAFETY: every caller holds the parameter lock.
        Some(m) => unsafe { m.apply(PARAMS.on(ENABLED)) },
        None => Ok(()),
    }
}
support::params::export_params!(PARAMS, qmon_rs_param_set, qmon_rs_param_get, apply);

/// The monitor as parameter writes reach it, through [`LIVE`].
///
/// Dropped, it detaches the probes for good (no parameter write attaches
/// them again), then waits for the cgroup update they may have queued.
struct Live(Option<Publication<Monitor>>);

impl Live {
    /// Nothing live yet.
    fn new() -> Self {
        Self(None)
    }

    /// Makes `m` the live monitor, and attaches the probes if `enabled`
    /// says so.
    ///
    /// # Safety
    ///
    /// `m` stays valid until `self` is dropped.
    unsafe fn start(&mut self, m: &Monitor) -> Result {
        let _lock = ParamLock::lock();
        // SAFETY: the caller's guarantee; parameter writes, the only
        // readers, stop finding it when `self` drops.
        self.0 = Some(unsafe { LIVE.publish(m) });
        apply()
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        let m = {
            let _lock = ParamLock::lock();
            let m = LIVE.get();
            if let Some(m) = m {
                // SAFETY: we hold the parameter lock.
                let _ = unsafe { m.apply(false) };
            }
            // Withdrawn under the lock: no parameter write finds it after.
            self.0 = None;
            m
        };
        // The probes that queue this work are detached.
        if let Some(m) = m {
            m.update.cancel();
        }
    }
}

/// The monitor, dropped last: says what it held, then is freed.
struct Owned(Pin<KBox<Monitor>>);

impl Drop for Owned {
    fn drop(&mut self) {
        // Bring the table up to date to report what it held for the live
        // cgroups: removed cgroups leave nothing behind.
        let tracked = match self.0.table.update() {
            Ok(()) => self.0.table.count(),
            Err(_) => 0,
        };
        let lost = self.0.lost.load(Ordering::Relaxed);
        pr_info!(
            "unloaded ({} cgroups tracked, {} latencies not measured for lack of slots)\n",
            tracked,
            lost
        );
    }
}

/// The module. Exit drops the fields in their order, each once nothing
/// that comes before it uses what it releases.
struct Qmon {
    /// Detaches the probes, which stops them queueing work.
    live: Live,
    /// Stops notifications, then unregisters the files.
    _files: Files,
    /// Withdraws the monitor from the glue's callbacks, none of which runs
    /// any more.
    _published: Published,
    /// The monitor everything above uses.
    monitor: Owned,
}

impl kernel::Module for Qmon {
    fn init(module: &'static ThisModule) -> Result<Self> {
        let monitor = KBox::try_pin_init(Monitor::new(probes::cgroups_changed)?, GFP_KERNEL)?;
        monitor.table.update()?;
        let m: *const Monitor = &*monitor;
        // SAFETY: the monitor is freed after the files (`Qmon`'s field
        // order).
        let files = unsafe { Files::register(module, m)? };
        // SAFETY: as above; `live` and `_files`, dropped before
        // `_published`, stop the probes and the work items.
        let published = unsafe { Published::new(&monitor) };
        let mut this = Qmon {
            live: Live::new(),
            _files: files,
            _published: published,
            monitor: Owned(monitor),
        };
        // SAFETY: the monitor is freed after `live` (field order).
        unsafe { this.live.start(&this.monitor.0)? };
        pr_info!(
            "loaded (enabled={}, {} cgroups, direct compaction {})\n",
            PARAMS.get(ENABLED),
            this.monitor.0.table.count(),
            if this.monitor.0.compact.load(Ordering::Relaxed) {
                "timed"
            } else {
                "not timed"
            }
        );
        Ok(this)
    }
}
