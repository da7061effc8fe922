// SPDX-License-Identifier: GPL-2.0

//! Judging the targets: what the cgroups with targets on one device saw in
//! a window, and the signal that gives each less important cgroup there.

use super::lineage::Lineage;
use super::record::{find_or_add, Record};
use super::window::Active;
use crate::entry::Entry;
use crate::iolat::buckets::NR_BUCKETS;
use crate::iolat::table::Counts;
use crate::iolat::targets::Targets;
use crate::iolat::throttle::Signal;
use crate::iolat::verdict::{Accum, Verdict};
use crate::support::cgroup::Cgroup;
use crate::support::vecutil;
use kernel::prelude::*;

/// A cgroup with a target.
pub(super) struct Target {
    targets: Targets,
    lineage: Lineage,
    cg: Cgroup,
}

/// The cgroups with targets among the live cgroups `live`.
pub(super) fn targets(live: &[(Entry, Cgroup)]) -> Result<KVec<Target>> {
    let mut targets = KVec::new();
    for (e, cg) in live.iter().filter(|(e, _)| !e.io_targets.is_empty()) {
        targets.push(
            Target {
                targets: e.io_targets,
                lineage: Lineage::of(cg, live),
                cg: cg.clone(),
            },
            GFP_KERNEL,
        )?;
    }
    Ok(targets)
}

/// What the cgroups with targets on one device saw in a window.
#[derive(Default)]
pub(super) struct DeviceVerdicts {
    /// The most important (smallest) effective priority that missed its
    /// target; that did IO lately; that has a verdict in this window; that
    /// met its target without room to spare.
    missed: Option<u32>,
    /// ... that missed it by more than twice its aim.
    missed_far: Option<u32>,
    active: Option<u32>,
    decided: Option<u32>,
    tight: Option<u32>,
}

/// Whether `s` is a miss.
pub(super) fn missed(s: Signal) -> bool {
    matches!(s, Signal::Missed | Signal::MissedFar)
}

fn min_opt(a: Option<u32>, b: u32) -> Option<u32> {
    Some(a.map_or(b, |a| a.min(b)))
}

impl DeviceVerdicts {
    /// The signal for a cgroup of effective priority `p`.
    pub(super) fn signal(&self, p: u32) -> Signal {
        if self.missed_far.is_some_and(|m| p > m) {
            Signal::MissedFar
        } else if self.missed.is_some_and(|m| p > m) {
            Signal::Missed
        } else if self.active.map_or(true, |a| p <= a) {
            Signal::Idle
        } else if self.decided.map_or(true, |d| p <= d) {
            Signal::Wait
        } else if self.tight.is_some_and(|t| t < p) {
            Signal::Hold
        } else {
            Signal::Room
        }
    }

    /// Takes in the verdict (`None`: undecided) of a cgroup of effective
    /// priority `p`; returns whether it missed its target.
    fn note(&mut self, verdict: Option<Verdict>, p: u32) -> bool {
        if verdict != Some(Verdict::Idle) {
            self.active = min_opt(self.active, p);
        }
        match verdict {
            None | Some(Verdict::Idle) => return false,
            Some(vd @ (Verdict::Missed | Verdict::MissedFar)) => {
                if vd == Verdict::MissedFar {
                    self.missed_far = min_opt(self.missed_far, p);
                }
                self.missed = min_opt(self.missed, p);
                self.tight = min_opt(self.tight, p);
            }
            Some(Verdict::Met) => self.tight = min_opt(self.tight, p),
            Some(Verdict::Room) => {}
        }
        self.decided = min_opt(self.decided, p);
        matches!(verdict, Some(Verdict::Missed | Verdict::MissedFar))
    }
}

/// The latency histogram of the window `win` on `dev` of the subtree of
/// cgroup `id`.
fn subtree_hist(win: &[Counts], active: &[Active], dev: u32, id: u64) -> [u64; NR_BUCKETS] {
    let mut hist = [0u64; NR_BUCKETS];
    for a in active
        .iter()
        .filter(|a| a.dev == dev && a.lineage.contains(id))
    {
        for (h, w) in hist.iter_mut().zip(win[a.slot].hist.iter()) {
            *h += w;
        }
    }
    hist
}

/// The accumulation of cgroup `id` on `dev` in `accums`, added if new.
fn accum(accums: &mut KVec<(u64, u32, Accum)>, id: u64, dev: u32) -> Result<&mut Accum> {
    let k = match accums.iter().position(|(i, d, _)| *i == id && *d == dev) {
        Some(k) => k,
        None => {
            accums.push((id, dev, Accum::new()), GFP_KERNEL)?;
            accums.len() - 1
        }
    };
    Ok(&mut accums[k].2)
}

/// Judges the targets on `dev` with the window `win` of the slots
/// `active`, counting misses in `records`.
pub(super) fn judge(
    accums: &mut KVec<(u64, u32, Accum)>,
    records: &mut KVec<Record>,
    win: &[Counts],
    dev: u32,
    active: &[Active],
    targets: &[Target],
) -> Result<DeviceVerdicts> {
    let mut v = DeviceVerdicts::default();
    for t in targets {
        let l = &t.lineage;
        let us = t.targets.get(dev);
        if us == 0 {
            continue;
        }
        let hist = subtree_hist(win, active, dev, l.id());
        let verdict = accum(accums, l.id(), dev)?.add(&hist, u64::from(us));
        if v.note(verdict, l.priority) {
            let i = find_or_add(records, &t.cg, dev)?;
            records[i].missed += 1;
        }
    }
    Ok(v)
}

/// Forgets the accumulations of cgroups that no longer have a target.
pub(super) fn forget_untargeted(accums: &mut KVec<(u64, u32, Accum)>, live: &[(Entry, Cgroup)]) {
    let mut k = 0;
    while k < accums.len() {
        let id = accums[k].0;
        if live
            .iter()
            .any(|(e, _)| e.id == id && !e.io_targets.is_empty())
        {
            k += 1;
        } else {
            vecutil::swap_remove(accums, k);
        }
    }
}
