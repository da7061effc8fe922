// SPDX-License-Identifier: GPL-2.0

//! The container view of `/proc/vmstat`.
//!
//! Pure logic, compiled into the module and on the host. As for meminfo,
//! the view is the host's text with per-cgroup values substituted: the page
//! counts of the cgroup's memory from `memory.stat` (bytes there, pages
//! here), and every event counter `memory.stat` has under the same name
//! (`pgfault`, `pgmajfault`, `pgscan_direct`, `workingset_refault_file`,
//! ...). Lines without a per-cgroup counterpart stay the host's.

use crate::support::decimal::number;
use core::fmt::{self, Write};

/// vmstat page counts and the `memory.stat` byte counters they come from.
const PAGES: &[(&str, &str)] = &[
    ("nr_inactive_anon", "inactive_anon"),
    ("nr_active_anon", "active_anon"),
    ("nr_inactive_file", "inactive_file"),
    ("nr_active_file", "active_file"),
    ("nr_unevictable", "unevictable"),
    ("nr_zone_inactive_anon", "inactive_anon"),
    ("nr_zone_active_anon", "active_anon"),
    ("nr_zone_inactive_file", "inactive_file"),
    ("nr_zone_active_file", "active_file"),
    ("nr_zone_unevictable", "unevictable"),
    ("nr_slab_reclaimable", "slab_reclaimable"),
    ("nr_slab_unreclaimable", "slab_unreclaimable"),
    ("nr_anon_pages", "anon"),
    ("nr_mapped", "file_mapped"),
    ("nr_file_pages", "file"),
    ("nr_dirty", "file_dirty"),
    ("nr_writeback", "file_writeback"),
    ("nr_shmem", "shmem"),
    ("nr_page_table_pages", "pagetables"),
    ("nr_sec_page_table_pages", "sec_pagetables"),
    ("nr_swapcached", "swapcached"),
];

/// The value of `key` in a `key value` text (`memory.stat`).
fn lookup(text: &str, key: &str) -> Option<u64> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once(' ')?;
        (k == key).then(|| number(v.trim().as_bytes()))?
    })
}

/// Writes the view of `host` (the host's `/proc/vmstat`) for a cgroup whose
/// `memory.stat` text is `stat`, with `free_pages` free pages in its view
/// and pages of `page_size` bytes.
pub(crate) fn render(
    host: &str,
    stat: &str,
    free_pages: u64,
    page_size: u64,
    out: &mut dyn Write,
) -> fmt::Result {
    let page_size = page_size.max(1);
    for line in host.lines() {
        let Some((key, _)) = line.split_once(' ') else {
            writeln!(out, "{line}")?;
            continue;
        };
        let value = if key == "nr_free_pages" {
            Some(free_pages)
        } else if key == "nr_kernel_stack" {
            // Kept in kB by the kernel, bytes in memory.stat.
            lookup(stat, "kernel_stack").map(|b| b / 1024)
        } else if let Some((_, from)) = PAGES.iter().find(|(k, _)| *k == key) {
            lookup(stat, from).map(|b| b / page_size)
        } else {
            // An event counter memory.stat keeps under the same name.
            lookup(stat, key)
        };
        match value {
            Some(v) => writeln!(out, "{key} {v}")?,
            None => writeln!(out, "{line}")?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "nr_free_pages 200000
nr_inactive_anon 5000
nr_zone_active_file 77
nr_kernel_stack 3000
nr_anon_transparent_hugepages 3
pgfault 123456
pgmajfault 99
pgscan_direct 5
workingset_refault_file 8
pgpgin 4242
";

    const STAT: &str = "anon 8192
inactive_anon 40960
active_file 4096
kernel_stack 65536
pgfault 17
pgmajfault 2
workingset_refault_file 1
";

    #[test]
    fn substitutes_cgroup_values() {
        let mut s = String::new();
        render(HOST, STAT, 1000, 4096, &mut s).unwrap();
        assert_eq!(
            s,
            "nr_free_pages 1000
nr_inactive_anon 10
nr_zone_active_file 1
nr_kernel_stack 64
nr_anon_transparent_hugepages 3
pgfault 17
pgmajfault 2
pgscan_direct 5
workingset_refault_file 1
pgpgin 4242
"
        );
    }

    #[test]
    fn keeps_lines_it_cannot_parse() {
        let mut s = String::new();
        render("odd\nnr_dirty 5\n", "", 0, 4096, &mut s).unwrap();
        assert_eq!(s, "odd\nnr_dirty 5\n");
    }
}
