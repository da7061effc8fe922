// SPDX-License-Identifier: GPL-2.0

//! The support layer: every kernel-API wrapper and helper the modules share.
//!
//! Each module's crate mounts this tree once, at its root:
//!
//! ```ignore
//! #[path = "../support/mod.rs"]
//! mod support;
//! ```
//!
//! Files here refer to each other with `super::` only, never to anything of
//! the crate that mounts them: dependencies run from the modules to this
//! layer, and from this layer to the kernel crate and the C side of the
//! layer (`support/*.h`), never back.
//!
//! Not every module uses every wrapper, so unused items are allowed here.
#![allow(dead_code, unused_macros, unused_imports)]

pub(crate) mod cgroup;
pub(crate) mod cgroup2_mount;
pub(crate) mod cgroup2_opts;
pub(crate) mod cgroupfs_api;
pub(crate) mod cgroupfs_files;
pub(crate) mod decimal;
pub(crate) mod dwork;
pub(crate) mod ffi;
pub(crate) mod foreign;
pub(crate) mod kparam;
pub(crate) mod mount;
pub(crate) mod param_lock;
pub(crate) mod params;
pub(crate) mod slot;
pub(crate) mod textbuf;
pub(crate) mod tracepoint;
pub(crate) mod vecutil;
