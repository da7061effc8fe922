// SPDX-License-Identifier: GPL-2.0

//! The container view of `/proc/meminfo`.
//!
//! Pure logic, compiled into the module and on the host. The view is the
//! host's own `/proc/meminfo` text with the values that have a per-cgroup
//! meaning replaced, so that the field names, their order, the column layout
//! and the fields this kernel's configuration adds or omits are exactly the
//! host's, on any kernel version and architecture.

use crate::support::decimal::number;
use core::fmt::{self, Write};

/// The byte counters of a cgroup's `memory.stat` that the view uses.
///
/// Counters absent from `memory.stat` (because of the kernel's
/// configuration) stay 0.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct MemStat {
    pub(crate) anon: u64,
    pub(crate) file: u64,
    pub(crate) kernel_stack: u64,
    pub(crate) pagetables: u64,
    pub(crate) sec_pagetables: u64,
    pub(crate) percpu: u64,
    pub(crate) shmem: u64,
    pub(crate) zswap: u64,
    pub(crate) zswapped: u64,
    pub(crate) file_mapped: u64,
    pub(crate) file_dirty: u64,
    pub(crate) file_writeback: u64,
    pub(crate) swapcached: u64,
    pub(crate) anon_thp: u64,
    pub(crate) file_thp: u64,
    pub(crate) shmem_thp: u64,
    pub(crate) inactive_anon: u64,
    pub(crate) active_anon: u64,
    pub(crate) inactive_file: u64,
    pub(crate) active_file: u64,
    pub(crate) unevictable: u64,
    pub(crate) slab_reclaimable: u64,
    pub(crate) slab_unreclaimable: u64,
}

/// The index of the first `needle` in `hay`, eight bytes at a time: the
/// views scan every byte of the host's text on every read, and byte loops
/// are what costs there.
pub(crate) fn find_byte(hay: &[u8], needle: u8) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let pattern = LO * u64::from(needle);
    let mut chunks = hay.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let word: [u8; 8] = chunk.try_into().unwrap_or([0; 8]);
        // Zero bytes of `x` are the matches; the lowest flagged byte is
        // exact (borrows only run toward higher bytes).
        let x = u64::from_le_bytes(word) ^ pattern;
        let found = x.wrapping_sub(LO) & !x & HI;
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == needle)
        .map(|i| at + i)
}

/// Parses a cgroup limit file (`memory.max`, `memory.swap.max`): a number of
/// bytes, or `max` for no limit (`u64::MAX`).
pub(crate) fn parse_limit(text: &[u8]) -> Option<u64> {
    let mut t = text;
    while let [rest @ .., b' ' | b'\n'] = t {
        t = rest;
    }
    if t == b"max" {
        Some(u64::MAX)
    } else {
        number(t)
    }
}

impl MemStat {
    /// Parses the text of `memory.stat` (`key value` lines). Unknown keys and
    /// malformed lines are skipped.
    pub(crate) fn parse(text: &[u8]) -> Self {
        let mut s = Self::default();
        for line in text.split(|&b| b == b'\n') {
            let mut words = line.split(|&b| b == b' ').filter(|w| !w.is_empty());
            let (Some(key), Some(val)) = (words.next(), words.next()) else {
                continue;
            };
            let Some(v) = number(val) else { continue };
            let field = match key {
                b"anon" => &mut s.anon,
                b"file" => &mut s.file,
                b"kernel_stack" => &mut s.kernel_stack,
                b"pagetables" => &mut s.pagetables,
                b"sec_pagetables" => &mut s.sec_pagetables,
                b"percpu" => &mut s.percpu,
                b"shmem" => &mut s.shmem,
                b"zswap" => &mut s.zswap,
                b"zswapped" => &mut s.zswapped,
                b"file_mapped" => &mut s.file_mapped,
                b"file_dirty" => &mut s.file_dirty,
                b"file_writeback" => &mut s.file_writeback,
                b"swapcached" => &mut s.swapcached,
                b"anon_thp" => &mut s.anon_thp,
                b"file_thp" => &mut s.file_thp,
                b"shmem_thp" => &mut s.shmem_thp,
                b"inactive_anon" => &mut s.inactive_anon,
                b"active_anon" => &mut s.active_anon,
                b"inactive_file" => &mut s.inactive_file,
                b"active_file" => &mut s.active_file,
                b"unevictable" => &mut s.unevictable,
                b"slab_reclaimable" => &mut s.slab_reclaimable,
                b"slab_unreclaimable" => &mut s.slab_unreclaimable,
                _ => continue,
            };
            *field = v;
        }
        s
    }
}

/// What a cgroup's memory view is computed from.
#[derive(Debug, Clone)]
pub(crate) struct MemView {
    /// The tightest `memory.max` over the cgroup and its ancestors, in bytes
    /// (`u64::MAX`: unlimited).
    pub(crate) limit: u64,
    /// `memory.current` of the cgroup, in bytes.
    pub(crate) usage: u64,
    /// The tightest `memory.swap.max` over the cgroup and its ancestors.
    pub(crate) swap_limit: u64,
    /// `memory.swap.current` of the cgroup, in bytes.
    pub(crate) swap_usage: u64,
    /// The cgroup's `memory.stat`.
    pub(crate) stat: MemStat,
}

/// The value (kB, or a count) of a `Name:   value kB` line of meminfo.
fn line_value(line: &str) -> Option<u64> {
    let (_, rest) = line.split_once(':')?;
    let num = rest.strip_suffix(" kB").unwrap_or(rest).as_bytes();
    let start = num.iter().position(|&b| b != b' ').unwrap_or(num.len());
    number(&num[start..])
}

/// The host's totals, read from the host's own meminfo text.
fn host_value_kb(host: &str, key: &str) -> Option<u64> {
    // Only the line that starts with `key:` is parsed.
    host.lines()
        .find(|l| l.strip_prefix(key).is_some_and(|r| r.starts_with(':')))
        .and_then(line_value)
}

/// The view's totals, computed once per rendering.
struct Totals {
    total: u64,
    free: u64,
    swap_total: u64,
}

impl Totals {
    fn new(host: &str, v: &MemView) -> Self {
        let host_total = host_value_kb(host, "MemTotal")
            .unwrap_or(0)
            .saturating_mul(1024);
        let host_swap = host_value_kb(host, "SwapTotal")
            .unwrap_or(0)
            .saturating_mul(1024);
        let total = v.limit.min(host_total);
        Totals {
            total,
            free: total.saturating_sub(v.usage),
            swap_total: v.swap_limit.min(host_swap),
        }
    }
}

/// The kB value the view shows for `key`, or `None` to keep the host's.
/// `host_kb` gives the host's value of the line, for the few fields that
/// need it.
fn view_value_kb(
    key: &str,
    host_kb: impl FnOnce() -> Option<u64>,
    t: &Totals,
    v: &MemView,
) -> Option<u64> {
    let kb = |bytes: u64| bytes / 1024;
    let s = &v.stat;
    let Totals {
        total,
        free,
        swap_total,
    } = *t;
    let bytes = match key {
        "MemTotal" => total,
        "MemFree" => free,
        "MemAvailable" => free
            .saturating_add(s.active_file)
            .saturating_add(s.inactive_file)
            .saturating_add(s.slab_reclaimable)
            .min(total),
        "Buffers" => 0,
        "Cached" => s.file.saturating_sub(s.swapcached),
        "SwapCached" => s.swapcached,
        "Active" => s.active_anon.saturating_add(s.active_file),
        "Inactive" => s.inactive_anon.saturating_add(s.inactive_file),
        "Active(anon)" => s.active_anon,
        "Inactive(anon)" => s.inactive_anon,
        "Active(file)" => s.active_file,
        "Inactive(file)" => s.inactive_file,
        "Unevictable" => s.unevictable,
        // Not counted per cgroup: mlocked pages are a subset of unevictable.
        "Mlocked" => return Some(host_kb()?.min(kb(s.unevictable))),
        "SwapTotal" => swap_total,
        "SwapFree" => swap_total.saturating_sub(v.swap_usage),
        "Zswap" => s.zswap,
        "Zswapped" => s.zswapped,
        "Dirty" => s.file_dirty,
        "Writeback" => s.file_writeback,
        "AnonPages" => s.anon,
        "Mapped" => s.file_mapped,
        "Shmem" => s.shmem,
        "KReclaimable" | "SReclaimable" => s.slab_reclaimable,
        "Slab" => s.slab_reclaimable.saturating_add(s.slab_unreclaimable),
        "SUnreclaim" => s.slab_unreclaimable,
        "KernelStack" => s.kernel_stack,
        "PageTables" => s.pagetables,
        "SecPageTables" => s.sec_pagetables,
        "Percpu" => s.percpu,
        "AnonHugePages" => s.anon_thp,
        "ShmemHugePages" => s.shmem_thp,
        "FileHugePages" => s.file_thp,
        // PMD-mapped huge pages are a subset of the cgroup's huge pages.
        "ShmemPmdMapped" => return Some(host_kb()?.min(kb(s.shmem_thp))),
        "FilePmdMapped" => return Some(host_kb()?.min(kb(s.file_thp))),
        _ => return None,
    };
    Some(kb(bytes))
}

/// The free memory of `view` in bytes, as its `MemFree` shows it; `meminfo`
/// is the host's `/proc/meminfo` text.
pub(crate) fn free_bytes(meminfo: &str, view: &MemView) -> u64 {
    Totals::new(meminfo, view).free
}

/// The header line of `/proc/swaps` (fixed by the kernel's `swap_show()`).
pub(crate) const SWAPS_HEADER: &str = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority";

/// A view with the host's own totals: no limit, and the host's swap usage.
pub(crate) fn host_view(meminfo: &str) -> MemView {
    let kb = |k| host_value_kb(meminfo, k).unwrap_or(0).saturating_mul(1024);
    MemView {
        limit: u64::MAX,
        usage: kb("MemTotal").saturating_sub(kb("MemFree")),
        swap_limit: u64::MAX,
        swap_usage: kb("SwapTotal").saturating_sub(kb("SwapFree")),
        stat: MemStat::default(),
    }
}

/// Writes a `/proc/swaps` text for `view`: the header, then one line for
/// its swap when it has any, laid out as the kernel lays out its lines.
/// `meminfo` is the host's `/proc/meminfo` text.
pub(crate) fn render_swaps(meminfo: &str, view: &MemView, out: &mut dyn Write) -> fmt::Result {
    writeln!(out, "{SWAPS_HEADER}")?;
    let t = Totals::new(meminfo, view);
    if t.swap_total == 0 {
        return Ok(());
    }
    let size = t.swap_total / 1024;
    let used = view.swap_usage.min(t.swap_total) / 1024;
    let tab = |n: u64| if n < 10_000_000 { "\t" } else { "" };
    writeln!(
        out,
        "{:<40}virtual\t{size}\t{}{used}\t{}0",
        "none",
        tab(size),
        tab(used)
    )
}

/// `s[from..to]`, or "" where that is not a range of `s` (never, for the
/// byte offsets of ASCII separators the views compute; no panic path).
fn sub(s: &str, from: usize, to: usize) -> &str {
    s.get(from..to).unwrap_or("")
}

/// Writes `value` right-aligned in `width` columns (wider if it needs
/// more digits) to `buf`; returns the bytes written.
fn right_aligned(value: u64, width: usize, buf: &mut [u8; 64]) -> &str {
    let mut digits = [0u8; 20];
    let mut n = digits.len();
    let mut v = value;
    loop {
        n -= 1;
        digits[n] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let digits = &digits[n..];
    let width = width.clamp(digits.len(), buf.len());
    let pad = width - digits.len();
    buf[..pad].fill(b' ');
    for (d, s) in buf[pad..width].iter_mut().zip(digits) {
        *d = *s;
    }
    // Only ASCII spaces and digits were written.
    core::str::from_utf8(&buf[..width]).unwrap_or("")
}

/// Writes the view of `host` (the host's `/proc/meminfo` text) for `view`.
///
/// With `view` `None` the host text is written unchanged. Runs of lines the
/// view keeps are written in one piece: this is on the path of every read.
pub(crate) fn render(host: &str, view: Option<&MemView>, out: &mut dyn Write) -> fmt::Result {
    let Some(v) = view else {
        return out.write_str(host);
    };
    let t = Totals::new(host, v);
    let mut kept = 0;
    let mut at = 0;
    let mut num = [0u8; 64];
    let bytes = host.as_bytes();
    while at < host.len() {
        let end = find_byte(&bytes[at..], b'\n').map_or(host.len(), |i| at + i);
        let next = (end + 1).min(host.len());
        // Only the key is looked at unless the view replaces the value.
        let line = sub(host, at, end);
        let Some(colon) = find_byte(line.as_bytes(), b':') else {
            at = next;
            continue;
        };
        let (key, rest) = (sub(line, 0, colon), sub(line, colon + 1, line.len()));
        let num_end = rest.strip_suffix(" kB").map_or(rest.len(), str::len);
        let value = &rest.as_bytes()[..num_end];
        if !value.last().is_some_and(u8::is_ascii_digit) {
            at = next;
            continue;
        }
        let host_kb = || line_value(line);
        if let Some(kb) = view_value_kb(key, host_kb, &t, v) {
            out.write_str(sub(host, kept, at))?;
            out.write_str(sub(line, 0, colon + 1))?;
            out.write_str(right_aligned(kb, num_end, &mut num))?;
            out.write_str(sub(rest, num_end, rest.len()))?;
            out.write_str("\n")?;
            kept = next;
        }
        at = next;
    }
    let tail = sub(host, kept, host.len());
    out.write_str(tail)?;
    if !tail.is_empty() && !tail.ends_with('\n') {
        out.write_str("\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "\
MemTotal:        4005824 kB
MemFree:         3000000 kB
MemAvailable:    3500000 kB
Buffers:           10000 kB
Cached:           400000 kB
SwapCached:            0 kB
Active:           100000 kB
Inactive:         200000 kB
Active(anon):      50000 kB
Inactive(anon):    60000 kB
Active(file):      50000 kB
Inactive(file):   140000 kB
Unevictable:        1000 kB
Mlocked:            1000 kB
SwapTotal:       1048572 kB
SwapFree:        1048572 kB
Dirty:               100 kB
Writeback:             0 kB
AnonPages:        110000 kB
Mapped:            70000 kB
Shmem:              5000 kB
KReclaimable:      30000 kB
Slab:              60000 kB
SReclaimable:      30000 kB
SUnreclaim:        30000 kB
KernelStack:        3000 kB
PageTables:         2000 kB
SecPageTables:         0 kB
NFS_Unstable:          0 kB
CommitLimit:     3051484 kB
Committed_AS:     500000 kB
VmallocTotal:   34359738367 kB
Percpu:             1000 kB
HardwareCorrupted:     0 kB
HugePages_Total:       0
Hugepagesize:       2048 kB
";

    const STAT: &[u8] = b"anon 10485760
file 20971520
kernel 1048576
kernel_stack 65536
pagetables 131072
percpu 4096
shmem 1048576
file_mapped 2097152
file_dirty 8192
file_writeback 0
swapcached 1048576
inactive_anon 4194304
active_anon 6291456
inactive_file 15728640
active_file 5242880
unevictable 0
slab_reclaimable 524288
slab_unreclaimable 262144
workingset_refault_anon 7
bogus line without value
";

    fn value(text: &str, key: &str) -> u64 {
        host_value_kb(text, key).unwrap_or_else(|| panic!("{key} missing in\n{text}"))
    }

    fn view(limit: u64, usage: u64) -> MemView {
        MemView {
            limit,
            usage,
            swap_limit: u64::MAX,
            swap_usage: 0,
            stat: MemStat::parse(STAT),
        }
    }

    fn rendered(v: Option<&MemView>) -> String {
        let mut s = String::new();
        render(HOST, v, &mut s).unwrap();
        s
    }

    #[test]
    fn parses_memory_stat() {
        let s = MemStat::parse(STAT);
        assert_eq!(s.anon, 10 << 20);
        assert_eq!(s.slab_unreclaimable, 256 << 10);
        assert_eq!(s.zswap, 0);
        assert_eq!(parse_limit(b"max\n"), Some(u64::MAX));
        assert_eq!(parse_limit(b"67108864\n"), Some(64 << 20));
        assert_eq!(parse_limit(b"-1"), None);
    }

    #[test]
    fn limited_cgroup() {
        let out = rendered(Some(&view(64 << 20, 40 << 20)));
        assert_eq!(value(&out, "MemTotal"), 65536);
        assert_eq!(value(&out, "MemFree"), 24 * 1024);
        // free + active_file + inactive_file + slab_reclaimable
        assert_eq!(
            value(&out, "MemAvailable"),
            24 * 1024 + 5 * 1024 + 15 * 1024 + 512
        );
        assert_eq!(value(&out, "Buffers"), 0);
        assert_eq!(value(&out, "Cached"), 19 * 1024);
        assert_eq!(value(&out, "Active"), 6 * 1024 + 5 * 1024);
        assert_eq!(value(&out, "Slab"), 768);
        assert_eq!(value(&out, "KernelStack"), 64);
        // Host-only fields stay.
        assert_eq!(value(&out, "CommitLimit"), 3051484);
        assert!(out.contains("HugePages_Total:       0\n"));
        // Same fields, same order, same columns.
        assert_eq!(out.lines().count(), HOST.lines().count());
        for (a, b) in out.lines().zip(HOST.lines()) {
            assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
            assert_eq!(a.split(':').next(), b.split(':').next());
        }
        assert!(out.contains("MemTotal:          65536 kB\n"));
    }

    #[test]
    fn never_negative_and_capped() {
        // Usage above the limit (kernel memory, racing reads): free is 0.
        let out = rendered(Some(&view(16 << 20, 20 << 20)));
        assert_eq!(value(&out, "MemTotal"), 16384);
        assert_eq!(value(&out, "MemFree"), 0);
        // Available never exceeds the total.
        assert_eq!(value(&out, "MemAvailable"), 16384);
    }

    #[test]
    fn unlimited_shows_host_totals() {
        let out = rendered(Some(&view(u64::MAX, 40 << 20)));
        assert_eq!(value(&out, "MemTotal"), 4005824);
        assert_eq!(value(&out, "MemFree"), 4005824 - 40 * 1024);
        assert_eq!(value(&out, "SwapTotal"), 1048572);
        // A limit above the host's RAM shows the host's RAM.
        let out = rendered(Some(&view(1 << 50, 0)));
        assert_eq!(value(&out, "MemTotal"), 4005824);
    }

    #[test]
    fn swap() {
        let mut v = view(64 << 20, 0);
        v.swap_limit = 32 << 20;
        v.swap_usage = 8 << 20;
        let out = rendered(Some(&v));
        assert_eq!(value(&out, "SwapTotal"), 32768);
        assert_eq!(value(&out, "SwapFree"), 24576);
        v.swap_usage = 40 << 20;
        let out = rendered(Some(&v));
        assert_eq!(value(&out, "SwapFree"), 0);
    }

    #[test]
    fn swaps() {
        let mut v = view(64 << 20, 0);
        v.swap_limit = 32 << 20;
        v.swap_usage = 1 << 20;
        let mut s = String::new();
        render_swaps(HOST, &v, &mut s).unwrap();
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], SWAPS_HEADER);
        let cols: Vec<&str> = lines[1].split_whitespace().collect();
        assert_eq!(cols, ["none", "virtual", "32768", "1024", "0"]);
        // No swap allowed: the header alone.
        v.swap_limit = 0;
        let mut s = String::new();
        render_swaps(HOST, &v, &mut s).unwrap();
        assert_eq!(s.lines().count(), 1);
        // The host: its whole swap, its usage.
        let mut s = String::new();
        render_swaps(HOST, &host_view(HOST), &mut s).unwrap();
        let cols: Vec<&str> = s.lines().nth(1).unwrap().split_whitespace().collect();
        assert_eq!(cols, ["none", "virtual", "1048572", "0", "0"]);
    }

    #[test]
    fn no_view_is_host() {
        assert_eq!(rendered(None), HOST);
    }

    #[test]
    fn finds_bytes() {
        let hay = b"abcdefgh:ijklmnop\nqrstuvwxyz\x80\x01:";
        for needle in [b':', b'\n', b'a', b'z', 0x80, 0x01, b'#', 0] {
            assert_eq!(
                find_byte(hay, needle),
                hay.iter().position(|&b| b == needle),
                "{needle}"
            );
            for start in 0..hay.len() {
                let h = &hay[start..];
                assert_eq!(find_byte(h, needle), h.iter().position(|&b| b == needle));
            }
        }
        assert_eq!(find_byte(b"", b':'), None);
    }

    #[test]
    fn last_line_without_newline() {
        let v = view(64 << 20, 0);
        let of = |host: &str| {
            let mut out = String::new();
            render(host, Some(&v), &mut out).unwrap();
            out
        };
        let (total, huge) = ("MemTotal:  99999999 kB", "Hugepagesize:       2048 kB");
        let (total_view, huge_view) = ("MemTotal:     65536 kB\n", "Hugepagesize:       2048 kB\n");
        assert_eq!(
            of(&format!("{huge}\n{total}")),
            format!("{huge_view}{total_view}")
        );
        assert_eq!(
            of(&format!("{total}\n{huge}")),
            format!("{total_view}{huge_view}")
        );
        assert_eq!(of(""), "");
    }

    #[test]
    fn wide_values_keep_their_digits() {
        let host = "MemTotal:       %s kB\n".replace("%s", "123456789012");
        let mut out = String::new();
        render(&host, Some(&view(u64::MAX, 0)), &mut out).unwrap();
        assert_eq!(value(&out, "MemTotal"), 123456789012);
    }
}
