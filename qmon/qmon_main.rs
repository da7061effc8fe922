// SPDX-License-Identifier: GPL-2.0

//! qmon: per-cgroup quality monitoring (the cloud-native SLI).
//!
//! This module will attach to scheduler, memory-reclaim and block-layer
//! tracepoints and keep per-cgroup latency histograms. Today it registers its
//! global switch, the writable parameter `enabled`
//! (`/sys/module/qmon/parameters/enabled`). See `Documentation/qmon.rst`.

use kernel::prelude::*;

// Shared with the other modules, which use different parts of them.
#[allow(dead_code)]
#[path = "../common/kparam.rs"]
mod kparam;
#[path = "../common/params.rs"]
mod params;
#[path = "../common/textbuf.rs"]
mod textbuf;

use kparam::{Kind, Spec};

module! {
    type: Qmon,
    name: "qmon",
    author: "The rfl-cloudnative authors",
    description: "Per-cgroup latency histograms and quality counters",
    license: "GPL",
}

/// The module's parameters (declared again in `glue.c`).
pub(crate) static PARAMS: params::Params<1> = params::Params::new([Spec {
    name: "enabled",
    kind: Kind::Bool,
    default: 1,
}]);
params::export_params!(PARAMS, qmon_rs_param_set, qmon_rs_param_get);

struct Qmon;

impl kernel::Module for Qmon {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!("loaded (enabled={})\n", PARAMS.get("enabled"));
        Ok(Qmon)
    }
}

impl Drop for Qmon {
    fn drop(&mut self) {
        pr_info!("unloaded\n");
    }
}
