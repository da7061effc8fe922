// SPDX-License-Identifier: GPL-2.0

//! cgroupfs's own per-cgroup files.
//!
//! - `cgroupfs.role` (0644): `1` makes the cgroup a pod: readers in it or
//!   below see the outermost cgroup of its unbroken chain of role-1
//!   ancestors as their view. `0` (default) does not. The root cgroup (of
//!   the hierarchy, or of the cgroup namespace cgroupfs was loaded in)
//!   refuses `1` with `EINVAL`.
//! - `cpu.quota_period_us` (0444): the effective CPU bandwidth limit, as
//!   `$QUOTA $PERIOD` of the tightest `cpu.max` of the cgroup and its
//!   ancestors, or `max $PERIOD`.

use crate::cpus;
use crate::kfiles::read_cg;
use crate::state::State;
use crate::support::cgroup::Cgroup;
use crate::support::kparam;
use crate::support::vecutil::swap_remove;
use crate::text::Text;
use crate::viewpath;
use core::ffi::CStr;
use core::fmt::Write;
use kernel::prelude::*;

/// The files, in the order of their indices.
pub(crate) const FILES: &[(&CStr, u16)] =
    &[(c"cgroupfs.role", 0o644), (c"cpu.quota_period_us", 0o444)];

const ROLE: usize = 0;
const QUOTA: usize = 1;

/// Renders file `index` for `cg`.
pub(crate) fn show(state: &State, index: usize, cg: &Cgroup, out: &mut Text) -> Result {
    match index {
        ROLE => writeln!(out, "{}", u8::from(state.is_pod(cg))).map_err(|_| ENOMEM),
        QUOTA => {
            let path = cg.path(&state.base)?;
            let mut lines = KVec::new();
            for c in viewpath::ancestors(&path) {
                if let Some(text) = read_cg(&state.cgroup, c, "cpu.max")? {
                    lines.push(text, GFP_KERNEL)?;
                }
            }
            cpus::tightest_cpu_max(lines.iter().map(|l| &l[..]), out).map_err(|_| ENOMEM)
        }
        _ => Err(EINVAL),
    }
}

/// Parses a write to file `index` for `cg`; changes nothing on error.
pub(crate) fn write(state: &State, index: usize, cg: &Cgroup, data: &[u8]) -> Result {
    if index != ROLE {
        return Err(EACCES);
    }
    let pod = kparam::parse_u32_in(data, 0, 1).map_err(|e| match e {
        kparam::ParseError::Invalid => EINVAL,
        kparam::ParseError::Range => ERANGE,
    })? == 1;
    // The root as a pod would be every host reader's view: whoever loaded
    // the module reads host files through the views, never a pod's.
    if pod && (cg.parent().is_none() || cg.as_ptr() == state.base.as_ptr()) {
        return Err(EINVAL);
    }
    let mut pods = state.pods.lock();
    // Forget removed cgroups while here, so the list never outgrows the
    // live cgroups by more than those removed since the last write.
    let mut i = 0;
    while i < pods.len() {
        if pods[i].online() {
            i += 1;
        } else {
            drop(swap_remove(&mut pods, i));
        }
    }
    let at = pods.iter().position(|p| p.as_ptr() == cg.as_ptr());
    match (pod, at) {
        (true, None) => {
            // SAFETY: `cg` is referenced for the call, so we can take ours.
            let own = unsafe { Cgroup::get(cg.as_ptr()) }.ok_or(EINVAL)?;
            pods.push(own, GFP_KERNEL)?;
        }
        (false, Some(i)) => {
            drop(swap_remove(&mut pods, i));
        }
        _ => {}
    }
    Ok(())
}
