// SPDX-License-Identifier: GPL-2.0

//! Whose view a reader gets.
//!
//! The view cgroup of a reader is its pod, if its cgroup or an ancestor
//! up to its cgroup namespace root has `cgroupfs.role` 1; otherwise the
//! root of its cgroup namespace when it is in one; otherwise its own
//! cgroup. The root cgroup, and everyone while `enabled` is 0, gets the
//! host view.

use crate::params;
use crate::state::State;
use crate::support::cgroup::Cgroup;
use crate::support::vecutil::swap_remove;
use crate::viewpath;
use kernel::prelude::*;

/// The cgroup a view shows.
pub(crate) struct ViewCgroup {
    pub(crate) cg: Cgroup,
    /// Its path in the private cgroup2 mount ([`State::cgroup`]).
    pub(crate) path: KVec<u8>,
}

/// The view cgroup of the current task, or `None` for the host view.
pub(crate) fn current(state: &State) -> Result<Option<ViewCgroup>> {
    let Some(cg) = current_cgroup(state)? else {
        return Ok(None);
    };
    let path = cg.path(&state.base)?;
    Ok(Some(ViewCgroup { cg, path }))
}

/// The view cgroup of the current task, or `None` for the host view: its
/// pod if it is in one, else its cgroup namespace root if that is not the
/// root, else its own cgroup.
fn current_cgroup(state: &State) -> Result<Option<Cgroup>> {
    if !params::enabled() {
        return Ok(None);
    }
    let own = Cgroup::current().ok_or(ENOENT)?;
    let ns_root = Cgroup::current_ns_root().ok_or(ENOENT)?;
    // Only walk up when some cgroup has role 1: the common case is cheap.
    if !state.pods.lock().is_empty() {
        let mut chain = KVec::new();
        let mut c = Some(own);
        while let Some(cg) = c {
            let pod = state.is_pod(&cg);
            // A pod never reaches above the reader's namespace.
            let at_ns_root = cg.as_ptr() == ns_root.as_ptr();
            c = if at_ns_root { None } else { cg.parent() };
            chain.push((cg, pod), GFP_KERNEL)?;
        }
        if let Some(i) = viewpath::pod_index(chain.iter().map(|(_, pod)| *pod)) {
            return Ok(Some(swap_remove(&mut chain, i).0));
        }
        let own = swap_remove(&mut chain, 0).0;
        return Ok(ns_or_own(own, ns_root));
    }
    Ok(ns_or_own(own, ns_root))
}

/// The namespace root when the reader is in a namespace, else its own
/// cgroup; `None` for the root cgroup (host view).
fn ns_or_own(own: Cgroup, ns_root: Cgroup) -> Option<Cgroup> {
    let v = if ns_root.parent().is_some() {
        ns_root
    } else {
        own
    };
    v.parent().is_some().then_some(v)
}
