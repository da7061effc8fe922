// SPDX-License-Identifier: GPL-2.0

//! A cgroup's `rue.io.latency_target_us`: parsed, checked, applied and
//! written.

use super::dev::{parse_dev, parse_u64, Dev};
use crate::support::kparam::ParseError;
use core::fmt::{self, Write};

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
    use super::super::dev::MINOR_BITS;
    use super::*;
    use std::string::String;

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
