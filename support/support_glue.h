/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C half of the support layer: thin wrappers of kernel APIs the `kernel`
 * crate lacks, shared by every module. Each takes and returns scalars and
 * opaque pointers and decides nothing; the Rust side (support/ffi.rs) wraps
 * each once in a safe type (support/cgroup.rs, mount.rs, dwork.rs,
 * tracepoint.rs).
 *
 * Each module's glue.c includes support_glue.c once, so every module has its
 * own copy of these functions (they are not exported).
 */
#ifndef RFL_SUPPORT_GLUE_H
#define RFL_SUPPORT_GLUE_H

#include <linux/types.h>

/* The module's parameter lock (support/param_lock.rs). */
void rfl_param_lock(void);
void rfl_param_unlock(void);

/* Cgroups (struct cgroup *, passed as void *). */
void rfl_cgroup_get(void *cgrp);
void rfl_cgroup_put(void *cgrp);
u64 rfl_cgroup_id(void *cgrp);
unsigned int rfl_cgroup_self_flags(void *cgrp);
unsigned int rfl_css_online_flag(void);
void *rfl_cgroup_parent(void *cgrp);
bool rfl_cgroup_is_descendant(void *cgrp, void *ancestor);
void *rfl_cgroup_kn(void *cgrp);
void *rfl_cgroup_from_id(u64 id);
void *rfl_cgroup_child(void *parent, const char *name);
long rfl_cgroup_children(void *parent, void *buf, size_t size);
int rfl_cgroup_path(void *cgrp, void *base, char *buf, size_t len);
void *rfl_current_cgroup(void);
void *rfl_current_cgroupns_root(void);
void *rfl_process_cgroup(u64 pid);
int rfl_memcg_read(void *cgrp, u64 *out);

/* The order of rfl_memcg_read()'s counters (support/cgroup.rs). */
#define RFL_MEMCG_USAGE		0
#define RFL_MEMCG_HIGH		1
#define RFL_MEMCG_MAX		2
#define RFL_MEMCG_SWAP		3
#define RFL_MEMCG_SWAP_MAX	4
#define RFL_MEMCG_NR		5

/* The cgroup v2 hierarchy's mount options (support/cgroup2_mount.rs). */
extern const unsigned int rfl_cgroup2_option_flags[6];
unsigned int rfl_cgroup2_root_flags(void);

/* Kernel-internal mounts and files (support/mount.rs). */
void *rfl_kern_mount(const char *fstype, char *data);
void rfl_kern_unmount(void *mnt);
void *rfl_file_open(void *mnt, const char *path, bool write);
void *rfl_file_parent_kn(void *file);
long rfl_file_read(void *file, char *buf, size_t size, long long *pos);
long rfl_file_write(void *file, const char *buf, size_t size, long long *pos);
void rfl_file_close(void *file);

/* Delayed work (support/dwork.rs). */
void *rfl_dwork_new(long (*fn)(void *data), void *data, bool unbound);
void rfl_dwork_queue(void *work, unsigned long ms);
void rfl_dwork_kick(void *work);
void rfl_dwork_cancel_sync(void *work);
void rfl_dwork_free(void *work);

/*
 * Tracepoints found by name (most are not exported to modules). A module's
 * glue.c lists its probes in a table of these and hands the table to Rust
 * (support/tracepoint.rs), which decides which to attach.
 */
struct rfl_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
};
#define RFL_TP(n, p) { .name = (n), .probe = (p) }
void rfl_tp_lookup(struct rfl_tp *tps, unsigned int n);
bool rfl_tp_found(struct rfl_tp *tps, unsigned int i);
const char *rfl_tp_name(struct rfl_tp *tps, unsigned int i);
int rfl_tp_register(struct rfl_tp *tps, unsigned int i);
void rfl_tp_unregister(struct rfl_tp *tps, unsigned int i);
void rfl_tp_sync(void);

#endif /* RFL_SUPPORT_GLUE_H */
