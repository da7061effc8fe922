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
//!   cgroupfs mounts through cgroupfs's registration API, with the safe
//!   `FileSet` and `CgroupFiles` of `support/cgroupfs_files.rs`:
//!   `hello.greeting` reads `<greeting> from cgroup <id>` and takes a new
//!   greeting (1 to 31 printable characters) on write.

use core::fmt::{self, Write};
use kernel::prelude::*;
use kernel::sync::{new_mutex, Mutex};

#[path = "../support/mod.rs"]
mod support;
use support::cgroup::Cgroup;
use support::cgroupfs_files::{CallCgroup, CgroupFiles, FileSet, FileSpec};
use support::textbuf::TextBuf;

module! {
    type: CgroupHello,
    name: "cgroup_hello",
    author: "The rfl-cloudnative authors",
    description: "Sample: logs the cgroup of the task that loads it; per-cgroup file",
    license: "GPL",
}

/// The current task's cgroup v2 path, as its cgroup namespace sees it.
fn current_cgroup_path() -> Result<KVec<u8>> {
    let own = Cgroup::current().ok_or(ENOENT)?;
    own.path(&Cgroup::current_ns_root().ok_or(ENOENT)?)
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

impl CgroupFiles for Greeting {
    /// `hello.greeting`: `<greeting> from cgroup <id>`.
    fn show(&self, _index: usize, cg: CallCgroup, out: &mut TextBuf<'_>) -> Result<fmt::Result> {
        let text = self.text.lock();
        let greeting = core::str::from_utf8(&text.0[..text.1]).unwrap_or("?");
        Ok(writeln!(out, "{greeting} from cgroup {}", cg.id))
    }

    /// A new greeting.
    fn write(&self, _index: usize, _cg: CallCgroup, input: &[u8]) -> Result {
        let new = parse_greeting(input)?;
        let mut text = self.text.lock();
        text.0[..new.len()].copy_from_slice(new);
        text.1 = new.len();
        Ok(())
    }
}

/// The registered `hello.greeting` file and its greeting; unregistered on
/// drop (the file first: fields drop in order).
struct HelloFile {
    _files: FileSet<Greeting>,
    _greeting: Pin<KBox<Greeting>>,
}

impl HelloFile {
    fn register(module: &'static ThisModule) -> Result<Self> {
        let mut initial = [0u8; MAX_GREETING];
        initial[..5].copy_from_slice(b"hello");
        let greeting = KBox::pin_init(
            pin_init!(Greeting { text <- new_mutex!((initial, 5)) }),
            GFP_KERNEL,
        )?;
        let specs = [FileSpec {
            name: c"hello.greeting",
            mode: 0o644,
        }];
        // SAFETY: the greeting is pinned and dropped after the files.
        let files = unsafe { FileSet::register(module, &specs, &*greeting)? };
        Ok(Self {
            _files: files,
            _greeting: greeting,
        })
    }
}

struct CgroupHello {
    _file: HelloFile,
}

impl kernel::Module for CgroupHello {
    fn init(module: &'static ThisModule) -> Result<Self> {
        let path = current_cgroup_path()?;
        let path = core::str::from_utf8(&path).map_err(|_| EINVAL)?;
        pr_info!("loaded from {} (depth {})\n", path, depth(path));
        Ok(CgroupHello {
            _file: HelloFile::register(module)?,
        })
    }
}
