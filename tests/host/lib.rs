// SPDX-License-Identifier: GPL-2.0

//! Host build of the modules' pure logic, so that `cargo test` runs the
//! unit tests that live beside that logic in the modules' source files.

#![allow(dead_code)]

/// The pure parts of the support layer, at the path the modules use.
#[path = "../../support"]
mod support {
    pub(crate) mod cgroup2_opts;
    pub(crate) mod decimal;
    pub(crate) mod kparam;
    pub(crate) mod textbuf;
}

#[path = "../../cgroupfs/cpus.rs"]
mod cpus;
#[path = "../../cgroupfs/diskstats.rs"]
mod diskstats;
#[path = "../../qmon/events.rs"]
mod events;
#[path = "../../qmon/hist.rs"]
mod hist;
#[path = "../../rue/iolat/mod.rs"]
mod iolat;
#[path = "../../cgroupfs/meminfo.rs"]
mod meminfo;
#[path = "../../rue/memqos.rs"]
mod memqos;
#[path = "../../cgroupfs/procstat.rs"]
mod procstat;
#[path = "../../cgroupfs/recent.rs"]
mod recent;
#[path = "../../qmon/stamps.rs"]
mod stamps;
#[path = "../../cgroupfs/viewpath.rs"]
mod viewpath;
#[path = "../../cgroupfs/vmstat.rs"]
mod vmstat;
