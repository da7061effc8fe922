// SPDX-License-Identifier: GPL-2.0

//! Waking the worker early, for the layers below it: the IO controller,
//! switched off, asks for a pass that puts back what rue wrote.

use crate::support::dwork::DelayedWork;
use crate::support::slot::{Publication, Slot};

/// The worker's work item, published while the worker runs.
static WORK: Slot<DelayedWork> = Slot::new();

/// Makes the worker run now, if it runs at all.
pub(crate) fn kick() {
    if let Some(w) = WORK.get() {
        w.kick();
    }
}

/// Publishes the worker's work item to [`kick`] until the guard drops.
///
/// # Safety
///
/// `work` stays valid until the guard is dropped and no [`kick`] that may
/// have found it is still running (rue switches the IO controller, the
/// only kicker, off for good before it stops the worker).
pub(crate) unsafe fn publish(work: &DelayedWork) -> Publication<DelayedWork> {
    // SAFETY: the caller's guarantee.
    unsafe { WORK.publish(work) }
}
