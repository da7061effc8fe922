/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module parameters whose parsing and formatting live in Rust.
 *
 * RFL_PARAM_OPS(prefix) defines a struct kernel_param_ops that forwards
 * reads and writes to two functions the module's Rust crate exports:
 *
 *   int prefix_rs_param_set(const char *name, const char *val);
 *   int prefix_rs_param_get(const char *name, char *buf);
 *
 * Parameter writes hold the module's kernel_param_lock(), which
 * rfl_param_lock() and rfl_param_unlock() of support_glue.c take
 * (support/param_lock.rs wraps them for Rust).
 *
 * RFL_PARAM(prefix, name, type, desc) declares one writable parameter using
 * them; type ("bool", "uint") is what modinfo shows.
 * The Rust side finds the parameter by name (see support/params.rs).
 */
#ifndef RFL_PARAM_GLUE_H
#define RFL_PARAM_GLUE_H

#include <linux/moduleparam.h>

#define RFL_PARAM_OPS(prefix)						\
int prefix##_rs_param_set(const char *name, const char *val);		\
int prefix##_rs_param_get(const char *name, char *buf);		\
									\
static int prefix##_param_set(const char *val,				\
			      const struct kernel_param *kp)		\
{									\
	return prefix##_rs_param_set(kp->name, val);			\
}									\
									\
static int prefix##_param_get(char *buf, const struct kernel_param *kp)\
{									\
	return prefix##_rs_param_get(kp->name, buf);			\
}									\
									\
static const struct kernel_param_ops prefix##_param_ops = {		\
	.set = prefix##_param_set,					\
	.get = prefix##_param_get,					\
}

#define RFL_PARAM(prefix, name, type, desc)				\
	module_param_cb(name, &prefix##_param_ops, NULL, 0644);		\
	__MODULE_PARM_TYPE(name, type);					\
	MODULE_PARM_DESC(name, desc)

#endif /* RFL_PARAM_GLUE_H */
