// SPDX-License-Identifier: GPL-2.0

//! The per-cgroup files registered by cgroupfs itself and by other modules.
//!
//! Each registration is a set of files that appears in every
//! `cgroup/<path>/` directory. A file is named in inodes by a key,
//! `registration id << 8 | index`. Calls into a registration's callbacks are
//! counted; unregistering marks it dead and waits for the calls in flight.

use crate::support::cgroupfs_api::CgroupfsFile;
use crate::support::vecutil::swap_remove;
use core::ffi::{c_void, CStr};
use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use kernel::prelude::*;
use kernel::sync::{new_condvar, new_mutex, Arc, CondVar, Mutex};

/// The buffer size a file's first render starts with.
const FIRST_SHOW_SIZE: usize = 4096;

/// At most this many files per registration.
const MAX_FILES: usize = 256;
/// The longest accepted file name.
const MAX_NAME: usize = 64;

/// Where a registration's files come from.
pub(crate) enum Source {
    /// cgroupfs's own files, served by [`crate::builtin`].
    Builtin(&'static [(&'static CStr, u16)]),
    /// Another module's files, through `struct cgroupfs_file`.
    External {
        files: *const CgroupfsFile,
        nr: usize,
        owner: *mut c_void,
    },
}

/// A registered set of per-cgroup files.
#[pin_data]
pub(crate) struct Registration {
    id: u32,
    pub(crate) source: Source,
    /// Copies of the files' names and modes: listing and looking up files
    /// must not read the registering module's memory, which may go away
    /// as soon as it unregisters.
    files: KVec<(KVec<u8>, u16)>,
    /// Per file, the buffer size its last `show` needed: the next render
    /// starts there instead of growing by retries again.
    show_sizes: KVec<AtomicUsize>,
    /// Whether calls may start, and how many are running.
    #[pin]
    active: Mutex<(bool, usize)>,
    #[pin]
    idle: CondVar,
}

// SAFETY: the raw pointers of `Source::External` point to data the
// registering module keeps valid and unchanged until it unregisters, and
// its callbacks may run on any thread (the API's contract).
unsafe impl Send for Registration {}
// SAFETY: as above; the mutable state is behind a mutex.
unsafe impl Sync for Registration {}

/// One file of a registration.
pub(crate) struct FileDesc<'a> {
    pub(crate) name: &'a [u8],
    pub(crate) mode: u16,
}

impl FileDesc<'_> {
    pub(crate) fn readable(&self) -> bool {
        self.mode & 0o444 != 0
    }
    pub(crate) fn writable(&self) -> bool {
        self.mode & 0o222 != 0
    }
}

/// Proof that a call into a registration is in flight; ends it on drop.
pub(crate) struct Call<'a>(&'a Registration);

impl Drop for Call<'_> {
    fn drop(&mut self) {
        let mut a = self.0.active.lock();
        a.1 -= 1;
        if a.1 == 0 {
            self.0.idle.notify_all();
        }
    }
}

impl Registration {
    pub(crate) fn len(&self) -> usize {
        self.files.len()
    }

    /// The file at `index`.
    pub(crate) fn file(&self, index: usize) -> Option<FileDesc<'_>> {
        self.files
            .get(index)
            .map(|(name, mode)| FileDesc { name, mode: *mode })
    }

    /// The buffer size to render file `index` with first.
    pub(crate) fn show_size(&self, index: usize) -> usize {
        self.show_sizes
            .get(index)
            .map_or(FIRST_SHOW_SIZE, |s| s.load(Ordering::Relaxed))
    }

    /// Remembers that file `index` needed a buffer of `size` bytes.
    pub(crate) fn set_show_size(&self, index: usize, size: usize) {
        if let Some(s) = self.show_sizes.get(index) {
            s.store(size, Ordering::Relaxed);
        }
    }

    /// The key of the file at `index`.
    pub(crate) fn key(&self, index: usize) -> usize {
        ((self.id as usize) << 8) | index
    }

    /// Starts a call into the registration, unless it is being removed.
    pub(crate) fn enter(&self) -> Result<Call<'_>> {
        let mut a = self.active.lock();
        if !a.0 {
            return Err(ENOENT);
        }
        a.1 += 1;
        Ok(Call(self))
    }

    /// Stops new calls and waits until none is in flight.
    fn kill(&self) {
        let mut a = self.active.lock();
        a.0 = false;
        while a.1 > 0 {
            self.idle.wait(&mut a);
        }
    }

    /// Whether the registration still serves calls.
    pub(crate) fn alive(&self) -> bool {
        self.active.lock().0
    }

    /// The module owning the files, for pinning it while one is open.
    pub(crate) fn owner(&self) -> *mut c_void {
        match self.source {
            Source::Builtin(_) => core::ptr::null_mut(),
            Source::External { owner, .. } => owner,
        }
    }
}

fn copy(bytes: &[u8]) -> Result<KVec<u8>> {
    let mut v = KVec::with_capacity(bytes.len(), GFP_KERNEL)?;
    v.extend_from_slice(bytes, GFP_KERNEL)?;
    Ok(v)
}

/// Every registration.
#[pin_data]
pub(crate) struct Registry {
    #[pin]
    regs: Mutex<KVec<Arc<Registration>>>,
    next_id: AtomicU32,
}

impl Registry {
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            regs <- new_mutex!(KVec::new()),
            next_id: AtomicU32::new(1),
        })
    }

    /// Registers `source` after checking its files: names must be short,
    /// without `/`, not `.` or `..`, and unique among all registrations;
    /// modes 0444, 0644 or 0200.
    pub(crate) fn register(&self, source: Source) -> Result<Arc<Registration>> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        if id >= (u32::MAX >> 8) {
            return Err(ENOSPC);
        }
        if let Source::External { files, nr, .. } = source {
            if files.is_null() || nr == 0 || nr > MAX_FILES {
                return Err(EINVAL);
            }
            for i in 0..nr {
                // SAFETY: the caller passes `nr` valid entries.
                let f = unsafe { &*files.add(i) };
                if f.name.is_null() {
                    return Err(EINVAL);
                }
                if (f.mode & 0o444 != 0 && f.show.is_none())
                    || (f.mode & 0o222 != 0 && f.write.is_none())
                {
                    return Err(EINVAL);
                }
            }
        }
        let mut files = KVec::new();
        match source {
            Source::Builtin(list) => {
                for (name, mode) in list {
                    files.push((copy(name.to_bytes())?, *mode), GFP_KERNEL)?;
                }
            }
            Source::External { files: f, nr, .. } => {
                for i in 0..nr {
                    // SAFETY: the caller passes `nr` valid entries with
                    // NUL-terminated names (non-null: checked above).
                    let (name, mode) =
                        unsafe { (CStr::from_ptr((*f.add(i)).name), (*f.add(i)).mode) };
                    files.push((copy(name.to_bytes())?, mode), GFP_KERNEL)?;
                }
            }
        }
        let mut show_sizes = KVec::with_capacity(files.len(), GFP_KERNEL)?;
        for _ in 0..files.len() {
            show_sizes.push(AtomicUsize::new(FIRST_SHOW_SIZE), GFP_KERNEL)?;
        }
        let reg = Arc::pin_init(
            pin_init!(Registration {
                id,
                source,
                files,
                show_sizes,
                active <- new_mutex!((true, 0)),
                idle <- new_condvar!(),
            }),
            GFP_KERNEL,
        )?;
        let mut regs = self.regs.lock();
        for i in 0..reg.len() {
            let f = reg.file(i).ok_or(EINVAL)?;
            let bad_name = f.name.is_empty()
                || f.name.len() > MAX_NAME
                || f.name == b"."
                || f.name == b".."
                || f.name.contains(&b'/');
            if bad_name || !matches!(f.mode, 0o444 | 0o644 | 0o200) {
                return Err(EINVAL);
            }
            let clash = (0..i).any(|j| reg.file(j).is_some_and(|g| g.name == f.name))
                || regs
                    .iter()
                    .any(|r| (0..r.len()).any(|j| r.file(j).is_some_and(|g| g.name == f.name)));
            if clash {
                return Err(EEXIST);
            }
        }
        regs.push(reg.clone(), GFP_KERNEL)?;
        Ok(reg)
    }

    /// Removes `reg` and waits for its calls in flight.
    pub(crate) fn unregister(&self, reg: &Arc<Registration>) {
        {
            let mut regs = self.regs.lock();
            if let Some(i) = regs.iter().position(|r| Arc::ptr_eq(r, reg)) {
                drop(swap_remove(&mut regs, i));
            }
        }
        reg.kill();
    }

    /// The registration and index of the file named `name`.
    pub(crate) fn by_name(&self, name: &[u8]) -> Option<(Arc<Registration>, usize)> {
        let regs = self.regs.lock();
        for r in regs.iter() {
            for i in 0..r.len() {
                if r.file(i).is_some_and(|f| f.name == name) {
                    return Some((r.clone(), i));
                }
            }
        }
        None
    }

    /// The registration and index a key names.
    pub(crate) fn by_key(&self, key: usize) -> Option<(Arc<Registration>, usize)> {
        let (id, index) = ((key >> 8) as u32, key & 0xff);
        let regs = self.regs.lock();
        let r = regs.iter().find(|r| r.id == id)?;
        (index < r.len()).then(|| (r.clone(), index))
    }

    /// A snapshot of every registration, for listing directories.
    pub(crate) fn all(&self) -> Result<KVec<Arc<Registration>>> {
        let regs = self.regs.lock();
        let mut out = KVec::with_capacity(regs.len(), GFP_KERNEL)?;
        for r in regs.iter() {
            out.push(r.clone(), GFP_KERNEL)?;
        }
        Ok(out)
    }
}
