// SPDX-License-Identifier: GPL-2.0

//! rue's private cgroup2 mount, through which it reads and writes cgroups'
//! own files (`memory.reclaim`, `io.max`, `io.prio.class`) as a user
//! would, wherever the administrator mounted cgroup2.

use crate::support::cgroup::Cgroup;
use crate::support::mount::CgroupMount;
use crate::support::slot::{Publication, Slot};
use core::ffi::CStr;
use kernel::prelude::*;

/// The mount, published for the worker, the files and the IO controller.
static MOUNT: Slot<CgroupMount> = Slot::new();

/// Keeps the mount published while it lives. The fields drop in order: the
/// mount is withdrawn, then unmounted.
pub(crate) struct Mount {
    _publication: Publication<CgroupMount>,
    _mount: KBox<CgroupMount>,
}

impl Mount {
    /// Mounts cgroup2 privately (keeping its options) and publishes it.
    ///
    /// # Safety
    ///
    /// The returned value is dropped only when nothing reads or writes
    /// cgroup files any more (the worker is stopped, the files are
    /// unregistered, the IO controller is off).
    pub(crate) unsafe fn new() -> Result<Self> {
        let mount = KBox::new(CgroupMount::new()?, GFP_KERNEL)?;
        // SAFETY: the mount stays in its box until `_mount` drops, after
        // `_publication` withdrew it, and by the caller's guarantee no user
        // holds it then.
        let publication = unsafe { MOUNT.publish(&mount) };
        Ok(Self {
            _publication: publication,
            _mount: mount,
        })
    }
}

/// A cgroup's own files, read and written through rue's mount.
pub(crate) trait OwnFiles {
    /// Writes `text` to the cgroup's file `name`, as a user would.
    fn write_file(&self, name: &CStr, text: &[u8]) -> Result;
    /// Reads the cgroup's file `name` into `buf`; returns the bytes read.
    /// `EFBIG` when the file fills `buf`.
    fn read_file(&self, name: &CStr, buf: &mut [u8]) -> Result<usize>;
}

impl OwnFiles for Cgroup {
    fn write_file(&self, name: &CStr, text: &[u8]) -> Result {
        MOUNT.get().ok_or(ENODEV)?.write_file(self, name, text)
    }

    fn read_file(&self, name: &CStr, buf: &mut [u8]) -> Result<usize> {
        MOUNT.get().ok_or(ENODEV)?.read_file(self, name, buf)
    }
}
