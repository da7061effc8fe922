// SPDX-License-Identifier: GPL-2.0
/*
 * C glue of cgroupfs: the static kernel objects that need C macros
 * (THIS_MODULE, module_param_cb), and thin wrappers around VFS and cgroup
 * functions that are inline or take structures the Rust side does not
 * model. Every decision (what files exist, what they show, whose view)
 * is taken in Rust; see glue.h for the contract of each function.
 */

#include <linux/cgroup.h>
#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/kernfs.h>
#include <linux/kobject.h>
#include <linux/memcontrol.h>
#include <linux/page_counter.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/nsproxy.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/pagemap.h>
#include <linux/poll.h>
#include <linux/psi.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>
#include <linux/sysfs.h>

#include "glue.h"
#include "param_glue.h"
#include "support_glue.c"

MODULE_VERSION(RFL_VERSION);
#include "cgroupfs_api.h"

#define CGROUPFS_NAME	"cgroupfs"
#define CGROUPFS_MAGIC	0x63677266	/* "cgrf" */

RFL_PARAM_OPS(cgroupfs);
RFL_PARAM(cgroupfs, enabled, "bool",
	  "Show per-cgroup views (1, default) or host values (0)");
RFL_PARAM(cgroupfs, stat_cache_ms, "uint",
	  "How long a cgroup's parsed memory.stat serves the views, ms (0..1000, default 50)");

/* View files: Rust renders the whole text at open, reads serve from it. */

static int cgroupfs_view_open(struct inode *inode, struct file *file)
{
	return cgroupfs_rs_view_open((unsigned long)inode->i_private,
				     !!(file->f_mode & FMODE_WRITE),
				     &file->private_data);
}

/* Reads are served by Rust, which copies with cgroupfs_glue_copy_to_iter(). */
static ssize_t cgroupfs_view_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;

	return cgroupfs_rs_view_read((unsigned long)file_inode(file)->i_private,
				     file->private_data, &iocb->ki_pos, to);
}

size_t cgroupfs_glue_copy_to_iter(void *iter, const void *data, size_t len)
{
	return copy_to_iter(data, len, iter);
}

static int cgroupfs_file_release(struct inode *inode, struct file *file)
{
	cgroupfs_rs_file_release(file->private_data);
	return 0;
}

static const struct file_operations cgroupfs_view_fops = {
	.owner		= THIS_MODULE,
	.open		= cgroupfs_view_open,
	.read_iter	= cgroupfs_view_read_iter,
	.splice_read	= copy_splice_read,
	.release	= cgroupfs_file_release,
	.llseek		= default_llseek,
};

/* Same steps as simple_fill_super(): the dentry keeps its reference until
 * kill_litter_super() drops it at unmount.
 */
static void *cgroupfs_add(void *parent, const char *name, umode_t mode,
			  unsigned long id)
{
	struct dentry *dir = parent;
	struct dentry *dentry;
	struct inode *inode;

	dentry = d_alloc_name(dir, name);
	if (!dentry)
		return NULL;
	inode = new_inode(dir->d_sb);
	if (!inode) {
		dput(dentry);
		return NULL;
	}
	inode->i_ino = get_next_ino();
	inode->i_mode = mode;
	simple_inode_init_ts(inode);
	if (S_ISDIR(mode)) {
		inode->i_op = &simple_dir_inode_operations;
		inode->i_fop = &simple_dir_operations;
		set_nlink(inode, 2);
		inc_nlink(d_inode(dir));
	} else {
		inode->i_fop = &cgroupfs_view_fops;
		inode->i_private = (void *)id;
	}
	d_add(dentry, inode);
	return dentry;
}

void *cgroupfs_glue_mkdir(void *parent, const char *name)
{
	return cgroupfs_add(parent, name, S_IFDIR | 0555, 0);
}

int cgroupfs_glue_mkfile(void *parent, const char *name, unsigned long id)
{
	return cgroupfs_add(parent, name, S_IFREG | 0444, id) ? 0 : -ENOMEM;
}


/*
 * The cgroup/ tree. A cgroup directory inode holds a reference to its
 * struct cgroup in i_private (dropped at eviction); a per-cgroup file inode
 * holds the key Rust gave it. Dentries are never cached unused and are
 * revalidated, so the tree follows cgroups as they come and go. Rust
 * decides what each directory contains and who may see it.
 */

static const struct inode_operations cgroupfs_cg_dir_iops;
static const struct file_operations cgroupfs_cg_dir_fops;
static const struct file_operations cgroupfs_cg_file_fops;

static bool cgroupfs_is_cg_dir(struct inode *inode)
{
	return inode->i_op == &cgroupfs_cg_dir_iops;
}

static int cgroupfs_cg_revalidate(struct dentry *dentry, unsigned int flags)
{
	struct inode *inode;

	if (flags & LOOKUP_RCU)
		return -ECHILD;
	inode = d_inode(dentry);
	if (!inode)
		return 0;
	if (cgroupfs_is_cg_dir(inode))
		return cgroupfs_rs_cg_dir_valid(inode->i_private);
	return cgroupfs_rs_cg_file_valid((unsigned long)inode->i_private);
}

static const struct dentry_operations cgroupfs_cg_dops = {
	.d_revalidate	= cgroupfs_cg_revalidate,
	.d_delete	= always_delete_dentry,
};

static struct inode *cgroupfs_cg_inode(struct super_block *sb, umode_t mode,
				       void *priv, u64 ino)
{
	struct inode *inode = new_inode(sb);

	if (!inode)
		return NULL;
	inode->i_ino = ino;
	inode->i_mode = mode;
	simple_inode_init_ts(inode);
	inode->i_private = priv;
	if (S_ISDIR(mode)) {
		inode->i_op = &cgroupfs_cg_dir_iops;
		inode->i_fop = &cgroupfs_cg_dir_fops;
		set_nlink(inode, 2);
	} else {
		inode->i_fop = &cgroupfs_cg_file_fops;
	}
	return inode;
}

static struct dentry *cgroupfs_cg_lookup(struct inode *dir,
					 struct dentry *dentry,
					 unsigned int flags)
{
	struct inode *inode = NULL;
	unsigned long key;
	void *child;
	umode_t mode;
	int kind;

	kind = cgroupfs_rs_cg_lookup(dir->i_private, dentry->d_name.name,
				     &child, &key, &mode);
	if (kind < 0 && kind != -ENOENT)
		return ERR_PTR(kind);
	if (kind == CGROUPFS_LOOKUP_DIR) {
		inode = cgroupfs_cg_inode(dir->i_sb, S_IFDIR | 0555, child,
					  cgroup_id(child));
		if (!inode) {
			cgroup_put(child);
			return ERR_PTR(-ENOMEM);
		}
	} else if (kind == CGROUPFS_LOOKUP_FILE) {
		inode = cgroupfs_cg_inode(dir->i_sb, S_IFREG | mode,
					  (void *)key, key);
		if (!inode)
			return ERR_PTR(-ENOMEM);
	}
	d_set_d_op(dentry, &cgroupfs_cg_dops);
	d_add(dentry, inode);
	return NULL;
}

static int cgroupfs_cg_readdir(struct file *file, struct dir_context *ctx)
{
	if (!dir_emit_dots(file, ctx))
		return 0;
	return cgroupfs_rs_cg_readdir(file_inode(file)->i_private, ctx,
				      ctx->pos - 2);
}

bool cgroupfs_glue_dir_emit(void *ctx, const char *name, size_t len,
			    u64 ino, bool dir)
{
	struct dir_context *c = ctx;

	if (!dir_emit(c, name, len, ino, dir ? DT_DIR : DT_REG))
		return false;
	c->pos++;
	return true;
}

static const struct inode_operations cgroupfs_cg_dir_iops = {
	.lookup		= cgroupfs_cg_lookup,
};

static const struct file_operations cgroupfs_cg_dir_fops = {
	.iterate_shared	= cgroupfs_cg_readdir,
	.read		= generic_read_dir,
	.llseek		= generic_file_llseek,
};

/* Per-cgroup files: the text is rendered at open; writes go to Rust. */

static int cgroupfs_cg_open(struct inode *inode, struct file *file)
{
	struct inode *dir = d_inode(file->f_path.dentry->d_parent);

	return cgroupfs_rs_cg_open((unsigned long)inode->i_private,
				   dir->i_private,
				   !!(file->f_mode & FMODE_READ),
				   !!(file->f_mode & FMODE_WRITE),
				   &file->private_data);
}

static ssize_t cgroupfs_cg_write(struct file *file, const char __user *buf,
				 size_t count, loff_t *ppos)
{
	return cgroupfs_rs_cg_write(file->private_data, (unsigned long)buf,
				    count, ppos);
}

static ssize_t cgroupfs_cg_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	return cgroupfs_rs_cg_read(iocb->ki_filp->private_data, &iocb->ki_pos,
				   to);
}

/* Pollers of per-cgroup files, one queue per slot of notify.rs. */
static wait_queue_head_t cgroupfs_notify_wqs[CGROUPFS_NR_WAIT_QUEUES];

void cgroupfs_glue_poll_wait(void *file, void *pt, unsigned int slot)
{
	poll_wait(file, &cgroupfs_notify_wqs[slot], pt);
}

void cgroupfs_glue_notify_wake(unsigned int slot)
{
	wake_up_interruptible_all(&cgroupfs_notify_wqs[slot]);
}

static __poll_t cgroupfs_cg_poll(struct file *file, poll_table *pt)
{
	if (cgroupfs_rs_cg_poll(file->private_data, file, pt))
		return DEFAULT_POLLMASK | EPOLLPRI | EPOLLERR;
	return DEFAULT_POLLMASK;
}

static const struct file_operations cgroupfs_cg_file_fops = {
	.owner		= THIS_MODULE,
	.open		= cgroupfs_cg_open,
	.read_iter	= cgroupfs_cg_read_iter,
	.splice_read	= copy_splice_read,
	.write		= cgroupfs_cg_write,
	.poll		= cgroupfs_cg_poll,
	.release	= cgroupfs_file_release,
	.llseek		= default_llseek,
};

void *cgroupfs_glue_mkcgdir(void *parent, const char *name)
{
	struct dentry *dir = parent;
	struct cgroup_namespace *ns = current->nsproxy->cgroup_ns;
	struct cgroup *cgrp = ns->root_cset->dfl_cgrp;
	struct dentry *dentry;
	struct inode *inode;

	dentry = d_alloc_name(dir, name);
	if (!dentry)
		return NULL;
	cgroup_get(cgrp);
	inode = cgroupfs_cg_inode(dir->d_sb, S_IFDIR | 0555, cgrp,
				  cgroup_id(cgrp));
	if (!inode) {
		cgroup_put(cgrp);
		dput(dentry);
		return NULL;
	}
	inc_nlink(d_inode(dir));
	d_add(dentry, inode);
	return dentry;
}

static void cgroupfs_evict_inode(struct inode *inode)
{
	truncate_inode_pages_final(&inode->i_data);
	clear_inode(inode);
	if (cgroupfs_is_cg_dir(inode))
		cgroup_put(inode->i_private);
}

static const struct super_operations cgroupfs_sops = {
	.statfs		= simple_statfs,
	.drop_inode	= generic_delete_inode,
	.evict_inode	= cgroupfs_evict_inode,
};

bool cgroupfs_glue_capable_sys_admin(void)
{
	return capable(CAP_SYS_ADMIN);
}

bool cgroupfs_glue_module_get(void *owner)
{
	return try_module_get(owner);
}

void cgroupfs_glue_module_put(void *owner)
{
	module_put(owner);
}

/* The registration API other modules call (support/cgroupfs_api.h). */
EXPORT_SYMBOL_GPL(cgroupfs_register_files);
EXPORT_SYMBOL_GPL(cgroupfs_unregister_files);
EXPORT_SYMBOL_GPL(cgroupfs_notify);

static int cgroupfs_fill_super(struct super_block *sb, struct fs_context *fc)
{
	static const struct tree_descr no_files[] = { { "" } };
	int ret;

	ret = simple_fill_super(sb, CGROUPFS_MAGIC, no_files);
	if (ret)
		return ret;
	sb->s_op = &cgroupfs_sops;
	return cgroupfs_rs_fill_root(sb->s_root);
}

static int cgroupfs_get_tree(struct fs_context *fc)
{
	return get_tree_nodev(fc, cgroupfs_fill_super);
}

static const struct fs_context_operations cgroupfs_context_ops = {
	.get_tree	= cgroupfs_get_tree,
};

static int cgroupfs_init_fs_context(struct fs_context *fc)
{
	fc->ops = &cgroupfs_context_ops;
	return 0;
}

/* .owner pins the module while any cgroupfs superblock exists. */
static struct file_system_type cgroupfs_fs_type = {
	.owner			= THIS_MODULE,
	.name			= CGROUPFS_NAME,
	.init_fs_context	= cgroupfs_init_fs_context,
	.kill_sb		= kill_litter_super,
};

int cgroupfs_glue_register_fs(void)
{
	int i;

	for (i = 0; i < CGROUPFS_NR_WAIT_QUEUES; i++)
		init_waitqueue_head(&cgroupfs_notify_wqs[i]);
	return register_filesystem(&cgroupfs_fs_type);
}

void cgroupfs_glue_unregister_fs(void)
{
	unregister_filesystem(&cgroupfs_fs_type);
}

int cgroupfs_glue_create_mount_point(void)
{
	return sysfs_create_mount_point(fs_kobj, CGROUPFS_NAME);
}

void cgroupfs_glue_remove_mount_point(void)
{
	sysfs_remove_mount_point(fs_kobj, CGROUPFS_NAME);
}

/* Private mounts the views read their sources from. */

/* Time, tasks and the periodic sampler behind stat, uptime and loadavg. */

u64 cgroupfs_glue_boottime_ns(void)
{
	return ktime_get_boottime_ns();
}

unsigned long cgroupfs_glue_user_hz(void)
{
	return USER_HZ;
}

unsigned long cgroupfs_glue_page_size(void)
{
	return PAGE_SIZE;
}

/*
 * PSI task counts, summed by Rust (psi.rs): @cgrp's own PSI group, the
 * possible CPUs, and what one CPU counts in a group.
 */
void *cgroupfs_glue_cgroup_psi(void *cgrp)
{
	return ((struct cgroup *)cgrp)->psi;
}

unsigned int cgroupfs_glue_nr_cpu_ids(void)
{
	return nr_cpu_ids;
}

unsigned int cgroupfs_glue_next_possible_cpu(int cpu)
{
	return cpumask_next(cpu, cpu_possible_mask);
}

void cgroupfs_glue_psi_cpu_tasks(void *psi, unsigned int cpu, u32 *running,
				 u32 *iowait)
{
	struct psi_group *group = psi;
	struct psi_group_cpu *g = per_cpu_ptr(group->pcpu, cpu);

	*running = READ_ONCE(g->tasks[NR_RUNNING]);
	*iowait = READ_ONCE(g->tasks[NR_IOWAIT]);
}

/* Probes on cgroup creation and removal, for the cgroups' birth times. */

static void cgroupfs_probe_mkdir(void *data, struct cgroup *cgrp,
				 const char *path)
{
	cgroupfs_rs_cgroup_mkdir(cgroup_id(cgrp), cgrp->root == &cgrp_dfl_root,
				 ktime_get_boottime_ns());
}

static void cgroupfs_probe_rmdir(void *data, struct cgroup *cgrp,
				 const char *path)
{
	cgroupfs_rs_cgroup_rmdir(cgroup_id(cgrp), cgrp->root == &cgrp_dfl_root);
}

static struct rfl_tp cgroupfs_tps[] = {
	RFL_TP("cgroup_mkdir", cgroupfs_probe_mkdir),
	RFL_TP("cgroup_rmdir", cgroupfs_probe_rmdir),
};

void *cgroupfs_glue_tracepoints(unsigned int *n)
{
	*n = ARRAY_SIZE(cgroupfs_tps);
	return cgroupfs_tps;
}
