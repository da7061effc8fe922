// SPDX-License-Identifier: GPL-2.0

//! rue: Resource Utilization Enhancement.
//!
//! Per-cgroup priorities and the memory and IO controllers that protect
//! important cgroups from less important ones. Today the module registers
//! its global switches and tunables as writable parameters under
//! `/sys/module/rue/parameters/`, each validated on write. See
//! `Documentation/rue.rst`.

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
    type: Rue,
    name: "rue",
    author: "The rfl-cloudnative authors",
    description: "Per-cgroup priority and memory/IO priority controllers",
    license: "GPL",
}

/// The module's parameters (declared again in `glue.c`).
pub(crate) static PARAMS: params::Params<5> = params::Params::new([
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
]);
params::export_params!(PARAMS, rue_rs_param_set, rue_rs_param_get);

struct Rue;

impl kernel::Module for Rue {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!(
            "loaded (memory_qos={} io_qos={})\n",
            PARAMS.get("memory_qos"),
            PARAMS.get("io_qos")
        );
        Ok(Rue)
    }
}

impl Drop for Rue {
    fn drop(&mut self) {
        pr_info!("unloaded\n");
    }
}
