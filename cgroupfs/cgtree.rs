// SPDX-License-Identifier: GPL-2.0

//! The `cgroup/` tree of a cgroupfs mount: a directory per cgroup v2
//! cgroup, holding the registered per-cgroup files.
//!
//! The C glue does the VFS plumbing; here is decided what each directory
//! holds and who sees it. A reader sees, under the mount's root cgroup, the
//! subtree of its cgroup namespace root and the directories leading to it;
//! per-cgroup files only inside that subtree. Writes need CAP_SYS_ADMIN.

use crate::builtin;
use crate::cgroup::Cgroup;
use crate::ffi;
use crate::notify;
use crate::openfile::{self, OpenFile};
use crate::registry::{Registration, Source};
use crate::state::{state, State};
use crate::text::Text;
use core::ffi::{c_char, c_int, c_long, c_uchar, c_ulong, c_void, CStr};
use core::sync::atomic::Ordering;
use kernel::prelude::*;
use kernel::sync::Arc;
use kernel::uaccess::UserSlice;

/// What a name in a cgroup directory is (see `glue.h`).
const LOOKUP_DIR: c_int = 1;
const LOOKUP_FILE: c_int = 2;

/// The largest write a per-cgroup file accepts.
const MAX_WRITE: usize = 64 << 10;
/// The largest text a per-cgroup file may render.
const MAX_SHOW: usize = 4 << 20;

/// The reader's view of the tree.
struct Reader {
    root: Cgroup,
}

impl Reader {
    fn current() -> Result<Self> {
        Ok(Self {
            root: Cgroup::current_ns_root().ok_or(ENOENT)?,
        })
    }

    /// Inside the reader's subtree: its files are visible.
    fn owns(&self, cg: &Cgroup) -> bool {
        cg.is_descendant_of(&self.root)
    }

    /// Visible as a directory: inside the subtree, or on the way to it.
    fn sees(&self, cg: &Cgroup) -> bool {
        self.owns(cg) || self.root.is_descendant_of(cg)
    }
}

/// Calls `f` for each visible registered file of `dir`, then each visible
/// child cgroup, skipping the first `skip`; `f` returns false to stop.
fn for_each_entry(
    state: &State,
    dir: &Cgroup,
    skip: usize,
    f: &mut dyn FnMut(&[u8], u64, bool) -> bool,
) -> Result {
    let reader = Reader::current()?;
    let mut n = 0usize;
    if reader.owns(dir) {
        for reg in state.registry.all()?.iter() {
            for i in 0..reg.len() {
                let Some(file) = reg.file(i) else { continue };
                n += 1;
                if n > skip && !f(file.name, reg.key(i) as u64, false) {
                    return Ok(());
                }
            }
        }
    }
    let children = dir.children()?;
    for (id, name) in children.iter() {
        // A registered file hides a child cgroup of the same name, as in
        // lookup.
        if reader.owns(dir) && state.registry.by_name(name).is_some() {
            continue;
        }
        if !reader.owns(dir) {
            // Outside the subtree only the path toward it is listed.
            let mut with_nul = KVec::new();
            with_nul.extend_from_slice(name, GFP_KERNEL)?;
            with_nul.push(0, GFP_KERNEL)?;
            match dir.child(&with_nul) {
                Some(c) if reader.sees(&c) => {}
                _ => continue,
            }
        }
        n += 1;
        if n > skip && !f(name, id, true) {
            return Ok(());
        }
    }
    Ok(())
}

/// # Safety
///
/// `dir` is a referenced cgroup; `name` is NUL-terminated; the out
/// pointers are writable.
#[no_mangle]
pub(crate) unsafe extern "C" fn cgroupfs_rs_cg_lookup(
    dir: *mut c_void,
    name: *const c_uchar,
    child: *mut *mut c_void,
    key: *mut c_ulong,
    mode: *mut u16,
) -> c_int {
    let res = (|| -> Result<c_int> {
        let state = state()?;
        // SAFETY: the directory inode holds a reference for the call.
        let dir = unsafe { Cgroup::get(dir) }.ok_or(ENOENT)?;
        // SAFETY: the VFS passes a NUL-terminated name.
        let name = unsafe { CStr::from_ptr(name.cast()) };
        let reader = Reader::current()?;
        if reader.owns(&dir) {
            if let Some((reg, i)) = state.registry.by_name(name.to_bytes()) {
                let file = reg.file(i).ok_or(ENOENT)?;
                // SAFETY: the caller passes writable out pointers.
                unsafe {
                    *key = reg.key(i) as c_ulong;
                    *mode = file.mode;
                }
                return Ok(LOOKUP_FILE);
            }
        }
        let c = dir.child(name.to_bytes_with_nul()).ok_or(ENOENT)?;
        if !reader.sees(&c) {
            return Err(ENOENT);
        }
        // SAFETY: as above; the reference goes to the new inode.
        unsafe { *child = c.into_raw() };
        Ok(LOOKUP_DIR)
    })();
    res.unwrap_or_else(|e| e.to_errno())
}

/// # Safety
///
/// `dir` is a referenced cgroup and `ctx` the `struct dir_context` of an
/// ongoing `iterate_shared`.
#[no_mangle]
pub(crate) unsafe extern "C" fn cgroupfs_rs_cg_readdir(
    dir: *mut c_void,
    ctx: *mut c_void,
    from: i64,
) -> c_int {
    let res = (|| -> Result {
        let state = state()?;
        // SAFETY: the directory inode holds a reference for the call.
        let dir = unsafe { Cgroup::get(dir) }.ok_or(ENOENT)?;
        let skip = usize::try_from(from).map_err(|_| EINVAL)?;
        for_each_entry(state, &dir, skip, &mut |name, ino, is_dir| {
            // SAFETY: `ctx` is the caller's live dir_context; `name` is
            // valid for `name.len()` bytes.
            unsafe {
                ffi::cgroupfs_glue_dir_emit(ctx, name.as_ptr().cast(), name.len(), ino, is_dir)
            }
        })
    })();
    match res {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// Whether a cached cgroup directory still stands for a live cgroup.
///
/// # Safety
///
/// `dir` is a referenced cgroup.
#[no_mangle]
pub(crate) unsafe extern "C" fn cgroupfs_rs_cg_dir_valid(dir: *mut c_void) -> c_int {
    // SAFETY: the directory inode holds a reference for the call.
    let Some(dir) = (unsafe { Cgroup::get(dir) }) else {
        return 0;
    };
    // Not who may see it: the dcache is shared by every reader, and lookup,
    // readdir and open check visibility for the caller themselves.
    c_int::from(dir.alive())
}

/// Whether a cached per-cgroup file is still registered.
#[no_mangle]
pub(crate) extern "C" fn cgroupfs_rs_cg_file_valid(key: c_ulong) -> c_int {
    let alive = state()
        .ok()
        .and_then(|s| s.registry.by_key(key as usize))
        .is_some_and(|(reg, _)| reg.alive());
    c_int::from(alive)
}

/// What the writes of an open per-cgroup file go to; holds a reference on
/// the registration's owner module, put on drop.
pub(crate) struct CgTarget {
    reg: Arc<Registration>,
    index: usize,
    cg: Cgroup,
}

impl CgTarget {
    /// The file's key and the cgroup's id, which notifications name.
    pub(crate) fn notify_key(&self) -> (usize, u64) {
        (self.reg.key(self.index), self.cg.id())
    }

    /// Renders the file: the notification generation read before rendering
    /// (news that comes meanwhile is not taken as seen), and the text.
    fn render(&self, state: &State) -> Result<(u64, KVVec<u8>)> {
        let (key, id) = self.notify_key();
        let seen = notify::generation(key, id);
        let mut text = Text(KVVec::new());
        show(state, &self.reg, self.index, &self.cg, &mut text)?;
        Ok((seen, text.0))
    }
}

impl Drop for CgTarget {
    fn drop(&mut self) {
        let owner = self.reg.owner();
        if !owner.is_null() {
            // SAFETY: `open` took this reference on the owner module.
            unsafe { ffi::cgroupfs_glue_module_put(owner) };
        }
    }
}

/// Renders file `index` of `reg` for `cg` into `out`.
fn show(state: &State, reg: &Registration, index: usize, cg: &Cgroup, out: &mut Text) -> Result {
    let _call = reg.enter()?;
    match reg.source {
        Source::Builtin(_) => builtin::show(state, index, cg, out),
        Source::External { files, .. } => {
            // SAFETY: `index` is in range and the registration is live.
            let f = unsafe { &*files.add(index) };
            let show = f.show.ok_or(EACCES)?;
            let mut size = reg.show_size(index).min(MAX_SHOW);
            loop {
                let mut buf = KVVec::from_elem(0u8, size, GFP_KERNEL)?;
                // SAFETY: `buf` is writable for `size` bytes; `cg` is
                // referenced for the call.
                let n =
                    unsafe { show(f.data, cg.as_ptr(), cg.id(), buf.as_mut_ptr().cast(), size) };
                if n == ENOSPC.to_errno() as c_long && size < MAX_SHOW {
                    size *= 2;
                    continue;
                }
                if n < 0 {
                    return Err(Error::from_errno(n as i32));
                }
                let n = (n as usize).min(size);
                // The next render starts with room for this text.
                reg.set_show_size(index, (n + 1).next_power_of_two().max(4096).min(size));
                return out
                    .0
                    .extend_from_slice(&buf[..n], GFP_KERNEL)
                    .map_err(Into::into);
            }
        }
    }
}

/// Passes a write of `data` to file `index` of `reg` for `cg`.
fn write(state: &State, reg: &Registration, index: usize, cg: &Cgroup, data: &KVec<u8>) -> Result {
    let _call = reg.enter()?;
    match reg.source {
        Source::Builtin(_) => builtin::write(state, index, cg, &data[..data.len() - 1]),
        Source::External { files, .. } => {
            // SAFETY: `index` is in range and the registration is live.
            let f = unsafe { &*files.add(index) };
            let write = f.write.ok_or(EACCES)?;
            // `data` ends with a NUL the callback may rely on.
            // SAFETY: `data` is valid for its length; `cg` is referenced.
            let r = unsafe {
                write(
                    f.data,
                    cg.as_ptr(),
                    cg.id(),
                    data.as_ptr().cast::<c_char>(),
                    data.len() - 1,
                )
            };
            if r < 0 {
                return Err(Error::from_errno(r as i32));
            }
            Ok(())
        }
    }
}

/// Opens per-cgroup file `key` of cgroup `cgrp`.
///
/// # Safety
///
/// `cgrp` is a referenced cgroup; `private` is writable.
#[no_mangle]
pub(crate) unsafe extern "C" fn cgroupfs_rs_cg_open(
    key: c_ulong,
    cgrp: *mut c_void,
    read: bool,
    write_mode: bool,
    private: *mut *mut c_void,
) -> c_int {
    let open = (|| {
        let state = state()?;
        let (reg, index) = state.registry.by_key(key as usize).ok_or(ENOENT)?;
        // SAFETY: the parent directory's inode holds a reference.
        let cg = unsafe { Cgroup::get(cgrp) }.ok_or(ENOENT)?;
        if !cg.alive() || !Reader::current()?.owns(&cg) {
            return Err(ENOENT);
        }
        let file = reg.file(index).ok_or(ENOENT)?;
        if (read && !file.readable()) || (write_mode && !file.writable()) {
            return Err(EACCES);
        }
        // SAFETY: takes no pointer.
        if write_mode && !unsafe { ffi::cgroupfs_glue_capable_sys_admin() } {
            return Err(EPERM);
        }
        let owner = reg.owner();
        {
            // Inside a call the owner cannot finish unregistering, so its
            // module is not freed while we take our reference.
            let _call = reg.enter()?;
            // SAFETY: the owner module is live (see above).
            if !owner.is_null() && !unsafe { ffi::cgroupfs_glue_module_get(owner) } {
                return Err(ENOENT);
            }
        }
        // From here on, dropping the target puts the module reference.
        let target = CgTarget { reg, index, cg };
        let (seen, text) = if read {
            target.render(state)?
        } else {
            let (key, id) = target.notify_key();
            (notify::generation(key, id), KVVec::new())
        };
        OpenFile::new(&text, Some(target), seen)
    })();
    // SAFETY: the caller passes a writable pointer.
    unsafe { openfile::publish(open, private) }
}

/// A read of a per-cgroup file at `*pos` into the `struct iov_iter` `iter`:
/// the bytes read, or a negative errno. A read from offset 0 after an
/// earlier one, or after news came, renders the file anew and takes the
/// news as seen.
///
/// # Safety
///
/// `private` comes from [`cgroupfs_rs_cg_open`] and is not released; `pos`
/// and `iter` are the read's position and destination.
#[no_mangle]
pub(crate) unsafe extern "C" fn cgroupfs_rs_cg_read(
    private: *mut c_void,
    pos: *mut i64,
    iter: *mut c_void,
) -> isize {
    // SAFETY: the caller passes the live pointer made at open.
    let open = unsafe { openfile::from_private(private) };
    let Some(target) = open.target.as_ref() else {
        return EBADF.to_errno() as isize;
    };
    let (key, id) = target.notify_key();
    let news = notify::generation(key, id) != open.seen.load(Ordering::Acquire);
    let render = || {
        if !target.cg.alive() {
            return Err(ENOENT);
        }
        let (seen, text) = target.render(state()?)?;
        open.seen.store(seen, Ordering::Release);
        Ok(text)
    };
    // SAFETY: the caller passes the read's position and iterator.
    match unsafe { open.read(&mut *pos, iter, news, render) } {
        Ok(n) => n as isize,
        Err(e) => e.to_errno() as isize,
    }
}

/// A write of `len` bytes at user address `ubuf` at file position `*pos`;
/// all of it or nothing.
///
/// Each `write()` carries one whole value, from position 0: the position
/// advances past an accepted write, and a write at any other position (the
/// rest of a value split across calls) is refused with `EINVAL`, so a
/// split value is never taken for a shorter one. An empty write changes
/// nothing; one over [`MAX_WRITE`] gets `E2BIG`.
///
/// # Safety
///
/// `private` comes from [`cgroupfs_rs_cg_open`]; `pos` is the write's
/// position.
#[no_mangle]
pub(crate) unsafe extern "C" fn cgroupfs_rs_cg_write(
    private: *mut c_void,
    ubuf: c_ulong,
    len: usize,
    pos: *mut i64,
) -> c_long {
    // SAFETY: the caller passes the live pointer made at open.
    let open = unsafe { openfile::from_private(private) };
    // SAFETY: the caller passes the write's position.
    let pos = unsafe { &mut *pos };
    let res = (|| -> Result {
        let target = open.target.as_ref().ok_or(EBADF)?;
        if len == 0 {
            return Ok(());
        }
        if len > MAX_WRITE {
            return Err(E2BIG);
        }
        if *pos != 0 {
            return Err(EINVAL);
        }
        let state = state()?;
        let mut data = KVec::new();
        UserSlice::new(ubuf as usize, len).read_all(&mut data, GFP_KERNEL)?;
        data.push(0, GFP_KERNEL)?;
        write(state, &target.reg, target.index, &target.cg, &data)?;
        // cgroupfs's own files tell their pollers of every change.
        if let Source::Builtin(_) = target.reg.source {
            let (key, id) = target.notify_key();
            notify::notify(key, id);
        }
        Ok(())
    })();
    match res {
        Ok(()) => {
            *pos += len as i64;
            len as c_long
        }
        Err(e) => e.to_errno() as c_long,
    }
}
