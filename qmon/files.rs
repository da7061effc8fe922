// SPDX-License-Identifier: GPL-2.0

//! qmon's files in every `cgroup/<path>/` directory of cgroupfs mounts,
//! added through cgroupfs's registration API (`support/cgroupfs_api.h`),
//! and the notifications that wake `sli.monitor` pollers.

use crate::cgstats::Locked;
use crate::ffi;
use crate::hist::{self, ControlError, Group, Series, Snapshot, NR_SERIES};
use crate::kept::Asker;
use crate::monitor::{self, Monitor};
use crate::reader;
use crate::support::cgroupfs_files::{CallCgroup, CgroupFiles, FileSet, FileSpec};
use crate::support::slot::{Publication, Slot};
use crate::support::textbuf::TextBuf;
use core::ffi::CStr;
use core::fmt::{self, Write};
use kernel::prelude::*;

/// What a file shows.
#[derive(Clone, Copy)]
enum Kind {
    /// Millisecond buckets of a group of series.
    Ms(Group),
    /// Every series as a microsecond histogram.
    Hist,
    /// Every series' maximum since the last reset; written to reset.
    Max,
    /// Thresholds and counts, read and written.
    Control,
    /// Latencies over the thresholds; pollable.
    Monitor,
    /// The event buffer, as seen from the cgroup.
    Events,
}

const FILES: [(&CStr, Kind, u16); 8] = [
    (c"sli.cpu", Kind::Ms(Group::Cpu), 0o444),
    (c"sli.memory", Kind::Ms(Group::Memory), 0o444),
    (c"sli.io", Kind::Ms(Group::Io), 0o444),
    (c"sli.hist", Kind::Hist, 0o444),
    (c"sli.max", Kind::Max, 0o644),
    (c"sli.control", Kind::Control, 0o644),
    (c"sli.monitor", Kind::Monitor, 0o444),
    (c"sli.events", Kind::Events, 0o444),
];

/// The index of `sli.monitor` in [`FILES`], which notifications name.
const MONITOR_INDEX: usize = 6;

/// The registered files, for notifying `sli.monitor` pollers; empty while
/// there are none (see [`Files`]).
static NOTIFIED: Slot<Set> = Slot::new();

/// Run by the glue's work item after a probe reached a count: notifies the
/// pollers of `sli.monitor` in each cgroup concerned.
#[no_mangle]
pub(crate) extern "C" fn qmon_rs_notify() {
    let Some(m) = monitor::published() else {
        return;
    };
    // The files stay valid while this work runs: `Files` withdraws them and
    // waits for this work before unregistering them.
    if let Some(files) = NOTIFIED.get() {
        m.table.take_notified(|id| files.notify(MONITOR_INDEX, id));
    }
}

/// What a file's text is made from.
enum Source<'a> {
    /// Sums over the subtree, one per series.
    Sums(&'a [Snapshot; NR_SERIES]),
    /// The cgroup's own entry.
    Entry(&'a Locked<'a>),
    /// The event buffer, for cgroup `id`.
    Events(u64),
}

fn render(w: &mut dyn fmt::Write, kind: Kind, src: Source<'_>, m: &Monitor) -> fmt::Result {
    match (kind, src) {
        (Kind::Ms(g), Source::Sums(sums)) => {
            for series in g.series() {
                hist::format_ms(w, *series, &sums[*series as usize])?;
            }
        }
        (Kind::Hist, Source::Sums(sums)) => {
            for series in Series::ALL {
                hist::format_hist(w, series, &sums[series as usize])?;
            }
        }
        (Kind::Max, Source::Entry(s)) => {
            for series in Series::ALL {
                hist::format_max(w, series, s.peak(series))?;
            }
        }
        (Kind::Control, Source::Entry(s)) => {
            for series in Series::ALL {
                hist::format_control(w, &s.control(series))?;
            }
        }
        (Kind::Monitor, Source::Entry(s)) => {
            for series in Series::ALL {
                writeln!(w, "{} {}", series.name(), s.over(series))?;
            }
        }
        (Kind::Events, Source::Events(id)) => {
            reader::write_events(w, m.events(), id)?;
        }
        _ => return Err(fmt::Error),
    }
    Ok(())
}

/// A `fmt::Write` sink that grows as needed, charged to the reader.
struct GrowBuf {
    text: KVVec<u8>,
    /// An allocation failed: the text is incomplete.
    oom: bool,
}

impl fmt::Write for GrowBuf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.text
            .extend_from_slice(s.as_bytes(), GFP_KERNEL_ACCOUNT)
            .map_err(|_| {
                self.oom = true;
                fmt::Error
            })
    }
}

impl Monitor {
    /// Renders file `kind` for cgroup `id` in full.
    fn render_all(&self, kind: Kind, id: u64) -> Result<KVVec<u8>> {
        let mut w = GrowBuf {
            text: KVVec::new(),
            oom: false,
        };
        let r = match kind {
            Kind::Ms(_) | Kind::Hist => {
                let series = match kind {
                    Kind::Ms(g) => g.series(),
                    _ => &Series::ALL[..],
                };
                let mut sums = KBox::new([Snapshot::default(); NR_SERIES], GFP_KERNEL_ACCOUNT)?;
                self.table.sum_subtree(id, series, &mut sums)?;
                render(&mut w, kind, Source::Sums(&sums), self)
            }
            Kind::Events => {
                // The cgroup must be known; the events need no entry, and
                // are formatted without the table's mutex.
                self.table.with(id, |_| ())?;
                render(&mut w, kind, Source::Events(id), self)
            }
            _ => self
                .table
                .with(id, |s| render(&mut w, kind, Source::Entry(s), self))?,
        };
        match r {
            Ok(()) => Ok(w.text),
            Err(_) if w.oom => Err(ENOMEM),
            Err(_) => Err(EINVAL),
        }
    }
}

/// Writes `text` into `out`; `fmt::Error` if it does not fit.
fn copy_out(out: &mut TextBuf<'_>, text: &[u8]) -> fmt::Result {
    // The files are ASCII and UTF-8 paths (comm is escaped).
    out.write_str(core::str::from_utf8(text).map_err(|_| fmt::Error)?)
}

impl CgroupFiles for Monitor {
    fn show(&self, index: usize, cg: CallCgroup, out: &mut TextBuf<'_>) -> Result<fmt::Result> {
        let kind = FILES.get(index).ok_or(EINVAL)?.1;
        // SAFETY: no preconditions.
        let (task, now) = unsafe { (ffi::qmon_glue_current() as usize, ffi::qmon_glue_ktime()) };
        let asker = Asker {
            task,
            index,
            id: cg.id,
        };
        if let Some(k) = self.kept.take(asker, now) {
            // This task's previous call for this file, a moment ago: the
            // text rendered then, if it fits now (a new read starts with a
            // buffer it did not fit).
            if copy_out(out, k.text()).is_ok() {
                return Ok(Ok(()));
            }
            self.kept.put(k);
            return Ok(Err(fmt::Error));
        }
        let text = self.render_all(kind, cg.id)?;
        if copy_out(out, &text).is_ok() {
            return Ok(Ok(()));
        }
        self.kept.keep(asker, now, text)?;
        Ok(Err(fmt::Error))
    }

    /// `sli.control`: settings, one per line, all or none; `sli.max`:
    /// `reset`.
    fn write(&self, index: usize, cg: CallCgroup, input: &[u8]) -> Result {
        let kind = FILES.get(index).ok_or(EACCES)?.1;
        let text = core::str::from_utf8(input).map_err(|_| EINVAL)?;
        if matches!(kind, Kind::Max) {
            hist::parse_max_write(text).map_err(|_| EINVAL)?;
            return self.table.with(cg.id, |s| s.reset_peaks());
        }
        if !matches!(kind, Kind::Control) {
            return Err(EACCES);
        }
        self.table.with(cg.id, |s| {
            let armed = self.table.armed_counts();
            hist::parse_controls(text, |c| s.set_control(&c, armed)).map_err(|e| match e {
                ControlError::Invalid => EINVAL,
                ControlError::Range => ERANGE,
            })
        })?
    }
}

/// qmon's files as cgroupfs serves them.
type Set = FileSet<Monitor>;

/// qmon's registered files, which `sli.monitor` notifications reach while
/// they live.
///
/// Dropped, they first stop notifications, then unregister (the field's
/// drop, which waits for reads and writes in flight).
///
/// # Invariants
///
/// [`NOTIFIED`] publishes `_set` until this value is dropped.
pub(crate) struct Files {
    notified: Option<Publication<Set>>,
    _set: KBox<Set>,
}

impl Files {
    /// Registers the files, served by `monitor`.
    ///
    /// # Safety
    ///
    /// `monitor` stays valid until the returned value is dropped.
    pub(crate) unsafe fn register(
        module: &'static ThisModule,
        monitor: *const Monitor,
    ) -> Result<Self> {
        let mut specs = KVec::with_capacity(FILES.len(), GFP_KERNEL)?;
        for (name, _, mode) in FILES {
            specs.push(FileSpec { name, mode }, GFP_KERNEL)?;
        }
        // SAFETY: the caller's guarantee.
        let set = unsafe { FileSet::register(module, &specs, monitor)? };
        let set = KBox::new(set, GFP_KERNEL)?;
        // SAFETY: the box keeps the set in place until `_set` drops, after
        // `drop()` withdrew it and waited for the notification work.
        let notified = unsafe { NOTIFIED.publish(&set) };
        // INVARIANT: published.
        Ok(Self {
            notified: Some(notified),
            _set: set,
        })
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        self.notified = None;
        // SAFETY: no preconditions. A notification queued from now on finds
        // no files.
        unsafe { ffi::qmon_glue_cancel_notify() };
    }
}
