// SPDX-License-Identifier: GPL-2.0
/*
 * C glue of qmon: module parameters, the tracepoint and kretprobe probes
 * (each reads what its event carries and hands scalars to Rust), the work
 * item that tells Rust about cgroup changes, and thin wrappers around
 * inline kernel functions. What is measured, and how it is counted, is
 * decided in Rust; see glue.h for the contract of each function.
 */

#include <linux/blk-cgroup.h>
#include <linux/blk-mq.h>
#include <linux/blk_types.h>
#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/irq_work.h>
#include <linux/kprobes.h>
#include <linux/memcontrol.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched/clock.h>
#include <linux/sched/mm.h>
#include <linux/stacktrace.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>

#include "glue.h"
#include "param_glue.h"
#include "support_glue.c"

MODULE_VERSION(RFL_VERSION);

RFL_PARAM_OPS(qmon);
RFL_PARAM(qmon, enabled, "bool",
	  "Attach the latency probes (1, default) or detach them (0)");

unsigned int qmon_glue_nr_cpu_ids(void)
{
	return nr_cpu_ids;
}

unsigned int qmon_glue_cpu(void)
{
	return raw_smp_processor_id();
}

unsigned long qmon_glue_rcu_start(void)
{
	return start_poll_synchronize_rcu();
}

bool qmon_glue_rcu_done(unsigned long cookie)
{
	return poll_state_synchronize_rcu(cookie);
}

u64 qmon_glue_ktime(void)
{
	return ktime_get_ns();
}

unsigned long qmon_glue_current(void)
{
	return (unsigned long)current;
}

void qmon_glue_cond_resched(void)
{
	cond_resched();
}

unsigned int qmon_glue_task(void *task, char *comm, unsigned long *pid_ref,
			    unsigned int *uid)
{
	struct task_struct *p = task;

	/* Without task_lock(): probes may run under the runqueue lock. A
	 * concurrent rename gives a mix of names, still NUL-terminated. */
	strscpy_pad(comm, p->comm, TASK_COMM_LEN);
	*pid_ref = (unsigned long)task_pid(p);
	/* Probes run with preemption off: an RCU-sched reader. */
	*uid = __kuid_val(rcu_dereference_sched(p->real_cred)->euid);
	return task_pid_nr(p);
}

unsigned int qmon_glue_reader(u64 *cgns_root, unsigned int *fsuid,
			      unsigned int *pidns_level)
{
	struct cgroup_namespace *ns = current->nsproxy->cgroup_ns;

	*cgns_root = cgroup_id(ns->root_cset->dfl_cgrp);
	*fsuid = __kuid_val(current_fsuid());
	*pidns_level = task_active_pid_ns(current)->level;
	return (ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN) ?
			QMON_READER_ADMIN : 0) |
	       (ns_capable_noaudit(&init_user_ns, CAP_SYS_PTRACE) ?
			QMON_READER_PTRACE : 0);
}

unsigned long qmon_glue_find_pid(unsigned int nr, unsigned int *vnr)
{
	struct pid *pid;

	rcu_read_lock();
	pid = find_pid_ns(nr, &init_pid_ns);
	*vnr = pid ? pid_nr_ns(pid, task_active_pid_ns(current)) : 0;
	rcu_read_unlock();
	return (unsigned long)pid;
}

unsigned int qmon_glue_stack(void *task, unsigned long *store,
			     unsigned int size)
{
	struct task_struct *p = task;

#ifdef CONFIG_SMP
	if (p != current && READ_ONCE(p->on_cpu))
		return 0;
#endif
	return stack_trace_save_tsk(p, store, size, 0);
}

int qmon_glue_symbol(unsigned long addr, char *buf, size_t len)
{
	return scnprintf(buf, len, "%pS", (void *)addr);
}

int qmon_glue_cgroup_path(u64 id, char *buf, size_t len)
{
	/* Looked up in kernfs's id table; only cgroups in the caller's
	 * cgroup namespace are found. */
	struct cgroup *cgrp = cgroup_get_from_id(id);
	struct cgroup *root;
	int ret;

	if (IS_ERR(cgrp))
		return PTR_ERR(cgrp);
	/*
	 * What cgroup_path_ns() writes, without its cgroup_mutex: on the
	 * default hierarchy the namespace's root is its root css_set's
	 * dfl_cgrp, which the namespace pins, and kernfs_path_from_node()
	 * takes kernfs's rename lock only.
	 */
	root = current->nsproxy->cgroup_ns->root_cset->dfl_cgrp;
	ret = kernfs_path_from_node(cgrp->kn, root->kn, buf, len);
	cgroup_put(cgrp);
	return ret;
}

int qmon_glue_charge_begin(u64 id, void **token, void **old)
{
	struct cgroup *cgrp = cgroup_get_from_id(id);
	struct cgroup_subsys_state *css = NULL;

	if (IS_ERR(cgrp))
		return PTR_ERR(cgrp);
#ifdef CONFIG_MEMCG
	css = cgroup_get_e_css(cgrp, &memory_cgrp_subsys);
	if (css)
		*old = set_active_memcg(mem_cgroup_from_css(css));
#endif
	cgroup_put(cgrp);
	*token = css;
	return 0;
}

void qmon_glue_charge_end(void *token, void *old)
{
#ifdef CONFIG_MEMCG
	if (token) {
		set_active_memcg(old);
		css_put(token);
	}
#endif
}

/* Notifications: probes kick an irq_work, which queues the work item. */

static void qmon_notify_fn(struct work_struct *work)
{
	qmon_rs_notify();
}

static DECLARE_WORK(qmon_notify, qmon_notify_fn);

static void qmon_kick_fn(struct irq_work *work)
{
	schedule_work(&qmon_notify);
}

static DEFINE_IRQ_WORK(qmon_kick_work, qmon_kick_fn);

void qmon_glue_kick(void)
{
	irq_work_queue(&qmon_kick_work);
}

void qmon_glue_cancel_notify(void)
{
	irq_work_sync(&qmon_kick_work);
	cancel_work_sync(&qmon_notify);
}

long qmon_glue_cgroup_walk(void *buf, size_t size)
{
	struct cgroup_subsys_state *pos;
	size_t used = 0;
	u64 rec[2];

	rcu_read_lock();
	css_for_each_descendant_pre(pos, &cgrp_dfl_root.cgrp.self) {
		if (!(pos->flags & CSS_ONLINE))
			continue;
		if (used + sizeof(rec) <= size) {
			rec[0] = cgroup_id(pos->cgroup);
			rec[1] = pos->parent ? cgroup_id(pos->parent->cgroup) : 0;
			memcpy(buf + used, rec, sizeof(rec));
		}
		used += sizeof(rec);
	}
	rcu_read_unlock();
	return used;
}

/* Scheduler: switches and wakeups. */

static unsigned int qmon_task_flags(struct task_struct *p)
{
	return (is_idle_task(p) ? QMON_TASK_IDLE : 0) |
	       (p->in_iowait ? QMON_TASK_IOWAIT : 0);
}

bool qmon_glue_sched_info(void)
{
	return IS_ENABLED(CONFIG_SCHED_INFO);
}

static u64 qmon_queued_at(struct task_struct *p)
{
#ifdef CONFIG_SCHED_INFO
	return p->sched_info.last_queued;
#else
	return 0;
#endif
}

u64 qmon_glue_clock(void)
{
	return local_clock();
}

static void qmon_probe_switch(void *data, bool preempt,
			      struct task_struct *prev,
			      struct task_struct *next,
			      unsigned int prev_state)
{
	/*
	 * The scheduler calls this with interrupts off, under the runqueue
	 * lock: an RCU-sched read-side critical section, which keeps @next's
	 * css_set and its cgroup (task_dfl_cgroup() without its lockdep
	 * condition, which wants rcu_read_lock()).
	 */
	struct cgroup *cgrp = rcu_dereference_sched(next->cgroups)->dfl_cgrp;
	u64 flags = qmon_task_flags(prev) |
		    (preempt ? QMON_TASK_PREEMPTED : 0) |
		    (is_idle_task(next) ? QMON_NEXT_IDLE : 0);

	qmon_rs_switch((unsigned long)prev, (unsigned long)next,
		       prev_state | flags << 32 |
		       (u64)raw_smp_processor_id() << 40,
		       cgrp, cgroup_id(cgrp), qmon_queued_at(next));
}

static void qmon_wakeup(struct task_struct *p, bool new_task)
{
	struct cgroup *cgrp;

	rcu_read_lock();
	cgrp = task_dfl_cgroup(p);
	qmon_rs_wakeup((unsigned long)p, new_task, cgrp, cgroup_id(cgrp),
		       local_clock());
	rcu_read_unlock();
}

static void qmon_probe_wakeup(void *data, struct task_struct *p)
{
	qmon_wakeup(p, false);
}

static void qmon_probe_wakeup_new(void *data, struct task_struct *p)
{
	qmon_wakeup(p, true);
}

/* Memory: direct reclaim, global and of a memory cgroup. */

static void qmon_reclaim_end(bool memcg)
{
	struct cgroup *cgrp;

	rcu_read_lock();
	cgrp = task_dfl_cgroup(current);
	qmon_rs_reclaim_end((unsigned long)current, memcg, cgrp,
			    cgroup_id(cgrp), local_clock());
	rcu_read_unlock();
}

static void qmon_probe_direct_begin(void *data, int order, gfp_t gfp)
{
	qmon_rs_reclaim_begin((unsigned long)current, false, local_clock());
}

static void qmon_probe_direct_end(void *data, unsigned long nr_reclaimed)
{
	qmon_reclaim_end(false);
}

static void qmon_probe_memcg_begin(void *data, int order, gfp_t gfp)
{
	qmon_rs_reclaim_begin((unsigned long)current, true, local_clock());
}

static void qmon_probe_memcg_end(void *data, unsigned long nr_reclaimed)
{
	qmon_reclaim_end(true);
}

/* Block: requests from submission to completion. */

static void qmon_probe_rq_issue(void *data, struct request *rq)
{
	qmon_rs_rq_issue((unsigned long)rq, rq->start_time_ns, ktime_get_ns());
}

static void qmon_probe_rq_requeue(void *data, struct request *rq)
{
	qmon_rs_rq_requeue((unsigned long)rq);
}

static void qmon_probe_rq_complete(void *data, struct request *rq,
				   blk_status_t error, unsigned int nr_bytes)
{
	struct cgroup_subsys_state *css = NULL;
	struct cgroup *cgrp;

	rcu_read_lock();
#ifdef CONFIG_BLK_CGROUP
	css = bio_blkcg_css(rq->bio);
#endif
	cgrp = css ? css->cgroup : NULL;
	qmon_rs_rq_complete((unsigned long)rq,
			    (__force unsigned int)req_op(rq), nr_bytes,
			    blk_rq_bytes(rq), rq->start_time_ns, cgrp,
			    cgrp ? cgroup_id(cgrp) : 0, ktime_get_ns());
	rcu_read_unlock();
}

/* Cgroups: creation and removal. */

static void qmon_probe_cgroup(void *data, struct cgroup *cgrp,
			      const char *path)
{
	qmon_rs_cgroup_event();
}

/* Tracepoints, found by name: most are not exported to modules. */

static struct rfl_tp qmon_tps[] = {
	[QMON_TP_SWITCH] = RFL_TP("sched_switch", qmon_probe_switch),
	[QMON_TP_WAKEUP] = RFL_TP("sched_wakeup", qmon_probe_wakeup),
	[QMON_TP_WAKEUP_NEW] = RFL_TP("sched_wakeup_new", qmon_probe_wakeup_new),
	RFL_TP("mm_vmscan_direct_reclaim_begin", qmon_probe_direct_begin),
	RFL_TP("mm_vmscan_direct_reclaim_end", qmon_probe_direct_end),
	RFL_TP("mm_vmscan_memcg_reclaim_begin", qmon_probe_memcg_begin),
	RFL_TP("mm_vmscan_memcg_reclaim_end", qmon_probe_memcg_end),
	RFL_TP("block_rq_issue", qmon_probe_rq_issue),
	RFL_TP("block_rq_requeue", qmon_probe_rq_requeue),
	RFL_TP("block_rq_complete", qmon_probe_rq_complete),
	RFL_TP("cgroup_mkdir", qmon_probe_cgroup),
	RFL_TP("cgroup_rmdir", qmon_probe_cgroup),
};

void *qmon_glue_tracepoints(unsigned int *n)
{
	/* The values Rust's sleep_series() and request handling rely on. */
	BUILD_BUG_ON(TASK_INTERRUPTIBLE != 0x1);
	BUILD_BUG_ON(TASK_UNINTERRUPTIBLE != 0x2);
	BUILD_BUG_ON(__TASK_STOPPED != 0x4 || __TASK_TRACED != 0x8);
	BUILD_BUG_ON(TASK_PARKED != 0x40 || TASK_DEAD != 0x80);
	BUILD_BUG_ON(TASK_NOLOAD != 0x400 || TASK_FROZEN != 0x8000);
	BUILD_BUG_ON(REQ_OP_READ != 0 || REQ_OP_WRITE != 1);

	*n = ARRAY_SIZE(qmon_tps);
	return qmon_tps;
}

/* Direct compaction has no tracepoint at its end: a kretprobe times it. */

#ifdef CONFIG_KRETPROBES
static int qmon_compact_entry(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	*(u64 *)ri->data = local_clock();
	return 0;
}

static int qmon_compact_ret(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct cgroup *cgrp;

	rcu_read_lock();
	cgrp = task_dfl_cgroup(current);
	qmon_rs_compact((unsigned long)current, cgrp, cgroup_id(cgrp),
			*(u64 *)ri->data, local_clock());
	rcu_read_unlock();
	return 0;
}

static struct kretprobe qmon_compact_krp;

bool qmon_glue_compact_attach(void)
{
	/* Registration fills in the structure: start from a clean one. */
	memset(&qmon_compact_krp, 0, sizeof(qmon_compact_krp));
	qmon_compact_krp.kp.symbol_name = "try_to_compact_pages";
	qmon_compact_krp.entry_handler = qmon_compact_entry;
	qmon_compact_krp.handler = qmon_compact_ret;
	qmon_compact_krp.data_size = sizeof(u64);
	return !register_kretprobe(&qmon_compact_krp);
}

void qmon_glue_compact_detach(void)
{
	unregister_kretprobe(&qmon_compact_krp);
}
#else
bool qmon_glue_compact_attach(void)
{
	return false;
}

void qmon_glue_compact_detach(void)
{
}
#endif
