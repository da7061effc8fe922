// SPDX-License-Identifier: GPL-2.0

//! qmon's files in every `cgroup/<path>/` directory of cgroupfs mounts,
//! added through cgroupfs's registration API (`support/cgroupfs_api.h`).

use crate::cgstats::Locked;
use crate::events::{self, Viewer};
use crate::ffi;
use crate::hist::{self, ControlError, Group, Series, Snapshot, NR_SERIES};
use crate::kept::Asker;
use crate::monitor::{self, Monitor};
use crate::support::cgroupfs_files::{CallCgroup, CgroupFiles, FileSet, FileSpec};
use crate::support::textbuf::TextBuf;
use core::ffi::{c_uint, c_ulong, CStr};
use core::fmt::{self, Write};
use core::sync::atomic::{AtomicPtr, Ordering};
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

/// The registered files, for notifying `sli.monitor` pollers; null while
/// there are none (see [`Files`]).
static NOTIFIED: AtomicPtr<Set> = AtomicPtr::new(core::ptr::null_mut());

/// Run by the glue's work item after a probe reached a count: notifies the
/// pollers of `sli.monitor` in each cgroup concerned.
#[no_mangle]
pub(crate) extern "C" fn qmon_rs_notify() {
    let Some(m) = monitor::published() else {
        return;
    };
    // SAFETY: the files stay valid while this work runs: `Files` clears
    // the pointer and waits for this work before unregistering them.
    if let Some(files) = unsafe { NOTIFIED.load(Ordering::Acquire).as_ref() } {
        m.table.take_notified(|id| files.notify(MONITOR_INDEX, id));
    }
}

/// Writes the path of cgroup `id` as the reader sees it, or `id:<id>`
/// when it is gone or outside the reader's cgroup namespace.
fn write_path(w: &mut dyn fmt::Write, id: u64) -> fmt::Result {
    let mut buf = [0u8; 256];
    // SAFETY: `buf` is writable for its length.
    let n = unsafe { ffi::qmon_glue_cgroup_path(id, buf.as_mut_ptr().cast(), buf.len()) };
    match usize::try_from(n)
        .ok()
        .and_then(|n| core::str::from_utf8(&buf[..n.min(buf.len())]).ok())
    {
        Some(p) => w.write_str(p),
        None => write!(w, "id:{id}"),
    }
}

/// The calling reader, as [`events::Event::seen_by`] needs it, and the
/// level of its PID namespace.
fn viewer() -> (Viewer, c_uint) {
    let (mut cgns_root, mut uid, mut level) = (0u64, 0, 0);
    // SAFETY: the three are writable.
    let caps = unsafe { ffi::qmon_glue_reader(&mut cgns_root, &mut uid, &mut level) };
    let viewer = Viewer {
        cgns_root,
        // Kernel stacks only for readers who may see kernel addresses
        // elsewhere (/proc/PID/stack needs the same).
        stacks: caps & ffi::READER_ADMIN != 0,
        all_tasks: caps & ffi::READER_PTRACE != 0,
        uid,
    };
    (viewer, level)
}

/// The pid, in the reader's PID namespace (at `level`), of the task that
/// had pid `pid` in the initial one and the `struct pid` at `pid_ref`; 0
/// when it is not in that namespace or is gone.
fn pid_in_ns(pid: u32, pid_ref: u64, level: c_uint) -> u32 {
    if level == 0 {
        // The initial namespace numbers every task, also those gone.
        return pid;
    }
    let mut vnr = 0;
    // SAFETY: `vnr` is writable.
    let found = unsafe { ffi::qmon_glue_find_pid(pid, &mut vnr) };
    // The same `struct pid` still holds the number: the same task.
    if found as u64 == pid_ref {
        vnr
    } else {
        0
    }
}

/// Writes a kernel text address as `symbol+offset/size`.
fn write_symbol(w: &mut dyn fmt::Write, addr: u64) -> fmt::Result {
    let mut buf = [0u8; 128];
    // SAFETY: `buf` is writable for its length.
    let n = unsafe { ffi::qmon_glue_symbol(addr as c_ulong, buf.as_mut_ptr().cast(), buf.len()) };
    let n = usize::try_from(n).unwrap_or(0).min(buf.len());
    w.write_str(core::str::from_utf8(&buf[..n]).unwrap_or("?"))
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
            let (viewer, pidns_level) = viewer();
            let mut n = 0usize;
            m.events().for_each(|e| {
                if !e.within(id) {
                    return Ok(());
                }
                n += 1;
                if n % EVENTS_CHUNK == 0 {
                    // SAFETY: no preconditions; process context, no lock.
                    unsafe { ffi::qmon_glue_cond_resched() };
                }
                match e.seen_by(&viewer, &mut |pid, pid_ref| {
                    pid_in_ns(pid, pid_ref, pidns_level)
                }) {
                    Some(e) => events::format_event(w, &e, &mut write_path, &mut write_symbol),
                    None => Ok(()),
                }
            })?;
        }
        _ => return Err(fmt::Error),
    }
    Ok(())
}

/// Events formatted between two chances to reschedule.
const EVENTS_CHUNK: usize = 8;

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
/// [`NOTIFIED`] points to `_set` while this value lives.
pub(crate) struct Files {
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
        NOTIFIED.store(core::ptr::from_ref(&*set).cast_mut(), Ordering::Release);
        // INVARIANT: `NOTIFIED` points to the set, which the box keeps in
        // place.
        Ok(Self { _set: set })
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        NOTIFIED.store(core::ptr::null_mut(), Ordering::Release);
        // SAFETY: no preconditions. A notification queued from now on finds
        // no files.
        unsafe { ffi::qmon_glue_cancel_notify() };
    }
}
