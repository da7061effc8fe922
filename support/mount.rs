// SPDX-License-Identifier: GPL-2.0

//! Kernel-internal mounts, and the files read and written through them.
//!
//! The modules never go through a user's mount namespace: a cgroupfs view
//! bind-mounted over a reader's `/proc/meminfo` can never read itself, and
//! rue writes a cgroup's files wherever the administrator mounted cgroup2.

use super::cgroup::Cgroup;
use super::{cgroup2_mount, ffi};
use core::ffi::{c_char, c_longlong, c_void};
use core::ptr::NonNull;
use kernel::error::from_err_ptr;
use kernel::prelude::*;

/// Files larger than this are refused (`EFBIG`) by [`PrivateMount::read_into`]:
/// no source file is near it.
const MAX_FILE: usize = 8 << 20;

/// A kernel-internal mount of a filesystem type; unmounted on drop.
///
/// # Invariants
///
/// `mnt` is a `struct vfsmount` returned by `rfl_kern_mount()` and not yet
/// unmounted.
pub(crate) struct PrivateMount {
    mnt: NonNull<c_void>,
}

// SAFETY: a vfsmount may be used and unmounted from any thread.
unsafe impl Send for PrivateMount {}
// SAFETY: opening files through a vfsmount needs no exclusion.
unsafe impl Sync for PrivateMount {}

impl PrivateMount {
    /// Mounts a filesystem of type `fstype` (`proc`, `sysfs`) with no
    /// options. Each such mount is a superblock of its own.
    pub(crate) fn new(fstype: &CStr) -> Result<Self> {
        Self::with_data(fstype, core::ptr::null_mut())
    }

    /// Mounts the cgroup v2 hierarchy with exactly the options it has, which
    /// a mount in the initial cgroup namespace would otherwise reset. Its
    /// root is the calling task's cgroup namespace root.
    pub(crate) fn cgroup2() -> Result<Self> {
        cgroup2_mount::mount_keeping_options(|data| {
            Self::with_data(kernel::c_str!("cgroup2"), data)
        })
    }

    fn with_data(fstype: &CStr, data: *mut c_char) -> Result<Self> {
        // SAFETY: `fstype` is a NUL-terminated string; `data` is null or a
        // writable NUL-terminated string, as `mount_keeping_options()` and
        // `new()` pass it.
        let mnt = from_err_ptr(unsafe { ffi::rfl_kern_mount(fstype.as_char_ptr().cast(), data) })?;
        let mnt = NonNull::new(mnt).ok_or(ENOMEM)?;
        // INVARIANT: a successful kern mount.
        Ok(Self { mnt })
    }

    /// Opens the file at `path` (NUL-terminated, relative to the mount's
    /// root) for reading or writing.
    pub(crate) fn open(&self, path: &[u8], write: bool) -> Result<File> {
        if path.last() != Some(&0) {
            return Err(EINVAL);
        }
        // SAFETY: by the type invariant `mnt` is live; `path` is
        // NUL-terminated (checked above).
        let file = from_err_ptr(unsafe {
            ffi::rfl_file_open(self.mnt.as_ptr(), path.as_ptr().cast(), write)
        })?;
        let file = NonNull::new(file).ok_or(ENOENT)?;
        // INVARIANT: a file the C side opened, now ours.
        Ok(File { file })
    }

    /// Appends the contents of the file at `path` (NUL-terminated, relative
    /// to the mount's root) to `out`.
    pub(crate) fn read_into(&self, path: &[u8], out: &mut KVVec<u8>) -> Result {
        let file = self.open(path, false)?;
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
            // SAFETY: `spare` is valid for writes of `spare.len()` bytes,
            // which the read initialises as far as it returns.
            let n = unsafe { file.read_raw(spare.as_mut_ptr().cast(), spare.len(), &mut pos) }?;
            if n == 0 {
                return Ok(());
            }
            let n = n.min(spare.len());
            // SAFETY: the read initialised the first `n` spare bytes.
            unsafe { out.set_len(out.len() + n) };
        }
    }
}

impl Drop for PrivateMount {
    fn drop(&mut self) {
        // SAFETY: by the type invariant `mnt` is a live kernel mount, and
        // this is its only unmount.
        unsafe { ffi::rfl_kern_unmount(self.mnt.as_ptr()) };
    }
}

/// An open `struct file`, closed on drop.
///
/// # Invariants
///
/// `file` is an open file this value owns.
pub(crate) struct File {
    file: NonNull<c_void>,
}

impl File {
    /// Reads at `*pos` into `buf` (`size` bytes), advancing `*pos`.
    ///
    /// # Safety
    ///
    /// `buf` is valid for writes of `size` bytes.
    unsafe fn read_raw(
        &self,
        buf: *mut c_char,
        size: usize,
        pos: &mut c_longlong,
    ) -> Result<usize> {
        // SAFETY: the file is open (invariant); `buf` as promised.
        let n = unsafe { ffi::rfl_file_read(self.file.as_ptr(), buf, size, pos) };
        if n < 0 {
            return Err(Error::from_errno(n as i32));
        }
        Ok(n as usize)
    }

    /// Reads from the start of the file until `buf` is full or the file
    /// ends; returns the bytes read.
    pub(crate) fn read_all(&self, buf: &mut [u8]) -> Result<usize> {
        let mut pos: c_longlong = 0;
        let mut done = 0;
        while done < buf.len() {
            let rest = &mut buf[done..];
            // SAFETY: `rest` is valid for writes of its length.
            let n = unsafe { self.read_raw(rest.as_mut_ptr().cast(), rest.len(), &mut pos) }?;
            if n == 0 {
                break;
            }
            done += n.min(rest.len());
        }
        Ok(done)
    }

    /// Writes `text` in one write at the start of the file, as a user's
    /// `write(2)` would.
    pub(crate) fn write(&self, text: &[u8]) -> Result {
        let mut pos: c_longlong = 0;
        // SAFETY: the file is open (invariant); `text` is valid for reads of
        // its length.
        let n = unsafe {
            ffi::rfl_file_write(
                self.file.as_ptr(),
                text.as_ptr().cast(),
                text.len(),
                &mut pos,
            )
        };
        if n < 0 {
            return Err(Error::from_errno(n as i32));
        }
        Ok(())
    }

    /// The private data of the file's directory's inode (in cgroup2: its
    /// kernfs node), only to be compared.
    pub(crate) fn dir_node(&self) -> *const c_void {
        // SAFETY: the file is open (invariant), which pins its dentry and
        // so its parent's.
        unsafe { ffi::rfl_file_parent_kn(self.file.as_ptr()) }
    }
}

impl Drop for File {
    fn drop(&mut self) {
        // SAFETY: by the type invariant we own the open file.
        unsafe { ffi::rfl_file_close(self.file.as_ptr()) };
    }
}

/// The cgroup v2 hierarchy mounted privately, through which cgroups' own
/// files are read and written as a user would.
pub(crate) struct CgroupMount {
    mnt: PrivateMount,
    /// The mount's root: the cgroup namespace root of the task that mounted.
    root: Cgroup,
}

impl CgroupMount {
    /// Mounts cgroup2 (keeping its options) rooted at the calling task's
    /// cgroup namespace root.
    pub(crate) fn new() -> Result<Self> {
        let root = Cgroup::current_ns_root().ok_or(ENOENT)?;
        Ok(Self {
            mnt: PrivateMount::cgroup2()?,
            root,
        })
    }

    /// Opens `cg`'s file `name` for reading or writing. The file is opened
    /// by its path, so it is checked to be in `cg`'s directory: `ENOENT`
    /// when the cgroup was removed and another made under its name
    /// meanwhile.
    pub(crate) fn open(&self, cg: &Cgroup, name: &core::ffi::CStr, write: bool) -> Result<File> {
        let dir = cg.path(&self.root)?;
        let mut path = KVec::with_capacity(dir.len() + name.to_bytes().len() + 2, GFP_KERNEL)?;
        // Relative to the mount's root: no leading '/'; the root is "/".
        let dir = dir.strip_prefix(b"/").unwrap_or(&dir);
        if !dir.is_empty() {
            path.extend_from_slice(dir, GFP_KERNEL)?;
            path.push(b'/', GFP_KERNEL)?;
        }
        path.extend_from_slice(name.to_bytes_with_nul(), GFP_KERNEL)?;
        let file = self.mnt.open(&path, write)?;
        if file.dir_node() != cg.kernfs_node() {
            return Err(ENOENT);
        }
        Ok(file)
    }

    /// Writes `text` to `cg`'s file `name`, as a user would.
    pub(crate) fn write_file(&self, cg: &Cgroup, name: &core::ffi::CStr, text: &[u8]) -> Result {
        self.open(cg, name, true)?.write(text)
    }

    /// Reads `cg`'s file `name` into `buf`; returns the bytes read. `EFBIG`
    /// when the file fills `buf`: it may hold more, and a part of it is not
    /// what it says (a line cut short reads as another value).
    pub(crate) fn read_file(
        &self,
        cg: &Cgroup,
        name: &core::ffi::CStr,
        buf: &mut [u8],
    ) -> Result<usize> {
        let n = self.open(cg, name, false)?.read_all(buf)?;
        if n >= buf.len() {
            return Err(EFBIG);
        }
        Ok(n)
    }
}
