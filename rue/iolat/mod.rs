// SPDX-License-Identifier: GPL-2.0

//! IO latency per cgroup and device, and the throttling decisions made
//! from it.
//!
//! Pure logic, compiled into the module and on the host (each file with
//! its unit tests). One subject per file:
//!
//! - [`table`]: completions, bytes and a latency histogram per (cgroup,
//!   device), filled from the block layer's completion tracepoint
//!   ([`table::IoTable`]), and the completions no slot could count
//!   ([`table::LostTable`]). Slots are claimed with a compare-and-swap;
//!   nothing locks or allocates.
//! - [`buckets`]: the latency histogram's buckets and percentiles.
//! - [`verdict`]: whether a window of completions met a latency target
//!   ([`verdict::judge`]), once there are enough ([`verdict::Accum`]).
//! - [`throttle`]: how hard one cgroup is throttled on one device, moved
//!   step by step by the verdicts of the more important cgroups.
//! - [`iomax`]: the lines of the kernel's `io.max`, parsed and written.
//! - [`targets`]: a cgroup's `rue.io.latency_target_us`.
//! - [`stat`]: a line of `rue.io.stat`.
//! - [`dev`]: device numbers, `major:minor`.
//!
//! The files name each other's items by their file (`super::dev::Dev`),
//! never through this one.

pub(crate) mod buckets;
pub(crate) mod dev;
pub(crate) mod iomax;
pub(crate) mod stat;
pub(crate) mod table;
pub(crate) mod targets;
pub(crate) mod throttle;
pub(crate) mod verdict;
