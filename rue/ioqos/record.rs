// SPDX-License-Identifier: GPL-2.0

//! What rue did on one device to one cgroup, and putting back the
//! `io.max` line it wrote there.

use crate::cgroup::OwnFiles;
use crate::iolat::iomax::IoMax;
use crate::iolat::throttle::Throttle;
use crate::support::cgroup::Cgroup;
use crate::support::textbuf::TextBuf;
use crate::support::vecutil;
use kernel::prelude::*;

/// The longest `io.max` file rue reads (a longer one is not throttled).
const FILE_MAX: usize = 16384;

/// What rue did on one device to one cgroup (`dev` 0: its
/// `io.prio.class`), and what it saw.
pub(super) struct Record {
    /// The cgroup, referenced: what rue wrote goes back to this cgroup
    /// only, never to a later one of the same name.
    pub(super) cg: Cgroup,
    pub(super) id: u64,
    pub(super) dev: u32,
    /// Windows in which the cgroup missed its target here.
    pub(super) missed: u64,
    pub(super) throttle: Option<Throttle>,
    /// The cgroup's `io.max` line for `dev` before rue wrote it, and what
    /// rue wrote.
    original: IoMax,
    applied: Option<IoMax>,
    pub(super) throttled_ns: u64,
    pub(super) steps: u64,
    /// The `io.prio.class` before rue wrote `idle`.
    pub(super) class: Option<([u8; 16], usize)>,
}

impl Record {
    pub(super) fn new(cg: Cgroup, dev: u32) -> Self {
        Self {
            id: cg.id(),
            cg,
            dev,
            missed: 0,
            throttle: None,
            original: IoMax::default(),
            applied: None,
            throttled_ns: 0,
            steps: 0,
            class: None,
        }
    }
}

/// The `io.max` line of `dev` of `cg` as it is now.
fn read_io_max(cg: &Cgroup, dev: u32) -> Result<IoMax> {
    let mut buf = KVVec::from_elem(0u8, FILE_MAX, GFP_KERNEL)?;
    let n = cg.read_file(c"io.max", &mut buf)?;
    IoMax::parse(&buf[..n], dev).map_err(|_| EINVAL)
}

fn write_io_max(cg: &Cgroup, dev: u32, m: &IoMax) -> Result {
    let mut text = [0u8; 128];
    let mut w = TextBuf::new(&mut text);
    m.format(dev, &mut w).map_err(|_| EINVAL)?;
    let n = w.len();
    cg.write_file(c"io.max", &text[..n])
}

/// Applies the throttle of `r` to its cgroup's `io.max`.
pub(super) fn apply(r: &mut Record) -> Result {
    let Some(t) = r.throttle else {
        return Ok(());
    };
    let now = read_io_max(&r.cg, r.dev)?;
    match r.applied {
        // A user wrote it meanwhile: that is the value to return to.
        Some(a) if a != now => r.original = now,
        None => r.original = now,
        _ => {}
    }
    let want = IoMax::from_limits(t.limits()).min(&r.original);
    if want != now {
        write_io_max(&r.cg, r.dev, &want)?;
        r.steps += 1;
    }
    r.applied = Some(want);
    Ok(())
}

/// Puts back the `io.max` line of `r` (unless a user changed it since, or
/// the cgroup is gone).
pub(super) fn release(r: &mut Record) {
    r.throttle = None;
    let Some(applied) = r.applied.take() else {
        return;
    };
    if read_io_max(&r.cg, r.dev).is_ok_and(|now| now == applied) {
        let _ = write_io_max(&r.cg, r.dev, &r.original);
    }
}

pub(super) fn find(records: &[Record], id: u64, dev: u32) -> Option<usize> {
    records.iter().position(|r| r.id == id && r.dev == dev)
}

pub(super) fn find_or_add(records: &mut KVec<Record>, cg: &Cgroup, dev: u32) -> Result<usize> {
    if let Some(i) = find(records, cg.id(), dev) {
        return Ok(i);
    }
    records.push(Record::new(cg.clone(), dev), GFP_KERNEL)?;
    Ok(records.len() - 1)
}

/// Forgets records of removed cgroups, and records with nothing left
/// to put back or to show.
pub(super) fn sweep(records: &mut KVec<Record>) {
    let mut i = 0;
    while i < records.len() {
        let r = &records[i];
        let gone = !r.cg.online();
        let empty = r.dev == 0 && r.class.is_none();
        if gone || empty {
            vecutil::swap_remove(records, i);
        } else {
            i += 1;
        }
    }
}
