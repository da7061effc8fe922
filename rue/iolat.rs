// SPDX-License-Identifier: GPL-2.0

//! IO latency per cgroup and device, and the throttling decisions made
//! from it.
//!
//! Pure logic, compiled into the module and on the host.
//!
//! - [`IoTable`]: completions, bytes and a latency histogram per (cgroup,
//!   device), filled from the block layer's completion tracepoint. Slots
//!   are claimed with a compare-and-swap; nothing locks or allocates.
//! - [`judge`]: whether a window of completions met a latency target.
//! - [`Throttle`]: how hard one cgroup is throttled on one device, moved
//!   step by step by the verdicts of the more important cgroups.
//! - [`IoMax`]: the lines of the kernel's `io.max`, parsed and written.
//! - [`Targets`]: a cgroup's `rue.io.latency_target_us`.

use crate::support::kparam::ParseError;
use core::fmt::{self, Write};
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

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

/// Device numbers as the kernel's `MKDEV()` makes them.
pub(crate) const MINOR_BITS: u32 = 20;

/// `major:minor` of device number `dev`.
pub(crate) struct Dev(pub(crate) u32);

impl fmt::Display for Dev {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}",
            self.0 >> MINOR_BITS,
            self.0 & ((1 << MINOR_BITS) - 1)
        )
    }
}

fn parse_u64(word: &[u8]) -> Result<u64, ParseError> {
    if word.is_empty() || !word.iter().all(u8::is_ascii_digit) {
        return Err(ParseError::Invalid);
    }
    word.iter().try_fold(0u64, |v, d| {
        v.checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
            .ok_or(ParseError::Range)
    })
}

/// Parses `major:minor`; 0:0 is no device.
pub(crate) fn parse_dev(word: &[u8]) -> Result<u32, ParseError> {
    let colon = word
        .iter()
        .position(|&c| c == b':')
        .ok_or(ParseError::Invalid)?;
    let major = parse_u64(&word[..colon])?;
    let minor = parse_u64(&word[colon + 1..])?;
    if major >= 1 << (32 - MINOR_BITS) || minor >= 1 << MINOR_BITS {
        return Err(ParseError::Range);
    }
    if major == 0 && minor == 0 {
        return Err(ParseError::Invalid);
    }
    Ok((major as u32) << MINOR_BITS | minor as u32)
}

/// One (cgroup, device) of the table. An all-zero slot is free.
#[repr(C)]
pub(crate) struct Slot {
    /// [`FREE`], [`CLAIMING`] or [`READY`].
    state: AtomicU32,
    dev: AtomicU32,
    cgroup: AtomicU64,
    /// Completed requests, reads and writes.
    ios: [AtomicU64; 2],
    /// Bytes completed, reads and writes.
    bytes: [AtomicU64; 2],
    /// Completions per latency bucket.
    hist: [AtomicU64; NR_BUCKETS],
}

const FREE: u32 = 0;
const CLAIMING: u32 = 1;
const READY: u32 = 2;

impl Slot {
    /// A free slot (for the host tests; the module's come zeroed).
    #[cfg(test)]
    pub(crate) fn new() -> Self {
        // SAFETY: all-zero is a valid value of every field.
        unsafe { core::mem::zeroed() }
    }
}

/// Slots a key may live in, from the one its hash picks.
const PROBES: usize = 16;

/// What a slot counted; plain numbers, summed and subtracted by the
/// worker.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct Counts {
    pub(crate) ios: [u64; 2],
    pub(crate) bytes: [u64; 2],
    pub(crate) hist: [u64; NR_BUCKETS],
}

impl Counts {
    pub(crate) const fn zero() -> Self {
        Self {
            ios: [0; 2],
            bytes: [0; 2],
            hist: [0; NR_BUCKETS],
        }
    }

    /// Adds `other` into `self`.
    pub(crate) fn add(&mut self, other: &Counts) {
        for d in 0..2 {
            self.ios[d] = self.ios[d].wrapping_add(other.ios[d]);
            self.bytes[d] = self.bytes[d].wrapping_add(other.bytes[d]);
        }
        for (a, b) in self.hist.iter_mut().zip(other.hist.iter()) {
            *a = a.wrapping_add(*b);
        }
    }

    /// What was counted since `earlier`.
    pub(crate) fn since(&self, earlier: &Counts) -> Counts {
        let mut out = Counts::zero();
        for d in 0..2 {
            out.ios[d] = self.ios[d].wrapping_sub(earlier.ios[d]);
            out.bytes[d] = self.bytes[d].wrapping_sub(earlier.bytes[d]);
        }
        for (i, o) in out.hist.iter_mut().enumerate() {
            *o = self.hist[i].wrapping_sub(earlier.hist[i]);
        }
        out
    }

    pub(crate) fn total_ios(&self) -> u64 {
        self.ios[0].wrapping_add(self.ios[1])
    }

    pub(crate) fn total_bytes(&self) -> u64 {
        self.bytes[0].wrapping_add(self.bytes[1])
    }
}

/// The table over `slots`.
///
/// A (cgroup, device) lives in one of [`PROBES`] slots from where its hash
/// points; when two completions claim slots for it at once it may live in
/// two, which readers sum. A key with no free slot left is not counted
/// ([`IoTable::record`] says so).
pub(crate) struct IoTable<'a> {
    slots: &'a [Slot],
}

fn hash(cgroup: u64, dev: u32) -> usize {
    let h = (cgroup ^ (u64::from(dev) << 32 | u64::from(dev))).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (h >> 32) as usize
}

impl<'a> IoTable<'a> {
    pub(crate) fn new(slots: &'a [Slot]) -> Self {
        Self { slots }
    }

    /// Counts one completion of `bytes` on `dev` by `cgroup`; `done` when
    /// the request is complete (a request may complete in parts), with its
    /// latency in us. Returns false when there was no room.
    pub(crate) fn record(
        &self,
        cgroup: u64,
        dev: u32,
        write: bool,
        bytes: u64,
        done: Option<u64>,
    ) -> bool {
        let n = self.slots.len();
        if n == 0 {
            return false;
        }
        let start = hash(cgroup, dev) % n;
        for k in 0..PROBES.min(n) {
            let s = &self.slots[(start + k) % n];
            let mut state = s.state.load(Ordering::Acquire);
            if state == FREE
                && s.state
                    .compare_exchange(FREE, CLAIMING, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
            {
                s.cgroup.store(cgroup, Ordering::Relaxed);
                s.dev.store(dev, Ordering::Relaxed);
                s.state.store(READY, Ordering::Release);
                state = READY;
            }
            if state != READY
                || s.cgroup.load(Ordering::Relaxed) != cgroup
                || s.dev.load(Ordering::Relaxed) != dev
            {
                continue;
            }
            let d = usize::from(write);
            s.bytes[d].fetch_add(bytes, Ordering::Relaxed);
            if let Some(us) = done {
                s.ios[d].fetch_add(1, Ordering::Relaxed);
                s.hist[bucket(us)].fetch_add(1, Ordering::Relaxed);
            }
            return true;
        }
        false
    }

    /// The (cgroup, device) of slot `i`, if it holds one.
    pub(crate) fn key(&self, i: usize) -> Option<(u64, u32)> {
        let s = self.slots.get(i)?;
        if s.state.load(Ordering::Acquire) != READY {
            return None;
        }
        Some((
            s.cgroup.load(Ordering::Relaxed),
            s.dev.load(Ordering::Relaxed),
        ))
    }

    /// Adds what slot `i` counted into `out`.
    pub(crate) fn read(&self, i: usize, out: &mut Counts) {
        let Some(s) = self.slots.get(i) else { return };
        for d in 0..2 {
            out.ios[d] = out.ios[d].wrapping_add(s.ios[d].load(Ordering::Relaxed));
            out.bytes[d] = out.bytes[d].wrapping_add(s.bytes[d].load(Ordering::Relaxed));
        }
        for (o, h) in out.hist.iter_mut().zip(s.hist.iter()) {
            *o = o.wrapping_add(h.load(Ordering::Relaxed));
        }
    }

    /// Frees slot `i` (its cgroup is gone). A completion of that cgroup
    /// being counted at this very moment may land in the next owner.
    pub(crate) fn free(&self, i: usize) {
        let Some(s) = self.slots.get(i) else { return };
        if s.state
            .compare_exchange(READY, CLAIMING, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            return;
        }
        for d in 0..2 {
            s.ios[d].store(0, Ordering::Relaxed);
            s.bytes[d].store(0, Ordering::Relaxed);
        }
        for h in s.hist.iter() {
            h.store(0, Ordering::Relaxed);
        }
        s.cgroup.store(0, Ordering::Relaxed);
        s.dev.store(0, Ordering::Relaxed);
        s.state.store(FREE, Ordering::Release);
    }
}

/// Completions no slot could count, per device: [`LOST_DEVICES`] devices
/// and one count for all others (device 0). Claimed with a
/// compare-and-swap; nothing locks or allocates.
pub(crate) struct LostTable {
    devs: [AtomicU32; LOST_DEVICES],
    counts: [AtomicU64; LOST_DEVICES],
    other: AtomicU64,
}

/// Devices [`LostTable`] counts apart.
pub(crate) const LOST_DEVICES: usize = 16;

impl LostTable {
    pub(crate) const fn new() -> Self {
        Self {
            devs: [const { AtomicU32::new(0) }; LOST_DEVICES],
            counts: [const { AtomicU64::new(0) }; LOST_DEVICES],
            other: AtomicU64::new(0),
        }
    }

    /// Counts a completion on `dev` that no slot counted.
    pub(crate) fn add(&self, dev: u32) {
        for (d, c) in self.devs.iter().zip(self.counts.iter()) {
            let cur = d.load(Ordering::Acquire);
            let mine = cur == dev
                || (cur == 0
                    && dev != 0
                    && match d.compare_exchange(0, dev, Ordering::AcqRel, Ordering::Acquire) {
                        Ok(_) => true,
                        Err(now) => now == dev,
                    });
            if mine {
                c.fetch_add(1, Ordering::Relaxed);
                return;
            }
        }
        self.other.fetch_add(1, Ordering::Relaxed);
    }

    /// What was lost on `dev` (0: on devices not counted apart).
    pub(crate) fn get(&self, dev: u32) -> u64 {
        if dev == 0 {
            return self.other.load(Ordering::Relaxed);
        }
        self.devs
            .iter()
            .zip(self.counts.iter())
            .find(|(d, _)| d.load(Ordering::Acquire) == dev)
            .map_or(0, |(_, c)| c.load(Ordering::Relaxed))
    }

    /// Everything lost.
    pub(crate) fn total(&self) -> u64 {
        self.counts
            .iter()
            .fold(self.other.load(Ordering::Relaxed), |a, c| {
                a.wrapping_add(c.load(Ordering::Relaxed))
            })
    }
}

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

/// What the more important cgroups on a device saw in a window, as it
/// concerns one less important cgroup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Signal {
    /// One of them missed its target ...
    Missed,
    /// ... by more than twice its aim.
    MissedFar,
    /// All that did IO met their targets with room.
    Room,
    /// They met their targets, not all with room.
    Hold,
    /// None of them did any IO.
    Idle,
    /// They did IO, but none has a verdict yet.
    Wait,
}

/// The throttle's scale: the full rate a cgroup had when throttling began.
pub(crate) const FULL: u32 = 1024;
/// The least share of its rate a throttled cgroup keeps.
pub(crate) const MIN_SHARE: u32 = FULL / 16;
/// What one step up gives back.
const STEP_UP: u32 = FULL / 32;
/// Windows with room before a step up.
const CALM_WINDOWS: u32 = 3;
/// Windows with room before the ceiling is raised by a step.
const PROBE_WINDOWS: u32 = 10;
/// Windows without important IO before releasing fast.
pub(crate) const IDLE_WINDOWS: u32 = 3;

/// How hard one cgroup is throttled on one device.
///
/// # Invariants
///
/// `MIN_SHARE <= share <= FULL` and `share <= ceiling <= FULL`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Throttle {
    /// The cgroup's rates when throttling began (bytes and IOs per second).
    pub(crate) base_bps: u64,
    pub(crate) base_iops: u64,
    /// The share of those rates allowed, in 1/[`FULL`].
    share: u32,
    /// The share at which a target was last missed: steps up stay below.
    ceiling: u32,
    /// Consecutive windows with room, and with no important IO.
    calm: u32,
    idle: u32,
    /// Windows with room since the ceiling last moved.
    probe: u32,
}

impl Throttle {
    /// Starts throttling a cgroup that did `bps` and `iops` in the window
    /// in which a more important one missed its target (`far`: by more
    /// than twice its aim): one step down.
    pub(crate) fn start(bps: u64, iops: u64, far: bool) -> Self {
        let mut t = Self {
            base_bps: bps.max(1),
            base_iops: iops.max(1),
            share: FULL,
            ceiling: FULL,
            calm: 0,
            idle: 0,
            probe: 0,
        };
        t.step(if far {
            Signal::MissedFar
        } else {
            Signal::Missed
        });
        t
    }

    pub(crate) fn share(&self) -> u32 {
        self.share
    }

    /// Moves the throttle by one window's `signal`; returns false once
    /// the cgroup is to be released (the share is back to full).
    pub(crate) fn step(&mut self, signal: Signal) -> bool {
        if signal != Signal::Idle {
            self.idle = 0;
        }
        match signal {
            Signal::Missed | Signal::MissedFar => {
                // Far off: halve; near: an eighth down.
                let keep = if signal == Signal::MissedFar { 4 } else { 7 };
                self.ceiling = self.share;
                self.share = (self.share * keep / 8).max(MIN_SHARE);
                self.calm = 0;
                self.probe = 0;
            }
            Signal::Room => {
                self.calm += 1;
                self.probe += 1;
                if self.probe >= PROBE_WINDOWS {
                    self.ceiling = (self.ceiling + STEP_UP).min(FULL);
                    self.probe = 0;
                }
                if self.calm >= CALM_WINDOWS && self.share + STEP_UP < self.ceiling {
                    self.share += STEP_UP;
                    self.calm = 0;
                }
                if self.calm >= CALM_WINDOWS && self.ceiling == FULL {
                    // Nothing was missed near the top: let go.
                    self.share = FULL;
                }
            }
            Signal::Hold => self.calm = 0,
            Signal::Wait => {}
            Signal::Idle => {
                self.calm = 0;
                self.idle += 1;
                if self.idle >= IDLE_WINDOWS {
                    self.ceiling = FULL;
                    self.share = (self.share * 2).min(FULL);
                }
            }
        }
        self.share < FULL
    }

    /// The limits (bytes and IOs per second) for the current share.
    pub(crate) fn limits(&self) -> (u64, u64) {
        let scale = |base: u64| base.saturating_mul(u64::from(self.share)) / u64::from(FULL);
        // Never below what keeps a request moving.
        (
            scale(self.base_bps).max(MIN_BPS),
            scale(self.base_iops).max(MIN_IOPS),
        )
    }
}

/// Floors of the limits rue sets.
pub(crate) const MIN_BPS: u64 = 64 * 1024;
pub(crate) const MIN_IOPS: u64 = 4;

/// One device's line of `io.max`; `None` is `max` (no limit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct IoMax {
    pub(crate) rbps: Option<u64>,
    pub(crate) wbps: Option<u64>,
    pub(crate) riops: Option<u64>,
    pub(crate) wiops: Option<u64>,
}

impl IoMax {
    /// The line of device `dev` in the text of an `io.max` file; no line
    /// is no limit.
    pub(crate) fn parse(text: &[u8], dev: u32) -> Result<Self, ParseError> {
        for line in text.split(|&c| c == b'\n') {
            let mut words = line.split(|&c| c == b' ').filter(|w| !w.is_empty());
            let Some(first) = words.next() else { continue };
            if parse_dev(first)? != dev {
                continue;
            }
            let mut m = IoMax::default();
            for w in words {
                let eq = w
                    .iter()
                    .position(|&c| c == b'=')
                    .ok_or(ParseError::Invalid)?;
                let v = match &w[eq + 1..] {
                    b"max" => None,
                    v => Some(parse_u64(v)?),
                };
                match &w[..eq] {
                    b"rbps" => m.rbps = v,
                    b"wbps" => m.wbps = v,
                    b"riops" => m.riops = v,
                    b"wiops" => m.wiops = v,
                    _ => return Err(ParseError::Invalid),
                }
            }
            return Ok(m);
        }
        Ok(IoMax::default())
    }

    /// The tighter of `self` and `other`, key by key.
    pub(crate) fn min(&self, other: &IoMax) -> IoMax {
        let m = |a: Option<u64>, b: Option<u64>| match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, None) => a,
            (None, b) => b,
        };
        IoMax {
            rbps: m(self.rbps, other.rbps),
            wbps: m(self.wbps, other.wbps),
            riops: m(self.riops, other.riops),
            wiops: m(self.wiops, other.wiops),
        }
    }

    /// The limits for a throttle's `(bps, iops)`, both directions.
    pub(crate) fn from_limits((bps, iops): (u64, u64)) -> Self {
        IoMax {
            rbps: Some(bps),
            wbps: Some(bps),
            riops: Some(iops),
            wiops: Some(iops),
        }
    }

    /// Writes the line that sets every key of device `dev` to `self`.
    pub(crate) fn format(&self, dev: u32, w: &mut dyn Write) -> fmt::Result {
        write!(w, "{}", Dev(dev))?;
        for (k, v) in [
            ("rbps", self.rbps),
            ("wbps", self.wbps),
            ("riops", self.riops),
            ("wiops", self.wiops),
        ] {
            match v {
                Some(v) => write!(w, " {k}={v}")?,
                None => write!(w, " {k}=max")?,
            }
        }
        writeln!(w)
    }
}

/// Per-device targets a cgroup may have besides its default.
pub(crate) const MAX_DEV_TARGETS: usize = 8;
/// The largest target, in us (10 s).
pub(crate) const MAX_TARGET_US: u32 = 10_000_000;

/// A cgroup's `rue.io.latency_target_us`: a default and up to
/// [`MAX_DEV_TARGETS`] devices of its own; 0 is no target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct Targets {
    pub(crate) default_us: u32,
    /// `(device, us)`, device 0 for an unused entry.
    devs: [(u32, u32); MAX_DEV_TARGETS],
}

/// Why a write to `rue.io.latency_target_us` was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TargetError {
    Parse(ParseError),
    /// More devices than [`MAX_DEV_TARGETS`].
    Full,
    /// A target set on a device that is not a whole disk the system has.
    NoDevice,
}

/// The lines of a write to `rue.io.latency_target_us`, each as its device
/// (`None`: `default`) and target, or why it is malformed. Blank lines are
/// skipped.
fn target_lines(
    input: &[u8],
) -> impl Iterator<Item = Result<(Option<u32>, u32), TargetError>> + '_ {
    input.split(|&c| c == b'\n').filter_map(|line| {
        let mut words = line
            .split(|c: &u8| c.is_ascii_whitespace())
            .filter(|w| !w.is_empty());
        let key = words.next()?;
        Some((|| {
            let value = words
                .next()
                .ok_or(TargetError::Parse(ParseError::Invalid))?;
            if words.next().is_some() {
                return Err(TargetError::Parse(ParseError::Invalid));
            }
            let us = parse_u64(value).map_err(TargetError::Parse)?;
            if us > u64::from(MAX_TARGET_US) {
                return Err(TargetError::Parse(ParseError::Range));
            }
            if key == b"default" {
                return Ok((None, us as u32));
            }
            Ok((Some(parse_dev(key).map_err(TargetError::Parse)?), us as u32))
        })())
    })
}

/// Checks the devices on which `input` sets a target (not those whose
/// target it removes: a device may be gone by then) with `whole_disk`,
/// which says whether a device is a whole disk the system has.
/// [`TargetError::NoDevice`] for the first that is not; malformed lines
/// fail as [`Targets::apply`] fails on them.
pub(crate) fn check_devices(
    input: &[u8],
    mut whole_disk: impl FnMut(u32) -> bool,
) -> Result<(), TargetError> {
    for line in target_lines(input) {
        if let (Some(dev), us) = line? {
            if us != 0 && !whole_disk(dev) {
                return Err(TargetError::NoDevice);
            }
        }
    }
    Ok(())
}

impl Targets {
    /// The target on `dev`, in us; 0 for none.
    pub(crate) fn get(&self, dev: u32) -> u32 {
        self.devs
            .iter()
            .find(|(d, _)| *d == dev && dev != 0)
            .map_or(self.default_us, |(_, us)| *us)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.default_us == 0 && self.devs.iter().all(|(d, _)| *d == 0)
    }

    /// The devices with a target of their own.
    pub(crate) fn devices(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.devs.iter().copied().filter(|(d, _)| *d != 0)
    }

    /// Applies `input`: lines of `default <us>` or `<major>:<minor> <us>`
    /// (0 removes that target). All lines or none.
    pub(crate) fn apply(&self, input: &[u8]) -> Result<Targets, TargetError> {
        let mut t = *self;
        let mut any = false;
        for line in target_lines(input) {
            let (dev, us) = line?;
            any = true;
            let Some(dev) = dev else {
                t.default_us = us;
                continue;
            };
            if let Some(e) = t.devs.iter_mut().find(|(d, _)| *d == dev) {
                *e = if us == 0 { (0, 0) } else { (dev, us) };
            } else if us != 0 {
                let free = t
                    .devs
                    .iter_mut()
                    .find(|(d, _)| *d == 0)
                    .ok_or(TargetError::Full)?;
                *free = (dev, us);
            }
        }
        if !any {
            return Err(TargetError::Parse(ParseError::Invalid));
        }
        Ok(t)
    }

    /// The file's text: the default, then each device.
    pub(crate) fn format(&self, w: &mut dyn Write) -> fmt::Result {
        writeln!(w, "default {}", self.default_us)?;
        for (d, us) in self.devices() {
            writeln!(w, "{} {us}", Dev(d))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::String;

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

    #[test]
    fn table_counts_per_cgroup_and_device() {
        let slots: std::vec::Vec<Slot> = (0..64).map(|_| Slot::new()).collect();
        let t = IoTable::new(&slots);
        assert!(t.record(7, 0x10_0001, true, 4096, Some(1500)));
        assert!(t.record(7, 0x10_0001, true, 4096, None));
        assert!(t.record(7, 0x10_0001, false, 512, Some(20)));
        assert!(t.record(8, 0x10_0001, false, 512, Some(20)));
        let mut found = std::vec::Vec::new();
        for i in 0..slots.len() {
            if let Some(k) = t.key(i) {
                let mut c = Counts::zero();
                t.read(i, &mut c);
                found.push((k, c));
            }
        }
        found.sort_by_key(|(k, _)| *k);
        assert_eq!(found.len(), 2);
        let (k, c) = &found[0];
        assert_eq!(*k, (7, 0x10_0001));
        assert_eq!(c.ios, [1, 1]);
        assert_eq!(c.bytes, [512, 8192]);
        assert_eq!(c.hist[bucket(1500)], 1);
        assert_eq!(c.hist[bucket(20)], 1);
        let i = (0..slots.len())
            .find(|&i| t.key(i) == Some((8, 0x10_0001)))
            .unwrap();
        t.free(i);
        assert_eq!(t.key(i), None);
        let mut c = Counts::zero();
        t.read(i, &mut c);
        assert_eq!(c, Counts::zero());
    }

    #[test]
    fn table_says_when_full() {
        let slots: std::vec::Vec<Slot> = (0..4).map(|_| Slot::new()).collect();
        let t = IoTable::new(&slots);
        for cg in 1..=4 {
            assert!(t.record(cg, 1, false, 1, Some(1)));
        }
        assert!(!t.record(5, 1, false, 1, Some(1)));
        assert!(t.record(3, 1, false, 1, Some(1)));
    }

    #[test]
    fn lost_per_device() {
        let l = LostTable::new();
        assert_eq!(l.total(), 0);
        l.add(5);
        l.add(5);
        l.add(7);
        assert_eq!((l.get(5), l.get(7), l.get(9)), (2, 1, 0));
        for d in 100..100 + LOST_DEVICES as u32 {
            l.add(d);
        }
        // Two devices were there already: the rest is "other".
        assert_eq!(l.get(100 + LOST_DEVICES as u32 - 1), 0);
        assert_eq!(l.get(0), 2);
        assert_eq!(l.total(), 3 + LOST_DEVICES as u64);
    }

    #[test]
    fn counts_windows() {
        let mut a = Counts::zero();
        a.ios = [3, 4];
        a.hist[5] = 7;
        let mut b = a.clone();
        b.ios[1] += 2;
        b.hist[5] += 1;
        let d = b.since(&a);
        assert_eq!(d.ios, [0, 2]);
        assert_eq!(d.hist[5], 1);
        assert_eq!(d.total_ios(), 2);
        let mut s = Counts::zero();
        s.add(&a);
        s.add(&d);
        assert_eq!(s, b);
    }

    #[test]
    fn throttle_steps_down_on_misses_and_up_with_room() {
        let mut t = Throttle::start(100 << 20, 1000, false);
        assert_eq!(t.share(), FULL * 7 / 8);
        assert!(t.step(Signal::Missed));
        assert_eq!(t.share(), FULL * 49 / 64);
        assert!(t.step(Signal::MissedFar));
        assert_eq!(t.share(), FULL * 49 / 128);
        for _ in 0..20 {
            assert!(t.step(Signal::Missed));
        }
        assert_eq!(t.share(), MIN_SHARE);
        let (bps, iops) = t.limits();
        assert_eq!(bps, (100 << 20) / 16);
        assert_eq!(iops, 1000 * 64 / 1024);
        // The last miss was at the floor: room alone does not climb until
        // the ceiling is probed upwards, a step every PROBE_WINDOWS.
        for _ in 0..PROBE_WINDOWS - 1 {
            t.step(Signal::Room);
        }
        assert_eq!(t.share(), MIN_SHARE);
        for _ in 0..PROBE_WINDOWS + 1 {
            t.step(Signal::Room);
        }
        assert_eq!(t.share(), MIN_SHARE + STEP_UP);
        // Below a ceiling with room: a step every CALM_WINDOWS.
        let mut t = Throttle::start(1 << 20, 100, true);
        assert_eq!(t.share(), FULL / 2);
        t.step(Signal::Room);
        t.step(Signal::Room);
        assert_eq!(t.share(), FULL / 2);
        t.step(Signal::Room);
        assert_eq!(t.share(), FULL / 2 + STEP_UP);
        t.step(Signal::Hold);
        let before = t;
        t.step(Signal::Wait);
        assert_eq!(t, before);
        assert!(t.step(Signal::Missed));
    }

    #[test]
    fn throttle_probes_upwards_and_lets_go() {
        let mut t = Throttle::start(1 << 20, 100, false);
        let mut windows = 0;
        while t.step(Signal::Room) {
            windows += 1;
            assert!(windows < 2000, "never released");
        }
        assert_eq!(t.share(), FULL);
    }

    #[test]
    fn throttle_releases_fast_when_important_io_stops() {
        let mut t = Throttle::start(1 << 20, 100, true);
        for _ in 0..10 {
            t.step(Signal::MissedFar);
        }
        let mut windows = 0;
        while t.step(Signal::Idle) {
            windows += 1;
        }
        // Two idle windows of grace, then doubling from 1/16.
        assert_eq!(windows, IDLE_WINDOWS as usize - 1 + 4 - 1);
        // Idle windows interrupted by IO start over.
        let mut t = Throttle::start(1 << 20, 100, false);
        t.step(Signal::Idle);
        t.step(Signal::Idle);
        t.step(Signal::Hold);
        t.step(Signal::Idle);
        assert_eq!(t.share(), FULL * 7 / 8);
    }

    #[test]
    fn io_max_lines() {
        let text = b"8:0 rbps=max wbps=1048576 riops=max wiops=max\n254:16 rbps=2 wbps=max riops=3 wiops=max\n";
        let m = IoMax::parse(text, 8 << MINOR_BITS).unwrap();
        assert_eq!(m.wbps, Some(1 << 20));
        assert_eq!(m.rbps, None);
        let m = IoMax::parse(text, 254 << MINOR_BITS | 16).unwrap();
        assert_eq!((m.rbps, m.riops), (Some(2), Some(3)));
        assert_eq!(IoMax::parse(text, 7).unwrap(), IoMax::default());
        assert_eq!(IoMax::parse(b"", 7).unwrap(), IoMax::default());
        assert!(IoMax::parse(b"8:0 foo=1\n", 8 << MINOR_BITS).is_err());
        let mut s = String::new();
        m.format(254 << MINOR_BITS | 16, &mut s).unwrap();
        assert_eq!(s, "254:16 rbps=2 wbps=max riops=3 wiops=max\n");
        let t = IoMax::from_limits((1000, 10)).min(&m);
        assert_eq!(
            t,
            IoMax {
                rbps: Some(2),
                wbps: Some(1000),
                riops: Some(3),
                wiops: Some(10)
            }
        );
    }

    #[test]
    fn devices() {
        assert_eq!(parse_dev(b"8:16"), Ok(8 << MINOR_BITS | 16));
        assert_eq!(parse_dev(b"0:0"), Err(ParseError::Invalid));
        assert_eq!(parse_dev(b"8"), Err(ParseError::Invalid));
        assert_eq!(parse_dev(b"8:x"), Err(ParseError::Invalid));
        assert_eq!(parse_dev(b"4096:0"), Err(ParseError::Range));
        assert_eq!(parse_dev(b"1:1048576"), Err(ParseError::Range));
        let mut s = String::new();
        write!(s, "{}", Dev(259 << MINOR_BITS | 3)).unwrap();
        assert_eq!(s, "259:3");
    }

    #[test]
    fn targets() {
        let t = Targets::default();
        assert!(t.is_empty());
        let t = t.apply(b"default 5000\n8:0 2000\n").unwrap();
        assert_eq!(t.get(8 << MINOR_BITS), 2000);
        assert_eq!(t.get(9 << MINOR_BITS), 5000);
        let mut s = String::new();
        t.format(&mut s).unwrap();
        assert_eq!(s, "default 5000\n8:0 2000\n");
        let t2 = t.apply(b"8:0 0").unwrap();
        assert_eq!(t2.get(8 << MINOR_BITS), 5000);
        assert!(t2.apply(b"default 0").unwrap().is_empty());
        // All or nothing.
        assert_eq!(
            t.apply(b"default 1\n8:0 x\n"),
            Err(TargetError::Parse(ParseError::Invalid))
        );
        assert_eq!(
            t.apply(b"default 10000001"),
            Err(TargetError::Parse(ParseError::Range))
        );
        assert_eq!(t.apply(b""), Err(TargetError::Parse(ParseError::Invalid)));
        assert_eq!(
            t.apply(b"default"),
            Err(TargetError::Parse(ParseError::Invalid))
        );
        assert_eq!(
            t.apply(b"default 1 2"),
            Err(TargetError::Parse(ParseError::Invalid))
        );
        assert_eq!(
            t.apply(b"0:0 5"),
            Err(TargetError::Parse(ParseError::Invalid))
        );
        let mut full = Targets::default();
        for i in 1..=MAX_DEV_TARGETS as u32 {
            full = full.apply(format!("8:{i} 100").as_bytes()).unwrap();
        }
        assert_eq!(full.apply(b"9:0 100"), Err(TargetError::Full));
        // Changing one that is there needs no room.
        assert!(full.apply(b"8:1 200").is_ok());
    }

    #[test]
    fn target_devices_must_exist() {
        let disk = |d: u32| d == 8 << MINOR_BITS;
        assert_eq!(check_devices(b"default 5\n8:0 100\n", disk), Ok(()));
        assert_eq!(
            check_devices(b"8:0 100\n8:1 100\n", disk),
            Err(TargetError::NoDevice)
        );
        // Removing the target of a device that is gone is fine.
        assert_eq!(check_devices(b"8:1 0", disk), Ok(()));
        assert_eq!(
            check_devices(b"8:0 x", disk),
            Err(TargetError::Parse(ParseError::Invalid))
        );
        let mut asked = std::vec::Vec::new();
        let _ = check_devices(b"default 3\n9:2 4\n\n8:0 5", |d| {
            asked.push(d);
            true
        });
        assert_eq!(asked, [9 << MINOR_BITS | 2, 8 << MINOR_BITS]);
    }
}
