// SPDX-License-Identifier: GPL-2.0

//! Notifications of per-cgroup files (`cgroupfs_notify()` of the API, and
//! writes to cgroupfs's own files), and `poll()` on open per-cgroup files.
//!
//! A notification bumps a generation counter for the (file, cgroup) pair
//! and wakes the pollers waiting on that counter. An open file keeps the
//! generation its text reflects, taken when the text is rendered (at open,
//! and when a read from offset 0 renders it anew, as kernfs does); `poll()`
//! reports `EPOLLPRI | EPOLLERR` while a newer generation exists. So an
//! event is never consumed by a poll: an `epoll_ctl(ADD)` after the
//! notification sees it, and so does every thread polling the file, until
//! the file is read again from the start. Generations and their wait
//! queues live in fixed arrays indexed by a hash of the pair, so a
//! notification costs no allocation; pairs that share a slot only see an
//! extra wakeup.

use crate::ffi;
use crate::openfile;
use core::ffi::{c_uint, c_void};
use core::sync::atomic::{AtomicU64, Ordering};

/// Slots of generations and wait queues: `CGROUPFS_NR_WAIT_QUEUES` of
/// `glue.h`.
const NR_SLOTS: usize = 1024;

static GENERATIONS: [AtomicU64; NR_SLOTS] = [const { AtomicU64::new(0) }; NR_SLOTS];

/// The slot of file `key` in cgroup `id`.
fn slot(key: usize, id: u64) -> usize {
    let h = (key as u64 ^ id.rotate_left(17)).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32;
    h as usize % NR_SLOTS
}

/// The current generation of file `key` in cgroup `id`.
pub(crate) fn generation(key: usize, id: u64) -> u64 {
    GENERATIONS[slot(key, id)].load(Ordering::Acquire)
}

/// Tells the pollers of file `key` in cgroup `id` that it has news.
pub(crate) fn notify(key: usize, id: u64) {
    let slot = slot(key, id);
    GENERATIONS[slot].fetch_add(1, Ordering::AcqRel);
    // SAFETY: `slot` is below `NR_SLOTS`, the number of wait queues.
    unsafe { ffi::cgroupfs_glue_notify_wake(slot as c_uint) };
}

/// `poll()` of an open per-cgroup file: whether a notification came since
/// its text was rendered.
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
    // SAFETY: the caller passes a live open file.
    let open = unsafe { openfile::from_private(private) };
    let Some((key, id)) = open.target.as_ref().map(|t| t.notify_key()) else {
        return false;
    };
    let slot = slot(key, id);
    // SAFETY: the caller's arguments; `slot` is below `NR_SLOTS`.
    unsafe { ffi::cgroupfs_glue_poll_wait(file, pt, slot as c_uint) };
    GENERATIONS[slot].load(Ordering::Acquire) != open.seen.load(Ordering::Acquire)
}
