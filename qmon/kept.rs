// SPDX-License-Identifier: GPL-2.0

//! Texts kept for a reader's next call.
//!
//! cgroupfs asks a file's `show` for its text with a buffer, and again with
//! one twice as large while the text does not fit. qmon renders a file in
//! full once, and keeps a text that did not fit for the same task's next
//! call, so that a read renders, sums and resolves once.

use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::prelude::*;

/// Whose a kept text is: the task that asked, the file and the cgroup.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Asker {
    pub(crate) task: usize,
    /// The file's index in qmon's files.
    pub(crate) index: usize,
    /// The cgroup's id.
    pub(crate) id: u64,
}

/// A text rendered for a buffer too small for it, kept for the larger
/// buffer the same task asks with next (cgroupfs calls `show` again with
/// twice the size).
pub(crate) struct Kept {
    asker: Asker,
    /// `CLOCK_MONOTONIC` ns when it was rendered.
    time: u64,
    text: KVVec<u8>,
}

impl Kept {
    /// The text.
    pub(crate) fn text(&self) -> &[u8] {
        &self.text
    }
}

/// How long a kept text may wait for its task's next call, in ns.
const KEPT_NS: u64 = 1_000_000_000;

/// Slots for kept texts, chosen by task.
const NR_KEPT: usize = 4;

/// The kept texts (at most one per slot).
///
/// # Invariants
///
/// Each slot is null or owns a `Kept` made by `KBox::into_raw`.
pub(crate) struct KeptTexts([AtomicPtr<Kept>; NR_KEPT]);

impl KeptTexts {
    pub(crate) const fn new() -> Self {
        // INVARIANT: all empty.
        Self([const { AtomicPtr::new(core::ptr::null_mut()) }; NR_KEPT])
    }

    fn slot(&self, task: usize) -> &AtomicPtr<Kept> {
        // Tasks are at least cache-line aligned.
        &self.0[(task >> 6) % NR_KEPT]
    }

    /// Takes the text kept in the slot of `asker`'s task: its previous
    /// call for the same file, a moment before `now` (`CLOCK_MONOTONIC`
    /// ns), if that is what the slot held; anything else it held is freed.
    pub(crate) fn take(&self, asker: Asker, now: u64) -> Option<KBox<Kept>> {
        let p = self
            .slot(asker.task)
            .swap(core::ptr::null_mut(), Ordering::Acquire);
        // SAFETY: by the type invariant a non-null slot owns a `Kept` from
        // `KBox::into_raw`, now ours as the swap took it out.
        let k = (!p.is_null()).then(|| unsafe { KBox::from_raw(p) })?;
        (k.asker == asker && now.saturating_sub(k.time) < KEPT_NS).then_some(k)
    }

    /// Keeps `text`, rendered at `now` for `asker`, replacing what its
    /// task's slot held; charged to the reader.
    pub(crate) fn keep(&self, asker: Asker, now: u64, text: KVVec<u8>) -> Result {
        let k = KBox::new(
            Kept {
                asker,
                time: now,
                text,
            },
            GFP_KERNEL_ACCOUNT,
        )?;
        self.put(k);
        Ok(())
    }

    /// Keeps `k`, replacing what its task's slot held.
    pub(crate) fn put(&self, k: KBox<Kept>) {
        let old = self
            .slot(k.asker.task)
            .swap(KBox::into_raw(k), Ordering::AcqRel);
        if !old.is_null() {
            // SAFETY: as in `take`.
            drop(unsafe { KBox::from_raw(old) });
        }
    }
}

impl Drop for KeptTexts {
    fn drop(&mut self) {
        for s in self.0.iter() {
            let p = s.swap(core::ptr::null_mut(), Ordering::Relaxed);
            if !p.is_null() {
                // SAFETY: by the type invariant.
                drop(unsafe { KBox::from_raw(p) });
            }
        }
    }
}
