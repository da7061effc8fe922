// SPDX-License-Identifier: GPL-2.0

//! What the views keep of their sources for `stat_cache_ms`.
//!
//! The kernel formats `memory.stat`, `cpu.stat` and the host's `/proc`
//! files as text on every read, which costs more than the whole view; and
//! the statistics in them are batched by the kernel anyway. So a view
//! takes them from [`State`]'s caches when they are at most
//! `stat_cache_ms` old. Limits and usage of the memory controller are
//! never cached: they are read live.

use super::whose::ViewCgroup;
use crate::cpusnap::CpuSnap;
use crate::kfiles::{copy, read_cg, read_host};
use crate::load;
use crate::meminfo::MemStat;
use crate::params;
use crate::recent::Recent;
use crate::state::State;
use kernel::prelude::*;
use kernel::sync::Mutex;

/// The value of `key` in `cache` if it is at most `stat_cache_ms` old,
/// else `read(now)`, kept there (`dup` copies a value).
fn cached<T, const N: usize>(
    cache: &Mutex<Recent<T, N>>,
    key: u64,
    dup: impl Fn(&T) -> Result<T>,
    read: impl FnOnce(u64) -> Result<T>,
) -> Result<T> {
    let (ttl_ns, now) = (params::stat_cache_ns(), load::boottime_ns());
    if ttl_ns == 0 {
        return read(now);
    }
    if let Some(v) = cache.lock().get_with(key, now, ttl_ns, &dup) {
        return v;
    }
    let v = read(now)?;
    // Without memory for the copy, the next open reads again.
    if let Ok(kept) = dup(&v) {
        cache.lock().put(key, now, ttl_ns, kept);
    }
    Ok(v)
}

/// The host files whose lines container views keep.
#[derive(Clone, Copy)]
pub(crate) enum HostFile {
    Meminfo,
    Stat,
    Cpuinfo,
}

impl HostFile {
    /// Its path in the private `proc` mount.
    pub(crate) fn path(self) -> &'static CStr {
        match self {
            HostFile::Meminfo => kernel::c_str!("meminfo"),
            HostFile::Stat => kernel::c_str!("stat"),
            HostFile::Cpuinfo => kernel::c_str!("cpuinfo"),
        }
    }
}

/// The host's `/proc` file `f` for a container view, at most
/// `stat_cache_ms` old. A container view keeps only host-wide lines of it
/// (totals that do not change, interrupt counts, CPU descriptions); the
/// host's own view always reads the file live.
pub(crate) fn host_text(src: &State, f: HostFile) -> Result<KVVec<u8>> {
    cached(
        &src.host_texts,
        f as u64,
        |t| copy(t),
        |_| read_host(&src.proc, f.path()),
    )
}

/// The parsed `memory.stat` of `vc`, at most `stat_cache_ms` old.
pub(crate) fn mem_stat(src: &State, vc: &ViewCgroup) -> Result<MemStat> {
    cached(
        &src.memstats,
        vc.cg.id(),
        |s| Ok(s.clone()),
        |_| {
            Ok(read_cg(&src.cgroup, &vc.path, "memory.stat")?
                .map(|s| MemStat::parse(&s))
                .unwrap_or_default())
        },
    )
}

/// The [`CpuSnap`] of `vc`, at most `stat_cache_ms` old: a whole
/// snapshot, so that a `stat` shows CPU time and uptime of one moment and
/// never goes backwards.
pub(crate) fn cpu_snap(src: &State, vc: &ViewCgroup) -> Result<CpuSnap> {
    cached(&src.cpusnaps, vc.cg.id(), CpuSnap::try_clone, |now| {
        CpuSnap::read(&src.cgroup, &src.sys, &vc.path, now)
    })
}
