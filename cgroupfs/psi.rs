// SPDX-License-Identifier: GPL-2.0

//! How many tasks of a cgroup (and its descendants) are runnable, and how
//! many wait for IO, from its PSI task counts: no walk over tasks.
//!
//! The scheduler keeps those counts per CPU in the cgroup's PSI group;
//! the C glue reads one CPU's, and the sum is taken here.

use crate::ffi;
use crate::support::cgroup::Cgroup;
use core::ffi::c_int;

/// Runnable and IO-waiting tasks of `cg` and its descendants.
///
/// `(0, 0)` for a cgroup without a PSI group of its own: when PSI is off
/// for cgroups, and for the root cgroup, whose counts are the system's
/// (the kernel's `psi_system`, which modules cannot reach). No view shows
/// the root cgroup's counts: its readers get host files.
pub(crate) fn tasks(cg: &Cgroup) -> (u64, u64) {
    // SAFETY: `cg` is referenced for the call.
    let psi = unsafe { ffi::cgroupfs_glue_cgroup_psi(cg.as_ptr()) };
    if psi.is_null() {
        return (0, 0);
    }
    let (mut running, mut iowait) = (0u64, 0u64);
    for cpu in possible_cpus() {
        let (mut r, mut w) = (0u32, 0u32);
        // SAFETY: `psi` is the PSI group of `cg`, which is referenced and
        // so keeps it; `cpu` is a possible CPU; the out pointers are valid.
        unsafe { ffi::cgroupfs_glue_psi_cpu_tasks(psi, cpu, &mut r, &mut w) };
        running += u64::from(r);
        iowait += u64::from(w);
    }
    (running, iowait)
}

/// The possible CPUs, in order.
fn possible_cpus() -> impl Iterator<Item = u32> {
    // SAFETY: no preconditions.
    let nr = unsafe { ffi::cgroupfs_glue_nr_cpu_ids() };
    // SAFETY: no preconditions; -1 asks for the first possible CPU.
    let mut next = unsafe { ffi::cgroupfs_glue_next_possible_cpu(-1) };
    core::iter::from_fn(move || {
        let cpu = next;
        if cpu >= nr {
            return None;
        }
        // SAFETY: no preconditions; `cpu < nr_cpu_ids` fits a C int.
        next = unsafe { ffi::cgroupfs_glue_next_possible_cpu(cpu as c_int) };
        Some(cpu)
    })
}
