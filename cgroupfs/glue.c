// SPDX-License-Identifier: GPL-2.0
/*
 * C glue of cgroupfs: the static kernel objects that need C macros
 * (THIS_MODULE, module_param_cb), and thin wrappers around VFS and cgroup
 * functions that are inline or take structures the Rust side does not
 * model. Every decision (what files exist, what they show, whose view)
 * is taken in Rust; see glue.h for the contract of each function.
 */

#include <linux/cgroup.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/kernfs.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/nsproxy.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sysfs.h>

#include "glue.h"
#include "param_glue.h"

#define CGROUPFS_NAME	"cgroupfs"
#define CGROUPFS_MAGIC	0x63677266	/* "cgrf" */

RFL_PARAM_OPS(cgroupfs);
RFL_PARAM(cgroupfs, enabled,
	  "Show per-cgroup views (1, default) or host values (0)");

/* View files: Rust renders the whole text at open, reads serve from it. */

static int cgroupfs_view_open(struct inode *inode, struct file *file)
{
	return cgroupfs_rs_view_open((unsigned long)inode->i_private,
				     !!(file->f_mode & FMODE_WRITE),
				     &file->private_data);
}

static ssize_t cgroupfs_view_read(struct file *file, char __user *buf,
				  size_t count, loff_t *ppos)
{
	const void *data;
	size_t len;

	cgroupfs_rs_view_data(file->private_data, &data, &len);
	return simple_read_from_buffer(buf, count, ppos, data, len);
}

static int cgroupfs_view_release(struct inode *inode, struct file *file)
{
	cgroupfs_rs_view_release(file->private_data);
	return 0;
}

static const struct file_operations cgroupfs_view_fops = {
	.owner		= THIS_MODULE,
	.open		= cgroupfs_view_open,
	.read		= cgroupfs_view_read,
	.release	= cgroupfs_view_release,
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

static int cgroupfs_fill_super(struct super_block *sb, struct fs_context *fc)
{
	static const struct tree_descr no_files[] = { { "" } };
	int ret;

	ret = simple_fill_super(sb, CGROUPFS_MAGIC, no_files);
	if (ret)
		return ret;
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

void *cgroupfs_glue_kern_mount(const char *fstype)
{
	struct file_system_type *type;
	struct vfsmount *mnt;

	type = get_fs_type(fstype);
	if (!type)
		return ERR_PTR(-ENODEV);
	mnt = vfs_kern_mount(type, SB_KERNMOUNT, fstype, NULL);
	/* put_filesystem() is not exported; it is this. */
	module_put(type->owner);
	return mnt;
}

void cgroupfs_glue_kern_unmount(void *mnt)
{
	kern_unmount(mnt);
}

void *cgroupfs_glue_open(void *mnt, const char *path)
{
	struct vfsmount *m = mnt;
	struct path root = { .mnt = m, .dentry = m->mnt_root };

	return file_open_root(&root, path, O_RDONLY, 0);
}

long cgroupfs_glue_read(void *file, void *buf, size_t len, long long *pos)
{
	loff_t p = *pos;
	ssize_t ret;

	ret = kernel_read(file, buf, len, &p);
	*pos = p;
	return ret;
}

void cgroupfs_glue_close(void *file)
{
	fput(file);
}

/* The cgroup v2 paths that decide the caller's view. */

int cgroupfs_glue_current_cgroup_path(char *buf, size_t len)
{
	struct cgroup *cgrp;
	int ret;

	rcu_read_lock();
	cgrp = task_dfl_cgroup(current);
	ret = cgroup_tryget(cgrp) ? 0 : -ENOENT;
	rcu_read_unlock();
	if (ret)
		return ret;
	ret = kernfs_path_from_node(cgrp->kn, NULL, buf, len);
	cgroup_put(cgrp);
	return ret;
}

int cgroupfs_glue_current_cgroupns_root_path(char *buf, size_t len)
{
	/* current's nsproxy pins the namespace, which pins its root cset. */
	struct cgroup_namespace *ns = current->nsproxy->cgroup_ns;

	return kernfs_path_from_node(ns->root_cset->dfl_cgrp->kn, NULL, buf, len);
}
