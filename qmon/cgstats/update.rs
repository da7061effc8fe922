// SPDX-License-Identifier: GPL-2.0

//! Bringing the table up to date with the live cgroups.
//!
//! [`Table::update`] walks the cgroups of the default hierarchy, adds an
//! entry for each cgroup new to the table, and unlinks those of cgroups
//! that are gone into the graveyard. It runs in process context, under the
//! table's mutex, when the glue's work item reports cgroup changes and
//! when a read finds a cgroup the table does not know yet.

use super::charge::Charge;
use super::entry::CgStats;
use super::table::{Table, Writer};
use crate::ffi;
use core::ptr;
use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::prelude::*;

impl Table {
    /// Adds entries for new cgroups and frees those of removed ones.
    pub(crate) fn update(&self) -> Result {
        let mut w = self.writer.lock();
        self.update_locked(&mut w)
    }

    /// Whether entries of removed cgroups wait for a grace period to be
    /// freed by a later update.
    pub(crate) fn freeing(&self) -> bool {
        self.writer.lock().graveyard.waiting()
    }

    /// Fills `w.walk` with the glue's records of the live cgroups; returns
    /// their size in bytes.
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

    /// [`Table::update`], with the mutex held (`w`).
    pub(super) fn update_locked(&self, w: &mut Writer) -> Result {
        w.graveyard.reap();
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
            if let Some(s) = unsafe { self.lookup_locked(id) } {
                s.seen.store(gen, Ordering::Relaxed);
                continue;
            }
            let parent = if pid == 0 {
                ptr::null()
            } else {
                // SAFETY: we hold the writer mutex. Parents come first in
                // the walk; without one (no memory for it) the cgroup's
                // events go to its nearest ancestor in the table.
                match unsafe { self.lookup_locked(pid) } {
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
            // SAFETY: `parent` is null or a live entry (found above).
            if let Some(par) = unsafe { parent.as_ref() } {
                // SAFETY: we hold the mutex; `par` is in the table, so in
                // the tree, and `p` is the new entry of its child.
                unsafe { CgStats::join_tree(p, par) };
            }
            let head = self.chain(id);
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
                // SAFETY: we hold the mutex.
                unsafe { s.leave_tree() };
                // Nobody can set its thresholds any more: no longer armed.
                s.disarm(&self.armed);
                s.dead_next.store(dead, Ordering::Relaxed);
                dead = p;
                n += 1;
            }
        }
        // After the additions and unlinkings, before the grace period
        // starts (see `Table::find_cached`).
        self.changes.fetch_add(1, Ordering::Release);
        if !dead.is_null() {
            // SAFETY: the entries of the dead list, unlinked above, are
            // ours until freed.
            unsafe { w.graveyard.bury(dead) };
        }
        n
    }
}
