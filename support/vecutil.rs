// SPDX-License-Identifier: GPL-2.0

//! What the 6.12 `KVec` lacks.

use kernel::prelude::*;

/// Removes and returns element `i` of `v`, moving the last one into its
/// place. Panics if `i` is out of bounds, like `Vec::swap_remove`.
pub(crate) fn swap_remove<T>(v: &mut KVec<T>, i: usize) -> T {
    let last = v.len() - 1;
    v.as_mut_slice().swap(i, last);
    // SAFETY: `last < len`: the element there is initialised. It is read out
    // once and the length shrunk past it, so it is not dropped again.
    unsafe {
        let x = core::ptr::read(v.as_ptr().add(last));
        v.set_len(last);
        x
    }
}
