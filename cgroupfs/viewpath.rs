// SPDX-License-Identifier: GPL-2.0

//! Whose view a reader gets, and the cgroups its limits come from.
//!
//! Pure logic, compiled into the module and on the host. Paths are absolute
//! cgroup v2 paths (`/`, `/pod/ctr`).

/// The cgroup and each of its ancestors below the root, innermost first:
/// `/a/b/c`, `/a/b`, `/a`.
pub(crate) fn ancestors(path: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut cur = Some(path).filter(|p| *p != b"/" && !p.is_empty());
    core::iter::from_fn(move || {
        let p = cur?;
        cur = match p.iter().rposition(|&b| b == b'/') {
            Some(0) | None => None,
            Some(i) => Some(&p[..i]),
        };
        Some(p)
    })
}

/// The pod of a reader: given the `cgroupfs.role` of its cgroup and of each
/// ancestor, innermost first, the index of the outermost cgroup of the first
/// unbroken chain of role-1 cgroups, or `None` when no cgroup has role 1.
pub(crate) fn pod_index(roles: impl Iterator<Item = bool>) -> Option<usize> {
    let mut pod = None;
    for (i, role) in roles.enumerate() {
        match (role, pod) {
            (true, _) => pod = Some(i),
            (false, Some(_)) => break,
            (false, None) => {}
        }
    }
    pod
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pods() {
        assert_eq!(pod_index([false, false].into_iter()), None);
        assert_eq!(pod_index([true, false].into_iter()), Some(0));
        assert_eq!(pod_index([true, true, false, true].into_iter()), Some(1));
        assert_eq!(pod_index([false, true, true].into_iter()), Some(2));
        assert_eq!(pod_index(core::iter::empty()), None);
    }

    #[test]
    fn ancestor_walk() {
        let a: Vec<&[u8]> = ancestors(b"/a/b/c").collect();
        assert_eq!(a, [&b"/a/b/c"[..], b"/a/b", b"/a"]);
        assert_eq!(ancestors(b"/").count(), 0);
        assert_eq!(ancestors(b"/x").collect::<Vec<_>>(), [&b"/x"[..]]);
    }
}
