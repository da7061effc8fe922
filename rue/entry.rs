// SPDX-License-Identifier: GPL-2.0

//! One cgroup's settings, and what rue did to it: the entry that
//! [`crate::settings`] keeps per cgroup and that the controllers read.

use crate::iolat::targets::Targets;
use crate::memqos::DEFAULT_DISTANCE_FACTOR;

/// One cgroup's settings and counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) id: u64,
    /// `rue.priority`, 0..7.
    pub(crate) priority: u32,
    /// `rue.memory.async_ratio`, 0..100.
    pub(crate) async_ratio: u32,
    /// `rue.memory.async_distance_factor`.
    pub(crate) distance_factor: u32,
    /// Bytes async reclaim took from the cgroup.
    pub(crate) async_reclaimed: u64,
    /// Bytes priority reclaim took from the cgroup.
    pub(crate) prio_reclaimed: u64,
    /// Global OOMs whose victim priority OOM chose in this cgroup (or a
    /// descendant without an entry of its own).
    pub(crate) prio_oom: u64,
    /// `rue.io.latency_target_us`.
    pub(crate) io_targets: Targets,
}

impl Entry {
    /// The defaults, for cgroup `id`.
    pub(crate) fn new(id: u64) -> Self {
        Self {
            id,
            priority: 0,
            async_ratio: 0,
            distance_factor: DEFAULT_DISTANCE_FACTOR,
            async_reclaimed: 0,
            prio_reclaimed: 0,
            prio_oom: 0,
            io_targets: Targets::default(),
        }
    }

    /// Whether the entry holds nothing but the defaults.
    pub(crate) fn is_default(&self) -> bool {
        *self == Self::new(self.id)
    }
}
