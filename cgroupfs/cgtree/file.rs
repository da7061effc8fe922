// SPDX-License-Identifier: GPL-2.0

//! The per-cgroup files of the `cgroup/` tree: opening, reading and
//! writing them, served by cgroupfs's own files (`builtin.rs`) or by the
//! callbacks of the module that registered them.

use super::reader::Reader;
use crate::builtin;
use crate::cgtarget::CgTarget;
use crate::ffi;
use crate::notify;
use crate::openfile::{self, OpenFile};
use crate::registry::{Registration, Source};
use crate::state::{state, State};
use crate::support::cgroup::Cgroup;
use crate::text::Text;
use core::ffi::{c_char, c_int, c_long, c_ulong, c_void};
use core::sync::atomic::Ordering;
use kernel::prelude::*;
use kernel::uaccess::UserSlice;

/// The largest write a per-cgroup file accepts.
const MAX_WRITE: usize = 64 << 10;
/// The largest text a per-cgroup file may render.
const MAX_SHOW: usize = 4 << 20;

/// Renders `target`: the notification generation read before rendering
/// (news that comes meanwhile is not taken as seen), and the text.
fn render(state: &State, target: &CgTarget) -> Result<(u64, KVVec<u8>)> {
    let (key, id) = target.notify_key();
    let seen = notify::generation(key, id);
    let mut text = Text(KVVec::new());
    show(state, target.reg(), target.index(), target.cg(), &mut text)?;
    Ok((seen, text.0))
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
        if !cg.online() || !Reader::current()?.owns(&cg) {
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
        // From here on, dropping the target puts the module reference.
        let target = CgTarget::new(reg, index, cg)?;
        let (seen, text) = if read {
            render(state, &target)?
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
        if !target.cg().online() {
            return Err(ENOENT);
        }
        let (seen, text) = render(state()?, target)?;
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
        write(state, target.reg(), target.index(), target.cg(), &data)?;
        // cgroupfs's own files tell their pollers of every change.
        if let Source::Builtin(_) = target.reg().source {
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
