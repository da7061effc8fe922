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
use crate::stamps::{Slot as StampSlot, Stamps};
use crate::support::dwork::{DelayedWork, Rearm};
use crate::support::slot::{Publication, Slot};
use crate::support::tracepoint::Probes;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use kernel::prelude::*;

/// Start-time slots: 64 Ki (1 MiB), so many sleeping tasks at once.
const NR_SLOTS: usize = 1 << 16;

/// What the probes use, and what the files show.
///
/// The fields drop in order: the update work first (it is cancelled and
/// waited for), the probes' table then (they are detached already).
#[pin_data]
pub(crate) struct Monitor {
    /// Brings the table up to date after cgroups come and go.
    pub(crate) update: DelayedWork,
    /// The probes, attached while `attached` says.
    pub(crate) probes: Probes,
    #[pin]
    pub(crate) table: Table,
    slots: KVVec<StampSlot>,
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
    /// A monitor whose update work runs `update`.
    pub(crate) fn new(update: fn() -> Rearm) -> Result<impl PinInit<Self, Error>> {
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
        let mut n = 0;
        // SAFETY: no preconditions; returns the glue's static table.
        let table = unsafe { ffi::qmon_glue_tracepoints(&mut n) };
        // SAFETY: the table has `n` entries, lives as long as the module and
        // only this monitor uses it.
        let probes = unsafe { Probes::new(table, n) }?;
        Ok(try_pin_init!(Self {
            update: DelayedWork::new(update, false)?,
            probes,
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
static MONITOR: Slot<Monitor> = Slot::new();

/// Publishes a monitor to the glue's callbacks while it lives.
pub(crate) struct Published {
    _publication: Publication<Monitor>,
}

impl Published {
    /// Publishes `m`.
    ///
    /// # Safety
    ///
    /// `m` stays valid until the returned value is dropped, and the glue's
    /// callbacks stop before that: the probes are detached and the work
    /// items they queue are cancelled.
    pub(crate) unsafe fn new(m: &Monitor) -> Self {
        Self {
            // SAFETY: the caller's guarantee.
            _publication: unsafe { MONITOR.publish(m) },
        }
    }
}

/// The published monitor, for a probe or a work item of the glue.
pub(crate) fn published() -> Option<&'static Monitor> {
    MONITOR.get()
}
