// SPDX-License-Identifier: GPL-2.0

//! qmon's files in every `cgroup/<path>/` directory of cgroupfs mounts,
//! added through cgroupfs's registration API (`common/cgroupfs_api.h`).

use crate::cgroupfs_api::CgroupfsFile;
use crate::cgstats::CgStats;
use crate::hist::{self, Group, Series};
use crate::probes::Monitor;
use crate::textbuf::TextBuf;
use core::ffi::{c_char, c_long, c_uint, c_void, CStr};
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
}

const FILES: [(&CStr, Kind); 5] = [
    (c"sli.cpu", Kind::Ms(Group::Cpu)),
    (c"sli.memory", Kind::Ms(Group::Memory)),
    (c"sli.io", Kind::Ms(Group::Io)),
    (c"sli.hist", Kind::Hist),
    (c"sli.max", Kind::Max),
];

fn render(w: &mut dyn fmt::Write, kind: Kind, s: &CgStats) -> fmt::Result {
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
    match m.table.with(id, |s| render(&mut w, d.kind, s)) {
        Ok(Ok(())) => w.len() as c_long,
        Ok(Err(_)) => ENOSPC.to_errno() as c_long,
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
        for (_, kind) in FILES {
            data.push(FileData { monitor, kind }, GFP_KERNEL)?;
        }
        let mut files = KVec::with_capacity(FILES.len(), GFP_KERNEL)?;
        for (i, (name, _)) in FILES.iter().enumerate() {
            files.push(
                CgroupfsFile {
                    name: name.as_ptr(),
                    mode: 0o444,
                    show: Some(show),
                    write: None,
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

impl Drop for Files {
    fn drop(&mut self) {
        // SAFETY: by the type invariant `handle` is live; unregistering waits
        // for calls in flight before the fields are freed.
        unsafe { cgroupfs_unregister_files(self.handle.as_ptr()) };
    }
}
