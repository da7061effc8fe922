// SPDX-License-Identifier: GPL-2.0

//! cgroup_hello: a small third-party module built beside the project's.
//!
//! It shows the pattern every module here follows: a Rust crate root with
//! `module!`, a C file of thin wrappers for kernel functions the `kernel`
//! crate does not offer, wrapped once in a safe Rust function. On load it
//! logs the cgroup v2 path of the task that loaded it and how deep that
//! cgroup is, e.g. `cgroup_hello: loaded from /demo/a (depth 2)`.

use core::ffi::{c_char, c_int};
use kernel::prelude::*;

module! {
    type: CgroupHello,
    name: "cgroup_hello",
    author: "The rfl-cloudnative authors",
    description: "Sample: logs the cgroup of the task that loads it",
    license: "GPL",
}

extern "C" {
    fn cgroup_hello_glue_current_cgroup_path(buf: *mut c_char, len: usize) -> c_int;
}

/// Writes the current task's cgroup v2 path into `buf` and returns it.
fn current_cgroup_path(buf: &mut [u8]) -> Result<&str> {
    // SAFETY: `buf` is valid for `buf.len()` bytes of writes for the call.
    let ret = unsafe { cgroup_hello_glue_current_cgroup_path(buf.as_mut_ptr().cast(), buf.len()) };
    if ret < 0 {
        return Err(Error::from_errno(ret));
    }
    let len = (ret as usize).min(buf.len());
    core::str::from_utf8(&buf[..len]).map_err(|_| EINVAL)
}

/// Nesting depth of a cgroup path: 0 for the root `/`.
fn depth(path: &str) -> usize {
    path.split('/').filter(|c| !c.is_empty()).count()
}

struct CgroupHello;

impl kernel::Module for CgroupHello {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let mut buf = [0u8; 256];
        let path = current_cgroup_path(&mut buf)?;
        pr_info!("loaded from {} (depth {})\n", path, depth(path));
        Ok(CgroupHello)
    }
}
