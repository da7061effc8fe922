// SPDX-License-Identifier: GPL-2.0

//! A line of `rue.io.stat`: one device's counts, latency percentiles and
//! what rue did there.

use super::buckets::percentile_us;
use super::dev::Dev;
use super::table::Counts;
use super::throttle::FULL;
use core::fmt::{self, Write};

/// What `rue.io.stat` shows of one device.
pub(crate) struct StatLine<'a> {
    pub(crate) dev: u32,
    pub(crate) counts: &'a Counts,
    pub(crate) target_us: u32,
    /// Windows in which the cgroup missed its target here.
    pub(crate) missed: u64,
    /// How long, and in how many steps, the cgroup was throttled here.
    pub(crate) throttled_ms: u64,
    pub(crate) steps: u64,
    /// The current share, in 1/[`FULL`] ([`FULL`]: not throttled).
    pub(crate) share: u32,
    /// Completions on the device that no slot could count, any cgroup's.
    pub(crate) lost: u64,
}

impl StatLine<'_> {
    pub(crate) fn format(&self, w: &mut dyn Write) -> fmt::Result {
        let c = self.counts;
        let h = &c.hist[..];
        writeln!(
            w,
            "{} rios={} wios={} rbytes={} wbytes={} p50_us={} p90_us={} p99_us={} max_us={} \
             target_us={} missed={} throttled_ms={} throttle_steps={} share_pct={} lost={}",
            Dev(self.dev),
            c.ios[0],
            c.ios[1],
            c.bytes[0],
            c.bytes[1],
            percentile_us(h, 500),
            percentile_us(h, 900),
            percentile_us(h, 990),
            percentile_us(h, 1000),
            self.target_us,
            self.missed,
            self.throttled_ms,
            self.steps,
            u64::from(self.share) * 100 / u64::from(FULL),
            self.lost,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::buckets::bucket;
    use super::super::dev::MINOR_BITS;
    use super::*;
    use std::string::String;

    #[test]
    fn stat_lines() {
        let mut c = Counts::zero();
        assert_eq!(percentile_us(&c.hist, 500), 0);
        c.ios = [3, 1];
        c.bytes = [12288, 4096];
        c.hist[bucket(100)] = 3;
        c.hist[bucket(20_000_000)] = 1;
        let mut s = String::new();
        StatLine {
            dev: 8 << MINOR_BITS,
            counts: &c,
            target_us: 2000,
            missed: 4,
            throttled_ms: 1500,
            steps: 6,
            share: FULL / 2,
            lost: 9,
        }
        .format(&mut s)
        .unwrap();
        assert_eq!(
            s,
            "8:0 rios=3 wios=1 rbytes=12288 wbytes=4096 p50_us=111 p90_us=14680064 \
             p99_us=14680064 max_us=14680064 target_us=2000 missed=4 throttled_ms=1500 \
             throttle_steps=6 share_pct=50 lost=9\n"
        );
    }
}
