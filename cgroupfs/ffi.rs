// SPDX-License-Identifier: GPL-2.0

//! Prototypes of the C glue in `glue.c`; the contract is in `glue.h`.
//!
//! Only scalars and opaque pointers cross this boundary, so the Rust side
//! depends on no kernel structure layout and builds unchanged against other
//! kernel trees. Each function is wrapped once in a safe type or function
//! elsewhere (`fs_type.rs`, `psi.rs`, `tree.rs`, `load.rs`, ...); the
//! kernel APIs the modules share are wrapped in `crate::support`.

use core::ffi::{c_char, c_int, c_uint, c_ulong, c_void};

extern "C" {
    pub(crate) fn cgroupfs_glue_register_fs() -> c_int;
    pub(crate) fn cgroupfs_glue_poll_wait(file: *mut c_void, pt: *mut c_void, slot: c_uint);
    pub(crate) fn cgroupfs_glue_notify_wake(slot: c_uint);
    pub(crate) fn cgroupfs_glue_copy_to_iter(
        iter: *mut c_void,
        data: *const c_void,
        len: usize,
    ) -> usize;
    pub(crate) fn cgroupfs_glue_unregister_fs();
    pub(crate) fn cgroupfs_glue_create_mount_point() -> c_int;
    pub(crate) fn cgroupfs_glue_remove_mount_point();

    pub(crate) fn cgroupfs_glue_mkdir(parent: *mut c_void, name: *const c_char) -> *mut c_void;
    pub(crate) fn cgroupfs_glue_mkfile(
        parent: *mut c_void,
        name: *const c_char,
        id: c_ulong,
    ) -> c_int;

}

extern "C" {
    pub(crate) fn cgroupfs_glue_mkcgdir(parent: *mut c_void, name: *const c_char) -> *mut c_void;
    pub(crate) fn cgroupfs_glue_dir_emit(
        ctx: *mut c_void,
        name: *const c_char,
        len: usize,
        ino: u64,
        dir: bool,
    ) -> bool;

    pub(crate) fn cgroupfs_glue_capable_sys_admin() -> bool;
    pub(crate) fn cgroupfs_glue_module_get(owner: *mut c_void) -> bool;
    pub(crate) fn cgroupfs_glue_module_put(owner: *mut c_void);
}

extern "C" {
    pub(crate) fn cgroupfs_glue_boottime_ns() -> u64;
    pub(crate) fn cgroupfs_glue_user_hz() -> c_ulong;
    pub(crate) fn cgroupfs_glue_page_size() -> c_ulong;
    pub(crate) fn cgroupfs_glue_cgroup_psi(cgrp: *mut c_void) -> *mut c_void;
    pub(crate) fn cgroupfs_glue_nr_cpu_ids() -> c_uint;
    pub(crate) fn cgroupfs_glue_next_possible_cpu(cpu: c_int) -> c_uint;
    pub(crate) fn cgroupfs_glue_tracepoints(n: *mut c_uint) -> *mut c_void;
    pub(crate) fn cgroupfs_glue_psi_cpu_tasks(
        psi: *mut c_void,
        cpu: c_uint,
        running: *mut u32,
        iowait: *mut u32,
    );
}
