/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between qmon's C glue (glue.c) and its Rust side
 * (prototypes repeated in ffi.rs). Pointers to tasks, requests and cgroups
 * are opaque to Rust: it uses task and request addresses as keys only, and
 * passes cgroup pointers back to the glue. Functions returning int return 0
 * or a negative errno.
 */
#ifndef QMON_GLUE_H
#define QMON_GLUE_H

#include <linux/types.h>

/* Implemented in C, called by Rust. */
unsigned int qmon_glue_nr_cpu_ids(void);
/* The current CPU; the caller cannot migrate (probe context). */
unsigned int qmon_glue_cpu(void);
/* start_poll_synchronize_rcu(), poll_state_synchronize_rcu(): a cookie for
 * a grace period from now, and whether it has passed. */
unsigned long qmon_glue_rcu_start(void);
bool qmon_glue_rcu_done(unsigned long cookie);

/* ktime_get_ns(): CLOCK_MONOTONIC, for event times. */
u64 qmon_glue_ktime(void);
/* The calling task's address, as an identity. */
unsigned long qmon_glue_current(void);
/* cond_resched(): process context, no spinlock held. */
void qmon_glue_cond_resched(void);
/* Copies @task's comm into @comm[16], the address of its struct pid into
 * @pid_ref (an identity, for qmon_glue_find_pid()) and its effective uid
 * into @uid; returns its pid in the initial PID namespace. Probe context. */
unsigned int qmon_glue_task(void *task, char *comm, unsigned long *pid_ref,
			    unsigned int *uid);
/* The calling reader: the id of its cgroup namespace's root cgroup, its
 * fsuid, its PID namespace's level (0: the initial one); returns
 * QMON_READER_* flags for the capabilities it has (in the initial user
 * namespace), checked without auditing. */
#define QMON_READER_ADMIN	1	/* CAP_SYS_ADMIN */
#define QMON_READER_PTRACE	2	/* CAP_SYS_PTRACE */
unsigned int qmon_glue_reader(u64 *cgns_root, unsigned int *fsuid,
			      unsigned int *pidns_level);
/* The struct pid (address) holding pid @nr of the initial PID namespace
 * now, 0 if none; @vnr is its pid in the caller's PID namespace, 0 if it
 * has none there. */
unsigned long qmon_glue_find_pid(unsigned int nr, unsigned int *vnr);
/* Saves up to @size return addresses of @task's kernel stack; 0 while it
 * runs on another CPU. */
unsigned int qmon_glue_stack(void *task, unsigned long *store,
			     unsigned int size);
/* Writes @addr as "symbol+off/size [module]"; returns the length. */
int qmon_glue_symbol(unsigned long addr, char *buf, size_t len);
/* Path of the cgroup with id @id as the caller's cgroup namespace sees it,
 * or a negative errno (gone, or outside the namespace); takes no cgroup
 * lock. */
int qmon_glue_cgroup_path(u64 id, char *buf, size_t len);
/*
 * Makes the caller's __GFP_ACCOUNT allocations charge the memory cgroup
 * that counts for the cgroup with id @id (its own, or its nearest
 * ancestor's), until qmon_glue_charge_end(*@token, *@old); @token is NULL
 * on a kernel without the memory controller. -ENOENT (nothing to end)
 * when the cgroup is gone or outside the caller's cgroup namespace.
 */
int qmon_glue_charge_begin(u64 id, void **token, void **old);
void qmon_glue_charge_end(void *token, void *old);
/*
 * From any context, including the scheduler's: calls qmon_rs_notify()
 * soon from process context (through an irq_work and a work item).
 */
void qmon_glue_kick(void);
/* Waits for kicks in flight and their work; none runs after. */
void qmon_glue_cancel_notify(void);

/*
 * Writes (u64 id, u64 parent id) records of every online cgroup of the
 * default hierarchy, parents before children, the root first with parent
 * id 0, into @buf; returns the bytes all of them need (the records are
 * complete only when that is <= @size).
 */
long qmon_glue_cgroup_walk(void *buf, size_t size);

/*
 * The probes, as a table of support_glue.h's struct rfl_tp with @n entries;
 * the wakeup probes at QMON_TP_WAKEUP and _WAKEUP_NEW are needed only when
 * the scheduler keeps no queue times.
 */
#define QMON_TP_SWITCH		0
#define QMON_TP_WAKEUP		1
#define QMON_TP_WAKEUP_NEW	2
void *qmon_glue_tracepoints(unsigned int *n);
/* The return probe that times direct compaction (it needs kretprobes):
 * whether it is attached; detach only one that is. */
bool qmon_glue_compact_attach(void);
void qmon_glue_compact_detach(void);

/* Whether the scheduler keeps queue times (CONFIG_SCHED_INFO). */
bool qmon_glue_sched_info(void);
/* local_clock(), for the switch probe. */
u64 qmon_glue_clock(void);

/*
 * Implemented in Rust, called by C: probes, in atomic context and inside an
 * RCU read-side critical section (rcu_read_lock(), or the scheduler's
 * disabled interrupts), which keeps @cgrp valid.
 */
#define QMON_TASK_IDLE		1	/* the CPU's idle task */
#define QMON_TASK_IOWAIT	2	/* in_iowait: sleeping for IO */
#define QMON_TASK_PREEMPTED	4	/* switched out by preemption */
#define QMON_NEXT_IDLE		8	/* the task switched in is idle */
/*
 * @states: @prev's state in bits 0-31, QMON_TASK_* flags of @prev and
 * QMON_NEXT_IDLE in bits 32-39, the CPU in bits 40-63 (six arguments fit
 * in registers, so that the glue's probe jumps to this one).
 * @next_queued: when @next was queued, as the scheduler's own accounting
 * (CONFIG_SCHED_INFO, see qmon_glue_sched_info()) stamped it in
 * local_clock() time; 0 when it was not, or without that accounting.
 */
void qmon_rs_switch(unsigned long prev, unsigned long next, u64 states,
		    void *next_cgrp, u64 next_id, u64 next_queued);
void qmon_rs_wakeup(unsigned long task, bool new_task, void *cgrp, u64 id,
		    u64 now);
void qmon_rs_reclaim_begin(unsigned long task, bool memcg, u64 now);
void qmon_rs_reclaim_end(unsigned long task, bool memcg, void *cgrp, u64 id,
			 u64 now);
void qmon_rs_compact(unsigned long task, void *cgrp, u64 id, u64 start,
		     u64 now);
/* Block requests: times are ktime_get_ns(); @start_ns is the request's own
 * start time, 0 when the block layer did not stamp it. @cgrp may be NULL. */
void qmon_rs_rq_issue(unsigned long rq, u64 start_ns, u64 now);
void qmon_rs_rq_requeue(unsigned long rq);
void qmon_rs_rq_complete(unsigned long rq, unsigned int op,
			 unsigned int nr_bytes, unsigned int rq_bytes,
			 u64 start_ns, void *cgrp, u64 id, u64 now);
/* Tracepoint context (must not sleep): a cgroup was created or removed. */
void qmon_rs_cgroup_event(void);
/* Process context, after qmon_glue_kick(). */
void qmon_rs_notify(void);

#endif /* QMON_GLUE_H */
