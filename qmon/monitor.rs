// SPDX-License-Identifier: GPL-2.0

//! The state the probes and the files share, and its publication to the C
//! glue's callbacks.
//!
//! [`Monitor`] holds the table of per-cgroup histograms, the start-time
//! slots, the event buffer and the texts kept for readers. The probes (and
//! the work items they queue) are called by the glue with nothing but
//! scalars: they find the monitor through [`published`] while a
//! [`Published`] value lives. The files are served by the monitor directly.
//! The module owns both values and drops the monitor last.

use crate::cgstats::{EntryCache, Table};
use crate::events::{self, Ring};
use crate::ffi;
use crate::kept::KeptTexts;
use crate::stamps::{Slot, Stamps};
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, Ordering};
use kernel::prelude::*;

/// Start-time slots: 64 Ki (1 MiB), so many sleeping tasks at once.
const NR_SLOTS: usize = 1 << 16;

/// What the probes use, and what the files show.
#[pin_data]
pub(crate) struct Monitor {
    #[pin]
    pub(crate) table: Table,
    slots: KVVec<Slot>,
    /// Per CPU, the cgroup the switch probe last counted in.
    pub(crate) switch_cache: KVVec<EntryCache>,
    /// Whether the probes are attached (changed under the parameter lock).
    pub(crate) attached: AtomicBool,
    /// Whether direct compaction is timed.
    pub(crate) compact: AtomicBool,
    /// Whether the scheduler stamps queue times in the task
    /// (`CONFIG_SCHED_INFO`); if not, the probes stamp tasks "queued".
    pub(crate) queue_times: bool,
    /// Latencies not measured because their start found no free slot.
    pub(crate) lost: AtomicU64,
    /// The event buffer and how many events were ever added to it.
    events: KVVec<events::Slot>,
    events_head: AtomicU64,
    /// Texts rendered for a buffer too small, for the next call.
    pub(crate) kept: KeptTexts,
}

impl Monitor {
    pub(crate) fn new() -> Result<impl PinInit<Self, Error>> {
        let mut slots = KVVec::with_capacity(NR_SLOTS, GFP_KERNEL | __GFP_ZERO)?;
        // SAFETY: the capacity is `NR_SLOTS`, allocated zeroed, and a zeroed
        // `Slot` is a valid free slot.
        unsafe { slots.set_len(NR_SLOTS) };
        // SAFETY: no preconditions.
        let nr_cpus = unsafe { ffi::qmon_glue_nr_cpu_ids() } as usize;
        let mut switch_cache = KVVec::with_capacity(nr_cpus, GFP_KERNEL | __GFP_ZERO)?;
        // SAFETY: the capacity is `nr_cpus`, allocated zeroed, and a zeroed
        // `EntryCache` finds nothing.
        unsafe { switch_cache.set_len(nr_cpus) };
        let mut events = KVVec::with_capacity(events::NR_EVENTS, GFP_KERNEL | __GFP_ZERO)?;
        // SAFETY: as above; a zeroed `events::Slot` is an empty slot.
        unsafe { events.set_len(events::NR_EVENTS) };
        Ok(try_pin_init!(Self {
            table <- Table::new()?,
            slots,
            switch_cache,
            attached: AtomicBool::new(false),
            compact: AtomicBool::new(false),
            // SAFETY: no preconditions.
            queue_times: unsafe { ffi::qmon_glue_sched_info() },
            lost: AtomicU64::new(0),
            events,
            events_head: AtomicU64::new(0),
            kept: KeptTexts::new(),
        }))
    }

    /// The start-time slots.
    pub(crate) fn stamps(&self) -> Stamps<'_> {
        // NR_SLOTS is a power of two larger than a bucket.
        Stamps::new(&self.slots).expect("NR_SLOTS is a power of two")
    }

    /// [`Stamps::put`], counting a latency lost when no slot is free.
    pub(crate) fn put(&self, key: usize, tag: u8, time: u64) {
        if !self.stamps().put(key, tag, time) {
            self.lost.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// [`Stamps::insert`], for a key known to have no stamp.
    pub(crate) fn insert(&self, key: usize, tag: u8, time: u64) {
        if !self.stamps().insert(key, tag, time) {
            self.lost.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The event buffer.
    pub(crate) fn events(&self) -> Ring<'_> {
        // NR_EVENTS is not zero.
        Ring::new(&self.events, &self.events_head).expect("NR_EVENTS > 0")
    }
}

/// The monitor the glue's callbacks use, published while they may run.
static MONITOR: AtomicPtr<Monitor> = AtomicPtr::new(core::ptr::null_mut());

/// Publishes a monitor to the glue's callbacks while it lives.
///
/// # Invariants
///
/// While this value lives, [`MONITOR`] points to a monitor that stays valid
/// for every call of the glue's callbacks that finds it.
pub(crate) struct Published(());

impl Published {
    /// Publishes `m`.
    ///
    /// # Safety
    ///
    /// `m` stays valid until the returned value is dropped, and the glue's
    /// callbacks stop before that: the probes are detached and the work
    /// items they queue are cancelled.
    pub(crate) unsafe fn new(m: *const Monitor) -> Self {
        MONITOR.store(m.cast_mut(), Ordering::Release);
        // INVARIANT: the caller's guarantee.
        Self(())
    }
}

impl Drop for Published {
    fn drop(&mut self) {
        MONITOR.store(core::ptr::null_mut(), Ordering::Release);
    }
}

/// The published monitor, for a probe or a work item of the glue.
pub(crate) fn published() -> Option<&'static Monitor> {
    // SAFETY: by the invariant of `Published` the monitor outlives every
    // call of the glue's callbacks that finds it, which is where this
    // reference is used.
    unsafe { MONITOR.load(Ordering::Acquire).as_ref() }
}
