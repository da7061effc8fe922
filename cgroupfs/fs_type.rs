// SPDX-License-Identifier: GPL-2.0

//! The `cgroupfs` filesystem type and its `/sys/fs/cgroupfs` mount point.

use crate::ffi;
use kernel::error::{to_result, Result};

/// The registered `cgroupfs` filesystem type; unregistered on drop.
///
/// While a superblock exists the type's owner (this module) is pinned by the
/// VFS, so the drop never runs with the filesystem mounted.
///
/// # Invariants
///
/// The filesystem type is registered for as long as this value lives.
pub(crate) struct FsType(());

impl FsType {
    /// Registers the filesystem type.
    pub(crate) fn register() -> Result<Self> {
        // SAFETY: registers a static `file_system_type` owned by this module;
        // no other precondition.
        to_result(unsafe { ffi::cgroupfs_glue_register_fs() })?;
        // INVARIANT: registration succeeded.
        Ok(Self(()))
    }
}

impl Drop for FsType {
    fn drop(&mut self) {
        // SAFETY: by the type invariant the filesystem type is registered.
        unsafe { ffi::cgroupfs_glue_unregister_fs() };
    }
}

/// The `/sys/fs/cgroupfs` directory; removed on drop.
///
/// # Invariants
///
/// The directory exists for as long as this value lives.
pub(crate) struct MountPoint(());

impl MountPoint {
    /// Creates `/sys/fs/cgroupfs`.
    pub(crate) fn create() -> Result<Self> {
        // SAFETY: creates a sysfs directory under the static `fs_kobj`.
        to_result(unsafe { ffi::cgroupfs_glue_create_mount_point() })?;
        // INVARIANT: creation succeeded.
        Ok(Self(()))
    }
}

impl Drop for MountPoint {
    fn drop(&mut self) {
        // SAFETY: by the type invariant the directory exists.
        unsafe { ffi::cgroupfs_glue_remove_mount_point() };
    }
}
