// SPDX-License-Identifier: GPL-2.0

//! A module's set of per-cgroup files, registered with cgroupfs while the
//! value lives: the safe wrapper of `cgroupfs_register_files()` and
//! `cgroupfs_unregister_files()` (`common/cgroupfs_api.h`).

use crate::cgroupfs_api::CgroupfsFile;
use core::ffi::{c_char, c_long, c_uint, c_void, CStr};
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

/// `show` of `struct cgroupfs_file`.
pub(crate) type ShowFn =
    unsafe extern "C" fn(*mut c_void, *mut c_void, u64, *mut c_char, usize) -> c_long;
/// `write` of `struct cgroupfs_file`.
pub(crate) type WriteFn =
    unsafe extern "C" fn(*mut c_void, *mut c_void, u64, *const c_char, usize) -> c_long;

/// One file: name, mode, callbacks.
pub(crate) struct FileSpec {
    pub(crate) name: &'static CStr,
    pub(crate) mode: u16,
    pub(crate) show: Option<ShowFn>,
    pub(crate) write: Option<WriteFn>,
}

/// Registered files, whose callbacks get a pointer to their element of
/// `data` as `data`; unregistered on drop.
///
/// # Invariants
///
/// `handle` is a live registration of `files`, whose `data` point to the
/// elements of `data`, which stay in place (the vectors are never changed).
pub(crate) struct FileSet<D> {
    handle: NonNull<c_void>,
    _files: KVec<CgroupfsFile>,
    _data: KVec<D>,
}

// SAFETY: the pointers are only used to unregister, from any thread; `D`
// is reached by the callbacks, which may run on any thread.
unsafe impl<D: Sync> Send for FileSet<D> {}
// SAFETY: no shared access happens through `&FileSet`.
unsafe impl<D: Sync> Sync for FileSet<D> {}

impl<D> FileSet<D> {
    /// Registers `specs[i]` with `data[i]` for every `i`.
    ///
    /// # Safety
    ///
    /// The callbacks must be sound for calls with their element of `data`,
    /// from when this is called until the value is dropped.
    pub(crate) unsafe fn register(
        module: &'static ThisModule,
        specs: &[FileSpec],
        data: KVec<D>,
    ) -> Result<Self> {
        if specs.len() != data.len() {
            return Err(EINVAL);
        }
        let mut files = KVec::with_capacity(specs.len(), GFP_KERNEL)?;
        for (s, d) in specs.iter().zip(data.iter()) {
            files.push(
                CgroupfsFile {
                    name: s.name.as_ptr(),
                    mode: s.mode,
                    show: s.show,
                    write: s.write,
                    data: (d as *const D).cast_mut().cast(),
                },
                GFP_KERNEL,
            )?;
        }
        // SAFETY: `files`, the static names and `data` (held in place by
        // the vectors' heap buffers) stay valid until `drop()`
        // unregisters; `module` is the calling module.
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

    /// The registration, for `cgroupfs_notify()`.
    #[allow(dead_code)]
    pub(crate) fn handle(&self) -> *mut c_void {
        self.handle.as_ptr()
    }
}

impl<D> Drop for FileSet<D> {
    fn drop(&mut self) {
        // SAFETY: by the type invariant `handle` is live; unregistering
        // waits for calls in flight before the fields are freed.
        unsafe { cgroupfs_unregister_files(self.handle.as_ptr()) };
    }
}

/// The `data` a callback got, as the `D` it points to.
///
/// # Safety
///
/// `data` is a callback's `data` from a live [`FileSet<D>`].
pub(crate) unsafe fn data<'a, D>(data: *mut c_void) -> &'a D {
    // SAFETY: the caller's guarantee.
    unsafe { &*data.cast::<D>() }
}

/// The output buffer of a `show` call.
///
/// # Safety
///
/// `buf` is writable for `size` bytes, as cgroupfs passes it.
pub(crate) unsafe fn out_buf<'a>(buf: *mut c_char, size: usize) -> &'a mut [u8] {
    // SAFETY: the caller's guarantee.
    unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), size) }
}

/// The input of a `write` call.
///
/// # Safety
///
/// `buf` is readable for `len` bytes, as cgroupfs passes it.
pub(crate) unsafe fn in_buf<'a>(buf: *const c_char, len: usize) -> &'a [u8] {
    // SAFETY: the caller's guarantee.
    unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), len) }
}
