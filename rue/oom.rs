// SPDX-License-Identifier: GPL-2.0

//! Priority OOM: on a global OOM, make the kernel's OOM killer choose its
//! victim in the least important cgroup.
//!
//! rue's notifier on the kernel's OOM notifier chain runs in
//! `out_of_memory()`, under `oom_lock`, before the kernel chooses its
//! victim. When `memory_qos` and `use_priority_oom` are 1, it weighs every
//! cgroup with killable processes ([`memqos::oom_victim`]), picks in the
//! chosen one the process the kernel's badness ranks first
//! ([`memqos::oom_process`]) and puts on it the OOM killer's "origin" mark:
//! the mark swapoff and KSM put on themselves, with which the OOM killer
//! chooses that process before any other. The kernel then goes on as
//! usual and its own OOM killer, with the OOM reaper and accounting, kills
//! it (and every process sharing its memory). The mark is not inherited by
//! children, not shown to users, and the worker takes it off a second later
//! if the process is still there (the kernel may have resolved the OOM
//! otherwise); no `oom_score_adj` is changed.
//!
//! The notifier must not allocate: its buffers are allocated at load, and
//! it reads at most [`MAX_PROCESSES`] processes and [`MAX_CGROUPS`]
//! cgroups (beyond those, the kernel's own choice stands).

use crate::ffi;
use crate::memqos::{self, OomCandidate, OOM_SCORE_ADJ_MIN};
use crate::params::{MEMORY_QOS, PARAMS, USE_PRIORITY_OOM};
use crate::settings::Settings;
use crate::support::cgroup::Cgroup;
use crate::support::slot::{Publication, Slot};
use core::sync::atomic::{AtomicU64, Ordering};
use kernel::prelude::*;
use kernel::sync::{new_mutex, Mutex};

/// The most processes a notifier call reads.
pub(crate) const MAX_PROCESSES: usize = 16384;
/// The most cgroups with killable processes it weighs.
pub(crate) const MAX_CGROUPS: usize = 2048;
/// Bytes of one process record of the glue.
const RECORD: usize = ffi::PROC_FIELDS * 8;
/// Worker passes (100 ms each while busy) before a mark comes off.
const RESTORE_AFTER: u64 = 10;

struct Inner {
    /// Process records from the glue.
    procs: KVVec<u8>,
    /// Cgroups weighed in this call.
    candidates: KVVec<OomCandidate>,
    /// The process rue marked (pid, start time), if any.
    marked: Option<(u64, u64)>,
    /// The worker pass in which it was marked.
    marked_at: u64,
}

/// Priority OOM's state; the notifier is registered while it lives.
///
/// # Invariants
///
/// `settings` is valid while this value lives (the contract of
/// [`Oom::new`]).
#[pin_data(PinnedDrop)]
pub(crate) struct Oom {
    #[pin]
    inner: Mutex<Inner>,
    settings: *const Settings,
    /// Worker passes so far.
    passes: AtomicU64,
}

// SAFETY: `settings` points to settings shared through their mutex; the rest
// is behind `inner`'s mutex or atomic.
unsafe impl Send for Oom {}
// SAFETY: as above.
unsafe impl Sync for Oom {}

/// The state the notifier and the worker use, published while the notifier
/// is registered.
static OOM: Slot<Oom> = Slot::new();

/// The notifier, registered while this lives. Dropped, it unregisters
/// (waiting for calls in flight), then its field withdraws the state.
pub(crate) struct Registration {
    _publication: Publication<Oom>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        // SAFETY: registered in `Oom::register()`; unregistering waits for
        // notifier calls in flight.
        unsafe { ffi::rue_glue_oom_unregister() };
    }
}

impl Oom {
    /// The state, with its buffers allocated.
    ///
    /// # Safety
    ///
    /// `settings` stays valid while the returned value lives.
    pub(crate) unsafe fn new(settings: *const Settings) -> Result<impl PinInit<Self, Error>> {
        let mut procs = KVVec::with_capacity(MAX_PROCESSES * RECORD, GFP_KERNEL | __GFP_ZERO)?;
        // SAFETY: allocated zeroed with this capacity; bytes are `u8`s.
        unsafe { procs.set_len(MAX_PROCESSES * RECORD) };
        let inner = Inner {
            procs,
            candidates: KVVec::with_capacity(MAX_CGROUPS, GFP_KERNEL)?,
            marked: None,
            marked_at: 0,
        };
        // INVARIANT: `settings` outlives the value (the caller's guarantee).
        Ok(try_pin_init!(Self {
            inner <- new_mutex!(inner),
            settings,
            passes: AtomicU64::new(0),
        }))
    }

    /// Registers the notifier, which uses `self` until the returned value
    /// is dropped.
    ///
    /// # Safety
    ///
    /// `self` stays valid until the returned value is dropped, and the
    /// worker (which also finds it) is stopped before that.
    pub(crate) unsafe fn register(self: Pin<&Self>) -> Result<Registration> {
        // SAFETY: the caller's guarantee; the notifier is unregistered
        // before the publication is dropped (`Registration`).
        let publication = unsafe { OOM.publish(self.get_ref()) };
        // SAFETY: no preconditions; the notifier uses the published state.
        kernel::error::to_result(unsafe { ffi::rue_glue_oom_register() })?;
        Ok(Registration {
            _publication: publication,
        })
    }

    fn settings(&self) -> &Settings {
        // SAFETY: valid while `self` lives (type invariant).
        unsafe { &*self.settings }
    }

    /// The effective priority and usage of cgroup `id`, of which `pid` is
    /// a process; found through the process, in any cgroup namespace.
    fn weigh(&self, pid: u64, id: u64) -> OomCandidate {
        let mut c = OomCandidate {
            id,
            priority: 0,
            usage: 0,
        };
        // Moved meanwhile: weighed as priority 0, never chosen.
        if let Some(cg) = Cgroup::of_process(pid).filter(|cg| cg.id() == id) {
            let s = self.settings();
            cg.for_each_ancestor_id(|a| {
                c.priority = memqos::effective_priority([c.priority, s.get(a).priority])
            });
            c.usage = cg.memory().map(|m| m.usage).unwrap_or(0);
        }
        c
    }

    /// The notifier's work: choose the victim cgroup and mark the process
    /// the kernel is to kill there.
    fn on_oom(&self) {
        let mut inner = self.inner.lock();
        let inner = &mut *inner;
        // A mark of an earlier OOM the kernel resolved otherwise.
        let earlier = inner.marked.take();
        if let Some((pid, start)) = earlier {
            // SAFETY: no pointer; unmarks only that very process.
            unsafe { ffi::rue_glue_set_oom_origin(pid, start, false) };
        }
        if !PARAMS.on(MEMORY_QOS) || !PARAMS.on(USE_PRIORITY_OOM) {
            return;
        }
        // SAFETY: `procs` is writable for its length.
        let need =
            unsafe { ffi::rue_glue_processes(inner.procs.as_mut_ptr().cast(), inner.procs.len()) };
        let Ok(need) = usize::try_from(need) else {
            return;
        };
        let records = &inner.procs[..need.min(inner.procs.len())];
        let field = |r: &[u8], i: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&r[i * 8..i * 8 + 8]);
            u64::from_ne_bytes(b)
        };
        // A victim of an earlier OOM still exiting: the kernel waits for it
        // instead of choosing again, and so does priority OOM.
        if records
            .chunks_exact(RECORD)
            .any(|r| field(r, 3) & ffi::PROC_OOM_VICTIM != 0)
        {
            return;
        }
        // (pid, cgroup id, oom_score_adj, pages, start time) of the
        // processes the OOM killer may choose: as in its oom_badness(),
        // not kernel threads, init, processes without memory, with their
        // memory reaped already or in vfork(), or with the least
        // oom_score_adj.
        let killable = |r: &[u8]| {
            let (adj, flags) = (field(r, 2) as i64, field(r, 3));
            let skip = ffi::PROC_KTHREAD
                | ffi::PROC_INIT
                | ffi::PROC_NO_MM
                | ffi::PROC_OOM_SKIP
                | ffi::PROC_VFORK;
            (flags & skip == 0 && adj != OOM_SCORE_ADJ_MIN)
                .then(|| (field(r, 0), field(r, 1), adj, field(r, 4), field(r, 5)))
        };
        // SAFETY: emptying a vector of `Copy` elements.
        unsafe { inner.candidates.set_len(0) };
        for (pid, id, ..) in records.chunks_exact(RECORD).filter_map(killable) {
            if inner.candidates.iter().any(|c| c.id == id)
                || inner.candidates.len() == inner.candidates.capacity()
            {
                continue;
            }
            // Within the capacity: no allocation.
            let _ = inner.candidates.push(self.weigh(pid, id), GFP_ATOMIC);
        }
        let Some(victim) = memqos::oom_victim(inner.candidates.iter().copied()) else {
            return;
        };
        let (mut free, mut total) = (0, 0);
        // SAFETY: both pointers are valid for a write.
        unsafe { ffi::rue_glue_memory(&mut free, &mut total) };
        let page = kernel::page::PAGE_SIZE as u64;
        let procs = records
            .chunks_exact(RECORD)
            .enumerate()
            .filter_map(|(i, r)| killable(r).map(|k| (i, k)))
            .filter(|(_, k)| k.1 == victim)
            .map(|(i, k)| (i, k.3, k.2));
        let Some(i) = memqos::oom_process(procs, total / page) else {
            return;
        };
        let r = &records[i * RECORD..(i + 1) * RECORD];
        let (pid, start) = (field(r, 0), field(r, 5));
        // SAFETY: no pointer; marks only that very process.
        let had = unsafe { ffi::rue_glue_set_oom_origin(pid, start, true) };
        if had < 0 {
            return;
        }
        // A mark of its own (swapoff, KSM) stays; so does the choice.
        if had == 0 {
            inner.marked = Some((pid, start));
            inner.marked_at = self.passes.load(Ordering::Relaxed);
        }
        // The same OOM again (the kernel resolved the last one otherwise):
        // already counted.
        if earlier == Some((pid, start)) {
            return;
        }
        // Count it in the cgroup, or the ancestor whose priority it has.
        if let Some(cg) = Cgroup::of_process(pid).filter(|cg| cg.id() == victim) {
            let s = self.settings();
            let mut counted = false;
            cg.for_each_ancestor_id(|a| {
                counted = counted || s.update_existing(a, |e| e.prio_oom += 1)
            });
        }
        pr_info!(
            "priority OOM: victim chosen in cgroup {} (process {})\n",
            victim,
            pid
        );
    }

    /// A worker pass: takes off the mark put a while ago (`now`: at once).
    pub(crate) fn restore(&self, now: bool) {
        let pass = self.passes.fetch_add(1, Ordering::Relaxed) + 1;
        let mut inner = self.inner.lock();
        if !(now || pass >= inner.marked_at + RESTORE_AFTER) {
            return;
        }
        if let Some((pid, start)) = inner.marked.take() {
            // SAFETY: no pointer; unmarks only that very process.
            unsafe { ffi::rue_glue_set_oom_origin(pid, start, false) };
        }
    }
}

#[pinned_drop]
impl PinnedDrop for Oom {
    fn drop(self: Pin<&mut Self>) {
        // The notifier is unregistered (`Registration` drops first).
        self.restore(true);
    }
}

/// The OOM notifier.
#[no_mangle]
pub(crate) extern "C" fn rue_rs_oom() {
    if let Some(o) = OOM.get() {
        o.on_oom();
    }
}

/// A worker pass: puts back what a priority OOM raised a while ago.
pub(crate) fn tick() {
    if let Some(o) = OOM.get() {
        o.restore(false);
    }
}
