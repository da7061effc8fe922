/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between cgroupfs's C glue (glue.c) and its Rust side
 * (prototypes repeated in ffi.rs). Pointers marked opaque are never
 * dereferenced by Rust. Functions returning int return 0 or a negative
 * errno; functions returning a pointer may return an ERR_PTR where noted.
 */
#ifndef CGROUPFS_GLUE_H
#define CGROUPFS_GLUE_H

#include <linux/types.h>

/* Implemented in C, called by Rust. */
int cgroupfs_glue_register_fs(void);
void cgroupfs_glue_unregister_fs(void);
int cgroupfs_glue_create_mount_point(void);
void cgroupfs_glue_remove_mount_point(void);

/* Directory @name under the opaque directory dentry @parent; NULL on OOM. */
void *cgroupfs_glue_mkdir(void *parent, const char *name);
/* Read-only view file @name whose opens call cgroupfs_rs_view_open(@id). */
int cgroupfs_glue_mkfile(void *parent, const char *name, unsigned long id);

/* Kernel-internal mount of filesystem type @fstype; vfsmount or ERR_PTR. */
void *cgroupfs_glue_kern_mount(const char *fstype);
void cgroupfs_glue_kern_unmount(void *mnt);
/* Open @path (relative to @mnt's root) read-only; struct file or ERR_PTR. */
void *cgroupfs_glue_open(void *mnt, const char *path);
/* kernel_read() at *@pos; advances *@pos; bytes read, 0 at EOF, or -errno. */
long cgroupfs_glue_read(void *file, void *buf, size_t len, long long *pos);
void cgroupfs_glue_close(void *file);

/* Absolute cgroup v2 paths; length (may exceed @len: truncated) or -errno. */
int cgroupfs_glue_current_cgroup_path(char *buf, size_t len);
int cgroupfs_glue_current_cgroupns_root_path(char *buf, size_t len);

/* Implemented in Rust, called by C. */
int cgroupfs_rs_fill_root(void *root);
int cgroupfs_rs_view_open(unsigned long id, bool write, void **private);
void cgroupfs_rs_view_data(void *private, const void **data, size_t *len);
void cgroupfs_rs_view_release(void *private);

#endif /* CGROUPFS_GLUE_H */
