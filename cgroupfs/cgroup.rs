// SPDX-License-Identifier: GPL-2.0

//! A counted reference to a cgroup v2 cgroup (`struct cgroup`).

use crate::ffi;
use core::ffi::c_void;
use core::ptr::NonNull;
use kernel::prelude::*;

/// An owned reference to a `struct cgroup`; dropped with `cgroup_put()`.
///
/// # Invariants
///
/// `ptr` points to a `struct cgroup` on which this value holds a reference.
pub(crate) struct Cgroup {
    ptr: NonNull<c_void>,
}

// SAFETY: cgroup references may be taken, used and put from any thread.
unsafe impl Send for Cgroup {}
// SAFETY: every operation on a shared reference is thread-safe in C.
unsafe impl Sync for Cgroup {}

impl Cgroup {
    /// Takes ownership of a reference the C glue returned (`NULL`: none).
    ///
    /// # Safety
    ///
    /// `ptr` is null or a `struct cgroup` whose reference the caller passes on.
    unsafe fn from_owned(ptr: *mut c_void) -> Option<Self> {
        // INVARIANT: the caller passes its reference on.
        NonNull::new(ptr).map(|ptr| Self { ptr })
    }

    /// Takes a new reference to a cgroup the caller can reach.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a `struct cgroup` kept alive for the call.
    pub(crate) unsafe fn get(ptr: *mut c_void) -> Option<Self> {
        let ptr = NonNull::new(ptr)?;
        // SAFETY: the caller guarantees the cgroup is alive now.
        unsafe { ffi::cgroupfs_glue_cgroup_get(ptr.as_ptr()) };
        // INVARIANT: we took a reference above.
        Some(Self { ptr })
    }

    /// The cgroup of the current task.
    pub(crate) fn current() -> Option<Self> {
        // SAFETY: returns a new reference or NULL.
        unsafe { Self::from_owned(ffi::cgroupfs_glue_current_cgroup()) }
    }

    /// The root cgroup of the current task's cgroup namespace.
    pub(crate) fn current_ns_root() -> Option<Self> {
        // SAFETY: the namespace root is pinned by current's nsproxy while we
        // take our own reference.
        unsafe { Self::get(ffi::cgroupfs_glue_current_cgroupns_root()) }
    }

    /// The raw pointer, for passing to C (the reference stays with `self`).
    pub(crate) fn as_ptr(&self) -> *mut c_void {
        self.ptr.as_ptr()
    }

    /// Consumes the reference, handing it to C.
    pub(crate) fn into_raw(self) -> *mut c_void {
        let p = self.ptr.as_ptr();
        core::mem::forget(self);
        p
    }

    /// The cgroup's id (its inode number in cgroup2).
    pub(crate) fn id(&self) -> u64 {
        // SAFETY: by the type invariant the cgroup is referenced.
        unsafe { ffi::cgroupfs_glue_cgroup_id(self.as_ptr()) }
    }

    /// False once the cgroup is being removed.
    pub(crate) fn alive(&self) -> bool {
        // SAFETY: by the type invariant the cgroup is referenced.
        unsafe { ffi::cgroupfs_glue_cgroup_alive(self.as_ptr()) }
    }

    /// Whether `self` is `ancestor` or below it.
    pub(crate) fn is_descendant_of(&self, ancestor: &Cgroup) -> bool {
        // SAFETY: both are referenced.
        unsafe { ffi::cgroupfs_glue_cgroup_is_descendant(self.as_ptr(), ancestor.as_ptr()) }
    }

    /// The parent cgroup; `None` for the root.
    pub(crate) fn parent(&self) -> Option<Cgroup> {
        // SAFETY: `self` is referenced; the result is a new reference or NULL.
        unsafe { Self::from_owned(ffi::cgroupfs_glue_cgroup_parent(self.as_ptr())) }
    }

    /// The live child named `name` (NUL-terminated).
    pub(crate) fn child(&self, name: &[u8]) -> Option<Cgroup> {
        if name.last() != Some(&0) {
            return None;
        }
        // SAFETY: `self` is referenced and `name` NUL-terminated; the result
        // is a new reference or NULL.
        unsafe {
            Self::from_owned(ffi::cgroupfs_glue_cgroup_child(
                self.as_ptr(),
                name.as_ptr().cast(),
            ))
        }
    }

    /// The ids and names of the live children, as packed records.
    pub(crate) fn children(&self) -> Result<Children> {
        let mut size = 1024;
        loop {
            let mut buf = KVVec::from_elem(0u8, size, GFP_KERNEL)?;
            // SAFETY: `buf` is valid for `size` bytes of writes.
            let need = unsafe {
                ffi::cgroupfs_glue_cgroup_children(self.as_ptr(), buf.as_mut_ptr().cast(), size)
            } as usize;
            if need <= size {
                // SAFETY: `need <= size` bytes are initialised records.
                unsafe { buf.set_len(need) };
                return Ok(Children(buf));
            }
            size = need + 256;
        }
    }

    /// The counters of the cgroup's own memory controller, `None` when it is
    /// not enabled on this cgroup.
    pub(crate) fn memory(&self) -> Option<MemCounters> {
        let mut c = [0u64; 4];
        // SAFETY: `self` is referenced; `c` has room for the four counters.
        let ret = unsafe { ffi::cgroupfs_glue_memcg_counters(self.as_ptr(), c.as_mut_ptr()) };
        (ret == 0).then_some(MemCounters {
            usage: c[0],
            max: c[1],
            swap_usage: c[2],
            swap_max: c[3],
        })
    }

    /// The path of the cgroup below `base` (`/a/b`; `/` for `base` itself).
    pub(crate) fn path(&self, base: &Cgroup) -> Result<KVec<u8>> {
        let mut len = 256;
        loop {
            let mut buf = KVec::from_elem(0u8, len, GFP_KERNEL)?;
            // SAFETY: both cgroups are referenced; `buf` is valid for `len`
            // bytes of writes.
            let n = unsafe {
                ffi::cgroupfs_glue_cgroup_path(
                    self.as_ptr(),
                    base.as_ptr(),
                    buf.as_mut_ptr().cast(),
                    len,
                )
            };
            if n < 0 {
                return Err(Error::from_errno(n));
            }
            let n = n as usize;
            // kernfs writes at most `len - 1` bytes: a path that fills
            // them may have been cut.
            if n + 1 < len {
                // SAFETY: `n < len` bytes are initialised.
                unsafe { buf.set_len(n) };
                return Ok(buf);
            }
            if len >= MAX_PATH {
                return Err(Error::from_errno(-(kernel::bindings::ENAMETOOLONG as i32)));
            }
            len *= 2;
        }
    }
}

/// What `memory.current`, `memory.max`, `memory.swap.current` and
/// `memory.swap.max` show, in bytes (`u64::MAX`: `max`).
pub(crate) struct MemCounters {
    pub(crate) usage: u64,
    pub(crate) max: u64,
    pub(crate) swap_usage: u64,
    pub(crate) swap_max: u64,
}

/// The longest cgroup path handled.
const MAX_PATH: usize = 16 << 10;

impl Drop for Cgroup {
    fn drop(&mut self) {
        // SAFETY: by the type invariant we own one reference.
        unsafe { ffi::cgroupfs_glue_cgroup_put(self.as_ptr()) };
    }
}

/// Packed child records: a native-endian `u64` id, then a NUL-terminated name.
pub(crate) struct Children(KVVec<u8>);

impl Children {
    /// Iterates `(id, name without NUL)`.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u64, &[u8])> {
        let mut rest: &[u8] = &self.0;
        core::iter::from_fn(move || {
            let (id, tail) = rest.split_first_chunk::<8>()?;
            let end = tail.iter().position(|&b| b == 0)?;
            let name = &tail[..end];
            rest = &tail[end + 1..];
            Some((u64::from_ne_bytes(*id), name))
        })
    }
}
