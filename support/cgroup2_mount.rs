// SPDX-License-Identifier: GPL-2.0

//! Mounting the cgroup v2 hierarchy privately without changing its options
//! (see `cgroup2_opts.rs` for why a plain mount would).

use super::cgroup2_opts::{self, NR_OPTIONS};
use super::ffi;
use core::ffi::c_char;
use kernel::prelude::*;

fn option_flags() -> [u32; NR_OPTIONS] {
    // SAFETY: a constant array defined in `support_glue.c`, never written.
    unsafe { ffi::rfl_cgroup2_option_flags }
}

fn root_flags() -> u32 {
    // SAFETY: no preconditions: reads one word of the v2 hierarchy's root.
    unsafe { ffi::rfl_cgroup2_root_flags() }
}

/// Calls `mount` with the mount data (a writable NUL-terminated string, or
/// null for none) that names exactly the options the v2 hierarchy has now,
/// and returns what it returns.
///
/// Mount options are not locked against a concurrent remount by an
/// administrator; if the options differ after the mount, that is logged.
pub(crate) fn mount_keeping_options<T>(mount: impl FnOnce(*mut c_char) -> Result<T>) -> Result<T> {
    let flags = option_flags();
    let before = root_flags();
    let (mut data, len) = cgroup2_opts::mount_data(before, &flags);
    let ptr = if len == 0 {
        core::ptr::null_mut()
    } else {
        data.as_mut_ptr().cast()
    };
    let ret = mount(ptr)?;
    let after = root_flags();
    let mask = cgroup2_opts::option_mask(&flags);
    if (before ^ after) & mask != 0 {
        pr_warn!(
            "cgroup2's mount options changed while mounting it privately (flags {:#x} -> {:#x})\n",
            before & mask,
            after & mask
        );
    }
    Ok(ret)
}
