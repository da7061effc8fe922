// SPDX-License-Identifier: GPL-2.0

//! A cgroup's entry: its per-CPU histograms, linked to its ancestors', and
//! its `sli.control` thresholds.
//!
//! Probes count in an entry and raise the peaks of its ancestors
//! ([`CgStats::record`]); the links that place it in the table (its hash
//! chain, the tree, the lists of dead entries) are here too, and are used
//! by the other files of the table.

use super::charge::Charge;
use crate::hist::{Control, CpuHist, Series, Snapshot, NR_SERIES};
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering};
use kernel::prelude::*;

/// One CPU's histograms of a cgroup; aligned so that CPUs never share a
/// cache line.
///
/// # Invariants
///
/// `parent` is null for the root cgroup's entry and otherwise points to the
/// same CPU's `CpuStats` of the parent's entry (see [`CgStats`]).
#[repr(C, align(64))]
pub(crate) struct CpuStats {
    hist: [CpuHist; NR_SERIES],
    parent: *const CpuStats,
}

/// The histograms of one cgroup.
///
/// # Invariants
///
/// `parent` is null for the root cgroup's entry and otherwise points to the
/// entry of the cgroup's parent, which is freed only after this one.
/// `cpus` has one element per possible CPU id. The entry is not freed
/// while `pins` is not zero.
pub(crate) struct CgStats {
    pub(super) id: u64,
    pub(super) parent: *const CgStats,
    /// The next entry of the hash chain; readers follow it under RCU.
    pub(super) next: AtomicPtr<CgStats>,
    /// Update generation that last saw the cgroup alive (under the mutex).
    pub(super) seen: AtomicU64,
    /// Link of the list of entries to free (under the mutex).
    pub(super) dead_next: AtomicPtr<CgStats>,
    /// The tree of entries in the table, for reads of a subtree (under the
    /// mutex): the first child, and the previous and next siblings.
    pub(super) child: AtomicPtr<CgStats>,
    pub(super) prev_sibling: AtomicPtr<CgStats>,
    pub(super) next_sibling: AtomicPtr<CgStats>,
    /// Counts of removed descendants, per series: null until the first one
    /// goes; allocated, read and freed under the mutex.
    gone: AtomicPtr<[Snapshot; NR_SERIES]>,
    cpus: KVVec<CpuStats>,
    /// `sli.control`: per series, the threshold in ns (0: none) and the
    /// count of latencies at or above it that makes a notification.
    thresholds: [AtomicU64; NR_SERIES],
    counts: [AtomicU64; NR_SERIES],
    /// Per series, latencies at or above the threshold since it was set.
    over: [AtomicU64; NR_SERIES],
    /// A count was reached since the last notification.
    notify: AtomicBool,
    /// Reads summing this entry without the mutex ([`super::Table::sum_subtree`]):
    /// raised under the mutex, lowered by the reader; an entry is freed
    /// only at zero.
    pub(super) pins: AtomicUsize,
}

/// What counting a latency found.
#[derive(Clone, Copy, Default)]
pub(crate) struct Crossing {
    /// The latency reached the threshold of its cgroup or an ancestor.
    pub(crate) over: bool,
    /// ... and made a count complete there: pollers are to be notified.
    pub(crate) notify: bool,
}

/// How many cgroups have a threshold set, per series.
pub(crate) struct Armed([AtomicU64; NR_SERIES]);

impl Armed {
    /// None yet.
    pub(super) const fn new() -> Self {
        Self([const { AtomicU64::new(0) }; NR_SERIES])
    }

    /// Whether some cgroup has a threshold set for `series`.
    pub(super) fn any(&self, series: Series) -> bool {
        self.0[series as usize].load(Ordering::Relaxed) != 0
    }
}

impl CgStats {
    /// A new entry, its memory charged (`__GFP_ACCOUNT`) to the memory
    /// cgroup the caller set up with [`super::charge::Charge`].
    pub(super) fn new(
        id: u64,
        parent: *const CgStats,
        nr_cpus: usize,
        seen: u64,
    ) -> Result<KBox<Self>> {
        let mut cpus: KVVec<CpuStats> =
            KVVec::with_capacity(nr_cpus, GFP_KERNEL_ACCOUNT | __GFP_ZERO)?;
        // SAFETY: the capacity is `nr_cpus`, allocated zeroed, and all-zero
        // bytes are a valid `CpuStats` (atomics at zero: empty histograms,
        // null parent).
        unsafe { cpus.set_len(nr_cpus) };
        // SAFETY: the caller passes null or the parent's live entry, whose
        // `cpus` has `nr_cpus` elements too (one table, one `nr_cpus`).
        if let Some(p) = unsafe { parent.as_ref() } {
            for (c, pc) in cpus.iter_mut().zip(p.cpus.iter()) {
                // INVARIANT: the same CPU's histograms of the parent.
                c.parent = pc;
            }
        }
        // INVARIANT: the caller passes the parent's entry (or null for the
        // root), and `cpus` has `nr_cpus` elements.
        Ok(KBox::new(
            Self {
                id,
                parent,
                next: AtomicPtr::new(ptr::null_mut()),
                seen: AtomicU64::new(seen),
                dead_next: AtomicPtr::new(ptr::null_mut()),
                child: AtomicPtr::new(ptr::null_mut()),
                prev_sibling: AtomicPtr::new(ptr::null_mut()),
                next_sibling: AtomicPtr::new(ptr::null_mut()),
                gone: AtomicPtr::new(ptr::null_mut()),
                cpus,
                thresholds: [const { AtomicU64::new(0) }; NR_SERIES],
                counts: [const { AtomicU64::new(1) }; NR_SERIES],
                over: [const { AtomicU64::new(0) }; NR_SERIES],
                notify: AtomicBool::new(false),
                pins: AtomicUsize::new(0),
            },
            GFP_KERNEL_ACCOUNT,
        )?)
    }

    /// Counts a latency of `ns` in `series` on `cpu` here, and raises the
    /// peak of every ancestor; if `armed` (some cgroup has a threshold for
    /// `series`), checks it against each one's threshold.
    #[inline(always)]
    pub(crate) fn record(&self, cpu: usize, series: Series, ns: u64, armed: bool) -> Crossing {
        let atomic = series.shared_with_irq();
        let i = series as usize;
        let Some(own) = self.cpus.get(cpu) else {
            return Crossing::default();
        };
        own.hist[i].record(ns, atomic);
        let mut c = own.parent;
        // SAFETY: by the type invariants the same CPU's histograms of the
        // ancestors outlive ours.
        while let Some(st) = unsafe { c.as_ref() } {
            st.hist[i].raise_peak(ns, atomic);
            c = st.parent;
        }
        if !armed {
            return Crossing::default();
        }
        self.cross(i, ns)
    }

    /// Checks a latency of `ns` in series `i` against the thresholds here
    /// and in every ancestor.
    #[cold]
    #[inline(never)]
    fn cross(&self, i: usize, ns: u64) -> Crossing {
        let mut crossing = Crossing::default();
        let mut s: *const CgStats = self;
        // SAFETY: by the type invariant the ancestors outlive `self`.
        while let Some(st) = unsafe { s.as_ref() } {
            let threshold = st.thresholds[i].load(Ordering::Relaxed);
            if threshold != 0 && ns >= threshold {
                crossing.over = true;
                // Rare (thresholds are set above the usual): a shared
                // counter is fine here.
                let n = st.over[i].fetch_add(1, Ordering::Relaxed) + 1;
                if n % st.counts[i].load(Ordering::Relaxed).max(1) == 0 {
                    st.notify.store(true, Ordering::Release);
                    crossing.notify = true;
                }
            }
            s = st.parent;
        }
        crossing
    }

    /// Writes the ids of this cgroup and its ancestors into `ids`, the root
    /// last (dropping middle levels that do not fit); returns how many.
    pub(crate) fn chain(&self, ids: &mut [u64]) -> usize {
        let mut n = 0;
        let mut s: *const CgStats = self;
        // SAFETY: by the type invariant the ancestors outlive `self`.
        while let Some(st) = unsafe { s.as_ref() } {
            if n < ids.len() {
                n += 1;
            }
            // The last slot ends up holding the root.
            ids[n - 1] = st.id;
            s = st.parent;
        }
        n
    }

    /// The `sli.control` setting of `series`.
    pub(crate) fn control(&self, series: Series) -> Control {
        let i = series as usize;
        Control {
            series,
            threshold_us: self.thresholds[i].load(Ordering::Relaxed) / 1000,
            count: self.counts[i].load(Ordering::Relaxed),
        }
    }

    /// Sets a threshold and count, and restarts counting latencies over it;
    /// `armed` counts the cgroups with a threshold per series.
    pub(crate) fn set_control(&self, c: &Control, armed: &Armed) {
        let i = c.series as usize;
        let was = self.thresholds[i].swap(0, Ordering::Relaxed) != 0;
        // Armed before the threshold is stored, disarmed after it is gone.
        if c.threshold_us != 0 && !was {
            armed.0[i].fetch_add(1, Ordering::Relaxed);
        } else if c.threshold_us == 0 && was {
            armed.0[i].fetch_sub(1, Ordering::Relaxed);
        }
        self.counts[i].store(c.count, Ordering::Relaxed);
        self.over[i].store(0, Ordering::Relaxed);
        self.thresholds[i].store(c.threshold_us * 1000, Ordering::Relaxed);
    }

    /// Lowers `armed` for the thresholds set here: the cgroup is removed
    /// and nobody can set them any more. Under the mutex.
    pub(super) fn disarm(&self, armed: &Armed) {
        for (t, a) in self.thresholds.iter().zip(armed.0.iter()) {
            if t.load(Ordering::Relaxed) != 0 {
                a.fetch_sub(1, Ordering::Relaxed);
            }
        }
    }

    /// Whether a count was reached since the last call.
    pub(super) fn take_notify(&self) -> bool {
        self.notify.swap(false, Ordering::Acquire)
    }

    /// Latencies of `series` at or above the threshold since it was set.
    pub(crate) fn over(&self, series: Series) -> u64 {
        self.over[series as usize].load(Ordering::Relaxed)
    }

    /// Adds this cgroup's own counts of `series` (summed over CPUs) and
    /// those of its removed descendants into `snap`.
    ///
    /// # Safety
    ///
    /// The caller holds the table's mutex.
    unsafe fn add_own(&self, series: Series, snap: &mut Snapshot) {
        self.add_cpus(series, snap);
        // SAFETY: the caller's guarantee.
        unsafe { self.add_gone(series, snap) };
    }

    /// Adds this cgroup's own counts of `series`, summed over CPUs, into
    /// `snap`. Needs no lock: the histograms are atomics.
    pub(super) fn add_cpus(&self, series: Series, snap: &mut Snapshot) {
        for c in self.cpus.iter() {
            c.hist[series as usize].add_to(snap);
        }
    }

    /// Adds the counts of this cgroup's removed descendants of `series`
    /// into `snap`.
    ///
    /// # Safety
    ///
    /// The caller holds the table's mutex.
    pub(super) unsafe fn add_gone(&self, series: Series, snap: &mut Snapshot) {
        // SAFETY: `gone` is null or a live allocation, changed and freed
        // only under the mutex, which the caller holds.
        if let Some(g) = unsafe { self.gone.load(Ordering::Relaxed).as_ref() } {
            snap.add(&g[series as usize]);
        }
    }

    /// Adds the counts of `dead`, a removed descendant, to those this
    /// entry keeps for its removed descendants, so that it goes on
    /// counting them. Without memory for them, they are lost from this
    /// cgroup's numbers.
    ///
    /// # Safety
    ///
    /// The caller holds the table's mutex.
    pub(super) unsafe fn take_in(&self, dead: &CgStats) {
        let mut g = self.gone.load(Ordering::Relaxed);
        if g.is_null() {
            // Charged to the cgroup that keeps the counts.
            let _charge = Charge::to(self.id);
            let Ok(b) = KBox::new([Snapshot::default(); NR_SERIES], GFP_KERNEL_ACCOUNT) else {
                return;
            };
            g = KBox::into_raw(b);
            self.gone.store(g, Ordering::Relaxed);
        }
        // SAFETY: `g` is this entry's live `gone`, used under the mutex (the
        // caller's guarantee).
        let g = unsafe { &mut *g };
        for (series, snap) in Series::ALL.iter().zip(g.iter_mut()) {
            // SAFETY: the caller's guarantee.
            unsafe { dead.add_own(*series, snap) };
        }
    }

    /// Whether this is the entry of `a` or of one of its descendants.
    pub(super) fn within(&self, a: &CgStats) -> bool {
        let mut s: *const CgStats = self;
        // SAFETY: by the type invariant ancestors outlive `self`.
        while let Some(st) = unsafe { s.as_ref() } {
            if ptr::eq(st, a) {
                return true;
            }
            s = st.parent;
        }
        false
    }

    /// The largest latency of `series` since the last reset, over CPUs.
    pub(crate) fn peak(&self, series: Series) -> u64 {
        self.cpus
            .iter()
            .map(|c| c.hist[series as usize].peak())
            .max()
            .unwrap_or(0)
    }

    /// Restarts the largest latencies of every series, on every CPU.
    pub(crate) fn reset_peaks(&self) {
        for c in self.cpus.iter() {
            for h in c.hist.iter() {
                h.reset_peak();
            }
        }
    }
}

impl Drop for CgStats {
    fn drop(&mut self) {
        let g = self.gone.swap(ptr::null_mut(), Ordering::Relaxed);
        if !g.is_null() {
            // SAFETY: a non-null `gone` came from `KBox::into_raw` and is
            // owned by this entry.
            drop(unsafe { KBox::from_raw(g) });
        }
    }
}
