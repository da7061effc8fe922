// SPDX-License-Identifier: GPL-2.0

//! The CPU side of a view cgroup at one moment: the CPUs it may use, how
//! many of them its quota allows, and its CPU time. The `cpuinfo`, `stat`,
//! `uptime` and CPU-list views of a cgroup show one snapshot, kept for
//! `stat_cache_ms` (`views/cache.rs`).

use crate::cpus;
use crate::kfiles::{copy, read_cg, read_host};
use crate::procstat::{self, CpuTimes};
use crate::support::mount::PrivateMount;
use crate::viewpath;
use kernel::prelude::*;

/// The CPU side of a view cgroup as of `at_ns`: its CPUs (the cpuset's,
/// all online CPUs without a cpuset), how many of them the quota allows,
/// and the cgroup's CPU time.
pub(crate) struct CpuSnap {
    /// The cpu list of the view's CPUs: `cpuset.cpus.effective`, or the
    /// host's online CPUs.
    list: KVVec<u8>,
    /// How many CPUs the view shows (at least 1).
    pub(crate) count: u32,
    /// `usage_usec`, `user_usec`, `system_usec` of `cpu.stat`.
    pub(crate) usage_us: u64,
    pub(crate) user_us: u64,
    pub(crate) system_us: u64,
    /// When this was read, in boot-time nanoseconds.
    pub(crate) at_ns: u64,
}

impl CpuSnap {
    /// Reads the snapshot of the cgroup at path `cgroup` of the cgroup2
    /// mount `cg_mnt`; `sys_mnt` is sysfs, for the host's online CPUs.
    pub(crate) fn read(
        cg_mnt: &PrivateMount,
        sys_mnt: &PrivateMount,
        cgroup: &[u8],
        at_ns: u64,
    ) -> Result<Self> {
        let list = match read_cg(cg_mnt, cgroup, "cpuset.cpus.effective")? {
            Some(l) => l,
            None => read_host(sys_mnt, kernel::c_str!("devices/system/cpu/online"))?,
        };
        let mut count = 0u32;
        for c in cpus::cpulist(&list) {
            if c.is_none() {
                return Err(EINVAL);
            }
            count += 1;
        }
        for c in viewpath::ancestors(cgroup) {
            if let Some(max) = read_cg(cg_mnt, c, "cpu.max")? {
                if let Some(q) = cpus::quota_cpus(&max) {
                    count = count.min(q);
                }
            }
        }
        let mut t = CpuTimes::default();
        if let Some(stat) = read_cg(cg_mnt, cgroup, "cpu.stat")? {
            procstat::parse_cpu_stat(&stat, &mut t);
        }
        Ok(Self {
            list,
            count: count.max(1),
            usage_us: t.usage_us,
            user_us: t.user_us,
            system_us: t.system_us,
            at_ns,
        })
    }

    pub(crate) fn try_clone(&self) -> Result<Self> {
        Ok(Self {
            list: copy(&self.list)?,
            ..*self
        })
    }

    /// Whether host CPU `cpu` is one of the view's.
    pub(crate) fn contains(&self, cpu: u32) -> bool {
        cpus::cpulist(&self.list).any(|c| c == Some(cpu))
    }
}
