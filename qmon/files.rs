// SPDX-License-Identifier: GPL-2.0

//! qmon's files in every `cgroup/<path>/` directory of cgroupfs mounts,
//! added through cgroupfs's registration API (`common/cgroupfs_api.h`).

use crate::cgroupfs_files::{self, FileSet, FileSpec, WriteFn};
use crate::cgstats::CgStats;
use crate::events;
use crate::ffi;
use crate::hist::{self, ControlError, Group, Series};
use crate::probes::Monitor;
use crate::textbuf::TextBuf;
use core::ffi::{c_char, c_long, c_uint, c_ulong, c_void, CStr};
use core::fmt;
use kernel::prelude::*;

extern "C" {
    fn cgroupfs_notify(handle: *mut c_void, index: c_uint, id: u64);
}

/// What a file shows.
#[derive(Clone, Copy)]
enum Kind {
    /// Millisecond buckets of a group of series.
    Ms(Group),
    /// Every series as a microsecond histogram.
    Hist,
    /// Every series' maximum since the last read.
    Max,
    /// Thresholds and counts, read and written.
    Control,
    /// Latencies over the thresholds; pollable.
    Monitor,
    /// The event buffer, as seen from the cgroup.
    Events,
}

const FILES: [(&CStr, Kind, u16); 8] = [
    (c"sli.cpu", Kind::Ms(Group::Cpu), 0o444),
    (c"sli.memory", Kind::Ms(Group::Memory), 0o444),
    (c"sli.io", Kind::Ms(Group::Io), 0o444),
    (c"sli.hist", Kind::Hist, 0o444),
    (c"sli.max", Kind::Max, 0o444),
    (c"sli.control", Kind::Control, 0o644),
    (c"sli.monitor", Kind::Monitor, 0o444),
    (c"sli.events", Kind::Events, 0o444),
];

/// The index of `sli.monitor` in [`FILES`], which notifications name.
const MONITOR_INDEX: c_uint = 6;

/// Tells the pollers of `sli.monitor` of cgroup `id` that a count was
/// reached.
///
/// # Safety
///
/// `handle` is qmon's live registration.
pub(crate) unsafe fn notify_monitor(handle: *mut c_void, id: u64) {
    // SAFETY: the caller's guarantee; process context.
    unsafe { cgroupfs_notify(handle, MONITOR_INDEX, id) };
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

/// Writes a kernel text address as `symbol+offset/size`.
fn write_symbol(w: &mut dyn fmt::Write, addr: u64) -> fmt::Result {
    let mut buf = [0u8; 128];
    // SAFETY: `buf` is writable for its length.
    let n = unsafe { ffi::qmon_glue_symbol(addr as c_ulong, buf.as_mut_ptr().cast(), buf.len()) };
    let n = usize::try_from(n).unwrap_or(0).min(buf.len());
    w.write_str(core::str::from_utf8(&buf[..n]).unwrap_or("?"))
}

fn render(w: &mut dyn fmt::Write, kind: Kind, s: &CgStats, m: &Monitor) -> fmt::Result {
    match kind {
        Kind::Ms(g) => {
            for series in g.series() {
                hist::format_ms(w, *series, &s.snapshot(*series))?;
            }
        }
        Kind::Hist => {
            for series in Series::ALL {
                hist::format_hist(w, series, &s.snapshot(series))?;
            }
        }
        Kind::Max => {
            for series in Series::ALL {
                hist::format_max(w, series, s.take_peak(series))?;
            }
        }
        Kind::Control => {
            for series in Series::ALL {
                hist::format_control(w, &s.control(series))?;
            }
        }
        Kind::Monitor => {
            for series in Series::ALL {
                writeln!(w, "{} {}", series.name(), s.over(series))?;
            }
        }
        Kind::Events => {
            let id = s.id();
            // Kernel stacks only for readers who may see kernel addresses
            // elsewhere (/proc/PID/stack needs the same).
            // SAFETY: no preconditions.
            let stacks = unsafe { ffi::qmon_glue_capable_sys_admin() };
            m.events().for_each(|e| {
                if !e.within(id) {
                    return Ok(());
                }
                let mut e = *e;
                if !stacks {
                    e.nr_stack = 0;
                }
                events::format_event(w, &e, &mut write_path, &mut write_symbol)
            })?;
        }
    }
    Ok(())
}

/// What the `data` of a registered file points to.
pub(crate) struct FileData {
    monitor: *const Monitor,
    kind: Kind,
}

// SAFETY: the monitor is shared, read-only or through atomics and locks,
// by the callbacks on any thread.
unsafe impl Sync for FileData {}

/// qmon's registered files.
pub(crate) type Files = FileSet<FileData>;

/// Registers the files, served from `monitor`.
///
/// # Safety
///
/// `monitor` stays valid until the returned value is dropped.
pub(crate) unsafe fn register(
    module: &'static ThisModule,
    monitor: *const Monitor,
) -> Result<Files> {
    let mut data = KVec::with_capacity(FILES.len(), GFP_KERNEL)?;
    let mut specs = KVec::with_capacity(FILES.len(), GFP_KERNEL)?;
    for (name, kind, mode) in FILES {
        data.push(FileData { monitor, kind }, GFP_KERNEL)?;
        specs.push(
            FileSpec {
                name,
                mode,
                show: Some(show),
                write: matches!(kind, Kind::Control).then_some(write as WriteFn),
            },
            GFP_KERNEL,
        )?;
    }
    // SAFETY: the callbacks use their `FileData`, whose monitor outlives the
    // registration (the caller's guarantee).
    unsafe { FileSet::register(module, &specs, data) }
}

/// `show` of every qmon file.
///
/// # Safety
///
/// Called by cgroupfs with `data` from our registration and `buf` writable
/// for `size` bytes.
unsafe extern "C" fn show(
    data: *mut c_void,
    _cgrp: *mut c_void,
    id: u64,
    buf: *mut c_char,
    size: usize,
) -> c_long {
    // SAFETY: `data` is one of our `FileData`, alive while registered, as is
    // the monitor it points to.
    let d = unsafe { cgroupfs_files::data::<FileData>(data) };
    // SAFETY: as above.
    let m = unsafe { &*d.monitor };
    // SAFETY: cgroupfs passes a buffer writable for `size` bytes.
    let mut w = TextBuf::new(unsafe { cgroupfs_files::out_buf(buf, size) });
    match m.table.with(id, |s| render(&mut w, d.kind, s, m)) {
        Ok(Ok(())) => w.len() as c_long,
        Ok(Err(_)) => ENOSPC.to_errno() as c_long,
        Err(e) => e.to_errno() as c_long,
    }
}

/// `write` of `sli.control`: settings, one per line, all or none.
///
/// # Safety
///
/// Called by cgroupfs with `data` from our registration and `buf` readable
/// for `len` bytes.
unsafe extern "C" fn write(
    data: *mut c_void,
    _cgrp: *mut c_void,
    id: u64,
    buf: *const c_char,
    len: usize,
) -> c_long {
    // SAFETY: as in `show`.
    let d = unsafe { cgroupfs_files::data::<FileData>(data) };
    // SAFETY: as in `show`.
    let m = unsafe { &*d.monitor };
    // SAFETY: cgroupfs passes `len` readable bytes.
    let input = unsafe { cgroupfs_files::in_buf(buf, len) };
    let Ok(text) = core::str::from_utf8(input) else {
        return EINVAL.to_errno() as c_long;
    };
    let res = m.table.with(id, |s| {
        hist::parse_controls(text, |c| s.set_control(&c)).map_err(|e| match e {
            ControlError::Invalid => EINVAL,
            ControlError::Range => ERANGE,
        })
    });
    match res.and_then(|r| r) {
        Ok(()) => 0,
        Err(e) => e.to_errno() as c_long,
    }
}
