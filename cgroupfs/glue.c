// SPDX-License-Identifier: GPL-2.0
/*
 * C glue of cgroupfs: the static kernel objects that need C macros
 * (THIS_MODULE, module_param_cb) and thin wrappers the Rust side calls.
 * No policy lives here.
 */

#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/sysfs.h>

#include "glue.h"
#include "param_glue.h"

#define CGROUPFS_NAME	"cgroupfs"
#define CGROUPFS_MAGIC	0x63677266	/* "cgrf" */

RFL_PARAM_OPS(cgroupfs);
RFL_PARAM(cgroupfs, enabled,
	  "Show per-cgroup views (1, default) or host values (0)");

static int cgroupfs_fill_super(struct super_block *sb, struct fs_context *fc)
{
	static const struct tree_descr no_files[] = { { "" } };

	return simple_fill_super(sb, CGROUPFS_MAGIC, no_files);
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
