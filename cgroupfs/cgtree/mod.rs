// SPDX-License-Identifier: GPL-2.0

//! The `cgroup/` tree of a cgroupfs mount: a directory per cgroup v2
//! cgroup, holding the registered per-cgroup files.
//!
//! The C glue does the VFS plumbing; here is decided what each directory
//! holds and who sees it ([`reader`]), what a lookup or a listing finds
//! ([`dir`]), and what opening, reading and writing a per-cgroup file does
//! ([`file`]). A reader sees, under the mount's root cgroup, the subtree of
//! its cgroup namespace root and the directories leading to it; per-cgroup
//! files only inside that subtree. Writes need CAP_SYS_ADMIN.

mod dir;
mod file;
mod reader;
