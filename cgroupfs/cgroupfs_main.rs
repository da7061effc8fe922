// SPDX-License-Identifier: GPL-2.0

//! cgroupfs: per-container views of `/proc` files, computed in the kernel.
//!
//! Loading the module registers the `cgroupfs` filesystem type and creates
//! its mount point `/sys/fs/cgroupfs`; `mount -t cgroupfs cgroupfs DIR`
//! mounts it anywhere. A mount holds:
//!
//! - `proc/{meminfo,cpuinfo,stat,uptime,loadavg,vmstat,diskstats,swaps}`,
//!   `proc/pressure/{cpu,memory,io}` and
//!   `sys/devices/system/cpu/{online,possible,present}`, each showing the
//!   host's file as the reading task's cgroup sees it (its memory limits
//!   and usage, its cpuset and CPU quota, its CPU time, load and PSI), for a
//!   container runtime to bind-mount over the container's own files;
//! - `cgroup/<path>/`, a directory per cgroup v2 cgroup, holding
//!   `cgroupfs.role`, `cpu.quota_period_us` and the per-cgroup files other
//!   modules register through `cgroupfs_register_files()`.
//!
//! The module refuses to unload while an instance is mounted or another
//! module uses it. The writable parameter `enabled` switches the views
//! between the reader's cgroup (1) and host values (0). See
//! `Documentation/cgroupfs.rst`.

use kernel::prelude::*;
use kernel::sync::Arc;

mod api;
mod builtin;
mod cgtarget;
mod cgtree;
mod cpus;
mod cpusnap;
mod diskstats;
mod ffi;
mod fs_type;
mod kfiles;
mod load;
mod meminfo;
mod notify;
mod openfile;
// `pub`: the C entry points `export_params!` defines there are `pub`.
pub mod params;
mod procstat;
mod psi;
mod recent;
mod registry;
mod state;
#[path = "../support/mod.rs"]
mod support;
mod text;
mod tree;
mod viewpath;
mod views;
mod vmstat;

module! {
    type: Cgroupfs,
    name: "cgroupfs",
    author: "The rfl-cloudnative authors",
    description: "Per-cgroup views of /proc files and a per-cgroup file tree",
    license: "GPL",
}

struct Cgroupfs {
    // Dropped in declaration order: the type goes first, then its mount
    // point, then the sources its files read.
    _fs: fs_type::FsType,
    _mount_point: fs_type::MountPoint,
    _builtin: BuiltinFiles,
    _sampler: load::Sampler,
    _probes: load::Probes,
    _state: state::Published,
}

/// cgroupfs's own per-cgroup files, registered while this lives.
struct BuiltinFiles(Arc<registry::Registration>);

impl BuiltinFiles {
    fn register() -> Result<Self> {
        let reg = state::state()?
            .registry
            .register(registry::Source::Builtin(builtin::FILES))?;
        Ok(Self(reg))
    }
}

impl Drop for BuiltinFiles {
    fn drop(&mut self) {
        if let Ok(state) = state::state() {
            state.registry.unregister(&self.0);
        }
    }
}

impl kernel::Module for Cgroupfs {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let published = state::Published::new(KBox::pin_init(state::State::new()?, GFP_KERNEL)?);
        let probes = load::Probes::register()?;
        let sampler = load::Sampler::start()?;
        let builtin = BuiltinFiles::register()?;
        let mount_point = fs_type::MountPoint::create()?;
        let fs = fs_type::FsType::register()?;
        pr_info!(
            "registered (enabled={})\n",
            params::PARAMS.get(params::ENABLED)
        );
        Ok(Cgroupfs {
            _fs: fs,
            _mount_point: mount_point,
            _builtin: builtin,
            _sampler: sampler,
            _probes: probes,
            _state: published,
        })
    }
}

impl Drop for Cgroupfs {
    fn drop(&mut self) {
        pr_info!("unregistered\n");
    }
}
