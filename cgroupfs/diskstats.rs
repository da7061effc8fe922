// SPDX-License-Identifier: GPL-2.0

//! The container view of `/proc/diskstats`.
//!
//! Pure logic, compiled into the module and on the host. One row per
//! device the cgroup did IO on (those in its `io.stat`), in the host's order
//! and format, with the cgroup's completed IOs and sectors; the columns
//! `io.stat` has no counterpart for (merges, times, in flight) are 0.

use crate::support::decimal::number;
use core::fmt::{self, Write};

/// A device's counters from one `io.stat` line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct IoStat {
    rbytes: u64,
    wbytes: u64,
    rios: u64,
    wios: u64,
    dbytes: u64,
    dios: u64,
}

/// The `io.stat` counters of device `major:minor`, if it has a line.
fn io_stat(text: &str, major: u64, minor: u64) -> Option<IoStat> {
    text.lines().find_map(|l| {
        let mut words = l.split(' ');
        let (ma, mi) = words.next()?.split_once(':')?;
        if number(ma.as_bytes())? != major || number(mi.as_bytes())? != minor {
            return None;
        }
        let mut s = IoStat::default();
        for w in words {
            let Some((k, v)) = w.split_once('=') else {
                continue;
            };
            let Some(v) = number(v.as_bytes()) else {
                continue;
            };
            match k {
                "rbytes" => s.rbytes = v,
                "wbytes" => s.wbytes = v,
                "rios" => s.rios = v,
                "wios" => s.wios = v,
                "dbytes" => s.dbytes = v,
                "dios" => s.dios = v,
                _ => {}
            }
        }
        Some(s)
    })
}

/// Writes the rows of `host` (the host's `/proc/diskstats`) for the devices
/// in `io_stat` (the cgroup's `io.stat`), with the cgroup's counters.
pub(crate) fn render(host: &str, io_stat_text: &str, out: &mut dyn Write) -> fmt::Result {
    for line in host.lines() {
        let mut w = line.split_whitespace();
        let (Some(ma), Some(mi), Some(name)) = (w.next(), w.next(), w.next()) else {
            continue;
        };
        let (Some(major), Some(minor)) = (number(ma.as_bytes()), number(mi.as_bytes())) else {
            continue;
        };
        let Some(s) = io_stat(io_stat_text, major, minor) else {
            continue;
        };
        // diskstats_show()'s layout: "%4d %7d %pg" then 17 counters.
        writeln!(
            out,
            "{major:>4} {minor:>7} {name} {} 0 {} 0 {} 0 {} 0 0 0 0 {} 0 {} 0 0 0",
            s.rios,
            s.rbytes / 512,
            s.wios,
            s.wbytes / 512,
            s.dios,
            s.dbytes / 512
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = " 254       0 vda 3000 10 80000 900 200 5 1600 300 0 1000 1200 0 0 0 0 40 20
 254       1 vda1 10 0 80 1 0 0 0 0 0 2 1 0 0 0 0 0 0
 251       0 nullb0 500 0 4000 10 0 0 0 0 0 5 10 0 0 0 0 0 0
";

    #[test]
    fn rows_for_devices_with_io() {
        let io = "254:0 rbytes=1048576 wbytes=4096 rios=256 wios=1 dbytes=0 dios=0\n\
                  251:0 rbytes=512 wbytes=0 rios=1 wios=0 dbytes=1024 dios=2\n";
        let mut s = String::new();
        render(HOST, io, &mut s).unwrap();
        assert_eq!(
            s,
            " 254       0 vda 256 0 2048 0 1 0 8 0 0 0 0 0 0 0 0 0 0\n \
             251       0 nullb0 1 0 1 0 0 0 0 0 0 0 0 2 0 2 0 0 0\n"
        );
        // Same number of columns as the host's rows.
        for (a, b) in s.lines().zip(HOST.lines()) {
            assert_eq!(a.split_whitespace().count(), b.split_whitespace().count());
        }
    }

    #[test]
    fn no_io_no_rows() {
        let mut s = String::new();
        render(HOST, "", &mut s).unwrap();
        assert_eq!(s, "");
        render(HOST, "9:9 rbytes=1\n", &mut s).unwrap();
        assert_eq!(s, "");
    }
}
