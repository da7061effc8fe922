/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a memory cgroup's counters: the one piece of C glue that more than
 * one module needs (memcontrol.h's counters have no exported accessor).
 */
#ifndef RFL_MEMCG_GLUE_H
#define RFL_MEMCG_GLUE_H

#include <linux/cgroup.h>
#include <linux/memcontrol.h>
#include <linux/page_counter.h>

#define RFL_MEMCG_USAGE		0
#define RFL_MEMCG_HIGH		1
#define RFL_MEMCG_MAX		2
#define RFL_MEMCG_SWAP		3
#define RFL_MEMCG_SWAP_MAX	4
#define RFL_MEMCG_NR		5

static inline u64 rfl_pages_or_max(unsigned long pages)
{
	return pages == PAGE_COUNTER_MAX ? U64_MAX : (u64)pages * PAGE_SIZE;
}

/*
 * @out[RFL_MEMCG_NR]: the counters of @cgrp's own memory controller, in
 * bytes (U64_MAX: no limit). -ENOENT when the memory controller is not
 * enabled on @cgrp itself (then it has no memory.* files). No allocation.
 */
static inline int rfl_memcg_read(struct cgroup *cgrp, u64 *out)
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

#endif /* RFL_MEMCG_GLUE_H */
