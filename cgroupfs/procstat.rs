// SPDX-License-Identifier: GPL-2.0

//! The container views of `/proc/stat`, `/proc/uptime` and `/proc/loadavg`.
//!
//! Pure logic, compiled into the module and on the host: the kernel's load
//! average arithmetic, and the texts in the host files' formats.

use crate::support::decimal::number;
use core::fmt::{self, Write};

/// Fixed-point load averages, as the kernel keeps `avenrun[]`.
const FSHIFT: u32 = 11;
const FIXED_1: u64 = 1 << FSHIFT;
/// 1/exp(5s/1min), 1/exp(5s/5min), 1/exp(5s/15min) in fixed point.
const EXP: [u64; 3] = [1884, 2014, 2037];

/// The kernel's `calc_load()`: one 5-second step of an average.
fn calc_load(load: u64, exp: u64, active: u64) -> u64 {
    let mut new = load * exp + active * (FIXED_1 - exp);
    if active >= load {
        new += FIXED_1 - 1;
    }
    new / FIXED_1
}

/// A cgroup's 1, 5 and 15-minute load averages.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LoadAvg([u64; 3]);

impl LoadAvg {
    /// Starts at `active` tasks, as if they had always been there.
    pub(crate) fn starting_at(active: u64) -> Self {
        Self([active.saturating_mul(FIXED_1); 3])
    }

    /// One 5-second sample with `active` running or waiting tasks.
    pub(crate) fn sample(&mut self, active: u64) {
        let active = active.saturating_mul(FIXED_1);
        for (avg, exp) in self.0.iter_mut().zip(EXP) {
            *avg = calc_load(*avg, exp, active);
        }
    }

    /// Writes a `/proc/loadavg` line.
    pub(crate) fn write(
        &self,
        running: u64,
        total: u64,
        last_pid: u64,
        out: &mut dyn Write,
    ) -> fmt::Result {
        for avg in self.0 {
            // Rounded as loadavg_proc_show() rounds: + FIXED_1/200.
            let a = avg + FIXED_1 / 200;
            let frac = ((a & (FIXED_1 - 1)) * 100) >> FSHIFT;
            write!(out, "{}.{:02} ", a >> FSHIFT, frac)?;
        }
        writeln!(out, "{running}/{total} {last_pid}")
    }
}

/// Splits seconds and hundredths, as the kernel prints times.
fn centis(ns: u64) -> (u64, u64) {
    (ns / 1_000_000_000, (ns % 1_000_000_000) / 10_000_000)
}

/// Writes a `/proc/uptime` line: `uptime_ns` since the view cgroup began,
/// and the idle time of its `cpus` CPUs over that time given `usage_ns` of
/// CPU use (never negative).
pub(crate) fn write_uptime(
    uptime_ns: u64,
    cpus: u32,
    usage_ns: u64,
    out: &mut dyn Write,
) -> fmt::Result {
    let idle = uptime_ns
        .saturating_mul(u64::from(cpus))
        .saturating_sub(usage_ns);
    let (us, uc) = centis(uptime_ns);
    let (is, ic) = centis(idle);
    writeln!(out, "{us}.{uc:02} {is}.{ic:02}")
}

/// What `/proc/stat` of a view is computed from.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct CpuTimes {
    /// How many CPUs the view has.
    pub(crate) cpus: u32,
    /// `usage_usec`, `user_usec`, `system_usec` of the cgroup's `cpu.stat`.
    pub(crate) usage_us: u64,
    pub(crate) user_us: u64,
    pub(crate) system_us: u64,
    /// Time since the view cgroup began, in microseconds.
    pub(crate) uptime_us: u64,
    /// Tasks running or runnable, and in uninterruptible IO wait.
    pub(crate) running: u64,
    pub(crate) blocked: u64,
}

/// Parses the microsecond counters of a `cpu.stat` text into `t`.
pub(crate) fn parse_cpu_stat(text: &[u8], t: &mut CpuTimes) {
    for line in text.split(|&b| b == b'\n') {
        let mut w = line.split(|&b| b == b' ');
        let (Some(k), Some(v)) = (w.next(), w.next().and_then(number)) else {
            continue;
        };
        match k {
            b"usage_usec" => t.usage_us = v,
            b"user_usec" => t.user_us = v,
            b"system_usec" => t.system_us = v,
            _ => {}
        }
    }
}

/// Writes the view of `host` (the host's `/proc/stat` text): `cpu` and
/// `cpuN` lines from the cgroup's CPU time spread evenly over its CPUs, in
/// `user_hz` ticks, idle the rest of each CPU's time; `procs_running` and
/// `procs_blocked` counted in the cgroup; every other line the host's.
pub(crate) fn write_stat(
    host: &str,
    t: &CpuTimes,
    user_hz: u64,
    out: &mut dyn Write,
) -> fmt::Result {
    let n = u64::from(t.cpus.max(1));
    let ticks = |us: u64| us.saturating_mul(user_hz) / 1_000_000;
    // The kernel counts some time neither user nor system (irq, ...):
    // whatever usage exceeds user + system is shown as system.
    let user = t.user_us.min(t.usage_us);
    let system = t.usage_us - user;
    let idle = t.uptime_us.saturating_mul(n).saturating_sub(t.usage_us);
    let line = |out: &mut dyn Write, name: &dyn fmt::Display, div: u64| {
        writeln!(
            out,
            "{name} {} 0 {} {} 0 0 0 0 0 0",
            ticks(user / div),
            ticks(system / div),
            ticks(idle / div)
        )
    };
    let mut cpus_done = false;
    for l in host.lines() {
        let key = l.split(' ').next().unwrap_or("");
        if key.starts_with("cpu") {
            if !cpus_done {
                line(out, &"cpu ", 1)?;
                for i in 0..n {
                    line(out, &format_args!("cpu{i}"), n)?;
                }
                cpus_done = true;
            }
            continue;
        }
        match key {
            "procs_running" => writeln!(out, "procs_running {}", t.running)?,
            "procs_blocked" => writeln!(out, "procs_blocked {}", t.blocked)?,
            _ => writeln!(out, "{l}")?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_average_converges() {
        let mut l = LoadAvg::default();
        for _ in 0..(15 * 60 / 5 * 5) {
            l.sample(2);
        }
        let mut s = String::new();
        l.write(2, 10, 99, &mut s).unwrap();
        assert_eq!(s, "2.00 2.00 2.00 2/10 99\n");
        // One minute idle: the 1-minute average falls to about 1/e.
        for _ in 0..12 {
            l.sample(0);
        }
        let mut s = String::new();
        l.write(0, 10, 99, &mut s).unwrap();
        assert!(s.starts_with("0.7"), "{s}");
    }

    #[test]
    fn load_average_starts_at_current() {
        let mut s = String::new();
        LoadAvg::starting_at(3).write(1, 4, 7, &mut s).unwrap();
        assert_eq!(s, "3.00 3.00 3.00 1/4 7\n");
        let mut s = String::new();
        LoadAvg::default().write(0, 1, 1, &mut s).unwrap();
        assert_eq!(s, "0.00 0.00 0.00 0/1 1\n");
    }

    #[test]
    fn uptime() {
        let mut s = String::new();
        // 100.5 s on 2 CPUs with 20.25 s of use: idle 180.75 s.
        write_uptime(100_500_000_000, 2, 20_250_000_000, &mut s).unwrap();
        assert_eq!(s, "100.50 180.75\n");
        let mut s = String::new();
        write_uptime(1_000_000_000, 1, 5_000_000_000, &mut s).unwrap();
        assert_eq!(s, "1.00 0.00\n");
    }

    const HOST: &str = "cpu  231234 0 43058 213459 529 0 216 102 0 0
cpu0 112546 0 20818 110768 139 0 41 50 0 0
cpu1 118688 0 22239 102691 390 0 174 52 0 0
cpu2 1 0 1 1 0 0 0 0 0 0
intr 1870717 0 0
ctxt 4258741
btime 1795609074
processes 112553
procs_running 3
procs_blocked 1
softirq 977343 0 138955
";

    #[test]
    fn stat_lines() {
        let mut t = CpuTimes {
            cpus: 2,
            uptime_us: 10_000_000,
            running: 1,
            blocked: 0,
            ..Default::default()
        };
        parse_cpu_stat(
            b"usage_usec 4000000\nuser_usec 3000000\nsystem_usec 900000\nnr_periods 0\n",
            &mut t,
        );
        let mut s = String::new();
        write_stat(HOST, &t, 100, &mut s).unwrap();
        let lines: Vec<&str> = s.lines().collect();
        // user 300 ticks, system 100 (usage - user), idle 2*1000 - 400.
        assert_eq!(lines[0], "cpu  300 0 100 1600 0 0 0 0 0 0");
        assert_eq!(lines[1], "cpu0 150 0 50 800 0 0 0 0 0 0");
        assert_eq!(lines[2], "cpu1 150 0 50 800 0 0 0 0 0 0");
        assert_eq!(lines[3], "intr 1870717 0 0");
        assert!(s.contains("\nprocs_running 1\nprocs_blocked 0\n"));
        assert!(s.contains("\nbtime 1795609074\n"));
        assert_eq!(s.lines().filter(|l| l.starts_with("cpu")).count(), 3);
    }
}
