// SPDX-License-Identifier: GPL-2.0

//! Priority OOM: on a global OOM, make the kernel's OOM killer choose its
//! victim in the least important cgroup.
//!
//! rue's notifier on the kernel's OOM notifier chain runs in
//! `out_of_memory()`, under `oom_lock`, before the kernel chooses its
//! victim. When `memory_qos` and `use_priority_oom` are 1, it weighs every
//! cgroup with killable processes ([`memqos::oom_victim`]) and raises the
//! `oom_score_adj` of the processes of the chosen one to 1000. The kernel
//! then goes on as usual: its badness ranks those processes above all
//! others (and among themselves by their memory, as it always does), and
//! its own OOM killer, with the OOM reaper and accounting, kills one. The
//! worker puts the old values back a second later. The notifier chain and
//! `oom_score_adj` are stable interfaces, so this keeps working where the
//! OOM killer's internals change; the cost is that, for that second,
//! `/proc/PID/oom_score_adj` of those processes reads 1000.
//!
//! The notifier must not allocate: its buffers are allocated at load, and
//! it reads at most [`MAX_PROCESSES`] processes and [`MAX_CGROUPS`]
//! cgroups (beyond those, the kernel's own choice stands).

use crate::cgroup::Cgroup;
use crate::ffi;
use crate::memqos::{self, OomCandidate, OOM_SCORE_ADJ_MAX, OOM_SCORE_ADJ_MIN};
use crate::settings::Settings;
use crate::PARAMS;
use core::ffi::c_int;
use core::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use kernel::prelude::*;
use kernel::sync::{new_mutex, Mutex};

/// The most processes a notifier call reads.
pub(crate) const MAX_PROCESSES: usize = 16384;
/// The most cgroups with killable processes it weighs.
pub(crate) const MAX_CGROUPS: usize = 2048;
/// Bytes of one process record of the glue.
const RECORD: usize = 32;
/// Worker passes (100 ms each while busy) before raised values go back.
const RESTORE_AFTER: u64 = 10;

struct Inner {
    /// Process records from the glue.
    procs: KVVec<u8>,
    /// Cgroups weighed in this call.
    candidates: KVVec<OomCandidate>,
    /// Processes whose `oom_score_adj` was raised, with the old value.
    raised: KVVec<(u64, i32)>,
    /// The worker pass in which they were raised.
    raised_at: u64,
}

/// Priority OOM's state; the notifier is registered while it lives.
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

/// The state the notifier uses, published while it is registered.
static OOM: AtomicPtr<Oom> = AtomicPtr::new(core::ptr::null_mut());

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
            raised: KVVec::with_capacity(MAX_PROCESSES, GFP_KERNEL)?,
            raised_at: 0,
        };
        Ok(try_pin_init!(Self {
            inner <- new_mutex!(inner),
            settings,
            passes: AtomicU64::new(0),
        }))
    }

    /// Registers the notifier.
    pub(crate) fn register(self: Pin<&Self>) -> Result {
        OOM.store(
            (self.get_ref() as *const Self).cast_mut(),
            Ordering::Release,
        );
        // SAFETY: no preconditions; the notifier uses the published state,
        // withdrawn after unregistering in `drop()`.
        let ret = unsafe { ffi::rue_glue_oom_register() };
        if ret != 0 {
            OOM.store(core::ptr::null_mut(), Ordering::Release);
        }
        kernel::error::to_result(ret)
    }

    fn settings(&self) -> &Settings {
        // SAFETY: valid while `self` lives (the contract of `new`).
        unsafe { &*self.settings }
    }

    /// The effective priority and usage of cgroup `id`.
    fn weigh(&self, id: u64) -> OomCandidate {
        let mut c = OomCandidate {
            id,
            priority: 0,
            usage: 0,
        };
        if let Some(cg) = Cgroup::from_id(id) {
            let s = self.settings();
            cg.for_each_ancestor_id(|a| {
                c.priority = memqos::effective_priority([c.priority, s.get(a).priority])
            });
            c.usage = cg.memory().map(|m| m.usage).unwrap_or(0);
        }
        c
    }

    /// The notifier's work: choose and mark the victim cgroup.
    fn on_oom(&self) {
        if PARAMS.get("memory_qos") == 0 || PARAMS.get("use_priority_oom") == 0 {
            return;
        }
        let mut inner = self.inner.lock();
        let inner = &mut *inner;
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
        let killable = |r: &[u8]| {
            let (pid, id, adj, flags) = (field(r, 0), field(r, 1), field(r, 2) as i64, field(r, 3));
            let skip = ffi::PROC_KTHREAD | ffi::PROC_INIT | ffi::PROC_NO_MM;
            (flags & skip == 0 && adj != OOM_SCORE_ADJ_MIN).then_some((pid, id))
        };
        // SAFETY: emptying a vector of `Copy` elements.
        unsafe { inner.candidates.set_len(0) };
        for (_, id) in records.chunks_exact(RECORD).filter_map(killable) {
            if inner.candidates.iter().any(|c| c.id == id)
                || inner.candidates.len() == inner.candidates.capacity()
            {
                continue;
            }
            // Within the capacity: no allocation.
            let _ = inner.candidates.push(self.weigh(id), GFP_ATOMIC);
        }
        let Some(victim) = memqos::oom_victim(inner.candidates.iter().copied()) else {
            return;
        };
        let mut raised = 0;
        for (pid, id) in records.chunks_exact(RECORD).filter_map(killable) {
            if id != victim || inner.raised.len() == inner.raised.capacity() {
                continue;
            }
            let mut old: c_int = 0;
            // SAFETY: `old` is writable.
            let ret =
                unsafe { ffi::rue_glue_set_oom_adj(pid, OOM_SCORE_ADJ_MAX as c_int, &mut old) };
            // Raised by an OOM a moment ago: its first old value stays.
            if ret == 0 && !inner.raised.iter().any(|(p, _)| *p == pid) {
                let _ = inner.raised.push((pid, old), GFP_ATOMIC);
                raised += 1;
            }
        }
        inner.raised_at = self.passes.load(Ordering::Relaxed);
        // The same OOM again while its victim exits: already counted.
        if raised == 0 {
            return;
        }
        // Count it in the cgroup, or the ancestor whose priority it has.
        if let Some(cg) = Cgroup::from_id(victim) {
            let s = self.settings();
            let mut counted = false;
            cg.for_each_ancestor_id(|a| {
                counted = counted || s.update_existing(a, |e| e.prio_oom += 1)
            });
        }
        pr_info!("priority OOM: victim chosen in cgroup {}\n", victim);
    }

    /// A worker pass: puts back the values raised a while ago.
    pub(crate) fn restore(&self, now: bool) {
        let pass = self.passes.fetch_add(1, Ordering::Relaxed) + 1;
        let mut inner = self.inner.lock();
        if inner.raised.is_empty() || !(now || pass >= inner.raised_at + RESTORE_AFTER) {
            return;
        }
        for (pid, old) in inner.raised.iter() {
            let mut cur: c_int = 0;
            // SAFETY: `cur` is writable. Puts `old` back, then checks that
            // nobody changed the value meanwhile; if so, keeps theirs.
            unsafe {
                if ffi::rue_glue_set_oom_adj(*pid, *old, &mut cur) == 0
                    && i64::from(cur) != OOM_SCORE_ADJ_MAX
                {
                    ffi::rue_glue_set_oom_adj(*pid, cur, &mut cur);
                }
            }
        }
        // SAFETY: emptying a vector of `Copy` elements.
        unsafe { inner.raised.set_len(0) };
    }
}

#[pinned_drop]
impl PinnedDrop for Oom {
    fn drop(self: Pin<&mut Self>) {
        if OOM.load(Ordering::Relaxed) == (&*self as *const Self).cast_mut() {
            // SAFETY: registered in `register()`; unregistering waits for
            // notifier calls in flight.
            unsafe { ffi::rue_glue_oom_unregister() };
            OOM.store(core::ptr::null_mut(), Ordering::Release);
        }
        self.restore(true);
    }
}

/// The OOM notifier.
#[no_mangle]
pub(crate) extern "C" fn rue_rs_oom() {
    // SAFETY: published while the notifier is registered.
    if let Some(o) = unsafe { OOM.load(Ordering::Acquire).as_ref() } {
        o.on_oom();
    }
}

/// A worker pass: puts back what a priority OOM raised a while ago.
pub(crate) fn tick() {
    // SAFETY: published while the notifier is registered; the worker stops
    // before the state is dropped.
    if let Some(o) = unsafe { OOM.load(Ordering::Acquire).as_ref() } {
        o.restore(false);
    }
}
