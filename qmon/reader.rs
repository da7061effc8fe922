// SPDX-License-Identifier: GPL-2.0

//! The event buffer as the calling reader sees it.
//!
//! What `sli.events` shows of an event depends on who reads it: cgroup
//! paths are relative to the reader's cgroup namespace, pids are those of
//! its PID namespace, and tasks and kernel stacks are shown only to readers
//! privileged enough ([`events::Event::seen_by`]).

use crate::events::{self, Ring, Viewer};
use crate::ffi;
use core::ffi::{c_uint, c_ulong};
use core::fmt;

/// Events formatted between two chances to reschedule.
const EVENTS_CHUNK: usize = 8;

/// Writes the events of `ring` within cgroup `id` as the calling reader
/// may see them. Process context, no lock held.
pub(crate) fn write_events(w: &mut dyn fmt::Write, ring: Ring<'_>, id: u64) -> fmt::Result {
    let (viewer, pidns_level) = viewer();
    let mut n = 0usize;
    ring.for_each(|e| {
        if !e.within(id) {
            return Ok(());
        }
        n += 1;
        if n % EVENTS_CHUNK == 0 {
            // SAFETY: no preconditions; process context, no lock.
            unsafe { ffi::qmon_glue_cond_resched() };
        }
        match e.seen_by(&viewer, &mut |pid, pid_ref| {
            pid_in_ns(pid, pid_ref, pidns_level)
        }) {
            Some(e) => events::format_event(w, &e, &mut write_path, &mut write_symbol),
            None => Ok(()),
        }
    })
}

/// Writes the path of cgroup `id` as the reader sees it, or `id:<id>`
/// when it is gone or outside the reader's cgroup namespace.
fn write_path(w: &mut dyn fmt::Write, id: u64) -> fmt::Result {
    let mut buf = [0u8; 256];
    // SAFETY: `buf` is writable for its length.
    let n = unsafe { ffi::qmon_glue_cgroup_path(id, buf.as_mut_ptr().cast(), buf.len()) };
    match usize::try_from(n)
        .ok()
        .and_then(|n| core::str::from_utf8(&buf[..n.min(buf.len())]).ok())
    {
        Some(p) => w.write_str(p),
        None => write!(w, "id:{id}"),
    }
}

/// The calling reader, as [`events::Event::seen_by`] needs it, and the
/// level of its PID namespace.
fn viewer() -> (Viewer, c_uint) {
    let (mut cgns_root, mut uid, mut level) = (0u64, 0, 0);
    // SAFETY: the three are writable.
    let caps = unsafe { ffi::qmon_glue_reader(&mut cgns_root, &mut uid, &mut level) };
    let viewer = Viewer {
        cgns_root,
        // Kernel stacks only for readers who may see kernel addresses
        // elsewhere (/proc/PID/stack needs the same).
        stacks: caps & ffi::READER_ADMIN != 0,
        all_tasks: caps & ffi::READER_PTRACE != 0,
        uid,
    };
    (viewer, level)
}

/// The pid, in the reader's PID namespace (at `level`), of the task that
/// had pid `pid` in the initial one and the `struct pid` at `pid_ref`; 0
/// when it is not in that namespace or is gone.
fn pid_in_ns(pid: u32, pid_ref: u64, level: c_uint) -> u32 {
    if level == 0 {
        // The initial namespace numbers every task, also those gone.
        return pid;
    }
    let mut vnr = 0;
    // SAFETY: `vnr` is writable.
    let found = unsafe { ffi::qmon_glue_find_pid(pid, &mut vnr) };
    // The same `struct pid` still holds the number: the same task.
    if found as u64 == pid_ref {
        vnr
    } else {
        0
    }
}

/// Writes a kernel text address as `symbol+offset/size`.
fn write_symbol(w: &mut dyn fmt::Write, addr: u64) -> fmt::Result {
    let mut buf = [0u8; 128];
    // SAFETY: `buf` is writable for its length.
    let n = unsafe { ffi::qmon_glue_symbol(addr as c_ulong, buf.as_mut_ptr().cast(), buf.len()) };
    let n = usize::try_from(n).unwrap_or(0).min(buf.len());
    w.write_str(core::str::from_utf8(&buf[..n]).unwrap_or("?"))
}
