// SPDX-License-Identifier: GPL-2.0

//! Per-cgroup histograms, and the table that finds them by cgroup id.
//!
//! Every cgroup v2 cgroup has a [`CgStats`]: for each CPU, one histogram
//! per series. An event is counted on the CPU that sees it, in the cgroup of
//! the task (or request) only: probes do the least work, however deep the
//! cgroup. A read sums the cgroup's histograms and its descendants' over
//! CPUs ([`Table::sum_subtree`]), so that a cgroup's numbers include its
//! descendants'; it lists the subtree's entries through child and sibling
//! links that change under the table's mutex, pins them, and sums them
//! after releasing it (a pinned entry is not freed). When a cgroup is removed,
//! its counts move into its nearest live ancestor (once no probe can touch
//! them any more), so that they stay in every ancestor's numbers. The one thing probes do at every level is
//! raise the peak latency that `sli.max` shows (the largest since that
//! cgroup's maxima were last reset): each CPU's histograms link to the parent's
//! for the same CPU. The thresholds are only looked at while some cgroup has
//! one set for the series.
//!
//! The table is a fixed array of hash chains. Probes look cgroups up without
//! a lock, inside the RCU read-side critical section that a probe runs in.
//! Entries are added and removed in process context under a mutex, by
//! [`Table::update`], which compares the table with the live cgroups; a
//! removed entry is freed after an RCU grace period. Events of a cgroup not
//! (yet) in the table are counted in its nearest ancestor that is.

use crate::ffi;
use crate::hist::{Control, CpuHist, Series, Snapshot, NR_SERIES};
use core::ffi::{c_ulong, c_void};
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering};
use kernel::prelude::*;
use kernel::sync::{new_mutex, Mutex};

/// Hash chains in the table.
const NR_CHAINS: usize = 1024;

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
    id: u64,
    parent: *const CgStats,
    /// The next entry of the hash chain; readers follow it under RCU.
    next: AtomicPtr<CgStats>,
    /// Update generation that last saw the cgroup alive (under the mutex).
    seen: AtomicU64,
    /// Link of the list of entries to free (under the mutex).
    dead_next: AtomicPtr<CgStats>,
    /// The tree of entries in the table, for reads of a subtree (under the
    /// mutex): the first child, and the previous and next siblings.
    child: AtomicPtr<CgStats>,
    prev_sibling: AtomicPtr<CgStats>,
    next_sibling: AtomicPtr<CgStats>,
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
    /// Reads summing this entry without the mutex ([`Table::sum_subtree`]):
    /// raised under the mutex, lowered by the reader; an entry is freed
    /// only at zero.
    pins: AtomicUsize,
}

/// What counting a latency found.
#[derive(Clone, Copy, Default)]
pub(crate) struct Crossing {
    /// The latency reached the threshold of its cgroup or an ancestor.
    pub(crate) over: bool,
    /// ... and made a count complete there: pollers are to be notified.
    pub(crate) notify: bool,
}

/// While it lives, the task's `__GFP_ACCOUNT` allocations are charged to
/// the memory cgroup that counts for one cgroup: memory a cgroup's
/// existence makes qmon allocate is the cgroup's, as the kernel charges
/// a cgroup's own structures to the cgroups that create them.
///
/// # Invariants
///
/// `token` and `old` come from a `qmon_glue_charge_begin()` that
/// succeeded on this task, not ended yet.
struct Charge {
    token: *mut c_void,
    old: *mut c_void,
}

impl Charge {
    /// Starts charging the memory cgroup of cgroup `id`; `None` when the
    /// cgroup is gone or not visible to this task.
    fn to(id: u64) -> Option<Self> {
        let (mut token, mut old) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: both are writable.
        let r = unsafe { ffi::qmon_glue_charge_begin(id, &mut token, &mut old) };
        // INVARIANT: begun, if it returned 0.
        (r == 0).then_some(Self { token, old })
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        // SAFETY: by the type invariant; dropped on the task that began it
        // (a `Charge` is not `Send`: it holds raw pointers).
        unsafe { ffi::qmon_glue_charge_end(self.token, self.old) };
    }
}

impl CgStats {
    /// A new entry, its memory charged (`__GFP_ACCOUNT`) to the memory
    /// cgroup the caller set up with [`Charge`].
    fn new(id: u64, parent: *const CgStats, nr_cpus: usize, seen: u64) -> Result<KBox<Self>> {
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

    /// Latencies of `series` at or above the threshold since it was set.
    pub(crate) fn over(&self, series: Series) -> u64 {
        self.over[series as usize].load(Ordering::Relaxed)
    }

    /// Adds this cgroup's own counts of `series` (summed over CPUs) and
    /// those of its removed descendants into `snap`. Under the mutex.
    fn add_own(&self, series: Series, snap: &mut Snapshot) {
        self.add_cpus(series, snap);
        self.add_gone(series, snap);
    }

    /// Adds this cgroup's own counts of `series`, summed over CPUs, into
    /// `snap`. Needs no lock: the histograms are atomics.
    fn add_cpus(&self, series: Series, snap: &mut Snapshot) {
        for c in self.cpus.iter() {
            c.hist[series as usize].add_to(snap);
        }
    }

    /// Adds the counts of this cgroup's removed descendants of `series`
    /// into `snap`. Under the mutex.
    fn add_gone(&self, series: Series, snap: &mut Snapshot) {
        // SAFETY: `gone` is null or a live allocation, changed and freed
        // only under the mutex, which the caller holds.
        if let Some(g) = unsafe { self.gone.load(Ordering::Relaxed).as_ref() } {
            snap.add(&g[series as usize]);
        }
    }

    /// Unlinks the entry from its parent's children. Under the mutex.
    fn leave_tree(&self) {
        let prev = self.prev_sibling.swap(ptr::null_mut(), Ordering::Relaxed);
        let next = self.next_sibling.swap(ptr::null_mut(), Ordering::Relaxed);
        // SAFETY: siblings and the parent are live entries (they leave the
        // tree before they are freed, and the parent outlives `self`); the
        // links change only under the mutex, which the caller holds.
        unsafe {
            if let Some(p) = prev.as_ref() {
                p.next_sibling.store(next, Ordering::Relaxed);
            } else if let Some(par) = self.parent.as_ref() {
                par.child.store(next, Ordering::Relaxed);
            }
            if let Some(n) = next.as_ref() {
                n.prev_sibling.store(prev, Ordering::Relaxed);
            }
        }
    }

    /// Whether this is the entry of `a` or of one of its descendants.
    fn within(&self, a: &CgStats) -> bool {
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

/// An entry seen under the table's mutex: what reads of its files need.
pub(crate) struct Locked<'a> {
    graveyard: *const CgStats,
    entry: &'a CgStats,
}

impl Locked<'_> {
    /// The entry and its descendants: those in the table, through the
    /// tree links, and those waiting to be freed.
    fn for_each_in_subtree(&self, mut f: impl FnMut(&CgStats)) {
        let top = self.entry;
        let mut e = top;
        // Depth first, without a stack: down to the first child, else on
        // to the next sibling of the nearest ancestor below `top` that has
        // one.
        'walk: loop {
            f(e);
            // SAFETY: the tree links point to entries in the table, live
            // while we hold the mutex (an entry leaves the tree when it
            // leaves the chains).
            if let Some(c) = unsafe { e.child.load(Ordering::Relaxed).as_ref() } {
                e = c;
                continue;
            }
            loop {
                if ptr::eq(e, top) {
                    break 'walk;
                }
                // SAFETY: as above.
                if let Some(n) = unsafe { e.next_sibling.load(Ordering::Relaxed).as_ref() } {
                    e = n;
                    continue 'walk;
                }
                // SAFETY: `e` is below `top`, so it has a parent, which
                // outlives it (type invariant).
                e = unsafe { &*e.parent };
            }
        }
        let mut p = self.graveyard;
        // SAFETY: entries in the graveyard are freed only under the mutex.
        while let Some(s) = unsafe { p.as_ref() } {
            if s.within(top) {
                f(s);
            }
            p = s.dead_next.load(Ordering::Relaxed);
        }
    }
}

/// Entries pinned by [`Table::sum_subtree`]; unpinned on drop.
///
/// # Invariants
///
/// Every element is an entry whose `pins` this value raised once, so
/// that it is not freed until this value is dropped.
struct Pinned(KVec<*const CgStats>);

impl Drop for Pinned {
    fn drop(&mut self) {
        for p in self.0.iter() {
            // SAFETY: by the type invariant the entry is still allocated.
            unsafe { (**p).pins.fetch_sub(1, Ordering::Release) };
        }
    }
}

/// Entries summed between two chances to reschedule.
const SUM_CHUNK: usize = 16;

impl core::ops::Deref for Locked<'_> {
    type Target = CgStats;

    fn deref(&self) -> &CgStats {
        self.entry
    }
}

/// The cgroup a probe last looked up on one CPU, and its entry; see
/// [`Table::find_cached`]. An all-zero value finds nothing (no cgroup has
/// id 0), so caches may come zeroed.
#[repr(C, align(64))]
pub(crate) struct EntryCache {
    id: AtomicU64,
    changes: AtomicU64,
    entry: AtomicPtr<CgStats>,
}

/// How many cgroups have a threshold set, per series.
pub(crate) struct Armed([AtomicU64; NR_SERIES]);

/// The process-context side of the table.
struct Writer {
    generation: u64,
    /// How many entries the table holds.
    len: usize,
    /// Buffer for the glue's walk over cgroups.
    walk: KVec<u8>,
    /// Entries unlinked from the chains, linked by `dead_next`, to free
    /// once the RCU grace period named by `cookie` has passed.
    graveyard: AtomicPtr<CgStats>,
    cookie: c_ulong,
    /// Entries past their grace period, their counts moved into their
    /// ancestors, linked by `dead_next`: freed together once no read has
    /// one pinned.
    zombies: AtomicPtr<CgStats>,
}

/// Every cgroup's [`CgStats`], by id.
///
/// # Invariants
///
/// `chains` has `NR_CHAINS` heads of lists of entries allocated with
/// `KBox`, owned by the table; an entry is reachable from its chain until
/// it is freed, and freed only after an RCU grace period that follows its
/// unlinking. `root` is null or the entry of the root cgroup, which is
/// never removed.
#[pin_data(PinnedDrop)]
pub(crate) struct Table {
    chains: KVVec<AtomicPtr<CgStats>>,
    root: AtomicPtr<CgStats>,
    nr_cpus: usize,
    /// Cgroups with a threshold, per series (changed under the mutex).
    armed: Armed,
    /// Bumped after every update of the chains, before the grace period
    /// for the entries it unlinked starts: what a probe found for a cgroup
    /// id stays valid while this has not changed ([`EntryCache`]).
    changes: AtomicU64,
    #[pin]
    writer: Mutex<Writer>,
}

// SAFETY: the raw pointers are to entries the table owns; shared access goes
// through atomics, and changes through the mutex.
unsafe impl Send for Table {}
// SAFETY: as above.
unsafe impl Sync for Table {}

fn chain_of(id: u64) -> usize {
    (id.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40) as usize % NR_CHAINS
}

impl Table {
    /// An empty table; [`Table::update`] fills it.
    pub(crate) fn new() -> Result<impl PinInit<Self, Error>> {
        let mut chains = KVVec::with_capacity(NR_CHAINS, GFP_KERNEL)?;
        for _ in 0..NR_CHAINS {
            chains.push(AtomicPtr::new(ptr::null_mut()), GFP_KERNEL)?;
        }
        // SAFETY: no preconditions.
        let nr_cpus = unsafe { ffi::qmon_glue_nr_cpu_ids() } as usize;
        Ok(try_pin_init!(Self {
            chains,
            root: AtomicPtr::new(ptr::null_mut()),
            nr_cpus,
            armed: Armed([const { AtomicU64::new(0) }; NR_SERIES]),
            changes: AtomicU64::new(0),
            writer <- new_mutex!(Writer {
                generation: 0,
                len: 0,
                walk: KVec::new(),
                graveyard: AtomicPtr::new(ptr::null_mut()),
                cookie: 0,
                zombies: AtomicPtr::new(ptr::null_mut()),
            }),
        }))
    }

    /// The entry of cgroup `id`.
    ///
    /// # Safety
    ///
    /// The caller is in an RCU read-side critical section (a probe) or holds
    /// the writer mutex, and drops the reference before leaving it.
    unsafe fn lookup(&self, id: u64) -> Option<&CgStats> {
        let mut p = self.chains[chain_of(id)].load(Ordering::Acquire);
        while !p.is_null() {
            // SAFETY: entries reachable from a chain are alive for the
            // caller (the caller's guarantee and the type invariant).
            let s = unsafe { &*p };
            if s.id == id {
                return Some(s);
            }
            p = s.next.load(Ordering::Acquire);
        }
        None
    }

    /// The entry that counts events of `cgrp` (id `id`): its own, or its
    /// nearest ancestor's; the root's for a null `cgrp`.
    ///
    /// # Safety
    ///
    /// As for [`Table::lookup`]; `cgrp` is null or a cgroup that stays valid
    /// for the call (probes pass one they hold under RCU).
    pub(crate) unsafe fn find(&self, mut cgrp: *mut c_void, id: u64) -> Option<&CgStats> {
        if cgrp.is_null() {
            // SAFETY: by the type invariant `root` is null or an entry that
            // lives as long as the table.
            return unsafe { self.root.load(Ordering::Acquire).as_ref() };
        }
        // SAFETY: the caller's guarantee.
        if let Some(s) = unsafe { self.lookup(id) } {
            return Some(s);
        }
        loop {
            // SAFETY: `cgrp` is valid, and so are its ancestors.
            cgrp = unsafe { ffi::qmon_glue_cgroup_parent(cgrp) };
            if cgrp.is_null() {
                return None;
            }
            // SAFETY: `cgrp` is valid; the caller's guarantee for `lookup`.
            if let Some(s) = unsafe { self.lookup(ffi::qmon_glue_cgroup_id(cgrp)) } {
                return Some(s);
            }
        }
    }

    /// [`Table::find`] through `cache`, which remembers the last cgroup
    /// found and its entry.
    ///
    /// # Safety
    ///
    /// As for [`Table::find`]; in addition, `cache` is used by one context
    /// at a time, always inside an RCU read-side critical section.
    #[inline]
    pub(crate) unsafe fn find_cached(
        &self,
        cache: &EntryCache,
        cgrp: *mut c_void,
        id: u64,
    ) -> Option<&CgStats> {
        let changes = self.changes.load(Ordering::Acquire);
        if cache.id.load(Ordering::Relaxed) == id
            && cache.changes.load(Ordering::Relaxed) == changes
        {
            // SAFETY: the entry was found for `id` after `changes` had this
            // value; an update that unlinked it since bumped `changes`
            // before starting the grace period that frees it. A reader
            // that still sees the value from before the bump began before
            // that grace period ended, so the entry lives until this probe
            // returns.
            return unsafe { cache.entry.load(Ordering::Relaxed).as_ref() };
        }
        // SAFETY: the caller's guarantee.
        let s = unsafe { self.find(cgrp, id) };
        cache.id.store(id, Ordering::Relaxed);
        cache.changes.store(changes, Ordering::Relaxed);
        cache.entry.store(
            s.map_or(ptr::null_mut(), |s| ptr::from_ref(s).cast_mut()),
            Ordering::Relaxed,
        );
        s
    }

    /// Whether some cgroup has a threshold set for `series`.
    pub(crate) fn armed(&self, series: Series) -> bool {
        self.armed.0[series as usize].load(Ordering::Relaxed) != 0
    }

    /// The per-series counts of cgroups with a threshold, for
    /// [`CgStats::set_control`] (under [`Table::with`]).
    pub(crate) fn armed_counts(&self) -> &Armed {
        &self.armed
    }

    /// Calls `f` with the entry of cgroup `id`, bringing the table up to
    /// date first if the cgroup is new to it. `ENOENT` for a cgroup that is
    /// gone.
    pub(crate) fn with<R>(&self, id: u64, f: impl FnOnce(&Locked<'_>) -> R) -> Result<R> {
        let mut w = self.writer.lock();
        // SAFETY: we hold the writer mutex for the use of the reference.
        if unsafe { self.lookup(id) }.is_none() {
            self.update_locked(&mut w)?;
        }
        // SAFETY: as above.
        let entry = unsafe { self.lookup(id) }.ok_or(ENOENT)?;
        let locked = Locked {
            graveyard: w.graveyard.load(Ordering::Relaxed),
            entry,
        };
        Ok(f(&locked))
    }

    /// Adds the counts of each of `series` of cgroup `id` and all its
    /// descendants, summed over CPUs, into `out` (indexed by series).
    /// `ENOENT` for a cgroup that is gone.
    ///
    /// The table's mutex is held only to list and pin the entries of the
    /// subtree (and to add the counts that removed cgroups left in them);
    /// the sum itself, which grows with the number of cgroups times the
    /// number of CPUs, runs without it and reschedules between chunks, so
    /// that reads do not hold up updates or each other.
    pub(crate) fn sum_subtree(
        &self,
        id: u64,
        series: &[Series],
        out: &mut [Snapshot; NR_SERIES],
    ) -> Result {
        let pinned = self.with(id, |locked| -> Result<Pinned> {
            // INVARIANT: an entry goes into the vector as it is pinned.
            let mut pinned = Pinned(KVec::new());
            let mut res = Ok(());
            locked.for_each_in_subtree(|e| {
                if res.is_err() {
                    return;
                }
                // Charged to the reader, whose read needs it.
                res = pinned.0.push(ptr::from_ref(e), GFP_KERNEL_ACCOUNT);
                if res.is_ok() {
                    e.pins.fetch_add(1, Ordering::Relaxed);
                    for s in series {
                        e.add_gone(*s, &mut out[*s as usize]);
                    }
                }
            });
            res?;
            Ok(pinned)
        })??;
        // Removals from now on move counts into `gone`s already added: an
        // entry pinned here keeps its own counts until it is freed, which
        // waits for the pin.
        for (i, p) in pinned.0.iter().enumerate() {
            if i % SUM_CHUNK == SUM_CHUNK - 1 {
                // SAFETY: no preconditions; we hold no lock.
                unsafe { ffi::qmon_glue_cond_resched() };
            }
            // SAFETY: pinned, so allocated until `pinned` is dropped.
            let e = unsafe { &**p };
            for s in series {
                e.add_cpus(*s, &mut out[*s as usize]);
            }
        }
        Ok(())
    }

    /// Calls `f` with the id of every cgroup whose count was reached since
    /// the last call.
    pub(crate) fn take_notified(&self, mut f: impl FnMut(u64)) {
        let _w = self.writer.lock();
        for head in self.chains.iter() {
            let mut p = head.load(Ordering::Acquire);
            // SAFETY: entries in the chains are live while we hold the mutex.
            while let Some(s) = unsafe { p.as_ref() } {
                if s.notify.swap(false, Ordering::Acquire) {
                    f(s.id);
                }
                p = s.next.load(Ordering::Acquire);
            }
        }
    }

    /// Adds entries for new cgroups and frees those of removed ones.
    pub(crate) fn update(&self) -> Result {
        let mut w = self.writer.lock();
        self.update_locked(&mut w)
    }

    /// Whether entries of removed cgroups wait for a grace period to be
    /// freed by a later update.
    pub(crate) fn freeing(&self) -> bool {
        let w = self.writer.lock();
        !w.graveyard.load(Ordering::Relaxed).is_null()
            || !w.zombies.load(Ordering::Relaxed).is_null()
    }

    /// How many cgroups the table holds.
    pub(crate) fn count(&self) -> usize {
        self.writer.lock().len
    }

    fn walk(w: &mut Writer) -> Result<usize> {
        loop {
            let cap = w.walk.capacity();
            // SAFETY: the buffer is valid for `cap` bytes of writes.
            let need = unsafe { ffi::qmon_glue_cgroup_walk(w.walk.as_mut_ptr().cast(), cap) };
            let need = usize::try_from(need).map_err(|_| EINVAL)?;
            if need <= cap {
                // SAFETY: the glue wrote the first `need` bytes, all of
                // them initialised `u8`s.
                unsafe { w.walk.set_len(need) };
                return Ok(need);
            }
            w.walk = KVec::with_capacity(need + need / 4, GFP_KERNEL)?;
        }
    }

    fn update_locked(&self, w: &mut Writer) -> Result {
        Self::reap(w, false);
        Self::walk(w)?;
        w.generation += 1;
        let gen = w.generation;
        let mut added = 0;
        for rec in w.walk.chunks_exact(16) {
            let word = |i: usize| {
                let mut b = [0u8; 8];
                b.copy_from_slice(&rec[i..i + 8]);
                u64::from_ne_bytes(b)
            };
            let (id, pid) = (word(0), word(8));
            // SAFETY: we hold the writer mutex.
            if let Some(s) = unsafe { self.lookup(id) } {
                s.seen.store(gen, Ordering::Relaxed);
                continue;
            }
            let parent = if pid == 0 {
                ptr::null()
            } else {
                // SAFETY: we hold the writer mutex. Parents come first in
                // the walk; without one (no memory for it) the cgroup's
                // events go to its nearest ancestor in the table.
                match unsafe { self.lookup(pid) } {
                    Some(p) => p as *const CgStats,
                    None => continue,
                }
            };
            // Charged to the cgroup; one gone or not visible here (an
            // update made for a reader in a cgroup namespace) waits for
            // the next update.
            let Some(_charge) = Charge::to(id) else {
                continue;
            };
            let Ok(entry) = CgStats::new(id, parent, self.nr_cpus, gen) else {
                // Counted in the nearest ancestor until the next update.
                continue;
            };
            let p = KBox::into_raw(entry);
            // SAFETY: `parent` is null or a live entry (found above); the
            // tree links change only under the mutex, which we hold.
            if let Some(par) = unsafe { parent.as_ref() } {
                let first = par.child.load(Ordering::Relaxed);
                // SAFETY: `p` is ours until published; `first` is null or
                // a live entry.
                unsafe {
                    (*p).next_sibling.store(first, Ordering::Relaxed);
                    if let Some(f) = first.as_ref() {
                        f.prev_sibling.store(p, Ordering::Relaxed);
                    }
                }
                par.child.store(p, Ordering::Relaxed);
            }
            let head = &self.chains[chain_of(id)];
            // SAFETY: `p` is ours until published by the store below.
            unsafe {
                (*p).next
                    .store(head.load(Ordering::Relaxed), Ordering::Relaxed)
            };
            head.store(p, Ordering::Release);
            if pid == 0 {
                // INVARIANT: the root's entry, added once and never removed.
                self.root.store(p, Ordering::Release);
            }
            added += 1;
        }
        w.len += added;
        w.len -= self.sweep(w, gen);
        Ok(())
    }

    /// Moves the graveyard's counts into the ancestors if its grace
    /// period has passed, and frees its entries once no read has one
    /// pinned; with `now` (when no probe or reader is left), frees
    /// everything at once.
    fn reap(w: &mut Writer, now: bool) {
        let dead = w.graveyard.load(Ordering::Relaxed);
        // SAFETY: no preconditions.
        if !dead.is_null() && (now || unsafe { ffi::qmon_glue_rcu_done(w.cookie) }) {
            w.graveyard.store(ptr::null_mut(), Ordering::Relaxed);
            if !now {
                Self::fold(dead);
            }
            // SAFETY: entries of the dead list are ours until freed.
            unsafe { Self::push_list(dead, &w.zombies) };
        }
        let mut z = w.zombies.load(Ordering::Relaxed);
        // All or none: an entry is never freed before its descendants,
        // whose parent pointers lead to it. No new pin comes: pins are
        // taken under the mutex, from the tree and the graveyard only.
        let mut p = z;
        // SAFETY: zombies are ours until freed.
        while let Some(e) = unsafe { p.as_ref() } {
            if !now && e.pins.load(Ordering::Acquire) != 0 {
                return;
            }
            p = e.dead_next.load(Ordering::Relaxed);
        }
        w.zombies.store(ptr::null_mut(), Ordering::Relaxed);
        while !z.is_null() {
            // SAFETY: unlinked a grace period ago (or no reader is left),
            // and pinned by no read, so nobody holds it; it came from
            // `KBox::into_raw`.
            let b = unsafe { KBox::from_raw(z) };
            z = b.dead_next.load(Ordering::Relaxed);
        }
    }

    /// Moves the counts of the entries of the list `dead` (linked by
    /// `dead_next`, all unreachable by probes) into their nearest ancestors
    /// not in the list, so that these keep counting them. Under the mutex.
    /// Puts the list `list` (linked by `dead_next`) in front of the list
    /// `head` points to.
    ///
    /// # Safety
    ///
    /// `list` is a non-null list of entries the caller owns, as are those
    /// of `head`'s list; nobody else changes either meanwhile.
    unsafe fn push_list(list: *mut CgStats, head: &AtomicPtr<CgStats>) {
        let mut tail = list;
        // SAFETY: the caller owns the list's entries.
        while let Some(next) = unsafe { (*tail).dead_next.load(Ordering::Relaxed).as_mut() } {
            tail = next;
        }
        // SAFETY: as above; `tail` is the list's last entry.
        unsafe {
            (*tail)
                .dead_next
                .store(head.load(Ordering::Relaxed), Ordering::Relaxed)
        };
        head.store(list, Ordering::Relaxed);
    }

    fn fold(dead: *mut CgStats) {
        // Mark the list: `seen` no longer matters to its entries.
        let mut p = dead;
        // SAFETY: entries of the dead list are ours until freed.
        while let Some(s) = unsafe { p.as_ref() } {
            s.seen.store(u64::MAX, Ordering::Relaxed);
            p = s.dead_next.load(Ordering::Relaxed);
        }
        let mut p = dead;
        // SAFETY: as above.
        while let Some(s) = unsafe { p.as_ref() } {
            p = s.dead_next.load(Ordering::Relaxed);
            let mut a = s.parent;
            // SAFETY: by the type invariant ancestors outlive `s`; the
            // root's entry is never removed, so the walk stops at a live
            // one (or at null, for an entry with no live ancestor).
            while let Some(e) = unsafe { a.as_ref() } {
                if e.seen.load(Ordering::Relaxed) != u64::MAX {
                    break;
                }
                a = e.parent;
            }
            // SAFETY: as above.
            let Some(target) = (unsafe { a.as_ref() }) else {
                continue;
            };
            let mut g = target.gone.load(Ordering::Relaxed);
            if g.is_null() {
                // Charged to the cgroup that keeps the counts.
                let _charge = Charge::to(target.id);
                let Ok(b) = KBox::new([Snapshot::default(); NR_SERIES], GFP_KERNEL_ACCOUNT) else {
                    // Without memory the removed cgroup's counts are lost
                    // from its ancestors' numbers.
                    continue;
                };
                g = KBox::into_raw(b);
                target.gone.store(g, Ordering::Relaxed);
            }
            // SAFETY: `g` is the target's live `gone`, used under the mutex.
            let g = unsafe { &mut *g };
            for (series, snap) in Series::ALL.iter().zip(g.iter_mut()) {
                s.add_own(*series, snap);
            }
        }
    }

    /// Unlinks the entries not seen in generation `gen` and puts them in
    /// the graveyard; returns how many.
    fn sweep(&self, w: &mut Writer, gen: u64) -> usize {
        let root = self.root.load(Ordering::Relaxed);
        // An entry seen alive keeps its ancestors alive, so that parent
        // pointers never dangle.
        for head in self.chains.iter() {
            let mut p = head.load(Ordering::Relaxed);
            while !p.is_null() {
                // SAFETY: entries in the chains are live; we hold the mutex.
                let s = unsafe { &*p };
                if s.seen.load(Ordering::Relaxed) == gen {
                    let mut a = s.parent;
                    // SAFETY: by the type invariant parents of live entries
                    // are live.
                    while let Some(e) = unsafe { a.as_ref() } {
                        if e.seen.swap(gen, Ordering::Relaxed) == gen {
                            break;
                        }
                        a = e.parent;
                    }
                }
                p = s.next.load(Ordering::Relaxed);
            }
        }
        let mut dead: *mut CgStats = ptr::null_mut();
        let mut n = 0;
        for head in self.chains.iter() {
            let mut link: &AtomicPtr<CgStats> = head;
            loop {
                let p = link.load(Ordering::Relaxed);
                // SAFETY: as above.
                let Some(s) = (unsafe { p.as_ref() }) else {
                    break;
                };
                if s.seen.load(Ordering::Relaxed) == gen || p == root {
                    link = &s.next;
                    continue;
                }
                // Readers on `s` still follow `s.next`, which stays.
                link.store(s.next.load(Ordering::Relaxed), Ordering::Release);
                s.leave_tree();
                // Nobody can set its thresholds any more: no longer armed.
                for (t, a) in s.thresholds.iter().zip(self.armed.0.iter()) {
                    if t.load(Ordering::Relaxed) != 0 {
                        a.fetch_sub(1, Ordering::Relaxed);
                    }
                }
                s.dead_next.store(dead, Ordering::Relaxed);
                dead = p;
                n += 1;
            }
        }
        // After the additions and unlinkings, before the grace period
        // starts (see `Table::find_cached`).
        self.changes.fetch_add(1, Ordering::Release);
        if !dead.is_null() {
            // Older entries wait for the new grace period too: an entry is
            // only unlinked after its descendants, so no reader reaches an
            // older one through a newer one.
            // SAFETY: entries of the dead list are ours until freed.
            unsafe { Self::push_list(dead, &w.graveyard) };
            // SAFETY: no preconditions.
            w.cookie = unsafe { ffi::qmon_glue_rcu_start() };
        }
        n
    }
}

#[pinned_drop]
impl PinnedDrop for Table {
    fn drop(self: Pin<&mut Self>) {
        // The probes are detached: nobody reads the chains any more.
        Self::reap(&mut self.writer.lock(), true);
        for head in self.chains.iter() {
            let mut p = head.swap(ptr::null_mut(), Ordering::Relaxed);
            while !p.is_null() {
                // SAFETY: by the type invariant entries came from
                // `KBox::into_raw` and are owned by the table.
                let b = unsafe { KBox::from_raw(p) };
                p = b.next.load(Ordering::Relaxed);
            }
        }
    }
}
