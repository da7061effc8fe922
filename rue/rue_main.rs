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
//! `memory_qos` is 1, counted in `rue.memory.stat`. Its global switches and
//! tunables are writable parameters under `/sys/module/rue/parameters/`.
//! See `Documentation/rue.rst`.

use kernel::prelude::*;

mod cgroup;
#[path = "../common/cgroupfs_api.rs"]
mod cgroupfs_api;
#[path = "../common/cgroupfs_files.rs"]
mod cgroupfs_files;
mod ffi;
mod files;
// Shared with the other modules, which use different parts of them.
#[allow(dead_code)]
#[path = "../common/kparam.rs"]
mod kparam;
mod memqos;
mod oom;
#[path = "../common/params.rs"]
mod params;
mod settings;
#[path = "../common/textbuf.rs"]
mod textbuf;
#[path = "../common/vecutil.rs"]
mod vecutil;
mod worker;

use kparam::{Kind, Spec};

module! {
    type: Rue,
    name: "rue",
    author: "The rfl-cloudnative authors",
    description: "Per-cgroup priority and memory/IO priority controllers",
    license: "GPL",
}

/// The module's parameters (declared again in `glue.c`).
pub(crate) static PARAMS: params::Params<5> = params::Params::new([
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
params::export_params!(PARAMS, rue_rs_param_set, rue_rs_param_get);

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
        let settings = KBox::pin_init(settings::Settings::new(), GFP_KERNEL)?;
        let s: *const settings::Settings = &*settings;
        // SAFETY: the settings are freed after the files are unregistered
        // and the worker stopped (field order).
        let files = unsafe { files::register(module, s)? };
        // SAFETY: as above.
        let oom = KBox::try_pin_init(unsafe { oom::Oom::new(s)? }, GFP_KERNEL)?;
        oom.as_ref().register()?;
        // SAFETY: as above.
        let worker = unsafe { worker::Worker::start(s) };
        pr_info!(
            "loaded (memory_qos={} io_qos={})\n",
            PARAMS.get("memory_qos"),
            PARAMS.get("io_qos")
        );
        Ok(Rue {
            _worker: worker,
            _files: files,
            _oom: oom,
            settings,
            _mount: mount,
        })
    }
}

impl Drop for Rue {
    fn drop(&mut self) {
        let n = self.settings.snapshot().map(|v| v.len()).unwrap_or(0);
        pr_info!("unloaded ({} cgroups with settings)\n", n);
    }
}
