// SPDX-License-Identifier: GPL-2.0

//! Handing owned Rust objects to C as `void *` and back: the kernel's
//! `ForeignOwnable` (implemented for `KBox`, `Pin<KBox>` and `Arc`), behind
//! the `*mut c_void` the C side stores, in one place for every module.

use core::ffi::c_void;
use kernel::types::ForeignOwnable;

/// Gives `value` to C; [`from_foreign`] takes it back.
pub(crate) fn into_foreign<T: ForeignOwnable>(value: T) -> *mut c_void {
    value.into_foreign().cast_mut().cast()
}

/// Borrows the object behind `ptr`, which C keeps.
///
/// # Safety
///
/// `ptr` came from [`into_foreign`] for a `T`, [`from_foreign`] is not
/// called on it while the borrow lives.
pub(crate) unsafe fn borrow<'a, T: ForeignOwnable>(ptr: *mut c_void) -> T::Borrowed<'a> {
    // SAFETY: the caller's guarantee.
    unsafe { T::borrow(ptr.cast_const().cast()) }
}

/// Takes back the object behind `ptr` from C.
///
/// # Safety
///
/// `ptr` came from [`into_foreign`] for a `T`, is taken back once, and no
/// borrow of it lives.
pub(crate) unsafe fn from_foreign<T: ForeignOwnable>(ptr: *mut c_void) -> T {
    // SAFETY: the caller's guarantee.
    unsafe { T::from_foreign(ptr.cast_const().cast()) }
}
