// SPDX-License-Identifier: GPL-2.0

//! The IO priority controller.
//!
//! While `io_qos` is 1, a probe on the block layer's request completions
//! counts per (cgroup, device) completions, bytes and a latency histogram
//! ([`IoTable`]). Every worker pass (a window of about 100 ms) the
//! completions of the subtree of each cgroup with a
//! `rue.io.latency_target_us` are added up per device until they are
//! enough for a verdict on their 99th percentile ([`Accum`]). On a device
//! where a target was missed, the cgroups of numerically larger effective
//! priority that did IO there are throttled through their `io.max` (reads
//! and writes, bytes and IOs per second, to a share of the rates they had
//! when throttling began): a step down for every miss, a step up after
//! verdicts with room, and let go quickly once no more important cgroup
//! does IO there ([`Throttle`]). Cgroups of effective priority 7 get the
//! `idle` `io.prio.class`.
//!
//! Every value rue writes is read first and put back when rue lets go,
//! when `io_qos` goes to 0 (by the worker, woken at once) and on unload;
//! when a user changed the value meanwhile, the user's value is what stays
//! (and, while rue throttles, the tighter of the two applies).

use crate::cgroup::Cgroup;
use crate::entry::Entry;
use crate::ffi;
use crate::iolat::buckets::NR_BUCKETS;
use crate::iolat::iomax::IoMax;
use crate::iolat::stat::StatLine;
use crate::iolat::table::{Counts, IoTable, LostTable, Slot};
use crate::iolat::targets::Targets;
use crate::iolat::throttle::{Signal, Throttle, FULL};
use crate::iolat::verdict::{Accum, Verdict};
use crate::memqos;
use crate::support::textbuf::TextBuf;
use crate::support::vecutil;
use core::ffi::c_uint;
use core::fmt;
use core::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use kernel::prelude::*;
use kernel::sync::{new_mutex, Mutex};

/// Slots of the table: (cgroup, device) pairs counted at once.
const NR_SLOTS: usize = 256;
/// Cgroup levels looked at (deeper ancestors are not seen).
const MAX_DEPTH: usize = 32;
/// A slot without completions for this long is given back (unless its
/// cgroup has a target or rue acts on it); at once when completions went
/// uncounted for want of a slot since the last window.
const IDLE_SLOT_NS: u64 = 10_000_000_000;
/// The longest `io.max` file rue reads (a longer one is not throttled).
const FILE_MAX: usize = 16384;

/// A cgroup and its ancestors, with its effective priority.
struct Lineage {
    ids: [u64; MAX_DEPTH],
    depth: usize,
    priority: u32,
}

impl Lineage {
    /// The lineage of `cg`, priorities from `live`.
    fn of(cg: &Cgroup, live: &[(Entry, Cgroup)]) -> Self {
        let mut l = Lineage {
            ids: [0; MAX_DEPTH],
            depth: 0,
            priority: 0,
        };
        cg.for_each_ancestor_id(|a| {
            if l.depth < MAX_DEPTH {
                l.ids[l.depth] = a;
                l.depth += 1;
            }
            let p = live
                .iter()
                .find(|(e, _)| e.id == a)
                .map_or(0, |(e, _)| e.priority);
            l.priority = memqos::effective_priority([l.priority, p]);
        });
        l
    }

    fn id(&self) -> u64 {
        self.ids[0]
    }

    fn contains(&self, id: u64) -> bool {
        self.ids[..self.depth].contains(&id)
    }

    /// Whether this is the root cgroup, which has no `io.max`.
    fn is_root(&self) -> bool {
        self.depth <= 1
    }
}

/// What rue did on one device to one cgroup (`dev` 0: its
/// `io.prio.class`), and what it saw.
struct Record {
    /// The cgroup, referenced: what rue wrote goes back to this cgroup
    /// only, never to a later one of the same name.
    cg: Cgroup,
    id: u64,
    dev: u32,
    /// Windows in which the cgroup missed its target here.
    missed: u64,
    throttle: Option<Throttle>,
    /// The cgroup's `io.max` line for `dev` before rue wrote it, and what
    /// rue wrote.
    original: IoMax,
    applied: Option<IoMax>,
    throttled_ns: u64,
    steps: u64,
    /// The `io.prio.class` before rue wrote `idle`.
    class: Option<([u8; 16], usize)>,
}

impl Record {
    fn new(cg: Cgroup, dev: u32) -> Self {
        Self {
            id: cg.id(),
            cg,
            dev,
            missed: 0,
            throttle: None,
            original: IoMax::default(),
            applied: None,
            throttled_ns: 0,
            steps: 0,
            class: None,
        }
    }
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

/// What only the worker's windows use.
struct Scan {
    /// Each slot's counts at the end of the last window, and in it.
    prev: KVVec<Counts>,
    win: KVVec<Counts>,
    owners: KVec<Option<Owner>>,
    last_ns: u64,
    /// Completions lost by the last window.
    last_lost: u64,
    /// The completions of each (cgroup with a target, device) since its
    /// last verdict.
    accums: KVec<(u64, u32, Accum)>,
}

/// The controller's state, changed by the worker and by switching off,
/// read by `rue.io.stat`.
struct State {
    records: KVec<Record>,
}

/// The IO controller: the table the probe fills and the state of the
/// throttling.
#[pin_data]
pub(crate) struct IoQos {
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

fn zeroed_slots<T>(n: usize) -> Result<KVVec<T>> {
    let mut v = KVVec::with_capacity(n, GFP_KERNEL | __GFP_ZERO)?;
    // SAFETY: the capacity is `n`, allocated zeroed; callers use types for
    // which all-zero is a valid value (a free `Slot`, empty `Counts`).
    unsafe { v.set_len(n) };
    Ok(v)
}

/// The controller the probe counts into, published while it may run.
static PROBED: AtomicPtr<IoQos> = AtomicPtr::new(core::ptr::null_mut());

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
    // SAFETY: a published controller stays valid while the probe runs.
    let Some(io) = (unsafe { PROBED.load(Ordering::Acquire).as_ref() }) else {
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

/// The `io.max` line of `dev` of `cg` as it is now.
fn read_io_max(cg: &Cgroup, dev: u32) -> Result<IoMax> {
    let mut buf = KVVec::from_elem(0u8, FILE_MAX, GFP_KERNEL)?;
    let n = cg.read_file(c"io.max", &mut buf)?;
    IoMax::parse(&buf[..n], dev).map_err(|_| EINVAL)
}

fn write_io_max(cg: &Cgroup, dev: u32, m: &IoMax) -> Result {
    let mut text = [0u8; 128];
    let mut w = TextBuf::new(&mut text);
    m.format(dev, &mut w).map_err(|_| EINVAL)?;
    let n = w.len();
    cg.write_file(c"io.max", &text[..n])
}

/// Applies the throttle of `r` to its cgroup's `io.max`.
fn apply(r: &mut Record) -> Result {
    let Some(t) = r.throttle else {
        return Ok(());
    };
    let now = read_io_max(&r.cg, r.dev)?;
    match r.applied {
        // A user wrote it meanwhile: that is the value to return to.
        Some(a) if a != now => r.original = now,
        None => r.original = now,
        _ => {}
    }
    let want = IoMax::from_limits(t.limits()).min(&r.original);
    if want != now {
        write_io_max(&r.cg, r.dev, &want)?;
        r.steps += 1;
    }
    r.applied = Some(want);
    Ok(())
}

/// Puts back the `io.max` line of `r` (unless a user changed it since, or
/// the cgroup is gone).
fn release(r: &mut Record) {
    r.throttle = None;
    let Some(applied) = r.applied.take() else {
        return;
    };
    if read_io_max(&r.cg, r.dev).is_ok_and(|now| now == applied) {
        let _ = write_io_max(&r.cg, r.dev, &r.original);
    }
}

/// Gives the cgroup of `r` the idle IO class, keeping its class in `r`.
fn set_idle_class(r: &mut Record) -> Result {
    let mut buf = [0u8; 16];
    let n = r.cg.read_file(c"io.prio.class", &mut buf)?;
    let n = buf[..n]
        .iter()
        .position(|c| c.is_ascii_whitespace())
        .unwrap_or(n);
    r.cg.write_file(c"io.prio.class", b"idle")?;
    r.class = Some((buf, n));
    Ok(())
}

/// Puts back the class kept in `r` (unless the cgroup is gone).
fn restore_class(r: &mut Record) {
    if let Some((buf, n)) = r.class.take() {
        let _ = r.cg.write_file(c"io.prio.class", &buf[..n]);
    }
}

fn find(records: &[Record], id: u64, dev: u32) -> Option<usize> {
    records.iter().position(|r| r.id == id && r.dev == dev)
}

fn find_or_add(records: &mut KVec<Record>, cg: &Cgroup, dev: u32) -> Result<usize> {
    if let Some(i) = find(records, cg.id(), dev) {
        return Ok(i);
    }
    records.push(Record::new(cg.clone(), dev), GFP_KERNEL)?;
    Ok(records.len() - 1)
}

/// A slot with IO in the window, and whose it is.
struct Active {
    slot: usize,
    dev: u32,
    lineage: Lineage,
    cg: Cgroup,
}

/// A cgroup with a target.
struct Target {
    targets: Targets,
    lineage: Lineage,
    cg: Cgroup,
}

/// What the cgroups with targets on one device saw in a window.
#[derive(Default)]
struct DeviceVerdicts {
    /// The most important (smallest) effective priority that missed its
    /// target; that did IO lately; that has a verdict in this window; that
    /// met its target without room to spare.
    missed: Option<u32>,
    /// ... that missed it by more than twice its aim.
    missed_far: Option<u32>,
    active: Option<u32>,
    decided: Option<u32>,
    tight: Option<u32>,
}

fn missed(s: Signal) -> bool {
    matches!(s, Signal::Missed | Signal::MissedFar)
}

fn min_opt(a: Option<u32>, b: u32) -> Option<u32> {
    Some(a.map_or(b, |a| a.min(b)))
}

impl DeviceVerdicts {
    /// The signal for a cgroup of effective priority `p`.
    fn signal(&self, p: u32) -> Signal {
        if self.missed_far.is_some_and(|m| p > m) {
            Signal::MissedFar
        } else if self.missed.is_some_and(|m| p > m) {
            Signal::Missed
        } else if self.active.map_or(true, |a| p <= a) {
            Signal::Idle
        } else if self.decided.map_or(true, |d| p <= d) {
            Signal::Wait
        } else if self.tight.is_some_and(|t| t < p) {
            Signal::Hold
        } else {
            Signal::Room
        }
    }
}

impl IoQos {
    pub(crate) fn new() -> Result<impl PinInit<Self, Error>> {
        let mut owners = KVec::with_capacity(NR_SLOTS, GFP_KERNEL)?;
        for _ in 0..NR_SLOTS {
            owners.push(None, GFP_KERNEL)?;
        }
        let scan = Scan {
            prev: zeroed_slots(NR_SLOTS)?,
            win: zeroed_slots(NR_SLOTS)?,
            owners,
            last_ns: 0,
            last_lost: 0,
            accums: KVec::new(),
        };
        Ok(try_pin_init!(Self {
            slots: zeroed_slots(NR_SLOTS)?,
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
    /// The caller holds rue's parameter lock, and `self` stays valid until
    /// it is switched off.
    pub(crate) unsafe fn set(&self, on: bool) -> Result {
        if on == self.is_on() {
            return Ok(());
        }
        if on {
            PROBED.store((self as *const Self).cast_mut(), Ordering::Release);
            // SAFETY: the probe uses the published controller, valid until
            // it is detached.
            if let Err(e) = kernel::error::to_result(unsafe { ffi::rue_glue_io_attach() }) {
                PROBED.store(core::ptr::null_mut(), Ordering::Release);
                return Err(e);
            }
            // The next window starts afresh.
            self.restart.store(true, Ordering::Relaxed);
            self.on.store(true, Ordering::Release);
            return Ok(());
        }
        // SAFETY: attached, as `on` says; waits for probes in flight.
        unsafe { ffi::rue_glue_io_detach() };
        PROBED.store(core::ptr::null_mut(), Ordering::Release);
        self.on.store(false, Ordering::Release);
        self.restore.store(true, Ordering::Release);
        // SAFETY: no preconditions.
        unsafe { ffi::rue_glue_worker_kick() };
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
            release(r);
            restore_class(r);
        }
    }

    /// One window: judges the targets and moves the throttles, with the
    /// live cgroups that have settings (`live`). Returns whether the
    /// controller wants frequent passes.
    pub(crate) fn pass(&self, live: &[(Entry, Cgroup)]) -> Result<bool> {
        let mut scan = self.scan.lock();
        let scan = &mut *scan;
        if !self.on.load(Ordering::Acquire) {
            self.restore_locked(&mut self.state.lock());
            // Counts stay readable; removed cgroups are let go.
            let table = self.table();
            for (i, o) in scan.owners.iter_mut().enumerate() {
                if o.as_ref()
                    .is_some_and(|o| !o.cg.as_ref().is_some_and(Cgroup::online))
                {
                    table.free(i);
                    scan.prev[i] = Counts::zero();
                    *o = None;
                }
            }
            return Ok(false);
        }
        if self.restart.swap(false, Ordering::Relaxed) {
            scan.last_ns = 0;
        }
        let now = now_ns();
        let first = scan.last_ns == 0;
        let elapsed = now.saturating_sub(scan.last_ns).max(1);
        scan.last_ns = now;
        let lost = self.lost.total();
        let pressure = lost != scan.last_lost;
        scan.last_lost = lost;

        // The window of every slot; the cgroup of a newly claimed one is
        // looked up here, without the controller's lock.
        let table = self.table();
        for i in 0..NR_SLOTS {
            let key = table.key(i);
            if scan.owners[i].as_ref().map(|o| (o.id, o.dev)) != key {
                scan.prev[i] = Counts::zero();
                scan.owners[i] = key.map(|(id, dev)| Owner {
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
            scan.win[i] = cur.since(&scan.prev[i]);
            scan.prev[i] = cur;
        }

        let mut guard = self.state.lock();
        let st = &mut *guard;
        self.restore_locked(st);
        // Slots with IO in the window, and slots to give back: of removed
        // cgroups, and idle ones of cgroups rue neither judges nor acts on.
        let mut active = KVec::new();
        for i in 0..NR_SLOTS {
            let io = scan.win[i].total_bytes() != 0;
            let Some(o) = scan.owners[i].as_mut() else {
                continue;
            };
            if io {
                o.last_io_ns = now;
            }
            let keep = match &o.cg {
                Some(cg) if cg.online() => {
                    let id = o.id;
                    let idle =
                        now.saturating_sub(o.last_io_ns) >= IDLE_SLOT_NS || (pressure && !io);
                    let watched = st.records.iter().any(|r| r.id == id)
                        || live
                            .iter()
                            .any(|(e, _)| e.id == id && !e.io_targets.is_empty());
                    !idle || watched
                }
                _ => false,
            };
            if !keep {
                table.free(i);
                scan.prev[i] = Counts::zero();
                scan.owners[i] = None;
                continue;
            }
            if let (true, false, Some(cg)) = (io, first, &o.cg) {
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
        Self::sweep(st);
        // Accumulations of cgroups that no longer have a target.
        let mut k = 0;
        while k < scan.accums.len() {
            let id = scan.accums[k].0;
            if live
                .iter()
                .any(|(e, _)| e.id == id && !e.io_targets.is_empty())
            {
                k += 1;
            } else {
                vecutil::swap_remove(&mut scan.accums, k);
            }
        }
        if first {
            return Ok(true);
        }

        // The cgroups with targets.
        let mut targets = KVec::new();
        for (e, cg) in live.iter().filter(|(e, _)| !e.io_targets.is_empty()) {
            targets.push(
                Target {
                    targets: e.io_targets,
                    lineage: Lineage::of(cg, live),
                    cg: cg.clone(),
                },
                GFP_KERNEL,
            )?;
        }

        // The devices with IO or throttles.
        let mut devs: KVec<u32> = KVec::new();
        let throttled = st.records.iter().filter(|r| r.throttle.is_some());
        let devices = Iterator::chain(active.iter().map(|a| a.dev), throttled.map(|r| r.dev));
        for dev in devices {
            if !devs.contains(&dev) {
                devs.push(dev, GFP_KERNEL)?;
            }
        }
        for &dev in devs.iter() {
            Self::device(st, scan, dev, &active, &targets, live, elapsed)?;
        }
        Self::classes(st, &active, live)?;
        Ok(!targets.is_empty() || st.records.iter().any(|r| r.throttle.is_some()))
    }

    /// Judges the targets on `dev` and moves the throttles there.
    fn device(
        st: &mut State,
        scan: &mut Scan,
        dev: u32,
        active: &[Active],
        targets: &[Target],
        live: &[(Entry, Cgroup)],
        elapsed: u64,
    ) -> Result {
        let mut v = DeviceVerdicts::default();
        for t in targets {
            let l = &t.lineage;
            let us = t.targets.get(dev);
            if us == 0 {
                continue;
            }
            let mut hist = [0u64; NR_BUCKETS];
            for a in active
                .iter()
                .filter(|a| a.dev == dev && a.lineage.contains(l.id()))
            {
                for (h, w) in hist.iter_mut().zip(scan.win[a.slot].hist.iter()) {
                    *h += w;
                }
            }
            let p = l.priority;
            let k = match scan
                .accums
                .iter()
                .position(|(id, d, _)| *id == l.id() && *d == dev)
            {
                Some(k) => k,
                None => {
                    scan.accums.push((l.id(), dev, Accum::new()), GFP_KERNEL)?;
                    scan.accums.len() - 1
                }
            };
            let verdict = scan.accums[k].2.add(&hist, u64::from(us));
            if verdict != Some(Verdict::Idle) {
                v.active = min_opt(v.active, p);
            }
            match verdict {
                None | Some(Verdict::Idle) => continue,
                Some(vd @ (Verdict::Missed | Verdict::MissedFar)) => {
                    if vd == Verdict::MissedFar {
                        v.missed_far = min_opt(v.missed_far, p);
                    }
                    v.missed = min_opt(v.missed, p);
                    v.tight = min_opt(v.tight, p);
                    let i = find_or_add(&mut st.records, &t.cg, dev)?;
                    st.records[i].missed += 1;
                }
                Some(Verdict::Met) => v.tight = min_opt(v.tight, p),
                Some(Verdict::Room) => {}
            }
            v.decided = min_opt(v.decided, p);
        }

        // The cgroups with IO here, each once, with the window's rates.
        let mut seen: KVec<u64> = KVec::new();
        for a in active
            .iter()
            .filter(|a| a.dev == dev && !a.lineage.is_root())
        {
            let id = a.lineage.id();
            if seen.contains(&id) {
                continue;
            }
            seen.push(id, GFP_KERNEL)?;
            let mut w = Counts::zero();
            for b in active
                .iter()
                .filter(|b| b.dev == dev && b.lineage.id() == id)
            {
                w.add(&scan.win[b.slot]);
            }
            let signal = v.signal(a.lineage.priority);
            let i = match find(&st.records, id, dev) {
                Some(i) => i,
                None if missed(signal) => find_or_add(&mut st.records, &a.cg, dev)?,
                None => continue,
            };
            let r = &mut st.records[i];
            if r.throttle.is_none() && missed(signal) {
                let rate = |n: u64| n.saturating_mul(1_000_000_000) / elapsed;
                let far = signal == Signal::MissedFar;
                r.throttle = Some(Throttle::start(
                    rate(w.total_bytes()),
                    rate(w.total_ios()),
                    far,
                ));
                Self::move_throttle(r, None, elapsed);
            } else if r.throttle.is_some() {
                Self::move_throttle(r, Some(signal), elapsed);
            }
        }
        // Throttled cgroups without IO in the window.
        for r in st.records.iter_mut() {
            if r.dev != dev || r.throttle.is_none() || seen.contains(&r.id) {
                continue;
            }
            if r.cg.online() {
                let p = Lineage::of(&r.cg, live).priority;
                Self::move_throttle(r, Some(v.signal(p)), elapsed);
            } else {
                release(r);
            }
        }
        Ok(())
    }

    /// Moves the throttle of `r` by `signal` (`None`: just started) and
    /// writes the result.
    fn move_throttle(r: &mut Record, signal: Option<Signal>, elapsed: u64) {
        let Some(mut t) = r.throttle else { return };
        if signal.is_some() {
            r.throttled_ns += elapsed;
        }
        let keep = signal.map_or(true, |s| t.step(s));
        if !keep {
            release(r);
            return;
        }
        r.throttle = Some(t);
        if apply(r).is_err() {
            // No io.max to write (no io controller, the device or the
            // cgroup gone): give up on this one.
            release(r);
        }
    }

    /// Gives the cgroups of effective priority 7 the idle IO class, and
    /// takes it back from the others.
    fn classes(st: &mut State, active: &[Active], live: &[(Entry, Cgroup)]) -> Result {
        let idle = memqos::MAX_PRIORITY;
        for a in active.iter().filter(|a| !a.lineage.is_root()) {
            let id = a.lineage.id();
            if a.lineage.priority == idle && find(&st.records, id, 0).is_none() {
                let mut r = Record::new(a.cg.clone(), 0);
                if set_idle_class(&mut r).is_ok() {
                    st.records.push(r, GFP_KERNEL)?;
                }
            }
        }
        for r in st
            .records
            .iter_mut()
            .filter(|r| r.dev == 0 && r.class.is_some())
        {
            // A removed cgroup's class goes too: the write finds no file
            // of that cgroup and changes nothing.
            if !r.cg.online() || Lineage::of(&r.cg, live).priority != idle {
                restore_class(r);
            }
        }
        Ok(())
    }

    /// Forgets records of removed cgroups, and records with nothing left
    /// to put back or to show.
    fn sweep(st: &mut State) {
        let mut i = 0;
        while i < st.records.len() {
            let r = &st.records[i];
            let gone = !r.cg.online();
            let empty = r.dev == 0 && r.class.is_none();
            if gone || empty {
                vecutil::swap_remove(&mut st.records, i);
            } else {
                i += 1;
            }
        }
    }

    /// Writes `rue.io.stat` of cgroup `id` with targets `targets`.
    pub(crate) fn show_stat(
        &self,
        id: u64,
        targets: &Targets,
        w: &mut TextBuf<'_>,
    ) -> Result<fmt::Result> {
        let table = self.table();
        // Per device: the counts of the cgroup's subtree. The slots'
        // cgroups are looked up without the controller's lock (and in the
        // reader's cgroup namespace, where the cgroup's subtree is).
        let mut devs: KVec<(u32, Counts)> = KVec::new();
        for i in 0..NR_SLOTS {
            let Some((cg, dev)) = table.key(i) else {
                continue;
            };
            let mine = cg == id || Cgroup::from_id(cg).is_some_and(|c| c.within(id));
            if !mine {
                continue;
            }
            let k = match devs.iter().position(|(d, _)| *d == dev) {
                Some(k) => k,
                None => {
                    devs.push((dev, Counts::zero()), GFP_KERNEL)?;
                    devs.len() - 1
                }
            };
            table.read(i, &mut devs[k].1);
        }
        let st = self.state.lock();
        for r in st.records.iter().filter(|r| r.id == id && r.dev != 0) {
            if !devs.iter().any(|(d, _)| *d == r.dev) {
                devs.push((r.dev, Counts::zero()), GFP_KERNEL)?;
            }
        }
        for (dev, counts) in devs.iter() {
            let r = st.records.iter().find(|r| r.id == id && r.dev == *dev);
            let line = StatLine {
                dev: *dev,
                counts,
                target_us: targets.get(*dev),
                missed: r.map_or(0, |r| r.missed),
                throttled_ms: r.map_or(0, |r| r.throttled_ns / 1_000_000),
                steps: r.map_or(0, |r| r.steps),
                share: r.and_then(|r| r.throttle).map_or(FULL, |t| t.share()),
                lost: self.lost.get(*dev),
            };
            if let Err(e) = line.format(w) {
                return Ok(Err(e));
            }
        }
        Ok(Ok(()))
    }

    /// Completions not counted for want of a slot.
    pub(crate) fn lost(&self) -> u64 {
        self.lost.total()
    }
}
