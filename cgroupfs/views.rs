// SPDX-License-Identifier: GPL-2.0

//! Rendering the view files for the task that opens them.
//!
//! A view is rendered whole when the file is opened and served from that
//! text, so every read of one open file sees one consistent snapshot, at any
//! read size and offset, as with procfs's single-record files.

use crate::cgroup::Cgroup;
use crate::cpus;
use crate::cpusnap::CpuSnap;
use crate::diskstats;
use crate::kfiles::{copy, read_cg, read_host};
use crate::load;
use crate::meminfo::{self, MemStat, MemView};
use crate::openfile::{self, OpenFile};
use crate::params;
use crate::procstat::{self, CpuTimes};
use crate::recent::Recent;
use crate::state::{state, State};
use crate::support::vecutil::swap_remove;
use crate::text::{as_str, Text};
use crate::tree::View;
use crate::viewpath;
use crate::vmstat;
use core::ffi::{c_int, c_ulong, c_void};
use core::fmt::Write;
use kernel::prelude::*;
use kernel::sync::Mutex;

/// The view cgroup of the current task, or `None` for the host view: its
/// pod if it is in one, else its cgroup namespace root if that is not the
/// root, else its own cgroup.
fn current_view(state: &State) -> Result<Option<Cgroup>> {
    if !params::enabled() {
        return Ok(None);
    }
    let own = Cgroup::current().ok_or(ENOENT)?;
    let ns_root = Cgroup::current_ns_root().ok_or(ENOENT)?;
    // Only walk up when some cgroup has role 1: the common case is cheap.
    if !state.pods.lock().is_empty() {
        let mut chain = KVec::new();
        let mut c = Some(own);
        while let Some(cg) = c {
            let pod = state.is_pod(&cg);
            // A pod never reaches above the reader's namespace.
            let at_ns_root = cg.as_ptr() == ns_root.as_ptr();
            c = if at_ns_root { None } else { cg.parent() };
            chain.push((cg, pod), GFP_KERNEL)?;
        }
        if let Some(i) = viewpath::pod_index(chain.iter().map(|(_, pod)| *pod)) {
            return Ok(Some(swap_remove(&mut chain, i).0));
        }
        let own = swap_remove(&mut chain, 0).0;
        return Ok(ns_or_own(own, ns_root));
    }
    Ok(ns_or_own(own, ns_root))
}

/// The namespace root when the reader is in a namespace, else its own
/// cgroup; `None` for the root cgroup (host view).
fn ns_or_own(own: Cgroup, ns_root: Cgroup) -> Option<Cgroup> {
    let v = if ns_root.parent().is_some() {
        ns_root
    } else {
        own
    };
    v.parent().is_some().then_some(v)
}

fn number(text: Option<KVVec<u8>>) -> u64 {
    text.and_then(|t| meminfo::parse_limit(&t))
        .filter(|&v| v != u64::MAX)
        .unwrap_or(0)
}

fn mem_view(src: &State, cgroup: &[u8], cg: &Cgroup) -> Result<Option<MemView>> {
    let Some(own) = cg.memory() else {
        // No memory controller for this cgroup: nothing to virtualise.
        return Ok(None);
    };
    let (mut limit, mut swap_limit) = (own.max, own.swap_max);
    let mut up = cg.parent();
    while let Some(c) = up {
        if let Some(m) = c.memory() {
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
        stat: mem_stat(src, cgroup, cg)?,
    }))
}

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
enum HostFile {
    Meminfo,
    Stat,
    Cpuinfo,
}

impl HostFile {
    fn path(self) -> &'static CStr {
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
fn host_text(src: &State, f: HostFile) -> Result<KVVec<u8>> {
    cached(
        &src.host_texts,
        f as u64,
        |t| copy(t),
        |_| read_host(&src.proc, f.path()),
    )
}

/// The parsed `memory.stat` of `cg` (at path `cgroup`), at most
/// `stat_cache_ms` old. Limits and usage are never cached: they are read
/// live by [`Cgroup::memory`].
fn mem_stat(src: &State, cgroup: &[u8], cg: &Cgroup) -> Result<MemStat> {
    cached(
        &src.memstats,
        cg.id(),
        |s| Ok(s.clone()),
        |_| {
            Ok(read_cg(&src.cgroup, cgroup, "memory.stat")?
                .map(|s| MemStat::parse(&s))
                .unwrap_or_default())
        },
    )
}

/// The [`CpuSnap`] of `vc` (at path `c`), at most `stat_cache_ms` old: a
/// whole snapshot, so that a `stat` shows CPU time and uptime of one
/// moment and never goes backwards.
fn cpu_snap(src: &State, c: &[u8], vc: &Cgroup) -> Result<CpuSnap> {
    cached(&src.cpusnaps, vc.id(), CpuSnap::try_clone, |now| {
        CpuSnap::read(&src.cgroup, &src.sys, c, now)
    })
}

/// `stat` or `uptime` of the view cgroup `vc` (at path `c`).
fn cpu_view(src: &State, view: View, c: &[u8], vc: &Cgroup, out: &mut Text) -> Result {
    let fmt_err = |_| ENOMEM;
    let snap = cpu_snap(src, c, vc)?;
    let uptime_ns = snap.at_ns - load::birth_ns(src, vc).unwrap_or(0).min(snap.at_ns);
    if view == View::Uptime {
        return procstat::write_uptime(
            uptime_ns,
            snap.count,
            snap.usage_us.saturating_mul(1000),
            out,
        )
        .map_err(fmt_err);
    }
    let (running, blocked) = load::tasks(vc);
    let t = CpuTimes {
        cpus: snap.count,
        usage_us: snap.usage_us,
        user_us: snap.user_us,
        system_us: snap.system_us,
        uptime_us: uptime_ns / 1000,
        running,
        blocked,
    };
    let host = host_text(src, HostFile::Stat)?;
    // SAFETY: no preconditions.
    let user_hz = unsafe { crate::ffi::cgroupfs_glue_user_hz() } as u64;
    procstat::write_stat(as_str(&host)?, &t, user_hz, out).map_err(fmt_err)
}

/// `loadavg` of the view cgroup `vc` (at path `c`); `host` is the host's.
fn loadavg_view(src: &State, host: &str, c: &[u8], vc: &Cgroup, out: &mut Text) -> Result {
    let (running, _) = load::tasks(vc);
    let l = load::loadavg(src, vc)?;
    // Threads of the cgroup: pids.current where the pids controller is.
    let total = number(read_cg(&src.cgroup, c, "pids.current")?).max(running);
    let last_pid = host
        .split(' ')
        .nth(4)
        .and_then(|p| meminfo::parse_u64(p.trim().as_bytes()));
    l.write(running, total, last_pid.unwrap_or(0), out)
        .map_err(|_| ENOMEM)
}

fn render(view: View, out: &mut Text) -> Result {
    let src = state()?;
    let view_cg = current_view(src)?;
    let cg = match &view_cg {
        Some(c) => Some(c.path(&src.base)?),
        None => None,
    };
    let fmt_err = |_| ENOMEM;
    // The memory view of the view cgroup, for the views that need it.
    let mem = || match (&cg, &view_cg) {
        (Some(c), Some(vc)) => mem_view(src, c, vc),
        _ => Ok(None),
    };
    match view {
        View::Meminfo => {
            let host = match cg {
                Some(_) => host_text(src, HostFile::Meminfo)?,
                None => read_host(&src.proc, HostFile::Meminfo.path())?,
            };
            let host = as_str(&host)?;
            let mv = mem()?;
            meminfo::render(host, mv.as_ref(), out).map_err(fmt_err)
        }
        View::Cpuinfo => {
            let (Some(c), Some(vc)) = (&cg, &view_cg) else {
                let host = read_host(&src.proc, HostFile::Cpuinfo.path())?;
                return out.append(&host);
            };
            let snap = cpu_snap(src, c, vc)?;
            let host = host_text(src, HostFile::Cpuinfo)?;
            cpus::write_cpuinfo(as_str(&host)?, &|cpu| snap.contains(cpu), snap.count, out)
                .map_err(fmt_err)
        }
        View::Swaps => {
            // /proc/swaps cannot be read from the kernel (procfs gives it no
            // read_iter): the view is its fixed header and one line for the
            // swap of the view cgroup, or of the host.
            let host = read_host(&src.proc, kernel::c_str!("meminfo"))?;
            let host = as_str(&host)?;
            let mv = mem()?;
            let mv = match mv {
                Some(v) => v,
                None => meminfo::host_view(host),
            };
            meminfo::render_swaps(host, &mv, out).map_err(fmt_err)
        }
        View::PressureCpu | View::PressureMemory | View::PressureIo => {
            let file = match view {
                View::PressureCpu => "cpu.pressure",
                View::PressureMemory => "memory.pressure",
                _ => "io.pressure",
            };
            // The root cgroup's files are the system-wide PSI, the same as
            // /proc/pressure/* (which cannot be read from the kernel: procfs
            // gives it no read_iter).
            let root: &[u8] = b"";
            let text = read_cg(&src.cgroup, cg.as_deref().unwrap_or(root), file)?.ok_or(ENOENT)?;
            out.append(&text)
        }
        View::Vmstat => {
            let host = read_host(&src.proc, kernel::c_str!("vmstat"))?;
            let host = as_str(&host)?;
            let mv = mem()?;
            let (Some(c), Some(mv)) = (&cg, mv) else {
                return out.write_str(host).map_err(fmt_err);
            };
            let stat = read_cg(&src.cgroup, c, "memory.stat")?.ok_or(ENOENT)?;
            let stat = as_str(&stat)?;
            let meminfo = read_host(&src.proc, kernel::c_str!("meminfo"))?;
            let meminfo = as_str(&meminfo)?;
            // SAFETY: no preconditions.
            let page = unsafe { crate::ffi::cgroupfs_glue_page_size() } as u64;
            let free = meminfo::free_bytes(meminfo, &mv) / page.max(1);
            vmstat::render(host, stat, free, page, out).map_err(fmt_err)
        }
        View::Diskstats => {
            let host = read_host(&src.proc, kernel::c_str!("diskstats"))?;
            let host = as_str(&host)?;
            let io = match &cg {
                Some(c) => read_cg(&src.cgroup, c, "io.stat")?,
                None => None,
            };
            // Without the io controller there is nothing per cgroup.
            let Some(io) = io else {
                return out.write_str(host).map_err(fmt_err);
            };
            let io = as_str(&io)?;
            diskstats::render(host, io, out).map_err(fmt_err)
        }
        View::Stat | View::Uptime | View::Loadavg => {
            if let (Some(c), Some(vc), false) = (&cg, &view_cg, view == View::Loadavg) {
                return cpu_view(src, view, c, vc, out);
            }
            let host_file = match view {
                View::Stat => kernel::c_str!("stat"),
                View::Uptime => kernel::c_str!("uptime"),
                _ => kernel::c_str!("loadavg"),
            };
            let host = read_host(&src.proc, host_file)?;
            match (&cg, &view_cg) {
                (Some(c), Some(vc)) => loadavg_view(src, as_str(&host)?, c, vc, out),
                _ => out.append(&host),
            }
        }
        View::CpuOnline | View::CpuPossible | View::CpuPresent => {
            if let (Some(c), Some(vc)) = (&cg, &view_cg) {
                let snap = cpu_snap(src, c, vc)?;
                return cpus::write_online(snap.count, out).map_err(fmt_err);
            }
            let file = match view {
                View::CpuOnline => kernel::c_str!("devices/system/cpu/online"),
                View::CpuPossible => kernel::c_str!("devices/system/cpu/possible"),
                _ => kernel::c_str!("devices/system/cpu/present"),
            };
            out.append(&read_host(&src.sys, file)?)
        }
    }
}

/// Renders view `id` for the reading task.
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
