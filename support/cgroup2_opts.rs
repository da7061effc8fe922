// SPDX-License-Identifier: GPL-2.0

//! The mount options of the cgroup v2 hierarchy, so that a private mount of
//! it passes exactly the options the hierarchy has.
//!
//! Mounting cgroup2 in the initial cgroup namespace applies the mount's
//! options to the whole hierarchy: every option not passed is switched off
//! for every mount of it (`apply_cgroup_root_flags()`). A module that
//! mounted it with no options would silently switch off `nsdelegate` and
//! `memory_recursiveprot` on a systemd host. The private mounts therefore
//! pass the options the hierarchy has at that moment. Pure logic, tested on
//! the host.

/// The options, as `cgroup_show_options()` prints them, in the order of the
/// flags in `rfl_cgroup2_option_flags` (`support/support_glue.c`).
pub(crate) const NAMES: [&str; NR_OPTIONS] = [
    "nsdelegate",
    "favordynmods",
    "memory_localevents",
    "memory_recursiveprot",
    "memory_hugetlb_accounting",
    "pids_localevents",
];

/// How many options there are.
pub(crate) const NR_OPTIONS: usize = 6;

/// Room for every option, their commas and the terminating NUL.
pub(crate) const DATA_LEN: usize = 128;

/// The root flags that are mount options: the bits a mount sets or clears.
pub(crate) fn option_mask(option_flags: &[u32; NR_OPTIONS]) -> u32 {
    option_flags.iter().fold(0, |m, f| m | f)
}

/// The NUL-terminated mount data that names every option whose flag is set
/// in `flags`, where `option_flags[i]` is the root flag of `NAMES[i]`.
/// Returns the buffer and the length of the text before the NUL.
pub(crate) fn mount_data(flags: u32, option_flags: &[u32; NR_OPTIONS]) -> ([u8; DATA_LEN], usize) {
    let mut out = [0u8; DATA_LEN];
    let mut len = 0;
    for (name, flag) in NAMES.iter().zip(option_flags) {
        if *flag == 0 || flags & flag != *flag {
            continue;
        }
        if len > 0 {
            out[len] = b',';
            len += 1;
        }
        out[len..len + name.len()].copy_from_slice(name.as_bytes());
        len += name.len();
    }
    (out, len)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The 6.12 values; only their distinctness matters to the logic.
    const FLAGS: [u32; NR_OPTIONS] = [1 << 3, 1 << 4, 1 << 17, 1 << 18, 1 << 19, 1 << 20];

    fn text(flags: u32) -> String {
        let (buf, len) = mount_data(flags, &FLAGS);
        assert_eq!(buf[len], 0);
        String::from_utf8(buf[..len].to_vec()).unwrap()
    }

    #[test]
    fn names_exactly_the_set_options() {
        assert_eq!(text(0), "");
        assert_eq!(text(1 << 3), "nsdelegate");
        assert_eq!(
            text((1 << 3) | (1 << 18)),
            "nsdelegate,memory_recursiveprot"
        );
        // Bits that are no mount option (NOPREFIX, XATTR, ...) are ignored.
        assert_eq!(
            text((1 << 1) | (1 << 2) | (1 << 16) | (1 << 20)),
            "pids_localevents"
        );
    }

    #[test]
    fn every_option_fits() {
        let all = option_mask(&FLAGS);
        assert_eq!(
            text(all),
            "nsdelegate,favordynmods,memory_localevents,memory_recursiveprot,\
             memory_hugetlb_accounting,pids_localevents"
        );
        assert!(NAMES.iter().map(|n| n.len() + 1).sum::<usize>() < DATA_LEN);
    }

    #[test]
    fn an_option_this_kernel_lacks_is_never_named() {
        // A kernel without an option gives its flag as 0.
        let mut flags = FLAGS;
        flags[4] = 0;
        let (buf, len) = mount_data(u32::MAX, &flags);
        let s = core::str::from_utf8(&buf[..len]).unwrap();
        assert!(!s.contains("hugetlb"));
        assert!(s.contains("pids_localevents"));
    }
}
