// SPDX-License-Identifier: GPL-2.0
/*
 * C glue of rue: module parameters (whose values Rust parses and keeps),
 * the OOM notifier, the processes the OOM killer weighs, and the probe on
 * block request completions. The kernel APIs rue shares with the other
 * modules (cgroups, the private cgroup2 mount, the worker's delayed work,
 * tracepoints) are in support_glue.c. Every decision is taken in Rust; see
 * glue.h for the contract of each function.
 */

#include <linux/blk-cgroup.h>
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/cgroup.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/vmstat.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/nsproxy.h>
#include <linux/oom.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/page_counter.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>

#include "glue.h"
#include "param_glue.h"
#include "support_glue.c"

MODULE_VERSION(RFL_VERSION);

RFL_PARAM_OPS(rue);
RFL_PARAM(rue, memory_qos, "bool",
	  "Master switch of the memory priority controller (0 default, 1)");
RFL_PARAM(rue, use_priority_oom, "bool",
	  "Choose OOM victims by cgroup priority (0 default, 1)");
RFL_PARAM(rue, prio_reclaim_ratio, "uint",
	  "Memory kept free by priority reclaim, percent of RAM (1..20, default 5)");
RFL_PARAM(rue, highest_reclaim_prio, "uint",
	  "Most important priority priority reclaim may touch (1..8, 8 = none; default 1)");
RFL_PARAM(rue, io_qos, "bool",
	  "Master switch of the IO priority controller (0 default, 1)");

void rue_glue_memory(u64 *free, u64 *total)
{
	*free = (u64)global_zone_page_state(NR_FREE_PAGES) << PAGE_SHIFT;
	*total = (u64)totalram_pages() << PAGE_SHIFT;
}

/*
 * The memory oom_badness() counts for @p, in pages, read from a thread
 * that still has the mm (as find_lock_task_mm() finds it); the RUE_PROC_*
 * facts about that memory added to @flags (Rust decides what they mean).
 */
static u64 rue_process_pages(struct task_struct *p, u64 *flags)
{
	struct task_struct *t;
	u64 pages;

	for_each_thread(p, t) {
		task_lock(t);
		if (!t->mm) {
			task_unlock(t);
			continue;
		}
		pages = get_mm_rss(t->mm) + get_mm_counter(t->mm, MM_SWAPENTS) +
			mm_pgtables_bytes(t->mm) / PAGE_SIZE;
		if (test_bit(MMF_OOM_SKIP, &t->mm->flags))
			*flags |= RUE_PROC_OOM_SKIP;
		if (in_vfork(t))
			*flags |= RUE_PROC_VFORK;
		task_unlock(t);
		return pages;
	}
	*flags |= RUE_PROC_NO_MM;
	return 0;
}

long rue_glue_processes(void *buf, size_t size)
{
	struct task_struct *p;
	size_t used = 0;
	u64 rec[RUE_PROC_FIELDS];

	rcu_read_lock();
	for_each_process(p) {
		if (used + sizeof(rec) <= size) {
			rec[0] = task_pid_nr(p);
			rec[1] = cgroup_id(task_dfl_cgroup(p));
			rec[2] = (s64)READ_ONCE(p->signal->oom_score_adj);
			rec[3] = (p->flags & PF_KTHREAD ? RUE_PROC_KTHREAD : 0) |
				 (is_global_init(p) ? RUE_PROC_INIT : 0) |
				 (tsk_is_oom_victim(p) ? RUE_PROC_OOM_VICTIM : 0);
			rec[4] = rue_process_pages(p, &rec[3]);
			rec[5] = p->start_time;
			memcpy(buf + used, rec, sizeof(rec));
		}
		used += sizeof(rec);
	}
	rcu_read_unlock();
	return used;
}

int rue_glue_set_oom_origin(u64 pid, u64 start_time, bool on)
{
	struct task_struct *p;
	int ret = -ESRCH;

	rcu_read_lock();
	p = pid_task(find_pid_ns(pid, &init_pid_ns), PIDTYPE_TGID);
	/* The same process, not a later one with its pid. */
	if (p && p->start_time == start_time) {
		ret = READ_ONCE(p->signal->oom_flag_origin);
		WRITE_ONCE(p->signal->oom_flag_origin, on);
	}
	rcu_read_unlock();
	return ret;
}

static int rue_oom_notify(struct notifier_block *nb, unsigned long unused,
			  void *freed)
{
	rue_rs_oom();
	return NOTIFY_OK;
}

static struct notifier_block rue_oom_nb = {
	.notifier_call = rue_oom_notify,
};

int rue_glue_oom_register(void)
{
	return register_oom_notifier(&rue_oom_nb);
}

void rue_glue_oom_unregister(void)
{
	unregister_oom_notifier(&rue_oom_nb);
}

u64 rue_glue_now_ns(void)
{
	return ktime_get_ns();
}

int rue_glue_block_partno(u32 dev)
{
	/* What blkdev_get_no_open() does, without loading a driver. */
	struct inode *inode = ilookup(blockdev_superblock, dev);
	int ret;

	if (!inode)
		return -ENODEV;
	ret = bdev_partno(I_BDEV(inode));
	iput(inode);
	return ret;
}

/* IO: completions of block requests, found by name (not exported). */

static void rue_probe_rq_complete(void *data, struct request *rq,
				  blk_status_t error, unsigned int nr_bytes)
{
	struct cgroup_subsys_state *css = NULL;
	u64 id = 0;

	if (!rq->q->disk || !rq->bio)
		return;
	rcu_read_lock();
#ifdef CONFIG_BLK_CGROUP
	css = bio_blkcg_css(rq->bio);
#endif
	if (css)
		id = cgroup_id(css->cgroup);
	rcu_read_unlock();
	rue_rs_io_done(id, disk_devt(rq->q->disk),
		       (__force unsigned int)req_op(rq), nr_bytes,
		       blk_rq_bytes(rq), rq->start_time_ns, ktime_get_ns());
}

static struct rfl_tp rue_tps[] = {
	RFL_TP("block_rq_complete", rue_probe_rq_complete),
};

void *rue_glue_tracepoints(unsigned int *n)
{
	/* The values rue_rs_io_done()'s arguments are read with. */
	BUILD_BUG_ON(REQ_OP_READ != 0 || REQ_OP_WRITE != 1);
	BUILD_BUG_ON(MINORBITS != 20);

	*n = ARRAY_SIZE(rue_tps);
	return rue_tps;
}
