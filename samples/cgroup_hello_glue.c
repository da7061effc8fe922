// SPDX-License-Identifier: GPL-2.0
/*
 * C glue of the cgroup_hello sample: only the support layer's wrappers of
 * kernel functions that are static inline in C (task_dfl_cgroup(),
 * cgroup_tryget(), ...) and so not reachable from Rust.
 */

#include "support_glue.c"
