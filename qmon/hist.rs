// SPDX-License-Identifier: GPL-2.0

//! The latency series qmon measures, their histograms and how they are shown.
//!
//! Pure logic, compiled into the module and on the host.
//!
//! Every series has one histogram per CPU: buckets, a sum and two maxima
//! ([`CpuHist`]), written only by the CPU that owns it, summed on read into
//! a [`Snapshot`]. Bucket bounds are powers of two in microseconds below
//! 1 ms and powers of two in milliseconds from 1 ms up ([`BOUNDS_US`]), so
//! that both the microsecond log2 histogram of `sli.hist` and the
//! millisecond buckets of `sli.cpu`, `sli.memory` and `sli.io` (the ones
//! OpenCloudOS shows: 0-1ms, 1-4ms, ... >=128ms) are exact sums of them.

use core::fmt::{self, Write};
use core::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// One latency series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(usize)]
pub(crate) enum Series {
    /// Runnable to running: run-queue delay after a wakeup or a preemption.
    SchedWait = 0,
    /// Voluntary (interruptible) sleep.
    SchedSleep,
    /// Uninterruptible sleep, not for IO.
    SchedBlock,
    /// Uninterruptible sleep waiting for IO.
    SchedIoBlock,
    /// Direct reclaim on a system-wide shortage.
    MemGlobalReclaim,
    /// Direct reclaim of the task's memory cgroup (memory.max, memory.high).
    MemMemcgReclaim,
    /// Direct compaction.
    MemCompact,
    /// Block reads, submission to completion.
    IoRead,
    /// Block writes, submission to completion.
    IoWrite,
}

/// How many series there are.
pub(crate) const NR_SERIES: usize = 9;

impl Series {
    /// Every series, in the order files show them.
    pub(crate) const ALL: [Series; NR_SERIES] = [
        Series::SchedWait,
        Series::SchedSleep,
        Series::SchedBlock,
        Series::SchedIoBlock,
        Series::MemGlobalReclaim,
        Series::MemMemcgReclaim,
        Series::MemCompact,
        Series::IoRead,
        Series::IoWrite,
    ];

    /// The name files use.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Series::SchedWait => "schedlat_wait",
            Series::SchedSleep => "schedlat_sleep",
            Series::SchedBlock => "schedlat_block",
            Series::SchedIoBlock => "schedlat_ioblock",
            Series::MemGlobalReclaim => "memlat_global_direct_reclaim",
            Series::MemMemcgReclaim => "memlat_memcg_direct_reclaim",
            Series::MemCompact => "memlat_direct_compact",
            Series::IoRead => "iolat_read",
            Series::IoWrite => "iolat_write",
        }
    }

    /// The series named `name`.
    pub(crate) fn from_name(name: &str) -> Option<Series> {
        Series::ALL.iter().copied().find(|s| s.name() == name)
    }

    /// Whether this series may be recorded from interrupt context while the
    /// same CPU records it from a task: block IO completes in hard and soft
    /// interrupts and in tasks. Such series are updated with atomic
    /// read-modify-write instructions, the others with plain loads and
    /// stores.
    pub(crate) fn shared_with_irq(self) -> bool {
        matches!(self, Series::IoRead | Series::IoWrite)
    }
}

/// The group of series a file shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Group {
    Cpu,
    Memory,
    Io,
}

impl Group {
    /// The series of the group.
    pub(crate) fn series(self) -> &'static [Series] {
        match self {
            Group::Cpu => &Series::ALL[0..4],
            Group::Memory => &Series::ALL[4..7],
            Group::Io => &Series::ALL[7..9],
        }
    }
}

/// Upper bounds (exclusive) of the buckets, in microseconds; a last bucket
/// holds everything from the largest bound up.
pub(crate) const BOUNDS_US: [u64; 26] = [
    1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000,
    256000, 512000, 1024000, 2048000, 4096000, 8192000, 16384000, 32768000,
];

/// How many buckets a histogram has.
pub(crate) const NR_BUCKETS: usize = BOUNDS_US.len() + 1;

/// Per power of two `k`, for latencies in `[2^k, 2^(k+1))` ns: the bucket
/// of `2^k` ns, and the bound in that range (in ns) from which latencies go
/// to the next bucket (`u64::MAX`: none). No range holds two bounds (the
/// bounds grow by a factor of at least 1.95), which `buckets_follow_the_bounds`
/// checks against the plain definition.
const LOG2_BUCKETS: [(u8, u64); 64] = {
    let mut t = [(0u8, u64::MAX); 64];
    let mut k = 0;
    while k < 64 {
        let lo = 1u64 << k;
        let hi = if k == 63 {
            u64::MAX
        } else {
            (1u64 << (k + 1)) - 1
        };
        let mut j = 0;
        while j < BOUNDS_US.len() {
            let b = BOUNDS_US[j] * 1000;
            if b <= lo {
                t[k].0 += 1;
            } else if b <= hi {
                t[k].1 = b;
            }
            j += 1;
        }
        k += 1;
    }
    t
};

/// The bucket of a latency of `ns` nanoseconds: how many bounds it reaches.
/// A table lookup by the latency's highest bit and one comparison, as
/// probes call it on every latency.
#[inline(always)]
pub(crate) fn bucket(ns: u64) -> usize {
    // 0 goes with 1, to bucket 0.
    let k = (63 - (ns | 1).leading_zeros()) as usize;
    let (first, next) = LOG2_BUCKETS[k & 63];
    // `next` is u64::MAX where no bound follows: u64::MAX itself would
    // pass it.
    (first as usize + usize::from(ns >= next)).min(NR_BUCKETS - 1)
}

/// The millisecond buckets of `sli.cpu`, `sli.memory` and `sli.io`: label,
/// and the range of [`bucket`] indices it sums.
pub(crate) const MS_BUCKETS: [(&str, usize, usize); 8] = [
    ("0-1ms", 0, 11),
    ("1-4ms", 11, 13),
    ("4-8ms", 13, 14),
    ("8-16ms", 14, 15),
    ("16-32ms", 15, 16),
    ("32-64ms", 16, 17),
    ("64-128ms", 17, 18),
    (">=128ms", 18, NR_BUCKETS),
];

/// One CPU's histogram of one series.
///
/// All fields are atomics, so that readers on other CPUs may load them at
/// any time; an all-zero value is an empty histogram.
#[repr(C)]
pub(crate) struct CpuHist {
    buckets: [AtomicU64; NR_BUCKETS],
    sum_ns: AtomicU64,
    /// The largest latency since qmon started counting.
    max_ns: AtomicU64,
    /// The largest latency since `sli.max` was last reset.
    peak_ns: AtomicU64,
}

/// Adds `v` to `a`. `atomic` is needed when another context of the same CPU
/// may update `a` concurrently (see [`Series::shared_with_irq`]).
fn add(a: &AtomicU64, v: u64, atomic: bool) {
    if atomic {
        a.fetch_add(v, Relaxed);
    } else {
        a.store(a.load(Relaxed).wrapping_add(v), Relaxed);
    }
}

/// Raises `a` to `v` if it is smaller.
fn raise(a: &AtomicU64, v: u64, atomic: bool) {
    if atomic {
        a.fetch_max(v, Relaxed);
    } else if a.load(Relaxed) < v {
        a.store(v, Relaxed);
    }
}

impl CpuHist {
    /// An empty histogram (for the host tests; the module's come zeroed).
    #[cfg(test)]
    pub(crate) fn new() -> Self {
        Self {
            buckets: [const { AtomicU64::new(0) }; NR_BUCKETS],
            sum_ns: AtomicU64::new(0),
            max_ns: AtomicU64::new(0),
            peak_ns: AtomicU64::new(0),
        }
    }

    /// Counts a latency of `ns`; see [`add`] for `atomic`.
    #[inline(always)]
    pub(crate) fn record(&self, ns: u64, atomic: bool) {
        add(&self.buckets[bucket(ns)], 1, atomic);
        add(&self.sum_ns, ns, atomic);
        raise(&self.max_ns, ns, atomic);
        raise(&self.peak_ns, ns, atomic);
    }

    /// Raises the peak to a latency of `ns` counted in a descendant's
    /// histogram; see [`add`] for `atomic`.
    pub(crate) fn raise_peak(&self, ns: u64, atomic: bool) {
        raise(&self.peak_ns, ns, atomic);
    }

    /// The peak since the last [`CpuHist::reset_peak`].
    pub(crate) fn peak(&self) -> u64 {
        self.peak_ns.load(Relaxed)
    }

    /// Restarts the peak.
    pub(crate) fn reset_peak(&self) {
        self.peak_ns.store(0, Relaxed)
    }

    /// Adds this CPU's counts into `snap`.
    pub(crate) fn add_to(&self, snap: &mut Snapshot) {
        for (s, b) in snap.buckets.iter_mut().zip(self.buckets.iter()) {
            *s = s.wrapping_add(b.load(Relaxed));
        }
        snap.sum_ns = snap.sum_ns.wrapping_add(self.sum_ns.load(Relaxed));
        snap.max_ns = snap.max_ns.max(self.max_ns.load(Relaxed));
    }
}

/// A histogram summed over CPUs (and cgroups).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Snapshot {
    pub(crate) buckets: [u64; NR_BUCKETS],
    pub(crate) sum_ns: u64,
    pub(crate) max_ns: u64,
}

impl Snapshot {
    /// Adds `other`'s counts into this one.
    pub(crate) fn add(&mut self, other: &Snapshot) {
        for (s, o) in self.buckets.iter_mut().zip(other.buckets.iter()) {
            *s = s.wrapping_add(*o);
        }
        self.sum_ns = self.sum_ns.wrapping_add(other.sum_ns);
        self.max_ns = self.max_ns.max(other.max_ns);
    }

    /// How many latencies were counted.
    pub(crate) fn count(&self) -> u64 {
        self.buckets.iter().fold(0u64, |a, b| a.wrapping_add(*b))
    }

    /// The sum of buckets `lo..hi`.
    fn range(&self, lo: usize, hi: usize) -> u64 {
        self.buckets[lo..hi]
            .iter()
            .fold(0u64, |a, b| a.wrapping_add(*b))
    }
}

/// Writes `series` in the format of `sli.cpu`, `sli.memory` and `sli.io`:
///
/// ```text
/// schedlat_wait:
/// 0-1ms: 1204
/// 1-4ms: 17
/// ...
/// >=128ms: 0
/// ```
pub(crate) fn format_ms(w: &mut dyn Write, series: Series, snap: &Snapshot) -> fmt::Result {
    writeln!(w, "{}:", series.name())?;
    for (label, lo, hi) in MS_BUCKETS {
        writeln!(w, "{}: {}", label, snap.range(lo, hi))?;
    }
    Ok(())
}

/// Writes `series` in the format of `sli.hist`: a header line with the
/// count, sum and maximum, then one line per bucket with the cumulative
/// count of latencies below its bound (`lt_us`), the last one `+Inf`:
///
/// ```text
/// schedlat_wait count 1221 sum_ns 81234567 max_ns 3012345
/// schedlat_wait lt_us 1 0
/// schedlat_wait lt_us 2 3
/// ...
/// schedlat_wait lt_us +Inf 1221
/// ```
pub(crate) fn format_hist(w: &mut dyn Write, series: Series, snap: &Snapshot) -> fmt::Result {
    let name = series.name();
    writeln!(
        w,
        "{} count {} sum_ns {} max_ns {}",
        name,
        snap.count(),
        snap.sum_ns,
        snap.max_ns
    )?;
    let mut cum = 0u64;
    for (i, n) in snap.buckets.iter().enumerate() {
        cum = cum.wrapping_add(*n);
        match BOUNDS_US.get(i) {
            Some(b) => writeln!(w, "{} lt_us {} {}", name, b, cum)?,
            None => writeln!(w, "{} lt_us +Inf {}", name, cum)?,
        }
    }
    Ok(())
}

/// Writes one `sli.max` line: `schedlat_wait 3012 us`... in microseconds.
pub(crate) fn format_max(w: &mut dyn Write, series: Series, peak_ns: u64) -> fmt::Result {
    writeln!(w, "{} {}", series.name(), peak_ns / 1000)
}

/// Parses a write to `sli.max`: `reset` (surrounding whitespace allowed),
/// which restarts the cgroup's maxima. Anything else is refused.
pub(crate) fn parse_max_write(text: &str) -> Result<(), ControlError> {
    if text.trim() == "reset" {
        Ok(())
    } else {
        Err(ControlError::Invalid)
    }
}

/// The largest threshold `sli.control` takes: an hour, in microseconds.
pub(crate) const MAX_THRESHOLD_US: u64 = 3_600_000_000;
/// The smallest threshold `sli.control` takes (besides 0, none), in
/// microseconds: 1 ms, the first bound of the millisecond buckets. Every
/// latency at or above a threshold captures an event with a kernel stack;
/// below this, the ordinary run-queue waits of a busy CPU would make
/// nearly every context switch capture one.
pub(crate) const MIN_THRESHOLD_US: u64 = 1000;
/// The largest `count` `sli.control` takes.
pub(crate) const MAX_COUNT: u64 = 1_000_000;

/// Why a line written to `sli.control` was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ControlError {
    /// Not `<series>_threshold=<us> [count=<n>]`, or a threshold below
    /// [`MIN_THRESHOLD_US`] (`EINVAL`).
    Invalid,
    /// A number out of range (`ERANGE`).
    Range,
}

/// One setting of `sli.control`: a series' threshold and count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Control {
    pub(crate) series: Series,
    /// In microseconds; 0 disables the threshold.
    pub(crate) threshold_us: u64,
    /// Every `count`-th latency at or above the threshold notifies.
    pub(crate) count: u64,
}

fn number(s: &str) -> Result<u64, ControlError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ControlError::Invalid);
    }
    s.parse::<u64>().map_err(|_| ControlError::Range)
}

/// Parses one line written to `sli.control`:
/// `<series>_threshold=<us> [count=<n>]`, `count` 1 by default.
pub(crate) fn parse_control(line: &str) -> Result<Control, ControlError> {
    let mut words = line.split_ascii_whitespace();
    let first = words.next().ok_or(ControlError::Invalid)?;
    let (key, value) = first.split_once('=').ok_or(ControlError::Invalid)?;
    let name = key
        .strip_suffix("_threshold")
        .ok_or(ControlError::Invalid)?;
    let series = Series::from_name(name).ok_or(ControlError::Invalid)?;
    let threshold_us = number(value)?;
    let mut count = 1;
    if let Some(w) = words.next() {
        count = number(w.strip_prefix("count=").ok_or(ControlError::Invalid)?)?;
    }
    if words.next().is_some() {
        return Err(ControlError::Invalid);
    }
    if threshold_us > MAX_THRESHOLD_US || count == 0 || count > MAX_COUNT {
        return Err(ControlError::Range);
    }
    if threshold_us != 0 && threshold_us < MIN_THRESHOLD_US {
        return Err(ControlError::Invalid);
    }
    Ok(Control {
        series,
        threshold_us,
        count,
    })
}

/// Parses everything written to `sli.control` at once: one setting per
/// line, blank lines ignored; the first bad line refuses the whole write.
/// Calls `apply` for each setting only once all are valid.
pub(crate) fn parse_controls(
    text: &str,
    mut apply: impl FnMut(Control),
) -> Result<(), ControlError> {
    let lines = || text.lines().filter(|l| !l.trim().is_empty());
    if lines().next().is_none() {
        return Err(ControlError::Invalid);
    }
    for l in lines() {
        parse_control(l)?;
    }
    for l in lines() {
        apply(parse_control(l)?);
    }
    Ok(())
}

/// Writes one line of `sli.control`, as it is written.
pub(crate) fn format_control(w: &mut dyn Write, c: &Control) -> fmt::Result {
    writeln!(
        w,
        "{}_threshold={} count={}",
        c.series.name(),
        c.threshold_us,
        c.count
    )
}

/// What a task's scheduler state means for the sleep it starts, given the
/// `prev_state` of the `sched_switch` tracepoint and the task's
/// `in_iowait`. `None`: not a sleep qmon measures (a preempted task, a
/// stopped, traced, parked or dead one, an idle kernel thread).
pub(crate) fn sleep_series(state: u32, in_iowait: bool) -> Option<Series> {
    // The kernel's task state bits (include/linux/sched.h), checked at
    // build time by the C glue.
    const INTERRUPTIBLE: u32 = 0x1;
    const UNINTERRUPTIBLE: u32 = 0x2;
    const NOLOAD: u32 = 0x400;
    // Stopped, traced, dead, parked, frozen: not a wait for a resource.
    const OTHER: u32 = 0x4 | 0x8 | 0x40 | 0x80 | 0x8000;
    if state & OTHER != 0 {
        None
    } else if state & UNINTERRUPTIBLE != 0 {
        if state & NOLOAD != 0 {
            // TASK_IDLE: a kernel thread waiting for work.
            None
        } else if in_iowait {
            Some(Series::SchedIoBlock)
        } else {
            Some(Series::SchedBlock)
        }
    } else if state & INTERRUPTIBLE != 0 {
        Some(Series::SchedSleep)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    extern crate std;
    use std::string::String;

    /// The definition [`bucket`] computes faster.
    fn bucket_by_definition(ns: u64) -> usize {
        BOUNDS_US.iter().filter(|b| ns / 1000 >= **b).count()
    }

    #[test]
    fn buckets_follow_the_bounds() {
        // Around every bound and every power of two, and a sweep.
        let mut probes = std::vec::Vec::new();
        for b in BOUNDS_US {
            probes.extend([b * 1000 - 1, b * 1000, b * 1000 + 1]);
        }
        for k in 0..64 {
            let p = 1u64 << k;
            probes.extend([p - 1, p, p.saturating_add(1)]);
        }
        probes.extend((0..200_000u64).map(|i| i * 7919));
        for ns in probes {
            assert_eq!(bucket(ns), bucket_by_definition(ns), "{ns} ns");
        }
        assert_eq!(bucket(0), 0);
        assert_eq!(bucket(999), 0);
        assert_eq!(bucket(1000), 1);
        assert_eq!(bucket(1999), 1);
        assert_eq!(bucket(2000), 2);
        assert_eq!(bucket(511_999), 9);
        assert_eq!(bucket(512_000), 10);
        assert_eq!(bucket(999_999), 10);
        assert_eq!(bucket(1_000_000), 11);
        assert_eq!(bucket(1_999_999), 11);
        assert_eq!(bucket(2_000_000), 12);
        assert_eq!(bucket(128_000_000), 18);
        assert_eq!(bucket(32_768_000_000), NR_BUCKETS - 1);
        assert_eq!(bucket(u64::MAX), NR_BUCKETS - 1);
        // Every value lands in the bucket whose bounds hold it.
        for ns in [
            0u64,
            1,
            999,
            1000,
            3_500,
            700_000,
            1_000_000,
            5_000_000,
            99_000_000_000,
        ] {
            let i = bucket(ns);
            let us = ns / 1000;
            let lo = if i == 0 { 0 } else { BOUNDS_US[i - 1] };
            assert!(us >= lo, "{ns} ns below bucket {i}");
            if let Some(hi) = BOUNDS_US.get(i) {
                assert!(us < *hi, "{ns} ns above bucket {i}");
            }
        }
    }

    #[test]
    fn ms_buckets_cover_every_bucket_once() {
        let mut next = 0;
        for (_, lo, hi) in MS_BUCKETS {
            assert_eq!(lo, next);
            assert!(hi > lo);
            next = hi;
        }
        assert_eq!(next, NR_BUCKETS);
        // The labels' bounds are the buckets' bounds.
        assert_eq!(BOUNDS_US[MS_BUCKETS[1].1 - 1], 1000);
        assert_eq!(BOUNDS_US[MS_BUCKETS[2].1 - 1], 4000);
        assert_eq!(BOUNDS_US[MS_BUCKETS[7].1 - 1], 128000);
    }

    fn snapshot_of(values: &[u64]) -> Snapshot {
        let h = CpuHist::new();
        for v in values {
            h.record(*v, false);
        }
        let mut s = Snapshot::default();
        h.add_to(&mut s);
        s
    }

    #[test]
    fn snapshots_add_up() {
        let mut a = snapshot_of(&[500, 3_000_000]);
        a.add(&snapshot_of(&[200_000_000]));
        assert_eq!(a, snapshot_of(&[500, 3_000_000, 200_000_000]));
        let h = CpuHist::new();
        h.record(10, false);
        h.raise_peak(7_000, false);
        h.raise_peak(5, false);
        assert_eq!(h.peak(), 7_000);
        // Reading does not restart it; a reset does.
        assert_eq!(h.peak(), 7_000);
        h.reset_peak();
        assert_eq!(h.peak(), 0);
    }

    #[test]
    fn record_and_sum_over_cpus() {
        let a = CpuHist::new();
        let b = CpuHist::new();
        a.record(500, false);
        a.record(3_000_000, false);
        b.record(200_000_000, true);
        let mut s = Snapshot::default();
        a.add_to(&mut s);
        b.add_to(&mut s);
        assert_eq!(s.count(), 3);
        assert_eq!(s.sum_ns, 203_000_500);
        assert_eq!(s.max_ns, 200_000_000);
        assert_eq!(a.peak(), 3_000_000);
        assert_eq!(b.peak(), 200_000_000);
    }

    #[test]
    fn ms_format() {
        let s = snapshot_of(&[
            100,
            900_000,
            1_000_000,
            3_999_999,
            4_000_000,
            127_999_999,
            128_000_000,
        ]);
        let mut out = String::new();
        format_ms(&mut out, Series::SchedWait, &s).unwrap();
        assert_eq!(
            out,
            "schedlat_wait:\n0-1ms: 2\n1-4ms: 2\n4-8ms: 1\n8-16ms: 0\n16-32ms: 0\n\
             32-64ms: 0\n64-128ms: 1\n>=128ms: 1\n"
        );
    }

    #[test]
    fn hist_format_is_cumulative() {
        let s = snapshot_of(&[1500, 1500, 2_500_000]);
        let mut out = String::new();
        format_hist(&mut out, Series::IoRead, &s).unwrap();
        let lines: std::vec::Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 1 + NR_BUCKETS);
        assert_eq!(lines[0], "iolat_read count 3 sum_ns 2503000 max_ns 2500000");
        assert_eq!(lines[1], "iolat_read lt_us 1 0");
        assert_eq!(lines[2], "iolat_read lt_us 2 2");
        assert_eq!(lines[12], "iolat_read lt_us 2000 2");
        assert_eq!(lines[13], "iolat_read lt_us 4000 3");
        assert_eq!(lines[NR_BUCKETS], "iolat_read lt_us +Inf 3");
    }

    #[test]
    fn names_are_unique_and_indices_match() {
        for s in Series::ALL {
            assert_eq!(Series::from_name(s.name()), Some(s));
            assert_eq!(Series::ALL[s as usize], s);
        }
        let mut names: std::vec::Vec<&str> = Series::ALL.iter().map(|s| s.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), NR_SERIES);
        let groups: usize = [Group::Cpu, Group::Memory, Group::Io]
            .iter()
            .map(|g| g.series().len())
            .sum();
        assert_eq!(groups, NR_SERIES);
    }

    #[test]
    fn control_lines() {
        assert_eq!(
            parse_control("schedlat_wait_threshold=5000 count=3"),
            Ok(Control {
                series: Series::SchedWait,
                threshold_us: 5000,
                count: 3
            })
        );
        assert_eq!(
            parse_control("  iolat_read_threshold=0\n"),
            Ok(Control {
                series: Series::IoRead,
                threshold_us: 0,
                count: 1
            })
        );
        for bad in [
            "",
            "schedlat_wait=5",
            "schedlat_threshold=5",
            "schedlat_wait_threshold=",
            "schedlat_wait_threshold=-1",
            "schedlat_wait_threshold=0x10",
            "schedlat_wait_threshold=5000 count=",
            "schedlat_wait_threshold=5000 cnt=2",
            "schedlat_wait_threshold=5000 count=2 more",
            // Below the floor, but not off.
            "schedlat_wait_threshold=1",
            "schedlat_wait_threshold=999 count=3",
        ] {
            assert_eq!(parse_control(bad), Err(ControlError::Invalid), "{bad}");
        }
        assert_eq!(
            parse_control("schedlat_wait_threshold=1000").map(|c| c.threshold_us),
            Ok(MIN_THRESHOLD_US)
        );
        for bad in [
            "schedlat_wait_threshold=3600000001",
            "schedlat_wait_threshold=99999999999999999999999",
            "schedlat_wait_threshold=5000 count=0",
            "schedlat_wait_threshold=5000 count=1000001",
        ] {
            assert_eq!(parse_control(bad), Err(ControlError::Range), "{bad}");
        }
        let mut out = String::new();
        format_control(
            &mut out,
            &parse_control("memlat_direct_compact_threshold=7000 count=2").unwrap(),
        )
        .unwrap();
        assert_eq!(out, "memlat_direct_compact_threshold=7000 count=2\n");
    }

    #[test]
    fn max_writes() {
        assert_eq!(parse_max_write("reset\n"), Ok(()));
        assert_eq!(parse_max_write(" reset "), Ok(()));
        for bad in ["", "\n", "0", "resets", "reset now", "RESET"] {
            assert_eq!(parse_max_write(bad), Err(ControlError::Invalid), "{bad:?}");
        }
    }

    #[test]
    fn control_writes_are_all_or_nothing() {
        let mut got = std::vec::Vec::new();
        assert_eq!(
            parse_controls(
                "schedlat_wait_threshold=1000\n\nio_bad_threshold=2\n",
                |c| got.push(c)
            ),
            Err(ControlError::Invalid)
        );
        assert!(got.is_empty());
        assert_eq!(
            parse_controls("\n", |c| got.push(c)),
            Err(ControlError::Invalid)
        );
        assert_eq!(
            parse_controls(
                "schedlat_wait_threshold=1000\niolat_write_threshold=2000 count=4\n",
                |c| got.push(c)
            ),
            Ok(())
        );
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].series, Series::IoWrite);
        assert_eq!(got[1].count, 4);
    }

    #[test]
    fn sleep_classes() {
        assert_eq!(sleep_series(0, false), None);
        assert_eq!(sleep_series(0x1, false), Some(Series::SchedSleep));
        assert_eq!(sleep_series(0x1, true), Some(Series::SchedSleep));
        assert_eq!(sleep_series(0x2, false), Some(Series::SchedBlock));
        assert_eq!(sleep_series(0x2, true), Some(Series::SchedIoBlock));
        // TASK_KILLABLE = WAKEKILL | UNINTERRUPTIBLE.
        assert_eq!(sleep_series(0x100 | 0x2, false), Some(Series::SchedBlock));
        // TASK_IDLE = NOLOAD | UNINTERRUPTIBLE.
        assert_eq!(sleep_series(0x400 | 0x2, false), None);
        // TASK_STOPPED, TASK_TRACED, TASK_DEAD, TASK_PARKED, TASK_FROZEN.
        for s in [0x100 | 0x4, 0x8, 0x80, 0x40, 0x8000] {
            assert_eq!(sleep_series(s, false), None);
        }
    }
}
