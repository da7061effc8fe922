// SPDX-License-Identifier: GPL-2.0

//! The `idle` IO class of the cgroups of effective priority 7: given,
//! and the class they had put back.

use super::lineage::Lineage;
use super::record::{find, Record};
use super::window::Active;
use crate::cgroup::OwnFiles;
use crate::entry::Entry;
use crate::memqos;
use crate::support::cgroup::Cgroup;
use kernel::prelude::*;

/// Gives the cgroup of `r` the idle IO class, keeping its class in `r`.
fn set_idle_class(r: &mut Record) -> Result {
    let mut buf = [0u8; 16];
    let n = r.cg.read_file(c"io.prio.class", &mut buf)?;
    let n = buf[..n]
        .iter()
        .position(|c| c.is_ascii_whitespace())
        .unwrap_or(n);
    r.cg.write_file(c"io.prio.class", b"idle")?;
    r.class = Some((buf, n));
    Ok(())
}

/// Puts back the class kept in `r` (unless the cgroup is gone).
pub(super) fn restore_class(r: &mut Record) {
    if let Some((buf, n)) = r.class.take() {
        let _ = r.cg.write_file(c"io.prio.class", &buf[..n]);
    }
}

/// Gives the cgroups of effective priority 7 with IO in the window (the
/// slots `active`) the idle IO class, and takes it back from the others.
pub(super) fn update(
    records: &mut KVec<Record>,
    active: &[Active],
    live: &[(Entry, Cgroup)],
) -> Result {
    let idle = memqos::MAX_PRIORITY;
    for a in active.iter().filter(|a| !a.lineage.is_root()) {
        let id = a.lineage.id();
        if a.lineage.priority == idle && find(records, id, 0).is_none() {
            let mut r = Record::new(a.cg.clone(), 0);
            if set_idle_class(&mut r).is_ok() {
                records.push(r, GFP_KERNEL)?;
            }
        }
    }
    for r in records
        .iter_mut()
        .filter(|r| r.dev == 0 && r.class.is_some())
    {
        // A removed cgroup's class goes too: the write finds no file
        // of that cgroup and changes nothing.
        if !r.cg.online() || Lineage::of(&r.cg, live).priority != idle {
            restore_class(r);
        }
    }
    Ok(())
}
