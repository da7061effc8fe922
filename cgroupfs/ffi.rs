// SPDX-License-Identifier: GPL-2.0

//! Prototypes of the C glue in `glue.c` (kept in step with `glue.h`).
//!
//! Only scalars and opaque pointers cross this boundary, so the Rust side
//! depends on no kernel structure layout and builds unchanged against other
//! kernel trees. Everything here is wrapped once in a safe type elsewhere.

use core::ffi::c_int;

extern "C" {
    /// `register_filesystem()` of the `cgroupfs` type; 0 or a negative errno.
    pub(crate) fn cgroupfs_glue_register_fs() -> c_int;
    /// `unregister_filesystem()`; only after a successful register.
    pub(crate) fn cgroupfs_glue_unregister_fs();
    /// `sysfs_create_mount_point(fs_kobj, "cgroupfs")`; 0 or a negative errno.
    pub(crate) fn cgroupfs_glue_create_mount_point() -> c_int;
    /// `sysfs_remove_mount_point()`; only after a successful create.
    pub(crate) fn cgroupfs_glue_remove_mount_point();
}
