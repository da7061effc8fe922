// SPDX-License-Identifier: GPL-2.0

//! Priorities and asynchronous reclaim: the arithmetic.
//!
//! Pure logic, compiled into the module and on the host.

use core::fmt::{self, Write};

/// The least important priority; 0 is the most important.
pub(crate) const MAX_PRIORITY: u32 = 7;
/// The largest `rue.memory.async_ratio`, in percent.
pub(crate) const MAX_ASYNC_RATIO: u32 = 100;
/// `rue.memory.async_distance_factor`: range and default, in millionths of
/// the limit async reclaim is based on.
pub(crate) const MIN_DISTANCE_FACTOR: u32 = 1;
pub(crate) const MAX_DISTANCE_FACTOR: u32 = 150_000;
pub(crate) const DEFAULT_DISTANCE_FACTOR: u32 = 50_000;

/// No limit: `memory.high` or `memory.max` set to `max`.
pub(crate) const UNLIMITED: u64 = u64::MAX;

/// The effective priority of a cgroup whose own and ancestors' configured
/// priorities are `chain`: the numerically largest (a child is never more
/// important than its parent).
pub(crate) fn effective_priority(chain: impl IntoIterator<Item = u32>) -> u32 {
    chain.into_iter().max().unwrap_or(0)
}

/// Where asynchronous reclaim starts and where it stops, in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AsyncMarks {
    /// Reclaim starts when usage exceeds this: `ratio`% of the limit.
    pub(crate) high: u64,
    /// ... and brings usage down to this: `high` less `factor` millionths
    /// of the limit.
    pub(crate) low: u64,
}

/// The marks of a cgroup with `memory.high` `high` and `memory.max` `max`
/// (bytes, [`UNLIMITED`] for none): based on `memory.high`, or on
/// `memory.max` when `memory.high` is unlimited. `None` when async reclaim
/// is off: a ratio of 0, or no limit at all.
pub(crate) fn async_marks(ratio: u32, factor: u32, high: u64, max: u64) -> Option<AsyncMarks> {
    let limit = if high != UNLIMITED { high } else { max };
    if ratio == 0 || limit == UNLIMITED {
        return None;
    }
    // n/d of the limit, without overflow or 128-bit division (which the
    // kernel does not offer): n <= d here.
    let part = |n: u64, d: u64| (limit / d).saturating_mul(n) + limit % d * n / d;
    let high = part(u64::from(ratio.min(MAX_ASYNC_RATIO)), 100);
    Some(AsyncMarks {
        high,
        low: high.saturating_sub(part(u64::from(factor), 1_000_000)),
    })
}

/// Whether `rue.memory.async_ratio` `ratio` and
/// `rue.memory.async_distance_factor` `factor` make a usable pair: async
/// reclaim off (ratio 0), or a low mark above 0, whatever the limit. A
/// distance as large as the high mark would have every pass reclaim the
/// cgroup's whole memory.
pub(crate) fn async_pair_ok(ratio: u32, factor: u32) -> bool {
    // high = ratio / 100 of the limit, distance = factor / 1_000_000 of it.
    ratio == 0 || u64::from(ratio) * 10_000 > u64::from(factor)
}

/// How many bytes to reclaim from a cgroup using `usage` bytes: down to the
/// low mark once usage is above the high mark, else nothing.
pub(crate) fn async_reclaim_bytes(usage: u64, marks: Option<AsyncMarks>) -> u64 {
    match marks {
        Some(m) if usage > m.high => usage - m.low,
        _ => 0,
    }
}

/// The free memory priority reclaim keeps: `ratio` percent of `total`.
pub(crate) fn reserve(total: u64, ratio: u32) -> u64 {
    total / 100 * u64::from(ratio) + total % 100 * u64::from(ratio) / 100
}

/// Priority reclaim's plan, from one pass (every 100 ms) to the next.
///
/// Idle while free memory is at or above the reserve. Under it, a pass
/// reclaims from the cgroups of priority 7 first; a pass that could not get
/// all it asked from the cgroups within reach (their memory.reclaim gave
/// up: nothing left to take) widens the reach by one priority for the next,
/// down to `highest` (the most important priority it may touch; 8: none).
/// Back at the reserve, it starts over from 7.
///
/// While less than half the reserve is missing, a pass asks for at most
/// 1/[`PACE`] of the reserve: an allocation burst of the workloads the
/// reserve is for is refilled behind them at a steady rate, not in one
/// piece beside them. With more missing, a pass asks for all of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PrioReclaim {
    /// The most important priority the last pass reclaimed from;
    /// `MAX_PRIORITY + 1` when idle.
    level: u32,
    /// The last pass got less than it asked for.
    short: bool,
}

/// Below half the reserve missing, a pass asks for at most this fraction
/// of the reserve.
pub(crate) const PACE: u64 = 32;

impl PrioReclaim {
    pub(crate) const fn new() -> Self {
        Self {
            level: MAX_PRIORITY + 1,
            short: false,
        }
    }

    /// The plan `to_bits()` returned.
    pub(crate) const fn from_bits(bits: u32) -> Self {
        Self {
            level: bits & 0xff,
            short: bits & 0x100 != 0,
        }
    }

    /// The plan as bits, to keep between passes.
    pub(crate) const fn to_bits(self) -> u32 {
        self.level | (self.short as u32) << 8
    }

    /// One pass with `free` bytes free of a `reserve`: the most important
    /// priority to reclaim from now and how many bytes, or `None`.
    pub(crate) fn step(&mut self, free: u64, reserve: u64, highest: u32) -> Option<(u32, u64)> {
        if free >= reserve {
            *self = Self::new();
            return None;
        }
        if self.level > MAX_PRIORITY {
            self.level = MAX_PRIORITY;
        } else if self.short && self.level > highest {
            self.level -= 1;
        }
        let missing = reserve - free;
        let ask = if missing > reserve / 2 {
            missing
        } else {
            missing.min((reserve / PACE).max(1))
        };
        (self.level >= highest).then_some((self.level, ask))
    }

    /// Tells what the pass that `step()` planned got: all it asked for or not.
    pub(crate) fn done(&mut self, all: bool) {
        self.short = !all;
    }
}

/// The `oom_score_adj` of processes the OOM killer never chooses.
pub(crate) const OOM_SCORE_ADJ_MIN: i64 = -1000;

/// A cgroup with processes the OOM killer may kill, as priority OOM weighs
/// it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OomCandidate {
    pub(crate) id: u64,
    /// Effective priority.
    pub(crate) priority: u32,
    /// Memory usage in bytes.
    pub(crate) usage: u64,
}

/// The cgroup whose processes a global OOM should kill: the numerically
/// largest effective priority, the largest usage breaking ties. `None`
/// when none is less important than priority 0: the kernel's own choice
/// stands.
pub(crate) fn oom_victim(candidates: impl IntoIterator<Item = OomCandidate>) -> Option<u64> {
    candidates
        .into_iter()
        .filter(|c| c.priority > 0)
        .max_by_key(|c| (c.priority, c.usage))
        .map(|c| c.id)
}

/// The OOM killer's badness of a process holding `pages` pages (RSS, swap
/// entries, page tables) with `oom_score_adj` `adj`, of `total_pages` of
/// memory: as `oom_badness()` computes it.
pub(crate) fn oom_badness(pages: u64, adj: i64, total_pages: u64) -> i64 {
    let pages = i64::try_from(pages).unwrap_or(i64::MAX);
    let unit = i64::try_from(total_pages / 1000).unwrap_or(i64::MAX);
    pages.saturating_add(adj.saturating_mul(unit))
}

/// Of `(key, pages, oom_score_adj)` of processes, the key of the one the
/// OOM killer would choose: the largest badness (see [`oom_badness`]),
/// the last of equals as the kernel's walk takes it.
pub(crate) fn oom_process(
    procs: impl IntoIterator<Item = (usize, u64, i64)>,
    total_pages: u64,
) -> Option<usize> {
    let mut best: Option<(i64, usize)> = None;
    for (key, pages, adj) in procs {
        let b = oom_badness(pages, adj, total_pages);
        if best.map_or(true, |(bb, _)| b >= bb) {
            best = Some((b, key));
        }
    }
    best.map(|(_, key)| key)
}

/// Writes a mark as `rue.memory.async_high`/`_low` show it: bytes, or
/// `max` when async reclaim is off.
pub(crate) fn format_mark(w: &mut dyn Write, mark: Option<u64>) -> fmt::Result {
    match mark {
        Some(b) => writeln!(w, "{b}"),
        None => writeln!(w, "max"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::string::String;

    const M: u64 = 1 << 20;

    #[test]
    fn effective_is_the_least_important() {
        assert_eq!(effective_priority([]), 0);
        assert_eq!(effective_priority([0, 3, 1]), 3);
        assert_eq!(effective_priority([7, 0]), 7);
    }

    #[test]
    fn marks_from_high_or_max() {
        // memory.high 64M, ratio 50: starts at 32M.
        let m = async_marks(50, 50_000, 64 * M, UNLIMITED).unwrap();
        assert_eq!(m.high, 32 * M);
        assert_eq!(m.low, 32 * M - 64 * M / 20);
        // memory.high unlimited: from memory.max.
        let m = async_marks(50, 100_000, UNLIMITED, 100 * M).unwrap();
        assert_eq!(m.high, 50 * M);
        assert_eq!(m.low, 40 * M);
        // Off.
        assert_eq!(async_marks(0, 50_000, 64 * M, 100 * M), None);
        assert_eq!(async_marks(50, 50_000, UNLIMITED, UNLIMITED), None);
        // A distance larger than the mark stops at 0.
        let m = async_marks(1, 150_000, 64 * M, UNLIMITED).unwrap();
        assert_eq!(m.low, 0);
        // Huge limits do not overflow.
        let m = async_marks(100, 150_000, u64::MAX - 1, UNLIMITED).unwrap();
        assert_eq!(m.high, u64::MAX - 1);
    }

    #[test]
    fn pairs_with_a_low_mark_of_zero_are_refused() {
        assert!(async_pair_ok(0, MAX_DISTANCE_FACTOR));
        assert!(async_pair_ok(50, DEFAULT_DISTANCE_FACTOR));
        // 5% less 5%: nothing left.
        assert!(!async_pair_ok(5, DEFAULT_DISTANCE_FACTOR));
        assert!(async_pair_ok(6, DEFAULT_DISTANCE_FACTOR));
        assert!(!async_pair_ok(1, 10_000));
        assert!(async_pair_ok(1, 9_999));
        assert!(!async_pair_ok(15, MAX_DISTANCE_FACTOR));
        assert!(async_pair_ok(MAX_ASYNC_RATIO, MAX_DISTANCE_FACTOR));
        // Every accepted pair leaves a low mark above 0 for a real limit.
        for ratio in 1..=MAX_ASYNC_RATIO {
            for factor in [1, 9_999, 10_000, 50_000, 149_999, MAX_DISTANCE_FACTOR] {
                let m = async_marks(ratio, factor, 64 * M, UNLIMITED).unwrap();
                assert_eq!(async_pair_ok(ratio, factor), m.low > 0, "{ratio} {factor}");
            }
        }
    }

    #[test]
    fn reclaim_amounts() {
        let m = async_marks(50, 50_000, 64 * M, UNLIMITED);
        assert_eq!(async_reclaim_bytes(30 * M, m), 0);
        assert_eq!(async_reclaim_bytes(32 * M, m), 0);
        assert_eq!(async_reclaim_bytes(60 * M, m), 60 * M - m.unwrap().low);
        assert_eq!(async_reclaim_bytes(60 * M, None), 0);
    }

    #[test]
    fn reserve_is_a_percentage() {
        assert_eq!(reserve(1000 * M, 5), 50 * M);
        assert_eq!(reserve(u64::MAX, 20), u64::MAX / 5);
    }

    #[test]
    fn priority_reclaim_widens_while_pressure_persists() {
        let mut p = PrioReclaim::new();
        assert_eq!(p.step(100, 64, 1), None);
        // More than half missing: all of it.
        assert_eq!(p.step(10, 64, 1), Some((7, 54)));
        // Priority 7 gave all: it stays the reach.
        p.done(true);
        assert_eq!(p.step(0, 64, 1), Some((7, 64)));
        // Priority 7 had nothing left: one priority further per short pass.
        for level in (1..7).rev() {
            p.done(false);
            assert_eq!(p.step(0, 64, 1), Some((level, 64)));
        }
        // Never past the most important priority it may touch.
        p.done(false);
        assert_eq!(p.step(0, 64, 1), Some((1, 64)));
        // The plan survives a round trip through its bits.
        assert_eq!(PrioReclaim::from_bits(p.to_bits()), p);
        // Relieved: starts over from 7.
        assert_eq!(p.step(64, 64, 1), None);
        assert_eq!(PrioReclaim::from_bits(p.to_bits()), PrioReclaim::new());
        assert_eq!(p.step(0, 64, 1), Some((7, 64)));
        // highest 6: 7, then 6, then stays.
        let mut p = PrioReclaim::new();
        assert_eq!(p.step(0, 64, 6), Some((7, 64)));
        p.done(false);
        assert_eq!(p.step(0, 64, 6), Some((6, 64)));
        p.done(false);
        assert_eq!(p.step(0, 64, 6), Some((6, 64)));
        // highest 8: never.
        let mut p = PrioReclaim::new();
        assert_eq!(p.step(0, 64, 8), None);
        assert_eq!(p.step(0, 64, 8), None);
    }

    #[test]
    fn priority_reclaim_paces_small_deficits() {
        let r = 64 * PACE;
        let mut p = PrioReclaim::new();
        // Up to half the reserve missing: 1/PACE of it per pass.
        assert_eq!(p.step(r - 10, r, 1), Some((7, 10)));
        assert_eq!(p.step(r - 100, r, 1), Some((7, 64)));
        assert_eq!(p.step(r / 2, r, 1), Some((7, 64)));
        // More: everything missing.
        assert_eq!(p.step(r / 2 - 1, r, 1), Some((7, r / 2 + 1)));
        // A tiny reserve still moves.
        let mut p = PrioReclaim::new();
        assert_eq!(p.step(9, 10, 1), Some((7, 1)));
    }

    #[test]
    fn oom_victims() {
        let c = |id, priority, usage| OomCandidate {
            id,
            priority,
            usage,
        };
        // The least important, however small; then the largest.
        assert_eq!(oom_victim([c(1, 0, 900), c(2, 3, 10), c(3, 7, 5)]), Some(3));
        assert_eq!(
            oom_victim([c(1, 0, 900), c(2, 3, 10), c(4, 3, 20)]),
            Some(4)
        );
        // Only priority 0: the kernel decides.
        assert_eq!(oom_victim([c(1, 0, 900), c(2, 0, 10)]), None);
        assert_eq!(oom_victim([]), None);
    }

    #[test]
    fn oom_process_by_badness() {
        // 1000 pages of 1,000,000: an adj of 1 is worth 1000 pages.
        assert_eq!(oom_badness(500, 0, 1_000_000), 500);
        assert_eq!(oom_badness(500, 1, 1_000_000), 1500);
        assert_eq!(oom_badness(500, -1000, 1_000_000), 500 - 1_000_000);
        assert_eq!(oom_process([], 1_000_000), None);
        assert_eq!(
            oom_process([(0, 100, 0), (1, 5000, 0), (2, 300, 0)], 1_000_000),
            Some(1)
        );
        assert_eq!(
            oom_process([(0, 100, 5), (1, 5000, 0), (2, 300, 0)], 1_000_000),
            Some(0)
        );
        // Equals: the last.
        assert_eq!(oom_process([(3, 10, 0), (4, 10, 0)], 1_000_000), Some(4));
    }

    #[test]
    fn mark_format() {
        let mut s = String::new();
        format_mark(&mut s, Some(33554432)).unwrap();
        format_mark(&mut s, None).unwrap();
        assert_eq!(s, "33554432\nmax\n");
    }
}
