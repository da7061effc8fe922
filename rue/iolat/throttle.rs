// SPDX-License-Identifier: GPL-2.0

//! The throttle: how hard one cgroup is throttled on one device, moved
//! step by step by what the more important cgroups there saw.

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
