/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C half of support/cgroup2_mount.rs: the cgroup v2 hierarchy's root
 * flags and the flag of each of its mount options, so that a private mount
 * can pass exactly the options the hierarchy has. Included by the one
 * glue.c of each module that mounts cgroup2; the logic is in Rust.
 */
#ifndef RFL_CGROUP2_GLUE_H
#define RFL_CGROUP2_GLUE_H

#include <linux/cgroup.h>

/* The order of NAMES in support/cgroup2_opts.rs. */
extern const unsigned int rfl_cgroup2_option_flags[6];
const unsigned int rfl_cgroup2_option_flags[6] = {
	CGRP_ROOT_NS_DELEGATE,
	CGRP_ROOT_FAVOR_DYNMODS,
	CGRP_ROOT_MEMORY_LOCAL_EVENTS,
	CGRP_ROOT_MEMORY_RECURSIVE_PROT,
	CGRP_ROOT_MEMORY_HUGETLB_ACCOUNTING,
	CGRP_ROOT_PIDS_LOCAL_EVENTS,
};

unsigned int rfl_cgroup2_root_flags(void);
unsigned int rfl_cgroup2_root_flags(void)
{
	return READ_ONCE(cgrp_dfl_root.flags);
}

#endif
