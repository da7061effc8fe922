// SPDX-License-Identifier: GPL-2.0

//! rue: Resource Utilization Enhancement.
//!
//! Per-cgroup priorities and the memory and IO controllers that protect
//! important cgroups from less important ones. rue adds to every
//! `cgroup/<path>/` directory of cgroupfs mounts `rue.priority` (0..7, 0
//! the most important) and `rue.priority.effective`, and asynchronous
//! reclaim: `rue.memory.async_ratio` and `rue.memory.async_distance_factor`
//! set marks below `memory.high` (`rue.memory.async_high`, `_low`) between
//! which a worker trims the cgroup through its `memory.reclaim` while
//! `memory_qos` is 1, counted in `rue.memory.stat`; priority reclaim and
//! priority OOM. While `io_qos` is 1, cgroups that miss their
//! `rue.io.latency_target_us` get less important cgroups throttled through
//! `io.max` (see [`ioqos`]), shown in `rue.io.stat`. Its global switches and
//! tunables are writable parameters under `/sys/module/rue/parameters/`.
//! See `Documentation/rue.rst`.

use kernel::prelude::*;

mod cgroup;
mod ffi;
mod files;
mod iolat;
mod ioqos;
mod memqos;
mod oom;
mod settings;
#[path = "../support/mod.rs"]
mod support;
mod worker;

use core::sync::atomic::{AtomicPtr, Ordering};
use support::kparam::{Kind, Spec};
use support::param_lock::ParamLock;

module! {
    type: Rue,
    name: "rue",
    author: "The rfl-cloudnative authors",
    description: "Per-cgroup priority and memory/IO priority controllers",
    license: "GPL",
}

/// The module's parameters (declared again in `glue.c`).
pub(crate) static PARAMS: support::params::Params<5> = support::params::Params::new([
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

/// The live settings, for parameter writes; null before init and after the
/// IO controller is switched off for good. Read and written under rue's
/// parameter lock.
static LIVE: AtomicPtr<settings::Settings> = AtomicPtr::new(core::ptr::null_mut());

/// Puts `io_qos` into effect; called under rue's parameter lock, by
/// parameter writes and by init.
fn apply() -> Result {
    // SAFETY: under the parameter lock the live settings stay valid.
    match unsafe { LIVE.load(Ordering::Relaxed).as_ref() } {
        // SAFETY: every caller holds the parameter lock; the settings are
        // switched off before they are freed.
        Some(s) => unsafe { s.io.set(PARAMS.get("io_qos") != 0) },
        None => Ok(()),
    }
}
support::params::export_params!(PARAMS, rue_rs_param_set, rue_rs_param_get, apply);

struct Rue {
    // Dropped in this order: the worker stops, the files go (waiting for
    // calls in flight), the OOM notifier goes (waiting for calls in flight,
    // and putting back what it raised), then the settings and the mount
    // they use.
    _worker: worker::Worker,
    _files: files::Files,
    _oom: Pin<KBox<oom::Oom>>,
    settings: Pin<KBox<settings::Settings>>,
    _mount: cgroup::Mount,
}

impl kernel::Module for Rue {
    fn init(module: &'static ThisModule) -> Result<Self> {
        let mount = cgroup::Mount::new()?;
        let settings = KBox::try_pin_init(settings::Settings::new()?, GFP_KERNEL)?;
        let s: *const settings::Settings = &*settings;
        // SAFETY: the settings are freed after the files are unregistered
        // and the worker stopped (field order).
        let files = unsafe { files::register(module, s)? };
        // SAFETY: as above.
        let oom = KBox::try_pin_init(unsafe { oom::Oom::new(s)? }, GFP_KERNEL)?;
        oom.as_ref().register()?;
        // SAFETY: as above.
        let worker = unsafe { worker::Worker::start(s) };
        let this = Rue {
            _worker: worker,
            _files: files,
            _oom: oom,
            settings,
            _mount: mount,
        };
        {
            let _lock = ParamLock::lock();
            LIVE.store(s.cast_mut(), Ordering::Relaxed);
            apply()?;
        }
        pr_info!(
            "loaded (memory_qos={} io_qos={})\n",
            PARAMS.get("memory_qos"),
            PARAMS.get("io_qos")
        );
        Ok(this)
    }
}

impl Drop for Rue {
    fn drop(&mut self) {
        // Switch the IO controller off for good, putting back what it
        // wrote: no parameter write switches it on again.
        {
            let _lock = ParamLock::lock();
            // SAFETY: we hold the parameter lock.
            let _ = unsafe { self.settings.io.set(false) };
            LIVE.store(core::ptr::null_mut(), Ordering::Relaxed);
        }
        // Outside the parameter lock (see `IoQos::set`).
        self.settings.io.restore_if_off();
        let n = self.settings.snapshot().map(|v| v.len()).unwrap_or(0);
        pr_info!(
            "unloaded ({} cgroups with settings, {} IO completions not counted)\n",
            n,
            self.settings.io.lost()
        );
    }
}
