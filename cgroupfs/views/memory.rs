// SPDX-License-Identifier: GPL-2.0

//! The memory views: `meminfo`, `swaps` and `vmstat`.

use super::cache::{host_text, mem_stat, HostFile};
use super::whose::ViewCgroup;
use crate::kfiles::{read_cg, read_host};
use crate::meminfo::{self, MemView};
use crate::state::State;
use crate::text::{as_str, Text};
use crate::vmstat;
use core::fmt::Write;
use kernel::prelude::*;

/// The memory limits, usage and statistics of `vc`; `None` without a
/// memory controller there (nothing to virtualise). Limits are the
/// tightest of `vc` and its ancestors.
fn mem_view(src: &State, vc: &ViewCgroup) -> Result<Option<MemView>> {
    let Ok(own) = vc.cg.memory() else {
        return Ok(None);
    };
    let (mut limit, mut swap_limit) = (own.max, own.swap_max);
    let mut up = vc.cg.parent();
    while let Some(c) = up {
        if let Ok(m) = c.memory() {
            limit = limit.min(m.max);
            swap_limit = swap_limit.min(m.swap_max);
        }
        up = c.parent();
    }
    Ok(Some(MemView {
        limit,
        usage: own.usage,
        swap_limit,
        swap_usage: own.swap_usage,
        stat: mem_stat(src, vc)?,
    }))
}

/// The memory view of `vc`, if there is one.
fn mem_view_of(src: &State, vc: Option<&ViewCgroup>) -> Result<Option<MemView>> {
    match vc {
        Some(vc) => mem_view(src, vc),
        None => Ok(None),
    }
}

/// `meminfo`: the host's, with the memory numbers of `vc`.
pub(crate) fn meminfo(src: &State, vc: Option<&ViewCgroup>, out: &mut Text) -> Result {
    let host = match vc {
        Some(_) => host_text(src, HostFile::Meminfo)?,
        None => read_host(&src.proc, HostFile::Meminfo.path())?,
    };
    let host = as_str(&host)?;
    let mv = mem_view_of(src, vc)?;
    meminfo::render(host, mv.as_ref(), out).map_err(|_| ENOMEM)
}

/// `swaps`: its fixed header and one line for the swap of `vc`, or of the
/// host. `/proc/swaps` itself cannot be read from the kernel (procfs
/// gives it no `read_iter`).
pub(crate) fn swaps(src: &State, vc: Option<&ViewCgroup>, out: &mut Text) -> Result {
    let host = read_host(&src.proc, kernel::c_str!("meminfo"))?;
    let host = as_str(&host)?;
    let mv = match mem_view_of(src, vc)? {
        Some(v) => v,
        None => meminfo::host_view(host),
    };
    meminfo::render_swaps(host, &mv, out).map_err(|_| ENOMEM)
}

/// `vmstat`: the host's, with the page counts and events of `vc`.
pub(crate) fn vmstat(src: &State, vc: Option<&ViewCgroup>, out: &mut Text) -> Result {
    let host = read_host(&src.proc, kernel::c_str!("vmstat"))?;
    let host = as_str(&host)?;
    let mv = mem_view_of(src, vc)?;
    let (Some(vc), Some(mv)) = (vc, mv) else {
        return out.write_str(host).map_err(|_| ENOMEM);
    };
    let stat = read_cg(&src.cgroup, &vc.path, "memory.stat")?.ok_or(ENOENT)?;
    let stat = as_str(&stat)?;
    let meminfo = read_host(&src.proc, kernel::c_str!("meminfo"))?;
    let meminfo = as_str(&meminfo)?;
    // SAFETY: no preconditions.
    let page = unsafe { crate::ffi::cgroupfs_glue_page_size() } as u64;
    let free = meminfo::free_bytes(meminfo, &mv) / page.max(1);
    vmstat::render(host, stat, free, page, out).map_err(|_| ENOMEM)
}
