// SPDX-License-Identifier: GPL-2.0

//! The C glue's functions (`glue.h`), declared once for the Rust side.
//!
//! Each is wrapped in a safe function or type ([`crate::cgroup`],
//! [`crate::worker`]); nothing else calls these directly.

use core::ffi::{c_char, c_int, c_long, c_ulong, c_void};

extern "C" {
    pub(crate) fn rue_glue_mount(data: *mut c_char) -> c_int;
    pub(crate) fn rue_glue_umount();
    pub(crate) fn rue_glue_open(cgrp: *mut c_void, name: *const c_char, write: bool)
        -> *mut c_void;
    pub(crate) fn rue_glue_file_dir_node(file: *mut c_void) -> *mut c_void;
    pub(crate) fn rue_glue_cgroup_node(cgrp: *mut c_void) -> *mut c_void;
    pub(crate) fn rue_glue_file_write(file: *mut c_void, text: *const c_char, len: usize)
        -> c_long;
    pub(crate) fn rue_glue_file_read(file: *mut c_void, buf: *mut c_char, size: usize) -> c_long;
    pub(crate) fn rue_glue_file_put(file: *mut c_void);
    pub(crate) fn rue_glue_cgroup_from_id(id: u64) -> *mut c_void;
    pub(crate) fn rue_glue_cgroup_get(cgrp: *mut c_void);
    pub(crate) fn rue_glue_cgroup_put(cgrp: *mut c_void);
    pub(crate) fn rue_glue_cgroup_online(cgrp: *mut c_void) -> bool;
    pub(crate) fn rue_glue_cgroup_parent(cgrp: *mut c_void) -> *mut c_void;
    pub(crate) fn rue_glue_cgroup_id(cgrp: *mut c_void) -> u64;
    pub(crate) fn rue_glue_memcg(cgrp: *mut c_void, out: *mut u64) -> c_int;
    pub(crate) fn rue_glue_memory(free: *mut u64, total: *mut u64);
    pub(crate) fn rue_glue_processes(buf: *mut c_void, size: usize) -> c_long;
    pub(crate) fn rue_glue_process_cgroup(pid: u64) -> *mut c_void;
    pub(crate) fn rue_glue_set_oom_origin(pid: u64, start_time: u64, on: bool) -> c_int;
    pub(crate) fn rue_glue_oom_register() -> c_int;
    pub(crate) fn rue_glue_oom_unregister();
    pub(crate) fn rue_glue_worker_start(ms: c_ulong);
    pub(crate) fn rue_glue_worker_stop();
    pub(crate) fn rue_glue_worker_kick();
    pub(crate) fn rue_glue_now_ns() -> u64;
    pub(crate) fn rue_glue_block_partno(dev: u32) -> c_int;
    pub(crate) fn rue_glue_io_attach() -> c_int;
    pub(crate) fn rue_glue_io_detach();
}

/// `RUE_PROC_*` of `glue.h`.
pub(crate) const PROC_KTHREAD: u64 = 1;
pub(crate) const PROC_INIT: u64 = 2;
pub(crate) const PROC_NO_MM: u64 = 4;
pub(crate) const PROC_OOM_VICTIM: u64 = 8;
pub(crate) const PROC_OOM_SKIP: u64 = 16;
pub(crate) const PROC_VFORK: u64 = 32;
/// `RUE_PROC_FIELDS`.
pub(crate) const PROC_FIELDS: usize = 6;
