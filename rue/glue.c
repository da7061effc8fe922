// SPDX-License-Identifier: GPL-2.0
/*
 * C glue of rue: module parameters, whose values Rust parses and keeps.
 */

#include <linux/module.h>

#include "param_glue.h"

MODULE_VERSION(RFL_VERSION);

RFL_PARAM_OPS(rue);
RFL_PARAM(rue, memory_qos, "bool",
	  "Master switch of the memory priority controller (0 default, 1)");
RFL_PARAM(rue, use_priority_oom, "bool",
	  "Choose OOM victims by cgroup priority (0 default, 1)");
RFL_PARAM(rue, prio_reclaim_ratio, "uint",
	  "Memory kept free by priority reclaim, percent of RAM (1..20, default 5)");
RFL_PARAM(rue, highest_reclaim_prio, "uint",
	  "Most important priority priority reclaim may touch (1..8, 8 = none; default 1)");
RFL_PARAM(rue, io_qos, "bool",
	  "Master switch of the IO priority controller (0 default, 1)");
