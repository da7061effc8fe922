// SPDX-License-Identifier: GPL-2.0

//! The views of pressure and IO: `pressure/{cpu,memory,io}` and
//! `diskstats`.

use super::whose::ViewCgroup;
use crate::diskstats;
use crate::kfiles::{read_cg, read_host};
use crate::state::State;
use crate::text::{as_str, Text};
use crate::tree::View;
use core::fmt::Write;
use kernel::prelude::*;

/// `pressure/*`: the PSI file of `vc`, or of the root cgroup, whose files
/// are the system-wide PSI, the same as `/proc/pressure/*` (which cannot
/// be read from the kernel: procfs gives it no `read_iter`).
pub(crate) fn pressure(src: &State, view: View, vc: Option<&ViewCgroup>, out: &mut Text) -> Result {
    let file = match view {
        View::PressureCpu => "cpu.pressure",
        View::PressureMemory => "memory.pressure",
        _ => "io.pressure",
    };
    let root: &[u8] = b"";
    let path = vc.map_or(root, |vc| &vc.path[..]);
    let text = read_cg(&src.cgroup, path, file)?.ok_or(ENOENT)?;
    out.append(&text)
}

/// `diskstats`: a row per device `vc` did IO on, with its counts; the
/// host's without the io controller.
pub(crate) fn diskstats(src: &State, vc: Option<&ViewCgroup>, out: &mut Text) -> Result {
    let host = read_host(&src.proc, kernel::c_str!("diskstats"))?;
    let host = as_str(&host)?;
    let io = match vc {
        Some(vc) => read_cg(&src.cgroup, &vc.path, "io.stat")?,
        None => None,
    };
    let Some(io) = io else {
        return out.write_str(host).map_err(|_| ENOMEM);
    };
    let io = as_str(&io)?;
    diskstats::render(host, io, out).map_err(|_| ENOMEM)
}
