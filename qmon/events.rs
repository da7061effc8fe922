// SPDX-License-Identifier: GPL-2.0

//! The event buffer: the most recent latencies that crossed a threshold.
//!
//! Pure logic, compiled into the module and on the host.
//!
//! A fixed ring of [`Slot`]s, written from probes without a lock: a writer
//! claims the next slot with an atomic increment of the head and marks it
//! busy while it fills it (a writer that finds it busy drops its event);
//! a reader copies a slot and keeps the copy only
//! if the slot's sequence number did not change meanwhile. Writers never
//! wait, readers skip what is being written, and when the ring is full the
//! oldest events are overwritten.

use crate::hist::Series;
use core::fmt::{self, Write};
use core::sync::atomic::{fence, AtomicU64, Ordering};

/// Return addresses kept per event.
pub(crate) const STACK_DEPTH: usize = 16;
/// Cgroup ids kept per event: its cgroup and the ancestors, up to the root.
pub(crate) const MAX_LEVELS: usize = 16;
/// Events the ring holds.
pub(crate) const NR_EVENTS: usize = 128;

/// One over-threshold latency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Event {
    /// `CLOCK_MONOTONIC` nanoseconds at the end of the latency.
    pub(crate) time_ns: u64,
    pub(crate) latency_ns: u64,
    pub(crate) series: Series,
    /// The task that waited, 0 when there is none (a block request
    /// completing in an interrupt): its pid in the initial PID namespace.
    pub(crate) pid: u32,
    /// The task's effective user id (in the initial user namespace).
    pub(crate) uid: u32,
    /// The address of the task's `struct pid`, never dereferenced: tells
    /// whether the task that holds `pid` at read time is the same one.
    pub(crate) pid_ref: u64,
    pub(crate) comm: [u8; 16],
    /// The event's cgroup first, then its ancestors; the last is the root.
    pub(crate) ids: [u64; MAX_LEVELS],
    pub(crate) nr_ids: usize,
    /// The kernel stack of the task that waited, innermost first.
    pub(crate) stack: [u64; STACK_DEPTH],
    pub(crate) nr_stack: usize,
}

impl Event {
    /// An event with no task, cgroup or stack yet.
    pub(crate) fn new(time_ns: u64, latency_ns: u64, series: Series) -> Self {
        Self {
            time_ns,
            latency_ns,
            series,
            pid: 0,
            uid: 0,
            pid_ref: 0,
            comm: [0; 16],
            ids: [0; MAX_LEVELS],
            nr_ids: 0,
            stack: [0; STACK_DEPTH],
            nr_stack: 0,
        }
    }

    /// Whether the event happened in cgroup `id` or below it.
    pub(crate) fn within(&self, id: u64) -> bool {
        self.ids[..self.nr_ids.min(MAX_LEVELS)].contains(&id)
    }

    /// The event as `v` may see it, or `None` when it happened outside
    /// the reader's cgroup namespace. `pid_in_ns(pid, pid_ref)` is the
    /// pid of the task in the reader's PID namespace, 0 when the task is
    /// not in it (or gone). Without that pid, or when the task belongs to
    /// another user and the reader may not see every task, the task is
    /// left out (pid 0, no comm, no stack); stacks only for readers who
    /// may see kernel stacks.
    pub(crate) fn seen_by(
        &self,
        v: &Viewer,
        pid_in_ns: &mut dyn FnMut(u32, u64) -> u32,
    ) -> Option<Event> {
        if !self.within(v.cgns_root) {
            return None;
        }
        let mut e = *self;
        if !v.stacks {
            e.nr_stack = 0;
        }
        if e.pid != 0 {
            let vnr = if v.all_tasks || e.uid == v.uid {
                pid_in_ns(e.pid, e.pid_ref)
            } else {
                0
            };
            if vnr == 0 {
                e.pid = 0;
                e.comm = [0; 16];
                e.nr_stack = 0;
            } else {
                e.pid = vnr;
            }
        }
        e.uid = 0;
        e.pid_ref = 0;
        Some(e)
    }
}

/// Who reads the events, and what they may see.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Viewer {
    /// The root cgroup of the reader's cgroup namespace.
    pub(crate) cgns_root: u64,
    /// May see kernel stacks (`CAP_SYS_ADMIN`, as for `/proc/PID/stack`).
    pub(crate) stacks: bool,
    /// May see every user's tasks (`CAP_SYS_PTRACE`, as `/proc` mounted
    /// with `hidepid` allows).
    pub(crate) all_tasks: bool,
    /// The reader's filesystem user id (in the initial user namespace).
    pub(crate) uid: u32,
}

/// One slot of the ring. All-zero is an empty slot.
#[repr(C)]
pub(crate) struct Slot {
    /// 0: empty; odd: being written; even: holds the event numbered
    /// `seq / 2 - 1`.
    seq: AtomicU64,
    time_ns: AtomicU64,
    latency_ns: AtomicU64,
    series: AtomicU64,
    /// The pid in the low 32 bits, the user id in the high ones.
    pid: AtomicU64,
    pid_ref: AtomicU64,
    comm: [AtomicU64; 2],
    nr_ids: AtomicU64,
    ids: [AtomicU64; MAX_LEVELS],
    nr_stack: AtomicU64,
    stack: [AtomicU64; STACK_DEPTH],
}

impl Slot {
    /// An empty slot (for the host tests; the module's come zeroed).
    #[cfg(test)]
    pub(crate) fn new() -> Self {
        Self {
            seq: AtomicU64::new(0),
            time_ns: AtomicU64::new(0),
            latency_ns: AtomicU64::new(0),
            series: AtomicU64::new(0),
            pid: AtomicU64::new(0),
            pid_ref: AtomicU64::new(0),
            comm: [const { AtomicU64::new(0) }; 2],
            nr_ids: AtomicU64::new(0),
            ids: [const { AtomicU64::new(0) }; MAX_LEVELS],
            nr_stack: AtomicU64::new(0),
            stack: [const { AtomicU64::new(0) }; STACK_DEPTH],
        }
    }
}

/// The ring over `slots` (at least one), with its `head`: how many events
/// were ever pushed.
pub(crate) struct Ring<'a> {
    slots: &'a [Slot],
    head: &'a AtomicU64,
}

impl<'a> Ring<'a> {
    pub(crate) fn new(slots: &'a [Slot], head: &'a AtomicU64) -> Option<Self> {
        (!slots.is_empty()).then_some(Self { slots, head })
    }

    /// Adds `e`, overwriting the oldest event when the ring is full.
    /// Returns false, dropping `e`, if another writer is still filling the
    /// slot (only when the ring wraps around during one write).
    pub(crate) fn push(&self, e: &Event) -> bool {
        let n = self.head.fetch_add(1, Ordering::Relaxed);
        let s = &self.slots[(n % self.slots.len() as u64) as usize];
        let r = Ordering::Relaxed;
        let cur = s.seq.load(r);
        if cur % 2 == 1 || s.seq.compare_exchange(cur, 2 * n + 1, r, r).is_err() {
            return false;
        }
        fence(Ordering::Release);
        s.time_ns.store(e.time_ns, r);
        s.latency_ns.store(e.latency_ns, r);
        s.series.store(e.series as u64, r);
        s.pid.store(u64::from(e.pid) | u64::from(e.uid) << 32, r);
        s.pid_ref.store(e.pid_ref, r);
        for (i, c) in s.comm.iter().enumerate() {
            let mut b = [0u8; 8];
            b.copy_from_slice(&e.comm[i * 8..i * 8 + 8]);
            c.store(u64::from_ne_bytes(b), r);
        }
        s.nr_ids.store(e.nr_ids as u64, r);
        for (d, v) in s.ids.iter().zip(e.ids.iter()) {
            d.store(*v, r);
        }
        s.nr_stack.store(e.nr_stack as u64, r);
        for (d, v) in s.stack.iter().zip(e.stack.iter()) {
            d.store(*v, r);
        }
        s.seq.store(2 * n + 2, Ordering::Release);
        true
    }

    /// Copies slot `s` if it holds a whole event.
    fn read(s: &Slot) -> Option<(u64, Event)> {
        let r = Ordering::Relaxed;
        let seq = s.seq.load(Ordering::Acquire);
        if seq == 0 || seq % 2 == 1 {
            return None;
        }
        let series = Series::ALL.get(s.series.load(r) as usize).copied()?;
        let mut e = Event::new(s.time_ns.load(r), s.latency_ns.load(r), series);
        let pid = s.pid.load(r);
        e.pid = pid as u32;
        e.uid = (pid >> 32) as u32;
        e.pid_ref = s.pid_ref.load(r);
        for (i, c) in s.comm.iter().enumerate() {
            e.comm[i * 8..i * 8 + 8].copy_from_slice(&c.load(r).to_ne_bytes());
        }
        e.nr_ids = (s.nr_ids.load(r) as usize).min(MAX_LEVELS);
        for (d, v) in e.ids.iter_mut().zip(s.ids.iter()) {
            *d = v.load(r);
        }
        e.nr_stack = (s.nr_stack.load(r) as usize).min(STACK_DEPTH);
        for (d, v) in e.stack.iter_mut().zip(s.stack.iter()) {
            *d = v.load(r);
        }
        fence(Ordering::Acquire);
        (s.seq.load(r) == seq).then_some((seq / 2 - 1, e))
    }

    /// Calls `f` with every whole event, oldest first.
    pub(crate) fn for_each(&self, mut f: impl FnMut(&Event) -> fmt::Result) -> fmt::Result {
        let head = self.head.load(Ordering::Acquire);
        let len = self.slots.len() as u64;
        for n in head.saturating_sub(len)..head {
            let s = &self.slots[(n % len) as usize];
            // A slot rewritten since we read the head holds a newer event,
            // which a later read shows.
            if let Some((m, e)) = Self::read(s) {
                if m == n {
                    f(&e)?;
                }
            }
        }
        Ok(())
    }
}

/// Writes `name` (a task's comm, any bytes) so that it stays one word of
/// one line: a backslash, space, control character or byte above 0x7e as
/// `\ooo` (three octal digits, as `seq_file` escapes), the rest as it is.
pub(crate) fn write_escaped(w: &mut dyn Write, name: &[u8]) -> fmt::Result {
    for &b in name {
        if b == b'\\' || b <= b' ' || b > b'~' {
            write!(w, "\\{b:03o}")?;
        } else {
            w.write_char(char::from(b))?;
        }
    }
    Ok(())
}

/// Writes `e`: a line `time_ns=... series=... latency_us=... cgroup=...
/// pid=... comm=...` (the comm escaped by [`write_escaped`]), then one
/// line per stack entry, indented by a tab.
/// `path` writes the path of a cgroup id, `symbol` an address as a symbol.
pub(crate) fn format_event(
    w: &mut dyn Write,
    e: &Event,
    path: &mut dyn FnMut(&mut dyn Write, u64) -> fmt::Result,
    symbol: &mut dyn FnMut(&mut dyn Write, u64) -> fmt::Result,
) -> fmt::Result {
    write!(
        w,
        "time_ns={} series={} latency_us={} cgroup=",
        e.time_ns,
        e.series.name(),
        e.latency_ns / 1000
    )?;
    path(w, e.ids[0])?;
    let len = e.comm.iter().position(|b| *b == 0).unwrap_or(e.comm.len());
    let comm = &e.comm[..len];
    if e.pid == 0 && comm.is_empty() {
        writeln!(w, " pid=0 comm=-")?;
    } else {
        write!(w, " pid={} comm=", e.pid)?;
        write_escaped(w, comm)?;
        w.write_char('\n')?;
    }
    for a in &e.stack[..e.nr_stack.min(STACK_DEPTH)] {
        w.write_char('\t')?;
        symbol(w, *a)?;
        w.write_char('\n')?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::string::String;
    use std::vec::Vec;

    fn event(i: u64) -> Event {
        let mut e = Event::new(1000 + i, 5_000_000 + i, Series::SchedWait);
        e.pid = i as u32;
        e.uid = 1000 + i as u32;
        e.pid_ref = 0xffff_8000_0000_0000 + i;
        e.comm[..4].copy_from_slice(b"busy");
        e.ids[..3].copy_from_slice(&[30 + i, 20, 1]);
        e.nr_ids = 3;
        e.stack[..2].copy_from_slice(&[0xffff_0001, 0xffff_0002]);
        e.nr_stack = 2;
        e
    }

    fn collect(r: &Ring<'_>) -> Vec<Event> {
        let mut v = Vec::new();
        r.for_each(|e| {
            v.push(*e);
            Ok(())
        })
        .unwrap();
        v
    }

    #[test]
    fn keeps_the_newest_in_order() {
        let slots: Vec<Slot> = (0..4).map(|_| Slot::new()).collect();
        let head = AtomicU64::new(0);
        let r = Ring::new(&slots, &head).unwrap();
        assert!(collect(&r).is_empty());
        for i in 0..3 {
            r.push(&event(i));
        }
        assert_eq!(collect(&r), (0..3).map(event).collect::<Vec<_>>());
        for i in 3..10 {
            r.push(&event(i));
        }
        assert_eq!(collect(&r), (6..10).map(event).collect::<Vec<_>>());
    }

    #[test]
    fn concurrent_writers_leave_whole_events() {
        let slots: Vec<Slot> = (0..8).map(|_| Slot::new()).collect();
        let head = AtomicU64::new(0);
        let r = Ring::new(&slots, &head).unwrap();
        std::thread::scope(|sc| {
            for t in 0..3u64 {
                let r = &r;
                sc.spawn(move || {
                    for i in 0..500 {
                        r.push(&event(t * 1000 + i));
                    }
                });
            }
            let r = &r;
            sc.spawn(move || {
                for _ in 0..200 {
                    // Every event read is one that was written, whole.
                    for e in collect(r) {
                        assert_eq!(e, event(e.time_ns - 1000));
                    }
                }
            });
        });
        let n = collect(&r).len();
        assert!((1..=8).contains(&n));
    }

    #[test]
    fn within_and_format() {
        let e = event(7);
        assert!(e.within(37) && e.within(20) && e.within(1));
        assert!(!e.within(21));
        let mut out = String::new();
        format_event(
            &mut out,
            &e,
            &mut |w, id| write!(w, "/cg{id}"),
            &mut |w, a| write!(w, "fn+{a:#x}"),
        )
        .unwrap();
        assert_eq!(
            out,
            "time_ns=1007 series=schedlat_wait latency_us=5000 cgroup=/cg37 pid=7 comm=busy\n\
             \tfn+0xffff0001\n\tfn+0xffff0002\n"
        );
        let mut io = Event::new(5, 12_000_000, Series::IoRead);
        io.ids[0] = 1;
        io.nr_ids = 1;
        let mut out = String::new();
        format_event(
            &mut out,
            &io,
            &mut |w, _| write!(w, "/"),
            &mut |_, _| Ok(()),
        )
        .unwrap();
        assert_eq!(
            out,
            "time_ns=5 series=iolat_read latency_us=12000 cgroup=/ pid=0 comm=-\n"
        );
    }

    fn line(e: &Event) -> String {
        let mut out = String::new();
        format_event(&mut out, e, &mut |w, _| write!(w, "/c"), &mut |w, _| {
            write!(w, "f")
        })
        .unwrap();
        out
    }

    #[test]
    fn comm_is_escaped() {
        let mut e = event(1);
        e.nr_stack = 0;
        e.comm = [0; 16];
        // A task named so as to forge a second record.
        let forged = b"x\ntime_ns=1 a\\\xff";
        e.comm[..forged.len()].copy_from_slice(forged);
        assert_eq!(
            line(&e),
            "time_ns=1001 series=schedlat_wait latency_us=5000 cgroup=/c pid=1 \
             comm=x\\012time_ns=1\\040a\\134\\377\n"
        );
        e.comm = [b'a'; 16];
        assert!(line(&e).ends_with(" comm=aaaaaaaaaaaaaaaa\n"));
    }

    #[test]
    fn what_readers_see() {
        let e = event(3); // uid 1003, ids 33, 20, 1
        let all = Viewer {
            cgns_root: 1,
            stacks: true,
            all_tasks: true,
            uid: 0,
        };
        let mut same = |pid: u32, r: u64| {
            assert_eq!((pid, r), (3, e.pid_ref));
            pid
        };
        let seen = e.seen_by(&all, &mut same).unwrap();
        assert_eq!(
            (seen.pid, seen.nr_stack, &seen.comm[..4]),
            (3, 2, &b"busy"[..])
        );
        // The pid as the reader's namespace numbers it.
        let seen = e.seen_by(&all, &mut |_, _| 7).unwrap();
        assert_eq!(seen.pid, 7);
        // Outside the reader's cgroup namespace: left out.
        let other_ns = Viewer {
            cgns_root: 21,
            ..all
        };
        assert!(e.seen_by(&other_ns, &mut |p, _| p).is_none());
        let inner_ns = Viewer {
            cgns_root: 20,
            ..all
        };
        assert!(e.seen_by(&inner_ns, &mut |p, _| p).is_some());
        // Not in the reader's PID namespace (or gone): no task.
        let seen = e.seen_by(&all, &mut |_, _| 0).unwrap();
        assert_eq!((seen.pid, seen.comm, seen.nr_stack), (0, [0; 16], 0));
        assert!(line(&seen).ends_with(" pid=0 comm=-\n"));
        // Another user's task, for a reader who may not see all tasks.
        let user = Viewer {
            stacks: false,
            all_tasks: false,
            uid: 1000,
            ..all
        };
        let mut asked = false;
        let seen = e
            .seen_by(&user, &mut |p, _| {
                asked = true;
                p
            })
            .unwrap();
        assert!(!asked);
        assert_eq!((seen.pid, seen.comm, seen.nr_stack), (0, [0; 16], 0));
        // Their own task: pid and comm, but no stack.
        let owner = Viewer { uid: 1003, ..user };
        let seen = e.seen_by(&owner, &mut |p, _| p).unwrap();
        assert_eq!(
            (seen.pid, seen.nr_stack, &seen.comm[..4]),
            (3, 0, &b"busy"[..])
        );
        // An event without a task keeps its latency for everyone.
        let mut io = Event::new(5, 12_000_000, Series::IoRead);
        io.ids[0] = 1;
        io.nr_ids = 1;
        assert_eq!(io.seen_by(&user, &mut |_, _| 9), Some(io));
    }
}
