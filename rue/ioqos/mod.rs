// SPDX-License-Identifier: GPL-2.0

//! The IO priority controller.
//!
//! While `io_qos` is 1, a probe on the block layer's request completions
//! counts per (cgroup, device) completions, bytes and a latency histogram
//! ([`IoTable`]). Every worker pass (a window of about 100 ms) the
//! completions of the subtree of each cgroup with a
//! `rue.io.latency_target_us` are added up per device until they are
//! enough for a verdict on their 99th percentile ([`Accum`](crate::iolat::verdict::Accum)). On a device
//! where a target was missed, the cgroups of numerically larger effective
//! priority that did IO there are throttled through their `io.max` (reads
//! and writes, bytes and IOs per second, to a share of the rates they had
//! when throttling began): a step down for every miss, a step up after
//! verdicts with room, and let go quickly once no more important cgroup
//! does IO there ([`Throttle`](crate::iolat::throttle::Throttle)). Cgroups of effective priority 7 get the
//! `idle` `io.prio.class`.
//!
//! Every value rue writes is read first and put back when rue lets go,
//! when `io_qos` goes to 0 (by the worker, woken at once) and on unload;
//! when a user changed the value meanwhile, the user's value is what stays
//! (and, while rue throttles, the tighter of the two applies).
//!
//! One concern per file: [`window`] (what each slot counted in a window,
//! and giving slots back), [`lineage`] (a cgroup's ancestors and
//! effective priority), [`verdicts`] (judging the targets on a device),
//! [`throttles`] (moving the throttles there), [`classes`] (the `idle`
//! class), [`record`] (what rue wrote, and putting it back), [`stat`]
//! (`rue.io.stat`). This file holds the controller and its probe.

mod classes;
mod lineage;
mod record;
mod stat;
mod throttles;
mod verdicts;
mod window;

use crate::entry::Entry;
use crate::ffi;
use crate::iolat::table::{IoTable, LostTable, Slot};
use crate::iolat::targets::Targets;
use crate::support::cgroup::Cgroup;
use crate::support::slot::Slot as SlotOf;
use crate::support::textbuf::TextBuf;
use crate::support::tracepoint::Probes;
use crate::wakeup;
use core::ffi::c_uint;
use core::fmt;
use core::sync::atomic::{AtomicBool, Ordering};
use kernel::prelude::*;
use kernel::sync::{new_mutex, Mutex};
use record::Record;
use window::{Active, Scan, NR_SLOTS};

/// The controller's state, changed by the worker and by switching off,
/// read by `rue.io.stat`.
struct State {
    records: KVec<Record>,
}

/// The IO controller: the table the probe fills and the state of the
/// throttling.
///
/// # Invariants
///
/// While `on` is true the probe is attached and [`IO`] publishes this
/// controller.
#[pin_data]
pub(crate) struct IoQos {
    /// The completion probe (one entry), attached while `on` says.
    probe: Probes,
    slots: KVVec<Slot>,
    /// Whether the probe is attached and the controller runs (changed
    /// under the parameter lock).
    on: AtomicBool,
    /// Set when switched on: the next window starts afresh.
    restart: AtomicBool,
    /// Set when switched off: the worker puts back what rue wrote.
    restore: AtomicBool,
    /// Completions not counted: no free slot.
    lost: LostTable,
    /// Taken by the worker's windows only, before `state`.
    #[pin]
    scan: Mutex<Scan>,
    #[pin]
    state: Mutex<State>,
}

/// The live controller: the one the probe counts into and parameter
/// writes switch, published from init until it is switched off for good
/// (see `crate::params::Live`).
pub(crate) static IO: SlotOf<IoQos> = SlotOf::new();

/// Called by the C glue for every request completion (any context).
#[no_mangle]
pub(crate) extern "C" fn rue_rs_io_done(
    cgroup: u64,
    dev: u32,
    op: c_uint,
    nr_bytes: c_uint,
    left: c_uint,
    start_ns: u64,
    now_ns: u64,
) {
    // Reads and writes (REQ_OP_READ, REQ_OP_WRITE) of a cgroup only.
    if cgroup == 0 || op > 1 {
        return;
    }
    let Some(io) = IO.get() else {
        return;
    };
    let done = (nr_bytes >= left && start_ns != 0 && now_ns >= start_ns)
        .then(|| (now_ns - start_ns) / 1000);
    if !io
        .table()
        .record(cgroup, dev, op == 1, u64::from(nr_bytes), done)
    {
        io.lost.add(dev);
    }
}

/// Whether `dev` (`MKDEV()`) is a block device the system has, and a whole
/// disk (`io.max` takes no partitions).
pub(crate) fn is_whole_disk(dev: u32) -> bool {
    // SAFETY: no preconditions.
    // Partition 0 is the whole disk.
    unsafe { ffi::rue_glue_block_partno(dev) == 0 }
}

fn now_ns() -> u64 {
    // SAFETY: no preconditions.
    unsafe { ffi::rue_glue_now_ns() }
}

/// The devices with IO in the window (the slots `active`) or throttles
/// (in `records`), each once.
fn devices(active: &[Active], records: &[Record]) -> Result<KVec<u32>> {
    let mut devs: KVec<u32> = KVec::new();
    let throttled = records.iter().filter(|r| r.throttle.is_some());
    let devices = Iterator::chain(active.iter().map(|a| a.dev), throttled.map(|r| r.dev));
    for dev in devices {
        if !devs.contains(&dev) {
            devs.push(dev, GFP_KERNEL)?;
        }
    }
    Ok(devs)
}

impl IoQos {
    pub(crate) fn new() -> Result<impl PinInit<Self, Error>> {
        let scan = Scan::new()?;
        // SAFETY: an all-zero `Slot` is a free one.
        let slots = unsafe { window::zeroed_slots(NR_SLOTS)? };
        let mut n = 0;
        // SAFETY: no preconditions; returns the glue's static table.
        let table = unsafe { ffi::rue_glue_tracepoints(&mut n) };
        // SAFETY: the table has `n` entries, lives as long as the module and
        // only this controller uses it.
        let probe = unsafe { Probes::new(table, n) }?;
        Ok(try_pin_init!(Self {
            probe,
            slots,
            on: AtomicBool::new(false),
            restart: AtomicBool::new(false),
            restore: AtomicBool::new(false),
            lost: LostTable::new(),
            scan <- new_mutex!(scan),
            state <- new_mutex!(State {
                records: KVec::new()
            }),
        }))
    }

    fn table(&self) -> IoTable<'_> {
        IoTable::new(&self.slots)
    }

    pub(crate) fn is_on(&self) -> bool {
        self.on.load(Ordering::Relaxed)
    }

    /// Switches the controller on (attaching the probe) or off (detaching
    /// it, and asking the worker to put back everything rue wrote). Takes
    /// no lock: the worker writes cgroup files under the state lock, and
    /// parameter writes come in under the file system's locks.
    ///
    /// # Safety
    ///
    /// The caller holds rue's parameter lock, and `self` is published in
    /// [`IO`] until it is switched off.
    pub(crate) unsafe fn set(&self, on: bool) -> Result {
        if on == self.is_on() {
            return Ok(());
        }
        if on {
            // The probe uses the published controller (the caller's
            // guarantee), valid until it is detached.
            self.probe.attach(0)?;
            // The next window starts afresh.
            self.restart.store(true, Ordering::Relaxed);
            // INVARIANT: attached, and published by the caller.
            self.on.store(true, Ordering::Release);
            return Ok(());
        }
        // Waits for probes in flight.
        self.probe.detach_all();
        // INVARIANT: detached.
        self.on.store(false, Ordering::Release);
        self.restore.store(true, Ordering::Release);
        wakeup::kick();
        Ok(())
    }

    /// Puts back everything rue wrote if switching off asked for it.
    pub(crate) fn restore_if_off(&self) {
        let mut st = self.state.lock();
        self.restore_locked(&mut st);
    }

    fn restore_locked(&self, st: &mut State) {
        if !self.restore.swap(false, Ordering::Acquire) {
            return;
        }
        for r in st.records.iter_mut() {
            record::release(r);
            classes::restore_class(r);
        }
    }

    /// One window: judges the targets and moves the throttles, with the
    /// live cgroups that have settings (`live`). Returns whether the
    /// controller wants frequent passes.
    pub(crate) fn pass(&self, live: &[(Entry, Cgroup)]) -> Result<bool> {
        let mut scan = self.scan.lock();
        let scan = &mut *scan;
        let table = self.table();
        if !self.on.load(Ordering::Acquire) {
            self.restore_locked(&mut self.state.lock());
            // Counts stay readable; removed cgroups are let go.
            scan.let_go_removed(&table);
            return Ok(false);
        }
        let restart = self.restart.swap(false, Ordering::Relaxed);
        let w = scan.begin(restart, now_ns(), self.lost.total());
        scan.read(&table, w.now);

        let mut guard = self.state.lock();
        let st = &mut *guard;
        self.restore_locked(st);
        let active = scan.active(&table, &st.records, live, &w)?;
        record::sweep(&mut st.records);
        verdicts::forget_untargeted(&mut scan.accums, live);
        if w.first {
            return Ok(true);
        }

        let targets = verdicts::targets(live)?;
        for &dev in devices(&active, &st.records)?.iter() {
            let records = &mut st.records;
            let v = verdicts::judge(&mut scan.accums, records, &scan.win, dev, &active, &targets)?;
            throttles::move_on_device(records, &scan.win, dev, &active, &v, live, w.elapsed)?;
        }
        classes::update(&mut st.records, &active, live)?;
        Ok(!targets.is_empty() || st.records.iter().any(|r| r.throttle.is_some()))
    }

    /// Writes `rue.io.stat` of cgroup `id` with targets `targets`.
    pub(crate) fn show_stat(
        &self,
        id: u64,
        targets: &Targets,
        w: &mut TextBuf<'_>,
    ) -> Result<fmt::Result> {
        // The slots' cgroups are looked up without the controller's lock.
        let devs = stat::subtree_counts(&self.table(), id)?;
        let st = self.state.lock();
        stat::write(devs, &st.records, &self.lost, id, targets, w)
    }

    /// Completions not counted for want of a slot.
    pub(crate) fn lost(&self) -> u64 {
        self.lost.total()
    }
}
