// SPDX-License-Identifier: GPL-2.0
/*
 * C glue of the cgroup_hello sample: one thin wrapper around kernel
 * functions that are static inline in C and so not reachable from Rust.
 */

#include <linux/cgroup.h>
#include <linux/nsproxy.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

int cgroup_hello_glue_current_cgroup_path(char *buf, size_t len);

/*
 * Writes the cgroup v2 path of the current task, as its own cgroup
 * namespace sees it, into buf. Returns the length or a negative errno.
 */
int cgroup_hello_glue_current_cgroup_path(char *buf, size_t len)
{
	struct cgroup *cgrp;
	int ret;

	rcu_read_lock();
	cgrp = task_dfl_cgroup(current);
	if (!cgroup_tryget(cgrp))
		cgrp = NULL;
	rcu_read_unlock();
	if (!cgrp)
		return -ENOENT;

	ret = cgroup_path_ns(cgrp, buf, len, current->nsproxy->cgroup_ns);
	cgroup_put(cgrp);
	return ret;
}
