// SPDX-License-Identifier: GPL-2.0

//! Rendering the view files for the task that opens them.
//!
//! A view is rendered whole when the file is opened and served from that
//! text, so every read of one open file sees one consistent snapshot, at any
//! read size and offset, as with procfs's single-record files.
//!
//! [`whose`] decides which cgroup a reader sees; [`memory`], [`cpu`] and
//! [`io`] render the views; [`cache`] keeps what they read for
//! `stat_cache_ms`.

mod cache;
mod cpu;
mod io;
mod memory;
mod whose;

use crate::openfile::{self, OpenFile};
use crate::state::state;
use crate::text::Text;
use crate::tree::View;
use core::ffi::{c_int, c_ulong, c_void};
use kernel::prelude::*;

/// Renders `view` for the current task into `out`.
fn render(view: View, out: &mut Text) -> Result {
    let src = state()?;
    let vc = whose::current(src)?;
    let vc = vc.as_ref();
    match view {
        View::Meminfo => memory::meminfo(src, vc, out),
        View::Swaps => memory::swaps(src, vc, out),
        View::Vmstat => memory::vmstat(src, vc, out),
        View::Cpuinfo => cpu::cpuinfo(src, vc, out),
        View::Stat => cpu::stat(src, vc, out),
        View::Uptime => cpu::uptime(src, vc, out),
        View::Loadavg => cpu::loadavg(src, vc, out),
        View::CpuOnline | View::CpuPossible | View::CpuPresent => cpu::cpu_list(src, view, vc, out),
        View::PressureCpu | View::PressureMemory | View::PressureIo => {
            io::pressure(src, view, vc, out)
        }
        View::Diskstats => io::diskstats(src, vc, out),
    }
}

/// Renders `view` for the reading task.
fn render_view(view: View) -> Result<KVVec<u8>> {
    // One allocation serves the common views; longer ones grow from it.
    let mut text = Text(KVVec::with_capacity(8192, GFP_KERNEL)?);
    render(view, &mut text)?;
    Ok(text.0)
}

/// Renders view `id` for the opening task into a new open file whose
/// pointer goes to `*private`.
///
/// # Safety
///
/// `private` must be valid for a pointer write.
#[no_mangle]
pub(crate) unsafe extern "C" fn cgroupfs_rs_view_open(
    id: c_ulong,
    write: bool,
    private: *mut *mut c_void,
) -> c_int {
    if write {
        return EACCES.to_errno();
    }
    let Some(view) = View::from_id(id as usize) else {
        return ENOENT.to_errno();
    };
    let open = render_view(view).and_then(|text| OpenFile::new(&text, None, 0));
    // SAFETY: the caller guarantees `private` is writable.
    unsafe { openfile::publish(open, private) }
}

/// A read of view `id` at `*pos` into the `struct iov_iter` `iter`: the
/// bytes read, or a negative errno.
///
/// # Safety
///
/// `private` comes from an open of view `id` and is not released; `pos`
/// and `iter` are the read's position and destination.
#[no_mangle]
pub(crate) unsafe extern "C" fn cgroupfs_rs_view_read(
    id: c_ulong,
    private: *mut c_void,
    pos: *mut i64,
    iter: *mut c_void,
) -> isize {
    // SAFETY: the caller passes a live open file.
    let open = unsafe { openfile::from_private(private) };
    let render = || render_view(View::from_id(id as usize).ok_or(ENOENT)?);
    // SAFETY: the caller passes the read's position and iterator.
    match unsafe { open.read(&mut *pos, iter, false, render) } {
        Ok(n) => n as isize,
        Err(e) => e.to_errno() as isize,
    }
}
