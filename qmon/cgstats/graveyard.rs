// SPDX-License-Identifier: GPL-2.0

//! Entries of removed cgroups, from their unlinking to their freeing.
//!
//! An update unlinks the entries of removed cgroups from the hash chains
//! and the tree and buries them here ([`Graveyard::bury`]), starting an RCU
//! grace period: probes may still be counting in them. Once it has passed,
//! a later update moves their counts into their nearest live ancestors and
//! keeps them as zombies until no read has one pinned, then frees them
//! ([`Graveyard::reap`]).

use super::entry::CgStats;
use crate::rcu::GracePeriod;
use core::ptr;
use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::prelude::*;

/// The dead entries.
///
/// # Invariants
///
/// `dead` and `zombies` are lists, linked by `dead_next`, of entries
/// allocated with `KBox` and owned by this value, no longer reachable from
/// the table's chains or tree. The entries of `dead` were unlinked before
/// `grace` started; those of `zombies` are past their grace period, and
/// their counts are in their ancestors. The graveyard is part of the data
/// of the table's mutex: whoever has a reference to it holds that mutex.
pub(super) struct Graveyard {
    dead: AtomicPtr<CgStats>,
    grace: Option<GracePeriod>,
    zombies: AtomicPtr<CgStats>,
}

impl Graveyard {
    /// An empty graveyard.
    pub(super) const fn new() -> Self {
        // INVARIANT: both lists are empty.
        Self {
            dead: AtomicPtr::new(ptr::null_mut()),
            grace: None,
            zombies: AtomicPtr::new(ptr::null_mut()),
        }
    }

    /// Takes the entries of `list` (linked by `dead_next`), just unlinked,
    /// and starts the grace period they wait for.
    ///
    /// # Safety
    ///
    /// `list` is a non-null list of entries allocated with `KBox`, which
    /// the caller owns and passes on, unlinked from the chains and the
    /// tree before this call.
    pub(super) unsafe fn bury(&mut self, list: *mut CgStats) {
        // Older entries wait for the new grace period too: an entry is
        // only unlinked after its descendants, so no reader reaches an
        // older one through a newer one.
        // SAFETY: the caller passes `list` on; `dead` is ours.
        unsafe { push_list(list, &self.dead) };
        // INVARIANT: the grace period starts after the unlinking.
        self.grace = Some(GracePeriod::start());
    }

    /// Whether entries wait for a grace period or for reads to be freed.
    pub(super) fn waiting(&self) -> bool {
        !self.dead.load(Ordering::Relaxed).is_null()
            || !self.zombies.load(Ordering::Relaxed).is_null()
    }

    /// Calls `f` with each entry still in its grace period.
    pub(super) fn for_each_dead(&self, mut f: impl FnMut(&CgStats)) {
        let mut p = self.dead.load(Ordering::Relaxed);
        // SAFETY: entries in the graveyard are freed only under the mutex,
        // which the holder of `self` holds (type invariant).
        while let Some(s) = unsafe { p.as_ref() } {
            f(s);
            p = s.dead_next.load(Ordering::Relaxed);
        }
    }

    /// Moves the counts of the dead entries into their ancestors if their
    /// grace period has passed, and frees the zombies once no read has one
    /// pinned.
    pub(super) fn reap(&mut self) {
        // SAFETY: not `now`.
        unsafe { self.reap_inner(false) };
    }

    /// Frees every entry at once, without moving their counts.
    ///
    /// # Safety
    ///
    /// No probe and no read is left that might use one.
    pub(super) unsafe fn reap_all(&mut self) {
        // SAFETY: the caller's guarantee.
        unsafe { self.reap_inner(true) };
    }

    /// [`Graveyard::reap`], or with `now` [`Graveyard::reap_all`].
    ///
    /// # Safety
    ///
    /// With `now`, as for [`Graveyard::reap_all`].
    unsafe fn reap_inner(&mut self, now: bool) {
        let dead = self.dead.load(Ordering::Relaxed);
        if !dead.is_null() && (now || self.grace.as_ref().is_some_and(GracePeriod::passed)) {
            self.dead.store(ptr::null_mut(), Ordering::Relaxed);
            if !now {
                // SAFETY: the dead list is ours; we hold the mutex (type
                // invariant).
                unsafe { fold(dead) };
            }
            // SAFETY: entries of the dead list are ours until freed.
            unsafe { push_list(dead, &self.zombies) };
        }
        let mut z = self.zombies.load(Ordering::Relaxed);
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
        self.zombies.store(ptr::null_mut(), Ordering::Relaxed);
        while !z.is_null() {
            // SAFETY: unlinked a grace period ago (or no reader is left),
            // and pinned by no read, so nobody holds it; it came from
            // `KBox::into_raw`.
            let b = unsafe { KBox::from_raw(z) };
            z = b.dead_next.load(Ordering::Relaxed);
        }
    }
}

/// Puts the list `list` (linked by `dead_next`) in front of the list
/// `head` points to.
///
/// # Safety
///
/// `list` is a non-null list of entries the caller owns, as are those of
/// `head`'s list; nobody else changes either meanwhile.
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

/// Moves the counts of the entries of the list `dead` (linked by
/// `dead_next`, all unreachable by probes) into their nearest ancestors
/// not in the list, so that these keep counting them.
///
/// # Safety
///
/// The caller holds the table's mutex and owns the entries of `dead`.
unsafe fn fold(dead: *mut CgStats) {
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
        // SAFETY: by the type invariant ancestors outlive `s`; the root's
        // entry is never removed, so the walk stops at a live one (or at
        // null, for an entry with no live ancestor).
        while let Some(e) = unsafe { a.as_ref() } {
            if e.seen.load(Ordering::Relaxed) != u64::MAX {
                break;
            }
            a = e.parent;
        }
        // SAFETY: as above.
        if let Some(target) = unsafe { a.as_ref() } {
            // SAFETY: the caller holds the mutex.
            unsafe { target.take_in(s) };
        }
    }
}
