// SPDX-License-Identifier: GPL-2.0

//! rue's files in every `cgroup/<path>/` directory of cgroupfs mounts.

use crate::entry::Entry;
use crate::iolat::targets::{self, TargetError};
use crate::ioqos;
use crate::memqos::{self, AsyncMarks};
use crate::settings::Settings;
use crate::support::cgroupfs_files::{CallCgroup, CgroupFiles, FileSet, FileSpec};
use crate::support::kparam::{parse_u32_in, ParseError};
use crate::support::textbuf::TextBuf;
use core::ffi::CStr;
use core::fmt::{self, Write};
use kernel::prelude::*;

/// What a file shows, and what a write to it sets.
#[derive(Clone, Copy)]
enum Kind {
    Priority,
    EffectivePriority,
    AsyncRatio,
    DistanceFactor,
    AsyncHigh,
    AsyncLow,
    Stat,
    IoTarget,
    IoStat,
}

const FILES: [(&CStr, Kind, u16); 9] = [
    (c"rue.priority", Kind::Priority, 0o644),
    (c"rue.priority.effective", Kind::EffectivePriority, 0o444),
    (c"rue.memory.async_ratio", Kind::AsyncRatio, 0o644),
    (
        c"rue.memory.async_distance_factor",
        Kind::DistanceFactor,
        0o644,
    ),
    (c"rue.memory.async_high", Kind::AsyncHigh, 0o444),
    (c"rue.memory.async_low", Kind::AsyncLow, 0o444),
    (c"rue.memory.stat", Kind::Stat, 0o444),
    (c"rue.io.latency_target_us", Kind::IoTarget, 0o644),
    (c"rue.io.stat", Kind::IoStat, 0o444),
];

/// The longest write a file takes, as cgroup files (a page); longer ones
/// fail with `E2BIG`.
const MAX_WRITE: usize = 4096;

/// rue's registered files.
pub(crate) type Files = FileSet<Settings>;

/// The async reclaim marks of `cg` with settings `e`; `None` when async
/// reclaim is off for it or it has no memory controller of its own.
fn marks(cg: CallCgroup, e: &Entry) -> Option<AsyncMarks> {
    let mem = cg.cgroup().memory().ok()?;
    memqos::async_marks(e.async_ratio, e.distance_factor, mem.high, mem.max)
}

fn render(w: &mut TextBuf<'_>, kind: Kind, s: &Settings, cg: CallCgroup) -> Result<fmt::Result> {
    let e = s.get(cg.id);
    Ok(match kind {
        Kind::Priority => writeln!(w, "{}", e.priority),
        Kind::EffectivePriority => {
            let mut p = 0;
            cg.cgroup()
                .for_each_ancestor_id(|a| p = memqos::effective_priority([p, s.get(a).priority]));
            writeln!(w, "{p}")
        }
        Kind::AsyncRatio => writeln!(w, "{}", e.async_ratio),
        Kind::DistanceFactor => writeln!(w, "{}", e.distance_factor),
        Kind::AsyncHigh => memqos::format_mark(w, marks(cg, &e).map(|m| m.high)),
        Kind::AsyncLow => memqos::format_mark(w, marks(cg, &e).map(|m| m.low)),
        Kind::Stat => {
            writeln!(w, "async_reclaimed {}", e.async_reclaimed)?;
            writeln!(w, "prio_reclaimed {}", e.prio_reclaimed)?;
            writeln!(w, "prio_oom {}", e.prio_oom)
        }
        Kind::IoTarget => e.io_targets.format(w),
        Kind::IoStat => return s.io.show_stat(cg.id, &e.io_targets, w),
    })
}

impl CgroupFiles for Settings {
    fn show(&self, index: usize, cg: CallCgroup, out: &mut TextBuf<'_>) -> Result<fmt::Result> {
        render(out, FILES.get(index).ok_or(EINVAL)?.1, self, cg)
    }

    /// The settings: one number in the file's range, or target lines. An
    /// empty write changes nothing; a longer one than [`MAX_WRITE`] fails
    /// with `E2BIG`. The root cgroup keeps priority 0: a priority there
    /// would reach every cgroup.
    fn write(&self, index: usize, cg: CallCgroup, input: &[u8]) -> Result {
        let kind = FILES.get(index).ok_or(EINVAL)?.1;
        if !matches!(
            kind,
            Kind::Priority | Kind::AsyncRatio | Kind::DistanceFactor | Kind::IoTarget
        ) {
            return Err(EACCES);
        }
        if input.len() > MAX_WRITE {
            return Err(E2BIG);
        }
        if input.is_empty() {
            return Ok(());
        }
        let target_err = |err| match err {
            TargetError::Parse(ParseError::Invalid) | TargetError::NoDevice => EINVAL,
            TargetError::Parse(ParseError::Range) => ERANGE,
            TargetError::Full => ENOSPC,
        };
        let (min, max) = match kind {
            Kind::IoTarget => {
                // Outside the settings' lock: looking a device up may wait.
                targets::check_devices(input, ioqos::is_whole_disk).map_err(target_err)?;
                return self.try_update(cg.id, |e| {
                    e.io_targets = e.io_targets.apply(input).map_err(target_err)?;
                    Ok(())
                });
            }
            Kind::Priority => (0, memqos::MAX_PRIORITY),
            Kind::AsyncRatio => (0, memqos::MAX_ASYNC_RATIO),
            _ => (memqos::MIN_DISTANCE_FACTOR, memqos::MAX_DISTANCE_FACTOR),
        };
        let v = parse_u32_in(input, min, max).map_err(|e| match e {
            ParseError::Invalid => EINVAL,
            ParseError::Range => ERANGE,
        })?;
        if matches!(kind, Kind::Priority) && v != 0 && cg.cgroup().is_root() {
            return Err(EINVAL);
        }
        self.try_update(cg.id, |e| {
            let (ratio, factor) = match kind {
                Kind::Priority => (e.async_ratio, e.distance_factor),
                Kind::AsyncRatio => (v, e.distance_factor),
                _ => (e.async_ratio, v),
            };
            // A low mark of 0: every pass would reclaim all the cgroup has.
            if !memqos::async_pair_ok(ratio, factor) {
                return Err(EINVAL);
            }
            match kind {
                Kind::Priority => e.priority = v,
                Kind::AsyncRatio => e.async_ratio = v,
                _ => e.distance_factor = v,
            }
            Ok(())
        })
    }
}

/// Registers the files, served from `settings`.
///
/// # Safety
///
/// `settings` stays valid until the returned value is dropped.
pub(crate) unsafe fn register(
    module: &'static ThisModule,
    settings: *const Settings,
) -> Result<Files> {
    let mut specs = KVec::with_capacity(FILES.len(), GFP_KERNEL)?;
    for (name, _, mode) in FILES {
        specs.push(FileSpec { name, mode }, GFP_KERNEL)?;
    }
    // SAFETY: the caller's guarantee.
    unsafe { FileSet::register(module, &specs, settings) }
}
