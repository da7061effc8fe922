// SPDX-License-Identifier: GPL-2.0

//! The files of a cgroupfs mount and how each one is rendered.

use crate::ffi;
use core::ffi::c_void;
use kernel::error::to_result;
use kernel::prelude::*;
use kernel::str::CStr;

/// A view file. The discriminant is the id the C glue stores in the inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub(crate) enum View {
    Meminfo = 1,
    Cpuinfo,
    CpuOnline,
    CpuPossible,
    CpuPresent,
    Swaps,
    PressureCpu,
    PressureMemory,
    PressureIo,
    Stat,
    Uptime,
    Loadavg,
    Vmstat,
    Diskstats,
}

impl View {
    /// The view an inode id names.
    pub(crate) fn from_id(id: usize) -> Option<View> {
        LAYOUT
            .iter()
            .map(|&(_, _, v)| v)
            .find(|v| *v as usize == id)
    }
}

/// Where each view file sits: directory path components, then file name.
const LAYOUT: &[(&[&CStr], &CStr, View)] = &[
    (
        &[kernel::c_str!("proc")],
        kernel::c_str!("meminfo"),
        View::Meminfo,
    ),
    (
        &[kernel::c_str!("proc")],
        kernel::c_str!("cpuinfo"),
        View::Cpuinfo,
    ),
    (SYS_CPU, kernel::c_str!("online"), View::CpuOnline),
    (SYS_CPU, kernel::c_str!("possible"), View::CpuPossible),
    (SYS_CPU, kernel::c_str!("present"), View::CpuPresent),
    (
        &[kernel::c_str!("proc")],
        kernel::c_str!("swaps"),
        View::Swaps,
    ),
    (PRESSURE, kernel::c_str!("cpu"), View::PressureCpu),
    (PRESSURE, kernel::c_str!("memory"), View::PressureMemory),
    (PRESSURE, kernel::c_str!("io"), View::PressureIo),
    (
        &[kernel::c_str!("proc")],
        kernel::c_str!("stat"),
        View::Stat,
    ),
    (
        &[kernel::c_str!("proc")],
        kernel::c_str!("uptime"),
        View::Uptime,
    ),
    (
        &[kernel::c_str!("proc")],
        kernel::c_str!("loadavg"),
        View::Loadavg,
    ),
    (
        &[kernel::c_str!("proc")],
        kernel::c_str!("vmstat"),
        View::Vmstat,
    ),
    (
        &[kernel::c_str!("proc")],
        kernel::c_str!("diskstats"),
        View::Diskstats,
    ),
];

const PRESSURE: &[&CStr] = &[kernel::c_str!("proc"), kernel::c_str!("pressure")];

const SYS_CPU: &[&CStr] = &[
    kernel::c_str!("sys"),
    kernel::c_str!("devices"),
    kernel::c_str!("system"),
    kernel::c_str!("cpu"),
];

fn same_path(a: &[&CStr], b: &[&CStr]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.as_bytes() == y.as_bytes())
}

/// A directory dentry of a superblock being filled.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Dir(*mut c_void);

/// Creates every directory and view file under the root dentry `root`.
///
/// # Safety
///
/// `root` must be the root dentry of a cgroupfs superblock that is being
/// filled (no other task can see it yet).
pub(crate) unsafe fn fill(root: *mut c_void) -> Result {
    // Directories created so far, by path, so shared prefixes are made once.
    let mut made: KVec<(&[&CStr], Dir)> = KVec::new();
    for &(dirs, name, view) in LAYOUT {
        let mut parent = Dir(root);
        for depth in 1..=dirs.len() {
            let path = &dirs[..depth];
            parent = match made.iter().find(|(p, _)| same_path(p, path)) {
                Some(&(_, d)) => d,
                None => {
                    // SAFETY: `parent` is a directory of the superblock being
                    // filled; the name is NUL-terminated.
                    let d = unsafe {
                        ffi::cgroupfs_glue_mkdir(parent.0, path[depth - 1].as_char_ptr().cast())
                    };
                    if d.is_null() {
                        return Err(ENOMEM);
                    }
                    made.push((path, Dir(d)), GFP_KERNEL)?;
                    Dir(d)
                }
            };
        }
        // SAFETY: as above.
        to_result(unsafe {
            ffi::cgroupfs_glue_mkfile(parent.0, name.as_char_ptr().cast(), view as usize as _)
        })?;
    }
    // SAFETY: `root` is the root of the superblock being filled; the name
    // is NUL-terminated.
    if unsafe { ffi::cgroupfs_glue_mkcgdir(root, c"cgroup".as_ptr()) }.is_null() {
        return Err(ENOMEM);
    }
    Ok(())
}

/// Called by the C glue when a superblock is filled.
///
/// # Safety
///
/// `root` is the root dentry of a superblock being filled.
#[no_mangle]
pub(crate) unsafe extern "C" fn cgroupfs_rs_fill_root(root: *mut c_void) -> core::ffi::c_int {
    // SAFETY: the C glue calls this from fill_super with the new root.
    match unsafe { fill(root) } {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}
