// SPDX-License-Identifier: GPL-2.0

//! The tree of the entries in the table: each entry's first child and its
//! previous and next siblings, for reads of a subtree.
//!
//! The links change, and are followed, only under the table's mutex: an
//! entry joins the tree when it is added to the table and leaves it when it
//! is unlinked from its hash chain.

use super::entry::CgStats;
use core::ptr;
use core::sync::atomic::Ordering;

impl CgStats {
    /// Links the entry `this`, new and not in the tree, first among the
    /// children of `parent`.
    ///
    /// # Safety
    ///
    /// The caller holds the table's mutex; `parent` is in the tree and
    /// `this` is a live entry whose parent is `parent`.
    pub(super) unsafe fn join_tree(this: *mut CgStats, parent: &CgStats) {
        let first = parent.child.load(Ordering::Relaxed);
        // SAFETY: `this` is live (the caller's guarantee); `first` is null
        // or a live entry, as the links are under the mutex.
        unsafe {
            (*this).next_sibling.store(first, Ordering::Relaxed);
            if let Some(f) = first.as_ref() {
                f.prev_sibling.store(this, Ordering::Relaxed);
            }
        }
        parent.child.store(this, Ordering::Relaxed);
    }

    /// Unlinks the entry from its parent's children.
    ///
    /// # Safety
    ///
    /// The caller holds the table's mutex.
    pub(super) unsafe fn leave_tree(&self) {
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

    /// Calls `f` with the entry and each of its descendants in the tree.
    ///
    /// # Safety
    ///
    /// The caller holds the table's mutex, and the entry is in the tree.
    pub(super) unsafe fn for_each_below(&self, mut f: impl FnMut(&CgStats)) {
        let top = self;
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
    }
}
