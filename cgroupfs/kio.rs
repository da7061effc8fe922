// SPDX-License-Identifier: GPL-2.0

//! Reading the kernel's own files (`/proc/meminfo`, `memory.stat`, ...)
//! through private, kernel-internal mounts.
//!
//! The views never read through the reader's mount namespace, so a view
//! bind-mounted over the reader's `/proc/meminfo` can never read itself.

use crate::ffi;
use crate::support::cgroup2_mount;
use core::ffi::{c_char, c_longlong, c_void};
use core::ptr::NonNull;
use kernel::error::{from_err_ptr, Result};
use kernel::prelude::*;

/// Files larger than this are refused (`-EFBIG`): no source file is near it.
const MAX_FILE: usize = 8 << 20;

/// A kernel-internal mount of a filesystem type; unmounted on drop.
///
/// # Invariants
///
/// `mnt` is a `struct vfsmount` returned by `cgroupfs_glue_kern_mount()`
/// and not yet unmounted.
pub(crate) struct PrivateMount {
    mnt: NonNull<c_void>,
}

// SAFETY: a vfsmount may be used and unmounted from any thread.
unsafe impl Send for PrivateMount {}
// SAFETY: reads through a vfsmount need no exclusion.
unsafe impl Sync for PrivateMount {}

impl PrivateMount {
    /// Mounts a filesystem of type `fstype` (`proc`, `sysfs`) with no
    /// options. Each such mount is a superblock of its own.
    pub(crate) fn new(fstype: &CStr) -> Result<Self> {
        Self::with_data(fstype, core::ptr::null_mut())
    }

    /// Mounts the cgroup v2 hierarchy with exactly the options it has, which
    /// a mount in the initial cgroup namespace would otherwise reset.
    pub(crate) fn cgroup2() -> Result<Self> {
        cgroup2_mount::mount_keeping_options(|data| {
            Self::with_data(kernel::c_str!("cgroup2"), data)
        })
    }

    fn with_data(fstype: &CStr, data: *mut c_char) -> Result<Self> {
        // SAFETY: `fstype` is a NUL-terminated string; `data` is null or a
        // writable NUL-terminated string, as `mount_keeping_options()` and
        // `new()` pass it.
        let mnt = from_err_ptr(unsafe {
            ffi::cgroupfs_glue_kern_mount(fstype.as_char_ptr().cast(), data)
        })?;
        let mnt = NonNull::new(mnt).ok_or(ENOMEM)?;
        // INVARIANT: a successful kern mount.
        Ok(Self { mnt })
    }

    /// Appends the contents of the file at `path` (NUL-terminated, relative
    /// to the mount's root) to `out`.
    pub(crate) fn read_into(&self, path: &[u8], out: &mut KVVec<u8>) -> Result {
        if path.last() != Some(&0) {
            return Err(EINVAL);
        }
        // SAFETY: by the type invariant `mnt` is live; `path` is
        // NUL-terminated (checked above).
        let file = from_err_ptr(unsafe {
            ffi::cgroupfs_glue_open(self.mnt.as_ptr(), path.as_ptr().cast())
        })?;
        let file = OpenFile(file);
        let mut pos: c_longlong = 0;
        loop {
            if out.len() >= MAX_FILE {
                return Err(EFBIG);
            }
            // Room for a page at a time: most sources fit in the first, and
            // a buffer with that much left is not grown again for the read
            // that finds the end.
            out.reserve(4096, GFP_KERNEL)?;
            let spare = out.spare_capacity_mut();
            // SAFETY: `file.0` is an open file; `spare` is valid for writes of
            // `spare.len()` bytes; `pos` is a valid position to update.
            let n = unsafe {
                ffi::cgroupfs_glue_read(file.0, spare.as_mut_ptr().cast(), spare.len(), &mut pos)
            };
            if n < 0 {
                return Err(Error::from_errno(n as i32));
            }
            if n == 0 {
                return Ok(());
            }
            let n = (n as usize).min(spare.len());
            // SAFETY: the read initialised the first `n` spare bytes.
            unsafe { out.set_len(out.len() + n) };
        }
    }
}

impl Drop for PrivateMount {
    fn drop(&mut self) {
        // SAFETY: by the type invariant `mnt` is a live kernel mount, and
        // this is its only unmount.
        unsafe { ffi::cgroupfs_glue_kern_unmount(self.mnt.as_ptr()) };
    }
}

/// An open `struct file`, closed on drop.
struct OpenFile(*mut c_void);

impl Drop for OpenFile {
    fn drop(&mut self) {
        // SAFETY: `self.0` came from a successful `cgroupfs_glue_open()`.
        unsafe { ffi::cgroupfs_glue_close(self.0) };
    }
}
