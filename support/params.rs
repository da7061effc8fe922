// SPDX-License-Identifier: GPL-2.0

//! Module parameters backed by Rust state.
//!
//! A module lists its parameters as [`kparam::Spec`]s in a [`Params`] and
//! declares the same names on the C side with `RFL_PARAM()` from
//! `support/param_glue.h`; the kernel's parameter code then calls the two
//! functions that [`export_params!`] defines, which parse and format through
//! [`kparam`]. Values are atomics, so a parameter can be read from any context
//! and is never seen half-written; they live in statics because the kernel
//! sets parameters given to `insmod` before the module's init runs.

use super::kparam::{ParseError, Spec};
use core::ffi::{c_char, c_int, CStr};
use core::sync::atomic::{AtomicU32, Ordering};
use kernel::error::code::{EINVAL, ENOENT, ERANGE};

/// The maximum a parameter's `get` may write: the kernel hands it one page.
const GET_BUF_LEN: usize = 4096;

/// One parameter of a [`Params`] set, named by a value rather than a
/// string: [`find`] makes one at compile time, so a name the set does not
/// hold fails the build.
#[derive(Clone, Copy)]
pub(crate) struct Param(usize);

/// The parameter `name` of `specs`; used in a `const`, a name `specs` does
/// not hold stops the build.
pub(crate) const fn find<const N: usize>(specs: &[Spec; N], name: &str) -> Param {
    let mut i = 0;
    while i < N {
        if const_eq(specs[i].name.as_bytes(), name.as_bytes()) {
            return Param(i);
        }
        i += 1;
    }
    panic!("no parameter of that name");
}

const fn const_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A fixed set of parameters and their current values.
///
/// # Invariants
///
/// `values[i]` always holds a value that `specs[i]` accepts.
pub(crate) struct Params<const N: usize> {
    specs: [Spec; N],
    values: [AtomicU32; N],
}

impl<const N: usize> Params<N> {
    /// Creates the set with every parameter at its default.
    pub(crate) const fn new(specs: [Spec; N]) -> Self {
        let mut values = [const { AtomicU32::new(0) }; N];
        let mut i = 0;
        while i < N {
            values[i] = AtomicU32::new(specs[i].default);
            i += 1;
        }
        // INVARIANT: every value starts at its spec's default.
        Self { specs, values }
    }

    fn index(&self, name: &str) -> Option<usize> {
        // Built-in, the kernel names parameters "module.name".
        let name = name.rsplit('.').next().unwrap_or(name);
        self.specs.iter().position(|s| s.name == name)
    }

    /// The current value of parameter `p` (found in this set's specs).
    pub(crate) fn get(&self, p: Param) -> u32 {
        self.values[p.0].load(Ordering::Relaxed)
    }

    /// Whether the boolean parameter `p` is on.
    pub(crate) fn on(&self, p: Param) -> bool {
        self.get(p) != 0
    }

    /// Parses `val` and stores it into the parameter `name`, or changes
    /// nothing and returns the errno.
    pub(crate) fn set(&self, name: &str, val: &[u8]) -> Result<u32, kernel::error::Error> {
        let i = self.index(name).ok_or(ENOENT)?;
        let v = self.specs[i].parse(val).map_err(|e| match e {
            ParseError::Invalid => EINVAL,
            ParseError::Range => ERANGE,
        })?;
        // INVARIANT: `v` was accepted by `specs[i]`.
        self.values[i].store(v, Ordering::Relaxed);
        Ok(v)
    }

    /// Backs `<prefix>_rs_param_set()`: stores the value, then calls
    /// `apply`, which puts it into effect; if that fails, the old value is
    /// put back and its errno returned.
    ///
    /// # Safety
    ///
    /// `name` and `val` must be valid NUL-terminated strings.
    pub(crate) unsafe fn c_set(
        &self,
        name: *const c_char,
        val: *const c_char,
        apply: fn() -> Result<(), kernel::error::Error>,
    ) -> c_int {
        // SAFETY: the caller guarantees both are NUL-terminated strings.
        let (name, val) = unsafe { (CStr::from_ptr(name), CStr::from_ptr(val)) };
        let Some(i) = name.to_str().ok().and_then(|n| self.index(n)) else {
            return EINVAL.to_errno();
        };
        let old = self.values[i].load(Ordering::Relaxed);
        let name = self.specs[i].name;
        if let Err(e) = self.set(name, val.to_bytes()).and_then(|_| apply()) {
            // INVARIANT: `old` was a value of this parameter.
            self.values[i].store(old, Ordering::Relaxed);
            return e.to_errno();
        }
        0
    }

    /// Backs `<prefix>_rs_param_get()`: writes the value and returns its length.
    ///
    /// # Safety
    ///
    /// `name` must be a valid NUL-terminated string and `buf` valid for writes
    /// of a page, as the kernel's parameter code guarantees.
    pub(crate) unsafe fn c_get(&self, name: *const c_char, buf: *mut c_char) -> c_int {
        // SAFETY: the caller guarantees `name` is a NUL-terminated string.
        let name = unsafe { CStr::from_ptr(name) };
        let Some(i) = name.to_str().ok().and_then(|n| self.index(n)) else {
            return ENOENT.to_errno();
        };
        // SAFETY: the caller guarantees `buf` is valid for a page of writes
        // and nothing else accesses it during this call.
        let out = unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), GET_BUF_LEN) };
        let mut w = super::textbuf::TextBuf::new(out);
        let v = self.values[i].load(Ordering::Relaxed);
        if self.specs[i].format(v, &mut w).is_err() {
            return EINVAL.to_errno();
        }
        w.len() as c_int
    }
}

/// Defines the `<prefix>_rs_param_set()` and `<prefix>_rs_param_get()`
/// functions that `RFL_PARAM_OPS(prefix)` in the module's C glue calls.
/// With a fourth argument, a `fn() -> Result` that puts the values into
/// effect after each write (called under the kernel's parameter lock of
/// the module); a write it fails is undone.
macro_rules! export_params {
    ($params:expr, $set:ident, $get:ident) => {
        $crate::support::params::export_params!($params, $set, $get, || Ok(()));
    };
    ($params:expr, $set:ident, $get:ident, $apply:expr) => {
        /// Called by the kernel's parameter code for a write.
        ///
        /// # Safety
        ///
        /// `name` and `val` are NUL-terminated strings.
        #[no_mangle]
        pub unsafe extern "C" fn $set(
            name: *const core::ffi::c_char,
            val: *const core::ffi::c_char,
        ) -> core::ffi::c_int {
            // SAFETY: the C glue passes the kernel's valid parameter strings.
            unsafe { $params.c_set(name, val, $apply) }
        }

        /// Called by the kernel's parameter code for a read.
        ///
        /// # Safety
        ///
        /// `name` is a NUL-terminated string and `buf` a page.
        #[no_mangle]
        pub unsafe extern "C" fn $get(
            name: *const core::ffi::c_char,
            buf: *mut core::ffi::c_char,
        ) -> core::ffi::c_int {
            // SAFETY: the C glue passes the kernel's name and page buffer.
            unsafe { $params.c_get(name, buf) }
        }
    };
}
pub(crate) use export_params;
