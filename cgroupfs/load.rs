// SPDX-License-Identifier: GPL-2.0

//! Per-cgroup load averages and birth times, behind the `stat`, `uptime`
//! and `loadavg` views.
//!
//! Load averages follow the kernel's: every 5 seconds a sampler adds the
//! number of runnable and IO-waiting tasks of each cgroup whose `loadavg`
//! was read (from the cgroup's PSI task counts: no walk over tasks), and
//! forgets cgroups that were removed. Birth times come from probes on the
//! `cgroup_mkdir` and `cgroup_rmdir` tracepoints.

use crate::ffi;
use crate::procstat::LoadAvg;
use crate::psi::tasks;
use crate::state::{state, State};
use crate::support::cgroup::Cgroup;
use crate::support::dwork::{DelayedWork, Rearm};
use crate::support::tracepoint;
use crate::support::vecutil::swap_remove;
use kernel::prelude::*;

/// The kernel's load-average period, `LOAD_FREQ`, in milliseconds.
const SAMPLE_MS: u64 = 5000;

/// Nanoseconds since boot, suspend included.
pub(crate) fn boottime_ns() -> u64 {
    // SAFETY: no preconditions.
    unsafe { ffi::cgroupfs_glue_boottime_ns() }
}

/// The load average of `cg`, tracked from now on if it was not yet.
pub(crate) fn loadavg(state: &State, cg: &Cgroup) -> Result<LoadAvg> {
    let mut loads = state.loads.lock();
    if let Some((_, l)) = loads.iter().find(|(c, _)| c.as_ptr() == cg.as_ptr()) {
        return Ok(*l);
    }
    // Start from the tasks there now, less the reader itself (which runs
    // inside its view cgroup), so that a first read is already meaningful.
    let (running, iowait) = tasks(cg);
    let l = LoadAvg::starting_at((running + iowait).saturating_sub(1));
    // SAFETY: `cg` is referenced for the call, so we can take ours.
    let own = unsafe { Cgroup::get(cg.as_ptr()) }.ok_or(ENOENT)?;
    loads.push((own, l), GFP_KERNEL)?;
    Ok(l)
}

/// When `cg` was created, in boot-time nanoseconds, if it was created
/// while the module was loaded.
pub(crate) fn birth_ns(state: &State, cg: &Cgroup) -> Option<u64> {
    let id = cg.id();
    state
        .births
        .lock()
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(_, t)| *t)
}

/// One sampler step; returns when to run again.
fn sample() -> Rearm {
    if let Ok(state) = state() {
        let mut loads = state.loads.lock();
        let mut i = 0;
        while i < loads.len() {
            if !loads[i].0.online() {
                drop(swap_remove(&mut loads, i));
                continue;
            }
            let (running, iowait) = tasks(&loads[i].0);
            loads[i].1.sample(running + iowait);
            i += 1;
        }
    }
    Some(SAMPLE_MS)
}

/// Probe of `cgroup_mkdir`: records the birth time. Must not sleep.
#[no_mangle]
pub(crate) extern "C" fn cgroupfs_rs_cgroup_mkdir(id: u64, on_dfl: bool, boottime_ns: u64) {
    // Cgroups of v1 hierarchies have ids of their own, which collide with
    // v2's: only v2 cgroups have views.
    if !on_dfl {
        return;
    }
    if let Ok(state) = state() {
        // Losing a record under memory pressure only makes that cgroup's
        // uptime the host's.
        let _ = state.births.lock().push((id, boottime_ns), GFP_ATOMIC);
    }
}

/// Probe of `cgroup_rmdir`: forgets the birth time. Must not sleep.
#[no_mangle]
pub(crate) extern "C" fn cgroupfs_rs_cgroup_rmdir(id: u64, on_dfl: bool) {
    if !on_dfl {
        return;
    }
    if let Ok(state) = state() {
        let mut births = state.births.lock();
        if let Some(i) = births.iter().position(|(i, _)| *i == id) {
            swap_remove(&mut births, i);
        }
    }
}

/// The probes on cgroup creation and removal; detached (and waited for) on
/// drop.
pub(crate) struct Probes {
    _attached: tracepoint::Probes,
}

impl Probes {
    pub(crate) fn register() -> Result<Self> {
        let mut n = 0;
        // SAFETY: no preconditions; returns the glue's static table.
        let table = unsafe { ffi::cgroupfs_glue_tracepoints(&mut n) };
        // SAFETY: the table has `n` entries, lives as long as the module and
        // only this value uses it.
        let probes = unsafe { tracepoint::Probes::new(table, n) }?;
        // The probes only use published state.
        for i in 0..n {
            probes.attach(i)?;
        }
        Ok(Self { _attached: probes })
    }
}

/// The load-average sampler; stopped (and waited for) on drop.
pub(crate) struct Sampler {
    _work: DelayedWork,
}

impl Sampler {
    pub(crate) fn start() -> Result<Self> {
        // The sampler only uses published state.
        let work = DelayedWork::new(sample, false)?;
        work.start(SAMPLE_MS);
        Ok(Self { _work: work })
    }
}
