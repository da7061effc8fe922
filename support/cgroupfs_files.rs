// SPDX-License-Identifier: GPL-2.0

//! A module's set of per-cgroup files, registered with cgroupfs while the
//! value lives: the safe wrapper of `cgroupfs_register_files()`,
//! `cgroupfs_unregister_files()` and `cgroupfs_notify()`
//! (`support/cgroupfs_api.h`).
//!
//! A module implements [`CgroupFiles`] for the state its files show and
//! registers it with [`FileSet::register`]; the C callbacks cgroupfs calls
//! are the generic trampolines here, which find that state and the file's
//! index from the callback's `data`.

use super::cgroup::{Borrowed, Cgroup};
use super::cgroupfs_api::CgroupfsFile;
use super::textbuf::TextBuf;
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
    fn cgroupfs_notify(handle: *mut c_void, index: c_uint, id: u64);
}

/// The cgroup a call is for, and its id.
///
/// # Invariants
///
/// `ptr` is a `struct cgroup *` that cgroupfs holds a reference on for the
/// call, which outlives this value (it is only made in the callbacks
/// below, for the call they serve).
#[derive(Clone, Copy)]
pub(crate) struct CallCgroup {
    ptr: *mut c_void,
    pub(crate) id: u64,
}

impl CallCgroup {
    /// The cgroup, borrowed from cgroupfs's reference for the call.
    pub(crate) fn cgroup(&self) -> Borrowed<'_> {
        // SAFETY: by the type invariant the cgroup is referenced for the
        // call, which outlives `self`.
        unsafe { Cgroup::borrow(self.ptr) }
    }
}

/// What a module's per-cgroup files show and take. Calls come from any
/// thread, in process context, and may sleep.
pub(crate) trait CgroupFiles: Sync {
    /// Renders file `index` for `cg` into `out`. The outer error is the
    /// errno the reader gets; a `fmt::Error` means `out` is full, and the
    /// call is made again with a larger one.
    fn show(&self, index: usize, cg: CallCgroup, out: &mut TextBuf<'_>) -> Result<fmt::Result>;

    /// Takes a write of `input` to file `index` for `cg`: all of it, or
    /// nothing and an errno.
    fn write(&self, _index: usize, _cg: CallCgroup, _input: &[u8]) -> Result {
        Err(EACCES)
    }
}

/// One file: its name and mode (0444, 0644 or 0200); writable modes get
/// [`CgroupFiles::write`].
pub(crate) struct FileSpec {
    pub(crate) name: &'static CStr,
    pub(crate) mode: u16,
}

/// What a file's `data` points to.
struct Target<T> {
    files: *const T,
    index: usize,
}

/// `show` of every file.
///
/// # Safety
///
/// Called by cgroupfs with `data` from a live [`FileSet<T>`] and `buf`
/// writable for `size` bytes.
unsafe extern "C" fn show<T: CgroupFiles>(
    data: *mut c_void,
    cgrp: *mut c_void,
    id: u64,
    buf: *mut c_char,
    size: usize,
) -> c_long {
    // SAFETY: `data` is a `Target<T>` of a live set, whose `files` outlive
    // it (the contract of `FileSet::register`).
    let (t, files) = unsafe {
        let t = &*data.cast::<Target<T>>();
        (t, &*t.files)
    };
    // SAFETY: cgroupfs passes a buffer writable for `size` bytes.
    let mut out = TextBuf::new(unsafe { core::slice::from_raw_parts_mut(buf.cast(), size) });
    // INVARIANT: cgroupfs holds a reference on `cgrp` for this call.
    match files.show(t.index, CallCgroup { ptr: cgrp, id }, &mut out) {
        Ok(Ok(())) => out.len() as c_long,
        Ok(Err(fmt::Error)) => ENOSPC.to_errno() as c_long,
        Err(e) => e.to_errno() as c_long,
    }
}

/// `write` of every writable file.
///
/// # Safety
///
/// Called by cgroupfs with `data` from a live [`FileSet<T>`] and `buf`
/// readable for `len` bytes.
unsafe extern "C" fn write<T: CgroupFiles>(
    data: *mut c_void,
    cgrp: *mut c_void,
    id: u64,
    buf: *const c_char,
    len: usize,
) -> c_long {
    // SAFETY: as in `show`.
    let (t, files) = unsafe {
        let t = &*data.cast::<Target<T>>();
        (t, &*t.files)
    };
    // SAFETY: cgroupfs passes `len` readable bytes.
    let input = unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), len) };
    // INVARIANT: cgroupfs holds a reference on `cgrp` for this call.
    match files.write(t.index, CallCgroup { ptr: cgrp, id }, input) {
        Ok(()) => 0,
        Err(e) => e.to_errno() as c_long,
    }
}

/// Registered files; unregistered on drop.
///
/// # Invariants
///
/// `handle` is a live registration of `files`, whose `data` point to the
/// elements of `targets`, which stay in place (the vectors never change).
pub(crate) struct FileSet<T> {
    handle: NonNull<c_void>,
    _files: KVec<CgroupfsFile>,
    _targets: KVec<Target<T>>,
}

// SAFETY: the pointers are only used to unregister and notify, which may
// happen on any thread; `T` is `Sync` and its callbacks run on any thread.
unsafe impl<T: Sync> Send for FileSet<T> {}
// SAFETY: `&FileSet` only gives `notify`, which any thread may call.
unsafe impl<T: Sync> Sync for FileSet<T> {}

impl<T: CgroupFiles> FileSet<T> {
    /// Registers `specs`, served by `files`.
    ///
    /// # Safety
    ///
    /// `files` stays valid until the returned value is dropped.
    pub(crate) unsafe fn register(
        module: &'static ThisModule,
        specs: &[FileSpec],
        files: *const T,
    ) -> Result<Self> {
        let mut targets = KVec::with_capacity(specs.len(), GFP_KERNEL)?;
        for index in 0..specs.len() {
            targets.push(Target { files, index }, GFP_KERNEL)?;
        }
        let mut cfiles = KVec::with_capacity(specs.len(), GFP_KERNEL)?;
        for (s, t) in specs.iter().zip(targets.iter()) {
            cfiles.push(
                CgroupfsFile {
                    name: s.name.as_ptr(),
                    mode: s.mode,
                    show: Some(show::<T>),
                    write: (s.mode & 0o200 != 0).then_some(write::<T> as _),
                    data: (t as *const Target<T>).cast_mut().cast(),
                },
                GFP_KERNEL,
            )?;
        }
        // SAFETY: `cfiles`, the static names and `targets` (held in place
        // by the vectors' heap buffers) stay valid until `drop()`
        // unregisters; the trampolines are sound for them while `files`
        // lives (the caller's guarantee); `module` is the calling module.
        let handle = unsafe {
            cgroupfs_register_files(
                module.as_ptr().cast(),
                cfiles.as_ptr(),
                cfiles.len() as c_uint,
            )
        };
        let handle = kernel::error::from_err_ptr(handle)?;
        // INVARIANT: registered, with `data` pointing into `targets`.
        Ok(Self {
            handle: NonNull::new(handle).ok_or(EINVAL)?,
            _files: cfiles,
            _targets: targets,
        })
    }

    /// Wakes the pollers of file `index` in cgroup `id` (see
    /// `cgroupfs_notify()`). Process context.
    #[allow(dead_code)]
    pub(crate) fn notify(&self, index: usize, id: u64) {
        // SAFETY: by the type invariant `handle` is live.
        unsafe { cgroupfs_notify(self.handle.as_ptr(), index as c_uint, id) };
    }
}

impl<T> Drop for FileSet<T> {
    fn drop(&mut self) {
        // SAFETY: by the type invariant `handle` is live; unregistering
        // waits for calls in flight before the fields are freed.
        unsafe { cgroupfs_unregister_files(self.handle.as_ptr()) };
    }
}
