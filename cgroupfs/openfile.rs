// SPDX-License-Identifier: GPL-2.0

//! An open file of a cgroupfs mount.
//!
//! Every file's whole text is rendered when it is opened, and every read of
//! that open file serves that text: any read size, at any offset, sees one
//! consistent snapshot. A per-cgroup file also keeps what its writes go to.

use crate::cgtree::CgTarget;
use core::ffi::{c_int, c_void};
use core::sync::atomic::AtomicU64;
use kernel::prelude::*;

/// What `file->private_data` of a cgroupfs file points to.
pub(crate) struct OpenFile {
    /// The text reads serve.
    pub(crate) text: KVVec<u8>,
    /// For a per-cgroup file: its registration and cgroup.
    pub(crate) target: Option<CgTarget>,
    /// The notification generation `poll()` last reported (see
    /// `notify.rs`).
    pub(crate) seen: AtomicU64,
}

/// Hands an opened file to the C glue through `*private`, or the errno.
///
/// # Safety
///
/// `private` must be valid for a pointer write.
pub(crate) unsafe fn publish(open: Result<OpenFile>, private: *mut *mut c_void) -> c_int {
    match open.and_then(|o| KBox::new(o, GFP_KERNEL).map_err(Into::into)) {
        Ok(b) => {
            // SAFETY: the caller guarantees `private` is writable.
            unsafe { *private = KBox::into_raw(b).cast() };
            0
        }
        Err(e) => e.to_errno(),
    }
}

/// The open file behind `private`.
///
/// # Safety
///
/// `private` must come from [`publish`] and not be released yet; the result
/// must not outlive that.
pub(crate) unsafe fn from_private<'a>(private: *mut c_void) -> &'a OpenFile {
    // SAFETY: the caller guarantees a live pointer made by `publish()`.
    unsafe { &*private.cast::<OpenFile>() }
}

/// The text of an open file, for reads.
///
/// # Safety
///
/// `private` comes from an open of a cgroupfs file and is not released;
/// `data` and `len` are writable.
#[no_mangle]
pub(crate) unsafe extern "C" fn cgroupfs_rs_file_data(
    private: *mut c_void,
    data: *mut *const c_void,
    len: *mut usize,
) {
    // SAFETY: the caller passes a live open file.
    let open = unsafe { from_private(private) };
    // SAFETY: the caller guarantees both are writable.
    unsafe {
        *data = open.text.as_ptr().cast();
        *len = open.text.len();
    }
}

/// Frees an open file being closed.
///
/// # Safety
///
/// `private` comes from an open of a cgroupfs file and is released once.
#[no_mangle]
pub(crate) unsafe extern "C" fn cgroupfs_rs_file_release(private: *mut c_void) {
    // SAFETY: the caller passes the pointer `KBox::into_raw()` made in
    // `publish()`.
    drop(unsafe { KBox::from_raw(private.cast::<OpenFile>()) });
}
