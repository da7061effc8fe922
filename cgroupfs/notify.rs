// SPDX-License-Identifier: GPL-2.0

//! Notifications of per-cgroup files: `cgroupfs_notify()` of the API, and
//! `poll()` on open per-cgroup files.
//!
//! A notification bumps a generation counter for the (file, cgroup) pair
//! and wakes every poller. An open file remembers the generation it last
//! reported; `poll()` reports `EPOLLPRI | EPOLLERR` once for each change
//! (as PSI triggers do: the poll that reports the event consumes it).
//! Generations live in a fixed array indexed by a hash of the pair, so a
//! notification costs no allocation; pairs that share a counter only see
//! an extra wakeup.

use crate::ffi;
use crate::openfile;
use crate::registry::Registration;
use core::ffi::{c_uint, c_void};
use core::sync::atomic::{AtomicU64, Ordering};
use kernel::sync::Arc;

const NR_GENERATIONS: usize = 1024;

static GENERATIONS: [AtomicU64; NR_GENERATIONS] = [const { AtomicU64::new(0) }; NR_GENERATIONS];

fn counter(key: usize, id: u64) -> &'static AtomicU64 {
    let h = (key as u64 ^ id.rotate_left(17)).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32;
    &GENERATIONS[h as usize % NR_GENERATIONS]
}

/// The current generation of file `key` in cgroup `id`.
pub(crate) fn generation(key: usize, id: u64) -> u64 {
    counter(key, id).load(Ordering::Acquire)
}

/// `cgroupfs_notify()` of `common/cgroupfs_api.h`.
///
/// # Safety
///
/// `handle` came from `cgroupfs_register_files()` and is not unregistered.
#[no_mangle]
pub(crate) unsafe extern "C" fn cgroupfs_notify(handle: *mut c_void, index: c_uint, id: u64) {
    // SAFETY: the caller passes a live handle made by `Arc::into_raw()`;
    // borrowing it leaves the registration's reference count alone.
    let reg = unsafe { Arc::<Registration>::from_raw(handle as *const Registration) };
    let reg = core::mem::ManuallyDrop::new(reg);
    if (index as usize) < reg.len() {
        counter(reg.key(index as usize), id).fetch_add(1, Ordering::AcqRel);
        // SAFETY: no preconditions.
        unsafe { ffi::cgroupfs_glue_notify_wake() };
    }
}

/// `poll()` of an open per-cgroup file: whether a notification came since
/// the open or the last poll that reported one.
///
/// # Safety
///
/// `private` comes from an open of a cgroupfs file and is not released;
/// `file` and `pt` are the arguments of the VFS `poll()` call.
#[no_mangle]
pub(crate) unsafe extern "C" fn cgroupfs_rs_cg_poll(
    private: *mut c_void,
    file: *mut c_void,
    pt: *mut c_void,
) -> bool {
    // SAFETY: the caller's arguments.
    unsafe { ffi::cgroupfs_glue_poll_wait(file, pt) };
    // SAFETY: the caller passes a live open file.
    let open = unsafe { openfile::from_private(private) };
    let Some((key, id)) = open.target.as_ref().map(|t| t.notify_key()) else {
        return false;
    };
    let now = generation(key, id);
    open.seen.swap(now, Ordering::AcqRel) != now
}
