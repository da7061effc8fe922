// SPDX-License-Identifier: GPL-2.0

//! The table: a fixed array of hash chains of entries, by cgroup id, and
//! the lookups of the probes.
//!
//! Probes look cgroups up without a lock, inside the RCU read-side
//! critical section they run in, which they show with a [`ReadSide`]; the
//! entries they find live as long as it does. Everything else happens in
//! process context under the table's mutex, which guards the [`Writer`].

use super::entry::{Armed, CgStats};
use super::graveyard::Graveyard;
use crate::ffi;
use crate::hist::Series;
use crate::rcu::ReadSide;
use crate::support::cgroup::Cgroup;
use core::ffi::c_void;
use core::ptr;
use core::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use kernel::prelude::*;
use kernel::sync::{new_mutex, Mutex};

/// Hash chains in the table.
const NR_CHAINS: usize = 1024;

/// The cgroup a probe last looked up on one CPU, and its entry; see
/// [`Table::find_cached`]. An all-zero value finds nothing (no cgroup has
/// id 0), so caches may come zeroed.
#[repr(C, align(64))]
pub(crate) struct EntryCache {
    id: AtomicU64,
    changes: AtomicU64,
    entry: AtomicPtr<CgStats>,
}

/// The process-context side of the table.
pub(super) struct Writer {
    pub(super) generation: u64,
    /// How many entries the table holds.
    pub(super) len: usize,
    /// Buffer for the glue's walk over cgroups.
    pub(super) walk: KVec<u8>,
    /// Entries of removed cgroups, until they are freed.
    pub(super) graveyard: Graveyard,
}

/// Every cgroup's [`CgStats`], by id.
///
/// # Invariants
///
/// `chains` has `NR_CHAINS` heads of lists of entries allocated with
/// `KBox`, owned by the table; an entry is reachable from its chain until
/// it is unlinked, and freed only after an RCU grace period that follows
/// its unlinking (see [`Graveyard`]). `root` is null or the entry of the
/// root cgroup, which is never removed.
#[pin_data(PinnedDrop)]
pub(crate) struct Table {
    pub(super) chains: KVVec<AtomicPtr<CgStats>>,
    pub(super) root: AtomicPtr<CgStats>,
    pub(super) nr_cpus: usize,
    /// Cgroups with a threshold, per series (changed under the mutex).
    pub(super) armed: Armed,
    /// Bumped after every update of the chains, before the grace period
    /// for the entries it unlinked starts: what a probe found for a cgroup
    /// id stays valid while this has not changed ([`EntryCache`]).
    pub(super) changes: AtomicU64,
    #[pin]
    pub(super) writer: Mutex<Writer>,
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
            armed: Armed::new(),
            changes: AtomicU64::new(0),
            writer <- new_mutex!(Writer {
                generation: 0,
                len: 0,
                walk: KVec::new(),
                graveyard: Graveyard::new(),
            }),
        }))
    }

    /// The chain of cgroup id `id`.
    pub(super) fn chain(&self, id: u64) -> &AtomicPtr<CgStats> {
        &self.chains[chain_of(id)]
    }

    /// The entry of cgroup `id`.
    ///
    /// # Safety
    ///
    /// The caller is in an RCU read-side critical section or holds the
    /// writer mutex, and drops the reference before leaving it.
    unsafe fn get(&self, id: u64) -> Option<&CgStats> {
        let mut p = self.chain(id).load(Ordering::Acquire);
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

    /// The entry of cgroup `id`, for a probe.
    pub(super) fn lookup<'a>(&'a self, _rcu: &'a ReadSide, id: u64) -> Option<&'a CgStats> {
        // SAFETY: in the read-side critical section `_rcu` shows, which
        // outlives the reference.
        unsafe { self.get(id) }
    }

    /// The entry of cgroup `id`, under the writer mutex.
    ///
    /// # Safety
    ///
    /// The caller holds the writer mutex, and drops the reference before
    /// releasing it.
    pub(super) unsafe fn lookup_locked(&self, id: u64) -> Option<&CgStats> {
        // SAFETY: the caller's guarantee.
        unsafe { self.get(id) }
    }

    /// The entry that counts events of `cgrp` (id `id`): its own, or its
    /// nearest ancestor's; the root's for a null `cgrp`.
    ///
    /// # Safety
    ///
    /// `cgrp` is null or a cgroup that stays valid for the call (probes
    /// pass one they hold under RCU).
    pub(crate) unsafe fn find<'a>(
        &'a self,
        rcu: &'a ReadSide,
        cgrp: *mut c_void,
        id: u64,
    ) -> Option<&'a CgStats> {
        if cgrp.is_null() {
            // SAFETY: by the type invariant `root` is null or an entry that
            // lives as long as the table.
            return unsafe { self.root.load(Ordering::Acquire).as_ref() };
        }
        if let Some(s) = self.lookup(rcu, id) {
            return Some(s);
        }
        // SAFETY: `cgrp` is valid for the call (this function's contract).
        let cg = unsafe { Cgroup::borrow(cgrp) };
        let found = cg
            .ancestor_ids()
            .skip(1)
            .find_map(|id| self.lookup(rcu, id));
        found
    }

    /// [`Table::find`] through `cache`, which remembers the last cgroup
    /// found and its entry.
    ///
    /// # Safety
    ///
    /// As for [`Table::find`]; in addition, `cache` is used by one context
    /// at a time, always inside an RCU read-side critical section.
    #[inline]
    pub(crate) unsafe fn find_cached<'a>(
        &'a self,
        rcu: &'a ReadSide,
        cache: &EntryCache,
        cgrp: *mut c_void,
        id: u64,
    ) -> Option<&'a CgStats> {
        let changes = self.changes.load(Ordering::Acquire);
        if cache.id.load(Ordering::Relaxed) == id
            && cache.changes.load(Ordering::Relaxed) == changes
        {
            // SAFETY: the entry was found for `id` after `changes` had this
            // value; an update that unlinked it since bumped `changes`
            // before starting the grace period that frees it. A reader
            // that still sees the value from before the bump began before
            // that grace period ended, so the entry lives until the
            // read-side critical section `rcu` shows ends.
            return unsafe { cache.entry.load(Ordering::Relaxed).as_ref() };
        }
        // SAFETY: the caller's guarantee.
        let s = unsafe { self.find(rcu, cgrp, id) };
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
        self.armed.any(series)
    }

    /// The per-series counts of cgroups with a threshold, for
    /// [`CgStats::set_control`] (under [`Table::with`]).
    pub(crate) fn armed_counts(&self) -> &Armed {
        &self.armed
    }

    /// How many cgroups the table holds.
    pub(crate) fn count(&self) -> usize {
        self.writer.lock().len
    }
}

#[pinned_drop]
impl PinnedDrop for Table {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: the probes are detached and the files unregistered:
        // nobody reads the chains or the entries any more.
        unsafe { self.writer.lock().graveyard.reap_all() };
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
