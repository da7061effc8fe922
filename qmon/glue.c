// SPDX-License-Identifier: GPL-2.0
/*
 * C glue of qmon: module parameters, whose values Rust parses and keeps.
 */

#include <linux/module.h>

#include "param_glue.h"

MODULE_VERSION(RFL_VERSION);

RFL_PARAM_OPS(qmon);
RFL_PARAM(qmon, enabled, "bool",
	  "Attach the latency probes (1, default) or detach them (0)");
