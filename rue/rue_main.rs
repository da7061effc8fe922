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
mod entry;
mod ffi;
mod files;
mod iolat;
mod ioqos;
mod memqos;
mod oom;
mod params;
mod settings;
#[path = "../support/mod.rs"]
mod support;
mod worker;

use params::PARAMS;

support::params::export_params!(PARAMS, rue_rs_param_set, rue_rs_param_get, params::apply);

module! {
    type: Rue,
    name: "rue",
    author: "The rfl-cloudnative authors",
    description: "Per-cgroup priority and memory/IO priority controllers",
    license: "GPL",
}

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
        // SAFETY: the settings, and so their IO controller, are freed
        // after `drop()` has switched it off.
        unsafe { params::go_live(&this.settings.io)? };
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
        params::switch_off(&self.settings.io);
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
