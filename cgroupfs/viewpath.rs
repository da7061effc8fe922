// SPDX-License-Identifier: GPL-2.0

//! Whose view a reader gets, and the cgroups its limits come from.
//!
//! Pure logic, compiled into the module and on the host. Paths are absolute
//! cgroup v2 paths (`/`, `/pod/ctr`).

/// The view cgroup of a reader whose own cgroup is `own` and whose cgroup
/// namespace is rooted at `ns_root`: the namespace root when the reader is
/// in a namespace (a container), else its own cgroup. `None` means the host
/// view (the root cgroup).
pub(crate) fn view_cgroup<'a>(own: &'a [u8], ns_root: &'a [u8]) -> Option<&'a [u8]> {
    let v = if ns_root != b"/" { ns_root } else { own };
    if v == b"/" || v.is_empty() {
        None
    } else {
        Some(v)
    }
}

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
    fn whose_view() {
        assert_eq!(view_cgroup(b"/", b"/"), None);
        assert_eq!(view_cgroup(b"/a/b", b"/"), Some(&b"/a/b"[..]));
        // In a cgroup namespace the namespace root decides, even deeper down.
        assert_eq!(
            view_cgroup(b"/pod/ctr/sub", b"/pod/ctr"),
            Some(&b"/pod/ctr"[..])
        );
    }

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
