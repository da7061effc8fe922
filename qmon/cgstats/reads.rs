// SPDX-License-Identifier: GPL-2.0

//! What reads of the files see: an entry under the table's mutex, the
//! sums over a subtree, and the cgroups whose counts were reached.
//!
//! A read sums the cgroup's histograms and its descendants' over CPUs
//! ([`Table::sum_subtree`]): it lists the subtree's entries under the
//! mutex, pins them, and sums them after releasing it (a pinned entry is
//! not freed), so that reads do not hold up updates or each other.

use super::entry::CgStats;
use super::graveyard::Graveyard;
use super::table::Table;
use crate::ffi;
use crate::hist::{Series, Snapshot, NR_SERIES};
use core::ptr;
use core::sync::atomic::Ordering;
use kernel::prelude::*;

/// An entry seen under the table's mutex: what reads of its files need.
///
/// # Invariants
///
/// The table's mutex is held while this value lives (it borrows the
/// graveyard from the mutex's guard), and `entry` is in the table.
pub(crate) struct Locked<'a> {
    graveyard: &'a Graveyard,
    entry: &'a CgStats,
}

impl Locked<'_> {
    /// The entry and its descendants: those in the table, through the
    /// tree links, and those waiting for their grace period.
    fn for_each_in_subtree(&self, mut f: impl FnMut(&CgStats)) {
        let top = self.entry;
        // SAFETY: by the type invariant we hold the mutex and `top` is in
        // the table, so in the tree.
        unsafe { top.for_each_below(&mut f) };
        self.graveyard.for_each_dead(|s| {
            if s.within(top) {
                f(s);
            }
        });
    }
}

impl core::ops::Deref for Locked<'_> {
    type Target = CgStats;

    fn deref(&self) -> &CgStats {
        self.entry
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

impl Table {
    /// Calls `f` with the entry of cgroup `id`, bringing the table up to
    /// date first if the cgroup is new to it. `ENOENT` for a cgroup that is
    /// gone.
    pub(crate) fn with<R>(&self, id: u64, f: impl FnOnce(&Locked<'_>) -> R) -> Result<R> {
        let mut w = self.writer.lock();
        // SAFETY: we hold the writer mutex for the use of the reference.
        if unsafe { self.lookup_locked(id) }.is_none() {
            self.update_locked(&mut w)?;
        }
        // SAFETY: as above.
        let entry = unsafe { self.lookup_locked(id) }.ok_or(ENOENT)?;
        // INVARIANT: the graveyard is borrowed from the guard `w`; `entry`
        // was just found in the table.
        let locked = Locked {
            graveyard: &w.graveyard,
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
                        // SAFETY: `locked` shows we hold the mutex.
                        unsafe { e.add_gone(*s, &mut out[*s as usize]) };
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
                if s.take_notify() {
                    f(s.id);
                }
                p = s.next.load(Ordering::Acquire);
            }
        }
    }
}
