// SPDX-License-Identifier: GPL-2.0

//! rue's files in every `cgroup/<path>/` directory of cgroupfs mounts.

use crate::cgroup::Cgroup;
use crate::cgroupfs_files::{self, FileSet, FileSpec, ShowFn, WriteFn};
use crate::kparam::{parse_u32_in, ParseError};
use crate::memqos::{self, AsyncMarks};
use crate::settings::{Entry, Settings};
use crate::textbuf::TextBuf;
use core::ffi::{c_char, c_long, c_void, CStr};
use core::fmt;
use kernel::prelude::*;

/// What a file shows, and what a write to it sets.
#[derive(Clone, Copy)]
enum Kind {
    Priority,
    EffectivePriority,
    AsyncRatio,
    DistanceFactor,
    AsyncHigh,
    AsyncLow,
    Stat,
}

const FILES: [(&CStr, Kind, u16); 7] = [
    (c"rue.priority", Kind::Priority, 0o644),
    (c"rue.priority.effective", Kind::EffectivePriority, 0o444),
    (c"rue.memory.async_ratio", Kind::AsyncRatio, 0o644),
    (
        c"rue.memory.async_distance_factor",
        Kind::DistanceFactor,
        0o644,
    ),
    (c"rue.memory.async_high", Kind::AsyncHigh, 0o444),
    (c"rue.memory.async_low", Kind::AsyncLow, 0o444),
    (c"rue.memory.stat", Kind::Stat, 0o444),
];

/// What the `data` of a registered file points to.
pub(crate) struct FileData {
    settings: *const Settings,
    kind: Kind,
}

// SAFETY: the settings are shared through their mutex by the callbacks on
// any thread.
unsafe impl Sync for FileData {}

/// rue's registered files.
pub(crate) type Files = FileSet<FileData>;

/// The async reclaim marks of cgroup `id` with settings `e`; `None` when
/// async reclaim is off for it or it has no memory controller of its own.
pub(crate) fn marks(e: &Entry) -> Option<AsyncMarks> {
    let mem = Cgroup::from_id(e.id)?.memory().ok()?;
    memqos::async_marks(e.async_ratio, e.distance_factor, mem.high, mem.max)
}

fn render(
    w: &mut dyn fmt::Write,
    kind: Kind,
    s: &Settings,
    cgrp: *mut c_void,
    id: u64,
) -> fmt::Result {
    let e = s.get(id);
    match kind {
        Kind::Priority => writeln!(w, "{}", e.priority),
        Kind::EffectivePriority => {
            let mut p = 0;
            // SAFETY: cgroupfs passes a cgroup referenced for the call.
            unsafe {
                Cgroup::for_each_ancestor(cgrp, |a| {
                    p = memqos::effective_priority([p, s.get(a).priority])
                })
            };
            writeln!(w, "{p}")
        }
        Kind::AsyncRatio => writeln!(w, "{}", e.async_ratio),
        Kind::DistanceFactor => writeln!(w, "{}", e.distance_factor),
        Kind::AsyncHigh => memqos::format_mark(w, marks(&e).map(|m| m.high)),
        Kind::AsyncLow => memqos::format_mark(w, marks(&e).map(|m| m.low)),
        Kind::Stat => writeln!(w, "async_reclaimed {}", e.async_reclaimed),
    }
}

/// `show` of every rue file.
///
/// # Safety
///
/// Called by cgroupfs with `data` from our registration, `cgrp` referenced
/// and `buf` writable for `size` bytes.
unsafe extern "C" fn show(
    data: *mut c_void,
    cgrp: *mut c_void,
    id: u64,
    buf: *mut c_char,
    size: usize,
) -> c_long {
    // SAFETY: `data` is one of our `FileData`, alive while registered, as
    // are the settings it points to.
    let d = unsafe { cgroupfs_files::data::<FileData>(data) };
    // SAFETY: as above.
    let s = unsafe { &*d.settings };
    // SAFETY: cgroupfs passes a buffer writable for `size` bytes.
    let mut w = TextBuf::new(unsafe { cgroupfs_files::out_buf(buf, size) });
    match render(&mut w, d.kind, s, cgrp, id) {
        Ok(()) => w.len() as c_long,
        Err(_) => ENOSPC.to_errno() as c_long,
    }
}

/// `write` of the settings: one number in the file's range.
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
    let s = unsafe { &*d.settings };
    // SAFETY: cgroupfs passes `len` readable bytes.
    let input = unsafe { cgroupfs_files::in_buf(buf, len) };
    let (min, max) = match d.kind {
        Kind::Priority => (0, memqos::MAX_PRIORITY),
        Kind::AsyncRatio => (0, memqos::MAX_ASYNC_RATIO),
        Kind::DistanceFactor => (memqos::MIN_DISTANCE_FACTOR, memqos::MAX_DISTANCE_FACTOR),
        _ => return EACCES.to_errno() as c_long,
    };
    let v = match parse_u32_in(input, min, max) {
        Ok(v) => v,
        Err(ParseError::Invalid) => return EINVAL.to_errno() as c_long,
        Err(ParseError::Range) => return ERANGE.to_errno() as c_long,
    };
    let kind = d.kind;
    let res = s.update(id, |e| match kind {
        Kind::Priority => e.priority = v,
        Kind::AsyncRatio => e.async_ratio = v,
        _ => e.distance_factor = v,
    });
    match res {
        Ok(()) => 0,
        Err(e) => e.to_errno() as c_long,
    }
}

/// Registers the files, served from `settings`.
///
/// # Safety
///
/// `settings` stays valid until the returned value is dropped.
pub(crate) unsafe fn register(
    module: &'static ThisModule,
    settings: *const Settings,
) -> Result<Files> {
    let mut data = KVec::with_capacity(FILES.len(), GFP_KERNEL)?;
    let mut specs = KVec::with_capacity(FILES.len(), GFP_KERNEL)?;
    for (name, kind, mode) in FILES {
        data.push(FileData { settings, kind }, GFP_KERNEL)?;
        specs.push(
            FileSpec {
                name,
                mode,
                show: Some(show as ShowFn),
                write: (mode & 0o200 != 0).then_some(write as WriteFn),
            },
            GFP_KERNEL,
        )?;
    }
    // SAFETY: the callbacks use their `FileData`, whose settings outlive
    // the registration (the caller's guarantee).
    unsafe { FileSet::register(module, &specs, data) }
}
