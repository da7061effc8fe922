// SPDX-License-Identifier: GPL-2.0

//! The container view of the CPUs: how many, which, and the text of
//! `/proc/cpuinfo` and `/sys/devices/system/cpu/online` for them.
//!
//! Pure logic, compiled into the module and on the host.

use crate::support::decimal::number;
use core::fmt::{self, Write};

/// Iterates the CPU numbers of a kernel CPU list (`0-3,8,10-11`).
///
/// Yields `None` once and stops at a malformed element.
pub(crate) fn cpulist(text: &[u8]) -> impl Iterator<Item = Option<u32>> + '_ {
    let text = trim(text);
    let mut ranges = text.split(|&b| b == b',').filter(|r| !r.is_empty());
    let mut cur: Option<(u32, u32)> = None;
    let mut broken = false;
    core::iter::from_fn(move || loop {
        if broken {
            return None;
        }
        if let Some((next, last)) = cur {
            cur = if next < last {
                Some((next + 1, last))
            } else {
                None
            };
            return Some(Some(next));
        }
        let r = ranges.next()?;
        let mut ends = r.splitn(2, |&b| b == b'-');
        let first = ends.next().and_then(parse_u32);
        let last = match ends.next() {
            Some(l) => parse_u32(l),
            None => first,
        };
        match (first, last) {
            (Some(f), Some(l)) if f <= l => cur = Some((f, l)),
            _ => {
                broken = true;
                return Some(None);
            }
        }
    })
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [rest @ .., b'\n' | b' '] = s {
        s = rest;
    }
    s
}

fn parse_u32(s: &[u8]) -> Option<u32> {
    number(s).and_then(|v| u32::try_from(v).ok())
}

/// The number of CPUs a `cpu.max` line (`$QUOTA $PERIOD` or `max $PERIOD`)
/// allows: `ceil(quota / period)`, at least 1; `None` for no limit or a
/// malformed line.
pub(crate) fn quota_cpus(cpu_max: &[u8]) -> Option<u32> {
    let mut words = trim(cpu_max).split(|&b| b == b' ');
    let quota = words.next()?;
    let period = number(words.next()?)?;
    if quota == b"max" || period == 0 {
        return None;
    }
    let quota = number(quota)?;
    let n = quota.div_ceil(period).max(1);
    Some(u32::try_from(n).unwrap_or(u32::MAX))
}

/// The tightest of several `cpu.max` lines (a cgroup's and its
/// ancestors'), as a `cpu.max` line: the one allowing the least CPU time per
/// period, or `max PERIOD` with the first line's period when none limits.
pub(crate) fn tightest_cpu_max<'a>(
    lines: impl Iterator<Item = &'a [u8]>,
    out: &mut dyn Write,
) -> fmt::Result {
    let mut best: Option<(u64, u64)> = None;
    let mut first_period = None;
    for line in lines {
        let mut words = trim(line).split(|&b| b == b' ');
        let (Some(quota), Some(period)) = (words.next(), words.next().and_then(number)) else {
            continue;
        };
        first_period.get_or_insert(period);
        let Some(quota) = number(quota).filter(|_| period > 0) else {
            continue;
        };
        // quota/period < q/p  <=>  quota * p < q * period
        let tighter = match best {
            None => true,
            Some((q, p)) => u128::from(quota) * u128::from(p) < u128::from(q) * u128::from(period),
        };
        if tighter {
            best = Some((quota, period));
        }
    }
    match best {
        Some((q, p)) => writeln!(out, "{q} {p}"),
        None => writeln!(out, "max {}", first_period.unwrap_or(100_000)),
    }
}

/// Writes a CPU list `0-(n-1)` (`0` for one CPU) with a newline.
pub(crate) fn write_online(n: u32, out: &mut dyn Write) -> fmt::Result {
    match n {
        0 | 1 => writeln!(out, "0"),
        n => writeln!(out, "0-{}", n - 1),
    }
}

/// The CPU number a `/proc/cpuinfo` block describes (`processor : N`).
fn block_cpu(block: &str) -> Option<u32> {
    let line = block.lines().find(|l| l.starts_with("processor"))?;
    let (_, n) = line.split_once(':')?;
    parse_u32(n.trim().as_bytes())
}

/// Writes the host's `/proc/cpuinfo` text restricted to the CPUs for which
/// `keep` is true, renumbered from 0 in their order, at most `max` of them.
///
/// Text outside `processor` blocks (arm64 has none; some architectures put
/// a header first) is kept as it is.
pub(crate) fn write_cpuinfo(
    host: &str,
    keep: &dyn Fn(u32) -> bool,
    max: u32,
    out: &mut dyn Write,
) -> fmt::Result {
    let mut shown = 0u32;
    let mut first = true;
    for block in host.split("\n\n").filter(|b| !b.trim().is_empty()) {
        let block = block.trim_start_matches('\n');
        let text = match block_cpu(block) {
            Some(cpu) if !keep(cpu) || shown >= max => continue,
            Some(_) => {
                shown += 1;
                Some(shown - 1)
            }
            None => None,
        };
        if !first {
            out.write_str("\n")?;
        }
        first = false;
        for line in block.lines() {
            match (text, line.split_once(':')) {
                (Some(n), Some((key, _))) if key.trim_end() == "processor" => {
                    writeln!(out, "{key}: {n}")?
                }
                _ => writeln!(out, "{line}")?,
            }
        }
    }
    if !first {
        out.write_str("\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(s: &str) -> Vec<Option<u32>> {
        cpulist(s.as_bytes()).collect()
    }

    #[test]
    fn cpu_lists() {
        assert_eq!(list("0-3,8,10-11\n"), [0, 1, 2, 3, 8, 10, 11].map(Some));
        assert_eq!(list("0"), [Some(0)]);
        assert_eq!(list(""), []);
        assert_eq!(list("\n"), []);
        assert_eq!(list("2-1"), [None]);
        assert_eq!(list("1,x"), [Some(1), None]);
        assert_eq!(list("4294967295"), [Some(u32::MAX)]);
    }

    #[test]
    fn quotas() {
        assert_eq!(quota_cpus(b"150000 100000\n"), Some(2));
        assert_eq!(quota_cpus(b"100000 100000"), Some(1));
        assert_eq!(quota_cpus(b"1000 100000"), Some(1));
        assert_eq!(quota_cpus(b"max 100000\n"), None);
        assert_eq!(quota_cpus(b"garbage"), None);
        assert_eq!(quota_cpus(b"100 0"), None);
    }

    #[test]
    fn tightest_quota() {
        let t = |lines: &[&str]| {
            let mut s = String::new();
            tightest_cpu_max(lines.iter().map(|l| l.as_bytes()), &mut s).unwrap();
            s
        };
        assert_eq!(t(&["max 100000\n", "max 100000\n"]), "max 100000\n");
        assert_eq!(t(&["max 50000\n", "200000 100000\n"]), "200000 100000\n");
        assert_eq!(
            t(&["150000 100000", "50000 20000", "300000 100000"]),
            "150000 100000\n"
        );
        assert_eq!(t(&["100000 50000", "150000 100000"]), "150000 100000\n");
        assert_eq!(t(&[]), "max 100000\n");
        assert_eq!(t(&["junk"]), "max 100000\n");
    }

    #[test]
    fn online() {
        let mut s = String::new();
        write_online(1, &mut s).unwrap();
        write_online(3, &mut s).unwrap();
        assert_eq!(s, "0\n0-2\n");
    }

    const X86: &str = "processor\t: 0\nvendor_id\t: GenuineIntel\ncore id\t\t: 0\n\n\
processor\t: 1\nvendor_id\t: GenuineIntel\ncore id\t\t: 1\n\n\
processor\t: 2\nvendor_id\t: GenuineIntel\ncore id\t\t: 2\n\n\
processor\t: 3\nvendor_id\t: GenuineIntel\ncore id\t\t: 3\n\n";

    #[test]
    fn cpuinfo_filters_and_renumbers() {
        let mut s = String::new();
        write_cpuinfo(X86, &|c| c == 1 || c == 3, u32::MAX, &mut s).unwrap();
        assert_eq!(
            s,
            "processor\t: 0\nvendor_id\t: GenuineIntel\ncore id\t\t: 1\n\n\
processor\t: 1\nvendor_id\t: GenuineIntel\ncore id\t\t: 3\n\n"
        );
        let mut s = String::new();
        write_cpuinfo(X86, &|_| true, 2, &mut s).unwrap();
        assert_eq!(s.matches("processor").count(), 2);
        let mut s = String::new();
        write_cpuinfo(X86, &|_| true, u32::MAX, &mut s).unwrap();
        assert_eq!(s, X86);
    }

    #[test]
    fn cpuinfo_keeps_text_outside_blocks() {
        let host = "processor\t: 0\nBogoMIPS\t: 125.00\n\nprocessor\t: 1\nBogoMIPS\t: 125.00\n\n";
        let mut s = String::new();
        write_cpuinfo(host, &|c| c == 1, 1, &mut s).unwrap();
        assert_eq!(s, "processor\t: 0\nBogoMIPS\t: 125.00\n\n");
        let with_header = "Processor\t: ARMv7\nprocessor\t: 0\n\nHardware\t: X\n";
        let mut s = String::new();
        write_cpuinfo(with_header, &|_| false, 1, &mut s).unwrap();
        assert_eq!(s, "Hardware\t: X\n\n");
    }
}
