// SPDX-License-Identifier: GPL-2.0

//! The latency histogram: its buckets, and percentiles read from it.

/// Histogram buckets: exact below 8 us, then four per power of two; the
/// last (from 14.7 s) holds everything slower.
pub(crate) const NR_BUCKETS: usize = 92;

/// The bucket of a latency of `us` microseconds.
pub(crate) fn bucket(us: u64) -> usize {
    if us < 8 {
        return us as usize;
    }
    let e = 63 - us.leading_zeros() as usize;
    let m = ((us >> (e - 2)) & 3) as usize;
    (4 * (e - 1) + m).min(NR_BUCKETS - 1)
}

/// The smallest and largest latency (us) that bucket `i` holds.
pub(crate) fn bucket_bounds(i: usize) -> (u64, u64) {
    if i < 8 {
        return (i as u64, i as u64);
    }
    let e = (i / 4 + 1) as u32;
    let m = (i % 4) as u64;
    let lo = (4 + m) << (e - 2);
    if i == NR_BUCKETS - 1 {
        return (lo, u64::MAX);
    }
    (lo, ((5 + m) << (e - 2)) - 1)
}

/// The bucket holding the `permille`-th per mille of the completions of
/// `hist`, as its bounds; `None` for an empty histogram.
pub(crate) fn percentile(hist: &[u64], permille: u64) -> Option<(u64, u64)> {
    let n: u64 = hist.iter().sum();
    if n == 0 {
        return None;
    }
    // The rank of the wanted completion, 1-based, rounded up.
    let rank = (n * permille).div_ceil(1000).max(1);
    let mut seen = 0;
    for (i, c) in hist.iter().enumerate() {
        seen += c;
        if seen >= rank {
            return Some(bucket_bounds(i));
        }
    }
    Some(bucket_bounds(hist.len() - 1))
}

/// The latency (us) below which `permille` per mille of the completions
/// of `hist` fall, as the upper bound of its bucket; 0 for none.
pub(crate) fn percentile_us(hist: &[u64], permille: u64) -> u64 {
    match percentile(hist, permille) {
        None => 0,
        Some((lo, u64::MAX)) => lo,
        Some((_, hi)) => hi,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_contiguous_and_ordered() {
        assert_eq!(bucket_bounds(0), (0, 0));
        let mut next = 0;
        for i in 0..NR_BUCKETS {
            let (lo, hi) = bucket_bounds(i);
            assert_eq!(lo, next, "bucket {i}");
            assert!(hi >= lo);
            assert_eq!(bucket(lo), i);
            if hi != u64::MAX {
                assert_eq!(bucket(hi), i);
                // Four per octave: at most 25% wide.
                assert!(hi - lo <= lo / 4, "bucket {i}: {lo}..{hi}");
            }
            next = hi.wrapping_add(1);
        }
        assert_eq!(bucket(u64::MAX), NR_BUCKETS - 1);
        assert_eq!(bucket(20_000_000), NR_BUCKETS - 1);
        assert_eq!(bucket_bounds(bucket(1000)), (896, 1023));
    }

    #[test]
    fn percentiles() {
        let mut h = [0u64; NR_BUCKETS];
        assert_eq!(percentile(&h, 990), None);
        h[bucket(100)] = 99;
        h[bucket(50_000)] = 1;
        assert_eq!(percentile(&h, 500), Some(bucket_bounds(bucket(100))));
        assert_eq!(percentile(&h, 990), Some(bucket_bounds(bucket(100))));
        assert_eq!(percentile(&h, 1000), Some(bucket_bounds(bucket(50_000))));
        h[bucket(50_000)] = 2;
        assert_eq!(percentile(&h, 990), Some(bucket_bounds(bucket(50_000))));
    }
}
