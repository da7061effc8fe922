// SPDX-License-Identifier: GPL-2.0

//! Reading small kernel files whole through the module's private mounts
//! (`support/mount.rs`): a cgroup's interface files, and host files of `/proc` and
//! `/sys`.

use crate::support::mount::PrivateMount;
use kernel::prelude::*;

/// Builds `<cgroup path>/<file>\0`.
fn cg_file(cgroup: &[u8], file: &str) -> Result<KVec<u8>> {
    let mut p = KVec::with_capacity(cgroup.len() + file.len() + 2, GFP_KERNEL)?;
    p.extend_from_slice(cgroup, GFP_KERNEL)?;
    p.push(b'/', GFP_KERNEL)?;
    p.extend_from_slice(file.as_bytes(), GFP_KERNEL)?;
    p.push(0, GFP_KERNEL)?;
    Ok(p)
}

/// Reads `file` of the cgroup at path `cgroup` of the cgroup2 mount `mnt`;
/// `None` when the cgroup has no such file (its controller is not enabled
/// there).
pub(crate) fn read_cg(mnt: &PrivateMount, cgroup: &[u8], file: &str) -> Result<Option<KVVec<u8>>> {
    let mut out = KVVec::new();
    match mnt.read_into(&cg_file(cgroup, file)?, &mut out) {
        Ok(()) => Ok(Some(out)),
        Err(e) if e == ENOENT => Ok(None),
        Err(e) => Err(e),
    }
}

/// Reads the file at `path` of the mount `mnt` (`proc` or `sysfs`).
pub(crate) fn read_host(mnt: &PrivateMount, path: &CStr) -> Result<KVVec<u8>> {
    let mut out = KVVec::new();
    mnt.read_into(path.as_bytes_with_nul(), &mut out)?;
    Ok(out)
}

/// A copy of `bytes`.
pub(crate) fn copy(bytes: &[u8]) -> Result<KVVec<u8>> {
    let mut v = KVVec::with_capacity(bytes.len(), GFP_KERNEL)?;
    v.extend_from_slice(bytes, GFP_KERNEL)?;
    Ok(v)
}
