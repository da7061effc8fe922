// SPDX-License-Identifier: GPL-2.0

//! A small cache of recently computed values, each valid for a short time.
//!
//! Pure logic, compiled into the module and on the host. The views keep
//! here what they read from cgroup and host files for the view cgroups
//! read most recently (`memory.stat`, the CPUs and CPU time, the host's
//! `/proc` text): the kernel formats those files as text on every read,
//! which costs more than the whole `/proc` file a view stands for, and
//! their statistics are batched by the kernel anyway (a memory cgroup's
//! are flushed when enough updates are pending, and every 2 seconds).

/// One cached value: its key, when it was computed and for how long it
/// was to serve, the value.
struct Entry<T> {
    key: u64,
    at_ns: u64,
    ttl_ns: u64,
    value: T,
}

/// Up to `N` values by key; a full cache replaces its oldest entry.
pub(crate) struct Recent<T, const N: usize> {
    entries: [Option<Entry<T>>; N],
}

impl<T, const N: usize> Recent<T, N> {
    /// An empty cache.
    pub(crate) const fn new() -> Self {
        Self {
            entries: [const { None }; N],
        }
    }

    /// `f` of the value of `key` if it was computed less than `ttl_ns`
    /// before `now_ns`, and less than the `ttl_ns` it was stored with (a
    /// longer time to live does not revive old values).
    pub(crate) fn get_with<R>(
        &self,
        key: u64,
        now_ns: u64,
        ttl_ns: u64,
        f: impl FnOnce(&T) -> R,
    ) -> Option<R> {
        self.entries
            .iter()
            .flatten()
            .find(|e| e.key == key)
            .filter(|e| e.at_ns <= now_ns && now_ns - e.at_ns < ttl_ns.min(e.ttl_ns))
            .map(|e| f(&e.value))
    }

    /// A copy of the value of `key`, as [`Self::get_with`] finds it.
    #[cfg(test)]
    pub(crate) fn get(&self, key: u64, now_ns: u64, ttl_ns: u64) -> Option<T>
    where
        T: Clone,
    {
        self.get_with(key, now_ns, ttl_ns, T::clone)
    }

    /// Stores `value` for `key`, computed at `at_ns`, to serve for `ttl_ns`.
    pub(crate) fn put(&mut self, key: u64, at_ns: u64, ttl_ns: u64, value: T) {
        let slot = match self.entries.iter().position(|e| match e {
            Some(e) => e.key == key,
            None => false,
        }) {
            Some(i) => i,
            None => match self.entries.iter().position(Option::is_none) {
                Some(i) => i,
                None => {
                    let oldest = self
                        .entries
                        .iter()
                        .enumerate()
                        .min_by_key(|(_, e)| e.as_ref().map_or(0, |e| e.at_ns));
                    match oldest {
                        Some((i, _)) => i,
                        // N == 0: nothing can be kept.
                        None => return,
                    }
                }
            },
        };
        if let Some(e) = self.entries.get_mut(slot) {
            *e = Some(Entry {
                key,
                at_ns,
                ttl_ns,
                value,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: u64 = 1_000_000;

    #[test]
    fn hit_until_the_ttl() {
        let mut c: Recent<u32, 4> = Recent::new();
        assert_eq!(c.get(1, 0, 50 * MS), None);
        c.put(1, 100 * MS, 1000 * MS, 7);
        assert_eq!(c.get(1, 100 * MS, 50 * MS), Some(7));
        assert_eq!(c.get(1, 149 * MS, 50 * MS), Some(7));
        assert_eq!(c.get(1, 150 * MS, 50 * MS), None);
        assert_eq!(c.get(2, 120 * MS, 50 * MS), None);
        // A ttl of 0 never hits; a clock before the entry does not either.
        assert_eq!(c.get(1, 100 * MS, 0), None);
        assert_eq!(c.get(1, 99 * MS, 50 * MS), None);
        // A longer time to live does not revive a value stored with a
        // shorter one.
        c.put(3, 100 * MS, 10 * MS, 9);
        assert_eq!(c.get(3, 105 * MS, 50 * MS), Some(9));
        assert_eq!(c.get(3, 120 * MS, 50 * MS), None);
        // A new value replaces the old one of the same key.
        c.put(1, 200 * MS, 1000 * MS, 8);
        assert_eq!(c.get(1, 210 * MS, 50 * MS), Some(8));
    }

    #[test]
    fn full_cache_replaces_the_oldest() {
        let mut c: Recent<u64, 3> = Recent::new();
        assert_eq!(c.get_with(1, 0, 100, |v| v + 1), None);
        c.put(1, 10, 1000 * MS, 1);
        c.put(2, 5, 1000 * MS, 2);
        c.put(3, 30, 1000 * MS, 3);
        c.put(4, 40, 1000 * MS, 4);
        assert_eq!(c.get(2, 40, 100), None);
        for k in [1, 3, 4] {
            assert_eq!(c.get(k, 40, 100), Some(k));
        }
        // Refreshing a key keeps the others.
        c.put(1, 50, 1000 * MS, 10);
        c.put(5, 60, 1000 * MS, 5);
        assert_eq!(c.get(3, 60, 100), None);
        assert_eq!(c.get(1, 60, 100), Some(10));
        assert_eq!(c.get(4, 60, 100), Some(4));
        assert_eq!(c.get(5, 60, 100), Some(5));
        assert_eq!(c.get_with(5, 60, 100, |v| v + 1), Some(6));
    }
}
