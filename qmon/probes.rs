// SPDX-License-Identifier: GPL-2.0

//! What each probe measures, and attaching and detaching them.
//!
//! The C glue's probes call the `qmon_rs_*` functions below with what the
//! event carries. Latencies whose start and end are different events keep
//! their start in [`Stamps`]:
//!
//! - `schedlat_wait` is the time from when a task was queued (woken, new,
//!   or switched out while runnable) to when it is switched in. The
//!   scheduler's own accounting (`CONFIG_SCHED_INFO`, which delay
//!   accounting and schedstats select) already stamps that time in the
//!   task, so the switch probe reads it there and keeps nothing; without
//!   it, such a task is stamped "queued" here;
//! - a task switched out asleep is stamped with the kind of sleep
//!   ([`sleep_series`]); the time from then to its wakeup is that series.
//!   With the scheduler's queue times, the wakeup's time is the queue time
//!   the switch probe reads when the task is switched in, so no probe on
//!   wakeups is attached at all (the sleep is counted when the woken task
//!   gets a CPU); without them, a wakeup probe measures it and stamps the
//!   task "queued";
//! - direct reclaim, global or of a memory cgroup, is stamped at its begin
//!   tracepoint and measured at its end;
//! - a block request is measured from its own start time (stamped by the
//!   block layer when the request was allocated for the IO submitted) or,
//!   when the block layer keeps none, from its issue to the driver;
//! - direct compaction is timed by a return probe in the glue.
//!
//! A latency at or above a threshold of `sli.control` also goes into the
//! event buffer, with the task and its stack, and may complete a count that
//! wakes `sli.monitor` pollers: the probe queues an irq_work, which queues
//! the work item that notifies (a probe inside the scheduler cannot wake
//! tasks itself).
//!
//! Probes run in atomic context: they take no lock, allocate nothing, and
//! only touch per-CPU histograms, the start-time slots and, over a
//! threshold, a shared counter and the event ring.

use crate::cgstats::{CgStats, Crossing};
use crate::events::{Event, STACK_DEPTH};
use crate::ffi;
use crate::hist::{sleep_series, Series};
use crate::monitor::{published, Monitor};
use crate::rcu::ReadSide;
use crate::support::dwork::Rearm;
use core::ffi::{c_uint, c_void};
use core::sync::atomic::Ordering;
use kernel::prelude::*;

/// Tags of task stamps.
const QUEUED: u8 = 1;
const SLEEP_TAG_BASE: u8 = 2;

fn sleep_tag(s: Series) -> u8 {
    SLEEP_TAG_BASE + (s as usize - Series::SchedSleep as usize) as u8
}

fn tag_sleep(tag: u8) -> Option<Series> {
    match tag.checked_sub(SLEEP_TAG_BASE)? {
        0 => Some(Series::SchedSleep),
        1 => Some(Series::SchedBlock),
        2 => Some(Series::SchedIoBlock),
        _ => None,
    }
}

/// Keys of reclaim stamps: the task's address with a low bit (tasks are
/// cache-line aligned, so these never equal another object's address).
fn reclaim_key(task: usize, memcg: bool) -> usize {
    task | if memcg { 2 } else { 1 }
}

impl Monitor {
    /// Counts `ns` for the cgroup `cgrp` (`id`); a latency over a threshold
    /// goes into the event buffer, with `task` (0: none) and its stack.
    ///
    /// # Safety
    ///
    /// Called from a probe, with `cgrp` null or valid for the call, and
    /// `task` 0 or a task that stays valid for the call.
    unsafe fn record(
        &self,
        rcu: &ReadSide,
        cgrp: *mut c_void,
        id: u64,
        series: Series,
        ns: u64,
        task: usize,
    ) {
        // SAFETY: the caller's guarantee.
        if let Some(s) = unsafe { self.table.find(rcu, cgrp, id) } {
            // SAFETY: no preconditions; probes cannot migrate.
            let cpu = unsafe { ffi::qmon_glue_cpu() };
            // SAFETY: the caller's guarantee.
            unsafe { self.count(s, cpu, series, ns, task) };
        }
    }

    /// Counts `ns` in the entry `s` on `cpu` (the probe's), as
    /// [`Monitor::record`] does.
    ///
    /// # Safety
    ///
    /// Called from a probe, with `task` 0 or a task that stays valid for
    /// the call.
    #[inline(always)]
    unsafe fn count(&self, s: &CgStats, cpu: c_uint, series: Series, ns: u64, task: usize) {
        let crossing = s.record(cpu as usize, series, ns, self.table.armed(series));
        if crossing.over || crossing.notify {
            // SAFETY: the caller's guarantee.
            unsafe { self.crossed(s, crossing, series, ns, task) };
        }
    }

    /// The rare part of [`Monitor::count`]: a latency reached a threshold.
    ///
    /// # Safety
    ///
    /// As for [`Monitor::count`].
    #[cold]
    #[inline(never)]
    unsafe fn crossed(
        &self,
        s: &CgStats,
        crossing: Crossing,
        series: Series,
        ns: u64,
        task: usize,
    ) {
        if crossing.over {
            // SAFETY: no preconditions.
            let mut e = Event::new(unsafe { ffi::qmon_glue_ktime() }, ns, series);
            e.nr_ids = s.chain(&mut e.ids);
            if task != 0 {
                let t = task as *mut c_void;
                let mut pid_ref: core::ffi::c_ulong = 0;
                // SAFETY: `t` is valid (the caller's guarantee); `comm` has
                // the 16 bytes the glue writes; the other two are writable.
                e.pid = unsafe {
                    ffi::qmon_glue_task(t, e.comm.as_mut_ptr().cast(), &mut pid_ref, &mut e.uid)
                };
                e.pid_ref = pid_ref as u64;
                // SAFETY: as above; `stack` holds STACK_DEPTH entries.
                let n = unsafe {
                    ffi::qmon_glue_stack(t, e.stack.as_mut_ptr().cast(), STACK_DEPTH as c_uint)
                };
                e.nr_stack = n as usize;
            }
            self.events().push(&e);
        }
        if crossing.notify {
            // SAFETY: no preconditions; safe in any context.
            unsafe { ffi::qmon_glue_kick() };
        }
    }

    /// Attaches or detaches the probes as `enabled` says.
    ///
    /// # Safety
    ///
    /// The caller holds qmon's parameter lock.
    pub(crate) unsafe fn apply(&self, enabled: bool) -> Result {
        if enabled == self.attached.load(Ordering::Relaxed) {
            return Ok(());
        }
        if enabled {
            self.table.update()?;
            // Stamps left from before a detach are stale: no probe runs now.
            self.stamps().clear();
            self.attach()?;
        } else {
            self.detach();
        }
        self.attached.store(enabled, Ordering::Relaxed);
        Ok(())
    }

    /// Attaches every probe (the wakeup probes only without the
    /// scheduler's queue times), or none. The probes only use the
    /// published monitor.
    fn attach(&self) -> Result {
        for i in 0..self.probes.len() {
            if self.queue_times && ffi::TP_WAKEUPS.contains(&i) {
                continue;
            }
            if let Err(e) = self.probes.attach(i) {
                pr_err!(
                    "cannot attach to tracepoint {}: {}\n",
                    self.probes.name(i).to_str().unwrap_or("?"),
                    e.to_errno()
                );
                self.probes.detach_all();
                return Err(e);
            }
        }
        // SAFETY: no preconditions.
        let compact = unsafe { ffi::qmon_glue_compact_attach() };
        self.compact.store(compact, Ordering::Relaxed);
        Ok(())
    }

    /// Detaches every probe; none runs after this returns.
    fn detach(&self) {
        if self.compact.swap(false, Ordering::Relaxed) {
            // SAFETY: the return probe is attached, as `compact` said.
            unsafe { ffi::qmon_glue_compact_detach() };
        }
        self.probes.detach_all();
    }
}

/// Probe of `sched_switch`; `states` packs `prev`'s state, flags and the
/// CPU (see `glue.h`).
#[no_mangle]
pub(crate) extern "C" fn qmon_rs_switch(
    prev: usize,
    next: usize,
    states: u64,
    next_cgrp: *mut c_void,
    next_id: u64,
    next_queued: u64,
) {
    let Some(m) = published() else { return };
    // SAFETY: the glue calls the probes inside an RCU read-side critical
    // section (glue.h), which lasts until they return.
    let rcu = unsafe { ReadSide::assume() };
    let prev_state = states as c_uint;
    let flags = (states >> 32) as u8 as c_uint;
    let cpu = (states >> 40) as c_uint;
    // SAFETY: no preconditions.
    let now = unsafe { ffi::qmon_glue_clock() };
    let stamps = m.stamps();
    if flags & ffi::TASK_IDLE == 0 {
        // A preempted task stays runnable whatever state it was entering.
        let runnable = prev_state == 0 || flags & ffi::TASK_PREEMPTED != 0;
        if runnable {
            // The scheduler stamps its queue time, if it keeps them.
            if !m.queue_times {
                m.put(prev, QUEUED, now);
            }
        } else if let Some(s) = sleep_series(prev_state, flags & ffi::TASK_IOWAIT != 0) {
            if m.queue_times {
                // With queue times a task has a stamp only from its
                // switch-out asleep to its next switch-in, which takes it:
                // one that is running has none.
                m.insert(prev, sleep_tag(s), now);
            } else {
                m.put(prev, sleep_tag(s), now);
            }
        } else {
            stamps.take(prev);
        }
    }
    if flags & ffi::NEXT_IDLE != 0 {
        return;
    }
    if !m.queue_times {
        if let Some((QUEUED, queued)) = stamps.take(next) {
            // SAFETY: a probe, passing the glue's cgroup.
            unsafe {
                m.record(
                    &rcu,
                    next_cgrp,
                    next_id,
                    Series::SchedWait,
                    now.saturating_sub(queued),
                    next,
                )
            };
        }
        return;
    }
    // Asleep since its stamp, woken when it was queued.
    let slept = stamps
        .take(next)
        .and_then(|(tag, t)| Some((tag_sleep(tag)?, t)));
    // 0: not queued since it last ran (the scheduler's "no stamp").
    if next_queued == 0 {
        return;
    }
    let Some(cache) = m.switch_cache.get(cpu as usize) else {
        return;
    };
    // SAFETY: a probe, passing the glue's cgroup; only the switch probe of
    // this CPU uses its cache, with interrupts off.
    let Some(s) = (unsafe { m.table.find_cached(&rcu, cache, next_cgrp, next_id) }) else {
        return;
    };
    if let Some((series, t)) = slept {
        // SAFETY: a probe; `next` is valid for it.
        unsafe { m.count(s, cpu, series, next_queued.saturating_sub(t), next) };
    }
    // SAFETY: as above.
    unsafe {
        m.count(
            s,
            cpu,
            Series::SchedWait,
            now.saturating_sub(next_queued),
            next,
        )
    };
}

/// Probe of `sched_wakeup` and `sched_wakeup_new`, attached only when the
/// scheduler keeps no queue times.
#[no_mangle]
pub(crate) extern "C" fn qmon_rs_wakeup(
    task: usize,
    new_task: bool,
    cgrp: *mut c_void,
    id: u64,
    now: u64,
) {
    let Some(m) = published() else { return };
    // SAFETY: the glue calls the probes inside an RCU read-side critical
    // section (glue.h), which lasts until they return.
    let rcu = unsafe { ReadSide::assume() };
    if new_task {
        m.put(task, QUEUED, now);
        return;
    }
    // Only a task stamped asleep: a wakeup of a task that had not yet
    // switched out measures nothing.
    let Some((tag, t)) = m.stamps().get(task) else {
        return;
    };
    if let Some(s) = tag_sleep(tag) {
        // SAFETY: a probe, passing the glue's cgroup.
        unsafe { m.record(&rcu, cgrp, id, s, now.saturating_sub(t), task) };
        m.put(task, QUEUED, now);
    }
}

/// Probe of `mm_vmscan_direct_reclaim_begin` and `_memcg_reclaim_begin`.
#[no_mangle]
pub(crate) extern "C" fn qmon_rs_reclaim_begin(task: usize, memcg: bool, now: u64) {
    if let Some(m) = published() {
        m.put(reclaim_key(task, memcg), 0, now);
    }
}

/// Probe of `mm_vmscan_direct_reclaim_end` and `_memcg_reclaim_end`.
#[no_mangle]
pub(crate) extern "C" fn qmon_rs_reclaim_end(
    task: usize,
    memcg: bool,
    cgrp: *mut c_void,
    id: u64,
    now: u64,
) {
    let Some(m) = published() else { return };
    // SAFETY: the glue calls the probes inside an RCU read-side critical
    // section (glue.h), which lasts until they return.
    let rcu = unsafe { ReadSide::assume() };
    if let Some((_, t)) = m.stamps().take(reclaim_key(task, memcg)) {
        let s = if memcg {
            Series::MemMemcgReclaim
        } else {
            Series::MemGlobalReclaim
        };
        // SAFETY: a probe, passing the glue's cgroup and the current task.
        unsafe { m.record(&rcu, cgrp, id, s, now.saturating_sub(t), task) };
    }
}

/// Return probe of direct compaction.
#[no_mangle]
pub(crate) extern "C" fn qmon_rs_compact(
    task: usize,
    cgrp: *mut c_void,
    id: u64,
    start: u64,
    now: u64,
) {
    if let Some(m) = published() {
        // SAFETY: the glue calls the probes inside an RCU read-side critical
        // section (glue.h), which lasts until they return.
        let rcu = unsafe { ReadSide::assume() };
        let ns = now.saturating_sub(start);
        // SAFETY: a probe, passing the glue's cgroup and the current task.
        unsafe { m.record(&rcu, cgrp, id, Series::MemCompact, ns, task) };
    }
}

/// Probe of `block_rq_issue`.
#[no_mangle]
pub(crate) extern "C" fn qmon_rs_rq_issue(rq: usize, start_ns: u64, now: u64) {
    let Some(m) = published() else { return };
    if start_ns == 0 {
        m.put(rq, 0, now);
    }
}

/// Probe of `block_rq_requeue`: the request will be issued again.
#[no_mangle]
pub(crate) extern "C" fn qmon_rs_rq_requeue(rq: usize) {
    if let Some(m) = published() {
        m.stamps().take(rq);
    }
}

/// Probe of `block_rq_complete`.
#[allow(clippy::too_many_arguments)]
#[no_mangle]
pub(crate) extern "C" fn qmon_rs_rq_complete(
    rq: usize,
    op: c_uint,
    nr_bytes: c_uint,
    rq_bytes: c_uint,
    start_ns: u64,
    cgrp: *mut c_void,
    id: u64,
    now: u64,
) {
    let Some(m) = published() else { return };
    // SAFETY: the glue calls the probes inside an RCU read-side critical
    // section (glue.h), which lasts until they return.
    let rcu = unsafe { ReadSide::assume() };
    // A partial completion: the request goes on.
    if nr_bytes < rq_bytes {
        return;
    }
    let start = if start_ns != 0 {
        Some(start_ns)
    } else {
        m.stamps().take(rq).map(|(_, t)| t)
    };
    // REQ_OP_READ and REQ_OP_WRITE; flushes, discards and the like are not
    // reads or writes of data.
    let series = match op {
        0 => Series::IoRead,
        1 => Series::IoWrite,
        _ => return,
    };
    if let Some(start) = start {
        // SAFETY: a probe, passing the glue's cgroup (or null); no task.
        unsafe { m.record(&rcu, cgrp, id, series, now.saturating_sub(start), 0) };
    }
}

/// The probe of `cgroup_mkdir` and `cgroup_rmdir`: brings the table up to
/// date soon, from process context. Must not sleep.
#[no_mangle]
pub(crate) extern "C" fn qmon_rs_cgroup_event() {
    if let Some(m) = published() {
        m.update.kick();
    }
}

/// The update work, after cgroups were created or removed: runs again
/// every 100 ms while entries of removed cgroups wait to be freed.
pub(crate) fn cgroups_changed() -> Rearm {
    let m = published()?;
    // Without memory for an entry, the cgroup is counted in its parent
    // until the next update.
    let _ = m.table.update();
    m.table.freeing().then_some(100)
}
