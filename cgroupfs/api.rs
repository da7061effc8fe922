// SPDX-License-Identifier: GPL-2.0

//! The API cgroupfs exports to other modules (`support/cgroupfs_api.h`):
//! registering per-cgroup files, and telling their pollers of news.
//!
//! A handle is a registration's `Arc`, passed through C as a raw pointer:
//! `cgroupfs_register_files()` gives one reference to the caller, and
//! `cgroupfs_unregister_files()` takes it back.

use crate::notify;
use crate::registry::{Registration, Source};
use crate::state::state;
use crate::support::cgroupfs_api::CgroupfsFile;
use crate::support::foreign;
use core::ffi::{c_uint, c_void};
use kernel::sync::Arc;

/// `cgroupfs_register_files()` of `support/cgroupfs_api.h`.
///
/// # Safety
///
/// `files` points to `nr` entries that, with their names, stay valid until
/// the handle is unregistered; `owner` is the calling module.
#[no_mangle]
pub(crate) unsafe extern "C" fn cgroupfs_register_files(
    owner: *mut c_void,
    files: *const CgroupfsFile,
    nr: c_uint,
) -> *mut c_void {
    let state = match state() {
        Ok(s) => s,
        Err(e) => return e.to_ptr(),
    };
    let source = Source::External {
        files,
        nr: nr as usize,
        owner,
    };
    match state.registry.register(source) {
        Ok(reg) => foreign::into_foreign(reg),
        Err(e) => e.to_ptr(),
    }
}

/// `cgroupfs_unregister_files()` of `support/cgroupfs_api.h`.
///
/// # Safety
///
/// `handle` came from [`cgroupfs_register_files`] and is unregistered once.
#[no_mangle]
pub(crate) unsafe extern "C" fn cgroupfs_unregister_files(handle: *mut c_void) {
    // SAFETY: the caller passes a handle made by `into_foreign()`, once.
    let reg: Arc<Registration> = unsafe { foreign::from_foreign(handle) };
    if let Ok(state) = state() {
        state.registry.unregister(&reg);
    }
}

/// `cgroupfs_notify()` of `support/cgroupfs_api.h`.
///
/// # Safety
///
/// `handle` came from `cgroupfs_register_files()` and is not unregistered.
#[no_mangle]
pub(crate) unsafe extern "C" fn cgroupfs_notify(handle: *mut c_void, index: c_uint, id: u64) {
    // SAFETY: the caller passes a live handle made by `into_foreign()`,
    // not unregistered while this call runs.
    let reg = unsafe { foreign::borrow::<Arc<Registration>>(handle) };
    if (index as usize) < reg.len() {
        notify::notify(reg.key(index as usize), id);
    }
}
