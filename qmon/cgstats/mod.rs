// SPDX-License-Identifier: GPL-2.0

//! Per-cgroup histograms, and the table that finds them by cgroup id.
//!
//! Every cgroup v2 cgroup has a [`CgStats`]: for each CPU, one histogram
//! per series. An event is counted on the CPU that sees it, in the cgroup
//! of the task (or request) only: probes do the least work, however deep
//! the cgroup. A read sums the cgroup's histograms and its descendants'
//! over CPUs ([`Table::sum_subtree`]), so that a cgroup's numbers include
//! its descendants'; it lists the subtree's entries through child and
//! sibling links that change under the table's mutex, pins them, and sums
//! them after releasing it (a pinned entry is not freed). When a cgroup is
//! removed, its counts move into its nearest live ancestor (once no probe
//! can touch them any more), so that they stay in every ancestor's
//! numbers. The one thing probes do at every level is raise the peak
//! latency that `sli.max` shows (the largest since that cgroup's maxima
//! were last reset): each CPU's histograms link to the parent's for the
//! same CPU. The thresholds are only looked at while some cgroup has one
//! set for the series.
//!
//! The table is a fixed array of hash chains. Probes look cgroups up
//! without a lock, inside the RCU read-side critical section that a probe
//! runs in. Entries are added and removed in process context under a
//! mutex, by [`Table::update`], which compares the table with the live
//! cgroups; a removed entry is freed after an RCU grace period. Events of a
//! cgroup not (yet) in the table are counted in its nearest ancestor that
//! is.
//!
//! The files, each depending only on those listed after it: [`reads`]
//! (what reads of the files see: an entry under the mutex, subtree sums),
//! [`update`] (bringing the table up to date with the live cgroups),
//! [`table`] (the hash chains and the probes' lookups), [`graveyard`]
//! (entries of removed cgroups, until they are freed), [`tree`] (the child
//! and sibling links), [`entry`] (a cgroup's histograms and thresholds),
//! [`charge`] (charging an entry's memory to its cgroup).

mod charge;
mod entry;
mod graveyard;
mod reads;
mod table;
mod tree;
mod update;

pub(crate) use entry::{CgStats, Crossing};
pub(crate) use reads::Locked;
pub(crate) use table::{EntryCache, Table};
