// SPDX-License-Identifier: GPL-2.0

//! The CPU views: `cpuinfo`, `stat`, `uptime`, `loadavg` and the CPU lists
//! `online`, `possible` and `present`.

use super::cache::{cpu_snap, host_text, HostFile};
use super::whose::ViewCgroup;
use crate::cpus;
use crate::cpusnap::CpuSnap;
use crate::kfiles::{read_cg, read_host};
use crate::load;
use crate::meminfo;
use crate::procstat::{self, CpuTimes};
use crate::psi;
use crate::state::State;
use crate::support::decimal;
use crate::text::{as_str, Text};
use crate::tree::View;
use kernel::prelude::*;

/// `cpuinfo`: the host's blocks of the CPUs of `vc`, renumbered from 0.
pub(crate) fn cpuinfo(src: &State, vc: Option<&ViewCgroup>, out: &mut Text) -> Result {
    let Some(vc) = vc else {
        return out.append(&read_host(&src.proc, HostFile::Cpuinfo.path())?);
    };
    let snap = cpu_snap(src, vc)?;
    let host = host_text(src, HostFile::Cpuinfo)?;
    cpus::write_cpuinfo(as_str(&host)?, &|cpu| snap.contains(cpu), snap.count, out)
        .map_err(|_| ENOMEM)
}

/// Nanoseconds from the birth of `vc` (or boot, when it was created before
/// the module was loaded) to the moment of `snap`.
fn uptime_ns(src: &State, vc: &ViewCgroup, snap: &CpuSnap) -> u64 {
    snap.at_ns - load::birth_ns(src, &vc.cg).unwrap_or(0).min(snap.at_ns)
}

/// `stat`: the CPU time of `vc` over its CPUs, its task counts, and the
/// host's other lines.
pub(crate) fn stat(src: &State, vc: Option<&ViewCgroup>, out: &mut Text) -> Result {
    let Some(vc) = vc else {
        return out.append(&read_host(&src.proc, kernel::c_str!("stat"))?);
    };
    let snap = cpu_snap(src, vc)?;
    let uptime_ns = uptime_ns(src, vc, &snap);
    let (running, blocked) = psi::tasks(&vc.cg);
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
    procstat::write_stat(as_str(&host)?, &t, user_hz, out).map_err(|_| ENOMEM)
}

/// `uptime`: the time since `vc` was created, and its idle time over its
/// CPUs.
pub(crate) fn uptime(src: &State, vc: Option<&ViewCgroup>, out: &mut Text) -> Result {
    let Some(vc) = vc else {
        return out.append(&read_host(&src.proc, kernel::c_str!("uptime"))?);
    };
    let snap = cpu_snap(src, vc)?;
    let uptime_ns = uptime_ns(src, vc, &snap);
    procstat::write_uptime(
        uptime_ns,
        snap.count,
        snap.usage_us.saturating_mul(1000),
        out,
    )
    .map_err(|_| ENOMEM)
}

/// The number a cgroup file holds, 0 for none or `max`.
fn number(text: Option<KVVec<u8>>) -> u64 {
    text.and_then(|t| meminfo::parse_limit(&t))
        .filter(|&v| v != u64::MAX)
        .unwrap_or(0)
}

/// `loadavg`: the load averages and task counts of `vc`, and the host's
/// last pid.
pub(crate) fn loadavg(src: &State, vc: Option<&ViewCgroup>, out: &mut Text) -> Result {
    let host = read_host(&src.proc, kernel::c_str!("loadavg"))?;
    let Some(vc) = vc else {
        return out.append(&host);
    };
    let host = as_str(&host)?;
    let (running, _) = psi::tasks(&vc.cg);
    let l = load::loadavg(src, &vc.cg)?;
    // Threads of the cgroup: pids.current where the pids controller is.
    let total = number(read_cg(&src.cgroup, &vc.path, "pids.current")?).max(running);
    let last_pid = host
        .split(' ')
        .nth(4)
        .and_then(|p| decimal::number(p.trim().as_bytes()));
    l.write(running, total, last_pid.unwrap_or(0), out)
        .map_err(|_| ENOMEM)
}

/// The CPU lists `online`, `possible` and `present`: `0-(N-1)` for the N
/// CPUs of `vc`.
pub(crate) fn cpu_list(src: &State, view: View, vc: Option<&ViewCgroup>, out: &mut Text) -> Result {
    if let Some(vc) = vc {
        let snap = cpu_snap(src, vc)?;
        return cpus::write_online(snap.count, out).map_err(|_| ENOMEM);
    }
    let file = match view {
        View::CpuOnline => kernel::c_str!("devices/system/cpu/online"),
        View::CpuPossible => kernel::c_str!("devices/system/cpu/possible"),
        _ => kernel::c_str!("devices/system/cpu/present"),
    };
    out.append(&read_host(&src.sys, file)?)
}
