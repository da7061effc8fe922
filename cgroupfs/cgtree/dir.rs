// SPDX-License-Identifier: GPL-2.0

//! The directories of the `cgroup/` tree: lookup, listing, and whether a
//! cached entry still stands.

use super::reader::Reader;
use crate::ffi;
use crate::state::{state, State};
use crate::support::cgroup::Cgroup;
use core::ffi::{c_int, c_uchar, c_ulong, c_void, CStr};
use kernel::prelude::*;

/// What a name in a cgroup directory is (see `glue.h`).
const LOOKUP_DIR: c_int = 1;
const LOOKUP_FILE: c_int = 2;

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
    c_int::from(dir.online())
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
