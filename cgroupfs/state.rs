// SPDX-License-Identifier: GPL-2.0

//! The module's state, and its publication to the module's files and to
//! the kernel's calls into the module.
//!
//! The views, the `cgroup/` tree, the exported API, the sampler and the
//! probes all reach the one [`State`] through [`state()`]; the module
//! publishes it with [`Published`] before anything can call in, and takes
//! it back when nothing can any more.

use crate::cpusnap::CpuSnap;
use crate::meminfo::MemStat;
use crate::procstat::LoadAvg;
use crate::recent::Recent;
use crate::registry::Registry;
use crate::support::cgroup::Cgroup;
use crate::support::mount::PrivateMount;
use crate::support::slot::{Publication, Slot};
use kernel::prelude::*;
use kernel::sync::{new_mutex, new_spinlock, Mutex, SpinLock};

/// What the module's files work from: the kernel filesystems the views read,
/// the per-cgroup file registrations and the cgroups with role 1.
#[pin_data]
pub(crate) struct State {
    pub(crate) proc: PrivateMount,
    pub(crate) cgroup: PrivateMount,
    pub(crate) sys: PrivateMount,
    /// The root of the private cgroup2 mount: the cgroup namespace root of
    /// the task that loaded the module. Paths into that mount are below it.
    pub(crate) base: Cgroup,
    #[pin]
    pub(crate) registry: Registry,
    /// The cgroups whose `cgroupfs.role` is 1 (all others have 0).
    #[pin]
    pub(crate) pods: Mutex<KVec<Cgroup>>,
    /// The load averages of the cgroups whose `loadavg` was read.
    #[pin]
    pub(crate) loads: Mutex<KVec<(Cgroup, LoadAvg)>>,
    /// Birth times (boot-time ns) of live cgroups created since load, by id.
    #[pin]
    pub(crate) births: SpinLock<KVec<(u64, u64)>>,
    /// The parsed `memory.stat` of the view cgroups read last, by cgroup id.
    #[pin]
    pub(crate) memstats: Mutex<Recent<MemStat, RECENT_CGROUPS>>,
    /// The CPUs and CPU time of the view cgroups read last, by cgroup id.
    #[pin]
    pub(crate) cpusnaps: Mutex<Recent<CpuSnap, RECENT_CGROUPS>>,
    /// The host files container views take their host lines from, by
    /// `views::cache::HostFile`.
    #[pin]
    pub(crate) host_texts: Mutex<Recent<KVVec<u8>, 4>>,
}

/// How many view cgroups keep their statistics in [`State::memstats`] and
/// [`State::cpusnaps`].
const RECENT_CGROUPS: usize = 32;

impl State {
    pub(crate) fn new() -> Result<impl PinInit<Self, Error>> {
        let proc = PrivateMount::new(kernel::c_str!("proc"))?;
        let cgroup = PrivateMount::cgroup2()?;
        let sys = PrivateMount::new(kernel::c_str!("sysfs"))?;
        let base = Cgroup::current_ns_root().ok_or(ENOENT)?;
        Ok(try_pin_init!(Self {
            proc,
            cgroup,
            sys,
            base,
            registry <- Registry::new(),
            pods <- new_mutex!(KVec::new()),
            loads <- new_mutex!(KVec::new()),
            births <- new_spinlock!(KVec::new()),
            memstats <- new_mutex!(Recent::new()),
            cpusnaps <- new_mutex!(Recent::new()),
            host_texts <- new_mutex!(Recent::new()),
        }))
    }

    /// Whether `cg` has `cgroupfs.role` 1.
    pub(crate) fn is_pod(&self, cg: &Cgroup) -> bool {
        self.pods.lock().iter().any(|p| p.as_ptr() == cg.as_ptr())
    }
}

/// The published state; empty while the module is not serving files.
static STATE: Slot<State> = Slot::new();

/// Keeps [`State`] published for the module's files while it lives. The
/// fields drop in order: the state is withdrawn first, then freed.
pub(crate) struct Published {
    _publication: Publication<State>,
    _state: Pin<KBox<State>>,
}

impl Published {
    /// Publishes `state` for the module's files.
    pub(crate) fn new(state: Pin<KBox<State>>) -> Self {
        // SAFETY: the state stays in its allocation (moving the box does
        // not move it) until `_state` drops, after `_publication` withdrew
        // it. The module drops this after unregistering the filesystem type
        // and its own files, when no file is open (an open file pins the
        // module) and no other module has files registered (they use our
        // symbols), so no caller still holds the reference.
        let publication = unsafe { STATE.publish(&state) };
        Self {
            _publication: publication,
            _state: state,
        }
    }
}

/// The published state.
pub(crate) fn state() -> Result<&'static State> {
    STATE.get().ok_or(ENODEV)
}
