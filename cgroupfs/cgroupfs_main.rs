// SPDX-License-Identifier: GPL-2.0

//! cgroupfs: per-container views of `/proc` files, computed in the kernel.
//!
//! Loading the module registers the `cgroupfs` filesystem type and creates
//! its mount point `/sys/fs/cgroupfs`; `mount -t cgroupfs cgroupfs DIR`
//! mounts it anywhere. The module refuses to unload while an instance is
//! mounted. The writable parameter `enabled` switches the views between the
//! reader's cgroup (1) and host values (0). See
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

mod ffi;
mod fs_type;

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
    // Dropped in declaration order: the type goes before its mount point.
    _fs: fs_type::FsType,
    _mount_point: fs_type::MountPoint,
}

impl kernel::Module for Cgroupfs {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let mount_point = fs_type::MountPoint::create()?;
        let fs = fs_type::FsType::register()?;
        pr_info!("registered (enabled={})\n", PARAMS.get("enabled"));
        Ok(Cgroupfs {
            _fs: fs,
            _mount_point: mount_point,
        })
    }
}

impl Drop for Cgroupfs {
    fn drop(&mut self) {
        pr_info!("unregistered\n");
    }
}
