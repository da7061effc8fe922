// SPDX-License-Identifier: GPL-2.0

//! The worker's windows over the table: what each slot counted since the
//! last window, whose slot it is, and giving slots back.

use super::lineage::Lineage;
use super::record::Record;
use crate::entry::Entry;
use crate::iolat::table::{Counts, IoTable};
use crate::iolat::verdict::Accum;
use crate::support::cgroup::Cgroup;
use kernel::prelude::*;

/// Slots of the table: (cgroup, device) pairs counted at once.
pub(super) const NR_SLOTS: usize = 256;
/// A slot without completions for this long is given back (unless its
/// cgroup has a target or rue acts on it); at once when completions went
/// uncounted for want of a slot since the last window.
const IDLE_SLOT_NS: u64 = 10_000_000_000;

/// `n` zeroed values.
///
/// # Safety
///
/// All-zero is a valid value of `T` (a free `Slot`, empty `Counts`).
pub(super) unsafe fn zeroed_slots<T>(n: usize) -> Result<KVVec<T>> {
    let mut v = KVVec::with_capacity(n, GFP_KERNEL | __GFP_ZERO)?;
    // SAFETY: the capacity is `n`, allocated zeroed; all-zero is a valid
    // `T` (the caller's guarantee).
    unsafe { v.set_len(n) };
    Ok(v)
}

/// The cgroup of a slot, found once when the slot is claimed.
struct Owner {
    id: u64,
    dev: u32,
    /// `None` when the cgroup was gone before it was found.
    cg: Option<Cgroup>,
    /// When the slot last counted a completion.
    last_io_ns: u64,
}

/// A slot with IO in the window, and whose it is.
pub(super) struct Active {
    pub(super) slot: usize,
    pub(super) dev: u32,
    pub(super) lineage: Lineage,
    pub(super) cg: Cgroup,
}

/// The window being looked at.
pub(super) struct Window {
    pub(super) now: u64,
    /// The first window since the controller was switched on: it only
    /// takes the counts it starts from.
    pub(super) first: bool,
    /// Its length, in ns (at least 1).
    pub(super) elapsed: u64,
    /// Completions went uncounted for want of a slot since the last one.
    pub(super) pressure: bool,
}

/// What only the worker's windows use.
pub(super) struct Scan {
    /// Each slot's counts at the end of the last window, and in it.
    prev: KVVec<Counts>,
    pub(super) win: KVVec<Counts>,
    owners: KVec<Option<Owner>>,
    last_ns: u64,
    /// Completions lost by the last window.
    last_lost: u64,
    /// The completions of each (cgroup with a target, device) since its
    /// last verdict.
    pub(super) accums: KVec<(u64, u32, Accum)>,
}

impl Scan {
    pub(super) fn new() -> Result<Self> {
        let mut owners = KVec::with_capacity(NR_SLOTS, GFP_KERNEL)?;
        for _ in 0..NR_SLOTS {
            owners.push(None, GFP_KERNEL)?;
        }
        Ok(Scan {
            // SAFETY: all-zero `Counts` are empty.
            prev: unsafe { zeroed_slots(NR_SLOTS)? },
            // SAFETY: as above.
            win: unsafe { zeroed_slots(NR_SLOTS)? },
            owners,
            last_ns: 0,
            last_lost: 0,
            accums: KVec::new(),
        })
    }

    /// Gives back slot `i`.
    fn free(&mut self, table: &IoTable<'_>, i: usize) {
        table.free(i);
        self.prev[i] = Counts::zero();
        self.owners[i] = None;
    }

    /// While the controller is off: gives back the slots of removed
    /// cgroups (the others' counts stay readable).
    pub(super) fn let_go_removed(&mut self, table: &IoTable<'_>) {
        for i in 0..self.owners.len() {
            let removed = self.owners[i]
                .as_ref()
                .is_some_and(|o| !o.cg.as_ref().is_some_and(Cgroup::online));
            if removed {
                self.free(table, i);
            }
        }
    }

    /// Starts a window at `now` (`restart`: afresh, as the first), with
    /// `lost` completions lost so far.
    pub(super) fn begin(&mut self, restart: bool, now: u64, lost: u64) -> Window {
        if restart {
            self.last_ns = 0;
        }
        let first = self.last_ns == 0;
        let elapsed = now.saturating_sub(self.last_ns).max(1);
        self.last_ns = now;
        let pressure = lost != self.last_lost;
        self.last_lost = lost;
        Window {
            now,
            first,
            elapsed,
            pressure,
        }
    }

    /// Reads what every slot counted in the window; the cgroup of a newly
    /// claimed one is looked up here (without the controller's lock).
    pub(super) fn read(&mut self, table: &IoTable<'_>, now: u64) {
        for i in 0..NR_SLOTS {
            let key = table.key(i);
            if self.owners[i].as_ref().map(|o| (o.id, o.dev)) != key {
                self.prev[i] = Counts::zero();
                self.owners[i] = key.map(|(id, dev)| Owner {
                    id,
                    dev,
                    cg: Cgroup::from_id(id),
                    last_io_ns: now,
                });
            }
            if key.is_none() {
                continue;
            }
            let mut cur = Counts::zero();
            table.read(i, &mut cur);
            self.win[i] = cur.since(&self.prev[i]);
            self.prev[i] = cur;
        }
    }

    /// The slots with IO in the window `w` (none in the first); gives back
    /// the slots of removed cgroups, and idle ones of cgroups rue neither
    /// judges (a target in `live`) nor acts on (in `records`).
    pub(super) fn active(
        &mut self,
        table: &IoTable<'_>,
        records: &[Record],
        live: &[(Entry, Cgroup)],
        w: &Window,
    ) -> Result<KVec<Active>> {
        let mut active = KVec::new();
        for i in 0..NR_SLOTS {
            let io = self.win[i].total_bytes() != 0;
            let Some(o) = self.owners[i].as_mut() else {
                continue;
            };
            if io {
                o.last_io_ns = w.now;
            }
            if !keep(o, io, records, live, w) {
                self.free(table, i);
                continue;
            }
            if let (true, false, Some(cg)) = (io, w.first, &o.cg) {
                active.push(
                    Active {
                        slot: i,
                        dev: o.dev,
                        lineage: Lineage::of(cg, live),
                        cg: cg.clone(),
                    },
                    GFP_KERNEL,
                )?;
            }
        }
        Ok(active)
    }
}

/// Whether the slot of `o` (`io`: with IO in the window) stays: its
/// cgroup is there, and has IO lately, a target, or a record.
fn keep(o: &Owner, io: bool, records: &[Record], live: &[(Entry, Cgroup)], w: &Window) -> bool {
    match &o.cg {
        Some(cg) if cg.online() => {
            let id = o.id;
            let idle = w.now.saturating_sub(o.last_io_ns) >= IDLE_SLOT_NS || (w.pressure && !io);
            let watched = records.iter().any(|r| r.id == id)
                || live
                    .iter()
                    .any(|(e, _)| e.id == id && !e.io_targets.is_empty());
            !idle || watched
        }
        _ => false,
    }
}
