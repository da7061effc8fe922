// SPDX-License-Identifier: GPL-2.0

//! Who sees what of the `cgroup/` tree.

use crate::support::cgroup::Cgroup;
use kernel::prelude::*;

/// The reader's view of the tree.
pub(crate) struct Reader {
    root: Cgroup,
}

impl Reader {
    /// The current task as a reader: its cgroup namespace root bounds what
    /// it sees.
    pub(crate) fn current() -> Result<Self> {
        Ok(Self {
            root: Cgroup::current_ns_root().ok_or(ENOENT)?,
        })
    }

    /// Inside the reader's subtree: its files are visible.
    pub(crate) fn owns(&self, cg: &Cgroup) -> bool {
        cg.is_descendant_of(&self.root)
    }

    /// Visible as a directory: inside the subtree, or on the way to it.
    pub(crate) fn sees(&self, cg: &Cgroup) -> bool {
        self.owns(cg) || self.root.is_descendant_of(cg)
    }
}
