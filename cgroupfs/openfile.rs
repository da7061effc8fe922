// SPDX-License-Identifier: GPL-2.0

//! An open file of a cgroupfs mount.
//!
//! A file's whole text is rendered when it is opened, and reads serve that
//! text: reads of any size and at any offset see one consistent snapshot.
//! A read from offset 0 after an earlier read (or, for a per-cgroup file,
//! after news came) renders the text anew, as procfs's and kernfs's files
//! do (`top`, `vmstat 1` and `free -s` keep a file open and read it again
//! from the start). A per-cgroup file also keeps what its
//! writes go to, and the notification generation its text reflects (see
//! `notify.rs`). What an open file keeps is charged to the opener's memory
//! cgroup.

use crate::cgtarget::CgTarget;
use crate::ffi;
use crate::support::foreign;
use core::ffi::{c_int, c_void};
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use kernel::prelude::*;
use kernel::sync::{new_mutex, Mutex};

/// What `file->private_data` of a cgroupfs file points to.
#[pin_data]
pub(crate) struct OpenFile {
    /// The text reads serve.
    #[pin]
    text: Mutex<KVVec<u8>>,
    /// Whether the file was read: a later read from offset 0 renders anew.
    was_read: AtomicBool,
    /// For a per-cgroup file: its registration and cgroup.
    pub(crate) target: Option<CgTarget>,
    /// The notification generation of the file the text reflects: read
    /// before the text is rendered, so news that comes meanwhile is not
    /// lost.
    pub(crate) seen: AtomicU64,
}

/// `text` in a buffer of its size, charged to the current task's memory
/// cgroup: an open file lives as long as its opener wants, so its memory
/// is the opener's (a render's buffer may have grown to several times the
/// text).
fn charged(text: &[u8]) -> Result<KVVec<u8>> {
    let mut v = KVVec::with_capacity(text.len(), GFP_KERNEL_ACCOUNT)?;
    v.extend_from_slice(text, GFP_KERNEL_ACCOUNT)?;
    Ok(v)
}

impl OpenFile {
    /// An open file serving `text`, which reflects notification generation
    /// `seen`.
    pub(crate) fn new(
        text: &[u8],
        target: Option<CgTarget>,
        seen: u64,
    ) -> Result<impl PinInit<Self, Error>> {
        let text = charged(text)?;
        Ok(try_pin_init!(Self {
            text <- new_mutex!(text),
            was_read: AtomicBool::new(false),
            target,
            seen: AtomicU64::new(seen),
        }))
    }

    /// Serves a read at `*pos` into the `struct iov_iter` `iter`, advancing
    /// `*pos`. A read from offset 0 after an earlier read, or when the file
    /// has `news` its text does not show, first replaces the text with what
    /// `render` returns.
    ///
    /// # Safety
    ///
    /// `iter` is the destination of the read being served.
    pub(crate) unsafe fn read(
        &self,
        pos: &mut i64,
        iter: *mut c_void,
        news: bool,
        render: impl FnOnce() -> Result<KVVec<u8>>,
    ) -> Result<usize> {
        let mut text = self.text.lock();
        if *pos == 0 && (self.was_read.swap(true, Ordering::Relaxed) || news) {
            *text = charged(&render()?)?;
        }
        let from = usize::try_from(*pos).map_err(|_| EINVAL)?;
        let Some(rest) = text.get(from..) else {
            return Ok(0);
        };
        // SAFETY: `rest` is valid for reads of its length; the caller
        // passes the read's iterator.
        let n = unsafe { ffi::cgroupfs_glue_copy_to_iter(iter, rest.as_ptr().cast(), rest.len()) };
        let n = n.min(rest.len());
        if n == 0 && !rest.is_empty() {
            return Err(EFAULT);
        }
        *pos += n as i64;
        Ok(n)
    }
}

/// Hands an opened file to the C glue through `*private`, or the errno.
///
/// # Safety
///
/// `private` must be valid for a pointer write.
pub(crate) unsafe fn publish(
    open: Result<impl PinInit<OpenFile, Error>>,
    private: *mut *mut c_void,
) -> c_int {
    match open.and_then(|o| KBox::pin_init(o, GFP_KERNEL_ACCOUNT)) {
        Ok(b) => {
            // SAFETY: the caller guarantees `private` is writable.
            unsafe { *private = foreign::into_foreign(b) };
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
    // SAFETY: the caller guarantees a live pointer made by `publish()`,
    // released only after the result is gone.
    unsafe { foreign::borrow::<Pin<KBox<OpenFile>>>(private) }.get_ref()
}

/// Frees an open file being closed.
///
/// # Safety
///
/// `private` comes from an open of a cgroupfs file and is released once.
#[no_mangle]
pub(crate) unsafe extern "C" fn cgroupfs_rs_file_release(private: *mut c_void) {
    // SAFETY: the caller passes the pointer `publish()` made, once.
    drop(unsafe { foreign::from_foreign::<Pin<KBox<OpenFile>>>(private) });
}
