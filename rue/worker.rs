// SPDX-License-Identifier: GPL-2.0

//! The worker: asynchronous reclaim, and forgetting removed cgroups.
//!
//! A delayed work item runs [`work`] every 100 ms while some cgroup
//! has async reclaim on or a priority and `memory_qos` is 1, every second
//! otherwise. For each cgroup whose usage is above its async high mark it
//! writes the bytes to free down to the low mark into the cgroup's own
//! `memory.reclaim`: the kernel's proactive reclaim interface, stable user
//! ABI since Linux 5.19, which reclaims from that cgroup only, with the
//! kernel's own reclaim code, in the worker's context instead of in the
//! cgroup's tasks. Then, while free memory is under the reserve, priority
//! reclaim does the same to the cgroups with a priority, least important
//! first (see [`PrioReclaim`]). With `io_qos` on, each pass is also a
//! window of the IO controller (see [`crate::ioqos`]).

use crate::cgroup::OwnFiles;
use crate::entry::Entry;
use crate::ffi;
use crate::memqos::{self, PrioReclaim};
use crate::params::{HIGHEST_RECLAIM_PRIO, MEMORY_QOS, PARAMS, PRIO_RECLAIM_RATIO};
use crate::settings::Settings;
use crate::support::cgroup::Cgroup;
use crate::support::dwork::{DelayedWork, Rearm};
use crate::support::slot::{Publication, Slot};
use crate::support::textbuf::TextBuf;
use crate::wakeup;
use core::fmt::Write;
use core::sync::atomic::{AtomicU32, Ordering};
use kernel::prelude::*;

const BUSY_MS: u64 = 100;
const IDLE_MS: u64 = 1000;

/// The settings the worker uses, published while it may run.
static SETTINGS: Slot<Settings> = Slot::new();

/// Priority reclaim's plan between passes (only the worker, which never
/// runs twice at once, uses it).
static PRIO_PLAN: AtomicU32 = AtomicU32::new(PrioReclaim::new().to_bits());

/// The most one write to `memory.reclaim` asks for: the write holds the
/// file, and so an `rmdir` of the cgroup, until the kernel has reclaimed
/// it all.
const MAX_RECLAIM_WRITE: u64 = 16 << 20;

/// Asks the kernel to reclaim `bytes` from `cg` (whose usage was `usage`)
/// through its `memory.reclaim`, at most [`MAX_RECLAIM_WRITE`] per write;
/// returns how much it took.
fn reclaim(cg: &Cgroup, usage: u64, bytes: u64) -> Result<u64> {
    let mut done = 0;
    while done < bytes {
        let ask = (bytes - done).min(MAX_RECLAIM_WRITE);
        let mut text = [0u8; 24];
        let mut w = TextBuf::new(&mut text);
        write!(w, "{ask}").map_err(|_| EINVAL)?;
        let n = w.len();
        match cg.write_file(c"memory.reclaim", &text[..n]) {
            // The kernel counts what it reclaimed: at least `ask`. (The
            // usage would not tell while the cgroup's tasks charge more
            // meanwhile.)
            Ok(()) => done += ask,
            // EAGAIN: it found less to reclaim; the usage tells what it
            // did. ENOENT: the cgroup is gone.
            Err(_) => {
                let now = cg.memory().map_or(usage, |m| m.usage);
                return Ok(done.max(usage.saturating_sub(now)));
            }
        }
    }
    Ok(done)
}

/// Priority reclaim: under the reserve, reclaims what is missing from the
/// least important cgroups first, down to the reach of this pass.
fn prio_pass(s: &Settings, live: &[(Entry, Cgroup)]) -> Result {
    let (mut free, mut total) = (0, 0);
    // SAFETY: both pointers are valid for a write.
    unsafe { ffi::rue_glue_memory(&mut free, &mut total) };
    let reserve = memqos::reserve(total, PARAMS.get(PRIO_RECLAIM_RATIO));
    let highest = PARAMS.get(HIGHEST_RECLAIM_PRIO);
    let mut plan = PrioReclaim::from_bits(PRIO_PLAN.load(Ordering::Relaxed));
    let step = plan.step(free, reserve, highest);
    PRIO_PLAN.store(plan.to_bits(), Ordering::Relaxed);
    let Some((level, mut need)) = step else {
        return Ok(());
    };
    let mut victims = KVec::new();
    for (e, cg) in live.iter().filter(|(e, _)| e.priority >= level) {
        if let Ok(mem) = cg.memory() {
            victims.push(Some((e.priority, mem.usage, e.id, cg)), GFP_KERNEL)?;
        }
    }
    // Least important first; within a priority, the largest first.
    while need > 0 {
        let next = victims
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.as_ref().map(|v| (v.0, v.1, i)))
            .max();
        let Some((_, _, i)) = next else { break };
        let Some((_, usage, id, cg)) = victims[i].take() else {
            break;
        };
        let freed = reclaim(cg, usage, need.min(usage))?;
        s.update(id, |e| e.prio_reclaimed += freed)?;
        need = need.saturating_sub(freed);
    }
    // Short: what is within reach is used up; the next pass reaches further.
    plan.done(need == 0);
    PRIO_PLAN.store(plan.to_bits(), Ordering::Relaxed);
    Ok(())
}

/// One pass over the cgroups with an entry: forgets removed cgroups, and
/// with `memory_qos` on, async and priority reclaim. Returns whether there
/// is work that wants frequent passes.
fn pass(s: &Settings) -> Result<bool> {
    let qos = PARAMS.on(MEMORY_QOS);
    let entries = s.snapshot()?;
    // The live cgroups, looked up once per pass.
    let mut live = KVec::with_capacity(entries.len(), GFP_KERNEL)?;
    let mut busy = false;
    for e in entries.iter() {
        let Some(cg) = Cgroup::from_id(e.id) else {
            s.forget(e.id);
            continue;
        };
        busy |= qos && (e.async_ratio != 0 || e.priority != 0);
        if qos && e.async_ratio != 0 {
            if let Ok(mem) = cg.memory() {
                let marks =
                    memqos::async_marks(e.async_ratio, e.distance_factor, mem.high, mem.max);
                let bytes = memqos::async_reclaim_bytes(mem.usage, marks);
                if bytes != 0 {
                    let freed = reclaim(&cg, mem.usage, bytes)?;
                    s.update(e.id, |e| e.async_reclaimed += freed)?;
                }
            }
        }
        // Within the capacity: no allocation.
        live.push((*e, cg), GFP_KERNEL)?;
    }
    if qos {
        prio_pass(s, &live)?;
    }
    Ok(s.io.pass(&live)? || busy)
}

/// One worker step; returns when to run again.
fn work() -> Rearm {
    match SETTINGS.get() {
        Some(s) => {
            let busy = pass(s).unwrap_or(false);
            crate::oom::tick();
            Some(if busy { BUSY_MS } else { IDLE_MS })
        }
        None => Some(IDLE_MS),
    }
}

/// The running worker; stopped (and waited for) on drop. The fields drop
/// in order: the work item is withdrawn from kicks, cancelled and freed,
/// then the settings are withdrawn.
pub(crate) struct Worker {
    _kick: Publication<DelayedWork>,
    _work: KBox<DelayedWork>,
    _settings: Publication<Settings>,
}

impl Worker {
    /// Starts the worker on `settings`.
    ///
    /// # Safety
    ///
    /// `settings` stays valid until the returned value is dropped.
    pub(crate) unsafe fn start(settings: &Settings) -> Result<Self> {
        // SAFETY: the caller's guarantee; the work item, the only user, is
        // cancelled before the publication is dropped (field order).
        let settings = unsafe { SETTINGS.publish(settings) };
        let work = KBox::new(DelayedWork::new(work, true)?, GFP_KERNEL)?;
        // SAFETY: the box keeps the work item in place until `_work` drops,
        // after `_kick` withdrew it; kickers are stopped before the worker.
        let kick = unsafe { wakeup::publish(&work) };
        work.start(IDLE_MS);
        Ok(Self {
            _kick: kick,
            _work: work,
            _settings: settings,
        })
    }
}
