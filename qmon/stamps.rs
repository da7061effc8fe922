// SPDX-License-Identifier: GPL-2.0

//! Start times of what is being measured, keyed by the object measured.
//!
//! Pure logic, compiled into the module and on the host.
//!
//! A latency starts in one tracepoint and ends in another, often on another
//! CPU: a task goes to sleep on one CPU and is woken from another; a request
//! is issued in a task and completes in an interrupt. The start is kept
//! here, under a key that names the object (a task or request address, with
//! low bits telling what is measured), together with a small tag.
//!
//! The table is an array of slots allocated once, grouped in buckets of
//! [`WAYS`] slots; a key lives in one slot of the bucket its hash picks.
//! Nothing here allocates or locks: slots are claimed with a
//! compare-and-swap of the key. Operations on one key never run
//! concurrently (the scheduler serialises a task's switches and wakeups; a
//! request is issued before it completes), so only the claim of a free slot
//! races, between different keys. When a bucket is full the start is not
//! kept and that latency is not measured ([`Stamps::put`] says so).

use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// Slots per bucket: two cache lines.
pub(crate) const WAYS: usize = 8;

/// One start time. An all-zero slot is free.
#[repr(C)]
pub(crate) struct Slot {
    key: AtomicUsize,
    /// `tag << TIME_BITS | time`.
    val: AtomicU64,
}

impl Slot {
    /// A free slot (for the host tests; the module's come zeroed).
    #[cfg(test)]
    pub(crate) const fn new() -> Self {
        Self {
            key: AtomicUsize::new(0),
            val: AtomicU64::new(0),
        }
    }
}

/// Bits of a slot's value that hold the time, in nanoseconds (36 years).
const TIME_BITS: u32 = 60;
const TIME_MASK: u64 = (1 << TIME_BITS) - 1;

/// A table over `slots`, whose length is a power of two and a multiple of
/// [`WAYS`].
pub(crate) struct Stamps<'a> {
    slots: &'a [Slot],
}

impl<'a> Stamps<'a> {
    /// Wraps `slots`; `None` unless the length is a power of two of at
    /// least [`WAYS`].
    pub(crate) fn new(slots: &'a [Slot]) -> Option<Self> {
        (slots.len().is_power_of_two() && slots.len() >= WAYS).then_some(Self { slots })
    }

    fn bucket(&self, key: usize) -> &[Slot] {
        // Fibonacci hashing; addresses differ mostly in their middle bits.
        let h = (key as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32;
        let nbuckets = self.slots.len() / WAYS;
        let b = (h as usize) & (nbuckets - 1);
        &self.slots[b * WAYS..(b + 1) * WAYS]
    }

    #[inline]
    fn find(&self, key: usize) -> Option<&Slot> {
        self.bucket(key)
            .iter()
            .find(|s| s.key.load(Ordering::Acquire) == key)
    }

    /// Keeps `time` with `tag` (0..16) for `key` (non-zero), replacing what
    /// `key` had. Returns false when the bucket is full.
    pub(crate) fn put(&self, key: usize, tag: u8, time: u64) -> bool {
        if let Some(s) = self.find(key) {
            let val = (u64::from(tag) << TIME_BITS) | (time & TIME_MASK);
            s.val.store(val, Ordering::Relaxed);
            return true;
        }
        self.insert(key, tag, time)
    }

    /// Keeps a start for `key`, which the caller knows has none (so no
    /// search for it); `false` if its bucket is full.
    pub(crate) fn insert(&self, key: usize, tag: u8, time: u64) -> bool {
        let val = (u64::from(tag) << TIME_BITS) | (time & TIME_MASK);
        for s in self.bucket(key) {
            if s.key
                .compare_exchange(0, key, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                s.val.store(val, Ordering::Relaxed);
                return true;
            }
        }
        false
    }

    /// The tag and time kept for `key`, leaving them.
    pub(crate) fn get(&self, key: usize) -> Option<(u8, u64)> {
        let v = self.find(key)?.val.load(Ordering::Relaxed);
        Some(((v >> TIME_BITS) as u8, v & TIME_MASK))
    }

    /// The tag and time kept for `key`, freeing the slot.
    #[inline]
    pub(crate) fn take(&self, key: usize) -> Option<(u8, u64)> {
        let s = self.find(key)?;
        let v = s.val.load(Ordering::Relaxed);
        s.key.store(0, Ordering::Release);
        Some(((v >> TIME_BITS) as u8, v & TIME_MASK))
    }

    /// Frees every slot. Only while no other CPU uses the table.
    pub(crate) fn clear(&self) {
        for s in self.slots {
            s.key.store(0, Ordering::Relaxed);
            s.val.store(0, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::vec::Vec;

    fn slots(n: usize) -> Vec<Slot> {
        (0..n).map(|_| Slot::new()).collect()
    }

    #[test]
    fn sizes() {
        assert!(Stamps::new(&slots(4)).is_none());
        assert!(Stamps::new(&slots(24)).is_none());
        assert!(Stamps::new(&slots(64)).is_some());
    }

    #[test]
    fn put_get_take() {
        let s = slots(1024);
        let t = Stamps::new(&s).unwrap();
        assert_eq!(t.get(0x1000), None);
        assert!(t.put(0x1000, 2, 12345));
        assert!(t.put(0x2000, 1, 7));
        assert_eq!(t.get(0x1000), Some((2, 12345)));
        // Replacing keeps one slot.
        assert!(t.put(0x1000, 3, 99));
        assert_eq!(t.take(0x1000), Some((3, 99)));
        assert_eq!(t.take(0x1000), None);
        assert_eq!(t.get(0x2000), Some((1, 7)));
        t.clear();
        assert_eq!(t.get(0x2000), None);
    }

    #[test]
    fn a_full_bucket_refuses_and_frees_again() {
        // One bucket: every key collides.
        let s = slots(WAYS);
        let t = Stamps::new(&s).unwrap();
        for k in 1..=WAYS {
            assert!(t.put(k * 64, 0, k as u64));
        }
        assert!(!t.put(9999 * 64, 0, 1));
        assert_eq!(t.take(3 * 64), Some((0, 3)));
        assert!(t.put(9999 * 64, 0, 1));
        for k in (1..=WAYS).filter(|k| *k != 3) {
            assert_eq!(t.get(k * 64), Some((0, k as u64)));
        }
    }

    #[test]
    fn insert_takes_a_free_slot() {
        let s = slots(WAYS);
        let t = Stamps::new(&s).unwrap();
        for k in 1..=WAYS {
            assert!(t.insert(k * 64, 1, k as u64));
        }
        assert!(!t.insert(9999 * 64, 1, 1));
        assert_eq!(t.take(5 * 64), Some((1, 5)));
        assert!(t.insert(9999 * 64, 2, 7));
        assert_eq!(t.get(9999 * 64), Some((2, 7)));
        assert_eq!(t.get(8 * 64), Some((1, 8)));
    }

    #[test]
    fn times_keep_60_bits() {
        let s = slots(64);
        let t = Stamps::new(&s).unwrap();
        assert!(t.put(8, 15, u64::MAX));
        assert_eq!(t.get(8), Some((15, TIME_MASK)));
    }

    #[test]
    fn concurrent_distinct_keys() {
        let s = slots(4096);
        let t = Stamps::new(&s).unwrap();
        std::thread::scope(|sc| {
            for th in 0..4usize {
                let t = &t;
                sc.spawn(move || {
                    for i in 0..300usize {
                        let key = (th * 1000 + i + 1) * 64;
                        assert!(t.put(key, 1, i as u64));
                        assert_eq!(t.take(key), Some((1, i as u64)));
                    }
                });
            }
        });
        assert!(s.iter().all(|x| x.key.load(Ordering::Relaxed) == 0));
    }
}
