// SPDX-License-Identifier: GPL-2.0

//! `rue.io.stat`: per device, the counts of a cgroup's subtree and what
//! rue did to the cgroup there.

use super::record::Record;
use super::window::NR_SLOTS;
use crate::iolat::stat::StatLine;
use crate::iolat::table::{Counts, IoTable, LostTable};
use crate::iolat::targets::Targets;
use crate::iolat::throttle::FULL;
use crate::support::cgroup::Cgroup;
use crate::support::textbuf::TextBuf;
use core::fmt;
use kernel::prelude::*;

/// Per device, the counts in `table` of the subtree of cgroup `id`. The
/// slots' cgroups are looked up in the reader's cgroup namespace, where
/// the cgroup's subtree is.
pub(super) fn subtree_counts(table: &IoTable<'_>, id: u64) -> Result<KVec<(u32, Counts)>> {
    let mut devs: KVec<(u32, Counts)> = KVec::new();
    for i in 0..NR_SLOTS {
        let Some((cg, dev)) = table.key(i) else {
            continue;
        };
        let mine = cg == id || Cgroup::from_id(cg).is_some_and(|c| c.within(id));
        if !mine {
            continue;
        }
        let k = match devs.iter().position(|(d, _)| *d == dev) {
            Some(k) => k,
            None => {
                devs.push((dev, Counts::zero()), GFP_KERNEL)?;
                devs.len() - 1
            }
        };
        table.read(i, &mut devs[k].1);
    }
    Ok(devs)
}

/// Writes the lines of cgroup `id` with targets `targets`: a line for each
/// device of `devs` (its counts), and for each other device on which
/// `records` say rue acted.
pub(super) fn write(
    mut devs: KVec<(u32, Counts)>,
    records: &[Record],
    lost: &LostTable,
    id: u64,
    targets: &Targets,
    w: &mut TextBuf<'_>,
) -> Result<fmt::Result> {
    for r in records.iter().filter(|r| r.id == id && r.dev != 0) {
        if !devs.iter().any(|(d, _)| *d == r.dev) {
            devs.push((r.dev, Counts::zero()), GFP_KERNEL)?;
        }
    }
    for (dev, counts) in devs.iter() {
        let r = records.iter().find(|r| r.id == id && r.dev == *dev);
        let line = StatLine {
            dev: *dev,
            counts,
            target_us: targets.get(*dev),
            missed: r.map_or(0, |r| r.missed),
            throttled_ms: r.map_or(0, |r| r.throttled_ns / 1_000_000),
            steps: r.map_or(0, |r| r.steps),
            share: r.and_then(|r| r.throttle).map_or(FULL, |t| t.share()),
            lost: lost.get(*dev),
        };
        if let Err(e) = line.format(w) {
            return Ok(Err(e));
        }
    }
    Ok(Ok(()))
}
