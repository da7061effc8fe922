// SPDX-License-Identifier: GPL-2.0

//! The C half of the support layer (`support_glue.h`), declared once for
//! Rust. Each function is wrapped in one safe type of this layer
//! ([`super::cgroup`], [`super::mount`], [`super::dwork`],
//! [`super::tracepoint`]); nothing else calls these.

use core::ffi::{c_char, c_int, c_long, c_longlong, c_uint, c_ulong, c_void};

extern "C" {
    pub(crate) fn rfl_param_lock();
    pub(crate) fn rfl_param_unlock();

    /// The root flag of each option of `cgroup2_opts::NAMES`.
    pub(crate) static rfl_cgroup2_option_flags: [c_uint; super::cgroup2_opts::NR_OPTIONS];
    pub(crate) fn rfl_cgroup2_root_flags() -> c_uint;

    pub(crate) fn rfl_cgroup_get(cgrp: *mut c_void);
    pub(crate) fn rfl_cgroup_put(cgrp: *mut c_void);
    pub(crate) fn rfl_cgroup_id(cgrp: *mut c_void) -> u64;
    pub(crate) fn rfl_cgroup_self_flags(cgrp: *mut c_void) -> c_uint;
    pub(crate) fn rfl_css_online_flag() -> c_uint;
    pub(crate) fn rfl_cgroup_parent(cgrp: *mut c_void) -> *mut c_void;
    pub(crate) fn rfl_cgroup_is_descendant(cgrp: *mut c_void, ancestor: *mut c_void) -> bool;
    pub(crate) fn rfl_cgroup_kn(cgrp: *mut c_void) -> *mut c_void;
    pub(crate) fn rfl_cgroup_from_id(id: u64) -> *mut c_void;
    pub(crate) fn rfl_cgroup_child(parent: *mut c_void, name: *const c_char) -> *mut c_void;
    pub(crate) fn rfl_cgroup_children(parent: *mut c_void, buf: *mut c_void, size: usize)
        -> c_long;
    pub(crate) fn rfl_cgroup_path(
        cgrp: *mut c_void,
        base: *mut c_void,
        buf: *mut c_char,
        len: usize,
    ) -> c_int;
    pub(crate) fn rfl_current_cgroup() -> *mut c_void;
    pub(crate) fn rfl_current_cgroupns_root() -> *mut c_void;
    pub(crate) fn rfl_process_cgroup(pid: u64) -> *mut c_void;
    pub(crate) fn rfl_memcg_read(cgrp: *mut c_void, out: *mut u64) -> c_int;

    pub(crate) fn rfl_kern_mount(fstype: *const c_char, data: *mut c_char) -> *mut c_void;
    pub(crate) fn rfl_kern_unmount(mnt: *mut c_void);
    pub(crate) fn rfl_file_open(mnt: *mut c_void, path: *const c_char, write: bool) -> *mut c_void;
    pub(crate) fn rfl_file_parent_kn(file: *mut c_void) -> *mut c_void;
    pub(crate) fn rfl_file_read(
        file: *mut c_void,
        buf: *mut c_char,
        size: usize,
        pos: *mut c_longlong,
    ) -> c_long;
    pub(crate) fn rfl_file_write(
        file: *mut c_void,
        buf: *const c_char,
        size: usize,
        pos: *mut c_longlong,
    ) -> c_long;
    pub(crate) fn rfl_file_close(file: *mut c_void);

    pub(crate) fn rfl_dwork_new(
        f: unsafe extern "C" fn(*mut c_void) -> c_long,
        data: *mut c_void,
        unbound: bool,
    ) -> *mut c_void;
    pub(crate) fn rfl_dwork_queue(work: *mut c_void, ms: c_ulong);
    pub(crate) fn rfl_dwork_kick(work: *mut c_void);
    pub(crate) fn rfl_dwork_cancel_sync(work: *mut c_void);
    pub(crate) fn rfl_dwork_free(work: *mut c_void);

    pub(crate) fn rfl_tp_lookup(tps: *mut c_void, n: c_uint);
    pub(crate) fn rfl_tp_found(tps: *mut c_void, i: c_uint) -> bool;
    pub(crate) fn rfl_tp_name(tps: *mut c_void, i: c_uint) -> *const c_char;
    pub(crate) fn rfl_tp_register(tps: *mut c_void, i: c_uint) -> c_int;
    pub(crate) fn rfl_tp_unregister(tps: *mut c_void, i: c_uint);
    pub(crate) fn rfl_tp_sync();
}

/// `RFL_MEMCG_*` of `support_glue.h`: the order of `rfl_memcg_read()`'s
/// counters.
pub(crate) const MEMCG_USAGE: usize = 0;
pub(crate) const MEMCG_HIGH: usize = 1;
pub(crate) const MEMCG_MAX: usize = 2;
pub(crate) const MEMCG_SWAP: usize = 3;
pub(crate) const MEMCG_SWAP_MAX: usize = 4;
pub(crate) const MEMCG_NR: usize = 5;
