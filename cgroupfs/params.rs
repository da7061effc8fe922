// SPDX-License-Identifier: GPL-2.0

//! The module's parameters, declared again in `glue.c`:
//!
//! - `enabled` (bool, default 1): per-cgroup views (1) or host values (0);
//! - `stat_cache_ms` (0..1000, default 50): how long parsed statistics
//!   serve the views.

use crate::support::kparam::{Kind, Spec};
use crate::support::params::{export_params, find, Param, Params};

/// The parameters, in a static: the kernel applies `insmod` arguments
/// before the module's init runs.
pub(crate) static PARAMS: Params<2> = Params::new(SPECS);

const SPECS: [Spec; 2] = [
    Spec {
        name: "enabled",
        kind: Kind::Bool,
        default: 1,
    },
    Spec {
        name: "stat_cache_ms",
        kind: Kind::Range { min: 0, max: 1000 },
        default: 50,
    },
];
export_params!(PARAMS, cgroupfs_rs_param_set, cgroupfs_rs_param_get);

pub(crate) const ENABLED: Param = find(&SPECS, "enabled");
const STAT_CACHE_MS: Param = find(&SPECS, "stat_cache_ms");

/// Whether the views show the reader's cgroup (else host values).
pub(crate) fn enabled() -> bool {
    PARAMS.on(ENABLED)
}

/// How long parsed statistics serve the views, in ns (0: not at all).
pub(crate) fn stat_cache_ns() -> u64 {
    u64::from(PARAMS.get(STAT_CACHE_MS)) * 1_000_000
}
