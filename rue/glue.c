// SPDX-License-Identifier: GPL-2.0
/*
 * C glue of rue: module parameters (whose values Rust parses and keeps),
 * the periodic worker, a private cgroup2 mount for writing cgroup files,
 * and thin wrappers around inline cgroup and memcg accessors. Every
 * decision is taken in Rust; see glue.h for the contract of each function.
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

static struct vfsmount *rue_mnt;
static struct cgroup_namespace *rue_ns;

int rue_glue_mount(char *data)
{
	struct file_system_type *type = get_fs_type("cgroup2");

	if (!type)
		return -ENODEV;
	rue_mnt = vfs_kern_mount(type, SB_KERNMOUNT, "cgroup2", data);
	/* put_filesystem() is not exported; it is this. */
	module_put(type->owner);
	if (IS_ERR(rue_mnt))
		return PTR_ERR(rue_mnt);
	/* The mount's root is this namespace's root: paths are relative to it. */
	rue_ns = current->nsproxy->cgroup_ns;
	get_cgroup_ns(rue_ns);
	return 0;
}

void rue_glue_umount(void)
{
	kern_unmount(rue_mnt);
	put_cgroup_ns(rue_ns);
}

void *rue_glue_open(void *cgrp, const char *name, bool write)
{
	struct path root = { .mnt = rue_mnt, .dentry = rue_mnt->mnt_root };
	struct file *file;
	char *path;
	long ret;
	int n;

	path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!path)
		return ERR_PTR(-ENOMEM);
	ret = cgroup_path_ns(cgrp, path, PATH_MAX, rue_ns);
	if (ret >= PATH_MAX)
		ret = -ENAMETOOLONG;
	if (ret < 0) {
		kfree(path);
		return ERR_PTR(ret);
	}
	n = strlen(path);
	if (snprintf(path + n, PATH_MAX - n, "/%s", name) >= PATH_MAX - n) {
		kfree(path);
		return ERR_PTR(-ENAMETOOLONG);
	}
	/* Relative to the mount's root: skip the leading '/'. */
	file = file_open_root(&root, path + 1, write ? O_WRONLY : O_RDONLY, 0);
	kfree(path);
	return file;
}

void *rue_glue_file_dir_node(void *file)
{
	struct file *f = file;

	/* A kernfs inode's private data is its node; cgroup2 has no rename. */
	return d_inode(f->f_path.dentry->d_parent)->i_private;
}

void *rue_glue_cgroup_node(void *cgrp)
{
	return ((struct cgroup *)cgrp)->kn;
}

long rue_glue_file_write(void *file, const char *text, size_t len)
{
	loff_t pos = 0;

	return kernel_write(file, text, len, &pos);
}

long rue_glue_file_read(void *file, char *buf, size_t size)
{
	loff_t pos = 0;
	long ret = 0, n;

	while (ret < size) {
		n = kernel_read(file, buf + ret, size - ret, &pos);
		if (n < 0)
			return n;
		if (n == 0)
			break;
		ret += n;
	}
	return ret;
}

void rue_glue_file_put(void *file)
{
	fput(file);
}

void *rue_glue_cgroup_from_id(u64 id)
{
	struct cgroup *cgrp = cgroup_get_from_id(id);

	return IS_ERR(cgrp) ? NULL : cgrp;
}

void rue_glue_cgroup_get(void *cgrp)
{
	cgroup_get(cgrp);
}

bool rue_glue_cgroup_online(void *cgrp)
{
	return ((struct cgroup *)cgrp)->self.flags & CSS_ONLINE;
}

void rue_glue_cgroup_put(void *cgrp)
{
	cgroup_put(cgrp);
}

void *rue_glue_cgroup_parent(void *cgrp)
{
	return cgroup_parent(cgrp);
}

u64 rue_glue_cgroup_id(void *cgrp)
{
	return cgroup_id(cgrp);
}

int rue_glue_memcg(void *cgrp, u64 *out)
{
	u64 c[RFL_MEMCG_NR];
	int ret = rfl_memcg_read(cgrp, c);

	if (!ret) {
		out[0] = c[RFL_MEMCG_USAGE];
		out[1] = c[RFL_MEMCG_HIGH];
		out[2] = c[RFL_MEMCG_MAX];
	}
	return ret;
}

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

void *rue_glue_process_cgroup(u64 pid)
{
	struct cgroup *cgrp = NULL;
	struct task_struct *p;

	rcu_read_lock();
	p = pid_task(find_pid_ns(pid, &init_pid_ns), PIDTYPE_TGID);
	if (p) {
		cgrp = task_dfl_cgroup(p);
		if (!cgroup_tryget(cgrp))
			cgrp = NULL;
	}
	rcu_read_unlock();
	return cgrp;
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

/* The worker: a delayed work item that runs rue_rs_work() and rearms. */

static void rue_worker_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(rue_worker, rue_worker_fn);

static void rue_worker_fn(struct work_struct *work)
{
	queue_delayed_work(system_unbound_wq, &rue_worker,
			   msecs_to_jiffies(rue_rs_work()));
}

void rue_glue_worker_start(unsigned long ms)
{
	queue_delayed_work(system_unbound_wq, &rue_worker,
			   msecs_to_jiffies(ms));
}

void rue_glue_worker_kick(void)
{
	mod_delayed_work(system_unbound_wq, &rue_worker, 0);
}

/* cancel_delayed_work_sync() also stops a work item that requeues itself. */
void rue_glue_worker_stop(void)
{
	cancel_delayed_work_sync(&rue_worker);
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

static struct tracepoint *rue_tp_complete;

static void rue_find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "block_rq_complete"))
		rue_tp_complete = tp;
}

int rue_glue_io_attach(void)
{
	BUILD_BUG_ON(REQ_OP_READ != 0 || REQ_OP_WRITE != 1);
	BUILD_BUG_ON(MINORBITS != 20);

	if (!rue_tp_complete)
		for_each_kernel_tracepoint(rue_find_tp, NULL);
	if (!rue_tp_complete)
		return -ENOENT;
	return tracepoint_probe_register(rue_tp_complete,
					 rue_probe_rq_complete, NULL);
}

void rue_glue_io_detach(void)
{
	tracepoint_probe_unregister(rue_tp_complete, rue_probe_rq_complete,
				    NULL);
	tracepoint_synchronize_unregister();
}
