// SPDX-License-Identifier: GPL-2.0
/*
 * The C half of the support layer (see support_glue.h). Each module's
 * glue.c includes this file once, after its own includes.
 */

#include <linux/cgroup.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kernfs.h>
#include <linux/memcontrol.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mount.h>
#include <linux/nsproxy.h>
#include <linux/page_counter.h>
#include <linux/pid.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>

#include "support_glue.h"

/* The module's parameter lock, which parameter writes hold. */

void rfl_param_lock(void)
{
	kernel_param_lock(THIS_MODULE);
}

void rfl_param_unlock(void)
{
	kernel_param_unlock(THIS_MODULE);
}

/* Cgroups. */

void rfl_cgroup_get(void *cgrp)
{
	cgroup_get(cgrp);
}

void rfl_cgroup_put(void *cgrp)
{
	cgroup_put(cgrp);
}

u64 rfl_cgroup_id(void *cgrp)
{
	return cgroup_id(cgrp);
}

unsigned int rfl_cgroup_self_flags(void *cgrp)
{
	return READ_ONCE(((struct cgroup *)cgrp)->self.flags);
}

unsigned int rfl_css_online_flag(void)
{
	return CSS_ONLINE;
}

/* No reference taken: a cgroup pins its parent. */
void *rfl_cgroup_parent(void *cgrp)
{
	return cgroup_parent(cgrp);
}

bool rfl_cgroup_is_descendant(void *cgrp, void *ancestor)
{
	return cgroup_is_descendant(cgrp, ancestor);
}

void *rfl_cgroup_kn(void *cgrp)
{
	return ((struct cgroup *)cgrp)->kn;
}

/* A new reference, or NULL. */
void *rfl_cgroup_from_id(u64 id)
{
	struct cgroup *cgrp = cgroup_get_from_id(id);

	return IS_ERR(cgrp) ? NULL : cgrp;
}

/* A new reference to @parent's child directory @name, or NULL. */
void *rfl_cgroup_child(void *parent, const char *name)
{
	struct cgroup *cgrp = parent;
	struct cgroup *child = NULL;
	struct kernfs_node *kn;

	kn = kernfs_find_and_get_ns(cgrp->kn, name, NULL);
	if (!kn)
		return NULL;
	if (kernfs_type(kn) == KERNFS_DIR) {
		rcu_read_lock();
		child = rcu_dereference(*(void __rcu __force **)&kn->priv);
		if (child && (child->kn != kn || !cgroup_tryget(child)))
			child = NULL;
		rcu_read_unlock();
	}
	kernfs_put(kn);
	return child;
}

/*
 * Packs a record per child of @parent into @buf while they fit: the native
 * u64 id, the css flags as a u32, then the NUL-terminated name. Returns the
 * bytes all records need.
 */
long rfl_cgroup_children(void *parent, void *buf, size_t size)
{
	struct cgroup *cgrp = parent;
	struct cgroup_subsys_state *pos;
	size_t used = 0;
	u32 flags;
	u64 id;

	rcu_read_lock();
	/* css_for_each_child() without the unexported css_next_child(): one
	 * pass in one RCU section needs no more (siblings are list_del_rcu'd).
	 */
	list_for_each_entry_rcu(pos, &cgrp->self.children, sibling) {
		size_t len = strlen(pos->cgroup->kn->name) + 1;
		size_t rec = sizeof(id) + sizeof(flags) + len;

		if (used + rec <= size) {
			id = cgroup_id(pos->cgroup);
			flags = READ_ONCE(pos->flags);
			memcpy(buf + used, &id, sizeof(id));
			memcpy(buf + used + sizeof(id), &flags, sizeof(flags));
			memcpy(buf + used + sizeof(id) + sizeof(flags),
			       pos->cgroup->kn->name, len);
		}
		used += rec;
	}
	rcu_read_unlock();
	return used;
}

int rfl_cgroup_path(void *cgrp, void *base, char *buf, size_t len)
{
	return kernfs_path_from_node(((struct cgroup *)cgrp)->kn,
				     ((struct cgroup *)base)->kn, buf, len);
}

/* A new reference to current's cgroup, or NULL. */
void *rfl_current_cgroup(void)
{
	struct cgroup *cgrp;

	rcu_read_lock();
	cgrp = task_dfl_cgroup(current);
	if (!cgroup_tryget(cgrp))
		cgrp = NULL;
	rcu_read_unlock();
	return cgrp;
}

/* No reference taken: current's nsproxy pins the namespace and its root. */
void *rfl_current_cgroupns_root(void)
{
	return current->nsproxy->cgroup_ns->root_cset->dfl_cgrp;
}

/* A new reference to the cgroup of process (thread group) @pid, in the
 * initial pid namespace, or NULL.
 */
void *rfl_process_cgroup(u64 pid)
{
	struct task_struct *p;
	struct cgroup *cgrp = NULL;

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

static u64 rfl_pages_or_max(unsigned long pages)
{
	return pages == PAGE_COUNTER_MAX ? U64_MAX : (u64)pages * PAGE_SIZE;
}

/*
 * @out[RFL_MEMCG_NR]: the counters of @cgrp's own memory controller, in
 * bytes (U64_MAX: no limit); -ENOENT when the memory controller is not
 * enabled on @cgrp itself. memcontrol.h's counters have no exported
 * accessor. No allocation.
 */
int rfl_memcg_read(void *cgrp, u64 *out)
{
	struct cgroup_subsys_state *css;
	struct mem_cgroup *memcg;
	int ret = -ENOENT;

	css = cgroup_get_e_css(cgrp, &memory_cgrp_subsys);
	if (!css)
		return ret;
	if (css->cgroup == cgrp) {
		memcg = container_of(css, struct mem_cgroup, css);
		out[RFL_MEMCG_USAGE] =
			(u64)page_counter_read(&memcg->memory) * PAGE_SIZE;
		out[RFL_MEMCG_HIGH] = rfl_pages_or_max(READ_ONCE(memcg->memory.high));
		out[RFL_MEMCG_MAX] = rfl_pages_or_max(READ_ONCE(memcg->memory.max));
		out[RFL_MEMCG_SWAP] =
			(u64)page_counter_read(&memcg->swap) * PAGE_SIZE;
		out[RFL_MEMCG_SWAP_MAX] = rfl_pages_or_max(READ_ONCE(memcg->swap.max));
		ret = 0;
	}
	css_put(css);
	return ret;
}

/* The order of NAMES in support/cgroup2_opts.rs. */
const unsigned int rfl_cgroup2_option_flags[6] = {
	CGRP_ROOT_NS_DELEGATE,
	CGRP_ROOT_FAVOR_DYNMODS,
	CGRP_ROOT_MEMORY_LOCAL_EVENTS,
	CGRP_ROOT_MEMORY_RECURSIVE_PROT,
	CGRP_ROOT_MEMORY_HUGETLB_ACCOUNTING,
	CGRP_ROOT_PIDS_LOCAL_EVENTS,
};

unsigned int rfl_cgroup2_root_flags(void)
{
	return READ_ONCE(cgrp_dfl_root.flags);
}

/* Kernel-internal mounts and files. */

void *rfl_kern_mount(const char *fstype, char *data)
{
	struct file_system_type *type = get_fs_type(fstype);
	struct vfsmount *mnt;

	if (!type)
		return ERR_PTR(-ENODEV);
	mnt = vfs_kern_mount(type, SB_KERNMOUNT, fstype, data);
	/* put_filesystem() is not exported; it is this. */
	module_put(type->owner);
	return mnt;
}

void rfl_kern_unmount(void *mnt)
{
	kern_unmount(mnt);
}

/* @path is relative to the mount's root. */
void *rfl_file_open(void *mnt, const char *path, bool write)
{
	struct vfsmount *m = mnt;
	struct path root = { .mnt = m, .dentry = m->mnt_root };

	return file_open_root(&root, path, write ? O_WRONLY : O_RDONLY, 0);
}

/* The private data of the inode of @file's directory (kernfs: its node). */
void *rfl_file_parent_kn(void *file)
{
	struct file *f = file;

	return d_inode(f->f_path.dentry->d_parent)->i_private;
}

long rfl_file_read(void *file, char *buf, size_t size, long long *pos)
{
	loff_t p = *pos;
	long n = kernel_read(file, buf, size, &p);

	*pos = p;
	return n;
}

long rfl_file_write(void *file, const char *buf, size_t size, long long *pos)
{
	loff_t p = *pos;
	long n = kernel_write(file, buf, size, &p);

	*pos = p;
	return n;
}

void rfl_file_close(void *file)
{
	fput(file);
}

/* Delayed work that runs a Rust function and rearms as it says. */

struct rfl_dwork {
	struct delayed_work work;
	long (*fn)(void *data);
	void *data;
	struct workqueue_struct *wq;
};

static void rfl_dwork_fn(struct work_struct *work)
{
	struct rfl_dwork *d = container_of(to_delayed_work(work),
					   struct rfl_dwork, work);
	long ms = d->fn(d->data);

	if (ms >= 0)
		queue_delayed_work(d->wq, &d->work, msecs_to_jiffies(ms));
}

void *rfl_dwork_new(long (*fn)(void *data), void *data, bool unbound)
{
	struct rfl_dwork *d = kzalloc(sizeof(*d), GFP_KERNEL);

	if (!d)
		return NULL;
	INIT_DELAYED_WORK(&d->work, rfl_dwork_fn);
	d->fn = fn;
	d->data = data;
	d->wq = unbound ? system_unbound_wq : system_wq;
	return d;
}

void rfl_dwork_queue(void *work, unsigned long ms)
{
	struct rfl_dwork *d = work;

	queue_delayed_work(d->wq, &d->work, msecs_to_jiffies(ms));
}

void rfl_dwork_kick(void *work)
{
	struct rfl_dwork *d = work;

	mod_delayed_work(d->wq, &d->work, 0);
}

/* Also stops a work item that rearms itself. */
void rfl_dwork_cancel_sync(void *work)
{
	struct rfl_dwork *d = work;

	cancel_delayed_work_sync(&d->work);
}

void rfl_dwork_free(void *work)
{
	kfree(work);
}

/* Tracepoints. */

struct rfl_tp_lookup {
	struct rfl_tp *tps;
	unsigned int n;
};

static void rfl_tp_match(struct tracepoint *tp, void *priv)
{
	struct rfl_tp_lookup *l = priv;
	unsigned int i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(tp->name, l->tps[i].name))
			l->tps[i].tp = tp;
}

void rfl_tp_lookup(struct rfl_tp *tps, unsigned int n)
{
	struct rfl_tp_lookup l = { .tps = tps, .n = n };

	for_each_kernel_tracepoint(rfl_tp_match, &l);
}

bool rfl_tp_found(struct rfl_tp *tps, unsigned int i)
{
	return tps[i].tp;
}

const char *rfl_tp_name(struct rfl_tp *tps, unsigned int i)
{
	return tps[i].name;
}

int rfl_tp_register(struct rfl_tp *tps, unsigned int i)
{
	return tracepoint_probe_register(tps[i].tp, tps[i].probe, NULL);
}

void rfl_tp_unregister(struct rfl_tp *tps, unsigned int i)
{
	tracepoint_probe_unregister(tps[i].tp, tps[i].probe, NULL);
}

/* After this returns no probe unregistered before is still running. */
void rfl_tp_sync(void)
{
	tracepoint_synchronize_unregister();
}
