// SPDX-License-Identifier: GPL-2.0

//! The C glue's functions (`glue.h`), declared once for the Rust side.
//!
//! Each is wrapped in a safe function or type (`oom.rs`, `worker.rs`,
//! `ioqos/`); the kernel APIs rue shares with the other modules are in
//! `crate::support`.

use core::ffi::{c_int, c_long, c_uint, c_void};

extern "C" {
    pub(crate) fn rue_glue_tracepoints(n: *mut c_uint) -> *mut c_void;
    pub(crate) fn rue_glue_memory(free: *mut u64, total: *mut u64);
    pub(crate) fn rue_glue_processes(buf: *mut c_void, size: usize) -> c_long;
    pub(crate) fn rue_glue_set_oom_origin(pid: u64, start_time: u64, on: bool) -> c_int;
    pub(crate) fn rue_glue_oom_register() -> c_int;
    pub(crate) fn rue_glue_oom_unregister();
    pub(crate) fn rue_glue_now_ns() -> u64;
    pub(crate) fn rue_glue_block_partno(dev: u32) -> c_int;
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
