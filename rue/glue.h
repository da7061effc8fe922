/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between rue's C glue (glue.c) and its Rust side (prototypes
 * repeated in ffi.rs). Functions
 * returning int or long return a negative errno on error.
 */
#ifndef RUE_GLUE_H
#define RUE_GLUE_H

#include <linux/types.h>

/* Implemented in C, called by Rust. */

/* Free memory and all RAM, in bytes. */
void rue_glue_memory(u64 *free, u64 *total);

/*
 * Writes a record (u64 pid, u64 cgroup id, s64 oom_score_adj, u64 flags,
 * u64 pages, u64 start time) of every process into @buf; returns the
 * bytes all of them need (the records are complete only when that is <=
 * @size). Pids are in the initial pid namespace; pages are the memory the
 * OOM killer's badness counts (RSS, swap entries, page tables); the start
 * time tells a process from a later one with the same pid. No
 * allocation: callable from the OOM path.
 */
#define RUE_PROC_FIELDS		6
#define RUE_PROC_KTHREAD	1	/* a kernel thread */
#define RUE_PROC_INIT		2	/* the global init */
#define RUE_PROC_NO_MM		4	/* no memory left to free (exiting) */
#define RUE_PROC_OOM_VICTIM	8	/* an OOM victim, not gone yet */
#define RUE_PROC_OOM_SKIP	16	/* its memory reaped already (MMF_OOM_SKIP) */
#define RUE_PROC_VFORK		32	/* in vfork(): the memory is its parent's */
long rue_glue_processes(void *buf, size_t size);
/*
 * Sets (@on) or clears the OOM killer's "origin" mark of process @pid
 * started at @start_time (the mark swapoff and KSM put on themselves: the
 * OOM killer chooses a marked process before any other). Returns the mark
 * it had (0 or 1), -ESRCH when there is no such process. No allocation.
 */
int rue_glue_set_oom_origin(u64 pid, u64 start_time, bool on);
/* Calls rue_rs_oom() from the OOM notifier chain, on global OOMs. */
int rue_glue_oom_register(void);
void rue_glue_oom_unregister(void);

/*
 * The partition number of the block device @dev (MKDEV), 0 for a whole
 * disk; -ENODEV when the system has no such device. Opens nothing; may
 * sleep.
 */
int rue_glue_block_partno(u32 dev);

/* ktime_get_ns(). */
u64 rue_glue_now_ns(void);
/*
 * The probe that calls rue_rs_io_done() on every block request completion,
 * as a table of support_glue.h's struct rfl_tp with @n (one) entries.
 */
void *rue_glue_tracepoints(unsigned int *n);

/* Implemented in Rust, called by C. */
/* A global OOM, before the kernel chooses its victim; process context,
 * under oom_lock: must not allocate. */
void rue_rs_oom(void);
/*
 * @nr_bytes of a request of operation @op (REQ_OP_*) on device @dev
 * (MKDEV) completed, for the cgroup with id @cgroup (0: none); @left bytes
 * were left before (the request is done when @nr_bytes >= @left). It
 * started at @start_ns (0: unknown); now is @now_ns. Any context.
 */
void rue_rs_io_done(u64 cgroup, u32 dev, unsigned int op, unsigned int nr_bytes,
		    unsigned int left, u64 start_ns, u64 now_ns);

#endif /* RUE_GLUE_H */
