// SPDX-License-Identifier: GPL-2.0

//! A counted reference to a cgroup v2 cgroup (`struct cgroup`), and what
//! the modules read of one.

use super::ffi;
use core::ffi::c_void;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::ops::Deref;
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

/// The counters of a cgroup's own memory controller, in bytes (`u64::MAX`:
/// no limit): what `memory.current`, `memory.high`, `memory.max`,
/// `memory.swap.current` and `memory.swap.max` show.
pub(crate) struct Memory {
    pub(crate) usage: u64,
    pub(crate) high: u64,
    pub(crate) max: u64,
    pub(crate) swap_usage: u64,
    pub(crate) swap_max: u64,
}

/// The longest cgroup path handled.
const MAX_PATH: usize = 16 << 10;

impl Cgroup {
    /// Takes ownership of a reference the C side returned (`NULL`: none).
    ///
    /// # Safety
    ///
    /// `ptr` is null or a `struct cgroup` whose reference the caller passes on.
    unsafe fn from_owned(ptr: *mut c_void) -> Option<Self> {
        // INVARIANT: the caller passes its reference on.
        NonNull::new(ptr).map(|ptr| Self { ptr })
    }

    /// Takes a new reference to a cgroup the caller can reach (`None` for
    /// null).
    ///
    /// # Safety
    ///
    /// `ptr` is null or points to a `struct cgroup` kept alive for the call.
    pub(crate) unsafe fn get(ptr: *mut c_void) -> Option<Self> {
        let ptr = NonNull::new(ptr)?;
        // SAFETY: the caller guarantees the cgroup is alive now; a reference
        // on a live cgroup may always be taken.
        unsafe { ffi::rfl_cgroup_get(ptr.as_ptr()) };
        // INVARIANT: we took a reference above.
        Some(Self { ptr })
    }

    /// A new reference to `cgrp`.
    ///
    /// # Safety
    ///
    /// `cgrp` points to a `struct cgroup` kept alive for the call (cgroupfs
    /// passes its callbacks a referenced one).
    pub(crate) unsafe fn from_ptr(cgrp: *mut c_void) -> Self {
        // SAFETY: as promised by the caller; `cgrp` is not null.
        unsafe { Self::get(cgrp) }.expect("a callback's cgroup is never null")
    }

    /// Borrows the cgroup at `cgrp` for `'a`, without taking a reference.
    ///
    /// # Safety
    ///
    /// `cgrp` points to a `struct cgroup` that stays valid for `'a`: it is
    /// referenced (cgroupfs passes its callbacks a referenced one for the
    /// call), or found in an RCU read-side section that lasts `'a` (a
    /// tracepoint's cgroup).
    pub(crate) unsafe fn borrow<'a>(cgrp: *mut c_void) -> Borrowed<'a> {
        let ptr = NonNull::new(cgrp).expect("a callback's cgroup is never null");
        Borrowed {
            // INVARIANT: the caller keeps the cgroup referenced for `'a`;
            // `ManuallyDrop` never puts the reference this did not take.
            cg: ManuallyDrop::new(Self { ptr }),
            _lt: PhantomData,
        }
    }

    /// The cgroup of the current task.
    pub(crate) fn current() -> Option<Self> {
        // SAFETY: returns a new reference or NULL.
        unsafe { Self::from_owned(ffi::rfl_current_cgroup()) }
    }

    /// The root cgroup of the current task's cgroup namespace.
    pub(crate) fn current_ns_root() -> Option<Self> {
        // SAFETY: the namespace root is pinned by current's nsproxy while we
        // take our own reference.
        unsafe { Self::get(ffi::rfl_current_cgroupns_root()) }
    }

    /// The live cgroup with id `id`, in the calling task's cgroup
    /// namespace (a kernel worker's is the whole hierarchy); never
    /// allocates.
    pub(crate) fn from_id(id: u64) -> Option<Self> {
        // SAFETY: no preconditions; a non-null result carries a reference.
        unsafe { Self::from_owned(ffi::rfl_cgroup_from_id(id)) }
    }

    /// The cgroup of process `pid` (in the initial pid namespace), in any
    /// cgroup namespace; never allocates.
    pub(crate) fn of_process(pid: u64) -> Option<Self> {
        // SAFETY: no preconditions; a non-null result carries a reference.
        unsafe { Self::from_owned(ffi::rfl_process_cgroup(pid)) }
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
        unsafe { ffi::rfl_cgroup_id(self.as_ptr()) }
    }

    /// False once the cgroup is being removed (what the kernel's internal
    /// `cgroup_is_dead()` negates).
    pub(crate) fn online(&self) -> bool {
        // SAFETY: by the type invariant the cgroup is referenced.
        let (flags, online) = unsafe {
            (
                ffi::rfl_cgroup_self_flags(self.as_ptr()),
                ffi::rfl_css_online_flag(),
            )
        };
        flags & online != 0
    }

    /// Whether `self` is `ancestor` or below it.
    pub(crate) fn is_descendant_of(&self, ancestor: &Cgroup) -> bool {
        // SAFETY: both are referenced.
        unsafe { ffi::rfl_cgroup_is_descendant(self.as_ptr(), ancestor.as_ptr()) }
    }

    /// Whether this is the root of the hierarchy.
    pub(crate) fn is_root(&self) -> bool {
        // SAFETY: by the type invariant the cgroup is referenced.
        unsafe { ffi::rfl_cgroup_parent(self.as_ptr()) }.is_null()
    }

    /// The parent cgroup; `None` for the root.
    pub(crate) fn parent(&self) -> Option<Cgroup> {
        // SAFETY: `self` is referenced and pins its parent while we take a
        // reference on it.
        unsafe { Self::get(ffi::rfl_cgroup_parent(self.as_ptr())) }
    }

    /// Whether the cgroup is the one with id `id` or a descendant of it.
    pub(crate) fn within(&self, id: u64) -> bool {
        let mut found = false;
        self.for_each_ancestor_id(|a| found |= a == id);
        found
    }

    /// Calls `f` with the ids of this cgroup and of each of its ancestors,
    /// the root last. Takes no reference and never allocates.
    pub(crate) fn for_each_ancestor_id(&self, f: impl FnMut(u64)) {
        self.ancestor_ids().for_each(f);
    }

    /// The ids of this cgroup and of each of its ancestors, the root last.
    /// Takes no reference and never allocates.
    pub(crate) fn ancestor_ids(&self) -> impl Iterator<Item = u64> + '_ {
        let mut cgrp = self.as_ptr();
        core::iter::from_fn(move || {
            if cgrp.is_null() {
                return None;
            }
            // SAFETY: `self` is referenced for the iterator's lifetime and
            // each cgroup pins its parent.
            unsafe {
                let id = ffi::rfl_cgroup_id(cgrp);
                cgrp = ffi::rfl_cgroup_parent(cgrp);
                Some(id)
            }
        })
    }

    /// The cgroup's kernfs node, only to be compared.
    pub(crate) fn kernfs_node(&self) -> *const c_void {
        // SAFETY: by the type invariant the cgroup is referenced.
        unsafe { ffi::rfl_cgroup_kn(self.as_ptr()) }
    }

    /// The live child named `name` (NUL-terminated).
    pub(crate) fn child(&self, name: &[u8]) -> Option<Cgroup> {
        if name.last() != Some(&0) {
            return None;
        }
        // SAFETY: `self` is referenced and `name` NUL-terminated; the result
        // is a new reference or NULL.
        unsafe { Self::from_owned(ffi::rfl_cgroup_child(self.as_ptr(), name.as_ptr().cast())) }
    }

    /// The ids and names of the live children.
    pub(crate) fn children(&self) -> Result<Children> {
        let mut size = 1024;
        loop {
            let mut buf = KVVec::from_elem(0u8, size, GFP_KERNEL)?;
            // SAFETY: `buf` is valid for `size` bytes of writes.
            let need =
                unsafe { ffi::rfl_cgroup_children(self.as_ptr(), buf.as_mut_ptr().cast(), size) }
                    as usize;
            if need <= size {
                // SAFETY: `need <= size` bytes are initialised records.
                unsafe { buf.set_len(need) };
                // SAFETY: no preconditions.
                let online = unsafe { ffi::rfl_css_online_flag() };
                return Ok(Children { buf, online });
            }
            size = need + 256;
        }
    }

    /// The counters of the cgroup's own memory controller; `ENOENT` when
    /// the controller is not enabled on this cgroup (it has no `memory.*`
    /// files then).
    pub(crate) fn memory(&self) -> Result<Memory> {
        let mut c = [0u64; ffi::MEMCG_NR];
        // SAFETY: `self` is referenced; `c` has room for every counter.
        kernel::error::to_result(unsafe { ffi::rfl_memcg_read(self.as_ptr(), c.as_mut_ptr()) })?;
        Ok(Memory {
            usage: c[ffi::MEMCG_USAGE],
            high: c[ffi::MEMCG_HIGH],
            max: c[ffi::MEMCG_MAX],
            swap_usage: c[ffi::MEMCG_SWAP],
            swap_max: c[ffi::MEMCG_SWAP_MAX],
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
                ffi::rfl_cgroup_path(self.as_ptr(), base.as_ptr(), buf.as_mut_ptr().cast(), len)
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

/// A cgroup borrowed from the caller's reference (see [`Cgroup::borrow`]).
pub(crate) struct Borrowed<'a> {
    cg: ManuallyDrop<Cgroup>,
    _lt: PhantomData<&'a Cgroup>,
}

impl Deref for Borrowed<'_> {
    type Target = Cgroup;

    fn deref(&self) -> &Cgroup {
        &self.cg
    }
}

impl Clone for Cgroup {
    fn clone(&self) -> Self {
        // SAFETY: by the type invariant the cgroup is referenced.
        unsafe { Self::from_ptr(self.as_ptr()) }
    }
}

impl Drop for Cgroup {
    fn drop(&mut self) {
        // SAFETY: by the type invariant we own one reference.
        unsafe { ffi::rfl_cgroup_put(self.as_ptr()) };
    }
}

/// Packed child records (`rfl_cgroup_children()`): a native-endian `u64`
/// id, the `u32` css flags, then the NUL-terminated name.
pub(crate) struct Children {
    buf: KVVec<u8>,
    online: u32,
}

impl Children {
    /// Iterates `(id, name without NUL)` of the children that are online.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u64, &[u8])> {
        let mut rest: &[u8] = &self.buf;
        let online = self.online;
        core::iter::from_fn(move || loop {
            let (id, tail) = rest.split_first_chunk::<8>()?;
            let (flags, tail) = tail.split_first_chunk::<4>()?;
            let end = tail.iter().position(|&b| b == 0)?;
            let name = &tail[..end];
            rest = &tail[end + 1..];
            if u32::from_ne_bytes(*flags) & online != 0 {
                return Some((u64::from_ne_bytes(*id), name));
            }
        })
    }
}
