// SPDX-License-Identifier: GPL-2.0

//! Verdicts: whether the completions of a cgroup on a device met its
//! latency target, judged once there are enough of them.

use super::buckets::{bucket_bounds, percentile, NR_BUCKETS};

/// How a window of completions fared against a latency target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// No completion.
    Idle,
    /// The 99th percentile is above the target's [`aim`] ...
    Missed,
    /// ... by more than twice.
    MissedFar,
    /// Met, but with less than half of the target to spare.
    Met,
    /// Met with room: the 99th percentile is at most half the target.
    Room,
}

/// The latency a target is judged against: a fifth below it, so that the
/// p99 over longer spans, which include the windows before a correction,
/// stays within the target itself.
pub(crate) fn aim(target_us: u64) -> u64 {
    target_us - target_us / 5
}

/// Judges the completions `hist` against `target_us`: missed when the
/// 99th percentile is above [`aim`] (far when above twice that), with room
/// when it is at most half the target.
pub(crate) fn judge(hist: &[u64], target_us: u64) -> Verdict {
    match percentile(hist, 990) {
        None => Verdict::Idle,
        Some((lo, _)) if lo > 2 * aim(target_us) => Verdict::MissedFar,
        Some((lo, _)) if lo > aim(target_us) => Verdict::Missed,
        Some((_, hi)) if hi <= target_us / 2 => Verdict::Room,
        Some(_) => Verdict::Met,
    }
}

/// Completions a verdict waits for: the 99th percentile of fewer is
/// mostly noise (of 200, it is the third slowest).
pub(crate) const MIN_SAMPLES: u64 = 200;
/// Windows a verdict waits at most for them.
pub(crate) const MAX_WINDOWS: u32 = 10;

/// The completions of one cgroup on one device since its last verdict.
#[derive(Clone)]
pub(crate) struct Accum {
    hist: [u64; NR_BUCKETS],
    windows: u32,
}

impl Accum {
    pub(crate) const fn new() -> Self {
        Self {
            hist: [0; NR_BUCKETS],
            windows: 0,
        }
    }

    /// Adds a window's completions (`window`); returns the verdict on
    /// `target_us` once there are [`MIN_SAMPLES`] of them, or
    /// [`MAX_WINDOWS`] windows went by, or the target is missed whatever
    /// comes next (more than 1% of [`MIN_SAMPLES`] are late); `None` while
    /// undecided. A window without completions and nothing pending is
    /// [`Verdict::Idle`].
    pub(crate) fn add(&mut self, window: &[u64], target_us: u64) -> Option<Verdict> {
        let pending: u64 = self.hist.iter().sum();
        let fresh: u64 = window.iter().sum();
        if pending == 0 && fresh == 0 {
            self.windows = 0;
            return Some(Verdict::Idle);
        }
        for (h, w) in self.hist.iter_mut().zip(window.iter()) {
            *h += w;
        }
        self.windows += 1;
        let n = pending + fresh;
        let late: u64 = self
            .hist
            .iter()
            .enumerate()
            .filter(|(i, _)| bucket_bounds(*i).0 > aim(target_us))
            .map(|(_, c)| c)
            .sum();
        if n >= MIN_SAMPLES || self.windows >= MAX_WINDOWS || late * 100 > MIN_SAMPLES {
            let v = judge(&self.hist, target_us);
            *self = Self::new();
            return Some(v);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::buckets::bucket;
    use super::*;

    #[test]
    fn verdicts() {
        let mut h = [0u64; NR_BUCKETS];
        assert_eq!(judge(&h, 1000), Verdict::Idle);
        h[bucket(500)] = 100;
        // Bucket 448..511: room from a target of 1022.
        assert_eq!(judge(&h, 1022), Verdict::Room);
        assert_eq!(judge(&h, 1021), Verdict::Met);
        assert_eq!(judge(&h, 600), Verdict::Met);
        assert_eq!(judge(&h, 500), Verdict::Missed);
        assert_eq!(judge(&h, 250), Verdict::MissedFar);
        // Missed when the whole bucket is above the aim, 4/5 of the
        // target: 448 > aim(559) = 448 is not, 448 > aim(558) = 447 is.
        assert_eq!(bucket_bounds(bucket(500)).0, 448);
        assert_eq!(aim(559), 448);
        assert_eq!(judge(&h, 559), Verdict::Met);
        assert_eq!(judge(&h, 558), Verdict::Missed);
    }

    #[test]
    fn verdicts_wait_for_enough_completions() {
        let mut a = Accum::new();
        let empty = [0u64; NR_BUCKETS];
        assert_eq!(a.add(&empty, 1000), Some(Verdict::Idle));
        let mut w = [0u64; NR_BUCKETS];
        w[bucket(100)] = 99;
        w[bucket(5000)] = 1;
        // 100 completions, one late: not yet.
        assert_eq!(a.add(&w, 1000), None);
        // Nothing new: still pending, not idle.
        assert_eq!(a.add(&empty, 1000), None);
        // 200 with 2 late: the p99 is the third slowest, on time.
        assert_eq!(a.add(&w, 1000), Some(Verdict::Room));
        assert_eq!(a.add(&empty, 1000), Some(Verdict::Idle));
        // Three late of the 200 to come: missed at once (far: 5 ms is
        // more than twice the aim of 0.8 ms).
        let mut late = [0u64; NR_BUCKETS];
        late[bucket(5000)] = 3;
        assert_eq!(a.add(&late, 1000), Some(Verdict::MissedFar));
        late[bucket(5000)] = 0;
        late[bucket(1000)] = 3;
        assert_eq!(a.add(&late, 1000), Some(Verdict::Missed));
        // A few completions: decided after MAX_WINDOWS windows.
        let mut few = [0u64; NR_BUCKETS];
        few[bucket(100)] = 1;
        for _ in 0..MAX_WINDOWS - 1 {
            assert_eq!(a.add(&few, 1000), None);
        }
        assert_eq!(a.add(&few, 1000), Some(Verdict::Room));
    }
}
