// SPDX-License-Identifier: GPL-2.0

//! The C glue's functions (`glue.h`), declared once for the Rust side.
//!
//! Each is wrapped in a safe function or type where it is used; nothing
//! else calls these directly.

use core::ffi::{c_char, c_int, c_long, c_uint, c_ulong, c_void};

extern "C" {
    pub(crate) fn qmon_glue_tracepoints(n: *mut c_uint) -> *mut c_void;
    pub(crate) fn qmon_glue_compact_attach() -> bool;
    pub(crate) fn qmon_glue_compact_detach();
    pub(crate) fn qmon_glue_nr_cpu_ids() -> c_uint;
    pub(crate) fn qmon_glue_cpu() -> c_uint;
    pub(crate) fn qmon_glue_rcu_start() -> c_ulong;
    pub(crate) fn qmon_glue_rcu_done(cookie: c_ulong) -> bool;
    pub(crate) fn qmon_glue_ktime() -> u64;
    pub(crate) fn qmon_glue_current() -> c_ulong;
    pub(crate) fn qmon_glue_cond_resched();
    pub(crate) fn qmon_glue_task(
        task: *mut c_void,
        comm: *mut c_char,
        pid_ref: *mut c_ulong,
        uid: *mut c_uint,
    ) -> c_uint;
    pub(crate) fn qmon_glue_reader(
        cgns_root: *mut u64,
        fsuid: *mut c_uint,
        pidns_level: *mut c_uint,
    ) -> c_uint;
    pub(crate) fn qmon_glue_find_pid(nr: c_uint, vnr: *mut c_uint) -> c_ulong;
    pub(crate) fn qmon_glue_stack(task: *mut c_void, store: *mut c_ulong, size: c_uint) -> c_uint;
    pub(crate) fn qmon_glue_symbol(addr: c_ulong, buf: *mut c_char, len: usize) -> c_int;
    pub(crate) fn qmon_glue_cgroup_path(id: u64, buf: *mut c_char, len: usize) -> c_int;
    pub(crate) fn qmon_glue_charge_begin(
        id: u64,
        token: *mut *mut c_void,
        old: *mut *mut c_void,
    ) -> c_int;
    pub(crate) fn qmon_glue_charge_end(token: *mut c_void, old: *mut c_void);
    pub(crate) fn qmon_glue_kick();
    pub(crate) fn qmon_glue_cancel_notify();
    pub(crate) fn qmon_glue_cgroup_walk(buf: *mut c_void, size: usize) -> c_long;
    pub(crate) fn qmon_glue_sched_info() -> bool;
    pub(crate) fn qmon_glue_clock() -> u64;
}

/// `QMON_TASK_*` of `glue.h`: what the glue tells about a task.
pub(crate) const TASK_IDLE: c_uint = 1;
pub(crate) const TASK_IOWAIT: c_uint = 2;
pub(crate) const TASK_PREEMPTED: c_uint = 4;
pub(crate) const NEXT_IDLE: c_uint = 8;

/// `QMON_READER_*` of `glue.h`: capabilities of a reader.
pub(crate) const READER_ADMIN: c_uint = 1;
pub(crate) const READER_PTRACE: c_uint = 2;

/// `QMON_TP_WAKEUP` and `QMON_TP_WAKEUP_NEW` of `glue.h`: the probes that
/// are needed only when the scheduler keeps no queue times.
pub(crate) const TP_WAKEUPS: [u32; 2] = [1, 2];
