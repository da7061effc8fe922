// SPDX-License-Identifier: GPL-2.0

//! What an open per-cgroup file stands for: a file of a registration, in
//! one cgroup. It keeps the registering module loaded while the file is
//! open.

use crate::ffi;
use crate::registry::Registration;
use crate::support::cgroup::Cgroup;
use kernel::prelude::*;
use kernel::sync::Arc;

/// File `index` of `reg` in cgroup `cg`.
///
/// # Invariants
///
/// Holds a reference on `reg`'s owner module, when it has one (cgroupfs's
/// own files have none), put on drop.
pub(crate) struct CgTarget {
    reg: Arc<Registration>,
    index: usize,
    cg: Cgroup,
}

impl CgTarget {
    /// The target, with a reference on the registration's owner module;
    /// `ENOENT` when the registration or its module is going away.
    pub(crate) fn new(reg: Arc<Registration>, index: usize, cg: Cgroup) -> Result<Self> {
        let owner = reg.owner();
        {
            // Inside a call the owner cannot finish unregistering, so its
            // module is not freed while we take our reference.
            let _call = reg.enter()?;
            // SAFETY: the owner module is live (see above).
            if !owner.is_null() && !unsafe { ffi::cgroupfs_glue_module_get(owner) } {
                return Err(ENOENT);
            }
        }
        // INVARIANT: the reference was taken just above.
        Ok(Self { reg, index, cg })
    }

    pub(crate) fn reg(&self) -> &Registration {
        &self.reg
    }

    /// The file's index in [`Self::reg`].
    pub(crate) fn index(&self) -> usize {
        self.index
    }

    pub(crate) fn cg(&self) -> &Cgroup {
        &self.cg
    }

    /// The file's key and the cgroup's id, which notifications name.
    pub(crate) fn notify_key(&self) -> (usize, u64) {
        (self.reg.key(self.index), self.cg.id())
    }
}

impl Drop for CgTarget {
    fn drop(&mut self) {
        let owner = self.reg.owner();
        if !owner.is_null() {
            // SAFETY: by the type invariant we hold this reference.
            unsafe { ffi::cgroupfs_glue_module_put(owner) };
        }
    }
}
