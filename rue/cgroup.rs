// SPDX-License-Identifier: GPL-2.0

//! Cgroups as rue sees them: a counted reference, found by id, with the
//! few things rue reads and writes.

use crate::ffi;
use crate::support::cgroup2_mount;
use core::ffi::{c_void, CStr};
use kernel::prelude::*;

/// A counted reference to a cgroup v2 cgroup (removed since, perhaps:
/// see [`Cgroup::online`]).
///
/// # Invariants
///
/// `ptr` is a `struct cgroup *` on which this value holds a reference.
pub(crate) struct Cgroup {
    ptr: *mut c_void,
}

// SAFETY: a cgroup reference may be used and dropped on any thread.
unsafe impl Send for Cgroup {}
// SAFETY: the methods only read the cgroup through the kernel's accessors.
unsafe impl Sync for Cgroup {}

/// Memory usage and limits of a cgroup's own memory controller, in bytes
/// (`u64::MAX`: no limit).
pub(crate) struct Memory {
    pub(crate) usage: u64,
    pub(crate) high: u64,
    pub(crate) max: u64,
}

impl Cgroup {
    /// The live cgroup with id `id`, in the calling task's cgroup
    /// namespace (the worker's is the whole hierarchy); never allocates.
    pub(crate) fn from_id(id: u64) -> Option<Self> {
        // SAFETY: no preconditions; a non-null result carries a reference.
        let ptr = unsafe { ffi::rue_glue_cgroup_from_id(id) };
        if ptr.is_null() {
            return None;
        }
        // INVARIANT: we own the reference the glue took.
        Some(Self { ptr })
    }

    /// A new reference to `cgrp`.
    ///
    /// # Safety
    ///
    /// `cgrp` is a cgroup that stays valid for the call (cgroupfs passes
    /// callbacks a referenced one).
    pub(crate) unsafe fn from_ptr(cgrp: *mut c_void) -> Self {
        // SAFETY: `cgrp` is valid (the caller's guarantee); a reference on
        // it may always be taken.
        unsafe { ffi::rue_glue_cgroup_get(cgrp) };
        // INVARIANT: we took a reference.
        Self { ptr: cgrp }
    }

    /// Whether the cgroup was not removed.
    pub(crate) fn online(&self) -> bool {
        // SAFETY: `ptr` is referenced (type invariant).
        unsafe { ffi::rue_glue_cgroup_online(self.ptr) }
    }

    /// Whether the cgroup is `id` or a descendant of it.
    pub(crate) fn within(&self, id: u64) -> bool {
        let mut found = false;
        self.for_each_ancestor_id(|a| found |= a == id);
        found
    }

    /// The cgroup of process `pid` (in the initial pid namespace), in any
    /// cgroup namespace; never allocates.
    pub(crate) fn of_process(pid: u64) -> Option<Self> {
        // SAFETY: no preconditions; a non-null result carries a reference.
        let ptr = unsafe { ffi::rue_glue_process_cgroup(pid) };
        if ptr.is_null() {
            return None;
        }
        // INVARIANT: we own the reference the glue took.
        Some(Self { ptr })
    }

    /// The cgroup's id.
    pub(crate) fn id(&self) -> u64 {
        // SAFETY: `ptr` is referenced (type invariant).
        unsafe { ffi::rue_glue_cgroup_id(self.ptr) }
    }

    /// Calls `f` with the ids of `cgrp` and of each of its ancestors, the
    /// root last.
    ///
    /// # Safety
    ///
    /// `cgrp` is a cgroup that stays valid for the call (cgroupfs passes
    /// callbacks a referenced one).
    pub(crate) unsafe fn for_each_ancestor(mut cgrp: *mut c_void, mut f: impl FnMut(u64)) {
        while !cgrp.is_null() {
            // SAFETY: `cgrp` and its ancestors are valid (the caller's
            // guarantee: a cgroup pins its parent).
            unsafe {
                f(ffi::rue_glue_cgroup_id(cgrp));
                cgrp = ffi::rue_glue_cgroup_parent(cgrp);
            }
        }
    }

    /// Whether `cgrp` is the root cgroup.
    ///
    /// # Safety
    ///
    /// `cgrp` is a cgroup that stays valid for the call.
    pub(crate) unsafe fn is_root(cgrp: *mut c_void) -> bool {
        // SAFETY: `cgrp` is valid (the caller's guarantee).
        unsafe { ffi::rue_glue_cgroup_parent(cgrp) }.is_null()
    }

    /// Calls `f` with the ids of this cgroup and of each of its ancestors,
    /// the root last.
    pub(crate) fn for_each_ancestor_id(&self, f: impl FnMut(u64)) {
        // SAFETY: `ptr` is referenced (type invariant).
        unsafe { Self::for_each_ancestor(self.ptr, f) };
    }

    /// Usage and limits of the cgroup's own memory controller; `ENOENT`
    /// when the controller is not enabled for it.
    pub(crate) fn memory(&self) -> Result<Memory> {
        let mut out = [0u64; 3];
        // SAFETY: `ptr` is referenced (type invariant); `out` holds three.
        kernel::error::to_result(unsafe { ffi::rue_glue_memcg(self.ptr, out.as_mut_ptr()) })?;
        Ok(Memory {
            usage: out[0],
            high: out[1],
            max: out[2],
        })
    }

    /// Opens the cgroup's file `name` (in its cgroup2 directory) for
    /// writing or reading. The file is opened by its path, so it is
    /// checked to be in this cgroup's directory: `ENOENT` when the cgroup
    /// was removed and another made under its name meanwhile.
    fn open(&self, name: &CStr, write: bool) -> Result<File> {
        // SAFETY: `ptr` is referenced; `name` is a C string.
        let ptr = unsafe { ffi::rue_glue_open(self.ptr, name.as_ptr(), write) };
        let ptr = kernel::error::from_err_ptr(ptr)?;
        // INVARIANT: the glue opened it and we own it.
        let file = File { ptr };
        // SAFETY: `ptr` and `self.ptr` are valid (invariants); the nodes
        // are only compared.
        let same =
            unsafe { ffi::rue_glue_file_dir_node(file.ptr) == ffi::rue_glue_cgroup_node(self.ptr) };
        if !same {
            return Err(ENOENT);
        }
        Ok(file)
    }

    /// Writes `text` to the cgroup's file `name` (in its cgroup2
    /// directory), as a user would.
    pub(crate) fn write_file(&self, name: &CStr, text: &[u8]) -> Result {
        let file = self.open(name, true)?;
        // SAFETY: `file.ptr` is open (invariant); `text` is valid for its
        // length.
        let ret = unsafe { ffi::rue_glue_file_write(file.ptr, text.as_ptr().cast(), text.len()) };
        if ret < 0 {
            return Err(Error::from_errno(ret as i32));
        }
        Ok(())
    }

    /// Reads the cgroup's file `name` into `buf`; returns the bytes read.
    /// `EFBIG` when the file fills `buf`: it may hold more, and a part of
    /// it is not what it says (a line cut short reads as another value).
    pub(crate) fn read_file(&self, name: &CStr, buf: &mut [u8]) -> Result<usize> {
        let file = self.open(name, false)?;
        // SAFETY: `file.ptr` is open (invariant); `buf` is valid for
        // writes of its length.
        let ret = unsafe { ffi::rue_glue_file_read(file.ptr, buf.as_mut_ptr().cast(), buf.len()) };
        if ret < 0 {
            return Err(Error::from_errno(ret as i32));
        }
        let n = ret as usize;
        if n >= buf.len() {
            return Err(EFBIG);
        }
        Ok(n)
    }
}

/// An open file of a cgroup, closed on drop.
///
/// # Invariants
///
/// `ptr` is a `struct file *` opened by the glue that this value owns.
struct File {
    ptr: *mut c_void,
}

impl Drop for File {
    fn drop(&mut self) {
        // SAFETY: by the type invariant we own the open file.
        unsafe { ffi::rue_glue_file_put(self.ptr) };
    }
}

impl Clone for Cgroup {
    fn clone(&self) -> Self {
        // SAFETY: `ptr` is referenced (type invariant).
        unsafe { Self::from_ptr(self.ptr) }
    }
}

impl Drop for Cgroup {
    fn drop(&mut self) {
        // SAFETY: by the type invariant we hold a reference.
        unsafe { ffi::rue_glue_cgroup_put(self.ptr) };
    }
}

/// The private cgroup2 mount files are written through; unmounted on
/// drop.
pub(crate) struct Mount(());

impl Mount {
    pub(crate) fn new() -> Result<Self> {
        // Mounting cgroup2 resets every option it is not given.
        cgroup2_mount::mount_keeping_options(|data| {
            // SAFETY: called once, from init; `data` is null or a writable
            // NUL-terminated string, as `mount_keeping_options()` passes it.
            kernel::error::to_result(unsafe { ffi::rue_glue_mount(data) })
        })?;
        Ok(Self(()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        // SAFETY: mounted in `new()`; nothing writes files any more.
        unsafe { ffi::rue_glue_umount() };
    }
}
