/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between rue's C glue (glue.c) and its Rust side (prototypes
 * repeated in ffi.rs). Cgroups are opaque struct cgroup pointers. Functions
 * returning int or long return a negative errno on error.
 */
#ifndef RUE_GLUE_H
#define RUE_GLUE_H

#include <linux/types.h>

/* Implemented in C, called by Rust. */

/*
 * A private cgroup2 mount whose root is the cgroup namespace root of the
 * task that loads rue, with the mount options @data (NULL for none; parsed
 * in place); rue_glue_write_file() writes through it.
 */
int rue_glue_mount(char *data);
void rue_glue_umount(void);
/*
 * Opens the file @name (e.g. "memory.reclaim") of @cgrp through the
 * private mount, by its path, for writing (@write) or reading; an open
 * struct file, or an ERR_PTR.
 */
void *rue_glue_open(void *cgrp, const char *name, bool write);
/* The kernfs node of the directory in which @file was opened. */
void *rue_glue_file_dir_node(void *file);
/* The kernfs node of @cgrp's directory. */
void *rue_glue_cgroup_node(void *cgrp);
/* Writes @len bytes at @text to @file at offset 0; what the write returned. */
long rue_glue_file_write(void *file, const char *text, size_t len);
/* Reads up to @size bytes of @file from offset 0 into @buf; how many. */
long rue_glue_file_read(void *file, char *buf, size_t size);
/* Closes @file. */
void rue_glue_file_put(void *file);

/*
 * A new reference to the live cgroup with id @id, or NULL; only cgroups
 * in the calling task's cgroup namespace (all of them for the worker).
 * The kernel's id lookup, cgroup_get_from_id(); no allocation.
 */
void *rue_glue_cgroup_from_id(u64 id);
/* Another reference to @cgrp, which the caller holds one on. */
void rue_glue_cgroup_get(void *cgrp);
void rue_glue_cgroup_put(void *cgrp);
/* Whether @cgrp is online: not removed. */
bool rue_glue_cgroup_online(void *cgrp);
/* Parent of @cgrp (no reference; valid as @cgrp is), NULL for the root. */
void *rue_glue_cgroup_parent(void *cgrp);
u64 rue_glue_cgroup_id(void *cgrp);
/* @out[3]: memory usage, memory.high, memory.max of @cgrp's own memory
 * controller in bytes (U64_MAX: no limit); -ENOENT without one. */
int rue_glue_memcg(void *cgrp, u64 *out);

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
/* A new reference to the cgroup of process @pid, or NULL; any cgroup
 * namespace, no allocation. */
void *rue_glue_process_cgroup(u64 pid);
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

/* Runs rue_rs_work() in @ms ms, then again after what it returns. */
void rue_glue_worker_start(unsigned long ms);
/* Waits for a run in flight; none runs after. */
void rue_glue_worker_stop(void);
/* Runs the worker now (after a run in flight). */
void rue_glue_worker_kick(void);

/*
 * The partition number of the block device @dev (MKDEV), 0 for a whole
 * disk; -ENODEV when the system has no such device. Opens nothing; may
 * sleep.
 */
int rue_glue_block_partno(u32 dev);

/* ktime_get_ns(). */
u64 rue_glue_now_ns(void);
/*
 * Calls rue_rs_io_done() on every block request completion (attach fails
 * with -ENOENT when the kernel has no such tracepoint). Detaching waits
 * for calls in flight.
 */
int rue_glue_io_attach(void);
void rue_glue_io_detach(void);

/* Implemented in Rust, called by C: one worker step, process context;
 * returns the ms until the next. */
unsigned long rue_rs_work(void);
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
