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
/*
 * Wait queues of per-cgroup files' pollers, one per slot of notify.rs
 * (NR_SLOTS there): poll_wait() on queue @slot, and waking it.
 */
#define CGROUPFS_NR_WAIT_QUEUES	1024
void cgroupfs_glue_poll_wait(void *file, void *pt, unsigned int slot);
void cgroupfs_glue_notify_wake(unsigned int slot);
/* copy_to_iter() of @len bytes at @data into the iov_iter @iter. */
size_t cgroupfs_glue_copy_to_iter(void *iter, const void *data, size_t len);
int cgroupfs_glue_register_fs(void);
void cgroupfs_glue_unregister_fs(void);
int cgroupfs_glue_create_mount_point(void);
void cgroupfs_glue_remove_mount_point(void);

/* Directory @name under the opaque directory dentry @parent; NULL on OOM. */
void *cgroupfs_glue_mkdir(void *parent, const char *name);
/* Read-only view file @name whose opens call cgroupfs_rs_view_open(@id). */
int cgroupfs_glue_mkfile(void *parent, const char *name, unsigned long id);


/* Directory "cgroup" under @parent for the caller's cgroup namespace root. */
void *cgroupfs_glue_mkcgdir(void *parent, const char *name);
/* dir_emit() one entry and advance ctx->pos; false when the buffer is full. */
bool cgroupfs_glue_dir_emit(void *ctx, const char *name, size_t len,
			    u64 ino, bool dir);

bool cgroupfs_glue_capable_sys_admin(void);
bool cgroupfs_glue_module_get(void *owner);
void cgroupfs_glue_module_put(void *owner);

u64 cgroupfs_glue_boottime_ns(void);
unsigned long cgroupfs_glue_user_hz(void);
unsigned long cgroupfs_glue_page_size(void);
/*
 * @cgrp->psi: its own PSI group, opaque; NULL when cgroups have no PSI,
 * and for the root cgroup (whose group, psi_system, is not exported).
 */
void *cgroupfs_glue_cgroup_psi(void *cgrp);
/* nr_cpu_ids, and the possible CPU after @cpu (-1: the first); a CPU
 * >= nr_cpu_ids means none. */
unsigned int cgroupfs_glue_nr_cpu_ids(void);
unsigned int cgroupfs_glue_next_possible_cpu(int cpu);
/* Runnable and IO-waiting tasks that possible CPU @cpu counts in the PSI
 * group @psi (tasks[NR_RUNNING] and tasks[NR_IOWAIT] of its psi_group_cpu). */
void cgroupfs_glue_psi_cpu_tasks(void *psi, unsigned int cpu, u32 *running,
				 u32 *iowait);


/*
 * The probes on cgroup_mkdir and cgroup_rmdir (of every hierarchy), as a
 * table of support_glue.h's struct rfl_tp with @n entries.
 */
void *cgroupfs_glue_tracepoints(unsigned int *n);

/* Implemented in Rust, called by C. */
/* Tracepoint context: must not sleep. @on_dfl: a cgroup of cgroup v2. */
void cgroupfs_rs_cgroup_mkdir(u64 id, bool on_dfl, u64 boottime_ns);
void cgroupfs_rs_cgroup_rmdir(u64 id, bool on_dfl);
int cgroupfs_rs_fill_root(void *root);
int cgroupfs_rs_view_open(unsigned long id, bool write, void **private);
/* A read of an open view at *@pos into the iov_iter @iter. */
ssize_t cgroupfs_rs_view_read(unsigned long id, void *private, loff_t *pos,
			      void *iter);
/* The release of every open cgroupfs file. */
void cgroupfs_rs_file_release(void *private);

#define CGROUPFS_LOOKUP_DIR	1
#define CGROUPFS_LOOKUP_FILE	2
/* CGROUPFS_LOOKUP_DIR with a new reference in *child, _FILE with *key and
 * *mode, or a negative errno (-ENOENT: no such entry). */
int cgroupfs_rs_cg_lookup(void *dir, const unsigned char *name, void **child,
			  unsigned long *key, umode_t *mode);
int cgroupfs_rs_cg_readdir(void *dir, void *ctx, long long from);
int cgroupfs_rs_cg_dir_valid(void *dir);
int cgroupfs_rs_cg_file_valid(unsigned long key);
/* Whether a notification came since the last poll that reported one. */
bool cgroupfs_rs_cg_poll(void *private, void *file, void *pt);
int cgroupfs_rs_cg_open(unsigned long key, void *cgrp, bool read, bool write,
			void **private);
long cgroupfs_rs_cg_write(void *private, unsigned long ubuf, size_t len,
			  loff_t *pos);
/* A read of an open per-cgroup file at *@pos into the iov_iter @iter. */
ssize_t cgroupfs_rs_cg_read(void *private, loff_t *pos, void *iter);


#endif /* CGROUPFS_GLUE_H */
