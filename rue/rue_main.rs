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
mod wakeup;
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

/// The module. Exit drops the fields in their order, each once nothing
/// that comes before it uses what it releases.
struct Rue {
    /// Switches the IO controller off for good (no parameter write or
    /// probe finds it after), putting back what it wrote.
    live: params::Live,
    /// Stops the worker.
    _worker: worker::Worker,
    /// Unregisters the files, waiting for calls in flight.
    _files: files::Files,
    /// Unregisters the OOM notifier, waiting for calls in flight.
    _oom_notifier: oom::Registration,
    /// Puts back what a priority OOM raised.
    _oom: Pin<KBox<oom::Oom>>,
    /// The settings everything above uses.
    settings: Pin<KBox<settings::Settings>>,
    /// The mount through which everything above writes cgroup files.
    _mount: cgroup::Mount,
}

impl kernel::Module for Rue {
    fn init(module: &'static ThisModule) -> Result<Self> {
        // SAFETY: the mount is dropped last (field order), when nothing
        // writes cgroup files any more.
        let mount = unsafe { cgroup::Mount::new()? };
        let settings = KBox::try_pin_init(settings::Settings::new()?, GFP_KERNEL)?;
        let s: *const settings::Settings = &*settings;
        // SAFETY: the settings are freed after the files are unregistered
        // and the worker stopped (field order).
        let files = unsafe { files::register(module, s)? };
        // SAFETY: as above.
        let oom = KBox::try_pin_init(unsafe { oom::Oom::new(s)? }, GFP_KERNEL)?;
        // SAFETY: the notifier is unregistered before `oom` is freed and
        // after the worker stopped (field order).
        let oom_notifier = unsafe { oom.as_ref().register()? };
        // SAFETY: as above.
        let worker = unsafe { worker::Worker::start(&settings)? };
        let mut this = Rue {
            live: params::Live::new(),
            _worker: worker,
            _files: files,
            _oom_notifier: oom_notifier,
            _oom: oom,
            settings,
            _mount: mount,
        };
        // SAFETY: the settings, and so their IO controller, are freed
        // after `live` is switched off (`drop()`, and field order).
        unsafe { this.live.go_live(&this.settings.io)? };
        pr_info!(
            "loaded (memory_qos={} io_qos={})\n",
            PARAMS.get(params::MEMORY_QOS),
            PARAMS.get(params::IO_QOS)
        );
        Ok(this)
    }
}

impl Drop for Rue {
    fn drop(&mut self) {
        // Switch the IO controller off for good, putting back what it
        // wrote: no parameter write switches it on again.
        self.live.switch_off();
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
