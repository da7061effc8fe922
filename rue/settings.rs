// SPDX-License-Identifier: GPL-2.0

//! Per-cgroup settings, and what rue did to each cgroup.
//!
//! Only cgroups with a setting or a count other than the defaults have an
//! entry; reading any other cgroup gives the defaults. Entries of removed
//! cgroups are forgotten by the worker.

use crate::entry::Entry;
use crate::ioqos::IoQos;
use crate::support::vecutil::swap_remove;
use kernel::prelude::*;
use kernel::sync::{new_mutex, Mutex};

/// Every cgroup's entry, and the IO controller that uses them.
#[pin_data]
pub(crate) struct Settings {
    #[pin]
    entries: Mutex<KVec<Entry>>,
    #[pin]
    pub(crate) io: IoQos,
}

impl Settings {
    pub(crate) fn new() -> Result<impl PinInit<Self, Error>> {
        Ok(try_pin_init!(Self {
            entries <- new_mutex!(KVec::new()),
            io <- IoQos::new()?,
        }))
    }

    /// The entry of cgroup `id` (the defaults if it has none).
    pub(crate) fn get(&self, id: u64) -> Entry {
        let entries = self.entries.lock();
        entries
            .iter()
            .find(|e| e.id == id)
            .copied()
            .unwrap_or(Entry::new(id))
    }

    /// Changes the entry of cgroup `id` with `f`.
    pub(crate) fn update(&self, id: u64, f: impl FnOnce(&mut Entry)) -> Result {
        self.try_update(id, |e| {
            f(e);
            Ok(())
        })
    }

    /// Changes the entry of cgroup `id` with `f`, unless `f` fails, which
    /// must then leave the entry as it was.
    pub(crate) fn try_update(&self, id: u64, f: impl FnOnce(&mut Entry) -> Result) -> Result {
        loop {
            let mut entries = self.entries.lock();
            let i = match entries.iter().position(|e| e.id == id) {
                Some(i) => i,
                None if entries.len() < entries.capacity() => {
                    // Within the capacity: no allocation.
                    entries.push(Entry::new(id), GFP_KERNEL)?;
                    entries.len() - 1
                }
                None => {
                    // Never allocate under the lock: the OOM notifier takes
                    // it, and an allocation could end in that notifier.
                    let cap = entries.capacity() * 2 + 8;
                    drop(entries);
                    self.grow(KVec::with_capacity(cap, GFP_KERNEL)?);
                    continue;
                }
            };
            let ret = f(&mut entries[i]);
            if entries[i].is_default() {
                swap_remove(&mut entries, i);
            }
            return ret;
        }
    }

    /// Moves the entries into `bigger` if it has more room.
    fn grow(&self, mut bigger: KVec<Entry>) {
        let mut entries = self.entries.lock();
        if bigger.capacity() <= entries.capacity() {
            return;
        }
        for e in entries.iter() {
            // Within the capacity: no allocation, no failure.
            if bigger.push(*e, GFP_KERNEL).is_err() {
                return;
            }
        }
        *entries = bigger;
    }

    /// Changes the entry of cgroup `id` with `f` if it has one; never
    /// allocates. Returns whether it had one.
    pub(crate) fn update_existing(&self, id: u64, f: impl FnOnce(&mut Entry)) -> bool {
        let mut entries = self.entries.lock();
        match entries.iter_mut().find(|e| e.id == id) {
            Some(e) => {
                f(e);
                true
            }
            None => false,
        }
    }

    /// Forgets cgroup `id`.
    pub(crate) fn forget(&self, id: u64) {
        let mut entries = self.entries.lock();
        if let Some(i) = entries.iter().position(|e| e.id == id) {
            swap_remove(&mut entries, i);
        }
    }

    /// A copy of every entry.
    pub(crate) fn snapshot(&self) -> Result<KVec<Entry>> {
        loop {
            // Allocate outside the lock (see `update`).
            let n = self.entries.lock().len();
            let mut out = KVec::with_capacity(n + 8, GFP_KERNEL)?;
            let entries = self.entries.lock();
            if entries.len() <= out.capacity() {
                for e in entries.iter() {
                    // Within the capacity: no allocation.
                    out.push(*e, GFP_KERNEL)?;
                }
                return Ok(out);
            }
        }
    }
}
