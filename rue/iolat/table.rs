// SPDX-License-Identifier: GPL-2.0

//! The lock-free table of completions: bytes, requests and a latency
//! histogram per (cgroup, device), filled from the block layer's
//! completion tracepoint. Slots are claimed with a compare-and-swap;
//! nothing locks or allocates. And the completions no slot could count.

use super::buckets::{bucket, NR_BUCKETS};
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// One (cgroup, device) of the table. An all-zero slot is free.
#[repr(C)]
pub(crate) struct Slot {
    /// [`FREE`], [`CLAIMING`] or [`READY`].
    state: AtomicU32,
    dev: AtomicU32,
    cgroup: AtomicU64,
    /// Completed requests, reads and writes.
    ios: [AtomicU64; 2],
    /// Bytes completed, reads and writes.
    bytes: [AtomicU64; 2],
    /// Completions per latency bucket.
    hist: [AtomicU64; NR_BUCKETS],
}

const FREE: u32 = 0;
const CLAIMING: u32 = 1;
const READY: u32 = 2;

impl Slot {
    /// A free slot (for the host tests; the module's come zeroed).
    #[cfg(test)]
    pub(crate) fn new() -> Self {
        // SAFETY: all-zero is a valid value of every field.
        unsafe { core::mem::zeroed() }
    }
}

/// Slots a key may live in, from the one its hash picks.
const PROBES: usize = 16;

/// What a slot counted; plain numbers, summed and subtracted by the
/// worker.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct Counts {
    pub(crate) ios: [u64; 2],
    pub(crate) bytes: [u64; 2],
    pub(crate) hist: [u64; NR_BUCKETS],
}

impl Counts {
    pub(crate) const fn zero() -> Self {
        Self {
            ios: [0; 2],
            bytes: [0; 2],
            hist: [0; NR_BUCKETS],
        }
    }

    /// Adds `other` into `self`.
    pub(crate) fn add(&mut self, other: &Counts) {
        for d in 0..2 {
            self.ios[d] = self.ios[d].wrapping_add(other.ios[d]);
            self.bytes[d] = self.bytes[d].wrapping_add(other.bytes[d]);
        }
        for (a, b) in self.hist.iter_mut().zip(other.hist.iter()) {
            *a = a.wrapping_add(*b);
        }
    }

    /// What was counted since `earlier`.
    pub(crate) fn since(&self, earlier: &Counts) -> Counts {
        let mut out = Counts::zero();
        for d in 0..2 {
            out.ios[d] = self.ios[d].wrapping_sub(earlier.ios[d]);
            out.bytes[d] = self.bytes[d].wrapping_sub(earlier.bytes[d]);
        }
        for (i, o) in out.hist.iter_mut().enumerate() {
            *o = self.hist[i].wrapping_sub(earlier.hist[i]);
        }
        out
    }

    pub(crate) fn total_ios(&self) -> u64 {
        self.ios[0].wrapping_add(self.ios[1])
    }

    pub(crate) fn total_bytes(&self) -> u64 {
        self.bytes[0].wrapping_add(self.bytes[1])
    }
}

/// The table over `slots`.
///
/// A (cgroup, device) lives in one of [`PROBES`] slots from where its hash
/// points; when two completions claim slots for it at once it may live in
/// two, which readers sum. A key with no free slot left is not counted
/// ([`IoTable::record`] says so).
pub(crate) struct IoTable<'a> {
    slots: &'a [Slot],
}

fn hash(cgroup: u64, dev: u32) -> usize {
    let h = (cgroup ^ (u64::from(dev) << 32 | u64::from(dev))).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (h >> 32) as usize
}

impl<'a> IoTable<'a> {
    pub(crate) fn new(slots: &'a [Slot]) -> Self {
        Self { slots }
    }

    /// Counts one completion of `bytes` on `dev` by `cgroup`; `done` when
    /// the request is complete (a request may complete in parts), with its
    /// latency in us. Returns false when there was no room.
    pub(crate) fn record(
        &self,
        cgroup: u64,
        dev: u32,
        write: bool,
        bytes: u64,
        done: Option<u64>,
    ) -> bool {
        let n = self.slots.len();
        if n == 0 {
            return false;
        }
        let start = hash(cgroup, dev) % n;
        for k in 0..PROBES.min(n) {
            let s = &self.slots[(start + k) % n];
            let mut state = s.state.load(Ordering::Acquire);
            if state == FREE
                && s.state
                    .compare_exchange(FREE, CLAIMING, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
            {
                s.cgroup.store(cgroup, Ordering::Relaxed);
                s.dev.store(dev, Ordering::Relaxed);
                s.state.store(READY, Ordering::Release);
                state = READY;
            }
            if state != READY
                || s.cgroup.load(Ordering::Relaxed) != cgroup
                || s.dev.load(Ordering::Relaxed) != dev
            {
                continue;
            }
            let d = usize::from(write);
            s.bytes[d].fetch_add(bytes, Ordering::Relaxed);
            if let Some(us) = done {
                s.ios[d].fetch_add(1, Ordering::Relaxed);
                s.hist[bucket(us)].fetch_add(1, Ordering::Relaxed);
            }
            return true;
        }
        false
    }

    /// The (cgroup, device) of slot `i`, if it holds one.
    pub(crate) fn key(&self, i: usize) -> Option<(u64, u32)> {
        let s = self.slots.get(i)?;
        if s.state.load(Ordering::Acquire) != READY {
            return None;
        }
        Some((
            s.cgroup.load(Ordering::Relaxed),
            s.dev.load(Ordering::Relaxed),
        ))
    }

    /// Adds what slot `i` counted into `out`.
    pub(crate) fn read(&self, i: usize, out: &mut Counts) {
        let Some(s) = self.slots.get(i) else { return };
        for d in 0..2 {
            out.ios[d] = out.ios[d].wrapping_add(s.ios[d].load(Ordering::Relaxed));
            out.bytes[d] = out.bytes[d].wrapping_add(s.bytes[d].load(Ordering::Relaxed));
        }
        for (o, h) in out.hist.iter_mut().zip(s.hist.iter()) {
            *o = o.wrapping_add(h.load(Ordering::Relaxed));
        }
    }

    /// Frees slot `i` (its cgroup is gone). A completion of that cgroup
    /// being counted at this very moment may land in the next owner.
    pub(crate) fn free(&self, i: usize) {
        let Some(s) = self.slots.get(i) else { return };
        if s.state
            .compare_exchange(READY, CLAIMING, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            return;
        }
        for d in 0..2 {
            s.ios[d].store(0, Ordering::Relaxed);
            s.bytes[d].store(0, Ordering::Relaxed);
        }
        for h in s.hist.iter() {
            h.store(0, Ordering::Relaxed);
        }
        s.cgroup.store(0, Ordering::Relaxed);
        s.dev.store(0, Ordering::Relaxed);
        s.state.store(FREE, Ordering::Release);
    }
}

/// Completions no slot could count, per device: [`LOST_DEVICES`] devices
/// and one count for all others (device 0). Claimed with a
/// compare-and-swap; nothing locks or allocates.
pub(crate) struct LostTable {
    devs: [AtomicU32; LOST_DEVICES],
    counts: [AtomicU64; LOST_DEVICES],
    other: AtomicU64,
}

/// Devices [`LostTable`] counts apart.
pub(crate) const LOST_DEVICES: usize = 16;

impl LostTable {
    pub(crate) const fn new() -> Self {
        Self {
            devs: [const { AtomicU32::new(0) }; LOST_DEVICES],
            counts: [const { AtomicU64::new(0) }; LOST_DEVICES],
            other: AtomicU64::new(0),
        }
    }

    /// Counts a completion on `dev` that no slot counted.
    pub(crate) fn add(&self, dev: u32) {
        for (d, c) in self.devs.iter().zip(self.counts.iter()) {
            let cur = d.load(Ordering::Acquire);
            let mine = cur == dev
                || (cur == 0
                    && dev != 0
                    && match d.compare_exchange(0, dev, Ordering::AcqRel, Ordering::Acquire) {
                        Ok(_) => true,
                        Err(now) => now == dev,
                    });
            if mine {
                c.fetch_add(1, Ordering::Relaxed);
                return;
            }
        }
        self.other.fetch_add(1, Ordering::Relaxed);
    }

    /// What was lost on `dev` (0: on devices not counted apart).
    pub(crate) fn get(&self, dev: u32) -> u64 {
        if dev == 0 {
            return self.other.load(Ordering::Relaxed);
        }
        self.devs
            .iter()
            .zip(self.counts.iter())
            .find(|(d, _)| d.load(Ordering::Acquire) == dev)
            .map_or(0, |(_, c)| c.load(Ordering::Relaxed))
    }

    /// Everything lost.
    pub(crate) fn total(&self) -> u64 {
        self.counts
            .iter()
            .fold(self.other.load(Ordering::Relaxed), |a, c| {
                a.wrapping_add(c.load(Ordering::Relaxed))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_counts_per_cgroup_and_device() {
        let slots: std::vec::Vec<Slot> = (0..64).map(|_| Slot::new()).collect();
        let t = IoTable::new(&slots);
        assert!(t.record(7, 0x10_0001, true, 4096, Some(1500)));
        assert!(t.record(7, 0x10_0001, true, 4096, None));
        assert!(t.record(7, 0x10_0001, false, 512, Some(20)));
        assert!(t.record(8, 0x10_0001, false, 512, Some(20)));
        let mut found = std::vec::Vec::new();
        for i in 0..slots.len() {
            if let Some(k) = t.key(i) {
                let mut c = Counts::zero();
                t.read(i, &mut c);
                found.push((k, c));
            }
        }
        found.sort_by_key(|(k, _)| *k);
        assert_eq!(found.len(), 2);
        let (k, c) = &found[0];
        assert_eq!(*k, (7, 0x10_0001));
        assert_eq!(c.ios, [1, 1]);
        assert_eq!(c.bytes, [512, 8192]);
        assert_eq!(c.hist[bucket(1500)], 1);
        assert_eq!(c.hist[bucket(20)], 1);
        let i = (0..slots.len())
            .find(|&i| t.key(i) == Some((8, 0x10_0001)))
            .unwrap();
        t.free(i);
        assert_eq!(t.key(i), None);
        let mut c = Counts::zero();
        t.read(i, &mut c);
        assert_eq!(c, Counts::zero());
    }

    #[test]
    fn table_says_when_full() {
        let slots: std::vec::Vec<Slot> = (0..4).map(|_| Slot::new()).collect();
        let t = IoTable::new(&slots);
        for cg in 1..=4 {
            assert!(t.record(cg, 1, false, 1, Some(1)));
        }
        assert!(!t.record(5, 1, false, 1, Some(1)));
        assert!(t.record(3, 1, false, 1, Some(1)));
    }

    #[test]
    fn lost_per_device() {
        let l = LostTable::new();
        assert_eq!(l.total(), 0);
        l.add(5);
        l.add(5);
        l.add(7);
        assert_eq!((l.get(5), l.get(7), l.get(9)), (2, 1, 0));
        for d in 100..100 + LOST_DEVICES as u32 {
            l.add(d);
        }
        // Two devices were there already: the rest is "other".
        assert_eq!(l.get(100 + LOST_DEVICES as u32 - 1), 0);
        assert_eq!(l.get(0), 2);
        assert_eq!(l.total(), 3 + LOST_DEVICES as u64);
    }

    #[test]
    fn counts_windows() {
        let mut a = Counts::zero();
        a.ios = [3, 4];
        a.hist[5] = 7;
        let mut b = a.clone();
        b.ios[1] += 2;
        b.hist[5] += 1;
        let d = b.since(&a);
        assert_eq!(d.ios, [0, 2]);
        assert_eq!(d.hist[5], 1);
        assert_eq!(d.total_ios(), 2);
        let mut s = Counts::zero();
        s.add(&a);
        s.add(&d);
        assert_eq!(s, b);
    }
}
