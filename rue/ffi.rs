// SPDX-License-Identifier: GPL-2.0

//! The C glue's functions (`glue.h`), declared once for the Rust side.
//!
//! Each is wrapped in a safe function or type ([`crate::cgroup`],
//! [`crate::worker`]); nothing else calls these directly.

use core::ffi::{c_char, c_int, c_long, c_ulong, c_void};

extern "C" {
    pub(crate) fn rue_glue_mount() -> c_int;
    pub(crate) fn rue_glue_umount();
    pub(crate) fn rue_glue_write_file(
        cgrp: *mut c_void,
        name: *const c_char,
        text: *const c_char,
        len: usize,
    ) -> c_long;
    pub(crate) fn rue_glue_cgroup_from_id(id: u64) -> *mut c_void;
    pub(crate) fn rue_glue_cgroup_put(cgrp: *mut c_void);
    pub(crate) fn rue_glue_cgroup_parent(cgrp: *mut c_void) -> *mut c_void;
    pub(crate) fn rue_glue_cgroup_id(cgrp: *mut c_void) -> u64;
    pub(crate) fn rue_glue_memcg(cgrp: *mut c_void, out: *mut u64) -> c_int;
    pub(crate) fn rue_glue_memory(free: *mut u64, total: *mut u64);
    pub(crate) fn rue_glue_worker_start(ms: c_ulong);
    pub(crate) fn rue_glue_worker_stop();
}
