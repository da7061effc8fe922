// SPDX-License-Identifier: GPL-2.0

//! Rust mirror of `support/cgroupfs_api.h`: the API through which modules add
//! files to every `cgroup/<path>/` directory of cgroupfs mounts.

use core::ffi::{c_char, c_long, c_void};

/// `struct cgroupfs_file`: one per-cgroup file (see the C header).
#[repr(C)]
pub(crate) struct CgroupfsFile {
    pub(crate) name: *const c_char,
    pub(crate) mode: u16,
    pub(crate) show: Option<
        unsafe extern "C" fn(
            data: *mut c_void,
            cgrp: *mut c_void,
            id: u64,
            buf: *mut c_char,
            size: usize,
        ) -> c_long,
    >,
    pub(crate) write: Option<
        unsafe extern "C" fn(
            data: *mut c_void,
            cgrp: *mut c_void,
            id: u64,
            buf: *const c_char,
            len: usize,
        ) -> c_long,
    >,
    pub(crate) data: *mut c_void,
}
