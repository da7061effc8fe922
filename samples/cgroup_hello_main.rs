// SPDX-License-Identifier: GPL-2.0

//! cgroup_hello: a small third-party module built beside the project's.
//!
//! It shows the patterns every module here follows:
//!
//! - a Rust crate root with `module!`, and a C file of thin wrappers for
//!   kernel functions the `kernel` crate does not offer, each wrapped once
//!   in a safe Rust function: on load it logs the cgroup v2 path of the
//!   task that loaded it and how deep that cgroup is, e.g.
//!   `cgroup_hello: loaded from /demo/a (depth 2)`;
//! - a per-cgroup file added to every `cgroup/<path>/` directory of
//!   cgroupfs mounts through cgroupfs's registration API:
//!   `hello.greeting` reads `<greeting> from cgroup <id>` and takes a new
//!   greeting (1 to 31 printable characters) on write.

use core::ffi::{c_char, c_int, c_long, c_uint, c_void};
use core::ptr::NonNull;
use kernel::prelude::*;
use kernel::sync::{new_mutex, Mutex};

#[path = "../common/cgroupfs_api.rs"]
mod cgroupfs_api;
use cgroupfs_api::CgroupfsFile;

module! {
    type: CgroupHello,
    name: "cgroup_hello",
    author: "The rfl-cloudnative authors",
    description: "Sample: logs the cgroup of the task that loads it; per-cgroup file",
    license: "GPL",
}

extern "C" {
    fn cgroup_hello_glue_current_cgroup_path(buf: *mut c_char, len: usize) -> c_int;
    fn cgroupfs_register_files(
        owner: *mut c_void,
        files: *const CgroupfsFile,
        nr: c_uint,
    ) -> *mut c_void;
    fn cgroupfs_unregister_files(handle: *mut c_void);
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

const MAX_GREETING: usize = 31;

/// The greeting `hello.greeting` shows.
#[pin_data]
struct Greeting {
    #[pin]
    text: Mutex<([u8; MAX_GREETING], usize)>,
}

/// Parses a written greeting: 1 to 31 printable ASCII characters, one
/// trailing newline allowed.
fn parse_greeting(data: &[u8]) -> Result<&[u8]> {
    let data = data.strip_suffix(b"\n").unwrap_or(data);
    let ok = !data.is_empty()
        && data.len() <= MAX_GREETING
        && data.iter().all(|b| b.is_ascii_graphic() || *b == b' ');
    if ok {
        Ok(data)
    } else {
        Err(EINVAL)
    }
}

/// `show` of `hello.greeting`.
///
/// # Safety
///
/// Called by cgroupfs with `data` from our registration and `buf` writable
/// for `size` bytes.
unsafe extern "C" fn greeting_show(
    data: *mut c_void,
    _cgrp: *mut c_void,
    id: u64,
    buf: *mut c_char,
    size: usize,
) -> c_long {
    // SAFETY: `data` is the pinned `Greeting` we registered; it outlives the
    // registration.
    let g = unsafe { &*data.cast::<Greeting>() };
    // SAFETY: cgroupfs passes a buffer writable for `size` bytes.
    let out = unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), size) };
    let text = g.text.lock();
    let greeting = core::str::from_utf8(&text.0[..text.1]).unwrap_or("?");
    let mut w = Cursor { buf: out, len: 0 };
    if core::fmt::write(&mut w, format_args!("{greeting} from cgroup {id}\n")).is_err() {
        return ENOSPC.to_errno() as c_long;
    }
    w.len as c_long
}

/// `write` of `hello.greeting`.
///
/// # Safety
///
/// Called by cgroupfs with `data` from our registration and `buf` readable
/// for `len` bytes.
unsafe extern "C" fn greeting_write(
    data: *mut c_void,
    _cgrp: *mut c_void,
    _id: u64,
    buf: *const c_char,
    len: usize,
) -> c_long {
    // SAFETY: as in `greeting_show`.
    let g = unsafe { &*data.cast::<Greeting>() };
    // SAFETY: cgroupfs passes `len` readable bytes.
    let input = unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), len) };
    match parse_greeting(input) {
        Ok(new) => {
            let mut text = g.text.lock();
            text.0[..new.len()].copy_from_slice(new);
            text.1 = new.len();
            0
        }
        Err(e) => e.to_errno() as c_long,
    }
}

/// A `fmt::Write` into a byte slice that fails when full.
struct Cursor<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl core::fmt::Write for Cursor<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        self.buf
            .get_mut(self.len..end)
            .ok_or(core::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// The registered `hello.greeting` file; unregistered on drop.
///
/// # Invariants
///
/// `handle` is a live registration whose `data` points into `greeting`.
struct HelloFile {
    handle: NonNull<c_void>,
    _files: KBox<[CgroupfsFile; 1]>,
    _greeting: Pin<KBox<Greeting>>,
}

// SAFETY: the handle and pointers are only used to unregister, from any thread.
unsafe impl Send for HelloFile {}
// SAFETY: no shared access happens through `&HelloFile`.
unsafe impl Sync for HelloFile {}

impl HelloFile {
    fn register(module: &'static ThisModule) -> Result<Self> {
        let mut initial = [0u8; MAX_GREETING];
        initial[..5].copy_from_slice(b"hello");
        let greeting = KBox::pin_init(
            pin_init!(Greeting { text <- new_mutex!((initial, 5)) }),
            GFP_KERNEL,
        )?;
        let data = (&*greeting as *const Greeting).cast_mut().cast::<c_void>();
        let files = KBox::new(
            [CgroupfsFile {
                name: c"hello.greeting".as_ptr(),
                mode: 0o644,
                show: Some(greeting_show),
                write: Some(greeting_write),
                data,
            }],
            GFP_KERNEL,
        )?;
        // SAFETY: `files`, its name and `greeting` stay valid and pinned
        // until `drop()` unregisters; `module` is this module.
        let handle = unsafe { cgroupfs_register_files(module.as_ptr().cast(), files.as_ptr(), 1) };
        let handle = kernel::error::from_err_ptr(handle)?;
        // INVARIANT: registration succeeded with `data` into `greeting`.
        Ok(Self {
            handle: NonNull::new(handle).ok_or(EINVAL)?,
            _files: files,
            _greeting: greeting,
        })
    }
}

impl Drop for HelloFile {
    fn drop(&mut self) {
        // SAFETY: by the type invariant `handle` is live; unregistering waits
        // for calls in flight before the fields are freed.
        unsafe { cgroupfs_unregister_files(self.handle.as_ptr()) };
    }
}

struct CgroupHello {
    _file: HelloFile,
}

impl kernel::Module for CgroupHello {
    fn init(module: &'static ThisModule) -> Result<Self> {
        let mut buf = [0u8; 256];
        let path = current_cgroup_path(&mut buf)?;
        pr_info!("loaded from {} (depth {})\n", path, depth(path));
        Ok(CgroupHello {
            _file: HelloFile::register(module)?,
        })
    }
}
