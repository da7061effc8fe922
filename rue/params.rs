// SPDX-License-Identifier: GPL-2.0

//! rue's module parameters, under `/sys/module/rue/parameters/`.
//!
//! The table of parameters ([`PARAMS`], declared again in `glue.c`) and
//! putting `io_qos` into effect on the live IO controller ([`apply`]); the
//! crate root exports the functions the kernel's parameter code calls
//! (`export_params!` defines them `pub`, which the crate root reaches).
//! The features read the other parameters at each use.

use crate::ioqos::{IoQos, IO};
use crate::support::kparam::{Kind, Spec};
use crate::support::param_lock::ParamLock;
use crate::support::params::{find, Param, Params};
use crate::support::slot::Publication;
use kernel::prelude::*;

/// The module's parameters (declared again in `glue.c`).
pub(crate) static PARAMS: Params<5> = Params::new(SPECS);

const SPECS: [Spec; 5] = [
    Spec {
        name: "memory_qos",
        kind: Kind::Bool,
        default: 0,
    },
    Spec {
        name: "use_priority_oom",
        kind: Kind::Bool,
        default: 0,
    },
    Spec {
        name: "prio_reclaim_ratio",
        kind: Kind::Range { min: 1, max: 20 },
        default: 5,
    },
    Spec {
        name: "highest_reclaim_prio",
        kind: Kind::Range { min: 1, max: 8 },
        default: 1,
    },
    Spec {
        name: "io_qos",
        kind: Kind::Bool,
        default: 0,
    },
];

pub(crate) const MEMORY_QOS: Param = find(&SPECS, "memory_qos");
pub(crate) const USE_PRIORITY_OOM: Param = find(&SPECS, "use_priority_oom");
pub(crate) const PRIO_RECLAIM_RATIO: Param = find(&SPECS, "prio_reclaim_ratio");
pub(crate) const HIGHEST_RECLAIM_PRIO: Param = find(&SPECS, "highest_reclaim_prio");
pub(crate) const IO_QOS: Param = find(&SPECS, "io_qos");

/// Puts `io_qos` into effect; called under rue's parameter lock, by
/// parameter writes and by [`Live::go_live`].
pub(crate) fn apply() -> Result {
    match IO.get() {
        // SAFETY: every caller holds the parameter lock; the controller is
        // published until it is switched off for good.
        Some(io) => unsafe { io.set(PARAMS.on(IO_QOS)) },
        None => Ok(()),
    }
}

/// Publishes the IO controller to parameter writes and to its probe
/// (`ioqos::IO`), under the parameter lock, until it is switched off.
pub(crate) struct Live(Option<Publication<IoQos>>);

impl Live {
    /// Nothing published yet.
    pub(crate) fn new() -> Self {
        Self(None)
    }

    /// Makes `io` the controller that parameter writes switch, and puts
    /// `io_qos` into effect on it. On failure `io` stays published:
    /// [`Live::switch_off`] withdraws it.
    ///
    /// # Safety
    ///
    /// `io` stays valid until [`Live::switch_off`] has returned or `self`
    /// is dropped.
    pub(crate) unsafe fn go_live(&mut self, io: &IoQos) -> Result {
        let _lock = ParamLock::lock();
        // SAFETY: the caller's guarantee; parameter writes and the probe,
        // the only users, stop finding it in `switch_off()` (the probe is
        // detached there first).
        self.0 = Some(unsafe { IO.publish(io) });
        apply()
    }

    /// Switches the controller off for good, under the parameter lock: no
    /// parameter write switches it on again.
    pub(crate) fn switch_off(&mut self) {
        if self.0.is_none() {
            return;
        }
        let _lock = ParamLock::lock();
        if let Some(io) = IO.get() {
            // SAFETY: we hold the parameter lock; it is published.
            let _ = unsafe { io.set(false) };
        }
        self.0 = None;
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        self.switch_off();
    }
}
