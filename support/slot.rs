// SPDX-License-Identifier: GPL-2.0

//! A static slot through which C callbacks (file operations, probes, the
//! workers) reach an object of the module, published while they may run.

use core::marker::PhantomData;
use core::sync::atomic::{AtomicPtr, Ordering};

/// Where callbacks find one object of type `T` while it is published.
///
/// # Invariants
///
/// `ptr` is null or points to a `T` published with [`Slot::publish`],
/// which by that function's contract stays valid while callbacks can reach
/// it through [`Slot::get`].
pub(crate) struct Slot<T> {
    ptr: AtomicPtr<T>,
}

// SAFETY: the slot hands out only shared references to a `T` that is Sync.
unsafe impl<T: Sync> Sync for Slot<T> {}

impl<T> Slot<T> {
    /// An empty slot.
    pub(crate) const fn new() -> Self {
        Self {
            ptr: AtomicPtr::new(core::ptr::null_mut()),
        }
    }

    /// Publishes `value` until the returned guard is dropped.
    ///
    /// # Safety
    ///
    /// `value` stays valid, and is never moved or mutably borrowed, until
    /// the guard is dropped and every callback that may have read the slot
    /// before has returned (the callbacks are unregistered, or the module
    /// waited for them, before `value` is freed).
    pub(crate) unsafe fn publish(&'static self, value: &T) -> Publication<T> {
        self.ptr
            .store((value as *const T).cast_mut(), Ordering::Release);
        Publication {
            slot: self,
            _t: PhantomData,
        }
    }

    /// The published object, if any.
    pub(crate) fn get(&self) -> Option<&T> {
        // SAFETY: by the type invariant the pointer is null or valid while
        // callbacks can reach it, which is where this reference is used.
        unsafe { self.ptr.load(Ordering::Acquire).as_ref() }
    }
}

/// Keeps an object published in its [`Slot`]; withdraws it on drop.
pub(crate) struct Publication<T: 'static> {
    slot: &'static Slot<T>,
    _t: PhantomData<*const T>,
}

// SAFETY: withdrawing is an atomic store, valid from any thread.
unsafe impl<T> Send for Publication<T> {}
// SAFETY: the guard has no `&self` methods.
unsafe impl<T> Sync for Publication<T> {}

impl<T> Drop for Publication<T> {
    fn drop(&mut self) {
        self.slot
            .ptr
            .store(core::ptr::null_mut(), Ordering::Release);
    }
}
