// SPDX-License-Identifier: GPL-2.0

//! Moving the throttles on one device by what the cgroups with targets
//! there saw, and writing them to `io.max`.

use super::lineage::Lineage;
use super::record::{self, find, find_or_add, Record};
use super::verdicts::{missed, DeviceVerdicts};
use super::window::Active;
use crate::entry::Entry;
use crate::iolat::table::Counts;
use crate::iolat::throttle::{Signal, Throttle};
use crate::support::cgroup::Cgroup;
use kernel::prelude::*;

/// Moves the throttles on `dev` by the verdicts `v` there: of the
/// cgroups with IO in the window (`win` of the slots `active`), throttling
/// those a miss reaches, and of the throttled ones without IO. `elapsed`
/// is the window's length in ns.
pub(super) fn move_on_device(
    records: &mut KVec<Record>,
    win: &[Counts],
    dev: u32,
    active: &[Active],
    v: &DeviceVerdicts,
    live: &[(Entry, Cgroup)],
    elapsed: u64,
) -> Result {
    let seen = with_io(records, win, dev, active, v, elapsed)?;
    without_io(records, dev, &seen, v, live, elapsed);
    Ok(())
}

/// The cgroups with IO on `dev`, each once, with the window's rates;
/// returns their ids.
fn with_io(
    records: &mut KVec<Record>,
    win: &[Counts],
    dev: u32,
    active: &[Active],
    v: &DeviceVerdicts,
    elapsed: u64,
) -> Result<KVec<u64>> {
    let mut seen: KVec<u64> = KVec::new();
    for a in active
        .iter()
        .filter(|a| a.dev == dev && !a.lineage.is_root())
    {
        let id = a.lineage.id();
        if seen.contains(&id) {
            continue;
        }
        seen.push(id, GFP_KERNEL)?;
        let signal = v.signal(a.lineage.priority);
        let i = match find(records, id, dev) {
            Some(i) => i,
            None if missed(signal) => find_or_add(records, &a.cg, dev)?,
            None => continue,
        };
        let r = &mut records[i];
        if r.throttle.is_none() && missed(signal) {
            let far = signal == Signal::MissedFar;
            start(r, &window_counts(win, active, dev, id), far, elapsed);
        } else if r.throttle.is_some() {
            move_throttle(r, Some(signal), elapsed);
        }
    }
    Ok(seen)
}

/// The throttled cgroups on `dev` without IO in the window (not in
/// `seen`).
fn without_io(
    records: &mut [Record],
    dev: u32,
    seen: &[u64],
    v: &DeviceVerdicts,
    live: &[(Entry, Cgroup)],
    elapsed: u64,
) {
    for r in records.iter_mut() {
        if r.dev != dev || r.throttle.is_none() || seen.contains(&r.id) {
            continue;
        }
        if r.cg.online() {
            let p = Lineage::of(&r.cg, live).priority;
            move_throttle(r, Some(v.signal(p)), elapsed);
        } else {
            record::release(r);
        }
    }
}

/// What cgroup `id` did on `dev` in the window `win` of the slots
/// `active`.
fn window_counts(win: &[Counts], active: &[Active], dev: u32, id: u64) -> Counts {
    let mut w = Counts::zero();
    for b in active
        .iter()
        .filter(|b| b.dev == dev && b.lineage.id() == id)
    {
        w.add(&win[b.slot]);
    }
    w
}

/// Starts throttling the cgroup of `r`, which did `w` in a window of
/// `elapsed` ns, as a miss (`far`: by more than twice its aim) asks.
fn start(r: &mut Record, w: &Counts, far: bool, elapsed: u64) {
    let rate = |n: u64| n.saturating_mul(1_000_000_000) / elapsed;
    r.throttle = Some(Throttle::start(
        rate(w.total_bytes()),
        rate(w.total_ios()),
        far,
    ));
    move_throttle(r, None, elapsed);
}

/// Moves the throttle of `r` by `signal` (`None`: just started) and
/// writes the result.
fn move_throttle(r: &mut Record, signal: Option<Signal>, elapsed: u64) {
    let Some(mut t) = r.throttle else { return };
    if signal.is_some() {
        r.throttled_ns += elapsed;
    }
    let keep = signal.map_or(true, |s| t.step(s));
    if !keep {
        record::release(r);
        return;
    }
    r.throttle = Some(t);
    if record::apply(r).is_err() {
        // No io.max to write (no io controller, the device or the
        // cgroup gone): give up on this one.
        record::release(r);
    }
}
