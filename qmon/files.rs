// SPDX-License-Identifier: GPL-2.0

//! qmon's files in every `cgroup/<path>/` directory of cgroupfs mounts,
//! added through cgroupfs's registration API (`common/cgroupfs_api.h`).

use crate::cgroupfs_api::CgroupfsFile;
use crate::cgstats::CgStats;
use crate::events;
use crate::ffi;
use crate::hist::{self, ControlError, Group, Series};
use crate::probes::Monitor;
use crate::textbuf::TextBuf;
use core::ffi::{c_char, c_long, c_uint, c_ulong, c_void, CStr};
use core::fmt;
use core::ptr::NonNull;
use kernel::prelude::*;

extern "C" {
    fn cgroupfs_register_files(
        owner: *mut c_void,
        files: *const CgroupfsFile,
        nr: c_uint,
    ) -> *mut c_void;
    fn cgroupfs_unregister_files(handle: *mut c_void);
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
struct FileData {
    monitor: *const Monitor,
    kind: Kind,
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
    let d = unsafe { &*data.cast::<FileData>() };
    // SAFETY: as above.
    let m = unsafe { &*d.monitor };
    // SAFETY: cgroupfs passes a buffer writable for `size` bytes.
    let out = unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), size) };
    let mut w = TextBuf::new(out);
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
    let d = unsafe { &*data.cast::<FileData>() };
    // SAFETY: as in `show`.
    let m = unsafe { &*d.monitor };
    // SAFETY: cgroupfs passes `len` readable bytes.
    let input = unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), len) };
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

/// qmon's registered files; unregistered on drop.
///
/// # Invariants
///
/// `handle` is a live registration of `files`, whose `data` point into
/// `data`.
pub(crate) struct Files {
    handle: NonNull<c_void>,
    _files: KVec<CgroupfsFile>,
    _data: KVec<FileData>,
}

// SAFETY: the pointers are only used to unregister, from any thread.
unsafe impl Send for Files {}
// SAFETY: no shared access happens through `&Files`.
unsafe impl Sync for Files {}

impl Files {
    /// Registers the files, served from `monitor`.
    ///
    /// # Safety
    ///
    /// `monitor` stays valid until the returned value is dropped.
    pub(crate) unsafe fn register(
        module: &'static ThisModule,
        monitor: *const Monitor,
    ) -> Result<Self> {
        let mut data = KVec::with_capacity(FILES.len(), GFP_KERNEL)?;
        for (_, kind, _) in FILES {
            data.push(FileData { monitor, kind }, GFP_KERNEL)?;
        }
        let mut files = KVec::with_capacity(FILES.len(), GFP_KERNEL)?;
        for (i, (name, kind, mode)) in FILES.iter().enumerate() {
            files.push(
                CgroupfsFile {
                    name: name.as_ptr(),
                    mode: *mode,
                    show: Some(show),
                    write: matches!(kind, Kind::Control).then_some(write as _),
                    data: (&data[i] as *const FileData).cast_mut().cast(),
                },
                GFP_KERNEL,
            )?;
        }
        // SAFETY: `files`, the static names and `data` (which the vectors'
        // heap buffers hold in place) stay valid until `drop()`
        // unregisters; `module` is this module.
        let handle = unsafe {
            cgroupfs_register_files(
                module.as_ptr().cast(),
                files.as_ptr(),
                files.len() as c_uint,
            )
        };
        let handle = kernel::error::from_err_ptr(handle)?;
        // INVARIANT: registered, with `data` pointing into `data`.
        Ok(Self {
            handle: NonNull::new(handle).ok_or(EINVAL)?,
            _files: files,
            _data: data,
        })
    }
}

impl Files {
    /// The registration, for notifications.
    pub(crate) fn handle(&self) -> *mut c_void {
        self.handle.as_ptr()
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        // SAFETY: by the type invariant `handle` is live; unregistering waits
        // for calls in flight before the fields are freed.
        unsafe { cgroupfs_unregister_files(self.handle.as_ptr()) };
    }
}
