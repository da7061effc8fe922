// SPDX-License-Identifier: GPL-2.0

//! cgroupfs: per-container views of `/proc` files, computed in the kernel.
//!
//! Loading the module registers the `cgroupfs` filesystem type and creates
//! its mount point `/sys/fs/cgroupfs`; `mount -t cgroupfs cgroupfs DIR`
//! mounts it anywhere. A mount holds `proc/meminfo`, `proc/cpuinfo` and
//! `sys/devices/system/cpu/{online,possible,present}`, each showing the
//! host's file as the reading task's cgroup sees it: its memory limits and
//! usage, its cpuset and CPU quota. A container runtime bind-mounts them
//! over the container's own files. The module refuses to unload while an
//! instance is mounted. The writable parameter `enabled` switches the views
//! between the reader's cgroup (1) and host values (0). See
//! `Documentation/cgroupfs.rst`.

use kernel::prelude::*;

// Shared with the other modules, which use different parts of them.
#[allow(dead_code)]
#[path = "../common/kparam.rs"]
mod kparam;
#[path = "../common/params.rs"]
mod params;
#[path = "../common/textbuf.rs"]
mod textbuf;

mod cpus;
mod ffi;
mod fs_type;
mod kio;
mod meminfo;
mod tree;
mod viewpath;
mod views;

use kparam::{Kind, Spec};

module! {
    type: Cgroupfs,
    name: "cgroupfs",
    author: "The rfl-cloudnative authors",
    description: "Per-cgroup views of /proc files and a per-cgroup file tree",
    license: "GPL",
}

/// The module's parameters (declared again in `glue.c`).
pub(crate) static PARAMS: params::Params<1> = params::Params::new([Spec {
    name: "enabled",
    kind: Kind::Bool,
    default: 1,
}]);
params::export_params!(PARAMS, cgroupfs_rs_param_set, cgroupfs_rs_param_get);

struct Cgroupfs {
    // Dropped in declaration order: the type goes first, then its mount
    // point, then the sources its files read.
    _fs: fs_type::FsType,
    _mount_point: fs_type::MountPoint,
    _sources: views::Published,
}

impl kernel::Module for Cgroupfs {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let sources = KBox::new(
            views::Sources {
                proc: kio::PrivateMount::new(kernel::c_str!("proc"))?,
                cgroup: kio::PrivateMount::new(kernel::c_str!("cgroup2"))?,
                sys: kio::PrivateMount::new(kernel::c_str!("sysfs"))?,
            },
            GFP_KERNEL,
        )?;
        let sources = views::Published::new(sources);
        let mount_point = fs_type::MountPoint::create()?;
        let fs = fs_type::FsType::register()?;
        pr_info!("registered (enabled={})\n", PARAMS.get("enabled"));
        Ok(Cgroupfs {
            _fs: fs,
            _mount_point: mount_point,
            _sources: sources,
        })
    }
}

impl Drop for Cgroupfs {
    fn drop(&mut self) {
        pr_info!("unregistered\n");
    }
}
