// SPDX-License-Identifier: GPL-2.0

//! A cgroup's lineage: its id and its ancestors', with its effective
//! priority.

use crate::entry::Entry;
use crate::memqos;
use crate::support::cgroup::Cgroup;

/// Cgroup levels looked at (deeper ancestors are not seen).
const MAX_DEPTH: usize = 32;

/// A cgroup and its ancestors, with its effective priority.
pub(super) struct Lineage {
    ids: [u64; MAX_DEPTH],
    depth: usize,
    pub(super) priority: u32,
}

impl Lineage {
    /// The lineage of `cg`, priorities from `live`.
    pub(super) fn of(cg: &Cgroup, live: &[(Entry, Cgroup)]) -> Self {
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

    pub(super) fn id(&self) -> u64 {
        self.ids[0]
    }

    pub(super) fn contains(&self, id: u64) -> bool {
        self.ids[..self.depth].contains(&id)
    }

    /// Whether this is the root cgroup, which has no `io.max`.
    pub(super) fn is_root(&self) -> bool {
        self.depth <= 1
    }
}
